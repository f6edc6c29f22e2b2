"""Compare: every claimed fact beside the registered one, verdicts, flags and figure verdicts.

Registry values come from the repo's copies of real records (cassettes/snapshot/). Claims and
matches are built directly so each rule is pinned on its own.
"""

from __future__ import annotations

import datetime as dt

from tests.conftest import load_record
from trialmatch.claims.model import Arm, Claim, DateSpan, DocumentClaims, Figure
from trialmatch.compare import (
    FIELDS,
    FLAGS,
    VERDICTS,
    compare_claim_study,
    compare_document,
    flags_for,
)
from trialmatch.matching import ClaimMatches, DocumentMatches, Match
from trialmatch.registry.study import Study

RUN = dt.date(2026, 11, 22)
AT = "2026-11-22T03:00:00+00:00"


def study(nct_id: str) -> Study:
    return Study.from_api(load_record(nct_id))


def rows(claim: Claim, s: Study, **kw) -> dict[str, object]:
    return {r.field: r for r in compare_claim_study(claim, s, retrieved_at=AT, **kw)}


def _claim(**kw) -> Claim:
    kw.setdefault("claim_id", "c1")
    kw.setdefault("quote", "q")
    kw.setdefault("spans", ())
    return Claim(**kw)


def test_every_field_has_one_row_with_source_path_version_and_time():
    s = study("NCT03280056")
    out = compare_claim_study(_claim(phases=("PHASE3",)), s, retrieved_at=AT)
    assert [r.field for r in out] == list(FIELDS)
    for r in out:
        assert r.verdict in VERDICTS
        assert r.nct_id == "NCT03280056"
        assert r.record_version == "2025-12-24"
        assert r.retrieved_at == AT
        assert r.source_path.startswith(("protocolSection.", "hasResults"))
    d = out[0].to_dict()
    assert set(d) == {
        "nct_id",
        "field",
        "claimed",
        "registered",
        "verdict",
        "source_path",
        "record_version",
        "retrieved_at",
    }


def test_title_only_record_gives_not_in_record_everywhere():
    """NCT02017912 holds an ID and a title that says 'Phase 2, Randomized, Double Blind':
    nothing is taken from the title."""
    claim = _claim(
        names=("NurOwn",),
        sponsors=("BrainStorm Cell Therapeutics",),
        phases=("PHASE2",),
        design=("double-blind", "randomized"),
        enrollment=48,
        arms=(Arm("NurOwn", 36), Arm("placebo", 12)),
        countries=("United States",),
        dates=(DateSpan("early 2016", "2016-01", "2016-06", "results"),),
        status=("entering",),
    )
    out = rows(claim, study("NCT02017912"))
    assert {r.verdict for r in out.values()} == {"not in record"}
    assert all(r.registered is None for r in out.values())
    assert out["phase"].claimed == ["PHASE2"]


def test_phase_partly_consistent_and_flagged():
    s = study("NCT03828123")
    claim = _claim(phases=("PHASE2",))
    r = rows(claim, s)["phase"]
    assert (r.claimed, r.registered, r.verdict) == (
        ["PHASE2"],
        ["PHASE1", "PHASE2"],
        "partly consistent",
    )
    assert r.source_path == "protocolSection.designModule.phases"
    assert [f.flag for f in flags_for(claim, s, run_date=RUN)].count("phase_mismatch") == 1


def test_claimed_month_period_against_registered_days_keeps_precision():
    s = study("NCT03828123")  # start 2012-01-31, completion 2017-08-18
    claim = _claim(dates=(DateSpan("JAN/2012 – DEC/2016", "2012-01", "2016-12", "period"),))
    out = rows(claim, s)
    assert (out["start_date"].claimed, out["start_date"].registered) == ("2012-01", "2012-01-31")
    assert out["start_date"].verdict == "consistent"
    assert (out["completion_date"].claimed, out["completion_date"].registered) == (
        "2016-12",
        "2017-08-18",
    )
    assert out["completion_date"].verdict == "differs"


