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
proven bound): the best zoning of the sites a plan chose, proven part by part. Given time
(`columns_from`), the parts with several grades, where HiGHS's bound stalls 4–7% below the
optimum, are proven instead by column generation over school patterns
(`zoning.part_columns.prove_part`): HiGHS alone first on each of them for `FIRST_PASS_SHARE`
of the time (the easy parts end there), then `prove_part` on the parts left, the widest open
first (`COLUMNS_ORDER`), each within an even share of what is left or, when that is short, up to
`COLUMNS_PART_SECONDS` (a part proven early leaves its time to the next ones).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from zoning.beside import Beside, fork_available
from zoning.network_model import NetworkModel
from zoning.part_columns import PartSchools, part_schools, prove_part
from zoning.solve import SolveOutcome, relative_gap, solve_model

__all__ = [
    "FIRST_PASS_SHARE",
    "PartsResult",
    "column_schools",
    "fixed_columns",
    "model_parts",
    "part_model",
    "sites_free_parts",
    "solve_parts",
    "solve_sites_free_parts",
    "tidy",
]


FIRST_PASS_SHARE = 0.5
"""With `columns_from`, the share of step 4's time in which HiGHS alone, warm-started, is run on
each part with several grades before any column generation (an even share each): the parts
HiGHS proves fast are proven there (the ward's THCS parts in 0.8–10 s, where `prove_part` took
10–60 s), and HiGHS's zonings improve most in their first seconds (ward benchmark, every
grade, 15 parts from one plan: 153.59 → 152.27 × 10⁶ in 4 s a part, 152.10 in 10 s); the hard
parts then start the column generation from HiGHS's zoning, ordered by its gap. Measured with
0.15 (150 s of step 4, 2026-12-06 08:06–08:11, load 2.9–4.4): 6 parts proven against HiGHS
alone's 5, but the zoning 149.45 against 148.94 and the bound 143.47 against 143.98 — THCS
2026 and 2030, which HiGHS alone proves in 8–9 s, took the column generation 21–44 s."""
COLUMNS_PART_SECONDS = 60.0
"""The least time `prove_part` is given on a part of the second pass when the even share is
less (the time left permitting): a part cut short proves nothing and barely improves its
zoning, so the first parts get what a proof takes and the last ones none. Ward
benchmark, every grade (docs/zoning-measurements.md): the 15 parts proven in 0.8–108 s each (median ≈ 40 s);
with an even share of 4 s or 10 s a part, 1 and 3 parts proven of 15 and the zoning no better
than the plan's."""
COLUMNS_ORDER = "widest"
"""The order of the second pass: "widest" — the most pupil-metres open between HiGHS's first-pass
zoning and bound first (where a proof raises the sites-fixed bound and improves the zoning the
most: the ward's tiểu học 2028–2030, 6–9% open, proven in 28–70 s), or "nearest" — the smallest
relative gap first (more parts proven when they are cheap; on the ward it picked the 2026 parts,
0.4–0.7% open, the slowest for the column generation: 62–76 s; a 600 s plan proved 1 of 5)."""
BESIDE_GRACE = 1.0
"""Seconds past step 4's deadline that the parent waits for the child's last proof (a part
MIP may overrun its limit)."""


@dataclass(frozen=True)
class PartsResult:
    """values: the full column vector (each part the better of the start and HiGHS's best);
    objective: its cost; bound: a lower bound of the model with these sites fixed (None
    when a part had no time or no bound);
    parts, proven: how many parts, and how many HiGHS proved optimal; per_part: each
    part's (bound or None, cost of its columns in `values`) in `model_parts` order (the
    parts reached before the time ran out); methods: per part (same order), what solved it last —
    "highs" (HiGHS on the part), "columns" (`zoning.part_columns.prove_part`), "beside" (the
    outcome `collect` gave) or "none" (no time: the start kept); statuses: per part, "optimal"
    (proven within the gap), "feasible" or "none"; seconds: per part, the seconds spent on it here."""

    values: np.ndarray
    objective: float
    bound: float | None
    parts: int
    proven: int
    per_part: tuple[tuple[float | None, float], ...] = ()
    methods: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    seconds: tuple[float, ...] = ()


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


