"""Plausible but suspicious data: warnings `validate` lists and the report shows, never blocking.

- Rooms far below demand: a level's classrooms (schools open in the base year) below half the
  classes its children need in the base year — ward-wide whole classes at the legal class size,
  participation and private shares from the norm table — usually a typing mistake (a building's
  rooms instead of the school's) or a missing school.
- A population jump: a quarter's residents (all ages given) changing by more than 30% in one
  year, from at least 50 persons (a boundary change, new housing, or a wrong year).
- Cohort ratios far outside the ward's: the children aged 0–17 of a quarter in year y against
  the same cohorts aged 1–18 in y + 1, more than 0.25 away from the ward's usual ratio that year
  (the median over its quarters, so one odd quarter does not move it), from at least 100 children.
- A school farther than the walking norm (norm table, by level and setting) from every quarter
  (from the nearest quarter's edge; schools more than 2 km outside are refused by the loader):
  usually a mistyped position.
- Values above a column's plausible bound (docs/data-format.md, "Plausible ranges") and a
  population of fewer than 100 persons in its last year, found by the loader (`Ward.input_warnings`).
Each warning is a `Problem` record (file, row, column, what, what to check), worded in both languages.
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np

from capacity import load_norms
from capacity.grades import LEVEL_GRADES, LEVELS
from capacity.norms import Norms
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.folder import Ward
from tuyensinh.words.checks import text
from tuyensinh.words.core import Text, number
from tuyensinh.words.labels import level_name

__all__ = ["data_warnings", "JUMP_SHARE", "ROOMS_SHARE", "COHORT_GAP", "MAX_WARNINGS_PER_KIND"]

ROOMS_SHARE = 0.5  # classrooms below this share of the classes needed
JUMP_SHARE = 0.30  # a quarter's population changing by more than this in one year
JUMP_MIN_PERSONS = 50
COHORT_GAP = 0.25  # a quarter's cohort ratio this far from the ward's
COHORT_MIN_CHILDREN = 100
MAX_WARNINGS_PER_KIND = 10


def _level_text(level: str) -> Text:
    return Text(
        level_name(level, "vi").lower() if level != "thcs" else "THCS",
        level_name(level, "en").lower() if level != "thcs" else "lower secondary",
    )


def _rooms(ward: Ward, norms: Norms) -> list[Problem]:
    year = ward.base_year
    table = norms.grade_table()
    population = ward.population_by_age()
    at_base = population[population["year"] == year].groupby("age")["count"].sum()
    table["children"] = table["age"].map(at_base).fillna(0.0)
    table["pupils"] = (
        table["children"] * table["participation"] * table["eligible_share"] * (1 - table["private_share"])
    )
    table["classes"] = np.ceil(table["pupils"] / table["max_class_size"])
    schools = ward.schools
    open_now = (schools["opens"].isna() | (schools["opens"] <= year)) & (
        schools["closes"].isna() | (schools["closes"] > year)
    )
    rooms = schools[open_now].groupby("level")["classrooms"].sum()
    found = []
    for level in LEVELS:
        part = table[table["grade"].isin(LEVEL_GRADES[level])]
        classes, pupils = int(part["classes"].sum()), round(part["pupils"].sum())
        have = int(rooms.get(level, 0))
        if classes > 0 and have < ROOMS_SHARE * classes:
            found.append(
                Problem.of(
                    "schools.csv",
                    text("rooms_low", level=_level_text(level), rooms=have, year=year, classes=classes, pupils=pupils),
                    text("fix.rooms_low"),
                    column="classrooms",
                )
            )
    return found


def _jumps(ward: Ward) -> list[Problem]:
    totals = ward.population.groupby(["quarter_id", "year"])["count"].sum().unstack("year").sort_index(axis=1)
    before, after = totals.iloc[:, :-1].to_numpy(float), totals.iloc[:, 1:].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (after - before) / before
    flagged = np.argwhere((before >= JUMP_MIN_PERSONS) & (np.abs(change) > JUMP_SHARE))
    found = []
    for q, y in flagged[:MAX_WARNINGS_PER_KIND]:
        year0, year1 = int(totals.columns[y]), int(totals.columns[y + 1])
        share = f"{abs(change[q, y]):.0%}"
        found.append(
            Problem.of(
                "population.csv",
                text(
                    "jump",
                    quarter_id=totals.index[q],
                    share=share,
                    year0=year0,
                    year1=year1,
                    before=int(before[q, y]),
                    after=int(after[q, y]),
                    change=text("jump.up" if change[q, y] > 0 else "jump.down"),
                ),
                text("fix.jump", year1=year1),
                column="count",
            )
        )
    return found


def _cohorts(ward: Ward) -> list[Problem]:
    grid = ward.population_by_age().set_index(["quarter_id", "year", "age"])["count"]
    young = grid[grid.index.get_level_values("age") <= 17].groupby(["quarter_id", "year"]).sum()
    aged = grid[(grid.index.get_level_values("age") >= 1) & (grid.index.get_level_values("age") <= 18)]
    aged = aged.groupby(["quarter_id", "year"]).sum()
    years = sorted(ward.years)
    found = []
    for year0, year1 in itertools.pairwise(years):
        den = young.xs(year0, level="year")
        num = aged.xs(year1, level="year").reindex(den.index).fillna(0)
        ratio = num / den.where(den > 0)
        ward_ratio = ratio[den >= COHORT_MIN_CHILDREN].median()  # what the ward's quarters usually show
        odd = ratio[(den >= COHORT_MIN_CHILDREN) & ((ratio - ward_ratio).abs() > COHORT_GAP)]
        found += [
            Problem.of(
                "population.csv",
                text(
                    "cohort", quarter_id=q, year0=year0, year1=year1, ratio=f"{r:.2f}", ward_ratio=f"{ward_ratio:.2f}"
                ),
                text("fix.cohort"),
                column="count",
            )
            for q, r in odd.items()
        ]
    return found[:MAX_WARNINGS_PER_KIND]


def _metres(value: float) -> Text:
    """Whole metres in each language's number format (1.250 / 1,250)."""
    return Text(number(value, "vi"), number(value, "en"))


def _far_schools(ward: Ward, norms: Norms) -> list[Problem]:
    quarters = ward.quarters_projected()[["quarter_id", "geometry"]]
    schools = ward.schools_projected().reset_index(names="position")
    nearest = (
        gpd.sjoin_nearest(schools, quarters, distance_col="metres").drop_duplicates("position").sort_values("position")
    )
    norm = np.array([norms.walking_distance(level, ward.setting) for level in nearest["level"]])
    far = nearest[nearest["metres"].to_numpy() > norm]
    return [
        Problem.of(
            "schools.csv",
            text(
                "far_school",
                school_id=school.school_id,
                name=school["name"],
                quarter_id=school.quarter_id,
                distance=_metres(school.metres),
                norm=_metres(limit),
                level=_level_text(school.level),
            ),
            text("fix.far_school"),
            row=int(school.position) + 2,
            column="lon",
        )
        for (_, school), limit in zip(far.iterrows(), norm[nearest["metres"].to_numpy() > norm], strict=True)
    ][:MAX_WARNINGS_PER_KIND]


def data_warnings(ward: Ward) -> list[Problem]:
    """Every warning about the ward's data (empty when nothing looks suspicious)."""
    norms = load_norms(ward.norms, ward.rates)
    return [*ward.input_warnings, *_rooms(ward, norms), *_jumps(ward), *_cohorts(ward), *_far_schools(ward, norms)]
