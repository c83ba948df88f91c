"""Seeded generator of the two embedded sample wards in data/wards/.

Run ``python -m tuyensinh.sample_data --out data/wards`` to regenerate both ward folders; the
output is byte-identical from run to run on the same library versions (fixed seeds, stable
sorting, fixed number formats, GeoJSON coordinates rounded to 6 decimals).

What is real and what is synthetic
----------------------------------
Only the ward outlines are real (data/boundaries/, from the open "vietnamese-provinces-database"
project, MIT licence). Everything else is synthetic and must never be read as statistics of the
real ward or commune: quarters (a seeded Voronoi tessellation of the outline), their names,
the population, births, housing projects, schools, their sites and rooms, the zoning and the
road distances. data/README.md documents every parameter below in planner terms.

The two wards
-------------
* **Phước Bình** (phường, Đồng Nai, code 25220, EPSG:3405, urban): 30 quarters "Khu phố 1…30"
  (ids KP01…KP30, numbered outward from a synthetic town core), TFR 1.85 → 1.75, net
  in-migration of young families concentrated in a fringe ring, two housing projects
  (2022–2030). Seed 25220.
* **Thiện Hòa** (xã, Lạng Sơn, code 06085, EPSG:3405 — its longitude is 106.1–106.3°E, inside
  UTM zone 48N; mountain setting): 20 villages "Thôn Bản Nầng"… (ids THON01…THON20, numbered
  west to east) strung along three synthetic valleys, TFR 2.25 → 2.0 → 1.93, net out-migration
  of ages 18–35 to industrial zones, so child cohorts shrink. Seed 6085.

Spelling: names use the traditional tone-mark placement of the official administrative list
and of the project documents ("Thiện Hòa", "Họa Mi"); the boundary file spells "Thiện Hoà".

Population model
----------------
A cohort-component simulation on integer counts, vectorised over quarter × sex × single age
(0–64) and looping only over years. It starts from a stylised age structure at the end of 2004
(10 burn-in years, so that 2015's young ages follow from simulated births), runs to 2030, and
writes the end-of-year residents of 2015–2026 (base year 2026, the December 2026 refresh). The
years 2027–2030 are the "true future" used only to size the classrooms. Each year:

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

Schools and calibration
-----------------------
School sites are fixed WGS84 points inside the ward. Current zoning sends each quarter to the
nearest open school of each level, except a few listed historical quirks (one quarter split
between two primary schools). Classrooms are calibrated on the simulated true future with
capacity's norm table and the ward's [rates] overrides (cohort ages, class-size limits, rooms
per class, participation, eligible share of age 0, private shares), one class started every
`limit` pupils of a grade (no mixed-age classes), then: an "ample" school gets its peak 2016–2030 need plus a seeded slack, a "tight" school exactly
its 2026 need (every room in use today) so it runs out of rooms by 2028–2030, a "new" or
"satellite" school a fixed size. The generator checks that the intended features hold (it
refuses to write data that lost them) and prints the calibration summary.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, mapping, shape

from capacity import load_norms
from tuyensinh.outputs import staged_output, write_bytes_atomic

__all__ = [
    "AGES",
    "WARDS",
    "OUTPUT_YEARS",
    "GeneratedWard",
    "SchoolCalibration",
    "generate_ward",
    "generate",
    "true_population",
    "calibration_table",
    "main",
]

# ---------------------------------------------------------------------------------------------
# Time frame and common demographic constants
# ---------------------------------------------------------------------------------------------
START_YEAR = 2005            # first simulated year (initial population = end of 2004)
OUTPUT_YEARS = range(2015, 2027)   # years written to population.csv / births.csv
BASE_YEAR = 2026             # the December 2026 refresh
HORIZON = 2030               # last simulated (true future) year
AGES = np.arange(0, 65)      # single ages written (0–64)
SEXES = ("F", "M")           # index 0 = female, 1 = male
SEX_RATIO_AT_BIRTH = 1.11    # boys per girl
P_BOY = SEX_RATIO_AT_BIRTH / (1.0 + SEX_RATIO_AT_BIRTH)
OCCUPANCY_LAG = (0.50, 0.35, 0.15)  # share of a year's completions moving in at lag 0, 1, 2 years
CALIBRATION_YEARS = (2026, 2030)    # school years shown in the calibration summary

# Class-size limits, cohort ages, participation and private shares come from capacity's norm
# table (one place for regulation figures) with the ward.toml [rates] written below.


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Demography:
    """Rates of one ward's cohort-component simulation (per person per year unless noted)."""

    tfr_knots: tuple[tuple[int, float], ...]   # (year, TFR) interpolated linearly
    asfr_shape: float                           # gamma shape of the fertility schedule
    asfr_scale: float                           # gamma scale (years) above age 14
    infant_mortality: float                     # deaths in the first year per birth
    mortality_multiplier: float                 # × the national Gompertz–Makeham curve
    initial_age_knots: tuple[tuple[int, float], ...]  # relative size by age, end of 2004
    initial_population: int                     # residents aged 0–64 at the end of 2004
    out_rate_knots: tuple[tuple[int, float], ...]     # out-migration probability by age
    out_female_multiplier: float                # women 18–35 leave × this
    inflow_per_year: float                      # expected in-migrants per year, whole ward
    inflow_age_knots: tuple[tuple[int, float], ...]   # relative in-migrant density by age
    fertility_sd: float                         # sd of log quarter fertility factor
    out_sd: float                               # sd of log quarter out-migration propensity
    attract_sd: float                           # sd of log quarter attractiveness
    shock_sd: float                             # sd of the log ward-wide yearly migration shock


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
    role: str                      # "ample" | "tight" | "new" | "satellite"
    sessions_per_day: int = 2
    opens: int | None = None
    closes: int | None = None
    classrooms: int | None = None  # fixed size for "new" / "satellite"


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
    rates: dict[str, dict[str, float]]       # ward.toml [rates] overrides (capacity norm keys)
    schools: tuple[SchoolSite, ...]
    housing: tuple[HousingProject, ...] = ()
    zone_quirks: tuple[tuple[str, str, tuple[tuple[str, float], ...]], ...] = ()
    slack_rooms: tuple[int, int] = (2, 4)   # seeded extra rooms of an "ample" school
    land_m2_per_place: tuple[float, float] = (9.0, 14.0)  # seeded range, m² of land per pupil place
    write_distances: bool = False
    detour_range: tuple[float, float] = (1.3, 1.9)
    # settlement pattern (lon/lat), see _seed_points
    core: tuple[float, float] | None = None
    valleys: tuple[tuple[tuple[float, float], ...], ...] = ()
    centre: tuple[float, float] = (0.0, 0.0)   # ward/commune centre (lon, lat)
    toml_extra: str = ""


