"""The Lagrangian bound of the network model (`zoning.network_lagrange`): a hand-computed toy
where whole classes lift it to the optimum above the LP, weak duality on random small networks
(sites, budgets, must pairs, closures), the budget's price that keeps a site shut, and the
bound reported by `solve_network_model`."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from capacity import load_norms
from zoning.constraints import PlannerConstraints, pair_rules
from zoning.network_lagrange import NetworkDual, dualised_rows, network_bound
from zoning.network_problem import build_network_problem
from zoning.network_sites import solve_lp
from zoning.network_strategy import solve_network_model
from zoning.problem import build_problem
from zoning.sites import NetworkOptions, build_network_model
from zoning.solve import solve_model

NORMS = load_norms()  # primary: 35 pupils per class, one room per class on two sessions
GRADES = ("lop_1", "lop_2")


def network(pupils, positions, schools, sites=None, candidates=None, years=(2027,), closable=(), neighbours=None):
    """Primary, grades 1–2: `pupils[q][k]` = (grade 1, grade 2) in year k; quarters and schools
    on a line (metres); `schools[s]` = (position, classrooms); `sites[s]` = position;
    `neighbours`: a neighbours table with each school's position in `x`."""
    demand = pd.DataFrame(
        [
            {"quarter_id": q, "school_year": y, "level": "tieu_hoc", "grade": g, "mean": v[k][gi]}
            for q, v in pupils.items()
            for k, y in enumerate(years)
            for gi, g in enumerate(GRADES)
        ]
    )
    table = pd.DataFrame(
        {
            "school_id": list(schools),
            "name": list(schools),
            "level": "tieu_hoc",
            "classrooms": [r for _, r in schools.values()],
            "sessions_per_day": 2,
        }
    )
    points = {**{s: x for s, (x, _) in schools.items()}, **(sites or {})}
    if neighbours is not None:
        points.update(dict(zip(neighbours["school_id"], neighbours["x"], strict=True)))
    distances = pd.DataFrame(
        [(q, s, abs(positions[q] - x)) for q in positions for s, x in points.items()],
        columns=["quarter_id", "school_id", "metres"],
    )
    problem = build_problem(
        demand, table, distances, level="tieu_hoc", school_years=list(years), norms=NORMS, grades=list(GRADES)
    )
    return build_network_problem(
        problem,
        norms=NORMS,
        candidates=candidates,
        neighbours=neighbours,
        distances=distances if sites or neighbours is not None else None,
        closable=closable,
    )


def model_of(net, options=None, constraints=None):
    return build_network_model([net], [pair_rules(net, constraints)], options or NetworkOptions())


