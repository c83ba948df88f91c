"""Solving larger instances: honest reports under time limits, LP-guided search, its building blocks."""

from __future__ import annotations

import itertools
import types

import numpy as np
import pandas as pd
import pytest
from scattered_city import GRADES, scattered_city

from capacity import load_norms
from zoning import build_problem, solve_problem, vectors
from zoning.local_search import improve_locally, unseated, whole_class_counts
from zoning.model import TIE_BREAK, ModelOptions, build_model
from zoning.strategy import feasible_start
from zoning.vectors import best_classes, repair_overflow, round_shares, solution_vector

NORMS = load_norms()


def city(n: int = 400, m: int = 24, spare: float = 1.12, seed: int = 0, grades: tuple[str, ...] = GRADES):
    """Quarters and schools scattered in a 10 km square; primary pupils in five grades (or `grades`)."""
    return scattered_city(n, m, spare=spare, seed=seed, grades=grades)


@pytest.fixture(scope="module")
def problem():
    return city()


def test_time_limited_mip_is_not_called_optimal(problem):
    for solver in ("highs", "pulp-highs"):
        result = solve_problem(problem, k_nearest=8, time_limit=0.05, solver=solver, strategy="exact")
        report = result.solver
        assert report.status == "feasible", solver
        assert report.gap is None or report.gap > 1e-4
        assert any("time limit" in note for note in result.notes)
        assert result.zones()["quarter_id"].is_unique and len(result.zones()) == problem.shape[0]


def test_no_solution_in_time_keeps_the_start_instead_of_failing(problem, monkeypatch):
    """A solver that finds nothing before its limit (PuLP's HiGHS has no warm start) must not
    crash a planner's run: the nearest-school start is kept, labelled feasible, with a note."""
    import zoning.strategy as strategy
    from zoning.solve import SolveOutcome

    def nothing_found(model, **_):
        return SolveOutcome(
            values=None,
            status="no_solution",
            solver_status="Time limit reached",
            objective=None,
            bound=123.0,
            gap=None,
            seconds=0.05,
            solver="stub",
        )

    monkeypatch.setattr(strategy, "solve_model", nothing_found)
    result = solve_problem(problem, k_nearest=8, time_limit=0.05, solver="pulp-highs", strategy="exact")
    model = build_model(problem, ModelOptions(k_nearest=8))
    start = feasible_start(model, problem)
    picked = start[: model.n_pairs] > 0.5
    expected = dict(
        zip(problem.quarter_ids[model.pair_quarter[picked]], problem.school_ids[model.pair_school[picked]], strict=True)
    )
    zones = result.zones().set_index("quarter_id")["school_id"]
    assert zones.index.is_unique and len(zones) == problem.shape[0]
    assert zones.to_dict() == expected  # the start, unchanged
    report = result.solver
    assert report.status == "feasible"
    assert report.objective == pytest.approx(model.objective(start))
    assert report.gap == pytest.approx((report.objective - 123.0) / report.objective)
    assert any("found no zoning within the time limit" in note for note in result.notes)
    assert result.assignment.groupby("quarter_id")["share"].sum().eq(1.0).all()


def test_lp_guided_search_beats_its_start_and_reports_the_lp_gap(problem):
    options = ModelOptions(k_nearest=8)
    model = build_model(problem, options)
    start = model.objective(feasible_start(model, problem))
    result = solve_problem(problem, k_nearest=8, time_limit=6.0, strategy="lp_guided")
    report = result.solver
    assert report.strategy == "lp_guided" and report.lp_bound is not None
    assert report.lp_bound <= report.best_bound <= report.objective + 1e-6
    assert report.gap == pytest.approx((report.objective - report.best_bound) / report.objective)
    assert report.objective < start
    steps = {step["step"].split(" ")[0]: step for step in report.steps}
    rounded = min(s["objective"] for s in report.steps if s["step"].startswith("round_and_repair"))
    assert report.objective <= rounded + 1e-6  # the windows never make it worse
    assert {"lp_relaxation", "windows", "class_count_bound"} <= set(steps)  # five grades
    zones = result.zones()
    assert zones["quarter_id"].is_unique and len(zones) == problem.shape[0]
    assert zones["pupils"].sum() == pytest.approx(problem.demand.sum(), rel=1e-6)
    assert report.gap < 0.20
    assert report.solve_seconds < 6.0 + 3.0


