"""Enrollment demand from the population forecast: cohort rule, rates, intervals, progression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity import DEMAND_COLUMNS, enrollment_demand, load_norms, progression_from_history


def forecast_table(quarters=("Q1",), years=(2027,), ages=range(19), count=lambda q, y, a: 100.0 + a) -> pd.DataFrame:
    rows = []
    for q in quarters:
        for y in years:
            for a in ages:
                m = float(count(q, y, a))
                rows.append((q, y, a, m, 0.9 * m, 1.2 * m, 0.8 * m, 1.4 * m))
    return pd.DataFrame(rows, columns=["quarter_id", "year", "age", "mean", "lo80", "hi80", "lo95", "hi95"])


def row(demand: pd.DataFrame, grade: str, **keys) -> pd.Series:
    mask = demand["grade"] == grade
    for k, v in keys.items():
        mask &= demand[k] == v
    assert mask.sum() == 1
    return demand[mask].iloc[0]


def test_hand_computed_demand_per_grade():
    norms = load_norms()
    demand = enrollment_demand(forecast_table(), norms)
    assert list(demand.columns) == list(DEMAND_COLUMNS)
    assert len(demand) == 15  # one row per grade
    # grade 1: age 6 → 106 residents × participation 1.0 × (1 − 1.5% private)
    assert row(demand, "lop_1")["mean"] == pytest.approx(106 * 0.985)
    assert row(demand, "lop_1")["age"] == 6
    # grade 6: age 11 → 111 × 0.985
    assert row(demand, "lop_6")["mean"] == pytest.approx(111 * 0.985)
    # mẫu giáo 5–6: age 5 → 105 × 0.99 × (1 − 7%)
    assert row(demand, "mg_5_6")["mean"] == pytest.approx(105 * 0.99 * 0.93)
    # nhà trẻ 3–12 months: age 0 → 100 × 5/12 old enough × 0.47 × 0.93
    assert row(demand, "nt_3_12m")["mean"] == pytest.approx(100 * 0.4167 * 0.47 * 0.93)
    assert row(demand, "nt_25_36m")["mean"] == pytest.approx(102 * 0.47 * 0.93)
    # ages 15-18 are not school ages of these levels
    assert demand["age"].max() == 14


def test_intervals_are_scaled_by_the_same_factor():
    demand = enrollment_demand(forecast_table(), load_norms())
    r = row(demand, "lop_3")
    factor = r["mean"] / 108
    assert r["lo80"] == pytest.approx(0.9 * 108 * factor)
    assert r["hi80"] == pytest.approx(1.2 * 108 * factor)
    assert r["lo95"] == pytest.approx(0.8 * 108 * factor)
    assert r["hi95"] == pytest.approx(1.4 * 108 * factor)


def test_school_year_reads_the_population_of_the_same_year():
    table = forecast_table(years=(2027, 2028), count=lambda q, y, a: 1000 * (y - 2026) + a)
    demand = enrollment_demand(table, load_norms(rates={"private_share": {"tieu_hoc": 0.0}}))
    assert row(demand, "lop_1", school_year=2027)["mean"] == pytest.approx(1006)
    assert row(demand, "lop_1", school_year=2028)["mean"] == pytest.approx(2006)
    only = enrollment_demand(table, load_norms(), school_years=[2028])
    assert set(only["school_year"]) == {2028}


def test_rates_overrides_change_demand():
    table = forecast_table()
    base = enrollment_demand(table, load_norms())
    lower = enrollment_demand(
        table, load_norms(rates={"participation": {"nha_tre": 0.235}, "private_share": {"mam_non": 0.0}})
    )
    assert row(lower, "nt_13_24m")["mean"] == pytest.approx(101 * 0.235)
    assert row(lower, "mg_4_5")["mean"] == pytest.approx(row(base, "mg_4_5")["mean"] / 0.93)


def test_progression_multiplies_only_its_grades():
    table = forecast_table(quarters=("Q1", "Q2"))
    norms = load_norms()
    base = enrollment_demand(table, norms)
    prog = pd.DataFrame({"grade": ["lop_2"], "ratio": [0.9]})
    scaled = enrollment_demand(table, norms, progression=prog)
    ratio = scaled["mean"] / base["mean"]
    assert np.allclose(ratio[scaled["grade"] == "lop_2"], 0.9)
    assert np.allclose(ratio[scaled["grade"] != "lop_2"], 1.0)
    per_quarter = pd.DataFrame({"quarter_id": ["Q2"], "grade": ["lop_7"], "ratio": [1.1]})
    scaled = enrollment_demand(table, norms, progression=per_quarter)
    changed = scaled["mean"] / base["mean"] != 1.0
    assert set(zip(scaled.loc[changed, "quarter_id"], scaled.loc[changed, "grade"], strict=True)) == {("Q2", "lop_7")}


def test_progression_from_history_is_observed_over_expected():
    norms = load_norms(rates={"private_share": {"tieu_hoc": 0.0}})
    population = pd.DataFrame(
        {
            "quarter_id": ["A", "B", "A", "B"],
            "year": [2024, 2024, 2025, 2025],
            "age": [7, 7, 7, 7],
            "count": [60, 40, 70, 30],
        }
    )
    enrolment = pd.DataFrame({"school_year": [2024, 2025], "grade": ["lop_2", "lop_2"], "pupils": [95, 95]})
    result = progression_from_history(enrolment, population, norms)
    assert list(result["grade"]) == ["lop_2"]
    assert result["ratio"].iloc[0] == pytest.approx(190 / 200)
    assert result["years"].iloc[0] == 2


def test_missing_age_names_quarter_year_and_ages():
    table = forecast_table(quarters=("Q1", "Q2"))
    table = table[~((table["quarter_id"] == "Q2") & (table["age"].isin([6, 11])))]
    with pytest.raises(ValueError, match=r"quarter Q2, year 2027 lacks age\(s\) 6, 11"):
        enrollment_demand(table, load_norms())


def test_missing_school_year_is_explained():
    with pytest.raises(ValueError, match=r"no population for year\(s\) 2031.*covers 2027–2027"):
        enrollment_demand(forecast_table(), load_norms(), school_years=[2031])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.drop(columns="hi95"), "missing column.*hi95"),
        (lambda t: t.assign(lo80=t["mean"] * 1.5), r"lo95 ≤ lo80 ≤ mean ≤ hi80 ≤ hi95, not so in row\(s\) 2, 3"),
        (
            lambda t: t.assign(mean=np.where(t.index == 4, -1.0, t["mean"]), lo80=-2.0, lo95=-3.0),
            r"negative persons in row\(s\) 2",
        ),
        (
            lambda t: t.assign(age=t["age"].astype(object).where(t.index != 3, "x")),
            r"column 'age' is empty or not a number in row\(s\) 5",
        ),
        (lambda t: pd.concat([t, t.iloc[[0]]], ignore_index=True), "appear twice"),
    ],
)
def test_bad_forecast_tables_get_specific_errors(change, expected):
    with pytest.raises(ValueError, match=expected):
        enrollment_demand(change(forecast_table()), load_norms())


def test_bad_progression_table():
    with pytest.raises(ValueError, match="unknown grade code"):
        enrollment_demand(
            forecast_table(), load_norms(), progression=pd.DataFrame({"grade": ["lop_10"], "ratio": [1.0]})
        )
    with pytest.raises(ValueError, match="positive number"):
        enrollment_demand(
            forecast_table(), load_norms(), progression=pd.DataFrame({"grade": ["lop_1"], "ratio": [0.0]})
        )
