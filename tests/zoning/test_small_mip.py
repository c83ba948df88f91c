"""`zoning.small_mip.branch_and_bound` against HiGHS's MIP solver: a hand-computed piece, random
school-year pieces with the quarters relaxed (classes per grade whole), an infeasible one, and
a cut-short search that still gives a lower bound, searches from the last open nodes at new
costs; the LP's bounds are restored."""

from __future__ import annotations

import time

import numpy as np
import pytest
from scipy import sparse

from zoning.lagrange import piece_solvers
from zoning.small_mip import branch_and_bound


def piece(rng: np.random.Generator, quarters: int, grades: int, rooms: int, penalty: float = 50.0):
    """A school-year piece: quarters x ∈ [0, 1] (cost c, pupils d per grade), classes n[g] ∈
    {0..rooms} of 35, overflow o[g] at `penalty`; Σ d·x − 35 n − o ≤ 0 per grade, Σ n ≤ rooms."""
    d = rng.uniform(0.0, 15.0, size=(grades, quarters)).round(1)
    cost = np.concatenate(
        [-rng.uniform(0.0, 40.0, size=quarters) * d.sum(axis=0), np.zeros(grades), np.full(grades, penalty)]
    )
    seats = sparse.hstack([sparse.csr_matrix(d), -35.0 * sparse.eye(grades), -sparse.eye(grades)])
    room = sparse.hstack(
        [sparse.csr_matrix((1, quarters)), sparse.csr_matrix(np.ones((1, grades))), sparse.csr_matrix((1, grades))]
    )
    matrix = sparse.vstack([seats, room]).tocsr()
    lo = np.zeros(quarters + 2 * grades)
    hi = np.concatenate([np.ones(quarters), np.full(grades, float(rooms)), np.full(grades, np.inf)])
    integer = np.zeros(len(lo), dtype=bool)
    integer[quarters : quarters + grades] = True
    row_lo = np.full(grades + 1, -np.inf)
    row_hi = np.concatenate([np.zeros(grades), [float(rooms)]])
    return cost, lo, hi, integer, matrix, row_lo, row_hi


def highs_optimum(cost, lo, hi, integer, matrix, row_lo, row_hi) -> float:
    mip, _ = piece_solvers(cost, lo, hi, integer, matrix, row_lo, row_hi)
    mip.setOptionValue("mip_rel_gap", 1e-9)
    mip.setOptionValue("mip_abs_gap", 1e-9)
    mip.run()
    return float(mip.getInfo().objective_function_value)


def test_hand_computed_one_room_two_grades() -> None:
    """Two quarters, one of 20 grade-1 pupils (cost −100 each), one of 20 grade-2 pupils
    (−60 each), one room, overflow 50 a pupil: the LP splits the room (n = 4/7 + 3/7, both
    quarters, 5 over: −3,200 + 250 = −2,950); whole classes: the room for one grade, the
    other's 20 pupils over (−3,200 + 1,000 = −2,200, better than leaving a quarter out:
    −2,000 or −1,200)."""
    d = np.array([[20.0, 0.0], [0.0, 20.0]])
    cost = np.array([-2000.0, -1200.0, 0.0, 0.0, 50.0, 50.0])
    matrix = sparse.csr_matrix(
        np.array([[20, 0, -35, 0, -1, 0], [0, 20, 0, -35, 0, -1], [0, 0, 1, 1, 0, 0]], dtype=float)
    )
    assert (matrix[:2, :2].toarray() == d).all()
    lo, hi = np.zeros(6), np.array([1, 1, 1, 1, np.inf, np.inf], dtype=float)
    integer = np.array([False, False, True, True, False, False])
    row_lo, row_hi = np.full(3, -np.inf), np.array([0.0, 0.0, 1.0])
    _, lp = piece_solvers(cost, lo, hi, integer, matrix, row_lo, row_hi)
    lp.run()
    assert lp.getInfo().objective_function_value == pytest.approx(-2950.0)
    bound, solution, status = branch_and_bound(lp, integer, lo, hi, deadline=time.perf_counter() + 10)
    assert status == "optimal" and bound == pytest.approx(-2200.0)
    assert solution is not None and solution[:2] == pytest.approx([1.0, 1.0])
    assert sorted(solution[2:4]) == pytest.approx([0.0, 1.0]) and solution[4:].sum() == pytest.approx(20.0)