# Persons per new dwelling moving in, by age (both sexes together): a pupil-yield profile of
# young families (often with a grandparent) buying into a new project. Sums by age group:
# nhà trẻ ages 0–2: 0.26, mẫu giáo 3–5: 0.22, primary 6–10: 0.33, THCS 11–14: 0.20, 15–17: 0.09,
# adults 18–64: 2.68 — about 3.8 persons per dwelling.
HOUSING_YIELD_KNOTS: tuple[tuple[int, float], ...] = (
    (0, 0.09), (5, 0.07), (10, 0.062), (11, 0.052), (14, 0.048), (15, 0.032), (17, 0.028),
    (18, 0.02), (22, 0.06), (27, 0.17), (32, 0.13), (37, 0.06), (45, 0.025), (55, 0.02),
    (64, 0.01),
)

# Sites (lon, lat, WGS84) were chosen on the seeded quarter layout: the town core is around
# KP01–KP04, project A sits in KP14 north of the core, project B in KP17 to the south.
PHUOC_BINH_SCHOOLS = (
    SchoolSite("MN01", "Trường Mầm non Hoa Sen", "mam_non", 106.9565, 11.8250, "ample"),
    SchoolSite("MN02", "Trường Mầm non Sơn Ca", "mam_non", 106.9485, 11.8355, "tight"),
    SchoolSite("MN03", "Trường Mầm non Hướng Dương", "mam_non", 106.9515, 11.8075, "ample"),
    SchoolSite("MN04", "Trường Mầm non Họa Mi", "mam_non", 106.9300, 11.8215, "ample"),
    SchoolSite("MN05", "Trường Mầm non Tuổi Thơ", "mam_non", 106.8875, 11.8260, "ample"),
    SchoolSite("TH01", "Trường Tiểu học Phước Bình", "tieu_hoc", 106.9525, 11.8275, "tight"),
    SchoolSite("TH02", "Trường Tiểu học Kim Đồng", "tieu_hoc", 106.9580, 11.8130, "ample"),
    SchoolSite("TH03", "Trường Tiểu học Võ Thị Sáu", "tieu_hoc", 106.9345, 11.8195, "ample"),
    SchoolSite("TH04", "Trường Tiểu học Trần Quốc Toản", "tieu_hoc", 106.9395, 11.8415, "new",
               opens=2029, classrooms=24),
    SchoolSite("THCS01", "Trường THCS Phước Bình", "thcs", 106.9480, 11.8300, "tight"),
    SchoolSite("THCS02", "Trường THCS Lương Thế Vinh", "thcs", 106.9470, 11.8120, "ample",
               sessions_per_day=1),
)

PHUOC_BINH_HOUSING = (
    HousingProject("Khu dân cư Phước Bình mới (dự án A)", "KP14",
                   ((2022, 30), (2023, 40), (2024, 60), (2025, 100), (2026, 140), (2027, 200),
                    (2028, 220), (2029, 180), (2030, 120))),
    HousingProject("Khu nhà ở xã hội Phước Bình (dự án B)", "KP17",
                   ((2025, 40), (2026, 90), (2027, 120), (2028, 120), (2029, 90), (2030, 60))),
)

