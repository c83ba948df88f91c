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
outputs exactly as they were.
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
from tuyensinh.ward import Ward, load_ward

__all__ = [
    "PlanSettings",
    "Plan",
    "PlanResult",
    "Progress",
    "compute_plan",
    "run_plan",
    "write_plan",
    "OUTPUT_FILES",
]

#: Files every successful run writes, besides maps/zones_<level>.png|pdf|html, charts/*.png and,
#: when they apply, capacity_current_zones.csv, zones_by_year.csv and capacity_rezoned.csv.
OUTPUT_FILES = (
    "forecast.csv", "demand.csv", "zones.csv", "capacity.csv", "quotas.csv", "ward_summary.csv",
    "quotas.xlsx", "zones.gpkg", "report.html", "manifest.json",
)

#: Metres of travel that moving one pupil away from the current school is worth: a quarter
#: changes school only when that saves more than 300 m per pupil or relieves an overload.
DEFAULT_STABILITY = 300.0

#: Years of population history a backtest with honest intervals needs (forecast.backtest:
#: 3 to project from, 2 origins to calibrate on, and an origin with an outcome after it).
MIN_ACCURACY_YEARS = 6


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
        if not self.yearly:
            return None
        return pd.concat([r.assignment for r in self.yearly.values()], ignore_index=True)

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


def _analyze_yearly(demand: pd.DataFrame, yearly: pd.DataFrame, ward: Ward, norms: Any) -> pd.DataFrame:
    """Capacity when each school year uses its own zoning."""
    frames = []
    for year, zones in yearly.groupby("school_year", sort=True):
        frames.append(_analyze(demand.loc[demand["school_year"] == year], zones, ward, norms))
    return pd.concat(frames, ignore_index=True)


def _history_years(ward: Ward) -> int:
    """Years of population history up to the base year."""
    return int(ward.population.loc[ward.population["year"] <= ward.base_year, "year"].nunique())


def _past_accuracy(ward: Ward, norms: Any) -> Any:
    """Entry-grade accuracy of the forecast on the ward's history (None: history too short)."""
    from tuyensinh.accuracy import ward_planning_accuracy

    if _history_years(ward) < MIN_ACCURACY_YEARS:
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
        capacity_yearly = None
        if yearly:
            by_year = pd.concat([r.assignment for r in yearly.values()], ignore_index=True)
            capacity_yearly = _analyze_yearly(demand, by_year, ward, norms)
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


# --- writing ----------------------------------------------------------------------------------

def _guard_out(ward_folder: Path, out: Path) -> None:
    """Refuse output folders whose replacement would destroy data that is not a plan output."""
    ward_folder, out = ward_folder.resolve(), out.resolve()
    if out == ward_folder or out in ward_folder.parents or ward_folder in out.parents:
        raise ValueError(
            f"--out {out} overlaps the ward folder {ward_folder}: the output folder is replaced as "
            "a whole, so it must be a separate folder (e.g. out/<ward>)"
        )
    if out.exists():
        if not out.is_dir():
            raise ValueError(f"--out {out} is a file; give a folder path")
        if any(out.iterdir()) and not (out / "manifest.json").is_file():
            raise ValueError(
                f"--out {out} already holds files that are not a previous tuyensinh plan (no "
                "manifest.json); the folder would be replaced as a whole, so choose an empty or "
                "new folder"
            )


def _csv(frame: pd.DataFrame, path: Path) -> None:
    from tuyensinh.outputs import write_csv_atomic

    write_csv_atomic(frame, path, float_format="%.6g")


def _table_outputs(plan: Plan, stage: Path) -> None:
    from zoning.result import ZONES_COLUMNS

    _csv(plan.forecast, stage / "forecast.csv")
    _csv(plan.demand, stage / "demand.csv")
    _csv(plan.assignment[ZONES_COLUMNS], stage / "zones.csv")
    _csv(plan.capacity, stage / "capacity.csv")
    _csv(plan.quotas, stage / "quotas.csv")
    _csv(plan.summary, stage / "ward_summary.csv")
    if plan.capacity_current is not None:
        _csv(plan.capacity_current, stage / "capacity_current_zones.csv")
    yearly = plan.yearly_assignment()
    if yearly is not None:
        _csv(yearly, stage / "zones_by_year.csv")
    if plan.capacity_yearly is not None:
        _csv(plan.capacity_yearly, stage / "capacity_rezoned.csv")


