"""How a zoning model is solved: exactly, or LP-guided at city scale.

- `exact`: the whole MIP in one solver call, warm-started (HiGHS) from a feasible zoning (the
  current zones when given, else every quarter at its nearest candidate school).
- `lp_guided` (HiGHS, whole quarters, city scale): a plain MIP stalls at tens of percent gap
  there, so: (1) the LP relaxation gives the bound every answer is measured against;
  (2) several fractional starts — the LP itself, LPs with 0.25–1 class per grade held back in
  every school's rooms (whole classes per grade waste on average half a class per grade), and
  an LP with the LP's class counts rounded to whole classes that fit the rooms
  (`whole_class_counts`) — are rounded to whole quarters, schools still short of rooms are
  repaired by greedy moves, and a vectorised local search of moves, swaps and ejection
  chains (`zoning.local_search`, `zoning.ejection`) finishes each; the best is kept;
  (3) windows of neighbouring schools re-solved exactly by small MIPs (`zoning.windows`)
  take turns with the local search until `WINDOW_SHARE` of the time; (4) a proof step for
  the rest, warm-started from that zoning (`bounding_model`): the split-quarter relaxation
  when several grades or years share the rooms (its bound comes far sooner than the whole
  MIP's), else the whole MIP itself, run straight after (2) (it may prove the optimum and
  improve the zoning). The reported bound is the LP bound or the proof step's bound,
  whichever is higher, so the gap is honest for the whole (sparsified) model. Step (2) and
  the local search are deterministic (each capped at `LOCAL_SEARCH_SHARE` of the time: at
  city scale the ejection chains may reach the cap); (3) and (4) are time-limited, so on a
  slower machine they may stop at other points.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from zoning.ejection import improve_by_chains
from zoning.local_search import whole_class_counts
from zoning.model import MatrixModel, ModelOptions
from zoning.notes import ZoningError
from zoning.problem import ZoningProblem
from zoning.solve import SolveOutcome, relative_gap, solve_model, solve_relaxation
from zoning.vectors import repair_overflow, round_shares, solution_vector
from zoning.windows import improve_by_windows

__all__ = ["StrategyOutcome", "solve_with_strategy", "feasible_start", "STRATEGIES",
           "EXACT_MAX_BINARIES"]

STRATEGIES = ("auto", "exact", "lp_guided")
EXACT_MAX_BINARIES = 1500
"""`auto` solves models with at most this many binary pair variables exactly."""


@dataclass(frozen=True)
class StrategyOutcome:
    """The final outcome plus the LP bound and the steps taken (for solver.json)."""

    outcome: SolveOutcome
    strategy: str
    lp_bound: float | None
    steps: tuple[dict, ...]


def feasible_start(model: MatrixModel, problem: ZoningProblem) -> np.ndarray:
    """A feasible column vector: current school (largest share) if a candidate, else nearest.

    Classes per grade leave the fewest pupils without a seat (`best_classes`); those pupils
    become overflow.
    """
    pq, ps = model.pair_quarter, model.pair_school
    score = problem.distance[pq, ps].copy()
    if problem.current is not None:
        score = score - 1e12 * problem.current[pq, ps]  # current school first
    score[~(model.col_hi[:model.n_pairs] > 0)] = np.inf
    values = solution_vector(model, problem, round_shares(model, -score))  # lowest score per quarter
    if model.n_cols > model.overflow_slice.stop:  # split-mode moved shares
        moved_cols = np.arange(model.overflow_slice.stop, model.n_cols)
        A = model.matrix.tocsc()[:, moved_cols]
        rows = A.indices[A.indptr[:-1]]
        x_part = model.matrix[rows][:, :model.n_pairs] @ values[:model.n_pairs]
        values[moved_cols] = np.maximum(model.row_lo[rows] - x_part, 0.0)
    return values


def _is_feasible(model: MatrixModel, values: np.ndarray, tol: float = 1e-6) -> bool:
    activity = model.matrix @ values
    return bool((activity >= model.row_lo - tol).all() and (activity <= model.row_hi + tol).all()
                and (values <= model.col_hi + tol).all() and (values >= model.col_lo - tol).all())


def solve_with_strategy(
    model: MatrixModel,
    problem: ZoningProblem,
    options: ModelOptions,
    *,
    strategy: str = "auto",
    solver: str = "highs",
    time_limit: float = 60.0,
    target_gap: float = 1e-4,
) -> StrategyOutcome:
    """Solve `model` with the chosen strategy within about `time_limit` seconds in total."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: use one of {', '.join(STRATEGIES)}")
    binaries = int(model.integer[:model.n_pairs].sum())
    large = binaries > EXACT_MAX_BINARIES
    if strategy == "auto":
        strategy = "lp_guided" if (large and solver == "highs" and options.adjacency is None) else "exact"
    if strategy == "lp_guided":
        if solver != "highs":
            raise ValueError("the lp_guided strategy needs solver='highs'")
        if options.split or options.adjacency is not None:
            raise ValueError("the lp_guided strategy zones whole quarters without contiguity; "
                             "use strategy='exact' with split=True or contiguity")
        return _lp_guided(model, problem, options, time_limit=time_limit, target_gap=target_gap)
    start = feasible_start(model, problem)
    start_ok = _is_feasible(model, start)
    outcome = solve_model(model, solver=solver, time_limit=time_limit,
                          start=start if start_ok else None, mip_rel_gap=target_gap)
    steps = [{"step": "mip", "status": outcome.status, "objective": outcome.objective,
              "bound": outcome.bound, "seconds": round(outcome.seconds, 3)}]
    if outcome.values is None and outcome.status != "infeasible" and start_ok:
        # The time ran out before the solver found any zoning (a solver without warm start, a
        # tiny limit): keep the start — current or nearest schools, overflow reported — rather
        # than failing, and say so through the status and the gap.
        objective = float(model.objective(start))
        outcome = replace(outcome, values=start, status="feasible", objective=objective,
                          gap=relative_gap(objective, outcome.bound))
        steps.append({"step": "start_kept", "status": "feasible", "objective": objective,
                      "bound": outcome.bound, "seconds": 0.0})
    return StrategyOutcome(outcome, "exact", None, tuple(steps))


