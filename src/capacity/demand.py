"""Enrollment demand: the population forecast turned into public-school pupils per grade.

For school year Y (starting in September Y) each grade reads the forecast population of
year Y at its cohort age (docs/architecture.md): grade g of primary/THCS is age 5 + g,
mẫu giáo 5–6/4–5/3–4 are ages 5/4/3 and nhà trẻ 25–36/13–24/3–12 months ages 2/1/0, where only
the share of age 0 already 3 months old on 1 September counts (`infant_eligible_share`).

    pupils = population × eligible share × participation × (1 − private share) × progression

Every interval bound (lo80, hi80, lo95, hi95) is scaled by the same positive factor, so it
stays the same quantile of the demand.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from capacity.grades import GRADES
from capacity.norms import Norms

__all__ = [
    "DEMAND_COLUMNS",
    "FORECAST_COLUMNS",
    "BOUNDS",
    "enrollment_demand",
    "progression_from_history",
    "check_forecast",
    "enrolled_share",
]

BOUNDS: tuple[str, ...] = ("mean", "lo80", "hi80", "lo95", "hi95")
FORECAST_COLUMNS: tuple[str, ...] = ("quarter_id", "year", "age", *BOUNDS)
DEMAND_COLUMNS: tuple[str, ...] = ("quarter_id", "school_year", "level", "grade", "age", *BOUNDS)
PROGRESSION_RANGE = (0.5, 1.5)


def _rows(mask: np.ndarray, limit: int = 5) -> str:
    """Spreadsheet row numbers (header = 1) of the first offending rows."""
    idx = np.flatnonzero(mask)
    shown = ", ".join(str(i + 2) for i in idx[:limit])
    return shown + (f" and {len(idx) - limit} more" if len(idx) > limit else "")


def enrolled_share(grades: pd.DataFrame) -> pd.Series:
    """Public-school pupils per resident of each grade's cohort age (`Norms.grade_table()` rows):
    eligible share × participation × (1 − private share)."""
    return grades["eligible_share"] * grades["participation"] * (1.0 - grades["private_share"])


def check_forecast(forecast: pd.DataFrame, name: str = "forecast") -> pd.DataFrame:
    """Validate a forecast table (`quarter_id, year, age, mean, lo80, hi80, lo95, hi95`).

    Returns a clean copy (ids as strings, numbers as float/int). Raises ValueError naming the
    table, the column and the rows at fault.
    """
    missing = [c for c in FORECAST_COLUMNS if c not in forecast.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {', '.join(missing)}; a forecast table has the columns "
            f"{', '.join(FORECAST_COLUMNS)} (as written by `tuyensinh forecast`)"
        )
    table = forecast.loc[:, list(FORECAST_COLUMNS)].reset_index(drop=True).copy()
    table["quarter_id"] = table["quarter_id"].astype(str)
    for col in ("year", "age", *BOUNDS):
        values = pd.to_numeric(table[col], errors="coerce")
        bad = values.isna().to_numpy()
        if bad.any():
            raise ValueError(f"{name}: column '{col}' is empty or not a number in row(s) {_rows(bad)}")
        table[col] = values
    for col in ("year", "age"):
        bad = (table[col] != np.round(table[col])).to_numpy()
        if bad.any():
            raise ValueError(f"{name}: column '{col}' must hold whole numbers; see row(s) {_rows(bad)}")
        table[col] = table[col].astype(int)
    values = table[list(BOUNDS)].to_numpy(float)
    bad = (values < 0).any(axis=1)
    if bad.any():
        raise ValueError(f"{name}: negative persons in row(s) {_rows(bad)}; counts must be ≥ 0")
    lo95, lo80, mean, hi80, hi95 = (table[c].to_numpy(float) for c in ("lo95", "lo80", "mean", "hi80", "hi95"))
    tol = 1e-6 * np.maximum(1.0, mean)
    bad = (lo95 > lo80 + tol) | (lo80 > mean + tol) | (mean > hi80 + tol) | (hi80 > hi95 + tol)
    if bad.any():
        raise ValueError(
            f"{name}: the bounds must satisfy lo95 ≤ lo80 ≤ mean ≤ hi80 ≤ hi95, not so in row(s) {_rows(bad)}"
        )
    dup = table.duplicated(["quarter_id", "year", "age"]).to_numpy()
    if dup.any():
        raise ValueError(f"{name}: the same quarter, year and age appear twice, see row(s) {_rows(dup)}")
    return table


def _check_progression(progression: pd.DataFrame) -> pd.DataFrame:
    name = "progression"
    missing = [c for c in ("grade", "ratio") if c not in progression.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}; expected grade, ratio [, quarter_id]")
    cols = ["grade", "ratio"] + (["quarter_id"] if "quarter_id" in progression.columns else [])
    table = progression.loc[:, cols].reset_index(drop=True).copy()
    unknown = ~table["grade"].isin(GRADES).to_numpy()
    if unknown.any():
        raise ValueError(f"{name}: unknown grade code in row(s) {_rows(unknown)}; use one of {', '.join(GRADES)}")
    ratio = pd.to_numeric(table["ratio"], errors="coerce").to_numpy(float)
    bad = ~np.isfinite(ratio) | (ratio <= 0)
    if bad.any():
        raise ValueError(f"{name}: column 'ratio' must be a positive number, see row(s) {_rows(bad)}")
    table["ratio"] = ratio
    if "quarter_id" in table:
        table["quarter_id"] = table["quarter_id"].astype(str)
    keys = [c for c in ("quarter_id", "grade") if c in table]
    dup = table.duplicated(keys).to_numpy()
    if dup.any():
        raise ValueError(f"{name}: duplicate {' × '.join(keys)} in row(s) {_rows(dup)}")
    return table


def enrollment_demand(
    forecast: pd.DataFrame,
    norms: Norms,
    school_years: Iterable[int] | None = None,
    progression: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Public-school pupils expected per quarter × school year × grade (the demand table).

    forecast: `quarter_id, year, age, mean, lo80, hi80, lo95, hi95` (persons, end of year).
    school_years: the school years wanted (default: every forecast year); year Y of the
        forecast gives school year Y.
    progression: optional `grade, ratio [, quarter_id]` multiplying the cohort demand per grade
        (from enrolment history, `progression_from_history`); grades not listed use 1.0.
    Returns `quarter_id, school_year, level, grade, age, mean, lo80, hi80, lo95, hi95`
    (pupils), sorted by quarter, school year and grade order.
    """
    table = check_forecast(forecast)
    available = sorted(table["year"].unique().tolist())
    if school_years is None:
        years = available
    else:
        years = sorted({int(y) for y in school_years})
        absent = [y for y in years if y not in available]
        if absent:
            raise ValueError(
                f"forecast: no population for year(s) {', '.join(map(str, absent))} "
                f"(school year Y reads the forecast of year Y); the forecast covers {available[0]}–{available[-1]}"
            )
    grades = norms.grade_table()
    table = table[table["year"].isin(years) & table["age"].isin(grades["age"])]
    quarters = pd.Index(sorted(forecast["quarter_id"].astype(str).unique()))
    counts = table.groupby(["quarter_id", "year"]).size()
    expected = pd.MultiIndex.from_product([quarters, years], names=["quarter_id", "year"])
    counts = counts.reindex(expected, fill_value=0)
    short = counts[counts < len(grades)]
    if len(short):
        (quarter, year) = short.index[0]
        have = set(table.loc[(table["quarter_id"] == quarter) & (table["year"] == year), "age"])
        lacking = sorted(set(grades["age"]) - have)
        raise ValueError(
            f"forecast: quarter {quarter}, year {year} lacks age(s) {', '.join(map(str, lacking))} "
            f"({len(short)} quarter-year(s) incomplete); the demand needs every age 0–{grades['age'].max()}"
        )
    grades = grades.assign(factor=enrolled_share(grades))
    demand = table.merge(
        grades[["age", "level", "grade", "order", "factor"]], on="age", how="inner", validate="many_to_one"
    )
    factor = demand["factor"].to_numpy(float)
    if progression is not None:
        prog = _check_progression(progression)
        keys = ["quarter_id", "grade"] if "quarter_id" in prog else ["grade"]
        demand = demand.merge(prog, on=keys, how="left", validate="many_to_one")
        factor = factor * demand["ratio"].fillna(1.0).to_numpy(float)
    for col in BOUNDS:
        demand[col] = demand[col].to_numpy(float) * factor
    demand = demand.rename(columns={"year": "school_year"})
    demand = demand.sort_values(["quarter_id", "school_year", "order"], kind="stable")
    return demand.loc[:, list(DEMAND_COLUMNS)].reset_index(drop=True)


