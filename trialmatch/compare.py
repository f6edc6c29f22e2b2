"""Comparison: set every marketing statement beside the registered fact, with a verdict.

Owned by issue #4. Verdict vocabulary and flag ids are fixed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trialmatch.claims.model import Claim, DocumentClaims, Figure
from trialmatch.matching import Match

VERDICTS = ("consistent", "partly consistent", "differs", "not in record", "not claimed")
FIELDS = (
    "phase",
    "design",
    "enrollment",
    "arms",
    "start_date",
    "completion_date",
    "status",
    "country",
    "sponsor",
    "intervention",
    "registration",
    "results",
)
FIGURE_VERDICTS = ("no registered trial", "no posted results", "results posted")
FLAGS = (
    "retrospective_registration",
    "results_overdue",
    "status_stale",
    "stopped_or_unknown",
    "enrollment_below_claim",
    "phase_mismatch",
    "miscited_id",
)


@dataclass(frozen=True)
class Comparison:
    """One compared fact: what the document claims beside what the record registers."""

    nct_id: str
    """The linked record."""
    field: str
    """One of FIELDS."""
    claimed: Any
    """The claim's value, as native JSON (None when not claimed)."""
    registered: Any
    """The record's value, as native JSON (None when not in the record)."""
    verdict: str
    """One of VERDICTS."""
    source_path: str
    """API v2 path of the registered value, e.g. ``protocolSection.designModule.phases``."""
    record_version: str | None
    """The record's versionHolder, or None."""
    retrieved_at: str
    """When the record was retrieved (ISO UTC)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "field": self.field,
            "claimed": self.claimed,
            "registered": self.registered,
            "verdict": self.verdict,
            "source_path": self.source_path,
            "record_version": self.record_version,
            "retrieved_at": self.retrieved_at,
        }


@dataclass(frozen=True)
class Flag:
    """A record-level finding."""

    nct_id: str
    """The record."""
    flag: str
    """One of FLAGS."""
    detail: str
    """Why, in words, with the dates or numbers involved."""

    def to_dict(self) -> dict[str, Any]:
        return {"nct_id": self.nct_id, "flag": self.flag, "detail": self.detail}


@dataclass(frozen=True)
class CheckedClaim:
    """A claim with its links, comparisons and flags."""

    claim: Claim
    """The extracted claim."""
    matches: tuple[Match, ...] = ()
    """Accepted links, best first; empty means no registered trial was found."""
    candidates: tuple[Match, ...] = ()
    """Best rejected records."""
    comparisons: tuple[Comparison, ...] = ()
    """One row per compared fact per linked record."""
    flags: tuple[Flag, ...] = ()
    """Record-level flags for the linked records."""
    queries: tuple[str, ...] = ()
    """Registry queries made for this claim."""

    def to_dict(self) -> dict[str, Any]:
        out = self.claim.to_dict()
        out.update(
            matches=[m.to_dict() for m in self.matches],
            candidates=[m.to_dict() for m in self.candidates],
            comparisons=[c.to_dict() for c in self.comparisons],
            flags=[f.to_dict() for f in self.flags],
            queries=list(self.queries),
        )
        return out


@dataclass(frozen=True)
class CheckedFigure:
    """A figure with its verdict and the registered outcomes it stands beside."""

    figure: Figure
    """The extracted figure."""
    figure_verdict: str
    """One of FIGURE_VERDICTS."""
    nct_ids: tuple[str, ...] = ()
    """Records linked to the figure's claim."""
    registered_outcomes: tuple[dict[str, Any], ...] = ()
    """Primary outcome measures and posted results of those records, for side-by-side display."""

    def to_dict(self) -> dict[str, Any]:
        out = self.figure.to_dict()
        out.update(
            figure_verdict=self.figure_verdict,
            nct_ids=list(self.nct_ids),
            registered_outcomes=list(self.registered_outcomes),
        )
        return out


@dataclass(frozen=True)
class CheckedDocument:
    """The output of ``trialmatch check`` for one document."""

    doc: DocumentClaims
    """Extraction output."""
    claims: tuple[CheckedClaim, ...] = ()
    """Claims with matches and comparisons, in document order."""
    figures: tuple[CheckedFigure, ...] = ()
    """Figures with verdicts, in document order."""
    run_date: str = ""
    """ISO date against which age-based flags were computed."""
    registry: str = ""
    """The registry source used (``Registry.description``)."""
    studies: dict[str, Any] = field(default_factory=dict, compare=False)
    """nct_id -> Study for every linked record (for reports)."""

    def to_dict(self) -> dict[str, Any]:
        out = self.doc.to_dict()
        out["claims"] = [c.to_dict() for c in self.claims]
        out["figures"] = [f.to_dict() for f in self.figures]
        out["run_date"] = self.run_date
        out["registry"] = self.registry
        return out


