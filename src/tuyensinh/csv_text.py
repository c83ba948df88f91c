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

from tuyensinh.errors import Problem

__all__ = ["RawTable", "read_csv_cells", "SAVE_AS_UTF8"]

SAVE_AS_UTF8 = (
    "open the file in Excel and use File › Save As › 'CSV UTF-8 (Comma delimited) (*.csv)' "
    "(in LibreOffice: Save As › Text CSV, character set 'Unicode (UTF-8)')"
)
_DELIMITERS = (",", ";", "\t")


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
        """True when numbers may be written with a decimal comma (semicolon-separated file)."""
        return self.delimiter == ";"


def _decode(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(
            file,
            "the file is UTF-16 text (Excel's 'Unicode Text' format), not CSV UTF-8",
            SAVE_AS_UTF8,
        )]
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
        position = data[line_start: error.start].count(delimiter.encode())
        column = names[position] if row > 1 and position < len(names) else None
        guess = data[line_start: data.find(b"\n", error.start) if b"\n" in data[error.start:] else None]
        shown = unicodedata.normalize("NFC", guess.decode("cp1258", errors="replace")).strip()[:60]
        return None, [Problem(
            file,
            f"the file is not UTF-8 text: byte 0x{data[error.start]:02X} cannot be read "
            f"(the row reads '{shown}' in the Windows code page 1258). Excel's plain "
            "'CSV (Comma delimited)' format writes Vietnamese letters this way and they would "
            "be garbled",
            SAVE_AS_UTF8 + "; do not use plain 'CSV (Comma delimited)'",
            row=row,
            column=column,
        )]


def _header_problems(header: list[str], file: str) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(Problem(
                file, f"the column '{name}' appears twice in the header", "delete one of the two columns",
                row=1, column=name,
            ))
        seen.add(name)
    return problems


def _long_row_problems(text: str, delimiter: str, width: int, written: int, file: str) -> list[Problem]:
    """Rows with more values than the header has columns (slow path, only when the fast one fails)."""
    body = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[1:]
    lengths = np.fromiter((len(row) for row in body), dtype=np.int64, count=len(body))
    hint = (
        "a number written with a decimal comma (use a dot: 106.95) or a name containing "
        f"'{delimiter}' without quotes" if delimiter == "," else f"a value containing '{delimiter}'"
    )
    problems = []
    for index in np.flatnonzero(lengths > width):
        row = body[index]
        if len(row) > written or any(cell.strip() for cell in row[width:]):
            problems.append(Problem(
                file,
                f"this row has {len(row)} values but the header has {width} columns (probably {hint})",
                "make each row have exactly one value per header column",
                row=int(index) + 2,
            ))
    return problems


def read_csv_cells(path: Path, file: str | None = None) -> tuple[RawTable | None, list[Problem]]:
    """Read `path` as text cells; return (table, []) or (None, problems) when unreadable."""
    file = file or path.name
    text, problems = _decode(path.read_bytes(), file)
    if text is None:
        return None, problems
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        return None, [Problem(file, "the file is empty", "write the header row and the data rows")]
    header_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=header_line.count)
    first = next(csv.reader([header_line.rstrip("\r")], delimiter=delimiter), [])
    header = [name.strip().lower() for name in first]
    if not any(header):
        return None, [Problem(file, "the first row (the header) is empty", "put the column names in row 1", row=1)]
    written = len(header)  # cells per row as written, counting empty trailing header cells
    while header[-1] == "":
        header.pop()  # trailing separators Excel adds after the last column
    problems = _header_problems(header, file)
    try:
        cells = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, dtype=object, na_filter=False,
            skip_blank_lines=False, engine="c",
        )
    except pd.errors.ParserError:
        found = _long_row_problems(text, delimiter, len(header), written, file)
        return None, problems + (found or [Problem(file, "the file cannot be read as CSV", "save it again from Excel as 'CSV UTF-8'")])
    if problems:
        return None, problems
    cells = cells.iloc[1:, : len(header)].fillna("")
    cells.columns = header
    cells.index = pd.RangeIndex(2, 2 + len(cells), name="row")
    if len(cells):
        cells = cells.apply(lambda column: column.str.strip())
        cells = cells.loc[cells.ne("").any(axis=1)]
    unnamed = [position for position, name in enumerate(header) if name == ""]
    for position in unnamed:
        if cells.iloc[:, position].ne("").any():
            problems.append(Problem(
                file, f"column {position + 1} has values but no name in row 1",
                "write the column name in row 1 or delete the column", row=1,
            ))
    if problems:
        return None, problems
    cells = cells.loc[:, [name != "" for name in header]]
    return RawTable(file, cells, delimiter), []
