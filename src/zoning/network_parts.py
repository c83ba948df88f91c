"""Given the sites, the network model splits into independent zonings: one per level and year.

With the site variables z (and the closures c) fixed, every row of the network model
(`zoning.network_model`) but the budget rows involves one level and one school year only:
the assignment Σ_j x[i,j,t] = 1, the seats Σ_i d·x − L·n − o ≤ 0, the rooms
Σ_g r·n ≤ R + Σ_o S·z (z now a number), the links x ≤ Σ_o z (bounds), the feeder rows
x[a,j,t] = x[b,j,t]. So the optimum with fixed sites is the sum, over (level, year), of the
optima of whole-class zoning MIPs of ≤ 100 quarters × ≤ 20 schools at ward scale, each far
smaller than the whole model. The parts are found generically, as the connected components
of the rows and the columns that are not fixed (a row that links every part, such as the
closure study's Σ o ≤ Ō, leaves one part).

`solve_parts` solves each part with HiGHS, warm-started from a full vector, and returns the
better vector and a lower bound *for these sites* (the fixed columns' cost plus each part's
proven bound): the best zoning of the sites a plan chose, proven part by part.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from zoning.network_model import NetworkModel
from zoning.solve import SolveOutcome, solve_model

__all__ = [
    "PartsResult",
    "fixed_columns",
    "model_parts",
    "part_model",
    "sites_free_parts",
    "solve_parts",
    "solve_sites_free_parts",
    "tidy",
]


@dataclass(frozen=True)
class PartsResult:
    """values: the full column vector (each part the better of the start and HiGHS's best);
    objective: its cost; bound: a lower bound of the model with these sites fixed (None
    when a part had no time or no bound);
    parts, proven: how many parts, and how many HiGHS proved optimal; per_part: each
    part's (bound or None, cost of its columns in `values`) in `model_parts` order (the
    parts reached before the time ran out)."""

    values: np.ndarray
    objective: float
    bound: float | None
    parts: int
    proven: int
    per_part: tuple[tuple[float | None, float], ...] = ()


def fixed_columns(model: NetworkModel) -> np.ndarray:
    """(n_cols,) bool: the site (z) and closure (c) columns, fixed by a plan."""
    fixed = np.zeros(model.n_cols, dtype=bool)
    for b in model.blocks:
        fixed[b.z0 : b.c0 + len(b.closable)] = True
    return fixed


def tidy(model: NetworkModel, values: np.ndarray) -> np.ndarray:
    """`values` with the integer columns rounded and each overflow o[j,t,g] recomputed as
    max(0, seats taken − L·n) from its seats row (a solver's values within its tolerances,
    made exact)."""
    v = values.copy()
    v[model.integer] = np.round(v[model.integer])
    ocols = np.concatenate([np.arange(b.o0, b.z0) for b in model.blocks])
    if not len(ocols):
        return v
    entries = model.matrix.tocsc()[:, ocols].tocoo()
    seats = entries.data == -1.0  # o's coefficient in its seats row (+1 in Σ o ≤ Ō)
    rows, cols = entries.row[seats], ocols[entries.col[seats]]
    v[ocols] = 0.0
    v[cols] = np.maximum(model.matrix[rows] @ v - model.row_hi[rows], 0.0)
    return v


def model_parts(model: NetworkModel, fixed: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(rows, columns) of each independent part of the model once the `fixed` columns are
    fixed: the connected components of the bipartite graph rows × free columns (rows that
    touch no free column are left out). Ordered by first column."""
    free = np.flatnonzero(~fixed)
    sub = model.matrix[:, free].tocsr()
    sub.eliminate_zeros()
    m = sub.shape[0]
    pattern = (sub != 0).astype(np.int8)
    graph = sparse.bmat([[None, pattern], [pattern.T, None]], format="csr")
    _count, label = connected_components(graph, directed=False)
    row_label, col_label = label[:m], label[m:]
    touched = np.diff(sub.indptr) > 0
    parts = []
    for lab in np.unique(col_label):  # parts ≤ levels × years: a loop over parts, not cells
        parts.append((np.flatnonzero((row_label == lab) & touched), free[col_label == lab]))
    return parts


def part_model(model: NetworkModel, rows: np.ndarray, cols: np.ndarray, shift: np.ndarray) -> NetworkModel:
    """The part (`rows`, `cols`) of `model` as a model of its own, the fixed columns' share of
    each row (`shift`, full length) moved to the right-hand sides."""
    return replace(
        model,
        cost=model.cost[cols],
        col_lo=model.col_lo[cols],
        col_hi=model.col_hi[cols],
        integer=model.integer[cols],
        matrix=model.matrix[rows][:, cols].tocsr(),
        row_lo=model.row_lo[rows] - shift[rows],
        row_hi=model.row_hi[rows] - shift[rows],
    )