def _school_load(plan: Plan) -> pd.DataFrame:
    """The coming year's capacity rows per school, for the schools layer of zones.gpkg."""
    rows = plan.capacity.loc[plan.capacity["school_year"] == plan.school_year]
    keep = ["school_id", "pupils_mean", "classes", "rooms_needed", "rooms_available",
            "room_shortfall", "utilization", "flag"]
    return rows[[c for c in keep if c in rows]].rename(columns={"rooms_available": "rooms_usable"})


def save_figures(figures: dict[str, Any], folder: Path, map_dpi: int = 300) -> dict[str, bytes]:
    """Save the maps (maps/<name>.png at `map_dpi` and .pdf) and charts (charts/<name>.png);
    return each figure as PNG bytes for the report (maps re-rendered at screen resolution)."""
    from tuyensinh.outputs import write_bytes_atomic
    from tuyensinh.report import figure_png

    pngs: dict[str, bytes] = {}
    for name, fig in figures.items():
        if name.startswith("zones_"):
            (folder / "maps").mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(folder / "maps" / f"{name}.png", figure_png(fig, dpi=map_dpi, close=False))
            fig.savefig(folder / "maps" / f"{name}.pdf", bbox_inches="tight")
            pngs[name] = figure_png(fig, dpi=100, close=False)
        else:
            pngs[name] = figure_png(fig, dpi=120, close=False)
            write_bytes_atomic(folder / "charts" / f"{name}.png", pngs[name])
    return pngs


def write_plan(plan: Plan, stage: Path, progress: Progress) -> list[str]:
    """Write every output of `plan` into the folder `stage`; return the relative file names."""
    import matplotlib.pyplot as plt

    from tuyensinh.excel import write_quotas_xlsx
    from tuyensinh.geo_export import write_zones_gpkg, zones_layers
    from tuyensinh.outputs import write_text_atomic
    from tuyensinh.report import write_report

    ward, lang = plan.ward, plan.settings.lang
    figures: dict[str, Any] = {}
    try:
        with progress.step(6, "charts", "step.charts"):
            figures = plan_figures(plan)
            pngs = save_figures(figures, stage, map_dpi=plan.settings.map_dpi)
            for name, page in interactive_maps(plan).items():
                write_text_atomic(stage / "maps" / f"{name}.html", page)
    finally:
        for fig in figures.values():
            plt.close(fig)
    with progress.step(7, "write", "step.write"):
        _table_outputs(plan, stage)
        write_quotas_xlsx(stage / "quotas.xlsx", plan.quotas, ward.schools, ward_name=ward.name,
                          ward_kind=ward.kind, base_year=ward.base_year,
                          school_year=plan.school_year, lang=lang)
        write_zones_gpkg(stage / "zones.gpkg", zones_layers(
            ward.quarters, plan.assignment, ward.schools, ward.crs, school_load=_school_load(plan)))
        write_report(stage / "report.html", plan_report(plan, pngs))
    return sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())


def _ward_info(ward: Ward) -> dict[str, Any]:
    return {"code": ward.code, "name": ward.name, "kind": ward.kind, "province": ward.province,
            "crs": ward.crs, "base_year": ward.base_year, "horizon": ward.horizon,
            "setting": ward.setting, "norms": ward.norms, "rates": ward.rates}


def _settings_record(plan: Plan) -> dict[str, Any]:
    from dataclasses import asdict

    record = asdict(plan.settings)
    record.update({
        "school_year": plan.school_year,
        "school_years": list(plan.school_years),
        "levels": list(plan.levels),
        "norms_version": getattr(plan.norms, "version", None),
        "norms_overridden": plan.norms.overridden[["key", "level", "group", "value", "source"]]
        .to_dict("records"),
    })
    return record


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
    from tuyensinh.manifest import build_manifest, sha256_file, write_manifest
    from tuyensinh.outputs import staged_output
    from tuyensinh.report import flag_sentences, ward_shortfall_sentences

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
    _guard_out(ward_folder, out)
    with staged_output(out, replace_whole=True) as stage:
        plan = compute_plan(ward, settings, progress=tracker)
        files = write_plan(plan, stage, tracker)
        outputs = {name: sha256_file(stage / name) for name in files}
        manifest = build_manifest(
            ward_folder=ward_folder, ward=_ward_info(ward), settings=_settings_record(plan),
            timings=tracker.timings, solver=plan.solver_reports(), outputs=outputs,
            accuracy=plan.accuracy.headlines() if plan.accuracy is not None else None,
        )
        write_manifest(stage / "manifest.json", manifest)
        files = sorted([*files, "manifest.json"])
    plan = replace(plan, timings=dict(tracker.timings))
    headlines = tuple(ward_shortfall_sentences(plan.capacity, ward.schools, lang=settings.lang)) + tuple(
        s for kind, s in flag_sentences(plan.capacity, ward.schools, lang=settings.lang,
                                        overflow=plan.overflow()) if kind != "info")
    tracker.say(text("step.done", settings.lang, out=out, seconds=time.perf_counter() - started))
    return PlanResult(out=out.resolve(), plan=plan, files=tuple(files), manifest=manifest,
                      headlines=headlines)


