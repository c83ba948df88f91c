"""The network model's reductions and bounds: same optimum, an LP bound no lower, and a
valid whole-sites bound (zoning.network_model, zoning.network_strategy), on small toys."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from capacity import load_norms
from zoning.constraints import pair_rules
from zoning.network_problem import build_network_problem
from zoning.network_strategy import whole_sites_relaxation
from zoning.problem import build_problem
from zoning.sites import NetworkOptions, build_network_model, plan_network
from zoning.solve import solve_model

NORMS = load_norms()  # primary: 35 pupils per class, one room per class on two sessions
YEARS = (2027, 2028, 2029)


def grades_network(pupils, positions, schools, sites, candidates):
    """Two grades (lớp 1, lớp 2); `pupils[q]` = (per year) pairs (grade 1, grade 2)."""
    demand = pd.DataFrame(
        [
            {"quarter_id": q, "school_year": y, "level": "tieu_hoc", "grade": g, "mean": v[k][gi]}
            for q, v in pupils.items()
            for k, y in enumerate(YEARS)
            for gi, g in enumerate(("lop_1", "lop_2"))
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
    points = {**{s: x for s, (x, _) in schools.items()}, **sites}
    distances = pd.DataFrame(
        [(q, s, abs(positions[q] - x)) for q in positions for s, x in points.items()],
        columns=["quarter_id", "school_id", "metres"],
    )
    problem = build_problem(
        demand, table, distances, level="tieu_hoc", school_years=list(YEARS), norms=NORMS, grades=["lop_1", "lop_2"]
    )
    return build_network_problem(problem, norms=NORMS, candidates=candidates, distances=distances)


def small_ward(earliest=(2027, 2027, 2028, 2028)):
    # six quarters on a line (metres), two schools of 3 and 2 rooms, two sites (2 or 4 rooms,
    # K from 2027 and H from 2028 unless `earliest` says otherwise), pupils growing; a budget
    # for one small site
    rng = np.random.default_rng(3)
    positions = {f"q{k}": 400.0 * k for k in range(6)}
    pupils = {
        q: [tuple(np.round(rng.uniform(8, 22, size=2) * (1 + 0.15 * t), 1)) for t in range(len(YEARS))]
        for q in positions
    }
    candidates = pd.DataFrame(
        {
            "site_id": ["K", "K", "H", "H"],
            "level": "tieu_hoc",
            "rooms": [2, 4, 2, 4],
            "cost": [12e9, 20e9, 12e9, 20e9],
            "earliest_year": list(earliest),
        }
    )
    net = grades_network(pupils, positions, {"A": (0.0, 3), "B": (2000.0, 2)}, {"K": 900.0, "H": 1500.0}, candidates)
    return net, NetworkOptions(budget=15e9, distance_penalty=0.0)


def _model(net, options):
    return build_network_model([net], [pair_rules(net, None)], options)


def solved_small_ward():
    """The small toy's model (reductions on) and its optimum, proven by HiGHS."""
    net, options = small_ward()
    model = _model(net, options)
    exact = solve_model(model.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert exact.status == "optimal"
    return model, exact


@pytest.fixture(scope="module")
def toy():
    net, options = small_ward()
    reduced, plain = _model(net, options), _model(net, replace(options, reductions=False))
    exact = solve_model(plain.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert exact.status == "optimal"
    return net, options, reduced, plain, exact


def test_reduced_model_has_the_same_optimum_and_an_lp_bound_no_lower(toy):
    _net, _options, reduced, plain, exact = toy
    ties = (reduced.row_lo == reduced.row_hi).sum() - (plain.row_lo == plain.row_hi).sum()
    assert ties == 2 * 2 + 2 * 1  # z[o,t] = z[o,t+1]: K's two options from 2027 (2 ties each), H's from 2028 (1 each)
    reduced_mip = solve_model(reduced.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert reduced_mip.status == "optimal"
    assert reduced_mip.objective == pytest.approx(exact.objective, rel=1e-7)
    lp_plain = solve_model(plain.as_matrix_model(), relax=True).objective
    lp_reduced = solve_model(reduced.as_matrix_model(), relax=True).objective
    assert lp_plain - 1e-6 <= lp_reduced <= exact.objective + 1e-6
    assert lp_reduced < exact.objective  # the toy is not trivial: a gap is left to close


def test_whole_sites_bound_is_valid_and_at_least_the_lp(toy):
    _net, _options, reduced, _plain, exact = toy
    relaxed = whole_sites_relaxation(reduced)
    assert relaxed.integer.sum() == sum(len(b.net.option_school) * b.net.shape[2] for b in reduced.blocks)
    bound = solve_model(relaxed.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    lp = solve_model(reduced.as_matrix_model(), relax=True).objective
    assert bound.status == "optimal"
    assert lp - 1e-6 <= bound.objective <= exact.objective + 1e-6


def test_plan_reports_a_bound_no_higher_than_the_optimum_and_the_site_from_when_it_is_used(toy):
    net, options, _strong, _plain, exact = toy
    plan = plan_network([net], options=options, time_limit=4)
    assert plan.bound is not None and plan.bound <= exact.objective + 1e-6
    assert plan.objective >= exact.objective - 1e-6
    opened = plan.sites[plan.sites["opened"]]
    assert len(opened) == 1  # the budget buys one small site
    for row in opened.itertuples():  # reported from the first year it takes pupils, rooms from then on
        taken = plan.assignment.loc[plan.assignment["school_id"] == row.site_id, "school_year"]
        assert row.opens == taken.min()
        held = plan.load[plan.load["school_id"] == row.site_id]
        assert (held.loc[held["school_year"] < row.opens, "classes"] == 0).all()
