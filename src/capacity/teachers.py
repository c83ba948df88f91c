"""Teachers needed per school and school year, from its classes and the staffing norm.

    teachers_norm   = Σ_grades classes × teachers per class of the grade   (teachers)
    teachers_needed = teachers_norm rounded half up to a whole teacher     (teachers)
    teacher_shortfall = max(teachers_needed − teachers, 0)                 (blank without `teachers`)

Teachers per class (norm table `teachers_per_class`): nhóm trẻ 2.5, mẫu giáo 2.2 on two
sessions a day and 1.2 on one (TT 19/2023/TT-BGDĐT); primary 1.5 on two sessions and 1.2 on one,
THCS 1.9 (TT 20/2023/TT-BGDĐT). A mixed class (lớp ghép, nhóm ghép) is one class. The norm is a
maximum per class; rounding half up (10.5 → 11) is a project choice, and `teachers_norm` keeps the
exact figure. `teachers` is the optional column of the schools table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.classes import check_schools
from capacity.grades import LEVEL_GRADES, LEVELS
from capacity.norms import Norms

__all__ = ["TEACHER_COLUMNS", "add_teacher_columns", "round_teachers", "teacher_needs", "teacher_ratios"]

TEACHER_COLUMNS: tuple[str, ...] = (
    "school_id",
    "level",
    "school_year",
    "classes",
    "teachers_norm",
    "teachers_needed",
    "teachers",
    "teacher_shortfall",
    "first_teacher_short_year",
)


def teacher_ratios(level: str, sessions_per_day: np.ndarray, norms: Norms) -> np.ndarray:
    """Teachers per class, array [rows, grades of the level], for each row's sessions a day."""
    sessions = np.asarray(sessions_per_day, int).reshape(-1, 1)
    return np.where(sessions == 1, norms.teachers_per_class(level, 1), norms.teachers_per_class(level, 2))


def round_teachers(teachers_norm: np.ndarray | pd.Series) -> np.ndarray:
    """Whole teachers: the norm rounded half up (10.5 → 11, 10.4 → 10)."""
    return np.floor(np.asarray(teachers_norm, float) + 0.5 + 1e-9).astype(int)


def add_teacher_columns(table: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """Add `teachers`, `teacher_shortfall` and `first_teacher_short_year` to rows that have
    `school_id, level, school_year, teachers_needed` (a copy; blank where `teachers` is unknown)."""
    schools = check_schools(schools)
    out = table.copy()
    out["teachers"] = out["school_id"].map(schools.set_index("school_id")["teachers"]).astype(float)
    short = np.maximum(out["teachers_needed"].to_numpy(float) - out["teachers"].to_numpy(float), 0.0)
    out["teacher_shortfall"] = (
        pd.array(np.where(np.isnan(short), np.nan, short), dtype="Float64").round().astype("Int64")
    )
    first = out.loc[out["teacher_shortfall"].fillna(0) > 0].groupby(["school_id", "level"])["school_year"].min()
    keys = pd.MultiIndex.from_frame(out[["school_id", "level"]])
    out["first_teacher_short_year"] = pd.array(first.reindex(keys).to_numpy(), dtype="Int64")
    out["teachers"] = out["teachers"].astype("Int64")
    return out


def teacher_needs(classes: pd.DataFrame, schools: pd.DataFrame, norms: Norms) -> pd.DataFrame:
    """Teachers per school × school year from classes per grade (capacity.classes_by_grade's
    table: `school_id, level, grade, school_year, classes`). Returns TEACHER_COLUMNS."""
    schools = check_schools(schools)
    sessions = schools.set_index("school_id")["sessions_per_day"]
    parts = []
    for level in LEVELS:
        part = classes[classes["level"] == level]
        if part.empty:
            continue
        grades = LEVEL_GRADES[level]
        wide = part.pivot_table(
            index=["school_id", "school_year"], columns="grade", values="classes", aggfunc="sum", fill_value=0
        ).reindex(columns=list(grades), fill_value=0)
        ratios = teacher_ratios(level, sessions.loc[wide.index.get_level_values("school_id")].to_numpy(), norms)
        grid = wide.to_numpy(float)
        frame = wide.index.to_frame(index=False)
        frame.insert(1, "level", level)
        frame["classes"] = grid.sum(axis=1).astype(int)
        frame["teachers_norm"] = (grid * ratios).sum(axis=1)
        frame["teachers_needed"] = round_teachers(frame["teachers_norm"])
        parts.append(frame)
    if not parts:
        return pd.DataFrame(columns=list(TEACHER_COLUMNS))
    table = add_teacher_columns(pd.concat(parts, ignore_index=True), schools)
    return table.loc[:, list(TEACHER_COLUMNS)].reset_index(drop=True)