# --- report -----------------------------------------------------------------------------------

def _school_names(ward: Ward) -> dict[str, str]:
    return dict(zip(ward.schools["school_id"].astype(str), ward.schools["name"].astype(str)))


def _capacity_table(plan: Plan, years: list[int]) -> pd.DataFrame:
    """Per school: the coming year and the horizon side by side, labelled for the planner."""
    from tuyensinh.labels import flag_name, school_year_label

    lang, names = plan.settings.lang, _school_names(plan.ward)
    rows = plan.capacity.loc[plan.capacity["school_year"].isin(years)].copy()
    table = pd.DataFrame({
        text("col.school", lang): rows["school_id"].map(names).fillna(rows["school_id"]),
        text("col.level", lang): rows["level"].map(lambda v: level_name(v, lang)),
        text("col.school_year", lang): rows["school_year"].map(lambda y: school_year_label(y, lang)),
        text("col.pupils", lang): rows["pupils_mean"].round(0).astype(int),
        text("col.classes", lang): rows["classes"].astype(int),
        text("col.rooms_needed", lang): rows["rooms_needed"].astype(int),
        text("col.rooms_available", lang): rows["rooms_available"].astype(int),
        text("col.room_shortfall", lang): rows["room_shortfall"].astype(int),
        text("col.utilization", lang): rows["utilization"].map(
            lambda u: "–" if pd.isna(u) or u == float("inf") else f"{u:.0%}"),
        text("col.p_over", lang): rows["p_over"].map(lambda p: "–" if pd.isna(p) else f"{p:.0%}"),
        text("col.flag", lang): rows["flag"].map(lambda f: flag_name(f, lang)),
    })
    return table.reset_index(drop=True)


def _zonings_compared(plan: Plan) -> pd.DataFrame:
    """Rooms short per level × school year under the proposed, current and re-zoned zonings."""
    from tuyensinh.labels import school_year_label

    lang = plan.settings.lang
    options = [(text("report.zoning_proposed", lang,
                     school_year=school_year_label(plan.school_year, lang)), plan.capacity)]
    if plan.capacity_current is not None:
        options.append((text("report.zoning_current", lang), plan.capacity_current))
    if plan.capacity_yearly is not None:
        options.append((text("report.zoning_yearly", lang), plan.capacity_yearly))
    columns = {}
    for label, table in options:
        columns[label] = table.groupby(["level", "school_year"])["room_shortfall"].sum()
    wide = pd.DataFrame(columns).fillna(0).astype(int).reset_index()
    wide["level"] = pd.Categorical(wide["level"], LEVEL_ORDER, ordered=True)
    wide = wide.sort_values(["level", "school_year"])
    wide.insert(0, text("col.level", lang), wide.pop("level").map(lambda v: level_name(v, lang)))
    wide.insert(1, text("col.school_year", lang),
                wide.pop("school_year").map(lambda y: school_year_label(y, lang)))
    return wide.reset_index(drop=True)


