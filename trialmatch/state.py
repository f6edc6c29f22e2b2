"""Run history: an embedded SQLite database of every batch run, and what changed between runs.

One file (``--state``, default in the user data directory) holds, per run:

- ``runs``: the run's id (its folder name), job, times, run date, registry source, status
  (``running``, ``complete``, ``abandoned``) and the number of registry requests;
- ``run_documents``: one row per document, committed in the same transaction as the document's
  claims, findings and studies — the unit of resumability. A document is either entirely in the
  run or not at all, so a run killed at any point and resumed has no duplicated or lost rows;
- ``run_claims`` and ``run_findings``: the claims and their findings (the rows of
  ``claims.csv`` and ``findings.csv``), queryable with SQL;
- ``run_studies``: the registry facts of every tracked (linked) study: status, enrollment,
  dates, has_results, record version, last update — and the record itself, so that an unchanged
  record need not be downloaded again;
- ``extractions``: extracted claims by document sha256, so an unchanged document is not
  re-extracted.

A *job* is one set of input folders written to one output directory; changes are measured
against the previous complete run of the same job (see :func:`diff_runs`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from trialmatch.report.tables import figure_text

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    job TEXT NOT NULL,
    folder TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    run_date TEXT NOT NULL,
    registry TEXT NOT NULL,
    registry_is_snapshot INTEGER NOT NULL DEFAULT 0,
    data_timestamp TEXT,
    version TEXT NOT NULL,
    fingerprint TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'abandoned')),
    refreshed INTEGER NOT NULL DEFAULT 0,
    refresh_error TEXT,
    requests INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_job ON runs (job, status, started_at);
CREATE TABLE IF NOT EXISTS run_documents (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    doc TEXT NOT NULL,
    sha256 TEXT,
    error TEXT,
    reuse TEXT NOT NULL DEFAULT '',
    checked TEXT NOT NULL,
    matches TEXT,
    PRIMARY KEY (run_id, doc)
);
CREATE TABLE IF NOT EXISTS run_claims (
    run_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    claim_id TEXT NOT NULL,
    quote TEXT,
    nct_ids TEXT,
    claim TEXT NOT NULL,
    PRIMARY KEY (run_id, doc, claim_id)
);
CREATE TABLE IF NOT EXISTS run_findings (
    run_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    row INTEGER NOT NULL,
    claim_id TEXT,
    nct_id TEXT,
    field TEXT,
    claimed TEXT,
    registered TEXT,
    verdict TEXT,
    flags TEXT,
    record_version TEXT,
    PRIMARY KEY (run_id, doc, row)
);
CREATE TABLE IF NOT EXISTS run_studies (
    run_id TEXT NOT NULL,
    nct_id TEXT NOT NULL,
    status TEXT,
    enrollment INTEGER,
    start_date TEXT,
    primary_completion_date TEXT,
    completion_date TEXT,
    has_results INTEGER,
    results_first_posted TEXT,
    record_version TEXT,
    last_update_posted TEXT,
    retrieved_at TEXT,
    lookup TEXT NOT NULL,
    raw TEXT,
    PRIMARY KEY (run_id, nct_id)
);
CREATE TABLE IF NOT EXISTS extractions (
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    claims TEXT NOT NULL,
    PRIMARY KEY (sha256, fingerprint)
);
"""


class StateError(Exception):
    """The run-history database cannot be opened or has an unknown schema."""


