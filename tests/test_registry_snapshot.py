"""The offline snapshot source: a folder or zip of API v2 study JSON, searched through SQLite FTS5.

The snapshot is the repo's copy of the real records (``cassettes/snapshot/``). Tests that change
files work on a copy in a temporary folder; the zip is laid out like ClinicalTrials.gov's bulk
download (``ctg-studies.json.zip``: shard folders named by the ID's last two digits).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SNAPSHOT_DIR, load_record

from trialmatch.registry import (
    BadRequestError,
    InvalidIdError,
    MalformedResponseError,
    Query,
    RegistrySettings,
    Study,
    UnavailableError,
    open_registry,
)
from trialmatch.registry.snapshot import SnapshotRegistry

RECORD_IDS = sorted(p.stem for p in SNAPSHOT_DIR.glob("NCT*.json"))


def copy_snapshot(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for p in SNAPSHOT_DIR.glob("NCT*.json"):
        (dest / p.name).write_bytes(p.read_bytes())  # writable copies, whatever the repo's modes
    return dest


def zip_snapshot(dest: Path, *, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """The bulk-download layout: ``<last two digits>/NCTxxxxxxxx.json``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", method) as zf:
        for p in sorted(SNAPSHOT_DIR.glob("NCT*.json")):
            zf.write(p, f"{p.stem[-2:]}/{p.name}")
    return dest


@pytest.fixture
def snap(tmp_path: Path) -> SnapshotRegistry:
    with SnapshotRegistry(copy_snapshot(tmp_path / "snap")) as reg:
        yield reg  # type: ignore[misc]


@pytest.fixture(params=["dir", "zip"])
def any_snap(request: pytest.FixtureRequest, tmp_path: Path) -> SnapshotRegistry:
    if request.param == "dir":
        path = copy_snapshot(tmp_path / "snap")
    else:
        path = zip_snapshot(tmp_path / "dl" / "ctg-studies.json.zip")
    with SnapshotRegistry(path) as reg:
        yield reg  # type: ignore[misc]


def ids(studies) -> list[str]:
    return [s.nct_id for s in studies]


def search(reg: SnapshotRegistry, **kw) -> list[str]:
    return ids(reg.search(Query(**kw)))


# ------------------------------------------------------------------------------ lookup
def test_every_record_loads_through_the_snapshot(any_snap: SnapshotRegistry) -> None:
    studies = any_snap.get(RECORD_IDS)
    assert ids(studies) == RECORD_IDS
    for study in studies:
        assert study == Study.from_api(load_record(study.nct_id))
    assert any_snap.count == len(RECORD_IDS)
    assert any_snap.build_errors == []
    assert "snapshot" in any_snap.description and str(any_snap.path) in any_snap.description


def test_get_keeps_the_order_asked_and_normalizes_ids(snap: SnapshotRegistry) -> None:
    got = snap.get(["NCT03828123", "nct1051882", " NCT02513394 "])
    assert ids(got) == ["NCT03828123", "NCT01051882", "NCT02513394"]
    assert got[1].enrollment == 12 and got[1].phases == ("PHASE1", "PHASE2")


def test_unknown_ids_are_left_out_and_invalid_ids_raise(snap: SnapshotRegistry) -> None:
    assert ids(snap.get(["NCT99999999", "NCT03828123"])) == ["NCT03828123"]
    assert snap.get([]) == []
    with pytest.raises(InvalidIdError):
        snap.get(["NCT03828123", "not-an-id"])


def test_get_many_reports_missing_and_invalid(snap: SnapshotRegistry) -> None:
    result = snap.get_many(["NCT03828123", "NCT99999999", "12345", "NCT01051882"])
    assert ids(result.studies) == ["NCT03828123", "NCT01051882"]
    assert result.missing == ("NCT99999999",)
    assert result.invalid == ("12345",)
    assert result.errors == {}


def test_a_repeated_id_is_returned_once(snap: SnapshotRegistry) -> None:
    assert ids(snap.get(["NCT03828123", "NCT03828123"])) == ["NCT03828123"]


