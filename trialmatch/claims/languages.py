"""Trial vocabulary of the languages marketing pages mix with English (issue #3).

A small fixed vocabulary per language: the words for a trial, a phase, the people in a trial,
"million cells", the verbs that enrol or treat them, the months, months and years as lengths of
follow-up, and the names of the diseases trials are most often marketed for (read as the
English names the registry uses). It is the language, not a
list of products: Spanish, Italian, Portuguese, French, German, Czech/Slovak, Polish and
Ukrainian/Russian. The detectors (``phases``, ``numbers``, ``enrollment``, ``dates``,
``grouping``) splice these fragments into their English patterns, and ``extract`` adds the
words to its one trigger-word pass, so a sentence in any of these languages is looked at
exactly as an English one is.

Inflected languages (Czech, Polish, Ukrainian, Russian) list the case forms a count or a
trial noun takes in practice ("26 pacientů", "klinickou studii", "фази II").
"""

from __future__ import annotations

import re


def _words(s: str) -> list[str]:
    return s.split()


#: trial nouns (lower case). Italian "studio" and Polish "badanie" / Ukrainian "дослідження"
#: are also everyday words ("a design studio", "a blood test"); ``grouping.TRIAL_NOUN`` takes
#: them only in a clinical phrase.
TRIAL_NOUNS = _words(
    """
    ensayo ensayos estudio estudios
    sperimentazione sperimentazioni studio
    ensaio ensaios estudo estudos
    essai essais étude études
    studie studien
    studii studií studiu studiích hodnocení
    štúdia štúdie štúdiu štúdii
    badanie badania badaniu badań
    випробування випробуванні дослідження досліджені
    исследование исследования исследовании испытание испытания испытании
    """
)
#: plural trial nouns: a bare plural is generic ("clinical studies show"), as in English
PLURAL_NOUNS = frozenset(
    _words(
        """ensayos estudios sperimentazioni ensaios estudos essais études studien studií
        studiích badań исследования испытания"""
    )
)
#: the word "phase" (regex alternation, case as written)
PHASE_WORDS = r"[Ff](?:ase|[áa]z[eyai]|azie)|FASE|F[ÁA]Z[EYAI]|[Фф]аз[аиіые]|ФАЗ[АИІЫЕ]|[Pp]hasen"
#: people in a trial (lower case)
PERSON_NOUNS = _words(
    """
    pacientes participantes niños niñas
    pazienti paziente partecipanti bambini
    doentes crianças
    enfants malades
    patienten patientinnen teilnehmer teilnehmerinnen probanden kinder
    pacienti pacientů pacientech pacientov pacientoch nemocných účastníků účastníkov dětí detí
    pacientům pacientom
    pacjentów pacjenci pacjentach chorych uczestników dzieci pacjentom chorym uczestnikom
    пацієнтів пацієнти хворих учасників дітей пацієнтам хворим
    пациентов пациенты больных участников детей пациентам больным
    """
)
#: "people" (lower case): counts of them are participants only beside treatment or trial words
#: ("leczyliśmy 300 osób"), not population statistics ("w Polsce choruje 3000 osób")
POPULATION_NOUNS = _words(
    """personas persone pessoas personnes personen menschen osób osob osoby lidí lidi ľudí
    людей осіб человек"""
)
PERSON_NOUNS += POPULATION_NOUNS
#: treatment and trial words beside such a count (stems, regex alternation, lower case)
TREATED_STEMS = (
    r"leczy|léči|lečí|liečil|tratamos|tratamient|tratament|trattiam|trattament|traitons|"
    r"traitement|behandel|лікув|пролік|лечи|пролеч|ensayo|estudi|studi|essai|"
    r"étude|badani|"
    r"исследован|дослідж|fase|fáz|faz|фаз"
)
#: "per cent" (regex alternation) and its trigger words (lower case)
PERCENT_WORDS = (
    r"procent\w*|prozent|por\s?ciento|per\s?cento|pour\s?cent|por\s?cento|відсотк\w*|процент\w*"
)
PERCENT_TRIGGERS = _words(
    "procent procenta procentů prozent ciento cento відсотків відсотки процентов"
)
#: "cells" (lower case) and "million" (regex alternation, lower case)
CELL_WORDS = _words("células cellule cellules zellen buněk buniek komórek клітин клеток")
MILLION = (
    r"millones|millón|milioni|milione|milhões|milhão|millions|million|millionen|mio\.?|"
    r"milionů|milionu|miliony|milion|miliónov|milióny|milionów|mln\.?|"
    r"мільйонів|мільйона|мільйони|мільйон|млн\.?|миллионов|миллиона|миллион"
)
#: verbs that enrol or treat the count after them ("Sono stati trattati 18 pazienti", "bylo
#: zařazeno 26 pacientů") or before them ("30 Patienten wurden eingeschlossen") -- stems
ENROL_STEMS = (
    r"trattat|arruolat|inclus|reclutat|tratad|incluid|inclu[íiy]|reclutad|inscrit|recrutad|"
    r"tratou|traité|recruté|behandelt|eingeschlossen|aufgenommen|rekrutiert|zařazen|zahrnut|"
    r"léčen|liečen|zaraden|leczon|włączon|objęt|objęł|objął|zrekrutowan|включен|включил|залучен|"
    r"пролікован|лечен|пролечен|"
    # "with the participation of": "z udziałem 26 pacjentów", "za účasti 30 pacientů",
    # "за участю 20 пацієнтів", "с участием 30 пациентов"
    r"udział|účast|zúčastn|участ|"
    # "ha coinvolto", "participaron", "reclutó", "envolveu", "nahmen ... teil", "umfasste",
    # "zahrnovala", "obejmowało"
    r"coinvol|particip|partecip|reclut|envolv|nahmen|umfass|zahrn|obejm"
)
#: prepositions that put a count of people in a trial ("su 30 pazienti", "bei 30 Patienten")
ENROL_PREPOSITIONS = r"su|con|bei|mit|chez|avec|em|com|u|у|w|в|en|de|di|dei|degli|sur"
#: months and years in the languages above (lower case) -> the English unit: "12 miesięcy",
#: "6 meses", "9 anni", "5 let". Some are short everyday words elsewhere ("let", "ans"): they
#: are read only in documents that use the other vocabularies here
DURATION_UNITS: dict[str, str] = {}
for _w in _words(
    """meses mes mesi mese mois monate monaten monat měsíců měsíce měsíc měsících mesiacov
    mesiace mesiac miesięcy miesiące miesiąc miesiącach місяців місяці місяць місяців
    месяцев месяца месяц месяцах"""
):
    DURATION_UNITS[_w] = "months"
