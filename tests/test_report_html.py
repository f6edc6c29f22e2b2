"""The HTML report: structure a journalist can follow, and every document value escaped."""

from __future__ import annotations

from html.parser import HTMLParser

from test_batch_support import HOSTILE, bioinova_document, unlinked_document

from trialmatch.report.html import render_html
from trialmatch.report.tables import RunReport


class Page(HTMLParser):
    """Collects tags, attributes and text of a rendered page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(a["id"])

    def handle_data(self, data):
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def make_report(docs, **kw) -> RunReport:
    studies = {}
    for d in docs:
        studies.update({k: v.to_dict() for k, v in d.studies.items()})
    base = {
        "run_id": "2026-11-22T031500Z",
        "started_at": "2026-11-22T03:15:00Z",
        "run_date": "2026-11-22",
        "registry": "snapshot cassettes/snapshot",
        "registry_is_snapshot": True,
        "trialmatch_version": "0.1.0",
        "documents": [d.to_dict() for d in docs],
        "studies": studies,
    }
    base.update(kw)
    return RunReport(**base)


def test_summary_comes_first_and_counts_the_run():
    report = make_report(
        [bioinova_document(), unlinked_document("clinic.html", "Our stem cell program helps.")],
        errors=[{"doc": "empty.txt", "reason": "empty file"}],
    )
    page = parse(render_html(report))
    ids_in_order = [a.get("id") for _, a in page.tags if a.get("id")]
    assert (
        ids_in_order.index("summary") < ids_in_order.index("changes") < ids_in_order.index("doc-1")
    )
    text = page.all_text
    # documents, claims, linked, unregistered, discrepancies, flags, changes
    for label, n in [
        ("Documents", 2), ("Trial claims", 2), ("Linked to a registered trial", 1),
        ("No registered trial found", 1), ("Discrepancies", 2), ("Flags", 1),
        ("Changes since last run", 0),
    ]:  # fmt: skip
        assert f"{label} {n}" in text, label
    assert "first run" in text
    assert "empty.txt : empty file" in text


def test_claim_sits_beside_its_record_with_verdicts_and_as_of_version():
    page = parse(render_html(make_report([bioinova_document()])))
    links = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("http")]
    assert "https://clinicaltrials.gov/study/NCT03828123" in links
    text = page.all_text
    assert "Phase IIa clinical trial, JAN/2012 – DEC/2016" in text
    assert "The document says The registry says Verdict" in text
    assert "PHASE2 PHASE1, PHASE2" in text  # claimed beside registered
    # verdict classes drive the colours, and the words are there for print and colour-blind
    classes = [a.get("class", "") for t, a in page.tags if t == "span"]
    assert "verdict v-partly" in classes and "verdict v-differs" in classes
    assert "verdict v-ok" in classes and "verdict v-missing" in classes
    assert "as of 2026-11-22 (record version not stated)" in text
    assert "Phase differs from the claim" in text  # the flag, in words
    assert "no posted results" in text  # the figure's verdict
    assert "26 patients: patients treated" in text


def test_every_registry_fact_says_as_of_its_record_version(snapshot_dir):
    from test_batch_support import results_document, study

    page = parse(render_html(make_report([results_document(study("NCT03280056"))])))
    assert "as of record version 2025-12-24" in page.all_text
    assert "record as of version 2025-12-24" in page.all_text
    assert "results posted" in page.all_text


def test_unlinked_claim_says_no_registered_trial_found():
    doc = unlinked_document("clinic.html", "We treated 40 patients with our own cells.")
    page = parse(render_html(make_report([doc])))
    assert "no registered trial found" in page.all_text
    assert "No ClinicalTrials.gov record fits this claim" in page.all_text
    assert "no registered trial" in page.all_text


def test_snapshot_note_explains_partial_records_and_live_source_has_none():
    snap = parse(render_html(make_report([bioinova_document()])))
    assert "snapshot-notice" in snap.ids
    assert "“not in record” may mean that the snapshot's copy of the record lacks the value" in (
        snap.all_text
    )
    live = parse(
        render_html(
            make_report(
                [bioinova_document()],
                registry="ClinicalTrials.gov API v2 at https://clinicaltrials.gov/api/v2",
                registry_is_snapshot=False,
                data_timestamp="2026-11-21T09:00:05",
            )
        )
    )
    assert "snapshot-notice" not in live.ids
    assert "registry data as of 2026-11-21T09:00:05" in live.all_text


def test_page_is_offline_and_prints():
    html = render_html(make_report([bioinova_document()]))
    page = parse(html)
    assert not [t for t, _ in page.tags if t in ("script", "link", "img", "iframe", "object")]
    external = [
        a.get("href") or a.get("src")
        for _, a in page.tags
        if (a.get("href") or a.get("src") or "").startswith("http")
        and not (a.get("href") or "").startswith("https://clinicaltrials.gov/study/NCT")
    ]
    assert external == []
    assert "@import" not in html and "url(" not in html and "@font-face" not in html
    assert "@media print" in html
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in csp[0]


def test_hostile_document_values_are_escaped_everywhere():
    doc = bioinova_document(quote_extra=" " + HOSTILE)
    other = unlinked_document(
        'clinic"><script>alert(4)</script>.html', HOSTILE, figure_measure=HOSTILE
    )
    changes = [{"kind": "claim added", "key": "x", "field": "quote", "old": None, "new": HOSTILE,
                "doc": other.doc.doc}]  # fmt: skip
    html = render_html(
        make_report(
            [doc, other],
            changes=changes,
            previous_run_id="2026-11-21T031500Z",
            errors=[{"doc": HOSTILE, "reason": HOSTILE}],
        )
    )
    page = parse(html)
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and "img" not in tags and "svg" not in tags
    for tag, attrs in page.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("#", "https://clinicaltrials.gov/study/NCT")), href
    # the hostile text is shown, as text, where it came from
    assert page.all_text.count('<script>alert("pwned")</script>') >= 4
    assert 'clinic"><script>alert(4)</script>.html' in page.all_text
    assert "<script>" not in html and "<img" not in html
