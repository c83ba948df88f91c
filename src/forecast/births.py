"""The youngest age: births (or age-0 children) forecast per quarter.

Age 0 at the end of year t is driven by a births-like series X[q, t] — births.csv when given,
otherwise the age-0 counts themselves — relative to an exposure W[q, t]:
women 15–49 when the population has `sex` and ages to 49 (a child–woman ratio), otherwise the
population 20–39, otherwise (school ages only) the children aged 1–4.

    X̂[q, t] = ρ̂[t] · f[q] · Ŵ[q, t]

ρ̂: the ward rate ΣX/ΣW forecast with damped-trend exponential smoothing (statsmodels Holt,
on the log scale) or the mean of the last 3 years; f[q]: the quarter's rate relative to the
ward over the window, shrunk toward 1 (`shrinkage`); Ŵ: the projected exposure. With births,
age 0 = X̂ · s[q], s the share of a year's births living in the quarter at the year's end
(survival and infant migration), shrunk toward the ward's share.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from forecast.shrinkage import raw_factor, shrink_toward_one

__all__ = ["YoungestAgeModel", "exposure_kind", "exposure", "fit_youngest_age", "forecast_rate", "women_projection"]


@dataclass(frozen=True)
class YoungestAgeModel:
    """Fitted age-0 model; `age0(W, step)` gives age 0 for projection year `step` (0-based)."""

    kind: str  # exposure: "women_15_49" | "population_20_39" | "children_1_4"
    rate: np.ndarray  # [H] ward rate forecast ρ̂ (X per person of exposure)
    factor: np.ndarray  # [Q] quarter factor f
    survival: np.ndarray | None  # [Q] age 0 per birth (None when X is age 0 itself)
    girls_share: float  # girls among age 0 (ward, window); 0.485 when sex is unknown
    women_path: np.ndarray | None = None  # [Q, H] women 15–49 projected (given as a table), or None

    def exposure_of(self, total: np.ndarray, female: np.ndarray | None, step: int) -> np.ndarray:
        """Exposure [Q] in projection year `step` from the projected population (or the
        projected women 15–49 when they were given as their own table)."""
        if self.women_path is not None:
            return self.women_path[:, step]
        return exposure(self.kind, total, female)

    def age0(self, exposure_now: np.ndarray, step: int) -> np.ndarray:
        """Expected age-0 residents [Q] at the end of projection year `step`."""
        x = self.rate[step] * self.factor * exposure_now
        return x * self.survival if self.survival is not None else x


def exposure_kind(n_ages: int, has_sex: bool) -> str:
    """Which exposure the ward's population table supports."""
    if has_sex and n_ages > 49:
        return "women_15_49"
    if n_ages > 39:
        return "population_20_39"
    return "children_1_4"


def exposure(kind: str, total: np.ndarray, female: np.ndarray | None) -> np.ndarray:
    """Exposure W from arrays [Q, A, ...] (persons); the age axis is 1."""
    if kind == "women_15_49":
        assert female is not None, "women_15_49 exposure needs the female array"
        return female[:, 15:50].sum(axis=1)
    if kind == "population_20_39":
        return total[:, 20:40].sum(axis=1)
    return total[:, 1:5].sum(axis=1)


def forecast_rate(history: np.ndarray, steps: int, model: str = "holt_damped", min_years: int = 6) -> np.ndarray:
    """Forecast a positive ward rate `steps` years ahead (NaN years in `history` are dropped)."""
    series = history[np.isfinite(history) & (history > 0)]
    if series.size == 0:
        return np.zeros(steps)
    flat = np.full(steps, series[-3:].mean())
    if model == "mean" or series.size < min_years or steps == 0:
        return flat
    path = _damped_path(series.tobytes(), max(steps, _PATH_YEARS))
    return flat if path is None else path[:steps].copy()


_PATH_YEARS = 40


