"""Trial claims and figures in the languages marketing pages mix with English: trial nouns,
phase words, people, "million cells", enrolment verbs and months (``claims/languages.py``).
Every text here is a SAMPLE sentence written for these tests, not a real page."""

from __future__ import annotations

import pytest

from trialmatch.claims.dates import find_dates
from trialmatch.claims.extract import extract_text
from trialmatch.claims.phases import find_phases


def _one(text):
    doc = extract_text(text)
    assert len(doc.claims) == 1, [c.quote for c in doc.claims]
    figures = [(f.value, f.unit) for f in doc.figures]
    return doc.claims[0], figures


def test_italian_trial_with_its_size_in_the_next_sentence():
    # SAMPLE text written for the tests
    claim, figures = _one(
        "A Bari si è conclusa nel giugno 2020 una sperimentazione di fase II con cellule "
        "mesenchimali in pazienti con sclerosi multipla (NCT01234567). Sono stati arruolati "
        "40 pazienti, con due infusioni a distanza di un mese."
    )
    assert claim.phases == ("PHASE2",) and claim.enrollment == 40
    assert claim.nct_ids == ("NCT01234567",) and "completed" in claim.status
    assert [(d.start, d.role) for d in claim.dates] == [("2020-06", "completion")]
    assert (40, "patients") in figures


def test_czech_trial_dose_and_period():
    # SAMPLE text written for the tests
    claim, figures = _one(
        "Brněnská společnost Neurocel dokončila v březnu 2019 klinickou studii fáze I/II, do "
        "které bylo zařazeno 30 pacientů s roztroušenou sklerózou. Studie probíhala od února "
        "2016. Každá dávka obsahovala přibližně 20 milionů buněk."
    )
    assert claim.phases == ("PHASE1", "PHASE2") and claim.enrollment == 30
    assert [(d.start, d.role) for d in claim.dates] == [
        ("2019-03", "completion"),
        ("2016-02", "start"),
    ]
    assert (30, "patients") in figures and (20_000_000, "cells") in figures


@pytest.mark.parametrize(
    ("text", "phases", "enrollment"),
    [
        # SAMPLE sentences written for the tests, one per language
        (
            "El ensayo de fase III incluyó a 120 pacientes con esclerosis múltiple.",
            ("PHASE3",),
            120,
        ),
        ("O estudo de fase 2 tratou 16 doentes com ELA em Lisboa.", ("PHASE2",), 16),
        ("L'essai de phase I a inclus 12 patients atteints de SLA à Paris.", ("PHASE1",), 12),
        ("Die Phase-2-Studie hat 60 Patienten in Berlin eingeschlossen.", ("PHASE2",), 60),
        ("Badanie kliniczne fazy 2 objęło 45 pacjentów z SLA.", ("PHASE2",), 45),
        ("Клінічне дослідження фази I/II включило 20 пацієнтів.", ("PHASE1", "PHASE2"), 20),
        ("В исследование II фазы были включены 30 пациентов.", ("PHASE2",), 30),
        ("Klinická štúdia fázy 2 zahŕňala 24 pacientov, ktorí boli liečení.", ("PHASE2",), 24),
    ],
)
def test_a_trial_sentence_in_each_language(text, phases, enrollment):
    claim, figures = _one(text)
    assert claim.phases == phases
    assert claim.enrollment == enrollment
    assert (enrollment, "patients") in figures


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Cada dosis contenía 10 millones de células madre.", 10_000_000),
        ("Ogni infusione conteneva 24 milioni di cellule.", 24_000_000),
        ("Jede Dosis enthielt 5 Millionen Zellen.", 5_000_000),
        ("Każda dawka zawierała 15 mln komórek.", 15_000_000),
        ("Кожна доза містила 50 мільйонів клітин.", 50_000_000),
        ("Chaque dose contenait 1,5 million de cellules.", 1_500_000),
    ],
)
def test_million_cells_in_each_language(text, value):
    # SAMPLE sentences written for the tests
    figures = [(f.value, f.unit) for f in extract_text(text).figures]
    assert figures == [(value, "cells")]


