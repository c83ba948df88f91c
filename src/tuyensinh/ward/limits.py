"""Limits on what a ward folder may hold, and problems of many rows reported within a cap.

`row_problems` words one problem per row and summarises the rows after the first
`MAX_ROWS_PER_PROBLEM`; `text_cells` checks ids and texts against their length limits and ids
against spreadsheet formulas (= + - @: such an id would be changed when written to a CSV output,
docs/data-format.md "Text in the output files"); `too_long` is the problem of one over-long value;
`cap_per_file` keeps the first `MAX_PROBLEMS_PER_FILE` problems of each file and counts the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from tuyensinh.ward.codes import FORMULA_START
from tuyensinh.ward.errors import Problem
from tuyensinh.words.problems import Text, text

__all__ = [
    "MAX_ROWS_PER_PROBLEM",
    "MAX_ID_LENGTH",
    "MAX_TEXT_LENGTH",
    "rows_text",
    "row_problems",
    "text_cells",
    "too_long",
    "cap_per_file",
    "MAX_PROBLEMS_PER_FILE",
    "COUNT_RANGE",
    "LAND_RANGE",
    "METRES_RANGE",
]

MAX_ROWS_PER_PROBLEM = 20  # rows reported one by one before the rest are summarised
MAX_ID_LENGTH = 64  # characters of a quarter_id or school_id
MAX_TEXT_LENGTH = 200  # characters of a name (the longest real school name is about 80)
MAX_PROBLEMS_PER_FILE = 200  # problems shown per file; the rest are counted ("… and N more")
# plausible ranges of the tables' columns (docs/data-format.md): refused outside minimum…maximum,
# a warning above plausible
COUNT_RANGE: dict[str, Any] = {"minimum": 0, "maximum": 100_000, "plausible": 5_000}  # persons, births per cell
LAND_RANGE: dict[str, Any] = {"minimum": 0, "maximum": 10_000_000, "plausible": 500_000}  # m² of school land
METRES_RANGE: dict[str, Any] = {"minimum": 0, "maximum": 200_000, "plausible": 30_000}  # quarter to school


def rows_text(rows: Sequence[int]) -> str:
    """'2, 3, 4' (the first 30 rows, then '…')."""
    shown = ", ".join(str(row) for row in rows[:30])
    return shown + (", …" if len(rows) > 30 else "")


def row_problems(
    file: str,
    rows: Sequence[int],
    column: str | None,
    message: Callable[[int], Text],
    fix: Text,
    limit: int = MAX_ROWS_PER_PROBLEM,
) -> list[Problem]:
    """One Problem per row (message(row) says what is wrong), the rows after `limit` summarised."""
    rows = [int(row) for row in rows]
    problems = [Problem.of(file, message(row), fix, row=row, column=column) for row in rows[:limit]]
    if len(rows) > limit:
        rest = rows[limit:]
        problems.append(
            Problem.of(
                file, text("table.more_rows", n=len(rest), rows=rows_text(rest)), fix, row=rest[0], column=column
            )
        )
    return problems


def too_long(file: str, column: str, value: str, limit: int, row: int | None = None) -> Problem:
    """The problem of a value longer than `limit` characters (shown cut to 40)."""
    shown = value[:40] + "…"
    return Problem.of(
        file,
        text("table.too_long", value=shown, n=len(value), limit=limit),
        text("fix.table.too_long", limit=limit),
        row=row,
        column=column,
    )


def text_cells(
    file: str, column: str, kind: str, cells: pd.Series, filled: pd.Series
) -> tuple[pd.Series, list[Problem]]:
    """Ids (`kind` "id") and texts: within their length limit, ids not starting like a formula;
    the cells (None where blank or refused) and the problems, vectorised over the rows."""
    limit = MAX_ID_LENGTH if kind == "id" else MAX_TEXT_LENGTH
    long = filled & (cells.str.len() > limit)
    problems = [too_long(file, column, cells[row], limit, row) for row in long[long].index[:MAX_ROWS_PER_PROBLEM]]
    bad = long
    if kind == "id":
        formula = filled & ~long & cells.str.startswith(FORMULA_START)
        problems += row_problems(
            file,
            formula[formula].index,
            column,
            lambda row: text("table.id_formula", value=cells[row], char=cells[row][:1]),
            text("fix.table.id_formula"),
        )
        bad = bad | formula
    return cells.where(filled & ~bad, None), problems


def cap_per_file(problems: list[Problem], cap: int = MAX_PROBLEMS_PER_FILE) -> list[Problem]:
    """The first `cap` problems of each file, then one line per file counting the rest."""
    kept: list[Problem] = []
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.file] = counts.get(problem.file, 0) + 1
        if counts[problem.file] <= cap:
            kept.append(problem)
    for file, n in counts.items():
        if n > cap:
            kept.append(Problem.of(file, text("problems.more", n=n - cap, cap=cap), text("fix.problems.more")))
    return kept
