"""Capacity analysis per school × school year: pupils, classes, rooms, utilization, flags.

`analyze(demand, assignment, schools, norms)` sends each quarter's demand to its schools
(pupils = Σ share × demand, so no child is lost or counted twice), plans classes and rooms
(capacity.classes) and adds:
- utilization = rooms needed ÷ rooms available (whole classes of the mean demand, in rooms):
  the one meaning of "utilization" (mức sử dụng phòng học) in every output. 1.0 = every room
  used; above 1.0 exactly when rooms are short (room_shortfall > 0). Infinite for a school
  without rooms that is sent pupils, blank (NaN) for one without rooms or pupils.
- seat_fill = pupils ÷ seats, where seats = the pupils the available rooms hold at the
  class-size limits (rooms available ÷ rooms per class × the grade-mix limit): how full the
  seats are, a different quantity with its own name (tỷ lệ lấp đầy chỗ học). It can stay
  below 1.0 while rooms are short, because classes are whole.
- p_over = probability that the rooms needed exceed the rooms available, from the forecast
  intervals (capacity.uncertainty: five-quantile distribution, quarters and grades perfectly
  correlated within a school).
- flag: `over` when the rooms needed (mean demand) exceed the rooms available; `tight` when
  p_over ≥ 0.2 or utilization ≥ 0.9 of the rooms (norm table: flag_tight_p_over, flag_tight_utilization);
  else `ok`.
- first_short_year: the first school year in which the school lacks rooms (blank if none).
- teachers_needed: classes × teachers per class of the staffing norm (capacity.teachers), against
  the school's `teachers` (optional): teacher_shortfall and first_teacher_short_year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.classes import check_schools, effective_limits, grade_grid, level_classes, rooms_available, rooms_needed
from capacity.demand import BOUNDS, DEMAND_COLUMNS, _rows
from capacity.grades import GRADE_LEVEL, LEVEL_GRADES, LEVELS
from capacity.norms import Norms
from capacity.teachers import add_teacher_columns, round_teachers, teacher_ratios
from capacity.uncertainty import exceedance_probability, quantile_at

__all__ = [
    "CAPACITY_COLUMNS",
    "analyze",
    "analyze_each_year",
    "pupils_by_school",
    "check_assignment",
    "check_demand",
    "year_keys",
]

CAPACITY_COLUMNS: tuple[str, ...] = (
    "school_id",
    "level",
    "school_year",
    "pupils_mean",
    "pupils_lo80",
    "pupils_hi80",
    "pupils_lo95",
    "pupils_hi95",
    "classes",
    "rooms_needed",
    "rooms_available",
    "room_shortfall",
    "utilization",
    "p_over",
    "flag",
    "first_short_year",
)
EXTRA_COLUMNS: tuple[str, ...] = (
    "classes_lo80",
    "classes_hi80",
    "rooms_needed_hi80",
    "seats",
    "seat_fill",
    "mean_class_size",
    "sessions_per_day",
    "teachers_norm",
    "teachers_needed",
    "teachers",
    "teacher_shortfall",
    "first_teacher_short_year",
)
_QUANTILE_ORDER = ("lo95", "lo80", "mean", "hi80", "hi95")


def check_demand(demand: pd.DataFrame) -> pd.DataFrame:
    """Validate a demand table (capacity.enrollment_demand's columns); return a clean copy."""
    missing = [c for c in DEMAND_COLUMNS if c not in demand.columns]
    if missing:
        raise ValueError(f"demand: missing column(s) {', '.join(missing)}; expected {', '.join(DEMAND_COLUMNS)}")
    table = demand.loc[:, list(DEMAND_COLUMNS)].reset_index(drop=True).copy()
    table["quarter_id"] = table["quarter_id"].astype(str)
    years = pd.to_numeric(table["school_year"], errors="coerce")
    bad = (years.isna() | (years != years.round())).to_numpy()
    if bad.any():
        raise ValueError(f"demand: column 'school_year' must be a whole year such as 2027, see row(s) {_rows(bad)}")
    table["school_year"] = years.astype(int)
    bad = (table["grade"].map(GRADE_LEVEL) != table["level"]).to_numpy()
    if bad.any():
        raise ValueError(
            f"demand: columns 'level', 'grade' hold an unknown code or a grade of another level in row(s) "
            f"{_rows(bad)}; use the codes of docs/architecture.md (e.g. tieu_hoc, lop_1)"
        )
    for col in BOUNDS:
        values = pd.to_numeric(table[col], errors="coerce")
        bad = (values.isna() | (values < 0)).to_numpy()
        if bad.any():
            raise ValueError(f"demand: column '{col}' must be a number ≥ 0, see row(s) {_rows(bad)}")
        table[col] = values.astype(float)
    return table


def check_assignment(assignment: pd.DataFrame, schools: pd.DataFrame, name: str = "zones") -> pd.DataFrame:
    """Validate an assignment (`quarter_id, level, school_id[, share][, school_year]`) against the schools.

    Shares default to 1.0, must lie in [0, 1] and sum to 1 per quarter × level (× school year
    when the assignment has a `school_year` column: a zoning per school year, each year using
    its own rows); each school must exist and teach the level. Raises ValueError naming the
    table, rows and column.
    """
    missing = [c for c in ("quarter_id", "level", "school_id") if c not in assignment.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {', '.join(missing)}; expected quarter_id, level, school_id [, share]"
        )
    table = assignment.reset_index(drop=True).copy()
    for col in ("quarter_id", "school_id"):
        table[col] = table[col].astype(str)
    table["share"] = pd.to_numeric(table["share"], errors="coerce") if "share" in table else 1.0
    keys = year_keys(table)
    if keys:
        years = pd.to_numeric(table["school_year"], errors="coerce")
        bad = (years.isna() | (years != years.round())).to_numpy()
        if bad.any():
            raise ValueError(f"{name}: column 'school_year' must be a whole year such as 2027, see row(s) {_rows(bad)}")
        table["school_year"] = years.astype(int)
    table = table[["quarter_id", "level", "school_id", "share", *keys]]
    bad = ~table["level"].isin(LEVELS).to_numpy()
    if bad.any():
        raise ValueError(
            f"{name}: unknown level in row(s) {_rows(bad)}, column 'level'; use one of {', '.join(LEVELS)}"
        )
    bad = (table["share"].isna() | (table["share"] < 0) | (table["share"] > 1 + 1e-9)).to_numpy()
    if bad.any():
        raise ValueError(f"{name}: column 'share' must be a number between 0 and 1, see row(s) {_rows(bad)}")
    level_of = dict(zip(schools["school_id"].astype(str), schools["level"], strict=True))
    known = table["school_id"].map(level_of)
    bad = known.isna().to_numpy()
    if bad.any():
        raise ValueError(
            f"{name}: unknown school_id in row(s) {_rows(bad)} ({', '.join(sorted(set(table.loc[bad, 'school_id'])))}); "
            "every school must be listed in schools.csv"
        )
    bad = (known != table["level"]).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name}: row(s) {_rows(bad)} send {table.at[i, 'level']} pupils to {table.at[i, 'school_id']}, "
            f"a {known.iloc[i]} school; use a school of the same level"
        )
    dup = table.duplicated(["quarter_id", "level", "school_id", *keys]).to_numpy()
    if dup.any():
        raise ValueError(f"{name}: the same quarter, level and school appear twice, see row(s) {_rows(dup)}")
    totals = table.groupby(["quarter_id", "level", *keys])["share"].sum()
    off = totals[(totals - 1.0).abs() > 1e-6]
    if len(off):
        shown = "; ".join(f"{' '.join(map(str, key))}: {s:.3f}" for key, s in off.head(5).items())
        raise ValueError(f"{name}: the shares of a quarter and level must sum to 1 ({shown}); fix column 'share'")
    return table


