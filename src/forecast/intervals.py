"""Prediction intervals calibrated on the method's own rolling-origin errors.

For every cell of a past projection (origin o, horizon h, quarter, age a) the error is
e = log((actual + 1) / (forecast + 1)). Its variance is modelled by horizon and cohort size:

    Var(e) = θ1·s/(F+1) + θ2·s + θ3·s² + θ4·b/(F+1) + θ5·b + θ6·b²

with F the forecast (persons), s = min(a, h) the years the cohort was aged by ratios and
b = max(h − a, 0) the years of births extrapolation for cohorts born after the origin. The
1/(F+1) terms are count noise (smaller, relatively, in big cohorts), the linear terms
year-to-year migration shocks that accumulate, the squared terms errors in the ratios or the
births trend that compound. θ ≥ 0 is fitted by non-negative least squares on the mean squared
error of cells binned by (s, b, size class); the quadratic terms are dropped when the errors
cover a single horizon (they could not be told apart). The standardized errors z = e / √Var
give empirical quantiles (2.5, 10, 90, 97.5 %) and the interval is

    lo, hi = (F + 1) · exp(z_q · √Var) − 1,   clipped at 0 and made to contain F.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls
from scipy.stats import norm

__all__ = [
    "ErrorSummary",
    "Calibration",
    "summarize_errors",
    "calibrate",
    "age_quantiles",
    "interval_bounds",
    "fill_bounds",
    "FALLBACK",
]

QUANTILES = (0.025, 0.10, 0.90, 0.975)
_NAMES = ("lo95", "lo80", "hi80", "hi95")
_SIZE_EDGES = np.array([2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 2000.0])  # of F + 1
_N_SIZE = _SIZE_EDGES.size + 1
_MAX_STEPS = 40


@dataclass(frozen=True)
class ErrorSummary:
    """Errors of one origin at one horizon: binned sums plus a subsample of cells."""

    origin: int  # year
    horizon: int  # years ahead
    keys: np.ndarray  # bin keys (s, b, size class) encoded as int
    count: np.ndarray  # cells per bin
    sum_sq: np.ndarray  # Σ e² per bin
    sum_features: np.ndarray  # [bins, 6] Σ features per bin
    sample_e: np.ndarray  # subsample of errors
    sample_features: np.ndarray  # [n, 6] their features
    sample_age: np.ndarray | None = None  # their ages (per-age quantiles)


@dataclass(frozen=True)
class Calibration:
    """Variance model θ and standardized quantiles z (2.5, 10, 90, 97.5 %)."""

    theta: tuple[float, ...]
    z: tuple[float, float, float, float]
    n_errors: int
    horizons: tuple[int, ...]
    z_age: tuple[tuple[float, float, float, float], ...] = ()  # per age 0, 1, …; () = z at every age

    def variance(self, features: np.ndarray) -> np.ndarray:
        return np.maximum(features @ np.asarray(self.theta), 1e-6)

    def z_for(self, ages: np.ndarray) -> np.ndarray:
        """Standardized quantiles [A, 4] for `ages` (an age beyond those calibrated: the oldest;
        none calibrated per age: the pooled z)."""
        ages = np.asarray(ages, dtype=int)
        if not self.z_age:
            return np.broadcast_to(np.asarray(self.z, dtype=float), (ages.size, 4))
        table = np.asarray(self.z_age, dtype=float)
        return table[np.clip(ages, 0, table.shape[0] - 1)]


#: Used only when the history is too short for any rolling-origin error (exactly 3 years):
#: Poisson-like count noise plus 7 % relative error per year, compounding; normal quantiles.
#: Widest log-scale half-width of an interval: bounds stay within (mean + 1) / 10 … (mean + 1) × 10.
#: One mistyped cell (100 000 children among tens) once gave 95% bounds of 10^43 through the
#: calibrated quantiles; no planning interval needs to be wider than a factor of ten.
MAX_LOG_SPREAD = float(np.log(10.0))

_MAX_SPREAD32 = np.float32(MAX_LOG_SPREAD)

FALLBACK = Calibration(
    theta=(1.0, 0.005, 0.005, 1.0, 0.01, 0.01),
    z=tuple(float(v) for v in norm.ppf(QUANTILES)),  # type: ignore[arg-type]  # four QUANTILES, four z
    n_errors=0,
    horizons=(),
)


def features(age: np.ndarray, horizon: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Design matrix [cells, 6] of the variance model."""
    s = np.minimum(age, horizon).astype(float)
    b = np.maximum(horizon - age, 0).astype(float)
    inv = 1.0 / (mean + 1.0)
    return np.stack([s * inv, s, s * s, b * inv, b, b * b], axis=-1)


