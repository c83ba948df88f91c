"""What in a scenario does not fit the loaded ward: unknown quarters and schools, a school id that
already exists, years outside base_year + 1 … horizon, norm overrides the norm table refuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from capacity.norms import check_overrides
from tuyensinh.scenarios.changes import (
    _TABLE_OF,
    CloseSchool,
    HousingProject,
    NormOverride,
    OpenSchool,
    Scenario,
    deep_merge,
)
from tuyensinh.scenarios.places import _block_where, _change_where, _Place, _shown
from tuyensinh.ward.codes import LEVELS, closest
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.norm_problems import norm_problem_texts
from tuyensinh.words.problems import EMPTY, Text
from tuyensinh.words.problems import text as problem_text

__all__ = ["ward_problems"]


def _id_list(ids: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (", …" if len(ids) > limit else "")


def _override_line(place: _Place, refused: Any) -> int | None:
    """The line of a refused [scenario.norms.*] / [scenario.rates.*] value: its key, else the header
    of its table, else the first override table of the block."""
    name = refused.key or refused.section.split(".")[-1]
    section = refused.section if refused.key else refused.section.rpartition(".")[0]
    for table, key in ((section, name), (refused.path, "")):
        if (table, 1, key) in place.lines:
            return place.lines[(table, 1, key)]
    return place.first_line(refused.top)


def ward_problems(ward: Any, scenario: Scenario) -> list[Problem]:
    """What in `scenario` does not fit the loaded `ward`: a quarter or school it does not have, a
    school id it already has, a year outside base_year + 1 … horizon, an unknown level, a norm or
    rate override the norm table refuses. Empty when the scenario can be applied."""
    place = _Place(scenario.file, scenario.lines)
    block = _block_where(scenario.name, scenario.number)
    first, last = int(ward.base_year) + 1, int(ward.horizon)
    quarter_ids = sorted(str(q) for q in ward.quarters["quarter_id"])
    school_ids = [str(s) for s in ward.schools["school_id"]]
    known = set(school_ids)
    problems: list[Problem] = []
    counts: dict[str, int] = {}

    def years(where: Text, table: str, position: int, key: str, value: int) -> None:
        if not first <= value <= last:
            problems.append(
                place.problem(
                    problem_text("scenario.year_range", where=where, key=key, value=value, first=first, last=last),
                    problem_text("fix.scenario.year_range", first=first, last=last, base_year=ward.base_year),
                    place.line(table, position, key),
                    key,
                )
            )

    def unknown_id(
        where: Text, table: str, position: int, key: str, value: str, ids: list[str], message: str, fix: str
    ) -> None:
        guess = closest(value, ids)
        hint = problem_text("hint.did_you_mean", guess=guess) if guess else EMPTY
        problems.append(
            place.problem(
                problem_text(message, where=where, value=_shown(value), hint=hint),
                problem_text(fix, ids=_id_list(ids)),
                place.line(table, position, key),
                key,
            )
        )

    for change in scenario.changes:
        if isinstance(change, NormOverride):
            continue
        table = _TABLE_OF[type(change)]
        counts[table] = position = counts.get(table, 0) + 1
        where = _change_where(block, table, position)
        if isinstance(change, OpenSchool):
            if change.school_id in known:
                problems.append(
                    place.problem(
                        problem_text("scenario.school_exists", where=where, value=_shown(change.school_id)),
                        problem_text("fix.scenario.school_exists", ids=_id_list(sorted(known))),
                        place.line(table, position, "school_id"),
                        "school_id",
                    )
                )
            known.add(change.school_id)
            if change.level not in LEVELS:
                problems.append(
                    place.problem(
                        problem_text("scenario.level", where=where, value=_shown(change.level), hint=EMPTY),
                        problem_text("fix.scenario.level"),
                        place.line(table, position, "level"),
                        "level",
                    )
                )
            years(where, table, position, "opens", change.opens)
        elif isinstance(change, CloseSchool):
            if change.school_id not in known:
                unknown_id(
                    where,
                    table,
                    position,
                    "school_id",
                    change.school_id,
                    sorted(known),
                    "scenario.unknown_school",
                    "fix.scenario.unknown_school",
                )
            years(where, table, position, "year", change.year)
        elif isinstance(change, HousingProject):
            if change.quarter_id not in quarter_ids:
                unknown_id(
                    where,
                    table,
                    position,
                    "quarter_id",
                    change.quarter_id,
                    quarter_ids,
                    "scenario.unknown_quarter",
                    "fix.scenario.unknown_quarter",
                )
            years(where, table, position, "year", change.year)
            if change.new_dwellings < 0:
                problems.append(
                    place.problem(
                        problem_text(
                            "scenario.below", where=where, key="new_dwellings", value=change.new_dwellings, minimum="0"
                        ),
                        problem_text("fix.scenario.at_least", minimum="0"),
                        place.line(table, position, "new_dwellings"),
                        "new_dwellings",
                    )
                )
    overrides = [c for c in scenario.changes if isinstance(c, NormOverride)]
    if overrides:
        if check_overrides(ward.norms, ward.rates):  # the ward's own overrides are wrong: its loader reports that
            return problems
        norms, rates = ward.norms, ward.rates
        for change in overrides:
            norms, rates = deep_merge(norms, change.norms), deep_merge(rates, change.rates)
        for refused in check_overrides(norms, rates):
            message, fix = norm_problem_texts(refused)
            where = problem_text("scenario.where_table", block=block, table=refused.top)
            problems.append(
                place.problem(
                    problem_text("scenario.norm_refused", where=where, reason=message),
                    fix,
                    _override_line(place, refused),
                    refused.path,
                )
            )
    return problems
