"""trialmatch: check what marketing says about clinical trials against ClinicalTrials.gov.

The few functions a notebook user calls::

    from trialmatch import open_registry, RegistrySettings, extract_path, check_document
    registry = open_registry(RegistrySettings(source="cassettes/snapshot"))
    doc = extract_path("seeds/000_e0602de30e6a8879.txt")
    checked = check_document(doc, registry)
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "open_registry": ("trialmatch.registry", "open_registry"),
    "RegistrySettings": ("trialmatch.registry", "RegistrySettings"),
    "Query": ("trialmatch.registry", "Query"),
    "Study": ("trialmatch.registry", "Study"),
    "read_document": ("trialmatch.documents", "read_document"),
    "extract": ("trialmatch.claims.extract", "extract"),
    "extract_path": ("trialmatch.claims.extract", "extract_path"),
    "check_document": ("trialmatch.pipeline", "check_document"),
}

__all__ = [
    "Query",
    "RegistrySettings",
    "Study",
    "__version__",
    "check_document",
    "extract",
    "extract_path",
    "open_registry",
    "read_document",
]


def __getattr__(name: str) -> Any:  # lazy, so `import trialmatch` stays cheap
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(name)
