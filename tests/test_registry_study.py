"""Study: the normalized record, built from the real API v2 records in ``cassettes/snapshot/``.

Every expected value below is copied from the record file it is checked against. The shared
records are real but partial (tests/data/registry/PROVENANCE.md): a value a record does not
hold must come out as None (or empty), never filled in or guessed.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SNAPSHOT_DIR, load_record

from trialmatch.registry import MalformedResponseError, RegistryDate, Study
from trialmatch.registry.study import Organization, ResultOutcome, SecondaryId

RECORD_FILES = sorted(SNAPSHOT_DIR.glob("NCT*.json"))
RECORD_IDS = [p.stem for p in RECORD_FILES]

# issue #2: keys every `trialmatch lookup --format json` object carries
LOOKUP_KEYS = {
    "nct_id", "title", "official_title", "status", "phases", "enrollment", "enrollment_type",
    "start_date", "start_date_type", "primary_completion_date", "primary_completion_date_type",
    "completion_date", "completion_date_type", "first_posted", "first_posted_type",
    "has_results", "lead_sponsor", "record_version", "url",
}  # fmt: skip

# Study field -> the API v2 path it is read from (scalar fields only)
FIELD_PATHS = {
    "brief_title": "protocolSection.identificationModule.briefTitle",
    "official_title": "protocolSection.identificationModule.officialTitle",
    "acronym": "protocolSection.identificationModule.acronym",
    "org_study_id": "protocolSection.identificationModule.orgStudyIdInfo.id",
    "overall_status": "protocolSection.statusModule.overallStatus",
    "last_known_status": "protocolSection.statusModule.lastKnownStatus",
    "why_stopped": "protocolSection.statusModule.whyStopped",
    "study_type": "protocolSection.designModule.studyType",
    "allocation": "protocolSection.designModule.designInfo.allocation",
    "masking": "protocolSection.designModule.designInfo.maskingInfo.masking",
    "intervention_model": "protocolSection.designModule.designInfo.interventionModel",
    "primary_purpose": "protocolSection.designModule.designInfo.primaryPurpose",
    "enrollment": "protocolSection.designModule.enrollmentInfo.count",
    "enrollment_type": "protocolSection.designModule.enrollmentInfo.type",
    "has_results": "hasResults",
    "record_version": "derivedSection.miscInfoModule.versionHolder",
}
DATE_PATHS = {
    "start_date": "startDateStruct",
    "primary_completion_date": "primaryCompletionDateStruct",
    "completion_date": "completionDateStruct",
    "first_posted": "studyFirstPostDateStruct",
    "results_first_posted": "resultsFirstPostDateStruct",
    "last_update_posted": "lastUpdatePostDateStruct",
}
PLAIN_DATE_PATHS = {
    "first_submitted": "studyFirstSubmitDate",
    "status_verified": "statusVerifiedDate",
}


def at(record: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


# ------------------------------------------------------------------ every record loads
@pytest.mark.parametrize("nct_id", RECORD_IDS)
def test_every_snapshot_record_loads_and_keeps_its_id(nct_id: str) -> None:
    record = load_record(nct_id)
    study = Study.from_api(record)
    assert study.nct_id == nct_id
    assert study.url == f"https://clinicaltrials.gov/study/{nct_id}"
    out = study.to_dict()
    assert LOOKUP_KEYS <= out.keys()
    json.dumps(out)  # plain JSON types only


@pytest.mark.parametrize("nct_id", RECORD_IDS)
def test_values_are_read_from_the_record_and_absent_ones_stay_none(nct_id: str) -> None:
    """Each scalar is exactly the record's value, and None exactly where the record has none."""
    record = load_record(nct_id)
    study = Study.from_api(record)
    for field, path in FIELD_PATHS.items():
        assert getattr(study, field) == at(record, path), field
    for field, key in DATE_PATHS.items():
        struct = at(record, f"protocolSection.statusModule.{key}")
        value: RegistryDate | None = getattr(study, field)
        if struct is None:
            assert value is None, field
        else:
            assert value is not None and value.text == struct["date"], field
            assert value.type == struct.get("type"), field  # None where the record has no type
    for field, key in PLAIN_DATE_PATHS.items():
        text = at(record, f"protocolSection.statusModule.{key}")
        value = getattr(study, field)
        assert (value.text if value else None) == text, field
        assert value is None or value.type is None
    assert list(study.phases) == (at(record, "protocolSection.designModule.phases") or [])
    assert list(study.conditions) == (
        at(record, "protocolSection.conditionsModule.conditions") or []
    )
    interventions = at(record, "protocolSection.armsInterventionsModule.interventions") or []
    assert [iv.name for iv in study.interventions] == [iv["name"] for iv in interventions]
    assert [iv.other_names for iv in study.interventions] == [
        tuple(iv.get("otherNames", ())) for iv in interventions
    ]
    locations = at(record, "protocolSection.contactsLocationsModule.locations") or []
    assert [loc.country for loc in study.locations] == [loc.get("country") for loc in locations]


