"""How mentions become claims: one trial across sentences, separate trials apart, and the
things that look like trials but are not."""

from __future__ import annotations

from trialmatch.claims.extract import extract_text


def _claims(text):
    return extract_text(text).claims


def test_definite_mentions_join_the_trial_they_point_back_to():
    (claim,) = _claims(
        "Zentra Bio is entering a Phase II trial in Canada. The randomized trial will enroll "
        "80 patients. The study results are expected in late 2026."
    )
    assert claim.phases == ("PHASE2",) and claim.enrollment == 80
    assert claim.design == ("randomized",) and claim.countries == ("Canada",)
    assert [(d.start, d.end, d.role) for d in claim.dates] == [("2026-07", "2026-12", "results")]
    assert len(claim.spans) == 3


def test_trials_described_apart_stay_apart():
    first, second = _claims(
        "Two earlier trials involved 30 patients at Toronto General Hospital. "
        "A double-blind Phase 2 trial in the US will involve 90 patients."
    )
    assert (first.trial_count, first.enrollment, first.countries) == (2, 30, ("Canada",))
    assert (second.trial_count, second.enrollment, second.countries) == (
        1,
        90,
        ("United States",),
    )


def test_a_new_trial_is_not_folded_into_an_old_one():
    claims = _claims(
        "The Phase 2 study (NCT01234567) enrolled 40 patients. "
        "Next, the company will start a new Phase 3 trial in 2027."
    )
    assert [c.phases for c in claims] == [("PHASE2",), ("PHASE3",)]


def test_registry_ids_and_trial_names_keep_trials_apart_and_together():
    claims = _claims(
        "The ORCA trial (NCT01111111) read out in 2022. The BELUGA trial (NCT02222222) began "
        "in 2023. ORCA enrolled 50 patients."
    )
    assert [(c.nct_ids, c.enrollment) for c in claims] == [
        (("NCT01111111",), 50),
        (("NCT02222222",), None),
    ]


def test_things_that_are_not_trials():
    text = (
        "Stem cells have proved promising in animal models and human clinical studies. "
        "A preclinical safety study in rats ran from NOV/2011 to FEB/2012. "
        "The company holds permission to make products for phase I, II and III clinical trials. "
        "In summer 2014 the company was notified of the approval of its US patent application. "
        "Call +38 044 223 28 95.\n\n"
        "References\n"
        "  • Doe, J. (2010). Stem cells in ALS: A Phase I clinical trial. Exp Neurol, 223(1), 229-237.\n"
    )
    assert _claims(text) == ()


def test_forward_looking_boilerplate_is_not_a_claim():
    claims = _claims(
        "The Phase 3 HOPE-3 trial enrolled 300 patients.\n\nForward-Looking Statements\n"
        "This release contains forward-looking statements about the timing of our Phase 2 "
        "trial of X-12 and our clinical trials generally."
    )
    assert [c.phases for c in claims] == [("PHASE3",)]


def test_a_company_named_in_full_is_recognised_by_its_short_name():
    doc = extract_text(
        "Quillon Therapeutics, Inc. develops QN-5. Separately, Quillon is running a Phase 1 "
        "study (NCT03333333) in Japan."
    )
    (claim,) = doc.claims
    assert claim.sponsors == ("Quillon Therapeutics",)
    assert claim.countries == ("Japan",)


def test_press_release_dateline_is_not_a_trial_date():
    (claim,) = _claims(
        "SAN DIEGO, Jan. 8, 2025 (GLOBE NEWSWIRE) -- Neuvia Therapeutics plans to begin a "
        "Phase 1/2a trial of NVT-101 in the first quarter of 2025."
    )
    assert [(d.start, d.role) for d in claim.dates] == [("2025-01", "start")]
    assert claim.phases == ("PHASE1", "PHASE2") and "NVT-101" in claim.names


def test_a_predicate_describes_the_trial_already_named():
    (claim,) = _claims(
        "Before its big Phase 3, the company ran a phase 2 study of its QX-NTF cells in the U.S. "
        "It was a double-blind, multicenter trial: 48 patients were randomized, so 36 got QX-NTF "
        "and 12 got placebo."
    )
    assert claim.phases == ("PHASE2",) and claim.enrollment == 48
    assert [(a.label, a.n) for a in claim.arms] == [("QX-NTF", 36), ("placebo", 12)]
    assert set(claim.design) == {"double-blind", "multicenter", "randomized"}


def test_a_rival_trial_of_the_same_phase_is_another_claim():
    claims = _claims(
        "PALOMA, a randomized Phase 3 study, assigned 5,796 patients to palbo or placebo. "
        "A rival drug succeeded in its own Phase III trial, monarchE, which enrolled 5,637 patients."
    )
    assert [(c.enrollment, c.names) for c in claims] == [
        (5796, ("PALOMA",)),
        (5637, ("monarchE",)),
    ]


def test_their_trial_takes_its_site_from_the_sentence_before():
    (claim,) = _claims(
        "At the Hadassah Medical Organization in Jerusalem, a team has been testing stem cells. "
        "Their randomized phase 2 trial enrolled 48 patients."
    )
    assert claim.sites == ("Hadassah Medical Organization",)
    assert claim.countries == ("Israel",) and claim.enrollment == 48


