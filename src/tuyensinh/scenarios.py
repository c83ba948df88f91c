"""Scenarios: what if a school opens or closes, a housing project lands, class sizes drop?

A scenario is a list of changes applied to the ward's data (a new `Ward` made with
`dataclasses.replace`; the original is never modified), after which the plan is computed again
and compared with the baseline side by side: classes, rooms short, and pupil-metres (how far
children walk in total), per level and school year.

Scenarios file (TOML, UTF-8), any number of ``[[scenario]]`` blocks::

    [[scenario]]
    name = "Mở Trường Tiểu học Phước Bình 2 năm học 2028–2029"
      [[scenario.open_school]]
      school_id = "TH04"
      name = "Trường Tiểu học Phước Bình 2"
      level = "tieu_hoc"
      lon = 106.935
      lat = 11.795
      classrooms = 20
      opens = 2028          # first school year with pupils (2028 = 2028–2029)
      # optional: sessions_per_day = 2, max_class_size, land_m2

    [[scenario]]
    name = "Dự án nhà ở KP05"
      [[scenario.housing]]
      quarter_id = "KP05"
      year = 2027           # completion year
      new_dwellings = 400

    [[scenario]]
    name = "Sĩ số tối đa THCS 40"
      [scenario.norms.max_class_size]   # same keys as ward.toml [norms]
      thcs = 40
      # [scenario.rates.participation] works the same way as ward.toml [rates]

    [[scenario]]
    name = "Đóng điểm trường TH03"
      [[scenario.close_school]]
      school_id = "TH03"
      year = 2028           # first school year without pupils

Each block may combine several changes. Zoning in a comparison is redone for every school
year, with the schools open that year (a school opening in 2029 takes pupils from 2029), so
the numbers show what the ward gets if it re-zones when the change happens.
"""
from __future__ import annotations

import copy
import dataclasses
import os
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tuyensinh.codes import LEVELS
from tuyensinh.labels import level_name, school_year_label, text
from tuyensinh.ward import Ward

__all__ = [
    "OpenSchool",
    "CloseSchool",
    "HousingProject",
    "NormOverride",
    "Scenario",
    "apply_scenario",
    "load_scenarios",
    "parse_scenarios",
    "compare_scenarios",
    "Comparison",
    "comparison_wide",
]


@dataclass(frozen=True)
class OpenSchool:
    """A new school (or site) taking pupils from school year `opens`."""

    school_id: str
    name: str
    level: str
    lon: float
    lat: float
    classrooms: int
    opens: int
    sessions_per_day: int = 2
    max_class_size: float | None = None
    land_m2: float | None = None


@dataclass(frozen=True)
class CloseSchool:
    """A school (or site) that takes no pupils from school year `year` on."""

    school_id: str
    year: int


@dataclass(frozen=True)
class HousingProject:
    """Planned dwellings completed in `year` in a quarter (added to housing.csv)."""

    quarter_id: str
    year: int
    new_dwellings: int


@dataclass(frozen=True)
class NormOverride:
    """Overrides merged into the ward's ward.toml [norms] / [rates] (same shape)."""

    norms: Mapping[str, Any] = field(default_factory=dict)
    rates: Mapping[str, Any] = field(default_factory=dict)


Change = OpenSchool | CloseSchool | HousingProject | NormOverride


@dataclass(frozen=True)
class Scenario:
    """A named set of changes to a ward's data."""

    name: str
    changes: tuple[Change, ...] = ()
    description: str = ""


def _deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(dict(base))
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _problem(scenario: str, message: str) -> ValueError:
    return ValueError(f"scenario {scenario!r}: {message}")


