"""What `tuyensinh forecast` and `tuyensinh backtest` read: a whole ward folder, a folder with only
population.csv (and optionally births.csv, housing.csv, ward.toml), or a single population file.

A demographer with a population table should not have to invent schools and polygons to
forecast it. `load_forecast_inputs(path)` checks what the forecast needs (the population grid,
the years, births and housing naming known quarters) with the loader's own problems, and
returns `ForecastInputs`; `full` holds the whole `Ward` when the folder has one (schools and a
map), so that the commands can add the planners' blocks that need schools.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tuyensinh.ward import cross_checks
from tuyensinh.ward import tables as ward_tables
from tuyensinh.ward.config import DEFAULT_HORIZON, read_ward_toml
from tuyensinh.ward.config import FILE as TOML_FILE
from tuyensinh.ward.errors import Problem, WardDataError
from tuyensinh.ward.folder import Ward, load_ward
from tuyensinh.ward.tables import BIRTHS, HOUSING, POPULATION, SCHOOLS
from tuyensinh.words.problems import text

__all__ = ["ForecastInputs", "load_forecast_inputs"]


@dataclass(frozen=True, eq=False)
class ForecastInputs:
    """The tables a forecast needs and where they came from."""

    source: Path  # the folder or the file given
    name: str  # ward.toml's name, else the folder's (or file's) name
    kind: str  # "phường" | "xã" ("" when unknown)
    population: pd.DataFrame  # quarter_id, year, age, count [, sex]
    births: pd.DataFrame | None
    housing: pd.DataFrame | None
    base_year: int
    horizon: int
    full: Ward | None  # the whole ward when the folder has schools and a map


def _is_whole_ward(folder: Path) -> bool:
    has_map = any((folder / name).is_file() for name in ("quarters.geojson", "quarters.gpkg"))
    return has_map and (folder / SCHOOLS.file).is_file() and (folder / TOML_FILE).is_file()


def load_forecast_inputs(path: str | Path) -> ForecastInputs:
    """Read a ward folder, a population-only folder or a population file (see the module
    docstring); raise `WardDataError` listing every problem found."""
    path = Path(path)
    if path.is_dir() and _is_whole_ward(path):
        ward = load_ward(path)
        return ForecastInputs(
            path, ward.name, ward.kind, ward.population, ward.births, ward.housing, ward.base_year, ward.horizon, ward
        )
    if not path.exists():
        raise WardDataError(
            str(path),
            [
                Problem.of(
                    str(path),
                    text("ward.folder_missing"),
                    text("fix.ward.folder_missing"),
                )
            ],
        )
    problems: list[Problem] = []
    config = None
    if path.is_file():
        folder, spec = path.parent, dataclasses.replace(POPULATION, file=path.name)
        population, found = ward_tables.read_table(folder, spec)
        problems += found
        births = housing = None
        specs = {spec.file: spec}
    else:
        folder = path
        population, found = ward_tables.read_table(folder, POPULATION)
        problems += found
        births, found = ward_tables.read_table(folder, BIRTHS)
        problems += found
        housing, found = ward_tables.read_table(folder, HOUSING)
        problems += found
        specs = {POPULATION.file: POPULATION, BIRTHS.file: BIRTHS, HOUSING.file: HOUSING}
        if (folder / TOML_FILE).is_file():
            config, found = read_ward_toml(folder)
            problems += found
    base_year = None
    if population is not None:
        problems += ward_tables.population_problems(population)
        quarter_ids = list(pd.unique(population["quarter_id"].dropna()))
        problems += cross_checks.reference_problems(
            {BIRTHS.file: births, HOUSING.file: housing}, quarter_ids, next(iter(specs)), None
        )
        years = population["year"].dropna()
        if config is not None:
            base_year, found = cross_checks.year_problems(config, population)
            problems += found
        elif not years.empty:
            base_year = int(years.max())
    if problems:
        raise WardDataError(str(path), problems)
    assert population is not None and base_year is not None
    population = ward_tables.finish(population, specs[next(iter(specs))])
    population = population.sort_values(
        [c for c in ("quarter_id", "year", "age", "sex") if c in population], ignore_index=True
    )
    births = None if births is None else ward_tables.finish(births, BIRTHS)
    housing = None if housing is None else ward_tables.finish(housing, HOUSING)
    if config is not None:
        name, kind, horizon = config.name, config.kind, config.horizon
    else:
        name, kind, horizon = (path.stem if path.is_file() else path.name), "", max(DEFAULT_HORIZON, base_year + 1)
    return ForecastInputs(path, name, kind, population, births, housing, base_year, horizon, None)