@lru_cache(maxsize=256)
def _damped_path(series_bytes: bytes, steps: int) -> np.ndarray | None:
    """Damped-trend exponential smoothing of log(rate), `steps` years ahead, kept within the
    observed range ± half of it; None when the fit fails. Cached: the rolling-origin fits and
    backtests forecast the same ward series from the same origins many times."""
    series = np.frombuffer(series_bytes, dtype=float)
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = ExponentialSmoothing(
                np.log(series), trend="add", damped_trend=True, initialization_method="estimated"
            ).fit()
            path = np.exp(np.asarray(fit.forecast(steps), dtype=float))
        except (ValueError, np.linalg.LinAlgError):
            return None
    if not np.all(np.isfinite(path)):
        return None
    # A damped trend cannot leave the range the ward has seen by more than half of it.
    lo, hi = series.min(), series.max()
    path = np.clip(path, lo - 0.5 * (hi - lo), hi + 0.5 * (hi - lo))
    path.flags.writeable = False
    return path


def fit_youngest_age(
    total: np.ndarray,
    female: np.ndarray | None,
    births: np.ndarray | None,
    age0_numerator: np.ndarray,
    exists: np.ndarray,
    *,
    steps: int,
    window: int,
    model: str,
    min_years: int,
    bounds: tuple[float, float] | None,
    shrink: bool = True,
    women: np.ndarray | None = None,
) -> YoungestAgeModel:
    """Fit the age-0 model on history arrays ending at the base year (total [Q, A, T]).

    women [Q, T]: women 15–49 given as their own table (when the population table has no sex or
    stops before 49); they are then the exposure, projected by `women_projection`."""
    kind = "women_15_49" if women is not None else exposure_kind(total.shape[1], female is not None)
    w_hist = (women if women is not None else exposure(kind, total, female)) * exists  # [Q, T]
    x_hist = (births if births is not None else age0_numerator) * exists
    usable = np.isfinite(x_hist).all(axis=0)
    ward_x = np.where(usable, np.nansum(x_hist, axis=0), np.nan)
    ward_w = w_hist.sum(axis=0)
    rate_hist = np.divide(ward_x, ward_w, out=np.full_like(ward_w, np.nan), where=(ward_w > 0) & usable)
    years = np.flatnonzero(usable)[-window:]
    if shrink:
        rate = forecast_rate(rate_hist, steps, model, min_years)
    else:  # standard Hamilton–Perry: the child–woman (or births) ratio of the window held constant
        rate = np.full(steps, np.nansum(ward_x[years]) / max(ward_w[years].sum(), 1e-12))
    expected = rate_hist[years][None, :] * w_hist[:, years]
    observed = x_hist[:, years]
    factor = shrink_toward_one(observed, expected, bounds).factor if shrink else raw_factor(observed, expected)[0]
    survival = None
    if births is not None:
        b = births[:, years] * exists[:, years]
        a0 = age0_numerator[:, years] * exists[:, years]
        ward_share = a0.sum() / b.sum() if b.sum() > 0 else 1.0
        if shrink:
            survival = ward_share * shrink_toward_one(a0, ward_share * b, bounds).factor
        else:
            survival = ward_share * raw_factor(a0, ward_share * b)[0]
    girls = 0.485
    if female is not None:
        all0 = total[:, 0, years].sum()
        girls = float(female[:, 0, years].sum() / all0) if all0 > 0 else girls
    path = women_projection(women, exists, window, steps) if women is not None else None
    return YoungestAgeModel(kind, rate, factor, survival, girls, path)


def women_projection(women: np.ndarray, exists: np.ndarray, window: int, steps: int) -> np.ndarray:
    """Women 15–49 [Q, steps] after the base year when only their total is known: each
    quarter's last count × the ward's mean yearly change over the window, compounded (no age
    detail to age them with)."""
    w = women * exists
    last = w[:, -1]
    k = min(window, w.shape[1] - 1)
    if k >= 1:
        now, before = w[:, -k:].sum(axis=0), w[:, -k - 1 : -1].sum(axis=0)
        ok = before > 0
        growth = float(np.exp(np.log(now[ok] / before[ok]).mean())) if ok.any() and (now[ok] > 0).all() else 1.0
    else:
        growth = 1.0
    return last[:, None] * growth ** np.arange(1, steps + 1)[None, :]
