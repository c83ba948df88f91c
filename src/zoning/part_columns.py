"""One level-year zoning part by column generation over school patterns: its Dantzig–Wolfe bound, and a proof.

A part (`zoning.network_parts.part_model`: the network model of one level and school year, the
sites fixed) is: min c·v subject to the linking rows Σ_j x[i,j] = 1 (one per quarter i) and, for
each school j, its own rows — seats Σ_i d[i,g]·x[i,j] − L[j,g]·n[j,g] − o[j,g] ≤ 0, rooms
Σ_g r[j]·n[j,g] ≤ R[j], the site links (bounds). With the linking rows set aside the part splits
into one piece per school (symbols as in `zoning.network_model`):

  patterns  P_j = {(x, n, o) of school j within its own rows, x ∈ {0,1}, n ∈ ℤ≥0}  (∅ is one)
  master    min Σ_j Σ_(p∈P_j) c_p·λ_p  s.t.  Σ_j Σ_p x_i(p)·λ_p = 1 (each quarter once),
            Σ_(p∈P_j) λ_p = 1 (one pattern per school),  λ ≥ 0
  bound     its LP value, the Dantzig–Wolfe bound = max_π θ(π), where for any π
            θ(π) = Σ_i π_i + Σ_j min_(p∈P_j) (c_p − Σ_i π_i·x_i(p))      (weak duality;
            a piece's proven MIP bound may stand for its minimum)

Pricing a school is its piece MIP with the costs c[i,j] − π_i (≈ 100 binaries and G integers:
HiGHS with its primal heuristics off, gap `zoning.lagrange.PIECE_GAP`), first with the quarters relaxed
(x ∈ [0,1], classes whole: `zoning.small_mip`, ≈ 1 ms, each search from the open nodes of the
piece's last one, `SEARCH_REUSE`; a weaker θ′ ≤ θ) until that master converges, then whole (its
fractional columns dropped; HiGHS: the small search over the ≈ 100 binaries too is ≈ 3.5× slower
and often cut at its node limit). The master and the stabilised
(box-step) loop are `zoning.column_master`'s, its states the schools (capacity = 1, no site
columns): the quarter rows carry artificial columns ±e_i of cost π̂_i ± δ_i, so the master's duals
stay within δ of π̂, the multipliers of the best θ so far; the box doubles when its master finds
no column. The pieces are priced at every iteration (`_Pieces`, π free on the equality rows).

What the bound gives a proof:
- Lagrangian cuts: for each school j, Σ_(cols of j) (c − π_i(col))·v ≥ b_j(π), b_j the piece's
  bound at π, holds for every zoning (its restriction to j is a pattern); their sum reads
  c·v ≥ θ(π) − Σ_i π_i(Σ_j x[i,j] − 1), so with them HiGHS's root bound starts at θ.
- Reduced-cost fixing: removing quarter i from a pattern of j leaves a pattern (fewer pupils in
  ≤ rows with x ≥ 0 coefficients), so forcing x[i,j] = 1 raises θ by at least c[i,j] − π_i:
  x[i,j] = 0 in every zoning below an upper bound U when θ + c[i,j] − π_i > U.
- The restricted master as a set-partition MIP over the columns found: a zoning (U).

Measured on the ward's every-grade parts (docs/zoning-measurements.md, "Every grade: one level-year part proven by column generation"): the
Dantzig–Wolfe bound is within 0.12% of the optimum where HiGHS's bound is 5% below after 30 s.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from zoning.column_master import Master, Priced, Sites, generate, quiet_highs
from zoning.lagrange import piece_solvers
from zoning.network_model import NetworkModel
from zoning.small_mip import branch_and_bound
from zoning.solve import solve_model

__all__ = [
    "ColumnBound",
    "PartProof",
    "PartSchools",
    "SchoolPiece",
    "column_bound",
    "fixed_pairs",
    "lagrangian_cuts",
    "part_schools",
    "prove_part",
    "quiet_highs",
]

PIECE_SECONDS = 2.0
"""Most seconds one piece MIP may take (its bound then stands for its minimum)."""
# The pieces' HiGHS models are the class-count bound's (`zoning.lagrange.piece_solvers`): one
# thread, relative gap `PIECE_GAP` (its dual bound stands in θ, so the bound stays valid), the
# primal heuristics off (`PIECE_HEURISTICS_OFF`: 3× faster at the ward's tiểu học 2029 duals,
# 0.55 s for its ten pieces instead of 1.5 s; with the gap 0.33 s).
FIRST_SLICE = 0.05
"""`prove_part` gives HiGHS alone this share of its time first: an easy part is proven there
(THCS 2028 of the ward: HiGHS 0.8 s, the column generation 18.5 s), a hard one starts the
column generation from HiGHS's better zoning."""
GUESS = 0.005
"""`prove_part` first fixes the pairs against θ·(1 + GUESS) instead of its best zoning's value:
if the optimum is below that, the smaller MIP proves it (and finds it when the columns did not
combine into it); otherwise its bound, θ·(1 + GUESS), still holds, and the pairs are fixed
again against the best zoning. Root gaps measured: 0–0.24% on the ward's every-grade parts."""
SEARCH_REUSE = True
"""A piece's relaxed pricing (`zoning.small_mip.branch_and_bound`) starts from the open nodes of
its last search (`SchoolPiece.leaves`: the same rows and bounds at other duals, so they hold
every whole point of the piece) instead of the root."""
RELAXED_SHARE = 0.6
"""`prove_part`'s relaxed stage may take at most this share of the column bound's time, so that
a short slice still prices whole patterns (measured on the ward's tiểu học 2029: the relaxed
stage 10–25 s of a 23–48 s bound; with a long slice it ends by its own tolerance first)."""


