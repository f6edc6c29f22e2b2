"""The nightly batch end to end, offline on the repo's snapshot of real records.

Covers the run folder and ``latest``, the report files and their columns, bad documents, a
hostile HTML document, two "nights" with a real registry change in between, and runs killed
with SIGKILL at chosen points and then resumed.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_batch_support import BATCH_SAMPLES, ROOT, SNAPSHOT

from trialmatch.batch import (
    BatchOptions,
    batch_lock,
    execute_batch,
    make_run_dir,
)
from trialmatch.registry import RegistrySettings
from trialmatch.report.tables import CHANGES_COLUMNS, CLAIMS_COLUMNS, FINDINGS_COLUMNS

SEEDS = ROOT / "seeds"
DOCS = BATCH_SAMPLES / "docs"
BEFORE_RECORD = BATCH_SAMPLES / "registry-2021-10" / "NCT03280056.json"
FILES = ("findings.csv", "claims.csv", "studies.csv", "changes.csv", "findings.json",
         "index.html", "run.json", "run.log")  # fmt: skip


def options(paths, out, state, registry=SNAPSHOT, **kw) -> BatchOptions:
    return BatchOptions(
        paths=tuple(str(p) for p in paths),
        out_dir=Path(out),
        registry=RegistrySettings(source=str(registry)),
        state_path=Path(state),
        progress=False,
        **kw,
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def header(path: Path) -> tuple[str, ...]:
    with open(path, newline="", encoding="utf-8") as fh:
        return tuple(next(csv.reader(fh)))


# ------------------------------------------------------------------------------ the main job
def test_seeds_make_a_complete_run_folder(tmp_path):
    result = execute_batch(options([SEEDS], tmp_path / "reports", tmp_path / "state.sqlite"))
    assert result.exit_code == 0, result
    latest = tmp_path / "reports" / "latest"
    assert latest.is_symlink() and latest.resolve() == result.run_dir.resolve()
    assert all((result.run_dir / f).is_file() for f in FILES)
    assert header(result.run_dir / "findings.csv") == FINDINGS_COLUMNS
    assert header(result.run_dir / "claims.csv") == CLAIMS_COLUMNS
    assert header(result.run_dir / "changes.csv") == CHANGES_COLUMNS
    run = json.loads((result.run_dir / "run.json").read_text())
    assert run["schema_version"] == 1 and run["exit_code"] == 0
    assert run["registry"]["snapshot"] is True
    counts = run["counts"]
    assert counts["documents"] == 5
    assert counts["claims"] == counts["linked"] + counts["unregistered"] > 0
    assert set(counts) >= {"documents", "claims", "linked", "unregistered", "discrepancies",
                           "flags", "registry_requests"}  # fmt: skip
    findings = json.loads((result.run_dir / "findings.json").read_text())
    assert findings["schema_version"] == 1 and len(findings["documents"]) == 5
    # the findings table has one row per comparison, unlinked claim and figure
    rows = read_csv(result.run_dir / "findings.csv")
    expected = sum(
        len(c["comparisons"]) if c["matches"] else 1
        for d in findings["documents"]
        for c in d["claims"]
    ) + sum(len(d["figures"]) for d in findings["documents"])
    assert len(rows) == expected
    studies = read_csv(result.run_dir / "studies.csv")
    linked = {m["nct_id"] for d in findings["documents"] for c in d["claims"] for m in c["matches"]}
    assert {s["nct_id"] for s in studies} == linked
    html = (result.run_dir / "index.html").read_text()
    assert "Offline snapshot." in html
    assert result.run_dir.name.endswith("Z") and dt.datetime.strptime(
        result.run_dir.name, "%Y-%m-%dT%H%M%SZ"
    )


def test_bad_documents_are_listed_and_the_batch_goes_on(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / "nurown_phase3_sample.txt", docs)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (docs / "oversized.txt").write_text("SAMPLE written for trialmatch tests. " * 1200)
    result = execute_batch(
        options([docs], tmp_path / "out", tmp_path / "state.sqlite", max_bytes=20_000)
    )
    assert result.exit_code == 1
    run = json.loads((result.run_dir / "run.json").read_text())
    failed = {Path(e["doc"]).name: e["reason"] for e in run["errors"]}
    assert set(failed) == {"empty.txt", "binary.txt", "oversized.txt"}
    assert all(reason for reason in failed.values())
    assert run["counts"]["documents"] == 4 and run["counts"]["documents_failed"] == 3
    assert run["counts"]["claims"] > 0  # the good document was checked
    html = (result.run_dir / "index.html").read_text()
    for name, reason in failed.items():
        assert name in html and reason.split(":")[0][:20] in html
    assert (tmp_path / "out" / "latest").resolve() == result.run_dir.resolve()


def test_fatal_problems_exit_2(tmp_path):
    missing = execute_batch(options([tmp_path / "nope"], tmp_path / "out", tmp_path / "s.sqlite"))
    assert missing.exit_code == 2 and "nope" in missing.message
    no_snapshot = execute_batch(
        options([SEEDS], tmp_path / "out", tmp_path / "s.sqlite", registry=tmp_path / "nosnap")
    )
    assert no_snapshot.exit_code == 2
    (tmp_path / "out").mkdir(exist_ok=True)
    with batch_lock(tmp_path / "out"):
        busy = execute_batch(options([SEEDS], tmp_path / "out", tmp_path / "s.sqlite"))
    assert busy.exit_code == 2 and "another trialmatch batch" in busy.message
    assert not (tmp_path / "out" / "latest").exists()


def test_run_folders_are_unique_within_one_second(tmp_path):
    moment = dt.datetime(2026, 11, 22, 3, 15, tzinfo=dt.UTC)
    names = [make_run_dir(tmp_path, moment).name for _ in range(3)]
    assert names == ["2026-11-22T031500Z", "2026-11-22T031500Z-2", "2026-11-22T031500Z-3"]


def test_quiet_when_not_a_terminal(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "trialmatch", "batch", str(SEEDS), "--out", str(tmp_path / "o"),
         "--registry", str(SNAPSHOT), "--state", str(tmp_path / "s.sqlite")],
        check=False, capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""  # no progress bar, no chatter under cron


# ------------------------------------------------------------------------------ hostile input
class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_hostile_document_is_escaped_end_to_end(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    result = execute_batch(options([docs], tmp_path / "out", tmp_path / "state.sqlite"))
    assert result.exit_code == 0, result
    html = (result.run_dir / "index.html").read_text()
    page = _Tags()
    page.feed(html)
    assert not [t for t, _ in page.tags if t in ("script", "img", "svg", "iframe", "object")]
    for tag, attrs in page.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        if "href" in attrs:
            assert attrs["href"].startswith(("#", "https://clinicaltrials.gov/study/NCT")), attrs
    text = " ".join(page.text)
    # the markup written in the documents' text is shown as text
    assert "<script>alert('quote')</script>" in text or "<script>alert('txt quote')</script>" in (
        text
    )
    assert "<script>" not in html and "onerror=" not in html.replace("onerror=alert", "")


# ------------------------------------------------------------------------------ two nights
def test_two_nights_with_a_real_registry_change(tmp_path):
    """Night 1: NCT03280056 as of Oct 2021 (no results). Night 2: results posted 2024-02-29."""
    snapshot = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT, snapshot, ignore=shutil.ignore_patterns(".trialmatch-index*"))
    shutil.copy(BEFORE_RECORD, snapshot / "NCT03280056.json")
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / "nurown_phase3_sample.txt", docs)
    opts = options([docs], tmp_path / "out", tmp_path / "state.sqlite", registry=snapshot)

    night1 = execute_batch(opts)
    assert night1.exit_code == 0, night1
    assert read_csv(night1.run_dir / "changes.csv") == []
    assert read_csv(night1.run_dir / "studies.csv")[0]["has_results"] == "false"

    shutil.copy(SNAPSHOT / "NCT03280056.json", snapshot / "NCT03280056.json")
    later = dt.datetime.now().timestamp() + 60
    os.utime(snapshot / "NCT03280056.json", (later, later))
    night2 = execute_batch(opts)
    assert night2.exit_code == 0, night2
    assert night2.run_dir != night1.run_dir
    changes = {
        (c["kind"], c["key"], c["field"]): (c["old"], c["new"])
        for c in read_csv(night2.run_dir / "changes.csv")
    }
    assert changes[("study changed", "NCT03280056", "has_results")] == ("false", "true")
    assert changes[("study changed", "NCT03280056", "results_first_posted")] == ("", "2024-02-29")
    assert changes[("study changed", "NCT03280056", "record_version")] == ("", "2025-12-24")
    assert not [k for k in changes if k[0].startswith("claim")]  # the document did not change
    verdicts = {k[2]: v for k, v in changes.items() if k[0] == "verdict changed"}
    assert any(f.startswith("figure:") for f in verdicts), changes  # no posted -> posted results
    run = json.loads((night2.run_dir / "run.json").read_text())
    assert run["previous_run"] == night1.run_dir.name
    assert run["counts"]["changes"] == len(changes)
    assert run["incremental"]["documents_not_reextracted"] == 1
    assert run["incremental"]["documents_links_reused"] == 1
    assert run["incremental"]["tracked_studies_refreshed"] >= 1
    html = (night2.run_dir / "index.html").read_text()
    assert "Registry record changed" in html and "2024-02-29" in html
    assert (tmp_path / "out" / "latest").resolve() == night2.run_dir.resolve()


# ------------------------------------------------------------------------------ kill -9
def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from trialmatch import batch
    point, n = sys.argv[1], int(sys.argv[2])
    calls = []
    def die(*args):
        calls.append(args)
        if len(calls) >= n:
            os.kill(os.getpid(), signal.SIGKILL)
    if point == "mid_transaction":
        # inside a document's transaction: its row, claims and findings are written, its
        # studies are being written, nothing is committed yet
        from trialmatch.state import StateDB
        put = StateDB._put_studies
        def put_then_die(c, run_id, studies):
            put(c, run_id, studies)
            die()
        StateDB._put_studies = staticmethod(put_then_die)
    else:
        batch._TEST_HOOKS[point] = die
    from trialmatch.cli import main
    sys.exit(main(sys.argv[3:]))
    """
)


