"""The zoning map: Vietnamese labels with diacritics (English on request), PNG and PDF."""

from __future__ import annotations

import struct

import geopandas as gpd
import pytest
from matplotlib.text import Text
from nine_quarters import CELL, CELLS, CRS, X0, Y0, zone_nine
from shapely.geometry import box

from zoning import figure_bytes, plot_zones


@pytest.fixture(scope="module")
def zoned():
    quarters = gpd.GeoDataFrame(
        {"quarter_id": [f"KP{k + 1:02d}" for k in range(9)], "name": [f"Khu phố {k + 1}" for k in range(9)]},
        geometry=[box(X0 + c * CELL, Y0 + r * CELL, X0 + (c + 1) * CELL, Y0 + (r + 1) * CELL) for r, c in CELLS],
        crs=CRS,
    )
    result, schools = zone_nine(quarters, ["Trường Tiểu học Hòa Bình", "Trường Tiểu học Lê Lợi"])
    return result, quarters, schools


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_vietnamese_labels_with_diacritics(zoned):
    result, quarters, schools = zoned
    fig = plot_zones(result, quarters, schools, crs=CRS, place="Phường Phước Bình")
    words = "\n".join(texts(fig))
    assert "Phân tuyến tuyển sinh cấp tiểu học – năm học 2027–2028" in words
    assert "Phường Phước Bình" in words
    assert "Trường Tiểu học Hòa Bình" in words and "Trường Tiểu học Lê Lợi" in words
    assert "Khu phố 5" in words  # quarter labels
    assert "Trường và vùng tuyển sinh" in words  # legend title
    load = result.load.set_index("school_id")
    classes = int(load.loc["TH01", "classes"])
    assert f"{classes} lớp" in words and "HS" in words and "phòng học" in words
    assert "B" in texts(fig)  # north arrow: Bắc
    assert any(t.endswith((" m", " km")) for t in texts(fig))  # scale bar
    assert "Lời giải: HiGHS" in words and "tối ưu" in words


def test_english_labels(zoned):
    result, quarters, schools = zoned
    fig = plot_zones(result, quarters, schools, crs=CRS, lang="en")
    words = "\n".join(texts(fig))
    assert "Enrollment zones, Primary – school year 2027–2028" in words
    assert "pupils" in words and "classes" in words and "N" in texts(fig)
    with pytest.raises(ValueError, match="unknown output language"):
        plot_zones(result, quarters, schools, crs=CRS, lang="fr")


def test_png_at_300_dpi_and_pdf(zoned, tmp_path):
    result, quarters, schools = zoned
    fig = plot_zones(result, quarters, schools, crs=CRS)
    png = figure_bytes(fig, "png", 300)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    w_in, h_in = fig.get_size_inches()
    assert width == pytest.approx(w_in * 300, abs=2) and height == pytest.approx(h_in * 300, abs=2)
    pdf = figure_bytes(fig, "pdf")
    assert pdf.startswith(b"%PDF")
    (tmp_path / "zones.png").write_bytes(png)
    assert (tmp_path / "zones.png").stat().st_size > 50_000


def test_moved_and_overloaded_schools_are_marked(zoned):
    result, quarters, schools = zoned
    fig = plot_zones(result, quarters, schools, crs=CRS)
    words = "\n".join(texts(fig))
    assert ("Đổi trường so với hiện hành" in words) == bool(result.zones()["changed"].any())
    # one quarter moved and one school over capacity: both get their legend line
    moved = result.assignment.assign(changed=result.assignment["quarter_id"] == "KP05")
    tight = result.load.assign(overflow_pupils=[12.0, 0.0])
    over = type(result)(result.level, result.school_years, moved, tight, result.grades, result.reports)
    words = "\n".join(texts(plot_zones(over, quarters, schools, crs=CRS)))
    assert "vượt 12 HS" in words and "Trường vượt sức chứa" in words
    assert "Đổi trường so với hiện hành" in words
