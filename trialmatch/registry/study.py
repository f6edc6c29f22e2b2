"""Study: the normalized, typed ClinicalTrials.gov record, built from API v2 JSON.

Nothing here guesses: a value absent from the record is ``None`` (or an empty tuple), and dates
keep exactly the text, precision and ACTUAL/ESTIMATED type the record gives them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from trialmatch.registry.errors import MalformedResponseError

Precision = Literal["year", "month", "day"]

STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"
NCT_ID_RE = re.compile(r"^NCT\d{8}$")


@dataclass(frozen=True)
class RegistryDate:
    """A date as the registry states it, with its precision and type."""

    text: str
    """The date string exactly as the record gives it: ``"2011"``, ``"2011-06"`` or ``"2011-06-30"``."""
    precision: Precision
    """How much of the date the record states: a ``2011-06`` date is a month, not the 1st."""
    type: str | None = None
    """``"ACTUAL"`` or ``"ESTIMATED"``, or ``None`` where the record does not say."""
    source_path: str = ""
    """The API v2 path the value came from, e.g. ``protocolSection.statusModule.startDateStruct``."""

    @classmethod
    def parse(cls, text: str, type: str | None = None, source_path: str = "") -> RegistryDate:
        text = text.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            precision: Precision = "day"
        elif re.fullmatch(r"\d{4}-\d{2}", text):
            precision = "month"
        elif re.fullmatch(r"\d{4}", text):
            precision = "year"
        else:
            raise MalformedResponseError(f"unparseable date {text!r} at {source_path or '?'}")
        date = cls(text=text, precision=precision, type=type, source_path=source_path)
        try:
            date.last_day  # noqa: B018 - a "2011-13" or "2011-02-30" is not a date
        except ValueError:
            raise MalformedResponseError(
                f"impossible date {text!r} at {source_path or '?'}"
            ) from None
        return date

    @property
    def first_day(self) -> dt.date:
        """The earliest calendar day the stated date can mean."""
        parts = [int(p) for p in self.text.split("-")]
        return dt.date(
            parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
        )

    @property
    def last_day(self) -> dt.date:
        """The latest calendar day the stated date can mean."""
        parts = [int(p) for p in self.text.split("-")]
        if len(parts) == 3:
            return dt.date(*parts)
        if len(parts) == 2:
            return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
        return dt.date(parts[0], 12, 31)

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.text, "type": self.type, "precision": self.precision}


@dataclass(frozen=True)
class Organization:
    """A sponsor or collaborator."""

    name: str
    """The organization's name as registered."""
    cls: str | None = None
    """The API's agency class (``INDUSTRY``, ``OTHER``, ``NIH``, ...), or ``None`` if not stated."""


@dataclass(frozen=True)
class Intervention:
    """One registered intervention."""

    name: str
    """The intervention name as registered (``armsInterventionsModule.interventions[].name``)."""
    type: str | None = None
    """The API's intervention type (``DRUG``, ``BIOLOGICAL``, ...)."""
    description: str | None = None
    """Free-text description, if registered."""
    other_names: tuple[str, ...] = ()
    """Other names the record gives (brand names, code names): ``interventions[].otherNames``."""
    arm_group_labels: tuple[str, ...] = ()
    """Labels of the arms that receive this intervention."""


@dataclass(frozen=True)
class ArmGroup:
    """One registered arm."""

    label: str
    """The arm label as registered."""
    type: str | None = None
    """``EXPERIMENTAL``, ``PLACEBO_COMPARATOR``, ... or ``None``."""
    description: str | None = None
    """Free-text description, if registered."""
    intervention_names: tuple[str, ...] = ()
    """Intervention names given for the arm."""


@dataclass(frozen=True)
class Location:
    """One registered site."""

    facility: str | None = None
    """Facility name."""
    city: str | None = None
    """City."""
    state: str | None = None
    """State or province."""
    country: str | None = None
    """Country as the registry spells it (``"United States"``); ``None`` where the record lacks it."""
    status: str | None = None
    """Recruitment status of the site, if registered."""