def year_keys(assignment: pd.DataFrame) -> list[str]:
    """["school_year"] for a zoning per school year (the column is present), else []."""
    return ["school_year"] if "school_year" in assignment.columns else []


def pupils_by_school(
    demand: pd.DataFrame,
    assignment: pd.DataFrame,
    schools: pd.DataFrame,
    *,
    levels: tuple[str, ...] | None = None,
    school_years: list[int] | None = None,
) -> pd.DataFrame:
    """Pupils per school × level × grade × school year: Σ over quarters of share × demand.

    An assignment with a `school_year` column is a zoning per school year: the pupils of year
    Y follow that year's rows (e.g. a school opening in Y takes quarters from Y on).

    Every school of the levels appears for every year and grade (0 pupils when nobody is sent
    there). A quarter with demand but no school for its level raises a ValueError (its
    children would be lost). Returns `school_id, level, grade, school_year, mean, lo80, hi80,
    lo95, hi95` (pupils).
    """
    schools = check_schools(schools)
    return _pupils_by_school(check_demand(demand), assignment, schools, levels=levels, school_years=school_years)


def _pupils_by_school(
    demand: pd.DataFrame,
    assignment: pd.DataFrame,
    schools: pd.DataFrame,
    *,
    levels: tuple[str, ...] | None,
    school_years: list[int] | None,
) -> pd.DataFrame:
    """`pupils_by_school` of a demand table and schools table already checked (check_demand,
    check_schools): the assignment is checked here."""
    assignment = check_assignment(assignment, schools)
    if levels is None:
        levels = tuple(lv for lv in LEVELS if (assignment["level"] == lv).any())
    years = sorted(demand["school_year"].unique().tolist()) if school_years is None else sorted(school_years)
    demand = demand[demand["level"].isin(levels) & demand["school_year"].isin(years)]
    joined = demand.merge(assignment, on=["quarter_id", "level", *year_keys(assignment)], how="left")
    lost = joined["school_id"].isna() & (joined["mean"] > 0)
    if lost.any():
        gaps = joined.loc[lost].groupby(["quarter_id", "level"])["mean"].sum()
        shown = "; ".join(f"quarter {q}, {lv} ({m:.0f} pupils over the years)" for (q, lv), m in gaps.head(5).items())
        raise ValueError(
            f"zones: {len(gaps)} quarter(s) have pupils but no school: {shown}; "
            "add a row quarter_id, level, school_id for each to zones.csv"
        )
    joined = joined[joined["school_id"].notna()]
    share = joined["share"].to_numpy(float)
    for col in BOUNDS:
        joined[col] = joined[col].to_numpy(float) * share
    sums = joined.groupby(["school_id", "level", "grade", "school_year"], as_index=False)[list(BOUNDS)].sum()
    parts = []
    for level in levels:
        ids = schools.loc[schools["level"] == level, "school_id"].to_numpy()
        grades = LEVEL_GRADES[level]
        n = len(ids) * len(years) * len(grades)
        parts.append(
            pd.DataFrame(
                {
                    "school_id": np.repeat(ids, len(years) * len(grades)),
                    "level": np.full(n, level, dtype=object),
                    "grade": np.tile(grades, len(ids) * len(years)),
                    "school_year": np.tile(np.repeat(years, len(grades)), len(ids)),
                }
            )
        )
    grid = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["school_id", "level", "grade", "school_year"])
    )
    grid["school_year"] = grid["school_year"].astype(int)
    out = grid.merge(sums, on=["school_id", "level", "grade", "school_year"], how="left")
    out[list(BOUNDS)] = out[list(BOUNDS)].fillna(0.0)
    return out


