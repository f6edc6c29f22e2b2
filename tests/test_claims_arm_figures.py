"""Arm sizes written after a total are counts of patients too; durations and vector-genome
doses keep their own units. Every text here is a SAMPLE sentence written for these tests."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize(
    ("text", "total", "arms"),
    [
        # SAMPLE sentences written for the tests
        (
            (
                "ZETA-1 is a randomized Phase I/II trial that will enroll 36 patients, randomized "
                "2:1: 24 to ZT-5 and 12 to placebo."
            ),
            36,
            [("ZT-5", 24), ("placebo", 12)],
        ),
        (
            (
                "The Phase 2 trial of RX-9 randomized 90 patients with gout 2:1, with 60 on drug "
                "and 30 on placebo."
            ),
            90,
            [("drug", 60), ("placebo", 30)],
        ),
        (
            "A Phase 2 study enrolled 45 adults (30 on QR-7, 15 on placebo).",
            45,
            [("QR-7", 30), ("placebo", 15)],
        ),
        (
            (
                "The phase 2 trial enrolled 40 patients, with 20 in the active group and 20 in the "
                "placebo group."
            ),
            40,
            [("active", 20), ("placebo", 20)],
        ),
        (
            (
                "The phase 3 trial randomized 5,400 women to KX-1 plus letrozole (n=2,700) or "
                "letrozole alone (n=2,700)."
            ),
            5400,
            [("KX-1 plus letrozole", 2700), ("letrozole alone", 2700)],
        ),
    ],
)
def test_arms_listed_by_what_they_are_on(text, total, arms):
    (claim,) = extract_text(text).claims
    assert claim.enrollment == total
    assert [(a.label, a.n) for a in claim.arms] == arms
    values = [v for _t, v, unit in _figures(text) if unit == "patients"]
    assert values == [total] + [n for _label, n in arms]


def test_groups_of_equal_size():
    # SAMPLE sentences written for the tests
    text = (
        "In the placebo-controlled study (NCT01234567), 45 patients were divided into "
        "three groups of 15."
    )
    (claim,) = extract_text(text).claims
    assert claim.enrollment == 45
    assert [a.n for a in claim.arms] == [15, 15, 15]
    assert ("15", 15, "patients") in _figures(text)
    # no total given: the groups make it, since the text says how many there are
    text = "The placebo-controlled phase 2 study randomized two groups of 20 patients each."
    (claim,) = extract_text(text).claims
    assert claim.enrollment == 40 and [a.n for a in claim.arms] == [20, 20]
    # "10 in each group" without the number of groups: a figure, but no arms and no total
    text = "The phase II study enrolled 30 patients with 10 in each group."
    (claim,) = extract_text(text).claims
    assert claim.enrollment == 30 and claim.arms == ()
    assert ("10", 10, "patients") in _figures(text)


def test_a_single_number_sent_somewhere_is_no_arm():
    # SAMPLE text written for the tests
    text = "The phase 1 trial treated 12 patients and sent 5 to Boston for scans."
    (claim,) = extract_text(text).claims
    assert claim.arms == ()
    assert _figures(text) == [("12 patients", 12, "patients")]


def test_a_bound_on_a_count_and_ranges_of_cell_doses():
    # SAMPLE sentences written for the tests
    assert _figures("A trial of 100 or more patients is needed to show it.") == [
        ("100 or more patients", 100, "patients")
    ]
    text = "Doses rose from 1.5 million to 15 million cells per patient."
    assert [(v, u) for _t, v, u in _figures(text)] == [(1_500_000, "cells"), (15_000_000, "cells")]
    text = "Each infusion held 3 to 5 x 10^6 cells/kg; the boost was 2.5x10(6) cells/kg."
    assert [(v, u) for _t, v, u in _figures(text)] == [
        (3_000_000, "cells"),
        (5_000_000, "cells"),
        (2_500_000, "cells"),
    ]


def test_a_trial_giving_its_treatment_to_n_people():
    # SAMPLE text written for the tests
    text = (
        "A phase I/II study at a children's hospital in Lyon is giving cord-blood cells to "
        "14 infants with cerebral palsy."
    )
    (claim,) = extract_text(text).claims
    assert claim.enrollment == 14


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        # SAMPLE sentences written for the tests
        ("The Phase 2 trial of RX-9 enrolled 50 patients, who will be followed for 12 months.", 12),
        ("A phase I study treated 8 patients and followed them for up to 7 years.", 7),
        ("In the phase 2 trial of ZB-3, 30 patients were monitored over 18 months.", 18),
    ],
)
def test_a_follow_up_length_is_a_figure(text, duration):
    assert (duration, "months" if duration != 7 else "years") in [
        (v, u) for _t, v, u in _figures(text)
    ]


def test_a_time_point_of_a_trials_participants_is_a_figure():
    # SAMPLE text written for the tests: the groups of the trial open the next paragraph
    text = (
        "The placebo-controlled study (NCT01234567) split 30 patients into three groups of 10."
        "\n\nOne group received the cells in the spine, one in a vein and one a placebo; after "
        "6 months, all participants could switch to the cells."
    )
    doc = extract_text(text)
    (claim,) = doc.claims
    assert claim.enrollment == 30 and [a.n for a in claim.arms] == [10, 10, 10]
    months = [f for f in doc.figures if f.unit == "months"]
    assert [(f.value, f.claim_id) for f in months] == [(6, claim.claim_id)]


def test_times_that_are_no_follow_up_are_no_figures():
    # SAMPLE sentences written for the tests: an entry criterion and a company's age
    text = (
        "The phase 2 trial takes patients diagnosed within 2 years of their first symptoms. "
        "Our company was founded 9 years ago."
    )
    assert [u for _t, _v, u in _figures(text) if u in ("months", "years")] == []


def test_a_clinics_own_record_is_figures_with_no_claim():
    # SAMPLE text written for the tests (docs/CLAIMS.md: clinic statements are figures only)
    text = (
        "Since 2015 our clinic has treated more than 400 patients with MS using their own "
        "stem cells, and 81% of them felt stronger within 6 months. Nuestra clínica ha tratado "
        "a 90 pacientes con ELA."
    )
    doc = extract_text(text)
    assert doc.claims == ()
    assert [(f.value, f.unit, f.claim_id) for f in doc.figures] == [
        (400, "patients", None),
        (81, "percent", None),
        (6, "months", None),
        (90, "patients", None),
    ]


def test_arms_randomized_to_drugs_written_in_lower_case():
    # SAMPLE text written for the tests: a list of two arms "to" lower-case drug names
    text = (
        "In the Phase III trial, 3,000 patients were randomized: 1,480 to veltracib plus "
        "letrozole and 1,520 to letrozole alone."
    )
    (claim,) = extract_text(text).claims
    assert claim.enrollment == 3000
    assert [a.n for a in claim.arms] == [1480, 1520]
    assert [v for _t, v, u in _figures(text) if u == "patients"] == [3000, 1480, 1520]
    # one number sent "to" a place is no arm
    text = "The phase 1 trial treated 12 patients and sent 5 to hospital for scans."
    assert [v for _t, v, _u in _figures(text)] == [12]


def test_a_ratio_in_words_is_no_arm():
    # SAMPLE text written for the tests
    text = (
        "The phase 2 trial randomized 40 patients three to one, so 30 got QX-2 and 10 got placebo."
    )
    (claim,) = extract_text(text).claims
    assert [(a.label, a.n) for a in claim.arms] == [("QX-2", 30), ("placebo", 10)]


@pytest.mark.parametrize(
    "text",
    [
        # SAMPLE sentences written for the tests: a trial that is still looking for its people
        "The phase 2 study at Lakeside Hospital opened in 2021 and is looking for about 60 people.",
        "The Phase 1 trial of KX-4 seeks 60 volunteers with psoriasis.",
        "The phase 3 trial aims for 60 participants in five countries.",
    ],
)
def test_a_trial_looking_for_its_participants(text):
    (claim,) = extract_text(text).claims
    assert claim.enrollment == 60


def test_a_count_that_opens_a_list_of_arms_is_an_arm():
    # SAMPLE text written for the tests: no total is written, only the two arms
    text = "The Phase 3 trial of KX-1 enrolled 1,960 patients on KX-1 and 1,985 on placebo."
    (claim,) = extract_text(text).claims
    assert claim.enrollment is None  # matching and comparison add up the arms themselves
    assert [(a.label, a.n) for a in claim.arms] == [("KX-1", 1960), ("placebo", 1985)]
    assert [v for _t, v, u in _figures(text) if u == "patients"] == [1960, 1985]


def test_doses_written_as_a_power_of_ten_alone_or_per_kilogram_first():
    # SAMPLE text written for the tests
    text = (
        "Patients received 10^6 cells/kg, then 5 × 10^6/kg cells, then 10⁸ MSCs; "
        "the last group had 2×10^6 MSC/kg."
    )
    assert [(v, u) for _t, v, u in _figures(text)] == [
        (1e6, "cells"),
        (5e6, "cells"),
        (1e8, "cells"),
        (2e6, "cells"),
    ]
