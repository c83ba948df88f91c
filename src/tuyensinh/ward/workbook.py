"""The ward's tables from Excel workbooks (.xlsx), read as the text cells a CSV file would give.

Where a table may come from (docs/data-format.md, "From your workbook to a ward folder"):
`population.csv` or `population.xlsx` (any sheet holding the table), or a sheet of one workbook
`ward.xlsx` named after the table (`population` / `Dân số …`, `schools` / `Trường`, `births` /
`Sinh`, `housing` / `Nhà ở`, `zones` / `Phân tuyến`, `distances` / `Khoảng cách`). Headers may be
the English column names or their Vietnamese names (`Mã khu phố`, `Năm`, `Tuổi`, `Số người`, …).

What Excel adds is handled: title rows (merged or not) above the header are skipped (the header
is the first row naming the table's key columns), a totals row (`Tổng cộng`, `Cộng`, `Total`) is
left out, hidden columns are read like the others, numbers keep their value whatever their
display format, a formula gives its computed value. What cannot be read is named with its sheet
and cell: a formula Excel never computed, an error value (`#REF!`), a header merged across
columns, merged data cells.

Each table read from a workbook comes with a `Locator`, which turns the rows and columns of a
problem found later (by the column checks or the checks between files) into the sheet and the
Excel cell the planner must open.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from tuyensinh.ward.cells import WORKBOOK_DELIMITER, RawTable
from tuyensinh.ward.codes import fold_text
from tuyensinh.ward.errors import Problem
from tuyensinh.words.workbook import text

__all__ = [
    "WARD_WORKBOOK",
    "HEADER_ALIASES",
    "Locator",
    "SheetCells",
    "table_workbook",
    "both_problem",
    "read_sheets",
    "sheet_to_raw",
    "column_letter",
    "without_repeats",
]

WARD_WORKBOOK = "ward.xlsx"
HEADER_SEARCH_ROWS = 30  # the header must be within the first rows of a sheet

#: The sheet names (folded: lower case, no diacritics) that hold each table in ward.xlsx.
SHEET_NAMES: dict[str, tuple[str, ...]] = {
    "population": ("population", "dan so", "dieu tra", "pho cap"),
    "schools": ("schools", "truong", "danh sach truong"),
    "births": ("births", "sinh", "tre sinh", "so sinh"),
    "housing": ("housing", "nha o", "du an nha o"),
    "zones": ("zones", "phan tuyen", "tuyen sinh"),
    "distances": ("distances", "khoang cach"),
    "enrolment": ("enrolment", "thuc tuyen", "hoc sinh thuc te"),
    "quotas_published": ("quotas published", "quotas_published", "chi tieu da giao"),
}

#: Vietnamese (folded) column headers and the column each one stands for.
HEADER_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        ("ma khu pho", "ma thon", "ma to dan pho", "ma to", "ma khu vuc", "ma ap", "ma ban", "ma khu pho/thon"),
        "quarter_id",
    ),
    **dict.fromkeys(("nam",), "year"),
    **dict.fromkeys(("tuoi", "do tuoi"), "age"),
    **dict.fromkeys(("so nguoi", "so tre", "so luong", "so dan"), "count"),
    **dict.fromkeys(("gioi tinh",), "sex"),
    **dict.fromkeys(("ma truong",), "school_id"),
    **dict.fromkeys(("ten truong", "ten"), "name"),
    **dict.fromkeys(("cap hoc", "bac hoc", "cap"), "level"),
    **dict.fromkeys(("kinh do",), "lon"),
    **dict.fromkeys(("vi do",), "lat"),
    **dict.fromkeys(("so phong hoc", "phong hoc"), "classrooms"),
    **dict.fromkeys(("so buoi/ngay", "so buoi", "buoi hoc/ngay"), "sessions_per_day"),
    **dict.fromkeys(("si so toi da",), "max_class_size"),
    **dict.fromkeys(("nam mo", "nam mo cua", "nam hoat dong"), "opens"),
    **dict.fromkeys(("nam dong", "nam dong cua"), "closes"),
    **dict.fromkeys(("dien tich dat", "dien tich dat (m2)", "dien tich (m2)", "dien tich"), "land_m2"),
    **dict.fromkeys(("so tre sinh", "so sinh", "tre sinh ra"), "births"),
    **dict.fromkeys(("so can ho moi", "nha o moi", "so can ho"), "new_dwellings"),
    **dict.fromkeys(("ty le",), "share"),
    **dict.fromkeys(("khoang cach (m)", "khoang cach", "met"), "metres"),
}

_TOTAL_WORDS = ("tong cong", "cong", "tong so", "tong", "total", "sum", "grand total")
_EXCEL_ERRORS = ("#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!")


def column_letter(index: int) -> str:
    """Excel's letters of the 1-based column `index` (1 → A, 27 → AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def canonical_header(value: str) -> str:
    """The column a header cell names: its English name, or the one its Vietnamese name stands for."""
    folded = fold_text(value).strip().rstrip(":").strip()
    return HEADER_ALIASES.get(folded, value.strip().lower())


