"""Interval calibration per age and the city-scale fast paths (issue 10, issue 18): per-age
quantiles by hand, the origins that calibrate, no leakage, and the fast code giving the same
numbers as the direct formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from forecast import DEFAULT_SETTINGS, intervals, project_all, simulate_ward
from forecast.engine import calibration_origins
from forecast.intervals import QUANTILES, Calibration, age_quantiles, calibrate, interval_bounds, summarize_errors
from forecast.tables import _codes, ward_arrays


def test_age_quantiles_by_hand():
    """Each age's own quantiles, shrunk toward the pooled ones by n / (n + Z_PRIOR)."""
    u = np.linspace(-1.0, 1.0, 300)
    ages = np.r_[np.zeros(100, int), np.full(200, 2)]  # age 1 has no error at all
    pooled = np.array([-2.0, -1.0, 1.0, 2.0])
    got = age_quantiles(u, ages, pooled)
    own0 = np.quantile(u[:100], QUANTILES)
    own2 = np.quantile(u[100:], QUANTILES)
    w0, w2 = 100 / (100 + intervals.Z_PRIOR), 200 / (200 + intervals.Z_PRIOR)
    assert got.shape == (3, 4)
    assert got[0] == pytest.approx(w0 * own0 + (1 - w0) * pooled)
    assert got[1] == pytest.approx(pooled)  # nothing observed: the pooled quantiles
    assert got[2] == pytest.approx(w2 * own2 + (1 - w2) * pooled)


def _summaries(rng: np.random.Generator, spread_by_age: np.ndarray) -> list:
    """Errors of 400 quarters × ages at horizons 1–3 with a log-error spread per age."""
    n_q, ages = 400, np.arange(spread_by_age.size)
    out = []
    for h in (1, 2, 3):
        mean = np.full((n_q, ages.size), 200.0)
        e = rng.normal(0.0, spread_by_age * np.sqrt(h), size=mean.shape)
        actual = (mean + 1.0) * np.exp(e) - 1.0
        out.append(summarize_errors(mean, actual, ages, origin=2010, horizon=h, max_sample=10**6))
    return out


def test_an_age_that_errs_more_gets_wider_intervals_and_each_age_is_calibrated():
    rng = np.random.default_rng(3)
    spread = np.array([0.05, 0.05, 0.15, 0.05])  # age 2: three times the migration noise of the others
    fit = _summaries(rng, spread)
    cal = calibrate(fit)
    assert len(cal.z_age) == 4
    mean = np.full((4000, 4, 3), 200.0)
    b = interval_bounds(mean, np.arange(4), cal)
    width = (b["hi80"] - b["lo80"])[0, :, 1]
    assert width[2] > 2.0 * width[0]
    # fresh outcomes from the same process: 80 % inside at every age (the pooled z alone
    # would give ≈ 99 % at ages 0, 1, 3 and ≈ 60 % at age 2)
    e = rng.normal(0.0, spread[None, :, None] * np.sqrt(np.arange(1, 4))[None, None, :], size=mean.shape)
    actual = (mean + 1.0) * np.exp(e) - 1.0
    inside = ((actual >= b["lo80"]) & (actual <= b["hi80"])).mean(axis=(0, 2))
    assert inside == pytest.approx(np.full(4, 0.8), abs=0.04)


def test_sample_stride_never_skips_ages():
    """A subsample stride that shares a factor with the number of ages would keep one age only."""
    ages = np.arange(19)
    mean = np.full((100, 19), 10.0)
    s = summarize_errors(mean, mean + 1.0, ages, origin=2010, horizon=1, max_sample=100)  # 1900 cells: stride 19 → 20
    assert s.sample_age is not None and set(s.sample_age.tolist()) == set(range(19))


def test_calibrating_origins_need_five_years_of_history_when_three_exist():
    settings = DEFAULT_SETTINGS
    assert calibration_origins(10, settings) == [4, 5, 6, 7, 8, 9]  # origin index 4 = 5th year
    assert calibration_origins(7, settings) == [4, 5, 6]
    assert calibration_origins(6, settings) == [2, 3, 4, 5]  # only two long ones: every origin


def test_per_age_calibration_sees_nothing_after_the_base_year():
    sim = simulate_ward(10, 2010, 2026, 21, with_sex=False, mean_size=900.0, seed=8)
    pop = sim.population
    before = project_all(pop, base_year=2021, horizon=2024)
    changed = pop.copy()
    later = changed["year"] > 2021
    changed.loc[later, "count"] = changed.loc[later, "count"] * 5 + 3
    after = project_all(changed, base_year=2021, horizon=2024)
    assert before.calibration.z_age and before.calibration.z_age == after.calibration.z_age
    assert before.ward_calibration == after.ward_calibration
    pd.testing.assert_frame_equal(before.quarters, after.quarters)


