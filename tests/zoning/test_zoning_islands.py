"""Contiguous zones with islands: a group of quarters that no chain of neighbours joins to any
school is named and exempted (a Note), not a reason to fail; the grown contiguous start and the
contiguous strategy keep the rule everywhere else."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity import load_norms
from zoning import build_problem, solve_problem, zone_pieces
from zoning.contiguity import grow_zones
from zoning.model import ModelOptions, build_model
from zoning.strategy import solve_with_strategy

NORMS = load_norms()
GRADES = ("lop_1", "lop_2", "lop_3")


def archipelago(side: int = 10, m: int = 5, seed: int = 1):
    """A side × side grid of 300 m quarters (rook adjacency) with m schools on it, and an island
    of two quarters 3 km off the grid's east edge, adjacent to each other only."""
    rng = np.random.default_rng(seed)
    cells = [(r, c) for r in range(side) for c in range(side)]
    ids = [f"Q{r:02d}{c:02d}" for r, c in cells] + ["I1", "I2"]
    xy = np.vstack(
        [
            np.array(cells, dtype=float)[:, ::-1] * 300 + 150,
            [[side * 300 + 3000.0, 1000.0], [side * 300 + 3000.0, 1300.0]],
        ]
    )
    site = rng.uniform(0, side * 300, size=(m, 2))
    per = rng.gamma(4.0, 3.0, size=(len(ids), len(GRADES)))
    demand = pd.DataFrame(
        {
            "quarter_id": np.repeat(ids, len(GRADES)),
            "school_year": 2027,
            "level": "tieu_hoc",
            "grade": np.tile(GRADES, len(ids)),
            "age": np.tile([6, 7, 8], len(ids)),
            "mean": per.ravel().round(2),
        }
    )
    schools = pd.DataFrame(
        {
            "school_id": [f"S{j}" for j in range(m)],
            "name": [f"Trường {j}" for j in range(m)],
            "level": "tieu_hoc",
            "classrooms": int(per.sum() / 35 / m * 1.15) + 3,
            "sessions_per_day": 2,
        }
    )
    metres = np.hypot(xy[:, None, 0] - site[None, :, 0], xy[:, None, 1] - site[None, :, 1]) * 1.3
    distances = pd.DataFrame(
        {
            "quarter_id": np.repeat(ids, m),
            "school_id": np.tile(schools["school_id"], len(ids)),
            "metres": metres.ravel(),
        }
    )
    edges = (
        [(f"Q{r:02d}{c:02d}", f"Q{r:02d}{c + 1:02d}") for r in range(side) for c in range(side - 1)]
        + [(f"Q{r:02d}{c:02d}", f"Q{r + 1:02d}{c:02d}") for r in range(side - 1) for c in range(side)]
        + [("I1", "I2")]
    )
    adjacency = pd.DataFrame(edges, columns=["quarter_id_a", "quarter_id_b"])
    problem = build_problem(demand, schools, distances, level="tieu_hoc", school_years=2027, norms=NORMS)
    return problem, adjacency


def check_contiguous_but_the_island(result, adjacency):
    zones = result.zones()
    assert zones["quarter_id"].is_unique and len(zones) == 102  # every quarter zoned once
    mainland = zones[~zones["quarter_id"].isin(["I1", "I2"])].assign(share=1.0)
    assert (zone_pieces(mainland, adjacency) == 1).all()  # the rule holds on the mainland
    exempt = [n for n in result.note_records if n.key == "contiguity_exempt"]
    assert len(exempt) == 1 and exempt[0].fields["quarter_ids"] == ("I1", "I2")
    assert exempt[0].fields["count"] == 2
    assert "I1, I2" in exempt[0].text("vi") and "are exempted from contiguity" in exempt[0].text("en")
    # the island's two quarters go to one school together (the local anchor's, the nearest)
    island = zones.set_index("quarter_id").loc[["I1", "I2"], "school_id"]
    assert island.nunique() == 1


def test_island_is_named_and_exempted_not_a_failure():
    problem, adjacency = archipelago()
    result = solve_problem(problem, contiguity=adjacency, time_limit=30, strategy="exact")
    check_contiguous_but_the_island(result, adjacency)
    assert result.solver.status == "optimal"


def test_contiguous_strategy_grows_a_start_that_keeps_the_rule():
    problem, adjacency = archipelago()
    options = ModelOptions(adjacency=adjacency)
    model = build_model(problem, options)
    rule = model.contiguity_rule()
    assert rule is not None
    chosen = grow_zones(
        model.pair_quarter,
        problem.shape[0],
        rule,
        model.col_hi[: model.n_pairs] > 0,
        np.zeros(model.n_pairs),
        problem.metres(model.pair_quarter, model.pair_school),
    )
    assert (chosen >= 0).all() and (model.pair_quarter[chosen] == np.arange(problem.shape[0])).all()
    mask = np.zeros(model.n_pairs, dtype=bool)
    mask[chosen] = True
    assert rule.holds(mask)
    # 3 s: the contiguous MIP beside the windows proves this zoning optimal in about a second (10 s
    # gave the same steps and values)
    solved = solve_with_strategy(model, problem, options, strategy="contiguous", time_limit=3)
    steps = [s["step"] for s in solved.steps]
    assert steps[:3] == ["lp_relaxation", "grow_contiguous", "contiguous_moves"]
    grown = solved.steps[1]["objective"]
    assert solved.outcome.objective <= grown + 1e-6  # moves and the MIP never worsen it
    values = solved.outcome.values
    activity = model.matrix @ values
    assert (activity <= model.row_hi + 1e-6).all() and (activity >= model.row_lo - 1e-6).all()
    assert solved.lp_bound is not None and solved.lp_bound <= solved.outcome.objective + 1e-6


@pytest.mark.parametrize("strategy", ["contiguous", "auto"])
def test_contiguous_zoning_through_solve_problem(strategy, monkeypatch):
    import zoning.strategy

    monkeypatch.setattr(zoning.strategy, "EXACT_MAX_BINARIES", 100)  # "city scale" for auto
    problem, adjacency = archipelago()
    result = solve_problem(problem, contiguity=adjacency, time_limit=3, strategy=strategy)  # as 10 s: the same zones
    assert result.solver.strategy == "contiguous"
    check_contiguous_but_the_island(result, adjacency)


def test_the_windows_stop_once_the_contiguous_mip_beside_them_is_proven():
    """The contiguous MIP running beside the windows proves this archipelago's zoning in about
    a second: the windows then stop (they have nothing left to win) instead of running to
    their share of the limit, and the zoning is the MIP's optimum."""
    from zoning.strategy import PARALLEL_WINDOW_END

    problem, adjacency = archipelago()
    options = ModelOptions(adjacency=adjacency)
    model = build_model(problem, options)
    limit = 30.0
    solved = solve_with_strategy(model, problem, options, strategy="contiguous", time_limit=limit)
    windows = next(s for s in solved.steps if s["step"] == "contiguous_windows")
    mip = next(s for s in solved.steps if s["step"] == "contiguous_mip")
    assert windows["proven_beside"] is True
    assert windows["ends_at"] < PARALLEL_WINDOW_END * limit / 2  # stopped long before its deadline
    assert mip["status"] == "optimal" and solved.outcome.status == "optimal"
    assert solved.outcome.objective == pytest.approx(mip["objective"], rel=1e-9)
    assert solved.outcome.gap is not None and solved.outcome.gap <= 1e-4