def test_split_quarter_bound_lies_between_the_lp_and_the_optimum():
    """The proof step's model is a relaxation: LP bound ≤ its optimum ≤ the whole-quarter
    optimum, and with five grades it is strictly stronger than the LP here."""
    from zoning.solve import solve_model, solve_relaxation
    from zoning.strategy import bounding_model

    small = city(n=36, m=4, spare=1.02, seed=3)
    model = build_model(small, ModelOptions())
    split, is_split = bounding_model(model, small)
    assert is_split
    assert not split.integer[: model.n_pairs].any() and split.integer[model.classes_slice].all()
    lp, _ = solve_relaxation(model)
    relaxed = solve_model(split, time_limit=60)
    whole = solve_model(model, time_limit=60)
    assert relaxed.status == whole.status == "optimal"
    assert lp.objective <= relaxed.objective * (1 + 1e-6)
    assert relaxed.objective <= whole.objective * (1 + 1e-6)
    assert relaxed.objective > lp.objective * (1 + 1e-4)  # whole classes per grade bite
    one_grade = city(n=36, m=4, seed=3, grades=("lop_1",))
    single = build_model(one_grade, ModelOptions())
    assert bounding_model(single, one_grade) == (single, False)  # one grade: the whole model


def test_lp_guided_with_one_grade_goes_straight_to_the_warm_started_mip():
    """One grade, one year: the LP is tight, so after the rounded starts the whole MIP gets
    the time (no windows) and reaches the exact strategy's optimum."""
    one = city(n=200, m=12, seed=3, grades=("lop_1",))  # its rounded starts are 0.3% above the optimum
    guided = solve_problem(one, k_nearest=8, time_limit=20, strategy="lp_guided").solver
    exact = solve_problem(one, k_nearest=8, time_limit=20, strategy="exact").solver
    steps = [step["step"] for step in guided.steps]
    assert "windows" not in steps and steps[-1] == "full_mip_warm_start"
    rounded = min(s["objective"] for s in guided.steps if s["step"].startswith("round_and_repair"))
    assert guided.objective < rounded * (1 - 1e-3)  # the MIP, not the rounding, reached the optimum
    assert exact.status == "optimal" and guided.status == "optimal"
    assert guided.objective == pytest.approx(exact.objective, rel=2e-4)
    assert guided.best_bound <= guided.objective + 1e-6


def test_a_highs_run_past_its_deadline_is_interrupted_and_keeps_its_start(problem, monkeypatch):
    """HiGHS checks its own time limit only between phases; the interrupt callback stops it
    at the deadline (here already passed) with the warm start kept as its incumbent."""
    import zoning.solve as solve

    monkeypatch.setattr(solve, "DEADLINE_GRACE", -1e6)
    model = build_model(problem, ModelOptions(k_nearest=8))
    start = feasible_start(model, problem)
    outcome = solve.solve_model(model, time_limit=30, start=start)
    assert "Interrupted" in outcome.solver_status
    assert outcome.status == "feasible"
    assert outcome.objective == pytest.approx(model.objective(start))


def test_auto_strategy_is_exact_for_small_wards(problem):
    small = solve_problem(city(n=30, m=3, seed=2), time_limit=20)
    assert small.solver.strategy == "exact" and small.solver.status == "optimal"


