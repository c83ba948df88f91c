"""Ejection chains on a whole-quarter zoning: a quarter moves in, another is pushed out.

Whole classes per grade make each school's cost a step function of its pupils: a school whose
rooms are all used cannot take one more quarter without leaving pupils unseated, so the single
moves and swaps of `zoning.local_search` stop there. An *ejection chain* moves quarter i₁
from school s₀ to s₁ and, at the same time, a quarter i₂ from s₁ to s₂ (s₁ stays within its
rooms: i₂ makes room for i₁), and so on until a school takes the last quarter as it stands; a
*cyclic transfer* moves three quarters round three schools a → b → c → a.

- Long chains (up to `depth` quarters): a depth-limited longest-path search over states
  (quarter, school it just moved to), vectorised with NumPy: a step from state (q, s) pushes a
  quarter k of s on to one of its candidate schools, when s seats its pupils with q in and k
  out as well as before; the best chains found are re-checked exactly and those touching
  distinct schools applied together.
- Two-quarter chains and three-quarter cycles: every one saving travel is evaluated exactly
  at once (travel plus the overflow penalty recounted in whole classes per grade for every
  school touched).
The rounds take turns with the moves and swaps until nothing improves or the deadline passes.
The objective never increases and the result depends only on the input (no randomness).
"""

from __future__ import annotations

import time

import numpy as np

from zoning.local_search import apply_disjoint, improve_locally
from zoning.model import MatrixModel
from zoning.problem import ZoningProblem
from zoning.vectors import school_pupils, unseated

__all__ = ["improve_by_chains"]