def analyze(
    demand: pd.DataFrame,
    assignment: pd.DataFrame,
    schools: pd.DataFrame,
    norms: Norms,
    *,
    horizon: int | None = None,
    levels: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The capacity table: one row per school × school year up to `horizon`.

    demand: capacity.enrollment_demand's table; assignment: `quarter_id, level, school_id,
    share` (zones.csv or a zoning result); schools: the schools table; levels: the levels to
    analyse (default: those in the assignment). Columns: see CAPACITY_COLUMNS (pupils,
    classes, rooms) plus `classes_lo80, classes_hi80, rooms_needed_hi80, seats, seat_fill,
    mean_class_size, sessions_per_day`. utilization = rooms_needed / rooms_available.
    """
    schools = check_schools(schools)
    demand = check_demand(demand)
    years = sorted(y for y in demand["school_year"].unique().tolist() if horizon is None or y <= horizon)
    if not years:
        raise ValueError(f"demand: no school year up to the horizon {horizon}")
    pupils = _pupils_by_school(demand, assignment, schools, levels=levels, school_years=years)
    limits = effective_limits(schools, norms)
    pupils = pupils.merge(limits[["school_id", "grade", "max_class_size"]], on=["school_id", "grade"], how="left")
    available = rooms_available(schools, years)
    info = schools.set_index("school_id")
    parts = []
    for level in LEVELS:
        if not (pupils["level"] == level).any():
            continue
        index, arr = grade_grid(pupils, level, [*BOUNDS, "max_class_size"])
        limit = arr["max_class_size"]
        frame = index.merge(available, on=["school_id", "school_year"], how="left")
        sessions = info.loc[frame["school_id"], "sessions_per_day"].to_numpy(int)
        per_class = norms.rooms_per_class(sessions)
        rooms = frame["rooms_available"].to_numpy(float)

        def needed_at(z: np.ndarray) -> np.ndarray:
            """Rooms needed per row at scores z [rows, k] → [rows, k] (one call for all k)."""
            n, k = z.shape
            grades = stacked.shape[1]  # noqa: B023 - called only inside this iteration
            bounds = np.broadcast_to(stacked[:, None], (n, k, grades, stacked.shape[2]))  # noqa: B023
            pupils_grid = quantile_at(bounds, np.broadcast_to(z[:, :, None], (n, k, grades))).reshape(n * k, grades)
            classes = level_classes(level, pupils_grid, np.repeat(limit, k, axis=0), norms)[0].sum(axis=1)  # noqa: B023
            return rooms_needed(classes, np.repeat(sessions, k), norms).reshape(n, k)  # noqa: B023

        frame.insert(1, "level", level)
        for bound in BOUNDS:
            frame[f"pupils_{bound}"] = arr[bound].sum(axis=1)
        grids = {b: level_classes(level, arr[b], limit, norms)[0] for b in ("mean", "lo80", "hi80")}
        classes = {b: grid.sum(axis=1) for b, grid in grids.items()}
        frame["teachers_norm"] = (grids["mean"] * teacher_ratios(level, sessions, norms)).sum(axis=1)
        frame["teachers_needed"] = round_teachers(frame["teachers_norm"])
        frame["classes"] = classes["mean"].astype(int)
        frame["rooms_needed"] = rooms_needed(classes["mean"], sessions, norms).astype(int)
        frame["room_shortfall"] = np.maximum(frame["rooms_needed"] - rooms, 0).astype(int)
        used = frame["rooms_needed"].to_numpy(float)  # whole classes, in rooms
        frame["utilization"] = _ratio(used, rooms)
        with np.errstate(divide="ignore", invalid="ignore"):
            mix_limit = np.where(
                arr["mean"].sum(axis=1) > 0,
                arr["mean"].sum(axis=1) / (arr["mean"] / limit).sum(axis=1),
                limit.mean(axis=1),
            )
        frame["seats"] = rooms / per_class * mix_limit
        frame["seat_fill"] = _ratio(frame["pupils_mean"].to_numpy(float), frame["seats"].to_numpy(float))
        stacked = np.stack([arr[b] for b in _QUANTILE_ORDER], axis=-1)
        frame["p_over"] = exceedance_probability(needed_at, rooms)
        frame["classes_lo80"] = classes["lo80"].astype(int)
        frame["classes_hi80"] = classes["hi80"].astype(int)
        frame["rooms_needed_hi80"] = rooms_needed(classes["hi80"], sessions, norms).astype(int)
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["mean_class_size"] = np.where(
                classes["mean"] > 0, frame["pupils_mean"] / np.maximum(classes["mean"], 1), np.nan
            )
        frame["sessions_per_day"] = sessions
        parts.append(frame)
    table = pd.concat(parts, ignore_index=True)
    table["rooms_available"] = table["rooms_available"].astype(int)
    over = table["room_shortfall"].to_numpy() > 0
    tight = (table["p_over"].to_numpy() >= norms.tight_p_over) | (
        table["utilization"].fillna(0).to_numpy() >= norms.tight_utilization
    )
    table["flag"] = np.where(over, "over", np.where(tight, "tight", "ok"))
    short_years = table.loc[over].groupby(["school_id", "level"])["school_year"].min().rename("first_short_year")
    table = table.merge(short_years, on=["school_id", "level"], how="left")
    table["first_short_year"] = table["first_short_year"].astype("Int64")
    table = add_teacher_columns(table, schools)
    table = table.loc[:, [*CAPACITY_COLUMNS, *EXTRA_COLUMNS]]
    return table.sort_values(["level", "school_id", "school_year"], key=_level_key, kind="stable").reset_index(
        drop=True
    )


def analyze_each_year(
    demand: pd.DataFrame,
    assignment: pd.DataFrame,
    schools: pd.DataFrame,
    norms: Norms,
    *,
    horizon: int | None = None,
) -> pd.DataFrame:
    """The capacity table of a zoning per school year, each year analysed on its own.

    `assignment` has a `school_year` column (e.g. re-zoned every year). The result is the
    table of one `analyze(demand of year Y, assignment of year Y, ...)` per school year Y of
    the assignment, concatenated year after year — computed in one `analyze` call: every row
    depends only on its own school and year, except `first_short_year` and
    `first_teacher_short_year`, which a one-year table sets to the row's own year when the
    row is short of rooms (of teachers), else blank. Assignments whose years do not all hold
    the same levels, or hold a year without demand or beyond `horizon`, are analysed one year
    at a time (the same result, with the same errors).
    """
    by_year = assignment.groupby("school_year", sort=True)
    years = list(by_year.groups)
    levels = by_year["level"].agg(frozenset)
    demand_years = set(pd.to_numeric(demand["school_year"], errors="coerce").tolist())
    if levels.nunique() > 1 or not demand_years.issuperset(years) or (horizon is not None and max(years) > horizon):
        frames = [
            analyze(demand.loc[demand["school_year"] == year], zones, schools, norms, horizon=horizon)
            for year, zones in by_year
        ]
        return pd.concat(frames, ignore_index=True)
    table = analyze(demand.loc[demand["school_year"].isin(years)], assignment, schools, norms, horizon=horizon)
    year = table["school_year"].astype("Int64")
    table["first_short_year"] = year.where(table["room_shortfall"].to_numpy() > 0)
    table["first_teacher_short_year"] = year.where((table["teacher_shortfall"].fillna(0) > 0).to_numpy())
    return table.sort_values("school_year", kind="stable").reset_index(drop=True)


def _ratio(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole; infinite where whole is 0 and part > 0, NaN where both are 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, part / np.where(whole > 0, whole, 1), np.where(part > 0, np.inf, np.nan))


def _level_key(column: pd.Series) -> pd.Series:
    if column.name == "level":
        return column.map({lv: i for i, lv in enumerate(LEVELS)})
    return column
