"""A Lagrangian lower bound of the network model over every site choice: the assignment and
budget rows dualised, whole quarters, whole classes and whole sites inside the pieces.

The LP relaxation of the network model (`zoning.network_model`, symbols there) opens
fractional classes per grade, fractional sites and fractional quarters; its bound misses
about half a class per grade in every full school. As in `zoning.lagrange` (one school's
piece per zoning), the rows that link the schools are dualised, with multipliers y in HiGHS's
sign convention (reduced costs c − Aᵀy):

    Σ_j x[i,j,t] = 1                      y = u[i,t] free        each level's assignment rows
    Σ_levels Σ_o cost[o]·z[o,T] ≤ B       y = −λ ≤ 0             money budget
    Σ_o z[o,T] ≤ p                        y = −μ ≤ 0             number of sites
    Σ_j c[j] ≥ K                          y = κ ≥ 0              closure combinations
    Σ o ≤ Ō                               y = −ν ≤ 0             the overflow before (closures)

(each row scaled by its largest coefficient, so that a budget in VND and an assignment row
weigh alike in a step). Every other row — seats, rooms, the site links x ≤ Σ_o z (= for a
must pair at a site), x + c ≤ 1, one option per site and year (= 1 at T for a must-open
site), z[o,t] ≤ z[o,t+1] and the reduction's z[o,t] = z[o,t+1], the feeder rows
x[a,j,t] = x[b,j,t] — holds columns of one school column of one level, so the rest splits into
pieces: the connected components of those rows and the columns (found generically, as
`zoning.network_parts` does). With c̃ = c − A_Dᵀ y and b_r the dualised rows' right-hand sides:

    θ(y) = Σ_r y_r·b_r + Σ_pieces piece(y),   piece(y) = min { c̃·v : the piece's rows, bounds,
                                                                  integrality (the model's) }

The pieces are, per level:
- an existing school j in year t (as in `zoning.lagrange`): min Σ_i (D[i,t]·w[i,j] − u[i,t])·
  x[i,j,t] + (M + ν)·Σ_g o[j,t,g] over whole quarters x ∈ {0,1} (x = 1 for a must pair), whole
  classes n[j,t,g] ∈ ℤ≥0 per grade with Σ_i d·x ≤ L·n + o and Σ_g r·n ≤ R[j,t], and the feeder
  rows of j and t;
- a neighbour school j in year t: the same with seats (n continuous, L = 1): a knapsack of
  whole quarters with a soft capacity;
- a closable school j: all its years with c[j], min(−κ [closed], Σ_t piece_{j,t} [open]);
- a candidate site s: all its years with its options: min over "not opened" (0; not for a
  must-open site) and each option o and opening year f ≥ first[o] (f = first[o] under the
  model's reduction, at a site without a must pair) of
      (ε + λ)·cost[o] + μ + Σ_{t ≥ f} piece_{s,t,o}(y),
  piece_{s,t,o} the existing school's piece with S[o] rooms, and x = 1 in the years open for
  the quarters of a must pair at s (0 before). It is computed so (`_LinkedPiece`: the feasible
  patterns of the site's z columns, each year piece bounded by the LP of the largest option,
  then by its own LP and MIP while it belongs to the best pattern), not as one MIP over the
  years (`LINKED_PIECES`).
Any whole plan satisfies every piece's rows, and for it the dualised terms y_r·(b_r − a_r·v)
are 0 (equalities) or ≤ 0 (inequalities, with y of the right sign), so θ(y) ≤ the optimum for
every y (weak duality), whatever the sites; each piece's proven MIP bound (or its LP value)
may stand in for its optimum. With y the LP's row duals and every piece relaxed, θ(y) is the
LP bound; whole quarters, classes and sites inside the pieces lift it. Subgradient: b − A_D·v
(v the pieces' solutions; at y_r = 0 an inequality row's component clipped to the side it may
move), steps by `zoning.lagrange.polyak_ascent` (deflected, Polyak's step lengths), the
multipliers projected onto their signs. The pieces reuse `zoning.lagrange`'s piece models
(`piece_solvers`: LP first, then the MIP from its last solution, heuristics off), and a piece
whose reduced costs barely moved keeps its last value plus the least the change can take off
(Σ min(Δ·lo, Δ·hi) over its columns: still a bound).

Two phases (`network_bound`). First the steps with the quarters relaxed inside the pieces
(x ∈ [0, 1], classes, sites and closures whole): each piece's value is then a lower bound of
its value with whole quarters, so the same weak duality holds for this weaker θ'(y) ≤ θ(y); a
piece's MIP has only its classes integer (one school-year: ≈ 5 ms instead of ≈ 25 ms with
HiGHS's MIP solver, ≈ 3 ms by `zoning.small_mip.branch_and_bound`, `SMALL_MIP`) and keeps ≈ 90% of what whole classes and quarters add above the LP at the
LP duals (whole classes with shared quarters are what the rise is made of: a grade's classes
can only be filled to the last pupil by quarters split across grades in the proportions of
their pupils). Then, from the best multipliers of the first phase (`RELAXED_SHARE` of the
time, or in a short run earlier once `RELAXED_PATIENCE` relaxed steps in a row found no better
θ), θ with
whole quarters: each piece's relaxed value stands as its floor (a piece cut short
by the deadline keeps it, so θ there is never below θ'), a piece whose relaxed solution already
has whole quarters keeps its value and solution without being solved again; then its steps,
with a modest Polyak target (`EXACT_SHARE`). A relaxed piece's branch-and-bound starts from
the open nodes of its search at the last multipliers (`SEARCH_REUSE`: only the costs changed,
and the open nodes of any search tree hold every whole point of the piece that its root does).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from zoning.lagrange import (
    REUSE_SHIFT,
    WARM_START,
    ClassCountBound,
    piece_solvers,
    polyak_ascent,
)
from zoning.network_model import NetworkModel
from zoning.network_sites import shared_rows
from zoning.small_mip import branch_and_bound

__all__ = ["NetworkDual", "NetworkPieces", "dualised_rows", "network_bound"]

TARGET_SHARE = 1.0
"""Polyak's target (`zoning.lagrange.polyak_ascent`): the best θ plus this share of its rise
above the LP bound. Ward benchmark, every grade, θ after 1 / 3 / 5 steps (× 10⁶; 139.81 at
the LP duals): 0.4 (the zoning bound's) 140.14 / 140.86 / 141.54; 0.7 140.32 / 141.15 / —;
1.0 140.44 / 141.22 / 141.91; 1.3 140.49 / 141.26 / 141.94; 2.0 140.49 / stalled at 140.60.
Later 1.0 climbs no faster: 142.72 after 15 steps (45 s), 0.4 142.67 after 12 (33 s)."""
RELAXED_SHARE = 0.7
"""Share of the time spent on steps with the quarters relaxed inside the pieces (x in [0, 1],
classes and sites whole: `NetworkPieces(whole_quarters=False)`, a relaxation of each piece and
≈ 3× faster); then θ with whole quarters at the best multipliers so far, and its steps. 0: whole
quarters from the start (the bound before). Ward benchmark, every grade, the best θ (× 10⁶,
same process each line), final code: in 6.4 s (the benchmark child's time) 0.5 141.66, 0.6
141.84, 0.7 141.96; in 8 s 0.6 142.04, 0.7 142.16, 0.8 142.07; in 60 s 0.6 143.53, 0.7 143.26.
Before `zoning.small_mip` and `RELAXED_TARGET`, in 8 s: 0 140.91, 0.6 141.83, 0.75
141.45–141.68, 0.85 141.58–141.65, 1.0 (relaxed only) 141.45; in 60 s: 0 141.90, 0.4 142.83,
0.6 143.10 (143.25 with `EXACT_SHARE` 0.1)."""
RELAXED_TARGET = 1.2
"""Polyak's target share (as `TARGET_SHARE`) of the relaxed steps. Ward benchmark, every grade,
the best θ in 8 s (× 10⁶, final code): 0.7 141.36, 1.0 141.84, 1.15 142.07, 1.2 142.04, 1.3
142.00–142.09, 1.5 141.35; in 60 s: 1.0 143.49, 1.2 143.53."""
SHORT_RUN_SECONDS = 30.0
"""A bound given at most this many seconds (the planner's 10–20 s runs) halves its relaxed steps
after `RELAXED_STALL_STEPS` steps without a better θ and ends them after `RELAXED_PATIENCE` in a
row; a longer one keeps `zoning.lagrange.STALL_STEPS` and `RELAXED_SHARE` alone."""
RELAXED_STALL_STEPS = 2
"""In a short run (`SHORT_RUN_SECONDS`), relaxed steps without a better θ after which their step
size is halved (`zoning.lagrange.STALL_STEPS` = 3 otherwise)."""
RELAXED_PATIENCE: int | None = 4
"""In a short run (`SHORT_RUN_SECONDS`), the relaxed steps end, and θ with whole quarters begins,
after this many relaxed steps in a row without a better θ (None: only at `RELAXED_SHARE` of the
time). Ward benchmark, every grade, the relaxed steps stall at 141.83 × 10⁶ after ≈ 8 s of CPU
(7 steps) and then climb slowly with halved steps, while θ with whole quarters there is ≈ 0.4
higher. The bound alone, best θ at 15 / 20 / 30 / 40 s of CPU (60 s runs; two runs, load
3.1–3.6): no patience 141.90–142.12 / 142.19–142.36 / 142.62–142.64 / 142.80–143.12; 4 with
halving after 2: 142.27 / 142.53 / 142.62 / 142.86 (so not in longer runs); 2 (halving after 3):
142.26 at 15 s, then 142.19 at 60 s (the whole-quarter steps from 9 s barely climb); 5: 142.27 /
142.55 / 142.71 / 142.77."""
EXACT_SHARE = 0.1
"""Polyak's target share (as `TARGET_SHARE`) of the steps with whole quarters after the relaxed
ones: the relaxed steps have come near their own maximum, a bold target overshoots. Ward
benchmark, every grade, 60 s (relaxed until 36 s, 142.67 × 10⁶; θ with whole quarters there
143.10): 1.0 no better θ in the 8 steps after, 0.1 143.25 after 6."""
SMALL_MIP = 12
"""A piece (or a site's year piece) with at most this many integer columns — a school-year with
the quarters relaxed: its classes per grade — is solved by `zoning.small_mip.branch_and_bound`
on its LP instead of HiGHS's MIP solver (3.2 ms instead of 5.8 on the ward's school-years)."""
SEARCH_REUSE = True
"""`zoning.small_mip.branch_and_bound` of a piece (or a site's year piece with its pattern's
rooms) starts from the open nodes of its search at the last multipliers (`leaves`: they cover
every whole point of the piece whatever the costs) instead of the root, and not from a second
solve of the root LP already solved. Ward benchmark, every grade, the same 7 relaxed evaluations
(the same θ'): 4.2–4.7 s of CPU instead of 5.1–6.4, ≈ 9.6 LPs a search instead of ≈ 12."""
LINKED_PIECES = True
"""Sites and closable schools are solved pattern by pattern, year by year (`_LinkedPiece`)
instead of as one MIP over their years."""
PIECE_SECONDS = 0.1
"""Most seconds a piece's MIP may take in one evaluation (its proven bound then stands in for
its optimum). Ward benchmark, every grade, θ at the LP duals: every piece to its gap 9.0 s
(two site pieces 2.2 and 3.0 s), capped at 0.1 s 2.2 s for a sum of the pieces 0.01% of θ
lower, at 0.02 s 1.3 s and 0.6% lower."""


def dualised_rows(model: NetworkModel) -> np.ndarray:
    """Row indices of the dualised rows: each level's n·T assignment rows, then the shared
    rows at the end of the model (budgets, closure combinations)."""
    own = [b.r0 + np.arange(b.net.shape[0] * b.net.shape[2]) for b in model.blocks]
    shared = np.arange(model.n_rows - shared_rows(model), model.n_rows)
    return np.concatenate([*own, shared]).astype(np.int64)


class _LinkedPiece:
    """A piece whose years are linked only by a few 0/1 columns — a site's z[o,t], a closable
    school's c[j] (`link`) — with few feasible patterns: each option opened from a year f to
    the horizon, or none; closed or not. With the pattern fixed the piece splits into its years
    (the components of its other rows and columns), so

        piece = min over patterns p of  c̃_link·z_p + Σ_k piece_k(rows shifted by A_link·z_p)

    and any lower bounds of the year pieces give a lower bound of it. Every year piece is
    first bounded by its LP (0 without solving when its costs are ≥ 0 and 0 is feasible), then
    the MIPs of the best pattern's year pieces are solved, until the best pattern's are all
    solved (a branch-and-bound over the patterns): per year a MIP of one school-year, as for an
    existing school, instead of one MIP over every year, whose tree multiplies the years' (a
    site of the ward benchmark: 3.0 s as one MIP)."""

    def __init__(
        self,
        model: NetworkModel,
        block: sparse.csr_matrix,
        rows: np.ndarray,
        cols: np.ndarray,
        link: np.ndarray,
        groups: list[np.ndarray],
        integer: np.ndarray,
    ) -> None:
        self.model = model
        self.integer = integer  # (n_cols,) the model's integrality, or with the quarters relaxed
        self.rows, self.cols = rows, cols
        is_link = np.isin(cols, link)
        self.link, self.free = np.flatnonzero(is_link), np.flatnonzero(~is_link)  # local columns
        a_link = block[:, self.link].tocsr()
        a_free = block[:, self.free].tocsr()
        has_free = np.diff(a_free.indptr) > 0
        # candidate patterns: none, or one group (an option's years, a closure) on from f
        position = {int(c): i for i, c in enumerate(cols[self.link])}
        candidates = [np.zeros(len(self.link))]
        for group in groups:
            mine = [position[int(c)] for c in group if int(c) in position]
            for f in range(len(mine)):
                z = np.zeros(len(self.link))
                z[mine[f:]] = 1.0
                candidates.append(z)
        patterns = np.array(candidates)
        lo, hi = model.row_lo[rows], model.row_hi[rows]
        activity = (a_link[~has_free] @ patterns.T).T  # link-only rows: one option, monotone, must open
        ok = (
            (activity >= lo[~has_free] - 1e-9).all(axis=1)
            & (activity <= hi[~has_free] + 1e-9).all(axis=1)
            & (patterns >= model.col_lo[cols[self.link]] - 1e-9).all(axis=1)
            & (patterns <= model.col_hi[cols[self.link]] + 1e-9).all(axis=1)
        )
        self.patterns = patterns[ok]
        shifts = (a_link @ self.patterns.T).T  # (patterns, rows)
        # the year pieces: components of the rows with free columns and the free columns
        sub = a_free[has_free]
        pattern_ = (sub != 0).astype(np.int8)
        k = sub.shape[0]
        graph = sparse.bmat([[None, pattern_], [pattern_.T, None]], format="csr")
        _count, label = connected_components(graph, directed=False)
        row_label, col_label = label[:k], label[k:]
        row_index = np.flatnonzero(has_free)
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []  # (local rows, local free columns)
        for lab in np.unique(col_label):  # a loop over years
            self.parts.append((row_index[row_label == lab], self.free[col_label == lab]))
        # distinct row bounds of each year piece over the patterns: (part, key) → slot
        self.slot_of = np.zeros((len(self.patterns), len(self.parts)), dtype=np.int64)
        self.slots: list[tuple[int, np.ndarray, np.ndarray]] = []  # (part, row lo, row hi)
        for q, (part_rows, _) in enumerate(self.parts):
            seen: dict[bytes, int] = {}
            for p in range(len(self.patterns)):
                shift = np.round(shifts[p, part_rows], 9)
                key = shift.tobytes()
                if key not in seen:
                    seen[key] = len(self.slots)
                    self.slots.append((q, lo[part_rows] - shift, hi[part_rows] - shift))
                self.slot_of[p, q] = seen[key]
        self.block = block
        self.solvers: list = [None] * len(self.parts)
        self.relaxed: list = [None] * len(self.parts)
        self.last: list = [None] * len(self.slots)
        self.leaves: list[list] = [[] for _ in self.slots]  # each slot's last search's open nodes
        self.zero_ok = [
            bool((model.col_lo[cols[c]] == 0).all() and (rlo <= 1e-9).all() and (rhi >= -1e-9).all())
            for (q, rlo, rhi) in self.slots
            for c in [self.parts[q][1]]
        ]
        # a slot whose row bounds contain another's (of the same year piece) is a relaxation
        # of it: its value is a lower bound of the other's (more rooms never cost more); each
        # slot's `parent` is such a slot that no other contains, its own LP solved first
        count = len(self.slots)
        contains = np.zeros((count, count), dtype=bool)  # [b, a]: b relaxes a (a loop over ≤ (O + 1)·T slots)
        for a, (qa, lo_a, hi_a) in enumerate(self.slots):
            for b, (qb, lo_b, hi_b) in enumerate(self.slots):
                contains[b, a] = a != b and qa == qb and bool((lo_b <= lo_a).all() and (hi_b >= hi_a).all())
        maximal = np.asarray(~contains.any(axis=0))  # slots of one part have distinct bounds: no ties
        above = [np.flatnonzero(contains[:, a] & maximal) for a in range(count)]
        self.parent = np.array([int(b[0]) if len(b) and not maximal[a] else a for a, b in enumerate(above)])
        self.mips = 0

    def _build(self, q: int) -> None:
        part_rows, part_cols = self.parts[q]
        model, cols = self.model, self.cols[part_cols]
        self.solvers[q], self.relaxed[q] = piece_solvers(
            model.cost[cols],
            model.col_lo[cols],
            model.col_hi[cols],
            self.integer[cols],
            self.block[part_rows][:, part_cols].tocsr(),
            model.row_lo[self.rows[part_rows]],
            model.row_hi[self.rows[part_rows]],
            with_mip=bool(self.integer[cols].sum() > SMALL_MIP),  # else `branch_and_bound` on the LP
        )

    def _run(self, h, slot: int, costs: np.ndarray, start: list | None = None, run: bool = True) -> None:
        """Run `h` (a year piece's HiGHS model) with the row bounds of `slot`, `costs`, and
        `start` (a solution of the same slot) as its warm start (only set them: `run` False)."""
        import highspy

        _, rlo, rhi = self.slots[slot]
        n_rows = len(rlo)
        h.changeRowsBounds(n_rows, np.arange(n_rows, dtype=np.int32), rlo.astype(np.float64), rhi.astype(np.float64))
        h.changeColsCost(len(costs), np.arange(len(costs), dtype=np.int32), costs.astype(np.float64))
        if start is not None:
            solution = highspy.HighsSolution()
            solution.col_value = start
            h.setSolution(solution)
        if run:
            h.run()

    def evaluate(self, reduced: np.ndarray, deadline: float) -> tuple[float | None, np.ndarray, bool]:
        """(a lower bound of the piece at the reduced costs `reduced` (n_cols,) or None, its v
        (the piece's columns), whether every MIP it used was proven). Each slot's bound is
        first its parent's LP (0 without solving when its costs are ≥ 0 and 0 is feasible),
        then, while it is in the best pattern, its own LP, then its MIP."""
        import highspy

        rc = reduced[self.cols]
        count = len(self.slots)
        lower = np.full(count, -np.inf)
        state = np.zeros(count, dtype=np.int8)  # 0: its parent's bound, 1: its own LP, 2: final
        values: list[np.ndarray | None] = [None] * count
        proven = True

        def zero(slot: int) -> bool:
            return self.zero_ok[slot] and bool(rc[self.parts[self.slots[slot][0]][1]].min() >= 0)

        def relax(slot: int) -> bool:
            """Slot's LP (False when out of time or neither optimal nor infeasible)."""
            q = self.slots[slot][0]
            state[slot] = 2
            if zero(slot):
                lower[slot] = 0.0  # nothing worth taking
                return True
            if time.perf_counter() > deadline:
                return False
            if self.relaxed[q] is None:
                self._build(q)
            h = self.relaxed[q]
            self._run(h, slot, rc[self.parts[q][1]])
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kInfeasible:
                lower[slot] = np.inf  # this pattern is impossible
                return True
            if status != highspy.HighsModelStatus.kOptimal:
                return False
            lower[slot] = max(lower[slot], float(h.getInfo().objective_function_value))
            solution = np.asarray(h.getSolution().col_value)
            values[slot] = solution
            whole = self.integer[self.cols[self.parts[q][1]]]
            if np.abs(solution[whole] - np.round(solution[whole])).sum() > 1e-7:
                state[slot] = 1  # fractional: its MIP may raise it
            return True

        for slot in np.flatnonzero(self.parent == np.arange(count)).tolist():
            if not relax(slot):
                return None, np.zeros(len(self.cols)), False
        link_cost = self.patterns @ rc[self.link]

        def totals() -> np.ndarray:
            own = np.where(state == 0, lower[self.parent], lower)
            return link_cost + own[self.slot_of].sum(axis=1)

        while True:
            sums = totals()
            best = int(np.argmin(sums))
            todo = [int(slot) for slot in self.slot_of[best] if state[slot] != 2]
            if not todo:
                break
            for slot in todo:  # the best pattern's year pieces: their LP, then their MIP
                if state[slot] == 0:
                    lower[slot] = lower[self.parent[slot]]
                    if not relax(slot):
                        return float(sums.min()), self._solution(best, values), False
                    continue
                now = time.perf_counter()
                if now > deadline:
                    return float(sums.min()), self._solution(best, values), False
                q = self.slots[slot][0]
                self.mips += 1
                part_cols = self.cols[self.parts[q][1]]
                whole = self.integer[part_cols]
                if whole.sum() <= SMALL_MIP:  # few integer columns (classes): our own branching
                    self._run(self.relaxed[q], int(slot), rc[self.parts[q][1]], run=not SEARCH_REUSE)
                    bound, found, status = branch_and_bound(  # from the slot's last open nodes
                        self.relaxed[q],
                        whole,
                        self.model.col_lo[part_cols],
                        self.model.col_hi[part_cols],
                        deadline=min(deadline, now + PIECE_SECONDS),
                        leaves=self.leaves[slot] if SEARCH_REUSE else None,
                    )
                    lower[slot] = max(lower[slot], bound)
                    if found is not None:
                        values[slot] = found
                    proven = proven and status != "cut"
                    state[slot] = 2
                    continue
                h = self.solvers[q]
                h.setOptionValue("time_limit", float(max(min(deadline - now, PIECE_SECONDS), 0.01)))
                self._run(h, int(slot), rc[self.parts[q][1]], self.last[slot] if WARM_START else None)
                info = h.getInfo()
                if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
                    lower[slot] = np.inf
                elif np.isfinite(info.mip_dual_bound):
                    lower[slot] = max(lower[slot], float(info.mip_dual_bound))
                if info.primal_solution_status == 2:
                    found = np.asarray(h.getSolution().col_value)
                    values[slot], self.last[slot] = found, list(found)
                proven = proven and h.getModelStatus() == highspy.HighsModelStatus.kOptimal
                state[slot] = 2
        sums = totals()
        best = int(np.argmin(sums))
        return float(sums[best]), self._solution(best, values), proven

    def _solution(self, best: int, values: list[np.ndarray | None]) -> np.ndarray:
        """The piece's v: pattern `best` and its year pieces' solutions (their lower bounds
        where none is known)."""
        v = self.model.col_lo[self.cols].astype(float).copy()
        v[self.link] = self.patterns[best]
        for q, slot in enumerate(self.slot_of[best]):
            if values[slot] is not None:
                v[self.parts[q][1]] = values[slot]
        return v


class NetworkPieces:
    """The pieces of the network model once the `dualised_rows` are dualised: one HiGHS MIP
    (and LP) per connected component of the other rows and the columns, made when first
    needed; columns in no other row are solved alone (at a bound). With `whole_quarters`
    False the quarters x are continuous in [0, 1] inside the pieces (classes, sites, closures
    stay whole): a relaxation of each piece, so still a bound, and a far smaller tree."""

    def __init__(self, model: NetworkModel, dualised: np.ndarray, whole_quarters: bool = True) -> None:
        self.model = model
        self.integer = model.integer.copy()
        is_x = np.zeros(model.n_cols, dtype=bool)
        for b in model.blocks:
            is_x[b.x0 : b.n0] = True
        if not whole_quarters:
            self.integer[is_x] = False
        keep = np.ones(model.n_rows, dtype=bool)
        keep[dualised] = False
        rows = np.flatnonzero(keep)
        sub = model.matrix[rows].tocsr()
        sub.eliminate_zeros()
        pattern = (sub != 0).astype(np.int8)
        k = sub.shape[0]
        graph = sparse.bmat([[None, pattern], [pattern.T, None]], format="csr")
        _count, label = connected_components(graph, directed=False)
        row_label, col_label = label[:k], label[k:]
        touched = np.diff(pattern.tocsc().indptr) > 0  # columns in some kept row
        self.alone = np.flatnonzero(~touched)  # columns in no kept row
        order = np.argsort(col_label, kind="stable")
        labels = col_label[order]
        first = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
        bounds = np.r_[first, len(order)]
        row_order = np.argsort(row_label, kind="stable")
        row_bounds = np.searchsorted(row_label[row_order], labels[first])
        row_ends = np.searchsorted(row_label[row_order], labels[first], side="right")
        self.pieces: list[tuple[np.ndarray, np.ndarray]] = []
        for a, (lo, hi) in enumerate(itertools.pairwise(bounds)):  # loop over pieces
            cols = np.sort(order[lo:hi])
            if not touched[cols[0]]:
                continue
            self.pieces.append((rows[np.sort(row_order[row_bounds[a] : row_ends[a]])], cols))
        self.kept = sub
        self.kept_rows = rows
        count = len(self.pieces)
        self.solvers: list = [None] * count
        self.relaxed: list = [None] * count
        self.last: list = [None] * count
        self.leaves: list[list] = [[] for _ in range(count)]  # each piece's last search's open nodes
        self.integral = [bool(self.integer[c].any()) for _, c in self.pieces]
        # a piece whose reduced costs are all ≥ 0 has value 0 when its columns are ≥ 0 and
        # v = 0 is one of its solutions
        self.zero_ok = [
            bool((model.col_lo[c] == 0).all() and (model.row_lo[r] <= 0).all() and (model.row_hi[r] >= 0).all())
            for r, c in self.pieces
        ]
        # sites and closable schools: by pattern, year by year (`_LinkedPiece`)
        link = [np.zeros(0, dtype=np.int64)]
        groups: list[np.ndarray] = []
        for b in model.blocks:
            T, n_opt = b.net.shape[2], len(b.net.option_school)
            groups += [b.z0 + o * T + np.arange(T) for o in range(n_opt)]
            groups += [np.array([b.c0 + k]) for k in range(len(b.closable))]
            link.append(np.arange(b.z0, b.c0 + len(b.closable)))
        links = np.concatenate(link)
        self.linked: list[_LinkedPiece | None] = [None] * count
        if LINKED_PIECES:
            for k, (r, c) in enumerate(self.pieces):
                if np.isin(c, links).any():
                    block = self.kept[np.searchsorted(self.kept_rows, r)][:, c].tocsr()
                    self.linked[k] = _LinkedPiece(model, block, r, c, links, groups, self.integer)
        self.solved = np.zeros(count, dtype=bool)
        self.solved_value = np.zeros(count)
        self.solved_reduced = np.zeros(model.n_cols)
        self.solved_total = 0.0
        self.v = np.zeros(model.n_cols)
        self.mips = 0  # piece MIPs solved
        self.seconds = 0.0
        self.values = np.zeros(count)  # each piece's bound in the last evaluation
        self.optimal = np.zeros(count, dtype=bool)  # … solved to optimality in it

    def _build(self, k: int) -> None:
        rows, cols = self.pieces[k]
        model = self.model
        local = np.searchsorted(self.kept_rows, rows)
        block = self.kept[local][:, cols].tocsr()
        self.solvers[k], self.relaxed[k] = piece_solvers(
            model.cost[cols],
            model.col_lo[cols],
            model.col_hi[cols],
            self.integer[cols],
            block,
            model.row_lo[rows],
            model.row_hi[rows],
            with_mip=bool(self.integer[cols].sum() > SMALL_MIP),  # else `branch_and_bound` on the LP
        )

    def evaluate(
        self,
        reduced: np.ndarray,
        deadline: float,
        progress: Callable[[float], None] | None = None,
        floor: np.ndarray | None = None,
        known: np.ndarray | None = None,
    ) -> tuple[float | None, np.ndarray, bool]:
        """Σ of the pieces' minima of reduced·v (a bound ≤ it when a MIP is cut short, None
        when not even the pieces' LPs were solved by `deadline`), the pieces' v (n_cols,), and
        whether the sum is exact (every piece solved). LP first; a piece whose LP is not
        integral is then solved as a MIP, the most fractional first. `floor` (one per piece):
        known lower bounds of the pieces at these costs (e.g. the relaxed pieces' values), each
        piece's bound the larger of its own and its floor, the sum then never None. `known`
        (bool, one per piece; with `floor`): pieces whose floor is their value at these costs,
        with their v in `self.v` (e.g. a relaxed piece whose solution has whole quarters: see
        `whole_pieces`), not solved again. Each piece's bound is left in `values` (n_pieces,),
        the pieces solved to optimality at these costs in `optimal`."""
        import highspy

        began = time.perf_counter()
        model = self.model
        lo, hi = model.col_lo, model.col_hi
        alone = self.alone
        r = reduced[alone]
        pick = np.where(r < 0, hi[alone], lo[alone])
        if not np.isfinite(pick).all():
            return None, self.v.copy(), False  # unbounded below: no bound
        self.v[alone] = pick
        base = float(r @ pick)
        delta = reduced - self.solved_reduced
        with np.errstate(invalid="ignore"):
            least = np.minimum(delta * lo, delta * hi)  # the least a change of costs takes off
        least = np.where(delta == 0, 0.0, least)
        tolerance = REUSE_SHIFT * (abs(self.solved_total) + 1.0) / max(len(self.pieces), 1)
        lower = np.full(len(self.pieces), -np.inf) if floor is None else floor.astype(float).copy()

        def cut_short() -> tuple[float | None, np.ndarray, bool]:
            """The bound when out of time: the floors of the pieces not reached (None without)."""
            self.seconds += time.perf_counter() - began
            self.values = lower.copy()
            if not np.isfinite(lower).all():
                return None, self.v.copy(), False
            return base + float(lower.sum()), self.v.copy(), False

        self.optimal[:] = False
        pending: list[tuple[float, int]] = []
        roots: dict[int, tuple[float, np.ndarray]] = {}  # the pending pieces' LPs
        for k, (_rows, cols) in enumerate(self.pieces):
            if known is not None and floor is not None and known[k]:
                self._keep(k, float(floor[k]), reduced, self.v[cols].copy())
                continue
            if self.solved[k]:
                shift = float(least[cols].sum())
                if np.isfinite(shift) and shift >= -tolerance:
                    lower[k] = max(lower[k], self.solved_value[k] + shift)  # still a bound: module docstring
                    continue
            self.solved[k] = False
            rc = reduced[cols]
            if self.zero_ok[k] and rc.min() >= 0:
                self._keep(k, 0.0, reduced, None)
                lower[k] = 0.0
                continue
            if time.perf_counter() > deadline:
                return cut_short()
            linked = self.linked[k]
            if linked is not None:  # a site or a closable school: pattern by pattern, year by year
                value, local, proven = linked.evaluate(reduced, deadline)
                self.mips = sum(p.mips for p in self.linked if p is not None)
                if value is None:
                    return cut_short()
                lower[k] = max(lower[k], value)
                if proven:
                    self._keep(k, value, reduced, local)
                else:
                    self.v[cols] = local
                continue
            if self.relaxed[k] is None:
                self._build(k)
            h = self.relaxed[k]
            h.changeColsCost(len(cols), np.arange(len(cols), dtype=np.int32), rc.astype(np.float64))
            h.run()
            status = h.getModelStatus()
            if status != highspy.HighsModelStatus.kOptimal:
                self.seconds += time.perf_counter() - began
                return None, self.v.copy(), False  # an infeasible or unbounded piece: no bound
            values = np.asarray(h.getSolution().col_value)
            root = float(h.getInfo().objective_function_value)
            lower[k] = max(lower[k], root)
            whole = self.integer[cols]
            fraction = float(np.abs(values[whole] - np.round(values[whole])).sum())
            if not self.integral[k] or fraction <= 1e-7:
                self._keep(k, lower[k], reduced, values)
            else:
                self.v[cols] = values
                pending.append((-fraction, k))
                roots[k] = (root, values)
        reported = time.perf_counter()
        for _, k in sorted(pending):
            now = time.perf_counter()
            if now > deadline:
                return cut_short()
            if progress is not None and now - reported > 1.0:
                progress(base + float(lower.sum()))
                reported = now
            cols = self.pieces[k][1]
            whole = self.integer[cols]
            if whole.sum() <= SMALL_MIP:  # few integer columns (classes): our own branching
                self.mips += 1
                bound, found, status = branch_and_bound(
                    self.relaxed[k],  # solved at these costs in the loop above (its LP: `roots`)
                    whole,
                    model.col_lo[cols],
                    model.col_hi[cols],
                    deadline=min(deadline, now + PIECE_SECONDS),
                    leaves=self.leaves[k] if SEARCH_REUSE else None,  # from its last search's open nodes
                    root=roots[k] if SEARCH_REUSE else None,
                )
                if np.isfinite(bound):  # (an infeasible piece keeps its LP value, as with HiGHS's MIP)
                    lower[k] = max(lower[k], bound)
                if status == "optimal":
                    self._keep(k, lower[k], reduced, found)
                elif found is not None:
                    self.v[cols] = found
                continue
            h = self.solvers[k]
            h.setOptionValue("time_limit", float(max(min(deadline - now, PIECE_SECONDS), 0.01)))
            h.changeColsCost(len(cols), np.arange(len(cols), dtype=np.int32), reduced[cols].astype(np.float64))
            if WARM_START and self.last[k] is not None:
                start = highspy.HighsSolution()
                start.col_value = self.last[k]
                h.setSolution(start)
            h.run()
            self.mips += 1
            info = h.getInfo()
            bound = float(info.mip_dual_bound)
            if np.isfinite(bound) and bound > lower[k]:
                lower[k] = bound
            solution = np.asarray(h.getSolution().col_value) if info.primal_solution_status == 2 else None
            if solution is not None:
                self.last[k] = list(solution)
            if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                self._keep(k, lower[k], reduced, solution)
            elif solution is not None:
                self.v[cols] = solution
        value = base + float(lower.sum())
        self.solved_total = value
        self.values = lower.copy()
        self.seconds += time.perf_counter() - began
        return value, self.v.copy(), True

    def _keep(self, k: int, value: float, reduced: np.ndarray, values: np.ndarray | None) -> None:
        """Piece k solved at `reduced`: its value and v (its lower bounds when `values` is None)."""
        cols = self.pieces[k][1]
        self.solved[k], self.solved_value[k] = True, value
        self.optimal[k] = True
        self.solved_reduced[cols] = reduced[cols]
        self.v[cols] = self.model.col_lo[cols] if values is None else values

    def whole_pieces(self) -> np.ndarray:
        """(n_pieces,) bool: the pieces solved to optimality in the last evaluation whose
        solution has whole quarters (and whole classes, sites): with the quarters relaxed
        (`whole_quarters` False), their value is also the value with whole quarters."""
        whole = self.model.integer
        out = np.zeros(len(self.pieces), dtype=bool)
        for k, (_rows, cols) in enumerate(self.pieces):  # a loop over pieces
            if self.optimal[k]:
                values = self.v[cols][whole[cols]]
                out[k] = bool(np.abs(values - np.round(values)).sum() <= 1e-7)
        return out


class NetworkDual:
    """θ(y) of the module docstring for the network `model`: the dualised rows (`dualised_rows`)
    scaled by their largest coefficient (multipliers y of the scaled rows), their pieces."""

    def __init__(self, model: NetworkModel, whole_quarters: bool = True) -> None:
        self.model = model
        self.rows = dualised_rows(model)
        part = model.matrix[self.rows].tocsr()
        self.scale = np.maximum(abs(part).max(axis=1).toarray().ravel(), 1e-12)
        self.part = (sparse.diags(1.0 / self.scale) @ part).tocsr()
        self.lo, self.hi = model.row_lo[self.rows] / self.scale, model.row_hi[self.rows] / self.scale
        self.pieces = NetworkPieces(model, self.rows, whole_quarters)

    def multipliers(self, row_duals: np.ndarray) -> np.ndarray:
        """y from HiGHS's row duals of the model (one per row), scaled and projected."""
        return self.project(row_duals[self.rows] * self.scale)

    def project(self, y: np.ndarray) -> np.ndarray:
        """y with the signs of the inequality rows: ≤ rows y ≤ 0, ≥ rows y ≥ 0."""
        y = np.where(np.isinf(self.lo), np.minimum(y, 0.0), y)
        return np.where(np.isinf(self.hi), np.maximum(y, 0.0), y)

    def evaluate(
        self,
        y: np.ndarray,
        deadline: float,
        progress: Callable[[float], None] | None = None,
        floor: np.ndarray | None = None,
        known: np.ndarray | None = None,
    ) -> tuple[float | None, np.ndarray, bool]:
        """(a bound ≤ θ(y) or None, the pieces' v, whether it is θ(y) itself); y projected;
        `floor`, `known`: lower bounds of the pieces at y, those that are their values
        (`NetworkPieces.evaluate`)."""
        right = np.where(y > 0, self.lo, np.where(y < 0, self.hi, 0.0))
        constant = float(np.where(y == 0, 0.0, y * right).sum())  # Σ_r y_r·b_r
        heard = None if progress is None else (lambda bound: progress(bound + constant))
        value, v, complete = self.pieces.evaluate(self.model.cost - self.part.T @ y, deadline, heard, floor, known)
        return (None if value is None else value + constant), v, complete

    def subgradient(self, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """b − A_D·v, an inequality row's component at y_r = 0 clipped to the side y_r may move."""
        activity = self.part @ v
        low, high = self.lo - activity, self.hi - activity
        return np.where(y > 0, low, np.where(y < 0, high, np.clip(0.0, low, high)))


def network_bound(
    model: NetworkModel,
    row_duals: np.ndarray,
    *,
    deadline: float,
    lp_bound: float | None = None,
    target: float | None = None,
    report: Callable[[float, float | None, int], None] | None = None,
) -> ClassCountBound:
    """The best θ(y) (module docstring) reached by `deadline` (time.perf_counter()), from the
    LP's row duals `row_duals` (HiGHS's, one per row; `lp_bound` the LP's objective), by
    `zoning.lagrange.polyak_ascent` steps (never aiming above `target`, e.g. the best plan's
    objective). `report(bound, first bound, steps)` hears of every better bound (first None
    while the first evaluation runs). A bound of the model whatever the sites, closures and
    constraints (the dualised rows are all the rows that link pieces)."""
    began = time.perf_counter()
    heard = [-np.inf]

    def progress(bound: float) -> None:
        if report is not None and bound > heard[0]:
            heard[0] = bound
            report(bound, None, 0)

    # the steps first with the quarters relaxed inside the pieces (`RELAXED_SHARE` of the time)
    relaxed = RELAXED_SHARE > 0
    dual = NetworkDual(model, whole_quarters=not relaxed)
    y = dual.multipliers(row_duals)
    value, v, complete = dual.evaluate(y, deadline, progress)
    if value is None:
        return ClassCountBound(None, None, 0, time.perf_counter() - began)
    first = best = value
    if report is not None:
        report(best, first, 0)
    if not complete:
        return ClassCountBound(best, first, 0, time.perf_counter() - began)
    floor = first / 1.01 if lp_bound is None else min(lp_bound, first)
    told = None if report is None else (lambda bound, steps: report(bound, first, steps))
    ends = began + RELAXED_SHARE * (deadline - began) if relaxed else deadline
    short = relaxed and deadline - began <= SHORT_RUN_SECONDS  # `RELAXED_PATIENCE`
    # the best complete θ so far: its multipliers, θ, its pieces' values, v, which are whole
    at: dict = {"y": y, "theta": value, "pieces": dual.pieces.values.copy(), "v": v, "whole": None}
    if relaxed:
        at["whole"] = dual.pieces.whole_pieces()

    def evaluate(trial: np.ndarray, dual: NetworkDual, ends: float) -> tuple[float | None, np.ndarray, bool]:
        found, solution, whole = dual.evaluate(trial, ends)
        if found is not None and whole and found > at["theta"]:
            at.update(y=trial, theta=found, pieces=dual.pieces.values.copy(), v=solution)
            if relaxed:
                at["whole"] = dual.pieces.whole_pieces()
        return found, solution, whole

    best, steps = polyak_ascent(
        lambda trial: evaluate(trial, dual, deadline),  # a step begun before `ends` may end after it
        dual.subgradient,
        y,
        value,
        v,
        deadline=ends,
        floor=floor,
        target=target,
        report=told,
        project=dual.project,
        share=RELAXED_TARGET if relaxed else TARGET_SHARE,
        patience=RELAXED_PATIENCE if short else None,
        stall_steps=RELAXED_STALL_STEPS if short else None,
    )
    if relaxed and time.perf_counter() < deadline:  # then whole quarters, from the best multipliers
        exact = NetworkDual(model)
        start: np.ndarray = at["y"]
        exact.pieces.v[:] = at["v"]  # the relaxed pieces whose quarters came out whole are not solved again

        def partial(bound: float) -> None:  # while θ with whole quarters is being evaluated
            if told is not None and bound > best:
                told(bound, steps)

        found, v, complete = exact.evaluate(start, deadline, partial, floor=at["pieces"], known=at["whole"])
        if found is not None and found > best:
            best = found
            if told is not None:
                told(best, steps)
        if found is not None and complete:
            more_best, more = polyak_ascent(
                lambda trial: evaluate(trial, exact, deadline),
                exact.subgradient,
                start,
                found,
                v,
                deadline=deadline,
                floor=floor,
                target=target,
                report=None if told is None else (lambda bound, more: told(bound, steps + more)),
                project=exact.project,
                share=EXACT_SHARE,
            )
            best, steps = max(best, more_best), steps + more
    return ClassCountBound(best, first, steps, time.perf_counter() - began)
