"""report.html building blocks: flags in plain words, a self-contained page, embedded PNGs."""

from __future__ import annotations

import base64
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from tuyensinh.present.report import (
    ReportFigure,
    ReportSection,
    ReportTable,
    figure_png,
    flag_sentences,
    render_report,
    ward_shortfall_sentences,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

SCHOOLS = pd.DataFrame(
    {
        "school_id": ["TH01", "TH02", "THCS01", "MN01"],
        "name": [
            "Trường Tiểu học Phước Bình",
            "Trường Tiểu học Lê Lợi",
            "Trường THCS Nguyễn Du",
            "Trường Mầm non Hoa Sen",
        ],
    }
)


def _capacity() -> pd.DataFrame:
    rows = []
    # TH01 runs short from 2028 (3 rooms) and 5 rooms by 2030.
    for year, short, util, flag in (
        (2027, 0, 0.95, "tight"),
        (2028, 3, 1.1, "over"),
        (2029, 4, 1.15, "over"),
        (2030, 5, 1.2, "over"),
    ):
        rows.append(("TH01", "tieu_hoc", year, short, util, 0.6, flag, 30, 1000.0))
    # TH02 tight in 2029 only.
    for year, util, flag in ((2027, 0.7, "ok"), (2028, 0.8, "ok"), (2029, 0.93, "tight"), (2030, 0.85, "ok")):
        rows.append(("TH02", "tieu_hoc", year, 0, util, 0.25, flag, 20, 600.0))
    # THCS01 half empty.
    for year in (2027, 2028, 2029, 2030):
        rows.append(("THCS01", "thcs", year, 0, 0.4, 0.0, "ok", 10, 180.0))
    # MN01 short 2 rooms in 2030 only.
    for year, short in ((2027, 0), (2028, 0), (2029, 0), (2030, 2)):
        rows.append(("MN01", "mam_non", year, short, 0.9, 0.3, "over" if short else "ok", 12, 300.0))
    return pd.DataFrame(
        rows,
        columns=[
            "school_id",
            "level",
            "school_year",
            "room_shortfall",
            "utilization",
            "p_over",
            "flag",
            "classes",
            "pupils_mean",
        ],
    )


def test_flags_in_plain_vietnamese_most_urgent_first():
    flags = flag_sentences(_capacity(), SCHOOLS, lang="vi")
    kinds = [kind for kind, _ in flags]
    sentences = [s for _, s in flags]
    assert kinds == ["over", "over", "tight", "info"]
    assert sentences[0] == (
        "Trường Tiểu học Phước Bình thiếu 3 phòng học từ năm học 2028–2029, đến năm học 2030–2031 thiếu 5 phòng"
    )
    assert sentences[1] == "Trường Mầm non Hoa Sen thiếu 2 phòng học từ năm học 2030–2031"
    assert sentences[2].startswith("Trường Tiểu học Lê Lợi sát công suất năm học 2029–2030: dùng 93%")
    assert sentences[3] == (
        "Trường THCS Nguyễn Du chỉ dùng 40% phòng học năm học 2027–2028: sĩ số bình quân 18 học sinh/lớp"
    )


def test_flags_in_english():
    sentences = [s for _, s in flag_sentences(_capacity(), SCHOOLS, lang="en")]
    assert sentences[0] == ("Trường Tiểu học Phước Bình is 3 classroom(s) short from 2028–2029, 5 by 2030–2031")


def test_flags_from_year_and_overflow():
    overflow = pd.DataFrame({"school_id": ["TH01"], "level": ["tieu_hoc"], "school_year": [2027], "overflow": [23.4]})
    flags = flag_sentences(_capacity(), SCHOOLS, lang="vi", from_year=2029, overflow=overflow)
    text = [s for _, s in flags]
    # a school short of rooms whose zoning also leaves pupils without a seat is named once, not twice
    assert text[0] == (
        "Trường Tiểu học Phước Bình thiếu 4 phòng học từ năm học 2029–2030, đến năm học 2030–2031 thiếu 5 phòng; "
        "phân tuyến năm học 2027–2028 còn 23 trẻ/học sinh vượt sức chứa"
    )
    assert [kind for kind, _ in flags] == ["over", "over", "tight", "info"]
    assert sum("Phước Bình" in sentence for sentence in text) == 1
    # overflow at a school with enough rooms keeps its own point, as urgent as missing rooms
    lone = pd.DataFrame({"school_id": ["TH02"], "level": ["tieu_hoc"], "school_year": [2027], "overflow": [7.0]})
    alone = [s for _, s in flag_sentences(_capacity(), SCHOOLS, lang="vi", from_year=2029, overflow=lone)]
    assert "Phân tuyến năm học 2027–2028 (tiểu học): 7 trẻ/học sinh vượt sức chứa của Trường Tiểu học Lê Lợi" in alone


def test_report_prints_on_a4_with_headings_kept_with_their_content():
    page = render_report(title="T", subtitle="S", flags=[], sections=[], summary=[], lang="vi", footer="F")
    assert "@page { size: A4 portrait;" in page
    assert "h1, h2, h3 { break-after: avoid;" in page and "break-inside: avoid" in page


def test_ward_shortfall_sums_each_schools_worst_year():
    lines = ward_shortfall_sentences(_capacity(), lang="vi")
    assert lines == [
        "Cấp mầm non: cần thêm 2 phòng học đến năm học 2030–2031",
        "Cấp tiểu học: cần thêm 5 phòng học đến năm học 2030–2031",
    ]


@pytest.fixture(scope="module")
def page() -> str:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([2027, 2028], [1, 2])
    ax.set_title("Dự báo dân số")
    png = figure_png(fig)
    table = pd.DataFrame({"Trường": ["Trường Tiểu học Phước Bình"], "Thiếu phòng": [3.0]})
    section = ReportSection(
        heading="Phòng học",
        intro="Giải thích <ngắn>.",
        figures=[ReportFigure("Biểu đồ", png, "chú thích")],
        tables=[ReportTable("Bảng", table, note="ghi chú")],
    )
    return render_report(
        title="Kế hoạch – Phước Bình",
        subtitle="Dự báo cuối năm 2026",
        flags=[("over", "Trường Tiểu học X thiếu 3 phòng học")],
        sections=[section],
        footer="tuyensinh",
        lang="vi",
        summary=["Một câu."],
    )


def test_page_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page and '<meta charset="utf-8">' in page
    assert "<style>" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "http://" not in page and "https://" not in page
    assert "Giải thích &lt;ngắn&gt;." in page  # planner text is escaped
    assert '<li class="over">Trường Tiểu học X thiếu 3 phòng học</li>' in page


def test_embedded_images_decode_as_png(page):
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 1
    data = base64.b64decode(images[0])
    assert data.startswith(PNG_MAGIC)


def test_figure_png_closes_the_figure():
    fig = plt.figure()
    before = len(plt.get_fignums())
    assert figure_png(fig).startswith(PNG_MAGIC)
    assert len(plt.get_fignums()) == before - 1


def test_a_closed_school_that_still_gets_pupils_needs_new_zones_not_rooms():
    schools = SCHOOLS.assign(opens=np.nan, closes=[np.nan, 2029.0, np.nan, np.nan])
    capacity = _capacity()
    th02 = (capacity["school_id"] == "TH02") & (capacity["school_year"] >= 2029)
    capacity.loc[th02, ["room_shortfall", "flag"]] = [20, "over"]  # 0 rooms while closed
    flags = flag_sentences(capacity, schools, lang="vi")
    assert flags[0] == (
        "over",
        "Trường Tiểu học Lê Lợi không còn hoạt động từ năm học 2029–2030 nhưng "
        "theo phân tuyến đang giữ vẫn có 600 trẻ/học sinh: cần phân tuyến lại "
        "các khu phố/thôn của trường",
    )
    assert not any("Lê Lợi thiếu" in s for _, s in flags)
    # the closed years do not count as classrooms to build
    assert (
        ward_shortfall_sentences(capacity, schools, lang="vi")[1]
        == "Cấp tiểu học: cần thêm 5 phòng học đến năm học 2030–2031"
    )


def test_numbers_read_the_vietnamese_way():
    """Tables and sentences write 3.237 and 12,5 in Vietnamese (3,237 and 12.5 in English)."""
    table = ReportTable(
        "Bảng", pd.DataFrame({"Trường": ["Trường Tiểu học số 1,2"], "Học sinh": [3237], "Giây": [12.46]})
    )
    vi = render_report(
        title="t", subtitle="s", flags=[], sections=[ReportSection("h", tables=[table])], footer="f", lang="vi"
    )
    assert "<td>3.237</td>" in vi and "<td>12,5</td>" in vi
    assert "Trường Tiểu học số 1,2" in vi  # text columns are left alone
    en = render_report(
        title="t", subtitle="s", flags=[], sections=[ReportSection("h", tables=[table])], footer="f", lang="en"
    )
    assert "<td>3,237</td>" in en and "<td>12.5</td>" in en
    # a closed school's pupils in a sentence: thousands with a dot, the name's own comma kept
    schools = pd.DataFrame({"school_id": ["TH09"], "name": ["Điểm trường 1,2"], "closes": [2027.0]})
    capacity = pd.DataFrame(
        {
            "school_id": ["TH09"],
            "level": ["tieu_hoc"],
            "school_year": [2027],
            "room_shortfall": [0],
            "utilization": [np.inf],
            "p_over": [1.0],
            "flag": ["over"],
            "classes": [36],
            "pupils_mean": [1234.4],
        }
    )
    ((kind, sentence),) = flag_sentences(capacity, schools, lang="vi")
    assert kind == "over" and sentence.startswith("Điểm trường 1,2 không còn hoạt động từ năm học 2027–2028")
    assert "vẫn có 1.234 trẻ/học sinh" in sentence
    ((_, english),) = flag_sentences(capacity, schools, lang="en")
    assert "still send it 1,234 pupils" in english
