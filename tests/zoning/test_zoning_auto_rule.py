"""What `strategy="auto"` picks (`zoning.strategy.auto_strategy`): grades × years and pairs,
on small hand-built models at the boundaries (nothing is solved, nothing is timed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import zoning.strategy as strategy
from capacity import load_norms
from zoning import build_problem
from zoning.model import ModelOptions, build_model
from zoning.strategy import (
    EXACT_MAX_BINARIES,
    EXACT_MAX_BINARIES_GRADES,
    EXACT_MAX_BINARIES_GRADES_YEAR,
    EXACT_SHORT_SECONDS,
    auto_strategy,
    exact_max_binaries,
    solve_with_strategy,
)

NORMS = load_norms()
GRADES = ("lop_1", "lop_2", "lop_3", "lop_4", "lop_5")


def line_problem(n: int, m: int, grades: int = 1, years: int = 1):
    """`n` quarters 100 m apart on a line, `m` schools spread along it, 10 pupils per quarter,
    grade and year, rooms for all of them: every quarter may go to every school (n × m pairs)."""
    grade_ids, year_ids = GRADES[:grades], list(range(2027, 2027 + years))
    qid = [f"Q{i:04d}" for i in range(n)]
    cells = pd.MultiIndex.from_product([qid, year_ids, grade_ids], names=["quarter_id", "school_year", "grade"])
    demand = cells.to_frame(index=False).assign(level="tieu_hoc", mean=10.0)
    schools = pd.DataFrame(
        {
            "school_id": [f"S{j:03d}" for j in range(m)],
            "name": [f"Trường {j}" for j in range(m)],
            "level": "tieu_hoc",
            "classrooms": int(np.ceil(10.0 * n / 35 / m + 1) * grades),
            "sessions_per_day": 2,
        }
    )
    q, s = np.arange(n) * 100.0, np.linspace(0.0, 100.0 * n, m)
    distances = pd.DataFrame(
        {
            "quarter_id": np.repeat(qid, m),
            "school_id": np.tile(schools["school_id"], n),
            "metres": np.abs(q[:, None] - s[None, :]).ravel() + 50.0,
        }
    )
    return build_problem(
        demand, schools, distances, level="tieu_hoc", school_years=year_ids, norms=NORMS, grades=grade_ids
    )


def picked(problem, time_limit: float = 60.0, **options) -> tuple[str, int]:
    """What auto picks with `time_limit`, and the model's binary pair columns."""
    model_options = ModelOptions(**options)
    model = build_model(problem, model_options)
    binaries = int(model.integer[: model.n_pairs].sum())
    return auto_strategy(model, problem, model_options, time_limit=time_limit), binaries


def at_and_above(limit: int, grades: int, years: int, time_limit: float) -> tuple[tuple, tuple]:
    """auto's choice with exactly `limit` pairs (4 schools) and with 4 more."""
    assert limit % 4 == 0
    n = limit // 4
    return (
        picked(line_problem(n, 4, grades, years), time_limit),
        picked(line_problem(n + 1, 4, grades, years), time_limit),
    )


@pytest.mark.parametrize("time_limit", [5.0, EXACT_SHORT_SECONDS, 60.0])
@pytest.mark.parametrize(("grades", "years"), [(5, 5), (2, 2)])
def test_several_grades_and_years_go_lp_guided_above_200_pairs(grades, years, time_limit):
    assert EXACT_MAX_BINARIES_GRADES == 200
    at, above = at_and_above(200, grades, years, time_limit)
    assert at == ("exact", 200)
    assert above == ("lp_guided", 204)


@pytest.mark.parametrize("time_limit", [5.0, EXACT_SHORT_SECONDS])
def test_several_grades_one_year_short_limit_goes_lp_guided_above_200_pairs(time_limit):
    at, above = at_and_above(EXACT_MAX_BINARIES_GRADES, 5, 1, time_limit)
    assert at == ("exact", 200) and above == ("lp_guided", 204)