def _cell_text(value: object) -> str:
    """A cell as the text a CSV file would hold (numbers without a display format)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        shown = f"{value:.15g}"
        # A number cell is never ambiguous: keep 1.234 (a number) apart from '1.234' typed as text,
        # which may carry a thousands dot (tuyensinh.ward.numbers); the trailing zero changes no value.
        return shown + "0" if re.fullmatch(r"-?\d{1,3}\.\d{3}", shown) else shown
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return unicodedata.normalize("NFC", str(value)).strip()


@dataclass(frozen=True)
class SheetCells:
    """Every cell of one sheet as text (`grid`, rows and columns from 1), its merged ranges and formulas."""

    name: str
    grid: pd.DataFrame  # index: Excel row, columns: Excel column number
    merged: tuple[tuple[int, int, int, int], ...]  # (min_row, min_col, max_row, max_col)
    formulas: dict[tuple[int, int], str]  # (row, col) -> formula of a cell without a computed value


def both_problem(csv_name: str, xlsx_name: str) -> Problem:
    """A table given twice, as a CSV file and as its own workbook."""
    return Problem.of(csv_name, text("xlsx.both", csv=csv_name, xlsx=xlsx_name), text("fix.xlsx.both"))


def table_workbook(folder: Path, csv_name: str) -> Path | None:
    """The workbook that holds the table `csv_name`: `<table>.xlsx`, else `ward.xlsx`, else None."""
    own = folder / (Path(csv_name).stem + ".xlsx")
    if own.is_file():
        return own
    shared = folder / WARD_WORKBOOK
    return shared if shared.is_file() else None


def read_sheets(path: Path) -> tuple[list[SheetCells], list[Problem]]:
    """Every visible sheet of the workbook as text cells, or the problem that stops reading it."""
    import openpyxl  # the app reads workbooks only when a ward folder has one
    from openpyxl.utils.exceptions import InvalidFileException

    file = path.name
    if path.suffix.lower() == ".xls" or (path.is_file() and path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"):
        return [], [Problem.of(file, text("xlsx.old_format"), text("fix.xlsx.old_format"))]
    try:
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        reason = type(error).__name__
        return [], [Problem.of(file, text("xlsx.unreadable", reason=reason), text("fix.xlsx.unreadable"))]
    sheets = []
    for sheet in values.worksheets:
        if sheet.sheet_state != "visible":
            continue
        rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        width = max((len(row) for row in rows), default=0)
        grid = pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1), columns=pd.RangeIndex(1, width + 1)).fillna("")
        merged = tuple((r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges)
        missing: dict[tuple[int, int], str] = {}
        for row in formulas[sheet.title].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    r, c = cell.row, cell.column
                    if r <= len(rows) and c <= width and grid.at[r, c] == "":
                        missing[(r, c)] = cell.value
        sheets.append(SheetCells(sheet.title, grid, merged, missing))
    return sheets, []


def sheet_matches(sheet_name: str, table: str) -> bool:
    """True when the sheet's name says it holds `table` (population, schools, …)."""
    folded = fold_text(sheet_name).strip()
    return any(folded == name or folded.startswith(name + " ") for name in SHEET_NAMES[table])


