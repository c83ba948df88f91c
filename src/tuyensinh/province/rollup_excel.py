"""province.xlsx: the province roll-up formatted to print and sign.

Sheets: "Tổng hợp" (province totals per level × school year), one sheet per level with one
row per ward (pupils and classes of the coming year, rooms short each year, first year short,
teachers short, build cost, forecast accuracy, status) and its TỔNG CỘNG row, and "Lỗi dữ
liệu" (every problem of every ward that could not be planned). Each sheet has the heading of a
Sở GD&ĐT document, Times New Roman, borders, frozen and repeated header rows, A4 landscape
fitted to one page wide; the totals sheet ends with the signature block. Values are numbers
(never formulas); a figure the wards' outputs do not provide is written "không có số liệu".
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tuyensinh.province.bridge import level_name, school_year_label
from tuyensinh.province.rollup import LEVELS, Rollup, level_table
from tuyensinh.province.rollup_columns import level_headings, total_cells, totals_cells, totals_headings, ward_cells
from tuyensinh.words.province import say

__all__ = ["rollup_workbook"]

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_FAILED_FILL = PatternFill("solid", fgColor="FDE9D9")
_FONT = "Times New Roman"
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")


def _font(size: float = 12, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=_FONT, size=size, bold=bold, italic=italic)


def _value(value: Any) -> Any:
    """Numbers as int when whole, NaN as empty."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else round(value, 1)
    return value


def _heading(ws: Worksheet, rollup: Rollup, width: int, title: str) -> int:
    """The administrative heading and the title; returns the next free row."""
    lang = rollup.lang
    province = rollup.province.get("name", "")
    half = max(2, width // 2)
    cells = [
        (1, 1, half, say("committee", lang, province_upper=province.upper()), _font(12)),
        (2, 1, half, say("department", lang), _font(12, bold=True)),
        (1, half + 1, width, say("nation", lang), _font(12, bold=True)),
        (2, half + 1, width, say("motto", lang), _font(12, bold=True)),
        (4, 1, width, title, _font(14, bold=True)),
    ]
    for row, col1, col2, value, font in cells:
        ws.merge_cells(start_row=row, start_column=col1, end_row=row, end_column=col2)
        cell = ws.cell(row=row, column=col1, value=value)
        cell.font, cell.alignment = font, _CENTER
    planned = int((rollup.status["status"].isin(["planned", "unchanged"])).sum())
    failed = int(len(rollup.status) - planned)
    basis = say(
        "basis",
        lang,
        planned=planned,
        failed=failed,
        coming=school_year_label(rollup.coming_year, lang) if rollup.coming_year else "—",
        horizon=school_year_label(rollup.horizon, lang) if rollup.horizon else "—",
    )
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=width)
    cell = ws.cell(row=5, column=1, value=basis)
    cell.font, cell.alignment = _font(11, italic=True), _CENTER
    ws.row_dimensions[5].height = 32
    return 7


def _header_row(ws: Worksheet, row: int, names: Sequence[str], widths: Sequence[float]) -> None:
    for col, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = ws.cell(row=row, column=col, value=name)
        cell.font, cell.alignment, cell.border, cell.fill = _font(11, bold=True), _CENTER, _BORDER, _HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[row].height = 45
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    ws.print_title_rows = f"{row}:{row}"


def _data_row(
    ws: Worksheet, row: int, values: Sequence[Any], fill: PatternFill | None = None, bold: bool = False
) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=_value(value))
        cell.font, cell.border = _font(11, bold=bold), _BORDER
        if isinstance(cell.value, (int, float)):
            cell.alignment = _RIGHT
            cell.number_format = "#,##0" if isinstance(cell.value, int) else "#,##0.0"
        else:
            cell.alignment = _LEFT
        if fill is not None:
            cell.fill = fill


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_options.horizontalCentered = True


