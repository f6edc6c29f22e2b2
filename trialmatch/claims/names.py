"""Names from context: products, sponsors, sites, countries and conditions.

No list of known products or companies is used. A product is found by how the text presents
it: "called X", "our product X", "X (ABC-123)", "X®"/"X™", a development code ("ABC-123",
"BIIB067"), an international nonproprietary name stem ("-mab", "-tinib", "-ersen", "-strocel"),
a coined word (internal capitals: "NurOwn", "NeuroCellX") beside treatment words, or
"the HOPE-2 trial", or a possessive company's product ("Brainstorm's NurOwn missed ...").
A company is found by its legal or industry suffix ("Inc.", "Ltd.", "Therapeutics",
"Pharmaceuticals"), a stock ticker ("(NASDAQ: BCLI)"), or its role ("sponsored by X", "X,
the study sponsor", "the X Company", "X reported a trial of its ...", "the X team"); partners
and funders ("with support from X", the rest of a list after "led by X") are kind "partner".
Sites are capitalized names with an institution word ("Hospital", "Medical Center", "Clinic",
"University", and those of other languages: "Clínica", "Szpital", "Klinik"...), or an
institution named where a trial ran ("the study ran at Hadassah"). Countries come from country
names, common aliases ("US", "U.S.", "UK") and a gazetteer of large cities. Conditions come
from a vocabulary of disease head words and acronyms defined in the document ("amyotrophic
lateral sclerosis (ALS)"). docs/CLAIMS.md lists every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trialmatch.claims.model import Span
from trialmatch.claims.text import end_of as _end

#: precompiled patterns of small helpers (re.* would look each up per call)
_RX0 = re.compile(r"[A-Za-z]+")
_RX1 = re.compile(r"\d")
_RX2 = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]")
_RX3 = re.compile(r"(?:19|20)\d\d|\d+")
_RX4 = re.compile(r"[A-Z]{2,}-[A-Z0-9]{2,}")
_RX5 = re.compile(r"[A-Z][\w]*-[\w\-]+")
_RX6 = re.compile(r"[a-z][A-Z]")
_RX7 = re.compile(r"[A-Za-z]\d|\d[A-Za-z]")


def _split(words: str) -> list[str]:
    """Whitespace-separated words of a literal (vocabularies below read better as prose)."""
    return words.split()


@dataclass(frozen=True)
class NameMatch:
    kind: str
    """"product", "sponsor", "partner" (a collaborator or funder: "with support from X", the
    rest of a list after "led by X"), "site", "country", "condition", "trialname"."""
    value: str
    """Normalized value (countries: English name; sponsors: without legal suffix)."""
    span: Span
    strength: int = 1
    """2 for an explicit presentation ("called X", "X®", "sponsored by X"), 1 otherwise."""


# ------------------------------------------------------------------------------ common
_CAP = r"(?:St\.|[A-Z][\w'’\-&]*)"
_CAP_TOKEN = re.compile(r"[A-Z][A-Za-z0-9'’\-]*")
#: capitalized words that are never product or company names on their own
_COMMON_CAPS = frozenset(
    _split("""The A An This That These Those Our We Its It In On At For With From By Of And Or But
    Phase Study Trial Trials Studies Clinical Stem Cell Cells Treatment Therapy Therapies Patients
    Patient Disease Center Centre Hospital University Institute Clinic Medical Company Group
    Results Data Safety Efficacy Placebo Today Company's US USA UK EU FDA EMA NIH ALS SMA MS
    MSC MSCs GMP NCT DNA RNA CEO CFO PhD MD Dr Prof Mr Mrs Ms January February March April May
    June July August September October November December Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday English Contact Request Info News More All Rights Reserved Read Home Please
    Email Phone Fax Tel Cell Autologous Allogeneic Mesenchymal Human Experimental Following
    According After Before During Since Until Upon Prior Participants Subjects Investigators
    Director Professor Chief Officer President Chairman Principal Investigator Topline Top-line
    Primary Secondary Endpoint Endpoints Orphan Drug Designation Breakthrough Fast Track IND
    BLA NDA MAA Nasdaq NASDAQ NYSE About Forward-Looking Statements Statement Inc Ltd LLC Corp
    New Novel First Second Third Additional Further Other Both Each Such Also However Therefore
    Thus Moreover Meanwhile Additionally Q1 Q2 Q3 Q4 H1 H2 COVID-19 Covid-19 SARS-CoV-2""")
)

# ------------------------------------------------------------------------------ countries
_COUNTRIES = _split("""Afghanistan Albania Algeria Andorra Angola Argentina Armenia Australia Austria
Azerbaijan Bahamas Bahrain Bangladesh Barbados Belarus Belgium Belize Benin Bhutan Bolivia
Bosnia_and_Herzegovina Botswana Brazil Brunei Bulgaria Burkina_Faso Burundi Cambodia Cameroon
Canada Chad Chile China Colombia Congo Costa_Rica Croatia Cuba Cyprus Czech_Republic Czechia
Denmark Djibouti Dominican_Republic Ecuador Egypt El_Salvador Eritrea Estonia Eswatini Ethiopia
Fiji Finland France Gabon Gambia Georgia Germany Ghana Greece Guatemala Guinea Guyana Haiti
Honduras Hong_Kong Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy Jamaica Japan
Jordan Kazakhstan Kenya Kosovo Kuwait Kyrgyzstan Laos Latvia Lebanon Lesotho Liberia Libya
Liechtenstein Lithuania Luxembourg Madagascar Malawi Malaysia Maldives Mali Malta Mauritania
Mauritius Mexico Moldova Monaco Mongolia Montenegro Morocco Mozambique Myanmar Namibia Nepal
Netherlands New_Zealand Nicaragua Niger Nigeria North_Macedonia Norway Oman Pakistan Panama
Papua_New_Guinea Paraguay Peru Philippines Poland Portugal Qatar Romania Russia Rwanda
Saudi_Arabia Senegal Serbia Singapore Slovakia Slovenia Somalia South_Africa South_Korea Spain
Sri_Lanka Sudan Suriname Sweden Switzerland Syria Taiwan Tajikistan Tanzania Thailand Togo
Tunisia Turkey Türkiye Turkmenistan Uganda Ukraine United_Arab_Emirates United_Kingdom
United_States Uruguay Uzbekistan Venezuela Vietnam Yemen Zambia Zimbabwe""")
_COUNTRY_ALIASES = {
    "US": "United States", "U.S.": "United States", "U.S": "United States", "USA": "United States",
    "U.S.A.": "United States", "United States of America": "United States",
    "America": "United States", "UK": "United Kingdom", "U.K.": "United Kingdom",
    "Britain": "United Kingdom", "Great Britain": "United Kingdom", "England": "United Kingdom",
    "Scotland": "United Kingdom", "Wales": "United Kingdom", "Czechia": "Czech Republic",
    "Korea": "South Korea", "Republic of Korea": "South Korea", "Türkiye": "Turkey",
    "UAE": "United Arab Emirates", "the Netherlands": "Netherlands", "Holland": "Netherlands",
    "PRC": "China", "Russian Federation": "Russia", "Viet Nam": "Vietnam",
}  # fmt: skip
#: large cities (medical centres) -> country; used for "at Jerusalem's Hadassah", "in Prague"
_CITIES = {
    "Jerusalem": "Israel", "Tel Aviv": "Israel", "Haifa": "Israel", "Petah Tikva": "Israel",
    "Prague": "Czech Republic", "Brno": "Czech Republic", "Kiev": "Ukraine", "Kyiv": "Ukraine",
    "Kharkiv": "Ukraine", "Lviv": "Ukraine", "Odessa": "Ukraine", "Moscow": "Russia",
    "Saint Petersburg": "Russia", "Warsaw": "Poland", "Krakow": "Poland", "Berlin": "Germany",
    "Munich": "Germany", "Hamburg": "Germany", "Heidelberg": "Germany", "Frankfurt": "Germany",
    "Vienna": "Austria", "Zurich": "Switzerland", "Geneva": "Switzerland", "Basel": "Switzerland",
    "Paris": "France", "Lyon": "France", "Marseille": "France", "London": "United Kingdom",
    "Oxford": "United Kingdom", "Cambridge": None, "Manchester": "United Kingdom",
    "Edinburgh": "United Kingdom", "Dublin": "Ireland", "Madrid": "Spain", "Barcelona": "Spain",
    "Milan": "Italy", "Rome": "Italy", "Turin": "Italy", "Novara": "Italy", "Amsterdam": "Netherlands",
    "Rotterdam": "Netherlands", "Leiden": "Netherlands", "Utrecht": "Netherlands",
    "Brussels": "Belgium", "Leuven": "Belgium", "Copenhagen": "Denmark", "Stockholm": "Sweden",
    "Oslo": "Norway", "Helsinki": "Finland", "Budapest": "Hungary", "Belgrade": "Serbia",
    "Athens": "Greece", "Istanbul": "Turkey", "Ankara": "Turkey", "Tehran": "Iran",
    "Beijing": "China", "Shanghai": "China", "Guangzhou": "China", "Shenzhen": "China",
    "Wuhan": "China", "Tokyo": "Japan", "Osaka": "Japan", "Kyoto": "Japan", "Seoul": "South Korea",
    "Taipei": "Taiwan", "Singapore": "Singapore", "Bangkok": "Thailand", "Mumbai": "India",
    "New Delhi": "India", "Delhi": "India", "Bangalore": "India", "Chennai": "India",
    "Sydney": "Australia", "Melbourne": "Australia", "Brisbane": "Australia", "Perth": None,
    "Auckland": "New Zealand", "Toronto": "Canada", "Montreal": "Canada", "Vancouver": "Canada",
    "Mexico City": "Mexico", "Sao Paulo": "Brazil", "São Paulo": "Brazil", "Buenos Aires": "Argentina",
    "Cairo": "Egypt", "Dubai": "United Arab Emirates", "Abu Dhabi": "United Arab Emirates",
    "Riyadh": "Saudi Arabia", "Boston": "United States", "New York": "United States",
    "Los Angeles": "United States", "San Francisco": "United States", "Chicago": "United States",
    "Houston": "United States", "Baltimore": "United States", "Philadelphia": "United States",
    "Rochester": "United States", "Worcester": "United States", "Seattle": "United States",
    "San Diego": "United States", "Atlanta": "United States", "Miami": "United States",
    "Dallas": "United States", "Nashville": "United States", "Cleveland": "United States",
    "Pittsburgh": "United States", "Bethesda": "United States", "Stanford": "United States",
    "Palo Alto": "United States", "Denver": "United States", "Phoenix": "United States",
    "Minneapolis": "United States", "St. Louis": "United States", "Ann Arbor": "United States",
}  # fmt: skip
_DEMONYMS = {
    "American": "United States", "Israeli": "Israel", "Czech": "Czech Republic",
    "Ukrainian": "Ukraine", "German": "Germany", "French": "France", "British": "United Kingdom",
    "Italian": "Italy", "Spanish": "Spain", "Chinese": "China", "Japanese": "Japan",
    "Korean": "South Korea", "Canadian": "Canada", "Australian": "Australia", "Indian": "India",
    "Iranian": "Iran", "Russian": "Russia", "Polish": "Poland", "Dutch": "Netherlands",
    "Swiss": "Switzerland", "Swedish": "Sweden", "Brazilian": "Brazil", "Turkish": "Turkey",
    "Austrian": "Austria", "Belgian": "Belgium", "Danish": "Denmark", "Finnish": "Finland",
    "Norwegian": "Norway", "Irish": "Ireland", "Greek": "Greece", "Hungarian": "Hungary",
    "Mexican": "Mexico", "Egyptian": "Egypt", "Thai": "Thailand", "Taiwanese": "Taiwan",
    "European": None, "Nordic": None, "Scandinavian": None,
}  # fmt: skip

_COUNTRY_NAMES = {c.replace("_", " "): c.replace("_", " ") for c in _COUNTRIES}
_COUNTRY_NAMES.update(_COUNTRY_ALIASES)
_PLACES = {**{k: v for k, v in _CITIES.items() if v}, **_COUNTRY_NAMES}
_PLACE_RE = re.compile(
    r"(?<![\w.])(?=[A-ZÜ])(?:"
    + "|".join(re.escape(k) for k in sorted(_PLACES, key=len, reverse=True))
    + r")(?![\w])"
)


_THREE_LOWER = re.compile(r"[a-z][^a-z]*[a-z][^a-z]*[a-z]")


def find_places(text: str, lo: int = 0, hi: int | None = None) -> list[NameMatch]:
    """Countries (kind "country") named directly or through a large city (kind "city")."""
    out: list[NameMatch] = []
    for m in _PLACE_RE.finditer(text, lo, _end(text, hi)):
        word = m.group(0)
        if word == "US" or word == "UK":
            # "CONTACT US" in an all-caps line is not the country
            ls = text.rfind("\n", 0, m.start()) + 1
            le = text.find("\n", m.end())
            if not _THREE_LOWER.search(text, ls, le if le >= 0 else len(text)):
                continue
        if word in _COUNTRY_NAMES:
            out.append(NameMatch("country", _COUNTRY_NAMES[word], m.span(), 2))
        else:
            out.append(NameMatch("city", word, m.span(), 1))
    return out


def city_country(city: str) -> str | None:
    return _CITIES.get(city)


# ------------------------------------------------------------------------------ sponsors
_LEGAL = (
    r"(?:Inc\.?|Incorporated|Ltd\.?|Limited|LLC|L\.L\.C\.|Corp\.?|Corporation|Co\.,?\s*Ltd\.?|"
    r"GmbH|AG|S\.A\.|SA|S\.p\.A\.|plc|PLC|N\.V\.|B\.V\.|s\.r\.o\.|a\.s\.|SE|AB|Oy|Pty\.?\s*Ltd\.?|"
    r"Pte\.?\s*Ltd\.?|K\.K\.|LP)"
)
_INDUSTRY = (
    r"(?:Therapeutics|Pharmaceuticals?|Pharma|Biotech(?:nologies|nology)?|Biosciences?|Biologics|"
    r"Biopharma(?:ceuticals)?|BioPharma|Biotherapeutics|Biomedical|Genetics|Genomics|Medicines|"
    r"Therapies|Vaccines|Laboratories|Labs|Holdings|Life\s+Sciences|Neurosciences?|Bio)"
)
_NAME_WORD = r"[A-Z][\w'’\-&]*"
_SPONSOR_SUFFIX = re.compile(
    rf"(?P<name>(?:{_NAME_WORD}\s+){{0,3}}?{_NAME_WORD})(?:,)?\s+(?P<legal>{_LEGAL})(?![\w])"
    rf"|(?P<iname>(?:{_NAME_WORD}\s+){{0,3}}?(?:{_NAME_WORD}\s+)?{_INDUSTRY})\b"
)
_TICKER = re.compile(
    rf"(?P<name>(?:{_NAME_WORD}\s+){{0,4}}?{_NAME_WORD}),?\s*(?:{_LEGAL},?\s*)?"
    r"\((?:NASDAQ|Nasdaq|NYSE|NYSE\s+American|TSX|TSXV|ASX|LSE|AIM|OTCQB|OTCQX|OTC|Euronext|SIX|"
    r"KOSDAQ|KRX|TASE|HKEX|SSE|SZSE|TYO|FRA|XETRA)(?:\s*[A-Za-z]*)?\s*:\s*[A-Z.]{1,6}"
)
_COMPANY_NOUNS = (
    "company", "firm", "biotech", "startup", "drugmaker", "společnost", "unternehmen",
    "società", "empresa", "compañía", "société", "entreprise", "spółka",
)  # fmt: skip
#: (words that must be in the sentence, pattern with the name in group "n")
_SPONSOR_ROLES = [
    (
        (" by ",),
        re.compile(
            rf"(?:sponsored\s+by|funded\s+by|developed\s+by|conducted\s+by|run\s+by|led\s+by)\s+"
            rf"(?:(?:an?|the)\s+(?:[a-z][\w\-]*\s+){{0,3}})?"
            rf"(?:[A-Z][a-z]+\s+(?:clinic|company|firm|biotech|startup)\s+)?"
            rf"(?P<n>(?:{_NAME_WORD}[ \t]+){{0,4}}{_NAME_WORD})"
        ),
    ),
    (
        ("sponsor",),
        re.compile(
            rf"(?P<n>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}),?\s+(?:as\s+)?the\s+(?:study\s+|trial\s+)?"
            rf"sponsor"
        ),
    ),
    (
        ("company",),
        re.compile(rf"\b[Tt]he\s+(?P<n>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})\s+[Cc]ompany\b"),
    ),
    (
        ("company", "sponsor", "biotech"),
        re.compile(r"\b(?:company|sponsor|biotech)\s+(?P<n>[A-Z][a-z]*[A-Z][\w\-]*)"),
    ),
    (
        ("'s", "’s"),
        re.compile(
            r"\b(?P<n>[A-Z][\w\-]+)['’]s\s+(?!(?:disease|syndrome|sclerosis|palsy|ataxia|chorea)\b)"
            r"(?:[\w\-®™/]+\s+){0,3}?(?:trial|study|drug|product|candidate|therapy|treatment)\b"
        ),
    ),
    (
        ("ceo", "officer", "president", "founder", "cmo", "spokes"),
        re.compile(
            r"\b(?:CEO|Chief\s+Executive\s+Officer|President|[Ff]ounder|Chief\s+Medical\s+Officer|"
            r"CMO|Chief\s+Scientific\s+Officer|spokes(?:wo)?man|spokesperson)\s+(?:of|at)\s+"
            rf"(?P<n>(?:{_NAME_WORD}[ \t]+){{0,3}}{_NAME_WORD})"
        ),
    ),
    (
        (", a ", ", an ", ", the "),
        re.compile(
            rf"(?P<n>(?:{_NAME_WORD}[ \t]+){{0,3}}{_NAME_WORD}),\s+(?:an?|the)\s+(?:[\w\-]+\s+){{0,4}}?"
            r"(?:company|biotech|firm|developer|manufacturer|maker|drugmaker|startup)\b"
        ),
    ),
    (
        # "a cardiosphere-derived cell therapy from Cardiomere", "an implant made by Osteon"
        # (matched at each "from"/"by"; the treatment noun before it is _MADE_FROM_BEFORE)
        ("from ", "by "),
        re.compile(
            rf"\b(?:from|by)\s+(?:the\s+(?:[a-z][\w\-]*\s+){{0,2}})?"
            rf"(?P<n>(?:{_NAME_WORD}[ \t]+){{0,3}}{_NAME_WORD})"
        ),
    ),
    (
        # "Cardiomere's CMX-12", "Pfizer's PF-06939926": the owner of a development code (not
        # of a coined word: "Novartis's AveXis", "Roche's Genentech" are companies)
        ("'s", "’s"),
        re.compile(
            r"\b(?P<n>[A-Z][\w\-]+)['’]s\s+(?=(?:[A-Z]{1,6}-?[A-Z]{0,4}\d{1,8}[A-Za-z]?|"
            r"[A-Z]{2,6}-[A-Z]{1,6})\b)"
        ),
    ),
    (
        # a collaborator or funder: "with support from Pfizer", "in partnership with Lonza"
        ("support", "funding", "collaborat", "partner", "grant"),
        re.compile(
            r"\b(?:(?:support|funding|grants?|backing)\s+from|"
            r"(?:collaboration|partnership|partnering|partnered)\s+with)\s+"
            rf"(?:the\s+)?(?P<n>{_NAME_WORD}(?:[ \t]+(?:(?:&|of|for)[ \t]+)?{_NAME_WORD}){{0,5}})"
        ),
    ),
    (
        # "the biotech company Kalvora", "společnost Bioinova", "die Firma Medrix", "la società X"
        _COMPANY_NOUNS,
        re.compile(
            r"\b(?:company|firm|biotech|startup|drugmaker|společnost|firma|Firma|Unternehmen|"
            r"società|empresa|compañía|société|entreprise|spółka)[ \t]+"
            rf"(?P<n>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}})"
        ),
    ),
]
#: the roles that take any capitalized word: check for places and disease acronyms
_LOOSE_ROLES = frozenset([4, 6, 7, 8, 9, 10])
_MADE_FROM = 7
_MADE_FROM_BEFORE = re.compile(
    r"\b(?:therapy|therapies|treatment|drug|product|candidate|implant|vaccine|device|antibody|"
    r"compound|medicine|cells|technology|platform)\s+"
    r"(?:(?:developed|made|manufactured|marketed|discovered|licensed|produced|sold)\s+)?$"
)
_COMPANY_NOUN = 10
#: the roles that read the owner of a possessive ("X's trial", "X's ABC-12")
_POSSESSIVE_ROLES = frozenset([4, 8])
_CAPS_BEFORE = re.compile(r"(?:[A-Z][\w\-&]*[ \t]+){1,3}$")


def _name_before(text: str, lo: int, start: int) -> str:
    """The capitalized words right before a possessive's last word, when that word is an
    industry or legal word ("Ostavia Pharma's drug": "Ostavia "), else ""."""
    k = text.find("'", start)
    k2 = text.find("’", start)
    last = text[start : min(x for x in (k, k2, start + 40) if x >= start)]
    if not re.fullmatch(_INDUSTRY + "|" + _LEGAL, last):
        return ""
    m = _CAPS_BEFORE.search(text, max(lo, start - 60), start)
    return _trim_org(m.group(0)) if m else ""


#: "with support from X", "in partnership with X": a partner, not the company of the page
_PARTNER = 9
_TITLE_WORDS = frozenset(
    _split("""Founder Co-founder Cofounder Executive Spokesperson Spokesman Spokeswoman Chair
    Chairwoman Head Vice Senior Manager Partner Partners""")
)
_POSSESSOR_OF_CODE = 8
#: what cells and drugs are made from, often capitalized on clinic pages
_SOURCE_WORDS = frozenset(
    _split("""Umbilical Cord Bone Marrow Adipose Tissue Blood Fat Placenta Placental Amniotic
    Fluid Skin Donor Donors Own Peripheral Wharton's Wharton’s Jelly Dental Pulp Tooth Teeth
    Embryonic Fetal Foetal Neural Plant Plants Yeast Animal Animals""")
)
#: "Brainstorm's NurOwn missed ...", "Corestemchemon's Neuronata-R went into a Phase 3",
#: "Kelvar's NeuroPath, a cell therapy": a company's coined or hyphenated product name as the
#: subject of a verb, in apposition or before a treatment noun ("Novartis's AveXis unit" is not)
_POSSESSIVE_PRODUCT = re.compile(
    r"\b(?P<owner>[A-Z][\w\-]+)['’]s\s+"
    r"(?P<n>[A-Z]?[a-z]+[A-Z][\w\-]*|[A-Z]{2,}[a-z][\w\-]*|[A-Z][a-z]+-[A-Z0-9][\w\-]*)"
    r"(?:\s*[®™])?(?=\s*\(|,\s+an?\s|\s+(?:has|had|is|was|went|goes|entered|enters|began|begins|"
    r"completed|completes|showed|shows|met|meets|missed|misses|failed|fails|started|starts|moved|"
    r"moves|advanced|advances|reached|will|would|could|may|might|did|does|slowed|improved|"
    r"cells|therapy|treatment|trial|study|program|programme|injections?|infusions?)\b)"
)
_DIGIT_NEXT = re.compile(r"\s*\d")
_NEXT_TOKEN = re.compile(r"[\w\-]+")
_LEGAL_STRIP = re.compile(rf",?\s+{_LEGAL}$")


def _clean_org(name: str) -> str:
    name = _POSSESSIVE_END.sub("", re.sub(r"\s+", " ", name)).strip(" ,.;:'’\"“”")
    name = re.sub(r"^(?:The|the|An?|Our|our)\s+", "", name)
    name = re.sub(r"^(?:[\w.]+\s+)*[\w.]+-based\s+", "", name)  # "San Diego-based X" -> "X"
    name = _LEGAL_STRIP.sub("", name)
    # "BIOINOVA" shouting -> "Bioinova"; keep short all-caps acronyms ("IEM")
    if name.isupper() and len(name) > 5 and " " not in name:
        name = name.capitalize()
    return name


#: a leading word that is not part of an organisation's name: a function or discourse word
#: ("Meanwhile Orlanta Pharma", "However Axon Bio") or a sentence adverb ("Separately", "Notably")
_POSSESSIVE_END = re.compile(r"['’]s$")
_ORG_BAD_START = re.compile(
    r"^(?:In|On|At|For|With|From|By|Of|And|Or|But|Since|After|Before|During|When|While|"
    r"According|Following|Today|Now|Also|This|That|These|Those|Its|It|We|They|He|She|Our|"
    r"Meanwhile|However|Yesterday|Tomorrow|Tonight|Earlier|Later|Then|Here|There|Still|Yet|So|"
    r"Thus|Hence|Indeed|Instead|Besides|Overall|Likewise|Moreover|Furthermore|Nevertheless|"
    r"Nonetheless|Elsewhere|Last|Next|Under|Through|Between|Among|Against|Across|As|If|"
    r"Because|Although|Though|Where|Whereas|Why|How|What|Which|Who|Whose|Both|Each|Unlike|Like|"
    r"Including|Only|Even|Just|Once|Until|Upon|Within|Without|Despite|Did|Does|Is|Are|Was|"
    r"Were|Has|Have|Had|Will|Would|Can|Could|Should|May|Might|Must|Not|No|Yes|Shares|Investors|"
    r"Analysts|Sources|Die|Der|Das|Firma|Společnost|About|"
    r"[A-Z][a-z]{2,}(?:ally|ately|ously|ently|antly|ively|ilarly|ularly|edly|ably|ibly|fully))\s+"
)


def _trim_org(name: str) -> str:
    while True:
        new = _ORG_BAD_START.sub("", name)
        if new == name:
            return name
        name = new


_SUFFIX_GATE = re.compile(
    rf"(?<![\w]){_LEGAL}(?![\w])|Therap|Pharma|Bio|Genetic|Genomic|Medicines|Vaccines|Laborator|"
    r"Labs|Holdings|Sciences"
)
_LEGAL_WORDS = frozenset(
    _split(
        """inc incorporated ltd limited llc corp corporation co gmbh ag sa spa plc nv bv s r o a
        se ab oy pty pte kk lp"""
    )
)
_INDUSTRY_STEMS = (
    "therap", "pharma", "bio", "genetic", "genomic", "medicines", "vaccines", "laborator",
    "labs", "holdings", "sciences",
)  # fmt: skip
_SUFFIX_WORDS = (
    "inc", "ltd", "limited", "llc", "corp", "gmbh", "ag", "s.a", "sa", "plc", "n.v", "b.v",
    "s.r.o", "a.s", "se", "ab", "oy", "pty", "pte", "k.k", "lp", "therap", "pharma", "bio",
    "genetic", "genomic", "medicines", "vaccines", "laborator", "labs", "holdings", "sciences",
)  # fmt: skip
_ROLE_WORDS = (
    " by ", "sponsor", "company", "'s", "’s", "ceo", "officer", "president", "founder", "cmo",
    "spokes", ", a ", ", an ",
)  # fmt: skip
#: a word after an industry word that makes the name a public body, journal or society
_PUBLIC_BODY_NEXT = re.compile(
    r"\s+(?:Agency|Authority|Administration|Association|Society|Council|Journal|Ministry|"
    r"Department|Office|Board|Commission|Network|Consortium|Alliance|Institute|Foundation)\b"
)
_PUBLIC_BODY_WORD = re.compile(_PUBLIC_BODY_NEXT.pattern.replace(r"\s+(?:", r"\b(?:", 1))
_TITLE_BEFORE = re.compile(r"\b(?:Dr|Prof|Mr|Mrs|Ms|Professor|Doctor)\.?\s+$")
_TICKER_GATE = re.compile(r"\([A-Za-z ]+:")
_ROLE_GATE = re.compile(
    r"\bby\b|sponsor|[Cc]ompany|company|['’]s\b|CEO|Officer|President|[Ff]ounder|CMO|"
    r"spokes|,\s+an?\s",
)


def find_sponsors(text: str, lo: int = 0, hi: int | None = None) -> list[NameMatch]:
    out: list[NameMatch] = []
    end = _end(text, hi)
    region = text[lo:end]
    low = region.lower()
    words = set(_LOW_WORD.findall(low))
    suffix_gate = (
        not words.isdisjoint(_LEGAL_WORDS) or any(w in low for w in _INDUSTRY_STEMS)
    ) and (_SUFFIX_GATE.search(region))
    suffix_hits = _SPONSOR_SUFFIX.finditer(text, lo, end) if suffix_gate else ()
    for m in suffix_hits:
        raw = m.group("name") or m.group("iname")
        start = m.start("name") if m.group("name") else m.start("iname")
        trimmed = _trim_org(raw)
        start += len(raw) - len(trimmed)
        name = _clean_org(trimmed)
        if not name or name in _COMMON_CAPS or len(name) < 3:
            continue
        name_words = name.split()
        if m.group("iname") and len(name_words) == 1:
            continue  # "Pharmaceuticals" alone
        if _PUBLIC_BODY_NEXT.match(text, m.end()):
            continue  # "the European Medicines Agency": a regulator, not a company
        out.append(NameMatch("sponsor", name, (start, m.end()), 2 if m.group("name") else 1))
    ticker_gate = ":" in region and _TICKER_GATE.search(region)
    for m in _TICKER.finditer(text, lo, end) if ticker_gate else ():
        raw = _trim_org(m.group("name"))
        name = _clean_org(raw)
        if name and name not in _COMMON_CAPS:
            out.append(NameMatch("sponsor", name, (m.end("name") - len(raw), m.end("name")), 2))
    for i, (keys, rx) in enumerate(_SPONSOR_ROLES):
        for k in keys:  # a plain loop: cheaper than any() over a generator
            if k in low:
                break
        else:
            continue
        if i == _POSSESSOR_OF_CODE and "-" not in region and not _DIGIT.search(region):
            continue  # no code in the sentence
        if i == _MADE_FROM or i == _COMPANY_NOUN:
            found = _matches_at(rx, text, low, lo, end, keys)  # a few anchored matches
        else:
            found = list(rx.finditer(text, lo, end))
        for m in found:
            if i == _MADE_FROM and not _MADE_FROM_BEFORE.search(
                text, max(lo, m.start() - 48), m.start()
            ):
                continue
            raw = _trim_org(m.group("n"))
            if i in _POSSESSIVE_ROLES:
                raw = _name_before(text, lo, m.start("n")) + raw  # "Ostavia Pharma's drug"
            name = _clean_org(raw)
            if i in _LOOSE_ROLES and (name in _PLACES or _CONDITION_ABBR.fullmatch(name)):
                continue
            if i in _LOOSE_ROLES and _DIGIT_NEXT.match(text, m.end("n")):
                continue  # "treatment from Day 1", "cells from Week 12": a time point
            name_words = name.split()
            if i == _MADE_FROM and any(w in _COMMON_CAPS or w in _SOURCE_WORDS for w in name_words):
                continue  # "stem cells from Bone Marrow": the source, not a company
            if i == _COMPANY_NOUN and any(
                w in _COMMON_CAPS or w in _TITLE_WORDS for w in name_words
            ):
                continue  # "the company CEO John Smith", "the company Phase 3 trial"
            if i == _POSSESSOR_OF_CODE:
                code = _NEXT_TOKEN.match(text, m.end())
                if code and _CODE_STOP.match(code.group().split("-")[0] + "1"):
                    continue  # "Parkinson's PD-L1 levels": a marker, not a product
            if name and name not in _COMMON_CAPS and (i == _PARTNER or not _is_site_name(name)):
                # a partner or funder is one whatever its name ("support from the X Foundation")
                kind = "partner" if i == _PARTNER else "sponsor"
                out.append(NameMatch(kind, name, (m.end("n") - len(raw), m.end("n")), 2))
            if i in _LIST_ROLES:
                _read_partner_list(text, m.end("n"), end, out)
    if "'s " in region or "’s " in region:
        for m in _POSSESSIVE_PRODUCT.finditer(text, lo, end):
            # "Brainstorm's NurOwn missed ...": the owner of the product the sentence is about
            owner = m.group("owner")
            if owner in _COMMON_CAPS or owner in _PLACES or owner in _DEMONYMS:
                continue
            if _CONDITION_ABBR.fullmatch(owner) or _is_site_name(owner):
                continue
            if _TITLE_BEFORE.search(text, max(lo, m.start("owner") - 8), m.start("owner")):
                continue  # "Dr Berg's NeuroPath": a person's, not a company's
            before = _name_before(text, lo, m.start("owner"))
            owner = _trim_org(before + owner)
            span = (m.end("owner") - len(owner), m.end("owner"))
            if not any(s.span[1] == span[1] for s in out):
                out.append(NameMatch("sponsor", owner, span, 2))
    subject = _SUBJECT_OF_ITS.match(text, lo, end) if " its " in region else None
    if subject is not None:
        name = _clean_org(_trim_org(subject.group("n")))
        n_end = subject.end("n")
        if (
            name
            and not any(w in _COMMON_CAPS for w in name.split())
            and not _PEOPLE_NOUN.fullmatch(name)  # "Researchers said its ...", "Doctors"
            and not _PUBLIC_BODY_WORD.search(name)  # "The European Medicines Agency said its"
            and not (name in _PLACES or name in _DEMONYMS or _CONDITION_ABBR.fullmatch(name))
            and not any(s.span[0] <= n_end - 1 < s.span[1] for s in out)
        ):
            out.append(NameMatch("sponsor", name, (n_end - len(name), n_end), 1))
    for t in find_named_sites(text, lo, end, team=True, team_only=True):
        # "the Hadassah team reported a trial": the institution whose team ran it
        if not any(s.span[0] <= t.span[0] < s.span[1] for s in out):
            out.append(NameMatch("sponsor", t.value, t.span, 1))
    # one name found by two rules ("Tarvena Pharma's trial": suffix and possessive) counts
    # once; as a partner if one of the rules says so ("with support from Halden Bio")
    seen: dict[tuple[str, int], int] = {}
    unique: list[NameMatch] = []
    for s in out:
        key = (s.value, s.span[1])
        idx = seen.get(key)
        if idx is None:
            seen[key] = len(unique)
            unique.append(s)
        elif s.kind == "partner":
            unique[idx] = s
    return unique


#: the subject of a sentence that goes on about "its" product or trial: "Amyvista (AMVT,
#: $4.12) reported a phase IIb trial of its antibody AVX-117", "Orlava said its Phase 2 ..."
_SUBJECT_OF_ITS = re.compile(
    r"[\s*#\-–•]*(?P<n>[A-Z][\w\-&]*(?:[ \t]+[A-Z][\w\-&]*){0,3})(?:\s*\([^()]{1,40}\))?,?\s+"
    r"(?:has\s+|have\s+|had\s+|today\s+|also\s+|now\s+)?"
    r"(?:reported|announced|said|says|started|starts|began|begins|launched|completed|"
    r"initiated|presented|published|unveiled|released|dosed|enrolled|opened|finished|"
    r"ran|runs|is\s+running|is\s+testing|tested|tests|plans|expects|received)\b"
    r"[^.;]{0,80}?\bits\s"
)
#: the subject of a sentence that goes on about "its" product or trial: "Amyvista (AMVT,
#: $4.12) reported a phase IIb trial of its antibody AVX-117", "Orlava said its Phase 2 ..."
_SUBJECT_OF_ITS = re.compile(
    r"[\s*#\-–•]*(?P<n>[A-Z][\w\-&]*(?:[ \t]+[A-Z][\w\-&]*){0,3})(?:\s*\([^()]{1,40}\))?,?\s+"
    r"(?:has\s+|have\s+|had\s+|today\s+|also\s+|now\s+)?"
    r"(?:reported|announced|said|says|started|starts|began|begins|launched|completed|"
    r"initiated|presented|published|unveiled|released|dosed|enrolled|opened|finished|"
    r"ran|runs|is\s+running|is\s+testing|tested|tests|plans|expects|received)\b"
    r"[^.;]{0,80}?\bits\s"
)
#: a plural noun for people, capitalized at the start of a sentence ("Researchers",
#: "Neurologists", "Physicians", "Families"): not a company
_PEOPLE_NOUN = re.compile(r"[A-Z][a-z]+(?:ers|ors|ists|ians|ies|nts|ants|ents|ves|ren)")
#: the roles after which a list of partners may follow ("run by X with Y, Z and the W Group")
_LIST_ROLES = frozenset([0, 9])
#: one more organisation in a list: ", Y", " and Y", " with Y", "together with Y"
_LIST_NEXT = re.compile(
    r"(?:\s*,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+(?:and|with|together\s+with|as\s+well\s+as)\s+)"
    rf"(?:the\s+)?(?P<n>{_NAME_WORD}(?:[ \t]+(?:(?:&|of|for)[ \t]+)?{_NAME_WORD}){{0,6}})"
)


def _read_partner_list(text: str, pos: int, end: int, out: list[NameMatch]) -> None:
    """The organisations listed after a sponsor role: "led by the Alliance with ABCSG,
    NSABP Foundation, PrECOG and the Breast International Group" (names in capitals too)."""
    for _ in range(8):
        m = _LIST_NEXT.match(text, pos, end)
        if not m:
            return
        raw = _trim_org(m.group("n"))
        words = raw.split()
        if len(words) == 2 and words[0] in _DEMONYMS and not words[1].islower():
            raw = words[1]  # "the Austrian ABCSG group" -> "ABCSG"
        name = _clean_org(raw)
        first = name.split()[0] if name else ""
        if (
            not name
            or len(name) < 3
            or first in _COMMON_CAPS
            or name in _PLACES
            or name in _DEMONYMS
            or _CONDITION_ABBR.fullmatch(name)
            or _PHASE_LIKE.fullmatch(name)
            or _REGISTRY_ID.match(name)
            or _DIGIT_NEXT.match(text, m.end("n"))
        ):
            return
        out.append(NameMatch("partner", name, (m.end("n") - len(raw), m.end("n")), 2))
        pos = m.end("n")


