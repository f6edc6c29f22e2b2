"""Calibration check for the matcher's one threshold (see docs/CALIBRATION.md).

Claims are generated from the structured fields of every real record in the snapshot, the way
marketing restates a trial: brand or code name, sponsor without its legal form, an abbreviated
condition, "Phase II" for a Phase 1/2, a rounded size, a start month; each fact kept or dropped
at random (fixed seed). Each claim is matched twice against the whole snapshot:

- with its record present: it must link to that record (recall, precision);
- with its record hidden: the trial is then "unregistered" while its near twins (same product,
  sponsor or cells) remain, and the claim must abstain.

``benchmarks/calibrate_matching.py`` prints the same sweep over thresholds.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import SNAPSHOT_DIR
from trialmatch import facts
from trialmatch.claims.model import Claim, DateSpan, DocumentClaims
from trialmatch.matching import SCORING, match_document, name_fragments
from trialmatch.registry.interface import Query, Registry
from trialmatch.registry.snapshot import SnapshotRegistry
from trialmatch.registry.study import Study


class HidingRegistry(Registry):
    """A registry without some records: their trials become unregistered."""

    def __init__(self, inner: Registry, hidden: Iterable[str]) -> None:
        self.inner = inner
        self.hidden = set(hidden)
        self.description = inner.description

    def get(self, nct_ids: Iterable[str]) -> list[Study]:
        return [s for s in self.inner.get(nct_ids) if s.nct_id not in self.hidden]

    def search(self, query: Query) -> Iterator[Study]:
        return (s for s in self.inner.search(query) if s.nct_id not in self.hidden)


@dataclass(frozen=True)
class Case:
    """One generated claim and the record it was generated from."""

    claim: Claim
    nct_id: str


def _restated_sponsor(name: str, rng: random.Random) -> str:
    words = [w for w in name.replace(",", " ").split() if facts.fold(w) not in facts.LEGAL_WORDS]
    text = " ".join(words).replace("-", " ")
    return text.upper() if rng.random() < 0.2 else text


def _restated_condition(cond: str, rng: random.Random) -> str:
    words = [w for w in facts.tokens(cond) if w not in ("of", "and", "the")]
    if 2 <= len(words) <= 4 and rng.random() < 0.5:
        return "".join(w[0] for w in words).upper()
    return cond


def claims_from(study: Study, rng: random.Random, n: int) -> list[Claim]:
    """Up to ``n`` restatements of one record, each with at least three facts."""
    out: list[Claim] = []
    names = [f for iv in study.interventions for f in name_fragments(iv.name)]
    for i in range(n * 4):
        facts_kept: dict[str, object] = {}
        if names and rng.random() < 0.7:
            facts_kept["names"] = (rng.choice(names),)
        if study.lead_sponsor and rng.random() < 0.7:
            facts_kept["sponsors"] = (_restated_sponsor(study.lead_sponsor.name, rng),)
        if study.conditions and rng.random() < 0.8:
            facts_kept["conditions"] = (_restated_condition(study.conditions[0], rng),)
        if study.phases and rng.random() < 0.7:
            ph = study.phases
            if ph == ("PHASE1", "PHASE2") and rng.random() < 0.5:
                ph = ("PHASE2",)
            facts_kept["phases"] = ph
        if study.enrollment and rng.random() < 0.6:
            facts_kept["enrollment"] = max(1, round(study.enrollment * rng.uniform(0.9, 1.1)))
        if study.start_date and rng.random() < 0.5:
            month = study.start_date.text[:7]
            facts_kept["dates"] = (DateSpan(month, month, month, "start"),)
        design = []
        if study.allocation == "RANDOMIZED":
            design.append("randomized")
        if study.masking == "NONE":
            design.append("open-label")
        elif study.masking in ("DOUBLE", "TRIPLE", "QUADRUPLE"):
            design.append("double-blind")
        if design and rng.random() < 0.5:
            facts_kept["design"] = tuple(design)
        if study.countries and rng.random() < 0.5:
            facts_kept["countries"] = (study.countries[0],)
        # marketing names what it sells or who runs it; without either, a claim needs the
        # disease and at least three more facts to single a trial out
        anchored = "names" in facts_kept or "sponsors" in facts_kept
        if not anchored and not ("conditions" in facts_kept and len(facts_kept) >= 4):
            continue
        if len(facts_kept) < 3:
            continue
        out.append(
            Claim(
                claim_id=f"{study.nct_id}-{i}",
                quote="generated restatement",
                spans=(),
                **facts_kept,
            )
        )
        if len(out) >= n:
            break
    return out


def generate(registry: Registry, per_record: int = 6, seed: int = 4) -> list[Case]:
    rng = random.Random(seed)
    ids = sorted(p.stem for p in SNAPSHOT_DIR.glob("NCT*.json"))
    cases = []
    for study in registry.get(ids):
        for claim in claims_from(study, rng, per_record):
            cases.append(Case(claim, study.nct_id))
    return cases


@dataclass(frozen=True)
class Outcome:
    """Best score and link for one case, with its record present and hidden."""

    case: Case
    present_links: tuple[str, ...]
    present_best: tuple[str, float]
    hidden_links: tuple[str, ...]
    hidden_best: tuple[str, float]
    hidden_reasons: tuple = ()


def run(registry: Registry, cases: list[Case]) -> list[Outcome]:
    out = []
    for case in cases:
        results = []
        for reg in (registry, HidingRegistry(registry, [case.nct_id])):
            doc = DocumentClaims("generated", "0" * 64, claims=(case.claim,))
            cm = match_document(doc, reg).claims[0]
            every = sorted([*cm.matches, *cm.candidates], key=lambda m: -m.score)
            best = (every[0].nct_id, every[0].score) if every else ("", 0.0)
            reasons = every[0].reasons if every else ()
            results.append((tuple(m.nct_id for m in cm.matches), best, reasons))
        (pl, pb, _), (hl, hb, hr) = results
        out.append(Outcome(case, pl, pb, hl, hb, hr))
    return out


def rates(outcomes: list[Outcome], threshold: float) -> dict[str, float]:
    """Precision, recall and abstention at a threshold, from each case's best score."""
    tp = fp = fn = abstained = 0
    for o in outcomes:
        nct, score = o.present_best
        if score >= threshold:
            if nct == o.case.nct_id:
                tp += 1
            else:
                fp += 1
        else:
            fn += 1
        if o.hidden_best[1] < threshold:
            abstained += 1
    n = len(outcomes)
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / n if n else 1.0,
        "abstain": abstained / n if n else 1.0,
    }


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    reg = SnapshotRegistry(SNAPSHOT_DIR, index_dir=tmp_path_factory.mktemp("index"))
    try:
        return run(reg, generate(reg))
    finally:
        reg.close()