def _signature(ws: Worksheet, row: int, width: int, lang: str) -> None:
    half = max(2, width // 2)
    lines = [
        (row, half + 1, width, say("date_line", lang), _font(12, italic=True)),
        (row + 1, 1, half, say("signer_left", lang), _font(12, bold=True)),
        (row + 1, half + 1, width, say("signer_right", lang), _font(12, bold=True)),
        (row + 2, 1, half, say("sign_hint", lang), _font(11, italic=True)),
        (row + 2, half + 1, width, say("sign_hint_seal", lang), _font(11, italic=True)),
    ]
    for r, c1, c2, value, font in lines:
        ws.merge_cells(start_row=r, start_column=c1, end_row=r, end_column=c2)
        cell = ws.cell(row=r, column=c1, value=value)
        cell.font, cell.alignment = font, _CENTER


def _totals_sheet(ws: Worksheet, rollup: Rollup) -> None:
    lang = rollup.lang
    names = totals_headings(lang)
    widths = [18, 13, 11, 15, 10, 12, 12, 12, 13, 13, 17]
    row = _heading(ws, rollup, len(names), say("totals_heading", lang))
    _header_row(ws, row, names, widths)
    for _, t in rollup.totals.iterrows():
        row += 1
        whole = t["level"] == "all"
        _data_row(ws, row, totals_cells(t, rollup), fill=_TOTAL_FILL if whole else None, bold=whole)
    _signature(ws, row + 2, len(names), lang)
    _print_setup(ws)


def _level_sheet(ws: Worksheet, rollup: Rollup, level: str) -> None:
    lang = rollup.lang
    table = level_table(rollup, level)
    columns = level_headings(table, lang)
    names = [say("no", lang), say("code", lang), say("ward", lang), *columns, say("status", lang)]
    widths = [6, 8, 22, 14, 11, *[11] * len(table.years), 13, 12, 15, 13, 12, 16]
    title = f"{say('title', lang)} — {level_name(level, lang).upper()}"
    row = _heading(ws, rollup, len(names), title)
    _header_row(ws, row, names, widths)
    for shown, w in enumerate(table.rows, start=1):
        row += 1
        status = say(f"status.{w.status}", lang)
        if not w.ok:
            _data_row(ws, row, [shown, w.code, w.name, *[None] * len(columns), status], fill=_FAILED_FILL)
            continue
        _data_row(ws, row, [shown, w.code, w.name, *ward_cells(w, table, lang), status])
    row += 1
    _data_row(ws, row, [None, None, say("total", lang), *total_cells(table, lang), None], fill=_TOTAL_FILL, bold=True)
    ws.merge_cells(start_row=row + 2, start_column=1, end_row=row + 2, end_column=len(names))
    cell = ws.cell(row=row + 2, column=1, value=say("accuracy_note", lang))
    cell.font, cell.alignment = _font(10, italic=True), _LEFT
    ws.row_dimensions[row + 2].height = 30
    _print_setup(ws)


def _problems_sheet(ws: Worksheet, rollup: Rollup) -> None:
    lang = rollup.lang
    names = [say("no", lang), say("code", lang), say("ward", lang), say("status", lang), say("problems", lang)]
    row = _heading(ws, rollup, len(names), say("section_problems", lang).upper())
    _header_row(ws, row, names, [6, 8, 22, 16, 110])
    failed = rollup.status[~rollup.status["status"].isin(["planned", "unchanged"])]
    column = "problems_en" if lang == "en" else "problems"
    number = 0
    for _, s in failed.iterrows():
        for problem in str(s[column]).split("\n") or [""]:
            number += 1
            row += 1
            _data_row(ws, row, [number, s["code"], s["name"], say(f"status.{s['status']}", lang), problem])
    if failed.empty:
        row += 1
        ws.cell(row=row, column=1, value=say("no_problems", lang)).font = _font(11, italic=True)
    _print_setup(ws)


def rollup_workbook(rollup: Rollup) -> bytes:
    """The province workbook as .xlsx bytes."""
    book = Workbook()
    totals = book.active
    totals.title = say("sheet_totals", rollup.lang)
    _totals_sheet(totals, rollup)
    for level in LEVELS:
        if (rollup.levels["level"] == level).any() or rollup.levels.empty:
            name = "THCS" if level == "thcs" and rollup.lang == "vi" else level_name(level, rollup.lang)
            _level_sheet(book.create_sheet(name[:31]), rollup, level)
    _problems_sheet(book.create_sheet(say("sheet_problems", rollup.lang)[:31]), rollup)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
