"""Fact-by-fact comparison of what a claim says with what a record registers.

Shared by matching (features behind the score) and compare (verdict rows), so a link's reasons and
the comparison rows beside it never disagree. Owned by issue #4.

Every function here takes registry values only from structured record fields. Titles are handled
separately (``title_*`` helpers) and are used by matching to *find and score* candidates, never
by compare as registry values.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from trialmatch.claims.model import DateSpan
from trialmatch.registry.study import RegistryDate, Study

# ----------------------------------------------------------------------------- normalization


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: words that describe *kinds* of intervention rather than naming one product. A claim name made
#: only of these ("autologous mesenchymal stem cells") is generic: it may support a link but
#: never anchors one. This is vocabulary, not an alias table: it names no product.
GENERIC_WORDS = frozenset(
    _words(
        """
        a an and the of in on for with by to from at or as via per into cell cells stem stromal
        mesenchymal msc mscs autologous allogeneic allogenic derived bone marrow adipose
        umbilical cord blood tissue fetal human multipotent cultured cultivated expanded neural
        progenitor precursor mononuclear suspension injection injections inj infusion infusions
        transplant transplantation transplants therapy therapies treatment treatments
        intrathecal intramuscular intravenous intraspinal it im iv dose doses high low single
        repeated multiple product products drug drugs biological agent placebo control group arm
        standard care best supportive secreting factor factors growth
        """
    )
)

#: words that carry no identity in an institution's name
INSTITUTION_WORDS = frozenset(
    _words(
        """
        a an and the of in at for de la le di del der und university universitat universite
        universidad universita college school faculty medical medicine health healthcare
        clinical clinic clinics hospital hospitals center centre centers centres institute
        institution organization organisation foundation department dept research teaching
        general national regional city state academic sciences science cancer care services
        service group
        """
    )
)

#: legal-form words dropped from company names ("Bioinova, s.r.o." ~ "BIOINOVA Ltd.")
LEGAL_WORDS = frozenset(
    _words(
        """
        inc incorporated ltd limited llc llp lp plc co corp corporation company gmbh ag sa sas
        srl spa bv nv oy ab as s r o sro kk pty pvt private public holdings holding
        """
    )
)

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip accents and trademark signs, turn punctuation into spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("®", " ").replace("™", " ").replace("©", " ")
    text = re.sub(r"[^0-9A-Za-z]+", " ", text.lower())
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    return fold(text).split()


def is_specific(name: str) -> bool:
    """True when a name has at least one word that is not generic intervention vocabulary."""
    return any(t not in GENERIC_WORDS and not t.isdigit() for t in tokens(name))


def contains_phrase(haystack: str, needle: str) -> bool:
    """Whole-word containment on folded text ("msc ntf" in "msc ntf cells transplantation")."""
    h, n = fold(haystack), fold(needle)
    if not n:
        return False
    return f" {n} " in f" {h} "


def name_in(haystack: str, name: str) -> bool:
    """A product name appears in a registry string: whole words, or a near-identical word for
    long single-word names (spelling variants such as "Neuronata-R" / "NeuroNata R")."""
    if contains_phrase(haystack, name):
        return True
    n = fold(name)
    if " " in n or len(n) < 6:
        # also allow the hyphen-less run-together form: "MSCNTF" / "msc ntf"
        return bool(n) and n.replace(" ", "") in fold(haystack).split()
    return any(len(w) >= 6 and fuzz.ratio(n, w) >= 90 for w in fold(haystack).split())


# ----------------------------------------------------------------------------- organizations


def org_core(name: str) -> list[str]:
    """Identity words of an organization: legal forms and institution words dropped."""
    words = [t for t in tokens(name) if t not in LEGAL_WORDS]
    core = [t for t in words if t not in INSTITUTION_WORDS]
    return core or words


def org_similarity(a: str, b: str) -> float:
    """0..100: how surely two organization names name the same body.

    "BrainStorm Cell Therapeutics" ~ "Brainstorm-Cell Therapeutics" -> 100;
    "Bioinova" ~ "Bioinova, s.r.o." -> 100; "Hadassah University Medical Center" ~
    "Hadassah Medical Organization" -> 100 (same core word).
    """
    ca, cb = org_core(a), org_core(b)
    if not ca or not cb:
        return 0.0
    ja, jb = " ".join(ca), " ".join(cb)
    score = fuzz.token_sort_ratio(ja, jb)
    # one name is the other's core plus extra words ("Bioinova" vs "Bioinova Ltd")
    sa, sb = set(ca), set(cb)
    if sa <= sb or sb <= sa:
        shorter = ca if len(ca) <= len(cb) else cb
        if any(len(w) >= 4 for w in shorter):
            score = max(score, 95.0)
    # run-together forms: "brainstorm" vs "brain storm"
    if ja.replace(" ", "") == jb.replace(" ", ""):
        score = 100.0
    return float(score)


ORG_MATCH = 90.0


def best_org_match(claimed: Iterable[str], registered: Iterable[str]) -> tuple[str, str, float]:
    """The best (claimed, registered, similarity) pair, or ("", "", 0)."""
    best = ("", "", 0.0)
    for c in claimed:
        for r in registered:
            s = org_similarity(c, r)
            if s > best[2]:
                best = (c, r, s)
    return best


# ----------------------------------------------------------------------------- countries

_COUNTRY_FORMS = {
    "us": "united states",
    "usa": "united states",
    "u s": "united states",
    "u s a": "united states",
    "united states of america": "united states",
    "america": "united states",
    "uk": "united kingdom",
    "u k": "united kingdom",
    "great britain": "united kingdom",
    "czechia": "czech republic",
    "korea": "korea republic of",
    "south korea": "korea republic of",
    "republic of korea": "korea republic of",
    "russia": "russian federation",
    "iran": "iran islamic republic of",
}


def country_key(name: str) -> str:
    f = fold(name)
    return _COUNTRY_FORMS.get(f, f)


# ----------------------------------------------------------------------------- conditions


def _acronyms(words: Sequence[str]) -> set[str]:
    out = set()
    for i in range(len(words)):
        for j in range(i + 2, min(len(words), i + 5) + 1):
            out.add("".join(w[0] for w in words[i:j]))
    return out


_COND_FILLER = frozenset(
    _words(
        """
        a an and the of in with disease disorder patients patient syndrome type form people
        """
    )
)


def _cond_tokens(text: str) -> list[str]:
    return [_ROMAN.get(t, t) for t in tokens(text)]


def condition_coverage(claimed: str, registered: Iterable[str]) -> tuple[float, str]:
    """How much of a claimed condition the registered conditions cover, 0..1, and which one.

    Acronyms are derived from the registered words themselves ("Amyotrophic Lateral Sclerosis"
    -> "als", "Spinal Muscular Atrophy" -> "sma"), Roman numerals are read as digits.
    """
    ctoks = [t for t in _cond_tokens(claimed) if t not in _COND_FILLER]
    if not ctoks:
        return 0.0, ""
    best = (0.0, "")
    for reg in registered:
        rtoks = _cond_tokens(reg)
        rset = set(rtoks)
        acr = _acronyms([t for t in rtoks if t not in {"of", "and", "the", "in", "with"}])
        # parenthesised acronyms in the registered text: "(ALS)"
        acr |= {fold(m) for m in re.findall(r"\(([A-Za-z]{2,6})\)", reg)}
        hit = sum(1 for t in ctoks if t in rset or (len(t) >= 2 and t in acr))
        cov = hit / len(ctoks)
        # both sides name words the other lacks ("multiple sclerosis" vs "amyotrophic lateral
        # sclerosis"): a shared head word is not the same disease, so the registered side's
        # unshared words count against the coverage too
        cset = set(ctoks)
        r_extra = [t for t in rset - cset if t not in _COND_FILLER]
        if 0 < hit < len(ctoks) and r_extra:
            cov = hit / len(ctoks) * hit / (hit + len(r_extra))
        if cov < 1.0 and fuzz.token_set_ratio(" ".join(ctoks), " ".join(rtoks)) >= 92:
            cov = 1.0
        # the registered condition written as the claimed acronym: claim "ALS", record "ALS"
        if cov > best[0]:
            best = (cov, reg)
    return best


# ----------------------------------------------------------------------------- phases

_PHASE_RE = re.compile(
    r"\bphase\s*(?P<a>iv|iii|ii|i|[1-4])\s*[ab]?\b(?:\s*(?:/|,|-|–|and|to)\s*(?:phase\s*)?"
    r"(?P<b>iv|iii|ii|i|[1-4])\s*[ab]?\b)?",
    re.IGNORECASE,
)


def phases_in_text(text: str) -> tuple[str, ...]:
    """Phase enums a title states ("Phase I/II" -> PHASE1, PHASE2). For scoring only."""
    out: list[str] = []
    for m in _PHASE_RE.finditer(text or ""):
        for g in (m.group("a"), m.group("b")):
            if g:
                n = _ROMAN.get(g.lower(), g)
                p = f"PHASE{n}"
                if p not in out:
                    out.append(p)
    return tuple(out)


def _phase_set(phases: Iterable[str]) -> set[str]:
    return {"PHASE1" if p == "EARLY_PHASE1" else p for p in phases}


def compare_phases(claimed: Sequence[str], registered: Sequence[str]) -> str:
    """'agreed', 'partly' or 'disagreed' (both sides must be non-empty)."""
    c, r = _phase_set(claimed), _phase_set(registered)
    if c == r:
        return "agreed"
    if c & r:
        return "partly"
    return "disagreed"


# ----------------------------------------------------------------------------- design


def _has_placebo(study: Study) -> bool | None:
    if any((a.type or "") in ("PLACEBO_COMPARATOR", "SHAM_COMPARATOR") for a in study.arm_groups):
        return True
    names = [iv.name for iv in study.interventions] + [a.label for a in study.arm_groups]
    if any("placebo" in fold(n) or "sham" in fold(n) for n in names):
        return True
    if study.interventions or study.arm_groups:
        return False
    return None


def design_term_outcome(term: str, study: Study) -> tuple[str, str] | None:
    """One claimed design term against the structured design fields: (outcome, registered
    value in words), or None when the record does not say."""
    alloc, mask, model = study.allocation, study.masking, study.intervention_model
    if term == "randomized":
        if alloc == "RANDOMIZED":
            return "agreed", "allocation RANDOMIZED"
        if alloc in ("NON_RANDOMIZED", "NA"):
            return "disagreed", f"allocation {alloc}"
        if model == "SINGLE_GROUP":
            return "disagreed", "model SINGLE_GROUP"
        return None
    if term == "non-randomized":
        if alloc in ("NON_RANDOMIZED", "NA"):
            return "agreed", f"allocation {alloc}"
        if alloc == "RANDOMIZED":
            return "disagreed", "allocation RANDOMIZED"
        if model == "SINGLE_GROUP":
            return "agreed", "model SINGLE_GROUP"
        return None
    if term == "double-blind":
        if mask in ("DOUBLE", "TRIPLE", "QUADRUPLE"):
            return "agreed", f"masking {mask}"
        if mask == "SINGLE":
            return "partly", "masking SINGLE"
        if mask == "NONE":
            return "disagreed", "masking NONE (open label)"
        return None
    if term == "single-blind":
        if mask == "SINGLE":
            return "agreed", "masking SINGLE"
        if mask in ("DOUBLE", "TRIPLE", "QUADRUPLE"):
            return "partly", f"masking {mask}"
        if mask == "NONE":
            return "disagreed", "masking NONE (open label)"
        return None
    if term == "open-label":
        if mask == "NONE":
            return "agreed", "masking NONE (open label)"
        if mask:
            return "disagreed", f"masking {mask}"
        return None
    if term == "placebo-controlled":
        placebo = _has_placebo(study)
        if placebo is True:
            return "agreed", "placebo or sham arm/intervention"
        if placebo is False:
            if model == "SINGLE_GROUP" or alloc == "NA":
                return "disagreed", "no placebo arm (single group)"
            return "disagreed", "no placebo arm or intervention registered"
        if model == "SINGLE_GROUP":
            return "disagreed", "model SINGLE_GROUP"
        return None
    if term == "single-arm":
        if model == "SINGLE_GROUP":
            return "agreed", "model SINGLE_GROUP"
        if model in ("PARALLEL", "CROSSOVER", "FACTORIAL"):
            return "disagreed", f"model {model}"
        if alloc == "RANDOMIZED":
            return "disagreed", "allocation RANDOMIZED"
        return None
    if term == "multicenter":
        facilities = {fold(loc.facility or loc.city or "") for loc in study.locations}
        if len(facilities - {""}) >= 2:
            return "agreed", f"{len(facilities - {''})} sites"
        return None  # one listed site in a partial record does not prove a single centre
    return None


_TITLE_DESIGN = {
    "randomized": re.compile(r"\b(?<!non )(?<!non-)randomi[sz]ed\b", re.IGNORECASE),
    "non-randomized": re.compile(r"\bnon[- ]?randomi[sz]ed\b", re.IGNORECASE),
    "double-blind": re.compile(r"\b(double|triple|quadruple)[- ]?(blind|mask)", re.IGNORECASE),
    "single-blind": re.compile(r"\bsingle[- ]?(blind|mask)", re.IGNORECASE),
    "open-label": re.compile(r"\bopen[- ]?label\b", re.IGNORECASE),
    "placebo-controlled": re.compile(r"\b(placebo|sham)\b", re.IGNORECASE),
    "single-arm": re.compile(r"\bsingle[- ]?(arm|group)\b", re.IGNORECASE),
    "multicenter": re.compile(r"\bmulti[- ]?(cent(er|re)|site|national)", re.IGNORECASE),
}
_CONTRADICTS = {
    "randomized": ("non-randomized", "single-arm"),
    "non-randomized": ("randomized",),
    "double-blind": ("open-label", "single-blind"),
    "single-blind": ("open-label",),
    "open-label": ("double-blind", "single-blind", "placebo-controlled"),
    "placebo-controlled": ("open-label", "single-arm"),
    "single-arm": ("randomized", "placebo-controlled"),
    "multicenter": (),
}


def design_terms_in_text(text: str) -> set[str]:
    """Design terms a title states (for scoring only)."""
    found = {t for t, rx in _TITLE_DESIGN.items() if rx.search(text or "")}
    # "Non-randomized" also matches the plain pattern's tail in some spellings
    if "non-randomized" in found and not re.search(
        r"(?<!non[- ])(?<!non)randomi[sz]ed", text, re.IGNORECASE
    ):
        found.discard("randomized")
    return found


def design_title_outcome(term: str, title_terms: set[str]) -> str | None:
    if term in title_terms:
        return "agreed"
    if any(c in title_terms for c in _CONTRADICTS.get(term, ())):
        return "disagreed"
    return None


# ----------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class Interval:
    """A claimed or registered date as the span of days it can mean."""

    first: dt.date
    """Earliest day."""
    last: dt.date
    """Latest day."""
    text: str
    """As written (ISO)."""


def _iso_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    text = (text or "").strip()
    try:
        return RegistryDate.parse(text).first_day, RegistryDate.parse(text).last_day
    except Exception:  # noqa: BLE001 - a claimed date we cannot read is simply not compared
        return None


def claimed_interval(start: str, end: str | None = None) -> Interval | None:
    a = _iso_bounds(start)
    if a is None:
        return None
    b = _iso_bounds(end) if end else None
    last = b[1] if b else a[1]
    text = start if not end or end == start else f"{start}..{end}"
    return Interval(a[0], max(a[1], last), text)


def registered_interval(date: RegistryDate | None) -> Interval | None:
    if date is None:
        return None
    return Interval(date.first_day, date.last_day, date.text)


def gap_days(a: Interval, b: Interval) -> int:
    """0 when the spans overlap, else the days between them."""
    if a.last < b.first:
        return (b.first - a.last).days
    if b.last < a.first:
        return (a.first - b.last).days
    return 0


def date_verdict(claimed: Interval, registered: Interval) -> str:
    """'agreed' when the spans overlap (a registered 2012-01-31 lies in a claimed 2012-01),
    'partly' within about a quarter, else 'disagreed'."""
    g = gap_days(claimed, registered)
    if g == 0:
        return "agreed"
    if g <= 92:
        return "partly"
    return "disagreed"


def claimed_start(dates: Sequence[DateSpan]) -> DateSpan | None:
    for role in ("start", "period"):
        for d in dates:
            if d.role == role:
                return d
    return None


def claimed_completion(dates: Sequence[DateSpan]) -> DateSpan | None:
    for d in dates:
        if d.role == "completion":
            return d
    for d in dates:
        if d.role == "period" and d.end and d.end != d.start:
            return d
    return None


def claimed_results(dates: Sequence[DateSpan]) -> DateSpan | None:
    for d in dates:
        if d.role == "results":
            return d
    return None


def completion_of(study: Study) -> RegistryDate | None:
    return study.completion_date or study.primary_completion_date


# ----------------------------------------------------------------------------- enrollment


def enrollment_outcome(claimed: int, registered: int, trial_count: int = 1) -> tuple[str, float]:
    """('agreed'|'partly'|'disagreed', strength of a disagreement: 0.5, 1 or 1.5 when the
    numbers are five times apart or more).

    For one trial, closeness of the two numbers. For a claim covering several trials, the
    claimed number is a total: a record may hold part of it, but not more than all of it.
    """
    if trial_count > 1:
        if registered > claimed * 1.15 + 2:
            ratio = claimed / max(registered, 1)
            return "disagreed", 1.5 if ratio < 0.2 else 1.0 if ratio < 0.5 else 0.5
        share = claimed / trial_count
        if registered >= share * 0.5:
            return "agreed", 0.0
        return "partly", 0.0
    hi, lo = max(claimed, registered), min(claimed, registered)
    if hi == 0:
        return "agreed", 0.0
    ratio = lo / hi
    if ratio >= 0.85 or hi - lo <= 2:
        return "agreed", 0.0
    if ratio >= 0.6:
        return "partly", 0.0
    return "disagreed", 1.5 if ratio < 0.2 else 1.0 if ratio < 0.35 else 0.5


# ----------------------------------------------------------------------------- titles

_STOP = frozenset(
    _words(
        """
        a an and the of in on for with by to from at or as vs versus study trial patients
        participants subjects clinical evaluate evaluating assess safety efficacy
        """
    )
)


def title_words(title: str) -> list[str]:
    return [t for t in tokens(title) if t not in _STOP and len(t) > 1]


def title_overlap(title: str, text: str) -> float:
    """Share of a title's word pairs found in a text (0..1); quoting a title gives ~1."""
    words = title_words(title)
    if len(words) < 3:
        return 0.0
    pairs = list(itertools.pairwise(words))
    have = _word_pairs(text)
    return sum(1 for p in pairs if p in have) / len(pairs)


