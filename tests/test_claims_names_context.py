"""Product and sponsor names found from context (names.py), on SAMPLE sentences written for
these tests (not real documents; the names in them are invented)."""

from __future__ import annotations

import pytest

from trialmatch.claims.extract import extract_text
from trialmatch.claims.names import find_products, find_sponsors


def _products(text: str, strength: int = 1) -> list[str]:
    return [p.value for p in find_products(text) if p.strength >= strength]


def _sponsors(text: str) -> list[str]:
    return [s.value for s in find_sponsors(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The Phase III study of Ossiva began last year.",
        "The Phase IIb trial enrolled 40 people.",
        "The Phase I/II study is open.",
        "Its Phase IV programme continues.",
        "The PHASE III TRIAL met its goal.",
    ],
)
def test_a_phase_or_roman_numeral_is_never_a_name(text):
    names = {p.value for p in find_products(text)}
    assert not names & {"III", "IIb", "I", "II", "IV", "Phase", "PHASE", "TRIAL"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The Phase III study of Ossiva-T began dosing in May.", "Ossiva-T"),
        ("The Phase 2/3 trial of MyoBridge is enrolling 150 patients.", "MyoBridge"),
        ("A randomized trial of Cartivex in knee arthritis is open.", "Cartivex"),
        ("The study of TQ-M7 enrolled 30 adults.", "TQ-M7"),
        ("A trial testing whether adding lorvaciclib to letrozole helps has begun.", "lorvaciclib"),
        ("The study of Zentrafil, given weekly, is under way.", "Zentrafil"),
    ],
)
def test_the_product_after_trial_of_is_a_name(text, name):
    assert name in _products(text)


@pytest.mark.parametrize(
    "text",
    [
        "A study of Japanese patients is planned.",
        "A study of SOD1 carriers is planned.",
        "A trial of Hadassah nurses began.",
        "The Phase 3 study of ALS patients in Boston began.",
        "A trial of a newer CDK4/6 inhibitor is open.",
    ],
)
def test_people_places_and_markers_after_trial_of_are_not_names(text):
    assert _products(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("QVX-AB had a randomized, double-blind Phase 2 in Parkinson's disease.", "QVX-AB"),
        ("Velmora runs an open-label Phase 2 of its VM-NK4 cells in 24 people.", "VM-NK4"),
        ("Dosing of RT-208 began in a Phase 1 trial.", "RT-208"),
    ],
)
def test_development_codes_beside_trial_words_are_names(text, name):
    assert name in _products(text)


def test_a_letter_code_is_a_name_only_as_the_subject_of_a_trial_sentence():
    assert "QVX-AB" in _products("QVX-AB entered a Phase 3 trial in 2021.")
    assert "QVX-AB" not in _products("QVX-AB levels rose in the lab.")
    assert _products("PD-L1 was measured in the Phase 2 trial.") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Patients got sorvatinib or placebo in the trial.", "sorvatinib"),
        ("A second arm tested relpacept in the study.", "relpacept"),
        ("The trial compared tenfovir with standard care.", "tenfovir"),
        ("Arm B received doralistat daily in the trial.", "doralistat"),
        ("The Phase 1 study of orvastemcel enrolled 9 children.", "orvastemcel"),
        ("Its own Phase III trial of a newer inhibitor, quentracib, is running.", "quentracib"),
        ("The trial of anvakinra in gout is over.", "anvakinra"),
        ("Kelvumab is in a Phase 2 trial.", "kelvumab"),
    ],
)
def test_international_nonproprietary_name_stems_mark_drug_names(text, name):
    assert name in _products(text)


def test_english_words_and_names_that_end_like_a_stem_are_not_drugs():
    text = (
        "The trial tested the concept that a thermostat could cancel the parcel, except when "
        "Dr Gharib and Marcel disagreed with the study."
    )
    assert _products(text) == []


@pytest.mark.parametrize(
    ("text", "sponsor"),
    [
        ("Meanwhile Tarvena Pharma is running its own Phase 3 trial.", "Tarvena Pharma"),
        ("However, Ostrion Therapeutics said the trial was on track.", "Ostrion Therapeutics"),
        ("Separately Lumeris Biosciences began a Phase 1 study.", "Lumeris Biosciences"),
        ("Yesterday Kavrel Bio dosed its first patient.", "Kavrel Bio"),
        ("Additionally Solvane Pharmaceuticals filed the trial.", "Solvane Pharmaceuticals"),
        ("Also Brevant Therapeutics joined the study.", "Brevant Therapeutics"),
    ],
)
def test_a_leading_discourse_word_is_not_part_of_a_company_name(text, sponsor):
    assert _sponsors(text) == [sponsor]


