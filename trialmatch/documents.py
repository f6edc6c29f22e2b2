# PARALLEL BUILD: read /work/main/CONTRIBUTING.md first (file ownership, git rules, venv, deadline 04:50 UTC).
"""Documents: read .txt/.md/.html(/.pdf) files into text with a stable id.

Owned by the claims-extraction work (issue #3). Spans of later stages index into ``Document.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")


class DocumentError(Exception):
    """A document that cannot be read: empty, binary, oversized, undecodable. Names the file."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Document:
    """A document's text, ready for extraction."""

    path: str
    """The path as given (relative paths stay relative)."""
    sha256: str
    """sha256 of the file's bytes."""
    text: str = field(repr=False)
    """Decoded text; for HTML the extracted visible text; spans index into this."""
    media_type: str = "text/plain"
    """``text/plain``, ``text/markdown``, ``text/html`` or ``application/pdf``."""
    encoding: str | None = None
    """The detected encoding of the bytes (None for PDF)."""

    @property
    def doc_id(self) -> str:
        """Stable id: the path plus the sha256 of the content."""
        return f"{self.path}#{self.sha256}"
