"""The ward folder as one validated object: `load_ward(folder) -> Ward`.

`load_ward` reads every file of the folder (docs/data-format.md), gathers every problem it
finds and raises `WardDataError` listing all of them; a `Ward` is only returned when there is
none, so nothing is ever half-loaded. Text is normalised to Unicode NFC, ids stay text
("01" stays "01"), counts are whole numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from tuyensinh.ward import cross_checks
from tuyensinh.ward import tables as ward_tables
from tuyensinh.ward.config import read_ward_toml
from tuyensinh.ward.context import read_context
from tuyensinh.ward.enrolment import (
    ENROLMENT,
    QUOTAS_PUBLISHED,
    enrolment_problems,
    facility_problems,
    quotas_published_problems,
)
from tuyensinh.ward.errors import Problem, WardDataError
from tuyensinh.ward.limits import cap_per_file
from tuyensinh.ward.quarters import WGS84, quarters_file, read_quarters
from tuyensinh.ward.tables import BIRTHS, DISTANCES, HOUSING, POPULATION, SCHOOLS, ZONES
from tuyensinh.ward.workbook import Locator, without_repeats
from tuyensinh.words.problems import text
from zoning.mapcontext import ContextLayer

__all__ = ["Ward", "load_ward"]


@dataclass(frozen=True, eq=False)
class Ward:
    """One ward or commune: its settings (ward.toml) and validated tables.

    `quarters` is in longitude/latitude (EPSG:4326); `crs` is the projected CRS (metres) used for
    distances. `population` has `quarter_id, year, age, count` (persons, + `sex` when given);
    `schools` has every column of the contract, optional ones filled (`sessions_per_day` 2,
    `max_class_size`, `opens`, `closes`, `land_m2` and the facility columns `teachers`,
    `permanent_classrooms`, `functional_rooms`, `semi_boarding_places`, `boarders` NaN). Optional
    tables are None when absent; `enrolment` (enrolment.csv) and `quotas_published`
    (quotas_published.csv) feed the enrolment cycle (capacity.enrolment).
    `context`: the map layers of context/ (roads, rivers, landmarks; `tuyensinh.ward.context`).
    """

    folder: Path
    code: str
    name: str
    kind: str
    province: str
    crs: str
    base_year: int
    horizon: int
    setting: str
    norms: dict[str, Any]
    rates: dict[str, Any]
    quarters: gpd.GeoDataFrame
    population: pd.DataFrame
    schools: pd.DataFrame
    births: pd.DataFrame | None
    housing: pd.DataFrame | None
    zones: pd.DataFrame | None
    distances: pd.DataFrame | None
    enrolment: pd.DataFrame | None = None
    quotas_published: pd.DataFrame | None = None
    context: tuple[ContextLayer, ...] = ()
    input_warnings: tuple[Problem, ...] = ()  # values accepted but unusual, placed by file, row and column

    def population_by_age(self) -> pd.DataFrame:
        """Residents per quarter, year and single age, summed over sex (persons; a copy of
        the table summed once per ward: a plan asks for it four times)."""
        return self._population_by_age.copy()

    @cached_property
    def _population_by_age(self) -> pd.DataFrame:
        return self.population.groupby(["quarter_id", "year", "age"], as_index=False, sort=True)["count"].sum()

    def quarters_projected(self) -> gpd.GeoDataFrame:
        """The quarters in the ward's projected CRS (metres)."""
        return self.quarters.to_crs(self.crs)

    def schools_projected(self) -> gpd.GeoDataFrame:
        """The schools as points in the ward's projected CRS (metres), all columns kept."""
        points = gpd.points_from_xy(self.schools["lon"], self.schools["lat"], crs=WGS84)
        return gpd.GeoDataFrame(self.schools.copy(), geometry=points, crs=WGS84).to_crs(self.crs)

    @cached_property
    def boundary(self) -> shapely.Geometry:
        """The ward outline: union of the quarters, in the ward's projected CRS (metres)."""
        return self.quarters_projected().union_all()

    @property
    def years(self) -> list[int]:
        """The years of the population table, in order."""
        return sorted(int(year) for year in self.population["year"].unique())

    @property
    def optional_files(self) -> dict[str, bool]:
        """Which optional tables the folder provides (births, housing, zones, distances, enrolment,
        quotas_published)."""
        names = ("births", "housing", "zones", "distances", "enrolment", "quotas_published")
        return {name: getattr(self, name) is not None for name in names}


def _ids(frame: pd.DataFrame | None, column: str) -> list[str] | None:
    if frame is None:
        return None
    return list(pd.unique(frame[column].dropna()))


