"""Arm sizes written after a total are counts of patients too; durations and vector-genome
doses keep their own units. Every text here is a SAMPLE sentence written for these tests."""

from __future__ import annotations

from trialmatch.claims.extract import extract_text


def _figures(text):
    doc = extract_text(text)
    return [(text[f.span[0] : f.span[1]], f.value, f.unit) for f in doc.figures]


def test_arm_sizes_after_the_total_are_figures_and_arms():
    # SAMPLE text written for the tests
    text = (
        "The Phase 2 trial of RX-9 enrolled 60 patients, with 40 receiving RX-9 and 20 "
        "undergoing a sham injection."
    )
    assert _figures(text) == [
        ("60 patients", 60, "patients"),
        ("40", 40, "patients"),
        ("20", 20, "patients"),
    ]
    (claim,) = extract_text(text).claims
    assert [(a.label, a.n) for a in claim.arms] == [("RX-9", 40), ("sham", 20)]


def test_groups_described_by_their_disease_stage():
    # SAMPLE text written for the tests
    text = (
        "The Phase I study enrolled 10 patients: 5 with mild disease received one dose, and "
        "5 with severe disease received two doses. Over 9 months of follow-up, none worsened."
    )
    assert _figures(text) == [
        ("10 patients", 10, "patients"),
        ("5", 5, "patients"),
        ("5", 5, "patients"),
        ("9 months", 9, "months"),
    ]
    (claim,) = extract_text(text).claims
    assert [(a.label, a.n) for a in claim.arms] == [("mild disease", 5), ("severe disease", 5)]


def test_a_number_larger_than_the_total_or_a_ratio_is_no_arm():
    # SAMPLE text written for the tests
    text = (
        "A pilot study treated 12 patients, and 300 received the drug later at home. "
        "In a trial of 90 participants randomized 2:1, with 60 assigned to the drug, "
        "vector doses of 2 x 10^13 vector genomes were used."
    )
    figures = _figures(text)
    assert ("300", 300, "patients") not in figures
    assert ("60", 60, "patients") in figures
    assert all(unit != "cells" for _t, _v, unit in figures)


def test_an_outcome_share_at_a_time_point_keeps_its_duration():
    # SAMPLE text written for the tests
    text = "In our clinic, 82% of patients said their pain was lower at 6 months."
    assert _figures(text) == [("82%", 82, "percent"), ("6 months", 6, "months")]


def test_open_label_phase_in_people_is_a_count_of_participants():
    # SAMPLE text written for the tests
    text = "Zelora Bio has an open-label Phase 2 of its ZB-3 cells in 25 people with lupus."
    assert _figures(text) == [("25 people", 25, "patients")]
    (claim,) = extract_text(text).claims
    assert claim.enrollment == 25
