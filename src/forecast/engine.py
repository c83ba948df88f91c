"""The projection engine on arrays: one method, one origin, vectorized over quarters × ages.

`project_means(arrays, base_index, steps, method, settings)` projects from the end of year
`arrays.years[base_index]` (later data is ignored) and returns expected residents
[quarter, age, step] for the `steps` following years. Methods:

- "shrunk": shrunk cohort-change ratios (`ratios`), age 0 from the births model (`births`),
  planned housing (`housing`) — the project's method;
- "hp_unshrunk": raw quarter ratios and raw quarter child–woman (or births) ratios held at the
  window's level, no housing — textbook Hamilton–Perry;
- "aging": every cohort ages with ratio 1, age 0 stays at its base-year value;
- "naive": every age keeps its base-year count.

`rolling_errors` projects from every earlier origin and summarizes the errors against what
happened up to the base year (the material `intervals.calibrate` fits intervals on).
"""
from __future__ import annotations

import numpy as np

from forecast.births import exposure, fit_youngest_age
from forecast.housing import arrivals, net_of_housing, yield_by_age
from forecast.intervals import ErrorSummary, summarize_errors
from forecast.ratios import estimate_ratios
from forecast.settings import DEFAULT_SETTINGS, METHODS, ForecastSettings
from forecast.tables import MIN_HISTORY_YEARS, WardArrays

__all__ = ["project_means", "rolling_errors", "first_origin_index"]


def first_origin_index() -> int:
    """Index (in years) of the earliest origin that has enough history to project from."""
    return MIN_HISTORY_YEARS - 1


#: A quarter whose population halves or doubles in one year (a boundary change, a new
#: quarter filling up) is treated as new from that year: earlier years do not enter its ratios.
BREAK_FACTOR = 2.0


def usable_years(total: np.ndarray, exists: np.ndarray) -> np.ndarray:
    """[Q, T] years whose population may enter the quarter's ratios: the quarter had residents
    and no structural break (a one-year jump by BREAK_FACTOR or more) happened later."""
    people = total.sum(axis=1)  # [Q, T]
    prev, cur = people[:, :-1], people[:, 1:]
    jump = (cur > BREAK_FACTOR * prev) | (cur * BREAK_FACTOR < prev)
    jump &= (cur > 0)
    jump = np.concatenate([np.zeros((people.shape[0], 1), bool), jump], axis=1)
    # the latest break year per quarter (0 when none); years before it are not used
    t_idx = np.arange(people.shape[1])[None, :]
    last_break = np.where(jump, t_idx, 0).max(axis=1)
    return exists & (t_idx >= last_break[:, None])


def _aging(base: np.ndarray, steps: int) -> np.ndarray:
    out = np.empty((*base.shape, steps))
    cur = base
    for j in range(steps):
        nxt = np.empty_like(cur)
        nxt[:, 1:] = cur[:, :-1]
        nxt[:, 0] = base[:, 0]
        out[:, :, j] = nxt
        cur = nxt
    return out


def project_means(
    arrays: WardArrays,
    base_index: int,
    steps: int,
    method: str = "shrunk",
    settings: ForecastSettings = DEFAULT_SETTINGS,
) -> np.ndarray:
    """Expected residents [Q, A, steps] (persons) for the years after `years[base_index]`."""
    if method not in METHODS:
        raise ValueError(f"unknown forecast method {method!r}; choose one of {', '.join(METHODS)}")
    hist = arrays.truncated(base_index)
    total = hist.total
    n_q, n_a, n_t = total.shape
    base = total[:, :, -1]
    if method == "naive":
        return np.repeat(base[:, :, None], steps, axis=2)
    if method == "aging":
        return _aging(base, steps)
    shrink = method == "shrunk"
    bounds = settings.ratio_bounds if shrink else None
    housing = hist.housing if shrink else None
    yields = yield_by_age(settings.yield_table, n_a)
    numerator = net_of_housing(total, housing, yields)
    usable = usable_years(total, hist.exists)
    ratios = estimate_ratios(
        total, numerator, usable, window=settings.window, bands=settings.ratio_bands, bounds=bounds, shrink=shrink
    ).ratio
    female = hist.female
    youngest = fit_youngest_age(
        total, female, hist.births, numerator[:, 0, :], usable,
        steps=steps, window=settings.window, model=settings.births_model, min_years=settings.min_years_ets,
        bounds=settings.factor_bounds if shrink else None, shrink=shrink,
    )
    girls = youngest.girls_share
    female_ratios = None
    if female is not None:
        female_num = net_of_housing(female, housing, yields * girls)
        female_ratios = estimate_ratios(
            female, female_num, usable, window=settings.window, bands=settings.ratio_bands, bounds=bounds, shrink=shrink
        ).ratio
    out = np.empty((n_q, n_a, steps))
    cur, cur_f = base, (female[:, :, -1] if female is not None else None)
    for j in range(steps):  # years only; each step is vectorized over quarters × ages
        nxt = np.empty_like(cur)
        nxt[:, 1:] = cur[:, :-1] * ratios
        nxt_f = None
        if cur_f is not None:
            nxt_f = np.empty_like(cur_f)
            nxt_f[:, 1:] = cur_f[:, :-1] * female_ratios
        nxt[:, 0] = youngest.age0(exposure(youngest.kind, nxt, nxt_f), j)
        if nxt_f is not None:
            nxt_f[:, 0] = nxt[:, 0] * girls
        added = arrivals(housing, n_t + j, yields, n_q)
        if added is not None:
            nxt += added
            if nxt_f is not None:
                nxt_f += added * girls
        out[:, :, j] = nxt
        cur, cur_f = nxt, nxt_f
    return out


def rolling_errors(
    arrays: WardArrays,
    method: str,
    settings: ForecastSettings,
    *,
    n_ages: int,
    origins: list[int] | None = None,
) -> tuple[list[ErrorSummary], list[ErrorSummary]]:
    """Error summaries of `method` projected from each origin index (default: every origin
    from the third year to the year before the base) against the actual years up to the base.

    Returns (quarter-level summaries, ward-level summaries: ward totals by age). Above
    `settings.calibration_quarters` quarters a seeded sample of quarters is used.
    """
    last = arrays.years.size - 1
    if origins is None:
        origins = list(range(first_origin_index(), last))
    if arrays.quarters.size > settings.calibration_quarters:
        rng = np.random.default_rng(20260101)
        pick = np.sort(rng.choice(arrays.quarters.size, settings.calibration_quarters, replace=False))
        arrays = arrays.subset(pick)
    ages = arrays.ages[:n_ages]
    quarter_level: list[ErrorSummary] = []
    ward_level: list[ErrorSummary] = []
    per_summary = max(2000, settings.max_quantile_cells // max(1, len(origins) * 4))
    for o in origins:
        steps = last - o
        if steps <= 0:
            continue
        mean = project_means(arrays, o, steps, method, settings)[:, :n_ages]
        alive = arrays.exists[:, o]
        year = int(arrays.years[o])
        for j in range(steps):
            actual = arrays.total[:, :n_ages, o + 1 + j]
            m = mean[:, :, j]
            quarter_level.append(
                summarize_errors(m[alive], actual[alive], ages, origin=year, horizon=j + 1, max_sample=per_summary)
            )
            ward_level.append(
                summarize_errors(
                    m.sum(axis=0, keepdims=True), actual.sum(axis=0, keepdims=True), ages,
                    origin=year, horizon=j + 1, max_sample=per_summary,
                )
            )
    return quarter_level, ward_level