def exact(model):
    result = solve_model(model.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert result.status == "optimal" and result.objective is not None
    return result.objective


def test_hand_computed_whole_classes_lift_the_bound_to_the_optimum_above_the_lp() -> None:
    """One quarter, 20 pupils in each of two grades, one school of one room 100 m away. The
    LP opens 20/35 of a class of each grade: 40 − 35 = 5 pupils over capacity, LP = c + 5M
    (c the quarter's cost at the school, M the overflow penalty). Whole classes: one grade
    has no class, 20 over, optimum c + 20M. Dualised, θ(u) = u + min(0, c + 20M − u) =
    min(u, c + 20M); the LP's dual is u = c + 40M (40 pupils' marginal overflow), so θ at the
    LP duals is already c + 20M: the optimum, strictly above the LP."""
    net = network({"q": [(20.0, 20.0)]}, {"q": 0.0}, {"A": (100.0, 1)})
    model = model_of(net)
    block = model.blocks[0]
    c, M = float(model.cost[block.x0]), block.penalty
    lp, duals = solve_lp(model, time_limit=10)
    assert lp.objective == pytest.approx(c + 5 * M, rel=1e-9)
    assert exact(model) == pytest.approx(c + 20 * M, rel=1e-9)
    assert duals is not None
    dual = NetworkDual(model)
    assert dual.multipliers(duals)[0] == pytest.approx(c + 40 * M, rel=1e-9)
    result = network_bound(model, duals, deadline=time.perf_counter() + 5, lp_bound=lp.objective)
    assert result.first_bound == pytest.approx(c + 20 * M, rel=1e-9)
    assert result.bound == pytest.approx(c + 20 * M, rel=1e-9)
    for u in (0.0, c, c + 20 * M, c + 100 * M):  # θ(u) = min(u, c + 20M) for any u
        value, _, complete = dual.evaluate(np.array([u]), time.perf_counter() + 5)
        assert complete and value == pytest.approx(min(u, c + 20 * M), rel=1e-9)


def sites_ward(seed: int, years=(2027, 2028, 2029), must_open: bool = False, neighbour: bool = False):
    """Six quarters on a line, two schools (3 and 2 rooms), two sites (2 or 4 rooms; K from the
    first year, H from the second; H must open with `must_open`), pupils growing; with
    `neighbour`, a school of the next ward beyond the line offering 30 seats."""
    rng = np.random.default_rng(seed)
    positions = {f"q{k}": 400.0 * k for k in range(6)}
    pupils = {
        q: [tuple(np.round(rng.uniform(8, 22, size=2) * (1 + 0.15 * t), 1)) for t in range(len(years))]
        for q in positions
    }
    candidates = pd.DataFrame(
        {
            "site_id": ["K", "K", "H", "H"],
            "level": "tieu_hoc",
            "rooms": [2, 4, 2, 4],
            "cost": [12e9, 20e9, 12e9, 20e9],
            "earliest_year": [years[0], years[0], years[1], years[1]],
            "must_open": [False, False, must_open, must_open],
        }
    )
    neighbours = pd.DataFrame(
        {"school_id": ["N1"], "name": ["N1"], "level": "tieu_hoc", "ward": ["Bên"], "seats": [30], "x": [2600.0]}
    )
    return network(
        pupils,
        positions,
        {"A": (0.0, 3), "B": (2000.0, 2)},
        {"K": 900.0, "H": 1500.0},
        candidates,
        years=years,
        closable=("B",),
        neighbours=neighbours if neighbour else None,
    )


VARIANTS = {
    "money": (NetworkOptions(budget=15e9, distance_penalty=0.0), None),
    "sites": (NetworkOptions(max_sites=1), None),
    "must pair at a site": (
        NetworkOptions(budget=25e9),
        PlannerConstraints(must=pd.DataFrame({"level": ["tieu_hoc"], "quarter_id": ["q3"], "school_id": ["H"]})),
    ),
    "closures": (NetworkOptions(budget=40e9, min_closed=1), None),
    "feeder, must open, neighbour": (
        NetworkOptions(budget=25e9),
        PlannerConstraints(
            feeder=pd.DataFrame({"quarter_id": ["q0", "q1", "q3", "q4"], "group": ["a", "a", "b", "b"]}),
            feeder_level="tieu_hoc",
        ),
    ),
}


@pytest.mark.parametrize(
    ("variant", "seed"), [(v, 1) for v in VARIANTS] + [("money", 4), ("sites", 4), ("closures", 4)]
)
def test_any_multipliers_give_a_bound_and_the_lp_duals_price_the_lp(variant: str, seed: int, monkeypatch) -> None:
    """Weak duality on small networks with sites, a budget of money or sites, a must pair at a
    site, closure combinations, feeder groups with a must-open site and a neighbour: θ(y) ≤ the optimum for the LP duals and random
    multipliers around them; with every piece relaxed (and the sites' and closures' patterns
    not enumerated), θ at the LP duals is the LP bound; with the quarters relaxed inside the
    pieces, θ no higher, and the same when each piece's search starts from its last open
    nodes (`SEARCH_REUSE`) as afresh; the relaxed pieces' values as floors of an evaluation
    cut short by the deadline give their sum; the bound when the relaxed steps end early
    (`RELAXED_PATIENCE`)."""
    import zoning.network_lagrange as network_lagrange

    options, constraints = VARIANTS[variant]
    last = variant.startswith("feeder")
    model = model_of(sites_ward(seed, must_open=last, neighbour=last), options, constraints)
    assert not last or model.blocks[0].rules.feeder_groups
    optimum = exact(model)
    lp, duals = solve_lp(model, time_limit=10)
    assert duals is not None and lp.objective is not None
    dual = NetworkDual(model)
    y0 = dual.multipliers(duals)
    shared = 2 if variant == "closures" else 1  # the budget, Σ c ≥ K
    assert len(y0) == len(dualised_rows(model)) == 6 * 3 + shared  # + one assignment row per quarter and year
    with monkeypatch.context() as patch:
        patch.setattr(network_lagrange, "LINKED_PIECES", False)
        relaxed = NetworkDual(replace(model, integer=np.zeros(model.n_cols, dtype=bool)))
    value, _, complete = relaxed.evaluate(y0, time.perf_counter() + 30)
    assert complete and value == pytest.approx(lp.objective, rel=1e-7)
    first, _, complete = dual.evaluate(y0, time.perf_counter() + 30)
    assert complete and first is not None
    assert lp.objective * (1 - 1e-7) <= first <= optimum * (1 + 1e-7)
    with monkeypatch.context() as patch:  # each site and closable school as one MIP over its years
        patch.setattr(network_lagrange, "LINKED_PIECES", False)
        joint = NetworkDual(model)
    loose, fresh = NetworkDual(model, whole_quarters=False), NetworkDual(model)
    loose_afresh = NetworkDual(model, whole_quarters=False)
    known_count = 0
    rng = np.random.default_rng(seed)
    for spread in (0.0, 0.05, 0.3, 1.0):
        y = dual.project(y0 + spread * np.abs(y0).mean() * rng.standard_normal(len(y0)))
        value, v, complete = dual.evaluate(y, time.perf_counter() + 30)
        assert complete and value is not None and value <= optimum * (1 + 1e-7)
        assert ((v >= model.col_lo - 1e-6) & (v <= model.col_hi + 1e-6)).all()
        same, _, complete = joint.evaluate(y, time.perf_counter() + 30)  # the same θ(y), pieces solved whole
        assert complete and same == pytest.approx(value, rel=1e-6)
        # quarters relaxed inside the pieces: a bound of each piece, so of θ(y)
        low, v_low, complete = loose.evaluate(y, time.perf_counter() + 30)
        assert complete and low is not None and low <= value + 1e-6 * abs(value)
        assert ((v_low >= model.col_lo - 1e-6) & (v_low <= model.col_hi + 1e-6)).all()
        # `loose` searched its pieces from their open nodes at the last y: the same θ' as afresh
        with monkeypatch.context() as patch:
            patch.setattr(network_lagrange, "SEARCH_REUSE", False)
            afresh, _, complete = loose_afresh.evaluate(y, time.perf_counter() + 30)
        assert complete and afresh == pytest.approx(low, rel=1e-7)
        # the relaxed pieces' values as floors: θ(y) itself when there is time, at least their sum when not
        floored, _, complete = fresh.evaluate(y, time.perf_counter() + 30, floor=loose.pieces.values)
        assert complete and floored is not None and value - 1e-6 * abs(value) <= floored <= optimum * (1 + 1e-7)
        # the relaxed pieces whose quarters came out whole are θ's pieces: not solved again, same θ
        known = loose.pieces.whole_pieces()
        known_count += int(known.sum())
        again = NetworkDual(model)
        again.pieces.v[:] = v_low
        skipped, v_skip, complete = again.evaluate(y, time.perf_counter() + 30, floor=loose.pieces.values, known=known)
        scratch, _, complete_scratch = NetworkDual(model).evaluate(y, time.perf_counter() + 30)
        assert complete and complete_scratch and skipped == pytest.approx(scratch, rel=1e-4)  # the pieces' MIP gap
        assert ((v_skip >= model.col_lo - 1e-6) & (v_skip <= model.col_hi + 1e-6)).all()
        whole = model.integer
        assert np.abs(v_skip[whole] - np.round(v_skip[whole])).max() <= 1e-6
        late, _, complete = NetworkDual(model).evaluate(y, time.perf_counter() - 1.0, floor=loose.pieces.values)
        assert not complete and late == pytest.approx(low, rel=1e-9)
        assert NetworkDual(model).evaluate(y, time.perf_counter() - 1.0)[0] is None  # out of time, no floor
    assert known_count > 0
    result = network_bound(model, duals, deadline=time.perf_counter() + 0.4, lp_bound=lp.objective)
    assert result.bound is not None and result.first_bound is not None
    assert result.first_bound - 1e-6 <= result.bound <= optimum * (1 + 1e-7)
    with monkeypatch.context() as patch:  # whole quarters after one relaxed step without a better θ
        patch.setattr(network_lagrange, "RELAXED_PATIENCE", 1)
        result = network_bound(model, duals, deadline=time.perf_counter() + 1.0, lp_bound=lp.objective)
    assert result.bound is not None and result.first_bound is not None
    assert result.first_bound - 1e-6 <= result.bound <= optimum * (1 + 1e-7)
    with monkeypatch.context() as patch:  # whole quarters from the start: never below θ at the LP duals
        patch.setattr(network_lagrange, "RELAXED_SHARE", 0.0)
        result = network_bound(model, duals, deadline=time.perf_counter() + 1.5, lp_bound=lp.objective)
    assert result.bound is not None and first - 1e-6 <= result.bound <= optimum * (1 + 1e-7)


def test_the_budgets_price_keeps_a_site_shut_in_the_bound() -> None:
    """One quarter (30 pupils in each of two grades), school A (1 room) 100 m away, site K
    (2 rooms, 20 bn VND) 150 m away, a budget of 5 bn: no site, so the optimum is c_A + 30M
    (whole classes: one grade 30 over). The LP buys a quarter of the site (z = 0.25): 75% of
    the quarter at A, 10 pupils over, LP ≈ 0.75·c_A + 0.25·c_K + 10M, the budget priced
    (λ > 0: a VND more moves pupils out of the overflow). In the bound the site's piece pays
    λ·cost: with λ = 0 it opens for free and θ falls far below the LP bound (≈ c_K − 30M at the
    LP's u ≈ c_A + 60M); with the LP's λ the site stays shut and θ ≈ c_A + 30M − λ·5 bn
    ≈ c_A + 15M: above the LP, below the optimum."""
    candidates = pd.DataFrame({"site_id": ["K"], "level": "tieu_hoc", "rooms": [2], "cost": [20e9]})
    net = network({"q": [(30.0, 30.0)]}, {"q": 0.0}, {"A": (100.0, 1)}, {"K": 150.0}, candidates)
    model = model_of(net, NetworkOptions(budget=5e9))
    optimum = exact(model)
    lp, duals = solve_lp(model, time_limit=10)
    assert duals is not None and lp.objective is not None and lp.values is not None
    z_last = model.blocks[0].z0 + net.shape[2] - 1
    assert lp.values[z_last] == pytest.approx(0.25)  # the LP buys a quarter of the site
    dual = NetworkDual(model)
    y = dual.multipliers(duals)
    assert y[-1] < 0  # the budget row's price λ = −y > 0
    priced, v, _ = dual.evaluate(y, time.perf_counter() + 10)
    free = y.copy()
    free[-1] = 0.0
    unpriced, v_free, _ = dual.evaluate(free, time.perf_counter() + 10)
    assert priced is not None and unpriced is not None
    assert v_free[z_last] == pytest.approx(1.0) and v[z_last] == pytest.approx(0.0)
    assert unpriced < lp.objective < priced <= optimum * (1 + 1e-7)
    best = network_bound(model, duals, deadline=time.perf_counter() + 0.5, lp_bound=lp.objective)
    assert best.bound is not None and priced - 1e-6 <= best.bound <= optimum * (1 + 1e-7)


def test_solve_network_model_reports_the_lagrangian_bound() -> None:
    """Two grades: the bound runs beside the steps; the outcome's bound is the best of the LP's,
    the MIP's and it, never above the objective nor the optimum."""
    model = model_of(sites_ward(2), NetworkOptions(budget=15e9, distance_penalty=0.0))
    optimum = exact(model)
    outcome, steps = solve_network_model(model, time_limit=2.0, mip_rel_gap=1e-4)
    record = steps["class_count_bound"]
    assert record["first"] is None or steps["lp_bound"] * (1 - 1e-7) <= record["first"]
    assert outcome.bound is not None and outcome.objective is not None
    assert steps["lp_bound"] * (1 - 1e-7) <= outcome.bound <= min(outcome.objective, optimum) * (1 + 1e-7)
    if record["bound"] is not None:
        assert outcome.bound >= min(record["bound"], outcome.objective) * (1 - 1e-9)


def test_hand_computed_relaxed_quarters_give_a_weaker_bound() -> None:
    """Two quarters of 20 grade-1 pupils 100 m from school A (one room: one class of 35), at
    u[i] = c[i] + 2M (reduced costs −2M, M the overflow penalty). Whole quarters: A takes one
    quarter (−2M) or both (−4M + 5M over), piece −2M, θ = c1 + c2 + 2M ≤ the optimum c1 + c2 +
    5M. Quarters relaxed inside the piece: the class filled to 35 pupils by 1.75 quarters, piece
    −3.5M, θ' = c1 + c2 + 0.5M: lower, still a bound; the relaxed piece's solution is not whole,
    so `whole_pieces` does not take it for θ's."""
    net = network({"a": [(20.0, 0.0)], "b": [(20.0, 0.0)]}, {"a": 0.0, "b": 0.0}, {"A": (100.0, 1)})
    model = model_of(net)
    block = model.blocks[0]
    c, M = model.cost[block.x0 : block.x0 + 2], block.penalty
    assert exact(model) == pytest.approx(c.sum() + 5 * M, rel=1e-9)
    u = c + 2 * M
    whole, v, complete = NetworkDual(model).evaluate(u, time.perf_counter() + 10)
    assert complete and whole == pytest.approx(c.sum() + 2 * M, rel=1e-9)
    assert np.sort(v[block.x0 : block.x0 + 2]) == pytest.approx([0.0, 1.0])
    loose = NetworkDual(model, whole_quarters=False)
    relaxed, v, complete = loose.evaluate(u, time.perf_counter() + 10)
    assert complete and relaxed == pytest.approx(c.sum() + 0.5 * M, rel=1e-9)
    assert v[block.x0 : block.x0 + 2].sum() == pytest.approx(1.75)
    assert not loose.pieces.whole_pieces().any()
