"""Universalisation indicators (phổ cập giáo dục) from actual enrolment and the population.

For school year Y (age = Y − birth year, counted by calendar year as the cohort rule), with the
ward's schools' pupils (public and private) standing in for the residents' enrolment:

| indicator | numerator | population | thresholds (norm table `universal_min`) |
|---|---|---|---|
| preschool_age5 | preschool children aged 5 | age 5 | NĐ 20/2014 (single standard) |
| preschool_3_5 | preschool children aged 3–5 | ages 3–5 | NQ 218/2025/QH15 (ASSUMPTION) |
| grade1_age6 | grade-1 pupils aged 6 | age 6 | NĐ 20/2014 levels 1–3 |
| primary_completed_age11, _age14, _11_14 | persons of those ages who completed primary | the same ages | levels 1–3 (ages 11 and 14) |
| thcs_completed_15_18 | persons aged 15–18 with the THCS diploma | ages 15–18 | levels 1–3 |

Completed primary for a cohort = the larger of (a) Σ `completed` of its lớp 5 rows in the
school years before Y and (b) its pupils enrolled in THCS in year Y — both count children who
surely completed, so the larger is the better lower bound. THCS diplomas = Σ `completed` of its
lớp 9 rows before Y, only when the table has lớp 9 rows for every school year Y − 4 … Y − 1
(otherwise blank: an incomplete history would understate it). Without `birth_year` the preschool and grade-1 indicators read the grade
as the age (mẫu giáo 5–6 = 5-year-olds, all of grade 1; `method` says so, and grade 1 is then a
gross intake that late entrants and repeaters inflate) and the completion indicators are blank.

degree_reached: the highest level whose threshold the value meets (0 = none); for a single
standard 1 = met. target: the ward's target (`targets`) or the threshold of `target_degree`.
The phổ cập survey counts residents wherever they study; pupils from outside the ward and
residents schooled elsewhere are the caveat of reading it from the ward's schools.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from capacity.enrolment import check_enrolment
from capacity.grades import LEVEL_GRADES
from capacity.norms import Norms

__all__ = ["INDICATORS", "UNIVERSAL_COLUMNS", "universalisation"]

# indicator -> (level, first age, last age)
INDICATORS: dict[str, tuple[str, int, int]] = {
    "preschool_age5": ("mam_non", 5, 5),
    "preschool_3_5": ("mam_non", 3, 5),
    "grade1_age6": ("tieu_hoc", 6, 6),
    "primary_completed_age11": ("tieu_hoc", 11, 11),
    "primary_completed_age14": ("tieu_hoc", 14, 14),
    "primary_completed_11_14": ("tieu_hoc", 11, 14),
    "thcs_completed_15_18": ("thcs", 15, 18),
}
UNIVERSAL_COLUMNS: tuple[str, ...] = (
    "school_year",
    "level",
    "indicator",
    "ages",
    "numerator",
    "population",
    "value",
    "method",
    "min_m1",
    "min_m2",
    "min_m3",
    "degree_reached",
    "target",
    "meets_target",
)


def _cohort_counts(frame: pd.DataFrame, value: str) -> pd.Series:
    """Σ value per (school_year, age)."""
    return frame.groupby(["school_year", "age"])[value].sum()


def universalisation(
    enrolment: pd.DataFrame,
    population: pd.DataFrame,
    norms: Norms,
    *,
    school_years: list[int] | None = None,
    target_degree: int = 3,
    targets: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The indicators per school year (UNIVERSAL_COLUMNS; shares); see the module doc.

    population: `year, age, count` (any other columns summed over). school_years: default the
    years of the enrolment table that the population covers.
    """
    table = check_enrolment(enrolment, need_school=False)
    pop = population.assign(count=pd.to_numeric(population["count"], errors="coerce").fillna(0.0))
    pop = pop.groupby(["year", "age"])["count"].sum()
    pop_years = set(pop.index.get_level_values("year"))
    years = sorted(y for y in (school_years or table["school_year"].unique().tolist()) if y in pop_years)
    has_birth = "birth_year" in table and table["birth_year"].notna().any()
    has_completed = "completed" in table and table["completed"].notna().any()
    if has_birth:
        table = table[table["birth_year"].notna()].assign(age=lambda f: f["school_year"] - f["birth_year"].astype(int))
    mg = list(LEVEL_GRADES["mam_non"][3:])
    # completions per birth year and school year (lớp 5, lớp 9)
    done: dict[str, pd.Series] = {}
    if has_birth and has_completed:
        for grade in ("lop_5", "lop_9"):
            rows = table[(table["grade"] == grade) & table["completed"].notna()]
            done[grade] = rows.groupby(["birth_year", "school_year"])["completed"].sum()

    done_rows = {grade: series.reset_index() for grade, series in done.items() if not series.empty}

    def completed_before(grade: str, year: int, ages: range) -> np.ndarray:
        frame = done_rows.get(grade)
        if frame is None:
            return np.zeros(len(ages))
        frame = frame[frame["school_year"] < year]
        per_birth = frame.groupby("birth_year")["completed"].sum()
        return per_birth.reindex([year - a for a in ages]).fillna(0.0).to_numpy(float)

    thresholds = norms.universal_thresholds()
    rows_out = []
    counts = pop.to_dict()  # (year, age) -> persons
    of_year = dict(iter(table.groupby("school_year", sort=False)))  # each year's rows, in table order
    lop_9_years = set(table.loc[table["grade"] == "lop_9", "school_year"])
    for year in years:
        in_year = of_year.get(year, table.iloc[:0])
        for name, (level, lo, hi) in INDICATORS.items():
            ages = range(lo, hi + 1)
            population_n = float(np.array([counts.get((year, a), 0.0) for a in ages], float).sum())
            have_pop = all((year, a) in counts for a in ages)
            numerator, method = np.nan, ""
            if name.startswith("preschool") or name == "grade1_age6":
                grades = mg if name.startswith("preschool") else ["lop_1"]
                if has_birth:
                    sel = in_year[
                        in_year["grade"].isin(LEVEL_GRADES["mam_non"] if name.startswith("preschool") else grades)
                        & in_year["age"].between(lo, hi)
                    ]
                    numerator, method = float(sel["pupils"].sum()), "by birth year"
                else:
                    pick = ["mg_5_6"] if name == "preschool_age5" else grades
                    sel = in_year[in_year["grade"].isin(pick)]
                    numerator, method = float(sel["pupils"].sum()), "grade read as age (no birth_year)"
            elif name.startswith("primary_completed"):
                if has_birth:
                    in_thcs = in_year[in_year["level"] == "thcs"]
                    thcs = (
                        _cohort_counts(in_thcs, "pupils").reindex([(year, a) for a in ages]).fillna(0.0).to_numpy(float)
                    )
                    numerator = float(np.maximum(thcs, completed_before("lop_5", year, ages)).sum())
                    method = (
                        "completed lớp 5 or enrolled in THCS, the larger"
                        if has_completed
                        else "enrolled in THCS (no 'completed' column: a lower bound)"
                    )
                else:
                    method = "needs birth_year"
            else:
                # diplomas of ages 15–18 were earned in school years Y − 4 … Y − 1: all must be in the table
                covered = set(range(year - (hi - 14), year)) <= lop_9_years
                if has_birth and has_completed and covered:
                    numerator, method = float(completed_before("lop_9", year, ages).sum()), "completed lớp 9"
                elif has_birth and has_completed:
                    method = f"needs lớp 9 completions of school years {year - (hi - 14)}–{year - 1}"
                else:
                    method = "needs birth_year and completed"
            if not have_pop:
                numerator, method = (
                    np.nan,
                    f"no population for ages {lo}–{hi}" if hi > lo else f"no population for age {lo}",
                )
            value = numerator / population_n if population_n > 0 and np.isfinite(numerator) else np.nan
            rows_out.append(
                {
                    "school_year": year,
                    "level": level,
                    "indicator": name,
                    "ages": f"{lo}" if lo == hi else f"{lo}–{hi}",
                    "numerator": numerator,
                    "population": population_n if have_pop else np.nan,
                    "value": value,
                    "method": method,
                }
            )
    out = pd.DataFrame(rows_out, columns=list(UNIVERSAL_COLUMNS[:8]))
    wide = thresholds.pivot_table(index="indicator", columns="degree", values="minimum", aggfunc="first")
    for d in (1, 2, 3):
        col = wide[d] if d in wide.columns else pd.Series(dtype=float)
        single = wide[0] if (0 in wide.columns and d == 1) else pd.Series(dtype=float)
        out[f"min_m{d}"] = out["indicator"].map(col).astype(float)
        if d == 1 and len(single):
            out["min_m1"] = out["min_m1"].fillna(out["indicator"].map(single))
    mins = out[["min_m1", "min_m2", "min_m3"]].to_numpy(float)
    value = out["value"].to_numpy(float)[:, None]
    met = (value >= mins - 1e-12) & ~np.isnan(mins)
    reached = np.zeros(len(out), int)
    alive = np.ones(len(out), bool)
    for d in (1, 2, 3):  # level d counts when its threshold is met and every lower one too
        alive &= met[:, d - 1] | np.isnan(mins[:, d - 1])
        reached = np.where(alive & ~np.isnan(mins[:, d - 1]), d, reached)
    no_standard = np.isnan(mins).all(axis=1) | np.isnan(value[:, 0])
    out["degree_reached"] = pd.Series(reached, dtype="Int64").mask(no_standard)
    degree = int(target_degree)
    default_target = out[f"min_m{degree}"].fillna(out["min_m1"]) if 1 <= degree <= 3 else out["min_m1"]
    given = out["indicator"].map(dict(targets or {})).astype(float)
    out["target"] = given.fillna(default_target)
    out["meets_target"] = (
        (out["value"] >= out["target"] - 1e-12).astype("boolean").mask(out["value"].isna() | out["target"].isna())
    )
    return out.loc[:, list(UNIVERSAL_COLUMNS)]
