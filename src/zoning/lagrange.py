"""A lower bound with whole classes and whole quarters per school: the assignment rows dualised
(Lagrangian).

The LP relaxation opens fractional classes (3.4 classes of grade 2 for 119 pupils), so with
several grades sharing a school's rooms it misses about half a class per grade and school.
Dualising the assignment rows Σ_j x[i,j] = 1 with multipliers u[i] splits the model into one
small mixed-integer problem per school, whose classes stay whole:

  θ(u) = Σ_i u[i] + Σ_j piece_j(u)
  piece_j(u) = min Σ_{p=(i,j)} (c[p] − u[i]) · x[p] + M · Σ_{t,g} o[j,t,g]
               s.t. Σ_i d[i,t,g] · x[i,j] ≤ L[j,g] · n[j,t,g] + o[j,t,g]   (seats, as in the model)
                    Σ_g r[j] · n[j,t,g] ≤ R[j,t]                           (rooms)
                    x ∈ {0, 1}, n integer ≥ 0, o ≥ 0

(symbols as in `zoning.model`). Inside a piece quarters stay whole (x binary, as in the
model; `WHOLE_QUARTERS`): a piece is then a small multi-knapsack — which whole quarters school j
takes, in whole classes per grade within its rooms — and every whole-quarter zoning restricted
to school j is one of its solutions, so θ(u) ≤ the optimum of the model for any u (weak
duality), and each piece's own MIP bound may stand in for its optimum. With u the LP's duals of
the assignment rows and everything relaxed, θ(u) is the LP bound. With x in [0, 1] inside the
pieces (quarters shared, as in the split-quarter relaxation of
`zoning.strategy.bounding_model`) and whole classes, the bound can never exceed the split-quarter
relaxation's: on the 4,032-quarter 5-grade city +1.44% above the LP bound at the LP duals and
1.61% after 50 s, against 1.65% for HiGHS on that relaxation after 900 s. Whole quarters inside
the pieces raise it beyond: +1.63% at the LP duals and 1.79–1.86% after 60 s (under load).
Subgradient steps raise it (∂θ/∂u[i] = 1 − Σ_j x[i,j], the pieces' x; Polyak step lengths
along a deflected direction: `DEFLECTION` of the new subgradient plus the rest of the last
direction).

Each piece is a HiGHS model of one school (its candidate pairs, T·G classes and overflows,
T·G + T rows), made when first needed from the model's columns and rows; between steps only
the costs of x change. A school none of whose pairs has c[p] − u[i] < 0 has piece 0. The
whole-quarter model without contiguity only (the LP-guided strategy's).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from zoning.model import MatrixModel
from zoning.problem import ZoningProblem

__all__ = [
    "BackgroundBound",
    "ClassCountBound",
    "SchoolPieces",
    "assignment_duals",
    "class_count_bound",
    "piece_solvers",
    "polyak_ascent",
]


@dataclass(frozen=True)
class ClassCountBound:
    """The best bound θ (pupil-metres; None when not one evaluation finished), θ at the
    starting multipliers, the subgradient steps taken and the seconds."""

    bound: float | None
    first_bound: float | None
    steps: int
    seconds: float


def assignment_duals(model: MatrixModel, problem: ZoningProblem, duals: np.ndarray) -> np.ndarray:
    """The LP's dual values u[i] of the assignment rows, from its reduced costs `duals` (one per
    column, HiGHS's convention rc = c − Aᵀy): the seat rows' duals are y = rc(o) − M, and
    u[i] = c[p] − rc[p] − Σ_{t,g} d[i,t,g] · y[j,t,g] at the pair of quarter i with the
    smallest |rc[p]| (a basic one: the least rounding)."""
    n, m, T, G = problem.shape
    P = model.n_pairs
    pq, ps = model.pair_quarter, model.pair_school
    y = duals[model.overflow_slice] - model.overflow_penalty  # (m·T·G,) ≤ 0
    pupils = problem.demand[pq].reshape(P, T * G)
    cells = (ps[:, None] * T * G) + np.arange(T * G)[None, :]
    per_pair = model.cost[:P] - duals[:P] - (pupils * y[cells]).sum(axis=1)
    order = np.lexsort((np.abs(duals[:P]), pq))
    first = order[np.searchsorted(pq[order], np.arange(n))]
    return per_pair[first]


TARGET_SHARE = 0.4
"""Polyak's target for the steps: θ at the LP duals plus this share of its rise above the LP
bound (raised the same way above the best bound once that comes within a tenth of it). On the
4,032-quarter city a target ≈ 2% above the LP bound climbed steadily (1.44% → 1.62% in 15
steps) where one 3.5% above it, or 0.6% above the best bound, stalled after the first step.
With whole quarters inside the pieces (60 s, load 6–9): 0.4 reached 1.86%, 0.25 1.84%, 0.7
1.74% (no better bound after its first step)."""
PIECE_HEURISTICS_OFF = (
    "mip_heuristic_run_feasibility_jump",
    "mip_heuristic_run_rins",
    "mip_heuristic_run_rens",
    "mip_heuristic_run_root_reduced_cost",
)
"""HiGHS's primal heuristics, switched off in the pieces: only their bound is wanted, and a
piece's MIP takes 4.3 ms of CPU instead of 14 (4,032-quarter city)."""
REUSE_SHIFT = 1e-6
"""A piece is solved again when its bound would otherwise drop by more than this share of θ
spread over the schools (`SchoolPieces.evaluate`)."""
WHOLE_QUARTERS = True
"""Quarters stay whole inside each piece (x binary, as in the model) — a stronger bound than
the split-quarter pieces (x in [0, 1])."""
PIECE_GAP = 1e-4
"""HiGHS's relative MIP gap in the pieces: only their dual bound counts, which stays a bound; on
the 4,032-quarter city (60 s, load 6) 1e-4 reached 7 steps and 1.86% above the LP bound, 1e-6
4 steps and 1.79%, 1e-3 5 steps and 1.82%."""
DEFLECTION = 0.6
"""Share of the new subgradient in each step's direction, the rest the last direction's (a
deflected subgradient: it damps the zigzag of quarters served twice, then not at all). On the
4,032-quarter city, θ after 8 steps: 2.105% above the LP bound with 0.6, 1.849% with plain
subgradient steps (1.0), 2.095% with 0.4."""
WARM_START = True
"""Each piece MIP starts from its last solution (still feasible: only the costs change): on the
4,032-quarter city ≈ 10% less CPU per subgradient step (5.2–5.6 s instead of 5.1–6.3 s)."""
STALL_STEPS = 3
"""Steps without a better bound after which the step size is halved."""


