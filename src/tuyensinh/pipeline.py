"""The December workflow end to end: `run_plan(ward_folder, out) -> PlanResult`.

    validate (load_ward) → forecast (forecast.project) → demand (capacity.enrollment_demand)
    → zoning per level for the coming school year (zoning.assign), and re-zoned for each
      later year to the horizon → classes, rooms, flags and quotas (capacity.analyze, quotas,
      ward_summary) → outputs

Zoning decisions (docs/workflow.md):
- the *proposed* zoning is the coming school year's optimum; it is what the ward publishes,
  and capacity.csv / quotas.csv show it held unchanged to the horizon ("if we keep these
  zones, where do rooms run short?");
- the *current* zoning (zones.csv of the ward folder, when present) gives
  capacity_current_zones.csv: the same question for today's zones;
- each later year is also re-zoned on its own (zones_by_year.csv, capacity_rezoned.csv):
  what re-zoning every year could achieve, e.g. once a new school opens.

`compute_plan` does all the computing and writes nothing (the notebooks and the scenarios use
it); `run_plan` loads the ward, computes and writes every output inside
`tuyensinh.outputs.staged_output(out, replace_whole=True)`, so a failed run leaves the previous
outputs exactly as they were. The outputs are written by `tuyensinh.plan_files`, the report's
content comes from `tuyensinh.plan_report`, its charts and maps from `tuyensinh.plan_figures`.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from tuyensinh.labels import LEVEL_ORDER, check_lang, level_name, text
from tuyensinh.plan_files import check_out_folder, write_plan, write_plan_manifest
from tuyensinh.plan_report import plan_headlines
from tuyensinh.ward import Ward, load_ward

__all__ = [
    "PlanSettings",
    "Plan",
    "PlanResult",
    "Progress",
    "compute_plan",
    "run_plan",
    "ward_distances",
]

#: Metres of travel that moving one pupil away from the current school is worth: a quarter
#: changes school only when that saves more than 300 m per pupil or relieves an overload.
DEFAULT_STABILITY = 300.0


@dataclass(frozen=True)
class PlanSettings:
    """Options of a plan run (all recorded in manifest.json).

    school_year: school year to zone and set quotas for (Y means Y–Y+1); default base year + 1.
    lang: "vi" (default) or "en" for every label the planner reads.
    stability: metres of travel one pupil moved away from its current school is worth
        (default `DEFAULT_STABILITY`; 0 = shortest distances, ignoring the current zones).
    max_distance: hard maximum home–school distance in metres (None: none).
    contiguous: require each school's zone to be one connected piece (default: on, since the
        zones are published as maps; the rule is cheap at ward scale).
    split: allow a quarter to be split between schools.
    time_limit: solver time limit per zoning model, seconds.
    rezone_each_year: also zone each later school year to the horizon on its own.
    accuracy: measure how accurate the forecast has been on the ward's history (entry-grade
        pupils and classes, `tuyensinh.accuracy`; a backtest of about 0.2–1 s on a sample ward),
        shown in the report and recorded in manifest.json.
    map_dpi: resolution of the PNG maps in maps/ (the PDF is vector).
    """

    school_year: int | None = None
    lang: str = "vi"
    stability: float = DEFAULT_STABILITY
    max_distance: float | None = None
    contiguous: bool = True
    split: bool = False
    time_limit: float = 60.0
    rezone_each_year: bool = True
    accuracy: bool = True
    map_dpi: int = 300

    def __post_init__(self) -> None:
        check_lang(self.lang)
        if self.time_limit <= 0:
            raise ValueError("time limit must be a positive number of seconds")
        if self.stability < 0:
            raise ValueError("--stability must be 0 or more (metres per pupil moved)")
        if self.max_distance is not None and self.max_distance <= 0:
            raise ValueError("--max-distance must be a positive number of metres")


class Progress:
    """Short progress lines on stderr ("[4/7] Phân luồng tuyển sinh: tiểu học …") and timings.

    `sink`: True → stderr, False/None → silent, or a callable taking each line.
    """

    TOTAL = 7

    def __init__(self, sink: bool | Callable[[str], None] | None, lang: str = "vi") -> None:
        if sink is True:
            self._emit: Callable[[str], None] | None = lambda line: print(line, file=sys.stderr, flush=True)
        elif callable(sink):
            self._emit = sink
        else:
            self._emit = None
        self.lang = lang
        self.timings: dict[str, float] = {}

    def say(self, line: str) -> None:
        if self._emit is not None:
            self._emit(line)

    @contextmanager
    def step(self, number: int, name: str, key: str, **fields: Any) -> Iterator[None]:
        """Announce step `number` and time it under `name` in the timings."""
        self.say(f"[{number}/{self.TOTAL}] {text(key, self.lang, **fields)} …")
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything computed for one ward and one coming school year (nothing written yet).

    zonings: the proposed zoning per level (the coming school year).
    yearly: per level, each school year from the coming one to the horizon zoned on its own
        (None when `rezone_each_year` is off).
    assignment: the proposed zones of every level (zones.csv).
    capacity: per school × year with the proposed zones held to the horizon (capacity.csv);
        capacity_current / capacity_yearly the same with the current / re-zoned assignments.
    accuracy: how accurate the forecast has been (`tuyensinh.accuracy.PlanningAccuracy`), or
        None when switched off, when a forecast was passed in to reuse, or when the history is
        too short for a backtest.
    """

    ward: Ward
    settings: PlanSettings
    school_year: int
    school_years: tuple[int, ...]
    norms: Any
    forecast: pd.DataFrame
    forecast_ward: pd.DataFrame | None
    demand: pd.DataFrame
    distances: pd.DataFrame
    zonings: dict[str, Any]
    yearly: dict[str, Any] | None
    assignment: pd.DataFrame
    capacity: pd.DataFrame
    capacity_current: pd.DataFrame | None
    capacity_yearly: pd.DataFrame | None
    quotas: pd.DataFrame
    summary: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
    accuracy: Any | None = None

    @property
    def levels(self) -> tuple[str, ...]:
        """Levels zoned (those with at least one school)."""
        return tuple(self.zonings)

    def yearly_assignment(self) -> pd.DataFrame | None:
        """The re-zoned assignments of every level and year (`school_year` first)."""
        return _yearly_assignment(self.yearly)

    def overflow(self) -> pd.DataFrame:
        """Pupils the proposed zoning could not seat within a school's rooms (per school)."""
        frames = [r.overflow() for r in self.zonings.values()]
        frames = [f for f in frames if not f.empty]
        if not frames:
            return pd.DataFrame(columns=["school_id", "level", "school_year", "overflow"])
        table = pd.concat(frames, ignore_index=True)
        return table.rename(columns={"overflow_pupils": "overflow"})[
            ["school_id", "level", "school_year", "overflow"]]

    def solver_reports(self) -> list[dict[str, Any]]:
        """One dict per model solved: which zoning, status, objective, bound, gap, seconds."""
        rows = []
        for kind, results in (("proposed", self.zonings), ("yearly", self.yearly or {})):
            for result in results.values():
                for report in result.reports:
                    entry = report.to_dict()
                    entry["zoning"] = kind
                    entry["notes"] = list(getattr(result, "notes", ()))
                    rows.append(entry)
        return rows


