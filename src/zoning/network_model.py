"""The school-network model as sparse matrices (built with NumPy), with its formulation.

`zoning.sites` plans with it (`plan_network`); `zoning.network_strategy` solves it.

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

Reduction (`NetworkOptions.reductions`, on by default; the optimum and the LP bound are
unchanged, the site variables 1/T as many — measured: no change of the gap in 10 s at ward
scale):
    z[o,t] = z[o,t+1] for t ≥ first[o] at a site without a must pair: an opened site is
    open from its first year (its cost counts once, at T; more rooms in earlier years never
    cost a pupil-metre), so only which option opens is decided; the plan reports a site
    from the first year it takes pupils (`zoning.sites`).

Every year is planned to the horizon T; the travel of all years counts. Without candidate
sites, neighbours and closures the model is the zoning model of each year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from scipy import sparse

from zoning.constraints import PairRules
from zoning.model import TIE_BREAK, MatrixModel, _overflow_penalty
from zoning.network_problem import NetworkProblem
from zoning.vectors import best_classes

__all__ = [
    "AUTO_K_NEAREST",
    "COST_WEIGHT",
    "LevelBlock",
    "NetworkModel",
    "NetworkOptions",
    "build_network_model",
    "early_fixed",
    "start_vector",
]

AUTO_K_NEAREST = 10
"""Schools (existing, candidate, neighbour) kept per quarter when quarters × schools > 20,000."""
COST_WEIGHT = 1e-9
"""Tie-break: pupil-metres per VND of a site's cost (a 50-billion school weighs 50 pupil-metres)."""


@dataclass(frozen=True)
class NetworkOptions:
    """Modelling choices. budget: VND for all the sites opened by the horizon (all levels);
    max_sites: sites opened by the horizon; closed: existing school ids closed in every year;
    min_closed / max_overflow: the closure-combination rows (see `zoning.closures`);
    reductions: the valid reduction of the module docstring (same optimum, same LP bound)."""

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
    reductions: bool = True


@dataclass(frozen=True, eq=False)
class LevelBlock:
    """Where one level's columns sit in the network model (absolute column indices)."""

    net: NetworkProblem
    rules: PairRules
    pair_quarter: np.ndarray  # (P,)
    pair_school: np.ndarray  # (P,)
    x0: int  # x[p,t] at x0 + p·T + t
    n0: int  # n[j,t,g] at n0 + (j·T + t)·G + g
    o0: int  # overflow, same layout from o0
    z0: int  # z[o,t] at z0 + o·T + t
    c0: int  # c[k] at c0 + k for the closable schools `closable`
    closable: np.ndarray  # school columns that may close
    penalty: float  # overflow penalty (metres per pupil)
    neighbour_penalty: float
    r0: int = 0  # the level's rows start here: its n·T assignment rows first (row r0 + i·T + t)

    def site_rooms(self, values: np.ndarray) -> np.ndarray:
        """(m, T) classrooms the site options open in `values` (z rounded) add to each school
        column in each year (0 for existing and neighbour schools)."""
        net = self.net
        m, T = net.shape[1], net.shape[2]
        rooms = np.zeros((m, T))
        n_opt = len(net.option_school)
        if n_opt:
            z = np.round(values[self.z0 : self.z0 + n_opt * T]).reshape(n_opt, T)
            np.add.at(rooms, net.option_school, z * net.option_rooms[:, None])
        return rooms

    def pair_index(self) -> np.ndarray:
        """(n, m) the pair p of quarter i and school column j (x[p, t] at x0 + p·T + t), −1 where
        the pair is not allowed."""
        n, m = self.net.shape[0], self.net.shape[1]
        index = np.full((n, m), -1)
        index[self.pair_quarter, self.pair_school] = np.arange(len(self.pair_quarter))
        return index


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
        r, c, v = np.broadcast_arrays(
            np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), np.asarray(vals, dtype=float)
        )
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


def _early_options(net: NetworkProblem, rules: PairRules, opts: NetworkOptions) -> np.ndarray:
    """(O,) options that, if opened, open in their first year: every option when
    `reductions`, except at sites with a must pair (opening there moves a quarter)."""
    if not opts.reductions or not len(net.option_school):
        return np.zeros(len(net.option_school), dtype=bool)
    must_site = np.asarray(rules.must.any(axis=0), dtype=bool)
    return ~must_site[net.option_school]


def early_fixed(block: LevelBlock, options: NetworkOptions) -> np.ndarray:
    """(O,) options of the block whose opening year the model fixes to their first year."""
    return _early_options(block.net, block.rules, options)