# ------------------------------------------------------------------------------ sites
_SITE_WORD = (
    r"(?:Centre\s+Hospitalier|Hospitalier|Universitätsklinikum|"
    r"Azienda\s+Ospedaliera(?:[\s\-]+Universitaria)?|Azienda\s+Sanitaria|Krankenhaus|Ziekenhuis|"
    r"Hospitals?|Medical\s+Cent(?:er|re)|Cent(?:er|re)|Clinic|Clinics|Klinik|Klinikum|Institute|"
    r"Institut|University|Universit[àäy]|College|Infirmary|Health\s+System|Health|Hôpital|Hopital|"
    r"Ospedale|Policlinico|Charité|Foundation|Sanatorium|Medical\s+Organi[sz]ation|"
    r"Cl[íi]nica|Policl[íi]nica|Klinika|Szpital|Nemocnice|Fakultní\s+nemocnice|Hospitál|"
    r"Universidad|Universidade|Uniwersytet|Univerzita|Istituto|Instituto|Fondazione|"
    r"Fundaci[óo]n|Ziekenhuis|Institutet|Universitet(?:et)?|Universiteit|Sjukhuset|Sykehus|"
    r"Hospitalet|Medical\s+School|School\s+of\s+Medicine)"
)
_SITE = re.compile(
    rf"(?P<site>(?:{_CAP}\s+(?:(?:of|for|and|de|del|di|la|le|du|the|&)\s+)*){{0,6}}?"
    rf"(?:{_CAP}\s+)?{_SITE_WORD}(?![\w])(?:\s+(?:(?:of|for|and|de|at|the|&)\s+)*{_CAP}){{0,5}})"
)
_SITE_WORD_RE = re.compile(_SITE_WORD)
_SITE_WORD_AT_END = re.compile(rf"{_SITE_WORD}$")


