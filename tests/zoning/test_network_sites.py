"""The school-network model (zoning.sites) on toys checked by hand, and its invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity import load_norms
from zoning.constraints import PlannerConstraints
from zoning.network_problem import build_network_problem
from zoning.problem import build_problem
from zoning.sites import NetworkOptions, plan_network, tradeoff_curve

NORMS = load_norms()  # primary: 35 pupils per class, one room per class on two sessions
FREE = NetworkOptions(distance_penalty=0.0)


def line_network(
    positions,
    schools,
    sites,
    pupils,
    years=(2027,),
    candidates=None,
    neighbours=None,
    level="tieu_hoc",
    grade="lop_1",
    closable=(),
):
    """Quarters, schools and candidate sites on a line (metres); `pupils[q]` per year."""
    demand = pd.DataFrame(
        [
            {"quarter_id": q, "school_year": y, "level": level, "grade": grade, "mean": v}
            for q, v in pupils.items()
            for y in years
        ]
    )
    table = pd.DataFrame(
        {
            "school_id": list(schools),
            "name": list(schools),
            "level": level,
            "classrooms": [r for _, r in schools.values()],
            "sessions_per_day": 2,
        }
    )
    points = {**{s: x for s, (x, _) in schools.items()}, **sites}
    if neighbours is not None:
        points.update(dict(zip(neighbours["school_id"], neighbours["x"], strict=False)))
    distances = pd.DataFrame(
        [(q, s, abs(positions[q] - x)) for q in positions for s, x in points.items()],
        columns=["quarter_id", "school_id", "metres"],
    )
    problem = build_problem(
        demand, table, distances, level=level, school_years=list(years), norms=NORMS, grades=[grade]
    )
    return build_network_problem(
        problem, norms=NORMS, candidates=candidates, neighbours=neighbours, distances=distances, closable=closable
    )


def far_site_network(years=(2027, 2028), earliest=2028, must_open=False):
    # A (3 rooms = 105 seats) at 0; q1 30 at 0, q2 20 at 400, q3 25 at 2,000, q4 10 at 2,400;
    # site K at 2,200 with 1 room (10 bn VND) or 2 rooms (15 bn VND), from `earliest`.
    candidates = pd.DataFrame(
        {
            "site_id": ["K", "K"],
            "level": "tieu_hoc",
            "rooms": [1, 2],
            "cost": [10e9, 15e9],
            "earliest_year": earliest,
            "must_open": must_open,
        }
    )
    return line_network(
        {"q1": 0, "q2": 400, "q3": 2000, "q4": 2400},
        {"A": (0, 3)},
        {"K": 2200},
        {"q1": 30, "q2": 20, "q3": 25, "q4": 10},
        years=years,
        candidates=candidates,
    )


def test_candidate_opens_when_it_saves_travel_hand_checked():
    # without K every year costs 30·0 + 20·400 + 25·2,000 + 10·2,400 = 82,000 pupil-m;
    # K open from 2028 takes q3 and q4 (35 pupils = 1 room): 8,000 + 25·200 + 10·200 = 15,000
    plan = plan_network([far_site_network()], options=FREE, time_limit=20)
    assert plan.status == "optimal"
    assert plan.pupil_metres == pytest.approx(82_000 + 15_000)
    site = plan.sites.set_index("site_id").loc["K"]
    assert bool(site["opened"]) and site["opens"] == 2028 and site["rooms"] == 1 and site["cost"] == 10e9
    trips = plan.trips(2028).set_index("quarter_id")["school_id"].to_dict()
    assert trips == {"q1": "A", "q2": "A", "q3": "K", "q4": "K"}
    assert plan.trips(2027).set_index("quarter_id")["school_id"].eq("A").all()  # not open before 2028


def test_site_that_must_open_opens_even_when_useless():
    # K lies where nobody lives: the optimum would leave it closed; must_open forces it, cheapest option
    candidates = pd.DataFrame(
        {"site_id": ["K", "K"], "level": "tieu_hoc", "rooms": [1, 2], "cost": [10e9, 15e9], "must_open": ["yes", "yes"]}
    )
    net = line_network({"q1": 0, "q2": 100}, {"A": (0, 2)}, {"K": 5000}, {"q1": 20, "q2": 20}, candidates=candidates)
    plan = plan_network([net], options=FREE, time_limit=20)
    site = plan.sites.set_index("site_id").loc["K"]
    assert bool(site["opened"]) and site["rooms"] == 1 and plan.cost == 10e9
    assert plan.pupil_metres == pytest.approx(20 * 100)  # nobody walks 5 km to it


def test_budget_that_allows_none_opens_none_and_reports_overflow():
    # A has 1 room (35 seats) for 60 pupils; the cheapest option costs 10 bn, the budget is 5 bn
    candidates = pd.DataFrame({"site_id": ["K"], "level": "tieu_hoc", "rooms": [2], "cost": [10e9]})
    net = line_network({"q1": 0, "q2": 300}, {"A": (0, 1)}, {"K": 300}, {"q1": 30, "q2": 30}, candidates=candidates)
    plan = plan_network([net], options=NetworkOptions(distance_penalty=0.0, budget=5e9), time_limit=20)
    assert not plan.sites["opened"].any() and plan.cost == 0
    assert plan.overflow_pupils == pytest.approx(60 - 35)
    load = plan.load.set_index("school_id").loc["A"]
    assert load["overflow_pupils"] == pytest.approx(25) and load["classes"] == 1
    # with 10 bn the site opens and nobody is left without a seat
    plan = plan_network([net], options=NetworkOptions(distance_penalty=0.0, budget=10e9), time_limit=20)
    assert plan.sites["opened"].all() and plan.overflow_pupils == pytest.approx(0)


def test_forbidden_pair_changes_the_answer():
    # A, B: 2 rooms each; q1 30 @0, q2 20 @400, q3 25 @800, q4 10 @1,200.
    # Free: q1, q2 → A (50 ≤ 70), q3, q4 → B: 20·400 + 25·400 = 18,000.
    # q2 may not go to A (a highway): q2 → B at 800 m: 20·800 + 25·400 = 26,000.
    net = line_network(
        {"q1": 0, "q2": 400, "q3": 800, "q4": 1200},
        {"A": (0, 2), "B": (1200, 2)},
        {},
        {"q1": 30, "q2": 20, "q3": 25, "q4": 10},
    )
    free = plan_network([net], options=FREE, time_limit=20)
    assert free.pupil_metres == pytest.approx(18_000)
    forbid = PlannerConstraints(forbid=pd.DataFrame({"quarter_id": ["q2"], "school_id": ["A"]}))
    plan = plan_network([net], constraints=forbid, options=FREE, time_limit=20)
    assert plan.pupil_metres == pytest.approx(26_000)
    assert plan.trips().set_index("quarter_id").loc["q2", "school_id"] == "B"
    assert plan.conflicts.empty


def test_must_pair_holds():
    net = line_network(
        {"q1": 0, "q2": 400, "q3": 800, "q4": 1200},
        {"A": (0, 2), "B": (1200, 2)},
        {},
        {"q1": 30, "q2": 20, "q3": 25, "q4": 10},
    )
    must = PlannerConstraints(must=pd.DataFrame({"quarter_id": ["q3"], "school_id": ["A"]}))
    plan = plan_network([net], constraints=must, options=FREE, time_limit=20)
    trips = plan.trips().set_index("quarter_id")["school_id"]
    # q3 → A (25 + q1 30 = 55 ≤ 70; q2 then goes to B): 25·800 + 20·800 = 36,000
    assert trips["q3"] == "A" and plan.pupil_metres == pytest.approx(36_000)


def test_feeder_groups_go_to_one_school():
    # q1 @0 and q2 @1,000 form one primary zone; THCS A @0 and B @1,000: free they split
    net = line_network(
        {"q1": 0, "q2": 1000}, {"A": (0, 2), "B": (1000, 2)}, {}, {"q1": 30, "q2": 30}, level="thcs", grade="lop_6"
    )
    assert plan_network([net], options=FREE, time_limit=20).pupil_metres == pytest.approx(0)
    feeder = PlannerConstraints(feeder=pd.DataFrame({"quarter_id": ["q1", "q2"], "group": ["TH1", "TH1"]}))
    plan = plan_network([net], constraints=feeder, options=FREE, time_limit=20)
    assert plan.trips()["school_id"].nunique() == 1 and plan.pupil_metres == pytest.approx(30_000)


def test_neighbour_school_used_when_the_ward_is_short_and_reported():
    # A: 1 room for 60 pupils; a school of the next ward 600 m away offers 20 seats
    neighbours = pd.DataFrame(
        {
            "school_id": ["N1"],
            "name": ["TH Bên cạnh"],
            "level": "tieu_hoc",
            "ward": ["Phường Bên"],
            "seats": [20],
            "x": [600],
        }
    )
    net = line_network({"q1": 0, "q2": 500}, {"A": (0, 1)}, {}, {"q1": 40, "q2": 20}, neighbours=neighbours)
    plan = plan_network([net], options=FREE, time_limit=20)
    trips = plan.trips().set_index("quarter_id")
    assert trips.loc["q2", "school_id"] == "N1" and trips.loc["q2", "kind"] == "neighbour"
    assert trips.loc["q2", "ward"] == "Phường Bên"
    assert plan.overflow_pupils == pytest.approx(40 - 35)
    assert plan.summary["neighbour_pupils"].sum() == pytest.approx(20)


def test_pulp_formulation_gives_the_same_optimum():
    net = far_site_network()
    direct = plan_network([net], options=FREE, time_limit=20)
    pulp = plan_network([net], options=FREE, time_limit=20, solver="pulp-highs")
    assert pulp.status == "optimal" and pulp.pupil_metres == pytest.approx(direct.pupil_metres)


def test_tradeoff_curve_travel_never_rises_with_budget():
    rng = np.random.default_rng(3)
    positions = {f"q{i:02d}": float(x) for i, x in enumerate(rng.uniform(0, 4000, 14))}
    sites = {f"K{k}": float(x) for k, x in enumerate(rng.uniform(0, 4000, 4))}
    candidates = pd.DataFrame(
        [{"site_id": k, "level": "tieu_hoc", "rooms": r, "cost": 10e9 + r * 1e9} for k in sites for r in (1, 2)]
    )
    net = line_network(
        positions,
        {"A": (0, 4), "B": (4000, 4)},
        sites,
        {q: float(rng.uniform(5, 30)) for q in positions},
        candidates=candidates,
    )
    table, _plans = tradeoff_curve([net], [0, 1, 2, 3], options=FREE, time_limit=20)
    assert list(table["sites"]) == sorted(table["sites"]) and (table["sites"] <= table["budget"]).all()
    assert (np.diff(table["pupil_metres"] + 1e6 * table["overflow_pupils"]) <= 1e-6).all()


def test_invariants_every_quarter_served_once_capacity_respected_or_overflow_reported():
    rng = np.random.default_rng(7)
    positions = {f"q{i:02d}": float(x) for i, x in enumerate(rng.uniform(0, 5000, 20))}
    sites = {f"K{k}": float(x) for k, x in enumerate(rng.uniform(0, 5000, 5))}
    candidates = pd.DataFrame(
        [
            {"site_id": k, "level": "tieu_hoc", "rooms": r, "cost": 20e9 + r * 2e9, "earliest_year": 2028}
            for k in sites
            for r in (1, 2, 3)
        ]
    )
    years = (2027, 2028, 2029)
    pupils = {q: float(rng.uniform(5, 40)) for q in positions}
    net = line_network(positions, {"A": (1000, 3), "B": (4000, 3)}, sites, pupils, years=years, candidates=candidates)
    plan = plan_network([net], options=NetworkOptions(budget=60e9), time_limit=30)
    a = plan.assignment
    shares = a.groupby(["school_year", "quarter_id"])["share"].sum()
    assert len(shares) == len(years) * len(positions) and np.allclose(shares, 1.0)
    assert np.allclose(a.groupby("school_year")["pupils"].sum(), sum(pupils.values()))
    load = plan.load
    assert (load["rooms_needed"] <= load["rooms_available"] + 1e-6).all()
    seats = load["classes"] * 35
    assert np.allclose(load["overflow_pupils"], np.maximum(load["pupils"] - seats, 0.0), atol=1e-4)
    assert plan.cost <= 60e9
    opened = plan.opened
    for row in opened.itertuples():  # a site opened stays open, and takes nobody before it opens
        held = load[(load["school_id"] == row.site_id)]
        assert (held.loc[held["school_year"] >= row.opens, "rooms_available"] == row.rooms).all()
        assert (a.loc[(a["school_id"] == row.site_id), "school_year"] >= row.opens).all()
    closed_sites = set(plan.sites.loc[~plan.sites["opened"], "site_id"])
    assert not set(a["school_id"]) & closed_sites


def test_candidates_table_errors_name_column_and_row():
    bad = pd.DataFrame({"site_id": ["K"], "level": "tieu_hoc", "cost": [1e9]})
    with pytest.raises(ValueError, match=r"missing column.*rooms"):
        line_network({"q1": 0}, {"A": (0, 1)}, {"K": 10}, {"q1": 5}, candidates=bad)
    bad = pd.DataFrame({"site_id": ["K", "K"], "level": "tieu_hoc", "rooms": [2, "many"], "cost": [1e9, 2e9]})
    with pytest.raises(ValueError, match=r"'rooms'.*row\(s\) 3"):
        line_network({"q1": 0}, {"A": (0, 1)}, {"K": 10}, {"q1": 5}, candidates=bad)