@pytest.mark.parametrize("seed", range(12))
def test_random_pieces_match_highs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    quarters, grades, rooms = int(rng.integers(3, 25)), int(rng.integers(1, 6)), int(rng.integers(1, 12))
    data = piece(rng, quarters, grades, rooms)
    cost, lo, hi, integer, matrix, row_lo, row_hi = data
    optimum = highs_optimum(*data)
    _, lp = piece_solvers(*data)
    lp.run()
    bound, solution, status = branch_and_bound(lp, integer, lo, hi, deadline=time.perf_counter() + 30)
    assert status == "optimal" and bound == pytest.approx(optimum, rel=1e-7, abs=1e-6)
    assert solution is not None and float(cost @ solution) == pytest.approx(optimum, rel=1e-7, abs=1e-6)
    assert np.allclose(solution[integer], np.round(solution[integer]))
    activity = matrix @ solution
    assert (activity <= row_hi + 1e-6).all() and (solution >= lo - 1e-9).all() and (solution <= hi + 1e-9).all()
    # cut short after two nodes: a lower bound of the optimum; the LP's column bounds restored
    early, _, status = branch_and_bound(lp, integer, lo, hi, deadline=time.perf_counter() + 30, max_nodes=2)
    assert early <= optimum + 1e-6 * (1 + abs(optimum))
    assert status in ("optimal", "cut")
    assert np.array_equal(np.asarray(lp.getLp().col_upper_), hi) and np.array_equal(
        np.asarray(lp.getLp().col_lower_), lo
    )
    late, _, status = branch_and_bound(lp, integer, lo, hi, deadline=time.perf_counter() - 1.0)
    assert late <= optimum + 1e-6 * (1 + abs(optimum)) and status in ("optimal", "cut")


def test_an_infeasible_piece() -> None:
    """One grade of 30 pupils that must be taken (x = 1) and no overflow allowed (o ≤ 0) in a
    school of no rooms: the LP is infeasible."""
    cost = np.array([-1.0, 0.0, 0.0])
    matrix = sparse.csr_matrix(np.array([[30.0, -35.0, -1.0], [0.0, 1.0, 0.0]]))
    lo, hi = np.array([1.0, 0.0, 0.0]), np.array([1.0, 3.0, 0.0])
    integer = np.array([False, True, False])
    _, lp = piece_solvers(cost, lo, hi, integer, matrix, np.full(2, -np.inf), np.array([0.0, 0.0]))
    bound, solution, status = branch_and_bound(lp, integer, lo, hi, deadline=time.perf_counter() + 10)
    assert status == "infeasible" and bound == np.inf and solution is None


def test_the_random_pieces_need_branching() -> None:
    """The random pieces above are not won at the root: in most, whole classes cost more than
    the LP."""
    gaps = 0
    for seed in range(12):
        rng = np.random.default_rng(seed)
        quarters, grades, rooms = int(rng.integers(3, 25)), int(rng.integers(1, 6)), int(rng.integers(1, 12))
        data = piece(rng, quarters, grades, rooms)
        _, lp = piece_solvers(*data)
        lp.run()
        gaps += highs_optimum(*data) > lp.getInfo().objective_function_value + 1e-6
    assert gaps >= 6


