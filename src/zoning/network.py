"""The school network from the project's tables: new sites, closures, constraints, neighbours.

    from zoning.network import network_problems, plan_school_network
    nets = network_problems(demand, ward.schools, distances, levels=["tieu_hoc", "thcs"],
                            school_years=range(2026, 2031), norms=norms, candidates=candidates,
                            neighbours=neighbours, current=ward.zones)
    plan = plan_school_network(nets, budget=300e9, constraints=constraints)
    plan.opened      # sites that open: level, site_id, opens, rooms, cost
    plan.trips(2030) # each quarter's school and distance in 2030
    curve, plans = tradeoff_curve(nets, [0, 1, 2, 3])   # budget → pupil-metres, overflow

`distances` must cover the candidate sites and the neighbour schools too (`school_id` = the
site id / the neighbour's id), e.g. `quarter_school_distances(quarters, points)` over a table
of all their positions (`network_points`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from zoning.closures import ClosureStudy, TripRule, closure_effects, small_schools
from zoning.constraints import PlannerConstraints
from zoning.network_problem import NetworkProblem, build_network_problem
from zoning.problem import build_problem
from zoning.sites import NetworkOptions, NetworkResult, plan_network, tradeoff_curve

__all__ = ["network_points", "network_problems", "plan_school_network", "study_closures", "tradeoff_curve"]


def network_points(
    schools: pd.DataFrame, candidates: pd.DataFrame | None = None, neighbours: pd.DataFrame | None = None
) -> pd.DataFrame:
    """`school_id, lon, lat` of the schools, the candidate sites (one row per site) and the
    neighbour schools, for `quarter_school_distances`."""
    parts = [schools[["school_id", "lon", "lat"]]]
    if candidates is not None and len(candidates):
        parts.append(
            candidates.drop_duplicates("site_id").rename(columns={"site_id": "school_id"})[["school_id", "lon", "lat"]]
        )
    if neighbours is not None and len(neighbours):
        parts.append(neighbours.drop_duplicates("school_id")[["school_id", "lon", "lat"]])
    points = pd.concat(parts, ignore_index=True)
    return points.assign(school_id=points["school_id"].astype(str)).drop_duplicates("school_id")


def network_problems(
    demand: pd.DataFrame,
    schools: pd.DataFrame,
    distances: pd.DataFrame,
    *,
    levels: Iterable[str],
    school_years: Sequence[int] | range,
    norms: Any,
    candidates: pd.DataFrame | None = None,
    neighbours: pd.DataFrame | None = None,
    current: pd.DataFrame | None = None,
    grades: dict[str, Sequence[str]] | None = None,
    setting: str = "urban",
    closable: Sequence[str] = (),
) -> list[NetworkProblem]:
    """One `NetworkProblem` per level (existing schools from `schools`, candidate sites and
    neighbour schools of that level). Raises ValueError naming the table, column and rows."""
    years = [int(y) for y in school_years]
    nets = []
    for level in levels:
        problem = build_problem(
            demand,
            schools,
            distances,
            level=level,
            school_years=years,
            norms=norms,
            current=current,
            grades=(grades or {}).get(level),
            setting=setting,
        )
        ids = set(problem.school_ids.astype(str))
        nets.append(
            build_network_problem(
                problem,
                norms=norms,
                candidates=candidates,
                neighbours=neighbours,
                distances=distances,
                closable=[s for s in closable if s in ids],
            )
        )
    return nets


def plan_school_network(
    nets: Sequence[NetworkProblem],
    *,
    budget: float | None = None,
    max_sites: int | None = None,
    constraints: PlannerConstraints | None = None,
    time_limit: float = 60.0,
    solver: str = "highs",
    **options: Any,
) -> NetworkResult:
    """Which candidate sites open, when and how big, and the zones they take, for the levels of
    `nets` together (a money `budget` in VND and/or `max_sites` shared by the levels). Other
    keyword arguments are `NetworkOptions` fields (k_nearest, distance_penalty,
    neighbour_penalty, overflow_penalty, split, closed)."""
    return plan_network(
        nets,
        constraints=constraints,
        options=NetworkOptions(budget=budget, max_sites=max_sites, **options),
        time_limit=time_limit,
        solver=solver,
    )


def study_closures(
    nets: Sequence[NetworkProblem],
    schools: pd.DataFrame,
    norms: Any,
    *,
    rule: TripRule | None = None,
    merges: dict[str, str] | None = None,
    extra: Sequence[str] = (),
    constraints: PlannerConstraints | None = None,
    time_limit: float = 30.0,
    **options: Any,
) -> tuple[pd.DataFrame, ClosureStudy]:
    """The small schools and satellite sites of `schools` (`small_schools`, from the plan with
    every school open) plus `extra` school ids, each closed alone, the `merges`, and the best
    combination (`closure_effects`). Returns (the schools reviewed, the study)."""
    opts = NetworkOptions(**options)
    baseline = plan_network(nets, constraints=constraints, options=opts, time_limit=time_limit)
    reviewed = small_schools(baseline.load, schools, norms)
    ids = list(dict.fromkeys([*reviewed["school_id"].astype(str), *map(str, extra)]))
    study = closure_effects(
        nets, ids, rule=rule or TripRule(), merges=merges, constraints=constraints, options=opts, time_limit=time_limit
    )
    return reviewed, study
