"""Time frame of the sample wards and the frozen dataclasses holding their parameters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

START_YEAR = 2005  # first simulated year (initial population = end of 2004)
OUTPUT_YEARS = range(2015, 2027)  # years written to population.csv / births.csv
BASE_YEAR = 2026  # the December 2026 refresh
HORIZON = 2030  # last simulated (true future) year
TRUE_YEARS = range(OUTPUT_YEARS.start, HORIZON + 1)  # published history + the true future
AGES = np.arange(0, 65)  # single ages written (0–64)
SEXES = ("F", "M")  # index 0 = female, 1 = male
LEVELS = ("mam_non", "tieu_hoc", "thcs")  # school levels, in the order files list them


@dataclass(frozen=True)
class Demography:
    """Rates of one ward's cohort-component simulation (per person per year unless noted)."""

    tfr_knots: tuple[tuple[int, float], ...]  # (year, TFR) interpolated linearly
    asfr_shape: float  # gamma shape of the fertility schedule
    asfr_scale: float  # gamma scale (years) above age 14
    infant_mortality: float  # deaths in the first year per birth
    mortality_multiplier: float  # × the national Gompertz–Makeham curve
    initial_age_knots: tuple[tuple[int, float], ...]  # relative size by age, end of 2004
    initial_population: int  # residents aged 0–64 at the end of 2004
    out_rate_knots: tuple[tuple[int, float], ...]  # out-migration probability by age
    out_female_multiplier: float  # women 18–35 leave × this
    inflow_per_year: float  # expected in-migrants per year, whole ward
    inflow_age_knots: tuple[tuple[int, float], ...]  # relative in-migrant density by age
    fertility_sd: float  # sd of log quarter fertility factor
    out_sd: float  # sd of log quarter out-migration propensity
    attract_sd: float  # sd of log quarter attractiveness
    shock_sd: float  # sd of the log ward-wide yearly migration shock


@dataclass(frozen=True)
class HousingProject:
    """A housing project: dwellings completed per year in one quarter."""

    name: str
    quarter_id: str
    completions: tuple[tuple[int, int], ...]  # (year, new dwellings)


@dataclass(frozen=True)
class SchoolSite:
    """A synthetic school: id, name, site and how its classrooms are calibrated."""

    school_id: str
    name: str
    level: str
    lon: float
    lat: float
    role: str  # "ample" | "tight" | "new" | "satellite"
    sessions_per_day: int = 2
    opens: int | None = None
    closes: int | None = None
    classrooms: int | None = None  # fixed size for "new" / "satellite"

    def open_in(self, year: int) -> bool:
        """Whether the school teaches in school year `year`."""
        return (self.opens is None or self.opens <= year) and (self.closes is None or self.closes > year)


@dataclass(frozen=True)
class WardSpec:
    """Everything that defines one sample ward."""

    slug: str
    code: str
    name: str
    kind: str
    province: str
    crs: str
    setting: str
    boundary_file: str
    seed: int
    quarter_ids: tuple[str, ...]
    quarter_names: tuple[str, ...]
    demography: Demography
    rates: dict[str, dict[str, float]]  # ward.toml [rates] overrides (capacity norm keys)
    schools: tuple[SchoolSite, ...]
    housing: tuple[HousingProject, ...] = ()
    zone_quirks: tuple[tuple[str, str, tuple[tuple[str, float], ...]], ...] = ()
    slack_rooms: tuple[int, int] = (2, 4)  # seeded extra rooms of an "ample" school
    land_m2_per_place: tuple[float, float] = (9.0, 14.0)  # seeded range, m² of land per pupil place
    write_distances: bool = False
    cycle_data: bool = False  # schools.csv facility columns, enrolment.csv, quotas_published.csv
    detour_range: tuple[float, float] = (1.3, 1.9)
    # settlement pattern (lon/lat), see layout.seed_points
    core: tuple[float, float] | None = None
    valleys: tuple[tuple[tuple[float, float], ...], ...] = ()
    centre: tuple[float, float] = (0.0, 0.0)  # ward/commune centre (lon, lat)
    toml_extra: str = ""
    # the school network (tuyensinh network): candidate sites, one row per room option —
    # (site_id, name, level, lon, lat, rooms, cost VND, earliest school year) — and the
    # planner's constraints (kind, level, quarter_id, school_id, metres); "" = empty cell
    candidates: tuple[tuple[str, str, str, float, float, int, float, int], ...] = ()
    constraints: tuple[tuple[str, str, str, str, str], ...] = ()