def test_alias_answers_with_the_current_record(tmp_path: Path) -> None:
    # test-made alias: none of the shipped records has nctIdAliases
    folder = copy_snapshot(tmp_path / "snap")
    record = load_record("NCT01051882")
    record["protocolSection"]["identificationModule"]["nctIdAliases"] = ["NCT00000042"]
    (folder / "NCT01051882.json").write_text(json.dumps(record), encoding="utf-8")
    with SnapshotRegistry(folder) as reg:
        got = reg.get(["NCT00000042", "NCT03828123"])
        assert ids(got) == ["NCT01051882", "NCT03828123"]
        assert got[0].aliases == ("NCT00000042",)
        result = reg.get_many(["nct42"])
        assert ids(result.studies) == ["NCT01051882"] and result.missing == ()
        assert search(reg, id="NCT00000042") == ["NCT01051882"]


# ------------------------------------------------------------------------------ search areas
def test_term_searches_the_whole_record(any_snap: SnapshotRegistry) -> None:
    assert sorted(search(any_snap, term="NurOwn")) == ["NCT03280056", "NCT03799718"]
    # NCT02166021 names Hadassah only as a site: term finds it there, spons does not
    assert "NCT02166021" in search(any_snap, term="Hadassah")
    assert "NCT02166021" not in search(any_snap, spons="Hadassah")
    # the protocol section and MeSH terms are searched, posted results are not: NCT03799718
    # names Brainstorm only as its results point of contact
    assert "NCT03799718" not in search(any_snap, term="Brainstorm")


def test_cond_searches_conditions_and_keywords(snap: SnapshotRegistry) -> None:
    assert sorted(search(snap, cond="Multiple Sclerosis")) == ["NCT02166021", "NCT03799718"]
    assert search(snap, cond="Werdnig") == ["NCT02855112"]
    # "Stem Cells" is only a keyword of NCT02166021 among the conditions/keywords areas
    assert search(snap, cond="stem cells") == ["NCT02166021"]
    # words must all match (Essie's implicit AND)
    assert search(snap, cond="breast sclerosis") == []


def test_intr_searches_intervention_names_and_other_names(snap: SnapshotRegistry) -> None:
    assert search(snap, intr="Palbociclib") == ["NCT02513394"]
    # "Cell Therapy" is an otherName of NCT02855112's intervention; NCT01609283 has the words
    # only in its title, which intr does not search
    assert search(snap, intr='"Cell Therapy"') == ["NCT02855112"]
    assert "NCT01609283" in search(snap, term='"Cell Therapy"')
    assert search(snap, intr="Lenzumestrocel") == ["NCT04745299"]


def test_spons_searches_lead_sponsor_and_collaborators_lead_first(snap: SnapshotRegistry) -> None:
    found = search(snap, spons="Brainstorm-Cell Therapeutics")
    assert sorted(found) == ["NCT01051882", "NCT01777646", "NCT03280056"]
    assert found[-1] == "NCT01777646"  # Brainstorm is only a collaborator there
    assert search(snap, spons="Hadassah") == ["NCT01051882"]  # collaborator
    assert search(snap, spons="Pfizer") == ["NCT02513394"]
    # NCT02166021 names Hadassah only as a site: term finds it, ranked below the sponsor match
    assert search(snap, term="Hadassah")[0] == "NCT01051882"
    assert "NCT02166021" in search(snap, term="Hadassah")


def test_cond_finds_a_condition_by_its_initials(snap: SnapshotRegistry) -> None:
    # the live API's thesaurus maps "ALS" to "Amyotrophic Lateral Sclerosis"; the snapshot
    # indexes each multi-word condition's initials as a stand-in. NCT01609283 lists only
    # "Amyotrophic Lateral Sclerosis", NCT02855112 only "Infantile Spinal Muscular Atrophy,
    # Type I [Werdnig- Hoffman]", NCT03799718 only "Multiple Sclerosis, Chronic Progressive".
    assert "NCT01609283" in search(snap, cond="ALS")
    assert search(snap, cond="SMA") == ["NCT02855112"]
    assert "NCT03799718" in search(snap, cond="MS")
    assert "NCT03799718" not in search(snap, cond="ALS")
    # initials are searched under cond, not as a word of any title
    assert "NCT01609283" not in search(snap, titles="ALS")


