"""Matching: link claims to registry records, or abstain.

Every test searches the repo's whole offline snapshot of real (partial) records, so every other
record in it is a distractor. Claims are built directly here, as extraction would give them, so
these tests pin matching's behaviour independently of the extractor; tests/test_check_seeds.py
runs the real extractor end to end.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLES_DIR, SNAPSHOT_DIR
from trialmatch.claims.model import Arm, Claim, DateSpan, DocumentClaims
from trialmatch.matching import (
    SCORING,
    AliasBook,
    Match,
    ReviewerLinks,
    load_links,
    match_document,
    name_fragments,
)
from trialmatch.registry.snapshot import SnapshotRegistry

FEATURES = {
    "id",
    "intervention",
    "sponsor",
    "condition",
    "phase",
    "design",
    "enrollment",
    "dates",
    "country",
    "title",
    "cells",
}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> SnapshotRegistry:
    reg = SnapshotRegistry(SNAPSHOT_DIR, index_dir=tmp_path_factory.mktemp("index"))
    yield reg
    reg.close()


def _doc(name: str, *claims: Claim, text: str = "") -> DocumentClaims:
    return DocumentClaims(doc=name, sha256="0" * 64, claims=claims, text=text)


def _sample(name: str) -> str:
    return (SAMPLES_DIR / "matching" / name).read_text(encoding="utf-8")


def _spans(text: str, *phrases: str) -> tuple[tuple[int, int], ...]:
    out = []
    for p in phrases:
        i = text.index(p)
        out.append((i, i + len(p)))
    return tuple(out)


def _links(dm, claim_id: str) -> list[str]:
    return [m.nct_id for c in dm.claims if c.claim_id == claim_id for m in c.matches]


# ------------------------------------------------------------------------------ aliases


def test_name_fragments_split_brand_and_code_name():
    assert name_fragments("NurOwn® (MSC-NTF cells)") == ["NurOwn", "MSC-NTF"]
    assert name_fragments("Lenzumestrocel") == ["Lenzumestrocel"]
    # generic descriptions give no product name
    assert name_fragments("Mesenchymal stem cells (MSC)") == []
    assert name_fragments("Placebo") == []


def test_alias_learned_from_registry_record_not_a_table(registry):
    book = AliasBook()
    for study in registry.get(["NCT03280056"]):
        book.learn(study, ["NurOwn"])
    assert [a.lower() for a in book.group("NurOwn")] == ["nurown", "msc-ntf"]
    assert "NCT03280056" in book.sources["msc ntf"]
    # nothing is known about a name no record ties to anything
    assert AliasBook().group("NurOwn") == ["NurOwn"]


def test_brand_name_reaches_record_that_only_has_the_code_name(registry):
    """A product known only by its code name in the registry (sample document)."""
    text = _sample("nurown_code_name.txt")
    claim = Claim(
        claim_id="code-1",
        quote="BrainStorm Cell Therapeutics first tested NurOwn in people in an open-label "
        "Phase I/II study at the Hadassah Medical Organization in Jerusalem, Israel.",
        spans=_spans(text, "open-label Phase I/II study", "enrolled 12 patients"),
        names=("NurOwn",),
        sponsors=("BrainStorm Cell Therapeutics",),
        conditions=("amyotrophic lateral sclerosis", "ALS"),
        phases=("PHASE1", "PHASE2"),
        design=("open-label",),
        enrollment=12,
        dates=(DateSpan("June 2011", "2011-06", "2011-06", "start"),),
        countries=("Israel",),
        sites=("Hadassah Medical Organization",),
    )
    dm = match_document(_doc("nurown_code_name.txt", claim, text=text), registry)
    assert _links(dm, "code-1") == ["NCT01051882"]
    # the record says "MSC-NTF cells transplantation (IM)" and never "NurOwn"
    study = dm.studies["NCT01051882"]
    assert not any("nurown" in iv.name.lower() for iv in study.interventions)
    reasons = {r.feature: r for r in dm.claims[0].matches[0].reasons}
    assert reasons["intervention"].outcome == "agreed"
    assert "MSC-NTF" in reasons["intervention"].detail
    # the alias query was made and recorded
    assert any(q.startswith("query.term=") and "MSC-NTF" in q for q in dm.claims[0].queries)
    assert dm.aliases["NurOwn"] == ("MSC-NTF",)


# ------------------------------------------------------------------------------ IDs


def test_eudract_number_links_through_an_id_search(registry):
    text = _sample("pallas_eudract.txt")
    claim = Claim(
        claim_id="pallas-1",
        quote="Our centre was one of the European sites of PALLAS ...",
        spans=_spans(text, "PALLAS, the international randomized Phase III trial"),
        other_ids=("2014-005181-30",),
        names=("palbociclib",),
        conditions=("early breast cancer",),
        phases=("PHASE3",),
        design=("randomized", "open-label"),
        enrollment=5796,
    )
    dm = match_document(_doc("pallas_eudract.txt", claim, text=text), registry)
    assert _links(dm, "pallas-1") == ["NCT02513394"]
    m = dm.claims[0].matches[0]
    ident = next(r for r in m.reasons if r.feature == "id")
    assert ident.outcome == "agreed" and "EUDRACT_NUMBER" in ident.detail
    # the ID found a record that fits the text: no further request was needed
    assert dm.claims[0].queries == ('query.id="2014-005181-30"',)


def test_cited_nct_id_is_always_linked_and_a_misfit_is_a_finding(registry):
    """A miscited ID (sample): the text describes NurOwn's Phase 3, the ID is Corestem's."""
    text = _sample("miscited_id.txt")
    claim = Claim(
        claim_id="mis-1",
        quote="Its Phase 3 trial (NCT01363401) was a randomized, placebo-controlled, "
        "double-blind study that enrolled 196 patients with amyotrophic lateral sclerosis "
        "in the United States.",
        spans=_spans(text, "Its Phase 3 trial (NCT01363401)"),
        nct_ids=("NCT01363401",),
        names=("NurOwn",),
        sponsors=("BrainStorm Cell Therapeutics",),
        conditions=("amyotrophic lateral sclerosis",),
        phases=("PHASE3",),
        design=("randomized", "placebo-controlled", "double-blind"),
        enrollment=196,
        countries=("United States",),
    )
    dm = match_document(_doc("miscited_id.txt", claim, text=text), registry)
    cm = dm.claims[0]
    assert [m.nct_id for m in cm.matches] == ["NCT01363401"]
    assert [nct for nct, _ in cm.miscited] == ["NCT01363401"]
    detail = cm.miscited[0][1]
    assert "intervention" in detail and "NCT03280056" in detail
    # the trial the text really describes is shown as the best candidate, not linked
    assert cm.candidates[0].nct_id == "NCT03280056"


def test_a_cited_id_whose_record_fits_is_not_called_miscited(registry):
    claim = Claim(
        claim_id="ok-1",
        quote="NurOwn Phase 3 (NCT03280056) in ALS",
        spans=(),
        nct_ids=("NCT03280056",),
        names=("NurOwn",),
        conditions=("ALS",),
        phases=("PHASE3",),
    )
    dm = match_document(_doc("x", claim), registry)
    assert _links(dm, "ok-1") == ["NCT03280056"]
    assert dm.claims[0].miscited == ()
    assert dm.claims[0].queries == ('get "NCT03280056"',)  # one batched get, nothing more


# ------------------------------------------------------------------------------ abstaining


def test_abstains_on_a_clinics_own_experience_although_similar_trials_exist(registry):
    """Sample: intrathecal autologous MSC in ALS, like NCT01609283 or NCT04821479, but the
    clinic's own programme: no record may be linked."""
    text = _sample("abstain_similar.txt")
    claim = Claim(
        claim_id="own-1",
        quote="Since 2015 our open-label programme has treated 40 patients with amyotrophic "
        "lateral sclerosis with intrathecal injections of autologous mesenchymal stem cells "
        "taken from their own bone marrow, at our clinic in Kyiv, Ukraine.",
        spans=_spans(text, "Since 2015 our open-label programme has treated 40 patients"),
        names=("autologous mesenchymal stem cells",),
        conditions=("amyotrophic lateral sclerosis",),
        design=("open-label",),
        enrollment=40,
        dates=(DateSpan("Since 2015", "2015", "2015", "start"),),
        countries=("Ukraine",),
        sites=("Kyiv Cell Clinic",),
    )
    dm = match_document(_doc("abstain_similar.txt", claim, text=text), registry)
    cm = dm.claims[0]
    assert cm.matches == ()
    # similar records were considered and rejected, with their reasons
    assert cm.candidates
    assert all(m.score < SCORING.threshold for m in cm.candidates)
    assert cm.queries  # it did look


