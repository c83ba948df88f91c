"""Pieces of the plan outputs that need no engine: labels, manifest, zones.gpkg."""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import box

from tuyensinh.present.geo import write_zones_gpkg, zones_layers
from tuyensinh.present.manifest import build_manifest, file_hashes, manifest_json, package_versions
from tuyensinh.words import labels

# --- labels -------------------------------------------------------------------------------------


def test_labels_vietnamese_by_default_english_on_request():
    assert labels.level_name("tieu_hoc") == "Tiểu học"
    assert labels.level_name("tieu_hoc", "en") == "Primary"
    assert labels.grade_name("mg_5_6") == "Mẫu giáo 5–6 tuổi"
    assert labels.grade_name("lop_6", "en") == "Grade 6"
    assert labels.flag_name("over") == "Thiếu phòng"
    assert labels.school_year_label(2027) == "2027–2028"
    assert labels.ward_title("phường", "Phước Bình") == "Phường Phước Bình"
    assert labels.ward_title("xã", "Thiện Hòa", "en") == "Thiện Hòa commune"
    assert labels.say("step.zoning", level="tiểu học") == "Phân tuyến tuyển sinh: tiểu học"


def test_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match=r"'vi'.*'en'"):
        labels.say("report.flags", "fr")


def test_every_label_exists_in_both_languages():
    for key in labels._TEXT:  # checking the table itself
        vi, en = labels._TEXT[key]
        assert vi and en and vi.count("{") == en.count("{"), key


# --- manifest -----------------------------------------------------------------------------------


def test_manifest_hashes_versions_and_json(tmp_path):
    (tmp_path / "population.csv").write_text("quarter_id,year,age,count\nQ1,2020,0,5\n", encoding="utf-8")
    (tmp_path / "ward.toml").write_text('[ward]\nname = "Phước Bình"\n', encoding="utf-8")
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    hashes = file_hashes(tmp_path)
    assert set(hashes) == {"population.csv", "ward.toml"}
    expected = hashlib.sha256((tmp_path / "population.csv").read_bytes()).hexdigest()
    assert hashes["population.csv"] == expected
    manifest = build_manifest(
        ward_folder=tmp_path,
        ward={"name": "Phước Bình", "base_year": np.int64(2026)},
        settings={"time_limit": 60.0, "max_distance": float("nan")},
        timings={"forecast": 1.23456},
        solver=[{"level": "tieu_hoc", "gap": np.float64(0.0)}],
    )
    text = manifest_json(manifest)
    data = json.loads(text)
    assert "Phước Bình" in text  # not \u-escaped
    assert data["inputs"]["sha256"]["population.csv"] == expected
    assert data["ward"]["base_year"] == 2026
    assert data["settings"]["max_distance"] is None
    assert data["timings_s"]["forecast"] == 1.235
    assert data["packages"]["pandas"] == pd.__version__
    assert data["tuyensinh_version"] == package_versions()["tuyensinh"]
    assert data["created_at"][:4].isdigit()


# --- zones.gpkg ---------------------------------------------------------------------------------

QUARTERS = gpd.GeoDataFrame(
    {"quarter_id": ["Q1", "Q2", "Q3"], "name": ["Khu phố 1", "Khu phố 2", "Thôn Bản Nầng"]},
    geometry=[box(106.90, 11.80, 106.91, 11.81), box(106.91, 11.80, 106.92, 11.81), box(106.92, 11.80, 106.93, 11.81)],
    crs="EPSG:4326",
)
SCHOOLS = pd.DataFrame(
    {
        "school_id": ["TH01", "TH02", "MN01"],
        "name": ["Trường Tiểu học Phước Bình", "Trường Tiểu học Lê Lợi", "Trường Mầm non Hoa Sen"],
        "level": ["tieu_hoc", "tieu_hoc", "mam_non"],
        "lon": [106.905, 106.925, 106.915],
        "lat": [11.805, 11.805, 11.805],
        "classrooms": [20, 15, 10],
    }
)
ASSIGNMENT = pd.DataFrame(
    {
        "quarter_id": ["Q1", "Q2", "Q2", "Q3", "Q1", "Q2", "Q3"],
        "level": ["tieu_hoc"] * 4 + ["mam_non"] * 3,
        "school_id": ["TH01", "TH01", "TH02", "TH02", "MN01", "MN01", "MN01"],
        "share": [1.0, 0.6, 0.4, 1.0, 1.0, 1.0, 1.0],
        "pupils": [50.0, 30.0, 20.0, 40.0, 10.0, 10.0, 10.0],
    }
)


