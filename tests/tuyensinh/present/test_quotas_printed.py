"""quotas.xlsx as signed and printed: totals are formulas whose results equal the plan's totals,
and LibreOffice prints each level with its signature block on A4.

The formulas are evaluated twice: by a tiny evaluator here (SUBTOTAL(9, range) and the class-size
IF), and by LibreOffice, which converts the workbook to PDF (`soffice --headless`, skipped with the
reason when it is not installed); the PDF's pages are read with poppler's pdfinfo and pdftotext.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tuyensinh.present.excel import write_quotas_xlsx
from tuyensinh.present.xlsx_print import MIN_SCALE, page_breaks

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
needs_office = pytest.mark.skipif(
    SOFFICE is None or not POPPLER,
    reason="LibreOffice (apt-get install libreoffice-calc-nogui) and poppler-utils (pdftotext, pdfinfo) "
    "are needed to print the workbook to PDF",
)
LEVELS = {"mam_non": 0, "tieu_hoc": 1, "thcs": 2}  # sheet index of each level


# ---- a tiny evaluator of the formulas tuyensinh writes ------------------------------------------
_SUBTOTAL = re.compile(r"^=SUBTOTAL\(9,([A-Z]+)(\d+):([A-Z]+)(\d+)\)$")
_RATIO = re.compile(r'^=IF\(([A-Z]+\d+)>0,([A-Z]+\d+)/([A-Z]+\d+),""\)$')


def evaluate(ws, coordinate: str) -> float | str | None:
    value = ws[coordinate].value
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    if m := _SUBTOTAL.match(value):
        col, first, col2, last = m.groups()
        assert col == col2
        total = 0.0
        for row in range(int(first), int(last) + 1):
            cell = ws[f"{col}{row}"].value
            if isinstance(cell, str) and cell.startswith("=SUBTOTAL"):
                continue  # SUBTOTAL leaves nested subtotals out
            assert cell is None or isinstance(cell, (int, float)), (coordinate, cell)
            total += cell or 0
        return total
    if m := _RATIO.match(value):
        _, num, den = (evaluate(ws, c) for c in m.groups())
        if isinstance(num, (int, float)) and isinstance(den, (int, float)) and den > 0:
            return num / den
        return ""
    raise AssertionError(f"{ws.title}!{coordinate}: a formula tuyensinh does not write: {value}")


def _total_row(ws) -> int:
    return next(c.row for c in ws["A"] if c.value in ("TỔNG CỘNG", "TOTAL"))


def _expected(quotas: pd.DataFrame, level: str, school_year: int) -> list[int]:
    """pupils, classes of the coming year then of each later year, as the total row shows them."""
    rows = quotas.loc[(quotas["level"] == level) & (quotas["school_year"] >= school_year)]
    sums = rows.groupby("school_year")[["pupils", "classes"]].sum()
    return [int(v) for year in sums.index for v in sums.loc[year]]


def _shown_totals(ws, row: int) -> list[float | str | None]:
    """The total row's pupils and classes (average class size left out) as computed."""
    values = []
    for col in range(4, ws.max_column + 1):
        header = ws.cell(row=9, column=col).value
        if header in ("Sĩ số bình quân", "Average class size"):
            continue
        values.append(evaluate(ws, ws.cell(row=row, column=col).coordinate))
    return values


# ---- formulas ---------------------------------------------------------------------------------
def test_totals_are_formulas_that_give_the_plans_totals(vi_run):
    result, _ = vi_run
    quotas = pd.read_csv(result.out / "quotas.csv", dtype={"school_id": str})
    wb = openpyxl.load_workbook(result.out / "quotas.xlsx")
    cached = openpyxl.load_workbook(result.out / "quotas.xlsx", data_only=True)
    school_year = result.plan.school_year
    for level, index in LEVELS.items():
        ws = wb.worksheets[index]
        row = _total_row(ws)
        assert ws.cell(row=row, column=4).value.startswith("=SUBTOTAL(9,D10:D")
        assert _shown_totals(ws, row) == _expected(quotas, level, school_year)
        # the value stored beside each formula (read by programs that do not calculate) agrees
        for cell in ws[row][3:]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                computed = evaluate(ws, cell.coordinate)
                stored = cached.worksheets[index][cell.coordinate].value
                assert stored == pytest.approx(computed), cell.coordinate
    # each preschool's "Cộng" row is a formula over the grade rows just above it
    ws = wb.worksheets[0]
    subtotals = [c.row for c in ws["C"] if c.value == "Cộng"]
    assert len(subtotals) == quotas.query("level == 'mam_non'")["school_id"].nunique()
    for row in subtotals:
        assert ws.cell(row=row, column=4).value == f"=SUBTOTAL(9,D{row - 6}:D{row - 1})"


