"""Utilization heat map and room-shortfall chart: labels (Vietnamese / English), content, PNG."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pandas as pd
import pytest

from capacity import plot_room_shortfall, plot_utilization

matplotlib.use("Agg")
PNG = b"\x89PNG\r\n\x1a\n"


def capacity_table(short: bool = True) -> pd.DataFrame:
    rows = []
    for sid, level, rooms, util, shortfall in (
        ("TH1", "tieu_hoc", 10, [0.8, 0.95, 1.12], [0, 0, 2]),
        ("CS1", "thcs", 12, [0.5, 0.55, 0.6], [0, 0, 0]),
        ("MN1", "mam_non", 0, [np.nan, np.nan, np.inf], [0, 0, 3]),
    ):
        for k, year in enumerate((2027, 2028, 2029)):
            s = shortfall[k] if short else 0
            rows.append(
                {
                    "school_id": sid,
                    "level": level,
                    "school_year": year,
                    "utilization": util[k],
                    "rooms_available": rooms if (sid != "MN1" or not short) else 0,
                    "room_shortfall": s,
                    "rooms_needed": rooms + s,
                    "rooms_needed_hi80": rooms + s + (1 if s else 0),
                }
            )
    return pd.DataFrame(rows)


SCHOOLS = pd.DataFrame(
    {
        "school_id": ["TH1", "CS1", "MN1"],
        "name": ["Trường Tiểu học Phước Bình", "Trường THCS Lê Lợi", "Trường Mầm non Sơn Ca"],
    }
)


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def png_bytes(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    return buffer.getvalue()


def test_heat_map_in_vietnamese_by_default():
    fig = plot_utilization(capacity_table(), SCHOOLS)
    words = texts(fig)
    joined = "\n".join(words)
    assert "Mức sử dụng phòng học theo năm học" in joined
    assert "Năm học" in words and "Trường" in words
    assert "2027–2028" in words and "2029–2030" in words
    assert "Trường Tiểu học Phước Bình (Tiểu học)" in words
    assert "112%" in words and "95%" in words and "∞" in words  # cell values; ∞: pupils sent to a closed school
    assert png_bytes(fig)[:8] == PNG


def test_heat_map_in_english():
    words = "\n".join(texts(plot_utilization(capacity_table(), SCHOOLS, lang="en")))
    assert "Classroom utilization by school year" in words and "School year" in words
    assert "Trường THCS Lê Lợi (Lower secondary)" in words


def test_shortfall_chart_shows_short_schools_only():
    fig = plot_room_shortfall(capacity_table(), SCHOOLS)
    words = texts(fig)
    joined = "\n".join(words)
    assert "Số phòng học còn thiếu đến năm học 2029–2030" in joined
    assert "Trường Tiểu học Phước Bình (Tiểu học)" in words
    assert "Trường THCS Lê Lợi (THCS)" not in words  # never short
    assert "trường chưa mở hoặc đã đóng nhưng vẫn được phân tuyến" in words
    bars = [p for p in fig.axes[0].patches if p.get_height() > 0 and p.get_fill()]
    assert sorted(round(p.get_height()) for p in bars) == [2, 3]
    assert png_bytes(fig)[:8] == PNG


def test_shortfall_chart_says_when_no_school_is_short():
    words = texts(plot_room_shortfall(capacity_table(short=False), lang="en"))
    assert "No school is short of classrooms up to school year 2029–2030" in words


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang must be one of vi, en"):
        plot_utilization(capacity_table(), lang="fr")
