"""Text segmentation for extraction: paragraphs and sentences with character spans.

Marketing text arrives in many shapes: one paragraph per line (web pages), hard-wrapped lines
(PDF brochures), bullet lists, headings without a full stop, contact blocks of phone numbers.
The segmenter works on offsets into the original text (nothing is rewritten), so every span it
returns indexes ``Document.text`` directly. It is linear in the size of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from trialmatch.claims.model import Span

#: precompiled patterns of small helpers (re.* would look each up per call)
_RX0 = re.compile(r"[^\W\d_][\w\-’']*")


def _split(words: str) -> list[str]:
    """Whitespace-separated words of a literal (vocabularies below read better as prose)."""
    return words.split()


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
_LINE = re.compile(r"[^\n]*")
_BULLET_START = re.compile(r"\s*(?:[•·▪●◦‣∙*\-–—]\s|\d{1,2}[.)]\s|[#>]+\s)")
_TERMINAL = frozenset(".!?:;")
# a candidate sentence end: terminal punctuation, optional closing quotes/brackets, whitespace
_SENT_END = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+[\"'“‘«(\[]?[A-Z0-9•\u0400-\u04FF\u4e00-\u9fff\u0600-\u06ff]")
# tokens that end with a full stop without ending a sentence
_ABBREV = frozenset(
    _split("""mr mrs ms dr prof st mt vs etc e.g eg i.e ie approx appr ca cf fig figs no nos vol inc ltd
    co corp jr sr ph.d phd m.d md d.sc dsc b.sc m.sc mba u.s u.k u.s.a al jan feb mar apr jun jul
    aug sep sept oct nov dec ref refs pp ed eds est dept univ s.r.o a.s gmbh s.a s.p pat resp
    approx. tel ext int med mass calif fla ill wash mich minn penn conn colo ariz tenn ore
    okla wis md n.y n.j d.c""")
)


@dataclass(frozen=True)
class Segments:
    """Sentences and paragraphs of one text, as ``[start, end)`` spans (whitespace trimmed)."""

    sentences: tuple[Span, ...]
    """Sentence spans in order."""
    para_of: tuple[int, ...]
    """Paragraph index of each sentence."""
    paragraphs: tuple[Span, ...]
    """Paragraph spans in order."""
    heading: tuple[bool, ...]
    """True for a sentence that looks like a heading (short line, no final punctuation)."""
    starts: tuple[int, ...] = ()
    """The start of each sentence (for ``sentence_at``); filled in by ``segment``."""

    def sentence_at(self, pos: int) -> int:
        """Index of the sentence containing (or, between sentences, preceding) ``pos``."""
        i = bisect_right(self.starts, pos) - 1
        return max(i, 0)


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_abbrev(text: str, dot: int) -> bool:
    """Does the full stop at ``dot`` end an abbreviation or an initial rather than a sentence?"""
    j = dot
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in '("“':
        j -= 1
    token = text[j:dot].lower().rstrip(".")
    if not token:
        return False
    if token in _ABBREV:
        return True
    # single capital initial ("L.", "J. M.") or dotted acronym ("U.S")
    if len(token) == 1 and token.isalpha():
        return True
    return bool("." in token and all(len(p) <= 2 for p in token.split(".")))


#: abbreviations that also end sentences ("... in the U.S. It was ...")
_FINAL_ABBREV = frozenset(["u.s", "u.k", "inc", "ltd", "co", "corp", "etc", "al", "u.s.a"])
_STARTERS = frozenset(
    _split(
        """It The This That These Those We He She They In On At After Before As Its Their Our
        A An But However Also There For When While Patients Results Data"""
    )
)


def _ends_sentence_anyway(text: str, dot: int, end: int, rend: int) -> bool:
    j = dot
    while j > 0 and not text[j - 1].isspace():
        j -= 1
    if text[j:dot].lower().rstrip(".") not in _FINAL_ABBREV:
        return False
    k = end
    while k < rend and text[k].isspace():
        k += 1
    word_end = k
    while word_end < rend and text[word_end].isalpha():
        word_end += 1
    return text[k:word_end] in _STARTERS


def _soft_join(prev: str, nxt: str) -> bool:
    """Is the line break between ``prev`` and ``nxt`` a wrap inside one sentence?"""
    p = prev.rstrip()
    n = nxt.lstrip()
    if not p or not n:
        return False
    if _BULLET_START.match(nxt):
        return False
    if p[-1] in _TERMINAL:
        return False
    if not any(c.isalpha() for c in p) or not any(c.isalpha() for c in n[:20]):
        return False  # phone numbers, figures tables
    first = n[0]
    if first.islower() or first in ",;)–—-":
        return True
    if p[-1] in ",–—-(&" or p.split()[-1].lower() in _JOINERS:
        return True
    # a long line that stops without punctuation is a wrapped line, a short one a heading;
    # so is a line in Title Case ("“MADE IN” Bioinova: Suspensions of Human Autologous MSCs")
    words = [w for w in _RX0.findall(p)]
    if (
        len(words) >= 3
        and words[0][0].isupper()
        and sum(w[0].isupper() for w in words) >= 0.7 * len(words)
    ):
        return False
    return len(p) >= 45 and not p.isupper()


_JOINERS = frozenset(
    _split(
        "a an the of in on at to for and or with by from as is are was were be been that which who "
        "whose than into"
    )
)


def _sentence_ends(text: str, a: int, b: int) -> list[Span]:
    """The spans ``_SENT_END.finditer(text, a, b)`` gives, found faster: a match starts on
    ".", "!" or "?", located with str.find, and is tried there (a regex scan for a character
    set costs more than the finds)."""
    marks: list[int] = []
    for ch in ".!?":
        k = text.find(ch, a, b)
        while k >= 0:
            marks.append(k)
            k = text.find(ch, k + 1, b)
    if len(marks) > 1:
        marks.sort()
    out: list[Span] = []
    pos = a
    for k in marks:
        if k < pos:
            continue  # inside the previous match ("...")
        m = _SENT_END.match(text, k, b)
        if m is not None:
            pos = m.end()
            out.append((k, pos))
    return out


_MD_HEADING = re.compile(r"#{1,6}[ \t]+\S[^\n]{0,150}$", re.MULTILINE)


def segment(text: str) -> Segments:
    """Split ``text`` into paragraphs and sentences (spans into ``text``)."""
    sentences: list[Span] = []
    para_of: list[int] = []
    paragraphs: list[Span] = []
    heading: list[bool] = []
    pos = 0
    blocks: list[Span] = []
    for m in _BLANK_LINE.finditer(text):
        blocks.append((pos, m.start()))
        pos = m.end()
    blocks.append((pos, len(text)))
    for bstart, bend in blocks:
        # lines of the block, grouped into runs joined by soft wraps
        runs: list[list[Span]] = []
        lines: list[Span] = []
        p = bstart
        while p <= bend:
            nl = text.find("\n", p, bend)
            if nl < 0:
                nl = bend
            lines.append((p, nl))
            p = nl + 1
        prev_line: Span | None = None
        for ls, le in lines:
            if not text[ls:le].strip():
                continue
            if (
                prev_line is not None
                and runs
                and _soft_join(text[prev_line[0] : prev_line[1]], text[ls:le])
            ):
                runs[-1].append((ls, le))
            else:
                runs.append([(ls, le)])
            prev_line = (ls, le)
        if not runs:
            continue
        pstart, pend = _trim(text, runs[0][0][0], runs[-1][-1][1])
        pidx = len(paragraphs)
        paragraphs.append((pstart, pend))
        for run in runs:
            rstart, rend = run[0][0], run[-1][1]
            single_line = len(run) == 1
            s = rstart
            if single_line and text.startswith("#", rstart) and _MD_HEADING.match(text, rstart):
                # "## 1. The NurOwn story": a markdown heading is one heading, numbered or not
                span = _trim(text, rstart, rend)
                sentences.append(span)
                para_of.append(pidx)
                heading.append(True)
                continue
            for dot, end in _sentence_ends(text, rstart, rend):
                if not _NEXT_START.match(text, end, rend):
                    continue
                if (
                    text[dot] == "."
                    and end - dot == 1
                    and _is_abbrev(text, dot)
                    and not _ends_sentence_anyway(text, dot, end, rend)
                ):
                    continue
                span = _trim(text, s, end)
                if span[0] < span[1]:
                    sentences.append(span)
                    para_of.append(pidx)
                    heading.append(False)
                s = end
            span = _trim(text, s, rend)
            if span[0] < span[1]:
                sentences.append(span)
                para_of.append(pidx)
                frag = text[span[0] : span[1]]
                heading.append(
                    single_line and s == rstart and frag[-1] not in ".!?:;," and len(frag) < 120
                )
    return Segments(
        tuple(sentences),
        tuple(para_of),
        tuple(paragraphs),
        tuple(heading),
        tuple(a for a, _b in sentences),
    )


#: the characters that can make a case-sensitive search of lower-cased text differ from an
#: IGNORECASE search of the text: "İ" lower-cases to two characters, and the others are the
#: extra case forms the regex engine folds together (re._casefix: "ı" and "ſ" match "i" and "s"
#: under IGNORECASE, "ᲀ" matches "в", ...); every other character matches a letter under
#: IGNORECASE exactly when its lower case is that letter
CASE_TRAPS = (
    "\u0130\u00b5\u0131\u017f\u0345\u0390\u03b0\u03b2\u03b5\u03b8\u03b9\u03ba\u03bc\u03c0"
    "\u03c1\u03c2\u03c3\u03c6\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5\u0432\u0434\u043e"
    "\u0441\u0442\u044a\u0463\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87\u1c88\u1e61"
    "\u1e9b\u1fbe\u1fd3\u1fe3\ua64b\ufb05\ufb06"
)
_CASE_TRAP_RX = re.compile("[" + CASE_TRAPS + "]")


def has_case_traps(s: str) -> bool:
    """Does ``s`` hold one of ``CASE_TRAPS``?"""
    return not s.isascii() and _CASE_TRAP_RX.search(s) is not None


def lower_window(text: str, lo: int, hi: int) -> tuple[str, int] | None:
    """``(text[a:hi].lower(), a)``, ``a`` one character before ``lo`` (for word boundaries and
    lookbehinds of one character), or None when the window holds one of ``CASE_TRAPS``.

    An IGNORECASE pattern whose letters are all lower case, run without IGNORECASE on the
    window from ``lo - a``, finds the same spans (offset by ``a``) as on ``text[lo:hi]``, and
    about three times faster."""
    a = lo - 1 if lo > 0 else lo
    window = text[a:hi]
    if has_case_traps(window):
        return None
    return window.lower(), a


def search_lower(
    rx_lower: re.Pattern[str], rx_ignorecase: re.Pattern[str], text: str, lo: int, hi: int
) -> bool:
    """Does ``rx_ignorecase`` match somewhere in ``text[lo:hi]``? ``rx_lower`` is the same pattern
    without IGNORECASE, all its letters lower case; it runs on the ``lower_window``."""
    lw = lower_window(text, lo, hi)
    if lw is None:
        return rx_ignorecase.search(text, lo, hi) is not None
    return rx_lower.search(lw[0], lo - lw[1]) is not None


def end_of(text: str, hi: int | None) -> int:
    """``hi``, or the end of ``text`` when ``hi`` is None (detectors scan ``text[lo:hi]``)."""
    return len(text) if hi is None else hi
