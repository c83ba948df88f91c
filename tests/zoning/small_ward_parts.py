"""The two-grade small ward of test_network_bounds solved exactly, with its level-year parts.

Shared by the column-generation tests (test_part_columns, test_parts_proven_by_columns): the
network model, HiGHS's proven optimum of the whole model and, with its sites fixed, each
part's model and HiGHS's proven optimum of it (`model_parts` order)."""

from __future__ import annotations

import numpy as np
from test_network_bounds import _model, small_ward

from zoning.network_model import NetworkModel
from zoning.network_parts import fixed_columns, model_parts, part_model
from zoning.solve import SolveOutcome, solve_model


def exact_parts() -> tuple[NetworkModel, np.ndarray, list[tuple[np.ndarray, NetworkModel, SolveOutcome]]]:
    """(model, the exact optimum's full vector, per part: (its columns, its model with the
    optimum's sites fixed, HiGHS's proven optimum of it))."""
    net, options = small_ward()
    model = _model(net, options)
    exact = solve_model(model.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
    assert exact.status == "optimal" and exact.values is not None
    fixed = fixed_columns(model)
    shift = model.matrix[:, fixed] @ np.round(exact.values[fixed])
    parts = []
    for rows, cols in model_parts(model, fixed):
        part = part_model(model, rows, cols, shift)
        best = solve_model(part.as_matrix_model(), time_limit=60, mip_rel_gap=1e-9)
        assert best.status == "optimal" and best.values is not None and best.objective is not None
        parts.append((cols, part, best))
    return model, exact.values, parts