@pytest.mark.parametrize("seed", range(8))
def test_a_search_from_the_last_open_nodes_matches_highs_at_new_costs(seed: int, monkeypatch) -> None:
    """`leaves`: each search starts from the open nodes of the last one on the same piece (the
    costs changed, the rows not) — first a search cut short after three nodes, then whole ones
    at four other costs — and finds HiGHS's optimum at each; `root` (the LP just solved) gives
    the same result as solving it again."""
    import zoning.small_mip as small_mip

    monkeypatch.setattr(small_mip, "MAX_LEAVES", 6)  # more open nodes: from the root again
    rng = np.random.default_rng(100 + seed)
    quarters, grades, rooms = int(rng.integers(3, 25)), int(rng.integers(2, 6)), int(rng.integers(1, 12))
    cost, lo, hi, integer, matrix, row_lo, row_hi = piece(rng, quarters, grades, rooms)
    _, lp = piece_solvers(cost, lo, hi, integer, matrix, row_lo, row_hi)
    leaves: list = []
    lp.run()
    early, _, _ = branch_and_bound(lp, integer, lo, hi, deadline=time.perf_counter() + 30, max_nodes=3, leaves=leaves)
    assert early <= highs_optimum(cost, lo, hi, integer, matrix, row_lo, row_hi) + 1e-6 * (1 + abs(early))
    started = 0
    for _ in range(4):
        changed = cost.copy()
        changed[:quarters] *= rng.uniform(0.6, 1.4, size=quarters)
        changed[quarters : quarters + grades] = rng.uniform(-30.0, 30.0, size=grades)  # classes priced
        optimum = highs_optimum(changed, lo, hi, integer, matrix, row_lo, row_hi)
        lp.changeColsCost(len(changed), np.arange(len(changed), dtype=np.int32), changed)
        started += 0 < len(leaves) <= small_mip.MAX_LEAVES
        bound, solution, status = branch_and_bound(
            lp, integer, lo, hi, deadline=time.perf_counter() + 30, leaves=leaves
        )
        assert status == "optimal" and bound == pytest.approx(optimum, rel=1e-7, abs=1e-6)
        assert solution is not None and float(changed @ solution) == pytest.approx(optimum, rel=1e-7, abs=1e-6)
        assert (matrix @ solution <= row_hi + 1e-6).all() and (solution >= lo - 1e-9).all()
        lp.run()  # the root LP, then from the root with it given
        root = (float(lp.getInfo().objective_function_value), np.asarray(lp.getSolution().col_value))
        again, _, status = branch_and_bound(lp, integer, lo, hi, deadline=time.perf_counter() + 30, root=root)
        assert status == "optimal" and again == pytest.approx(optimum, rel=1e-7, abs=1e-6)
    assert started >= 1  # some search began from open nodes
    assert np.array_equal(np.asarray(lp.getLp().col_upper_), hi) and np.array_equal(
        np.asarray(lp.getLp().col_lower_), lo
    )


def test_an_infeasible_piece_leaves_no_open_nodes() -> None:
    """The infeasible piece above: no open node is kept, and a second search (other costs) from
    the empty list finds it infeasible again."""
    matrix = sparse.csr_matrix(np.array([[30.0, -35.0, -1.0], [0.0, 1.0, 0.0]]))
    lo, hi = np.array([1.0, 0.0, 0.0]), np.array([1.0, 3.0, 0.0])
    integer = np.array([False, True, False])
    _, lp = piece_solvers(np.array([-1.0, 0.0, 0.0]), lo, hi, integer, matrix, np.full(2, -np.inf), np.zeros(2))
    leaves: list = []
    for cost in (np.array([-1.0, 0.0, 0.0]), np.array([5.0, -2.0, 0.0])):
        lp.changeColsCost(3, np.arange(3, dtype=np.int32), cost)
        bound, solution, status = branch_and_bound(
            lp, integer, lo, hi, deadline=time.perf_counter() + 10, leaves=leaves
        )
        assert status == "infeasible" and bound == np.inf and solution is None and leaves == []
