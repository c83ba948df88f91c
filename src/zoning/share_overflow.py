"""Sharing out the pupils no school can seat: never piled on one school.

The zoning model (zoning.model) charges the same penalty M for every pupil over capacity,
wherever they are: when the rooms of a level cannot seat everyone, every way of placing the
overflow costs the same, and the solver returns one of them — typically all of it on one
school (two full schools, 60 more pupils equally near both: 60 at one, 0 at the other). This
second pass keeps the zoning's travel and its total overflow and spreads the overflow:

Symbols are those of zoning.model (x, n, o, M, the column vector v of the first solve v*),
plus:

| symbol | meaning |
|---|---|
| O* | Σ_j,t,g o*[j,t,g]: pupils over capacity in the first solution (pupils) |
| c_t | cost of the model without the overflow columns (travel, beyond-norm and stability terms, metres × pupils) |
| C* | c_t · v*: that cost in the first solution |
| ref | M / OVERFLOW_METRES: one reference distance per pupil (the walking norm, ~1 km; metres) |
| U[t] | the largest overflow of one school in year t (pupils, a new column per year) |

    minimise  M · Σ_t U[t] + cost · v
    s.t.      the rows of the zoning model (assignment, seats, rooms, stability, contiguity)
              Σ_g o[j,t,g] − U[t] ≤ 0                  for every school j and year t
              Σ_j,t,g o[j,t,g] ≤ O*                     (no child lost or counted twice: the
                                                        total overflow does not grow)
              c_t · v ≤ C* + ref · O*                   (travel grows by at most one reference
                                                        distance per pupil over capacity)

warm-started from v* (U[t] = the first solution's largest overflow), so it can only improve;
its solution replaces v* when it lowers the largest overflow of a school in some year without
raising it in another. It runs only when the first solution has pupils over capacity. With
whole quarters the overflow moves in whole quarters, so "shared" means as even as the
quarters allow (a single quarter of 60 pupils stays whole; `split=True` lets it be divided).

With HiGHS the pass runs by `zoning.solve.solve_by_deadline` (a forked child killed at its
deadline, keeping what it reported): it gets only the time the search left, often a tenth of
a second, and HiGHS in this process overran such limits by 0.15–0.3 s on a 2,500-quarter
five-grade model (its presolve does not look at the clock), which broke `solve_problem`'s
deadline.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from scipy import sparse

from zoning.model import OVERFLOW_METRES, MatrixModel
from zoning.problem import ZoningProblem
from zoning.solve import solve_by_deadline, solve_model

__all__ = ["share_overflow", "school_overflow", "SHARE_TOL"]

SHARE_TOL = 1e-6
"""Pupils: overflow below this is none."""


def school_overflow(model: MatrixModel, problem: ZoningProblem, values: np.ndarray) -> np.ndarray:
    """Pupils over capacity per school × school year, (m, T), from a column vector."""
    _, m, T, G = problem.shape
    return np.maximum(values[model.overflow_slice].reshape(m, T, G), 0.0).sum(axis=2)


def sharing_model(model: MatrixModel, problem: ZoningProblem, values: np.ndarray) -> MatrixModel:
    """The second-pass model of the module docstring around the first solution `values`."""
    _, m, T, G = problem.shape
    total = float(school_overflow(model, problem, values).sum())
    travel_cost = model.cost.copy()
    travel_cost[model.overflow_slice] = 0.0
    travel = float(travel_cost @ values)
    allowance = model.overflow_penalty / OVERFLOW_METRES * total
    n_cols, n_rows = model.n_cols, model.n_rows
    u0 = n_cols  # U[t] columns
    ovf = model.overflow_slice.start + np.arange(m * T * G)  # o[j,t,g], index (j*T + t)*G + g
    cell_row = ovf - model.overflow_slice.start
    school_year = cell_row // G  # j*T + t
    # rows: per school and year, then the total overflow, then the travel
    r_sy = n_rows + school_year
    u_rows = n_rows + np.arange(m * T)
    u_cols = u0 + (np.arange(m * T) % T)
    r_total = n_rows + m * T
    r_travel = r_total + 1
    nz = np.flatnonzero(travel_cost)
    extra = sparse.csr_matrix(
        (
            np.concatenate([np.ones(len(ovf)), -np.ones(m * T), np.ones(len(ovf)), travel_cost[nz]]),
            (
                np.concatenate([r_sy, u_rows, np.full(len(ovf), r_total), np.full(len(nz), r_travel)]) - n_rows,
                np.concatenate([ovf, u_cols, ovf, nz]),
            ),
        ),
        shape=(m * T + 2, n_cols + T),
    )
    matrix = sparse.vstack([sparse.hstack([model.matrix, sparse.csr_matrix((n_rows, T))]), extra]).tocsr()
    matrix.sum_duplicates()
    matrix.sort_indices()
    return replace(
        model,
        cost=np.concatenate([model.cost, np.full(T, model.overflow_penalty)]),
        col_lo=np.concatenate([model.col_lo, np.zeros(T)]),
        col_hi=np.concatenate([model.col_hi, np.full(T, np.inf)]),
        integer=np.concatenate([model.integer, np.zeros(T, dtype=bool)]),
        matrix=matrix,
        row_lo=np.concatenate([model.row_lo, np.full(m * T + 2, -np.inf)]),
        row_hi=np.concatenate(
            [model.row_hi, np.zeros(m * T), [total + SHARE_TOL], [travel + allowance + 1e-6 * max(abs(travel), 1.0)]]
        ),
    )


def share_overflow(
    model: MatrixModel, problem: ZoningProblem, values: np.ndarray, *, solver: str = "highs", time_limit: float = 5.0
) -> np.ndarray | None:
    """A column vector of `model` with the first solution's overflow shared out (module
    docstring), or None when there is none to share, no time, or no better sharing."""
    before = school_overflow(model, problem, values)
    if before.sum() <= SHARE_TOL or time_limit <= 0.01 or problem.shape[1] < 2:
        return None
    shared = sharing_model(model, problem, values)
    start = np.concatenate([values, before.max(axis=0)])
    if solver == "highs":
        outcome, _ = solve_by_deadline(shared, deadline=time.perf_counter() + time_limit, start=start)
    else:
        outcome = solve_model(shared, solver=solver, time_limit=time_limit, start=start)
    if outcome.values is None:
        return None
    after_values = np.asarray(outcome.values[: model.n_cols], dtype=float)
    after = school_overflow(model, problem, after_values)
    worst_before, worst_after = before.max(axis=0), after.max(axis=0)
    better = (worst_after <= worst_before + SHARE_TOL).all() and (worst_after < worst_before - 0.5).any()
    kept = after.sum() <= before.sum() + 1e-4
    return after_values if better and kept else None
