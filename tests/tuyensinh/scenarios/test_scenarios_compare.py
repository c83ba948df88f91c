"""Scenarios: TOML parsing, changes applied to a copy of the ward, and the comparison's signs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from tuyensinh.plan import PlanSettings
from tuyensinh.scenarios.compare import (
    CloseSchool,
    Comparison,
    HousingProject,
    NormOverride,
    OpenSchool,
    Scenario,
    apply_scenario,
    compare_scenarios,
    comparison_wide,
    load_scenarios,
    parse_scenarios,
)
from tuyensinh.ward import load_ward

SCENARIOS_TOML = """
[[scenario]]
name = "Mở Trường Tiểu học Phước Bình 2"
description = "Trường mới ở khu phố đang lớn"
  [[scenario.open_school]]
  school_id = "TH05"
  name = "Trường Tiểu học Phước Bình 2"
  level = "tieu_hoc"
  lon = 106.9525
  lat = 11.8280
  classrooms = 30
  opens = 2027

[[scenario]]
name = "Dự án nhà ở KP14"
  [[scenario.housing]]
  quarter_id = "KP14"
  year = 2027
  new_dwellings = 600

[[scenario]]
name = "Sĩ số THCS 40"
  [scenario.norms.max_class_size]
  thcs = 40

[[scenario]]
name = "Đóng TH03"
  [[scenario.close_school]]
  school_id = "TH03"
  year = 2028
"""


@pytest.fixture(scope="module")
def ward(phuoc_binh_dir):
    if not (phuoc_binh_dir / "ward.toml").exists():
        pytest.fail(
            "sample ward missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards"
        )
    return load_ward(phuoc_binh_dir)


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> list[Scenario]:
    path = tmp_path_factory.mktemp("sc") / "scenarios.toml"
    path.write_text(SCENARIOS_TOML, encoding="utf-8")
    return load_scenarios(path)


def test_parse_every_kind_of_change(scenarios):
    assert [s.name for s in scenarios] == [
        "Mở Trường Tiểu học Phước Bình 2",
        "Dự án nhà ở KP14",
        "Sĩ số THCS 40",
        "Đóng TH03",
    ]
    opened = scenarios[0].changes[0]
    assert isinstance(opened, OpenSchool) and opened.opens == 2027 and opened.classrooms == 30
    assert scenarios[1].changes == (HousingProject("KP14", 2027, 600),)
    assert scenarios[2].changes == (NormOverride(norms={"max_class_size": {"thcs": 40}}, rates={}),)
    assert scenarios[3].changes == (CloseSchool("TH03", 2028),)


@pytest.mark.parametrize(
    "toml, message",
    [
        ("", "no \\[\\[scenario\\]\\] block"),
        ('[[scenario]]\nname = "a"\n', "no change given"),
        ('[[scenario]]\nname = "a"\n[[scenario.close_school]]\nschool_id = "TH01"\n', "year is missing"),
        (
            '[[scenario]]\nname = "a"\n[[scenario.close_school]]\nschool_id = "TH01"\nyear = 2028\nwhen = 1\n',
            "unknown key 'when'",
        ),
        ('[[scenario]]\nname = "a"\nopen = 1\n', "unknown key 'open'"),
    ],
)
def test_bad_scenario_files_say_what_to_fix(toml, message):
    import tomllib

    # ScenarioFileError is a ValueError too (every case in detail: tests/tuyensinh/scenarios/test_scenario_file.py)
    with pytest.raises(ValueError, match=message):
        parse_scenarios(tomllib.loads(toml), source="s.toml")


def test_toml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[[scenario]\nname = 'x'\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.toml, row 1: the scenarios file is not valid TOML"):
        load_scenarios(path)


def test_apply_leaves_the_original_ward_untouched(ward, scenarios):
    schools_before = ward.schools.copy()
    opened = apply_scenario(ward, scenarios[0])
    assert len(opened.schools) == len(ward.schools) + 1
    new = opened.schools.set_index("school_id").loc["TH05"]
    assert new["opens"] == 2027 and new["classrooms"] == 30 and new["sessions_per_day"] == 2
    assert opened.schools["school_id"].map(type).eq(str).all()
    pd.testing.assert_frame_equal(ward.schools, schools_before)

    housed = apply_scenario(ward, scenarios[1])
    added = housed.housing.query("quarter_id == 'KP14' and year == 2027")["new_dwellings"].sum()
    before = ward.housing.query("quarter_id == 'KP14' and year == 2027")["new_dwellings"].sum()
    assert added == before + 600
    assert housed.housing["new_dwellings"].sum() == ward.housing["new_dwellings"].sum() + 600

    closed = apply_scenario(ward, scenarios[3])
    assert closed.schools.set_index("school_id").loc["TH03", "closes"] == 2028
    assert np.isnan(ward.schools.set_index("school_id").loc["TH03", "closes"])

    lower = apply_scenario(ward, scenarios[2])
    assert lower.norms["max_class_size"]["thcs"] == 40 and "max_class_size" not in ward.norms


def test_changes_that_do_not_fit_the_ward(ward):
    with pytest.raises(ValueError, match=r"'x'.*TH01.*already exists"):
        apply_scenario(ward, Scenario("x", (OpenSchool("TH01", "T", "tieu_hoc", 106.9, 11.8, 10, 2028),)))
    with pytest.raises(ValueError, match=r'school_id = "TH99" is not a school of schools\.csv'):
        apply_scenario(ward, Scenario("x", (CloseSchool("TH99", 2028),)))
    with pytest.raises(ValueError, match='quarter_id = "KP99" is not a quarter'):
        apply_scenario(ward, Scenario("x", (HousingProject("KP99", 2028, 10),)))


@pytest.fixture(scope="module")
def comparison(ward, scenarios):
    """Baseline: the sample ward with TH03 closed from 2028 and TH04 never opening (so primary
    rooms run short); scenarios: a new primary school on TH03's site from 2029, THCS classes of 40."""
    closed = apply_scenario(ward, Scenario("closed", (*scenarios[3].changes, CloseSchool("TH04", 2029))))
    th03 = ward.schools.set_index("school_id").loc["TH03"]
    reopen = Scenario(
        "Trường mới 2029",
        (
            OpenSchool(
                "TH05",
                "Trường Tiểu học Phước Bình 2",
                "tieu_hoc",
                float(th03["lon"]),
                float(th03["lat"]),
                classrooms=31,
                opens=2029,
            ),
        ),
    )
    settings = PlanSettings(school_year=2029, time_limit=30)
    return compare_scenarios(closed, [reopen, scenarios[2]], settings)


