"""The zoning model as sparse matrices, ready for HiGHS (direct) or PuLP (HiGHS, CBC).

Symbols (units; where they come from):

| symbol | meaning |
|---|---|
| i, k | quarters (khu phố, thôn), n of them; k a neighbour of i |
| j | schools of the level, m of them |
| t | school years zoned, T of them |
| g | grades of the level zoned (lớp 1…5, 6…9, preschool groups), G of them |
| p = (i, j) | a candidate pair: school j may serve quarter i (`candidate_pairs`) |
| d[i,t,g] | pupils of quarter i, year t, grade g (capacity's demand table, `mean`; pupils) |
| dist[i,j] | walking metres from quarter i to school j (distances table; metres) |
| D | walking-distance norm of the level and setting (norm table; metres) |
| L[j,g] | most pupils per class of grade g at school j (norm table, lowered by the school's own limit) |
| r[j] | rooms one class needs at school j: 1 (two sessions a day) or 0.5 (one) |
| R[j,t] | classrooms school j can use in year t (0 unless opens ≤ t < closes) |
| c[i,j] | current share of quarter i at school j (zones.csv; 0 or 1 for whole quarters) |
| w_s | `stability`: metres per pupil moved from the current school |
| w_d | `distance_penalty`: extra weight per pupil-metre beyond D |
| M | `overflow_penalty`: metres per pupil without a seat (`_overflow_penalty`) |
| ε | `TIE_BREAK`: pupils charged per metre on every pair |
| x[p] | share of quarter i at school j: binary (whole quarters) or in [0, 1] (split) |
| n[j,t,g] | classes of grade g at school j in year t (integer ≥ 0) |
| o[j,t,g] | pupils of grade g at school j in year t beyond n·L (overflow, ≥ 0) |
| mv[p] | share of quarter i that leaves its current school j (split mode with w_s > 0) |
| a(j) | school j's anchor: the candidate quarter nearest to its site (contiguity) |
| N⁻(i, j) | neighbours k of i with dist[k,j] < dist[i,j] and a pair (k, j) (contiguity) |

Variables (columns, in this order):
- x[p] for each candidate pair p = (quarter i, school j): the share of quarter i's pupils
  sent to school j; binary (whole quarters) or continuous in [0, 1] (split quarters);
- classes[j, t, g] = n[j,t,g] ≥ 0 integer: classes of grade g opened at school j in year t;
- overflow[j, t, g] = o[j,t,g] ≥ 0: pupils of grade g at school j in year t beyond classes × limit;
- moved[p] = mv[p] ≥ 0 (split mode with a stability weight only): share of quarter i that
  leaves its current school j.

Rows:
- assignment: Σ_j x[i, j] = 1 for every quarter (served exactly once);
- seats: Σ_i d[i, t, g] · x[i, j] − L[j, g] · n[j, t, g] − o[j, t, g] ≤ 0;
- rooms: Σ_g r[j] · n[j, t, g] ≤ R[j, t];
- stability (split): mv[i, j] + x[i, j] ≥ c[i, j];
- contiguity (optional): x[i, j] ≤ Σ_{k ∈ N⁻(i, j)} x[k, j] unless i = a(j) (or i has no
  neighbour, or i is exempted as an island: `_exempt_islands`); pairs no chain of closer
  neighbours joins to an anchor are fixed to 0.

Objective (pupil-metres, summed over the school years):
  Σ_p (Σ_t,g d[i,t,g]) · (dist[i,j] + w_d · max(dist[i,j] − D, 0)) · x[p] + ε · dist[i,j] · x[p]
  + w_s · (pupils moved from their current school: Σ_t,g d[i,t,g] · (1 − c[i,j]) · x[p] for whole
    quarters, Σ_t,g d[i,t,g] · mv[p] when split)
  + M · Σ_j,t,g o[j,t,g].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
from scipy import sparse

from zoning.contiguity import ContiguityRule, closer_neighbour_pairs, island_components, reachable_pairs
from zoning.notes import Note, ZoningError
from zoning.problem import ZoningProblem

__all__ = ["MatrixModel", "ModelOptions", "build_model", "candidate_pairs", "is_feasible", "TIE_BREAK"]

TIE_BREAK = 1e-4
"""Pupils charged per metre on every pair, so empty quarters go to their nearest school."""


@dataclass(frozen=True)
class ModelOptions:
    """Modelling choices of `build_model` (weights in metres per pupil)."""

    split: bool = False
    stability: float = 0.0
    distance_penalty: float = 1.0
    max_distance: float | None = None
    k_nearest: int | None = None
    overflow_penalty: float | None = None
    adjacency: pd.DataFrame | None = field(default=None, compare=False)


@dataclass(frozen=True, eq=False)
class MatrixModel:
    """min cost·v s.t. row_lo ≤ A v ≤ row_hi, col_lo ≤ v ≤ col_hi, v[integer] integral."""

    cost: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    integer: np.ndarray  # bool per column
    matrix: sparse.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    pair_quarter: np.ndarray  # (P,) quarter position of x[p]
    pair_school: np.ndarray  # (P,) school position of x[p]
    n_classes: int  # m · T · G
    overflow_penalty: float
    notes: tuple[Note, ...]  # what the planner should read (quarters stranded)
    anchor: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # (P,) with contiguity: pairs free of the rule (a school's anchor quarter, quarters with no
    # neighbour, exempted islands); empty without contiguity
    support_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    support_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # (E,) with contiguity: pair support_rows[e] may be chosen when pair support_cols[e] (a
    # closer neighbour at the same school) is

    def contiguity_rule(self) -> ContiguityRule | None:
        """The contiguity rule over the pairs (None without contiguity)."""
        if len(self.anchor) == 0:
            return None
        return ContiguityRule(self.anchor, self.support_rows, self.support_cols)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_quarter)

    @property
    def n_cols(self) -> int:
        return len(self.cost)

    @property
    def n_rows(self) -> int:
        return self.matrix.shape[0]

    @property
    def x_slice(self) -> slice:
        return slice(0, self.n_pairs)

    @property
    def classes_slice(self) -> slice:
        return slice(self.n_pairs, self.n_pairs + self.n_classes)

    @property
    def overflow_slice(self) -> slice:
        start = self.n_pairs + self.n_classes
        return slice(start, start + self.n_classes)

    def objective(self, values: np.ndarray) -> float:
        """The objective (pupil-metres) of a full column vector."""
        return float(self.cost @ values)


def candidate_pairs(
    problem: ZoningProblem, *, max_distance: float | None, k_nearest: int | None
) -> tuple[np.ndarray, np.ndarray, list[Note]]:
    """The (quarter, school) pairs the model may use, sorted by quarter then school.

    A pair needs a known distance (a link of the problem), at most `max_distance` metres, and
    the school among the quarter's `k_nearest`; the quarter's current school(s) are always
    kept (the current zoning stays possible). A quarter with no school within `max_distance`
    keeps its nearest school, and a `Note` ("stranded") says so. Vectorised over the links
    (never a quarters × schools array).
    """
    lq, ls, lm = problem.link_quarter, problem.link_school, problem.link_metres
    n = len(problem.quarter_ids)
    allowed = np.ones(len(lq), dtype=bool)
    notes: list[Note] = []
    # links by quarter, nearest first (ties by school position): rank of each link in its quarter
    order = np.lexsort((ls, lm, lq))
    if max_distance is not None:
        allowed &= lm <= max_distance
        none = np.bincount(lq[allowed], minlength=n) == 0
        if none.any():
            first = np.ones(len(order), dtype=bool)
            first[1:] = lq[order][1:] != lq[order][:-1]
            nearest = order[first]  # nearest link of each quarter, by quarter
            allowed[nearest[none[lq[nearest]]]] = True
            notes.append(
                Note.of(
                    "stranded",
                    level=problem.level,
                    count=int(none.sum()),
                    max_distance=float(max_distance),
                    quarter_ids=problem.quarter_ids[none].astype(str),
                )
            )
    if k_nearest is not None:
        ranked = order[np.lexsort((np.arange(len(order)), ~allowed[order], lq[order]))]  # allowed first
        start = np.searchsorted(lq[ranked], np.arange(n))
        rank = np.empty(len(ranked), dtype=np.int64)
        rank[ranked] = np.arange(len(ranked)) - start[lq[ranked]]
        allowed &= rank < k_nearest
    if problem.has_current:
        allowed |= problem.current_at(lq, ls) > 0
    return lq[allowed], ls[allowed], notes


OVERFLOW_METRES = 200.0
"""Default overflow penalty, in reference distances per pupil (see `_overflow_penalty`)."""


def _overflow_penalty(problem: ZoningProblem, distance_penalty: float, stability: float) -> float:
    """Metres of travel one pupil over capacity is worth: 200 reference distances.

    The reference distance is the walking-distance norm (or 1 km without one), or the median
    distance from a quarter to its nearest school when that is longer. With 200 × 1 km, sending
    a whole quarter of 100 pupils 2 km further is preferred to leaving one pupil without a seat,
    while a quarter on an island is not shipped hundreds of kilometres to avoid overflow.
    """
    nearest = problem.nearest_metres()
    reference = max(problem.norm_distance or 1000.0, float(np.median(nearest)))
    return OVERFLOW_METRES * (reference * (1.0 + distance_penalty) + stability)


class _Bounded(Protocol):
    """The fields `is_feasible` reads (`MatrixModel`, `zoning.network_model.NetworkModel`)."""

    @property
    def matrix(self) -> sparse.csr_matrix: ...
    @property
    def row_lo(self) -> np.ndarray: ...
    @property
    def row_hi(self) -> np.ndarray: ...
    @property
    def col_lo(self) -> np.ndarray: ...
    @property
    def col_hi(self) -> np.ndarray: ...


def is_feasible(model: _Bounded, values: np.ndarray, tol: float = 1e-6) -> bool:
    """`values` within every row and column bound of `model` (a `MatrixModel` or a
    `zoning.network_model.NetworkModel`), to `tol`; integrality not checked."""
    activity = model.matrix @ values
    return bool(
        (activity >= model.row_lo - tol).all()
        and (activity <= model.row_hi + tol).all()
        and (values >= model.col_lo - tol).all()
        and (values <= model.col_hi + tol).all()
    )


def build_model(problem: ZoningProblem, options: ModelOptions = ModelOptions()) -> MatrixModel:
    """Build the zoning model of `problem` as sparse matrices (vectorised, no Python loops
    over pairs). Raises `ZoningError` (a ValueError) for negative weights, split quarters with
    contiguity, and quarters that no contiguous zone can reach."""
    n, m, T, G = problem.shape
    if options.stability < 0 or options.distance_penalty < 0:
        raise ZoningError(
            "negative_weights", stability=float(options.stability), distance_penalty=float(options.distance_penalty)
        )
    if options.adjacency is not None and options.split:
        raise ZoningError("split_with_contiguity")
    pq, ps, notes = candidate_pairs(problem, max_distance=options.max_distance, k_nearest=options.k_nearest)
    P = len(pq)
    dist = problem.metres(pq, ps)
    pupils = problem.demand[pq]  # (P, T, G)
    total = pupils.sum(axis=(1, 2))  # (P,) pupils over all years and grades
    beyond: float | np.ndarray = 0.0
    if problem.norm_distance is not None and options.distance_penalty > 0:
        beyond = options.distance_penalty * np.maximum(dist - problem.norm_distance, 0.0)
    per_pupil = dist + beyond  # metres per pupil on pair p
    cost_x = total * per_pupil + TIE_BREAK * dist
    current = problem.current_at(pq, ps) if problem.has_current else None
    moved_pairs = np.zeros(0, dtype=np.int64)
    if options.stability > 0 and current is not None:
        has_current = problem.current_total()[pq] > 0
        if options.split:
            moved_pairs = np.flatnonzero(current > 0)
        else:
            # binary x: pupils moved = total · (1 − Σ_j current[i, j] x[i, j]), exactly
            cost_x = cost_x + np.where(has_current, options.stability * total * (1.0 - current), 0.0)
    penalty = options.overflow_penalty or _overflow_penalty(problem, options.distance_penalty, options.stability)

    n_cls = m * T * G
    n_mv = len(moved_pairs)
    n_cols = P + 2 * n_cls + n_mv
    cls0, ovf0, mv0 = P, P + n_cls, P + 2 * n_cls
    cost = np.zeros(n_cols)
    cost[:P] = cost_x
    cost[ovf0 : ovf0 + n_cls] = penalty
    if n_mv:
        pupils_q = total[moved_pairs]
        cost[mv0:] = options.stability * pupils_q
    col_lo = np.zeros(n_cols)
    col_hi = np.full(n_cols, np.inf)
    col_hi[:P] = 1.0
    max_classes = np.floor(problem.rooms / problem.rooms_per_class[:, None] + 1e-9)  # (m, T)
    col_hi[cls0 : cls0 + n_cls] = np.repeat(max_classes.ravel(), G)
    integer = np.zeros(n_cols, dtype=bool)
    integer[cls0 : cls0 + n_cls] = True
    if not options.split:
        integer[:P] = True

    blocks_r, blocks_c, blocks_v = [], [], []
    lo_parts, hi_parts = [], []
    row = 0
    # assignment rows
    blocks_r.append(pq)
    blocks_c.append(np.arange(P))
    blocks_v.append(np.ones(P))
    lo_parts.append(np.ones(n))
    hi_parts.append(np.ones(n))
    row += n
    # seat rows, index (j, t, g) → row + (j*T + t)*G + g
    cell = (ps[:, None, None] * T + np.arange(T)[None, :, None]) * G + np.arange(G)[None, None, :]
    nz = pupils > 0
    blocks_r.append(row + cell[nz])
    blocks_c.append(np.broadcast_to(np.arange(P)[:, None, None], pupils.shape)[nz])
    blocks_v.append(pupils[nz])
    limit = np.broadcast_to(problem.class_limit[:, None, :], (m, T, G)).ravel()
    blocks_r.append(row + np.arange(n_cls))
    blocks_c.append(cls0 + np.arange(n_cls))
    blocks_v.append(-limit)
    blocks_r.append(row + np.arange(n_cls))
    blocks_c.append(ovf0 + np.arange(n_cls))
    blocks_v.append(-np.ones(n_cls))
    lo_parts.append(np.full(n_cls, -np.inf))
    hi_parts.append(np.zeros(n_cls))
    row += n_cls
    # room rows, index (j, t)
    blocks_r.append(row + np.arange(n_cls) // G)
    blocks_c.append(cls0 + np.arange(n_cls))
    blocks_v.append(np.repeat(problem.rooms_per_class, T * G))
    lo_parts.append(np.full(m * T, -np.inf))
    hi_parts.append(problem.rooms.ravel().astype(float))
    row += m * T
    # stability rows (split mode): moved + x ≥ current
    if n_mv:
        r = row + np.arange(n_mv)
        blocks_r += [r, r]
        blocks_c += [moved_pairs, mv0 + np.arange(n_mv)]
        blocks_v += [np.ones(n_mv), np.ones(n_mv)]
        assert current is not None
        lo_parts.append(current[moved_pairs])
        hi_parts.append(np.full(n_mv, np.inf))
        row += n_mv
    # contiguity rows: x[p] − Σ x[q] ≤ 0 for non-anchor pairs
    anchor = np.zeros(0, dtype=bool)
    support_rows = support_cols = np.zeros(0, dtype=np.int64)
    if options.adjacency is not None:
        anchor, rows_p, cols_q = closer_neighbour_pairs(pq, ps, dist, options.adjacency, problem.quarter_ids)
        anchor, exempt = _exempt_islands(
            problem, pq, ps, dist, anchor, rows_p, cols_q, col_hi[:P] > 0, options.adjacency
        )
        if exempt.any():
            notes.append(
                Note.of(
                    "contiguity_exempt",
                    level=problem.level,
                    count=int(exempt.sum()),
                    quarter_ids=problem.quarter_ids[exempt].astype(str),
                )
            )
        reach = reachable_pairs(anchor, rows_p, cols_q, col_hi[:P] > 0)
        col_hi[:P][~reach] = 0.0  # no chain of closer neighbours to an anchor
        constrained = np.flatnonzero(reach & ~anchor)
        position = np.full(P, -1)
        position[constrained] = np.arange(len(constrained))
        edge = position[rows_p] >= 0
        blocks_r += [row + np.arange(len(constrained)), row + position[rows_p[edge]]]
        blocks_c += [constrained, cols_q[edge]]
        blocks_v += [np.ones(len(constrained)), -np.ones(int(edge.sum()))]
        support_rows, support_cols = rows_p[edge], cols_q[edge]
        lo_parts.append(np.full(len(constrained), -np.inf))
        hi_parts.append(np.zeros(len(constrained)))
        row += len(constrained)
    matrix = sparse.csr_matrix(
        (np.concatenate(blocks_v), (np.concatenate(blocks_r), np.concatenate(blocks_c))),
        shape=(row, n_cols),
    )
    matrix.sum_duplicates()
    matrix.sort_indices()
    return MatrixModel(
        cost=cost,
        col_lo=col_lo,
        col_hi=col_hi,
        integer=integer,
        matrix=matrix,
        row_lo=np.concatenate(lo_parts),
        row_hi=np.concatenate(hi_parts),
        pair_quarter=pq,
        pair_school=ps,
        n_classes=n_cls,
        overflow_penalty=penalty,
        notes=tuple(notes),
        anchor=anchor,
        support_rows=support_rows,
        support_cols=support_cols,
    )


def _exempt_islands(
    problem: ZoningProblem,
    pq: np.ndarray,
    ps: np.ndarray,
    dist: np.ndarray,
    anchor: np.ndarray,
    rows_p: np.ndarray,
    cols_q: np.ndarray,
    usable: np.ndarray,
    adjacency: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray]:
    """(anchors, exempt quarters (n,) bool): quarters that no chain of ever-closer neighbours
    joins to any candidate school's anchor (an island, a group cut off by gaps between
    boundaries) are exempted from the contiguity rule instead of making the zoning impossible.

    Within each connected group of such quarters, the quarter nearest to each candidate school
    becomes that school's local anchor, so the group still forms compact pieces; a quarter
    still cut off then is free altogether.
    """
    n = len(problem.quarter_ids)
    reach = reachable_pairs(anchor, rows_p, cols_q, usable)
    blocked = np.bincount(pq[reach], minlength=n) == 0
    if not blocked.any():
        return anchor, blocked
    anchor = anchor.copy()
    cut_off = np.flatnonzero(blocked)
    group = np.full(n, -1)
    group[cut_off] = island_components(adjacency, problem.quarter_ids, cut_off)
    cand = np.flatnonzero(blocked[pq] & usable)
    order = cand[np.lexsort((pq[cand], dist[cand], ps[cand], group[pq[cand]]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (group[pq[order]][1:] != group[pq[order]][:-1]) | (ps[order][1:] != ps[order][:-1])
    anchor[order[first]] = True
    reach = reachable_pairs(anchor, rows_p, cols_q, usable)
    still = np.bincount(pq[reach], minlength=n) == 0
    anchor |= still[pq]
    return anchor, blocked
