"""Population model: a cohort-component simulation on integer counts.

Vectorised over quarter × sex × single age (0–64), looping only over years. It starts from a
stylised age structure at the end of 2004 (10 burn-in years, so that 2015's young ages follow
from simulated births), runs to 2030, and the files hold the end-of-year residents of 2015–2026
(base year 2026, the December 2026 refresh). The years 2027–2030 are the "true future" used
only to size the classrooms. Each year:

1. deaths ~ Binomial(residents, q(age, sex)), a Gompertz–Makeham curve (life expectancy ≈ 74);
2. births ~ Poisson(Σ women(15–49) × ASFR(age) × quarter fertility factor), ASFR a gamma
   shape scaled to the year's TFR; boys ~ Binomial(births, 1.11 / 2.11); infant deaths
   ~ Binomial(newborns, infant mortality);
3. everyone ages one year (age 64 leaves the table);
4. out-migrants ~ Binomial(residents, age profile × quarter propensity × year shock),
   in-migrants ~ Poisson(ward inflow × quarter attractiveness share × age profile × year shock
   + movers into new dwellings: completions × occupancy lag × persons per dwelling by age).

Quarter propensities (fertility, out-migration, attractiveness) are persistent lognormal
factors, so small-area cohort-change ratios are noisy but informative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tuyensinh.samples.layout import to_projected
from tuyensinh.samples.spec import AGES, HORIZON, START_YEAR, Demography, WardSpec

SEX_RATIO_AT_BIRTH = 1.11  # boys per girl
P_BOY = SEX_RATIO_AT_BIRTH / (1.0 + SEX_RATIO_AT_BIRTH)
OCCUPANCY_LAG = (0.50, 0.35, 0.15)  # share of a year's completions moving in at lag 0, 1, 2 years

# Persons per new dwelling moving in, by age (both sexes together): a pupil-yield profile of
# young families (often with a grandparent) buying into a new project. Sums by age group:
# nhà trẻ ages 0–2: 0.26, mẫu giáo 3–5: 0.22, primary 6–10: 0.33, THCS 11–14: 0.20, 15–17: 0.09,
# adults 18–64: 2.68 — about 3.8 persons per dwelling.
HOUSING_YIELD_KNOTS: tuple[tuple[int, float], ...] = (
    (0, 0.09),
    (5, 0.07),
    (10, 0.062),
    (11, 0.052),
    (14, 0.048),
    (15, 0.032),
    (17, 0.028),
    (18, 0.02),
    (22, 0.06),
    (27, 0.17),
    (32, 0.13),
    (37, 0.06),
    (45, 0.025),
    (55, 0.02),
    (64, 0.01),
)


def _knots(knots: Sequence[tuple[int, float]], x: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation of (x, value) knots, flat outside."""
    xs, ys = zip(*knots, strict=True)
    return np.interp(x, np.asarray(xs, float), np.asarray(ys, float))


def death_probabilities(multiplier: float) -> np.ndarray:
    """Yearly death probability by sex (rows F, M) and age 0–64 after the first year of life."""
    age = AGES.astype(float)
    female = 0.0003 + 0.00002 * np.exp(0.095 * age) + 0.0015 * np.exp(-1.2 * age)
    return np.clip(np.vstack([female, 1.8 * female]) * multiplier, 0.0, 0.2)


def fertility_schedule(dem: Demography, year: int) -> np.ndarray:
    """Age-specific fertility rates (births per woman per year) at ages 15–49, summing to TFR."""
    tfr = float(_knots(dem.tfr_knots, np.array([year]))[0])
    x = np.arange(15, 50) - 14.0
    shape_ = x ** (dem.asfr_shape - 1.0) * np.exp(-x / dem.asfr_scale)
    return tfr * shape_ / shape_.sum()


@dataclass(frozen=True)
class Simulation:
    """True simulated history and future: residents and births per year (START_YEAR…HORIZON)."""

    years: np.ndarray  # (Y,)
    residents: np.ndarray  # (Y, Q, 2, 65) int64, end of year
    births: np.ndarray  # (Y, Q) int64, during the year

    def residents_by_age(self, year: int) -> np.ndarray:
        """Residents per quarter and single age (both sexes), end of `year` — (Q, 65)."""
        return self.residents[int(np.searchsorted(self.years, year))].sum(axis=1)


