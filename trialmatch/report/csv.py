"""The CSV format (``--format csv``): rows a spreadsheet or pandas reads.

* ``lookup``: one row per study, with the keys of ``Study.to_dict()`` (the JSON of
  ``trialmatch lookup --format json``) as columns; lists are joined with ``"; "``.
* ``check``: the columns of the batch job's ``findings.csv`` (issue #5) — one row per
  comparison row, one ``registration`` row with verdict ``no registered trial found`` per claim
  with no link, one ``figure`` row per figure.
* ``claims``: one row per claim and one per figure (``kind`` says which), plus one row for a
  document that could not be read.

Every CSV is written by the standard ``csv`` module (RFC 4180 quoting, ``\\n`` line ends),
and every cell goes through :func:`trialmatch.report.safety.neutralize_csv_cell` first:
documents are hostile input, and a quote beginning with ``=`` must not become a formula.
Numbers stay numbers; ``None`` is an empty cell; booleans are ``true``/``false``. Quotes keep
their words but not their line breaks (whitespace runs become one space), so that a row stays
one line in a spreadsheet; the JSON output keeps the exact text the spans index into.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from trialmatch.claims.model import DocumentClaims
from trialmatch.compare import CheckedDocument
from trialmatch.registry.study import STUDY_URL, Study
from trialmatch.report.interface import Format
from trialmatch.report.safety import neutralize_csv_cell
from trialmatch.report.table import outcome_text

#: ``findings.csv`` / ``check --format csv`` columns (issue #5)
FINDINGS_COLUMNS = (
    "doc", "claim_id", "quote", "nct_id", "score", "field", "claimed", "registered", "verdict",
    "flags", "record_version", "url",
)  # fmt: skip
CLAIMS_COLUMNS = (
    "doc", "sha256", "error", "kind", "claim_id", "quote", "trial_count", "nct_ids", "other_ids",
    "names", "sponsors", "conditions", "phases", "design", "enrollment", "arms", "dates",
    "countries", "sites", "follow_up", "status", "value", "unit", "measure", "population",
    "span",
)  # fmt: skip
NO_LINK_VERDICT = "no registered trial found"
#: separator of list items inside a cell in the lookup and claims CSVs
LIST_JOIN = "; "
#: separator of flag ids and NCT IDs in findings rows (issue #5: "flag ids joined by `;`")
FLAG_JOIN = ";"


def one_line(text: str | None) -> str | None:
    """``text`` with every whitespace run (line breaks included) made one space."""
    return " ".join(text.split()) if text else text


def cell(value: Any, join: str = LIST_JOIN) -> Any:
    """A JSON value as one CSV cell: lists of scalars joined, other structures as JSON."""
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


def write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """CSV text with a header row; every cell neutralized against formula injection.

    Like the other formats' output it has no final newline (the CLI prints it with one).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            ["" if (v := row.get(c)) is None else neutralize_csv_cell(v) for c in columns]
        )
    return out.getvalue().removesuffix("\n")


# ---------------------------------------------------------------------------------- rows
def study_rows(studies: Sequence[Study]) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns (the keys of ``Study.to_dict()``, in order) and one row per study."""
    dicts = [s.to_dict() for s in studies]
    columns: dict[str, None] = {}
    for d in dicts:
        columns.update(dict.fromkeys(d))
    if not dicts:  # still print the header a reader expects
        columns = dict.fromkeys(_study_keys())
    return list(columns), [{k: cell(v) for k, v in d.items()} for d in dicts]


def _study_keys() -> list[str]:
    return list(Study(nct_id="NCT00000000").to_dict())


def finding_rows(docs: Sequence[CheckedDocument]) -> Iterator[dict[str, Any]]:
    """The rows of ``findings.csv`` for checked documents, in document and claim order."""
    for checked in docs:
        path = checked.doc.doc
        quotes = {cc.claim.claim_id: one_line(cc.claim.quote) for cc in checked.claims}
        for cc in checked.claims:
            claim = cc.claim
            if not cc.matches:
                yield {
                    "doc": path, "claim_id": claim.claim_id, "quote": one_line(claim.quote),
                    "field": "registration", "verdict": NO_LINK_VERDICT,
                }  # fmt: skip
                continue
            scores = {m.nct_id: round(m.score, 3) for m in cc.matches}
            flags: dict[str, list[str]] = {}
            for f in cc.flags:
                flags.setdefault(f.nct_id, []).append(f.flag)
            for row in cc.comparisons:
                yield {
                    "doc": path,
                    "claim_id": claim.claim_id,
                    "quote": one_line(claim.quote),
                    "nct_id": row.nct_id,
                    "score": scores.get(row.nct_id),
                    "field": row.field,
                    "claimed": cell(row.claimed, FLAG_JOIN),
                    "registered": cell(row.registered, FLAG_JOIN),
                    "verdict": row.verdict,
                    "flags": FLAG_JOIN.join(dict.fromkeys(flags.get(row.nct_id, []))) or None,
                    "record_version": row.record_version,
                    "url": STUDY_URL.format(nct_id=row.nct_id),
                }
        for cf in checked.figures:
            fig = cf.figure
            value = int(fig.value) if float(fig.value).is_integer() else fig.value
            claimed = f"{value} {fig.unit}"
            if fig.measure:
                claimed += f": {fig.measure}"
            outcomes = [outcome_text(o) for o in cf.registered_outcomes]
            yield {
                "doc": path,
                "claim_id": fig.claim_id,
                "quote": quotes.get(fig.claim_id) if fig.claim_id else None,
                "nct_id": FLAG_JOIN.join(cf.nct_ids) or None,
                "field": "figure",
                "claimed": claimed,
                "registered": " | ".join(outcomes) or None,
                "verdict": cf.figure_verdict,
                "url": " ".join(STUDY_URL.format(nct_id=n) for n in cf.nct_ids) or None,
            }


def claim_rows(docs: Sequence[DocumentClaims]) -> Iterator[dict[str, Any]]:
    """One row per claim and per figure; a document that could not be read gets one row."""
    for doc in docs:
        base = {"doc": doc.doc, "sha256": doc.sha256, "error": doc.error}
        if doc.error:
            yield {**base, "kind": "error"}
            continue
        for claim in doc.claims:
            d = claim.to_dict()
            yield {
                **base,
                "kind": "claim",
                **{k: cell(d.get(k)) for k in CLAIMS_COLUMNS if k in d and k != "spans"},
                "quote": one_line(claim.quote),
                "span": cell(d.get("spans")),
            }
        for fig in doc.figures:
            d = fig.to_dict()
            yield {
                **base,
                "kind": "figure",
                "claim_id": d["claim_id"],
                "value": d["value"],
                "unit": d["unit"],
                "measure": d["measure"],
                "population": d["population"],
                "span": cell(d["span"]),
            }


# ---------------------------------------------------------------------------------- the format
class CsvFormat(Format):
    """CSV for ``lookup``, ``check`` and ``claims``."""

    name = "csv"

    def studies(self, studies: Sequence[Study]) -> str:
        columns, rows = study_rows(studies)
        return write_csv(columns, rows)

    def claims(self, docs: Sequence[DocumentClaims]) -> str:
        return write_csv(CLAIMS_COLUMNS, claim_rows(docs))

    def checks(self, docs: Sequence[CheckedDocument]) -> str:
        return write_csv(FINDINGS_COLUMNS, finding_rows(docs))