def piece_solvers(
    cost: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
    integer: np.ndarray,
    matrix: sparse.csr_matrix,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    with_mip: bool = True,
) -> tuple[Any, Any]:
    """One piece's HiGHS models (a MIP with `integer` columns, its primal heuristics off and
    relative gap `PIECE_GAP` — None without `with_mip` — and the same as an LP), one thread
    each: min cost·v s.t. row_lo ≤ matrix·v ≤ row_hi, col_lo ≤ v ≤ col_hi."""
    import highspy

    from zoning.solve import _highs_object

    n_rows, n_cols = matrix.shape
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, n_rows
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lo, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_hi, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lo, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_hi, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_cols, n_rows
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(np.float64)
    kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
    lp.integrality_ = [kinds[int(flag)] for flag in integer]
    mip, relaxed = _highs_object() if with_mip else None, _highs_object()
    for h in (mip, relaxed):
        for key, value in (("threads", 1), ("mip_rel_gap", PIECE_GAP), ("random_seed", 12345)):
            if h is not None:
                h.setOptionValue(key, value)
    if mip is not None:
        for key in PIECE_HEURISTICS_OFF:
            mip.setOptionValue(key, False)
        mip.passModel(lp)
    lp.integrality_ = []
    relaxed.passModel(lp)
    return mip, relaxed


