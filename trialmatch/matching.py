"""Matching: link each claim to its ClinicalTrials.gov record(s), or abstain.

Owned by issue #4. Scoring weights and the threshold live in one place, SCORING, below; how
they were set is in docs/CALIBRATION.md.

How a document is matched (``match_document``):

1. Candidates: cited NCT IDs in one batched ``get``; other IDs (EudraCT, ...) through the
   ``id`` search area. A claim whose cited record fits what the text says needs nothing more.
   Otherwise product names (``term``), then the other names the registry itself gives those
   products (intervention names, other names, "X (Y)" in titles: ``AliasBook``); sponsors
   (``spons``) and sites; for claims with none of these of their own (a name or sponsor the
   extractor lent from elsewhere, or one the registry does not know, anchors nothing), the
   disease with the claim's generic intervention words and with the cell source and route its
   sentence states ("fat tissue" -> adipose); finally registry product names the page itself
   uses. Each distinct query runs once per document and is recorded with the claims it served.
2. Scoring: every record found against every claim, feature by feature (``Reason``), into
   log-odds; evidence a claim only inherits from its document is capped; a name or sponsor
   the claim borrowed and no record found lists is no evidence; what the claim's own sentences
   say (a registered product or site named, a registered intervention spelled out, cell
   source/donor/route) is read from them directly; records that each pass on their own
   compete (a near tie abstains).
3. Assignment: reviewer links, then cited IDs (always linked; a misfit is ``miscited``), then
   the best remaining pairs, each record to one claim, each claim up to ``trial_count``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["agreed", "partly", "disagreed", "unknown"]


@dataclass(frozen=True)
class Reason:
    """One feature's contribution to a match score."""

    feature: str
    """Feature name: id, intervention, sponsor, condition, phase, design, enrollment, dates,
    country (sites included), cells (cell source, donor, route), title; and context and
    ambiguity for the document-level steps."""
    outcome: Outcome
    """agreed, partly, disagreed or unknown."""
    detail: str
    """Human-readable evidence: what the claim says against what the record says."""

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "outcome": self.outcome, "detail": self.detail}


@dataclass(frozen=True)
class Match:
    """A claim-to-record link (accepted) or candidate (rejected)."""

    nct_id: str
    """The record's NCT ID."""
    score: float
    """Score in [0, 1]."""
    reasons: tuple[Reason, ...] = ()
    """Per-feature outcomes behind the score."""
    confirmed_by_reviewer: bool = False
    """True when a --links file decided this link."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "score": round(self.score, 3),
            "reasons": [r.to_dict() for r in self.reasons],
            "confirmed_by_reviewer": self.confirmed_by_reviewer,
        }


@dataclass(frozen=True)
class ClaimMatches:
    """Matching's answer for one claim."""

    claim_id: str
    """The claim."""
    matches: tuple[Match, ...] = ()
    """Accepted links, best first. Empty: no registered trial found."""
    candidates: tuple[Match, ...] = ()
    """Best rejected records, for transparency."""
    queries: tuple[str, ...] = ()
    """Registry queries made for this claim (``Query.describe()``)."""
    miscited: tuple[tuple[str, str], ...] = ()
    """(nct_id, detail) for cited NCT IDs whose record the surrounding text does not fit."""


@dataclass(frozen=True)
class DocumentMatches:
    """Matching's answer for one document."""

    claims: tuple[ClaimMatches, ...] = ()
    """One entry per claim, in claim order."""
    studies: dict[str, Any] = field(default_factory=dict)
    """nct_id -> Study for every linked record (and candidates)."""
    retrieved_at: str = ""
    """ISO UTC timestamp when the records were retrieved."""
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Claimed product name -> the other names the registry itself gives that product
    (learned from intervention names, other names and titles of the records found)."""


# =============================================================================== logic
# Everything below is matching's behaviour; the types above are the seam.

import csv
import datetime as _dt
import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from trialmatch import facts
from trialmatch.claims.model import Claim, DocumentClaims
from trialmatch.registry.interface import (
    BadRequestError,
    InvalidIdError,
    NotFoundError,
    Query,
    Registry,
    normalize_nct_id,
)
from trialmatch.registry.study import Study

# ------------------------------------------------------------------------------- SCORING


@dataclass(frozen=True)
class FeatureWeight:
    """Log-odds contributions of one feature's outcomes (``unknown`` always contributes 0)."""

    agreed: float
    """Added when the claim and the record agree."""
    partly: float
    """Added when they partly agree."""
    disagreed: float
    """Added (a negative number) when they disagree."""


@dataclass(frozen=True)
class Scoring:
    """All scoring weights and the threshold, in one place. See docs/CALIBRATION.md.

    score = logistic(prior + sum of feature contributions). A link needs score >= threshold.
    """

    prior: float
    """Log-odds that an arbitrary candidate is the claim's trial, before any evidence."""
    threshold: float
    """Accept a link at or above this score; below it the claim abstains."""
    weights: Mapping[str, FeatureWeight]
    """Per feature (id, intervention, sponsor, condition, phase, design, enrollment, dates,
    country, site, title) and sub-feature (enrollment_exact; site_conflict of the country feature;
    source, donor and route of the cells feature)."""
    title_factor: float
    """Multiplier for evidence read from a record's title when the structured field is absent
    (titles may score a candidate, never give it a registry value)."""
    context_single: float
    """Multiplier for product/sponsor/condition evidence the claim inherits from the rest of its
    document when the document names a single one (a page about one product)."""
    context_multi: float
    """Same, when the document names several (the attribution is then uncertain)."""
    context_cap: float
    """Most that inherited evidence may add: below the prior's magnitude, so a claim never links
    on what the rest of its document says alone."""
    rival_margin: float
    """Log-odds a rival is credited with when records compete for one claim: the best record
    links only if it beats every rival by about this much (a near tie is a coin flip)."""
    max_candidates: int
    """Rejected candidates reported per claim."""
    search_limit: int
    """Studies read per registry query."""


SCORING = Scoring(
    prior=-4.0,
    threshold=0.5,
    weights={
        "id": FeatureWeight(agreed=8.0, partly=0.0, disagreed=-3.0),
        "intervention": FeatureWeight(agreed=3.0, partly=0.8, disagreed=-2.0),
        "sponsor": FeatureWeight(agreed=2.5, partly=1.0, disagreed=-1.0),
        "condition": FeatureWeight(agreed=1.0, partly=0.4, disagreed=-2.5),
        "phase": FeatureWeight(agreed=1.0, partly=0.5, disagreed=-3.0),
        "design": FeatureWeight(agreed=0.5, partly=0.2, disagreed=-4.0),  # per term
        "enrollment": FeatureWeight(agreed=1.5, partly=0.5, disagreed=-2.5),
        "dates": FeatureWeight(agreed=1.2, partly=0.4, disagreed=-2.0),  # start; completion x0.5
        "country": FeatureWeight(agreed=0.7, partly=0.3, disagreed=-1.5),
        "site": FeatureWeight(agreed=1.5, partly=0.5, disagreed=0.0),
        "title": FeatureWeight(agreed=1.5, partly=0.4, disagreed=0.0),
        "enrollment_exact": FeatureWeight(agreed=0.5, partly=0.0, disagreed=0.0),  # bonus
        "site_conflict": FeatureWeight(agreed=0.0, partly=0.0, disagreed=-1.0),
        "source": FeatureWeight(agreed=1.0, partly=0.3, disagreed=-2.0),  # cell source
        "donor": FeatureWeight(agreed=0.2, partly=0.0, disagreed=-1.5),  # autologous/allogeneic
        "route": FeatureWeight(agreed=0.3, partly=0.1, disagreed=-1.0),
    },
    title_factor=0.8,
    context_single=0.9,
    context_multi=0.5,
    context_cap=2.5,
    rival_margin=1.0,
    max_candidates=3,
    search_limit=50,
)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# ------------------------------------------------------------------------------- reviewer links


@dataclass(frozen=True)
class ReviewerLinks:
    """Reviewer decisions from a ``--links`` CSV: (doc, claim_id) -> NCT IDs, empty for NONE."""

    links: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(doc as written in the file, claim_id) -> NCT IDs; an empty tuple means NONE."""
    path: str = ""
    """The file they came from."""

    def for_claim(self, doc: str, claim_id: str) -> tuple[str, ...] | None:
        """The reviewer's decision for this claim, or None when the file says nothing."""
        hit = self.links.get((doc, claim_id))
        if hit is not None:
            return hit
        want = _doc_key(doc)
        for (d, cid), ids in self.links.items():
            if cid == claim_id and (_doc_key(d) == want or Path(d).name == Path(doc).name):
                return ids
        return None


def _doc_key(doc: str) -> str:
    try:
        return str(Path(doc).resolve())
    except OSError:
        return doc


def load_links(path: str | Path) -> ReviewerLinks:
    """Read a reviewer CSV ``doc, claim_id, nct_id`` (``NONE`` for "no registered trial").

    A header row ``doc,claim_id,nct_id`` is optional; blank lines and lines starting with ``#``
    are skipped. Raises ValueError naming the file and line for a bad row.
    """
    path = Path(path)
    out: dict[tuple[str, str], list[str]] = {}
    none_for: set[tuple[str, str]] = set()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for lineno, row in enumerate(csv.reader(fh), start=1):
            cells = [c.strip() for c in row]
            if not cells or not any(cells) or cells[0].startswith("#"):
                continue
            if lineno == 1 and [c.lower() for c in cells[:3]] == ["doc", "claim_id", "nct_id"]:
                continue
            if len(cells) != 3 or not cells[0] or not cells[1] or not cells[2]:
                raise ValueError(
                    f"{path}:{lineno}: expected 3 columns doc, claim_id, nct_id (or NONE), "
                    f"got {row!r}"
                )
            doc, claim_id, value = cells
            key = (doc, claim_id)
            if value.upper() == "NONE":
                if out.get(key):
                    raise ValueError(f"{path}:{lineno}: NONE for {claim_id} after an NCT ID")
                none_for.add(key)
                out.setdefault(key, [])
                continue
            try:
                if not re.fullmatch(r"NCT\d{8}", value.strip(), re.IGNORECASE):
                    raise InvalidIdError(value)
                nct = normalize_nct_id(value)
            except InvalidIdError:
                raise ValueError(
                    f"{path}:{lineno}: {value!r} is neither an NCT ID nor NONE"
                ) from None
            if key in none_for:
                raise ValueError(f"{path}:{lineno}: NCT ID for {claim_id} after NONE")
            ids = out.setdefault(key, [])
            if nct not in ids:
                ids.append(nct)
    return ReviewerLinks({k: tuple(v) for k, v in out.items()}, str(path))