def progression_from_history(
    enrolment: pd.DataFrame,
    population: pd.DataFrame,
    norms: Norms,
) -> pd.DataFrame:
    """Observed-to-expected enrolment ratio per grade from past school years.

    enrolment: `school_year, grade, pupils` (public-school pupils of the ward, e.g. from the
        EMIS statistics; an optional `quarter_id` column is summed over).
    population: `quarter_id, year, age, count` (the population history).
    The ratio Σ pupils / Σ (population at the cohort age × eligible share × participation ×
    (1 − private share)) over the years present in both captures repetition, dropout,
    late entry and pupils from outside the ward. Ratios outside 0.5–1.5 point at a data
    problem: they are clipped to that range with a warning. Returns `grade, ratio, years`.
    """
    need = [c for c in ("school_year", "grade", "pupils") if c not in enrolment.columns]
    if need:
        raise ValueError(f"enrolment: missing column(s) {', '.join(need)}; expected school_year, grade, pupils")
    unknown = ~enrolment["grade"].isin(GRADES).to_numpy()
    if unknown.any():
        raise ValueError(f"enrolment: unknown grade code in row(s) {_rows(unknown)}; use one of {', '.join(GRADES)}")
    pupils = pd.to_numeric(enrolment["pupils"], errors="coerce")
    bad = (pupils.isna() | (pupils < 0)).to_numpy()
    if bad.any():
        raise ValueError(f"enrolment: column 'pupils' must be a number ≥ 0, see row(s) {_rows(bad)}")
    school_year = pd.to_numeric(enrolment["school_year"], errors="coerce")
    bad = (school_year.isna() | (school_year != school_year.round())).to_numpy()
    if bad.any():
        raise ValueError(f"enrolment: column 'school_year' must be a whole year such as 2023, see row(s) {_rows(bad)}")
    need = [c for c in ("year", "age", "count") if c not in population.columns]
    if need:
        raise ValueError(f"population: missing column(s) {', '.join(need)}; expected quarter_id, year, age, count")
    observed = (
        enrolment.assign(pupils=pupils, school_year=school_year.astype(int))
        .groupby(["school_year", "grade"], as_index=False)["pupils"]
        .sum()
    )
    grades = norms.grade_table()
    grades["factor"] = enrolled_share(grades)
    ward = population.groupby(["year", "age"], as_index=False)["count"].sum()
    expected = ward.merge(grades[["age", "grade", "factor"]], on="age")
    expected["expected"] = expected["count"] * expected["factor"]
    both = observed.merge(
        expected.rename(columns={"year": "school_year"})[["school_year", "grade", "expected"]],
        on=["school_year", "grade"],
        how="inner",
    )
    if both.empty:
        raise ValueError(
            "enrolment: no school year in common with the population history; progression cannot be estimated"
        )
    sums = both.groupby("grade").agg(
        pupils=("pupils", "sum"), expected=("expected", "sum"), years=("school_year", "nunique")
    )
    sums = sums[sums["expected"] > 0]
    ratio = sums["pupils"] / sums["expected"]
    low, high = PROGRESSION_RANGE
    outside = ratio[(ratio < low) | (ratio > high)]
    if len(outside):
        warnings.warn(
            "enrolment: observed/expected ratio outside 0.5–1.5 for "
            + ", ".join(f"{g} ({r:.2f})" for g, r in outside.items())
            + "; clipped — check the enrolment figures and the population of those ages",
            stacklevel=2,
        )
    result = pd.DataFrame(
        {"grade": ratio.index, "ratio": ratio.clip(low, high).to_numpy(), "years": sums["years"].to_numpy()}
    )
    order = {g: i for i, g in enumerate(GRADES)}
    return result.sort_values("grade", key=lambda s: s.map(order)).reset_index(drop=True)
