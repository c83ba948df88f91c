"""The checks of one change table and of the override tables of a [[scenario]] block, value by value."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from capacity.norms import rate_maximum
from tuyensinh.scenarios.changes import (
    _CHANGES,
    Change,
)
from tuyensinh.scenarios.places import (
    _change_where,
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
from tuyensinh.words.problems import EMPTY, Text
from tuyensinh.words.problems import text as problem_text


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
