"""Run history: runs, per-document transactions, tracked studies, and what changed between runs."""

from __future__ import annotations

import pytest
from test_batch_support import (
    BATCH_SAMPLES,
    bioinova_document,
    results_document,
    study,
    unlinked_document,
)

from trialmatch.report.tables import iter_finding_rows
from trialmatch.state import RunRow, StateDB, StateError, diff_runs

BEFORE = BATCH_SAMPLES / "registry-2021-10" / "NCT03280056.json"


def run_row(run_id: str, started: str, job: str = "job") -> RunRow:
    return RunRow(run_id=run_id, job=job, folder=f"/tmp/{run_id}", started_at=started,
                  run_date=started[:10], registry="snapshot", registry_is_snapshot=True,
                  version="0.1.0")  # fmt: skip


def record(db: StateDB, run_id: str, checked) -> None:
    d = checked.to_dict()
    db.record_document(
        run_id,
        d,
        findings=list(iter_finding_rows([d])),
        studies=[
            (s.to_dict(), dict(s.raw), "2026-11-22T03:15:00Z") for s in checked.studies.values()
        ],
    )


def test_real_results_posting_shows_up_as_study_and_verdict_changes():
    """NCT03280056: no results in its Oct 2021 version, results first posted 2024-02-29."""
    night1 = results_document(study("NCT03280056", BEFORE)).to_dict()
    night2 = results_document(study("NCT03280056")).to_dict()
    old_studies = {"NCT03280056": study("NCT03280056", BEFORE).to_dict()}
    new_studies = {"NCT03280056": study("NCT03280056").to_dict()}
    changes = diff_runs([night1], old_studies, [night2], new_studies)
    got = {(c["kind"], c["key"], c["field"], c["old"], c["new"]) for c in changes}
    assert got == {
        ("study changed", "NCT03280056", "has_results", False, True),
        ("study changed", "NCT03280056", "results_first_posted", None, "2024-02-29"),
        ("study changed", "NCT03280056", "last_update_posted", "2021-10-06", "2024-02-29"),
        ("study changed", "NCT03280056", "record_version", None, "2025-12-24"),
        ("verdict changed", "5396f02c09753-1", "results (NCT03280056)", "differs", "consistent"),
        ("verdict changed", "5396f02c09753-1", "flags (NCT03280056)", "results_overdue", None),
        ("verdict changed", "5396f02c09753-1", "figure: 196 patients: patients enrolled",
         "no posted results", "results posted"),
    }  # fmt: skip


def test_claims_added_removed_and_changed():
    a = bioinova_document().to_dict()
    b = unlinked_document("clinic.html", "We treat ALS with stem cells.").to_dict()
    # night 2: the clinic page is gone, a new page appeared, and the Bioinova claim now also
    # names a sponsor (e.g. a newer extractor) - same claim_id, changed content
    a2 = bioinova_document().to_dict()
    a2["claims"][0]["sponsors"] = ["Bioinova", "Motol University Hospital"]
    c = unlinked_document("news.txt", "A new trial is recruiting.").to_dict()
    changes = diff_runs([a, b], {}, [a2, c], {})
    kinds = sorted((x["kind"], x["field"], x["doc"]) for x in changes)
    assert kinds == [
        ("claim added", "quote", "news.txt"),
        ("claim changed", "sponsors", "seeds/003_92c0c7b74f5bab9b.txt"),
        ("claim removed", "quote", "clinic.html"),
    ]


def test_an_edit_elsewhere_in_a_document_is_not_a_new_claim():
    old = bioinova_document().to_dict()
    new = bioinova_document().to_dict()
    new["claims"][0]["claim_id"] = "ffffffffffff-1"  # new sha256 prefix, same sentence
    new["figures"][0]["claim_id"] = "ffffffffffff-1"
    assert diff_runs([old], {}, [new], {}) == []


def test_an_unreadable_document_does_not_count_as_claims_removed():
    old = bioinova_document().to_dict()
    new = {"doc": old["doc"], "sha256": None, "error": "permission denied", "claims": [],
           "figures": []}  # fmt: skip
    assert diff_runs([old], {}, [new], {}) == []


def test_record_document_is_one_transaction_and_never_duplicates(tmp_path):
    db = StateDB(tmp_path / "state.sqlite")
    db.begin_run(run_row("2026-11-22T031500Z", "2026-11-22T03:15:00Z"))
    doc = bioinova_document()
    record(db, "2026-11-22T031500Z", doc)
    record(db, "2026-11-22T031500Z", doc)  # e.g. redone after a crash
    assert db.count("run_documents", "2026-11-22T031500Z") == 1
    assert db.count("run_claims", "2026-11-22T031500Z") == 1
    assert db.count("run_findings", "2026-11-22T031500Z") == 6  # 5 comparisons + 1 figure
    assert db.count("run_studies", "2026-11-22T031500Z") == 1
    assert db.linked_studies("2026-11-22T031500Z") == ["NCT03828123"]
    # a failure inside the transaction leaves nothing half-written
    bad = unlinked_document("clinic.html", "We treat ALS.").to_dict()
    with pytest.raises(AttributeError):  # the second finding row is broken
        db.record_document("2026-11-22T031500Z", bad, findings=[{"claimed": 1}, None])
    assert db.document("2026-11-22T031500Z", "clinic.html") is None
    assert db.count("run_claims", "2026-11-22T031500Z") == 1


def test_runs_unfinished_and_previous(tmp_path):
    db = StateDB(tmp_path / "state.sqlite")
    first = run_row("2026-11-21T031500Z", "2026-11-21T03:15:00Z")
    second = run_row("2026-11-22T031500Z", "2026-11-22T03:15:00Z")
    third = run_row("2026-11-22T031500Z-2", "2026-11-22T03:15:00Z")
    other_job = run_row("2026-11-21T040000Z", "2026-11-21T04:00:00Z", job="other")
    for r in (first, second, third, other_job):
        db.begin_run(r)
    db.finish_run(first.run_id, "2026-11-21T03:20:00Z")
    db.finish_run(other_job.run_id, "2026-11-21T04:10:00Z")
    db.finish_run(second.run_id, "2026-11-22T03:20:00Z")
    assert db.unfinished_run("job").run_id == third.run_id
    assert db.previous_complete_run("job", third).run_id == second.run_id  # same second
    assert db.previous_complete_run("job", second).run_id == first.run_id
    assert db.previous_complete_run("job", first) is None
    db.abandon_run(third.run_id)
    assert db.unfinished_run("job") is None


def test_extraction_cache_and_schema_guard(tmp_path):
    path = tmp_path / "state.sqlite"
    with StateDB(path) as db:
        db.put_extraction("ab" * 32, "fp1", '{"doc": "x"}')
        assert db.get_extraction("ab" * 32, "fp1") == '{"doc": "x"}'
        assert db.get_extraction("ab" * 32, "fp2") is None  # extractor changed: re-extract
        db.put_extraction("cd" * 32, "fp2", "{}")
        assert db.prune_extractions("fp2") == 1  # entries of old extraction code are dropped
        assert db.get_extraction("ab" * 32, "fp1") is None
        assert db.get_extraction("cd" * 32, "fp2") == "{}"
        db.conn.execute("UPDATE meta SET value='99' WHERE key='schema'")
    with pytest.raises(StateError, match="schema 99"):
        StateDB(path)
    (tmp_path / "garbage.sqlite").write_bytes(b"not a database" * 100)
    with pytest.raises(StateError):
        StateDB(tmp_path / "garbage.sqlite")