def test_everyday_words_that_look_like_trial_nouns_are_no_trials():
    # SAMPLE text written for the tests: a design studio, a blood test, an English page
    text = (
        "Our design studio in Milan made the brochure in 2021. "
        "Badanie krwi wykonano w 2019 roku. "
        "The studio opened in March 2018 with 12 people."
    )
    assert extract_text(text).claims == ()


def test_month_names_and_slavic_phase_order():
    # SAMPLE phrases written for the tests
    got = [
        (d.start, d.end) for d in find_dates("od ledna 2012 do srpna 2017; 21 de agosto de 2015")
    ]
    assert got == [("2012-01", "2017-08"), ("2015-08-21", "2015-08-21")]
    assert [d.start for d in find_dates("am 3. März 2020, у березні 2019, maggio 2018")] == [
        "2020-03-03",
        "2019-03",
        "2018-05",
    ]
    assert [p.phases for p in find_phases("исследование II фазы, studie 2. fáze")] == [
        ("PHASE2",),
        ("PHASE2",),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "U 40 procent pacientů se zlepšil stav.",
        "Il 40 per cento dei pazienti è migliorato.",
        "El 40 por ciento de los pacientes mejoró.",
        "Bei 40 Prozent der Patienten besserte sich der Zustand.",
        "У 40 відсотків пацієнтів стан покращився.",
    ],
)
def test_per_cent_in_words_is_a_percentage_not_a_count(text):
    # SAMPLE sentences written for the tests
    assert [(f.value, f.unit) for f in extract_text(text).figures] == [(40, "percent")]


@pytest.mark.parametrize(
    ("text", "enrollment"),
    [
        # SAMPLE sentences written for the tests: "with the participation of N patients"
        ("Firma Neurocel zakończyła badanie fazy I/II z udziałem 18 pacjentów z SLA.", 18),
        ("Společnost dokončila klinickou studii fáze II za účasti 30 pacientů.", 30),
        ("Компанія завершила дослідження фази II за участю 20 пацієнтів.", 20),
        ("Компания завершила исследование II фазы с участием 32 пациентов.", 32),
        ("El ensayo de fase II se hizo con la participación de 44 pacientes.", 44),
    ],
)
def test_with_the_participation_of_n_patients_is_the_enrollment(text, enrollment):
    claim, figures = _one(text)
    assert claim.enrollment == enrollment
    assert figures == [(enrollment, "patients")]


@pytest.mark.parametrize(
    "text",
    [
        # SAMPLE sentences written for the tests: people in the dative ("given to 40 patients")
        "W badaniu fazy 2 komórki podano 40 pacjentom z SLA.",
        "Ve studii fáze 2 byly buňky podány 40 pacientům.",
        "У дослідженні фази 2 клітини ввели 40 пацієнтам.",
        "В исследовании 2 фазы клетки ввели 40 пациентам.",
    ],
)
def test_people_in_the_dative_are_counted(text):
    assert [(f.value, f.unit) for f in extract_text(text).figures] == [(40, "patients")]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        # SAMPLE texts written for the tests: a trial, then how long its patients were followed
        ("Badanie fazy 2 objęło 20 pacjentów z SLA. Obserwacja trwała 12 miesięcy.", 12, "months"),
        (
            "El ensayo de fase II incluyó a 30 pacientes, con un seguimiento de 6 meses.",
            6,
            "months",
        ),
        ("Studie fáze 2 zahrnula 24 pacientů; sledování trvalo 2 roky.", 2, "years"),
    ],
)
def test_follow_up_in_other_languages_is_a_figure(text, value, unit):
    assert (value, unit) in [(f.value, f.unit) for f in extract_text(text).figures]


