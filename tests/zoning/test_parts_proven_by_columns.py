"""Step 4 of the network strategy with the parts of several grades proven by column generation
(zoning.network_parts.solve_parts(columns_from=…), zoning.part_columns.prove_part), on the
two-grade toy of test_network_bounds: the same optimum as HiGHS's per part, the threshold
honoured (below it, HiGHS alone; one grade never), a deadline honoured, and the invariants."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from small_ward_parts import exact_parts
from test_network_bounds import YEARS
from test_network_site_search import two_sites

from zoning import network_parts, network_strategy
from zoning.model import is_feasible
from zoning.network_parts import column_schools, fixed_columns, model_parts, part_model, solve_parts
from zoning.network_strategy import solve_network_model
from zoning.part_columns import part_schools, prove_part
from zoning.solve import solve_model


@pytest.fixture(scope="module")
def toy():
    """(model, the exact optimum's full vector, per part: HiGHS's proven optimum with its sites)."""
    model, optimum, parts = exact_parts()
    return model, optimum, [best.objective for _cols, _part, best in parts]


def _served_once_and_seated(model, values):
    """Every quarter served once each year (Σ_j x = 1), every row (seats with the overflow o,
    rooms) within its bounds, the integer columns whole."""
    (b,) = model.blocks
    n, _m, T, _G = b.net.shape
    x = values[b.x0 : b.n0].reshape(-1, T)  # x[p, t]
    served = np.zeros((n, T))
    np.add.at(served, b.pair_quarter, x)
    assert np.allclose(served, 1.0)
    assert is_feasible(model, values)
    assert np.allclose(values[model.integer], np.round(values[model.integer]))


@pytest.fixture
def no_first_pass(monkeypatch):
    """HiGHS's first pass given no time: every part of several grades goes to the column generation."""
    monkeypatch.setattr(network_parts, "FIRST_PASS_SHARE", 0.0)


def test_parts_proven_by_columns_reach_highs_optimum_of_each_part(toy, no_first_pass):
    model, optimum, optima = toy
    result = solve_parts(model, optimum, time_limit=60, mip_rel_gap=1e-6, columns_from=0.0)
    assert result.methods == ("columns",) * len(YEARS)
    assert result.statuses == ("optimal",) * len(YEARS) and result.proven == len(YEARS)
    fixed = fixed_columns(model)
    for (bound, cost), best in zip(result.per_part, optima, strict=True):
        assert cost == pytest.approx(best, rel=1e-5)
        assert bound is not None and bound <= best + 1e-6 * abs(best)
    assert result.bound is not None and result.bound <= result.objective + 1e-6
    assert result.objective == pytest.approx(float(model.cost[fixed] @ optimum[fixed]) + sum(optima), rel=1e-5)
    _served_once_and_seated(model, result.values)


def test_from_a_worse_start_the_columns_find_the_parts_optima(toy, no_first_pass):
    """From the plan without any site (start_vector's nearest schools), each part is proven at
    the optimum of those sites, the same as HiGHS alone reaches."""
    model, _optimum, _optima = toy
    from zoning.network_model import start_vector

    start = start_vector(model)
    assert start is not None
    by_highs = solve_parts(model, start, time_limit=60, mip_rel_gap=1e-6)
    by_columns = solve_parts(model, start, time_limit=60, mip_rel_gap=1e-6, columns_from=0.0)
    assert by_highs.methods == ("highs",) * len(YEARS) and by_highs.proven == len(YEARS)
    assert by_columns.methods == ("columns",) * len(YEARS) and by_columns.proven == len(YEARS)
    assert by_columns.objective == pytest.approx(by_highs.objective, rel=1e-5)
    assert by_columns.objective <= model.objective(start) + 1e-6
    _served_once_and_seated(model, by_columns.values)


def test_below_the_threshold_highs_alone(toy):
    model, optimum, _optima = toy
    for columns_from in (None, 60.0 / len(YEARS) + 1.0):  # off; above the even share of 60 s
        result = solve_parts(model, optimum, time_limit=60, mip_rel_gap=1e-6, columns_from=columns_from)
        assert result.methods == ("highs",) * len(YEARS)


def test_the_first_pass_proves_the_easy_parts_without_columns(toy):
    """The toy's parts are easy: HiGHS's first pass proves them, no column generation runs."""
    model, optimum, _optima = toy
    result = solve_parts(model, optimum, time_limit=60, mip_rel_gap=1e-6, columns_from=0.0)
    assert result.methods == ("highs",) * len(YEARS) and result.proven == len(YEARS)


def test_one_grade_is_never_solved_by_columns():
    """One grade per level (the entry grades' path): `column_schools` declines the parts, so
    step 4 keeps HiGHS alone whatever the threshold."""
    model = two_sites()
    assert all(b.net.shape[3] == 1 for b in model.blocks)
    fixed = fixed_columns(model)
    start = model.col_lo.astype(float).copy()
    shift = model.matrix[:, fixed] @ start[fixed]
    for rows, cols in model_parts(model, fixed):
        assert column_schools(model, cols, part_model(model, rows, cols, shift)) is None


def test_two_grades_are_accepted_with_the_quarter_rows_as_the_only_links(toy):
    model, optimum, _optima = toy
    fixed = fixed_columns(model)
    shift = model.matrix[:, fixed] @ np.round(optimum[fixed])
    (b,) = model.blocks
    for rows, cols in model_parts(model, fixed):
        part = part_model(model, rows, cols, shift)
        schools = column_schools(model, cols, part)
        assert schools is not None
        assert len(schools.linking) == b.net.shape[0]