def _row(table: pd.DataFrame, scenario: str, level: str, year: int) -> pd.Series:
    hit = table.query("scenario == @scenario and level == @level and school_year == @year")
    assert len(hit) == 1
    return hit.iloc[0]


def test_opening_a_school_reduces_rooms_short_and_walking(comparison):
    table, diff = comparison.table, comparison.differences
    assert sorted(table["school_year"].unique()) == [2029, 2030]
    base = table.query("scenario == 'baseline' and level == 'tieu_hoc'")
    assert base["rooms_short"].sum() > 0  # TH03 closed: the primary schools lack rooms
    opened = diff.query("scenario == 'Trường mới 2029' and level == 'tieu_hoc'")
    assert len(opened) == 2
    assert (opened["rooms_short_diff"] < 0).all()
    assert (opened["pupil_metres_diff"] < 0).all()
    # the same children: pupils unchanged; other levels untouched
    assert np.allclose(opened["pupils_diff"], 0.0)
    others = diff.query("scenario == 'Trường mới 2029' and level != 'tieu_hoc'")
    assert np.allclose(others[["classes_diff", "rooms_short_diff", "pupil_metres_diff"]].to_numpy(float), 0.0)


def test_lower_class_size_needs_more_classes(comparison):
    diff = comparison.differences.query("scenario == 'Sĩ số THCS 40' and level == 'thcs'")
    assert (diff["classes_diff"] >= 0).all() and diff["classes_diff"].sum() > 0
    assert (diff["rooms_short_diff"] >= 0).all()