@dataclass(frozen=True)
class RunRow:
    """One row of ``runs``."""

    run_id: str
    """The run folder name (a UTC timestamp)."""
    job: str
    """The job key: input folders and output directory (see ``batch.job_key``)."""
    folder: str
    """Absolute path of the run folder."""
    started_at: str
    """ISO UTC start time."""
    run_date: str
    """ISO date for age-based flags."""
    registry: str
    """Registry description."""
    registry_is_snapshot: bool
    """True for an offline snapshot."""
    version: str
    """trialmatch version."""
    fingerprint: str = ""
    """Code, registry and reviewer-links fingerprint; links are reused only when it is equal."""
    status: str = "running"
    """running, complete or abandoned."""
    finished_at: str | None = None
    """ISO UTC end time, once complete."""
    data_timestamp: str | None = None
    """The live API's data timestamp, if known."""
    refreshed: bool = False
    """True once the tracked studies were refreshed for this run."""
    refresh_error: str | None = None
    """Why refreshing the tracked studies failed, if it did."""
    requests: int = 0
    """Registry requests made so far in this run."""


#: study facts kept per run, and compared between runs (keys of Study.to_dict())
STUDY_FACTS = (
    "status",
    "enrollment",
    "enrollment_type",
    "start_date",
    "start_date_type",
    "primary_completion_date",
    "primary_completion_date_type",
    "completion_date",
    "completion_date_type",
    "first_posted",
    "has_results",
    "results_first_posted",
    "last_update_posted",
    "record_version",
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class StateDB:
    """The run-history database. Every write is one transaction."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.executescript(_SCHEMA)  # idempotent DDL, outside a transaction
            with self.transaction():
                row = self.conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                if row is None:
                    self.conn.execute(
                        "INSERT INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
                    )
                elif int(row[0]) != SCHEMA_VERSION:
                    raise StateError(
                        f"{self.path}: run history has schema {row[0]}, this trialmatch reads "
                        f"{SCHEMA_VERSION}"
                    )
        except sqlite3.Error as exc:
            raise StateError(f"{self.path}: cannot open the run history: {exc}") from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ------------------------------------------------------------------ runs
    def _run(self, row: sqlite3.Row | None) -> RunRow | None:
        if row is None:
            return None
        data = dict(row)
        data["registry_is_snapshot"] = bool(data["registry_is_snapshot"])
        data["refreshed"] = bool(data["refreshed"])
        return RunRow(**data)

    def get_run(self, run_id: str) -> RunRow | None:
        return self._run(
            self.conn.execute("SELECT * FROM runs WHERE run_id=?", (run_id,)).fetchone()
        )

    def unfinished_run(self, job: str) -> RunRow | None:
        """The newest run of ``job`` that was started and never completed."""
        return self._run(
            self.conn.execute(
                "SELECT * FROM runs WHERE job=? AND status='running' "
                "ORDER BY started_at DESC, run_id DESC LIMIT 1",
                (job,),
            ).fetchone()
        )

    def previous_complete_run(self, job: str, before: RunRow) -> RunRow | None:
        """The newest complete run of ``job`` started before ``before``."""
        return self._run(
            self.conn.execute(
                "SELECT * FROM runs WHERE job=? AND status='complete' AND run_id<>? "
                "AND (started_at < ? OR (started_at = ? AND run_id < ?)) "
                "ORDER BY started_at DESC, run_id DESC LIMIT 1",
                (job, before.run_id, before.started_at, before.started_at, before.run_id),
            ).fetchone()
        )

    def runs(self, job: str | None = None) -> list[RunRow]:
        sql = "SELECT * FROM runs" + (" WHERE job=?" if job else "") + " ORDER BY started_at"
        return [r for r in map(self._run, self.conn.execute(sql, (job,) if job else ())) if r]

    def begin_run(self, run: RunRow) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO runs (run_id, job, folder, started_at, run_date, registry, "
                "registry_is_snapshot, version, fingerprint, status, data_timestamp) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)",
                (
                    run.run_id, run.job, run.folder, run.started_at, run.run_date, run.registry,
                    int(run.registry_is_snapshot), run.version, run.fingerprint,
                    run.data_timestamp,
                ),
            )  # fmt: skip

    def abandon_run(self, run_id: str) -> None:
        """Mark an unfinished run whose folder is gone; it is never resumed or compared with."""
        with self.transaction() as c:
            c.execute("UPDATE runs SET status='abandoned' WHERE run_id=?", (run_id,))

    def finish_run(self, run_id: str, finished_at: str) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE runs SET status='complete', finished_at=? WHERE run_id=?",
                (finished_at, run_id),
            )

    def add_requests(self, run_id: str, n: int) -> None:
        if n:
            with self.transaction() as c:
                c.execute("UPDATE runs SET requests=requests+? WHERE run_id=?", (n, run_id))

    def set_data_timestamp(self, run_id: str, value: str | None) -> None:
        with self.transaction() as c:
            c.execute("UPDATE runs SET data_timestamp=? WHERE run_id=?", (value, run_id))

    # ------------------------------------------------------------------ studies
    @staticmethod
    def _put_studies(
        c: sqlite3.Connection, run_id: str, studies: Iterable[tuple[dict, Any, str]]
    ) -> None:
        for lookup, raw, retrieved_at in studies:
            c.execute(
                "INSERT OR REPLACE INTO run_studies (run_id, nct_id, status, enrollment, "
                "start_date, primary_completion_date, completion_date, has_results, "
                "results_first_posted, record_version, last_update_posted, retrieved_at, lookup, "
                "raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id, lookup["nct_id"], lookup.get("status"), lookup.get("enrollment"),
                    lookup.get("start_date"), lookup.get("primary_completion_date"),
                    lookup.get("completion_date"),
                    None if lookup.get("has_results") is None else int(lookup["has_results"]),
                    lookup.get("results_first_posted"), lookup.get("record_version"),
                    lookup.get("last_update_posted"), retrieved_at, _dumps(lookup),
                    None if raw is None else _dumps(raw),
                ),
            )  # fmt: skip

    def record_refresh(
        self,
        run_id: str,
        studies: Iterable[tuple[dict, Any, str]],
        *,
        requests: int = 0,
        error: str | None = None,
    ) -> None:
        """Store the refreshed tracked studies ``(lookup dict, raw JSON, retrieved_at)`` and
        mark the run refreshed, in one transaction (a resumed run does not refresh again)."""
        with self.transaction() as c:
            self._put_studies(c, run_id, studies)
            c.execute(
                "UPDATE runs SET refreshed=1, refresh_error=?, requests=requests+? WHERE run_id=?",
                (error, requests, run_id),
            )

    def studies(self, run_id: str) -> dict[str, dict[str, Any]]:
        """nct_id -> lookup dict of the run's studies."""
        rows = self.conn.execute(
            "SELECT nct_id, lookup FROM run_studies WHERE run_id=? ORDER BY nct_id", (run_id,)
        )
        return {r["nct_id"]: json.loads(r["lookup"]) for r in rows}

    def study_records(self, run_id: str) -> dict[str, tuple[Any, str | None]]:
        """nct_id -> (raw API v2 JSON, retrieved_at) of the run's studies that kept a record."""
        rows = self.conn.execute(
            "SELECT nct_id, raw, retrieved_at FROM run_studies WHERE run_id=? AND raw IS NOT NULL",
            (run_id,),
        )
        return {r["nct_id"]: (json.loads(r["raw"]), r["retrieved_at"]) for r in rows}

    def linked_studies(self, run_id: str) -> list[str]:
        """NCT IDs linked by at least one claim of the run (the tracked studies)."""
        ids: dict[str, None] = {}
        for row in self.conn.execute(
            "SELECT nct_ids FROM run_claims WHERE run_id=? AND nct_ids<>''", (run_id,)
        ):
            ids.update(dict.fromkeys(row["nct_ids"].split(";")))
        return sorted(ids)

    # ------------------------------------------------------------------ documents
    def record_document(
        self,
        run_id: str,
        checked: Mapping[str, Any],
        *,
        findings: Sequence[Mapping[str, Any]] = (),
        studies: Iterable[tuple[dict, Any, str]] = (),
        requests: int = 0,
        reuse: str = "",
        matches: Any = None,
    ) -> None:
        """Store one finished document — its check output, claims, findings and linked
        studies, and the requests it cost — in ONE transaction. Replaces any earlier row for
        the same document of the same run, so nothing is ever duplicated. ``matches`` is
        matching's answer for the document (JSON), kept so an unchanged document can keep its
        links in the next run."""
        doc = checked["doc"]
        with self.transaction() as c:
            self._delete_document(c, run_id, doc)
            c.execute(
                "INSERT INTO run_documents (run_id, doc, sha256, error, reuse, checked, matches) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, doc, checked.get("sha256"), checked.get("error"), reuse,
                 _dumps(checked), None if matches is None else _dumps(matches)),
            )  # fmt: skip
            for claim in checked.get("claims", []):
                c.execute(
                    "INSERT OR REPLACE INTO run_claims (run_id, doc, claim_id, quote, nct_ids, "
                    "claim) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        run_id, doc, claim["claim_id"], claim.get("quote"),
                        ";".join(m["nct_id"] for m in claim.get("matches", [])), _dumps(claim),
                    ),
                )  # fmt: skip
            for i, f in enumerate(findings):
                c.execute(
                    "INSERT INTO run_findings (run_id, doc, row, claim_id, nct_id, field, "
                    "claimed, registered, verdict, flags, record_version) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        run_id, doc, i, f.get("claim_id"), f.get("nct_id"), f.get("field"),
                        _text(f.get("claimed")), _text(f.get("registered")), f.get("verdict"),
                        f.get("flags"), f.get("record_version"),
                    ),
                )  # fmt: skip
            self._put_studies(c, run_id, studies)
            if requests:
                c.execute("UPDATE runs SET requests=requests+? WHERE run_id=?", (requests, run_id))

    @staticmethod
    def _delete_document(c: sqlite3.Connection, run_id: str, doc: str) -> None:
        for table in ("run_documents", "run_claims", "run_findings"):
            c.execute(f"DELETE FROM {table} WHERE run_id=? AND doc=?", (run_id, doc))

    def forget_documents(self, run_id: str, docs: Iterable[str]) -> None:
        """Drop documents from an unfinished run (they left the folder or changed meanwhile)."""
        with self.transaction() as c:
            for doc in docs:
                self._delete_document(c, run_id, doc)

    def document_hashes(self, run_id: str) -> dict[str, str | None]:
        """doc -> sha256 of the documents already finished in the run."""
        rows = self.conn.execute("SELECT doc, sha256 FROM run_documents WHERE run_id=?", (run_id,))
        return {r["doc"]: r["sha256"] for r in rows}

    def documents(self, run_id: str) -> list[dict[str, Any]]:
        """The run's check outputs, ordered by document path."""
        rows = self.conn.execute(
            "SELECT checked FROM run_documents WHERE run_id=? ORDER BY doc", (run_id,)
        )
        return [json.loads(r["checked"]) for r in rows]

    def reuse_counts(self, run_id: str) -> dict[str, int]:
        """How many of the run's documents reused an extraction or earlier links."""
        rows = self.conn.execute(
            "SELECT reuse, COUNT(*) AS n FROM run_documents WHERE run_id=? GROUP BY reuse",
            (run_id,),
        )
        out = {"extraction": 0, "links": 0}
        for r in rows:
            for part in filter(None, r["reuse"].split("+")):
                out[part] = out.get(part, 0) + r["n"]
        return out

    def document_matches(self, run_id: str) -> dict[str, tuple[str | None, Any]]:
        """doc -> (sha256, stored matching answer) for the run's documents that have one."""
        rows = self.conn.execute(
            "SELECT doc, sha256, matches FROM run_documents "
            "WHERE run_id=? AND matches IS NOT NULL AND error IS NULL",
            (run_id,),
        )
        return {r["doc"]: (r["sha256"], json.loads(r["matches"])) for r in rows}

    def document(self, run_id: str, doc: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT checked FROM run_documents WHERE run_id=? AND doc=?", (run_id, doc)
        ).fetchone()
        return json.loads(row["checked"]) if row else None

    def count(self, table: str, run_id: str) -> int:
        if table not in ("run_documents", "run_claims", "run_findings", "run_studies"):
            raise ValueError(table)
        sql = f"SELECT COUNT(*) FROM {table} WHERE run_id=?"
        return self.conn.execute(sql, (run_id,)).fetchone()[0]

    # ------------------------------------------------------------------ extraction cache
    def get_extraction(self, sha256: str, fingerprint: str) -> str | None:
        row = self.conn.execute(
            "SELECT claims FROM extractions WHERE sha256=? AND fingerprint=?",
            (sha256, fingerprint),
        ).fetchone()
        return row["claims"] if row else None

    def prune_extractions(self, keep_fingerprint: str) -> int:
        """Drop cached extractions made by other extraction code; returns how many."""
        with self.transaction() as c:
            cur = c.execute("DELETE FROM extractions WHERE fingerprint<>?", (keep_fingerprint,))
            return cur.rowcount

    def put_extraction(self, sha256: str, fingerprint: str, claims_json: str) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO extractions (sha256, fingerprint, claims) VALUES (?, ?, ?)",
                (sha256, fingerprint, claims_json),
            )


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return _dumps(value)


