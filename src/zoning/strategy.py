"""How a zoning model is solved: exactly, LP-guided at city scale or with several grades, or
grown contiguous zones.

`auto` (`auto_strategy`) picks `exact` up to `exact_max_binaries` binary pair columns: 1,500
with one grade or the contiguity rule; with several grades (whole classes per grade share the
rooms, where the exact MIP stalls), 200 — 500 for one school year with more than 20 s — and
`lp_guided` (`contiguous` with contiguity) above.

- `exact`: the whole MIP in one solver call, warm-started (HiGHS) from a feasible zoning (the
  current zones when given, else every quarter at its nearest candidate school).
- `lp_guided` (HiGHS, whole quarters, city scale or several grades): a plain MIP stalls at
  tens of percent gap there, so the search runs as named phases (`LP_GUIDED_PHASES`) over one state (`Search`,
  holding the best `Zoning` so far):
  1. `bound` — the LP relaxation gives the bound every answer is measured against;
  2. `starts` — several fractional starts — the LP itself, LPs with 0.5, 0.75, 0.25 and 1
     class per grade held back in every school's rooms (whole classes per grade waste on
     average half a class per grade), and an LP with the LP's class counts rounded to whole classes that fit the
     rooms (`whole_class_counts`) — are rounded to whole quarters, schools still short of rooms
     are repaired by greedy moves, and a vectorised local search of moves, swaps and ejection
     chains (`zoning.local_search`, `zoning.ejection`) finishes each (each rounding LP is
     solved in a child process while the previous start is rounded); the best is kept;
  3. `windows` — chain windows (`zoning.chain_windows`: full schools along a chain to one
     with a spare class, so a class can move along it; `CHAIN_SHARE` of each chunk, the rest
     windows of nearest schools, `zoning.windows`) re-solved exactly by small MIPs take turns
     with the local search until `WINDOW_SHARE` of the time (`PARALLEL_WINDOW_END` when the
     proof runs beside them);
  4. `proof`: when several grades or years share the rooms, the class-count bound
     (`zoning.lagrange`: the assignment rows dualised from the LP duals, one small MIP per
     school with whole classes; an anytime bound) — launched right after (1) in a child
     process beside (2) and (3) until the deadline when the machine has two cores
     (`PARALLEL_PROOF`, phase `launch_proof`), else after (3); without the LP's duals, or with
     `PROOF_METHOD = "split_quarter"`, HiGHS on the split-quarter relaxation
     (`bounding_model`) instead — or, with one grade and year, the whole MIP itself, run
     straight after (2) (it may prove the optimum and improve the zoning).
  The reported bound is the LP bound or the proof step's bound, whichever is higher, so the
  gap is honest for the whole (sparsified) model.
- `contiguous` (HiGHS, contiguity at city scale): `bound` (the LP with the contiguity rows),
  `grow` (zones grown from the schools' anchors over the neighbour graph, each quarter taking
  the school the LP prefers among those whose zone reaches it: `zoning.contiguity.grow_zones`
  — always a zoning that keeps the rule), `moves` (the local search, only moves that keep the
  rule), `windows` (windows of 4 schools re-solved exactly under the rule, taking turns with
  the moves) and `mip` (the whole MIP warm-started from the moves' zoning — beside the windows
  in a child process with two cores, else after them — for its bound and any better zoning).

The time limit is kept: every HiGHS call that may run long goes to a child process that is
killed at its deadline (`zoning.solve.solve_by_deadline`; the parent keeps the bound and the
incumbent the child last reported), each phase ends at its share of the time, and the
NumPy steps check the clock between rounds. Phases 1–2 and the local search are
deterministic; the windows and the proof are time-limited, so on a slower machine they may
stop at other points.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from zoning.chain_windows import improve_by_chain_windows
from zoning.contiguity import grow_zones
from zoning.ejection import improve_by_chains
from zoning.lagrange import BackgroundBound, ClassCountBound, class_count_bound
from zoning.local_search import improve_locally, whole_class_counts
from zoning.model import MatrixModel, ModelOptions, is_feasible
from zoning.problem import ZoningProblem
from zoning.solve import BackgroundSolve, SolveOutcome, relative_gap, solve_by_deadline, solve_model
from zoning.vectors import repair_overflow, round_shares, solution_vector
from zoning.windows import improve_by_windows

__all__ = [
    "CONTIGUOUS_PHASES",
    "EXACT_MAX_BINARIES",
    "EXACT_MAX_BINARIES_GRADES",
    "EXACT_MAX_BINARIES_GRADES_YEAR",
    "EXACT_SHORT_SECONDS",
    "LP_GUIDED_PHASES",
    "STRATEGIES",
    "Search",
    "StrategyOutcome",
    "Zoning",
    "auto_strategy",
    "exact_max_binaries",
    "feasible_start",
    "solve_with_strategy",
]

STRATEGIES = ("auto", "exact", "lp_guided", "contiguous")
EXACT_MAX_BINARIES = 1500
"""`auto` solves a model of one grade (in any number of school years) exactly up to this many
binary pair variables, and any model with the contiguity rule (above it: `contiguous`)."""
EXACT_MAX_BINARIES_GRADES = 200
"""`auto` solves a model of several grades (whole classes per grade share each school's rooms)
without the contiguity rule exactly only up to this many binary pair variables; above it,
`lp_guided` — except with one school year and a time limit above `EXACT_SHORT_SECONDS`
(`EXACT_MAX_BINARIES_GRADES_YEAR`).

Measured 2026-12-06 04:55–05:45 UTC on the shared 2-core machine (load average 1.9–3.5, the
benchmark niced; one run each), `python -m benchmarks zoning-auto`: the ward benchmark's
instance (classrooms 8% short of the 2030 need), tiểu học, 5 grades; lp_guided's objective ÷
exact's (below 1: lp_guided better; docs/zoning.md, "What `auto` picks", has every row):

| pairs | years | 5 s  | 10 s | 20 s | 60 s |
|-------|-------|------|------|------|------|
|    80 | 1     |      | 1.25 (exact proven, 7.4 s) | | |
|   120 | 1     |      | 1.00 (exact proven, 9.3 s) | | |
|   200 | 1     |      | 1.04 | | |
|   240 | 1     |      | 0.67 | | |
|   300 | 1     | 0.58 | 0.72 | 0.86 | 1.10 |
|   400 | 1     | 0.68 | 0.95 | 0.93 | 1.05 |
|   560 | 1     |      |      |      | 1.00 |
|   600 | 1     |      |      |      | 0.94 |
|   800 | 1     | 0.52 | 0.69 | 0.75 | 0.96 |
| 1,072 | 1     |      | 0.59 |      | 0.78 |
|    80 | 5     |      | 0.88 |      | 0.91 |
|   120 | 5     |      | 0.97 |      | 1.06 (exact proven, 53.5 s) |
|   200 | 5     |      | 0.93 |      | 0.98 |
|   300 | 5     | 0.52 | 0.60 | 0.69 | 0.90 |
|   400 | 5     | 0.48 | 0.75 | 0.75 | 0.86 |
|   800 | 5     | 0.84 | 0.74 | 0.80 |      |

THCS (4 grades) and mầm non (6), one year, 10 s: 1.00 at 120 pairs (exact proven in 0.6 s),
1.00 at 200, 0.90 and 0.57 at 800. lp_guided reaches its zoning within 10 s and then stalls
(the same objective from 10 s to 60 s), always using the whole limit, while HiGHS's exact MIP
keeps improving: with one year it catches up by 60 s up to about 560 pairs. One grade, even
over 5 years (the entry grade): exact as good (0.996–1.007) and proven in 0.5–9.5 s up to
1,696 pairs — years alone do not make the exact MIP stall, so the rule counts grades, then
years. The sample wards' models (40–150 pairs, 4–6 grades, 1–3 years): the same zoning both
ways, exact proven in 0.0–0.6 s. With the contiguity rule the contiguous strategy was worse
than exact at 200 and 800 pairs (1.09, 1.03 at 10 s; 0.80 at 1,599), so contiguity keeps
`EXACT_MAX_BINARIES`."""
EXACT_MAX_BINARIES_GRADES_YEAR = 500
"""With several grades, one school year and a time limit above `EXACT_SHORT_SECONDS`, `auto`
solves exactly up to this many binary pair variables (measured at 60 s: exact better at 300
and 400 pairs, the same at 560, lp_guided better at 600, 800 and 1,072; see
`EXACT_MAX_BINARIES_GRADES`)."""
EXACT_SHORT_SECONDS = 20.0
"""The time limit up to which `EXACT_MAX_BINARIES_GRADES` holds also for one school year
(lp_guided better at 5, 10 and 20 s from 240 pairs; at 25 s, 300 pairs, still 0.86 — above
20 s the rule keeps the old choice until 60 s measurements say otherwise)."""


def exact_max_binaries(grades: int, years: int, time_limit: float, contiguity: bool = False) -> int:
    """The most binary pair variables `auto` solves exactly for a model of `grades` grades and
    `years` school years with `time_limit` seconds (`EXACT_MAX_BINARIES_GRADES`)."""
    if grades <= 1 or contiguity:
        return EXACT_MAX_BINARIES
    if years == 1 and time_limit > EXACT_SHORT_SECONDS:
        return EXACT_MAX_BINARIES_GRADES_YEAR
    return EXACT_MAX_BINARIES_GRADES


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
    score = problem.metres(pq, ps)
    if problem.has_current:
        score = score - 1e12 * problem.current_at(pq, ps)  # current school first
    score[~(model.col_hi[: model.n_pairs] > 0)] = np.inf
    values = solution_vector(model, problem, round_shares(model, -score))  # lowest score per quarter
    if model.n_cols > model.overflow_slice.stop:  # split-mode moved shares
        moved_cols = np.arange(model.overflow_slice.stop, model.n_cols)
        A = model.matrix.tocsc()[:, moved_cols]
        rows = A.indices[A.indptr[:-1]]
        x_part = model.matrix[rows][:, : model.n_pairs] @ values[: model.n_pairs]
        values[moved_cols] = np.maximum(model.row_lo[rows] - x_part, 0.0)
    return values


def auto_strategy(
    model: MatrixModel,
    problem: ZoningProblem,
    options: ModelOptions,
    *,
    solver: str = "highs",
    time_limit: float = 60.0,
) -> str:
    """The strategy `auto` picks for `model`: "exact" up to `exact_max_binaries` binary pair
    columns (and always with split quarters or another solver than HiGHS), else "lp_guided" —
    "contiguous" with the contiguity rule."""
    binaries = int(model.integer[: model.n_pairs].sum())
    _, _, years, grades = problem.shape
    limit = exact_max_binaries(grades, years, time_limit, contiguity=options.adjacency is not None)
    if binaries > limit and solver == "highs" and not options.split:
        return "contiguous" if options.adjacency is not None else "lp_guided"
    return "exact"


def solve_with_strategy(
    model: MatrixModel,
    problem: ZoningProblem,
    options: ModelOptions,
    *,
    strategy: str = "auto",
    solver: str = "highs",
    time_limit: float = 60.0,
    target_gap: float = 1e-4,
    deadline: float | None = None,
) -> StrategyOutcome:
    """Solve `model` with the chosen strategy by `deadline` (a time.perf_counter() value;
    default `time_limit` seconds from now). `time_limit` also sets the phases' shares."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: use one of {', '.join(STRATEGIES)}")
    deadline = time.perf_counter() + time_limit if deadline is None else deadline
    large = int(model.integer[: model.n_pairs].sum()) > EXACT_MAX_BINARIES
    if strategy == "auto":
        strategy = auto_strategy(model, problem, options, solver=solver, time_limit=time_limit)
    if strategy in ("lp_guided", "contiguous"):
        if solver != "highs":
            raise ValueError(f"the {strategy} strategy needs solver='highs'")
        if options.split:
            raise ValueError(f"the {strategy} strategy zones whole quarters; use strategy='exact' with split=True")
        if strategy == "lp_guided" and options.adjacency is not None:
            raise ValueError(
                "the lp_guided strategy zones without contiguity; use strategy='contiguous' or 'exact' with contiguity"
            )
        if strategy == "contiguous" and options.adjacency is None:
            raise ValueError("the contiguous strategy needs the contiguity rule (adjacency)")
        search = Search(model, problem, options, time_limit=time_limit, deadline=deadline, target_gap=target_gap)
        phases = LP_GUIDED_PHASES if strategy == "lp_guided" else CONTIGUOUS_PHASES
        _run_phases(search, phases)
        return search.outcome(strategy)
    start = feasible_start(model, problem)
    start_ok = is_feasible(model, start)
    if solver == "highs" and large:
        # a big model: HiGHS's own limit is not kept inside its root cuts; the child is killed
        outcome, _ = solve_by_deadline(
            model, deadline=deadline, start=start if start_ok else None, mip_rel_gap=target_gap
        )
    else:
        # the time left, never more than asked and at least a millisecond (a tiny limit stays tiny)
        outcome = solve_model(
            model,
            solver=solver,
            time_limit=max(min(time_limit, deadline - time.perf_counter()), 1e-3),
            start=start if start_ok else None,
            mip_rel_gap=target_gap,
        )
    steps = [
        {
            "step": "mip",
            "status": outcome.status,
            "objective": outcome.objective,
            "bound": outcome.bound,
            "seconds": round(outcome.seconds, 3),
        }
    ]
    if outcome.values is None and outcome.status != "infeasible" and start_ok:
        # The time ran out before the solver found any zoning (a solver without warm start, a
        # tiny limit): keep the start — current or nearest schools, overflow reported — rather
        # than failing, and say so through the status and the gap.
        objective = float(model.objective(start))
        outcome = replace(
            outcome, values=start, status="feasible", objective=objective, gap=relative_gap(objective, outcome.bound)
        )
        steps.append(
            {"step": "start_kept", "status": "feasible", "objective": objective, "bound": outcome.bound, "seconds": 0.0}
        )
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
RESERVES = (0.5, 0.75, 0.25, 1.0)
"""Rooms held back per school in the rounding LPs, per grade beyond the first (× rooms/class),
in the order they are tried: the 0.5-class reserve gave the best start in every 60 s run
measured under load (4,032 quarters: 1.3493 × 10⁹ against 1.3625 × 10⁹ for 0.25 and 1.3546 × 10⁹
for 0.75; 10,080 quarters: 2.0247 × 10⁹ against 2.0399 × 10⁹ for 0.25), and under load only the
first one or two rounding LPs start before `START_LPS_SHARE` of the time."""
LOCAL_SEARCH_SHARE = 0.05
"""Most of the time limit one local search (moves and swaps) may take."""
START_LPS_SHARE = 0.2
"""Share of the time limit after which no further rounding LP is started (each one is
stopped at `START_LP_END` of the time)."""
START_LP_END = 0.3
STARTS_SHARE = 0.4
"""Share of the time limit by which the rounding of fractional starts ends."""
PARALLEL_PROOF = (os.cpu_count() or 1) >= 2
"""With two cores or more, the split-quarter proof runs in a child process beside the windows
(from the end of the starts to the deadline) instead of after them."""
PARALLEL_WINDOW_END = 0.97
"""Share of the time limit at which the windows stop when the proof runs beside them."""
PROOF_METHOD = "class_count"
"""The proof step with several grades or years: "class_count" (the Lagrangian bound with whole
classes per school, `zoning.lagrange`; from the LP duals, so only when the LP was solved) or
"split_quarter" (HiGHS on the split-quarter relaxation, `bounding_model`)."""
CHAIN_SHARE = 1.0
"""Share of each chunk of windows (LP-guided strategy) spent on chain windows
(`zoning.chain_windows`: along full schools to one with a spare class) instead of windows of
nearest schools; 0 turns them off."""
CHAIN_SCHOOLS = 5
"""Schools per chain window."""
CHAIN_SECONDS = 0.5
"""Most seconds one chain window's MIP may take."""
MIN_PROOF_SECONDS = 1.0
"""The proof step runs only with at least this many seconds left."""


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
    if years * grades <= 1 or not model.integer[: model.n_pairs].any():
        return model, False
    integer = model.integer.copy()
    integer[: model.n_pairs] = False
    return replace(model, integer=integer), True


@dataclass(frozen=True, eq=False)
class Zoning:
    """A whole-quarter zoning of a model: `chosen[i]` is the pair index (column of x) of
    quarter i's school; `objective` its cost in pupil-metres (travel, penalties, pupils
    without a seat in whole classes)."""

    chosen: np.ndarray
    objective: float

    @classmethod
    def of(cls, model: MatrixModel, problem: ZoningProblem, chosen: np.ndarray) -> Zoning:
        """The zoning `chosen`, with its objective."""
        chosen = np.asarray(chosen, dtype=np.int64)
        return cls(chosen, model.objective(solution_vector(model, problem, chosen)))

    def values(self, model: MatrixModel, problem: ZoningProblem) -> np.ndarray:
        """The full column vector (classes per grade leaving the fewest pupils unseated)."""
        return solution_vector(model, problem, self.chosen)


@dataclass(eq=False)
class Search:
    """The state of one LP-guided or contiguous search: the clock, the steps reported, the LP,
    the best bound and the best zoning so far. Phases read and update it in turn."""

    model: MatrixModel
    problem: ZoningProblem
    options: ModelOptions
    time_limit: float
    deadline: float
    target_gap: float
    began: float = field(default_factory=time.perf_counter)
    steps: list[dict] = field(default_factory=list)
    lp: SolveOutcome | None = None
    bound: float | None = None
    best: Zoning | None = None
    best_values: np.ndarray | None = None  # a better full vector found by a MIP, if any
    solver_name: str = "HiGHS"
    proof_split: bool = False
    pending_proof: BackgroundSolve | None = None  # the proof running beside the windows
    pending_bound: BackgroundBound | None = None  # the class-count bound running beside them
    lp_duals: np.ndarray | None = None  # the LP's reduced costs (one per column), when optimal
    chain_round: float = 0.0  # seconds one round of the local search took, at most

    def at(self, share: float) -> float:
        """The clock (time.perf_counter()) at `share` of the time limit, never past the deadline."""
        return min(self.began + share * self.time_limit, self.deadline)

    @property
    def child_deadline(self) -> float:
        """When solver children must have ended: before the deadline alarm of `_run_phases`."""
        return self.deadline - OUTCOME_SECONDS - OUTCOME_PER_PAIR * self.model.n_pairs - 0.02

    def left(self) -> float:
        """Seconds left before the deadline."""
        return self.deadline - time.perf_counter()

    def record(self, step: dict) -> None:
        """Add a step to the report with the seconds since the start when it ended."""
        self.steps.append({**step, "ends_at": round(time.perf_counter() - self.began, 3)})

    def offer(self, zoning: Zoning) -> bool:
        """Keep `zoning` when it is the best so far; True when kept."""
        if self.best is None or zoning.objective < self.best.objective - 1e-9:
            self.best, self.best_values = zoning, None
            return True
        return False

    def proven_beside(self) -> bool:
        """True when the proof running beside the windows has ended and its bound leaves
        nothing to win within `target_gap`: against the best zoning, or its own when it solved
        the model itself (the contiguous MIP) — the windows may stop, the proof phase reads it."""
        proof = self.pending_proof
        if proof is None or not proof.ended():
            return False
        outcome, _ = proof.finish()
        objective = None if self.best is None else self.best.objective
        if proof.model is self.model and outcome.values is not None and outcome.objective is not None:
            objective = outcome.objective if objective is None else min(objective, outcome.objective)
        gap = relative_gap(objective, outcome.bound)
        return gap is not None and gap <= self.target_gap * 1.0001

    def raise_bound(self, bound: float | None) -> None:
        if bound is not None:
            self.bound = bound if self.bound is None else max(self.bound, bound)

    def outcome(self, strategy: str) -> StrategyOutcome:
        """The final outcome: the best zoning, the best bound, and the honest gap."""
        lp_bound = None if self.lp is None else self.lp.bound
        if self.best is None:
            nothing = SolveOutcome(
                None,
                "no_solution",
                "; ".join(f"{s['step']}: {s['status']}" for s in self.steps),
                None,
                self.bound,
                None,
                time.perf_counter() - self.began,
                self.solver_name,
            )
            return StrategyOutcome(nothing, strategy, lp_bound, tuple(self.steps))
        values = self.best_values if self.best_values is not None else self.best.values(self.model, self.problem)
        objective = self.model.objective(values)
        gap = relative_gap(objective, self.bound)
        status = "optimal" if gap is not None and gap <= self.target_gap * 1.0001 else "feasible"
        outcome = SolveOutcome(
            values,
            status,
            "; ".join(f"{s['step']}: {s['status']}" for s in self.steps),
            objective,
            self.bound,
            gap,
            time.perf_counter() - self.began,
            self.solver_name,
        )
        return StrategyOutcome(outcome, strategy, lp_bound, tuple(self.steps))


def bound_phase(search: Search) -> None:
    """The LP relaxation: the bound every answer is measured against, and the fractional
    zoning the starts are rounded from. A start (current or nearest school) is kept in case
    nothing else fits in the time."""
    model, problem = search.model, search.problem
    start = feasible_start(model, problem)
    rule = model.contiguity_rule()
    if rule is None or is_feasible(model, start):
        search.offer(Zoning.of(model, problem, round_shares(model, start)))
    lp, duals = solve_by_deadline(model, relax=True, deadline=search.child_deadline)
    search.solver_name = lp.solver
    search.record(
        {"step": "lp_relaxation", "status": lp.status, "objective": lp.objective, "seconds": round(lp.seconds, 3)}
    )
    if lp.values is not None:
        search.lp = lp
        search.raise_bound(lp.bound)  # the LP objective only when the LP was solved to optimality
        if lp.bound is not None and duals is not None:
            search.lp_duals = duals


def _class_count_proof(search: Search) -> bool:
    """True when the proof step is the class-count bound (`zoning.lagrange`): several grades or
    years, the LP solved to optimality (its duals start the multipliers), `PROOF_METHOD`."""
    _, is_split = bounding_model(search.model, search.problem)
    return is_split and PROOF_METHOD == "class_count" and search.lp_duals is not None


def launch_proof_phase(search: Search) -> None:
    """With two cores and several grades or years, start the proof in a child process now,
    beside the starts and windows, until the deadline (its bound is what it is for, and the
    bound does not need a good start): the class-count bound from the LP duals, or (LP cut
    short, or `PROOF_METHOD`) the split-quarter MIP warm-started from the nearest schools."""
    bounding, is_split = bounding_model(search.model, search.problem)
    if not PARALLEL_PROOF or search.left() <= MIN_PROOF_SECONDS:
        return
    if _class_count_proof(search):
        assert search.lp_duals is not None
        search.pending_bound = BackgroundBound(
            search.model, search.problem, search.lp_duals, deadline=search.child_deadline, lp_bound=search.bound
        )
    elif is_split and search.best is not None:
        search.pending_proof = BackgroundSolve(
            bounding,
            deadline=search.child_deadline,
            start=search.best.values(search.model, search.problem),
            mip_rel_gap=search.target_gap,
        )


def _start_models(search: Search) -> list[tuple[str, MatrixModel]]:
    """The rounding LPs after the LP itself, in the order they are tried: rooms held back
    (`RESERVES`), then the LP's class counts rounded to whole classes that fit the rooms."""
    model, problem, lp = search.model, search.problem, search.lp
    assert lp is not None and lp.values is not None
    _, m, T, G = problem.shape
    models: list[tuple[str, MatrixModel]] = []
    room_rows = slice(model.n_rows - m * T, model.n_rows)
    for reserve in RESERVES:
        held = reserve * max(G - 1, 0) * float(problem.rooms_per_class.max())
        if held <= 0:
            continue
        row_hi = model.row_hi.copy()
        row_hi[room_rows] = np.maximum(model.row_hi[room_rows] - held, 0.0)
        models.append((f"lp_reserve_{held:g}_rooms", replace(model, row_hi=row_hi)))
    if model.integer[model.classes_slice].any():
        fixed = whole_class_counts(model, problem, lp.values)
        col_lo, col_hi = model.col_lo.copy(), model.col_hi.copy()
        col_lo[model.classes_slice] = col_hi[model.classes_slice] = fixed.ravel()
        models.append(("lp_whole_classes", replace(model, col_lo=col_lo, col_hi=col_hi)))
    return models


def starts_phase(search: Search) -> None:
    """Fractional starts rounded to whole quarters, repaired, and improved by moves, swaps and
    ejection chains; the best is kept. Each rounding LP is solved in a child process while the
    previous start is being rounded and improved (no LP starts after `START_LPS_SHARE` of the
    time, each stops at `START_LP_END`; no rounding starts after `STARTS_SHARE`, except the
    LP's own)."""
    model, problem, lp = search.model, search.problem, search.lp
    if lp is None or lp.values is None:
        return
    waiting = _start_models(search)
    end = search.at(STARTS_SHARE)

    def launch() -> tuple[str, BackgroundSolve] | None:
        if not waiting or time.perf_counter() > search.at(START_LPS_SHARE):
            return None
        name, lp_model = waiting.pop(0)
        return name, BackgroundSolve(lp_model, relax=True, deadline=search.at(START_LP_END))

    running = launch()
    name, number = "lp_rounded", 0
    values: np.ndarray | None = lp.values
    try:
        while True:
            t0 = time.perf_counter()
            if values is not None and (number == 0 or t0 < end):
                # the LP's own rounding is always made (up to 90% of the time), the others in time
                stop = min(t0 + LOCAL_SEARCH_SHARE * search.time_limit, search.at(0.9) if number == 0 else end)
                chosen = repair_overflow(model, problem, round_shares(model, values), deadline=stop)
                t1 = time.perf_counter()
                chosen, moves = improve_by_chains(model, problem, chosen, deadline=stop)
                search.chain_round = max(search.chain_round, (time.perf_counter() - t1) / max(moves["rounds"], 1))
                zoning = Zoning.of(model, problem, chosen)
                search.record(
                    {
                        "step": f"round_and_repair ({name})",
                        "status": "feasible",
                        "objective": zoning.objective,
                        "seconds": round(time.perf_counter() - t0, 3),
                        **moves,
                    }
                )
                search.offer(zoning)
                number += 1
            if running is None or time.perf_counter() >= end:
                break
            name, solve = running
            outcome, _ = solve.finish()
            running = launch()
            values = outcome.values
    finally:
        if running is not None:
            running[1].cancel()


def _excess_priority(search: Search, chosen: np.ndarray) -> np.ndarray:
    """Per school, what its quarters cost beyond the LP's choice (windows are seeded there)."""
    model = search.model
    n, m, _, _ = search.problem.shape
    assert search.lp is not None and search.lp.values is not None
    x_lp = search.lp.values[: model.n_pairs]
    lp_cost = np.bincount(model.pair_quarter, weights=model.cost[: model.n_pairs] * x_lp, minlength=n)
    return np.bincount(model.pair_school[chosen], weights=model.cost[chosen] - lp_cost, minlength=m)


LocalStep = Callable[[np.ndarray], "tuple[np.ndarray, dict] | None"]
"""One local search after a chunk of windows: the improved choices and their counts, or None
when it does not fit in the time left."""


def _windows_with_local_search(
    search: Search, *, window_deadline: float, local: LocalStep, name: str, chain_share: float = 0.0
) -> None:
    """Windows of `WINDOW_SCHOOLS` neighbouring schools re-solved exactly (`zoning.windows`;
    with contiguity, the main model with the other columns held, so the rule still holds),
    taking turns with `local` until `window_deadline`: a window's new zones open new moves.
    The best zoning is offered after each step (kept should the deadline alarm ring)."""
    model, problem = search.model, search.problem
    assert search.best is not None
    chosen = search.best.chosen
    priority = _excess_priority(search, chosen)
    t0 = time.perf_counter()
    stats = {"windows": 0, "improved": 0, "gain": 0.0}
    chains = {"windows": 0, "improved": 0, "gain": 0.0}
    next_seed = 0
    moves = {"rounds": 0, "moves": 0, "swaps": 0, "gain": 0.0}
    proven = False
    try:
        while time.perf_counter() + 0.5 < window_deadline:
            if search.proven_beside():  # the proof beside has closed the gap: nothing to win here
                proven = True
                break
            if chain_share > 0:
                chunk = min(window_deadline, time.perf_counter() + chain_share * WINDOW_CHUNK * search.time_limit)
                chosen, found = improve_by_chain_windows(
                    model,
                    problem,
                    search.options,
                    chosen,
                    deadline=chunk,
                    priority=priority,
                    size=CHAIN_SCHOOLS,
                    window_seconds=CHAIN_SECONDS,
                    start_at=next_seed,
                )
                next_seed = int(found["next"])
                for key in chains:
                    chains[key] += found[key]
                search.offer(Zoning.of(model, problem, chosen))
            if chain_share < 1.0:
                share = 1.0 - chain_share
                chunk = min(window_deadline, time.perf_counter() + share * WINDOW_CHUNK * search.time_limit)
                chosen, found = improve_by_windows(
                    model,
                    problem,
                    search.options,
                    chosen,
                    deadline=chunk,
                    priority=priority,
                    window=WINDOW_SCHOOLS,
                    window_seconds=WINDOW_SECONDS,
                )
                for key in stats:
                    stats[key] += found[key]
                search.offer(Zoning.of(model, problem, chosen))
            improved = local(chosen)
            if improved is None:
                continue
            chosen, local_stats = improved
            for key in moves:
                moves[key] += local_stats[key]
            search.offer(Zoning.of(model, problem, chosen))
    finally:
        if (stats["windows"] or chains["windows"] or moves["rounds"] or proven) and search.best is not None:
            search.record(
                {
                    "step": name,
                    "status": "feasible",
                    "proven_beside": proven,
                    "objective": search.best.objective,
                    "seconds": round(time.perf_counter() - t0, 3),
                    **stats,
                    **({f"chain_{k}": v for k, v in chains.items()} if chain_share > 0 else {}),
                    **{f"local_{k}": v for k, v in moves.items()},
                }
            )


def windows_phase(search: Search) -> None:
    """Windows of neighbouring schools re-solved exactly, taking turns with the local search
    (moves, swaps, ejection chains), until `WINDOW_SHARE` of the time (`PARALLEL_WINDOW_END`
    with the proof beside them); only with several grades or years (with one, the whole MIP
    of the proof phase does better)."""
    model, problem = search.model, search.problem
    _, is_split = bounding_model(model, problem)
    search.proof_split = is_split
    if not is_split or search.lp is None or search.lp.values is None or search.best is None:
        return
    beside = search.pending_proof is not None or search.pending_bound is not None
    window_deadline = search.at(PARALLEL_WINDOW_END if beside else WINDOW_SHARE)

    def chains(chosen: np.ndarray) -> tuple[np.ndarray, dict] | None:
        last_call = search.at(0.98)
        if time.perf_counter() + search.chain_round >= last_call:
            return None  # one more round of chains would not fit
        stop = min(time.perf_counter() + LOCAL_SEARCH_SHARE * search.time_limit, last_call)
        t1 = time.perf_counter()
        chosen, found = improve_by_chains(model, problem, chosen, deadline=stop)
        search.chain_round = max(search.chain_round, (time.perf_counter() - t1) / max(found["rounds"], 1))
        return chosen, found

    _windows_with_local_search(
        search, window_deadline=window_deadline, local=chains, name="windows", chain_share=CHAIN_SHARE
    )


def proof_phase(search: Search) -> None:
    """The rest of the time proves a bound (split-quarter relaxation) or runs the whole MIP
    (one grade and year, or contiguity), warm-started from the best zoning; killed at the
    deadline, keeping what it last reported."""
    model, problem = search.model, search.problem
    if search.pending_bound is not None or (
        model.contiguity_rule() is None and search.pending_proof is None and _class_count_proof(search)
    ):
        _finish_class_count_bound(search)
        return
    bounding, is_split = bounding_model(model, problem) if model.contiguity_rule() is None else (model, False)
    if search.pending_proof is not None:  # started beside the windows
        proof, _ = search.pending_proof.finish()
        search.pending_proof = None
    else:
        if search.left() < MIN_PROOF_SECONDS or (search.best is None and model.contiguity_rule() is None):
            return
        values = None if search.best is None else search.best.values(model, problem)
        proof, _ = solve_by_deadline(
            bounding, deadline=search.child_deadline, start=values, mip_rel_gap=search.target_gap
        )
    name = (
        "split_quarter_bound"
        if is_split
        else ("contiguous_mip" if model.contiguity_rule() is not None else "full_mip_warm_start")
    )
    search.record(
        {
            "step": name,
            "status": proof.status,
            "objective": proof.objective,
            "bound": proof.bound,
            "seconds": round(proof.seconds, 3),
        }
    )
    search.raise_bound(proof.bound)
    if (
        not is_split
        and proof.values is not None
        and proof.objective is not None
        and (search.best is None or proof.objective < search.best.objective - 1e-9)
        and is_feasible(model, proof.values, 1e-5)
    ):
        x = proof.values[: model.n_pairs]
        chosen = round_shares(model, x)
        search.best = Zoning(chosen, float(proof.objective))
        search.best_values = proof.values


def _finish_class_count_bound(search: Search) -> None:
    """The class-count bound: read back from its child process, or (one core) computed now
    until the deadline."""
    if search.pending_bound is not None:
        result = search.pending_bound.finish()
        search.pending_bound = None
    elif search.left() >= MIN_PROOF_SECONDS:
        assert search.lp_duals is not None
        target = None if search.best is None else search.best.objective
        result = class_count_bound(
            search.model,
            search.problem,
            search.lp_duals,
            deadline=search.child_deadline,
            lp_bound=None if search.lp is None else search.lp.bound,
            target=target,
        )
    else:
        result = ClassCountBound(None, None, 0, 0.0)
    search.record(
        {
            "step": "class_count_bound",
            "status": "bound" if result.bound is not None else "no_bound",
            "objective": None,
            "bound": result.bound,
            "first_bound": result.first_bound,
            "subgradient_steps": result.steps,
            "seconds": round(result.seconds, 3),
        }
    )
    search.raise_bound(result.bound)


def grow_phase(search: Search) -> None:
    """Contiguous zones grown from the schools' anchors, following the LP's preferences."""
    model, problem = search.model, search.problem
    rule = model.contiguity_rule()
    assert rule is not None
    t0 = time.perf_counter()
    lp_values = None if search.lp is None else search.lp.values
    preference = np.zeros(model.n_pairs) if lp_values is None else lp_values[: model.n_pairs]
    usable = model.col_hi[: model.n_pairs] > 0
    # seats per school: whole classes of the grades' mean limit in its rooms, the tightest year
    classes = np.floor(problem.rooms / problem.rooms_per_class[:, None] + 1e-9)  # (m, T)
    seats = (classes * problem.class_limit.mean(axis=1)[:, None]).min(axis=1)
    chosen = grow_zones(
        model.pair_quarter,
        problem.shape[0],
        rule,
        usable,
        preference,
        problem.metres(model.pair_quarter, model.pair_school),
        pair_school=model.pair_school,
        pupils=problem.quarter_pupils().max(axis=1),
        seats=seats,
    )
    stuck = int((chosen < 0).sum())
    if stuck == 0:
        zoning = Zoning.of(model, problem, chosen)
        search.offer(zoning)
        objective: float | None = zoning.objective
    else:
        objective = None
    search.record(
        {
            "step": "grow_contiguous",
            "status": "feasible" if stuck == 0 else "incomplete",
            "objective": objective,
            "seconds": round(time.perf_counter() - t0, 3),
            "unreached": stuck,
        }
    )


def moves_phase(search: Search) -> None:
    """The local search keeping the contiguity rule (moves only), until `STARTS_SHARE`."""
    model, problem = search.model, search.problem
    if search.best is None:
        return
    t0 = time.perf_counter()
    chosen, moves = improve_locally(
        model, problem, search.best.chosen, deadline=search.at(STARTS_SHARE), rule=model.contiguity_rule()
    )
    zoning = Zoning.of(model, problem, chosen)
    search.offer(zoning)
    search.record(
        {
            "step": "contiguous_moves",
            "status": "feasible",
            "objective": zoning.objective,
            "seconds": round(time.perf_counter() - t0, 3),
            **moves,
        }
    )


def contiguous_windows_phase(search: Search) -> None:
    """Windows of neighbouring schools re-solved exactly under the contiguity rule (the main
    model with the other columns held), taking turns with rule-keeping moves; the whole MIP
    runs beside them in a child process when the machine has two cores."""
    model, problem = search.model, search.problem
    if search.best is None or search.lp is None or search.lp.values is None:
        return
    window_deadline = search.at(WINDOW_SHARE)
    if PARALLEL_PROOF and search.left() > MIN_PROOF_SECONDS:
        search.pending_proof = BackgroundSolve(
            model,
            deadline=search.child_deadline,
            start=search.best.values(model, problem),
            mip_rel_gap=search.target_gap,
        )
        window_deadline = search.at(PARALLEL_WINDOW_END)
    rule = model.contiguity_rule()

    def moves(chosen: np.ndarray) -> tuple[np.ndarray, dict]:
        return improve_locally(model, problem, chosen, deadline=min(window_deadline, search.at(0.98)), rule=rule)

    _windows_with_local_search(search, window_deadline=window_deadline, local=moves, name="contiguous_windows")


class OutOfTime(Exception):
    """Raised in the search by the deadline alarm (`_run_phases`)."""


OUTCOME_SECONDS = 0.05
OUTCOME_PER_PAIR = 1e-6
"""Seconds kept before the deadline for the outcome (the best zoning's full vector)."""


def _run_phases(search: Search, phases: tuple[tuple[str, Phase], ...]) -> None:
    """Run `phases` in turn; at the deadline an alarm (SIGALRM, main thread on POSIX only)
    interrupts whatever NumPy step of the search is running, and the search keeps the best
    zoning and bound it had. The last phase (the proof, or the contiguous MIP) runs without
    the alarm: its solver child ends by `Search.child_deadline` by itself, and it reads back
    what the child (also one running beside the earlier phases) last reported."""
    import signal
    import threading

    alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    margin = OUTCOME_SECONDS + OUTCOME_PER_PAIR * search.model.n_pairs
    previous = None
    if alarm:

        def ring(signum: int, frame: object) -> None:
            raise OutOfTime

        previous = signal.signal(signal.SIGALRM, ring)
        signal.setitimer(signal.ITIMER_REAL, max(search.deadline - margin - time.perf_counter(), 0.001))
    try:
        for _, phase in phases[:-1]:
            phase(search)
    except OutOfTime:
        search.record({"step": "deadline", "status": "stopped", "objective": None, "seconds": 0.0})
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    phases[-1][1](search)


Phase = Callable[[Search], None]
LP_GUIDED_PHASES: tuple[tuple[str, Phase], ...] = (
    ("bound", bound_phase),
    ("launch_proof", launch_proof_phase),
    ("starts", starts_phase),
    ("windows", windows_phase),
    ("proof", proof_phase),
)
"""The LP-guided strategy, phase by phase (name, function of the `Search`)."""
CONTIGUOUS_PHASES: tuple[tuple[str, Phase], ...] = (
    ("bound", bound_phase),
    ("grow", grow_phase),
    ("moves", moves_phase),
    ("windows", contiguous_windows_phase),
    ("mip", proof_phase),
)
"""The contiguous strategy at city scale, phase by phase."""
