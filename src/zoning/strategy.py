"""How a zoning model is solved: exactly, or LP-guided at city scale.

- `exact`: the whole MIP in one solver call, warm-started (HiGHS) from a feasible zoning (the
  current zones when given, else every quarter at its nearest candidate school).
- `lp_guided` (HiGHS only): solve the LP relaxation first; it gives the bound every answer is
  measured against and, for most quarters, an integral choice already. Then solve the MIP
  restricted to the pairs the LP uses (plus, per quarter, the few next-best pairs by reduced
  cost); finally, with the time left, the full MIP warm-started from that solution. The
  reported bound is the best of the LP bound and the final MIP bound, so the gap is honest for
  the whole (sparsified) model, not only the restricted one.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from zoning.model import MatrixModel
from zoning.problem import ZoningProblem
from zoning.solve import SolveOutcome, relative_gap, solve_model, solve_relaxation

__all__ = ["StrategyOutcome", "solve_with_strategy", "feasible_start", "STRATEGIES",
           "EXACT_MAX_BINARIES"]

STRATEGIES = ("auto", "exact", "lp_guided")
EXACT_MAX_BINARIES = 6000
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

    Classes per grade are the fewest that seat the pupils, scaled down (rounded down) where
    a school has too few rooms; the pupils left without a seat become overflow.
    """
    n, m, T, G = problem.shape
    pq, ps = model.pair_quarter, model.pair_school
    hi = model.col_hi[:model.n_pairs]
    score = problem.distance[pq, ps].copy()
    if problem.current is not None:
        score = score - 1e12 * problem.current[pq, ps]  # current school first
    score[~(hi > 0)] = np.inf
    order = np.lexsort((score, pq))
    first = np.ones(len(order), dtype=bool)
    first[1:] = pq[order][1:] != pq[order][:-1]
    chosen = order[first]
    values = np.zeros(model.n_cols)
    values[chosen] = 1.0
    pupils = np.zeros((m, T, G))
    np.add.at(pupils, ps[chosen], problem.demand[pq[chosen]])
    limit = problem.class_limit[:, None, :]
    classes = np.ceil(pupils / limit - 1e-9)
    rpc = problem.rooms_per_class[:, None]
    need = (classes.sum(axis=2) * rpc)                              # (m, T) rooms
    scale = np.where(need > problem.rooms, problem.rooms / np.maximum(need, 1e-12), 1.0)
    classes = np.floor(classes * scale[:, :, None] + 1e-9)
    values[model.classes_slice] = classes.ravel()
    values[model.overflow_slice] = np.maximum(pupils - classes * limit, 0.0).ravel()
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


def _best(a: SolveOutcome, b: SolveOutcome | None) -> SolveOutcome:
    if b is None or b.values is None:
        return a
    if a.values is None or b.objective < a.objective - 1e-9:
        return b
    return a


def _restricted_bounds(model: MatrixModel, x_lp: np.ndarray, reduced: np.ndarray,
                       extra: int) -> np.ndarray:
    """Upper bounds keeping the pairs the LP uses plus each quarter's `extra` cheapest others."""
    P = model.n_pairs
    pq = model.pair_quarter
    keep = x_lp[:P] > 1e-6
    if extra > 0:
        rc = np.where(keep | ~(model.col_hi[:P] > 0), np.inf, reduced[:P])
        order = np.lexsort((rc, pq))
        rank = np.empty(P, dtype=np.int64)
        starts = np.searchsorted(pq[order], pq[order], side="left")
        rank[order] = np.arange(P) - starts
        keep |= (rank < extra) & np.isfinite(rc)
    hi = model.col_hi.copy()
    hi[:P] = np.where(keep, model.col_hi[:P], 0.0)
    return hi


def solve_with_strategy(
    model: MatrixModel,
    problem: ZoningProblem,
    *,
    strategy: str = "auto",
    solver: str = "highs",
    time_limit: float = 60.0,
    target_gap: float = 1e-4,
) -> StrategyOutcome:
    """Solve `model` with the chosen strategy within about `time_limit` seconds in total."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: use one of {', '.join(STRATEGIES)}")
    began = time.perf_counter()
    start = feasible_start(model, problem)
    start_ok = _is_feasible(model, start)
    binaries = int(model.integer[:model.n_pairs].sum())
    if strategy == "auto":
        strategy = "lp_guided" if (binaries > EXACT_MAX_BINARIES and solver == "highs") else "exact"
    if strategy == "lp_guided" and solver != "highs":
        raise ValueError("the lp_guided strategy needs solver='highs'")
    if strategy == "exact" or binaries == 0:
        outcome = solve_model(model, solver=solver, time_limit=time_limit,
                              start=start if start_ok else None, mip_rel_gap=target_gap)
        step = {"step": "mip", "status": outcome.status, "objective": outcome.objective,
                "bound": outcome.bound, "seconds": round(outcome.seconds, 3)}
        return StrategyOutcome(outcome, "exact", None, (step,))

    steps: list[dict] = []
    lp, reduced = solve_relaxation(model, time_limit=time_limit)
    steps.append({"step": "lp_relaxation", "status": lp.status, "objective": lp.objective,
                  "seconds": round(lp.seconds, 3)})
    if lp.values is None:
        outcome = solve_model(model, solver="highs", time_limit=max(1.0, time_limit - lp.seconds),
                              start=start if start_ok else None, mip_rel_gap=target_gap)
        return StrategyOutcome(outcome, "exact", None, tuple(steps))
    lp_bound = lp.objective
    fractional = int(((lp.values[:model.n_pairs] > 1e-6) & (lp.values[:model.n_pairs] < 1 - 1e-6)).sum())
    steps[-1]["fractional_pairs"] = fractional
    best: SolveOutcome | None = None
    if start_ok:
        best = SolveOutcome(start, "feasible", "start", model.objective(start), None, None, 0.0, "start")
    remaining = time_limit - (time.perf_counter() - began)
    hi = _restricted_bounds(model, lp.values, reduced, extra=2)
    restricted = solve_model(model, solver="highs", time_limit=max(1.0, 0.5 * remaining), col_hi=hi,
                             mip_rel_gap=target_gap)
    steps.append({"step": "restricted_mip", "pairs_kept": int((hi[:model.n_pairs] > 0).sum()),
                  "status": restricted.status, "objective": restricted.objective,
                  "seconds": round(restricted.seconds, 3)})
    best = _best(best, restricted) if best is not None else restricted
    remaining = time_limit - (time.perf_counter() - began)
    bound = lp_bound
    if relative_gap(best.objective, lp_bound) is None or relative_gap(best.objective, lp_bound) > target_gap:
        if remaining > 1.0:
            full = solve_model(model, solver="highs", time_limit=remaining,
                               start=best.values, mip_rel_gap=target_gap)
            steps.append({"step": "full_mip_warm_start", "status": full.status,
                          "objective": full.objective, "bound": full.bound,
                          "seconds": round(full.seconds, 3)})
            if full.bound is not None:
                bound = max(bound, full.bound)
            best = _best(best, full)
    gap = relative_gap(best.objective, bound)
    status = "optimal" if gap is not None and gap <= target_gap * 1.0001 else "feasible"
    final = replace(best, status=status, bound=bound, gap=gap,
                    seconds=time.perf_counter() - began, solver=restricted.solver,
                    solver_status="; ".join(f"{s['step']}: {s['status']}" for s in steps))
    return StrategyOutcome(final, "lp_guided", lp_bound, tuple(steps))