def apply_scenario(ward: Ward, scenario: Scenario) -> Ward:
    """A new Ward with the scenario's changes applied (the given ward is left as it is).

    Raises ValueError naming the scenario and the change when a change does not fit the ward
    (unknown school or quarter, a school id that already exists, an unknown level).
    """
    schools = ward.schools.copy()
    housing = None if ward.housing is None else ward.housing.copy()
    norms, rates = ward.norms, ward.rates
    quarter_ids = set(ward.quarters["quarter_id"].astype(str))
    for change in scenario.changes:
        if isinstance(change, OpenSchool):
            if change.school_id in set(schools["school_id"]):
                raise _problem(scenario.name, f"open_school: school_id {change.school_id!r} already "
                                              "exists in schools.csv; choose a new id")
            if change.level not in LEVELS:
                raise _problem(scenario.name, f"open_school {change.school_id}: unknown level "
                                              f"{change.level!r}; use one of {', '.join(LEVELS)}")
            row = {column: np.nan for column in schools.columns}
            row.update({k: v for k, v in dataclasses.asdict(change).items() if v is not None})
            new = pd.DataFrame([row])
            for column in schools.columns:  # keep the loader's dtypes (ids as strings, floats)
                if column in new and schools[column].dtype.kind in "fiu":
                    new[column] = pd.to_numeric(new[column]).astype(
                        "float64" if schools[column].dtype.kind == "f" else schools[column].dtype)
            schools = pd.concat([schools, new[schools.columns]], ignore_index=True)
        elif isinstance(change, CloseSchool):
            hit = schools["school_id"] == change.school_id
            if not hit.any():
                raise _problem(scenario.name, f"close_school: no school {change.school_id!r} in "
                                              "schools.csv; check the school_id")
            old = schools.loc[hit, "closes"]
            schools.loc[hit, "closes"] = np.fmin(old.astype(float), float(change.year))
        elif isinstance(change, HousingProject):
            if change.quarter_id not in quarter_ids:
                raise _problem(scenario.name, f"housing: no quarter {change.quarter_id!r} in the "
                                              "ward's quarters; check the quarter_id")
            if change.new_dwellings < 0:
                raise _problem(scenario.name, "housing: new_dwellings must be 0 or more")
            row = pd.DataFrame({"quarter_id": [change.quarter_id], "year": [int(change.year)],
                                "new_dwellings": [int(change.new_dwellings)]})
            if housing is None:
                housing = row
            else:
                housing = (pd.concat([housing, row.astype(housing.dtypes.to_dict())], ignore_index=True)
                           .groupby(["quarter_id", "year"], as_index=False, sort=True)["new_dwellings"]
                           .sum())
        elif isinstance(change, NormOverride):
            norms = _deep_merge(norms, change.norms)
            rates = _deep_merge(rates, change.rates)
        else:  # pragma: no cover - typing guards this
            raise TypeError(f"unknown scenario change {change!r}")
    return dataclasses.replace(ward, schools=schools, housing=housing, norms=norms, rates=rates)


_FIELDS = {
    "open_school": (OpenSchool, ("school_id", "name", "level", "lon", "lat", "classrooms", "opens")),
    "close_school": (CloseSchool, ("school_id", "year")),
    "housing": (HousingProject, ("quarter_id", "year", "new_dwellings")),
}


