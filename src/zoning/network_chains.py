"""Step 4a of the network strategy: a plan's level-year zonings improved by the zoning engine.

With the sites of a plan fixed, the network model splits into one whole-class zoning per level
and school year (`zoning.network_parts`). For a level with several grades, HiGHS on such a part
barely moves in the fraction of a second a short plan gives it (ward benchmark, every grade,
10 s plan: 15 parts of 0.2 s each, no part better than the start), while the zoning engine's
local search does: `chain_years` rezones each year, its sites fixed, in two passes —
1. the greedy repair of pupils over capacity and the ejection chains (`zoning.vectors.
   repair_overflow`, `zoning.ejection.improve_by_chains`: moves, swaps, chains and cycles of
   whole quarters, each school's classes recounted per grade), each year within an even share
   of what is left, to its local optimum (≈ 0.1–0.3 s a year at ward scale);
2. with the time left, the zoning engine's LP-guided strategy (`zoning.strategy.
   solve_with_strategy`: rounding starts with classes held back, repair, chains, windows
   re-solved by small MIPs) on one year after another, `ENGINE_YEAR_SECONDS` each, the years
   whose zoning lies most above their LP relaxation first (a few milliseconds per LP).
A year's new zoning is kept only when the whole plan stays feasible and costs less, so the plan
never gets worse. Pass 1 is deterministic; pass 2 is time-limited, so under load it may stop at
other points.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from zoning.ejection import improve_by_chains
from zoning.model import MatrixModel, ModelOptions, build_model, is_feasible
from zoning.network_model import LevelBlock, NetworkModel
from zoning.notes import ZoningError
from zoning.problem import ZoningProblem, with_dense
from zoning.solve import solve_model
from zoning.strategy import solve_with_strategy
from zoning.vectors import best_classes, repair_overflow, solution_vector

__all__ = ["ENGINE_MIN_SECONDS", "ENGINE_YEAR_SECONDS", "block_zoning", "chain_years", "phase_problem"]

ENGINE_YEAR_SECONDS = 1.5
"""Seconds of the zoning engine (LP-guided strategy) per year in pass 2: on the ward's every-grade
tiểu học years it used 1.3–1.45 s of 1.5 and reached 10.42 × 10⁶ (2028) and 11.18 (2029) where
the chains' local optimum was 11.08 and 11.92 (optima 10.27, 11.13); with 0.2–0.5 s it stops
after its first rounding, no better than the chains. Against 1.0 and 2.5 s (`python -m benchmarks
network --seeds 11,12,13 --limits 10,20 --engine-years 1.0,1.5,2.5`, 2026-12-06 11:21–11:26, load
2.7–3.1; ÷ 1.5 s, seeds 11 / 12 / 13): 1.0 s at 10 s 0.9931 / 0.9975 / 0.9997 (8–10 years
reached instead of 2–3), at 20 s 0.9999 / 0.9990 / 1.0084 (seed 13 0.8% worse); 2.5 s at 10 s
1.0029 / 0.9998 / 1.0006, at 20 s 1.0003 / 0.9987 / 1.0000 — no clear gain at both limits, kept."""
ENGINE_MIN_SECONDS = 0.6
"""The least time left for which pass 2 still runs the engine on one more year."""


def phase_problem(
    zp: ZoningProblem,
    rooms: np.ndarray,
    cols: np.ndarray,
    allowed: np.ndarray,
    must_site: np.ndarray,
    years: np.ndarray,
) -> ZoningProblem:
    """The zoning problem of one level's school years `years` (indices) with its open school
    columns `cols`: `rooms` (m, T) with the sites' rooms, the pairs `allowed` (n, m), a quarter
    with a must pair at a site (`must_site`, (n, m)) allowed there only."""
    ok = allowed[:, cols].copy()
    forced = must_site[:, cols].any(axis=1)
    ok[forced] = must_site[forced][:, cols]
    return with_dense(
        zp,
        school_years=tuple(zp.school_years[y] for y in years),
        demand=zp.demand[:, years],
        school_ids=zp.school_ids[cols],
        school_names=zp.school_names[cols],
        distance=np.where(ok, zp.distance[:, cols], np.nan),
        class_limit=zp.class_limit[cols],
        rooms=rooms[cols][:, years],
        rooms_per_class=zp.rooms_per_class[cols],
        current=None,
        had_current=None,
    )


def block_zoning(b: LevelBlock, problem: ZoningProblem, index: np.ndarray, school_of: np.ndarray) -> np.ndarray | None:
    """The level's x, n and o columns (`b.x0`…`b.z0`) when quarter i goes to school
    `school_of[i, t]` in year t: the classes per grade that leave the fewest pupils over
    capacity (`best_classes`, `problem`'s rooms with the sites') and those pupils as overflow;
    None when a quarter's school is not one of its pairs (`index`: (n, m) pair or −1)."""
    n, m, T, G = problem.shape
    pairs = index[np.arange(n)[:, None], school_of]  # (n, T)
    if (pairs < 0).any():
        return None
    x = np.zeros((len(b.pair_quarter), T))
    x[pairs, np.arange(T)[None, :]] = 1.0
    pupils = np.zeros((m, T, G))
    np.add.at(pupils, (school_of[:, :, None], np.arange(T)[None, :, None], np.arange(G)[None, None, :]), problem.demand)
    classes = best_classes(problem, pupils)
    over = np.maximum(pupils - classes * problem.class_limit[:, None, :], 0.0)
    return np.concatenate([x.ravel(), classes.ravel(), over.ravel()])


