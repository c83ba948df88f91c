"""The projection engine on arrays: one method, one origin, vectorized over quarters × ages.

`project_means(arrays, base_index, steps, method, settings)` projects from the end of year
`arrays.years[base_index]` (later data is ignored) and returns expected residents
[quarter, age, step] for the `steps` following years. Methods:

- "shrunk": shrunk cohort-change ratios (`ratios`), age 0 from the births model (`births`),
  planned housing (`housing`) — the project's method;
- "hp_unshrunk": raw quarter ratios and raw quarter child–woman (or births) ratios held at the
  window's level, no housing — textbook Hamilton–Perry;
- "aging": every cohort ages with ratio 1, age 0 stays at its base-year value;
- "naive": every age keeps its base-year count.

`rolling_errors` projects from every earlier origin and summarizes the errors against what
happened up to the base year (the material `intervals.calibrate` fits intervals on).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.births import fit_youngest_age
from forecast.combine import blend, fit_blend, quarter_shares, share_component
from forecast.housing import arrivals, net_of_housing, yield_by_age
from forecast.intervals import ErrorSummary, summarize_errors
from forecast.learned import NO_CORRECTION, Correction, cohort_features, fit_correction
from forecast.ratios import estimate_ratios, validated_ratios
from forecast.settings import DEFAULT_SETTINGS, METHODS, ForecastSettings
from forecast.tables import MIN_HISTORY_YEARS, WardArrays

__all__ = [
    "project_means",
    "rolling_errors",
    "first_origin_index",
    "components",
    "combine",
    "fit_combination",
    "Components",
    "Combination",
    "PLAIN",
    "calibration_sample",
    "calibration_origins",
    "shrunk_hamilton_perry",
]


def first_origin_index() -> int:
    """Index (in years) of the earliest origin that has enough history to project from."""
    return MIN_HISTORY_YEARS - 1


#: A quarter whose population halves or doubles in one year (a boundary change, a new
#: quarter filling up) is treated as new from that year: earlier years do not enter its ratios.
BREAK_FACTOR = 2.0


def usable_years(total: np.ndarray, exists: np.ndarray) -> np.ndarray:
    """[Q, T] years whose population may enter the quarter's ratios: the quarter had residents
    and no structural break (a one-year jump by BREAK_FACTOR or more) happened later."""
    people = total.sum(axis=1)  # [Q, T]
    prev, cur = people[:, :-1], people[:, 1:]
    jump = (cur > BREAK_FACTOR * prev) | (cur * BREAK_FACTOR < prev)
    jump &= cur > 0
    jump = np.concatenate([np.zeros((people.shape[0], 1), bool), jump], axis=1)
    # the latest break year per quarter (0 when none); years before it are not used
    t_idx = np.arange(people.shape[1])[None, :]
    last_break = np.where(jump, t_idx, 0).max(axis=1)
    return exists & (t_idx >= last_break[:, None])


def _aging(base: np.ndarray, steps: int) -> np.ndarray:
    out = np.empty((*base.shape, steps))
    cur = base
    for j in range(steps):
        nxt = np.empty_like(cur)
        nxt[:, 1:] = cur[:, :-1]
        nxt[:, 0] = base[:, 0]
        out[:, :, j] = nxt
        cur = nxt
    return out


def _cohort_projection(
    hist: WardArrays, steps: int, method: str, settings: ForecastSettings
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """(projection [Q, A, steps] without planned housing, the housing part [Q, A, steps] or
    None, numerator population, usable years) of a cohort-change method from `hist`'s last year."""
    total = hist.total
    n_q, n_a, n_t = total.shape
    shrink = method == "shrunk"
    bounds = settings.ratio_bounds if shrink else None
    housing = hist.housing if shrink else None
    yields = yield_by_age(settings.yield_table, n_a)
    numerator = net_of_housing(total, housing, yields)
    usable = usable_years(total, hist.exists)
    female = hist.female
    if shrink:
        fitted = validated_ratios(total, numerator, usable, bounds=bounds)
        ratios = fitted.ratio
    else:
        ratios = estimate_ratios(
            total, numerator, usable, window=settings.window, bands=settings.ratio_bands, bounds=bounds, shrink=False
        ).ratio
    youngest = fit_youngest_age(
        total,
        female,
        hist.births,
        numerator[:, 0, :],
        usable,
        steps=steps,
        window=settings.window,
        model=settings.births_model,
        min_years=settings.min_years_ets,
        bounds=settings.factor_bounds if shrink else None,
        shrink=shrink,
        women=hist.women,
    )
    girls = youngest.girls_share
    female_ratios = None
    if female is not None:
        female_num = net_of_housing(female, housing, yields * girls)
        if shrink:
            female_ratios = validated_ratios(
                female, female_num, usable, bounds=bounds, fixed=(fitted.decay, fitted.kappa, fitted.neighbours)
            ).ratio
        else:
            female_ratios = estimate_ratios(
                female,
                female_num,
                usable,
                window=settings.window,
                bands=settings.ratio_bands,
                bounds=bounds,
                shrink=False,
            ).ratio
    has_housing = housing is not None and housing[:, n_t : n_t + steps].any()
    runs = (False, True) if has_housing else (False,)
    results = []
    for with_housing in runs:
        out = np.empty((n_q, n_a, steps))
        cur, cur_f = total[:, :, -1], (female[:, :, -1] if female is not None else None)
        for j in range(steps):  # years only; each step is vectorized over quarters × ages
            nxt = np.empty_like(cur)
            nxt[:, 1:] = cur[:, :-1] * ratios
            nxt_f = None
            if cur_f is not None:
                nxt_f = np.empty_like(cur_f)
                nxt_f[:, 1:] = cur_f[:, :-1] * female_ratios
            nxt[:, 0] = youngest.age0(youngest.exposure_of(nxt, nxt_f, j), j)
            if nxt_f is not None:
                nxt_f[:, 0] = nxt[:, 0] * girls
            added = arrivals(housing, n_t + j, yields, n_q) if with_housing else None
            if added is not None:
                nxt += added
                if nxt_f is not None:
                    nxt_f += added * girls
            out[:, :, j] = nxt
            cur, cur_f = nxt, nxt_f
        results.append(out)
    plain = results[0]
    housing_part = results[1] - plain if has_housing else None
    return plain, housing_part, numerator, usable


