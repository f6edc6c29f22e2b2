"""Every output format behind one interface (the shape of pip-audit's ``_format``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from trialmatch.claims.model import DocumentClaims
from trialmatch.compare import CheckedDocument
from trialmatch.registry.study import Study


class FormatError(Exception):
    """A format cannot render this kind of output (e.g. ``claims --format csv``)."""


class Format(ABC):
    """An output format. Each method renders one command's output as text."""

    name: str = ""

    @abstractmethod
    def studies(self, studies: Sequence[Study]) -> str:
        """``trialmatch lookup`` output."""

    @abstractmethod
    def claims(self, docs: Sequence[DocumentClaims]) -> str:
        """``trialmatch claims`` output."""

    @abstractmethod
    def checks(self, docs: Sequence[CheckedDocument]) -> str:
        """``trialmatch check`` output."""
