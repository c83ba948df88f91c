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

__all__ = ["CohortRatios", "estimate_ratios", "window_transitions", "ValidatedRatios", "validated_ratios"]


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
    population: np.ndarray,
    numerator_population: np.ndarray,
    exists: np.ndarray,
    window: int,
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
    centred = np.where(
        np.isfinite(annual), annual - np.nanmean(np.where(years[:, None] > 0, annual, 1.0), axis=1)[:, None], 0.0
    )
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


# --- time-weighted ratios with validated shrinkage (the project's method) --------------------
#: Candidate decays λ, shrinkage constants κ (persons, time-weighted) and neighbour weights ν among which
#: `validated_ratios` picks by one-year-ahead validation inside the history.
DECAYS: tuple[float, ...] = (0.7, 0.85, 1.0)
KAPPAS: tuple[float, ...] = (25.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1600.0, 3200.0)
NEIGHBOURS: tuple[float, ...] = (0.0, 0.5, 1.0)


@dataclass(frozen=True)
class ValidatedRatios:
    """Time-weighted, shrunk ratios [Q, A-1] and the λ, κ and ν chosen for each age."""

    ratio: np.ndarray
    ward: np.ndarray  # the ward ratio (all quarters pooled, same time weights)
    decay: np.ndarray  # λ of each age
    kappa: np.ndarray  # κ of each age (persons expected, time-weighted)
    neighbours: np.ndarray  # ν of each age: weight of the neighbouring ages in the quarter's level


def _pool_neighbours(x: np.ndarray, nu: float) -> np.ndarray:
    """x[:, a] + ν·(x[:, a−1] + x[:, a+1]) (the ages present at the edges)."""
    if not nu:
        return x
    out = x.copy()
    out[:, 1:] += nu * x[:, :-1]
    out[:, :-1] += nu * x[:, 1:]
    return out