# =============================================================================== logic
# Everything below is compare's behaviour; the types above are the seam.

import datetime as _dt
import re
from collections.abc import Sequence

from trialmatch import facts
from trialmatch.matching import ClaimMatches, DocumentMatches, claimed_design_terms
from trialmatch.registry.study import RegistryDate, Study

_DESIGN = "protocolSection.designModule"
_STATUS = "protocolSection.statusModule"

#: status words in the text -> registry statuses that are the same stage, and later stages
_STATUS_STAGE = {
    "approved": 0,
    "planned": 0,
    "entering": 0,
    "launched": 0,
    "launching": 0,
    "starting": 0,
    "initiated": 0,
    "recruiting": 1,
    "enrolling": 1,
    "running": 2,
    "ongoing": 2,
    "underway": 2,
    "active": 2,
    "completed": 3,
    "finished": 3,
}
_REGISTRY_STAGE = {
    "NOT_YET_RECRUITING": 0,
    "RECRUITING": 1,
    "ENROLLING_BY_INVITATION": 1,
    "ACTIVE_NOT_RECRUITING": 2,
    "COMPLETED": 3,
}
_STOPPED = ("TERMINATED", "WITHDRAWN", "SUSPENDED", "UNKNOWN")
_SUCCESS = re.compile(
    r"\b(success\w*|promising|effective|efficacy proofs?|benefi\w+|improv\w+|halts?|positive|"
    r"proven|breakthrough|showed|demonstrated)\b",
    re.IGNORECASE,
)


def _date_text(d: RegistryDate | None) -> str | None:
    return d.text if d else None


class _Rows:
    def __init__(self, nct_id: str, version: str | None, retrieved_at: str) -> None:
        self.rows: list[Comparison] = []
        self.nct_id, self.version, self.retrieved_at = nct_id, version, retrieved_at

    def add(self, field_: str, claimed: Any, registered: Any, verdict: str, path: str) -> None:
        if registered is None or registered == [] or registered == {}:
            verdict, registered = "not in record", None
        elif claimed is None or claimed == []:
            verdict, claimed = "not claimed", None
        self.rows.append(
            Comparison(
                self.nct_id,
                field_,
                claimed,
                registered,
                verdict,
                path,
                self.version,
                self.retrieved_at,
            )
        )


_WORD = {"agreed": "consistent", "partly": "partly consistent", "disagreed": "differs"}


def _claimed_date(d: Any) -> str | None:
    if d is None:
        return None
    return d.start if not d.end or d.end == d.start else f"{d.start}..{d.end}"


