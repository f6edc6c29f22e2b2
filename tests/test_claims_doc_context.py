"""A claim that names no product or company takes them from its section or its page only
when that section or page is about one. Every text here is a SAMPLE written for these tests."""

from __future__ import annotations

from trialmatch.claims.extract import extract_text
from trialmatch.claims.text import segment

# SAMPLE text written for the tests: an investor blog covering three companies
_BLOG = """# Three small caps on my watchlist

## 1. The CardioLyn story beyond heart failure

Everyone knows CardioLyn as a heart product. The company's cells were tested in an \
open-label Phase 2 in lupus that dosed 30 participants.

## 2. Kidneys

Renalix Bio is running a Phase 1 of RX-2 in 12 patients with kidney failure. Renalix Bio \
says data come next year.

## 3. Lungs

Pulmora Therapeutics has a randomized Phase 3 of PM-7 in 400 patients with fibrosis.
"""


def test_a_section_lends_its_one_product_but_not_another_section_s_company():
    claims = extract_text(_BLOG).claims
    lupus = next(c for c in claims if c.enrollment == 30)
    assert lupus.names == ("CardioLyn",)
    assert lupus.sponsors == ()  # the page names several companies, its section none
    kidney = next(c for c in claims if c.enrollment == 12)
    assert kidney.sponsors == ("Renalix Bio",)


def test_a_page_about_one_company_lends_it_to_a_claim_that_names_none():
    # SAMPLE text written for the tests: a press release
    text = (
        "Nerova Therapeutics, Inc. today reported progress. Nerova Therapeutics, Inc. said "
        "its lead product NV-3 is safe.\n\n"
        "The Phase 2 trial enrolled 44 patients with ALS.\n\n"
        "About Nerova Therapeutics, Inc.\nNerova Therapeutics, Inc. develops cell therapies."
    )
    (claim,) = extract_text(text).claims
    assert claim.sponsors == ("Nerova Therapeutics",)
    assert claim.names == ("NV-3",)


def test_a_numbered_markdown_heading_is_one_heading():
    text = "## 1. The CardioLyn story\n\nIt began in 2019."  # SAMPLE text
    seg = segment(text)
    assert [text[a:b] for a, b in seg.sentences] == [
        "## 1. The CardioLyn story",
        "It began in 2019.",
    ]
    assert seg.heading == (True, False)


def test_a_comparison_with_placebo_in_a_number_of_patients_is_a_trial():
    # SAMPLE text written for the tests: a forum reply, no trial noun
    text = (
        "Pulmora Therapeutics sells an inhaler. Pulmora Therapeutics also runs a clinic.\n\n"
        "It was the Lindqvist group at Lakeside University Hospital. They compared cord "
        "blood cells against placebo in 40 children with autism: 20 got cells and 20 got "
        "placebo."
    )
    (claim,) = extract_text(text).claims
    assert claim.enrollment == 40 and [a.n for a in claim.arms] == [20, 20]
    assert "Lakeside University Hospital" in claim.sites
    assert claim.sponsors == ()  # a company named in passing is not the hospital's sponsor


def test_placebo_without_participants_is_no_trial():
    # SAMPLE text written for the tests
    text = "Our cream works better than placebo, say 90% of users."
    assert extract_text(text).claims == ()


# SAMPLE text written for the tests: a trade-press round-up of three programmes
_ROUNDUP = """# Knee cartilage: who is still in the race?

## Lindholm Hospital

At Lindholm Hospital in Oslo, a Phase I study gave cartilage cells to 14 patients.

The same team then opened a Phase II study of the cells in roughly 60 patients.

## Ostavia

Ostavia's ChondroFix missed the primary endpoint of its Phase 3 trial in 210 patients.

## Newcomers

Kardel Therapeutics says its gel product KD-310 will enter a Phase 1/2 study in 30 patients.
"""


def test_on_a_page_about_several_parties_a_claim_keeps_its_own_names():
    claims = extract_text(_ROUNDUP).claims
    first, second, rival, newcomer = claims
    # the hospital's trials take no product or company from the other sections
    assert first.names == () and first.sponsors == ()
    assert first.sites == ("Lindholm Hospital",)
    # "the same team": the institution (and its country) of the trial told of just before
    assert second.sites == ("Lindholm Hospital",) and second.countries == ("Norway",)
    assert second.names == ()
    # "Ostavia's ChondroFix missed ...": the company and its product, from the claim's sentence
    assert rival.names == ("ChondroFix",) and rival.sponsors == ("Ostavia",)
    assert newcomer.names == ("KD-310",) and newcomer.sponsors == ("Kardel Therapeutics",)


def test_a_clinic_citing_another_company_does_not_lend_it_to_its_own_study():
    # SAMPLE text written for the tests: a clinic page citing a company's trial
    text = (
        "Science is on our side. Ostavia's ChondroFix, a cell therapy much like ours, was "
        "studied in a Phase 3 trial in 210 patients.\n\n"
        "Clínica Marvella has offered its own cartilage protocol since 2018. In our "
        "observational study of 85 patients, 71% reported less pain."
    )
    rival, own = extract_text(text).claims
    assert rival.sponsors == ("Ostavia",)
    assert own.sponsors == () and own.names == ()


