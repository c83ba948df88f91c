"""Tunable choices of the forecast method, in one frozen dataclass with documented defaults.

Every default is justified in docs/forecast.md (most were chosen by rolling-origin backtests on
the sample wards, never on the years being evaluated).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ForecastSettings", "DEFAULT_SETTINGS", "DEFAULT_YIELD", "METHODS", "METHOD_LABELS"]

#: Children living in one newly completed dwelling in the year it is occupied, by single age
#: 0–18 (children per dwelling). ASSUMPTION, not a measured Vietnamese statistic: it encodes a
#: young-family profile (≈ 0.9 children 0–18 per dwelling, half of them under 6) consistent with
#: an average household of ≈ 3.5 persons (Census 2019) and new urban housing being bought or
#: rented mostly by couples aged 25–40. Replace it with a local survey when one exists.
DEFAULT_YIELD: tuple[float, ...] = (
    (0.07,) * 6  # ages 0–5
    + (0.05,) * 5  # ages 6–10
    + (0.035,) * 4  # ages 11–14
    + (0.02,) * 4  # ages 15–18
)

#: Methods run by `forecast.backtest`: the project's method and the three baselines.
METHODS: tuple[str, ...] = ("shrunk", "hp_shrunk", "hp_unshrunk", "aging", "naive")
METHOD_LABELS: dict[str, str] = {
    "shrunk": "this method (cohort ratios validated on the ward's past, leaning toward the quarter's share of the ward)",
    "hp_shrunk": "simple shrunk Hamilton–Perry (5 years, pseudo-count 2000)",
    "hp_unshrunk": "un-shrunk Hamilton–Perry",
    "aging": "pure aging (ratio 1)",
    "naive": "naive same-age persistence",
}


@dataclass(frozen=True)
class ForecastSettings:
    """Choices of the projection method.

    window: number of one-year transitions (years) averaged into the cohort-change ratios and
        the births factors (the last `window` transitions before the base year).
    ratio_bounds: every quarter cohort-change ratio is clipped into this range (a cohort can at
        most halve or double in one year), so zero-start and tiny quarters cannot explode.
    factor_bounds: range of a quarter's births factor (births per woman 15–49 relative to the
        ward) and age-0 survival factor.
    ratio_bands: first ages of the age bands inside which a quarter's migration level is
        shared (quarter × band factor), before the single-age deviations are shrunk.
    births_model: "holt_damped" (damped-trend exponential smoothing of the ward births rate
        with statsmodels) or "mean" (mean of the last 3 years).
    min_years_ets: below this many years of history the births rate uses "mean".
    yield_table: children per newly completed dwelling by single age from 0 (see DEFAULT_YIELD).
    min_calibration_origins: the backtest evaluates an origin only when at least this many
        earlier origins exist to calibrate its intervals on.
    max_quantile_cells: cap on the number of errors kept to estimate interval quantiles
        (subsampled deterministically; the variance model always uses every error).
    combine: lean toward the quarter's share of the ward with blend weights fitted on the
        method's own past forecasts (`combine.py`); False: the cohort projection alone.
    learned: add the learned correction (`learned.py`, scikit-learn gradient boosting) trained
        on the method's own past forecasts; False: the blend alone.
    fit_max_age: the blend weights and the correction are fitted on ages 0 … fit_max_age.
    max_fit_horizon: longest horizon (years) of past forecasts used to fit them.
    learned_rows: cap on the past cells the correction is trained on (seeded subsample).
    calibration_quarters: above this many quarters the rolling-origin runs that calibrate the
        intervals use a seeded sample of this many quarters (millions of errors already; more
        would only cost time). The forecast itself always uses every quarter.
    calibration_history: the intervals are calibrated on past forecasts made from at least
        this many years of history (years), when at least 3 such origins exist.
    """

    window: int = 5
    ratio_bounds: tuple[float, float] = (0.5, 2.0)
    factor_bounds: tuple[float, float] = (0.25, 4.0)
    ratio_bands: tuple[int, ...] = (0, 15, 30, 45)
    births_model: str = "holt_damped"
    min_years_ets: int = 6
    yield_table: tuple[float, ...] = field(default=DEFAULT_YIELD)
    min_calibration_origins: int = 2
    max_quantile_cells: int = 400_000
    calibration_quarters: int = 5_000
    combine: bool = True
    learned: bool = False
    fit_max_age: int = 20
    max_fit_horizon: int = 10
    learned_rows: int = 60_000
    calibration_history: int = 5

    def __post_init__(self) -> None:
        if self.window < 2:
            raise ValueError("ForecastSettings.window must be at least 2 transitions (years)")
        lo, hi = self.ratio_bounds
        if not 0 < lo <= 1 <= hi:
            raise ValueError("ForecastSettings.ratio_bounds must satisfy 0 < low <= 1 <= high")
        if self.births_model not in ("holt_damped", "mean"):
            raise ValueError("ForecastSettings.births_model must be 'holt_damped' or 'mean'")
        if self.learned:
            import importlib.util

            if importlib.util.find_spec("sklearn") is None:
                raise ValueError(
                    "ForecastSettings(learned=True) needs scikit-learn: pip install 'tuyensinh[learned]' "
                    "(or scikit-learn), or keep learned=False."
                )
        if any(y < 0 for y in self.yield_table):
            raise ValueError("ForecastSettings.yield_table must hold children per dwelling >= 0")


DEFAULT_SETTINGS = ForecastSettings()