def compare_claim_study(
    claim: Claim,
    study: Study,
    *,
    retrieved_at: str,
    aliases: dict[str, tuple[str, ...]] | None = None,
    linked_enrollments: Sequence[int | None] = (),
    run_date: _dt.date | None = None,
) -> list[Comparison]:
    """One row per field for one linked record. Registry values come only from structured
    fields of the record; a field the record lacks is ``not in record``."""
    aliases = aliases or {}
    r = _Rows(study.nct_id, study.record_version, retrieved_at)

    # phase
    phases = list(claim.phases) or None
    verdict = (
        facts.compare_phases(claim.phases, study.phases) if claim.phases and study.phases else ""
    )
    r.add("phase", phases, list(study.phases) or None, _WORD.get(verdict, ""), f"{_DESIGN}.phases")

    # design
    terms = claimed_design_terms(claim)
    reg_design = {
        k: v
        for k, v in (
            ("allocation", study.allocation),
            ("masking", study.masking),
            ("intervention_model", study.intervention_model),
        )
        if v
    }
    outcomes = [o for t in terms if (o := facts.design_term_outcome(t, study))]
    if outcomes and all(o[0] == "agreed" for o in outcomes) and len(outcomes) == len(terms):
        dv = "consistent"
    elif outcomes and any(o[0] in ("agreed", "partly") for o in outcomes):
        dv = "partly consistent"
    elif outcomes:
        dv = "differs"
    else:
        dv = "not in record"
    if terms and reg_design and not outcomes:
        dv = "not in record"  # the record's design facts do not bear on the claimed terms
    r.add("design", list(terms) or None, reg_design or None, dv, f"{_DESIGN}.designInfo")

    # enrollment
    n = claim.enrollment
    if n is None:
        ns = [a.n for a in claim.arms if a.n is not None]
        n = sum(ns) if ns and len(ns) == len(claim.arms) else None
    ev = ""
    if n is not None and study.enrollment is not None:
        k = max(claim.trial_count, 1)
        if k > 1:
            known = [e for e in linked_enrollments if e is not None]
            if study.enrollment > n:
                ev = "differs"
            elif len(known) == k and sum(known) == n:
                ev = "consistent"
            else:
                ev = "partly consistent"
        else:
            o, _ = facts.enrollment_outcome(n, study.enrollment, 1)
            ev = (
                "consistent"
                if study.enrollment == n
                else _WORD[o]
                if o != "agreed"
                else "partly consistent"
            )
    r.add("enrollment", n, study.enrollment, ev, f"{_DESIGN}.enrollmentInfo.count")

    # arms
    claimed_arms = [{"label": a.label, "n": a.n} for a in claim.arms] or None
    reg_arms = [{"label": a.label, "type": a.type} for a in study.arm_groups] or None
    av = ""
    if claimed_arms and reg_arms:
        av = "consistent" if len(claimed_arms) == len(reg_arms) else "differs"
    r.add("arms", claimed_arms, reg_arms, av, "protocolSection.armsInterventionsModule.armGroups")

    # start and completion dates
    st = facts.claimed_start(claim.dates)
    ci = None
    if st:
        ci = facts.claimed_interval(st.start, st.start if st.role == "period" else st.end)
    reg = facts.registered_interval(study.start_date)
    sv = _WORD[facts.date_verdict(ci, reg)] if ci and reg else ""
    r.add(
        "start_date",
        ci.text if ci else None,
        _date_text(study.start_date),
        sv,
        f"{_STATUS}.startDateStruct",
    )
    cp = facts.claimed_completion(claim.dates)
    cc = None
    if cp:
        end = cp.end or cp.start
        cc = facts.claimed_interval(end if cp.role == "period" else cp.start, end)
    comp = study.completion_date or study.primary_completion_date
    path = (
        f"{_STATUS}.completionDateStruct"
        if study.completion_date
        else (f"{_STATUS}.primaryCompletionDateStruct")
    )
    rc = facts.registered_interval(comp)
    cv = _WORD[facts.date_verdict(cc, rc)] if cc and rc else ""
    r.add("completion_date", cc.text if cc else None, _date_text(comp), cv, path)

    # status
    words = [w for w in claim.status if w.lower() in _STATUS_STAGE]
    claimed_status = list(claim.status) or None
    stv = ""
    if words and study.overall_status:
        stage = max(_STATUS_STAGE[w.lower()] for w in words)
        reg_stage = _REGISTRY_STAGE.get(study.overall_status)
        if reg_stage is None:
            stv = "differs"  # stopped, withdrawn, unknown...
        elif reg_stage == stage:
            stv = "consistent"
        elif reg_stage > stage:
            stv = "partly consistent"  # the trial has moved on since the text was written
        else:
            stv = "differs"
    elif claimed_status and study.overall_status:
        stv = "partly consistent"
    r.add("status", claimed_status, study.overall_status, stv, f"{_STATUS}.overallStatus")

    # country
    reg_c = list(study.countries) or None
    cov = ""
    if claim.countries and reg_c:
        ck = {facts.country_key(x) for x in claim.countries}
        rk = {facts.country_key(x) for x in reg_c}
        cov = "consistent" if ck <= rk else ("partly consistent" if ck & rk else "differs")
    r.add(
        "country",
        list(claim.countries) or None,
        reg_c,
        cov,
        "protocolSection.contactsLocationsModule.locations",
    )

    # sponsor
    orgs = list(study.sponsor_names) or None
    spv = ""
    if claim.sponsors and orgs:
        _, _, s = facts.best_org_match(claim.sponsors, orgs)
        spv = "consistent" if s >= facts.ORG_MATCH else "differs"
    r.add(
        "sponsor",
        list(claim.sponsors) or None,
        orgs,
        spv,
        "protocolSection.sponsorCollaboratorsModule",
    )

    # intervention
    reg_iv = [iv.name for iv in study.interventions] or None
    iv_strings = [s for iv in study.interventions for s in (iv.name, *iv.other_names)]
    ivv = ""
    if claim.names and reg_iv:
        hit = any(
            facts.name_in(s, a)
            for n in claim.names
            for a in (n, *aliases.get(n, ()))
            for s in iv_strings
        )
        if hit:
            ivv = "consistent"
        else:
            generic = [n for n in claim.names if not facts.is_specific(n)]
            gt = {t for n in generic for t in facts.tokens(n)}
            rt = {t for s in iv_strings for t in facts.tokens(s)}
            ivv = "partly consistent" if gt and len(gt & rt) / len(gt) >= 0.5 else "differs"
    r.add(
        "intervention",
        list(claim.names) or None,
        reg_iv,
        ivv,
        "protocolSection.armsInterventionsModule.interventions",
    )

    # registration: when the record was first posted; the claim's side is the ID it cites
    cited = [i for i in claim.nct_ids if i == study.nct_id or i in study.aliases] or None
    r.add(
        "registration",
        cited,
        _date_text(study.first_posted),
        "consistent" if cited else "",
        f"{_STATUS}.studyFirstPostDateStruct",
    )

    # results
    res = facts.claimed_results(claim.dates)
    reg_res: Any = None
    if study.has_results is not None:
        reg_res = {
            "has_results": study.has_results,
            "results_first_posted": _date_text(study.results_first_posted),
        }
    rv = ""
    if res and study.has_results is not None:
        if study.has_results:
            rv = "consistent"
        else:
            promised = facts.claimed_interval(res.start, res.end)
            not_due = promised is not None and run_date is not None and promised.last >= run_date
            rv = "consistent" if not_due else "differs"  # results promised and not posted
    r.add("results", _claimed_date(res), reg_res, rv, "hasResults")
    return r.rows