class SchoolPieces:
    """One HiGHS MIP per school (`piece_j`), built from the model's columns and rows when first
    needed (a school none of whose pairs is ever worth taking has none)."""

    def __init__(self, model: MatrixModel, problem: ZoningProblem, whole: bool | None = None) -> None:
        n, m, T, G = problem.shape
        P = model.n_pairs
        if model.n_cols != model.overflow_slice.stop or model.contiguity_rule() is not None:
            raise ValueError("the class-count bound needs a whole-quarter model without contiguity")
        self.n, self.m, self.P = n, m, P
        self.cells = T * G
        self.model = model
        self.cost = model.cost[:P]
        self.pq, self.ps = model.pair_quarter, model.pair_school
        usable = model.col_hi[:P] > 0
        order = np.flatnonzero(usable)
        order = order[np.argsort(self.ps[order], kind="stable")]
        bounds = np.searchsorted(self.ps[order], np.arange(m + 1))
        cells = T * G
        # the seat and room rows (after the n assignment rows); school j's rows are
        # contiguous and hold only its own columns
        self.block_rows = model.matrix[n : n + m * cells + m * T].tocsr()
        self.local = np.full(model.n_cols, -1, dtype=np.int64)
        self.T = T
        self.pairs = [order[bounds[j] : bounds[j + 1]] for j in range(m)]
        whole = WHOLE_QUARTERS if whole is None else whole  # quarters binary inside the pieces
        self.whole_x = [whole and bool(model.integer[p].any()) for p in self.pairs]
        self.integral = [bool(model.integer[model.classes_slice][j * cells : (j + 1) * cells].any()) for j in range(m)]
        self.solvers: list = [None] * m  # the pieces as MIPs, made when first needed
        self.relaxed: list = [None] * m  # the same with the classes relaxed (LPs)
        self.last: list = [None] * m  # each piece MIP's last solution (its columns' values)
        # the state each piece was last solved in (see `evaluate`)
        self.solved = np.zeros(m, dtype=bool)
        self.solved_value = np.zeros(m)
        self.solved_reduced = np.zeros(P)
        self.solved_total = 0.0
        self.x = np.zeros(P)

    def _build(self, j: int) -> None:
        """Piece j's HiGHS models (MIP and LP), from the model's columns and rows."""
        model, n, m, T, cells = self.model, self.n, self.m, self.T, self.cells
        pairs = self.pairs[j]
        cls = model.classes_slice.start + j * cells + np.arange(cells)
        ovf = model.overflow_slice.start + j * cells + np.arange(cells)
        cols = np.concatenate([pairs, cls, ovf])
        rows = np.concatenate([n + j * cells + np.arange(cells), n + m * cells + j * T + np.arange(T)])
        block = self.block_rows
        piece = sparse.vstack(
            [block[j * cells : (j + 1) * cells], block[m * cells + j * T : m * cells + (j + 1) * T]]
        ).tocoo()
        local = self.local
        local[cols] = np.arange(len(cols))
        keep = local[piece.col] >= 0  # unusable pairs (fixed at 0) are left out
        sub = sparse.csr_matrix(
            (piece.data[keep], (piece.row[keep], local[piece.col[keep]])), shape=(len(rows), len(cols))
        )
        local[cols] = -1
        # classes integer; quarters binary too with whole quarters (as in the model)
        integer = np.array([bool(model.integer[c] and (self.whole_x[j] or c >= self.P)) for c in cols])
        mip, relaxed = piece_solvers(
            model.cost[cols],
            model.col_lo[cols],
            model.col_hi[cols],
            integer,
            sub,
            model.row_lo[rows],
            model.row_hi[rows],
        )
        self.solvers[j], self.relaxed[j] = mip, relaxed

    def evaluate(
        self, u: np.ndarray, deadline: float, progress: Callable[[float], None] | None = None
    ) -> tuple[float | None, np.ndarray, bool]:
        """A bound ≤ θ(u), the pieces' x (P,), and whether the bound is θ(u) itself (every
        piece solved by the deadline); the bound is None when not even the pieces' LPs were.

        Each piece is first solved as an LP (classes relaxed): when its classes come out whole
        that is its optimum; else its LP value stands in for it (a weaker bound) until its MIP,
        solved next — the most fractional pieces first — gives a bound; `progress` hears of the
        bound so far about every second. A piece whose reduced costs c − u barely moved since
        it was last solved is not solved again: for any x in [0, 1],
        Σ (c − u′) x ≥ Σ (c − u) x + Σ_{p: c−u′<0} min(0, Δ), so its last value plus that
        (non-positive) shift is still a bound, and its last x is kept for the step.
        """
        import highspy

        reduced = self.cost - u[self.pq]
        shift = np.minimum(reduced - self.solved_reduced, 0.0) * (reduced < 0)
        slack = np.bincount(self.ps, weights=shift, minlength=self.m)  # ≤ 0 per school
        tolerance = REUSE_SHIFT * (abs(self.solved_total) + 1.0) / max(self.m, 1)
        lower = np.zeros(self.m)
        pending: list[tuple[float, int]] = []
        for j in range(self.m):
            pairs = self.pairs[j]
            if len(pairs) == 0:
                continue
            if self.solved[j] and slack[j] >= -tolerance:
                lower[j] = self.solved_value[j] + slack[j]  # still a bound: see above
                continue
            self.solved[j] = False
            if reduced[pairs].min() >= 0:
                self._keep(j, 0.0, reduced, None)  # piece 0: nothing worth taking
                continue
            if time.perf_counter() > deadline:
                return None, self.x.copy(), False
            if self.relaxed[j] is None:
                self._build(j)
            h = self.relaxed[j]
            h.changeColsCost(len(pairs), np.arange(len(pairs), dtype=np.int32), reduced[pairs].astype(np.float64))
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return None, self.x.copy(), False
            values = np.asarray(h.getSolution().col_value)
            lower[j] = float(h.getInfo().objective_function_value)
            classes = values[len(pairs) : len(pairs) + self.cells]
            fraction = float(np.abs(classes - np.round(classes)).sum())
            if self.whole_x[j]:
                shares = values[: len(pairs)]
                fraction += float(np.minimum(shares, 1.0 - shares).clip(0.0).sum())
            if not (self.integral[j] or self.whole_x[j]) or fraction <= 1e-7:
                self._keep(j, lower[j], reduced, values)  # whole classes (and quarters) already: the optimum
            else:
                self.x[pairs] = values[: len(pairs)]
                pending.append((-fraction, j))
        total = float(u.sum())
        reported = time.perf_counter()
        for _, j in sorted(pending):
            now = time.perf_counter()
            if now > deadline:
                return total + float(lower.sum()), self.x.copy(), False
            if progress is not None and now - reported > 1.0:
                progress(total + float(lower.sum()))
                reported = now
            pairs = self.pairs[j]
            h = self.solvers[j]
            h.setOptionValue("time_limit", float(max(deadline - now, 0.01)))
            h.changeColsCost(len(pairs), np.arange(len(pairs), dtype=np.int32), reduced[pairs].astype(np.float64))
            if WARM_START and self.last[j] is not None:  # its last solution still fits
                start = highspy.HighsSolution()
                start.col_value = self.last[j]
                h.setSolution(start)
            h.run()
            info = h.getInfo()
            bound = float(info.mip_dual_bound)
            if np.isfinite(bound) and bound > lower[j]:
                lower[j] = bound
            solution = np.asarray(h.getSolution().col_value) if info.primal_solution_status == 2 else None
            if solution is not None:
                self.last[j] = list(solution)
            if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                self._keep(j, lower[j], reduced, solution)
            elif solution is not None:
                self.x[pairs] = solution[: len(pairs)]
        value = total + float(lower.sum())
        self.solved_total = value
        return value, self.x.copy(), True

    def _keep(self, j: int, value: float, reduced: np.ndarray, values: np.ndarray | None) -> None:
        """Piece j solved at `reduced`: its value and x (all 0 when `values` is None)."""
        pairs = self.pairs[j]
        self.solved[j], self.solved_value[j] = True, value
        self.solved_reduced[pairs] = reduced[pairs]
        self.x[pairs] = 0.0 if values is None else values[: len(pairs)]


