"""Cohort-change ratios and their shrinkage, checked against hand computations."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.ratios import estimate_ratios
from forecast.shrinkage import shrink_toward_one
from forecast.simulate import simulate_ward


def toy_two_quarters() -> np.ndarray:
    """P[q, a, t]: 2 quarters, ages 0–2, 3 years (persons)."""
    a = np.array([[10, 12, 14], [8, 9, 11], [5, 7, 9]], dtype=float)
    b = np.array([[4, 2, 6], [3, 5, 1], [2, 2, 6]], dtype=float)
    return np.stack([a, b])


def test_raw_ratios_match_hand_computation():
    p = toy_two_quarters()
    r = estimate_ratios(p, p, np.ones((2, 3), bool), window=5, shrink=False, bounds=None)
    # quarter A, age 0 → 1: (P[1,2016] + P[1,2017]) / (P[0,2015] + P[0,2016]) = (9 + 11) / (10 + 12)
    assert r.ratio[0, 0] == pytest.approx(20 / 22)
    assert r.ratio[0, 1] == pytest.approx((7 + 9) / (8 + 9))
    assert r.ratio[1, 0] == pytest.approx((5 + 1) / (4 + 2))
    assert r.ratio[1, 1] == pytest.approx((2 + 6) / (3 + 5))
    # ward ratios pool the sums of both quarters
    assert r.ward_raw[0] == pytest.approx((9 + 11 + 5 + 1) / (10 + 12 + 4 + 2))
    assert r.ward_raw[1] == pytest.approx((7 + 9 + 2 + 6) / (8 + 9 + 3 + 5))


def test_window_uses_only_the_last_transitions():
    p = toy_two_quarters()
    r = estimate_ratios(p, p, np.ones((2, 3), bool), window=1, shrink=False, bounds=None)
    assert r.ratio[0, 0] == pytest.approx(11 / 12)
    assert r.ratio[1, 1] == pytest.approx(6 / 5)


def test_shrinkage_weights_match_hand_computation():
    observed = np.array([[30.0, 34.0], [3.0, 1.0]])
    expected = np.array([[20.0, 20.0], [2.0, 2.0]])
    s = shrink_toward_one(observed, expected)
    # raw = [64/40, 4/4]; Pearson χ² of the yearly counts around raw·E over 2 degrees of freedom
    chi2 = (30 - 32) ** 2 / 32 + (34 - 32) ** 2 / 32 + (3 - 2) ** 2 / 2 + (1 - 2) ** 2 / 2
    phi = chi2 / 2
    tau2 = (40 * 0.6**2 + 4 * 0.0 - phi * 2) / 44
    kappa = phi / tau2
    assert s.raw == pytest.approx([1.6, 1.0])
    assert s.dispersion == pytest.approx(phi)
    assert s.between_variance == pytest.approx(tau2)
    assert s.kappa == pytest.approx(kappa)
    assert s.weight == pytest.approx([40 / (40 + kappa), 4 / (4 + kappa)])
    assert s.factor[0] == pytest.approx(1 + 40 / (40 + kappa) * 0.6)


def test_no_detectable_spread_means_full_shrinkage():
    observed = np.array([[10.0, 11.0], [9.0, 10.0]])
    expected = np.array([[10.0, 10.0], [10.0, 10.0]])
    s = shrink_toward_one(observed, expected)
    assert np.all(s.weight < 1e-3)
    assert s.factor == pytest.approx([1.0, 1.0], abs=1e-3)


def test_zero_exposure_takes_the_parent_value():
    observed = np.array([[5.0, 7.0], [3.0, 0.0], [40.0, 50.0]])
    expected = np.array([[10.0, 10.0], [0.0, 0.0], [40.0, 40.0]])
    s = shrink_toward_one(observed, expected, (0.5, 2.0))
    assert s.weight[1] == 0.0
    assert s.factor[1] == 1.0


def test_weight_moves_toward_the_ward_as_counts_shrink():
    total, _ = simulate_ward(25, 2015, 2024, 65, seed=11, quarter_spread=0.05, as_arrays=True)
    exists = np.ones(total.shape[::2], bool)
    weights, gaps = [], []
    for scale in (1.0, 0.3, 0.05):
        p = total.copy()
        p[0] = np.round(p[0] * scale)
        r = estimate_ratios(p, p, exists, window=5, bands=(0, 15, 30, 45))
        weights.append(r.cell_weight[0, :18].mean())
        parent = r.ward * r.quarter_level[0]
        gaps.append(np.abs(r.ratio[0, :18] - parent[:18]).mean())
    assert weights[0] > weights[1] > weights[2]
    assert gaps[0] > gaps[2]


def test_bounds_hold_for_a_quarter_with_exploding_raw_ratios():
    total, _ = simulate_ward(10, 2015, 2022, 65, seed=3, as_arrays=True)
    p = total.copy()
    p[0, :, :-1] = 0.0
    p[0, :, -2] = 1.0  # one person per age in the year before the base, many in the base year
    p[0, :, -1] = 40.0
    exists = p.sum(axis=1) > 0
    r = estimate_ratios(p, p, exists, window=5, bands=(0, 15, 30, 45), bounds=(0.5, 2.0))
    assert np.all(np.isfinite(r.ratio))
    assert r.ratio.max() <= 2.0 and r.ratio.min() >= 0.5
