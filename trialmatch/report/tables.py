"""The batch job's tables (findings, claims, studies, changes), built with pandas.

Input is a :class:`RunReport`: the JSON forms of the run's checked documents (the output of
``trialmatch check --format json``), the linked studies (``trialmatch lookup --format json``
objects) and the changes since the previous run. The HTML report reads the same object, so the
CSV files and the page always say the same thing.

CSV safety: every cell goes through :mod:`trialmatch.report.safety` (the rule shared with
``--format csv``): a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading ``'``; numbers stay numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trialmatch.registry.study import STUDY_URL
from trialmatch.report.safety import neutralize_csv_cell, neutralize_frame

#: the CSV-injection rule shared with ``--format csv`` (report/safety.py)
neutralize = neutralize_csv_cell

FINDINGS_COLUMNS = (
    "doc", "claim_id", "quote", "nct_id", "score", "field", "claimed", "registered", "verdict",
    "flags", "record_version", "url",
)  # fmt: skip
CLAIMS_COLUMNS = (
    "doc", "claim_id", "quote", "phases", "enrollment", "names", "sponsors", "nct_ids", "scores",
)  # fmt: skip
CHANGES_COLUMNS = ("kind", "key", "field", "old", "new")
#: ``studies.csv`` columns: the keys of ``trialmatch lookup --format json`` (Study.to_dict)
STUDIES_FIRST_COLUMNS = ("nct_id", "title", "status", "phases", "enrollment", "record_version")

NO_LINK_VERDICT = "no registered trial found"
#: comparison verdicts counted as discrepancies in the summary
DISCREPANCY_VERDICTS = ("differs", "partly consistent")
LIST_SEPARATOR = ";"


# ------------------------------------------------------------------------------ CSV


def to_csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV text (UTF-8, ``\\n`` line ends, no index), neutralized."""
    return neutralize_frame(frame).to_csv(index=False, lineterminator="\n")


# ------------------------------------------------------------------------------ the input
@dataclass
class RunReport:
    """Everything one batch run reports: the input of the tables and of the HTML page."""

    run_id: str
    """The run folder name, a UTC timestamp such as ``2026-11-22T031500Z``."""
    started_at: str
    """ISO UTC time the run started."""
    run_date: str
    """ISO date against which age-based flags were computed."""
    registry: str
    """The registry source (``Registry.description``)."""
    registry_is_snapshot: bool
    """True when the source is an offline snapshot (its records may be partial)."""
    trialmatch_version: str
    """The trialmatch version that made the run."""
    documents: list[dict[str, Any]] = field(default_factory=list)
    """One ``trialmatch check`` JSON object per document, in path order; a document that could
    not be read has ``error`` set and no claims."""
    studies: dict[str, dict[str, Any]] = field(default_factory=dict)
    """nct_id -> ``trialmatch lookup`` JSON object for every linked study."""
    changes: list[dict[str, Any]] = field(default_factory=list)
    """Rows of ``changes.csv``: kind, key, field, old, new."""
    previous_run_id: str | None = None
    """The run the changes are measured against, or None on the first run."""
    finished_at: str | None = None
    """ISO UTC time the run finished (None while it runs)."""
    data_timestamp: str | None = None
    """The live API's data timestamp (``/version``), or None."""
    registry_requests: int = 0
    """Network requests made to the registry during the run."""
    errors: list[dict[str, str]] = field(default_factory=list)
    """``{"doc", "reason"}`` for every document or lookup that failed."""

    def counts(self) -> dict[str, int]:
        """The summary counts of ``run.json`` and the top of the HTML page."""
        claims = [c for d in self.documents for c in d.get("claims", [])]
        linked = sum(1 for c in claims if c.get("matches"))
        discrepancies = sum(
            1
            for c in claims
            for row in c.get("comparisons", [])
            if row.get("verdict") in DISCREPANCY_VERDICTS
        )
        flags = {
            (d.get("doc"), c.get("claim_id"), f.get("nct_id"), f.get("flag"))
            for d in self.documents
            for c in d.get("claims", [])
            for f in c.get("flags", [])
        }
        return {
            "documents": len(self.documents),
            "documents_failed": sum(1 for d in self.documents if d.get("error")),
            "claims": len(claims),
            "linked": linked,
            "unregistered": len(claims) - linked,
            "discrepancies": discrepancies,
            "flags": len(flags),
            "figures": sum(len(d.get("figures", [])) for d in self.documents),
            "changes": len(self.changes),
            "registry_requests": self.registry_requests,
        }