@dataclass(frozen=True, eq=False)
class PlanResult:
    """What `run_plan` produced: the output folder, the plan, the files and the manifest."""

    out: Path
    plan: Plan
    files: tuple[str, ...]
    manifest: dict[str, Any]
    headlines: tuple[str, ...] = ()


# --- computing ------------------------------------------------------------------------------

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


def project_forecast(ward: Ward) -> Any:
    """The population forecast of the ward: `forecast.project_all` on the ward's tables
    (`.quarters`: quarter × age × year; `.ward`: ward totals with their own intervals)."""
    from forecast.project import project_all

    return project_all(ward.population, ward.births, ward.housing,
                       base_year=ward.base_year, horizon=ward.horizon)


def ward_distances(ward: Ward) -> pd.DataFrame:
    """Quarter → school metres: distances.csv where given, straight line × detour elsewhere."""
    from zoning.distances import fill_missing_distances, quarter_school_distances

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
        from zoning.contiguity import quarter_adjacency

        options["contiguity"] = quarter_adjacency(ward.quarters_projected())
    return options


def _current_zones(ward: Ward, level: str) -> pd.DataFrame | None:
    if ward.zones is None:
        return None
    zones = ward.zones.loc[ward.zones["level"] == level, ["quarter_id", "level", "school_id", "share"]]
    return zones if not zones.empty else None