def test_condition_alone_never_links(registry):
    claim = Claim(claim_id="c-1", quote="stem cells help ALS", spans=(), conditions=("ALS",))
    dm = match_document(_doc("x", claim), registry)
    assert dm.claims[0].matches == ()


def test_claim_without_product_or_id_links_from_sponsor_size_and_dates(registry):
    text = _sample("mayo_no_product.txt")
    claim = Claim(
        claim_id="mayo-1",
        quote=text.strip().splitlines()[-1],
        spans=_spans(text, "a Phase I dose-escalation safety trial"),
        names=("mesenchymal stem cells",),
        sponsors=("Mayo Clinic",),
        conditions=("amyotrophic lateral sclerosis",),
        phases=("PHASE1",),
        enrollment=27,
        dates=(
            DateSpan("May 2012", "2012-05", "2012-05", "start"),
            DateSpan("January 2019", "2019-01", "2019-01", "completion"),
        ),
        countries=("United States",),
    )
    dm = match_document(_doc("mayo_no_product.txt", claim, text=text), registry)
    assert _links(dm, "mayo-1") == ["NCT01609283"]
    reasons = {r.feature: r.outcome for r in dm.claims[0].matches[0].reasons}
    # "2012-05-31" lies in the claimed month, "2019-01-31" in the claimed January 2019
    assert reasons["dates"] == "agreed"
    assert reasons["enrollment"] == "agreed"
    assert reasons["sponsor"] == "agreed"


