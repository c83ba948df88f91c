"""A synthetic ward whose future is known: for tests of calibration and for the benchmark.

`simulate_ward(...)` runs a seeded cohort model year by year (vectorized over quarters × ages):
each quarter has a persistent net-migration propensity by age band (plus a ward-wide one),
and every year residents of a cohort stay with binomial probability and newcomers arrive as
Poisson counts, so small-area ratios are noisy around stable true values. Births are Poisson
from women 15–49 (or from a latent quarter size when only school ages are simulated) under a
slowly declining fertility level. The tables cover `first_year … last_year`; cut them at a base
year to forecast and compare with the rest (the truth).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SimulatedWard", "simulate_ward"]


@dataclass(frozen=True, eq=False)
class SimulatedWard:
    population: pd.DataFrame  # quarter_id, year, age, count [, sex]
    births: pd.DataFrame  # quarter_id, year, births
    quarter_ids: np.ndarray


def simulate_ward(
    n_quarters: int = 30,
    first_year: int = 2015,
    last_year: int = 2030,
    n_ages: int = 65,
    *,
    with_sex: bool = True,
    mean_size: float = 600.0,
    ward_migration: float = 0.01,
    quarter_spread: float = 0.03,
    seed: int = 20260101,
    as_arrays: bool = False,
):
    """Simulate a ward (persons by quarter, age, year); `mean_size` is residents per quarter
    for 65 ages (scaled down when fewer ages are simulated). Returns a `SimulatedWard`, or with
    `as_arrays=True` the raw arrays (total [Q, A, T], births [Q, T]) to build big frames fast."""
    rng = np.random.default_rng(seed)
    n_t = last_year - first_year + 1
    ages = np.arange(n_ages)
    # Age profile of a young Vietnamese population (persons per single age, relative).
    profile = np.interp(ages, [0, 10, 20, 30, 40, 50, 64], [1.0, 1.1, 1.05, 1.3, 1.1, 0.9, 0.5])
    profile /= np.interp(np.arange(65), [0, 10, 20, 30, 40, 50, 64], [1.0, 1.1, 1.05, 1.3, 1.1, 0.9, 0.5]).sum()
    size = mean_size * rng.lognormal(0.0, 0.6, n_quarters)
    start = rng.poisson(size[:, None] * profile[None, :] * rng.lognormal(0, 0.1, (1, n_ages)))
    # Net migration rate by quarter × age band (persistent), ward level by age.
    band = np.minimum(ages // 15, 3)
    ward_rate = ward_migration * np.where((ages >= 18) & (ages <= 35), 2.0, 1.0)
    quarter_rate = rng.normal(0.0, quarter_spread, (n_quarters, 4))[:, band]
    net = ward_rate[None, :] + quarter_rate
    out_rate = np.clip(0.04 - np.minimum(net, 0), 0.0, 0.5)
    in_rate = np.clip(0.04 + np.maximum(net, 0), 0.0, 0.5)
    survival = 1.0 - np.where(ages < 1, 0.015, 0.001)
    fert_q = rng.lognormal(0.0, 0.15, n_quarters)
    girls = 0.485

    total = np.zeros((n_quarters, n_ages, n_t))
    female = np.zeros((n_quarters, n_ages, n_t))
    births = np.zeros((n_quarters, n_t))
    total[:, :, 0] = start
    female[:, :, 0] = rng.binomial(start, girls)
    latent = size.copy()
    for t in range(1, n_t):
        prev, prev_f = total[:, :, t - 1], female[:, :, t - 1]
        shock = rng.normal(0.0, 0.01)  # ward-wide year effect on migration
        keep_p = np.clip(survival[None, :-1] * (1 - out_rate[:, :-1]), 0, 1)
        stay = rng.binomial(prev[:, :-1].astype(np.int64), keep_p)
        stay_f = np.minimum(rng.binomial(prev_f[:, :-1].astype(np.int64), keep_p), stay)
        arrive = rng.poisson(prev[:, :-1] * np.clip(in_rate[:, :-1] + shock, 0, None))
        arrive_f = rng.binomial(arrive, girls)
        total[:, 1:, t] = stay + arrive
        female[:, 1:, t] = stay_f + arrive_f
        fertility = 0.062 * (1 - 0.01 * t)  # births per woman 15–49 per year, declining slowly
        if n_ages > 49:
            exposure = female[:, 15:50, t - 1].sum(axis=1)
        else:
            latent = latent * (1 + net[:, 0] + shock)
            exposure = latent * 0.25
        b = rng.poisson(fertility * fert_q * exposure)
        births[:, t] = b
        infants = rng.binomial(b, 0.985) + rng.poisson(b * np.clip(in_rate[:, 0] - 0.04, 0, None))
        total[:, 0, t] = infants
        female[:, 0, t] = rng.binomial(infants, girls)
    births[:, 0] = np.round(total[:, 0, 0] / 0.985)
    if as_arrays:
        return total, births
    quarter_ids = np.array([f"Q{i + 1:03d}" for i in range(n_quarters)], dtype=object)
    years = np.arange(first_year, last_year + 1)
    q, a, ti = np.meshgrid(np.arange(n_quarters), ages, np.arange(n_t), indexing="ij")
    if with_sex:
        male = total - female
        frames = []
        for sex, arr in (("F", female), ("M", male)):
            frames.append(
                pd.DataFrame(
                    {
                        "quarter_id": quarter_ids[q.ravel()],
                        "year": years[ti.ravel()],
                        "age": a.ravel(),
                        "sex": sex,
                        "count": arr.ravel().astype(np.int64),
                    }
                )
            )
        population = pd.concat(frames, ignore_index=True)
    else:
        population = pd.DataFrame(
            {
                "quarter_id": quarter_ids[q.ravel()],
                "year": years[ti.ravel()],
                "age": a.ravel(),
                "count": total.ravel().astype(np.int64),
            }
        )
    qb, tb = np.meshgrid(np.arange(n_quarters), np.arange(n_t), indexing="ij")
    births_frame = pd.DataFrame(
        {
            "quarter_id": quarter_ids[qb.ravel()],
            "year": years[tb.ravel()],
            "births": births.ravel().astype(np.int64),
        }
    )
    return SimulatedWard(population, births_frame, quarter_ids)
