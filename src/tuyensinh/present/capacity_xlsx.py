"""capacity_plan.xlsx: the capacity cycle's tables as formatted sheets (Vietnamese by default).

Sheets: teachers per school and year; the investment programme by year (rooms and million VND
per level and item, with the running total) and by school; facilities against the standard;
lớp ghép runs; the 15 August intake report and the forecast accuracy achieved; the rates used
and where each came from; the universalisation indicators; the data still to add. A sheet whose
table is empty says which data would fill it. Codes (levels, grades, items, indicators) are
written as the planner's words; shares as percentages, money with thousands separators. Printed
on A4 landscape fitted to the page width, the header row repeated, a print area and page numbers
(`tuyensinh.present.xlsx_print`); text cells are text, whatever they start with.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

from tuyensinh.present.excel import cells_as_text
from tuyensinh.present.outputs import write_bytes_atomic
from tuyensinh.present.xlsx_print import set_up_printing
from tuyensinh.words.cycle import CYCLE_SHEETS, code_name, column_label, cycle_text, needs_sentence
from tuyensinh.words.labels import check_lang, grade_name, level_name, say, school_year_label

__all__ = ["CapacitySheet", "capacity_workbook", "write_capacity_xlsx"]

_FONT = "Times New Roman"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_WRAP = Alignment(wrap_text=True, vertical="center")
_SHARES = {
    "permanent_share",
    "permanent_target",
    "fill_rate",
    "accuracy",
    "ward_accuracy",
    "classes_accuracy",
    "classes_exact_share",
    "accuracy_target",
    "default",
    "observed",
    "weight_data",
    "estimate",
    "value",
    "min_m1",
    "min_m2",
    "min_m3",
    "target",
}
_MONEY = {"unit_cost_million_vnd", "cost_million_vnd", "cost_to_date_million_vnd"}
_CODES = {"item", "size_flag", "indicator", "rate", "source", "feature"}
_YEARS = {"school_year", "first_year", "last_year", "first_teacher_short_year"}


@dataclass(frozen=True)
class CapacitySheet:
    """One sheet: its key (words.cycle.CYCLE_SHEETS), the table, and what fills it when empty."""

    key: str
    table: pd.DataFrame | None
    needs: str = ""


def _cell_value(column: str, value: object, lang: str, names: dict[str, str]) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if isinstance(value, (bool,)) or (hasattr(value, "dtype") and str(getattr(value, "dtype", "")) == "bool"):
        return cycle_text("yes" if bool(value) else "no", lang)
    if column == "level":
        return level_name(str(value), lang)
    if column == "grade":
        return grade_name(str(value), lang)
    if column in _YEARS:
        return school_year_label(int(value), lang)  # type: ignore[call-overload]
    if column in _CODES:
        return code_name(str(value), lang)
    if column == "needs":
        return needs_sentence(str(value), lang)
    if column == "school_id" and str(value) in names:
        return f"{names[str(value)]} ({value})"
    if isinstance(value, float) and column not in _SHARES and column not in _MONEY and value.is_integer():
        return int(value)
    return value.item() if hasattr(value, "item") else value


def capacity_workbook(
    sheets: Sequence[CapacitySheet], schools: pd.DataFrame | None = None, lang: str = "vi", zones: str | None = None
) -> Workbook:
    """The workbook: one formatted sheet per CapacitySheet, in order. `zones` ("proposed",
    "current", "given"): a line under each title says which zones the figures assume."""
    lang = check_lang(lang)
    names = {}
    if schools is not None and "name" in schools:
        names = dict(zip(schools["school_id"].astype(str), schools["name"].astype(str), strict=True))
    wb = Workbook()
    wb.remove(wb.active)
    # a body cell's style (font, border, alignment, number format) by number format: set once
    # through openpyxl's descriptors (which hash every style object into the workbook's lists,
    # the bulk of the time), then copied as the same indices into those lists
    body_styles: dict[str, StyleArray] = {}
    for sheet in sheets:
        title = CYCLE_SHEETS[sheet.key][0 if lang == "vi" else 1][:31]
        ws = wb.create_sheet(title)
        ws.cell(row=1, column=1, value=title).font = Font(name=_FONT, size=14, bold=True)
        if zones is not None:
            zones_line = say("xlsx.zones", lang, zones=say(f"zones.{zones}", lang))
            ws.cell(row=2, column=1, value=zones_line).font = Font(name=_FONT, size=11, italic=True)
        table = sheet.table
        if table is None or table.empty:
            text = (
                cycle_text("empty", lang, needs=needs_sentence(sheet.needs, lang))
                if sheet.needs
                else cycle_text("none", lang)
            )
            ws.cell(row=3, column=1, value=text).font = Font(name=_FONT, size=12, italic=True)
            ws.column_dimensions["A"].width = 100
            set_up_printing(ws, last_row=3, last_col=1)
            continue
        columns = list(table.columns)
        for j, column in enumerate(columns, start=1):
            cell = ws.cell(row=3, column=j, value=column_label(column, lang))
            cell.font = Font(name=_FONT, size=11, bold=True)
            cell.fill = _HEADER_FILL
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            width = 14 if column not in ("school_id", "class_groups", "needs", "method", "indicator") else 36
            ws.column_dimensions[get_column_letter(j)].width = width
        for i, row in enumerate(table.itertuples(index=False), start=4):
            for j, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
                cell = ws.cell(row=i, column=j, value=_cell_value(column, value, lang, names))
                if column in _SHARES:
                    number_format = "0.0%"
                elif column in _MONEY:
                    number_format = "#,##0"
                elif isinstance(cell.value, float):
                    number_format = "#,##0.0"
                else:
                    number_format = ""
                known = body_styles.get(number_format)
                if known is not None:  # the same style as an earlier body cell: its indices
                    cell._style = copy(known)
                    continue
                cell.font = Font(name=_FONT, size=11)
                cell.border = _BORDER
                cell.alignment = _WRAP
                if number_format:
                    cell.number_format = number_format
                body_styles[number_format] = copy(cell._style)
        ws.freeze_panes = "B4"
        set_up_printing(ws, last_row=3 + len(table), last_col=len(columns), title_rows=(3, 3))
    cells_as_text(wb)  # a school name starting with "=" stays text
    return wb


def write_capacity_xlsx(
    path: str | os.PathLike,
    sheets: Sequence[CapacitySheet],
    schools: pd.DataFrame | None = None,
    lang: str = "vi",
    zones: str | None = None,
) -> None:
    """Write capacity_plan.xlsx atomically (`zones`: see `capacity_workbook`)."""
    import io

    buffer = io.BytesIO()
    capacity_workbook(sheets, schools, lang, zones).save(buffer)
    write_bytes_atomic(path, buffer.getvalue())