# ------------------------------------------------------------------------------ scoring


def test_score_and_reasons_are_transparent(registry):
    claim = Claim(
        claim_id="s-1",
        quote="BrainStorm's NurOwn Phase 3 in 196 ALS patients",
        spans=(),
        names=("NurOwn",),
        sponsors=("Brainstorm Cell Therapeutics Inc.",),
        conditions=("ALS",),
        phases=("PHASE3",),
        enrollment=196,
    )
    dm = match_document(_doc("x", claim), registry)
    m = dm.claims[0].matches[0]
    assert isinstance(m, Match) and m.nct_id == "NCT03280056"
    assert 0.0 <= m.score <= 1.0 and m.score >= SCORING.threshold
    assert {r.feature for r in m.reasons} == FEATURES
    for r in m.reasons:
        assert r.outcome in ("agreed", "partly", "disagreed", "unknown") and r.detail
    sponsor = next(r for r in m.reasons if r.feature == "sponsor")
    # fuzzy: "Brainstorm Cell Therapeutics Inc." ~ "Brainstorm-Cell Therapeutics"
    assert sponsor.outcome == "agreed" and "Brainstorm-Cell Therapeutics" in sponsor.detail
    d = m.to_dict()
    assert set(d) == {"nct_id", "score", "reasons", "confirmed_by_reviewer"}


