"""The proof over every site choice (zoning.network_proof): a branch-and-bound on each level's
sites bounded by the LP, then the parts' MIPs. Hand-checked toys where the best sites differ
from the given plan's, and the invariant bound ≤ the optimum found by brute force."""

from __future__ import annotations

import time

import numpy as np
import pytest
from test_network_bounds import _model, small_ward
from test_network_site_search import two_sites

from zoning.model import is_feasible
from zoning.network_proof import sites_proof
from zoning.network_sites import budget_prices, solve_lp
from zoning.network_strategy import solve_network_model
from zoning.sites import NetworkOptions
from zoning.solve import solve_model


def _prices(model):
    _lp, duals = solve_lp(model, time_limit=30)
    return budget_prices(model, duals)


def test_proof_finds_and_proves_two_small_sites_from_a_worse_plan_hand_checked():
    # two_sites: the plan "K with 2 rooms" costs 70,000 pupil-m; within 20 bn VND the best is
    # K and H with 1 room each (35,000): the proof must list it, solve it and prove it.
    model = two_sites()
    proof = sites_proof(model, 70_000.0, _prices(model), deadline=time.perf_counter() + 60, mip_rel_gap=1e-6)
    assert proof is not None and proof.proven
    assert proof.values is not None and is_feasible(model, proof.values)
    assert model.objective(proof.values) == pytest.approx(35_000, abs=50)
    assert model.objective(proof.values) * (1 - 1e-6) - 1e-6 <= proof.bound <= model.objective(proof.values) + 1e-6
    net = model.blocks[0].net
    T = net.shape[2]
    z = proof.values[model.blocks[0].z0 : model.blocks[0].z0 + len(net.option_school) * T].reshape(-1, T)[:, -1]
    opened = sorted((str(net.school_ids[net.option_school[o]]), int(net.option_rooms[o])) for o in np.flatnonzero(z))
    assert opened == [("H", 1), ("K", 1)]


def test_budget_for_one_site_proves_the_given_plan_hand_checked():
    # 14 bn VND, one site only: K or H with 2 rooms, 70,000 each (A: q0, q1 = 35·1,000; the
    # site: q2, q3 = 35·1,000); with 1 room 35 pupils have no seat. The plan K2 is proven as given.
    model = two_sites(budget=14e9)
    proof = sites_proof(model, 70_000.0, _prices(model), deadline=time.perf_counter() + 60, mip_rel_gap=1e-6)
    assert proof is not None and proof.proven and proof.values is None  # nothing strictly better
    assert 70_000 * (1 - 1e-6) - 50 <= proof.bound <= 70_000 + 50