@dataclass(frozen=True, eq=False)
class Components:
    """The two views of the future from one origin (persons, [Q, A, steps])."""

    cohort: np.ndarray  # cohort-change projection, without planned housing
    share: np.ndarray  # the quarter's share of the ward × the ward's cohort projection
    housing: np.ndarray | None  # children added by planned housing (and their aging)

    def blended(self, beta: np.ndarray) -> np.ndarray:
        out = blend(self.cohort, self.share, beta)
        if self.housing is not None:
            out += self.housing
        return out


def components(arrays: WardArrays, base_index: int, steps: int, settings: ForecastSettings) -> Components:
    """Cohort and share components of the project's method from `years[base_index]`."""
    hist = arrays.truncated(base_index)
    cohort, housing, numerator, usable = _cohort_projection(hist, steps, "shrunk", settings)
    shares = quarter_shares(numerator, usable, settings.window)
    return Components(cohort, share_component(shares, cohort), housing)


@dataclass(frozen=True, eq=False)
class Combination:
    """How the components are combined: blend weights β_h and the learned correction."""

    beta: np.ndarray
    correction: Correction


PLAIN = Combination(np.zeros(0), NO_CORRECTION)


def combine(history: np.ndarray, comps: Components, combination: Combination) -> np.ndarray:
    """The forecast [Q, A, steps]: blend, then the learned correction of surviving cohorts."""
    out = comps.blended(combination.beta)
    correction = combination.correction
    if correction.model is None:
        return out
    for j in range(out.shape[2]):
        x, feats = cohort_features(history, comps.cohort[:, :, j], comps.share[:, :, j], out[:, :, j], j + 1)
        if x.size:
            factor = correction.factor(feats, j + 1)
            out[:, x, j] = np.maximum((out[:, x, j] + 1.0) * factor - 1.0, 0.0)
    return out


def fit_origins(base_index: int) -> list[int]:
    """Past origins (indices) whose forecasts train the combination fitted at `base_index`."""
    return list(range(first_origin_index(), base_index))


