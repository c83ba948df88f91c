"""Accuracy of totals: backtest cells summed to the ward (or to any grouping of quarters).

Planners judge a forecast on the totals they publish — children entering grade 1 in the whole
ward, or in one school's catchment — not on quarter × single-age cells. `area_totals` sums a
backtest's cells (`forecast.backtest(...).cells`) over quarters per method × origin × horizon ×
age: `actual`, the expected count `mean` (what forecast.csv publishes and what demand, quotas
and capacity add up) and the whole-person `point`. `groups` maps quarters to areas (e.g. a
quarter → school mapping, the current zones): each quarter's counts are multiplied by its share
of the area, so a quarter split 70/30 between two schools sends 70 % of its children (observed
and forecast alike) to the first and 30 % to the second and no child is counted twice.

`total_accuracy` scores the totals (percent), pooled over areas and origins, for every method:

- MAPE = mean |F − A| / A over totals with A > 0; accuracy = 100 − MAPE;
- weighted MAPE = Σ |F − A| / Σ A; MALPE = mean (F − A) / A over totals with A > 0 (the bias);

with F the summed `mean` (the published figure); `mape_point`, `wmape_point` and
`malpe_point` score the summed whole-person points as well. Breakdowns: `all`, `horizon`
(pooling the ages asked for), `age` (pooling horizons) and `horizon_age`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from forecast.backtest import ENTRY_AGES
from forecast.settings import METHODS

__all__ = [
    "TOTAL_COLUMNS",
    "ACCURACY_COLUMNS",
    "WARD",
    "area_totals",
    "error_scores",
    "total_accuracy",
    "ward_accuracy",
    "accuracy_table",
]

#: The area name of ward totals (no grouping given).
WARD = "ward"
TOTAL_COLUMNS = ["method", "origin", "horizon", "year", "area", "age", "actual", "mean", "point"]
ACCURACY_COLUMNS = [
    "method",
    "breakdown",
    "horizon",
    "age",
    "totals",
    "actual",
    "mape",
    "wmape",
    "malpe",
    "accuracy",
    "mape_point",
    "wmape_point",
    "malpe_point",
]
_CELL_NEEDS = ("method", "origin", "horizon", "quarter_id", "age", "actual", "mean", "point")
_KEYS = ["method", "origin", "horizon", "year", "area", "age"]


def _groups_table(groups: Mapping[str, str] | pd.Series | pd.DataFrame) -> pd.DataFrame:
    """`quarter_id, area, share` from a mapping quarter → area or a table with those columns."""
    if isinstance(groups, pd.DataFrame):
        missing = [c for c in ("quarter_id", "area") if c not in groups.columns]
        if missing:
            raise ValueError(
                f"groups: missing column(s) {', '.join(missing)}; give quarter_id, area [, share] "
                "(e.g. zones.csv with school_id renamed to area) or a mapping quarter → area"
            )
        table = groups[["quarter_id", "area"]].copy()
        table["share"] = pd.to_numeric(groups["share"], errors="coerce") if "share" in groups else 1.0
    else:
        series = pd.Series(groups)
        table = pd.DataFrame({"quarter_id": series.index, "area": series.to_numpy(), "share": 1.0})
    table["quarter_id"] = table["quarter_id"].astype(str)
    table["area"] = table["area"].astype(str)
    share = table["share"].to_numpy(float)
    bad = ~np.isfinite(share) | (share < 0) | (share > 1 + 1e-9)
    if bad.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad)[:5])
        raise ValueError(f"groups: column 'share' must be a number from 0 to 1, see row(s) {rows}")
    sums = table.groupby("quarter_id")["share"].sum()
    over = sums[sums > 1 + 1e-6]
    if len(over):
        raise ValueError(
            "groups: the shares of quarter(s) "
            + ", ".join(over.index[:5].astype(str))
            + " add up to more than 1, which would count their children twice; shares of a quarter must sum to 1"
        )
    return table


def area_totals(
    cells: pd.DataFrame,
    groups: Mapping[str, str] | pd.Series | pd.DataFrame | None = None,
    *,
    ages: Iterable[int] | None = ENTRY_AGES,
) -> pd.DataFrame:
    """Backtest cells summed over quarters per method × origin × horizon × area × age.

    cells: `forecast.backtest(...).cells` (persons). groups: None for ward totals (area
    "ward"), or quarter → area as a mapping or a table `quarter_id, area [, share]` (shares of a
    split quarter sum to 1; quarters not listed belong to no area and are left out).
    ages: the single ages kept (default the entry ages 3, 4, 5, 6, 11; None: every age).
    Returns `method, origin, horizon, year, area, age, actual, mean, point` (persons; shared
    quarters contribute their share, so totals need not be whole).
    """
    missing = [c for c in _CELL_NEEDS if c not in cells.columns]
    if missing:
        raise ValueError(f"cells: missing column(s) {', '.join(missing)}; pass forecast.backtest(...).cells")
    part = cells if ages is None else cells[cells["age"].isin(list(ages))]
    columns = ["method", "origin", "horizon", "quarter_id", "age", "actual", "mean", "point"]
    part = part[columns].copy()
    part["year"] = part["origin"] + part["horizon"]
    if groups is None:
        part["area"] = WARD
    else:
        table = _groups_table(groups)
        part["quarter_id"] = part["quarter_id"].astype(str)
        part = part.merge(table, on="quarter_id", how="inner")
        share = part["share"].to_numpy(float)
        for col in ("actual", "mean", "point"):
            part[col] = part[col].to_numpy(float) * share
    totals = part.groupby(_KEYS, sort=True)[["actual", "mean", "point"]].sum().reset_index()
    return totals[TOTAL_COLUMNS]


def error_scores(groups: pd.DataFrame, actual: np.ndarray, forecast: np.ndarray, *, sort: bool = True) -> pd.DataFrame:
    """The scores of forecasts against actuals per group of the rows of `groups` (every column a key).

    Returns, indexed by the group keys: `totals` (rows scored), `actual` (their sum), and in
    percent `mape` = mean |F − A| / A and `malpe` = mean (F − A) / A over rows with A > 0, and
    `wmape` = Σ |F − A| / Σ A. The one implementation of these scores (the app's entry-grade
    accuracy uses it too).
    """
    actual = np.asarray(actual, float)
    err = np.asarray(forecast, float) - actual
    positive = actual > 0
    safe = np.where(positive, actual, 1.0)
    work = groups.assign(
        _actual=actual,
        _abs=np.abs(err),
        _ape=np.where(positive, np.abs(err) / safe, np.nan),
        _pe=np.where(positive, err / safe, np.nan),
    )
    g = work.groupby(list(groups.columns), sort=sort)
    return pd.DataFrame(
        {
            "totals": g.size(),
            "actual": g["_actual"].sum(),
            "mape": g["_ape"].mean() * 100,
            "wmape": g["_abs"].sum() / g["_actual"].sum() * 100,
            "malpe": g["_pe"].mean() * 100,
        }
    )


def total_accuracy(totals: pd.DataFrame) -> pd.DataFrame:
    """Metrics (percent) of `area_totals` per method × breakdown (all, horizon, age, horizon_age).

    Returns `method, breakdown, horizon, age, totals, actual, mape, wmape, malpe, accuracy,
    mape_point, wmape_point, malpe_point`; `horizon` / `age` are <NA> where pooled; `totals`
    is the number of totals scored, `actual` their sum (persons).
    """
    actual = totals["actual"].to_numpy(float)
    keys_frame = pd.DataFrame(
        {
            "method": totals["method"].to_numpy(),
            "horizon": totals["horizon"].to_numpy(),
            "age": totals["age"].to_numpy(),
        }
    )
    parts = []
    for breakdown, keys in (
        ("all", []),
        ("horizon", ["horizon"]),
        ("age", ["age"]),
        ("horizon_age", ["horizon", "age"]),
    ):
        by = keys_frame[["method", *keys]]
        table = error_scores(by, actual, totals["mean"].to_numpy(float))
        point = error_scores(by, actual, totals["point"].to_numpy(float))
        for metric in ("mape", "wmape", "malpe"):
            table[f"{metric}_point"] = point[metric]
        table = table.reset_index()
        for key in ("horizon", "age"):
            table[key] = table[key].astype("Int64") if key in keys else pd.array([pd.NA] * len(table), "Int64")
        table["breakdown"] = breakdown
        parts.append(table)
    result = pd.concat(parts, ignore_index=True)
    result["accuracy"] = 100.0 - result["mape"]
    order = {m: i for i, m in enumerate(METHODS)}
    result["_b"] = result["breakdown"].map({"all": 0, "horizon": 1, "age": 2, "horizon_age": 3})
    result["_m"] = result["method"].map(order).fillna(len(order))
    result = result.sort_values(["_b", "horizon", "age", "_m"], kind="stable", na_position="first")
    return result[ACCURACY_COLUMNS].reset_index(drop=True)


def ward_accuracy(
    cells: pd.DataFrame,
    groups: Mapping[str, str] | pd.Series | pd.DataFrame | None = None,
    *,
    ages: Iterable[int] | None = ENTRY_AGES,
) -> pd.DataFrame:
    """Accuracy of ward totals (or of area totals with `groups`) of a backtest, every method.

    `total_accuracy(area_totals(cells, groups, ages=ages))`: weighted MAPE, MAPE, MALPE and
    accuracy = 100 − MAPE (percent) by horizon, by age and by both.
    """
    return total_accuracy(area_totals(cells, groups, ages=ages))


def accuracy_table(accuracy: pd.DataFrame, metric: str = "accuracy", breakdown: str = "horizon") -> pd.DataFrame:
    """A metric of `total_accuracy` by group (rows) and method (columns, standard order)."""
    part = accuracy[accuracy["breakdown"] == breakdown]
    index = {"horizon": "horizon", "age": "age"}.get(breakdown)
    if index is None:
        raise ValueError("breakdown must be 'horizon' or 'age'")
    wide = part.pivot(index=index, columns="method", values=metric)
    return wide[[m for m in METHODS if m in wide.columns]]
