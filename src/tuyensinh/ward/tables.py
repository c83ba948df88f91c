"""The CSV tables of a ward folder: their columns, and the checks inside each table.

Checks that need another table (unknown quarters or schools, base_year, school locations) live
in `tuyensinh.ward.cross_checks`. Each reader returns the typed table (index = spreadsheet row, so
later checks can still name rows) or None when the file cannot be read, plus the problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tuyensinh.ward.cells import RawTable, read_csv_cells
from tuyensinh.ward.codes import SEXES, VIETNAM_LAT, VIETNAM_LON
from tuyensinh.ward.columns import Column, duplicate_problems, parse_table, row_problems
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.workbook import WARD_WORKBOOK, Locator, both_problem, table_workbook
from tuyensinh.ward.workbook_tables import read_workbook_table
from tuyensinh.words.problems import text

__all__ = [
    "TableSpec",
    "POPULATION",
    "SCHOOLS",
    "BIRTHS",
    "HOUSING",
    "ZONES",
    "DISTANCES",
    "MIN_TOP_AGE",
    "read_table",
    "population_problems",
    "school_problems",
    "zone_share_problems",
    "finish",
]

MIN_TOP_AGE = 18  # single ages 0..18 at least, so every grade up to lớp 9 and beyond is covered
SHARE_TOLERANCE = 0.001  # shares of a quarter × level may sum to 1 ± this (rounding in Excel)


@dataclass(frozen=True)
class TableSpec:
    """A CSV file of the ward folder: its name, columns, key and whether it must exist."""

    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool
    purpose: str  # words.problems catalog key: what the file is for, said when it is missing


_YEAR: dict[str, Any] = {"minimum": 1950, "maximum": 2100, "unit": "calendar year"}

POPULATION = TableSpec(
    "population.csv",
    (
        Column("quarter_id", "id"),
        Column("year", "int", **_YEAR),
        Column("age", "int", minimum=0, maximum=120, unit="years"),
        Column("count", "int", minimum=0, unit="persons"),
        Column("sex", "sex", required=False),
    ),
    ("quarter_id", "year", "age", "sex"),
    True,
    "purpose.population",
)
SCHOOLS = TableSpec(
    "schools.csv",
    (
        Column("school_id", "id"),
        Column("name", "text"),
        Column("level", "level"),
        Column("lon", "number", unit="degrees east"),
        Column("lat", "number", unit="degrees north"),
        Column("classrooms", "int", minimum=0, unit="rooms"),
        Column(
            "sessions_per_day",
            "int",
            required=False,
            blank_ok=True,
            default=2,
            minimum=1,
            maximum=2,
            fix="fix.column.sessions_per_day",
        ),
        Column("max_class_size", "int", required=False, blank_ok=True, minimum=1, maximum=60, unit="pupils"),
        Column("opens", "int", required=False, blank_ok=True, **_YEAR),
        Column("closes", "int", required=False, blank_ok=True, **_YEAR),
        Column("land_m2", "number", required=False, blank_ok=True, minimum=0, unit="m²"),
        # optional facility and staff columns (capacity.school_columns)
        Column("teachers", "int", required=False, blank_ok=True, minimum=0, unit="teachers"),
        Column("permanent_classrooms", "int", required=False, blank_ok=True, minimum=0, unit="rooms"),
        Column("functional_rooms", "int", required=False, blank_ok=True, minimum=0, unit="rooms"),
        Column("semi_boarding_places", "int", required=False, blank_ok=True, minimum=0, unit="places"),
        Column("boarders", "int", required=False, blank_ok=True, minimum=0, unit="pupils"),
    ),
    ("school_id",),
    True,
    "purpose.schools",
)
BIRTHS = TableSpec(
    "births.csv",
    (Column("quarter_id", "id"), Column("year", "int", **_YEAR), Column("births", "int", minimum=0, unit="births")),
    ("quarter_id", "year"),
    False,
    "purpose.births",
)
HOUSING = TableSpec(
    "housing.csv",
    (
        Column("quarter_id", "id"),
        Column("year", "int", **_YEAR),
        Column("new_dwellings", "int", minimum=0, unit="dwellings"),
    ),
    ("quarter_id", "year"),
    False,
    "purpose.housing",
)
ZONES = TableSpec(
    "zones.csv",
    (
        Column("quarter_id", "id"),
        Column("level", "level"),
        Column("school_id", "id"),
        Column(
            "share", "number", required=False, blank_ok=True, default=1.0, minimum=0, maximum=1, fix="fix.column.share"
        ),
    ),
    ("quarter_id", "level", "school_id"),
    False,
    "purpose.zones",
)
DISTANCES = TableSpec(
    "distances.csv",
    (Column("quarter_id", "id"), Column("school_id", "id"), Column("metres", "number", minimum=0, unit="metres")),
    ("quarter_id", "school_id"),
    False,
    "purpose.distances",
)


def _read_cells(
    folder: Path, spec: TableSpec, locators: dict[str, Locator] | None
) -> tuple[bool, RawTable | None, list[Problem]]:
    """The table's text cells from its CSV file or its workbook: (found, cells, problems)."""
    path = folder / spec.file
    book = table_workbook(folder, spec.file)
    if path.is_file():
        if book is not None and book.name != WARD_WORKBOOK:
            return True, None, [both_problem(spec.file, book.name)]
        raw, problems = read_csv_cells(path, spec.file)
        return True, raw, problems
    if book is None:
        return False, None, []
    needed = tuple(column.name for column in spec.columns if column.required)
    found, raw, locator, problems = read_workbook_table(book, spec.file, Path(spec.file).stem, needed)
    if locator is not None and locators is not None:
        locators[spec.file] = locator
    return found, raw, problems