# ------------------------------------------------------------------ partial real records
def test_nct01051882_values_as_recorded() -> None:
    s = Study.from_api(load_record("NCT01051882"))
    assert s.brief_title == (
        "Autologous Cultured Mesenchymal Bone Marrow Stromal Cells Secreting Neurotrophic "
        "Factors (MSC-NTF), in ALS Patients."
    )
    assert s.overall_status == "COMPLETED"
    assert s.phases == ("PHASE1", "PHASE2")
    assert s.study_type == "INTERVENTIONAL"
    assert (s.enrollment, s.enrollment_type) == (12, None)  # the record shows no type
    assert s.start_date == RegistryDate(
        "2011-06-30", "day", None, "protocolSection.statusModule.startDateStruct"
    )
    assert s.primary_completion_date is not None
    assert s.primary_completion_date.text == "2012-12-31"
    assert s.completion_date is not None and s.completion_date.text == "2013-03-31"
    assert s.first_posted is None and s.last_update_posted is None
    assert s.lead_sponsor == Organization("Brainstorm-Cell Therapeutics", "INDUSTRY")
    assert s.collaborators == (Organization("Hadassah Medical Organization", "OTHER"),)
    assert s.sponsor_names == ("Brainstorm-Cell Therapeutics", "Hadassah Medical Organization")
    assert s.conditions == ("Amyotrophic Lateral Sclerosis",)
    assert s.intervention_names == (
        "MSC-NTF cells transplantation (IM)",
        "MSC-NTF cells transplantation (IT)",
    )
    assert s.interventions[0].type == "BIOLOGICAL"
    assert s.has_results is False
    assert s.record_version is None
    # the site has no country in the record (NEALS wrongly says United States): none is made up
    assert s.locations[0].city == "Jerusalem" and s.locations[0].country is None
    assert s.countries == ()


def test_nct02017912_holds_only_id_and_title_everything_else_is_empty() -> None:
    s = Study.from_api(load_record("NCT02017912"))
    assert s.nct_id == "NCT02017912"
    assert s.brief_title == (
        "Phase 2, Randomized, Double Blind, Placebo Controlled Multicenter Study of Autologous "
        "MSC-NTF Cells in Patients With ALS"
    )
    for f in dataclasses.fields(Study):
        if f.name in ("nct_id", "brief_title", "raw"):
            continue
        assert getattr(s, f.name) in (None, ()), f.name
    out = s.to_dict()
    assert out["phases"] == [] and out["status"] is None and out["has_results"] is None
    assert out["enrollment"] is None and out["start_date"] is None and out["lead_sponsor"] is None


