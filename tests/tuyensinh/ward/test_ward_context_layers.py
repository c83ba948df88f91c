"""context/ in the ward folder: roads, rivers and landmarks read as map layers (legend name from
the file name, feature names from name/ten), drawn by `tuyensinh zone`; a bad file is a problem."""

from __future__ import annotations

import re
import shutil

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from tuyensinh.ward import load_ward
from tuyensinh.ward.errors import WardDataError


@pytest.fixture()
def ward_with_context(thien_hoa_dir, tmp_path):
    folder = tmp_path / "thien_hoa"
    shutil.copytree(thien_hoa_dir, folder)
    (folder / "context").mkdir()
    x0, y0, x1, y1 = gpd.read_file(folder / "quarters.geojson").total_bounds
    mid = (y0 + y1) / 2
    gpd.GeoDataFrame({"ten": ["Quốc lộ 4A"]}, geometry=[LineString([(x0, mid), (x1, mid + 0.01)])], crs=4326).to_file(
        folder / "context" / "Đường_chính.geojson"
    )
    gpd.GeoDataFrame(
        {"name": ["Sông Kỳ Cùng"]}, geometry=[LineString([(x0, y0 + 0.02), (x1, y1 - 0.02)])], crs=4326
    ).to_crs(3405).to_file(folder / "context" / "Sông_suối.geojson")
    gpd.GeoDataFrame(
        {"ten": ["Chợ Thiện Hòa", "Trạm y tế"]},
        geometry=[Point(x0 + 0.05, y0 + 0.05), Point(x1 - 0.06, y1 - 0.04)],
        crs=4326,
    ).to_file(folder / "context" / "dia_diem.gpkg", layer="Địa điểm", driver="GPKG")
    return folder


def test_context_layers_are_read_in_file_order(ward_with_context):
    ward = load_ward(ward_with_context)
    assert [(layer.name, layer.kind, layer.label) for layer in ward.context] == [
        ("Địa điểm", "point", "ten"),
        ("Đường chính", "line", "ten"),
        ("Sông suối", "line", "name"),
    ]
    river = ward.context[2]
    assert river.colour == "#2f78c4" and ward.context[1].colour is None  # water blue, roads the default grey
    assert len(ward.context[0].frame) == 2


def test_no_context_folder_no_layers(thien_hoa_dir):
    assert load_ward(thien_hoa_dir).context == ()


def test_a_bad_context_file_is_a_problem(ward_with_context):
    mixed = gpd.GeoDataFrame(geometry=[Point(106.2, 22.1), LineString([(106.2, 22.1), (106.3, 22.1)])], crs=4326)
    mixed.to_file(ward_with_context / "context" / "lan_lon.geojson")
    (ward_with_context / "context" / "hong.geojson").write_text("{ not json", encoding="utf-8")
    with pytest.raises(WardDataError) as error:
        load_ward(ward_with_context)
    report = error.value.report("vi")
    assert "context/lan_lon.geojson" in report and "trộn nhiều loại hình" in report
    assert "context/hong.geojson" in report and "không đọc được lớp bản đồ nền" in report
    assert "mixes kinds of geometry" in error.value.report("en")


def test_zone_draws_the_context_layers(ward_with_context, tmp_path):
    from tuyensinh.cli import main

    out = tmp_path / "zones"
    assert (
        main(
            [
                "zone",
                str(ward_with_context),
                "--level",
                "tieu_hoc",
                "--school-year",
                "2027",
                "--out",
                str(out),
                "--time-limit",
                "10",
            ]
        )
        == 0
    )
    page = (out / "zones_tieu_hoc_2027.html").read_text(encoding="utf-8")
    assert "Đường chính" in page and "Sông suối" in page and "Quốc lộ 4A" in page and "Chợ Thiện Hòa" in page
    pdf = (out / "zones_tieu_hoc_2027.pdf").read_bytes()
    box = re.search(rb"/MediaBox \[ *0 0 ([\d.]+) ([\d.]+) *\]", pdf).groups()
    assert sorted(float(v) for v in box) == pytest.approx([595.276, 841.89], abs=0.5)  # A4


def test_validate_lists_the_context_layers(ward_with_context, capsys):
    from tuyensinh.cli import main

    assert main(["validate", str(ward_with_context)]) == 0
    out = capsys.readouterr().out
    assert "Lớp bản đồ nền (context/): Địa điểm (2), Đường chính (1), Sông suối (1)" in out