def _split_site_list(name: str) -> list[str]:
    """ "UMass Memorial in Worcester and the Mayo Clinic", "Cleveland Clinic and Johns
    Hopkins": a list of sites. "and" splits after a name ending on an institution word only
    ("Brigham and Women's Hospital" stays one name)."""
    out: list[str] = []
    for part in name.split(" and the "):
        pieces = part.split(" and ")
        cur = pieces[0]
        for nxt in pieces[1:]:
            if _SITE_WORD_AT_END.search(cur) and nxt[:1].isupper():
                out.append(cur)
                cur = nxt
            else:
                cur = cur + " and " + nxt
        out.append(cur)
    return out


def _is_site_name(name: str) -> bool:
    return bool(_SITE_WORD_RE.search(name))


_NAME_POSSESSIVES = frozenset(["Children", "Women", "Men", "People", "Veterans"])
_SITE_STOP_WORDS = frozenset(["Cell", "Stem", "Treatment", "Therapy", "Center", "Centre"])


_SITE_KEYS = (
    "hospital", "cent", "clinic", "klinik", "institut", "universit", "college", "infirmary",
    "health", "hôpital", "hopital", "ospedale", "policlinico", "charité", "foundation",
    "sanatorium", "organi", "azienda", "krankenhaus", "ziekenhuis", "hospitalier", "clínic",
    "szpital", "nemocnice", "hospitál", "uniwersytet", "univerzit", "istituto", "instituto",
    "fondazione", "fundaci", "school", "sjukhus", "sykehus", "universitet", "universiteit",
)  # fmt: skip
#: a leading article of another language before a site ("La Clínica Mayo", "Il Policlinico")
_SITE_ARTICLE = re.compile(r"^(?:The|the|La|El|Il|Lo|Le|Los|Las|Les|Der|Die|Das|Het|De)\s+")


