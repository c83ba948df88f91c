"""The zoning model as sparse matrices, ready for HiGHS (direct) or PuLP (HiGHS, CBC).

Variables (columns, in this order):
- x[p] for each candidate pair p = (quarter i, school j): the share of quarter i's pupils
  sent to school j; binary (whole quarters) or continuous in [0, 1] (split quarters);
- classes[j, t, g] ≥ 0 integer: classes of grade g opened at school j in school year t;
- overflow[j, t, g] ≥ 0: pupils of grade g at school j in year t beyond classes × limit;
- moved[p] ≥ 0 (split mode with a stability weight only): share of quarter i that leaves its
  current school j.

Rows:
- assignment: Σ_j x[i, j] = 1 for every quarter (served exactly once);
- seats: Σ_i pupils[i, t, g] · x[i, j] − limit[j, g] · classes[j, t, g] − overflow[j, t, g] ≤ 0;
- rooms: Σ_g rooms_per_class[j] · classes[j, t, g] ≤ rooms[j, t];
- stability (split): moved[i, j] + x[i, j] ≥ current[i, j];
- contiguity (optional): x[i, j] ≤ Σ x[k, j] over neighbours k of i closer to j than i.

Objective (pupil-metres, summed over the school years): pupils × metres for every pair, plus
`distance_penalty` × pupils × metres beyond the walking-distance norm, plus `stability` metres
per pupil moved from the current school, plus `overflow_penalty` metres per pupil over capacity.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from zoning.contiguity import closer_neighbour_pairs
from zoning.notes import Note, ZoningError
from zoning.problem import ZoningProblem

__all__ = ["MatrixModel", "ModelOptions", "build_model", "candidate_pairs", "TIE_BREAK"]

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
    integer: np.ndarray            # bool per column
    matrix: sparse.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    pair_quarter: np.ndarray       # (P,) quarter position of x[p]
    pair_school: np.ndarray        # (P,) school position of x[p]
    n_classes: int                 # m · T · G
    overflow_penalty: float
    notes: tuple[Note, ...]          # what the planner should read (quarters stranded)

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

    A pair needs a known distance, at most `max_distance` metres, and the school among the
    quarter's `k_nearest`; the quarter's current school(s) are always kept (the current
    zoning stays possible). A quarter with no school within `max_distance` keeps its nearest
    school, and a `Note` ("stranded") says so.
    """
    dist = problem.distance
    n, m = dist.shape
    known = ~np.isnan(dist)
    allowed = known.copy()
    notes: list[Note] = []
    if max_distance is not None:
        allowed &= np.where(known, dist, np.inf) <= max_distance
        none = ~allowed.any(axis=1)
        if none.any():
            nearest = np.nanargmin(np.where(known, dist, np.inf), axis=1)
            allowed[np.flatnonzero(none), nearest[none]] = True
            notes.append(Note.of("stranded", level=problem.level, count=int(none.sum()),
                                 max_distance=float(max_distance),
                                 quarter_ids=problem.quarter_ids[none].astype(str)))
    if k_nearest is not None and k_nearest < m:
        ranked = np.where(allowed, dist, np.inf)
        order = np.argsort(ranked, axis=1, kind="stable")[:, :k_nearest]
        keep = np.zeros_like(allowed)
        np.put_along_axis(keep, order, True, axis=1)
        allowed &= keep
    if problem.current is not None:
        allowed |= (problem.current > 0) & known
    qi, sj = np.nonzero(allowed)
    return qi, sj, notes


OVERFLOW_METRES = 200.0
"""Default overflow penalty, in reference distances per pupil (see `_overflow_penalty`)."""


def _overflow_penalty(problem: ZoningProblem, distance_penalty: float, stability: float) -> float:
    """Metres of travel one pupil over capacity is worth: 200 reference distances.

    The reference distance is the walking-distance norm (or 1 km without one), or the median
    distance from a quarter to its nearest school when that is longer. With 200 × 1 km, sending
    a whole quarter of 100 pupils 2 km further is preferred to leaving one pupil without a seat,
    while a quarter on an island is not shipped hundreds of kilometres to avoid overflow.
    """
    nearest = np.nanmin(problem.distance, axis=1)
    reference = max(problem.norm_distance or 1000.0, float(np.median(nearest)))
    return OVERFLOW_METRES * (reference * (1.0 + distance_penalty) + stability)


