"""forecast.project: a tiny ward projected by hand, edge cases, invariants and input errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import FORECAST_COLUMNS, ForecastSettings, project, project_all
from forecast.settings import DEFAULT_YIELD
from forecast.simulate import simulate_ward

AGES = np.arange(19)


def frame(counts: dict[str, np.ndarray], years: np.ndarray) -> pd.DataFrame:
    """population table from arrays [age, year] per quarter."""
    rows = []
    for q, arr in counts.items():
        a, t = np.indices(arr.shape).reshape(2, -1)
        rows.append(pd.DataFrame({"quarter_id": q, "year": years[t], "age": a, "count": arr.reshape(-1)}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def sim():
    return simulate_ward(20, 2015, 2030, 65, seed=5)


@pytest.fixture(scope="module")
def sim_forecast(sim):
    return project(sim.population, sim.births, base_year=2024, horizon=2030)


def test_tiny_ward_projected_by_hand():
    """One quarter, every cohort keeps 90 % a year, births vary: the projection is computable."""
    years = np.arange(2020, 2025)
    cohort = {b: 100.0 + 7 * ((b * 5) % 11) for b in range(1990, 2025)}  # age-0 count by birth year
    p = np.array([[cohort[y - a] * 0.9**a for y in years] for a in AGES])
    settings = ForecastSettings(births_model="mean")
    got = project(frame({"Q1": p}, years), base_year=2024, horizon=2026, intervals=False, settings=settings)
    # By hand: ratios are exactly 0.9; age 0 = mean(age0 / children 1–4, last 3 years) × projected children 1–4.
    rate = np.mean([p[0, t] / p[1:5, t].sum() for t in (2, 3, 4)])
    y1 = np.empty(19)
    y1[1:] = p[:-1, 4] * 0.9
    y1[0] = rate * y1[1:5].sum()
    y2 = np.empty(19)
    y2[1:] = y1[:-1] * 0.9
    y2[0] = rate * y2[1:5].sum()
    assert got.loc[got.year == 2025, "mean"].to_numpy() == pytest.approx(y1, rel=1e-9)
    assert got.loc[got.year == 2026, "mean"].to_numpy() == pytest.approx(y2, rel=1e-9)
    assert (got["lo80"] == got["mean"]).all() and (got["hi95"] == got["mean"]).all()


def test_columns_years_ages_and_order(sim_forecast):
    assert list(sim_forecast.columns) == FORECAST_COLUMNS
    assert sorted(sim_forecast["year"].unique()) == list(range(2025, 2031))
    assert sorted(sim_forecast["age"].unique()) == list(range(19))
    assert len(sim_forecast) == 20 * 19 * 6
    assert not sim_forecast.duplicated(["quarter_id", "year", "age"]).any()


def test_no_negative_counts_and_nested_intervals(sim_forecast):
    f = sim_forecast
    assert (f[["mean", "lo80", "hi80", "lo95", "hi95"]] >= 0).all().all()
    assert (f["lo95"] <= f["lo80"]).all() and (f["lo80"] <= f["mean"]).all()
    assert (f["mean"] <= f["hi80"]).all() and (f["hi80"] <= f["hi95"]).all()
    width = (f["hi80"] - f["lo80"]) / (f["mean"] + 1)
    # uncertainty grows with the horizon
    by_year = width.groupby(f["year"]).mean()
    assert by_year.is_monotonic_increasing


def test_intervals_cover_the_simulated_truth(sim, sim_forecast):
    truth = sim.population.groupby(["quarter_id", "year", "age"], as_index=False)["count"].sum()
    m = sim_forecast.merge(truth, on=["quarter_id", "year", "age"])
    in80 = ((m["count"] >= m["lo80"]) & (m["count"] <= m["hi80"])).mean()
    in95 = ((m["count"] >= m["lo95"]) & (m["count"] <= m["hi95"])).mean()
    assert 0.72 <= in80 <= 0.88
    assert 0.89 <= in95 <= 0.99
    # and the mean is accurate for the ward as a whole (ages 0–18, 2030): within 5 %
    last = m[m.year == 2030]
    assert last["mean"].sum() == pytest.approx(last["count"].sum(), rel=0.05)


def test_base_year_ignores_later_data(sim):
    pop, births = sim.population.copy(), sim.births.copy()
    before = project(pop, births, base_year=2022, horizon=2027)
    later = pop["year"] > 2022
    pop.loc[later, "count"] = pop.loc[later, "count"] * 3 + 1
    births.loc[births["year"] > 2022, "births"] = 0
    after = project(pop, births, base_year=2022, horizon=2027)
    pd.testing.assert_frame_equal(before, after)


def test_zero_start_and_tiny_quarters_do_not_explode(sim):
    pop = sim.population[sim.population["year"] <= 2024].copy()
    years = np.arange(2015, 2025)
    new = np.zeros((65, years.size))
    new[:, -2] = 1.0  # a new quarter: nobody until 2023, 1 per age, then 30 per age
    new[:, -1] = 30.0
    tiny = np.zeros((65, years.size))
    tiny[::7, :] = 1.0
    tiny[3, 5] = 4.0
    extra = []
    for q, arr in (("NEW", new), ("TINY", tiny)):
        f = frame({q: arr}, years)
        for sex, share in (("F", 0.5), ("M", 0.5)):
            extra.append(f.assign(sex=sex, count=f["count"] * share))
    pop = pd.concat([pop, *extra], ignore_index=True)
    f = project(pop, sim.births, base_year=2024, horizon=2030)
    assert np.isfinite(f[["mean", "lo80", "hi80", "lo95", "hi95"]].to_numpy()).all()
    for q, base in (("NEW", 30.0 * 19), ("TINY", 3.0)):
        part = f[f["quarter_id"] == q]
        total_2030 = part.loc[part.year == 2030, "mean"].sum()
        assert total_2030 <= 2.0 * base + 10
        assert part["hi95"].max() <= 4 * 30.0 + 20


def test_housing_adds_the_yield_table_in_the_completion_year(sim):
    pop, births = sim.population, sim.births
    q = sim.quarter_ids[3]
    housing = pd.DataFrame({"quarter_id": [q, q], "year": [2025, 2026], "new_dwellings": [100, 50]})
    plain = project(pop, births, base_year=2024, horizon=2026, intervals=False)
    built = project(pop, births, housing=housing, base_year=2024, horizon=2026, intervals=False)
    diff = (built["mean"] - plain["mean"]).to_numpy().reshape(20, 2, 19)
    idx = list(sim.quarter_ids).index(q)
    assert diff[idx, 0] == pytest.approx(100 * np.array(DEFAULT_YIELD), abs=1e-9)
    others = np.delete(diff, idx, axis=0)
    assert np.abs(others).max() < 1e-9
    # in 2026 the 2025 arrivals have aged one year (ratio-carried) and 50 more dwellings arrive
    assert diff[idx, 1, 0] > 50 * DEFAULT_YIELD[0] - 1e-9
    assert diff[idx, 1, 1:].sum() > 100 * sum(DEFAULT_YIELD[:-1]) * 0.8


def test_ward_total_constraint_is_met(sim):
    target = pd.DataFrame({"year": [2025, 2026], "count": [5000.0, 5100.0]})
    f = project(sim.population, sim.births, base_year=2024, horizon=2026, ward_total=target)
    sums = f.groupby("year")["mean"].sum()
    assert sums.loc[2025] == pytest.approx(5000.0)
    assert sums.loc[2026] == pytest.approx(5100.0)
    with pytest.raises(ValueError, match="2026"):
        project(sim.population, base_year=2024, horizon=2026, ward_total=target.iloc[:1])


def test_ward_forecast_has_its_own_intervals(sim):
    res = project_all(sim.population, sim.births, base_year=2024, horizon=2027)
    summed = res.quarters.groupby(["year", "age"])["mean"].sum().to_numpy()
    assert res.ward["mean"].to_numpy() == pytest.approx(summed)
    quarter_width = (
        res.quarters.groupby(["year", "age"])["hi80"].sum() - res.quarters.groupby(["year", "age"])["lo80"].sum()
    )
    ward_width = (res.ward["hi80"] - res.ward["lo80"]).to_numpy()
    assert (ward_width < quarter_width.to_numpy()).mean() > 0.9  # errors partly cancel over quarters


def test_include_base_adds_observed_year(sim):
    f = project(sim.population, base_year=2024, horizon=2025, include_base=True, intervals=False)
    base = f[f.year == 2024]
    observed = sim.population[sim.population.year == 2024].groupby(["quarter_id", "age"])["count"].sum()
    assert base["mean"].to_numpy() == pytest.approx(observed[observed.index.get_level_values("age") <= 18].to_numpy())
    assert (base["lo95"] == base["mean"]).all()


# ---- planner-readable errors -----------------------------------------------------------------


def small_population() -> pd.DataFrame:
    years = np.arange(2019, 2025)
    return frame({"KP01": np.full((19, years.size), 10.0), "KP02": np.full((19, years.size), 5.0)}, years)


def test_gap_in_years_is_refused():
    pop = small_population()
    with pytest.raises(ValueError, match=r"no rows for year\(s\) 2021.*without gaps"):
        project(pop[pop.year != 2021])


def test_short_history_is_refused():
    pop = small_population()
    with pytest.raises(ValueError, match="at least 3 consecutive years"):
        project(pop[pop.year >= 2023])


def test_missing_ages_are_refused():
    pop = small_population()
    drop = (pop.quarter_id == "KP02") & (pop.year == 2022) & (pop.age == 7)
    with pytest.raises(ValueError, match=r"missing 1 row.*KP02, 2022, age 7"):
        project(pop[~drop])
    with pytest.raises(ValueError, match="stops at age 15"):
        project(pop[pop.age <= 15])


def test_duplicates_negative_and_blank_counts_are_refused():
    pop = small_population()
    with pytest.raises(ValueError, match="duplicate rows"):
        project(pd.concat([pop, pop.iloc[[5]]], ignore_index=True))
    bad = pop.copy()
    bad.loc[3, "count"] = -2
    with pytest.raises(ValueError, match=r"column 'count'.*rows 5"):
        project(bad)
    bad = pop.copy().astype({"count": object})
    bad.loc[0, "count"] = ""
    with pytest.raises(ValueError, match="blank or non-numeric"):
        project(bad)
    with pytest.raises(ValueError, match="missing column"):
        project(pop.drop(columns="age"))


def test_errors_name_the_spreadsheet_row_when_later_years_are_cut():
    """With a base year before the last year, the rows of later years are dropped before the
    checks: the row named must still be the row of the file, not of the filtered table."""
    pop = small_population()  # rows ordered quarter, age, year: 2024 rows are interleaved
    k = int(np.flatnonzero((pop.quarter_id == "KP02") & (pop.year == 2023) & (pop.age == 4))[0])
    bad = pop.copy()
    bad.loc[k, "count"] = -2
    with pytest.raises(ValueError, match=rf"column 'count'.*rows {k + 2}\)"):
        project(bad, base_year=2023, horizon=2026, intervals=False)
    dup = pd.concat([pop, pop.iloc[[k]]], ignore_index=True)
    with pytest.raises(ValueError, match=rf"duplicate rows .*spreadsheet rows {k + 2}, {len(pop) + 2}\)"):
        project(dup, base_year=2023, horizon=2026, intervals=False)
    births = pd.DataFrame(
        {"quarter_id": ["KP01"] * 6, "year": [2024, 2019, 2020, 2021, 2022, 2023], "births": [3, 3, 3, 3, "", 3]}
    )
    with pytest.raises(ValueError, match=r"births.csv, column 'births'.*rows 6,"):
        project(pop, births.astype({"births": object}), base_year=2023, horizon=2026, intervals=False)


def test_quarter_with_a_hole_and_unknown_births_quarter_are_refused():
    pop = small_population()
    with pytest.raises(ValueError, match="KP01 in 2021"):
        project(pop[~((pop.quarter_id == "KP01") & (pop.year == 2021))])
    births = pd.DataFrame({"quarter_id": ["KP09"] * 3, "year": [2022, 2023, 2024], "births": [1, 2, 3]})
    with pytest.raises(ValueError, match=r"births\.csv names quarter"):
        project(pop, births)
    with pytest.raises(ValueError, match="horizon 2024 must be after the base year"):
        project(pop, horizon=2024)