for _w in _words(
    """años año anni anno anos ano ans jahre jahren jahr let roků roky rok rokov lat lata latach
    років роки рік роках лет года год годах"""
):
    DURATION_UNITS[_w] = "years"
#: words that put a length of time forward as a follow-up ("Obserwacja trwała 12 miesięcy",
#: "seguimiento de 6 meses", "sledování 12 měsíců") -- stems
FOLLOW_UP_STEMS = (
    r"obserwac|sledován|sledovan|seguimiento|seguimento|osservazion|suivi|nachbeobacht|"
    r"beobacht|спостереж|наблюден|follow"
)
#: "si è conclusa", "dokončila": completion in the languages above (plain stems)
COMPLETED_STEMS = tuple(
    _words(
        """conclus conclui concluí completad terminad achevé abgeschlossen beendet dokonč ukonč
        zakończ завершен заверше закінчен"""
    )
)
#: "since", "started", "opened", "launched" in the languages above (the start cue of a date);
#: not the adjectives "abierto", "aperto", "ouvert", "otwarte", "відкрите", which also mean
#: "open-label"
START_WORDS = tuple(
    _words(
        """od desde dal seit depuis zahájen začal začala započal rozpoczę iniziat avviat comenz
        inici débuté commencé begonnen gestartet розпочат начат abrió lancé lanzad lanzó
        lançad lançou eröffnet spuštěn spustil otwarto uruchomi відкрито стартува запущен
        стартова почал почав"""
    )
)
#: the "new / another / second" words of the languages above
NEW_WORDS = _words(
    """nuevo nueva otro otra segundo segunda nuovo nuova altro altra secondo seconda novo nova
    outro outra nouveau nouvel nouvelle autre second seconde neue neuen neues weitere zweite
    nová nové nový novou další druhá druhou nowe nowa nowy kolejne drugie новий нове інше
    друге новое другое второе"""
)
#: articles and demonstratives before a trial noun
DEFINITE = _words(
    """la il lo le el l’ questa questo quella quello esta este esa ese essa esse cette ce cet
    der die das diese dieser dieses tato tuto této tento ta ten táto túto tej tę to ta ця цей
    це это этот эта"""
)
INDEFINITE = _words("una un uno une ein eine einer einem einen um uma")