def find_sites(text: str, lo: int = 0, hi: int | None = None) -> list[NameMatch]:
    """Sites with an institution word ("Motol University Hospital", "La Clínica Mayo") and
    institutions named by where a trial ran (:func:`find_named_sites`)."""
    out = _sites_with_word(text, lo, hi)
    for n in find_named_sites(text, lo, hi):
        if not any(a < n.span[1] and n.span[0] < b for a, b in (x.span for x in out)):
            out.append(n)
    return out


def _sites_with_word(text: str, lo: int = 0, hi: int | None = None) -> list[NameMatch]:
    out: list[NameMatch] = []
    low = text[lo : _end(text, hi)].lower()
    if not any(k in low for k in _SITE_KEYS):
        return out
    for m in _SITE.finditer(text, lo, _end(text, hi)):
        raw = m.group("site")
        start = m.start("site")
        # "Jerusalem’s Hadassah University Medical Center" -> site + city
        for sep in ("’s ", "'s "):
            k = raw.rfind(sep)
            # "Children's Medical Center", "Women's Hospital": the possessive is the name
            if k >= 0 and raw[:k].rsplit(None, 1)[-1] not in _NAME_POSSESSIVES:
                start += k + len(sep)
                raw = raw[k + len(sep) :]
        trimmed = _trim_org(raw)
        start += len(raw) - len(trimmed)
        raw = trimmed
        raw = _SITE_ARTICLE.sub("", raw)
        name = re.sub(r"\s+", " ", raw).strip(" ,.;:")
        # trailing connector words ("University of") and titles ("Clinic Dr. Weiss") are not
        # part of a name
        name = re.sub(r"(?:\s+(?:of|for|and|de|at|the|&|Dr|Prof|Mr|Mrs|Ms|MD|PhD))+$", "", name)
        # "UMass Memorial in Worcester and the Mayo Clinic": a list, not one name
        # "Mayo Clinic, Cleveland Clinic and Johns Hopkins": after a name that ends on an
        # institution word, "and" starts the next one ("Brigham and Women's Hospital" stays)
        parts = _split_site_list(name)
        offset = start
        for part in parts:
            pstart = text.find(part, offset)
            offset = pstart + len(part)
            words = part.split()
            if len(words) < 2 or not _SITE_WORD_RE.search(part):
                continue
            if all(w in _SITE_STOP_WORDS or _SITE_WORD_RE.fullmatch(w) for w in words):
                continue
            if part.isupper():
                continue  # headings in capitals
            out.append(NameMatch("site", part, (pstart, pstart + len(part))))
    return out