def test_month_dates_keep_month_precision_nct02855112() -> None:
    s = Study.from_api(load_record("NCT02855112"))
    assert s.start_date is not None
    assert (s.start_date.text, s.start_date.precision, s.start_date.type) == (
        "2015-06",
        "month",
        None,
    )
    assert s.start_date.first_day == dt.date(2015, 6, 1)
    assert s.start_date.last_day == dt.date(2015, 6, 30)
    assert s.primary_completion_date is not None
    assert (s.primary_completion_date.text, s.primary_completion_date.type) == (
        "2016-12",
        "ESTIMATED",
    )
    assert (s.enrollment, s.enrollment_type) == (10, "ESTIMATED")
    assert (s.overall_status, s.last_known_status) == ("UNKNOWN", "RECRUITING")
    assert s.interventions[0].other_names == ("Cell Therapy",)
    assert "Cell Therapy" in s.intervention_names
    assert s.status_verified is not None and s.status_verified.precision == "month"


def test_withdrawn_study_keeps_zero_enrollment_nct02116634() -> None:
    s = Study.from_api(load_record("NCT02116634"))
    assert s.overall_status == "WITHDRAWN"
    assert s.enrollment == 0  # zero is a value, not a missing one
    assert s.to_dict()["enrollment"] == 0


# ------------------------------------------------------------------ the complete response
def test_complete_sample_nct02513394() -> None:
    record = load_record("NCT02513394")
    s = Study.from_api(record)
    assert (s.brief_title, s.acronym, s.org_study_id) == (
        "PALbociclib CoLlaborative Adjuvant Study",
        "PALLAS",
        "AFT-05",
    )
    assert s.secondary_ids == (
        SecondaryId("ABCSG 42", "OTHER", "ABCSG GmbH"),
        SecondaryId("BIG 14-03", "OTHER", "Breast International Group"),
        SecondaryId("2014-005181-30", "EUDRACT_NUMBER", None),
    )
    assert s.overall_status == "ACTIVE_NOT_RECRUITING"
    assert s.phases == ("PHASE3",)
    assert (s.allocation, s.masking, s.intervention_model, s.primary_purpose) == (
        "RANDOMIZED",
        "NONE",
        "PARALLEL",
        "TREATMENT",
    )
    assert (s.enrollment, s.enrollment_type) == (5796, "ACTUAL")

    def date(d: RegistryDate | None) -> tuple[str, str, str | None] | None:
        return (d.text, d.precision, d.type) if d else None

    assert date(s.start_date) == ("2015-08", "month", None)
    assert date(s.primary_completion_date) == ("2020-11", "month", "ACTUAL")
    assert date(s.completion_date) == ("2025-09", "month", "ESTIMATED")
    assert date(s.first_submitted) == ("2015-07-29", "day", None)
    assert date(s.first_posted) == ("2015-07-31", "day", "ESTIMATED")
    assert date(s.results_first_posted) == ("2022-04-13", "day", "ACTUAL")
    assert date(s.last_update_posted) == ("2023-06-15", "day", "ACTUAL")
    assert date(s.status_verified) == ("2023-04", "month", None)
    assert s.completion_date is not None
    assert s.completion_date.last_day == dt.date(2025, 9, 30)  # a month, not the 1st

    assert s.lead_sponsor == Organization("Alliance Foundation Trials, LLC.", "OTHER")
    assert [c.name for c in s.collaborators] == [
        "Austrian Breast & Colorectal Cancer Study Group",
        "NSABP Foundation Inc",
        "PrECOG, LLC.",
        "Breast International Group",
        "Pfizer",
    ]
    assert s.conditions == ("Breast Cancer",)
    assert s.keywords == ("HR+/HER2- breast cancer", "Palbociclib")
    assert [iv.name for iv in s.interventions] == [
        "Palbociclib",
        "Standard Adjuvant Endocrine Therapy",
    ]
    assert [a.label for a in s.arm_groups] == ["Arm A", "Arm B"]
    assert len(s.locations) == len(
        record["protocolSection"]["contactsLocationsModule"]["locations"]
    )
    assert s.countries[:3] == ("United States", "Australia", "Austria")
    assert len(s.countries) == 21
    assert [o.measure for o in s.primary_outcomes] == ["Invasive Disease Free Survival (iDFS)"]
    assert len(s.secondary_outcomes) == 4
    assert s.has_results is True
    assert s.record_version == "2023-10-06"
    assert len(s.result_outcomes) == 5
    assert s.result_outcomes[0] == ResultOutcome(
        type="PRIMARY",
        title="Invasive Disease Free Survival (iDFS)",
        unit="percentage of participants",
        time_frame="4 years",
        groups=(
            ("Palbociclib Plus Endocrine Therapy (Arm A)", "84.2"),
            ("Endocrine Therapy Alone (Arm B)", "84.5"),
        ),
    )
    out = s.to_dict()
    assert out["secondary_ids"] == ["ABCSG 42", "BIG 14-03", "2014-005181-30"]
    assert (out["completion_date"], out["completion_date_type"]) == ("2025-09", "ESTIMATED")
    assert (out["start_date"], out["start_date_type"]) == ("2015-08", None)
    assert out["record_version"] == "2023-10-06" and out["has_results"] is True


