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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from trialmatch.claims.model import DocumentClaims
from trialmatch.compare import CheckedDocument
from trialmatch.registry.study import Study
from trialmatch.report.interface import Format
from trialmatch.report.safety import neutralize_csv_cell
from trialmatch.report.tables import FINDINGS_COLUMNS, cell, iter_finding_rows, one_line

CLAIMS_COLUMNS = (
    "doc", "sha256", "error", "kind", "claim_id", "quote", "trial_count", "nct_ids", "other_ids",
    "names", "sponsors", "conditions", "phases", "design", "enrollment", "arms", "dates",
    "countries", "sites", "follow_up", "status", "value", "unit", "measure", "population",
    "span",
)  # fmt: skip
#: separator of list items inside a cell in the lookup and claims CSVs
LIST_JOIN = "; "


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
    return list(columns), [{k: cell(v, LIST_JOIN) for k, v in d.items()} for d in dicts]


def _study_keys() -> list[str]:
    return list(Study(nct_id="NCT00000000").to_dict())


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
                **{k: cell(d.get(k), LIST_JOIN) for k in CLAIMS_COLUMNS if k in d and k != "spans"},
                "quote": one_line(claim.quote),
                "span": cell(d.get("spans"), LIST_JOIN),
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
                "span": cell(d["span"], LIST_JOIN),
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
        # the same rows as the batch job's findings.csv (report/tables.py), from the JSON form
        return write_csv(FINDINGS_COLUMNS, iter_finding_rows(d.to_dict() for d in docs))
