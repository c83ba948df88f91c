"""Solving a `MatrixModel` and reporting honestly what the solver found.

Backends:
- "highs": HiGHS through its own Python API (highspy), the model passed as NumPy arrays in
  one call. This is the same HiGHS engine PuLP calls, without PuLP's row-by-row loading; it
  accepts a warm start (`setSolution`) and reports the true MIP bound and gap.
- "pulp-highs": the same model written as a PuLP problem (expressions built from lists) and
  solved with `pulp.HiGHS`; the gap and bound are read back from the HiGHS object, because
  PuLP may mark a time-limited MIP "Optimal" when it only holds an incumbent.
- "cbc": the PuLP model solved by CBC (bundled with PuLP). CBC through PuLP reports no best
  bound, so the gap is unknown and reported as such.

Every backend runs single-threaded with a fixed random seed: the same input gives the same
zones whenever the solver finishes within its limits (a time limit that cuts the search short
can stop at different points on machines of different speed).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from zoning.beside import Beside, fork_available
from zoning.model import MatrixModel

__all__ = [
    "SOLVERS",
    "BackgroundSolve",
    "SolveOutcome",
    "highs_available",
    "relative_gap",
    "solve_by_deadline",
    "solve_model",
    "solve_relaxation",
]

SOLVERS = ("highs", "pulp-highs", "cbc")
MIP_REL_GAP = 1e-4
"""Relative gap at which a MIP counts as solved (0.01%)."""
SEED = 12345


@dataclass(frozen=True)
class SolveOutcome:
    """What one solver run found. `status` is one of optimal, feasible (a solution whose
    optimality was not proven: time limit), infeasible, no_solution, error."""

    values: np.ndarray | None
    status: str
    solver_status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    solver: str


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """(objective − bound) / |objective|, 0 when both are 0; None when either is unknown."""
    if objective is None or bound is None or not np.isfinite(bound):
        return None
    if abs(objective) < 1e-9:
        return 0.0 if abs(bound) < 1e-9 else None
    return max(0.0, (objective - bound) / abs(objective))


def highs_available() -> bool:
    """True when highspy imports."""
    try:
        import highspy  # noqa: F401 - only whether it imports
    except ImportError:
        return False
    return True


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence C-level stdout (HiGHS prints a banner when its first object is created)."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _highs_object():  # -> highspy.Highs (highspy is imported lazily)
    import highspy

    with _quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def _highs_lp(model: MatrixModel, relax: bool, col_hi: np.ndarray | None):
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_ = model.n_cols
    lp.num_row_ = model.n_rows
    lp.col_cost_ = model.cost
    lp.col_lower_ = model.col_lo
    lp.col_upper_ = model.col_hi if col_hi is None else col_hi
    lp.row_lower_ = model.row_lo
    lp.row_upper_ = model.row_hi
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = model.n_cols
    lp.a_matrix_.num_row_ = model.n_rows
    lp.a_matrix_.start_ = model.matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = model.matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = model.matrix.data.astype(np.float64)
    if not relax and model.integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous for flag in model.integer
        ]
    return lp


DEADLINE_GRACE = 0.25
"""Seconds past its time limit after which a HiGHS run is interrupted from its interrupt
callbacks (simplex, IPM, MIP). HiGHS checks its own limit only at some points; the callbacks
are polled more often, though not inside every phase: on the 5-grade city benchmark the whole
MIP's first round of root cuts still runs ≈ 25 s whatever the limit (the split-quarter model
that `zoning.strategy` runs there keeps to its limit)."""


Progress = Callable[[float | None, float | None, "np.ndarray | None"], None]
"""progress(best bound, incumbent objective, incumbent values or None) during a MIP run."""


def _stop_at(h, deadline: float, progress: Progress | None = None) -> None:  # h: highspy.Highs
    """Interrupt `h` once time.perf_counter() passes `deadline`: HiGHS keeps its incumbent
    and bound, and reports the run as interrupted. `progress` hears of every improving
    solution and, at most every 0.25 s, of the bound."""
    last = [0.0]

    def check(event) -> None:
        now = time.perf_counter()
        if now > deadline:
            event.interrupt()
        if progress is not None and now - last[0] > 0.25:
            last[0] = now
            out = event.data_out
            progress(_finite(out.mip_dual_bound), _finite(out.mip_primal_bound), None)

    def improving(event) -> None:
        out = event.data_out
        if progress is not None:
            progress(
                _finite(out.mip_dual_bound),
                _finite(out.objective_function_value),
                np.array(out.mip_solution, dtype=np.float64),
            )

    def logged(event) -> None:
        if progress is not None:  # the MIP's log lines carry its bound, also during root cuts
            progress(_finite(event.data_out.mip_dual_bound), _finite(event.data_out.mip_primal_bound), None)

    for callback in (h.cbSimplexInterrupt, h.cbIpmInterrupt, h.cbMipInterrupt):
        callback.subscribe(check)
    if progress is not None:
        h.cbMipImprovingSolution.subscribe(improving)
        h.cbMipLogging.subscribe(logged)


def _finite(value: float) -> float | None:
    value = float(value)
    return value if np.isfinite(value) and abs(value) < 1e300 else None


def _solve_highs(
    model: MatrixModel,
    *,
    time_limit: float,
    relax: bool,
    start: np.ndarray | None,
    col_hi: np.ndarray | None,
    mip_rel_gap: float,
    progress: Progress | None = None,
) -> tuple[SolveOutcome, np.ndarray | None]:
    """Solve with highspy; also return the column duals (reduced costs) of an LP."""
    import highspy

    began = time.perf_counter()
    h = _highs_object()
    for key, value in (
        ("time_limit", float(max(time_limit, 0.01))),
        ("threads", 1),
        ("random_seed", SEED),
        ("mip_rel_gap", float(mip_rel_gap)),
    ):
        h.setOptionValue(key, value)
    h.passModel(_highs_lp(model, relax, col_hi))
    _stop_at(h, began + time_limit + DEADLINE_GRACE, progress)
    if start is not None and not relax:
        h.setSolution(int(model.n_cols), np.arange(model.n_cols, dtype=np.int32), np.asarray(start, dtype=np.float64))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    text = h.modelStatusToString(status)
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value) if has_solution else None
    objective = float(info.objective_function_value) if has_solution else None
    is_mip = model.integer.any() and not relax
    duals = None
    if is_mip:
        bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    else:
        bound = objective if status == highspy.HighsModelStatus.kOptimal else None
        if has_solution:
            duals = np.asarray(h.getSolution().col_dual)
    gap = relative_gap(objective, bound)
    if status == highspy.HighsModelStatus.kInfeasible:
        verdict = "infeasible"
    elif not has_solution:
        verdict = "no_solution"
    elif status == highspy.HighsModelStatus.kOptimal and (gap is None or gap <= mip_rel_gap * 1.0001):
        verdict = "optimal"
    else:
        verdict = "feasible"
    outcome = SolveOutcome(
        values, verdict, text, objective, bound, gap, time.perf_counter() - began, f"HiGHS {_highs_version()} (highspy)"
    )
    return outcome, duals


@functools.lru_cache(maxsize=1)
def _highs_version() -> str:
    try:
        h = _highs_object()
        return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    except Exception:  # version text only
        return "?"


def _pulp_problem(model: MatrixModel, col_hi: np.ndarray | None):
    """The model as a PuLP problem; every expression built from lists (linear time)."""
    import pulp

    hi = model.col_hi if col_hi is None else col_hi
    prob = pulp.LpProblem("zoning", pulp.LpMinimize)
    variables = [
        prob.add_variable(
            f"v{c}",
            lowBound=float(model.col_lo[c]),
            upBound=None if not np.isfinite(hi[c]) else float(hi[c]),
            cat=pulp.LpInteger if model.integer[c] else pulp.LpContinuous,
        )
        for c in range(model.n_cols)
    ]
    nz = np.flatnonzero(model.cost)
    prob.setObjective(pulp.LpAffineExpression([(variables[c], float(model.cost[c])) for c in nz]))
    A = model.matrix
    for r in range(model.n_rows):
        cols = A.indices[A.indptr[r] : A.indptr[r + 1]]
        vals = A.data[A.indptr[r] : A.indptr[r + 1]]
        expr = pulp.LpAffineExpression([(variables[c], float(v)) for c, v in zip(cols, vals, strict=True)])
        lo, up = model.row_lo[r], model.row_hi[r]
        if lo == up:
            prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintEQ, f"r{r}", float(lo)))
        else:
            if np.isfinite(up):
                prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintLE, f"r{r}u", float(up)))
            if np.isfinite(lo):
                prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintGE, f"r{r}l", float(lo)))
    return prob, variables


def _solve_pulp(
    model: MatrixModel, *, solver: str, time_limit: float, relax: bool, col_hi: np.ndarray | None, mip_rel_gap: float
) -> SolveOutcome:
    import pulp

    began = time.perf_counter()
    prob, variables = _pulp_problem(model, col_hi)
    mip = not relax
    if solver == "pulp-highs":
        engine = pulp.HiGHS(mip=mip, msg=False, timeLimit=time_limit, threads=1, gapRel=mip_rel_gap, random_seed=SEED)
        name = "HiGHS (via PuLP)"
    else:
        cbc = pulp.COIN_CMD if pulp.COIN_CMD().available() else pulp.PULP_CBC_CMD  # PuLP 4 drops the bundled CBC
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            engine = cbc(
                mip=mip,
                msg=False,
                timeLimit=time_limit,
                threads=1,
                gapRel=mip_rel_gap,
                options=[f"randomSeed {SEED}", "randomCbcSeed 1"],
            )
        name = "CBC (via PuLP)"
    with _quiet_stdout():
        prob.solve(engine)
    raw = pulp.LpStatus[prob.status]
    values = np.array([v.varValue if v.varValue is not None else np.nan for v in variables])
    has_solution = (
        prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible) and not np.isnan(values).any()
    )
    objective = model.objective(values) if has_solution else None
    bound = None
    if solver == "pulp-highs" and getattr(prob, "solverModel", None) is not None:
        info = prob.solverModel.getInfo()
        if model.integer.any() and mip:
            bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
        elif prob.sol_status == pulp.LpSolutionOptimal:
            bound = objective
        raw += f" / HiGHS: {prob.solverModel.modelStatusToString(prob.solverModel.getModelStatus())}"
    elif solver == "cbc" and prob.sol_status == pulp.LpSolutionOptimal:
        bound = objective  # CBC proved optimality (within gapRel); its bound is not exposed
    gap = relative_gap(objective, bound)
    if prob.status == pulp.LpStatusInfeasible:
        verdict = "infeasible"
    elif not has_solution:
        verdict = "no_solution"
    elif prob.sol_status == pulp.LpSolutionOptimal and gap is not None and gap <= mip_rel_gap * 1.0001:
        verdict = "optimal"
    else:
        verdict = "feasible"
    return SolveOutcome(
        values if has_solution else None, verdict, raw, objective, bound, gap, time.perf_counter() - began, name
    )


def solve_model(
    model: MatrixModel,
    *,
    solver: str = "highs",
    time_limit: float = 60.0,
    relax: bool = False,
    start: np.ndarray | None = None,
    col_hi: np.ndarray | None = None,
    mip_rel_gap: float = MIP_REL_GAP,
) -> SolveOutcome:
    """Solve `model` (or its LP relaxation with `relax=True`) within `time_limit` seconds.

    `start`: a full column vector to warm-start HiGHS from (ignored by the PuLP backends,
    which take no warm start). `col_hi`: replacement upper bounds (e.g. 0 to exclude pairs).
    Falls back to CBC when highspy is missing.
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}: use one of {', '.join(SOLVERS)}")
    if solver in ("highs", "pulp-highs") and not highs_available():
        solver = "cbc"
    if solver == "highs":
        return _solve_highs(
            model, time_limit=time_limit, relax=relax, start=start, col_hi=col_hi, mip_rel_gap=mip_rel_gap
        )[0]
    return _solve_pulp(model, solver=solver, time_limit=time_limit, relax=relax, col_hi=col_hi, mip_rel_gap=mip_rel_gap)


