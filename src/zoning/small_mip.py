"""Best-first branch-and-bound over the few integer columns of a small MIP, on its LP in HiGHS.

The Lagrangian bound's pieces with the quarters relaxed (`zoning.network_lagrange`) keep only
their classes integer: one school-year has G ≤ 6 integer columns n[g] (classes per grade)
beside ≈ 100 continuous ones. HiGHS's MIP solver spends ≈ 5–6 ms on such a piece (presolve,
root cuts; usually one node); branching on n[g] ≤ ⌊n*⌋ / n[g] ≥ ⌈n*⌉ with the piece's LP
re-solved warm after each bound change takes 9–23 LPs of ≈ 0.2 ms (ward benchmark, 37
school-year pieces: 3.2 ms each instead of 5.8, the same optima).

Best first: the open node with the least LP value is expanded next, so the first node whose LP
solution is integral is optimal, and when cut short (deadline, node limit) the least LP value
of the open nodes is a lower bound of the MIP (each open node's LP bounds its subtree, the
closed ones are pruned or expanded).

From the last open nodes (`leaves`): the Lagrangian bound solves the same piece at other costs
at every step. Costs do not change which nodes are feasible, and the open nodes of a search
(the infeasible ones dropped) hold every whole point of the piece, so a search may start from
them instead of the root: the least of their LP values bounds the piece, and best first from
them ends at its optimum (ward benchmark: ≈ 9.6 LPs a search instead of ≈ 12).
"""

from __future__ import annotations

import heapq
import time
from typing import Any

import numpy as np

__all__ = ["INTEGRAL", "MAX_LEAVES", "branch_and_bound"]

INTEGRAL = 1e-6
"""An integer column's LP value within this of an integer counts as integral."""
MAX_LEAVES = 16
"""An earlier search's open nodes (`leaves`) are started from when there are at most this many;
more, and the search starts again from the root (each open node costs an LP)."""


def branch_and_bound(
    lp: Any,
    integer: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
    *,
    deadline: float,
    max_nodes: int = 500,
    leaves: list[tuple[np.ndarray, np.ndarray]] | None = None,
    root: tuple[float, np.ndarray] | None = None,
) -> tuple[float, np.ndarray | None, str]:
    """min of `lp`'s objective (a HiGHS object holding the LP: costs and row bounds set) with
    the columns `integer` (bool, one per column) whole, within `col_lo`, `col_hi` (the
    integer columns' bounds, one per column): (lower bound, the best solution found or None,
    "optimal" | "infeasible" | "cut"). "cut": out of time or nodes — the bound is then the
    least LP value of the open nodes (−inf if not even the LP was solved). The integer
    columns' bounds of `lp` are restored.

    `leaves` (a list, or None): the boxes (lo, hi of the integer columns) of the open nodes
    of an earlier search on the same rows and column bounds (other costs) to start from
    instead of the root — the integer points of the feasible nodes of any search tree lie in
    its open nodes, whatever the costs, so they stand for the root (an empty list: the root)
    — replaced on return by this search's open nodes (empty when cut short by a node that
    could not be solved). `root`: the LP's value and solution at the root (`lp` just solved
    at these costs with the integer columns' bounds `col_lo`, `col_hi`), not solved again when
    the search starts from the root."""
    import highspy

    idx = np.flatnonzero(integer).astype(np.int32)
    lo0 = np.asarray(col_lo, dtype=np.float64)[idx]
    hi0 = np.asarray(col_hi, dtype=np.float64)[idx]
    count = len(idx)

    def solve(lo: np.ndarray, hi: np.ndarray) -> tuple[float, np.ndarray | None] | None:
        """The node's LP: (value, solution), (inf, None) if infeasible, None if neither."""
        lp.changeColsBounds(count, idx, lo, hi)
        lp.run()
        status = lp.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return np.inf, None
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        return float(lp.getInfo().objective_function_value), np.asarray(lp.getSolution().col_value)

    def kept(heap: list) -> None:
        """The open nodes' boxes into `leaves`."""
        if leaves is not None:
            leaves[:] = [(lo, hi) for _, _, lo, hi, _ in heap]

    try:
        from_root = not (leaves and len(leaves) <= MAX_LEAVES)
        boxes = [(lo0, hi0)] if from_root else list(leaves or [])
        heap: list[tuple[float, int, np.ndarray, np.ndarray, np.ndarray]] = []
        for made, (lo, hi) in enumerate(boxes):
            node = root if from_root and root is not None else solve(lo, hi)
            if node is None:
                if leaves is not None:
                    leaves.clear()
                return -np.inf, None, "cut"
            if node[1] is not None:
                heap.append((node[0], made, lo, hi, node[1]))
        made = len(boxes)
        if not heap:
            kept(heap)
            return np.inf, None, "infeasible"
        heapq.heapify(heap)
        while heap:
            value, _, lo, hi, x = heap[0]
            n = x[idx]
            off = np.abs(n - np.round(n))
            if off.max(initial=0.0) <= INTEGRAL:  # the least open bound is integral: optimal
                solution = x.copy()
                solution[idx] = np.round(n)
                kept(heap)
                return value, solution, "optimal"
            if made >= max_nodes or time.perf_counter() > deadline:
                kept(heap)
                return value, None, "cut"
            heapq.heappop(heap)
            k = int(np.argmax(off))  # the most fractional integer column
            for down in (True, False):
                child_lo, child_hi = lo.copy(), hi.copy()
                if down:
                    child_hi[k] = np.floor(n[k])
                else:
                    child_lo[k] = np.ceil(n[k])
                if child_lo[k] > child_hi[k]:
                    continue
                node = solve(child_lo, child_hi)
                made += 1
                if node is None:  # neither optimal nor infeasible: no bound below this node
                    if leaves is not None:
                        leaves.clear()
                    return -np.inf, None, "cut"
                if node[1] is not None:
                    heapq.heappush(heap, (node[0], made, child_lo, child_hi, node[1]))
        kept(heap)
        return np.inf, None, "infeasible"
    finally:
        lp.changeColsBounds(count, idx, lo0, hi0)
