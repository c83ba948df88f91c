"""Merging and closing small schools and satellite sites ("tinh gọn điểm trường lẻ").

`small_schools` lists the schools a planner would review: those whose classes stay below the
school-size norm (capacity's norm table, `school_min_classes`, TT 13/2020) in every school
year of a plan, and the satellite sites the schools table marks (`satellite` true, or a
`site_of` naming the main school). `closure_effects` measures, for each of them alone and for
the best combination:
- every quarter's trip before (the current zoning where the ward has one, else the plan with
  every school open) and after (the plan with the school closed, all other schools re-zoned);
- pupil-metres and pupils over capacity before and after;
- under the plans' rule "không làm tăng khoảng cách đi học" (`TripRule`): no quarter's trip
  may grow by more than `max_increase` metres and/or beyond the walking-distance norm. A
  closure that leaves some quarter no school within its limit, or that adds pupils over
  capacity, is refused, and the quarters concerned are named.
A merger of S into H is a closure of S whose quarters (its zone before) must go to H.

The best combination closes the most of the closures allowed alone with every quarter within
its limit and no more pupils over capacity than before (fewest pupil-metres among those): the
network model with a binary c[j] per school (`zoning.sites`) and the row Σ c ≥ K, solved for
K from the number allowed alone downwards until one is feasible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from zoning.constraints import PairRules, PlannerConstraints, pair_rules
from zoning.network_problem import NetworkProblem
from zoning.sites import NetworkOptions, NetworkResult, plan_network

__all__ = ["ClosureStudy", "TripRule", "closure_effects", "small_schools", "trip_limits"]

OVERFLOW_TOLERANCE = 0.5
"""Pupils over capacity a closure may add before it counts as creating overflow."""


@dataclass(frozen=True)
class TripRule:
    """ "No longer trips": a quarter's trip may grow by at most `max_increase` metres and/or
    (`within_norm`) only while it stays within the walking-distance norm of the level. With
    both, both must hold; with neither, trips are not limited (only reported)."""

    max_increase: float | None = None
    within_norm: bool = False

    @property
    def active(self) -> bool:
        return self.max_increase is not None or self.within_norm


@dataclass(frozen=True, eq=False)
class ClosureStudy:
    """Records of a closure study.

    scenarios: one row per scenario (`scenario, kind (close | merge | best), closed, host,
        allowed, reason (trip_rule | overflow | infeasible | ''), pupil_metres_before,
        pupil_metres_after, overflow_before, overflow_after, quarters_longer,
        max_increase_m, refused_quarters`).
    trips: per scenario and quarter (last school year of the plan): `scenario, level,
        quarter_id, school_before, distance_before, school_after, distance_after,
        increase_m, within_rule`.
    plans: the plan of each scenario (`NetworkResult`) by scenario name; `baseline` is the
    plan with every school open.
    """

    scenarios: pd.DataFrame
    trips: pd.DataFrame
    plans: Mapping[str, NetworkResult]
    best: tuple[str, ...]


def small_schools(load: pd.DataFrame, schools: pd.DataFrame, norms: Any) -> pd.DataFrame:
    """Schools below the school-size norm in every year of `load` (a plan's load table:
    `level, school_id, school_year, classes`), and satellite sites marked in `schools`.

    Returns `level, school_id, name, classes (most in any year), min_classes, reason` (small,
    satellite or both)."""
    existing = load[load["kind"] == "existing"] if "kind" in load.columns else load
    most = existing.groupby(["level", "school_id"], as_index=False).agg(
        classes=("classes", "max"), name=("name", "first")
    )
    most["min_classes"] = [
        norms.school_classes(lv)[0]
        if hasattr(norms, "school_classes")
        else float(norms["school_min_classes"][(lv, "*")])
        for lv in most["level"]
    ]
    small = most["classes"] < most["min_classes"]
    satellite = pd.Series(False, index=most.index)
    flags = pd.Series(False, index=schools.index)
    if "satellite" in schools.columns:
        flags |= schools["satellite"].astype(str).str.strip().str.lower().isin(["1", "true", "yes", "x", "có"])
    if "site_of" in schools.columns:
        flags |= schools["site_of"].notna() & (schools["site_of"].astype(str).str.strip() != "")
    marked = set(
        zip(schools.loc[flags, "level"].astype(str), schools.loc[flags, "school_id"].astype(str), strict=False)
    )
    satellite = pd.Series(
        [(lv, s) in marked for lv, s in zip(most["level"], most["school_id"], strict=False)], index=most.index
    )
    most["reason"] = np.select([small & satellite, small, satellite], ["small,satellite", "small", "satellite"], "")
    return most[small | satellite].reset_index(drop=True)[
        ["level", "school_id", "name", "classes", "min_classes", "reason"]
    ]


def _before(net: NetworkProblem, plan: NetworkResult) -> tuple[np.ndarray, np.ndarray]:
    """(school position, metres) of each quarter's trip before: its current school where the
    ward has a zoning (the farthest when shared), else the baseline plan's in its last year."""
    zp = net.zoning
    n, _m, _T, _ = zp.shape
    trips = plan.trips()
    trips = trips[trips["level"] == zp.level].set_index("quarter_id")
    school = pd.Index(zp.school_ids.astype(str)).get_indexer(trips["school_id"].reindex(zp.quarter_ids.astype(str)))
    metres = zp.distance[np.arange(n), school]
    if zp.current is not None:
        cur = zp.current > 0
        has = cur.any(axis=1)
        far = np.argmax(np.where(cur, np.nan_to_num(zp.distance, nan=-1.0), -np.inf), axis=1)
        school = np.where(has, far, school)
        metres = np.where(has, zp.distance[np.arange(n), far], metres)
    return school, metres