def test_the_sentence_that_sets_the_scene_gives_the_site_of_the_first_mention():
    # SAMPLE text written for the tests: a family newsletter
    text = (
        "## Knee news\n\n"
        "Researchers at Lindholm University Hospital are testing donor cells in children with "
        "arthritis. The small phase I/II study, which opened in June 2015, plans to treat "
        "10 children.\n\n"
        "## Gene therapy\n\n"
        "Kardel Therapeutics has started a Phase 3 study of its gene therapy KD-310 in 120 "
        "adults."
    )
    small, kardel = extract_text(text).claims
    assert small.sites == ("Lindholm University Hospital",)
    assert small.names == () and small.sponsors == ()
    assert kardel.names == ("KD-310",)


def test_a_company_named_twice_is_the_page_s_company_despite_a_competitor_named_once():
    # SAMPLE text written for the tests: a press release
    text = (
        "Nerova Therapeutics today reported progress with support from Halden Bio. Nerova "
        "Therapeutics said its lead product NV-3 is safe.\n\n"
        "Ostavia Pharma's older drug needs daily injections.\n\n"
        "A Phase 2 trial enrolled 44 patients with ALS."
    )
    claim = extract_text(text).claims[-1]
    assert claim.sponsors == ("Nerova Therapeutics",)
    assert claim.names == ("NV-3",)


def test_a_possessive_after_a_company_name_keeps_the_whole_name():
    from trialmatch.claims.names import find_sponsors

    found = find_sponsors("Nerova said NV-3 is safe, unlike Ostavia Pharma's older drug.")
    assert [s.value for s in found] == ["Ostavia Pharma"]


def test_a_hospital_quoted_beside_the_trial_of_a_page_s_company_does_not_stop_lending():
    # SAMPLE text written for the tests: a press release quoting an investigator
    text = (
        "Nerova Therapeutics Reports Progress\n\n"
        "BOSTON -- Nerova Therapeutics, Inc. (NASDAQ: NRVA) today announced progress with its "
        "lead product NV-3. Nerova Therapeutics develops cell therapies.\n\n"
        'A Phase 2 trial enrolled 40 patients with ALS. "We are pleased with the safety so '
        'far," said Dr Anna Berg of Lindholm University Hospital.\n\n'
        "About Nerova Therapeutics\nNerova Therapeutics, Inc. is a clinical-stage company."
    )
    (claim,) = extract_text(text).claims
    assert claim.names == ("NV-3",)
    assert claim.sponsors == ("Nerova Therapeutics",)


def test_a_section_on_the_hospital_of_a_page_s_company_still_lends_its_product():
    # SAMPLE text written for the tests: a press release with a section per topic
    text = (
        "Nerova Therapeutics Reports Progress\n\n"
        "BOSTON -- Nerova Therapeutics, Inc. (NASDAQ: NRVA) today announced progress with its "
        "lead product NV-3. Nerova Therapeutics develops cell therapies for ALS.\n\n"
        "## Lindholm University Hospital\n\n"
        "A Phase 2 trial enrolled 40 patients with ALS.\n\n"
        "## About Nerova Therapeutics\n\n"
        "Nerova Therapeutics, Inc. is a clinical-stage company."
    )
    (claim,) = extract_text(text).claims
    assert claim.sites == ("Lindholm University Hospital",)
    assert claim.names == ("NV-3",)
    assert claim.sponsors == ("Nerova Therapeutics",)


def test_a_product_the_page_says_is_made_from_cells_is_its_product():
    # SAMPLE text written for the tests: a charity explainer page
    text = (
        "Where did CardioLyn come from?\n\n"
        "CardioLyn is made from a patient's own bone marrow cells. Kardel Therapeutics first "
        "tested the cells in an open-label Phase 1/2 study at Lindholm University Hospital in "
        "Oslo, in which 20 people were treated."
    )
    (claim,) = extract_text(text).claims
    assert claim.names == ("CardioLyn",)


def test_a_clinic_s_title_is_not_the_site_of_the_trials_its_page_cites():
    # SAMPLE text written for the tests: a clinic page under its own title
    text = (
        "# Clínica Marvella - stem cells for knee arthritis\n\n"
        "A Phase 3 trial of donor cells enrolled 210 patients in Norway.\n\n"
        "## Lindholm University Hospital\n\n"
        "A Phase 2 trial there enrolled 60 patients."
    )
    cited, hospital = extract_text(text).claims
    assert cited.sites == ()
    assert hospital.sites == ("Lindholm University Hospital",)


def test_a_claim_naming_only_its_funders_still_takes_the_page_s_company_and_product():
    # SAMPLE text written for the tests: a press release
    text = (
        "Nerova Therapeutics, Inc. today reported progress. Nerova Therapeutics said its lead "
        "product NV-3 is safe.\n\n"
        "A Phase 2 trial, run with support from the Lindell Foundation and Halden Bio, "
        "enrolled 44 patients with ALS."
    )
    (claim,) = extract_text(text).claims
    assert claim.names == ("NV-3",)
    # the funders follow the company; a funding foundation is no trial site
    assert claim.sponsors[0] == "Nerova Therapeutics"
    assert set(claim.sponsors) == {"Nerova Therapeutics", "Lindell Foundation", "Halden Bio"}
    assert claim.sites == ()


def test_the_page_s_own_study_runs_at_the_institution_of_its_title():
    # SAMPLE text written for the tests: a clinic page under its own title
    text = (
        "# Stem cells for knee arthritis at Marvella Clinic\n\n"
        "Like our treatment, a Phase 3 trial of donor cells enrolled 210 patients.\n\n"
        "Our own clinical study of 40 patients, published in 2019, showed less pain."
    )
    cited, own = extract_text(text).claims
    assert cited.sites == ()
    assert own.sites == ("Marvella Clinic",)