PHUOC_BINH = WardSpec(
    slug="phuoc_binh",
    code="25220",
    name="Phước Bình",
    kind="phường",
    province="Đồng Nai",
    crs="EPSG:3405",
    setting="urban",
    boundary_file="25220_phuoc_binh.geojson",
    seed=25220,
    quarter_ids=tuple(f"KP{i:02d}" for i in range(1, 31)),
    quarter_names=tuple(f"Khu phố {i}" for i in range(1, 31)),
    demography=Demography(
        tfr_knots=((2005, 1.95), (2015, 1.85), (2026, 1.75), (2030, 1.72)),
        asfr_shape=5.0,
        asfr_scale=2.8,
        infant_mortality=0.011,
        mortality_multiplier=1.0,
        initial_age_knots=((0, 0.85), (9, 0.9), (15, 1.05), (22, 1.05), (30, 0.95), (40, 0.85),
                           (50, 0.65), (57, 0.45), (64, 0.35)),
        initial_population=24_500,
        out_rate_knots=((0, 0.014), (10, 0.010), (17, 0.012), (20, 0.035), (28, 0.03),
                        (35, 0.015), (50, 0.008), (64, 0.006)),
        out_female_multiplier=1.1,
        inflow_per_year=950.0,
        inflow_age_knots=((0, 0.55), (5, 0.45), (10, 0.32), (14, 0.25), (17, 0.3), (20, 0.8),
                          (26, 1.0), (32, 0.75), (38, 0.35), (45, 0.12), (64, 0.05)),
        fertility_sd=0.10,
        out_sd=0.30,
        attract_sd=0.55,
        shock_sd=0.10,
    ),
    rates={},  # the norm table's defaults: nhà trẻ 47 %, mẫu giáo 99 %, private 7 % / 1.5 %
    core=(106.9520, 11.8240),
    centre=(106.9520, 11.8240),
    schools=PHUOC_BINH_SCHOOLS,
    housing=PHUOC_BINH_HOUSING,
    zone_quirks=(
        # the part of KP10 east of the main road has always gone to TH01
        ("KP10", "tieu_hoc", (("TH01", 0.5), ("TH03", 0.5))),
        # KP06 kept its old secondary school when THCS Lương Thế Vinh opened
        ("KP06", "thcs", (("THCS01", 1.0),)),
        # KP12 goes to the ward's first kindergarten, Hoa Sen
        ("KP12", "mam_non", (("MN01", 1.0),)),
    ),
    slack_rooms=(2, 4),
    land_m2_per_place=(7.0, 11.0),
    toml_extra="""
# Rates and norms: the defaults of the norm table apply (docs/norms.md): nhà trẻ 47 %, mẫu giáo
# 99 %, primary and THCS 100 % enrolled; private schools take 7 % (mầm non) and 1.5 % (primary,
# THCS). Examples of per-ward overrides (remove the leading '# ' to use them):
# [rates.private_share]        # a new private kindergarten opens in the ward
# mam_non = 0.12
#
# [norms.max_class_size]       # the province sets a lower THCS class size than the national 45
# thcs = 40
""",
)

THIEN_HOA_VILLAGES = (
    "Bản Nầng", "Nà Pàn", "Khòn Pát", "Nà Làng", "Pò Mò", "Bản Chặng", "Nà Thang",
    "Còn Quan", "Khuổi Lầy", "Pác Cáp", "Nà Lừa", "Bó Pia", "Kéo Coóc", "Lũng Vài", "Nà Tâm",
    "Pác Khuông", "Bản Đăm", "Nà Hán", "Khau Ràng", "Phiêng Quăn",
)

# The commune centre (People's Committee, main schools) is in Thôn Nà Lừa (THON11); the small
# satellite primary site in Thôn Nà Pàn (THON02), far west, closes in 2028.
THIEN_HOA_SCHOOLS = (
    SchoolSite("MN01", "Trường Mầm non Thiện Hòa", "mam_non", 106.2180, 22.0780, "ample"),
    SchoolSite("MN02", "Trường Mầm non Hoa Đào", "mam_non", 106.1440, 22.0690, "ample"),
    SchoolSite("MN03", "Trường Mầm non Bản Đăm", "mam_non", 106.2735, 22.1080, "ample"),
    SchoolSite("TH01", "Trường Tiểu học Thiện Hòa", "tieu_hoc", 106.2205, 22.0755, "ample"),
    SchoolSite("TH02", "Trường Tiểu học Phiêng Quăn", "tieu_hoc", 106.3225, 22.1085, "ample"),
    SchoolSite("TH03", "Trường Tiểu học Thiện Hòa – điểm trường Nà Pàn", "tieu_hoc",
               106.1255, 22.0675, "satellite", closes=2028, classrooms=5),
    SchoolSite("THCS01", "Trường THCS Thiện Hòa", "thcs", 106.2170, 22.0800, "ample"),
    SchoolSite("THCS02", "Trường PTDTBT THCS Pác Khuông", "thcs", 106.2620, 22.0890, "ample"),
)

