"""The terminal format (``--format table``, the default): what a person reads in a terminal.

Plain text, no colour codes, wrapped to the terminal width (72–140 columns; ``COLUMNS`` is
honoured). Every value is shown as text: a registry value the record does not hold is written
``not in record``; a fact the document does not claim is written ``not claimed`` in the
comparison tables and ``—`` in the claims listing.

Documents are hostile input, so every value is cleaned of control characters (terminal escape
sequences, carriage returns, bells) before it is printed; line breaks inside a value become
spaces.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from trialmatch.claims.model import Claim, DocumentClaims, Figure
from trialmatch.compare import CheckedClaim, CheckedDocument, CheckedFigure, Comparison
from trialmatch.registry.study import RegistryDate, Study
from trialmatch.report.interface import Format

NOT_IN_RECORD = "not in record"
NOT_CLAIMED = "not claimed"
NO_LINK = "no registered trial found"
EMPTY = "—"
QUOTE_CHARS = 220
"""Quotes longer than this are shortened in the middle of the text with ``…``."""

_LINK_LABEL_W = len("Record") + 2
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_WS_RE = re.compile(r"\s+")


# ---------------------------------------------------------------------------------- text helpers
def clean(value: Any) -> str:
    """One line of printable text: control characters dropped, whitespace runs collapsed."""
    text = value if isinstance(value, str) else str(value)
    return _WS_RE.sub(" ", _CONTROL_RE.sub(" ", text)).strip()


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut to about ``limit`` characters at word boundaries, keeping head and tail."""
    text = clean(text)
    if len(text) <= limit:
        return text
    head = text[: int(limit * 0.65)].rsplit(" ", 1)[0]
    tail = text[len(text) - int(limit * 0.3) :]
    tail = tail.split(" ", 1)[1] if " " in tail else tail
    return f"{head} … {tail}"


def registry_value(value: Any) -> str:
    """A registry value for display; absent (None, empty) is ``not in record``."""
    text = value_text(value)
    return text if text else NOT_IN_RECORD


def value_text(value: Any) -> str:
    """A native JSON value (claimed or registered) as short readable text; '' when absent."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (int, str)):
        return clean(value)
    if isinstance(value, Mapping):
        return _mapping_text(value)
    if isinstance(value, (list, tuple)):
        parts = [value_text(v) for v in value]
        return ", ".join(p for p in parts if p)
    return clean(json.dumps(value, ensure_ascii=False, default=str))


def _mapping_text(value: Mapping[str, Any]) -> str:
    keys = set(value)
    if "date" in keys and keys <= {"date", "type", "precision", "source_path"}:
        return _dated(value.get("date"), value.get("type"))
    if keys >= {"label", "n"} and keys <= {"label", "n", "type"}:
        n = value.get("n")
        return clean(f"{value.get('label')} {n if n is not None else '(no number)'}")
    if keys >= {"start", "end"}:
        start, end = value.get("start"), value.get("end")
        span = start if start == end else f"{start}..{end}"
        text = value.get("text")
        role = value.get("role")
        out = f"{clean(text)} → {span}" if text else str(span)
        return f"{out} ({role})" if role else out
    if keys >= {"value", "unit"} and len(keys) <= 3:
        return value_text(value.get("value")) + " " + clean(value.get("unit"))
    return "; ".join(f"{clean(k)}: {value_text(v) or EMPTY}" for k, v in value.items())


def _dated(text: Any, type_: Any) -> str:
    if not text:
        return ""
    return f"{clean(text)} ({clean(type_)})" if type_ else clean(text)


def _date(d: RegistryDate | None) -> str:
    return _dated(d.text, d.type) if d else NOT_IN_RECORD


def terminal_width() -> int:
    """The width to wrap to: the terminal's (or ``COLUMNS``), kept within 72–140."""
    return max(72, min(140, shutil.get_terminal_size((100, 24)).columns))


# ---------------------------------------------------------------------------------- layout helpers
def _fields(
    rows: Iterable[tuple[str, str]], width: int, indent: str = "  ", label_w: int | None = None
) -> list[str]:
    """``label  value`` lines, labels aligned, values wrapped under themselves."""
    rows = list(rows)
    if not rows:
        return []
    label_w = max([len(label) + 2 for label, _ in rows] + [label_w or 0])
    value_w = max(20, width - len(indent) - label_w)
    out: list[str] = []
    for label, value in rows:
        lines = textwrap.wrap(value, value_w, break_on_hyphens=False) or [""]
        out.append(f"{indent}{label.ljust(label_w)}{lines[0]}".rstrip())
        pad = " " * (len(indent) + label_w)
        out.extend(f"{pad}{line}" for line in lines[1:])
    return out


