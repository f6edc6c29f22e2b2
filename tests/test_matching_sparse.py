"""Matching: sparse records, what a sentence says without a product name, and names the
extractor lent a claim from elsewhere.

Every registry value comes from the real (partial) records in cassettes/snapshot/; every claim
is built here from a sentence written for these tests (each text is labelled SAMPLE on its first
line), the way the extractor would give it, so these tests pin matching alone.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import SNAPSHOT_DIR
from trialmatch import matching
from trialmatch.claims.model import Claim, DocumentClaims
from trialmatch.matching import SCORING, cell_terms, match_document
from trialmatch.registry.snapshot import SnapshotRegistry


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> SnapshotRegistry:
    reg = SnapshotRegistry(SNAPSHOT_DIR, index_dir=tmp_path_factory.mktemp("index"))
    yield reg
    reg.close()


@pytest.fixture(autouse=True)
def every_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Report every record found as a candidate, so a test can read any rival's reasons."""
    monkeypatch.setattr(matching, "SCORING", dataclasses.replace(SCORING, max_candidates=50))


def _claim(text: str, sentence: str, cid: str = "c1", **kw) -> Claim:
    i = text.index(sentence)
    return Claim(claim_id=cid, quote=sentence, spans=((i, i + len(sentence)),), **kw)


def _doc(text: str, *claims: Claim) -> DocumentClaims:
    return DocumentClaims(doc="sample.txt", sha256="0" * 64, claims=claims, text=text)


def _links(dm, cid: str) -> list[str]:
    return [m.nct_id for c in dm.claims if c.claim_id == cid for m in c.matches]


def _reasons(dm, cid: str, nct: str) -> dict[str, list]:
    for c in dm.claims:
        if c.claim_id == cid:
            for m in (*c.matches, *c.candidates):
                if m.nct_id == nct:
                    out: dict[str, list] = {}
                    for r in m.reasons:
                        out.setdefault(r.feature, []).append(r)
                    return out
    raise AssertionError(f"{nct} is not a candidate of {cid}")


# ------------------------------------------------------------------------------ cell terms


def test_cell_terms_read_source_donor_and_route_from_plain_words():
    said = cell_terms(
        "[SAMPLE] They take fat from your belly, grow the cells and give them back "
        "through a lumbar puncture."
    )
    assert said == {"source": {"adipose"}, "route": {"intrathecal"}}
    assert cell_terms("[SAMPLE] each child gets cells grown from a donor's umbilical cord") == {
        "source": {"umbilical cord"},
        "donor": {"allogeneic"},
    }
    assert cell_terms("[SAMPLE] the patient's own bone marrow stem cells")["donor"] == {
        "autologous"
    }


def test_cell_terms_skip_negations_and_the_pronoun_it():
    # a registered description that says where the needle must NOT go names no cell source
    assert "source" not in cell_terms("[SAMPLE] injected into muscle and not adipose tissue")
    assert cell_terms("[SAMPLE] it was given once") == {}
    assert cell_terms("[SAMPLE] cells transplantation (IT)") == {"route": {"intrathecal"}}
    # fat as a disease finding is no cell source
    assert cell_terms("[SAMPLE] the drug lowered liver fat in the Phase 2 trial") == {}
    # a Roman numeral is no route
    assert cell_terms("[SAMPLE] a Phase IV study in stage IV disease") == {}
    assert cell_terms("[SAMPLE] one IV infusion") == {"route": {"intravenous"}}


# ------------------------------------------------------------------------------ sites


SANTA_MARIA = (
    "[SAMPLE written for trialmatch matching tests]\n"
    "Cell transplants for ALS: a short review.\n"
    "BrainStorm Cell Therapeutics tested its cells at Hadassah in 12 patients.\n"
    "In Italy, a Phase I study at the Santa Maria hospital in Terni grafted neural stem cells "
    "into the spinal cord of 18 people with ALS."
)


