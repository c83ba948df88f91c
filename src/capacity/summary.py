"""The ward summary per level and school year: rooms to build, where, and the benchmarks.

Definitions (docs/capacity.md):
- rooms_short: Σ over schools of the room shortfall that year (a surplus at one school does
  not fill a gap at another unless the zones change); rooms_short_hi80 the same at the upper
  80% bound of demand.
- new_rooms_to_date: rooms to have been built by that year, Σ over schools of the largest
  shortfall up to that year (a room built for 2028 still stands in 2030).
- room_balance: Σ rooms available − Σ rooms needed (negative: the ward as a whole lacks rooms
  even if every zone were redrawn).
- schools_short: "TH01 (3); THCS02 (1)", rooms short per school.
- pupils_added: pupils of the level that year minus the base year (first school year unless
  given); top_quarters: the quarters adding the most pupils since the base year, among those
  sending pupils to a school short of rooms that year (all quarters of the level when none is
  short), share-weighted: "KP05 (+120); KP12 (+80)".
- residents_school_age: forecast residents of the ages the level serves (mầm non 0–5, tiểu
  học 6–10, THCS 11–14; level `all`: 0–14); rooms_per_10000 = rooms available per 10,000 of
  them, against the MOET benchmark of 300 (defined over every level, so indicative per level).
- land_m2_per_pupil: Σ land of the open schools with land_m2 given ÷ their pupils, against the
  norm of the ward's setting; schools_below_land_norm lists those under it.
- teachers_needed: Σ of the schools' teachers by the staffing norm (capacity.teachers);
  teachers: Σ of the schools' `teachers` (blank when no school gives it); teachers_short: Σ of
  the shortfalls of the schools that give it (present only when analyze added the columns).
Rows with level `all` sum the three levels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.analyze import check_assignment, check_demand, year_keys
from capacity.classes import check_schools
from capacity.grades import LEVELS
from capacity.norms import Norms

__all__ = ["SUMMARY_COLUMNS", "ward_summary", "shortfall_drivers"]

SUMMARY_COLUMNS: tuple[str, ...] = (
    "level",
    "school_year",
    "schools_open",
    "pupils_mean",
    "pupils_hi80",
    "classes",
    "rooms_needed",
    "rooms_available",
    "rooms_short",
    "rooms_short_hi80",
    "new_rooms_to_date",
    "room_balance",
    "schools_short",
    "pupils_added",
    "top_quarters",
    "residents_school_age",
    "rooms_per_10000",
    "rooms_per_10000_benchmark",
    "land_m2_per_pupil",
    "land_norm_m2_per_pupil",
    "schools_below_land_norm",
    "teachers_needed",
    "teachers",
    "teachers_short",
)


def _listing(pairs: pd.Series, fmt: str) -> str:
    return "; ".join(fmt.format(key=k, value=v) for k, v in pairs.items())


def _growth_since(demand: pd.DataFrame, base: int) -> pd.DataFrame:
    """Pupils per quarter × level × school year (`mean`) and the change since school year
    `base` (`added`). Raises a ValueError when the demand has no row for `base`."""
    if not (demand["school_year"] == base).any():
        have = sorted(demand["school_year"].unique().tolist())
        raise ValueError(
            f"base_year {base} is not a school year of the demand ({have[0]}–{have[-1]}); "
            "pupils added are counted from it: choose a year of the demand or leave it blank"
        )
    per_quarter = demand.groupby(["quarter_id", "level", "school_year"], as_index=False)["mean"].sum()
    at_base = per_quarter[per_quarter["school_year"] == base][["quarter_id", "level", "mean"]].rename(
        columns={"mean": "base"}
    )
    per_quarter = per_quarter.merge(at_base, on=["quarter_id", "level"], how="left")
    per_quarter["added"] = per_quarter["mean"] - per_quarter["base"].fillna(0.0)
    return per_quarter


def shortfall_drivers(
    capacity: pd.DataFrame,
    demand: pd.DataFrame,
    assignment: pd.DataFrame,
    schools: pd.DataFrame,
    *,
    base_year: int | None = None,
) -> pd.DataFrame:
    """Which quarters feed each school that is short of rooms, and how much they grew.

    Returns `school_id, level, school_year, quarter_id, pupils, pupils_added` (pupils sent by
    the quarter that year, share-weighted, and the change since `base_year`), for every
    school × year with a room shortfall, largest additions first.
    """
    demand = check_demand(demand)
    assignment = check_assignment(assignment, check_schools(schools))
    base = int(demand["school_year"].min()) if base_year is None else int(base_year)
    per_quarter = _growth_since(demand, base)
    short = capacity.loc[capacity["room_shortfall"] > 0, ["school_id", "level", "school_year"]]
    feeds = short.merge(assignment, on=["school_id", "level", *year_keys(assignment)]).merge(
        per_quarter, on=["quarter_id", "level", "school_year"]
    )
    feeds["pupils"] = feeds["mean"] * feeds["share"]
    feeds["pupils_added"] = feeds["added"] * feeds["share"]
    feeds = feeds.sort_values(
        ["level", "school_id", "school_year", "pupils_added"], ascending=[True, True, True, False], kind="stable"
    )
    return feeds[["school_id", "level", "school_year", "quarter_id", "pupils", "pupils_added"]].reset_index(drop=True)


def _rows_of(frame: pd.DataFrame) -> dict[tuple[str, int], pd.DataFrame]:
    """The rows of each (level, school_year), in the frame's order."""
    return dict(iter(frame.groupby(["level", "school_year"], sort=False)))


