"""Each table of the ward folder from a workbook: which sheets hold it, and the survey layout.

Two layouts of the population table are read:
- the table layout, one row per quarter × year × age (as population.csv);
- the universalisation-survey layout (phổ cập giáo dục): one row per quarter, one column per
  year of birth, one sheet per survey year (the year in the sheet's name, e.g. 'Dân số 2025', or
  a `year` column). A header cell names the year of birth ('2019', 'Sinh năm 2019', 'NS 2019').

Conversion rule of the survey layout (tested by hand in tests/tuyensinh/ward): the children born
in year b counted in the survey of year Y are the residents aged `age = Y − b` at the end of
year Y — the same completed-age convention as population.csv (age = year − birth year).
So sheet 'Dân số 2025', column 'Sinh năm 2019', row 'KP01' → quarter_id KP01, year 2025, age 6.
A year of birth after the survey year, more than 120 years before it, or given twice in one
sheet is reported with its cell; so is a year given by two sheets.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from tuyensinh.ward.cells import WORKBOOK_DELIMITER, RawTable
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.workbook import (
    WARD_WORKBOOK,
    Locator,
    SheetCells,
    canonical_header,
    column_letter,
    find_header,
    read_sheets,
    sheet_matches,
    sheet_to_raw,
    survey_year,
)
from tuyensinh.words.workbook import text

__all__ = ["read_workbook_table", "MAX_SURVEY_AGE"]

MAX_SURVEY_AGE = 120  # a year of birth more than this before the survey year is a typing mistake
_BIRTH_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d|21\d\d)(?!\d)")


@lru_cache(maxsize=8)
def _sheets(path: str, stamp: tuple[int, int]) -> tuple[tuple[SheetCells, ...], tuple[Problem, ...]]:
    sheets, problems = read_sheets(Path(path))
    return tuple(sheets), tuple(problems)


def _cached_sheets(path: Path) -> tuple[tuple[SheetCells, ...], tuple[Problem, ...]]:
    """The workbook's sheets, read once per load even when it holds several tables."""
    info = path.stat()
    return _sheets(str(path), (info.st_mtime_ns, info.st_size))


def _birth_columns(sheet: SheetCells, header_row: int) -> dict[int, int]:
    """Excel column → year of birth, for the header cells that name one (and no other column)."""
    found = {}
    for column, value in sheet.grid.loc[header_row].items():
        if value and canonical_header(value) not in ("year", "quarter_id"):
            years = _BIRTH_YEAR.findall(value)
            if len(years) == 1:
                found[int(column)] = int(years[0])
    return found


def _survey_header(sheet: SheetCells) -> int | None:
    for row, cells in sheet.grid.head(30).iterrows():
        names = [canonical_header(value) for value in cells if value]
        if "quarter_id" in names and len(_birth_columns(sheet, int(row))) >= 2:
            return int(row)
    return None


def _whole_text(values: np.ndarray) -> np.ndarray:
    """Whole numbers as text cells ('2025'), '' where unknown (NaN): vectorised."""
    known = ~np.isnan(values)
    out = np.full(values.shape, "", dtype=object)
    out[known] = np.round(values[known]).astype(np.int64).astype(str)
    return out