def test_best_classes_matches_brute_force():
    rng = np.random.default_rng(0)
    for _ in range(200):
        limits = np.array([15.0, 20.0, 25.0])[rng.permutation(3)]
        pupils = rng.uniform(0, 70, size=(1, 1, 3))
        rooms = int(rng.integers(0, 9))
        prob = types.SimpleNamespace(
            class_limit=limits[None, :], rooms=np.array([[rooms]]), rooms_per_class=np.array([1.0])
        )
        classes = best_classes(prob, pupils)
        assert classes.sum() <= rooms
        unseated = np.maximum(pupils - classes * limits, 0).sum()
        best = min(
            np.maximum(pupils[0, 0] - np.array(n) * limits, 0).sum()
            for n in itertools.product(range(6), repeat=3)
            if sum(n) <= rooms
        )
        assert unseated == pytest.approx(best, abs=1e-9)


def test_one_session_schools_seat_two_classes_per_room():
    prob = types.SimpleNamespace(
        class_limit=np.array([[35.0, 35.0]]), rooms=np.array([[2.0]]), rooms_per_class=np.array([0.5])
    )
    classes = best_classes(prob, np.array([[[70.0, 70.0]]]))
    assert classes.tolist() == [[[2.0, 2.0]]]  # 4 classes in 2 rooms, two shifts


@pytest.mark.parametrize("single_moves", [0, 1, 10**6])  # batches only, one move then batches, one at a time
@pytest.mark.parametrize("grades", [GRADES, ("lop_1",)])  # one grade and one year: the single moves apply
def test_repair_reduces_overflow_and_keeps_every_quarter(monkeypatch, single_moves, grades):
    monkeypatch.setattr(vectors, "SINGLE_MOVES", single_moves)
    problem = city(grades=grades, spare=1.12 if len(grades) > 1 else 0.95)
    model = build_model(problem, ModelOptions(k_nearest=8))
    nearest = round_shares(model, -problem.distance[model.pair_quarter, model.pair_school])
    before = solution_vector(model, problem, nearest)
    repaired = repair_overflow(model, problem, nearest)
    after = solution_vector(model, problem, repaired)
    assert after[model.overflow_slice].sum() < before[model.overflow_slice].sum()
    assert np.array_equal(np.sort(model.pair_quarter[repaired]), np.arange(problem.shape[0]))
    # the vector is a feasible point of the model
    activity = model.matrix @ after
    assert (activity <= model.row_hi + 1e-6).all() and (activity >= model.row_lo - 1e-6).all()


# --- local search (zoning.local_search) ------------------------------------------------------


def _hand_problem(demand_rows, rooms, metres):
    """Quarters with pupils per grade (two grades), schools with rooms, metres per pair."""
    n, m = len(demand_rows), len(rooms)
    qid = [f"Q{i}" for i in range(n)]
    sid = [f"S{j}" for j in range(m)]
    demand = pd.DataFrame(
        {
            "quarter_id": np.repeat(qid, 2),
            "school_year": 2027,
            "level": "tieu_hoc",
            "grade": np.tile(["lop_1", "lop_2"], n),
            "age": np.tile([6, 7], n),
            "mean": np.asarray(demand_rows, dtype=float).ravel(),
        }
    )
    schools = pd.DataFrame(
        {"school_id": sid, "name": sid, "level": "tieu_hoc", "classrooms": rooms, "sessions_per_day": 2}
    )
    distances = pd.DataFrame(
        {
            "quarter_id": np.repeat(qid, m),
            "school_id": np.tile(sid, n),
            "metres": np.asarray(metres, dtype=float).ravel(),
        }
    )
    return build_problem(
        demand, schools, distances, level="tieu_hoc", school_years=2027, norms=NORMS, grades=("lop_1", "lop_2")
    )


def _chosen_for(model, schools_of_quarters):
    key = model.pair_quarter * 1000 + model.pair_school
    return np.searchsorted(key, np.arange(len(schools_of_quarters)) * 1000 + np.asarray(schools_of_quarters))