def parse_scenarios(data: Mapping[str, Any], source: str = "scenarios") -> list[Scenario]:
    """Scenarios from parsed TOML (see the module docstring); ValueError names what is wrong."""
    blocks = data.get("scenario")
    if not isinstance(blocks, list) or not blocks:
        raise ValueError(f"{source}: no [[scenario]] block found; see docs/workflow.md for the format")
    scenarios: list[Scenario] = []
    for number, block in enumerate(blocks, start=1):
        name = str(block.get("name") or f"scenario {number}")
        allowed = {"name", "description", "norms", "rates", *_FIELDS}
        unknown = sorted(set(block) - allowed)
        if unknown:
            raise ValueError(f"{source}, scenario {name!r}: unknown key(s) {', '.join(unknown)}; "
                             f"allowed: {', '.join(sorted(allowed))}")
        changes: list[Change] = []
        for key, (kind, required) in _FIELDS.items():
            entries = block.get(key, [])
            if isinstance(entries, Mapping):
                entries = [entries]
            for entry in entries:
                missing = [f for f in required if f not in entry]
                if missing:
                    raise ValueError(f"{source}, scenario {name!r}, [{key}]: missing {', '.join(missing)}")
                names = {f.name for f in dataclasses.fields(kind)}
                extra = sorted(set(entry) - names)
                if extra:
                    raise ValueError(f"{source}, scenario {name!r}, [{key}]: unknown key(s) "
                                     f"{', '.join(extra)}; allowed: {', '.join(sorted(names))}")
                values = dict(entry)
                for id_field in ("school_id", "quarter_id"):
                    if id_field in values:
                        values[id_field] = str(values[id_field])
                changes.append(kind(**values))
        if "norms" in block or "rates" in block:
            changes.append(NormOverride(norms=block.get("norms", {}), rates=block.get("rates", {})))
        if not changes:
            raise ValueError(f"{source}, scenario {name!r}: no change given (open_school, "
                             "close_school, housing, norms or rates)")
        scenarios.append(Scenario(name=name, changes=tuple(changes),
                                  description=str(block.get("description", ""))))
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValueError(f"{source}: two scenarios share a name; give each a distinct name")
    return scenarios


def load_scenarios(path: str | os.PathLike) -> list[Scenario]:
    """Read a scenarios TOML file (UTF-8)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"scenarios file {path} not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML ({error}); check quotes and brackets") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    return parse_scenarios(data, source=str(path))


# --- comparing ---------------------------------------------------------------------------------

METRICS = ("pupils", "classes", "rooms_short", "pupil_metres", "mean_distance_m", "overflow_pupils")


@dataclass(frozen=True, eq=False)
class Comparison:
    """Scenarios side by side.

    table: one row per scenario × level × school year with `pupils, classes, rooms_short,
        pupil_metres, mean_distance_m, overflow_pupils` (every school year re-zoned with the
        schools open that year); the baseline's scenario name is `baseline`.
    differences: the same rows minus the baseline's (`<metric>_diff`), scenarios only.
    plans: the computed plan of each scenario (tuyensinh.pipeline.Plan), baseline included.
    """

    table: pd.DataFrame
    differences: pd.DataFrame
    plans: dict[str, Any]


def _metrics(plan: Any) -> pd.DataFrame:
    """Per level × school year: classes and rooms short (re-zoned years), pupil-metres."""
    cap = plan.capacity_yearly if plan.capacity_yearly is not None else plan.capacity
    by = cap.groupby(["level", "school_year"], sort=True)
    table = pd.DataFrame({
        "pupils": by["pupils_mean"].sum(),
        "classes": by["classes"].sum(),
        "rooms_short": by["room_shortfall"].sum(),
    })
    zones = plan.yearly_assignment()
    if zones is None:  # a single school year: the proposed zoning is that year's
        zones = plan.assignment.assign(school_year=plan.school_year)
    travel = (zones.assign(pm=zones["pupils"] * zones["distance_m"])
              .groupby(["level", "school_year"])[["pm", "pupils"]].sum())
    table["pupil_metres"] = travel["pm"]
    table["mean_distance_m"] = travel["pm"] / travel["pupils"].where(travel["pupils"] > 0)
    results = list((plan.yearly or plan.zonings).values())
    load = pd.concat([r.load for r in results], ignore_index=True)
    table["overflow_pupils"] = load.groupby(["level", "school_year"])["overflow_pupils"].sum()
    return table.fillna({"pupil_metres": 0.0, "overflow_pupils": 0.0}).reset_index()


def _forecast_of(plan: Any) -> Any:
    """The baseline's forecast in the form compute_plan reuses (quarters and ward tables)."""
    from types import SimpleNamespace

    if plan.forecast_ward is None:
        return plan.forecast
    return SimpleNamespace(quarters=plan.forecast, ward=plan.forecast_ward)


