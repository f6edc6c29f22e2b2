"""Dates and periods as marketing text writes them, normalized to ISO with a precision.

Handled: "21 August 2015", "August 21, 2015", "2015-08-21", "August 2015", "Aug. 2015",
"JAN/2012", "01/2012", "early/mid/late 2016", "first half of 2016", "H1 2016", "1H16",
"Q3 2024", "third quarter of 2024", "spring/summer/fall/autumn/winter 2014", "end of 2016",
"beginning of 2016", "year-end 2024", month names of the languages in ``languages`` ("v srpnu
2017", "marzo de 2019", "21. März 2020"), bare years ("in 2012"), and periods joined by a dash,
"to", "through", "until" or "between ... and ..." ("JAN/2012 – DEC/2016", "2012-2016").
"Early 2016" is 2016-01 .. 2016-06; "mid 2016" 2016-04 .. 2016-09; "late 2016" 2016-07 .. 2016-12.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from trialmatch.claims import languages as L
from trialmatch.claims.model import Span
from trialmatch.claims.text import end_of as _end

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
ENGLISH_MONTHS = frozenset([*_MONTHS, "sept", "june", "july"])
#: month names as tries: English; and English with those of ``languages`` ("srpnu", "marzo"),
#: used only where the trigger-word pass saw such a month
_MONTH_EN = L.trie_regex([*_MONTHS, "sept", "june", "july"])
_MONTH = L.trie_regex(
    [*_MONTHS, "sept", "june", "july", *(k for k in L.MONTHS if k not in _MONTHS)]
)
_LINK = rf"(?:(?:of|{L.MONTH_YEAR_LINK})\s+)"


def _month(word: str) -> int:
    """The number of a month name in any of the languages ("srpnu" -> 8, "Aug" -> 8)."""
    low = word.lower()
    return L.MONTHS.get(low) or _MONTHS[low[:3]]


_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_QUAL = {
    "early": (1, 6), "beginning of": (1, 3), "start of": (1, 3), "the beginning of": (1, 3),
    "the start of": (1, 3), "mid": (4, 9), "mid-": (4, 9), "middle of": (4, 9),
    "the middle of": (4, 9), "late": (7, 12), "end of": (10, 12), "the end of": (10, 12),
    "year-end": (10, 12), "year end": (10, 12), "first half of": (1, 6), "second half of": (7, 12),
    "the first half of": (1, 6), "the second half of": (7, 12), "spring": (3, 5),
    "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (1, 2),
    "first quarter of": (1, 3), "second quarter of": (4, 6), "third quarter of": (7, 9),
    "fourth quarter of": (10, 12), "the first quarter of": (1, 3),
    "the second quarter of": (4, 6), "the third quarter of": (7, 9),
    "the fourth quarter of": (10, 12),
}  # fmt: skip
_QUAL_RE = "|".join(sorted((re.escape(q) for q in _QUAL), key=len, reverse=True))

_SINGLE = (
    rf"(?P<{{p}}iso>{_YEAR}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)(?![\d\-])"
    rf"|(?P<{{p}}dmy>(?:[0-3]?\d)(?:st|nd|rd|th|\.)?\s+(?:of\s+|de\s+)?{{month}}\.?,?\s+{_LINK}?{_YEAR})"
    rf"|(?P<{{p}}mdy>{{month}}\.?\s+[0-3]?\d(?:st|nd|rd|th)?,?\s+{_YEAR})"
    rf"|(?P<{{p}}my>{{month}}\.?(?:\s*[/\-.,]\s*|\s+{_LINK}?){_YEAR})"
    rf"|(?P<{{p}}numy>(?:0?[1-9]|1[0-2])/{_YEAR})"
    rf"|(?P<{{p}}quarter>(?:Q[1-4]|[1-4]Q)\s*[/\-]?\s*(?:{_YEAR}|'?\d\d\b))"
    rf"|(?P<{{p}}half>(?:H[12]|[12]H)\s*[/\-]?\s*(?:{_YEAR}|'?\d\d\b))"
    rf"|(?P<{{p}}qual>(?:{_QUAL_RE})[\s\-]*(?:of\s+)?{_YEAR})"
    rf"|(?P<{{p}}year>{_YEAR})(?![\d/.,]\d)(?!-(?!(?:19|20)\d\d\b)\d)"
)
_SEP = r"\s*(?:[-–—]|to|through|until|till|thru|do|al|bis|au|hasta|até|по|до)\s*"


def _date_regex(month: str) -> re.Pattern[str]:
    a = _SINGLE.format(p="a", month=month)
    b = _SINGLE.format(p="b", month=month)
    return re.compile(
        rf"(?<![\w\-/+.])(?:(?P<between>between|from)\s+)?(?:{a})(?:(?:{_SEP}|\s+and\s+)(?:{b}))?(?![\w])",
        re.IGNORECASE,
    )


_DATE = _date_regex(_MONTH_EN)
_DATE_ALL = _date_regex(_MONTH)


@dataclass(frozen=True)
class DateMatch:
    text: str
    start: str
    end: str
    precision: str
    span: Span
    is_range: bool
    bare_year: bool
    """A lone year ("in 2012"): weak evidence, used only beside trial words."""


_DMY = re.compile(rf"(\d+)\D+?({_MONTH})\.?,?\s+{_LINK}?(\d{{4}})", re.IGNORECASE)
_MDY = re.compile(rf"({_MONTH})\.?\s+(\d+)\D*?(\d{{4}})", re.IGNORECASE)
_MY = re.compile(rf"({_MONTH})\W*{_LINK}?(\d{{4}})", re.IGNORECASE)
_QUARTER = re.compile(r"(?:Q([1-4])|([1-4])Q)\s*[/\-]?\s*('?\d+)", re.IGNORECASE)
_HALF = re.compile(r"(?:H([12])|([12])H)\s*[/\-]?\s*('?\d+)", re.IGNORECASE)


def _part_of_year(pattern: re.Pattern[str], text: str, months: int):
    """ "Q3 2024" / "H1 2021" -> first and last month of that quarter or half, month precision."""
    d = pattern.match(text)
    if not d:
        return None
    k = int(d.group(1) or d.group(2))
    year = _two_digit_year(d.group(3))
    return f"{year:04d}-{months * (k - 1) + 1:02d}", f"{year:04d}-{months * k:02d}", "month"


def _two_digit_year(s: str) -> int:
    s = s.strip("'")
    y = int(s)
    return y if y > 100 else 2000 + y


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _parse_single(m: re.Match[str], p: str) -> tuple[str, str, str] | None:
    """(start, end, precision) of the single date in group prefix ``p``."""
    g = m.groupdict()
    if g.get(p + "iso"):
        v = g[p + "iso"]
        return v, v, "day" if len(v) == 10 else "month"
    if g.get(p + "dmy"):
        v = g[p + "dmy"]
        d = _DMY.match(v)
        if not d:
            return None
        day, mon, year = int(d.group(1)), _month(d.group(2)), int(d.group(3))
        if not 1 <= day <= _month_end(year, mon):
            return None
        iso = f"{year:04d}-{mon:02d}-{day:02d}"
        return iso, iso, "day"
    if g.get(p + "mdy"):
        v = g[p + "mdy"]
        d = _MDY.match(v)
        if not d:
            return None
        mon, day, year = _month(d.group(1)), int(d.group(2)), int(d.group(3))
        if not 1 <= day <= _month_end(year, mon):
            return None
        iso = f"{year:04d}-{mon:02d}-{day:02d}"
        return iso, iso, "day"
    if g.get(p + "my"):
        v = g[p + "my"]
        d = _MY.match(v)
        if not d:
            return None
        mon, year = _month(d.group(1)), int(d.group(2))
        iso = f"{year:04d}-{mon:02d}"
        return iso, iso, "month"
    if g.get(p + "numy"):
        mon_s, year_s = g[p + "numy"].split("/")
        iso = f"{int(year_s):04d}-{int(mon_s):02d}"
        return iso, iso, "month"
    if g.get(p + "quarter"):
        return _part_of_year(_QUARTER, g[p + "quarter"], 3)
    if g.get(p + "half"):
        return _part_of_year(_HALF, g[p + "half"], 6)
    if g.get(p + "qual"):
        v = g[p + "qual"]
        d = re.match(rf"({_QUAL_RE})[\s\-]*(?:of\s+)?(\d{{4}})", v, re.IGNORECASE)
        if not d:
            return None
        a, b = _QUAL[d.group(1).lower()]
        year = int(d.group(2))
        return f"{year:04d}-{a:02d}", f"{year:04d}-{b:02d}", "month"
    if g.get(p + "year"):
        y = g[p + "year"]
        return y, y, "year"
    return None


_DIGIT = re.compile(r"\d")


def find_dates(
    text: str, lo: int = 0, hi: int | None = None, *, foreign: bool = True
) -> list[DateMatch]:
    """Dates in ``text[lo:hi]``; month names of ``languages`` too unless ``foreign`` is False
    (the trigger-word pass saw none there)."""
    out: list[DateMatch] = []
    if not _DIGIT.search(text, lo, _end(text, hi)):
        return out
    for m in (_DATE_ALL if foreign else _DATE).finditer(text, lo, _end(text, hi)):
        a = _parse_single(m, "a")
        if a is None:
            continue
        b = _parse_single(m, "b") if any(m.group(k) for k in _B_KEYS) else None
        bare = bool(m.group("ayear")) and b is None
        if b is not None:
            start, end = a[0], b[1]
            precision = a[2] if a[2] == b[2] else "month" if "year" not in (a[2], b[2]) else "year"
            if start > end:
                continue
            # "2012-16"-style shorthand is not matched; 1H/2H already expanded
            span = (_first_group_start(m), m.end())
            out.append(DateMatch(text[span[0] : span[1]], start, end, precision, span, True, False))
        else:
            span = (_first_group_start(m), m.end())
            out.append(DateMatch(text[span[0] : span[1]], a[0], a[1], a[2], span, False, bare))
    return out


_B_KEYS = ("biso", "bdmy", "bmdy", "bmy", "bnumy", "bquarter", "bhalf", "bqual", "byear")
_A_KEYS = ("aiso", "admy", "amdy", "amy", "anumy", "aquarter", "ahalf", "aqual", "ayear")


def _first_group_start(m: re.Match[str]) -> int:
    for k in _A_KEYS:
        if m.group(k):
            return m.start(k)
    return m.start()


# ------------------------------------------------------------------------------ roles
#: the cue words that give a date its role in a trial's life, nearest first (``date_role``)
_ROLE_CUES = [
    (
        "other",
        re.compile(
            r"\b(?:complet\w*\s+(?:its\s+|the\s+)?enrol\w*|fully\s+enrol\w*|"
            r"submi(?:t|ssion)\w*|filing|approval|publish\w*\s+in\s+\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "results",
        re.compile(
            r"\b(?:results?|data|read[\s\-]?outs?|top[\s\-]?line|report(?:ed|s)?|available|"
            r"announc\w*|publish\w*|outcomes?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "start",
        re.compile(
            r"\b(?:start\w*|begin\w*|began|begun|initiat\w*|launch\w*|commenc\w*|since|"
            # "the first patient was dosed", "enrolled its first participant in"
            r"first\s+(?:patients?|participants?|subjects?|volunteers?)|"
            r"enrol\w*\s+(?:began|started|opened)|"
            # "It opened in October 2017", "opened to enrollment", "kicked off", "got under way"
            r"open(?:ed|s)|kick(?:ed|s)?\s+off|(?:got|gets|is|was)\s+under\s?way)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "completion",
        re.compile(
            r"\b(?:complet\w*|conclu\w*|finish\w*|end\s+of\s+(?:the\s+)?(?:study|trial)|"
            r"last\s+patient)\b",
            re.IGNORECASE,
        ),
    ),
    ("follow-up", re.compile(r"\bfollow(?:ed)?[\s\-]*up\b", re.IGNORECASE)),
]
#: the start and completion cues of ``languages`` ("od ledna 2012", "dokončila v srpnu 2017")
_ROLE_CUES_ALL = [
    *_ROLE_CUES,
    ("start", re.compile(r"\b(?:" + "|".join(L.START_WORDS) + r")\w*", re.IGNORECASE)),
    ("completion", re.compile(r"\b(?:" + "|".join(L.COMPLETED_STEMS) + r")\w*", re.IGNORECASE)),
]


def date_role(
    text: str,
    lo: int,
    date_start: int,
    date_end: int,
    hi: int,
    is_range: bool,
    *,
    foreign: bool = True,
) -> str:
    """The role of a date from the nearest cue word in its clause (with ``foreign``, the cue
    words of ``languages`` too): start, completion, results, follow-up, period (a range with
    no follow-up cue) or other."""
    before = text[max(lo, date_start - 80) : date_start]
    after = text[date_end : min(hi, date_end + 40)]
    best: tuple[int, str] | None = None
    for role, rx in _ROLE_CUES_ALL if foreign else _ROLE_CUES:
        for m in rx.finditer(before):
            d = len(before) - m.end()
            if best is None or d < best[0]:
                best = (d, role)
        m2 = rx.search(after)
        if m2:
            d = m2.start() + 5  # cues after the date count a little less
            if best is None or d < best[0]:
                best = (d, role)
    if is_range:
        if best and best[1] == "follow-up" and best[0] < 30:
            return "follow-up"
        return "period"
    return best[1] if best else "other"