def ward_summary(
    capacity: pd.DataFrame,
    demand: pd.DataFrame,
    assignment: pd.DataFrame,
    schools: pd.DataFrame,
    norms: Norms,
    *,
    forecast: pd.DataFrame | None = None,
    setting: str = "urban",
    base_year: int | None = None,
    top: int = 3,
) -> pd.DataFrame:
    """The ward summary: one row per level (and `all`) × school year; see SUMMARY_COLUMNS.

    capacity: capacity.analyze's table; demand, assignment, schools: its inputs; forecast: the
    population forecast (for residents per 10,000; columns NaN without it); setting: the
    ward's setting (urban | rural | mountain) for the land norm.
    """
    schools = check_schools(schools)
    demand = check_demand(demand)
    assignment = check_assignment(assignment, schools)
    years = sorted(capacity["school_year"].unique().tolist())
    base = int(demand["school_year"].min()) if base_year is None else int(base_year)
    cap = capacity.copy()
    cap = cap.sort_values(["school_id", "level", "school_year"], kind="stable")
    cap["built_to_date"] = cap.groupby(["school_id", "level"])["room_shortfall"].cummax()
    cap["short_hi80"] = np.maximum(cap["rooms_needed_hi80"] - cap["rooms_available"], 0)
    cap["open"] = cap["rooms_available"] > 0
    for col in ("teachers_needed", "teachers", "teacher_shortfall"):  # tables from before the teacher columns
        cap[col] = cap[col].astype(float) if col in cap else np.nan
    land = schools.set_index("school_id")["land_m2"]
    cap["land_m2"] = cap["school_id"].map(land)
    has_land = cap["open"] & cap["land_m2"].notna()
    cap["land_pupils"] = np.where(has_land, cap["pupils_mean"], 0.0)
    cap["land_used"] = np.where(has_land, cap["land_m2"], 0.0)

    grouped = cap.groupby(["level", "school_year"])
    table = grouped.agg(
        schools_open=("open", "sum"),
        pupils_mean=("pupils_mean", "sum"),
        pupils_hi80=("pupils_hi80", "sum"),
        classes=("classes", "sum"),
        rooms_needed=("rooms_needed", "sum"),
        rooms_available=("rooms_available", "sum"),
        rooms_short=("room_shortfall", "sum"),
        rooms_short_hi80=("short_hi80", "sum"),
        new_rooms_to_date=("built_to_date", "sum"),
        land_used=("land_used", "sum"),
        land_pupils=("land_pupils", "sum"),
        teachers_needed=("teachers_needed", "sum"),
        teachers=("teachers", lambda s: s.sum(min_count=1)),
        teachers_short=("teacher_shortfall", lambda s: s.sum(min_count=1)),
    ).reset_index()
    table["room_balance"] = table["rooms_available"] - table["rooms_needed"]

    short = cap[cap["room_shortfall"] > 0]
    short_of = _rows_of(short)
    table["schools_short"] = [
        _listing(short_of.get((lv, y), short.iloc[:0]).set_index("school_id")["room_shortfall"], "{key} ({value})")
        for lv, y in zip(table["level"], table["school_year"], strict=True)
    ]
    table["land_norm_m2_per_pupil"] = [norms.land_per_pupil(lv, setting) for lv in table["level"]]
    below = cap[has_land & (cap["pupils_mean"] > 0)].copy()
    below["per_pupil"] = below["land_m2"] / below["pupils_mean"]
    below["norm"] = [norms.land_per_pupil(lv, setting) for lv in below["level"]]
    below = below[below["per_pupil"] < below["norm"]]
    below_of = _rows_of(below)
    table["schools_below_land_norm"] = [
        ", ".join(below_of.get((lv, y), below.iloc[:0])["school_id"])
        for lv, y in zip(table["level"], table["school_year"], strict=True)
    ]

    # pupils added since the base year and the quarters that drive them
    per_quarter = _growth_since(demand[demand["school_year"].isin([base, *years])], base)
    added = per_quarter.groupby(["level", "school_year"])["added"].sum()
    table["pupils_added"] = [
        float(added.get((lv, y), np.nan)) for lv, y in zip(table["level"], table["school_year"], strict=True)
    ]
    feeds_short = short[["school_id", "level", "school_year"]].merge(
        assignment, on=["school_id", "level", *year_keys(assignment)]
    )
    feeds_short = (
        feeds_short.groupby(["level", "school_year", "quarter_id"])["share"].sum().rename("share").reset_index()
    )
    tops = []
    quarters_of, feeding_of = _rows_of(per_quarter), _rows_of(feeds_short)
    for lv, y in zip(table["level"], table["school_year"], strict=True):
        rows = quarters_of.get((lv, y), per_quarter.iloc[:0])
        feeding = feeding_of.get((lv, y), feeds_short.iloc[:0])
        if len(feeding):
            rows = rows.merge(feeding[["quarter_id", "share"]], on="quarter_id")
            rows = rows.assign(added=rows["added"] * rows["share"])
        rows = rows[rows["added"] > 0.5].nlargest(top, "added")
        tops.append(_listing(rows.set_index("quarter_id")["added"].round().astype(int), "{key} (+{value})"))
    table["top_quarters"] = tops

    # rooms per 10,000 school-age residents
    table["residents_school_age"] = np.nan
    if forecast is not None:
        ages = norms.grade_table().groupby("level")["age"].agg(["min", "max"])
        pop = forecast.groupby(["year", "age"], as_index=False)["mean"].sum()
        for lv in ages.index:
            lo, hi = ages.loc[lv, "min"], ages.loc[lv, "max"]
            residents = pop[(pop["age"] >= lo) & (pop["age"] <= hi)].groupby("year")["mean"].sum()
            mask = table["level"] == lv
            table.loc[mask, "residents_school_age"] = table.loc[mask, "school_year"].map(residents).to_numpy(float)

    # the ward as a whole
    sums = [
        "schools_open",
        "pupils_mean",
        "pupils_hi80",
        "classes",
        "rooms_needed",
        "rooms_available",
        "rooms_short",
        "rooms_short_hi80",
        "new_rooms_to_date",
        "room_balance",
        "land_used",
        "land_pupils",
        "pupils_added",
        "residents_school_age",
        "teachers_needed",
        "teachers",
        "teachers_short",
    ]
    whole = table.groupby("school_year")[sums].sum(min_count=1).reset_index()
    whole["level"] = "all"
    whole["schools_short"] = (
        table.groupby("school_year")["schools_short"].agg(lambda s: "; ".join(x for x in s if x)).to_numpy()
    )
    whole["schools_below_land_norm"] = (
        table.groupby("school_year")["schools_below_land_norm"].agg(lambda s: ", ".join(x for x in s if x)).to_numpy()
    )
    whole["top_quarters"] = ""
    whole["land_norm_m2_per_pupil"] = np.nan
    table = pd.concat([table, whole], ignore_index=True)

    with np.errstate(divide="ignore", invalid="ignore"):
        table["rooms_per_10000"] = table["rooms_available"] / table["residents_school_age"] * 10_000
        table["land_m2_per_pupil"] = np.where(
            table["land_pupils"] > 0, table["land_used"] / table["land_pupils"], np.nan
        )
    table["rooms_per_10000_benchmark"] = norms.rooms_per_10000
    order = {lv: i for i, lv in enumerate([*LEVELS, "all"])}
    table = table.sort_values(
        ["level", "school_year"], key=lambda c: c.map(order) if c.name == "level" else c, kind="stable"
    )
    for col in (
        "schools_open",
        "classes",
        "rooms_needed",
        "rooms_available",
        "rooms_short",
        "rooms_short_hi80",
        "new_rooms_to_date",
        "room_balance",
    ):
        table[col] = table[col].astype(int)
    return table.loc[:, list(SUMMARY_COLUMNS)].reset_index(drop=True)
