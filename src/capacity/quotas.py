"""Entry quotas (chỉ tiêu tuyển sinh) per school × entry grade × school year.

Entry grades: grade 1 (tiểu học), grade 6 (THCS) and every preschool age group (preschools
admit into every group each year, so the quota of a group is the number of places in it).
- pupils: the expected pupils sent to the school (Σ share × demand), rounded UP to whole
  places, so every expected child of the zone has a place (the quota is never below demand).
- classes: classes needed for those places at the class-size limits, with the same mixed-age
  (preschool) and mixed-grade (primary) rules as the capacity analysis, computed on the whole
  school (all grades rounded up) so a mixed class is counted once, on its youngest grade;
  `mixed_with` names the other grades of a mixed class ('' otherwise).
Rows: every school open that year, plus any closed school that is still sent pupils.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.analyze import pupils_by_school
from capacity.classes import check_schools, classes_by_grade, rooms_available
from capacity.grades import ENTRY_GRADES, LEVELS
from capacity.norms import Norms

__all__ = ["QUOTA_COLUMNS", "quotas"]

QUOTA_COLUMNS: tuple[str, ...] = (
    "school_id",
    "level",
    "grade",
    "school_year",
    "pupils",
    "classes",
    "mixed_with",
    "max_class_size",
)


def quotas(
    demand: pd.DataFrame,
    assignment: pd.DataFrame,
    schools: pd.DataFrame,
    norms: Norms,
    *,
    school_years: list[int] | None = None,
    levels: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Entry quotas: `school_id, level, grade, school_year, pupils, classes, mixed_with, max_class_size`.

    demand: capacity.enrollment_demand's table; assignment: `quarter_id, level, school_id,
    share`; school_years: default every year of the demand.
    """
    schools = check_schools(schools)
    pupils = pupils_by_school(demand, assignment, schools, levels=levels, school_years=school_years)
    places = pupils[["school_id", "level", "grade", "school_year"]].copy()
    places["mean"] = np.ceil(pupils["mean"].to_numpy(float) - 1e-9).clip(min=0)
    planned = classes_by_grade(places, schools, norms)
    entry_grades = [grade for level in LEVELS for grade in ENTRY_GRADES[level]]
    entry = planned[planned["grade"].isin(entry_grades)]
    entry = entry.copy()
    entry["pupils"] = entry["mean"].astype(int)
    groups = entry["class_group"].astype(str).str.split("+")
    entry["mixed_with"] = [
        "+".join(g for g in members if g != grade) for members, grade in zip(groups, entry["grade"], strict=True)
    ]
    entry["max_class_size"] = entry["max_class_size"].astype(int)
    years = sorted(entry["school_year"].unique().tolist())
    open_rows = rooms_available(schools, years)[["school_id", "school_year", "open"]]
    entry = entry.merge(open_rows, on=["school_id", "school_year"], how="left")
    entry = entry[entry["open"] | (entry["pupils"] > 0)]
    return entry.loc[:, list(QUOTA_COLUMNS)].reset_index(drop=True)