def test_generated_cases_cover_most_records(outcomes):
    # the records with enough structured facts to be restated (title-only and near-empty
    # records are covered by the seed tests instead)
    assert len({o.case.nct_id for o in outcomes}) >= 8
    assert len(outcomes) >= 45


def test_the_threshold_meets_the_quality_bar_on_restated_real_records(outcomes):
    r = rates(outcomes, SCORING.threshold)
    assert r["precision"] >= 0.95, r
    assert r["recall"] >= 0.90, r
    # measured 0.93: see the next test for what the rest are
    assert r["abstain"] >= 0.90, r


def test_a_false_link_to_a_near_twin_happens_only_when_nothing_contradicts_it(outcomes):
    """With its record hidden, a restated claim may still reach a partial twin: a record of the
    same product that lacks the very fields (size, dates, condition) that would tell them apart.
    Such a link contradicts nothing the claim says; any false link that does is a scoring bug."""
    for o in outcomes:
        if o.hidden_best[1] >= SCORING.threshold:
            outcomes_seen = {r.feature: r.outcome for r in o.hidden_reasons}
            assert "disagreed" not in outcomes_seen.values(), (o.case, o.hidden_reasons)
            assert outcomes_seen.get("intervention") == "agreed", o.case


def test_actual_links_follow_the_scores(outcomes):
    for o in outcomes:
        if o.present_best[1] >= SCORING.threshold:
            assert o.present_links == (o.present_best[0],)
        else:
            assert o.present_links == ()