def solve_relaxation(
    model: MatrixModel, *, time_limit: float = 60.0, col_hi: np.ndarray | None = None
) -> tuple[SolveOutcome, np.ndarray | None]:
    """The LP relaxation with HiGHS: outcome and reduced costs of the columns."""
    return _solve_highs(model, time_limit=time_limit, relax=True, start=None, col_hi=col_hi, mip_rel_gap=MIP_REL_GAP)


# --- a hard deadline: HiGHS in a child process ----------------------------------------------

KILL_MARGIN = 0.05
"""Seconds before the hard deadline at which a child still solving is killed (the parent then
reads back what it last reported)."""


def _highs_reporting(model: MatrixModel, *, report: Callable[[tuple], None], **kwargs: Any) -> tuple[SolveOutcome, Any]:
    """`_solve_highs` reporting its progress (bound, objective, values) as one item each (what
    `BackgroundSolve` runs in its child)."""
    return _solve_highs(model, progress=lambda *progress: report(progress), **kwargs)


def solve_by_deadline(
    model: MatrixModel,
    *,
    deadline: float,
    relax: bool = False,
    start: np.ndarray | None = None,
    col_hi: np.ndarray | None = None,
    mip_rel_gap: float = MIP_REL_GAP,
) -> tuple[SolveOutcome, np.ndarray | None]:
    """HiGHS on `model` ending by `deadline` (a time.perf_counter() value) whatever it is doing.

    HiGHS keeps its own time limit only at some points (not inside presolve, some LP phases or
    a MIP's rounds of root cuts, which take tens of seconds at city scale). Here it runs in a
    forked child process that reports its best bound and every improving solution as it goes;
    at the deadline a child still running is killed and the outcome is what it last reported
    (status "feasible" with that incumbent, or "no_solution"; `solver_status` says "killed at
    the deadline"). Without `fork` (Windows, macOS spawn) HiGHS runs in this process with its
    own limit. Returns the outcome and, for an LP, the reduced costs.
    """
    return BackgroundSolve(
        model, deadline=deadline, relax=relax, start=start, col_hi=col_hi, mip_rel_gap=mip_rel_gap
    ).finish()


