"""The experimental exact piece pricing (zoning.piece_pricing) against HiGHS's MIP on random
pieces of the part_columns shape: the same optimum, a feasible pattern of that value."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from zoning.part_columns import _highs
from zoning.piece_pricing import class_cost, piece_structure, price_piece


def _piece(rng: np.random.Generator, quarters: int, grades: int, rooms: float, overflow: float):
    d = rng.uniform(0, 15, (grades, quarters)) * (rng.random((grades, quarters)) < 0.9)
    L = rng.choice([25.0, 35.0], grades)
    b = rng.choice([0.0, 0.0, 5.0, -8.0], grades)
    eye = np.eye(grades)
    seats = np.hstack([d, -np.diag(L), -eye])
    room = np.concatenate([np.zeros(quarters), np.ones(grades), np.zeros(grades)])
    matrix = sparse.csr_matrix(np.vstack([seats, room]))
    row_lo = np.full(grades + 1, -np.inf)
    row_hi = np.concatenate([b, [rooms]])
    cost = np.concatenate([rng.uniform(-3e5, 1e5, quarters), np.zeros(grades), np.full(grades, overflow)])
    lo = np.concatenate([np.zeros(quarters), rng.choice([0.0, 1.0], grades), np.zeros(grades)])
    hi = np.concatenate(
        [np.where(rng.random(quarters) < 0.1, 0.0, 1.0), np.full(grades, 30.0), np.full(grades, np.inf)]
    )
    integer = np.concatenate([np.ones(quarters + grades, dtype=bool), np.zeros(grades, dtype=bool)])
    x = np.arange(len(cost)) < quarters
    return matrix, row_lo, row_hi, cost, lo, hi, integer, x


@pytest.mark.parametrize("seed", range(12))
def test_the_search_finds_highs_optimum(seed):
    rng = np.random.default_rng(seed)
    overflow = [2e5, 3e3, 50.0][seed % 3]  # large, middling, cheap overflow
    matrix, row_lo, row_hi, cost, lo, hi, integer, x = _piece(rng, 14, 3 + seed % 3, 6 + seed % 5, overflow)
    s = piece_structure(matrix, row_lo, row_hi, cost, lo, hi, integer, x)
    assert s is not None
    h = _highs(cost, lo, hi, matrix, row_lo, row_hi, integer)
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.run()
    expected = h.getInfo().objective_function_value
    out = price_piece(s, cost)
    assert out is not None
    value, pattern = out
    assert value == pytest.approx(expected, rel=1e-7, abs=1e-6)
    assert float(cost @ pattern) == pytest.approx(value)
    activity = matrix @ pattern
    assert (activity <= row_hi + 1e-6).all()
    assert (pattern >= lo - 1e-9).all() and (pattern <= hi + 1e-9).all()


def test_class_cost_by_hand():
    """Two grades of 10 pupils a class, 3 rooms: 25 and 12 pupils need 3 + 2 classes; the two
    cheapest removals are grade 2's last class (2 pupils) and grade 1's last (5 pupils)."""
    matrix, row_lo, row_hi, cost, lo, hi, integer, x = _piece(np.random.default_rng(0), 2, 2, 3, 1.0)
    s = piece_structure(matrix, row_lo, row_hi, cost, lo, hi, integer, x)
    assert s is not None
    s = type(s)(**{**s.__dict__, "L": np.array([10.0, 10.0]), "M": np.array([1.0, 1.0]), "lo": np.zeros(2)})
    value, n = class_cost(np.array([[25.0, 12.0]]), s)
    assert value[0] == pytest.approx(7.0)
    assert n[0].tolist() == [2.0, 1.0]
