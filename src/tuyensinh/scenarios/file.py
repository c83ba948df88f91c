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
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

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
from tuyensinh.scenarios.checks import _check_change, _check_overrides, _unknown_keys
from tuyensinh.scenarios.fit import ward_problems
from tuyensinh.scenarios.places import (
    _block_where,
    _key_lines,
    _nfc,
    _Place,
    _shown,
)
from tuyensinh.ward.codes import closest
from tuyensinh.ward.errors import Problem
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
