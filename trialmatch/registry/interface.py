"""The registry interface: one ABC over the live API and the offline snapshot.

The rest of trialmatch holds a ``Registry`` and never knows which source is behind it.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Self

from trialmatch.registry.errors import (  # re-exported: one tree for the stage
    BadRequestError,
    InvalidIdError,
    MalformedResponseError,
    NotFoundError,
    RegistryError,
    UnavailableError,
)
from trialmatch.registry.study import Study

__all__ = [
    "BadRequestError",
    "InvalidIdError",
    "MalformedResponseError",
    "NotFoundError",
    "Query",
    "Registry",
    "RegistryError",
    "UnavailableError",
    "normalize_nct_id",
    "split_ids",
]

_NCT_RE = re.compile(r"^\s*NCT0*(\d{1,8})\s*$", re.IGNORECASE)


def normalize_nct_id(value: str) -> str:
    """``"nct1051882"`` -> ``"NCT01051882"``; raises InvalidIdError for anything else."""
    m = _NCT_RE.match(value or "")
    if not m or int(m.group(1)) == 0:
        raise InvalidIdError(value)
    return f"NCT{int(m.group(1)):08d}"


def split_ids(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """(normalized NCT IDs, inputs that are not NCT IDs), each in input order."""
    valid: list[str] = []
    invalid: list[str] = []
    for raw in values:
        try:
            valid.append(normalize_nct_id(raw))
        except InvalidIdError:
            invalid.append(raw)
    return valid, invalid


@dataclass(frozen=True)
class Query:
    """A search over the API's search areas. Empty fields are not sent."""

    term: str | None = None
    """``query.term``: free text over the whole record."""
    cond: str | None = None
    """``query.cond``: conditions."""
    intr: str | None = None
    """``query.intr``: interventions (names and other names)."""
    spons: str | None = None
    """``query.spons``: lead sponsor and collaborators."""
    titles: str | None = None
    """``query.titles``: brief title, official title, acronym."""
    id: str | None = None
    """``query.id``: NCT ID, org study ID and secondary IDs (EudraCT etc.)."""
    overall_status: tuple[str, ...] = ()
    """``filter.overallStatus``: API status enums, e.g. ``("COMPLETED",)``."""
    advanced: str | None = None
    """``filter.advanced``: Essie expression, e.g. ``AREA[Phase]PHASE2``."""
    limit: int = 100
    """Stop after this many studies."""

    def params(self) -> dict[str, str]:
        """The API v2 query parameters (only ones the spec defines), without paging."""
        out: dict[str, str] = {}
        for area in ("term", "cond", "intr", "spons", "titles", "id"):
            value = getattr(self, area)
            if value:
                out[f"query.{area}"] = value
        if self.overall_status:
            out["filter.overallStatus"] = ",".join(self.overall_status)
        if self.advanced:
            out["filter.advanced"] = self.advanced
        return out

    def describe(self) -> str:
        """A short human-readable form, recorded with matches (``intr="NurOwn"``)."""
        parts = [f'{k}="{v}"' for k, v in self.params().items()]
        return " ".join(parts) or "(all studies)"


@dataclass(frozen=True)
class GetResult:
    """What ``Registry.get_many`` found: studies in the order asked, and the IDs it could not."""

    studies: tuple[Study, ...]
    """Studies found, in the order asked (an alias answers with the current record)."""
    missing: tuple[str, ...] = ()
    """Normalized IDs the registry does not know."""
    invalid: tuple[str, ...] = ()
    """Inputs that are not NCT IDs."""
    errors: dict[str, str] = field(default_factory=dict)
    """Per-ID errors other than not-found (e.g. malformed record), ID -> message."""


class Registry(ABC):
    """A source of ClinicalTrials.gov studies."""

    #: short description used in reports, e.g. ``"api https://clinicaltrials.gov/api/v2"``
    description: str = ""

    @abstractmethod
    def get(self, nct_ids: Iterable[str]) -> list[Study]:
        """Studies for these IDs, in the order asked; unknown IDs are left out, invalid IDs raise
        InvalidIdError. Many IDs are fetched in batches, never one request per study."""

    def get_many(self, nct_ids: Sequence[str]) -> GetResult:
        """Like ``get`` but reports invalid and missing IDs instead of raising for them."""
        valid, invalid = split_ids(nct_ids)
        studies = self.get(valid) if valid else []
        found = {s.nct_id for s in studies} | {a for s in studies for a in s.aliases}
        missing = tuple(dict.fromkeys(i for i in valid if i not in found))
        return GetResult(tuple(studies), missing, tuple(invalid))

    @abstractmethod
    def search(self, query: Query) -> Iterator[Study]:
        """Studies matching ``query``, at most ``query.limit``."""

    @property
    def requests_made(self) -> int:
        """Network requests made so far (0 for offline sources)."""
        return 0

    def close(self) -> None:
        """Release files, sessions, connections."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
