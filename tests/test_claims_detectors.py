"""The claim detectors one by one: phases, registry IDs, dates, numbers, designs, names."""

from __future__ import annotations

import pytest

from trialmatch.claims.dates import find_dates
from trialmatch.claims.designs import find_designs
from trialmatch.claims.extract import extract_text
from trialmatch.claims.ids import find_ids
from trialmatch.claims.names import abbreviation_map, find_conditions, find_products, find_sponsors
from trialmatch.claims.numbers import find_counts, find_doses, find_percentages, parse_number
from trialmatch.claims.phases import find_phases


@pytest.mark.parametrize(
    ("text", "phases"),
    [
        ("Phase II", ("PHASE2",)),
        ("phase IIa", ("PHASE2",)),
        ("Phase 2", ("PHASE2",)),
        ("Phase IIb", ("PHASE2",)),
        ("Phase III", ("PHASE3",)),
        ("Phase I/II", ("PHASE1", "PHASE2")),
        ("Phase 1b/2a", ("PHASE1", "PHASE2")),
        ("Phase 2/3", ("PHASE2", "PHASE3")),
        ("phase I-II", ("PHASE1", "PHASE2")),
        ("Phase IV", ("PHASE4",)),
        ("Phase 0", ("EARLY_PHASE1",)),
        ("phase two", ("PHASE2",)),
        ("Phase One/Two", ("PHASE1", "PHASE2")),
    ],
)
def test_phases_become_api_enums(text, phases):
    (match,) = find_phases(f"It entered {text} trials.")
    assert match.phases == phases
    assert not match.generic


def test_a_list_of_three_phases_is_generic():
    (match,) = find_phases("permission to produce cells for phase I, II and III clinical trials")
    assert match.generic and match.phases == ("PHASE1", "PHASE2", "PHASE3")


def test_no_phase_in_ordinary_words():
    assert find_phases("the acute phase of the disease; a phased approach; Ph.D.") == []
    assert find_phases("In phase one of the treatment the cells are harvested.") == []


def test_registry_ids_are_normalized():
    text = (
        "NCT01234567, nct 02017912, EudraCT 2011-000362-35, EUCTR2011-000362-35-CZ, "
        "ISRCTN48213577, ACTRN12612000123456, CTIS 2022-500123-45-00"
    )
    got = [(i.kind, i.value) for i in find_ids(text)]
    assert got == [
        ("nct", "NCT01234567"),
        ("nct", "NCT02017912"),
        ("eudract", "2011-000362-35"),
        ("eudract", "2011-000362-35"),
        ("isrctn", "ISRCTN48213577"),
        ("actrn", "ACTRN12612000123456"),
        ("euct", "2022-500123-45-00"),
    ]


def test_phone_numbers_are_not_registry_ids():
    assert find_ids("+420 241 063 350, 00380930552240, +38 068 889 89 89") == []


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("early 2016", "2016-01", "2016-06", "month"),
        ("mid-2025", "2025-04", "2025-09", "month"),
        ("late 2019", "2019-07", "2019-12", "month"),
        ("JAN/2012 – DEC/2016", "2012-01", "2016-12", "month"),
        ("Q3 2024", "2024-07", "2024-09", "month"),
        ("the second half of 2024", "2024-07", "2024-12", "month"),
        ("1H 2025", "2025-01", "2025-06", "month"),
        ("summer 2014", "2014-06", "2014-08", "month"),
        ("21 August 2015", "2015-08-21", "2015-08-21", "day"),
        ("March 4, 2024", "2024-03-04", "2024-03-04", "day"),
        ("November 2022", "2022-11", "2022-11", "month"),
        ("between March 2019 and June 2020", "2019-03", "2020-06", "month"),
        ("2012-2016", "2012", "2016", "year"),
    ],
)
def test_dates_are_normalized_with_precision(text, start, end, precision):
    (d,) = find_dates(f"Results are due {text}.")
    assert (d.start, d.end, d.precision) == (start, end, precision)


def test_eudract_numbers_and_phones_are_not_dates():
    assert find_dates("EudraCT 2011-000362-35; Tel. +420 241 063 350") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("48", 48), ("1,200", 1200), ("140.000", 140000), ("1.5", 1.5), ("four", 4),
     ("twenty-four", 24), ("a dozen", 12), ("three hundred", 300)],
)  # fmt: skip
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_percentages_in_every_spelling():
    text = "67% of patients, 60 percent response, (90 %) sporadic, 0.1 % concentration, 10 per cent"
    assert [f.value for f in find_percentages(text)] == [67, 60, 90, 0.1, 10]


def test_reference_volumes_are_not_percentages():
    assert find_percentages("Archives of neurology, 67(10), 1187-1194.") == []


def test_counts_of_people_need_a_participant_noun():
    text = (
        "The trial will involve 48 patients, 36 of which will receive the drug. Four patients "
        "were treated. Call +38 044 223 28 95. A 2-year-old girl. Patient F.T.G., 47. "
        "It affects 2 in every 1,000 children and kills 200 people a year."
    )
    got = [(f.value, text[f.span[0] : f.span[1]]) for f in find_counts(text)]
    assert got == [(48, "48 patients"), (4, "Four patients"), (36, "36")]


def test_doses_are_absolute_values():
    text = "up to 125 million MSC-NTF cells, 1 x 10^6 cells/kg, 2×10⁶ cells per kg, 1.5  ml"
    assert [(f.value, f.unit) for f in find_doses(text)] == [
        (125_000_000, "cells"),
        (1_000_000, "cells"),
        (2_000_000, "cells"),
        (1.5, "ml"),
    ]