def _touches_population(scenario: Scenario) -> bool:
    return any(isinstance(c, HousingProject) for c in scenario.changes)


def compare_scenarios(
    ward: Ward,
    scenarios: Sequence[Scenario],
    settings: Any = None,
    *,
    progress: bool | Callable[[str], None] | None = None,
) -> Comparison:
    """Compute the baseline plan and one plan per scenario; tabulate them side by side.

    Every school year to the horizon is zoned on its own in every plan, so a school opening in
    2029 takes pupils from 2029 on. The forecast is computed once and reused by scenarios that
    do not change population or housing.
    """
    from tuyensinh.pipeline import PlanSettings, Progress, compute_plan

    settings = dataclasses.replace(settings or PlanSettings(), rezone_each_year=True)
    names = [s.name for s in scenarios]
    if "baseline" in names or len(set(names)) != len(names):
        raise ValueError("scenario names must be distinct and not 'baseline' (reserved for the plan as is)")
    changed = [apply_scenario(ward, s) for s in scenarios]  # every change checked before computing
    tracker = progress if isinstance(progress, Progress) else Progress(progress, settings.lang)
    tracker.say(text("step.scenario", settings.lang, name=text("scenario.baseline", settings.lang)))
    base = compute_plan(ward, settings, progress=tracker)
    plans = {"baseline": base}
    for scenario, variant in zip(scenarios, changed):
        tracker.say(text("step.scenario", settings.lang, name=scenario.name))
        reuse = None if _touches_population(scenario) else _forecast_of(base)
        plans[scenario.name] = compute_plan(variant, settings, progress=tracker, forecast=reuse)
    frames = [_metrics(plan).assign(scenario=name) for name, plan in plans.items()]
    table = pd.concat(frames, ignore_index=True)[["scenario", "level", "school_year", *METRICS]]
    base_rows = table.loc[table["scenario"] == "baseline"].drop(columns="scenario")
    others = table.loc[table["scenario"] != "baseline"]
    merged = others.merge(base_rows, on=["level", "school_year"], how="left", suffixes=("", "_base"))
    differences = merged[["scenario", "level", "school_year"]].copy()
    for metric in METRICS:
        differences[f"{metric}_diff"] = merged[metric] - merged[f"{metric}_base"]
    return Comparison(table=table.reset_index(drop=True),
                      differences=differences.reset_index(drop=True), plans=plans)


_METRIC_LABELS = {
    "classes": "col.classes",
    "rooms_short": "col.room_shortfall",
    "pupil_metres": "col.pupil_km",
}


def comparison_wide(comparison: Comparison, lang: str = "vi") -> pd.DataFrame:
    """The comparison as a planner reads it: rows level × school year, columns metric ×
    scenario (classes, rooms short, pupil-km), labels in `lang`."""
    table = comparison.table.copy()
    table["pupil_metres"] = table["pupil_metres"] / 1000.0  # shown as pupil-km
    order = list(dict.fromkeys(table["scenario"]))
    names = {s: (text("scenario.baseline", lang) if s == "baseline" else s) for s in order}
    wide = table.pivot_table(index=["level", "school_year"], columns="scenario",
                             values=list(_METRIC_LABELS), aggfunc="sum", sort=False)
    wide = wide.reindex(columns=pd.MultiIndex.from_product([list(_METRIC_LABELS), order]))
    wide.columns = pd.MultiIndex.from_tuples(
        [(text(_METRIC_LABELS[m], lang), names[s]) for m, s in wide.columns])
    levels = [lv for lv in LEVELS if lv in wide.index.get_level_values(0)]
    wide = wide.reindex(pd.MultiIndex.from_tuples(
        [(lv, y) for lv in levels for y in sorted(table.loc[table["level"] == lv, "school_year"].unique())]))
    wide.index = pd.MultiIndex.from_tuples(
        [(level_name(lv, lang), school_year_label(y, lang)) for lv, y in wide.index],
        names=[text("col.level", lang), text("col.school_year", lang)])
    return wide.round(1)