def _expand(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, position): for each owner o, positions starts[o] … starts[o] + counts[o] − 1."""
    owner = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, starts[owner] + offset


STEP_BLOCK = 32_768
"""States per block when the chain search prices every step (one NumPy call stays a few
milliseconds, so the deadline alarm of `zoning.strategy` is not held up for a tenth of a second
by one call over half a million states)."""


def _blocks(count: int, size: int = STEP_BLOCK) -> list[slice]:
    """Consecutive slices of at most `size` covering range(count)."""
    return [slice(start, min(start + size, count)) for start in range(0, count, size)]


def _best_in_groups(
    value: np.ndarray, order: np.ndarray, key_sorted: np.ndarray, group_start: np.ndarray, group_size: np.ndarray
) -> np.ndarray:
    """For each group of equal keys, the index of its largest `value` (the first such index on
    ties): what `np.lexsort((-value, key))` then the first of each key gives, in linear time.
    `order` is a stable argsort of the keys, `key_sorted` the keys in that order, `group_start`
    and `group_size` its runs."""
    if not len(order):
        return order
    ordered = value[order]
    best = np.maximum.reduceat(ordered, group_start)
    at = np.flatnonzero(ordered == np.repeat(best, group_size))
    first = np.r_[True, key_sorted[at][1:] != key_sorted[at][:-1]]
    return order[at[first]]


def _chain_round(
    model: MatrixModel,
    problem: ZoningProblem,
    chosen: np.ndarray,
    pupils: np.ndarray,
    over: np.ndarray,
    *,
    cycles: bool,
    max_candidates: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All improving chains of the current zoning: (gains, pairs (c, 3), schools (c, 3)).

    pairs holds the new pair of each quarter moved (−1 when the chain has two legs); schools
    the schools a, b, c touched.
    """
    n, m, T, G = problem.shape
    pq, ps = model.pair_quarter, model.pair_school
    P = model.n_pairs
    cost = model.cost[:P]
    penalty = model.overflow_penalty
    usable = model.col_hi[:P] > 0
    demand = problem.demand
    school_of = ps[chosen]
    pair_start = np.searchsorted(pq, np.arange(n + 1))
    by_school = np.argsort(school_of, kind="stable")
    school_start = np.searchsorted(school_of[by_school], np.arange(m + 1))
    saving = cost[chosen[pq]] - cost  # travel saved by pair p
    empty = (np.zeros(0),) + (np.zeros((0, 3), dtype=np.int64),) * 2
    # leg 1: quarter i from a to b, saving travel (otherwise a plain move would do as well)
    first = np.flatnonzero(usable & (ps != school_of[pq]) & (saving > 1e-9))
    if len(first) == 0:
        return empty
    i, b = pq[first], ps[first]
    a = school_of[i]
    # leg 2: quarter k now at b, to c ∉ {a, b}
    rep, pos = _expand(school_start[b], school_start[b + 1] - school_start[b])
    k = by_school[pos]
    rep2, second = _expand(pair_start[k], pair_start[k + 1] - pair_start[k])
    rep, k = rep[rep2], k[rep2]
    c = ps[second]
    keep = usable[second] & (c != a[rep]) & (c != b[rep])
    rep, k, second, c = rep[keep], k[keep], second[keep], c[keep]
    travel = saving[first[rep]] + saving[second]
    gains_all, pairs_all, schools_all = [], [], []
    paths = travel > 1e-9
    if paths.any():
        r, kk, s2, cc = rep[paths], k[paths], second[paths], c[paths]
        if len(r) > max_candidates:  # the most travel saved first
            top = np.argsort(-travel[paths], kind="stable")[:max_candidates]
            r, kk, s2, cc = r[top], kk[top], s2[top], cc[top]
        ii, aa, bb = i[r], a[r], b[r]
        new_a = unseated(problem, pupils[aa] - demand[ii], aa)
        new_b = unseated(problem, pupils[bb] + demand[ii] - demand[kk], bb)
        new_c = unseated(problem, pupils[cc] + demand[kk], cc)
        gain = saving[first[r]] + saving[s2] + penalty * (over[aa] + over[bb] + over[cc] - new_a - new_b - new_c)
        ok = gain > 1e-6 * np.maximum(1.0, np.abs(cost[first[r]]))
        gains_all.append(gain[ok])
        pairs_all.append(np.stack([first[r[ok]], s2[ok], np.full(ok.sum(), -1)], axis=1))
        schools_all.append(np.stack([aa[ok], bb[ok], cc[ok]], axis=1))
    if cycles:
        # leg 3: quarter l now at c, back to a (closing the cycle: a's pupils may stay level)
        best_back = np.full(n, -np.inf)
        pos_l = np.arange(P)[usable & (ps != school_of[pq])]
        np.maximum.at(best_back, pq[pos_l], saving[pos_l])
        best_at = np.full(m, -np.inf)
        np.maximum.at(best_at, school_of, best_back)
        hopeful = travel + best_at[c] > 1e-9
        r, kk, s2, cc = rep[hopeful], k[hopeful], second[hopeful], c[hopeful]
        if len(r):
            rep3, pos3 = _expand(school_start[cc], school_start[cc + 1] - school_start[cc])
            ll = by_school[pos3]
            back_key = ll.astype(np.int64) * m + a[r[rep3]]
            key = pq.astype(np.int64) * m + ps
            at = np.minimum(np.searchsorted(key, back_key), P - 1)
            exists = (key[at] == back_key) & usable[at]
            rep3, ll, third = rep3[exists], ll[exists], at[exists]
            t3 = travel[hopeful][rep3] + saving[third]
            good = t3 > 1e-9
            rep3, ll, third, t3 = rep3[good], ll[good], third[good], t3[good]
            if len(rep3) > max_candidates:
                top = np.argsort(-t3, kind="stable")[:max_candidates]
                rep3, ll, third = rep3[top], ll[top], third[top]
            r3 = r[rep3]
            ii, aa, bb, kk3, cc3, s23 = i[r3], a[r3], b[r3], kk[rep3], cc[rep3], s2[rep3]
            new_a = unseated(problem, pupils[aa] - demand[ii] + demand[ll], aa)
            new_b = unseated(problem, pupils[bb] + demand[ii] - demand[kk3], bb)
            new_c = unseated(problem, pupils[cc3] + demand[kk3] - demand[ll], cc3)
            gain = (
                saving[first[r3]]
                + saving[s23]
                + saving[third]
                + penalty * (over[aa] + over[bb] + over[cc3] - new_a - new_b - new_c)
            )
            ok = gain > 1e-6 * np.maximum(1.0, np.abs(cost[first[r3]]))
            gains_all.append(gain[ok])
            pairs_all.append(np.stack([first[r3[ok]], s23[ok], third[ok]], axis=1))
            schools_all.append(np.stack([aa[ok], bb[ok], cc3[ok]], axis=1))
    if not gains_all:
        return empty
    return np.concatenate(gains_all), np.concatenate(pairs_all), np.concatenate(schools_all)