def test_designs_map_to_the_fixed_vocabulary():
    text = (
        "A Prospective, Non-randomized, Open Label Study; a randomised, double-masked, "
        "placebo-controlled, multicentre, single-arm trial; single-blind"
    )
    assert [t for t, _ in find_designs(text)] == [
        "non-randomized", "open-label", "randomized", "double-blind", "placebo-controlled",
        "multicenter", "single-arm", "single-blind",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The treatment is called NurOwn and uses the patient's cells.", "NurOwn"),
        ("We are developing our product NeuroCellX for ALS.", "NeuroCellX"),
        ("Patients received Zorvana® twice.", "Zorvana"),
        ("Patients received Kelvira™ twice.", "Kelvira"),
        ("Dosing of Trelimab (QRX-2215) began.", "QRX-2215"),
        ("Dosing of Trelimab (QRX-2215) began.", "Trelimab"),
        ("The company's lead candidate, Vestoril, is in the clinic.", "Vestoril"),
        ("Results with velanisertib plus fulvestrant were strong.", None),
        ("In the study, tarnomab slowed progression.", "tarnomab"),
        ("The HOPE-2 trial enrolled 189 participants.", "HOPE-2"),
        ("The Phase III BRIGHTSTAR study met its goal.", "BRIGHTSTAR"),
    ],
)
def test_names_never_seen_are_found_from_context(text, name):
    names = {p.value for p in find_products(text)}
    if name is None:
        assert not names & {"Results", "The"}
    else:
        assert name in names


def test_acronym_definitions_are_not_product_names():
    names = {p.value for p in find_products("Amyotrophic lateral sclerosis (ALS) and MSC (MSCs)")}
    assert "sclerosis" not in names and "ALS" not in names


def test_sponsors_from_suffix_ticker_and_role():
    text = (
        "Axolotl Biotherapeutics, Inc. (NASDAQ: AXLT) said. BIOINOVA Ltd., a certified "
        "manufacturer. This led Bioinova, as the study sponsor, to act. The trial is sponsored "
        "by Kestrel Neuro. Biogen’s tofersen trial. said Dana Whitfield, CEO of Amylyx."
    )
    names = {s.value for s in find_sponsors(text)}
    assert {"Axolotl Biotherapeutics", "Bioinova", "Kestrel Neuro", "Biogen", "Amylyx"} <= names


def test_conditions_and_the_acronyms_a_document_defines():
    text = "Amyotrophic Lateral Sclerosis (ALS) and Lumora's breast cancer drug; risk of disease"
    assert [c.value for c in find_conditions(text)] == [
        "Amyotrophic Lateral Sclerosis", "ALS", "breast cancer",
    ]  # fmt: skip
    assert abbreviation_map(text) == {"ALS": "Amyotrophic Lateral Sclerosis"}


def test_a_coined_name_beside_treatment_words_is_a_claim_name():
    doc = extract_text("In the Phase 2 trial, 20 patients will receive RegeniX infusions.")
    assert "RegeniX" in doc.claims[0].names


def test_doses_of_cells_named_by_their_source():
    text = "Each child got 30 million umbilical cord blood cells; adults get 2 million bone marrow cells."
    assert [(f.value, f.unit) for f in find_doses(text)] == [(3e7, "cells"), (2e6, "cells")]


def test_a_count_after_a_sentence_ending_in_an_acronym_is_still_a_count():
    text = "It helps people with ALS.\n\nEight patients were treated."
    assert [(f.value, f.unit) for f in find_counts(text)] == [(8, "patients")]


def test_a_possessive_that_is_part_of_a_site_name_is_kept():
    from trialmatch.claims.names import find_sites

    sites = [s.value for s in find_sites("It runs at the Women's Hospital of Lyon.")]
    assert sites == ["Women's Hospital of Lyon"]


def test_a_code_right_after_a_treatment_noun_is_a_product_name():
    found = find_products("Velor tests its lung gene therapy VX-B in a phase 2 trial.")
    assert [(p.value, p.strength) for p in found if p.value == "VX-B"] == [("VX-B", 2)]
    assert not [p for p in find_products("The COVID-19 therapy was tested.") if p.strength == 2]


def test_a_name_in_apposition_to_a_treatment_noun_is_a_product_name():
    def names(text):
        return [p.value for p in find_products(text) if p.strength >= 1]

    assert "Zelvora" in names("Doctors gave them Zelvora, an oral drug for gout.")
    assert "CellMax" in names("They cite CellMax, a cell therapy like ours, in a phase 2 trial.")
    assert names("In Boston, a drug was tested.") == []


@pytest.mark.parametrize(
    "text",
    [
        # SAMPLE sentences written for the tests: the ways a trial's start is told
        "The phase I/II study, which opened in June 2015, plans to treat 10 infants.",
        "The Phase 2 trial of RX-9 began enrolling in March 2019.",
        "Lumora enrolled its first patient in its Phase 3 trial in May 2021.",
        "The Phase 2 trial kicked off in January 2020.",
        "The Phase 2 trial of ZB-3 launched in March 2018.",
        "The Phase 3 study got under way in March 2016.",
    ],
)
def test_the_start_of_a_trial_in_its_many_wordings(text):
    (claim,) = extract_text(text).claims
    assert [d.role for d in claim.dates] == ["start"]


def test_open_label_is_no_start_cue():
    # SAMPLE sentence written for the tests
    (claim,) = extract_text("The open-label Phase 2 trial reported results in May 2020.").claims
    assert [(d.start, d.role) for d in claim.dates] == [("2020-05", "results")]
