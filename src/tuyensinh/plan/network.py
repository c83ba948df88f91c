"""The school network of a ward folder: `compute_network(ward, settings) -> NetworkOutcome`.

    load_ward → candidates.csv, constraints.csv, neighbours.csv (tuyensinh.ward.network_tables)
    → forecast → demand (every year from base_year + 1 to the horizon)
    → distances to schools, candidate sites and neighbouring schools
    → zoning.sites.plan_network (which sites, when, how big, the zones they take) and the same
      network without new sites (what the sites save)
    → the budget curve (0, 1, 2, … sites) → the small schools and satellite sites, each closed
      alone and in the best combination, under the "no longer trips" rule (zoning.closures)

Nothing is written here (`tuyensinh.present.network` writes the files).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from capacity.demand import enrollment_demand
from capacity.norms import load_norms
from tuyensinh.plan.compute import project_forecast
from tuyensinh.ward import Ward
from tuyensinh.ward.network_tables import NetworkTables, read_network_tables
from tuyensinh.words.labels import LEVEL_ORDER
from zoning.closures import ClosureStudy, TripRule
from zoning.constraints import PlannerConstraints, constraints_from_table
from zoning.distances import fill_missing_distances, quarter_school_distances
from zoning.network import network_points, network_problems, study_closures
from zoning.network_problem import NetworkProblem
from zoning.sites import NetworkOptions, NetworkResult, plan_network, tradeoff_curve

__all__ = ["NetworkSettings", "NetworkOutcome", "compute_network", "ward_constraints"]


@dataclass(frozen=True)
class NetworkSettings:
    """budget: VND for all the new sites (None: no money limit); max_sites: sites at most;
    levels: the levels to plan (default: every level with schools); time_limit: seconds per
    model; max_increase / within_norm: the closure rule; curve_sites: the largest number of
    sites on the budget curve (0 = no curve); closures: review small schools and satellites."""

    budget: float | None = None
    max_sites: int | None = None
    levels: tuple[str, ...] | None = None
    time_limit: float = 20.0
    max_increase: float | None = 300.0
    within_norm: bool = False
    curve_sites: int = 3
    closures: bool = True


@dataclass(frozen=True, eq=False)
class NetworkOutcome:
    """Everything `tuyensinh network` reports: the plan, the network without new sites, the
    budget curve, the closure study (None when not asked or nothing to review)."""

    ward: Ward
    tables: NetworkTables
    school_years: tuple[int, ...]
    plan: NetworkResult
    without_sites: NetworkResult
    curve: pd.DataFrame
    reviewed: pd.DataFrame
    closures: ClosureStudy | None


def ward_constraints(ward: Ward, table: pd.DataFrame | None) -> PlannerConstraints | None:
    """constraints.csv as engine constraints; a `feeder` row groups the quarters of each
    primary school's current zone (zones.csv) for THCS."""
    if table is None or table.empty:
        return None
    feeder = None
    if (table["kind"] == "feeder").any() and ward.zones is not None:
        primary = ward.zones[ward.zones["level"] == "tieu_hoc"]
        primary = primary.sort_values("share", ascending=False, kind="stable").drop_duplicates("quarter_id")
        feeder = pd.DataFrame(
            {"quarter_id": primary["quarter_id"].astype(str), "group": primary["school_id"].astype(str)}
        )
    columns = ["kind", "level", "quarter_id", "school_id", "metres"]
    rest = table[table["kind"] != "feeder"].reindex(columns=columns)
    if "level" in rest.columns:
        rest["level"] = rest["level"].where(rest["level"].notna(), None)
    return constraints_from_table(rest, feeder=feeder)


def network_inputs(
    ward: Ward, tables: NetworkTables, levels: tuple[str, ...] | None
) -> tuple[list[NetworkProblem], tuple[int, ...]]:
    """The network problems of the ward's levels for every year to the horizon."""
    norms = load_norms(ward.norms, ward.rates)
    years = tuple(range(ward.base_year + 1, ward.horizon + 1))
    demand = enrollment_demand(project_forecast(ward).quarters, norms, school_years=list(years))
    points = network_points(ward.schools, tables.candidates, tables.neighbours)
    distances = fill_missing_distances(ward.distances, quarter_school_distances(ward.quarters, points, crs=ward.crs))
    present = set(ward.schools["level"])
    chosen = [lv for lv in LEVEL_ORDER if lv in present and (levels is None or lv in levels)]
    nets = network_problems(
        demand,
        ward.schools,
        distances,
        levels=chosen,
        school_years=years,
        norms=norms,
        candidates=tables.candidates,
        neighbours=tables.neighbours,
        current=ward.zones,
        setting=ward.setting,
    )
    return nets, years


def compute_network(
    ward: Ward, settings: NetworkSettings = NetworkSettings(), progress: Callable[[str, dict], None] | None = None
) -> NetworkOutcome:
    """Plan the ward's school network (see the module docstring). Raises WardDataError for
    bad network tables and ValueError for inconsistent options."""
    say = progress or (lambda key, fields: None)
    tables = read_network_tables(ward)
    say("progress.forecast", {"place": ward.name})
    nets, years = network_inputs(ward, tables, settings.levels)
    constraints = ward_constraints(ward, tables.constraints)
    options = NetworkOptions(budget=settings.budget, max_sites=settings.max_sites)
    say("progress.plan", {"years": f"{years[0]}–{years[-1]}"})
    plan = plan_network(nets, constraints=constraints, options=options, time_limit=settings.time_limit)
    # the same network without new sites (what the sites save); the plan itself when it opens none
    without = plan
    if plan.values is not None and plan.sites["opened"].any():
        without = plan_network(
            nets,
            constraints=constraints,
            options=replace(options, budget=0.0, max_sites=0),
            time_limit=settings.time_limit,
        )
    n_sites = sum(int((net.kind == "candidate").sum()) for net in nets)
    budgets = list(range(min(settings.curve_sites, n_sites) + 1))
    curve = pd.DataFrame()
    if len(budgets) > 1:
        say("progress.curve", {"n": len(budgets)})
        curve, _ = tradeoff_curve(
            nets,
            budgets,
            by="sites",
            constraints=constraints,
            options=replace(options, budget=settings.budget),
            time_limit=settings.time_limit / 2,
        )
    reviewed, study = pd.DataFrame(), None
    if settings.closures:
        existing = [replace(net, must_open=net.must_open & False) for net in nets]
        rule = TripRule(max_increase=settings.max_increase, within_norm=settings.within_norm)
        reviewed, study = study_closures(
            existing,
            ward.schools,
            load_norms(ward.norms, ward.rates),
            rule=rule,
            constraints=constraints,
            time_limit=settings.time_limit / 2,
            max_sites=0,
        )
        say("progress.closures", {"n": len(reviewed)})
        if reviewed.empty:
            study = None
    return NetworkOutcome(
        ward=ward,
        tables=tables,
        school_years=years,
        plan=plan,
        without_sites=without,
        curve=curve,
        reviewed=reviewed,
        closures=study,
    )
