"""Checks between the files of a ward folder.

Every quarter and school a table names must exist; every quarter on the map needs population;
zones send each quarter to schools of the right level; base_year is a year of the population
table; schools stand inside (or near) the ward.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from tuyensinh.codes import VIETNAM_LAT, VIETNAM_LON
from tuyensinh.errors import Problem
from tuyensinh.tables import row_problems, unknown_reference_problems
from tuyensinh.ward_config import DEFAULT_HORIZON, FILE as TOML, WardConfig
from tuyensinh.ward_tables import POPULATION, SCHOOLS, ZONES

__all__ = [
    "reference_problems",
    "unpopulated_quarter_problems",
    "zone_problems",
    "year_problems",
    "school_location_problems",
    "OUTSIDE_WARD_M",
]

OUTSIDE_WARD_M = 2000.0  # a school farther than this outside the quarters is misplaced (metres)


def reference_problems(
    tables: dict[str, pd.DataFrame | None], quarter_ids: list[str] | None, quarters_file: str,
    school_ids: list[str] | None,
) -> list[Problem]:
    """Unknown quarter_id / school_id in population, births, housing, zones and distances."""
    problems: list[Problem] = []
    for file, frame in tables.items():
        if frame is None:
            continue
        if quarter_ids is not None and "quarter_id" in frame:
            problems += unknown_reference_problems(frame, "quarter_id", quarter_ids, file, quarters_file, "quarter")
        if school_ids is not None and "school_id" in frame and file != SCHOOLS.file:
            problems += unknown_reference_problems(frame, "school_id", school_ids, file, SCHOOLS.file, "school")
    return problems


def unpopulated_quarter_problems(population: pd.DataFrame, quarter_ids: list[str], quarters_file: str) -> list[Problem]:
    """Quarters on the map without any row in population.csv."""
    present = set(population["quarter_id"].dropna().unique())
    missing = [q for q in quarter_ids if q not in present]
    return [
        Problem(
            POPULATION.file,
            f"quarter_id '{quarter_id}' of {quarters_file} has no rows; every quarter on the map needs its population",
            "add its rows (count 0 if nobody lives there) or check that the quarter_id is spelled the same in both files",
            column="quarter_id",
        )
        for quarter_id in missing
    ]


def zone_problems(zones: pd.DataFrame, schools: pd.DataFrame | None, quarter_ids: list[str] | None) -> list[Problem]:
    """Zoned school of the wrong level; a level zoned for some quarters but not all."""
    problems: list[Problem] = []
    if schools is not None:
        level_of = schools.dropna(subset=["school_id"]).drop_duplicates("school_id").set_index("school_id")["level"]
        school_level = zones["school_id"].map(level_of)
        wrong = zones["level"].notna() & school_level.notna() & (zones["level"] != school_level)
        problems += row_problems(
            ZONES.file, wrong[wrong].index, "level",
            lambda row: f"school_id '{zones.at[row, 'school_id']}' is a {school_level[row]} school in schools.csv, "
                        f"not {zones.at[row, 'level']}",
            "send the quarter to a school of this level, or correct the level",
        )
    if quarter_ids is not None:
        zoned = zones.dropna(subset=["quarter_id", "level"]).groupby("level")["quarter_id"].agg(set)
        for level, covered in zoned.items():
            missing = [q for q in quarter_ids if q not in covered]
            if missing:
                shown = ", ".join(f"'{q}'" for q in missing[:15]) + (", …" if len(missing) > 15 else "")
                problems.append(Problem(
                    ZONES.file,
                    f"level {level}: the quarter(s) {shown} have no school; a level that is zoned must be zoned "
                    "for every quarter",
                    f"add a row quarter_id, {level}, school_id for each of them",
                    column="quarter_id",
                ))
    return problems


def year_problems(config: WardConfig, population: pd.DataFrame) -> tuple[int | None, list[Problem]]:
    """The base year (given or the last population year) and its problems."""
    years = population["year"].dropna()
    if years.empty:
        return config.base_year, []
    first, last = int(years.min()), int(years.max())
    problems: list[Problem] = []
    base_year = config.base_year if config.base_year is not None else last
    if config.base_year is not None and not first <= config.base_year <= last:
        problems.append(Problem(
            TOML, f"base_year {config.base_year} is not a year of population.csv ({first}–{last})",
            f"set base_year to the last year of population to use (at most {last}) or add that year's population",
            row=config.lines.get("base_year"), column="base_year",
        ))
    elif config.base_year is not None and config.base_year == first:
        problems.append(Problem(
            TOML, f"base_year {config.base_year} is the first year of population.csv: no earlier year to learn from",
            f"set base_year to a later year (up to {last}) or add earlier years",
            row=config.lines.get("base_year"), column="base_year",
        ))
    if config.base_year is None and config.horizon <= base_year:
        problems.append(Problem(
            TOML, f"horizon {config.horizon} is not after the last population year {base_year}: nothing to forecast",
            f"set horizon later than {base_year} (default {DEFAULT_HORIZON})",
            row=config.lines.get("horizon"), column="horizon",
        ))
    return base_year, problems


def school_location_problems(schools: pd.DataFrame, quarters: gpd.GeoDataFrame, crs: str, quarters_file: str) -> list[Problem]:
    """Schools standing more than OUTSIDE_WARD_M metres outside the union of the quarters.

    Points outside Viet Nam (or with lon and lat swapped) are reported by
    `ward_tables.school_problems` and skipped here.
    """
    located = schools[schools["lon"].between(*VIETNAM_LON) & schools["lat"].between(*VIETNAM_LAT)]
    if located.empty:
        return []
    boundary = quarters.to_crs(crs).union_all()
    points = gpd.GeoSeries(gpd.points_from_xy(located["lon"], located["lat"]), index=located.index, crs="EPSG:4326").to_crs(crs)
    metres = points.distance(boundary)
    far = metres > OUTSIDE_WARD_M

    def message(row: int) -> str:
        return (f"the school at lon {located.at[row, 'lon']}, lat {located.at[row, 'lat']} is "
                f"{metres[row] / 1000:.1f} km outside the ward (the union of the quarters of {quarters_file})")

    return row_problems(
        SCHOOLS.file, far[far].index, "lon", message,
        f"check lon and lat (decimal degrees, WGS 84); schools must lie within {OUTSIDE_WARD_M / 1000:g} km of the ward",
    )
