"""The nightly batch against an API server (the local stand-in on 127.0.0.1).

Tracked studies are refreshed every run whatever the HTTP cache holds, in batched
``filter.ids`` requests, asking only for studies updated since the previous run; requests are
counted in run.json; an unreachable registry is fatal (exit 2).
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path

from localserver import FakeApi, load_snapshot_records
from test_batch_support import BATCH_SAMPLES

import trialmatch.registry as registry_pkg
from trialmatch.batch import BatchOptions, execute_batch
from trialmatch.registry import RegistrySettings
from trialmatch.registry.api import ApiRegistry

DOCS = BATCH_SAMPLES / "docs"
BEFORE_RECORD = BATCH_SAMPLES / "registry-2021-10" / "NCT03280056.json"


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_two_nights_on_the_api_refresh_tracked_studies_past_the_cache(tmp_path):
    records = load_snapshot_records()
    records["NCT03280056"] = json.loads(BEFORE_RECORD.read_text())  # as of October 2021
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / "nurown_phase3_sample.txt", docs)  # cites NCT03280056
    shutil.copy(DOCS / "hostile_sample.txt", docs)  # cites NCT01777646
    state = tmp_path / "state.sqlite"
    with FakeApi(records) as api:
        opts = BatchOptions(
            paths=(str(docs),),
            out_dir=tmp_path / "out",
            registry=RegistrySettings(
                source="api",
                api_url=api.base_url,
                cache_path=tmp_path / "http.sqlite",
                cache_expire_hours=24 * 365,
                rate=0,
            ),
            state_path=state,
            progress=False,
        )
        night1 = execute_batch(opts)
        assert night1.exit_code == 0, night1
        run1 = json.loads((night1.run_dir / "run.json").read_text())
        assert run1["registry"]["snapshot"] is False
        assert run1["registry"]["data_timestamp"] == api.data_timestamp
        assert run1["counts"]["registry_requests"] == api.count() > 0
        assert {s["nct_id"] for s in read_csv(night1.run_dir / "studies.csv")} == {
            "NCT03280056", "NCT01777646",
        }  # fmt: skip

        # Night 1 stands for a run made on 2021-10-07, when the record was its October 2021
        # version (the test rewrites that run's date in the history); results were posted on
        # 2024-02-29, and the server now has the real, current record.
        with sqlite3.connect(state) as db:
            db.execute("UPDATE runs SET started_at='2021-10-07T03:15:00Z', run_date='2021-10-07'")
        api.records["NCT03280056"] = load_snapshot_records()["NCT03280056"]
        api.requests.clear()

        night2 = execute_batch(opts)
        assert night2.exit_code == 0, night2
        studies_requests = [r for r in api.requests if r.path == "/studies"]
        # one batched refresh request for both tracked studies, updated since the last run
        assert len(studies_requests) == 1
        refresh = studies_requests[0]
        assert set(refresh.param("filter.ids").split(",")) == {"NCT03280056", "NCT01777646"}
        assert refresh.param("filter.advanced") == ("AREA[LastUpdatePostDate]RANGE[2021-10-07,MAX]")
        # nothing else: unchanged documents keep their links (no searches), and the study not
        # updated since (NCT01777646) is rebuilt from the history, not downloaded
        assert [r.path for r in api.requests] == ["/version", "/studies"]
        run2 = json.loads((night2.run_dir / "run.json").read_text())
        assert run2["counts"]["registry_requests"] == 2
        assert run2["incremental"]["documents_links_reused"] == 2

    changes = {
        (c["kind"], c["key"], c["field"]): (c["old"], c["new"])
        for c in read_csv(night2.run_dir / "changes.csv")
    }
    # the HTTP cache (a year's expiry) still holds the 2021 record: the change shows anyway
    assert changes[("study changed", "NCT03280056", "has_results")] == ("false", "true")
    assert changes[("study changed", "NCT03280056", "results_first_posted")] == ("", "2024-02-29")
    assert changes[("study changed", "NCT03280056", "last_update_posted")] == (
        "2021-10-06", "2024-02-29",
    )  # fmt: skip
    assert not [k for k in changes if k[1] == "NCT01777646"]


def test_registry_unreachable_is_fatal(tmp_path, monkeypatch):
    with FakeApi() as api:
        url = api.base_url  # a port that is closed once the server stops

    def quick(settings):
        return ApiRegistry(base_url=url, cache_path=None, rate=0, max_attempts=1,
                           max_total_wait=1)  # fmt: skip

    monkeypatch.setattr(registry_pkg, "open_registry", quick)
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / "nurown_phase3_sample.txt", docs)
    result = execute_batch(
        BatchOptions(
            paths=(str(docs),),
            out_dir=tmp_path / "out",
            registry=RegistrySettings(source="api", api_url=url),
            state_path=tmp_path / "s.sqlite",
            progress=False,
        )
    )
    assert result.exit_code == 2
    assert "unreachable" in result.message
    assert not (tmp_path / "out" / "latest").exists()
    assert "registry unreachable" in (result.run_dir / "run.log").read_text()