#: an institution named by itself where a trial ran: "the study ran at Hadassah in Jerusalem",
#: "treated at Karolinska in Stockholm", "the Hadassah team reported"
_RAN_AT = re.compile(
    r"\b(?:trials?|stud(?:y|ies))\s+(?:(?:was|were|is|are|has\s+been)\s+)?"
    r"(?:ran|run|running|conducted|held|performed|done|carried\s+out|took\s+place|based)\s+"
    r"at\s+(?:the\s+)?"
    rf"(?P<n>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}})"
)
_AT_IN_PLACE = re.compile(
    rf"\bat\s+(?:the\s+)?(?P<n>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}),?\s+in\s+(?=[A-Z])"
)
#: "presented at X in Chicago", "the congress at X in Vienna": a meeting, not a trial site
_MEETING_BEFORE = re.compile(
    r"\b(?:present(?:ed|s|ing)?|report(?:ed|s)?|announc(?:ed|es)?|publish(?:ed|es)?|shown|"
    r"spoke|speaking|said|told|unveiled|meeting|conference|congress|symposium|summit|"
    r"session|poster|talk|lecture|webinar)\s+(?:[\w\-]+\s+){0,2}$",
    re.IGNORECASE,
)
_TEAM = re.compile(
    rf"\b[Tt]he\s+(?P<n>{_NAME_WORD}(?:[ \t]+{_NAME_WORD})?)\s+"
    r"(?:team|researchers|investigators|doctors|physicians|scientists)\b"
)


def find_named_sites(
    text: str, lo: int = 0, hi: int | None = None, *, team: bool = False, team_only: bool = False
) -> list[NameMatch]:
    """Institutions named without an institution word, by where a trial ran ("the study ran at
    Hadassah", "at Karolinska in Stockholm") or by their team ("the Hadassah team")."""
    end = _end(text, hi)
    low = text[lo:end].lower()
    out: list[NameMatch] = []
    rxs = []
    if " at " in low and not team_only:
        rxs.append(_RAN_AT)
    if " at " in low and " in " in low and not team_only:
        rxs.append(_AT_IN_PLACE)
    if team and any(
        w in low
        for w in ("team", "researchers", "investigators", "doctors", "physicians", "scientists")
    ):
        rxs.append(_TEAM)
    for rx in rxs:
        for m in rx.finditer(text, lo, end):
            if rx is _AT_IN_PLACE and not _PLACE_RE.match(text, m.end()):
                continue  # "at Hadassah in Jerusalem": the place after "in" must be one we know
            if rx is _AT_IN_PLACE and _MEETING_BEFORE.search(
                text, max(lo, m.start() - 40), m.start()
            ):
                continue  # "presented at ASCO in Chicago": a meeting, not where a trial ran
            name = _trim_org(m.group("n"))
            words = name.split()
            if not words or any(w in _COMMON_CAPS for w in words):
                continue
            if name in _PLACES or name in _DEMONYMS or _CONDITION_ABBR.fullmatch(name):
                continue
            if _PHASE_LIKE.fullmatch(name) or _REGISTRY_ID.match(name) or len(name) < 3:
                continue
            if _is_site_name(name) or _SPONSOR_SUFFIX.search(name):
                continue  # a full site or company name: found by find_sites/find_sponsors
            start = m.end("n") - len(name)
            out.append(NameMatch("site", name, (start, m.end("n"))))
    return out