# ------------------------------------------------------------------------------ changes
CLAIM_FIELDS = (
    "quote", "trial_count", "nct_ids", "other_ids", "names", "sponsors", "conditions", "phases",
    "design", "enrollment", "arms", "dates", "countries", "sites", "follow_up", "status",
)  # fmt: skip
NO_LINK = "no registered trial found"


def _norm(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def _pair_claims(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[Mapping, Mapping]], list[Mapping], list[Mapping]]:
    """Pair a document's old and new claims: same claim_id first, then same quote (an edit
    elsewhere in the document changes every claim_id but not the claim)."""
    pairs: list[tuple[Mapping, Mapping]] = []
    left = list(old)
    unmatched_new: list[Mapping] = []
    for claim in new:
        hit = next((o for o in left if o.get("claim_id") == claim.get("claim_id")), None)
        if hit is None:
            unmatched_new.append(claim)
        else:
            left.remove(hit)
            pairs.append((hit, claim))
    added: list[Mapping] = []
    for claim in unmatched_new:
        hit = next((o for o in left if _norm(o.get("quote")) == _norm(claim.get("quote"))), None)
        if hit is None:
            added.append(claim)
        else:
            left.remove(hit)
            pairs.append((hit, claim))
    return pairs, added, left


def _links(claim: Mapping[str, Any]) -> str:
    return ";".join(m["nct_id"] for m in claim.get("matches", [])) or NO_LINK


