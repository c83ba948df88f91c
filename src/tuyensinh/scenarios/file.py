"""The scenarios file of `tuyensinh compare` (TOML) read and checked into `Scenario`s.

A scenario is a named list of changes to a ward's data (`OpenSchool`, `CloseSchool`,
`HousingProject`, `NormOverride`: `tuyensinh.scenarios.changes`); `tuyensinh.scenarios.compare`
applies them and compares the plans.
The file format is documented in `tuyensinh.scenarios.compare` and docs/workflow.md.

Every problem in a scenarios file becomes a `Problem` naming the file, the line, the key, the
scenario and the change (``[[scenario.housing]]`` no. 2), the value found and what to write
instead, worded in Vietnamese and English from `tuyensinh.words.problems`. All problems are
gathered and raised together as one `ScenarioFileError`, so a planner fixes the file in one
pass: first what can be checked in the file alone (`load_scenarios`), then what needs the ward
(`ward_problems`: unknown quarters and schools, years outside base_year + 1 … horizon, norm
overrides the norm table refuses).
"""

from __future__ import annotations

import copy
import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from capacity.norms import rate_maximum
from tuyensinh.scenarios.changes import (
    _BLOCK_KEYS,
    _CHANGES,
    _NAME_EXAMPLE,
    _OVERRIDES,
    RESERVED_NAME,
    Change,
    CloseSchool,
    HousingProject,
    NormOverride,
    OpenSchool,
    Scenario,
    ScenarioFileError,
    deep_merge,
)
from tuyensinh.scenarios.fit import ward_problems
from tuyensinh.scenarios.places import (
    _block_where,
    _change_where,
    _key_lines,
    _nfc,
    _number_text,
    _parsed_number,
    _Place,
    _shown,
)
from tuyensinh.ward.codes import LEVELS, VIETNAM_LAT, VIETNAM_LON, closest, fold_text, level_aliases
from tuyensinh.ward.columns import Column
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.overrides import override_values
from tuyensinh.words.problems import EMPTY, TOML_REASONS, Text
from tuyensinh.words.problems import text as problem_text

__all__ = [
    "OpenSchool",
    "CloseSchool",
    "HousingProject",
    "NormOverride",
    "Change",
    "Scenario",
    "ScenarioFileError",
    "parse_scenarios",
    "load_scenarios",
    "load_scenario_files",
    "name_problems",
    "ward_problems",
    "deep_merge",
    "RESERVED_NAME",
]


def _check_value(key: Column, value: object, where: Text, place: _Place, line: int | None) -> tuple[Any, list[Problem]]:
    """The value converted for the change, or the problems with it."""
    shown = _shown(value)

    def bad(message: str, fix: str, **fields: object) -> tuple[None, list[Problem]]:
        return None, [
            place.problem(
                problem_text(message, where=where, key=key.name, value=shown),
                problem_text(fix, key=key.name, **fields),
                line,
                key.name,
            )
        ]

    if key.kind in ("id", "text", "level"):
        if key.kind == "id" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            return bad("scenario.not_text", "fix.scenario.text", example=key.example)
        value = _nfc(value)
        if key.kind != "level":
            return value, []
        code = level_aliases().get(fold_text(value))
        if code is None:
            guess = closest(value, list(LEVELS))
            hint = problem_text("hint.did_you_mean", guess=guess) if guess else EMPTY
            return None, [
                place.problem(
                    problem_text("scenario.level", where=where, value=shown, hint=hint),
                    problem_text("fix.scenario.level"),
                    line,
                    key.name,
                )
            ]
        return code, []
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not math.isfinite(value))
    ):
        meant = _parsed_number(value) if isinstance(value, str) else None
        whole = key.kind == "int"
        if meant is not None and (not whole or meant.is_integer()):
            example = f"{int(meant)}" if whole else f"{meant:g}"
        else:
            example = key.example
        if whole:
            return bad("scenario.not_integer", "fix.scenario.integer", example=example)
        return bad("scenario.not_number", "fix.scenario.number", example=example)
    if key.kind == "int" and isinstance(value, float):
        example = f"{int(value)}" if value.is_integer() else key.example
        return bad("scenario.not_integer", "fix.scenario.integer", example=example)
    if (
        key.name in ("lon", "lat")
        and key.minimum is not None
        and key.maximum is not None
        and not key.minimum <= value <= key.maximum
    ):
        return None, [
            place.problem(
                problem_text(
                    "scenario.outside_vn",
                    where=where,
                    key=key.name,
                    value=shown,
                    minimum=_number_text(key.minimum),
                    maximum=_number_text(key.maximum),
                ),
                problem_text("fix.scenario.position"),
                line,
                key.name,
            )
        ]
    if key.minimum is not None and value < key.minimum:
        return _out_of_range("scenario.below", key, shown, where, place, line)
    if key.maximum is not None and value > key.maximum:
        return _out_of_range("scenario.above", key, shown, where, place, line)
    return value, []


