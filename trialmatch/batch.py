"""The nightly batch job: check every document in some folders, write a run folder of reports,
and say what changed since the previous run.

Design (see docs/SCHEDULING.md for the user's view):

* **Run folder.** ``DIR/<UTC timestamp>/`` (``2026-11-22T031500Z``; a ``-2``, ``-3`` suffix if
  that name is taken), created with ``mkdir`` so two runs never share one. ``DIR/latest`` is a
  relative symlink, replaced atomically (``rename``) only after every report of the run is
  written.
* **Resumable.** Progress lives in the state database (:mod:`trialmatch.state`): each finished
  document is committed in one transaction with its claims, findings and studies. A run that is
  killed (even ``kill -9``) stays ``running`` in the database; the next start of the same job
  (same input paths and output directory) resumes that run in its own folder, skips the
  documents already committed (unless their content changed meanwhile), and finishes it. If the
  unfinished run's folder is gone, or the code or registry source changed, it is marked
  abandoned and a clean run starts. Every report is written to a temporary file and renamed into
  place, so a report file is either complete or absent.
* **Incremental.** Extracted claims are cached by document sha256 (and a fingerprint of the
  extraction code), so an unchanged document is not re-extracted. The studies linked in the
  previous complete run (the *tracked* studies) are refreshed first, bypassing the HTTP cache,
  in batched ``filter.ids`` requests, and — on the live API — only those whose
  ``LastUpdatePostDate`` is on or after the previous run's date (``filter.advanced``); the
  others are rebuilt from the records the state database kept. An unchanged document whose
  previous links are still valid (same code, registry source and reviewer links) keeps its
  links and is compared afresh against the refreshed records; any other document goes through
  the whole pipeline, with the refreshed records laid over whatever the HTTP cache holds.
* **Exit codes.** 0 all done; 1 done, but some documents or lookups failed (listed in
  ``run.json`` and the report); 2 fatal: bad arguments, another batch running on the same
  output directory, state database unusable, registry unreachable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import inspect
import json
import logging
import os
import sys
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trialmatch import __version__
from trialmatch.registry import RegistrySettings
from trialmatch.registry.interface import Query, Registry, RegistryError, UnavailableError
from trialmatch.registry.study import Study
from trialmatch.report.tables import TABLES, RunReport, iter_finding_rows, to_csv_text
from trialmatch.state import RunRow, StateDB, StateError, diff_runs

log = logging.getLogger("trialmatch.batch")

EXIT_OK, EXIT_PARTIAL, EXIT_FATAL = 0, 1, 2
SCHEMA_VERSION = 1
LATEST = "latest"
LOCK_NAME = ".trialmatch-batch.lock"
REPORT_FILES = (
    "findings.csv", "claims.csv", "studies.csv", "changes.csv", "findings.json", "index.html",
    "run.json",
)  # fmt: skip


class BatchError(Exception):
    """A fatal problem: the batch cannot run at all (exit code 2)."""


@dataclass(frozen=True)
class BatchOptions:
    """What ``trialmatch batch`` was asked to do."""

    paths: tuple[str, ...]
    """Input files and folders (folders are read recursively)."""
    out_dir: Path
    """Where run folders and the ``latest`` symlink go."""
    registry: RegistrySettings = field(default_factory=RegistrySettings)
    """The registry source and HTTP settings."""
    state_path: Path | None = None
    """Run-history SQLite file; default ``<user data dir>/trialmatch/state.sqlite``."""
    max_bytes: int = 5 * 1024 * 1024
    """Documents larger than this are listed as errors."""
    links_path: Path | None = None
    """Reviewer decisions CSV (``doc, claim_id, nct_id``)."""
    progress: bool | None = None
    """Progress bar: True, False, or None for "only on a terminal"."""
    rematch: bool = False
    """Link every document afresh, even an unchanged one (finds newly registered trials)."""


@dataclass(frozen=True)
class BatchResult:
    """What a batch run did."""

    exit_code: int
    """0, 1 or 2."""
    run_dir: Path | None = None
    """The run folder (None if the run could not start)."""
    counts: dict[str, int] = field(default_factory=dict)
    """The summary counts of run.json."""
    errors: tuple[dict[str, str], ...] = ()
    """Failed documents and lookups."""
    message: str = ""
    """One line for the terminal."""
    resumed: bool = False
    """True when an unfinished run was resumed."""


def default_state_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("trialmatch")) / "state.sqlite"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ------------------------------------------------------------------------------ files
def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def point_latest(out_dir: Path, run_dir: Path) -> None:
    """Make ``out_dir/latest`` a relative symlink to ``run_dir``, atomically."""
    link = out_dir / LATEST
    tmp = out_dir / f".{LATEST}.tmp-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(run_dir.name, tmp, target_is_directory=True)
    os.replace(tmp, link)


def make_run_dir(out_dir: Path, moment: dt.datetime) -> Path:
    """A new, empty run folder named after ``moment`` (UTC), unique even within one second."""
    base = moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H%M%SZ")
    for n in range(1, 1000):
        candidate = out_dir / (base if n == 1 else f"{base}-{n}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise BatchError(f"{out_dir}: cannot create a run folder named {base}")


@contextlib.contextmanager
def batch_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out_dir`` (released by the OS if the process dies)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fh = open(out_dir / LOCK_NAME, "a+")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BatchError(f"another trialmatch batch is running on {out_dir}") from None
        yield
    finally:
        fh.close()


def file_sha256(path: str, max_bytes: int) -> str | None:
    """sha256 of the file, or None when it cannot be read or is larger than ``max_bytes``."""
    try:
        if os.path.getsize(path) > max_bytes or not os.path.isfile(path):
            return None
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


# ------------------------------------------------------------------------------ fingerprints
_PACKAGE = Path(__file__).resolve().parent
_NOT_PIPELINE = {"batch.py", "state.py", "cli.py", "__main__.py"}


def _code_hash(parts: Iterable[str]) -> str:
    digest = hashlib.sha256(__version__.encode())
    for rel in sorted(parts):
        digest.update(rel.encode())
        digest.update((_PACKAGE / rel).read_bytes())
    return digest.hexdigest()[:16]


def _sources(*, include_linking: bool) -> list[str]:
    out = []
    for path in _PACKAGE.rglob("*.py"):
        rel = path.relative_to(_PACKAGE).as_posix()
        if rel in _NOT_PIPELINE or rel.startswith("report/"):
            continue
        if not include_linking and (
            rel.startswith("registry/") or rel in ("matching.py", "compare.py", "pipeline.py")
        ):
            continue
        out.append(rel)
    return out


def extraction_fingerprint() -> str:
    """Changes whenever the document reading or claim extraction code changes."""
    return _code_hash(_sources(include_linking=False))


def linking_fingerprint(registry_description: str, links_path: Path | None) -> str:
    """Changes with the pipeline code, the registry source or the reviewer-links file."""
    digest = hashlib.sha256(_code_hash(_sources(include_linking=True)).encode())
    digest.update(registry_description.encode())
    if links_path is not None:
        digest.update(Path(links_path).read_bytes())
    return digest.hexdigest()[:16]


def job_key(paths: Sequence[str], out_dir: Path) -> str:
    """One job = these input paths written to this output directory."""
    return json.dumps(
        {"paths": sorted(os.path.abspath(p) for p in paths), "out": os.path.abspath(out_dir)},
        sort_keys=True,
    )


# ------------------------------------------------------------------------------ (de)serialize
def to_plain(value: Any) -> Any:
    """A dataclass tree as JSON values (every field, unlike the public ``to_dict`` forms)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    return value


