"""Choosing new school sites: which candidates open, with how many rooms, from which year.

`plan_network(nets, constraints=..., options=NetworkOptions(budget=...))` builds the network
model (`zoning.network_model`, formulation written out there), solves it (HiGHS through
highspy with the LP-guided strategy of `zoning.network_strategy`, or the PuLP formulation of
the same matrices with `solver="pulp-highs"` / `"cbc"`), right-sizes the opened sites and
returns a `NetworkResult` of records: which sites, when, how many rooms, the zones they take,
cost, pupils over capacity, the planner's constraints that could not all hold.
`tradeoff_curve` gives budget → pupil-metres and pupils over capacity.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from zoning.constraints import PairRules, PlannerConstraints, conflict_frame, pair_rules
from zoning.network_model import (
    AUTO_K_NEAREST,
    LevelBlock,
    NetworkModel,
    NetworkOptions,
    build_network_model,
    early_fixed,
    start_vector,
)
from zoning.network_problem import NetworkProblem
from zoning.network_strategy import solve_network_model
from zoning.solve import MIP_REL_GAP, SolveOutcome, solve_model

__all__ = [
    "AUTO_K_NEAREST",
    "LevelBlock",
    "NetworkModel",
    "NetworkOptions",
    "NetworkResult",
    "build_network_model",
    "plan_network",
    "result_from_values",
    "start_vector",
    "tradeoff_curve",
]

DEFAULT_OPTIONS = NetworkOptions()
"""No budget, every pair: the options of `plan_network` and `tradeoff_curve` by default."""


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NetworkResult:
    """The network plan as records.

    sites: per candidate site `level, site_id, name, opened, opens (school year), rooms, cost,
        rooms_needed, pupils_last_year` (rooms: the smallest option that seats what the model
        sends there, `right_sized` True when that is smaller than the solver's option).
    assignment: `school_year, level, quarter_id, school_id, kind, ward, share, pupils, distance_m`.
    load: `level, school_id, name, kind, ward, school_year, pupils, classes, rooms_available,
        rooms_needed, overflow_pupils`.
    summary: per `level, school_year`: `pupils, pupil_metres, mean_distance_m, overflow_pupils,
        neighbour_pupils, sites_open`.
    conflicts: planner constraints that could not all hold (`zoning.constraints`).
    status: optimal, feasible (time limit), infeasible, no_solution; objective / bound / gap as
    the solver reported them (pupil-metres with penalties). steps: seconds of the LP and of the
    phase zonings and the start's objective (`zoning.network_strategy`).
    """

    status: str
    solver: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    build_seconds: float
    cost: float
    pupil_metres: float
    overflow_pupils: float
    sites: pd.DataFrame
    assignment: pd.DataFrame
    load: pd.DataFrame
    summary: pd.DataFrame
    conflicts: pd.DataFrame
    closed: tuple[str, ...] = ()
    values: np.ndarray | None = field(default=None, repr=False)
    steps: dict = field(default_factory=dict)

    @property
    def opened(self) -> pd.DataFrame:
        """The sites that open."""
        return self.sites[self.sites["opened"]]

    def trips(self, school_year: int | None = None) -> pd.DataFrame:
        """Each quarter's school and distance (the largest share) in `school_year` (default: the last)."""
        a = self.assignment
        year = a["school_year"].max() if school_year is None else school_year
        a = a[a["school_year"] == year].sort_values("share", ascending=False, kind="stable")
        return a.drop_duplicates(["level", "quarter_id"]).sort_values(["level", "quarter_id"], ignore_index=True)


SITE_COLUMNS = [
    "level",
    "site_id",
    "name",
    "opened",
    "opens",
    "rooms",
    "cost",
    "rooms_needed",
    "right_sized",
    "pupils_last_year",
]


def _open_when_needed(model: NetworkModel, values: np.ndarray) -> np.ndarray:
    """Each opened site from the first year it takes pupils: the strengthened model opens
    every site in its first possible year (`network_model`, z[o,t] = z[o,t+1]), which costs
    nothing; the years before it takes anyone are given back (same zones, same objective)."""
    values = values.copy()
    for b in model.blocks:
        net = b.net
        _n, m, T, G = net.shape
        n_opt = len(net.option_school)
        if not n_opt:
            continue
        free = early_fixed(b, model.options)
        z = np.round(values[b.z0 : b.z0 + n_opt * T].reshape(n_opt, T))
        x = values[b.x0 : b.n0].reshape(-1, T)
        taken = np.zeros((m, T))
        np.add.at(taken, b.pair_school, x)
        for o in np.flatnonzero((z[:, T - 1] > 0.5) & free):
            j = int(net.option_school[o])
            used = np.flatnonzero(taken[j] > 1e-6)
            if not len(used):
                continue
            first = int(used[0])
            values[b.z0 + o * T : b.z0 + o * T + first] = 0.0
            cells = (j * T + np.arange(first))[:, None] * G + np.arange(G)[None, :]
            values[b.n0 + cells.ravel()] = 0.0
            values[b.o0 + cells.ravel()] = 0.0
    return values


def _right_size(model: NetworkModel, values: np.ndarray) -> np.ndarray:
    """Each opened site at its smallest option that still holds the classes the solution
    opens there in every year (same zoning, same pupil-metres, less cost)."""
    values = values.copy()
    used = _open_when_needed(model, values)  # classes only in the years a site takes pupils
    for b in model.blocks:
        net, zp = b.net, b.net.zoning
        _n, m, T, G = zp.shape
        n_opt = len(net.option_school)
        if not n_opt:
            continue
        values[b.n0 : b.z0] = used[b.n0 : b.z0]  # no class at a site before it takes pupils
        z = np.round(values[b.z0 : b.z0 + n_opt * T].reshape(n_opt, T))
        classes = np.round(used[b.n0 : b.o0].reshape(m, T, G), 6)
        need = (classes.sum(axis=2) * zp.rooms_per_class[:, None]).max(axis=1)  # (m,)
        for o in np.flatnonzero(z[:, T - 1] > 0.5):
            j = net.option_school[o]
            same = np.flatnonzero(
                (net.option_school == j)
                & (net.option_rooms >= need[j] - 1e-9)
                & (net.option_first <= int(np.argmax(z[o] > 0.5)))
            )
            if len(same) == 0:
                continue
            best = same[np.argmin(net.option_cost[same] + 1e-9 * net.option_rooms[same])]
            if best != o and net.option_cost[best] <= net.option_cost[o]:
                values[b.z0 + best * T : b.z0 + (best + 1) * T] = z[o]
                values[b.z0 + o * T : b.z0 + (o + 1) * T] = 0.0
    return values


def _tables(model: NetworkModel, values: np.ndarray) -> dict[str, pd.DataFrame]:
    sites, assign, load, summary = [], [], [], []
    for b in model.blocks:
        net, zp = b.net, b.net.zoning
        _n, m, T, G = zp.shape
        P, n_opt = len(b.pair_quarter), len(net.option_school)
        years = np.asarray(zp.school_years)
        x = values[b.x0 : b.x0 + P * T].reshape(P, T)
        classes = values[b.n0 : b.o0].reshape(m, T, G)
        over = values[b.o0 : b.z0].reshape(m, T, G)
        z = np.round(values[b.z0 : b.z0 + n_opt * T].reshape(n_opt, T))
        option_rooms = b.site_rooms(values)
        closed = np.zeros(m, dtype=bool)
        closed[b.closable] = values[b.c0 : b.c0 + len(b.closable)] > 0.5
        closed |= np.isin(zp.school_ids.astype(str), list(model.options.closed))
        rooms = np.where(closed[:, None], 0.0, zp.rooms) + option_rooms
        pt, tt = np.nonzero(x > 1e-6)
        q, s = b.pair_quarter[pt], b.pair_school[pt]
        share = x[pt, tt]
        pupils = zp.demand.sum(axis=2)[q, tt] * share
        assign.append(
            pd.DataFrame(
                {
                    "school_year": years[tt],
                    "level": zp.level,
                    "quarter_id": zp.quarter_ids[q].astype(str),
                    "school_id": zp.school_ids[s].astype(str),
                    "kind": net.kind[s],
                    "ward": net.ward[s],
                    "share": share,
                    "pupils": pupils,
                    "distance_m": zp.distance[q, s],
                }
            )
        )
        school_pupils = np.zeros((m, T))
        np.add.at(school_pupils, (s, tt), pupils)
        travel = np.zeros(T)
        np.add.at(travel, tt, pupils * zp.distance[q, s])
        nb_pupils = np.zeros(T)
        np.add.at(nb_pupils, tt, np.where(net.kind[s] == "neighbour", pupils, 0.0))
        whole = np.round(classes, 6)
        frame = pd.DataFrame(
            {
                "level": zp.level,
                "school_id": np.repeat(zp.school_ids.astype(str), T),
                "name": np.repeat(zp.school_names.astype(str), T),
                "kind": np.repeat(net.kind, T),
                "ward": np.repeat(net.ward, T),
                "school_year": np.tile(years, m),
                "pupils": school_pupils.ravel(),
                "classes": whole.sum(axis=2).ravel(),
                "rooms_available": rooms.ravel(),
                "rooms_needed": (whole.sum(axis=2) * zp.rooms_per_class[:, None]).ravel(),
                "overflow_pupils": over.sum(axis=2).ravel(),
                "closed": np.repeat(closed, T),
            }
        )
        keep = (frame["kind"] == "existing") | (frame["rooms_available"] > 0) | (frame["pupils"] > 0)
        load.append(frame[keep.to_numpy()])
        total_p = zp.demand.sum(axis=(0, 2))
        summary.append(
            pd.DataFrame(
                {
                    "level": zp.level,
                    "school_year": years,
                    "pupils": total_p,
                    "pupil_metres": travel,
                    "mean_distance_m": np.divide(travel, total_p, out=np.zeros(T), where=total_p > 0),
                    "overflow_pupils": over.sum(axis=(0, 2)),
                    "neighbour_pupils": nb_pupils,
                    "sites_open": (z.sum(axis=0) if n_opt else np.zeros(T)).astype(int),
                }
            )
        )
        for j in np.flatnonzero(net.kind == "candidate"):
            mine = np.flatnonzero(net.option_school == j)
            open_o = mine[z[mine, T - 1] > 0.5]
            opened = len(open_o) > 0
            o = open_o[0] if opened else -1
            first_t = int(np.argmax(z[o] > 0.5)) if opened else -1
            need = float((np.round(classes[j], 6).sum(axis=1) * zp.rooms_per_class[j]).max())
            solver_rooms = float(net.option_rooms[o]) if opened else 0.0
            sites.append(
                {
                    "level": zp.level,
                    "site_id": str(zp.school_ids[j]),
                    "name": str(zp.school_names[j]),
                    "opened": opened,
                    "opens": int(years[first_t]) if opened else pd.NA,
                    "rooms": solver_rooms if opened else pd.NA,
                    "cost": float(net.option_cost[o]) if opened else 0.0,
                    "rooms_needed": need,
                    "right_sized": False,
                    "pupils_last_year": float(school_pupils[j, T - 1]),
                }
            )
    return {
        "sites": pd.DataFrame(sites, columns=SITE_COLUMNS),
        "assignment": pd.concat(assign, ignore_index=True),
        "load": pd.concat(load, ignore_index=True),
        "summary": pd.concat(summary, ignore_index=True),
    }


def _empty_result(outcome: SolveOutcome, conflicts: pd.DataFrame, build: float) -> NetworkResult:
    empty = pd.DataFrame()
    return NetworkResult(
        status=outcome.status,
        solver=outcome.solver,
        objective=None,
        bound=outcome.bound,
        gap=None,
        seconds=outcome.seconds,
        build_seconds=build,
        cost=0.0,
        pupil_metres=float("nan"),
        overflow_pupils=float("nan"),
        sites=pd.DataFrame(columns=SITE_COLUMNS),
        assignment=empty,
        load=empty,
        summary=empty,
        conflicts=conflicts,
    )


def result_from_values(
    model: NetworkModel, outcome: SolveOutcome, conflicts: pd.DataFrame, build_seconds: float = 0.0
) -> NetworkResult:
    """Tabulate a solved model (right-sizing the opened sites first)."""
    if outcome.values is None:
        return _empty_result(outcome, conflicts, build_seconds)
    before = outcome.values
    values = _right_size(model, before)  # still a solution of the model (a warm start)
    tables = _tables(model, _open_when_needed(model, values))
    sites = tables["sites"]
    solver_sites = _tables(model, before)["sites"]
    sites["right_sized"] = sites["rooms"].fillna(0).to_numpy() < solver_sites["rooms"].fillna(0).to_numpy()
    # report the option rooms after right-sizing
    for b in model.blocks:
        net = b.net
        T = net.shape[2]
        n_opt = len(net.option_school)
        z = np.round(values[b.z0 : b.z0 + n_opt * T].reshape(n_opt, T))
        for o in np.flatnonzero(z[:, T - 1] > 0.5):
            row = (sites["level"] == net.level) & (sites["site_id"] == str(net.school_ids[net.option_school[o]]))
            sites.loc[row, "rooms"] = float(net.option_rooms[o])
            sites.loc[row, "cost"] = float(net.option_cost[o])
    closed = tuple(tables["load"].loc[tables["load"]["closed"], "school_id"].drop_duplicates())
    return NetworkResult(
        status=outcome.status,
        solver=outcome.solver,
        objective=model.objective(values),
        bound=outcome.bound,
        gap=outcome.gap,
        seconds=outcome.seconds,
        build_seconds=build_seconds,
        cost=float(sites.loc[sites["opened"], "cost"].sum()),
        pupil_metres=float(tables["summary"]["pupil_metres"].sum()),
        overflow_pupils=float(tables["summary"]["overflow_pupils"].sum()),
        sites=sites,
        assignment=tables["assignment"],
        load=tables["load"],
        summary=tables["summary"],
        conflicts=conflicts,
        closed=closed,
        values=values,
    )


# --- planning ----------------------------------------------------------------------------------


def _precheck(nets: Sequence[NetworkProblem], options: NetworkOptions) -> tuple[list[NetworkProblem], list[dict]]:
    """Must-open sites that cannot open (earliest year after the horizon) or that together
    cost more than the budget: recorded, and their must-open flag dropped."""
    out, rows = [], []
    for net in nets:
        T = net.shape[2]
        must = net.must_open.copy()
        for j in np.flatnonzero(must):
            mine = net.option_school == j
            if not (net.option_first[mine] < T).any():
                rows.append(
                    {
                        "constraint": "must_open",
                        "level": net.level,
                        "quarter_id": "",
                        "school_id": str(net.school_ids[j]),
                        "reason": "must_open_too_late",
                        "action": "dropped",
                    }
                )
                must[j] = False
        out.append(replace(net, must_open=must))
    cheapest = [
        (net.level, j, net.option_cost[net.option_school == j].min())
        for net in out
        for j in np.flatnonzero(net.must_open)
    ]
    over_budget = options.budget is not None and sum(c for _, _, c in cheapest) > options.budget + 1e-6
    over_count = options.max_sites is not None and len(cheapest) > options.max_sites
    if over_budget or over_count:
        for level, j, _ in cheapest:
            net = next(x for x in out if x.level == level)
            rows.append(
                {
                    "constraint": "must_open",
                    "level": level,
                    "quarter_id": "",
                    "school_id": str(net.school_ids[j]),
                    "reason": "must_open_over_budget",
                    "action": "dropped",
                }
            )
        out = [replace(net, must_open=np.zeros_like(net.must_open)) for net in out]
    return out, rows


def _diagnose(
    nets: Sequence[NetworkProblem], rules: Sequence[PairRules], options: NetworkOptions, time_limit: float
) -> list[dict]:
    """Which family of constraints makes the model infeasible: each family is dropped in turn
    (must pairs, feeder groups, must-open sites, closures) and the LP relaxation re-solved;
    the instances of every family whose removal restores feasibility are recorded."""
    rows: list[dict] = []
    trials = {
        "must": ([replace(r, must=np.zeros_like(r.must)) for r in rules], list(nets), options),
        "feeder": ([replace(r, feeder_groups=()) for r in rules], list(nets), options),
        "must_open": (list(rules), [replace(n, must_open=np.zeros_like(n.must_open)) for n in nets], options),
        "closed": (list(rules), list(nets), replace(options, closed=(), min_closed=None)),
        "max_overflow": (list(rules), list(nets), replace(options, max_overflow=None)),
    }
    for family, (r2, n2, o2) in trials.items():
        model = build_network_model(n2, r2, o2)
        outcome = solve_model(model.as_matrix_model(), relax=True, time_limit=time_limit)
        if outcome.status == "infeasible":
            continue
        for net, rule in zip(nets, rules, strict=False):
            zp = net.zoning
            if family == "must":
                for i, j in zip(*np.nonzero(rule.must), strict=False):
                    rows.append(
                        {
                            "constraint": "must",
                            "level": net.level,
                            "quarter_id": str(zp.quarter_ids[i]),
                            "school_id": str(zp.school_ids[j]),
                            "reason": "infeasible",
                            "action": "none",
                        }
                    )
            elif family == "feeder":
                for group in rule.feeder_groups:
                    for i in group:
                        rows.append(
                            {
                                "constraint": "feeder",
                                "level": net.level,
                                "quarter_id": str(zp.quarter_ids[i]),
                                "school_id": "",
                                "reason": "infeasible",
                                "action": "none",
                            }
                        )
            elif family == "must_open":
                for j in np.flatnonzero(net.must_open):
                    rows.append(
                        {
                            "constraint": "must_open",
                            "level": net.level,
                            "quarter_id": "",
                            "school_id": str(zp.school_ids[j]),
                            "reason": "infeasible",
                            "action": "none",
                        }
                    )
        if family in ("closed", "max_overflow"):
            shut = list(options.closed) + [str(s) for net in nets for s in net.school_ids[net.closable]]
            rows.append(
                {
                    "constraint": "closures" if family == "closed" else family,
                    "level": "",
                    "quarter_id": "",
                    "school_id": ",".join(shut) if family == "closed" else "",
                    "reason": "infeasible",
                    "action": "none",
                }
            )
    if not rows:
        rows.append(
            {
                "constraint": "model",
                "level": "",
                "quarter_id": "",
                "school_id": "",
                "reason": "infeasible",
                "action": "none",
            }
        )
    return rows


def plan_network(
    nets: Sequence[NetworkProblem],
    *,
    constraints: PlannerConstraints | None = None,
    options: NetworkOptions = DEFAULT_OPTIONS,
    time_limit: float = 60.0,
    solver: str = "highs",
    mip_rel_gap: float = MIP_REL_GAP,
    start: np.ndarray | None = None,
    rules: Sequence[PairRules] | None = None,
    diagnose: bool = True,
) -> NetworkResult:
    """Choose the sites (and zones, classes, closures) of the levels in `nets` together.

    Never raises for the planner's constraints: contradictions found before solving are in
    `result.conflicts` (and dropped so a plan is still made); when the model is still
    infeasible, `status` is "infeasible" and `conflicts` names the constraints and quarters
    whose removal makes it feasible (`diagnose`). `rules`: the pairs, when already made by
    `zoning.constraints.pair_rules` (then `constraints` only names them). Raises ValueError
    only for bad options.
    """
    if options.budget is not None and options.budget < 0:
        raise ValueError("budget must be ≥ 0 VND")
    if options.max_sites is not None and options.max_sites < 0:
        raise ValueError("max_sites must be ≥ 0")
    began = time.perf_counter()
    nets, pre = _precheck(nets, options)
    if rules is None:
        rules = []
        for net in nets:
            n, m, _, _ = net.shape
            k = options.k_nearest if options.k_nearest is not None else (AUTO_K_NEAREST if n * m > 20_000 else None)
            rules.append(pair_rules(net, constraints, k_nearest=k))
    for net, rule in zip(nets, rules, strict=False):
        shut = np.isin(net.school_ids.astype(str), list(options.closed))
        for i, j in zip(*np.nonzero(rule.must & shut[None, :]), strict=False):
            pre.append(
                {
                    "constraint": "must",
                    "level": net.level,
                    "quarter_id": str(net.zoning.quarter_ids[i]),
                    "school_id": str(net.school_ids[j]),
                    "reason": "must_at_closed_school",
                    "action": "dropped",
                }
            )
    conflicts = pd.concat([conflict_frame(pre), *[r.conflicts for r in rules]], ignore_index=True)
    model = build_network_model(nets, rules, options)
    build = time.perf_counter() - began
    steps: dict = {}
    if solver == "highs":
        outcome, steps = solve_network_model(model, time_limit=time_limit, mip_rel_gap=mip_rel_gap, start=start)
    else:
        outcome = solve_model(model.as_matrix_model(), solver=solver, time_limit=time_limit, mip_rel_gap=mip_rel_gap)
    if outcome.values is None and outcome.status == "infeasible" and diagnose:
        conflicts = pd.concat(
            [conflicts, conflict_frame(_diagnose(nets, rules, options, time_limit))], ignore_index=True
        )
    return replace(result_from_values(model, outcome, conflicts, build), steps=steps)


def tradeoff_curve(
    nets: Sequence[NetworkProblem],
    budgets: Sequence[float],
    *,
    by: str = "sites",
    constraints: PlannerConstraints | None = None,
    options: NetworkOptions = DEFAULT_OPTIONS,
    time_limit: float = 60.0,
) -> tuple[pd.DataFrame, list[NetworkResult]]:
    """The budget → travel trade-off: one plan per budget (`by="sites"`: sites opened;
    `"money"`: VND), in increasing order, each warm-started from the previous plan (which
    the larger budget still allows). Returns the table `budget, by, cost, sites, pupil_metres,
    overflow_pupils, status, gap` and the plans."""
    if by not in ("sites", "money"):
        raise ValueError("by must be 'sites' or 'money'")
    rows, plans = [], []
    previous: np.ndarray | None = None
    for budget in sorted(budgets):
        opts = replace(options, max_sites=int(budget)) if by == "sites" else replace(options, budget=float(budget))
        plan = plan_network(nets, constraints=constraints, options=opts, time_limit=time_limit, start=previous)
        previous = plan.values
        plans.append(plan)
        rows.append(
            {
                "budget": budget,
                "by": by,
                "cost": plan.cost,
                "sites": int(plan.sites["opened"].sum()),
                "pupil_metres": plan.pupil_metres,
                "overflow_pupils": plan.overflow_pupils,
                "status": plan.status,
                "gap": plan.gap,
            }
        )
    return pd.DataFrame(rows), plans