def test_only_our_formulas_and_text_stays_text(tmp_path):
    names = ["=SUM(1+1)", '=HYPERLINK("http://x","y")', "+1", "-1", "@A1", "Trường Lê Lợi"]
    ids = [f"MN{i}" for i in range(len(names))]
    quotas = pd.DataFrame(
        {
            "school_id": ids * 2,
            "level": "mam_non",
            "grade": ["mg_3_4"] * len(ids) + ["mg_5_6"] * len(ids),
            "school_year": 2027,
            "pupils": range(10, 10 + 2 * len(ids)),
            "classes": 1,
        }
    )
    path = write_quotas_xlsx(
        tmp_path / "q.xlsx",
        quotas,
        pd.DataFrame({"school_id": ids, "name": names}),
        ward_name="=cmd|' /C calc'!A0",
        ward_kind="phường",
        base_year=2026,
        school_year=2027,
        levels=("mam_non",),
    )
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    formulas = re.findall(r"<f>([^<]*)</f>", xml)
    assert formulas  # the totals
    for formula in formulas:
        formula = formula.replace("&gt;", ">").replace("&quot;", '"')
        assert _SUBTOTAL.match("=" + formula) or _RATIO.match("=" + formula), formula
    ws = openpyxl.load_workbook(path).active
    texts = {c.value: c for row in ws.iter_rows() for c in row if c.data_type == "s"}
    for name in names[:5]:
        assert texts[name].quotePrefix
    assert _shown_totals(ws, _total_row(ws)) == [sum(range(10, 22)), 12]


def test_page_breaks_keep_schools_whole_and_the_last_with_the_signature():
    # rows 1-2: heading (10 pt each); blocks of 3 rows of 10 pt; tail rows 12-14 (total, signature)
    heights = [10.0] * 14
    breaks = page_breaks(heights, page_height=50, first=3, blocks=[(3, 5), (6, 8), (9, 11)], tail=12, repeated=10)
    # page 1: heading + block 1 (50 pt); page 2: header 10 + block 2 (40); page 3: header + block 3 + tail
    assert breaks == [5, 8]
    # block 3 alone would fit on page 1 (110 pt) but not with the total and signature (30 pt more):
    # it moves to page 2 with them, never leaving a signature alone on a page
    breaks = page_breaks(heights, page_height=110, first=3, blocks=[(3, 5), (6, 8), (9, 11)], tail=12, repeated=0)
    assert breaks == [8]
    assert MIN_SCALE > 0.5


