"""The CSV tables of a ward folder: their columns, and the checks inside each table.

Checks that need another table (unknown quarters or schools, base_year, school locations) live
in `tuyensinh.cross_checks`. Each reader returns the typed table (index = spreadsheet row, so
later checks can still name rows) or None when the file cannot be read, plus the problems.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tuyensinh.codes import SEXES, VIETNAM_LAT, VIETNAM_LON
from tuyensinh.csv_text import read_csv_cells
from tuyensinh.errors import Problem
from tuyensinh.tables import Column, duplicate_problems, parse_table, row_problems

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
    purpose: str  # what the file is for, used when it is missing


_YEAR = dict(minimum=1950, maximum=2100, unit="calendar year")

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
    "the residents by quarter, year and single year of age (the only table the forecast needs)",
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
        Column("sessions_per_day", "int", required=False, blank_ok=True, default=2, minimum=1, maximum=2,
               fix="write 2 (two sessions a day, the norm) or 1 (one session: the school runs one shift)"),
        Column("max_class_size", "int", required=False, blank_ok=True, minimum=1, maximum=60, unit="pupils"),
        Column("opens", "int", required=False, blank_ok=True, **_YEAR),
        Column("closes", "int", required=False, blank_ok=True, **_YEAR),
        Column("land_m2", "number", required=False, blank_ok=True, minimum=0, unit="m²"),
    ),
    ("school_id",),
    True,
    "the schools with their level, location and classrooms",
)
BIRTHS = TableSpec(
    "births.csv",
    (Column("quarter_id", "id"), Column("year", "int", **_YEAR), Column("births", "int", minimum=0, unit="births")),
    ("quarter_id", "year"),
    False,
    "births registered per quarter and year",
)
HOUSING = TableSpec(
    "housing.csv",
    (Column("quarter_id", "id"), Column("year", "int", **_YEAR),
     Column("new_dwellings", "int", minimum=0, unit="dwellings")),
    ("quarter_id", "year"),
    False,
    "planned housing completions per quarter and year",
)
ZONES = TableSpec(
    "zones.csv",
    (Column("quarter_id", "id"), Column("level", "level"), Column("school_id", "id"),
     Column("share", "number", required=False, blank_ok=True, default=1.0, minimum=0, maximum=1,
            fix="write the share of the quarter's pupils sent to this school as a fraction between 0 and 1")),
    ("quarter_id", "level", "school_id"),
    False,
    "the current enrollment zoning",
)
DISTANCES = TableSpec(
    "distances.csv",
    (Column("quarter_id", "id"), Column("school_id", "id"), Column("metres", "number", minimum=0, unit="metres")),
    ("quarter_id", "school_id"),
    False,
    "road distances from quarters to schools",
)


def read_table(folder: Path, spec: TableSpec) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read and type one CSV table; None when absent (optional) or unreadable."""
    path = folder / spec.file
    if not path.is_file():
        if not spec.required:
            return None, []
        return None, [Problem(spec.file, f"the file is missing; it holds {spec.purpose}",
                              f"add {spec.file} to the ward folder (see docs/data-format.md for its columns)")]
    raw, problems = read_csv_cells(path, spec.file)
    if raw is None:
        return None, problems
    if "sex" in raw.cells.columns and raw.cells["sex"].eq("").all():
        raw = type(raw)(raw.file, raw.cells.drop(columns="sex"), raw.delimiter)  # an empty sex column = totals
    columns = [c for c in spec.columns if c.required or c.name in raw.cells.columns or c.default is not None
               or spec.file == SCHOOLS.file]
    frame, found = parse_table(raw, columns)
    problems += found
    key = [k for k in spec.key if k in frame.columns]
    problems += duplicate_problems(
        frame, key, spec.file,
        "keep one row per " + " × ".join(key) + " (add up or delete the repeated rows)",
    )
    return frame, problems


def _missing_ages_text(ages: np.ndarray) -> str:
    return ", ".join(str(a) for a in ages[:20]) + (", …" if len(ages) > 20 else "")


