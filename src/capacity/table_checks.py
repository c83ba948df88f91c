"""Problem records for bad values in input tables, and the column checks that produce them.

Engines report a bad cell as a `TableProblem(table, column, rows, kind, value, params)`; the
app layer words it (Vietnamese or English) and points at the file, row and column. `TableError`
(a ValueError) carries every problem of a table at once; its text is the English wording.

Kinds:
- `missing_column`   a required column is absent (params: expected)
- `not_number`       not a number (params: low, high, integer, unit)
- `not_whole`        a count that is not a whole number
- `below_minimum`    below the smallest allowed value (params: low)
- `above_maximum`    above the largest allowed value (params: high)
- `above_column`     larger than another column of the same row (params: other)
- `unknown_code`     not one of the allowed codes (params: allowed)
- `duplicate`        the same key appears twice (params: keys)
Rows are spreadsheet rows (header = row 1, first data row = 2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TABLE_PROBLEM_KINDS", "TableError", "TableProblem", "check_codes", "check_count_column", "sheet_rows"]

TABLE_PROBLEM_KINDS: tuple[str, ...] = (
    "missing_column",
    "not_number",
    "not_whole",
    "below_minimum",
    "above_maximum",
    "above_column",
    "unknown_code",
    "duplicate",
)


def sheet_rows(mask: np.ndarray | pd.Series) -> tuple[int, ...]:
    """Spreadsheet row numbers (header = 1) of the True entries of a row mask."""
    return tuple(int(i) + 2 for i in np.flatnonzero(np.asarray(mask, bool)))


@dataclass(frozen=True)
class TableProblem:
    """Bad values of one column of an input table: which rows, what is wrong, what is allowed."""

    table: str
    column: str
    rows: tuple[int, ...]
    kind: str
    value: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        """One English sentence naming the table, column and rows."""
        shown = ", ".join(map(str, self.rows[:5])) + (f" and {len(self.rows) - 5} more" if len(self.rows) > 5 else "")
        where = f"{self.table}: column '{self.column}'"
        at = f", see row(s) {shown}" if self.rows else ""
        p = self.params
        unit = f" {p['unit']}" if p.get("unit") else ""
        if self.kind == "missing_column":
            return f"{self.table}: missing column '{self.column}'; expected {', '.join(p.get('expected', ()))}"
        if self.kind == "not_number":
            return f"{where} must be a number (or blank){at} (found {self.value!r})"
        if self.kind == "not_whole":
            return f"{where} must be a whole number{unit}{at} (found {self.value!r})"
        if self.kind == "below_minimum":
            return f"{where} must be at least {p['low']:g}{unit}{at} (found {self.value!r})"
        if self.kind == "above_maximum":
            return f"{where} must be at most {p['high']:g}{unit}{at} (found {self.value!r})"
        if self.kind == "above_column":
            return f"{where} cannot exceed column '{p['other']}' of the same row{at} (found {self.value!r})"
        if self.kind == "unknown_code":
            return f"{where} holds an unknown code{at} (found {self.value!r}); use one of {', '.join(p['allowed'])}"
        if self.kind == "duplicate":
            return f"{self.table}: the same {' × '.join(p['keys'])} appears twice{at}"
        return f"{where}: bad value{at}"

    def __str__(self) -> str:
        return self.english()


class TableError(ValueError):
    """Every problem of an input table; str() is the English wording, one problem a line."""

    def __init__(self, problems: Sequence[TableProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(p.english() for p in self.problems))


def check_count_column(
    frame: pd.DataFrame,
    table: str,
    column: str,
    problems: list[TableProblem],
    *,
    integer: bool = True,
    low: float = 0.0,
    high: float = np.inf,
    unit: str = "",
) -> pd.Series:
    """The column as floats (blank = NaN); a bad cell adds its problem and becomes NaN.

    Checks, in order: a number, a whole number (when `integer`), ≥ low, ≤ high.
    """
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    blank = raw.isna() | raw.astype(str).str.strip().isin(["", "nan", "NaN", "None"])
    limits = MappingProxyType({"low": low, "high": high, "integer": integer, "unit": unit})
    checks = [
        ("not_number", values.isna() & ~blank),
        ("not_whole", values.notna() & (values != values.round()) if integer else values.isna() & False),
        ("below_minimum", values < low),
        ("above_maximum", values > high),
    ]
    bad_any = np.zeros(len(frame), bool)
    for kind, mask in checks:
        mask = mask.to_numpy(bool) & ~bad_any
        if mask.any():
            first = raw.iloc[int(np.flatnonzero(mask)[0])]
            problems.append(TableProblem(table, column, sheet_rows(mask), kind, first, limits))
            bad_any |= mask
    return values.where(~bad_any)


def check_codes(
    frame: pd.DataFrame, table: str, column: str, allowed: Sequence[str], problems: list[TableProblem]
) -> np.ndarray:
    """Mask of the rows whose `column` holds one of `allowed`; the others add one problem."""
    ok = frame[column].astype(str).isin(list(allowed)).to_numpy().copy()
    if not ok.all():
        first = frame[column].iloc[int(np.flatnonzero(~ok)[0])]
        problems.append(
            TableProblem(
                table, column, sheet_rows(~ok), "unknown_code", first, MappingProxyType({"allowed": tuple(allowed)})
            )
        )
    return ok
