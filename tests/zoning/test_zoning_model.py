"""The zoning model on tiny instances whose optimum is checked by hand, and its invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity import load_norms
from zoning import assign
from zoning.contiguity import zone_pieces

NORMS = load_norms()
LIMIT = 35  # primary class-size limit in the packaged norm table (TT 28/2020)


def line_instance(
    positions: dict[str, float],
    sites: dict[str, float],
    pupils: dict[str, dict[str, float]],
    rooms: dict[str, int],
    year: int = 2027,
    **school_columns: dict[str, object],
):
    """Quarters and schools on a line (metres); pupils per quarter per grade."""
    demand = pd.DataFrame(
        [
            {"quarter_id": q, "school_year": year, "level": "tieu_hoc", "grade": g, "age": 5 + int(g[-1]), "mean": v}
            for q, grades in pupils.items()
            for g, v in grades.items()
        ]
    )
    schools = pd.DataFrame(
        {
            "school_id": list(sites),
            "name": [f"Trường {s}" for s in sites],
            "level": "tieu_hoc",
            "classrooms": [rooms[s] for s in sites],
            "sessions_per_day": 2,
        }
    )
    for column, values in school_columns.items():
        schools[column] = [values.get(s, np.nan) for s in sites]
    distances = pd.DataFrame(
        [(q, s, abs(positions[q] - sites[s])) for q in positions for s in sites],
        columns=["quarter_id", "school_id", "metres"],
    )
    return demand, schools, distances


def random_instance(seed: int, n: int = 12, m: int = 3, grades=("lop_1", "lop_2"), spare: float = 1.2):
    rng = np.random.default_rng(seed)
    positions = {f"q{i:02d}": float(x) for i, x in enumerate(rng.uniform(0, 3000, n))}
    sites = {f"S{j}": float(x) for j, x in enumerate(rng.uniform(0, 3000, m))}
    pupils = {q: {g: float(np.round(rng.uniform(3, 25), 1)) for g in grades} for q in positions}
    total_classes = sum(v for grades_ in pupils.values() for v in grades_.values()) / LIMIT
    rooms = {s: int(np.ceil(total_classes * spare / m)) + len(grades) for s in sites}
    return line_instance(positions, sites, pupils, rooms)


def solve(demand, schools, distances, **options):
    options.setdefault("distance_penalty", 0.0)
    return assign(
        demand,
        schools,
        distances,
        level="tieu_hoc",
        school_years=options.pop("school_years", 2027),
        norms=NORMS,
        **options,
    )


# --- hand-checked optima ----------------------------------------------------------------------


def test_four_quarters_two_schools_hand_checked_optimum():
    # A (1 room = 35 seats) at 0 m, B (2 rooms) at 1,200 m; quarters at 0, 400, 800, 1,200 m.
    # q1 (30) fills A; q2 + q1 = 50 > 35, so q2, q3, q4 go to B: 20·800 + 25·400 + 10·0 = 26,000.
    demand, schools, distances = line_instance(
        {"q1": 0, "q2": 400, "q3": 800, "q4": 1200},
        {"A": 0, "B": 1200},
        {"q1": {"lop_1": 30}, "q2": {"lop_1": 20}, "q3": {"lop_1": 25}, "q4": {"lop_1": 10}},
        {"A": 1, "B": 2},
    )
    result = solve(demand, schools, distances, grades=["lop_1"])
    zones = result.zones().set_index("quarter_id")["school_id"].to_dict()
    assert zones == {"q1": "A", "q2": "B", "q3": "B", "q4": "B"}
    assert result.pupil_metres == pytest.approx(26_000)
    assert result.solver.status == "optimal"
    assert result.solver.objective == pytest.approx(26_000, abs=1.0)  # + tie-break 1e-4 pupil/m
    assert result.solver.gap == pytest.approx(0.0, abs=1e-4)


def test_integer_classes_per_grade_share_the_rooms():
    # A has 2 rooms. q1: 20 in grade 1 + 20 in grade 2; q2: 20 in grade 1. Seats pooled (70)
    # would hold all 60 pupils, but grade 1 then needs 2 classes and grade 2 one: 3 rooms > 2.
    # So one quarter goes to B (2 km away): the cheaper one to move is q2 (20 pupils, not 40).
    demand, schools, distances = line_instance(
        {"q1": 0, "q2": 100},
        {"A": 0, "B": 2000},
        {"q1": {"lop_1": 20, "lop_2": 20}, "q2": {"lop_1": 20, "lop_2": 0}},
        {"A": 2, "B": 5},
    )
    result = solve(demand, schools, distances, grades=["lop_1", "lop_2"])
    zones = result.zones().set_index("quarter_id")["school_id"].to_dict()
    assert zones == {"q1": "A", "q2": "B"}
    grades = result.grades.set_index(["school_id", "grade"])
    assert grades.loc[("A", "lop_1"), "classes"] == 1 and grades.loc[("A", "lop_2"), "classes"] == 1
    assert result.overflow().empty


def test_contiguity_changes_the_hand_checked_optimum():
    # Quarters q1..q5 in a row 1 km apart; A (1 room = 35 seats) at q1, B (big) 500 m beyond
    # q5. Metres saved per pupil at A instead of B: q1 4,500, q2 2,500, q3 500 (q4, q5 < 0).
    # Seats: q1 25 + q3 10 = 35 saves 117,500; q1 alone 112,500; q2 alone 75,000 (q1 + q2 =
    # 55 > 35). All at B costs 262,500, so the free optimum is A = {q1, q3}: 145,000 pupil-m,
    # with A's zone skipping q2. The contiguous optimum is A = {q1}: 150,000 pupil-m.
    positions = {f"q{k}": 1000.0 * (k - 1) for k in range(1, 6)}
    pupils = {"q1": {"lop_1": 25}, "q2": {"lop_1": 30}, "q3": {"lop_1": 10}, "q4": {"lop_1": 10}, "q5": {"lop_1": 10}}
    demand, schools, distances = line_instance(positions, {"A": 0, "B": 4500}, pupils, {"A": 1, "B": 9})
    adjacency = pd.DataFrame({"quarter_id_a": ["q1", "q2", "q3", "q4"], "quarter_id_b": ["q2", "q3", "q4", "q5"]})
    free = solve(demand, schools, distances, grades=["lop_1"])
    assert free.zones().set_index("quarter_id")["school_id"].to_dict() == {
        "q1": "A",
        "q2": "B",
        "q3": "A",
        "q4": "B",
        "q5": "B",
    }
    assert free.pupil_metres == pytest.approx(145_000)
    assert (zone_pieces(free.zones(), adjacency) > 1).any()

    tied = solve(demand, schools, distances, grades=["lop_1"], contiguity=adjacency)
    assert tied.zones().set_index("quarter_id")["school_id"].to_dict() == {
        "q1": "A",
        "q2": "B",
        "q3": "B",
        "q4": "B",
        "q5": "B",
    }
    assert tied.pupil_metres == pytest.approx(150_000)
    assert (zone_pieces(tied.zones(), adjacency) == 1).all()
    assert tied.load["contiguous"].all()


def test_contiguity_needs_whole_quarters():
    demand, schools, distances = random_instance(1)
    adjacency = pd.DataFrame({"quarter_id_a": ["q00"], "quarter_id_b": ["q01"]})
    with pytest.raises(ValueError, match="whole quarters"):
        solve(demand, schools, distances, split=True, contiguity=adjacency)


# --- invariants -----------------------------------------------------------------------------


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("seed", [3, 4])
def test_every_quarter_served_once_and_no_pupil_lost(seed, split):
    demand, schools, distances = random_instance(seed)
    result = solve(demand, schools, distances, split=split)
    zones = result.zones()
    shares = zones.groupby("quarter_id")["share"].sum()
    assert set(shares.index) == set(demand["quarter_id"])
    np.testing.assert_allclose(shares.to_numpy(), 1.0, atol=1e-6)
    if not split:
        assert (zones["share"] == 1.0).all() and zones["quarter_id"].is_unique
    assert zones["pupils"].sum() == pytest.approx(demand["mean"].sum(), rel=1e-6)
    assert result.load["pupils"].sum() == pytest.approx(demand["mean"].sum(), rel=1e-6)
    pupils = zones.merge(demand.groupby("quarter_id", as_index=False)["mean"].sum(), on="quarter_id")
    np.testing.assert_allclose(pupils["pupils"], pupils["share"] * pupils["mean"], rtol=1e-6, atol=1e-3)


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_capacity_respected_or_overflow_reported(seed):
    demand, schools, distances = random_instance(seed, spare=0.8)  # too few rooms: overflow likely
    result = solve(demand, schools, distances)
    g = result.grades
    seats = g["classes"] * g["class_limit"]
    over_school = result.load.set_index("school_id")["overflow_pupils"]
    for school, rows in g.groupby("school_id"):
        unseated = np.maximum(rows["pupils"] - rows["classes"] * rows["class_limit"], 0).sum()
        if over_school[school] <= 1e-6:
            assert unseated <= 1e-6  # every pupil seated in whole classes
    load = result.load.set_index("school_id")
    fits = load["rooms_needed"] <= load["rooms_available"] + 1e-9
    assert (fits | (load["overflow_pupils"] > 0)).all()  # never over the rooms without a flag
    assert (seats >= 0).all()
    total_seats = (load["rooms_available"] * LIMIT).sum()
    assert load["overflow_pupils"].sum() >= demand["mean"].sum() - total_seats - 1e-6


def test_too_few_rooms_is_reported_as_overflow_not_an_error():
    demand, schools, distances = line_instance(
        {"q1": 0, "q2": 300}, {"A": 0}, {"q1": {"lop_1": 40}, "q2": {"lop_1": 25}}, {"A": 1}
    )
    result = solve(demand, schools, distances, grades=["lop_1"])
    over = result.overflow()
    assert list(over["school_id"]) == ["A"]
    assert over["overflow_pupils"].iloc[0] == pytest.approx(65 - 35)
    assert any("beyond its seats" in note for note in result.notes)
    assert result.summary()["years"][0]["schools_over_capacity"] == ["A"]


def test_closed_school_takes_no_pupils_in_the_years_it_is_closed():
    demand, schools, distances = line_instance(
        {"q1": 0, "q2": 500},
        {"A": 0, "B": 2000},
        {"q1": {"lop_1": 20}, "q2": {"lop_1": 20}},
        {"A": 2, "B": 2},
        closes={"A": 2028},
    )
    demand = pd.concat([demand, demand.assign(school_year=2028)], ignore_index=True)
    result = solve(demand, schools, distances, grades=["lop_1"], school_years=[2027, 2028], per_year=True)
    assert len(result.reports) == 2
    assert set(result.zones(2027)["school_id"]) == {"A"}
    assert set(result.zones(2028)["school_id"]) == {"B"}
    # the second year is measured against the first year's zoning
    assert result.zones(2028)["changed"].all()


def test_one_zoning_holds_for_several_years_with_capacity_each_year():
    # Grade 1 grows from 30 to 40 pupils in q1: in 2028 one room at A no longer holds q1, so a
    # zoning valid for both years sends q1 to B, although A is closer.
    demand, schools, distances = line_instance({"q1": 0}, {"A": 0, "B": 800}, {"q1": {"lop_1": 30}}, {"A": 1, "B": 3})
    demand = pd.concat([demand, demand.assign(school_year=2028, mean=40.0)], ignore_index=True)
    single = solve(demand, schools, distances, grades=["lop_1"], school_years=2027)
    both = solve(demand, schools, distances, grades=["lop_1"], school_years=[2027, 2028])
    assert single.zones()["school_id"].tolist() == ["A"]
    assert both.zones(2027)["school_id"].tolist() == ["B"] == both.zones(2028)["school_id"].tolist()
    assert both.overflow().empty


def test_stability_weight_changes_fewer_zones_as_it_grows():
    # Six quarters between A (0 m) and B (3,000 m), all currently at A; the nearest-school
    # zoning moves the three eastern ones. Moving quarter k saves (x_A − x_B) metres per pupil,
    # 200–3000 m; a growing stability weight keeps more of them at A, down to none.
    positions = {f"q{k}": x for k, x in enumerate([100, 600, 1400, 1700, 2200, 2900])}
    pupils = {q: {"lop_1": 20.0} for q in positions}
    demand, schools, distances = line_instance(positions, {"A": 0, "B": 3000}, pupils, {"A": 9, "B": 9})
    current = pd.DataFrame({"quarter_id": list(positions), "level": "tieu_hoc", "school_id": "A"})
    changed = []
    for weight in (0.0, 300.0, 1000.0, 2000.0, 3000.0, 10_000.0):
        result = solve(demand, schools, distances, grades=["lop_1"], current=current, stability=weight)
        changed.append(int(result.zones()["changed"].sum()))
    assert changed == sorted(changed, reverse=True)
    assert changed[0] == 3 and changed[-1] == 0
    assert len(set(changed)) >= 3


def test_max_distance_is_hard_but_never_leaves_a_quarter_without_school():
    demand, schools, distances = line_instance(
        {"q1": 0, "q2": 900, "q3": 5000},
        {"A": 0, "B": 1000},
        {"q1": {"lop_1": 10}, "q2": {"lop_1": 10}, "q3": {"lop_1": 10}},
        {"A": 3, "B": 3},
    )
    result = solve(demand, schools, distances, grades=["lop_1"], max_distance=1200)
    zones = result.zones().set_index("quarter_id")
    assert zones.loc["q1", "distance_m"] <= 1200 and zones.loc["q2", "distance_m"] <= 1200
    assert zones.loc["q3", "school_id"] == "B"  # nearest, though beyond the limit
    assert any("q3" in note and "1,200 m" in note for note in result.notes)


@pytest.mark.parametrize("split", [False, True])
def test_same_input_gives_the_same_zones(split):
    demand, schools, distances = random_instance(11, n=16, m=4)
    first = solve(demand, schools, distances, split=split)
    second = solve(demand.sample(frac=1.0, random_state=1), schools.iloc[::-1], distances.iloc[::-1], split=split)
    pd.testing.assert_frame_equal(first.assignment, second.assignment)


def test_solvers_agree_on_the_optimum():
    demand, schools, distances = random_instance(21, n=10, m=3)
    objectives = {}
    for solver in ("highs", "pulp-highs", "cbc"):
        result = solve(demand, schools, distances, solver=solver)
        assert result.solver.status == "optimal", solver
        objectives[solver] = result.solver.objective
    assert objectives["pulp-highs"] == pytest.approx(objectives["highs"], rel=1e-4)
    assert objectives["cbc"] == pytest.approx(objectives["highs"], rel=1e-4)


def test_split_is_never_worse_than_whole_quarters():
    demand, schools, distances = random_instance(8, spare=0.95)
    whole = solve(demand, schools, distances)
    split = solve(demand, schools, distances, split=True)
    assert split.solver.objective <= whole.solver.objective + 1e-6


def test_distance_beyond_the_norm_is_penalised():
    # q2 is 600 m from A and 700 m from B; A has room for one quarter only. The urban primary
    # norm is 500 m: with the penalty, q1 (400 / 1,100 m) goes to A and q2 to B.
    demand, schools, distances = line_instance(
        {"q1": 0, "q2": 600}, {"A": 400, "B": 1300}, {"q1": {"lop_1": 20}, "q2": {"lop_1": 20}}, {"A": 1, "B": 1}
    )
    plain = solve(demand, schools, distances, grades=["lop_1"], distance_penalty=0.0)
    weighted = solve(demand, schools, distances, grades=["lop_1"], distance_penalty=1.0)
    assert plain.solver.norm_distance == 500
    assert weighted.zones().set_index("quarter_id")["school_id"].to_dict() == {"q1": "A", "q2": "B"}

    def beyond(r):
        return (np.maximum(r.zones()["distance_m"] - 500, 0) * r.zones()["pupils"]).sum()

    assert beyond(weighted) <= beyond(plain)


def test_solver_report_is_consistent_and_json_ready():
    import json

    demand, schools, distances = random_instance(2)
    result = solve(demand, schools, distances)
    report = result.solver.to_dict()
    json.dumps(result.summary())
    assert report["status"] in ("optimal", "feasible")
    assert (report["status"] == "optimal") == (report["gap"] is not None and report["gap"] <= 1e-4)
    assert report["best_bound"] <= report["objective"] + 1e-6
    assert report["pairs"] == 12 * 3 and report["quarters"] == 12


def test_bad_input_names_what_to_fix():
    demand, schools, distances = random_instance(1)
    with pytest.raises(ValueError, match="missing column 'mean'"):
        solve(demand.drop(columns="mean"), schools, distances)
    with pytest.raises(ValueError, match="no rows for tieu_hoc in school year"):
        solve(demand, schools, distances, school_years=2031)
    bad = distances.copy()
    bad.loc[4, "metres"] = -5
    with pytest.raises(ValueError, match="rows 6"):
        solve(demand, schools, bad)
    with pytest.raises(ValueError, match="no tieu_hoc school"):
        solve(demand, schools.assign(level="thcs"), distances)
