"""Rolling-origin backtest of the method against three baselines, with honest intervals.

For every origin year o from the third year of history to the year before the last, each
method projects from the data up to o; cells (quarter × age 0…max_age × horizon h ≤
max_horizon) are compared with what was later observed. Intervals of an origin are calibrated
only on errors of earlier origins that had been observed by year o (exactly what
`forecast.project(..., base_year=o)` would publish), so an origin is evaluated only when at
least `settings.min_calibration_origins` earlier origins exist.

Point forecast. Outcomes are whole children and the error metrics are absolute errors, whose
best point forecast is the median of the predictive distribution, not its mean: in a cohort of
5 children where one leaves in a year with probability 10 %, the mean 4.9 misses by 0.1 nine
times in ten, the whole number 5 only once. Every method's point forecast F is therefore its
expected count rounded to whole persons (`point`); the expected count itself (`mean`, what
forecast.csv publishes and what sums correctly over quarters) is scored too (`wmape_mean`,
`bias_mean`), so both are visible.

Metrics (percent): MAPE (mean |F−A|/A over cells with A > 0), weighted MAPE (Σ|F−A| / ΣA),
MALPE (mean (F−A)/A over cells with A > 0, the bias), wmape_mean (weighted MAPE of the
unrounded mean), bias_mean (Σ(mean − A) / ΣA: the bias of totals) and the coverage of the
80 % and 95 % intervals, by horizon, by entry age (3, 4, 5, 6, 11) and by cohort-size class
(of the actual count).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.engine import first_origin_index, project_means
from forecast.intervals import calibrate, interval_bounds, summarize_errors
from forecast.settings import DEFAULT_SETTINGS, METHOD_LABELS, METHODS, ForecastSettings
from forecast.tables import ward_arrays

__all__ = ["BacktestResult", "backtest", "summarize", "ENTRY_AGES", "SIZE_CLASSES"]

ENTRY_AGES = (3, 4, 5, 6, 11)
SIZE_EDGES = (5, 10, 20, 50, 100)
SIZE_CLASSES = ("0–4", "5–9", "10–19", "20–49", "50–99", "100+")
CELL_COLUMNS = ["method", "origin", "horizon", "year", "quarter_id", "age", "actual", "mean", "point", "lo80", "hi80", "lo95", "hi95"]
SUMMARY_COLUMNS = [
    "method", "breakdown", "group", "cells", "mape", "wmape", "malpe", "wmape_mean", "bias_mean", "cover80", "cover95"
]


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """`cells`: one row per method × origin × horizon × quarter × age; `summary`: metrics."""

    cells: pd.DataFrame
    summary: pd.DataFrame

    def table(self, metric: str = "wmape", breakdown: str = "horizon") -> pd.DataFrame:
        """Metric by group (rows) and method (columns), methods in the standard order."""
        part = self.summary[self.summary["breakdown"] == breakdown]
        wide = part.pivot(index="group", columns="method", values=metric)
        wide = wide[[m for m in METHODS if m in wide.columns]]
        order = list(dict.fromkeys(part["group"]))
        return wide.loc[order]

    def beats_baselines(self, metric: str = "wmape") -> pd.Series:
        """Per horizon: is the shrunk method strictly better than every baseline?"""
        wide = self.table(metric, "horizon")
        baselines = [m for m in wide.columns if m != "shrunk"]
        return wide[baselines].gt(wide["shrunk"], axis=0).all(axis=1)


def _size_class(actual: np.ndarray) -> np.ndarray:
    return np.asarray(SIZE_CLASSES, dtype=object)[np.searchsorted(SIZE_EDGES, actual, side="right")]


def summarize(cells: pd.DataFrame) -> pd.DataFrame:
    """Metrics of backtest cells by method × (all | horizon | entry age | size class)."""
    actual = cells["actual"].to_numpy(float)
    mean = cells["point"].to_numpy(float)
    expected = cells["mean"].to_numpy(float)
    positive = actual > 0
    work = pd.DataFrame({
        "method": cells["method"].to_numpy(),
        "horizon": cells["horizon"].to_numpy(),
        "age": cells["age"].to_numpy(),
        "size": _size_class(actual),
        "actual": actual,
        "abs_err": np.abs(mean - actual),
        "ape": np.where(positive, np.abs(mean - actual) / np.where(positive, actual, 1), np.nan),
        "pe": np.where(positive, (mean - actual) / np.where(positive, actual, 1), np.nan),
        "abs_err_mean": np.abs(expected - actual),
        "err_mean": expected - actual,
        "in80": (actual >= cells["lo80"].to_numpy()) & (actual <= cells["hi80"].to_numpy()),
        "in95": (actual >= cells["lo95"].to_numpy()) & (actual <= cells["hi95"].to_numpy()),
    })
    parts = []
    for breakdown, key, subset in (
        ("all", None, work),
        ("horizon", "horizon", work),
        ("age", "age", work[work["age"].isin(ENTRY_AGES)]),
        ("size", "size", work),
    ):
        keys = ["method"] if key is None else ["method", key]
        g = subset.groupby(keys, sort=False)
        table = pd.DataFrame({
            "cells": g.size(),
            "mape": g["ape"].mean() * 100,
            "wmape": g["abs_err"].sum() / g["actual"].sum() * 100,
            "malpe": g["pe"].mean() * 100,
            "wmape_mean": g["abs_err_mean"].sum() / g["actual"].sum() * 100,
            "bias_mean": g["err_mean"].sum() / g["actual"].sum() * 100,
            "cover80": g["in80"].mean() * 100,
            "cover95": g["in95"].mean() * 100,
        }).reset_index()
        table["breakdown"] = breakdown
        table["group"] = "all" if key is None else table[key].astype(str)
        if key == "size":
            table["order"] = table["group"].map({c: i for i, c in enumerate(SIZE_CLASSES)})
        elif key is not None:
            table["order"] = table[key].astype(int)
        else:
            table["order"] = 0
        table["method_order"] = table["method"].map({m: i for i, m in enumerate(METHODS)})
        parts.append(table.sort_values(["order", "method_order"]))
    summary = pd.concat(parts, ignore_index=True)
    return summary[SUMMARY_COLUMNS]


def backtest(
    population: pd.DataFrame,
    births: pd.DataFrame | None = None,
    housing: pd.DataFrame | None = None,
    *,
    max_horizon: int = 5,
    max_age: int = 18,
    last_year: int | None = None,
    methods: tuple[str, ...] = METHODS,
    settings: ForecastSettings = DEFAULT_SETTINGS,
) -> BacktestResult:
    """Rolling-origin backtest over the history up to `last_year` (default: the last year).

    Returns a `BacktestResult` with the cells and the summary (see the module docstring).
    """
    arrays = ward_arrays(population, births, housing, base_year=last_year, max_age=max_age)
    n_ages = max_age + 1
    ages = arrays.ages[:n_ages]
    last = arrays.years.size - 1
    origins = list(range(first_origin_index(), last))
    first_eval = first_origin_index() + settings.min_calibration_origins
    if not any(o >= first_eval for o in origins):
        need = first_eval + 2
        raise ValueError(
            f"population.csv holds {arrays.years.size} years ({arrays.first_year}–{arrays.base_year}); "
            f"a backtest with honest intervals needs at least {need} years of history."
        )
    frames = []
    for method in methods:
        means: dict[int, np.ndarray] = {}
        errors = []
        for o in origins:
            mean = project_means(arrays, o, last - o, method, settings)[:, :n_ages]
            means[o] = mean
            alive = arrays.exists[:, o]
            for j in range(last - o):
                errors.append(summarize_errors(
                    mean[alive, :, j], arrays.total[alive, :n_ages, o + 1 + j], ages,
                    origin=int(arrays.years[o]), horizon=j + 1, max_sample=settings.max_quantile_cells,
                ))
        for o in origins:
            if o < first_eval:
                continue
            year = int(arrays.years[o])
            cal = calibrate([e for e in errors if e.origin + e.horizon <= year])
            steps = min(max_horizon, last - o)
            mean = means[o][:, :, :steps]
            bounds = interval_bounds(mean, ages, cal)
            alive = np.flatnonzero(arrays.exists[:, o])
            actual = arrays.total[alive][:, :n_ages, o + 1 : o + 1 + steps]
            n_q = alive.size
            shape = (n_q, n_ages, steps)
            frames.append(pd.DataFrame({
                "method": method,
                "origin": year,
                "horizon": np.broadcast_to(np.arange(1, steps + 1)[None, None, :], shape).ravel(),
                "year": year + np.broadcast_to(np.arange(1, steps + 1)[None, None, :], shape).ravel(),
                "quarter_id": np.broadcast_to(arrays.quarters[alive][:, None, None], shape).ravel(),
                "age": np.broadcast_to(ages[None, :, None], shape).ravel(),
                "actual": actual.ravel(),
                "mean": mean[alive].ravel(),
                "point": np.round(mean[alive]).ravel(),
                **{name: arr[alive].ravel() for name, arr in bounds.items()},
            }))
    cells = pd.concat(frames, ignore_index=True)[CELL_COLUMNS]
    return BacktestResult(cells, summarize(cells))


def format_summary(result: BacktestResult) -> str:
    """The backtest as plain-text tables (English; method names as in METHOD_LABELS)."""
    lines = ["Methods: " + "; ".join(f"{m} = {METHOD_LABELS[m]}" for m in METHODS if m in set(result.summary["method"]))]
    blocks = [
        ("Weighted MAPE (%) by horizon (years ahead), point forecast in whole persons", "wmape", "horizon"),
        ("MAPE (%) by horizon", "mape", "horizon"),
        ("MALPE (%, bias) by horizon", "malpe", "horizon"),
        ("Weighted MAPE (%) of the unrounded mean by horizon", "wmape_mean", "horizon"),
        ("Bias of totals (%, Σ(mean − actual)/Σ actual) by horizon", "bias_mean", "horizon"),
        ("Coverage of the 80% interval (%) by horizon", "cover80", "horizon"),
        ("Coverage of the 95% interval (%) by horizon", "cover95", "horizon"),
        ("Weighted MAPE (%) by entry age", "wmape", "age"),
        ("Coverage of the 80% interval (%) by entry age", "cover80", "age"),
        ("Weighted MAPE (%) by cohort size (actual persons)", "wmape", "size"),
        ("Coverage of the 80% interval (%) by cohort size", "cover80", "size"),
        ("All cells", None, "all"),
    ]
    for title, metric, breakdown in blocks:
        lines.append("")
        lines.append(title)
        if metric is None:
            part = result.summary[result.summary["breakdown"] == "all"].drop(columns=["breakdown", "group"])
            lines.append(part.round(2).to_string(index=False))
        else:
            lines.append(result.table(metric, breakdown).round(2).to_string())
    return "\n".join(lines)
