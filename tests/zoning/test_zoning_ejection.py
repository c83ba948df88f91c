"""Ejection chains and cyclic transfers (`zoning.ejection`): hand-computed cases and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hand_zoning import hand_instance, pairs_for, schools_of
from scattered_city import GRADES, scattered_city

from zoning.ejection import improve_by_chains
from zoning.local_search import improve_locally, unseated
from zoning.model import ModelOptions, build_model
from zoning.strategy import feasible_start
from zoning.vectors import repair_overflow, round_shares, solution_vector


def tiny(pupils: dict[str, float], rooms: dict[str, int], metres: dict[tuple[str, str], float]):
    """One grade, each quarter's two nearest schools (`hand_zoning.hand_instance`)."""
    return hand_instance({q: (v,) for q, v in pupils.items()}, rooms, metres, grades=("lop_1",), k_nearest=2)


def test_chain_that_no_move_or_swap_finds():
    # I (20 pupils) walks 3,000 m to A but lives 500 m from B; B's one room holds K (20 pupils).
    # I → B alone: 40 pupils in one 35-seat class, 5 without a seat. K → C alone: +200 m each.
    # Swap I ↔ K: K has no pair at A (2 nearest schools: B, C). The chain I: A → B with
    # K: B → C saves 20 × 2,500 − 20 × 200 = 46,000 pupil-m.
    problem, model = tiny(
        {"I": 20, "K": 20},
        {"A": 1, "B": 1, "C": 1},
        {("I", "A"): 3000, ("I", "B"): 500, ("K", "B"): 1000, ("K", "C"): 1200},
    )
    start = pairs_for(model, problem, {"I": "A", "K": "B"})
    before = model.objective(solution_vector(model, problem, start))
    local, stats = improve_locally(model, problem, start, deadline=np.inf)
    assert schools_of(model, problem, local) == {"I": "A", "K": "B"}
    assert stats["moves"] == stats["swaps"] == 0
    chained, stats = improve_by_chains(model, problem, start, deadline=np.inf)
    assert schools_of(model, problem, chained) == {"I": "B", "K": "C"}
    assert stats["chains"] == 1 and stats["cycles"] == 0
    after = model.objective(solution_vector(model, problem, chained))
    assert before - after == pytest.approx(46_000, rel=1e-4)
    assert stats["gain"] == pytest.approx(before - after, rel=1e-9)
    assert solution_vector(model, problem, chained)[model.overflow_slice].sum() == 0


def test_three_cycle_that_no_move_swap_or_chain_of_two_finds():
    # A, B, C have one room each, full with 20 pupils; each quarter lives nearer the next school.
    # Any two legs leave 40 pupils in a one-room school; the cycle I: A → B, K: B → C,
    # L: C → A saves 20 × (2,000 + 1,000 + 1,500) = 90,000 pupil-m.
    problem, model = tiny(
        {"I": 20, "K": 20, "L": 20},
        {"A": 1, "B": 1, "C": 1},
        {("I", "A"): 2500, ("I", "B"): 500, ("K", "B"): 1500, ("K", "C"): 500, ("L", "C"): 2000, ("L", "A"): 500},
    )
    start = pairs_for(model, problem, {"I": "A", "K": "B", "L": "C"})
    before = model.objective(solution_vector(model, problem, start))
    paths_only, stats = improve_by_chains(model, problem, start, deadline=np.inf, cycles=False)
    assert schools_of(model, problem, paths_only) == {"I": "A", "K": "B", "L": "C"}
    assert stats["gain"] == 0.0
    cycled, stats = improve_by_chains(model, problem, start, deadline=np.inf)
    assert schools_of(model, problem, cycled) == {"I": "B", "K": "C", "L": "A"}
    assert stats["cycles"] == 1
    assert before - model.objective(solution_vector(model, problem, cycled)) == pytest.approx(90_000, rel=1e-4)


def city(n: int = 300, m: int = 18, seed: int = 3):
    """Quarters and schools in a 10 km square, five grades, rooms about 10% above the need."""
    problem = scattered_city(n, m, spare=1.1, seed=seed)
    return problem, build_model(problem, ModelOptions(k_nearest=6))


def test_chains_never_worsen_keep_every_quarter_once_and_are_deterministic():
    problem, model = city()
    n, m, _, _ = problem.shape
    start = repair_overflow(model, problem, round_shares(model, feasible_start(model, problem)))
    start, _ = improve_locally(model, problem, start, deadline=np.inf)
    values = solution_vector(model, problem, start)
    before, over_before = model.objective(values), values[model.overflow_slice].sum()
    first, stats = improve_by_chains(model, problem, start, deadline=np.inf)
    second, _ = improve_by_chains(model, problem, start, deadline=np.inf)
    np.testing.assert_array_equal(first, second)
    assert stats["chains"] + stats["cycles"] > 0  # this instance has chains to find
    np.testing.assert_array_equal(model.pair_quarter[first], np.arange(n))  # each quarter once
    assert (model.col_hi[first] > 0).all()
    after_values = solution_vector(model, problem, first)
    after = model.objective(after_values)
    assert after <= before - stats["gain"] * (1 - 1e-9) + 1e-6
    assert stats["gain"] > 0 and after < before
    assert after_values[model.overflow_slice].sum() <= over_before + 1e-9
    pupils = np.zeros((m, 1, len(GRADES)))
    np.add.at(pupils, model.pair_school[first], problem.demand)
    assert pupils.sum() == pytest.approx(problem.demand.sum())  # no child lost
    assert unseated(problem, pupils, np.arange(m)).sum() == pytest.approx(after_values[model.overflow_slice].sum())


def test_best_step_per_leaving_quarter_is_the_largest_first_on_ties():
    # keys 2, 0, 2, 1, 0, 2 with values 5, -inf, 7, 3, -inf, 7: key 0 has only -inf (its first,
    # index 1), key 1 index 3, key 2 the first of its two 7s (index 2)
    from zoning.ejection import _best_in_groups

    key = np.array([2, 0, 2, 1, 0, 2])
    value = np.array([5.0, -np.inf, 7.0, 3.0, -np.inf, 7.0])
    order = np.argsort(key, kind="stable")
    key_sorted = key[order]
    start = np.flatnonzero(np.r_[True, key_sorted[1:] != key_sorted[:-1]])
    size = np.diff(np.r_[start, len(key)])
    assert _best_in_groups(value, order, key_sorted, start, size).tolist() == [1, 3, 2]


def test_best_step_per_leaving_quarter_matches_a_sort_by_key_then_value():
    # the chain search's linear-time choice against the sort it replaced, with many ties
    from zoning.ejection import _best_in_groups

    rng = np.random.default_rng(7)
    key = rng.integers(0, 300, size=5000)
    value = rng.integers(-5, 5, size=5000).astype(float)
    value[rng.random(5000) < 0.1] = -np.inf
    order = np.argsort(key, kind="stable")
    key_sorted = key[order]
    start = np.flatnonzero(np.r_[True, key_sorted[1:] != key_sorted[:-1]])
    size = np.diff(np.r_[start, len(key)])
    by_sort = np.lexsort((-value, key))
    first = np.r_[True, key[by_sort][1:] != key[by_sort][:-1]]
    assert (_best_in_groups(value, order, key_sorted, start, size) == by_sort[first]).all()
