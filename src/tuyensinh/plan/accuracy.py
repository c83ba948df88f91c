"""How accurate the December forecast has been, in the planner's units: entry-grade pupils and classes.

Local plans ask the forecast for "90–95 % accuracy for enrollment size and number of classes".
This module answers with the ward's own history. The rolling-origin backtest
(`forecast.backtest`) re-runs the forecast from every past origin year with only the data up
to that year — exactly what `forecast.project(..., base_year=origin)` would have published —
and the cells are summed (`forecast.area_totals`) to the totals a planner publishes:

- entry grades: mẫu giáo 3–4 (age 3), lớp 1 (age 6), lớp 6 (age 11), by the cohort rule of
  docs/architecture.md (school year Y reads the population of year Y);
- scope `ward` (the whole ward) and `school` (each school's catchment under the ward's current
  zones, zones.csv shares: a split quarter sends its share of children to each school);
- pupils = persons × eligible share × participation × (1 − private share), the factor of
  `capacity.enrollment_demand` (norms with the ward's overrides), for the forecast (the
  expected count, as demand.csv) and the outcome alike;
- classes = ceil(pupils / class-size limit): the legal limit of the grade for the ward, the
  school's own limit (`capacity.effective_limits`) for a catchment.

Scores per grade × scope × horizon (1–4 years ahead), for every method in the backtest (the
plan runs the method and two baselines: naive "keep the origin year's count" and the simple
shrunk Hamilton–Perry `hp_shrunk` of issue 10): accuracy of pupils = 100 − MAPE (percent),
weighted MAPE, MALPE, and the share of forecasts whose class count is exactly right and within
±1 class (with the counts, e.g. 8 of 10).

`small_area_scores` scores the same backtest as the real-data benchmark does
(benchmarks/forecast_real_bench.py): weighted MAPE = Σ|mean − actual| / Σ actual × 100 over the
quarter cells of ages 6 and 11 (entry ages of lớp 1 and lớp 6), by horizon, with each method's
ratio to `hp_shrunk` — the ward's own history judged by the yardstick of the real data.

What is not scored: the participation and private-school rates are the same on both sides (no
enrolment history is read), so these figures measure the population forecast as it reaches
pupils and classes; mixed-age and mixed-grade classes are not formed (one grade, whole classes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from capacity.classes import ceil_classes, effective_limits
from capacity.demand import enrolled_share
from capacity.norms import Norms, load_norms
from forecast.accuracy import WARD, area_totals, error_scores
from forecast.backtest import backtest
from forecast.settings import METHODS

__all__ = [
    "ENTRY_GRADES",
    "PLAN_METHODS",
    "PLAN_MAX_HORIZON",
    "MIN_HISTORY_YEARS",
    "PlanningAccuracy",
    "history_long_enough",
    "entry_grade_totals",
    "score_totals",
    "planning_accuracy",
    "ward_planning_accuracy",
    "small_area_scores",
    "SIMPLE_BASELINE",
    "SMALL_AREA_AGES",
]

#: Entry grades scored: (grade, level); their ages follow the norm table's cohort rule.
ENTRY_GRADES: tuple[tuple[str, str], ...] = (("mg_3_4", "mam_non"), ("lop_1", "tieu_hoc"), ("lop_6", "thcs"))
#: Methods the plan backtests: the forecast method, the simple shrunk Hamilton–Perry of the
#: real-data benchmark and naive persistence (the two baselines).
PLAN_METHODS: tuple[str, ...] = ("shrunk", "hp_shrunk", "naive")
#: The baseline of the real-data benchmark (issue 10) and the ages it scores.
SIMPLE_BASELINE = "hp_shrunk"
SMALL_AREA_AGES: tuple[int, ...] = (6, 11)
#: The plan publishes school years up to 4 years after the base year (2027–2030 from 2026).
PLAN_MAX_HORIZON = 4
#: Years of population history a backtest with honest intervals needs (forecast.backtest:
#: 3 to project from, 2 origins to calibrate on, and an origin with an outcome after it).
MIN_HISTORY_YEARS = 6
METHOD, BASELINE = "shrunk", "naive"

TOTALS_COLUMNS = [
    "scope",
    "area",
    "level",
    "grade",
    "age",
    "method",
    "origin",
    "horizon",
    "school_year",
    "actual_pupils",
    "forecast_pupils",
    "max_class_size",
    "actual_classes",
    "forecast_classes",
]
TABLE_COLUMNS = [
    "scope",
    "level",
    "grade",
    "age",
    "method",
    "horizon",
    "forecasts",
    "actual_pupils",
    "accuracy",
    "mape",
    "wmape",
    "malpe",
    "classes_exact",
    "classes_within1",
    "exact_count",
    "within1_count",
]


@dataclass(frozen=True, eq=False)
class PlanningAccuracy:
    """Entry-grade accuracy of the forecast on the ward's history.

    totals: one row per scope × area × grade × method × origin × horizon (pupils, classes);
    table: the scores per scope × grade × method × horizon (percent; counts of forecasts);
    origins: the origin years scored; small_area: `small_area_scores` of the same backtest.
    """

    totals: pd.DataFrame
    table: pd.DataFrame
    origins: tuple[int, ...]
    small_area: pd.DataFrame = field(default_factory=pd.DataFrame)

    def row(self, grade: str, horizon: int = 1, scope: str = "ward", method: str = METHOD) -> pd.Series | None:
        """The scores of one grade × horizon × scope × method (None when not scored)."""
        t = self.table
        hit = t[(t["grade"] == grade) & (t["horizon"] == horizon) & (t["scope"] == scope) & (t["method"] == method)]
        return None if hit.empty else hit.iloc[0]

    def headlines(self) -> dict[str, Any]:
        """The figures for manifest.json: per scope, grade and horizon, the method and the
        baseline (accuracy %, classes exact / within 1 as counts and %)."""
        out: dict[str, Any] = {
            "origins": list(self.origins),
            "method": METHOD,
            "baseline": BASELINE,
            "metric": "accuracy = 100 - MAPE of entry-grade pupils (percent)",
        }
        for scope, part in self.table.groupby("scope", sort=False):
            entry: dict[str, Any] = {}
            for (grade, horizon, method), row in part.set_index(["grade", "horizon", "method"]).iterrows():
                entry.setdefault(grade, {}).setdefault(f"h{int(horizon)}", {})[method] = {
                    "forecasts": int(row["forecasts"]),
                    "accuracy": round(float(row["accuracy"]), 2),
                    "wmape": round(float(row["wmape"]), 2),
                    "classes_exact": int(row["exact_count"]),
                    "classes_within1": int(row["within1_count"]),
                    "classes_exact_pct": round(float(row["classes_exact"]), 1),
                    "classes_within1_pct": round(float(row["classes_within1"]), 1),
                }
            out[scope] = entry
        if not self.small_area.empty:
            combined = self.small_area[self.small_area["ages"] == _ages_label(SMALL_AREA_AGES)]
            out["small_area"] = {
                "ages": list(SMALL_AREA_AGES),
                "baseline": SIMPLE_BASELINE,
                "metric": "weighted MAPE of quarter cells, sum|mean - actual| / sum actual (percent)",
                "wmape": {
                    f"h{int(h)}": {m: round(float(v), 2) for m, v in zip(g["method"], g["wmape"], strict=True)}
                    for h, g in combined.groupby("horizon")
                },
            }
        return out


def _ages_label(ages: tuple[int, ...]) -> str:
    return ", ".join(str(a) for a in ages)


def small_area_scores(cells: pd.DataFrame, ages: tuple[int, ...] = SMALL_AREA_AGES) -> pd.DataFrame:
    """Weighted MAPE of backtest `cells` as the real-data benchmark scores it.

    wmape = 100 × Σ|mean − actual| / Σ actual over the cells (origin × quarter × age) of `ages`
    per method × horizon (`mean`: the unrounded expected count), for the ages together and each
    age alone; ratio = wmape / wmape of `SIMPLE_BASELINE` at the same ages and horizon (NaN when
    the baseline was not backtested). Columns: ages ("6, 11", "6", "11"), method, horizon, cells,
    wmape, ratio; methods in the standard order.
    """
    part = cells[cells["age"].isin(ages)]
    groups = [(_ages_label(ages), part)] + [(str(a), part[part["age"] == a]) for a in ages]
    frames = []
    for label, rows in groups:
        keys = [rows["method"], rows["horizon"]]
        error = (rows["mean"] - rows["actual"]).abs().groupby(keys).sum()
        actual = rows["actual"].groupby(keys).sum()
        frame = pd.DataFrame({"cells": rows.groupby(keys).size(), "wmape": 100 * error / actual}).reset_index()
        frames.append(frame.assign(ages=label))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if table.empty:
        return pd.DataFrame(columns=["ages", "method", "horizon", "cells", "wmape", "ratio"])
    base = table[table["method"] == SIMPLE_BASELINE].set_index(["ages", "horizon"])["wmape"]
    index = pd.MultiIndex.from_frame(table[["ages", "horizon"]])
    table["ratio"] = table["wmape"].to_numpy() / base.reindex(index).to_numpy()
    order = {m: i for i, m in enumerate(METHODS)}
    table = table.assign(_a=table["ages"].map({label: i for i, (label, _) in enumerate(groups)}))
    table = table.assign(_m=table["method"].map(order).fillna(len(order)))
    table = table.sort_values(["_a", "horizon", "_m"], kind="stable")
    return table[["ages", "method", "horizon", "cells", "wmape", "ratio"]].reset_index(drop=True)


def _grade_rules(norms: Norms) -> pd.DataFrame:
    """grade, level, age, factor (pupils per person), max_class_size of the entry grades."""
    table = norms.grade_table()
    table = table[table["grade"].isin([g for g, _ in ENTRY_GRADES])].copy()
    table["factor"] = enrolled_share(table)
    return table[["grade", "level", "age", "factor", "max_class_size"]].reset_index(drop=True)


def entry_grade_totals(
    cells: pd.DataFrame,
    norms: Norms,
    *,
    schools: pd.DataFrame | None = None,
    zones: pd.DataFrame | None = None,
    max_horizon: int = PLAN_MAX_HORIZON,
    methods: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Entry-grade pupils and classes, forecast and actual, per scope × area × origin × horizon.

    cells: `forecast.backtest(...).cells`; norms: `capacity.load_norms(ward.norms, ward.rates)`;
    schools, zones: the ward's schools and current zones (`quarter_id, level, school_id,
    share`) for the catchment scope (left out when either is None).
    Returns the columns of `TOTALS_COLUMNS` (pupils may be fractional; classes whole).
    """
    rules = _grade_rules(norms)
    part = cells[(cells["horizon"] <= max_horizon) & cells["age"].isin(rules["age"])]
    if methods is not None:
        part = part[part["method"].isin(methods)]
    frames = [area_totals(part, None, ages=None).assign(scope="ward")]
    frames[0] = frames[0].merge(rules, on="age", how="inner")
    limits = None
    if schools is not None and zones is not None and not zones.empty:
        limits = effective_limits(schools, norms).rename(columns={"school_id": "area"})
        for grade, level in ENTRY_GRADES:
            rule = rules[rules["grade"] == grade]
            level_zones = zones.loc[zones["level"] == level, ["quarter_id", "school_id", "share"]]
            if rule.empty or level_zones.empty:
                continue
            age = int(rule["age"].iloc[0])
            by_school = area_totals(part, level_zones.rename(columns={"school_id": "area"}), ages=[age])
            frames.append(by_school.assign(scope="school").merge(rule, on="age", how="inner"))
    totals = pd.concat(frames, ignore_index=True)
    if limits is not None:  # a catchment's classes follow its school's own limit
        own = limits[["area", "grade", "max_class_size"]].rename(columns={"max_class_size": "own_limit"})
        totals = totals.merge(own, on=["area", "grade"], how="left")
        use_own = (totals["scope"] == "school") & totals["own_limit"].notna()
        totals["max_class_size"] = np.where(use_own, totals["own_limit"], totals["max_class_size"])
    factor = totals["factor"].to_numpy(float)
    limit = totals["max_class_size"].to_numpy(float)
    totals["actual_pupils"] = totals["actual"].to_numpy(float) * factor
    totals["forecast_pupils"] = totals["mean"].to_numpy(float) * factor
    totals["actual_classes"] = ceil_classes(totals["actual_pupils"].to_numpy(), limit).astype(int)
    totals["forecast_classes"] = ceil_classes(totals["forecast_pupils"].to_numpy(), limit).astype(int)
    totals["school_year"] = totals["year"]
    totals.loc[totals["scope"] == "ward", "area"] = WARD
    return totals[TOTALS_COLUMNS].reset_index(drop=True)


