"""Leaning toward the quarter's share of the ward: the second component and the blend weights.

A cohort carried forward by its own ratios compounds every year's error; the number of children
of a given age a quarter holds is also steadied by what the quarter *is* (its dwellings, its
share of the ward's families). The share component keeps that second view:

    s[q, a]    = Σ_t Σ_{a'=a-1..a+1} P[q, a', t] / Σ_t Σ_{a'=a-1..a+1} P[ward, a', t]
                 over the last `window` usable years (neighbouring ages pooled: steadier shares)
    S[q, a, h] = s[q, a] · C[ward, a, h]            (C: the cohort projection summed over quarters)

so the ward total of S equals the ward total of the cohort projection: the share component only
redistributes the ward's children among quarters. The forecast is the blend

    F[q, a, h] = (1 − β_h) · C[q, a, h] + β_h · S[q, a, h]

with β fitted per horizon h and band of 5 ages on the method's own rolling-origin forecasts
inside the history (least absolute error in persons over a grid of 0, 0.05, …, 1;
non-decreasing in h, since the cohort's own information fades with the horizon; horizons beyond
those observed keep the last β). Bands, because how much a quarter's share says differs by
age: young families choose quarters, school-age cohorts mostly stay. Planned
housing is kept out of both components (the share would spread a new estate over the ward) and
added back afterwards.
"""

from __future__ import annotations

import numpy as np

__all__ = ["quarter_shares", "share_component", "fit_blend", "blend", "age_bands"]

BETA_GRID = np.round(np.arange(0.0, 1.0001, 0.05), 2)
BAND_WIDTH = 5  # ages per band of blend weights


def _pool_ages(x: np.ndarray, axis: int) -> np.ndarray:
    """Sum of each age with its neighbours a−1 and a+1 along `axis` (edges: the ages present)."""
    x = np.moveaxis(x, axis, 0)
    out = x.copy()
    out[1:] += x[:-1]
    out[:-1] += x[1:]
    return np.moveaxis(out, 0, axis)


def quarter_shares(population: np.ndarray, usable: np.ndarray, window: int) -> np.ndarray:
    """s[q, a]: the quarter's share of the ward at each age over the last `window` years
    (arrays [Q, A, T] persons, usable [Q, T]); a quarter only counts in its usable years."""
    recent = slice(max(0, population.shape[2] - window), None)
    p = population[:, :, recent] * usable[:, None, recent]
    ward = population[:, :, recent].sum(axis=0)  # [A, t]
    num = _pool_ages(p, 1).sum(axis=2)  # [Q, A]
    den = usable[:, recent].astype(float) @ _pool_ages(ward, 0).T  # [Q, A]: the ward in the quarter's years
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def share_component(shares: np.ndarray, cohort: np.ndarray) -> np.ndarray:
    """S[q, a, h] = s[q, a] · Σ_q C[q, a, h] (persons)."""
    return shares[:, :, None] * cohort.sum(axis=0)[None, :, :]


def age_bands(n_ages: int, width: int = BAND_WIDTH) -> np.ndarray:
    """Band index of each age 0 … n_ages-1 (bands of `width` ages)."""
    return np.arange(n_ages) // width


def blend(cohort: np.ndarray, share: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """(1 − β)·C + β·S for arrays [Q, A, H]; β [bands, H'] by age band and horizon (a band or
    horizon beyond those fitted keeps the last one; an empty β means the cohort alone)."""
    b = np.asarray(beta, dtype=float)
    if b.size == 0:
        return cohort.copy()
    if b.ndim == 1:
        b = b[None, :]
    n_a, n_h = cohort.shape[1], cohort.shape[2]
    rows = np.minimum(age_bands(n_a), b.shape[0] - 1)
    cols = np.minimum(np.arange(n_h), b.shape[1] - 1)
    weight = b[rows][:, cols]  # [A, H]
    out = share - cohort  # in place from here: one array of the forecast's size, not three
    out *= weight[None, :, :]
    out += cohort
    return out


def fit_blend(
    errors: list[tuple[np.ndarray, np.ndarray, np.ndarray]], max_horizon: int, grid: np.ndarray = BETA_GRID
) -> np.ndarray:
    """β [bands, H] (H ≤ `max_horizon`) from past forecasts: `errors` holds one (C, S, A)
    triple of arrays [Q, A, H_o] per origin (cohort, share, actual), ages from 0. Each age band
    × horizon gets the β of least absolute error; β never falls with the horizon within a band.
    Returns an empty array when nothing was observed."""
    if not errors:
        return np.zeros(0)
    n_a = errors[0][0].shape[1]
    band = age_bands(n_a)
    n_b = int(band.max()) + 1
    loss = np.zeros((n_b, max_horizon, grid.size))
    seen = np.zeros(max_horizon, bool)
    for c, s, a in errors:
        for j in range(min(max_horizon, c.shape[2])):
            d = s[:, :, j] - c[:, :, j]  # [Q, A]
            resid = c[:, :, j] - a[:, :, j]
            for g, beta in enumerate(grid):
                by_age = np.abs(resid + beta * d).sum(axis=0)
                loss[:, j, g] += np.bincount(band, weights=by_age, minlength=n_b)
            seen[j] = True
    if not seen.any():
        return np.zeros(0)
    last = int(np.flatnonzero(seen)[-1]) + 1
    beta = grid[loss[:, :last].argmin(axis=2)]
    return np.maximum.accumulate(beta, axis=1)