def test_phase2_claim_against_phase1_2_record_is_partly(registry):
    claim = Claim(
        claim_id="p-1",
        quote="Bioinova's open-label, non-randomized phase IIa study in ALS",
        spans=(),
        sponsors=("Bioinova",),
        conditions=("ALS",),
        phases=("PHASE2",),
        design=("open-label", "non-randomized"),
    )
    dm = match_document(_doc("x", claim), registry)
    m = dm.claims[0].matches[0]
    assert m.nct_id == "NCT03828123"
    assert next(r for r in m.reasons if r.feature == "phase").outcome == "partly"


def test_title_words_score_but_a_title_only_record_keeps_no_values(registry):
    """NCT02017912 holds only an ID and a title: the title may support the link."""
    claim = Claim(
        claim_id="t-1",
        quote="NurOwn is entering Phase II clinical trials in the US: a double-blind, "
        "randomized trial of 48 patients.",
        spans=(),
        names=("NurOwn",),
        sponsors=("BrainStorm Cell Therapeutics",),
        conditions=("ALS",),
        phases=("PHASE2",),
        design=("double-blind", "randomized"),
        enrollment=48,
        arms=(Arm("NurOwn", 36), Arm("placebo", 12)),
        dates=(DateSpan("early 2016", "2016-01", "2016-06", "results"),),
        countries=("United States",),
    )
    dm = match_document(_doc("x", claim), registry)
    assert _links(dm, "t-1") == ["NCT02017912"]
    reasons = {r.feature: r for r in dm.claims[0].matches[0].reasons}
    assert "title" in reasons["phase"].detail
    assert reasons["enrollment"].outcome == "unknown"  # no enrollment in the record


def test_each_record_goes_to_one_claim_and_trial_count_allows_several(registry):
    us = Claim(
        claim_id="a",
        quote="Phase II in the US",
        spans=(),
        names=("NurOwn",),
        sponsors=("BrainStorm Cell Therapeutics",),
        conditions=("ALS",),
        phases=("PHASE2",),
        design=("double-blind", "randomized"),
        enrollment=48,
        countries=("United States",),
    )
    early = Claim(
        claim_id="b",
        quote="two initial trials that involved 24 patients at Hadassah",
        spans=(),
        trial_count=2,
        enrollment=24,
        sites=("Hadassah University Medical Center",),
    )
    dm = match_document(_doc("x", us, early), registry)
    assert _links(dm, "a") == ["NCT02017912"]
    assert sorted(_links(dm, "b")) == ["NCT01051882", "NCT01777646"]
    linked = [n for c in dm.claims for m in c.matches for n in [m.nct_id]]
    assert len(linked) == len(set(linked))


# ------------------------------------------------------------------------------ reviewer links


def test_reviewer_links_override_and_are_marked(registry, tmp_path: Path):
    f = tmp_path / "links.csv"
    f.write_text("doc,claim_id,nct_id\nx,r-1,NCT01609283\nx,r-2,NONE\n", encoding="utf-8")
    links = load_links(f)
    c1 = Claim(claim_id="r-1", quote="q", spans=(), names=("NurOwn",), phases=("PHASE3",))
    c2 = Claim(claim_id="r-2", quote="q", spans=(), nct_ids=("NCT03280056",), names=("NurOwn",))
    dm = match_document(_doc("x", c1, c2), registry, links=links)
    m1 = dm.claims[0].matches
    assert [m.nct_id for m in m1] == ["NCT01609283"] and m1[0].confirmed_by_reviewer
    # NONE beats even a cited ID
    assert dm.claims[1].matches == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("doc,claim_id,nct_id\nx,c1\n", "links.csv:2"),
        ("x,c1,NCT123\n", "links.csv:1"),
        ("x,c1,NONE\nx,c1,NCT01609283\n", "links.csv:2"),
        ("x,c1,NCT01609283\n\nx,,NCT01609283\n", "links.csv:3"),
    ],
)
def test_bad_links_rows_name_file_and_line(tmp_path: Path, content: str, message: str):
    f = tmp_path / "links.csv"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_links(f)