def test_titles_searches_brief_official_title_and_acronym(snap: SnapshotRegistry) -> None:
    assert search(snap, titles="PALLAS") == ["NCT02513394"]
    assert search(snap, titles="ALSummit") == ["NCT04745299"]
    assert search(snap, titles="Werdnig-Hoffman") == ["NCT02855112"]
    assert search(snap, titles="Palbociclib") == ["NCT02513394"]
    assert search(snap, titles="Pfizer") == []


def test_id_finds_nct_org_and_secondary_ids(any_snap: SnapshotRegistry) -> None:
    assert search(any_snap, id="2014-005181-30") == ["NCT02513394"]  # EudraCT number
    assert search(any_snap, id="BIG 14-03") == ["NCT02513394"]
    assert search(any_snap, id="AFT-05") == ["NCT02513394"]  # org study ID
    assert search(any_snap, id="AMSC-ALS-001") == ["NCT03828123"]
    assert search(any_snap, id="NEURONATA-R_ALS301") == ["NCT04745299"]
    assert search(any_snap, id="NCT03828123") == ["NCT03828123"]
    # PROVENANCE: no CT.gov record lists EudraCT 2011-000362-35, so nothing may match it
    assert search(any_snap, id="2011-000362-35") == []


def test_eudract_number_as_a_secondary_id_is_found(tmp_path: Path) -> None:
    # test-made: NCT03828123 with the EudraCT number of its EU record added as a secondary ID
    folder = copy_snapshot(tmp_path / "snap")
    record = load_record("NCT03828123")
    record["protocolSection"]["identificationModule"]["secondaryIdInfos"] = [
        {"id": "2011-000362-35", "type": "EUDRACT_NUMBER"}
    ]
    (folder / "NCT03828123.json").write_text(json.dumps(record), encoding="utf-8")
    with SnapshotRegistry(folder) as reg:
        assert search(reg, id="2011-000362-35") == ["NCT03828123"]
        assert search(reg, id="2011-000362-99") == []


def test_areas_combine_with_and(snap: SnapshotRegistry) -> None:
    assert search(snap, cond="Amyotrophic", intr="NurOwn") == ["NCT03280056"]
    assert search(snap, cond="Multiple Sclerosis", spons="Brainstorm") == []


def test_essie_operators(snap: SnapshotRegistry) -> None:
    assert sorted(search(snap, intr="Palbociclib OR Lenzumestrocel")) == [
        "NCT02513394",
        "NCT04745299",
    ]
    with_nurown = set(search(snap, term="MSC-NTF"))
    assert set(search(snap, term="MSC-NTF NOT NurOwn")) == with_nurown - {
        "NCT03280056",
        "NCT03799718",
    }
    assert set(search(snap, term="MSC-NTF AND NOT NurOwn")) == with_nurown - {
        "NCT03280056",
        "NCT03799718",
    }
    everything = set(RECORD_IDS)
    assert set(search(snap, term="NOT mesenchymal")) == everything - set(
        search(snap, term="mesenchymal")
    )
    assert search(snap, intr="(Palbociclib OR Riluzole) AND Lenzumestrocel") == ["NCT04745299"]
    assert search(snap, titles='"Adjuvant Study"') == ["NCT02513394"]
    assert search(snap, titles='"Study Adjuvant"') == []
    assert search(snap, intr="Palbo*") == ["NCT02513394"]


def test_enum_codes_are_not_words_of_the_record(snap: SnapshotRegistry) -> None:
    """primaryPurpose TREATMENT is a code: term="treatment" finds the records that say it
    (in the protocol section: posted results are not searched)."""

    def protocol_text(nct_id: str) -> str:
        return json.dumps(load_record(nct_id)["protocolSection"]).replace('"TREATMENT"', "")

    saying_it = sorted(i for i in RECORD_IDS if "treatment" in protocol_text(i).lower())
    assert sorted(search(snap, term="treatment")) == saying_it
    assert len(saying_it) < len(
        [i for i in RECORD_IDS if '"TREATMENT"' in (SNAPSHOT_DIR / f"{i}.json").read_text()]
    )