def column_schools(model: NetworkModel, cols: np.ndarray, part: NetworkModel) -> PartSchools | None:
    """The part's schools for `prove_part` (`zoning.part_columns.part_schools`) when it is one
    level-year zoning with several grades whose only linking rows are the quarters' Σ_j x = 1
    (not, e.g., the closure study's Σ o ≤ Ō, which joins the parts); None otherwise."""
    block = next((b for b in model.blocks if b.x0 <= cols[0] < b.z0), None) if len(cols) else None
    if block is None or block.net.shape[3] < 2 or not ((cols >= block.x0) & (cols < block.z0)).all():
        return None
    try:
        schools = part_schools(model, cols, part)
    except ValueError:
        return None
    x = cols < block.n0
    links = part.matrix[schools.linking]
    linked = np.zeros(len(cols), dtype=bool)
    linked[links.indices] = True
    if not (
        np.array_equal(schools.quarter >= 0, x)
        and np.array_equal(linked, x)
        and (links.data == 1).all()
        and (part.row_lo[schools.linking] == 1).all()
        and (part.row_hi[schools.linking] == 1).all()
    ):
        return None
    return schools


def solve_parts(
    model: NetworkModel,
    start: np.ndarray,
    *,
    time_limit: float,
    mip_rel_gap: float = 1e-4,
    elsewhere: Collection[int] = (),
    collect: Callable[[], Mapping[int, SolveOutcome]] | None = None,
    columns_from: float | None = None,
    beside: bool = False,
) -> PartsResult:
    """Each part of the model with `start`'s sites and closures fixed, solved by HiGHS
    warm-started from `start` within an even share of what is left of `time_limit` (a part
    proven early leaves its time to the next). `start` must be feasible. `elsewhere`: parts
    (their indices in `model_parts` order) solved by someone else, whose outcomes `collect()`
    gives once this process has solved the others (a part it does not give keeps the start).
    `columns_from`: when `time_limit` gives each part at least this many seconds, the parts
    with several grades are solved in two passes (module docstring): HiGHS alone within
    `FIRST_PASS_SHARE` of the time, then `prove_part` on those it did not prove (with
    `beside`, every other one in a forked child process on the other core)."""
    began = time.perf_counter()
    deadline = began + time_limit
    fixed = fixed_columns(model)
    fixed_values = np.round(start[fixed])
    shift = model.matrix[:, fixed] @ fixed_values  # the fixed columns' share of each row
    values = start.copy()
    values[fixed] = fixed_values
    parts = model_parts(model, fixed)
    mine = [k for k in range(len(parts)) if k not in set(elsewhere)]
    models: dict[int, NetworkModel] = {}  # built when first needed (as before the column generation)
    columns: dict[int, PartSchools] = {}
    if columns_from is not None and mine and time_limit / len(mine) >= columns_from:
        models.update({k: part_model(model, *parts[k], shift) for k in mine})
        for k in mine:
            found = column_schools(model, parts[k][1], models[k])
            if found is not None:
                columns[k] = found
    outcomes: dict[int, SolveOutcome] = {}
    methods: dict[int, str] = {}
    spent: dict[int, float] = {}
    best = {k: start[parts[k][1]].astype(float) for k in mine}

    def highs(k: int, seconds: float) -> None:
        t0 = time.perf_counter()
        if k not in models:
            models[k] = part_model(model, *parts[k], shift)
        out = solve_model(models[k].as_matrix_model(), time_limit=seconds, start=best[k], mip_rel_gap=mip_rel_gap)
        spent[k] = spent.get(k, 0.0) + time.perf_counter() - t0
        outcomes[k], methods[k] = out, "highs"
        if out.values is not None and out.objective is not None and out.objective < models[k].objective(best[k]):
            best[k] = out.values

    plain = [k for k in mine if k not in columns]
    for n, k in enumerate(plain):  # today's path: an even share of what is left
        left = deadline - time.perf_counter()
        if left <= 0.05:  # no time: the start stays for the other parts
            break
        highs(k, left / (len(mine) - n))
    # the first pass: HiGHS alone on the parts for the column generation, within its share
    first = sorted(columns)
    until = time.perf_counter() + FIRST_PASS_SHARE * (deadline - time.perf_counter())
    for n, k in enumerate(first):
        left = until - time.perf_counter()
        if left > 0.05:
            highs(k, left / (len(first) - n))
    # the second pass: the column generation on the parts HiGHS did not prove, in COLUMNS_ORDER
    hard = [k for k in first if k not in outcomes or outcomes[k].status != "optimal"]
    if COLUMNS_ORDER == "nearest":
        hard.sort(key=lambda k: _gap_or_inf(outcomes.get(k)))
    else:  # "widest": the most pupil-metres between HiGHS's zoning and bound first
        hard.sort(key=lambda k: -_open_or_inf(outcomes.get(k)))
    proofs: dict[int, tuple[np.ndarray, float, float]] = {}
    child = None
    if beside and len(hard) > 1 and fork_available():  # every other part on the other core
        child = Beside(
            _prove_parts, models, columns, best, hard[1::2], deadline, mip_rel_gap, until=deadline + BESIDE_GRACE
        )
        hard = hard[0::2]
    proofs.update(_prove_parts(models, columns, best, hard, deadline, mip_rel_gap))
    if child is not None:
        result = child.finish()
        proofs.update(dict(child.reports) if result is None else result)
    for k, (zoning, lowest, seconds) in proofs.items():
        spent[k] = spent.get(k, 0.0) + seconds
        if models[k].objective(zoning) < models[k].objective(best[k]):
            best[k] = zoning
        before = outcomes.get(k)
        if before is not None and before.bound is not None:
            lowest = max(lowest, before.bound)
        objective = models[k].objective(best[k])
        done = bool(np.isfinite(lowest)) and objective - lowest <= mip_rel_gap * abs(objective) + 1e-6
        outcomes[k] = SolveOutcome(
            best[k],
            "optimal" if done else "feasible",
            "column generation",
            objective,
            float(lowest) if np.isfinite(lowest) else None,
            relative_gap(objective, lowest),
            spent[k],
            "HiGHS (highspy) + column generation (zoning.part_columns)",
        )
        methods[k] = "columns"
    if collect is not None and len(mine) < len(parts):
        for k, given in collect().items():
            if k not in mine:
                outcomes[k], methods[k] = given, "beside"
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
    return PartsResult(
        values,
        model.objective(values),
        bound,
        len(parts),
        proven,
        tuple(per_part),
        tuple(methods.get(k, "none") for k in range(len(parts))),
        tuple(outcomes[k].status if k in outcomes else "none" for k in range(len(parts))),
        tuple(spent.get(k, 0.0) for k in range(len(parts))),
    )


