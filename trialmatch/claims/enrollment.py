"""Enrollment, arms and follow-up inside a trial mention.

"will involve 48 patients, 36 of which will receive NurOwn treatment and the remaining 12
patients – placebo" -> enrollment 48, arms NurOwn 36 / placebo 12. A count of people is the
enrollment only when an enrolment verb governs it ("enrolled 189 participants", "involved 24
patients", "three children ... underwent", "a trial of 60 patients"); outcome counts ("10
patients improved") are figures, not enrollment.
"""

from __future__ import annotations

import re

from trialmatch.claims import languages as L
from trialmatch.claims.model import Arm, FollowUp, Span
from trialmatch.claims.numbers import ARM_TARGET_ANY, FIRST_ARM, NUMBER, FigureMatch, parse_number
from trialmatch.claims.text import lower_window

_ENROL_BEFORE = re.compile(
    r"(?:\b(?:enrol(?:l)?(?:ed|s|ing)?|recruit(?:ed|s|ing)?|involv(?:e|es|ed|ing)|includ(?:e|es|ed|ing)|"
    r"randomi[sz](?:e|es|ed|ing)|treat(?:s|ed|ing)?|dos(?:e|ed|ing)|comprise[sd]?|compris(?:ing)|"
    r"assign(?:s|ed|ing)?|allocat(?:es|ed|ing)|expand(?:ed)?\s+to|target(?:s|ing)?|gave|"
    # "is looking for about 60 people", "seeks 40 volunteers", "aims for 100 participants"
    r"look(?:s|ing)?\s+for|seek(?:s|ing)?|sought|aim(?:s|ing)?\s+(?:for|at)|"
    r"(?:will|to)\s+have|of|in|with|among|on)\s+"
    r"(?:a\s+total\s+of\s+|approximately\s+|about\s+|around\s+|up\s+to\s+|more\s+than\s+|over\s+|"
    r"some\s+|nearly\s+|almost\s+|at\s+least\s+|an\s+estimated\s+|the\s+first\s+|"
    r"(?:close|closer)\s+to\s+|roughly\s+|just\s+(?:over|under)\s+|fewer\s+than\s+|"
    r"less\s+than\s+|well\s+over\s+)?$"
    r"|\b(?:gave|giv(?:e|es|en|ing)|administer\w*|deliver\w*|offer\w*)\b[^.;]{0,70}?\bto\s+$"
    r"|\b(?:participants|patients|subjects|enrol(?:l)?ment|sample\s+size)\s*[:=]\s*[*_]*\s*$)",
    re.IGNORECASE,
)
#: the same in the languages of ``languages`` ("Sono stati trattati 18", "bylo zařazeno 26",
#: "su circa 30"); run only on documents that use them
_ENROL_BEFORE_FOREIGN = re.compile(
    r"(?:\b(?:" + L.ENROL_STEMS + r")\w*|\b(?:" + L.ENROL_PREPOSITIONS + r"))\s+"
    r"(?:a\s+)?(?:circa\s+|cerca\s+de\s+|aproximadamente\s+|environ\s+|etwa\s+|rund\s+|přibližně\s+|"
    r"celkem\s+|około\s+|близько\s+|около\s+|примерно\s+)?$",
    re.IGNORECASE,
)
_GAVE_TO = re.compile(
    r"\b(?:gave|giv(?:e|es|en|ing)|administer(?:s|ed|ing)?|deliver(?:s|ed|ing)?|offer(?:s|ed|ing)?)\b[^.;]{0,150}?\bto\s+"
    r"(?:a\s+total\s+of\s+|about\s+|around\s+|more\s+than\s+|nearly\s+)?\Z",
    re.IGNORECASE,
)
_LIST_AFTER_PHASE = re.compile(
    r"(?:\bphase\s+[0-9IVX]+[abAB]?(?:\s*/\s*[0-9IVX]+[abAB]?)?|\bNCT\d{8})\s*[,;:]\s*$",
    re.IGNORECASE,
)
_APPOSITION_BEFORE = re.compile(r"[\w)],\s+(?:(?:about|around|approximately|some)\s+)?$")
_APPOSITION_AFTER = re.compile(r"\s*(?:[,;)]|\.(?:\s|$)|$)")
_ENROL_AFTER = re.compile(
    r"^[^.;:]{0,70}?\b(?:were|was|will\s+be|are|have\s+been|had\s+been|has\s+been|being)?\s*"
    r"(?:enrol|recruit|randomi[sz]|treated|dosed|underw|participat|took\s+part|take\s+part|"
    r"receiv|been\s+included|included|signed|assigned|allocated|were\s+given|got\b|join|"
    r"(?:split|divided|distributed|separated)\s+(?:in)?to\b)",
    re.IGNORECASE,
)
_ENROL_AFTER_FOREIGN = re.compile(r"^[^.;:]{0,70}?\b(?:" + L.ENROL_STEMS + r")", re.IGNORECASE)
_OUTCOME_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:showed|show|shows|demonstrated|experienced|improved|responded|"
    r"achieved|reported|had|died|developed|saw|noted|exhibited|remained|became)\b",
    re.IGNORECASE,
)