@pytest.mark.parametrize(
    ("text", "sponsor"),
    [
        ("TX-44, a retinal gene therapy from Ocuvant, is in a Phase 2 trial.", "Ocuvant"),
        ("Myolith, an implant made by Ferrant, is in a pivotal study.", "Ferrant"),
        ("Ocuvant's TX-44, a retinal gene therapy, is in a Phase 2 trial.", "Ocuvant"),
        ("The trial is run by Aldora with support from Quensel.", "Quensel"),
        ("The study is carried out in partnership with Quorvant.", "Quorvant"),
        (
            "The trial is supported by a grant from the Nordic Institute for Cell Medicine.",
            "Nordic Institute for Cell Medicine",
        ),
    ],
)
def test_the_company_behind_a_product_in_apposition_is_a_sponsor(text, sponsor):
    assert sponsor in _sponsors(text)


@pytest.mark.parametrize(
    "text",
    [
        "Stem cells from ALS patients were grown.",
        "Cells from Korea were used in the trial.",
        "Parkinson's PD-L1 levels were measured.",
        "Kelvar's NeuroPath unit was sold last year.",
    ],
)
def test_places_diseases_markers_and_coined_words_are_not_taken_as_sponsors(text):
    # a coined word after a possessive may be a company ("Kelvar's NeuroPath unit"): only a
    # product (a verb, an apposition or a treatment noun after it) makes the possessor its owner
    assert not set(_sponsors(text)) & {"ALS", "Korea", "Parkinson", "Kelvar"}
    assert "NeuroPath" not in _products(text)


@pytest.mark.parametrize(
    ("text", "sponsor", "product"),
    [
        ("Kelvar's NeuroPath, a cell therapy like ours, was tested.", "Kelvar", "NeuroPath"),
        ("Ostavia's MyoGraft failed its Phase 2 trial in 60 adults.", "Ostavia", "MyoGraft"),
        ("Dermolen's Cutiva-X went into a Phase 3 in psoriasis.", "Dermolen", "Cutiva-X"),
        ("Trelvion's NEUvax entered a pivotal study in 2020.", "Trelvion", "NEUvax"),
    ],
)
def test_a_possessive_company_and_its_product_give_sponsor_and_name(text, sponsor, product):
    assert sponsor in _sponsors(text)
    assert product in _products(text)


@pytest.mark.parametrize(
    ("text", "sponsor"),
    [
        (
            "Ventrova (VNTR, $3.10, +12%) reported a phase IIb trial of its antibody VT-44.",
            "Ventrova",
        ),
        ("- Orlava Bio said its Phase 2 trial is fully enrolled.", "Orlava Bio"),
    ],
)
def test_the_subject_of_a_sentence_about_its_trial_is_a_sponsor(text, sponsor):
    assert sponsor in _sponsors(text)


@pytest.mark.parametrize(
    "text",
    [
        "Dr Hanna Weiss reported that its trial failed.",
        "Researchers said its Phase 2 trial was safe.",
        "The European Medicines Agency said its review of the trial is done.",
        "Dr Berg's NeuroPath showed benefit in the trial.",
        "Physicians reported its benefit in the study.",
        "Boston reported its first case.",
        "ALS patients started its therapy.",
    ],
)
def test_titles_places_and_diseases_are_not_subjects_of_a_company_sentence(text):
    assert _sponsors(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "It rests on an earlier Phase I/II study of the cells, then coded KX-PL, in 40 people.",
            "KX-PL",
        ),
        ("The trial tested the implant, code-named ORV-2, in 30 knees.", "ORV-2"),
        ("A Phase 2 study of the drug, then known as Lumitra, enrolled 50 adults.", "Lumitra"),
        ("Dosing is complete in NEURomax, its Phase III trial of vorastemcel.", "NEURomax"),
    ],
)
def test_names_given_after_a_trial_noun_or_its_product(text, name):
    assert name in _products(text, strength=1)


