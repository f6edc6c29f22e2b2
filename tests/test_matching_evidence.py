"""Matching: evidence read from the claim's own sentence, and diseases that only share a word.

Like tests/test_matching.py, every test searches the whole offline snapshot of real (partial)
records, so every other record is a distractor; claims are built as extraction would give them.
"""

from __future__ import annotations

import pytest

from tests.conftest import SNAPSHOT_DIR
from trialmatch import facts
from trialmatch.claims.model import Claim, DocumentClaims
from trialmatch.matching import match_document
from trialmatch.registry.snapshot import SnapshotRegistry


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> SnapshotRegistry:
    reg = SnapshotRegistry(SNAPSHOT_DIR, index_dir=tmp_path_factory.mktemp("index"))
    yield reg
    reg.close()


def _match(registry: SnapshotRegistry, claim: Claim):
    doc = DocumentClaims(doc="sample.txt", sha256="0" * 64, claims=(claim,), text=claim.quote)
    return match_document(doc, registry).claims[0]


def _reasons(m) -> dict[str, str]:
    return {r.feature: r.outcome for r in m.reasons}


# ------------------------------------------------------------------------------ conditions


def test_a_shared_head_word_is_not_the_same_disease():
    als = ["Amyotrophic Lateral Sclerosis"]
    assert facts.condition_coverage("multiple sclerosis", als)[0] < 0.5
    # a narrower claim of the registered disease still agrees
    narrower = facts.condition_coverage("progressive multiple sclerosis", ["Multiple Sclerosis"])
    assert narrower[0] >= 0.5


def test_an_ms_trial_is_not_rivalled_by_the_same_products_als_trials(registry):
    """NurOwn's progressive-MS trial (NCT03799718) fits; its ALS siblings share product and
    sponsor but not the disease, so they no longer tie with it."""
    quote = (
        "BrainStorm Cell Therapeutics' open-label phase II trial of NurOwn in progressive MS "
        "dosed 20 participants."
    )
    claim = Claim(
        claim_id="ms-1",
        quote=quote,
        spans=((0, len(quote)),),
        names=("NurOwn",),
        sponsors=("BrainStorm Cell Therapeutics",),
        conditions=("multiple sclerosis",),
        phases=("PHASE2",),
        design=("open-label",),
        enrollment=20,
    )
    cm = _match(registry, claim)
    assert [m.nct_id for m in cm.matches] == ["NCT03799718"]
    als_sibling = next(m for m in cm.candidates if m.nct_id == "NCT01777646")
    assert _reasons(als_sibling)["condition"] == "disagreed"


# ------------------------------------------------------------------------------ sponsor


def _corestem(quote: str, sponsor: str = "Korea Biotech") -> Claim:
    return Claim(
        claim_id="cs-1",
        quote=quote,
        spans=((0, len(quote)),),
        names=("lenzumestrocel",),
        sponsors=(sponsor,),  # "Korea Biotech": a page header the extractor took for the sponsor
        conditions=("ALS",),
        phases=("PHASE3",),
        enrollment=115,
    )


def test_the_records_sponsor_named_in_the_claims_sentence_agrees(registry):
    cm = _match(
        registry,
        _corestem(
            "Corestemchemon's lead asset lenzumestrocel is in a pivotal phase III study of "
            "115 patients with ALS."
        ),
    )
    assert [m.nct_id for m in cm.matches] == ["NCT04745299"]
    sponsor = next(r for r in cm.matches[0].reasons if r.feature == "sponsor")
    assert sponsor.outcome == "agreed"
    assert "Corestemchemon" in sponsor.detail


_NO_COMPANY = "The lead asset lenzumestrocel is in a pivotal phase III study of 115 patients."


def test_a_sponsor_no_record_found_lists_is_unknown_beside_an_agreeing_product(registry):
    cm = _match(registry, _corestem(_NO_COMPANY))
    assert [m.nct_id for m in cm.matches] == ["NCT04745299"]
    sponsor = next(r for r in cm.matches[0].reasons if r.feature == "sponsor")
    assert sponsor.outcome == "unknown"
    assert "matches no sponsor of any record found" in sponsor.detail


def test_a_sponsor_that_runs_other_records_found_still_disagrees(registry):
    """BrainStorm's own records are found too, so naming BrainStorm is real evidence against
    Corestemchemon's record."""
    cm = _match(registry, _corestem(_NO_COMPANY, sponsor="BrainStorm Cell Therapeutics"))
    best = next(m for m in (*cm.matches, *cm.candidates) if m.nct_id == "NCT04745299")
    assert _reasons(best)["sponsor"] == "disagreed"


# ------------------------------------------------------------------------------ intervention


def _mayo(quote: str) -> Claim:
    return Claim(
        claim_id="ma-1",
        quote=quote,
        spans=((0, len(quote)),),
        conditions=("ALS",),
        phases=("PHASE2",),
        enrollment=60,
    )


def test_a_registered_intervention_spelled_out_in_the_sentence_partly_agrees(registry):
    """No product name, but the sentence spells out NCT03268603's registered intervention."""
    cm = _match(
        registry,
        _mayo(
            "The follow-up Phase 2 study in ALS uses adipose-derived mesenchymal stromal cells "
            "and aims to enroll about 60 patients."
        ),
    )
    assert [m.nct_id for m in cm.matches] == ["NCT03268603"]
    iv = next(r for r in cm.matches[0].reasons if r.feature == "intervention")
    assert iv.outcome == "partly"
    assert "Adipose-derived Mesenchymal Stromal Cells" in iv.detail


def test_without_the_description_the_same_facts_do_not_link(registry):
    cm = _match(
        registry, _mayo("The follow-up Phase 2 study in ALS aims to enroll about 60 patients.")
    )
    assert list(cm.matches) == []