def _speaks_ongoing_or_success(claim: Claim) -> bool:
    if any(w.lower() in _STATUS_STAGE and _STATUS_STAGE[w.lower()] <= 2 for w in claim.status):
        return True
    return bool(_SUCCESS.search(claim.quote or ""))


def _secondary_ids(study: Study) -> str:
    if not study.secondary_ids:
        return "the record lists no secondary IDs"
    return "secondary IDs: " + ", ".join(
        f"{s.id} ({s.type})" if s.type else s.id for s in study.secondary_ids
    )


def flags_for(
    claim: Claim, study: Study, *, run_date: _dt.date, linked_enrollments: Sequence[int | None] = ()
) -> list[Flag]:
    """Record-level flags for one linked record (miscited_id comes from matching)."""
    out: list[Flag] = []
    nid = study.nct_id
    if study.first_posted and study.start_date:
        lag = (study.first_posted.first_day - study.start_date.last_day).days
        if lag > 90:
            out.append(
                Flag(
                    nid,
                    "retrospective_registration",
                    f"first posted {study.first_posted.text}, {lag} days after the start "
                    f"{study.start_date.text}; {_secondary_ids(study)}",
                )
            )
    comp = study.primary_completion_date or study.completion_date
    if comp and study.has_results is False:
        done = comp.type == "ACTUAL" or study.overall_status in ("COMPLETED", "TERMINATED")
        due = comp.last_day + _dt.timedelta(days=365)
        if done and due < run_date:
            which = "primary completion" if study.primary_completion_date else "completion"
            out.append(
                Flag(
                    nid,
                    "results_overdue",
                    f"{which} {comp.text} ({study.overall_status or 'status not stated'}), more "
                    f"than 12 months before {run_date.isoformat()}, and no results posted",
                )
            )
    if study.status_verified and study.overall_status not in (
        "COMPLETED",
        "TERMINATED",
        "WITHDRAWN",
    ):
        age = (run_date - study.status_verified.last_day).days
        if age > 730:
            out.append(
                Flag(
                    nid,
                    "status_stale",
                    f"status {study.overall_status or '?'} last verified {study.status_verified.text},"
                    f" {age // 365} years before {run_date.isoformat()}",
                )
            )
    if study.overall_status in _STOPPED and _speaks_ongoing_or_success(claim):
        why = f" ({study.why_stopped})" if study.why_stopped else ""
        last = f", last known {study.last_known_status}" if study.last_known_status else ""
        out.append(
            Flag(
                nid,
                "stopped_or_unknown",
                f"registered status {study.overall_status}{last}{why}, while the text speaks of "
                f"it as {', '.join(claim.status) or 'a success'}",
            )
        )
    n = claim.enrollment
    if n is None:
        ns = [a.n for a in claim.arms if a.n is not None]
        n = sum(ns) if ns and len(ns) == len(claim.arms) else None
    actual = study.enrollment_type == "ACTUAL" or (
        study.enrollment_type is None and study.overall_status in ("COMPLETED", "TERMINATED")
    )
    if n and study.enrollment is not None and actual:
        k = max(claim.trial_count, 1)
        known = [e for e in linked_enrollments if e is not None]
        total = study.enrollment if k == 1 else (sum(known) if len(known) == k else None)
        if total is not None and total < 0.8 * n:
            basis = (
                "ACTUAL"
                if study.enrollment_type == "ACTUAL"
                else (f"count of a {study.overall_status} study")
            )
            out.append(
                Flag(
                    nid,
                    "enrollment_below_claim",
                    f"registered enrollment {total} ({basis}) is well below the claimed {n}",
                )
            )
    if claim.phases and study.phases and set(claim.phases) != set(study.phases):
        out.append(
            Flag(
                nid,
                "phase_mismatch",
                f"claimed {'+'.join(claim.phases)}, registered {'+'.join(study.phases)}",
            )
        )
    return out


