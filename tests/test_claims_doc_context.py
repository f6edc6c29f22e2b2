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