_LABEL = r"(?P<label>[^,.;:()]{1,60}?)"
_LABEL_END = r"(?=\s*(?:[,.;:()]|\band\b|\bwhile\b|\bwhereas\b|\bwith\b|\bfor\b|$))"
_ARM_PATTERNS = [
    re.compile(
        rf"(?P<n>{NUMBER})\s+(?:(?:of\s+(?:which|whom|them|those))|(?:patients|participants|subjects))?"
        rf"\s*(?:with\s+(?P<desc>[^,;:.()\d]{{1,40}}?)\s+)?"
        rf"(?:will\s+|would\s+|were\s+|are\s+|to\s+)?(?:be\s+)?"
        rf"(?:receiv(?:e|es|ed|ing)|given|get|gets|got|treated\s+with|randomi[sz]ed\s+to|assigned\s+to|"
        rf"allocated\s+to|undergo(?:es|ing)?|underwent)\s+(?:the\s+|a\s+|an\s+)?{_LABEL}{_LABEL_END}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?:the\s+)?(?:remaining|other)\s+(?P<n>{NUMBER})\s*(?:patients|participants|subjects)?"
        rf"\s*(?:[-–—:]|will\s+receive|would\s+receive|received|receive|get|got|on|to)\s*"
        rf"(?:the\s+|a\s+)?{_LABEL}{_LABEL_END}",
        re.IGNORECASE,
    ),
    re.compile(rf"{_LABEL}\s*\(\s*[nN]\s*=\s*(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d+)\s*\)"),
    re.compile(
        rf"(?:\band|,)\s+(?P<n>{NUMBER})\s+(?:patients\s+|participants\s+)?(?:got\s+|received\s+|on\s+)?"
        r"(?P<label>placebo|sham|saline|vehicle|standard\s+of\s+care|control)\b",
        re.IGNORECASE,
    ),
    # "randomized 2:1: 24 to RX-101 and 12 to placebo", "(24 on RX-101, 12 on placebo)"
    re.compile(
        rf"(?P<n>{NUMBER})\s+(?:(?:patients|participants|subjects)\s+)?(?:were\s+)?"
        rf"(?:randomi[sz]ed\s+|assigned\s+|allocated\s+)?(?:to|on)\s+(?={ARM_TARGET_ANY})"
        rf"(?:the\s+|a\s+|an\s+)?{_LABEL}{_LABEL_END}",
        re.IGNORECASE,
    ),
    # "30 in the treatment group and 15 in the control group"
    re.compile(
        rf"(?P<n>{NUMBER})\s+(?:(?:patients|participants|subjects)\s+)?(?:were\s+)?in\s+the\s+"
        r"(?P<label>[\w\-]+(?:\s+[\w\-]+){0,3}?)\s+(?:group|arm|cohort)\b",
        re.IGNORECASE,
    ),
]
_LABEL_TRIM = re.compile(
    r"(?:\s+(?:treatment|therapy|arm|group|cohort|injections?|infusions?|transplants?|"
    r"administration|doses?|only))+$",
    re.IGNORECASE,
)
_FOLLOW = re.compile(
    rf"follow(?:ed|s|ing)?[\s\-]*(?:up)?\s+(?:(?:them|participants|patients|subjects|all\s+patients)\s+"
    rf"(?:up\s+)?)?(?:for\s+|over\s+)?(?:a\s+(?:period|total)\s+of\s+|up\s+to\s+|"
    rf"at\s+least\s+)?(?P<n>{NUMBER})[\s\-]*(?P<u>days?|weeks?|months?|years?)"
    rf"|(?P<n2>{NUMBER})[\s\-]*(?P<u2>days?|weeks?|months?|years?)\s+(?:of\s+)?follow[\s\-]*up"
    rf"|follow[\s\-]*up\s+(?:period\s+)?(?:of|lasting|lasts|lasted|is|was|will\s+be)\s+"
    rf"(?P<n3>{NUMBER})[\s\-]*(?P<u3>days?|weeks?|months?|years?)",
    re.IGNORECASE,
)


