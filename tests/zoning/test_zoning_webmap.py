"""The interactive HTML zoning map: one path per quarter, labels with diacritics, escaped names,
tooltip figures equal to the result, nothing loaded from the network, written by `tuyensinh zone`."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from nine_quarters import CELL, CELLS, CRS, X0, Y0, zone_nine
from shapely.geometry import box

from capacity import load_norms
from zoning import assign, quarter_school_distances
from zoning.webmap import VIEW_SIZE, zones_html

NAMES = [f"Khu phố {k + 1}" for k in range(9)]
NAMES[4] = 'Khu <b>"Đồng" & Tâm\'s'  # must be escaped everywhere
SCHOOLS = ["Trường Tiểu học Hòa Bình", "Trường Tiểu học Lê Lợi & <Trần Phú>"]


@pytest.fixture(scope="module")
def zoned():
    # boundaries digitised with a vertex every 2 m: the page must simplify them back to corners
    geoms = shapely.segmentize(
        np.array([box(X0 + c * CELL, Y0 + r * CELL, X0 + (c + 1) * CELL, Y0 + (r + 1) * CELL) for r, c in CELLS]), 2.0
    )
    quarters = gpd.GeoDataFrame(
        {"quarter_id": [f"KP{k + 1:02d}" for k in range(9)], "name": NAMES}, geometry=geoms, crs=CRS
    )
    result, schools = zone_nine(quarters, SCHOOLS)
    return result, quarters, schools


class _Page(HTMLParser):
    """Quarter paths (attributes and <title>), script elements and every attribute of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.quarters: list[dict] = []
        self.scripts: list[dict] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.texts: list[str] = []
        self._in_title = False
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag == "path" and "q" in (a.get("class") or "").split():
            self.quarters.append({**a, "title": ""})
        elif tag == "title" and self.quarters and self.quarters[-1]["title"] == "":
            self._in_title = True
        elif tag == "script":
            self._script = {**a, "text": ""}
            self.scripts.append(self._script)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._in_title:
            self.quarters[-1]["title"] += data
        elif self._script is not None:
            self._script["text"] += data
        else:
            self.texts.append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def page_data(parsed: _Page) -> dict:
    (data,) = [s for s in parsed.scripts if s.get("id") == "zones-data"]
    assert data.get("type") == "application/json"
    page = json.loads(data["text"])
    return {**page, **page["years"][page["selected"]]}  # the figures of the year shown first


def test_one_path_per_quarter_with_id_name_and_colour(zoned):
    result, quarters, schools = zoned
    parsed = parse(zones_html(result, quarters, schools, crs=CRS))
    assert [q["data-quarter"] for q in parsed.quarters] == list(quarters["quarter_id"])
    assert [q["title"] for q in parsed.quarters] == NAMES  # unescaped back to the raw name
    zones = result.zones().set_index("quarter_id")
    for q in parsed.quarters:
        assert q["data-school"] == zones.loc[q["data-quarter"], "school_id"]
    fills = {q["data-school"]: q["fill"] for q in parsed.quarters}
    assert fills == {"TH01": "#4e79a7", "TH02": "#f28e2b"}  # the static map's palette


