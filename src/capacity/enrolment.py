"""The enrolment cycle's input (actual enrolment) and the 15 August report: quotas and forecast
against the actual intake per school and entry grade, with the forecast accuracy achieved.

The enrolment table (one row per school × school year × grade, optionally split further):

| column | required | meaning |
|---|---|---|
| `school_id` | yes | the school (a public school of schools.csv, or any id for a private one) |
| `school_year` | yes | 2025 = the school year starting in September 2025 |
| `grade` | yes | grade code (lop_1, mg_3_4, …) |
| `pupils` | yes | pupils enrolled at the start of the school year |
| `sector` | no | `public` (default) or `private` |
| `quarter_id` | no | the quarter (khu phố, thôn) the pupils live in |
| `birth_year` | no | the pupils' year of birth (for the universalisation indicators) |
| `classes` | no | classes of the grade at the school |
| `completed` | no | pupils of the row who completed the grade at the end of the school year (lớp 5: completed primary; lớp 9: THCS diploma) |

Accuracy (as the ward plans ask, 90–95 %): per row accuracy = 1 − |forecast − actual| ÷ actual;
per level and year accuracy = 1 − Σ|forecast − actual| ÷ Σ actual over schools and entry grades
(a weighted mean absolute percentage error), and the ward-total accuracy 1 − |Σ forecast − Σ
actual| ÷ Σ actual; the same for classes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.grades import ENTRY_GRADES, GRADE_LEVEL, GRADES, LEVELS
from capacity.norms import Norms
from capacity.table_checks import TableError, TableProblem, check_codes, check_count_column, sheet_rows

__all__ = [
    "ENROLMENT_COLUMNS",
    "INTAKE_ACCURACY_COLUMNS",
    "INTAKE_COLUMNS",
    "SECTORS",
    "check_enrolment",
    "enrolment_problems",
    "intake_accuracy",
    "intake_report",
]

ENROLMENT_COLUMNS: tuple[str, ...] = ("school_id", "school_year", "grade", "pupils")
OPTIONAL_COLUMNS: tuple[str, ...] = ("sector", "quarter_id", "birth_year", "classes", "completed")
SECTORS: tuple[str, ...] = ("public", "private")
INTAKE_COLUMNS: tuple[str, ...] = (
    "school_id",
    "level",
    "grade",
    "school_year",
    "quota",
    "forecast",
    "actual",
    "actual_minus_quota",
    "fill_rate",
    "forecast_error",
    "accuracy",
    "quota_classes",
    "actual_classes",
    "classes_error",
)
INTAKE_ACCURACY_COLUMNS: tuple[str, ...] = (
    "level",
    "school_year",
    "rows",
    "quota",
    "forecast",
    "actual",
    "accuracy",
    "ward_accuracy",
    "classes_accuracy",
    "classes_exact_share",
    "accuracy_target",
    "meets_target",
)


def enrolment_problems(
    enrolment: pd.DataFrame, schools: pd.DataFrame | None = None, name: str = "enrolment", *, need_school: bool = True
) -> tuple[pd.DataFrame, list[TableProblem]]:
    """The enrolment table cleaned (bad rows dropped) and the problems of its bad cells.

    need_school=False accepts a ward-level table without `school_id` (rates, universalisation)."""
    problems: list[TableProblem] = []
    if not need_school and "school_id" not in enrolment.columns:
        enrolment = enrolment.assign(school_id="")
    missing = [c for c in ENROLMENT_COLUMNS if c not in enrolment.columns]
    for column in missing:
        problems.append(
            TableProblem(name, column, (), "missing_column", None, {"expected": ENROLMENT_COLUMNS + OPTIONAL_COLUMNS})
        )
    if missing:
        return pd.DataFrame(columns=list(ENROLMENT_COLUMNS)), problems
    table = enrolment.reset_index(drop=True).copy()
    table["school_id"] = table["school_id"].astype(str).str.strip()
    ok = check_codes(table, name, "grade", GRADES, problems)
    if "sector" not in table:
        table["sector"] = "public"
    table["sector"] = table["sector"].fillna("public").astype(str).str.strip().str.lower().replace("", "public")
    ok &= check_codes(table, name, "sector", SECTORS, problems)
    year = check_count_column(table, name, "school_year", problems, low=1990, high=2100)
    if year.isna().any() and not any(p.column == "school_year" for p in problems):
        problems.append(TableProblem(name, "school_year", sheet_rows(year.isna()), "not_number", None, {}))
    table["school_year"] = year
    table["pupils"] = check_count_column(table, name, "pupils", problems, unit="pupils")
    ok &= table["school_year"].notna().to_numpy() & table["pupils"].notna().to_numpy()
    for column in ("classes", "completed"):
        if column in table:
            table[column] = check_count_column(
                table, name, column, problems, unit="pupils" if column == "completed" else "classes"
            )
    if "completed" in table:
        over = (table["completed"] > table["pupils"]).to_numpy()
        if over.any():
            problems.append(
                TableProblem(
                    name,
                    "completed",
                    sheet_rows(over),
                    "above_column",
                    table["completed"].iloc[int(np.flatnonzero(over)[0])],
                    {"other": "pupils"},
                )
            )
    if "birth_year" in table:
        birth = check_count_column(table, name, "birth_year", problems, low=1990, high=2100)
        age = table["school_year"] - birth
        odd = ((age < 0) | (age > 25)).to_numpy()
        if odd.any():
            problems.append(
                TableProblem(
                    name,
                    "birth_year",
                    sheet_rows(odd),
                    "below_minimum",
                    table["birth_year"].iloc[int(np.flatnonzero(odd)[0])],
                    {"low": float(np.nanmin(table["school_year"]) - 25)},
                )
            )
        table["birth_year"] = birth.where(~odd)
    if "quarter_id" in table:
        table["quarter_id"] = table["quarter_id"].astype(str)
    if schools is not None:
        public = (table["sector"] == "public").to_numpy()
        known = set(schools["school_id"].astype(str)) | ({""} if not need_school else set())
        unknown = public & ~table["school_id"].isin(known).to_numpy()
        if unknown.any():
            problems.append(
                TableProblem(
                    name,
                    "school_id",
                    sheet_rows(unknown),
                    "unknown_code",
                    table["school_id"].iloc[int(np.flatnonzero(unknown)[0])],
                    {"allowed": tuple(sorted(known))},
                )
            )
            ok &= ~unknown
    keys = [c for c in ("school_id", "school_year", "grade", "sector", "quarter_id", "birth_year") if c in table]
    dup = table.duplicated(keys, keep="first").to_numpy() & ok
    if dup.any():
        problems.append(TableProblem(name, "school_id", sheet_rows(dup), "duplicate", None, {"keys": tuple(keys)}))
    table = table[ok & ~dup].copy()
    table["school_year"] = table["school_year"].astype(int)
    table["level"] = table["grade"].map(GRADE_LEVEL)
    return table.reset_index(drop=True), problems


def check_enrolment(
    enrolment: pd.DataFrame, schools: pd.DataFrame | None = None, name: str = "enrolment", *, need_school: bool = True
) -> pd.DataFrame:
    """The enrolment table cleaned; raises TableError listing every bad cell."""
    table, problems = enrolment_problems(enrolment, schools, name, need_school=need_school)
    if problems:
        raise TableError(problems)
    return table


def _by_school_grade(frame: pd.DataFrame, value: str, out: str) -> pd.Series:
    return frame.groupby(["school_id", "grade", "school_year"])[value].sum(min_count=1).rename(out)


def intake_report(
    enrolment: pd.DataFrame,
    *,
    quotas: pd.DataFrame | None = None,
    forecast: pd.DataFrame | None = None,
    school_years: list[int] | None = None,
) -> pd.DataFrame:
    """The 15 August report: per public school × entry grade × school year, the published quota,
    the forecast and the actual intake (INTAKE_COLUMNS; pupils and classes).

    enrolment: the actual enrolment (check_enrolment's columns); quotas: the quotas published
    before the school year (capacity.quotas' table: `pupils`, `classes`); forecast: the expected
    pupils of last year's plan (`school_id, grade, school_year, pupils` or `mean`). Rows: every
    school × entry grade × year present in any of them (restricted to `school_years`).
    """
    actual = check_enrolment(enrolment)
    actual = actual[actual["sector"] == "public"]
    entry = [g for level in LEVELS for g in ENTRY_GRADES[level]]
    parts = [_by_school_grade(actual[actual["grade"].isin(entry)], "pupils", "actual")]
    if "classes" in actual:
        parts.append(_by_school_grade(actual[actual["grade"].isin(entry)], "classes", "actual_classes"))
    if quotas is not None:
        q = quotas.assign(school_id=quotas["school_id"].astype(str))
        parts += [_by_school_grade(q, "pupils", "quota"), _by_school_grade(q, "classes", "quota_classes")]
    if forecast is not None:
        value = "pupils" if "pupils" in forecast else "mean"
        parts.append(_by_school_grade(forecast.assign(school_id=forecast["school_id"].astype(str)), value, "forecast"))
    table = pd.concat(parts, axis=1).reset_index()
    table = table[table["grade"].isin(entry)]
    if school_years is not None:
        table = table[table["school_year"].isin(school_years)]
    for col in ("quota", "forecast", "actual", "quota_classes", "actual_classes"):
        if col not in table:
            table[col] = np.nan
    table["level"] = table["grade"].map(GRADE_LEVEL)
    a, f, q = (table[c].to_numpy(float) for c in ("actual", "forecast", "quota"))
    with np.errstate(divide="ignore", invalid="ignore"):
        table["actual_minus_quota"] = a - q
        table["fill_rate"] = np.where(q > 0, a / q, np.nan)
        table["forecast_error"] = f - a
        table["accuracy"] = np.where(a > 0, 1.0 - np.abs(f - a) / a, np.nan)
    table["classes_error"] = table["quota_classes"] - table["actual_classes"]
    order = {g: i for i, g in enumerate(GRADES)}
    table = table.sort_values(
        ["school_year", "school_id", "grade"], key=lambda c: c.map(order) if c.name == "grade" else c, kind="stable"
    )
    return table.loc[:, list(INTAKE_COLUMNS)].reset_index(drop=True)


def intake_accuracy(report: pd.DataFrame, norms: Norms) -> pd.DataFrame:
    """Accuracy achieved per level (and `all`) × school year (INTAKE_ACCURACY_COLUMNS; shares).

    Over the rows with both a forecast and an actual intake: accuracy = 1 − Σ|f − a| ÷ Σ a,
    ward_accuracy = 1 − |Σ f − Σ a| ÷ Σ a; classes_accuracy = 1 − Σ|quota classes − actual
    classes| ÷ Σ actual classes and classes_exact_share the share of rows with the right count.
    meets_target: accuracy ≥ the norm table's forecast_accuracy_target (0.9).
    """
    rows = report[report["forecast"].notna() & report["actual"].notna()].copy()
    rows["abs_err"] = (rows["forecast"] - rows["actual"]).abs()
    has_classes = rows["quota_classes"].notna() & rows["actual_classes"].notna()
    rows["class_err"] = np.where(has_classes, (rows["quota_classes"] - rows["actual_classes"]).abs(), np.nan)
    rows["class_actual"] = np.where(has_classes, rows["actual_classes"], np.nan)
    rows["class_exact"] = np.where(has_classes, rows["class_err"] == 0, np.nan)
    both = pd.concat([rows, rows.assign(level="all")], ignore_index=True)
    g = both.groupby(["level", "school_year"])
    table = g.agg(
        rows=("actual", "size"),
        quota=("quota", "sum"),
        forecast=("forecast", "sum"),
        actual=("actual", "sum"),
        abs_err=("abs_err", "sum"),
        class_err=("class_err", "sum"),
        class_actual=("class_actual", "sum"),
        classes_exact_share=("class_exact", "mean"),
    ).reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        table["accuracy"] = np.where(table["actual"] > 0, 1 - table["abs_err"] / table["actual"], np.nan)
        table["ward_accuracy"] = np.where(
            table["actual"] > 0, 1 - (table["forecast"] - table["actual"]).abs() / table["actual"], np.nan
        )
        table["classes_accuracy"] = np.where(
            table["class_actual"] > 0, 1 - table["class_err"] / table["class_actual"], np.nan
        )
    table["accuracy_target"] = norms.value("forecast_accuracy_target")
    table["meets_target"] = pd.array(
        np.where(table["accuracy"].isna(), None, table["accuracy"] >= table["accuracy_target"]), dtype="boolean"
    )
    order = {lv: i for i, lv in enumerate([*LEVELS, "all"])}
    table = table.sort_values(
        ["school_year", "level"], key=lambda c: c.map(order) if c.name == "level" else c, kind="stable"
    )
    return table.loc[:, list(INTAKE_ACCURACY_COLUMNS)].reset_index(drop=True)
