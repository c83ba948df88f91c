"""Chain windows (`zoning.chain_windows`): hand-computed cases and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hand_zoning import NORMS, hand_instance, pairs_for, schools_of

from zoning import build_problem
from zoning.chain_windows import chain_window, improve_by_chain_windows, spare_classes
from zoning.ejection import improve_by_chains
from zoning.local_search import improve_locally
from zoning.model import ModelOptions
from zoning.strategy import feasible_start
from zoning.vectors import round_shares, solution_vector


def two_grades(pupils: dict[str, tuple[float, float]], rooms: dict[str, int], metres: dict[tuple[str, str], float]):
    """Grades 1 and 2, each quarter's three nearest schools (`hand_zoning.hand_instance`)."""
    return hand_instance(pupils, rooms, metres, grades=("lop_1", "lop_2"), k_nearest=3)


def test_class_counts_of_two_schools_changed_together():
    # A (2 rooms) is full: one grade-1 class (H, 30 pupils) and one grade-2 class (I + J, 10 + 10).
    # L (25 grade-1 pupils) walks 3,000 m to C but lives 500 m from A. L → A alone needs a second
    # grade-1 class at A (55 pupils), and A has no room left: 20 pupils without a seat. The room
    # is freed only when BOTH I and J go to B (600 m, 100 m more each): A's classes go from
    # (1, 1) to (2, 0), B's from (0, 0) to (0, 1), C's from (1, 0) to (0, 0). Gain:
    # 25 × 2,500 − 20 × 100 = 60,500 pupil-m. No move, swap or chain of moves finds it.
    problem, model = two_grades(
        {"H": (30, 0), "I": (0, 10), "J": (0, 10), "L": (25, 0)},
        {"A": 2, "B": 1, "C": 1},
        {
            ("H", "A"): 300,
            ("I", "A"): 500,
            ("I", "B"): 600,
            ("J", "A"): 500,
            ("J", "B"): 600,
            ("L", "A"): 500,
            ("L", "C"): 3000,
        },
    )
    start = pairs_for(model, problem, {"H": "A", "I": "A", "J": "A", "L": "C"})
    before = model.objective(solution_vector(model, problem, start))
    local, _ = improve_locally(model, problem, start, deadline=np.inf)
    assert schools_of(model, problem, local) == schools_of(model, problem, start)
    chained, _ = improve_by_chains(model, problem, start, deadline=np.inf)
    assert schools_of(model, problem, chained) == schools_of(model, problem, start)

    spare = spare_classes(problem, model.pair_school[start])
    np.testing.assert_array_equal(spare, [0, 1, 0])  # A and C full, B one spare class

    options = ModelOptions(k_nearest=3, distance_penalty=0.0)
    improved, stats = improve_by_chain_windows(model, problem, options, start, deadline=np.inf, size=3)
    assert schools_of(model, problem, improved) == {"H": "A", "I": "B", "J": "B", "L": "A"}
    after_values = solution_vector(model, problem, improved)
    assert before - model.objective(after_values) == pytest.approx(60_500, rel=1e-4)
    assert stats["improved"] >= 1 and stats["gain"] == pytest.approx(60_500, rel=1e-4)
    classes = after_values[model.classes_slice].reshape(3, 2)  # (school, grade): one year
    np.testing.assert_array_equal(classes, [[2, 0], [0, 1], [0, 0]])
    assert after_values[model.overflow_slice].sum() == 0


def test_chain_follows_full_schools_to_one_with_a_spare_class():
    # Schools on a line at x = 0, 1, 2, 3, -1, -2 (positions 0..5); only school 3 has a spare class.
    x = np.array([0.0, 1.0, 2.0, 3.0, -1.0, -2.0])
    between = np.abs(x[:, None] - x[None, :])
    np.fill_diagonal(between, -1.0)
    neighbours = np.argsort(between, axis=1, kind="stable")
    has_spare = np.array([False, False, False, True, False, False])
    window = chain_window(neighbours, has_spare, 0, size=4, reach=2)
    np.testing.assert_array_equal(window, [0, 1, 2, 3])  # 0 → 1 → 2 → 3 (the spare school)
    assert not has_spare[neighbours[0, :4]].any()  # the 4 nearest schools of 0 have none
    # once a spare school is in, the chain goes on along full schools, then fills from the seed
    window = chain_window(neighbours, has_spare, 2, size=5, reach=1)
    np.testing.assert_array_equal(window, [0, 1, 2, 3, 4])


def test_chain_windows_never_worsen_and_keep_every_quarter_once():
    rng = np.random.default_rng(5)
    n, m = 60, 6
    q, s = rng.uniform(0, 4000, size=(n, 2)), rng.uniform(0, 4000, size=(m, 2))
    pupils = {f"Q{i:02d}": tuple(rng.uniform(2, 9, size=2).round(1)) for i in range(n)}
    rooms = {f"S{j}": 4 for j in range(m)}
    metres = {(f"Q{i:02d}", f"S{j}"): float(np.hypot(*(q[i] - s[j])) * 1.3) for i in range(n) for j in range(m)}
    problem, model = two_grades(pupils, rooms, metres)
    start = round_shares(model, feasible_start(model, problem))  # nearest school of each quarter
    before_values = solution_vector(model, problem, start)
    before = model.objective(before_values)
    options = ModelOptions(k_nearest=3, distance_penalty=0.0)
    improved, stats = improve_by_chain_windows(model, problem, options, start, deadline=np.inf, size=3)
    np.testing.assert_array_equal(model.pair_quarter[improved], np.arange(n))  # each quarter once
    after_values = solution_vector(model, problem, improved)
    after = model.objective(after_values)
    assert after <= before + 1e-6
    assert after == pytest.approx(before - stats["gain"], rel=1e-6)
    assert after_values[model.overflow_slice].sum() <= before_values[model.overflow_slice].sum() + 1e-9
    assert stats["windows"] >= 1


def test_schools_ordered_from_each_schools_nearest_quarter_first_quarter_on_ties():
    # A is 100 m from both quarters: its anchor is the first, Q1, from which D (200 m) comes
    # before B (300 m); B's anchor is Q2 (50 m), from which A (100) comes before D (400); C has
    # no known distance at all: anchored at the first quarter, and last from everywhere
    from zoning.windows import school_neighbours

    metres = {("Q1", "A"): 100, ("Q2", "A"): 100, ("Q1", "B"): 300, ("Q2", "B"): 50, ("Q1", "D"): 200, ("Q2", "D"): 400}
    demand = pd.DataFrame(
        {"quarter_id": ["Q1", "Q2"], "school_year": 2027, "level": "tieu_hoc", "grade": "lop_1", "age": 6, "mean": 30.0}
    )
    schools = pd.DataFrame(
        {"school_id": list("ABCD"), "name": list("ABCD"), "level": "tieu_hoc", "classrooms": 2, "sessions_per_day": 2}
    )
    distances = pd.DataFrame([(q, s, v) for (q, s), v in metres.items()], columns=["quarter_id", "school_id", "metres"])
    problem = build_problem(
        demand, schools, distances, level="tieu_hoc", school_years=2027, norms=NORMS, grades=("lop_1",)
    )
    ids = list(problem.school_ids)
    order = school_neighbours(problem)
    named = {ids[j]: [ids[k] for k in order[j]] for j in range(len(ids))}
    assert named == {"A": list("ADBC"), "B": list("BADC"), "C": list("CADB"), "D": list("DABC")}
    assert school_neighbours(problem) is order  # computed once per problem
