"""Claim extraction (issue #3): documents -> claims and figures."""

from trialmatch.claims.model import Arm, Claim, DateSpan, DocumentClaims, Figure, FollowUp

__all__ = [
    "Arm",
    "Claim",
    "DateSpan",
    "DocumentClaims",
    "Figure",
    "FollowUp",
    "compiled_modules",
]


def compiled_modules() -> list[str]:
    """The claim modules running as mypyc-compiled C extensions in this install (setup.py);
    empty for a pure-Python install, such as an editable one."""
    import importlib

    names = ("text", "ids", "phases", "designs", "dates", "numbers", "enrollment", "names")
    out = []
    for name in (*names, "grouping", "extract"):
        mod = importlib.import_module(f"trialmatch.claims.{name}")
        if not str(getattr(mod, "__file__", "")).endswith(".py"):
            out.append(name)
    return out
