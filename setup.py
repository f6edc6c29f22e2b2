"""Build hook: compile the claim detectors with mypyc when a C compiler is at hand.

Everything else about the package lives in pyproject.toml. The detector modules listed in
COMPILED are plain, type-annotated Python; mypyc turns them into C extensions, which makes claim
extraction about a fifth faster (BENCHMARKS.md). The build falls back to pure Python -- same
behaviour, slower -- when:

- the install is editable (``pip install -e .``): the sources stay the code that runs, so an
  edit takes effect without a rebuild;
- TRIALMATCH_PURE_PYTHON=1 is set;
- mypyc is missing or rejects the code, or the C compiler fails.

TRIALMATCH_REQUIRE_COMPILED=1 turns those failures into errors (CI uses it, so a change mypyc
cannot compile is caught).
"""

from __future__ import annotations

import os
import sys

from setuptools import setup

COMPILED = [
    "trialmatch/claims/text.py",
    "trialmatch/claims/ids.py",
    "trialmatch/claims/phases.py",
    "trialmatch/claims/designs.py",
    "trialmatch/claims/dates.py",
    "trialmatch/claims/numbers.py",
    "trialmatch/claims/enrollment.py",
    "trialmatch/claims/names.py",
    "trialmatch/claims/grouping.py",
    "trialmatch/claims/extract.py",
]


def _ext_modules() -> list:
    required = os.environ.get("TRIALMATCH_REQUIRE_COMPILED") == "1"
    if not required and (
        os.environ.get("TRIALMATCH_PURE_PYTHON") == "1" or "editable_wheel" in sys.argv
    ):
        return []
    try:
        from mypyc.build import mypycify

        # the modules they import (documents, languages, ...) stay interpreted and are not held
        # to mypyc's type check: only the COMPILED ones are
        exts = mypycify(
            ["--follow-imports=silent", *COMPILED], opt_level="3", group_name="trialmatch_claims"
        )
    except (Exception, SystemExit) as exc:  # mypyc exits on type errors
        if required:
            raise
        print(f"trialmatch: mypyc build skipped ({exc}); installing pure Python", file=sys.stderr)
        return []
    for ext in exts:
        ext.optional = not required  # a failed C compile leaves the pure-Python module in place
    return exts


setup(ext_modules=_ext_modules())
