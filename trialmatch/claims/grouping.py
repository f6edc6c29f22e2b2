"""Trial mentions and their grouping into claims.

A *mention* is a sentence (or a part of one) that speaks about a particular trial: it holds a
trial noun ("trial", "study") used for a particular trial, a phase ("Phase II"), or a registry
ID. Generic uses are not mentions: a bare plural ("clinical studies have verified...",
"products for clinical trials"), a list of three or more phases ("phase I, II and III clinical
trials"), a trial in animals ("preclinical safety study in rats"), a bibliography entry
("...: A Phase I clinical trial. Experimental neurology, 223(1), 229-237.").

Mentions are grouped in document order:

* a mention that shares an identity with an earlier claim (the same registry ID, trial name or
  phase, and nothing contradicting) joins it;
* a definite mention ("the trial", "this study", "the study results") joins the most recent
  claim it does not contradict;
* an indefinite one ("a clinical trial", "two initial trials") starts a new claim;
* a claim with no identity of its own (only a site, say) is finally folded into the nearest
  claim it does not contradict, unless the text calls it new ("a new clinical trial");
* a claim with nothing at all to check (no phase, ID, enrollment, date, design, site, country,
  name, sponsor or status) is dropped: it is a figure of speech, not a trial.

Contradictions: different registry IDs or trial names, disjoint phases, different enrollment,
different trial counts, disjoint countries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trialmatch.claims import languages as L
from trialmatch.claims.model import Arm, DateSpan, FollowUp, Span


def _split(words: str) -> list[str]:
    """Whitespace-separated words of a literal (vocabularies below read better as prose)."""
    return words.split()


_DEFINITE = frozenset(_split("the this that these those its their our his her said such")) | set(
    L.DEFINITE
)
_INDEFINITE = frozenset(_split("a an another")) | set(L.INDEFINITE)
_NEW_WORDS = frozenset(
    _split(
        "new another second next additional separate different future further subsequent upcoming "
        "follow-on follow-up "
        "own rival competing competitor"
    )
) | set(L.NEW_WORDS)
#: words just before an indefinite article that introduce one more trial ("also a Phase II",
#: "move to a multicenter study", "advance to a Phase 3")
_ONWARD = frozenset(
    _split("move moved moving advance advanced advancing progress progressed proceed")
)
#: "also" counts right before the article or one of these verbs: "There was also a ...",
#: "is also running a ...", but not "also announced that a Phase 3 trial ..."
_ALSO_VERBS = frozenset(
    _split("is was are were has had have runs ran running run plans planned started began")
)
#: words that make even a definite mention another trial ("the next study")
_ORDINAL_NEW = frozenset(_split("next second third follow-up follow-on subsequent later"))
_COUNT_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "both": 2, "twin": 2, "dual": 2, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6,
}  # fmt: skip
_VAGUE_PLURAL = frozenset(_split("several multiple many numerous various some other more previous"))
_STOP_BACK = frozenset(
    _split("""is are was were be been being has have had will would can could may might should shall
    do does did in of for to that which who with by on at from and or as than into about after
    before during under over through between among via using enter enters entering entered
    showed shows show demonstrated conducted completed started launched began""")
)
_TOKEN = re.compile(r"[^\W_][\w\-’']*|[,;:()]")

#: trial nouns of the other languages (``languages.TRIAL_NOUNS``); the everyday words among
#: them only in a clinical phrase: "lo studio", "studio clinico", "badanie kliniczne",
#: "klinické hodnocení", "клінічне дослідження"
_FOREIGN_NOUN = (
    L.trie_regex(
        _split(
            """ensayo ensayos estudio estudios sperimentazione sperimentazioni ensaio ensaios
            estudo estudos essai essais étude études studien studie studii studií studiu studiích
            štúdia štúdie štúdiu štúdii испытание испытания испытании исследование исследования
            исследовании випробування випробуванні"""
        )
    )
    + r"|studio(?:(?<=\blo\sstudio)|(?<=\buno\sstudio)|(?<=llo\sstudio)|(?<=sto\sstudio)|"
    r"(?=\s+(?:clinico|di\s+fase|randomizzato|pilota|controllato|multicentrico|in\s+aperto)))"
    r"|badani[aeu](?=\s+kliniczn)|badań(?=\s+kliniczn)"
    r"|hodnocení(?:(?<=linické\shodnocení)|(?<=linického\shodnocení)|(?<=linickém\shodnocení))"
    r"|дослідженн[яі](?:(?<=клінічне\sдослідження)|(?<=клінічного\sдослідження)|(?=\s+(?:фаз|[IV])))"
)
TRIAL_NOUN = re.compile(
    r"\b(?:(?P<clin>clinical|human)\s+)?(?P<noun>trials?|stud(?:y|ies)|investigations?)\b",
    re.IGNORECASE,
)
FOREIGN_TRIAL_NOUN = re.compile(r"\b(?P<clin>)(?P<noun>" + _FOREIGN_NOUN + r")\b", re.IGNORECASE)


def trial_nouns(text: str, lo: int, hi: int, *, foreign: bool = False) -> list[re.Match[str]]:
    """Trial nouns in ``text[lo:hi]``; with ``foreign``, those of ``languages`` too."""
    found = list(TRIAL_NOUN.finditer(text, lo, hi))
    if foreign:
        found.extend(FOREIGN_TRIAL_NOUN.finditer(text, lo, hi))
        found.sort(key=lambda m: m.start())
    return found


PLURAL_NOUNS = frozenset(("trials", "studies", "investigations")) | L.PLURAL_NOUNS
_NOT_TRIAL_AFTER = re.compile(
    r"\s+(?:and\s+error|of\s+(?:the\s+)?(?:mechanism|literature))", re.IGNORECASE
)
_NOT_TRIAL_BEFORE = re.compile(
    r"(?:\b(?:free|on|to|further|more|case|pilot\s+and|future|under|literature|animal|"
    r"observational\s+and)\s+)$",
    re.IGNORECASE,
)
_ANIMAL = re.compile(
    r"\b(?:rats?|mice|mouse|murine|rodents?|animals?|pre-?clinical|in[\s\-]vitro|porcine|"
    r"canine|primates?|dogs?|pigs?|sheep|zebrafish|laboratory\s+models?|cell\s+cultures?)\b",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"\(\s*(?:19|20)\d\d[a-z]?\s*\)\s*[.,:]|\(\d+\)\s*[,:]\s*\d+\s*[-–]\s*\d+|\bet\s+al\.|"
    r"\bdoi:\s*10\.|\bPMID:?\s*\d",
)
_CONTINUATION = (
    r"\b(?:participants?|subjects?|enrol(?:l)?(?:ed|ing|ment|s)?|randomi[sz]\w*|"
    r"follow(?:ed)?[\s\-]+up|primary\s+(?:end\s?point|outcome)|secondary\s+(?:end\s?point|outcome)|"
    r"dos(?:ed|ing)|placebo|cohorts?|arms?|inclusion\s+criteria|eligible|first\s+patients?|"
    r"primary\s+completion|top[\s\-]?line|read[\s\-]?out|interim\s+analysis|"
    r"(?:data|results)\s+(?:are\s+|is\s+)?expected|received|underwent|"
    r"(?:were|was)\s+(?:[a-z]+ly\s+)?(?:treated|given|enrolled|assigned|allocated)|"
    r"randomly|joined|took\s+part{foreign})\b"
)
#: a sentence about the participants of the trial mentioned before it; ``CONTINUATION_ALL``
#: also in the languages of ``languages`` ("Sono stati trattati 18 pazienti")
CONTINUATION = re.compile(_CONTINUATION.replace("{foreign}", ""), re.IGNORECASE)
CONTINUATION_ALL = re.compile(
    _CONTINUATION.replace(
        "{foreign}",
        "|(?:" + L.ENROL_STEMS + r")\w*|partecipant\w*|participantes|teilnehmer\w*|účastní\w*|"
        r"uczestni\w*|учасник\w*|участник\w*",
    ),
    re.IGNORECASE,
)

_STATUS = [
    (
        "approved",
        re.compile(r"\b(?:approv(?:ed|al)|cleared|authori[sz]ed|green[\s\-]light)", re.IGNORECASE),
    ),
    (
        "entering",
        re.compile(r"\b(?:enter(?:s|ing|ed)?|advanc(?:es|ing|ed)\s+(?:in)?to)\b", re.IGNORECASE),
    ),
    (
        "recruiting",
        re.compile(
            r"\b(?:recruiting|(?:now|currently)\s+enrolling|enrolling|open\s+for\s+enrol)",
            re.IGNORECASE,
        ),
    ),
    (
        "running",
        re.compile(
            r"\b(?:running|ongoing|on-going|underway|under\s+way|in\s+progress|currently\s+being\s+conducted)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "enrollment completed",
        re.compile(
            r"\b(?:complet\w*\s+(?:its\s+|the\s+)?(?:patient\s+)?enrol\w*|fully\s+enrol\w*|"
            r"enrol\w*\s+(?:is|was|has\s+been)\s+(?:now\s+)?complete[d]?|"
            r"last\s+(?:patient|participant)\s+(?:was\s+)?enrol\w*)",
            re.IGNORECASE,
        ),
    ),
    (
        "completed",
        re.compile(
            r"\b(?:completed|concluded|finished|(?:" + "|".join(L.COMPLETED_STEMS) + r")\w*)\b"
            r"(?!\s+(?:its\s+|the\s+)?(?:patient\s+)?(?:enrol|recruit|dosing))",
            re.IGNORECASE,
        ),
    ),
    (
        "launched",
        re.compile(
            r"\b(?:first\s+(?:patient|participant|subject)s?\s+(?:has\s+been\s+|have\s+been\s+|"
            r"was\s+|were\s+)?(?:dosed|treated|enrolled|randomi[sz]ed)|launch(?:ed|ing)?|initiat(?:ed|ing)|start(?:ed|ing)|beg(?:an|un)|commenc(?:ed|ing))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "planned",
        re.compile(
            r"\b(?:plan(?:s|ned)?\s+to|planned|will\s+(?:begin|start|initiate|commence)|expected\s+to\s+(?:begin|start))\b",
            re.IGNORECASE,
        ),
    ),
    ("terminated", re.compile(r"\b(?:terminated|discontinued|halted|stopped)\b", re.IGNORECASE)),
    ("suspended", re.compile(r"\b(?:suspended|on\s+hold|paused)\b", re.IGNORECASE)),
]

_YEAR_CONTEXT = re.compile(
    r"(?:\b(?:in|since|from|by|until|till|starting|started|begun|began|during|early|late|mid|of)\s+)$",
    re.IGNORECASE,
)


@dataclass
class Mention:
    """One sentence (or part of one) about a particular trial, with what it says."""

    span: Span
    """The evidence span (sentence or sentence part)."""
    sentence: int
    paragraph: int
    kind: str
    """definite | indefinite | counted | bare."""
    is_new: bool = False
    trial_count: int = 1
    count_explicit: bool = False
    nct_ids: list[str] = field(default_factory=list)
    other_ids: list[str] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)
    trial_names: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    sponsors: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    """Those of ``sponsors`` named as partners or funders ("with support from X"): they do not
    stop the page's company from being lent to the claim."""
    conditions: list[str] = field(default_factory=list)
    design: list[str] = field(default_factory=list)
    enrollment: int | None = None
    arms: list[Arm] = field(default_factory=list)
    dates: list[DateSpan] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    follow_up: FollowUp | None = None
    status: list[str] = field(default_factory=list)
    extra_spans: list[Span] = field(default_factory=list)
    """Continuation sentences that belong to this mention."""
    context_countries: list[str] = field(default_factory=list)
    """Countries named earlier in the mention's paragraph when it opens a new paragraph with a
    reference back ("a clinic in Bangkok ... the study"): another place means another trial."""
    filled: bool = False
    """True once the sentence's facts have been read into the mention."""
    phase_part: bool = False
    """The phase names a part of a trial ("the Phase 2 portion"), not the whole trial: it may
    differ from the trial's phases without being another trial."""

    @property
    def has_identity(self) -> bool:
        return bool(
            self.nct_ids or self.other_ids or self.trial_names or self.phases
            or self.enrollment is not None or self.trial_count > 1
        )  # fmt: skip