@dataclass(frozen=True)
class PartSchools:
    """A part's columns by school: school (n_cols,) index 0..S−1; linking (rows shared by
    schools: one per quarter); quarter (n_cols,) the position in `linking` of an x column's
    row, −1 for the others; schools: S."""

    school: np.ndarray
    linking: np.ndarray
    quarter: np.ndarray
    schools: int


def part_schools(model: NetworkModel, cols: np.ndarray, part: NetworkModel) -> PartSchools:
    """The school of each column of `part` (the columns `cols` of `model`), and its linking rows."""
    key = np.full(len(cols), -1, dtype=np.int64)
    for k, b in enumerate(model.blocks):  # ≤ 3 levels: a loop over blocks, not cells
        P, m = len(b.pair_school), len(b.net.school_ids)
        T = (b.n0 - b.x0) // P
        G = (b.o0 - b.n0) // (T * m)
        base = k * (m + 1)
        x = (cols >= b.x0) & (cols < b.n0)
        key[x] = base + b.pair_school[(cols[x] - b.x0) // T]
        for start, stop in ((b.n0, b.o0), (b.o0, b.z0)):
            cell = (cols >= start) & (cols < stop)
            key[cell] = base + (cols[cell] - start) // G // T
    if (key < 0).any():
        raise ValueError("part_schools: the part holds site or closure columns; fix them first (network_parts)")
    _ids, school = np.unique(key, return_inverse=True)
    coo = part.matrix.tocoo()
    low = np.full(part.matrix.shape[0], np.iinfo(np.int64).max)
    high = np.full(part.matrix.shape[0], -1)
    np.minimum.at(low, coo.row, school[coo.col])
    np.maximum.at(high, coo.row, school[coo.col])
    linking = np.flatnonzero(low < high)
    position = np.full(part.matrix.shape[0], -1)
    position[linking] = np.arange(len(linking))
    quarter = np.full(len(cols), -1)
    on_link = position[coo.row] >= 0
    quarter[coo.col[on_link]] = position[coo.row[on_link]]
    return PartSchools(school, linking, quarter, int(school.max()) + 1)


class SchoolPiece:
    """School j's piece: its columns, its own rows (one-column rows as bounds), a MIP and an LP."""

    def __init__(self, part: NetworkModel, schools: PartSchools, j: int) -> None:
        cols = np.flatnonzero(schools.school == j)
        sub = part.matrix[:, cols].tocsr()
        rows = np.setdiff1d(np.flatnonzero(np.diff(sub.indptr) > 0), schools.linking)
        sub, lo_r, hi_r = sub[rows], part.row_lo[rows], part.row_hi[rows]
        lo, hi = part.col_lo[cols].astype(float), part.col_hi[cols].astype(float)
        single = np.flatnonzero(np.diff(sub.indptr) == 1)
        a = sub.data[sub.indptr[single]]
        c = sub.indices[sub.indptr[single]]
        with np.errstate(divide="ignore", invalid="ignore"):
            low, up = (
                np.where(a > 0, lo_r[single] / a, hi_r[single] / a),
                np.where(a > 0, hi_r[single] / a, lo_r[single] / a),
            )
        np.maximum.at(lo, c, low)
        np.minimum.at(hi, c, up)
        keep = np.setdiff1d(np.arange(len(rows)), single)
        self.cols, self.cost, self.lo, self.hi = cols, part.cost[cols], lo, hi
        self.x = schools.quarter[cols] >= 0
        self.q = schools.quarter[cols]
        self.integer = part.integer[cols].astype(bool)
        self.open = bool((hi[self.x] > 0).any())
        self.empty = bool((lo <= 0).all() and (hi >= 0).all() and (lo_r[keep] <= 0).all() and (hi_r[keep] >= 0).all())
        self.mip, self.lp = piece_solvers(self.cost, lo, hi, self.integer, sub[keep], lo_r[keep], hi_r[keep])
        dense = sub[keep].toarray()  # ≤ 2G + 1 rows × ≈ 100 columns
        packing = (dense == 0) | ((lo_r[keep] == -np.inf)[:, None] & (dense > 0))
        self.removable = packing.all(axis=0)  # a quarter may leave any pattern of this school
        self.leaves: list[tuple[np.ndarray, np.ndarray]] = []  # the last relaxed search's open nodes

    def reduced(self, pi: np.ndarray) -> np.ndarray:
        c = self.cost.copy()
        c[self.x] -= pi[self.q[self.x]]
        return c

    def link(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pattern's (linking rows, coefficients): its quarters' rows, its x values."""
        on = self.x & (values > 1e-9)
        return self.q[on], values[on]

    def price(self, pi: np.ndarray, whole: bool, deadline: float) -> tuple[float, np.ndarray | None]:
        """(a lower bound of min over patterns of c − π·x, the best pattern found or None)."""
        if not self.open and self.empty:
            return 0.0, None
        c = self.reduced(pi)
        idx = np.arange(len(c), dtype=np.int32)
        if not whole:
            self.lp.changeColsCost(len(c), idx, c)
            bound, found, _status = branch_and_bound(
                self.lp,
                self.integer & ~self.x,
                self.lo,
                self.hi,
                deadline=deadline,
                leaves=self.leaves if SEARCH_REUSE else None,
            )
            return (min(float(bound), 0.0) if self.empty else float(bound)), found
        self.mip.changeColsCost(len(c), idx, c)
        self.mip.setOptionValue("time_limit", max(0.01, min(PIECE_SECONDS, deadline - time.perf_counter())))
        self.mip.run()
        info = self.mip.getInfo()
        if info.mip_dual_bound != info.mip_dual_bound or abs(info.mip_dual_bound) == np.inf:
            return -np.inf, None
        found = np.asarray(self.mip.getSolution().col_value) if info.primal_solution_status == 2 else None
        return (min(float(info.mip_dual_bound), 0.0) if self.empty else float(info.mip_dual_bound)), found


@dataclass(frozen=True)
class ColumnBound:
    """The column generation's outcome. bound: θ at the best multipliers (a lower bound of the
    part, pupil-metres); master: the restricted master's LP value without artificials (the
    Dantzig–Wolfe bound lies in [bound, master]); relaxed_bound: θ′ of the relaxed stage;
    multipliers: π of `bound` (one per linking row); piece_bounds: b_j(π) per school;
    iterations (relaxed, whole), seconds; columns: (school, piece values) of the whole patterns."""

    bound: float
    master: float
    relaxed_bound: float
    multipliers: np.ndarray
    piece_bounds: np.ndarray
    iterations: tuple[int, int]
    seconds: float
    columns: tuple[tuple[int, np.ndarray], ...]


class _Pieces:
    """The schools' pieces as `column_master.Pricing`: θ(π) = Σ_i π_i + Σ_j b_j(π) (module docstring)."""

    def __init__(self, pieces: list[SchoolPiece]) -> None:
        self.states = pieces

    def price(self, pi: np.ndarray, whole: bool, deadline: float, _mu: np.ndarray | None) -> Priced:
        bounds = np.zeros(len(self.states))
        found: list[np.ndarray | None] = []
        for j, piece in enumerate(self.states):
            bounds[j], pattern = piece.price(pi, whole, deadline)
            found.append(pattern)
        return Priced(float(pi.sum() + bounds.sum()), bounds, found)

    def project(self, pi: np.ndarray) -> np.ndarray:
        return pi  # the quarter rows are equalities: π free

    def offered(self, _s: int) -> tuple[int, ...]:
        return ()


