"""The optional facility and staff columns of the schools table, and their checks.

| column | meaning | unit |
|---|---|---|
| `teachers` | teachers the school has (biên chế and contract) | teachers |
| `permanent_classrooms` | classrooms that are permanent (kiên cố); at most `classrooms` | rooms |
| `functional_rooms` | functional / subject rooms (phòng bộ môn, phòng chức năng) | rooms |
| `semi_boarding_places` | children the kitchen and rest rooms serve (bán trú), preschools | places |
| `boarders` | boarding pupils (they need extra land, TT 13/2020) | pupils |
| `land_m2` | the school's land | m² |

Blank = unknown: the indicator that needs the column is left blank for that school.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.table_checks import TableProblem, check_count_column, sheet_rows

__all__ = ["SCHOOL_OPTIONAL_COLUMNS", "school_column_problems"]

# column -> (whole number, unit)
SCHOOL_OPTIONAL_COLUMNS: dict[str, tuple[bool, str]] = {
    "teachers": (True, "teachers"),
    "permanent_classrooms": (True, "rooms"),
    "functional_rooms": (True, "rooms"),
    "semi_boarding_places": (True, "places"),
    "boarders": (True, "pupils"),
    "land_m2": (False, "m²"),
}


def school_column_problems(schools: pd.DataFrame, name: str = "schools") -> tuple[pd.DataFrame, list[TableProblem]]:
    """The schools table with the optional columns as floats (absent or blank = NaN) and the
    problems of their bad cells (a bad cell is left NaN): not a number, not whole, negative,
    or permanent_classrooms above classrooms."""
    table = schools.copy()
    problems: list[TableProblem] = []
    for column, (integer, unit) in SCHOOL_OPTIONAL_COLUMNS.items():
        if column not in table:
            table[column] = np.nan
            continue
        table[column] = check_count_column(table, name, column, problems, integer=integer, unit=unit)
    rooms = (
        pd.to_numeric(table["classrooms"], errors="coerce")
        if "classrooms" in table
        else pd.Series(np.nan, index=table.index)
    )
    over = (table["permanent_classrooms"] > rooms).to_numpy()
    if over.any():
        first = table["permanent_classrooms"].iloc[int(np.flatnonzero(over)[0])]
        problems.append(
            TableProblem(
                name,
                "permanent_classrooms",
                sheet_rows(over),
                "above_column",
                first,
                {"other": "classrooms", "unit": "rooms"},
            )
        )
        table.loc[over, "permanent_classrooms"] = np.nan
    return table, problems
