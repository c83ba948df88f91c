"""Closing and merging small schools (zoning.closures) and the planner's constraints
(zoning.constraints) on toys checked by hand; infeasibility reported, never raised."""

from __future__ import annotations

import pandas as pd
import pytest

from capacity import load_norms
from zoning.closures import TripRule, closure_effects, small_schools
from zoning.constraints import PlannerConstraints, constraints_from_table
from zoning.network_problem import build_network_problem
from zoning.problem import build_problem
from zoning.sites import NetworkOptions, plan_network

NORMS = load_norms()
FREE = NetworkOptions(distance_penalty=0.0)


def network(positions, schools, pupils, closable=(), current=None):
    demand = pd.DataFrame(
        [
            {"quarter_id": q, "school_year": 2027, "level": "tieu_hoc", "grade": "lop_1", "mean": v}
            for q, v in pupils.items()
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
    distances = pd.DataFrame(
        [(q, s, abs(positions[q] - x)) for q in positions for s, (x, _) in schools.items()],
        columns=["quarter_id", "school_id", "metres"],
    )
    problem = build_problem(
        demand, table, distances, level="tieu_hoc", school_years=2027, norms=NORMS, grades=["lop_1"], current=current
    )
    return build_network_problem(problem, norms=NORMS, closable=closable), table


def satellite_ward():
    # A (3 rooms) @0, satellite S (2 rooms) @1,000, B (3 rooms) @1,500;
    # q1 30 @0, q2 20 @900, q3 20 @1,100, q4 30 @1,500: before, q2 and q3 walk 100 m to S.
    return network(
        {"q1": 0, "q2": 900, "q3": 1100, "q4": 1500},
        {"A": (0, 3), "S": (1000, 2), "B": (1500, 3)},
        {"q1": 30, "q2": 20, "q3": 20, "q4": 30},
    )


def test_closure_that_lengthens_trips_is_refused_under_the_rule():
    net, _ = satellite_ward()
    # closing S: q2 → B (600 m, +500), q3 → B (400 m, +300): 20,000 pupil-m instead of 4,000
    study = closure_effects([net], ["S"], rule=TripRule(max_increase=300), options=FREE, combine=False)
    row = study.scenarios.set_index("scenario").loc["close S"]
    assert not row["allowed"] and row["reason"] == "trip_rule" and row["refused_quarters"] == "q2"
    assert row["pupil_metres_before"] == pytest.approx(4_000)
    assert row["pupil_metres_after"] == pytest.approx(20_000)
    trips = study.trips[study.trips["scenario"] == "close S"].set_index("quarter_id")
    assert trips.loc["q2", "distance_before"] == 100 and trips.loc["q2", "distance_after"] == 600
    assert trips.loc["q2", "increase_m"] == 500 and not trips.loc["q2", "within_rule"]
    # 500 m allowed: the same closure passes
    study = closure_effects([net], ["S"], rule=TripRule(max_increase=500), options=FREE, combine=False)
    assert bool(study.scenarios.set_index("scenario").loc["close S", "allowed"])


def test_walking_norm_rule_refuses_trips_beyond_500_m():
    net, _ = satellite_ward()  # primary urban norm 500 m: q2's 600 m breaks it
    study = closure_effects([net], ["S"], rule=TripRule(within_norm=True), options=FREE, combine=False)
    assert study.scenarios.loc[0, "refused_quarters"] == "q2"


def test_merge_sends_the_zone_to_the_host_and_best_combination():
    net, _ = satellite_ward()
    study = closure_effects([net], ["S", "A"], rule=TripRule(max_increase=1000), merges={"S": "A"}, options=FREE)
    scenarios = study.scenarios.set_index("scenario")
    merged = study.trips[study.trips["scenario"] == "merge S into A"].set_index("quarter_id")
    assert set(merged.loc[["q2", "q3"], "school_after"]) == {"A"}
    # merged into A: q2 900 m, q3 1,100 m → +800 and +1,000, within 1,000 m
    assert bool(scenarios.loc["merge S into A", "allowed"])
    # closing both A and S puts q1 1,500 m away (+1,500): only one closure at a time, S the cheaper
    assert study.best == ("S",)


def test_small_schools_below_the_norm_and_satellites():
    net, table = satellite_ward()
    plan = plan_network([net], options=FREE)
    table["site_of"] = ["", "A", ""]
    small = small_schools(plan.load, table, NORMS).set_index("school_id")
    assert small.loc["S", "reason"] == "small,satellite" and small.loc["S", "min_classes"] == 10


def test_contradictions_become_records_not_errors():
    net, _ = satellite_ward()
    constraints = PlannerConstraints(
        must=pd.DataFrame({"quarter_id": ["q1", "q9", "q4"], "school_id": ["A", "A", "B"]}),
        forbid=pd.DataFrame({"quarter_id": ["q1", "q3", "q3", "q3"], "school_id": ["A", "A", "S", "B"]}),
        max_distance={"tieu_hoc": 1200},
    )
    plan = plan_network([net], constraints=constraints, options=FREE)
    assert plan.status == "optimal"
    found = {(r.constraint, r.quarter_id, r.reason) for r in plan.conflicts.itertuples()}
    assert ("must", "q1", "must_and_forbidden") in found
    assert ("must", "q9", "unknown_quarter") in found
    assert ("forbid", "q3", "no_school_left") in found
    assert plan.trips().set_index("quarter_id").loc["q4", "school_id"] == "B"


def test_max_distance_leaving_no_school_is_named():
    net, _ = satellite_ward()
    plan = plan_network([net], constraints=PlannerConstraints(max_distance={"tieu_hoc": 50}), options=FREE)
    named = plan.conflicts[plan.conflicts["reason"] == "no_school_left"]
    assert set(named["quarter_id"]) == {"q2", "q3"} and set(named["constraint"]) == {"max_distance"}


def test_infeasible_model_reports_the_constraint():
    net, _ = network({"q1": 0, "q2": 100}, {"A": (0, 2), "B": (100, 2)}, {"q1": 20, "q2": 20}, closable=("A", "B"))
    plan = plan_network([net], options=NetworkOptions(distance_penalty=0.0, min_closed=2))
    assert plan.status == "infeasible" and plan.assignment.empty
    assert "closures" in set(plan.conflicts["constraint"])


def test_constraints_table_and_its_errors():
    table = pd.DataFrame(
        {
            "kind": ["must", "forbid", "max_distance"],
            "level": ["tieu_hoc", None, "thcs"],
            "quarter_id": ["q1", "q2", None],
            "school_id": ["A", "B", None],
            "metres": [None, None, 2000],
        }
    )
    c = constraints_from_table(table)
    assert c.max_distance == {"thcs": 2000.0} and len(c.must) == 1 and len(c.forbid) == 1
    with pytest.raises(ValueError, match="rows 2"):
        constraints_from_table(table.assign(kind=["never", "forbid", "max_distance"]))
    with pytest.raises(ValueError, match=r"max_distance row.*rows 4"):
        constraints_from_table(table.assign(metres=[None, None, -5]))


def test_constraints_apply_to_the_zoning_engine_too():
    from zoning.assign import solve_problem
    from zoning.constraints import constrain_problem

    net, _ = network(
        {"q1": 0, "q2": 400, "q3": 800, "q4": 1200},
        {"A": (0, 2), "B": (1200, 2)},
        {"q1": 30, "q2": 20, "q3": 25, "q4": 10},
    )
    free = solve_problem(net.zoning, distance_penalty=0.0)
    assert free.zones().set_index("quarter_id").loc["q2", "school_id"] == "A"
    problem, conflicts = constrain_problem(
        net.zoning, PlannerConstraints(forbid=pd.DataFrame({"quarter_id": ["q2"], "school_id": ["A"]}))
    )
    zoned = solve_problem(problem, distance_penalty=0.0)
    assert zoned.zones().set_index("quarter_id").loc["q2", "school_id"] == "B" and conflicts.empty
    assert zoned.solver.objective == pytest.approx(26_000, rel=1e-3)
