"""The plan's maps as printed and as shown in report.html: maps/*.pdf are whole A4 sheets (not
cropped), maps/*.png print at 100 % on A4 at the plan's dpi, and report.html shows each map as an
A4 portrait sheet at 150 dpi, so its 7–8 pt labels are ~15 px on screen and 7–8 pt on paper."""

from __future__ import annotations

import base64
import re
import struct

import pytest

A4_PT = sorted((595.276, 841.89))


def test_map_pdfs_and_pngs_are_a4_sheets(vi_run):
    result, _ = vi_run
    pdfs = sorted((result.out / "maps").glob("zones_*.pdf"))
    assert len(pdfs) == len(result.plan.levels)
    for pdf in pdfs:
        box = re.search(rb"/MediaBox \[ *0 0 ([\d.]+) ([\d.]+) *\]", pdf.read_bytes()).groups()
        assert sorted(float(v) for v in box) == pytest.approx(A4_PT, abs=2.9)  # 1 mm
        png = pdf.with_suffix(".png").read_bytes()
        width, height = struct.unpack(">II", png[16:24])
        assert sorted((width, height)) == pytest.approx(sorted((210 / 25.4 * 150, 297 / 25.4 * 150)), abs=2)


def test_report_maps_are_portrait_sheets_readable_in_the_page(vi_run):
    result, _ = vi_run
    page = (result.out / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'<figure><h3>([^<]*)</h3><img alt="[^"]*" src="data:image/png;base64,([^"]+)"', page)
    names = {"Mầm non", "Tiểu học", "Trung học cơ sở"}
    maps = [base64.b64decode(data) for title, data in images if title in names]
    assert len(maps) == len(result.plan.levels)
    for png in maps:
        width, height = struct.unpack(">II", png[16:24])
        assert height > width  # portrait
        # 8 pt labels on a sheet at most 210 mm wide, shown at most 1,044 px wide (the report's
        # column): at least 8 / 72 × 1044 / (210 / 25.4) ≈ 14 px — and at least 150 dpi
        assert width >= 1000 and width <= 210 / 25.4 * 150 + 2