@dataclass
class Cluster:
    """Mentions of one trial (or one group of trials described together)."""

    mentions: list[Mention] = field(default_factory=list)
    is_new: bool = False
    last_pos: int = 0

    def values(self, attr: str) -> list:
        out: list = []
        for m in self.mentions:
            for v in getattr(m, attr):
                if v not in out:
                    out.append(v)
        return out

    @property
    def enrollment(self) -> int | None:
        for m in self.mentions:
            if m.enrollment is not None:
                return m.enrollment
        return None

    @property
    def trial_count(self) -> int:
        return max((m.trial_count for m in self.mentions), default=1)

    @property
    def count_explicit(self) -> bool:
        return any(m.count_explicit for m in self.mentions)

    @property
    def first_pos(self) -> int:
        return min(m.span[0] for m in self.mentions)

    @property
    def has_identity(self) -> bool:
        return any(m.has_identity for m in self.mentions)

    def has_anything(self) -> bool:
        return any(
            m.has_identity or m.dates or m.design or m.sites or m.countries or m.names
            or m.sponsors or m.status or m.follow_up or m.arms
            for m in self.mentions
        )  # fmt: skip


def _disjoint(a: list, b: list) -> bool:
    return bool(a) and bool(b) and not (set(a) & set(b))


def conflicts(m: Mention, c: Cluster) -> bool:
    """Does mention ``m`` contradict what cluster ``c`` already says?"""
    if _disjoint(m.nct_ids, c.values("nct_ids")) or _disjoint(m.other_ids, c.values("other_ids")):
        return True
    if _disjoint(m.trial_names, c.values("trial_names")):
        return True
    same_id = bool(
        set(m.nct_ids) & set(c.values("nct_ids"))
        or set(m.trial_names) & set(c.values("trial_names"))
    )
    if not same_id and _phases_differ(m, c):
        # the same registry ID or trial name is the same trial whatever phase is written
        return True
    ce = c.enrollment
    if m.enrollment is not None and ce is not None and m.enrollment != ce:
        return True
    if (m.count_explicit or c.count_explicit) and (m.trial_count > 1 or c.trial_count > 1):
        if m.trial_count != c.trial_count and (m.count_explicit and c.count_explicit):
            return True
        if m.trial_count > 1 and not c.count_explicit and c.has_identity:
            return True
        if c.trial_count > 1 and m.count_explicit and m.trial_count != c.trial_count:
            return True
    return bool(_disjoint(m.countries, c.values("countries")))


