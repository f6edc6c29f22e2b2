"""Benchmark: fetching N studies by ID through the API client from a local server.

For N = 1, 100 and 1000 it prints the network requests made and the wall time of
``ApiRegistry.get(ids)`` against ``tests/localserver.py`` on 127.0.0.1, first with an empty HTTP
cache (cold) and then repeated on the same cache (warm).

The local server needs N studies: the 16 real records in cassettes/snapshot/ are tiled under new,
made-up IDs (NCT9xxxxxxx) to reach N. The client-side rate limit is turned off (``rate=0``), so
the times measure the client and the loopback server, not the 1 request/s politeness delay the
client keeps by default against the real API (where each extra request costs >= 1 s).

    python benchmarks/bench_registry_api.py [--repeat 5] [--rate 0]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from localserver import FakeApi, load_snapshot_records, tile_records

from trialmatch.registry.api import ApiRegistry


def run(n: int, api: FakeApi, cache_dir: Path, rate: float) -> dict[str, float]:
    ids = [f"NCT{90_000_000 + i:08d}" for i in range(n)]
    cache = cache_dir / f"cache-{n}-{time.perf_counter_ns()}.sqlite"
    out = {}
    for phase in ("cold", "warm"):
        registry = ApiRegistry(api.base_url, cache, rate=rate)
        sent = api.bytes_sent
        t0 = time.perf_counter()
        studies = registry.get(ids)
        out[f"{phase}_s"] = time.perf_counter() - t0
        out[f"{phase}_requests"] = registry.requests_made
        out[f"{phase}_kb"] = (api.bytes_sent - sent) / 1e3
        assert [s.nct_id for s in studies] == ids, "lookup lost or reordered studies"
        registry.close()
    nocache = ApiRegistry(api.base_url, None, rate=rate)
    t0 = time.perf_counter()
    nocache.get(ids)
    out["nocache_s"] = time.perf_counter() - t0
    out["nocache_requests"] = nocache.requests_made
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per N (median reported)")
    parser.add_argument("--rate", type=float, default=0.0, help="client rate limit (0 = off)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 100, 1000])
    args = parser.parse_args(argv)

    real = load_snapshot_records()
    records = tile_records(real, max(args.sizes))
    print(
        f"API client benchmark: {len(real)} real records from cassettes/snapshot/ tiled under "
        f"made-up IDs NCT9xxxxxxx to {len(records)} studies, served by tests/localserver.py on "
        "127.0.0.1."
    )
    rate_note = "off (rate=0)" if not args.rate else f"{args.rate:g} requests/s"
    print(f"Client-side rate limit: {rate_note}. Median of {args.repeat} runs per N.")
    print(f"Python {sys.version.split()[0]} on {sys.platform}.\n")
    header = (
        f"{'N':>6} | {'requests':>8} | {'received':>9} | {'no cache':>10} | {'cold cache':>10} | "
        f"{'warm cache':>10} | {'warm requests':>13}"
    )
    print(header)
    print("-" * len(header))
    with FakeApi(records) as api, tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            runs = [run(n, api, Path(tmp), args.rate) for _ in range(args.repeat)]

            def med(key: str, runs: list = runs) -> float:
                return statistics.median(r[key] for r in runs)

            print(
                f"{n:>6} | {med('cold_requests'):>8.0f} | {med('cold_kb'):>6.0f} kB | "
                f"{med('nocache_s') * 1000:>8.1f}ms | "
                f"{med('cold_s') * 1000:>8.1f}ms | {med('warm_s') * 1000:>8.1f}ms | "
                f"{med('warm_requests'):>13.0f}"
            )
    print(
        "\nrequests: network requests for one lookup of N IDs (filter.ids batches, pageSize=1000, "
        "URLs < 8 KB);\nreceived: response bodies (fields= pruned; the tiled set repeats the one "
        "complete record, NCT02513394, 437 sites, every 16th study).\nno cache: cache_path=None. cold cache: empty SQLite cache (includes "
        "writing it). warm cache: the same lookup again on that cache."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
