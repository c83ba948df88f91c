"""A seeded primary-school city for the zoning tests (`from scattered_city import scattered_city`):
quarters and schools scattered uniformly in a square, pupils per grade, rooms a little above the
need, metres 1.3 × the straight line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity import load_norms
from zoning import build_problem
from zoning.problem import ZoningProblem

NORMS = load_norms()
GRADES = ("lop_1", "lop_2", "lop_3", "lop_4", "lop_5")


def scattered_city(
    n: int,
    m: int,
    *,
    side: float = 10_000.0,
    spare: float = 1.12,
    seed: int = 0,
    grades: tuple[str, ...] = GRADES,
    years: tuple[int, ...] = (2027,),
) -> ZoningProblem:
    """`n` quarters and `m` schools in a `side`-metre square; each quarter's pupils per grade of
    `grades` (gamma(4, 3.5) × 0.85–1.15 per grade) in the first of `years`, 10% more each later
    year; each school's rooms its share (0.7–1.3 weights) of `spare` × the classes of 35 the
    city needs in the first year × (1 + 0.1 per later year), plus 3."""
    rng = np.random.default_rng(seed)
    q = rng.uniform(0, side, size=(n, 2))
    s = rng.uniform(0, side, size=(m, 2))
    per_grade = rng.gamma(4.0, 3.5, size=(n, 1)) * rng.uniform(0.85, 1.15, size=(n, len(grades)))
    qid = [f"Q{i:05d}" for i in range(n)]
    demand = pd.concat(
        [
            pd.DataFrame(
                {
                    "quarter_id": np.repeat(qid, len(grades)),
                    "school_year": year,
                    "level": "tieu_hoc",
                    "grade": np.tile(grades, n),
                    "age": np.tile(np.arange(6, 6 + len(grades)), n),
                    "mean": (per_grade * (1 + 0.1 * k)).ravel().round(2),
                }
            )
            for k, year in enumerate(years)
        ],
        ignore_index=True,
    )
    weights = rng.uniform(0.7, 1.3, size=m)
    rooms = np.round(weights / weights.sum() * per_grade.sum() / 35 * spare * (1 + 0.1 * (len(years) - 1))) + 3
    schools = pd.DataFrame(
        {
            "school_id": [f"S{j:03d}" for j in range(m)],
            "name": [f"Trường {j}" for j in range(m)],
            "level": "tieu_hoc",
            "classrooms": rooms.astype(int),
            "sessions_per_day": 2,
        }
    )
    metres = np.hypot(q[:, None, 0] - s[None, :, 0], q[:, None, 1] - s[None, :, 1]) * 1.3
    distances = pd.DataFrame(
        {"quarter_id": np.repeat(qid, m), "school_id": np.tile(schools["school_id"], n), "metres": metres.ravel()}
    )
    return build_problem(
        demand, schools, distances, level="tieu_hoc", school_years=list(years), norms=NORMS, grades=list(grades)
    )
