"""The class-count bound (`zoning.lagrange`): a bound of the whole-quarter optimum, at least
the LP bound, from the LP duals and after subgradient steps; any multipliers give a bound."""

from __future__ import annotations

import time

import numpy as np
import pytest
from scattered_city import scattered_city

from capacity import load_norms
from zoning import solve_problem
from zoning.lagrange import BackgroundBound, SchoolPieces, assignment_duals, class_count_bound
from zoning.model import ModelOptions, build_model
from zoning.problem import ZoningProblem
from zoning.solve import solve_model, solve_relaxation

NORMS = load_norms()
GRADES = ("lop_1", "lop_2", "lop_3", "lop_4", "lop_5")


def toy(n: int = 36, m: int = 4, spare: float = 1.02, seed: int = 3, years: tuple[int, ...] = (2027,)) -> ZoningProblem:
    """A hand-sized 5-grade city: `n` quarters and `m` schools in a 10 km square, tight rooms."""
    return scattered_city(n, m, spare=spare, seed=seed, years=years)


@pytest.mark.parametrize(("n", "seed", "years"), [(36, 3, (2027,)), (28, 1, (2027, 2028))])
def test_class_count_bound_lies_between_the_lp_and_the_optimum(n: int, seed: int, years: tuple[int, ...]) -> None:
    """LP bound ≤ θ(LP duals) ≤ θ after subgradient steps ≤ the exact whole-quarter optimum,
    and whole classes per grade make it strictly stronger than the LP here."""
    small = toy(n=n, m=3, seed=seed, years=years)
    model = build_model(small, ModelOptions())
    lp, duals = solve_relaxation(model)
    assert duals is not None and lp.objective is not None
    whole = solve_model(model, time_limit=60)
    assert whole.objective is not None
    assert lp.status == whole.status == "optimal"
    result = class_count_bound(model, small, duals, deadline=time.perf_counter() + 1.5)
    assert result.first_bound is not None and result.bound is not None
    assert lp.objective * (1 - 1e-7) <= result.first_bound <= result.bound
    assert result.bound <= whole.objective * (1 + 1e-7)
    assert result.first_bound > lp.objective * (1 + 1e-4)  # whole classes per grade bite


def test_any_multipliers_give_a_bound_and_the_lp_duals_price_the_lp() -> None:
    """Weak duality: θ(u) ≤ the optimum for arbitrary u. With the LP duals and each piece's
    classes relaxed, θ is the LP bound (the duals are read back correctly)."""
    small = toy(seed=5)
    model = build_model(small, ModelOptions())
    lp, duals = solve_relaxation(model)
    assert duals is not None and lp.objective is not None
    whole = solve_model(model, time_limit=60)
    assert whole.objective is not None
    u = assignment_duals(model, small, duals)
    pieces = SchoolPieces(model, small)
    rng = np.random.default_rng(0)
    for scale in (0.0, 0.05, 0.3):
        trial = u * (1 + scale * rng.standard_normal(len(u)))
        value, x, complete = pieces.evaluate(trial, time.perf_counter() + 30)
        assert complete
        assert value is not None and value <= whole.objective * (1 + 1e-7)
        assert ((x >= -1e-9) & (x <= 1 + 1e-9)).all()
    relaxed = model.integer.copy()
    relaxed[:] = False
    from dataclasses import replace

    lp_pieces = SchoolPieces(replace(model, integer=relaxed), small)
    value, _, _ = lp_pieces.evaluate(u, time.perf_counter() + 30)
    assert value == pytest.approx(lp.objective, rel=1e-6)


def test_the_bound_in_a_child_process_reports_what_it_found() -> None:
    small = toy(seed=7)
    model = build_model(small, ModelOptions())
    lp, duals = solve_relaxation(model)
    assert duals is not None and lp.objective is not None
    result = BackgroundBound(model, small, duals, deadline=time.perf_counter() + 2.0).finish()
    assert result.bound is not None and result.bound >= lp.objective * (1 - 1e-7)
    assert result.first_bound is not None and result.first_bound <= result.bound
    heard: list[tuple[float, float | None, int]] = []
    alone = class_count_bound(
        model, small, duals, deadline=time.perf_counter() + 1.0, report=lambda *args: heard.append(args)
    )
    assert heard and heard[-1][:2] == (alone.bound, alone.first_bound) and heard[-1][2] <= alone.steps
    assert [b for b, _, _ in heard] == sorted(b for b, _, _ in heard)  # only better bounds are heard


def test_lp_guided_reports_the_class_count_bound() -> None:
    """Five grades: the strategy's proof step is the class-count bound, and the reported bound
    is the best of it and the LP bound, never above the zoning."""
    problem = toy(n=300, m=18, spare=1.05, seed=2)
    report = solve_problem(problem, k_nearest=8, time_limit=4.0, strategy="lp_guided").solver
    step = next(s for s in report.steps if s["step"] == "class_count_bound")
    assert report.lp_bound is not None and report.best_bound is not None and report.objective is not None
    assert step["bound"] is not None and step["bound"] > report.lp_bound
    assert report.best_bound == pytest.approx(step["bound"])
    assert report.lp_bound <= report.best_bound <= report.objective + 1e-6


@pytest.mark.parametrize("seed", [3, 5, 11])
def test_whole_quarters_inside_the_pieces_give_a_stronger_bound(seed: int, monkeypatch) -> None:
    """With quarters whole inside each school's piece (x binary), θ at the same multipliers is
    at least θ with shared quarters (x in [0, 1]) and still at most the whole-quarter optimum;
    the pieces' x are then 0 or 1. (θ at the LP duals, this city: 23,579,500 with shared
    quarters, 23,595,195 with whole ones, optimum 23,821,693 for seed 3.)"""
    import zoning.lagrange as lagrange

    small = toy(n=36, m=3, seed=seed)
    model = build_model(small, ModelOptions())
    lp, duals = solve_relaxation(model)
    assert duals is not None and lp.objective is not None
    whole = solve_model(model, time_limit=60)
    assert whole.objective is not None and whole.status == "optimal"
    u = assignment_duals(model, small, duals)
    values = {}
    for flag in (False, True):
        monkeypatch.setattr(lagrange, "WHOLE_QUARTERS", flag)
        value, x, complete = SchoolPieces(model, small).evaluate(u, time.perf_counter() + 30)
        assert complete and value is not None
        values[flag] = value
        if flag:
            assert np.allclose(x, np.round(x), atol=1e-6)
    assert lp.objective * (1 - 1e-7) <= values[False] < values[True]  # strictly stronger on these cities
    assert values[True] <= whole.objective * (1 + 1e-7)
