"""Exact pricing of one school's piece by a breadth-first branch-and-bound over its few quarters.

The pricing problem of school j in `zoning.part_columns` (costs c[i] − π_i on its quarters):

  min  Σ_i (c_i − π_i)·x_i + Σ_g M_g·o_g
  s.t. Σ_i d[i,g]·x_i − L_g·n_g − o_g ≤ b_g      (seats of grade g in whole classes)
       Σ_g r·n_g ≤ R                              (rooms; r the same for every grade)
       x ∈ {0,1},  n_g ∈ ℤ ∩ [lo_g, hi_g],  o ≥ 0

(classes cost nothing, overflow M_g ≥ 0 per pupil; `piece_structure` checks this shape).

EXPERIMENTAL, not used by `zoning.part_columns`: measured against HiGHS's piece MIP on the
ward's tiểu học 2029 part (docs/zoning.md, "Every grade: one level-year part proven by column
generation"), it is exact but faster on only 3 of the 10 open schools: the bounds below miss
the whole classes per grade (4–35% above the optimum at the root), so up to 30,000 states stay
open where HiGHS's cuts close the piece in ≈ 40 nodes. With
v_i = π_i − c_i (the quarter's value), E_g(S) = Σ_(i∈S) d[i,g] − b_g and N = ⌊R/r⌋ it reads
max_S v(S) − C(E(S)), where

  C(E) = min { Σ_g M_g·(E_g − L_g·n_g)⁺ : n_g ∈ [lo_g, hi_g] whole, Σ_g n_g ≤ N }

is computed exactly (`class_cost`): n_g = ⌈E_g/L_g⌉ clipped to [lo_g, hi_g], then the excess
classes removed cheapest first (each grade's removal costs M_g·(the last class's pupils), then
M_g·L_g per further class: convex and separable, so taking the smallest marginals is optimal).

Only quarters with v_i > 0 enter: a quarter of v_i ≤ 0 removed from any pattern leaves a
pattern (fewer pupils in ≤ rows) that costs no more, since C is nondecreasing in E.

Search: the quarters in decreasing v_i/w_i, w_i = Σ_g d[i,g]/L_g (classes a quarter fills);
level k decides quarter k for every open state (its value, E). A state is dropped when its bound
is no better than the best pattern found; the bound is the least of
  (a) v(S) − C(E(S)) + Σ_(later) v_i                         (C is nondecreasing), and
  (b) v(S) − κ·(−cap)⁺ + F(cap⁺),  cap = N − Σ_g E_g(S)/L_g, κ = min_g M_g·L_g,
      F the fractional knapsack of the later quarters over cap classes whose overflow beyond
      cap is charged κ per class (summing the seat rows over g divided by L_g: Σ_i w_i x_i −
      Σ_g b_g/L_g ≤ Σ_g n_g + Σ_g o_g/L_g ≤ N + Ω, and Σ_g M_g o_g ≥ κ·Ω).
A state is also dropped when one of the `WINDOW` states before it in decreasing value has a
value at least its own and every E_g at most its own (dominance: its bounds are then no lower).
Every state is a pattern (its quarters, the classes of C): each level's new states update the
best one. The search is exact (to `TOLERANCE`); it gives up (None) beyond `MAX_STATES` open
states, and the caller prices that piece with HiGHS instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

__all__ = ["MAX_STATES", "PieceStructure", "class_cost", "piece_structure", "price_piece"]

DOMINANCE = True
WINDOW = 64
MAX_STATES = 20_000
"""Open states beyond which the search gives up (the caller then asks HiGHS)."""
TOLERANCE = 1e-9
"""A state is dropped when its bound is within this share of the best value (|best| ≥ 1)."""
CEIL = 1e-9
"""⌈E/L⌉ counts E/L within this of an integer as that integer (HiGHS's row tolerance is 10⁻⁶)."""


@dataclass(frozen=True)
class PieceStructure:
    """A piece in the shape above, over its columns: x (quarter columns, bool), seats (G × n_cols
    quarter coefficients d[i,g] ≥ 0, zero off x), n_col, o_col (G,) the class and overflow column
    of each grade, L (G,) pupils per class, b (G,) seat rows' right-hand sides, M (G,) overflow
    cost, lo, hi (G,) class bounds, N the most classes."""

    x: np.ndarray
    open: np.ndarray  # columns whose upper bound allows them
    seats: np.ndarray
    n_col: np.ndarray
    o_col: np.ndarray
    L: np.ndarray
    b: np.ndarray
    M: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    N: int


def piece_structure(
    matrix: sparse.spmatrix,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    cost: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
    integer: np.ndarray,
    x: np.ndarray,
) -> PieceStructure | None:
    """The piece's structure if it has the shape of the module docstring, else None (HiGHS then
    prices it). `matrix` holds the piece's own rows (one-column rows already bounds)."""
    a = np.asarray(sparse.csr_matrix(matrix).toarray(), dtype=float)
    if a.shape[0] < 1 or (np.asarray(row_lo) > -np.inf).any():
        return None
    other = ~x
    if not (x.any() and (col_lo[x] == 0).all() and ((col_hi[x] >= 1) | (col_hi[x] == 0)).all() and integer[x].all()):
        return None
    rooms = [r for r in range(a.shape[0]) if not (a[r, x] != 0).any()]
    seat_rows = [r for r in range(a.shape[0]) if r not in rooms]
    if len(rooms) != 1 or (a[:, x] < 0).any():
        return None
    room = a[rooms[0]]
    n_col, o_col = [], []
    for r in seat_rows:
        neg = np.flatnonzero(other & (a[r] < 0))
        if len(neg) != 2:
            return None
        ints = [c for c in neg if integer[c]]
        conts = [c for c in neg if not integer[c]]
        if len(ints) != 1 or len(conts) != 1 or (a[r, other] > 0).any():
            return None
        n_col.append(ints[0])
        o_col.append(conts[0])
    n, o = np.array(n_col), np.array(o_col)
    used = np.zeros(a.shape[1], dtype=bool)
    used[x] = True
    used[n] = True
    used[o] = True
    if not used.all() or len(np.unique(np.concatenate([n, o]))) != 2 * len(n):
        return None
    r_coef = room[n]
    if (room[~np.isin(np.arange(a.shape[1]), n)] != 0).any() or not (r_coef > 0).all():
        return None
    if not np.allclose(r_coef, r_coef[0]) or not np.isfinite(row_hi[rooms[0]]):
        return None
    seats_rows = np.array(seat_rows)
    o_scale = -a[seats_rows, o]
    if not np.allclose(o_scale, 1.0) or (cost[n] != 0).any() or (cost[o] < 0).any():
        return None
    if (col_lo[o] != 0).any() or (col_hi[o] < np.inf).any() or (col_lo[n] < 0).any():
        return None
    lo_n = np.ceil(col_lo[n] - CEIL)
    hi_n = np.floor(np.minimum(col_hi[n], 1e9) + CEIL)
    N = int(np.floor(row_hi[rooms[0]] / r_coef[0] + CEIL))
    if lo_n.sum() > N or (lo_n > hi_n).any():
        return None
    seats = np.zeros((len(n), a.shape[1]))
    seats[:, x] = a[np.ix_(seats_rows, np.flatnonzero(x))]
    return PieceStructure(
        x,
        col_hi > 0,
        seats,
        n,
        o,
        -a[seats_rows, n],
        np.asarray(row_hi)[seats_rows],
        cost[o].astype(float),
        lo_n,
        hi_n,
        N,
    )


def class_cost(E: np.ndarray, s: PieceStructure) -> tuple[np.ndarray, np.ndarray]:
    """C(E) of the module docstring for each row of E (states × G): (cost, classes n)."""
    need = np.clip(np.ceil(E / s.L - CEIL), s.lo, s.hi)
    excess = need.sum(axis=1) - s.N
    # marginal cost of removing the top class, then each further one (down to lo)
    first = s.M * np.clip(E - s.L * (need - 1), 0.0, s.L)
    full = np.broadcast_to(s.M * s.L, E.shape)
    can = need - s.lo
    values = np.concatenate([first, full], axis=1)
    counts = np.concatenate([np.minimum(can, 1), np.maximum(can - 1, 0)], axis=1)
    order = np.argsort(values, axis=1, kind="stable")
    values = np.take_along_axis(values, order, axis=1)
    counts = np.take_along_axis(counts, order, axis=1)
    before = np.cumsum(counts, axis=1) - counts
    taken = np.clip(excess[:, None] - before, 0, counts)
    removed = np.zeros_like(need)
    G = E.shape[1]
    grade = order % G
    np.add.at(removed, (np.repeat(np.arange(len(E)), 2 * G), grade.ravel()), taken.ravel())
    n = need - removed
    return (s.M * np.maximum(E - s.L * n, 0.0)).sum(axis=1), n


def _fractional(w: np.ndarray, v: np.ndarray, kappa: float, cap: np.ndarray) -> np.ndarray:
    """F(cap): the fractional knapsack of items (w, v) (in decreasing v/w) over cap ≥ 0, the
    part beyond cap charged κ per unit of w."""
    if len(w) == 0:
        return np.zeros_like(cap)
    cw = np.concatenate([[0.0], np.cumsum(w)])
    cv = np.concatenate([[0.0], np.cumsum(v)])
    cq = np.concatenate([[0.0], np.cumsum(np.maximum(v - kappa * w, 0.0))])
    return np.interp(cap, cw, cv) + cq[-1] - np.interp(cap, cw, cq)


def price_piece(
    s: PieceStructure, reduced: np.ndarray, last: np.ndarray | None = None
) -> tuple[float, np.ndarray] | None:
    """(min of the pricing problem, an optimal pattern over the piece's columns) for the
    reduced costs `reduced` (one per column), or None when the search gives up. `last`: a
    pattern (piece values) whose quarters seed the best value."""
    xs = np.flatnonzero(s.x & (reduced < 0) & s.open)
    d_all = s.seats[:, xs].T  # quarters × G
    w_all = (d_all / s.L).sum(axis=1)
    free = w_all <= 0  # no pupils: always taken
    base_v = float(-reduced[xs[free]].sum())
    base_E = d_all[free].sum(axis=0) - s.b
    v_rest = -reduced[xs[~free]]
    order = np.argsort(-v_rest / w_all[~free], kind="stable")
    quarters = xs[~free][order]
    v, d, w = v_rest[order], d_all[~free][order], w_all[~free][order]
    m, kappa = len(quarters), float(np.min(s.M * s.L))
    suffix_v = np.concatenate([np.cumsum(v[::-1])[::-1], [0.0]])
    # seeds: every prefix of the ratio order, and the last pattern's quarters
    seeds = np.vstack([np.zeros((1, m), dtype=bool), np.tri(m, dtype=bool)])
    if last is not None:
        seeds = np.vstack([seeds, last[quarters][None, :] > 0.5])
    values = base_v + seeds @ v - class_cost(base_E + seeds.astype(float) @ d, s)[0]
    k = int(np.argmax(values))
    best, seed_set = float(values[k]), seeds[k].copy()
    found: tuple[int, int, bool] | None = None  # (level, parent state, took the level's quarter)
    V, E = np.array([base_v]), base_E[None, :].copy()
    kept_parent: list[np.ndarray] = []
    kept_took: list[np.ndarray] = []
    for level in range(m):
        count = len(V)
        Vc = np.concatenate([V, V + v[level]])
        Ec = np.vstack([E, E + d[level]])
        parent = np.tile(np.arange(count), 2)
        took = np.repeat([False, True], count)
        exact = Vc - class_cost(Ec, s)[0]
        j = int(np.argmax(exact))
        if exact[j] > best:
            best, found = float(exact[j]), (level, int(parent[j]), bool(took[j]))
        if level == m - 1:
            break
        cap = s.N - (Ec / s.L).sum(axis=1)
        fractional = _fractional(w[level + 1 :], v[level + 1 :], kappa, np.maximum(cap, 0.0))
        bound = np.minimum(exact + suffix_v[level + 1], Vc - kappa * np.maximum(-cap, 0.0) + fractional)
        keep = bound > best + TOLERANCE * max(1.0, abs(best))
        if DOMINANCE:
            keep[np.flatnonzero(keep)[_dominated(Vc[keep], Ec[keep])]] = False
        V, E = Vc[keep], Ec[keep]
        kept_parent.append(parent[keep])
        kept_took.append(took[keep])
        if len(V) == 0:
            break
        if len(V) > MAX_STATES:
            return None
    chosen = np.zeros(m, dtype=bool)
    if found is None:
        chosen = seed_set
    else:
        level, idx, flag = found
        chosen[level] = flag
        for lev in range(level - 1, -1, -1):
            chosen[lev] = kept_took[lev][idx]
            idx = int(kept_parent[lev][idx])
    pattern = np.zeros(len(reduced))
    pattern[xs[free]] = 1.0
    pattern[quarters[chosen]] = 1.0
    E_best = s.seats @ pattern - s.b
    _cost, n = class_cost(E_best[None, :], s)
    pattern[s.n_col] = n[0]
    pattern[s.o_col] = np.maximum(E_best - s.L * n[0], 0.0)
    return float(reduced @ pattern), pattern


def _dominated(V: np.ndarray, E: np.ndarray) -> np.ndarray:
    """(states,) bool: states dominated (value ≥, every E ≤) by one of the `WINDOW` states
    before them in decreasing value (ties: the earlier state stays)."""
    out = np.zeros(len(V), dtype=bool)
    if len(V) < 2:
        return out
    order = np.argsort(-V, kind="stable")
    Vs, Es = V[order], E[order]
    hit = np.zeros(len(V), dtype=bool)
    for shift in range(1, min(WINDOW, len(V) - 1) + 1):
        hit[shift:] |= (Es[:-shift] <= Es[shift:] + 1e-9).all(axis=1) & (Vs[:-shift] >= Vs[shift:] - 1e-9)
    out[order] = hit
    return out
