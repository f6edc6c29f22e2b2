"""A local stand-in for the ClinicalTrials.gov API v2, on 127.0.0.1, for tests and benchmarks.

It serves the repo's real records (``cassettes/snapshot/``) the way the API does:

- ``GET /studies`` with ``filter.ids`` (matching NCT IDs and aliases), ``query.*`` (a crude
  all-words match), ``filter.overallStatus``, ``filter.advanced`` (only
  ``AREA[LastUpdatePostDate]RANGE[from,to]``), ``fields`` (dotted paths), ``pageSize`` and
  ``pageToken`` paging that refuses a later page whose parameters differ from the first's;
  studies come back in the server's own order (descending NCT ID), not the order asked;
- ``GET /studies/{nctId}``: the record, 404 with a text/plain body, or 301 for an alias;
- ``GET /version``;
- like the real API, 400 "`x` is unknown parameter" for any parameter the spec
  (``tests/data/registry/api/ctg-oas-v2.yaml``) does not define for the path.

Error bodies other than the unknown-parameter one are this server's own wording, not the API's.

Faults for retry tests: :meth:`FakeApi.fail_next` queues answers for the next requests (a status
with headers and body, a delay longer than the client's timeout, a truncated or malformed body);
``flaky=True`` answers every second request with 429 and 503 in turn. Every request is recorded
in :attr:`FakeApi.requests`.

The served path prefix is optional: ``http://127.0.0.1:PORT/studies`` and
``http://127.0.0.1:PORT/api/v2/studies`` both work.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = ROOT / "cassettes" / "snapshot"
SPEC_PATH = Path(__file__).resolve().parent / "data" / "registry" / "api" / "ctg-oas-v2.yaml"
NCT_PATTERN = re.compile(r"^[Nn][Cc][Tt]0*[1-9]\d{0,7}$")
TIMESTAMP = "2026-01-09T09:00:00"  # this server's made-up data version


@cache
def spec_query_parameters() -> dict[str, frozenset[str]]:
    """Path template -> names of the query parameters the official spec defines for its GET."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec = yaml.load(SPEC_PATH.read_text(encoding="utf-8"), Loader=loader)
    out: dict[str, frozenset[str]] = {}
    for path, ops in spec["paths"].items():
        params = ops.get("get", {}).get("parameters", [])
        out[path] = frozenset(p["name"] for p in params if p.get("in") == "query")
    return out