def test_a_site_named_loosely_links_a_record_that_has_little_else(registry):
    """NCT01640067 in our copy has no title, phase, sponsor or condition: one facility and an
    enrollment of 18. "the Santa Maria hospital" names "Azienda Ospedaliera Santa Maria" by
    the words that identify it."""
    c = _claim(
        SANTA_MARIA,
        "In Italy, a Phase I study at the Santa Maria hospital in Terni grafted neural stem "
        "cells into the spinal cord of 18 people with ALS.",
        conditions=("ALS",),
        phases=("PHASE1",),
        enrollment=18,
        countries=("Italy",),
        sites=("Santa Maria hospital",),
    )
    dm = match_document(_doc(SANTA_MARIA, c), registry)
    assert _links(dm, "c1") == ["NCT01640067"]
    r = _reasons(dm, "c1", "NCT01640067")
    site = [x for x in r["country"] if "Azienda Ospedaliera Santa Maria" in x.detail]
    assert site and site[0].outcome == "agreed"
    assert "exact" in r["enrollment"][0].detail
    # the score is the record's own evidence: titles and conditions play no part
    assert r["condition"][0].outcome == "unknown"


def test_a_rival_at_another_site_does_not_beat_the_record_at_the_named_site(registry):
    """The page's sponsor (inherited) and the disease fit NCT01051882 too, but it registers
    only Hadassah, not the site the claim names."""
    brain = _claim(
        SANTA_MARIA,
        "BrainStorm Cell Therapeutics tested its cells at Hadassah in 12 patients.",
        cid="c0",
        sponsors=("BrainStorm Cell Therapeutics",),
        conditions=("ALS",),
        enrollment=12,
    )
    c = _claim(
        SANTA_MARIA,
        "In Italy, a Phase I study at the Santa Maria hospital in Terni grafted neural stem "
        "cells into the spinal cord of 18 people with ALS.",
        conditions=("ALS",),
        phases=("PHASE1",),
        enrollment=18,
        countries=("Italy",),
        sites=("Azienda Ospedaliera Santa Maria",),
    )
    dm = match_document(_doc(SANTA_MARIA, c), registry)
    assert _links(dm, "c1") == ["NCT01640067"]
    dm = match_document(_doc(SANTA_MARIA, brain, c), registry)
    assert _links(dm, "c1") == ["NCT01640067"]
    r = _reasons(match_document(_doc(SANTA_MARIA, c), registry), "c1", "NCT01051882")
    conflict = [x for x in r["country"] if x.outcome == "disagreed"]
    assert conflict and "Hadassah Medical Organization" in conflict[0].detail


def test_a_hospital_that_only_hosts_a_companys_trial_counts_once_and_partly(registry):
    """Hadassah is a site and a collaborator of BrainStorm's NCT01051882. A sentence about
    'the Hadassah doctors' names the institution once; as a collaborator it is not the trial's
    sponsor, and a partial phase and size do not make up the difference."""
    text = (
        "[SAMPLE written for trialmatch matching tests]\n"
        "In Jerusalem, Hadassah doctors described a phase 2 study in which 20 people with ALS "
        "had repeated spinal injections of stem cells."
    )
    c = _claim(
        text,
        text.splitlines()[1],
        conditions=("ALS",),
        phases=("PHASE2",),
        enrollment=20,
        countries=("Israel",),
    )
    dm = match_document(_doc(text, c), registry)
    assert _links(dm, "c1") == []
    r = _reasons(dm, "c1", "NCT01051882")
    # the sentence names no site the extractor took: the record's facility is found in it
    site = [x for x in r["country"] if x.outcome == "agreed"]
    assert site and "the sentence says 'hadassah'" in site[0].detail
    # named as a collaborator, it would count only partly; as the same institution, once
    assert "collaborator" in r["sponsor"][0].detail and "counted once" in r["sponsor"][0].detail
    assert r["sponsor"][0].outcome == "unknown"
    # taken by the extractor as the sponsor, the hospital is still only the collaborator of a
    # trial BrainStorm leads: partly, and the claim still abstains
    c = dataclasses.replace(c, sponsors=("Hadassah",))
    dm = match_document(_doc(text, c), registry)
    assert _links(dm, "c1") == []
    sp = _reasons(dm, "c1", "NCT01051882")["sponsor"][0]
    assert "collaborator" in sp.detail and "Brainstorm-Cell Therapeutics" in sp.detail