def _out_of_range(
    message: str, key: Column, shown: str, where: Text, place: _Place, line: int | None
) -> tuple[None, list[Problem]]:
    low = _number_text(key.minimum) if key.minimum is not None else ""
    high = _number_text(key.maximum) if key.maximum is not None else ""
    fix = (
        problem_text("fix.scenario.range", minimum=low, maximum=high)
        if key.maximum is not None
        else problem_text("fix.scenario.at_least", minimum=low)
    )
    return None, [
        place.problem(
            problem_text(message, where=where, key=key.name, value=shown, minimum=low, maximum=high),
            fix,
            line,
            key.name,
        )
    ]


def _unknown_keys(
    found: Iterable[str], allowed: Sequence[str], where: Text, table: str, place: _Place, line_of: Any
) -> list[Problem]:
    problems = []
    for name in found:
        if name in allowed:
            continue
        guess = closest(str(name), list(allowed))
        hint = problem_text("hint.did_you_mean", guess=guess) if guess else EMPTY
        problems.append(
            place.problem(
                problem_text("scenario.unknown_key", where=where, key=name, hint=hint),
                problem_text("fix.scenario.keys", table=table, keys=", ".join(allowed)),
                line_of(name),
                str(name),
            )
        )
    return problems


def _check_change(
    table: str, position: int, entry: object, block: Text, number: int, place: _Place
) -> tuple[Change | None, list[Problem]]:
    """One [[scenario.<table>]] entry as a change, or its problems."""
    cls, keys = _CHANGES[table]
    where = _change_where(block, table, position)
    header = place.line(table, position)
    if not isinstance(entry, Mapping):
        return None, [
            place.problem(
                problem_text(
                    "scenario.not_table", where=block, key=table, value=_shown(entry), header=f"[[scenario.{table}]]"
                ),
                problem_text("fix.scenario.table", header=f"[[scenario.{table}]]"),
                header,
                table,
            )
        ]
    problems = _unknown_keys(
        entry,
        [k.name for k in keys],
        where,
        f"[[scenario.{table}]]",
        place,
        lambda name: place.line(table, position, name),
    )
    values: dict[str, Any] = {}
    lon, lat = entry.get("lon"), entry.get("lat")
    swapped = (
        isinstance(lon, int | float)
        and isinstance(lat, int | float)
        and not isinstance(lon, bool)
        and not isinstance(lat, bool)
        and VIETNAM_LAT[0] <= lon <= VIETNAM_LAT[1]
        and VIETNAM_LON[0] <= lat <= VIETNAM_LON[1]
    )
    if swapped:  # one problem for the pair, not one per coordinate
        problems.append(
            place.problem(
                problem_text("scenario.swapped", where=where, lon=_shown(lon), lat=_shown(lat)),
                problem_text("fix.scenario.swapped", lon=_shown(lat), lat=_shown(lon)),
                place.line(table, position, "lon"),
                "lon",
            )
        )
    for key in keys:
        if swapped and key.name in ("lon", "lat"):
            continue
        if key.name not in entry:
            if key.required:
                problems.append(
                    place.problem(
                        problem_text("scenario.missing_key", where=where, key=key.name),
                        problem_text("fix.scenario.add_key", key=key.name, example=key.example),
                        header,
                        key.name,
                    )
                )
            continue
        value, found = _check_value(key, entry[key.name], where, place, place.line(table, position, key.name))
        problems += found
        values[key.name] = value
    if problems:
        return None, problems
    return cls(**values), []


