"""Column generation over school patterns on one level-year part (zoning.part_columns), on the
two-grade toy of test_network_bounds with the optimum's sites fixed: the schools and linking
rows, a valid Dantzig–Wolfe bound between the LP and the optimum, cuts and fixings that keep the
optimum, and the part proven at HiGHS's optimum."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from small_ward_parts import exact_parts
from test_network_bounds import YEARS

from zoning.part_columns import column_bound, fixed_pairs, lagrangian_cuts, part_schools, prove_part
from zoning.solve import solve_model


@pytest.fixture(scope="module")
def parts():
    """(part model, its schools, a feasible start, HiGHS's optimum, its LP value) per year."""
    model, _exact, exact = exact_parts()
    out = []
    for cols, part, best in exact:
        lp = solve_model(part.as_matrix_model(), time_limit=60, relax=True)
        assert lp.objective is not None
        # a worse feasible start: the part's zoning with the travel costs reversed
        schools = part_schools(model, cols, part)
        far = replace(part, cost=np.where(schools.quarter >= 0, -part.cost, part.cost))
        worst = solve_model(far.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
        assert worst.values is not None
        start = worst.values
        assert part.objective(start) > best.objective
        out.append((model, cols, part, schools, start, best, lp.objective))
    assert len(out) == len(YEARS)
    return out


def test_each_x_column_has_its_quarter_row_and_every_column_a_school(parts):
    for model, cols, part, schools, _start, _best, _lp in parts:
        (b,) = model.blocks
        x = schools.quarter >= 0
        assert np.array_equal(x, cols < b.n0)  # exactly the x columns sit on a linking row
        n_quarters = b.net.shape[0]
        assert len(schools.linking) == n_quarters  # one Σ_j x[i,j] = 1 row per quarter
        assert (part.row_lo[schools.linking] == 1).all() and (part.row_hi[schools.linking] == 1).all()
        pair_school = b.pair_school[(cols[x] - b.x0) // len(YEARS)]
        # the same school index ⇔ the same school column of the block
        for j in np.unique(schools.school[x]):
            assert len(np.unique(pair_school[schools.school[x] == j])) == 1
        assert schools.schools == len(b.net.school_ids)


def test_the_bound_lies_between_the_lp_and_the_optimum(parts):
    for _m, _cols, part, schools, start, best, lp in parts:
        root, _pieces, _master = column_bound(part, schools, start, deadline=time.perf_counter() + 30)
        assert lp - 1e-6 * abs(lp) <= root.bound <= best.objective + 1e-6 * abs(best.objective)
        assert root.bound <= root.master + 1e-6 * abs(root.master)
        assert root.relaxed_bound <= root.bound + 1e-6 * abs(root.bound)


def test_no_time_still_gives_a_bound(parts):
    _model_, _cols, part, schools, start, best, _lp = parts[-1]
    root, _pieces, _master = column_bound(part, schools, start, deadline=time.perf_counter() - 1)
    assert root.bound <= best.objective + 1e-6


def test_cuts_hold_at_the_optimum_and_fixing_keeps_it(parts):
    for _m, _cols, part, schools, start, best, _lp in parts:
        root, pieces, _master = column_bound(part, schools, start, deadline=time.perf_counter() + 30)
        cuts, lower = lagrangian_cuts(part, schools, root)
        assert cuts.shape == (schools.schools, len(part.cost))
        assert (cuts @ best.values >= lower - 1e-6).all()
        # their sum with the linking rows gives c·v ≥ θ at any zoning
        assert best.objective >= root.bound - 1e-6 * abs(root.bound)
        fixed = fixed_pairs(part, schools, root, pieces, best.objective)
        assert not (best.values[fixed] > 0.5).any()
        # below θ nothing is left: every free pair is fixed
        everything = fixed_pairs(part, schools, root, pieces, root.bound - 1e9)
        free_x = (schools.quarter >= 0) & (part.col_hi > 0) & (part.col_lo <= 0)
        assert everything.sum() > 0 and everything.sum() <= free_x.sum()


@pytest.mark.parametrize("first_slice", [0.0, 0.05])  # the column generation; HiGHS's slice first
def test_prove_part_reaches_the_optimum_with_a_valid_bound(parts, first_slice):
    for _m, _cols, part, schools, start, best, _lp in parts:
        proof = prove_part(part, schools, start, time_limit=30, first_slice=first_slice)
        assert proof.status == "optimal"
        assert (proof.root is None) == (first_slice > 0)  # the toy's parts are easy for HiGHS
        assert proof.objective == pytest.approx(best.objective, rel=1e-4)
        assert proof.bound <= best.objective + 1e-6 * abs(best.objective)
        activity = part.matrix @ proof.values
        assert (activity >= part.row_lo - 1e-5).all() and (activity <= part.row_hi + 1e-5).all()


@pytest.fixture(scope="module")
def held(parts):
    """The last year's part with one pair the optimum does not use held (x ≥ 1: a must pair):
    (part, schools, the pair's column, HiGHS's optimum of it)."""
    _m, _cols, part, schools, _start, best, _lp = parts[-1]
    x = (schools.quarter >= 0) & (part.col_hi > 0)
    away = np.flatnonzero(x & (best.values < 0.5))  # pairs the optimum does not use
    pair = away[np.argmin(part.cost[away])]
    lo = part.col_lo.astype(float).copy()
    lo[pair] = 1.0
    must = replace(part, col_lo=lo)
    exact = solve_model(must.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert exact.status == "optimal" and exact.values is not None and exact.objective is not None
    assert exact.objective > best.objective  # the pair costs something
    return must, schools, pair, exact


def test_a_quarter_held_at_another_school_stays_there(held):
    """A must pair (x ≥ 1) leaves its school no empty pattern: the proof keeps the pair and
    reaches HiGHS's optimum with it."""
    must, schools, pair, exact = held
    proof = prove_part(must, schools, exact.values, time_limit=30, first_slice=0.0)
    assert proof.status == "optimal"
    assert proof.objective == pytest.approx(exact.objective, rel=1e-4)
    assert proof.bound <= exact.objective + 1e-6 * abs(exact.objective)
    assert proof.values[pair] > 0.5
    assert (proof.values >= must.col_lo - 1e-6).all()


def test_a_school_with_a_held_quarter_gets_no_empty_pattern(held):
    """Every pattern the master holds keeps the part's bounds: the school holding a quarter
    (x ≥ 1) has no empty pattern, the others have one."""
    must, schools, pair, exact = held
    _root, pieces, master = column_bound(must, schools, exact.values, deadline=time.perf_counter() + 30)
    for j, _cost, values, _fractional in master.columns:
        piece = pieces[j]
        assert (values >= piece.lo - 1e-6).all() and (values <= piece.hi + 1e-6).all()
    empty = {j for j, _c, values, _f in master.columns if not (values[pieces[j].x] > 1e-9).any()}
    assert int(schools.school[pair]) not in empty
    assert empty  # the other schools keep their empty pattern