# ------------------------------------------------------------------------------ cell values
def cell(value: Any, join: str = LIST_SEPARATOR) -> Any:
    """A JSON value as one CSV cell: lists of scalars joined (``;`` by default), other
    structures as JSON, None empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
            return join.join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def one_line(text: str | None) -> str | None:
    """``text`` with every whitespace run (line breaks included) made one space, so that a
    quote stays one line in a spreadsheet; the JSON keeps the exact text the spans index into."""
    return " ".join(text.split()) if text else text


def figure_text(figure: Mapping[str, Any]) -> str:
    """``60 percent: beneficial response`` — a figure with its unit and measure."""
    value = figure.get("value")
    unit = figure.get("unit") or ""
    number = f"{value:g}" if isinstance(value, float) else str(value)
    text = f"{number} {unit}".strip()
    measure = figure.get("measure")
    return f"{text}: {measure}" if measure else text


def outcome_text(outcome: Mapping[str, Any]) -> str:
    """A registered outcome or posted result (``CheckedFigure.registered_outcomes`` item):
    ``NCT..: posted result — <measure> — <time frame> — <unit> — Group A: 1.2, Group B: 3.4``."""
    labels = {"primary_outcome": "registered primary outcome", "posted_result": "posted result"}
    parts = []
    kind = outcome.get("kind")
    if isinstance(kind, str) and kind:
        parts.append(labels.get(kind, kind.replace("_", " ")))
    for key in ("measure", "title", "time_frame", "unit"):
        value = outcome.get(key)
        if isinstance(value, str) and value:
            parts.append(value)
    values = outcome.get("values") or outcome.get("groups")
    if isinstance(values, list) and values:
        shown = []
        for v in values:
            if isinstance(v, Mapping):
                shown.append(": ".join(str(x) for x in (v.get("group"), v.get("value")) if x))
            elif isinstance(v, (list, tuple)):
                shown.append(": ".join(str(x) for x in v if x))
            else:
                shown.append(str(v))
        parts.append(", ".join(shown))
    if not parts:
        return json.dumps(outcome, ensure_ascii=False, sort_keys=True)
    text = " — ".join(parts)
    nct_id = outcome.get("nct_id")
    return f"{nct_id}: {text}" if isinstance(nct_id, str) and nct_id else text


def study_url(nct_id: str) -> str:
    return STUDY_URL.format(nct_id=nct_id)


# ------------------------------------------------------------------------------ rows
def iter_finding_rows(documents: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """The rows of ``findings.csv``, in document and claim order.

    One row per comparison; one ``registration`` row per claim with no link; one ``figure``
    row per figure.
    """
    for doc in documents:
        path = doc.get("doc")
        quotes = {c.get("claim_id"): one_line(c.get("quote")) for c in doc.get("claims", [])}
        for claim in doc.get("claims", []):
            scores = {m["nct_id"]: m.get("score") for m in claim.get("matches", [])}
            flags: dict[str, list[str]] = {}
            for f in claim.get("flags", []):
                flags.setdefault(f.get("nct_id"), []).append(f.get("flag"))
            if not claim.get("matches"):
                yield {
                    "doc": path, "claim_id": claim.get("claim_id"),
                    "quote": one_line(claim.get("quote")),
                    "nct_id": None, "score": None, "field": "registration", "claimed": None,
                    "registered": None, "verdict": NO_LINK_VERDICT, "flags": None,
                    "record_version": None, "url": None,
                }  # fmt: skip
                continue
            for row in claim.get("comparisons", []):
                nct_id = row.get("nct_id")
                yield {
                    "doc": path,
                    "claim_id": claim.get("claim_id"),
                    "quote": one_line(claim.get("quote")),
                    "nct_id": nct_id,
                    "score": scores.get(nct_id),
                    "field": row.get("field"),
                    "claimed": cell(row.get("claimed")),
                    "registered": cell(row.get("registered")),
                    "verdict": row.get("verdict"),
                    "flags": LIST_SEPARATOR.join(dict.fromkeys(flags.get(nct_id, []))) or None,
                    "record_version": row.get("record_version"),
                    "url": study_url(nct_id) if nct_id else None,
                }
        for fig in doc.get("figures", []):
            nct_ids = list(fig.get("nct_ids") or [])
            claim_id = fig.get("claim_id")
            outcomes = [outcome_text(o) for o in fig.get("registered_outcomes") or []]
            yield {
                "doc": path,
                "claim_id": claim_id,
                "quote": quotes.get(claim_id) if claim_id else None,
                "nct_id": LIST_SEPARATOR.join(nct_ids) or None,
                "score": None,
                "field": "figure",
                "claimed": figure_text(fig),
                "registered": " | ".join(outcomes) or None,
                "verdict": fig.get("figure_verdict"),
                "flags": None,
                "record_version": None,
                "url": " ".join(study_url(n) for n in nct_ids) or None,
            }


def iter_claim_rows(documents: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """The rows of ``claims.csv``: one per claim; ``nct_ids``/``scores`` are the accepted links."""
    for doc in documents:
        for claim in doc.get("claims", []):
            matches = claim.get("matches", [])
            yield {
                "doc": doc.get("doc"),
                "claim_id": claim.get("claim_id"),
                "quote": one_line(claim.get("quote")),
                "phases": cell(claim.get("phases") or []) or None,
                "enrollment": claim.get("enrollment"),
                "names": cell(claim.get("names") or []) or None,
                "sponsors": cell(claim.get("sponsors") or []) or None,
                "nct_ids": LIST_SEPARATOR.join(m["nct_id"] for m in matches) or None,
                "scores": LIST_SEPARATOR.join(f"{m.get('score', 0):.3f}" for m in matches) or None,
            }


# ------------------------------------------------------------------------------ frames
def _frame(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(columns))


def _integers(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Whole-number columns as nullable integers, so ``12`` never prints as ``12.0``."""
    for column in columns:
        frame[column] = pd.array(
            [None if v is None or pd.isna(v) else int(v) for v in frame[column]], dtype="Int64"
        )
    return frame