def _check_overrides(top: str, tables: object, block: Text, place: _Place) -> list[Problem]:
    """[scenario.norms.*] / [scenario.rates.*]: tables of non-negative numbers (private_share at most 1, participation at most 1.5);
    which keys exist is checked against the norm table with the ward (`ward_problems`)."""
    where = problem_text("scenario.where_table", block=block, table=top)
    if not isinstance(tables, Mapping):
        return [
            place.problem(
                problem_text(
                    "scenario.not_table", where=block, key=top, value=_shown(tables), header=f"[scenario.{top}.…]"
                ),
                problem_text("fix.scenario.table", header=f"[scenario.{top}.max_class_size]"),
                place.line("scenario", 0, top),
                top,
            )
        ]
    problems = []
    for found in override_values(
        top, tables, nested=False
    ):  # nested grades: the norm table checks them (ward_problems)
        if found.fault is None:
            continue
        value, shown = found.value, _shown(found.value)
        line = place.line(f"{top}.{found.name}", 1, found.key) if found.key else place.line(top, 1, found.name)
        number = (
            value if isinstance(value, int | float) and math.isfinite(value) and found.fault != "not_number" else None
        )
        if number is None:  # not a number, nan or ±inf
            meant = _parsed_number(value) if isinstance(value, str) else None
            problems.append(
                place.problem(
                    problem_text("scenario.not_number", where=where, key=found.path, value=shown),
                    problem_text(
                        "fix.scenario.number",
                        key=found.key or found.name,
                        example=f"{meant:g}" if meant is not None else "40",
                    ),
                    line,
                    found.path,
                )
            )
        elif found.fault == "negative":
            problems.append(
                place.problem(
                    problem_text("scenario.below", where=where, key=found.path, value=shown, minimum="0"),
                    problem_text("fix.scenario.at_least", minimum="0"),
                    line,
                    found.path,
                )
            )
        else:  # above_maximum
            problems.append(
                place.problem(
                    problem_text(
                        "scenario.share_above_1",
                        where=where,
                        key=found.path,
                        value=shown,
                        maximum=f"{rate_maximum(found.name):g}",
                    ),
                    problem_text("fix.toml.share_fraction", fraction=f"{number / 100:g}", percent=f"{number:g}"),
                    line,
                    found.path,
                )
            )
    return problems


def _check_block(block: Mapping[str, Any], number: int, place: _Place) -> tuple[Scenario | None, list[Problem]]:
    """One [[scenario]] block as a Scenario, or its problems."""
    problems: list[Problem] = []
    header = place.line("scenario", 0)
    raw_name = block.get("name")
    name = _nfc(raw_name) if isinstance(raw_name, str) else ""
    where = _block_where(name or None, number)
    if "name" not in block:
        problems.append(
            place.problem(
                problem_text("scenario.missing_key", where=where, key="name"),
                problem_text("fix.scenario.add_key", key="name", example=_NAME_EXAMPLE),
                header,
                "name",
            )
        )
    elif not name:
        problems.append(
            place.problem(
                problem_text("scenario.not_text", where=where, key="name", value=_shown(raw_name)),
                problem_text("fix.scenario.text", key="name", example=_NAME_EXAMPLE),
                place.line("scenario", 0, "name"),
                "name",
            )
        )
    elif name == RESERVED_NAME:
        problems.append(
            place.problem(
                problem_text("scenario.name_reserved", where=where, name=name),
                problem_text("fix.scenario.name_reserved"),
                place.line("scenario", 0, "name"),
                "name",
            )
        )
    problems += _unknown_keys(
        block, _BLOCK_KEYS, where, "[[scenario]]", place, lambda key: place.line("scenario", 0, key)
    )
    description = block.get("description", "")
    if not isinstance(description, str):
        problems.append(
            place.problem(
                problem_text("scenario.not_text", where=where, key="description", value=_shown(description)),
                problem_text("fix.scenario.text", key="description", example='"…"'),
                place.line("scenario", 0, "description"),
                "description",
            )
        )
    changes: list[Change] = []
    for table in _CHANGES:
        if table not in block:
            continue
        entries = block[table]
        entries = [entries] if isinstance(entries, Mapping) else entries
        if not isinstance(entries, list):
            entries = [entries]
        for position, entry in enumerate(entries, start=1):
            change, found = _check_change(table, position, entry, where, number, place)
            problems += found
            if change is not None:
                changes.append(change)
    found = [p for top in _OVERRIDES if top in block for p in _check_overrides(top, block[top], where, place)]
    problems += found
    if any(top in block for top in _OVERRIDES) and not found:
        changes.append(
            NormOverride(norms=copy.deepcopy(block.get("norms", {})), rates=copy.deepcopy(block.get("rates", {})))
        )
    if not any(key in block for key in (*_CHANGES, *_OVERRIDES)):
        problems.append(
            place.problem(
                problem_text("scenario.no_change", where=where), problem_text("fix.scenario.no_change"), header
            )
        )
    if problems:
        return None, problems
    return Scenario(
        name=name,
        changes=tuple(changes),
        description=_nfc(description),
        file=place.file,
        number=number,
        lines=place.lines,
    ), []


