"""Problems found in a planner's input data, reported all together, in Vietnamese or English.

A `Problem` names the file, the row (as the planner sees it in Excel: row 1 is the header, so
the first data row is row 2), the column, what is wrong and how to fix it — in English
(`message`, `fix`) and Vietnamese (`message_vi`, `fix_vi`), both rendered from the catalog in
`tuyensinh.words.problems`. `Problem.text(lang)` words it for the planner (Vietnamese by
default); `str(problem)` is the English wording. `WardDataError` carries every problem found,
so a planner fixes the whole file in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tuyensinh.words.core import Text
from tuyensinh.words.validate import problems_heading, say
from tuyensinh.words.workbook import WORKBOOK as workbook_words

__all__ = ["Problem", "WardDataError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the input data (English `message`/`fix`, Vietnamese `message_vi`/`fix_vi`)."""

    file: str
    message: str
    fix: str
    row: int | None = None  # spreadsheet row: header = 1, first data row = 2
    column: str | None = None
    message_vi: str = ""  # empty: no Vietnamese wording, the English one is shown
    fix_vi: str = ""
    sheet: str | None = None  # the Excel sheet, when the table came from a workbook
    cell: str | None = None  # the Excel cell ('F12'), when the table came from a workbook

    @classmethod
    def of(cls, file: str, message: Text, fix: Text, row: int | None = None, column: str | None = None) -> Problem:
        """A problem worded in both languages (`message`, `fix` from `tuyensinh.words.problems.text`)."""
        return cls(file, message.en, fix.en, row=row, column=column, message_vi=message.vi, fix_vi=fix.vi)

    def location(self, lang: str = "vi") -> str:
        """'dòng 12, cột 'count'' / 'row 12, column 'count'' (empty when the whole file is meant)."""
        row_word, column_word = say("problem.row", lang), say("problem.column", lang)
        parts = []
        if self.sheet is not None:
            if self.cell is not None:
                parts.append(workbook_words.say("where.cell", lang, sheet=self.sheet, cell=self.cell))
            elif self.row is not None:
                parts.append(workbook_words.say("where.row", lang, sheet=self.sheet, row=self.row))
            else:
                parts.append(workbook_words.say("where.sheet", lang, sheet=self.sheet))
            if self.column is not None:
                parts.append(f"{column_word} '{self.column}'")
            return ", ".join(parts)
        if self.row is not None:
            parts.append(f"{row_word} {self.row}")
        if self.column is not None:
            parts.append(f"{column_word} '{self.column}'")
        return ", ".join(parts)

    def text(self, lang: str = "vi", with_file: bool = True) -> str:
        """The problem in the planner's language: where, what is wrong, how to fix it."""
        fix_word = say("problem.fix", lang)
        message = self.message_vi if lang == "vi" and self.message_vi else self.message
        fix = self.fix_vi if lang == "vi" and self.fix_vi else self.fix
        where = ", ".join(part for part in (self.file if with_file else "", self.location(lang)) if part)
        end = "" if message.endswith((".", "?", "!")) else "."
        said = f"{message}{end} {fix_word}: {fix}"
        return f"{where}: {said}" if where else said

    def __str__(self) -> str:
        return self.text("en")


@dataclass
class WardDataError(Exception):
    """The ward folder has problems; `problems` lists every one of them."""

    folder: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.report("en"))

    def report(self, lang: str = "vi") -> str:
        """Every problem, one per line, under a heading; Vietnamese by default, English with lang="en"."""
        lines = [problems_heading(lang, folder=self.folder, n=len(self.problems))]
        lines += [f"  - {problem.text(lang)}" for problem in self.problems]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report("en")
