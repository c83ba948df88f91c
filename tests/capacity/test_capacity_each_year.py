"""capacity.analyze_each_year: one analyze call equal to one call per school year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from capacity_forecasts import random_forecast

from capacity import enrollment_demand, load_norms
from capacity.analyze import analyze, analyze_each_year

NORMS = load_norms()
YEARS = (2027, 2028, 2029, 2030)


def forecast(quarters: int = 6, seed: int = 3) -> pd.DataFrame:
    """Growing by 15% a year: the later years run short."""
    return random_forecast(quarters, YEARS, seed, scale=9.0, growth=0.15)


SCHOOLS = pd.DataFrame(
    {
        "school_id": ["MN1", "MN2", "TH1", "TH2", "CS1", "CS2"],
        "level": ["mam_non", "mam_non", "tieu_hoc", "tieu_hoc", "thcs", "thcs"],
        "classrooms": [12, 6, 14, 5, 8, 4],
        "sessions_per_day": [2, 2, 2, 1, 2, 2],
        "opens": [np.nan, np.nan, np.nan, 2029, np.nan, np.nan],
        "teachers": [30, 12, 25, 6, np.nan, 9],
    }
)


def yearly_zones(levels=("mam_non", "tieu_hoc", "thcs")) -> pd.DataFrame:
    """A zoning per school year whose shares move from year to year (TH2 from its opening)."""
    rows = []
    for k, year in enumerate(YEARS):
        for i in range(6):
            q = f"Q{i}"
            if "mam_non" in levels:
                rows.append((q, "mam_non", "MN1" if (i + k) % 2 else "MN2", 1.0, year))
            if "tieu_hoc" in levels:
                if year >= 2029 and i < 3:
                    rows += [(q, "tieu_hoc", "TH1", 0.6, year), (q, "tieu_hoc", "TH2", 0.4, year)]
                else:
                    rows.append((q, "tieu_hoc", "TH1", 1.0, year))
            if "thcs" in levels:
                share = 0.2 + 0.1 * ((i + k) % 5)
                rows += [(q, "thcs", "CS1", share, year), (q, "thcs", "CS2", 1.0 - share, year)]
    return pd.DataFrame(rows, columns=["quarter_id", "level", "school_id", "share", "school_year"])


def one_call_per_year(demand: pd.DataFrame, zones: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """The loop analyze_each_year replaces (tuyensinh.plan.compute before 0.2.0)."""
    frames = [
        analyze(demand.loc[demand["school_year"] == year], part, SCHOOLS, NORMS, horizon=horizon)
        for year, part in zones.groupby("school_year", sort=True)
    ]
    return pd.concat(frames, ignore_index=True)


def test_one_call_equals_one_call_per_year():
    demand = enrollment_demand(forecast(), NORMS, school_years=list(YEARS))
    zones = yearly_zones()
    expected = one_call_per_year(demand, zones, 2030)
    got = analyze_each_year(demand, zones, SCHOOLS, NORMS, horizon=2030)
    assert (expected["room_shortfall"] > 0).any() and (expected["teacher_shortfall"].fillna(0) > 0).any()
    assert expected["first_short_year"].notna().sum() < len(expected)  # some rows are not short
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_a_level_missing_in_a_year_is_analysed_year_by_year():
    demand = enrollment_demand(forecast(), NORMS, school_years=list(YEARS))
    zones = yearly_zones()
    zones = zones[~((zones["level"] == "thcs") & (zones["school_year"] == 2030))]
    expected = one_call_per_year(demand, zones, 2030)
    got = analyze_each_year(demand, zones, SCHOOLS, NORMS, horizon=2030)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert set(got.loc[got["school_year"] == 2030, "level"]) == {"mam_non", "tieu_hoc"}


def test_each_year_is_its_own_first_short_year():
    # one primary school, 1 room, 40 pupils in lop_1 each year: short in every year; analysed
    # together the first short year is 2027 on every row, each year on its own it is the row's year
    demand = pd.DataFrame(
        [
            ("Q0", year, "tieu_hoc", grade, 0, *(5 * [40.0 if grade == "lop_1" else 0.0]))
            for year in (2027, 2028)
            for grade in ("lop_1", "lop_2", "lop_3", "lop_4", "lop_5")
        ],
        columns=["quarter_id", "school_year", "level", "grade", "age", "mean", "lo80", "hi80", "lo95", "hi95"],
    )
    schools = pd.DataFrame({"school_id": ["S1"], "level": ["tieu_hoc"], "classrooms": [1], "teachers": [1]})
    zones = pd.DataFrame(
        {"quarter_id": "Q0", "level": "tieu_hoc", "school_id": "S1", "share": 1.0, "school_year": [2027, 2028]}
    )
    together = analyze(demand, zones, schools, NORMS)
    alone = analyze_each_year(demand, zones, schools, NORMS)
    assert together["room_shortfall"].tolist() == [1, 1]  # 40 pupils: 2 classes of ≤ 35, 1 room
    assert together["first_short_year"].tolist() == [2027, 2027]
    assert alone["first_short_year"].tolist() == [2027, 2028]
    assert alone["teachers_needed"].tolist() == [3, 3]  # 2 classes × 1.5 teachers per class
    assert alone["first_teacher_short_year"].tolist() == [2027, 2028]


def test_a_year_without_demand_raises_as_the_loop_does():
    demand = enrollment_demand(forecast(), NORMS, school_years=[2027, 2028])
    zones = yearly_zones()
    with pytest.raises(ValueError, match="no school year"):
        analyze_each_year(demand, zones, SCHOOLS, NORMS, horizon=2030)
