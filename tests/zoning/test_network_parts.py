"""With the sites fixed, the network model splits into one zoning per school year
(zoning.network_parts): the parts, their optimum (the same as the whole model's with those
sites) and a valid bound, on the small toy of test_network_bounds; the start zones each
year on its own (zoning.network_strategy)."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from test_network_bounds import YEARS, _model, grades_network, small_ward, solved_small_ward

from zoning import network_strategy
from zoning.network_model import start_vector
from zoning.network_parts import (
    fixed_columns,
    model_parts,
    sites_free_parts,
    solve_parts,
    solve_sites_free_parts,
    tidy,
)
from zoning.network_proof import part_year
from zoning.network_strategy import lp_guided_start
from zoning.sites import NetworkOptions
from zoning.solve import solve_model


@pytest.fixture(scope="module")
def toy():
    return solved_small_ward()


def _with_sites_of(model, values):
    """The model with the z and c columns fixed to `values`' (rounded)."""
    fixed = fixed_columns(model)
    lo, hi = model.col_lo.copy(), model.col_hi.copy()
    lo[fixed] = hi[fixed] = np.round(values[fixed])
    return replace(model, col_lo=lo, col_hi=hi)


def _feasible(model, values, tol=1e-5):
    activity = model.matrix @ values
    return (activity >= model.row_lo - tol).all() and (activity <= model.row_hi + tol).all()