def test_differences_are_scenario_minus_baseline(comparison):
    table, diff = comparison.table, comparison.differences
    for _, row in diff.iterrows():
        here = _row(table, row["scenario"], row["level"], row["school_year"])
        base = _row(table, "baseline", row["level"], row["school_year"])
        assert row["classes_diff"] == here["classes"] - base["classes"]
        assert row["rooms_short_diff"] == here["rooms_short"] - base["rooms_short"]


def test_side_by_side_table_in_vietnamese_and_english(comparison):
    wide = comparison_wide(comparison, "vi")
    assert ("Thiếu phòng", "Phương án gốc") in wide.columns
    assert ("Thiếu phòng", "Sĩ số THCS 40") in wide.columns
    assert ("Tiểu học", "2029–2030") in wide.index
    english = comparison_wide(comparison, "en")
    assert ("Rooms short", "Baseline") in english.columns and ("Primary", "2030–2031") in english.index
    base_short = comparison.table.query("scenario == 'baseline' and level == 'tieu_hoc' and school_year == 2030")
    assert english.loc[("Primary", "2030–2031"), ("Rooms short", "Baseline")] == base_short["rooms_short"].iloc[0]


def test_compare_cli_rejects_a_bad_scenario_file(tmp_path, phuoc_binh_dir):
    bad = tmp_path / "s.toml"
    bad.write_text(
        '[[scenario]]\nname = "x"\n[[scenario.close_school]]\nschool_id = "TH99"\nyear = 2028\n', encoding="utf-8"
    )
    from tuyensinh.cli import main

    code = main(["compare", str(phuoc_binh_dir), "--scenario", str(bad), "--quiet"])
    assert code == 2


def test_compare_cli_help_runs():
    done = subprocess.run(
        [sys.executable, "-m", "tuyensinh.cli", "compare", "--help"], capture_output=True, text=True, check=True
    )
    assert "--scenario" in done.stdout


def test_compare_cli_prints_side_by_side_and_writes_csv(comparison, tmp_path, capsys, monkeypatch, phuoc_binh_dir):
    import tuyensinh.scenarios.compare as scenarios_module
    from tuyensinh.cli import main

    seen = {}

    def fake_compare(ward, scenarios, settings, progress=None):
        seen["names"] = [s.name for s in scenarios]
        seen["school_year"] = settings.school_year
        return comparison

    monkeypatch.setattr(scenarios_module, "compare_scenarios", fake_compare)
    path = tmp_path / "s.toml"
    path.write_text(SCENARIOS_TOML, encoding="utf-8")
    out = tmp_path / "cmp"
    code = main(
        ["compare", str(phuoc_binh_dir), "-s", str(path), "--out", str(out), "--school-year", "2029", "--quiet"]
    )
    assert code == 0
    assert seen == {
        "names": ["Mở Trường Tiểu học Phước Bình 2", "Dự án nhà ở KP14", "Sĩ số THCS 40", "Đóng TH03"],
        "school_year": 2029,
    }
    printed = capsys.readouterr().out
    assert "Thiếu phòng" in printed and "Phương án gốc" in printed and "Trường mới 2029" in printed
    written = pd.read_csv(out / "compare.csv")
    assert list(written.columns[:3]) == ["scenario", "level", "school_year"]
    assert len(written) == len(comparison.table)
    assert "rooms_short_diff" in pd.read_csv(out / "compare_differences.csv").columns


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_compare_printout_fits_100_columns_in_one_number_format(comparison, lang):
    import re

    from tuyensinh.cli.compare import compare_text

    text = compare_text(comparison, lang)
    assert max(len(line) for line in text.splitlines()) <= 100
    heads = ("Phương án gốc", "Kịch bản: Trường mới 2029", "Kịch bản: Sĩ số THCS 40")
    if lang == "en":
        heads = ("Baseline", "Scenario: Trường mới 2029", "Scenario: Sĩ số THCS 40")
    assert all(f"\n{head}\n" in text for head in heads)
    # the baseline's primary rooms short in 2030, then the new school's difference in brackets
    base = _row(comparison.table, "baseline", "tieu_hoc", 2030)
    diff = comparison.differences.query("scenario == 'Trường mới 2029' and level == 'tieu_hoc' and school_year == 2030")
    change = int(diff["rooms_short_diff"].iloc[0])
    assert change < 0 and f"{int(base['rooms_short'] + change)} (−{-change})" in text
    if lang == "vi":
        assert not re.search(r"\d,\d{3}(?!\d)|\d\.\d{1,2}(?!\d)|\d \d{3}(?!\d)", text)
        assert re.search(r"\d\.\d{3},\d", text)  # pupil-km: 4.661,6
    else:
        assert not re.search(r"\d\.\d{3}(?!\d)|\d,\d{1,2}(?!\d)|\d \d{3}(?!\d)", text)
        assert re.search(r"\d,\d{3}\.\d", text)


