"""Claim extraction: a document's text -> trial claims and marketing figures (issue #3).

The pipeline for one text, linear in its length:

1. segment into paragraphs and sentences (``text.segment``);
2. run every detector once over the whole text (ids, phases, designs, dates, figures, names,
   places, sites, sponsors, conditions), then index the hits by sentence;
3. find trial mentions sentence by sentence, with what each says (``grouping``);
4. group mentions into claims; fold in what the document says about its one product or sponsor
   when a claim names none;
5. tie each figure to the claim whose evidence shares its sentence or paragraph.

Public API: :func:`extract`, :func:`extract_text`, :func:`extract_path`, :func:`extract_paths`.
"""

from __future__ import annotations

import hashlib
import os
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator

from trialmatch.claims import grouping as G
from trialmatch.claims import languages as L
from trialmatch.claims.dates import ENGLISH_MONTHS, date_role, find_dates
from trialmatch.claims.designs import find_designs
from trialmatch.claims.enrollment import arms_of, enrollment_of, follow_up_of, ratio_arms_of
from trialmatch.claims.ids import find_ids
from trialmatch.claims.model import Arm, Claim, DateSpan, DocumentClaims, Figure, Span
from trialmatch.claims.names import (
    NameMatch,
    abbreviation_map,
    city_country,
    condition_at,
    could_be_name,
    find_conditions,
    find_places,
    find_products,
    find_sites,
    find_sponsors,
    treatment_word_follows,
)
from trialmatch.claims.numbers import (
    _PERSON,
    NUMBER,
    FigureMatch,
    find_arm_counts,
    find_counts,
    find_doses,
    find_durations,
    find_percentages,
)
from trialmatch.claims.phases import find_phases
from trialmatch.claims.text import Segments, has_case_traps, segment
from trialmatch.documents import (
    DEFAULT_MAX_BYTES,
    Document,
    DocumentError,
    iter_document_paths,
    read_document,
)

#: precompiled patterns of small helpers (re.* would look each up per call)
_RX0 = re.compile(r"(?:based|headquartered|incorporated)\s+in\s+(?:the\s+)?$")
_RX1 = re.compile(r"[-–]\s*old|\bage")

__all__ = ["extract", "extract_path", "extract_paths", "extract_text"]


# ------------------------------------------------------------------------ public API
def extract(document: Document) -> DocumentClaims:
    """Claims and figures of one read document."""
    return _extract(document.text, doc=document.path, sha256=document.sha256)


def extract_text(text: str, *, doc: str = "<text>", sha256: str | None = None) -> DocumentClaims:
    """Claims and figures of a text (the sha256 of its UTF-8 bytes unless given)."""
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return _extract(text, doc=doc, sha256=sha256)


