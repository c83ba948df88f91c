"""Choosing new school sites: which candidates open, with how many rooms, from which year.

The network model extends the whole-class zoning model (`zoning.model`) to candidate sites,
neighbour schools and closable schools, for every school year to the horizon and for one or
several levels at once (a money budget is shared by the levels). Built as sparse NumPy
matrices, solved by HiGHS through highspy (`zoning.solve`), or by PuLP with HiGHS or CBC on
the same matrices (`solver="pulp-highs"`: the PuLP formulation, written row by row from
lists, kept alongside).

Symbols (per level; i quarter, j school column, t school year, g grade, o room option):
    d[i,t,g]   pupils of quarter i in year t and grade g (capacity's demand, `mean`)
    D[i,t]     Σ_g d[i,t,g]
    dist[i,j]  metres from quarter i to school j; w[i,j] = dist + λ·max(dist − norm, 0)
               (λ = distance_penalty, norm = the walking-distance norm) + ν if j is a
               neighbour school (ν = neighbour_penalty, metres per pupil)
    L[j,g]     pupils per class (norm table, lowered by the school's own limit; 1 for a
               neighbour, whose "classes" are seats)
    r[j]       rooms per class (1 on two sessions a day, 0.5 on one)
    R[j,t]     classrooms of an existing school in year t (0 unless open), seats offered by
               a neighbour; 0 for a candidate site
    S[o]       rooms of option o, cost[o] VND, site(o) its school column, first[o] the first
               year it may open; P the allowed (quarter, school) pairs (`zoning.constraints`)
    M          overflow penalty, metres per pupil without a seat (`zoning.model`, 200
               reference distances); ε = cost_weight (pupil-metres per VND, a tie-break)

Variables:
    x[i,j,t] ∈ {0,1}  quarter i goes to school j in year t (continuous in [0,1] if split)
    n[j,t,g] ∈ ℤ≥0    classes (continuous for neighbours)
    o[j,t,g] ≥ 0      pupils over capacity
    z[o,t]   ∈ {0,1}  option o of its site is open in year t
    c[j]     ∈ {0,1}  existing school j closed (closable schools only, see `zoning.closures`)

Minimise   Σ_t Σ_(i,j)∈P D[i,t]·w[i,j]·x[i,j,t] + M·Σ o[j,t,g] + ε·Σ_o cost[o]·z[o,T]
subject to
    Σ_j x[i,j,t] = 1                                   every quarter served once, each year
    Σ_i d[i,t,g]·x[i,j,t] − L[j,g]·n[j,t,g] − o[j,t,g] ≤ 0        seats in whole classes
    Σ_g r[j]·n[j,t,g] − Σ_(o: site(o)=j) S[o]·z[o,t] + R[j,t]·c[j] ≤ R[j,t]        rooms
    x[i,j,t] − Σ_(o: site(o)=j) z[o,t] ≤ 0             only open sites take pupils
                                                        (= 0 for a must pair at a site)
    x[i,j,t] + c[j] ≤ 1                                 a closed school takes none
    Σ_(o: site(o)=k) z[o,t] ≤ 1  (= 1 at T for a must-open site)   one option per site
    z[o,t] ≤ z[o,t+1];  z[o,t] = 0 for t < first[o]    an opened site stays open as built
    x[a,j,t] = x[b,j,t]                                 quarters a, b of one feeder group
    x[i,j,t] = 1                                        must pairs (existing schools)
    Σ_levels Σ_o cost[o]·z[o,T] ≤ B  and/or  Σ_o z[o,T] ≤ p        budget (money, sites)
    Σ_j c[j] ≥ K;  Σ o ≤ Ō                              (closure combinations only)

Every year is planned to the horizon T; the travel of all years counts. Without candidate
sites, neighbours and closures the model is the zoning model of each year.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import cast

import numpy as np
import pandas as pd
from scipy import sparse

from zoning.constraints import PairRules, PlannerConstraints, conflict_frame, pair_rules
from zoning.model import TIE_BREAK, MatrixModel, _overflow_penalty
from zoning.network_problem import NetworkProblem
from zoning.solve import MIP_REL_GAP, SolveOutcome, solve_model
from zoning.vectors import best_classes

__all__ = [
    "AUTO_K_NEAREST",
    "NetworkModel",
    "NetworkOptions",
    "NetworkResult",
    "build_network_model",
    "plan_network",
    "tradeoff_curve",
]

AUTO_K_NEAREST = 10
"""Schools (existing, candidate, neighbour) kept per quarter when quarters × schools > 20,000."""
COST_WEIGHT = 1e-9
"""Tie-break: pupil-metres per VND of a site's cost (a 50-billion school weighs 50 pupil-metres)."""


@dataclass(frozen=True)
class NetworkOptions:
    """Modelling choices. budget: VND for all the sites opened by the horizon (all levels);
    max_sites: sites opened by the horizon; closed: existing school ids closed in every year;
    min_closed / max_overflow: the closure-combination rows (see `zoning.closures`)."""

    budget: float | None = None
    max_sites: int | None = None
    k_nearest: int | None = None
    split: bool = False
    distance_penalty: float = 1.0
    neighbour_penalty: float | None = None
    overflow_penalty: float | None = None
    cost_weight: float = COST_WEIGHT
    closed: tuple[str, ...] = ()
    min_closed: int | None = None
    max_overflow: float | None = None