def test_search_ids_gives_the_same_order_without_reading_records(snap: SnapshotRegistry) -> None:
    for kw in ({"term": "mesenchymal stem cells"}, {"advanced": "AREA[Phase]PHASE2"}):
        assert snap.search_ids(Query(**kw)) == search(snap, **kw)


def test_results_are_ranked_by_relevance_and_limited(snap: SnapshotRegistry) -> None:
    ranked = search(snap, term="mesenchymal stem cells")
    assert len(ranked) > 3
    assert search(snap, term="mesenchymal stem cells", limit=3) == ranked[:3]
    assert search(snap, term="mesenchymal stem cells", limit=0) == []


# ------------------------------------------------------------------------------ filters
def phases(nct_id: str) -> list[str]:
    return load_record(nct_id)["protocolSection"].get("designModule", {}).get("phases", [])


def status(nct_id: str) -> str | None:
    return load_record(nct_id)["protocolSection"].get("statusModule", {}).get("overallStatus")


def test_filter_overall_status(snap: SnapshotRegistry) -> None:
    assert search(snap, overall_status=("WITHDRAWN",)) == ["NCT02116634"]
    completed = sorted(i for i in RECORD_IDS if status(i) == "COMPLETED")
    assert search(snap, overall_status=("COMPLETED",)) == completed
    both = sorted(i for i in RECORD_IDS if status(i) in ("COMPLETED", "WITHDRAWN"))
    assert search(snap, overall_status=("COMPLETED", "WITHDRAWN")) == both
    assert search(snap, intr="NurOwn", overall_status=("COMPLETED",)) != []
    with pytest.raises(BadRequestError, match="DONE"):
        search(snap, overall_status=("DONE",))


def test_advanced_phase_and_status(snap: SnapshotRegistry) -> None:
    assert search(snap, advanced="AREA[Phase]PHASE3") == sorted(
        i for i in RECORD_IDS if "PHASE3" in phases(i)
    )
    assert search(snap, advanced="AREA[Phase]PHASE2") == sorted(
        i for i in RECORD_IDS if "PHASE2" in phases(i)
    )
    assert search(snap, advanced="AREA[Phase](PHASE1 AND NOT PHASE2)") == ["NCT01609283"]
    assert search(snap, advanced="AREA[OverallStatus]COMPLETED") == sorted(
        i for i in RECORD_IDS if status(i) == "COMPLETED"
    )
    assert search(
        snap, term="ALS", advanced="AREA[Phase]PHASE3 AND AREA[OverallStatus]COMPLETED"
    ) == ["NCT03280056"]
    assert search(snap, advanced="AREA[StudyType]INTERVENTIONAL") == [
        i for i in RECORD_IDS if i != "NCT02017912" and i != "NCT02166021"
    ]
    assert search(snap, advanced="AREA[HasResults]true") == [
        "NCT01363401",
        "NCT02513394",
        "NCT03280056",
        "NCT03799718",
    ]
    assert search(snap, advanced="AREA[EnrollmentCount]RANGE[100,MAX]") == [
        "NCT02513394",
        "NCT03280056",
        "NCT04745299",
    ]


def test_advanced_date_ranges(snap: SnapshotRegistry) -> None:
    # last update posted: NCT02513394 2023-06-15, NCT03280056 2024-02-29
    assert search(snap, advanced="AREA[LastUpdatePostDate]RANGE[2023-01-01,MAX]") == [
        "NCT02513394",
        "NCT03280056",
    ]
    assert search(snap, advanced="AREA[LastUpdatePostDate]RANGE[MIN,2016-12-31]") == ["NCT02855112"]
    assert search(snap, advanced="AREA[LastUpdatePostDate]RANGE[2024-02-29,2024-02-29]") == [
        "NCT03280056"
    ]
    # a month date ("2015-06") may fall on any day of June: a range inside June matches it
    assert search(snap, advanced="AREA[StartDate]RANGE[2015-06-15,2015-06-20]") == ["NCT02855112"]
    assert search(snap, advanced="AREA[StartDate]2015") == [
        "NCT02116634",
        "NCT02513394",
        "NCT02855112",
    ]
    # query areas take AREA[] expressions too (the spec's query.term example)
    assert search(snap, term="AREA[LastUpdatePostDate]RANGE[2023-01-15,MAX]") == [
        "NCT02513394",
        "NCT03280056",
    ]


