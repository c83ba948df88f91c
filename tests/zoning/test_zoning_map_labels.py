"""The static zoning map as printed: rendered, then measured. No text over another, no label
outside the map frame or the sheet's margins, every quarter named or numbered (with its key
line), the sheet A4/A3 within 1 mm — on both sample wards and on a generated 45-village commune."""

from __future__ import annotations

import itertools
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.text import Text

import capacity
import forecast
from capacity.demand import enrollment_demand
from zoning import assign, figure_bytes, plot_zones, quarter_school_distances
from zoning.distances import fill_missing_distances

CRS = "EPSG:3405"
MM = 72.0 / 25.4  # PDF points per millimetre
SYLLABLES = [
    "Nà",
    "Pàn",
    "Khuổi",
    "Luông",
    "Bản",
    "Chang",
    "Phiêng",
    "Cốc",
    "Lùng",
    "Vài",
    "Pác",
    "Cáp",
    "Kéo",
    "Slam",
    "Thượng",
    "Hạ",
    "Nặm",
    "Tốc",
    "Búng",
    "Đông",
]


def zone_sample(ward_dir, level="tieu_hoc"):
    from tuyensinh.ward import load_ward

    ward = load_ward(ward_dir)
    norms = capacity.load_norms(ward.norms, ward.rates)
    projected = forecast.project(ward.population, ward.births, ward.housing, base_year=ward.base_year, horizon=2027)
    demand = enrollment_demand(projected, norms, school_years=[2027])
    distances = fill_missing_distances(
        ward.distances, quarter_school_distances(ward.quarters, ward.schools, crs=ward.crs)
    )
    current = ward.zones[ward.zones["level"] == level] if ward.zones is not None else None
    result = assign(
        demand,
        ward.schools,
        distances,
        level=level,
        school_years=[2027],
        norms=norms,
        current=current,
        stability=300.0,
        time_limit=20,
        setting=ward.setting,
    )
    return result, ward.quarters, ward.schools, ward.crs


def commune_45():
    """45 villages (Voronoi cells in an irregular outline, a dense centre of small ones), 5 schools."""
    rng = np.random.default_rng(45)
    x0, y0 = 620_000.0, 2_440_000.0
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    radius = 6_000 * (1 + 0.25 * np.sin(3 * angles) + 0.1 * rng.standard_normal(40))
    outline = shapely.Polygon(np.column_stack([x0 + 1.4 * radius * np.cos(angles), y0 + radius * np.sin(angles)]))
    centre = rng.normal([x0, y0], 900, size=(18, 2))
    spread = rng.uniform([x0 - 8_000, y0 - 6_000], [x0 + 8_000, y0 + 6_000], size=(200, 2))
    spread = spread[shapely.contains_xy(outline, spread[:, 0], spread[:, 1])][:27]
    points = np.vstack([centre, spread])
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline.buffer(1000))
    geoms = [shapely.intersection(c, outline) for c in shapely.get_parts(cells)]
    geoms = [g for g in geoms if not g.is_empty][:45]
    names = [
        f"Thôn {SYLLABLES[(3 * k) % 20]} {SYLLABLES[(7 * k + 1) % 20]}" + (" Thượng" if k % 4 == 0 else "")
        for k in range(len(geoms))
    ]
    quarters = gpd.GeoDataFrame(
        {"quarter_id": [f"T{k + 1:02d}" for k in range(len(geoms))], "name": names}, geometry=geoms, crs=CRS
    )
    sites = shapely.point_on_surface(np.asarray(geoms)[[0, 3, 20, 30, 40]])
    lonlat = gpd.GeoSeries(sites, crs=CRS).to_crs(4326)
    schools = pd.DataFrame(
        {
            "school_id": [f"TH0{k + 1}" for k in range(5)],
            "name": [
                "Trường Tiểu học Nà Pàn",
                "Trường Tiểu học Khuổi Luông",
                "Trường PTDTBT Tiểu học Phiêng Cốc",
                "Trường Tiểu học Bản Chang",
                "Trường Tiểu học Thiện Hòa – điểm trường Slam",
            ],
            "level": "tieu_hoc",
            "lon": lonlat.x,
            "lat": lonlat.y,
            "classrooms": [8, 6, 10, 5, 4],
            "sessions_per_day": 2,
        }
    )
    demand = pd.DataFrame(
        {
            "quarter_id": quarters["quarter_id"],
            "school_year": 2027,
            "level": "tieu_hoc",
            "grade": "lop_1",
            "age": 6,
            "mean": rng.uniform(4, 30, len(quarters)),
        }
    )
    distances = quarter_school_distances(quarters, schools, crs=CRS)
    result = assign(
        demand, schools, distances, level="tieu_hoc", school_years=2027, norms=capacity.load_norms(), grades=["lop_1"]
    )
    return result, quarters, schools, CRS


@pytest.fixture(scope="module")
def maps(phuoc_binh_dir, thien_hoa_dir):
    return {
        "phuoc_binh": zone_sample(phuoc_binh_dir),
        "thien_hoa": zone_sample(thien_hoa_dir),
        "commune_45": commune_45(),
    }