@dataclass(frozen=True, eq=False)
class LevelBlock:
    """Where one level's columns sit in the network model (absolute column indices)."""

    net: NetworkProblem
    rules: PairRules
    pair_quarter: np.ndarray     # (P,)
    pair_school: np.ndarray      # (P,)
    x0: int                      # x[p,t] at x0 + p·T + t
    n0: int                      # n[j,t,g] at n0 + (j·T + t)·G + g
    o0: int                      # overflow, same layout from o0
    z0: int                      # z[o,t] at z0 + o·T + t
    c0: int                      # c[k] at c0 + k for the closable schools `closable`
    closable: np.ndarray         # school columns that may close
    penalty: float               # overflow penalty (metres per pupil)
    neighbour_penalty: float


@dataclass(frozen=True, eq=False)
class NetworkModel:
    """min cost·v s.t. row_lo ≤ A v ≤ row_hi, col_lo ≤ v ≤ col_hi (same fields as
    `MatrixModel`, so `zoning.solve.solve_model` solves it with any backend)."""

    cost: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    integer: np.ndarray
    matrix: sparse.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    blocks: tuple[LevelBlock, ...]
    options: NetworkOptions

    @property
    def n_cols(self) -> int:
        return len(self.cost)

    @property
    def n_rows(self) -> int:
        return int(self.matrix.shape[0])

    def objective(self, values: np.ndarray) -> float:
        return float(self.cost @ values)

    def as_matrix_model(self) -> MatrixModel:
        """The same object typed for `zoning.solve` (which reads only the matrix fields)."""
        return cast(MatrixModel, self)


class _Rows:
    """Collects COO triplets and row bounds."""

    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.count = 0

    def add(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> None:
        r, c, v = np.broadcast_arrays(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64),
                                      np.asarray(vals, dtype=float))
        self.r.append(r.ravel() + self.count)
        self.c.append(c.ravel())
        self.v.append(v.ravel())

    def close(self, lo: np.ndarray, hi: np.ndarray) -> None:
        self.lo.append(np.asarray(lo, dtype=float))
        self.hi.append(np.asarray(hi, dtype=float))
        self.count += len(lo)


def _site_options(net: NetworkProblem) -> tuple[np.ndarray, np.ndarray]:
    """CSR-like (start (m+1,), option order) listing the options of each school column."""
    m = net.shape[1]
    order = np.argsort(net.option_school, kind="stable")
    start = np.searchsorted(net.option_school[order], np.arange(m + 1))
    return start, order