def test_links_lookup_by_path_or_file_name():
    links = ReviewerLinks({("seeds/000.txt", "c1"): ("NCT01051882",)})
    assert links.for_claim("seeds/000.txt", "c1") == ("NCT01051882",)
    assert links.for_claim("./seeds/000.txt", "c1") == ("NCT01051882",)
    assert links.for_claim("seeds/000.txt", "c2") is None


def test_one_company_two_trials_brand_and_code_names(registry):
    """Sample: NeuroNata-R's Phase 3 (registered as "Lenzumestrocel", the brand only in the
    title) and the earlier HYNR-CS Phase 1/2: each claim to its own record."""
    text = _sample("corestem_news.txt")
    phase3 = Claim(
        claim_id="cs-1",
        quote="Corestemchemon's NeuroNata-R (lenzumestrocel) ... is being tested in ALSummit, a "
        "Phase 3 trial ...",
        spans=_spans(text, "is being tested in ALSummit, a Phase 3 trial"),
        names=("NeuroNata-R", "lenzumestrocel"),
        sponsors=("Corestemchemon",),
        conditions=("amyotrophic lateral sclerosis",),
        phases=("PHASE3",),
        enrollment=115,
        dates=(DateSpan("March 2021", "2021-03", "2021-03", "start"),),
        countries=("Korea", "United States"),
    )
    early = Claim(
        claim_id="cs-2",
        quote="an earlier randomized, open-label Phase 1/2 study of HYNR-CS in 72 patients",
        spans=_spans(text, "an earlier randomized, open-label Phase 1/2 study of HYNR-CS"),
        names=("HYNR-CS",),
        conditions=("ALS",),
        phases=("PHASE1", "PHASE2"),
        design=("randomized", "open-label"),
        enrollment=72,
        dates=(DateSpan("February 2011 to August 2013", "2011-02", "2013-08", "period"),),
    )
    dm = match_document(_doc("corestem_news.txt", phase3, early, text=text), registry)
    assert _links(dm, "cs-1") == ["NCT04745299"]
    assert _links(dm, "cs-2") == ["NCT01363401"]
    # "2011-02-28" lies in the claimed February 2011, "2013-08-31" in August 2013
    dates = next(r for r in dm.claims[1].matches[0].reasons if r.feature == "dates")
    assert dates.outcome == "agreed"


def test_unanchored_claim_finds_a_record_whose_condition_is_only_in_its_title(registry):
    """Sample: no product, no sponsor; the record (NCT03268603) lists no condition, but its
    title names the disease, and size, start month, phase and design single it out."""
    text = _sample("mayo_adipose.txt")
    claim = Claim(
        claim_id="ma-1",
        quote="Neurologists in Rochester are running a Phase II study ...",
        spans=_spans(text, "running a Phase II study"),
        conditions=("amyotrophic lateral sclerosis",),
        phases=("PHASE2",),
        design=("single-arm", "open-label"),
        enrollment=60,
        dates=(DateSpan("October 2017", "2017-10", "2017-10", "start"),),
    )
    dm = match_document(_doc("mayo_adipose.txt", claim, text=text), registry)
    assert _links(dm, "ma-1") == ["NCT03268603"]
    cond = next(r for r in dm.claims[0].matches[0].reasons if r.feature == "condition")
    assert "title" in cond.detail