def _weighted_ratios(
    den: np.ndarray,
    num: np.ndarray,
    weights: np.ndarray,
    kappa: np.ndarray | float,
    bounds: tuple[float, float] | None,
    neighbours: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """r = R·(1 + w·(f − 1)) with sums weighted over time (see `validated_ratios`)."""
    d = den @ weights  # [Q, A-1]
    n = num @ weights
    ward_d, ward_n = d.sum(axis=0), n.sum(axis=0)
    ward = np.divide(ward_n, ward_d, out=np.ones_like(ward_d), where=ward_d > 0)
    n_p = _pool_neighbours(n, neighbours)
    e_p = _pool_neighbours(d * ward[None, :], neighbours)  # expected from the ward's ratio
    f = np.divide(n_p, e_p, out=np.ones_like(n_p), where=e_p > 0)
    w = e_p / (e_p + kappa)
    ratio = ward[None, :] * (1.0 + w * (f - 1.0))
    if bounds is not None:
        ratio = np.clip(ratio, bounds[0], bounds[1])
    return ratio, ward


def validated_ratios(
    population: np.ndarray,
    numerator_population: np.ndarray,
    exists: np.ndarray,
    *,
    bounds: tuple[float, float] | None = (0.5, 2.0),
    validation_years: int = 4,
    decays: tuple[float, ...] = DECAYS,
    kappas: tuple[float, ...] = KAPPAS,
    kappa_band: int = 5,
    validation_quarters: int = 2000,
    neighbour_weights: tuple[float, ...] = NEIGHBOURS,
    fixed: tuple[float | np.ndarray, np.ndarray, float | np.ndarray] | None = None,
) -> ValidatedRatios:
    """Cohort-change ratios from every usable year, recent years weighted most, each quarter
    shrunk toward the ward's ratio of the same age:

        D[q, a] = Σ_k λ^(K−1−k) P[q, a, t_k],   N[q, a] = Σ_k λ^(K−1−k) P*[q, a+1, t_k + 1]
        R[a] = Σ_q N / Σ_q D,   E = D·R (expected from the ward)
        f[q, a] = (N[a] + ν·(N[a−1] + N[a+1])) / (E[a] + ν·(E[a−1] + E[a+1]))
        r[q, a] = R[a] · (1 + w·(f − 1)),   w = E_ν / (E_ν + κ_a)   (E_ν: the pooled denominator)

    f is the quarter's level relative to the ward, borrowing strength from the neighbouring
    ages with weight ν (a quarter that gains families at age 4 gains them at 3 and 5 too).
    λ, ν and κ are not assumed: each candidate predicts each of the last `validation_years`
    one-year transitions from the transitions before it (N̂ = D_t · r); for each band of
    `kappa_band` ages the (λ, ν, κ) with the least absolute error in persons in that band is
    kept — how much, and how far back, a quarter's own past says about its next year, measured
    on the ward itself. (Ages differ: young families move by choice of quarter, so
    quarters' ratios at ages 0–5 differ for real; at school ages most differences are noise.)
    With fewer than 3 transitions the middle candidates (λ = 0.85, κ = 400) are used. Above
    `validation_quarters` quarters the choice is made on a seeded sample of that many (one
    choice for the ward: 2,000 quarters × ages × 4 years are plenty).
    `fixed` = (λ, κ per age, ν) skips the choice (the women's ratios reuse the total's).
    """
    n_t = population.shape[2]
    alive = exists[:, :-1][:, None, :]
    den = population[:, :-1, :-1] * alive  # [Q, A-1, K] transition k: year k → k+1
    num = numerator_population[:, 1:, 1:] * alive
    n_k, n_r = n_t - 1, den.shape[1]
    band = np.arange(n_r) // kappa_band
    n_band = int(band.max()) + 1 if n_r else 0
    decay: float | np.ndarray = decays[len(decays) // 2]
    kappa = np.full(n_r, kappas[len(kappas) // 2])
    nu: float | np.ndarray = 0.0
    vden, vnum = den, num
    if den.shape[0] > validation_quarters:
        pick = np.sort(np.random.default_rng(20260102).choice(den.shape[0], validation_quarters, replace=False))
        vden, vnum = den[pick], num[pick]
    first = max(2, n_k - validation_years)
    if fixed is not None:
        decay, kappa, nu = fixed[0], np.asarray(fixed[1], dtype=float), fixed[2]
    elif n_k >= 3 and len(decays) * len(kappas) * len(neighbour_weights) > 1 and n_r:
        # err[(λ, ν), κ, band]: absolute one-year-ahead errors (persons); the sums are formed once
        # per (λ, year) and every κ is tried at once
        pairs = [(lam, v) for lam in decays for v in neighbour_weights]
        err = np.zeros((len(pairs), len(kappas), n_band))
        kap = np.asarray(kappas, dtype=float)[:, None, None]
        for i0, lam in enumerate(decays):
            for k in range(first, n_k):  # predict transition k from transitions 0 … k-1
                weights = lam ** np.arange(k - 1, -1, -1, dtype=float)
                d = vden[:, :, :k] @ weights
                n = vnum[:, :, :k] @ weights
                ward_d = d.sum(axis=0)
                ward = np.divide(n.sum(axis=0), ward_d, out=np.ones_like(ward_d), where=ward_d > 0)
                e = d * ward[None, :]
                for i1, v in enumerate(neighbour_weights):
                    n_p, e_p = _pool_neighbours(n, v), _pool_neighbours(e, v)
                    f = np.divide(n_p, e_p, out=np.ones_like(n_p), where=e_p > 0)
                    r = ward[None, None, :] * (1.0 + e_p[None] / (e_p[None] + kap) * (f[None] - 1.0))
                    if bounds is not None:
                        np.clip(r, bounds[0], bounds[1], out=r)
                    by_age = np.abs(vden[None, :, :, k] * r - vnum[None, :, :, k]).sum(axis=1)  # [κ, A-1]
                    i = i0 * len(neighbour_weights) + i1
                    for j in range(len(kappas)):
                        err[i, j] += np.bincount(band, weights=by_age[j], minlength=n_band)
        best_k = err.argmin(axis=1)  # [pair, band]
        best = np.take_along_axis(err, best_k[:, None, :], axis=1)[:, 0, :]  # [pair, band]
        pair_of_band = best.argmin(axis=0)  # [band]
        kappa = np.asarray(kappas, dtype=float)[best_k[pair_of_band, np.arange(n_band)]][band]
        decay = np.array([pairs[i][0] for i in pair_of_band], dtype=float)[band]
        nu = np.array([pairs[i][1] for i in pair_of_band], dtype=float)[band]
    decay_a = np.broadcast_to(np.asarray(decay, dtype=float), (n_r,)).copy()
    nu_a = np.broadcast_to(np.asarray(nu, dtype=float), (n_r,)).copy()
    kappa = np.broadcast_to(np.asarray(kappa, dtype=float), (n_r,))
    ratio = np.empty((den.shape[0], n_r))
    ward = np.empty(n_r)
    change = np.flatnonzero(np.diff(decay_a) != 0) + 1 if n_r else np.zeros(0, int)
    change = np.union1d(change, np.flatnonzero(np.diff(nu_a) != 0) + 1)
    for start, end in zip(np.r_[0, change], np.r_[change, n_r], strict=True):  # runs of ages sharing (λ, ν)
        if end <= start:
            continue
        lo, hi = max(0, start - 1), min(n_r, end + 1)  # with one neighbouring age each side
        weights = decay_a[start] ** np.arange(n_k - 1, -1, -1, dtype=float)
        r, w = _weighted_ratios(den[:, lo:hi], num[:, lo:hi], weights, kappa[lo:hi], bounds, float(nu_a[start]))
        ratio[:, start:end] = r[:, start - lo : end - lo]
        ward[start:end] = w[start - lo : end - lo]
    return ValidatedRatios(ratio, ward, decay_a, kappa.copy(), nu_a)