def score_totals(totals: pd.DataFrame) -> pd.DataFrame:
    """Scores of `entry_grade_totals` per scope × grade × method × horizon (`TABLE_COLUMNS`).

    accuracy = 100 − MAPE of pupils over totals with actual pupils > 0; classes_exact /
    classes_within1: percent of forecasts whose class count is exactly right / off by at most
    one class (exact_count / within1_count of `forecasts`).
    """
    keys = totals[["scope", "level", "grade", "age", "method", "horizon"]]
    scores = error_scores(
        keys, totals["actual_pupils"].to_numpy(float), totals["forecast_pupils"].to_numpy(float), sort=False
    )
    miss = np.abs(totals["forecast_classes"].to_numpy(int) - totals["actual_classes"].to_numpy(int))
    classes = keys.assign(exact=miss == 0, within1=miss <= 1).groupby(list(keys.columns), sort=False)
    table = pd.DataFrame(
        {
            "forecasts": scores["totals"],
            "actual_pupils": scores["actual"],
            "mape": scores["mape"],
            "wmape": scores["wmape"],
            "malpe": scores["malpe"],
            "exact_count": classes["exact"].sum().astype(int),
            "within1_count": classes["within1"].sum().astype(int),
        }
    ).reset_index()
    table["accuracy"] = 100.0 - table["mape"]
    table["classes_exact"] = table["exact_count"] / table["forecasts"] * 100
    table["classes_within1"] = table["within1_count"] / table["forecasts"] * 100
    grade_order = {g: i for i, (g, _) in enumerate(ENTRY_GRADES)}
    method_order = {m: i for i, m in enumerate(METHODS)}
    table = table.assign(
        _s=table["scope"].map({"ward": 0, "school": 1}),
        _g=table["grade"].map(grade_order),
        _m=table["method"].map(method_order).fillna(len(METHODS)),
    )
    table = table.sort_values(["_s", "_g", "horizon", "_m"], kind="stable")
    return table[TABLE_COLUMNS].reset_index(drop=True)


