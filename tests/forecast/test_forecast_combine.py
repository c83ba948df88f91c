"""The pieces of the project's method added for real small areas (issue 10), on hand-computed toys:
validated time-weighted ratios, the share-of-ward component and its blend weights, the learned
correction and its guard, the simple shrunk Hamilton–Perry baseline, women 15–49 as a table,
and no leakage of data after the base year into anything fitted."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from forecast import DEFAULT_SETTINGS, project, simulate_ward
from forecast.combine import blend, fit_blend, quarter_shares, share_component
from forecast.engine import fit_combination, project_means, shrunk_hamilton_perry
from forecast.learned import N_FEATURES, fit_correction
from forecast.ratios import validated_ratios
from forecast.tables import ward_arrays


def test_validated_ratios_by_hand_for_one_candidate():
    # 2 quarters, ages 0–1, 3 years → 2 transitions (weights λ¹, λ⁰ = 0.5, 1)
    p = np.zeros((2, 2, 3))
    p[0, 0] = [10, 20, 0]
    p[0, 1] = [0, 12, 18]  # transitions: 10 → 12, 20 → 18
    p[1, 0] = [30, 30, 0]
    p[1, 1] = [0, 30, 45]  # 30 → 30, 30 → 45
    r = validated_ratios(
        p, p, np.ones((2, 3), bool), bounds=None, decays=(0.5,), kappas=(10.0,), neighbour_weights=(0.0,)
    )
    d0, n0 = 0.5 * 10 + 20, 0.5 * 12 + 18  # 25, 24
    d1, n1 = 0.5 * 30 + 30, 0.5 * 30 + 45  # 45, 60
    ward = (n0 + n1) / (d0 + d1)
    w0, w1 = d0 * ward / (d0 * ward + 10), d1 * ward / (d1 * ward + 10)  # expected persons E = D·R
    assert r.ward[0] == pytest.approx(ward)
    assert r.ratio[0, 0] == pytest.approx(w0 * n0 / d0 + (1 - w0) * ward)
    assert r.ratio[1, 0] == pytest.approx(w1 * n1 / d1 + (1 - w1) * ward)
    assert r.decay.tolist() == [0.5] and r.kappa.tolist() == [10.0]


def test_neighbouring_ages_lend_their_level():
    # 2 quarters, ages 0–2 (two ratios), 2 years: quarter 0 doubles at age 0 → 1 only
    p = np.zeros((2, 3, 2))
    p[:, :, 0] = 10.0
    p[0, 1, 1], p[0, 2, 1] = 20.0, 10.0
    p[1, 1, 1], p[1, 2, 1] = 10.0, 10.0
    r = validated_ratios(p, p, np.ones((2, 2), bool), bounds=None, fixed=(1.0, np.array([5.0, 5.0]), 1.0))
    ward = np.array([30 / 20, 20 / 20])
    e = 10 * ward  # expected persons of each quarter at each age
    # quarter 0, age 1 → 2: own N = 10, E = 10; neighbour age 0 → 1: N = 20, E = 15
    f = (10 + 20) / (e[1] + e[0])
    w = (e[1] + e[0]) / (e[1] + e[0] + 5.0)
    assert r.ratio[0, 1] == pytest.approx(ward[1] * (1 + w * (f - 1)))
    assert r.ratio[0, 1] > 1.0  # it borrowed quarter 0's gain at the younger age
    alone = validated_ratios(p, p, np.ones((2, 2), bool), bounds=None, fixed=(1.0, np.array([5.0, 5.0]), 0.0))
    assert alone.ratio[0, 1] == pytest.approx(1.0)


def _persistent(noise: bool) -> np.ndarray:
    """40 quarters × 2 ages × 9 years: age 0 = 100 each year; age 1 = 100 × the quarter's own
    ratio (persistent, from 0.6 to 1.4) or a ratio redrawn every year (pure noise)."""
    rng = np.random.default_rng(1)
    q, t = 40, 9
    p = np.zeros((q, 2, t))
    p[:, 0] = 100.0
    own = np.linspace(0.6, 1.4, q)
    for k in range(1, t):
        ratio = rng.permutation(own) if noise else own
        p[:, 1, k] = 100.0 * ratio
    return p


def test_validation_keeps_persistent_quarter_ratios_and_pools_noise():
    exists = np.ones((40, 9), bool)
    persistent = validated_ratios(_persistent(False), _persistent(False), exists, bounds=None)
    noisy = validated_ratios(_persistent(True), _persistent(True), exists, bounds=None)
    # a quarter's own ratio predicts its next year → least shrinkage; noise → most
    assert persistent.kappa[0] <= 50
    assert noisy.kappa[0] >= 400
    assert np.ptp(persistent.ratio[:, 0]) > 0.7 and np.ptp(noisy.ratio[:, 0]) < 0.2


def test_shares_pool_neighbouring_ages_and_redistribute_the_ward_total():
    p = np.zeros((2, 3, 1))
    p[0, :, 0] = [1, 2, 3]
    p[1, :, 0] = [3, 2, 1]
    s = quarter_shares(p, np.ones((2, 1), bool), window=5)
    # age 0 pools ages 0–1: (1+2)/(4+4); age 1 pools 0–2: 6/12; age 2 pools 1–2: 5/8
    assert s[0] == pytest.approx([3 / 8, 6 / 12, 5 / 8])
    assert s.sum(axis=0) == pytest.approx(1.0)
    cohort = np.arange(12, dtype=float).reshape(2, 3, 2)
    share = share_component(s, cohort)
    assert share.sum(axis=0) == pytest.approx(cohort.sum(axis=0))  # no child lost or added


def test_shares_count_a_new_quarter_only_in_its_years():
    p = np.zeros((2, 1, 2))
    p[0, 0] = [10, 10]
    p[1, 0] = [0, 30]
    usable = np.array([[True, True], [False, True]])
    s = quarter_shares(p, usable, window=5)
    assert s[1, 0] == pytest.approx(30 / 40)  # its share in the one year it existed
    assert s[0, 0] == pytest.approx(20 / 50)


def test_blend_weights_follow_the_better_component():
    # 2 quarters × 1 age × 2 horizons
    c = np.array([[10.0, 10.0], [20.0, 20.0]])[:, None, :]
    s = np.array([[14.0, 14.0], [16.0, 16.0]])[:, None, :]
    assert fit_blend([(c, s, s.copy())], 2) == pytest.approx(np.array([[1.0, 1.0]]))  # the share was right
    assert fit_blend([(c, s, c.copy())], 2) == pytest.approx(np.array([[0.0, 0.0]]))
    # half-way outcome at h1, share at h2; weights never fall with the horizon
    a = np.stack([(c[:, 0, 0] + s[:, 0, 0]) / 2, s[:, 0, 1]], axis=1)[:, None, :]
    assert fit_blend([(c, s, a)], 2) == pytest.approx(np.array([[0.5, 1.0]]))
    # beyond its length β keeps its last value
    mixed = blend(c, s, np.array([[0.25]]))
    assert mixed == pytest.approx(0.75 * c + 0.25 * s)
    assert fit_blend([], 3).size == 0


def test_blend_weights_are_fitted_per_age_band():
    # ages 0–9: band 0 (ages 0–4) followed the share, band 1 (ages 5–9) the cohort
    c = np.full((3, 10, 1), 10.0)
    s = np.full((3, 10, 1), 20.0)
    a = np.where(np.arange(10)[None, :, None] < 5, s, c)
    beta = fit_blend([(c, s, a)], 1)
    assert beta == pytest.approx(np.array([[1.0], [0.0]]))
    assert blend(c, s, beta)[0, :, 0] == pytest.approx([20.0] * 5 + [10.0] * 5)


def test_shrunk_hamilton_perry_by_hand():
    # 2 quarters, ages 0–2, 6 years (5 transitions): quarter 0 has 100 at every age and year,
    # quarter 1 has 10 at age 0 and 20 at ages 1–2 every year
    p = np.zeros((2, 3, 6))
    p[0] = 100.0
    p[1, 0], p[1, 1:] = 10.0, 20.0
    out = shrunk_hamilton_perry(p, 2)
    den0, num0 = 500.0, 500.0  # quarter 0, age 0 → 1
    den1, num1 = 50.0, 100.0  # quarter 1: 5 × 10 → 5 × 20
    ward = (num0 + num1) / (den0 + den1)
    r1 = den1 / (den1 + 2000) * (num1 / den1) + 2000 / (den1 + 2000) * ward
    assert out[1, 1, 0] == pytest.approx(10 * r1)
    assert out[1, 0, 0] == pytest.approx(10.0)  # mean of the last 5 years of age 0
    ward12 = (500 + 100) / (500 + 100)
    r12 = 100 / 2100 * 1.0 + 2000 / 2100 * ward12
    assert out[1, 2, 1] == pytest.approx(10 * r1 * r12)


def test_learned_correction_finds_a_steady_bias_and_its_guard():
    pytest.importorskip("sklearn")
    rng = np.random.default_rng(3)
    n = 12_000
    feats = rng.normal(size=(n, N_FEATURES))
    h = rng.integers(1, 4, n)
    feats[:, 0] = h
    year = rng.integers(2010, 2020, n)
    fc = rng.uniform(10, 40, n)
    biased = np.round((fc + 1) * 1.2 - 1)  # outcomes 20 % above whatever the forecast said
    corr = fit_correction(feats, fc, biased, h, year)
    assert corr.model is not None and corr.gamma.tolist() == [1.0, 1.0, 1.0]
    assert np.median(corr.factor(feats[:500], 2)) == pytest.approx(1.2, abs=0.05)
    unbiased = rng.poisson(fc).astype(float)  # pure noise: nothing to learn → the guard holds back
    noise = fit_correction(feats, fc, unbiased, h, year)
    assert noise.model is None or (noise.gamma < 1).any()
    assert fit_correction(feats[:100], fc[:100], biased[:100], h[:100], year[:100]).model is None


@pytest.fixture(scope="module")
def small_sim():
    return simulate_ward(12, 2012, 2026, 21, with_sex=False, mean_size=900.0, seed=5)


def test_nothing_after_the_base_year_reaches_the_fitted_method(small_sim):
    pop = small_sim.population
    arrays = ward_arrays(pop, max_age=18)
    base = int(np.flatnonzero(arrays.years == 2021)[0])
    first, past = fit_combination(arrays, base, DEFAULT_SETTINGS)
    mean = project_means(arrays, base, 5, "shrunk", DEFAULT_SETTINGS)
    changed = pop.copy()
    later = changed["year"] > 2021
    changed.loc[later, "count"] = changed.loc[later, "count"] * 2 + 7
    arrays2 = ward_arrays(changed, max_age=18)
    second, _ = fit_combination(arrays2, base, DEFAULT_SETTINGS)
    assert np.array_equal(first.beta, second.beta)
    assert np.array_equal(first.correction.gamma, second.correction.gamma)
    assert np.array_equal(mean, project_means(arrays2, base, 5, "shrunk", DEFAULT_SETTINGS))
    assert set(past) == set(range(2, base))


def test_project_with_later_data_changed_is_identical(small_sim):
    pop = small_sim.population
    before = project(pop, base_year=2021, horizon=2025)
    changed = pop.copy()
    changed.loc[changed["year"] > 2021, "count"] = 0
    pd.testing.assert_frame_equal(before, project(changed, base_year=2021, horizon=2025))


def test_women_table_is_the_age0_exposure(small_sim):
    pop = small_sim.population[small_sim.population["year"] <= 2021]
    women = pop[pop["age"].between(15, 20)].groupby(["quarter_id", "year"], as_index=False)["count"].sum()
    women = women.rename(columns={"count": "women_15_49"})
    settings = replace(DEFAULT_SETTINGS, learned=False)
    base = project(pop, women=women, horizon=2024, intervals=False, settings=settings)
    more = women.assign(women_15_49=women["women_15_49"] * 2)
    doubled_last = more.copy()
    # twice the women in every year: same rate per woman, so the same age 0
    same = project(pop, women=more, horizon=2024, intervals=False, settings=settings)
    assert np.allclose(base["mean"], same["mean"])
    # twice the women in the base year only: more exposure ahead → more newborns in one quarter
    q = women["quarter_id"].iloc[0]
    doubled_last = women.copy()
    pick = (doubled_last["quarter_id"] == q) & (doubled_last["year"] == 2021)
    doubled_last.loc[pick, "women_15_49"] *= 2
    bumped = project(pop, women=doubled_last, horizon=2024, intervals=False, settings=settings)
    a0 = (base["age"] == 0) & (base["quarter_id"] == q) & (base["year"] == 2022)
    assert bumped.loc[a0, "mean"].iloc[0] > base.loc[a0, "mean"].iloc[0]
    with pytest.raises(ValueError, match="women_15_49 table has no row"):
        project(pop, women=women.iloc[1:], horizon=2024, intervals=False)


def test_a_new_quarter_and_a_merged_away_quarter_are_forecast_as_they_are(small_sim):
    pop = small_sim.population[small_sim.population["year"] <= 2021]
    q_new, q_gone = small_sim.quarter_ids[0], small_sim.quarter_ids[1]
    late = pop[~((pop["quarter_id"] == q_new) & (pop["year"] < 2016))]  # first year 2016
    both = late[~((late["quarter_id"] == q_gone) & (late["year"] > 2018))]  # last year 2018
    f = project(both, base_year=2021, horizon=2024)
    assert q_new in set(f["quarter_id"]) and q_gone not in set(f["quarter_id"])
    assert f["quarter_id"].nunique() == 11 and np.isfinite(f[["mean", "lo80", "hi95"]]).all().all()
    # a hole between a quarter's first and last year is still refused, naming it
    hole = pop[~((pop["quarter_id"] == q_new) & (pop["year"] == 2017))]
    with pytest.raises(ValueError, match=f"{q_new} in 2017"):
        project(hole, base_year=2021, horizon=2024)


def test_each_age_band_keeps_its_own_decay_and_neighbour_weight():
    """Per-age (λ, ν): each age's ratio is the one computed with that age's λ and ν alone."""
    rng = np.random.default_rng(9)
    p = rng.poisson(30.0, size=(6, 8, 7)).astype(float)
    exists = np.ones((6, 7), bool)
    decay = np.array([0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 0.85])
    nu = np.array([0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.0])
    kappa = np.full(7, 40.0)
    mixed = validated_ratios(p, p, exists, bounds=None, fixed=(decay, kappa, nu))
    for lam, v in {(0.5, 0.0), (1.0, 0.5), (0.85, 0.0)}:
        alone = validated_ratios(p, p, exists, bounds=None, fixed=(lam, kappa, v))
        cols = (decay == lam) & (nu == v)
        assert mixed.ratio[:, cols] == pytest.approx(alone.ratio[:, cols], rel=1e-12)
    assert mixed.decay.tolist() == decay.tolist() and mixed.neighbours.tolist() == nu.tolist()
