"""From forecast intervals to the probability that a school runs short of rooms.

Distributional assumption (documented in docs/capacity.md):
- Each quarter × age forecast is described by five quantiles: lo95, lo80, mean, hi80, hi95
  read as the 2.5%, 10%, 50%, 90% and 97.5% quantiles (the mean is taken as the median).
  Between them the quantile function is linear in the standard-normal score z, beyond them it
  continues with the slope of the outer segment, and it never goes below 0. With symmetric
  bands this is exactly a normal distribution; asymmetric bands give a skewed one.
- Quarters and grades are perfectly correlated (comonotone) inside a school: the quantile of a
  sum is the sum of the quantiles. This is the conservative choice (errors of neighbouring
  quarters and cohorts share migration and housing shocks) and makes every school's pupils
  follow one score z.
- p_over = P(rooms needed > rooms available) where rooms needed comes from integer classes at
  the class-size limits. Rooms needed never decrease as z grows, so the threshold score z* is
  found by bisection and p_over = 1 − Φ(z*).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import ndtr, ndtri

__all__ = ["Z_SCORES", "quantile_at", "exceedance_probability"]

# bound name -> standard-normal score of the quantile it stands for
Z_SCORES: dict[str, float] = {
    "lo95": float(ndtri(0.025)),
    "lo80": float(ndtri(0.10)),
    "mean": 0.0,
    "hi80": float(ndtri(0.90)),
    "hi95": float(ndtri(0.975)),
}
_ORDER = ("lo95", "lo80", "mean", "hi80", "hi95")
_Z = np.array([Z_SCORES[b] for b in _ORDER])


def quantile_at(bounds: np.ndarray, z: np.ndarray | float) -> np.ndarray:
    """Quantile at score z of each cell given its five bounds.

    bounds: array [..., 5] ordered lo95, lo80, mean, hi80, hi95 (persons or pupils).
    z: a score per leading cell (broadcast against bounds[..., 0]) or one number.
    Returns an array shaped like bounds[..., 0], ≥ 0.
    """
    bounds = np.asarray(bounds, float)
    bounds = np.maximum.accumulate(bounds, axis=-1)  # guard against rounding inversions
    z = np.broadcast_to(np.asarray(z, float), bounds.shape[:-1])
    k = np.clip(np.searchsorted(_Z, z, side="right") - 1, 0, len(_Z) - 2)
    z0, z1 = _Z[k], _Z[k + 1]
    v0 = np.take_along_axis(bounds, k[..., None], axis=-1)[..., 0]
    v1 = np.take_along_axis(bounds, (k + 1)[..., None], axis=-1)[..., 0]
    return np.maximum(v0 + (v1 - v0) * (z - z0) / (z1 - z0), 0.0)


def exceedance_probability(
    needed_at: Callable[[np.ndarray], np.ndarray],
    available: np.ndarray,
    *,
    z_range: float = 8.0,
    iterations: int = 40,
) -> np.ndarray:
    """P(needed > available) per row when needed depends on one score z ~ N(0, 1).

    needed_at(z) must return the need per row at scores z (array [rows]) and be
    non-decreasing in z. Bisection on z to 1e-11 precision; returns probabilities in [0, 1].
    """
    available = np.asarray(available, float)
    low = np.full(available.shape, -z_range)
    high = np.full(available.shape, z_range)
    over_low = needed_at(low) > available
    over_high = needed_at(high) > available
    for _ in range(iterations):
        mid = 0.5 * (low + high)
        over = needed_at(mid) > available
        high = np.where(over, mid, high)
        low = np.where(over, low, mid)
    p = 1.0 - ndtr(high)
    p = np.where(over_low, 1.0, p)
    p = np.where(~over_high, 0.0, p)
    return p
