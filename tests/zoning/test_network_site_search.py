"""The site search (zoning.network_sites): the sites-fixed LP per level, the LP's prices of
the budgets, and a search that finds the best sites of a hand-checked toy where no single
move within the budget helps, never worse than its start and always within the budget."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from test_network_bounds import _model, small_ward
from test_network_sites import line_network

from zoning.model import is_feasible
from zoning.network_sites import _Search, budget_prices, improve_sites, solve_lp
from zoning.network_strategy import _choose_sites, _repaired_zones, lp_guided_start, whole_sites_relaxation
from zoning.sites import NetworkOptions
from zoning.solve import solve_model


def two_sites(budget=20e9, max_sites=None, years=(2027,), earliest=None):
    # A (2 rooms = 70 seats) at 0; q0..q3, 35 pupils each, at 0, 1,000, 2,000, 3,000 m;
    # site K at 2,000 and site H at 3,000, each 1 room (10 bn VND) or 2 rooms (14 bn VND),
    # from `earliest` (default: the first school year).
    candidates = pd.DataFrame(
        {"site_id": ["K", "K", "H", "H"], "level": "tieu_hoc", "rooms": [1, 2, 1, 2], "cost": [10e9, 14e9] * 2}
    )
    if earliest is not None:
        candidates["earliest_year"] = earliest
    net = line_network(
        {"q0": 0, "q1": 1000, "q2": 2000, "q3": 3000},
        {"A": (0, 2)},
        {"K": 2000, "H": 3000},
        dict.fromkeys(("q0", "q1", "q2", "q3"), 35),
        years=years,
        candidates=candidates,
    )
    options = NetworkOptions(budget=budget, max_sites=max_sites, distance_penalty=0.0)
    return _model(net, options)


def _option(model, site, rooms):
    net = model.blocks[0].net
    j = list(net.school_ids).index(site)
    return int(np.flatnonzero((net.option_school == j) & (net.option_rooms == rooms))[0])


def test_exchange_finds_two_small_sites_where_no_single_move_helps_hand_checked():
    # K with 2 rooms (14 bn): A takes q0, q1 (35·1,000), K q2 (0) and q3 (35·1,000) = 70,000;
    # within 20 bn no single move helps (adding H breaks the budget, K with 1 room leaves 35
    # pupils without a seat); K and H with 1 room each (20 bn): A q0, q1; K q2; H q3 = 35,000.
    model = two_sites()
    start = [(0, _option(model, "K", 2), 0)]
    found = improve_sites(model, start, time_limit=30)
    assert found.start_value == pytest.approx(70_000, abs=50)  # + tie-breaks: 1e-4 per metre, 1e-9 per VND
    assert found.value == pytest.approx(35_000, abs=50)
    assert found.chosen == sorted([(0, _option(model, "K", 1), 0), (0, _option(model, "H", 1), 0)])
    best = solve_model(whole_sites_relaxation(model).as_matrix_model(), time_limit=30, mip_rel_gap=1e-9)
    assert found.value == pytest.approx(best.objective, rel=1e-9)  # the whole-sites optimum
    (zones,) = found.zones  # the LP of those sites is whole: each quarter's school
    ids = model.blocks[0].net.school_ids
    assert [ids[j] for j in zones[:, 0]] == ["A", "A", "K", "H"]


def test_priced_search_reaches_the_same_sites():
    # priced at 1e-6 pupil-m per VND: K2 84,000 → K2 + H1 59,000 → K1 + H1 55,000 (a budget of 20 bn kept)
    model = two_sites()
    found = improve_sites(model, [(0, _option(model, "K", 2), 0)], prices=(1e-6, 0.0), time_limit=30)
    assert found.value == pytest.approx(35_000, abs=50)
    assert {o for _, o, _ in found.chosen} == {_option(model, "K", 1), _option(model, "H", 1)}


def test_search_keeps_the_number_of_sites_and_never_worsens():
    model = two_sites(budget=None, max_sites=1)  # one site: K or H with 2 rooms, 70,000 either way
    found = improve_sites(model, [(0, _option(model, "K", 2), 0)], time_limit=30)
    assert len(found.chosen) == 1
    assert found.value <= found.start_value + 1e-9
    assert found.value == pytest.approx(70_000, abs=50)


def test_lp_prices_are_the_duals_of_the_budget_rows():
    model = two_sites(budget=15e9)  # 20 bn buy the best sites (35,000 pupil-m): then money is worth nothing
    lp, duals = solve_lp(model, time_limit=30)
    plain = solve_model(model.as_matrix_model(), relax=True, time_limit=30)
    assert lp.status == "optimal" and lp.objective == pytest.approx(plain.objective, rel=1e-9)
    money, count = budget_prices(model, duals)
    assert count == 0.0 and money > 0  # the budget binds in the LP
    step = 1e8  # 0.1 bn VND more lowers the LP by λ per VND (the same basis)
    row_hi = model.row_hi.copy()
    row_hi[-1] += step  # the budget row, the last
    richer = solve_lp(replace(model, row_hi=row_hi), time_limit=30)[0]
    assert (lp.objective - richer.objective) / step == pytest.approx(money, rel=1e-6)
    sites_only = two_sites(budget=None, max_sites=1)
    lp, duals = solve_lp(sites_only, time_limit=30)
    money, count = budget_prices(sites_only, duals)
    assert money == 0.0 and count > 0
    assert budget_prices(model, None) == (0.0, 0.0)
    assert budget_prices(two_sites(budget=20e9), solve_lp(two_sites(budget=20e9), time_limit=30)[1])[0] == 0.0


def test_search_invariants_on_the_small_ward():
    # from the LP rounding: within the budget, one option per site, never worse than the start,
    # never below the whole-sites optimum (the search's value is that relaxation's at its sites)
    net, options = small_ward()
    model = _model(net, options)
    lp, duals = solve_lp(model, time_limit=30)
    start = _choose_sites(model, lp.values)
    found = improve_sites(model, start, prices=budget_prices(model, duals), time_limit=30)
    assert found.value <= found.start_value + 1e-6
    best = solve_model(whole_sites_relaxation(model).as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert best.status == "optimal" and found.value >= best.objective - 1e-6
    b = model.blocks[0]
    opened = [o for _, o, _ in found.chosen]
    assert len({int(b.net.option_school[o]) for o in opened}) == len(opened)
    assert b.net.option_cost[opened].sum() <= options.budget


def test_repaired_zones_move_the_cheapest_quarter_out_of_a_full_school():
    # A (1 room = 35 seats) at 0, B (1 room) at 3,000; q0 and q1 (35 pupils each) at 0 and
    # 1,000 both start at A: q1 moving to B costs 35·(2,000 − 1,000), q0 35·3,000: q1 moves
    net = line_network({"q0": 0, "q1": 1000}, {"A": (0, 1), "B": (3000, 1)}, {}, {"q0": 35, "q1": 35})
    phase = net.zoning
    school = _repaired_zones(phase, np.arange(2), np.array([0, 0]), 0.0, 1e6, deadline=time.perf_counter() + 5)
    assert school.tolist() == [0, 1]


def test_start_from_the_searched_sites_is_feasible_and_hand_checked():
    model = two_sites()
    lp, duals = solve_lp(model, time_limit=30)
    steps: dict = {}
    start = lp_guided_start(model, lp.values, 5.0, prices=budget_prices(model, duals), search_seconds=5.0, steps=steps)
    assert start is not None and is_feasible(model, start)
    assert model.objective(start) == pytest.approx(35_000, abs=50)  # K and H with 1 room each
    assert steps["site_search"]["to"] <= steps["site_search"]["from"]


def test_move_bound_never_exceeds_the_moves_value():
    # v_l is convex in the z bounds: v_l + rc·Δz ≤ v_l after the move, for every single move
    # from the LP rounding's sites of the small ward and from K with 2 rooms on the toy
    net, options = small_ward()
    small = _model(net, options)
    for model, chosen in (
        (small, _choose_sites(small, solve_lp(small, time_limit=30)[0].values)),
        (two_sites(), [(0, _option(two_sites(), "K", 2), 0)]),
    ):
        search = _Search(model, chosen, np.inf)
        moves = search.moves(0)
        assert moves
        for m in moves:
            exact = search.value(0, search.applied((m,))[0])
            assert search.lower(m) <= exact + 1e-6 * max(1.0, abs(exact))
    # hand-checked: from K with 2 rooms, opening H (1 room) can at best move q3 (35 pupils,
    # 1,000 m from K) to H: the bound is ≤ 70,000 − 35,000 and ≥ the LP's 35,000
    model = two_sites()
    search = _Search(model, [(0, _option(model, "K", 2), 0)], np.inf)
    h = list(model.blocks[0].net.school_ids).index("H")
    assert 34_950 <= search.lower((0, h, _option(model, "H", 1))) <= 35_050


def test_no_time_keeps_the_sites_given_and_gives_no_zones():
    model = two_sites()
    start = [(0, _option(model, "K", 2), 0)]
    found = improve_sites(model, start, time_limit=0.0)
    assert found.chosen == start and found.zones == []
    assert np.isnan(found.value) and np.isnan(found.start_value)


def test_cached_levels_recombined_within_the_budget_hand_checked():
    # the configurations solved, recombined: the best within the budget, with its exact value
    model = two_sites()
    k1, k2, h1 = _option(model, "K", 1), _option(model, "K", 2), _option(model, "H", 1)
    net = model.blocks[0].net
    ids = list(net.school_ids)
    k, h = ids.index("K"), ids.index("H")
    search = _Search(model, [(0, k2, 0)], np.inf)
    for config in ({k: (k2, 0)}, {k: (k1, 0)}, {k: (k2, 0), h: (h1, 0)}, {k: (k1, 0), h: (h1, 0)}):
        search.value(0, config)  # K2 70,000 (14 bn), K1 overflow, K2 + H1 35,000 (24 bn), K1 + H1 35,000 (20 bn)
    value, (config,) = search.best_cached()
    assert config == {k: (k1, 0), h: (h1, 0)}  # K2 + H1 breaks the 20 bn budget
    assert value == pytest.approx(35_000, abs=50)
