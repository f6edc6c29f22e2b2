"""Design terms, mapped onto the fixed vocabulary of ``model.DESIGN_TERMS``."""

from __future__ import annotations

import re

from trialmatch.claims.model import Span
from trialmatch.claims.text import end_of as _end

_DESIGN = re.compile(
    r"\b(?:"
    r"(?P<nonrand>non[\s\-]?randomi[sz]ed|not\s+randomi[sz]ed|un[\s\-]?randomi[sz]ed)"
    r"|(?P<rand>randomi[sz]ed|randomi[sz]ation|RCT)"
    r"|(?P<double>double[\s\-]+(?:blind(?:ed)?|mask(?:ed)?)|triple[\s\-]+blind(?:ed)?)"
    r"|(?P<single>single[\s\-]+(?:blind(?:ed)?|mask(?:ed)?))"
    r"|(?P<open>open[\s\-]+label(?:led|ed)?|unblinded|non[\s\-]?blinded)"
    r"|(?P<placebo>placebo[\s\-]+controlled|sham[\s\-]+controlled)"
    r"|(?P<singlearm>single[\s\-]+arm|one[\s\-]+arm|single[\s\-]+group)"
    r"|(?P<multi>multi[\s\-]?cent(?:er|re)|multi[\s\-]?site|multi[\s\-]?national)"
    r")\b",
    re.IGNORECASE,
)
_TERM = {
    "nonrand": "non-randomized",
    "rand": "randomized",
    "double": "double-blind",
    "single": "single-blind",
    "open": "open-label",
    "placebo": "placebo-controlled",
    "singlearm": "single-arm",
    "multi": "multicenter",
}


_KEYS = ("random", "blind", "mask", "label", "placebo", "sham", "arm", "group", "multi")


def find_designs(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[str, Span]]:
    """(term, span) for every design term in ``text``."""
    out: list[tuple[str, Span]] = []
    low = text[lo : _end(text, hi)].lower()
    if not any(k in low for k in _KEYS) and "RCT" not in text[lo : _end(text, hi)]:
        return out
    for m in _DESIGN.finditer(text, lo, _end(text, hi)):
        kind = m.lastgroup
        if kind == "rand" and m.group(0) == "rct":
            continue
        if kind:
            out.append((_TERM[kind], m.span()))
    return out
