"""compare.xlsx: the scenarios side by side on one sheet, to print and to work on.

Rows level × school year, columns metric × option (classes, rooms short, pupil-km of the
baseline and of each scenario), as `tuyensinh.scenarios.comparison_wide` lays them out: two
header rows in the planner's language (the metric over its options), numbers stored as numbers,
the headers and the two label columns frozen, widths to the names, A4 landscape one page wide
with the header rows repeated on every page. Every text cell is stored as text
(`present.excel.cells_as_text`): a scenario named `=HYPERLINK(…)` stays a name.
"""

from __future__ import annotations

import io
import itertools
import os

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tuyensinh.present.excel import cells_as_text
from tuyensinh.present.outputs import write_bytes_atomic
from tuyensinh.words.cli import say
from tuyensinh.words.core import check_lang
from tuyensinh.words.labels import say as say_label

__all__ = ["HEADER_ROWS", "compare_workbook", "write_compare_xlsx"]

_FONT = "Times New Roman"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center")
HEADER_ROWS = (4, 5)  # the metric row and the option row; data from row 6


def compare_workbook(wide: pd.DataFrame, place: str, lang: str = "vi") -> Workbook:
    """The workbook of `wide` (`comparison_wide(comparison, lang)`): one sheet, titled for `place`."""
    lang = check_lang(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = say("said.compare_sheet", lang)[:31]
    ws.cell(row=1, column=1, value=say("said.compare_title", lang, place=place)).font = Font(
        name=_FONT, size=14, bold=True
    )
    ws.cell(row=2, column=1, value=say("said.compare_note", lang)).font = Font(name=_FONT, size=11, italic=True)
    metric_row, option_row = HEADER_ROWS
    for j, name in enumerate(wide.index.names, start=1):
        ws.merge_cells(start_row=metric_row, start_column=j, end_row=option_row, end_column=j)
        ws.cell(row=metric_row, column=j, value=name)
    for j, (metric, option) in enumerate(wide.columns, start=3):
        ws.cell(row=metric_row, column=j, value=metric)
        ws.cell(row=option_row, column=j, value=option)
    metrics = [metric for metric, _ in wide.columns]
    column = 3
    for _, group in itertools.groupby(metrics):  # each metric over its options
        span = len(list(group))
        if span > 1:
            ws.merge_cells(start_row=metric_row, start_column=column, end_row=metric_row, end_column=column + span - 1)
        column += span
    km = say_label("col.pupil_km", lang)
    for row in ws.iter_rows(min_row=metric_row, max_row=option_row, max_col=2 + len(wide.columns)):
        for cell in row:
            cell.font = Font(name=_FONT, size=11, bold=True)
            cell.fill = _HEADER_FILL
            cell.border = _BORDER
            cell.alignment = _CENTER
    for i, ((level, year), values) in enumerate(zip(wide.index, wide.to_numpy(), strict=True), start=option_row + 1):
        for j, label in enumerate((level, year), start=1):
            cell = ws.cell(row=i, column=j, value=label)
            cell.font, cell.border, cell.alignment = Font(name=_FONT, size=11), _BORDER, _LEFT
        for j, (value, metric) in enumerate(zip(values, metrics, strict=True), start=3):
            cell = ws.cell(row=i, column=j, value=None if pd.isna(value) else float(value))
            cell.font, cell.border = Font(name=_FONT, size=11), _BORDER
            cell.number_format = "#,##0.0" if metric == km else "#,##0"
    ws.column_dimensions["A"].width = max(12, *(len(str(v)) + 2 for v in wide.index.get_level_values(0)))
    ws.column_dimensions["B"].width = 12
    longest = max((len(str(option)) for _, option in wide.columns), default=10)
    lines = min(5, -(-longest // 14))  # an option's name wrapped on at most 5 lines of ~14 characters
    for j in range(3, 3 + len(wide.columns)):
        ws.column_dimensions[get_column_letter(j)].width = 15
    ws.row_dimensions[option_row].height = 15 * max(2, lines) + 4
    ws.freeze_panes = ws.cell(row=option_row + 1, column=3)
    ws.print_title_rows = f"{metric_row}:{option_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.5
    cells_as_text(wb)
    wb.properties.title = say("said.compare_title", lang, place=place)
    wb.properties.creator = "tuyensinh"
    return wb


def write_compare_xlsx(path: str | os.PathLike, wide: pd.DataFrame, place: str, lang: str = "vi") -> None:
    """Write compare.xlsx atomically."""
    buffer = io.BytesIO()
    compare_workbook(wide, place, lang).save(buffer)
    write_bytes_atomic(path, buffer.getvalue())
