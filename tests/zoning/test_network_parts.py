"""With the sites fixed, the network model splits into one zoning per school year
(zoning.network_parts): the parts, their optimum (the same as the whole model's with those
sites) and a valid bound, on the small toy of test_network_bounds."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from test_network_bounds import YEARS, _model, small_ward

from zoning.network_model import start_vector
from zoning.network_parts import fixed_columns, model_parts, solve_parts
from zoning.solve import solve_model


@pytest.fixture(scope="module")
def toy():
    net, options = small_ward()
    model = _model(net, options)
    exact = solve_model(model.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert exact.status == "optimal"
    return model, exact


def _with_sites_of(model, values):
    """The model with the z and c columns fixed to `values`' (rounded)."""
    fixed = fixed_columns(model)
    lo, hi = model.col_lo.copy(), model.col_hi.copy()
    lo[fixed] = hi[fixed] = np.round(values[fixed])
    return replace(model, col_lo=lo, col_hi=hi)


def _feasible(model, values, tol=1e-5):
    activity = model.matrix @ values
    return (activity >= model.row_lo - tol).all() and (activity <= model.row_hi + tol).all()


def test_one_part_per_school_year_each_within_its_year(toy):
    model, _exact = toy
    (b,) = model.blocks
    T = len(YEARS)
    parts = model_parts(model, fixed_columns(model))
    assert len(parts) == T
    for rows, cols in parts:
        x = cols[cols < b.n0] - b.x0  # x[p,t] at x0 + p·T + t
        cells = cols[(cols >= b.n0) & (cols < b.z0)]
        cells = np.where(cells >= b.o0, cells - b.o0, cells - b.n0)  # n and o: (j·T + t)·G + g
        years = np.concatenate([x % T, (cells // b.net.shape[3]) % T])
        assert len(np.unique(years)) == 1
        assert not fixed_columns(model)[cols].any()
        assert len(rows) > 0
    everything = np.sort(np.concatenate([c for _, c in parts]))
    assert np.array_equal(everything, np.flatnonzero(~fixed_columns(model)))


def test_parts_reach_the_optimum_of_the_sites_and_a_valid_bound(toy):
    model, exact = toy
    for start in (start_vector(model), exact.values):  # no site; the optimum's sites
        assert start is not None
        whole = solve_model(_with_sites_of(model, start).as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
        result = solve_parts(model, start, time_limit=60, mip_rel_gap=1e-9)
        assert result.parts == len(YEARS) and result.proven == len(YEARS)
        assert result.objective == pytest.approx(whole.objective, rel=1e-7)
        assert result.bound is not None and result.bound <= whole.objective + 1e-6
        assert result.bound == pytest.approx(whole.objective, rel=1e-6)
        assert result.objective <= model.objective(start) + 1e-6
        assert _feasible(model, result.values)
        assert np.array_equal(np.round(result.values[fixed_columns(model)]), np.round(start[fixed_columns(model)]))
    assert result.objective == pytest.approx(exact.objective, rel=1e-7)
    first = solve_parts(model, start_vector(model), time_limit=60, mip_rel_gap=1e-9)
    assert first.objective > exact.objective + 1.0  # the toy's site matters: no site is worse


def test_a_row_over_every_year_leaves_one_part():
    net, options = small_ward()
    model = _model(net, replace(options, max_overflow=5.0))  # Σ o ≤ Ō links every year
    assert len(model_parts(model, fixed_columns(model))) == 1


def test_no_time_leaves_the_start_and_no_bound(toy):
    model, _exact = toy
    start = start_vector(model)
    result = solve_parts(model, start, time_limit=0.0)
    assert result.bound is None and result.proven == 0
    assert np.array_equal(result.values, start)