def test_a_tiny_slice_keeps_a_feasible_zoning_no_worse_than_its_start_and_a_valid_bound(toy):
    """prove_part given 0.05 s (the deadline far shorter than its column bound): its zoning is
    feasible and no worse than the start, its bound at most the part's optimum; given the time,
    it is proven. The start is a poor zoning (the travel costs reversed)."""
    model, optimum, optima = toy
    fixed = fixed_columns(model)
    shift = model.matrix[:, fixed] @ np.round(optimum[fixed])
    rows, cols = model_parts(model, fixed)[-1]
    part = part_model(model, rows, cols, shift)
    schools = part_schools(model, cols, part)
    far = replace(part, cost=np.where(schools.quarter >= 0, -part.cost, part.cost))
    worst = solve_model(far.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert worst.values is not None
    start = worst.values
    assert part.objective(start) > optima[-1] * (1 + 1e-3)
    for first_slice in (0.0, 0.05):
        began = time.perf_counter()
        proof = prove_part(part, schools, start, time_limit=0.05, first_slice=first_slice)
        assert time.perf_counter() - began < 5.0  # a generous ceiling: it stops, it does not run on
        activity = part.matrix @ proof.values
        assert (activity >= part.row_lo - 1e-5).all() and (activity <= part.row_hi + 1e-5).all()
        assert proof.objective <= part.objective(start) + 1e-6
        assert proof.objective == pytest.approx(part.objective(proof.values))
        assert proof.bound <= optima[-1] + 1e-6 * abs(optima[-1])
        assert proof.status in ("optimal", "feasible")
        if proof.status == "optimal":
            assert proof.objective == pytest.approx(optima[-1], rel=1e-4)


def test_the_strategy_records_the_parts_proven_by_columns(toy, no_first_pass, monkeypatch):
    """solve_network_model above the threshold: step 4's parts by column generation, each
    proven, recorded per part with its level and year; the plan never worse than step 4's."""
    model, _optimum, _optima = toy
    monkeypatch.setattr(network_strategy, "COLUMNS_FROM_SECONDS", 0.0)
    monkeypatch.setattr(network_strategy, "CLASS_COUNT_BOUND", False)  # no child: the test's own time
    outcome, steps = solve_network_model(
        model, time_limit=6.0, mip_rel_gap=1e-6
    )  # ≈ 2 s: the margin is for a loaded machine
    detail = steps["parts_detail"]
    assert [d["method"] for d in detail] == ["columns"] * len(YEARS)
    assert [d["year"] for d in detail] == list(YEARS)
    assert all(d["level"] == "tieu_hoc" and d["status"] == "optimal" for d in detail)
    assert all(d["bound"] <= d["objective"] * (1 + 1e-6) + 1e-6 for d in detail)
    assert steps["parts_proven_by"] == {"columns": len(YEARS)} and steps["sites_fixed_proven"]
    assert outcome.objective is not None and outcome.objective <= steps["parts_objective"] + 1e-6
    assert "_parts_sites" not in steps and isinstance(steps["zoning_proven"], bool)
    assert outcome.values is not None
    _served_once_and_seated(model, outcome.values)


def test_the_strategy_below_the_threshold_keeps_highs(toy, monkeypatch):
    model, _optimum, _optima = toy
    monkeypatch.setattr(network_strategy, "COLUMNS_FROM_SECONDS", 1e6)
    monkeypatch.setattr(network_strategy, "CLASS_COUNT_BOUND", False)
    _outcome, steps = solve_network_model(model, time_limit=3.0, mip_rel_gap=1e-6)
    assert {d["method"] for d in steps["parts_detail"]} == {"highs"}


def test_on_two_cores_the_same_optima(toy, no_first_pass):
    """Every other part proven in a forked child (`beside`): the same parts' optima, each part
    once, by the column generation."""
    model, optimum, optima = toy
    result = solve_parts(model, optimum, time_limit=60, mip_rel_gap=1e-6, columns_from=0.0, beside=True)
    assert result.methods == ("columns",) * len(YEARS) and result.proven == len(YEARS)
    for (_bound, cost), best in zip(result.per_part, optima, strict=True):
        assert cost == pytest.approx(best, rel=1e-5)
    _served_once_and_seated(model, result.values)


def test_the_start_is_capped_only_when_the_columns_follow(toy):
    """Step 3's time (`_zoning_seconds`): `ZONING_SHARE` of what the site search leaves, at most
    `COLUMNS_ZONING_SECONDS` with several grades once step 4's share of what is left reaches the
    threshold; one grade (the entry grades' path) never capped."""
    model, _optimum, _optima = toy
    n = len(YEARS)
    share = (1 - network_strategy.SITE_SEARCH_SHARE) * network_strategy.ZONING_SHARE
    short = 10.0
    assert network_strategy._zoning_seconds(model, short, n) == pytest.approx(short * share)
    long = (network_strategy.COLUMNS_FROM_SECONDS * n / network_strategy.PARTS_SHARE) * 3 + 100
    assert long * share > network_strategy.COLUMNS_ZONING_SECONDS
    assert network_strategy._zoning_seconds(model, long, n) == network_strategy.COLUMNS_ZONING_SECONDS
    one_grade = two_sites()
    assert network_strategy._zoning_seconds(one_grade, long, n) == pytest.approx(long * share)