# ------------------------------------------------------------------------------ products
_PRODUCT_WORD = r"[A-Z][\w\-]*[\w]|[a-z]+[A-Z][\w\-]*"
_CALLED = re.compile(
    r"\b(?:(?:called|named|dubbed)(?:\s+(?:its|their|our|the|this|these)\s+(?:[a-z][\w\-]*\s+){0,2}?"
    r"(?:cells?|product|drug|therapy|treatment|candidate|compound|technology|platform|vaccine|"
    r"medicine|molecule|antibody|implant))?|known\s+as|branded(?:\s+as)?|trade[\s\-]?named|"
    r"(?:then\s+)?coded(?:\s+as)?|code[\s\-]?named|"
    r"marketed\s+as|(?:brand|trade)[\s\-]names?(?:\s+of)?)\s+[\"“‘']?"
    rf"(?P<n>{_PRODUCT_WORD})"
)
_OUR_PRODUCT = re.compile(
    r"\b(?:[Oo]ur|[Ii]ts|[Tt]heir|[Tt]he\s+company[’']s|[Tt]he)\s+(?:(?:lead|novel|proprietary|investigational|flagship|"
    r"experimental|first|innovative|patented|new|own|autologous|allogeneic|leading)\s+)*"
    r"(?:product(?:\s+candidate)?|candidate|drug(?:\s+candidate)?|therapy|treatment|compound|asset|"
    r"vaccine|medication|medicine|cell\s+therapy|gene\s+therapy|antibody|technology|"
    r"therapeutic|biologic)[,]?\s+[\"“]?(?P<n>(?:[A-Z][\w\-]*[\w]|[a-z]+[A-Z][\w\-]*)(?:\s*[®™])?)"
)
#: a development code right after a treatment noun: "cell and gene therapy TG-C", "the drug AB-12"
_TREAT_CODE = re.compile(
    r"\b(?:therapy|therapies|treatment|drug|candidate|compound|vaccine|antibody|product)\s+"
    r"(?P<n>[A-Z][A-Z0-9]{0,6}-[A-Z0-9]{1,6}(?:-[A-Z0-9]+)?)\b(?!-)"
)
#: "NurOwn, a cell therapy much like ours", "Ibrance, an oral drug": a name in apposition
_APPOS_PRODUCT = re.compile(
    r"(?P<n>[A-Z][a-z]*[A-Z][\w\-]*|[A-Z][\w\-]*\d[\w\-]*|(?<=[a-z’'] )[A-Z][a-z]{3,}),\s+an?\s+"
    r"(?:[\w\-]+\s+){0,3}?(?:therapy|treatment|drug|medicine|product|candidate|vaccine|"
    r"antibody|compound)\b"
)
#: a sentence that says what a coined product or a code is made of: "NurOwn is made from a
#: patient's own bone marrow cells", "CVX-12 is derived from donor cord blood"
_DEFINED_PRODUCT = re.compile(
    r"[\s*#\-–•\"“]*(?P<n>[A-Z]?[a-z]+[A-Z][\w\-]*|[A-Z]{2,}[a-z][\w\-]*|"
    r"[A-Z]{1,5}-?\d{2,6}[A-Za-z]?|[A-Z]{2,6}-[A-Z0-9]{1,6})(?:\s*[®™])?\s+(?:is|are)\s+"
    r"(?:(?:now|also|usually|typically)\s+)?(?:made|derived|produced|manufactured|grown)\s+from\b"
)
#: a drug named right after its class: "a newer CDK4/6 inhibitor, veltracib, ..."
_CLASS_APPOS = re.compile(
    r"\b(?:an?|the|its|their|our)\s+(?:[\w/\-]+\s+){0,3}?"
    r"(?:inhibitor|antibody|agonist|antagonist|blocker|modulator|drug|medicine|compound|pill|"
    r"molecule|analog(?:ue)?|vaccine|therapy|treatment|candidate|degrader)s?,\s+"
    r"(?P<n>[a-z][a-z\-]{4,}|[A-Z][a-z][\w\-]{3,})(?=\s*[,;)–—]|\s+\()"
)
_CLASS_WORDS = tuple(
    w + end
    for w in _split("""inhibitor antibody antibodies agonist antagonist blocker modulator drug
    medicine compound pill molecule analog analogue vaccine therapy treatment candidate degrader""")
    for end in ("", "s")
)


def _class_word_before_comma(low: str) -> bool:
    """Does a drug-class word ("inhibitor", "antibody") end right before a ", "?"""
    j = low.find(", ")
    while j >= 0:
        if low.endswith(_CLASS_WORDS, 0, j):
            return True
        j = low.find(", ", j + 2)
    return False


#: words that close such an apposition without being a name ("a drug, however, ...")
_NOT_APPOS_NAME = frozenset(
    _split("""however therefore though although which whereas meanwhile instead again already
    still moreover furthermore indeed thus hence too either neither since because while where
    when who whom whose unless until after before once often sometimes perhaps maybe including
    especially notably such other others another patients people adults children women""")
)
_APPOS_NOT_AFTER = frozenset(["in", "at", "from", "on", "by", "for", "with", "to", "of", "near"])
_MARK = re.compile(r"(?P<n>(?:[A-Z][\w\-]*[\w]|[a-z]+[A-Z][\w\-]*))\s?(?:®|™|\(R\)|\(TM\))")
_PAREN_CODE = re.compile(r"\((?P<code>[^()\s,;]{2,20}(?:\s[^()\s,;]{1,12})?)\)")
_WORD_END = re.compile(r"(?P<n>[A-Za-z][\w\-]*[\w])\s*(?:®|™)?\s*$")
_CODE = re.compile(
    r"\b(?P<n>[A-Z]{1,5}-?\d{2,6}[A-Za-z]?|[A-Z]{1,5}-[A-Z]{1,4}\d{1,4}[A-Za-z]?)\b(?!-\d)"
)
_CODE_STOP = re.compile(
    r"^(?:NCT|ISRCTN|ACTRN|DRKS|UMIN|KCT|NTR|PACTR|CD|IL|TNF|TDP|HLA|SOD|TGF|VEGF|BDNF|GDNF|IGF|FGF|"
    r"HER|EGFR|BRCA|APOE|FY|ISO|COVID|SARS|Q|H|CT|MRI|PET|EEG|ECG|EKG|BMI|FVC|PDL|PD|CTLA|HIV|HPV|"
    r"HCV|HBV|EU|US|ALSFRS|EDSS|UPDRS|MMSE|ADAS|AM|PM|USD|EUR|MG|ML|A|B|C|D|E|F|G|I|K|L|M|N|O|P|R|S|"
    r"T|U|V|W|X|Y|Z|ICD|DSM|GMP|PR|TV|NEJM|JAMA|REF|RNA|DNA|CYP)-?\d"
)
#: stems of international nonproprietary names (WHO): "-mab" (-zumab, -ximab, -umab), the
#: kinase and enzyme inhibitors ("-nib": -tinib, -anib, -rafenib, -denib; -ciclib, -parib,
#: -lisib, -zomib, -degib, -coxib), "-stat", "-vir", "-cept", "-kinra", "-cel" (cell therapies:
#: -leucel, -temcel, -strocel), antisense "-ersen", "-glutide"
_INN_SUFFIXES = (
    "mab", "nib", "ciclib", "parib", "lisib", "zomib", "degib", "coxib", "ersen", "irsen",
    "orsen", "cel", "glutide", "vir", "stat", "cept", "kinra",
)  # fmt: skip
#: the stems that are also the ends of capitalized names ("Marcel", "Elvir"): a capitalized
#: word must end in one of these longer forms
_INN_CAPITAL_SUFFIXES = (
    "mab", "tinib", "anib", "fenib", "denib", "ciclib", "parib", "lisib", "zomib", "degib",
    "coxib", "ersen", "irsen", "orsen", "strocel", "stemcel", "temcel", "leucel", "glutide",
    "navir", "previr", "buvir", "tegravir", "kinra", "cept",
)  # fmt: skip
#: English words that happen to end like a stem
_INN_NOT = frozenset(
    _split("""thermostat rheostat hemostat haemostat cryostat photostat aerostat
    heliostat gyrostat biostat concept concepts except accept intercept percept precept
    preconcept misconcept cancel parcel chancel excel precancel marcel""")
)
_LONG_WORD = re.compile(r"\b[A-Za-z]{6,}\b")
_CAMEL = re.compile(r"\b(?P<n>[A-Z]?[a-z]+[A-Z][A-Za-z0-9]*|[A-Z]{2,}[a-z]+[A-Za-z]*)\b")
_LETTER_CODE = re.compile(r"\b[A-Z]{2,6}-(?:[A-Z]{2,6}|\d{1,2})\b(?!-)")
_CAMEL_GATE = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_TREAT_NEXT = re.compile(
    r"\s+(?:treatment|therapy|transplants?|transplantation|injections?|infusions?|cells|"
    r"administration|program|arm|group)\b"
)
_TRIAL_ADJ = (
    r"(?:(?:Phase\s+\w+(?:/\w+)?|pivotal|clinical|registrational|confirmatory|extension|open-label|"
    r"global|randomi[sz]ed|double-blind|placebo-controlled|multi-?cent(?:er|re)|international|"
    r"ongoing|landmark|first-in-human|late-stage|mid-stage|Phase)\s+)*"
)
#: a trial name: capitals ("HOPE-2"), inner capitals ("monarchE"), or capitals then a word
#: ("ALSummit"; not a plural acronym such as "MSCs", "NSCs")
_NAME_TOKEN = (
    r"(?:[A-Z][A-Z0-9]{2,}(?:-[A-Z0-9]+)*(?![a-z])|[A-Za-z][a-z]+[A-Z][\w\-]*|"
    r"[A-Z]{2,}[a-z]{3,}[\w\-]*)"
)
_TRIAL_NAME_BEFORE = re.compile(
    rf"\b(?P<n>{_NAME_TOKEN}),\s+(?:its|their|our|the|an?)\s+(?:[\w\-/]+\s+){{0,4}}?"
    r"(?:trial|study)\b"
)
_TRIAL_NAME_PHASE = re.compile(
    rf"\b(?:Phase|PHASE|phase)\s+[0-9IVX]+[abAB]?(?:/[0-9IVX]+[abAB]?)?\s+(?P<n>{_NAME_TOKEN})\s+"
    r"(?:[Tt]rial|TRIAL|[Ss]tudy|STUDY)\b"
)
_TRIAL_NAME_APPOS = re.compile(
    r"\b(?:trial|study)\s*(?:,|\(|–|—)\s*(?:(?:called|named|dubbed|known\s+as)\s+)?"
    rf"(?P<n>{_NAME_TOKEN})\s*(?:,|\)|–|—|;|\.)"
)
_TRIAL_NAME = re.compile(
    rf"\b(?:[Tt]he|[Ii]ts|[Oo]ur|[Tt]heir)\s+{_TRIAL_ADJ}"
    r"(?P<n>[A-Z][A-Z0-9]{2,}(?:-[A-Z0-9]+)*|[A-Z][a-z]+[A-Z][\w\-]*|"
    r"[A-Z][a-z]+-(?:\d+[A-Za-z]?|[A-Z]{1,3}\d{0,3})(?![\w\-]))\s+"
    rf"{_TRIAL_ADJ}(?:trial|study|studies|program)\b"
)


#: a phase or a Roman numeral ("III", "IIb", "I/II", "2/3", "Phase"): never a name
_PHASE_LIKE = re.compile(
    r"(?:[Pp]hases?|PHASES?)?[\s\-]*(?:[IVX]+|\d)[abcABC]?(?:\s*[/\-–&]\s*(?:[IVX]+|\d)[abcABC]?)?"
    r"|[Pp]hases?|PHASES?"
)

_REGISTRY_ID = re.compile(
    r"(?:NCT|ISRCTN|ACTRN|ChiCTR|CTRI|DRKS|UMIN|IRCT|KCT|NTR|PACTR|EUCTR|JPRN|jRCT)[\-/]?\d"
)


