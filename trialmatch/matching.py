# PARALLEL BUILD: read /work/main/CONTRIBUTING.md first (file ownership, git rules, venv, deadline 04:50 UTC).
"""Matching: link each claim to its ClinicalTrials.gov record(s), or abstain.

Owned by issue #4. Scoring weights and the threshold live in one place, SCORING, below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["agreed", "partly", "disagreed", "unknown"]


@dataclass(frozen=True)
class Reason:
    """One feature's contribution to a match score."""

    feature: str
    """Feature name: id, intervention, sponsor, condition, phase, design, enrollment, dates,
    country, title."""
    outcome: Outcome
    """agreed, partly, disagreed or unknown."""
    detail: str
    """Human-readable evidence: what the claim says against what the record says."""

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "outcome": self.outcome, "detail": self.detail}


@dataclass(frozen=True)
class Match:
    """A claim-to-record link (accepted) or candidate (rejected)."""

    nct_id: str
    """The record's NCT ID."""
    score: float
    """Score in [0, 1]."""
    reasons: tuple[Reason, ...] = ()
    """Per-feature outcomes behind the score."""
    confirmed_by_reviewer: bool = False
    """True when a --links file decided this link."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "score": round(self.score, 3),
            "reasons": [r.to_dict() for r in self.reasons],
            "confirmed_by_reviewer": self.confirmed_by_reviewer,
        }


@dataclass(frozen=True)
class ClaimMatches:
    """Matching's answer for one claim."""

    claim_id: str
    """The claim."""
    matches: tuple[Match, ...] = ()
    """Accepted links, best first. Empty: no registered trial found."""
    candidates: tuple[Match, ...] = ()
    """Best rejected records, for transparency."""
    queries: tuple[str, ...] = ()
    """Registry queries made for this claim (``Query.describe()``)."""


@dataclass(frozen=True)
class DocumentMatches:
    """Matching's answer for one document."""

    claims: tuple[ClaimMatches, ...] = ()
    """One entry per claim, in claim order."""
    studies: dict[str, Any] = field(default_factory=dict)
    """nct_id -> Study for every linked record (and candidates)."""
    retrieved_at: str = ""
    """ISO UTC timestamp when the records were retrieved."""
