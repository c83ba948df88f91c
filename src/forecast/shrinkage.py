"""Empirical-Bayes shrinkage of small-area factors toward their parent (factor 1).

A unit (a quarter, a quarter × age cell, …) has observed counts O[u, k] and counts expected
from its parent E[u, k] over the years k of the window. Its raw factor O/E is shrunk toward 1
in proportion to its noise:

    factor = 1 + w (O/E − 1),   w = E / (E + κ),   κ = φ / τ²

φ (dispersion) is the within-unit, year-to-year variance of counts relative to a Poisson
variance (Pearson χ² per degree of freedom, so migration noise larger or smaller than
Poisson is measured, not assumed); τ² is the between-unit variance of true factors, the
exposure-weighted variance of raw factors minus the part the within-unit noise explains
(method of moments). Small exposure E → w → 0 → the parent's value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Shrunk", "shrink_toward_one", "raw_factor"]

_TAU2_FLOOR = 1e-6  # between-unit variance floor: "no detectable difference" → full shrinkage
_PHI_FLOOR = 1e-3  # dispersion floor: aging alone is almost deterministic


@dataclass(frozen=True)
class Shrunk:
    """Result of shrinking units' factors toward 1 (all arrays over units)."""

    factor: np.ndarray  # shrunk factor, clipped to the bounds
    raw: np.ndarray  # O / E (1 where E = 0)
    weight: np.ndarray  # w = E / (E + κ), 0 where E = 0
    exposure: np.ndarray  # E summed over the window (expected count, persons)
    kappa: float  # exposure at which a unit gets half weight (persons)
    dispersion: float  # φ
    between_variance: float  # τ²


def raw_factor(observed: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(raw factor, O summed, E summed) over the last axis; raw = 1 where E = 0."""
    obs = np.nansum(observed, axis=-1)
    exp = np.nansum(expected, axis=-1)
    raw = np.divide(obs, exp, out=np.ones_like(exp, dtype=float), where=exp > 0)
    return raw, obs, exp


def shrink_toward_one(observed: np.ndarray, expected: np.ndarray, bounds: tuple[float, float] | None = None) -> Shrunk:
    """Shrink each unit's factor O/E toward 1 (arrays [unit, year]; NaN years are ignored)."""
    raw, _, exp = raw_factor(observed, expected)
    fitted = expected * raw[..., None]
    use = (fitted > 0) & np.isfinite(observed) & np.isfinite(fitted)
    resid = np.where(use, observed - fitted, 0.0)
    chi2 = np.divide(resid * resid, fitted, out=np.zeros_like(resid, dtype=float), where=use).sum()
    years_used = use.sum(axis=-1)
    dof = np.clip(years_used - 1, 0, None).sum()
    phi = max(float(chi2 / dof), _PHI_FLOOR) if dof > 0 else 1.0
    has = exp > 0
    total_exp = exp[has].sum()
    if total_exp > 0:
        # raw factors beyond the bounds are clipped first, so one runaway unit (a quarter
        # filling up from nothing) cannot inflate τ² and loosen the shrinkage of every unit
        clipped = raw[has] if bounds is None else np.clip(raw[has], bounds[0], bounds[1])
        spread = float((exp[has] * (clipped - 1.0) ** 2).sum())
        tau2 = max((spread - phi * has.sum()) / total_exp, _TAU2_FLOOR)
    else:
        tau2 = _TAU2_FLOOR
    kappa = phi / tau2
    weight = np.where(has, exp / (exp + kappa), 0.0)
    factor = 1.0 + weight * (raw - 1.0)
    if bounds is not None:
        factor = np.clip(factor, bounds[0], bounds[1])
    return Shrunk(factor, raw, weight, exp, float(kappa), phi, float(tau2))