@pytest.mark.parametrize(
    ("kw", "named"),
    [
        ({"advanced": "AREA[LocationCity]Boston"}, "LocationCity"),
        ({"advanced": "SEARCH[Location](AREA[LocationCity]Boston)"}, "SEARCH"),
        ({"term": "EXPANSION[None]ALS"}, "EXPANSION"),
        ({"advanced": "AREA[Phase]PHASE9"}, "PHASE9"),
        ({"advanced": "AREA[StartDate]RANGE[June 2015,MAX]"}, "June 2015"),
        ({"advanced": "AREA[Phase]RANGE[PHASE1,PHASE2]"}, "RANGE"),
        ({"term": '"unbalanced'}, "quote"),
        ({"term": "(ALS OR MS"}, "')'"),
        ({"term": "ALS OR"}, "ends"),
        ({"cond": "&"}, "searchable"),
    ],
)
def test_unsupported_or_bad_syntax_raises_bad_request_naming_it(
    snap: SnapshotRegistry, kw: dict, named: str
) -> None:
    with pytest.raises(BadRequestError, match=re.escape(named)):
        search(snap, **kw)


# ------------------------------------------------------------------------------ the index
def test_index_is_stored_beside_a_folder_and_reused(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path / "snap")
    with SnapshotRegistry(folder) as first:
        assert first.rebuilt
        assert first.index_path == folder / ".trialmatch-index.sqlite"
    stamp = first.index_path.stat().st_mtime_ns
    with SnapshotRegistry(folder) as second:
        assert not second.rebuilt
        assert second.index_path == first.index_path
        assert ids(second.get(["NCT03828123"])) == ["NCT03828123"]
    assert first.index_path.stat().st_mtime_ns == stamp


def test_index_is_rebuilt_when_a_file_changes_appears_or_goes(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path / "snap")
    SnapshotRegistry(folder).close()

    record = load_record("NCT01051882")
    record["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = 13  # test edit
    (folder / "NCT01051882.json").write_text(json.dumps(record), encoding="utf-8")
    with SnapshotRegistry(folder) as reg:
        assert reg.rebuilt
        assert reg.get(["NCT01051882"])[0].enrollment == 13

    (folder / "NCT02513394.json").unlink()
    with SnapshotRegistry(folder) as reg:
        assert reg.rebuilt
        assert reg.get(["NCT02513394"]) == [] and search(reg, titles="PALLAS") == []
        assert reg.count == len(RECORD_IDS) - 1

    (folder / "07").mkdir()  # files may sit in shard folders, as in the bulk download
    shutil.copy2(SNAPSHOT_DIR / "NCT02513394.json", folder / "07" / "NCT02513394.json")
    with SnapshotRegistry(folder) as reg:
        assert reg.rebuilt
        assert search(reg, titles="PALLAS") == ["NCT02513394"]


def test_zip_index_beside_the_zip_reused_and_rebuilt(tmp_path: Path) -> None:
    path = zip_snapshot(tmp_path / "dl" / "ctg-studies.json.zip")
    with SnapshotRegistry(path) as first:
        assert first.rebuilt
        assert first.index_path == path.parent / ".trialmatch-index-ctg-studies.json.zip.sqlite"
    with SnapshotRegistry(path) as again:
        assert not again.rebuilt
    # same content, new mtime (e.g. copied again): the central directory hash says unchanged
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    with SnapshotRegistry(path) as touched:
        assert not touched.rebuilt
    # a new download with different content is reindexed
    with zipfile.ZipFile(path, "a") as zf:
        record = load_record("NCT03828123")
        record["protocolSection"]["identificationModule"]["nctId"] = "NCT00000043"  # test copy
        zf.writestr("43/NCT00000043.json", json.dumps(record))
    with SnapshotRegistry(path) as changed:
        assert changed.rebuilt
        assert ids(changed.get(["NCT00000043"])) == ["NCT00000043"]


def test_lookups_from_many_threads(any_snap: SnapshotRegistry) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def one(nct_id: str) -> str:
        (study,) = any_snap.get([nct_id])
        return study.nct_id + ":" + ",".join(any_snap.search_ids(Query(id=nct_id)))

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(one, RECORD_IDS * 4))
    assert got == [f"{i}:{i}" for i in RECORD_IDS * 4]


