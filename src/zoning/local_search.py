"""Local search on a whole-quarter zoning: single moves and pairwise swaps, vectorised.

A zoning is `chosen` (pair index per quarter). Each school's cost is its pupils' travel plus
the overflow penalty for pupils its rooms cannot seat in whole classes per grade
(`zoning.vectors.unseated`). A *move* sends quarter i from school a to another candidate b; a *swap* sends
i from a to b and quarter k from b to a. The exact change of the objective of every
candidate move or swap is computed at once with NumPy (travel from the pair costs, overflow
recounted per school in whole classes); the best improving ones touching distinct schools are
applied together, and the rounds repeat until none improves or the deadline passes. The
objective never increases, and no school gains pupils beyond its seats unless that lowers
the overflow it already has.
"""

from __future__ import annotations

import time

import numpy as np

from zoning.contiguity import ContiguityRule
from zoning.model import MatrixModel
from zoning.problem import ZoningProblem
from zoning.vectors import school_pupils, unseated

__all__ = ["improve_locally", "whole_class_counts"]


def apply_disjoint(gains: np.ndarray, touched: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the best candidates (by gain, ties by position) whose schools (rows of
    `touched`, −1 = none) are pairwise disjoint; at most `limit` of them."""
    order = np.lexsort((np.arange(len(gains)), -gains))
    used: set[int] = set()
    picked: list[int] = []
    for c in order:
        schools = [int(s) for s in touched[c] if s >= 0]
        if any(s in used for s in schools):
            continue
        used.update(schools)
        picked.append(int(c))
        if len(picked) >= limit:
            break
    return np.asarray(picked, dtype=np.int64)


def improve_locally(
    model: MatrixModel,
    problem: ZoningProblem,
    chosen: np.ndarray,
    *,
    deadline: float,
    swaps: bool = True,
    batch: int = 200,
    max_rounds: int = 1000,
    rule: ContiguityRule | None = None,
) -> tuple[np.ndarray, dict]:
    """Improve whole-quarter choices `chosen` by moves and swaps; never makes them worse.

    deadline: a time.perf_counter() value (checked between rounds). rule: the model's
    contiguity rule — then only moves keeping it are made (the quarter's new pair is supported,
    no quarter of its old school leans on it alone; moves applied together touch distinct
    schools, so they cannot undo each other's support) and no swaps. Returns the new choices
    and counters {rounds, moves, swaps, gain}.
    """
    swaps = swaps and rule is None
    n, m, T, G = problem.shape
    pq, ps = model.pair_quarter, model.pair_school
    P = model.n_pairs
    cost = model.cost[:P]
    penalty = model.overflow_penalty
    usable = model.col_hi[:P] > 0
    key = pq.astype(np.int64) * m + ps  # sorted: pairs go by quarter, then school
    chosen = chosen.copy()
    school_of = ps[chosen]
    pupils = school_pupils(problem, school_of)
    over = unseated(problem, pupils, np.arange(m))
    stats = {"rounds": 0, "moves": 0, "swaps": 0, "gain": 0.0}
    demand = problem.demand
    for _ in range(max_rounds):
        if time.perf_counter() >= deadline:
            break
        stats["rounds"] += 1
        # --- single moves: quarter i from a to b
        ok_move = usable & (ps != school_of[pq])
        if rule is not None:
            mask = np.zeros(P, dtype=bool)
            mask[chosen] = True
            ok_move &= rule.supported(mask) & rule.movable(mask)[chosen[pq]]
        cand = np.flatnonzero(ok_move)
        i, b = pq[cand], ps[cand]
        a = school_of[i]
        travel = cost[chosen[i]] - cost[cand]
        over_a = unseated(problem, pupils[a] - demand[i], a)
        over_b = unseated(problem, pupils[b] + demand[i], b)
        move_gain = travel + penalty * (over[a] + over[b] - over_a - over_b)
        good = move_gain > 1e-6 * np.maximum(1.0, np.abs(cost[cand]))
        kinds = [("move", cand[good], None, move_gain[good], np.stack([a[good], b[good]], axis=1))]
        if swaps:
            # --- swaps: i from a to b, k from b to a (k at b with a candidate pair to a)
            order_q = np.argsort(school_of, kind="stable")
            starts = np.searchsorted(school_of[order_q], np.arange(m + 1))
            counts = starts[b + 1] - starts[b]
            rep = np.repeat(np.arange(len(cand)), counts)
            offset = np.arange(len(rep)) - np.repeat(np.cumsum(counts) - counts, counts)
            k = order_q[starts[b][rep] + offset]
            back_key = k.astype(np.int64) * m + a[rep]
            pos = np.searchsorted(key, back_key)
            pos = np.minimum(pos, P - 1)
            exists = (key[pos] == back_key) & usable[pos]
            rep, k, back = rep[exists], k[exists], pos[exists]
            # each swap once: the quarter with the lower index is i
            once = i[rep] < k
            rep, k, back = rep[once], k[once], back[once]
            swap_travel = travel[rep] + cost[chosen[k]] - cost[back]
            promising = swap_travel > 1e-6
            rep, k, back, swap_travel = rep[promising], k[promising], back[promising], swap_travel[promising]
            si, sa, sb = i[rep], a[rep], b[rep]
            delta = demand[k] - demand[si]
            new_a = unseated(problem, pupils[sa] + delta, sa)
            new_b = unseated(problem, pupils[sb] - delta, sb)
            swap_gain = swap_travel + penalty * (over[sa] + over[sb] - new_a - new_b)
            ok = swap_gain > 1e-6 * np.maximum(1.0, swap_travel)
            kinds.append(("swap", cand[rep[ok]], back[ok], swap_gain[ok], np.stack([sa[ok], sb[ok]], axis=1)))
        gains = np.concatenate([g for _, _, _, g, _ in kinds])
        if len(gains) == 0:
            break
        touched = np.concatenate([t for _, _, _, _, t in kinds])
        kind_of = np.concatenate([np.full(len(g), j) for j, (_, _, _, g, _) in enumerate(kinds)])
        first = np.concatenate([p for _, p, _, _, _ in kinds])
        second = np.concatenate([np.full(len(kinds[0][1]), -1)] + ([kinds[1][2]] if swaps else []))
        picked = apply_disjoint(gains, touched, batch)
        changed = touched[picked].ravel()
        for c in picked:
            p = int(first[c])
            chosen[pq[p]] = p
            if kind_of[c] == 1:
                q = int(second[c])
                chosen[pq[q]] = q
                stats["swaps"] += 1
            else:
                stats["moves"] += 1
        stats["gain"] += float(gains[picked].sum())
        school_of = ps[chosen]
        changed = np.unique(changed)
        pupils[changed] = 0.0
        mask = np.isin(school_of, changed)
        np.add.at(pupils, school_of[mask], demand[mask])
        over[changed] = unseated(problem, pupils[changed], changed)
    return chosen, stats


def whole_class_counts(model: MatrixModel, problem: ZoningProblem, values: np.ndarray) -> np.ndarray:
    """Whole classes (m, T, G) per school, year and grade rounded from a fractional solution.

    The pupils that `values` (e.g. the LP relaxation) sends to each school are counted in
    classes and rounded up; a school whose rounded classes exceed its rooms rounds down the
    grades with the smallest fractional class first, until its classes fit. An LP with these
    class counts fixed then places the pupils into whole classes that fit every school.
    """
    n, m, T, G = problem.shape
    pq, ps = model.pair_quarter, model.pair_school
    pupils = np.zeros((m, T, G))
    np.add.at(pupils, ps, values[: model.n_pairs, None, None] * problem.demand[pq])
    classes = np.round(pupils / problem.class_limit[:, None, :], 6)
    counts = np.ceil(classes)
    cap = np.floor(problem.rooms / problem.rooms_per_class[:, None] + 1e-9)  # (m, T)
    fraction = classes - np.floor(classes)
    fraction = np.where(fraction > 0, fraction, 1.0)  # of the last class
    while True:  # one class per grade per pass; a pass or two in practice
        excess = np.maximum(counts.sum(axis=2) - cap, 0.0)
        if not (excess > 0).any():
            break
        key = np.where(counts > 0, fraction, np.inf)
        order = np.argsort(key, axis=2, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.broadcast_to(np.arange(G), order.shape).copy(), axis=2)
        cut = (rank < excess[:, :, None]) & (counts > 0)
        counts = counts - cut
        fraction = np.where(cut, 1.0, fraction)
    return np.maximum(counts, 0.0)
