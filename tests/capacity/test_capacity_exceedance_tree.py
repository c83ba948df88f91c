"""capacity.uncertainty.exceedance_probability: several halvings per call give the one-at-a-time bisection."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr

from capacity.uncertainty import exceedance_probability


def one_at_a_time(needed_at, available, z_range=8.0, iterations=40):
    """The bisection as it was written before: one halving, one call per step."""
    low = np.full(available.shape, -z_range)
    high = np.full(available.shape, z_range)
    over_low = needed_at(low[:, None])[:, 0] > available
    over_high = needed_at(high[:, None])[:, 0] > available
    for _ in range(iterations):
        mid = 0.5 * (low + high)
        over = needed_at(mid[:, None])[:, 0] > available
        high = np.where(over, mid, high)
        low = np.where(over, low, mid)
    p = 1.0 - ndtr(high)
    return np.where(~over_high, 0.0, np.where(over_low, 1.0, p))


def rooms_at(base: np.ndarray, slope: np.ndarray):
    """Whole rooms needed per row: ceil(base + slope × z), a step function of z."""

    def needed_at(z: np.ndarray) -> np.ndarray:
        assert z.ndim == 2 and z.shape[0] == base.shape[0]
        return np.ceil(base[:, None] + slope[:, None] * z)

    return needed_at


@pytest.mark.parametrize("depth", [1, 2, 3, 4, 5, 7, 12, 40])
def test_every_depth_gives_the_same_scores_as_one_halving_at_a_time(depth):
    rng = np.random.default_rng(3)
    base = rng.uniform(0, 30, 200)
    slope = rng.uniform(0, 6, 200)
    available = rng.integers(0, 40, 200).astype(float)
    needed_at = rooms_at(base, slope)
    reference = one_at_a_time(needed_at, available)
    got = exceedance_probability(needed_at, available, depth=depth)
    assert np.array_equal(got, reference)  # bit for bit: the same midpoints
    assert ((got == 0) | (got == 1) | ((got > 0) & (got < 1))).all()
    assert (got == 1).any() and (got == 0).any() and ((got > 0) & (got < 1)).any()


def test_hand_computed_threshold():
    # ceil(10 + 5 z) > 12 exactly when 10 + 5 z > 12, i.e. z > 0.4: p = 1 − Φ(0.4) ≈ 0.3446
    p = exceedance_probability(rooms_at(np.array([10.0]), np.array([5.0])), np.array([12.0]))
    assert p[0] == pytest.approx(1 - ndtr(0.4), abs=1e-9)
    assert p[0] == pytest.approx(0.344578, abs=1e-6)


def test_the_calls_are_fewer_with_depth():
    calls = []
    base, slope, available = np.array([5.0, 20.0]), np.array([2.0, 1.0]), np.array([6.0, 19.0])
    inner = rooms_at(base, slope)

    def counted(z: np.ndarray) -> np.ndarray:
        calls.append(z.shape[1])
        return inner(z)

    exceedance_probability(counted, available, depth=4)
    assert calls == [2] + [15] * 10  # the two ends, then 40 halvings four at a time