_NOT_A_TIME = r"(?!\s*(?:%|percent|per\s*cent|months?|years?|weeks?|days?|hours?|mg|ml|cells))"
#: "three groups of 16", "two arms of 20 patients each"
_GROUPS_OF = re.compile(
    rf"\b(?P<k>{NUMBER})\s+(?:(?:equal|treatment|study|parallel|dose)\s+)?(?:groups|arms|cohorts)"
    rf"\s+of\s+(?P<n>{NUMBER})\b{_NOT_A_TIME}",
    re.IGNORECASE,
)
#: "16 in each group", "16 patients per arm"
_PER_GROUP = re.compile(
    rf"(?P<n>{NUMBER})\s+(?:(?:patients|participants|subjects|children|people|volunteers)\s+)?"
    r"(?:in\s+each|in\s+every|per|for\s+each)\s+(?:group|arm|cohort)\b",
    re.IGNORECASE,
)
#: how many groups: "three groups", "two arms"
_K_GROUPS = re.compile(
    rf"\b(?P<k>{NUMBER})\s+(?:(?:equal|treatment|study|parallel|dose)\s+)?(?:groups|arms|cohorts)\b",
    re.IGNORECASE,
)


def group_sizes(text: str, lo: int, hi: int) -> tuple[int, int, tuple[int, int]] | None:
    """(number of groups, size of each, span of the size) for groups of equal size: "three
    groups of 16"; "16 in each group" with the number of groups said in ``[lo, hi)``."""
    region = text[lo:hi].lower()
    if "group" not in region and "arm" not in region and "cohort" not in region:
        return None
    m = _GROUPS_OF.search(text, lo, hi)
    if m is not None:
        k, n, span = parse_number(m.group("k")), parse_number(m.group("n")), m.span("n")
    else:
        m = _PER_GROUP.search(text, lo, hi)
        km = _K_GROUPS.search(text, lo, hi) if m is not None else None
        if m is None or km is None:
            return None
        k, n, span = parse_number(km.group("k")), parse_number(m.group("n")), m.span("n")
    if k is None or n is None or not 2 <= k <= 12 or n < 1 or k != int(k) or n != int(n):
        return None
    return int(k), int(n), span


def _is_group_size(text: str, f: FigureMatch) -> bool:
    """Is this count the size of each of several groups ("groups of 16", "16 per group")?"""
    s = f.span[0]
    return bool(
        re.search(r"\b(?:groups|arms|cohorts)\s+of\s+$", text[max(0, s - 20) : s], re.IGNORECASE)
        or _PER_GROUP.match(text, s)
        or re.match(r"\s+each\b", text[f.span[1] : f.span[1] + 8])
    )


def enrollment_of(
    text: str, lo: int, hi: int, counts: list[FigureMatch], *, foreign: bool = True
) -> int | None:
    """The claimed total number of participants among the counts in ``[lo, hi)``; with
    ``foreign``, enrolment verbs of ``languages`` count too. Groups of equal size ("three
    groups of 16") make the total when no count is one."""
    total = _enrollment_of(text, lo, hi, counts, foreign=foreign)
    if total is None:
        g = group_sizes(text, lo, hi)
        if g is not None:
            total = g[0] * g[1]
    return total