def test_geometry_projected_scaled_and_simplified(zoned):
    result, quarters, schools = zoned
    page = zones_html(result, quarters, schools, crs=CRS)
    width, height = map(float, re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', page).groups())
    assert width == pytest.approx(height) == pytest.approx(VIEW_SIZE + 48)  # square ward, 24-unit margins
    parsed = parse(page)
    first = next(q for q in parsed.quarters if q["data-quarter"] == "KP01")  # the south-west cell
    points = np.array(re.findall(r"(-?[\d.]+),(-?[\d.]+)", first["d"]), dtype=float)
    assert len(points) == 4  # 1,200 digitised vertices → 4 corners
    third = VIEW_SIZE / 3
    assert sorted(set(points[:, 0].round(1))) == [24.0, round(24 + third, 1)]
    assert sorted(set(points[:, 1].round(1))) == [round(24 + 2 * third, 1), 1024.0]  # north up: south at the bottom
    data = page_data(parsed)
    assert data["unitsPerMetre"] == pytest.approx(VIEW_SIZE / (3 * CELL))


def test_vietnamese_by_default_english_on_request(zoned):
    result, quarters, schools = zoned
    page = zones_html(result, quarters, schools, crs=CRS, place="Phường Phước Bình")
    assert '<html lang="vi">' in page
    assert "<title>Phân tuyến tuyển sinh cấp tiểu học – năm học 2027–2028</title>" in page
    assert "Phường Phước Bình" in page and "Trường và vùng tuyển sinh" in page
    texts = "".join(parse(page).texts)
    assert "Trường Tiểu học Hòa Bình" in texts and "Trường Tiểu học Lê Lợi & <Trần Phú>" in texts
    assert "Lăn chuột để phóng to" in texts and "Xem toàn bộ" in texts
    data = page_data(parse(page))
    assert [s["name"] for s in data["schools"]] == SCHOOLS
    assert [r[0] for r in data["quarters"][0]["rows"]] == ["Trường", "Số học sinh", "Khoảng cách đi bộ", "Đổi trường"]

    english = zones_html(result, quarters, schools, crs=CRS, lang="en", place="Phước Bình ward")
    assert '<html lang="en">' in english
    assert "<title>Enrollment zones, Primary – school year 2027–2028</title>" in english
    assert "Schools and their zones" in english and "Phân tuyến" not in english
    rows = page_data(parse(english))["schools"][0]["rows"]
    assert [r[0] for r in rows][:3] == ["Pupils", "Classes", "Classrooms needed / available"]
    with pytest.raises(ValueError, match="unknown output language"):
        zones_html(result, quarters, schools, crs=CRS, lang="fr")


def test_self_contained_no_network_resources(zoned):
    result, quarters, schools = zoned
    page = zones_html(result, quarters, schools, crs=CRS)
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    parsed = parse(page)
    assert not [a for a in parsed.attrs if a[1] in ("src", "href", "xlink:href")]
    assert "<link" not in page and "@import" not in page
    assert set(re.findall(r"url\(([^)]*)\)", page)) == {"#hatch"}  # only the page's own pattern
    assert all(s.get("src") is None for s in parsed.scripts)


def test_names_are_escaped(zoned):
    result, quarters, schools = zoned
    page = zones_html(result, quarters, schools, crs=CRS, title='Vùng <i>"mới"</i> & cũ', place="A & B")
    for raw in (NAMES[4], SCHOOLS[1], '<i>"mới"</i>'):
        assert raw not in page
    assert "Khu &lt;b&gt;&quot;Đồng&quot; &amp; Tâm&#x27;s" in page
    assert "Trường Tiểu học Lê Lợi &amp; &lt;Trần Phú&gt;" in page
    assert "<title>Vùng &lt;i&gt;&quot;mới&quot;&lt;/i&gt; &amp; cũ</title>" in page
    assert page.count("</script>") == 2  # the data cannot close its script
    data = page_data(parse(page))
    assert data["quarters"][4]["name"] == f"{NAMES[4]} (KP05)"  # the raw name survives JSON


def test_tooltip_figures_match_the_result(zoned):
    result, quarters, schools = zoned
    data = page_data(parse(zones_html(result, quarters, schools, crs=CRS)))
    zones = result.zones()
    expected = zones.groupby("quarter_id")["pupils"].sum()
    got = pd.Series({q["id"]: q["pupils"] for q in data["quarters"]})
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)
    assert sum(q["pupils"] for q in data["quarters"]) == pytest.approx(226.0)  # no pupil lost
    kp09 = dict(data["quarters"][8]["rows"])
    assert kp09["Số học sinh"] == "40" and kp09["Khoảng cách đi bộ"] == "0 m"  # the school's own quarter
    assert kp09["Trường"] == zones.set_index("quarter_id").loc["KP09", "school_id"].replace("TH01", SCHOOLS[0]).replace(
        "TH02", SCHOOLS[1]
    )
    load = result.load.set_index("school_id")
    for school in data["schools"]:
        rows = dict(school["rows"])
        r = load.loc[school["id"]]
        assert school["pupils"] == pytest.approx(r["pupils"])
        assert rows["Số lớp"] == str(int(r["classes"]))
        assert rows["Phòng học cần / hiện có"] == f"{int(r['rooms_needed'])} / {int(r['rooms_available'])}"
        assert rows["Số khu phố/thôn trong vùng"] == str(int(r["zone_quarters"]))


