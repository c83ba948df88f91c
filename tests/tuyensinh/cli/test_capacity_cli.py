"""`tuyensinh capacity` on the sample wards: outputs, options, errors, and the built-in features
(the schools Phước Bình's data was built to overload; half-empty classes in Thiện Hòa)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from capacity import CAPACITY_COLUMNS, DEMAND_COLUMNS, QUOTA_COLUMNS, SUMMARY_COLUMNS
from tuyensinh.cli import main

pytestmark = pytest.mark.slow
PNG = b"\x89PNG\r\n\x1a\n"
# data/README.md, "Classroom calibration": the schools sized to be full in 2026 and short by 2028–2030
PHUOC_BINH_OVERLOADED = {"MN02", "TH01", "THCS01"}


def need(folder: Path) -> Path:
    if not (folder / "ward.toml").exists():
        pytest.fail(
            f"sample ward {folder.name} missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards"
        )
    return folder


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, dtype={"quarter_id": str, "school_id": str}, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def phuoc_binh_run(phuoc_binh_dir, tmp_path_factory):
    """The full command (forecast included) on Phước Bình."""
    out = tmp_path_factory.mktemp("pb") / "out"
    assert main(["capacity", str(need(phuoc_binh_dir)), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def thien_hoa_forecast(thien_hoa_dir, tmp_path_factory) -> Path:
    from forecast import project
    from tuyensinh.ward import load_ward

    ward = load_ward(need(thien_hoa_dir))
    table = project(
        ward.population, ward.births, ward.housing, base_year=ward.base_year, horizon=ward.horizon, include_base=True
    )
    path = tmp_path_factory.mktemp("th") / "forecast.csv"
    table.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def thien_hoa_run(thien_hoa_dir, thien_hoa_forecast, tmp_path_factory):
    out = tmp_path_factory.mktemp("th") / "out"
    assert (
        main(["capacity", str(thien_hoa_dir), "--out", str(out), "--forecast", str(thien_hoa_forecast), "--lang", "en"])
        == 0
    )
    return out


def test_writes_every_output_with_the_contract_columns(phuoc_binh_run):
    out = phuoc_binh_run
    assert list(read(out, "demand.csv").columns) == list(DEMAND_COLUMNS)
    assert list(read(out, "capacity.csv").columns)[: len(CAPACITY_COLUMNS)] == list(CAPACITY_COLUMNS)
    assert list(read(out, "quotas.csv").columns) == list(QUOTA_COLUMNS)
    assert list(read(out, "ward_summary.csv").columns) == list(SUMMARY_COLUMNS)
    for chart in ("utilization.png", "room_shortfall.png"):
        assert (out / chart).read_bytes()[:8] == PNG
    assert not list(out.parent.glob(".out.staging-*"))  # staging folder cleaned up


def test_phuoc_binh_flags_the_schools_built_to_overload(phuoc_binh_run):
    table = read(phuoc_binh_run, "capacity.csv")
    assert sorted(table["school_year"].unique()) == [2026, 2027, 2028, 2029, 2030]
    over_2030 = set(table[(table["school_year"] == 2030) & (table["flag"] == "over")]["school_id"])
    assert over_2030 == PHUOC_BINH_OVERLOADED
    ever_over = set(table[table["flag"] == "over"]["school_id"])
    assert ever_over == PHUOC_BINH_OVERLOADED
    first = table[table["school_id"].isin(PHUOC_BINH_OVERLOADED)].groupby("school_id")["first_short_year"].first()
    assert first.between(2027, 2030).all()
    # conservation on the real data: pupils of all schools = public-school demand of all quarters
    demand = read(phuoc_binh_run, "demand.csv")
    sent = table.groupby(["level", "school_year"])["pupils_mean"].sum()
    wanted = demand.groupby(["level", "school_year"])["mean"].sum()
    pd.testing.assert_series_equal(sent.sort_index(), wanted.sort_index(), check_names=False, rtol=1e-9)
    summary = read(phuoc_binh_run, "ward_summary.csv").set_index(["level", "school_year"])
    for level, school in (("mam_non", "MN02"), ("tieu_hoc", "TH01"), ("thcs", "THCS01")):
        assert summary.loc[(level, 2030), "new_rooms_to_date"] > 0
        assert school in summary.loc[(level, 2030), "schools_short"]


def test_phuoc_binh_quotas_for_the_coming_school_years(phuoc_binh_run):
    quotas = read(phuoc_binh_run, "quotas.csv")
    assert sorted(quotas["school_year"].unique()) == [2027, 2028, 2029, 2030]
    assert set(quotas["grade"]) == {
        "nt_3_12m",
        "nt_13_24m",
        "nt_25_36m",
        "mg_3_4",
        "mg_4_5",
        "mg_5_6",
        "lop_1",
        "lop_6",
    }
    grade1 = quotas[(quotas["grade"] == "lop_1") & (quotas["school_year"] == 2027)]
    assert grade1["pupils"].sum() > 0
    assert (grade1["pupils"] <= grade1["classes"] * 35).all()


def test_thien_hoa_classes_are_half_empty(thien_hoa_run):
    table = read(thien_hoa_run, "capacity.csv")
    last = table[(table["school_year"] == 2030) & (table["rooms_available"] > 0)].set_index("school_id")
    assert (last["flag"] != "over").all()
    # half-empty classes are a statement about seats (seat_fill = pupils ÷ seats); utilization is
    # rooms needed ÷ rooms available, at most 100 % where no room is short
    assert last["seat_fill"].max() < 0.75
    assert last["seat_fill"].mean() < 0.5
    assert last.loc["MN02", "seat_fill"] < 0.5 and last.loc["TH02", "seat_fill"] < 0.5
    assert (last["utilization"] <= 1.0).all() and set(table["zones"]) == {"current"}
    # the satellite site closes in 2028 while zones.csv still sends children there: reported, not lost
    th03 = table[table["school_id"] == "TH03"].set_index("school_year")
    assert th03.loc[2027, "rooms_available"] == 5 and th03.loc[2028, "rooms_available"] == 0
    assert th03.loc[2028, "flag"] == "over" and th03.loc[2028, "pupils_mean"] > 0


def test_zones_option_replaces_the_ward_zones(thien_hoa_dir, thien_hoa_forecast, tmp_path):
    zones = pd.read_csv(thien_hoa_dir / "zones.csv", dtype=str)
    moved = (zones["level"] == "tieu_hoc") & (zones["school_id"] == "TH03")
    assert moved.any()
    zones.loc[moved, "school_id"] = "TH01"
    path = tmp_path / "new_zones.csv"
    zones.to_csv(path, index=False)
    out = tmp_path / "out"
    assert (
        main(
            [
                "capacity",
                str(thien_hoa_dir),
                "--out",
                str(out),
                "--forecast",
                str(thien_hoa_forecast),
                "--zones",
                str(path),
            ]
        )
        == 0
    )
    table = read(out, "capacity.csv")
    assert table.loc[table["school_id"] == "TH03", "pupils_mean"].sum() == 0
    assert (table["flag"] != "over").all()


def test_missing_zones_is_a_clear_error(thien_hoa_dir, thien_hoa_forecast, tmp_path, capsys):
    ward = tmp_path / "ward"
    shutil.copytree(thien_hoa_dir, ward)
    (ward / "zones.csv").unlink()
    out = tmp_path / "out"
    assert main(["capacity", str(ward), "--out", str(out), "--forecast", str(thien_hoa_forecast)]) == 2
    err = capsys.readouterr().err
    assert "Lỗi: không thấy" in err and "zones.csv" in err and "--zones TỆP" in err  # Vietnamese by default
    assert main(["capacity", str(ward), "--out", str(out), "--forecast", str(thien_hoa_forecast), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "zones.csv not found" in err and "--zones FILE" in err
    assert not out.exists()


def test_bad_forecast_file_is_a_clear_error(thien_hoa_dir, tmp_path, capsys):
    bad = tmp_path / "forecast.csv"
    bad.write_text("quarter_id,year,age,mean\nTHON01,2027,0,3\n", encoding="utf-8")
    assert main(["capacity", str(thien_hoa_dir), "--out", str(tmp_path / "out"), "--forecast", str(bad)]) == 2
    assert "missing column(s) lo80, hi80, lo95, hi95" in capsys.readouterr().err