def test_bound_is_never_above_the_brute_force_optimum_and_proves_it():
    # small_ward: two grades, three years, two sites with two options each and a budget for
    # one small site; the exact optimum of the whole MIP (HiGHS to 1e-9).
    net, options = small_ward()
    model = _model(net, options)
    exact = solve_model(model.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert exact.status == "optimal"
    best = exact.objective
    for upper in (best * 1.2, best):
        proof = sites_proof(model, upper, _prices(model), deadline=time.perf_counter() + 60, mip_rel_gap=1e-6)
        assert proof is not None and proof.proven
        assert proof.bound <= best * (1 + 1e-7) + 1e-6
        assert proof.bound >= best * (1 - 2e-6) - 1e-6
    # from the worse plan, the optimum itself is found
    proof = sites_proof(model, best * 1.2, _prices(model), deadline=time.perf_counter() + 60, mip_rel_gap=1e-6)
    assert proof.values is not None and is_feasible(model, proof.values)
    assert model.objective(proof.values) == pytest.approx(best, rel=1e-6)


def test_a_proof_out_of_time_gives_no_bound_and_closures_are_not_handled():
    model = two_sites()
    late = sites_proof(model, 70_000.0, _prices(model), deadline=time.perf_counter() - 1, mip_rel_gap=1e-6)
    assert late is not None and late.bound is None and not late.proven
    net, options = small_ward()
    closing = _model(net, NetworkOptions(budget=options.budget, min_closed=1, distance_penalty=0.0))
    assert sites_proof(closing, 1e9, (0.0, 0.0), deadline=time.perf_counter() + 10, mip_rel_gap=1e-6) is None


def test_strategy_proves_the_plan_by_the_sites_and_skips_the_whole_mip():
    # two years, one grade: the model splits into parts, so step 4 and then the proof run
    model = two_sites(years=(2027, 2028))
    outcome, steps = solve_network_model(model, time_limit=30, mip_rel_gap=1e-4)
    assert steps["sites_proof"]["proven"]
    assert outcome.status == "optimal" and outcome.solver_status == "proven by the sites' branch-and-bound"
    assert outcome.objective == pytest.approx(2 * 35_000, abs=100)
    assert outcome.bound <= outcome.objective + 1e-6
    assert outcome.objective - outcome.bound <= 1e-4 * outcome.objective


def test_a_listing_made_beside_from_a_worse_plan_gives_the_same_proof(monkeypatch):
    # step 1 made in a forked child from the start's value (a larger target: a superset of
    # configurations, filtered by the final plan's), as the strategy does beside step 4; the
    # child lists smaller targets first, and the strategy takes the first at or above its own
    from zoning import network_proof
    from zoning.network_proof import ListingBeside, list_configurations

    net, options = small_ward()
    model = _model(net, options)
    exact = solve_model(model.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    prices = _prices(model)
    deadline = time.perf_counter() + 60
    loose = list_configurations(model, prices, 1.3 * exact.objective, deadline=deadline)
    tight = list_configurations(model, prices, exact.objective, deadline=deadline)
    assert loose is not None and tight is not None
    for wide, narrow in zip(loose.lists, tight.lists, strict=True):
        assert {c for c, *_ in narrow} <= {c for c, *_ in wide}  # every configuration kept
    monkeypatch.setattr(network_proof, "LISTING_RUNGS", (0.2, 0.1))  # 1.04, 1.17, then 1.3 × the optimum
    top = ListingBeside(model, prices, 1.3 * exact.objective, deadline=deadline).finish(1.2 * exact.objective)
    assert top is not None and top.target == pytest.approx(1.3 * exact.objective)
    assert [[c for c, *_ in level] for level in top.lists] == [[c for c, *_ in level] for level in loose.lists]
    beside = ListingBeside(model, prices, 1.3 * exact.objective, deadline=deadline).finish(exact.objective)
    assert beside is not None and beside.target == pytest.approx(1.3 * 0.8 * exact.objective)
    alone = sites_proof(model, exact.objective, prices, deadline=deadline, mip_rel_gap=1e-6)
    for listing in (top, beside):
        given = sites_proof(model, exact.objective, prices, deadline=deadline, mip_rel_gap=1e-6, listing=listing)
        assert alone is not None and given is not None and alone.proven and given.proven
        assert given.bound == pytest.approx(alone.bound, rel=1e-9)
        assert given.configurations == alone.configurations  # the same configurations after filtering


def test_a_ladder_of_targets_reports_each_listing_as_if_made_alone():
    from zoning.network_proof import list_configurations

    net, options = small_ward()
    model = _model(net, options)
    prices = _prices(model)
    deadline = time.perf_counter() + 60
    first = list_configurations(model, prices, 0.0, deadline=deadline)  # lists nothing; gives min g_l
    assert first is not None and first.lists == ((),)
    g = first.best[0]
    reported: list = []
    last = list_configurations(
        model, prices, 1.3 * g, deadline=deadline, below=(1.1 * g, 1.01 * g, 2 * g), report=reported.append
    )
    assert [r.target for r in reported] == pytest.approx([1.01 * g, 1.1 * g, 1.3 * g])  # 2g is above: ignored
    assert last is reported[-1]
    counts = []
    for listing in reported:
        alone = list_configurations(model, prices, listing.target, deadline=deadline)
        assert alone is not None and alone.best == pytest.approx(listing.best)
        for mine, its in zip(listing.lists, alone.lists, strict=True):
            assert {c for c, *_ in mine} == {c for c, *_ in its}
        counts.append(sum(len(level) for level in listing.lists))
    assert counts == sorted(counts) and counts[0] < counts[-1]  # a larger target lists more


def test_the_year_before_any_site_is_solved_beside_and_the_plan_is_still_proven(monkeypatch):
    # sites from 2028 only: the 2027 zoning is the same in every plan, solved in a child from
    # the first second; the strategy proves the same optimum as the whole MIP, with or without
    import multiprocessing

    from zoning import network_strategy
    from zoning.network_parts import sites_free_parts

    model = two_sites(years=(2027, 2028, 2029), earliest=2028)
    assert len(sites_free_parts(model)) == 1
    exact = solve_model(model.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    outcome, steps = solve_network_model(model, time_limit=30, mip_rel_gap=1e-4)
    assert steps["parts_beside"] == 1 and steps["sites_proof"]["proven"]
    assert outcome.status == "optimal" and outcome.objective == pytest.approx(exact.objective, rel=1e-4)
    assert not multiprocessing.active_children()
    monkeypatch.setattr(network_strategy, "SITES_FREE_BESIDE", False)
    alone, alone_steps = solve_network_model(model, time_limit=30, mip_rel_gap=1e-4)
    assert "parts_beside" not in alone_steps and alone.status == "optimal"
    assert alone.objective == pytest.approx(outcome.objective, rel=1e-4)


@pytest.mark.parametrize("fork", [True, False])
def test_a_proof_made_while_the_listing_grows_is_the_proof_made_after_it(fork, monkeypatch):
    # the listing child reports smaller targets first; meanwhile the proof's loop solves the
    # part MIPs they call for, kept for the proof of the plan: the same bound, the same verdict
    from zoning import beside as forking
    from zoning import network_proof
    from zoning.network_proof import ListingBeside, _Parts

    if not fork:
        monkeypatch.setattr(forking, "fork_available", lambda: False)
    net, options = small_ward()
    model = _model(net, options)
    best = solve_model(model.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9).objective
    prices = _prices(model)
    deadline = time.perf_counter() + 60
    alone = sites_proof(model, 1.2 * best, prices, deadline=deadline, mip_rel_gap=1e-6)
    monkeypatch.setattr(network_proof, "LISTING_RUNGS", (0.4, 0.3, 0.2, 0.1))
    beside = ListingBeside(model, prices, 1.3 * best, deadline=deadline)
    proof = beside.prove(1.2 * best, deadline=deadline, mip_rel_gap=1e-6)
    assert alone is not None and proof is not None and alone.proven and proof.proven
    assert proof.bound == pytest.approx(alone.bound, rel=1e-9)
    assert proof.values is not None and model.objective(proof.values) == pytest.approx(best, rel=1e-6)
    # the parts a first proof solved are not solved again by a second one given them
    cache = _Parts(model, network_proof.PART_GAP_SHARE * 1e-6)
    first = sites_proof(model, 1.2 * best, prices, deadline=deadline, mip_rel_gap=1e-6, parts=cache)
    again = sites_proof(model, 1.2 * best, prices, deadline=deadline, mip_rel_gap=1e-6, parts=cache)
    assert first is not None and again is not None and first.part_mips > 0
    assert again.part_mips == first.part_mips  # the cache's, none added
    assert again.bound == pytest.approx(first.bound, rel=1e-9) and again.proven
    assert again.values is not None and model.objective(again.values) == pytest.approx(best, rel=1e-6)
    # stopped before its first part MIP, a proof solves none and proves nothing
    stopped = sites_proof(model, 1.2 * best, prices, deadline=deadline, mip_rel_gap=1e-6, stop=lambda: True)
    assert stopped is not None and stopped.part_mips == 0 and not stopped.proven
