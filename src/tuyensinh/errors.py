"""Problems found in a planner's input data, reported all together.

A `Problem` names the file, the row (as the planner sees it in Excel: row 1 is the header, so
the first data row is row 2), the column, what is wrong and how to fix it. `WardDataError`
carries every problem found, so a planner fixes the whole file in one pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Problem", "WardDataError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the input data."""

    file: str
    message: str
    fix: str
    row: int | None = None  # spreadsheet row: header = 1, first data row = 2
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}. Fix: {self.fix}"


@dataclass
class WardDataError(Exception):
    """The ward folder has problems; `problems` lists every one of them."""

    folder: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.report())

    def report(self) -> str:
        lines = [f"The ward folder {self.folder} has {len(self.problems)} problem(s):"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()
