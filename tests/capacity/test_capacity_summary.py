"""The ward summary: rooms to build, where, pupils added, benchmarks (hand-computed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity import SUMMARY_COLUMNS, analyze, load_norms, shortfall_drivers, ward_summary
from capacity.grades import LEVEL_GRADES

NORMS = load_norms()
GRADE1 = {("Q0", 2027): 100, ("Q0", 2028): 180, ("Q0", 2029): 150, ("Q1", 2027): 35, ("Q1", 2028): 35, ("Q1", 2029): 70}


@pytest.fixture(scope="module")
def case():
    rows = []
    for (q, y), v in GRADE1.items():
        for g in LEVEL_GRADES["tieu_hoc"]:
            m = float(v) if g == "lop_1" else 0.0
            rows.append((q, y, "tieu_hoc", g, 6, m, m * 0.95, m * 1.05, m * 0.9, m * 1.1))
    demand = pd.DataFrame(
        rows, columns=["quarter_id", "school_year", "level", "grade", "age", "mean", "lo80", "hi80", "lo95", "hi95"]
    )
    schools = pd.DataFrame(
        {"school_id": ["TH1", "TH2"], "level": "tieu_hoc", "classrooms": [4, 10], "land_m2": [np.nan, 3000.0]}
    )
    zones = pd.DataFrame({"quarter_id": ["Q0", "Q1"], "level": "tieu_hoc", "school_id": ["TH1", "TH2"], "share": 1.0})
    q, y, a = np.meshgrid(["Q0", "Q1"], [2027, 2028, 2029], np.arange(19), indexing="ij")
    forecast = pd.DataFrame({"quarter_id": q.ravel(), "year": y.ravel(), "age": a.ravel(), "mean": 100.0})
    capacity = analyze(demand, zones, schools, NORMS)
    summary = ward_summary(capacity, demand, zones, schools, NORMS, forecast=forecast, setting="urban")
    return demand, schools, zones, capacity, summary


def test_rooms_short_and_rooms_to_build_to_date(case):
    *_, capacity, summary = case
    th1 = capacity[capacity["school_id"] == "TH1"].set_index("school_year")
    assert th1["classes"].tolist() == [3, 6, 5]  # 100, 180, 150 pupils at 35
    rows = summary[summary["level"] == "tieu_hoc"].set_index("school_year")
    assert list(summary.columns) == list(SUMMARY_COLUMNS)
    assert rows["rooms_short"].tolist() == [0, 2, 1]
    assert rows["new_rooms_to_date"].tolist() == [0, 2, 2]  # a room built for 2028 still stands in 2029
    assert rows["schools_short"].tolist() == ["", "TH1 (2)", "TH1 (1)"]
    assert rows["rooms_available"].tolist() == [14, 14, 14]
    assert rows["room_balance"].tolist() == [14 - 4, 14 - 7, 14 - 7]


def test_pupils_added_and_the_quarters_that_drive_them(case):
    *_, summary = case
    rows = summary[summary["level"] == "tieu_hoc"].set_index("school_year")
    assert rows["pupils_added"].tolist() == pytest.approx([0, 80, 85])
    assert rows.loc[2028, "top_quarters"] == "Q0 (+80)"
    # in 2029 only quarters feeding the short school count: Q1 (+35) feeds TH2, which has room
    assert rows.loc[2029, "top_quarters"] == "Q0 (+50)"


def test_rooms_per_10000_and_land_per_pupil(case):
    *_, summary = case
    rows = summary[summary["level"] == "tieu_hoc"].set_index("school_year")
    # residents aged 6–10: 2 quarters × 5 ages × 100 = 1,000; rooms 14 → 140 per 10,000
    assert rows["residents_school_age"].tolist() == [1000, 1000, 1000]
    assert rows["rooms_per_10000"].tolist() == pytest.approx([140, 140, 140])
    assert (rows["rooms_per_10000_benchmark"] == 300).all()
    # land: only TH2 has land_m2 (3,000 m²) for 35, 35, 70 pupils
    assert rows["land_m2_per_pupil"].tolist() == pytest.approx([3000 / 35, 3000 / 35, 3000 / 70])
    assert (rows["land_norm_m2_per_pupil"] == 8).all()
    assert (rows["schools_below_land_norm"] == "").all()


def test_ward_rows_sum_the_levels(case):
    *_, summary = case
    whole = summary[summary["level"] == "all"].set_index("school_year")
    level = summary[summary["level"] == "tieu_hoc"].set_index("school_year")
    for col in ("rooms_short", "new_rooms_to_date", "rooms_available", "pupils_mean"):
        assert whole[col].tolist() == pytest.approx(level[col].tolist())
    assert whole.loc[2028, "schools_short"] == "TH1 (2)"


def test_shortfall_drivers_lists_the_feeding_quarters(case):
    demand, schools, zones, capacity, _ = case
    drivers = shortfall_drivers(capacity, demand, zones, schools)
    assert drivers[["school_id", "school_year", "quarter_id"]].values.tolist() == [
        ["TH1", 2028, "Q0"],
        ["TH1", 2029, "Q0"],
    ]
    assert drivers["pupils"].tolist() == pytest.approx([180, 150])
    assert drivers["pupils_added"].tolist() == pytest.approx([80, 50])


def test_land_norm_breach_is_listed():
    rows = [
        ("Q0", 2027, "thcs", g, 11, m, m, m, m, m) for g, m in zip(LEVEL_GRADES["thcs"], [200.0, 0, 0, 0], strict=True)
    ]
    demand = pd.DataFrame(
        rows, columns=["quarter_id", "school_year", "level", "grade", "age", "mean", "lo80", "hi80", "lo95", "hi95"]
    )
    schools = pd.DataFrame({"school_id": ["CS1"], "level": ["thcs"], "classrooms": [10], "land_m2": [1500.0]})
    zones = pd.DataFrame({"quarter_id": ["Q0"], "level": ["thcs"], "school_id": ["CS1"]})
    capacity = analyze(demand, zones, schools, NORMS)
    summary = ward_summary(capacity, demand, zones, schools, NORMS, setting="rural").set_index("level")
    assert summary.loc["thcs", "land_m2_per_pupil"] == pytest.approx(7.5)  # < 10 m² (rural)
    assert summary.loc["thcs", "schools_below_land_norm"] == "CS1"
    assert np.isnan(summary.loc["thcs", "rooms_per_10000"])  # no forecast given


def test_base_year_outside_the_demand_is_refused(case):
    """pupils_added would silently become every pupil (nothing to subtract) for a base year the
    demand does not cover."""
    demand, schools, zones, capacity, _ = case
    with pytest.raises(ValueError, match=r"base_year 2020 is not a school year of the demand \(2027–2029\)"):
        ward_summary(capacity, demand, zones, schools, NORMS, base_year=2020)
    with pytest.raises(ValueError, match="base_year 2031"):
        shortfall_drivers(capacity, demand, zones, schools, base_year=2031)
    # a base year inside the demand counts from it: Q0 grows 180 → 150 (−30), Q1 35 → 70 (+35)
    later = ward_summary(capacity, demand, zones, schools, NORMS, base_year=2028)
    rows = later[later["level"] == "tieu_hoc"].set_index("school_year")
    assert rows["pupils_added"].tolist() == pytest.approx([135 - 215, 0, 220 - 215])