def _prove_parts(
    models: Mapping[int, NetworkModel],
    columns: Mapping[int, PartSchools],
    best: Mapping[int, np.ndarray],
    order: list[int],
    deadline: float,
    mip_rel_gap: float,
    report: Callable[[tuple[int, tuple[np.ndarray, float, float]]], None] | None = None,
) -> dict[int, tuple[np.ndarray, float, float]]:
    """`prove_part` on the parts `order`, in that order, each within an even share of what is
    left to `deadline` (time.perf_counter()) or, when that is less, `COLUMNS_PART_SECONDS` (the
    parts not reached keep HiGHS's first pass): {part: (its best zoning, bound, seconds)}, each
    also given to `report` (this runs in a child process beside the parent's own parts)."""
    proofs = {}
    for n, k in enumerate(order):
        left = deadline - time.perf_counter()
        if left <= 0.05:
            break
        t0 = time.perf_counter()
        slice_ = max(left / (len(order) - n), min(left, COLUMNS_PART_SECONDS))
        proof = prove_part(models[k], columns[k], best[k], time_limit=slice_, mip_rel_gap=mip_rel_gap, first_slice=0.0)
        proofs[k] = (proof.values, float(proof.bound), time.perf_counter() - t0)
        if report is not None:
            report((k, proofs[k]))
    return proofs


def _open_or_inf(out: SolveOutcome | None) -> float:
    """The outcome's objective − bound (pupil-metres), inf when unknown."""
    if out is None or out.objective is None or out.bound is None or not np.isfinite(out.bound):
        return np.inf
    return float(out.objective - out.bound)


def _gap_or_inf(out: SolveOutcome | None) -> float:
    """The outcome's relative gap, inf when unknown (no outcome, no bound)."""
    gap = None if out is None else relative_gap(out.objective, out.bound)
    return np.inf if gap is None else gap


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
