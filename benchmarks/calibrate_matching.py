"""Sweep the matcher's threshold over labelled cases and print precision, recall, abstention.

Not a test: it prints figures (docs/CALIBRATION.md quotes them). Two labelled sets:

1. RESTATED: claims generated from the structured fields of every real record in
   cassettes/snapshot/ (tests/test_matching_calibration.py), matched with the record present
   (must link to it) and hidden (must abstain: its near twins stay in the snapshot).
2. SEEDS AND SAMPLES: the five seeds and the labelled samples under tests/samples/matching/, run
   through the real extractor, with the links issue #4 expects.

    .venv/bin/python benchmarks/calibrate_matching.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_matching_calibration import generate, rates, run
from trialmatch.claims.extract import extract_path
from trialmatch.matching import SCORING, match_document
from trialmatch.registry.snapshot import SnapshotRegistry

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)

#: document -> NCT IDs a careful reader links (issue #4 for the seeds; the samples' labels)
EXPECTED = {
    "seeds/000_e0602de30e6a8879.txt": {"NCT02017912", "NCT01051882", "NCT01777646"},
    "seeds/001_e8805517439d9a80.txt": set(),
    "seeds/002_d1e2b7c328a866ba.txt": set(),
    "seeds/003_92c0c7b74f5bab9b.txt": {"NCT03828123"},
    "seeds/004_5396f02c09753a70.txt": set(),
    "tests/samples/matching/pallas_eudract.txt": {"NCT02513394"},
    "tests/samples/matching/nurown_code_name.txt": {"NCT01051882"},
    "tests/samples/matching/miscited_id.txt": {"NCT01363401"},  # cited: always linked
    "tests/samples/matching/abstain_similar.txt": set(),
    "tests/samples/matching/mayo_no_product.txt": {"NCT01609283"},
    "tests/samples/matching/mayo_adipose.txt": {"NCT03268603"},
    "tests/samples/matching/corestem_news.txt": {"NCT04745299", "NCT01363401"},
    "tests/samples/matching/clinic_mentions_nurown.txt": {"NCT03280056"},
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        reg = SnapshotRegistry(ROOT / "cassettes" / "snapshot", index_dir=Path(tmp))
        cases = generate(reg)
        outcomes = run(reg, cases)
        print(
            f"RESTATED real records: {len(cases)} claims from "
            f"{len({c.nct_id for c in cases})} records, each matched with its record present "
            "and hidden"
        )
        print(f"{'threshold':>9}  {'precision':>9}  {'recall':>6}  {'abstain':>7}")
        for t in THRESHOLDS:
            r = rates(outcomes, t)
            mark = "  <- SCORING.threshold" if abs(t - SCORING.threshold) < 1e-9 else ""
            print(
                f"{t:>9.2f}  {r['precision']:>9.3f}  {r['recall']:>6.3f}  {r['abstain']:>7.3f}"
                f"{mark}"
            )
        pos = sorted(o.present_best[1] for o in outcomes if o.present_best[0] == o.case.nct_id)
        neg = sorted(o.hidden_best[1] for o in outcomes)
        print(f"scores of the true record: min {pos[0]:.3f}, median {pos[len(pos) // 2]:.3f}")
        print(
            f"best score with the record hidden: median {neg[len(neg) // 2]:.3f}, max {neg[-1]:.3f}"
        )

        print("\nSEEDS AND SAMPLES through the real extractor (links found vs expected)")
        tp = fp = fn = 0
        for rel, want in EXPECTED.items():
            try:
                doc = extract_path(ROOT / rel)
            except Exception as exc:  # noqa: BLE001 - report an extractor failure and go on
                print(f"  EXTRACT  {rel}: extraction failed: {type(exc).__name__}: {exc}")
                fn += len(want)
                continue
            dm = match_document(doc, reg)
            got = {m.nct_id for c in dm.claims for m in c.matches}
            tp += len(got & want)
            fp += len(got - want)
            fn += len(want - got)
            status = "ok" if got == want else "MISMATCH"
            print(f"  {status:8}  {rel}: {sorted(got) or 'none'}")
        print(f"  links: {tp} right, {fp} wrong, {fn} missed")
        reg.close()


if __name__ == "__main__":
    main()