def test_stored_zip_members_read_the_same(tmp_path: Path) -> None:
    path = zip_snapshot(tmp_path / "stored.zip", method=zipfile.ZIP_STORED)
    with SnapshotRegistry(path) as reg:
        assert ids(reg.get(RECORD_IDS)) == RECORD_IDS


def test_index_dir_and_cache_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = copy_snapshot(tmp_path / "snap")
    with SnapshotRegistry(folder, index_dir=tmp_path / "idx") as reg:
        assert reg.index_path.parent == tmp_path / "idx"
        assert reg.index_path.name.startswith(".trialmatch-index")
    assert not (folder / ".trialmatch-index.sqlite").exists()

    # the spot beside the snapshot cannot take the index: it goes to the user cache directory
    (folder / ".trialmatch-index.sqlite").mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with SnapshotRegistry(folder) as reg:
        assert reg.index_path.is_relative_to(tmp_path / "cache")
        assert ids(reg.get(["NCT03828123"])) == ["NCT03828123"]
    with SnapshotRegistry(folder) as reg:
        assert not reg.rebuilt


def test_open_registry_gives_a_snapshot_for_a_path(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path / "snap")
    with open_registry(RegistrySettings(source=str(folder))) as reg:
        assert isinstance(reg, SnapshotRegistry)
        assert reg.requests_made == 0


def test_missing_or_wrong_snapshot_path(tmp_path: Path) -> None:
    with pytest.raises(UnavailableError, match="no such"):
        SnapshotRegistry(tmp_path / "nope")
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a zip")
    with pytest.raises(MalformedResponseError, match="junk.zip"):
        SnapshotRegistry(junk)
    text = tmp_path / "notes.txt"
    text.write_text("x")
    with pytest.raises(BadRequestError, match="notes.txt"):
        SnapshotRegistry(text)


