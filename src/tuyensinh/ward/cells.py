"""Reading a planner's CSV file as text cells, with the spreadsheet row of every cell.

Accepts what Excel and LibreOffice write: UTF-8 with or without a byte-order mark
("CSV UTF-8"), comma, semicolon or tab separators (Excel under Vietnamese regional settings
writes semicolons and decimal commas), trailing empty columns and blank rows. Refuses, with
the row and the way out, what would silently corrupt Vietnamese names: text in a Windows code
page (Excel's plain "CSV (Comma delimited)") or UTF-16 ("Unicode Text").
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tuyensinh.ward.errors import Problem
from tuyensinh.ward.files import read_input
from tuyensinh.words.problems import CATALOG
from tuyensinh.words.problems import text as problem_text  # `text` names the file's text here

__all__ = ["RawTable", "read_csv_cells", "SAVE_AS_UTF8", "WORKBOOK_DELIMITER"]

SAVE_AS_UTF8 = CATALOG["fix.save_utf8"][1]  # the English wording; Vietnamese in the catalog
_DELIMITERS = (",", ";", "\t")
WORKBOOK_DELIMITER = "xlsx"  # RawTable.delimiter of a table read from an Excel workbook


@dataclass(frozen=True)
class RawTable:
    """The cells of one CSV file as stripped NFC strings.

    `cells` has one column per header name (lower-cased) and is indexed by the spreadsheet row
    number (header = 1, first data row = 2); completely blank rows are left out.
    """

    file: str
    cells: pd.DataFrame
    delimiter: str

    @property
    def decimal_comma(self) -> bool:
        """True when numbers may be written with a decimal comma (semicolon-separated file, or a
        number typed as text in a workbook under Vietnamese settings)."""
        return self.delimiter in (";", WORKBOOK_DELIMITER)


def _decode(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem.of(file, problem_text("csv.utf16"), problem_text("fix.save_utf8"))]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip("\r")
        delimiter = max(_DELIMITERS, key=header.count)
        names = [name.strip().lower() for name in header.split(delimiter)]
        position = data[line_start : error.start].count(delimiter.encode())
        column = names[position] if row > 1 and position < len(names) else None
        guess = data[line_start : data.find(b"\n", error.start) if b"\n" in data[error.start :] else None]
        shown = unicodedata.normalize("NFC", guess.decode("cp1258", errors="replace")).strip()[:60]
        return None, [
            Problem.of(
                file,
                problem_text("csv.not_utf8", byte=f"{data[error.start]:02X}", shown=shown),
                problem_text("fix.csv.utf8_not_plain"),
                row=row,
                column=column,
            )
        ]


def _header_problems(header: list[str], file: str) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(
                Problem.of(
                    file,
                    problem_text("csv.duplicate_column", name=name),
                    problem_text("fix.csv.duplicate_column"),
                    row=1,
                    column=name,
                )
            )
        seen.add(name)
    return problems


def _field_too_long(file: str, row: int | None) -> Problem:
    limit = csv.field_size_limit()
    return Problem.of(
        file,
        problem_text("csv.field_too_long", row=row if row is not None else "?", limit=f"{limit:,}"),
        problem_text("fix.csv.field_too_long"),
        row=row,
    )


def _long_row_problems(text: str, delimiter: str, width: int, written: int, file: str) -> list[Problem]:
    """Rows with more values than the header has columns (slow path, only when the fast one fails)."""
    body = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[1:]
    lengths = np.fromiter((len(row) for row in body), dtype=np.int64, count=len(body))
    hint = problem_text("csv.hint_comma" if delimiter == "," else "csv.hint_other", delimiter=delimiter)
    problems = []
    for index in np.flatnonzero(lengths > width):
        row = body[index]
        if len(row) > written or any(cell.strip() for cell in row[width:]):
            problems.append(
                Problem.of(
                    file,
                    problem_text("csv.long_row", n=len(row), width=width, hint=hint),
                    problem_text("fix.csv.long_row"),
                    row=int(index) + 2,
                )
            )
    return problems


def read_csv_cells(path: Path, file: str | None = None) -> tuple[RawTable | None, list[Problem]]:
    """Read `path` as text cells; return (table, []) or (None, problems) when unreadable."""
    file = file or path.name
    data, problems = read_input(path, file)
    if data is None:
        return None, problems
    text, problems = _decode(data, file)
    if text is None:
        return None, problems
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        return None, [Problem.of(file, problem_text("csv.empty"), problem_text("fix.csv.empty"))]
    header_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=header_line.count)
    try:
        first = next(csv.reader([header_line.rstrip("\r")], delimiter=delimiter), [])
    except csv.Error:  # a header cell over csv.field_size_limit()
        return None, [_field_too_long(file, 1)]
    header = [name.strip().lower() for name in first]
    if not any(header):
        return None, [Problem.of(file, problem_text("csv.empty_header"), problem_text("fix.csv.empty_header"), row=1)]
    written = len(header)  # cells per row as written, counting empty trailing header cells
    while header[-1] == "":
        header.pop()  # trailing separators Excel adds after the last column
    problems = _header_problems(header, file)
    try:
        cells = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError:
        try:
            found = _long_row_problems(text, delimiter, len(header), written, file)
        except csv.Error:
            found = [_field_too_long(file, None)]
        return None, problems + (
            found or [Problem.of(file, problem_text("csv.unreadable"), problem_text("fix.csv.unreadable"))]
        )
    if problems:
        return None, problems
    cells = cells.iloc[1:, : len(header)].fillna("")
    cells.columns = header
    cells.index = pd.RangeIndex(2, 2 + len(cells), name="row")
    if len(cells):
        # every cell is text (dtype=object, na_filter=False): strip them in one pass
        stripped = np.array([cell.strip() for cell in cells.to_numpy(dtype=object).ravel()], dtype=object)
        stripped = stripped.reshape(cells.shape)
        cells = pd.DataFrame(stripped, index=cells.index, columns=cells.columns, dtype=object)
        cells = cells.loc[(stripped != "").any(axis=1)]
    unnamed = [position for position, name in enumerate(header) if name == ""]
    for position in unnamed:
        if cells.iloc[:, position].ne("").any():
            problems.append(
                Problem.of(
                    file,
                    problem_text("csv.unnamed_column", number=position + 1),
                    problem_text("fix.csv.unnamed_column"),
                    row=1,
                )
            )
    if problems:
        return None, problems
    cells = cells.loc[:, [name != "" for name in header]]
    return RawTable(file, cells, delimiter), []
