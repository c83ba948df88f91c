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
    depth: int = 4,
) -> np.ndarray:
    """P(needed > available) per row when needed depends on one score z ~ N(0, 1).

    needed_at(z) receives scores z [rows, k] (k scores per row) and must return the need at
    each [rows, k], non-decreasing in z. Bisection on z to 1e-11 precision (`iterations`
    halvings of [-z_range, z_range]); returns probabilities in [0, 1]. `depth`: at most 12.

    The halvings are taken `depth` at a time: one call of needed_at evaluates every midpoint
    the next `depth` halvings could visit (the 2^depth − 1 nodes of the bisection tree, each
    midpoint computed as 0.5 × (low + high) of its node, exactly as one halving at a time
    would), then each row walks down its own path. The same scores, so the same result as
    `depth=1`, with `iterations / depth` calls instead of `iterations`.
    """
    available = np.asarray(available, float)
    rows = available.shape[0]
    low = np.full(rows, -z_range)
    high = np.full(rows, z_range)
    ends = needed_at(np.stack([low, high], axis=1)) > available[:, None]
    over_low, over_high = ends[:, 0], ends[:, 1]
    picked = np.arange(rows)
    done = 0
    while done < iterations:
        d = max(1, min(depth, 12, iterations - done))  # 2^12 scores per row at most
        size = 2**d  # heap order: node i has children 2i and 2i + 1; node 0 unused
        lo, hi, mid = np.empty((rows, size)), np.empty((rows, size)), np.empty((rows, size))
        lo[:, 1], hi[:, 1] = low, high
        for level in range(d):
            nodes = np.arange(2**level, 2 ** (level + 1))
            mid[:, nodes] = 0.5 * (lo[:, nodes] + hi[:, nodes])
            if level + 1 < d:
                lo[:, 2 * nodes], hi[:, 2 * nodes] = lo[:, nodes], mid[:, nodes]
                lo[:, 2 * nodes + 1], hi[:, 2 * nodes + 1] = mid[:, nodes], hi[:, nodes]
        over = np.zeros((rows, size), dtype=bool)
        over[:, 1:] = needed_at(mid[:, 1:]) > available[:, None]
        node = np.ones(rows, dtype=int)
        for _ in range(d):
            at = mid[picked, node]
            is_over = over[picked, node]
            high = np.where(is_over, at, high)
            low = np.where(is_over, low, at)
            node = 2 * node + (~is_over).astype(int)
        done += d
    p = 1.0 - ndtr(high)
    p = np.where(over_low, 1.0, p)
    p = np.where(~over_high, 0.0, p)
    return p