def _level_block(net: NetworkProblem, rules: PairRules, opts: NetworkOptions, col0: int, rows: _Rows,
                 cols: dict[str, list[np.ndarray]]) -> LevelBlock:
    """Append one level's columns (to `cols`) and rows (to `rows`); return where they are."""
    zp = net.zoning
    n, m, T, G = zp.shape
    closed = np.isin(zp.school_ids.astype(str), list(opts.closed))
    allowed = rules.allowed & ~closed[None, :]
    fixed = (net.kind != "candidate")[None, :]
    stranded = ~(allowed & fixed).any(axis=1)
    if stranded.any():   # every school of the quarter that exists is closed: keep its nearest open one
        metres = np.where(np.isnan(zp.distance) | closed[None, :] | ~fixed, np.inf, zp.distance)
        allowed[np.flatnonzero(stranded), np.argmin(metres[stranded], axis=1)] = True
    pq, ps = np.nonzero(allowed)
    P, n_opt = len(pq), len(net.option_school)
    closable = np.flatnonzero(net.closable & ~closed)
    C = len(closable)
    n_cls = m * T * G
    x0, n0 = col0, col0 + P * T
    o0 = n0 + n_cls
    z0 = o0 + n_cls
    c0 = z0 + n_opt * T
    total = c0 + C - col0

    # --- costs
    dist = zp.distance[pq, ps]
    beyond: np.ndarray | float = 0.0
    if zp.norm_distance is not None and opts.distance_penalty > 0:
        beyond = opts.distance_penalty * np.maximum(dist - zp.norm_distance, 0.0)
    nb_pen = opts.neighbour_penalty if opts.neighbour_penalty is not None else float(zp.norm_distance or 1000.0)
    per_pupil = dist + beyond + np.where(net.kind[ps] == "neighbour", nb_pen, 0.0)
    pupils_qt = zp.demand.sum(axis=2)                                     # (n, T)
    cost_x = (pupils_qt[pq] * per_pupil[:, None] + TIE_BREAK * dist[:, None]).ravel()
    penalty = opts.overflow_penalty or _overflow_penalty(zp, opts.distance_penalty, 0.0)
    cost_z = np.zeros((n_opt, T))
    cost_z[:, T - 1] = opts.cost_weight * net.option_cost
    cost = np.concatenate([cost_x, np.zeros(n_cls), np.full(n_cls, penalty), cost_z.ravel(), np.zeros(C)])

    # --- bounds and integrality
    lo = np.zeros(total)
    hi = np.full(total, np.inf)
    hi[:P * T] = 1.0
    must_pair = rules.must[pq, ps]
    fixed = must_pair & (net.kind[ps] != "candidate")
    lo[:P * T] = np.repeat(fixed, T).astype(float)
    start, order = _site_options(net)
    max_site_rooms = np.zeros(m)
    if n_opt:
        np.maximum.at(max_site_rooms, net.option_school, net.option_rooms)
    room_cap = np.maximum(zp.rooms, max_site_rooms[:, None])                 # (m, T)
    max_classes = np.where(net.integer_classes[:, None], np.floor(room_cap / zp.rooms_per_class[:, None] + 1e-9),
                           room_cap / zp.rooms_per_class[:, None])
    hi[P * T:P * T + n_cls] = np.repeat(max_classes.ravel(), G)
    zhi = (np.arange(T)[None, :] >= net.option_first[:, None]).astype(float)
    hi[z0 - col0:c0 - col0] = zhi.ravel()
    hi[c0 - col0:] = 1.0
    integer = np.zeros(total, dtype=bool)
    integer[:P * T] = not opts.split
    integer[P * T:P * T + n_cls] = np.repeat(net.integer_classes, T * G)
    integer[z0 - col0:] = True
    for key, part in (("cost", cost), ("lo", lo), ("hi", hi), ("int", integer)):
        cols[key].append(part)

    xcol = x0 + np.arange(P * T).reshape(P, T)                              # (P, T)
    # assignment: Σ_j x[i,j,t] = 1
    rows.add(pq[:, None] * T + np.arange(T)[None, :], xcol, np.ones((P, T)))
    rows.close(np.ones(n * T), np.ones(n * T))
    # seats
    d = zp.demand[pq]                                                        # (P, T, G)
    cell = (ps[:, None, None] * T + np.arange(T)[None, :, None]) * G + np.arange(G)[None, None, :]
    nz = d > 0
    rows.add(cell[nz], np.broadcast_to(xcol[:, :, None], d.shape)[nz], d[nz])
    limit = np.broadcast_to(zp.class_limit[:, None, :], (m, T, G)).ravel()
    rows.add(np.arange(n_cls), n0 + np.arange(n_cls), -limit)
    rows.add(np.arange(n_cls), o0 + np.arange(n_cls), -np.ones(n_cls))
    rows.close(np.full(n_cls, -np.inf), np.zeros(n_cls))
    # rooms
    rows.add(np.arange(n_cls) // G, n0 + np.arange(n_cls), np.repeat(zp.rooms_per_class, T * G))
    if n_opt:
        ot = np.arange(n_opt * T)
        rows.add(net.option_school[ot // T] * T + ot % T, z0 + ot, -net.option_rooms[ot // T])
    if C:
        kt = np.arange(C * T)
        j = closable[kt // T]
        rows.add(j * T + kt % T, c0 + kt // T, zp.rooms[j, kt % T])
    rows.close(np.full(m * T, -np.inf), zp.rooms.ravel())
    # candidate links: x[p,t] − Σ_o z[o,t] ≤ 0 (= 0 for must pairs)
    cp = np.flatnonzero(net.kind[ps] == "candidate")
    if len(cp):
        k_opts = start[ps[cp] + 1] - start[ps[cp]]                           # options per pair
        r = np.arange(len(cp) * T).reshape(len(cp), T)
        rows.add(r, xcol[cp], np.ones((len(cp), T)))
        pair_of = np.repeat(np.arange(len(cp)), k_opts)
        offset = np.arange(len(pair_of)) - np.repeat(np.cumsum(k_opts) - k_opts, k_opts)
        option = order[start[ps[cp]][pair_of] + offset]
        rr = (pair_of[:, None] * T + np.arange(T)[None, :])
        rows.add(rr, z0 + option[:, None] * T + np.arange(T)[None, :], -np.ones(rr.shape))
        lo_link = np.where(np.repeat(must_pair[cp], T), 0.0, -np.inf)
        rows.close(lo_link, np.zeros(len(cp) * T))
    # closable links: x[p,t] + c[j] ≤ 1
    if C:
        position = np.full(m, -1)
        position[closable] = np.arange(C)
        kp = np.flatnonzero(position[ps] >= 0)
        r = np.arange(len(kp) * T).reshape(len(kp), T)
        rows.add(r, xcol[kp], np.ones(r.shape))
        rows.add(r, np.broadcast_to((c0 + position[ps[kp]])[:, None], r.shape), np.ones(r.shape))
        rows.close(np.full(len(kp) * T, -np.inf), np.ones(len(kp) * T))
    # one option per site and year; must-open sites open by the horizon
    sites = np.flatnonzero(net.kind == "candidate")
    if n_opt:
        position = np.full(m, -1)
        position[sites] = np.arange(len(sites))
        ot = np.arange(n_opt * T)
        rows.add(position[net.option_school[ot // T]] * T + ot % T, z0 + ot, np.ones(n_opt * T))
        lo_one = np.full((len(sites), T), -np.inf)
        lo_one[net.must_open[sites], T - 1] = 1.0
        rows.close(lo_one.ravel(), np.ones(len(sites) * T))
        if T > 1:   # z[o,t] − z[o,t+1] ≤ 0
            r = np.arange(n_opt * (T - 1)).reshape(n_opt, T - 1)
            zc = z0 + np.arange(n_opt * T).reshape(n_opt, T)
            rows.add(r, zc[:, :-1], np.ones(r.shape))
            rows.add(r, zc[:, 1:], -np.ones(r.shape))
            rows.close(np.full(n_opt * (T - 1), -np.inf), np.zeros(n_opt * (T - 1)))
    # feeder groups: x[a,j,t] = x[b,j,t] for consecutive members a, b of a group
    if rules.feeder_groups:
        index = np.full((n, m), -1)
        index[pq, ps] = np.arange(P)
        a_list, b_list = [], []
        for group in rules.feeder_groups:
            common = np.flatnonzero(allowed[group].all(axis=0))
            a = index[group[:-1][:, None], common[None, :]].ravel()
            b = index[group[1:][:, None], common[None, :]].ravel()
            a_list.append(a)
            b_list.append(b)
        a, b = np.concatenate(a_list), np.concatenate(b_list)
        r = np.arange(len(a) * T).reshape(len(a), T)
        rows.add(r, xcol[a], np.ones(r.shape))
        rows.add(r, xcol[b], -np.ones(r.shape))
        rows.close(np.zeros(len(a) * T), np.zeros(len(a) * T))
    return LevelBlock(net=net, rules=rules, pair_quarter=pq, pair_school=ps, x0=x0, n0=n0, o0=o0, z0=z0,
                      c0=c0, closable=closable, penalty=penalty, neighbour_penalty=nb_pen)


def build_network_model(nets: Sequence[NetworkProblem], rules: Sequence[PairRules],
                        options: NetworkOptions = NetworkOptions()) -> NetworkModel:
    """The network model of one or more levels (see the module docstring), with the budget
    rows shared by the levels. Vectorised over pairs, years and grades."""
    rows = _Rows()
    cols: dict[str, list[np.ndarray]] = {"cost": [], "lo": [], "hi": [], "int": []}
    blocks: list[LevelBlock] = []
    col0 = 0
    for net, rule in zip(nets, rules, strict=False):
        block = _level_block(net, rule, options, col0, rows, cols)
        blocks.append(block)
        col0 = sum(len(c) for c in cols["cost"])
    last = [b.z0 + np.arange(len(b.net.option_school)) * b.net.shape[2] + b.net.shape[2] - 1 for b in blocks]
    z_last = np.concatenate(last) if last else np.zeros(0, dtype=np.int64)
    money = np.concatenate([b.net.option_cost for b in blocks]) if blocks else np.zeros(0)
    if options.budget is not None and len(z_last):
        rows.add(np.zeros(len(z_last)), z_last, money)
        rows.close(np.array([-np.inf]), np.array([float(options.budget)]))
    if options.max_sites is not None and len(z_last):
        rows.add(np.zeros(len(z_last)), z_last, np.ones(len(z_last)))
        rows.close(np.array([-np.inf]), np.array([float(options.max_sites)]))
    c_cols = np.concatenate([b.c0 + np.arange(len(b.closable)) for b in blocks])
    if options.min_closed is not None and len(c_cols):
        rows.add(np.zeros(len(c_cols)), c_cols, np.ones(len(c_cols)))
        rows.close(np.array([float(options.min_closed)]), np.array([np.inf]))
    if options.max_overflow is not None:
        o_cols = np.concatenate([b.o0 + np.arange(b.z0 - b.o0) for b in blocks])
        rows.add(np.zeros(len(o_cols)), o_cols, np.ones(len(o_cols)))
        rows.close(np.array([-np.inf]), np.array([float(options.max_overflow)]))
    n_cols = col0
    matrix = sparse.csr_matrix((np.concatenate(rows.v), (np.concatenate(rows.r), np.concatenate(rows.c))),
                               shape=(rows.count, n_cols))
    matrix.sum_duplicates()
    matrix.sort_indices()
    return NetworkModel(cost=np.concatenate(cols["cost"]), col_lo=np.concatenate(cols["lo"]),
                        col_hi=np.concatenate(cols["hi"]), integer=np.concatenate(cols["int"]), matrix=matrix,
                        row_lo=np.concatenate(rows.lo), row_hi=np.concatenate(rows.hi), blocks=tuple(blocks),
                        options=options)


# --- a start: no site opened, every quarter at its nearest allowed school ----------------------

def start_vector(model: NetworkModel) -> np.ndarray | None:
    """A feasible column vector: no candidate opened, no school closed, each quarter (each
    feeder group) at its nearest allowed school that is not a candidate, classes that seat the
    most pupils, the rest as overflow. None when the model forces a site open, a closure or a
    must pair at a site (then HiGHS starts on its own)."""
    if model.options.min_closed or model.options.max_overflow is not None:
        return None
    values = np.zeros(model.n_cols)
    for b in model.blocks:
        net, zp = b.net, b.net.zoning
        _n, m, T, G = zp.shape
        if net.must_open.any() or (b.rules.must[b.pair_quarter, b.pair_school] &
                                   (net.kind[b.pair_school] == "candidate")).any():
            return None
        P = len(b.pair_quarter)
        metres = zp.distance[b.pair_quarter, b.pair_school]
        usable = net.kind[b.pair_school] != "candidate"
        score = np.where(usable, metres, np.inf)
        must = b.rules.must[b.pair_quarter, b.pair_school]
        score = np.where(must, -1.0, score)
        for group in b.rules.feeder_groups:   # one school for the whole group: least total metres
            members = np.isin(b.pair_quarter, group)
            total = np.bincount(b.pair_school[members], weights=np.where(np.isinf(score[members]), 1e12,
                                                                         score[members]), minlength=m)
            count = np.bincount(b.pair_school[members], minlength=m)
            total = np.where(count == len(group), total, np.inf)
            best = int(np.argmin(total))
            score[members] = np.where(b.pair_school[members] == best, -2.0, np.inf)
        order = np.lexsort((score, b.pair_quarter))
        first = np.ones(P, dtype=bool)
        first[1:] = b.pair_quarter[order][1:] != b.pair_quarter[order][:-1]
        chosen = order[first]
        if np.isinf(score[chosen]).any():
            return None
        values[b.x0 + chosen[:, None] * T + np.arange(T)[None, :]] = 1.0
        pupils = np.zeros((m, T, G))
        np.add.at(pupils, b.pair_school[chosen], zp.demand[b.pair_quarter[chosen]])
        classes = best_classes(zp, pupils)
        values[b.n0:b.o0] = classes.ravel()
        values[b.o0:b.z0] = np.maximum(pupils - classes * zp.class_limit[:, None, :], 0.0).ravel()
    return values


# --- results -----------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class NetworkResult:
    """The network plan as records.

    sites: per candidate site `level, site_id, name, opened, opens (school year), rooms, cost,
        rooms_needed, pupils_last_year` (rooms: the smallest option that seats what the model
        sends there, `right_sized` True when that is smaller than the solver's option).
    assignment: `school_year, level, quarter_id, school_id, kind, ward, share, pupils, distance_m`.
    load: `level, school_id, name, kind, ward, school_year, pupils, classes, rooms_available,
        rooms_needed, overflow_pupils`.
    summary: per `level, school_year`: `pupils, pupil_metres, mean_distance_m, overflow_pupils,
        neighbour_pupils, sites_open`.
    conflicts: planner constraints that could not all hold (`zoning.constraints`).
    status: optimal, feasible (time limit), infeasible, no_solution; objective / bound / gap as
    the solver reported them (pupil-metres with penalties). steps: seconds of the LP and of the
    phase zonings and the start's objective (`zoning.network_strategy`).
    """

    status: str
    solver: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    build_seconds: float
    cost: float
    pupil_metres: float
    overflow_pupils: float
    sites: pd.DataFrame
    assignment: pd.DataFrame
    load: pd.DataFrame
    summary: pd.DataFrame
    conflicts: pd.DataFrame
    closed: tuple[str, ...] = ()
    values: np.ndarray | None = field(default=None, repr=False)
    steps: dict = field(default_factory=dict)

    @property
    def opened(self) -> pd.DataFrame:
        """The sites that open."""
        return self.sites[self.sites["opened"]]

    def trips(self, school_year: int | None = None) -> pd.DataFrame:
        """Each quarter's school and distance (the largest share) in `school_year` (default: the last)."""
        a = self.assignment
        year = a["school_year"].max() if school_year is None else school_year
        a = a[a["school_year"] == year].sort_values("share", ascending=False, kind="stable")
        return a.drop_duplicates(["level", "quarter_id"]).sort_values(["level", "quarter_id"], ignore_index=True)


SITE_COLUMNS = ["level", "site_id", "name", "opened", "opens", "rooms", "cost", "rooms_needed",
                "right_sized", "pupils_last_year"]


def _right_size(model: NetworkModel, values: np.ndarray) -> np.ndarray:
    """Each opened site at its smallest option that still holds the classes the solution
    opens there in every year (same zoning, same pupil-metres, less cost)."""
    values = values.copy()
    for b in model.blocks:
        net, zp = b.net, b.net.zoning
        _n, m, T, G = zp.shape
        n_opt = len(net.option_school)
        if not n_opt:
            continue
        z = np.round(values[b.z0:b.z0 + n_opt * T].reshape(n_opt, T))
        classes = np.round(values[b.n0:b.o0].reshape(m, T, G), 6)
        need = (classes.sum(axis=2) * zp.rooms_per_class[:, None]).max(axis=1)        # (m,)
        for o in np.flatnonzero(z[:, T - 1] > 0.5):
            j = net.option_school[o]
            same = np.flatnonzero((net.option_school == j) & (net.option_rooms >= need[j] - 1e-9)
                                  & (net.option_first <= int(np.argmax(z[o] > 0.5))))
            if len(same) == 0:
                continue
            best = same[np.argmin(net.option_cost[same] + 1e-9 * net.option_rooms[same])]
            if best != o and net.option_cost[best] <= net.option_cost[o]:
                values[b.z0 + best * T:b.z0 + (best + 1) * T] = z[o]
                values[b.z0 + o * T:b.z0 + (o + 1) * T] = 0.0
    return values


def _tables(model: NetworkModel, values: np.ndarray) -> dict[str, pd.DataFrame]:
    sites, assign, load, summary = [], [], [], []
    for b in model.blocks:
        net, zp = b.net, b.net.zoning
        _n, m, T, G = zp.shape
        P, n_opt = len(b.pair_quarter), len(net.option_school)
        years = np.asarray(zp.school_years)
        x = values[b.x0:b.x0 + P * T].reshape(P, T)
        classes = values[b.n0:b.o0].reshape(m, T, G)
        over = values[b.o0:b.z0].reshape(m, T, G)
        z = np.round(values[b.z0:b.z0 + n_opt * T].reshape(n_opt, T))
        option_rooms = np.zeros((m, T))
        if n_opt:
            np.add.at(option_rooms, net.option_school, z * net.option_rooms[:, None])
        closed = np.zeros(m, dtype=bool)
        closed[b.closable] = values[b.c0:b.c0 + len(b.closable)] > 0.5
        closed |= np.isin(zp.school_ids.astype(str), list(model.options.closed))
        rooms = np.where(closed[:, None], 0.0, zp.rooms) + option_rooms
        pt, tt = np.nonzero(x > 1e-6)
        q, s = b.pair_quarter[pt], b.pair_school[pt]
        share = x[pt, tt]
        pupils = zp.demand.sum(axis=2)[q, tt] * share
        assign.append(pd.DataFrame({
            "school_year": years[tt], "level": zp.level, "quarter_id": zp.quarter_ids[q].astype(str),
            "school_id": zp.school_ids[s].astype(str), "kind": net.kind[s], "ward": net.ward[s],
            "share": share, "pupils": pupils, "distance_m": zp.distance[q, s]}))
        school_pupils = np.zeros((m, T))
        np.add.at(school_pupils, (s, tt), pupils)
        travel = np.zeros(T)
        np.add.at(travel, tt, pupils * zp.distance[q, s])
        nb_pupils = np.zeros(T)
        np.add.at(nb_pupils, tt, np.where(net.kind[s] == "neighbour", pupils, 0.0))
        whole = np.round(classes, 6)
        frame = pd.DataFrame({
            "level": zp.level, "school_id": np.repeat(zp.school_ids.astype(str), T),
            "name": np.repeat(zp.school_names.astype(str), T), "kind": np.repeat(net.kind, T),
            "ward": np.repeat(net.ward, T), "school_year": np.tile(years, m),
            "pupils": school_pupils.ravel(), "classes": whole.sum(axis=2).ravel(),
            "rooms_available": rooms.ravel(),
            "rooms_needed": (whole.sum(axis=2) * zp.rooms_per_class[:, None]).ravel(),
            "overflow_pupils": over.sum(axis=2).ravel(), "closed": np.repeat(closed, T)})
        keep = (frame["kind"] == "existing") | (frame["rooms_available"] > 0) | (frame["pupils"] > 0)
        load.append(frame[keep.to_numpy()])
        total_p = zp.demand.sum(axis=(0, 2))
        summary.append(pd.DataFrame({
            "level": zp.level, "school_year": years, "pupils": total_p, "pupil_metres": travel,
            "mean_distance_m": np.divide(travel, total_p, out=np.zeros(T), where=total_p > 0),
            "overflow_pupils": over.sum(axis=(0, 2)), "neighbour_pupils": nb_pupils,
            "sites_open": (z.sum(axis=0) if n_opt else np.zeros(T)).astype(int)}))
        for j in np.flatnonzero(net.kind == "candidate"):
            mine = np.flatnonzero(net.option_school == j)
            open_o = mine[z[mine, T - 1] > 0.5]
            opened = len(open_o) > 0
            o = open_o[0] if opened else -1
            first_t = int(np.argmax(z[o] > 0.5)) if opened else -1
            need = float((np.round(classes[j], 6).sum(axis=1) * zp.rooms_per_class[j]).max())
            solver_rooms = float(net.option_rooms[o]) if opened else 0.0
            sites.append({"level": zp.level, "site_id": str(zp.school_ids[j]), "name": str(zp.school_names[j]),
                          "opened": opened, "opens": int(years[first_t]) if opened else pd.NA,
                          "rooms": solver_rooms if opened else pd.NA,
                          "cost": float(net.option_cost[o]) if opened else 0.0,
                          "rooms_needed": need, "right_sized": False,
                          "pupils_last_year": float(school_pupils[j, T - 1])})
    return {"sites": pd.DataFrame(sites, columns=SITE_COLUMNS),
            "assignment": pd.concat(assign, ignore_index=True),
            "load": pd.concat(load, ignore_index=True), "summary": pd.concat(summary, ignore_index=True)}


def _empty_result(outcome: SolveOutcome, conflicts: pd.DataFrame, build: float) -> NetworkResult:
    empty = pd.DataFrame()
    return NetworkResult(status=outcome.status, solver=outcome.solver, objective=None, bound=outcome.bound,
                         gap=None, seconds=outcome.seconds, build_seconds=build, cost=0.0,
                         pupil_metres=float("nan"), overflow_pupils=float("nan"),
                         sites=pd.DataFrame(columns=SITE_COLUMNS), assignment=empty, load=empty, summary=empty,
                         conflicts=conflicts)


def result_from_values(model: NetworkModel, outcome: SolveOutcome, conflicts: pd.DataFrame,
                       build_seconds: float = 0.0) -> NetworkResult:
    """Tabulate a solved model (right-sizing the opened sites first)."""
    if outcome.values is None:
        return _empty_result(outcome, conflicts, build_seconds)
    before = outcome.values
    values = _right_size(model, before)
    tables = _tables(model, values)
    sites = tables["sites"]
    solver_sites = _tables(model, before)["sites"]
    sites["right_sized"] = sites["rooms"].fillna(0).to_numpy() < solver_sites["rooms"].fillna(0).to_numpy()
    # report the option rooms after right-sizing
    for b in model.blocks:
        net = b.net
        T = net.shape[2]
        n_opt = len(net.option_school)
        z = np.round(values[b.z0:b.z0 + n_opt * T].reshape(n_opt, T))
        for o in np.flatnonzero(z[:, T - 1] > 0.5):
            row = (sites["level"] == net.level) & (sites["site_id"] == str(net.school_ids[net.option_school[o]]))
            sites.loc[row, "rooms"] = float(net.option_rooms[o])
            sites.loc[row, "cost"] = float(net.option_cost[o])
    closed = tuple(tables["load"].loc[tables["load"]["closed"], "school_id"].drop_duplicates())
    return NetworkResult(
        status=outcome.status, solver=outcome.solver, objective=model.objective(values), bound=outcome.bound,
        gap=outcome.gap, seconds=outcome.seconds, build_seconds=build_seconds,
        cost=float(sites.loc[sites["opened"], "cost"].sum()),
        pupil_metres=float(tables["summary"]["pupil_metres"].sum()),
        overflow_pupils=float(tables["summary"]["overflow_pupils"].sum()),
        sites=sites, assignment=tables["assignment"], load=tables["load"], summary=tables["summary"],
        conflicts=conflicts, closed=closed, values=values)


# --- planning ----------------------------------------------------------------------------------

def _precheck(nets: Sequence[NetworkProblem], options: NetworkOptions) -> tuple[list[NetworkProblem], list[dict]]:
    """Must-open sites that cannot open (earliest year after the horizon) or that together
    cost more than the budget: recorded, and their must-open flag dropped."""
    out, rows = [], []
    for net in nets:
        T = net.shape[2]
        must = net.must_open.copy()
        for j in np.flatnonzero(must):
            mine = net.option_school == j
            if not (net.option_first[mine] < T).any():
                rows.append({"constraint": "must_open", "level": net.level, "quarter_id": "",
                             "school_id": str(net.school_ids[j]), "reason": "must_open_too_late", "action": "dropped"})
                must[j] = False
        out.append(replace(net, must_open=must))
    cheapest = [(net.level, j, net.option_cost[net.option_school == j].min()) for net in out
                for j in np.flatnonzero(net.must_open)]
    over_budget = options.budget is not None and sum(c for _, _, c in cheapest) > options.budget + 1e-6
    over_count = options.max_sites is not None and len(cheapest) > options.max_sites
    if over_budget or over_count:
        for level, j, _ in cheapest:
            net = next(x for x in out if x.level == level)
            rows.append({"constraint": "must_open", "level": level, "quarter_id": "",
                         "school_id": str(net.school_ids[j]), "reason": "must_open_over_budget", "action": "dropped"})
        out = [replace(net, must_open=np.zeros_like(net.must_open)) for net in out]
    return out, rows


def _diagnose(nets: Sequence[NetworkProblem], rules: Sequence[PairRules], options: NetworkOptions,
              time_limit: float) -> list[dict]:
    """Which family of constraints makes the model infeasible: each family is dropped in turn
    (must pairs, feeder groups, must-open sites, closures) and the LP relaxation re-solved;
    the instances of every family whose removal restores feasibility are recorded."""
    rows: list[dict] = []
    trials = {
        "must": ([replace(r, must=np.zeros_like(r.must)) for r in rules], list(nets), options),
        "feeder": ([replace(r, feeder_groups=()) for r in rules], list(nets), options),
        "must_open": (list(rules), [replace(n, must_open=np.zeros_like(n.must_open)) for n in nets], options),
        "closed": (list(rules), list(nets), replace(options, closed=(), min_closed=None)),
        "max_overflow": (list(rules), list(nets), replace(options, max_overflow=None)),
    }
    for family, (r2, n2, o2) in trials.items():
        model = build_network_model(n2, r2, o2)
        outcome = solve_model(model.as_matrix_model(), relax=True, time_limit=time_limit)
        if outcome.status == "infeasible":
            continue
        for net, rule in zip(nets, rules, strict=False):
            zp = net.zoning
            if family == "must":
                for i, j in zip(*np.nonzero(rule.must), strict=False):
                    rows.append({"constraint": "must", "level": net.level, "quarter_id": str(zp.quarter_ids[i]),
                                 "school_id": str(zp.school_ids[j]), "reason": "infeasible", "action": "none"})
            elif family == "feeder":
                for group in rule.feeder_groups:
                    for i in group:
                        rows.append({"constraint": "feeder", "level": net.level,
                                     "quarter_id": str(zp.quarter_ids[i]), "school_id": "",
                                     "reason": "infeasible", "action": "none"})
            elif family == "must_open":
                for j in np.flatnonzero(net.must_open):
                    rows.append({"constraint": "must_open", "level": net.level, "quarter_id": "",
                                 "school_id": str(zp.school_ids[j]), "reason": "infeasible", "action": "none"})
        if family in ("closed", "max_overflow"):
            shut = list(options.closed) + [str(s) for net in nets for s in net.school_ids[net.closable]]
            rows.append({"constraint": "closures" if family == "closed" else family, "level": "", "quarter_id": "",
                         "school_id": ",".join(shut) if family == "closed" else "",
                         "reason": "infeasible", "action": "none"})
    if not rows:
        rows.append({"constraint": "model", "level": "", "quarter_id": "", "school_id": "",
                     "reason": "infeasible", "action": "none"})
    return rows


def plan_network(
    nets: Sequence[NetworkProblem],
    *,
    constraints: PlannerConstraints | None = None,
    options: NetworkOptions = NetworkOptions(),
    time_limit: float = 60.0,
    solver: str = "highs",
    mip_rel_gap: float = MIP_REL_GAP,
    start: np.ndarray | None = None,
    rules: Sequence[PairRules] | None = None,
    diagnose: bool = True,
) -> NetworkResult:
    """Choose the sites (and zones, classes, closures) of the levels in `nets` together.

    Never raises for the planner's constraints: contradictions found before solving are in
    `result.conflicts` (and dropped so a plan is still made); when the model is still
    infeasible, `status` is "infeasible" and `conflicts` names the constraints and quarters
    whose removal makes it feasible (`diagnose`). `rules`: the pairs, when already made by
    `zoning.constraints.pair_rules` (then `constraints` only names them). Raises ValueError
    only for bad options.
    """
    if options.budget is not None and options.budget < 0:
        raise ValueError("budget must be ≥ 0 VND")
    if options.max_sites is not None and options.max_sites < 0:
        raise ValueError("max_sites must be ≥ 0")
    began = time.perf_counter()
    nets, pre = _precheck(nets, options)
    if rules is None:
        rules = []
        for net in nets:
            n, m, _, _ = net.shape
            k = options.k_nearest if options.k_nearest is not None else (AUTO_K_NEAREST if n * m > 20_000 else None)
            rules.append(pair_rules(net, constraints, k_nearest=k))
    for net, rule in zip(nets, rules, strict=False):
        shut = np.isin(net.school_ids.astype(str), list(options.closed))
        for i, j in zip(*np.nonzero(rule.must & shut[None, :]), strict=False):
            pre.append({"constraint": "must", "level": net.level, "quarter_id": str(net.zoning.quarter_ids[i]),
                        "school_id": str(net.school_ids[j]), "reason": "must_at_closed_school", "action": "dropped"})
    conflicts = pd.concat([conflict_frame(pre), *[r.conflicts for r in rules]], ignore_index=True)
    model = build_network_model(nets, rules, options)
    build = time.perf_counter() - began
    steps: dict = {}
    if solver == "highs":
        from zoning.network_strategy import solve_network_model

        outcome, steps = solve_network_model(model, time_limit=time_limit, mip_rel_gap=mip_rel_gap, start=start)
    else:
        outcome = solve_model(model.as_matrix_model(), solver=solver, time_limit=time_limit,
                              mip_rel_gap=mip_rel_gap)
    if outcome.values is None and outcome.status == "infeasible" and diagnose:
        conflicts = pd.concat([conflicts, conflict_frame(_diagnose(nets, rules, options, time_limit))],
                              ignore_index=True)
    return replace(result_from_values(model, outcome, conflicts, build), steps=steps)


def tradeoff_curve(
    nets: Sequence[NetworkProblem],
    budgets: Sequence[float],
    *,
    by: str = "sites",
    constraints: PlannerConstraints | None = None,
    options: NetworkOptions = NetworkOptions(),
    time_limit: float = 60.0,
) -> tuple[pd.DataFrame, list[NetworkResult]]:
    """The budget → travel trade-off: one plan per budget (`by="sites"`: sites opened;
    `"money"`: VND), in increasing order, each warm-started from the previous plan (which
    the larger budget still allows). Returns the table `budget, by, cost, sites, pupil_metres,
    overflow_pupils, status, gap` and the plans."""
    if by not in ("sites", "money"):
        raise ValueError("by must be 'sites' or 'money'")
    rows, plans = [], []
    previous: np.ndarray | None = None
    for budget in sorted(budgets):
        opts = replace(options, max_sites=int(budget)) if by == "sites" else replace(options, budget=float(budget))
        plan = plan_network(nets, constraints=constraints, options=opts, time_limit=time_limit, start=previous)
        previous = plan.values
        plans.append(plan)
        rows.append({"budget": budget, "by": by, "cost": plan.cost, "sites": int(plan.sites["opened"].sum()),
                     "pupil_metres": plan.pupil_metres, "overflow_pupils": plan.overflow_pupils,
                     "status": plan.status, "gap": plan.gap})
    return pd.DataFrame(rows), plans
