"""The live source: the ClinicalTrials.gov Data API v2 (https://clinicaltrials.gov/api/v2).

What this client promises (issue #2, spec ``ctg-oas-v2.yaml`` 2.0.5 and ``api/NOTES.md``):

- it sends only parameters the spec defines for the path it calls (``/studies``,
  ``/studies/{nctId}``, ``/version``); the real API answers 400 to anything else;
- many IDs go out as ``filter.ids`` batches with ``pageSize=1000``, each URL under 8 KB (1000 IDs
  take 2 requests), never one request per study; results come back in the order asked;
- paging follows ``nextPageToken`` and repeats the first request's parameters;
- ``fields=`` asks only for the parts :class:`Study` reads;
- responses are cached in a SQLite file (requests-cache); a cache hit is not a network request
  and is not throttled;
- connection errors, timeouts, truncated bodies, 429 (honouring ``Retry-After``) and
  500/502/503/504 are retried with exponential backoff and jitter, within a bound on attempts
  and on total time; a client-side rate limit (default 1 request/s, the site's Crawl-delay)
  spaces out real requests;
- everything else becomes one of the registry errors: 404 -> :class:`NotFoundError`, other 4xx ->
  :class:`BadRequestError` naming the request and quoting the text/plain body, retries used up ->
  :class:`UnavailableError`, bodies that are not JSON or lack the expected shape ->
  :class:`MalformedResponseError` (never a KeyError or TypeError).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import math
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from trialmatch import __version__
from trialmatch.registry.errors import (
    BadRequestError,
    InvalidIdError,
    MalformedResponseError,
    NotFoundError,
    RegistryError,
    UnavailableError,
)
from trialmatch.registry.interface import GetResult, Query, Registry, normalize_nct_id, split_ids
from trialmatch.registry.study import Study

__all__ = [
    "DEFAULT_API_URL",
    "MAX_PAGE_SIZE",
    "MAX_URL_BYTES",
    "RETRY_STATUSES",
    "STUDY_FIELDS",
    "ApiRegistry",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2"

STUDY_FIELDS: tuple[str, ...] = (
    "protocolSection",
    "hasResults",
    "derivedSection.miscInfoModule",
    "resultsSection.outcomeMeasuresModule",
)
"""What :meth:`Study.from_api` reads; sent as ``fields=`` so the API leaves out the rest (participant
flow, baseline, adverse events, documents, MeSH browse trees), which is most of a results record."""

MAX_PAGE_SIZE = 1000
"""The API lowers larger ``pageSize`` values to 1000."""

MAX_URL_BYTES = 8000
"""Every request URL stays below this (8 KB, less a margin for the request line)."""

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""HTTP statuses that are retried; every other error status is final."""

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5

_ERROR_BODY_CHARS = 500
_URL_CHARS_IN_MESSAGES = 160


# ------------------------------------------------------------------------------------- helpers
def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP-date.

    ``None`` when the header is absent or unreadable (the caller then uses its own backoff).
    A date in the past gives 0.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - now())


def _short_url(url: str) -> str:
    if len(url) <= _URL_CHARS_IN_MESSAGES:
        return url
    return f"{url[:_URL_CHARS_IN_MESSAGES]}... ({len(url)} chars)"


