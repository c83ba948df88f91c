"""quotas.xlsx: the enrollment quotas (chỉ tiêu tuyển sinh) formatted to print, sign and publish.

One sheet per level (mầm non, tiểu học, THCS). Each sheet carries the administrative heading of
a ward document, a title with the school year, one row per school × entry grade with the pupils
and classes of the coming school year (the quota) and of the following years (projections, to
prepare rooms), a total per school and for the level, and a signature block ("Người lập biểu",
"Trưởng phòng Văn hóa – Xã hội"). Printing is set up for A4 landscape, fitted to one page wide,
with the header rows repeated on every page.

Values are written as numbers, not formulas, so any program reading the file sees them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tuyensinh.present.outputs import write_bytes_atomic
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
    if table.empty:
        _merge_write(ws, row, 1, ncol, say("xlsx.empty", lang), _font(11, italic=True))
        row += 1
    pivot = (
        table.pivot_table(
            index=["school_id", "grade"],
            columns="school_year",
            values=["pupils", "classes"],
            aggfunc="sum",
            fill_value=0,
        )
        if not table.empty
        else None
    )
    grade_rank = {g: i for i, g in enumerate(GRADE_ORDER)}
    for number, school_id in enumerate(sorted(table["school_id"].unique()), start=1):
        grades = sorted(
            table.loc[table["school_id"] == school_id, "grade"].unique(), key=lambda g: (grade_rank.get(g, 99), g)
        )
        first = row
        totals = {(y, f): 0.0 for y, f in columns if f != "avg"}
        for grade in grades:
            ws.cell(row=row, column=3, value=grade_name(grade, lang))
            for offset, (year, field) in enumerate(columns):
                cell = ws.cell(row=row, column=4 + offset)
                if field == "avg":
                    pupils = _value(pivot, "pupils", school_id, grade, year)
                    classes = _value(pivot, "classes", school_id, grade, year)
                    cell.value = round(pupils / classes, 1) if classes else None
                    cell.number_format = "0.0"
                else:
                    value = _value(pivot, field, school_id, grade, year)
                    totals[(year, field)] += value
                    cell.value = _number(value)
                    cell.number_format = "#,##0"
            row += 1
        if len(grades) > 1:
            ws.cell(row=row, column=3, value=say("xlsx.school_total", lang, school="").strip()).font = _font(
                11, bold=True
            )
            _write_totals(ws, row, columns, totals)
            row += 1
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
        _write_totals(ws, row, columns, grand)
        for c in range(1, ncol + 1):
            ws.cell(row=row, column=c).font = _font(11, bold=True)
            ws.cell(row=row, column=c).fill = _TOTAL_FILL
        row += 1
    last_table_row = row - 1
    for r in range(h2 + 1, last_table_row + 1):
        for c in range(1, ncol + 1):
            cell = ws.cell(row=r, column=c)
            cell.border = _BORDER
            if not cell.font.bold:
                cell.font = _font(11)
            cell.alignment = _CENTER if c in (1,) else (_LEFT if c in (2, 3) else _RIGHT)

    # Note and signature block.
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

    # Widths, frozen header, print set-up.
    widths = [6, 34, 22] + [13 if f != "avg" else 11 for _, f in columns]
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = f"D{h2 + 1}"
    ws.print_title_rows = f"{h1}:{h2}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "&P / &N"


def _value(pivot: pd.DataFrame | None, field: str, school_id: str, grade: str, year: int) -> float:
    if pivot is None:
        return 0.0
    try:
        value = pivot.loc[(school_id, grade), (field, year)]
    except KeyError:
        return 0.0
    return float(value) if pd.notna(value) else 0.0


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(float(value), 1)


def _write_totals(
    ws: Worksheet, row: int, columns: list[tuple[int, str]], totals: dict[tuple[int, str], float]
) -> None:
    for offset, (year, field) in enumerate(columns):
        cell = ws.cell(row=row, column=4 + offset)
        if field == "avg":
            pupils, classes = totals[(year, "pupils")], totals[(year, "classes")]
            cell.value = round(pupils / classes, 1) if classes else None
            cell.number_format = "0.0"
        else:
            cell.value = _number(totals[(year, field)])
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
    for level in levels:
        ws = wb.create_sheet(sheet_name(level, lang))
        _write_level_sheet(
            ws,
            table.loc[table["level"] == level],
            names,
            level=level,
            years=years,
            ward_name=ward_name,
            ward_kind=ward_kind,
            base_year=int(base_year),
            lang=lang,
        )
    wb.properties.title = say("xlsx.title", lang, school_year=school_year_label(school_year, lang))
    wb.properties.creator = "tuyensinh"
    return wb


def write_quotas_xlsx(path: str | os.PathLike, quotas: pd.DataFrame, schools: pd.DataFrame, **options: Any) -> Path:
    """Build the workbook (see `quotas_workbook`, whose keywords `options` are) and write it
    atomically to `path`."""
    wb = quotas_workbook(quotas, schools, **options)
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_bytes_atomic(path, buffer.getvalue())