def read_table(
    folder: Path, spec: TableSpec, locators: dict[str, Locator] | None = None
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read and type one table (CSV file, or a sheet of a workbook); None when absent (optional) or unreadable.

    A table read from a workbook leaves its `Locator` in `locators[spec.file]`, to place the
    problems found later in its sheet and cell.
    """
    present, raw, problems = _read_cells(folder, spec, locators)
    if not present:
        if not spec.required:
            return None, []
        return None, [
            Problem.of(
                spec.file,
                text("table.file_missing", purpose=text(spec.purpose)),
                text("fix.table.file_missing", file=spec.file),
            )
        ]
    if raw is None:
        return None, problems
    if "sex" in raw.cells.columns and raw.cells["sex"].eq("").all():
        raw = type(raw)(raw.file, raw.cells.drop(columns="sex"), raw.delimiter)  # an empty sex column = totals
    columns = [
        c
        for c in spec.columns
        if c.required or c.name in raw.cells.columns or c.default is not None or spec.file == SCHOOLS.file
    ]
    frame, found = parse_table(raw, columns)
    problems += found
    if spec is SCHOOLS and frame.empty and not problems:
        problems.append(
            Problem.of(spec.file, text("table.no_rows", purpose=text(spec.purpose)), text("fix.table.no_rows"))
        )
    key = [k for k in spec.key if k in frame.columns]
    problems += duplicate_problems(
        frame,
        key,
        spec.file,
        text("fix.table.duplicate_key", key=" × ".join(key)),
    )
    return frame, problems


def _missing_ages_text(ages: np.ndarray) -> str:
    return ", ".join(str(a) for a in ages[:20]) + (", …" if len(ages) > 20 else "")


def population_problems(population: pd.DataFrame, quarter_ids: list[str] | None = None) -> list[Problem]:
    """Years consecutive (at least two), ages 0..≥18 contiguous each year, no hole in the grid
    (every quarter × age [× sex] in every year from the quarter's first to its last year).

    The grid (every quarter × year × age [× sex]) is only checked when every key cell is valid
    and only for the quarters of the map (`quarter_ids`, when known), so that one wrong cell or
    one misspelt quarter_id is reported once, not again as dozens of missing rows.
    """
    file = POPULATION.file
    keys = ["quarter_id", "year", "age"] + (["sex"] if "sex" in population.columns else [])
    usable = population.dropna(subset=["quarter_id", "year", "age"])
    if usable.empty:
        return [Problem.of(file, text("pop.no_rows"), text("fix.pop.no_rows"))]
    problems: list[Problem] = []
    years = np.sort(usable["year"].unique().astype(int))
    gaps = np.setdiff1d(np.arange(years[0], years[-1] + 1), years)
    if len(gaps):
        problems.append(
            Problem.of(
                file,
                text("pop.year_gaps", gaps=", ".join(map(str, gaps)), first=years[0], last=years[-1]),
                text("fix.pop.year_gaps"),
                column="year",
            )
        )
    if len(years) < 2:
        problems.append(Problem.of(file, text("pop.one_year", year=years[0]), text("fix.pop.one_year"), column="year"))
    top = usable.groupby("year")["age"].agg(["max"]).astype(int)
    top.index = top.index.astype(int)
    for year, top_age in top["max"].items():
        year = int(year)
        present = np.sort(usable.loc[usable["year"] == year, "age"].unique().astype(int))
        wanted = np.arange(0, max(top_age, MIN_TOP_AGE) + 1)
        missing = np.setdiff1d(wanted, present)
        if len(missing):
            problems.append(
                Problem.of(
                    file,
                    text("pop.missing_ages_year", year=year, ages=_missing_ages_text(missing), top=MIN_TOP_AGE),
                    text("fix.pop.missing_ages_year"),
                    column="age",
                )
            )
    if population["quarter_id"].isna().any():
        return problems  # a row whose quarter is unknown could fill any hole: the grid waits for it
    # Every quarter (× sex) needs every age of every year: find the holes in the grid, in the same
    # pass as the problems above (every problem at once), leaving out what they already say: the
    # quarter × year groups holding a row with a wrong key cell, and the ages missing in a whole year.
    with_sex = "sex" in usable.columns
    tops = top["max"]
    if quarter_ids is not None:
        usable = usable[usable["quarter_id"].isin(quarter_ids)]
    unclear = population[population[keys].isna().any(axis=1)]
    without_year = set(unclear.loc[unclear["year"].isna(), "quarter_id"])  # such a row could be any year's
    usable = usable[~usable["quarter_id"].isin(without_year)]
    quarters = pd.Index(usable["quarter_id"].unique(), name="quarter_id")
    grid = pd.concat(
        [pd.DataFrame({"year": year, "age": np.arange(0, age + 1)}) for year, age in tops.items()], ignore_index=True
    )
    seen = usable[["year", "age"]].drop_duplicates().astype(int)
    grid = grid.merge(seen, on=["year", "age"])  # ages absent from a whole year are said once, above
    skip = pd.MultiIndex.from_arrays([unclear["quarter_id"], unclear["year"].astype(float)])
    grid = grid.merge(pd.DataFrame({"quarter_id": quarters}), how="cross")
    # A quarter may start after the ward's first year (a new quarter) or stop before its last
    # (merged away): its grid runs from its own first to its own last year.
    span = usable.assign(year=usable["year"].astype(int)).groupby("quarter_id")["year"].agg(["min", "max"])
    grid = grid.join(span, on="quarter_id")
    grid = grid[(grid["year"] >= grid["min"]) & (grid["year"] <= grid["max"])].drop(columns=["min", "max"])
    if with_sex:
        grid = grid.merge(pd.DataFrame({"sex": list(SEXES)}), how="cross")
    present = usable[keys].assign(year=usable["year"].astype(int), age=usable["age"].astype(int))
    holes = grid.merge(present, on=keys, how="left", indicator=True)
    holes = holes[holes["_merge"] == "left_only"]
    if len(skip):
        holes = holes[~pd.MultiIndex.from_arrays([holes["quarter_id"], holes["year"].astype(float)]).isin(skip)]
    if holes.empty:
        return problems
    group_keys = ["quarter_id", "year"] + (["sex"] if with_sex else [])
    grouped = holes.groupby(group_keys, sort=True)["age"].apply(lambda a: np.sort(a.to_numpy()))
    for key, ages in list(grouped.items())[:20]:
        key = key if isinstance(key, tuple) else (key,)
        where = text("pop.where", quarter_id=key[0], year=key[1])
        if with_sex:
            where += text("pop.where_sex", sex=key[2])
        problems.append(
            Problem.of(
                file,
                text("pop.grid_hole", where=where, ages=_missing_ages_text(ages)),
                text("fix.pop.grid_hole"),
                column="age",
            )
        )
    if len(grouped) > 20:
        problems.append(
            Problem.of(file, text("pop.more_holes", n=len(grouped) - 20), text("fix.pop.more_holes"), column="age")
        )
    return problems


def school_problems(schools: pd.DataFrame) -> list[Problem]:
    """opens before closes; lon/lat inside Viet Nam (and not swapped)."""
    file = SCHOOLS.file
    problems: list[Problem] = []
    late = schools["opens"].notna() & schools["closes"].notna() & (schools["opens"] >= schools["closes"])
    problems += row_problems(
        file,
        late[late].index,
        "opens",
        lambda row: text(
            "school.opens_after_closes", opens=int(schools.at[row, "opens"]), closes=int(schools.at[row, "closes"])
        ),
        text("fix.school.opens_closes"),
    )
    lon, lat = schools["lon"], schools["lat"]
    known = lon.notna() & lat.notna()
    in_vn = lon.between(*VIETNAM_LON) & lat.between(*VIETNAM_LAT)
    swapped = known & ~in_vn & lat.between(*VIETNAM_LON) & lon.between(*VIETNAM_LAT)
    problems += row_problems(
        file,
        swapped[swapped].index,
        "lon",
        lambda row: text(
            "school.swapped",
            lon=lon[row],
            lat=lat[row],
            lon0=f"{VIETNAM_LON[0]:g}",
            lon1=f"{VIETNAM_LON[1]:g}",
            lat0=f"{VIETNAM_LAT[0]:g}",
            lat1=f"{VIETNAM_LAT[1]:g}",
        ),
        text("fix.school.swapped"),
    )
    outside = known & ~in_vn & ~swapped
    problems += row_problems(
        file,
        outside[outside].index,
        "lon",
        lambda row: text("school.outside_vn", lon=lon[row], lat=lat[row]),
        text("fix.school.position"),
    )
    return problems


def zone_share_problems(zones: pd.DataFrame) -> list[Problem]:
    """The shares of each quarter × level must add up to 1."""
    usable = zones.dropna(subset=["quarter_id", "level", "share"])
    sums = (
        usable.reset_index()
        .groupby(["quarter_id", "level"], sort=False)
        .agg(total=("share", "sum"), row=("row", "min"), rows=("row", list))
    )
    bad = sums[(sums["total"] - 1).abs() > SHARE_TOLERANCE]
    return [
        Problem.of(
            ZONES.file,
            text(
                "zones.share_sum",
                quarter_id=quarter_id,
                level=level,
                total=f"{info.total:.3g}",
                rows=", ".join(map(str, info.rows)),
            ),
            text("fix.zones.share_sum"),
            row=int(info.row),
            column="share",
        )
        for (quarter_id, level), info in bad.iterrows()
    ]


def finish(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The typed table the engines use: plain index, ids as text, counts as int64."""
    out = frame.reset_index(drop=True)
    for column in spec.columns:
        if column.name not in out.columns:
            continue
        if column.kind in ("id", "text", "level", "sex"):
            out[column.name] = out[column.name].astype(object)
        elif column.kind == "int" and not column.blank_ok:
            out[column.name] = out[column.name].astype("int64")
        else:
            out[column.name] = out[column.name].astype("float64")
    if spec is SCHOOLS:
        out["sessions_per_day"] = out["sessions_per_day"].astype("int64")
    return out