def load_ward(folder: str | Path) -> Ward:
    """Read and validate the ward folder; raise WardDataError listing every problem found."""
    folder = Path(folder)
    if not folder.is_dir():
        raise WardDataError(
            str(folder),
            [
                Problem.of(
                    str(folder),
                    text("ward.folder_missing"),
                    text("fix.ward.folder_missing"),
                )
            ],
        )
    problems: list[Problem] = []
    config, found = read_ward_toml(folder)
    problems += found
    crs_ok = config is not None and not any(p.column == "crs" for p in found)
    quarters, found = read_quarters(folder, config.crs if config is not None and crs_ok else None)
    problems += found
    map_path, _ = quarters_file(folder)
    map_name = map_path.name if map_path is not None else "quarters.geojson"

    tables: dict[str, pd.DataFrame | None] = {}
    locators: dict[str, Locator] = {}  # tables read from a workbook: where each row is in Excel
    for spec in (POPULATION, SCHOOLS, BIRTHS, HOUSING, ZONES, DISTANCES):
        tables[spec.file], found = ward_tables.read_table(folder, spec, locators)
        problems += found
    population, schools, zones = tables[POPULATION.file], tables[SCHOOLS.file], tables[ZONES.file]

    quarter_ids = _ids(quarters, "quarter_id")
    problems += cross_checks.reference_problems(tables, quarter_ids, map_name, _ids(schools, "school_id"))
    base_year = None
    if population is not None:
        problems += ward_tables.population_problems(population, quarter_ids)
        if quarter_ids is not None:
            problems += cross_checks.unpopulated_quarter_problems(population, quarter_ids, map_name)
        if config is not None:
            base_year, found = cross_checks.year_problems(config, population)
            problems += found
    if schools is not None:
        problems += ward_tables.school_problems(schools)
        problems += facility_problems(schools)
        if quarters is not None and crs_ok and config is not None:
            problems += cross_checks.school_location_problems(schools, quarters, config.crs, map_name)
    if zones is not None:
        problems += ward_tables.zone_share_problems(zones)
        problems += cross_checks.zone_problems(zones, schools, quarter_ids)

    cycle: dict[str, pd.DataFrame | None] = {}
    for spec in (ENROLMENT, QUOTAS_PUBLISHED):
        cycle[spec.file], found = ward_tables.read_table(folder, spec, locators)
        problems += found
    if cycle[ENROLMENT.file] is not None:
        problems += enrolment_problems(cycle[ENROLMENT.file], _ids(schools, "school_id"), quarter_ids, map_name)
    if cycle[QUOTAS_PUBLISHED.file] is not None:
        problems += quotas_published_problems(cycle[QUOTAS_PUBLISHED.file], _ids(schools, "school_id"))
    context, found = read_context(folder)
    problems += found

    if population is not None and not problems:
        problems += cross_checks.empty_population_problems(population)
    for locator in locators.values():
        problems = [locator.locate(problem) for problem in problems]
    problems = without_repeats(problems)
    if problems:
        raise WardDataError(str(folder), cap_per_file(problems))
    assert config is not None and quarters is not None and population is not None and schools is not None
    assert base_year is not None

    def final(spec: ward_tables.TableSpec) -> pd.DataFrame | None:
        frame = tables[spec.file] if spec.file in tables else cycle[spec.file]
        return None if frame is None else ward_tables.finish(frame, spec)

    warnings = [*cross_checks.few_residents_warnings(population)]
    for spec in (POPULATION, SCHOOLS, BIRTHS, HOUSING, DISTANCES):
        frame = tables[spec.file]
        if frame is not None:
            warnings += cross_checks.plausibility_warnings(frame, spec.columns, spec.file)
    for locator in locators.values():
        warnings = [locator.locate(warning) for warning in warnings]
    population_out = final(POPULATION)
    assert population_out is not None  # population.csv is required: a ward is returned only when it was read
    population_out = population_out.sort_values(
        [c for c in ("quarter_id", "year", "age", "sex") if c in population_out], ignore_index=True
    )
    return Ward(
        folder=folder,
        code=config.code,
        name=config.name,
        kind=config.kind,
        province=config.province,
        crs=config.crs,
        base_year=int(base_year),
        horizon=int(config.horizon),
        setting=config.setting,
        norms=config.norms,
        rates=config.rates,
        quarters=quarters,
        population=population_out,
        schools=final(SCHOOLS),
        births=final(BIRTHS),
        housing=final(HOUSING),
        zones=final(ZONES),
        distances=final(DISTANCES),
        enrolment=final(ENROLMENT),
        quotas_published=final(QUOTAS_PUBLISHED),
        context=context,
        input_warnings=tuple(warnings),
    )