def load_snapshot_records(directory: Path = SNAPSHOT_DIR) -> dict[str, dict]:
    """The real records shipped in the repo, by NCT ID (one study per ``NCT*.json`` file)."""
    records = {}
    for path in sorted(directory.glob("NCT*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        records[data["protocolSection"]["identificationModule"]["nctId"]] = data
    return records


def tile_records(records: Mapping[str, dict], n: int, start: int = 90_000_000) -> dict[str, dict]:
    """``n`` copies of the real records, cycled, each under a new made-up ID NCT9xxxxxxx.

    For load tests only: the values are real but the IDs are not.
    """
    sources = list(records.values())
    out = {}
    for i in range(n):
        rec = copy.deepcopy(sources[i % len(sources)])
        nct_id = f"NCT{start + i:08d}"
        rec["protocolSection"]["identificationModule"]["nctId"] = nct_id
        out[nct_id] = rec
    return out


@dataclass
class Fault:
    """How to answer one request instead of (or on top of) the normal answer."""

    status: int | None = None
    """Answer with this status (None: the normal answer)."""
    body: str | bytes | None = None
    """Body for ``status`` (text/plain), or a replacement body for a 200."""
    headers: dict[str, str] = field(default_factory=dict)
    """Extra headers, e.g. ``{"Retry-After": "2"}``."""
    delay: float = 0.0
    """Seconds to wait before answering (longer than the client's timeout -> a timeout)."""
    truncate: bool = False
    """Send the normal body cut in half while announcing its full length, then close."""
    content_type: str = "text/plain; charset=utf-8"


@dataclass
class RecordedRequest:
    method: str
    path: str
    """The path without the optional ``/api/v2`` prefix, e.g. ``/studies``."""
    params: list[tuple[str, str]]
    url: str
    """The request target as sent (path and query)."""
    headers: dict[str, str]
    answered: int = 0
    """The status the server answered with."""

    def param(self, name: str) -> str | None:
        values = [v for k, v in self.params if k == name]
        return values[0] if values else None

    @property
    def path_template(self) -> str:
        """The spec's path for this request, e.g. ``/studies/{nctId}``."""
        fixed = ("/studies/metadata", "/studies/search-areas", "/studies/enums")
        if re.fullmatch(r"/studies/[^/]+", self.path) and self.path not in fixed:
            return "/studies/{nctId}"
        return self.path


def _project(record: Mapping[str, Any], fields: list[str]) -> dict[str, Any]:
    """Keep only the dotted camelCase ``fields`` of ``record`` (what ``fields=`` does)."""
    out: dict[str, Any] = {}
    for dotted in fields:
        parts = dotted.split(".")
        src: Any = record
        for part in parts:
            src = src.get(part) if isinstance(src, Mapping) else None
        if src is None:
            continue
        dst = out
        for part in parts[:-1]:
            dst = dst.setdefault(part, {})
        dst[parts[-1]] = copy.deepcopy(src)
    # the API always identifies the study
    nct = record.get("protocolSection", {}).get("identificationModule", {}).get("nctId")
    out.setdefault("protocolSection", {}).setdefault("identificationModule", {}).setdefault(
        "nctId", nct
    )
    return out


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w and w not in ("and", "or")]


class FakeApi:
    """The server. Use as a context manager; ``base_url`` is where to point the client."""

    def __init__(
        self,
        records: Mapping[str, dict] | None = None,
        *,
        aliases: Mapping[str, str] | None = None,
        alias_in_record: bool = True,
        flaky: bool = False,
        prefix: str = "",
        data_timestamp: str | None = TIMESTAMP,
        max_page_size: int = 1000,
    ) -> None:
        self.records: dict[str, dict] = dict(
            records if records is not None else load_snapshot_records()
        )
        self.aliases = {k.upper(): v.upper() for k, v in (aliases or {}).items()}
        """alias -> current NCT ID: made-up test fixtures, not registry facts."""
        self.alias_in_record = alias_in_record
        """Whether a record lists its aliases in ``identificationModule.nctIdAliases``."""
        self.flaky = flaky
        self.prefix = prefix.rstrip("/")
        self.data_timestamp = data_timestamp
        self.max_page_size = max_page_size
        """``pageSize`` is lowered to this (the real API: 1000); lower it to force paging."""
        self.faults: deque[Fault] = deque()
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._served = 0
        self.bytes_sent = 0
        """Body bytes sent so far (for benchmarks)."""
        self._order = sorted(self.records, reverse=True)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        api = self

        class Handler(_Handler):
            server_api = api

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    # ------------------------------------------------------------------------ test helpers
    def fail_next(self, *faults: Fault) -> None:
        """Answer the next requests with these faults, in order."""
        self.faults.extend(faults)

    def count(self, path: str | None = None) -> int:
        """Requests received (for one path, e.g. ``"/studies"``)."""
        return sum(1 for r in self.requests if path is None or r.path == path)

    def reset(self) -> None:
        self.requests.clear()
        self.faults.clear()

    # ------------------------------------------------------------------------ routing
    def _next_fault(self) -> Fault | None:
        with self._lock:
            self._served += 1
            if self.faults:
                return self.faults.popleft()
            if self.flaky and self._served % 2 == 1:
                if (self._served // 2) % 2 == 0:
                    return Fault(429, "Too many requests", {"Retry-After": "1"})
                return Fault(503, "Service unavailable")
        return None

    def answer(self, path: str, params: list[tuple[str, str]]) -> tuple[int, dict, bytes]:
        """(status, headers, body) for a GET of ``path`` (prefix removed) with ``params``."""
        template = RecordedRequest("GET", path, params, "", {}).path_template
        allowed = spec_query_parameters().get(template)
        if allowed is None:
            return self._text(404, f"no such endpoint: {path}")
        names = [k for k, _ in params]
        for name in names:
            if name not in allowed:
                return self._text(400, f"`{name}` is unknown parameter")
        for name in set(names):
            if names.count(name) > 1:
                return self._text(400, f"`{name}` is given more than once")
        query = dict(params)
        if "fields" in query and not query["fields"].strip():
            return self._text(400, "`fields` must be non-empty")
        if template == "/version":
            body: dict[str, Any] = {"apiVersion": "2.0.5"}
            if self.data_timestamp is not None:
                body["dataTimestamp"] = self.data_timestamp
            return self._json(body)
        if template == "/studies":
            return self._list(query)
        if template == "/studies/{nctId}":
            return self._fetch(path.rsplit("/", 1)[1], query)
        return self._text(404, f"no such endpoint: {path}")

    def _served_record(self, nct_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        rec = self.records[nct_id]
        aliases = [a for a, target in self.aliases.items() if target == nct_id]
        if aliases and self.alias_in_record:
            rec = copy.deepcopy(rec)
            ident = rec["protocolSection"]["identificationModule"]
            ident["nctIdAliases"] = sorted(set(ident.get("nctIdAliases", []) + aliases))
        fields = [f for f in re.split(r"[,|]", query.get("fields", "")) if f.strip()]
        return _project(rec, fields) if fields else rec

    def _fetch(self, raw_id: str, query: Mapping[str, str]) -> tuple[int, dict, bytes]:
        if not NCT_PATTERN.match(raw_id):
            return self._text(400, f"'{raw_id}' is not a valid NCT number")
        nct_id = f"NCT{int(raw_id[3:]):08d}"
        if nct_id in self.aliases:
            target = self.aliases[nct_id]
            location = f"{self.prefix}/studies/{target}"
            qs = "&".join(f"{k}={v}" for k, v in query.items())
            return 301, {"Location": location + (f"?{qs}" if qs else "")}, b""
        if nct_id not in self.records:
            return self._text(404, f"Study {nct_id} not found")
        return self._json(self._served_record(nct_id, query))

    def _list(self, query: dict[str, str]) -> tuple[int, dict, bytes]:
        try:
            size = int(query.get("pageSize", "10") or "10")
        except ValueError:
            return self._text(400, "`pageSize` must be an integer")
        size = 10 if size == 0 else min(size, self.max_page_size)
        if size < 0:
            return self._text(400, "`pageSize` must be >= 0")
        identity = {
            k: v for k, v in query.items() if k not in ("pageSize", "pageToken", "countTotal")
        }
        key = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]
        offset = 0
        if "pageToken" in query:
            try:
                token = json.loads(base64.urlsafe_b64decode(query["pageToken"].encode()))
                offset, token_key = int(token["o"]), token["k"]
            except (ValueError, KeyError, TypeError):
                return self._text(400, "invalid `pageToken`")
            if token_key != key:
                return self._text(400, "`pageToken` does not belong to these query parameters")
        matches = []
        ids = None
        if "filter.ids" in query:
            ids = set()
            for raw in re.split(r"[,|]", query["filter.ids"]):
                raw = raw.strip()
                if not NCT_PATTERN.match(raw):
                    return self._text(400, f"'{raw}' is not a valid NCT number in `filter.ids`")
                ids.add(f"NCT{int(raw[3:]):08d}")
        since = until = None
        if "filter.advanced" in query:
            m = re.fullmatch(
                r"\s*AREA\[LastUpdatePostDate\]RANGE\[\s*([^,\]]+?)\s*,\s*([^\]]+?)\s*\]\s*",
                query["filter.advanced"],
            )
            if not m:
                return self._text(
                    400,
                    "this test server understands only "
                    "AREA[LastUpdatePostDate]RANGE[from,to] in `filter.advanced`",
                )
            since, until = m.group(1), m.group(2)
        statuses = None
        if "filter.overallStatus" in query:
            statuses = {s.strip() for s in re.split(r"[,|]", query["filter.overallStatus"])}
        terms = {k: v for k, v in query.items() if k.startswith("query.")}
        for nct_id in self._order:
            rec = self.records[nct_id]
            if ids is not None:
                aliases = {a for a, t in self.aliases.items() if t == nct_id}
                aliases |= set(
                    rec["protocolSection"]["identificationModule"].get("nctIdAliases", [])
                )
                if nct_id not in ids and not (aliases & ids):
                    continue
            status = rec["protocolSection"].get("statusModule", {}).get("overallStatus")
            if statuses is not None and status not in statuses:
                continue
            if since is not None:
                date = (
                    rec["protocolSection"]
                    .get("statusModule", {})
                    .get("lastUpdatePostDateStruct", {})
                    .get("date")
                )
                if date is None:
                    continue
                if since != "MIN" and date < since or until != "MAX" and date > until:
                    continue
            if terms:
                text = json.dumps(rec).lower()
                if not all(w in text for v in terms.values() for w in _words(v)):
                    continue
            matches.append(nct_id)
        page = matches[offset : offset + size]
        body: dict[str, Any] = {"studies": [self._served_record(i, query) for i in page]}
        if offset + size < len(matches):
            body["nextPageToken"] = base64.urlsafe_b64encode(
                json.dumps({"o": offset + size, "k": key}).encode()
            ).decode()
        if query.get("countTotal") == "true" and "pageToken" not in query:
            body["totalCount"] = len(matches)
        return self._json(body)

    @staticmethod
    def _json(body: Any) -> tuple[int, dict, bytes]:
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    @staticmethod
    def _text(status: int, text: str) -> tuple[int, dict, bytes]:
        return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


class _Server(ThreadingHTTPServer):
    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can wait on DNS; not needed here
        import socketserver

        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class _Handler(BaseHTTPRequestHandler):
    server_api: FakeApi
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        api = self.server_api
        parts = urlsplit(self.path)
        path = parts.path
        if api.prefix and path.startswith(api.prefix + "/"):
            path = path[len(api.prefix) :]
        elif path.startswith("/api/v2/"):
            path = path[len("/api/v2") :]
        params = parse_qsl(parts.query, keep_blank_values=True)
        recorded = RecordedRequest("GET", path, params, self.path, dict(self.headers.items()))
        with api._lock:
            api.requests.append(recorded)
        fault = api._next_fault()
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.status is not None:
            body = fault.body if isinstance(fault.body, bytes) else (fault.body or "").encode()
            headers = {"Content-Type": fault.content_type, **fault.headers}
            status = fault.status
        else:
            status, headers, body = api.answer(path, params)
            if fault and fault.body is not None:
                body = fault.body if isinstance(fault.body, bytes) else fault.body.encode()
        recorded.answered = status
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            if fault and fault.truncate:
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.end_headers()
            self.wfile.write(body)
            with api._lock:
                api.bytes_sent += len(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def serve_forever() -> None:  # pragma: no cover - manual use
    """``python tests/localserver.py``: serve the snapshot until Ctrl-C (for trying the CLI)."""
    with FakeApi() as api:
        print(f"serving {len(api.records)} real records at {api.base_url}  (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    serve_forever()