def _is_acronym_of(words: str, code: str) -> bool:
    """Is ``code`` the acronym of ``words`` (a definition, not a product)?"""
    letters = [c for c in code.upper() if c.isalpha()]
    initials = [w[0].upper() for w in _RX0.findall(words)]
    if not letters:
        return False
    return "".join(initials).endswith("".join(letters))


_CALLED_WORDS = (
    "called", "named", "dubbed", "known as", "branded", "marketed", "brand", "trade", "coded",
)  # fmt: skip
_OUR_WORDS = (
    "product", "candidate", "drug", "therap", "treatment", "compound", "asset", "vaccine",
    "medic", "antibody", "technolog", "biologic",
)  # fmt: skip
_OUR_GATE = re.compile(
    r"product|candidate|drug|therap|treatment|compound|asset|vaccine|medic|antibody|technolog|"
    r"biologic",
    re.IGNORECASE,
)
_MARK_GATE = re.compile(r"[®™]|\((?:R|TM)\)")
_DIGIT = re.compile(r"\d")
_TRIAL_GATE = re.compile(r"trial|stud|program", re.IGNORECASE)


def find_products(
    text: str, lo: int = 0, hi: int | None = None, *, strong_only: bool = False
) -> list[NameMatch]:
    """Product and trial names; ``strong_only``: only explicit presentations ("called X")."""
    out: list[NameMatch] = []

    def add(value: str, span: Span, strength: int, kind: str = "product") -> None:
        value = value.strip(" ®™\"“”'")
        if len(value) < 2 or value in _COMMON_CAPS or value.upper() in _COMMON_CAPS_UPPER:
            return
        if _PHASE_LIKE.fullmatch(value):
            return  # "The Phase III study": a phase is never a name
        out.append(NameMatch(kind, value, span, strength))

    end = _end(text, hi)
    region = text[lo:end]
    low = region.lower()
    if any(w in low for w in _CALLED_WORDS):
        for m in _CALLED.finditer(text, lo, end):
            add(m.group("n"), m.span("n"), 2)
    if any(w in low for w in _OUR_WORDS):
        for m in _OUR_PRODUCT.finditer(text, lo, end):
            add(m.group("n"), m.span("n"), 2)
    if "®" in region or "™" in region or "(r)" in low or "(tm)" in low:
        for m in _MARK.finditer(text, lo, end):
            add(m.group("n"), m.span("n"), 2)
    for pm in _PAREN_CODE.finditer(text, lo, end) if "(" in region else ():
        wm = _WORD_END.search(text, max(lo, pm.start() - 40), pm.start())
        if not wm:
            continue
        n, code = wm.group("n"), pm.group("code")
        if not (_RX1.search(code) or "-" in code or _RX2.search(code)):
            continue
        before = text[max(0, wm.start() - 60) : wm.end("n")]
        if _is_acronym_of(before, code):
            continue
        if _RX3.fullmatch(code) or "%" in code:
            continue
        if not (_coined(n) or _CODE.fullmatch(n) or _is_inn(n)):
            # "X (ABC-123)": X is a name when the parenthesis holds a code
            if not (_CODE.fullmatch(code) or _RX4.search(code)):
                continue
            if not n[0].isupper():
                continue
        add(n, wm.span("n"), 2)
        if _CODE.fullmatch(code) or _RX5.fullmatch(code):
            add(code, pm.span("code"), 2)
    if ", a" in region and any(w in low for w in _TREAT_CODE_WORDS):
        for m in _APPOS_PRODUCT.finditer(text, lo, end):
            n = m.group("n")
            prev = text[max(lo, m.start() - 6) : m.start()].split()
            if n in _PLACES or (prev and prev[-1].lower() in _APPOS_NOT_AFTER):
                continue  # "In Boston, a drug ..." is a place
            # strength 1: a name for the sentence's claim, not the product the document presents
            add(n, m.span("n"), 1)
    if "'s " in region or "’s " in region:
        for m in _POSSESSIVE_PRODUCT.finditer(text, lo, end):
            owner = m.group("owner")
            if owner not in _COMMON_CAPS and owner not in _PLACES and owner not in _DEMONYMS:
                add(m.group("n"), m.span("n"), 1)
    if "-" in region and any(w in low for w in _TREAT_CODE_WORDS):
        for m in _TREAT_CODE.finditer(text, lo, end):
            if not _CODE_STOP.match(m.group("n").split("-")[0] + "1"):
                add(m.group("n"), m.span("n"), 2)
    if " made " in region or " derived " in region or " produced " in region:
        defined = _DEFINED_PRODUCT.match(text, lo, end)
        if defined is not None and could_be_name(defined.group("n")):
            add(defined.group("n"), defined.span("n"), 2)
    if strong_only:
        return out
    for m in _CODE.finditer(text, lo, end) if _DIGIT.search(region) else ():
        if _CODE_STOP.match(m.group("n").split("-")[0] + "1"):
            continue  # "NCT0123", "IL-6", "PD-L1": IDs and markers, not products
        add(m.group("n"), m.span("n"), 1)
    for m in _LONG_WORD.finditer(text, lo, end):
        w = m.group(0).lower()
        if w.endswith(_INN_SUFFIXES) and _is_inn(m.group(0)):
            add(w, m.span(), 1)
    if ", " in region and _class_word_before_comma(low):
        for m in _CLASS_APPOS.finditer(text, lo, end):
            # "a newer CDK4/6 inhibitor, veltracib, in 4,000 patients": named after its class
            n = m.group("n")
            if n.lower() in _NOT_APPOS_NAME or n.endswith("ly") or n in _PLACES or _is_inn(n):
                continue  # an INN is already added (lower-cased) by the stem loop
            add(n, m.span("n"), 1)
    for m in _CAMEL.finditer(text, lo, end) if _CAMEL_GATE.search(region) else ():
        add(m.group("n"), m.span("n"), 0)
    trial_words = "trial" in low or "stud" in low or "program" in low or "phase" in low
    for m in _LETTER_CODE.finditer(text, lo, end) if "-" in region else ():
        # "MSC-NTF cells", "HYNR-CS injections": a name only beside treatment words, or as
        # the subject of a sentence about a trial ("HYNR-CS had a randomized Phase I/II")
        if not _CODE_STOP.match(m.group(0) + "1"):
            subject = trial_words and _CODE_SUBJECT.match(text, m.end())
            add(m.group(0), m.span(), 1 if subject else 0)
    if "trial" not in low and "stud" not in low and "program" not in low:
        return out
    for m in _matches_at(_TRIAL_OF, text, low, lo, end, ("trial", "stud", "program")):
        # "The Phase III study of Neuronata-R", "a trial of ChondroLift", "trial of OR-MS1"
        n = m.group("n")
        if not _is_inn(n) and _named_in_trial_of(text, n, m.end("n")):
            add(n, m.span("n"), 1)
    for m in _trial_name_matches(text, lo, end):
        n = m.group("n")
        if _good_trial_name(n):
            add(n, m.span("n"), 2, "trialname")
    return out


_TREAT_CODE_WORDS = (
    "therap", "treatment", "drug", "candidate", "compound", "vaccine", "antibody", "product",
)  # fmt: skip
_COMMON_CAPS_UPPER = frozenset(w.upper() for w in _COMMON_CAPS)


def find_trial_names(text: str, lo: int = 0, hi: int | None = None) -> list[NameMatch]:
    """Only the trial names of :func:`find_products` ("the HOPE-2 trial")."""
    end = _end(text, hi)
    low = text[lo:end].lower()
    if "trial" not in low and "stud" not in low and "program" not in low:
        return []
    out: list[NameMatch] = []
    for m in _trial_name_matches(text, lo, end):
        n = m.group("n")
        if _good_trial_name(n):
            out.append(NameMatch("trialname", n, m.span("n"), 2))
    return out


_BEFORE_GATE = re.compile(r",\s+(?:its|their|our|the|an?)\s")
_APPOS_GATE = re.compile(r"(?:trial|study)\s*[,(–—]")


def _trial_name_matches(text: str, lo: int, end: int) -> list[re.Match[str]]:
    patterns = [_TRIAL_NAME, _TRIAL_NAME_PHASE]
    if _APPOS_GATE.search(text, lo, end):
        patterns.append(_TRIAL_NAME_APPOS)
    if _BEFORE_GATE.search(text, lo, end):
        patterns.append(_TRIAL_NAME_BEFORE)
    return [m for rx in patterns for m in rx.finditer(text, lo, end)]


#: a trial's product after "trial of", "study testing" (checked by _named_in_trial_of)
_TRIAL_OF = re.compile(
    r"\b(?:trials?|stud(?:y|ies)|programm?e?s?)\s+(?:of|with|testing|evaluating|investigating|"
    r"assessing|comparing)\s+(?:(?:the|an?|its|their|our)\s+)?"
    r"(?:(?!(?:in|with|for|from|at|on|by|of|and|or|to|who|that|which|whether|patients|people)\b)"
    r"[a-z][\w\-]*\s+){0,2}(?P<n>[A-Z][\w]*(?:-[\w]+)*)(?![\w/\-])"
)
#: what follows a plain capitalized word that is a product: "trial of Spinraza in SMA"
_AFTER_PLAIN_NAME = re.compile(
    r"\s*[,(®™]|\s+(?:in|for|versus|vs\.?|plus|compared|against|as|at)\b"
)
#: a verb after a code that is the subject of a trial sentence ("HYNR-CS had a Phase I/II")
_CODE_SUBJECT = re.compile(
    r"\s+(?:has|had|is|was|entered|enters|began|begins|completed|completes|showed|shows|met|"
    r"missed|failed|started|starts|moved|moves|advanced|advances|will\s+(?:enter|begin|start))\b"
)


def _matches_at(
    rx: re.Pattern[str], text: str, low: str, lo: int, end: int, keys: tuple[str, ...]
) -> list[re.Match[str]]:
    """``rx`` matched where one of ``keys`` starts in the lower-cased region ``low`` (which
    begins at ``lo``): a few anchored matches instead of a scan of the whole sentence."""
    out = []
    for k in keys:
        j = low.find(k)
        while j >= 0:
            m = rx.match(text, lo + j, end)
            if m:
                out.append(m)
            j = low.find(k, j + 1)
    return out