@functools.lru_cache(maxsize=1024)
def _word_pairs(text: str) -> frozenset[tuple[str, str]]:
    tw = [t for t in tokens(text) if t not in _STOP and len(t) > 1]
    return frozenset(itertools.pairwise(tw))


def study_titles(study: Study) -> list[str]:
    return [t for t in (study.brief_title, study.official_title) if t]


# ----------------------------------------------------------------------------- abbreviations

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’]*")


def expand_abbreviation(abbr: str, text: str) -> str | None:
    """What an abbreviation stands for in this document: "SMA" -> "spinal muscular atrophy"
    when the text has words with those initials (a definition "X Y Z (XYZ)" is preferred,
    otherwise the most frequent spelling). None when the text does not spell it out."""
    a = abbr.strip()
    if not re.fullmatch(r"[A-Z]{2,6}", a):
        return None
    n = len(a)
    words = [(m.group(0), m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    counts: dict[str, int] = {}
    defined: str | None = None
    for i in range(len(words) - n + 1):
        run = words[i : i + n]
        if "".join(w[0][0] for w in run).upper() != a:
            continue
        if any(w[0].lower() in ("the", "of", "and", "in", "a", "an") for w in run):
            continue
        # spelled-out words, not other abbreviations ("MS Society" is no expansion of "MS")
        if any(len(w[0]) > 1 and w[0].isupper() for w in run):
            continue
        # the words must be adjacent (only spaces or hyphens between them)
        if any(not re.fullmatch(r"[\s\-]+", text[run[j][2] : run[j + 1][1]]) for j in range(n - 1)):
            continue
        phrase = " ".join(w[0] for w in run)
        counts[phrase.lower()] = counts.get(phrase.lower(), 0) + 1
        after = text[run[-1][2] : run[-1][2] + n + 4]
        if defined is None and re.match(rf"\s*\(\s*{a}\s*\)", after):
            defined = phrase.lower()
    if defined:
        return defined
    if counts:
        return max(counts.items(), key=lambda kv: kv[1])[0]
    return None
