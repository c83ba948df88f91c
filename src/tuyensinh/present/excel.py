"""quotas.xlsx: the enrollment quotas (chỉ tiêu tuyển sinh) formatted to print, sign and publish.

One sheet per level (mầm non, tiểu học, THCS). Each sheet carries the administrative heading of
a ward document, a title with the school year, one row per school × entry grade with the pupils
and classes of the coming school year (the quota) and of the following years (projections, to
prepare rooms), a total per school and for the level, and a signature block ("Người lập biểu",
"Trưởng phòng Văn hóa – Xã hội"). Printing (`tuyensinh.present.xlsx_print`): A4 landscape, fitted
to the page width, header rows repeated, a print area, and each level on one page when it fits
at 55 % or more — else page breaks between schools that keep the last school, the total and the
signature block together.

The pupils and classes of each grade are numbers; the per-school subtotals and TỔNG CỘNG are
formulas over the rows they total (`=SUBTOTAL(9,…)`, which leaves nested subtotals out) and the
average class size is `=IF(classes>0,pupils/classes,"")`, each stored with its value
(`tuyensinh.present.xlsx_formulas`), so a program that does not calculate still reads the totals.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tuyensinh.present.outputs import FORMULA_START, write_bytes_atomic
from tuyensinh.present.xlsx_formulas import Formulas, ratio, subtotal, workbook_bytes
from tuyensinh.present.xlsx_print import DEFAULT_ROW_PT, set_up_printing
from tuyensinh.words.labels import (
    GRADE_ORDER,
    LEVEL_ORDER,
    check_lang,
    grade_name,
    level_name,
    say,
    school_year_label,
    ward_title,
)

__all__ = ["quotas_workbook", "write_quotas_xlsx", "sheet_name"]

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_FONT = "Times New Roman"  # the font of Vietnamese administrative documents (Nghị định 30/2020)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")

_DATA_ROW_PT = 15.0  # Times New Roman 11 pt, one line
_NAME_CHARS = 30  # characters of a school name on one line of column B (width 34)
_SIGNING_ROWS = 4  # blank rows kept in the print area to sign in

QUOTA_COLUMNS = ("school_id", "level", "grade", "school_year", "pupils", "classes")


def sheet_name(level: str, lang: str = "vi") -> str:
    """Sheet title for a level: 'Mầm non', 'Tiểu học', 'THCS' (Excel allows 31 characters)."""
    name = "THCS" if (level == "thcs" and lang == "vi") else level_name(level, lang)
    return name[:31]


def _font(size: float = 12, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=_FONT, size=size, bold=bold, italic=italic)


def _check_quotas(quotas: pd.DataFrame) -> None:
    missing = [c for c in QUOTA_COLUMNS if c not in quotas.columns]
    if missing:
        raise ValueError(
            f"quotas table lacks column(s) {', '.join(missing)}: expected {', '.join(QUOTA_COLUMNS)} "
            "(the output of capacity.quotas)"
        )


def _merge_write(
    ws: Worksheet, row: int, col1: int, col2: int, value: str, font: Font, align: Alignment = _CENTER
) -> None:
    if col2 > col1:
        ws.merge_cells(start_row=row, start_column=col1, end_row=row, end_column=col2)
    cell = ws.cell(row=row, column=col1, value=value)
    cell.font = font
    cell.alignment = align


def _year_columns(years: Sequence[int]) -> list[tuple[int, str]]:
    """(school_year, field) for each data column after STT, school, grade."""
    columns: list[tuple[int, str]] = []
    for i, year in enumerate(years):
        columns += [(year, "pupils"), (year, "classes")]
        if i == 0:
            columns.append((year, "avg"))
    return columns


def _write_level_sheet(
    ws: Worksheet,
    formulas: Formulas,
    table: pd.DataFrame,
    names: dict[str, str],
    *,
    level: str,
    years: list[int],
    ward_name: str,
    ward_kind: str,
    base_year: int,
    lang: str,
) -> None:
    columns = _year_columns(years)
    ncol = 3 + len(columns)
    half = max(3, ncol // 2)
    kind = (ward_kind or "").upper() if lang == "vi" else ("WARD" if ward_kind == "phường" else "COMMUNE")
    committee = say("doc.committee", lang, kind=kind, name=ward_name.upper()).strip()

    # Administrative heading (left: issuing body; right: national motto).
    _merge_write(ws, 1, 1, half, committee, _font(12))
    _merge_write(ws, 2, 1, half, say("doc.office", lang), _font(12, bold=True))
    _merge_write(ws, 1, half + 1, ncol, say("doc.republic", lang), _font(12, bold=True))
    _merge_write(ws, 2, half + 1, ncol, say("doc.motto", lang), _font(12, bold=True))
    coming = school_year_label(years[0], lang)
    _merge_write(ws, 4, 1, ncol, say("xlsx.title", lang, school_year=coming), _font(14, bold=True))
    _merge_write(
        ws,
        5,
        1,
        ncol,
        say("xlsx.subtitle", lang, level=level_name(level, lang), ward=ward_title(ward_kind, ward_name, lang)),
        _font(12, bold=True),
    )
    _merge_write(
        ws, 6, 1, ncol, say("xlsx.basis", lang, base_year=base_year, school_year=coming), _font(11, italic=True)
    )
    ws.row_dimensions[6].height = 30

    # Two header rows: the school year over its pupils / classes columns.
    h1, h2 = 8, 9
    for col, key in ((1, "xlsx.no"), (2, "xlsx.school"), (3, "xlsx.grade")):
        ws.merge_cells(start_row=h1, start_column=col, end_row=h2, end_column=col)
        ws.cell(row=h1, column=col, value=say(key, lang))
    col = 4
    for i, year in enumerate(years):
        width = 3 if i == 0 else 2
        key = "xlsx.school_year" if i == 0 else "xlsx.projected"
        ws.merge_cells(start_row=h1, start_column=col, end_row=h1, end_column=col + width - 1)
        ws.cell(row=h1, column=col, value=say(key, lang, school_year=school_year_label(year, lang)))
        ws.cell(row=h2, column=col, value=say("xlsx.pupils", lang))
        ws.cell(row=h2, column=col + 1, value=say("xlsx.classes", lang))
        if i == 0:
            ws.cell(row=h2, column=col + 2, value=say("xlsx.avg_class", lang))
        col += width
    for r in (h1, h2):
        ws.row_dimensions[r].height = 32
        for c in range(1, ncol + 1):
            cell = ws.cell(row=r, column=c)
            cell.font = _font(11, bold=True)
            cell.alignment = _CENTER
            cell.fill = _HEADER_FILL
            cell.border = _BORDER

    # Data: one block per school, one row per entry grade, a subtotal when several grades.
    row = h2 + 1
    grand = {(y, f): 0.0 for y, f in columns if f != "avg"}
    blocks: list[tuple[int, int]] = []
    if table.empty:
        _merge_write(ws, row, 1, ncol, say("xlsx.empty", lang), _font(11, italic=True))
        row += 1
    sums = _sums(table)
    grade_rank = {g: i for i, g in enumerate(GRADE_ORDER)}
    grades_of = table.groupby("school_id")["grade"].unique()
    for number, school_id in enumerate(sorted(table["school_id"].unique()), start=1):
        grades = sorted(grades_of[school_id], key=lambda g: (grade_rank.get(g, 99), g))
        first = row
        totals = {(y, f): 0.0 for y, f in columns if f != "avg"}
        for grade in grades:
            ws.cell(row=row, column=3, value=grade_name(grade, lang))
            values = {(y, f): sums.get((f, school_id, grade, y), 0.0) for y, f in columns if f != "avg"}
            _write_numbers(ws, formulas, row, columns, values)
            for cell_key, value in values.items():
                totals[cell_key] += value
            row += 1
        if len(grades) > 1:
            ws.cell(row=row, column=3, value=say("xlsx.school_total", lang, school="").strip()).font = _font(
                11, bold=True
            )
            _write_numbers(ws, formulas, row, columns, totals, rows=(first, row - 1))
            row += 1
        blocks.append((first, row - 1))
        lines = -(-len(names.get(school_id, school_id)) // _NAME_CHARS)  # a long name wraps: room for it
        if lines > row - first:
            ws.row_dimensions[first].height = _DATA_ROW_PT * (lines - (row - first) + 1)
        ws.cell(row=first, column=1, value=number)
        ws.cell(row=first, column=2, value=names.get(school_id, school_id))
        if row - 1 > first:
            ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
            ws.merge_cells(start_row=first, start_column=2, end_row=row - 1, end_column=2)
        for cell_key in grand:
            grand[cell_key] += totals[cell_key]
    if not table.empty:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        ws.cell(row=row, column=1, value=say("xlsx.level_total", lang))
        _write_numbers(ws, formulas, row, columns, grand, rows=(h2 + 1, row - 1))
        for c in range(1, ncol + 1):
            ws.cell(row=row, column=c).font = _font(11, bold=True)
            ws.cell(row=row, column=c).fill = _TOTAL_FILL
        row += 1
    last_table_row = row - 1
    for r in range(h2 + 1, last_table_row + 1):
        ws.row_dimensions[r].height = ws.row_dimensions[r].height or _DATA_ROW_PT
        for c in range(1, ncol + 1):
            cell = ws.cell(row=r, column=c)
            cell.border = _BORDER
            if not cell.font.bold:
                cell.font = _font(11)
            cell.alignment = _CENTER if c in (1,) else (_LEFT if c in (2, 3) else _RIGHT)

    # Note and signature block, with room to sign (the print area ends below it).
    tail = row
    row += 1
    _merge_write(ws, row, 1, ncol, say("xlsx.note_pupils", lang), _font(10, italic=True), _LEFT)
    row += 2
    _merge_write(
        ws, row, half + 1, ncol, say("doc.place_date", lang, name=ward_name, year=base_year), _font(12, italic=True)
    )
    row += 1
    _merge_write(ws, row, 1, half, say("doc.prepared_by", lang), _font(12, bold=True))
    _merge_write(ws, row, half + 1, ncol, say("doc.head_of_office", lang), _font(12, bold=True))
    row += 1
    _merge_write(ws, row, 1, half, say("doc.sign_hint", lang), _font(11, italic=True))
    _merge_write(ws, row, half + 1, ncol, say("doc.sign_hint", lang), _font(11, italic=True))
    for r in range(row + 1, row + 1 + _SIGNING_ROWS):
        ws.row_dimensions[r].height = DEFAULT_ROW_PT
    last_row = row + _SIGNING_ROWS

    # Widths, frozen header, print set-up.
    widths = [6, 34, 22] + [13 if f != "avg" else 11 for _, f in columns]
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    for r in (1, 2, 4, 5):
        ws.row_dimensions[r].height = 18
    for r in (3, 7):
        ws.row_dimensions[r].height = 8
    ws.freeze_panes = f"D{h2 + 1}"
    set_up_printing(ws, last_row=last_row, last_col=ncol, title_rows=(h1, h2), blocks=blocks, tail=tail, first=h2 + 1)


def _sums(table: pd.DataFrame) -> dict[tuple[str, str, str, int], float]:
    """Pupils and classes summed per school, grade and school year, by (field, school_id,
    grade, school_year); a sum of blanks is 0."""
    if table.empty:
        return {}
    keys = ["school_id", "grade", "school_year"]
    grouped = table.groupby(keys)[["pupils", "classes"]].sum()
    index = list(grouped.index)
    return {
        (field, *key): float(value)
        for field in ("pupils", "classes")
        for key, value in zip(index, grouped[field].to_numpy(), strict=True)
    }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(float(value), 1)


def _write_numbers(
    ws: Worksheet,
    formulas: Formulas,
    row: int,
    columns: list[tuple[int, str]],
    values: dict[tuple[int, str], float],
    rows: tuple[int, int] | None = None,
) -> None:
    """One row of pupils and classes per school year: numbers, or — when `rows` is given — the
    subtotal formulas over those rows (`values` then being what they compute); the average class
    size as a formula either way."""
    for offset, (year, field) in enumerate(columns):
        col = 4 + offset
        cell = ws.cell(row=row, column=col)
        if field == "avg":
            pupils, classes = values[(year, "pupils")], values[(year, "classes")]
            letters = get_column_letter(col - 2), get_column_letter(col - 1)
            formulas.put(
                ws, row, col, ratio(f"{letters[0]}{row}", f"{letters[1]}{row}"), pupils / classes if classes else None
            )
            cell.number_format = "0.0"
        elif rows is None:
            cell.value = _number(values[(year, field)])
            cell.number_format = "#,##0"
        else:
            formulas.put(ws, row, col, subtotal(col, *rows), _number(values[(year, field)]))
            cell.number_format = "#,##0"
            cell.font = _font(11, bold=True)


def quotas_workbook(
    quotas: pd.DataFrame,
    schools: pd.DataFrame,
    *,
    ward_name: str,
    ward_kind: str,
    base_year: int,
    school_year: int,
    lang: str = "vi",
    levels: Sequence[str] = LEVEL_ORDER,
) -> Workbook:
    """Build the quotas workbook: one formatted sheet per level.

    `quotas`: capacity.quotas output (`school_id, level, grade, school_year, pupils, classes`);
    the columns show `school_year` (the quota) and every later school year in the table
    (projections). `schools` gives the names (`school_id, name`).
    """
    check_lang(lang)
    _check_quotas(quotas)
    names = dict(zip(schools["school_id"].astype(str), schools["name"].astype(str), strict=True))
    table = quotas.loc[quotas["school_year"].astype(int) >= int(school_year)].copy()
    table["school_id"] = table["school_id"].astype(str)
    table["school_year"] = table["school_year"].astype(int)
    years = sorted(set(table["school_year"]) | {int(school_year)})
    wb = Workbook()
    wb.remove(wb.active)
    formulas = Formulas()
    for level in levels:
        ws = wb.create_sheet(sheet_name(level, lang))
        _write_level_sheet(
            ws,
            formulas,
            table.loc[table["level"] == level],
            names,
            level=level,
            years=years,
            ward_name=ward_name,
            ward_kind=ward_kind,
            base_year=int(base_year),
            lang=lang,
        )
    cells_as_text(wb)
    formulas.apply(wb)  # after cells_as_text: the only formulas are the ones written here
    wb.properties.title = say("xlsx.title", lang, school_year=school_year_label(school_year, lang))
    wb.properties.creator = "tuyensinh"
    return wb


def cells_as_text(wb: Workbook) -> None:
    """Make every text cell of `wb` a text cell, whatever it starts with.

    openpyxl stores a string starting with "=" as a formula, so a school named
    `=HYPERLINK(...)` or `=cmd|' /C calc'!A0` would run in the signed workbook. Every string is
    stored as text (`data_type` "s", written as an inline string); one starting with a character
    a spreadsheet reads as a formula (= + - @ tab, carriage return) also gets the quote prefix,
    so it stays text when the cell is edited in Excel or LibreOffice.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if cell.value.startswith(FORMULA_START):
                        cell.quotePrefix = True


def write_quotas_xlsx(path: str | os.PathLike, quotas: pd.DataFrame, schools: pd.DataFrame, **options: Any) -> Path:
    """Build the workbook (see `quotas_workbook`, whose keywords `options` are) and write it
    atomically to `path`."""
    return write_bytes_atomic(path, workbook_bytes(quotas_workbook(quotas, schools, **options)))