def test_compare_workbook_matches_the_csv(comparison, tmp_path, monkeypatch, phuoc_binh_dir, capsys):
    """compare --out writes compare.xlsx: the CSV's figures side by side, numbers as numbers, headers in
    the language, frozen, printed A4 landscape; a scenario named like a formula stays text."""
    from openpyxl import load_workbook

    import tuyensinh.scenarios.compare as scenarios_module
    from tuyensinh.cli import main
    from tuyensinh.present.compare_xlsx import HEADER_ROWS

    formula = '=HYPERLINK("http://x")'
    renamed = Comparison(
        comparison.table.replace({"scenario": {"Sĩ số THCS 40": formula}}),
        comparison.differences.replace({"scenario": {"Sĩ số THCS 40": formula}}),
        comparison.plans,
    )
    monkeypatch.setattr(scenarios_module, "compare_scenarios", lambda *a, **k: renamed)
    path = tmp_path / "s.toml"
    path.write_text(SCENARIOS_TOML, encoding="utf-8")
    out = tmp_path / "cmp"
    assert main(["compare", str(phuoc_binh_dir), "-s", str(path), "--out", str(out), "--quiet"]) == 0
    written = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))  # .tuyensinh-outputs.json: ours
    assert written == ["compare.csv", "compare.xlsx", "compare_differences.csv"]
    capsys.readouterr()
    csv = pd.read_csv(out / "compare.csv")
    assert (csv["scenario"] == "'" + formula).any()  # the CSV's own neutralising quote
    csv["scenario"] = csv["scenario"].str.removeprefix("'")
    ws = load_workbook(out / "compare.xlsx")["So sánh kịch bản"]
    metric_row, option_row = HEADER_ROWS
    assert ws.freeze_panes == f"C{option_row + 1}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == f"${metric_row}:${option_row}"  # the header rows on every page
    assert ws.cell(metric_row, 1).value == "Cấp học" and ws.cell(metric_row, 2).value == "Năm học"
    headers = {}
    metric = None
    for column in range(3, ws.max_column + 1):
        metric = ws.cell(metric_row, column).value or metric  # merged over its options
        headers[column] = (metric, ws.cell(option_row, column).value)
    assert {m for m, _ in headers.values()} == {"Số lớp", "Thiếu phòng", "Học sinh × km"}
    assert {o for _, o in headers.values()} == {"Phương án gốc", "Trường mới 2029", formula}
    formula_cell = next(ws.cell(option_row, c) for c, (_, o) in headers.items() if o == formula)
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix  # text, not a formula
    levels = {"Mầm non": "mam_non", "Tiểu học": "tieu_hoc", "Trung học cơ sở": "thcs"}
    fields = {"Số lớp": "classes", "Thiếu phòng": "rooms_short", "Học sinh × km": "pupil_metres"}
    scenarios = {"Phương án gốc": "baseline", "Trường mới 2029": "Trường mới 2029", formula: formula}
    checked = 0
    for row in range(option_row + 1, ws.max_row + 1):
        level, year = levels[ws.cell(row, 1).value], int(ws.cell(row, 2).value[:4])
        for column, (metric, option) in headers.items():
            value = ws.cell(row, column).value
            assert isinstance(value, (int, float))  # a number, not a text
            expected = _row(csv, scenarios[option], level, year)[fields[metric]]
            if fields[metric] == "pupil_metres":  # km to 0.1 in the sheet; the CSV: 6 significant digits
                assert value == pytest.approx(expected / 1000, abs=0.1)
            else:
                assert value == expected
            checked += 1
    assert checked == len(csv) * 3
