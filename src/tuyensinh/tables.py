"""Typed columns of the ward tables: turning text cells into checked values.

Each table of the ward folder is described by a list of `Column`s; `parse_table` converts the
text cells of a `RawTable` into typed columns and reports every cell that is blank when it
must not be, not a number, not a whole number, out of range or not an allowed code — with the
file, the spreadsheet row, the column and the fix. Row-level helpers report duplicate keys and
references to unknown quarters or schools.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tuyensinh.codes import LEVELS, NOT_PLANNED_LEVELS, closest, fold_text, level_aliases, normalise_codes, sex_aliases
from tuyensinh.csv_text import RawTable
from tuyensinh.errors import Problem

__all__ = [
    "Column",
    "parse_table",
    "row_problems",
    "duplicate_problems",
    "unknown_reference_problems",
    "MAX_ROWS_PER_PROBLEM",
]

MAX_ROWS_PER_PROBLEM = 20  # rows reported one by one before the rest are summarised


@dataclass(frozen=True)
class Column:
    """One column of a ward table.

    kind: "id" (text kept exactly, "01" stays "01"), "text", "int" (whole number), "number",
    "level" (mam_non | tieu_hoc | thcs or an everyday spelling), "sex" (M | F).
    `required`: the column must be in the file; `blank_ok`: cells may be left empty (they get
    `default`). `minimum`/`maximum` bound numbers; `unit` words the value in messages.
    """

    name: str
    kind: str
    required: bool = True
    blank_ok: bool = False
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    fix: str = ""


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(row) for row in rows[:30])
    return shown + (", …" if len(rows) > 30 else "")


def row_problems(
    file: str,
    rows: Sequence[int],
    column: str | None,
    message: Callable[[int], str],
    fix: str,
    limit: int = MAX_ROWS_PER_PROBLEM,
) -> list[Problem]:
    """One Problem per row (message(row) says what is wrong), the rows after `limit` summarised."""
    rows = [int(row) for row in rows]
    problems = [Problem(file, message(row), fix, row=row, column=column) for row in rows[:limit]]
    if len(rows) > limit:
        rest = rows[limit:]
        problems.append(Problem(
            file,
            f"{len(rest)} more rows have the same problem in this column (rows {_rows_text(rest)})",
            fix,
            row=rest[0],
            column=column,
        ))
    return problems


def _missing_column(file: str, name: str, present: Iterable[str], fix: str) -> Problem:
    present = list(present)
    lookalike = difflib.get_close_matches(name, present, n=1, cutoff=0.7)
    hint = f" (is '{lookalike[0]}' meant to be '{name}'?)" if lookalike else ""
    return Problem(
        file,
        f"the column '{name}' is missing{hint}; the header has: {', '.join(present) or 'nothing'}",
        fix or f"add a column named exactly '{name}' to row 1",
        row=1,
        column=name,
    )


def _numbers(text: pd.Series, decimal_comma: bool) -> np.ndarray:
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan, copy=True)


def _check_numeric(raw: RawTable, column: Column, text: pd.Series, filled: pd.Series) -> tuple[pd.Series, list[Problem]]:
    """Numbers of a column (NaN where blank or wrong) and the problems of its cells."""
    values = _numbers(text, raw.decimal_comma)
    rows = text.index.to_numpy()
    filled_ = filled.to_numpy(dtype=bool)
    problems: list[Problem] = []
    unit = f" ({column.unit})" if column.unit else ""
    bad = filled_ & np.isnan(values)
    problems += row_problems(
        raw.file, rows[bad], column.name,
        lambda row: f"'{text[row]}' is not a number",
        column.fix or "write a plain number (digits, a dot for decimals, no spaces or thousands separators)",
    )
    ok = filled_ & ~np.isnan(values)
    wrong = np.zeros(len(values), dtype=bool)
    if column.kind == "int":
        fraction = ok & (np.mod(values, 1, where=ok, out=np.zeros_like(values)) != 0)
        problems += row_problems(
            raw.file, rows[fraction], column.name,
            lambda row: f"'{text[row]}' is not a whole number{unit}",
            column.fix or "write a whole number (counts of people, rooms and years have no decimals)",
        )
        wrong |= fraction
        ok &= ~fraction
    if column.minimum is not None:
        low = ok & (values < column.minimum)
        what = "negative" if column.minimum == 0 else f"below {column.minimum:g}"
        problems += row_problems(
            raw.file, rows[low], column.name,
            lambda row: f"{text[row]} is {what}; {column.name} must be at least {column.minimum:g}{unit}",
            column.fix or f"correct the value: {column.name} cannot be {what}",
        )
        wrong |= low
    if column.maximum is not None:
        high = ok & (values > column.maximum)
        problems += row_problems(
            raw.file, rows[high], column.name,
            lambda row: f"{text[row]} is above {column.maximum:g}, the largest plausible {column.name}{unit}",
            column.fix or "correct the value",
        )
        wrong |= high
    values[wrong] = np.nan
    return pd.Series(values, index=text.index, name=column.name), problems


def _check_code(raw: RawTable, column: Column, text: pd.Series, filled: pd.Series) -> tuple[pd.Series, list[Problem]]:
    aliases = level_aliases() if column.kind == "level" else sex_aliases()
    codes = normalise_codes(text.where(filled), aliases)
    bad = filled & codes.isna()
    if column.kind == "level":
        allowed = "mam_non (Mầm non), tieu_hoc (Tiểu học) or thcs (Trung học cơ sở)"

        def message(row: int) -> str:
            value = text[row]
            if fold_text(value) in NOT_PLANNED_LEVELS:
                return (f"'{value}' is not a level tuyensinh plans; the allowed levels are {allowed}, "
                        "one level per row")
            guess = closest(value, [*LEVELS, "Mầm non", "Tiểu học", "THCS"])
            hint = f" (did you mean '{guess}'?)" if guess else ""
            return f"'{value}' is not a known level{hint}; the allowed levels are {allowed}"

        fix = ("write mam_non, tieu_hoc or thcs (the spellings 'Mầm non', 'Tiểu học', 'THCS' are also "
               "accepted); a school teaching two levels gets one row per level, each with its own "
               "school_id; upper-secondary (THPT) schools are left out")
    else:
        def message(row: int) -> str:
            return f"'{text[row]}' is not a sex code; use M or F (Nam/Nữ are also accepted)"

        fix = "write M (male, nam) or F (female, nữ), or drop the sex column to give totals"
    return codes, row_problems(raw.file, bad[bad].index, column.name, message, fix)


def parse_table(raw: RawTable, columns: Sequence[Column], missing_column_fix: str = "") -> tuple[pd.DataFrame, list[Problem]]:
    """Typed frame (index = spreadsheet row) with one column per `Column`, and the problems found.

    Absent optional columns are filled with their default. Cells with a problem become missing
    (NaN/None) so that later checks can still run on the rest of the table; the caller must not
    use a table that has problems.
    """
    cells = raw.cells
    problems: list[Problem] = []
    known = {column.name for column in columns}
    for name in cells.columns:
        if name in known:
            continue
        lookalike = difflib.get_close_matches(name, list(known - set(cells.columns)), n=1, cutoff=0.8)
        if lookalike:
            problems.append(Problem(
                raw.file, f"the column '{name}' is not a column of this table; did you mean '{lookalike[0]}'?",
                f"rename the column to '{lookalike[0]}' (or give it another name if it is a note)",
                row=1, column=name,
            ))
    out = pd.DataFrame(index=cells.index)
    for column in columns:
        if column.name not in cells.columns:
            if column.required:
                problems.append(_missing_column(raw.file, column.name, cells.columns, missing_column_fix))
            out[column.name] = column.default if column.kind != "id" else None
            continue
        text = cells[column.name].astype(object)
        filled = text.ne("")
        if not column.blank_ok and not filled.all():
            blank = ~filled
            problems += row_problems(
                raw.file, blank[blank].index, column.name,
                lambda row, name=column.name: f"the cell is empty; every row needs a {name}",
                column.fix or f"fill in {column.name} (or delete the row if it is not meant to be there)",
            )
        if column.kind in ("int", "number"):
            values, found = _check_numeric(raw, column, text, filled)
            if column.blank_ok and column.default is not None:
                values = values.where(filled, float(column.default))  # type: ignore[arg-type]
        elif column.kind in ("level", "sex"):
            values, found = _check_code(raw, column, text, filled)
        else:
            values, found = text.where(filled, None), []
            if column.blank_ok and column.default is not None:
                values = values.where(filled, column.default)
        problems += found
        out[column.name] = values
    return out, problems


def duplicate_problems(frame: pd.DataFrame, keys: Sequence[str], file: str, fix: str) -> list[Problem]:
    """One Problem per repeated key combination, naming every row that repeats it."""
    usable = frame.dropna(subset=list(keys))
    repeated = usable[usable.duplicated(list(keys), keep=False)]
    if repeated.empty:
        return []
    groups = (
        repeated.reset_index()
        .groupby(list(keys), sort=False)["row"].apply(list)
        .head(MAX_ROWS_PER_PROBLEM + 1)
    )
    column = keys[0] if len(keys) == 1 else ", ".join(keys)
    problems = []
    for key, rows in groups.items():
        key = key if isinstance(key, tuple) else (key,)
        what = ", ".join(f"{name} {_show(value)}" for name, value in zip(keys, key))
        problems.append(Problem(
            file, f"{what} appears more than once (rows {_rows_text(rows)})", fix, row=rows[1], column=column,
        ))
    total = repeated.groupby(list(keys)).ngroups
    if total > MAX_ROWS_PER_PROBLEM + 1:
        problems.append(Problem(file, f"{total - MAX_ROWS_PER_PROBLEM - 1} more key combinations are repeated", fix, column=column))
    return problems


def _show(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return f"'{value}'" if isinstance(value, str) else str(value)


def unknown_reference_problems(
    frame: pd.DataFrame, column: str, known: Iterable[str], file: str, source: str, noun: str
) -> list[Problem]:
    """Rows whose `column` names a quarter or school that `source` does not define."""
    known = list(known)
    values = frame[column]
    bad = values.notna() & ~values.isin(known)
    if not bad.any():
        return []
    examples = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")

    def message(row: int) -> str:
        value = values[row]
        guess = closest(value, known)
        hint = f" (did you mean '{guess}'?)" if guess else ""
        return f"{column} '{value}' is not a {noun} of {source}{hint}"

    return row_problems(
        file, bad[bad].index, column, message,
        f"use a {column} listed in {source} ({examples}) or add the {noun} there",
    )