def trip_limits(net: NetworkProblem, before_metres: np.ndarray, rule: TripRule) -> np.ndarray | None:
    """(n,) the longest trip each quarter may have under `rule` (None: no limit)."""
    if not rule.active:
        return None
    limit = np.full(len(before_metres), np.inf)
    if rule.max_increase is not None:
        limit = np.minimum(limit, before_metres + rule.max_increase)
    if rule.within_norm:
        norm = net.zoning.norm_distance
        limit = np.minimum(limit, np.maximum(before_metres, norm if norm is not None else np.inf))
    return limit


def _trips(
    name: str,
    nets: Sequence[NetworkProblem],
    befores: Sequence[tuple[np.ndarray, np.ndarray]],
    limits: Sequence[np.ndarray | None],
    plan: NetworkResult,
) -> pd.DataFrame:
    frames = []
    after_all = (
        plan.trips()
        if len(plan.assignment)
        else pd.DataFrame(columns=["level", "quarter_id", "school_id", "distance_m"])
    )
    for net, (school, metres), limit in zip(nets, befores, limits, strict=False):
        zp = net.zoning
        after = after_all[after_all["level"] == zp.level].set_index("quarter_id").reindex(zp.quarter_ids.astype(str))
        distance_after = after["distance_m"].to_numpy(dtype=float)
        frames.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "level": zp.level,
                    "quarter_id": zp.quarter_ids.astype(str),
                    "school_before": zp.school_ids[school].astype(str),
                    "distance_before": metres,
                    "school_after": after["school_id"].to_numpy(),
                    "distance_after": distance_after,
                    "increase_m": distance_after - metres,
                    "within_rule": True if limit is None else distance_after <= limit + 1e-6,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def closure_effects(
    nets: Sequence[NetworkProblem],
    schools: Sequence[str],
    *,
    rule: TripRule = TripRule(),
    merges: Mapping[str, str] | None = None,
    constraints: PlannerConstraints | None = None,
    options: NetworkOptions | None = None,
    time_limit: float = 30.0,
    combine: bool = True,
) -> ClosureStudy:
    """The effect of closing each of `schools` alone, of each merger in `merges` ({closed:
    host}), and (`combine`) of the best combination of the closures allowed alone."""
    options = options or NetworkOptions()
    baseline = plan_network(nets, constraints=constraints, options=options, time_limit=time_limit)
    befores = [_before(net, baseline) for net in nets]
    limits = [trip_limits(net, b[1], rule) for net, b in zip(nets, befores, strict=False)]
    base_rules = [pair_rules(net, constraints, k_nearest=options.k_nearest) for net in nets]
    rule_rules = [
        pair_rules(net, constraints, k_nearest=options.k_nearest, limit=lim) if lim is not None else r
        for net, lim, r in zip(nets, limits, base_rules, strict=False)
    ]
    scenarios: list[dict] = []
    trips = [_trips("baseline", nets, befores, limits, baseline)]
    plans: dict[str, NetworkResult] = {"baseline": baseline}

    def study(
        name: str, kind: str, closed: tuple[str, ...], host: str, rules: list[PairRules], opts: NetworkOptions
    ) -> NetworkResult:
        plan = plan_network(nets, constraints=constraints, options=opts, time_limit=time_limit, rules=rules)
        plans[name] = plan
        frame = _trips(name, nets, befores, limits, plan)
        trips.append(frame)
        solved = plan.status in ("optimal", "feasible")
        breaking = list(dict.fromkeys(frame.loc[~frame["within_rule"].astype(bool), "quarter_id"])) if solved else []
        extra = plan.overflow_pupils - baseline.overflow_pupils if solved else np.nan
        reason = (
            "infeasible"
            if not solved
            else "trip_rule"
            if breaking
            else "overflow"
            if extra > OVERFLOW_TOLERANCE
            else ""
        )
        longer = frame["increase_m"] > 1e-6
        scenarios.append(
            {
                "scenario": name,
                "kind": kind,
                "closed": ",".join(closed),
                "host": host,
                "allowed": reason == "",
                "reason": reason,
                "pupil_metres_before": baseline.pupil_metres,
                "pupil_metres_after": plan.pupil_metres,
                "overflow_before": baseline.overflow_pupils,
                "overflow_after": plan.overflow_pupils,
                "quarters_longer": int(longer.sum()),
                "max_increase_m": float(frame["increase_m"].max()) if longer.any() else 0.0,
                "refused_quarters": ",".join(breaking),
            }
        )
        return plan

    allowed_alone: list[str] = []
    for s in schools:
        study(f"close {s}", "close", (s,), "", rule_rules, replace(options, closed=(s,)))
        if scenarios[-1]["allowed"]:
            allowed_alone.append(s)
    for s, host in (merges or {}).items():
        zone = [
            (net.level, str(q))
            for net, (school, _) in zip(nets, befores, strict=False)
            for q in net.zoning.quarter_ids[net.zoning.school_ids[school].astype(str) == s]
        ]
        must = pd.DataFrame(
            [{"quarter_id": q, "school_id": host, "level": lv} for lv, q in zone],
            columns=["quarter_id", "school_id", "level"],
        )
        extra = replace(
            constraints or PlannerConstraints(),
            must=pd.concat(
                [(constraints.must if constraints and constraints.must is not None else must.iloc[:0]), must],
                ignore_index=True,
            ),
        )
        merged_rules = [
            pair_rules(net, extra, k_nearest=options.k_nearest, limit=lim)
            for net, lim in zip(nets, limits, strict=False)
        ]
        study(f"merge {s} into {host}", "merge", (s,), host, merged_rules, replace(options, closed=(s,)))
    best: tuple[str, ...] = ()
    if combine and len(allowed_alone) > 1:
        closable_nets = [
            replace(net, closable=np.isin(net.zoning.school_ids.astype(str), allowed_alone)) for net in nets
        ]
        for k in range(len(allowed_alone), 1, -1):
            opts = replace(options, min_closed=k, max_overflow=baseline.overflow_pupils + OVERFLOW_TOLERANCE)
            plan = plan_network(
                closable_nets,
                constraints=constraints,
                options=opts,
                time_limit=time_limit,
                rules=rule_rules,
                diagnose=False,
            )
            if plan.status in ("optimal", "feasible"):
                best = plan.closed
                study("best combination", "best", best, "", rule_rules, replace(options, closed=best))
                break
    if allowed_alone and not best:  # no two together: the single closure with the least travel
        alone = pd.DataFrame(scenarios)
        alone = alone[(alone["kind"] == "close") & alone["allowed"]]
        best = (str(alone.sort_values("pupil_metres_after", kind="stable")["closed"].iloc[0]),)
    return ClosureStudy(
        scenarios=pd.DataFrame(scenarios), trips=pd.concat(trips, ignore_index=True), plans=plans, best=best
    )
