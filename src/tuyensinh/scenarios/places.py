"""Where a problem of a scenarios file is (file, line, scenario, change) and how a value is shown in it."""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from tuyensinh.ward.errors import Problem
from tuyensinh.ward.toml_lines import toml_lines
from tuyensinh.words.problems import Text
from tuyensinh.words.problems import text as problem_text


def _shown(value: object) -> str:
    """A value as it reads in a TOML file: "abc" in double quotes, 40, 2.5, true, [1, 2]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{k} = {_shown(v)}" for k, v in value.items())
        shown = "{" + inner + "}"
    elif isinstance(value, list | tuple):
        shown = "[" + ", ".join(_shown(v) for v in value) + "]"
    else:
        shown = str(value)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _number_text(value: float) -> str:
    """A bound as a planner writes it: 102, 0.5."""
    return f"{value:g}"


# --- where a problem is: file, line, scenario, change ----------------------------------------------


def _key_lines(text: str) -> dict[tuple[int, str, int, str], int]:
    """(block, table, position, key) → line number of a scenarios file; key "" is a header.

    Tables are "scenario" (the block itself, position 0), "housing", "open_school", … (position:
    the n-th such table of the block) and override tables such as norms.max_class_size. Best
    effort: keys of inline tables are not found (the problem then names the table's line).
    """
    out: dict[tuple[int, str, int, str], int] = {}
    block, table, position = 0, "", 0
    counts: dict[str, int] = {}
    for line in toml_lines(text):
        if line.header is not None:
            name = line.header.replace('"', "").replace("'", "").replace(" ", "")
            if name == "scenario":
                block, table, position, counts = block + 1, "scenario", 0, {}
            elif name.startswith("scenario.") and block:
                table = name[len("scenario.") :]
                counts[table] = counts.get(table, 0) + 1
                position = counts[table]
            else:  # a table outside [[scenario]]: only its header line is kept
                table = ""
                out.setdefault((0, name.split(".")[0], 0, ""), line.number)
                continue
            out.setdefault((block, table, position, ""), line.number)
        elif line.key is not None and (table or not block):
            if table:
                out.setdefault((block, table, position, line.key), line.number)
            else:  # a key before the first [[scenario]]
                out.setdefault((0, line.key.split(".")[0], 0, ""), line.number)
    return out


def _block_where(name: str | None, number: int) -> Text:
    if name and number:
        return problem_text("scenario.where_block", name=name, number=number)
    if name:
        return problem_text("scenario.where_name", name=name)
    return problem_text("scenario.where_unnamed", number=number)


def _change_where(block: Text, table: str, position: int) -> Text:
    return problem_text("scenario.where_change", block=block, table=table, position=position)


@dataclass(frozen=True)
class _Place:
    """Where a value sits: the file, its line lookup and the block."""

    file: str
    lines: Mapping[tuple[str, int, str], int]

    def line(self, table: str, position: int, key: str = "") -> int | None:
        """The key's line, else its table's header line, else the block's header line."""
        for candidate in ((table, position, key), (table, position, ""), ("scenario", 0, "")):
            if candidate in self.lines:
                return self.lines[candidate]
        return None

    def first_line(self, table: str) -> int | None:
        """The first line of `table` or of its sub-tables ("norms" finds [scenario.norms.max_class_size])."""
        found = [n for (t, _, _), n in self.lines.items() if t == table or t.startswith(table + ".")]
        return min(found) if found else self.lines.get(("scenario", 0, table), self.lines.get(("scenario", 0, "")))

    def problem(self, message: Text, fix: Text, line: int | None, column: str | None = None) -> Problem:
        return Problem.of(self.file, message, fix, row=line, column=column)


# --- checking values -------------------------------------------------------------------------------


def _parsed_number(value: str) -> float | None:
    """The number a planner meant by a quoted value ("400", " 2,5 "), if any."""
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None
