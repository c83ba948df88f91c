"""No text a planner (or an attacker) types becomes a formula or markup in an output file.

quotas.xlsx: every text cell is stored as text (an inline string, never `<f>`), with the quote
prefix when it starts like a formula; the only formulas are the totals and class sizes tuyensinh
builds itself. CSV outputs: text starting with = + - @ tab or carriage
return gets a leading ' (OWASP); numbers, even negative, and ids are written exactly; an
infinite ratio is written blank. report.html: every text is escaped.
"""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from tuyensinh.present.excel import quotas_workbook
from tuyensinh.present.outputs import neutralise_formulas, write_csv_atomic
from tuyensinh.present.report import ReportSection, ReportTable, render_report

PAYLOADS = [
    '=HYPERLINK("http://x","click")',
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


def _workbook_bytes(names: list[str]) -> bytes:
    ids = [f"TH{i:02d}" for i in range(len(names))]
    quotas = pd.DataFrame(
        {"school_id": ids, "level": "tieu_hoc", "grade": "lop_1", "school_year": 2025, "pupils": 70, "classes": 2}
    )
    schools = pd.DataFrame({"school_id": ids, "name": names})
    wb = quotas_workbook(
        quotas, schools, ward_name='=HYPERLINK("x")', ward_kind="phường", base_year=2024, school_year=2025, lang="vi"
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_no_school_name_becomes_a_formula_in_quotas_xlsx():
    data = _workbook_bytes(PAYLOADS)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any("<f " in sheet for sheet in sheets)
    ours = re.compile(r'^(SUBTOTAL\(9,[A-Z]+\d+:[A-Z]+\d+\)|IF\([A-Z]+\d+&gt;0,[A-Z]+\d+/[A-Z]+\d+,""\))$')
    formulas = [f for sheet in sheets for f in re.findall(r"<f>([^<]*)</f>", sheet)]
    assert formulas and all(ours.match(f) for f in formulas), formulas
    wb = load_workbook(io.BytesIO(data))
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type == "f":
                    assert ours.match(cell.value[1:].replace(">", "&gt;")), (cell.coordinate, cell.value)
                elif isinstance(cell.value, str):
                    assert cell.data_type == "s", (cell.coordinate, cell.value)
                    seen.add(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert cell.quotePrefix, cell.coordinate
    assert {p for p in PAYLOADS if not p.startswith(("\t", "\r"))} <= seen  # shown as written, not lost


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_text_starting_like_a_formula_gets_a_quote(tmp_path, payload):
    frame = pd.DataFrame(
        {
            "school_id": ["TH01", "TH02"],
            "name": [payload, "Trường Lê Lợi"],
            "room_shortfall": [-3, 2],
            "utilization": [np.inf, 0.5],
        }
    )
    path = write_csv_atomic(frame, tmp_path / "capacity.csv")
    back = pd.read_csv(path, dtype={"school_id": str, "name": str}, keep_default_na=False)
    assert back.loc[0, "name"] == "'" + payload.replace("\r", "\n")  # a lone CR would split the row
    assert back.loc[1, "name"] == "Trường Lê Lợi"
    assert back["school_id"].tolist() == ["TH01", "TH02"]  # ids exactly (the loader refuses risky ids)
    assert back["room_shortfall"].tolist() == [-3, 2]  # numbers are not text: untouched
    assert back.loc[0, "utilization"] == ""  # no 'inf' written: 0 rooms, utilization blank
    assert "inf" not in path.read_text(encoding="utf-8")


def test_neutralising_leaves_safe_frames_alone():
    frame = pd.DataFrame({"a": ["x", None], "b": [1.0, -2.0]})
    assert neutralise_formulas(frame) is frame


def test_report_escapes_every_text():
    evil = '<script>alert("x")</script>'
    table = ReportTable(title=evil, frame=pd.DataFrame({"Trường": [evil, "=1+1"], "Số phòng": [1, 2]}))
    page = render_report(
        title=evil,
        subtitle=evil,
        flags=[("over", evil)],
        summary=[evil],
        sections=[ReportSection(heading=evil, intro=evil, sentences=[evil], tables=[table])],
        footer=evil,
    )
    assert "<script>" not in page and "alert(&quot;x&quot;)" in page
    assert len(re.findall(r"&lt;script&gt;", page)) >= 8