def _grid(
    headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int], indent: str
) -> list[str]:
    """A table with a header rule; cells wrap inside their column."""
    out = []

    def emit(cells: Sequence[str]) -> None:
        wrapped = [
            textwrap.wrap(c, w, break_on_hyphens=False) or [""] for c, w in zip(cells, widths)
        ]
        for i in range(max(len(w) for w in wrapped)):
            parts = [(w[i] if i < len(w) else "").ljust(widths[j]) for j, w in enumerate(wrapped)]
            out.append((indent + "  ".join(parts)).rstrip())

    emit(headers)
    out.append(indent + "  ".join("-" * w for w in widths))
    for row in rows:
        emit(row)
    return out


def _hanging(text: str, width: int, indent: str) -> list[str]:
    """``text`` wrapped with its continuation lines indented two more spaces."""
    return textwrap.wrap(
        text,
        max(20, width - len(indent)),
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    )


def _wrap(text: str, width: int, indent: str) -> list[str]:
    return textwrap.wrap(
        text, max(20, width - len(indent)), initial_indent=indent, subsequent_indent=indent
    )


# ---------------------------------------------------------------------------------- the format
class TableFormat(Format):
    """Readable blocks and aligned tables for ``lookup``, ``claims`` and ``check``."""

    name = "table"

    def __init__(self, width: int | None = None) -> None:
        self.width = width or terminal_width()

    # ------------------------------------------------------------------ lookup
    def studies(self, studies: Sequence[Study]) -> str:
        if not studies:
            return "No studies."
        return "\n\n".join(self._study(s) for s in studies)

    def _study(self, s: Study) -> str:
        title = clean(s.brief_title) if s.brief_title else f"(title {NOT_IN_RECORD})"
        head = _wrap(f"{s.nct_id}  {title}", self.width, "")
        head.append("=" * min(self.width, max(len(line) for line in head)))
        status = registry_value(s.overall_status)
        if s.last_known_status:
            status += f" (last known: {clean(s.last_known_status)})"
        if s.why_stopped:
            status += f"; why stopped: {clean(s.why_stopped)}"
        enrollment = NOT_IN_RECORD
        if s.enrollment is not None:
            enrollment = f"{s.enrollment}" + (
                f" ({s.enrollment_type})" if s.enrollment_type else ""
            )
        rows = [
            ("Status", status),
            ("Phases", registry_value(list(s.phases))),
            ("Study type", registry_value(s.study_type)),
            ("Enrollment", enrollment),
            ("Start", _date(s.start_date)),
            ("Primary completion", _date(s.primary_completion_date)),
            ("Completion", _date(s.completion_date)),
            ("First posted", _date(s.first_posted)),
            ("Results first posted", _date(s.results_first_posted)),
            ("Last update posted", _date(s.last_update_posted)),
            ("Has results", registry_value(s.has_results)),
            ("Lead sponsor", registry_value(s.lead_sponsor.name if s.lead_sponsor else None)),
        ]
        optional = [
            ("Official title", s.official_title),
            ("Collaborators", [c.name for c in s.collaborators]),
            ("Conditions", list(s.conditions)),
            ("Interventions", [iv.name for iv in s.interventions]),
            ("Countries", list(s.countries)),
            ("Secondary IDs", [sid.id for sid in s.secondary_ids]),
            ("Aliases", list(s.aliases)),
        ]
        rows += [(label, value_text(v)) for label, v in optional if value_text(v)]
        rows += [
            ("Record version", registry_value(s.record_version)),
            ("URL", s.url),
        ]
        return "\n".join(head + _fields(rows, self.width))

    # ------------------------------------------------------------------ claims
    def claims(self, docs: Sequence[DocumentClaims]) -> str:
        if not docs:
            return "No documents."
        return "\n\n".join(self._claims_doc(d) for d in docs)

    def _doc_head(self, path: str, sha256: str | None, error: str | None) -> list[str]:
        title = f"Document: {clean(path)}"
        if sha256:
            title += f"  (sha256 {sha256[:12]})"
        lines = _wrap(title, self.width, "")
        lines.append("#" * min(self.width, max(len(line) for line in lines)))
        if error:
            lines += _wrap(f"ERROR: {clean(error)}", self.width, "  ")
        return lines

    def _claims_doc(self, doc: DocumentClaims) -> str:
        lines = self._doc_head(doc.doc, doc.sha256, doc.error)
        if doc.error:
            return "\n".join(lines)
        lines.append(
            f"{len(doc.claims)} trial claim(s), {len(doc.figures)} figure(s)"
            if doc.claims or doc.figures
            else "No trial claims and no figures found."
        )
        for claim in doc.claims:
            lines.append("")
            lines += self._claim_block(claim)
        if doc.figures:
            lines += ["", "Figures"]
            lines += self._figure_rows([(f, None) for f in doc.figures])
        return "\n".join(lines)

    def _claim_block(self, claim: Claim) -> list[str]:
        title = f"Claim {clean(claim.claim_id)}"
        if claim.trial_count > 1:
            title += f"  ({claim.trial_count} trials described together)"
        lines = [title]
        lines += _fields(self._claim_rows(claim), self.width)
        return lines

    def _claim_rows(self, c: Claim) -> list[tuple[str, str]]:
        enrollment = str(c.enrollment) if c.enrollment is not None else ""
        if c.arms:
            arms = ", ".join(
                f"{clean(a.label)} {a.n if a.n is not None else '(no number)'}" for a in c.arms
            )
            enrollment = f"{enrollment} (arms: {arms})" if enrollment else f"arms: {arms}"
        dates = "; ".join(value_text(d.to_dict()) for d in c.dates)
        ids = list(c.nct_ids) + list(c.other_ids)
        rows = [
            ("Quote", f"“{shorten(c.quote)}”"),
            ("Phases", value_text(list(c.phases)) or EMPTY),
            ("Enrollment", enrollment or EMPTY),
            ("Dates", dates or EMPTY),
            ("Names", value_text(list(c.names)) or EMPTY),
            ("Sponsors", value_text(list(c.sponsors)) or EMPTY),
            ("IDs", value_text(ids) or EMPTY),
        ]
        optional = [
            ("Design", list(c.design)),
            ("Conditions", list(c.conditions)),
            ("Countries", list(c.countries)),
            ("Sites", list(c.sites)),
            (
                "Follow-up",
                f"{value_text(c.follow_up.value)} {c.follow_up.unit}" if c.follow_up else None,
            ),
            ("Status words", list(c.status)),
        ]
        rows += [(label, value_text(v)) for label, v in optional if value_text(v)]
        return rows

    def _figure_rows(self, figures: Sequence[tuple[Figure, CheckedFigure | None]]) -> list[str]:
        lines: list[str] = []
        for fig, checked in figures:
            number = f"{value_text(fig.value)} {fig.unit}"
            about = clean(fig.measure) if fig.measure else EMPTY
            if fig.population:
                about += f" (population: {clean(fig.population)})"
            lines += textwrap.wrap(
                f"{number} — {about}",
                max(20, self.width - 4),
                initial_indent="  • ",
                subsequent_indent="    ",
                break_on_hyphens=False,
            )
            detail = []
            detail.append(f"claim {fig.claim_id}" if fig.claim_id else "belongs to no claim")
            if checked is not None:
                detail.append(f"verdict: {checked.figure_verdict}")
                if checked.nct_ids:
                    detail.append("records: " + ", ".join(checked.nct_ids))
            lines += _wrap("; ".join(detail), self.width, "      ")
            if checked is not None:
                for outcome in checked.registered_outcomes:
                    lines += _hanging("registered: " + outcome_text(outcome), self.width, "      ")
        return lines

    # ------------------------------------------------------------------ check
    def checks(self, docs: Sequence[CheckedDocument]) -> str:
        if not docs:
            return "No documents."
        return "\n\n".join(self._checked_doc(d) for d in docs)

    def _checked_doc(self, checked: CheckedDocument) -> str:
        doc = checked.doc
        lines = self._doc_head(doc.doc, doc.sha256, doc.error)
        if doc.error:
            return "\n".join(lines)
        linked = sum(1 for c in checked.claims if c.matches)
        summary = (
            f"{len(checked.claims)} trial claim(s): {linked} linked, "
            f"{len(checked.claims) - linked} with no registered trial found; "
            f"{len(checked.figures)} figure(s)."
        )
        lines += _wrap(summary, self.width, "")
        source = []
        if checked.registry:
            source.append(f"Registry: {clean(checked.registry)}")
        if checked.run_date:
            source.append(f"run date {checked.run_date}")
        if source:
            lines += _wrap(", ".join(source), self.width, "")
        for claim in checked.claims:
            lines.append("")
            lines += self._checked_claim(claim, checked.studies)
        if checked.figures:
            lines += ["", "Figures"]
            lines += self._figure_rows([(f.figure, f) for f in checked.figures])
        return "\n".join(lines)

    def _checked_claim(self, cc: CheckedClaim, studies: Mapping[str, Any]) -> list[str]:
        c = cc.claim
        title = f"Claim {clean(c.claim_id)}"
        if c.trial_count > 1:
            title += f"  ({c.trial_count} trials described together)"
        lines = [title]
        lines += _fields([("Quote", f"“{shorten(c.quote)}”")], self.width, label_w=_LINK_LABEL_W)
        if not cc.matches:
            link = NO_LINK
            if cc.candidates:
                best = cc.candidates[0]
                link += f" (best candidate {best.nct_id}, score {best.score:.2f}, below threshold)"
            lines += _fields([("Link", link)], self.width, label_w=_LINK_LABEL_W)
            return lines
        by_record: dict[str, list[Comparison]] = {}
        for row in cc.comparisons:
            by_record.setdefault(row.nct_id, []).append(row)
        for match in cc.matches:
            link = f"{match.nct_id} (score {match.score:.2f})"
            if match.confirmed_by_reviewer:
                link += " confirmed by a reviewer"
            study = studies.get(match.nct_id)
            version = getattr(study, "record_version", None)
            rows_for = by_record.get(match.nct_id, [])
            if version is None and rows_for:
                version = rows_for[0].record_version
            info = [
                ("Link", link),
                ("Record", f"{study_url(match.nct_id)} (version {version or NOT_IN_RECORD})"),
            ]
            lines += _fields(info, self.width, label_w=_LINK_LABEL_W)
            if rows_for:
                lines += self._comparison_table(rows_for)
            flags = [f for f in cc.flags if f.nct_id == match.nct_id]
            for flag in flags:
                lines += _hanging(f"! {flag.flag}: {clean(flag.detail)}", self.width, "    ")
        other_flags = [f for f in cc.flags if f.nct_id not in {m.nct_id for m in cc.matches}]
        for flag in other_flags:
            lines += _wrap(
                f"! {flag.flag} ({flag.nct_id}): {clean(flag.detail)}", self.width, "    "
            )
        return lines

    def _comparison_table(self, rows: Sequence[Comparison]) -> list[str]:
        indent = "    "
        field_w = max(len("Field"), *(len(r.field) for r in rows))
        verdict_w = max(len("Verdict"), *(len(r.verdict) for r in rows))
        rest = max(24, self.width - len(indent) - field_w - verdict_w - 6)
        claimed_w = rest // 2
        registered_w = rest - claimed_w
        body = [
            (
                r.field,
                value_text(r.claimed) or NOT_CLAIMED,
                value_text(r.registered) or NOT_IN_RECORD,
                r.verdict,
            )
            for r in rows
        ]
        return _grid(
            ("Field", "Claimed", "Registered", "Verdict"),
            body,
            (field_w, claimed_w, registered_w, verdict_w),
            indent,
        )