def polyak_ascent(
    evaluate: Callable[[np.ndarray], tuple[float | None, Any, bool]],
    subgradient: Callable[[np.ndarray, Any], np.ndarray],
    u: np.ndarray,
    value: float,
    x: Any,
    *,
    deadline: float,
    floor: float,
    target: float | None = None,
    report: Callable[[float, int], None] | None = None,
    project: Callable[[np.ndarray], np.ndarray] | None = None,
    share: float | None = None,
    patience: int | None = None,
    stall_steps: int | None = None,
) -> tuple[float, int]:
    """Deflected subgradient steps with Polyak's step lengths on a concave dual function θ
    from multipliers `u` (θ(u) = `value`, `x` the pieces' solution there), until `deadline`:
    (best θ, steps taken). `evaluate(u)` gives (a bound ≤ θ(u) or None, the solution, whether
    it is θ(u) itself); `subgradient(u, x)` a supergradient of θ at u; `project` the
    multipliers back onto their domain (signs of inequality rows). The target is θ plus
    `share` (default `TARGET_SHARE`) of its rise above `floor` (e.g. the LP bound), raised when
    nearly reached, never above `target`; the direction is `DEFLECTION` of the new subgradient
    plus the rest of the last one; the step size halves after `STALL_STEPS` steps without a
    better θ (`stall_steps`, default `STALL_STEPS`); with `patience`, the steps end after that
    many steps in a row without a better θ.
    `report(best, steps)` hears of every better θ."""
    share = TARGET_SHARE if share is None else share
    first = best = value
    aim = first + share * (first - floor)
    step_size, stall, steps, waited = 1.0, 0, 0, 0
    direction: np.ndarray | None = None
    while time.perf_counter() < deadline:
        sub = subgradient(u, x)
        if float(sub @ sub) <= 1e-12:
            break  # every dualised row satisfied by the pieces' solution: θ is the optimum
        # the step's direction: this subgradient and a share of the last direction (`DEFLECTION`)
        direction = sub if direction is None else DEFLECTION * sub + (1.0 - DEFLECTION) * direction
        norm = float(direction @ direction)
        if norm <= 1e-18:
            break
        if best > aim - 0.1 * (aim - floor):  # Polyak's target, raised when nearly reached
            aim = best + share * (best - floor)
        if target is not None and best < target < aim:
            aim = target
        trial = u + step_size * (aim - value) / norm * direction
        if project is not None:
            trial = project(trial)
        trial_value, trial_x, complete = evaluate(trial)
        if trial_value is None:
            break
        if not complete:  # cut short by the deadline: a bound, but not θ at the trial point
            if trial_value > best:
                best = trial_value
                if report is not None:
                    report(best, steps)
            break
        steps += 1
        u, value, x = trial, trial_value, trial_x
        if value > best:
            best, stall, waited = value, 0, 0
            if report is not None:
                report(best, steps)
        else:
            stall, waited = stall + 1, waited + 1
            if stall >= (STALL_STEPS if stall_steps is None else stall_steps):
                step_size, stall = step_size / 2, 0
            if patience is not None and waited >= patience:
                break
    return best, steps


