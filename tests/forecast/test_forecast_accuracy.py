"""forecast.ward_accuracy: backtest cells summed to ward (or catchment) totals and scored."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import area_totals, backtest, total_accuracy, ward_accuracy
from forecast.simulate import simulate_ward


def _cells() -> pd.DataFrame:
    """Two quarters, age 6, one origin, horizons 1–2, the method and the naive baseline."""
    rows = [
        # method, horizon, quarter, actual, mean, point
        ("shrunk", 1, "Q1", 10, 11.4, 11),
        ("shrunk", 1, "Q2", 30, 27.8, 28),
        ("shrunk", 2, "Q1", 12, 12.0, 12),
        ("shrunk", 2, "Q2", 28, 30.6, 31),
        ("naive", 1, "Q1", 10, 8.0, 8),
        ("naive", 1, "Q2", 30, 30.0, 30),
        ("naive", 2, "Q1", 12, 8.0, 8),
        ("naive", 2, "Q2", 28, 30.0, 30),
    ]
    cells = pd.DataFrame(rows, columns=["method", "horizon", "quarter_id", "actual", "mean", "point"])
    cells["origin"] = 2020
    cells["year"] = 2020 + cells["horizon"]
    cells["age"] = 6
    for col in ("lo80", "hi80", "lo95", "hi95"):
        cells[col] = cells["mean"]
    # an age that is not an entry age: left out by default
    other = cells.assign(age=7, actual=1000.0, mean=0.0, point=0.0)
    return pd.concat([cells, other], ignore_index=True)


def test_ward_totals_and_metrics_by_hand():
    totals = area_totals(_cells()).set_index(["method", "horizon"])
    assert set(totals["area"]) == {"ward"} and set(totals["age"]) == {6}  # age 7 is no entry age
    assert totals.loc[("shrunk", 1), "actual"] == 40 and totals.loc[("shrunk", 1), "mean"] == pytest.approx(39.2)
    assert totals.loc[("shrunk", 2), "point"] == 43 and totals.loc[("shrunk", 2), "year"] == 2022

    acc = ward_accuracy(_cells())
    h = acc[acc["breakdown"] == "horizon"].set_index(["method", "horizon"])
    # shrunk: h1 ward total 39.2 vs 40 (−2 %), h2 42.6 vs 40 (+6.5 %)
    assert h.loc[("shrunk", 1), "mape"] == pytest.approx(2.0)
    assert h.loc[("shrunk", 1), "accuracy"] == pytest.approx(98.0)
    assert h.loc[("shrunk", 2), "malpe"] == pytest.approx(6.5)
    assert h.loc[("shrunk", 2), "mape_point"] == pytest.approx(7.5)  # 43 vs 40
    # naive: 38 vs 40 and 38 vs 40
    assert h.loc[("naive", 2), "wmape"] == pytest.approx(5.0)
    assert h.loc[("naive", 2), "malpe"] == pytest.approx(-5.0)
    every = acc[acc["breakdown"] == "all"].set_index("method")
    assert every.loc["shrunk", "mape"] == pytest.approx((2.0 + 6.5) / 2)
    assert every.loc["shrunk", "wmape"] == pytest.approx((0.8 + 2.6) / 80 * 100)
    assert every.loc["shrunk", "accuracy"] == pytest.approx(100 - 4.25)
    assert every.loc["naive", "totals"] == 2 and every.loc["naive", "actual"] == 80
    by_age = acc[acc["breakdown"] == "age"]
    assert by_age["age"].tolist() == [6, 6] and by_age["horizon"].isna().all()
    wide = forecast.accuracy_table(acc, "accuracy", "horizon")
    assert list(wide.columns) == ["shrunk", "naive"] and wide.loc[1, "shrunk"] == pytest.approx(98.0)


def test_catchments_with_split_shares_conserve_children():
    cells = _cells()
    groups = pd.DataFrame({"quarter_id": ["Q1", "Q1", "Q2"], "area": ["S1", "S2", "S2"], "share": [0.7, 0.3, 1.0]})
    by_school = area_totals(cells, groups)
    ward = area_totals(cells).set_index(["method", "origin", "horizon", "age"])
    summed = by_school.groupby(["method", "origin", "horizon", "age"])[["actual", "mean", "point"]].sum()
    pd.testing.assert_frame_equal(summed.sort_index(), ward[["actual", "mean", "point"]].sort_index())
    s1 = by_school.set_index(["method", "horizon", "area"]).loc[("shrunk", 1, "S1")]
    assert s1["actual"] == pytest.approx(7.0) and s1["mean"] == pytest.approx(0.7 * 11.4)
    # a plain mapping quarter → school works the same (share 1)
    mapped = ward_accuracy(cells, {"Q1": "S1", "Q2": "S2"})
    h1 = mapped[(mapped["breakdown"] == "horizon") & (mapped["method"] == "shrunk") & (mapped["horizon"] == 1)]
    assert h1["mape"].iloc[0] == pytest.approx((1.4 / 10 + 2.2 / 30) / 2 * 100)
    assert h1["totals"].iloc[0] == 2


def test_bad_groupings_are_refused():
    cells = _cells()
    with pytest.raises(ValueError, match="more than 1"):
        area_totals(cells, pd.DataFrame({"quarter_id": ["Q1", "Q1"], "area": ["S1", "S2"], "share": [0.7, 0.7]}))
    with pytest.raises(ValueError, match="share"):
        area_totals(cells, pd.DataFrame({"quarter_id": ["Q1"], "area": ["S1"], "share": [-0.1]}))
    with pytest.raises(ValueError, match="area"):
        area_totals(cells, pd.DataFrame({"quarter_id": ["Q1"], "school_id": ["S1"]}))
    with pytest.raises(ValueError, match="actual"):
        area_totals(cells.drop(columns=["actual"]))


def test_ward_totals_are_what_project_would_have_published():
    """Honesty: the summed backtest mean of an origin equals forecast.project(base_year=origin)."""
    sim = simulate_ward(8, 2015, 2023, 40, seed=5)
    cells = backtest(sim.population, sim.births, max_horizon=2, methods=("shrunk", "naive")).cells
    totals = area_totals(cells).set_index(["method", "origin", "horizon", "age"])
    origin = 2020
    pop = sim.population[sim.population["year"] <= origin]
    births = sim.births[sim.births["year"] <= origin]
    published = forecast.project(pop, births, base_year=origin, horizon=origin + 2)
    want = published[published["age"].isin([3, 4, 5, 6, 11])].groupby(["year", "age"])["mean"].sum()
    for (year, age), value in want.items():
        assert totals.loc[("shrunk", origin, year - origin, age), "mean"] == pytest.approx(value, rel=1e-9)
    # and the outcome is the observed ward count
    observed = sim.population.groupby(["year", "age"])["count"].sum()
    assert totals.loc[("naive", origin, 1, 6), "actual"] == observed.loc[(origin + 1, 6)]
    assert totals.loc[("naive", origin, 1, 6), "mean"] == observed.loc[(origin, 6)]


def test_accuracy_pools_every_method_and_age_vectorized():
    sim = simulate_ward(6, 2015, 2022, 30, seed=9)
    cells = backtest(sim.population, sim.births, max_horizon=2).cells
    acc = total_accuracy(area_totals(cells, ages=None))
    assert set(acc["method"]) == set(forecast.METHODS)
    ages = acc.loc[(acc["breakdown"] == "age") & (acc["method"] == "shrunk"), "age"]
    assert sorted(ages) == list(range(19))
    assert np.allclose(acc["accuracy"], 100 - acc["mape"])
