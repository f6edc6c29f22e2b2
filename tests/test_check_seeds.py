"""End to end on the five real seeds: the real extractor, the repo's snapshot of real records
(every record in it a distractor), matching and compare — and ``trialmatch check`` itself.

The expected links are those of issue #4; they are asserted by what the claims say (their quote),
not by claim position, so they read like the issue.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import SAMPLES_DIR, SEEDS_DIR, SNAPSHOT_DIR
from trialmatch.claims.extract import extract_path
from trialmatch.cli import main
from trialmatch.pipeline import check_document
from trialmatch.registry.snapshot import SnapshotRegistry

RUN = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> SnapshotRegistry:
    reg = SnapshotRegistry(SNAPSHOT_DIR, index_dir=tmp_path_factory.mktemp("index"))
    yield reg
    reg.close()


def check(registry, name: str, folder=SEEDS_DIR):
    path = next(folder.glob(f"{name}*"))
    doc = extract_path(path)
    assert doc.error is None
    return check_document(doc, registry, run_date=RUN)


def claim_saying(checked, words: str):
    found = [c for c in checked.claims if words.lower() in c.claim.quote.lower()]
    assert len(found) == 1, [c.claim.quote for c in checked.claims]
    return found[0]


def rows(cc, nct_id: str) -> dict:
    return {r.field: r for r in cc.comparisons if r.nct_id == nct_id}


def test_seed_000_us_phase_ii_links_the_title_only_record(registry):
    out = check(registry, "000")
    us = claim_saying(out, "Phase II clinical trials in the US")
    assert [m.nct_id for m in us.matches] == ["NCT02017912"]
    assert not us.matches[0].confirmed_by_reviewer
    # that record holds only an ID and a title: every row is "not in record"
    r = rows(us, "NCT02017912")
    assert len(r) == 12
    assert {x.verdict for x in r.values()} == {"not in record"}
    assert all(x.registered is None for x in r.values())
    # its other NurOwn records were weighed and rejected
    assert "NCT03280056" in {m.nct_id for m in us.candidates}


def test_seed_000_two_initial_trials_at_hadassah(registry):
    out = check(registry, "000")
    early = claim_saying(out, "two initial trials")
    assert sorted(m.nct_id for m in early.matches) == ["NCT01051882", "NCT01777646"]
    enrol = {n: rows(early, n)["enrollment"] for n in ("NCT01051882", "NCT01777646")}
    assert enrol["NCT01051882"].registered == 12
    assert enrol["NCT01051882"].claimed == 24
    assert enrol["NCT01777646"].verdict == "not in record"
    assert enrol["NCT01777646"].registered is None
    # no record is linked twice within the document
    linked = [m.nct_id for c in out.claims for m in c.matches]
    assert len(linked) == len(set(linked))


def test_seed_003_bioinova_phase_iia(registry):
    out = check(registry, "003")
    (claim,) = [c for c in out.claims if c.matches]
    assert [m.nct_id for m in claim.matches] == ["NCT03828123"]
    r = rows(claim, "NCT03828123")
    assert (r["phase"].claimed, r["phase"].registered, r["phase"].verdict) == (
        ["PHASE2"],
        ["PHASE1", "PHASE2"],
        "partly consistent",
    )
    assert (r["start_date"].claimed, r["start_date"].registered) == ("2012-01", "2012-01-31")
    assert r["start_date"].verdict == "consistent"
    assert (r["completion_date"].claimed, r["completion_date"].registered) == (
        "2016-12",
        "2017-08-18",
    )
    assert r["registration"].verdict == "not in record"
    flags = {f.flag for f in claim.flags}
    assert "phase_mismatch" in flags
    assert "retrospective_registration" not in flags


@pytest.mark.parametrize("seed", ["001", "002"])
def test_fetal_stem_cell_clinic_figures_have_no_registered_trial(registry, seed):
    out = check(registry, seed)
    assert out.figures
    assert {f.figure_verdict for f in out.figures} == {"no registered trial"}
    assert all(c.matches == () for c in out.claims)


def test_seed_004_case_report_abstains(registry):
    out = check(registry, "004")
    assert all(c.matches == () for c in out.claims)


def test_sample_eudract_document_links_and_shows_posted_results(registry):
    out = check(registry, "pallas_eudract", SAMPLES_DIR / "matching")
    linked = [c for c in out.claims if c.matches]
    assert [m.nct_id for c in linked for m in c.matches] == ["NCT02513394"]
    figs = [f for f in out.figures if f.nct_ids]
    assert figs and {f.figure_verdict for f in figs} == {"results posted"}
    assert any(o["kind"] == "posted_result" for f in figs for o in f.registered_outcomes)


def test_cli_check_json_on_seeds(capsys):
    code = main(["check", str(SEEDS_DIR), "--registry", str(SNAPSHOT_DIR), "--format", "json"])
    assert code == 0
    docs = json.loads(capsys.readouterr().out)
    assert len(docs) == 5
    for d in docs:
        assert d["registry"].startswith("snapshot") and d["run_date"]
        for c in d["claims"]:
            assert {"matches", "candidates", "comparisons", "flags"} <= set(c)
        for f in d["figures"]:
            assert {"figure_verdict", "nct_ids"} <= set(f)
    seed0 = next(d for d in docs if "000_" in d["doc"])
    linked = sorted(m["nct_id"] for c in seed0["claims"] for m in c["matches"])
    assert linked == ["NCT01051882", "NCT01777646", "NCT02017912"]


def test_cli_check_with_reviewer_links(tmp_path, capsys):
    seed = next(SEEDS_DIR.glob("000*"))
    doc = extract_path(seed)
    us = next(c for c in doc.claims if "Phase II" in c.quote)
    links = tmp_path / "links.csv"
    links.write_text(f"doc,claim_id,nct_id\n{seed},{us.claim_id},NONE\n", encoding="utf-8")
    code = main(
        [
            "check",
            str(seed),
            "--registry",
            str(SNAPSHOT_DIR),
            "--format",
            "json",
            "--links",
            str(links),
        ]
    )
    assert code == 0
    (d,) = json.loads(capsys.readouterr().out)
    c = next(c for c in d["claims"] if c["claim_id"] == us.claim_id)
    assert c["matches"] == [] and c["comparisons"] == []
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n", encoding="utf-8")
    assert main(["check", str(seed), "--registry", str(SNAPSHOT_DIR), "--links", str(bad)]) == 2
    assert "bad.csv:1" in capsys.readouterr().err


def test_cli_check_goes_on_past_a_missing_document_and_fails_on_a_missing_snapshot(capsys):
    seed = next(SEEDS_DIR.glob("003*"))
    code = main(["check", "no-such-file.txt", str(seed), "--registry", str(SNAPSHOT_DIR),
                 "--format", "json"])  # fmt: skip
    assert code == 1
    captured = capsys.readouterr()
    docs = json.loads(captured.out)
    assert [d["error"] is None for d in docs] == [False, True]
    assert [m["nct_id"] for c in docs[1]["claims"] for m in c["matches"]] == ["NCT03828123"]
    assert "no-such-file.txt" in captured.err
    assert main(["check", str(seed), "--registry", "/no/such/snapshot"]) == 2