def _changes_table(plan: Plan) -> pd.DataFrame:
    """Quarters whose proposed school differs from the current one (coming year)."""
    lang, ward = plan.settings.lang, plan.ward
    if ward.zones is None:
        return pd.DataFrame()
    names = _school_names(ward)
    quarter_names = dict(zip(ward.quarters["quarter_id"].astype(str), ward.quarters["name"].astype(str)))
    proposed = plan.assignment.loc[plan.assignment["changed"].fillna(False).astype(bool)]
    if proposed.empty:
        return pd.DataFrame()
    current = (ward.zones.sort_values("share", ascending=False)
               .drop_duplicates(["quarter_id", "level"]).set_index(["quarter_id", "level"])["school_id"])
    keys = list(zip(proposed["quarter_id"], proposed["level"]))
    return pd.DataFrame({
        text("col.quarter", lang): [quarter_names.get(q, q) for q, _ in keys],
        text("col.level", lang): [level_name(lv, lang) for _, lv in keys],
        text("col.from_school", lang): [names.get(current.get(k, ""), current.get(k, "–")) for k in keys],
        text("col.to_school", lang): proposed["school_id"].map(names).fillna(proposed["school_id"]).to_numpy(),
        text("col.pupils", lang): proposed["pupils"].round(0).astype(int).to_numpy(),
        text("col.distance", lang): proposed["distance_m"].round(0).astype(int).to_numpy(),
    })


def _quota_table(plan: Plan) -> pd.DataFrame:
    from tuyensinh.labels import grade_name

    lang, names = plan.settings.lang, _school_names(plan.ward)
    rows = plan.quotas.loc[plan.quotas["school_year"] == plan.school_year]
    return pd.DataFrame({
        text("col.school", lang): rows["school_id"].map(names).fillna(rows["school_id"]),
        text("col.grade", lang): rows["grade"].map(lambda g: grade_name(g, lang)),
        text("col.pupils", lang): rows["pupils"].astype(int),
        text("col.classes", lang): rows["classes"].astype(int),
    }).reset_index(drop=True)


def _solver_table(plan: Plan) -> pd.DataFrame:
    from tuyensinh.labels import school_year_label

    lang = plan.settings.lang
    rows = []
    for entry in plan.solver_reports():
        gap = entry.get("gap")
        rows.append({
            text("col.zoning", lang): (text("report.zoning_proposed", lang, school_year=school_year_label(
                plan.school_year, lang)) if entry["zoning"] == "proposed" else text("report.zoning_yearly", lang)),
            text("col.level", lang): level_name(entry["level"], lang),
            text("col.school_year", lang): ", ".join(school_year_label(y, lang) for y in entry["school_years"]),
            text("col.status", lang): text(f"status.{entry['status']}", lang),
            text("col.gap", lang): "–" if gap is None else f"{gap:.2%}",
            text("col.seconds", lang): round(float(entry["solve_seconds"]), 2),
        })
    return pd.DataFrame(rows)


def _vi_number(text_: str, lang: str) -> str:
    """Vietnamese writes thousands with a dot: 3,237 → 3.237."""
    return text_.replace(",", ".") if lang == "vi" else text_


def _summary_lines(plan: Plan) -> list[str]:
    """'Năm học 2027–2028: dự kiến 2.352 trẻ mầm non, 3.237 học sinh tiểu học, ...'."""
    from tuyensinh.labels import school_year_label

    lang = plan.settings.lang
    rows = plan.capacity.loc[plan.capacity["school_year"] == plan.school_year]
    pupils = rows.groupby("level")["pupils_mean"].sum()
    parts = [
        _vi_number(text("report.pupils_part", lang, pupils=pupils[level],
                        level=level_name(level, lang, short=True),
                        who=text("report.who_children" if level == "mam_non" else "report.who_pupils", lang)),
                   lang)
        for level in LEVEL_ORDER if level in pupils.index
    ]
    if not parts:
        return []
    return [text("report.pupils_line", lang, school_year=school_year_label(plan.school_year, lang),
                 parts=", ".join(parts))]


def _yearly_line(plan: Plan) -> str:
    """Worst-year rooms short per level when every year is re-zoned."""
    from tuyensinh.labels import school_year_label

    lang = plan.settings.lang
    worst = plan.capacity_yearly.groupby(["level", "school_year"])["room_shortfall"].sum().groupby(level=0).max()
    parts = [text("report.yearly_part", lang, level=level_name(level, lang, short=True),
                  rooms=int(worst[level]))
             for level in LEVEL_ORDER if level in worst.index and worst[level] > 0]
    if not parts:
        return text("report.yearly_none", lang,
                    horizon_label=school_year_label(plan.school_years[-1], lang))
    return text("report.yearly_line", lang, parts=", ".join(parts))