def _enrollment_of(
    text: str, lo: int, hi: int, counts: list[FigureMatch], *, foreign: bool
) -> int | None:
    for f in counts:
        if f.noun in ("of which", "arm"):
            continue  # the size of an arm, not of the trial
        if _is_group_size(text, f) or FIRST_ARM.match(text, f.span[1]):
            continue  # the size of one group or arm, not of the trial
        if f.noun == "n=":
            # "a Phase II trial in 2021 (n=48)" is the trial's size; "placebo (n=12)" an arm's
            before = text[max(lo, f.span[0] - 40) : f.span[0]]
            if re.search(
                r"(?:trials?|stud(?:y|ies)|\d{4}|participants|patients|subjects|enrolled|total)"
                r"\s*[(\[,]?\s*$",
                before,
                re.IGNORECASE,
            ):
                return int(f.value)
            continue
        s, e = f.span
        before = text[max(lo, s - 60) : s]
        after = text[e : min(hi, e + 90)]
        if _OUTCOME_AFTER.match(after):
            continue
        if _ENROL_BEFORE.search(before) or _ENROL_AFTER.match(after):
            return int(f.value)
        if foreign and (_ENROL_BEFORE_FOREIGN.search(before) or _ENROL_AFTER_FOREIGN.match(after)):
            return int(f.value)
        if _LIST_AFTER_PHASE.search(before) and re.match(r"\s*[,;)]", after):
            # a trial's facts listed: "NCT01234567: ..., phase 1/2, 10 babies, at X Hospital"
            return int(f.value)
        if _GAVE_TO.search(text, max(lo, s - 170), s):
            # "gave single or repeated injections of ... cells to 27 people"
            return int(f.value)
        if _APPOSITION_BEFORE.search(before) and _APPOSITION_AFTER.match(after):
            # "a Phase II ... at a university hospital in Curitiba, 30 patients, that ...":
            # a count set off by commas among the trial's facts is its size
            return int(f.value)
    return None


_ARM_GATE = re.compile(
    r"receiv|given|\bg[eo]t\b|treated|randomi|assign|allocat|remaining|other|n\s?=|underw|undergo|"
    r"group|cohort|\barms?\b|placebo|sham",
    re.IGNORECASE,
)
_ARM_GATE_LOWER = re.compile(_ARM_GATE.pattern)


#: the arm patterns without IGNORECASE, for the lower-cased window (``text.lower_window``);
#: None where the pattern is case-sensitive already
_ARM_PATTERNS_LOWER: list[re.Pattern[str] | None] = [
    None if not rx.flags & re.IGNORECASE else re.compile(rx.pattern) for rx in _ARM_PATTERNS
]


def _arm_matches(
    k: int, text: str, lo: int, hi: int, lw: tuple[str, int] | None
) -> list[tuple[int, Span, str, str]]:
    """(start, span of the size, size, label or description) of each match of arm pattern
    ``k`` in ``text[lo:hi]``, the strings as written; an IGNORECASE pattern runs
    case-sensitively on the lower-cased window ``lw`` when there is one (the same spans)."""
    rx = _ARM_PATTERNS[k]
    rx_lower = _ARM_PATTERNS_LOWER[k]
    has_desc = "desc" in rx.groupindex
    out: list[tuple[int, Span, str, str]] = []
    if rx_lower is None or lw is None:
        for m in rx.finditer(text, lo, hi):
            desc = m.group("desc") if has_desc else None
            out.append((m.start(), m.span("n"), m.group("n"), desc or m.group("label")))
        return out
    low, off = lw
    for m in rx_lower.finditer(low, lo - off):
        ns, ne = m.start("n") + off, m.end("n") + off
        ds = m.start("desc") if has_desc else -1
        if ds >= 0 and m.end("desc") > ds:
            what = text[ds + off : m.end("desc") + off]
        else:
            what = text[m.start("label") + off : m.end("label") + off]
        out.append((m.start() + off, (ns, ne), text[ns:ne], what))
    return out