def _keys(age: np.ndarray, horizon: int, mean: np.ndarray) -> np.ndarray:
    s = np.minimum(age, horizon).clip(0, _MAX_STEPS)
    b = np.maximum(horizon - age, 0).clip(0, _MAX_STEPS)
    size = np.searchsorted(_SIZE_EDGES, mean + 1.0, side="right")
    return (s * (_MAX_STEPS + 1) + b) * _N_SIZE + size


def summarize_errors(
    mean: np.ndarray, actual: np.ndarray, ages: np.ndarray, *, origin: int, horizon: int, max_sample: int
) -> ErrorSummary:
    """Summarize errors of cells [Q, A] (forecast `mean`, `actual`; ages per column)."""
    age_grid = np.broadcast_to(ages[None, :], mean.shape).ravel()
    m = mean.ravel()
    e = np.log((actual.ravel() + 1.0) / (m + 1.0))
    keys = _keys(age_grid, horizon, m)
    n_bins = (_MAX_STEPS + 1) ** 2 * _N_SIZE  # dense key space: counting beats sorting
    count = np.bincount(keys, minlength=n_bins)
    uniq = np.flatnonzero(count)
    count = count[uniq]
    sum_sq = np.bincount(keys, weights=e * e, minlength=n_bins)[uniq]
    feats_cols = []
    s = np.minimum(age_grid, horizon).astype(float)
    b = np.maximum(horizon - age_grid, 0).astype(float)
    inv = 1.0 / (m + 1.0)
    for col in (s * inv, s, s * s, b * inv, b, b * b):
        feats_cols.append(np.bincount(keys, weights=col, minlength=n_bins)[uniq])
    step = max(1, int(np.ceil(e.size / max_sample)))
    while step > 1 and np.gcd(step, ages.size) != 1:  # a stride sharing a factor with the ages skips ages
        step += 1
    pick = np.arange(0, e.size, step)
    return ErrorSummary(
        origin,
        horizon,
        uniq,
        count,
        sum_sq,
        np.stack(feats_cols, axis=1),
        e[pick].astype(np.float32),
        features(age_grid[pick], np.full(pick.size, horizon), m[pick]).astype(np.float32),
        age_grid[pick].astype(np.int16),
    )


def calibrate(summaries: list[ErrorSummary]) -> Calibration:
    """Fit the variance model and standardized quantiles on error summaries (FALLBACK if none)."""
    summaries = [s for s in summaries if s.sample_e.size]  # e.g. a population of zeros but one cell
    if not summaries:
        return FALLBACK
    keys = np.concatenate([s.keys for s in summaries])
    uniq, inverse = np.unique(keys, return_inverse=True)
    count = np.bincount(inverse, weights=np.concatenate([s.count for s in summaries]))
    sum_sq = np.bincount(inverse, weights=np.concatenate([s.sum_sq for s in summaries]))
    feats_all = np.concatenate([s.sum_features for s in summaries])
    sum_feats = np.stack([np.bincount(inverse, weights=feats_all[:, j]) for j in range(6)], axis=1)
    mean_sq = sum_sq / count
    mean_feats = sum_feats / count[:, None]
    active = [0, 1, 3, 4]
    s_values = np.unique(np.round(mean_feats[:, 1], 6))
    b_values = np.unique(np.round(mean_feats[:, 4], 6))
    if (s_values > 0).sum() >= 2:
        active.append(2)
    if (b_values > 0).sum() >= 2:
        active.append(5)
    active.sort()
    w = np.sqrt(count)
    theta_active, _ = nnls(mean_feats[:, active] * w[:, None], mean_sq * w)
    theta = np.zeros(6)
    theta[active] = theta_active
    e = np.concatenate([s.sample_e for s in summaries]).astype(float)
    x = np.concatenate([s.sample_features for s in summaries]).astype(float)
    var = np.maximum(x @ theta, 1e-6)
    u = e / np.sqrt(var)
    z = np.quantile(u, QUANTILES)
    n = int(count.sum())
    horizons = tuple(sorted({s.horizon for s in summaries}))
    z_age: tuple[tuple[float, float, float, float], ...] = ()
    if all(s.sample_age is not None for s in summaries):
        ages = np.concatenate([s.sample_age for s in summaries if s.sample_age is not None])
        z_age = tuple(tuple(float(v) for v in row) for row in age_quantiles(u, ages, z))  # type: ignore[misc]  # four z
    return Calibration(tuple(float(t) for t in theta), tuple(float(v) for v in z), n, horizons, z_age)  # type: ignore[arg-type]  # four QUANTILES, four z


#: Per-age quantiles lean on the pooled ones as if the pooled quantiles were worth this many
#: errors of the age: z_a = (n_a·ẑ_a + Z_PRIOR·z) / (n_a + Z_PRIOR). The 10 % quantile of 50
#: errors has a standard error of ≈ 0.24 in z (≈ 20 %): below that an age leans on the pool;
#: a ward of 50 quarters has ≈ 1,000–2,000 errors per age (standard error ≈ 0.05), its own.
Z_PRIOR = 50.0


