"""The network model's Dantzig–Wolfe bound over every site choice, by column generation over school patterns.

`zoning.part_columns` bounds one level-year part with the sites fixed; here the sites stay free
and their rows sit in the master. Symbols as in `zoning.network_model` (k a level, j a school
column, t a school year, o a room option of a candidate site, c[j] a closable school's column).

Pieces and states. Every x, n, o column belongs to one school-year (k, j, t). A row of the model
is *linking* when it is an assignment row Σ_j x[i,j,t] = 1 or holds the columns of several
school-years (the closure study's Σ o ≤ Ō); a *site row* when it holds only z and c columns
(one option per site and year, = 1 at T for a must-open site, z[o,t] ≤ z[o,t+1] and the
reduction's equalities, the money and site-count budgets, Σ c ≥ K) — taken from the model's
own matrix; every other row (seats, rooms, the site links x ≤ Σ_o z, = for a must pair, x + c ≤ 1,
the feeder rows) is *internal* to one school-year and holds, besides its x, n, o, only the z of
its site in year t or its c[j]. A school-year is priced in *states*, its z, c fixed in those
internal rows:

    existing school (not closable)   one state s, capacity g_s = 1
    closable school                  open (c = 0),  g_s = 1 − c[j]
    candidate site j in year t       option o open (z[o,t] = 1, the others 0),  g_s = z[o,t],
                                     one state per option with z[o,t] not fixed to 0

and P_s, the patterns of state s, is the set of (x, n, o) of the school-year within its internal
rows with those z, c (x ∈ {0,1}, classes whole: `part_columns`' pieces, its `SchoolPiece`).
The closed or unopened school-year takes the empty pattern only (cost 0).

Master (LP over λ_p ≥ 0 for p ∈ P_s, and the z, c columns in their bounds, continuous):

    min  Σ_s Σ_(p∈P_s) c_p·λ_p + c_zc·(z, c)
    s.t. Σ_s Σ_p a_p·λ_p + A_(L,zc)·(z, c) ∈ [b_lo, b_hi]     each linking row (a_p = A_L·p)
         the site rows on (z, c)                               as in the model
         Σ_(p∈P_s) λ_p ≤ g_s(z, c)                             each state (= when the empty
                                                               pattern is not in P_s: a must pair)

Every whole plan gives a master solution of no larger cost (each school-year's restriction is a
pattern of the state its z, c select, an unopened site's pattern empty; overflow at a closed
school, which only costs, is dropped), so the master LP value bounds the network model. Its
Lagrangian, with the linking rows dualised at any π of the right signs (≤ rows π ≤ 0, ≥ rows
π ≥ 0; b(π) the side π presses on):

    θ(π) = Σ_r π_r·b_r(π) + min over (z, c) satisfying the site rows of
           (c_zc − A_(L,zc)ᵀπ)·(z, c) + Σ_s m_s(π)·g_s(z, c),
    m_s(π) = min(0, min_(p∈P_s) (c_p − πᵀa_p))   (without the min(0, ·) when ∅ ∉ P_s)

and θ(π) ≤ the master's value ≤ the network optimum for every π (weak duality); a piece's proven
MIP bound, or its value with the quarters relaxed (`part_columns`' relaxed stage), may stand for
m_s. The minimum over (z, c) is taken twice: as an LP (θ_LP, the master's own Lagrangian, which
column generation drives to the master's value: the Dantzig–Wolfe bound) and with z, c whole (a
small MIP over the sites: every whole plan has whole sites within the site rows, so θ_int(π) ≥
θ_LP(π) is a bound too: the site rows' integer hull, the budget's knapsack included, is what it
adds). The bound returned is the best θ_int reached, never below the network LP's value.

Column generation by `zoning.column_master` (the master and the box-step loop `part_columns`
uses too; this master is its general form, with the site columns and rows): from the network
LP's duals, a box-step on the linking rows (artificials ±e_r at costs π̂ ± δ, π̂ the multipliers
of the best θ_LP), first with the quarters relaxed inside the pieces (`RELAXED_SHARE` of the time
at most), then whole. A state
whose reduced costs are all ≥ 0 (and whose empty pattern is feasible) has m_s = 0 without a
solve (a state's relaxed search starts from the root: `SEARCH_REUSE`), and a site-year whose largest option has m_s = 0 has 0 for every smaller option (more
rooms only add patterns).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from zoning.column_master import Master, Priced, Sites, generate, quiet_highs
from zoning.network_model import NetworkModel, start_vector
from zoning.network_parts import fixed_columns
from zoning.network_sites import solve_lp
from zoning.part_columns import PartSchools, SchoolPiece

__all__ = ["NetworkColumnBound", "NetworkColumns", "network_column_bound"]

RELAXED_SHARE = 0.6
"""Most of the time the relaxed stage (quarters relaxed inside the pieces) may take before the
whole stage starts (it ends earlier when its master converges)."""
SEARCH_REUSE = False
"""A state's relaxed search (in both stages) starts from the open nodes of its last one
(`part_columns.SchoolPiece.leaves`) when True: the same values and 13% less CPU for the relaxed
evaluations at the same duals, but the entry-grade ward's bound at 60 s was lower in 4 runs of 4
(25.8807–25.8940 against 25.8999–25.9126 × 10⁶: in a tie the restart returns another pattern, and
the columns take another path); off until that is understood (docs/zoning.md, "Restarted
relaxed pricing")."""
INNER_SECONDS = 1.0
"""Most seconds the sites' MIP of one θ_int may take (its proven bound stands in)."""


@dataclass(frozen=True)
class NetworkColumnBound:
    """network_column_bound's outcome (pupil-metres). bound: the best θ_int (module docstring),
    at least the network LP's value — a lower bound of the network model; lp: the network LP's
    value; dantzig_wolfe: the best θ_LP (the master's Lagrangian); master: the restricted
    master's LP value at the end without artificials (nan if it still needed them); relaxed_bound:
    the best θ_int of the relaxed stage; iterations (relaxed, whole); states: the states priced;
    seconds; sites: the (z, c) values (model columns, 0 elsewhere) of the sites' MIP at the best
    θ_int; master_sites: those of the restricted master's last LP; history: (seconds, bound) at
    each rise of the bound."""

    bound: float
    lp: float
    dantzig_wolfe: float
    master: float
    relaxed_bound: float
    iterations: tuple[int, int]
    states: int
    seconds: float
    sites: np.ndarray
    master_sites: np.ndarray
    history: tuple[tuple[float, float], ...]


def _school_years(model: NetworkModel) -> np.ndarray:
    """(n_cols,) the school-year of each x, n, o column (k-th block's j·T + t after the earlier
    blocks' m·T), −1 for z and c."""
    key = np.full(model.n_cols, -1, dtype=np.int64)
    offset = 0
    for b in model.blocks:  # ≤ 3 levels
        P, m = len(b.pair_school), len(b.net.school_ids)
        T = (b.n0 - b.x0) // P if P else b.net.shape[2]
        G = (b.o0 - b.n0) // (T * m)
        x = np.arange(b.x0, b.n0)
        key[x] = offset + b.pair_school[(x - b.x0) // T] * T + (x - b.x0) % T
        for start, stop in ((b.n0, b.o0), (b.o0, b.z0)):
            cell = np.arange(start, stop)
            key[cell] = offset + (cell - start) // G
        offset += m * T
    return key


class _State(SchoolPiece):
    """One state's piece (`part_columns.SchoolPiece` on the model with the state's z, c shifted into
    the row bounds), priced against the linking rows' multipliers."""

    def __init__(self, part: NetworkModel, schools: PartSchools, j: int, link_t: sparse.csr_matrix) -> None:
        super().__init__(part, schools, j)
        self.link_t = link_t[self.cols].tocsr()  # (piece columns × linking rows)
        self.shortcuts = 0  # whole prices read from the relaxed one
        self.last: tuple[np.ndarray, float] | None = None  # (reduced costs, m_s) when last priced

    def reduced(self, pi: np.ndarray) -> np.ndarray:
        return self.cost - self.link_t @ pi

    def link(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pattern's (linking rows, coefficients) a_p = A_L·p."""
        a = self.link_t.T @ values
        on = np.flatnonzero(np.abs(a) > 1e-12)
        return on, a[on]

    def price(self, pi: np.ndarray, whole: bool, deadline: float) -> tuple[float, np.ndarray | None]:
        """(a lower bound of min over the state's patterns of c − πᵀa, the best pattern found or
        None). Whole: the quarters relaxed first; when that pattern has whole quarters and
        reaches its bound it is the whole optimum too (a relaxation's optimum that is feasible),
        and HiGHS's MIP is not run."""
        c = self.reduced(pi)
        if self.empty and c.min() >= 0:  # columns ≥ 0 and 0 feasible: nothing worth taking
            return 0.0, None
        if not SEARCH_REUSE:
            self.leaves.clear()  # from the root
        bound, found = super().price(pi, False, deadline)
        if not whole:
            return bound, found
        if found is not None and np.isfinite(bound):
            x = found[self.x]
            value = float(c @ found)
            if np.abs(x - np.round(x)).max(initial=0.0) <= 1e-9 and value <= bound + 1e-9 * max(1.0, abs(bound)):
                self.shortcuts += 1
                return (min(value, 0.0) if self.empty else value), found
        return super().price(pi, True, deadline)


class NetworkColumns:
    """The states of the network `model` (module docstring), its linking and site rows, the
    restricted master and the sites' LP and MIP."""

    def __init__(self, model: NetworkModel) -> None:
        import highspy

        self.model = model
        self.inf = highspy.kHighsInf
        key = _school_years(model)
        zc = fixed_columns(model)
        self.zc = np.flatnonzero(zc)
        csc = model.matrix.tocsc()
        coo = model.matrix.tocoo()
        on_piece = key[coo.col] >= 0
        low = np.full(model.n_rows, np.iinfo(np.int64).max)
        high = np.full(model.n_rows, -1)
        np.minimum.at(low, coo.row[on_piece], key[coo.col[on_piece]])
        np.maximum.at(high, coo.row[on_piece], key[coo.col[on_piece]])
        assignment = np.zeros(model.n_rows, dtype=bool)
        for b in model.blocks:
            assignment[b.r0 + np.arange(b.net.shape[0] * b.net.shape[2])] = True
        touched = high >= 0
        self.linking = np.flatnonzero(assignment | (touched & (low < high)))
        self.site_rows = np.flatnonzero(~touched & ~assignment)
        internal = touched & ~assignment & (low == high)
        # an internal row's z, c must be its own site's in its year, or its own school's c
        zc_entry = zc[coo.col] & internal[coo.row]
        owner = np.full(model.n_rows, -1)
        owner[coo.row[on_piece]] = key[coo.col[on_piece]]
        self._check_internal(model, coo.row[zc_entry], coo.col[zc_entry], owner)
        position = np.full(model.n_rows, -1)
        position[self.linking] = np.arange(len(self.linking))
        quarter = np.full(model.n_cols, -1)
        on_assign = assignment[coo.row] & (key[coo.col] >= 0)
        quarter[coo.col[on_assign]] = position[coo.row[on_assign]]
        schools = PartSchools(key, self.linking, quarter, int(key.max()) + 1)
        link = model.matrix[self.linking].tocsr()
        link_t = link.T.tocsr()
        self.link_zc = link[:, self.zc].tocsc()
        self.lo_L, self.hi_L = model.row_lo[self.linking], model.row_hi[self.linking]
        # the states: (piece, capacity column in the model or −1, sign of it in g, constant of g)
        shifts: dict[int, NetworkModel] = {}
        self.states: list[_State] = []
        self.capacity: list[tuple[int, float, float]] = []  # (zc column, coefficient in g, constant)
        self.group: list[tuple[int, float]] = []  # (school-year, rooms: larger first in `order`)
        ranks = []
        for b in model.blocks:  # each option's rank at its site (≤ 100 options)
            os_ = b.net.option_school
            ranks.append(np.array([int((os_[:o] == os_[o]).sum()) for o in range(len(os_))], dtype=np.int64))
        offset = 0
        for b, rank in zip(model.blocks, ranks, strict=True):
            net = b.net
            m, T = len(net.school_ids), net.shape[2]
            closable_at = np.full(m, -1)
            closable_at[b.closable] = b.c0 + np.arange(len(b.closable))
            present = np.unique(key[key >= offset]) if (key >= offset).any() else np.zeros(0, np.int64)
            present = present[present < offset + m * T]
            for piece in present.tolist():  # school-years: a loop over ≤ schools × years pieces
                j, t = divmod(piece - offset, T)
                if net.kind[j] == "candidate":
                    for o in np.flatnonzero(net.option_school == j).tolist():
                        zcol = b.z0 + o * T + t
                        if model.col_hi[zcol] <= 0:
                            continue
                        q = int(rank[o])
                        if q not in shifts:
                            shifts[q] = self._shifted(model, csc, list(zip(model.blocks, ranks, strict=True)), q)
                        self.states.append(_State(shifts[q], schools, piece, link_t))
                        self.capacity.append((zcol, 1.0, 0.0))
                        self.group.append((piece, float(net.option_rooms[o])))
                else:
                    if -1 not in shifts:
                        shifts[-1] = replace(model, matrix=csc)
                    self.states.append(_State(shifts[-1], schools, piece, link_t))
                    c = int(closable_at[j])
                    self.capacity.append((c, -1.0, 1.0) if c >= 0 else (-1, 0.0, 1.0))
                    self.group.append((piece, np.inf))
            offset += m * T
        # states in pricing order: by school-year, the largest option first
        self.skipped = 0  # states not priced (`evaluate`)
        # a site option's pattern is one of each larger option's at the same site and year (more
        # rooms relax its rooms row only): the states it is offered to as well
        self.larger = [
            [
                t
                for t in range(len(self.states))
                if self.group[t][0] == piece and np.isfinite(rooms) and self.group[t][1] > rooms
            ]
            if np.isfinite(rooms)
            else []
            for piece, rooms in self.group
        ]
        self.order = sorted(range(len(self.states)), key=lambda s: (self.group[s][0], -self.group[s][1]))
        self._sites()

    @staticmethod
    def _check_internal(model: NetworkModel, rows: np.ndarray, cols: np.ndarray, owner: np.ndarray) -> None:
        """Each (row, z or c column) entry of an internal row: the row's school-year `owner` must
        be the z column's site in its year, or the c column's school (the states rely on it)."""
        base = np.full(model.n_cols, -1)  # the school's first school-year
        year = np.full(model.n_cols, -1)  # the z column's year (−1 for c: any year)
        offset = 0
        for b in model.blocks:  # ≤ 3 levels
            m, T = len(b.net.school_ids), b.net.shape[2]
            z = np.arange(b.z0, b.c0)
            base[z] = offset + b.net.option_school[(z - b.z0) // T] * T
            year[z] = (z - b.z0) % T
            base[b.c0 : b.c0 + len(b.closable)] = offset + b.closable * T
            offset += m * T
        T_of = owner[rows] - base[cols]
        ok = (base[cols] >= 0) & (T_of >= 0) & ((year[cols] < 0) | (T_of == year[cols]))
        ok &= (year[cols] >= 0) | (T_of < np.array([b.net.shape[2] for b in model.blocks]).max())
        if not ok.all():
            raise ValueError("network_columns: a school-year's row holds another site's or school's column")

    @staticmethod
    def _shifted(model: NetworkModel, csc: sparse.csc_matrix, blocks, q: int) -> NetworkModel:
        """The model with every option of rank q (its site's q-th) open in every year: its
        share of each row moved to the row bounds (internal rows see only their own site)."""
        values = np.zeros(model.n_cols)
        for b, rank in blocks:
            T = b.net.shape[2]
            for o in np.flatnonzero(rank == q).tolist():
                values[b.z0 + o * T : b.z0 + (o + 1) * T] = 1.0
        shift = model.matrix @ values
        return replace(model, matrix=csc, row_lo=model.row_lo - shift, row_hi=model.row_hi - shift)

    def _sites(self) -> None:
        """The sites' problem over (z, c): the site rows (LP and MIP, costs set per θ)."""
        model, zc = self.model, self.zc
        rows, lo, hi = self.site_matrix()
        sites = (model.cost[zc], model.col_lo[zc].astype(float), model.col_hi[zc].astype(float), rows, lo, hi)
        self.site_lp = quiet_highs(*sites, None)
        self.site_mip = quiet_highs(*sites, model.integer[zc].astype(bool))
        self.site_mip.setOptionValue("mip_rel_gap", 1e-7)

    def site_matrix(self) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
        """The site rows over the (z, c) columns, each scaled by its largest coefficient (a
        budget in VND weighs as a row of ones), and their bounds."""
        rows = self.model.matrix[self.site_rows][:, self.zc].tocsr()
        scale = np.maximum(abs(rows).max(axis=1).toarray().ravel(), 1e-12)
        lo, hi = self.model.row_lo[self.site_rows] / scale, self.model.row_hi[self.site_rows] / scale
        return (sparse.diags(1.0 / scale) @ rows).tocsr(), lo, hi

    def project(self, pi: np.ndarray) -> np.ndarray:
        """π with the linking rows' signs (≤ rows π ≤ 0, ≥ rows π ≥ 0)."""
        pi = np.where(np.isinf(self.lo_L), np.minimum(pi, 0.0), pi)
        return np.where(np.isinf(self.hi_L), np.maximum(pi, 0.0), pi)

    def evaluate(
        self, pi: np.ndarray, whole: bool, deadline: float, mu: np.ndarray | None = None
    ) -> tuple[float, float, np.ndarray, list[np.ndarray | None], np.ndarray] | None:
        """(θ_LP, θ_int, m per state, each state's best pattern or None, the sites' MIP (z, c))
        at π (projected), or None when the deadline came first. With `mu` (the master's duals
        of the states' rows), a state whose last price, moved by the least the change of its
        reduced costs can take off (Σ min(Δ·lo, Δ·hi): still a lower bound), cannot price below
        its μ_s is not priced: it has no column to give, and that lower bound stands for m_s."""
        import highspy

        m = np.zeros(len(self.states))
        found: list[np.ndarray | None] = [None] * len(self.states)
        zero_at = -1  # a school-year whose largest option priced 0
        for s in self.order:
            if time.perf_counter() > deadline:
                return None
            piece = self.group[s][0]
            state = self.states[s]
            if piece == zero_at and state.empty:
                continue  # fewer rooms, fewer patterns: still 0
            if mu is not None and state.last is not None:
                reduced = state.reduced(pi)
                delta = reduced - state.last[0]
                with np.errstate(invalid="ignore"):
                    least = np.where(delta == 0, 0.0, np.minimum(delta * state.lo, delta * state.hi))
                estimate = state.last[1] + float(least.sum())
                if state.empty:
                    estimate = min(estimate, 0.0)
                if np.isfinite(estimate) and estimate - mu[s] >= -1e-9 * max(1.0, abs(estimate)):
                    m[s] = estimate
                    self.skipped += 1
                    continue
            m[s], found[s] = state.price(pi, whole, deadline)
            if not np.isfinite(m[s]) and m[s] < 0:
                return None  # a piece without a bound
            state.last = (state.reduced(pi), m[s])
            zero_at = piece if (m[s] >= 0 and state.empty and np.isfinite(self.group[s][1])) else -1
        big = 1e3 * (np.abs(self.model.cost).max() + 1.0) * max(1.0, float(self.model.n_rows))
        mm = np.minimum(m, big)  # an infeasible state (m = ∞) stands as a large value: still a bound
        right = np.where(pi > 0, self.lo_L, np.where(pi < 0, self.hi_L, 0.0))
        constant = float(np.where(pi == 0, 0.0, pi * right).sum())
        cost = self.model.cost[self.zc] - self.link_zc.T @ pi
        where = np.searchsorted(self.zc, [c for c, _g, _k in self.capacity])
        for s, (col, coef, const) in enumerate(self.capacity):
            constant += mm[s] * const
            if col >= 0:
                cost[where[s]] += mm[s] * coef
        values: list[float] = []
        for h, integer in ((self.site_lp, False), (self.site_mip, True)):
            h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost.astype(np.float64))
            if integer:
                h.setOptionValue("time_limit", float(max(0.05, min(INNER_SECONDS, deadline - time.perf_counter()))))
            h.run()
            info = h.getInfo()
            bound = info.mip_dual_bound if integer else info.objective_function_value
            if integer and h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                bound = max(info.mip_dual_bound, values[0])
            values.append(float(bound))
        z = np.zeros(self.model.n_cols)
        if self.site_mip.getInfo().primal_solution_status == 2:
            z[self.zc] = np.asarray(self.site_mip.getSolution().col_value)
        return constant + values[0], constant + values[1], m, found, z


def _master(cols: NetworkColumns, big: float, feasible: bool) -> Master:
    """The restricted master (module docstring; `column_master.Master`): the states' rows
    Σλ − coef·(z or c) ≤ constant (= when ∅ ∉ P_s), the site rows scaled (`site_matrix`)."""
    model = cols.model
    rows, lo, hi = cols.site_matrix()
    sites = Sites(
        model.cost[cols.zc],
        model.col_lo[cols.zc].astype(float),
        model.col_hi[cols.zc].astype(float),
        cols.link_zc,
        rows,
        lo,
        hi,
    )
    where = np.searchsorted(cols.zc, [c for c, _g, _k in cols.capacity])
    capacity = [
        (int(where[s]) if col >= 0 else -1, coef, const if not state.empty else -np.inf, const)
        for s, ((col, coef, const), state) in enumerate(zip(cols.capacity, cols.states, strict=True))
    ]
    return Master(cols.states, cols.lo_L, cols.hi_L, capacity, sites, big=big, feasible=feasible)


class _Run:
    """The states' pricing for `column_master` (`NetworkColumns.evaluate`), and the best bounds
    so far (θ_int, with the sites' MIP values) and their history."""

    def __init__(self, cols: NetworkColumns, began: float, lp: float, report: Callable[[float], None] | None) -> None:
        self.cols, self.states = cols, cols.states
        self.began, self.bound, self.report = began, lp, report
        self.relaxed = lp  # the best θ_int when last priced with the quarters relaxed
        self.sites = np.zeros(0)
        self.history: list[tuple[float, float]] = [(time.perf_counter() - began, lp)]

    def price(self, pi: np.ndarray, whole: bool, deadline: float, mu: np.ndarray | None) -> Priced | None:
        at = self.cols.evaluate(pi, whole, deadline, mu)
        if at is None:
            return None
        theta, theta_int, m, found, z = at
        if theta_int > self.bound:
            self.bound, self.sites = theta_int, z
            self.history.append((time.perf_counter() - self.began, theta_int))
            if self.report is not None:
                self.report(theta_int)
        if not whole:
            self.relaxed = self.bound
        return Priced(theta, m, found)

    def project(self, pi: np.ndarray) -> np.ndarray:
        return self.cols.project(pi)

    def offered(self, s: int) -> list[int]:
        return self.cols.larger[s]


def network_column_bound(
    model: NetworkModel,
    *,
    deadline: float,
    start: np.ndarray | None = None,
    row_duals: np.ndarray | None = None,
    lp_bound: float | None = None,
    relaxed_first: bool = True,
    report: Callable[[float], None] | None = None,
) -> NetworkColumnBound:
    """A lower bound of the network `model` over every site choice (module docstring) by
    `deadline` (time.perf_counter()): column generation from the network LP's duals (`row_duals`
    and `lp_bound`, HiGHS's, or solved here), a feasible plan `start` (model columns; by default
    `network_model.start_vector`'s when it has one, else the master starts on artificials) giving
    the first columns. Valid whenever it stops: the best
    θ_int reached, or the LP's value. `report(bound)` hears of every rise."""
    began = time.perf_counter()
    if row_duals is None or lp_bound is None:
        lp, row_duals = solve_lp(model, time_limit=max(0.05, deadline - began))
        if row_duals is None or lp.objective is None:
            raise ValueError("network_columns: the network LP was not solved to optimality; no duals to start from")
        lp_bound = lp.objective
    cols = NetworkColumns(model)
    pieces = np.flatnonzero(~fixed_columns(model))
    piece_matrix = model.matrix[:, pieces]
    big = 10.0 * float(np.abs(model.cost[pieces]).max() + 1.0) * float(max(1.0, abs(piece_matrix).max()))
    start = start_vector(model) if start is None else start
    master = _master(cols, big, start is not None)
    if start is not None:
        for s, state in enumerate(cols.states):  # each school-year's part of the plan, if its state is the plan's
            col, coef, _const = cols.capacity[s]
            if (col < 0 or (coef > 0 and start[col] > 0.5) or (coef < 0 and start[col] < 0.5)) and (
                start[state.cols] != 0
            ).any():
                master.add(s, start[state.cols], False)
    run = _Run(cols, began, float(lp_bound), report)
    pi = cols.project(np.asarray(row_duals)[cols.linking])
    ends = began + RELAXED_SHARE * (deadline - began) if relaxed_first else None
    relaxed, whole = generate(master, run, pi, deadline=deadline, relaxed_until=ends)
    master.box(whole.pi, None)
    value, _pi, _mu, used = master.solve()
    master_sites = np.zeros(model.n_cols)
    master_sites[cols.zc] = master.sites()
    return NetworkColumnBound(
        bound=run.bound,
        lp=float(lp_bound),
        dantzig_wolfe=max(whole.theta, -np.inf if relaxed is None else relaxed.theta),
        master=np.nan if used else value,
        relaxed_bound=run.relaxed if relaxed is not None else -np.inf,
        iterations=(0 if relaxed is None else relaxed.iterations, whole.iterations),
        states=len(cols.states),
        seconds=time.perf_counter() - began,
        sites=run.sites if len(run.sites) else np.zeros(model.n_cols),
        master_sites=master_sites,
        history=tuple(run.history),
    )
