"""tuyensinh.plan.accuracy: entry-grade pupils and class counts scored on past forecasts."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from capacity.norms import load_norms
from tuyensinh.plan.accuracy import planning_accuracy, ward_planning_accuracy
from tuyensinh.plan.accuracy_words import accuracy_report_table, accuracy_sentences, format_planning_accuracy
from tuyensinh.present.report import ReportSection, render_report
from tuyensinh.ward import load_ward

#: Every enrolled, no private schools: pupils = persons, so the cases below read in pupils.
NORMS = load_norms(
    {}, {"private_share": {"mam_non": 0.0, "tieu_hoc": 0.0, "thcs": 0.0}, "participation": {"mau_giao": 1.0}}
)


def _cells(rows: list[tuple[str, int, int, str, float, float]], age: int = 6) -> pd.DataFrame:
    """rows: method, origin, horizon, quarter, actual, mean (persons)."""
    cells = pd.DataFrame(rows, columns=["method", "origin", "horizon", "quarter_id", "actual", "mean"])
    cells["age"] = age
    cells["year"] = cells["origin"] + cells["horizon"]
    cells["point"] = cells["mean"].round()
    return cells


def test_class_count_exactness_by_hand():
    # lớp 1: 35 pupils per class (TT 28/2020)
    assert NORMS.max_class_size("tieu_hoc", "lop_1") == 35
    cells = _cells(
        [
            ("shrunk", 2019, 1, "Q1", 71, 69),  # 3 classes, forecast 2: off by one
            ("shrunk", 2020, 1, "Q1", 40, 20.5),  # 2 vs 1: off by one
            ("shrunk", 2021, 1, "Q1", 100, 30),  # 3 vs 1: off by two
            ("shrunk", 2022, 1, "Q1", 35, 35),  # 1 vs 1: exact
        ]
    )
    acc = planning_accuracy(cells, NORMS)
    totals = acc.totals.set_index("origin")
    assert totals.loc[2019, "actual_classes"] == 3 and totals.loc[2019, "forecast_classes"] == 2
    row = acc.row("lop_1", 1)
    assert row["forecasts"] == 4 and row["exact_count"] == 1 and row["within1_count"] == 3
    assert row["classes_exact"] == pytest.approx(25.0) and row["classes_within1"] == pytest.approx(75.0)
    mape = (2 / 71 + 19.5 / 40 + 70 / 100 + 0) / 4 * 100
    assert row["accuracy"] == pytest.approx(100 - mape)
    assert row["wmape"] == pytest.approx((2 + 19.5 + 70) / 246 * 100)
    assert acc.origins == (2019, 2020, 2021, 2022)
    assert acc.row("lop_6", 1) is None  # no age-11 cell given


def test_participation_and_private_share_turn_persons_into_pupils():
    norms = load_norms({}, {"private_share": {"tieu_hoc": 0.2}})  # primary participation 100 %
    acc = planning_accuracy(_cells([("shrunk", 2020, 1, "Q1", 100, 90)]), norms)
    row = acc.totals.iloc[0]
    assert row["actual_pupils"] == pytest.approx(80) and row["forecast_pupils"] == pytest.approx(72)
    assert row["actual_classes"] == 3 and row["forecast_classes"] == 3  # ceil(80/35), ceil(72/35)
    # the percentage error is that of the population: the factor cancels
    assert acc.row("lop_1", 1)["accuracy"] == pytest.approx(90.0)


def test_catchments_with_split_shares_conserve_pupils_and_use_the_school_limit():
    cells = _cells(
        [
            ("shrunk", 2020, 1, "Q1", 50, 48),
            ("shrunk", 2020, 1, "Q2", 30, 33),
            ("naive", 2020, 1, "Q1", 50, 40),
            ("naive", 2020, 1, "Q2", 30, 30),
        ]
    )
    zones = pd.DataFrame(
        {
            "quarter_id": ["Q1", "Q1", "Q2", "Q1", "Q2"],
            "level": ["tieu_hoc", "tieu_hoc", "tieu_hoc", "thcs", "thcs"],
            "school_id": ["S1", "S2", "S2", "T1", "T1"],
            "share": [0.6, 0.4, 1.0, 1.0, 1.0],
        }
    )
    schools = pd.DataFrame(
        {
            "school_id": ["S1", "S2", "T1"],
            "level": ["tieu_hoc", "tieu_hoc", "thcs"],
            "classrooms": [10, 10, 10],
            "max_class_size": [float("nan"), 25.0, float("nan")],
        }
    )
    acc = planning_accuracy(cells, NORMS, schools=schools, zones=zones)
    totals = acc.totals
    ward = totals[totals["scope"] == "ward"].set_index("method")
    schools_ = totals[totals["scope"] == "school"]
    summed = schools_.groupby("method")[["actual_pupils", "forecast_pupils"]].sum()
    pd.testing.assert_frame_equal(
        summed.sort_index(), ward[["actual_pupils", "forecast_pupils"]].sort_index(), check_names=False
    )
    s2 = schools_[(schools_["area"] == "S2") & (schools_["method"] == "shrunk")].iloc[0]
    assert s2["actual_pupils"] == pytest.approx(0.4 * 50 + 30)  # 50 pupils
    assert s2["forecast_pupils"] == pytest.approx(0.4 * 48 + 33)  # 52.2 pupils
    assert s2["max_class_size"] == 25  # the school's own, lower limit
    assert s2["actual_classes"] == 2 and s2["forecast_classes"] == 3
    s1 = schools_[(schools_["area"] == "S1") & (schools_["method"] == "shrunk")].iloc[0]
    assert s1["max_class_size"] == 35 and s1["actual_classes"] == 1  # 30 pupils
    # at ward level: 80 vs 81 pupils, 3 classes of 35 both: exact
    assert ward.loc["shrunk", "actual_classes"] == 3 and ward.loc["shrunk", "forecast_classes"] == 3
    school_row = acc.row("lop_1", 1, scope="school")
    assert school_row["forecasts"] == 2 and school_row["exact_count"] == 1  # S1 exact, S2 off by one
    assert set(acc.table["method"]) == {"shrunk", "naive"}


def test_sentences_table_and_report_section_in_both_languages():
    cells = _cells(
        [("shrunk", 2018 + i, 1, "Q1", 70, 70 + d) for i, d in enumerate((0, 1, -2, 3, 0))]
        + [("naive", 2018 + i, 1, "Q1", 70, 60) for i in range(5)]
    )
    acc = planning_accuracy(cells, NORMS)
    vi = accuracy_sentences(acc, lang="vi", kind="phường")
    # 70 pupils = 2 classes; 71 and 73 → 3 classes (off by one), 68 → 2 classes
    mape = (0 + 1 / 70 + 2 / 70 + 3 / 70 + 0) / 5 * 100
    assert vi == [
        f"Dự báo số trẻ vào lớp 1 của cả phường, 1 năm trước, đúng khoảng {math.floor(100 - mape)}%; "
        "số lớp đúng 3/5 lần, lệch không quá 1 lớp 5/5 lần (nếu giữ nguyên số trẻ năm lập dự báo: "
        "đúng khoảng 85%, số lớp đúng 5/5 lần)."
    ]
    en = accuracy_sentences(acc, lang="en", kind="xã")
    assert en[0].startswith("The forecast of children entering grade 1 in the whole commune, 1 year(s) ahead")
    table = accuracy_report_table(acc, lang="vi")
    assert table.iloc[0]["Cả phường/xã: số lớp đúng"] == "3/5"
    assert table.iloc[0]["Giữ nguyên: số trẻ đúng"] == "85,7%"
    page = render_report(
        title="t",
        subtitle="s",
        flags=[],
        footer="f",
        lang="vi",
        sections=[ReportSection("Độ tin cậy của dự báo", sentences=vi)],
    )
    assert "<li>Dự báo số trẻ vào lớp 1 của cả phường" in page
    assert "Class count exactly right (% of forecasts), whole ward" in format_planning_accuracy(acc, "en")
    assert "Số lớp đúng hoàn toàn (% số lần dự báo), cả phường" in format_planning_accuracy(acc)


@pytest.mark.parametrize("name", ["phuoc_binh", "thien_hoa"])
def test_sample_wards_method_at_least_as_accurate_as_naive_for_grade_1(name, repo_root):
    folder = repo_root / "data" / "wards" / name
    if not (folder / "ward.toml").exists():
        pytest.fail(
            "sample ward missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards"
        )
    ward = load_ward(folder)
    acc = ward_planning_accuracy(ward)
    assert acc.origins[0] >= 2019 and acc.origins[-1] == ward.base_year - 1
    method, naive = acc.row("lop_1", 1), acc.row("lop_1", 1, method="naive")
    assert method["accuracy"] >= naive["accuracy"]
    assert method["forecasts"] == naive["forecasts"] == len(acc.origins)
    # catchments under the current zones hold the ward's pupils (split quarters included)
    t = acc.totals
    by_scope = t[t["method"] == "shrunk"].groupby(["scope", "grade", "origin", "horizon"])["actual_pupils"].sum()
    pd.testing.assert_series_equal(by_scope.loc["school"], by_scope.loc["ward"], check_names=False)
    assert set(t["horizon"]) == {1, 2, 3, 4}
    head = acc.headlines()
    assert head["ward"]["lop_1"]["h1"]["shrunk"]["accuracy"] == pytest.approx(method["accuracy"], abs=0.01)


def test_too_short_history_gives_no_accuracy(phuoc_binh_dir):
    from tuyensinh.plan.compute import _past_accuracy

    if not (phuoc_binh_dir / "ward.toml").exists():
        pytest.fail(
            "sample ward missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards"
        )
    ward = load_ward(phuoc_binh_dir)
    short = dataclasses.replace(ward, population=ward.population[ward.population["year"] >= 2022])
    assert _past_accuracy(short, load_norms(ward.norms, ward.rates)) is None
