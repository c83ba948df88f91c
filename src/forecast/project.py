"""`forecast.project`: school-age population per quarter × single age × year, with intervals.

    project(population, births=None, housing=None, *, base_year=None, horizon=2030, ...)
        -> DataFrame quarter_id, year, age, mean, lo80, hi80, lo95, hi95

Only data up to the end of `base_year` is used (default: the last year of `population`).
The intervals come from the method's own rolling-origin errors over that history
(`intervals`); `project_ward` gives ward totals by age with intervals calibrated on ward-level
errors (a sum of quarter intervals would be too wide); `project_all` returns both at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecast.engine import PLAIN, calibration_sample, fit_combination, project_means, rolling_errors
from forecast.intervals import Calibration, calibrate, fill_bounds
from forecast.settings import DEFAULT_SETTINGS, ForecastSettings
from forecast.tables import WardArrays, ward_arrays

__all__ = ["ForecastResult", "project", "project_ward", "project_all", "FORECAST_COLUMNS", "WARD_COLUMNS"]

FORECAST_COLUMNS = ["quarter_id", "year", "age", "mean", "lo80", "hi80", "lo95", "hi95"]
WARD_COLUMNS = ["year", "age", "mean", "lo80", "hi80", "lo95", "hi95"]
_BOUNDS = ("lo80", "hi80", "lo95", "hi95")


@dataclass(frozen=True, eq=False)
class ForecastResult:
    """Quarter and ward forecasts with the calibrations their intervals came from."""

    quarters: pd.DataFrame  # FORECAST_COLUMNS
    ward: pd.DataFrame  # WARD_COLUMNS (quarters summed)
    calibration: Calibration
    ward_calibration: Calibration
    base_year: int
    settings: ForecastSettings


def _ward_total_factors(ward_total: pd.DataFrame, years: np.ndarray, mean: np.ndarray, max_age: int) -> np.ndarray:
    """Scaling factors [A, H] (or broadcastable) that make quarter sums match `ward_total`."""
    if not {"year", "count"} <= set(ward_total.columns):
        raise ValueError("ward_total needs columns year, count (and optionally age): the independent ward forecast.")
    table = ward_total.copy()
    table["year"] = pd.to_numeric(table["year"], errors="coerce")
    table["count"] = pd.to_numeric(table["count"], errors="coerce")
    if table[["year", "count"]].isna().any().any() or (table["count"] < 0).any():
        raise ValueError("ward_total: year and count must be numbers and counts >= 0 in every row.")
    sums = mean.sum(axis=0)  # [A, H]
    if "age" in table.columns:
        target = table.pivot_table(index="age", columns="year", values="count", aggfunc="sum")
        target = target.reindex(index=np.arange(max_age + 1), columns=years)
        if target.isna().any().any():
            raise ValueError(f"ward_total must give a count for every age 0–{max_age} and year {years[0]}–{years[-1]}.")
        return np.divide(target.to_numpy(float), sums, out=np.ones_like(sums), where=sums > 0)
    target = table.groupby("year")["count"].sum().reindex(years)
    if target.isna().any():
        missing = [int(y) for y in target.index[target.isna()]]
        raise ValueError(
            f"ward_total has no count for year(s) {', '.join(map(str, missing))}; give every forecast year."
        )
    totals = sums.sum(axis=0)
    factor = np.divide(target.to_numpy(float), totals, out=np.ones_like(totals), where=totals > 0)
    return np.broadcast_to(factor[None, :], sums.shape)


#: Quarters whose interval bounds are computed at a time while the tidy table is filled.
_TIDY_QUARTERS = 20_000


def _tidy(
    quarters: np.ndarray,
    years: np.ndarray,
    ages: np.ndarray,
    mean: np.ndarray,
    calibration: Calibration | None,
    factor: np.ndarray | None = None,
    observed: np.ndarray | None = None,
) -> pd.DataFrame:
    """Forecasts `mean` [Q, A, H] → rows ordered by quarter_id, year, age with their bounds.

    The bounds (`calibration`; None: equal to the mean) are computed for a chunk of quarters
    at a time and written straight into the one float block behind the table, scaled by
    `factor` [A, H] (the ward-total constraint) when given; `observed` [Q, A] (include_base)
    is prepended as the base year with bounds equal to it. A city-scale forecast thus never
    holds its bounds twice (19 million rows: the table's 0.9 GB and the mean, nothing more)."""
    n_q, n_a, n_h = mean.shape
    first = 0 if observed is None else 1
    n_y = n_h + first
    block = np.empty((5, n_q * n_y * n_a))
    views = [block[i].reshape(n_q, n_y, n_a) for i in range(5)]
    for q0 in range(0, n_q, _TIDY_QUARTERS):  # chunks of quarters, each vectorized
        q1 = min(n_q, q0 + _TIDY_QUARTERS)
        m = views[0][q0:q1, first:]
        m[...] = mean[q0:q1].transpose(0, 2, 1)  # [q, H, A]: the table's order
        parts = [
            views[i][q0:q1, first:] for i in (3, 1, 2, 4)
        ]  # lo95, lo80, hi80, hi95 (columns: mean, lo80, hi80, lo95, hi95)
        if calibration is not None:
            fill_bounds(m, ages, calibration, parts, age_axis=2)
        else:
            for part in parts:
                part[...] = m
        if factor is not None:
            for i in range(5):
                views[i][q0:q1, first:] *= factor.T[None]
        if observed is not None:
            for i in range(5):
                views[i][q0:q1, 0] = observed[q0:q1]
    frame = pd.DataFrame(block.T, columns=["mean", *_BOUNDS], copy=False)
    # each column inserted as a Series sharing its array (an array or Index would be copied again)
    ids = pd.Index(quarters).repeat(n_a * n_y).array
    frame.insert(0, "quarter_id", pd.Series(ids, index=frame.index, copy=False))
    year_col = np.empty((n_q, n_y * n_a), dtype=np.int64)
    year_col[...] = np.repeat(years, n_a)  # one broadcast copy, not a tile
    age_col = np.empty((n_q * n_y, n_a), dtype=np.int64)
    age_col[...] = ages
    frame.insert(1, "year", pd.Series(year_col.reshape(-1), index=frame.index, copy=False))
    frame.insert(2, "age", pd.Series(age_col.reshape(-1), index=frame.index, copy=False))
    return frame[FORECAST_COLUMNS] if list(frame.columns) != FORECAST_COLUMNS else frame


def project_arrays(
    arrays: WardArrays,
    *,
    horizon: int,
    max_age: int,
    intervals: bool,
    settings: ForecastSettings,
) -> tuple[np.ndarray, np.ndarray, Calibration | None, Calibration | None]:
    """(forecast years, quarter means [Q, A, H], quarter and ward calibrations — None without
    intervals) for the shrunk method; the bounds are computed by `_tidy`."""
    base_year = arrays.base_year
    steps = horizon - base_year
    n_ages = max_age + 1
    base_index = arrays.years.size - 1
    sample = calibration_sample(arrays, settings)
    combination, past = PLAIN, None
    if settings.combine:
        combination, past = fit_combination(sample, base_index, settings)
    # quarters merged away before the base year have no forecast; their past still trains the method
    mean = project_means(arrays, base_index, steps, "shrunk", settings, combination)[:, :n_ages]
    now = arrays.exists[:, -1]
    if not now.all():
        mean = mean[now]
    quarter_cal = ward_cal = None
    if intervals:
        quarter_errors, ward_errors = rolling_errors(
            sample, "shrunk", settings, n_ages=n_ages, combination=combination, past=past
        )
        quarter_cal, ward_cal = calibrate(quarter_errors), calibrate(ward_errors)
    years = np.arange(base_year + 1, horizon + 1)
    return years, mean, quarter_cal, ward_cal


def project_all(
    population: pd.DataFrame,
    births: pd.DataFrame | None = None,
    housing: pd.DataFrame | None = None,
    *,
    base_year: int | None = None,
    horizon: int = 2030,
    max_age: int = 18,
    ward_total: pd.DataFrame | None = None,
    include_base: bool = False,
    intervals: bool = True,
    settings: ForecastSettings = DEFAULT_SETTINGS,
    women: pd.DataFrame | None = None,
) -> ForecastResult:
    """Quarter and ward forecasts (see `project` and `project_ward`)."""
    arrays = ward_arrays(
        population, births, housing, base_year=base_year, horizon=horizon, max_age=max_age, women=women
    )
    base = arrays.base_year
    if horizon <= base:
        raise ValueError(
            f"horizon {horizon} must be after the base year {base}: the forecast covers base + 1 … horizon."
        )
    years, mean, quarter_cal, ward_cal = project_arrays(
        arrays, horizon=horizon, max_age=max_age, intervals=intervals, settings=settings
    )
    ward_mean = mean.sum(axis=0, keepdims=True)
    factor = None if ward_total is None else _ward_total_factors(ward_total, years, mean, max_age)
    ages = arrays.ages[: max_age + 1]
    now = arrays.exists[:, -1]
    observed = ward_observed = None
    if include_base:
        observed = arrays.total[now, : max_age + 1, -1]
        ward_observed = observed.sum(axis=0, keepdims=True)
        years = np.r_[base, years]
    quarter_frame = _tidy(arrays.quarters[now], years, ages, mean, quarter_cal, factor, observed)
    ward_frame = _tidy(np.array(["ward"], dtype=object), years, ages, ward_mean, ward_cal, factor, ward_observed)
    ward_frame = ward_frame.drop(columns="quarter_id")
    none = Calibration((0.0,) * 6, (0.0,) * 4, 0, ())
    return ForecastResult(quarter_frame, ward_frame, quarter_cal or none, ward_cal or none, base, settings)


def project(
    population: pd.DataFrame,
    births: pd.DataFrame | None = None,
    housing: pd.DataFrame | None = None,
    *,
    base_year: int | None = None,
    horizon: int = 2030,
    max_age: int = 18,
    ward_total: pd.DataFrame | None = None,
    include_base: bool = False,
    intervals: bool = True,
    settings: ForecastSettings = DEFAULT_SETTINGS,
    women: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Forecast residents per quarter × single age 0…max_age × year base+1…horizon (persons).

    population: quarter_id, year, age, count [, sex] (residents at the end of each year);
    births: quarter_id, year, births (optional); housing: quarter_id, year, new_dwellings
    (optional, planned completions, future years included). Only data up to the end of
    `base_year` is used. `ward_total` (optional: year, count [, age]) rescales quarters so their
    sum matches an independent ward forecast of ages 0…max_age. Returns quarter_id, year,
    age, mean, lo80, hi80, lo95, hi95 (80 % and 95 % prediction intervals; with
    `intervals=False` the bounds equal the mean). `women` (quarter_id, year, women_15_49;
    optional) gives the age-0 model its exposure when the population table has no sex.
    """
    return project_all(
        population,
        births,
        housing,
        base_year=base_year,
        horizon=horizon,
        max_age=max_age,
        ward_total=ward_total,
        include_base=include_base,
        intervals=intervals,
        settings=settings,
        women=women,
    ).quarters


def project_ward(
    population: pd.DataFrame,
    births: pd.DataFrame | None = None,
    housing: pd.DataFrame | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Ward totals by age and year: year, age, mean, lo80, hi80, lo95, hi95 (persons); the
    intervals are calibrated on the method's ward-level rolling-origin errors."""
    return project_all(population, births, housing, **options).ward