def solve_parts(
    model: NetworkModel,
    start: np.ndarray,
    *,
    time_limit: float,
    mip_rel_gap: float = 1e-4,
    elsewhere: Collection[int] = (),
    collect: Callable[[], Mapping[int, SolveOutcome]] | None = None,
) -> PartsResult:
    """Each part of the model with `start`'s sites and closures fixed, solved by HiGHS
    warm-started from `start` within an even share of what is left of `time_limit` (a part
    proven early leaves its time to the next). `start` must be feasible. `elsewhere`: parts
    (their indices in `model_parts` order) solved by someone else, whose outcomes `collect()`
    gives once this process has solved the others (a part it does not give keeps the start)."""
    began = time.perf_counter()
    fixed = fixed_columns(model)
    fixed_values = np.round(start[fixed])
    shift = model.matrix[:, fixed] @ fixed_values  # the fixed columns' share of each row
    values = start.copy()
    values[fixed] = fixed_values
    parts = model_parts(model, fixed)
    mine = [k for k in range(len(parts)) if k not in set(elsewhere)]
    outcomes: dict[int, SolveOutcome] = {}
    for n, k in enumerate(mine):
        rows, cols = parts[k]
        left = time_limit - (time.perf_counter() - began)
        if left <= 0.05:  # no time: the start stays for the other parts
            break
        part = part_model(model, rows, cols, shift)
        outcomes[k] = solve_model(
            part.as_matrix_model(), time_limit=left / (len(mine) - n), start=start[cols], mip_rel_gap=mip_rel_gap
        )
    if collect is not None and len(mine) < len(parts):
        outcomes.update({k: out for k, out in collect().items() if k not in mine})
    bound: float | None = float(model.cost[fixed] @ fixed_values)
    per_part: list[tuple[float | None, float]] = []
    for k, (_rows, cols) in enumerate(parts):
        out = outcomes.get(k)
        better = out is not None and out.objective is not None and out.objective < float(model.cost[cols] @ start[cols])
        if better and out is not None and out.values is not None:
            values[cols] = out.values
        part_bound = None if out is None else out.bound
        per_part.append((part_bound, float(model.cost[cols] @ values[cols])))
        bound = None if bound is None or part_bound is None else bound + part_bound
    proven = sum(out.status == "optimal" for out in outcomes.values())
    if proven or not np.array_equal(values, start):
        values = tidy(model, values)
    return PartsResult(values, model.objective(values), bound, len(parts), proven, tuple(per_part))


def sites_free_parts(model: NetworkModel) -> list[int]:
    """The parts (indices in `model_parts` order) that no site or closure decision touches:
    every fixed column in their rows is fixed by its own bounds (a site's z in the years
    before its first), so their optimum is the same whatever the plan (the years before any
    site may open). Such a part may be solved before the sites are known."""
    fixed = fixed_columns(model)
    constant = fixed & (model.col_lo == model.col_hi)
    matrix = model.matrix.tocsr()
    touches_choice = np.asarray((abs(matrix[:, fixed & ~constant]) > 0).sum(axis=1)).ravel() > 0
    return [k for k, (rows, _cols) in enumerate(model_parts(model, fixed)) if not touches_choice[rows].any()]


def solve_sites_free_parts(
    model: NetworkModel,
    *,
    deadline: float,
    mip_rel_gap: float = 1e-4,
    report: Callable[[tuple[int, SolveOutcome]], None] | None = None,
) -> dict[int, SolveOutcome]:
    """HiGHS on each part of `sites_free_parts` (from no start) until `deadline` (a
    time.perf_counter() value): {part index: outcome}, each also given to `report` when solved
    (the strategy runs this in a child process, `zoning.beside.Beside`, from its first second)."""
    fixed = fixed_columns(model)
    shift = model.matrix[:, fixed] @ model.col_lo[fixed]
    parts = model_parts(model, fixed)
    solved: dict[int, SolveOutcome] = {}
    for k in sites_free_parts(model):
        left = deadline - time.perf_counter()
        if left <= 0.05:
            break
        rows, cols = parts[k]
        solved[k] = solve_model(
            part_model(model, rows, cols, shift).as_matrix_model(), time_limit=left, mip_rel_gap=mip_rel_gap
        )
        if report is not None:
            report((k, solved[k]))
    return solved