def arms_of(text: str, lo: int, hi: int) -> list[Arm]:
    arms: list[tuple[int, Arm]] = []
    lw = lower_window(text, lo, hi)
    if lw is None:
        if not _ARM_GATE.search(text, lo, hi):
            return []
    elif not _ARM_GATE_LOWER.search(lw[0], lo - lw[1]):
        return []
    region = text[lo:hi].lower()
    patterns: list[int] = []
    if any(
        k in region
        for k in (
            "receiv",
            "given",
            "get",
            "treated",
            "randomi",
            "assign",
            "alloc",
            "underw",
            "undergo",
            "got",
        )
    ):
        patterns.append(0)
    if "remaining" in region or "other" in region:
        patterns.append(1)
    if "n=" in region.replace(" ", ""):
        patterns.append(2)
    if any(
        k in region for k in ("placebo", "sham", "saline", "vehicle", "standard of care", "control")
    ):
        patterns.append(3)
    if " to " in region or " on " in region:
        patterns.append(4)
    if " in the " in region:
        patterns.append(5)
    seen: set[tuple[int, int]] = set()
    listed = False
    for k in patterns:
        for start, key, n_text, what in _arm_matches(k, text, lo, hi, lw):
            ns = key[0]
            if ns > 0 and (text[ns - 1] in ":/.," or text[ns - 1].isdigit()):
                continue  # "2:1" is a ratio, not an arm of one
            n = parse_number(n_text)
            # "6 with early ALS received ...": the arm is the group described
            label = what.strip(" -–—\"'“”")
            label = re.sub(
                r"^(?:(?:and|or|while|plus|with|vs\.?|versus)\s+)?(?:(?:the|a|an)\s+)?",
                "",
                label,
                flags=re.IGNORECASE,
            )
            label = _LABEL_TRIM.sub("", label).strip()
            if k == 2:
                # "randomized 1,200 women to X plus Y (n=600)": the arm is what they were given
                label = re.split(
                    r"\s(?:to|received|receiving|receive|with|of)\s", label, flags=re.IGNORECASE
                )[-1]
            if not label or n is None or len(label.split()) > 6:
                continue
            if re.match(r"^(?:treatment|therapy|a|the|it|them)$", label, re.IGNORECASE):
                continue
            if key in seen:
                continue
            seen.add(key)
            arms.append((start, Arm(label=label, n=int(n))))
            if k == 4:
                listed = True
    arms.sort(key=lambda t: t[0])
    if (
        len(arms) == 1
        and listed
        and not re.match(r"placebo|sham|control", arms[0][1].label, re.IGNORECASE)
    ):
        return []  # one "N to X" alone is no list of arms ("12 to Boston"); two or more are
    if not arms:
        g = group_sizes(text, lo, hi)
        if g is not None:
            # "three groups of 16": the arms are not named, only counted
            return [Arm(label=f"group {i}", n=g[1]) for i in range(1, g[0] + 1)]
    return [a for _, a in arms]


_RATIO_ARMS = re.compile(
    r"randomi[sz]ed\s+(?:(?:patients|participants|subjects)\s+)?(?:(?:in\s+)?an?\s+)?"
    r"(?:\d+\s*:\s*\d+\s+(?:ratio\s+)?)?(?:to\s+)?"
    r"(?:receive\s+)?(?:either\s+)?(?P<a>[^,.;:()]{1,40}?)\s+(?:or|versus|vs\.?)\s+"
    r"(?:a\s+|matching\s+)*(?P<b>placebo|sham|standard\s+of\s+care|[^,.;:()]{1,40}?)"
    r"(?=\s*(?:[,.;:()]|\band\b|\bfor\b|\bover\b|\bat\b|$))",
    re.IGNORECASE,
)


def ratio_arms_of(text: str, lo: int, hi: int) -> list[Arm]:
    """Arms named without sizes: "randomized 2:1 to receive X or placebo"."""
    m = _RATIO_ARMS.search(text, lo, hi) if "andomi" in text[lo:hi] else None
    if not m:
        return []
    out = []
    for g in ("a", "b"):
        label = re.sub(r"^(?:the|a|an)\s+", "", m.group(g).strip(), flags=re.IGNORECASE)
        label = _LABEL_TRIM.sub("", label).strip()
        if not label or len(label.split()) > 5 or label.lower() in ("patients", "participants"):
            return []
        out.append(Arm(label=label, n=None))
    return out


def follow_up_of(text: str, lo: int, hi: int) -> FollowUp | None:
    if "follow" not in text[lo:hi].lower():
        return None
    m = _FOLLOW.search(text, lo, hi)
    if not m:
        return None
    n = m.group("n") or m.group("n2") or m.group("n3")
    u = m.group("u") or m.group("u2") or m.group("u3")
    value = parse_number(n)
    if value is None:
        return None
    unit = u.lower()
    if not unit.endswith("s"):
        unit += "s"
    return FollowUp(value=int(value) if value == int(value) else value, unit=unit)