def find_header(sheet: SheetCells, needed: Sequence[str], enough: int) -> int | None:
    """The Excel row of the header: the first row naming at least `enough` of the `needed` columns."""
    top = sheet.grid.head(HEADER_SEARCH_ROWS)
    for row, cells in top.iterrows():
        names = {canonical_header(value) for value in cells if value}
        if len(names & set(needed)) >= min(enough, len(needed)):
            return int(row)
    return None


def _total_rows(body: pd.DataFrame) -> set[int]:
    """The rows whose first filled cell starts with a totals word (Tổng cộng, Cộng, Total…)."""
    if body.empty:
        return set()
    filled = body.ne("").to_numpy()
    first = body.to_numpy()[np.arange(len(body)), filled.argmax(axis=1)]  # rows here are never all blank
    folded = pd.Series(first).map(fold_text).str.strip()
    words = "|".join(re.escape(word) for word in _TOTAL_WORDS)
    is_total = folded.str.fullmatch(rf"(?:{words})(?:[ :].*)?").to_numpy()
    return {int(row) for row in body.index[is_total]}


@dataclass(frozen=True)
class Locator:
    """Turns a problem's row and column into the sheet and Excel cell (for one table of a workbook).

    `rows`: the table's row (as its checks number it) → (sheet, Excel row, {column: Excel letters});
    `file`: the table's name in the checks (`population.csv`); `workbook`: the file to open;
    `sheet`: the sheet of a problem without a row (None when the table spans several sheets).
    """

    file: str
    workbook: str
    rows: dict[int, tuple[str, int, dict[str, str]]]
    sheet: str | None

    def locate(self, problem: Problem) -> Problem:
        """The problem with the workbook's name, the sheet and the cell (a copy); others unchanged."""
        if problem.file != self.file:
            return problem
        if problem.sheet is not None:  # found while reading the sheet: already placed
            return replace(problem, file=self.workbook)
        if problem.row is None or problem.row not in self.rows:
            if problem.row == 1 and self.rows:  # the header
                sheet, header_row, letters = self._header()
                cell = f"{letters[problem.column]}{header_row}" if problem.column in letters else None
                return replace(problem, file=self.workbook, sheet=sheet, cell=cell, row=header_row)
            return replace(problem, file=self.workbook, sheet=self.sheet)
        sheet, excel_row, letters = self.rows[problem.row]
        letter = letters.get(problem.column or "")
        cell = f"{letter}{excel_row}" if letter else None
        return replace(problem, file=self.workbook, sheet=sheet, cell=cell, row=excel_row)

    def _header(self) -> tuple[str, int, dict[str, str]]:
        sheet, first_row, letters = next(iter(self.rows.values()))
        return sheet, first_row - 1, letters


