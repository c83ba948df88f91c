"""The December workflow's computing: `compute_plan(ward, settings) -> Plan` (nothing is written).

    validate (load_ward) → forecast (forecast.project) → demand (capacity.enrollment_demand)
    → zoning per level for the coming school year (zoning.assign) → the proposed zones'
      capacity (capacity.analyze; `on_capacity`: the maps can be drawn) → each level re-zoned
      for each later year to the horizon → the other capacity tables, quotas, ward_summary and
      the capacity cycle → outputs (the forecast's past accuracy beside it all, with `parallel`)

Zoning decisions (docs/workflow.md):
- the *proposed* zoning is the coming school year's optimum; it is what the ward publishes,
  and capacity.csv / quotas.csv show it held unchanged to the horizon ("if we keep these
  zones, where do rooms run short?") — except from a school year in which a school of the
  level opens or closes: the years from then to the next such change are zoned again as one
  zoning with the schools open then (against the held zones, with the stability weight), and
  held. So a school
  opening in 2029 takes quarters, pupils and a quota from 2029–30, and a closed school keeps
  none (`Plan.held`: the proposed zones per school year);
- the *current* zoning (zones.csv of the ward folder, when present) gives
  capacity_current_zones.csv: the same question for today's zones;
- each later year is also re-zoned on its own (zones_by_year.csv, capacity_rezoned.csv):
  what re-zoning every year could achieve, e.g. once a new school opens.

`compute_plan` does all the computing and writes nothing (the notebooks and the scenarios use
it); `tuyensinh.plan.run.run_plan` loads the ward, computes and writes every output.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from capacity.analyze import analyze, analyze_each_year
from capacity.demand import enrollment_demand
from capacity.norms import Norms
from capacity.quotas import quotas as entry_quotas
from capacity.summary import ward_summary
from forecast.project import ForecastResult, project_all
from tuyensinh.plan.accuracy import PlanningAccuracy, history_long_enough, ward_planning_accuracy
from tuyensinh.plan.background import Background
from tuyensinh.plan.cycle import compute_cycle, plan_norms
from tuyensinh.plan.types import Plan, PlanSettings, Progress, stack_yearly
from tuyensinh.ward import Ward
from tuyensinh.words.labels import LEVEL_ORDER, level_name
from zoning.assign import assign, combine_years, zones_of_year
from zoning.contiguity import quarter_adjacency
from zoning.distances import fill_missing_distances, quarter_school_distances
from zoning.result import ZoningResult

__all__ = ["compute_plan", "project_forecast", "school_set_changes", "ward_distances", "with_capacity_figures"]


def _coming_year(ward: Ward, school_year: int | None) -> int:
    """The school year to zone: default base year + 1; must lie within the forecast."""
    year = ward.base_year + 1 if school_year is None else int(school_year)
    if not ward.base_year + 1 <= year <= ward.horizon:
        raise ValueError(
            f"--school-year {year} is outside the forecast of this ward: the population data end "
            f"in {ward.base_year} (ward.toml base_year) and the horizon is {ward.horizon}; choose a "
            f"school year from {ward.base_year + 1} to {ward.horizon}"
        )
    return year


def _levels_with_schools(ward: Ward) -> tuple[str, ...]:
    present = set(ward.schools["level"])
    return tuple(level for level in LEVEL_ORDER if level in present)


def project_forecast(ward: Ward) -> ForecastResult:
    """The population forecast of the ward: `forecast.project_all` on the ward's tables
    (`.quarters`: quarter × age × year; `.ward`: ward totals with their own intervals)."""
    return project_all(ward.population, ward.births, ward.housing, base_year=ward.base_year, horizon=ward.horizon)


def ward_distances(ward: Ward) -> pd.DataFrame:
    """Quarter → school metres: distances.csv where given, straight line × detour elsewhere."""
    computed = quarter_school_distances(ward.quarters, ward.schools, crs=ward.crs)
    return fill_missing_distances(ward.distances, computed)


def _zoning_options(ward: Ward, settings: PlanSettings) -> dict[str, Any]:
    options: dict[str, Any] = {
        "split": settings.split,
        "max_distance": settings.max_distance,
        "setting": ward.setting,
        "time_limit": settings.time_limit,
    }
    if ward.zones is not None:
        options["stability"] = settings.stability
    if settings.contiguous:
        options["contiguity"] = quarter_adjacency(ward.quarters_projected())
    return options


def _current_zones(ward: Ward, level: str) -> pd.DataFrame | None:
    if ward.zones is None:
        return None
    zones = ward.zones.loc[ward.zones["level"] == level, ["quarter_id", "level", "school_id", "share"]]
    return zones if not zones.empty else None


def school_set_changes(schools: pd.DataFrame, level: str, years: tuple[int, ...]) -> list[int]:
    """The school years after the first in which the open schools of `level` differ from the
    year before (a school opens or closes: `opens ≤ Y < closes`)."""
    own = schools[schools["level"] == level]
    opens = pd.to_numeric(own["opens"], errors="coerce").fillna(-1e9).to_numpy(float)
    closes = pd.to_numeric(own["closes"], errors="coerce").fillna(1e9).to_numpy(float)
    year = np.asarray(years, dtype=float)[:, None]
    is_open = (opens[None, :] <= year) & (year < closes[None, :])  # (years, schools)
    differs = (is_open[1:] != is_open[:-1]).any(axis=1)
    return [int(y) for y, d in zip(years[1:], differs, strict=True) if d]


def _held_zones(first: pd.DataFrame, changed: dict[int, pd.DataFrame], years: tuple[int, ...]) -> pd.DataFrame:
    """Zones per school year: `first` from the first year, each `changed[Y]` from year Y on."""
    frames, zones = [], first
    for year in years:
        zones = changed.get(year, zones)
        frames.append(zones[["quarter_id", "level", "school_id", "share"]].assign(school_year=year))
    return pd.concat(frames, ignore_index=True)


#: The load columns that the zoning maps show and capacity.analyze recounts (the plan's one count).
_RECOUNTED = ["classes", "rooms_needed", "room_shortfall", "utilization"]


def with_capacity_figures(result: ZoningResult, capacity: pd.DataFrame) -> ZoningResult:
    """`result` with its load's classes, rooms and utilization taken from the capacity table of
    the same zones, so the maps, the report, capacity.csv and zones.gpkg print the same numbers
    (the zoning model counts classes without mixed-age groups, capacity.analyze with them; a
    school without rooms that is sent pupils has a blank utilization on the map, its flag says
    over). The zoning's own overflow is kept."""
    keys = ["school_id", "level", "school_year"]
    figures = capacity[[*keys, *_RECOUNTED]].astype({"school_id": str})
    figures = figures.assign(utilization=figures["utilization"].replace([np.inf, -np.inf], np.nan))
    load = result.load.drop(columns=_RECOUNTED).merge(figures, on=keys, how="left", validate="one_to_one")
    for column in _RECOUNTED:  # a year capacity did not analyse keeps the zoning's count
        load[column] = load[column].fillna(result.load[column].set_axis(load.index))
    return replace(result, load=load[list(result.load.columns)])