@dataclass
class _Year:
    """One level-year of `chain_years`: its zoning problem (the open schools `cols`, the sites'
    rooms), the zoning model and the current choice (pair of the zoning model per quarter)."""

    block: int
    year: int
    cols: np.ndarray
    problem: ZoningProblem
    model: MatrixModel
    options: ModelOptions
    chosen: np.ndarray
    level: ZoningProblem  # the level's problem, every year, with the sites' rooms
    index: np.ndarray  # the level's pair index (`LevelBlock.pair_index`)


def _years(model: NetworkModel, values: np.ndarray, min_pairs: int) -> list[_Year]:
    """The level-years `chain_years` improves (module docstring), set up from `values`."""
    years = []
    for bi, b in enumerate(model.blocks):
        net, zp = b.net, b.net.zoning
        n, m, T, G = zp.shape
        if G < 2 or len(b.pair_quarter) < min_pairs or b.rules.feeder_groups:
            continue
        if (values[b.c0 : b.c0 + len(b.closable)] > 0.5).any():
            continue
        option_rooms = b.site_rooms(values)
        rooms = zp.rooms + option_rooms
        level, pairs = replace(zp, rooms=rooms), b.pair_index()
        is_site = net.kind == "candidate"
        allowed = np.zeros((n, m), dtype=bool)
        allowed[b.pair_quarter, b.pair_school] = True
        school_of = _school_of(b, values)
        if school_of is None:
            continue
        options = ModelOptions(distance_penalty=model.options.distance_penalty, overflow_penalty=b.penalty)
        for t in range(T):
            cols = np.flatnonzero((option_rooms[:, t] > 0) | ~is_site)
            problem = phase_problem(zp, rooms, cols, allowed, b.rules.must & is_site[None, :], np.array([t]))
            zmodel = build_model(problem, options)
            index = np.full((n, len(cols)), -1)
            index[zmodel.pair_quarter, zmodel.pair_school] = np.arange(zmodel.n_pairs)
            local = np.searchsorted(cols, school_of[:, t])
            inside = local < len(cols)
            if not inside.all() or not (cols[local] == school_of[:, t]).all():
                continue
            chosen = index[np.arange(n), local]
            if (chosen < 0).any():
                continue
            years.append(_Year(bi, t, cols, problem, zmodel, options, chosen, level, pairs))
    return years


def _most_open_first(years: list[_Year], deadline: float) -> list[int]:
    """The years (indices) by their zoning's cost above their LP relaxation, largest first
    (pupil-metres: where the engine has the most to gain); a year whose LP is not solved by
    `deadline` last."""
    opens = []
    for year in years:
        cost = year.model.objective(solution_vector(year.model, year.problem, year.chosen))
        left = deadline - time.perf_counter()
        lp = solve_model(year.model, relax=True, time_limit=max(left, 0.01)) if left > 0.05 else None
        opens.append(cost - lp.objective if lp is not None and lp.objective is not None else -np.inf)
    return sorted(range(len(years)), key=lambda k: -opens[k])


