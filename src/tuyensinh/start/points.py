"""Quarters from points (the village cultural houses): Voronoi cells clipped to the commune's outline.

A commune often has no map of its thôn, only a point for each (its nhà văn hóa). Each point gets
the part of the commune nearer to it than to any other point (a Voronoi cell, computed in metres
in VN-2000 / UTM), clipped to the outline: the cells cover the commune, do not overlap, and keep
the points' ids and names. They are approximate boundaries, and say so.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tuyensinh.start.boundary import Boundary, projected_crs
from tuyensinh.ward.cells import read_csv_cells
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.quarters import WGS84
from tuyensinh.ward.workbook import canonical_header
from tuyensinh.words.start import text

__all__ = ["read_points", "voronoi_quarters", "APPROXIMATE"]

APPROXIMATE = "approximate (Voronoi cells around points) / gần đúng (vùng Voronoi quanh điểm)"


def _table(path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    file = path.name
    if path.suffix.lower() in (".csv", ".txt"):
        # the ward folder's CSV reader: UTF-8 (BOM or not), comma/semicolon/tab, a code page named by row
        raw, problems = read_csv_cells(path, file)
        if raw is None:
            return None, problems
        cells = raw.cells.copy()
        cells.columns = [canonical_header(str(name)) for name in cells.columns]
        return cells, []  # indexed by spreadsheet row (header = 1), blank rows left out
    frame = gpd.read_file(path)
    points = frame[frame.geometry.geom_type == "Point"]
    if points.empty:
        return None, [Problem.of(file, text("points.no_points"), text("fix.points.no_points"))]
    points = points.to_crs(WGS84) if points.crs is not None else points
    out = pd.DataFrame({canonical_header(str(c)): points[c].astype(str) for c in points.columns if c != "geometry"})
    out["lon"] = points.geometry.x.map(repr)
    out["lat"] = points.geometry.y.map(repr)
    out.index = pd.RangeIndex(2, 2 + len(out), name="row")  # feature k is numbered as row k + 1
    return out, []


def read_points(path: Path, boundary: Boundary) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """The quarters' points (`quarter_id, name, geometry` in EPSG:4326), or every problem of the file."""
    file = path.name
    frame, problems = _table(path)
    if frame is None:
        return None, problems
    for column in ("quarter_id", "name", "lon", "lat"):
        if column not in frame.columns:
            problems.append(
                Problem.of(
                    file,
                    text("points.missing_column", column=column),
                    text("fix.points.missing_column", column=column),
                    row=1,
                    column=column,
                )
            )
    if problems:
        return None, problems
    rows = frame.index.to_numpy()
    for column in ("quarter_id", "name", "lon", "lat"):
        blank = frame[column].str.strip().eq("").to_numpy()
        problems += [
            Problem.of(file, text("points.blank", column=column), text("fix.points.blank"), row=int(r), column=column)
            for r in rows[blank][:20]
        ]
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy()
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy()
    for column, values in (("lon", lon), ("lat", lat)):
        bad = np.isnan(values) & frame[column].str.strip().ne("").to_numpy()
        problems += [
            Problem.of(
                file,
                text("points.not_number", value=frame.at[r, column]),
                text("fix.points.not_number"),
                row=int(r),
                column=column,
            )
            for r in rows[bad][:20]
        ]
    ids = frame["quarter_id"].str.strip()
    for quarter_id in ids[ids.duplicated() & ids.ne("")].unique()[:20]:
        where = rows[(ids == quarter_id).to_numpy()]
        problems.append(
            Problem.of(
                file,
                text("points.duplicate_id", quarter_id=quarter_id),
                text("fix.points.duplicate_id"),
                row=int(where[1]),
                column="quarter_id",
            )
        )
    if problems:
        return None, problems
    points = gpd.GeoDataFrame(
        {"quarter_id": ids.to_numpy(), "name": frame["name"].str.strip().to_numpy()},
        geometry=gpd.points_from_xy(lon, lat),
        crs=WGS84,
    )
    inside = points.geometry.within(boundary.outline).to_numpy()
    for r in np.flatnonzero(~inside)[:20]:
        problems.append(
            Problem.of(
                file,
                text(
                    "points.outside",
                    quarter_id=ids.iloc[r],
                    lon=frame["lon"].iloc[r],
                    lat=frame["lat"].iloc[r],
                    ward=boundary.name or boundary.code,
                ),
                text("fix.points.outside"),
                row=int(rows[r]),
                column="lon",
            )
        )
    places = points.geometry.to_wkb()
    first_at = places.groupby(places, sort=False).transform(lambda group: group.index[0])  # first point at each place
    for r in np.flatnonzero(places.duplicated().to_numpy())[:20]:
        first = int(first_at.iloc[r])
        problems.append(
            Problem.of(
                file,
                text("points.same_place", a=ids.iloc[first], b=ids.iloc[r]),
                text("fix.points.same_place"),
                row=int(rows[r]),
                column="lon",
            )
        )
    if len(points) < 2:
        problems.append(Problem.of(file, text("points.too_few", n=len(points)), text("fix.points.too_few")))
    return (None, problems) if problems else (points, [])


def voronoi_quarters(points: gpd.GeoDataFrame, boundary: Boundary) -> gpd.GeoDataFrame:
    """One polygon per point: its Voronoi cell (in metres) clipped to the outline; ids and names kept.

    Cells are matched back to their points by containment (each cell holds exactly its own
    point), so the order shapely returns them in does not matter. A cell clipped into several
    pieces (an outline with a narrow neck) keeps them all as one MultiPolygon.
    """
    crs = projected_crs(boundary.outline)
    projected = points.to_crs(crs)
    outline = gpd.GeoSeries([boundary.outline], crs=WGS84).to_crs(crs).iloc[0]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(list(projected.geometry)), extend_to=outline))
    owner = shapely.STRtree(cells).query(projected.geometry.to_numpy(), predicate="within")  # [point index, cell index]
    order = np.empty(len(projected), dtype=int)
    order[owner[0]] = owner[1]
    clipped = shapely.intersection(cells[order], outline)
    quarters = gpd.GeoDataFrame(
        {"quarter_id": points["quarter_id"].to_numpy(), "name": points["name"].to_numpy(), "boundary": APPROXIMATE},
        geometry=clipped,
        crs=crs,
    )
    return quarters.to_crs(WGS84)