def name_problems(scenarios: Sequence[Scenario]) -> list[Problem]:
    """Scenarios sharing a name (in one file or across files), or named like the baseline."""
    problems = []
    first: dict[str, Scenario] = {}
    for scenario in scenarios:
        place = _Place(scenario.file, scenario.lines)
        where = _block_where(scenario.name, scenario.number)
        line = place.line("scenario", 0, "name")
        if scenario.name == RESERVED_NAME:
            problems.append(
                place.problem(
                    problem_text("scenario.name_reserved", where=where, name=scenario.name),
                    problem_text("fix.scenario.name_reserved"),
                    line,
                    "name",
                )
            )
        elif scenario.name in first:
            earlier = first[scenario.name]
            problems.append(
                place.problem(
                    problem_text(
                        "scenario.name_twice",
                        where=where,
                        name=scenario.name,
                        earlier=_block_where(earlier.name, earlier.number),
                        file=earlier.file or "Python",
                    ),
                    problem_text("fix.scenario.name_twice"),
                    line,
                    "name",
                )
            )
        else:
            first[scenario.name] = scenario
    return problems


def parse_scenarios(data: Mapping[str, Any], source: str = "scenarios", text: str | None = None) -> list[Scenario]:
    """Scenarios from a parsed TOML file (`source`: its name for messages; `text`: its content,
    to give line numbers). Raises `ScenarioFileError` listing every problem found."""
    lines = _key_lines(text) if text else {}
    problems: list[Problem] = []
    file_place = _Place(source, {})
    for key in data:
        if key != "scenario":
            guess = closest(str(key), ["scenario"])
            hint = problem_text("hint.did_you_mean_table", guess="[scenario]") if guess else EMPTY
            problems.append(
                file_place.problem(
                    problem_text("scenario.unknown_top", key=key, hint=hint),
                    problem_text("fix.scenario.only_blocks"),
                    lines.get((0, str(key), 0, "")),
                    str(key),
                )
            )
    blocks = data.get("scenario")
    if isinstance(blocks, Mapping):  # [scenario] with single brackets: one block
        blocks = [blocks]
    scenarios: list[Scenario] = []
    named: list[Scenario] = []  # every block with a usable name, checked for repeats even if it has problems
    if not isinstance(blocks, list) or not blocks:
        problems.append(file_place.problem(problem_text("scenario.none"), problem_text("fix.scenario.none"), None))
    else:
        for number, block in enumerate(blocks, start=1):
            place = _Place(source, {(t, p, k): n for (b, t, p, k), n in lines.items() if b == number})
            if not isinstance(block, Mapping):
                problems.append(
                    place.problem(
                        problem_text(
                            "scenario.not_table",
                            where=_block_where(None, number),
                            key="scenario",
                            value=_shown(block),
                            header="[[scenario]]",
                        ),
                        problem_text("fix.scenario.table", header="[[scenario]]"),
                        None,
                        "scenario",
                    )
                )
                continue
            scenario, found = _check_block(block, number, place)
            problems += found
            if scenario is not None:
                scenarios.append(scenario)
            name = block.get("name")
            if isinstance(name, str) and _nfc(name) and _nfc(name) != RESERVED_NAME:
                named.append(Scenario(_nfc(name), file=source, number=number, lines=place.lines))
        problems += name_problems(named)
    if problems:
        raise ScenarioFileError(source, problems)
    return scenarios


def _syntax_problem(source: str, error: tomllib.TOMLDecodeError) -> Problem:
    message = str(error)
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    written = re.sub(r"\s*\(at (line .*|end of document)\)$", "", message)
    reason = Text(TOML_REASONS.get(written, written), written) if written else problem_text("toml.invalid")
    if found:
        line, where = int(found.group(1)), problem_text("toml.where_line", line=found.group(1), col=found.group(2))
    else:
        line, where = None, problem_text("toml.where_end") if "end of document" in message else EMPTY
    return Problem.of(
        source,
        problem_text("scenario.syntax", where=where, reason=reason),
        problem_text("fix.scenario.syntax"),
        row=line,
    )


def load_scenarios(path: str | os.PathLike) -> list[Scenario]:
    """Read and check a scenarios TOML file (UTF-8); raises `ScenarioFileError` listing every problem."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise ScenarioFileError(
            source,
            [Problem.of(source, problem_text("scenario.file_missing"), problem_text("fix.scenario.file_missing"))],
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScenarioFileError(
            source,
            [
                Problem.of(
                    source,
                    problem_text("toml.not_utf8"),
                    problem_text("fix.toml.utf8"),
                    row=data[: error.start].count(b"\n") + 1,
                )
            ],
        ) from None
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioFileError(source, [_syntax_problem(source, error)]) from None
    return parse_scenarios(parsed, source=source, text=text)


def load_scenario_files(paths: Sequence[str | os.PathLike]) -> list[Scenario]:
    """The scenarios of several files, checked together (names must differ across files too);
    raises one `ScenarioFileError` with the problems of every file."""
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            scenarios += load_scenarios(path)
        except ScenarioFileError as error:
            problems += error.problems
    problems += name_problems(scenarios)
    if problems:
        raise ScenarioFileError(", ".join(dict.fromkeys(p.file for p in problems)), problems)
    return scenarios