def _phases_differ(m: Mention, c: Cluster) -> bool:
    """Do ``m`` and ``c`` state different phases? "Phase IIa" after "Phase I/II" is another
    trial: two explicit phases differ unless one of them only names a part of the trial
    ("the Phase 2 portion") or the cluster already joined several phase statements."""
    theirs = c.values("phases")
    if not m.phases or not theirs:
        return False
    if _disjoint(m.phases, theirs):
        return True
    if set(m.phases) == set(theirs) or m.phase_part:
        return False
    stated = [x for x in c.mentions if x.phases and not x.phase_part]
    return bool(stated) and all(set(x.phases) != set(m.phases) for x in stated)


def shares_identity(m: Mention, c: Cluster) -> bool:
    if set(m.nct_ids) & set(c.values("nct_ids")) or set(m.other_ids) & set(c.values("other_ids")):
        return True
    if set(m.trial_names) & set(c.values("trial_names")):
        return True
    if not m.phases:
        return False
    if m.kind in ("indefinite", "counted"):
        # "a Phase II trial" after "the Phase 1b/2a study" is another trial; so is "a Phase 3
        # trial of Y by Z" after "a Phase 3 trial of X": the same phase with other products or
        # sponsors introduces a different trial
        if _disjoint(m.names, c.values("names")) or _disjoint(m.sponsors, c.values("sponsors")):
            return False
        return set(m.phases) == set(c.values("phases"))
    return bool(set(m.phases) & set(c.values("phases")))