# ------------------------------------------------------------------------------- aliases


def _units(text: str) -> list[str]:
    """Whitespace-separated words with trademark signs removed ("NurOwn®" -> "NurOwn")."""
    return [u for u in re.split(r"\s+", re.sub(r"[®™©]", " ", text).strip()) if u]


def _unit_generic(unit: str) -> bool:
    toks = facts.tokens(unit)
    return all(t in facts.GENERIC_WORDS or t.isdigit() or t in _UNIT_WORDS for t in toks)


_UNIT_WORDS = frozenset(["ml", "mg", "kg", "g", "l", "x", "10", "cc"])


def _trim(fragment: str) -> str:
    units = _units(fragment.strip(" ,;:.-"))
    while units and _unit_generic(units[0]):
        units.pop(0)
    while units and _unit_generic(units[-1]):
        units.pop()
    return " ".join(units).strip(" ,;:.-")


def name_fragments(name: str) -> list[str]:
    """The names one registry string gives a product: "NurOwn® (MSC-NTF cells)" ->
    ["NurOwn", "MSC-NTF"]. Fragments made only of generic words are dropped."""
    text = re.sub(r"[®™©]", "", name)
    inner: list[str] = []
    depth_re = re.compile(r"[\(\[]([^\(\)\[\]]*)[\)\]]")
    while True:
        m = depth_re.search(text)
        if not m:
            break
        inner.extend(re.split(r"[,;]", m.group(1)))
        text = text[: m.start()] + " " + text[m.end() :]
    parts = [text, *inner]
    out: list[str] = []
    for p in parts:
        t = _trim(p)
        folded = facts.fold(t)
        if (
            len(folded.replace(" ", "")) >= 3
            and facts.is_specific(t)
            and len(_units(t)) <= 5
            and t not in out
        ):
            out.append(t)
    return out


_TITLE_PAIR = re.compile(r"([^\s\(\)\[\],;]+)\s*[\(\[]([^\(\)\[\]]{2,80})[\)\]]")


def _name_like(word: str) -> bool:
    w = re.sub(r"[®™©]", "", word)
    if len(facts.fold(w).replace(" ", "")) < 3 or _unit_generic(w):
        return False
    return bool(re.search(r"\d|-|[a-z][A-Z]|^[A-Z]{2,}", w) or word != w or len(w) >= 8)


class AliasBook:
    """Names the registry itself gives one product, learned from the records found.

    An intervention entry's name and other names are one product ("NurOwn® (MSC-NTF cells)");
    in a title, "X (Y)" ties X and Y when one of them is already a known name.
    """

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._display: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        """folded alias -> "NCT… 'registry string'" where it was learned."""

    def _find(self, k: str) -> str:
        while self._parent.get(k, k) != k:
            k = self._parent[k]
        return k

    def _add(self, name: str) -> str:
        k = facts.fold(name)
        self._parent.setdefault(k, k)
        self._display.setdefault(k, name)
        return k

    def union(self, a: str, b: str, source: str) -> None:
        ka, kb = self._add(a), self._add(b)
        ra, rb = self._find(ka), self._find(kb)
        if ra != rb:
            self._parent[rb] = ra
            self.sources.setdefault(kb, source)
            self.sources.setdefault(ka, source)

    def group(self, name: str) -> list[str]:
        """The name and every alias of it, display forms, the name first."""
        k = facts.fold(name)
        if k not in self._parent:
            return [name]
        root = self._find(k)
        out = [name] + [self._display[m] for m in self._parent if self._find(m) == root and m != k]
        return out

    def learn(self, study: Study, known: Iterable[str]) -> None:
        known_f = {facts.fold(k) for k in known}
        for iv in study.interventions:
            frags: list[str] = []
            for s in (iv.name, *iv.other_names):
                for f in name_fragments(s):
                    if facts.fold(f) not in {facts.fold(x) for x in frags}:
                        frags.append(f)
            src = f"{study.nct_id} intervention {iv.name!r}"
            for f in frags[1:]:
                self.union(frags[0], f, src)
        for title in facts.study_titles(study) + [a.label for a in study.arm_groups]:
            for m in _TITLE_PAIR.finditer(re.sub(r"[®™©]", "", title)):
                before, inside = m.group(1), m.group(2)
                inside_frags = name_fragments(inside)
                before_known = any(facts.name_in(before, k) for k in known_f) or any(
                    facts.fold(before) == g for g in self._known_closure(known_f)
                )
                if before_known:
                    for f in inside_frags:
                        self.union(before, f, f"{study.nct_id} title {title!r}")
                elif _name_like(before) and not _unit_generic(before):
                    closure = self._known_closure(known_f)
                    if any(facts.fold(f) in closure for f in inside_frags):
                        for f in inside_frags:
                            self.union(f, before, f"{study.nct_id} title {title!r}")

    def _known_closure(self, known_f: set[str]) -> set[str]:
        out = set(known_f)
        for k in known_f:
            if k in self._parent:
                root = self._find(k)
                out |= {m for m in self._parent if self._find(m) == root}
        return out


# ------------------------------------------------------------------------------- profiles


@dataclass
class _Profile:
    """What one claim says, plus what it inherits from its document."""

    claim: Claim
    names: list[str]
    names_ctx: bool
    sponsors: list[str]
    sponsors_ctx: bool
    conditions: list[str]
    conditions_ctx: bool
    ctx_factor: dict[str, float]
    text: str
    unknown_ids: frozenset[str] = frozenset()
    """Cited NCT IDs the registry does not know (a broken citation is no evidence against)."""
    sponsors_unmatched: bool = False
    """The claim's own sponsors match no sponsor or collaborator of any record found (a page
    header or a publisher read as the sponsor, or a company the registry does not list)."""
    own_text: str = ""
    """The claim's own sentences: its quote and the text of its evidence spans (no window)."""
    lent_names: frozenset[str] = frozenset()
    """Folded claimed product names that the claim's own sentences do not contain: the
    extractor lent them from a heading or another paragraph."""
    lent_sponsors: frozenset[str] = frozenset()
    """Claimed sponsors whose distinctive word the claim's own sentences do not contain."""
    borrowed_unmatched: bool = False
    """Every specific product name the claim borrowed (lent by the extractor or inherited from
    the document) matches no intervention or title of any record found: such a name cannot
    tell the records apart, and counts as no evidence."""
    borrowed_sponsors_unmatched: bool = False
    """Same for borrowed sponsors: none matches a sponsor or collaborator of a record found."""


def _distinct(values: Iterable[str], same: Any) -> list[str]:
    out: list[str] = []
    for v in values:
        if v and not any(same(v, o) for o in out):
            out.append(v)
    return out


def _evidence_text(doc: DocumentClaims, claim: Claim) -> str:
    text = doc.text or ""
    parts = [claim.quote]
    for s, e in claim.spans:
        if 0 <= s < e <= len(text):
            parts.append(text[max(0, s - 300) : min(len(text), e + 600)])
    return "\n".join(parts)


def _own_text(doc: DocumentClaims, claim: Claim) -> str:
    """The claim's own sentences: its quote and its evidence spans, without the window around
    them that ``_evidence_text`` adds."""
    text = doc.text or ""
    parts = [claim.quote]
    for s, e in claim.spans:
        if 0 <= s < e <= len(text):
            parts.append(text[s:e])
    return "\n".join(parts)


def _name_is_own(name: str, own: str) -> bool:
    return facts.name_in(own, name)


def _sponsor_is_own(sponsor: str, own: str) -> bool:
    key = _distinctive_word(sponsor)
    if not key:
        return True  # nothing distinctive to look for: cannot tell, keep it as the claim's
    return key in set(facts.tokens(own))


def _product_names(c: Claim) -> list[str]:
    """The claim's product names, less a disease mis-read as one ("ALS")."""
    return [
        n
        for n in c.names
        if not any(
            facts.fold(n) == facts.fold(cond) or facts.condition_coverage(n, [cond])[0] >= 1.0
            for cond in c.conditions
        )
    ]


def _profiles(
    doc: DocumentClaims, book: AliasBook | None = None, products: Sequence[str] = ()
) -> list[_Profile]:
    def same_name(a: str, b: str) -> bool:
        if facts.fold(a) == facts.fold(b):
            return True
        if book is not None:
            return facts.fold(b) in {facts.fold(x) for x in book.group(a)}
        return False

    def same_org(a: str, b: str) -> bool:
        return facts.org_similarity(a, b) >= facts.ORG_MATCH

    def same_cond(a: str, b: str) -> bool:
        return (
            facts.condition_coverage(a, [b])[0] >= 1.0 or facts.condition_coverage(b, [a])[0] >= 1.0
        )

    doc_names = _distinct(
        [*(n for c in doc.claims for n in _product_names(c) if facts.is_specific(n)), *products],
        same_name,
    )
    doc_sponsors = _distinct((s for c in doc.claims for s in c.sponsors), same_org)
    doc_conds = _distinct((x for c in doc.claims for x in c.conditions), same_cond)
    cfg = SCORING

    def factor(values: list[str]) -> float:
        return cfg.context_single if len(values) == 1 else cfg.context_multi

    out = []
    for c in doc.claims:
        own = _own_text(doc, c)
        own_names = _product_names(c)
        own_specific = [n for n in own_names if facts.is_specific(n)]
        names, names_ctx = (own_names, False) if own_specific else (doc_names + own_names, True)
        if not doc_names and not own_specific:
            names, names_ctx = own_names, False
        sponsors, sp_ctx = (list(c.sponsors), False) if c.sponsors else (doc_sponsors, True)
        conds, co_ctx = (list(c.conditions), False) if c.conditions else (doc_conds, True)
        out.append(
            _Profile(
                claim=c,
                names=names,
                names_ctx=names_ctx and bool(doc_names),
                sponsors=sponsors,
                sponsors_ctx=sp_ctx and bool(doc_sponsors),
                conditions=conds,
                conditions_ctx=co_ctx and bool(doc_conds),
                ctx_factor={
                    "intervention": factor(doc_names),
                    "sponsor": factor(doc_sponsors),
                    "condition": factor(doc_conds),
                },
                text=_evidence_text(doc, c),
                own_text=own,
                lent_names=frozenset(
                    facts.fold(n)
                    for n in own_names
                    if facts.is_specific(n) and not _name_is_own(n, own)
                ),
                lent_sponsors=frozenset(s for s in c.sponsors if not _sponsor_is_own(s, own)),
            )
        )
    return out