def test_registration_row_and_no_retrospective_flag_without_first_posted():
    s = study("NCT03828123")
    claim = _claim(dates=(DateSpan("JAN/2012", "2012-01", "2012-01", "start"),))
    assert rows(claim, s)["registration"].verdict == "not in record"
    assert "retrospective_registration" not in {f.flag for f in flags_for(claim, s, run_date=RUN)}


def test_retrospective_registration_names_secondary_ids():
    s = study("NCT02855112")  # start 2015-06, first posted 2016-08-04
    flags = {f.flag: f for f in flags_for(_claim(), s, run_date=RUN)}
    f = flags["retrospective_registration"]
    assert "2016-08-04" in f.detail and "2015-06" in f.detail
    assert "no secondary IDs" in f.detail
    # the same rule on a record registered before its start raises nothing
    pallas = study("NCT02513394")  # start 2015-08, first posted 2015-07-31
    assert "retrospective_registration" not in {
        f.flag for f in flags_for(_claim(), pallas, run_date=RUN)
    }


def test_results_overdue_status_stale_and_stopped():
    flags = {f.flag for f in flags_for(_claim(), study("NCT01051882"), run_date=RUN)}
    assert "results_overdue" in flags  # COMPLETED 2013, hasResults false
    # results posted: not overdue
    assert "results_overdue" not in {
        f.flag for f in flags_for(_claim(), study("NCT03280056"), run_date=RUN)
    }
    # the run date matters: in 2013 nothing was overdue yet
    assert "results_overdue" not in {
        f.flag for f in flags_for(_claim(), study("NCT01051882"), run_date=dt.date(2013, 6, 1))
    }
    unknown = study("NCT02855112")  # UNKNOWN, verified 2016-08
    flags = {f.flag: f for f in flags_for(_claim(status=("recruiting",)), unknown, run_date=RUN)}
    assert "status_stale" in flags and "2016-08" in flags["status_stale"].detail
    assert "stopped_or_unknown" in flags
    assert "RECRUITING" in flags["stopped_or_unknown"].detail
    withdrawn = study("NCT02116634")
    # a withdrawn trial described neutrally is not flagged; described as running it is
    assert "stopped_or_unknown" not in {
        f.flag for f in flags_for(_claim(), withdrawn, run_date=RUN)
    }
    assert "stopped_or_unknown" in {
        f.flag for f in flags_for(_claim(status=("running",)), withdrawn, run_date=RUN)
    }


def test_enrollment_below_claim_only_for_actual_counts():
    claim = _claim(enrollment=48)
    actual = study("NCT03799718")  # 20 ACTUAL
    f = {x.flag: x for x in flags_for(claim, actual, run_date=RUN)}
    assert "enrollment_below_claim" in f and "20" in f["enrollment_below_claim"].detail
    estimated = study("NCT02855112")  # 10 ESTIMATED
    assert "enrollment_below_claim" not in {
        x.flag for x in flags_for(claim, estimated, run_date=RUN)
    }


def test_enrollment_for_several_trials_together():
    claim = _claim(trial_count=2, enrollment=24)
    one = rows(claim, study("NCT01051882"), linked_enrollments=[12, None])["enrollment"]
    assert (one.claimed, one.registered, one.verdict) == (24, 12, "partly consistent")
    other = rows(claim, study("NCT01777646"), linked_enrollments=[12, None])["enrollment"]
    assert (other.registered, other.verdict) == (None, "not in record")


def test_design_sponsor_intervention_with_aliases():
    s = study("NCT01777646")
    claim = _claim(
        names=("NurOwn",),
        sponsors=("BrainStorm Cell Therapeutics",),
        design=("double-blind", "randomized"),
    )
    out = rows(claim, s, aliases={"NurOwn": ("MSC-NTF",)})
    assert out["intervention"].verdict == "consistent"
    assert out["sponsor"].verdict == "consistent"
    assert out["design"].verdict == "differs"
    # without the registry-learned alias the names differ
    assert rows(claim, s)["intervention"].verdict == "differs"