def _analyze(demand: pd.DataFrame, assignment: pd.DataFrame, ward: Ward, norms: Any) -> pd.DataFrame:
    from capacity.analyze import analyze

    zones = assignment[["quarter_id", "level", "school_id", "share"]]
    return analyze(demand, zones, ward.schools, norms, horizon=ward.horizon)


def _yearly_assignment(yearly: dict[str, Any] | None) -> pd.DataFrame | None:
    """The re-zoned assignments of every level and year (None when no year was re-zoned)."""
    if not yearly:
        return None
    return pd.concat([r.assignment for r in yearly.values()], ignore_index=True)


def _analyze_yearly(demand: pd.DataFrame, yearly: pd.DataFrame, ward: Ward, norms: Any) -> pd.DataFrame:
    """Capacity when each school year uses its own zoning."""
    frames = []
    for year, zones in yearly.groupby("school_year", sort=True):
        frames.append(_analyze(demand.loc[demand["school_year"] == year], zones, ward, norms))
    return pd.concat(frames, ignore_index=True)


def _past_accuracy(ward: Ward, norms: Any) -> Any:
    """Entry-grade accuracy of the forecast on the ward's history (None: history too short)."""
    from tuyensinh.accuracy import history_long_enough, ward_planning_accuracy

    if not history_long_enough(ward):
        return None
    return ward_planning_accuracy(ward, norms=norms)