def test_a_product_the_page_names_outside_the_claim_is_context(registry):
    """Sample: the trial sentence names only the sponsor; the page is about NurOwn. The
    registry knows NurOwn (and, through it, MSC-NTF), so the page's product is searched and
    inherited, and the title-only Phase 2 record is reached."""
    text = _sample("nurown_unnamed_claim.txt")
    claim = Claim(
        claim_id="un-1",
        quote="After early studies in Israel, BrainStorm Cell Therapeutics ran a randomized, "
        "placebo-controlled Phase 2 study of 48 patients with ALS at three hospitals in the "
        "United States.",
        spans=_spans(text, "ran a randomized, placebo-controlled Phase 2 study of 48 patients"),
        sponsors=("BrainStorm Cell Therapeutics",),
        conditions=("ALS",),
        phases=("PHASE2",),
        design=("randomized", "placebo-controlled"),
        enrollment=48,
        countries=("United States",),
    )
    dm = match_document(_doc("nurown_unnamed_claim.txt", claim, text=text), registry)
    assert _links(dm, "un-1") == ["NCT02017912"]
    iv = next(r for r in dm.claims[0].matches[0].reasons if r.feature == "intervention")
    assert "named elsewhere in the document" in iv.detail
    # the open-label single-group NurOwn study contradicts "randomized, placebo-controlled"
    rejected = {m.nct_id: m for m in dm.claims[0].candidates}
    design = next(r for r in rejected["NCT01777646"].reasons if r.feature == "design")
    assert design.outcome == "disagreed"


def test_near_tie_between_sibling_records_abstains(registry):
    """NurOwn Phase 2 with nothing else: NCT01777646 (Phase 2) and NCT01051882 (Phase 1/2)
    fit almost equally; picking one would be a coin flip."""
    claim = Claim(
        claim_id="tie-1",
        quote="In the earlier Phase 2 study of NurOwn in ALS ...",
        spans=(),
        names=("NurOwn",),
        sponsors=("Brainstorm Cell Therapeutics",),
        conditions=("ALS",),
        phases=("PHASE2",),
    )
    dm = match_document(_doc("x", claim), registry)
    cm = dm.claims[0]
    assert cm.matches == ()
    top = cm.candidates[0]
    assert top.nct_id == "NCT01777646"
    assert any(r.feature == "ambiguity" and "NCT01051882" in r.detail for r in top.reasons)


def test_a_record_another_claim_takes_no_longer_makes_a_tie(registry):
    """The near tie above, resolved by the document: an earlier claim describes the Phase 1/2
    trial (NCT01051882: PHASE1+PHASE2, 12 participants, Hadassah) and links it, so for the later
    Phase 2 claim NCT01051882 is no rival and NCT01777646 (PHASE2) links, with the reason."""
    first = Claim(
        claim_id="seq-1",
        quote="The first NurOwn study, a Phase 1/2 trial at Hadassah, enrolled 12 patients.",
        spans=(),
        names=("NurOwn",),
        sponsors=("Brainstorm Cell Therapeutics",),
        conditions=("ALS",),
        phases=("PHASE1", "PHASE2"),
        enrollment=12,
        sites=("Hadassah Medical Center",),
    )
    second = Claim(
        claim_id="seq-2",
        quote="A second study of NurOwn in ALS followed, a Phase 2 trial.",
        spans=(),
        names=("NurOwn",),
        sponsors=("Brainstorm Cell Therapeutics",),
        conditions=("ALS",),
        phases=("PHASE2",),
    )
    dm = match_document(_doc("x", first, second), registry)
    assert _links(dm, "seq-1") == ["NCT01051882"]
    assert _links(dm, "seq-2") == ["NCT01777646"]
    m = next(c for c in dm.claims if c.claim_id == "seq-2").matches[0]
    assert m.score >= SCORING.threshold
    assert any(
        r.feature == "ambiguity" and r.outcome == "agreed" and "NCT01051882" in r.detail
        for r in m.reasons
    )
    # a vague mention with no phase, size or date is not resolved by elimination
    vague = Claim(
        claim_id="seq-3",
        quote="The company then moved to a multicenter study of NurOwn in the United States.",
        spans=(),
        names=("NurOwn",),
        sponsors=("Brainstorm Cell Therapeutics",),
        conditions=("ALS",),
        countries=("United States",),
        design=("multicenter",),
    )
    dm = match_document(_doc("x", first, second, vague), registry)
    assert _links(dm, "seq-3") == []