def _choices(model: MatrixModel, values: np.ndarray | None) -> np.ndarray | None:
    """The pair of each quarter in a whole-quarter solution `values` of a zoning model (None when
    there is none or a quarter is split)."""
    if values is None:
        return None
    x = values[: model.n_pairs] > 0.5
    quarters = model.pair_quarter[x]
    n = int(model.pair_quarter.max()) + 1 if model.n_pairs else 0
    if len(quarters) != n or len(np.unique(quarters)) != n:
        return None
    chosen = np.empty(n, dtype=np.int64)
    chosen[quarters] = np.flatnonzero(x)
    return chosen


def _school_of(b: LevelBlock, values: np.ndarray) -> np.ndarray | None:
    """(n, T) school column of each quarter and year in `values` (None when a quarter is split)."""
    n, _m, T, _G = b.net.zoning.shape
    school_of = np.full((n, T), -1)
    p, y = np.nonzero(values[b.x0 : b.n0].reshape(-1, T) > 0.5)
    school_of[b.pair_quarter[p], y] = b.pair_school[p]
    return None if (school_of < 0).any() else school_of


def _keep(model: NetworkModel, values: np.ndarray, year: _Year, chosen: np.ndarray) -> np.ndarray | None:
    """`values` with `year`'s zoning replaced by `chosen` when that keeps the plan feasible and
    lowers its cost; else None."""
    b = model.blocks[year.block]
    school_of = _school_of(b, values)
    if school_of is None:
        return None
    school_of[:, year.year] = year.cols[year.model.pair_school[chosen]]
    zoned = block_zoning(b, year.level, year.index, school_of)  # the sites stay as `_years` found them
    if zoned is None:
        return None
    trial = values.copy()
    trial[b.x0 : b.z0] = zoned
    if model.objective(trial) >= model.objective(values) - 1e-6 or not is_feasible(model, trial):
        return None
    return trial


def chain_years(
    model: NetworkModel, values: np.ndarray, *, deadline: float, min_pairs: int = 0, engine: bool = True
) -> tuple[np.ndarray, dict]:
    """Step 4a (module docstring): each school year of each level with several grades and at
    least `min_pairs` quarter–school pairs (no feeder groups, no school closed) rezoned with
    `values`' sites fixed, until `deadline` (time.perf_counter()): pass 1, repair and chains;
    pass 2 (`engine`), the zoning engine on the years most open first. `values` must be feasible
    with whole quarters. Returns the plan (never costlier) and {years, improved (level-years
    whose zoning was replaced), gain (pupil-metres; pass_1: pass 1's), engine_years (the years
    pass 2 reached), seconds}."""
    began = time.perf_counter()
    values = values.copy()
    years = _years(model, values, min_pairs)
    stats: dict = {"years": len(years), "improved": 0, "gain": 0.0, "engine_years": 0, "seconds": 0.0}
    before = model.objective(values)
    improved: set[int] = set()

    def offer(k: int, chosen: np.ndarray) -> None:
        nonlocal values
        if np.array_equal(chosen, years[k].chosen):
            return
        trial = _keep(model, values, years[k], chosen)
        if trial is not None:
            values = trial
            years[k].chosen = chosen
            improved.add(k)

    for k, year in enumerate(years):  # pass 1: repair and chains to their local optimum
        left = deadline - time.perf_counter()
        if left <= 0.02:
            break
        until = time.perf_counter() + left / (len(years) - k)
        chosen = repair_overflow(year.model, year.problem, year.chosen, deadline=until)
        chosen, _ = improve_by_chains(year.model, year.problem, chosen, deadline=until)
        offer(k, chosen)
    stats["pass_1"] = before - model.objective(values)
    if engine and years:  # pass 2: the engine on the years the LP says are most open
        order = _most_open_first(years, deadline)
        for k in order:
            left = deadline - time.perf_counter()
            if left < ENGINE_MIN_SECONDS:
                break
            year = years[k]
            try:
                solved = solve_with_strategy(
                    year.model,
                    year.problem,
                    year.options,
                    strategy="lp_guided",
                    time_limit=min(left, ENGINE_YEAR_SECONDS),
                )
            except ZoningError as error:  # nothing found in its time: the year keeps its zoning
                if error.key != "no_solution":
                    raise
                continue
            stats["engine_years"] += 1
            found = _choices(year.model, solved.outcome.values)
            if found is not None:
                offer(k, found)
    stats["improved"] = len(improved)
    stats["gain"] = before - model.objective(values)
    stats["seconds"] = time.perf_counter() - began
    return values, stats