THIEN_HOA = WardSpec(
    slug="thien_hoa",
    code="06085",
    name="Thiện Hòa",
    kind="xã",
    province="Lạng Sơn",
    crs="EPSG:3405",
    setting="mountain",
    boundary_file="06085_thien_hoa.geojson",
    seed=6085,
    quarter_ids=tuple(f"THON{i:02d}" for i in range(1, 21)),
    quarter_names=tuple(f"Thôn {v}" for v in THIEN_HOA_VILLAGES),
    demography=Demography(
        tfr_knots=((2005, 2.35), (2015, 2.25), (2026, 2.0), (2030, 1.93)),
        asfr_shape=4.5,
        asfr_scale=2.6,
        infant_mortality=0.018,
        mortality_multiplier=1.3,
        initial_age_knots=((0, 1.1), (9, 1.2), (15, 1.2), (22, 0.95), (30, 0.8), (40, 0.7),
                           (50, 0.55), (64, 0.3)),
        initial_population=9_000,
        out_rate_knots=((0, 0.012), (10, 0.010), (15, 0.012), (18, 0.05), (25, 0.045),
                        (35, 0.02), (40, 0.008), (64, 0.004)),
        out_female_multiplier=1.15,
        inflow_per_year=55.0,
        inflow_age_knots=((0, 0.3), (10, 0.2), (17, 0.2), (22, 0.6), (30, 1.0), (40, 0.6),
                          (50, 0.3), (64, 0.2)),
        fertility_sd=0.12,
        out_sd=0.30,
        attract_sd=0.40,
        shock_sd=0.10,
    ),
    rates={"participation": {"mau_giao": 1.0},
           "private_share": {"mam_non": 0.0, "tieu_hoc": 0.0, "thcs": 0.0}},
    valleys=(
        ((106.105, 22.060), (106.160, 22.072), (106.215, 22.078), (106.265, 22.090),
         (106.320, 22.108)),
        ((106.200, 22.078), (106.205, 22.105), (106.215, 22.130)),
        ((106.215, 22.078), (106.222, 22.050), (106.228, 22.025)),
    ),
    centre=(106.2190, 22.0775),
    schools=THIEN_HOA_SCHOOLS,
    zone_quirks=(
        # Pò Mò sends its children down the valley road to the commune centre
        ("THON05", "tieu_hoc", (("TH01", 1.0),)),
    ),
    slack_rooms=(1, 3),
    land_m2_per_place=(12.0, 20.0),
    toml_extra="""
# Above: the commune's 2030 target is every child aged 3–5 in kindergarten (mẫu giáo 100 %),
# and there is no private school in the commune (private shares 0; the defaults assume 7 % and
# 1.5 %). Example of a norm override (remove the leading '# ' to use it):
# [norms.max_class_size]       # the province sets a lower THCS class size than the national 45
# thcs = 40
""",
    write_distances=True,
)


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
def _knots(knots: Sequence[tuple[int, float]], x: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation of (x, value) knots, flat outside."""
    xs, ys = zip(*knots)
    return np.interp(x, np.asarray(xs, float), np.asarray(ys, float))


def _to_projected(crs: str) -> Transformer:
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def _to_wgs84(crs: str) -> Transformer:
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _transform(geom, transformer: Transformer):  # noqa: ANN001, ANN202 - shapely geometry
    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def read_boundary(path: Path):  # noqa: ANN201 - shapely geometry (EPSG:4326)
    """The ward outline (one feature, EPSG:4326) from a boundary GeoJSON file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    geoms = [shape(f["geometry"]) for f in data["features"]]
    return shapely.union_all(geoms)


# ---------------------------------------------------------------------------------------------
# Quarters: seeded settlement points, Voronoi in the projected CRS, clipped to the outline
# ---------------------------------------------------------------------------------------------
def _greedy_spaced(candidates: np.ndarray, n: int, spacing: float, taken: np.ndarray) -> np.ndarray:
    """Pick up to n candidate points in order, each at least `spacing` metres from all picked."""
    picked = [p for p in taken]
    chosen = []
    for point in candidates:
        if picked and np.min(np.hypot(*(np.asarray(picked) - point).T)) < spacing:
            continue
        picked.append(point)
        chosen.append(point)
        if len(chosen) == n:
            break
    return np.asarray(chosen).reshape(-1, 2)


def _inside(boundary, xy: np.ndarray) -> np.ndarray:  # noqa: ANN001
    return xy[shapely.contains_xy(boundary, xy[:, 0], xy[:, 1])]


def _seed_points(spec: WardSpec, boundary_m, rng: np.random.Generator) -> np.ndarray:  # noqa: ANN001
    """Settlement points (metres) for the quarters: a dense town core or valley clusters."""
    n = len(spec.quarter_ids)
    minx, miny, maxx, maxy = boundary_m.bounds
    fwd = _to_projected(spec.crs)
    if spec.core is not None:
        cx, cy = fwd.transform(*spec.core)
        n_core = round(0.6 * n)
        core = _inside(boundary_m, rng.normal([cx, cy], 1300.0, size=(4000, 2)))
        core_pts = _greedy_spaced(core, n_core, 550.0, np.empty((0, 2)))
        spread = _inside(boundary_m, rng.uniform([minx, miny], [maxx, maxy], size=(4000, 2)))
        rest = _greedy_spaced(spread, n - len(core_pts), 1900.0, core_pts)
        points = np.vstack([core_pts, rest])
        order = np.argsort(np.hypot(points[:, 0] - cx, points[:, 1] - cy), kind="stable")
    else:
        lines = [shapely.LineString(np.column_stack(fwd.transform(*np.asarray(v).T))) for v in spec.valleys]
        valley = shapely.MultiLineString(lines)
        lengths = np.array([ln.length for ln in lines])
        which = rng.choice(len(lines), size=3000, p=lengths / lengths.sum())
        along = rng.uniform(0.0, 1.0, size=3000)
        base = shapely.get_coordinates(shapely.line_interpolate_point(
            np.asarray(lines, dtype=object)[which], along, normalized=True))
        near = _inside(boundary_m, base + rng.normal(0.0, 550.0, size=base.shape))
        n_valley = n - 3
        valley_pts = _greedy_spaced(near, n_valley, 1500.0, np.empty((0, 2)))
        upland = _inside(boundary_m, rng.uniform([minx, miny], [maxx, maxy], size=(3000, 2)))
        far = upland[shapely.distance(valley, shapely.points(upland)) > 2000.0]
        rest = _greedy_spaced(far, n - len(valley_pts), 2600.0, valley_pts)
        points = np.vstack([valley_pts, rest])
        order = np.argsort(points[:, 0], kind="stable")  # numbered west to east
    if len(points) != n:
        raise RuntimeError(f"{spec.slug}: placed {len(points)} settlement points, need {n}")
    return points[order]


def _merge_fragments(cells: list) -> list:  # noqa: ANN001
    """Give detached fragments of a clipped cell to the neighbour sharing the longest border."""
    mains, orphans = [], []
    for i, cell in enumerate(cells):
        parts = sorted(getattr(cell, "geoms", [cell]), key=lambda p: -p.area)
        mains.append(parts[0])
        orphans += [(i, p) for p in parts[1:]]
    extra: dict[int, list] = {}
    for own, piece in orphans:
        shared = [(mains[j].boundary.intersection(piece.boundary).length, j)
                  for j in range(len(mains)) if j != own]
        length, best = max(shared)
        extra.setdefault(best if length > 0 else own, []).append(piece)
    return [shapely.union_all([mains[i], *extra.get(i, [])]) if i in extra else mains[i]
            for i in range(len(cells))]


def tessellate(spec: WardSpec, boundary_ll, rng: np.random.Generator) -> tuple[list, np.ndarray]:  # noqa: ANN001
    """Quarter polygons (EPSG:4326) tiling the outline, and their settlement points (metres)."""
    fwd, back = _to_projected(spec.crs), _to_wgs84(spec.crs)
    boundary_m = _transform(boundary_ll, fwd)
    points = _seed_points(spec, boundary_m, rng)
    envelope = shapely.buffer(shapely.envelope(boundary_m), 5000.0)
    cells_m = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope, ordered=True)
    cells_ll = [_transform(c, back) for c in shapely.get_parts(cells_m)]
    clipped = [shapely.intersection(c, boundary_ll) for c in cells_ll]
    merged = _merge_fragments(clipped)
    rounded = [shapely.make_valid(shapely.set_precision(g, 1e-6)) for g in merged]
    return [_polygonal(g) for g in rounded], points