def _analyze(demand: pd.DataFrame, assignment: pd.DataFrame, ward: Ward, norms: Norms) -> pd.DataFrame:
    keys = ["school_year"] if "school_year" in assignment.columns else []
    zones = assignment[["quarter_id", "level", "school_id", "share", *keys]]
    return analyze(demand, zones, ward.schools, norms, horizon=ward.horizon)


def _analyze_yearly(demand: pd.DataFrame, yearly: pd.DataFrame, ward: Ward, norms: Norms) -> pd.DataFrame:
    """Capacity when each school year uses its own zoning (each year analysed on its own)."""
    zones = yearly[["quarter_id", "level", "school_id", "share", "school_year"]]
    return analyze_each_year(demand, zones, ward.schools, norms, horizon=ward.horizon)


def _past_accuracy(ward: Ward, norms: Norms) -> PlanningAccuracy | None:
    """Entry-grade accuracy of the forecast on the ward's history (None: history too short)."""
    if not history_long_enough(ward):
        return None
    return ward_planning_accuracy(ward, norms=norms)


def compute_plan(
    ward: Ward,
    settings: PlanSettings | None = None,
    *,
    progress: Progress | bool | Callable[[str], None] | None = None,
    forecast: pd.DataFrame | ForecastResult | None = None,
    on_forecast: Callable[[pd.DataFrame, pd.DataFrame | None], None] | None = None,
    on_capacity: Callable[[int, dict[str, ZoningResult], pd.DataFrame], None] | None = None,
    parallel: bool = False,
) -> Plan:
    """Forecast, demand, zoning, capacity and quotas for `ward` (nothing is written).

    `on_forecast(quarters, ward_totals)`: called as soon as the forecast is known (the future
    `Plan.forecast` and `Plan.forecast_ward`), e.g. to start drawing the fan charts while the
    rest is computed (`tuyensinh.plan.drawing.draw_forecast_early`).
    `on_capacity(school_year, zonings, capacity)`: called as soon as the proposed zones' capacity
    table is known, with the future `Plan.school_year`, `Plan.zonings` and `Plan.capacity` (what
    the maps and capacity charts show), before the other capacity analyses, quotas and cycle.

    `forecast`: a forecast to reuse (a forecast table, or `forecast.project_all`'s result, e.g.
    the same ward's in a scenario that does not change population or housing); computed when
    None. The forecast's past accuracy (`Plan.accuracy`) is measured only with a forecast
    computed here (and `settings.accuracy`): a reused forecast comes with its own.
    `parallel`: the plan may use a second core (`tuyensinh.plan.run` with more than one figure
    process): the past accuracy is then measured there while the forecast is computed
    (`tuyensinh.plan.background`; the same result).
    """
    settings = settings or PlanSettings()
    if not isinstance(progress, Progress):
        progress = Progress(progress, settings.lang)
    norms, progression, rates_used = plan_norms(ward)  # rates from enrolment.csv when given
    measuring = settings.accuracy and forecast is None
    past = Background(_past_accuracy, ward, norms, parallel=parallel) if measuring else None

    try:
        return _compute(
            ward, settings, progress, forecast, on_forecast, on_capacity, norms, progression, rates_used, past
        )
    finally:
        if past is not None:
            past.close()