# ------------------------------------------------------------------------------ no product name


FORUM = (
    "[SAMPLE written for trialmatch matching tests]\n"
    "Re: trials for my dad (ALS)\n"
    "One is a phase II study that takes fat from the belly, grows the cells and gives them "
    "back by lumbar puncture; they want about 65 patients.\n"
    "Our clinic also offers fat-derived stem cells by lumbar puncture and has treated 85 ALS "
    "patients since 2016."
)


def test_what_the_sentence_says_of_the_cells_finds_and_scores_the_record(registry):
    """No product, sponsor or site: the disease, phase and size fit several records; the
    cell source (fat = adipose) and route single out NCT03268603, whose title carries the
    disease (scored at the title factor, never a registry value)."""
    c = _claim(
        FORUM,
        "One is a phase II study that takes fat from the belly, grows the cells and gives them "
        "back by lumbar puncture; they want about 65 patients.",
        conditions=("ALS",),
        phases=("PHASE2",),
        enrollment=65,
    )
    dm = match_document(_doc(FORUM, c), registry)
    assert _links(dm, "c1") == ["NCT03268603"]
    cells = _reasons(dm, "c1", "NCT03268603")["cells"][0]
    assert "source adipose" in cells.detail and cells.outcome in ("agreed", "partly")
    # a bone-marrow record is held against the claim's fat-derived cells
    bm = _reasons(dm, "c1", "NCT01051882")["cells"][0]
    assert bm.outcome == "disagreed" and "bone marrow" in bm.detail
    # the cell words were searched, narrowed by the disease
    assert any("adipose" in q for q in dm.claims[0].queries)


def test_a_clinics_own_fat_cell_programme_still_abstains(registry):
    c = _claim(
        FORUM,
        "Our clinic also offers fat-derived stem cells by lumbar puncture and has treated 85 "
        "ALS patients since 2016.",
        conditions=("ALS",),
        enrollment=85,
    )
    dm = match_document(_doc(FORUM, c), registry)
    assert _links(dm, "c1") == []


# ------------------------------------------------------------------------------ lent names


TRADE = (
    "[SAMPLE written for trialmatch matching tests]\n"
    "Zentavo Bio says its exosome product ZX-990 will start a Phase 1 study in ALS next year.\n"
    "Separately, an academic team opened a Phase II single-arm study of intrathecal "
    "adipose-derived mesenchymal stromal cells in ALS, enrolling about 70 patients.\n"
    "Brainstorm's NurOwn missed its primary endpoint in a Phase 3 trial of 190 participants "
    "with ALS."
)


def test_a_name_lent_from_another_paragraph_does_not_veto_what_the_sentence_says(registry):
    """The extractor gave the academic study Zentavo's product and company (extraction noise):
    neither is in the claim's own sentence and no record found lists them, so they are no
    evidence, and the sentence's own description links NCT03268603."""
    c = _claim(
        TRADE,
        "Separately, an academic team opened a Phase II single-arm study of intrathecal "
        "adipose-derived mesenchymal stromal cells in ALS, enrolling about 70 patients.",
        names=("ZX-990",),
        sponsors=("Zentavo Bio",),
        conditions=("ALS",),
        phases=("PHASE2",),
        design=("single-arm",),
        enrollment=70,
    )
    dm = match_document(_doc(TRADE, c), registry)
    assert _links(dm, "c1") == ["NCT03268603"]
    r = _reasons(dm, "c1", "NCT03268603")
    assert r["intervention"][0].outcome == "partly"
    assert "borrowed" in r["intervention"][0].detail