class BackgroundSolve:
    """HiGHS on `model` in a forked child process (`zoning.beside.Beside`), started at once and
    ending by `deadline`; `finish()` waits for it (or stops it at the deadline) and returns
    what `solve_by_deadline` returns. Meanwhile this process is free: the LP-guided search
    runs its windows while the child proves a bound (two processes on two cores). Without
    `fork`, or without highspy, the solve runs in `finish()` instead."""

    def __init__(
        self,
        model: MatrixModel,
        *,
        deadline: float,
        relax: bool = False,
        start: np.ndarray | None = None,
        col_hi: np.ndarray | None = None,
        mip_rel_gap: float = MIP_REL_GAP,
    ) -> None:
        self.model, self.deadline, self.relax = model, deadline, relax
        self.began = time.perf_counter()
        self.start, self.col_hi, self.mip_rel_gap = start, col_hi, mip_rel_gap
        self.child: Beside | None = None
        if highs_available() and fork_available():
            _highs_version()  # read once in this process (the child's copy is discarded)
            self.child = Beside(
                _highs_reporting,
                model,
                until=deadline - KILL_MARGIN,
                time_limit=max(deadline - self.began - 2 * KILL_MARGIN, 0.01),
                relax=relax,
                start=start,
                col_hi=col_hi,
                mip_rel_gap=mip_rel_gap,
            )

    def cancel(self) -> None:
        """Stop the child now, its outcome no longer wanted (nothing to do without a child)."""
        if self.child is not None:
            self.child.stop()

    def ended(self) -> bool:
        """True when the child has ended with its outcome (read without waiting): `finish()`
        then returns at once. False without a child (the solve runs in `finish()`)."""
        if self.child is None:
            return False
        self.child.drain()
        return self.child.done and self.child.result is not None

    def finish(self) -> tuple[SolveOutcome, np.ndarray | None]:
        """The outcome, by the deadline at the latest."""
        model, relax = self.model, self.relax
        if self.child is None:
            limit = max(self.deadline - time.perf_counter() - 2 * KILL_MARGIN, 0.01)
            if not highs_available():
                outcome = _solve_pulp(
                    model, solver="cbc", time_limit=limit, relax=relax, col_hi=self.col_hi, mip_rel_gap=self.mip_rel_gap
                )
                return outcome, None
            return _solve_highs(
                model, time_limit=limit, relax=relax, start=self.start, col_hi=self.col_hi, mip_rel_gap=self.mip_rel_gap
            )
        result = self.child.finish()
        if result is not None:
            return result
        # stopped at the deadline: the last bound and the last solution it reported
        bound = next((b for b, _o, _v in reversed(self.child.reports) if b is not None), None)
        objective, values = next(((o, v) for _b, o, v in reversed(self.child.reports) if v is not None), (None, None))
        has = values is not None and not relax
        outcome = SolveOutcome(
            values if has else None,
            "feasible" if has else "no_solution",
            "killed at the deadline",
            objective if has else None,
            None if relax else bound,
            relative_gap(objective, bound) if has else None,
            time.perf_counter() - self.began,
            f"HiGHS {_highs_version()} (highspy)",
        )
        return outcome, None