def _accuracy_sections(plan: Plan) -> list[Any]:
    """The report section "Độ tin cậy của dự báo": sentences per entry grade and a compact
    table (none when the accuracy was switched off)."""
    from tuyensinh.accuracy import accuracy_report_table, accuracy_sentences
    from tuyensinh.report import ReportSection, ReportTable

    lang, acc = plan.settings.lang, plan.accuracy
    heading = text("report.accuracy", lang)
    if acc is None:
        if not plan.settings.accuracy or _history_years(plan.ward) >= MIN_ACCURACY_YEARS:
            return []  # switched off, or a reused forecast: nothing measured, nothing said
        return [ReportSection(heading, intro=text("report.accuracy_none", lang))]
    intro = text("report.accuracy_intro", lang, first=acc.origins[0], last=acc.origins[-1])
    return [ReportSection(
        heading, intro=intro, sentences=tuple(accuracy_sentences(acc, lang=lang, kind=plan.ward.kind)),
        tables=[ReportTable(text("report.accuracy_table", lang), accuracy_report_table(acc, lang=lang),
                            note=text("report.accuracy_note", lang))],
    )]


def plan_report(plan: Plan, pngs: dict[str, bytes]) -> str:
    """The report.html page of a plan (`pngs`: the figures of `plan_figures` as PNG bytes,
    see `save_figures`)."""
    from importlib import metadata

    from tuyensinh.labels import school_year_label, ward_title
    from tuyensinh.report import (
        ReportFigure, ReportSection, ReportTable, flag_sentences, render_report,
        ward_shortfall_sentences,
    )

    ward, lang = plan.ward, plan.settings.lang
    coming = school_year_label(plan.school_year, lang)
    horizon = school_year_label(plan.school_years[-1], lang)
    title = text("report.title", lang, ward=ward_title(ward.kind, ward.name, lang))

    flags = flag_sentences(plan.capacity, ward.schools, lang=lang, overflow=plan.overflow())
    if not any(kind in ("over", "tight") for kind, _ in flags):
        flags = [("info", text("report.no_flags", lang, horizon_label=horizon)), *flags]
    summary = [*_summary_lines(plan), *ward_shortfall_sentences(plan.capacity, ward.schools, lang=lang)]
    if plan.capacity_yearly is not None:
        summary.append(_yearly_line(plan))
    forecast_figs = [ReportFigure(label, pngs[name], text("report.forecast_note", lang))
                     for name, label in _forecast_figure_titles(plan).items() if name in pngs]
    zoning_figs = [ReportFigure(level_name(level, lang), pngs[f"zones_{level}"])
                   for level in plan.levels if f"zones_{level}" in pngs]
    changes = _changes_table(plan)
    zoning_tables = [ReportTable(text("report.changes", lang), changes)] if not changes.empty else []
    capacity_figs = [ReportFigure(label, pngs[name])
                     for name, label in _capacity_figure_titles(plan).items() if name in pngs]
    sections = [
        ReportSection(text("report.forecast", lang), figures=forecast_figs),
        *_accuracy_sections(plan),
        ReportSection(text("report.zoning", lang, school_year=coming), figures=zoning_figs,
                      intro="" if zoning_tables or ward.zones is None else text("report.no_changes", lang),
                      tables=zoning_tables),
        ReportSection(
            text("report.capacity", lang, horizon_label=horizon), figures=capacity_figs,
            tables=[ReportTable(text("report.zonings_compared", lang), _zonings_compared(plan)),
                    ReportTable(f"{text('col.school', lang)} – {coming} / {horizon}",
                                _capacity_table(plan, [plan.school_year, plan.school_years[-1]]))]),
        ReportSection(text("report.quotas", lang, school_year=coming),
                      tables=[ReportTable(text("report.quotas", lang, school_year=coming), _quota_table(plan),
                                          note=text("xlsx.note_pupils", lang))]),
        ReportSection(text("report.solver", lang),
                      tables=[ReportTable(text("report.solver", lang), _solver_table(plan))]),
    ]
    try:
        version = metadata.version("tuyensinh")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "?"
    created = time.strftime("%Y-%m-%d %H:%M")
    return render_report(
        title=title,
        subtitle=text("report.subtitle", lang, base_year=ward.base_year, school_year=coming,
                      horizon_label=horizon),
        flags=flags, sections=sections, summary=summary, lang=lang,
        footer=text("report.footer", lang, version=version, created=created),
    )


