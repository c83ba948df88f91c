"""Scenarios: what if a school opens or closes, a housing project lands, class sizes drop?

A scenario is a list of changes applied to the ward's data (a new `Ward` made with
`dataclasses.replace`; the original is never modified), after which the plan is computed again
and compared with the baseline side by side: classes, rooms short, and pupil-metres (how far
children walk in total), per level and school year.

Scenarios file (TOML, UTF-8), any number of ``[[scenario]]`` blocks::

    [[scenario]]
    name = "Mở Trường Tiểu học Phước Bình 2 năm học 2028–2029"
      [[scenario.open_school]]
      school_id = "TH05"
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

Each block needs a name and may combine several changes. Every problem in the file (a wrong
value type, a float where a whole number is needed, a missing or unknown key, a year outside
base_year + 1 … horizon, an unknown quarter or school) is reported with the file, line,
scenario, change, key, value found and what to write, in Vietnamese or English
(`tuyensinh.scenarios.file`, where the changes are defined). Zoning in a comparison is redone
for every school year, with the schools open that year (a school opening in 2029 takes pupils
from 2029), so the numbers show what the ward gets if it re-zones when the change happens.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from tuyensinh.plan.compute import compute_plan
from tuyensinh.plan.types import PlanSettings, Progress
from tuyensinh.scenarios.file import (
    RESERVED_NAME,
    Change,
    CloseSchool,
    HousingProject,
    NormOverride,
    OpenSchool,
    Scenario,
    ScenarioFileError,
    deep_merge,
    load_scenario_files,
    load_scenarios,
    name_problems,
    parse_scenarios,
    ward_problems,
)
from tuyensinh.ward import Ward
from tuyensinh.ward.codes import LEVELS
from tuyensinh.words.labels import level_name, say, school_year_label

__all__ = [
    "OpenSchool",
    "CloseSchool",
    "HousingProject",
    "NormOverride",
    "Change",
    "Scenario",
    "ScenarioFileError",
    "apply_scenario",
    "load_scenarios",
    "load_scenario_files",
    "parse_scenarios",
    "compare_scenarios",
    "Comparison",
    "comparison_wide",
]


def _files(scenarios: Sequence[Scenario]) -> str:
    return ", ".join(dict.fromkeys(s.file for s in scenarios if s.file)) or "(Python)"


def apply_scenario(ward: Ward, scenario: Scenario) -> Ward:
    """A new Ward with the scenario's changes applied (the given ward is left as it is).

    Raises `ScenarioFileError` (a ValueError) listing what does not fit the ward: an unknown
    school or quarter, a school id that already exists, a year outside base_year + 1 … horizon,
    an unknown level, a norm override the norm table refuses (`scenario_file.ward_problems`).
    """
    problems = ward_problems(ward, scenario)
    if problems:
        raise ScenarioFileError(_files([scenario]), problems)
    schools = ward.schools.copy()
    housing = None if ward.housing is None else ward.housing.copy()
    norms, rates = ward.norms, ward.rates
    for change in scenario.changes:
        if isinstance(change, OpenSchool):
            row = dict.fromkeys(schools.columns, np.nan)
            row.update({k: v for k, v in dataclasses.asdict(change).items() if v is not None})
            new = pd.DataFrame([row])
            for column in schools.columns:  # keep the loader's dtypes (ids as strings, floats)
                if column in new and schools[column].dtype.kind in "fiu":
                    new[column] = pd.to_numeric(new[column]).astype(
                        "float64" if schools[column].dtype.kind == "f" else schools[column].dtype
                    )
            schools = pd.concat([schools, new[schools.columns]], ignore_index=True)
        elif isinstance(change, CloseSchool):
            hit = schools["school_id"] == change.school_id
            old = schools.loc[hit, "closes"]
            schools.loc[hit, "closes"] = np.fmin(old.astype(float), float(change.year))
        elif isinstance(change, HousingProject):
            row = pd.DataFrame(
                {
                    "quarter_id": [change.quarter_id],
                    "year": [int(change.year)],
                    "new_dwellings": [int(change.new_dwellings)],
                }
            )
            if housing is None:
                housing = row
            else:
                housing = (
                    pd.concat([housing, row.astype(housing.dtypes.to_dict())], ignore_index=True)
                    .groupby(["quarter_id", "year"], as_index=False, sort=True)["new_dwellings"]
                    .sum()
                )
        elif isinstance(change, NormOverride):
            norms = deep_merge(norms, change.norms)
            rates = deep_merge(rates, change.rates)
        else:  # pragma: no cover - typing guards this
            raise TypeError(f"unknown scenario change {change!r}")
    return dataclasses.replace(ward, schools=schools, housing=housing, norms=norms, rates=rates)


# --- comparing ---------------------------------------------------------------------------------

METRICS = ("pupils", "classes", "rooms_short", "pupil_metres", "mean_distance_m", "overflow_pupils")


@dataclass(frozen=True, eq=False)
class Comparison:
    """Scenarios side by side.

    table: one row per scenario × level × school year with `pupils, classes, rooms_short,
        pupil_metres, mean_distance_m, overflow_pupils` (every school year re-zoned with the
        schools open that year); the baseline's scenario name is `baseline`.
    differences: the same rows minus the baseline's (`<metric>_diff`), scenarios only.
    plans: the computed plan of each scenario (tuyensinh.plan.types.Plan), baseline included.
    """

    table: pd.DataFrame
    differences: pd.DataFrame
    plans: dict[str, Any]


def _metrics(plan: Any) -> pd.DataFrame:
    """Per level × school year: classes and rooms short (re-zoned years), pupil-metres."""
    cap = plan.capacity_yearly if plan.capacity_yearly is not None else plan.capacity
    by = cap.groupby(["level", "school_year"], sort=True)
    table = pd.DataFrame(
        {
            "pupils": by["pupils_mean"].sum(),
            "classes": by["classes"].sum(),
            "rooms_short": by["room_shortfall"].sum(),
        }
    )
    zones = plan.yearly_assignment()
    if zones is None:  # a single school year: the proposed zoning is that year's
        zones = plan.assignment.assign(school_year=plan.school_year)
    travel = (
        zones.assign(pm=zones["pupils"] * zones["distance_m"]).groupby(["level", "school_year"])[["pm", "pupils"]].sum()
    )
    table["pupil_metres"] = travel["pm"]
    table["mean_distance_m"] = travel["pm"] / travel["pupils"].where(travel["pupils"] > 0)
    results = list((plan.yearly or plan.zonings).values())
    load = pd.concat([r.load for r in results], ignore_index=True)
    table["overflow_pupils"] = load.groupby(["level", "school_year"])["overflow_pupils"].sum()
    return table.fillna({"pupil_metres": 0.0, "overflow_pupils": 0.0}).reset_index()


def _forecast_of(plan: Any) -> Any:
    """The baseline's forecast in the form compute_plan reuses (quarters and ward tables)."""
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
    progress: Progress | bool | Callable[[str], None] | None = None,
) -> Comparison:
    """Compute the baseline plan and one plan per scenario; tabulate them side by side.

    Every school year to the horizon is zoned on its own in every plan, so a school opening in
    2029 takes pupils from 2029 on. The forecast is computed once and reused by scenarios that
    do not change population or housing.
    """
    settings = dataclasses.replace(settings or PlanSettings(), rezone_each_year=True)
    # every scenario is checked against the ward before anything is computed, all problems at once
    problems = name_problems(scenarios) + [p for s in scenarios for p in ward_problems(ward, s)]
    if problems:
        raise ScenarioFileError(_files(scenarios), problems)
    changed = [apply_scenario(ward, s) for s in scenarios]
    tracker = progress if isinstance(progress, Progress) else Progress(progress, settings.lang)
    tracker.line(say("step.scenario", settings.lang, name=say("scenario.baseline", settings.lang)))
    base = compute_plan(ward, settings, progress=tracker)
    plans = {RESERVED_NAME: base}
    for scenario, variant in zip(scenarios, changed, strict=True):
        tracker.line(say("step.scenario", settings.lang, name=scenario.name))
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
    return Comparison(table=table.reset_index(drop=True), differences=differences.reset_index(drop=True), plans=plans)


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
    names = {s: (say("scenario.baseline", lang) if s == "baseline" else s) for s in order}
    wide = table.pivot_table(
        index=["level", "school_year"], columns="scenario", values=list(_METRIC_LABELS), aggfunc="sum", sort=False
    )
    wide = wide.reindex(columns=pd.MultiIndex.from_product([list(_METRIC_LABELS), order]))
    wide.columns = pd.MultiIndex.from_tuples([(say(_METRIC_LABELS[m], lang), names[s]) for m, s in wide.columns])
    levels = [lv for lv in LEVELS if lv in wide.index.get_level_values(0)]
    wide = wide.reindex(
        pd.MultiIndex.from_tuples(
            [(lv, y) for lv in levels for y in sorted(table.loc[table["level"] == lv, "school_year"].unique())]
        )
    )
    wide.index = pd.MultiIndex.from_tuples(
        [(level_name(lv, lang), school_year_label(y, lang)) for lv, y in wide.index],
        names=[say("col.level", lang), say("col.school_year", lang)],
    )
    return wide.round(1)
