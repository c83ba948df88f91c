"""Step 4a of the network strategy (zoning.network_chains.chain_years): each level-year zoning
of a plan with several grades, its sites fixed, improved by the zoning engine's repair and
ejection chains; on the small two-grade toy of test_network_bounds."""

from __future__ import annotations

import time
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from test_network_bounds import YEARS, solved_small_ward

from zoning import network_chains, network_strategy
from zoning.network_chains import block_zoning, chain_years
from zoning.network_parts import fixed_columns, model_parts


@pytest.fixture(scope="module")
def toy():
    return solved_small_ward()


def _feasible(model, values, tol=1e-6):
    activity = model.matrix @ values
    return bool((activity >= model.row_lo - tol).all() and (activity <= model.row_hi + tol).all())


def _farthest(model, values):
    """`values` with every quarter at its farthest open school each year (the sites kept),
    classes and overflow recounted: a feasible plan a single move improves."""
    (b,) = model.blocks
    net, zp = b.net, b.net.zoning
    n, m, T, _G = zp.shape
    n_opt = len(net.option_school)
    z = np.round(values[b.z0 : b.z0 + n_opt * T]).reshape(n_opt, T)
    option_rooms = np.zeros((m, T))
    np.add.at(option_rooms, net.option_school, z * net.option_rooms[:, None])
    open_ = (option_rooms > 0) | (net.kind != "candidate")[:, None]  # (m, T)
    index = np.full((n, m), -1)
    index[b.pair_quarter, b.pair_school] = np.arange(len(b.pair_quarter))
    metres = np.where(index[:, :, None] >= 0, zp.distance[:, :, None], -np.inf)  # (n, m, 1)
    metres = np.where(open_[None, :, :], metres, -np.inf)  # (n, m, T)
    school_of = np.argmax(metres, axis=1)  # (n, T)
    plan = values.copy()
    plan[b.x0 : b.z0] = block_zoning(b, replace(zp, rooms=zp.rooms + option_rooms), index, school_of)
    return plan, school_of


def test_chains_improve_a_poor_zoning_of_the_sites_keep_them_and_stay_feasible(toy):
    model, exact = toy
    plan, school_of = _farthest(model, exact.values)
    assert _feasible(model, plan)
    assert model.objective(plan) > exact.objective + 1.0  # the farthest schools cost more
    better, stats = chain_years(model, plan, deadline=np.inf, engine=False)
    assert stats["years"] == len(YEARS)
    assert stats["improved"] >= 1 and stats["gain"] > 0
    assert model.objective(better) == pytest.approx(model.objective(plan) - stats["gain"])
    assert model.objective(better) >= exact.objective - 1e-6  # never below the optimum
    assert _feasible(model, better)
    fixed = fixed_columns(model)
    assert np.array_equal(better[fixed], plan[fixed])  # the sites are the plan's
    (b,) = model.blocks
    T = len(YEARS)
    x = better[b.x0 : b.n0].reshape(-1, T)
    assert np.array_equal(x.sum(axis=0), np.full(T, b.net.shape[0]))  # every quarter served once each year
    assert set(np.unique(x)) <= {0.0, 1.0}  # whole quarters
    # each year's part moved by itself: the parts' costs sum to the plan's (no column outside a part changed)
    parts = model_parts(model, fixed)
    assert sum(model.cost[c] @ better[c] for _, c in parts) + model.cost[fixed] @ better[fixed] == pytest.approx(
        model.objective(better)
    )


def test_chains_never_worsen_the_optimum_and_skip_small_levels(toy):
    model, exact = toy
    kept, stats = chain_years(model, exact.values, deadline=np.inf, engine=False)
    assert model.objective(kept) == pytest.approx(exact.objective, rel=1e-9)
    assert _feasible(model, kept)
    plan, _ = _farthest(model, exact.values)
    (b,) = model.blocks
    same, stats = chain_years(model, plan, deadline=np.inf, min_pairs=len(b.pair_quarter) + 1)
    assert stats["years"] == 0 and np.array_equal(same, plan)
    same, stats = chain_years(model, plan, deadline=0.0)  # no time: the plan as it was
    assert stats["improved"] == 0 and np.array_equal(same, plan)


def test_the_engine_pass_keeps_the_plan_feasible_and_no_worse(toy, monkeypatch):
    model, exact = toy
    plan, _ = _farthest(model, exact.values)
    chained, _ = chain_years(model, plan, deadline=np.inf, engine=False)
    monkeypatch.setattr(network_chains, "ENGINE_YEAR_SECONDS", 0.3)
    monkeypatch.setattr(network_chains, "ENGINE_MIN_SECONDS", 0.1)
    both, stats = chain_years(model, plan, deadline=time.perf_counter() + 60.0)
    assert stats["engine_years"] == len(YEARS)  # every year, by how open its LP leaves it
    assert model.objective(both) <= model.objective(chained) + 1e-6
    assert model.objective(both) >= exact.objective - 1e-6
    assert _feasible(model, both)
    fixed = fixed_columns(model)
    assert np.array_equal(both[fixed], plan[fixed])


def test_choices_read_whole_quarters_and_refuse_split_ones():
    values = np.zeros(6)
    zoning = SimpleNamespace(n_pairs=6, pair_quarter=np.array([0, 0, 1, 1, 2, 2]))
    values[[1, 2, 5]] = 1.0
    assert network_chains._choices(zoning, values).tolist() == [1, 2, 5]
    values[0] = 1.0  # quarter 0 at two schools
    assert network_chains._choices(zoning, values) is None
    assert network_chains._choices(zoning, None) is None


def test_chains_step_runs_only_with_several_grades_and_short_parts(toy, monkeypatch):
    model, _exact = toy
    (b,) = model.blocks
    assert not network_strategy._chains_wanted(model, 0.1, len(YEARS), proof=False)  # a small level: HiGHS alone
    monkeypatch.setattr(network_strategy, "ENGINE_MIN_PAIRS", len(b.pair_quarter))
    n_parts = len(YEARS)
    per_part = network_strategy.CHAINS_UNTIL_SECONDS
    assert network_strategy._chains_wanted(model, 0.5 * per_part * n_parts, n_parts, proof=False)
    # with more time a part, step 3's start had the engine's time: no step 4a
    assert not network_strategy._chains_wanted(model, 1.5 * per_part * n_parts, n_parts, proof=False)
    columns = network_strategy.COLUMNS_FROM_SECONDS
    assert not network_strategy._chains_wanted(model, columns * n_parts, n_parts, proof=False)  # columns' path
    monkeypatch.setattr(
        network_strategy, "CHAINS_UNTIL_SECONDS", 2 * columns
    )  # a higher gate: the columns keep their path
    assert network_strategy._chains_wanted(model, 0.5 * columns * n_parts, n_parts, proof=False)
    assert not network_strategy._chains_wanted(model, columns * n_parts, n_parts, proof=False)
    assert not network_strategy._chains_wanted(model, 0.1, n_parts, proof=True)  # step 4b's path
    one_grade = replace(b, net=replace(b.net, zoning=replace(b.net.zoning, grades=b.net.zoning.grades[:1])))
    assert not network_strategy._chains_wanted(replace(model, blocks=(one_grade,)), 0.1, n_parts, proof=False)
