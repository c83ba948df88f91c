"""`tuyensinh plan` end to end on the sample wards: every output of issue 6, their content,
Vietnamese by default and English on request, the manifest, and atomic replacement."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest

from tuyensinh.cli import main
from tuyensinh.plan import run as pipeline
from tuyensinh.plan import run_plan

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LEVELS = ("mam_non", "tieu_hoc", "thcs")
ISSUE_FILES = (
    "forecast.csv",
    "demand.csv",
    "zones.csv",
    "capacity.csv",
    "quotas.csv",
    "quotas.xlsx",
    "zones.gpkg",
    "report.html",
    "manifest.json",
)


def _need(folder: Path) -> Path:
    if not (folder / "ward.toml").exists():
        pytest.fail(
            f"sample ward {folder.name} missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards"
        )
    return folder


def test_every_output_of_the_issue_is_written(vi_run):
    result, _ = vi_run
    out = result.out
    for name in ISSUE_FILES:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    for level in LEVELS:
        for ext in ("png", "pdf"):
            assert (out / "maps" / f"zones_{level}.{ext}").is_file(), (level, ext)
        assert (out / "maps" / f"zones_{level}.png").read_bytes().startswith(PNG_MAGIC)
        assert (out / "maps" / f"zones_{level}.pdf").read_bytes().startswith(b"%PDF")
        page = (out / "maps" / f"zones_{level}.html").read_text(encoding="utf-8")
        assert "Phường Phước Bình" in page and "Khu phố 1" in page and "https://" not in page
    assert set(result.files) == {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert not list(out.parent.glob(".phuoc_binh.*"))  # no staging folder left


def test_csv_tables_follow_the_contracts(vi_run):
    out = vi_run[0].out

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(out / name, dtype={"quarter_id": str, "school_id": str})

    assert list(read("forecast.csv").columns) == ["quarter_id", "year", "age", "mean", "lo80", "hi80", "lo95", "hi95"]
    demand = read("demand.csv")
    assert list(demand.columns) == [
        "quarter_id",
        "school_year",
        "level",
        "grade",
        "age",
        "mean",
        "lo80",
        "hi80",
        "lo95",
        "hi95",
    ]
    zones = read("zones.csv")
    assert list(zones.columns) == ["quarter_id", "level", "school_id", "share", "pupils", "distance_m", "changed"]
    capacity = read("capacity.csv")
    assert list(capacity.columns[:16]) == [
        "school_id",
        "level",
        "school_year",
        "pupils_mean",
        "pupils_lo80",
        "pupils_hi80",
        "pupils_lo95",
        "pupils_hi95",
        "classes",
        "rooms_needed",
        "rooms_available",
        "room_shortfall",
        "utilization",
        "p_over",
        "flag",
        "first_short_year",
    ]
    assert list(read("quotas.csv").columns[:6]) == ["school_id", "level", "grade", "school_year", "pupils", "classes"]
    # the coming school year (base 2026 + 1) to the horizon 2030
    assert sorted(demand["school_year"].unique()) == [2027, 2028, 2029, 2030]
    assert sorted(capacity["school_year"].unique()) == [2027, 2028, 2029, 2030]


def test_zoning_serves_every_quarter_once_and_no_child_is_lost(vi_run):
    result, _ = vi_run
    out, ward = result.out, result.plan.ward
    zones = pd.read_csv(out / "zones.csv", dtype={"quarter_id": str, "school_id": str})
    quarters = set(ward.quarters["quarter_id"])
    for level in LEVELS:
        part = zones[zones["level"] == level]
        assert set(part["quarter_id"]) == quarters
        shares = part.groupby("quarter_id")["share"].sum()
        assert np.allclose(shares, 1.0)
    demand = pd.read_csv(out / "demand.csv", dtype={"quarter_id": str})
    capacity = pd.read_csv(out / "capacity.csv", dtype={"school_id": str})
    # pupils at the schools = demand of all quarters, per level and year (held zones)
    want = demand.groupby(["level", "school_year"])["mean"].sum()
    got = capacity.groupby(["level", "school_year"])["pupils_mean"].sum()
    # (the CSV files keep 6 significant digits, hence the tolerance of 1e-4: a quarter is ≥ 10 pupils)
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False, rtol=1e-4)
    # the coming year's zoned pupils match that year's demand
    coming = demand[demand["school_year"] == 2027].groupby("level")["mean"].sum()
    assert np.allclose(zones.groupby("level")["pupils"].sum().reindex(coming.index), coming, rtol=1e-4)


def test_capacity_with_current_and_rezoned_zones(vi_run):
    out = vi_run[0].out
    for name in ("capacity_current_zones.csv", "capacity_rezoned.csv", "zones_by_year.csv", "ward_summary.csv"):
        assert (out / name).is_file(), name
    yearly = pd.read_csv(out / "zones_by_year.csv")
    assert sorted(yearly["school_year"].unique()) == [2027, 2028, 2029, 2030]
    held = pd.read_csv(out / "capacity.csv")
    rezoned = pd.read_csv(out / "capacity_rezoned.csv")
    # re-zoning every year can only help the ward as a whole (it may use schools opening later)
    assert rezoned["room_shortfall"].sum() <= held["room_shortfall"].sum()
    # a school opening in 2029 (TH04 in the sample) gets pupils once re-zoned, never before
    th04 = rezoned[rezoned["school_id"] == "TH04"].set_index("school_year")["pupils_mean"]
    assert th04.loc[[2027, 2028]].eq(0).all() and th04.loc[2029] > 0


def test_quotas_workbook_in_vietnamese(vi_run):
    result, _ = vi_run
    wb = openpyxl.load_workbook(result.out / "quotas.xlsx", data_only=True)  # totals: stored values
    assert wb.sheetnames == ["Mầm non", "Tiểu học", "THCS"]
    ws = wb["Tiểu học"]
    values = {v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)}
    assert {
        "Trường",
        "Khối/lớp",
        "Năm học 2027–2028",
        "Số trẻ/học sinh",
        "Số lớp",
        "Lớp 1",
        "NGƯỜI LẬP BIỂU",
        "TRƯỞNG PHÒNG VĂN HÓA – XÃ HỘI",
        "ỦY BAN NHÂN DÂN PHƯỜNG PHƯỚC BÌNH",
        "CHỈ TIÊU TUYỂN SINH NĂM HỌC 2027–2028",
    } <= values
    # the grade-1 quota of the ward equals quotas.csv
    quotas = pd.read_csv(result.out / "quotas.csv")
    grade1 = quotas.query("grade == 'lop_1' and school_year == 2027")["pupils"].sum()
    total_row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "TỔNG CỘNG")
    assert total_row[3] == grade1


def test_zones_geopackage_for_qgis(vi_run):
    result, _ = vi_run
    path, ward = result.out / "zones.gpkg", result.plan.ward
    layers = set(pyogrio.list_layers(path)[:, 0])
    assert {"quarters", "schools", "zones_mam_non", "zones_tieu_hoc", "zones_thcs"} <= layers
    quarters = gpd.read_file(path, layer="quarters")
    assert len(quarters) == len(ward.quarters) and quarters.crs.to_epsg() == 3405
    zones = pd.read_csv(result.out / "zones.csv", dtype={"quarter_id": str, "school_id": str})
    for level in LEVELS:
        main = (
            zones[zones["level"] == level]
            .sort_values("share")
            .drop_duplicates("quarter_id", keep="last")
            .set_index("quarter_id")["school_id"]
        )
        assert quarters.set_index("quarter_id")[f"school_{level}"].to_dict() == main.to_dict()
    schools = gpd.read_file(path, layer="schools")
    assert set(schools["school_id"]) == set(ward.schools["school_id"])
    assert "Trường Tiểu học Phước Bình" in set(schools["name"])


def _images(page: str) -> list[bytes]:
    return [base64.b64decode(b) for b in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)]


def test_report_is_self_contained_and_in_vietnamese(vi_run):
    result, _ = vi_run
    page = (result.out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page
    assert "Kế hoạch tuyển sinh và phòng học – Phường Phước Bình" in page
    for heading in (
        "Những điểm cần chú ý",
        "Dự báo dân số độ tuổi đi học",
        "Phân tuyến tuyển sinh năm học 2027–2028",
        "Chỉ tiêu tuyển sinh năm học 2027–2028",
        "Thiếu phòng theo phương án phân tuyến",
    ):
        assert heading in page, heading
    # flags in plain words, naming the schools the sample ward was built to overload
    assert re.search(r"Trường [^<]+ thiếu \d+ phòng học từ năm học 20\d\d–20\d\d", page)
    assert "http://" not in page and "https://" not in page
    images = _images(page)
    # forecast fan charts (ward + 2 quarters), 3 zoning maps, heat map, shortfall chart
    assert len(images) == 3 + 3 + 2
    assert all(image.startswith(PNG_MAGIC) for image in images)


def test_report_flags_match_the_capacity_table(vi_run):
    result, _ = vi_run
    page = (result.out / "report.html").read_text(encoding="utf-8")
    names = dict(zip(result.plan.ward.schools["school_id"], result.plan.ward.schools["name"], strict=True))
    short = result.plan.capacity.query("room_shortfall > 0")
    assert not short.empty
    for school_id, rows in short.groupby("school_id"):
        first = rows.sort_values("school_year").iloc[0]
        year = int(first["school_year"])
        sentence = f"{names[school_id]} thiếu {int(first['room_shortfall'])} phòng học từ năm học {year}–{year + 1}"
        assert sentence in page


def test_progress_lines(vi_run):
    _, lines = vi_run
    assert lines[0] == "[1/7] Kiểm tra dữ liệu phường/xã …"
    assert "[4/7] Phân tuyến tuyển sinh: tiểu học …" in lines
    assert lines[-1].startswith("Xong: kết quả trong")
    numbers = [int(m.group(1)) for line in lines if (m := re.match(r"\[(\d)/7\]", line))]
    assert numbers == sorted(numbers) and set(numbers) == set(range(1, 8))


def test_manifest_records_inputs_versions_settings_solver_and_timings(vi_run, phuoc_binh_dir):
    result, _ = vi_run
    manifest = json.loads((result.out / "manifest.json").read_text(encoding="utf-8"))
    for name in ("population.csv", "schools.csv", "ward.toml", "quarters.geojson"):
        digest = hashlib.sha256((phuoc_binh_dir / name).read_bytes()).hexdigest()
        assert manifest["inputs"]["sha256"][name] == digest
    assert manifest["ward"]["name"] == "Phước Bình" and manifest["ward"]["base_year"] == 2026
    assert manifest["settings"]["school_year"] == 2027 and manifest["settings"]["lang"] == "vi"
    for package in ("tuyensinh", "numpy", "pandas", "PuLP", "highspy", "geopandas", "matplotlib", "openpyxl"):
        assert manifest["packages"][package], package
    proposed = [s for s in manifest["solver"] if s["zoning"] == "proposed"]
    assert sorted(s["level"] for s in proposed) == sorted(LEVELS)
    assert all(s["status"] in ("optimal", "feasible") and s["gap"] is not None for s in proposed)
    assert {"validate", "forecast", "demand", "capacity", "charts", "write"} <= set(manifest["timings_s"])
    assert all(v >= 0 for v in manifest["timings_s"].values())
    for name, digest in manifest["outputs_sha256"].items():
        assert hashlib.sha256((result.out / name).read_bytes()).hexdigest() == digest, name
    assert manifest["created_at"] and manifest["tuyensinh_version"]


def test_english_run_on_the_mountain_commune(en_run):
    out = en_run.out
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert "Enrollment and classroom plan – Thiện Hòa commune" in page
    assert "Points to act on" in page and "Những điểm cần chú ý" not in page
    wb = openpyxl.load_workbook(out / "quotas.xlsx")
    assert wb.sheetnames == ["Preschool", "Primary", "Lower secondary"]
    values = {v for row in wb["Primary"].iter_rows(values_only=True) for v in row if isinstance(v, str)}
    assert {"School", "Pupils", "Classes", "Grade 1", "PREPARED BY"} <= values
    assert not (out / "capacity_rezoned.csv").exists()
    # Thiện Hòa was built with half-empty classes: the report names under-used schools
    assert "uses only" in page


def test_a_failed_run_leaves_the_previous_outputs_untouched(vi_run, monkeypatch):
    result, _ = vi_run
    out = result.out
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # reuse the computed plan and skip the charts (fast), then fail in the middle of writing
    monkeypatch.setattr(pipeline, "compute_plan", lambda *a, **k: result.plan)
    monkeypatch.setattr("tuyensinh.plan.drawing.figure_jobs", lambda plan: {})

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tuyensinh.present.geo.write_zones_gpkg", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run_plan(result.plan.ward.folder, out, progress=False)
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []


def test_out_folder_that_is_not_a_plan_is_refused(tmp_path, phuoc_binh_dir):
    _need(phuoc_binh_dir)
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "letter.docx").write_bytes(b"keep me")
    with pytest.raises(ValueError, match="tuyensinh did not write"):
        run_plan(phuoc_binh_dir, precious, progress=False)
    assert (precious / "letter.docx").read_bytes() == b"keep me"
    with pytest.raises(ValueError, match="overlaps the ward folder"):
        run_plan(phuoc_binh_dir, phuoc_binh_dir / "out", progress=False)


def test_cli_plan_quiet_and_errors(vi_run, tmp_path, capsys, monkeypatch):
    result, _ = vi_run
    monkeypatch.setattr(pipeline, "compute_plan", lambda *a, **k: result.plan)
    monkeypatch.setattr("tuyensinh.plan.drawing.figure_jobs", lambda plan: {})
    out = tmp_path / "cli_out"
    code = main(["plan", str(result.plan.ward.folder), "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert code == 0 and captured.err == "" and captured.out.strip() == str(out.resolve())
    assert (out / "report.html").is_file()
    monkeypatch.undo()
    code = main(["plan", str(result.plan.ward.folder), "--out", str(out), "--school-year", "2035", "-q"])
    assert code == 2
    assert "--school-year 2035 is outside the forecast" in capsys.readouterr().err


def test_cli_plan_reports_bad_ward_data(tmp_path):
    bad = tmp_path / "ward"
    bad.mkdir()
    code = main(["plan", str(bad), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 2
    assert not (tmp_path / "out").exists()


def test_report_says_how_accurate_the_forecast_has_been(vi_run):
    """The accuracy section (vi): one sentence per entry grade, the table, and the same figures
    as the plan's PlanningAccuracy and manifest.json."""
    result, lines = vi_run
    acc = result.plan.accuracy
    assert acc is not None and acc.origins == tuple(range(2019, 2026))
    assert "[2/7] Đánh giá độ tin cậy của dự báo trên số liệu các năm trước …" in lines
    page = (result.out / "report.html").read_text(encoding="utf-8")
    assert "<h2>Độ tin cậy của dự báo</h2>" in page
    assert "Độ chính xác theo khối đầu cấp và số năm dự báo trước" in page
    for grade, who in (("mẫu giáo 3–4 tuổi", "trẻ"), ("lớp 1", "trẻ"), ("lớp 6", "học sinh")):
        assert re.search(
            rf"Dự báo số {who} vào {grade} của cả phường, 1 năm trước, đúng khoảng \d+%; "
            r"số lớp đúng \d/7 lần, lệch không quá 1 lớp \d/7 lần",
            page,
        ), grade
    row = acc.row("lop_1", 1)
    exact, n = int(row["exact_count"]), int(row["forecasts"])
    assert (
        f"vào lớp 1 của cả phường, 1 năm trước, đúng khoảng {int(np.floor(row['accuracy']))}%; "
        f"số lớp đúng {exact}/{n} lần"
    ) in page
    manifest = json.loads((result.out / "manifest.json").read_text(encoding="utf-8"))
    recorded = manifest["forecast_accuracy"]
    assert recorded["origins"] == list(range(2019, 2026)) and recorded["baseline"] == "naive"
    assert recorded["ward"]["lop_1"]["h1"]["shrunk"]["classes_exact"] == exact
    assert set(recorded["school"]) == {"mg_3_4", "lop_1", "lop_6"}
    assert manifest["settings"]["accuracy"] is True and manifest["timings_s"]["accuracy"] >= 0


def test_english_report_says_how_accurate_the_forecast_has_been(en_run):
    page = (en_run.out / "report.html").read_text(encoding="utf-8")
    assert "<h2>How accurate the forecast has been</h2>" in page and "Độ tin cậy" not in page
    assert re.search(
        r"The forecast of children entering grade 1 in the whole commune, 1 year\(s\) ahead, "
        r"has been about \d+% accurate; the number of classes was exactly right \d times out of 7",
        page,
    )
    assert "Per school (current zones), 1 year(s) ahead" in page