def test_split_moved_and_overloaded_are_shown(zoned):
    result, quarters, schools = zoned
    a = result.assignment
    kp05 = a[a["quarter_id"] == "KP05"].iloc[0]
    other = "TH02" if kp05["school_id"] == "TH01" else "TH01"
    split = pd.concat(
        [
            a[a["quarter_id"] != "KP05"],
            kp05.to_frame().T.assign(share=0.6, pupils=10.8, changed=True),
            kp05.to_frame().T.assign(school_id=other, share=0.4, pupils=7.2, distance_m=900.0, changed=True),
        ],
        ignore_index=True,
    )
    split["changed"] = split["changed"].astype("boolean")
    load = result.load.assign(overflow_pupils=[12.0, 0.0])
    shown = type(result)(result.level, result.school_years, split, load, result.grades, result.reports)
    page = zones_html(shown, quarters, schools, crs=CRS)
    assert len(re.findall(r"<path d=", re.search(r'<g id="hatches">(.*?)</g>', page).group(1))) == 1
    assert len(re.findall(r"<path d=", re.search(r'<g id="moved">(.*?)</g>', page).group(1))) == 1
    assert "Khu phố/thôn chia cho nhiều trường" in page and "Đổi trường so với hiện hành" in page
    assert "vượt 12 HS" in page and "Trường vượt sức chứa" in page
    assert 'class="site over"' in page
    data = page_data(parse(page))
    rows = dict(data["quarters"][4]["rows"])
    assert "(60%)" in rows["Trường"] and "(40%)" in rows["Trường"] and rows["Đổi trường"] == "Có"
    assert data["quarters"][4]["pupils"] == pytest.approx(18.0)
    assert dict(data["schools"][0]["rows"])["Học sinh vượt sức chứa"] == "12"


def test_zone_command_writes_the_html_map(thien_hoa_dir, tmp_path):
    from tuyensinh.cli import main

    out = tmp_path / "zones"
    assert (
        main(
            [
                "zone",
                str(thien_hoa_dir),
                "--level",
                "thcs",
                "--school-year",
                "2027",
                "--entry-grade",
                "--out",
                str(out),
                "--time-limit",
                "10",
            ]
        )
        == 0
    )
    page = (out / "zones_thcs_2027.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Xã Thiện Hòa" in page
    zones = pd.read_csv(out / "zones.csv", dtype={"quarter_id": str})
    parsed = parse(page)
    assert sorted(q["data-quarter"] for q in parsed.quarters) == sorted(zones["quarter_id"].unique())
    got = {q["id"]: q["pupils"] for q in page_data(parsed)["quarters"]}
    expected = zones.groupby("quarter_id")["pupils"].sum()
    assert got == pytest.approx(expected.to_dict(), rel=1e-5)
    assert "http://" not in page and "https://" not in page


def test_notes_are_listed_in_the_page_language(zoned):
    import html

    result, quarters, schools = zoned
    # one room per school (one class of 35 each) for the 226 pupils: both schools over capacity
    demand = result.assignment.groupby("quarter_id", as_index=False)["pupils"].sum().rename(columns={"pupils": "mean"})
    demand = demand.assign(school_year=2027, level="tieu_hoc", grade="lop_1", age=6)
    crowded = assign(
        demand,
        schools.assign(classrooms=[1, 1]),
        quarter_school_distances(quarters, schools, crs=CRS),
        level="tieu_hoc",
        school_years=2027,
        norms=load_norms(),
        grades=["lop_1"],
    )
    over = crowded.overflow().set_index("school_id")["overflow_pupils"]
    assert set(over.index) == {"TH01", "TH02"} and over.sum() == pytest.approx(226 - 70)
    vi = zones_html(crowded, quarters, schools, crs=CRS, notes=["Ghi chú riêng"])
    en = zones_html(crowded, quarters, schools, crs=CRS, lang="en")
    for sid, name in zip(["TH01", "TH02"], SCHOOLS, strict=True):
        pupils = round(over[sid])
        vi_line = (
            f"{name} ({sid}), năm học 2027–2028: {pupils} học sinh vượt sức chứa (không đủ chỗ trong "
            "các phòng học hiện có)."
        )
        en_line = (
            f"{name} ({sid}), school year 2027–2028: {pupils} pupils beyond its seats (more than its classrooms hold)."
        )
        assert f"<li>{html.escape(vi_line)}</li>" in vi and vi_line not in en
        assert f"<li>{html.escape(en_line)}</li>" in en
    footer = vi[vi.index("<footer>") : vi.index("</footer>")]
    assert "pupil" not in footer and "school year" not in footer and "<li>Ghi chú riêng</li>" in footer
    assert "Lời giải: HiGHS" in vi  # the solver's status, in Vietnamese