def planning_accuracy(
    cells: pd.DataFrame,
    norms: Norms,
    *,
    schools: pd.DataFrame | None = None,
    zones: pd.DataFrame | None = None,
    max_horizon: int = PLAN_MAX_HORIZON,
    methods: tuple[str, ...] | None = None,
) -> PlanningAccuracy:
    """Entry-grade pupil and class-count accuracy of backtest `cells` (see the module docstring)."""
    totals = entry_grade_totals(cells, norms, schools=schools, zones=zones, max_horizon=max_horizon, methods=methods)
    origins = tuple(int(o) for o in sorted(totals["origin"].unique()))
    part = cells[cells["horizon"] <= max_horizon]
    if methods is not None:
        part = part[part["method"].isin(methods)]
    return PlanningAccuracy(
        totals=totals, table=score_totals(totals), origins=origins, small_area=small_area_scores(part)
    )


def history_long_enough(ward: Any) -> bool:
    """Whether a loaded `Ward` has `MIN_HISTORY_YEARS` years of population up to its base year."""
    years = ward.population.loc[ward.population["year"] <= ward.base_year, "year"].nunique()
    return int(years) >= MIN_HISTORY_YEARS


def ward_planning_accuracy(
    ward: Any,
    *,
    norms: Norms | None = None,
    cells: pd.DataFrame | None = None,
    max_horizon: int = PLAN_MAX_HORIZON,
    methods: tuple[str, ...] = PLAN_METHODS,
) -> PlanningAccuracy:
    """`planning_accuracy` of a loaded `Ward` on its history up to its base year, with its
    norms, schools and current zones. `cells`: a backtest of the ward to reuse (else the method
    and its two baselines are backtested, about 0.2 s on a sample ward). Raises ValueError
    when the history is too short for a backtest."""
    norms = norms if norms is not None else load_norms(ward.norms, ward.rates)
    if cells is None:
        cells = backtest(
            ward.population,
            ward.births,
            ward.housing,
            max_horizon=max_horizon,
            last_year=ward.base_year,
            methods=methods,
        ).cells
    return planning_accuracy(
        cells, norms, schools=ward.schools, zones=ward.zones, max_horizon=max_horizon, methods=methods
    )
