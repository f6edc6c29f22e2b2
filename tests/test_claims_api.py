"""The claims stage's public API and its CLI: documents in, JSON-ready claims and figures out."""

from __future__ import annotations

import json
from pathlib import Path

from trialmatch.claims.extract import extract, extract_path, extract_paths, extract_text
from trialmatch.claims.model import DocumentClaims
from trialmatch.cli import main
from trialmatch.documents import Document

ROOT = Path(__file__).resolve().parent.parent
SEED_000 = ROOT / "seeds" / "000_e0602de30e6a8879.txt"

CLAIM_KEYS = {
    "claim_id", "quote", "spans", "trial_count", "nct_ids", "other_ids", "names", "sponsors",
    "conditions", "phases", "design", "enrollment", "arms", "dates", "countries", "sites",
    "follow_up", "status",
}  # fmt: skip
FIGURE_KEYS = {"value", "unit", "measure", "population", "span", "claim_id"}


def test_extract_text_returns_text_for_span_checks():
    text = "The Phase 2 trial (NCT01234567) will enroll 120 patients."
    doc = extract_text(text)
    assert doc.text == text
    (claim,) = doc.claims
    assert claim.nct_ids == ("NCT01234567",)
    assert claim.phases == ("PHASE2",)
    assert claim.enrollment == 120
    assert text[claim.spans[0][0] : claim.spans[0][1]] == text
    (fig,) = doc.figures
    assert (fig.value, fig.unit, text[fig.span[0] : fig.span[1]]) == (
        120,
        "patients",
        "120 patients",
    )
    assert fig.claim_id == claim.claim_id


def test_extract_on_a_document_object_uses_its_path_and_hash():
    text = "Results of the randomized Phase III trial are expected in Q3 2024."
    doc = extract(Document(path="notes/x.txt", sha256="ab" * 32, text=text))
    assert doc.doc == "notes/x.txt" and doc.sha256 == "ab" * 32
    assert doc.claims[0].claim_id == "abababababab-c1"
    assert doc.claims[0].dates[0].to_dict() == {
        "text": "Q3 2024", "start": "2024-07", "end": "2024-09", "role": "results"
    }  # fmt: skip


def test_json_keys_are_the_issue_keys():
    doc = extract_path(SEED_000).to_dict()
    assert set(doc) == {"doc", "sha256", "error", "claims", "figures"}
    for claim in doc["claims"]:
        assert set(claim) == CLAIM_KEYS
    for fig in doc["figures"]:
        assert set(fig) == FIGURE_KEYS
    json.dumps(doc)


def test_bad_files_become_error_entries_and_the_batch_goes_on(tmp_path):
    (tmp_path / "a_empty.txt").write_text("")
    (tmp_path / "b_binary.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    (tmp_path / "c_good.txt").write_text("The Phase 1 study enrolled 12 participants.")
    docs = list(extract_paths([tmp_path]))
    assert [Path(d.doc).name for d in docs] == ["a_empty.txt", "b_binary.txt", "c_good.txt"]
    assert docs[0].error and docs[0].error.startswith(str(tmp_path / "a_empty.txt"))
    assert docs[1].error and not docs[1].claims
    assert docs[2].error is None and docs[2].claims[0].enrollment == 12


def test_too_big_file_is_an_error_naming_the_file(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Phase 2 trial. " * 100)
    doc = extract_path(big, max_bytes=100)
    assert isinstance(doc, DocumentClaims)
    assert doc.error and str(big) in doc.error and not doc.claims


def test_missing_path_is_an_error_entry(tmp_path):
    (doc,) = list(extract_paths([tmp_path / "nope.txt"]))
    assert doc.error and "nope.txt" in doc.error


def test_cli_claims_json(capsys):
    code = main(["claims", str(SEED_000), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out[0]["doc"] == str(SEED_000)
    assert [c["enrollment"] for c in out[0]["claims"]] == [48, 24]


def test_cli_claims_reports_bad_files_and_exit_code_1(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("")
    code = main(["claims", str(tmp_path), str(SEED_000), "--format", "json"])
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert code == 1
    assert "empty.txt" in captured.err
    assert [d["error"] is None for d in out] == [False, True]