def test_zones_gpkg_round_trip(tmp_path):
    load = pd.DataFrame({"school_id": ["TH01", "TH02"], "pupils_mean": [80.0, 60.0], "flag": ["over", "ok"]})
    path = write_zones_gpkg(
        tmp_path / "zones.gpkg", zones_layers(QUARTERS, ASSIGNMENT, SCHOOLS, "EPSG:3405", school_load=load)
    )
    layers = set(pyogrio.list_layers(path)[:, 0])
    assert layers == {"quarters", "schools", "zones_mam_non", "zones_tieu_hoc", "boundary", "layer_styles"}
    # written without SQLite's own flushes, the GDAL option is given back as it was
    assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") is None
    quarters = gpd.read_file(path, layer="quarters").set_index("quarter_id")
    assert quarters.crs.to_epsg() == 3405
    assert quarters.loc["Q2", "school_tieu_hoc"] == "TH01"  # the larger share
    assert quarters.loc["Q2", "share_tieu_hoc"] == pytest.approx(0.6)
    assert quarters.loc["Q2", "split_tieu_hoc"] == "TH01 60%; TH02 40%"
    assert quarters.loc["Q3", "school_tieu_hoc_name"] == "Trường Tiểu học Lê Lợi"
    assert quarters.loc["Q3", "name"] == "Thôn Bản Nầng"
    assert set(quarters["school_mam_non"]) == {"MN01"}
    assert quarters["school_thcs"].isna().all()
    schools = gpd.read_file(path, layer="schools").set_index("school_id")
    assert schools.loc["TH01", "flag"] == "over" and schools.loc["TH02", "pupils_mean"] == 60
    assert schools.geometry.geom_type.eq("Point").all()
    zones = gpd.read_file(path, layer="zones_tieu_hoc").set_index("school_id")
    assert zones["pupils"].sum() == pytest.approx(ASSIGNMENT.query("level == 'tieu_hoc'")["pupils"].sum())
    # the dissolved zones cover exactly the ward
    assert zones.union_all().area == pytest.approx(quarters.union_all().area, rel=1e-6)
    assert not list(tmp_path.glob(".*"))  # no temporary file left


def test_zones_gpkg_opens_styled_in_qgis_with_whole_years_and_the_boundary(tmp_path):
    """layer_styles holds one default QML style per layer (QGIS applies it); years are integers."""
    import sqlite3
    import xml.etree.ElementTree as ET

    schools = SCHOOLS.assign(opens=[float("nan"), 2029.0, float("nan")])
    load = pd.DataFrame({"school_id": ["TH01"], "rooms_available": [20], "first_short_year": [2028.0]})
    layers = zones_layers(QUARTERS, ASSIGNMENT, schools, "EPSG:3405", school_load=load)
    path = write_zones_gpkg(tmp_path / "zones.gpkg", layers, level_names={"tieu_hoc": "Tiểu học", "mam_non": "Mầm non"})
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT f_table_name, f_geometry_column, styleQML, useAsDefault FROM layer_styles").fetchall()
        geometry = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        types = dict(db.execute("SELECT name, type FROM pragma_table_info('schools')").fetchall())
    db.close()
    styles = {name: (column, ET.fromstring(qml.split(">", 1)[1]), default) for name, column, qml, default in rows}
    assert set(styles) == {"quarters", "schools", "zones_mam_non", "zones_tieu_hoc", "boundary"}
    assert all(column == geometry[name] and default == 1 for name, (column, _, default) in styles.items())
    zone_style = styles["zones_tieu_hoc"][1]
    categories = {c.get("value"): c.get("label") for c in zone_style.iter("category")}
    assert categories == {
        "TH01": "Trường Tiểu học Phước Bình",
        "TH02": "Trường Tiểu học Lê Lợi",
    }  # one colour per school
    fills = [o.get("value") for o in zone_style.iter("Option") if o.get("name") == "color"]
    assert len(set(fills)) == 2
    assert zone_style.find(".//text-style").get("fieldName") == "name"  # labelled with the school's name
    assert {c.get("label") for c in styles["schools"][1].iter("category")} == {"Tiểu học", "Mầm non"}
    assert types["opens"] in ("INTEGER", "MEDIUMINT", "BIGINT") and types["first_short_year"] in (
        "INTEGER",
        "MEDIUMINT",
        "BIGINT",
    )
    assert "rooms_available" in types  # the CSV files' name
    sites = gpd.read_file(path, layer="schools").set_index("school_id")
    assert sites.loc["TH02", "opens"] == 2029 and pd.isna(sites.loc["TH01", "opens"])
    boundary = gpd.read_file(path, layer="boundary")
    assert len(boundary) == 1
    assert boundary.area.iloc[0] == pytest.approx(QUARTERS.to_crs(3405).union_all().area, rel=1e-9)


def test_zones_gpkg_failure_leaves_no_file(tmp_path):
    bad = {"quarters": gpd.GeoDataFrame({"x": [1]}, geometry=[None], crs="EPSG:3405"), "broken": "not a frame"}
    with pytest.raises(AttributeError):
        write_zones_gpkg(tmp_path / "zones.gpkg", bad)
    assert list(tmp_path.iterdir()) == []
