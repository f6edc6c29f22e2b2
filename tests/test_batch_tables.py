"""The batch job's CSV tables: exact columns, one row per finding, formula-safe, numbers kept."""

from __future__ import annotations

import csv
import io

import pytest
from test_batch_support import bioinova_document, unlinked_document

from trialmatch.report.tables import (
    CHANGES_COLUMNS,
    CLAIMS_COLUMNS,
    FINDINGS_COLUMNS,
    RunReport,
    changes_frame,
    claims_frame,
    findings_frame,
    neutralize,
    studies_frame,
    to_csv_text,
)


def report(docs, **kw) -> RunReport:
    studies = {k: v.to_dict() for d in docs for k, v in d.studies.items()}
    return RunReport(
        run_id="2026-11-22T031500Z", started_at="2026-11-22T03:15:00Z", run_date="2026-11-22",
        registry="snapshot", registry_is_snapshot=True, trialmatch_version="0.1.0",
        documents=[d.to_dict() for d in docs], studies=studies, **kw,
    )  # fmt: skip


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tleading tab", "'\tleading tab"),
        ("\rleading CR", "'\rleading CR"),
        ("plain text", "plain text"),
        ("-12", "-12"),  # a plain number stays a number
        ("+3.5", "+3.5"),
        (-12, -12),
        (0.91, 0.91),
        (None, None),
        ("", ""),
    ],
)
def test_neutralize(value, expected):
    assert neutralize(value) == expected


def test_findings_columns_and_rows():
    r = report([bioinova_document(), unlinked_document("clinic.html", "We treat ALS.")])
    frame = findings_frame(r)
    assert tuple(frame.columns) == FINDINGS_COLUMNS
    out = rows(to_csv_text(frame))
    bio = [x for x in out if x["doc"].startswith("seeds/003")]
    # one row per comparison (5) + one per figure (1)
    assert [x["field"] for x in bio] == [
        "phase", "start_date", "completion_date", "registration", "enrollment", "figure",
    ]  # fmt: skip
    phase = bio[0]
    assert phase["nct_id"] == "NCT03828123"
    assert phase["claimed"] == "PHASE2" and phase["registered"] == "PHASE1;PHASE2"
    assert phase["verdict"] == "partly consistent"
    assert phase["flags"] == "phase_mismatch"
    assert phase["score"] == "0.91"
    assert phase["url"] == "https://clinicaltrials.gov/study/NCT03828123"
    assert bio[4]["registered"] == "26"  # an integer stays an integer
    fig = bio[5]
    assert fig["claimed"] == "26 patients: patients treated"
    assert fig["verdict"] == "no posted results" and fig["nct_id"] == "NCT03828123"
    clinic = [x for x in out if x["doc"] == "clinic.html"]
    assert clinic[0]["field"] == "registration" and clinic[0]["nct_id"] == ""
    assert clinic[0]["verdict"] == "no registered trial found"
    assert clinic[1]["field"] == "figure" and clinic[1]["verdict"] == "no registered trial"
    assert clinic[1]["claimed"] == "67 percent: improved"


def test_claims_and_studies_tables():
    r = report([bioinova_document(), unlinked_document("clinic.html", "We treat ALS.")])
    claims = rows(to_csv_text(claims_frame(r)))
    assert tuple(claims_frame(r).columns) == CLAIMS_COLUMNS
    assert claims[0]["nct_ids"] == "NCT03828123" and claims[0]["scores"] == "0.910"
    assert claims[0]["phases"] == "PHASE2"
    assert claims[1]["nct_ids"] == "" and claims[1]["enrollment"] == ""
    studies = rows(to_csv_text(studies_frame(r)))
    assert len(studies) == 1
    s = studies[0]
    assert s["nct_id"] == "NCT03828123" and s["phases"] == "PHASE1;PHASE2"
    assert s["enrollment"] == "26" and s["lead_sponsor"] == "Bioinova, s.r.o."
    assert s["url"] == "https://clinicaltrials.gov/study/NCT03828123"


def test_document_values_cannot_become_formulas():
    doc = unlinked_document("=cmd.html", '=HYPERLINK("http://evil","click")')
    r = report([doc], changes=[{"kind": "claim added", "key": "-1+1", "field": "quote",
                                "old": None, "new": "@SUM(1)"}])  # fmt: skip
    text = to_csv_text(findings_frame(r))
    assert rows(text)[0]["doc"] == "'=cmd.html"
    assert rows(text)[0]["quote"] == '\'=HYPERLINK("http://evil","click")'
    change = rows(to_csv_text(changes_frame(r)))[0]
    assert tuple(changes_frame(r).columns) == CHANGES_COLUMNS
    assert change["key"] == "'-1+1" and change["new"] == "'@SUM(1)"
