"""The live API v2 client (trialmatch/registry/api.py).

Two kinds of test:

- cassette tests replay ``cassettes/*.yaml`` (vcrpy), recorded from the real records in
  ``cassettes/snapshot/`` by ``cassettes/make_cassettes.py``; the client talks to
  https://clinicaltrials.gov/api/v2 and vcrpy answers. Set ``TRIALMATCH_VCR_RECORD=all`` to
  re-record them against the live API (see cassettes/README.md).
- local-server tests run ``tests/localserver.py`` on 127.0.0.1 for what a cassette cannot show:
  faults and retries, timing, caching, aliases, batches of 1000.

No test sleeps for long: the client's ``sleep`` is a recorder, and the rate limit is off unless
a test is about it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import json
import os
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from localserver import FakeApi, Fault, load_snapshot_records

from trialmatch.registry import (
    BadRequestError,
    InvalidIdError,
    MalformedResponseError,
    Query,
    RegistryError,
    RegistrySettings,
    Study,
    UnavailableError,
    open_registry,
)
from trialmatch.registry.api import (
    DEFAULT_API_URL,
    MAX_URL_BYTES,
    STUDY_FIELDS,
    ApiRegistry,
    parse_retry_after,
)

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
SPEC = Path(__file__).resolve().parent / "data" / "registry" / "api" / "ctg-oas-v2.yaml"
sys.path.insert(0, str(CASSETTES))
import make_cassettes

RECORDS = load_snapshot_records()
RECORD_MODE = os.environ.get("TRIALMATCH_VCR_RECORD", "none")
RECORDING = RECORD_MODE != "none"
"""When re-recording against the live API, values differ from the partial snapshot records, so
value checks are skipped and only the shape of the exchange is checked."""


class Sleeps(list):
    """A stand-in for time.sleep that records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(api: FakeApi | str, **kwargs: Any) -> ApiRegistry:
    """A client for the local server (or a URL) with no rate limit and recorded waits."""
    kwargs.setdefault("rate", 0)
    kwargs.setdefault("sleep", Sleeps())
    kwargs.setdefault("timeout", 2.0)
    base = api.base_url if isinstance(api, FakeApi) else api
    return ApiRegistry(base, kwargs.pop("cache_path", None), **kwargs)


@pytest.fixture
def api():
    with FakeApi() as server:
        yield server


def unknown_ids(n: int) -> list[str]:
    """IDs the local server does not know (none of the shipped records is in this range)."""
    return [f"NCT{10_000_000 + i:08d}" for i in range(n)]