def _compute(
    ward: Ward,
    settings: PlanSettings,
    progress: Progress,
    forecast: pd.DataFrame | ForecastResult | None,
    on_forecast: Callable[[pd.DataFrame, pd.DataFrame | None], None] | None,
    on_capacity: Callable[[int, dict[str, ZoningResult], pd.DataFrame], None] | None,
    norms: Norms,
    progression: pd.DataFrame | None,
    rates_used: pd.DataFrame | None,
    past: Background[PlanningAccuracy | None] | None,
) -> Plan:
    """`compute_plan`'s steps 2–5 (`past`: the past accuracy being measured, or None)."""
    lang = settings.lang
    coming = _coming_year(ward, settings.school_year)
    years = tuple(range(coming, ward.horizon + 1))
    with progress.step(2, "forecast", "step.forecast"):
        projected = project_forecast(ward) if forecast is None else forecast
        if isinstance(projected, pd.DataFrame):
            table, ward_table = projected, None
        else:
            table, ward_table = projected.quarters, projected.ward
    if on_forecast is not None:
        on_forecast(table, ward_table)
    accuracy = None
    if past is not None:
        with progress.step(2, "accuracy", "step.accuracy"):  # on the other core: collected at the end
            accuracy = None if past.parallel else past.result()
    with progress.step(3, "demand", "step.demand"):
        demand = enrollment_demand(table, norms, school_years=years, progression=progression)
        distances = ward_distances(ward)

    options = _zoning_options(ward, settings)
    zonings: dict[str, ZoningResult] = {}
    reopened: dict[str, ZoningResult] = {}
    held_parts: list[pd.DataFrame] = []
    yearly: dict[str, ZoningResult] | None = {} if settings.rezone_each_year and len(years) > 1 else None
    for level in _levels_with_schools(ward):
        current = _current_zones(ward, level)
        label = level_name(level, lang, short=True)
        limit = settings.time_limit  # one model: the solver stops at its time limit
        with progress.step(4, f"zoning.{level}", "step.zoning", level=label, seconds_at_most=limit):
            zonings[level] = assign(
                demand,
                ward.schools,
                distances,
                level=level,
                school_years=coming,
                norms=norms,
                current=current,
                **options,
            )
        # a school opens or closes after the coming year: zone that year again with the schools
        # open then, against the zones held so far, and hold the new zones from then on
        zones = zones_of_year(zonings[level], coming)
        changed: dict[int, pd.DataFrame] = {}
        parts: list[ZoningResult] = []
        starts = school_set_changes(ward.schools, level, years)
        for year, end in zip(starts, [*starts[1:], ward.horizon + 1][: len(starts)], strict=True):
            with progress.step(4, f"zoning_change.{level}", "step.zoning", level=label):
                again = assign(  # one zoning for the years until the next change
                    demand,
                    ward.schools,
                    distances,
                    level=level,
                    school_years=list(range(year, end)),
                    norms=norms,
                    current=zones,
                    **{**options, "stability": settings.stability},
                )
            zones = changed[year] = zones_of_year(again, year)
            parts.append(again)
        if parts:
            reopened[level] = combine_years(parts)
        held_parts.append(_held_zones(zones_of_year(zonings[level], coming), changed, years))

    # the proposed zones' capacity first, so that the maps and capacity charts start drawing
    # (`on_capacity`) while each level is zoned again for every later year
    started = time.perf_counter()
    assignment = pd.concat([r.zones(coming) for r in zonings.values()], ignore_index=True)
    held = pd.concat(held_parts, ignore_index=True)  # proposed zones per school year
    capacity_table = _analyze(demand, held, ward, norms)
    zoned = zonings  # as solved: the later years' zonings start from these
    zonings = {level: with_capacity_figures(result, capacity_table) for level, result in zonings.items()}
    proposed_seconds = time.perf_counter() - started
    if on_capacity is not None:
        on_capacity(coming, zonings, capacity_table)
    for level in zoned if yearly is not None else ():
        # the coming year zoned on its own is the proposed zoning: solve the later years only,
        # each against the year before
        bound = settings.time_limit * (len(years) - 1)  # one model per later year
        with progress.step(
            4,
            f"zoning_yearly.{level}",
            "step.zoning_years",
            level=level_name(level, lang, short=True),
            horizon=ward.horizon,
            seconds_at_most=bound,
        ):
            later = assign(
                demand,
                ward.schools,
                distances,
                level=level,
                school_years=years[1:],
                norms=norms,
                current=zones_of_year(zoned[level], coming),
                per_year=True,
                **options,
            )
            yearly[level] = combine_years([zoned[level], later])  # type: ignore[index]

    with progress.step(5, "capacity", "step.capacity"):
        capacity_current = _analyze(demand, ward.zones, ward, norms) if ward.zones is not None else None
        by_year = stack_yearly(yearly)
        capacity_yearly = _analyze_yearly(demand, by_year, ward, norms) if by_year is not None else None
        quotas = entry_quotas(demand, held, ward.schools, norms)
        summary = ward_summary(capacity_table, demand, held, ward.schools, norms, forecast=table, setting=ward.setting)
        cycle = compute_cycle(ward, norms, capacity_table, demand, held, rates_used)
    progress.timings["capacity"] += proposed_seconds
    if past is not None and past.parallel:
        started = time.perf_counter()
        accuracy = past.result()
        progress.timings["accuracy"] = progress.timings.get("accuracy", 0.0) + time.perf_counter() - started
    return Plan(
        ward=ward,
        settings=settings,
        school_year=coming,
        school_years=years,
        norms=norms,
        forecast=table,
        forecast_ward=ward_table,
        demand=demand,
        distances=distances,
        zonings=zonings,
        yearly=yearly,
        assignment=assignment,
        capacity=capacity_table,
        capacity_current=capacity_current,
        capacity_yearly=capacity_yearly,
        quotas=quotas,
        summary=summary,
        timings=dict(progress.timings),
        accuracy=accuracy,
        cycle=cycle,
        held=held,
        reopened=reopened,
    )