# ------------------------------------------------------------------------------- features


@dataclass(frozen=True)
class _Feature:
    reason: Reason
    contribution: float
    entity: str = ""
    """The registered organization or site an agreement rests on (one institution is one fact:
    named as sponsor and as site, it counts once)."""


def _feat(name: str, outcome: Outcome, detail: str, scale: float = 1.0, key: str = "") -> _Feature:
    w = SCORING.weights[key or name]
    base = {"agreed": w.agreed, "partly": w.partly, "disagreed": w.disagreed, "unknown": 0.0}
    contribution = base[outcome] * scale
    if outcome != "unknown":
        detail = f"{detail} [{contribution:+.2f}]"
    return _Feature(Reason(name, outcome, detail), contribution)


def _with_entity(entity: str, f: _Feature) -> _Feature:
    return _Feature(f.reason, f.contribution, entity)


def _unknown(name: str, detail: str) -> _Feature:
    return _Feature(Reason(name, "unknown", detail), 0.0)


def _ids_of(study: Study) -> set[str]:
    out = {study.nct_id, *study.aliases}
    out |= {facts.fold(s.id) for s in study.secondary_ids}
    if study.org_study_id:
        out.add(facts.fold(study.org_study_id))
    return out


def _f_id(p: _Profile, study: Study) -> _Feature:
    c = p.claim
    if not c.nct_ids and not c.other_ids:
        return _unknown("id", "the text cites no registry ID")
    ids = _ids_of(study)
    for n in c.nct_ids:
        if n in ids:
            return _feat("id", "agreed", f"the text cites {n}")
    for o in c.other_ids:
        if facts.fold(o) in ids:
            kind = next(
                (
                    s.type or "secondary ID"
                    for s in study.secondary_ids
                    if facts.fold(s.id) == facts.fold(o)
                ),
                "org study ID",
            )
            return _feat("id", "agreed", f"the text cites {o}, registered as {kind}")
    known = [n for n in c.nct_ids if n not in p.unknown_ids]
    if known:
        cited = ", ".join([*known, *c.other_ids])
        return _feat("id", "disagreed", f"the text cites {cited}; this record is another one")
    if c.other_ids and study.secondary_ids:
        listed = ", ".join(x.id for x in study.secondary_ids[:3])
        return _feat(
            "id", "disagreed", f"the text cites {', '.join(c.other_ids)}; the record lists {listed}"
        )
    missing = ", ".join([*c.nct_ids, *c.other_ids])
    return _unknown("id", f"the text cites {missing}, which the registry does not know here")


def _record_iv_strings(study: Study) -> list[str]:
    out: list[str] = []
    for iv in study.interventions:
        out.append(iv.name)
        out.extend(iv.other_names)
    for a in study.arm_groups:
        out.append(a.label)
        out.extend(a.intervention_names)
    return out


def _described_intervention(quote: str, study: Study) -> tuple[float, str] | None:
    """The registered intervention the claim's own sentence spells out word for word although
    it names no product ("adipose-derived mesenchymal stromal cells" for the registered
    "Autologous Adipose-derived Mesenchymal Stromal Cells"): (share of the name's word pairs
    the sentence has, the name), when the name has 3+ words and the share is at least 0.75."""
    best: tuple[float, str] | None = None
    for iv in study.interventions:
        for name in (iv.name, *iv.other_names):
            if len(facts.title_words(name)) < 3:
                continue
            share = facts.title_overlap(name, quote)
            if share >= 0.75 and (best is None or share > best[0]):
                best = (share, name)
    return best


