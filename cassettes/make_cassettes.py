"""Build the vcrpy cassettes in ``cassettes/*.yaml`` for ``tests/test_registry_api.py``.

Default (offline, reproducible): start ``tests/localserver.py`` on 127.0.0.1 serving the real
records in ``cassettes/snapshot/``, run each scenario below through the real client
(:class:`trialmatch.registry.api.ApiRegistry`) while vcrpy records, and rewrite the recorded
host to ``https://clinicaltrials.gov`` so the cassettes answer the requests the client makes
against the real API URL.

``--live``: run the same scenarios against the real API (https://clinicaltrials.gov/api/v2, at
1 request/s) and record what it answers. Live records are complete and current, so they differ
from the partial snapshot records; the tests then compare only what does not depend on that
(see cassettes/README.md).

    python cassettes/make_cassettes.py            # from the snapshot (what the repo ships)
    python cassettes/make_cassettes.py --live     # from the live API
    python cassettes/make_cassettes.py --only lookup_two
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import vcr

from trialmatch.registry.api import DEFAULT_API_URL, ApiRegistry
from trialmatch.registry.interface import Query

LIVE_HOST = "https://clinicaltrials.gov"

SNAPSHOT_IDS = sorted(p.stem for p in (HERE / "snapshot").glob("NCT*.json"))
"""The real records shipped in cassettes/snapshot/ (16 studies)."""

UNKNOWN_ID = "NCT99999999"
"""An ID no study has (NCT numbers are issued in order and are far from this one)."""


def _ids(studies: Any) -> list[str]:
    return [s.nct_id for s in studies]


# A scenario takes a client pointed at the API root and returns what the tests check.
# The tests replay these exact calls, so the requests match the recorded ones.
SCENARIOS: dict[str, Callable[[ApiRegistry], Any]] = {
    # two IDs -> one filter.ids request, results in the order asked
    "lookup_two": lambda r: r.get(["NCT03828123", "NCT01051882"]),
    # every shipped record at once -> still one request
    "lookup_snapshot": lambda r: r.get(SNAPSHOT_IDS),
    # one ID -> GET /studies/{nctId}
    "fetch_one": lambda r: r.get(["NCT01051882"]),
    # one unknown ID -> 404 (left out)
    "fetch_unknown": lambda r: r.get_many([UNKNOWN_ID]),
    # known and unknown IDs together -> one request; the unknown one is reported missing
    "lookup_with_unknown": lambda r: r.get_many(["NCT03828123", UNKNOWN_ID, "NCT01051882"]),
    # only studies updated since a date (filter.ids + filter.advanced)
    "lookup_updated_since": lambda r: r.get(SNAPSHOT_IDS, updated_since="2022-01-01"),
    # a search that needs three pages of two (paging with nextPageToken)
    "search_paging": lambda r: list(r.search(Query(cond="Amyotrophic Lateral Sclerosis", limit=5))),
    # the API's data version
    "version": lambda r: r.data_timestamp(),
}

SCENARIO_OPTIONS: dict[str, dict[str, Any]] = {"search_paging": {"page_size": 2}}
"""Client options a scenario needs (the tests build their client the same way)."""


def cassette_path(name: str) -> Path:
    return HERE / f"{name}.yaml"


def make_vcr(record_mode: str, rewrite_from: str | None = None) -> vcr.VCR:
    def before_request(request: Any) -> Any:
        if rewrite_from:
            request.uri = request.uri.replace(rewrite_from, LIVE_HOST, 1)
        return request

    def before_response(response: dict) -> dict:
        headers = response.get("headers", {})
        for name in list(headers):
            if name.lower() in ("date", "server", "set-cookie"):
                del headers[name]
        return response

    return vcr.VCR(
        record_mode=record_mode,
        match_on=("method", "scheme", "host", "port", "path", "query"),
        filter_headers=["user-agent"],
        before_record_request=before_request,
        before_record_response=before_response,
        decode_compressed_response=True,
    )


def client_for(name: str, base_url: str, *, rate: float) -> ApiRegistry:
    return ApiRegistry(base_url, None, rate=rate, **SCENARIO_OPTIONS.get(name, {}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--live", action="store_true", help="record from the real API")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="scenarios to (re)record")
    args = parser.parse_args(argv)
    names = args.only or list(SCENARIOS)
    for name in names:
        cassette_path(name).unlink(missing_ok=True)
    if args.live:
        recorder = make_vcr("all")
        for name in names:
            with recorder.use_cassette(str(cassette_path(name))):
                SCENARIOS[name](client_for(name, DEFAULT_API_URL, rate=1.0))
            print(f"recorded {cassette_path(name).name} from {DEFAULT_API_URL}")
        return 0

    from localserver import FakeApi

    with FakeApi(prefix="/api/v2") as api:
        origin = f"http://127.0.0.1:{api.port}"
        recorder = make_vcr("all", rewrite_from=origin)
        for name in names:
            with recorder.use_cassette(str(cassette_path(name))):
                SCENARIOS[name](client_for(name, api.base_url, rate=0))
            print(f"recorded {cassette_path(name).name} from the snapshot records")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
