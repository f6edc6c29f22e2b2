"""The batch job's HTML report (``index.html``): one page a journalist can read and print.

Rendered with Jinja2 with autoescaping on for every template: every value that comes from a
document (quotes, names, paths, figures) is text, never markup. The only links on the page are
built here from NCT IDs that match ``NCT`` + 8 digits, to ``https://clinicaltrials.gov/study/``;
no URL is ever taken from a document. A Content-Security-Policy meta tag forbids scripts and
remote loads as a second line of defence. The page is self-contained: inline CSS, no CDN, no
web fonts, no scripts, and a print stylesheet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import jinja2

from trialmatch.report.tables import (
    DISCREPANCY_VERDICTS,
    RunReport,
    figure_text,
    outcome_text,
    study_url,
)

_NCT = re.compile(r"^NCT\d{8}$")

VERDICT_CLASSES = {
    "consistent": "v-ok",
    "partly consistent": "v-partly",
    "differs": "v-differs",
    "not in record": "v-missing",
    "not claimed": "v-unclaimed",
    "no registered trial found": "v-nolink",
    "no registered trial": "v-nolink",
    "no posted results": "v-partly",
    "results posted": "v-info",
}

FIELD_LABELS = {
    "phase": "Phase",
    "design": "Design",
    "enrollment": "Enrollment (participants)",
    "arms": "Arms",
    "start_date": "Start date",
    "completion_date": "Completion date",
    "status": "Status",
    "country": "Country",
    "sponsor": "Sponsor",
    "intervention": "Intervention",
    "registration": "Registered (first posted)",
    "results": "Results posted",
}

FLAG_LABELS = {
    "retrospective_registration": "Registered after the trial started",
    "results_overdue": "Results overdue",
    "status_stale": "Status not verified for over 2 years",
    "stopped_or_unknown": "Trial stopped or status unknown",
    "enrollment_below_claim": "Fewer participants than claimed",
    "phase_mismatch": "Phase differs from the claim",
    "miscited_id": "Cited ID points to a different trial",
}

STUDY_FACT_LABELS = {
    "status": "status",
    "enrollment": "enrollment",
    "enrollment_type": "enrollment type (actual/estimated)",
    "start_date": "start date",
    "start_date_type": "start date type",
    "primary_completion_date": "primary completion date",
    "primary_completion_date_type": "primary completion date type",
    "completion_date": "completion date",
    "completion_date_type": "completion date type",
    "first_posted": "first posted",
    "has_results": "results posted",
    "results_first_posted": "results first posted",
    "last_update_posted": "last update posted",
    "record_version": "record version",
}

CHANGE_LABELS = {
    "claim added": "New claim",
    "claim removed": "Claim no longer found",
    "claim changed": "Claim changed",
    "study changed": "Registry record changed",
    "verdict changed": "Verdict changed",
}

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("trialmatch.report", "templates"),
    autoescape=True,  # every template, whatever its name
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def show(value: Any, *, missing: str = "—") -> str:
    """A JSON value as plain words for the page (escaping is the template's job)."""
    if value is None or value == [] or value == "":
        return missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(show(v) for v in value)
    if isinstance(value, Mapping):
        if "start" in value or "end" in value:
            text = value.get("text")
            span = f"{value.get('start') or '?'} – {value.get('end') or '?'}"
            return f"{text} ({span})" if text else span
        if "label" in value and "n" in value:
            return f"{value.get('label')}: {show(value.get('n'))}"
        return "; ".join(f"{str(k).replace('_', ' ')}: {show(v)}" for k, v in value.items())
    return str(value)


def safe_study_url(nct_id: Any) -> str | None:
    """The clinicaltrials.gov URL of a well-formed NCT ID; None for anything else."""
    return study_url(nct_id) if isinstance(nct_id, str) and _NCT.match(nct_id) else None


def _claim_view(claim: Mapping[str, Any], studies: Mapping[str, Mapping[str, Any]]) -> dict:
    flags_by_record: dict[str, list[dict]] = {}
    for f in claim.get("flags", []):
        flags_by_record.setdefault(f.get("nct_id"), []).append(
            {
                "label": FLAG_LABELS.get(f.get("flag"), f.get("flag")),
                "id": f.get("flag"),
                "detail": f.get("detail"),
            }
        )
    records = []
    for match in claim.get("matches", []):
        nct_id = match.get("nct_id")
        study = studies.get(nct_id, {})
        rows = []
        for row in claim.get("comparisons", []):
            if row.get("nct_id") != nct_id:
                continue
            verdict = row.get("verdict") or ""
            rows.append(
                {
                    "field": FIELD_LABELS.get(row.get("field"), row.get("field")),
                    "claimed": show(row.get("claimed"), missing="(not claimed)"),
                    "registered": show(row.get("registered"), missing="(not in record)"),
                    "verdict": verdict,
                    "css": VERDICT_CLASSES.get(verdict, "v-missing"),
                    "as_of": row.get("record_version"),
                    "retrieved_at": row.get("retrieved_at"),
                    "retrieved_on": (row.get("retrieved_at") or "")[:10] or None,
                    "source_path": row.get("source_path"),
                }
            )
        versions = {r["as_of"] for r in rows if r["as_of"]}
        records.append(
            {
                "nct_id": nct_id,
                "url": safe_study_url(nct_id),
                "title": study.get("title"),
                "status": study.get("status"),
                "record_version": study.get("record_version")
                or (max(versions) if versions else None),
                "score": match.get("score"),
                "confirmed": bool(match.get("confirmed_by_reviewer")),
                "rows": rows,
                "flags": flags_by_record.get(nct_id, []),
            }
        )
    return {
        "claim_id": claim.get("claim_id"),
        "quote": claim.get("quote"),
        "records": records,
        "candidates": [
            {
                "nct_id": c.get("nct_id"),
                "url": safe_study_url(c.get("nct_id")),
                "score": c.get("score"),
            }
            for c in claim.get("candidates", [])[:3]
        ],
        "said": [
            (label, show(claim.get(key)))
            for key, label in (
                ("nct_ids", "IDs cited"),
                ("names", "Product"),
                ("sponsors", "Sponsor"),
                ("phases", "Phase"),
                ("enrollment", "Participants"),
                ("conditions", "Condition"),
            )
            if claim.get(key) not in (None, [], "")
        ],
    }


def _figure_view(fig: Mapping[str, Any], studies: Mapping[str, Mapping[str, Any]]) -> dict:
    verdict = fig.get("figure_verdict") or ""
    return {
        "text": figure_text(fig),
        "population": fig.get("population"),
        "claim_id": fig.get("claim_id"),
        "verdict": verdict,
        "css": VERDICT_CLASSES.get(verdict, "v-missing"),
        "records": [
            {
                "nct_id": n,
                "url": safe_study_url(n),
                "as_of": studies.get(n, {}).get("record_version"),
            }
            for n in fig.get("nct_ids") or []
        ],
        "registered": [outcome_text(o) for o in fig.get("registered_outcomes") or []],
    }


def _change_view(change: Mapping[str, Any]) -> dict:
    key = change.get("key")
    return {
        "kind": CHANGE_LABELS.get(change.get("kind"), change.get("kind")),
        "key": key,
        "url": safe_study_url(key),
        "doc": change.get("doc"),
        "field": STUDY_FACT_LABELS.get(change.get("field"), change.get("field"))
        if change.get("kind") == "study changed"
        else str(change.get("field") or "").replace("_", " "),
        "old": show(_maybe_json(change.get("old"))),
        "new": show(_maybe_json(change.get("new"))),
    }


def _maybe_json(value: Any) -> Any:
    return value if not isinstance(value, (dict, list)) else json.loads(json.dumps(value))


def render_html(report: RunReport) -> str:
    """The report page for one run."""
    documents = []
    for doc in report.documents:
        documents.append(
            {
                "doc": doc.get("doc"),
                "anchor": f"doc-{len(documents) + 1}",
                "sha256": (doc.get("sha256") or "")[:12],
                "error": doc.get("error"),
                "claims": [_claim_view(c, report.studies) for c in doc.get("claims", [])],
                "figures": [_figure_view(f, report.studies) for f in doc.get("figures", [])],
            }
        )
    counts = report.counts()
    changes = [_change_view(c) for c in report.changes]
    by_kind: dict[str, int] = {}
    for c in changes:
        by_kind[c["kind"]] = by_kind.get(c["kind"], 0) + 1
    template = _env.get_template("report.html.j2")
    return template.render(
        report=report,
        counts=counts,
        documents=documents,
        changes=changes,
        changes_by_kind=sorted(by_kind.items()),
        errors=report.errors,
        verdict_classes=VERDICT_CLASSES,
        discrepancy_verdicts=DISCREPANCY_VERDICTS,
        flag_labels=FLAG_LABELS,
    )