def _record_products(study: Study) -> list[tuple[str, str]]:
    """(product name, where the record gives it) for one record: the name fragments of its
    interventions ("NurOwn", "MSC-NTF"), and the partner of such a name in an "X (Y)" pair
    of its titles ("Lenzumestrocel (Neuronata-R Inj.)" gives "Neuronata-R"). Titles may find
    and score a record, never testify: this is used only for scoring."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(name: str, where: str) -> None:
        k = facts.fold(name)
        if len(k.replace(" ", "")) >= 4 and k not in seen:
            seen.add(k)
            out.append((name, where))

    for iv in study.interventions:
        for s in (iv.name, *iv.other_names):
            for f in _fragments(s):
                add(f, f"intervention {iv.name!r}")
    known = {facts.fold(n) for n, _ in out}
    for title in facts.study_titles(study):
        for m in _TITLE_PAIR.finditer(re.sub(r"[®™©]", "", title)):
            before, inside = _fragments(m.group(1)), _fragments(m.group(2))
            if any(facts.fold(b) in known for b in before):
                for f in inside:
                    add(f, f"title {title!r}")
            elif any(facts.fold(f) in known for f in inside):
                for b in before:
                    add(b, f"title {title!r}")
    return out


@functools.lru_cache(maxsize=16384)
def _fragments(name: str) -> tuple[str, ...]:
    return tuple(name_fragments(name))


def _product_named_in(own: str, study: Study) -> tuple[str, str] | None:
    """The record's product name that the claim's own sentences say, with where the record
    gives it, or None."""
    for name, where in _record_products(study):
        if facts.name_in(own, name):
            return name, where
    return None


def _borrowed_names(p: _Profile) -> list[str]:
    """Specific product names the claim did not say itself: inherited from the document, or
    lent by the extractor from a heading or another paragraph."""
    specific = [n for n in p.names if facts.is_specific(n)]
    if p.names_ctx:
        return specific
    return [n for n in specific if facts.fold(n) in p.lent_names]


def _f_intervention(p: _Profile, study: Study, book: AliasBook) -> _Feature:
    specific = [n for n in p.names if facts.is_specific(n)]
    borrowed = _borrowed_names(p)
    has_own = len(borrowed) < len(specific)
    if not has_own:
        # the claim's own sentences are better evidence than a name it borrowed
        named = _product_named_in(p.own_text, study)
        if named:
            from_title = named[1].startswith("title")
            return _feat(
                "intervention",
                "agreed",
                f"the claim's own sentence names registered {named[0]!r} ({named[1]})"
                + (f"; the extracted name {borrowed[0]!r} is borrowed" if borrowed else ""),
                SCORING.title_factor if from_title else 1.0,
            )
    if not p.names:
        described = _described_intervention(p.own_text, study)
        if described:
            return _feat(
                "intervention",
                "partly",
                f"the claim's sentence describes registered {described[1]!r} "
                f"({described[0]:.0%} of its word pairs); no product name",
            )
        return _unknown("intervention", "the text names no product")
    scale = p.ctx_factor["intervention"] if p.names_ctx else 1.0
    ctx = (
        " (named elsewhere in the document)"
        if p.names_ctx
        else " (not in the claim's own sentences)"
        if not has_own and borrowed
        else ""
    )
    generic = [n for n in p.names if not facts.is_specific(n)]
    reg = _record_iv_strings(study)
    titles = facts.study_titles(study) + ([study.acronym] if study.acronym else [])
    for n in specific:
        for alias in book.group(n):
            for s in reg:
                if facts.name_in(s, alias):
                    via = (
                        ""
                        if facts.fold(alias) == facts.fold(n)
                        else (
                            f" via registry alias {alias!r} ({book.sources.get(facts.fold(alias), '')})"
                        )
                    )
                    return _feat(
                        "intervention",
                        "agreed",
                        f"claimed {n!r}{ctx} ~ registered {s!r}{via}",
                        scale,
                    )
    for n in specific:
        for alias in book.group(n):
            for t in titles:
                if facts.name_in(t, alias):
                    via = "" if facts.fold(alias) == facts.fold(n) else f" (alias {alias!r})"
                    return _feat(
                        "intervention",
                        "agreed",
                        f"claimed {n!r}{ctx} appears in the title{via}: {t!r}",
                        scale * SCORING.title_factor,
                    )
    if generic and reg:
        gtoks = {t for n in generic for t in facts.tokens(n)} - {"of", "and", "the"}
        rtoks = {t for s in reg for t in facts.tokens(s)}
        if gtoks and len(gtoks & rtoks) / len(gtoks) >= 0.5:
            return _feat(
                "intervention",
                "partly",
                f"generic {generic[0]!r} overlaps registered {reg[0]!r}",
                scale,
            )
    if not has_own and borrowed:
        described = _described_intervention(p.own_text, study)
        if described:
            return _feat(
                "intervention",
                "partly",
                f"the claim's sentence describes registered {described[1]!r} "
                f"({described[0]:.0%} of its word pairs); the name {borrowed[0]!r} is borrowed",
            )
        if p.borrowed_unmatched:
            return _unknown(
                "intervention",
                f"borrowed name {borrowed[0]!r}{ctx} matches no record found: no evidence",
            )
    if specific and reg:
        return _feat(
            "intervention",
            "disagreed",
            f"claimed {specific[0]!r}{ctx} (or its registry aliases) not among registered "
            f"{', '.join(repr(s) for s in reg[:3])}",
            scale,
        )
    if specific:
        return _unknown(
            "intervention",
            f"the record lists no interventions and its title does not name {specific[0]!r}",
        )
    return _unknown("intervention", "only generic names claimed")


def _record_orgs(study: Study) -> list[str]:
    orgs = list(study.sponsor_names)
    raw_org = (
        study.raw.get("protocolSection", {}).get("identificationModule", {}).get("organization", {})
        if isinstance(study.raw, Mapping)
        else {}
    )
    if isinstance(raw_org, Mapping) and isinstance(raw_org.get("fullName"), str):
        orgs.append(raw_org["fullName"])
    return orgs


def _org_named_in(quote: str, orgs: Sequence[str]) -> str | None:
    """The record's sponsor or collaborator whose distinctive word the claim's own sentence
    says ("Corestemchemon's lead asset ..." names "Corestemchemon, Inc."), or None."""
    words = set(facts.tokens(quote))
    for org in orgs:
        key = _distinctive_word(org)
        if key and key in words:
            return org
    return None


def _leads(study: Study, org: str) -> bool | None:
    """Whether an organization the record lists leads the trial: True when it matches the lead
    sponsor (or the record's organization), False when it is only a collaborator of a trial
    another organization leads, None when the record names no lead."""
    collaborators = {facts.fold(c.name) for c in study.collaborators}
    leads = [o for o in _record_orgs(study) if facts.fold(o) not in collaborators]
    if not leads:
        return None
    return any(facts.org_similarity(org, o) >= facts.ORG_MATCH for o in leads)


def _sentence_sponsor(study: Study, named: str, note: str) -> _Feature:
    """A registered organization the claim's sentence names without the extractor taking it as
    the sponsor: the lead sponsor agrees; a collaborator only partly (a hospital that hosts
    a company's trial is named in the sentences of many trials it does not run)."""
    lead = _leads(study, named) is not False
    role = "lead sponsor" if lead else "collaborator"
    return _with_entity(
        named,
        _feat(
            "sponsor",
            "agreed" if lead else "partly",
            f"the claim's sentence names {role} {named!r}{note}",
        ),
    )


def _f_sponsor(p: _Profile, study: Study) -> _Feature:
    orgs = _record_orgs(study)
    named = _org_named_in(p.claim.quote, orgs) if orgs else None
    if not p.sponsors:
        if named:
            return _sentence_sponsor(study, named, "")
        return _unknown("sponsor", "the text names no sponsor or company")
    scale = p.ctx_factor["sponsor"] if p.sponsors_ctx else 1.0
    ctx = " (named elsewhere in the document)" if p.sponsors_ctx else ""
    if not orgs:
        return _unknown("sponsor", "the record names no sponsor or collaborator")
    c, r, s = facts.best_org_match(p.sponsors, orgs)
    borrowed = p.sponsors_ctx or all(sp in p.lent_sponsors for sp in p.sponsors)
    if s < facts.ORG_MATCH and not named and borrowed and p.borrowed_sponsors_unmatched:
        return _unknown(
            "sponsor",
            f"borrowed sponsor {p.sponsors[0]!r} matches no sponsor of any record found: "
            "no evidence",
        )
    if s < facts.ORG_MATCH and named:
        return _sentence_sponsor(
            study,
            named,
            f" (claimed sponsor {p.sponsors[0]!r}{ctx} matches no registered organization)",
        )
    if s >= facts.ORG_MATCH:
        lead = _leads(study, r)
        role = "lead sponsor" if lead else "collaborator"
        # "Hadassah's trial" against a company's trial that Hadassah only collaborates on
        outcome: Outcome = "partly" if lead is False else "agreed"
        other = (
            f" of a trial {study.lead_sponsor.name!r} leads"
            if lead is False and study.lead_sponsor
            else ""
        )
        return _with_entity(
            r,
            _feat("sponsor", outcome, f"claimed {c!r}{ctx} ~ {role} {r!r}{other} ({s:.0f})", scale),
        )
    return _feat(
        "sponsor",
        "disagreed",
        f"claimed {p.sponsors[0]!r}{ctx}; registered {', '.join(orgs[:3])}",
        scale,
    )


def _f_condition(p: _Profile, study: Study) -> _Feature:
    if not p.conditions:
        return _unknown("condition", "the text names no condition")
    scale = p.ctx_factor["condition"] if p.conditions_ctx else 1.0
    ctx = " (named elsewhere in the document)" if p.conditions_ctx else ""
    reg = list(study.conditions) + list(study.keywords)
    best = max((facts.condition_coverage(c, reg) + (c,) for c in p.conditions), key=lambda x: x[0])
    cov, which, claimed = best
    if reg:
        if cov >= 0.99:
            return _feat(
                "condition", "agreed", f"claimed {claimed!r}{ctx} ~ registered {which!r}", scale
            )
        if cov >= 0.5:
            return _feat(
                "condition", "partly", f"claimed {claimed!r}{ctx} ~ registered {which!r}", scale
            )
        return _feat(
            "condition",
            "disagreed",
            f"claimed {claimed!r}{ctx}; registered {', '.join(reg[:3])}",
            scale,
        )
    titles = facts.study_titles(study)
    tcov = max(
        (facts.condition_coverage(c, titles) + (c,) for c in p.conditions), key=lambda x: x[0]
    )
    if tcov[0] >= 0.99:
        return _feat(
            "condition",
            "agreed",
            f"claimed {tcov[2]!r}{ctx} appears in the title",
            scale * SCORING.title_factor,
        )
    return _unknown("condition", "the record lists no conditions")


def _f_phase(p: _Profile, study: Study) -> _Feature:
    claimed = p.claim.phases
    if not claimed:
        return _unknown("phase", "the text states no phase")
    c = "+".join(claimed)
    if study.phases:
        outcome = facts.compare_phases(claimed, study.phases)
        return _feat("phase", outcome, f"claimed {c}; registered {'+'.join(study.phases)}")
    title_phases = next(
        (facts.phases_in_text(t) for t in facts.study_titles(study) if facts.phases_in_text(t)), ()
    )
    if title_phases:
        outcome = facts.compare_phases(claimed, title_phases)
        return _feat(
            "phase",
            outcome,
            f"claimed {c}; the title says {'+'.join(title_phases)}",
            SCORING.title_factor,
        )
    return _unknown("phase", "the record states no phase")


def claimed_design_terms(claim: Claim) -> tuple[str, ...]:
    """The claim's design terms, plus placebo-controlled when an arm is a placebo or sham."""
    terms = list(claim.design)
    if "placebo-controlled" not in terms and any(
        re.search(r"placebo|sham", a.label or "", re.IGNORECASE) for a in claim.arms
    ):
        terms.append("placebo-controlled")
    return tuple(terms)


def _f_design(p: _Profile, study: Study) -> _Feature:
    """Per design term: each agreement adds a little (at most two count), each conflict takes
    a lot: a randomized double-blind trial is not an open-label single-arm one."""
    terms = claimed_design_terms(p.claim)
    if not terms:
        return _unknown("design", "the text states no design")
    title_terms: set[str] = set()
    for t in facts.study_titles(study):
        title_terms |= facts.design_terms_in_text(t)
    w = SCORING.weights["design"]
    total, agree, dis, part, details = 0.0, 0, 0, 0, []
    for term in terms:
        r = facts.design_term_outcome(term, study)
        scale = 1.0
        if r:
            outcome, detail = r[0], f"{term}: {r[1]}"
        else:
            o = facts.design_title_outcome(term, title_terms)
            if not o:
                continue
            scale = SCORING.title_factor
            outcome = o
            detail = f"{term}: the title {'says so' if o == 'agreed' else 'says otherwise'}"
        details.append(detail)
        if outcome == "agreed":
            agree += 1
            if agree <= 2:
                total += w.agreed * scale
        elif outcome == "partly":
            part += 1
            total += w.partly * scale
        else:
            dis += 1
            if dis <= 3:
                total += w.disagreed * scale
    if not details:
        return _unknown("design", f"claimed {', '.join(terms)}; the record states no design")
    outcome: Outcome = (
        "agreed"
        if agree and not dis and not part
        else "disagreed"
        if dis and not agree
        else "partly"
    )
    return _Feature(Reason("design", outcome, f"{'; '.join(details)} [{total:+.2f}]"), total)


def _claimed_enrollment(claim: Claim) -> int | None:
    if claim.enrollment is not None:
        return claim.enrollment
    ns = [a.n for a in claim.arms if a.n is not None]
    return sum(ns) if ns and len(ns) == len(claim.arms) else None


def _f_enrollment(p: _Profile, study: Study) -> _Feature:
    n = _claimed_enrollment(p.claim)
    if n is None:
        return _unknown("enrollment", "the text states no participant number")
    if study.enrollment is None:
        return _unknown("enrollment", f"claimed {n}; the record states no enrollment")
    k = max(p.claim.trial_count, 1)
    outcome, strength = facts.enrollment_outcome(n, study.enrollment, k)
    each = f" for {k} trials together" if k > 1 else ""
    detail = f"claimed {n}{each}; registered {study.enrollment}" + (
        f" ({study.enrollment_type})" if study.enrollment_type else ""
    )
    arms = [a for a in p.claim.arms if a.n is not None]
    if arms and study.arm_groups:
        detail += f"; {len(p.claim.arms)} arms claimed, {len(study.arm_groups)} registered"
    scale = 1.0 if outcome != "disagreed" else strength
    f = _feat("enrollment", outcome, detail, scale)
    if n == study.enrollment and k == 1:
        # the very number, not one within 15 %: far less likely by chance
        bonus = SCORING.weights["enrollment_exact"].agreed
        return _Feature(
            Reason("enrollment", "agreed", f.reason.detail + f" exact [{bonus:+.2f}]"),
            f.contribution + bonus,
        )
    return f


def _f_dates(p: _Profile, study: Study) -> _Feature:
    """Claimed dates against registered ones, each at its own precision. A start date is a
    firm fact; a completion date is a plan that often slips, so it weighs less either way."""
    dates = p.claim.dates
    if not dates:
        return _unknown("dates", "the text states no dates")
    w = SCORING.weights["dates"]
    parts: list[tuple[str, float, str]] = []  # (outcome, contribution, detail)
    st = facts.claimed_start(dates)
    reg_start = facts.registered_interval(study.start_date)
    comp = facts.completion_of(study)
    reg_comp = facts.registered_interval(comp)
    if st and reg_start:
        ci = facts.claimed_interval(st.start, st.start if st.role == "period" else st.end)
        if ci:
            v = facts.date_verdict(ci, reg_start)
            value = {"agreed": w.agreed, "partly": w.partly, "disagreed": w.disagreed}[v]
            parts.append((v, value, f"start {ci.text} vs registered {reg_start.text}"))
    cp = facts.claimed_completion(dates)
    if cp and reg_comp:
        end = cp.end or cp.start
        ci = facts.claimed_interval(end if cp.role == "period" else cp.start, end)
        if ci:
            g = facts.gap_days(ci, reg_comp)
            v, value = (
                ("agreed", w.agreed * 0.5)
                if g == 0
                else ("partly", w.partly * 0.5)
                if g <= 366
                else ("disagreed", w.disagreed * 0.5)
            )
            parts.append((v, value, f"completion {ci.text} vs registered {reg_comp.text}"))
    rs = facts.claimed_results(dates)
    if rs:
        ri = facts.claimed_interval(rs.start, rs.end)
        if ri and reg_start and reg_start.first > ri.last:
            parts.append(
                (
                    "disagreed",
                    w.disagreed,
                    f"results claimed {ri.text}, but the registered start is {reg_start.text}",
                )
            )
        elif ri and reg_comp:
            g = facts.gap_days(ri, reg_comp)
            if g <= 400:
                parts.append(
                    (
                        "agreed",
                        w.agreed * 0.5,
                        f"results claimed {ri.text}; registered completion {reg_comp.text}",
                    )
                )
            elif reg_comp.first > ri.last:
                parts.append(
                    (
                        "disagreed",
                        w.disagreed * 0.5,
                        f"results claimed {ri.text}; registered completion {reg_comp.text}",
                    )
                )
    if not parts:
        return _unknown("dates", "no claimed date has a registered counterpart")
    total = sum(v for _, v, _ in parts)
    kinds = {o for o, _, _ in parts}
    outcome: Outcome = (
        "agreed"
        if kinds == {"agreed"}
        else "disagreed"
        if "disagreed" in kinds and total < 0
        else "partly"
    )
    detail = "; ".join(d for _, _, d in parts)
    return _Feature(Reason("dates", outcome, f"{detail} [{total:+.2f}]"), total)


# ------------------------------------------------------------------------------- cells
# What a sentence says of a cell product without naming it: where the cells come from, whose
# they are, and how they are given. Vocabulary of the field, not a product list. Patterns run
# on folded text (lower case, punctuation as spaces); the abbreviations IT/IV/IM only in the
# original upper case ("MSC-NTF cells transplantation (IT)"), never the pronoun "it".

_CELL_TERMS: dict[str, dict[str, str]] = {
    "source": {
        "adipose": r"\badipose\b|\bfat (?:tissue|cells?|derived|stem|stromal|graft\w*|from|taken|harvested)\b"
        r"|\b(?:belly|abdominal|own|their|your|his|her|patient s) fat\b|\blipoaspirat\w*|\bliposuction\b"
        r"|\bstromal vascular fraction\b|\bad mscs?\b|\badscs?\b|\badmscs?\b",
        "bone marrow": r"\bbone marrow\b|\bmarrow\b|\bbm mscs?\b|\bbmscs?\b|\bbmmscs?\b",
        "umbilical cord": r"\bumbilical\b|\bwharton s jelly\b|\bwharton\b|\bcord blood\b"
        r"|\buc mscs?\b|\bucmscs?\b",
        "placenta": r"\bplacent\w*|\bamnio\w*|\bamnion\w*",
        "neural": r"\bneural (?:stem|progenitor|precursor)\b|\bneuronal progenitor\b",
        "dental pulp": r"\bdental pulp\b",
    },
    "donor": {
        "autologous": r"\bautologous\b|\bself derived\b|\b(?:patient s|patients|their|his|her"
        r"|your|the patient s) own (?:\w+ ){0,3}?(?:cells?|stem|tissue|fat|marrow|blood)\b",
        "allogeneic": r"\ballogen\w*|\bdonor\b|\bdonated\b|\boff the shelf\b",
    },
    "route": {
        "intrathecal": r"\bintrathec\w*|\bintrathech\w*|\blumbar puncture\b|\bspinal tap\b"
        r"|\bcerebrospinal fluid\b|\bspinal fluid\b|\bcsf\b",
        "intravenous": r"\bintravenous\w*|\bi v\b|\binto (?:a|the) vein\b",
        "intramuscular": r"\bintramuscular\w*|\binto (?:the )?muscles?\b|\bi m\b",
        "intraspinal": r"\bintraspinal\w*|\binto the (?:\w+ ){0,3}?spinal cord\b",
    },
}
_CELL_ABBREV = {
    "IT": ("route", "intrathecal"),
    "IV": ("route", "intravenous"),
    "IM": ("route", "intramuscular"),
}
_CELL_RE = {
    kind: {term: re.compile(pat) for term, pat in terms.items()}
    for kind, terms in _CELL_TERMS.items()
}
#: the word each term is searched by (its own name; "bone marrow" as a phrase)
_CELL_QUERY = {
    "adipose": "adipose",
    "bone marrow": '"bone marrow"',
    "umbilical cord": "umbilical",
    "intrathecal": "intrathecal",
}


_NUMERAL_BEFORE = re.compile(
    r"\b(?:phase|stage|grade|type|class|part|cohort|level|step|group|study|trial|arm)[\s/-]*$",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|no|without|rather than|instead of|unlike|than)\b(?:\s+\w+){0,3}\s*$"
)


def cell_terms(text: str) -> dict[str, set[str]]:
    """kind (source, donor, route) -> the terms a text states: "fat tissue from your belly, put
    back through a lumbar puncture" -> {"source": {"adipose"}, "route": {"intrathecal"}}."""
    return {kind: set(terms) for kind, terms in _cell_terms(text)}


@functools.lru_cache(maxsize=16384)
def _cell_terms(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    folded = facts.fold(text)
    out: dict[str, set[str]] = {}
    for kind, terms in _CELL_RE.items():
        for term, rx in terms.items():
            for m in rx.finditer(folded):
                # "into muscle and not adipose tissue", "unlike bone marrow cells"
                if not _NEGATION.search(folded[max(0, m.start() - 30) : m.start()]):
                    out.setdefault(kind, set()).add(term)
                    break
    for m in re.finditer(r"(?<![A-Za-z])(IT|IV|IM)(?![A-Za-z])", text):
        if _NUMERAL_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
            continue  # "Phase IV", "stage IV", "type IV": a Roman numeral
        kind, term = _CELL_ABBREV[m.group(1)]
        out.setdefault(kind, set()).add(term)
    return tuple((k, frozenset(v)) for k, v in out.items())


def _cell_query_words(own: str) -> list[str]:
    terms = cell_terms(own)
    found = [*sorted(terms.get("source", ())), *sorted(terms.get("route", ()))]
    return [_CELL_QUERY[t] for t in found if t in _CELL_QUERY][:2]


def _record_cell_texts(study: Study) -> list[str]:
    out: list[str] = []
    for iv in study.interventions:
        out += [iv.name, *iv.other_names, iv.description or ""]
    for a in study.arm_groups:
        out += [a.label, a.description or "", *a.intervention_names]
    return [x for x in out if x]


def _f_cells(p: _Profile, study: Study) -> _Feature:
    """Cell source, donor and route the claim's own sentences state, against the record's
    interventions and arms (their descriptions included), or its titles at ``title_factor``
    where those say nothing of that kind. Descriptions and titles score; they never testify."""
    claimed = cell_terms(p.own_text)
    if p.claim.quote and not claimed:
        return _unknown("cells", "the sentence says nothing of cell source, donor or route")
    structured = cell_terms("\n".join(_record_cell_texts(study)))
    titled = cell_terms("\n".join(facts.study_titles(study)))
    total, details, kinds = 0.0, [], []
    for kind, terms in sorted(claimed.items()):
        reg, scale, where = structured.get(kind), 1.0, "registered"
        if not reg:
            reg, scale, where = titled.get(kind), SCORING.title_factor, "the title says"
        if not reg:
            continue
        w = SCORING.weights[kind]
        if terms == reg or (kind != "route" and terms <= reg):
            outcome, value = "agreed", w.agreed
        elif terms & reg:
            outcome, value = "partly", w.partly
        else:
            outcome, value = "disagreed", w.disagreed
        total += value * scale
        kinds.append(outcome)
        details.append(
            f"{kind} {'+'.join(sorted(terms))}; {where} {'+'.join(sorted(reg))} "
            f"[{value * scale:+.2f}]"
        )
    if not details:
        return _unknown("cells", f"claimed {', '.join(sorted(claimed))}; the record says nothing")
    outcome: Outcome = (
        "agreed"
        if set(kinds) == {"agreed"}
        else "disagreed"
        if "disagreed" in kinds and total < 0
        else "partly"
    )
    return _Feature(Reason("cells", outcome, "; ".join(details)), total)


def _record_places(study: Study) -> list[str]:
    out = [loc.facility for loc in study.locations if loc.facility]
    out += _record_orgs(study)
    raw = study.raw if isinstance(study.raw, Mapping) else {}
    for off in (
        raw.get("protocolSection", {})
        .get("contactsLocationsModule", {})
        .get("overallOfficials", [])
        or []
    ):
        if isinstance(off, Mapping) and isinstance(off.get("affiliation"), str):
            out.append(off["affiliation"])
    return out


#: words of hospital names in other languages that, like ``facts.INSTITUTION_WORDS``, carry no
#: identity ("Azienda Ospedaliera Santa Maria" is identified by "Santa Maria")
_SITE_WORDS = facts._words(
    """
    azienda ospedaliera ospedaliero ospedale universitaria universitario policlinico presidio
    hopital hopitaux hospitalier hospitaliere chu krankenhaus klinikum universitatsklinikum
    klinik hospitalario hospitalar centro instituto istituto nacional nazionale medizinische
    szpital kliniczny uniwersytecki fakultni nemocnice organisation organization medical
    """
)


def _facility_core(facility: str) -> str:
    """The identity words of a registered facility, in order ("santa maria")."""
    words = [
        t
        for t in facts.tokens(facility)
        if t not in facts.INSTITUTION_WORDS and t not in facts.LEGAL_WORDS and t not in _SITE_WORDS
    ]
    return " ".join(words)


def _site_named_in(own: str, study: Study) -> tuple[str, str] | None:
    """(registered facility, how) when the claim's own sentences name one of the record's
    sites by the identity words of its name: "the Santa Maria hospital in Terni" names
    "Azienda Ospedaliera Santa Maria". A one-word core must have 5 letters or more."""
    for loc in study.locations:
        if not loc.facility:
            continue
        core = _facility_core(loc.facility)
        if not core or (" " not in core and len(core) < 5):
            continue
        if facts.contains_phrase(own, core):
            return loc.facility, f"the sentence says {core!r}"
    return None


def _f_country(p: _Profile, study: Study) -> list[_Feature]:
    c = p.claim
    out: list[_Feature] = []
    places = _record_places(study)
    site_hit = False
    if c.sites:
        claimed, reg, s = facts.best_org_match(c.sites, places)
        if s >= facts.ORG_MATCH:
            site_hit = True
            out.append(
                _with_entity(
                    reg,
                    _feat(
                        "country", "agreed", f"site {claimed!r} ~ registered {reg!r}", key="site"
                    ),
                )
            )
    if not site_hit:
        named = _site_named_in(p.own_text, study)
        if named:
            site_hit = True
            out.append(
                _with_entity(
                    named[0],
                    _feat(
                        "country",
                        "agreed",
                        f"registered site {named[0]!r}: {named[1]}",
                        key="site",
                    ),
                )
            )
    own_sites = [
        x
        for x in c.sites
        if _facility_core(x) and facts.contains_phrase(p.own_text, _facility_core(x))
    ]
    facilities = [loc.facility for loc in study.locations if loc.facility]
    if own_sites and facilities and not site_hit:
        out.append(
            _feat(
                "country",
                "disagreed",
                f"claimed site {own_sites[0]!r}; registered sites {', '.join(facilities[:3])}",
                key="site_conflict",
            )
        )
    if c.countries:
        reg_c = study.countries
        if reg_c:
            ck = {facts.country_key(x) for x in c.countries}
            rk = {facts.country_key(x) for x in reg_c}
            outcome: Outcome = "agreed" if ck <= rk else ("partly" if ck & rk else "disagreed")
            out.append(
                _feat(
                    "country",
                    outcome,
                    f"claimed {', '.join(c.countries)}; registered {', '.join(reg_c[:5])}",
                )
            )
        elif not out:
            out.append(
                _unknown(
                    "country", f"claimed {', '.join(c.countries)}; the record lists no country"
                )
            )
    if not out:
        out.append(_unknown("country", "no country or site to compare"))
    return out


def _f_title(p: _Profile, study: Study) -> _Feature:
    titles = facts.study_titles(study)
    if not titles:
        return _unknown("title", "the record has no title")
    if study.acronym and len(study.acronym) >= 4 and facts.contains_phrase(p.text, study.acronym):
        return _feat("title", "agreed", f"the text names the acronym {study.acronym!r}")
    best = max((facts.title_overlap(t, p.text), t) for t in titles)
    if best[0] >= 0.8:
        return _feat("title", "agreed", f"the text quotes the title ({best[0]:.0%}): {best[1]!r}")
    if best[0] >= 0.6:
        return _feat("title", "partly", f"the text shares {best[0]:.0%} of the title's word pairs")
    return _unknown("title", f"title overlap {best[0]:.0%}")


def _score(
    p: _Profile, study: Study, book: AliasBook, *, with_id: bool = True
) -> tuple[Match, float]:
    """(match with the capped score, the score without the context cap)."""
    feats: list[_Feature] = []
    if with_id:
        feats.append(_f_id(p, study))
    feats += [
        _f_intervention(p, study, book),
        _f_sponsor(p, study),
        _f_condition(p, study),
        _f_phase(p, study),
        _f_design(p, study),
        _f_enrollment(p, study),
        _f_dates(p, study),
        *_f_country(p, study),
        _f_cells(p, study),
        _f_title(p, study),
    ]
    # one institution is one fact: named as the sponsor and as a site, it counts once (the
    # larger of the two)
    sp = feats[2 if with_id else 1]
    for i, f in enumerate(feats):
        if (
            f.entity
            and sp.entity
            and f is not sp
            and f.reason.feature == "country"
            and f.contribution > 0
            and facts.org_similarity(f.entity, sp.entity) >= facts.ORG_MATCH
        ):
            lesser = min((i, f), (feats.index(sp), sp), key=lambda x: x[1].contribution)
            feats[lesser[0]] = _Feature(
                Reason(
                    lesser[1].reason.feature,
                    "unknown",
                    f"{lesser[1].reason.detail}: the same institution as "
                    f"{(sp if lesser[1] is f else f).reason.detail!r}, counted once",
                ),
                0.0,
            )
            sp = feats[2 if with_id else 1]
    by_name = {f.reason.feature: f for f in feats}
    sponsor = by_name["sponsor"]
    if (
        p.sponsors_unmatched
        and sponsor.reason.outcome == "disagreed"
        and by_name["intervention"].reason.outcome == "agreed"
        and not p.names_ctx
        and "agreed" in (by_name["phase"].reason.outcome, by_name["enrollment"].reason.outcome)
    ):
        # a sponsor no record found lists cannot tell the records apart; beside an agreeing
        # product and phase or size it is more likely a misread than a different trial
        feats[feats.index(sponsor)] = _unknown(
            "sponsor",
            f"claimed {p.sponsors[0]!r} matches no sponsor of any record found; not counted "
            "beside an agreeing product",
        )
    inherited = {
        "intervention": p.names_ctx,
        "sponsor": p.sponsors_ctx,
        "condition": p.conditions_ctx,
    }
    ctx_gain = sum(
        f.contribution for f in feats if inherited.get(f.reason.feature) and f.contribution > 0
    )
    own = sum(f.contribution for f in feats) - ctx_gain
    reasons = [f.reason for f in feats]
    capped = min(ctx_gain, SCORING.context_cap)
    if capped < ctx_gain:
        reasons.append(
            Reason(
                "context",
                "partly",
                f"evidence inherited from the rest of the document counts at most "
                f"{SCORING.context_cap:+.2f} (of {ctx_gain:+.2f}): the claim must add its own",
            )
        )
    score = logistic(SCORING.prior + own + capped)
    uncapped = logistic(SCORING.prior + own + ctx_gain)
    return Match(study.nct_id, score, tuple(reasons)), uncapped


def score_claim(p: _Profile, study: Study, book: AliasBook, *, with_id: bool = True) -> Match:
    """The claim's link score to one record, with its reasons."""
    return _score(p, study, book, with_id=with_id)[0]


# ------------------------------------------------------------------------------- search


class _Searcher:
    """Runs each distinct query once per document and remembers every study seen."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.results: dict[Query, list[str]] = {}
        self.studies: dict[str, Study] = {}

    def search(self, q: Query) -> list[str]:
        if q in self.results:
            return self.results[q]
        # a source that can list the IDs first (the offline snapshot) reads only the records
        # this document has not met yet: many queries of one document find the same records
        search_ids = getattr(self.registry, "search_ids", None)
        try:
            if callable(search_ids):
                listed = list(search_ids(q))
                new = [i for i in listed if i not in self.studies]
                found = list(self.registry.get(new)) if new else []
            else:
                listed = []
                found = list(self.registry.search(q))
        except (BadRequestError, NotFoundError):
            listed, found = [], []
        for s in found:
            self.studies.setdefault(s.nct_id, s)
        ids = [s.nct_id for s in found] if not listed else [i for i in listed if i in self.studies]
        self.results[q] = ids
        return ids

    def get(self, nct_ids: Sequence[str]) -> list[str]:
        valid = []
        for i in nct_ids:
            try:
                valid.append(normalize_nct_id(i))
            except InvalidIdError:
                continue  # not an NCT ID: nothing to fetch
        nct_ids = valid
        want = [i for i in dict.fromkeys(nct_ids) if i not in self.studies]
        if want:
            for s in self.registry.get(want):
                self.studies.setdefault(s.nct_id, s)
                for a in s.aliases:
                    self.studies.setdefault(a, s)
        return [self.studies[i].nct_id for i in nct_ids if i in self.studies]


def _site_core(site: str) -> str:
    """The identity words of a site ("hadassah"); empty for "Medical Center" alone."""
    words = [t for t in facts.tokens(site) if t not in facts.INSTITUTION_WORDS]
    words = [t for t in words if t not in facts.LEGAL_WORDS]
    return _essie(" ".join(words))


def _sponsor_core(sponsor: str) -> str:
    words = [
        u for u in _units(re.sub(r"[.,]", " ", sponsor)) if facts.fold(u) not in facts.LEGAL_WORDS
    ]
    return " ".join(words) or sponsor


def _distinctive_word(org: str) -> str | None:
    """The longest word of an organization's name that is neither a legal form nor an
    institution word nor generic vocabulary ("Brainstorm" in "BrainStorm Cell Therapeutics")."""
    words = [
        w
        for w in facts.org_core(org)
        if w not in facts.GENERIC_WORDS and w not in _COMPANY_WORDS and len(w) >= 5
    ]
    return max(words, key=len) if words else None


#: words many company names share; never the one word a sponsor is searched by
_COMPANY_WORDS = facts._words(
    """
    therapeutics pharmaceuticals pharmaceutical pharma biotech biotechnology biosciences
    bioscience biologics biopharma sciences technologies technology laboratories labs
    international global medical health healthcare research regenerative
    """
)


def _essie(text: str, *, phrase: bool = False) -> str:
    """A claim's words as a safe search expression: no operator characters, no AND/OR/NOT
    keywords; a hyphenated code name ("MSC-NTF") searched as a phrase."""
    clean = re.sub(r"[\"()\[\]{}:^~*?\\®™©]", " ", text)
    words = [w.lower() if w in ("AND", "OR", "NOT") else w for w in clean.split()]
    out = " ".join(words)
    if phrase and len(words) == 1 and "-" in out:
        return f'"{out}"'
    return out


def _cites(claim: Claim, study: Study) -> bool:
    ids = _ids_of(study)
    return any(n in ids for n in claim.nct_ids) or any(
        facts.fold(o) in ids for o in claim.other_ids
    )


_KEY_FEATURES = ("intervention", "sponsor", "condition", "phase")


def _key_conflicts(m: Match) -> list[Reason]:
    return [r for r in m.reasons if r.outcome == "disagreed" and r.feature in _KEY_FEATURES]


def _query_condition(p: _Profile, text: str = "") -> str | None:
    """The fullest spelling of the claim's condition ("Spinal muscular atrophy" over "SMA"):
    an abbreviation may not be indexed the way the record spells the condition. An
    abbreviation is spelled out from the document itself when it says what it stands for."""
    if not p.conditions:
        return None
    best = max(p.conditions, key=lambda c: (len(facts.tokens(c)), len(c)))
    if len(facts.tokens(best)) == 1 and text:
        return facts.expand_abbreviation(best, text) or best
    return best


def _gather(
    profiles: list[_Profile],
    searcher: _Searcher,
    book: AliasBook,
    text: str = "",
    products: list[str] | None = None,
) -> dict[str, list[str]]:
    """Candidate queries per claim; returns claim_id -> query descriptions. ``products`` receives
    the sponsors' registered product names that the document text uses."""
    products = products if products is not None else []
    limit = SCORING.search_limit
    made: dict[str, list[str]] = {p.claim.claim_id: [] for p in profiles}

    def run(p: _Profile, q: Query) -> list[str]:
        found = searcher.search(q)
        d = q.describe()
        if d not in made[p.claim.claim_id]:
            made[p.claim.claim_id].append(d)
        return found

    # 1. IDs: NCT IDs in one batched get, other IDs (EudraCT, ...) through the id search area
    cited = [n for p in profiles for n in p.claim.nct_ids]
    if cited:
        searcher.get(cited)
        for p in profiles:
            for n in p.claim.nct_ids:
                made[p.claim.claim_id].append(f'get "{n}"')
    by_other: dict[str, list[str]] = {}
    for p in profiles:
        for o in p.claim.other_ids:
            by_other[p.claim.claim_id] = by_other.get(p.claim.claim_id, []) + run(
                p, Query(id=_essie(o), limit=10)
            )
    # a claim whose cited record is found and fits what the text says needs no more searching;
    # one that does not fit is searched for what the text really describes
    settled: set[str] = set()
    for p in profiles:
        ids = [i for i in p.claim.nct_ids if i in searcher.studies] + [
            i for i in by_other.get(p.claim.claim_id, []) if _cites(p.claim, searcher.studies[i])
        ]
        if not ids:
            continue
        for i in ids:
            book.learn(searcher.studies[i], p.names)
        if all(not _key_conflicts(_content_fit(p, searcher.studies[i], book)) for i in ids):
            settled.add(p.claim.claim_id)
    profiles = [p for p in profiles if p.claim.claim_id not in settled]
    # 2. product names, then the aliases the registry gives them. A claim is anchored when a
    #    name or sponsor of its own sentences finds a record; names the extractor lent it from
    #    elsewhere, or that the registry does not know, anchor nothing
    anchored_by: set[str] = set()
    for p in profiles:
        for n in p.names:
            if facts.is_specific(n):
                hit = run(p, Query(term=_essie(n, phrase=True), limit=limit))
                if hit and not p.names_ctx and facts.fold(n) not in p.lent_names:
                    anchored_by.add(p.claim.claim_id)
    all_names = {n for p in profiles for n in p.names if facts.is_specific(n)}
    for s in list(searcher.studies.values()):
        book.learn(s, all_names)
    queried = {facts.fold(n) for n in all_names}
    for p in profiles:
        extra = 0
        for n in [n for n in p.names if facts.is_specific(n)]:
            for alias in book.group(n):
                fa = facts.fold(alias)
                if fa in queried or len(_units(alias)) > 3 or extra >= 3:
                    continue
                queried.add(fa)
                extra += 1
                run(p, Query(term=_essie(alias, phrase=True), limit=limit))
    for s in list(searcher.studies.values()):
        book.learn(s, all_names)
    # 3. sponsors and sites: alone first (a condition abbreviation may be spelled otherwise in
    #    the record); narrowed by the condition only when the answer fills the page
    for p in profiles:
        cond = _query_condition(p, text)
        cond = _essie(cond) if cond else None
        for sp in p.sponsors[:2]:
            found = run(p, Query(spons=_essie(_sponsor_core(sp)), limit=limit))
            if found and not p.sponsors_ctx and sp not in p.lent_sponsors:
                anchored_by.add(p.claim.claim_id)
            if len(found) >= limit and cond:
                run(p, Query(spons=_essie(_sponsor_core(sp)), cond=cond, limit=limit))
            # a name run into its neighbour ("NurOwn BrainStorm Cell Therapeutics") still has
            # one distinctive word the registry knows
            key = _distinctive_word(sp)
            if not found and key and facts.fold(key) != facts.fold(_sponsor_core(sp)):
                run(p, Query(spons=_essie(key), cond=cond, limit=limit))
        for site in p.claim.sites[:2]:
            core = _site_core(site)
            if core and len(run(p, Query(term=core, limit=limit))) >= limit and cond:
                run(p, Query(term=core, cond=cond, limit=limit))
    # 4. no ID, product or sponsor to anchor on: condition plus the generic intervention words,
    #    when the claim says anything else that could single a record out
    for p in profiles:
        c = p.claim
        anchored = c.nct_ids or c.other_ids or c.claim_id in anchored_by
        details = sum(
            bool(x) for x in (c.phases, c.enrollment, c.dates, c.design, c.countries, c.sites)
        )
        if not anchored and p.conditions and details >= 1:
            generic = next((n for n in p.names if not facts.is_specific(n)), None)
            cond = _essie(_query_condition(p, text) or "")
            run(p, Query(cond=cond, intr=_essie(generic) if generic else None, limit=100))
            # titles name the disease even where a record's condition list is missing or
            # spelled otherwise; the title words then only score, never testify
            if details >= 2:
                run(p, Query(titles=cond, limit=100))
            # what the sentence says of the cells (source, route) narrows the disease's records
            for word in _cell_query_words(p.own_text):
                run(p, Query(cond=cond, term=word, limit=limit))
                if details >= 2:
                    run(p, Query(titles=f"{cond} {word}", limit=limit))
    # 5. product names the registry knows (from every record found) that the document itself
    #    uses: what the page is about, even where no claim names them. They are searched, their
    #    registry aliases too, and claims without a product of their own inherit them.
    for s in list(searcher.studies.values()):
        for iv in s.interventions:
            for frag in name_fragments(iv.name):
                if (
                    len(facts.fold(frag).replace(" ", "")) >= 4
                    and facts.name_in(text, frag)
                    and facts.fold(frag) not in {facts.fold(x) for x in products}
                ):
                    products.append(frag)
    unnamed = [p for p in profiles if not any(facts.is_specific(n) for n in p.names)]
    for name in list(products):
        if facts.fold(name) not in queried and unnamed:
            queried.add(facts.fold(name))
            run(unnamed[0], Query(term=_essie(name, phrase=True), limit=limit))
    for s in list(searcher.studies.values()):
        book.learn(s, all_names | set(products))
    for name in list(products):
        for alias in book.group(name)[1:]:
            fa = facts.fold(alias)
            if fa not in queried and len(_units(alias)) <= 3 and unnamed:
                queried.add(fa)
                run(unnamed[0], Query(term=_essie(alias, phrase=True), limit=limit))
    return made


# ------------------------------------------------------------------------------- assignment


def _shared_identity(study: Study, linked: list[Study], book: AliasBook, p: _Profile) -> str:
    """How a record shares product or sponsor with records already linked to the claim."""
    names = [a for n in p.names if facts.is_specific(n) for a in book.group(n)]
    ivs = _record_iv_strings(study)
    for other in linked:
        for n in names:
            if any(facts.name_in(s, n) for s in ivs) and any(
                facts.name_in(s, n) for s in _record_iv_strings(other)
            ):
                return f"same product {n!r} as {other.nct_id}"
        _c, r, sim = facts.best_org_match(_record_orgs(study), _record_orgs(other))
        if sim >= facts.ORG_MATCH:
            return f"same sponsor {r!r} as {other.nct_id}"
    return ""


def _logit(score: float) -> float:
    score = min(max(score, 1e-12), 1 - 1e-12)
    return math.log(score / (1 - score))


def _compete(
    scores: dict[tuple[str, str], Match], profiles: list[_Profile], pool: Mapping[str, Study]
) -> None:
    """Records that would each pass on their own compete for the claim.

    score_i = e^l_i / (1 + e^l_i + sum of e^l_j over rivals j), where l is the log-odds from
    the features and the 1 stands for "none of them". Rivals are the other records with l > 0,
    less the best (trial_count - 1) of them, which the claim may also link; each is credited
    ``rival_margin`` extra log-odds, so a near tie is no coin flip. Two sibling records
    that fit a vague claim equally (same product and sponsor, nothing else to tell them apart)
    then fall below the threshold: the claim abstains instead of picking one at random.
    """
    for p in profiles:
        cid = p.claim.claim_id
        k = max(p.claim.trial_count, 1)
        logits = {nct: _logit(scores[(cid, nct)].score) for nct in pool}
        strong = sorted(((v, n) for n, v in logits.items() if v > 0), reverse=True)
        if len(strong) <= k:
            continue  # no more records pass than the claim may link: nothing competes
        for nct in pool:
            rivals = [(v, n) for v, n in strong if n != nct][k - 1 :]
            if not rivals:
                continue
            mine = math.exp(min(logits[nct], 50.0))
            weight = sum(math.exp(min(v + SCORING.rival_margin, 50.0)) for v, _ in rivals)
            m = scores[(cid, nct)]
            new = mine / (1.0 + mine + weight)
            names = ", ".join(f"{n} ({logistic(v):.2f})" for v, n in rivals[:3])
            reason = Reason(
                "ambiguity",
                "partly",
                f"competes with {names}: {m.score:.2f} shared with equally fitting records",
            )
            scores[(cid, nct)] = Match(m.nct_id, new, (*m.reasons, reason), m.confirmed_by_reviewer)


def _content_fit(p: _Profile, study: Study, book: AliasBook) -> Match:
    return score_claim(p, study, book, with_id=False)


def match_document(
    doc: DocumentClaims, registry: Registry, *, links: ReviewerLinks | None = None
) -> DocumentMatches:
    """Link each claim of one document to its registry record(s), or abstain.

    Queries are made once per document; every record found is scored against every claim, and
    each record goes to the claim it fits best (cited IDs and reviewer links first).
    """
    retrieved_at = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    if not doc.claims:
        return DocumentMatches((), {}, retrieved_at)
    book = AliasBook()
    searcher = _Searcher(registry)
    profiles = _profiles(doc)
    products: list[str] = []
    queries = _gather(profiles, searcher, book, doc.text or "", products)
    # regroup context names now that aliases are known, with the sponsors' products the text uses
    profiles = _profiles(doc, book, products)
    for p in profiles:
        p.unknown_ids = frozenset(n for n in p.claim.nct_ids if n not in searcher.studies)

    decided: dict[str, tuple[str, ...]] = {}
    if links is not None:
        for p in profiles:
            ids = links.for_claim(doc.doc, p.claim.claim_id)
            if ids is not None:
                decided[p.claim.claim_id] = ids
        wanted = [i for ids in decided.values() for i in ids]
        if wanted:
            searcher.get(wanted)

    pool = {s.nct_id: s for s in searcher.studies.values()}
    all_orgs = [o for s in pool.values() for o in _record_orgs(s)]
    for p in profiles:
        p.sponsors_unmatched = (
            bool(p.sponsors)
            and not p.sponsors_ctx
            and not any(
                facts.org_similarity(sp, o) >= facts.ORG_MATCH
                for sp in p.sponsors
                for o in all_orgs
            )
        )
        borrowed = _borrowed_names(p)
        p.borrowed_unmatched = bool(borrowed) and not any(
            facts.name_in(x, alias)
            for n in borrowed
            for alias in book.group(n)
            for s in pool.values()
            for x in (*_record_iv_strings(s), *facts.study_titles(s))
        )
        b_sp = p.sponsors if p.sponsors_ctx else [x for x in p.sponsors if x in p.lent_sponsors]
        p.borrowed_sponsors_unmatched = bool(b_sp) and not any(
            facts.org_similarity(sp, o) >= facts.ORG_MATCH for sp in b_sp for o in all_orgs
        )
    scores: dict[tuple[str, str], Match] = {}
    uncapped: dict[tuple[str, str], float] = {}
    for p in profiles:
        for nct, s in pool.items():
            scores[(p.claim.claim_id, nct)], uncapped[(p.claim.claim_id, nct)] = _score(p, s, book)
    raw = dict(scores)  # before records compete

    _compete(scores, profiles, pool)

    linked: dict[str, list[Match]] = {p.claim.claim_id: [] for p in profiles}
    taken: set[str] = set()
    miscited: dict[str, list[tuple[str, str]]] = {p.claim.claim_id: [] for p in profiles}
    # reviewer decisions, then cited NCT IDs: always linked
    for p in profiles:
        cid = p.claim.claim_id
        if cid in decided:
            for n in decided[cid]:
                s = searcher.studies.get(n)
                if s is None:
                    queries.setdefault(cid, []).append(
                        f'get "{n}" (reviewer link; not in {registry.description or "the registry"})'
                    )
                    continue
                m = scores.get((cid, s.nct_id)) or score_claim(p, s, book)
                linked[cid].append(Match(m.nct_id, m.score, m.reasons, confirmed_by_reviewer=True))
                taken.add(s.nct_id)
            continue
        for n in p.claim.nct_ids:
            s = searcher.studies.get(n)
            if s is None:
                miscited[cid].append(
                    (
                        n,
                        (
                            f"the text cites {n}, which {registry.description or 'the registry'}"
                            " does not know (a mistyped or invented ID, or a record not in this"
                            " source)"
                        ),
                    )
                )
                continue
            if any(m.nct_id == s.nct_id for m in linked[cid]):
                continue
            linked[cid].append(scores[(cid, s.nct_id)])
            taken.add(s.nct_id)
            fit = _content_fit(p, s, book)
            bad = _key_conflicts(fit)
            better = max(
                (
                    (_content_fit(p, o, book), o.nct_id)
                    for o in pool.values()
                    if o.nct_id != s.nct_id and o.nct_id not in p.claim.nct_ids
                ),
                key=lambda x: x[0].score,
                default=None,
            )
            if fit.score < SCORING.threshold and (
                bad
                or (better and better[0].score >= SCORING.threshold and better[0].score > fit.score)
            ):
                parts = [
                    f"the text around {s.nct_id} fits its record poorly (content score {fit.score:.2f})"
                ]
                if bad:
                    parts.append("; ".join(f"{r.feature}: {r.detail}" for r in bad))
                if better and better[0].score >= SCORING.threshold:
                    parts.append(
                        f"it fits {better[1]} better (content score {better[0].score:.2f})"
                    )
                miscited[cid].append((s.nct_id, "; ".join(parts)))
    # the rest: best pairs first, each record to one claim, each claim up to trial_count records
    ordered = sorted(
        (m.score, cid, nct) for (cid, nct), m in scores.items() if m.score >= SCORING.threshold
    )
    capacity = {
        p.claim.claim_id: (
            0
            if p.claim.claim_id in decided
            else max(p.claim.trial_count, 1) - len(linked[p.claim.claim_id])
        )
        for p in profiles
    }
    for _value, cid, nct in reversed(ordered):
        if nct in taken or capacity[cid] <= 0:
            continue
        linked[cid].append(scores[(cid, nct)])
        taken.add(nct)
        capacity[cid] -= 1
    # a record another claim of the document has taken is no longer a rival: "the first trial
    # was X ... a second study followed" -- the second is not X, so X no longer makes it a tie.
    # The claims still open compete again over the records left, until nothing changes. Only
    # claims that state a phase, a size or a date take part: a vague mention ("a multicenter
    # study in the US") is not resolved by elimination, since a sparse record may be its trial.
    for _round in range(3):
        open_ = [
            p
            for p in profiles
            if capacity[p.claim.claim_id] > 0
            and p.claim.claim_id not in decided
            and (p.claim.phases or p.claim.enrollment is not None or p.claim.dates)
        ]
        left = {n: st for n, st in pool.items() if n not in taken}
        if not open_ or not left or len(left) == len(pool):
            break
        again = {(p.claim.claim_id, n): raw[(p.claim.claim_id, n)] for p in open_ for n in left}
        _compete(again, open_, left)
        newly = False
        for _value, cid, nct in sorted(
            ((m.score, c, n) for (c, n), m in again.items() if m.score >= SCORING.threshold),
            reverse=True,
        ):
            if nct in taken or capacity[cid] <= 0:
                continue
            m = again[(cid, nct)]
            others = sorted(n for n in pool if n in taken)
            reason = Reason(
                "ambiguity",
                "agreed",
                "records linked to other claims of this document no longer compete: "
                + ", ".join(others[:4])
                + (" ..." if len(others) > 4 else ""),
            )
            linked[cid].append(Match(m.nct_id, m.score, (*m.reasons, reason)))
            scores[(cid, nct)] = linked[cid][-1]
            taken.add(nct)
            capacity[cid] -= 1
            newly = True
        if not newly:
            break

    # a claim covering several trials ("two initial trials") whose first trial is linked on its
    # own evidence: its further trials are the same product's or sponsor's records that fit
    # once the context cap is lifted
    for p in profiles:
        cid = p.claim.claim_id
        if capacity.get(cid, 0) <= 0 or not linked[cid] or p.claim.trial_count <= 1:
            continue
        firsts = [pool[m.nct_id] for m in linked[cid] if m.nct_id in pool]
        siblings = sorted(
            (
                (uncapped[(cid, nct)], nct)
                for nct in pool
                if nct not in taken and uncapped[(cid, nct)] >= SCORING.threshold
            ),
            reverse=True,
        )
        for u, nct in siblings:
            if capacity[cid] <= 0:
                break
            shared = _shared_identity(pool[nct], firsts, book, p)
            if not shared:
                continue
            m = scores[(cid, nct)]
            reasons = (
                *m.reasons,
                Reason(
                    "context",
                    "agreed",
                    f"further trial of a {p.claim.trial_count}-trial claim: {shared}",
                ),
            )
            linked[cid].append(Match(nct, u, reasons))
            taken.add(nct)
            capacity[cid] -= 1

    out_claims = []
    keep: set[str] = set()
    for p in profiles:
        cid = p.claim.claim_id
        ms = sorted(linked[cid], key=lambda m: (-m.confirmed_by_reviewer, -m.score))
        linked_ids = {m.nct_id for m in ms}
        rejected = sorted(
            (m for (c, nct), m in scores.items() if c == cid and nct not in linked_ids),
            key=lambda m: -m.score,
        )[: SCORING.max_candidates]
        keep |= linked_ids | {m.nct_id for m in rejected}
        out_claims.append(
            ClaimMatches(
                claim_id=cid,
                matches=tuple(ms),
                candidates=tuple(rejected),
                queries=tuple(queries.get(cid, [])),
                miscited=tuple(miscited[cid]),
            )
        )
    names = {n for p in profiles for n in p.names if facts.is_specific(n)}
    aliases = {n: tuple(a for a in book.group(n)[1:]) for n in names if len(book.group(n)) > 1}
    return DocumentMatches(
        claims=tuple(out_claims),
        studies={n: pool[n] for n in keep if n in pool},
        retrieved_at=retrieved_at,
        aliases=aliases,
    )