@pytest.mark.parametrize(
    "text",
    [
        # SAMPLE sentences written for the tests: more of the verbs that put people in a trial
        "Lo studio di fase II ha coinvolto 30 pazienti.",
        "En el ensayo de fase II participaron 30 pacientes.",
        "El ensayo de fase II reclutó a 30 pacientes.",
        "O estudo de fase II envolveu 30 pacientes.",
        "L'essai de phase II a porté sur 30 patients.",
        "An der Phase-2-Studie nahmen 30 Patienten teil.",
        "Die Phase-2-Studie umfasste 30 Patienten.",
        "Studie fáze II se zúčastnilo 30 pacientů.",
        "Studie fáze II zahrnovala 30 pacientů.",
        "Badanie fazy II obejmowało 30 pacjentów.",
    ],
)
def test_more_enrolment_verbs_in_each_language(text):
    claim, _figures = _one(text)
    assert claim.enrollment == 30


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        # SAMPLE sentences written for the tests: disease names of each language
        (
            "El ensayo de fase II incluyó a 30 pacientes con esclerosis lateral amiotrófica.",
            "amyotrophic lateral sclerosis",
        ),
        (
            "Lo studio di fase II ha coinvolto 30 pazienti con sclerosi multipla.",
            "multiple sclerosis",
        ),
        (
            "O estudo de fase II envolveu 30 crianças com atrofia muscular espinal.",
            "spinal muscular atrophy",
        ),
        (
            "L'essai de phase II a inclus 30 patients atteints de sclérose latérale amyotrophique.",
            "amyotrophic lateral sclerosis",
        ),
        (
            "Die Phase-2-Studie umfasste 30 Patienten mit amyotropher Lateralsklerose.",
            "amyotrophic lateral sclerosis",
        ),
        (
            "Studie fáze II zahrnovala 30 pacientů s roztroušenou sklerózou.",
            "multiple sclerosis",
        ),
        (
            "Badanie fazy II objęło 30 pacjentów ze stwardnieniem zanikowym bocznym.",
            "amyotrophic lateral sclerosis",
        ),
        (
            "Дослідження фази II включило 30 пацієнтів з бічним аміотрофічним склерозом.",
            "amyotrophic lateral sclerosis",
        ),
        (
            "Исследование II фазы включило 30 пациентов с рассеянным склерозом.",
            "multiple sclerosis",
        ),
        ("El ensayo de fase II incluyó a 20 pacientes con lesión medular.", "spinal cord injury"),
        ("Lo studio di fase II ha coinvolto 30 pazienti con SLA.", "ALS"),
    ],
)
def test_disease_names_of_each_language(text, condition):
    claim, _figures = _one(text)
    assert condition in claim.conditions


def test_an_english_page_reads_no_foreign_disease_acronym():
    # SAMPLE text written for the tests: "SLA" is a service-level agreement here
    claim, _figures = _one("Our SLA with the sponsor of the phase 2 trial covers 30 patients.")
    assert "ALS" not in claim.conditions


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # SAMPLE sentences written for the tests: "people" counted as patients only when treated
        ("W naszej klinice leczyliśmy już 300 osób z SLA.", [(300, "patients")]),
        ("W Polsce na SLA choruje około 3000 osób.", []),
        ("En nuestra clínica hemos tratado a 250 personas con ELA.", [(250, "patients")]),
        ("Se trata de una enfermedad que afecta a 4000 personas en España.", []),
        ("In unserer Klinik wurden 120 Menschen mit MS behandelt.", [(120, "patients")]),
        ("У нашій клініці пролікували 90 людей з БАС.", [(90, "patients")]),
        ("В Україні 2000 людей живуть з БАС.", []),
    ],
)
def test_people_of_each_language_are_patients_only_when_treated(text, figures):
    assert [(f.value, f.unit) for f in extract_text(text).figures] == figures


@pytest.mark.parametrize(
    "text",
    [
        # SAMPLE sentences written for the tests: a trial opened or launched on a date
        "El ensayo de fase II se abrió en marzo de 2019 con 30 pacientes.",
        "L'essai de phase II a été lancé en mars 2020.",
        "Die Phase-2-Studie wurde im März 2020 eröffnet.",
        "Badanie fazy II otwarto w marcu 2019.",
        "Дослідження фази II стартувало у березні 2019.",
        "Исследование II фазы было запущено в марте 2019.",
        "Studie fáze II byla spuštěna v březnu 2019.",
    ],
)
def test_opened_and_launched_in_each_language_mark_the_start(text):
    claim, _figures = _one(text)
    assert [d.role for d in claim.dates] == ["start"]