def test_several_grades_one_year_long_limit_stays_exact_up_to_500_pairs():
    assert EXACT_MAX_BINARIES_GRADES_YEAR == 500
    assert picked(line_problem(51, 4, grades=4), time_limit=EXACT_SHORT_SECONDS + 0.1) == ("exact", 204)
    at, above = at_and_above(500, 4, 1, 60.0)
    assert at == ("exact", 500) and above == ("lp_guided", 504)


@pytest.mark.parametrize("years", [1, 5])
def test_one_grade_keeps_the_1500_pair_limit(years):
    """The entry grade alone, in one or five years: exact up to 1,500 pairs, also at 5 s."""
    assert EXACT_MAX_BINARIES == 1500
    for time_limit in (5.0, 60.0):
        assert picked(line_problem(300, 5, 1, years), time_limit) == ("exact", 1500)
    assert picked(line_problem(301, 5, 1, years), 5.0) == ("lp_guided", 1505)


def test_the_limit_counts_pairs_exactly(monkeypatch):
    """One pair above the limit is enough (the limit moved next to a 60-pair model)."""
    problem = line_problem(20, 3, grades=5)  # 60 pairs
    monkeypatch.setattr(strategy, "EXACT_MAX_BINARIES_GRADES", 60)
    assert picked(problem, 5.0) == ("exact", 60)
    monkeypatch.setattr(strategy, "EXACT_MAX_BINARIES_GRADES", 59)
    assert picked(problem, 5.0) == ("lp_guided", 60)


def test_exact_max_binaries_table():
    assert exact_max_binaries(1, 1, 5.0) == exact_max_binaries(1, 5, 60.0) == 1500
    assert exact_max_binaries(5, 1, 20.0) == exact_max_binaries(2, 5, 60.0) == 200
    assert exact_max_binaries(5, 1, 20.5) == 500
    assert exact_max_binaries(5, 5, 60.0, contiguity=True) == exact_max_binaries(4, 1, 5.0, contiguity=True) == 1500


def test_contiguity_split_and_other_solvers_keep_their_rules():
    """Several grades above 200 pairs: with contiguity exact until 1,500 pairs (the contiguous
    strategy was worse below), split quarters and CBC always exact."""
    problem = line_problem(EXACT_MAX_BINARIES_GRADES // 4 + 1, 4, grades=5, years=2)
    ids = [f"Q{i:04d}" for i in range(problem.shape[0])]
    chain = pd.DataFrame({"quarter_id_a": ids[:-1], "quarter_id_b": ids[1:], "shared_m": 100.0})
    assert picked(problem, adjacency=chain) == ("exact", 204)
    big = line_problem(301, 5, grades=2)
    ids = [f"Q{i:04d}" for i in range(big.shape[0])]
    chain = pd.DataFrame({"quarter_id_a": ids[:-1], "quarter_id_b": ids[1:], "shared_m": 100.0})
    assert picked(big, adjacency=chain) == ("contiguous", 1505)
    assert picked(problem, split=True)[0] == "exact"  # the heuristics zone whole quarters
    model_options = ModelOptions()
    model = build_model(problem, model_options)
    assert auto_strategy(model, problem, model_options, solver="cbc") == "exact"


def test_solve_with_strategy_reports_what_auto_picked(monkeypatch):
    """The StrategyOutcome says the strategy auto chose (a small model, the limit moved)."""
    problem = line_problem(12, 3, grades=2)  # 36 pairs, 2 grades
    options = ModelOptions()
    model = build_model(problem, options)
    monkeypatch.setattr(strategy, "EXACT_MAX_BINARIES_GRADES", 36)
    solved = solve_with_strategy(model, problem, options, time_limit=5)
    assert solved.strategy == "exact" and [s["step"] for s in solved.steps] == ["mip"]
    monkeypatch.setattr(strategy, "EXACT_MAX_BINARIES_GRADES", 35)
    solved = solve_with_strategy(model, problem, options, time_limit=1)
    assert solved.strategy == "lp_guided" and solved.steps[0]["step"] == "lp_relaxation"
