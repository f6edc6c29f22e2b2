"""`trialmatch lookup` end to end against the local API server (tests/localserver.py).

The done-when command of issue #2:

    trialmatch lookup NCT03828123 NCT01051882 --api-url http://127.0.0.1:PORT --format json

prints the values in those records (the real, partial records in cassettes/snapshot/).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from localserver import FakeApi, Fault, load_snapshot_records

from trialmatch.cli import main
from trialmatch.registry.api import ApiRegistry

ROOT = Path(__file__).resolve().parent.parent
RECORDS = load_snapshot_records()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test reads the user's environment or writes to the user's cache directory, and no
    retry really waits."""
    monkeypatch.delenv("TRIALMATCH_API_URL", raising=False)
    monkeypatch.setenv("TRIALMATCH_CACHE", str(tmp_path / "http_cache.sqlite"))
    monkeypatch.setitem(ApiRegistry.__init__.__kwdefaults__, "sleep", lambda seconds: None)


@pytest.fixture
def api():
    with FakeApi() as server:
        yield server


def lookup(capsys, *argv: str) -> tuple[int, object, str]:
    code = main(["lookup", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def expected(nct_id: str) -> dict:
    """The lookup JSON values, read straight from the record file."""
    rec = RECORDS[nct_id]
    ps = rec["protocolSection"]
    ident, status = ps["identificationModule"], ps.get("statusModule", {})
    design = ps.get("designModule", {})

    def date(key: str) -> tuple[str | None, str | None]:
        struct = status.get(key, {})
        return struct.get("date"), struct.get("type")

    out = {
        "nct_id": nct_id,
        "title": ident.get("briefTitle"),
        "official_title": ident.get("officialTitle"),
        "status": status.get("overallStatus"),
        "phases": design.get("phases", []),
        "enrollment": design.get("enrollmentInfo", {}).get("count"),
        "enrollment_type": design.get("enrollmentInfo", {}).get("type"),
        "has_results": rec.get("hasResults"),
        "lead_sponsor": ps.get("sponsorCollaboratorsModule", {}).get("leadSponsor", {}).get("name"),
        "record_version": rec.get("derivedSection", {})
        .get("miscInfoModule", {})
        .get("versionHolder"),
        "url": f"https://clinicaltrials.gov/study/{nct_id}",
    }
    for name, key in [
        ("start_date", "startDateStruct"),
        ("primary_completion_date", "primaryCompletionDateStruct"),
        ("completion_date", "completionDateStruct"),
        ("first_posted", "studyFirstPostDateStruct"),
    ]:
        out[name], out[f"{name}_type"] = date(key)
    return out


def test_done_when_lookup_against_a_local_server_prints_the_records_values(api, capsys):
    code, out, err = lookup(
        capsys, "NCT03828123", "NCT01051882", "--api-url", api.base_url, "--format", "json"
    )
    assert code == 0, err
    assert [o["nct_id"] for o in out] == ["NCT03828123", "NCT01051882"]
    for obj in out:
        want = expected(obj["nct_id"])
        assert {k: obj[k] for k in want} == want
    # spot checks against the record files, written out
    assert out[0]["title"].startswith("Autologous Multipotent Mesenchymal Stromal Cells")
    assert out[0]["phases"] == ["PHASE1", "PHASE2"] and out[0]["enrollment"] == 26
    assert out[1]["start_date"] == "2011-06-30" and out[1]["start_date_type"] is None
    assert out[1]["lead_sponsor"] == "Brainstorm-Cell Therapeutics"
    assert out[1]["has_results"] is False
    assert api.count() == 1  # two IDs, one filter.ids request


def test_done_when_command_as_a_subprocess(api, tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "TRIALMATCH_CACHE": str(tmp_path / "cache.sqlite"),
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "trialmatch", "lookup", "NCT03828123", "NCT01051882",
         "--api-url", api.base_url, "--format", "json"],
        check=False, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [o["nct_id"] for o in out] == ["NCT03828123", "NCT01051882"]
    assert out[0] == {**out[0], **expected("NCT03828123")}


def test_trialmatch_api_url_points_the_client_at_another_server(api, capsys, monkeypatch):
    monkeypatch.setenv("TRIALMATCH_API_URL", api.base_url)
    code, out, _ = lookup(capsys, "NCT01051882", "--format", "json")
    assert code == 0
    assert out[0]["nct_id"] == "NCT01051882"
    assert api.count() == 1


def test_api_url_option_beats_the_environment(api, capsys, monkeypatch):
    monkeypatch.setenv("TRIALMATCH_API_URL", "http://127.0.0.1:9/nowhere")
    code, out, _ = lookup(capsys, "NCT01051882", "--api-url", api.base_url, "--format", "json")
    assert code == 0 and out[0]["nct_id"] == "NCT01051882"


def test_unknown_and_malformed_ids_go_to_stderr_and_exit_1(api, capsys):
    code, out, err = lookup(
        capsys, "NCT99999999", "NCT03828123", "not-an-id", "NCT01051882",
        "--api-url", api.base_url, "--format", "json",
    )  # fmt: skip
    assert code == 1
    assert [o["nct_id"] for o in out] == ["NCT03828123", "NCT01051882"]
    assert "NCT99999999: not found" in err
    assert "'not-an-id' is not an NCT ID" in err
    assert api.count() == 1  # the unknown ID rode along in the same batch


def test_only_unknown_ids_print_an_empty_list(api, capsys):
    code, out, err = lookup(capsys, "NCT99999999", "--api-url", api.base_url, "--format", "json")
    assert (code, out) == (1, [])
    assert "NCT99999999: not found in ClinicalTrials.gov API v2 at " + api.base_url in err


def test_a_repeated_run_is_served_from_the_cache(api, capsys, tmp_path):
    argv = ["NCT03828123", "NCT01051882", "--api-url", api.base_url, "--format", "json"]
    first = lookup(capsys, *argv, "--cache", str(tmp_path / "c.sqlite"))
    assert api.count() == 1
    second = lookup(capsys, *argv, "--cache", str(tmp_path / "c.sqlite"))
    assert api.count() == 1  # 0 requests the second time
    assert first == second
    lookup(capsys, *argv, "--cache", str(tmp_path / "c.sqlite"), "--no-cache")
    assert api.count() == 2


def test_lookups_succeed_while_every_second_request_gets_429_or_503(capsys):
    with FakeApi(flaky=True) as server:
        for ids in (
            ["NCT03828123", "NCT01051882"],
            ["NCT02116634"],
            ["NCT04745299", "NCT01363401"],
        ):
            code, out, _ = lookup(capsys, *ids, "--api-url", server.base_url, "--format", "json",
                                  "--no-cache", "--rate", "0")  # fmt: skip
            assert code == 0
            assert [o["nct_id"] for o in out] == ids
        assert {q.answered for q in server.requests} == {200, 429, 503}


def test_an_unreachable_api_is_a_fatal_error(capsys):
    with FakeApi() as server:
        url = server.base_url
    code, out, err = lookup(capsys, "NCT03828123", "--api-url", url, "--format", "json")
    assert code == 2 and out is None
    assert "gave up after" in err and url in err


def test_a_400_from_the_api_is_reported_with_its_body(api, capsys):
    api.fail_next(Fault(400, "`filter.phase` is unknown parameter"))
    code, _, err = lookup(capsys, "NCT03828123", "--api-url", api.base_url, "--format", "json")
    assert code == 2
    assert "HTTP 400" in err and "`filter.phase` is unknown parameter" in err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["NCT03828123", "--format", "xml"],
        ["NCT03828123", "--rate", "-1"],
        ["NCT03828123", "--rate", "fast"],
        ["NCT03828123", "--cache-expire", "-2"],
        ["NCT03828123", "--no-such-option"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(["lookup", *argv])
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_a_bad_api_url_is_a_clear_error(capsys):
    code, _, err = lookup(capsys, "NCT03828123", "--api-url", "clinicaltrials.gov/api/v2")
    assert code == 2
    assert "is not an http:// or https:// URL" in err