def column_bound(
    part: NetworkModel,
    schools: PartSchools,
    start: np.ndarray,
    *,
    deadline: float,
    relaxed_first: bool = True,
    relaxed_share: float = 1.0,
) -> tuple[ColumnBound, list[SchoolPiece], Master]:
    """The part's Dantzig–Wolfe bound by column generation from the LP's duals (module
    docstring), the feasible zoning `start` (part columns) giving the first columns: the bound,
    the pieces and the master (for `prove_part`). Cut short by `deadline` (time.perf_counter()),
    `bound` is still a lower bound (θ at the best multipliers, or the relaxed stage's θ′ when
    that is higher: a relaxed piece's bound is a lower bound of its whole one, so its cuts
    and fixings hold too). `relaxed_share`: the most of the time to the deadline the relaxed
    stage may take (the whole stage then has the rest)."""
    began = time.perf_counter()
    pieces = [SchoolPiece(part, schools, j) for j in range(schools.schools)]
    nq, ones = len(schools.linking), np.ones(len(schools.linking))
    master = Master(pieces, ones, ones, [(-1, 0.0, 1.0, 1.0)] * len(pieces), Sites.none(nq), big=0.0, feasible=True)
    for j, piece in enumerate(pieces):
        master.add(j, start[piece.cols], False)
        if piece.empty:  # no quarter (not when a must pair or a bound asks for one)
            master.add(j, np.zeros(len(piece.cols)), False)
    lp = quiet_highs(part.cost, part.col_lo, part.col_hi, part.matrix, part.row_lo, part.row_hi, None)
    lp.run()
    pi = np.asarray(lp.getSolution().row_dual)[schools.linking]
    until = time.perf_counter() + relaxed_share * max(0.0, deadline - time.perf_counter())
    relaxed, whole = generate(
        master, _Pieces(pieces), pi, deadline=deadline, relaxed_until=until if relaxed_first else None
    )
    best = whole
    if relaxed is not None and relaxed.theta > whole.theta:  # the whole stage cut short before it rose above θ′
        best = relaxed
    whole_columns = tuple((j, v) for j, _c, v, frac in master.columns if not frac)
    result = ColumnBound(
        best.theta,
        whole.value,
        -np.inf if relaxed is None else relaxed.theta,
        best.pi,
        best.m if best.m is not None else np.zeros(len(pieces)),  # the pieces always price: never None
        (0 if relaxed is None else relaxed.iterations, whole.iterations),
        time.perf_counter() - began,
        whole_columns,
    )
    return result, pieces, master


