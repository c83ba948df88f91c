"""The optional tables of the enrolment cycle: enrolment.csv (actual enrolment) and
quotas_published.csv (the quotas published before the school year), and their checks.

enrolment.csv: `school_id, school_year, grade, pupils` [, `sector`, `quarter_id`, `birth_year`,
`classes`, `completed`] (docs/data-format.md; capacity.enrolment for the meaning).
quotas_published.csv: `school_id, grade, school_year, pupils` [, `classes`, `forecast`] — last
year's quotas.csv as published (its `pupils` are the quota; `forecast`, when given, the
expected pupils behind it).
"""

from __future__ import annotations

import pandas as pd

from capacity.enrolment import SECTORS
from capacity.grades import ENTRY_GRADES, GRADES
from tuyensinh.ward.columns import Column, row_problems, unknown_reference_problems
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.tables import TableSpec
from tuyensinh.words.problems import text

__all__ = [
    "ENROLMENT",
    "QUOTAS_PUBLISHED",
    "enrolment_problems",
    "facility_problems",
    "quotas_published_problems",
]

_ENTRY = [g for grades in ENTRY_GRADES.values() for g in grades]

ENROLMENT = TableSpec(
    "enrolment.csv",
    (
        Column("school_id", "id"),
        Column("school_year", "int", minimum=1950, maximum=2100, unit="calendar year"),
        Column("grade", "id"),
        Column("pupils", "int", minimum=0, unit="pupils"),
        Column("sector", "id", required=False, blank_ok=True, default="public"),
        Column("quarter_id", "id", required=False, blank_ok=True),
        Column("birth_year", "int", required=False, blank_ok=True, minimum=1950, maximum=2100, unit="calendar year"),
        Column("classes", "int", required=False, blank_ok=True, minimum=0, unit="classes"),
        Column("completed", "int", required=False, blank_ok=True, minimum=0, unit="pupils"),
    ),
    ("school_id", "school_year", "grade", "sector", "quarter_id", "birth_year"),
    False,
    "purpose.enrolment",
)
QUOTAS_PUBLISHED = TableSpec(
    "quotas_published.csv",
    (
        Column("school_id", "id"),
        Column("grade", "id"),
        Column("school_year", "int", minimum=1950, maximum=2100, unit="calendar year"),
        Column("pupils", "int", minimum=0, unit="pupils"),
        Column("classes", "int", required=False, blank_ok=True, minimum=0, unit="classes"),
        Column("forecast", "number", required=False, blank_ok=True, minimum=0, unit="pupils"),
        Column("level", "level", required=False, blank_ok=True),
    ),
    ("school_id", "grade", "school_year"),
    False,
    "purpose.quotas_published",
)


def _code_problems(frame: pd.DataFrame, file: str, column: str, allowed: list[str]) -> list[Problem]:
    values = frame[column]
    bad = values.notna() & ~values.isin(allowed)
    return row_problems(
        file,
        bad[bad].index,
        column,
        lambda row: text("cycle.unknown_code", column=column, value=values[row], allowed=", ".join(allowed)),
        text("fix.cycle.code", column=column, allowed=", ".join(allowed)),
    )


def enrolment_problems(
    enrolment: pd.DataFrame, school_ids: list[str] | None, quarter_ids: list[str] | None, quarters_file: str
) -> list[Problem]:
    """Grade and sector codes, public schools known, quarters known, completed ≤ pupils, a
    birth year 0–25 years before the school year."""
    file = ENROLMENT.file
    problems = _code_problems(enrolment, file, "grade", list(GRADES))
    problems += _code_problems(enrolment, file, "sector", list(SECTORS))
    public = enrolment[enrolment["sector"].fillna("public") == "public"]
    if school_ids is not None:
        problems += unknown_reference_problems(
            public, "school_id", school_ids, file, "schools.csv", text("noun.school")
        )
    if quarter_ids is not None and "quarter_id" in enrolment:
        problems += unknown_reference_problems(
            enrolment, "quarter_id", quarter_ids, file, quarters_file, text("noun.quarter")
        )
    if "completed" in enrolment:
        over = (
            enrolment["completed"].notna()
            & enrolment["pupils"].notna()
            & (enrolment["completed"] > enrolment["pupils"])
        )
        problems += row_problems(
            file,
            over[over].index,
            "completed",
            lambda row: text(
                "cycle.completed_above",
                completed=int(enrolment.at[row, "completed"]),
                pupils=int(enrolment.at[row, "pupils"]),
            ),
            text("fix.cycle.completed_above"),
        )
    if "birth_year" in enrolment:
        age = enrolment["school_year"] - enrolment["birth_year"]
        odd = age.notna() & ((age < 0) | (age > 25))
        problems += row_problems(
            file,
            odd[odd].index,
            "birth_year",
            lambda row: text(
                "cycle.birth_year_odd",
                birth_year=int(enrolment.at[row, "birth_year"]),
                school_year=int(enrolment.at[row, "school_year"]),
            ),
            text("fix.cycle.birth_year_odd"),
        )
    return problems


def quotas_published_problems(quotas: pd.DataFrame, school_ids: list[str] | None) -> list[Problem]:
    """Entry-grade codes and known schools."""
    file = QUOTAS_PUBLISHED.file
    problems = _code_problems(quotas, file, "grade", _ENTRY)
    if school_ids is not None:
        problems += unknown_reference_problems(
            quotas, "school_id", school_ids, file, "schools.csv", text("noun.school")
        )
    return problems


def facility_problems(schools: pd.DataFrame) -> list[Problem]:
    """The facility columns of schools.csv: permanent classrooms at most the classrooms."""
    above = (
        schools["permanent_classrooms"].notna()
        & schools["classrooms"].notna()
        & (schools["permanent_classrooms"] > schools["classrooms"])
    )
    return row_problems(
        "schools.csv",
        above[above].index,
        "permanent_classrooms",
        lambda row: text(
            "school.permanent_above",
            permanent=int(schools.at[row, "permanent_classrooms"]),
            classrooms=int(schools.at[row, "classrooms"]),
        ),
        text("fix.school.permanent_above"),
    )