WINDOW_SHARE = 0.65
"""Share of the time limit spent up to the end of the windows; the rest goes to proving a
bound (`bounding_model`: at city scale the split-quarter relaxation's bound comes within
15–20 s)."""
WINDOW_SCHOOLS = 4
"""Schools per window (a seed school and its nearest)."""
WINDOW_SECONDS = 0.5
"""Most seconds one window's MIP may take."""
WINDOW_CHUNK = 0.1
"""Share of the time limit spent on windows between two local searches."""
RESERVES = (0.25, 0.5, 0.75, 1.0)
"""Rooms held back per school in the rounding LPs, per grade beyond the first (× rooms/class)."""
FINISH_SECONDS = 0.5
"""Seconds kept at the end of the time limit for reading back the last solver run."""
LOCAL_SEARCH_SHARE = 0.05
"""Most of the time limit one local search (moves and swaps) may take."""


def bounding_model(model: MatrixModel, problem: ZoningProblem) -> tuple[MatrixModel, bool]:
    """The model whose MIP bound is worth proving after the heuristics, and whether it is the
    split-quarter relaxation.

    With several grades or school years sharing a school's rooms in whole classes, the LP
    relaxation is weak, and the split-quarter relaxation (quarters may be shared, classes
    stay whole) proves in seconds what HiGHS's cuts on the whole model prove in many minutes
    (city benchmark: 1.46% above the LP bound after 30 s, against 1.23% for the whole model,
    and 1.43% after 1,000 s). Every whole-quarter zoning is a zoning of that relaxation, so its
    bound is a bound of the model. With one grade and one year, the whole model is solved
    (its LP is tight, and HiGHS may prove the optimum and find a better zoning).
    """
    _, _, years, grades = problem.shape
    if years * grades <= 1 or not model.integer[:model.n_pairs].any():
        return model, False
    integer = model.integer.copy()
    integer[:model.n_pairs] = False
    return replace(model, integer=integer), True


