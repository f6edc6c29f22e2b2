"""Claim extraction types: what one document says about trials, and the figures it puts forward.

Field names are the JSON keys of ``trialmatch claims --format json`` (issue #3); later stages and
reports rely on them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DateRole = Literal["start", "completion", "results", "period", "follow-up", "other"]
Precision = Literal["year", "month", "day"]

#: the fixed design vocabulary
DESIGN_TERMS = (
    "randomized",
    "non-randomized",
    "double-blind",
    "single-blind",
    "open-label",
    "placebo-controlled",
    "single-arm",
    "multicenter",
)

#: figure units
FIGURE_UNITS = ("percent", "patients", "months", "years", "cells", "ml")

Span = tuple[int, int]


@dataclass(frozen=True)
class Arm:
    """One arm of a claimed trial: "36 of which will receive NurOwn"."""

    label: str
    """What the arm receives, as the text names it ("NurOwn", "placebo")."""
    n: int | None
    """Participants in the arm, or None if the text gives no number."""


@dataclass(frozen=True)
class DateSpan:
    """A date or period as the text states it, normalized to ISO with its precision."""

    text: str
    """The words in the document: "early 2016", "JAN/2012 – DEC/2016"."""
    start: str
    """ISO start: "2016-01" (month precision), "2016", or "2016-01-15"."""
    end: str
    """ISO end, same precision rules: "early 2016" ends "2016-06"."""
    role: DateRole
    """start, completion, results, period, follow-up or other."""
    precision: Precision = "month"
    """Precision of ``start``/``end``."""
    span: Span | None = None
    """Character span of ``text`` in the document."""

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "role": self.role}


@dataclass(frozen=True)
class FollowUp:
    """Follow-up length: "followed up for 18 months"."""

    value: float
    """The number."""
    unit: str
    """"days", "weeks", "months" or "years"."""


@dataclass(frozen=True)
class Claim:
    """One trial (or a group of trials described together) as one document describes it."""

    claim_id: str
    """Stable across runs for unchanged content: document sha256 prefix + position."""
    quote: str
    """The sentence or sentences the first span lies in."""
    spans: tuple[Span, ...]
    """Evidence: ``[start, end)`` character offsets into the document text."""
    trial_count: int = 1
    """How many trials the mention covers ("two initial trials" -> 2)."""
    nct_ids: tuple[str, ...] = ()
    """NCT IDs cited, normalized ("NCT01234567")."""
    other_ids: tuple[str, ...] = ()
    """Other registry IDs: EudraCT "2011-000362-35", ISRCTN..., as written (normalized form)."""
    names: tuple[str, ...] = ()
    """Product / intervention names ("NurOwn", "MSC-NTF")."""
    sponsors: tuple[str, ...] = ()
    """Sponsor and company names ("BrainStorm Cell Therapeutics")."""
    conditions: tuple[str, ...] = ()
    """Conditions ("ALS", "amyotrophic lateral sclerosis")."""
    phases: tuple[str, ...] = ()
    """API phase enums: "Phase I/II" -> ("PHASE1", "PHASE2")."""
    design: tuple[str, ...] = ()
    """Terms from DESIGN_TERMS."""
    enrollment: int | None = None
    """Total participants claimed, or None."""
    arms: tuple[Arm, ...] = ()
    """Arms with sizes and labels."""
    dates: tuple[DateSpan, ...] = ()
    """Dates and periods with roles."""
    countries: tuple[str, ...] = ()
    """Countries, as English country names ("United States", "Israel")."""
    sites: tuple[str, ...] = ()
    """Sites / institutions ("Hadassah University Medical Center")."""
    follow_up: FollowUp | None = None
    """Follow-up length, if stated."""
    status: tuple[str, ...] = ()
    """Status words: approved, entering, recruiting, running, completed, launched, ..."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "quote": self.quote,
            "spans": [list(s) for s in self.spans],
            "trial_count": self.trial_count,
            "nct_ids": list(self.nct_ids),
            "other_ids": list(self.other_ids),
            "names": list(self.names),
            "sponsors": list(self.sponsors),
            "conditions": list(self.conditions),
            "phases": list(self.phases),
            "design": list(self.design),
            "enrollment": self.enrollment,
            "arms": [asdict(a) for a in self.arms],
            "dates": [d.to_dict() for d in self.dates],
            "countries": list(self.countries),
            "sites": list(self.sites),
            "follow_up": asdict(self.follow_up) if self.follow_up else None,
            "status": list(self.status),
        }


@dataclass(frozen=True)
class Figure:
    """A number the document puts forward: every percentage, patient count and dose."""

    value: float
    """Absolute value: "24 million cells" -> 24000000; "67%" -> 67."""
    unit: str
    """One of FIGURE_UNITS."""
    measure: str
    """What it measures: the phrase around it."""
    population: str | None
    """Who it refers to ("ALS patients"), or None."""
    span: Span
    """``[start, end)`` of the number and its unit in the document text."""
    claim_id: str | None = None
    """The claim it belongs to, or None (often itself a finding)."""

    def to_dict(self) -> dict[str, Any]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {
            "value": value,
            "unit": self.unit,
            "measure": self.measure,
            "population": self.population,
            "span": list(self.span),
            "claim_id": self.claim_id,
        }


@dataclass(frozen=True)
class DocumentClaims:
    """The output of extraction for one document."""

    doc: str
    """The path as given on the command line (or the document id's path part)."""
    sha256: str | None
    """sha256 of the document's bytes; None if it could not be read."""
    error: str | None = None
    """Why the document could not be read, or None."""
    claims: tuple[Claim, ...] = ()
    """Trial claims in document order."""
    figures: tuple[Figure, ...] = ()
    """Figures in document order."""
    text: str = field(default="", repr=False, compare=False)
    """The decoded (and, for HTML, extracted) text the spans index into."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "sha256": self.sha256,
            "error": self.error,
            "claims": [c.to_dict() for c in self.claims],
            "figures": [f.to_dict() for f in self.figures],
        }