def class_count_bound(
    model: MatrixModel,
    problem: ZoningProblem,
    duals: np.ndarray,
    *,
    deadline: float,
    lp_bound: float | None = None,
    target: float | None = None,
    report: Callable[[float, float | None, int], None] | None = None,
) -> ClassCountBound:
    """The best θ(u) reached by `deadline` (time.perf_counter()), from the LP duals (`duals`:
    the LP's reduced costs, one per column, `lp_bound` its objective), by Polyak steps towards
    `TARGET_SHARE` above θ at the duals (never above `target`, e.g. the best zoning's
    objective). `report(bound, first bound, steps)` hears of every better bound (the first bound
    is None while the first round is still running). With whole quarters in the pieces, a round
    with shared quarters (≈ 4× faster: 1.44% above the LP bound on the 4,032-quarter city
    against 1.63%) comes first, so that a machine under load still gets at least that bound."""
    began = time.perf_counter()
    pieces = SchoolPieces(model, problem)
    u = assignment_duals(model, problem, duals)
    heard = [-np.inf]

    def progress(bound: float) -> None:  # only better bounds are reported during the first round
        if report is not None and bound > heard[0]:
            heard[0] = bound
            report(bound, None, 0)

    shared_value = None
    if any(pieces.whole_x):  # first the quick round with shared quarters: a bound even under load
        shared_value, _, _ = SchoolPieces(model, problem, whole=False).evaluate(u, deadline, progress)
        if shared_value is not None:
            progress(shared_value)
    value, x, complete = pieces.evaluate(u, deadline, progress)
    if value is None or (not complete and shared_value is not None and shared_value > value):
        value, complete = shared_value, False  # the whole-quarter round was cut short
    if value is None:
        return ClassCountBound(None, None, 0, time.perf_counter() - began)
    first = best = value
    if report is not None:
        report(best, first, 0)
    floor = first / 1.01 if lp_bound is None else min(lp_bound, first)  # where the rise is measured from
    n = pieces.n
    steps = 0
    if complete:

        def subgradient(_u: np.ndarray, x: np.ndarray) -> np.ndarray:
            return 1.0 - np.bincount(pieces.pq, weights=x, minlength=n)

        best, steps = polyak_ascent(
            lambda trial: pieces.evaluate(trial, deadline),
            subgradient,
            u,
            value,
            x,
            deadline=deadline,
            floor=floor,
            target=target,
            report=None if report is None else lambda bound, steps: report(bound, first, steps),
        )
    return ClassCountBound(best, first, steps, time.perf_counter() - began)


