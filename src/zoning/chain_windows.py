"""Windows along chains of full schools: class counts changed across several schools at once.

With several grades sharing a school's rooms in whole classes, a better zoning often needs
other class counts at several schools together: one class less at a full school A frees a
room for a class of another grade, whose pupils come from a full neighbour B, which frees one
there, … until a school with a spare room takes the last class. No single move or swap of
quarters does that (each step alone adds a class where no room is left, or leaves pupils
without a seat), and the windows of `zoning.windows` (a school and its nearest schools) rarely
hold both the full schools and the school with room to spare.

A chain window is grown from a seed school along the full schools nearest to it:

  window = [s];  last = s
  while |window| < size:
      near = the `reach` schools nearest to `last`, not yet in the window
      if no school of the window has a spare class and one of `near` has: take the nearest such
      else: take the nearest full one of `near` (the chain goes on), else the nearest of `near`
      last = the school taken

A school is *full* when one more class (rooms_per_class) does not fit its rooms in some year;
it has a *spare class* otherwise. Every quarter now zoned to a window school is then re-zoned
among the window's schools, their classes per grade re-optimised, by the same small MIP as a
window (`zoning.windows.solve_window`, warm-started: never worse). Seeds: full schools first,
by `priority` (what their quarters cost beyond the LP's choice), then the others.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from zoning.model import MatrixModel, ModelOptions
from zoning.problem import ZoningProblem
from zoning.vectors import best_classes, school_pupils
from zoning.windows import school_neighbours, solve_window

__all__ = ["chain_window", "improve_by_chain_windows", "spare_classes"]


def spare_classes(problem: ZoningProblem, school_of: np.ndarray) -> np.ndarray:
    """(m,) classes one more of which fits every school's rooms in its tightest year, when
    quarter i goes whole to school `school_of[i]` (the classes of `best_classes`)."""
    pupils = school_pupils(problem, school_of)
    classes = best_classes(problem, pupils)  # (m, T, G)
    used = classes.sum(axis=2) * problem.rooms_per_class[:, None]  # (m, T) rooms
    spare = (problem.rooms - used) / problem.rooms_per_class[:, None]
    return np.floor(spare.min(axis=1) + 1e-9)


def chain_window(neighbours: np.ndarray, has_spare: np.ndarray, seed: int, *, size: int, reach: int) -> np.ndarray:
    """The schools (sorted positions) of the chain window grown from `seed` (module docstring);
    `neighbours` (m, m) orders the schools by distance from each (self first)."""
    in_window = np.zeros(len(has_spare), dtype=bool)
    in_window[seed] = True
    window, last, spare_in = [seed], seed, bool(has_spare[seed])
    while len(window) < size:
        near = neighbours[last, 1 : reach + 1]
        near = near[~in_window[near]]
        if len(near) == 0:
            near = neighbours[seed][~in_window[neighbours[seed]]][:1]
            if len(near) == 0:
                break
        spare = near[has_spare[near]]
        full = near[~has_spare[near]]
        if not spare_in and len(spare):
            pick = int(spare[0])
            spare_in = True
        elif len(full):
            pick = int(full[0])
        else:
            pick = int(near[0])
        window.append(pick)
        in_window[pick] = True
        last = pick
    return np.sort(np.asarray(window, dtype=np.int64))


def improve_by_chain_windows(
    model: MatrixModel,
    problem: ZoningProblem,
    options: ModelOptions,
    chosen: np.ndarray,
    *,
    deadline: float,
    size: int = 5,
    reach: int = 4,
    window_seconds: float = 0.5,
    priority: np.ndarray | None = None,
    start_at: int = 0,
) -> tuple[np.ndarray, dict]:
    """Improve whole-quarter choices `chosen` (pair index per quarter) by chain windows until
    `deadline` (time.perf_counter() value), seeds taken from position `start_at` of their order.
    Returns the improved choices and counters (`next` is where the next call should start)."""
    n, m, _, _ = problem.shape
    pq, ps = model.pair_quarter, model.pair_school
    lookup = np.full((n, m), -1, dtype=np.int64)
    lookup[pq, ps] = np.arange(model.n_pairs)
    neighbours = school_neighbours(problem)
    chosen = chosen.copy()
    has_spare = spare_classes(problem, ps[chosen]) >= 1
    weight = np.zeros(m) if priority is None else np.asarray(priority, dtype=float)
    seeds = np.lexsort((-weight, has_spare))  # full schools first, most costly first
    sub_options = replace(
        options, k_nearest=None, max_distance=None, adjacency=None, overflow_penalty=model.overflow_penalty
    )
    stats = {"windows": 0, "improved": 0, "gain": 0.0, "next": start_at}
    seen: set[tuple[int, ...]] = set()
    position = start_at
    for _ in range(m):
        if time.perf_counter() + 0.2 >= deadline:
            break
        seed = int(seeds[position % m])
        position += 1
        schools = chain_window(neighbours, has_spare, seed, size=size, reach=reach)
        key = tuple(schools.tolist())
        if key in seen:
            continue
        seen.add(key)
        quarters = np.flatnonzero(np.isin(ps[chosen], schools))
        if len(quarters) == 0:
            continue
        gain = solve_window(
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
        if gain is None:
            break
        stats["windows"] += 1
        if gain > 0:
            stats["improved"] += 1
            stats["gain"] += gain
            has_spare[schools] = spare_classes(problem, ps[chosen])[schools] >= 1
    stats["next"] = position % m
    return chosen, stats
