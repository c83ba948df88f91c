"""Hand-sized primary-school zonings for the zoning tests (`from hand_zoning import …`): quarters
with pupils per grade, schools with classrooms, metres per pair, and the pair bookkeeping."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from capacity import load_norms
from zoning import build_problem
from zoning.model import MatrixModel, ModelOptions, build_model
from zoning.problem import ZoningProblem

NORMS = load_norms()
FAR = 50_000.0
"""Metres of every pair a test does not list (never a sensible school)."""
AGES = {"lop_1": 6, "lop_2": 7, "lop_3": 8, "lop_4": 9, "lop_5": 10}


def hand_instance(
    pupils: Mapping[str, tuple[float, ...]],
    rooms: Mapping[str, int],
    metres: Mapping[tuple[str, str], float],
    *,
    grades: tuple[str, ...],
    k_nearest: int,
) -> tuple[ZoningProblem, MatrixModel]:
    """Quarters with pupils per grade of `grades` (35 pupils per class, 1 room per class: two
    sessions a day), school year 2027; unlisted pairs are FAR metres; no distance penalty."""
    qid, sid = list(pupils), list(rooms)
    demand = pd.DataFrame(
        {
            "quarter_id": np.repeat(qid, len(grades)),
            "school_year": 2027,
            "level": "tieu_hoc",
            "grade": list(grades) * len(qid),
            "age": [AGES[g] for g in grades] * len(qid),
            "mean": [v for q in qid for v in pupils[q]],
        }
    )
    schools = pd.DataFrame(
        {
            "school_id": sid,
            "name": sid,
            "level": "tieu_hoc",
            "classrooms": [rooms[s] for s in sid],
            "sessions_per_day": 2,
        }
    )
    distances = pd.DataFrame(
        [(q, s, metres.get((q, s), FAR)) for q in qid for s in sid], columns=["quarter_id", "school_id", "metres"]
    )
    problem = build_problem(demand, schools, distances, level="tieu_hoc", school_years=2027, norms=NORMS, grades=grades)
    model = build_model(problem, ModelOptions(k_nearest=k_nearest, distance_penalty=0.0))
    return problem, model


def pairs_for(model, problem, schools: dict[str, str]) -> np.ndarray:
    """Pair index per quarter for {quarter_id: school_id}."""
    q_index = {q: i for i, q in enumerate(problem.quarter_ids)}
    s_index = {s: j for j, s in enumerate(problem.school_ids)}
    chosen = np.full(len(q_index), -1)
    for q, s in schools.items():
        hit = np.flatnonzero((model.pair_quarter == q_index[q]) & (model.pair_school == s_index[s]))
        chosen[q_index[q]] = hit[0]
    return chosen


def schools_of(model, problem, chosen) -> dict[str, str]:
    """{quarter_id: school_id} of a pair index per quarter."""
    return {
        str(problem.quarter_ids[model.pair_quarter[p]]): str(problem.school_ids[model.pair_school[p]]) for p in chosen
    }
