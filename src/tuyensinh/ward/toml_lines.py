"""Where things are written in a TOML file: the one line finder of ward.toml and the scenarios files.

`tomllib` gives values without their lines, so a problem would name no line. `toml_lines` reads
the text once, line by line, and yields each table header (`[norms.max_class_size]`,
`[[scenario.housing]]`) and each `key = …` line with its number, so a problem can point at the
line a planner has to change. Best effort: keys of inline tables and multi-line values are not
followed (the problem then names the table's line).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["TomlLine", "toml_lines", "line_of", "header_line"]

_HEADER = re.compile(r"^(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY = re.compile(r"^([A-Za-z0-9_.\-\"' ]+?)\s*=")


@dataclass(frozen=True)
class TomlLine:
    """One header or key line: `number` (1-based); `header` the table's name as written between the
    brackets (`array`: written `[[…]]`), or `key` the key as written before `=` (quotes removed)."""

    number: int
    header: str | None = None
    array: bool = False
    key: str | None = None


def toml_lines(text: str) -> Iterator[TomlLine]:
    """Every table header and `key = …` line of a TOML text, in order."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = _HEADER.match(line)
        if header:
            yield TomlLine(number, header=header.group(2), array=header.group(1) == "[[")
            continue
        key = _KEY.match(line)
        if key:
            yield TomlLine(number, key=key.group(1).replace('"', "").replace("'", "").strip())


def line_of(text: str, key: str, table: str) -> int | None:
    """Line number of `key = …` inside `[table]` (or a dotted `table.key` before any table), if found."""
    section = None
    for line in toml_lines(text):
        if line.header is not None:
            section = line.header.replace('"', "")
        elif (section == table and line.key == key) or (
            section is None and line.key == (f"{table}.{key}" if table else key)
        ):
            return line.number
    return None


def header_line(text: str, table: str) -> int | None:
    """Line number of the `[table]` header, if it is written as one."""
    for line in toml_lines(text):
        if line.header is not None and line.header.replace('"', "").replace(" ", "") == table:
            return line.number
    return None