def _deep_round(
    model: MatrixModel,
    problem: ZoningProblem,
    chosen: np.ndarray,
    pupils: np.ndarray,
    over: np.ndarray,
    *,
    depth: int,
    tries: int,
    deadline: float = np.inf,
) -> tuple[list[list[int]], list[float]]:
    """Longer ejection chains i₁: s₀ → s₁, i₂: s₁ → s₂, …, found by a depth-limited
    longest-path search over (quarter, new school) pairs, then checked exactly.

    A state is a pair p = (q, s): quarter q has just moved to school s. From it, a quarter k now
    at s moves on to any of its candidates (the step's value: k's travel saved plus the overflow
    change at s with q in and k out). A chain ends at pair (q, s) when s takes q (the overflow
    change at s). Returns chains (lists of pairs) with their exact gains, best first.
    """
    n, m, T, G = problem.shape
    pq, ps = model.pair_quarter, model.pair_school
    P = model.n_pairs
    cost = model.cost[:P]
    penalty = model.overflow_penalty
    demand = problem.demand
    school_of = ps[chosen]
    saving = cost[chosen[pq]] - cost
    movable = np.flatnonzero((model.col_hi[:P] > 0) & (ps != school_of[pq]))
    mq, ms = pq[movable], ps[movable]
    ma = school_of[mq]
    leave = penalty * (over[ma] - unseated(problem, pupils[ma] - demand[mq], ma))
    arrive = penalty * (over[ms] - unseated(problem, pupils[ms] + demand[mq], ms))
    by_school = np.argsort(school_of, kind="stable")
    school_start = np.searchsorted(school_of[by_school], np.arange(m + 1))
    # steps: state `movable[r_in]` (q in at s), quarter k at s leaves
    r_in, pos = _expand(school_start[ms], school_start[ms + 1] - school_start[ms])
    k = by_school[pos]
    s = ms[r_in]
    step = np.concatenate(
        [
            penalty * (over[s[b]] - unseated(problem, pupils[s[b]] + demand[mq[r_in[b]]] - demand[k[b]], s[b]))
            for b in _blocks(len(r_in))
        ]
        or [np.zeros(0)]
    )
    keep = step > -1e-9  # k makes room for q at s
    r_in, k, step = r_in[keep], k[keep], step[keep]
    # the steps grouped by the quarter k that leaves (stable: within a group, the first
    # step of the largest value wins ties, as a stable sort by (k, −value) would pick)
    by_k = np.argsort(k, kind="stable")
    k_sorted = k[by_k]
    group_start = np.flatnonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]]) if len(k) else np.zeros(0, np.int64)
    group_size = np.diff(np.r_[group_start, len(k)])
    value = saving[movable] + leave  # depth 1: one quarter moved
    preds = []
    found_gain, found_at = [], []
    for d in range(1, depth + 1):
        if d >= 2:
            total = value + arrive
            hit = np.flatnonzero(total > 1e-6 * np.maximum(1.0, np.abs(cost[movable])))
            found_gain.append(total[hit])
            found_at.append(np.stack([np.full(len(hit), d), hit], axis=1))
        if d == depth:
            break
        through = value[r_in] + step
        best_r = _best_in_groups(through, by_k, k_sorted, group_start, group_size)
        best_of = np.full(n, -np.inf)
        pred_of = np.full(n, -1)
        best_of[k[best_r]] = through[best_r]
        pred_of[k[best_r]] = r_in[best_r]
        value = best_of[mq] + saving[movable]
        preds.append(pred_of[mq])  # depth d+1 state → depth d state
    if not found_gain:
        return [], []
    per_depth = max(tries // len(found_gain), 1)  # long loops must not crowd out short chains
    for j, g in enumerate(found_gain):
        top = np.lexsort((found_at[j][:, 1], -g))[:per_depth]
        found_gain[j], found_at[j] = g[top], found_at[j][top]
    gains = np.concatenate(found_gain)
    at = np.concatenate(found_at)
    order = np.lexsort((at[:, 1], at[:, 0], -gains))
    chains, exact = [], []
    seen: set[tuple[int, ...]] = set()
    for number, c in enumerate(order):
        if number % 64 == 63 and time.perf_counter() >= deadline:
            break
        d, r = int(at[c, 0]), int(at[c, 1])
        path = [r]
        for level in range(d - 1, 0, -1):
            r = int(preds[level - 1][r])
            if r < 0:
                break
            path.append(r)
        if len(path) != d:
            continue
        pairs = [int(movable[r]) for r in reversed(path)]
        quarters = pq[pairs]
        if len(set(quarters.tolist())) != len(pairs) or tuple(pairs) in seen:
            continue
        seen.add(tuple(pairs))
        gain = _exact_gain(model, problem, chosen, pupils, over, np.asarray(pairs))
        if gain > 1e-6 * max(1.0, float(np.abs(cost[pairs]).max())):
            chains.append(pairs)
            exact.append(gain)
    return chains, exact


def _exact_gain(
    model: MatrixModel,
    problem: ZoningProblem,
    chosen: np.ndarray,
    pupils: np.ndarray,
    over: np.ndarray,
    pairs: np.ndarray,
) -> float:
    """Exact change of the objective (pupil-metres saved) when the quarters of `pairs` move."""
    pq, ps = model.pair_quarter, model.pair_school
    quarters = pq[pairs]
    old = ps[chosen[quarters]]
    new = ps[pairs]
    touched = np.unique(np.concatenate([old, new]))
    after = pupils[touched].copy()
    index = np.searchsorted(touched, old)
    np.subtract.at(after, index, problem.demand[quarters])
    np.add.at(after, np.searchsorted(touched, new), problem.demand[quarters])
    travel = float((model.cost[chosen[quarters]] - model.cost[pairs]).sum())
    return travel + model.overflow_penalty * float(over[touched].sum() - unseated(problem, after, touched).sum())


def improve_by_chains(
    model: MatrixModel,
    problem: ZoningProblem,
    chosen: np.ndarray,
    *,
    deadline: float,
    depth: int = 8,
    cycles: bool = True,
    tries: int = 2000,
    batch: int = 200,
    max_candidates: int = 2_000_000,
    max_rounds: int = 1000,
) -> tuple[np.ndarray, dict]:
    """Improve whole-quarter choices `chosen` (pair index per quarter) by moves and swaps
    (`improve_locally`), ejection chains of up to `depth` quarters and, when `cycles`, cyclic
    transfers of three quarters; never makes them worse.

    Each round runs the moves and swaps to a standstill, then applies the improving long
    chains touching distinct schools; when there are none, the exhaustive two-quarter chains
    and three-quarter cycles. deadline: a time.perf_counter() value (checked between steps).
    max_candidates bounds the two- and three-quarter chains evaluated per round and kind (those
    saving the most travel first); tries the long chains checked exactly per round. Returns the
    new choices and counters {rounds, moves, swaps, chains, cycles, gain} (gain in pupil-metres,
    of all steps; the first four keys are those of `improve_locally`).
    """
    n, m, T, G = problem.shape
    pq, ps = model.pair_quarter, model.pair_school
    chosen = np.asarray(chosen, dtype=np.int64).copy()
    stats = {"rounds": 0, "moves": 0, "swaps": 0, "chains": 0, "cycles": 0, "gain": 0.0}
    last_round = 0.0  # seconds of the longest round of chains so far
    for _ in range(max_rounds):
        chosen, local = improve_locally(model, problem, chosen, deadline=deadline)
        for key in ("moves", "swaps", "gain"):
            stats[key] += local[key]
        # a round of chains cannot be interrupted: start one only when the last one would fit
        if time.perf_counter() + last_round >= deadline:
            break
        stats["rounds"] += 1
        round_began = time.perf_counter()
        pupils = school_pupils(problem, ps[chosen])
        over = unseated(problem, pupils, np.arange(m))
        applied = 0
        if depth >= 2:
            chains, chain_gains = _deep_round(
                model, problem, chosen, pupils, over, depth=depth, tries=tries, deadline=deadline
            )
            used: set[int] = set()
            for chain, gain in zip(chains, chain_gains, strict=True):
                schools = set(ps[chosen[pq[chain]]].tolist()) | set(ps[chain].tolist())
                if schools & used:
                    continue
                used |= schools
                chosen[pq[chain]] = chain
                stats["chains"] += 1
                stats["gain"] += gain
                applied += 1
        if applied == 0 and time.perf_counter() + 0.5 * last_round < deadline:
            gains, pairs, touched = _chain_round(
                model, problem, chosen, pupils, over, cycles=cycles, max_candidates=max_candidates
            )
            picked: np.ndarray | list[int] = apply_disjoint(gains, touched, batch) if len(gains) else []
            for c in picked:
                legs = [int(p) for p in pairs[c] if p >= 0]
                chosen[pq[legs]] = legs
                stats["cycles" if len(legs) == 3 else "chains"] += 1
                stats["gain"] += float(gains[c])
                applied += 1
        last_round = max(last_round, time.perf_counter() - round_began)
        if applied == 0:
            break
    return chosen, stats