def study_url(nct_id: str) -> str:
    from trialmatch.registry.study import STUDY_URL

    return STUDY_URL.format(nct_id=nct_id)


def outcome_text(outcome: Mapping[str, Any]) -> str:
    """A registered outcome or posted result (``CheckedFigure.registered_outcomes`` item).

    ``NCT02513394 posted result: Invasive Disease-Free Survival — 5 years — percentage of
    participants — Palbociclib: 88.2, Endocrine therapy alone: 88.5``
    """
    kind = outcome.get("kind")
    head = " ".join(
        clean(p)
        for p in (outcome.get("nct_id"), kind.replace("_", " ") if isinstance(kind, str) else None)
        if isinstance(p, str) and p
    )
    parts = []
    for key in ("type", "measure", "title", "time_frame", "unit"):
        value = outcome.get(key)
        if isinstance(value, str) and value:
            parts.append(clean(value))
    groups = outcome.get("values") or outcome.get("groups")
    if isinstance(groups, list) and groups:
        parts.append(", ".join(_group_text(g) for g in groups))
    if not parts:
        return value_text(dict(outcome))
    body = " — ".join(parts)
    return f"{head}: {body}" if head else body


def _group_text(group: Any) -> str:
    if isinstance(group, Mapping) and "value" in group:
        label = group.get("group")
        return f"{clean(label)}: {clean(group['value'])}" if label else clean(group["value"])
    if isinstance(group, (list, tuple)):
        return ": ".join(clean(x) for x in group if x)
    return value_text(group)
