"""Benchmark claim extraction: documents/s and MB/s on one core.

Tiles the seeds and the labelled samples into a corpus of at least ``--docs`` documents (default
10,000) and runs ``extract_text`` over each, in this one process (one core). Reading files is
left out: the figure is extraction speed on text already in memory. Each tiled document is
given a distinct prefix so no cache can help. Speeds are computed from the process's CPU time
(one core), so other work on the machine does not distort them; wall time is printed too.

    .venv/bin/python benchmarks/bench_claims.py [--docs 10000] [--doc-kb 10] [--repeat 1]

It measures the trialmatch that the interpreter imports, and prints which build that is. The
development venv (``pip install -e .``) runs pure Python; ``pip install .`` compiles the claim
detectors with mypyc (setup.py). To measure the compiled build, install it into a venv of its own:

    python3 -m venv /tmp/tm-built && /tmp/tm-built/bin/pip install -q .
    /tmp/tm-built/bin/python benchmarks/bench_claims.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:  # the installed trialmatch (a `pip install .` build may run compiled detectors) ...
    import trialmatch  # noqa: F401
except ImportError:  # ... else the source tree
    sys.path.insert(0, str(ROOT))

from trialmatch.claims import compiled_modules
from trialmatch.claims.extract import extract_text
from trialmatch.documents import read_document


def trialmatch_file() -> str:
    import trialmatch

    return str(trialmatch.__file__)


def corpus_texts() -> list[tuple[str, str]]:
    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted(
        p for p in (ROOT / "tests" / "samples" / "claims").glob("*") if p.is_file()
    )
    return [(p.name, read_document(p).text) for p in paths]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000, help="documents in the corpus")
    ap.add_argument("--repeat", type=int, default=1, help="passes over the corpus")
    ap.add_argument(
        "--doc-kb",
        type=float,
        default=10.0,
        help="join consecutive seeds/samples into documents of about this size (default 10 KB,"
        " the size the speed target is stated for); 0 keeps each file a document",
    )
    args = ap.parse_args()
    base = corpus_texts()
    docs = []
    k = 0
    while len(docs) < max(args.docs, len(base)):
        parts = [f"[{len(docs)}]"]
        size = 0
        while True:
            text = base[k % len(base)][1]
            k += 1
            parts.append(text)
            size += len(text.encode("utf-8"))
            if size >= args.doc_kb * 1000:
                break
        docs.append("\n\n".join(parts))
    total_chars = sum(len(d) for d in docs)
    total_bytes = sum(len(d.encode("utf-8")) for d in docs)
    claims = figures = 0
    best = best_wall = float("inf")
    for _ in range(args.repeat):
        start, start_wall = time.process_time(), time.perf_counter()
        claims = figures = 0
        for i, text in enumerate(docs):
            result = extract_text(text, doc=f"doc{i}")
            claims += len(result.claims)
            figures += len(result.figures)
        best = min(best, time.process_time() - start)
        best_wall = min(best_wall, time.perf_counter() - start_wall)
    n = len(docs)
    compiled = compiled_modules()
    build = f"mypyc-compiled ({', '.join(compiled)})" if compiled else "pure Python"
    print(f"build: trialmatch from {Path(trialmatch_file()).parent}, {build}")
    print(f"corpus: {n} documents tiled from {len(base)} files ({', '.join(b[0] for b in base)})")
    print(f"tiling: files joined into documents of >= {args.doc_kb:g} KB")
    print(
        f"size: {total_bytes / 1e6:.2f} MB ({total_chars} characters), {total_bytes / n / 1e3:.1f} KB/doc"
    )
    print(f"found: {claims} claims, {figures} figures")
    print(f"time: {best:.2f} s CPU, {best_wall:.2f} s wall (best of {args.repeat}, one core)")
    print(f"speed: {n / best:.0f} documents/s, {total_bytes / best / 1e6:.2f} MB/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