def test_seven_of_twelve_patients_is_a_count_of_twelve():
    doc = extract_text("The therapy freed 7 of 12 patients from insulin in a Phase I/II trial.")
    assert doc.claims[0].enrollment == 12
    assert [(f.value, f.unit) for f in doc.figures] == [(12, "patients")]


def test_stages_of_a_clinic_treatment_are_not_trial_phases():
    claims = _claims(
        "Our treatment program\nPhase I: diagnostics and harvesting of the patient's cells.\n"
        "Phase II: cultivation of the cells in our laboratory.\nPhase III - transplantation. "
        "In phase II of the treatment 80% of patients feel better.\n\n"
        "NurOwn is in Phase 3."
    )
    assert [(c.phases, c.quote) for c in claims] == [(("PHASE3",), "NurOwn is in Phase 3.")]


def test_a_number_of_studies_alone_is_not_a_claim():
    assert _claims("Our clinic has published 30 studies on stem cells.") == ()
    assert _claims("More than 100 clinical trials worldwide have shown that cells are safe.") == ()
    (claim,) = _claims("Two trials are ongoing.")
    assert claim.trial_count == 2 and claim.status == ("running",)


def test_close_to_n_patients_is_the_enrollment_and_keeps_a_smaller_own_study_apart():
    cited, own = _claims(
        "Vireo's cell product was tested in a Phase 2 trial (NCT01234567) in close to 300 "
        "people with MS.\n\nOur clinic ran a survey study of 40 patients treated since 2019."
    )
    assert (cited.nct_ids, cited.enrollment) == (("NCT01234567",), 300)
    assert own.enrollment == 40 and own.nct_ids == ()


def test_an_indefinite_trial_of_the_same_phase_with_another_product_is_another_claim():
    first, second = _claims(
        "My aunt joined a Phase 3 trial of zanolimab for psoriasis.\n\n"
        "Her neighbour takes part in a Phase 3 trial of belratinib run by Orvana Pharma."
    )
    assert first.phases == second.phases == ("PHASE3",)
    assert "zanolimab" in first.names and "zanolimab" not in second.names
    assert "belratinib" in second.names


def test_a_different_study_starts_a_claim():
    first, second = _claims(
        "The Phase 2 trial enrolled 50 patients. A different study, of the same phase, "
        "is recruiting in Chile."
    )
    assert first.enrollment == 50 and second.countries == ("Chile",)


def test_a_new_paragraph_set_in_another_country_does_not_join_the_trial_before():
    first, second = _claims(
        "There is one registered trial, NCT01234567, a phase 2 study in Brazil.\n\n"
        "A clinic in Madrid also advertises cells. They report gains in 90 patients in "
        "their study."
    )
    assert first.nct_ids == ("NCT01234567",) and first.enrollment is None
    assert second.nct_ids == () and second.enrollment == 90


def test_people_who_joined_the_trial_in_the_next_sentence_are_its_enrollment():
    (claim,) = _claims(
        "Lumio ran a Phase 2 trial of its eye drops. Over 1,200 women and men joined it in Asia."
    )
    assert claim.enrollment == 1200


def test_cells_given_to_people_far_after_the_verb_are_the_enrollment():
    (claim,) = _claims(
        "The Phase 1 trial, begun in 2015, gave one or two intravenous infusions of donor "
        "mesenchymal stromal cells at three dose levels to 18 people with lupus."
    )
    assert claim.enrollment == 18


def test_a_paragraph_opening_on_the_participants_belongs_to_the_trial_above():
    (claim,) = _claims(
        "Norvik today reported data from its phase 1 study of NV-12 in ALS.\n\n"
        "Ten patients, in a low-dose group (n=5) and a high-dose group (n=5), received NV-12."
    )
    assert claim.enrollment == 10 and [a.n for a in claim.arms] == [5, 5]


def test_a_paragraph_opening_on_people_without_trial_words_stays_a_figure():
    doc = extract_text(
        "Norvik today reported data from its phase 1 study of NV-12 in ALS.\n\n"
        "Ten patients at our clinic feel better every year."
    )
    assert doc.claims[0].enrollment is None


def test_the_first_trial_mention_takes_its_site_from_the_paragraph_before():
    (claim,) = _claims(
        "Doctors at Lisbon Heart Institute have begun giving cells to babies.\n\n"
        "The phase 1 study plans to treat 8 infants."
    )
    assert claim.sites == ("Lisbon Heart Institute",) and claim.enrollment == 8


def test_a_paragraph_opening_on_the_patients_names_the_product_of_the_trial_above():
    (claim,) = _claims(
        "Solvane said its cells helped 5 of 9 patients in a phase 1 trial.\n\n"
        "The patients received SV-3 cells into the spine in 2022."
    )
    assert "SV-3" in claim.names and claim.enrollment == 9


def test_a_count_listed_right_after_the_phase_is_the_enrollment():
    (claim,) = _claims(
        "I found NCT01234567: donor cells for kids with SMA, phase 1/2, 14 infants, "
        "at Oslo University Hospital."
    )
    assert claim.enrollment == 14
    (claim,) = _claims("Registry entry NCT01234567: cord cells, phase 2, 30 children, in Peru.")
    assert claim.enrollment == 30
