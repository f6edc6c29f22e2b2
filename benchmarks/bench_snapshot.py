"""Benchmark the offline snapshot source: index build time, open time, get and search latency.

Not a test: it prints figures. The snapshots are SYNTHETIC: the real records of
``cassettes/snapshot/`` tiled under new IDs (``NCT9xxxxxxx``, a range ClinicalTrials.gov has not
issued) in a temporary folder, laid out like the bulk download (``<last 2 digits>/NCT….json``).
The complete 1.5 MB sample (NCT02513394, with results) is used once per 50 studies and the 15
partial records fill the rest, so the average file is near the real bulk download's ~17 KB.

Each (size, layout) runs in a fresh child process so its peak memory (ru_maxrss) is its own.

    .venv/bin/python benchmarks/bench_snapshot.py                  # N = 1,000 and 100,000
    .venv/bin/python benchmarks/bench_snapshot.py --sizes 1000 --layouts dir zip
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SNAPSHOT = ROOT / "cassettes" / "snapshot"
COMPLETE = "NCT02513394"
PLACEHOLDER = "NCT@@@@@@@@"
FULL_REGISTRY = 550_000

QUERIES = [
    ("term, common word", {"term": "cells"}),
    ("term, phrase", {"term": '"amyotrophic lateral sclerosis"'}),
    ("cond", {"cond": "Amyotrophic Lateral Sclerosis"}),
    ("intr, rare", {"intr": "Palbociclib"}),
    ("spons", {"spons": "Brainstorm-Cell Therapeutics"}),
    ("titles", {"titles": "PALLAS"}),
    ("id (EudraCT)", {"id": "2014-005181-30"}),
    ("cond + filter.overallStatus", {"cond": "ALS", "overall_status": ("COMPLETED",)}),
    ("term + AREA[Phase]PHASE3", {"term": "cells", "advanced": "AREA[Phase]PHASE3"}),
    ("advanced only (Phase)", {"advanced": "AREA[Phase]PHASE2"}),
    ("advanced only (date RANGE)", {"advanced": "AREA[LastUpdatePostDate]RANGE[2023-01-01,MAX]"}),
]


def nct(i: int) -> str:
    return f"NCT9{i:07d}"


def templates() -> tuple[list[str], str]:
    small, big = [], ""
    for p in sorted(SNAPSHOT.glob("NCT*.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        data["protocolSection"]["identificationModule"]["nctId"] = PLACEHOLDER
        text = json.dumps(data, ensure_ascii=False)
        if p.stem == COMPLETE:
            big = text
        else:
            small.append(text)
    return small, big


def study_texts(n: int):
    small, big = templates()
    for i in range(n):
        template = big if i % 50 == 25 else small[i % len(small)]
        yield nct(i), template.replace(PLACEHOLDER, nct(i))


def make_dir(root: Path, n: int) -> int:
    total = 0
    for nct_id, text in study_texts(n):
        shard = root / nct_id[-2:]
        shard.mkdir(parents=True, exist_ok=True)
        data = text.encode()
        (shard / f"{nct_id}.json").write_bytes(data)
        total += len(data)
    return total


def make_zip(path: Path, n: int) -> int:
    total = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for nct_id, text in study_texts(n):
            data = text.encode()
            zf.writestr(f"{nct_id[-2:]}/{nct_id}.json", data)
            total += len(data)
    return total


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def child(n: int, layout: str, work: Path) -> dict:
    from trialmatch.registry import Query
    from trialmatch.registry.snapshot import SnapshotRegistry

    out: dict = {"n": n, "layout": layout}
    t = time.perf_counter()
    if layout == "dir":
        path = work / "snapshot"
        out["bytes"] = make_dir(path, n)
    else:
        path = work / "ctg-studies.json.zip"
        out["bytes"] = make_zip(path, n)
        out["zip_bytes"] = path.stat().st_size
    out["generate_s"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    reg = SnapshotRegistry(path)
    out["build_s"] = round(time.perf_counter() - t, 2)
    assert reg.rebuilt and reg.count == n, (reg.count, reg.build_errors[:3])
    out["index_bytes"] = reg.index_path.stat().st_size
    out["maxrss_build_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    reg.close()

    t = time.perf_counter()
    reg = SnapshotRegistry(path)
    out["reopen_ms"] = ms(time.perf_counter() - t)
    assert not reg.rebuilt

    rng = random.Random(42)
    singles = []
    for _ in range(200):
        i = rng.randrange(n)
        t = time.perf_counter()
        got = reg.get([nct(i)])
        singles.append(time.perf_counter() - t)
        assert got[0].nct_id == nct(i)
    small_singles = []
    for _ in range(200):  # a partial record (the 1.5 MB sample's JSON parse dominates otherwise)
        i = rng.randrange(n)
        i -= 1 if i % 50 == 25 else 0
        t = time.perf_counter()
        reg.get([nct(max(i, 0))])
        small_singles.append(time.perf_counter() - t)
    out["get1_p50_ms"] = ms(statistics.median(small_singles))
    out["get1_p95_ms"] = ms(statistics.quantiles(small_singles, n=20)[-1])
    out["get1_any_p50_ms"] = ms(statistics.median(singles))
    batch = [nct(i) for i in rng.sample(range(n), min(1000, n))]
    t = time.perf_counter()
    got = reg.get(batch)
    out["get1000_ms"] = ms(time.perf_counter() - t)
    out["get1000_found"] = len(got)

    searches = []
    for label, kw in QUERIES:
        times, id_times, count = [], [], 0
        for _ in range(5):
            t = time.perf_counter()
            count = len(reg.search_ids(Query(limit=20, **kw)))
            id_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            sum(1 for _ in reg.search(Query(limit=20, **kw)))
            times.append(time.perf_counter() - t)
        searches.append(
            (label, ms(statistics.median(id_times)), ms(statistics.median(times)), count)
        )
    out["searches"] = searches
    reg.close()
    out["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def run_child(n: int, layout: str) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"trialmatch-bench-{layout}-{n}-"))
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(n), layout, str(work)],
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(results: list[dict]) -> None:
    print(
        "SYNTHETIC snapshots: the real records of cassettes/snapshot/ tiled under new IDs "
        "(NCT9xxxxxxx);\nthe complete 1.5 MB sample once per 50 studies, the partial records "
        "otherwise; bulk-download layout.\n"
    )
    for r in results:
        mb = r["bytes"] / 1e6
        print(
            f"== N = {r['n']:,} studies, {r['layout']}"
            f" ({mb:,.0f} MB of JSON, {r['bytes'] / r['n'] / 1e3:.1f} KB/study"
            + (f", zip {r['zip_bytes'] / 1e6:,.0f} MB" if "zip_bytes" in r else "")
            + ")"
        )
        print(
            f"  index build          {r['build_s']:>9.2f} s   ({r['n'] / r['build_s']:,.0f} studies/s)"
        )
        print(f"  index size           {r['index_bytes'] / 1e6:>9.1f} MB")
        print(f"  reopen (fingerprint) {r['reopen_ms']:>9.1f} ms  (index reused, not rebuilt)")
        print(f"  get 1 ID   p50/p95   {r['get1_p50_ms']:>6.2f} / {r['get1_p95_ms']:.2f} ms"
              f"   (p50 incl. the 1.5 MB record: {r['get1_any_p50_ms']:.2f} ms)")  # fmt: skip
        print(f"  get 1000 IDs         {r['get1000_ms']:>9.1f} ms  ({r['get1000_found']} found)")
        print("  search, limit 20                   index only   + Study objects")
        for label, t_ids, t, count in r["searches"]:
            print(f"    {label:<30} {t_ids:>8.2f} ms {t:>12.2f} ms  ({count} results)")
        print(f"  peak memory (ru_maxrss): after build {r['maxrss_build_mb']} MB,"
              f" after the lookups {r['maxrss_mb']} MB")  # fmt: skip
        print()
    big = [r for r in results if r["n"] >= 100_000 and r["layout"] == "dir"]
    if big:
        r = big[-1]
        scale = FULL_REGISTRY / r["n"]
        print(
            f"Extrapolated to the full registry (~{FULL_REGISTRY:,} studies, linear from N = "
            f"{r['n']:,}, dir): build ~{r['build_s'] * scale / 60:.0f} min, index "
            f"~{r['index_bytes'] * scale / 1e9:.1f} GB, reopen ~{r['reopen_ms'] * scale / 1000:.1f} s"
            " (real records are larger and richer in text than these tiles: expect more)."
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    ap.add_argument("--layouts", nargs="+", choices=("dir", "zip"), default=["dir", "zip"])
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        n, layout, work = args.child
        print(json.dumps(child(int(n), layout, Path(work))))
        return
    results = []
    for n in args.sizes:
        for layout in args.layouts:
            print(f"... N = {n:,} {layout}", file=sys.stderr, flush=True)
            results.append(run_child(n, layout))
    report(results)


if __name__ == "__main__":
    main()