def _survey_sheet(sheet: SheetCells, header_row: int, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """One survey sheet as long rows: quarter_id, year, age, count (text) and their cells."""
    raw, locator, problems = sheet_to_raw(sheet, header_row, file, "")
    letters = next(iter(locator.rows.values()))[2] if locator.rows else {}
    births = _birth_columns(sheet, header_row)
    cells = raw.cells
    if "year" in cells.columns:
        years = pd.to_numeric(cells["year"], errors="coerce")
    else:
        year = survey_year(sheet.name)
        if year is None:
            problems.append(
                replace(Problem.of(file, text("survey.no_year"), text("fix.survey.no_year")), sheet=sheet.name)
            )
            return pd.DataFrame(), problems
        years = pd.Series(float(year), index=cells.index)
    seen: dict[int, str] = {}
    usable = {}
    for column, birth in births.items():
        cell = f"{column_letter(column)}{header_row}"
        if birth in seen:
            problems.append(
                replace(
                    Problem.of(
                        file,
                        text("survey.birth_year_twice", birth=birth, cells=f"{seen[birth]}, {cell}"),
                        text("fix.survey.birth_year_twice"),
                    ),
                    sheet=sheet.name,
                    cell=cell,
                )
            )
            continue
        seen[birth] = cell
        top = years.max() if years.notna().any() else np.nan
        if top == top and birth > top:
            problems.append(
                replace(
                    Problem.of(
                        file,
                        text("survey.birth_year_future", birth=birth, year=int(top)),
                        text("fix.survey.birth_year"),
                    ),
                    sheet=sheet.name,
                    cell=cell,
                )
            )
        elif top == top and top - birth > MAX_SURVEY_AGE:
            problems.append(
                replace(
                    Problem.of(
                        file,
                        text("survey.birth_year_old", birth=birth, year=int(top), limit=MAX_SURVEY_AGE),
                        text("fix.survey.birth_year"),
                    ),
                    sheet=sheet.name,
                    cell=cell,
                )
            )
        else:
            usable[column] = birth
    if "quarter_id" not in cells.columns or not usable:
        return pd.DataFrame(), problems
    counts = sheet.grid.loc[cells.index, list(usable)]
    long = counts.stack().rename("count").reset_index()
    long.columns = ["excel_row", "excel_column", "count"]
    birth = long["excel_column"].map(usable).to_numpy()
    year = years.reindex(long["excel_row"]).to_numpy()
    long["quarter_id"] = cells["quarter_id"].reindex(long["excel_row"]).to_numpy()
    long["year"] = _whole_text(year)
    long["age"] = _whole_text(year - birth)
    long["sheet"] = sheet.name
    blank = long["count"].eq("") & long["quarter_id"].ne("")
    if blank.any():  # said once per sheet with its cells (not row by row), then not again as blank
        shown = [
            f"{column_letter(c)}{r}"
            for r, c in zip(long.loc[blank, "excel_row"], long.loc[blank, "excel_column"], strict=True)
        ]
        listed = ", ".join(shown[:30]) + (", …" if len(shown) > 30 else "")
        problems.append(
            replace(
                Problem.of(
                    file, text("survey.blank_counts", n=len(shown), cells=listed), text("fix.survey.blank_counts")
                ),
                sheet=sheet.name,
                cell=shown[0],
            )
        )
        long.loc[blank, "count"] = "0"
    long["quarter_letter"] = letters.get("quarter_id", "")
    long["count_letter"] = long["excel_column"].map(column_letter)
    return long, problems


def _survey_table(
    sheets: list[tuple[SheetCells, int]], file: str, workbook: str
) -> tuple[RawTable | None, Locator | None, list[Problem]]:
    """The population table from survey sheets: one row per quarter × survey year × year of birth."""
    problems: list[Problem] = []
    parts = []
    for sheet, header_row in sheets:
        long, found = _survey_sheet(sheet, header_row, file)
        problems += found
        if not long.empty:
            parts.append(long)
    if not parts:
        return None, None, problems
    long = pd.concat(parts, ignore_index=True)
    twice = long.drop_duplicates(["year", "sheet"]).groupby("year")["sheet"].agg(list)
    for year, names in twice[twice.map(len) > 1].items():
        problems.append(
            replace(
                Problem.of(
                    file,
                    text("survey.year_twice", year=year, first=names[0], second=names[1]),
                    text("fix.survey.year_twice"),
                ),
                sheet=names[1],
            )
        )
    long.index = pd.RangeIndex(2, 2 + len(long), name="row")
    cells = long[["quarter_id", "year", "age", "count"]].copy()
    rows = {
        int(row): (
            sheet,
            int(excel_row),
            {"quarter_id": q_letter, "count": c_letter, "age": c_letter, "year": c_letter},
        )
        for row, sheet, excel_row, q_letter, c_letter in zip(
            long.index, long["sheet"], long["excel_row"], long["quarter_letter"], long["count_letter"], strict=True
        )
    }
    only = sheets[0][0].name if len(sheets) == 1 else None
    return RawTable(file, cells, WORKBOOK_DELIMITER), Locator(file, workbook, rows, only), problems


def read_workbook_table(
    path: Path, file: str, table: str, needed: tuple[str, ...]
) -> tuple[bool, RawTable | None, Locator | None, list[Problem]]:
    """The table `table` (population, schools, …) from the workbook at `path`.

    Returns (found, raw, locator, problems): `found` is False when the workbook has no sheet for
    the table (ward.xlsx need not hold every table). `file` is the table's name in the checks.
    """
    sheets, problems = _cached_sheets(path)
    if problems:
        return True, None, None, [replace(p, file=path.name) for p in problems]
    shared = path.name == WARD_WORKBOOK
    candidates = [sheet for sheet in sheets if not shared or sheet_matches(sheet.name, table)]
    if not candidates:
        return False, None, None, []
    headers = [(sheet, find_header(sheet, needed, len(needed))) for sheet in candidates]
    regular = [(sheet, row) for sheet, row in headers if row is not None]
    if table == "population":
        survey = [(sheet, _survey_header(sheet)) for sheet in candidates]
        survey_sheets = [(sheet, row) for sheet, row in survey if row is not None]
        if survey_sheets and not regular:
            raw, locator, found = _survey_table(survey_sheets, file, path.name)
            return True, raw, locator, [replace(p, file=path.name) for p in found]
    if not regular:
        columns = ", ".join(needed)
        if shared:
            return (
                True,
                None,
                None,
                [
                    replace(
                        Problem.of(
                            path.name, text("xlsx.no_header", columns=columns, rows=30), text("fix.xlsx.no_header")
                        ),
                        sheet=candidates[0].name,
                    )
                ],
            )
        return (
            True,
            None,
            None,
            [
                Problem.of(
                    path.name,
                    text("xlsx.no_sheet", table=table, columns=columns),
                    text("fix.xlsx.no_sheet", sheet=table),
                )
            ],
        )
    if len(regular) > 1 and table == "population":
        return True, *_stack(regular, file, path.name)
    sheet, header_row = regular[0]
    raw, locator, found = sheet_to_raw(sheet, header_row, file, path.name)
    return True, raw, locator, [replace(p, file=path.name) for p in found]


def _stack(
    regular: list[tuple[SheetCells, int]], file: str, workbook: str
) -> tuple[RawTable | None, Locator | None, list[Problem]]:
    """Several sheets of the table layout (e.g. one per year) as one table with its own row numbers."""
    parts, rows, problems = [], {}, []
    next_row = 2
    for sheet, header_row in regular:
        raw, locator, found = sheet_to_raw(sheet, header_row, file, workbook)
        problems += [replace(p, file=workbook) for p in found]
        cells = raw.cells.copy()
        numbers = range(next_row, next_row + len(cells))
        rows.update({new: locator.rows[int(old)] for new, old in zip(numbers, cells.index, strict=True)})
        cells.index = pd.Index(list(numbers), name="row")
        next_row += len(cells)
        parts.append(cells)
    cells = pd.concat(parts).fillna("")
    only = regular[0][0].name if len(regular) == 1 else None
    return RawTable(file, cells, WORKBOOK_DELIMITER), Locator(file, workbook, rows, only), problems
