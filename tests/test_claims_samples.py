"""Claim extraction on labelled samples (tests/samples/claims/, written for these tests):
a press release with NCT and EudraCT numbers, a news story about another disease and sponsor,
a clinic page with contact lines in other languages and a reference list, a pipeline page in
Roman and Arabic numerals, and an HTML clinic page with a script and a style block.
Every product, company and trial name in them is invented, so nothing can be found from a list.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trialmatch.claims.extract import extract_path

SAMPLES = Path(__file__).resolve().parent / "samples" / "claims"


def _doc(name):
    doc = extract_path(SAMPLES / name)
    assert doc.error is None, doc.error
    return doc


def _figures(doc):
    ids = {c.claim_id: i for i, c in enumerate(doc.claims)}
    return [
        (doc.text[f.span[0] : f.span[1]], f.value, f.unit, ids.get(f.claim_id)) for f in doc.figures
    ]


def _evidence(doc, claim):
    return " ".join(" ".join(doc.text[s:e].split()) for s, e in claim.spans)


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir()))
def test_every_sample_is_labelled(name):
    head = (SAMPLES / name).read_text(encoding="utf-8")[:300]
    assert "SAMPLE written for trialmatch tests, not a real document" in head


def test_press_release():
    doc = _doc("press_release_nct.txt")
    hope, europe, earlier = doc.claims
    assert hope.nct_ids == ("NCT05123456",)
    assert hope.phases == ("PHASE2", "PHASE3")
    assert {"NeuroCellX", "HOPE-2", "AXL-201"} <= set(hope.names)
    assert hope.sponsors == ("Axolotl Biotherapeutics",)
    assert {"randomized", "double-blind", "placebo-controlled", "multicenter"} == set(hope.design)
    assert hope.enrollment == 189
    assert [a.label for a in hope.arms] == ["NeuroCellX", "placebo"]
    assert set(hope.countries) == {"United States", "Canada"}
    assert (hope.follow_up.value, hope.follow_up.unit) == (12, "months")
    # "CAMBRIDGE, Mass., March 4, 2024 /PRNewswire/ --" dates the release, not the trial
    assert hope.dates == ()

    assert europe.other_ids == ("2021-004512-33",)
    assert europe.phases == ("PHASE2",) and europe.enrollment == 60
    assert [d.to_dict() for d in europe.dates] == [
        {"text": "Q3 2024", "start": "2024-07", "end": "2024-09", "role": "results"}
    ]
    assert europe.countries == ("Germany",)

    assert earlier.nct_ids == ("NCT03999888",)
    assert earlier.phases == ("PHASE1", "PHASE2") and earlier.design == ("open-label",)
    assert earlier.enrollment == 24 and earlier.sites == ("Massachusetts General Hospital",)
    assert "completed" in earlier.status
    assert [(d.start, d.role) for d in earlier.dates] == [("2021", "completion")]

    assert _figures(doc) == [
        ("189 participants", 189, "patients", 0),
        ("12 months", 12, "months", 0),  # "were followed for 12 months"
        ("38%", 38, "percent", 0),
        ("61%", 61, "percent", 0),
        ("60 patients", 60, "patients", 1),
        ("24 patients", 24, "patients", 2),
        ("71%", 71, "percent", 2),
        ("125 million cells", 125_000_000, "cells", None),
        ("2.5 mL", 2.5, "ml", None),
    ]
    # the forward-looking boilerplate ("the timing of clinical trials") is no claim
    assert all("forward-looking" not in _evidence(doc, c) for c in doc.claims)


def test_news_about_another_disease_and_sponsor():
    doc = _doc("news_other_disease.md")
    pivotal, phase2b = doc.claims
    assert pivotal.phases == ("PHASE3",) and pivotal.names == ("BRIGHTSTAR",)
    assert pivotal.other_ids == ("ISRCTN48213577",)
    assert pivotal.enrollment == 612
    assert set(pivotal.design) == {"multicenter", "randomized"}
    assert set(pivotal.countries) == {"United Kingdom", "France", "Spain", "Japan"}
    assert pivotal.sponsors == ("Lumora Pharma",)
    assert "breast cancer" in pivotal.conditions
    assert ("2020-01", "start") in [(d.start, d.role) for d in pivotal.dates]
    assert "2023-06-12" not in [d.start for d in pivotal.dates]  # the dateline
    # "completed enrollment in August 2022" is not a completed trial
    assert "enrollment completed" in pivotal.status and "completed" not in pivotal.status

    assert phase2b.phases == ("PHASE2",) and "recruiting" in phase2b.status
    assert [(d.start, d.end, d.role) for d in phase2b.dates] == [("2024-07", "2024-12", "results")]
    assert phase2b.sponsors == ("Lumora Pharma",)

    assert [(t, v, u) for t, v, u, _c in _figures(doc)] == [
        ("42%", 42, "percent"),
        ("18%", 18, "percent"),
        ("612 women", 612, "patients"),
    ]


def test_clinic_page_with_other_languages_and_references():
    doc = _doc("clinic_multilang.txt")
    (own_study,) = doc.claims  # the reference list's "randomized controlled trial" is no claim
    assert own_study.enrollment == 40
    assert [(d.start, d.role) for d in own_study.dates] == [("2019", "results")]
    assert "approved" in own_study.status
    assert _figures(doc) == [
        ("850 children", 850, "patients", None),
        ("78%", 78, "percent", None),
        ("64 %", 64, "percent", None),
        ("91 percent", 91, "percent", None),
        ("two years", 2, "years", None),
        ("50 million cells", 50_000_000, "cells", None),
        ("40 children", 40, "patients", 0),
        ("70%", 70, "percent", 0),
    ]


def test_pipeline_page_in_roman_and_arabic_numerals():
    doc = _doc("pipeline_roman.md")
    sunrise, myelora, atlas, discovery = doc.claims
    assert sunrise.nct_ids == ("NCT04455667",) and sunrise.phases == ("PHASE1", "PHASE2")
    assert {"KNT-310", "SUNRISE"} <= set(sunrise.names)
    assert set(sunrise.design) == {"open-label", "single-arm"}
    assert sunrise.enrollment == 36
    assert set(sunrise.countries) == {"Australia", "New Zealand"}
    assert [(d.start, d.end, d.role) for d in sunrise.dates] == [
        ("2022-11", "2022-11", "start"),
        ("2024-10", "2024-12", "completion"),
    ]
    assert myelora.phases == ("PHASE2",) and myelora.enrollment == 48
    assert myelora.names == ("Myelora",) and "completed" in myelora.status
    assert "Duchenne muscular dystrophy" in myelora.conditions
    assert atlas.phases == ("PHASE3",) and atlas.names == ("ATLAS-DMD",)
    assert [(d.start, d.end, d.role) for d in atlas.dates] == [("2025-04", "2025-09", "start")]
    assert atlas.countries == ("United States",) and "planned" in atlas.status
    assert discovery.phases == ("PHASE1",) and discovery.names == ("KNT-412",)
    # "Preclinical studies in mice" is not a trial in people
    assert all("mice" not in _evidence(doc, c) for c in doc.claims)


def test_html_page_drops_script_style_and_menu():
    doc = _doc("clinic_page.html")
    (claim,) = doc.claims
    assert claim.nct_ids == ("NCT04012345",) and claim.phases == ("PHASE1", "PHASE2")
    assert claim.names == ("NeuroNova",) and claim.sponsors == ("NovaStem Biologics",)
    assert claim.enrollment == 30 and "recruiting" in claim.status
    assert "999" not in doc.text  # the script and style text is gone
    assert [(t, c) for t, _v, _u, c in _figures(doc)] == [("30 patients", 0), ("83%", None)]
    for s, e in claim.spans:
        assert doc.text[s:e].strip() == doc.text[s:e]
