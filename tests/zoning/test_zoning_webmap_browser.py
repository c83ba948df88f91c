"""The interactive map as a browser shows it (headless Chromium, skipped when not installed):
no two labels shown overlap, the year switch lists every school year, the search finds a
quarter with its accents typed or not; and the page's year and search data."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from capacity import load_norms
from zoning import assign, quarter_school_distances, zones_html
from zoning.mapcontext import context_layer

CRS = "EPSG:3405"
X0, Y0 = 700_000.0, 1_300_000.0
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def zoned():
    """A 6 × 6 grid of 300 m quarters (long names: crowded labels), 3 schools, 2 school years."""
    cells = [(r, c) for r in range(6) for c in range(6)]
    quarters = gpd.GeoDataFrame(
        {
            "quarter_id": [f"Q{k + 1:02d}" for k in range(36)],
            "name": [f"Tổ dân phố Đồng Tâm {k + 1}" for k in range(36)],
        },
        geometry=[box(X0 + c * 300, Y0 + r * 300, X0 + (c + 1) * 300, Y0 + (r + 1) * 300) for r, c in cells],
        crs=CRS,
    )
    sites = gpd.GeoSeries(
        gpd.points_from_xy([X0 + 150, X0 + 1650, X0 + 900], [Y0 + 150, Y0 + 1650, Y0 + 950]), crs=CRS
    ).to_crs(4326)
    schools = pd.DataFrame(
        {
            "school_id": ["TH01", "TH02", "TH03"],
            "name": ["Trường Tiểu học Hòa Bình", "Trường Tiểu học Lê Lợi", "Trường Tiểu học Kim Đồng"],
            "level": "tieu_hoc",
            "lon": sites.x,
            "lat": sites.y,
            "classrooms": [4, 4, 4],
            "sessions_per_day": 2,
        }
    )
    rng = np.random.default_rng(3)
    demand = pd.concat(
        [
            pd.DataFrame(
                {
                    "quarter_id": quarters["quarter_id"],
                    "school_year": year,
                    "level": "tieu_hoc",
                    "grade": "lop_1",
                    "age": 6,
                    "mean": rng.uniform(2, 12, 36) * growth,
                }
            )
            for year, growth in ((2027, 1.0), (2028, 1.6))
        ]
    )
    result = assign(
        demand,
        schools,
        quarter_school_distances(quarters, schools, crs=CRS),
        level="tieu_hoc",
        school_years=[2027, 2028],
        norms=load_norms(),
        grades=["lop_1"],
    )
    roads = context_layer(
        gpd.GeoDataFrame(
            {"ten": ["Quốc lộ 1A"]}, geometry=[LineString([(X0 - 100, Y0 + 880), (X0 + 1900, Y0 + 920)])], crs=CRS
        ),
        "Đường chính",
        label="ten",
    )
    landmarks = context_layer(
        gpd.GeoDataFrame(
            {"ten": ["Chợ Đồng Tâm", "UBND phường"]},
            geometry=[Point(X0 + 620, Y0 + 1210), Point(X0 + 1300, Y0 + 400)],
            crs=CRS,
        ),
        "Địa điểm",
        label="ten",
    )
    return result, quarters, schools, [roads, landmarks]


def page_json(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="zones-data">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_year_switch_and_search_data(zoned):
    result, quarters, schools, context = zoned
    page = zones_html(result, quarters, schools, crs=CRS, context=context)
    data = page_json(page)
    assert [y["year"] for y in data["years"]] == [2027, 2028] and data["selected"] == 0
    options = re.findall(r'<option value="(\d)"[^>]*>(\d{4}–\d{4})</option>', page)
    assert options == [("0", "2027–2028"), ("1", "2028–2029")]
    load = result.load.set_index(["school_year", "school_id"])
    for record in data["years"]:  # each year's tooltips carry that year's figures
        for school in record["schools"]:
            assert school["pupils"] == pytest.approx(load.loc[(record["year"], school["id"]), "pupils"])
        assert sum(q["pupils"] for q in record["quarters"]) == pytest.approx(
            result.zones(record["year"])["pupils"].sum()
        )
    assert data["years"][1]["title"].endswith("năm học 2028–2029")
    assert page.count('class="legend" data-year=') == 2 and 'data-year="2028" hidden' in page
    options = re.findall(r'<option value="([^"]*)"></option>', page)
    assert "Tổ dân phố Đồng Tâm 7 (Q07)" in options and "Trường Tiểu học Lê Lợi" in options
    assert "Đường chính" in page and "Địa điểm" in page and "Chợ Đồng Tâm" in page
    assert 'placeholder="Tìm khu phố/thôn hoặc trường"' in page
    single = zones_html(result, quarters, schools, crs=CRS, school_years=[2028])
    assert '<label id="year-box" hidden>' in single and page_json(single)["years"][0]["year"] == 2028


def render(path, query=""):
    out = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1400,1000",
            "--virtual-time-budget=3000",
            "--dump-dom",
            f"file://{path}{query}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return out.stdout


@pytest.mark.skipif(BROWSER is None, reason="no Chromium installed (apt-get install chromium) to render the page")
def test_browser_shows_no_overlapping_labels(zoned, tmp_path):
    result, quarters, schools, context = zoned
    path = tmp_path / "zones.html"
    path.write_text(zones_html(result, quarters, schools, crs=CRS, context=context), encoding="utf-8")
    dom = render(path)
    assert 'data-labels="ready"' in dom  # the script ran to its end
    boxes = [tuple(map(float, b.split(","))) for b in re.findall(r'data-box="([-\d.,]+)"', dom)]
    assert len(boxes) >= 10  # school names and many quarter names shown
    clash = [
        (a, b)
        for a, b in itertools.combinations(boxes, 2)
        if min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5
    ]
    assert clash == []
    assert dom.count("lbl-hidden") >= 1  # 36 long names do not all fit at this zoom
    shown = re.findall(r'<text class="sl"[^>]*data-box', dom)
    assert len(shown) == 3  # every school name is shown


@pytest.mark.skipif(BROWSER is None, reason="no Chromium installed (apt-get install chromium) to render the page")
def test_browser_search_and_year(zoned, tmp_path):
    result, quarters, schools, context = zoned
    path = tmp_path / "zones.html"
    path.write_text(zones_html(result, quarters, schools, crs=CRS), encoding="utf-8")
    dom = render(path, "?q=to%20dan%20pho%20dong%20tam%2017&year=2028")
    assert re.search(r"<title>[^<]*năm học 2028–2029</title>", dom)
    tip = re.search(r'<div id="tip"[^>]*>(.*?)</div>', dom, re.S).group(1)
    assert "Tổ dân phố Đồng Tâm 17 (Q17)" in tip
    hl = re.search(r'<path id="hl" d="([^"]*)"', dom).group(1)
    assert hl and hl == re.search(r'<path class="q" d="([^"]*)"[^>]*data-quarter="Q17"', dom).group(1)
    missing = render(path, "?q=khong%20co")
    assert re.search(r'<span id="search-none">', missing)  # shown (no hidden attribute)