def test_a_lent_name_gives_way_to_the_product_and_sponsor_the_sentence_names(registry):
    c = _claim(
        TRADE,
        "Brainstorm's NurOwn missed its primary endpoint in a Phase 3 trial of 190 participants "
        "with ALS.",
        names=("ZX-990",),
        sponsors=("Zentavo Bio",),
        conditions=("ALS",),
        phases=("PHASE3",),
        enrollment=190,
    )
    dm = match_document(_doc(TRADE, c), registry)
    assert _links(dm, "c1") == ["NCT03280056"]
    r = _reasons(dm, "c1", "NCT03280056")
    assert r["intervention"][0].outcome == "agreed" and "NurOwn" in r["intervention"][0].detail
    assert r["sponsor"][0].outcome == "agreed"


def test_an_unregistered_product_the_sentence_itself_names_still_disagrees(registry):
    """The same description, but the sentence names its own product: a product no record
    lists is another trial, not a misread (the decoy must abstain)."""
    text = TRADE.replace(
        "an academic team opened a Phase II single-arm study of intrathecal",
        "Zentavo Bio opened a Phase II single-arm study of ZX-990, intrathecal",
    )
    sentence = next(line for line in text.splitlines() if "ZX-990, intrathecal" in line)
    c = _claim(
        text,
        sentence,
        names=("ZX-990",),
        sponsors=("Zentavo Bio",),
        conditions=("ALS",),
        phases=("PHASE2",),
        design=("single-arm",),
        enrollment=70,
    )
    dm = match_document(_doc(text, c), registry)
    assert _links(dm, "c1") == []
    r = _reasons(dm, "c1", "NCT03268603")
    assert r["intervention"][0].outcome == "disagreed"


def test_threshold_is_not_lowered():
    assert SCORING.threshold == 0.5


def test_a_lent_name_the_registry_knows_weighs_against_but_does_not_veto(registry):
    """The extractor lent the page's "NurOwn" to a sentence about Mayo's own study. The name is
    registered (for BrainStorm's records), so it disagrees with Mayo's record; the sentence's
    sponsor, disease, phase and exact size still carry the link."""
    text = (
        "[SAMPLE written for trialmatch matching tests]\n"
        "NurOwn, BrainStorm's cell product, is in a Phase 3 trial.\n"
        "At Mayo Clinic in Minnesota, a Phase I study treated 27 people with ALS."
    )
    c = _claim(
        text,
        text.splitlines()[2],
        names=("NurOwn",),
        sponsors=("Mayo Clinic",),
        conditions=("ALS",),
        phases=("PHASE1",),
        enrollment=27,
    )
    dm = match_document(_doc(text, c), registry)
    assert _links(dm, "c1") == ["NCT01609283"]
    r = _reasons(dm, "c1", "NCT01609283")
    assert r["intervention"][0].outcome == "disagreed"
    assert "not in the claim's own sentences" in r["intervention"][0].detail


def test_a_brand_the_sentence_names_is_found_through_the_records_title(registry):
    """NCT04745299 registers "Lenzumestrocel"; its title pairs it with the brand the sentence
    uses, "Neuronata-R". The extractor lent the claim another company's product."""
    text = (
        "[SAMPLE written for trialmatch matching tests]\n"
        "Quillon Bio's QB-12 failed in Alzheimer's disease.\n"
        "Neuronata-R, the cell product of Corestemchemon, entered a Phase 3 study in ALS."
    )
    c = _claim(
        text,
        text.splitlines()[2],
        names=("QB-12",),
        conditions=("ALS",),
        phases=("PHASE3",),
    )
    dm = match_document(_doc(text, c), registry)
    assert _links(dm, "c1") == ["NCT04745299"]
    r = _reasons(dm, "c1", "NCT04745299")
    assert r["intervention"][0].outcome == "agreed" and "Neuronata-R" in r["intervention"][0].detail
    assert "title" in r["intervention"][0].detail
    assert r["sponsor"][0].outcome == "agreed"
