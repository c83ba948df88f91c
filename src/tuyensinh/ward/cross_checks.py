"""Checks between the files of a ward folder.

Every quarter and school a table names must exist; every quarter on the map needs population;
zones send each quarter to schools of the right level; base_year is a year of the population
table; schools stand inside (or near) the ward.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from tuyensinh.ward.codes import VIETNAM_LAT, VIETNAM_LON
from tuyensinh.ward.columns import row_problems, unknown_reference_problems
from tuyensinh.ward.config import DEFAULT_HORIZON, WardConfig
from tuyensinh.ward.config import FILE as TOML
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.tables import POPULATION, SCHOOLS, ZONES
from tuyensinh.words.problems import Text, text

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
    tables: dict[str, pd.DataFrame | None],
    quarter_ids: list[str] | None,
    quarters_file: str,
    school_ids: list[str] | None,
) -> list[Problem]:
    """Unknown quarter_id / school_id in population, births, housing, zones and distances."""
    problems: list[Problem] = []
    for file, frame in tables.items():
        if frame is None:
            continue
        if quarter_ids is not None and "quarter_id" in frame:
            problems += unknown_reference_problems(
                frame, "quarter_id", quarter_ids, file, quarters_file, text("noun.quarter")
            )
        if school_ids is not None and "school_id" in frame and file != SCHOOLS.file:
            problems += unknown_reference_problems(
                frame, "school_id", school_ids, file, SCHOOLS.file, text("noun.school")
            )
    return problems


def unpopulated_quarter_problems(population: pd.DataFrame, quarter_ids: list[str], quarters_file: str) -> list[Problem]:
    """Quarters on the map without any row in population.csv.

    Not said when no quarter_id of population.csv is on the map at all: the ids are then written
    in another pattern, which the reference check reports once for the whole file.
    """
    present = set(population["quarter_id"].dropna().unique())
    if present and not present & set(quarter_ids):
        return []
    missing = [q for q in quarter_ids if q not in present]
    return [
        Problem.of(
            POPULATION.file,
            text("cross.unpopulated", quarter_id=quarter_id, source=quarters_file),
            text("fix.cross.unpopulated"),
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
            ZONES.file,
            wrong[wrong].index,
            "level",
            lambda row: text(
                "cross.zone_level",
                school_id=zones.at[row, "school_id"],
                school_level=school_level[row],
                level=zones.at[row, "level"],
            ),
            text("fix.cross.zone_level"),
        )
    if quarter_ids is not None:
        zoned = zones.dropna(subset=["quarter_id", "level"]).groupby("level")["quarter_id"].agg(set)
        for level, covered in zoned.items():
            missing = [q for q in quarter_ids if q not in covered]
            if missing:
                shown = ", ".join(f"'{q}'" for q in missing[:15]) + (", …" if len(missing) > 15 else "")
                problems.append(
                    Problem.of(
                        ZONES.file,
                        text("cross.zone_coverage", level=level, shown=shown),
                        text("fix.cross.zone_coverage", level=level),
                        column="quarter_id",
                    )
                )
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
        problems.append(
            Problem.of(
                TOML,
                text("cross.base_not_year", base_year=config.base_year, first=first, last=last),
                text("fix.cross.base_not_year", last=last),
                row=config.lines.get("base_year"),
                column="base_year",
            )
        )
    elif config.base_year is not None and config.base_year == first:
        problems.append(
            Problem.of(
                TOML,
                text("cross.base_first", base_year=config.base_year),
                text("fix.cross.base_first", last=last),
                row=config.lines.get("base_year"),
                column="base_year",
            )
        )
    if config.base_year is None and config.horizon <= base_year:
        problems.append(
            Problem.of(
                TOML,
                text("cross.horizon", horizon=config.horizon, base_year=base_year),
                text("fix.cross.horizon", base_year=base_year, default=DEFAULT_HORIZON),
                row=config.lines.get("horizon"),
                column="horizon",
            )
        )
    return base_year, problems


def school_location_problems(
    schools: pd.DataFrame, quarters: gpd.GeoDataFrame, crs: str, quarters_file: str
) -> list[Problem]:
    """Schools standing more than OUTSIDE_WARD_M metres outside the union of the quarters.

    Points outside Viet Nam (or with lon and lat swapped) are reported by
    `ward.tables.school_problems` and skipped here.
    """
    located = schools[schools["lon"].between(*VIETNAM_LON) & schools["lat"].between(*VIETNAM_LAT)]
    if located.empty:
        return []
    boundary = quarters.to_crs(crs).union_all()
    points = gpd.GeoSeries(
        gpd.points_from_xy(located["lon"], located["lat"]), index=located.index, crs="EPSG:4326"
    ).to_crs(crs)
    metres = points.distance(boundary)
    far = metres > OUTSIDE_WARD_M

    def message(row: int) -> Text:
        return text(
            "cross.school_outside",
            lon=located.at[row, "lon"],
            lat=located.at[row, "lat"],
            km=f"{metres[row] / 1000:.1f}",
            source=quarters_file,
        )

    return row_problems(
        SCHOOLS.file,
        far[far].index,
        "lon",
        message,
        text("fix.cross.school_outside", limit=f"{OUTSIDE_WARD_M / 1000:g}"),
    )