def _figure_key(fig: Mapping[str, Any]) -> tuple:
    return (fig.get("value"), fig.get("unit"), _norm(fig.get("measure")))


def _change(kind: str, key: Any, field: str, old: Any, new: Any, doc: str | None) -> dict:
    return {"kind": kind, "key": key, "field": field, "old": old, "new": new, "doc": doc}


def diff_runs(
    old_docs: Sequence[Mapping[str, Any]],
    old_studies: Mapping[str, Mapping[str, Any]],
    new_docs: Sequence[Mapping[str, Any]],
    new_studies: Mapping[str, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """What changed from one run to the next: the rows of ``changes.csv``.

    Each row is ``{"kind", "key", "field", "old", "new", "doc"}`` (``doc`` is for the HTML
    page; the CSV has the five columns of the issue). Kinds:

    - ``claim added`` / ``claim removed`` (key: claim_id, field ``quote``);
    - ``claim changed`` (key: claim_id, one row per changed claim field);
    - ``study changed`` (key: nct_id, one row per changed fact in STUDY_FACTS);
    - ``verdict changed`` (key: claim_id; field ``link``, ``<field> (<nct_id>)``,
      ``flags (<nct_id>)`` or ``figure: <figure>``).

    A document that could not be read in the new run is left out of the claim comparison (its
    error is reported instead): an unreadable file is not evidence that its claims are gone.
    """
    changes: list[dict[str, Any]] = []
    old_by_doc = {d["doc"]: d for d in old_docs}
    new_by_doc = {d["doc"]: d for d in new_docs}
    for doc in sorted(set(old_by_doc) | set(new_by_doc)):
        old = old_by_doc.get(doc)
        new = new_by_doc.get(doc)
        if new is not None and new.get("error") and not new.get("claims"):
            continue
        old_claims = old.get("claims", []) if old and not old.get("error") else []
        if old is not None and old.get("error") and not old.get("claims") and new is not None:
            old_claims = []
        new_claims = new.get("claims", []) if new else []
        pairs, added, removed = _pair_claims(old_claims, new_claims)
        for claim in added:
            changes.append(_change("claim added", claim["claim_id"], "quote", None,
                                   claim.get("quote"), doc))  # fmt: skip
        for claim in removed:
            changes.append(_change("claim removed", claim["claim_id"], "quote",
                                   claim.get("quote"), None, doc))  # fmt: skip
        for o, n in pairs:
            key = n["claim_id"]
            for name in CLAIM_FIELDS:
                if o.get(name) != n.get(name):
                    changes.append(_change("claim changed", key, name, o.get(name), n.get(name),
                                           doc))  # fmt: skip
            if _links(o) != _links(n):
                changes.append(_change("verdict changed", key, "link", _links(o), _links(n), doc))
            old_rows = {(r.get("nct_id"), r.get("field")): r for r in o.get("comparisons", [])}
            for row in n.get("comparisons", []):
                before = old_rows.get((row.get("nct_id"), row.get("field")))
                if before is not None and before.get("verdict") != row.get("verdict"):
                    changes.append(_change(
                        "verdict changed", key, f"{row.get('field')} ({row.get('nct_id')})",
                        before.get("verdict"), row.get("verdict"), doc,
                    ))  # fmt: skip
            common = {m["nct_id"] for m in o.get("matches", [])} & {
                m["nct_id"] for m in n.get("matches", [])
            }
            for nct_id in sorted(common):
                of = sorted({f["flag"] for f in o.get("flags", []) if f.get("nct_id") == nct_id})
                nf = sorted({f["flag"] for f in n.get("flags", []) if f.get("nct_id") == nct_id})
                if of != nf:
                    changes.append(_change("verdict changed", key, f"flags ({nct_id})",
                                           ";".join(of) or None, ";".join(nf) or None, doc))  # fmt: skip
        # figures: paired by their claim (through the claim pairing) and value/unit/measure
        if old is not None and new is not None:
            claim_map = {o["claim_id"]: n["claim_id"] for o, n in pairs}
            old_figs = {
                (claim_map.get(f.get("claim_id"), f.get("claim_id")), *_figure_key(f)): f
                for f in old.get("figures", [])
            }
            for fig in new.get("figures", []):
                before = old_figs.get((fig.get("claim_id"), *_figure_key(fig)))
                if before is not None and before.get("figure_verdict") != fig.get("figure_verdict"):
                    changes.append(_change(
                        "verdict changed", fig.get("claim_id") or doc,
                        f"figure: {figure_text(fig)}", before.get("figure_verdict"),
                        fig.get("figure_verdict"), doc,
                    ))  # fmt: skip
    for nct_id in sorted(set(old_studies) & set(new_studies)):
        o, n = old_studies[nct_id], new_studies[nct_id]
        for name in STUDY_FACTS:
            if o.get(name) != n.get(name):
                changes.append(_change("study changed", nct_id, name, o.get(name), n.get(name),
                                       None))  # fmt: skip
    return changes