def extract_path(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> DocumentClaims:
    """Read and extract one file; an unreadable file gives a DocumentClaims with ``error``."""
    doc = os.fspath(path)
    try:
        document = read_document(doc, max_bytes=max_bytes)
    except DocumentError as exc:
        return DocumentClaims(doc=doc, sha256=getattr(exc, "sha256", None), error=str(exc))
    except OSError as exc:
        return DocumentClaims(doc=doc, sha256=None, error=f"{doc}: {exc.strerror or exc}")
    return extract(document)


def extract_paths(
    paths: Iterable[str | os.PathLike[str]], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[DocumentClaims]:
    """Extract every document under ``paths`` (files and directories, recursively, sorted).

    A bad file yields a DocumentClaims with ``error`` and the batch goes on; so does a crash in
    extraction itself (a bug must not lose the other documents). A path that does not exist
    yields an error entry too.
    """
    for given in paths:
        given = os.fspath(given)
        if not os.path.exists(given):
            yield DocumentClaims(
                doc=given, sha256=None, error=f"{given}: no such file or directory"
            )
            continue
        for p in iter_document_paths([given]):
            try:
                yield extract_path(p, max_bytes=max_bytes)
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
                yield DocumentClaims(
                    doc=p,
                    sha256=None,
                    error=f"{p}: extraction failed ({type(exc).__name__}: {exc})",
                )


# ------------------------------------------------------------------------ detection
class _Index:
    """Detector hits sorted by start, looked up by range."""

    def __init__(self, items: list, key=lambda x: x.span) -> None:
        self.items = sorted(items, key=lambda x: key(x)[0])
        self.starts = [key(x)[0] for x in self.items]

    def within(self, lo: int, hi: int) -> list:
        i = bisect_left(self.starts, lo)
        j = bisect_left(self.starts, hi)
        return self.items[i:j]


class _Lazy:
    """A detector run sentence by sentence, only on the sentences that are asked about."""

    def __init__(self, text: str, seg: Segments, fn, key=lambda x: x.span) -> None:
        self.text = text
        self.seg = seg
        self.fn = fn
        self.key = key
        self.cache: dict[int, list] = {}

    def sentence(self, si: int) -> list:
        got = self.cache.get(si)
        if got is None:
            lo, hi = self.seg.sentences[si]
            got = self.cache[si] = self.fn(self.text, lo, hi)
        return got

    def within(self, lo: int, hi: int) -> list:
        out: list = []
        sents = self.seg.sentences
        si = self.seg.sentence_at(lo)
        while si < len(sents) and sents[si][0] < hi:
            if sents[si][1] > lo:
                out.extend(x for x in self.sentence(si) if lo <= self.key(x)[0] < hi)
            si += 1
        return out

    def over(self, sentence_indices) -> list:
        out: list = []
        for si in sorted(sentence_indices):
            out.extend(self.sentence(si))
        return out


#: one pass over the words of the lower-cased text finds those that make a sentence worth a
#: closer look (a dictionary lookup per word: far cheaper than a regex alternation)
#: (lower-case letters of the Latin and Cyrillic alphabets: "fáze", "pacientů", "фаза")
_WORD = re.compile(r"[a-z0-9\u00df-\u00f6\u00f8-\u024f\u0430-\u045f\u0491]+")
_EUDRACT_TRIGGER = re.compile(r"\b\d{4}-\d{6}-\d\d")
#: where a EudraCT number may end its year: a pattern opening on a literal is found by a fast
#: scan for that character, one opening on ``\b\d`` is tried at every position of the text
_EUDRACT_DASH = re.compile(r"-(?=\d{6}-\d\d)")


def _split(words: str) -> list[str]:
    return words.split()


_CATEGORY: dict[str, str] = {}
for _w in ("trial", "trials", "study", "studies", "investigation", "investigations"):
    _CATEGORY[_w] = "noun"
for _w in ("phase", "ph"):
    _CATEGORY[_w] = "phase"
for _w in ("percent", "pct", "cent", "%"):
    _CATEGORY[_w] = "pct"
for _w in _split(
    """patient patients participant participants subject subjects volunteer volunteers child
    children kid kids infant infants babies adult adults adolescent adolescents individual
    individuals person persons people men women boys girls case cases recipient recipients
    enrollees families"""
):
    _CATEGORY[_w] = "person"
for _w in ("cells", "mscs", "msc", "ml", "cc"):
    _CATEGORY[_w] = "dose"
for _w in ("month", "months", "year", "years"):
    _CATEGORY[_w] = "dur"
for _w in ("placebo", "sham"):
    _CATEGORY[_w] = "ctrl"
for _w in ("n", "which", "whom", "them"):
    _CATEGORY[_w] = "which"
for _w in _split(
    """inc ltd llc corp corporation gmbh ag plc therapeutics pharmaceutical pharmaceuticals
    pharma biologics company nasdaq nyse ceo officer founder"""
):
    _CATEGORY[_w] = "org"
for _w in (
    "called", "named", "dubbed", "known", "branded", "marketed", "product", "candidate", "made",
    "derived",
):  # fmt: skip
    _CATEGORY[_w] = "prod"
for _w in ("®", "™"):
    _CATEGORY[_w] = "prod"
for _w in _split(
    """disease syndrome sclerosis atrophy dystrophy cancer carcinoma lymphoma leukemia leukaemia
    myeloma melanoma sarcoma glioma glioblastoma tumor tumors tumour tumours injury injuries
    failure disorder palsy diabetes arthritis fibrosis hypertension dementia stroke infarction
    cirrhosis hepatitis neuropathy myopathy epilepsy autism asthma psoriasis colitis ataxia
    paralysis degeneration insufficiency ischemia ischaemia obesity osteoarthritis lupus anemia
    anaemia als sma ms dmd hd sci copd mnd ra t1d t2d gvhd nsclc aml cll cml ipf nash amd asd
    ckd ards tbi hiv"""
):
    _CATEGORY[_w] = "cond"
# the same words in the other languages marketing pages mix with English; a document that
# uses any of them is read with the vocabularies of ``languages`` (``_Hits.foreign``)
_FOREIGN_WORDS: set[str] = set()
for _cat, _ws in (
    ("fnoun", L.TRIAL_NOUNS),
    ("phase", _split("fase fáze fáza fázy faza fazy fazie фаза фази фазі фазы фазе phasen")),
    ("person", L.PERSON_NOUNS),
    ("dose", L.CELL_WORDS),
    ("pct", L.PERCENT_TRIGGERS),
    ("fmonth", [m for m in L.MONTHS if m not in ENGLISH_MONTHS]),
):
    for _w in _ws:
        if _w not in _CATEGORY:
            _CATEGORY[_w] = _cat
            _FOREIGN_WORDS.add(_w)
# months and years of those languages ("12 miesięcy"): durations only; short ones ("let",
# "ans") are everyday words in English, so they do not make a document foreign
for _w in L.DURATION_UNITS:
    _CATEGORY.setdefault(_w, "dur")
_PREFIX_CATEGORY = (
    (("biotech", "bioscience", "biopharma", "sponsor"), "org"),
    (("millilit",), "dose"),
)


def _category(word: str) -> str | None:
    cat = _CATEGORY.get(word)
    if cat is not None:
        return cat
    if word[0].isdigit():
        return "reg" if "-" in word else None
    if word.startswith(_REGISTRY_PREFIXES) and any(c.isdigit() for c in word):
        return "reg"
    for prefixes, c in _PREFIX_CATEGORY:
        if word.startswith(prefixes):
            return c
    return None


_REGISTRY_PREFIXES = (
    "nct", "isrctn", "actrn", "chictr", "ctri", "drks", "jrct", "umin", "irct", "kct", "ntr",
    "pactr", "jprn", "euctr",
)  # fmt: skip


def _alnum_low(ch: str) -> bool:
    return (
        ("a" <= ch <= "z")
        or ("0" <= ch <= "9")
        or (
            ch > "\x7f"
            and ("\u00df" <= ch <= "\u024f" or "\u0430" <= ch <= "\u045f" or ch == "\u0491")
            and ch != "\u00f7"
        )
    )


_PREFIX3 = frozenset(p[:3] for p in _REGISTRY_PREFIXES) | {"bio", "spo", "mil"}


class _Hits:
    """Every detector, run where the trigger words say it can find something."""

    def __init__(self, text: str, seg: Segments) -> None:
        self.text = text
        self.seg = seg
        low = text.lower()
        if len(low) != len(text):  # a few characters change length when lower-cased
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        by_cat: dict[str, list[tuple[int, int]]] = {}
        sents_by_cat: dict[str, set[int]] = {}
        self.low = low
        self.triggers = by_cat
        self._trigger_sentences = sents_by_cat
        sentence_at = seg.sentence_at
        get = _CATEGORY.get
        # findall hands back plain strings (no match objects); the few trigger words are then
        # located with str.find from the last one found, checking word boundaries
        pos = 0
        n = len(low)
        find = low.find
        starts = [a for a, _b in seg.sentences]
        n_sent = len(starts)
        si = 0
        foreign = False
        for w in _WORD.findall(low):
            cat = get(w)
            if cat is None and len(w) > 3 and w[:3] in _PREFIX3:
                cat = _category(w)
            if cat is None:
                continue
            k = find(w, pos)
            while k >= 0 and (
                (k > 0 and _alnum_low(low[k - 1]))
                or (k + len(w) < n and _alnum_low(low[k + len(w)]))
            ):
                k = find(w, k + 1)
            if k < 0:  # cannot happen: every token is a whole word of the text
                continue
            end = k + len(w)
            pos = end
            # positions only grow: walk the sentence starts instead of a bisect per word
            while si + 1 < n_sent and starts[si + 1] <= k:
                si += 1
            lst = by_cat.get(cat)
            if lst is None:
                lst = by_cat[cat] = []
                sents_by_cat[cat] = set()
            lst.append((k, end))
            sents_by_cat[cat].add(si)
            if not foreign and w in _FOREIGN_WORDS:
                foreign = True
        # EudraCT numbers ("2004-123456-12"): the same matches as _EUDRACT_TRIGGER.finditer
        # (two cannot overlap), found from their first dash
        extra: list[tuple[int, int, str]] = []
        for m in _EUDRACT_DASH.finditer(low):
            k = m.start() - 4
            if k >= 0:
                m2 = _EUDRACT_TRIGGER.match(low, k)
                if m2 is not None:
                    extra.append((k, m2.end(), "reg"))
        # "%", "®", "™" (str.find is far faster than a regex scan of the text)
        symbols: list[tuple[int, int, str]] = []
        for ch in "%®™":
            k = find(ch)
            while k >= 0:
                symbols.append((k, k + 1, _CATEGORY[ch]))
                k = find(ch, k + 1)
        symbols.sort()
        for a, b, c in extra + symbols:
            by_cat.setdefault(c, []).append((a, b))
            sents_by_cat.setdefault(c, set()).add(sentence_at(a))
        self.foreign = foreign
        """Does the text use the trial vocabulary of another language ("fáze", "pazienti")?"""
        self.ids = _Lazy(text, seg, find_ids)
        self.phases = _Lazy(
            text, seg, lambda t, lo, hi: find_phases(t, lo, hi, foreign=self.foreign)
        )
        self.designs = _Lazy(text, seg, find_designs, key=lambda x: x[1])
        self.dates = _Lazy(
            text, seg, lambda t, lo, hi: find_dates(t, lo, hi, foreign=self._has("fmonth", lo))
        )
        self.places = _Lazy(text, seg, find_places)
        self.sites = _Lazy(text, seg, find_sites)
        self.sponsors = _Lazy(text, seg, find_sponsors)
        self.products = _Lazy(text, seg, find_products)
        self.strong_products = _Lazy(
            text, seg, lambda t, lo, hi: find_products(t, lo, hi, strong_only=True)
        )
        self.conditions = _Lazy(text, seg, self._conditions)
        self.nouns = _Lazy(
            text,
            seg,
            lambda t, lo, hi: G.trial_nouns(t, lo, hi, foreign=self._has("fnoun", lo)),
            key=lambda m: m.span(),
        )
        self.trial_names = _Index([], key=lambda x: x[1])
        # an explicit cache, not functools.cached_property: a mypyc-compiled class would
        # recompute that on every access
        self._figure_index: _Index | None = None

    def _conditions(self, text: str, lo: int, hi: int) -> list[NameMatch]:
        """Disease names; on a page in another language also its names of diseases
        ("esclerosis lateral amiotrófica") and acronyms ("ELA", "SLA"), which an English page
        never reads as diseases."""
        found = find_conditions(text, lo, hi)
        if not self.foreign:
            return [
                c for c in found if text[c.span[0] : c.span[1]] not in L.CONDITION_ABBREVIATIONS
            ]
        found += [NameMatch("condition", v, (a, b)) for v, a, b in L.find_conditions(text, lo, hi)]
        found.sort(key=lambda c: c.span)
        return found

    def _has(self, cat: str, pos: int) -> bool:
        """Does the sentence at ``pos`` hold a trigger word of category ``cat``?"""
        sents = self._trigger_sentences.get(cat)
        return sents is not None and self.seg.sentence_at(pos) in sents

    def sentences_with(self, cat: str) -> set[int]:
        """Sentences holding a trigger word of category ``cat``."""
        return self._trigger_sentences.get(cat, set())

    def candidate_sentences(self) -> set[int]:
        """Sentences that may mention a trial: a trial noun (in any of the languages), a
        phase, a registry ID, or a placebo or sham comparison."""
        ts = self._trigger_sentences
        return (
            ts.get("noun", set())
            | ts.get("fnoun", set())
            | ts.get("phase", set())
            | ts.get("reg", set())
            | ts.get("ctrl", set())
        )

    def find_trial_names(self, sentence_indices) -> set[int]:
        """Index every recurrence of the trial names found; return the sentences they are in."""
        names = {p.value for p in self.products.over(sentence_indices) if p.kind == "trialname"}
        found: list[tuple[str, Span]] = []
        for name in names:
            start = self.text.find(name)
            while start >= 0:
                end = start + len(name)
                before = self.text[start - 1] if start else " "
                after = self.text[end] if end < len(self.text) else " "
                if not (before.isalnum() or before == "-" or after.isalnum() or after == "-"):
                    found.append((name, (start, end)))
                start = self.text.find(name, end)
        self.trial_names = _Index(found, key=lambda x: x[1])
        return {self.seg.sentence_at(sp[0]) for _n, sp in found}

    def _windows(
        self, cats: tuple[str, ...], before: int, after: int, *, need_number: bool = True
    ) -> list[Span]:
        """Text windows around the trigger words of ``cats``, inside their sentences; with
        ``need_number``, only where a number is written shortly before the trigger."""
        text = self.text
        out: list[Span] = []
        for cat in cats:
            for s, e in self.triggers.get(cat, ()):
                si = self.seg.sentence_at(s)
                lo, hi = self.seg.sentences[si]
                a = max(lo, s - before)
                while a > lo and not text[a - 1].isspace():
                    a -= 1
                if need_number and not _has_number(self.low, a, e):
                    continue
                b = min(max(hi, e), e + after)
                out.append((a, b))
        return out

    @property
    def figure_index(self) -> _Index:
        got = self._figure_index
        if got is None:
            got = self._figure_index = _Index(self.figures())
        return got

    def people_counts(self, lo: int, hi: int) -> list[FigureMatch]:
        """Counts of people in ``[lo, hi)`` (from the one figure pass)."""
        return [f for f in self.figure_index.within(lo, hi) if f.unit == "patients"]

    def figures(self) -> list[FigureMatch]:
        text = self.text
        found: list[FigureMatch] = []
        for a, b in self._windows(("pct",), 40, 2):
            found.extend(find_percentages(text, a, b))
        for a, b in self._windows(("person",), 90, 1):
            counts = find_counts(text, a, b, refs=False, foreign=self.foreign)
            found.extend(counts)
            for c in counts:
                # the arms after a total ("48 participants ..., with 36 receiving X")
                hi = self.seg.sentences[self.seg.sentence_at(c.span[0])][1]
                found.extend(find_arm_counts(text, c, min(hi, c.span[1] + 300)))
        for a, b in self._windows(("which",), 30, 40):
            found.extend(find_counts(text, a, b, nouns=False))
        for a, b in self._windows(("dose",), 80, 12):
            found.extend(find_doses(text, a, b, foreign=self.foreign))
        return _dedupe(found)

    def durations(self) -> list[FigureMatch]:
        found: list[FigureMatch] = []
        for a, b in self._windows(("dur",), 50, 1):
            found.extend(find_durations(self.text, a, b, foreign=self.foreign))
        return _dedupe(found)


_NUMBER_WORDS = frozenset(
    _split(
        """one two three four five six seven eight nine ten eleven twelve thirteen fourteen
        fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
        eighty ninety hundred dozen"""
    )
)
_NUMBERISH = re.compile(r"\d|[a-z]+")


_DIGIT_RX = re.compile(r"\d")
_NUMBER_WORD_RX = re.compile(r"\b(?:" + "|".join(sorted(_NUMBER_WORDS)) + r")")


def _has_number(low: str, a: int, b: int) -> bool:
    """Is a number (digits, or a number word at the start of a word) written in ``low[a:b]``?
    (A digit scan first: it is fast and usually succeeds.)"""
    return _DIGIT_RX.search(low, a, b) is not None or _NUMBER_WORD_RX.search(low, a, b) is not None


def _dedupe(figs: list[FigureMatch]) -> list[FigureMatch]:
    figs = sorted(figs, key=lambda f: (f.span[0], -(f.span[1] - f.span[0])))
    out: list[FigureMatch] = []
    for f in figs:
        if out and f.span[0] < out[-1].span[1]:
            continue
        out.append(f)
    return out


# ------------------------------------------------------------------------ mentions
def _anchor_spans(text: str, seg: Segments, hits: _Hits, si: int) -> list[tuple[int, int, str]]:
    """Trial anchors in sentence ``si``: (start, end, kind) with kind noun/phase/id."""
    lo, hi = seg.sentences[si]
    anchors: list[tuple[int, int, str]] = []
    for m in hits.nouns.within(lo, hi):
        anchors.append((m.start("noun"), m.end("noun"), "noun"))
    for p in hits.phases.within(lo, hi):
        if not p.generic:
            anchors.append((p.span[0], p.span[1], "phase"))
    for i in hits.ids.within(lo, hi):
        anchors.append((i.span[0], i.span[1], "id"))
    for _name, (s, e) in hits.trial_names.within(lo, hi):
        anchors.append((s, e, "id"))
    anchors.sort()
    return anchors


def _mention_for_sentence(
    text: str, seg: Segments, hits: _Hits, si: int, ref_lines: list[Span], ctx: _DocContext
) -> G.Mention | None:
    """The trial mention sentence ``si`` makes, or None (no trial noun, generic, animal...)."""
    lo, hi = seg.sentences[si]
    anchors = _anchor_spans(text, seg, hits, si)
    if _in_ranges(lo, ref_lines):
        return None
    if not anchors:
        return _controlled_comparison(text, seg, hits, si, ctx)
    has_id = any(k == "id" for _, _, k in anchors)
    has_phase = any(k == "phase" for _, _, k in anchors)
    identity = has_id or has_phase
    kinds: list[tuple[str, int, bool, bool]] = []
    for s, e, k in anchors:
        if k != "noun":
            continue
        word = text[s:e].lower()
        if G.not_a_trial_noun(text, lo, s, e):
            continue
        if not identity and G.animal_context(text, lo, hi, s, e):
            continue
        kind, count, explicit, is_new = G.classify_noun(text, lo, s)
        plural = word in G.PLURAL_NOUNS
        if plural and kind in ("bare", "vague", "definite") and not identity:
            continue  # generic: "clinical studies have verified", "the results of the studies"
        if kind == "vague" and not identity:
            continue
        if kind == "counted" and not plural:
            kind, count, explicit = "indefinite", 1, True
        if kind == "vague":
            kind = "bare"
        kinds.append((kind, count, explicit, is_new))
    if not kinds and not identity:
        return None
    if not kinds:
        if (
            has_phase
            and not has_id
            and G.animal_context(text, lo, hi, anchors[0][0], anchors[0][1])
        ):
            return None
        if not has_id and all(
            _TREATMENT_STAGE.match(text, e) for _s, e, k in anchors if k == "phase"
        ):
            return None  # "Phase I: harvesting the cells", "phase II of the treatment"
        first_phase = next((s for s, _e, k in anchors if k == "phase"), None)
        kind = "bare"
        is_new = False
        if first_phase is not None:
            # "There was also a Phase II with fat-derived cells ...": a phase with an article
            # introduces a trial as a trial noun would
            k0, _c, _x, new0 = G.classify_noun(text, lo, first_phase)
            if k0 in ("indefinite", "definite"):
                kind, is_new = k0, new0
        kinds.append((kind, 1, kind == "indefinite", is_new))
    probe: G.Mention | None = None
    if not identity and all(k[0] in ("bare", "counted") for k in kinds):
        # "Clinical Trial" as a menu item, "every product, trial and ID": a bare noun must
        # say something checkable to be a trial
        probe = G.Mention(span=(lo, hi), sentence=si, paragraph=seg.para_of[si], kind="bare")
        _fill(probe, text, lo, hi, hits, ctx, core=True)
        if not (
            probe.enrollment or probe.dates or probe.design or probe.sites or probe.status
            or probe.follow_up or probe.arms or probe.countries
        ):  # fmt: skip
            return None
    # the sentence's kind: an introduction (indefinite / counted) wins over a reference back
    order = {"counted": 0, "indefinite": 1, "definite": 2, "bare": 3}
    kind, count, explicit, is_new = min(kinds, key=lambda k: order[k[0]])
    is_new = any(k[3] for k in kinds if k[0] in ("indefinite", "counted", "definite"))
    if kind in ("indefinite", "counted") and _ANOTHER_OPENING.match(text, lo, hi):
        is_new = True  # "Another one I saw advertised: X has an open-label Phase 2 ..."
    if probe is not None:  # already read: keep what it found
        probe.kind, probe.is_new, probe.trial_count = kind, is_new, count
        probe.count_explicit = explicit or kind == "definite"
        probe.filled = True
        return probe
    return G.Mention(
        span=(lo, hi),
        sentence=si,
        paragraph=seg.para_of[si],
        kind=kind,
        is_new=is_new,
        trial_count=count,
        count_explicit=explicit or kind == "definite",
    )


_ANOTHER_OPENING = re.compile(
    r"\W*(?:(?:and|but|then|so)\s+)?(?:another|a\s+(?:second|third|further)|one\s+more)\b",
    re.IGNORECASE,
)
_COMPARED = re.compile(
    r"\b(?:compar\w*|versus|vs\.?|against|randomi[sz]\w*)\b[^.;]{0,120}?\b(?:placebo|sham)\b"
    r"|\b(?:placebo|sham)[\s\-]+control\w*",
    re.IGNORECASE,
)


def _controlled_comparison(
    text: str, seg: Segments, hits: _Hits, si: int, ctx: _DocContext
) -> G.Mention | None:
    """ "They compared intrathecal and intravenous cells against placebo in 48 patients: ...":
    a comparison with placebo or sham in a number of participants is a trial even when no
    trial noun names it."""
    lo, hi = seg.sentences[si]
    if (
        si not in hits.sentences_with("ctrl")
        or not _COMPARED.search(text, lo, hi)
        or not hits.people_counts(lo, hi)
    ):
        return None
    probe = G.Mention(span=(lo, hi), sentence=si, paragraph=seg.para_of[si], kind="bare")
    _fill(probe, text, lo, hi, hits, ctx, core=True)
    if probe.enrollment is None:
        return None
    if si > 0 and seg.para_of[si - 1] == seg.para_of[si] and _PRONOUN_START.match(text, lo):
        # "It's the X group at Hadassah Medical Organization. They compared ...": who and where
        plo, phi = seg.sentences[si - 1]
        before = G.Mention(span=(plo, phi), sentence=si - 1, paragraph=probe.paragraph, kind="bare")
        _fill(before, text, plo, phi, hits, ctx, core=False)
        for attr in ("sites", "countries", "sponsors"):
            for v in getattr(before, attr):
                _add(getattr(probe, attr), v)
        if before.sites or before.sponsors:
            probe.extra_spans.insert(0, (plo, phi))
    probe.filled = True
    return probe


_PRONOUN_START = re.compile(
    r"(?:they|it|he|she|we|the\s+(?:researchers|team|doctors))\b", re.IGNORECASE
)


_DATELINE_AFTER = re.compile(
    r"[*_]*\s*(?:/\s*[A-Za-z][\w ]*/\s*|\([A-Za-z][\w .]*\)\s*)?[*_]*\s*(?:--|—|–|-\s|:)"
)
_DATELINE_BEFORE = re.compile(
    r"(?:^|\n)[\s*_#]*[A-Z][\w.'’\- ]*(?:,\s*[A-Z][\w.'’\- ]*){0,2},?\s*(?:\([^)]*\)\s*)?$"
)


#: a sentence that opens on a count of people ("Twelve patients, ...", "All 40 participants")
_OPENS_ON_PEOPLE = re.compile(
    rf"(?:(?:all\s+|a\s+total\s+of\s+)?(?:{NUMBER})\s+(?:[\w\-]+\s+){{0,2}}?{_PERSON}"
    rf"|(?:the|these|all\s+(?:the\s+)?)\s*(?:patients|participants|subjects|volunteers)"
    # "One group received the cells intrathecally, one intravenously and one a placebo"
    r"|(?:one|each|the\s+(?:first|second|third|other|control|placebo|treatment))\s+"
    r"(?:group|arm|cohort))\b",
    re.IGNORECASE,
)


def _is_dateline(text: str, span: Span) -> bool:
    """ "BOSTON, March 4, 2024 /PRNewswire/ --": the release's date, not the trial's."""
    return bool(
        _DATELINE_AFTER.match(text, span[1])
        and _DATELINE_BEFORE.search(text[max(0, span[0] - 60) : span[0]])
    )


def _in_ranges(pos: int, ranges: list[Span]) -> bool:
    for a, b in ranges:
        if a <= pos < b:
            return True
    return False


_REF_PAREN = re.compile(r"\(\s*(?:19|20)\d\d[a-z]?\s*\)\s*[.,:]|\(\d+\)\s*[,:]\s*\d+\s*[-–]\s*\d+")


def _reference_lines(text: str) -> list[Span]:
    """Lines that are bibliography entries ("... (2010). Title. Journal, 223(1), 229-237.")."""
    marks = [m.start() for m in _REF_PAREN.finditer(text)]
    for needle in ("et al.", "doi:", "PMID"):
        k = text.find(needle)
        while k >= 0:
            marks.append(k)
            k = text.find(needle, k + 1)
    out: list[Span] = []
    for pos in sorted(marks):
        a = text.rfind("\n", 0, pos) + 1
        b = text.find("\n", pos)
        b = len(text) if b < 0 else b
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


_BOILERPLATE = re.compile(r"forward[\s\-]looking\s+statements?|safe\s+harbou?r", re.IGNORECASE)
_BOILERPLATE_LOWER = re.compile(_BOILERPLATE.pattern)


def _boilerplate_starts(low: str) -> list[int]:
    """Where ``_BOILERPLATE_LOWER.finditer(low)`` finds its matches, found faster: a match opens
    eight characters before a "looking" ("forward-looking") or on a "safe", both located with
    str.find, and is tried there."""
    marks: list[int] = []
    k = low.find("looking", 8)
    while k >= 0:
        marks.append(k - 8)
        k = low.find("looking", k + 1)
    k = low.find("safe")
    while k >= 0:
        marks.append(k)
        k = low.find("safe", k + 1)
    marks.sort()
    out: list[int] = []
    pos = 0
    for k in marks:
        if k < pos:
            continue
        m = _BOILERPLATE_LOWER.match(low, k)
        if m is not None:
            out.append(k)
            pos = m.end()
    return out


def _boilerplate_paragraphs(text: str, seg: Segments, low: str) -> list[Span]:
    """Legal boilerplate ("Forward-Looking Statements ... the timing of our Phase 3 trial"):
    it speaks of trials in general and claims nothing about one. (``low``: the lower-cased
    text of ``_Hits``, searched case-sensitively unless the text holds a character that would
    make that differ from an IGNORECASE search of ``text``.)"""
    out: list[Span] = []
    if has_case_traps(text):
        starts = [m.start() for m in _BOILERPLATE.finditer(text)]
    else:
        starts = _boilerplate_starts(low)
    for start in starts:
        p = seg.para_of[seg.sentence_at(start)]
        a, b = seg.paragraphs[p]
        # the heading "Forward-Looking Statements" stands alone: take the paragraph after it
        if b - a < 60 and p + 1 < len(seg.paragraphs):
            b = seg.paragraphs[p + 1][1]
        out.append((a, b))
    return out


def _add(lst: list, value) -> None:
    if value and value not in lst:
        lst.append(value)


_TREATMENT_STAGE = re.compile(
    r"\s*(?::|[–—-]\s|\s+of\s+(?:the\s+|our\s+|your\s+)?(?:treatment|therapy|procedure|process|"
    r"course|programme|program|project|protocol|rehabilitation|disease|illness|recovery|plan))",
    re.IGNORECASE,
)
_PHRASE_BREAK = re.compile(r"[,;:.()]")
#: "the Phase 2 portion": a part of a trial, whose phase may differ from the whole trial's
_PHASE_PART = re.compile(
    r"\s+(?:(?:dose[\s\-]+)?(?:portion|part|stage|segment|cohort|arm|extension|lead[\s\-]+in))\b",
    re.IGNORECASE,
)


def _fill(
    m: G.Mention,
    text: str,
    lo: int,
    hi: int,
    hits: _Hits,
    ctx: _DocContext,
    *,
    core: bool,
) -> None:
    """Collect what ``text[lo:hi]`` says into mention ``m``.

    ``core`` is False for continuation and antecedent sentences: they add facts but not phases.
    """
    for i in hits.ids.within(lo, hi):
        if i.kind == "nct":
            _add(m.nct_ids, i.value)
        else:
            _add(m.other_ids, i.value)
    if core:
        phases = [p for p in hits.phases.within(lo, hi) if not p.generic]
        if len({p.phases for p in phases}) > 1:
            # "Before the big Phase 3, BrainStorm ran a phase 2 study": the phase that names
            # the trial is the one right before its trial noun
            nouns = [n.start("noun") for n in hits.nouns.within(lo, hi)]
            near = [
                p
                for p in phases
                if any(
                    0 <= n - p.span[1] <= 30 and not _PHRASE_BREAK.search(text, p.span[1], n)
                    for n in nouns
                )
            ]
            phases = near or phases
        for p in phases:
            for ph in p.phases:
                _add(m.phases, ph)
            if _PHASE_PART.match(text, p.span[1]):
                m.phase_part = True
    for term, _span in hits.designs.within(lo, hi):
        _add(m.design, term)
    datelines: list[Span] = []
    for d in hits.dates.within(lo, hi):
        if d.bare_year and not G.bare_year_ok(text, d.span[0]):
            continue
        if _is_dateline(text, d.span):
            datelines.append((text.rfind("\n", 0, d.span[0]) + 1, d.span[1]))
            continue
        if d.span[1] > hi:
            continue
        role = date_role(text, lo, d.span[0], d.span[1], hi, d.is_range, foreign=hits.foreign)
        ds = DateSpan(d.text, d.start, d.end, role, d.precision, d.span)  # type: ignore[arg-type]
        if all((x.start, x.end, x.role) != (ds.start, ds.end, ds.role) for x in m.dates):
            m.dates.append(ds)
    for p in hits.places.within(lo, hi):
        if _in_ranges(p.span[0], datelines):
            continue
        before = text[max(0, p.span[0] - 25) : p.span[0]]
        if _RX0.search(before):
            continue
        if p.kind == "country":
            _add(m.countries, p.value)
        else:
            _add(m.countries, city_country(p.value))
    sponsors = hits.sponsors.within(lo, hi)
    sites = hits.sites.within(lo, hi)
    sponsor_spans = [s.span for s in sponsors]
    org_spans = sponsor_spans + [s.span for s in sites]
    for s in sites:
        if not any(a <= s.span[0] < b or s.span[0] <= a < s.span[1] for a, b in sponsor_spans):
            _add(m.sites, s.value)
    for s in sponsors:
        _add(m.sponsors, ctx.canonical_sponsor(s.value))
        if s.kind == "partner":
            _add(m.partners, ctx.canonical_sponsor(s.value))
    # a company named in full elsewhere is often called by its first word ("Ionis said")
    for short, full in ctx.short_sponsor_names.items():
        k = text.find(short, lo, hi)
        while k >= 0:
            end = k + len(short)
            if (k == 0 or not text[k - 1].isalnum()) and (
                end >= len(text) or not text[end].isalnum()
            ):
                _add(m.sponsors, full)
                break
            k = text.find(short, end, hi)
    for p in hits.products.within(lo, hi):
        if any(a <= p.span[0] and p.span[1] <= b for a, b in org_spans):
            continue
        if p.kind == "trialname":
            _add(m.trial_names, p.value)
            _add(m.names, p.value)
        elif (
            p.strength >= 1
            or p.value in ctx.strong_products
            or treatment_word_follows(text, p.span[1])
        ):
            _add(m.names, p.value)
    for name, _span in hits.trial_names.within(lo, hi):
        _add(m.trial_names, name)
        _add(m.names, name)
    for c in hits.conditions.within(lo, hi):
        _add(m.conditions, c.value)
    counts = hits.people_counts(lo, hi)
    if m.enrollment is None:
        m.enrollment = enrollment_of(text, lo, hi, counts, foreign=hits.foreign)
    if not m.arms:
        m.arms = arms_of(text, lo, hi) or ratio_arms_of(text, lo, hi)
        for a in m.arms:
            first_word = a.label.split()[0] if a.label else ""
            if (
                first_word
                and first_word[0].isupper()
                and first_word not in ctx.common_arm_words
                and could_be_name(first_word)  # not "August 2013", "Placebo"
            ):
                _add(m.names, first_word if len(a.label.split()) > 1 else a.label)
    if m.follow_up is None:
        m.follow_up = follow_up_of(text, lo, hi)
    if core:
        for st in G.status_words(text, lo, hi):
            _add(m.status, st)


_COMMON_FIRST_WORDS = frozenset(
    _split(
        """American National International General United Global First New Royal Medical Cell
        Stem Clinical Regenerative Advanced Applied Cellular Genetic Biological European Asian"""
    )
)
_SITE_WORD_START = re.compile(r"Hospital|Universit|Institut|Clinic|Cent")


class _DocContext:
    """What the whole document says: its products, sponsors and conditions."""

    common_arm_words = frozenset(
        ["Placebo", "Standard", "Control", "Sham", "Saline", "Best", "Usual"]
    )

    def __init__(self, text: str, hits: _Hits, mention_sentences: set[int]) -> None:
        # everything is worked out on first use: a page with no trial mention needs none of it
        self.text = text
        self.hits = hits
        self.mention_sentences = mention_sentences
        # explicit caches (None until first use), not functools.cached_property: a
        # mypyc-compiled class would recompute that on every access
        self._sponsors_c: tuple[dict[str, str], Counter[str]] | None = None
        self._short_sponsor_names_c: dict[str, str] | None = None
        self._strong_c: list[str] | None = None
        self._strong_products_c: set[str] | None = None
        self._doc_products_c: list[str] | None = None
        self._abbr_c: dict[str, str] | None = None
        self._conditions_c: tuple[Counter[str], dict[str, str]] | None = None

    @property
    def _sponsors(self) -> tuple[dict[str, str], Counter[str]]:
        got = self._sponsors_c
        if got is None:
            got = self._sponsors_c = self._find_sponsors()
        return got

    def _find_sponsors(self) -> tuple[dict[str, str], Counter[str]]:
        sponsors = self.hits.sponsors.over(self.hits.sentences_with("org") | self.mention_sentences)
        canon: dict[str, str] = {}
        counts: Counter[str] = Counter()
        for s in sponsors:
            if s.kind == "partner":
                continue  # a funder or collaborator ("with support from X") is not the page's
            key = s.value.lower()
            best = canon.get(key)
            if best is None or (best.isupper() and not s.value.isupper()):
                canon[key] = s.value
            counts[key] += 1
        # "BrainStorm" and "BrainStorm Cell Therapeutics" are one company: a short name points
        # at the one longer name it begins
        for key in list(canon):
            longer = [k for k in canon if k != key and k.startswith(key + " ")]
            if len(longer) == 1:
                canon[key] = canon[longer[0]]
                counts[longer[0]] += counts.pop(key)
        return canon, counts

    @property
    def short_sponsor_names(self) -> dict[str, str]:
        """{"Ionis": "Ionis Pharmaceuticals"} for companies named in full with a distinctive
        first word."""
        got = self._short_sponsor_names_c
        if got is None:
            got = self._short_sponsor_names_c = self._find_short_sponsor_names()
        return got

    def _find_short_sponsor_names(self) -> dict[str, str]:
        canon, _counts = self._sponsors
        out: dict[str, str] = {}
        for full in set(canon.values()):
            first = full.split()[0]
            if (
                " " in full
                and len(first) >= 4
                and first[0].isupper()
                and first not in _COMMON_FIRST_WORDS
                and not _SITE_WORD_START.match(first)
            ):
                out.setdefault(first, full)
        return out

    @property
    def _strong(self) -> list[str]:
        got = self._strong_c
        if got is None:
            got = self._strong_c = self._find_strong()
        return got

    def _find_strong(self) -> list[str]:
        # trial sentences are read in full anyway; elsewhere only explicit presentations count
        hits = self.hits
        products = hits.products.over(self.mention_sentences) + hits.strong_products.over(
            hits.sentences_with("prod") - self.mention_sentences
        )
        return [p.value for p in products if p.strength >= 2 and p.kind == "product"]

    @property
    def strong_products(self) -> set[str]:
        got = self._strong_products_c
        if got is None:
            got = self._strong_products_c = self._find_strong_products()
        return got

    def _find_strong_products(self) -> set[str]:
        return set(self._strong)

    @property
    def doc_products(self) -> list[str]:
        got = self._doc_products_c
        if got is None:
            got = self._doc_products_c = self._find_doc_products()
        return got

    def _find_doc_products(self) -> list[str]:
        strong = [p for p, _ in Counter(self._strong).most_common(2)]
        if strong:
            return strong
        # no product presented as such ("called X", "X®"): the coined name or code the text
        # uses most, at least twice and once beside treatment words ("NurOwn transplants")
        hits = self.hits
        found = hits.products.over(hits.sentences_with("prod") | self.mention_sentences)
        counts = Counter(p.value for p in found if p.kind == "product")
        beside = {
            p.value
            for p in found
            if p.kind == "product" and treatment_word_follows(self.text, p.span[1])
        }
        ranked = [v for v, n in counts.most_common() if n >= 2 and v in beside]
        return ranked[:1]

    @property
    def abbr(self) -> dict[str, str]:
        got = self._abbr_c
        if got is None:
            got = self._abbr_c = self._find_abbr()
        return got

    def _find_abbr(self) -> dict[str, str]:
        return abbreviation_map(self.text)

    @property
    def _conditions(self) -> tuple[Counter[str], dict[str, str]]:
        got = self._conditions_c
        if got is None:
            got = self._conditions_c = self._find_conditions()
        return got

    def _find_conditions(self) -> tuple[Counter[str], dict[str, str]]:
        cond_counts: Counter[str] = Counter()
        forms: dict[str, str] = {}
        inv = {v.lower(): k for k, v in self.abbr.items()}
        seg = self.hits.seg
        found = (
            condition_at(self.text, a, b, seg.sentences[seg.sentence_at(a)][0])
            for a, b in self.hits.triggers.get("cond", ())[:80]  # enough to rank them
        )
        for c in filter(None, found):
            key = inv.get(
                c.value.lower(), c.value.upper() if c.value.isupper() else c.value.lower()
            )
            cond_counts[key] += 1
            forms.setdefault(key, c.value)
        return cond_counts, forms

    def canonical_sponsor(self, value: str) -> str:
        return self._sponsors[0].get(value.lower(), value)

    def main_sponsor(self) -> str | None:
        canon, counts = self._sponsors
        if not counts:
            return None
        ranked = counts.most_common()
        # a page about one company: the only one; or one named at least twice and twice as
        # often as any other (a competitor named once does not stop it; an investor blog on
        # five companies, each named once or twice, has no main sponsor)
        if len(ranked) == 1 or ranked[0][1] >= max(2, 2 * ranked[1][1]):
            return canon[ranked[0][0]]
        return None

    def sponsor_mentions(self, name: str) -> int:
        """How often the page names company ``name``."""
        return self._sponsors[1].get(name.lower(), 0)

    def several_sponsors(self) -> bool:
        """Does the page name more than one company?"""
        return len(self._sponsors[1]) > 1

    def main_conditions(self) -> list[str]:
        counts, forms = self._conditions
        if not counts:
            return []
        key, _n = counts.most_common(1)[0]
        out = [forms[key]]
        if key in self.abbr and self.abbr[key].lower() != out[0].lower():
            out.append(self.abbr[key])
        return out


def _expand_conditions(conds: list[str], abbr: dict[str, str]) -> list[str]:
    out: list[str] = []
    for c in conds:
        if all(x.lower() != c.lower() for x in out):
            out.append(c)
        if c in abbr and all(x.lower() != abbr[c].lower() for x in out):
            out.append(abbr[c])
    # drop a condition contained in a longer one ("sclerosis" in "lateral sclerosis")
    low = [c.lower() for c in out]
    return [c for c in out if not any(c.lower() != o and c.lower() in o for o in low)]


def _normalize_sponsors(values: list[str]) -> list[str]:
    """Merge short and long forms of one company ("Bioinova" / "Bioinova Company")."""
    out: list[str] = []
    for v in sorted(values, key=len, reverse=True):
        if any(v.lower() != o.lower() and o.lower().startswith(v.lower()) for o in out):
            continue
        if any(v.lower() == o.lower() for o in out):
            continue
        out.append(v)
    return [v for v in values if v in out]


# ------------------------------------------------------------------------ main
def _extract(text: str, *, doc: str, sha256: str) -> DocumentClaims:
    seg = segment(text)
    hits = _Hits(text, seg)
    candidates = hits.candidate_sentences()
    candidates |= hits.find_trial_names(candidates)
    ctx = _DocContext(text, hits, candidates)
    ref_lines = _reference_lines(text)
    excluded = (
        ref_lines + _boilerplate_paragraphs(text, seg, hits.low) if "ooking" in text else ref_lines
    )

    mentions: list[G.Mention] = []
    cont_of: dict[int, G.Mention] = {}
    n_sent = len(seg.sentences)
    last: G.Mention | None = None
    for si in range(n_sent):
        if last is None and si not in candidates:
            continue
        lo, hi = seg.sentences[si]
        m = _mention_for_sentence(text, seg, hits, si, excluded, ctx) if si in candidates else None
        if m is not None:
            if not m.filled:
                _fill(m, text, lo, hi, hits, ctx, core=True)
            # "this trial" / "this study" points back at the sentence before it
            # "The phase I/II study" as the document's first mention points back at the
            # paragraph before it ("Researchers at X University have started ...")
            first_back = not mentions and si > 0 and seg.para_of[si - 1] == seg.para_of[si] - 1
            # "Researchers at X are testing Y. The small phase I/II study ...": the first
            # mention of a paragraph points back at the sentence that sets its scene
            first_in_para = (
                si > 0
                and seg.para_of[si - 1] == seg.para_of[si]
                and not any(x.paragraph == seg.para_of[si] for x in mentions[-3:])
            )
            if (
                m.kind == "definite"
                and si > 0
                and (seg.para_of[si - 1] == seg.para_of[si] or first_back)
            ):
                noun_before = re.search(
                    r"\b(?:this|these|that|their|its"
                    + ("|the" if first_back else "")
                    + r")\s+(?:[\w\-/]+,?\s+){0,5}(?:trial|study)",
                    text[lo:hi],
                    re.IGNORECASE,
                )
                # only for its institution: "Researchers at X are testing Y. The small study"
                scene_only = noun_before is None and first_in_para
                if scene_only:
                    noun_before = _THE_TRIAL.search(text[lo:hi])
                if (
                    noun_before
                    and (si - 1) not in cont_of
                    and not _is_mention_sentence(mentions, si - 1)
                ):
                    plo, phi = seg.sentences[si - 1]
                    before_m = G.Mention(
                        span=(plo, phi), sentence=si - 1, paragraph=m.paragraph, kind="bare"
                    )
                    _fill(before_m, text, plo, phi, hits, ctx, core=False)
                    if scene_only and not before_m.sites:
                        before_m = G.Mention(
                            span=(plo, phi), sentence=si - 1, paragraph=m.paragraph, kind="bare"
                        )
                    for attr in (
                        "sites", "countries", "sponsors", "partners", "names", "conditions",
                    ):  # fmt: skip
                        for v in getattr(before_m, attr):
                            _add(getattr(m, attr), v)
                    if before_m.sites or before_m.countries:
                        m.extra_spans.insert(0, (plo, phi))
            same = _SAME_TEAM.search(text, lo, hi) if mentions else None
            if same is not None:
                # "The same team then opened a Phase II study": the institution, company and
                # country of the trial told of just before; a team's own trial is sponsored
                # by its institution (as "the Hadassah team reported a trial")
                for attr in ("sites", "countries", "sponsors", "partners"):
                    for v in getattr(mentions[-1], attr):
                        _add(getattr(m, attr), v)
                if same.group(1) in _TEAM_WORDS and not m.sponsors:
                    for v in mentions[-1].sites:
                        _add(m.sponsors, v)
            if (
                m.kind in ("definite", "bare")
                and not m.countries
                and mentions
                and mentions[-1].paragraph != m.paragraph
            ):
                # a new paragraph that first sets the scene elsewhere ("a clinic in Bangkok ...")
                plo = seg.paragraphs[m.paragraph][0]
                for p in hits.places.within(plo, lo):
                    _add(
                        m.context_countries,
                        p.value if p.kind == "country" else city_country(p.value),
                    )
            mentions.append(m)
            last = m
            continue
        # continuation: a sentence right after a mention, in its paragraph, about its participants
        if (
            last is not None
            and (
                seg.para_of[si] == last.paragraph
                # "Twelve patients ... received X": the next paragraph opens on its participants
                or (
                    seg.para_of[si] == last.paragraph + 1
                    and seg.paragraphs[seg.para_of[si]][0] == lo
                    and _OPENS_ON_PEOPLE.match(text, lo, hi) is not None
                )
            )
            # (an antecedent sentence put before the mention does not count: its end is not
            # the end of what the mention has read so far)
            and max([last.span[1], *(e for _s, e in last.extra_spans)]) >= _prev_end(seg, si)
            and (G.CONTINUATION_ALL if hits.foreign else G.CONTINUATION).search(text, lo, hi)
            and not _in_ranges(lo, ref_lines)
        ):
            _fill(last, text, lo, hi, hits, ctx, core=False)
            last.extra_spans.append((lo, hi))
            cont_of[si] = last
            continue
        last = None  # continuations are contiguous

    clusters = G.group(mentions)
    prefix = sha256[:12]
    claims: list[Claim] = []
    claim_sentences: list[tuple[str, set[int], set[int]]] = []
    main_sponsor = ctx.main_sponsor() if clusters else None
    for k, c in enumerate(clusters, start=1):
        claim_id = f"{prefix}-c{k}"
        spans: list[Span] = []
        for m in c.mentions:
            for sp in [m.span, *m.extra_spans]:
                if sp not in spans:
                    spans.append(sp)
        spans.sort()
        heading = _section_heading(seg, spans[0][0])
        names = c.values("names")
        if not names and heading is not None:
            names = [
                p.value
                for p in hits.products.within(*heading)
                if p.strength >= 1 and p.kind == "product"
            ]
        section = _section_span(seg, heading, spans[0][0]) if heading is not None else None
        if not names and section is not None and heading is not None:
            # "## 1. The NurOwn story ... The company's cells were tested": the one product
            # the claim's section heading presents, named again in the section
            names = _one_value(
                [p.value for p in hits.products.within(*heading) if p.kind == "product"]
            )
            if names and _count_word(text, names[0], *section) < 2:
                names = []
        partners = set(c.values("partners"))
        own_sponsors = [ctx.canonical_sponsor(x) for x in c.values("sponsors") if x not in partners]
        claim_paras = sorted({seg.para_of[seg.sentence_at(a)] for a, _b in spans})
        # another party named around the claim (in its paragraphs, outside its own sentences,
        # or in its section): a product or company from elsewhere on the page is not lent
        # across it ("Clínica X has its own protocol. In our study ...", "## Mayo Clinic")
        other_party = _other_party(text, seg, hits, ctx, spans, claim_paras, section, main_sponsor)
        if (
            not names
            and ctx.doc_products
            and not other_party
            and not (
                # a trial at an institution of its own, in a section that never names the
                # page's product ("## SMA ... Researchers at X ... The small study")
                c.values("sites")
                and section is not None
                and not any(_count_word(text, p, *section) for p in ctx.doc_products)
            )
            and (main_sponsor is not None or not ctx.several_sponsors())
            and all(x.lower() == (main_sponsor or "").lower() for x in own_sponsors)
        ):
            # the page's product, when the page is about one company (or none) and the claim
            # names no other company
            names = list(ctx.doc_products)
        sponsors = _normalize_sponsors([x for x in c.values("sponsors") if x not in partners])
        own_partners = [x for x in c.values("sponsors") if x in partners]
        if not sponsors:
            # the company the claim's own paragraphs name; else the page's, if the page is
            # about one company; else its section's. Partners and funders the claim names
            # ("with support from X") come after it; partners only around it, if nothing else
            around_all = [x for p in claim_paras for x in hits.sponsors.within(*seg.paragraphs[p])]
            around = [ctx.canonical_sponsor(x.value) for x in around_all if x.kind != "partner"]
            sponsors = _one_value(around)
            own_names = c.values("names")
            if (
                not sponsors
                and not around
                and main_sponsor
                and not other_party
                and (not c.values("sites") or ctx.sponsor_mentions(main_sponsor) >= 3)
                and not (
                    # a claim about its own product, on a page with several companies
                    own_names
                    and ctx.several_sponsors()
                    and not {n.lower() for n in own_names} & {n.lower() for n in ctx.doc_products}
                )
            ):
                # a trial at a named institution takes a company named only in passing
                # (a forum: "the Hadassah trial ... Oremira's trial") from nowhere
                sponsors = [main_sponsor]
            if not sponsors and not around and section is not None and ctx.several_sponsors():
                sponsors = _one_value(
                    [
                        ctx.canonical_sponsor(x.value)
                        for x in hits.sponsors.within(*section)
                        if x.kind != "partner"
                    ]
                )
            if not sponsors and not own_partners:
                sponsors = _one_value([ctx.canonical_sponsor(x.value) for x in around_all])
        sponsors = _normalize_sponsors([*sponsors, *own_partners])
        sites = c.values("sites")
        if not sites and heading is not None and _heading_is_site(text, seg, hits, heading):
            # "## Mayo Clinic ... The same team then opened a Phase II study": the institution
            # the claim's section heading is about
            sites = _one_value([x.value for x in hits.sites.within(*heading)])
        if not sites and heading is not None and _OWN_VOICE.search(text, *spans[0]):
            # "# Stem cells at Vitacell Clinic ... Our own clinical study of 40 children": the
            # institution of the page's title is where the page's own study ran
            sites = _one_value([x.value for x in hits.sites.within(*heading)])
        conditions = _expand_conditions(c.values("conditions"), ctx.abbr)
        if not conditions and heading is not None:
            conditions = _expand_conditions(
                [x.value for x in hits.conditions.within(*heading)], ctx.abbr
            )
        conditions = conditions or ctx.main_conditions()
        dates: list[DateSpan] = []
        for d in sorted(c.values("dates"), key=lambda d: d.span or (0, 0)):
            if all((x.start, x.end, x.role) != (d.start, d.end, d.role) for x in dates):
                dates.append(d)
        arms: tuple[Arm, ...] = ()
        for m in c.mentions:
            if m.arms:
                arms = tuple(m.arms)
                break
        follow = next((m.follow_up for m in c.mentions if m.follow_up), None)
        first = spans[0]
        claims.append(
            Claim(
                claim_id=claim_id,
                quote=text[first[0] : first[1]],
                spans=tuple(spans),
                trial_count=c.trial_count,
                nct_ids=tuple(c.values("nct_ids")),
                other_ids=tuple(c.values("other_ids")),
                names=tuple(names),
                sponsors=tuple(sponsors),
                conditions=tuple(conditions),
                phases=tuple(sorted(c.values("phases"))),
                design=tuple(c.values("design")),
                enrollment=c.enrollment,
                arms=arms,
                dates=tuple(dates),
                countries=tuple(c.values("countries")),
                sites=tuple(sites),
                follow_up=follow,
                status=tuple(c.values("status")),
            )
        )
        sents = {seg.sentence_at(s) for s, _ in spans}
        paras = {seg.para_of[i] for i in sents}
        claim_sentences.append((claim_id, sents, paras))

    figures = _figures(text, seg, hits, claims, claim_sentences, ref_lines)
    return DocumentClaims(
        doc=doc, sha256=sha256, error=None, claims=tuple(claims), figures=tuple(figures), text=text
    )


def _heading_is_site(text: str, seg: Segments, hits: _Hits, heading: Span) -> bool:
    """Is ``heading`` a section heading that names an institution and little else ("## Mayo
    Clinic")? Not the page's first heading: a clinic's title ("# Clínica X - stem cells for
    ALS") is not the site of the trials its page cites."""
    first = next((i for i, h in enumerate(seg.heading) if h), None)
    if first is None or seg.sentences[first] == heading:
        return False
    words = re.findall(r"[^\W\d_]+", text[heading[0] : heading[1]])
    found = hits.sites.within(*heading)
    named = sum(len(x.value.split()) for x in found)
    return bool(found) and named * 2 >= len(words)


_OWN_VOICE = re.compile(
    r"\b(?:[Oo]ur\s+(?:own\s+)?(?:[\w\-]+\s+){0,2}(?:study|trial|studies|trials)|"
    r"[Ww]e\s+(?:have\s+)?(?:treated|conducted|ran|run|enrolled|studied|followed))\b"
)
_THE_TRIAL = re.compile(r"\b[Tt]he\s+(?:[\w\-/]+,?\s+){0,5}(?:trial|study)\b")
_SAME_TEAM = re.compile(
    r"\b[Tt]he\s+same\s+(team|group|researchers|investigators|doctors|centre|center|"
    r"hospital|clinic|institution|company|sponsor)\b"
)
_TEAM_WORDS = frozenset(["team", "group", "researchers", "investigators", "doctors"])


def _other_party(
    text: str,
    seg: Segments,
    hits: _Hits,
    ctx: _DocContext,
    spans: list[Span],
    claim_paras: list[int],
    section: Span | None,
    main_sponsor: str | None,
) -> bool:
    """Does the claim's section, or its paragraphs outside its own sentences, name a company
    other than the page's main one, or an institution (site) not named in the claim itself?"""
    own_sentences = {seg.sentence_at(a) for a, _b in spans}
    main = (main_sponsor or "").lower()
    scopes: list[Span] = []
    for p in claim_paras:
        a, b = seg.paragraphs[p]
        for si in range(seg.sentence_at(a), seg.sentence_at(max(a, b - 1)) + 1):
            if si not in own_sentences:
                scopes.append(seg.sentences[si])
    # an institution named beside the claim (an investigator's hospital quoted in a press
    # release, "## The trial at X Hospital") is another party only when the page's company is
    # named in passing
    strong_main = main_sponsor is not None and ctx.sponsor_mentions(main_sponsor) >= 3
    site_scopes = list(scopes)
    if section is not None:
        scopes.append(section)
        # the section's heading, not its whole text: a page's one section may well name
        # the hospital where the company's trial ran
        site_scopes.append(seg.sentences[seg.sentence_at(section[0])])
    if strong_main:
        site_scopes = []
    own_sites = {x.lower() for x in _claim_sites(hits, spans)}
    for lo, hi in scopes:
        for x in hits.sponsors.within(lo, hi):
            if x.kind == "partner":
                continue
            name = ctx.canonical_sponsor(x.value).lower()
            if name != main and not (main and (main.startswith(name) or name.startswith(main))):
                return True
    for lo, hi in site_scopes:
        for x in hits.sites.within(lo, hi):
            if x.value.lower() not in own_sites:
                return True
    return False


def _claim_sites(hits: _Hits, spans: list[Span]) -> list[str]:
    return [x.value for a, b in spans for x in hits.sites.within(a, b)]


def _count_word(text: str, word: str, lo: int, hi: int) -> int:
    """How often ``word`` occurs as a whole word in ``text[lo:hi]``."""
    n = 0
    k = text.find(word, lo, hi)
    while k >= 0:
        end = k + len(word)
        if (k == 0 or not text[k - 1].isalnum()) and (end >= len(text) or not text[end].isalnum()):
            n += 1
        k = text.find(word, end, hi)
    return n


def _one_value(values: list[str], *, at_least: int = 1) -> list[str]:
    """``[v]`` when ``values`` hold one distinct value (at least ``at_least`` times), else []."""
    distinct = {v.lower() for v in values}
    if len(distinct) == 1 and len(values) >= at_least:
        return [values[0]]
    return []


def _section_span(seg: Segments, heading: Span, pos: int) -> Span:
    """From the heading above ``pos`` to the next heading after ``pos`` (or the end)."""
    si = seg.sentence_at(pos)
    end = seg.sentences[-1][1]
    for i in range(si + 1, len(seg.sentences)):
        if seg.heading[i]:
            end = seg.sentences[i][0]
            break
    return heading[0], end


def _section_heading(seg: Segments, pos: int) -> Span | None:
    """The span of the nearest heading line before ``pos`` ("## Myelora in Duchenne ...")."""
    si = seg.sentence_at(pos)
    for i in range(si - 1, -1, -1):
        if seg.heading[i]:
            return seg.sentences[i]
    return None


def _prev_end(seg: Segments, si: int) -> int:
    return seg.sentences[si - 1][1] if si > 0 else 0


def _is_mention_sentence(mentions: list[G.Mention], si: int) -> bool:
    return any(m.sentence == si for m in mentions[-3:])


# ------------------------------------------------------------------------ figures
_POP_AFTER = re.compile(
    r"\s*(?:of\s+(?:the\s+|all\s+|our\s+|these\s+|those\s+)?)(?P<pop>(?:[\w\-’']+\s+){0,4}?"
    r"(?:patients|participants|subjects|cases|children|adults|people|individuals|men|women|"
    r"infants|respondents|responders|volunteers)(?:\s+(?:with|suffering\s+from|diagnosed\s+with|"
    r"treated\s+with|who)\s+[^,.;:()]{1,60})?)",
    re.IGNORECASE,
)
_POP_REST = re.compile(
    r"(?P<rest>\s+(?:with|suffering\s+from|diagnosed\s+with|affected\s+by)"
    r"(?:\s+(?!(?:with|and|who|that|were|was|had|have|has|underw\w*|receiv\w*|using|in|at|from|by|for|"
    r"to|is|are|will|showed|during|since|after|before|between|treated|who|which|over|under|"
    r"across|throughout|than)\b)[\w\-’']+){1,5})",
    re.IGNORECASE,
)
_PERSON_NP = re.compile(
    r"(?P<pop>(?:[A-Z][\w\-]*\s+)?(?:patients|participants|subjects|children|adults|infants)"
    r"(?:\s+(?:with|suffering\s+from|diagnosed\s+with)\s+[^,.;:()]{1,50})?)",
)
_CLAUSE_BREAK = re.compile(r"[;:()\[\]•]|,\s|\s[–—]\s|\.\s")
_DURATION_FIGURE = re.compile(
    r"\b(?:prolong\w*|extend\w*|surviv\w*|persist\w*|maintain\w*|improv\w*|"
    r"benefit\w*|follow(?:ed)?[\s\-]*up|life\s+expectancy|remission|"
    r"effect\w*|slow\w*|delay\w*|stabili[sz]\w*|"
    # "are followed for 6 months", "followed them for up to 9 years", "monitored over a year"
    r"(?:follow(?:ed|s)?|monitor(?:ed|s)?|observed|tracked)\s+(?:(?:them|participants|patients|"
    r"subjects|all\s+\w+|each\s+\w+)\s+)?(?:up\s+)?(?:for|over)|"
    # the follow-up words of ``languages`` ("Obserwacja trwała 12 miesięcy")
    rf"(?:{L.FOLLOW_UP_STEMS})\w*)\b",
    re.IGNORECASE,
)
#: "91% of patients ... better at 12 months": the time point of an outcome given as a share
_OUTCOME_TIME = re.compile(r"\b(?:at|after|by|within|over)\s+$", re.IGNORECASE)
#: "after 6 months, most participants crossed over": a time point in the life of a trial's
#: participants (not "within 2 years of diagnosis", an entry criterion)
_PARTICIPANT_TIME = re.compile(r"\b(?:at|after|over)\s+$", re.IGNORECASE)


_STRONG_BREAKS = ";:()[]•"


def _clause(text: str, lo: int, hi: int, s: int, e: int) -> str:
    """The clause around ``text[s:e]``: from the previous to the next break (";", ":", a
    bracket, a full stop, or a comma some way off), within ``[lo, hi)``."""
    a = lo
    for ch in _STRONG_BREAKS:
        k = text.rfind(ch, lo, s)
        if k >= 0:
            a = max(a, k + 1)
    k = text.rfind(". ", lo, s)
    if k >= 0:
        a = max(a, k + 2)
    k = text.rfind(",", lo, max(lo, s - 25))
    if k >= 0:
        a = max(a, k + 1)
    b = hi
    for ch in _STRONG_BREAKS:
        k = text.find(ch, e, hi)
        if k >= 0:
            b = min(b, k)
    k = text.find(". ", e, hi)
    if k >= 0:
        b = min(b, k)
    if hi > e and text[hi - 1] == ".":
        b = min(b, hi - 1)
    k = text.find(",", min(hi, e + 25), hi)
    if k >= 0:
        b = min(b, k)
    out = " ".join(text[a:b].split())
    if len(out) - (e - s) < 12 and (a > lo or b < hi):
        # "(90 %)": the parenthesis alone says nothing; take the sentence around it
        a = max(lo, s - 120)
        b = min(hi, e + 80)
        while a > lo and not text[a - 1].isspace():
            a += 1
        out = " ".join(text[a:b].split())
    if len(out) > 200:
        out = out[:197].rstrip() + "..."
    return out


def _population(text: str, lo: int, hi: int, f: FigureMatch) -> str | None:
    s, e = f.span
    if f.unit == "patients":
        if f.noun in ("of which", "n=", "arm"):
            m = _PERSON_NP.search(text, lo, s)
            return " ".join(m.group("pop").split()) if m else None
        m = _POP_REST.match(text, e, hi)
        phrase = text[s:e]
        # drop the number itself: "24 patients" -> "patients"
        words = phrase.split()
        pop = " ".join(words[1:]) if len(words) > 1 else phrase
        pop = (
            re.sub(r"^(?:\w+\s+)?(?:of\s+)?", "", pop) if pop.lower().startswith(("of ",)) else pop
        )
        if m:
            pop += " " + " ".join(m.group("rest").split())
        return pop.strip() or None
    if f.unit == "percent":
        m = _POP_AFTER.match(text, e, hi)
        if m:
            return " ".join(m.group("pop").split())
        m = _PERSON_NP.search(text, lo, hi)
        return " ".join(m.group("pop").split()) if m else None
    return None


def _heading_between(heading_paras: list[int], para_a: int, para_b: int) -> bool:
    """Is there a heading in the paragraphs after ``para_a`` and before ``para_b``?
    (``heading_paras``: sorted paragraph indices of heading lines.)"""
    i = bisect_right(heading_paras, para_a)
    return i < len(heading_paras) and heading_paras[i] < para_b


def _figures(
    text: str,
    seg: Segments,
    hits: _Hits,
    claims: list[Claim],
    claim_sentences: list[tuple[str, set[int], set[int]]],
    ref_lines: list[Span],
) -> list[Figure]:
    figs: list[FigureMatch] = list(hits.figure_index.items)
    # durations are figures only where the text puts them forward as a benefit or follow-up,
    # or as a time point of the participants of a trial the text describes
    participant_sentences = hits.sentences_with("person") & {
        i for _cid, sents, _paras in claim_sentences for i in sents
    }
    for d in hits.durations():
        si = seg.sentence_at(d.span[0])
        lo, hi = seg.sentences[si]
        window = text[max(lo, d.span[0] - 45) : min(hi, d.span[1] + 20)]
        if _RX1.search(window):
            continue
        if (
            _DURATION_FIGURE.search(window)
            or (
                _OUTCOME_TIME.search(text, max(lo, d.span[0] - 8), d.span[0]) and "%" in text[lo:hi]
            )
            or (
                _PARTICIPANT_TIME.search(text, max(lo, d.span[0] - 8), d.span[0])
                and si in participant_sentences
            )
        ):
            figs.append(d)
    figs = _dedupe(sorted(figs, key=lambda f: f.span))
    heading_paras = sorted({seg.para_of[i] for i, h in enumerate(seg.heading) if h})
    out: list[Figure] = []
    for f in figs:
        if _in_ranges(f.span[0], ref_lines):
            continue
        si = seg.sentence_at(f.span[0])
        lo, hi = seg.sentences[si]
        para = seg.para_of[si]
        # a heading introduces the paragraph under it ("Therapy for three patients: the outcomes")
        paras = {para}
        if seg.heading[si] and si + 1 < len(seg.sentences):
            paras.add(seg.para_of[si + 1])
        claim_id = None
        for cid, sents, cparas in claim_sentences:
            if si in sents:
                claim_id = cid
                break
        if claim_id is None:
            best = None
            for cid, sents, cparas in claim_sentences:
                if cparas & paras:
                    dist = min(abs(si - x) for x in sents)
                    if best is None or dist < best[0]:
                        best = (dist, cid)
            if best:
                claim_id = best[1]
        if claim_id is None and f.unit in ("ml", "cells"):
            # a dose described under a trial ("The method and amount of administration: ...
            # 1.5 ml") belongs to it: the nearest claim evidence up to three paragraphs before
            best = None
            for cid, sents, cparas in claim_sentences:
                before = [p for p in cparas if 0 < para - p <= 3]
                if before and not _heading_between(heading_paras, max(before), para + 1):
                    gap = para - max(before)
                    if best is None or gap < best[0]:
                        best = (gap, cid)
            if best:
                claim_id = best[1]
        out.append(
            Figure(
                value=f.value,
                unit=f.unit,
                # a window around the figure keeps very long "sentences" (tables, lists without
                # punctuation) from making this quadratic
                measure=_clause(text, max(lo, f.span[0] - 300), min(hi, f.span[1] + 300), *f.span),
                population=_population(text, max(lo, f.span[0] - 300), min(hi, f.span[1] + 300), f),
                span=f.span,
                claim_id=claim_id,
            )
        )
    return out
