"""Shared test fixtures: the repo's copies of real registry records and the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = ROOT / "cassettes" / "snapshot"
SEEDS_DIR = ROOT / "seeds"
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
REGISTRY_DATA = Path(__file__).resolve().parent / "data" / "registry"


def load_record(nct_id: str) -> dict:
    """A real (partial) API v2 record, from the repo's copy of shared/registry."""
    return json.loads((SNAPSHOT_DIR / f"{nct_id}.json").read_text(encoding="utf-8"))


@pytest.fixture
def snapshot_dir() -> Path:
    return SNAPSHOT_DIR


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS_DIR


def pytest_report_header() -> str:
    """Which trialmatch the tests run: the source tree (pure Python) or an installed build whose
    claim detectors are mypyc-compiled (.ci/run tests both)."""
    import trialmatch
    from trialmatch.claims import compiled_modules

    compiled = compiled_modules()
    build = "mypyc-compiled: " + " ".join(compiled) if compiled else "pure Python"
    return f"trialmatch: {Path(trialmatch.__file__).parent} ({build})"