def _named_in_trial_of(text: str, n: str, end: int) -> bool:
    """Is ``n``, right after "trial of", the name of what the trial tests?"""
    if n in _COMMON_CAPS or n in _PLACES or n in _DEMONYMS or n.upper() in _COMMON_CAPS_UPPER:
        return False
    if _CONDITION_ABBR.fullmatch(n) or _PHASE_LIKE.fullmatch(n) or _REGISTRY_ID.match(n):
        return False
    if _CODE_STOP.match(n) or _CODE_STOP.match(n.split("-")[0] + "1"):
        return False
    if _coined(n) or "-" in n or _is_inn(n):
        return True
    # a plain capitalized word: a name when a preposition, comma or mark follows it
    return len(n) >= 4 and not n.isupper() and bool(_AFTER_PLAIN_NAME.match(text, end))


def _good_trial_name(n: str) -> bool:
    if n in _COMMON_CAPS or n in _PLACES or len(n) < 3 or _CONDITION_ABBR.fullmatch(n):
        return False
    if _PHASE_LIKE.fullmatch(n):
        return False
    return not _REGISTRY_ID.match(n) and n.upper() not in _COMMON_CAPS_UPPER


def _is_inn(word: str) -> bool:
    """A word shaped like an international nonproprietary name ("tofersen", "palbociclib")."""
    w = word.lower()
    if len(w) < 6 or not w.endswith(_INN_SUFFIXES) or w in _INN_NOT or not w.isalpha():
        return False
    return word[0].islower() or w.endswith(_INN_CAPITAL_SUFFIXES)


def _coined(word: str) -> bool:
    """A coined product-like word: internal capitals ("NurOwn") or letters mixed with digits."""
    return bool(_RX6.search(word) or _RX7.search(word))


def could_be_name(word: str) -> bool:
    """Could a capitalized word be a product's name? Not a common word, month, place,
    nationality, disease acronym or phase ("August", "Placebo", "Korea", "ALS", "Phase")."""
    return not (
        word in _COMMON_CAPS
        or word.upper() in _COMMON_CAPS_UPPER
        or word in _PLACES
        or word in _DEMONYMS
        or _CONDITION_ABBR.fullmatch(word)
        or _PHASE_LIKE.fullmatch(word)
    )


def treatment_word_follows(text: str, end: int) -> bool:
    return bool(_TREAT_NEXT.match(text, end))


# ------------------------------------------------------------------------------ conditions
_CONDITION_HEADS = (
    r"(?i:disease|syndrome|sclerosis|atrophy|dystrophy|cancer|carcinoma|lymphoma|leuka?emia|"
    r"myeloma|melanoma|sarcoma|glioma|glioblastoma|tumou?rs?|injury|injuries|failure|disorder|"
    r"palsy|diabetes|arthritis|fibrosis|hypertension|dementia|stroke|infarction|cirrhosis|"
    r"hepatitis|neuropathy|myopathy|epilepsy|autism|asthma|psoriasis|colitis|ataxia|paralysis|"
    r"degeneration|insufficiency|ischemia|ischaemia|obesity|osteoarthritis|lupus|anemia|anaemia)"
)
_CONDITION_HEAD_RE = re.compile(rf"\b{_CONDITION_HEADS}\b")
_CONDITION_ABBR_RE = re.compile(
    r"\b(?:ALS|SMA|MS|DMD|HD|SCI|COPD|MND|RA|T1D|T2D|GVHD|NSCLC|AML|CLL|CML|IPF|NASH|AMD|ASD|CKD|"
    r"ARDS|TBI|HIV)\b"
)
#: the shape of a word in a disease name ("Gehrig’s", "triple-negative")
_WORD_SHAPE = re.compile(r"[A-Za-z][A-Za-z\-]*(?:['’]s)?")
_CONDITION_LEAD_STOP = frozenset(
    _split("""the a an of in on with and or for to from by this that these those his her their its
    our your which who whom is are was were be been has have had not no all any some each every
    many most other such than as at into incurable devastating progressive fatal rare serious
    severe common chronic advanced early late treating treat treatment therapy patients
    patient suffering affected diagnosed various degenerative neurodegenerative new same
    rapidly genetic hereditary contagious certain""")
)
_CONDITION_BAD = frozenset(
    _split("""disease diseases failure injury injuries disorder syndrome cancer tumor tumors tumour
    tumours degeneration stroke""")
)
_CONDITION_ABBR = re.compile(
    r"ALS|SMA|MS|DMD|HD|SCI|COPD|MND|RA|T1D|T2D|GVHD|NSCLC|AML|CLL|CML|IPF|NASH|AMD|ASD|CKD|ARDS|"
    r"TBI|HIV|AD|PD|CP|MI|HF|ALL|PAD|COVID|COVID-19|CNS|NF1|PKU"
)


def find_conditions(text: str, lo: int = 0, hi: int | None = None) -> list[NameMatch]:
    """Disease names: a head word ("disease", "sclerosis", "cancer"...) and the words before it
    that belong to the name; and common disease acronyms ("ALS", "SMA")."""
    out: list[NameMatch] = []
    end = _end(text, hi)
    low = text[lo:end].lower()
    for m in _LOW_WORD.finditer(low):
        if m.group() in _CONDITION_WORDS:
            found = condition_at(text, lo + m.start(), lo + m.end(), lo)
            if found:
                out.append(found)
    out.sort(key=lambda n: n.span)
    return out


_LOW_WORD = re.compile(r"[a-z0-9]+")
_CONDITION_WORDS = frozenset(
    _split(
        """disease syndrome sclerosis atrophy dystrophy cancer carcinoma lymphoma leukemia
        leukaemia myeloma melanoma sarcoma glioma glioblastoma tumor tumors tumour tumours injury
        injuries failure disorder palsy diabetes arthritis fibrosis hypertension dementia stroke
        infarction cirrhosis hepatitis neuropathy myopathy epilepsy autism asthma psoriasis
        colitis ataxia paralysis degeneration insufficiency ischemia ischaemia obesity
        osteoarthritis lupus anemia anaemia als sma ms dmd hd sci copd mnd ra t1d t2d gvhd nsclc
        aml cll cml ipf nash amd asd ckd ards tbi hiv ela sla ame"""
    )
)
#: disease acronyms of other languages: ELA (esclerosis lateral amiotrófica), SLA (sclérose
#: latérale amyotrophique, sclerosi laterale amiotrofica, stwardnienie zanikowe boczne), AME
#: (atrofia muscular espinal, amyotrophie spinale)
_FOREIGN_CONDITION_ABBR = {"ELA": "ALS", "SLA": "ALS", "AME": "SMA"}


def condition_at(text: str, start: int, end: int, lo: int = 0) -> NameMatch | None:
    """The condition whose head word (or acronym) is ``text[start:end]``, or None."""
    head = text[start:end]
    if head.isupper() and _CONDITION_ABBR_RE.fullmatch(head):
        return NameMatch("condition", head, (start, end))
    if head in _FOREIGN_CONDITION_ABBR:
        # "pacientes con ELA", "pazienti con SLA": the English acronym the registry uses
        return NameMatch("condition", _FOREIGN_CONDITION_ABBR[head], (start, end))
    if not _CONDITION_HEAD_RE.fullmatch(head):
        return None
    # keep the words right before the head word, up to the first that is not part of a
    # disease name ("risk of disease" -> nothing; "Lumora's breast cancer" -> "breast
    # cancer"; an eponym "Parkinson's disease" stays)
    kept = [head]
    for _ in range(3):
        # the word right before ``start``, separated by spaces or tabs only
        j = start
        while j > lo and text[j - 1] in " \t":
            j -= 1
        if j == start or j <= lo:
            break
        k = j
        while k > lo and (text[k - 1].isalpha() or text[k - 1] in "-'’"):
            k -= 1
        word = text[k:j]
        if not _WORD_SHAPE.fullmatch(word):
            break
        low = word.lower()
        if low in _CONDITION_LEAD_STOP or low in _CONDITION_WORD_STOP:
            break
        possessive = word.endswith(("'s", "’s"))
        if word[0].isupper() and possessive and len(kept) > 1:
            break
        if word[0].isupper() and not possessive and len(kept) == 1 and not _eponym_head(head):
            break
        kept.insert(0, word)
        start = k
    phrase = " ".join(kept)
    if phrase.lower() in _CONDITION_BAD:
        return None
    return NameMatch("condition", phrase, (start, end))


def _eponym_head(head: str) -> bool:
    return head.lower() in (
        "disease",
        "syndrome",
        "palsy",
        "sclerosis",
        "atrophy",
        "dystrophy",
        "ataxia",
    )


_CONDITION_WORD_STOP = frozenset(
    _split(
        """risk trial study drug pill patients patient children adults women men people cases
        treatment therapy cure outcome outcomes progression symptoms signs onset stage form
        forms type manifestations course rate death deaths survival"""
    )
)


_PAREN_ABBR = re.compile(r"\((?P<abbr>[A-Z][A-Za-z0-9]{1,7})\)")
_WORDS_BEFORE = re.compile(r"[A-Za-z][\w'’\-]*")


def abbreviation_map(text: str) -> dict[str, str]:
    """Acronyms the document defines: {"ALS": "Amyotrophic Lateral Sclerosis"}."""
    result: dict[str, str] = {}
    for m in _PAREN_ABBR.finditer(text):
        abbr = m.group("abbr")
        letters = [c for c in abbr if c.isupper()]
        n = len(letters)
        if n < 2 or abbr in result:
            continue
        words = _WORDS_BEFORE.findall(text, max(0, m.start() - 80), m.start())
        # take as many trailing words as the acronym has capitals
        if len(words) < n:
            continue
        cand = words[-n:]
        if [w[0].upper() for w in cand] == letters:
            result[abbr] = " ".join(cand)
    return result
