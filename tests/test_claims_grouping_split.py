"""Two trials told one after the other stay two claims: another phase, another size, or an
introduction as "a second / another / also a ..." trial. Every text here is a SAMPLE sentence
written for these tests, not a real document."""

from __future__ import annotations

from trialmatch.claims.extract import extract_text


def _claims(text):
    return extract_text(text).claims


def test_a_second_study_and_its_reference_back_are_another_trial():
    # SAMPLE text written for the tests
    first, second = _claims(
        "Nerovia Bio first tested its cells at Toronto General Hospital in 2016. The first "
        "Phase I/II study enrolled 20 patients.\n\n"
        "Doctors were pleased with the safety data.\n\n"
        "A second study followed in 2019. This Phase IIb randomized trial gave 36 patients "
        "two injections a month apart."
    )
    assert (first.phases, first.enrollment) == (("PHASE1", "PHASE2"), 20)
    assert (second.phases, second.enrollment) == (("PHASE2",), 36)


def test_another_explicit_phase_is_another_trial_but_a_part_of_it_is_not():
    # SAMPLE text written for the tests
    claims = _claims(
        "The Phase 1/2 study of LX-7 enrolled 30 patients. The Phase 2 portion of the study "
        "randomized 20 of them. Later, the Phase 2b study of LX-7 enrolled 90 patients."
    )
    assert [(c.phases, c.enrollment) for c in claims] == [
        (("PHASE1", "PHASE2"), 30),
        (("PHASE2",), 90),
    ]


def test_also_a_phase_with_its_own_size_is_another_trial():
    # SAMPLE text written for the tests: a forum reply, a phase with no trial noun
    claims = _claims(
        "The second one is a Phase II study at a clinic in Ohio that was meant to enroll "
        "about 50 people.\n\n"
        "There is also a Phase II with cord blood cells in a hospital in Lyon, 24 patients, "
        "that a friend took part in."
    )
    assert [(c.phases, c.enrollment) for c in claims] == [(("PHASE2",), 50), (("PHASE2",), 24)]


def test_moving_to_a_larger_study_is_not_the_trial_before_it():
    # SAMPLE text written for the tests
    first, second = _claims(
        "That Phase 2 study gave 40 patients a single infusion. The good results let the "
        "company move to a multicenter study in Germany."
    )
    assert (first.phases, first.enrollment, first.countries) == (("PHASE2",), 40, ())
    assert (second.phases, second.countries) == ((), ("Germany",))


def test_the_same_registry_id_joins_even_when_called_another_look():
    # SAMPLE text written for the tests
    (claim,) = _claims(
        "The Phase 3 trial (NCT01234567) enrolled 200 patients. There is also a trial page, "
        "NCT01234567, listing 12 sites in the US."
    )
    assert claim.nct_ids == ("NCT01234567",) and claim.enrollment == 200


def test_a_follow_up_study_and_the_next_study_are_other_trials():
    # SAMPLE text written for the tests
    claims = _claims(
        "The Phase 1 trial of NX-5 enrolled 15 patients. A follow-up study began in "
        "March 2020. The next study of NX-5 will open in 2024."
    )
    assert [(c.phases, c.enrollment, [d.start for d in c.dates]) for c in claims] == [
        (("PHASE1",), 15, []),
        ((), None, ["2020-03"]),
        ((), None, ["2024"]),
    ]


def test_also_announcing_news_of_the_same_trial_is_not_another_trial():
    # SAMPLE text written for the tests
    (claim,) = _claims(
        "The Phase 3 trial enrolled 200 patients. The company also announced that a Phase 3 "
        "trial readout is due in 2025."
    )
    assert claim.phases == ("PHASE3",) and claim.enrollment == 200


def test_the_same_registry_id_with_another_phase_written_is_the_same_trial():
    # SAMPLE text written for the tests
    (claim,) = _claims(
        "The Phase 2/3 trial (NCT07654321) enrolled 300 patients. Results of the Phase 3 "
        "trial (NCT07654321) are expected in 2026."
    )
    assert claim.nct_ids == ("NCT07654321",) and claim.enrollment == 300