def fit_combination(
    arrays: WardArrays, base_index: int, settings: ForecastSettings
) -> tuple[Combination, dict[int, Components]]:
    """Fit β_h and the learned correction on forecasts from every earlier origin, compared with
    what was observed up to `years[base_index]` (nothing later is read). Returns the combination
    and the components of each past origin (reused to calibrate the intervals)."""
    origins = fit_origins(base_index)
    past = {o: components(arrays, o, base_index - o, settings) for o in origins}
    n_fit = min(settings.fit_max_age + 1, arrays.ages.size)
    triples = []
    for o, comp in past.items():
        alive = arrays.exists[:, o]
        actual = arrays.total[alive, :n_fit, o + 1 : base_index + 1]
        extra = comp.housing[alive, :n_fit] if comp.housing is not None else 0.0
        c = comp.cohort[alive, :n_fit] + extra
        sh = comp.share[alive, :n_fit] + extra
        triples.append((c, sh, actual))
    beta = fit_blend(triples, settings.max_fit_horizon)
    if not settings.learned or beta.size == 0:
        return Combination(beta, NO_CORRECTION), past
    rng = np.random.default_rng(20260104)
    blocks = sum(min(base_index - o, settings.max_fit_horizon) for o in origins)
    per_block = max(1, 2 * settings.learned_rows // max(blocks, 1))
    rows: list[tuple[np.ndarray, ...]] = []
    for o, comp in past.items():
        history = arrays.total[:, :, : o + 1]
        blended = comp.blended(beta)
        alive = arrays.exists[:, o]
        for j in range(min(base_index - o, settings.max_fit_horizon)):
            x, feats = cohort_features(history, comp.cohort[:, :, j], comp.share[:, :, j], blended[:, :, j], j + 1)
            x = x[x < n_fit]
            if not x.size:
                continue
            f = feats[alive][:, : x.size].reshape(-1, feats.shape[-1])
            fc = blended[alive][:, x, j].ravel()
            act = arrays.total[alive][:, x, o + 1 + j].ravel()
            if fc.size > per_block:
                pick = np.sort(rng.choice(fc.size, per_block, replace=False))
                f, fc, act = f[pick], fc[pick], act[pick]
            rows.append((f, fc, act, np.full(fc.size, j + 1), np.full(fc.size, o + 1 + j)))
    if not rows:
        return Combination(beta, NO_CORRECTION), past
    f, fc, act, h, year = (np.concatenate(parts) for parts in zip(*rows, strict=True))
    correction = fit_correction(f, fc, act, h, year, max_rows=settings.learned_rows)
    return Combination(beta, correction), past


def project_means(
    arrays: WardArrays,
    base_index: int,
    steps: int,
    method: str = "shrunk",
    settings: ForecastSettings = DEFAULT_SETTINGS,
    combination: Combination | None = None,
) -> np.ndarray:
    """Expected residents [Q, A, steps] (persons) for the years after `years[base_index]`.

    For "shrunk", `combination` (fitted by `fit_combination` at this or a later base on the same
    ward) is used when given; otherwise it is fitted here on the data up to the base year."""
    if method not in METHODS:
        raise ValueError(f"unknown forecast method {method!r}; choose one of {', '.join(METHODS)}")
    hist = arrays.truncated(base_index)
    total = hist.total
    base = total[:, :, -1]
    if method == "naive":
        return np.repeat(base[:, :, None], steps, axis=2)
    if method == "aging":
        return _aging(base, steps)
    if method == "hp_shrunk":
        return shrunk_hamilton_perry(total, steps)
    if method == "hp_unshrunk":
        plain, _, _, _ = _cohort_projection(hist, steps, method, settings)
        return plain
    if combination is None:
        combination = fit_combination(arrays, base_index, settings)[0] if settings.combine else PLAIN
    return combine(total, components(arrays, base_index, steps, settings), combination)


#: The shrunk Hamilton–Perry baseline of issue 10: window, and the persons at risk at which a
#: quarter's own ratio gets half weight.
HP_WINDOW, HP_PSEUDO = 5, 2000.0


def shrunk_hamilton_perry(total: np.ndarray, steps: int) -> np.ndarray:
    """The simple baseline the method must beat (`hp_shrunk`) on P[q, a, t] up to the base year:
    one-year ratios pooled over the last 5 transitions per quarter and age, shrunk toward the
    all-quarter ratio with weight den / (den + 2000) (den: persons at risk over the 5
    transitions); age 0 held at the quarter's mean of the last 5 years; aged year by year."""
    k = min(HP_WINDOW, total.shape[2] - 1)
    den = total[:, :-1, -k - 1 : -1].sum(axis=2)
    num = total[:, 1:, -k:].sum(axis=2)
    ward_den = den.sum(axis=0)
    ward = np.divide(num.sum(axis=0), ward_den, out=np.ones_like(ward_den), where=ward_den > 0)
    raw = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    w = den / (den + HP_PSEUDO)
    ratio = w * raw + (1 - w) * ward[None, :]
    age0 = total[:, 0, -HP_WINDOW:].mean(axis=1)
    out = np.empty((*total.shape[:2], steps))
    cur = total[:, :, -1]
    for j in range(steps):
        nxt = np.empty_like(cur)
        nxt[:, 1:] = cur[:, :-1] * ratio
        nxt[:, 0] = age0
        out[:, :, j] = nxt
        cur = nxt
    return out


#: Fewest origins with `ForecastSettings.calibration_history` years of history that calibrate
#: the intervals on their own; with fewer, every origin from the third year is used.
MIN_LONG_ORIGINS = 3


def calibration_origins(base_index: int, settings: ForecastSettings) -> list[int]:
    """Origins (indices) whose past forecasts calibrate the intervals at `base_index`: those
    made from at least `settings.calibration_history` years of history, when MIN_LONG_ORIGINS
    such origins exist (else every origin from the third year). A forecast from 3 years of
    history errs more than one from a long history: its errors would widen today's intervals
    with a method that no longer applies (on the Yokohama blocks the 80 % intervals held up to
    85 % of outcomes with them)."""
    every = list(range(first_origin_index(), base_index))
    long = [o for o in every if o + 1 >= settings.calibration_history]
    return long if len(long) >= MIN_LONG_ORIGINS else every


def calibration_sample(arrays: WardArrays, settings: ForecastSettings) -> WardArrays:
    """The quarters the rolling-origin runs use: all of them, or above
    `settings.calibration_quarters` a seeded sample of that many."""
    if arrays.quarters.size <= settings.calibration_quarters:
        return arrays
    rng = np.random.default_rng(20260101)
    pick = np.sort(rng.choice(arrays.quarters.size, settings.calibration_quarters, replace=False))
    return arrays.subset(pick)


def rolling_errors(
    arrays: WardArrays,
    method: str,
    settings: ForecastSettings,
    *,
    n_ages: int,
    origins: list[int] | None = None,
    combination: Combination | None = None,
    past: dict[int, Components] | None = None,
) -> tuple[list[ErrorSummary], list[ErrorSummary]]:
    """Error summaries of `method` projected from each origin index (default: every origin
    from the third year to the year before the base) against the actual years up to the base.

    Returns (quarter-level summaries, ward-level summaries: ward totals by age). Above
    `settings.calibration_quarters` quarters a seeded sample of quarters is used. For "shrunk",
    `combination` (fitted at the base year) and `past` (the components of each origin, from
    `fit_combination` on the same quarters) avoid refitting at every origin.
    """
    last = arrays.years.size - 1
    if origins is None:
        origins = calibration_origins(last, settings)
    if past is None:
        arrays = calibration_sample(arrays, settings)
    ages = arrays.ages[:n_ages]
    quarter_level: list[ErrorSummary] = []
    ward_level: list[ErrorSummary] = []
    per_summary = max(2000, settings.max_quantile_cells // max(1, len(origins) * 4))
    for o in origins:
        steps = last - o
        if steps <= 0:
            continue
        if method == "shrunk" and combination is not None and past is not None and o in past:
            mean = combine(arrays.total[:, :, : o + 1], past[o], combination)[:, :n_ages]
        else:
            mean = project_means(arrays, o, steps, method, settings, combination)[:, :n_ages]
        alive = arrays.exists[:, o]
        year = int(arrays.years[o])
        for j in range(steps):
            actual = arrays.total[:, :n_ages, o + 1 + j]
            m = mean[:, :, j]
            quarter_level.append(
                summarize_errors(m[alive], actual[alive], ages, origin=year, horizon=j + 1, max_sample=per_summary)
            )
            ward_level.append(
                summarize_errors(
                    m.sum(axis=0, keepdims=True),
                    actual.sum(axis=0, keepdims=True),
                    ages,
                    origin=year,
                    horizon=j + 1,
                    max_sample=per_summary,
                )
            )
    return quarter_level, ward_level
