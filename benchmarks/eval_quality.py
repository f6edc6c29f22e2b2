"""Held-out quality evaluation of claim extraction and matching (issues #3 and #4).

Runs the real pipeline -- ``trialmatch.claims.extract.extract_path`` then
``trialmatch.pipeline.check_document`` on ``SnapshotRegistry(cassettes/snapshot)`` -- over the
labelled SAMPLE documents in ``tests/samples/eval/`` and compares the result with
``tests/samples/eval/expected.json``, written by reading the documents (not by running the code).

Printed figures:

- claim extraction recall / precision: an expected claim is found when an extracted claim's
  evidence spans overlap the expected quote fragment (one extracted claim per expected claim,
  largest overlap first); an extracted claim that overlaps no expected claim is a false positive;
- phase, enrollment, arms, names and trial_count accuracy on the found claims;
- figure recall (percentages, patient counts, cell doses) and numbers that must not be found;
- linking precision and recall for claims that have a registered trial (a claim that was not
  extracted counts as a missed link), abstention rate on claims that have none, and the
  precision of every link made anywhere in the corpus;
- every miss, with what was expected and what came out.

Run from the repository root::

    .venv/bin/python benchmarks/eval_quality.py [--json]

To score the committed code while the working tree is being edited::

    rm -rf /tmp/tm_head && mkdir /tmp/tm_head && git archive HEAD | tar -x -C /tmp/tm_head
    (cd /tmp/tm_head && /work/main/.venv/bin/python benchmarks/eval_quality.py)

A document on which the pipeline raises is scored as entirely missed and listed as an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from trialmatch.claims.extract import extract_path
from trialmatch.pipeline import check_document
from trialmatch.registry.snapshot import SnapshotRegistry

EVAL_DIR = ROOT / "tests" / "samples" / "eval"
SNAPSHOT_DIR = ROOT / "cassettes" / "snapshot"


@dataclass
class Tally:
    """A hit / total counter with a ratio."""

    hit: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.hit += int(ok)

    @property
    def ratio(self) -> float | None:
        return self.hit / self.total if self.total else None

    def __str__(self) -> str:
        r = self.ratio
        return f"{self.hit}/{self.total} = {r:.3f}" if r is not None else "n/a (0 cases)"


@dataclass
class Results:
    """Everything the evaluation measured; ``misses`` lists each failure with its reason."""

    documents: int = 0
    extraction_recall: Tally = field(default_factory=Tally)
    extraction_precision: Tally = field(default_factory=Tally)
    phases: Tally = field(default_factory=Tally)
    enrollment: Tally = field(default_factory=Tally)
    arms: Tally = field(default_factory=Tally)
    names: Tally = field(default_factory=Tally)
    trial_count: Tally = field(default_factory=Tally)
    figure_recall: Tally = field(default_factory=Tally)
    figures_absent: Tally = field(default_factory=Tally)
    link_precision: Tally = field(default_factory=Tally)
    link_recall: Tally = field(default_factory=Tally)
    abstention: Tally = field(default_factory=Tally)
    all_links_precision: Tally = field(default_factory=Tally)
    unregistered_not_extracted: int = 0
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        names = [
            "extraction_recall",
            "extraction_precision",
            "phases",
            "enrollment",
            "arms",
            "names",
            "trial_count",
            "figure_recall",
            "figures_absent",
            "link_precision",
            "link_recall",
            "abstention",
            "all_links_precision",
        ]
        out: dict[str, Any] = {"documents": self.documents}
        for n in names:
            t: Tally = getattr(self, n)
            out[n] = {"hit": t.hit, "total": t.total, "ratio": t.ratio}
        out["unregistered_not_extracted"] = self.unregistered_not_extracted
        out["misses"] = self.misses
        return out


def _overlap(spans: Any, start: int, end: int) -> int:
    return sum(max(0, min(e, end) - max(s, start)) for s, e in spans)


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _locate(text: str, quote: str, name: str) -> tuple[int, int]:
    i = text.find(quote)
    if i < 0:
        i = text.lower().find(quote.lower())
    if i < 0:
        raise ValueError(f"{name}: expected quote not in the document's text: {quote!r}")
    return i, i + len(quote)


def _describe(claim: Any) -> str:
    return (
        f"phases={list(claim.phases)} enrollment={claim.enrollment} names={list(claim.names)} "
        f"sponsors={list(claim.sponsors)} conditions={list(claim.conditions)} "
        f"nct={list(claim.nct_ids)}"
    )


def evaluate(
    eval_dir: Path = EVAL_DIR, snapshot: Path = SNAPSHOT_DIR, run_date: dt.date | None = None
) -> Results:
    """Run the pipeline over the eval corpus and score it against ``expected.json``."""
    expected = json.loads((eval_dir / "expected.json").read_text(encoding="utf-8"))["documents"]
    res = Results()
    with tempfile.TemporaryDirectory() as index_dir:
        registry = SnapshotRegistry(snapshot, index_dir=Path(index_dir))
        try:
            for name, exp in sorted(expected.items()):
                _evaluate_document(eval_dir / name, name, exp, registry, res, run_date)
        finally:
            close = getattr(registry, "close", None)
            if close:
                close()
    return res


def _evaluate_document(
    path: Path,
    name: str,
    exp: dict[str, Any],
    registry: Any,
    res: Results,
    run_date: dt.date | None,
) -> None:
    res.documents += 1
    exp_claims: list[dict[str, Any]] = exp.get("claims", [])
    error = None
    try:
        dc = extract_path(path)
        error = dc.error
        if not error:
            checked = check_document(dc, registry, run_date=run_date or dt.date.today())
    except Exception as exc:  # noqa: BLE001 -- a crash is a finding: score the document as all missed
        error = f"pipeline raised {type(exc).__name__}: {exc}"
    if error:
        res.misses.append(f"[{name}] document error: {error}")
        for ec in exp_claims:
            if not ec.get("optional"):
                res.extraction_recall.add(False)
                for _n in ec["nct_ids"]:
                    res.link_recall.add(False)
                if not ec["nct_ids"]:
                    res.unregistered_not_extracted += 1
        for _ in exp.get("figures", []):
            res.figure_recall.add(False)
        return
    text = dc.text
    by_id = {cc.claim.claim_id: cc for cc in checked.claims}
    claims = [cc.claim for cc in checked.claims]
    doc_expected_ids = {n for ec in exp_claims for n in ec["nct_ids"]}

    # --- pair expected claims with extracted claims, one to one. When one extracted claim
    # covers several expected ones (a merge), it answers the non-optional one first, then the
    # one whose registry ID it cites, then the one it covers most; the others are "merged".
    locs = [_locate(text, ec["quote"], name) for ec in exp_claims]
    pairs = []
    for i, (s, e) in enumerate(locs):
        ec = exp_claims[i]
        for j, c in enumerate(claims):
            ov = _overlap(c.spans, s, e)
            if ov:
                key = (
                    not ec.get("optional"),
                    bool(set(c.nct_ids) & set(ec["nct_ids"])),
                    ov / (e - s),
                    ov,
                )
                pairs.append((key, i, j))
    pairs.sort(reverse=True)
    exp_to_claim: dict[int, int] = {}
    claim_to_exp: dict[int, int] = {}
    for _key, i, j in pairs:
        if i not in exp_to_claim and j not in claim_to_exp:
            exp_to_claim[i] = j
            claim_to_exp[j] = i

    # --- extraction recall and field accuracy
    for i, ec in enumerate(exp_claims):
        optional = bool(ec.get("optional"))
        j = exp_to_claim.get(i)
        q = _short(ec["quote"], 60) + (" (optional mention)" if optional else "")
        if j is None:
            if optional:
                continue
            res.extraction_recall.add(False)
            taken = [claim_to_exp.get(jj) for _k, ii, jj in pairs if ii == i and jj in claim_to_exp]
            if taken:
                other = exp_claims[taken[0]]["quote"]
                why = f"merged into the claim of {_short(other, 50)!r}"
            else:
                why = "no extracted claim's spans overlap it"
            res.misses.append(f"[{name}] claim not extracted: {q!r} ({why})")
            if ec["nct_ids"]:
                for n in ec["nct_ids"]:
                    res.link_recall.add(False)
                    res.misses.append(f"[{name}] link missed: {q!r} -> {n} (claim not extracted)")
            else:
                res.unregistered_not_extracted += 1
            continue
        c = claims[j]
        if not optional:
            res.extraction_recall.add(True)
        if "phases" in ec:
            ok = sorted(c.phases) == sorted(ec["phases"])
            res.phases.add(ok)
            if not ok:
                res.misses.append(
                    f"[{name}] phases: {q!r} expected {ec['phases']}, got {list(c.phases)}"
                )
        if "enrollment" in ec:
            ok = c.enrollment == ec["enrollment"]
            res.enrollment.add(ok)
            if not ok:
                res.misses.append(
                    f"[{name}] enrollment: {q!r} expected {ec['enrollment']}, got {c.enrollment}"
                )
        if "arms" in ec:
            got = sorted((a.n for a in c.arms if a.n is not None), reverse=True)
            ok = got == sorted(ec["arms"], reverse=True)
            res.arms.add(ok)
            if not ok:
                res.misses.append(
                    f"[{name}] arms: {q!r} expected sizes {ec['arms']}, got "
                    f"{[(a.label, a.n) for a in c.arms]}"
                )
        if "trial_count" in ec:
            ok = c.trial_count == ec["trial_count"]
            res.trial_count.add(ok)
            if not ok:
                res.misses.append(
                    f"[{name}] trial_count: {q!r} expected {ec['trial_count']}, got {c.trial_count}"
                )
        for nm in ec.get("names", []):
            pool = [x.lower() for x in (*c.names, *c.sponsors, *c.sites)]
            ok = any(nm.lower() in x or x in nm.lower() for x in pool if x)
            res.names.add(ok)
            if not ok:
                res.misses.append(
                    f"[{name}] name: {q!r} expected {nm!r} in names/sponsors/sites, got "
                    f"names={list(c.names)} sponsors={list(c.sponsors)} sites={list(c.sites)}"
                )

        # --- linking
        cc = by_id[c.claim_id]
        linked = [m.nct_id for m in cc.matches]
        want = set(ec["nct_ids"])
        if want:
            for n in sorted(want):
                ok = n in linked
                if not optional:
                    res.link_recall.add(ok)
                if not ok:
                    cands = ", ".join(f"{m.nct_id}:{m.score:.2f}" for m in cc.candidates[:4])
                    res.misses.append(
                        f"[{name}] link missed: {q!r} -> {n}; linked {linked or 'nothing'}; "
                        f"candidates [{cands}]; claim {_describe(c)}"
                    )
            fine = want | set(ec.get("also_acceptable", []))
            for n in linked:
                ok = n in fine
                if not optional:
                    res.link_precision.add(ok)
                if not ok:
                    res.misses.append(
                        f"[{name}] wrong link: {q!r} linked {n} (expected {sorted(want)})"
                    )
        else:
            if not optional:
                res.abstention.add(not linked)
            if linked:
                scores = ", ".join(f"{m.nct_id}:{m.score:.2f}" for m in cc.matches)
                res.misses.append(
                    f"[{name}] should abstain: {q!r} linked [{scores}]; claim {_describe(c)}"
                )

    # --- extraction precision: every extracted claim must answer some expected claim
    not_claims = exp.get("not_claims", [])
    for j, c in enumerate(claims):
        ok = j in claim_to_exp
        res.extraction_precision.add(ok)
        if ok:
            continue
        hits_not = [
            nc for nc in not_claims if nc in text and _overlap(c.spans, *_locate(text, nc, name))
        ]
        over = [exp_claims[i]["quote"] for i, (s, e) in enumerate(locs) if _overlap(c.spans, s, e)]
        ids = {x.lower() for x in (*c.names, *c.nct_ids, *c.other_ids)}
        same = [
            exp_claims[claim_to_exp[k]]["quote"]
            for k, o in enumerate(claims)
            if k in claim_to_exp and ids & {x.lower() for x in (*o.names, *o.nct_ids, *o.other_ids)}
        ]
        if hits_not:
            why = f"a non-trial mention ({_short(hits_not[0], 40)!r})"
        elif over:
            why = f"a second claim for {_short(over[0], 50)!r} (split)"
        elif same:
            why = f"same product/ID as the claim of {_short(same[0], 50)!r} (split)"
        else:
            why = "no expected claim here"
        res.misses.append(
            f"[{name}] extra claim: {_short(c.quote)!r} -- {why}; claim {_describe(c)}"
        )

    # --- every link made in the document (spurious claims included)
    for cc in checked.claims:
        j = claims.index(cc.claim)
        for m in cc.matches:
            if j in claim_to_exp:
                ec = exp_claims[claim_to_exp[j]]
                ok = m.nct_id in {*ec["nct_ids"], *ec.get("also_acceptable", [])}
            else:
                ok = m.nct_id in doc_expected_ids
                if not ok:
                    res.misses.append(
                        f"[{name}] extra claim linked: {_short(cc.claim.quote, 60)!r} -> "
                        f"{m.nct_id} ({m.score:.2f})"
                    )
            res.all_links_precision.add(ok)

    # --- figures
    figs = [(f.value, f.unit) for f in dc.figures]
    for fe in exp.get("figures", []):
        ok = any(u == fe["unit"] and abs(v - fe["value"]) < 1e-6 for v, u in figs)
        res.figure_recall.add(ok)
        if not ok:
            same_value = [u for v, u in figs if abs(v - fe["value"]) < 1e-6]
            got = f" (found with unit {same_value})" if same_value else ""
            res.misses.append(f"[{name}] figure missed: {fe['value']:g} {fe['unit']}{got}")
    for fa in exp.get("absent_figures", []):
        ok = not any(u == fa["unit"] and abs(v - fa["value"]) < 1e-6 for v, u in figs)
        res.figures_absent.add(ok)
        if not ok:
            res.misses.append(
                f"[{name}] figure that must not be found: {fa['value']:g} {fa['unit']}"
            )


def report(res: Results, folder: Path = EVAL_DIR) -> str:
    shown = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
    lines = [
        f"trialmatch held-out evaluation: {res.documents} documents in {shown}",
        "",
        "Extraction",
        f"  claim recall (non-optional)        {res.extraction_recall}",
        f"  claim precision                    {res.extraction_precision}",
        f"  phases correct                     {res.phases}",
        f"  enrollment correct                 {res.enrollment}",
        f"  arm sizes correct                  {res.arms}",
        f"  expected names found               {res.names}",
        f"  trial_count correct                {res.trial_count}",
        f"  figure recall                      {res.figure_recall}",
        f"  numbers correctly not found        {res.figures_absent}",
        "",
        "Linking (snapshot cassettes/snapshot, every record a distractor)",
        f"  precision, registered claims       {res.link_precision}   (bar >= 0.95)",
        f"  recall, registered claims          {res.link_recall}   (bar >= 0.90)",
        f"  abstention, unregistered claims    {res.abstention}   (bar >= 0.95)",
        f"    (unregistered claims not extracted, so not judged: {res.unregistered_not_extracted})",
        f"  precision of every link made       {res.all_links_precision}",
        "",
        f"Misses ({len(res.misses)})",
    ]
    lines += [f"  - {m}" for m in res.misses] or ["  none"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument(
        "--set",
        type=Path,
        action="append",
        help="a folder of documents with its expected.json (default: tests/samples/eval and "
        "tests/samples/eval/fresh)",
    )
    args = ap.parse_args(argv)
    sets = args.set or [EVAL_DIR, EVAL_DIR / "fresh"]
    for n, folder in enumerate(sets):
        res = evaluate(folder.resolve())
        if args.json:
            print(json.dumps({"set": str(folder), **res.figures()}, indent=2))
        else:
            print(("\n" if n else "") + report(res, folder.resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
