"""The restricted master and the box-step loop of column generation over school patterns.

Shared by `zoning.part_columns` (one level-year, the sites fixed: its states are the schools, its
linking rows the quarters' Σ_j x[i,j] = 1, no site columns) and `zoning.network_columns` (the
whole network, the sites free: its states are the school-years' site options, its linking rows
the assignment rows and the rows shared by school-years, its site columns w = (z, c) with the
site rows). Each module writes out its own pieces, states and θ; here the common part.

Master (an LP over λ_p ≥ 0 for the patterns p found of each state s, the site columns w in
their bounds, continuous, and the box-step artificials a⁺, a⁻ ≥ 0 on the linking rows):

    min  Σ_s Σ_p c_p·λ_p + c_w·w + (π̂ + δ)·a⁺ − (π̂ − δ)·a⁻
    s.t. Σ_s Σ_p a_p·λ_p + A_(L,w)·w + a⁺ − a⁻ ∈ [b_lo, b_hi]   each linking row (a_p = A_L·p)
         S·w ∈ [s_lo, s_hi]                                     the site rows
         Σ_p λ_p − g_s·w_(col s) ∈ [k_lo_s, k_hi_s]            each state s (its capacity:
                                                                = 1 in a part; ≤ z[o,t], ≤ 1 − c[j]
                                                                or = … in the network)

The artificials hold the master's duals π on the linking rows within the box [π̂ − δ, π̂ + δ]
(an LP dual reading of their costs: a row whose π leaves the box is cheaper to cover with an
artificial). Without a box they are shut (bounds 0) once the master holds a feasible plan's
columns (`Master.feasible`), else priced at `big` (switching between the box's costs and `big`
upset HiGHS's simplex: solve errors on the ward).

One stage (`stage`), from π0, the pricing (`Pricing.price`: θ(π), a lower bound of the model
for every π, each state's price m_s and best pattern) at π0 first, its patterns entering; then,
until the deadline:

  1. solve the boxed master: π (projected to the linking rows' signs), μ the states' row duals;
  2. price at π (between full pricings, every `FULL_PRICING` iterations, the pricing may skip a
     state that cannot give a column, μ in hand); a pattern p of state s whose reduced cost
     c_p − πᵀa_p − μ_t < −10⁻⁷·max(1, |master value|) enters for t = s and for each state t it
     is also a pattern of (`Pricing.offered`);
  3. θ(π) above the best θ: the box's centre π̂ moves to π, and δ doubles when an artificial was
     at work (a good step the box held back); no rise and no column: δ doubles (the centre is
     optimal within the box);
  4. every 5 iterations, or when no column entered: the master without artificials; the stage
     ends when it needs none (a plan's columns carry it) and its value is within `tol` of the
     best θ (the Dantzig–Wolfe bound lies between them).

`generate` runs the two stages: with the quarters relaxed inside the pieces (a weaker θ′ ≤ θ,
cheap pricing) until its master converges to `RELAXED_TOL` or its share of the time ends, its
fractional columns then dropped; then whole (box `BOX`/5 from the relaxed stage's π̂, `WHOLE_TOL`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import sparse

__all__ = ["BOX", "FULL_PRICING", "RELAXED_TOL", "WHOLE_TOL", "Master", "Priced", "Stage", "generate", "quiet_highs"]

BOX = 0.05
"""Half-width of the box around π̂ for the relaxed stage, as a share of |π̂_i| (at least a tenth of
the mean |π̂|); a fifth of it for the whole stage, which starts from the relaxed stage's π̂."""
RELAXED_TOL = 1e-4
"""The relaxed stage ends when its master is within this share of θ′."""
WHOLE_TOL = 5e-5
"""The whole stage ends when its master is within this share of θ (≥ `zoning.lagrange.PIECE_GAP`'s slack)."""
FULL_PRICING = 5
"""Every this many iterations the pricing gets no μ: every state is priced (between them it may
skip a state that cannot give a column: `network_columns.NetworkColumns.evaluate`)."""


