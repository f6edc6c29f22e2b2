"""Claim extraction on the five seeds, against what a careful human reader finds.

The expectations live in ``tests/data/seed_expectations.json``; they were written by reading
the seeds, and each claim says why it is one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trialmatch.claims.extract import extract_path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXPECTED = json.loads(
    (Path(__file__).parent / "data" / "seed_expectations.json").read_text("utf-8")
)
SEED_NAMES = sorted(k for k in EXPECTED if not k.startswith("_"))
_SET_FIELDS = ("phases", "design", "countries", "sites", "sponsors", "nct_ids", "other_ids")


@pytest.fixture(scope="module")
def extracted():
    return {name: extract_path(SEEDS / name) for name in SEED_NAMES}


def _norm(text: str) -> str:
    """Whitespace-insensitive form: the seeds hold thin and no-break spaces and hard wraps."""
    return " ".join(text.split())


def _evidence(doc, claim) -> str:
    return _norm("\n".join(doc.text[s:e] for s, e in claim.spans))


def _claims_by_number(doc):
    return {i: c for i, c in enumerate(doc.claims, start=1)}


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_is_read_without_error(extracted, name):
    doc = extracted[name]
    assert doc.error is None
    assert doc.sha256 and len(doc.sha256) == 64


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_has_exactly_the_expected_claims(extracted, name):
    doc = extracted[name]
    expected = EXPECTED[name]["claims"]
    quotes = [c.quote[:80] for c in doc.claims]
    assert len(doc.claims) == len(expected), quotes


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_claim_fields(extracted, name):
    doc = extracted[name]
    for number, (claim, exp) in enumerate(zip(doc.claims, EXPECTED[name]["claims"]), start=1):
        got = claim.to_dict()
        where = f"{name} claim {number}"
        for key in ("trial_count", "enrollment", "follow_up"):
            if key in exp:
                assert got[key] == exp[key], f"{where}: {key}"
        for key in _SET_FIELDS:
            if key in exp:
                assert set(got[key]) == set(exp[key]), f"{where}: {key} {got[key]}"
        for key in ("names", "sponsors", "conditions", "status"):
            for value in exp.get(f"{key}_contains", []):
                assert value in got[key], f"{where}: {value!r} not in {key} {got[key]}"
        if "arms" in exp:
            assert got["arms"] == exp["arms"], where
        if "dates" in exp:
            dates = [{**d, "text": _norm(d["text"])} for d in got["dates"]]
            assert dates == [{**d, "text": _norm(d["text"])} for d in exp["dates"]], where
        if "quote_contains" in exp:
            assert _norm(exp["quote_contains"]) in _norm(got["quote"]), where
        evidence = _evidence(doc, claim)
        for phrase in exp.get("evidence_contains", []):
            assert _norm(phrase) in evidence, f"{where}: evidence lacks {phrase!r}"
        for phrase in exp.get("evidence_excludes", []):
            assert _norm(phrase) not in evidence, f"{where}: evidence has {phrase!r}"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_non_trials_are_not_claims(extracted, name):
    doc = extracted[name]
    assert all(_norm(p) in _norm(doc.text) for p in EXPECTED[name]["not_claims"])
    for claim in doc.claims:
        evidence = _evidence(doc, claim)
        for phrase in EXPECTED[name]["not_claims"]:
            assert _norm(phrase) not in evidence, f"{name}: {phrase!r} reported as a trial"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_figures_are_every_percentage_count_and_dose(extracted, name):
    doc = extracted[name]
    exp = EXPECTED[name]
    numbers = {c.claim_id: i for i, c in _claims_by_number(doc).items()}
    got = [
        {
            "text": _norm(doc.text[f.span[0] : f.span[1]]),
            "value": f.value,
            "unit": f.unit,
            "claim": numbers.get(f.claim_id) if f.claim_id else None,
        }
        for f in doc.figures
        if f.unit in ("percent", "patients", "cells", "ml")
    ]
    assert got == [{**f, "text": _norm(f["text"])} for f in exp["figures"]]
    extra = [
        _norm(doc.text[f.span[0] : f.span[1]]) for f in doc.figures if f.unit in ("months", "years")
    ]
    assert set(extra) <= set(exp["optional_figures"]), extra


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_spans_index_the_text(extracted, name):
    doc = extracted[name]
    for claim in doc.claims:
        s, e = claim.spans[0]
        assert doc.text[s:e] in claim.quote or claim.quote in doc.text[s:e]
        for s, e in claim.spans:
            assert 0 <= s < e <= len(doc.text)
    for f in doc.figures:
        s, e = f.span
        assert 0 <= s < e <= len(doc.text)
        assert any(ch.isdigit() for ch in doc.text[s:e]) or doc.text[s:e].split()[0].isalpha()


def test_seed_000_figures_link_to_the_trial_they_describe(extracted):
    doc = extracted["000_e0602de30e6a8879.txt"]
    us, hadassah = doc.claims
    by_text = {doc.text[f.span[0] : f.span[1]]: f for f in doc.figures}
    assert by_text["48 patients"].claim_id == us.claim_id
    assert by_text["60 percent"].claim_id == hadassah.claim_id
    # compassionate use is not a registered trial: a figure with no claim, itself a finding
    assert by_text["four patients"].claim_id is None
    assert by_text["four patients"].population.startswith("patients suffering from ALS")


def test_claim_ids_are_stable_and_carry_the_content_hash(extracted):
    for name in SEED_NAMES:
        again = extract_path(SEEDS / name)
        first = extracted[name]
        assert [c.claim_id for c in again.claims] == [c.claim_id for c in first.claims]
        for c in first.claims:
            assert c.claim_id.startswith(first.sha256[:12])