class BackgroundBound:
    """`class_count_bound(model, problem, duals, …)` — or `function(*args, …)`, any bound with
    its keywords `deadline, lp_bound, target, report` (e.g. `zoning.network_lagrange.
    network_bound(model, row_duals, …)`) — in a forked child process ending by `deadline`
    (`zoning.beside.Beside`; stopped then, the parent keeping the best bound it reported); in
    this process, in `finish()`, without fork."""

    def __init__(
        self,
        *args: Any,
        deadline: float,
        lp_bound: float | None = None,
        target: float | None = None,
        function: Callable[..., ClassCountBound] | None = None,
    ) -> None:
        from zoning.beside import Beside
        from zoning.solve import KILL_MARGIN

        self.began = time.perf_counter()
        self.child = Beside(
            _reporting,
            class_count_bound if function is None else function,
            *args,
            until=deadline - KILL_MARGIN,
            deadline=deadline - 2 * KILL_MARGIN,
            lp_bound=lp_bound,
            target=target,
        )

    def finish(self, wait: bool = True) -> ClassCountBound:
        """The result, by the deadline at the latest; with `wait` False, at once: the best
        bound the child has reported so far (the child is then stopped)."""
        result = self.child.finish(wait)
        if result is not None:
            return result
        bound, first, steps = max(self.child.reports, key=lambda reported: reported[0], default=(None, None, 0))
        return ClassCountBound(bound, first, steps, time.perf_counter() - self.began)


def _reporting(
    function: Callable[..., ClassCountBound], *args: Any, report: Callable, **kwargs: Any
) -> ClassCountBound:
    """`function(*args, **kwargs)` with each report (bound, first bound, steps) as one item."""
    return function(*args, report=lambda bound, first, steps: report((bound, first, steps)), **kwargs)