def quiet_highs(cost, lo, hi, matrix, row_lo, row_hi, integer):
    """A quiet single-thread HiGHS holding the model."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), matrix.shape[0]
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lo, hi
    lp.row_lower_, lp.row_upper_ = row_lo, row_hi
    csc = sparse.csc_matrix(matrix)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = csc.indptr, csc.indices, csc.data
    if integer is not None and integer.any():
        kind = highspy.HighsVarType
        lp.integrality_ = [kind.kInteger if w else kind.kContinuous for w in integer]
    h.passModel(lp)
    return h


class Piece(Protocol):
    """A state's piece as the master sees it (`part_columns.SchoolPiece`)."""

    cost: np.ndarray
    x: np.ndarray
    integer: np.ndarray

    def reduced(self, pi: np.ndarray) -> np.ndarray: ...

    def link(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(frozen=True)
class Priced:
    """One pricing at π: theta, θ(π) (a lower bound of the model); m, each state's price (a lower
    bound of its least reduced cost); found, each state's best pattern (piece values) or None."""

    theta: float
    m: np.ndarray
    found: list[np.ndarray | None]


class Pricing(Protocol):
    """The states' pieces and their pricing (module docstring)."""

    @property
    def states(self) -> Sequence[Piece]: ...

    def price(self, pi: np.ndarray, whole: bool, deadline: float, mu: np.ndarray | None) -> Priced | None:
        """θ(π) with the pieces whole or their quarters relaxed; None when the deadline came
        first. With μ (the states' duals) a state that cannot price below μ_s may be skipped."""
        ...

    def project(self, pi: np.ndarray) -> np.ndarray:
        """π with the signs the linking rows allow (θ needs them)."""
        ...

    def offered(self, s: int) -> Sequence[int]:
        """The other states a pattern of state s is also a pattern of."""
        ...


@dataclass(frozen=True)
class Sites:
    """The master's site columns w (none in a part): cost, lo, hi (nZ,), link (nL × nZ, their
    linking-row coefficients), rows (site rows × nZ) in [row_lo, row_hi]."""

    cost: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    link: sparse.spmatrix
    rows: sparse.spmatrix
    row_lo: np.ndarray
    row_hi: np.ndarray

    @staticmethod
    def none(n_linking: int) -> Sites:
        empty = np.zeros(0)
        return Sites(empty, empty, empty, sparse.csr_matrix((n_linking, 0)), sparse.csr_matrix((0, 0)), empty, empty)


class Master:
    """The restricted master LP (module docstring). states: the pieces; link_lo, link_hi: the
    linking rows' bounds; capacity: each state's (position in `sites` or −1, g_s, k_lo, k_hi);
    big: the artificials' cost without a box until `feasible`. Columns: a⁺, a⁻, w, then the
    patterns (`first` on), `columns` holding each pattern's (state, cost, piece values, fractional)."""

    def __init__(
        self,
        states: Sequence[Piece],
        link_lo: np.ndarray,
        link_hi: np.ndarray,
        capacity: Sequence[tuple[int, float, float, float]],
        sites: Sites,
        *,
        big: float,
        feasible: bool,
    ) -> None:
        import highspy

        nL, nZ, nS, nM = len(link_lo), len(sites.cost), len(states), sites.rows.shape[0]
        self.states, self.nL, self.nZ, self.first = states, nL, nZ, 2 * nL + nZ
        self.inf, self.big, self.feasible = highspy.kHighsInf, big, feasible
        own = [(s, col, -g) for s, (col, g, _lo, _hi) in enumerate(capacity) if col >= 0]
        g = sparse.csr_matrix(
            ([v for _s, _c, v in own], ([s for s, _c, _v in own], [c for _s, c, _v in own])), shape=(nS, nZ)
        )
        eye = sparse.eye(nL, format="csr")
        matrix = sparse.vstack(
            [
                sparse.hstack([eye, -eye, sites.link]),
                sparse.hstack([sparse.csr_matrix((nM, 2 * nL)), sites.rows]),
                sparse.hstack([sparse.csr_matrix((nS, 2 * nL)), g]),
            ]
        ).tocsr()
        self.row0 = nL + nM  # the first state row
        self.h = quiet_highs(
            np.concatenate([np.full(2 * nL, big), sites.cost]),
            np.concatenate([np.zeros(2 * nL), sites.lo]),
            np.concatenate([np.full(2 * nL, self.inf), sites.hi]),
            matrix,
            np.concatenate([link_lo, sites.row_lo, [c[2] for c in capacity]]),
            np.concatenate([link_hi, sites.row_hi, [c[3] for c in capacity]]),
            None,
        )
        self.columns: list[tuple[int, float, np.ndarray, bool]] = []
        self.seen: set[tuple[int, bytes]] = set()

    def add(self, s: int, values: np.ndarray, fractional: bool) -> bool:
        """The pattern `values` (piece values) of state s as a column, unless the master has it
        (same quarters and, to 10⁻³, the same classes and overflow): whether it entered."""
        piece = self.states[s]
        v = values.copy()
        if not fractional:
            v[piece.integer] = np.round(v[piece.integer])
        key = (s, np.round(np.where(piece.x, v, 0.0), 6).tobytes() + np.round(v[~piece.x], 3).tobytes())
        if key in self.seen:
            return False
        self.seen.add(key)
        rows, coef = piece.link(v)
        rows = np.append(rows, self.row0 + s).astype(np.int32)
        cost = float(piece.cost @ v)
        self.h.addCol(cost, 0.0, self.inf, len(rows), rows, np.append(coef, 1.0))
        frac = fractional and bool((np.abs(v[piece.x] - np.round(v[piece.x])) > 1e-6).any())
        self.columns.append((s, cost, v, frac))
        return True

    def box(self, centre: np.ndarray, delta: np.ndarray | None) -> None:
        """The artificials at costs centre ± delta; without a box, shut when `feasible`, else at `big`."""
        n = self.nL
        idx = np.arange(2 * n, dtype=np.int32)
        shut = delta is None and self.feasible
        self.h.changeColsBounds(len(idx), idx, np.zeros(2 * n), np.full(2 * n, 0.0 if shut else self.inf))
        if delta is not None:
            self.h.changeColsCost(len(idx), idx, np.concatenate([centre + delta, -(centre - delta)]))
        elif not shut:
            self.h.changeColsCost(len(idx), idx, np.full(2 * n, self.big))

    def solve(self) -> tuple[float, np.ndarray, np.ndarray, bool]:
        """(value, π on the linking rows, μ on the states' rows, whether artificials are used);
        solved once more from scratch when HiGHS does not end optimal."""
        import highspy

        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            self.h.clearSolver()
            self.h.run()
        y = np.asarray(self.h.getSolution().row_dual)
        used = bool((np.asarray(self.h.getSolution().col_value)[: 2 * self.nL] > 1e-9).any())
        return float(self.h.getInfo().objective_function_value), y[: self.nL], y[self.row0 :], used

    def sites(self) -> np.ndarray:
        """The site columns' values of the last solve."""
        return np.asarray(self.h.getSolution().col_value)[2 * self.nL : self.first]

    def drop_fractional(self) -> None:
        """Shut the columns of fractional patterns (the relaxed stage's)."""
        idx = np.array([self.first + k for k, c in enumerate(self.columns) if c[3]], dtype=np.int32)
        if len(idx):
            self.h.changeColsBounds(len(idx), idx, np.zeros(len(idx)), np.zeros(len(idx)))


@dataclass(frozen=True)
class Stage:
    """A stage's outcome: theta, the best θ (−inf when the deadline came before the first
    pricing); pi, its multipliers; m, its states' prices (None without a pricing); value, the
    master without artificials at the last test (inf if none); iterations."""

    theta: float
    pi: np.ndarray
    m: np.ndarray | None
    value: float
    iterations: int


def stage(
    master: Master, pricing: Pricing, pi0: np.ndarray, *, whole: bool, box: float, tol: float, deadline: float
) -> Stage:
    """Box-step column generation from π0 (module docstring) until the master without
    artificials is within `tol` of the best θ, or the deadline."""
    at = pricing.price(pi0, whole, deadline, None)
    if at is None:
        return Stage(-np.inf, pi0, None, np.inf, 0)
    for s, pattern in enumerate(at.found):
        if pattern is not None:
            master.add(s, pattern, not whole)
    best = (at.theta, pi0.copy(), at.m)
    delta = box * np.maximum(np.abs(pi0), 0.1 * np.abs(pi0).mean() + 1e-9)
    master.box(best[1], delta)
    value, iterations = np.inf, 0
    while time.perf_counter() < deadline:
        iterations += 1
        boxed, pi, mu, at_edge = master.solve()
        pi = pricing.project(pi)
        at = pricing.price(pi, whole, deadline, None if iterations % FULL_PRICING == 0 else mu)
        if at is None:
            break
        added = 0
        for s, pattern in enumerate(at.found):
            if pattern is None:
                continue
            reduced = float(pricing.states[s].reduced(pi) @ pattern)  # the same for the states offered
            for t in [s, *pricing.offered(s)]:
                if reduced - mu[t] < -1e-7 * max(1.0, abs(boxed)):
                    added += master.add(t, pattern, not whole)
        if at.theta > best[0]:
            best = (at.theta, pi.copy(), at.m)
            if at_edge:
                delta = 2.0 * delta  # a good step that the box held back: give the next more room
        elif not added:
            delta = 2.0 * delta  # the box's centre is optimal within the box: widen it
        if iterations % 5 == 0 or not added:
            master.box(best[1], None)
            value, _pi, _mu, used = master.solve()
            master.box(best[1], delta)
            if not used and value - best[0] <= tol * abs(value):
                break
        else:
            master.box(best[1], delta)
    return Stage(best[0], best[1], best[2], value, iterations)


def generate(
    master: Master, pricing: Pricing, pi: np.ndarray, *, deadline: float, relaxed_until: float | None
) -> tuple[Stage | None, Stage]:
    """The relaxed stage until `relaxed_until` (none when None), its fractional columns dropped,
    then the whole stage until `deadline` (module docstring): (relaxed, whole)."""
    relaxed = None
    if relaxed_until is not None:
        relaxed = stage(
            master, pricing, pi, whole=False, box=BOX, tol=RELAXED_TOL, deadline=min(deadline, relaxed_until)
        )
        pi = relaxed.pi
        master.drop_fractional()
    box = BOX / 5 if relaxed is not None else BOX
    return relaxed, stage(master, pricing, pi, whole=True, box=box, tol=WHOLE_TOL, deadline=deadline)