def lagrangian_cuts(
    part: NetworkModel, schools: PartSchools, bound: ColumnBound
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """One row per school, Σ_(cols of j) (c − π_i(col))·v ≥ b_j(π) (module docstring): (matrix
    over the part's columns, lower bounds), each bound lowered by 10⁻⁶ of its size for HiGHS's
    tolerances."""
    coef = part.cost.astype(float).copy()
    x = schools.quarter >= 0
    coef[x] -= bound.multipliers[schools.quarter[x]]
    keep = coef != 0
    cols = np.flatnonzero(keep)
    matrix = sparse.csr_matrix((coef[keep], (schools.school[keep], cols)), shape=(schools.schools, len(coef)))
    lower = bound.piece_bounds - 1e-6 * np.abs(bound.piece_bounds) - 1e-3
    return matrix, lower


def fixed_pairs(
    part: NetworkModel, schools: PartSchools, bound: ColumnBound, pieces: list[SchoolPiece], upper: float
) -> np.ndarray:
    """(n_cols,) bool: x columns that are 0 in every zoning of the part below `upper`
    (θ + c[i,j] − π_i > upper by more than 10⁻⁹ of it, for quarters that may leave any pattern of
    their school: at θ = upper a pair with c[i,j] = π_i stays free whatever the rounding of θ)."""
    x = schools.quarter >= 0
    removable = np.zeros(len(part.cost), dtype=bool)
    for piece in pieces:
        removable[piece.cols] = piece.removable
    rise = np.full(len(part.cost), -np.inf)
    rise[x] = part.cost[x] - bound.multipliers[schools.quarter[x]]
    above = bound.bound + rise > upper + 1e-9 * max(1.0, abs(upper))
    return x & removable & (part.col_lo <= 0) & (part.col_hi > 0) & above


@dataclass(frozen=True)
class PartProof:
    """prove_part's outcome: values (part columns, the best zoning), objective, bound (a lower
    bound of the part), status ("optimal" within the gap, else "feasible"); root: the column
    bound (None when HiGHS's first slice proved the part); master_ip: the restricted master MIP's
    zoning value (None if none); fixed: x columns fixed to 0; seconds: (HiGHS's first slice,
    column generation, master MIP, HiGHS after the fixing) each."""

    values: np.ndarray
    objective: float
    bound: float
    status: str
    root: ColumnBound | None
    master_ip: float | None
    fixed: int
    seconds: tuple[float, float, float, float]


def _master_ip(
    master: Master, pieces: list[SchoolPiece], n_cols: int, seconds: float
) -> tuple[float | None, np.ndarray | None]:
    """The restricted master with λ whole (artificials off): a zoning over the columns found."""
    import highspy

    master.box(np.zeros(master.nL), None)
    h, n = master.h, master.h.getNumCol()
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    h.setOptionValue("time_limit", max(0.01, seconds))
    h.run()
    status = h.getInfo().primal_solution_status
    lam = np.asarray(h.getSolution().col_value)
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kContinuous] * n))
    if status != 2:
        return None, None
    values = np.zeros(n_cols)
    for (j, _cost, v, _frac), weight in zip(master.columns, lam[master.first :], strict=True):
        if weight > 0.5:
            values[pieces[j].cols] = v
    return float(h.getInfo().objective_function_value), values


