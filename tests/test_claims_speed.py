"""The fast paths of claim extraction find what the plain patterns they stand for find."""

from __future__ import annotations

import re

from trialmatch.claims import extract as X
from trialmatch.claims.enrollment import _ARM_GATE, _ARM_GATE_LOWER
from trialmatch.claims.text import search_lower

_PLAIN_NUMBER = re.compile(r"\d|\b(?:" + "|".join(sorted(X._NUMBER_WORDS)) + r")")


def test_search_lower_agrees_with_ignorecase() -> None:
    sentences = [
        "Twelve patients GOT the cells, the rest a sham injection.",
        "Forty volunteers were RANDOMIZED in two ARMS.",
        "The budget was set; nothing else happened.",
        "Sixteen children were gıven the product.",  # dotless i: only IGNORECASE reads "given"
        "The ſham arm",  # long s
        "Target: İ",
    ]
    for s in sentences:
        for lo in range(0, len(s), 3):
            for hi in (lo, len(s) - 5, len(s)):
                if hi < lo:
                    continue
                want = _ARM_GATE.search(s, lo, hi) is not None
                assert search_lower(_ARM_GATE_LOWER, _ARM_GATE, s, lo, hi) == want, (s, lo, hi)


def test_has_number_agrees_with_the_plain_pattern() -> None:
    for s in [
        "often someone tone",
        "the first of ten",
        "a dozen or so",
        "n_one",
        "-twenty",
        "no figures here",
        "3 cases",
    ]:
        for a in range(len(s) + 1):
            for b in range(a, len(s) + 1):
                want = _PLAIN_NUMBER.search(s, a, b) is not None
                assert X._has_number(s, a, b) == want, (s, a, b)


def test_eudract_trigger_found_from_its_dash() -> None:
    text = "EudraCT 2011-000362-35 and x2011-000362-35 and 12011-000362-35, 2011-000362-3"
    hits = X._Hits(text, X.segment(text))
    want = [m.span() for m in X._EUDRACT_TRIGGER.finditer(text.lower())]
    assert [s for s in hits.triggers.get("reg", []) if text[s[0]].isdigit()] == want
