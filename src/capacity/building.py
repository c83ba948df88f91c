"""The costed building programme: rooms to build per school and school year, and their cost.

Three items, each priced with a unit cost from the norm table (million VND per room; the figures
are ASSUMPTIONs until the province's suất vốn đầu tư is set in ward.toml [norms.classroom_cost]
and [norms.functional_room_cost]):

- `classroom`: new classrooms. A room built for school year Y still stands afterwards, so the
  rooms to have built by Y are the largest shortfall so far, built_to_date(Y) = max_{y ≤ Y}
  room_shortfall(y), and the rooms due for Y are built_to_date(Y) − built_to_date(Y − 1) (the
  first year carries the shortfall that already exists). Σ over years = the largest shortfall.
- `functional_room`: functional / subject rooms missing against the standard,
  max(functional_rooms_min − functional_rooms, 0), due in the first school year (schools with
  the `functional_rooms` column only).
- `permanent_rebuild`: non-permanent classrooms (classrooms − permanent_classrooms) rebuilt as
  permanent (kiên cố) by the target year (2030), spread evenly over the school years from the
  first to the target year: by the k-th of n years ⌈R·k/n⌉ rooms are done. Schools closing before
  the target year are left out; schools without `permanent_classrooms` too.

cost = rooms × unit cost (classroom_cost for classroom and permanent_rebuild).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.classes import check_schools, rooms_available
from capacity.grades import LEVELS
from capacity.norms import Norms

__all__ = ["BUILD_COLUMNS", "BUILD_ITEMS", "building_by_year", "building_programme"]

BUILD_COLUMNS: tuple[str, ...] = (
    "school_id",
    "level",
    "school_year",
    "item",
    "rooms",
    "unit_cost_million_vnd",
    "cost_million_vnd",
)
BUILD_ITEMS: tuple[str, ...] = ("classroom", "functional_room", "permanent_rebuild")


def _even_schedule(total: np.ndarray, n: int) -> np.ndarray:
    """[schools, n] whole rooms per year: cumulative ⌈total·k/n⌉ − ⌈total·(k−1)/n⌉."""
    k = np.arange(n + 1)
    done = np.ceil(np.outer(total, k) / n - 1e-9)
    return np.diff(done, axis=1)


def building_programme(capacity: pd.DataFrame, schools: pd.DataFrame, norms: Norms) -> pd.DataFrame:
    """Rooms to build and their cost per school × school year × item (rows with rooms > 0).

    capacity: capacity.analyze's table (its school years are the programme's years). Returns
    BUILD_COLUMNS: rooms (rooms), unit_cost_million_vnd and cost_million_vnd (million VND).
    """
    schools = check_schools(schools)
    years = sorted(int(y) for y in capacity["school_year"].unique())
    first = years[0]
    cap = capacity.sort_values(["school_id", "level", "school_year"], kind="stable")
    built = cap.groupby(["school_id", "level"])["room_shortfall"].cummax()
    cap = cap.assign(rooms=built - built.groupby([cap["school_id"], cap["level"]]).shift(1).fillna(0))
    parts = [cap.loc[cap["rooms"] > 0, ["school_id", "level", "school_year", "rooms"]].assign(item="classroom")]

    info = schools.set_index("school_id")
    levels = info["level"]
    has_functional = info["functional_rooms"].notna()
    gap = np.maximum(
        levels[has_functional].map(norms.functional_rooms_min) - info.loc[has_functional, "functional_rooms"], 0
    )
    gap = gap[gap > 0]
    parts.append(
        pd.DataFrame(
            {
                "school_id": gap.index,
                "level": levels[gap.index].to_numpy(),
                "school_year": first,
                "rooms": gap.to_numpy(float),
                "item": "functional_room",
            }
        )
    )

    target = int(norms.value("permanent_target_year"))
    share = norms.value("permanent_classroom_target")
    plan_years = list(range(first, target + 1))
    if plan_years:
        open_at_target = rooms_available(schools, [target]).set_index("school_id")["open"]
        rebuild = np.ceil(share * info["classrooms"] - info["permanent_classrooms"] - 1e-9).clip(lower=0)
        rebuild = rebuild[
            info["permanent_classrooms"].notna() & open_at_target.reindex(info.index).fillna(False).astype(bool)
        ]
        rebuild = rebuild[rebuild > 0]
        if len(rebuild):
            grid = _even_schedule(rebuild.to_numpy(float), len(plan_years))
            parts.append(
                pd.DataFrame(
                    {
                        "school_id": np.repeat(rebuild.index.to_numpy(), len(plan_years)),
                        "level": np.repeat(levels[rebuild.index].to_numpy(), len(plan_years)),
                        "school_year": np.tile(plan_years, len(rebuild)),
                        "rooms": grid.ravel(),
                        "item": "permanent_rebuild",
                    }
                )
            )
    table = pd.concat(parts, ignore_index=True)
    table = table[table["rooms"] > 0].copy()
    unit = {
        (lv, item): norms.room_cost(lv, "functional" if item == "functional_room" else "classroom")
        for lv in LEVELS
        for item in BUILD_ITEMS
    }
    table["unit_cost_million_vnd"] = [unit[(lv, item)] for lv, item in zip(table["level"], table["item"], strict=True)]
    table["rooms"] = table["rooms"].astype(int)
    table["school_year"] = table["school_year"].astype(int)
    table["cost_million_vnd"] = table["rooms"] * table["unit_cost_million_vnd"]
    order = {item: i for i, item in enumerate(BUILD_ITEMS)}
    table = table.sort_values(
        ["school_year", "school_id", "item"], key=lambda c: c.map(order) if c.name == "item" else c, kind="stable"
    )
    return table.loc[:, list(BUILD_COLUMNS)].reset_index(drop=True)


def building_by_year(programme: pd.DataFrame, school_years: list[int]) -> pd.DataFrame:
    """Rooms and money per level (and `all`) × school year × item, zeros included, with the
    running total: `level, school_year, item, rooms, cost_million_vnd, cost_to_date_million_vnd`."""
    levels = [*LEVELS, "all"]
    grid = pd.MultiIndex.from_product(
        [levels, sorted(school_years), list(BUILD_ITEMS)], names=["level", "school_year", "item"]
    )
    by_level = programme.groupby(["level", "school_year", "item"])[["rooms", "cost_million_vnd"]].sum()
    whole = programme.groupby(["school_year", "item"])[["rooms", "cost_million_vnd"]].sum()
    whole.index = pd.MultiIndex.from_tuples(
        [("all", y, i) for y, i in whole.index], names=["level", "school_year", "item"]
    )
    table = pd.concat([by_level, whole]).reindex(grid, fill_value=0).reset_index()
    table["rooms"] = table["rooms"].astype(int)
    table["cost_million_vnd"] = table["cost_million_vnd"].astype(float)
    table["cost_to_date_million_vnd"] = table.groupby(["level", "item"])["cost_million_vnd"].cumsum()
    return table
