"""Numbers and figures: percentages, counts of patients, doses, durations.

Numbers are read as written in marketing text: digits with thousands separators ("1,200",
European "140.000"), decimals ("1.5", "0,1"), number words ("four", "twenty-four", "a dozen"),
scale words ("24 million cells" -> 24000000) and scientific notation ("1 x 10^6 cells/kg",
"2×10⁶"). Counts of people need a participant noun ("patients", "participants", "children", ...)
within a few words, so phone numbers, postcodes, years and page numbers never become figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trialmatch.claims import languages as L
from trialmatch.claims.model import Span
from trialmatch.claims.text import end_of as _end
from trialmatch.claims.text import lower_window

#: precompiled patterns of small helpers (re.* would look each up per call)
_RX0 = re.compile(r"\d{1,3}(?:[,. ]\d{3})+")
_RX1 = re.compile(r"[\s\-]+")
_RX2 = re.compile(r"[\d.,:/+]$|\d[ \t]$|\b(?:age[sd]?|aged)\s*$|(?<![A-Za-z])[A-Z]\.,?\s*$")
_RX3 = re.compile(r"\s*(?:[-–]?\s*years?[\s\-]old|years?\s+of\s+age)")


_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a dozen": 12, "dozen": 12,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SCALE_ABBR = {"k": 1_000, "m": 1_000_000, "mln": 1_000_000, "mio": 1_000_000, "bn": 1e9}

_WORD_NUM = (
    r"(?:(?:"
    + "|".join(sorted(_TENS, key=len, reverse=True))
    + r")(?:[\s\-]+(?:"
    + "|".join(k for k in _UNITS if " " not in k and _UNITS[k] < 10 and _UNITS[k] > 0)
    + r"))?|"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r")(?:\s+hundred(?:\s+(?:and\s+)?\w+)?)?"
)
_DIGITS = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?"
NUMBER = rf"(?:{_DIGITS}|\b{_WORD_NUM}\b)"
#: "x 10^6", "× 10⁶", "x10(6)", "x 10E6"
_SCI = (
    r"(?:\s*(?:x|×|\*|X)\s*10\s*(?:\^|\*\*|e|E)?\s*"
    r"(?:\((?P<pexp>[0-9]+)\)|(?P<exp>[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]+)))"
)
_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def parse_number(token: str) -> float | None:
    """The value of a number as written: "1,200" -> 1200, "140.000" -> 140000, "four" -> 4."""
    t = token.strip().lower().replace("\u00a0", " ")
    if not t:
        return None
    if t[0].isdigit():
        if _RX0.fullmatch(t):
            return float(re.sub(r"[,. ]", "", t))
        try:
            return float(t.replace(",", "."))
        except ValueError:
            return None
    words = _RX1.split(t)
    total = 0
    current = 0
    seen = False
    i = 0
    while i < len(words):
        w = words[i]
        if w == "a" and i + 1 < len(words) and words[i + 1] == "dozen":
            current += 12
            seen = True
            i += 2
            continue
        if w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w in _TENS:
            current += _TENS[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in _SCALE:
            total += max(current, 1) * _SCALE[w]
            current = 0
        elif w == "and":
            pass
        else:
            return None
        i += 1
    return float(total + current) if seen else None


# ------------------------------------------------------------------------------- figures
_PERSON = (
    r"(?:patients?|participants?|subjects?|volunteers?|children|child|kids?|infants?|"
    r"babies|adults?|adolescents?|individuals?|persons?|people|men|women|boys|girls|"
    r"cases?|recipients?|enrollees|families)"
)
#: the same with the person nouns of ``languages`` ("pazienti", "pacientů", "Patienten")
_PERSON_ALL = _PERSON[:-1] + "|" + L.trie_regex(L.PERSON_NOUNS) + ")"
#: up to four modifier words between the number and the participant noun ("24 ALS patients",
#: "48 newly diagnosed adult patients"), none of them a verb or preposition that breaks the phrase
_STOP_WORDS = (
    r"study|studies|trials?|phase|will|be|been|who|which|that|the|a|an|these|those|of|in|on|at|"
    r"to|for|with|by|from|per|and|or|was|were|is|are|had|has|have|years?|months?|weeks?|days?|"
    r"hours?|times|sessions?|deaths?|mg|ml|cells?|percent|procent\w*|prozent|ciento|cento|"
    r"відсотк\w*|процент\w*"
)
_MODS = rf"(?:(?!(?:{_STOP_WORDS})\b)[A-Za-z][\w'’\-]*[ \t\u00a0]+){{0,4}}?"
_STOP_MOD = re.compile(rf"\d|%|\b(?:{_STOP_WORDS})\b", re.IGNORECASE)

_PERCENT = re.compile(
    rf"(?P<num>{_DIGITS})(?:\s*(?:[-–]|to)\s*(?P<num2>{_DIGITS}))?\s?"
    rf"(?P<unit>%|\s?per\s?cent\b|\s?pct\b|\s?(?:{L.PERCENT_WORDS})\b)",
    re.IGNORECASE,
)
#: "100 or more patients", "50 or so participants": the bound is the figure
_OR_MORE = r"(?:[ \t\u00a0]+or\s+(?:more|fewer|less|so))?"
_COUNT = re.compile(
    rf"(?P<num>{NUMBER}){_OR_MORE}(?P<mods>[ \t\u00a0]+{_MODS})?(?P<noun>{_PERSON})\b",
    re.IGNORECASE,
)
_COUNT_ALL = re.compile(
    rf"(?P<num>{NUMBER}){_OR_MORE}(?P<mods>[ \t\u00a0]+{_MODS})?(?P<noun>{_PERSON_ALL})\b",
    re.IGNORECASE,
)
_OF_WHICH = re.compile(
    rf"(?P<num>{NUMBER})\s+(?:of\s+(?:which|whom|them)|(?:will\s+|were\s+|are\s+)?(?:receiv|randomi[sz]|assign|allocat))",
    re.IGNORECASE,
)
#: "n=48", "(n=2,884)": thousands separated by a comma are one number
_N_EQUALS = re.compile(r"\b[nN]\s?=\s?(?P<num>\d{1,3}(?:,\d{3})+(?![\d,])|\d{1,6})\b")
#: what a dose of cells is counted in: "cells", "stem cells", "bone marrow mononuclear cells",
#: "MSC-NTF cells", "MSCs", per kilogram or not
_CELL_UNIT = (
    r"(?P<unit>(?:(?:cord[\s\-]+blood|umbilical(?:[\s\-]+cord)?|bone[\s\-]+marrow|"
    r"adipose|fat|placental|autologous|allogeneic|donor|neural|progenitor|mononuclear|"
    r"h(?:a)?ematopoietic|derived)[\s\-]+){0,3}"
    r"(?:viable\s+|living\s+|stem\s+|mesenchymal\s+(?:stem\s+|stromal\s+)?|"
    r"(?-i:[A-Z][\w\-]*[A-Z0-9][\w\-]*)\s+)?"
    r"(?:cells|MSCs?)(?:\s*/\s*kg|\s+per\s+(?:kilogram|kg))?)\b"
)
_CELLS = re.compile(
    rf"(?P<num>{_DIGITS}|\b{_WORD_NUM}\b)\s*(?:(?P<scale>million|billion|thousand|mln|mio|[mMkK](?=\s*cells)|bn)\b\s*)?"
    rf"{_SCI}?\s*(?:/\s*kg\s+)?{_CELL_UNIT}",
    re.IGNORECASE,
)
#: a power of ten alone: "10^6 cells/kg", "10⁸ MSCs"
_POW_CELLS = re.compile(
    rf"(?<![\w.,^])10\s*(?:(?:\^|\*\*)\s*(?P<exp>[0-9]{{1,2}})|(?P<sexp>[⁰¹²³⁴⁵⁶⁷⁸⁹]+))"
    rf"\s*(?:/\s*kg\s+)?{_CELL_UNIT}",
    re.IGNORECASE,
)
_SCI_BEFORE = re.compile(r"[x×*]\s*$", re.IGNORECASE)
#: "15 milionů buněk", "24 milioni di cellule", "10 Millionen Zellen", "5 млн клеток"
_CELLS_INTL = re.compile(
    rf"(?P<num>{_DIGITS})\s*(?P<scale>{L.MILLION})\s+(?:(?:de|di|d[’']|of)\s*)?"
    rf"(?:[^\W\d_]+\s+){{0,2}}?(?:{'|'.join(L.CELL_WORDS)})\b",
    re.IGNORECASE,
)
#: the lower end of a range of cell doses, its unit written once after the upper end:
#: "2.25 million to 22.5 million cells", "1-2 x 10^6 cells/kg", "from 10 to 50 million cells"
_CELLS_LOW = re.compile(
    rf"(?<![\w.,])(?P<num>{_DIGITS})\s*(?:(?P<scale>million|billion|thousand|mln|mio)\b\s*)?"
    rf"{_SCI}?(?P<conn>\s*(?:to|[-–]|and|or)\s*)$",
    re.IGNORECASE,
)
_ML = re.compile(
    rf"(?P<num>{_DIGITS})\s*(?P<unit>ml|mL|ML|millilit(?:er|re)s?|cc)\b",
)
_DURATION = re.compile(
    rf"(?P<num>{NUMBER})(?:\s*(?:[-–]|to)\s*(?P<num2>{NUMBER}))?[\s\-]+(?P<unit>months?|years?)\b",
    re.IGNORECASE,
)
#: the same with the month and year words of ``languages`` ("12 miesięcy", "6 meses")
_DURATION_ALL = re.compile(
    rf"(?P<num>{NUMBER})(?:\s*(?:[-–]|to|a|do|bis|à|до)\s*(?P<num2>{NUMBER}))?[\s\-]+"
    rf"(?P<unit>months?|years?|{L.trie_regex(L.DURATION_UNITS)})(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FigureMatch:
    value: float
    unit: str
    span: Span
    noun: str = ""
    """The participant noun for counts ("patients", "children")."""


def _scale_value(m: re.Match[str]) -> float | None:
    value = parse_number(m.group("num"))
    if value is None:
        return None
    scale = (m.group("scale") or "").lower()
    if scale in _SCALE:
        value *= _SCALE[scale]
    elif scale in _SCALE_ABBR:
        value *= _SCALE_ABBR[scale]
    exp = m.group("exp") or m.group("pexp")
    if exp:
        value *= 10 ** int(exp.translate(_SUPER))
    return value


def _bad_count_context(text: str, start: int, end: int, noun: str) -> bool:
    """Numbers that look like counts but are not: ages, years, times, list markers."""
    before = text[max(0, start - 16) : start]
    after = text[end : end + 12]
    if _RX2.search(before):
        return True
    if re.search(
        r"(?:(?<![\w\-.])\d+|\b(?:one|two|three|four|five|ten))\s+(?:in|out\s+of\s+every|of\s+every)\s+"
        r"(?:every\s+)?$|\bevery\s+$|\bper\s+$",
        before,
    ):
        return True  # "2 in every 1,000 children", "1 in 5 patients": a rate; not "RX-2 in 12"
    return bool(_RX3.match(after))


def find_percentages(text: str, lo: int = 0, hi: int | None = None) -> list[FigureMatch]:
    out = []
    for m in _PERCENT.finditer(text, lo, _end(text, hi)):
        # "67(10)" reference volumes are not percentages; neither is "24/7%"
        value = parse_number(m.group("num"))
        if value is None:
            continue
        if m.start() > 0 and text[m.start() - 1].isalnum():
            continue
        out.append(FigureMatch(value, "percent", m.span()))
    return out


_COUNT_LOWER = re.compile(_COUNT.pattern)


def _count_matches(
    text: str, lo: int, end: int, foreign: bool
) -> list[tuple[int, int, str, str, str]]:
    """(start, end, mods, num, noun) of each match of ``_COUNT`` (``_COUNT_ALL`` with
    ``foreign``) in ``text[lo:end]``, the strings as written. The English pattern runs
    case-sensitively on the lower-cased window when it can (``text.lower_window``): the same
    spans, faster."""
    lw = None if foreign else lower_window(text, lo, end)
    if lw is None:
        return [
            (m.start(), m.end(), m.group("mods") or "", m.group("num"), m.group("noun"))
            for m in (_COUNT_ALL if foreign else _COUNT).finditer(text, lo, end)
        ]
    low, off = lw
    out: list[tuple[int, int, str, str, str]] = []
    for m in _COUNT_LOWER.finditer(low, lo - off):
        ms = m.start("mods")
        out.append(
            (
                m.start() + off,
                m.end() + off,
                text[ms + off : m.end("mods") + off] if ms >= 0 else "",
                text[m.start("num") + off : m.end("num") + off],
                text[m.start("noun") + off : m.end("noun") + off],
            )
        )
    return out


def find_counts(
    text: str,
    lo: int = 0,
    hi: int | None = None,
    *,
    nouns: bool = True,
    refs: bool = True,
    foreign: bool = True,
) -> list[FigureMatch]:
    """Counts of people: "24 patients" (``nouns``); "36 of which", "n=48" (``refs``); with
    ``foreign``, the person nouns of ``languages`` too ("18 pazienti")."""
    out: list[FigureMatch] = []
    end = _end(text, hi)
    for start, stop, mods, num, noun in _count_matches(text, lo, end, foreign) if nouns else ():
        if mods and _STOP_MOD.search(mods):
            continue
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-/"):
            continue
        value = parse_number(num)
        if value is None or value <= 0 or value != int(value):
            continue
        noun = noun.lower()
        if noun in _POPULATION:
            # population statistics ("200 people in the Czech Republic") are not participants
            # unless treatment or enrolment words sit right beside them
            a = max(text.rfind("\n", 0, start) + 1, start - 90)
            b = text.find("\n", stop)
            b = min(b if b >= 0 else len(text), stop + 60)
            window = text[a:b].lower()
            if not _TREATED.search(window) and not (
                noun in _POPULATION_FOREIGN and _TREATED_FOREIGN.search(window)
            ):
                continue
            if re.match(
                r"\s+(?:per|in\s+every|out\s+of|a\s+year|each\s+year|annually)\b",
                text[stop : stop + 20],
            ):
                continue
        if _bad_count_context(text, start, stop, noun):
            continue
        out.append(FigureMatch(value, "patients", (start, stop), noun))
    for m in _OF_WHICH.finditer(text, lo, end) if refs else ():
        value = parse_number(m.group("num"))
        if value is None or (m.start() > 0 and text[m.start() - 1].isalnum()):
            continue
        if _bad_count_context(text, m.start(), m.start("num") + len(m.group("num")), ""):
            continue
        out.append(FigureMatch(value, "patients", (m.start(), m.end("num")), "of which"))
    for m in _N_EQUALS.finditer(text, lo, end) if refs else ():
        out.append(FigureMatch(float(m.group("num").replace(",", "")), "patients", m.span(), "n="))
    return out


#: what an arm is "on" or randomized "to", named right after its size ("24 to RX-101 and 12
#: to placebo", "280 on drug and 140 on placebo"): a name, a code, or a treatment word -- not a
#: time or a number ("12 to 18 months", "on day 3", "on average")
ARM_TARGET = (
    r"(?:the\s+|a\s+|an\s+)?(?:(?-i:[A-Z])|placebo|sham|drug|study\s+drug|active|control|"
    r"standard|usual|best|treatment|therapy|saline|vehicle|observation|cells)"
)
#: the same, any word that is no time, pronoun or verb of motion ("2,884 to palbociclib and
#: 2,912 to letrozole"): taken only in a list of two arms or more
ARM_TARGET_ANY = (
    r"(?:the\s+|a\s+|an\s+)?(?!(?:days?|weeks?|months?|years?|hours?|date|time|average|"
    r"be|have|do|go|get|make|see|take|come|die|each|every|this|that|these|those|their|his|her|"
    r"its|our|your|them|him|us|me|about|around|approximately|nearly|over|under|more|less|"
    r"fewer|end|hospital|clinic|study|trial|home|school|work|one|two|three|four|five|six|"
    r"seven|eight|nine|ten)\b)[^\W\d_]"
)
#: an arm's size after the total, its participant noun left out: "48 participants ..., with 36
#: receiving X and 12 receiving placebo", "12 patients: 6 with early ALS received ...",
#: "24 patients, with 12 receiving X and 12 undergoing a sham procedure", "36 patients,
#: randomized 2:1: 24 to X and 12 to placebo", "(24 on X, 12 on placebo)", "with 30 in the
#: treatment group", "three groups of 16", "16 in each group"
_ARM_COUNT = re.compile(
    rf"(?:[,:;(]\s*(?:(?:with|and|while|whereas)\s+)?|\b(?:and|with|while|whereas)\s+)"
    rf"(?P<num>{NUMBER})\s+(?:(?:with|having)\s+[^,;:.()\d]{{1,40}}?\s+)?"
    r"(?:were\s+|are\s+|will\s+be\s+|would\s+be\s+)?"
    r"(?:receiv(?:e|es|ed|ing)|undergo(?:es|ing)?|underwent|got|getting|given|assigned|"
    r"randomi[sz]ed|allocated|treated\s+with|(?:went|going|put)\s+(?:in)?to|"
    rf"(?P<toon>on|to)\s+(?={ARM_TARGET_ANY})|in\s+(?:the|an?|each|every)\s+(?:[\w\-]+\s+){{0,3}}?"
    r"(?:group|arm|cohort)s?|(?:per|each)\s+(?:group|arm|cohort))\b"
    rf"|\b(?:{NUMBER})\s+(?:equal\s+|treatment\s+|study\s+)?(?:groups|arms|cohorts)\s+of\s+"
    rf"(?P<num2>{NUMBER})\b(?!\s*(?:%|percent|months?|years?|weeks?|days?|mg|ml))",
    re.IGNORECASE,
)


#: a count of people that is itself the first of a list of arms: "2,884 patients on X and
#: 2,912 on placebo", "24 patients to X and 12 to placebo"
FIRST_ARM = re.compile(
    rf"\s+(?:were\s+|are\s+)?(?:randomi[sz]ed\s+|assigned\s+|allocated\s+)?(?:on|to)\s+"
    rf"(?={ARM_TARGET_ANY})[^.;:()]{{1,60}}?\s(?:and|,)\s*(?:{NUMBER})\s+"
    r"(?:(?:patients|participants|subjects)\s+)?(?:were\s+)?(?:on|to)\s",
    re.IGNORECASE,
)


def find_arm_counts(text: str, total: FigureMatch, hi: int) -> list[FigureMatch]:
    """Arm sizes written after a count of people (``total``) up to ``hi``: each is a count
    of people no larger than the total -- unless that count is itself the first arm of a list
    ("2,884 patients on X and 2,912 on placebo")."""
    limit = float("inf") if FIRST_ARM.match(text, total.span[1]) else total.value
    out: list[FigureMatch] = []
    listed = 0  # arms "to X" / "on X"
    weak: list[FigureMatch] = []  # ... whose X is no name, code or treatment word
    for m in _ARM_COUNT.finditer(text, total.span[1], hi):
        g = "num" if m.group("num") else "num2"
        s = m.start(g)
        if s > 0 and (text[s - 1].isalnum() or text[s - 1] in ":/.,"):
            continue
        value = parse_number(m.group(g))
        if value is None or value <= 0 or value != int(value) or value > limit:
            continue
        fig = FigureMatch(value, "patients", m.span(g), "arm")
        if m.group("toon"):
            listed += 1
            if not _ARM_TARGET_RX.match(text, m.end()):
                weak.append(fig)
                continue
        out.append(fig)
    if listed >= 2:
        out = sorted(out + weak, key=lambda f: f.span)
    return out


_ARM_TARGET_RX = re.compile(ARM_TARGET, re.IGNORECASE)


_POPULATION_FOREIGN = frozenset(L.POPULATION_NOUNS)
#: nouns for people in general, not participants: their counts need treatment words beside them
_POPULATION = frozenset(
    ["people", "persons", "person", "men", "women", "individuals", "individual", "families"]
    + ["cases", "case", *_POPULATION_FOREIGN]
)
_TREATED_FOREIGN = re.compile(r"\b(?:" + L.ENROL_STEMS + "|" + L.TREATED_STEMS + ")")
_TREATED = re.compile(
    r"\b(?:treat|enrol|recruit|random|receiv|underw|transplant|inject|infus|dosed|participat|"
    r"involv|includ|register|trial|study|phase|cohort|gave|given|administ|assign|allocat|join|took\s+part|"
    r"take\s+part)",
)


def find_doses(
    text: str, lo: int = 0, hi: int | None = None, *, foreign: bool = True
) -> list[FigureMatch]:
    """Doses of cells and volumes; with ``foreign``, "15 milionů buněk" and the like too."""
    out: list[FigureMatch] = []
    for m in _CELLS.finditer(text, lo, _end(text, hi)):
        if m.start() > 0 and text[m.start() - 1].isalnum():
            continue
        value = _scale_value(m)
        if value is None or value <= 0:
            continue
        # "3 cells" is biology, not a dose: a dose of cells is written in thousands at least
        if value < 1000:
            continue
        low = _CELLS_LOW.search(text, max(lo, m.start() - 40), m.start())
        if low is not None:
            lv = _scale_value(low)
            if (
                lv is not None
                and not low.group("scale")
                and not low.group("exp")
                and not low.group("pexp")
            ):
                # "10 to 50 million cells": the lower end takes the upper end's scale
                upper = parse_number(m.group("num"))
                if upper:
                    lv *= value / upper
            if lv is not None and 1000 <= lv < value:
                k = low.start("conn")
                while text[k - 1].isspace():
                    k -= 1
                out.append(FigureMatch(lv, "cells", (low.start(), k)))
        out.append(FigureMatch(value, "cells", m.span()))
    for m in _POW_CELLS.finditer(text, lo, _end(text, hi)):
        if _SCI_BEFORE.search(text, max(0, m.start() - 3), m.start()):
            continue  # "1 x 10^6 cells": read above, with its coefficient
        exp = m.group("exp") or m.group("sexp").translate(_SUPER)
        out.append(FigureMatch(float(10 ** int(exp)), "cells", m.span()))
    for m in _CELLS_INTL.finditer(text, lo, _end(text, hi)) if foreign else ():
        if m.start() > 0 and text[m.start() - 1].isalnum():
            continue
        value = parse_number(m.group("num"))
        if value is not None and value > 0:
            out.append(FigureMatch(value * 1_000_000, "cells", m.span()))
    for m in _ML.finditer(text, lo, _end(text, hi)):
        if m.start() > 0 and text[m.start() - 1].isalnum():
            continue
        value = parse_number(m.group("num"))
        if value is None:
            continue
        out.append(FigureMatch(value, "ml", m.span()))
    return out


def find_durations(
    text: str, lo: int = 0, hi: int | None = None, *, foreign: bool = False
) -> list[FigureMatch]:
    """Lengths of time in months or years ("18 months", "two years"); with ``foreign``, in the
    languages of ``languages`` too ("12 miesięcy")."""
    out: list[FigureMatch] = []
    for m in (_DURATION_ALL if foreign else _DURATION).finditer(text, lo, _end(text, hi)):
        if m.start() > 0 and text[m.start() - 1].isalnum():
            continue
        value = parse_number(m.group("num"))
        if value is None:
            continue
        unit = m.group("unit").lower()
        unit = L.DURATION_UNITS.get(unit) or (unit if unit.endswith("s") else unit + "s")
        out.append(FigureMatch(value, unit, m.span()))
    return out
