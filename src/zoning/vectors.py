"""Whole-quarter zonings as solution vectors, and a greedy repair of schools short of rooms."""

from __future__ import annotations

import time

import numpy as np

from capacity.classes import ceil_classes
from zoning.model import MatrixModel
from zoning.problem import ZoningProblem

__all__ = ["solution_vector", "best_classes", "unseated", "school_pupils", "repair_overflow", "round_shares"]


def round_shares(model: MatrixModel, shares: np.ndarray) -> np.ndarray:
    """Pair index per quarter: the pair with the largest share (first by position on ties)."""
    pq = model.pair_quarter
    order = np.lexsort((-shares[: model.n_pairs], pq))
    first = np.ones(len(order), dtype=bool)
    first[1:] = pq[order][1:] != pq[order][:-1]
    return order[first]


def _school_state(problem: ZoningProblem, ps_of_quarter: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pupils (m, T, G), rooms needed (m, T)) when quarter i goes whole to school ps_of_quarter[i]."""
    pupils = school_pupils(problem, ps_of_quarter)
    return pupils, _rooms_needed(problem, pupils, np.arange(len(pupils)))


def _rooms_needed(problem: ZoningProblem, pupils: np.ndarray, schools: np.ndarray) -> np.ndarray:
    """Rooms (k, T) that schools `schools` need for `pupils` (k, T, G) in whole classes per grade."""
    classes = ceil_classes(pupils, problem.class_limit[schools][:, None, :])  # capacity's whole classes
    return classes.sum(axis=2) * problem.rooms_per_class[schools][:, None]


SINGLE_MOVES = 256
"""With one grade and one school year, `repair_overflow` applies its first SINGLE_MOVES moves one
at a time (each seeing the rooms the previous one freed), then batches of moves of distinct
schools; with several grades or years, batches from the start. The batched start of the
4,032-quarter grade-1 city (514 pupil-m worse) had left HiGHS unable to prove it optimal within
60 s; with several grades or years single moves cost the start its time (at 10,080 quarters,
and in the school network's phases, where they lost the start)."""


def repair_overflow(
    model: MatrixModel,
    problem: ZoningProblem,
    chosen: np.ndarray,
    max_moves: int | None = None,
    deadline: float | None = None,
) -> np.ndarray:
    """Move whole quarters away from schools short of rooms, cheapest move first.

    `chosen[i]` is the pair index of quarter i's school. A move of quarter i from school a to
    candidate b is allowed when b still fits its rooms in every year afterwards and a then
    needs fewer rooms; the move with the least extra cost per room freed is applied, one at a
    time for the first `SINGLE_MOVES` moves of a one-grade one-year problem, then in batches of such moves touching distinct
    schools, until no school is short, no move helps or `deadline` (a time.perf_counter()
    value) passes. Vectorised over all candidate moves; the loop runs over moves or batches.
    """
    n, m, T, G = problem.shape
    pq, ps = model.pair_quarter, model.pair_school
    usable = model.col_hi[: model.n_pairs] > 0
    chosen = chosen.copy()
    school_of = ps[chosen]
    pupils, need = _school_state(problem, school_of)
    limit_moves = max_moves if max_moves is not None else 20 * n
    moves = 0
    for _ in range(limit_moves):
        if deadline is not None and time.perf_counter() >= deadline:
            break
        short = np.asarray((need > problem.rooms + 1e-9).any(axis=1))
        if not short.any():
            break
        # candidate moves: pairs (i, b) with i at a short school a ≠ b
        at_short = short[school_of[pq]] & usable & (ps != school_of[pq])
        cand = np.flatnonzero(at_short)
        if len(cand) == 0:
            break
        i, b = pq[cand], ps[cand]
        a = school_of[i]
        d = problem.demand[i]  # (k, T, G)
        need_b = _rooms_needed(problem, pupils[b] + d, b)
        fits = (need_b <= problem.rooms[b] + 1e-9).all(axis=1)
        freed = (need[a] - _rooms_needed(problem, pupils[a] - d, a)).sum(axis=1)
        ok = fits & (freed > 0)
        if not ok.any():
            break
        extra = model.cost[cand] - model.cost[chosen[i]]
        score = np.where(ok, extra / np.maximum(freed, 1e-9), np.inf)
        # the cheapest move per room freed of every short school, those touching distinct
        # schools applied together (each school's rooms recounted after the batch)
        good = np.flatnonzero(ok)
        if T * G == 1 and moves < SINGLE_MOVES:  # the single cheapest move
            picked = good[[int(np.argmin(score[good]))]]
        else:
            picked = good[_disjoint_best(score[good], a[good], b[good], m)]
        for best in picked:
            qi, sa, sb = i[best], a[best], b[best]
            chosen[qi] = cand[best]
            school_of[qi] = sb
            pupils[sa] -= problem.demand[qi]
            pupils[sb] += problem.demand[qi]
        moves += len(picked)
        touched = np.unique(np.concatenate([a[picked], b[picked]]))
        need[touched] = _rooms_needed(problem, pupils[touched], touched)
    return chosen


def _disjoint_best(score: np.ndarray, a: np.ndarray, b: np.ndarray, m: int) -> np.ndarray:
    """Indices of the lowest-score moves (a → b) such that no school is touched twice, greedy
    in score order (ties by position); vectorised passes, each keeping per school its best."""
    order = np.lexsort((np.arange(len(score)), score))
    taken = np.zeros(m, dtype=bool)
    picked = []
    remaining = order
    while len(remaining):
        # the best remaining move of each source school, then of each target among those
        ra, rb = a[remaining], b[remaining]
        ok = ~taken[ra] & ~taken[rb]
        remaining = remaining[ok]
        if len(remaining) == 0:
            break
        ra, rb = a[remaining], b[remaining]
        first_a = np.unique(ra, return_index=True)[1]
        cand = remaining[np.sort(first_a)]
        first_b = np.unique(b[cand], return_index=True)[1]
        cand = cand[np.sort(first_b)]
        # a school may be a source in one move and a target in another: keep the better one
        seen = np.zeros(m, dtype=bool)
        keep = []
        for c in cand:  # at most one per school: a few hundred at city scale
            if seen[a[c]] or seen[b[c]]:
                continue
            seen[a[c]] = seen[b[c]] = True
            keep.append(c)
        picked.extend(keep)
        taken[a[keep]] = True
        taken[b[keep]] = True
    return np.asarray(picked, dtype=np.int64)


def best_classes(problem: ZoningProblem, pupils: np.ndarray, schools: np.ndarray | None = None) -> np.ndarray:
    """(k, T, G) whole classes per grade that leave the fewest pupils without a seat, for
    `pupils` (k, T, G) at schools `schools` (default: all m schools, k = m).

    Each class of grade g seats up to its limit L_g: the full classes seat L_g each, the last
    one the remainder. With too few rooms, the classes seating most pupils are kept first
    (greedy on these seat counts is optimal: one budget of rooms, concave gains per grade).
    """
    schools = np.arange(len(pupils)) if schools is None else schools
    k, T, G = pupils.shape
    limit = np.broadcast_to(problem.class_limit[schools][:, None, :], (k, T, G))
    ratio = np.round(pupils / limit, 9)
    full = np.floor(ratio)
    remainder = np.where(ratio > full, pupils - full * limit, 0.0)
    cap = np.floor(problem.rooms[schools] / problem.rooms_per_class[schools][:, None] + 1e-9)[:, :, None]
    value = np.concatenate([limit, remainder], axis=2)  # (k, T, 2G) seats per class
    count = np.concatenate([full, (remainder > 0).astype(float)], axis=2)
    order = np.argsort(-value, axis=2, kind="stable")
    count_sorted = np.take_along_axis(count, order, axis=2)
    before = np.cumsum(count_sorted, axis=2) - count_sorted
    granted_sorted = np.clip(cap - before, 0.0, count_sorted)
    granted = np.empty_like(granted_sorted)
    np.put_along_axis(granted, order, granted_sorted, axis=2)
    return granted[:, :, :G] + granted[:, :, G:]


def unseated(problem: ZoningProblem, pupils: np.ndarray, schools: np.ndarray) -> np.ndarray:
    """Pupils (k,) of schools `schools` left without a seat with `pupils` (k, T, G), summed
    over the years and grades, when each school opens the `best_classes`."""
    classes = best_classes(problem, pupils, schools)
    seats = classes * problem.class_limit[schools][:, None, :]
    return np.maximum(pupils - seats, 0.0).sum(axis=(1, 2))


def school_pupils(problem: ZoningProblem, school_of: np.ndarray) -> np.ndarray:
    """Pupils (m, T, G) at each school when quarter i goes whole to school `school_of[i]`."""
    n, m, T, G = problem.shape
    pupils = np.zeros((m, T, G))
    np.add.at(pupils, school_of, problem.demand)
    return pupils


def solution_vector(model: MatrixModel, problem: ZoningProblem, chosen: np.ndarray) -> np.ndarray:
    """Full column vector for whole-quarter choices `chosen` (pair index per quarter), with
    the classes per grade that leave the fewest pupils over capacity (`best_classes`) and
    those pupils as overflow. Split-mode `moved` columns (if any) are left at 0."""
    values = np.zeros(model.n_cols)
    values[chosen] = 1.0
    pupils = school_pupils(problem, model.pair_school[chosen])
    classes = best_classes(problem, pupils)
    values[model.classes_slice] = classes.ravel()
    limit = problem.class_limit[:, None, :]
    values[model.overflow_slice] = np.maximum(pupils - classes * limit, 0.0).ravel()
    return values