def _corpus(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs / "seeds")
    shutil.copytree(DOCS, docs / "samples")
    return docs


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run over the same corpus."""
    tmp = tmp_path_factory.mktemp("reference")
    docs = _corpus(tmp)
    result = execute_batch(options([docs], tmp / "out", tmp / "state.sqlite"))
    assert result.exit_code == 0, result
    return docs, result.run_dir


def _rows(path: Path, root: Path) -> list[tuple]:
    out = []
    for row in read_csv(path):
        row = {k: (v.replace(str(root), "ROOT") if isinstance(v, str) else v)
               for k, v in row.items()}  # fmt: skip
        out.append(tuple(sorted(row.items())))
    return sorted(out)


@pytest.mark.parametrize(
    "point, n",
    [
        ("after_commit", 3),  # between documents
        ("before_commit", 4),  # inside a document, before its transaction begins
        ("mid_transaction", 4),  # inside the 3rd document's transaction (1st call: refresh)
        ("after_report", 2),  # while writing the reports (after findings.csv, claims.csv)
        ("before_latest", 1),  # every report written, latest not yet moved
    ],
)
def test_killed_run_resumes_without_duplicates_or_losses(tmp_path, reference, point, n):
    ref_docs, ref_dir = reference
    docs = _corpus(tmp_path)
    out, state = tmp_path / "out", tmp_path / "state.sqlite"
    args = ["batch", str(docs), "--out", str(out), "--registry", str(SNAPSHOT),
            "--state", str(state)]  # fmt: skip
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, point, str(n), *args],
        check=False, capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=300,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not (out / "latest").exists()  # never points at an incomplete run
    [unfinished] = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]

    again = subprocess.run(
        [sys.executable, "-m", "trialmatch", *args],
        check=False, capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=300,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "resumed the unfinished run" in again.stderr
    assert (out / "latest").resolve() == unfinished.resolve()  # finished in its own folder
    run = json.loads((unfinished / "run.json").read_text())
    assert run["resumed"] is True
    for name in ("findings.csv", "claims.csv", "studies.csv"):
        assert _rows(unfinished / name, docs) == _rows(ref_dir / name, ref_docs), name
    findings = read_csv(unfinished / "findings.csv")
    assert len(findings) == len(read_csv(ref_dir / "findings.csv"))
    assert "resuming run" in (unfinished / "run.log").read_text()