def prove_part(
    part: NetworkModel,
    schools: PartSchools,
    start: np.ndarray,
    *,
    time_limit: float,
    mip_rel_gap: float = 1e-4,
    bound_share: float = 0.6,
    first_slice: float = FIRST_SLICE,
) -> PartProof:
    """The part solved to `mip_rel_gap` if time allows: HiGHS alone for `first_slice` of the
    time (an easy part ends there), then the column bound (until `bound_share` of the time), the
    restricted master MIP for a zoning, then HiGHS on the part with the Lagrangian cuts and the
    pairs fixed against θ·(1 + `GUESS`) (half the time left), then, if that did not prove it,
    against the best zoning's value, warm-started from it. `start`: a feasible zoning (part
    columns)."""
    began = time.perf_counter()
    best, first_bound = start.astype(float), -np.inf
    if first_slice > 0:
        first = solve_model(
            part.as_matrix_model(), time_limit=first_slice * time_limit, start=best, mip_rel_gap=mip_rel_gap
        )
        if first.values is not None and first.objective is not None and first.objective < part.objective(best):
            best = first.values
        first_bound = first.bound if first.bound is not None else -np.inf
        if first.status == "optimal":
            t0 = time.perf_counter() - began
            return PartProof(best, part.objective(best), first_bound, "optimal", None, None, 0, (t0, 0.0, 0.0, 0.0))
    t0 = time.perf_counter()
    root, pieces, master = column_bound(
        part, schools, best, deadline=began + bound_share * time_limit, relaxed_share=RELAXED_SHARE
    )
    t1 = time.perf_counter()
    found, values = _master_ip(master, pieces, len(part.cost), 0.05 * time_limit)
    t2 = time.perf_counter()
    if found is not None and values is not None and found < part.objective(best):
        best = values
    upper = part.objective(best)
    lowest = max(root.bound, first_bound)
    if upper - lowest <= mip_rel_gap * abs(upper):  # proven at the root
        return PartProof(best, upper, lowest, "optimal", root, found, 0, (t0 - began, t1 - t0, t2 - t1, 0.0))
    cuts, lower = lagrangian_cuts(part, schools, root)
    with_cuts = replace(
        part,
        matrix=sparse.vstack([part.matrix, cuts]).tocsr(),
        row_lo=np.concatenate([part.row_lo, lower]),
        row_hi=np.concatenate([part.row_hi, np.full(len(lower), np.inf)]),
    )
    bound, fixed = lowest, np.zeros(len(part.cost), dtype=bool)
    guess = root.bound + GUESS * abs(root.bound)
    for threshold in ([guess] if np.isfinite(guess) and guess < upper else []) + [np.inf]:
        threshold = min(threshold, upper)  # every zoning of value ≤ threshold keeps the fixing
        fixed = fixed_pairs(part, schools, root, pieces, threshold + 1e-7 * abs(threshold))
        hi = part.col_hi.astype(float).copy()
        hi[fixed] = 0.0
        left = time_limit - (time.perf_counter() - began)
        out = solve_model(
            replace(with_cuts, col_hi=hi).as_matrix_model(),
            time_limit=max(0.05, left / 2 if threshold < upper else left),
            start=None if (best[fixed] > 0.5).any() else best,
            mip_rel_gap=mip_rel_gap,
        )
        if out.values is not None and out.objective is not None and out.objective < upper:
            best, upper = out.values, out.objective
        inside = np.inf if out.status == "infeasible" else (out.bound if out.bound is not None else -np.inf)
        bound = max(bound, min(threshold, inside))  # zonings outside the fixing cost more than threshold
        if upper - bound <= mip_rel_gap * abs(upper) + 1e-6:
            break
    status = "optimal" if upper - bound <= mip_rel_gap * abs(upper) + 1e-6 else "feasible"
    return PartProof(
        best,
        upper,
        bound,
        status,
        root,
        found,
        int(fixed.sum()),
        (t0 - began, t1 - t0, t2 - t1, time.perf_counter() - t2),
    )