#: months (lower case) -> number, with the case forms dates take ("v srpnu 2017", "od ledna
#: 2012", "marzo de 2019", "im März 2020", "w październiku 2018", "у березні 2019")
MONTHS: dict[str, int] = {}
_MONTH_LINES = """
enero gennaio janeiro janvier januar jänner leden ledna lednu január januára styczeń stycznia styczniu січень січня січні январь января январе
febrero febbraio fevereiro février februar únor února únoru február februára luty lutego lutym лютий лютого лютому февраль февраля феврале
marzo março mars märz březen března březnu marec marca marcu marzec березень березня березні март марта марте
abril aprile avril duben dubna dubnu apríl apríla kwiecień kwietnia kwietniu квітень квітня квітні апрель апреля апреле
mayo maggio maio mai květen května květnu máj mája maj maja maju травень травня травні мая мае
junio giugno junho juin juni červen června červnu jún júna czerwiec czerwca czerwcu червень червня червні июнь июня июне
julio luglio julho juillet juli červenec července červenci júl júla lipiec lipca lipcu липень липня липні июль июля июле
agosto août srpen srpna srpnu august augusta sierpień sierpnia sierpniu серпень серпня серпні августа августе
septiembre setiembre settembre setembro septembre září september septembra wrzesień września wrześniu вересень вересня вересні сентябрь сентября сентябре
octubre ottobre outubro octobre oktober říjen října říjnu október októbra październik października październiku жовтень жовтня жовтні октябрь октября октябре
noviembre novembre novembro listopad listopadu november novembra listopada listopadzie листопад листопада листопаді ноябрь ноября ноябре
diciembre dicembre dezembro décembre dezember prosinec prosince prosinci december decembra grudzień grudnia grudniu грудень грудня грудні декабрь декабря декабре
"""  # one line per month
for _n, _line in enumerate(_MONTH_LINES.strip().splitlines(), start=1):
    for _f in _line.split():
        MONTHS.setdefault(_f, _n)
#: words between a month and its year ("marzo de 2019", "maggio del 2019")
MONTH_YEAR_LINK = r"de|del|di|do|da"