def population_problems(population: pd.DataFrame, quarter_ids: list[str] | None = None) -> list[Problem]:
    """Years consecutive (at least two), ages 0..≥18 contiguous each year, no hole in the grid.

    The grid (every quarter × year × age [× sex]) is only checked when every key cell is valid
    and only for the quarters of the map (`quarter_ids`, when known), so that one wrong cell or
    one misspelt quarter_id is reported once, not again as dozens of missing rows.
    """
    file = POPULATION.file
    keys = ["quarter_id", "year", "age"] + (["sex"] if "sex" in population.columns else [])
    clean_keys = not population[keys].isna().any().any()
    usable = population.dropna(subset=["quarter_id", "year", "age"])
    if usable.empty:
        return [Problem(file, "the file has no data rows", "add one row per quarter, year and age")]
    problems: list[Problem] = []
    years = np.sort(usable["year"].unique().astype(int))
    gaps = np.setdiff1d(np.arange(years[0], years[-1] + 1), years)
    if len(gaps):
        problems.append(Problem(
            file, f"the years must follow each other without gaps; year(s) {', '.join(map(str, gaps))} "
                  f"missing between {years[0]} and {years[-1]}",
            "add the rows of the missing years (or remove the years before the gap)", column="year",
        ))
    if len(years) < 2:
        problems.append(Problem(
            file, f"only the year {years[0]} is given; a forecast needs at least two consecutive years "
                  "(five or more give much better forecasts)",
            "add the population of the previous years", column="year",
        ))
    top = usable.groupby("year")["age"].agg(["max"]).astype(int)
    top.index = top.index.astype(int)
    for year, top_age in top["max"].items():
        year = int(year)
        present = np.sort(usable.loc[usable["year"] == year, "age"].unique().astype(int))
        wanted = np.arange(0, max(top_age, MIN_TOP_AGE) + 1)
        missing = np.setdiff1d(wanted, present)
        if len(missing):
            problems.append(Problem(
                file, f"year {year}: age(s) {_missing_ages_text(missing)} have no row; every year needs single "
                      f"ages 0 to at least {MIN_TOP_AGE} without gaps",
                "add the rows of the missing ages (with count 0 if nobody is that age)", column="age",
            ))
    if problems or not clean_keys:
        return problems
    # Every quarter (× sex) needs every age of every year: find the holes in the grid.
    with_sex = "sex" in usable.columns
    tops = top["max"]
    if quarter_ids is not None:
        usable = usable[usable["quarter_id"].isin(quarter_ids)]
    quarters = pd.Index(usable["quarter_id"].unique(), name="quarter_id")
    grid = pd.concat(
        [pd.DataFrame({"year": year, "age": np.arange(0, age + 1)}) for year, age in tops.items()], ignore_index=True
    )
    grid = grid.merge(pd.DataFrame({"quarter_id": quarters}), how="cross")
    if with_sex:
        grid = grid.merge(pd.DataFrame({"sex": list(SEXES)}), how="cross")
    present = usable[keys].assign(year=usable["year"].astype(int), age=usable["age"].astype(int))
    holes = grid.merge(present, on=keys, how="left", indicator=True)
    holes = holes[holes["_merge"] == "left_only"]
    if holes.empty:
        return []
    group_keys = ["quarter_id", "year"] + (["sex"] if with_sex else [])
    grouped = holes.groupby(group_keys, sort=True)["age"].apply(lambda a: np.sort(a.to_numpy()))
    for key, ages in list(grouped.items())[:20]:
        key = key if isinstance(key, tuple) else (key,)
        where = f"quarter_id '{key[0]}', year {key[1]}" + (f", sex {key[2]}" if with_sex else "")
        problems.append(Problem(
            file, f"{where}: no row for age(s) {_missing_ages_text(ages)}",
            "add the missing rows (count 0 if nobody of that age lives there)", column="age",
        ))
    if len(grouped) > 20:
        problems.append(Problem(file, f"{len(grouped) - 20} more quarter × year combinations miss ages",
                                "add the missing rows", column="age"))
    return problems


def school_problems(schools: pd.DataFrame) -> list[Problem]:
    """opens before closes; lon/lat inside Viet Nam (and not swapped)."""
    file = SCHOOLS.file
    problems: list[Problem] = []
    late = schools["opens"].notna() & schools["closes"].notna() & (schools["opens"] >= schools["closes"])
    problems += row_problems(
        file, late[late].index, "opens",
        lambda row: f"opens {int(schools.at[row, 'opens'])} is not before closes {int(schools.at[row, 'closes'])}: "
                    "the school would never take pupils",
        "opens is the first school year with pupils, closes the first school year without pupils "
        "(2028 = 2028–2029): check both years",
    )
    lon, lat = schools["lon"], schools["lat"]
    known = lon.notna() & lat.notna()
    in_vn = lon.between(*VIETNAM_LON) & lat.between(*VIETNAM_LAT)
    swapped = known & ~in_vn & lat.between(*VIETNAM_LON) & lon.between(*VIETNAM_LAT)
    problems += row_problems(
        file, swapped[swapped].index, "lon",
        lambda row: f"lon {lon[row]} and lat {lat[row]} look swapped (Viet Nam lies at longitude "
                    f"{VIETNAM_LON[0]:g}–{VIETNAM_LON[1]:g}°E, latitude {VIETNAM_LAT[0]:g}–{VIETNAM_LAT[1]:g}°N)",
        "exchange the two values: lon is the larger number (about 102–110), lat the smaller (8–24); Google "
        "Maps copies coordinates as 'lat, lon'",
    )
    outside = known & ~in_vn & ~swapped
    problems += row_problems(
        file, outside[outside].index, "lon",
        lambda row: f"the point lon {lon[row]}, lat {lat[row]} is not in Viet Nam",
        "write the school's position in decimal degrees (WGS 84), e.g. lon 106.95, lat 11.87",
    )
    return problems


def zone_share_problems(zones: pd.DataFrame) -> list[Problem]:
    """The shares of each quarter × level must add up to 1."""
    usable = zones.dropna(subset=["quarter_id", "level", "share"])
    sums = usable.reset_index().groupby(["quarter_id", "level"], sort=False).agg(
        total=("share", "sum"), row=("row", "min"), rows=("row", list)
    )
    bad = sums[(sums["total"] - 1).abs() > SHARE_TOLERANCE]
    return [
        Problem(
            ZONES.file,
            f"quarter_id '{quarter_id}', level {level}: the shares add up to {info.total:.3g}, not 1 "
            f"(rows {', '.join(map(str, info.rows))})",
            "make the shares of the schools serving this quarter at this level add up to 1 "
            "(leave share empty when one school takes the whole quarter)",
            row=int(info.row), column="share",
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