def _conflicts_cluster(a: Cluster, b: Cluster) -> bool:
    return any(conflicts(m, b) for m in a.mentions)


def group(mentions: list[Mention], *, max_gap: int = 2500) -> list[Cluster]:
    """Group mentions (in document order) into clusters, one per claimed trial."""
    clusters: list[Cluster] = []
    cluster_of: dict[int, Cluster] = {}
    prev: Mention | None = None
    for m in mentions:
        target: Cluster | None = None
        recent = sorted(clusters, key=lambda c: c.last_pos, reverse=True)
        if (
            m.kind == "definite"
            and not m.is_new
            and prev is not None
            and prev.paragraph == m.paragraph
            and m.sentence - prev.sentence == 1
            and prev.kind in ("indefinite", "counted")
            and cluster_of[id(prev)].mentions[0] is prev
            and not conflicts(m, cluster_of[id(prev)])
        ):
            # "A second study followed in 2013. This Phase IIa trial ...": a reference back
            # right after an introduction is to the trial just introduced
            target = cluster_of[id(prev)]
        if target is None and m.is_new and (m.nct_ids or m.trial_names):
            # "another look at NCT01234567": the same registry ID is the same trial
            for c in recent:
                if (
                    set(m.nct_ids) & set(c.values("nct_ids"))
                    or set(m.trial_names) & set(c.values("trial_names"))
                ) and not conflicts(m, c):
                    target = c
                    break
        if target is None and m.has_identity and not m.is_new:
            for c in recent:
                if shares_identity(m, c) and not conflicts(m, c):
                    target = c
                    break
        if target is None and m.kind in ("definite", "bare") and not m.is_new:
            for c in recent:
                if m.span[0] - c.last_pos > max_gap:
                    break
                if _disjoint(m.context_countries, c.values("countries")):
                    continue
                if not conflicts(m, c):
                    target = c
                    break
        if target is None:
            target = Cluster(is_new=m.is_new)
            clusters.append(target)
        target.mentions.append(m)
        target.last_pos = max(target.last_pos, m.span[1])
        cluster_of[id(m)] = target
        prev = m
    # fold clusters with no identity into the nearest one they do not contradict
    thin = [c for c in clusters if not c.has_identity and not c.is_new]
    for c in thin:
        # a trial introduced later as another one is not the one referred to before it:
        # "the Hadassah trial ... Another one I saw: X has an open-label Phase 2"
        others = [
            o
            for o in clusters
            if o is not c and o.has_identity and not (o.is_new and o.first_pos > c.first_pos)
        ]
        if not others:
            continue
        others.sort(key=lambda o: abs(o.first_pos - c.first_pos))
        for o in others:
            if not _conflicts_cluster(c, o) and not _conflicts_cluster(o, c):
                o.mentions.extend(c.mentions)
                clusters.remove(c)
                break
    clusters = [c for c in clusters if c.has_anything()]
    for c in clusters:
        c.mentions.sort(key=lambda m: m.span[0])
    clusters.sort(key=lambda c: c.first_pos)
    return clusters


