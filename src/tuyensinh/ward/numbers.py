"""Numbers as planners type them, read without guessing.

Accepted as written: plain numbers (`12`, `12.5`, `-3`, `1e3`), a decimal comma in a
semicolon-separated file (`12,5`), and thousands separators that cannot be read any other way:
several groups (`1.234.567`, `1,234,567`), spaces (`1 234`), or both separators
(`1.234,5`, `1,234.5`, the last one marks the decimals).

One group of three digits after a single dot or comma (`7.300`, `12,500`) is ambiguous: 7300 with
a Vietnamese thousands dot, or 7.3. It is read as thousands only when the other reading cannot be
right for the column (not a whole number where one is needed, outside the column's range, or
below the column's plausible minimum, e.g. 7.3 m² of school land); otherwise the cell is refused
with both readings and how to write it — never silently read as a decimal. When neither reading
fits, the cell keeps its plain reading and the column's range check reports it.

Cells that are not numbers get a specific message: an open group (`18+`), a range (`6-10`),
a number with words (`5 tuổi`), a decimal comma in a comma-separated file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tuyensinh.words.core import Text
from tuyensinh.words.workbook import text

__all__ = ["NumberReading", "read_numbers", "PLAUSIBLE_RANGE"]

#: Outside these the reading of an ambiguous `7.300` is taken as implausible (the other one wins).
PLAUSIBLE_RANGE: dict[str, tuple[float, float]] = {
    "land_m2": (100.0, np.inf),  # m² of school land: no school stands on less
    "metres": (10.0, np.inf),  # metres from a quarter to a school
    "lon": (102.0, 118.0),  # degrees east: Viet Nam, islands included
    "lat": (8.0, 24.0),  # degrees north
}

_PLAIN = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ONE_GROUP = re.compile(r"^([+-]?\d{1,3})([.,])(\d{3})$")
_MANY_GROUPS = re.compile(r"^[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})+$")
_SPACED = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$")
_BOTH = re.compile(r"^[+-]?\d{1,3}(?:([.,])\d{3})*(?!\1)([.,])\d+$")
_OPEN = re.compile(r"^(\d+)\s*(\+|trở lên|tro len|and over|or more)$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d+)\s*[-–—]\s*(\d+)$")
_WITH_WORDS = re.compile(r"^[^\d]*?([+-]?\d+(?:[.,]\d+)?)\s*[^\d\s.,][^\d]*$|^[^\d]+([+-]?\d+(?:[.,]\d+)?)$")


@dataclass(frozen=True)
class NumberReading:
    """The numbers of a column (NaN where blank or refused) and, per refused row, what is wrong."""

    values: np.ndarray
    refused: dict[int, tuple[Text, Text]]  # row -> (message, fix); rows absent here use the generic message


def _show(value: float) -> str:
    return f"{value:.15g}"


def _vi_decimal(value: float) -> str:
    return _show(value).replace(".", ",")


def read_numbers(
    cells: pd.Series, decimal_comma: bool, acceptable: Callable[[np.ndarray], np.ndarray]
) -> NumberReading:
    """Read the text `cells` (index = spreadsheet row) as numbers.

    `acceptable(values)` says which values the column can hold (whole, within range, plausible):
    it settles the ambiguous `7.300`. Vectorised over the plain cells; only the few cells that are
    not plain numbers are looked at one by one.
    """
    plain = cells.to_numpy(dtype=object)
    if all(isinstance(cell, str) and 0 < len(cell) <= 15 and cell.isascii() and cell.isdigit() for cell in plain):
        # whole numbers written with digits only (the bulk of population.csv): nothing to
        # settle, the same values as the general path below
        return NumberReading(np.array([int(cell) for cell in plain], dtype="float64"), {})
    written = cells.astype(str)
    prepared = written.str.replace(",", ".", regex=False) if decimal_comma else written
    values = pd.to_numeric(prepared, errors="coerce").to_numpy(dtype="float64", na_value=np.nan, copy=True)
    refused: dict[int, tuple[Text, Text]] = {}
    filled = written.ne("").to_numpy()
    candidates = np.flatnonzero(
        filled & (np.isnan(values) | written.str.fullmatch(r"[+-]?\d{1,3}[.,]\d{3}").to_numpy())
    )
    rows = cells.index.to_numpy()
    for position in candidates:
        cell = written.iloc[position].strip()
        row = int(rows[position])
        number, problem = _read_one(cell, decimal_comma, acceptable)
        values[position] = number
        if problem is not None:
            refused[row] = problem
    return NumberReading(values, refused)


def _read_one(
    cell: str, decimal_comma: bool, acceptable: Callable[[np.ndarray], np.ndarray]
) -> tuple[float, tuple[Text, Text] | None]:
    """One cell that is not a plain number, or a `d.ddd` / `d,ddd` one."""
    one = _ONE_GROUP.match(cell)
    if one:
        head, sep, tail = one.groups()
        thousands = float(head + tail)
        decimal = float(f"{head}.{tail}")
        # a comma is no decimal mark in a comma-separated file
        decimal_ok = False if sep == "," and not decimal_comma else bool(acceptable(np.array([decimal]))[0])
        thousands_ok = bool(acceptable(np.array([thousands]))[0])
        if thousands_ok and not decimal_ok:
            return thousands, None
        if decimal_ok and not thousands_ok:
            return decimal, None
        if not decimal_ok and not thousands_ok:  # neither fits: the range checks say what is wrong
            return (decimal if sep == "." or decimal_comma else np.nan), None
        return np.nan, (
            text(
                "num.ambiguous",
                value=cell,
                thousands=_show(thousands),
                sep=sep,
                decimal=Text(_vi_decimal(decimal), _show(decimal)),
            ),
            text("fix.num.ambiguous", thousands=_show(thousands), decimal_dot=_show(decimal)),
        )
    if _MANY_GROUPS.match(cell):
        return float(re.sub(r"[.,]", "", cell)), None
    if _SPACED.match(cell):
        compact = re.sub(r"[ \u00a0\u202f]", "", cell).replace(",", ".")
        return float(compact), None
    both = _BOTH.match(cell)
    if both and both.group(1):
        thousands_sep, decimal_sep = both.group(1), both.group(2)
        return float(cell.replace(thousands_sep, "").replace(decimal_sep, ".")), None
    if re.fullmatch(r"[+-]?\d+,\d+", cell) and not decimal_comma:
        dot = cell.replace(",", ".")
        return np.nan, (text("num.decimal_comma", value=cell), text("fix.num.decimal_comma", decimal_dot=dot))
    opened = _OPEN.match(cell)
    if opened:
        return np.nan, (text("num.open_group", value=cell), text("fix.num.open_group", value=cell))
    ranged = _RANGE.match(cell)
    if ranged:
        low, high = ranged.groups()
        return np.nan, (text("num.range", value=cell), text("fix.num.range", low=low, high=high))
    worded = _WITH_WORDS.match(cell)
    if worded:
        number = worded.group(1) or worded.group(2)
        return np.nan, (text("num.with_words", value=cell), text("fix.num.with_words", number=number))
    return np.nan, None
