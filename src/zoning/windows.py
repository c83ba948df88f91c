"""Large-neighbourhood search: re-solve small windows of neighbouring schools exactly.

A window is a seed school and its nearest schools; every quarter now zoned to one of them is
freed and reassigned among them (classes and rooms of the window's schools re-optimised) by
a small MIP warm-started from the current zoning, so a window never makes the zoning worse.
Windows are taken around the schools whose pupils travel furthest beyond the LP relaxation's
choice first, then around every other school in turn, until the time is up.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import replace

import numpy as np

from zoning.model import MatrixModel, ModelOptions, build_model
from zoning.problem import ZoningProblem
from zoning.solve import solve_model
from zoning.vectors import solution_vector

__all__ = ["improve_by_windows", "school_neighbours", "solve_window", "subproblem"]


def subproblem(problem: ZoningProblem, model: MatrixModel, quarters: np.ndarray, schools: np.ndarray) -> ZoningProblem:
    """The problem restricted to `quarters` × `schools` (sorted positions), keeping only the
    main model's usable pairs as its links."""
    n, m = len(problem.quarter_ids), len(problem.school_ids)
    q_local = np.full(n, -1)
    q_local[quarters] = np.arange(len(quarters))
    s_local = np.full(m, -1)
    s_local[schools] = np.arange(len(schools))
    pq, ps = model.pair_quarter, model.pair_school
    keep = (model.col_hi[: model.n_pairs] > 0) & (q_local[pq] >= 0) & (s_local[ps] >= 0)
    lq, ls = q_local[pq[keep]], s_local[ps[keep]]
    current: dict = {"current_quarter": None, "current_school": None, "current_share": None}
    if problem.has_current:
        assert problem.current_quarter is not None and problem.current_school is not None
        inside = (q_local[problem.current_quarter] >= 0) & (s_local[problem.current_school] >= 0)
        current = {
            "current_quarter": q_local[problem.current_quarter[inside]],
            "current_school": s_local[problem.current_school[inside]],
            "current_share": np.asarray(problem.current_share)[inside],
        }
    return replace(
        problem,
        quarter_ids=problem.quarter_ids[quarters],
        school_ids=problem.school_ids[schools],
        school_names=problem.school_names[schools],
        demand=problem.demand[quarters],
        link_quarter=lq,
        link_school=ls,
        link_metres=problem.metres(pq[keep], ps[keep]),
        class_limit=problem.class_limit[schools],
        rooms=problem.rooms[schools],
        rooms_per_class=problem.rooms_per_class[schools],
        **current,
        had_current=None if problem.had_current is None else problem.had_current[quarters],
    )


_NEIGHBOURS: weakref.WeakKeyDictionary[ZoningProblem, np.ndarray] = weakref.WeakKeyDictionary()


def school_neighbours(problem: ZoningProblem) -> np.ndarray:
    """(m, m) schools ordered by distance from each school's nearest quarter (self first);
    schools with no known distance from that quarter come last, by position.

    Computed once per problem (the windows ask for it at every chunk) and in linear passes over
    the known distances, never one long sort: a sort of the 8.5 million links of 10,080 quarters
    × 840 schools took 2.2 s in one NumPy call, which the deadline alarm cannot interrupt."""
    cached = _NEIGHBOURS.get(problem)
    if cached is not None:
        return cached
    m = len(problem.school_ids)
    lq, ls, lm = problem.link_quarter, problem.link_school, problem.link_metres
    nearest = np.full(m, np.inf)
    np.minimum.at(nearest, ls, lm)
    at_nearest = np.flatnonzero(lm == nearest[ls])
    anchor = np.full(m, np.iinfo(np.int64).max)
    np.minimum.at(anchor, ls[at_nearest], lq[at_nearest])  # ties: the first quarter
    anchor[anchor == np.iinfo(np.int64).max] = 0  # a school with no known distance
    between = problem.metres(np.repeat(anchor, m), np.tile(np.arange(m), m)).reshape(m, m)
    between = np.where(np.isnan(between), np.inf, between)
    np.fill_diagonal(between, -1.0)
    order = np.argsort(between, axis=1, kind="stable")
    order.flags.writeable = False
    _NEIGHBOURS[problem] = order
    return order


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
    neighbours = school_neighbours(problem)
    seeds = np.argsort(-priority, kind="stable") if priority is not None else np.arange(m)
    chosen = chosen.copy()
    stats = {"windows": 0, "improved": 0, "gain": 0.0}
    sub_options = replace(
        options, k_nearest=None, max_distance=None, adjacency=None, overflow_penalty=model.overflow_penalty
    )
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
        limit = min(window_seconds, deadline - time.perf_counter())
        if limit <= 0.05:
            break
        if model.contiguity_rule() is not None:
            found = _window_of_model(model, problem, chosen, quarters, schools, limit)
            stats["windows"] += 1
            if found is not None:
                new_chosen, gain = found
                chosen[quarters] = new_chosen
                stats["improved"] += 1
                stats["gain"] += gain
            continue
        window_gain = solve_window(
            model,
            problem,
            sub_options,
            chosen,
            quarters,
            schools,
            lookup,
            deadline=deadline,
            window_seconds=window_seconds,
        )
        if window_gain is None:
            break
        stats["windows"] += 1
        if window_gain > 0:
            stats["improved"] += 1
            stats["gain"] += window_gain
    return chosen, stats