def from_plain(tp: Any, value: Any) -> Any:
    """The inverse of :func:`to_plain`, driven by the dataclasses' type hints."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        kwargs = {
            f.name: from_plain(hints[f.name], value[f.name])
            for f in dataclasses.fields(tp)
            if f.name in value
        }
        return tp(**kwargs)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_plain(args[0], v) for v in value)
        return tuple(from_plain(a, v) for a, v in zip(args, value, strict=False))
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        for arg in args:
            if dataclasses.is_dataclass(arg) and isinstance(value, Mapping):
                return from_plain(arg, value)
            if typing.get_origin(arg) is tuple and isinstance(value, list):
                return from_plain(arg, value)
        return value
    if origin is dict:
        args = typing.get_args(tp)
        vt = args[1] if len(args) == 2 else Any
        return {k: from_plain(vt, v) for k, v in value.items()}
    return value


# ------------------------------------------------------------------------------ registry overlay
class RefreshedRegistry(Registry):
    """The run's registry, with the freshly fetched tracked studies laid over it: whatever the
    HTTP cache holds, a tracked study is always seen as refreshed at the start of the run."""

    def __init__(self, inner: Registry, fresh: Mapping[str, Study]) -> None:
        self.inner = inner
        self.fresh = dict(fresh)
        self.description = inner.description

    def _swap(self, study: Study) -> Study:
        return self.fresh.get(study.nct_id, study)

    def get(self, nct_ids: Iterable[str]) -> list[Study]:
        ids = list(nct_ids)
        known = {i: self.fresh[i] for i in ids if i in self.fresh}
        rest = [i for i in ids if i not in known]
        fetched = {s.nct_id: s for s in self.inner.get(rest)} if rest else {}
        out: dict[str, Study] = {}
        for i in ids:
            study = known.get(i) or fetched.get(i)
            if study is None:  # an alias answers with the current record
                study = next((s for s in fetched.values() if i in s.aliases), None)
            if study is not None:
                out.setdefault(study.nct_id, self._swap(study))
        return list(out.values())

    def search(self, query: Query) -> Iterator[Study]:
        for study in self.inner.search(query):
            yield self._swap(study)

    @property
    def requests_made(self) -> int:
        return self.inner.requests_made


def _accepts(func: Any, *names: str) -> bool:
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return all(n in params for n in names)


# ------------------------------------------------------------------------------ the run
class _Run:
    """One batch run (new or resumed). ``execute`` drives it; the methods are its steps."""

    def __init__(self, options: BatchOptions, state: StateDB, registry: Registry) -> None:
        self.options = options
        self.state = state
        self.registry = registry
        self.is_snapshot = options.registry.source != "api"
        self.ex_fp = extraction_fingerprint()
        self.link_fp = linking_fingerprint(registry.description, options.links_path)
        self.job = job_key(options.paths, options.out_dir)
        self.resumed = False
        self.notes: list[str] = []
        self.run: RunRow
        self.run_dir: Path
        self.previous: RunRow | None = None
        self.prev_matches: dict[str, tuple[str | None, Any]] = {}
        self.fresh: dict[str, Study] = {}
        self.errors: list[dict[str, str]] = []
        self.links = None

    # ---------------------------------------------------------------- start or resume
    def start(self) -> None:
        out = self.options.out_dir
        unfinished = self.state.unfinished_run(self.job)
        if unfinished is not None:
            folder = Path(unfinished.folder)
            if (
                folder.is_dir()
                and unfinished.fingerprint == self.link_fp
                and unfinished.registry == self.registry.description
            ):
                self.run, self.run_dir, self.resumed = unfinished, folder, True
            else:
                self.state.abandon_run(unfinished.run_id)
                why = (
                    "its folder is gone"
                    if not folder.is_dir()
                    else "the code, registry source or reviewer links changed since"
                )
                self.notes.append(f"abandoned the unfinished run {unfinished.run_id}: {why}")
        if not self.resumed:
            now = utc_now()
            self.run_dir = make_run_dir(out, now)
            self.run = RunRow(
                run_id=self.run_dir.name,
                job=self.job,
                folder=str(self.run_dir.resolve()),
                started_at=iso(now),
                run_date=now.date().isoformat(),
                registry=self.registry.description,
                registry_is_snapshot=self.is_snapshot,
                version=__version__,
                fingerprint=self.link_fp,
            )
            self.state.begin_run(self.run)
        self.previous = self.state.previous_complete_run(self.job, self.run)
        if self.previous is not None:
            self.prev_matches = self.state.document_matches(self.previous.run_id)

    # ---------------------------------------------------------------- tracked studies
    def refresh(self) -> None:
        """Refresh the tracked studies once per run (a resumed run reuses what it stored)."""
        run = self.state.get_run(self.run.run_id)
        assert run is not None
        if run.refreshed:
            self.fresh = {
                nct: Study.from_api(raw)
                for nct, (raw, _) in self.state.study_records(run.run_id).items()
            }
            if run.refresh_error:
                self.errors.append({"doc": "(tracked studies)", "reason": run.refresh_error})
            return
        prev = self.previous
        tracked = self.state.linked_studies(prev.run_id) if prev else []
        before = self.registry.requests_made
        error = None
        fresh: dict[str, Study] = {}
        if tracked:
            get = self.registry.get
            try:
                if _accepts(get, "refresh", "updated_since"):
                    same_source = prev is not None and prev.registry == self.registry.description
                    since = prev.started_at[:10] if prev and same_source else None
                    updated = get(tracked, refresh=True, updated_since=since)  # type: ignore[call-arg]
                    fresh = {s.nct_id: s for s in updated}
                    kept = self.state.study_records(prev.run_id) if since and prev else {}
                    for nct_id in tracked:
                        if nct_id not in fresh and nct_id in kept:
                            fresh[nct_id] = Study.from_api(kept[nct_id][0])
                    log.info(
                        "refreshed %d tracked studies: %d updated since %s",
                        len(tracked), len(updated), since or "ever",
                    )  # fmt: skip
                else:
                    fresh = {s.nct_id: s for s in get(tracked)}
                    log.info("refreshed %d tracked studies from %s", len(fresh), self.run.registry)
            except RegistryError as exc:
                error = f"refreshing the tracked studies failed: {exc}"
                log.error("%s", error)
                self.errors.append({"doc": "(tracked studies)", "reason": error})
        now = iso(utc_now())
        self.state.record_refresh(
            self.run.run_id,
            [(s.to_dict(), dict(s.raw) if s.raw else None, now) for s in fresh.values()],
            requests=self.registry.requests_made - before,
            error=error,
        )
        self.fresh = fresh

    # ---------------------------------------------------------------- documents
    def extract(self, path: str) -> tuple[Any, bool]:
        """(DocumentClaims, reused?) — from the extraction cache when the content is known."""
        from trialmatch.claims.extract import extract_path
        from trialmatch.claims.model import DocumentClaims

        sha = file_sha256(path, self.options.max_bytes)
        if sha is not None:
            cached = self.state.get_extraction(sha, self.ex_fp)
            if cached is not None:
                doc = from_plain(DocumentClaims, json.loads(cached))
                return dataclasses.replace(doc, doc=path), True
        doc = extract_path(path, max_bytes=self.options.max_bytes)
        if not doc.error and doc.sha256:
            self.state.put_extraction(doc.sha256, self.ex_fp, json.dumps(to_plain(doc)))
        return doc, False

    def reusable_matches(self, doc: Any) -> Any | None:
        """The previous run's matching answer for an unchanged document, with the refreshed
        records in it, when it may be reused (same content, code, registry and reviewer links,
        and every linked record refreshed); otherwise None."""
        from trialmatch.matching import DocumentMatches

        if self.options.rematch or self.previous is None:
            return None
        if self.previous.fingerprint != self.link_fp:
            return None
        sha, stored = self.prev_matches.get(doc.doc, (None, None))
        if stored is None or sha != doc.sha256:
            return None
        stored = dict(stored, studies={})
        matches = from_plain(DocumentMatches, stored)
        if [cm.claim_id for cm in matches.claims] != [c.claim_id for c in doc.claims]:
            return None
        linked = {m.nct_id for cm in matches.claims for m in cm.matches}
        if not linked <= set(self.fresh):
            return None
        seen = linked | {m.nct_id for cm in matches.claims for m in cm.candidates}
        return dataclasses.replace(
            matches,
            studies={i: self.fresh[i] for i in seen if i in self.fresh},
            retrieved_at=iso(utc_now()),
        )

    def check(self, doc: Any) -> tuple[Any, Any, bool]:
        """(CheckedDocument, DocumentMatches, links reused?).

        The same two steps as ``pipeline.check_document`` (match, then compare), called here
        one by one because the batch keeps matching's answer between runs.
        """
        from trialmatch.compare import compare_document
        from trialmatch.matching import match_document

        run_date = dt.date.fromisoformat(self.run.run_date)
        matches = self.reusable_matches(doc)
        reused = matches is not None
        if matches is None:
            overlay = RefreshedRegistry(self.registry, self.fresh)
            matches = match_document(doc, overlay, links=self.links)
        checked = compare_document(
            doc, matches, run_date=run_date, registry=self.registry.description
        )
        return checked, matches, reused

    def error_doc(self, path: str, sha: str | None, reason: str) -> dict[str, Any]:
        if reason.startswith(f"{path}: "):  # DocumentError messages name the file already
            reason = reason[len(path) + 2 :]
        return {
            "doc": path, "sha256": sha, "error": reason, "claims": [], "figures": [],
            "run_date": self.run.run_date, "registry": self.registry.description,
        }  # fmt: skip

    def process(self, path: str) -> None:
        """Extract, link and compare one document, and commit it in one transaction."""
        before = self.registry.requests_made
        reuse: list[str] = []
        studies: list[tuple[dict, Any, str]] = []
        stored_matches = None
        try:
            doc, reused = self.extract(path)
            if reused:
                reuse.append("extraction")
            if doc.error:
                checked = self.error_doc(path, doc.sha256, doc.error)
            else:
                result, matches, links_reused = self.check(doc)
                if links_reused:
                    reuse.append("links")
                checked = result.to_dict()
                stored_matches = to_plain(dataclasses.replace(matches, studies={}))
                now = iso(utc_now())
                studies = [
                    (s.to_dict(), dict(s.raw) if s.raw else None, now)
                    for s in result.studies.values()
                ]
        except RegistryError as exc:
            checked = self.error_doc(path, file_sha256(path, self.options.max_bytes),
                                     f"registry lookup failed: {exc}")  # fmt: skip
        except Exception as exc:  # a bug on one document must not stop the nightly run
            log.exception("%s: internal error", path)
            checked = self.error_doc(path, file_sha256(path, self.options.max_bytes),
                                     f"internal error ({type(exc).__name__}): {exc}; see run.log")  # fmt: skip
        if checked.get("error"):
            log.warning("%s: %s", path, checked["error"])
        _hook("before_commit", path)
        self.state.record_document(
            self.run.run_id,
            checked,
            findings=list(iter_finding_rows([checked])),
            studies=studies,
            requests=self.registry.requests_made - before,
            reuse="+".join(reuse),
            matches=stored_matches,
        )
        _hook("after_commit", path)

    def documents(self) -> list[str]:
        from trialmatch.documents import iter_document_paths

        return list(iter_document_paths(self.options.paths))

    # ---------------------------------------------------------------- reports
    def report(self) -> RunReport:
        run_id = self.run.run_id
        documents = self.state.documents(run_id)
        linked = {m["nct_id"] for d in documents for c in d.get("claims", []) for m in c["matches"]}
        studies = {k: v for k, v in self.state.studies(run_id).items() if k in linked}
        changes: list[dict[str, Any]] = []
        if self.previous is not None:
            old_docs = self.state.documents(self.previous.run_id)
            old_linked = {
                m["nct_id"] for d in old_docs for c in d.get("claims", []) for m in c["matches"]
            }
            old_studies = {
                k: v for k, v in self.state.studies(self.previous.run_id).items() if k in old_linked
            }
            changes = diff_runs(old_docs, old_studies, documents, studies)
        errors = list(self.errors)
        errors += [{"doc": d["doc"], "reason": d["error"]} for d in documents if d.get("error")]
        run = self.state.get_run(run_id)
        assert run is not None
        return RunReport(
            run_id=run_id,
            started_at=run.started_at,
            run_date=run.run_date,
            registry=run.registry,
            registry_is_snapshot=run.registry_is_snapshot,
            trialmatch_version=__version__,
            documents=documents,
            studies=studies,
            changes=changes,
            previous_run_id=self.previous.run_id if self.previous else None,
            finished_at=iso(utc_now()),
            data_timestamp=run.data_timestamp,
            registry_requests=run.requests,
            errors=errors,
        )

    def write_reports(self, report: RunReport, exit_code: int) -> None:
        from trialmatch.report.html import render_html

        for name, build in TABLES.items():
            atomic_write(self.run_dir / name, to_csv_text(build(report)))
            _hook("after_report", name)
        findings = {
            "schema_version": SCHEMA_VERSION,
            "run_id": report.run_id,
            "run_date": report.run_date,
            "registry": report.registry,
            "documents": report.documents,
        }
        atomic_write(self.run_dir / "findings.json", _json(findings))
        atomic_write(self.run_dir / "index.html", render_html(report))
        reuse = self.state.reuse_counts(report.run_id)
        run_json = {
            "schema_version": SCHEMA_VERSION,
            "run_id": report.run_id,
            "started_at": report.started_at,
            "finished_at": report.finished_at,
            "run_date": report.run_date,
            "trialmatch_version": report.trialmatch_version,
            "registry": {
                "source": self.options.registry.source,
                "description": report.registry,
                "snapshot": report.registry_is_snapshot,
                "data_timestamp": report.data_timestamp,
            },
            "inputs": list(self.options.paths),
            "previous_run": report.previous_run_id,
            "resumed": self.resumed,
            "counts": report.counts(),
            "incremental": {
                "documents_not_reextracted": reuse.get("extraction", 0),
                "documents_links_reused": reuse.get("links", 0),
                "tracked_studies_refreshed": len(self.fresh),
            },
            "errors": report.errors,
            "exit_code": exit_code,
            "files": list(REPORT_FILES) + ["run.log"],
        }
        atomic_write(self.run_dir / "run.json", _json(run_json))


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n"


#: test-only hooks (``before_commit``, ``after_commit``, ``after_report``, ``before_latest``);
#: the kill -9 tests set them in a subprocess to die at a chosen point.
_TEST_HOOKS: dict[str, Any] = {}


def _hook(name: str, *args: Any) -> None:
    hook = _TEST_HOOKS.get(name)
    if hook:
        hook(*args)


def _progress(iterable: Sequence[str], enabled: bool) -> Iterable[str]:
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, desc="documents", unit="doc", file=sys.stderr, leave=False)


@contextlib.contextmanager
def _run_log(run_dir: Path) -> Iterator[None]:
    """Send trialmatch's log records to ``run_dir/run.log`` (appended to on resume)."""
    handler = logging.FileHandler(run_dir / "run.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger("trialmatch")
    old_level = root.level
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


# ------------------------------------------------------------------------------ entry points
def execute_batch(options: BatchOptions) -> BatchResult:
    """Run (or resume) the batch described by ``options``. Never raises for bad documents;
    fatal problems give ``exit_code`` 2 and a message."""
    from trialmatch.registry import open_registry

    missing = [p for p in options.paths if not os.path.exists(p)]
    if missing:
        return BatchResult(EXIT_FATAL, message=f"no such file or directory: {', '.join(missing)}")
    if options.links_path is not None and not Path(options.links_path).is_file():
        return BatchResult(EXIT_FATAL, message=f"--links {options.links_path}: no such file")
    out = Path(options.out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return BatchResult(EXIT_FATAL, message=f"--out {out}: {exc.strerror or exc}")
    try:
        with batch_lock(out):
            state = StateDB(options.state_path or default_state_path())
            try:
                with open_registry(options.registry) as registry:
                    return _execute(options, state, registry)
            finally:
                state.close()
    except (BatchError, StateError) as exc:
        return BatchResult(EXIT_FATAL, message=str(exc))
    except RegistryError as exc:
        return BatchResult(EXIT_FATAL, message=f"registry: {exc}")


def _execute(options: BatchOptions, state: StateDB, registry: Registry) -> BatchResult:
    run = _Run(options, state, registry)
    if options.links_path is not None:
        from trialmatch.matching import load_links

        try:
            run.links = load_links(options.links_path)
        except (OSError, ValueError) as exc:
            raise BatchError(f"--links {options.links_path}: {exc}") from exc
    run.start()
    with _run_log(run.run_dir):
        log.info(
            "%s run %s of trialmatch %s on %s; registry %s; state %s",
            "resuming" if run.resumed else "starting", run.run.run_id, __version__,
            ", ".join(options.paths), registry.description, state.path,
        )  # fmt: skip
        for note in run.notes:
            log.warning("%s", note)
        if run.previous:
            log.info("changes are measured against run %s", run.previous.run_id)
        if not run.is_snapshot and hasattr(registry, "data_timestamp"):
            before = registry.requests_made
            try:
                stamp = registry.data_timestamp()  # type: ignore[attr-defined]
            except UnavailableError as exc:
                log.error("registry unreachable: %s", exc)
                state.add_requests(run.run.run_id, registry.requests_made - before)
                state.abandon_run(run.run.run_id)  # the next start begins a clean run
                return BatchResult(
                    EXIT_FATAL, run.run_dir, message=f"registry unreachable: {exc}",
                    resumed=run.resumed,
                )  # fmt: skip
            except RegistryError as exc:
                log.warning("registry data timestamp unavailable: %s", exc)
                stamp = None
            state.set_data_timestamp(run.run.run_id, stamp)
            state.add_requests(run.run.run_id, registry.requests_made - before)
        pruned = state.prune_extractions(run.ex_fp)
        if pruned:
            log.info("extraction code changed: %d cached extractions dropped", pruned)
        run.refresh()
        paths = run.documents()
        done = state.document_hashes(run.run.run_id)
        stale = [d for d in done if d not in set(paths)]
        stale += [
            d for d in done if d in set(paths)
            and done[d] != file_sha256(d, options.max_bytes)
        ]  # fmt: skip
        if stale:
            state.forget_documents(run.run.run_id, stale)
            for d in stale:
                done.pop(d, None)
        todo = [p for p in paths if p not in done]
        if run.resumed:
            log.info("%d documents already done, %d to go", len(done), len(todo))
        show = options.progress if options.progress is not None else sys.stderr.isatty()
        for path in _progress(todo, show):
            run.process(path)
        report = run.report()
        failed = bool(report.errors)
        exit_code = EXIT_PARTIAL if failed else EXIT_OK
        run.write_reports(report, exit_code)
        _hook("before_latest")
        point_latest(Path(options.out_dir), run.run_dir)
        state.finish_run(run.run.run_id, report.finished_at or iso(utc_now()))
        counts = report.counts()
        log.info("run complete: %s", json.dumps(counts))
        for e in report.errors:
            log.warning("failed: %s: %s", e["doc"], e["reason"])
    message = (
        f"{counts['documents']} documents, {counts['claims']} claims "
        f"({counts['linked']} linked, {counts['unregistered']} no registered trial), "
        f"{counts['discrepancies']} discrepancies, {counts['flags']} flags, "
        f"{counts['changes']} changes; {len(report.errors)} failed. "
        f"Report: {run.run_dir / 'index.html'}"
    )
    return BatchResult(
        exit_code, run.run_dir, counts, tuple(report.errors), message, resumed=run.resumed
    )


def run_batch(options: BatchOptions) -> int:
    """The ``trialmatch batch`` entry point: the exit code (0, 1 or 2)."""
    return execute_batch(options).exit_code