# ---- printed by LibreOffice -------------------------------------------------------------------
def _pdf_pages(xlsx: list[Path], out: Path) -> dict[str, list[str]]:
    """Convert workbooks to PDF with LibreOffice (own profile: parallel runs do not clash) and
    return each one's pages as text."""
    profile = out / "profile"
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out)]
        + [str(p) for p in xlsx],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(out), "PATH": "/usr/bin:/bin"},
    )
    pages = {}
    for path in xlsx:
        pdf = out / f"{path.stem}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        assert size and sorted(round(float(v) * 25.4 / 72) for v in size.groups()) == [210, 297], info  # A4, mm
        pages_line = re.search(r"Pages:\s+(\d+)", info)
        assert pages_line, info
        count = int(pages_line.group(1))
        pages[path.stem] = [
            subprocess.run(
                ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for n in range(1, count + 1)
        ]
    return pages


def _without_values(source: Path, target: Path) -> Path:
    """A copy with the stored results removed, so LibreOffice must calculate every formula."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1<v></v>", data)
            dst.writestr(info, data)
    return target


def _numbers(line: str) -> list[int]:
    return [int(v.replace(",", "")) for v in re.findall(r"(?<![\d.])\d[\d,]*(?![\d.])", line)]


def _big_preschool(tmp_path: Path) -> Path:
    """25 preschools of 6 groups: too long for one page."""
    ids = [f"MN{i:02d}" for i in range(25)]
    grades = ["nt_13_24m", "nt_25_36m", "mg_3_4", "mg_4_5", "mg_5_6", "nt_3_12m"]
    quotas = pd.DataFrame(
        [(s, "mam_non", g, y, 20 + i, 1) for i, s in enumerate(ids) for g in grades for y in (2027, 2028)],
        columns=["school_id", "level", "grade", "school_year", "pupils", "classes"],
    )
    schools = pd.DataFrame({"school_id": ids, "name": [f"Trường Mầm non Số {i}" for i in range(25)]})
    return write_quotas_xlsx(
        tmp_path / "big.xlsx",
        quotas,
        schools,
        ward_name="Phước Bình",
        ward_kind="phường",
        base_year=2026,
        school_year=2027,
        levels=("mam_non",),
    )


@needs_office
def test_printed_workbooks_keep_each_level_with_its_signature(vi_run, en_run, tmp_path):
    vi, en = vi_run[0], en_run
    files = [
        _without_values(vi.out / "quotas.xlsx", tmp_path / "vi.xlsx"),
        _without_values(en.out / "quotas.xlsx", tmp_path / "en.xlsx"),
        _big_preschool(tmp_path),
    ]
    pages = _pdf_pages(files, tmp_path)
    for name, result, words in (
        ("vi", vi, ("Cấp học: {}", "NGƯỜI LẬP BIỂU", "TỔNG CỘNG", {"mam_non": "Mầm non", "tieu_hoc": "Tiểu học"})),
        ("en", en, ("Level: {}", "PREPARED BY", "TOTAL", {"mam_non": "Preschool", "tieu_hoc": "Primary"})),
    ):
        heading, signer, total, level_words = words
        quotas = pd.read_csv(result.out / "quotas.csv", dtype={"school_id": str})
        assert len(pages[name]) == 3  # one A4 page per level: heading, table and signature together
        for level, index in LEVELS.items():
            page = pages[name][index]
            if level in level_words:
                assert heading.format(level_words[level]) in page
            assert signer in page
            line = next(x for x in page.splitlines() if x.strip().startswith(total))
            shown = _numbers(line)  # whole numbers: the class size (22.6) is left out
            # LibreOffice calculated the formulas: the totals printed are the plan's
            assert shown == _expected(quotas, level, result.plan.school_year), (name, level, line)
    big = pages["big"]
    assert len(big) >= 3
    assert "TỔNG CỘNG" in big[-1] and "NGƯỜI LẬP BIỂU" in big[-1]
    assert "Trường Mầm non Số 24" in big[-1]  # the last school is printed with the total and signature
    assert all("NGƯỜI LẬP BIỂU" not in page for page in big[:-1])
    for page in big[1:]:
        assert "Số trẻ/học sinh" in page  # the header rows repeat
    for i in range(25):  # no school is split across pages
        assert sum(f"Trường Mầm non Số {i}\n" in p or f"Trường Mầm non Số {i} " in p for p in big) == 1, i


def test_capacity_workbook_prints_on_a4_and_keeps_names_as_text():
    from tuyensinh.present.capacity_xlsx import CapacitySheet, capacity_workbook

    table = pd.DataFrame({"school_id": ["TH01", "TH02"], "school_year": [2027, 2027], "teachers": [20, 12]})
    schools = pd.DataFrame({"school_id": ["TH01", "TH02"], "name": ["=1+1", "Trường Lê Lợi"]})
    wb = capacity_workbook([CapacitySheet("teachers", table), CapacitySheet("coverage", None)], schools)
    for ws in wb:
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_margins.left == 0.5 and ws.print_options.horizontalCentered
    teachers = wb.worksheets[0]
    assert teachers.print_title_rows == "$3:$3"
    assert teachers.print_area.endswith("!$A$1:$C$5")
    name = teachers["A4"]
    assert name.value == "=1+1 (TH01)" and name.data_type == "s" and name.quotePrefix
