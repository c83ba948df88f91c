"""The columns of the province roll-up's tables, shared by province.xlsx and the report page.

Each function returns the headings or the cells of one table in the planner's language: the
cells are raw numbers (the workbook writes them as numbers, the report page formats them),
labels already worded (level, school year, "none short") and the "not available" text where
the wards' outputs lack a figure. `None` is an empty cell.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tuyensinh.province.bridge import level_name, school_year_label
from tuyensinh.province.rollup import LevelTable, Rollup, WardRow
from tuyensinh.words.province import say

__all__ = ["ACCURACY_CELLS", "level_headings", "total_cells", "totals_cells", "totals_headings", "ward_cells"]

ACCURACY_CELLS = 2
"""The last cells of `level_headings` / `ward_cells` are the two forecast accuracies (%, one decimal)."""

_TOTALS_WORDS = (
    "level",
    "school_year",
    "wards",
    "pupils",
    "classes",
    "rooms_needed",
    "rooms_available",
    "rooms_short",
    "schools_short",
    "teachers_short",
    "build_cost",
)
_TOTALS_NUMBERS = ("wards", "pupils", "classes", "rooms_needed", "rooms_available", "rooms_short", "schools_short")


def totals_headings(lang: str) -> list[str]:
    """Headings of the province totals (level × school year)."""
    return [say(word, lang) for word in _TOTALS_WORDS]


def totals_cells(totals_row: pd.Series, rollup: Rollup) -> list[Any]:
    """One row of `rollup.totals`: level, school year, wards, pupils, classes, rooms needed,
    available and short, schools short, teachers short, build cost (million VND)."""
    lang = rollup.lang
    na = say("not_available", lang)
    level = totals_row["level"]
    return [
        say("all_levels", lang) if level == "all" else level_name(level, lang),
        school_year_label(int(totals_row["school_year"]), lang),
        *(totals_row[column] for column in _TOTALS_NUMBERS),
        totals_row["teachers_short"] if rollup.has_teachers else na,
        totals_row["build_cost_million_vnd"] if rollup.has_cost else na,
    ]


def level_headings(table: LevelTable, lang: str) -> list[str]:
    """Headings of a level's table after the ward's name: pupils and classes of the coming
    year, rooms short per school year, first year short, teachers short at the horizon, build
    cost, the two accuracies."""
    coming = school_year_label(table.coming, lang)
    return [
        say("pupils_coming", lang, year=coming),
        say("classes_coming", lang, year=coming),
        *(say("rooms_short_year", lang, year=school_year_label(y, lang)) for y in table.years),
        say("first_short", lang),
        say("teachers_short_horizon", lang, year=school_year_label(table.horizon, lang)),
        say("build_cost", lang),
        say("accuracy", lang),
        say("accuracy_naive", lang),
    ]


def ward_cells(ward: WardRow, table: LevelTable, lang: str) -> list[Any]:
    """A planned ward's cells under `level_headings` (a failed ward has none: see its status)."""
    na = say("not_available", lang)
    first = ward.first_short_year
    return [
        ward.pupils,
        ward.classes,
        *ward.short,
        school_year_label(int(first), lang) if pd.notna(first) else say("none_short", lang),
        ward.teachers_short if table.has_teachers else na,
        ward.build_cost if table.has_cost else na,
        ward.accuracy_h1,
        ward.accuracy_naive_h1,
    ]


def total_cells(table: LevelTable, lang: str) -> list[Any]:
    """The province's total under `level_headings` (no first year short, no accuracy)."""
    na = say("not_available", lang)
    total = table.total
    return [
        total["pupils"],
        total["classes"],
        *total["short"],
        None,
        total["teachers_short"] if table.total_has_teachers else na,
        total["build_cost"] if table.total_has_cost else na,
        None,
        None,
    ]