def rendered_texts(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    hidden = {id(t) for ax in fig.axes if not ax.axison for axis in (ax.xaxis, ax.yaxis) for t in axis.findobj(Text)}
    return [
        (t, t.get_window_extent(renderer))
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in hidden
    ]


def overlaps(a, b, tol=0.5):
    return min(a.x1, b.x1) - max(a.x0, b.x0) > tol and min(a.y1, b.y1) - max(a.y0, b.y0) > tol


@pytest.mark.parametrize("name", ["phuoc_binh", "thien_hoa", "commune_45"])
@pytest.mark.parametrize("paper,orientation", [("A4", None), ("A3", "portrait")])
def test_no_label_overlaps_none_outside_the_frame(maps, name, paper, orientation):
    result, quarters, schools, crs = maps[name]
    fig = plot_zones(result, quarters, schools, crs=crs, place="Xã Thử Nghiệm", paper=paper, orientation=orientation)
    texts = rendered_texts(fig)
    ax = fig.axes[0]
    frame = ax.get_window_extent()
    page = fig.bbox
    margin = 10 * fig.dpi / 25.4 - 1  # 10 mm, less a pixel of rounding
    clashes = [
        (a.get_text(), b.get_text()) for (a, ba), (b, bb) in itertools.combinations(texts, 2) if overlaps(ba, bb)
    ]
    assert clashes == []
    for t, box in texts:
        assert box.x0 >= page.x0 + margin and box.x1 <= page.x1 - margin, t.get_text()
        assert box.y0 >= page.y0 + margin and box.y1 <= page.y1 - margin, t.get_text()
        if t.axes is ax:
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, t.get_text()
    # no label covers a school marker
    on_map = [box for t, box in texts if t.axes is ax]
    own = schools[schools["school_id"].isin(result.load["school_id"])]
    sites = gpd.GeoSeries(gpd.points_from_xy(own["lon"], own["lat"]), crs=4326).to_crs(crs)
    markers = np.column_stack([sites.x, sites.y])
    screen = ax.transData.transform(markers)
    for x, y in screen:
        assert not any(b.x0 < x < b.x1 and b.y0 < y < b.y1 for b in on_map)
    # every quarter named on the map or numbered with its line in the key table
    words = [t.get_text() for t, _ in texts]
    on_map_words = {t.get_text().replace("\n", " ") for t, _ in texts if t.axes is ax}
    key = "\n".join(words)
    numbers = {t.get_text() for t, _ in texts if t.axes is ax and t.get_text().isdigit()}
    for label in quarters["name"]:
        keyed = re.search(rf"^(\d+)  {re.escape(label)}$", key, flags=re.M)
        assert label in on_map_words or (keyed and keyed.group(1) in numbers), label
    assert all(sch in on_map_words for sch in result.load["name"])


def test_readable_sizes(maps):
    result, quarters, schools, crs = maps["commune_45"]
    fig = plot_zones(result, quarters, schools, crs=crs)
    sizes = [t.get_fontsize() for t, _ in rendered_texts(fig)]
    assert min(sizes) >= 7.0  # points on paper: readable when printed


def media_box(pdf: bytes) -> tuple[float, float]:
    found = re.search(rb"/MediaBox\s*\[\s*([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert found is not None
    x0, y0, x1, y1 = map(float, found.groups())
    return x1 - x0, y1 - y0


@pytest.mark.parametrize(
    "paper,orientation,size_mm",
    [
        ("A4", "portrait", (210, 297)),
        ("A4", "landscape", (297, 210)),
        ("A3", "portrait", (297, 420)),
        ("A3", "landscape", (420, 297)),
    ],
)
def test_pdf_page_is_a4_or_a3(maps, paper, orientation, size_mm):
    result, quarters, schools, crs = maps["thien_hoa"]
    fig = plot_zones(result, quarters, schools, crs=crs, paper=paper, orientation=orientation)
    width, height = media_box(figure_bytes(fig, "pdf"))
    assert width == pytest.approx(size_mm[0] * MM, abs=MM) and height == pytest.approx(size_mm[1] * MM, abs=MM)


def test_orientation_follows_the_ward_shape(maps):
    result, quarters, schools, crs = maps["commune_45"]
    tall = quarters.assign(geometry=quarters.geometry.scale(0.35, 1.6, origin=(620_000, 2_440_000)))
    wide = quarters.assign(geometry=quarters.geometry.scale(1.6, 0.45, origin=(620_000, 2_440_000)))
    w, h = plot_zones(result, tall, schools, crs=crs).get_size_inches()
    assert (w, h) == pytest.approx((210 / 25.4, 297 / 25.4))
    w, h = plot_zones(result, wide, schools, crs=crs).get_size_inches()
    assert (w, h) == pytest.approx((297 / 25.4, 210 / 25.4))
    with pytest.raises(ValueError, match="paper"):
        plot_zones(result, quarters, schools, crs=crs, paper="Letter")


def test_context_layers_drawn_named_and_in_the_legend(maps):
    from shapely.geometry import LineString, Point

    from zoning.mapcontext import context_layer

    result, quarters, schools, crs = maps["commune_45"]
    x0, y0, x1, y1 = quarters.total_bounds
    roads = context_layer(
        gpd.GeoDataFrame(
            {"ten": ["Quốc lộ 4A", "Đường tỉnh 229"]},
            geometry=[
                LineString([(x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2 + 500)]),
                LineString([((x0 + x1) / 2, y0), ((x0 + x1) / 2 - 800, y1)]),
            ],
            crs=crs,
        ),
        "Đường chính",
        label="ten",
    )
    river = context_layer(
        gpd.GeoDataFrame(geometry=[LineString([(x0, y0 + 1500), (x1, y1 - 2500)])], crs=crs), "Sông, suối"
    )
    places = context_layer(
        gpd.GeoDataFrame(
            {"ten": ["Chợ Nà Pàn", "Trạm y tế xã"]},
            geometry=[Point(x0 + 3000, y0 + 4000), Point(x1 - 4000, y1 - 3000)],
            crs=crs,
        ).to_crs(4326),
        "Địa điểm",
        label="ten",
    )
    fig = plot_zones(result, quarters, schools, crs=crs, context=[roads, river, places])
    texts = rendered_texts(fig)
    words = [t.get_text() for t, _ in texts]
    assert {"Đường chính", "Sông, suối", "Địa điểm"} <= set(words)  # legend entries
    assert "Quốc lộ 4A" in words or "Đường tỉnh 229" in words  # at least one road named
    assert not [1 for (_, a), (_, b) in itertools.combinations(texts, 2) if overlaps(a, b)]
    colours = {line.get_color() for line in fig.legends[0].get_lines()}
    assert "#5c5c5c" in colours and "#2f78c4" in colours  # roads grey, the river blue
    with pytest.raises(ValueError, match="mixes"):
        context_layer(gpd.GeoDataFrame(geometry=[Point(0, 0), LineString([(0, 0), (1, 1)])], crs=crs), "x")
    with pytest.raises(ValueError, match="no column"):
        context_layer(roads.frame, "Đường", label="name")


def test_a_long_key_table_gets_room_from_the_map():
    """120 quarters, a dense centre, forced A4 landscape: about 100 numbered quarters whose key
    table does not fit beside the legend; the map gives up width and nothing overlaps or leaves
    the sheet."""
    rng = np.random.default_rng(7)
    x0, y0 = 620_000.0, 2_440_000.0
    outline = shapely.box(x0 - 6000, y0 - 4000, x0 + 6000, y0 + 4000)
    points = np.vstack(
        [
            rng.normal([x0, y0], 1500, size=(60, 2)),
            rng.uniform([x0 - 6000, y0 - 4000], [x0 + 6000, y0 + 4000], size=(60, 2)),
        ]
    )
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline.buffer(1000))
    geoms = [g for g in (shapely.intersection(c, outline) for c in shapely.get_parts(cells)) if not g.is_empty]
    quarters = gpd.GeoDataFrame(
        {
            "quarter_id": [f"T{k:03d}" for k in range(len(geoms))],
            "name": [f"Tổ dân phố số {k + 1}" for k in range(len(geoms))],
        },
        geometry=geoms,
        crs=CRS,
    )
    sites = gpd.GeoSeries(shapely.point_on_surface(np.asarray(geoms)[[0, 10, 40, 70, 100]]), crs=CRS).to_crs(4326)
    schools = pd.DataFrame(
        {
            "school_id": [f"S{k}" for k in range(5)],
            "name": [f"Trường Tiểu học số {k + 1}" for k in range(5)],
            "level": "tieu_hoc",
            "lon": sites.x,
            "lat": sites.y,
            "classrooms": 10,
            "sessions_per_day": 2,
        }
    )
    demand = pd.DataFrame(
        {
            "quarter_id": quarters["quarter_id"],
            "school_year": 2027,
            "level": "tieu_hoc",
            "grade": "lop_1",
            "age": 6,
            "mean": rng.uniform(4, 30, len(quarters)),
        }
    )
    result = assign(
        demand,
        schools,
        quarter_school_distances(quarters, schools, crs=CRS),
        level="tieu_hoc",
        school_years=2027,
        norms=capacity.load_norms(),
        grades=["lop_1"],
    )
    fig = plot_zones(result, quarters, schools, crs=CRS, orientation="landscape")
    texts = rendered_texts(fig)
    ax = fig.axes[0]
    numbers = [t for t, _ in texts if t.axes is ax and t.get_bbox_patch() is not None]  # the circled numbers
    assert len(numbers) >= 60  # a long key table
    assert not [1 for (_, a), (_, b) in itertools.combinations(texts, 2) if overlaps(a, b)]
    margin = 10 * fig.dpi / 25.4 - 1
    assert all(
        b.x0 >= margin and b.x1 <= fig.bbox.x1 - margin and b.y0 >= margin and b.y1 <= fig.bbox.y1 - margin
        for _, b in texts
    )
    key = "\n".join(t.get_text() for t, _ in texts if t.axes is None)
    assert all(re.search(rf"^{t.get_text()}  Tổ dân phố số \d+$", key, flags=re.M) for t in numbers)
