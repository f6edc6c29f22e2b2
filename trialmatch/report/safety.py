"""CSV safety: neutralize cells that a spreadsheet would run as a formula ("CSV injection").

Documents are hostile input, and their text reaches CSV cells (quotes, names, figures). Excel,
LibreOffice Calc and Google Sheets treat a cell whose first character is ``=``, ``+``, ``-``
or ``@`` as a formula, and a leading tab or carriage return can hide such a character; a
formula can open links (``=HYPERLINK``), fetch data (``=WEBSERVICE``, ``=IMPORTXML``) or, in
old Excel, run commands through DDE (``=cmd|'/c calc'!A1``).

The rule, after OWASP's "CSV Injection" guidance (also OWASP ASVS 1.2.10, CWE-1236):

* a **text** cell whose first character is ``=``, ``+``, ``-``, ``@``, a tab (``\\t``), a
  carriage return (``\\r``) or NUL gets a single quote (``'``) in front of it. Spreadsheets
  take the quote as "this is text" and do not show it;
* so does text whose first non-blank character is one of ``= + - @`` (``"  =1+1"``,
  ``"\\n=cmd|..."``): some programs trim leading blanks before they look for a formula;
* **numbers stay numbers**: ``int``, ``float`` (and numpy/pandas numbers, ``bool``) are never
  touched, and neither is a text cell that is just a plain decimal number such as ``"-12"``,
  ``"+3.5"`` or ``"-1e5"``. A spreadsheet reads those as the number they are — the same as
  typing them — and no function can hide in ``[+-]digits[.digits][e±digits]``, so quoting
  them would only turn negative values into text and break sums;
* ``None``, NaN and the empty string are returned as they are.

Quoting of commas, quotes and newlines inside cells (RFC 4180) is the CSV writer's job
(``csv`` module / ``DataFrame.to_csv``), so a cell cannot start a new cell or row either.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: first characters that make a spreadsheet read a cell as a formula (or hide one)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")
_FORMULA_CHARS = ("=", "+", "-", "@")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_BLANKS = " \t\r\n\x00\x0b\x0c\xa0\u3000"


def is_formula_like(text: str) -> bool:
    """True when ``text`` would be read as a formula by a spreadsheet (see the module rule)."""
    if not text:
        return False
    if _PLAIN_NUMBER.fullmatch(text):
        return False
    if text.startswith(FORMULA_TRIGGERS):
        return True
    return text.lstrip(_BLANKS).startswith(_FORMULA_CHARS)


def neutralize_csv_cell(value: Any) -> Any:
    """``value`` made safe for a CSV cell: formula-like text gets a leading ``'``.

    Anything that is not a ``str`` (numbers, booleans, None, NaN) is returned unchanged, and so
    is text that is a plain number (``"-12"``).
    """
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


#: the name the batch job's tables use
neutralize_cell = neutralize_csv_cell


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralized; numeric columns are untouched.

    Only object and string columns are mapped, so int/float/nullable-integer columns keep their
    dtype and are written as numbers. Column names are not changed.
    """
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        if dtype == object or pd.api.types.is_string_dtype(dtype):
            out[column] = out[column].map(neutralize_csv_cell).astype(object)
    return out


#: the name the brief used for the DataFrame helper
neutralize_dataframe = neutralize_frame
