"""The enrolment-cycle data of a sample ward (spec.cycle_data): the facility and staff columns
of schools.csv, enrolment.csv (actual enrolment 2022–2026 by school, grade and birth year, with
a private school and completions) and quotas_published.csv (the quotas published for 2026).

Synthetic, from the simulated residents and the ward's zones: pupils of a school × grade ×
year = Σ over its quarters of share × residents of the cohort age × participation × (1 − private
share) × seeded noise; 4 % of a grade's pupils are a year older (late entry, repetition);
completions of lớp 5 and lớp 9 are 97–99 % of the pupils; the quota is the intake plus a seeded
forecast error. Its own seeded stream, so the other files of the ward do not change.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from capacity.grades import ENTRY_GRADES, GRADE_LEVEL, LEVEL_GRADES, LEVELS
from capacity.norms import load_norms
from tuyensinh.samples.demography import Simulation
from tuyensinh.samples.schools import SchoolCalibration
from tuyensinh.samples.spec import BASE_YEAR, WardSpec

__all__ = ["ENROLMENT_YEARS", "cycle_frames", "school_extra_columns"]

ENROLMENT_YEARS = range(BASE_YEAR - 4, BASE_YEAR + 1)  # school years of enrolment.csv
PRIVATE_ID = "TT01"  # a private school (not in schools.csv)
OLDER_SHARE = 0.04  # pupils a year older than their grade's cohort


def school_extra_columns(
    spec: WardSpec, schools: pd.DataFrame, calibration: Sequence[SchoolCalibration], rng: np.random.Generator
) -> pd.DataFrame:
    """schools.csv with teachers, permanent_classrooms, functional_rooms, semi_boarding_places and
    boarders (seeded; one school left blank in each so the blank path shows too)."""
    norms = load_norms(rates=spec.rates)
    out = schools.copy()
    rooms = out["classrooms"].to_numpy(int)
    per_class = np.array([norms.teachers_per_class(level, 2)[-1] for level in out["level"]])
    out["teachers"] = np.round(rooms * per_class * rng.uniform(0.85, 1.02, len(out))).astype(int).astype(object)
    out["permanent_classrooms"] = (
        np.minimum(rooms, np.round(rooms * rng.uniform(0.6, 1.0, len(out)))).astype(int).astype(object)
    )
    out["functional_rooms"] = rng.integers(1, 7, len(out)).astype(object)
    preschool = (out["level"] == "mam_non").to_numpy()
    places = np.round(rooms * 25 * rng.uniform(0.7, 1.0, len(out)), -1).astype(int)
    out["semi_boarding_places"] = np.where(preschool, places, "").astype(object)
    out["boarders"] = np.where(out["level"] == "tieu_hoc", rng.integers(0, 40, len(out)), "").astype(object)
    for column in ("teachers", "permanent_classrooms", "functional_rooms"):
        out.loc[len(out) - 1, column] = ""  # the last school gives none: its indicators stay blank
    return out


def _public_pupils(spec: WardSpec, sim: Simulation, zones: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """`school_id, school_year, grade, birth_year, pupils` (floats) of the public schools."""
    norms = load_norms(rates=spec.rates)
    grades = norms.grade_table().set_index("grade")
    q_index = {q: i for i, q in enumerate(spec.quarter_ids)}
    rows = []
    for year in ENROLMENT_YEARS:
        residents = sim.residents_by_age(year)  # (Q, 65)
        for level in LEVELS:
            part = zones[zones["level"] == level]
            qi = part["quarter_id"].map(q_index).to_numpy()
            for grade in LEVEL_GRADES[level]:
                g = grades.loc[grade]
                factor = g["eligible_share"] * g["participation"] * (1 - g["private_share"])
                cohort = residents[qi, int(g["age"])] * factor * part["share"].to_numpy()
                per_school = pd.Series(cohort).groupby(part["school_id"].to_numpy()).sum()
                noise = rng.normal(1.0, 0.03, len(per_school))
                for (school, pupils), k in zip(per_school.items(), noise, strict=True):
                    total = max(pupils * k, 0.0)
                    born = year - int(g["age"])
                    older = 0.0 if level == "mam_non" else OLDER_SHARE * total
                    rows.append((school, year, grade, born, total - older))
                    if older > 0:
                        rows.append((school, year, grade, born - 1, older))
    return pd.DataFrame(rows, columns=["school_id", "school_year", "grade", "birth_year", "pupils"])


def cycle_frames(
    spec: WardSpec, sim: Simulation, zones: pd.DataFrame, rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """enrolment.csv and quotas_published.csv of the sample ward."""
    norms = load_norms(rates=spec.rates)
    public = _public_pupils(spec, sim, zones, rng)
    public["pupils"] = np.round(public["pupils"]).astype(int)
    public = public[public["pupils"] > 0].copy()
    public["sector"] = "public"
    # a private school: the private share of each grade's pupils, on-age only
    on_age = public.groupby(["school_year", "grade", "birth_year"], as_index=False)["pupils"].sum()
    on_age = on_age.sort_values("birth_year").groupby(["school_year", "grade"], as_index=False).last()
    share = on_age["grade"].map(GRADE_LEVEL).map(norms.private_share)
    private = on_age.assign(
        pupils=np.round(on_age["pupils"] * share / (1 - share)).astype(int), school_id=PRIVATE_ID, sector="private"
    )
    private = private[private["pupils"] > 0]
    table = pd.concat([public, private], ignore_index=True)
    # classes on the grade's first row of each school and year; completions of lớp 5 and lớp 9
    limits = norms.grade_table().set_index("grade")["max_class_size"]
    totals = table.groupby(["school_id", "school_year", "grade"])["pupils"].transform("sum")
    first = ~table.duplicated(["school_id", "school_year", "grade"])
    table["classes"] = np.where(first, np.ceil(totals / table["grade"].map(limits)).astype(int), -1)
    done = table["grade"].isin(["lop_5", "lop_9"]) & (table["school_year"] < BASE_YEAR)
    table["completed"] = np.where(done, np.floor(table["pupils"] * rng.uniform(0.97, 0.995, len(table))), -1).astype(
        int
    )
    order = {g: i for i, g in enumerate(limits.index)}
    table = table.sort_values(
        ["school_year", "school_id", "grade", "birth_year"],
        key=lambda c: c.map(order) if c.name == "grade" else c,
        ignore_index=True,
    )
    enrolment = table[
        ["school_id", "school_year", "grade", "sector", "birth_year", "pupils", "classes", "completed"]
    ].astype(object)
    enrolment.loc[enrolment["classes"] == -1, "classes"] = ""
    enrolment.loc[enrolment["completed"] == -1, "completed"] = ""
    enrolment.loc[enrolment["sector"] == "public", "sector"] = ""  # blank = public
    # the quotas published for the base year: intake × seeded forecast error, rounded up
    entry = [g for grades in ENTRY_GRADES.values() for g in grades]
    intake = public[public["grade"].isin(entry) & (public["school_year"] == BASE_YEAR)]
    intake = intake.groupby(["school_id", "grade"], as_index=False)["pupils"].sum()
    forecast = intake["pupils"] * rng.normal(1.02, 0.05, len(intake))
    quotas = pd.DataFrame(
        {
            "school_id": intake["school_id"],
            "grade": intake["grade"],
            "school_year": BASE_YEAR,
            "pupils": np.ceil(forecast).astype(int),
            "classes": np.ceil(np.ceil(forecast) / intake["grade"].map(limits)).astype(int),
            "forecast": np.round(forecast, 1),
        }
    )
    return {"enrolment.csv": enrolment, "quotas_published.csv": quotas}
