"""`start_ward`: write a new ward folder from a boundary and the quarters (polygons or points).

Writes, all at once or not at all (a staging folder moved into place): `ward.toml` filled from
what is known (code, name, kind, projected CRS, base year, horizon, setting — the province is left
for the planner), `quarters.geojson` (the polygons given, or Voronoi cells around the points,
marked approximate), and the template workbook `ward.xlsx`. It never writes into a folder that
already holds files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from tuyensinh.present.outputs import staged_output
from tuyensinh.start.boundary import Boundary, find_boundary, projected_crs
from tuyensinh.start.points import read_points, voronoi_quarters
from tuyensinh.start.template import write_template
from tuyensinh.ward.errors import Problem, WardDataError
from tuyensinh.ward.quarters import WGS84, read_quarters
from tuyensinh.ward.workbook import WARD_WORKBOOK
from tuyensinh.words.start import text

__all__ = ["StartedWard", "start_ward", "ward_toml"]

_SETTING = {"phường": "urban", "xã": "rural", "đặc khu": "rural"}


@dataclass(frozen=True)
class StartedWard:
    """What `start_ward` wrote."""

    folder: Path
    boundary: Boundary
    quarters: gpd.GeoDataFrame  # quarter_id, name, geometry (EPSG:4326)
    approximate: bool  # True: Voronoi cells around points
    files: tuple[str, ...]
    kind: str  # phường | xã | đặc khu, as written into ward.toml


def _toml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ward_toml(boundary: Boundary, base_year: int, kind: str, province: str) -> str:
    """The [ward] table of a new folder, every key the loader knows, with a comment for each."""
    return "\n".join(
        [
            "# Written by `tuyensinh init`; check every value (docs/data-format.md, ward.toml).",
            "[ward]",
            f"code = {_toml_text(boundary.code)}",
            f"name = {_toml_text(boundary.name)}",
            f"kind = {_toml_text(kind)}          # phường | xã | đặc khu",
            f"province = {_toml_text(province)}",
            f"crs = {_toml_text(projected_crs(boundary.outline))}   # VN-2000 / UTM: EPSG:3405 west of 108°E, 3406 east",
            f"base_year = {base_year}       # the last year of population data (December refresh)",
            "horizon = 2030",
            f"setting = {_toml_text(_SETTING.get(kind, 'urban'))}   # urban | rural | mountain (walking-distance norms)",
            "",
        ]
    )


def start_ward(
    folder: str | Path,
    boundary: str,
    *,
    points: str | Path | None = None,
    polygons: str | Path | None = None,
    base_year: int | None = None,
    kind: str | None = None,
    province: str = "",
    lang: str = "vi",
) -> StartedWard:
    """Write a new ward folder; raise WardDataError listing every problem of the inputs."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        names = ", ".join(sorted(p.name for p in folder.iterdir())[:5])
        raise WardDataError(
            str(folder),
            [Problem.of(str(folder), text("init.not_empty", folder=folder, files=names), text("fix.init.not_empty"))],
        )
    found, problems = find_boundary(boundary)
    if found is None:
        raise WardDataError(str(folder), problems)
    if (points is None) == (polygons is None):
        raise ValueError("give the quarters either as points (--points) or as polygons (--quarters)")
    approximate = points is not None
    if points is not None:
        located, problems = read_points(Path(points), found)
        if located is None:
            raise WardDataError(str(folder), problems)
        quarters = voronoi_quarters(located, found)
    else:
        assert polygons is not None
        read, problems = read_quarters(Path(polygons).parent, projected_crs(found.outline), path=Path(polygons))
        if read is None or problems:
            raise WardDataError(str(folder), problems)
        quarters = read
    year = base_year or dt.date.today().year
    kind = kind or found.kind or "phường"
    with staged_output(folder, replace_whole=True) as stage:
        (stage / "ward.toml").write_text(ward_toml(found, year, kind, province), encoding="utf-8")
        quarters.to_crs(WGS84).to_file(stage / "quarters.geojson", driver="GeoJSON", engine="pyogrio")
        write_template(stage / WARD_WORKBOOK, quarters, year, f"{kind} {found.name}".strip(), approximate, lang)
    files = ("ward.toml", "quarters.geojson", WARD_WORKBOOK)
    return StartedWard(folder, found, quarters, approximate, files, kind)
