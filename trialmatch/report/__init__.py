"""Output formats (table, json, csv, html) behind one interface."""

from __future__ import annotations

from trialmatch.report.interface import Format, FormatError

__all__ = ["FORMAT_NAMES", "Format", "FormatError", "get_format"]

FORMAT_NAMES = ("table", "json", "csv")


def get_format(name: str) -> Format:
    """The Format called ``name``: table, json or csv."""
    if name == "json":
        from trialmatch.report.json import JsonFormat

        return JsonFormat()
    if name == "table":
        from trialmatch.report.table import TableFormat

        return TableFormat()
    if name == "csv":
        from trialmatch.report.csv import CsvFormat

        return CsvFormat()
    raise FormatError(f"unknown format {name!r}; choose one of {', '.join(FORMAT_NAMES)}")