# ------------------------------------------------------------------------ noun phrases
_COPULA = re.compile(r"\b(?:it|this|that|which|the\s+(?:trial|study))\s+(?:is|was|will\s+be)$")


def classify_noun(text: str, sent_start: int, noun_start: int) -> tuple[str, int, bool, bool]:
    """(kind, trial_count, count_explicit, is_new) from the words before a trial noun."""
    base = max(sent_start, noun_start - 90)
    tokens = [(m.group(0), m.start()) for m in _TOKEN.finditer(text, base, noun_start)]
    tokens = tokens[-9:]
    is_new = False
    for i in range(len(tokens) - 1, -1, -1):
        tok, pos = tokens[i]
        low = tok.lower()
        if low in _NEW_WORDS:
            is_new = True
        if low in _DEFINITE:
            # "the next study", "the second trial": another trial after the one told of
            is_new = any(t.lower() in _ORDINAL_NEW for t, _p in tokens[i + 1 :])
            return "definite", 1, False, is_new
        if low in _INDEFINITE:
            before3 = [t.lower() for t, _p in tokens[max(0, i - 3) : i]]
            if (
                low == "another"
                or any(t in _ONWARD for t in before3)
                or before3[-1:] == ["also"]
                or (before3[-2:-1] == ["also"] and before3[-1] in _ALSO_VERBS)
            ):
                # "There was also a Phase II ...", "let the company move to a multicenter
                # study": another trial besides the one told of
                is_new = True
            # "It was a double-blind trial": a predicate describing the trial already named
            before = " ".join(t.lower() for t, _p in tokens[max(0, i - 3) : i])
            if not is_new and _COPULA.search(before):
                return "definite", 1, False, is_new
            return "indefinite", 1, True, is_new
        if low in _COUNT_WORDS:
            # a digit counts trials only as its own word, never inside "Phase 2/3"
            prev = tokens[i - 1][0].lower() if i > 0 else ""
            if low.isdigit() and (prev == "phase" or (pos > 0 and not text[pos - 1].isspace())):
                continue
            return "counted", _COUNT_WORDS[low], True, is_new
        if low in _VAGUE_PLURAL:
            return "vague", 1, False, is_new
        if low in _STOP_BACK or tok in ";:(":
            break
    return "bare", 1, False, is_new