# ------------------------------------------------------------------------------ corrupt files
def test_corrupt_files_are_named_and_do_not_break_the_rest(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path / "snap")
    good = (folder / "NCT01051882.json").read_text(encoding="utf-8")
    (folder / "NCT01051882.json").write_text(good[: len(good) // 2], encoding="utf-8")
    (folder / "NCT03828123.json").write_text("[1, 2]", encoding="utf-8")
    (folder / "extra").mkdir()
    (folder / "extra" / "notes.json").write_text('{"protocolSection": {}}', encoding="utf-8")
    with SnapshotRegistry(folder) as reg:
        errors = {e.source: e for e in reg.build_errors}
        assert set(errors) == {"NCT01051882.json", "NCT03828123.json", "extra/notes.json"}
        assert "not valid JSON" in errors["NCT01051882.json"].message
        assert errors["NCT01051882.json"].nct_id == "NCT01051882"
        assert "not an API v2 study object" in errors["NCT03828123.json"].message
        assert "nctId" in errors["extra/notes.json"].message
        assert reg.count == len(RECORD_IDS) - 2

        with pytest.raises(MalformedResponseError, match=r"NCT01051882\.json"):
            reg.get(["NCT01051882"])
        result = reg.get_many(["NCT01051882", "NCT02513394", "NCT03828123"])
        assert ids(result.studies) == ["NCT02513394"]
        assert set(result.errors) == {"NCT01051882", "NCT03828123"}
        assert str(folder / "NCT01051882.json") in result.errors["NCT01051882"]
        assert result.missing == ()
        assert search(reg, titles="PALLAS") == ["NCT02513394"]


def test_corrupt_zip_member_is_named(tmp_path: Path) -> None:
    path = zip_snapshot(tmp_path / "stored.zip", method=zipfile.ZIP_STORED)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("82/NCT01051882.json")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0xFF  # flip one byte of the member's data
    path.write_bytes(bytes(data))
    with SnapshotRegistry(path) as reg:
        assert [(e.source, e.nct_id) for e in reg.build_errors] == [
            ("82/NCT01051882.json", "NCT01051882")
        ]
        assert "CRC" in reg.build_errors[0].message
        result = reg.get_many(["NCT01051882", "NCT03828123"])
        assert ids(result.studies) == ["NCT03828123"]
        assert "82/NCT01051882.json" in result.errors["NCT01051882"]


def test_duplicate_study_in_two_files_is_recorded(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path / "snap")
    (folder / "copy").mkdir()
    shutil.copy2(folder / "NCT03828123.json", folder / "copy" / "NCT03828123.json")
    with SnapshotRegistry(folder) as reg:
        assert reg.count == len(RECORD_IDS)
        assert (
            len(reg.build_errors) == 1 and "already in the snapshot" in reg.build_errors[0].message
        )
        assert ids(reg.get(["NCT03828123"])) == ["NCT03828123"]


# ------------------------------------------------------------------------------ CLI
def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trialmatch", *args],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_lookup_json_on_the_shipped_snapshot() -> None:
    """Issue #2 done-when: the lookup prints the values in those records."""
    proc = run_cli(
        "lookup", "NCT03828123", "NCT01051882", "--registry", "cassettes/snapshot", "--format",
        "json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [o["nct_id"] for o in out] == ["NCT03828123", "NCT01051882"]
    a, b = out
    assert a["title"] == (
        "Autologous Multipotent Mesenchymal Stromal Cells in the Treatment of Amyotrophic "
        "Lateral Sclerosis"
    )
    assert (a["status"], a["phases"], a["enrollment"], a["enrollment_type"]) == (
        "COMPLETED",
        ["PHASE1", "PHASE2"],
        26,
        None,
    )
    assert (a["start_date"], a["start_date_type"]) == ("2012-01-31", None)
    assert a["completion_date"] == "2017-08-18" and a["primary_completion_date"] == "2017-08-18"
    assert a["first_posted"] is None and a["first_posted_type"] is None
    assert (a["has_results"], a["lead_sponsor"], a["record_version"]) == (
        False,
        "Bioinova, s.r.o.",
        None,
    )
    assert a["url"] == "https://clinicaltrials.gov/study/NCT03828123"
    assert b["official_title"].startswith("A Phase I/II, Open Label Study to Evaluate Safety")
    assert (b["status"], b["phases"], b["enrollment"], b["enrollment_type"]) == (
        "COMPLETED",
        ["PHASE1", "PHASE2"],
        12,
        None,
    )
    assert (b["start_date"], b["primary_completion_date"], b["completion_date"]) == (
        "2011-06-30",
        "2012-12-31",
        "2013-03-31",
    )
    assert b["lead_sponsor"] == "Brainstorm-Cell Therapeutics" and b["has_results"] is False
    # every value equals the library's own view of the record file
    for obj in out:
        assert obj == Study.from_api(load_record(obj["nct_id"])).to_dict()


def test_cli_lookup_reports_unknown_and_bad_ids_and_exits_1(tmp_path: Path) -> None:
    folder = copy_snapshot(tmp_path / "snap")
    (folder / "NCT01051882.json").write_text("{ truncated", encoding="utf-8")
    proc = run_cli(
        "lookup", "NCT99999999", "NCT02513394", "banana", "NCT01051882", "--registry",
        str(folder), "--format", "json",
    )  # fmt: skip
    assert proc.returncode == 1
    assert [o["nct_id"] for o in json.loads(proc.stdout)] == ["NCT02513394"]
    assert "NCT99999999" in proc.stderr and "not found" in proc.stderr
    assert "banana" in proc.stderr
    assert "NCT01051882.json" in proc.stderr


def test_cli_lookup_on_a_zip(tmp_path: Path) -> None:
    path = zip_snapshot(tmp_path / "ctg-studies.json.zip")
    proc = run_cli("lookup", "NCT02513394", "--registry", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    (obj,) = json.loads(proc.stdout)
    assert obj["secondary_ids"] == ["ABCSG 42", "BIG 14-03", "2014-005181-30"]
    assert obj["record_version"] == "2023-10-06"