def build_model(problem: ZoningProblem, options: ModelOptions = ModelOptions()) -> MatrixModel:
    """Build the zoning model of `problem` as sparse matrices (vectorised, no Python loops
    over pairs). Raises `ZoningError` (a ValueError) for negative weights, split quarters with
    contiguity, and quarters that no contiguous zone can reach."""
    n, m, T, G = problem.shape
    if options.stability < 0 or options.distance_penalty < 0:
        raise ZoningError("negative_weights", stability=float(options.stability),
                          distance_penalty=float(options.distance_penalty))
    if options.adjacency is not None and options.split:
        raise ZoningError("split_with_contiguity")
    pq, ps, notes = candidate_pairs(problem, max_distance=options.max_distance,
                                    k_nearest=options.k_nearest)
    P = len(pq)
    dist = problem.distance[pq, ps]
    pupils = problem.demand[pq]                      # (P, T, G)
    total = pupils.sum(axis=(1, 2))                  # (P,) pupils over all years and grades
    beyond = 0.0
    if problem.norm_distance is not None and options.distance_penalty > 0:
        beyond = options.distance_penalty * np.maximum(dist - problem.norm_distance, 0.0)
    per_pupil = dist + beyond                        # metres per pupil on pair p
    cost_x = total * per_pupil + TIE_BREAK * dist
    current = np.zeros(P) if problem.current is None else problem.current[pq, ps]  # read only when there is one
    moved_pairs = np.zeros(0, dtype=np.int64)
    if options.stability > 0 and problem.current is not None:
        has_current = problem.current.sum(axis=1)[pq] > 0
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
    cost[ovf0:ovf0 + n_cls] = penalty
    if n_mv:
        pupils_q = total[moved_pairs]
        cost[mv0:] = options.stability * pupils_q
    col_lo = np.zeros(n_cols)
    col_hi = np.full(n_cols, np.inf)
    col_hi[:P] = 1.0
    max_classes = np.floor(problem.rooms / problem.rooms_per_class[:, None] + 1e-9)   # (m, T)
    col_hi[cls0:cls0 + n_cls] = np.repeat(max_classes.ravel(), G)
    integer = np.zeros(n_cols, dtype=bool)
    integer[cls0:cls0 + n_cls] = True
    if not options.split:
        integer[:P] = True

    blocks_r, blocks_c, blocks_v = [], [], []
    lo_parts, hi_parts = [], []
    row = 0
    # assignment rows
    blocks_r.append(pq); blocks_c.append(np.arange(P)); blocks_v.append(np.ones(P))
    lo_parts.append(np.ones(n)); hi_parts.append(np.ones(n))
    row += n
    # seat rows, index (j, t, g) → row + (j*T + t)*G + g
    cell = (ps[:, None, None] * T + np.arange(T)[None, :, None]) * G + np.arange(G)[None, None, :]
    nz = pupils > 0
    blocks_r.append(row + cell[nz]); blocks_c.append(np.broadcast_to(np.arange(P)[:, None, None], pupils.shape)[nz])
    blocks_v.append(pupils[nz])
    limit = np.broadcast_to(problem.class_limit[:, None, :], (m, T, G)).ravel()
    blocks_r.append(row + np.arange(n_cls)); blocks_c.append(cls0 + np.arange(n_cls)); blocks_v.append(-limit)
    blocks_r.append(row + np.arange(n_cls)); blocks_c.append(ovf0 + np.arange(n_cls)); blocks_v.append(-np.ones(n_cls))
    lo_parts.append(np.full(n_cls, -np.inf)); hi_parts.append(np.zeros(n_cls))
    row += n_cls
    # room rows, index (j, t)
    blocks_r.append(row + np.arange(n_cls) // G); blocks_c.append(cls0 + np.arange(n_cls))
    blocks_v.append(np.repeat(problem.rooms_per_class, T * G))
    lo_parts.append(np.full(m * T, -np.inf)); hi_parts.append(problem.rooms.ravel().astype(float))
    row += m * T
    # stability rows (split mode): moved + x ≥ current
    if n_mv:
        r = row + np.arange(n_mv)
        blocks_r += [r, r]; blocks_c += [moved_pairs, mv0 + np.arange(n_mv)]
        blocks_v += [np.ones(n_mv), np.ones(n_mv)]
        lo_parts.append(current[moved_pairs]); hi_parts.append(np.full(n_mv, np.inf))
        row += n_mv
    # contiguity rows: x[p] − Σ x[q] ≤ 0 for non-anchor pairs
    if options.adjacency is not None:
        anchor, rows_p, cols_q = closer_neighbour_pairs(pq, ps, problem.distance, options.adjacency,
                                                         problem.quarter_ids)
        has_closer = np.zeros(P, dtype=bool)
        has_closer[rows_p] = True
        forbidden = ~anchor & ~has_closer
        col_hi[:P][forbidden] = 0.0
        constrained = np.flatnonzero(~anchor & has_closer)
        position = np.full(P, -1)
        position[constrained] = np.arange(len(constrained))
        blocks_r += [row + np.arange(len(constrained)), row + position[rows_p]]
        blocks_c += [constrained, cols_q]
        blocks_v += [np.ones(len(constrained)), -np.ones(len(rows_p))]
        lo_parts.append(np.full(len(constrained), -np.inf)); hi_parts.append(np.zeros(len(constrained)))
        row += len(constrained)
        stranded = ~(col_hi[:P] > 0)
        blocked = np.bincount(pq[~stranded], minlength=n) == 0
        if blocked.any():
            raise ZoningError("contiguity_impossible", quarter_ids=problem.quarter_ids[blocked].astype(str))
    matrix = sparse.csr_matrix(
        (np.concatenate(blocks_v), (np.concatenate(blocks_r), np.concatenate(blocks_c))),
        shape=(row, n_cols),
    )
    matrix.sum_duplicates()
    matrix.sort_indices()
    return MatrixModel(
        cost=cost, col_lo=col_lo, col_hi=col_hi, integer=integer, matrix=matrix,
        row_lo=np.concatenate(lo_parts), row_hi=np.concatenate(hi_parts),
        pair_quarter=pq, pair_school=ps, n_classes=n_cls, overflow_penalty=penalty,
        notes=tuple(notes),
    )