def test_every_organisation_in_a_list_of_partners_is_a_sponsor():
    text = (
        "ORBIT-7 is a Phase III trial led by the Northern Oncology Trials Network with GBOG, "
        "the Keller Foundation, NorCOG and the Pacific Breast Group."
    )
    from trialmatch.claims.names import find_sites

    found = set(_sponsors(text)) | {s.value for s in find_sites(text)}
    assert {"GBOG", "Keller Foundation", "NorCOG", "Pacific Breast Group"} <= found


def test_a_list_stops_at_what_is_not_an_organisation():
    text = "The study is run by Quorvant with Phase 2 sites and 40 patients."
    assert _sponsors(text) == ["Quorvant"]


@pytest.mark.parametrize(
    "text",
    [
        "The approval by the European Medicines Agency came in 2020.",
        "About Tarvena Pharma",
    ],
)
def test_regulators_and_about_headings_are_not_companies_of_their_own(text):
    assert _sponsors(text) in ([], ["Tarvena Pharma"])


def test_a_product_named_through_its_cells_and_its_brand_name():
    text = "The company called its cells NTX-M, and later gave them the brand name CellVira."
    assert {"NTX-M", "CellVira"} <= set(_products(text, strength=2))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Dosing with Myelora® began in the trial.", "Myelora"),
        ("Our product Myelora is in a Phase 2 trial.", "Myelora"),
        ("Myelora (MY-301) is in a Phase 2 trial.", "MY-301"),
        ("The MYELO-2 trial enrolled 80 patients.", "MYELO-2"),
        ("The Ossiva-T trial enrolled 80 patients.", "Ossiva-T"),
    ],
)
def test_presentations_that_worked_before_still_work(text, name):
    assert name in _products(text)


def test_the_name_reaches_the_claim():
    doc = extract_text(
        "SAMPLE written for the tests.\n\nThe Phase III study of Ossiva-T began dosing in March "
        "2022 and has enrolled 90 patients. Meanwhile Tarvena Pharma is running a separate trial."
    )
    names = [n for c in doc.claims for n in c.names]
    assert "Ossiva-T" in names
    assert "III" not in names


@pytest.mark.parametrize(
    ("text", "site"),
    [
        (
            "A Ferrara, presso l'Azienda Ospedaliera San Luca, è iniziato lo studio.",
            "Azienda Ospedaliera San Luca",
        ),
        ("Die Studie läuft im Universitätsklinikum Freiburg.", "Universitätsklinikum Freiburg"),
        (
            "L'essai a lieu au Centre Hospitalier Universitaire de Nantes.",
            "Centre Hospitalier Universitaire de Nantes",
        ),
    ],
)
def test_institution_words_of_other_languages_make_site_names(text, site):
    from trialmatch.claims.names import find_sites

    assert site in [s.value for s in find_sites(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Patients continued the treatment from Day 1 to Week 12.",
        "The clinic grows stem cells from Umbilical Cord blood.",
        "Its therapy uses cells from Bone Marrow.",
    ],
)
def test_time_points_and_cell_sources_after_from_are_not_sponsors(text):
    assert _sponsors(text) == []


def test_an_inn_found_by_several_rules_is_kept_in_lower_case_only():
    found = _products(
        "Argenta is testing a new antibody, lerdamab, in a trial of Lerdamab in gout."
    )
    assert found == ["lerdamab", "lerdamab"]


@pytest.mark.parametrize(
    ("text", "sponsor"),
    [
        ("The Boston biotech company Travion said its Phase 2 trial is full.", "Travion"),
        ("Brněnská společnost Medivon zahájila klinickou studii.", "Medivon"),
        ("Die Firma Kardexa GmbH startet eine Studie.", "Kardexa"),
        ("Shares of the drugmaker Selvoria's rival fell after the trial.", "Selvoria"),
    ],
)
def test_a_company_noun_before_a_name_makes_it_a_sponsor(text, sponsor):
    assert sponsor in _sponsors(text)


@pytest.mark.parametrize(
    "text",
    [
        "The company CEO Dana Whitfield said.",
        "The company Phase 3 trial began.",
        "the company. The",
    ],
)
def test_titles_and_phases_after_company_are_not_sponsors(text):
    assert _sponsors(text) == []


