"""One-year cohort-change ratios (Hamilton–Perry), raw and shrunk three levels deep.

A ratio r[q, a] carries the cohort aged a at the end of year t to age a + 1 at the end of
t + 1 in quarter q (survival plus net migration):

    r[q, a] = Σ_t P[q, a+1, t+1] / Σ_t P[q, a, t]      over the last K transitions.

Shrunk estimate (`estimate_ratios(..., shrink=True)`):
1. ward ratio R[a] (all quarters pooled) shrunk toward 1.0 with weight ν² / (ν² + v[a]), v[a]
   the year-to-year variance of the ward's annual ratios over the window divided by the number
   of years, ν² the spread of the ward ratios around 1 across ages beyond that noise — a short
   or erratic history pulls the ward toward pure aging;
2. a quarter × age-band migration level M[q, b] = Σ N / Σ D·R (observed over expected from the
   ward's annual ratios), shrunk toward 1 (`shrinkage.shrink_toward_one`);
3. the single-age deviation S[q, a] of the cell from R·M, shrunk toward 1 the same way.
r = R · M · S, clipped to `bounds`. A transition only counts in years marked usable (the
quarter had residents and no later structural break, see `engine.usable_years`), so a new
quarter's empty years cannot make infinite ratios; a cell without any exposure takes the ward
ratio times its quarter's level.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.shrinkage import raw_factor, shrink_toward_one

__all__ = ["CohortRatios", "estimate_ratios", "window_transitions"]


@dataclass(frozen=True)
class CohortRatios:
    """Ratios [quarter, age a → a+1] and their ingredients."""

    ratio: np.ndarray  # [Q, A-1] applied to age a to give age a+1 next year
    ward: np.ndarray  # ward ratio used (shrunk toward 1 when shrink=True)
    ward_raw: np.ndarray
    quarter_level: np.ndarray  # [Q, A-1] the quarter × band level M broadcast to ages
    cell_weight: np.ndarray  # [Q, A-1] shrinkage weight of the single-age deviation
    kappa: np.ndarray  # [bands] κ of the single-age step (persons)


def window_transitions(
    population: np.ndarray, numerator_population: np.ndarray, exists: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """Denominators D[q, a, k] = P[q, a, t] and numerators N[q, a, k] = P*[q, a+1, t+1]
    for the last `window` transitions t → t+1 (k ordered in time); zero where the quarter had
    no residents in year t."""
    n_t = population.shape[2]
    start = max(0, n_t - 1 - window)
    ts = np.arange(start, n_t - 1)
    alive = exists[:, ts][:, None, :]
    den = population[:, :-1, ts] * alive
    num = numerator_population[:, 1:, ts + 1] * alive
    return den, num


def _band_index(n_transitions: int, bands: tuple[int, ...]) -> np.ndarray:
    starts = np.array(sorted({b for b in bands if 0 <= b < n_transitions} | {0}))
    return np.searchsorted(starts, np.arange(n_transitions), side="right") - 1


def estimate_ratios(
    population: np.ndarray,
    numerator_population: np.ndarray,
    exists: np.ndarray,
    *,
    window: int,
    bands: tuple[int, ...] = (0,),
    bounds: tuple[float, float] | None = (0.5, 2.0),
    shrink: bool = True,
) -> CohortRatios:
    """Cohort-change ratios from arrays [Q, A, T] (persons); see the module docstring."""
    den, num = window_transitions(population, numerator_population, exists, window)
    ward_den_t = den.sum(axis=0)  # [A-1, K]
    ward_num_t = num.sum(axis=0)
    ward_raw, _, _ = raw_factor(ward_num_t, ward_den_t)
    annual = np.divide(ward_num_t, ward_den_t, out=np.full_like(ward_den_t, np.nan), where=ward_den_t > 0)
    n_q, n_tr = den.shape[0], den.shape[1]
    if not shrink:
        raw, _, d = raw_factor(num, den)
        ratio = np.where(d > 0, raw, ward_raw[None, :])
        return CohortRatios(ratio, ward_raw, ward_raw, np.ones((n_q, n_tr)), np.ones((n_q, n_tr)), np.zeros(1))

    # 1. ward toward 1.0
    years = np.isfinite(annual).sum(axis=1)
    centred = np.where(np.isfinite(annual), annual - np.nanmean(np.where(years[:, None] > 0, annual, 1.0), axis=1)[:, None], 0.0)
    var_years = np.where(years > 1, (centred**2).sum(axis=1) / np.maximum(years - 1, 1), np.nan)
    noise = var_years / np.maximum(years, 1)
    fallback = np.nanmedian(noise) if np.isfinite(noise).any() else 1e-4
    noise = np.where(np.isfinite(noise), noise, fallback)
    spread = max(float(np.mean((ward_raw - 1.0) ** 2 - noise)), 1e-8)
    ward = 1.0 + spread / (spread + noise) * (ward_raw - 1.0)

    # 2. quarter × age band level
    band = _band_index(n_tr, bands)
    n_b = int(band.max()) + 1
    annual_filled = np.where(np.isfinite(annual), annual, ward[:, None])
    expected = den * annual_filled[None, :, :]
    starts = np.flatnonzero(np.r_[True, band[1:] != band[:-1]])
    obs_band = np.add.reduceat(num, starts, axis=1)  # [Q, B, K]
    exp_band = np.add.reduceat(expected, starts, axis=1)
    level = np.ones((n_q, n_b))
    for b in range(n_b):
        level[:, b] = shrink_toward_one(obs_band[:, b], exp_band[:, b], bounds).factor
    level_age = level[:, band]

    # 3. single-age deviation within the quarter
    expected_cell = expected * level_age[:, :, None]
    deviation = np.ones((n_q, n_tr))
    weight = np.zeros((n_q, n_tr))
    kappa = np.zeros(n_b)
    for b in range(n_b):
        cols = band == b
        shrunk = shrink_toward_one(
            num[:, cols].reshape(-1, num.shape[2]), expected_cell[:, cols].reshape(-1, num.shape[2]), bounds
        )
        deviation[:, cols] = shrunk.factor.reshape(n_q, -1)
        weight[:, cols] = shrunk.weight.reshape(n_q, -1)
        kappa[b] = shrunk.kappa
    ratio = ward[None, :] * level_age * deviation
    if bounds is not None:
        ratio = np.clip(ratio, bounds[0], bounds[1])
    return CohortRatios(ratio, ward, ward_raw, level_age, weight, kappa)