def trie_regex(words) -> str:
    """A regex alternation of ``words`` shaped as a trie ("ma(?:ggio|rzo|i)" ...): the regex
    engine then tries one branch per first letter instead of every word at every position."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not end else "(?:" + "|".join(branches) + ")"
        return body + "?" if end else body

    return "(?:" + build(trie) + ")"


#: disease names of the languages above -> the English name the registry uses (regex, case
#: ignored). Inflected languages list the stems ("stwardnieniem zanikowym bocznym").
CONDITION_NAMES: tuple[tuple[str, str], ...] = (
    (
        "amyotrophic lateral sclerosis",
        (
            r"esclerosis\s+lateral\s+amiotr[oó]fica|sclerosi\s+laterale\s+amiotrofica|"
            r"esclerose\s+lateral\s+amiotr[oó]fica|scl[eé]rose\s+lat[eé]rale\s+amyotrophique|"
            r"amyotroph\w*\s+lateralsklerose|amyotrofick\w+\s+laterál\w+\s+skleróz\w*|"
            r"stwardnieni\w+\s+zanikow\w+\s+boczn\w+|бічн\w+\s+аміотрофічн\w+\s+склероз\w*|"
            r"боков\w+\s+амиотрофическ\w+\s+склероз\w*"
        ),
    ),
    (
        "multiple sclerosis",
        (
            r"esclerosis\s+m[uú]ltiple|sclerosi\s+multipla|esclerose\s+m[uú]ltipla|"
            r"scl[eé]rose\s+en\s+plaques|multiple\w*\s+sklerose|roztroušen\w+\s+skleróz\w*|"
            r"skleróz\w*\s+multiplex|stwardnieni\w+\s+rozsian\w+|розсіян\w+\s+склероз\w*|"
            r"рассеянн\w+\s+склероз\w*"
        ),
    ),
    (
        "spinal muscular atrophy",
        (
            r"atrofia\s+muscular\s+espinal|atrofia\s+muscolare\s+spinale|amyotrophie\s+spinale|"
            r"spinale\w*\s+muskelatrophie|spinální\w*\s+svalov\w+\s+atrofi\w*|"
            r"rdzeniow\w+\s+zanik\w*\s+mięśni|спінальн\w+\s+м['’]язов\w+\s+атрофі\w*|"
            r"спинальн\w+\s+мышечн\w+\s+атрофи\w*"
        ),
    ),
    (
        "spinal cord injury",
        (
            r"lesi[oó]n\s+(?:de\s+la\s+)?m[eé]dula(?:\s+espinal)?|lesi[oó]n\s+medular|lesione\s+(?:del\s+)?midollo"
            r"(?:\s+spinale)?|lesione\s+midollare|les[aã]o\s+medular|l[eé]sion\s+de\s+la\s+moelle"
            r"(?:\s+[eé]pini[eè]re)?|rückenmarksverletzung\w*|poraněn\w+\s+míchy|"
            r"uraz\w*\s+rdzenia(?:\s+kręgowego)?|травм\w+\s+спинного\s+мозку|травм\w+\s+спинного\s+мозга"
        ),
    ),
    (
        "cerebral palsy",
        (
            r"par[aá]lisis\s+cerebral|paralisi\s+cerebrale|paralisia\s+cerebral|paralysie\s+c[eé]r[eé]brale|"
            r"zerebralparese|mozkov\w+\s+obrn\w*|mózgow\w+\s+poraż\w+|церебральн\w+\s+паралі?[чи]\w*"
        ),
    ),
    ("autism", r"autismo|autisme|autismus|autyzm\w*|аутизм\w*"),
)
_CONDITION_RX = re.compile(
    "|".join(f"(?P<c{i}>{rx})" for i, (_name, rx) in enumerate(CONDITION_NAMES)), re.IGNORECASE
)
#: disease acronyms of the languages above ("pacientes con ELA", "pazienti con SLA"): read only
#: on a page that uses these vocabularies (in English "SLA" is a service-level agreement)
CONDITION_ABBREVIATIONS = frozenset(["ELA", "SLA", "AME"])


def find_conditions(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """(English name, start, end) of the disease names of these languages in ``text[lo:hi]``."""
    out: list[tuple[str, int, int]] = []
    for m in _CONDITION_RX.finditer(text, lo, hi):
        if m.start() > 0 and text[m.start() - 1].isalnum():
            continue
        for i, (name, _rx) in enumerate(CONDITION_NAMES):
            if m.group(f"c{i}"):
                out.append((name, m.start(), m.end()))
                break
    return out
