"""The template workbook `ward.xlsx` of a new ward folder: the sheets a planner fills in.

Sheets: a guide (what to write, an example school row, the quarters); `Dân số <year>` for the
base year and the year before in the survey layout (one row per quarter with its id and name
already written, one column per year of birth for ages 0–18); `Trường` with the schools'
Vietnamese headers and a drop-down list of levels. Empty cells are what `tuyensinh validate`
then reports as still missing, cell by cell.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from tuyensinh.words.start import say

__all__ = ["write_template", "SCHOOL_HEADERS", "TOP_AGE"]

TOP_AGE = 18  # the survey columns cover ages 0..18, as population.csv must
SCHOOL_HEADERS = (
    "Mã trường",
    "Tên trường",
    "Cấp học",
    "Kinh độ",
    "Vĩ độ",
    "Số phòng học",
    "Số buổi/ngày",
    "Sĩ số tối đa",
    "Năm mở",
    "Năm đóng",
    "Diện tích đất",
)
LEVELS = ("Mầm non", "Tiểu học", "THCS")
_HEADER = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")


def _text_cells(sheet, values) -> None:
    """Append a row whose cells are text, never formulas (a name may start with '=')."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def write_template(
    path: Path, quarters: pd.DataFrame, base_year: int, ward: str, approximate: bool, lang: str = "vi"
) -> None:
    """Write the template workbook for the quarters (`quarter_id, name`) and the base year."""
    book = Workbook()
    guide = book.active
    guide.title = say("sheet.guide", lang)
    guide.append([say("guide.title", lang, ward=ward)])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([say("guide.population", lang, year=base_year)])
    guide.append([say("guide.schools", lang)])
    if approximate:
        guide.append([say("guide.approximate", lang)])
    guide.append([])
    guide.append([say("guide.example", lang)])
    guide.append(list(SCHOOL_HEADERS))
    guide.append(["TH01", say("example.name", lang), "Tiểu học", 106.9565, 11.8250, 20, 2, "", "", "", 7300])
    guide.append([])
    guide.append([say("guide.quarters", lang)])
    for quarter_id, name in zip(quarters["quarter_id"], quarters["name"], strict=True):
        _text_cells(guide, [quarter_id, name])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 28

    for year in (base_year - 1, base_year):
        sheet = book.create_sheet(say("sheet.population", lang, year=year))
        births = list(range(year - TOP_AGE, year + 1))
        sheet.append(["Mã khu phố", "Tên khu phố", *(f"Sinh năm {b}" for b in births)])
        for cell in sheet[1]:
            cell.font, cell.fill = _HEADER, _FILL
        for quarter_id, name in zip(quarters["quarter_id"], quarters["name"], strict=True):
            _text_cells(sheet, [quarter_id, name])
        sheet.freeze_panes = "C2"
        sheet.column_dimensions["B"].width = 24

    schools = book.create_sheet(say("sheet.schools", lang))
    schools.append(list(SCHOOL_HEADERS))
    for cell in schools[1]:
        cell.font, cell.fill = _HEADER, _FILL
    levels = DataValidation(
        type="list",
        formula1='"' + ",".join(LEVELS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        error=say("level.list_error", lang),
    )
    schools.add_data_validation(levels)
    levels.add("C2:C500")
    sessions = DataValidation(type="list", formula1='"1,2"', allow_blank=True)
    schools.add_data_validation(sessions)
    sessions.add("G2:G500")
    schools.freeze_panes = "A2"
    schools.column_dimensions["B"].width = 32
    book.save(path)
