"""quotas.xlsx read back with openpyxl: headers, numbers, totals, signature block, print set-up.

The workbook is read with `data_only=True`: totals and class sizes are formulas, read here as
the values stored beside them (test_quotas_printed.py evaluates the formulas themselves)."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from tuyensinh.present.excel import quotas_workbook, sheet_name, write_quotas_xlsx

SCHOOLS = pd.DataFrame(
    {
        "school_id": ["TH01", "TH02", "MN01", "THCS01"],
        "name": [
            "Trường Tiểu học Phước Bình",
            "Trường Tiểu học Lê Lợi",
            "Trường Mầm non Hoa Sen",
            "Trường THCS Nguyễn Du",
        ],
        "level": ["tieu_hoc", "tieu_hoc", "mam_non", "thcs"],
    }
)
QUOTAS = pd.DataFrame(
    {
        "school_id": ["TH01", "TH02", "TH01", "TH02", "MN01", "MN01", "MN01", "THCS01", "TH01"],
        "level": ["tieu_hoc"] * 4 + ["mam_non"] * 3 + ["thcs", "tieu_hoc"],
        "grade": ["lop_1", "lop_1", "lop_1", "lop_1", "mg_3_4", "mg_5_6", "mg_5_6", "lop_6", "lop_1"],
        "school_year": [2027, 2027, 2028, 2028, 2027, 2027, 2028, 2027, 2026],
        "pupils": [71, 40, 80, 35, 20, 31, 33, 90, 999],
        "classes": [3, 2, 3, 1, 1, 1, 1, 2, 99],
    }
)
OPTIONS = {"ward_name": "Phước Bình", "ward_kind": "phường", "base_year": 2026, "school_year": 2027}


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def _find(ws, value) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell.row, cell.column
    raise AssertionError(f"{value!r} not in sheet {ws.title}")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "quotas.xlsx"
    write_quotas_xlsx(path, QUOTAS, SCHOOLS, **OPTIONS)
    return openpyxl.load_workbook(path, data_only=True)


def _shown(values: tuple) -> tuple:
    """Values as printed: class sizes with one decimal (number format 0.0)."""
    return tuple(round(v, 1) if isinstance(v, float) else v for v in values)


def test_one_sheet_per_level_in_vietnamese(workbook):
    assert workbook.sheetnames == ["Mầm non", "Tiểu học", "THCS"]


def test_headers_title_and_heading_in_vietnamese(workbook):
    ws = workbook["Tiểu học"]
    values = {v for row in _rows(ws) for v in row if isinstance(v, str)}
    for expected in (
        "ỦY BAN NHÂN DÂN PHƯỜNG PHƯỚC BÌNH",
        "PHÒNG VĂN HÓA – XÃ HỘI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "CHỈ TIÊU TUYỂN SINH NĂM HỌC 2027–2028",
        "Trường",
        "Khối/lớp",
        "STT",
        "Năm học 2027–2028",
        "Năm học 2028–2029 (dự kiến)",
        "Số trẻ/học sinh",
        "Số lớp",
        "Sĩ số bình quân",
        "NGƯỜI LẬP BIỂU",
        "TRƯỞNG PHÒNG VĂN HÓA – XÃ HỘI",
        "Lớp 1",
        "Trường Tiểu học Phước Bình",
        "TỔNG CỘNG",
    ):
        assert expected in values, expected
    assert "Cấp học: Tiểu học – Phường Phước Bình" in values


def test_numbers_and_totals(workbook):
    ws = workbook["Tiểu học"]
    r, _ = _find(ws, "Trường Tiểu học Phước Bình")
    assert _shown(_rows(ws)[r - 1][3:8]) == (71, 3, 23.7, 80, 3)  # 71 / 3 = 23.67 pupils per class
    r, _ = _find(ws, "Trường Tiểu học Lê Lợi")
    assert _shown(_rows(ws)[r - 1][3:8]) == (40, 2, 20, 35, 1)
    r, _ = _find(ws, "TỔNG CỘNG")
    assert _shown(_rows(ws)[r - 1][3:8]) == (111, 5, 22.2, 115, 4)
    # the school year before the quota year (2026) is not shown
    assert all(999 not in row for row in _rows(ws))


def test_preschool_groups_and_subtotal(workbook):
    ws = workbook["Mầm non"]
    r, _ = _find(ws, "Mẫu giáo 3–4 tuổi")
    assert _shown(_rows(ws)[r - 1][2:8]) == ("Mẫu giáo 3–4 tuổi", 20, 1, 20, 0, 0)
    r, _ = _find(ws, "Mẫu giáo 5–6 tuổi")
    assert _shown(_rows(ws)[r - 1][3:8]) == (31, 1, 31, 33, 1)
    r, _ = _find(ws, "Cộng")
    assert _shown(_rows(ws)[r - 1][3:8]) == (51, 2, 25.5, 33, 1)


def test_print_setup_and_layout(workbook):
    for ws in workbook:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 1  # short: one page
        sign_row, _ = _find(ws, "(Ký, ghi rõ họ tên)")  # the print area keeps 4 rows to sign in
        assert ws.print_area == f"'{ws.title}'!$A$1:${get_column_letter(ws.max_column)}${sign_row + 4}"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.freeze_panes == "D10"
        assert ws.print_title_rows == "$8:$9"
        assert ws.column_dimensions["B"].width >= 30
        r, c = _find(ws, "Số lớp")
        assert ws.cell(row=r, column=c).border.left.style == "thin"


def test_english_labels(tmp_path):
    path = write_quotas_xlsx(tmp_path / "q.xlsx", QUOTAS, SCHOOLS, lang="en", **OPTIONS)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Preschool", "Primary", "Lower secondary"]
    values = {v for row in _rows(wb["Primary"]) for v in row if isinstance(v, str)}
    assert {
        "School",
        "Grade 1",
        "Pupils",
        "Classes",
        "PREPARED BY",
        "ENROLLMENT QUOTAS, SCHOOL YEAR 2027–2028",
    } <= values
    assert not any("Trưởng" in v or "Số lớp" in v for v in values)


def test_level_without_schools_says_so():
    wb = quotas_workbook(QUOTAS.loc[QUOTAS["level"] != "thcs"], SCHOOLS, **OPTIONS)
    values = {v for row in _rows(wb["THCS"]) for v in row if isinstance(v, str)}
    assert "Không có trường cấp học này trong dữ liệu." in values


def test_missing_column_is_a_clear_error():
    with pytest.raises(ValueError, match="classes"):
        quotas_workbook(QUOTAS.drop(columns="classes"), SCHOOLS, **OPTIONS)


def test_sheet_name_fits_excel_limit():
    assert all(len(sheet_name(level, lang)) <= 31 for level in ("mam_non", "tieu_hoc", "thcs") for lang in ("vi", "en"))