# --- figures ----------------------------------------------------------------------------------

def _growth_quarters(plan: Plan, count: int = 2) -> list[str]:
    """The quarters whose school-age population (ages 3–14) changes most to the horizon."""
    table = plan.forecast.loc[plan.forecast["age"].between(3, 14)]
    if table.empty:
        return []
    totals = table.groupby(["quarter_id", "year"])["mean"].sum().unstack("year")
    history = plan.ward.population_by_age()
    base = (history.loc[(history["year"] == plan.ward.base_year) & history["age"].between(3, 14)]
            .groupby("quarter_id")["count"].sum())
    change = (totals[totals.columns.max()] - base.reindex(totals.index).fillna(0)).abs()
    return change.sort_values(ascending=False, kind="stable").index[:count].astype(str).tolist()


def _forecast_figure_titles(plan: Plan) -> dict[str, str]:
    from tuyensinh.labels import ward_title

    lang, ward = plan.settings.lang, plan.ward
    names = dict(zip(ward.quarters["quarter_id"].astype(str), ward.quarters["name"].astype(str)))
    titles = {"forecast_ward": ward_title(ward.kind, ward.name, lang)}
    for quarter in _growth_quarters(plan):
        titles[f"forecast_{quarter}"] = names.get(quarter, quarter)
    return titles


def _capacity_figure_titles(plan: Plan) -> dict[str, str]:
    lang = plan.settings.lang
    return {"utilization": text("col.utilization", lang), "shortfall": text("col.room_shortfall", lang)}


def plan_figures(plan: Plan) -> dict[str, Any]:
    """Every chart and map of the plan as matplotlib Figures, by output name.

    forecast_ward, forecast_<quarter>: fan charts of the ward and of the two quarters whose
    school-age population changes most (forecast's chart functions); zones_<level>: the
    zoning map of the coming school year (zoning's map function); utilization, shortfall:
    capacity's charts (proposed zones held to the horizon).
    """
    from capacity.charts import plot_room_shortfall, plot_utilization
    from forecast.charts import fan_chart, ward_fan_chart
    from tuyensinh.labels import ward_title

    ward, lang = plan.ward, plan.settings.lang
    history = ward.population_by_age()
    figures: dict[str, Any] = {}
    if plan.forecast_ward is not None:
        figures["forecast_ward"] = ward_fan_chart(plan.forecast_ward, history=history, lang=lang,
                                                  name=ward_title(ward.kind, ward.name, lang))
    names = dict(zip(ward.quarters["quarter_id"].astype(str), ward.quarters["name"].astype(str)))
    for quarter in _growth_quarters(plan):
        figures[f"forecast_{quarter}"] = fan_chart(plan.forecast, quarter, history=history,
                                                   name=names.get(quarter, quarter), lang=lang)
    figures.update(zoning_maps(plan))
    figures["utilization"] = plot_utilization(plan.capacity, ward.schools, lang=lang)
    figures["shortfall"] = plot_room_shortfall(plan.capacity, ward.schools, lang=lang)
    return figures


def _map_arguments(plan: Plan) -> dict[str, Any]:
    """Keyword arguments shared by the static and the interactive zoning maps."""
    from tuyensinh.labels import ward_title

    ward, lang = plan.ward, plan.settings.lang
    return {"school_year": plan.school_year, "lang": lang,
            "place": ward_title(ward.kind, ward.name, lang), "crs": ward.crs}


def zoning_maps(plan: Plan) -> dict[str, Any]:
    """The zoning map of each level for the coming school year: {"zones_<level>": Figure}
    (zoning.maps.plot_zones, in the ward's projected CRS)."""
    from zoning.maps import plot_zones

    ward, options = plan.ward, _map_arguments(plan)
    return {f"zones_{level}": plot_zones(result, ward.quarters, ward.schools, **options)
            for level, result in plan.zonings.items()}


def interactive_maps(plan: Plan) -> dict[str, str]:
    """The same maps as self-contained HTML pages (zoning.webmap.zones_html): {"zones_<level>": html}."""
    from zoning.webmap import zones_html

    ward, options = plan.ward, _map_arguments(plan)
    return {f"zones_{level}": zones_html(result, ward.quarters, ward.schools, **options)
            for level, result in plan.zonings.items()}