def test_status_and_country():
    s = study("NCT02513394")
    out = rows(_claim(status=("recruiting",), countries=("United States", "Austria")), s)
    assert out["status"].registered == "ACTIVE_NOT_RECRUITING"
    assert out["status"].verdict == "partly consistent"  # the trial moved on
    assert out["country"].verdict == "consistent"
    assert rows(_claim(countries=("Ukraine",)), s)["country"].verdict == "differs"


def _document(claims, figures):
    return DocumentClaims(doc="d", sha256="0" * 64, claims=tuple(claims), figures=tuple(figures))


def test_figure_verdicts_and_document_output():
    linked = _claim(claim_id="a", other_ids=("2014-005181-30",))
    alone = _claim(claim_id="b")
    figs = [
        Figure(84.2, "percent", "free of invasive disease", None, (0, 5), "a"),
        Figure(67, "percent", "showed decreased weakness", "ALS patients", (6, 9), None),
        Figure(40, "patients", "treated", None, (10, 12), "b"),
    ]
    pallas = study("NCT02513394")
    dm = DocumentMatches(
        claims=(ClaimMatches("a", (Match("NCT02513394", 0.99),)), ClaimMatches("b")),
        studies={"NCT02513394": pallas},
        retrieved_at=AT,
    )
    out = compare_document(_document([linked, alone], figs), dm, run_date=RUN, registry="snap")
    verdicts = [f.figure_verdict for f in out.figures]
    assert verdicts == ["results posted", "no registered trial", "no registered trial"]
    assert out.figures[0].nct_ids == ("NCT02513394",)
    kinds = {o["kind"] for o in out.figures[0].registered_outcomes}
    assert kinds == {"primary_outcome", "posted_result"}
    posted = next(o for o in out.figures[0].registered_outcomes if o["kind"] == "posted_result")
    assert posted["values"][0]["value"] == "84.2"
    assert out.claims[1].comparisons == () and out.claims[1].matches == ()
    d = out.to_dict()
    assert d["run_date"] == "2026-11-22" and d["registry"] == "snap"
    c = d["claims"][0]
    assert {"matches", "candidates", "comparisons", "flags"} <= set(c)
    assert d["figures"][0]["figure_verdict"] == "results posted"


def test_linked_without_results_and_miscited_flag():
    claim = _claim(claim_id="a", nct_ids=("NCT01363401",))
    fig = Figure(196, "patients", "enrolled", None, (0, 3), "a")
    dm = DocumentMatches(
        claims=(
            ClaimMatches(
                "a", (Match("NCT01051882", 0.9),), miscited=(("NCT01051882", "fits poorly"),)
            ),
        ),
        studies={"NCT01051882": study("NCT01051882")},
        retrieved_at=AT,
    )
    out = compare_document(_document([claim], [fig]), dm, run_date=RUN, registry="snap")
    assert out.figures[0].figure_verdict == "no posted results"
    flags = [f for f in out.claims[0].flags if f.flag == "miscited_id"]
    assert flags and flags[0].detail == "fits poorly"
    assert all(f.flag in FLAGS for f in out.claims[0].flags)


def test_promised_results_against_the_run_date():
    s = study("NCT01051882")  # hasResults false
    claim = _claim(dates=(DateSpan("early 2016", "2016-01", "2016-06", "results"),))
    late = rows(claim, s, run_date=RUN)["results"]
    assert (late.claimed, late.verdict) == ("2016-01..2016-06", "differs")
    early = rows(claim, s, run_date=dt.date(2015, 1, 1))["results"]
    assert early.verdict == "consistent"  # not due yet when checked in 2015
    posted = rows(claim, study("NCT03280056"), run_date=RUN)["results"]
    assert posted.registered == {"has_results": True, "results_first_posted": "2024-02-29"}
    assert posted.verdict == "consistent"
