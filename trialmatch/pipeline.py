"""Wiring shared by the CLI and the batch job: documents -> claims -> matching -> compare.

No logic of its own: each step is a stage's public function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from trialmatch.claims.model import DocumentClaims
from trialmatch.compare import CheckedDocument, compare_document
from trialmatch.matching import ReviewerLinks, match_document
from trialmatch.registry.interface import Registry


def check_document(
    doc: DocumentClaims,
    registry: Registry,
    *,
    links: ReviewerLinks | None = None,
    run_date: dt.date | None = None,
) -> CheckedDocument:
    """Link one extracted document's claims to registry records and compare them."""
    run_date = run_date or dt.datetime.now(dt.UTC).date()
    matches = match_document(doc, registry, links=links)
    return compare_document(doc, matches, run_date=run_date, registry=registry.description)


def check_documents(
    docs: Iterable[DocumentClaims],
    registry: Registry,
    *,
    links: ReviewerLinks | None = None,
    run_date: dt.date | None = None,
) -> list[CheckedDocument]:
    return [check_document(d, registry, links=links, run_date=run_date) for d in docs]