def _polygonal(geom):  # noqa: ANN001, ANN202
    """Keep only the polygonal parts of a geometry (set_precision may leave stray lines)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in getattr(p, "geoms", [p])]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


# ---------------------------------------------------------------------------------------------
# Population: cohort-component simulation (integer counts)
# ---------------------------------------------------------------------------------------------
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

    years: np.ndarray            # (Y,)
    residents: np.ndarray        # (Y, Q, 2, 65) int64, end of year
    births: np.ndarray           # (Y, Q) int64, during the year

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
    fwd = _to_projected(spec.crs)
    cx, cy = fwd.transform(*spec.centre)
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

    qx = death_probabilities(dem.mortality_multiplier)[None]                  # (1, 2, A)
    out_rate = np.broadcast_to(_knots(dem.out_rate_knots, ages), (2, n_a)).copy()
    young = (ages >= 18) & (ages <= 35)
    out_rate[0, young] *= dem.out_female_multiplier
    out_rate = out_rate[None] * out_prop[:, None, None]                       # (Q, 2, A)
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


# ---------------------------------------------------------------------------------------------
# Schools: zoning, demand, classroom calibration, distances
# ---------------------------------------------------------------------------------------------
def _school_xy(spec: WardSpec) -> np.ndarray:
    lon = np.array([s.lon for s in spec.schools])
    lat = np.array([s.lat for s in spec.schools])
    return np.column_stack(_to_projected(spec.crs).transform(lon, lat))


def _open_in(site: SchoolSite, year: int) -> bool:
    return (site.opens is None or site.opens <= year) and (site.closes is None or site.closes > year)


def current_zones(spec: WardSpec, centres: np.ndarray) -> pd.DataFrame:
    """Zoning in force for the base year: nearest open school per level, plus listed quirks."""
    xy = _school_xy(spec)
    rows = []
    for level in ("mam_non", "tieu_hoc", "thcs"):
        idx = [i for i, s in enumerate(spec.schools) if s.level == level and _open_in(s, BASE_YEAR)]
        d = np.hypot(centres[:, None, 0] - xy[None, idx, 0], centres[:, None, 1] - xy[None, idx, 1])
        nearest = np.asarray(idx)[np.argmin(d, axis=1)]
        rows += [(q, level, spec.schools[j].school_id, 1.0) for q, j in zip(spec.quarter_ids, nearest)]
    zones = pd.DataFrame(rows, columns=["quarter_id", "level", "school_id", "share"])
    for quarter_id, level, assignment in spec.zone_quirks:
        zones = zones[~((zones.quarter_id == quarter_id) & (zones.level == level))]
        extra = pd.DataFrame([(quarter_id, level, s, share) for s, share in assignment], columns=zones.columns)
        zones = pd.concat([zones, extra], ignore_index=True)
    zones["order"] = zones.level.map({"mam_non": 0, "tieu_hoc": 1, "thcs": 2})
    zones = zones.sort_values(["quarter_id", "order", "school_id"], ignore_index=True)
    return zones.drop(columns="order")


@dataclass(frozen=True)
class SchoolCalibration:
    """One school's sizing against the simulated true future (pupils, classes, rooms)."""

    school_id: str
    name: str
    level: str
    role: str
    classrooms: int
    rooms_needed: dict[int, int]        # school year → rooms needed under current zoning
    pupils: dict[int, float]            # school year → expected public-school pupils
    fill: dict[int, float]              # school year → pupils ÷ (classes × class-size limit)

    opens: int | None = None
    closes: int | None = None

    def status(self, year: int) -> str:
        if (self.opens is not None and year < self.opens) or (self.closes is not None and year >= self.closes):
            return "not open"
        if self.pupils[year] == 0:
            return "no quarter zoned"
        return "short of rooms" if self.rooms_needed[year] > self.classrooms else "ok"


