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


def test_count_matches_lower_cased_agree_with_ignorecase() -> None:
    from trialmatch.claims import numbers as N

    def plain(text: str, lo: int, hi: int) -> list[tuple[int, int, str, str, str]]:
        return [
            (m.start(), m.end(), m.group("mods") or "", m.group("num"), m.group("noun"))
            for m in N._COUNT.finditer(text, lo, hi)
        ]

    for text in [
        "The study enrolled Twelve ALS Patients and TWENTY-FOUR healthy Volunteers.",
        "Of the 1,200 newly diagnosed Women, a dozen children were treated.",
        "Forty ıtalian patients; 30 ſick people",  # dotless i, long s: the IGNORECASE path
    ]:
        for lo in range(0, len(text), 4):
            assert N._count_matches(text, lo, len(text), False) == plain(text, lo, len(text))
        assert [c[3] for c in N._count_matches(text, 0, len(text), False)] == [
            c[3] for c in plain(text, 0, len(text))
        ]


def test_case_traps_are_the_regex_engines_extra_case_forms() -> None:
    """Every character an IGNORECASE search folds beyond str.lower() is a trap (so the
    lower-cased fast paths fall back to IGNORECASE on it)."""
    import pytest

    casefix = pytest.importorskip("re._casefix")
    from trialmatch.claims.text import CASE_TRAPS

    extras = {chr(x) for v in casefix._EXTRA_CASES.values() for x in v if x > 127}
    assert extras | {"\u0130"} == set(CASE_TRAPS)
    assert [c for c in map(chr, range(0x110000)) if len(c.lower()) != 1] == ["\u0130"]


def test_arm_matches_lower_cased_agree_with_ignorecase() -> None:
    from trialmatch.claims import enrollment as E
    from trialmatch.claims.text import lower_window

    for text in [
        "Of the 36 Patients, 24 Received NurOwn and the remaining 12 got Placebo.",
        "Twelve were randomized: 8 To RX-101 and 4 to placebo; 30 in the Treatment group.",
        "6 with early ALS received the cells, and 6 Sham (n=6).",
    ]:
        for lo in (0, 5, 17):
            lw = lower_window(text, lo, len(text))
            assert lw is not None
            for k in range(len(E._ARM_PATTERNS)):
                got = E._arm_matches(k, text, lo, len(text), lw)
                assert got == E._arm_matches(k, text, lo, len(text), None), (text, lo, k)


def test_boilerplate_starts_agree_with_the_pattern() -> None:
    low = (
        "forward-looking statements: ... this forward looking statement and safe  harbour; "
        "looking forward, a safe bet. safe harbor forward\nlooking statements"
    )
    want = [m.start() for m in X._BOILERPLATE_LOWER.finditer(low)]
    assert X._boilerplate_starts(low) == want and len(want) == 5
