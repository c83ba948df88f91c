"""`tuyensinh init`: a new ward folder from a shipped boundary and the quarters as points or polygons."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from tuyensinh.cli import main
from tuyensinh.start import start_ward
from tuyensinh.start.boundary import BOUNDARIES, find_boundary
from tuyensinh.ward import load_ward
from tuyensinh.ward.errors import WardDataError

METRES = "EPSG:3405"


def _points_inside(code: str, n: int, seed: int = 7) -> pd.DataFrame:
    """`n` seeded points inside the shipped outline of `code`, as a planner's CSV would list them."""
    boundary, _ = find_boundary(code)
    assert boundary is not None
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = boundary.outline.bounds
    found: list[tuple[float, float]] = []
    while len(found) < n:
        lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if boundary.outline.contains(shapely.Point(lon, lat)):
            found.append((round(lon, 6), round(lat, 6)))
    return pd.DataFrame(
        {
            "quarter_id": [f"T{i:02d}" for i in range(1, n + 1)],
            "name": [f"Thôn số {i}" for i in range(1, n + 1)],
            "lon": [p[0] for p in found],
            "lat": [p[1] for p in found],
        }
    )


def test_voronoi_quarters_cover_the_commune_do_not_overlap_and_keep_ids(tmp_path: Path) -> None:
    points = _points_inside("06085", 45)
    source = tmp_path / "nha_van_hoa.csv"
    points.to_csv(source, index=False)
    assert (
        main(["init", str(tmp_path / "ward"), "--boundary", "06085", "--points", str(source), "--base-year", "2026"])
        == 0
    )
    quarters = gpd.read_file(tmp_path / "ward" / "quarters.geojson").to_crs(METRES)
    outline = gpd.read_file(BOUNDARIES / "06085_thien_hoa.geojson").to_crs(METRES).union_all()
    union = quarters.union_all()
    assert abs(union.area - outline.area) / outline.area < 1e-6  # they cover the commune
    assert abs(quarters.area.sum() - union.area) / union.area < 1e-6  # and do not overlap
    assert quarters.within(outline.buffer(1.0)).all()
    located = gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points.lon, points.lat), crs="EPSG:4326").to_crs(
        METRES
    )
    joined = gpd.sjoin(located, quarters, predicate="within", lsuffix="point", rsuffix="cell")
    assert len(joined) == 45
    assert (joined["quarter_id_point"] == joined["quarter_id_cell"]).all()  # each cell keeps its point's id
    assert (joined["name_point"] == joined["name_cell"]).all()
    assert set(quarters["boundary"].str.startswith("approximate")) == {True}


def test_init_from_polygons_keeps_the_layer_and_writes_what_is_known(tmp_path: Path, thien_hoa_dir: Path) -> None:
    out = tmp_path / "ward"
    started = start_ward(out, "06085", polygons=thien_hoa_dir / "quarters.geojson", base_year=2026)
    assert not started.approximate
    written = gpd.read_file(out / "quarters.geojson")
    given = gpd.read_file(thien_hoa_dir / "quarters.geojson")
    assert written["quarter_id"].tolist() == given["quarter_id"].astype(str).tolist()
    assert written["name"].tolist() == given["name"].tolist()
    toml = (out / "ward.toml").read_text(encoding="utf-8")
    assert (
        'code = "06085"' in toml
        and 'kind = "xã"' in toml
        and 'crs = "EPSG:3405"' in toml
        and "base_year = 2026" in toml
    )
    book = openpyxl.load_workbook(out / "ward.xlsx")
    assert book.sheetnames == ["Hướng dẫn", "Dân số 2025", "Dân số 2026", "Trường"]
    sheet = book["Dân số 2026"]
    assert [c.value for c in sheet[1]][:3] == ["Mã khu phố", "Tên khu phố", "Sinh năm 2008"]
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == given["quarter_id"].astype(str).tolist()
    rules = book["Trường"].data_validations.dataValidation
    assert any(rule.formula1 == '"Mầm non,Tiểu học,THCS"' and "C2:C500" in str(rule.sqref) for rule in rules)


def test_validate_after_init_says_what_is_missing_and_passes_once_filled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    points = _points_inside("06085", 4)
    source = tmp_path / "points.csv"
    points.to_csv(source, index=False)
    ward = tmp_path / "ward"
    assert main(["init", str(ward), "--boundary", "06085", "--points", str(source), "--base-year", "2026"]) == 0
    capsys.readouterr()
    assert main(["validate", str(ward), "--lang", "en"]) == 2
    said = capsys.readouterr().err
    assert "sheet 'Dân số 2026', cell C2: 76 cells of children are empty" in said
    assert "sheet 'Trường': the table has no data rows yet" in said

    book = openpyxl.load_workbook(ward / "ward.xlsx")
    for name in ("Dân số 2025", "Dân số 2026"):
        sheet = book[name]
        for row in sheet.iter_rows(min_row=2, min_col=3):
            for cell in row:
                cell.value = 20
    schools = book["Trường"]
    for i, (level, lon, lat) in enumerate(
        [
            ("Mầm non", *points.iloc[0][["lon", "lat"]]),
            ("Tiểu học", *points.iloc[1][["lon", "lat"]]),
            ("THCS", *points.iloc[2][["lon", "lat"]]),
        ],
        start=1,
    ):
        schools.append([f"S{i}", f"Trường {i}", level, float(lon), float(lat), 10, 2])
    book.save(ward / "ward.xlsx")
    loaded = load_ward(ward)
    assert len(loaded.quarters) == 4 and loaded.population["count"].sum() == 4 * 19 * 20 * 2
    assert sorted(loaded.schools["level"]) == ["mam_non", "thcs", "tieu_hoc"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda f: f.assign(lon=f.lon.where(f.index != 1, 105.0)), "the point 'T02' (105.0, "),
        (lambda f: f.assign(quarter_id=["T01", "T01", "T03"]), "the id 'T01' is repeated"),
        (lambda f: f.drop(columns="lat"), "the column 'lat' is missing"),
        (lambda f: f.assign(lat=f.lat.astype(str).where(f.index != 2, "22,1")), "'22,1' is not a coordinate"),
        (lambda f: f.assign(lon=f.lon.iloc[0], lat=f.lat.iloc[0]), "'T01' and 'T02' are at the same place"),
    ],
)
def test_bad_points_are_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit, expected: str
) -> None:
    source = tmp_path / "points.csv"
    edit(_points_inside("06085", 3)).to_csv(source, index=False)
    ward = tmp_path / "ward"
    assert main(["init", str(ward), "--boundary", "06085", "--points", str(source), "--lang", "en"]) == 2
    assert expected in capsys.readouterr().err
    assert not ward.exists()
    assert not list(tmp_path.glob(".ward.*"))  # no staging folder left behind


def test_init_never_writes_into_a_folder_with_files_and_names_unknown_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ward = tmp_path / "ward"
    ward.mkdir()
    (ward / "notes.txt").write_text("keep me", encoding="utf-8")
    source = tmp_path / "points.csv"
    _points_inside("06085", 3).to_csv(source, index=False)
    assert main(["init", str(ward), "--boundary", "06085", "--points", str(source), "--lang", "en"]) == 2
    assert "already holds files (notes.txt)" in capsys.readouterr().err
    assert [p.name for p in ward.iterdir()] == ["notes.txt"]
    with pytest.raises(WardDataError, match="no boundary with the code 99999"):
        start_ward(tmp_path / "other", "99999", points=source)