def school_needs(spec: WardSpec, sim: Simulation, zones: pd.DataFrame,
                 years: Sequence[int]) -> dict[str, dict[int, tuple[float, int, int, float]]]:
    """Per school and school year: (pupils, classes, rooms needed, fill) under current zoning.

    Pupils of a grade = Σ over zoned quarters of share × residents at the grade's age ×
    participation × eligible share × (1 − private share); classes = ⌈pupils ÷ limit⌉ per grade
    (no mixed-age or mixed-grade classes); rooms = ⌈classes × rooms per class⌉ (1 on two
    sessions a day, ½ on one). Ages, limits and rates: capacity's norm table + `spec.rates`.
    """
    norms = load_norms(None, spec.rates)
    grade_table = norms.grade_table()
    q_index = {q: i for i, q in enumerate(spec.quarter_ids)}
    out: dict[str, dict[int, tuple[float, int, int, float]]] = {}
    for site in spec.schools:
        mine = zones[zones.school_id == site.school_id]
        weights = np.zeros(len(spec.quarter_ids))
        np.add.at(weights, mine.quarter_id.map(q_index).to_numpy(int), mine.share.to_numpy(float))
        grades = grade_table[grade_table.level == site.level]
        ages = grades.age.to_numpy(int)
        limits = grades.max_class_size.to_numpy(float)
        rate = (grades.participation * grades.eligible_share * (1.0 - grades.private_share)).to_numpy(float)
        per_room = float(norms.rooms_per_class(site.sessions_per_day))
        per_year = {}
        for year in years:
            pupils = weights @ sim.residents_by_age(year)[:, ages] * rate
            classes = np.ceil(pupils / limits - 1e-9)
            n_classes = int(classes.sum())
            rooms = math.ceil(n_classes * per_room - 1e-9)
            fill = float(pupils.sum() / (classes * limits).sum()) if n_classes else 0.0
            per_year[year] = (float(pupils.sum()), n_classes, rooms, fill)
        out[site.school_id] = per_year
    return out


def calibrate(spec: WardSpec, sim: Simulation, zones: pd.DataFrame,
              rng: np.random.Generator) -> list[SchoolCalibration]:
    """Give each school its classrooms from the simulated true future (see module docstring)."""
    years = list(range(2016, HORIZON + 1))
    needs = school_needs(spec, sim, zones, years)
    result = []
    for site in spec.schools:
        rooms = {y: v[2] for y, v in needs[site.school_id].items()}
        slack = int(rng.integers(spec.slack_rooms[0], spec.slack_rooms[1] + 1))
        if site.role == "tight":
            classrooms = rooms[BASE_YEAR]
        elif site.role == "ample":
            classrooms = max(rooms.values()) + slack
        else:
            classrooms = int(site.classrooms or 0)
        result.append(SchoolCalibration(
            school_id=site.school_id, name=site.name, level=site.level, role=site.role,
            classrooms=classrooms, rooms_needed=rooms, opens=site.opens, closes=site.closes,
            pupils={y: v[0] for y, v in needs[site.school_id].items()},
            fill={y: v[3] for y, v in needs[site.school_id].items()},
        ))
    return result