def test_abbreviations_are_spelled_out_from_the_document():
    from trialmatch.facts import expand_abbreviation

    text = _sample("nurown_code_name.txt")
    assert expand_abbreviation("ALS", text) == "amyotrophic lateral sclerosis"
    assert expand_abbreviation("SMA", text) is None
    # another abbreviation is no expansion: "MS Society" does not spell out "MS"
    assert expand_abbreviation("MS", "MS Society news: multiple sclerosis research") == (
        "multiple sclerosis"
    )


def test_a_clinics_own_claim_does_not_inherit_a_product_the_page_cites(registry):
    """Sample: the page cites NurOwn's Phase 3, then the clinic's own 85 patients. The cited
    trial links; the clinic's claim says nothing a NurOwn record could confirm beyond the
    disease, and inherited context alone never links."""
    text = _sample("clinic_cites_then_sells.txt")
    cited = Claim(
        claim_id="cs-a",
        quote="BrainStorm Cell Therapeutics' NurOwn has been tested in a randomized, "
        "placebo-controlled Phase 3 trial of 196 patients with ALS in the United States.",
        spans=_spans(text, "NurOwn has been tested in a randomized"),
        names=("NurOwn",),
        sponsors=("BrainStorm Cell Therapeutics",),
        conditions=("ALS",),
        phases=("PHASE3",),
        design=("randomized", "placebo-controlled"),
        enrollment=196,
        countries=("United States",),
    )
    own = Claim(
        claim_id="cs-b",
        quote="Since 2016 our clinic in Belgrade has treated 85 patients with ALS using "
        "umbilical cord stem cells, and 62% of them reported easier breathing after three "
        "months.",
        spans=_spans(text, "Since 2016 our clinic in Belgrade has treated 85 patients"),
        names=("umbilical cord stem cells",),
        conditions=("ALS",),
        enrollment=85,
        dates=(DateSpan("Since 2016", "2016", "2016", "start"),),
        countries=("Serbia",),
    )
    dm = match_document(_doc("clinic_cites_then_sells.txt", cited, own, text=text), registry)
    assert _links(dm, "cs-a") == ["NCT03280056"]
    assert _links(dm, "cs-b") == []


def test_a_cited_id_the_registry_does_not_know_is_a_finding_not_evidence(registry):
    """A mistyped ID (NCT03280065 instead of NCT03280056) is flagged, and the text is still
    matched on what it says."""
    claim = Claim(
        claim_id="typo-1",
        quote="NurOwn's Phase 3 (NCT03280065) randomized 196 ALS patients",
        spans=(),
        nct_ids=("NCT03280065",),
        names=("NurOwn",),
        sponsors=("BrainStorm Cell Therapeutics",),
        conditions=("ALS",),
        phases=("PHASE3",),
        enrollment=196,
    )
    dm = match_document(_doc("x", claim), registry)
    cm = dm.claims[0]
    assert [m.nct_id for m in cm.matches] == ["NCT03280056"]
    assert [n for n, _ in cm.miscited] == ["NCT03280065"]
    ident = next(r for r in cm.matches[0].reasons if r.feature == "id")
    assert ident.outcome == "unknown"


def test_a_condition_read_as_a_product_name_is_not_held_against_records(registry):
    claim = Claim(
        claim_id="cn-1",
        quote="Bioinova's open-label, non-randomized phase IIa study in ALS",
        spans=(),
        names=("ALS",),
        sponsors=("Bioinova",),
        conditions=("ALS",),
        phases=("PHASE2",),
        design=("open-label", "non-randomized"),
    )
    dm = match_document(_doc("x", claim), registry)
    assert _links(dm, "cn-1") == ["NCT03828123"]
    iv = next(r for r in dm.claims[0].matches[0].reasons if r.feature == "intervention")
    assert iv.outcome == "unknown"
