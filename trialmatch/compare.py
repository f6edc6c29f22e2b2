# PARALLEL BUILD: read /work/main/CONTRIBUTING.md first (file ownership, git rules, venv, deadline 04:50 UTC).
"""Comparison: set every marketing statement beside the registered fact, with a verdict.

Owned by issue #4. Verdict vocabulary and flag ids are fixed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trialmatch.claims.model import Claim, DocumentClaims, Figure
from trialmatch.matching import Match

VERDICTS = ("consistent", "partly consistent", "differs", "not in record", "not claimed")
FIELDS = (
    "phase", "design", "enrollment", "arms", "start_date", "completion_date", "status",
    "country", "sponsor", "intervention", "registration", "results",
)
FIGURE_VERDICTS = ("no registered trial", "no posted results", "results posted")
FLAGS = (
    "retrospective_registration", "results_overdue", "status_stale", "stopped_or_unknown",
    "enrollment_below_claim", "phase_mismatch", "miscited_id",
)


@dataclass(frozen=True)
class Comparison:
    """One compared fact: what the document claims beside what the record registers."""

    nct_id: str
    """The linked record."""
    field: str
    """One of FIELDS."""
    claimed: Any
    """The claim's value, as native JSON (None when not claimed)."""
    registered: Any
    """The record's value, as native JSON (None when not in the record)."""
    verdict: str
    """One of VERDICTS."""
    source_path: str
    """API v2 path of the registered value, e.g. ``protocolSection.designModule.phases``."""
    record_version: str | None
    """The record's versionHolder, or None."""
    retrieved_at: str
    """When the record was retrieved (ISO UTC)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id, "field": self.field, "claimed": self.claimed,
            "registered": self.registered, "verdict": self.verdict,
            "source_path": self.source_path, "record_version": self.record_version,
            "retrieved_at": self.retrieved_at,
        }


@dataclass(frozen=True)
class Flag:
    """A record-level finding."""

    nct_id: str
    """The record."""
    flag: str
    """One of FLAGS."""
    detail: str
    """Why, in words, with the dates or numbers involved."""

    def to_dict(self) -> dict[str, Any]:
        return {"nct_id": self.nct_id, "flag": self.flag, "detail": self.detail}


@dataclass(frozen=True)
class CheckedClaim:
    """A claim with its links, comparisons and flags."""

    claim: Claim
    """The extracted claim."""
    matches: tuple[Match, ...] = ()
    """Accepted links, best first; empty means no registered trial was found."""
    candidates: tuple[Match, ...] = ()
    """Best rejected records."""
    comparisons: tuple[Comparison, ...] = ()
    """One row per compared fact per linked record."""
    flags: tuple[Flag, ...] = ()
    """Record-level flags for the linked records."""
    queries: tuple[str, ...] = ()
    """Registry queries made for this claim."""

    def to_dict(self) -> dict[str, Any]:
        out = self.claim.to_dict()
        out.update(
            matches=[m.to_dict() for m in self.matches],
            candidates=[m.to_dict() for m in self.candidates],
            comparisons=[c.to_dict() for c in self.comparisons],
            flags=[f.to_dict() for f in self.flags],
            queries=list(self.queries),
        )
        return out


@dataclass(frozen=True)
class CheckedFigure:
    """A figure with its verdict and the registered outcomes it stands beside."""

    figure: Figure
    """The extracted figure."""
    figure_verdict: str
    """One of FIGURE_VERDICTS."""
    nct_ids: tuple[str, ...] = ()
    """Records linked to the figure's claim."""
    registered_outcomes: tuple[dict[str, Any], ...] = ()
    """Primary outcome measures and posted results of those records, for side-by-side display."""

    def to_dict(self) -> dict[str, Any]:
        out = self.figure.to_dict()
        out.update(
            figure_verdict=self.figure_verdict,
            nct_ids=list(self.nct_ids),
            registered_outcomes=list(self.registered_outcomes),
        )
        return out


@dataclass(frozen=True)
class CheckedDocument:
    """The output of ``trialmatch check`` for one document."""

    doc: DocumentClaims
    """Extraction output."""
    claims: tuple[CheckedClaim, ...] = ()
    """Claims with matches and comparisons, in document order."""
    figures: tuple[CheckedFigure, ...] = ()
    """Figures with verdicts, in document order."""
    run_date: str = ""
    """ISO date against which age-based flags were computed."""
    registry: str = ""
    """The registry source used (``Registry.description``)."""
    studies: dict[str, Any] = field(default_factory=dict, compare=False)
    """nct_id -> Study for every linked record (for reports)."""

    def to_dict(self) -> dict[str, Any]:
        out = self.doc.to_dict()
        out["claims"] = [c.to_dict() for c in self.claims]
        out["figures"] = [f.to_dict() for f in self.figures]
        out["run_date"] = self.run_date
        out["registry"] = self.registry
        return out