@pytest.mark.parametrize(
    ("text", "site"),
    [
        (
            "The first Phase I/II study ran at Orvieto General in Lisbon from 2011 to 2013.",
            "Orvieto General",
        ),
        ("Twelve patients were treated at Kallaby in Stockholm in a Phase 1 trial.", "Kallaby"),
        (
            "La Clínica Santa Elena en Lima probó las células en un ensayo de fase I.",
            "Clínica Santa Elena",
        ),
        ("Szpital Miejski w Gdańsku prowadzi badanie kliniczne fazy II.", "Szpital Miejski"),
        ("Das Studienzentrum der Klinik Bergheim startet eine Studie.", "Klinik Bergheim"),
    ],
)
def test_institutions_named_where_a_trial_ran_or_with_a_site_word_of_another_language(text, site):
    from trialmatch.claims.names import find_sites

    assert site in [s.value for s in find_sites(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Results were presented at Week 12 in the trial.",
        "The study ran at Boston in 2019.",
        "The Phase 2 team reported results.",
        "Phase 2 data were presented at ASCO in Chicago.",
    ],
)
def test_time_points_places_and_phases_are_not_institutions(text):
    from trialmatch.claims.names import find_sites

    assert find_sites(text) == []


def test_the_institution_whose_team_reported_a_trial_is_its_sponsor():
    assert _sponsors("In March the Kallaby team reported a phase II trial in 20 patients.") == [
        "Kallaby"
    ]
    assert _sponsors("The Phase 2 team reported results.") == []


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("Un ensayo de fase I con 30 pacientes con ELA terminó en 2019.", "ALS"),
        ("Lo studio di fase II in 40 pazienti con SLA è iniziato.", "ALS"),
        ("Un ensayo en 12 niños con AME tipo 1 está en curso.", "SMA"),
    ],
)
def test_disease_acronyms_of_other_languages_are_read_as_the_english_ones(text, condition):
    from trialmatch.claims.names import find_conditions

    assert condition in [c.value for c in find_conditions(text)]


def test_a_sentence_on_how_participants_were_randomly_assigned_adds_its_drug():
    doc = extract_text(
        "SAMPLE written for the tests.\n\nThe ORBIT-7 study, a Phase III trial led by the "
        "Northern Oncology Trials Network, enrolled 3,100 women between 2016 and 2019. Half "
        "were randomly assigned to two years of lorvaciclib plus hormone therapy and half to "
        "hormone therapy alone."
    )
    (claim,) = doc.claims
    assert "lorvaciclib" in claim.names and "ORBIT-7" in claim.names


@pytest.mark.parametrize(
    ("text", "sites"),
    [
        (
            "The Lindholm Clinic, Varden Clinic and Ostmark Institute ran the trial.",
            ["Lindholm Clinic", "Varden Clinic", "Ostmark Institute"],
        ),
        ("It ran at Brigham and Women's Hospital in Boston.", ["Brigham and Women's Hospital"]),
        ("The trial was run by Kallby Institutet in Sweden.", ["Kallby Institutet"]),
        ("Dosing began at Varden Universitet.", ["Varden Universitet"]),
        (
            "Patients were treated at Ostmark Medical School and Lindholm Clinic.",
            ["Ostmark Medical School", "Lindholm Clinic"],
        ),
    ],
)
def test_a_list_of_sites_is_split_after_an_institution_word_only(text, sites):
    from trialmatch.claims.names import find_sites

    assert [s.value for s in find_sites(text)] == sites


@pytest.mark.parametrize(
    ("text", "partner"),
    [
        ("The trial is led by Nordvik Trials and the Danish NBCG group with 30 sites.", "NBCG"),
        (
            (
                "The study, run by Nordvik Trials with the Danish Breast & Lung Cancer Study "
                "Group, randomized 900 women."
            ),
            "Danish Breast & Lung Cancer Study Group",
        ),
    ],
)
def test_partners_in_a_list_keep_their_whole_name_and_lose_a_leading_nationality(text, partner):
    assert partner in _sponsors(text)


def test_a_title_after_a_clinic_is_not_part_of_its_name():
    from trialmatch.claims.names import find_sites

    assert find_sites("Stem cell transplants for MS - Clinic Dr. Vandel, Bad Kessing") == []


def test_a_month_or_a_common_word_is_never_a_name_by_itself():
    from trialmatch.claims.names import could_be_name

    assert not could_be_name("August")
    assert not could_be_name("Placebo")
    assert not could_be_name("Korea")
    assert could_be_name("Ossiva")


def test_a_plural_acronym_before_a_trial_noun_is_not_a_trial_name():
    found = find_products("NSCs, the cells used in the study, came from donors.")
    assert not [p for p in found if p.kind == "trialname"]
