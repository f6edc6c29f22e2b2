"""Registry identifiers: NCT IDs and the IDs of other registries, normalized.

NCT IDs go to ``Claim.nct_ids`` as ``NCT`` + 8 digits. Every other registry's ID goes to
``Claim.other_ids`` in the registry's usual written form: EudraCT ``2011-000362-35`` (an
``EUCTR2011-000362-35-CZ`` WHO ICTRP form is reduced to it), EU CT ``2022-500123-45-00``,
``ISRCTN12345678``, ``ACTRN12612000123456``, ``ChiCTR2000012345``, ``CTRI/2019/03/018123``,
``DRKS00012345``, ``jRCT2031200123``, ``UMIN000012345``, ``IRCT2016...N1``, ``KCT0001234``,
``NTR1234``, ``NL12345.078.15``, ``PACTR202001123456789``, ``JPRN-...``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trialmatch.claims.model import Span
from trialmatch.claims.text import end_of as _end


@dataclass(frozen=True)
class IdMatch:
    kind: str
    """"nct" or the registry name ("eudract", "isrctn", ...)."""
    value: str
    """Normalized ID."""
    span: Span


_NCT = re.compile(r"\bNCT[\s\-_:#]?(\d{8})\b", re.IGNORECASE)
# EudraCT: YYYY-NNNNNN-NN, optionally EUCTR-prefixed / country-suffixed; EU CT adds -NN
_EUDRACT = re.compile(
    r"(?<![\d\-/.])(?:EUCTR\s?)?((?:19|20)\d{2}-\d{6}-\d{2})(-\d{2}(?!\d))?(?:-[A-Z]{2}\b)?(?![\d\-])"
)
_OTHER = re.compile(
    r"\b(?:"
    r"(?P<isrctn>ISRCTN\s?\d{8})"
    r"|(?P<actrn>ACTRN\s?\d{14})"
    r"|(?P<chictr>ChiCTR-?(?:[A-Z]{2,4}-)?\d{8,12})"
    r"|(?P<ctri>CTRI/\d{4}/\d{2,3}/\d{5,6})"
    r"|(?P<drks>DRKS\s?\d{8})"
    r"|(?P<jrct>jRCT[a-z]?\d{10})"
    r"|(?P<umin>UMIN\s?\d{9})"
    r"|(?P<irct>IRCT\d{8,14}N\d{1,3})"
    r"|(?P<kct>KCT\d{7})"
    r"|(?P<ntr>NTR\s?\d{3,5})"
    r"|(?P<pactr>PACTR\d{15})"
    r"|(?P<jprn>JPRN-[A-Za-z]+\d{6,12})"
    r")\b"
)


#: a EudraCT number holds "-" and six digits (a pattern opening on a literal is found by a fast
#: scan; the patterns below decide)
_GATE = re.compile(r"-\d{6}")
_PREFIXES = (
    "nct", "isrctn", "actrn", "chictr", "ctri", "drks", "jrct", "umin", "irct", "kct", "ntr",
    "pactr", "jprn",
)  # fmt: skip


def find_ids(text: str, lo: int = 0, hi: int | None = None) -> list[IdMatch]:
    """Every registry ID in ``text``, in order."""
    found: list[IdMatch] = []
    region = text[lo : _end(text, hi)]
    low = region.lower()
    if not any(p in low for p in _PREFIXES) and not _GATE.search(region):
        return found
    for m in _NCT.finditer(text, lo, _end(text, hi)):
        found.append(IdMatch("nct", "NCT" + m.group(1), m.span()))
    for m in _EUDRACT.finditer(text, lo, _end(text, hi)):
        value = m.group(1) + (m.group(2) or "")
        found.append(IdMatch("eudract" if not m.group(2) else "euct", value, m.span()))
    for m in _OTHER.finditer(text, lo, _end(text, hi)):
        kind = m.lastgroup or "other"
        value = re.sub(r"\s", "", m.group(0))
        found.append(IdMatch(kind, value, m.span()))
    found.sort(key=lambda i: i.span)
    return found