def _level_block(
    net: NetworkProblem,
    rules: PairRules,
    opts: NetworkOptions,
    col0: int,
    rows: _Rows,
    cols: dict[str, list[np.ndarray]],
) -> LevelBlock:
    """Append one level's columns (to `cols`) and rows (to `rows`); return where they are."""
    zp = net.zoning
    n, m, T, G = zp.shape
    r0 = rows.count
    closed = np.isin(zp.school_ids.astype(str), list(opts.closed))
    allowed = rules.allowed & ~closed[None, :]
    fixed = (net.kind != "candidate")[None, :]
    stranded = ~(allowed & fixed).any(axis=1)
    if stranded.any():  # every school of the quarter that exists is closed: keep its nearest open one
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
    pupils_qt = zp.demand.sum(axis=2)  # (n, T)
    cost_x = (pupils_qt[pq] * per_pupil[:, None] + TIE_BREAK * dist[:, None]).ravel()
    penalty = opts.overflow_penalty or _overflow_penalty(zp, opts.distance_penalty, 0.0)
    cost_z = np.zeros((n_opt, T))
    cost_z[:, T - 1] = opts.cost_weight * net.option_cost
    cost = np.concatenate([cost_x, np.zeros(n_cls), np.full(n_cls, penalty), cost_z.ravel(), np.zeros(C)])

    # --- bounds and integrality
    lo = np.zeros(total)
    hi = np.full(total, np.inf)
    hi[: P * T] = 1.0
    must_pair = rules.must[pq, ps]
    fixed = must_pair & (net.kind[ps] != "candidate")
    lo[: P * T] = np.repeat(fixed, T).astype(float)
    start, order = _site_options(net)
    max_site_rooms = np.zeros(m)
    if n_opt:
        np.maximum.at(max_site_rooms, net.option_school, net.option_rooms)
    room_cap = np.maximum(zp.rooms, max_site_rooms[:, None])  # (m, T)
    max_classes = np.where(
        net.integer_classes[:, None],
        np.floor(room_cap / zp.rooms_per_class[:, None] + 1e-9),
        room_cap / zp.rooms_per_class[:, None],
    )
    hi[P * T : P * T + n_cls] = np.repeat(max_classes.ravel(), G)
    zhi = (np.arange(T)[None, :] >= net.option_first[:, None]).astype(float)
    hi[z0 - col0 : c0 - col0] = zhi.ravel()
    hi[c0 - col0 :] = 1.0
    integer = np.zeros(total, dtype=bool)
    integer[: P * T] = not opts.split
    integer[P * T : P * T + n_cls] = np.repeat(net.integer_classes, T * G)
    integer[z0 - col0 :] = True
    for key, part in (("cost", cost), ("lo", lo), ("hi", hi), ("int", integer)):
        cols[key].append(part)

    xcol = x0 + np.arange(P * T).reshape(P, T)  # (P, T)
    # assignment: Σ_j x[i,j,t] = 1
    rows.add(pq[:, None] * T + np.arange(T)[None, :], xcol, np.ones((P, T)))
    rows.close(np.ones(n * T), np.ones(n * T))
    # seats
    d = zp.demand[pq]  # (P, T, G)
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
        k_opts = start[ps[cp] + 1] - start[ps[cp]]  # options per pair
        r = np.arange(len(cp) * T).reshape(len(cp), T)
        rows.add(r, xcol[cp], np.ones((len(cp), T)))
        pair_of = np.repeat(np.arange(len(cp)), k_opts)
        offset = np.arange(len(pair_of)) - np.repeat(np.cumsum(k_opts) - k_opts, k_opts)
        option = order[start[ps[cp]][pair_of] + offset]
        rr = pair_of[:, None] * T + np.arange(T)[None, :]
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
        if T > 1:  # z[o,t] − z[o,t+1] ≤ 0; = 0 from first[o] on at a site without must pairs
            r = np.arange(n_opt * (T - 1)).reshape(n_opt, T - 1)
            zc = z0 + np.arange(n_opt * T).reshape(n_opt, T)
            rows.add(r, zc[:, :-1], np.ones(r.shape))
            rows.add(r, zc[:, 1:], -np.ones(r.shape))
            early = (np.arange(T - 1)[None, :] >= net.option_first[:, None]) & _early_options(net, rules, opts)[:, None]
            rows.close(np.where(early, 0.0, -np.inf).ravel(), np.zeros(n_opt * (T - 1)))
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
    return LevelBlock(
        net=net,
        rules=rules,
        pair_quarter=pq,
        pair_school=ps,
        x0=x0,
        n0=n0,
        o0=o0,
        z0=z0,
        c0=c0,
        closable=closable,
        penalty=penalty,
        neighbour_penalty=nb_pen,
        r0=r0,
    )


def build_network_model(
    nets: Sequence[NetworkProblem], rules: Sequence[PairRules], options: NetworkOptions = NetworkOptions()
) -> NetworkModel:
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
    matrix = sparse.csr_matrix(
        (np.concatenate(rows.v), (np.concatenate(rows.r), np.concatenate(rows.c))), shape=(rows.count, n_cols)
    )
    matrix.sum_duplicates()
    matrix.sort_indices()
    return NetworkModel(
        cost=np.concatenate(cols["cost"]),
        col_lo=np.concatenate(cols["lo"]),
        col_hi=np.concatenate(cols["hi"]),
        integer=np.concatenate(cols["int"]),
        matrix=matrix,
        row_lo=np.concatenate(rows.lo),
        row_hi=np.concatenate(rows.hi),
        blocks=tuple(blocks),
        options=options,
    )


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
        if (
            net.must_open.any()
            or (b.rules.must[b.pair_quarter, b.pair_school] & (net.kind[b.pair_school] == "candidate")).any()
        ):
            return None
        P = len(b.pair_quarter)
        metres = zp.distance[b.pair_quarter, b.pair_school]
        usable = net.kind[b.pair_school] != "candidate"
        score = np.where(usable, metres, np.inf)
        must = b.rules.must[b.pair_quarter, b.pair_school]
        score = np.where(must, -1.0, score)
        for group in b.rules.feeder_groups:  # one school for the whole group: least total metres
            members = np.isin(b.pair_quarter, group)
            total = np.bincount(
                b.pair_school[members], weights=np.where(np.isinf(score[members]), 1e12, score[members]), minlength=m
            )
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
        values[b.n0 : b.o0] = classes.ravel()
        values[b.o0 : b.z0] = np.maximum(pupils - classes * zp.class_limit[:, None, :], 0.0).ravel()
    return values