def test_one_part_per_school_year_each_within_its_year(toy):
    model, _exact = toy
    (b,) = model.blocks
    T = len(YEARS)
    parts = model_parts(model, fixed_columns(model))
    assert len(parts) == T
    for rows, cols in parts:
        x = cols[cols < b.n0] - b.x0  # x[p,t] at x0 + p·T + t
        cells = cols[(cols >= b.n0) & (cols < b.z0)]
        cells = np.where(cells >= b.o0, cells - b.o0, cells - b.n0)  # n and o: (j·T + t)·G + g
        years = np.concatenate([x % T, (cells // b.net.shape[3]) % T])
        assert len(np.unique(years)) == 1
        assert not fixed_columns(model)[cols].any()
        assert len(rows) > 0
    everything = np.sort(np.concatenate([c for _, c in parts]))
    assert np.array_equal(everything, np.flatnonzero(~fixed_columns(model)))


def test_parts_reach_the_optimum_of_the_sites_and_a_valid_bound(toy):
    model, exact = toy
    for start in (start_vector(model), exact.values):  # no site; the optimum's sites
        assert start is not None
        whole = solve_model(_with_sites_of(model, start).as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
        result = solve_parts(model, start, time_limit=60, mip_rel_gap=1e-9)
        assert result.parts == len(YEARS) and result.proven == len(YEARS)
        assert result.objective == pytest.approx(whole.objective, rel=1e-7)
        assert result.bound is not None and result.bound <= whole.objective + 1e-6
        assert result.bound == pytest.approx(whole.objective, rel=1e-6)
        assert result.objective <= model.objective(start) + 1e-6
        assert _feasible(model, result.values)
        assert np.array_equal(np.round(result.values[fixed_columns(model)]), np.round(start[fixed_columns(model)]))
    assert result.objective == pytest.approx(exact.objective, rel=1e-7)
    first = solve_parts(model, start_vector(model), time_limit=60, mip_rel_gap=1e-9)
    assert first.objective > exact.objective + 1.0  # the toy's site matters: no site is worse


def test_a_row_over_every_year_leaves_one_part():
    net, options = small_ward()
    model = _model(net, replace(options, max_overflow=5.0))  # Σ o ≤ Ō links every year
    assert len(model_parts(model, fixed_columns(model))) == 1


def test_the_years_before_any_site_opens_are_solved_once_for_every_plan():
    # no site may open before 2028: the 2027 part is the same whatever the sites (solved
    # beside, from no start); step 4 takes its outcome and ends where it ends alone
    net, options = small_ward(earliest=(2028, 2028, 2029, 2029))
    model = _model(net, options)
    parts = model_parts(model, fixed_columns(model))
    free = sites_free_parts(model)
    assert [part_year(model, parts[k][1]) for k in free] == [(0, 0)]
    solved = solve_sites_free_parts(model, deadline=time.perf_counter() + 60, mip_rel_gap=1e-9)
    assert set(solved) == set(free) and all(out.status == "optimal" for out in solved.values())
    exact = solve_model(model.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    for start in (start_vector(model), exact.values):  # no site; the optimum's sites
        alone = solve_parts(model, start, time_limit=60, mip_rel_gap=1e-9)
        shared = solve_parts(model, start, time_limit=60, mip_rel_gap=1e-9, elsewhere=free, collect=lambda: solved)
        assert shared.objective == pytest.approx(alone.objective, rel=1e-7)
        assert shared.bound == pytest.approx(alone.bound, rel=1e-7)
        assert shared.proven == alone.proven == len(parts)
        (k,) = free
        assert shared.per_part[k][1] == pytest.approx(solved[k].objective, rel=1e-7)  # the same in both plans
        assert _feasible(model, shared.values)
    # a part given by no one keeps the start's zoning, and leaves no bound
    start = start_vector(model)
    missing = solve_parts(model, start, time_limit=60, mip_rel_gap=1e-9, elsewhere=free, collect=dict)
    cols = parts[free[0]][1]
    assert missing.bound is None and np.array_equal(missing.values[cols], start[cols])
    # a site that may open in the first year: no part is free of the sites
    assert sites_free_parts(_model(*small_ward())) == []


def test_no_time_leaves_the_start_and_no_bound(toy):
    model, _exact = toy
    start = start_vector(model)
    result = solve_parts(model, start, time_limit=0.0)
    assert result.bound is None and result.proven == 0
    assert np.array_equal(result.values, start)


def test_the_start_zones_each_year_on_its_own(monkeypatch):
    monkeypatch.setattr(network_strategy, "ZONE_EACH_YEAR", True)
    # A (2 rooms: one class of 35 per grade) near q0 and q1; B (4 rooms) far. q1 fits at A
    # beside q0 in 2027 and 2028, not in 2029 (40 pupils per grade): one zoning for the three
    # years would send q1 to B every year; the model's optimum moves it in 2029 only
    pupils = {"q0": [(20, 20)] * 3, "q1": [(10, 10), (10, 10), (20, 20)]}
    net = grades_network(pupils, {"q0": 100.0, "q1": 400.0}, {"A": (0.0, 2), "B": (1000.0, 4)}, {}, None)
    model = _model(net, NetworkOptions(distance_penalty=0.0))
    (b,) = model.blocks
    lp = solve_model(model.as_matrix_model(), relax=True)
    start = lp_guided_start(model, lp.values, 10.0)
    assert start is not None
    exact = solve_model(model.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert model.objective(start) == pytest.approx(exact.objective, rel=1e-7)
    T = len(YEARS)
    x = start[b.x0 : b.n0].reshape(-1, T)
    q1_at = {
        str(net.school_ids[s]): x[p]
        for p, (q, s) in enumerate(zip(b.pair_quarter, b.pair_school, strict=True))
        if q == 1
    }
    assert q1_at["A"].tolist() == [1.0, 1.0, 0.0] and q1_at["B"].tolist() == [0.0, 0.0, 1.0]
    # the cost of each year's zones (used to keep last year's when they cost less) adds up
    school = np.full((2, T), -1)
    taken = np.nonzero(x > 0.5)
    school[b.pair_quarter[taken[0]], taken[1]] = b.pair_school[taken[0]]
    index = np.full((2, 2), -1)
    index[b.pair_quarter, b.pair_school] = np.arange(len(b.pair_quarter))
    years = [network_strategy._year_cost(model, b, net.zoning, index, school[:, t], t) for t in range(T)]
    assert sum(years) == pytest.approx(model.objective(start), rel=1e-9)
    moved = school[:, 2].copy()
    moved[1] = list(net.school_ids).index("A")  # q1 at A in 2029: 5 pupils per grade over capacity
    assert network_strategy._year_cost(model, b, net.zoning, index, moved, 2) > years[2] + 5 * b.penalty


@pytest.mark.parametrize(("engine", "min_pairs", "used"), [(True, 0, True), (False, 0, False), (True, None, False)])
def test_a_level_with_several_grades_is_zoned_by_the_engine_after_the_site_search(engine, min_pairs, used, monkeypatch):
    # small_ward has two grades: with the site search's LP zones at hand, the start still zones
    # each year by the zoning engine (ENGINE_FOR_GRADES), else from the LP's zones — also when
    # the level has fewer quarter–school pairs than ENGINE_MIN_PAIRS (its 24 are far fewer than
    # the default); either way a feasible start no worse than the nearest-school one
    monkeypatch.setattr(network_strategy, "ENGINE_FOR_GRADES", engine)
    if min_pairs is not None:
        monkeypatch.setattr(network_strategy, "ENGINE_MIN_PAIRS", min_pairs)
    zoned: list[tuple[int, int]] = []
    engine_zoning = network_strategy.solve_problem

    def counted(phase, **kwargs):
        zoned.append((len(phase.school_years), phase.shape[3]))
        return engine_zoning(phase, **kwargs)

    monkeypatch.setattr(network_strategy, "solve_problem", counted)
    net, options = small_ward()
    model = _model(net, options)
    lp = solve_model(model.as_matrix_model(), relax=True)
    start = lp_guided_start(model, lp.values, 1.5, search_seconds=2.0)
    assert start is not None and _feasible(model, start)
    assert model.objective(start) <= model.objective(start_vector(model)) + 1e-6
    if used:
        assert zoned == [(1, 2)] * len(YEARS)  # each year on its own, both grades
    else:
        assert zoned == []


def test_tidy_rounds_whole_columns_and_recomputes_the_overflow(toy):
    model, exact = toy
    noisy = exact.values.copy()
    noisy[model.integer] += np.where(np.round(noisy[model.integer]) > 0, -3e-7, 3e-7)
    (b,) = model.blocks
    noisy[b.o0 : b.z0] += 2.0  # overflow beyond what the seats need
    clean = tidy(model, noisy)
    assert np.array_equal(clean[model.integer], np.round(clean[model.integer]))
    assert _feasible(model, clean, tol=1e-9)
    assert model.objective(clean) == pytest.approx(model.objective(exact.values), rel=1e-9)


def test_whole_sites_step_keeps_a_feasible_start_no_worse_and_a_valid_bound(toy, monkeypatch):
    model, exact = toy
    monkeypatch.setattr(network_strategy, "WHOLE_SITES_SHARE", 0.5)
    start = start_vector(model)  # no site open: the relaxation's sites are better
    steps: dict = {}
    better, bound = network_strategy._whole_sites_step(model, start, 20.0, 1e-9, steps)
    assert _feasible(model, better)
    assert model.objective(better) < model.objective(start)
    assert bound is not None and bound <= exact.objective + 1e-6
    assert steps["whole_sites_start"] == pytest.approx(model.objective(better))