def without_repeats(problems: list[Problem]) -> list[Problem]:
    """The problems with a second report of the same workbook cell left out (an error value such
    as #REF! is said once, not again as 'not a number')."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for problem in problems:
        if problem.sheet is not None and problem.cell is not None:
            key = (problem.file, problem.sheet, problem.cell)
            if key in seen:
                continue
            seen.add(key)
        kept.append(problem)
    return kept


def merged_problems(sheet: SheetCells, header_row: int, file: str, skip_rows: set[int]) -> list[Problem]:
    """Header cells merged across columns; data cells merged (outside title and totals rows)."""
    problems = []
    for min_row, min_col, max_row, max_col in sheet.merged:
        if max_row < header_row:
            continue  # a title above the header
        span = f"{column_letter(min_col)}{min_row}:{column_letter(max_col)}{max_row}"
        if min_row <= header_row <= max_row and max_col > min_col:
            problems.append(
                replace(
                    Problem.of(file, text("xlsx.merged_header", cells=span), text("fix.xlsx.merged_header")),
                    sheet=sheet.name,
                    cell=f"{column_letter(min_col)}{min_row}",
                )
            )
        elif min_row > header_row and not set(range(min_row, max_row + 1)) <= skip_rows:
            problems.append(
                replace(
                    Problem.of(file, text("xlsx.merged_data", cells=span), text("fix.xlsx.merged_data")),
                    sheet=sheet.name,
                    cell=f"{column_letter(min_col)}{min_row}",
                )
            )
    return problems


def cell_value_problems(sheet: SheetCells, rows: Iterable[int], columns: Iterable[int], file: str) -> list[Problem]:
    """Formulas without a computed value and Excel error values inside the table."""
    rows, columns = set(rows), set(columns)
    problems = [
        replace(
            Problem.of(file, text("xlsx.formula_no_value", formula=formula[:60]), text("fix.xlsx.formula_no_value")),
            sheet=sheet.name,
            cell=f"{column_letter(c)}{r}",
        )
        for (r, c), formula in sorted(sheet.formulas.items())
        if r in rows and c in columns
    ]
    block = sheet.grid.loc[sorted(rows), sorted(columns)] if rows and columns else sheet.grid.iloc[0:0]
    errors = block.isin(_EXCEL_ERRORS)
    for r, c in zip(*errors.to_numpy().nonzero(), strict=True):
        row, col = int(block.index[r]), int(block.columns[c])
        problems.append(
            replace(
                Problem.of(file, text("xlsx.error_value", value=block.iat[r, c]), text("fix.xlsx.error_value")),
                sheet=sheet.name,
                cell=f"{column_letter(col)}{row}",
            )
        )
    return problems


def sheet_to_raw(
    sheet: SheetCells, header_row: int, file: str, workbook: str
) -> tuple[RawTable, Locator, list[Problem]]:
    """The table below `header_row` as a `RawTable` (index = Excel row) with its `Locator`.

    Blank rows and a totals row are left out; columns without a header name are dropped when
    empty (a column with values and no name is a problem, as in a CSV file).
    """
    grid = sheet.grid
    header = [canonical_header(value) if value else "" for value in grid.loc[header_row]]
    body = grid.loc[header_row + 1 :]
    body = body.loc[body.ne("").any(axis=1)]
    totals = _total_rows(body)
    body = body.drop(index=list(totals))
    problems = merged_problems(sheet, header_row, file, totals)
    problems += cell_value_problems(sheet, body.index, [i + 1 for i, name in enumerate(header) if name], file)
    for position, name in enumerate(header):
        if not name and body.iloc[:, position].ne("").any():
            problems.append(
                replace(
                    Problem.of(
                        file,
                        text("xlsx.no_header", columns=column_letter(position + 1), rows=header_row),
                        text("fix.xlsx.no_header"),
                    ),
                    sheet=sheet.name,
                    cell=f"{column_letter(position + 1)}{header_row}",
                )
            )
    keep = [position for position, name in enumerate(header) if name]
    cells = body.iloc[:, keep].copy()
    cells.columns = [header[position] for position in keep]
    cells.index = pd.Index(body.index.astype(int), name="row")
    letters = {header[position]: column_letter(position + 1) for position in keep}
    rows = {int(row): (sheet.name, int(row), letters) for row in cells.index}
    raw = RawTable(file, cells, WORKBOOK_DELIMITER)
    return raw, Locator(file, workbook, rows, sheet.name), problems


def survey_year(sheet_name: str) -> int | None:
    """The year a sheet's name states ('Dân số 2025' → 2025), or None."""
    found = re.findall(r"(?<!\d)(19\d\d|20\d\d|21\d\d)(?!\d)", sheet_name)
    return int(found[-1]) if found else None
