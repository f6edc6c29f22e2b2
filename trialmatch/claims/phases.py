"""Trial phases, as ClinicalTrials.gov API v2 enums.

"Phase II", "phase IIa", "Phase 2", "phase two", "Ph. 2" -> PHASE2 (and "fase II", "fáze 2",
"фаза II": the phase words of ``languages``); "Phase I/II", "Phase 1b/2a", "phase I-II", "fase I e II"
-> PHASE1 + PHASE2; "Phase 2/3" -> PHASE2 + PHASE3; "Phase 0" -> EARLY_PHASE1. A list of three or
more phases ("phase I, II and III clinical trials") describes no single trial and is marked
``generic``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trialmatch.claims.languages import PHASE_WORDS
from trialmatch.claims.model import Span
from trialmatch.claims.text import end_of as _end

_NUM = (
    r"(?:IV|I{1,3}|[0-4]|(?:[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|ONE|TWO|THREE|FOUR)(?![a-zA-Z]))"
    r"(?:[abcABC](?![a-zA-Z]))?"
)
_PHASE_TEMPLATE = (
    r"\b(?:[Pp]h(?:ase|\.)?|PHASE{words})\s*[-–]?\s*(?P<first>{num})\b\.?"
    r"(?P<rest>(?:\s*(?:/|-|–|,|\bto\b|\band\b|\bor\b|&{joins})\s*"
    r"(?:(?:[Pp]hase|PHASE{words})\s*)?{num}\b)*)"
)
_PHASE = re.compile(_PHASE_TEMPLATE.format(words="", joins="", num=_NUM))
#: with the phase words and "and" of ``languages`` ("fase I e II", "fáze I/II")
_PHASE_ALL = re.compile(
    _PHASE_TEMPLATE.format(words="|" + PHASE_WORDS, joins=r"|\b[eyiuи]\b|\bund\b|\bet\b", num=_NUM)
)
_REST_NUM = re.compile(_NUM)
#: the numeral before the phase word, as Slavic languages write it: "исследование II фазы",
#: "studie 2. fáze", "badanie II fazy"
_NUM_FIRST = re.compile(
    r"\b(?P<first>IV|I{1,3}|[0-4])(?:[abAB])?\.?(?:\s*/\s*(?P<second>IV|I{1,3}|[0-4])(?:[abAB])?\.?)?"
    r"\s+(?:[Фф]аз[аиіые]|ФАЗ[АИІЫЕ]|[Ff][áa]z[eyai]|F[ÁA]Z[EYAI])\b"
)
_SLAVIC_PHASE = re.compile(r"[Ff][áa]z|F[ÁA]Z|[Фф]аз|ФАЗ")
_TRIAL_AFTER = re.compile(
    r"\s+(?:clinical\s+|pivotal\s+|registrational\s+)?(?:trials?|stud(?:y|ies)|program|"
    r"portion|part|data|results|testing)\b",
    re.IGNORECASE,
)
_ROMAN = {
    "0": 0, "I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4,
    "ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4,
}  # fmt: skip
ENUM = {0: "EARLY_PHASE1", 1: "PHASE1", 2: "PHASE2", 3: "PHASE3", 4: "PHASE4"}


@dataclass(frozen=True)
class PhaseMatch:
    phases: tuple[str, ...]
    """API enums in order: ("PHASE1", "PHASE2")."""
    span: Span
    text: str
    generic: bool
    """True for an enumeration of three or more phases (no single trial)."""


def _value(token: str) -> int | None:
    up = token.upper()
    if up in _ROMAN:
        return _ROMAN[up]
    return _ROMAN.get(up[:-1]) if up[-1:] in ("A", "B", "C") else None


def find_phases(
    text: str, lo: int = 0, hi: int | None = None, *, foreign: bool = True
) -> list[PhaseMatch]:
    """Phases in ``text[lo:hi]``; with ``foreign``, in the languages of ``languages`` too."""
    found: list[PhaseMatch] = []
    if not foreign:
        # an English phase opens on "ph", "Ph" or "PHASE": without them the pattern (which is
        # tried at every position) cannot match
        region = text[lo : _end(text, hi)]
        if "ph" not in region and "Ph" not in region and "PHASE" not in region:
            return found
    for m in (_PHASE_ALL if foreign else _PHASE).finditer(text, lo, _end(text, hi)):
        first = _value(m.group("first"))
        if first is None:
            continue
        # "phase two trial" yes, "phase one of the treatment" no: a word numeral needs a trial
        # word right after it
        word_numeral = m.group("first")[0].isalpha() and m.group("first")[0] not in "IV"
        if word_numeral and not _TRIAL_AFTER.match(text, m.end()):
            continue
        values = [first]
        rest = m.group("rest") or ""
        for r in _REST_NUM.finditer(rest):
            v = _value(r.group(0))
            if v is not None and v not in values:
                values.append(v)
        end = m.end()
        if rest and not values[1:]:
            end = m.end("first")
        # "Phase I" followed by an unrelated capital I ("Phase I I think") is not worth handling;
        # but a bare lowercase roman numeral needs the word "phase" to be lowercase too
        values.sort()
        found.append(
            PhaseMatch(
                phases=tuple(ENUM[v] for v in values),
                span=(m.start(), end),
                text=text[m.start() : end],
                generic=len(values) >= 3,
            )
        )
    if foreign and _SLAVIC_PHASE.search(text, lo, _end(text, hi)):
        taken = [p.span for p in found]
        for m in _NUM_FIRST.finditer(text, lo, _end(text, hi)):
            if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in taken):
                continue
            values = sorted({_ROMAN[g] for g in (m.group("first"), m.group("second")) if g})
            found.append(
                PhaseMatch(
                    phases=tuple(ENUM[v] for v in values),
                    span=m.span(),
                    text=m.group(0),
                    generic=False,
                )
            )
        found.sort(key=lambda p: p.span)
    return found