def housing_movers(spec: WardSpec, years: np.ndarray) -> np.ndarray:
    """Expected movers into new dwellings per year, quarter, sex and age — (Y, Q, 2, 65)."""
    q_index = {q: i for i, q in enumerate(spec.quarter_ids)}
    occupied = np.zeros((len(years), len(spec.quarter_ids)))
    for project in spec.housing:
        for year, dwellings in project.completions:
            for lag, share in enumerate(OCCUPANCY_LAG):
                if year + lag in years:
                    occupied[int(np.searchsorted(years, year + lag)), q_index[project.quarter_id]] += dwellings * share
    per_dwelling = _knots(HOUSING_YIELD_KNOTS, AGES.astype(float)) / 2.0  # each sex
    movers = occupied[:, :, None, None] * per_dwelling[None, None, None, :]
    return np.broadcast_to(movers, (len(years), len(spec.quarter_ids), 2, len(AGES))).copy()


def simulate(spec: WardSpec, settlements: np.ndarray, rng: np.random.Generator) -> Simulation:
    """Run the cohort-component simulation from the end of START_YEAR − 1 to HORIZON."""
    dem = spec.demography
    n_q, n_a = len(spec.quarter_ids), len(AGES)
    years = np.arange(START_YEAR, HORIZON + 1)
    ages = AGES.astype(float)

    # Persistent quarter characteristics.
    cx, cy = to_projected(spec.crs).transform(*spec.centre)
    dist_km = np.hypot(settlements[:, 0] - cx, settlements[:, 1] - cy) / 1000.0
    fert = rng.lognormal(0.0, dem.fertility_sd, n_q)
    out_prop = rng.lognormal(0.0, dem.out_sd, n_q)
    attract = rng.lognormal(0.0, dem.attract_sd, n_q)
    if spec.core is not None:
        # Urban: large dense core quarters; newcomers settle mostly in a fringe ring 1.5–4 km out.
        size = 1.0 + 1.6 * np.exp(-0.5 * (dist_km / 1.6) ** 2)
        attract *= 1.0 + 2.5 * np.exp(-0.5 * ((dist_km - 2.6) / 0.9) ** 2)
    else:
        # Mountain: villages away from the commune centre are smaller and lose more young people.
        size = 1.0 + 0.8 * np.exp(-0.5 * (dist_km / 3.0) ** 2)
        out_prop *= 1.0 + 0.10 * dist_km
    size *= rng.lognormal(0.0, 0.25, n_q)

    age_shape = _knots(dem.initial_age_knots, ages)
    expected0 = dem.initial_population * (size / size.sum())[:, None, None] * (age_shape / age_shape.sum() / 2.0)
    residents = rng.poisson(np.broadcast_to(expected0, (n_q, 2, n_a))).astype(np.int64)

    qx = death_probabilities(dem.mortality_multiplier)[None]  # (1, 2, A)
    out_rate = np.broadcast_to(_knots(dem.out_rate_knots, ages), (2, n_a)).copy()
    young = (ages >= 18) & (ages <= 35)
    out_rate[0, young] *= dem.out_female_multiplier
    out_rate = out_rate[None] * out_prop[:, None, None]  # (Q, 2, A)
    in_age = _knots(dem.inflow_age_knots, ages)
    in_age = np.broadcast_to(in_age / in_age.sum() / 2.0, (2, n_a))
    inflow = dem.inflow_per_year * (attract / attract.sum())[:, None, None] * in_age[None]
    movers = housing_movers(spec, years)

    history = np.empty((len(years), n_q, 2, n_a), dtype=np.int64)
    births = np.empty((len(years), n_q), dtype=np.int64)
    for t, year in enumerate(years):
        survivors = residents - rng.binomial(residents, qx)
        women = residents[:, 0, 15:50]
        born = rng.poisson(fert * (women * fertility_schedule(dem, int(year))).sum(axis=1))
        boys = rng.binomial(born, P_BOY)
        newborn = np.column_stack([born - boys, boys])
        newborn -= rng.binomial(newborn, dem.infant_mortality)
        aged = np.empty_like(residents)
        aged[:, :, 1:] = survivors[:, :, :-1]
        aged[:, :, 0] = newborn
        shock_out, shock_in = rng.lognormal(0.0, dem.shock_sd, 2)
        leaving = rng.binomial(aged, np.minimum(out_rate * shock_out, 0.9))
        arriving = rng.poisson(inflow * shock_in + movers[t])
        residents = aged - leaving + arriving
        history[t], births[t] = residents, born
    return Simulation(years=years, residents=history, births=births)