def _quote_body(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _ERROR_BODY_CHARS:
        text = text[:_ERROR_BODY_CHARS] + "..."
    return f'"{text}"' if text else "(empty body)"


def _study_id(raw: Any) -> str | None:
    """The normalized ``protocolSection.identificationModule.nctId`` of a study object, or None."""
    if not isinstance(raw, Mapping):
        return None
    ps = raw.get("protocolSection")
    ident = ps.get("identificationModule") if isinstance(ps, Mapping) else None
    nct_id = ident.get("nctId") if isinstance(ident, Mapping) else None
    if not isinstance(nct_id, str):
        return None
    try:
        return normalize_nct_id(nct_id)
    except InvalidIdError:
        return None


def _study_aliases(raw: Mapping[str, Any]) -> list[str]:
    """The normalized ``nctIdAliases`` of a study object (already checked by ``_study_id``)."""
    aliases = raw["protocolSection"]["identificationModule"].get("nctIdAliases")
    out = []
    for alias in aliases if isinstance(aliases, list) else []:
        try:
            out.append(normalize_nct_id(alias))
        except (InvalidIdError, TypeError, AttributeError):
            continue
    return out


def _date_param(value: dt.date | str) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValueError(f"updated_since must be a date (YYYY-MM-DD), got {value!r}") from None


class _Retryable(Exception):
    """An attempt that failed in a way worth retrying (internal to the retry loop)."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        truncated: bool = False,
        response: requests.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.truncated = truncated
        self.response = response


class _StaleToken(Exception):
    """A later page was refused after an earlier page came from the cache (internal)."""

    def __init__(self, error: BadRequestError) -> None:
        super().__init__(str(error))
        self.error = error


class _RateLimiter:
    """At most ``rate`` real requests per second: each waits until ``1/rate`` s after the last.

    ``rate`` of 0, None or infinity turns the limit off.
    """

    def __init__(
        self, rate: float | None, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        if rate is not None and (math.isnan(rate) or rate < 0):
            raise ValueError(f"rate must be >= 0 requests per second, got {rate!r}")
        self.interval = 1.0 / rate if rate and math.isfinite(rate) else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = -math.inf
        self._lock = threading.Lock()
        self.waited = 0.0
        """Total seconds spent waiting for the limit (for benchmarks and tests)."""

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            delay = self._next - now
            if delay > 0:
                self._sleep(delay)
                self.waited += delay
                now = max(self._clock(), self._next)
            self._next = now + self.interval


class _NetworkAdapter(HTTPAdapter):
    """The one place a request leaves the process: rate-limited and counted here, so cache hits
    (answered inside requests-cache, before any adapter) are neither."""

    def __init__(self, before_send: Callable[[requests.PreparedRequest], None]) -> None:
        super().__init__(max_retries=0)  # retries are tenacity's job, with our own policy
        self._before_send = before_send

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self._before_send(request)
        return super().send(request, **kwargs)


# ------------------------------------------------------------------------------------- client
class ApiRegistry(Registry):
    """Studies from the live ClinicalTrials.gov API v2 (or any server speaking it).

    Args:
        base_url: API root, e.g. ``https://clinicaltrials.gov/api/v2`` (``--api-url``).
        cache_path: SQLite file for the HTTP cache; ``None`` turns the cache off.
        cache_expire_hours: how long a cached response is served without asking again.
        rate: client-side limit in real requests per second; 0 turns it off.
        timeout: requests' timeout, seconds or ``(connect, read)``.
        max_attempts: tries per request, the first included.
        max_total_wait: seconds one request may take across its retries; a retry whose wait
            (backoff or ``Retry-After``) would pass this bound is not made.
        backoff_initial, backoff_max: exponential backoff (with jitter up to ``backoff_initial``)
            when the server gives no ``Retry-After``.
        page_size: ``pageSize`` of searches (gets always ask for 1000).
        sleep, clock: injectable for tests, so waits need not be real.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_API_URL,
        cache_path: Path | None = None,
        cache_expire_hours: float = 24.0,
        rate: float = 1.0,
        timeout: float | tuple[float, float] = (10.0, 60.0),
        max_attempts: int = 6,
        max_total_wait: float = 120.0,
        *,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
        page_size: int = MAX_PAGE_SIZE,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        base_url = (base_url or "").strip().rstrip("/")
        if not base_url.lower().startswith(("http://", "https://")):
            raise BadRequestError(
                f"API URL {base_url!r} is not an http:// or https:// URL", url=base_url
            )
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        if cache_expire_hours < 0:
            raise ValueError("cache_expire_hours must be >= 0")
        self.base_url = base_url
        self.description = f"ClinicalTrials.gov API v2 at {base_url}"
        self.cache_path = Path(cache_path) if cache_path is not None else None
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.max_total_wait = max_total_wait
        self.page_size = page_size
        self._sleep = sleep
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._limiter = _RateLimiter(rate, clock, sleep)
        self._requests_made = 0
        self._cache_hits = 0
        self._count_lock = threading.Lock()
        self._force_refresh = False
        try:
            self._session = self._make_session(cache_expire_hours)
        except (OSError, sqlite3.Error) as exc:
            raise RegistryError(f"cannot open the HTTP cache {self.cache_path}: {exc}") from exc

    def __repr__(self) -> str:
        return f"ApiRegistry({self.base_url!r}, cache_path={self.cache_path!r})"

    # -------------------------------------------------------------------------------- session
    def _make_session(self, cache_expire_hours: float) -> requests.Session:
        session: requests.Session
        if self.cache_path is None:
            session = requests.Session()
        else:
            import requests_cache

            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            session = requests_cache.CachedSession(
                str(self.cache_path),
                backend="sqlite",
                expire_after=dt.timedelta(hours=cache_expire_hours),
                allowable_codes=(200, 301),  # an alias's redirect is permanent
                allowable_methods=("GET",),
                cache_control=False,
                stale_if_error=False,
            )
        adapter = _NetworkAdapter(self._before_send)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers.update(
            {"User-Agent": f"trialmatch/{__version__}", "Accept": "application/json"}
        )
        return session

    def _before_send(self, request: requests.PreparedRequest) -> None:
        self._limiter.wait()
        with self._count_lock:
            self._requests_made += 1
        log.debug("GET %s", _short_url(request.url or ""))

    @property
    def requests_made(self) -> int:
        """Real network requests so far (retries and redirects each count; cache hits do not)."""
        return self._requests_made

    @property
    def cache_hits(self) -> int:
        """Responses served from the HTTP cache so far."""
        return self._cache_hits

    @property
    def rate_limit_waited(self) -> float:
        """Seconds spent waiting for the client-side rate limit so far."""
        return self._limiter.waited

    def close(self) -> None:
        self._session.close()

    @contextmanager
    def refreshing(self) -> Iterator[ApiRegistry]:
        """Within this block every request goes to the network and overwrites the cache
        (the nightly job: tracked studies are refreshed whatever the cache holds)."""
        before, self._force_refresh = self._force_refresh, True
        try:
            yield self
        finally:
            self._force_refresh = before

    # -------------------------------------------------------------------------------- requests
    def _get(
        self, path: str, params: Mapping[str, str], *, refresh: bool, nct_id: str | None = None
    ) -> requests.Response:
        """GET ``base_url + path``: retried, redirects followed hop by hop (each hop retried on
        its own), and returned only when 2xx; anything else raises a RegistryError."""
        url, query = self.base_url + path, dict(params)
        refresh = refresh or self._force_refresh
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send(url, query, refresh=refresh)
            location = response.headers.get("Location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                return self._check_status(response, nct_id)
            # an alias answers 301 with the current record's URL; the same parameters apply there
            url = urljoin(response.url, location)
            if urlsplit(url).query:
                query = {}
        raise UnavailableError(f"GET {_short_url(self.base_url + path)}: too many redirects")

    def _send(self, url: str, params: dict[str, str], *, refresh: bool) -> requests.Response:
        """One request with retries; returns the first response not worth retrying."""
        full_url = requests.Request("GET", url, params=params).prepare().url or url
        kwargs: dict[str, Any] = {"params": params, "timeout": self.timeout}
        kwargs["allow_redirects"] = False
        if refresh and self.cache_path is not None:
            kwargs["force_refresh"] = True

        def attempt() -> requests.Response:
            try:
                response = self._session.get(url, **kwargs)
            except requests.exceptions.SSLError as exc:  # a certificate problem will not pass
                raise UnavailableError(f"GET {_short_url(full_url)}: TLS error: {exc}") from exc
            except requests.exceptions.ChunkedEncodingError as exc:
                raise _Retryable(f"body truncated ({exc})", truncated=True) from exc
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                kind = "timed out" if isinstance(exc, requests.exceptions.Timeout) else "failed"
                raise _Retryable(f"connection {kind} ({type(exc).__name__})") from exc
            except requests.exceptions.RequestException as exc:
                raise BadRequestError(
                    f"GET {_short_url(full_url)}: cannot send request: {exc}", url=full_url
                ) from exc
            if getattr(response, "from_cache", False):
                with self._count_lock:
                    self._cache_hits += 1
            if response.status_code in RETRY_STATUSES:
                raise _Retryable(
                    f"HTTP {response.status_code} {_quote_body(response.text)}",
                    retry_after=parse_retry_after(response.headers.get("Retry-After")),
                )
            return response

        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable),
            wait=self._wait,
            stop=self._stop,
            sleep=self._sleep,
            before_sleep=self._retry_logger(full_url),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _Retryable as exc:
            attempts = retrying.statistics.get("attempt_number", self.max_attempts)
            message = f"GET {_short_url(full_url)}: gave up after {attempts} attempt(s): {exc}"
            if exc.retry_after is not None and exc.retry_after > self.max_total_wait:
                message += (
                    f"; the server asked to wait {exc.retry_after:.0f} s, more than the"
                    f" {self.max_total_wait:g} s retry budget"
                )
            if exc.truncated:
                raise MalformedResponseError(message) from exc
            raise UnavailableError(message) from exc

    @staticmethod
    def _check_status(response: requests.Response, nct_id: str | None) -> requests.Response:
        status = response.status_code
        if 200 <= status < 300:
            return response
        body = response.text
        where = f"GET {_short_url(response.url)}"
        if status == 404 and nct_id is not None:
            raise NotFoundError(
                nct_id, f"{nct_id}: not found ({where}: HTTP 404 {_quote_body(body)})"
            )
        message = f"{where}: HTTP {status} {response.reason or ''}".rstrip()
        message += f": {_quote_body(body)}"
        if 400 <= status < 500:  # not retried: asking again gets the same answer
            raise BadRequestError(message, url=response.url, status=status, body=body)
        raise UnavailableError(message)  # 501, 505, a 3xx without Location: nothing to retry

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return exc.retry_after
        # exponential backoff with jitter: initial * 2^(n-1) plus up to `initial`, capped
        base = self._backoff_initial * 2 ** (state.attempt_number - 1)
        return min(self._backoff_max, base + random.uniform(0, self._backoff_initial))

    def _stop(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self.max_attempts:
            return True
        spent = max(state.seconds_since_start or 0.0, state.idle_for)
        return spent + state.upcoming_sleep > self.max_total_wait

    @staticmethod
    def _retry_logger(full_url: str) -> Callable[[RetryCallState], None]:
        def log_retry(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log.warning(
                "GET %s: attempt %d failed (%s); retrying in %.1f s",
                _short_url(full_url),
                state.attempt_number,
                exc,
                state.upcoming_sleep,
            )

        return log_retry

    def _get_json(
        self, path: str, params: Mapping[str, str], *, refresh: bool, nct_id: str | None = None
    ) -> tuple[Any, requests.Response]:
        response = self._get(path, params, refresh=refresh, nct_id=nct_id)
        try:
            return json.loads(response.content), response
        except (ValueError, RecursionError) as exc:
            head = response.content[:80]
            raise MalformedResponseError(
                f"GET {_short_url(response.url)}: body is not valid JSON ({exc}; "
                f"{len(response.content)} bytes starting {head!r})"
            ) from None

    # -------------------------------------------------------------------------------- paging
    def _pages(
        self, params: Mapping[str, str], *, refresh: bool
    ) -> Iterator[list[Mapping[str, Any]]]:
        """``GET /studies`` page by page: each later page repeats ``params`` plus ``pageToken``.

        A page token read from a cached page may have expired by the time the next page is
        asked for; if that page is refused, the walk starts again once, past the cache, and
        leaves out the studies it already gave.
        """
        given: set[str | None] = set()
        while True:
            try:
                for page in self._walk_pages(params, refresh=refresh):
                    new = [raw for raw in page if _study_id(raw) not in given]
                    given.update(_study_id(raw) for raw in new)
                    yield new
                return
            except _StaleToken as stale:
                if refresh:
                    raise stale.error from None
                log.info("%s; starting the pages again without the cache", stale.error)
                refresh = True

    def _walk_pages(
        self, params: Mapping[str, str], *, refresh: bool
    ) -> Iterator[list[Mapping[str, Any]]]:
        token: str | None = None
        seen: set[str] = set()
        cached = False
        while True:
            page_params = dict(params)
            if token is not None:
                page_params["pageToken"] = token
            try:
                data, response = self._get_json("/studies", page_params, refresh=refresh)
            except BadRequestError as exc:
                if token is not None and cached:
                    raise _StaleToken(exc) from exc
                raise
            cached = cached or bool(getattr(response, "from_cache", False))
            where = f"GET {_short_url(response.url)}"
            if not isinstance(data, Mapping) or not isinstance(data.get("studies"), list):
                raise MalformedResponseError(f"{where}: page has no 'studies' list")
            for i, raw in enumerate(data["studies"]):
                if _study_id(raw) is None:
                    raise MalformedResponseError(
                        f"{where}: studies[{i}] lacks a valid "
                        "protocolSection.identificationModule.nctId"
                    )
            yield data["studies"]
            token = data.get("nextPageToken")
            if token is None or token == "":
                return
            if not isinstance(token, str):
                raise MalformedResponseError(f"{where}: nextPageToken is not a string")
            if token in seen:
                raise MalformedResponseError(f"{where}: nextPageToken {token!r} repeats")
            seen.add(token)

    def _id_batches(self, ids: Sequence[str], params: Mapping[str, str]) -> Iterator[list[str]]:
        """Split ``ids`` into ``filter.ids`` lists of at most 1000 whose URL stays under 8 KB."""
        sep_cost = len(quote(","))
        empty = {**params, "filter.ids": ""}
        prepared = requests.Request("GET", self.base_url + "/studies", params=empty).prepare()
        fixed = len((prepared.url or "").encode())
        batch: list[str] = []
        length = fixed
        for nct_id in ids:
            cost = len(quote(nct_id)) + (sep_cost if batch else 0)
            if batch and (length + cost >= MAX_URL_BYTES or len(batch) >= MAX_PAGE_SIZE):
                yield batch
                batch, length, cost = [], fixed, len(quote(nct_id))
            batch.append(nct_id)
            length += cost
        if batch:
            yield batch

    def _list_params(self, updated_since: dt.date | str | None) -> dict[str, str]:
        params = {"fields": ",".join(STUDY_FIELDS), "pageSize": str(MAX_PAGE_SIZE)}
        if updated_since is not None:
            since = _date_param(updated_since)
            params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{since},MAX]"
        return params

    # -------------------------------------------------------------------------------- lookups
    def _fetch_one(
        self, nct_id: str, *, refresh: bool
    ) -> tuple[Mapping[str, Any], str | None] | None:
        """``GET /studies/{nctId}``; follows an alias's 301. None when the API answers 404."""
        try:
            data, response = self._get_json(
                f"/studies/{quote(nct_id)}",
                {"fields": ",".join(STUDY_FIELDS)},
                refresh=refresh,
                nct_id=nct_id,
            )
        except NotFoundError:
            return None
        found = _study_id(data)
        if found is None:
            raise MalformedResponseError(
                f"GET {_short_url(response.url)}: study lacks a valid "
                "protocolSection.identificationModule.nctId"
            )
        return data, (nct_id if found != nct_id else None)

    def _fetch_batched(
        self, ids: Sequence[str], *, refresh: bool, updated_since: dt.date | str | None
    ) -> dict[str, tuple[Mapping[str, Any], str | None]]:
        """asked ID -> (study object, alias or None) for the IDs the API returned."""
        params = self._list_params(updated_since)
        by_id: dict[str, Mapping[str, Any]] = {}
        by_alias: dict[str, str] = {}
        for batch in self._id_batches(ids, params):
            for page in self._pages({**params, "filter.ids": ",".join(batch)}, refresh=refresh):
                for raw in page:
                    nct_id = _study_id(raw)
                    assert nct_id is not None  # checked by _pages
                    by_id.setdefault(nct_id, raw)
                    for alias in _study_aliases(raw):
                        by_alias.setdefault(alias, nct_id)

        found: dict[str, tuple[Mapping[str, Any], str | None]] = {}
        for nct_id in ids:
            if nct_id in by_id:
                found[nct_id] = (by_id[nct_id], None)
            elif nct_id in by_alias:
                found[nct_id] = (by_id[by_alias[nct_id]], nct_id)

        # filter.ids also matches aliases; a returned record that names none of the asked IDs
        # (no nctIdAliases in it) was matched by an alias we cannot see. Ask the unresolved IDs
        # one by one, only while such records remain, so unknown IDs cost no extra requests.
        unclaimed = set(by_id) - {raw_id for raw_id in (_study_id(r) for r, _ in found.values())}
        for nct_id in ids:
            if not unclaimed:
                break
            if nct_id in found:
                continue
            one = self._fetch_one(nct_id, refresh=refresh)
            if one is not None and _study_id(one[0]) in unclaimed:
                unclaimed.discard(_study_id(one[0]))
                found[nct_id] = (one[0], nct_id)
        return found

    def _lookup(
        self, ids: Sequence[str], *, refresh: bool, updated_since: dt.date | str | None
    ) -> tuple[list[Study], list[str], dict[str, str]]:
        """(studies in the order asked, IDs not found, ID -> error) for normalized ``ids``."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return [], [], {}
        if len(ids) == 1 and updated_since is None:
            one = self._fetch_one(ids[0], refresh=refresh)
            found = {ids[0]: one} if one is not None else {}
        else:
            found = self._fetch_batched(ids, refresh=refresh, updated_since=updated_since)
        studies: list[Study] = []
        seen: set[str] = set()
        missing: list[str] = []
        errors: dict[str, str] = {}
        for nct_id in ids:
            if nct_id not in found:
                missing.append(nct_id)
                continue
            raw, alias = found[nct_id]
            try:
                study = Study.from_api(raw, alias=alias)
            except MalformedResponseError as exc:
                errors[nct_id] = f"malformed record from {self.description}: {exc}"
                continue
            if study.nct_id not in seen:
                seen.add(study.nct_id)
                studies.append(study)
        return studies, missing, errors

    # -------------------------------------------------------------------------------- Registry
    def get(
        self,
        nct_ids: Iterable[str],
        *,
        refresh: bool = False,
        updated_since: dt.date | str | None = None,
    ) -> list[Study]:
        """Studies for these IDs, in the order asked; unknown IDs are left out.

        One ID is fetched with ``GET /studies/{nctId}`` (an alias is followed through its 301
        and kept on the Study); several go out as ``filter.ids`` batches. ``refresh`` bypasses
        the HTTP cache (and overwrites it). ``updated_since`` keeps only studies whose
        LastUpdatePostDate is on or after that date (``filter.advanced``).
        Raises InvalidIdError for a string that is not an NCT ID, MalformedResponseError if a
        returned record cannot be read, and the other RegistryErrors for request failures.
        """
        ids = [normalize_nct_id(i) for i in nct_ids]
        studies, _missing, errors = self._lookup(ids, refresh=refresh, updated_since=updated_since)
        if errors:
            raise MalformedResponseError("; ".join(errors.values()))
        return studies

    def get_many(
        self,
        nct_ids: Sequence[str],
        *,
        refresh: bool = False,
        updated_since: dt.date | str | None = None,
    ) -> GetResult:
        """Like :meth:`get`, but invalid IDs, unknown IDs and unreadable records are reported in
        the result instead of raised. Request failures still raise."""
        valid, invalid = split_ids(nct_ids)
        studies, missing, errors = self._lookup(valid, refresh=refresh, updated_since=updated_since)
        return GetResult(tuple(studies), tuple(missing), tuple(invalid), errors)

    def search(self, query: Query, *, refresh: bool = False) -> Iterator[Study]:
        """Studies matching ``query`` (``GET /studies``, following pages), at most ``query.limit``."""
        if query.limit <= 0:
            return
        params = {
            **query.params(),
            "fields": ",".join(STUDY_FIELDS),
            "pageSize": str(min(query.limit, self.page_size)),
        }
        count = 0
        for page in self._pages(params, refresh=refresh):
            for raw in page:
                yield Study.from_api(raw)
                count += 1
                if count >= query.limit:
                    return

    def data_timestamp(self, *, refresh: bool = True) -> str | None:
        """The API's data version (``GET /version`` ``dataTimestamp``, UTC ``yyyy-MM-ddTHH:mm:ss``),
        or None if the API does not say. Asks the network by default: the answer changes daily."""
        data, response = self._get_json("/version", {}, refresh=refresh)
        if not isinstance(data, Mapping):
            raise MalformedResponseError(f"GET {response.url}: version is not a JSON object")
        stamp = data.get("dataTimestamp")
        if stamp is not None and not isinstance(stamp, str):
            raise MalformedResponseError(f"GET {response.url}: dataTimestamp is not a string")
        return stamp
