"""The province roll-up on hand-made ward outputs: totals computed by hand, teachers and build
cost used when the wards' outputs have them, a failed ward listed and never counted."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from tuyensinh.province.rollup import build_rollup, level_table, province_totals
from tuyensinh.province.rollup_excel import rollup_workbook
from tuyensinh.province.rollup_report import fmt, rollup_page
from tuyensinh.province.worker import WardOutcome

SUMMARY_HEAD = "level,school_year,pupils_mean,classes,rooms_needed,rooms_available,rooms_short,schools_short\n"


def _ward(
    root: Path,
    name: str,
    code: str,
    summary: str,
    capacity: str | None = None,
    building: str | None = None,
    accuracy: float | None = None,
) -> WardOutcome:
    out = root / "out" / name
    out.mkdir(parents=True)
    (out / "ward_summary.csv").write_text(SUMMARY_HEAD + summary, encoding="utf-8")
    if capacity is not None:
        (out / "capacity.csv").write_text(capacity, encoding="utf-8")
    if building is not None:
        (out / "building.csv").write_text(building, encoding="utf-8")
    manifest = {
        "ward": {"code": code, "name": name.title(), "kind": "phường", "horizon": 2029},
        "settings": {"school_year": 2027},
    }
    if accuracy is not None:
        manifest["forecast_accuracy"] = {
            "method": "shrunk",
            "baseline": "naive",
            "ward": {"lop_6": {"h1": {"shrunk": {"accuracy": accuracy}, "naive": {"accuracy": 90.0}}}},
        }
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    folder = root / "in" / name
    folder.mkdir(parents=True)
    return WardOutcome(name=name, folder=str(folder), out=str(out), status="planned")


@pytest.fixture()
def outcomes(tmp_path: Path) -> list[WardOutcome]:
    a = _ward(
        tmp_path,
        "an_phu",
        "1",
        "thcs,2027,1000,24,24,22,2,THCS01 (2)\nthcs,2028,1100,26,26,22,4,THCS01 (4)\n"
        "thcs,2029,1050,25,25,22,3,THCS01 (3)\nall,2027,1000,24,24,22,2,\n",
        capacity="school_id,level,school_year,teacher_shortfall\nTHCS01,thcs,2027,1\nTHCS01,thcs,2028,3\n"
        "THCS01,thcs,2029,2\n",
        building="school_id,level,school_year,item,rooms,cost_million_vnd\nTHCS01,thcs,2027,classroom,2,3000\n"
        "THCS01,thcs,2028,classroom,2,3000\n",
        accuracy=97.5,
    )
    b = _ward(
        tmp_path,
        "binh_an",
        "2",
        "thcs,2027,500,12,12,20,0,\nthcs,2028,520,12,12,20,0,\nthcs,2029,530,12,12,20,0,\n",
        capacity="school_id,level,school_year,teacher_shortfall\nTHCS01,thcs,2027,0\nTHCS01,thcs,2028,0\n"
        "THCS01,thcs,2029,0\n",
    )
    bad_folder = tmp_path / "in" / "cat_lai"
    bad_folder.mkdir(parents=True)
    (bad_folder / "ward.toml").write_text('[ward]\ncode = "3"\nname = "Cát Lái"\nkind = "phường"\n', encoding="utf-8")
    stale = tmp_path / "out" / "cat_lai"  # an older plan on disk must not be counted
    stale.mkdir(parents=True)
    (stale / "ward_summary.csv").write_text(SUMMARY_HEAD + "thcs,2027,9999,99,99,1,98,\n", encoding="utf-8")
    c = WardOutcome(
        name="cat_lai",
        folder=str(bad_folder),
        out=str(stale),
        status="failed",
        problems=("schools.csv, dòng 3: sai", "population.csv: thiếu"),
        problems_en=("bad", "missing"),
    )
    return [a, b, c]


def test_totals_are_hand_computed_sums(outcomes: list[WardOutcome]) -> None:
    rollup = build_rollup(outcomes, province={"name": "Tỉnh Thử"})
    totals = rollup.totals[rollup.totals["level"] == "thcs"].set_index("school_year")
    assert totals.loc[2027, "pupils"] == 1500 and totals.loc[2028, "pupils"] == 1620
    assert totals.loc[2028, "rooms_short"] == 4 and totals.loc[2028, "schools_short"] == 1
    assert totals.loc[2028, "teachers_short"] == 3
    assert totals.loc[2027, "build_cost_million_vnd"] == 3000 and totals.loc[2029, "build_cost_million_vnd"] == 0
    assert list(totals["wards"]) == [2, 2, 2]  # the failed ward is not counted
    assert rollup.has_teachers and rollup.has_cost
    wards = rollup.wards.set_index("ward")
    assert wards.loc["an_phu", "first_short_year"] == 2027 and pd.isna(wards.loc["binh_an", "first_short_year"])
    assert wards.loc["an_phu", "rooms_short_max"] == 4 and wards.loc["an_phu", "teachers_short_horizon"] == 2
    assert wards.loc["an_phu", "build_cost_million_vnd"] == 6000
    assert wards.loc["an_phu", "accuracy_h1"] == 97.5 and pd.isna(wards.loc["binh_an", "accuracy_h1"])
    status = rollup.status.set_index("ward")
    assert status.loc["cat_lai", "name"] == "Cát Lái"  # from its ward.toml
    assert status.loc["an_phu", "worst_year"] == 2028
    assert status.loc["an_phu", "rooms_short_per_1000"] == pytest.approx(4 / 1100 * 1000)
    assert status.loc["binh_an", "rooms_short_per_1000"] == 0


def test_level_table_rows_are_shared_by_workbook_and_page(outcomes: list[WardOutcome]) -> None:
    rollup = build_rollup(outcomes, province={"name": "Tỉnh Thử"})
    table = level_table(rollup, "thcs")
    assert table.years == (2027, 2028, 2029) and table.coming == 2027 and table.horizon == 2029
    rows = {row.ward: row for row in table.rows}
    assert set(rows) == {"an_phu", "binh_an", "cat_lai"}
    assert not rows["cat_lai"].ok and rows["cat_lai"].pupils is None  # failed: a status, no figures
    assert rows["an_phu"].ok and rows["an_phu"].short == (2, 4, 3) and rows["an_phu"].teachers_short == 2
    assert table.has_teachers and table.has_cost and table.has_total
    assert table.total["short"] == tuple(sum(r.short[i] for r in table.rows if r.ok) for i in range(3))
    assert table.total["pupils"] == sum(r.pupils for r in table.rows if r.ok) == 1500


def test_province_totals_add_an_all_levels_row() -> None:
    levels = pd.DataFrame(
        {
            "ward": ["a", "a", "b"],
            "level": ["thcs", "tieu_hoc", "thcs"],
            "school_year": [2027] * 3,
            "pupils": [10.0, 20.0, 5.0],
            "classes": [1, 1, 1],
            "rooms_needed": [1, 1, 1],
            "rooms_available": [1, 0, 2],
            "rooms_short": [0, 1, 0],
            "schools_short": [0, 1, 0],
        }
    )
    totals = province_totals(levels).set_index("level")
    assert totals.loc["all", "pupils"] == 35 and totals.loc["all", "wards"] == 2
    assert totals.loc["thcs", "pupils"] == 15 and totals.loc["tieu_hoc", "rooms_short"] == 1


def test_workbook_prints_figures_and_problems(outcomes: list[WardOutcome], tmp_path: Path) -> None:
    rollup = build_rollup(outcomes, province={"name": "Tỉnh Thử"})
    path = tmp_path / "p.xlsx"
    path.write_bytes(rollup_workbook(rollup))
    book = load_workbook(path)
    assert book.sheetnames == ["Tổng hợp", "THCS", "Lỗi dữ liệu"]
    heading = [c.value for c in book["Tổng hợp"][1] if c.value]
    assert heading == ["ỦY BAN NHÂN DÂN TỈNH THỬ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    rows = [[c.value for c in row] for row in book["THCS"].iter_rows()]
    an_phu = next(r for r in rows if r[2] == "An_Phu")
    assert an_phu[3:8] == [1000, 24, 2, 4, 3] and an_phu[8] == "2027–2028" and an_phu[9] == 2
    assert an_phu[10] == 6000 and an_phu[11] == 97.5
    total = next(r for r in rows if r[2] == "TỔNG CỘNG")
    assert total[3:8] == [1500, 36, 2, 4, 3]
    problems = [[c.value for c in row] for row in book["Lỗi dữ liệu"].iter_rows()]
    assert [r[4] for r in problems if r[2] == "Cát Lái"] == ["schools.csv, dòng 3: sai", "population.csv: thiếu"]


def test_page_in_english_and_number_format(outcomes: list[WardOutcome]) -> None:
    rollup = build_rollup(outcomes, province={"name": "Test"}, lang="en")
    page = rollup_page(rollup, b"png")
    assert "Province totals by level and year" in page and "bad" in page and "not available" not in page
    assert "most rooms short is 2028–2029: the province lacks 4 classrooms (1 wards short)" in page
    assert fmt(3237.0, "vi") == "3.237" and fmt(12.5, "vi", 1) == "12,5" and fmt(3237.0, "en") == "3,237"