def _outcomes_for(study: Study) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for o in study.primary_outcomes:
        out.append(
            {
                "nct_id": study.nct_id,
                "kind": "primary_outcome",
                "measure": o.measure,
                "time_frame": o.time_frame,
                "source_path": "protocolSection.outcomesModule.primaryOutcomes",
            }
        )
    for ro in study.result_outcomes:
        if ro.type not in (None, "PRIMARY"):
            continue
        out.append(
            {
                "nct_id": study.nct_id,
                "kind": "posted_result",
                "measure": ro.title,
                "time_frame": ro.time_frame,
                "unit": ro.unit,
                "values": [{"group": g, "value": v} for g, v in ro.groups],
                "source_path": "resultsSection.outcomeMeasuresModule.outcomeMeasures",
            }
        )
    return out


def compare_document(
    doc: DocumentClaims,
    matches: DocumentMatches,
    *,
    run_date: _dt.date,
    registry: str,
) -> CheckedDocument:
    """Set every claim beside its linked records, fact by fact, and give every figure a verdict."""
    by_claim: dict[str, ClaimMatches] = {cm.claim_id: cm for cm in matches.claims}
    checked: list[CheckedClaim] = []
    links: dict[str, tuple[str, ...]] = {}
    for claim in doc.claims:
        cm = by_claim.get(claim.claim_id, ClaimMatches(claim.claim_id))
        studies = [matches.studies[m.nct_id] for m in cm.matches if m.nct_id in matches.studies]
        enrollments = [s.enrollment for s in studies]
        rows: list[Comparison] = []
        flags: list[Flag] = []
        for s in studies:
            rows += compare_claim_study(
                claim,
                s,
                retrieved_at=matches.retrieved_at,
                aliases=matches.aliases,
                linked_enrollments=enrollments,
                run_date=run_date,
            )
            flags += flags_for(claim, s, run_date=run_date, linked_enrollments=enrollments)
        for nct, detail in cm.miscited:
            flags.append(Flag(nct, "miscited_id", detail))
        links[claim.claim_id] = tuple(m.nct_id for m in cm.matches)
        checked.append(
            CheckedClaim(
                claim=claim,
                matches=cm.matches,
                candidates=cm.candidates,
                comparisons=tuple(rows),
                flags=tuple(flags),
                queries=cm.queries,
            )
        )
    figures: list[CheckedFigure] = []
    for fig in doc.figures:
        ids = links.get(fig.claim_id or "", ())
        if not ids:
            figures.append(CheckedFigure(fig, "no registered trial"))
            continue
        studies = [matches.studies[i] for i in ids if i in matches.studies]
        posted = any(s.has_results for s in studies)
        outcomes = tuple(o for s in studies for o in _outcomes_for(s))
        figures.append(
            CheckedFigure(fig, "results posted" if posted else "no posted results", ids, outcomes)
        )
    return CheckedDocument(
        doc=doc,
        claims=tuple(checked),
        figures=tuple(figures),
        run_date=run_date.isoformat(),
        registry=registry,
        studies=dict(matches.studies),
    )