@dataclass(frozen=True)
class Outcome:
    """A registered outcome measure (protocol section)."""

    measure: str
    """The measure's title."""
    description: str | None = None
    """Its description, if registered."""
    time_frame: str | None = None
    """Its time frame, if registered."""


@dataclass(frozen=True)
class ResultOutcome:
    """An outcome measure with posted results (results section)."""

    type: str | None
    """``PRIMARY``, ``SECONDARY``, ``OTHER_PRE_SPECIFIED`` or ``POST_HOC``."""
    title: str
    """The measure's title."""
    unit: str | None = None
    """Unit of measure, e.g. ``"percentage of participants"``."""
    time_frame: str | None = None
    """Time frame as registered."""
    groups: tuple[tuple[str, str], ...] = ()
    """(group title, value) pairs of the first measurement class, values as posted strings."""


@dataclass(frozen=True)
class SecondaryId:
    """A secondary identifier, e.g. a EudraCT number."""

    id: str
    """The identifier as registered."""
    type: str | None = None
    """The API's type (``EUDRACT_NUMBER``, ``NIH``, ``OTHER``, ...)."""
    domain: str | None = None
    """The issuing domain, if registered."""


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(v for v in _list(value) if isinstance(v, str) and v.strip())


@dataclass(frozen=True)
class Study:
    """A ClinicalTrials.gov study, normalized from API v2 JSON. Absent values are ``None``/empty."""

    nct_id: str
    """The NCT ID (``protocolSection.identificationModule.nctId``)."""
    brief_title: str | None = None
    """``identificationModule.briefTitle``."""
    official_title: str | None = None
    """``identificationModule.officialTitle``."""
    acronym: str | None = None
    """``identificationModule.acronym``."""
    org_study_id: str | None = None
    """The sponsor's own study ID (``identificationModule.orgStudyIdInfo.id``)."""
    secondary_ids: tuple[SecondaryId, ...] = ()
    """``identificationModule.secondaryIdInfos``: EudraCT numbers and other registries' IDs."""
    aliases: tuple[str, ...] = ()
    """Older NCT IDs that now point at this record (``nctIdAliases``, plus an alias we were
    redirected from)."""
    lead_sponsor: Organization | None = None
    """``sponsorCollaboratorsModule.leadSponsor``."""
    collaborators: tuple[Organization, ...] = ()
    """``sponsorCollaboratorsModule.collaborators``."""
    overall_status: str | None = None
    """API enum, e.g. ``"COMPLETED"`` (``statusModule.overallStatus``)."""
    last_known_status: str | None = None
    """``statusModule.lastKnownStatus`` (for UNKNOWN-status records)."""
    why_stopped: str | None = None
    """``statusModule.whyStopped``."""
    phases: tuple[str, ...] = ()
    """API enums (``PHASE1``, ``PHASE2``, ...) from ``designModule.phases``; empty if none."""
    study_type: str | None = None
    """``INTERVENTIONAL``, ``OBSERVATIONAL`` or ``EXPANDED_ACCESS``."""
    allocation: str | None = None
    """``RANDOMIZED``, ``NON_RANDOMIZED`` or ``NA`` (``designInfo.allocation``)."""
    masking: str | None = None
    """``NONE``, ``SINGLE``, ``DOUBLE``, ``TRIPLE`` or ``QUADRUPLE``."""
    who_masked: tuple[str, ...] = ()
    """``designInfo.maskingInfo.whoMasked``."""
    intervention_model: str | None = None
    """``SINGLE_GROUP``, ``PARALLEL``, ``CROSSOVER``, ... (``designInfo.interventionModel``)."""
    primary_purpose: str | None = None
    """``designInfo.primaryPurpose``."""
    enrollment: int | None = None
    """Number of participants (``designModule.enrollmentInfo.count``)."""
    enrollment_type: str | None = None
    """``ACTUAL`` or ``ESTIMATED``, or ``None`` where the record does not say."""
    start_date: RegistryDate | None = None
    """``statusModule.startDateStruct``."""
    primary_completion_date: RegistryDate | None = None
    """``statusModule.primaryCompletionDateStruct``."""
    completion_date: RegistryDate | None = None
    """``statusModule.completionDateStruct``."""
    first_submitted: RegistryDate | None = None
    """``statusModule.studyFirstSubmitDate`` (no type: it is always a real date)."""
    first_posted: RegistryDate | None = None
    """``statusModule.studyFirstPostDateStruct``: when the record first appeared publicly."""
    results_first_posted: RegistryDate | None = None
    """``statusModule.resultsFirstPostDateStruct``."""
    last_update_posted: RegistryDate | None = None
    """``statusModule.lastUpdatePostDateStruct``."""
    status_verified: RegistryDate | None = None
    """``statusModule.statusVerifiedDate`` (a month)."""
    conditions: tuple[str, ...] = ()
    """``conditionsModule.conditions``."""
    keywords: tuple[str, ...] = ()
    """``conditionsModule.keywords``."""
    interventions: tuple[Intervention, ...] = ()
    """``armsInterventionsModule.interventions``."""
    arm_groups: tuple[ArmGroup, ...] = ()
    """``armsInterventionsModule.armGroups``."""
    locations: tuple[Location, ...] = ()
    """``contactsLocationsModule.locations``."""
    primary_outcomes: tuple[Outcome, ...] = ()
    """``outcomesModule.primaryOutcomes``."""
    secondary_outcomes: tuple[Outcome, ...] = ()
    """``outcomesModule.secondaryOutcomes``."""
    has_results: bool | None = None
    """Top-level ``hasResults``; ``None`` where the record does not say."""
    result_outcomes: tuple[ResultOutcome, ...] = ()
    """Posted outcome results (``resultsSection.outcomeMeasuresModule.outcomeMeasures``)."""
    record_version: str | None = None
    """``derivedSection.miscInfoModule.versionHolder``: the date of the record version."""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)
    """The API v2 JSON this study was built from (kept for source paths; never shown as a value)."""

    # ------------------------------------------------------------------ derived views
    @property
    def url(self) -> str:
        return STUDY_URL.format(nct_id=self.nct_id)

    @property
    def countries(self) -> tuple[str, ...]:
        """Distinct countries of the registered locations, in record order."""
        seen: dict[str, None] = {}
        for loc in self.locations:
            if loc.country:
                seen.setdefault(loc.country, None)
        return tuple(seen)

    @property
    def sponsor_names(self) -> tuple[str, ...]:
        """Lead sponsor first, then collaborators."""
        names = [self.lead_sponsor.name] if self.lead_sponsor else []
        return tuple(names + [c.name for c in self.collaborators])

    @property
    def intervention_names(self) -> tuple[str, ...]:
        """Every intervention name and other name, in record order, deduplicated."""
        seen: dict[str, None] = {}
        for iv in self.interventions:
            seen.setdefault(iv.name, None)
            for other in iv.other_names:
                seen.setdefault(other, None)
        return tuple(seen)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_api(cls, data: Any, *, alias: str | None = None) -> Study:
        """Build a Study from one API v2 study object.

        Raises MalformedResponseError when ``data`` is not an object with
        ``protocolSection.identificationModule.nctId``. Unknown keys are ignored; missing
        modules give ``None``/empty values.
        """
        nct_id = _get(data, "protocolSection", "identificationModule", "nctId")
        if not isinstance(nct_id, str) or not NCT_ID_RE.match(nct_id.strip().upper()):
            raise MalformedResponseError(
                "study object lacks a valid protocolSection.identificationModule.nctId"
                f" (got {nct_id!r})"
            )
        nct_id = nct_id.strip().upper()
        ps = _get(data, "protocolSection") or {}
        ident = _get(ps, "identificationModule") or {}
        status = _get(ps, "statusModule") or {}
        sponsors = _get(ps, "sponsorCollaboratorsModule") or {}
        design = _get(ps, "designModule") or {}
        arms = _get(ps, "armsInterventionsModule") or {}
        base = "protocolSection.statusModule."

        def date_struct(key: str) -> RegistryDate | None:
            struct = _get(status, key)
            text = _str(_get(struct, "date"))
            if text is None:
                return None
            return RegistryDate.parse(text, _str(_get(struct, "type")), base + key)

        def plain_date(key: str) -> RegistryDate | None:
            text = _str(_get(status, key))
            return RegistryDate.parse(text, None, base + key) if text else None

        def org(obj: Any) -> Organization | None:
            name = _str(_get(obj, "name"))
            return Organization(name=name, cls=_str(_get(obj, "class"))) if name else None

        aliases = list(_strs(_get(ident, "nctIdAliases")))
        if alias and alias.upper() != nct_id and alias.upper() not in aliases:
            aliases.append(alias.upper())

        count = _get(design, "enrollmentInfo", "count")
        enrollment = count if isinstance(count, int) and not isinstance(count, bool) else None
        has_results = data.get("hasResults") if isinstance(data, Mapping) else None

        def outcomes(key: str) -> tuple[Outcome, ...]:
            out = []
            for o in _list(_get(ps, "outcomesModule", key)):
                measure = _str(_get(o, "measure"))
                if measure:
                    out.append(
                        Outcome(measure, _str(_get(o, "description")), _str(_get(o, "timeFrame")))
                    )
            return tuple(out)

        result_outcomes = []
        for om in _list(_get(data, "resultsSection", "outcomeMeasuresModule", "outcomeMeasures")):
            title = _str(_get(om, "title"))
            if not title:
                continue
            group_titles = {
                gid: _str(_get(g, "title")) or ""
                for g in _list(_get(om, "groups"))
                if isinstance(gid := _get(g, "id"), str)
            }
            values: list[tuple[str, str]] = []
            classes = _list(_get(om, "classes"))
            cats = _list(_get(classes[0], "categories")) if classes else []
            measurements = _list(_get(cats[0], "measurements")) if cats else []
            for m in measurements:
                value = _get(m, "value")
                if isinstance(value, str):
                    gid = _get(m, "groupId")
                    values.append(
                        (group_titles.get(gid, "") if isinstance(gid, str) else "", value)
                    )
            result_outcomes.append(
                ResultOutcome(
                    type=_str(_get(om, "type")),
                    title=title,
                    unit=_str(_get(om, "unitOfMeasure")),
                    time_frame=_str(_get(om, "timeFrame")),
                    groups=tuple(values),
                )
            )

        return cls(
            nct_id=nct_id,
            brief_title=_str(_get(ident, "briefTitle")),
            official_title=_str(_get(ident, "officialTitle")),
            acronym=_str(_get(ident, "acronym")),
            org_study_id=_str(_get(ident, "orgStudyIdInfo", "id")),
            secondary_ids=tuple(
                SecondaryId(sid, _str(_get(s, "type")), _str(_get(s, "domain")))
                for s in _list(_get(ident, "secondaryIdInfos"))
                if (sid := _str(_get(s, "id")))
            ),
            aliases=tuple(aliases),
            lead_sponsor=org(_get(sponsors, "leadSponsor")),
            collaborators=tuple(o for c in _list(_get(sponsors, "collaborators")) if (o := org(c))),
            overall_status=_str(_get(status, "overallStatus")),
            last_known_status=_str(_get(status, "lastKnownStatus")),
            why_stopped=_str(_get(status, "whyStopped")),
            phases=_strs(_get(design, "phases")),
            study_type=_str(_get(design, "studyType")),
            allocation=_str(_get(design, "designInfo", "allocation")),
            masking=_str(_get(design, "designInfo", "maskingInfo", "masking")),
            who_masked=_strs(_get(design, "designInfo", "maskingInfo", "whoMasked")),
            intervention_model=_str(_get(design, "designInfo", "interventionModel")),
            primary_purpose=_str(_get(design, "designInfo", "primaryPurpose")),
            enrollment=enrollment,
            enrollment_type=_str(_get(design, "enrollmentInfo", "type")),
            start_date=date_struct("startDateStruct"),
            primary_completion_date=date_struct("primaryCompletionDateStruct"),
            completion_date=date_struct("completionDateStruct"),
            first_submitted=plain_date("studyFirstSubmitDate"),
            first_posted=date_struct("studyFirstPostDateStruct"),
            results_first_posted=date_struct("resultsFirstPostDateStruct"),
            last_update_posted=date_struct("lastUpdatePostDateStruct"),
            status_verified=plain_date("statusVerifiedDate"),
            conditions=_strs(_get(ps, "conditionsModule", "conditions")),
            keywords=_strs(_get(ps, "conditionsModule", "keywords")),
            interventions=tuple(
                Intervention(
                    name=name,
                    type=_str(_get(iv, "type")),
                    description=_str(_get(iv, "description")),
                    other_names=_strs(_get(iv, "otherNames")),
                    arm_group_labels=_strs(_get(iv, "armGroupLabels")),
                )
                for iv in _list(_get(arms, "interventions"))
                if (name := _str(_get(iv, "name")))
            ),
            arm_groups=tuple(
                ArmGroup(
                    label=label,
                    type=_str(_get(ag, "type")),
                    description=_str(_get(ag, "description")),
                    intervention_names=_strs(_get(ag, "interventionNames")),
                )
                for ag in _list(_get(arms, "armGroups"))
                if (label := _str(_get(ag, "label")))
            ),
            locations=tuple(
                Location(
                    facility=_str(_get(loc, "facility")),
                    city=_str(_get(loc, "city")),
                    state=_str(_get(loc, "state")),
                    country=_str(_get(loc, "country")),
                    status=_str(_get(loc, "status")),
                )
                for loc in _list(_get(ps, "contactsLocationsModule", "locations"))
                if isinstance(loc, Mapping)
            ),
            primary_outcomes=outcomes("primaryOutcomes"),
            secondary_outcomes=outcomes("secondaryOutcomes"),
            has_results=has_results if isinstance(has_results, bool) else None,
            result_outcomes=tuple(result_outcomes),
            record_version=_str(_get(data, "derivedSection", "miscInfoModule", "versionHolder")),
            raw=data,
        )

    # ------------------------------------------------------------------ output
    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``trialmatch lookup --format json`` (keys fixed by issue #2)."""

        def d(value: RegistryDate | None) -> str | None:
            return value.text if value else None

        def t(value: RegistryDate | None) -> str | None:
            return value.type if value else None

        return {
            "nct_id": self.nct_id,
            "title": self.brief_title,
            "official_title": self.official_title,
            "acronym": self.acronym,
            "status": self.overall_status,
            "phases": list(self.phases),
            "study_type": self.study_type,
            "enrollment": self.enrollment,
            "enrollment_type": self.enrollment_type,
            "start_date": d(self.start_date),
            "start_date_type": t(self.start_date),
            "primary_completion_date": d(self.primary_completion_date),
            "primary_completion_date_type": t(self.primary_completion_date),
            "completion_date": d(self.completion_date),
            "completion_date_type": t(self.completion_date),
            "first_posted": d(self.first_posted),
            "first_posted_type": t(self.first_posted),
            "results_first_posted": d(self.results_first_posted),
            "last_update_posted": d(self.last_update_posted),
            "has_results": self.has_results,
            "lead_sponsor": self.lead_sponsor.name if self.lead_sponsor else None,
            "collaborators": [c.name for c in self.collaborators],
            "conditions": list(self.conditions),
            "interventions": [iv.name for iv in self.interventions],
            "countries": list(self.countries),
            "secondary_ids": [s.id for s in self.secondary_ids],
            "aliases": list(self.aliases),
            "record_version": self.record_version,
            "url": self.url,
        }
