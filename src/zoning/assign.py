"""`assign`: enrollment zones for one level under class-size and classroom limits."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from capacity.norms import Norms
from zoning.model import ModelOptions, build_model
from zoning.notes import Note, ZoningError
from zoning.problem import ZoningProblem, build_problem
from zoning.result import ZoningResult, solver_report, tables_from_solution
from zoning.share_overflow import share_overflow
from zoning.strategy import solve_with_strategy

__all__ = ["assign", "solve_problem", "combine_years", "zones_of_year", "AUTO_K_NEAREST", "AUTO_K_PAIRS"]

AUTO_K_NEAREST = 10
"""Schools kept per quarter when the instance is large (costs about +0.01% travel)."""
AUTO_K_PAIRS = 20_000
"""Quarter × school pairs above which `k_nearest` defaults to `AUTO_K_NEAREST`."""
SHARE_SECONDS = 2.0
SHARE_SHARE = 0.1
"""The second pass sharing out overflow gets at most max(SHARE_SECONDS, SHARE_SHARE × time
limit) seconds, within what the time limit leaves."""
FINISH_SECONDS = 0.05
FINISH_PER_PAIR = 2e-6
"""Seconds kept at the end of the time limit for the result's tables: a constant and per pair
variable (≈ 0.1 s at 40,000 pairs, 0.2 s at 100,000), at most 2% of the time limit."""


def zones_of_year(result: ZoningResult, year: int) -> pd.DataFrame:
    """`result`'s zoning of school year `year` as a current-zones table (`quarter_id, level,
    school_id, share`), to zone the next year against (`per_year`)."""
    rows = result.assignment[result.assignment["school_year"] == year]
    return rows[["quarter_id", "level", "school_id", "share"]]


def combine_years(parts: Sequence[ZoningResult]) -> ZoningResult:
    """One result of the same level from results of consecutive school years (in order)."""
    return ZoningResult(
        level=parts[0].level,
        school_years=tuple(y for p in parts for y in p.school_years),
        assignment=pd.concat([p.assignment for p in parts], ignore_index=True),
        load=pd.concat([p.load for p in parts], ignore_index=True),
        grades=pd.concat([p.grades for p in parts], ignore_index=True),
        reports=tuple(r for p in parts for r in p.reports),
        notes=tuple(dict.fromkeys(n for p in parts for n in p.notes)),
        note_records=tuple(dict.fromkeys(n for p in parts for n in p.note_records)),
    )


def assign(
    demand: pd.DataFrame,
    schools: pd.DataFrame,
    distances: pd.DataFrame,
    *,
    level: str,
    school_years: int | Sequence[int],
    norms: Norms,
    current: pd.DataFrame | None = None,
    grades: Sequence[str] | None = None,
    split: bool = False,
    stability: float = 0.0,
    max_distance: float | None = None,
    distance_penalty: float = 1.0,
    setting: str = "urban",
    contiguity: pd.DataFrame | None = None,
    k_nearest: int | None = None,
    per_year: bool = False,
    time_limit: float = 60.0,
    solver: str = "highs",
    strategy: str = "auto",
    overflow_penalty: float | None = None,
) -> ZoningResult:
    """Assign every quarter to a school of `level` for the given school year(s).

    demand: capacity's demand table (`quarter_id, school_year, level, grade, mean`, ...).
    schools: the schools table (`school_id, name, level, classrooms, sessions_per_day,
    max_class_size, opens, closes`). distances: `quarter_id, school_id, metres` (see
    `quarter_school_distances`). norms: capacity's `Norms` (class-size limits, rooms per class,
    walking-distance norm of `setting`). current: the current zones (`quarter_id, level,
    school_id, share`), used for `stability` and as the warm start.

    split: a quarter may be shared between schools (continuous shares) instead of going whole.
    stability: metres of travel one pupil moved away from its current school is worth.
    distance_penalty: extra weight per pupil-metre beyond the walking-distance norm (1 = such
    metres count double). max_distance: hard limit in metres (a quarter with no school that
    close keeps its nearest school, with a note). contiguity: the quarter adjacency table
    (`quarter_adjacency`) to make every school's zone one connected piece. k_nearest: schools
    considered per quarter (default: all, or 10 when quarters × schools > 20,000).
    per_year: zone each school year separately (each year's stability is measured against
    the year before), instead of one zoning that holds for all the years.
    time_limit: seconds per model. solver: "highs" (default), "pulp-highs" or "cbc".
    strategy: "auto", "exact" or "lp_guided" (see `zoning.strategy`).

    Never fails for lack of capacity: pupils beyond the seats are reported as overflow per
    school (`result.overflow()`) and in the notes (`result.notes`, English for scripts;
    `result.note_texts(lang)` for the planner). Raises ValueError for inconsistent input, naming
    the table, column and rows to fix, and `zoning.notes.ZoningError` (a ValueError worded in
    both languages by `error.text(lang)`) when contiguity or distance limits leave no possible
    zoning or the solver finds none in time.
    """
    years = (int(school_years),) if np.isscalar(school_years) else tuple(int(y) for y in school_years)  # type: ignore[arg-type, union-attr]  # np.isscalar does not narrow
    if per_year and len(years) > 1:
        parts: list[ZoningResult] = []
        zones_before = current
        for year in years:
            part = assign(
                demand,
                schools,
                distances,
                level=level,
                school_years=year,
                norms=norms,
                current=zones_before,
                grades=grades,
                split=split,
                stability=stability,
                max_distance=max_distance,
                distance_penalty=distance_penalty,
                setting=setting,
                contiguity=contiguity,
                k_nearest=k_nearest,
                time_limit=time_limit,
                solver=solver,
                strategy=strategy,
                overflow_penalty=overflow_penalty,
            )
            parts.append(part)
            zones_before = zones_of_year(part, year)
        return combine_years(parts)

    began = time.perf_counter()
    problem = build_problem(
        demand,
        schools,
        distances,
        level=level,
        school_years=years,
        norms=norms,
        current=current,
        grades=grades,
        setting=setting,
    )
    return solve_problem(
        problem,
        split=split,
        stability=stability,
        max_distance=max_distance,
        distance_penalty=distance_penalty,
        contiguity=contiguity,
        k_nearest=k_nearest,
        time_limit=time_limit,
        solver=solver,
        strategy=strategy,
        overflow_penalty=overflow_penalty,
        began=began,
    )


def solve_problem(
    problem: ZoningProblem,
    *,
    split: bool = False,
    stability: float = 0.0,
    max_distance: float | None = None,
    distance_penalty: float = 1.0,
    contiguity: pd.DataFrame | None = None,
    k_nearest: int | None = None,
    time_limit: float = 60.0,
    solver: str = "highs",
    strategy: str = "auto",
    overflow_penalty: float | None = None,
    began: float | None = None,
) -> ZoningResult:
    """Build, solve and tabulate one `ZoningProblem` (the engine under `assign`).

    Raises `ZoningError` "infeasible" (no zoning meets the contiguity / distance limits) or
    "no_solution" (nothing found within `time_limit` and no start zoning to fall back on).
    """
    began = time.perf_counter() if began is None else began
    n, m, _, _ = problem.shape
    if k_nearest is None and n * m > AUTO_K_PAIRS:
        k_nearest = AUTO_K_NEAREST
    if k_nearest is not None and k_nearest < 1:
        raise ValueError("k_nearest must be at least 1 school per quarter")
    options = ModelOptions(
        split=split,
        stability=stability,
        distance_penalty=distance_penalty,
        max_distance=max_distance,
        k_nearest=k_nearest,
        overflow_penalty=overflow_penalty,
        adjacency=contiguity,
    )
    model = build_model(problem, options)
    build_seconds = time.perf_counter() - began
    # the time limit holds for the whole call: building, solving and the result's tables
    finish = min(FINISH_SECONDS + FINISH_PER_PAIR * model.n_pairs, 0.02 * time_limit)
    deadline = began + time_limit - finish
    solved = solve_with_strategy(
        model,
        problem,
        options,
        strategy=strategy,
        solver=solver,
        time_limit=time_limit,
        deadline=max(deadline, time.perf_counter() + 0.01),
    )
    outcome = solved.outcome
    if outcome.values is None:
        if outcome.status == "infeasible":
            raise ZoningError(
                "infeasible",
                level=problem.level,
                contiguity=contiguity is not None,
                max_distance=None if not max_distance else float(max_distance),
            )
        raise ZoningError(
            "no_solution",
            level=problem.level,
            time_limit=float(time_limit),
            solver=outcome.solver,
            solver_status=outcome.solver_status,
        )
    values = outcome.values
    # pupils over capacity are shared out, never piled on one school (zoning.share_overflow)
    left = min(deadline - time.perf_counter(), max(SHARE_SECONDS, SHARE_SHARE * time_limit))
    shared = share_overflow(model, problem, values, solver=solver, time_limit=left)
    if shared is not None:
        values = shared
    assignment, load, grades = tables_from_solution(problem, model, values, split=split, adjacency=contiguity)
    report = solver_report(
        problem,
        model,
        solved,
        time_limit=time_limit,
        build_seconds=build_seconds,
        k_nearest=k_nearest,
        split=split,
        stability=stability,
        distance_penalty=distance_penalty,
        max_distance=max_distance,
        contiguity=contiguity is not None,
    )
    notes = [*model.notes, *_solver_notes(problem, solved, time_limit), *_overflow_notes(load)]
    return ZoningResult(
        level=problem.level,
        school_years=problem.school_years,
        assignment=assignment,
        load=load,
        grades=grades,
        reports=(report,),
        note_records=tuple(notes),
    )  # `notes` (English) follows from the records


def _solver_notes(problem: ZoningProblem, solved: Any, time_limit: float) -> list[Note]:
    """A note when the time limit cut the search short (start kept, or not proven optimal)."""
    scope = {"level": problem.level, "school_years": problem.school_years, "time_limit": float(time_limit)}
    if any(step["step"] == "start_kept" for step in solved.steps):
        return [Note.of("start_kept", **scope)]
    if solved.outcome.status != "optimal":
        return [Note.of("time_limit", **scope, gap=solved.outcome.gap)]
    return []


def _overflow_notes(load: pd.DataFrame) -> list[Note]:
    """One note per school and school year with pupils beyond its seats (one per school over
    capacity: a handful of rows, not a loop over pupils or cells)."""
    over = load[load["overflow_pupils"] > 0.005]
    return [
        Note.of(
            "overflow",
            level=row.level,
            school_id=row.school_id,
            name=row.name,
            school_year=int(row.school_year),
            pupils=float(row.overflow_pupils),
        )
        for row in over.itertuples()
    ]
