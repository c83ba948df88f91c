"""forecast.backtest: honest intervals, metrics by hand, and the sample wards' results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import METHODS, backtest
from forecast.backtest import ENTRY_AGES, summarize
from forecast.simulate import simulate_ward


@pytest.fixture(scope="module")
def sim():
    return simulate_ward(15, 2015, 2024, 65, seed=21)


@pytest.fixture(scope="module")
def sim_backtest(sim):
    return backtest(sim.population, sim.births, max_horizon=3)


def test_cells_cover_every_method_origin_and_horizon(sim_backtest):
    cells = sim_backtest.cells
    assert set(cells["method"]) == set(METHODS)
    # origins 2019…2023: the first two possible origins (2017, 2018) only calibrate
    assert sorted(cells["origin"].unique()) == list(range(2019, 2024))
    per = cells.groupby(["method", "origin"])["horizon"].max()
    assert per.loc[("shrunk", 2019)] == 3 and per.loc[("shrunk", 2023)] == 1
    assert (cells["year"] == cells["origin"] + cells["horizon"]).all()
    assert len(cells) == len(METHODS) * 15 * 19 * (3 + 3 + 3 + 2 + 1)


def test_baselines_are_what_they_claim(sim, sim_backtest):
    cells = sim_backtest.cells.set_index(["method", "origin", "horizon", "quarter_id", "age"])
    pop = sim.population.groupby(["quarter_id", "year", "age"])["count"].sum()
    q = sim.quarter_ids[4]
    # naive: same age, origin year
    assert cells.loc[("naive", 2020, 3, q, 7), "mean"] == pop.loc[(q, 2020, 7)]
    # pure aging: the cohort 3 years younger at the origin
    assert cells.loc[("aging", 2020, 3, q, 7), "mean"] == pop.loc[(q, 2020, 4)]
    # pure aging: cohorts born after the origin keep the origin's age-0 count
    assert cells.loc[("aging", 2020, 3, q, 1), "mean"] == pop.loc[(q, 2020, 0)]
    # simple shrunk Hamilton–Perry: age 0 held at the quarter's mean of the last 5 years
    recent = [pop.loc[(q, y, 0)] for y in range(2016, 2021)]
    assert cells.loc[("hp_shrunk", 2020, 2, q, 0), "mean"] == pytest.approx(np.mean(recent))
    # actual values are the observed ones
    assert cells.loc[("shrunk", 2021, 2, q, 5), "actual"] == pop.loc[(q, 2023, 5)]


def test_intervals_use_only_data_before_the_origin(sim):
    """Changing the last year's data changes actuals only, never a forecast or its interval."""
    first = backtest(sim.population, sim.births, max_horizon=2, methods=("shrunk",))
    pop = sim.population.copy()
    last = pop["year"] == 2024
    pop.loc[last, "count"] = pop.loc[last, "count"] * 2 + 3
    second = backtest(pop, sim.births, max_horizon=2, methods=("shrunk",))
    cols = ["mean", "point", "lo80", "hi80", "lo95", "hi95"]
    pd.testing.assert_frame_equal(first.cells[cols], second.cells[cols])
    changed = first.cells["actual"] != second.cells["actual"]
    assert (first.cells.loc[changed, "year"] == 2024).all() and changed.any()


def test_summary_metrics_by_hand():
    cells = pd.DataFrame(
        {
            "method": ["shrunk"] * 4,
            "horizon": [1, 1, 2, 2],
            "age": [3, 4, 3, 11],
            "actual": [10.0, 0.0, 20.0, 50.0],
            "mean": [12.4, 1.2, 18.0, 50.0],
            "point": [12.0, 1.0, 18.0, 50.0],
            "lo80": [11.0, 0.0, 15.0, 51.0],
            "hi80": [13.0, 2.0, 21.0, 55.0],
            "lo95": [9.0, 0.0, 14.0, 45.0],
            "hi95": [14.0, 3.0, 22.0, 56.0],
        }
    )
    s = summarize(cells).set_index(["breakdown", "group"])
    h1 = s.loc[("horizon", "1")]
    assert h1["wmape"] == pytest.approx((2 + 1) / 10 * 100)  # Σ|F−A| / ΣA with whole-person F
    assert h1["mape"] == pytest.approx(20.0)  # the zero actual is left out of MAPE
    assert h1["malpe"] == pytest.approx(20.0)
    assert h1["wmape_mean"] == pytest.approx((2.4 + 1.2) / 10 * 100)
    assert h1["cover80"] == pytest.approx(50.0)  # 10 ∉ [11, 13], 0 ∈ [0, 2]
    everything = s.loc[("all", "all")]
    assert everything["wmape"] == pytest.approx((2 + 1 + 2 + 0) / 80 * 100)
    assert everything["malpe"] == pytest.approx((20 - 10 + 0) / 3)
    assert everything["bias_mean"] == pytest.approx((2.4 + 1.2 - 2.0 + 0.0) / 80 * 100)
    assert everything["cover95"] == pytest.approx(100.0)
    assert set(s.loc["age"].index) == {"3", "4", "11"}


def test_too_short_history_for_a_backtest():
    sim = simulate_ward(5, 2020, 2024, 19, with_sex=False, seed=2)
    with pytest.raises(ValueError, match="needs at least 6 years"):
        backtest(sim.population)


def _load(folder):
    def read(name):
        return pd.read_csv(folder / name, dtype={"quarter_id": str}) if (folder / name).exists() else None

    return read("population.csv"), read("births.csv"), read("housing.csv")


@pytest.mark.slow
@pytest.mark.parametrize("ward", ["phuoc_binh_dir", "thien_hoa_dir"])
def test_method_beats_every_baseline_on_the_sample_wards(ward, request):
    folder = request.getfixturevalue(ward)
    population, births, housing = _load(folder)
    result = backtest(population, births, housing)
    wmape = result.table("wmape", "horizon")
    assert list(wmape.index) == ["1", "2", "3", "4", "5"]
    assert result.beats_baselines().all(), wmape.round(2).to_string()
    overall = result.summary.set_index(["breakdown", "group", "method"]).loc[("all", "all", "shrunk")]
    assert 75.0 <= overall["cover80"] <= 85.0
    assert 90.0 <= overall["cover95"] <= 98.0
    entry = result.table("wmape", "age")
    assert list(entry.index) == [str(a) for a in ENTRY_AGES]
    assert np.isfinite(entry.to_numpy()).all()