def solve_window(
    model: MatrixModel,
    problem: ZoningProblem,
    sub_options: ModelOptions,
    chosen: np.ndarray,
    quarters: np.ndarray,
    schools: np.ndarray,
    lookup: np.ndarray,
    *,
    deadline: float,
    window_seconds: float,
) -> float | None:
    """Re-zone `quarters` (those now at `schools`) among `schools` by a small MIP warm-started
    from `chosen`, which is updated in place when the MIP finds better. Returns the gain
    (pupil-metres, 0.0 when none) or None when too little time is left to try."""
    sub = subproblem(problem, model, quarters, schools)
    sub_model = build_model(sub, sub_options)
    sub_lookup = np.full((len(quarters), len(schools)), -1, dtype=np.int64)
    sub_lookup[sub_model.pair_quarter, sub_model.pair_school] = np.arange(sub_model.n_pairs)
    local_school = np.searchsorted(schools, model.pair_school[chosen[quarters]])
    start_pairs = sub_lookup[np.arange(len(quarters)), local_school]
    start = solution_vector(sub_model, sub, start_pairs)
    before = sub_model.objective(start)
    limit = min(window_seconds, deadline - time.perf_counter())
    if limit <= 0.05:
        return None
    outcome = solve_model(sub_model, time_limit=limit, start=start)
    if (
        outcome.values is None
        or outcome.objective is None
        or outcome.objective >= before - 1e-6 * max(1.0, abs(before))
    ):
        return 0.0
    x = outcome.values[: sub_model.n_pairs] > 0.5
    new_q = sub_model.pair_quarter[x]
    new_s = schools[sub_model.pair_school[x]]
    chosen[quarters[new_q]] = lookup[quarters[new_q], new_s]
    return float(before - outcome.objective)


def _window_of_model(
    model: MatrixModel,
    problem: ZoningProblem,
    chosen: np.ndarray,
    quarters: np.ndarray,
    schools: np.ndarray,
    limit: float,
) -> tuple[np.ndarray, float] | None:
    """Re-solve the window as the main model with every other column held at its value (the
    rows keep every rule of the model — contiguity included: a supporter outside the window is
    a quarter at another school, held at 0). Returns (new pair of each window quarter, gain)
    when the window's MIP finds a better zoning within `limit` seconds, else None."""
    n, m, T, G = problem.shape
    values = solution_vector(model, problem, chosen)
    pq, ps = model.pair_quarter, model.pair_school
    in_q = np.zeros(n, dtype=bool)
    in_q[quarters] = True
    in_s = np.zeros(m, dtype=bool)
    in_s[schools] = True
    free_pairs = np.flatnonzero(in_q[pq] & in_s[ps] & (model.col_hi[: model.n_pairs] > 0))
    cells = ((schools[:, None] * T + np.arange(T)[None, :])[:, :, None] * G + np.arange(G)[None, None, :]).ravel()
    classes = model.classes_slice.start + cells
    overflow = model.overflow_slice.start + cells
    free = np.concatenate([free_pairs, classes, overflow])
    held = values.copy()
    held[free] = 0.0
    offset = model.matrix @ held  # what the held columns contribute to each row
    columns = model.matrix.tocsc()[:, free]
    rows = np.unique(columns.indices)
    sub = MatrixModel(
        cost=model.cost[free],
        col_lo=model.col_lo[free],
        col_hi=model.col_hi[free],
        integer=model.integer[free],
        matrix=columns[rows].tocsr(),
        row_lo=model.row_lo[rows] - offset[rows],
        row_hi=model.row_hi[rows] - offset[rows],
        pair_quarter=pq[free_pairs],
        pair_school=ps[free_pairs],
        n_classes=len(classes),
        overflow_penalty=model.overflow_penalty,
        notes=(),
    )
    start = values[free]
    before = float(sub.cost @ start)
    outcome = solve_model(sub, time_limit=limit, start=start)
    if (
        outcome.values is None
        or outcome.objective is None
        or outcome.objective >= before - 1e-6 * max(1.0, abs(before))
    ):
        return None
    x = outcome.values[: len(free_pairs)] > 0.5
    new = np.full(n, -1, dtype=np.int64)
    new[pq[free_pairs[x]]] = free_pairs[x]
    if (new[quarters] < 0).any():
        return None
    # the classes of the MIP may differ from best_classes: judge by the whole objective
    trial = chosen.copy()
    trial[quarters] = new[quarters]
    gain = model.objective(values) - model.objective(solution_vector(model, problem, trial))
    return (new[quarters], gain) if gain > 1e-6 * max(1.0, before) else None
