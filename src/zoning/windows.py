"""Large-neighbourhood search: re-solve small windows of neighbouring schools exactly.

A window is a seed school and its nearest schools; every quarter now zoned to one of them is
freed and reassigned among them (classes and rooms of the window's schools re-optimised) by
a small MIP warm-started from the current zoning, so a window never makes the zoning worse.
Windows are taken around the schools whose pupils travel furthest beyond the LP relaxation's
choice first, then around every other school in turn, until the time is up.
"""
from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from zoning.model import MatrixModel, ModelOptions, build_model
from zoning.problem import ZoningProblem
from zoning.solve import solve_model
from zoning.vectors import solution_vector

__all__ = ["improve_by_windows", "subproblem"]


def subproblem(problem: ZoningProblem, model: MatrixModel, quarters: np.ndarray,
               schools: np.ndarray) -> ZoningProblem:
    """The problem restricted to `quarters` × `schools`, keeping only the main model's pairs."""
    allowed = np.zeros(problem.distance.shape, dtype=bool)
    allowed[model.pair_quarter, model.pair_school] = model.col_hi[:model.n_pairs] > 0
    dist = np.where(allowed, problem.distance, np.nan)[np.ix_(quarters, schools)]
    return replace(
        problem,
        quarter_ids=problem.quarter_ids[quarters], school_ids=problem.school_ids[schools],
        school_names=problem.school_names[schools], demand=problem.demand[quarters],
        distance=dist, class_limit=problem.class_limit[schools], rooms=problem.rooms[schools],
        rooms_per_class=problem.rooms_per_class[schools],
        current=None if problem.current is None else problem.current[np.ix_(quarters, schools)],
        had_current=None if problem.had_current is None else problem.had_current[quarters],
    )


def _school_neighbours(problem: ZoningProblem) -> np.ndarray:
    """(m, m) schools ordered by distance from each school's nearest quarter (self first)."""
    dist = np.where(np.isnan(problem.distance), np.inf, problem.distance)
    anchor = np.argmin(dist, axis=0)                  # quarter nearest to each school
    between = dist[anchor]                             # (m, m): from school a's quarter to b
    np.fill_diagonal(between, -1.0)
    return np.argsort(between, axis=1, kind="stable")


def improve_by_windows(
    model: MatrixModel,
    problem: ZoningProblem,
    options: ModelOptions,
    chosen: np.ndarray,
    *,
    deadline: float,
    window: int = 6,
    window_seconds: float = 1.0,
    priority: np.ndarray | None = None,
) -> tuple[np.ndarray, dict]:
    """Improve whole-quarter choices `chosen` (pair index per quarter) window by window.

    Stops at `deadline` (time.perf_counter() value). `priority` (m,) orders the seed schools
    (highest first). Returns the improved choices and counters for the solver report.
    """
    n, m, _, _ = problem.shape
    pq, ps = model.pair_quarter, model.pair_school
    lookup = np.full((n, m), -1, dtype=np.int64)
    lookup[pq, ps] = np.arange(model.n_pairs)
    neighbours = _school_neighbours(problem)
    seeds = np.argsort(-priority, kind="stable") if priority is not None else np.arange(m)
    chosen = chosen.copy()
    stats = {"windows": 0, "improved": 0, "gain": 0.0}
    sub_options = replace(options, k_nearest=None, max_distance=None, adjacency=None,
                          overflow_penalty=model.overflow_penalty)
    done = np.zeros(m, dtype=bool)
    position = 0
    while time.perf_counter() + 0.2 < deadline:
        if position >= len(seeds):
            if done.all():
                done[:] = False
            position = 0
        seed = seeds[position]
        position += 1
        if done[seed]:
            continue
        schools = np.sort(neighbours[seed, :window])
        done[schools] = True
        school_of = ps[chosen]
        quarters = np.flatnonzero(np.isin(school_of, schools))
        if len(quarters) == 0:
            continue
        sub = subproblem(problem, model, quarters, schools)
        sub_model = build_model(sub, sub_options)
        sub_lookup = np.full((len(quarters), len(schools)), -1, dtype=np.int64)
        sub_lookup[sub_model.pair_quarter, sub_model.pair_school] = np.arange(sub_model.n_pairs)
        local_school = np.searchsorted(schools, school_of[quarters])
        start_pairs = sub_lookup[np.arange(len(quarters)), local_school]
        start = solution_vector(sub_model, sub, start_pairs)
        before = sub_model.objective(start)
        limit = min(window_seconds, deadline - time.perf_counter())
        if limit <= 0.05:
            break
        outcome = solve_model(sub_model, time_limit=limit, start=start)
        stats["windows"] += 1
        if outcome.values is None or outcome.objective is None or outcome.objective >= before - 1e-6 * max(1.0, abs(before)):
            continue
        x = outcome.values[:sub_model.n_pairs] > 0.5
        new_q = sub_model.pair_quarter[x]
        new_s = schools[sub_model.pair_school[x]]
        chosen[quarters[new_q]] = lookup[quarters[new_q], new_s]
        stats["improved"] += 1
        stats["gain"] += before - outcome.objective
    return chosen, stats
