"""A learned correction of the blended forecast, trained only on the ward's own past forecasts.

For every past origin o inside the history (data up to the base year only), every quarter and
every cohort alive at o that reached age x after h years by the base year, the blended forecast
F (`combine`) is compared with the outcome A. A gradient-boosted regression tree ensemble
(scikit-learn's `HistGradientBoostingRegressor`: fast histogram trees, no tuning per data set)
learns the log error

    y = log((A + 1) / (F + 1))        (clipped to ±1; cells drawn with probability ∝ F + 1, so
                                       that the fit minimises errors in persons, not in small cells)

from what was known at o: the horizon h and age x; the disagreement of the two components
log((C + 1)/(S + 1)); the cohort's size; its last one-year and three-year changes in the
quarter relative to the ward's (recent ratios at several lags); the ward's ratio; the quarter's
size and its growth over one and five years. The forecast from the base year is then
F · exp(γ_h · ŷ) − (1 − exp(γ_h · ŷ)), i.e. (F + 1)·exp(γ_h ŷ) − 1.

Guard. One-year migration noise is large in small areas and a learned model can chase it. The
model is therefore first fitted without the outcomes of the last `holdout_years` years, and for
each horizon the share γ_h ∈ {0, ½, 1} of its correction that minimised the absolute error (in
persons) on those held-out outcomes is kept; then it is refitted on everything. A horizon where
the correction did not help on the held-out years gets none (γ = 0); horizons never held out
keep the last γ. Cohorts born after the origin (x < h) are not corrected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Correction", "cohort_features", "fit_correction", "N_FEATURES"]

N_FEATURES = 11
GAMMAS = (0.0, 0.5, 1.0)


def cohort_features(
    history: np.ndarray, cohort: np.ndarray, share: np.ndarray, blended: np.ndarray, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """(target ages x with x − h ≥ 0, features [Q, len(x), N_FEATURES]) for horizon h (1-based).

    history [Q, A, T] ends at the origin; cohort, share, blended [Q, A] are the forecasts for
    that horizon."""
    n_q, n_a, n_t = history.shape
    x = np.arange(horizon, n_a)
    a0 = x - horizon
    base = history[:, a0, -1]
    total = history.sum(axis=1)  # [Q, T]
    g1 = np.log((total[:, -1] + 1) / (total[:, -2] + 1)) if n_t >= 2 else np.zeros(n_q)
    g5 = np.log((total[:, -1] + 1) / (total[:, max(0, n_t - 6)] + 1))
    size = np.log(total[:, -1] + 1)
    prev = np.maximum(a0 - 1, 0)
    young = (a0 > 0)[None, :]
    if n_t >= 2:
        last = np.log((history[:, a0, -1] + 1) / (history[:, prev, -2] + 1))
        ward_num = history[:, a0, -1].sum(axis=0)
        ward_den = history[:, prev, -2].sum(axis=0)
        ward = np.log(np.divide(ward_num, ward_den, out=np.ones_like(ward_num), where=(ward_den > 0) & (ward_num > 0)))
    else:
        last, ward = np.zeros_like(base), np.zeros(a0.size)
    k = min(3, n_t - 1)
    if k >= 1:
        three = np.log((history[:, a0, -k:].sum(axis=2) + 1) / (history[:, prev, -k - 1 : -1].sum(axis=2) + 1))
    else:
        three = np.zeros_like(base)
    feats = np.empty((n_q, x.size, N_FEATURES))
    feats[..., 0] = horizon
    feats[..., 1] = x[None, :]
    feats[..., 2] = np.log(cohort[:, x] + 1) - np.log(share[:, x] + 1)
    feats[..., 3] = np.log(base + 1)
    feats[..., 4] = np.log(blended[:, x] + 1)
    feats[..., 5] = np.where(young, last - ward[None, :], 0.0)
    feats[..., 6] = np.where(young, three, 0.0)
    feats[..., 7] = g1[:, None]
    feats[..., 8] = g5[:, None]
    feats[..., 9] = size[:, None]
    feats[..., 10] = np.where(young, ward[None, :], 0.0)
    return x, feats


@dataclass(frozen=True, eq=False)
class Correction:
    """A fitted correction: `model` predicts ŷ from features; γ_h scales it per horizon."""

    model: object  # sklearn HistGradientBoostingRegressor, or None (no correction)
    gamma: np.ndarray  # [H] γ_h

    def factor(self, features: np.ndarray, horizon: int) -> np.ndarray:
        """exp(γ_h · ŷ) for features [..., N_FEATURES] (1 where γ_h = 0)."""
        g = self.gamma[min(horizon, self.gamma.size) - 1] if self.gamma.size else 0.0
        if self.model is None or g == 0.0 or features.size == 0:
            return np.ones(features.shape[:-1])
        flat = features.reshape(-1, N_FEATURES)
        with _one_thread():
            pred = self.model.predict(flat).reshape(features.shape[:-1])  # type: ignore[attr-defined]
        return np.exp(g * pred)


NO_CORRECTION = Correction(None, np.zeros(0))


def _one_thread() -> Any:
    """Run scikit-learn's OpenMP loops on one thread: on a shared 2-core machine its thread
    pool spins and waits (measured 14× slower under load); these models are small."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def _model(n_rows: int, seed: int) -> object:
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(
        max_iter=100,
        learning_rate=0.1,
        max_leaf_nodes=15,
        min_samples_leaf=max(20, min(200, n_rows // 50)),
        early_stopping=False,
        random_state=seed,
    )


def fit_correction(
    features: np.ndarray,
    forecast: np.ndarray,
    actual: np.ndarray,
    horizon: np.ndarray,
    outcome_year: np.ndarray,
    *,
    holdout_years: int = 2,
    max_rows: int = 60_000,
    min_rows: int = 2_000,
    seed: int = 20260103,
) -> Correction:
    """Fit the correction on past cells (features [n, N_FEATURES], blended forecast F, outcome
    A, horizon h, the year the outcome was observed); see the module docstring."""
    n = forecast.size
    if n < min_rows:
        return NO_CORRECTION
    try:
        import sklearn  # noqa: F401
    except ImportError:  # the dependency is declared; without it the blend stands alone
        return NO_CORRECTION
    # Cells are drawn with probability ∝ F + 1 (with replacement): the fit then weighs errors in
    # persons, as sample weights would, without the cost of weighted histogram binning.
    rng = np.random.default_rng(seed)
    prob = (forecast + 1.0) / (forecast + 1.0).sum()
    pick = np.sort(rng.choice(n, min(n, max_rows), replace=True, p=prob))
    features, forecast, actual = features[pick], forecast[pick], actual[pick]
    horizon, outcome_year = horizon[pick], outcome_year[pick]
    n = pick.size
    y = np.clip(np.log((actual + 1) / (forecast + 1)), -1.0, 1.0)
    n_h = int(horizon.max())
    gamma = np.zeros(n_h)
    held = outcome_year > outcome_year.max() - holdout_years
    if (~held).sum() >= min_rows and held.any():
        probe = _model(int((~held).sum()), seed)
        with _one_thread():
            probe.fit(features[~held], y[~held])  # type: ignore[attr-defined]
            pred = probe.predict(features[held])  # type: ignore[attr-defined]
        f, a, h = forecast[held], actual[held], horizon[held]
        seen = np.zeros(n_h, bool)
        for j in range(1, n_h + 1):
            m = h == j
            if not m.any():
                continue
            seen[j - 1] = True
            errs = [np.abs((f[m] + 1) * np.exp(g * pred[m]) - 1 - a[m]).sum() for g in GAMMAS]
            gamma[j - 1] = GAMMAS[int(np.argmin(errs))]
        if not seen.any():
            return NO_CORRECTION
        last = int(np.flatnonzero(seen)[-1])
        gamma[last + 1 :] = gamma[last]
        for j in range(last):  # a horizon with no held-out cell takes the one before it
            if not seen[j]:
                gamma[j] = gamma[j - 1] if j > 0 else 0.0
    else:
        return NO_CORRECTION
    if not gamma.any():
        return Correction(None, gamma)
    model = _model(n, seed)
    with _one_thread():
        model.fit(features, y)  # type: ignore[attr-defined]
    return Correction(model, gamma)