def _direct_bounds(mean: np.ndarray, ages: np.ndarray, cal: Calibration) -> dict[str, np.ndarray]:
    """The formula of the module docstring, cell by cell in float64 (the reference)."""
    theta = np.asarray(cal.theta)
    h = np.arange(1, mean.shape[2] + 1)[None, None, :]
    a = ages[None, :, None]
    s, b = np.minimum(a, h), np.maximum(h - a, 0)
    inv = 1.0 / (mean + 1.0)
    var = theta[0] * s * inv + theta[1] * s + theta[2] * s * s + theta[3] * b * inv + theta[4] * b + theta[5] * b * b
    sd = np.sqrt(np.maximum(var, 1e-6))
    z = cal.z_for(ages)
    out = {}
    for k, name in enumerate(("lo95", "lo80", "hi80", "hi95")):
        spread = np.clip(z[:, k][None, :, None] * sd, -np.log(10.0), np.log(10.0))
        out[name] = np.maximum((mean + 1.0) * np.exp(spread) - 1.0, 0.0)
    out["lo80"] = np.minimum(out["lo80"], mean)
    out["lo95"] = np.minimum(out["lo95"], out["lo80"])
    out["hi80"] = np.maximum(out["hi80"], mean)
    out["hi95"] = np.maximum(out["hi95"], out["hi80"])
    return out


def test_chunked_float32_bounds_equal_the_direct_formula(monkeypatch):
    monkeypatch.setattr(intervals, "_CHUNK_CELLS", 500)  # many chunks, a ragged last one
    rng = np.random.default_rng(11)
    mean = rng.gamma(1.5, 15.0, size=(37, 19, 6))
    mean[0, 0, 0] = 0.0
    ages = np.arange(19)
    z_age = tuple(tuple(float(v) for v in norm.ppf(QUANTILES) * (1 + 0.02 * a)) for a in range(15))
    cal = Calibration((0.8, 0.004, 0.001, 0.9, 0.02, 0.003), (-2.0, -1.3, 1.25, 2.1), 1, (1,), z_age)
    got = interval_bounds(mean, ages, cal)
    want = _direct_bounds(mean, ages, cal)
    for name in want:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-6, atol=1e-6)
    assert (got["lo95"] <= got["lo80"]).all() and (got["lo80"] <= mean).all() and (mean <= got["hi80"]).all()


def test_quarter_codes_equal_factorizing_every_row():
    rng = np.random.default_rng(2)
    ids = np.array(["KP10", "KP2", "kp2", "Thôn 1", "7"], dtype=object)
    runs = rng.integers(0, ids.size, 60)
    column = pd.Series(np.repeat(ids[runs], rng.integers(1, 6, runs.size)), dtype=object)
    column.iloc[3] = 7  # a number among the texts: the same quarter as "7"
    want_codes, want_labels = pd.factorize(column.astype(str), sort=True)
    codes, labels = _codes(column)
    assert codes.tolist() == want_codes.tolist() and list(labels) == list(want_labels)
    known, _ = _codes(pd.Series(["KP2", "KP2", "nowhere", "KP10"]), labels)
    assert known.tolist() == [list(labels).index("KP2")] * 2 + [-1, list(labels).index("KP10")]
    assert _codes(pd.Series([], dtype=object))[0].size == 0


def test_integer_and_text_columns_give_the_same_arrays():
    sim = simulate_ward(6, 2015, 2024, 19, with_sex=False, seed=4)
    pop = sim.population.sort_values(["year", "age", "quarter_id"]).reset_index(drop=True)  # ids not in runs
    as_text = pop.astype({"year": str, "age": str, "count": float})
    a, b = ward_arrays(pop), ward_arrays(as_text)
    assert np.array_equal(a.total, b.total) and list(a.quarters) == list(b.quarters)
    assert np.array_equal(a.exists, b.exists)


def test_bounds_in_the_tables_order_equal_the_bounds_by_age():
    """`fill_bounds` on [Q, H, A] (how the tidy table is laid out) gives the same numbers."""
    rng = np.random.default_rng(5)
    mean = rng.gamma(2.0, 10.0, size=(9, 19, 4))
    ages = np.arange(19)
    cal = Calibration((0.5, 0.01, 0.002, 0.7, 0.03, 0.004), (-2.0, -1.2, 1.3, 2.2), 1, (1,))
    want = interval_bounds(mean, ages, cal)
    m_t = np.ascontiguousarray(mean.transpose(0, 2, 1))
    parts = [np.empty_like(m_t) for _ in range(4)]
    intervals.fill_bounds(m_t, ages, cal, parts, age_axis=2)
    for name, part in zip(("lo95", "lo80", "hi80", "hi95"), parts, strict=True):
        np.testing.assert_array_equal(part.transpose(0, 2, 1), want[name])
