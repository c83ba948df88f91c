"""The network's bound over every site choice by column generation (zoning.network_columns): a
hand-computed toy where it closes the LP's gap, the bound between the LP and HiGHS's optimum on
small networks (budgets, site counts, must pairs, closures, feeder groups, a must-open site and a
neighbour), equal to part_columns' bounds summed when the sites are fixed, a bound when there is
no time, and the sites' budget held by the master's and the bound's site columns."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from test_network_bounds import _model, small_ward
from test_network_lagrange import VARIANTS, exact, model_of, network, sites_ward

from zoning.network_columns import NetworkColumns, network_column_bound
from zoning.network_model import start_vector
from zoning.network_parts import fixed_columns, model_parts, part_model
from zoning.network_sites import solve_lp
from zoning.part_columns import column_bound, part_schools
from zoning.sites import NetworkOptions
from zoning.solve import solve_model


def _hand_toy(budget: float):
    """Two quarters at 0 m, each 20 pupils in lớp 1 and 20 in lớp 2; school A at 0 m with 2
    rooms (35 pupils a class, one room a class); site K at 1,000 m, one option of 2 rooms for
    10 × 10⁹ VND; one school year."""
    candidates = pd.DataFrame(
        {"site_id": ["K"], "level": "tieu_hoc", "rooms": [2], "cost": [10e9], "earliest_year": [2027]}
    )
    net = network(
        {"q0": [(20.0, 20.0)], "q1": [(20.0, 20.0)]},
        {"q0": 0.0, "q1": 0.0},
        {"A": (0.0, 2)},
        {"K": 1000.0},
        candidates,
    )
    return model_of(net, NetworkOptions(budget=budget, distance_penalty=0.0))


def _bound(model, seconds: float = 20.0, **kwargs):
    return network_column_bound(model, deadline=time.perf_counter() + seconds, start=start_vector(model), **kwargs)


def test_hand_computed_toy_the_bound_closes_the_lp_gap() -> None:
    """Budget for K. Both quarters at A: 40 pupils a grade in 2 rooms, at best one class of 35
    per grade, 10 pupils over capacity (10·M, M ≥ 200 km a pupil). Optimum: one quarter to K,
    40 pupils × 1,000 m + the tie-break 10⁻⁴ × 1,000 + ε·cost = 10⁻⁹ × 10¹⁰: 40,010.1. The LP
    sends only the 10 pupils over capacity to K, an eighth of each quarter (x ≤ z), in 2 × 5/35
    of a class, so K is open z = 1/7 (its rooms): 10,000 + 0.025 + 10/7 = 10,001.4536. Every
    pattern has whole quarters: the master pays 40,000·z + 10·M·(1 − z) for a quarter at K a
    fraction z, least at z = 1, so the bound is the optimum."""
    model = _hand_toy(budget=10e9)
    assert exact(model) == pytest.approx(40_010.1, rel=1e-9)
    lp, _duals = solve_lp(model, time_limit=10)
    assert lp.objective == pytest.approx(10_000.025 + 10 / 7, rel=1e-9)
    result = _bound(model)
    assert result.lp == pytest.approx(10_000.025 + 10 / 7, rel=1e-9)
    assert result.bound == pytest.approx(40_010.1, rel=1e-6)
    assert result.dantzig_wolfe == pytest.approx(40_010.1, rel=1e-6)


def test_hand_computed_toy_without_the_budget_keeps_the_overflow() -> None:
    """Budget below K's cost: both quarters at A, 10 pupils over capacity whatever is split, so
    the LP, the optimum and the bound are all 10·M."""
    model = _hand_toy(budget=5e9)
    M = model.blocks[0].penalty
    assert exact(model) == pytest.approx(10 * M, rel=1e-9)
    result = _bound(model)
    assert result.bound == pytest.approx(10 * M, rel=1e-6)
    assert result.sites[model.blocks[0].z0] == 0.0  # K shut in the bound's sites


CASES = [("money", 1), ("money", 4), ("sites", 4), ("must pair at a site", 1), ("closures", 1)]


@pytest.fixture(scope="module", params=[*CASES, ("feeder, must open, neighbour", 1)], ids=str)
def case(request):
    variant, seed = request.param
    last = variant.startswith("feeder")
    options, constraints = VARIANTS[variant]
    model = model_of(sites_ward(seed, must_open=last, neighbour=last), options, constraints)
    lp, _duals = solve_lp(model, time_limit=10)
    return model, lp.objective, exact(model), _bound(model)


def test_the_bound_lies_between_the_lp_and_the_optimum(case) -> None:
    model, lp, optimum, result = case
    assert lp - 1e-6 * abs(lp) <= result.bound <= optimum + 1e-6 * abs(optimum)
    # whole sites in θ never lose to the master's own Lagrangian, which the master's LP bounds above
    assert result.dantzig_wolfe <= result.bound + 1e-6 * abs(result.bound)
    if np.isfinite(result.master):
        assert result.dantzig_wolfe <= result.master + 1e-6 * abs(result.master)
    assert [b for _s, b in result.history] == sorted(b for _s, b in result.history)


def test_the_site_rows_and_the_budget_hold_in_the_master_and_the_bound(case) -> None:
    model, _lp, _opt, result = case
    columns = NetworkColumns(model)
    rows = model.matrix[columns.site_rows]
    for z, tolerance in ((result.sites, 1e-9), (result.master_sites, 1e-6)):
        activity = rows @ z
        scale = np.maximum(np.abs(model.row_hi[columns.site_rows]), 1.0)
        assert (activity <= model.row_hi[columns.site_rows] + tolerance * scale).all()
        assert (activity >= model.row_lo[columns.site_rows] - tolerance * scale).all()
        budget = model.options.budget
        if budget is not None:
            b = model.blocks[0]
            T = b.net.shape[2]
            last = b.z0 + np.arange(len(b.net.option_school)) * T + T - 1
            assert float(b.net.option_cost @ z[last]) <= budget * (1 + tolerance)
    assert (np.abs(result.sites - np.round(result.sites)) < 1e-9).all()  # whole sites in θ


def test_no_time_still_gives_a_bound(case) -> None:
    model, lp, optimum, _result = case
    result = network_column_bound(model, deadline=time.perf_counter() - 1.0)
    assert result.bound == pytest.approx(lp, rel=1e-9)  # the LP's value stands
    short = network_column_bound(model, deadline=time.perf_counter() + 0.2)
    assert lp - 1e-6 * abs(lp) <= short.bound <= optimum + 1e-6 * abs(optimum)


@pytest.mark.parametrize("sites", ["optimal", "none"])
def test_with_the_sites_fixed_it_is_the_parts_column_bounds_summed(sites: str) -> None:
    net, options = small_ward()
    model = _model(net, options)
    best = solve_model(model.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert best.values is not None
    fixed = fixed_columns(model)
    values = np.round(best.values[fixed]) if sites == "optimal" else np.zeros(int(fixed.sum()))
    lo, hi = model.col_lo.astype(float).copy(), model.col_hi.astype(float).copy()
    lo[fixed], hi[fixed] = values, values
    pinned = replace(model, col_lo=lo, col_hi=hi)
    result = _bound(pinned, 30.0)
    full = np.zeros(model.n_cols)
    full[fixed] = values
    shift = model.matrix @ full
    total = float(model.cost[fixed] @ values)
    for rows, cols in model_parts(model, fixed):
        part = part_model(model, rows, cols, shift)
        start = solve_model(part.as_matrix_model(), time_limit=30, mip_rel_gap=1e-9).values
        assert start is not None
        root, _pieces, _master = column_bound(
            part, part_schools(model, cols, part), start, deadline=time.perf_counter() + 30
        )
        total += root.bound
    assert result.bound == pytest.approx(total, rel=2e-4)
    assert result.dantzig_wolfe == pytest.approx(total, rel=2e-4)
