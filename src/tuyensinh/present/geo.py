"""zones.gpkg: the zoning as a GeoPackage a planner opens in QGIS.

Layers (all in the ward's projected CRS, VN-2000 / UTM, the national reference system):
- ``quarters``: every quarter with, per level, its school (``school_mam_non``,
  ``school_tieu_hoc``, ``school_thcs``), the school's name (``school_<level>_name``), the share
  of the quarter's pupils going there (1.0 unless the zoning splits the quarter; a split quarter
  lists every school in ``split_<level>``) and the quarter's pupils of that level
  (``pupils_<level>``, when the zoning gives them);
- ``schools``: the school sites (points) with their classrooms and, when given, the coming
  year's load (pupils, classes, rooms needed, utilization, flag);
- ``zones_<level>``: one polygon per school, the union of its quarters, with the pupils zoned
  to it;
- ``boundary``: the ward's outline (the union of its quarters).
Column names are those of the CSV outputs (``rooms_available``, not another name); years are
whole numbers (``opens``, ``closes``: 2029, not 2029.0). Every layer carries its QGIS style
(`tuyensinh.present.geo_styles`), so the file opens styled and labelled.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from tuyensinh.present.geo_styles import write_layer_styles
from tuyensinh.words.labels import LEVEL_ORDER, level_name

__all__ = ["zones_layers", "write_zones_gpkg", "YEAR_COLUMNS"]

#: Columns holding calendar or school years: written as whole numbers, never 2029.0.
YEAR_COLUMNS = {"opens", "closes", "school_year", "first_short_year", "first_teacher_short_year"}


def _main_school(assignment: pd.DataFrame) -> pd.DataFrame:
    """Per quarter × level: the school with the largest share, its share, split text, pupils."""
    table = assignment.copy()
    table["quarter_id"] = table["quarter_id"].astype(str)
    table["school_id"] = table["school_id"].astype(str)
    if "share" not in table:
        table["share"] = 1.0
    table = table.loc[table["share"] > 1e-9]
    ordered = table.sort_values(["quarter_id", "level", "share", "school_id"], ascending=[True, True, False, True])
    main = ordered.drop_duplicates(["quarter_id", "level"]).set_index(["quarter_id", "level"])
    parts = ordered.assign(
        part=ordered["school_id"] + " " + (ordered["share"] * 100).round().astype(int).astype(str) + "%"
    )
    grouped = parts.groupby(["quarter_id", "level"], sort=True)
    split = grouped["part"].agg("; ".join).where(grouped.size() > 1, "")
    out = pd.DataFrame({"school_id": main["school_id"], "share": main["share"].round(4), "split": split})
    if "pupils" in table:
        out["pupils"] = table.groupby(["quarter_id", "level"])["pupils"].sum().round(2)
    return out.reset_index()


def zones_layers(
    quarters: gpd.GeoDataFrame,
    assignment: pd.DataFrame,
    schools: pd.DataFrame,
    crs: str,
    school_load: pd.DataFrame | None = None,
    levels: Sequence[str] = LEVEL_ORDER,
) -> dict[str, gpd.GeoDataFrame]:
    """Build the layers of zones.gpkg (see the module docstring) as GeoDataFrames in `crs`.

    `assignment`: `quarter_id, level, school_id[, share, pupils]` (one zoning: the coming
    school year's). `school_load`: optional per `school_id` columns to add to the schools
    layer (e.g. the coming year's rows of the capacity table).
    """
    names = dict(zip(schools["school_id"].astype(str), schools["name"].astype(str), strict=True))
    base = quarters[["quarter_id", "name", "geometry"]].copy()
    base["quarter_id"] = base["quarter_id"].astype(str)
    base = base.to_crs(crs)
    main = _main_school(assignment)
    layer = base.copy()
    for level in levels:
        part = main.loc[main["level"] == level].set_index("quarter_id")
        layer[f"school_{level}"] = layer["quarter_id"].map(part["school_id"])
        layer[f"school_{level}_name"] = layer[f"school_{level}"].map(names)
        layer[f"share_{level}"] = layer["quarter_id"].map(part["share"])
        layer[f"split_{level}"] = layer["quarter_id"].map(part["split"]).astype(object).fillna("")
        if "pupils" in part:
            layer[f"pupils_{level}"] = layer["quarter_id"].map(part["pupils"])
    layers: dict[str, gpd.GeoDataFrame] = {"quarters": gpd.GeoDataFrame(layer, geometry="geometry", crs=crs)}

    keep = [
        c
        for c in (
            "school_id",
            "name",
            "level",
            "classrooms",
            "sessions_per_day",
            "max_class_size",
            "opens",
            "closes",
            "land_m2",
        )
        if c in schools
    ]
    sites = schools[keep].copy()
    sites["school_id"] = sites["school_id"].astype(str)
    if school_load is not None and not school_load.empty:
        extra = school_load.copy()
        extra["school_id"] = extra["school_id"].astype(str)
        extra = extra.drop(columns=[c for c in extra.columns if c in sites.columns and c != "school_id"])
        sites = sites.merge(extra, on="school_id", how="left")
    points = gpd.points_from_xy(schools["lon"], schools["lat"], crs="EPSG:4326")
    layers["schools"] = gpd.GeoDataFrame(sites, geometry=points, crs="EPSG:4326").to_crs(crs)

    for level in levels:
        column = f"school_{level}"
        zoned = layers["quarters"].dropna(subset=[column])
        if zoned.empty:
            continue
        agg = {"quarter_id": "count"}
        if f"pupils_{level}" in zoned:
            agg[f"pupils_{level}"] = "sum"
        dissolved = zoned[[column, "quarter_id", *agg.keys() - {"quarter_id"}, "geometry"]].dissolve(
            by=column, aggfunc=agg, as_index=False
        )
        dissolved = dissolved.rename(
            columns={column: "school_id", "quarter_id": "quarters", f"pupils_{level}": "pupils"}
        )
        dissolved.insert(1, "name", dissolved["school_id"].map(names))
        layers[f"zones_{level}"] = dissolved
    outline = base.dissolve()[["geometry"]]
    outline.insert(0, "name", "")
    layers["boundary"] = gpd.GeoDataFrame(outline, geometry="geometry", crs=crs)
    for frame in layers.values():
        for column in YEAR_COLUMNS & set(frame.columns):
            frame[column] = pd.array(frame[column].round(), dtype="Int64")
    return layers


SQLITE_SYNC = "OGR_SQLITE_SYNCHRONOUS"
"""GDAL's option for SQLite's own flushes: off while zones.gpkg is written (each layer's
transactions flushed the disk: 0.6 s for a sample ward, against 0.05 s without; the file is
flushed once, as every output is, before the staging folder is moved into place)."""


def write_zones_gpkg(
    path: str | os.PathLike, layers: dict[str, gpd.GeoDataFrame], level_names: dict[str, str] | None = None
) -> Path:
    """Write the layers and their QGIS styles into one GeoPackage atomically (temporary file, then
    rename). `level_names`: level code → the name the legend shows (Vietnamese by default)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # GDAL creates the file itself
    before = pyogrio.get_gdal_config_option(SQLITE_SYNC)
    pyogrio.set_gdal_config_options({SQLITE_SYNC: "OFF"})
    try:
        for name, frame in layers.items():
            frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
        pyogrio.set_gdal_config_options({SQLITE_SYNC: before})
        _flush(Path(tmp))
        write_layer_styles(Path(tmp), layers, level_names or {level: level_name(level) for level in LEVEL_ORDER})
        os.replace(tmp, path)
    except BaseException:
        pyogrio.set_gdal_config_options({SQLITE_SYNC: before})
        for leftover in (tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"):
            if os.path.exists(leftover):
                os.unlink(leftover)
        raise
    return path


def _flush(path: Path) -> None:
    """Flush a file's data to the disk (its layers were written without SQLite's flushes)."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