def road_distances(spec: WardSpec, centres: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic road metres: straight line from the quarter centroid × a seeded detour factor."""
    xy = _school_xy(spec)
    straight = np.hypot(centres[:, None, 0] - xy[None, :, 0], centres[:, None, 1] - xy[None, :, 1])
    low, high = spec.detour_range
    detour = rng.uniform(low, high, size=straight.shape)
    metres = np.round(np.maximum(straight, 100.0) * detour, -1).astype(int)
    q, s = np.meshgrid(spec.quarter_ids, [x.school_id for x in spec.schools], indexing="ij")
    return pd.DataFrame({"quarter_id": q.ravel(), "school_id": s.ravel(), "metres": metres.ravel()})


# ---------------------------------------------------------------------------------------------
# The generated ward and its files
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GeneratedWard:
    """All files of one sample ward as text, plus the calibration for the summary."""

    spec: WardSpec
    files: dict[str, str]
    calibration: list[SchoolCalibration] = field(default_factory=list)
    totals: dict[int, int] = field(default_factory=dict)   # year → residents 0–64
    simulation: Simulation | None = None                   # the full simulated truth

    def true_population(self, years: Sequence[int] = range(2015, HORIZON + 1)) -> pd.DataFrame:
        """Simulated residents `quarter_id, year, age, sex, count`, including the unpublished
        years 2027–2030: the truth a forecast from the 2026 data can be scored against."""
        if self.simulation is None:
            raise ValueError("this GeneratedWard carries no simulation")
        bad = [y for y in years if y not in self.simulation.years]
        if bad:
            raise ValueError(f"years {bad} were not simulated; choose years in "
                             f"{self.simulation.years[0]}–{self.simulation.years[-1]}")
        return _population_frame(self.spec, self.simulation, years)


def _csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def _round_coords(obj):  # noqa: ANN001, ANN202
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), 6) for v in obj]
        return [_round_coords(v) for v in obj]
    return obj


def quarters_geojson(spec: WardSpec, polygons: list) -> str:
    """quarters.geojson text: EPSG:4326 (CRS84) features sorted by quarter_id, 6 decimals."""
    features = []
    for qid, name, geom in sorted(zip(spec.quarter_ids, spec.quarter_names, polygons)):
        geometry = mapping(shapely.normalize(geom))
        geometry = {"type": geometry["type"], "coordinates": _round_coords(geometry["coordinates"])}
        features.append({"type": "Feature", "properties": {"quarter_id": qid, "name": name},
                         "geometry": geometry})
    collection = {
        "type": "FeatureCollection",
        "name": f"{spec.code}_{spec.slug}_quarters",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    }
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    head = json.dumps({k: v for k, v in collection.items() if k != "features"}, ensure_ascii=False)
    return head[:-1] + ',\n"features": [\n' + ",\n".join(lines) + "\n]\n}\n"


def _schools_frame(spec: WardSpec, calibration: list[SchoolCalibration], rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    limit = {"mam_non": 28, "tieu_hoc": 35, "thcs": 45}
    for site, cal in zip(spec.schools, calibration):
        per_place = rng.uniform(*spec.land_m2_per_place)
        places = cal.classrooms * limit[site.level] * (1 if site.sessions_per_day >= 2 else 2)
        rows.append({
            "school_id": site.school_id, "name": site.name, "level": site.level,
            "lon": f"{site.lon:.6f}", "lat": f"{site.lat:.6f}", "classrooms": cal.classrooms,
            "sessions_per_day": site.sessions_per_day, "max_class_size": "",
            "opens": "" if site.opens is None else site.opens,
            "closes": "" if site.closes is None else site.closes,
            "land_m2": int(round(places * per_place, -2)),
        })
    return pd.DataFrame(rows).sort_values("school_id", ignore_index=True)


def _population_frame(spec: WardSpec, sim: Simulation, years: Sequence[int] = OUTPUT_YEARS) -> pd.DataFrame:
    years = np.asarray(years)
    counts = sim.residents[np.searchsorted(sim.years, years)]              # (Y, Q, 2, A)
    y, q, s, a = np.meshgrid(years, np.asarray(spec.quarter_ids), np.asarray(SEXES), AGES, indexing="ij")
    frame = pd.DataFrame({"quarter_id": q.ravel(), "year": y.ravel(), "age": a.ravel(),
                          "sex": s.ravel(), "count": counts.ravel()})
    return frame.sort_values(["quarter_id", "year", "age", "sex"], ignore_index=True, kind="stable")


def _births_frame(spec: WardSpec, sim: Simulation) -> pd.DataFrame:
    years = np.asarray(OUTPUT_YEARS)
    counts = sim.births[np.searchsorted(sim.years, years)]                  # (Y, Q)
    y, q = np.meshgrid(years, np.asarray(spec.quarter_ids), indexing="ij")
    frame = pd.DataFrame({"quarter_id": q.ravel(), "year": y.ravel(), "births": counts.ravel()})
    return frame.sort_values(["quarter_id", "year"], ignore_index=True)


def _housing_frame(spec: WardSpec) -> pd.DataFrame:
    rows = [(p.quarter_id, year, n) for p in spec.housing for year, n in p.completions]
    frame = pd.DataFrame(rows, columns=["quarter_id", "year", "new_dwellings"])
    return frame.groupby(["quarter_id", "year"], as_index=False)["new_dwellings"].sum()


RATE_COMMENTS = {
    "participation": "share of the age group enrolled in any school",
    "private_share": "share of enrolled pupils in private schools, by level",
}


def ward_toml(spec: WardSpec) -> str:
    """ward.toml text: settings, the rates used for calibration, commented override examples."""
    kind_en = "ward" if spec.kind == "phường" else "commune"
    lines = [
        f"# Sample {kind_en} generated by `python -m tuyensinh.sample_data` (seed {spec.seed}).",
        "# The outline is real; quarters, population, schools and zoning are SYNTHETIC (data/README.md).",
        "",
        "[ward]",
        f'code = "{spec.code}"',
        f'name = "{spec.name}"',
        f'kind = "{spec.kind}"',
        f'province = "{spec.province}"',
        f'crs = "{spec.crs}"      # VN-2000 / UTM zone 48N: the {kind_en} lies between 102° and 108°E',
        f"base_year = {BASE_YEAR}       # population.csv runs 2015–{BASE_YEAR} (the December {BASE_YEAR} refresh)",
        f"horizon = {HORIZON}",
        f'setting = "{spec.setting}"',
    ]
    for key, values in spec.rates.items():
        lines += ["", f"[rates.{key}]{' ' * (22 - len(key))}# {RATE_COMMENTS[key]}"]
        lines += [f"{name} = {value}" for name, value in values.items()]
    return "\n".join(lines) + "\n\n" + spec.toml_extra.lstrip("\n")


def generate_ward(spec: WardSpec, boundaries: Path) -> GeneratedWard:
    """Build every file of one sample ward in memory (deterministic for a given spec)."""
    layout_rng, demog_rng, school_rng = np.random.default_rng(spec.seed).spawn(3)
    boundary_ll = read_boundary(boundaries / spec.boundary_file)
    polygons, settlements = tessellate(spec, boundary_ll, layout_rng)
    sim = simulate(spec, settlements, demog_rng)
    centres_ll = [p.centroid if p.contains(p.centroid) else p.representative_point() for p in polygons]
    centres = np.column_stack(_to_projected(spec.crs).transform(
        [c.x for c in centres_ll], [c.y for c in centres_ll]))
    zones = current_zones(spec, centres)
    calibration = calibrate(spec, sim, zones, school_rng)
    files = {
        "ward.toml": ward_toml(spec),
        "quarters.geojson": quarters_geojson(spec, polygons),
        "population.csv": _csv_text(_population_frame(spec, sim)),
        "births.csv": _csv_text(_births_frame(spec, sim)),
        "schools.csv": _csv_text(_schools_frame(spec, calibration, school_rng)),
        "zones.csv": _csv_text(zones.assign(share=zones.share.map(lambda v: f"{v:g}"))),
    }
    if spec.housing:
        files["housing.csv"] = _csv_text(_housing_frame(spec))
    if spec.write_distances:
        files["distances.csv"] = _csv_text(road_distances(spec, centres, school_rng))
    totals = {int(y): int(sim.residents[i].sum()) for i, y in enumerate(sim.years)}
    return GeneratedWard(spec=spec, files=files, calibration=calibration, totals=totals, simulation=sim)


def check_features(ward: GeneratedWard) -> list[str]:
    """The features each sample ward is built to show; returns those that do not hold."""
    failures = []
    cal = ward.calibration
    if ward.spec.setting == "urban":
        for level in ("tieu_hoc", "thcs"):
            if not any(max(c.rooms_needed[y] for y in (2028, 2029, 2030)) > c.classrooms
                       for c in cal if c.level == level and c.role == "tight"):
                failures.append(f"no {level} school is short of rooms in 2028–2030")
        if not any(c.status(HORIZON) == "ok" for c in cal if c.role == "ample"):
            failures.append(f"no school stays within its rooms in {HORIZON}")
        failures += [f"{c.school_id} is already short of rooms in {BASE_YEAR}"
                     for c in cal if c.status(BASE_YEAR) == "short of rooms"]
    else:
        if not any(c.fill[HORIZON] < 0.45 for c in cal if c.status(HORIZON) == "ok"):
            failures.append(f"no open school has classes under 45% full in {HORIZON}")
        failures += [f"{c.school_id} is short of rooms in {y}" for c in cal for y in c.rooms_needed
                     if c.status(y) == "short of rooms"]
    return failures


def calibration_table(ward: GeneratedWard, years: Sequence[int] = CALIBRATION_YEARS) -> str:
    """Markdown table: rooms available vs needed and how full classes are, per school."""
    head = ["school", "level", "rooms"] + [f"need {y}" for y in years] + [f"pupils {y}" for y in years] \
        + [f"class fill {years[-1]}", f"status {years[-1]}"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in ward.calibration:
        cells = [f"{c.school_id} {c.name}", c.level, str(c.classrooms)]
        cells += [str(c.rooms_needed[y]) for y in years]
        cells += [f"{c.pupils[y]:.0f}" for y in years]
        cells += [f"{100 * c.fill[years[-1]]:.0f}%" if c.rooms_needed[years[-1]] else "–", c.status(years[-1])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


WARDS: dict[str, WardSpec] = {"phuoc_binh": PHUOC_BINH, "thien_hoa": THIEN_HOA}


def true_population(slug: str, years: Sequence[int] = range(2015, HORIZON + 1),
                    boundaries: Path | None = None) -> pd.DataFrame:
    """The simulated truth of a sample ward (by slug), future years 2027–2030 included.

    The committed population.csv stops at the base year 2026; this re-runs the seeded
    simulation (a couple of seconds) so forecasts can be scored against what "really" happened.
    """
    if slug not in WARDS:
        raise ValueError(f"unknown sample ward {slug!r}; choose one of {', '.join(WARDS)}")
    return generate_ward(WARDS[slug], boundaries or default_boundaries()).true_population(years)


def default_boundaries() -> Path:
    """data/boundaries/ of the source checkout this module runs from."""
    return Path(__file__).resolve().parents[2] / "data" / "boundaries"


def generate(out: Path, boundaries: Path | None = None, wards: Sequence[str] | None = None,
             echo: bool = True) -> list[GeneratedWard]:
    """Generate the sample wards into out/<slug>/ (each folder replaced atomically as a whole)."""
    boundaries = boundaries or default_boundaries()
    results = []
    for slug in wards or list(WARDS):
        ward = generate_ward(WARDS[slug], boundaries)
        failures = check_features(ward)
        if failures:
            raise RuntimeError(f"{slug}: the generated data lost its intended features: " + "; ".join(failures))
        with staged_output(Path(out) / slug, replace_whole=True) as stage:
            stage.chmod(0o755)  # data meant to be committed and shared: not private temp files
            for name, text in sorted(ward.files.items()):
                write_bytes_atomic(stage / name, text.encode("utf-8")).chmod(0o644)
        if echo:
            spec = ward.spec
            print(f"\n{spec.name} ({spec.kind}, {spec.province}, {spec.code}) → {Path(out) / slug}")
            print("residents aged 0–64: " + ", ".join(f"{y}: {ward.totals[y]:,}" for y in (2015, 2020, BASE_YEAR, HORIZON)))
            print(calibration_table(ward))
        results.append(ward)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tuyensinh.sample_data",
                                     description="Regenerate the embedded sample wards (seeded, byte-identical).")
    parser.add_argument("--out", type=Path, default=Path("data/wards"), help="folder receiving one sub-folder per ward")
    parser.add_argument("--boundaries", type=Path, default=None,
                        help="folder with the boundary GeoJSON files (default: data/boundaries of this checkout)")
    parser.add_argument("--ward", action="append", choices=list(WARDS), help="generate only this ward; repeatable")
    args = parser.parse_args(argv)
    generate(args.out, args.boundaries, args.ward)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