def _lp_guided(model: MatrixModel, problem: ZoningProblem, options: ModelOptions, *,
               time_limit: float, target_gap: float) -> StrategyOutcome:
    began = time.perf_counter()
    deadline = began + time_limit

    def left() -> float:
        """Seconds left of the time limit (each solver call gets only these)."""
        return max(deadline - time.perf_counter(), 0.01)

    n, m, T, G = problem.shape
    steps: list[dict] = []

    def record(step: dict) -> None:
        """Add a step to the report with the seconds since the start when it ended."""
        steps.append({**step, "ends_at": round(time.perf_counter() - began, 3)})

    lp, _ = solve_relaxation(model, time_limit=time_limit)
    record({"step": "lp_relaxation", "status": lp.status, "objective": lp.objective,
            "seconds": round(lp.seconds, 3)})
    if lp.values is None:
        # the LP was cut short by the time limit (with overflow seats it is never infeasible)
        raise ZoningError("no_solution", level=problem.level, time_limit=float(time_limit),
                          solver=lp.solver, solver_status=lp.solver_status)
    lp_bound = lp.bound  # the LP objective only when the LP was solved to optimality
    candidates = [("lp_rounded", lp.values)]
    room_rows = slice(model.n_rows - m * T, model.n_rows)
    for reserve in RESERVES:
        if time.perf_counter() > began + 0.2 * time_limit:
            break
        held = reserve * max(G - 1, 0) * float(problem.rooms_per_class.max())
        if held <= 0:
            continue
        row_hi = model.row_hi.copy()
        row_hi[room_rows] = np.maximum(model.row_hi[room_rows] - held, 0.0)
        adjusted, _ = solve_relaxation(replace(model, row_hi=row_hi), time_limit=left())
        if adjusted.values is not None:
            candidates.append((f"lp_reserve_{held:g}_rooms", adjusted.values))
    if model.integer[model.classes_slice].any() and time.perf_counter() < began + 0.2 * time_limit:
        fixed = whole_class_counts(model, problem, lp.values)
        col_lo, col_hi = model.col_lo.copy(), model.col_hi.copy()
        col_lo[model.classes_slice] = col_hi[model.classes_slice] = fixed.ravel()
        classes_lp, _ = solve_relaxation(replace(model, col_lo=col_lo, col_hi=col_hi), time_limit=left())
        if classes_lp.values is not None:
            candidates.append(("lp_whole_classes", classes_lp.values))
    best_chosen, best_objective = None, np.inf
    for name, values in candidates:
        t0 = time.perf_counter()
        chosen = repair_overflow(model, problem, round_shares(model, values))
        chosen, moves = improve_by_chains(model, problem, chosen,
                                          deadline=t0 + LOCAL_SEARCH_SHARE * time_limit)
        objective = model.objective(solution_vector(model, problem, chosen))
        record({"step": f"round_and_repair ({name})", "status": "feasible",
                "objective": objective, "seconds": round(time.perf_counter() - t0, 3), **moves})
        if objective < best_objective:
            best_chosen, best_objective = chosen, objective
    assert best_chosen is not None, "the LP's own rounding is always a candidate"
    # seed windows where the zoning costs most beyond the LP's choice
    x_lp = lp.values[:model.n_pairs]
    lp_cost = np.bincount(model.pair_quarter, weights=model.cost[:model.n_pairs] * x_lp, minlength=n)
    excess = model.cost[best_chosen] - lp_cost
    priority = np.bincount(model.pair_school[best_chosen], weights=excess, minlength=m)
    t0 = time.perf_counter()
    bounding, is_split = bounding_model(model, problem)
    # one grade and one year: the whole MIP, warm-started, beats the windows (city benchmark:
    # proven optimal in 32 s, against 0.47% above the LP bound after 35 s of windows)
    window_deadline = began + (WINDOW_SHARE if is_split else 0.0) * time_limit
    chosen = best_chosen
    stats = {"windows": 0, "improved": 0, "gain": 0.0}
    moves = {"rounds": 0, "moves": 0, "swaps": 0, "gain": 0.0}
    while time.perf_counter() + 0.5 < window_deadline:
        # windows and local search take turns: a window's new zones open new moves and swaps
        chunk = min(window_deadline, time.perf_counter() + WINDOW_CHUNK * time_limit)
        chosen, found = improve_by_windows(model, problem, options, chosen, deadline=chunk,
                                           priority=priority, window=WINDOW_SCHOOLS,
                                           window_seconds=WINDOW_SECONDS)
        chosen, local = improve_by_chains(model, problem, chosen,
                                          deadline=time.perf_counter() + LOCAL_SEARCH_SHARE * time_limit)
        for key in stats:
            stats[key] += found[key]
        for key in moves:
            moves[key] += local[key]
    values = solution_vector(model, problem, chosen)
    objective = model.objective(values)
    if stats["windows"] or moves["rounds"]:
        record({"step": "windows", "status": "feasible", "objective": objective,
                "seconds": round(time.perf_counter() - t0, 3), **stats,
                **{f"local_{k}": v for k, v in moves.items()}})
    bound, solver_name = lp_bound, lp.solver
    remaining = deadline - time.perf_counter()
    if remaining > 2 * FINISH_SECONDS:
        # a proof step for the rest of the time: its bound is reported when above the LP's
        proof = solve_model(bounding, solver="highs", time_limit=remaining - FINISH_SECONDS, start=values,
                            mip_rel_gap=target_gap)
        record({"step": "split_quarter_bound" if is_split else "full_mip_warm_start",
                "status": proof.status, "objective": proof.objective,
                "bound": proof.bound, "seconds": round(proof.seconds, 3)})
        if proof.bound is not None:
            bound = proof.bound if bound is None else max(bound, proof.bound)
        if not is_split and proof.values is not None and proof.objective is not None and proof.objective < objective - 1e-9:
            values, objective = proof.values, proof.objective
    gap = relative_gap(objective, bound)
    status = "optimal" if gap is not None and gap <= target_gap * 1.0001 else "feasible"
    outcome = SolveOutcome(values, status, "; ".join(f"{s['step']}: {s['status']}" for s in steps),
                           objective, bound, gap, time.perf_counter() - began, solver_name)
    return StrategyOutcome(outcome, "lp_guided", lp_bound, tuple(steps))