def findings_frame(report: RunReport) -> pd.DataFrame:
    frame = _frame(iter_finding_rows(report.documents), FINDINGS_COLUMNS)
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").round(3)
    return frame


def claims_frame(report: RunReport) -> pd.DataFrame:
    return _integers(_frame(iter_claim_rows(report.documents), CLAIMS_COLUMNS), "enrollment")


def studies_frame(report: RunReport) -> pd.DataFrame:
    rows = [{k: cell(v) for k, v in s.items()} for _, s in sorted(report.studies.items())]
    keys: dict[str, None] = dict.fromkeys(STUDIES_FIRST_COLUMNS)
    for row in rows:
        keys.update(dict.fromkeys(row))
    frame = _frame(rows, list(keys))
    if "enrollment" in frame:
        _integers(frame, "enrollment")
    return frame


def changes_frame(report: RunReport) -> pd.DataFrame:
    rows = [{k: cell(c.get(k)) for k in CHANGES_COLUMNS} for c in report.changes]
    return _frame(rows, CHANGES_COLUMNS)


#: file name -> frame builder, in the order the batch job writes them
TABLES = {
    "findings.csv": findings_frame,
    "claims.csv": claims_frame,
    "studies.csv": studies_frame,
    "changes.csv": changes_frame,
}