def test_unknown_keys_are_accepted() -> None:
    """The real response carries keys the spec 2.0.5 lacks; they are ignored, not rejected."""
    record = load_record("NCT02513394")
    assert "locations_nested" in record["protocolSection"]["contactsLocationsModule"]
    assert "modelPredictions" in record["derivedSection"]["miscInfoModule"]
    record["protocolSection"]["someFutureModule"] = {"x": [1, 2]}
    record["anotherTopLevelKey"] = True
    assert Study.from_api(record).nct_id == "NCT02513394"


def test_alias_is_kept() -> None:
    s = Study.from_api(load_record("NCT01051882"), alias="nct00000001")
    assert s.aliases == ("NCT00000001",)
    assert s.to_dict()["aliases"] == ["NCT00000001"]


# ------------------------------------------------------------------ malformed input
@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "NCT01051882",
        {},
        {"protocolSection": {}},
        {"protocolSection": {"identificationModule": {"nctId": 1051882}}},
        {"protocolSection": {"identificationModule": {"nctId": "NCT123"}}},
        {"protocolSection": []},
    ],
)
def test_objects_without_a_valid_nct_id_raise_malformed(data: Any) -> None:
    with pytest.raises(MalformedResponseError, match="nctId"):
        Study.from_api(data)


def test_unparseable_date_raises_malformed_naming_the_path() -> None:
    record = load_record("NCT01051882")
    record["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "June 2011"
    with pytest.raises(MalformedResponseError, match="startDateStruct"):
        Study.from_api(record)


@pytest.mark.parametrize("text", ["2011-13", "2011-02-30", "2011-00-10"])
def test_impossible_date_raises_malformed(text: str) -> None:
    record = load_record("NCT02855112")
    record["protocolSection"]["statusModule"]["startDateStruct"]["date"] = text
    with pytest.raises(MalformedResponseError, match="startDateStruct"):
        Study.from_api(record)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.append((*prefix, k))
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:2]):
            out.append((*prefix, i))
            out.extend(_paths(v, (*prefix, i)))
    return out


WRONG_VALUES = [None, "x", 7, True, [], {}, [1, {}], {"a": []}]


@pytest.mark.parametrize("nct_id", ["NCT01051882", "NCT02855112", "NCT03280056"])
def test_wrongly_shaped_values_never_leak_type_or_key_errors(nct_id: str) -> None:
    """Any value replaced by a wrongly typed one gives a Study or MalformedResponseError."""
    record = load_record(nct_id)
    for path in _paths(record):
        for wrong in WRONG_VALUES:
            broken = copy.deepcopy(record)
            target = broken
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = wrong
            try:
                Study.from_api(broken)
            except MalformedResponseError:
                pass


def test_wrongly_shaped_results_section_of_the_complete_sample() -> None:
    record = load_record("NCT02513394")
    measures = record["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    for path in _paths(measures[0]):
        for wrong in WRONG_VALUES:
            broken = copy.deepcopy(record)
            target = broken["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = wrong
            try:
                Study.from_api(broken)
            except MalformedResponseError:
                pass


def test_record_files_are_the_shared_copies() -> None:
    """The snapshot carries its own copies; each file is one API v2 study object."""
    for path in RECORD_FILES:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        assert isinstance(data, dict) and "protocolSection" in data
