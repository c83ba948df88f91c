"""zoning.network: the network from the project's tables (several levels, a shared budget)."""

from __future__ import annotations

import pandas as pd
import pytest

from capacity import load_norms
from zoning.closures import TripRule
from zoning.neighbours import neighbour_arrays
from zoning.network import network_points, network_problems, plan_school_network, study_closures

NORMS = load_norms()


def tables():
    # primary A and THCS B at 0; quarters q1 @0 (40 pupils per grade) and q2 @3,000 (40);
    # one primary site P and one THCS site T at 3,000, 1 room for 30 bn VND each
    positions = {"q1": 0.0, "q2": 3000.0}
    demand = pd.DataFrame(
        [
            {"quarter_id": q, "school_year": 2027, "level": lv, "grade": g, "mean": 40.0}
            for q in positions
            for lv, g in (("tieu_hoc", "lop_1"), ("thcs", "lop_6"))
        ]
    )
    schools = pd.DataFrame(
        {
            "school_id": ["A", "B", "S"],
            "name": ["A", "B", "S"],
            "level": ["tieu_hoc", "thcs", "tieu_hoc"],
            "classrooms": [3, 3, 2],
            "sessions_per_day": 2,
            "site_of": ["", "", "A"],
            "x": [0.0, 0.0, 2900.0],
        }
    )
    candidates = pd.DataFrame(
        {
            "site_id": ["P", "T"],
            "level": ["tieu_hoc", "thcs"],
            "rooms": [2, 2],
            "cost": [30e9, 30e9],
            "x": [3000.0, 3000.0],
        }
    )
    points = {
        **dict(zip(schools["school_id"], schools["x"], strict=True)),
        **dict(zip(candidates["site_id"], candidates["x"], strict=True)),
    }
    distances = pd.DataFrame(
        [(q, s, abs(x - y)) for q, x in positions.items() for s, y in points.items()],
        columns=["quarter_id", "school_id", "metres"],
    )
    return demand, schools, candidates, distances


def test_shared_money_budget_goes_to_the_level_that_saves_more():
    demand, schools, candidates, distances = tables()
    schools = schools[schools["school_id"] != "S"]
    nets = network_problems(
        demand,
        schools,
        distances,
        levels=["tieu_hoc", "thcs"],
        school_years=[2027],
        norms=NORMS,
        candidates=candidates,
        grades={"tieu_hoc": ["lop_1"], "thcs": ["lop_6"]},
    )
    # one site affordable: both save 40 pupils × 3,000 m, but primary's 500 m norm doubles the metres
    # beyond it (1 km for THCS), so the primary site saves more
    plan = plan_school_network(nets, budget=30e9, time_limit=20)
    assert list(plan.opened["site_id"]) == ["P"] and plan.cost == 30e9
    assert plan.pupil_metres == pytest.approx(40 * 3000)  # THCS q2 still walks 3 km
    assert set(plan.summary["level"]) == {"tieu_hoc", "thcs"}
    both = plan_school_network(nets, budget=60e9, time_limit=20)
    assert set(both.opened["site_id"]) == {"P", "T"} and both.pupil_metres == pytest.approx(0)


def test_study_closures_reviews_satellites():
    demand, schools, _, distances = tables()
    nets = network_problems(
        demand,
        schools,
        distances,
        levels=["tieu_hoc"],
        school_years=[2027],
        norms=NORMS,
        grades={"tieu_hoc": ["lop_1"]},
    )
    reviewed, study = study_closures(nets, schools, NORMS, rule=TripRule(max_increase=500), distance_penalty=0.0)
    assert "S" in set(reviewed["school_id"])
    row = study.scenarios.set_index("scenario").loc["close S"]
    # closing the satellite sends q2 from 100 m to A at 3,000 m: refused under a 500 m rule
    assert not row["allowed"] and row["refused_quarters"] == "q2"


def test_network_points_and_neighbour_table_checks():
    points = network_points(
        pd.DataFrame({"school_id": ["A"], "lon": [106.0], "lat": [11.0]}),
        pd.DataFrame({"site_id": ["K", "K"], "lon": [106.1, 106.1], "lat": [11.1, 11.1]}),
        pd.DataFrame({"school_id": ["N"], "lon": [106.2], "lat": [11.2]}),
    )
    assert list(points["school_id"]) == ["A", "K", "N"]
    with pytest.raises(ValueError, match=r"'seats'.*rows 3"):
        neighbour_arrays(pd.DataFrame({"school_id": ["N", "M"], "level": "thcs", "seats": [10, -1]}), "thcs", (2027,))
    by_year = neighbour_arrays(
        pd.DataFrame({"school_id": ["N", "N"], "level": "thcs", "seats": [10, 20], "school_year": [2027, 2028]}),
        "thcs",
        (2027, 2028, 2029),
    )
    assert by_year.seats.tolist() == [[10.0, 20.0, 0.0]]