def compute_plan(
    ward: Ward,
    settings: PlanSettings | None = None,
    *,
    progress: Progress | bool | Callable[[str], None] | None = None,
    forecast: pd.DataFrame | Any | None = None,
) -> Plan:
    """Forecast, demand, zoning, capacity and quotas for `ward` (nothing is written).

    `forecast`: a forecast to reuse (a forecast table, or `forecast.project_all`'s result, e.g.
    the same ward's in a scenario that does not change population or housing); computed when
    None. The forecast's past accuracy (`Plan.accuracy`) is measured only with a forecast
    computed here (and `settings.accuracy`): a reused forecast comes with its own.
    """
    from capacity.demand import enrollment_demand
    from capacity.norms import load_norms
    from capacity.quotas import quotas as entry_quotas
    from capacity.summary import ward_summary
    from zoning.assign import assign, combine_years, zones_of_year

    settings = settings or PlanSettings()
    if not isinstance(progress, Progress):
        progress = Progress(progress, settings.lang)
    lang = settings.lang
    coming = _coming_year(ward, settings.school_year)
    years = tuple(range(coming, ward.horizon + 1))
    norms = load_norms(ward.norms, ward.rates)

    with progress.step(2, "forecast", "step.forecast"):
        projected = project_forecast(ward) if forecast is None else forecast
        if isinstance(projected, pd.DataFrame):
            table, ward_table = projected, None
        else:
            table, ward_table = projected.quarters, projected.ward
    accuracy = None
    if settings.accuracy and forecast is None:
        with progress.step(2, "accuracy", "step.accuracy"):
            accuracy = _past_accuracy(ward, norms)
    with progress.step(3, "demand", "step.demand"):
        demand = enrollment_demand(table, norms, school_years=years)
        distances = ward_distances(ward)

    options = _zoning_options(ward, settings)
    zonings: dict[str, Any] = {}
    yearly: dict[str, Any] | None = {} if settings.rezone_each_year and len(years) > 1 else None
    for level in _levels_with_schools(ward):
        current = _current_zones(ward, level)
        label = level_name(level, lang, short=True)
        with progress.step(4, f"zoning.{level}", "step.zoning", level=label):
            zonings[level] = assign(demand, ward.schools, distances, level=level,
                                    school_years=coming, norms=norms, current=current, **options)
        if yearly is not None:
            # the coming year zoned on its own is the proposed zoning: solve the later years only,
            # each against the year before
            with progress.step(4, f"zoning_yearly.{level}", "step.zoning_years", level=label,
                               horizon=ward.horizon):
                later = assign(demand, ward.schools, distances, level=level,
                               school_years=years[1:], norms=norms,
                               current=zones_of_year(zonings[level], coming), per_year=True, **options)
                yearly[level] = combine_years([zonings[level], later])

    with progress.step(5, "capacity", "step.capacity"):
        assignment = pd.concat([r.zones(coming) for r in zonings.values()], ignore_index=True)
        held = assignment[["quarter_id", "level", "school_id", "share"]]
        capacity_table = _analyze(demand, held, ward, norms)
        capacity_current = _analyze(demand, ward.zones, ward, norms) if ward.zones is not None else None
        by_year = _yearly_assignment(yearly)
        capacity_yearly = _analyze_yearly(demand, by_year, ward, norms) if by_year is not None else None
        quotas = entry_quotas(demand, held, ward.schools, norms)
        summary = ward_summary(capacity_table, demand, held, ward.schools, norms,
                               forecast=table, setting=ward.setting)
    return Plan(
        ward=ward, settings=settings, school_year=coming, school_years=years, norms=norms,
        forecast=table, forecast_ward=ward_table, demand=demand, distances=distances,
        zonings=zonings, yearly=yearly,
        assignment=assignment, capacity=capacity_table, capacity_current=capacity_current,
        capacity_yearly=capacity_yearly, quotas=quotas, summary=summary,
        timings=dict(progress.timings), accuracy=accuracy,
    )


# --- running -------------------------------------------------------------------------------

def run_plan(
    ward_folder: str | os.PathLike,
    out: str | os.PathLike,
    school_year: int | None = None,
    lang: str | None = None,
    progress: bool | Callable[[str], None] | None = True,
    settings: PlanSettings | None = None,
) -> PlanResult:
    """Run the December workflow on a ward folder and write every output into `out`.

    `school_year` / `lang` override the same fields of `settings`. `progress`: True prints
    short lines on stderr, False is silent, a callable receives each line. The previous
    contents of `out` are replaced only when the whole run succeeds.
    """
    from tuyensinh.outputs import staged_output

    settings = settings or PlanSettings()
    if school_year is not None:
        settings = replace(settings, school_year=int(school_year))
    if lang is not None:
        settings = replace(settings, lang=check_lang(lang))
    tracker = Progress(progress, settings.lang)
    started = time.perf_counter()
    ward_folder, out = Path(ward_folder), Path(out)
    with tracker.step(1, "validate", "step.validate"):
        ward = load_ward(ward_folder)
    check_out_folder(ward_folder, out)
    with staged_output(out, replace_whole=True) as stage:
        plan = compute_plan(ward, settings, progress=tracker)
        files = write_plan(plan, stage, tracker)
        manifest = write_plan_manifest(plan, stage, files, ward_folder=ward_folder,
                                       timings=tracker.timings)
        files = sorted([*files, "manifest.json"])
    plan = replace(plan, timings=dict(tracker.timings))
    headlines = plan_headlines(plan)
    tracker.say(text("step.done", settings.lang, out=out, seconds=time.perf_counter() - started))
    return PlanResult(out=out.resolve(), plan=plan, files=tuple(files), manifest=manifest,
                      headlines=headlines)