def not_a_trial_noun(text: str, lo: int, s: int, e: int) -> bool:
    """ "trial and error", "free trial", "to study", "further study": not a clinical trial."""
    word = text[s:e].lower()
    if _NOT_TRIAL_AFTER.match(text, e) or _NOT_TRIAL_BEFORE.search(text[max(lo, s - 25) : s]):
        return True
    if word.startswith("investigation") and not re.search(
        r"clinical\s+$", text[max(lo, s - 12) : s], re.IGNORECASE
    ):
        return True
    return word == "study" and bool(
        re.search(r"\b(?:to|we|they|i|you|will|can)\s+$", text[max(lo, s - 8) : s], re.IGNORECASE)
    )


def is_reference_line(text: str, start: int, end: int) -> bool:
    return bool(_REFERENCE.search(text, start, end))


def animal_context(text: str, lo: int, hi: int, start: int, end: int) -> bool:
    """Animal / preclinical words right around the trial noun (within its sentence)."""
    a = max(lo, start - 45)
    b = min(hi, end + 35)
    return bool(_ANIMAL.search(text, a, b))


#: words that must appear (lower case) before a status pattern is worth running
_STATUS_STEMS = {
    "approved": ("approv", "clear", "authori", "green"),
    "entering": ("enter", "advanc"),
    "recruiting": ("recruit", "enrolling", "open for"),
    "running": ("running", "ongoing", "on-going", "underway", "under way", "progress", "conduct"),
    "enrollment completed": ("enrol",),
    "completed": ("completed", "concluded", "finished", *L.COMPLETED_STEMS),
    "launched": ("launch", "initiat", "start", "began", "begun", "commenc", "first"),
    "planned": ("plan", "will", "expected"),
    "terminated": ("terminat", "discontinu", "halt", "stopped"),
    "suspended": ("suspend", "hold", "paused"),
}


def status_words(text: str, start: int, end: int) -> list[str]:
    low = text[start:end].lower()
    return [
        name
        for name, rx in _STATUS
        if any(stem in low for stem in _STATUS_STEMS[name]) and rx.search(text, start, end)
    ]


def bare_year_ok(text: str, start: int) -> bool:
    return bool(_YEAR_CONTEXT.search(text[max(0, start - 20) : start]))