# ============================================================================ the spec
@functools.cache
def spec_parameters() -> dict[str, dict[str, dict]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec = yaml.load(SPEC.read_text(encoding="utf-8"), Loader=loader)
    out = {}
    for path, ops in spec["paths"].items():
        out[path] = {p["name"]: p for p in ops["get"].get("parameters", []) if p["in"] == "query"}
    return out


def check_against_spec(path_template: str, params: list[tuple[str, str]]) -> None:
    defined = spec_parameters()[path_template]
    names = [k for k, _ in params]
    assert len(names) == len(set(names)), f"parameter repeated in {params}"
    for name, value in params:
        assert name in defined, f"{name!r} is not a parameter of GET {path_template} in the spec"
        schema = defined[name]["schema"]
        if schema.get("type") == "array":
            items = re.split(r"[,|]", value)
            assert items and all(items), f"{name}: empty item in {value!r}"
            if "pattern" in schema["items"]:
                for item in items:
                    assert re.match(schema["items"]["pattern"], item), f"{name}: {item!r}"
        elif schema.get("type") == "integer":
            assert int(value) >= schema.get("minimum", 0)
        if "enum" in schema:
            assert value in schema["enum"]
    if path_template == "/studies":
        assert int(dict(params).get("pageSize", 10)) <= 1000


def test_every_parameter_the_client_sends_is_defined_by_the_spec(api):
    api.aliases["NCT00000042"] = "NCT03828123"  # a made-up alias, to cover the redirect
    r = client(api, page_size=3)
    r.get(["NCT03828123"])
    r.get(["NCT00000042"])
    r.get(list(RECORDS) + unknown_ids(1200))
    r.get(list(RECORDS), updated_since=dt.date(2020, 1, 1))
    r.get_many(["NCT99999999"])
    query = Query(
        term="stem cells",
        cond="ALS",
        intr="MSC",
        spons="Brainstorm",
        titles="ALS",
        id="NCT01051882",
        overall_status=("COMPLETED", "TERMINATED"),
        advanced="AREA[LastUpdatePostDate]RANGE[2000-01-01,MAX]",
        limit=10,
    )
    list(r.search(query))
    list(r.search(Query(cond="Amyotrophic Lateral Sclerosis", limit=10)))
    r.data_timestamp()
    assert api.requests, "no requests were made"
    for request in api.requests:
        check_against_spec(request.path_template, request.params)
        assert request.answered in (200, 301, 404), (request.url, request.answered)


def test_the_cassettes_hold_only_requests_the_spec_allows():
    for path in sorted(CASSETTES.glob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            uri = interaction["request"]["uri"]
            assert uri.startswith(DEFAULT_API_URL + "/"), uri
            parts = urlsplit(uri)
            path_ = parts.path[len("/api/v2") :]
            template = "/studies/{nctId}" if re.fullmatch(r"/studies/NCT\d+", path_) else path_
            check_against_spec(template, parse_qsl(parts.query, keep_blank_values=True))


def test_fields_asks_only_for_what_study_reads_and_loses_nothing_it_reads():
    # the one complete real response (with results): pruned to STUDY_FIELDS it is much smaller,
    # and the Study built from it is the same as the one built from the whole record
    full = RECORDS["NCT02513394"]
    with FakeApi({"NCT02513394": full}) as server:
        study = client(server).get(["NCT02513394"])[0]
        assert server.requests[0].param("fields") == ",".join(STUDY_FIELDS)
    pruned_size = len(json.dumps(study.raw))
    assert pruned_size < len(json.dumps(full)) / 3
    assert study.to_dict() == Study.from_api(full).to_dict()
    assert study.result_outcomes == Study.from_api(full).result_outcomes
    assert study.record_version == "2023-10-06"


# ============================================================================ cassettes
def replay(name: str):
    recorder = make_cassettes.make_vcr(RECORD_MODE)
    return recorder.use_cassette(str(make_cassettes.cassette_path(name)))


def cassette_client(name: str) -> ApiRegistry:
    return make_cassettes.client_for(name, DEFAULT_API_URL, rate=1.0 if RECORDING else 0)


def run_scenario(name: str) -> tuple[Any, ApiRegistry, Any]:
    with replay(name) as cassette:
        r = cassette_client(name)
        result = make_cassettes.SCENARIOS[name](r)
    return result, r, cassette


def test_cassette_two_ids_take_one_request_in_the_order_asked():
    studies, r, cassette = run_scenario("lookup_two")
    assert [s.nct_id for s in studies] == ["NCT03828123", "NCT01051882"]
    assert r.requests_made == 1
    assert "filter.ids=NCT03828123%2CNCT01051882" in cassette.requests[0].uri
    assert "pageSize=1000" in cassette.requests[0].uri
    if not RECORDING:
        a, b = studies
        assert (
            a.brief_title
            == RECORDS["NCT03828123"]["protocolSection"]["identificationModule"]["briefTitle"]
        )
        assert (a.overall_status, a.phases, a.enrollment) == ("COMPLETED", ("PHASE1", "PHASE2"), 26)
        assert b.lead_sponsor.name == "Brainstorm-Cell Therapeutics"
        assert b.start_date.text == "2011-06-30"


def test_cassette_every_shipped_record_in_one_request():
    studies, r, _ = run_scenario("lookup_snapshot")
    assert [s.nct_id for s in studies] == make_cassettes.SNAPSHOT_IDS
    assert r.requests_made == 1


def test_cassette_one_id_uses_the_single_study_endpoint():
    studies, r, cassette = run_scenario("fetch_one")
    assert [s.nct_id for s in studies] == ["NCT01051882"]
    assert "/api/v2/studies/NCT01051882?" in cassette.requests[0].uri
    assert r.requests_made == 1


def test_cassette_unknown_single_id_is_reported_missing():
    result, r, _ = run_scenario("fetch_unknown")
    assert result.studies == () and result.missing == ("NCT99999999",)
    assert r.requests_made == 1


def test_cassette_unknown_id_among_known_ones_costs_no_extra_request():
    result, r, _ = run_scenario("lookup_with_unknown")
    assert [s.nct_id for s in result.studies] == ["NCT03828123", "NCT01051882"]
    assert result.missing == ("NCT99999999",)
    assert r.requests_made == 1


def test_cassette_updated_since_combines_filter_ids_and_an_essie_range():
    studies, r, cassette = run_scenario("lookup_updated_since")
    assert "filter.advanced=AREA%5BLastUpdatePostDate%5DRANGE%5B2022-01-01%2CMAX%5D" in (
        cassette.requests[0].uri
    )
    assert r.requests_made == 1
    if not RECORDING:
        assert [s.nct_id for s in studies] == ["NCT02513394", "NCT03268603", "NCT03280056"]
        assert all(s.last_update_posted.text >= "2022-01-01" for s in studies)


def test_cassette_search_follows_next_page_token_repeating_the_parameters():
    studies, r, cassette = run_scenario("search_paging")
    assert len(studies) == 5
    assert r.requests_made == len(cassette.requests) == 3
    first = dict(cassette.requests[0].query)
    assert "pageToken" not in first
    for later in cassette.requests[1:]:
        params = dict(later.query)
        assert params.pop("pageToken")
        assert params == first


def test_cassette_version_gives_the_data_timestamp():
    stamp, r, _ = run_scenario("version")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", stamp)
    assert r.requests_made == 1


def test_cassettes_are_what_make_cassettes_builds(tmp_path, monkeypatch):
    # rebuilding one cassette from the snapshot gives the same interactions as the shipped one
    monkeypatch.setattr(make_cassettes, "HERE", tmp_path)
    make_cassettes.main(["--only", "lookup_two"])
    rebuilt = yaml.safe_load((tmp_path / "lookup_two.yaml").read_text())
    shipped = yaml.safe_load((CASSETTES / "lookup_two.yaml").read_text())
    assert rebuilt["interactions"] == shipped["interactions"]


# ============================================================================ batching, paging
def test_1000_ids_take_at_most_3_requests_each_url_under_8_kb(api):
    # the 16 real records plus 984 IDs this server answers as unknown
    ids = list(RECORDS) + unknown_ids(1000 - len(RECORDS))
    r = client(api)
    result = r.get_many(ids)
    assert r.requests_made == api.count() <= 3
    assert [s.nct_id for s in result.studies] == list(RECORDS)
    assert len(result.missing) == 1000 - len(RECORDS)
    asked = []
    for request in api.requests:
        assert len(request.url.encode()) + len(api.base_url) < MAX_URL_BYTES
        assert request.param("pageSize") == "1000"
        asked += request.param("filter.ids").split(",")
    assert asked == ids  # every ID asked once, in batches, in order


def test_results_come_back_in_the_order_asked_not_the_servers(api):
    ids = sorted(RECORDS)[::3] + sorted(RECORDS)[1::3]
    studies = client(api).get(ids)
    assert [s.nct_id for s in studies] == ids


def test_ids_are_normalized_and_deduplicated(api):
    r = client(api)
    studies = r.get(["nct3828123", "NCT03828123", " NCT01051882 "])
    assert [s.nct_id for s in studies] == ["NCT03828123", "NCT01051882"]
    assert api.requests[0].param("filter.ids") == "NCT03828123,NCT01051882"


def test_get_follows_pages_when_the_server_pages_a_batch():
    with FakeApi(max_page_size=5) as server:
        r = client(server)
        studies = r.get(sorted(RECORDS))
        assert [s.nct_id for s in studies] == sorted(RECORDS)
        assert server.count() == 4  # 16 records, 5 a page
        first = dict(server.requests[0].params)
        for later in server.requests[1:]:
            params = dict(later.params)
            assert params.pop("pageToken")
            assert params == first


def test_search_stops_at_the_limit(api):
    r = client(api, page_size=2)
    studies = list(r.search(Query(cond="Amyotrophic Lateral Sclerosis", limit=3)))
    assert len(studies) == 3
    assert r.requests_made == 2
    assert list(client(api).search(Query(cond="ALS", limit=0))) == []


def test_search_with_status_filter(api):
    studies = list(client(api).search(Query(overall_status=("WITHDRAWN",), limit=50)))
    assert [s.nct_id for s in studies] == ["NCT02116634"]


def test_a_repeated_page_token_is_malformed_not_an_endless_loop(api):
    page = json.dumps({"studies": [], "nextPageToken": "again"})
    api.fail_next(Fault(200, page, content_type="application/json"))
    api.fail_next(Fault(200, page, content_type="application/json"))
    with pytest.raises(MalformedResponseError, match="repeats"):
        list(client(api).search(Query(cond="ALS")))


def test_updated_since_keeps_only_recently_updated_studies(api):
    studies = client(api).get(list(RECORDS), updated_since="2023-01-01")
    assert [s.nct_id for s in studies] == ["NCT02513394", "NCT03280056"]
    assert api.requests[0].param("filter.advanced") == (
        "AREA[LastUpdatePostDate]RANGE[2023-01-01,MAX]"
    )
    with pytest.raises(ValueError):
        client(api).get(["NCT03828123"], updated_since="last week")


# ============================================================================ aliases
def test_an_alias_is_redirected_and_kept_on_the_study():
    with FakeApi(aliases={"NCT00000042": "NCT03828123"}) as server:
        r = client(server)
        (study,) = r.get(["NCT00000042"])
        assert study.nct_id == "NCT03828123"
        assert "NCT00000042" in study.aliases
        assert [q.answered for q in server.requests] == [301, 200]
        assert r.requests_made == 2
        result = r.get_many(["NCT00000042"])
        assert result.missing == ()


def test_an_alias_in_a_batch_is_matched_by_the_records_alias_list():
    with FakeApi(aliases={"NCT00000042": "NCT03828123"}) as server:
        r = client(server)
        studies = r.get(["NCT01051882", "NCT00000042"])
        assert [(s.nct_id, "NCT00000042" in s.aliases) for s in studies] == [
            ("NCT01051882", False),
            ("NCT03828123", True),
        ]
        assert r.requests_made == 1


def test_an_alias_the_record_does_not_list_is_resolved_one_by_one():
    with FakeApi(aliases={"NCT00000042": "NCT03828123"}, alias_in_record=False) as server:
        r = client(server)
        result = r.get_many(["NCT01051882", "NCT00000042", "NCT99999999"])
        assert [s.nct_id for s in result.studies] == ["NCT01051882", "NCT03828123"]
        assert result.studies[1].aliases == ("NCT00000042",)
        assert result.missing == ("NCT99999999",)
        # the batch, then the alias's 301 and its target; the unknown ID costs nothing more
        assert [q.path for q in server.requests] == [
            "/studies",
            "/studies/NCT00000042",
            "/studies/NCT03828123",
        ]


# ============================================================================ retries
def test_429_with_retry_after_seconds_is_honoured(api):
    api.fail_next(Fault(429, "slow down", {"Retry-After": "7"}))
    r = client(api)
    assert [s.nct_id for s in r.get(["NCT03828123", "NCT01051882"])] == [
        "NCT03828123",
        "NCT01051882",
    ]
    assert r._sleep == [7.0]
    assert r.requests_made == 2


def test_429_with_retry_after_http_date_is_honoured(api):
    past = email.utils.format_datetime(dt.datetime(2020, 1, 1, tzinfo=dt.UTC), usegmt=True)
    api.fail_next(Fault(429, "slow down", {"Retry-After": past}))
    r = client(api)
    assert len(r.get(["NCT03828123"])) == 1
    assert r._sleep == [0.0]


def test_parse_retry_after():
    now = dt.datetime(2026, 1, 9, 12, 0, 0, tzinfo=dt.UTC).timestamp()
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after("Fri, 09 Jan 2026 12:00:30 GMT", now=lambda: now) == 30.0
    assert parse_retry_after("Fri, 09 Jan 2026 11:00:00 GMT", now=lambda: now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-5") == 0.0


def test_503_then_success_backs_off_exponentially_with_jitter(api):
    api.fail_next(Fault(503, "busy"), Fault(502, "bad gateway"), Fault(500, "oops"))
    r = client(api, backoff_initial=1.0, backoff_max=30.0)
    assert len(r.get(["NCT03828123", "NCT01051882"])) == 2
    assert r.requests_made == 4
    waits = r._sleep
    assert len(waits) == 3
    for i, wait in enumerate(waits):  # 1, 2, 4 seconds, each plus up to 1 s of jitter
        assert 2**i <= wait <= 2**i + 1


def test_a_timeout_is_retried(api):
    api.fail_next(Fault(delay=0.6))
    r = client(api, timeout=0.2)
    assert len(r.get(["NCT03828123", "NCT01051882"])) == 2
    assert r.requests_made == 2 and len(r._sleep) == 1


def test_429_503_and_a_timeout_in_a_row_then_success(api):
    api.fail_next(Fault(429, "", {"Retry-After": "1"}), Fault(503, "busy"), Fault(delay=0.6))
    r = client(api, timeout=0.2)
    assert len(r.get(["NCT03828123"])) == 1
    assert r.requests_made == 4
    assert r._sleep[0] == 1.0 and len(r._sleep) == 3


def test_a_truncated_body_is_retried(api):
    api.fail_next(Fault(truncate=True))
    r = client(api)
    assert len(r.get(["NCT03828123", "NCT01051882"])) == 2
    assert r.requests_made == 2


def test_always_truncated_is_a_malformed_response(api):
    api.fail_next(*[Fault(truncate=True)] * 3)
    with pytest.raises(MalformedResponseError, match="truncated"):
        client(api, max_attempts=3).get(["NCT03828123", "NCT01051882"])


def test_gives_up_after_the_attempt_bound(api):
    api.fail_next(*[Fault(503, "down for maintenance")] * 10)
    r = client(api, max_attempts=3)
    with pytest.raises(UnavailableError) as info:
        r.get(["NCT03828123", "NCT01051882"])
    assert r.requests_made == api.count() == 3
    assert len(r._sleep) == 2
    message = str(info.value)
    assert "gave up after 3 attempt(s)" in message
    assert 'HTTP 503 "down for maintenance"' in message
    assert "/studies?" in message


def test_gives_up_within_the_total_wait_bound(api):
    api.fail_next(*[Fault(503, "busy")] * 20)
    r = client(api, max_attempts=20, backoff_initial=4.0, backoff_max=100.0, max_total_wait=30.0)
    with pytest.raises(UnavailableError):
        r.get(["NCT03828123"])
    assert sum(r._sleep) <= 30.0
    assert r.requests_made < 20


def test_a_retry_after_longer_than_the_budget_gives_up_at_once(api):
    api.fail_next(Fault(429, "come back tomorrow", {"Retry-After": "86400"}))
    r = client(api, max_total_wait=60)
    with pytest.raises(UnavailableError, match="asked to wait 86400 s"):
        r.get(["NCT03828123"])
    assert r._sleep == [] and r.requests_made == 1


def test_an_unreachable_server_is_unavailable():
    with FakeApi() as server:
        url = server.base_url  # the port is closed once the server stops
    r = client(url, max_attempts=2)
    with pytest.raises(UnavailableError, match="connection failed"):
        r.get(["NCT03828123"])
    assert r.requests_made == 2


def test_lookups_succeed_while_every_second_request_gets_429_or_503():
    with FakeApi(flaky=True, aliases={"NCT00000042": "NCT03828123"}) as server:
        r = client(server)
        assert [s.nct_id for s in r.get(["NCT03828123", "NCT01051882"])] == [
            "NCT03828123",
            "NCT01051882",
        ]
        assert [s.nct_id for s in r.get(["NCT01051882"])] == ["NCT01051882"]
        assert r.get(["NCT00000042"])[0].nct_id == "NCT03828123"
        assert len(list(client(server, page_size=2).search(Query(cond="ALS", limit=6)))) == 6
        assert r.data_timestamp()
        answered = [q.answered for q in server.requests]
        assert answered.count(429) >= 2 and answered.count(503) >= 2
        assert answered[::2] == [a for a in answered[::2] if a in (429, 503)]


# ============================================================================ errors
def test_a_400_is_not_retried_and_quotes_the_body(api):
    api.fail_next(Fault(400, "`filter.phase` is unknown parameter"))
    r = client(api)
    with pytest.raises(BadRequestError) as info:
        r.get(["NCT03828123", "NCT01051882"])
    error = info.value
    assert r.requests_made == 1 and r._sleep == []
    assert error.status == 400
    assert error.body == "`filter.phase` is unknown parameter"
    assert "/studies?" in error.url and "filter.ids=" in error.url
    assert '"`filter.phase` is unknown parameter"' in str(error)
    assert str(error).startswith("GET http://127.0.0.1:")


@pytest.mark.parametrize("status", [401, 403, 405, 410, 418])
def test_other_4xx_are_bad_requests(api, status):
    api.fail_next(Fault(status, "no"))
    with pytest.raises(BadRequestError):
        client(api).get(["NCT03828123", "NCT01051882"])
    assert api.count() == 1


def test_404_for_one_id_is_not_found_and_left_out(api):
    r = client(api)
    assert r.get(["NCT99999999"]) == []
    assert r.get_many(["NCT99999999"]).missing == ("NCT99999999",)
    assert r._sleep == []  # a 404 is an answer, not a failure: never retried


MALFORMED_PAGES = {
    "not JSON": b"<html>Service temporarily unavailable</html>",
    "empty body": b"",
    "truncated JSON": b'{"studies": [{"protocolSection": {"identificationModule": {"nctId": "NCT0',
    "a list, not an object": b"[]",
    "no studies list": b'{"totalCount": 3}',
    "studies not a list": b'{"studies": {"NCT03828123": {}}}',
    "a study that is not an object": b'{"studies": ["NCT03828123"]}',
    "a study without nctId": b'{"studies": [{"protocolSection": {"identificationModule": {}}}]}',
    "nctId not a string": b'{"studies": [{"protocolSection": {"identificationModule": '
    b'{"nctId": 3828123}}}]}',
    "nextPageToken not a string": b'{"studies": [], "nextPageToken": 7}',
    "nested too deep": b"[" * 100_000 + b"]" * 100_000,
    "not UTF-8": b'{"studies": [\xff]}',
}


@pytest.mark.parametrize("body", MALFORMED_PAGES.values(), ids=MALFORMED_PAGES.keys())
def test_a_malformed_page_raises_malformed_response(api, body):
    api.fail_next(Fault(200, body, content_type="application/json"))
    with pytest.raises(MalformedResponseError) as info:
        client(api).get(["NCT03828123", "NCT01051882"])
    assert "/studies?" in str(info.value)


MALFORMED_STUDIES = {
    "not JSON": b"{'protocolSection': 1}",
    "a list": b"[]",
    "no protocolSection": b'{"hasResults": false}',
    "protocolSection not an object": b'{"protocolSection": "NCT03828123"}',
}


@pytest.mark.parametrize("body", MALFORMED_STUDIES.values(), ids=MALFORMED_STUDIES.keys())
def test_a_malformed_single_study_raises_malformed_response(api, body):
    api.fail_next(Fault(200, body, content_type="application/json"))
    with pytest.raises(MalformedResponseError):
        client(api).get(["NCT03828123"])


def test_unknown_extra_keys_are_accepted(api):
    record = json.loads(json.dumps(RECORDS["NCT03828123"]))
    record["futureSection"] = {"anything": [1, 2, 3]}
    record["protocolSection"]["identificationModule"]["newField"] = "x"
    page = {"studies": [record], "totalCount": 1, "somethingNew": True}
    api.fail_next(Fault(200, json.dumps(page), content_type="application/json"))
    (study,) = client(api).get(["NCT03828123", "NCT01051882"])
    assert study.nct_id == "NCT03828123"


def test_a_record_with_an_unreadable_value_is_reported_per_id(api):
    bad = json.loads(json.dumps(RECORDS["NCT03828123"]))
    bad["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "January 2012"
    page = {"studies": [bad, RECORDS["NCT01051882"]]}
    api.fail_next(Fault(200, json.dumps(page), content_type="application/json"))
    result = client(api).get_many(["NCT03828123", "NCT01051882"])
    assert [s.nct_id for s in result.studies] == ["NCT01051882"]
    assert "January 2012" in result.errors["NCT03828123"]
    api.fail_next(Fault(200, json.dumps(page), content_type="application/json"))
    with pytest.raises(MalformedResponseError, match="January 2012"):
        client(api).get(["NCT03828123", "NCT01051882"])


def test_a_malformed_version_raises_malformed_response(api):
    api.fail_next(Fault(200, b'{"dataTimestamp": 20260109}', content_type="application/json"))
    with pytest.raises(MalformedResponseError):
        client(api).data_timestamp()


def test_invalid_ids_raise_before_any_request(api):
    r = client(api)
    with pytest.raises(InvalidIdError):
        r.get(["NCT03828123", "12345"])
    result = r.get_many(["NCT03828123", "12345", "NCT0"])
    assert result.invalid == ("12345", "NCT0")
    assert [s.nct_id for s in result.studies] == ["NCT03828123"]
    assert r.get([]) == [] and r.requests_made == 1


def test_a_bad_api_url_is_a_registry_error():
    with pytest.raises(BadRequestError, match="not an http"):
        ApiRegistry("clinicaltrials.gov/api/v2", None)
    assert issubclass(BadRequestError, RegistryError)


# ============================================================================ cache
def test_a_repeated_lookup_is_served_from_the_cache_with_no_request(api, tmp_path):
    cache = tmp_path / "http_cache.sqlite"
    first = client(api, cache_path=cache)
    a = first.get(["NCT03828123", "NCT01051882"])
    first.get(["NCT01051882"])
    first.close()
    assert api.count() == 2
    again = client(api, cache_path=cache)  # a new process, the same cache file
    b = again.get(["NCT03828123", "NCT01051882"])
    again.get(["NCT01051882"])
    assert again.requests_made == 0 and api.count() == 2
    assert again.cache_hits == 2
    assert [s.to_dict() for s in a] == [s.to_dict() for s in b]
    assert cache.exists()


def test_an_alias_redirect_is_cached_too(tmp_path):
    with FakeApi(aliases={"NCT00000042": "NCT03828123"}) as server:
        client(server, cache_path=tmp_path / "c.sqlite").get(["NCT00000042"])
        again = client(server, cache_path=tmp_path / "c.sqlite")
        (study,) = again.get(["NCT00000042"])
        assert again.requests_made == 0
        assert "NCT00000042" in study.aliases


def test_cache_hits_are_not_rate_limited(api, tmp_path):
    clock = [0.0]
    sleeps = Sleeps()

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    r = client(api, cache_path=tmp_path / "c.sqlite", rate=1.0, sleep=sleep, clock=lambda: clock[0])
    for _ in range(5):
        r.get(["NCT03828123", "NCT01051882"])
    r.get(["NCT01051882"])  # a second network request: waits for its turn
    assert r.requests_made == 2
    assert sleeps == [1.0]
    assert r.rate_limit_waited == 1.0


def test_the_rate_limit_spaces_network_requests(api):
    clock = [100.0]
    sleeps = Sleeps()

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    r = client(api, rate=4.0, sleep=sleep, clock=lambda: clock[0])
    for _ in range(3):
        r.get(["NCT03828123"])
    assert sleeps == [0.25, 0.25]
    unlimited = client(api, rate=0, sleep=sleep, clock=lambda: clock[0])
    unlimited.get(["NCT03828123"])
    unlimited.get(["NCT03828123"])
    assert sleeps == [0.25, 0.25]


def test_refresh_bypasses_and_overwrites_the_cache(api, tmp_path):
    cache = tmp_path / "c.sqlite"
    r = client(api, cache_path=cache)
    r.get(["NCT03828123", "NCT01051882"])
    api.records["NCT03828123"] = json.loads(json.dumps(api.records["NCT03828123"]))
    api.records["NCT03828123"]["protocolSection"]["statusModule"]["overallStatus"] = "TERMINATED"
    assert r.get(["NCT03828123", "NCT01051882"])[0].overall_status == "COMPLETED"  # cached
    assert r.requests_made == 1
    fresh = r.get(["NCT03828123", "NCT01051882"], refresh=True)
    assert fresh[0].overall_status == "TERMINATED" and r.requests_made == 2
    assert r.get(["NCT03828123", "NCT01051882"])[0].overall_status == "TERMINATED"
    assert r.requests_made == 2  # the refreshed answer replaced the cached one
    with r.refreshing():
        r.get(["NCT03828123", "NCT01051882"])
        r.get(["NCT01051882"])
        assert r.data_timestamp(refresh=False)
    assert r.requests_made == 5


def test_a_stale_page_token_from_a_cached_page_restarts_the_pages_past_the_cache(api, tmp_path):
    query = Query(cond="Amyotrophic Lateral Sclerosis", limit=4)
    first = client(api, cache_path=tmp_path / "c.sqlite", page_size=2)
    assert len(list(first.search(Query(cond="Amyotrophic Lateral Sclerosis", limit=2)))) == 2
    # page 1 (and its nextPageToken) now comes from the cache; say the token has expired
    api.fail_next(Fault(400, "invalid pageToken"))
    again = client(api, cache_path=tmp_path / "c.sqlite", page_size=2)
    studies = [s.nct_id for s in again.search(query)]
    assert len(studies) == len(set(studies)) == 4
    assert studies == [s.nct_id for s in client(api, page_size=2).search(query)]
    assert again.requests_made == 3  # the refused page, then pages 1 and 2 afresh
    # a 400 on a page whose predecessors were not cached is an ordinary bad request
    api.fail_next(Fault(), Fault(400, "invalid pageToken"))
    with pytest.raises(BadRequestError):
        list(client(api, page_size=2).search(query))


def test_errors_are_not_cached(api, tmp_path):
    api.fail_next(Fault(503, "busy"))
    r = client(api, cache_path=tmp_path / "c.sqlite")
    r.get(["NCT03828123", "NCT01051882"])
    assert r.requests_made == 2
    again = client(api, cache_path=tmp_path / "c.sqlite")
    again.get(["NCT03828123", "NCT01051882"])
    assert again.requests_made == 0


def test_expired_entries_are_fetched_again(api, tmp_path):
    r = client(api, cache_path=tmp_path / "c.sqlite", cache_expire_hours=0)
    r.get(["NCT03828123", "NCT01051882"])
    r.get(["NCT03828123", "NCT01051882"])
    assert r.requests_made == 2


def test_no_cache_path_means_no_cache(api, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = client(api, cache_path=None)
    r.get(["NCT03828123"])
    r.get(["NCT03828123"])
    assert r.requests_made == 2
    assert list(tmp_path.iterdir()) == []


# ============================================================================ wiring
def test_open_registry_builds_the_api_client(api, tmp_path, monkeypatch):
    monkeypatch.setenv("TRIALMATCH_API_URL", api.base_url)
    settings = RegistrySettings(cache_path=tmp_path / "c.sqlite", rate=5.0, cache_expire_hours=2)
    with open_registry(settings) as registry:
        assert isinstance(registry, ApiRegistry)
        assert registry.description == f"ClinicalTrials.gov API v2 at {api.base_url}"
        assert registry.get(["NCT03828123"])[0].nct_id == "NCT03828123"
        assert registry.requests_made == 1
    with open_registry(RegistrySettings(api_url=api.base_url + "/", use_cache=False)) as registry:
        assert registry.cache_path is None
        assert registry.base_url == api.base_url


def test_data_timestamp(api):
    assert client(api).data_timestamp() == "2026-01-09T09:00:00"
    api.data_timestamp = None
    assert client(api).data_timestamp() is None