def age_quantiles(u: np.ndarray, ages: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    """Standardized quantiles per age [A, 4] (ages 0 … max): each age's own empirical
    quantiles of the standardized errors `u`, shrunk toward the `pooled` ones by its number of
    errors (Z_PRIOR). Ages differ in what the variance model misses: children starting school
    move with their families more than the size and horizon terms say, older pupils less."""
    n_ages = int(ages.max()) + 1 if ages.size else 0
    out = np.broadcast_to(np.asarray(pooled, dtype=float), (n_ages, len(QUANTILES))).copy()
    order = np.argsort(ages, kind="stable")
    bounds = np.searchsorted(ages[order], np.arange(n_ages + 1))
    for a in range(n_ages):  # one sort, then each age's slice: ~20 ages
        own = u[order[bounds[a] : bounds[a + 1]]]
        if own.size:
            w = own.size / (own.size + Z_PRIOR)
            out[a] = w * np.quantile(own, QUANTILES) + (1.0 - w) * out[a]
    return out


#: Quarters per chunk when interval bounds are computed: the temporaries of a chunk stay in
#: cache-sized blocks (≈ 1.5 million cells) instead of whole-forecast arrays.
_CHUNK_CELLS = 1_500_000


def _coefficients(ages: np.ndarray, n_h: int, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Var(e) = c_inv / (F + 1) + c_0 for each age × horizon: (c_inv, c_0) [A, H]."""
    h = np.arange(1, n_h + 1, dtype=float)[None, :]
    a = np.asarray(ages, dtype=float)[:, None]
    s = np.minimum(a, h)
    b = np.maximum(h - a, 0.0)
    return theta[0] * s + theta[3] * b, theta[1] * s + theta[2] * s * s + theta[4] * b + theta[5] * b * b


def interval_bounds(mean: np.ndarray, ages: np.ndarray, calibration: Calibration) -> dict[str, np.ndarray]:
    """lo80, hi80, lo95, hi95 for forecasts `mean` [Q, A, H] (horizon = index + 1).

    Computed in chunks of quarters with in-place operations; the log-scale spreads and their
    exponentials in float32 (relative error ~1e-7 of a bound, far below a child), the bounds
    in float64."""
    n_q, n_a, n_h = mean.shape
    out = {name: np.empty_like(mean, dtype=float) for name in _NAMES}
    fill_bounds(mean, ages, calibration, [out[name] for name in _NAMES], age_axis=1)
    return out


def fill_bounds(
    mean: np.ndarray, ages: np.ndarray, calibration: Calibration, out: list[np.ndarray], age_axis: int = 1
) -> None:
    """Write lo95, lo80, hi80, hi95 of forecasts `mean` [Q, A, H] (`age_axis` = 1) or [Q, H, A]
    (`age_axis` = 2) into the four arrays `out` of the same shape (any strides)."""
    n_q = mean.shape[0]
    n_a, n_h = (mean.shape[1], mean.shape[2]) if age_axis == 1 else (mean.shape[2], mean.shape[1])
    c_inv, c_0 = (c.astype(np.float32) for c in _coefficients(ages, n_h, np.asarray(calibration.theta)))
    z = calibration.z_for(ages).astype(np.float32)  # [A, 4]
    if age_axis == 1:
        zk = [z[:, k][:, None] for k in range(4)]  # [A, 1]
    else:
        c_inv, c_0 = c_inv.T.copy(), c_0.T.copy()  # [H, A]
        zk = [z[:, k][None, :] for k in range(4)]  # [1, A]
    lo95, lo80, hi80, hi95 = out
    step = max(1, _CHUNK_CELLS // max(1, n_a * n_h))
    for q0 in range(0, n_q, step):  # chunks of quarters, each vectorized over quarters × ages × horizons
        q1 = q0 + step
        m = mean[q0:q1]
        scale = m + 1.0
        sd = scale.astype(np.float32)
        np.divide(c_inv, sd, out=sd)
        sd += c_0
        np.maximum(sd, np.float32(1e-6), out=sd)
        np.sqrt(sd, out=sd)
        spread = np.empty_like(sd)
        for k, bound_all in enumerate(out):
            np.multiply(sd, zk[k], out=spread)
            np.clip(spread, -_MAX_SPREAD32, _MAX_SPREAD32, out=spread)  # sane even after a wild past error
            np.exp(spread, out=spread)
            bound = bound_all[q0:q1]
            np.multiply(scale, spread, out=bound)
            bound -= 1.0
            np.maximum(bound, 0.0, out=bound)
        np.minimum(lo80[q0:q1], m, out=lo80[q0:q1])
        np.minimum(lo95[q0:q1], lo80[q0:q1], out=lo95[q0:q1])
        np.maximum(hi80[q0:q1], m, out=hi80[q0:q1])
        np.maximum(hi95[q0:q1], hi80[q0:q1], out=hi95[q0:q1])
