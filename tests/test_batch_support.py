"""Builders shared by the batch, state and HTML-report tests (no tests here).

They build CheckedDocument objects by hand from the repo's real records (``cassettes/snapshot``)
and real seed sentences, so the report layer can be tested on its own. The verdicts in these
hand-made documents are fixed by the test, not computed: these tests check how findings are
*reported*, not how they are found (that is issue #4's tests).
"""

from __future__ import annotations

import json
from pathlib import Path

from trialmatch.claims.model import Claim, DocumentClaims, Figure
from trialmatch.compare import CheckedClaim, CheckedDocument, CheckedFigure, Comparison, Flag
from trialmatch.matching import Match, Reason
from trialmatch.registry.study import Study

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "cassettes" / "snapshot"
BATCH_SAMPLES = Path(__file__).resolve().parent / "samples" / "batch"

RETRIEVED = "2026-11-22T03:15:00Z"

#: a hostile value, as it could appear in a document's text
HOSTILE = (
    '<script>alert("pwned")</script><img src=x onerror="alert(1)">'
    '<a href="javascript:alert(2)">click</a><svg onload=alert(3)>'
)


def study(nct_id: str, path: Path | None = None) -> Study:
    return Study.from_api(json.loads((path or SNAPSHOT / f"{nct_id}.json").read_text()))


def bioinova_document(quote_extra: str = "") -> CheckedDocument:
    """Seed 003's Bioinova Phase IIa claim, linked by hand to its real record NCT03828123."""
    s = study("NCT03828123")
    claim = Claim(
        claim_id="92c0c7b74f5b-1",
        quote="Phase IIa clinical trial, JAN/2012 – DEC/2016, with autologous MSCs in ALS."
        + quote_extra,
        spans=((0, 30),),
        names=("Bioinova",),
        sponsors=("Bioinova",),
        phases=("PHASE2",),
    )

    def row(field: str, claimed, registered, verdict: str, path: str) -> Comparison:
        return Comparison(s.nct_id, field, claimed, registered, verdict, path, s.record_version,
                          RETRIEVED)  # fmt: skip

    comparisons = (
        row("phase", ["PHASE2"], list(s.phases), "partly consistent",
            "protocolSection.designModule.phases"),
        row("start_date", "2012-01", s.start_date.text if s.start_date else None, "consistent",
            "protocolSection.statusModule.startDateStruct"),
        row("completion_date", "2016-12", s.completion_date.text if s.completion_date else None,
            "differs", "protocolSection.statusModule.completionDateStruct"),
        row("registration", None, None, "not in record",
            "protocolSection.statusModule.studyFirstPostDateStruct"),
        row("enrollment", None, s.enrollment, "not claimed",
            "protocolSection.designModule.enrollmentInfo"),
    )  # fmt: skip
    checked_claim = CheckedClaim(
        claim=claim,
        matches=(Match(s.nct_id, 0.91, (Reason("sponsor", "agreed", "Bioinova"),)),),
        candidates=(Match("NCT01609283", 0.2),),
        comparisons=comparisons,
        flags=(Flag(s.nct_id, "phase_mismatch", "claimed PHASE2, registered PHASE1+PHASE2"),),
    )
    figure = Figure(26.0, "patients", "patients treated" + quote_extra, None, (40, 42),
                    claim.claim_id)  # fmt: skip
    doc = DocumentClaims("seeds/003_92c0c7b74f5bab9b.txt", "92c0c7b74f5b" + "0" * 52,
                         claims=(claim,), figures=(figure,))  # fmt: skip
    return CheckedDocument(
        doc=doc,
        claims=(checked_claim,),
        figures=(CheckedFigure(figure, "no posted results", (s.nct_id,)),),
        run_date="2026-11-22",
        registry="snapshot cassettes/snapshot",
        studies={s.nct_id: s},
    )


def unlinked_document(path: str, quote: str, figure_measure: str = "improved") -> CheckedDocument:
    """A claim no registered trial fits, with a clinic's own outcome figure."""
    claim = Claim(claim_id="e8805517439d-1", quote=quote, spans=((0, 10),))
    figure = Figure(67.0, "percent", figure_measure, "ALS patients", (5, 8), None)
    doc = DocumentClaims(path, "e8805517439d" + "1" * 52, claims=(claim,), figures=(figure,))
    return CheckedDocument(
        doc=doc,
        claims=(CheckedClaim(claim=claim),),
        figures=(CheckedFigure(figure, "no registered trial"),),
        run_date="2026-11-22",
        registry="snapshot cassettes/snapshot",
    )


def results_document(record: Study) -> CheckedDocument:
    """A claim linked to NCT03280056 (the NurOwn Phase 3), comparing the results row."""
    claim = Claim(
        claim_id="5396f02c09753-1",
        quote="NurOwn completed its Phase 3 trial in ALS.",
        spans=((0, 10),),
        names=("NurOwn",),
        phases=("PHASE3",),
    )
    verdict = "consistent" if record.has_results else "differs"
    comparisons = (
        Comparison(record.nct_id, "results", True, record.has_results, verdict,
                   "hasResults", record.record_version, RETRIEVED),
        Comparison(record.nct_id, "phase", ["PHASE3"], list(record.phases), "consistent",
                   "protocolSection.designModule.phases", record.record_version, RETRIEVED),
    )  # fmt: skip
    figure = Figure(196.0, "patients", "patients enrolled", None, (0, 3), claim.claim_id)
    fig_verdict = "results posted" if record.has_results else "no posted results"
    flags = () if record.has_results else (
        Flag(record.nct_id, "results_overdue", "completed, no results posted"),
    )  # fmt: skip
    doc = DocumentClaims("docs/nurown.txt", "5396f02c0975" + "2" * 52, claims=(claim,),
                         figures=(figure,))  # fmt: skip
    return CheckedDocument(
        doc=doc,
        claims=(CheckedClaim(claim, (Match(record.nct_id, 0.97),), (), comparisons, flags),),
        figures=(CheckedFigure(figure, fig_verdict, (record.nct_id,)),),
        run_date="2026-11-22",
        registry="snapshot",
        studies={record.nct_id: record},
    )