def test_swap_between_two_full_schools_is_found():
    # each school has 2 rooms: one class per grade; each quarter fills a whole grade (30 pupils),
    # so no single move fits, but swapping the two grade-1 quarters saves 2 × 30 × 900 m
    prob = _hand_problem(
        [[30, 0], [0, 30], [30, 0], [0, 30]], rooms=[2, 2], metres=[[1000, 100], [100, 1000], [100, 1000], [1000, 100]]
    )
    model = build_model(prob, ModelOptions(distance_penalty=0.0))
    start = _chosen_for(model, [0, 0, 1, 1])  # Q0 and Q2 at their far school
    before = model.objective(solution_vector(model, prob, start))
    moved, _ = improve_locally(model, prob, start, deadline=np.inf, swaps=False)
    assert np.array_equal(moved, start)  # no single move fits the rooms
    swapped, stats = improve_locally(model, prob, start, deadline=np.inf)
    assert model.pair_school[swapped].tolist() == [1, 0, 0, 1]
    after = model.objective(solution_vector(model, prob, swapped))
    assert before - after == pytest.approx(2 * 30 * 900 + 2 * 900 * TIE_BREAK, rel=1e-9)
    assert stats["swaps"] == 1 and stats["gain"] == pytest.approx(before - after, rel=1e-9)


def test_unseated_counts_whole_classes_within_rooms():
    prob = types.SimpleNamespace(
        class_limit=np.array([[35.0, 35.0], [35.0, 35.0]]),
        rooms=np.array([[3.0], [1.0]]),
        rooms_per_class=np.array([1.0, 1.0]),
    )
    pupils = np.array([[[40.0, 30.0]], [[40.0, 30.0]]])
    # school 0: 2 + 1 classes fit 3 rooms, all seated; school 1: one class of 35 → 35 unseated
    assert unseated(prob, pupils, np.array([0, 1])).tolist() == pytest.approx([0.0, 35.0])
    assert unseated(prob, pupils[[1]], np.array([1])) == pytest.approx(
        np.maximum(pupils[1] - best_classes(prob, pupils)[1] * 35.0, 0).sum()
    )


def test_local_search_never_worsens_and_keeps_capacity(problem):
    model = build_model(problem, ModelOptions(k_nearest=8))
    n, m, T, G = problem.shape
    start = repair_overflow(
        model, problem, round_shares(model, -problem.distance[model.pair_quarter, model.pair_school])
    )
    start_vec = solution_vector(model, problem, start)
    before = model.objective(start_vec)
    improved, stats = improve_locally(model, problem, start, deadline=np.inf)
    after_vec = solution_vector(model, problem, improved)
    after = model.objective(after_vec)
    assert after < before and before - after == pytest.approx(stats["gain"], rel=1e-9)
    assert stats["moves"] + stats["swaps"] > 0
    # every quarter exactly once, through its own pairs
    assert np.array_equal(model.pair_quarter[improved], np.arange(n))
    # overflow never grows, and the zoning is a feasible point of the model
    assert after_vec[model.overflow_slice].sum() <= start_vec[model.overflow_slice].sum() + 1e-9
    activity = model.matrix @ after_vec
    assert (activity <= model.row_hi + 1e-6).all() and (activity >= model.row_lo - 1e-6).all()
    # a local optimum: a second run finds nothing
    again, stats2 = improve_locally(model, problem, improved, deadline=np.inf)
    assert np.array_equal(again, improved) and stats2["gain"] == 0.0


def test_whole_class_counts_fit_the_rooms_and_round_the_smallest_fraction_down():
    prob = _hand_problem([[50, 40]], rooms=[3], metres=[[100]])
    model = build_model(prob, ModelOptions())
    values = np.zeros(model.n_cols)
    values[0] = 1.0
    # 50/35 = 1.43 and 40/35 = 1.14 classes: ceil gives 2 + 2 = 4 > 3 rooms; grade 2 rounds down
    assert whole_class_counts(model, prob, values).ravel().tolist() == [2.0, 1.0]
    problem = city(n=60, m=5, spare=1.0, seed=3)
    model = build_model(problem, ModelOptions())
    counts = whole_class_counts(model, problem, feasible_start(model, problem))
    assert (counts >= 0).all() and (counts.sum(axis=2) <= problem.rooms + 1e-9).all()
