"""quarters.geojson / quarters.gpkg: the quarters (khu phố, thôn, tổ dân phố) as polygons.

Reads the map with geopandas (pyogrio), checks ids, names, the CRS and every geometry, and
returns the quarters in longitude/latitude (EPSG:4326). Features are named by their position
in the file ("feature 3", counted from 1, as in the QGIS attribute table) and their quarter_id.
"""

from __future__ import annotations

import json
import unicodedata
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from tuyensinh.ward.codes import FORMULA_START, VIETNAM_LAT, VIETNAM_LON
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.files import present, read_input
from tuyensinh.ward.limits import MAX_ID_LENGTH, MAX_TEXT_LENGTH
from tuyensinh.words.problems import GEOMETRY_KINDS, Text, text

__all__ = ["read_quarters", "quarters_file", "WGS84"]

WGS84 = "EPSG:4326"
OVERLAP_SHARE = 0.01  # overlaps above 1 % of the smaller quarter are reported
_EXPORT_FIX = text("fix.export")


def quarters_file(folder: Path) -> tuple[Path | None, list[Problem]]:
    """The quarters map of `folder` (quarters.geojson or quarters.gpkg) or the problem."""
    found = [folder / name for name in ("quarters.geojson", "quarters.gpkg") if present(folder / name)]
    if len(found) == 2:
        return None, [Problem.of("quarters.geojson", text("map.both"), text("fix.map.both"))]
    if not found:
        return None, [Problem.of("quarters.geojson", text("map.missing"), text("fix.map.missing", export=_EXPORT_FIX))]
    return found[0], []


def _as_id(values: pd.Series) -> pd.Series:
    """Ids as stripped NFC text; whole numbers stored as numbers lose no digits ('7', not '7.0')."""

    def one(value: object) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = unicodedata.normalize("NFC", str(value)).strip()
        return text or None

    return values.map(one).astype(object)


def _text_problems(frame: gpd.GeoDataFrame, numbers: np.ndarray, file: str) -> list[Problem]:
    """quarter_id and name not too long, quarter_id not starting like a formula (= + - @)."""
    problems = []
    for column, limit in (("quarter_id", MAX_ID_LENGTH), ("name", MAX_TEXT_LENGTH)):
        values = frame[column]
        lengths = values.str.len()
        long = (lengths > limit).fillna(False).to_numpy(dtype=bool)
        for number, value, n in zip(numbers[long], values[long], lengths[long], strict=True):
            problems.append(
                Problem.of(
                    file,
                    text("table.too_long", value=value[:40] + "…", n=int(n), limit=limit),
                    text("fix.table.too_long", limit=limit),
                    column=column,
                )
            )
            frame.loc[frame.index[number - 1], column] = None
    ids = frame["quarter_id"]
    formula = ids.str.startswith(FORMULA_START).fillna(False).to_numpy(dtype=bool)
    for value in ids[formula]:
        problems.append(
            Problem.of(
                file,
                text("table.id_formula", value=value, char=value[:1]),
                text("fix.table.id_formula"),
                column="quarter_id",
            )
        )
    return problems


def _feature(number: int, quarter_id: object) -> Text:
    if isinstance(quarter_id, str):
        return text("word.feature_id", number=number, quarter_id=quarter_id)
    return text("word.feature", number=number)


def _read(path: Path) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    file = path.name
    data, problems = read_input(path, file)
    if data is None:
        return None, problems
    if path.suffix == ".geojson":
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            return None, [Problem.of(file, text("map.not_utf8", line=line), text("fix.map.utf8", export=_EXPORT_FIX))]
    try:
        layers = pyogrio.list_layers(path)
        layer = None
        if len(layers) > 1:
            names = [str(name) for name in layers[:, 0]]
            if "quarters" not in names:
                return None, [Problem.of(file, text("map.layers", names=", ".join(names)), text("fix.map.layers"))]
            layer = "quarters"
        with warnings.catch_warnings():  # GDAL's own notes (e.g. "Non closed ring detected") are reworded below
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as error:  # any reader failure becomes a planner message
        unclosed = _unclosed_rings(data, file) if path.suffix == ".geojson" else []
        if unclosed:
            return None, unclosed
        reason = (str(error).splitlines() or [type(error).__name__])[0][:200]
        return None, [
            Problem.of(file, text("map.unreadable", error=reason), text("fix.map.unreadable", export=_EXPORT_FIX))
        ]
    return frame, []


def _rings(geometry: object) -> list[object]:
    """The rings of a GeoJSON Polygon or MultiPolygon geometry (anything else: none)."""
    if not isinstance(geometry, dict):
        return []
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list):
        return []
    if geometry.get("type") == "Polygon":
        return list(coordinates)
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in coordinates if isinstance(polygon, list) for ring in polygon]
    return []


def _unclosed_rings(data: bytes, file: str) -> list[Problem]:
    """Features of a GeoJSON file with a ring whose last point is not its first, named by number
    and quarter_id (the map reader stops at the first one and names neither). Only read when the
    map could not be read, so the loop over features costs nothing on valid maps."""
    try:
        features = json.loads(data.decode("utf-8-sig")).get("features", [])
    except (ValueError, RecursionError, AttributeError):
        return []
    problems = []
    for number, feature in enumerate(features if isinstance(features, list) else [], start=1):
        if not isinstance(feature, dict):
            continue
        rings = _rings(feature.get("geometry"))
        if any(isinstance(ring, list) and len(ring) > 0 and ring[0] != ring[-1] for ring in rings):
            properties = feature.get("properties")
            quarter_id = properties.get("quarter_id") if isinstance(properties, dict) else None
            quarter_id = str(quarter_id) if quarter_id is not None else None
            problems.append(
                Problem.of(
                    file,
                    text("map.unclosed_ring", feature=_feature(number, quarter_id)),
                    text("fix.map.unclosed_ring"),
                    column="geometry",
                )
            )
    return problems


def _present(geometry: gpd.GeoSeries) -> pd.Series:
    """True where a feature has a non-empty geometry."""
    values = geometry.to_numpy()
    return pd.Series(~shapely.is_missing(values) & ~shapely.is_empty(values), index=geometry.index)


def _check_crs(frame: gpd.GeoDataFrame, file: str) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """The quarters in EPSG:4326, or the problem with their coordinate system."""
    valid = frame.geometry[_present(frame.geometry)]
    if frame.crs is None:
        return None, [Problem.of(file, text("map.no_crs"), text("fix.map.no_crs", export=_EXPORT_FIX))]
    if valid.empty:
        return None, []
    x0, y0, x1, y1 = valid.total_bounds
    if frame.crs.is_geographic and (min(x0, y0) < -180 or max(x1, y1) > 180):
        return None, [
            Problem.of(
                file,
                text("map.metres_as_degrees", x=f"{x1:,.0f}", y=f"{y1:,.0f}"),
                text("fix.map.export_with_crs", export=_EXPORT_FIX),
            )
        ]
    lonlat = frame.to_crs(WGS84)
    lon0, lat0, lon1, lat1 = lonlat.geometry[_present(lonlat.geometry)].total_bounds
    inside = VIETNAM_LON[0] <= lon0 and lon1 <= VIETNAM_LON[1] and VIETNAM_LAT[0] <= lat0 and lat1 <= VIETNAM_LAT[1]
    if not inside:
        swapped = (
            VIETNAM_LAT[0] <= lon0 and lon1 <= VIETNAM_LAT[1] and VIETNAM_LON[0] <= lat0 and lat1 <= VIETNAM_LON[1]
        )
        why = text("map.why_swapped") if swapped else text("map.why_crs", crs=frame.crs.to_string())
        return None, [
            Problem.of(
                file,
                text(
                    "map.outside_vn",
                    lon0=f"{lon0:.3f}",
                    lon1=f"{lon1:.3f}",
                    lat0=f"{lat0:.3f}",
                    lat1=f"{lat1:.3f}",
                    why=why,
                ),
                text("fix.map.assign_crs", export=_EXPORT_FIX),
            )
        ]
    return lonlat, []


def _geometry_problems(frame: gpd.GeoDataFrame, file: str) -> list[Problem]:
    problems: list[Problem] = []
    geometry = frame.geometry
    numbers = np.arange(1, len(frame) + 1)
    missing = ~_present(geometry)
    for number, quarter_id in zip(numbers[missing.to_numpy()], frame["quarter_id"][missing], strict=True):
        problems.append(
            Problem.of(
                file,
                text("map.empty_geometry", feature=_feature(number, quarter_id)),
                text("fix.map.empty_geometry"),
                column="geometry",
            )
        )
    kinds = geometry.geom_type
    wrong = ~missing & ~kinds.isin(["Polygon", "MultiPolygon"])
    for number, quarter_id, kind in zip(
        numbers[wrong.to_numpy()], frame["quarter_id"][wrong], kinds[wrong], strict=True
    ):
        problems.append(
            Problem.of(
                file,
                text(
                    "map.not_polygon",
                    feature=_feature(number, quarter_id),
                    kind=Text(GEOMETRY_KINDS.get(kind, kind), kind),
                ),
                text("fix.map.not_polygon"),
                column="geometry",
            )
        )
    polygons = ~missing & ~wrong
    invalid = polygons & ~geometry.is_valid
    reasons = shapely.is_valid_reason(geometry[invalid].to_numpy())
    for number, quarter_id, reason in zip(
        numbers[invalid.to_numpy()], frame["quarter_id"][invalid], reasons, strict=True
    ):
        problems.append(
            Problem.of(
                file,
                text("map.invalid", feature=_feature(number, quarter_id), reason=reason),
                text("fix.map.invalid"),
                column="geometry",
            )
        )
    return problems


def _overlap_problems(frame: gpd.GeoDataFrame, crs: str, file: str) -> list[Problem]:
    """Pairs of quarters covering the same ground (more than OVERLAP_SHARE of the smaller one)."""
    projected = frame.to_crs(crs).reset_index(drop=True)
    left, right = projected.sindex.query(projected.geometry, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    if len(left) == 0:
        return []
    shared = shapely.area(
        shapely.intersection(projected.geometry.to_numpy()[left], projected.geometry.to_numpy()[right])
    )
    areas = projected.geometry.area.to_numpy()
    smaller = np.minimum(areas[left], areas[right])
    big = shared > OVERLAP_SHARE * smaller
    ids = projected["quarter_id"].to_numpy()
    return [
        Problem.of(
            file,
            text(
                "map.overlap", a=ids[a], fa=a + 1, b=ids[b], fb=b + 1, area=f"{area:,.0f}", share=f"{area / small:.0%}"
            ),
            text("fix.map.overlap"),
            column="geometry",
        )
        for a, b, area, small in zip(left[big], right[big], shared[big], smaller[big], strict=True)
    ]


def read_quarters(
    folder: Path, crs: str | None, path: Path | None = None
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """The quarters (quarter_id, name, geometry) in EPSG:4326, or None and the problems.

    `crs` (the ward's projected CRS, when valid) is used to measure overlaps in square metres.
    `path`: read this layer instead of the folder's quarters.geojson / quarters.gpkg.
    """
    problems: list[Problem] = []
    if path is None:
        path, problems = quarters_file(folder)
    if path is None:
        return None, problems
    file = path.name
    frame, problems = _read(path)
    if frame is None:
        return None, problems
    frame = frame.rename(columns={c: c.strip().lower() for c in frame.columns if c != frame.geometry.name})
    for column in ("quarter_id", "name"):
        if column not in frame.columns:
            present = ", ".join(c for c in frame.columns if c != frame.geometry.name) or text("word.no_attributes")
            problems.append(
                Problem.of(
                    file,
                    text("map.missing_attribute", column=column, present=present),
                    text("fix.map.missing_attribute", column=column),
                    column=column,
                )
            )
    if problems:
        return None, problems
    if frame.empty:
        return None, [Problem.of(file, text("map.no_features"), text("fix.map.no_features"))]
    frame["quarter_id"] = _as_id(frame["quarter_id"])
    frame["name"] = _as_id(frame["name"])
    numbers = np.arange(1, len(frame) + 1)
    for column in ("quarter_id", "name"):
        blank = frame[column].isna().to_numpy()
        for number, quarter_id in zip(numbers[blank], frame["quarter_id"][blank], strict=True):
            problems.append(
                Problem.of(
                    file,
                    text("map.blank_attribute", feature=_feature(number, quarter_id), column=column),
                    text("fix.map.blank_attribute", column=column),
                    column=column,
                )
            )
    problems += _text_problems(frame, numbers, file)
    repeated = frame["quarter_id"].notna() & frame["quarter_id"].duplicated(keep=False)
    for quarter_id, group in frame[repeated].groupby("quarter_id", sort=False):
        features = ", ".join(str(n) for n in numbers[group.index.to_numpy()])
        problems.append(
            Problem.of(
                file,
                text("map.duplicate_id", quarter_id=quarter_id, features=features),
                text("fix.map.duplicate_id"),
                column="quarter_id",
            )
        )
    same_name = frame["name"].notna() & frame["name"].duplicated(keep=False)
    for name, group in frame[same_name].groupby("name", sort=False):
        features = ", ".join(str(n) for n in numbers[group.index.to_numpy()])
        problems.append(
            Problem.of(
                file,
                text("map.duplicate_name", name=name, features=features),
                text("fix.map.duplicate_name"),
                column="name",
            )
        )
    problems += _geometry_problems(frame, file)
    lonlat, found = _check_crs(frame, file)
    problems += found
    if lonlat is not None and crs is not None and not problems:
        problems += _overlap_problems(lonlat, crs, file)
    if problems or lonlat is None:
        return None, problems
    quarters = gpd.GeoDataFrame(
        lonlat[["quarter_id", "name"]].reset_index(drop=True),
        geometry=lonlat.geometry.reset_index(drop=True),
        crs=WGS84,
    )
    quarters["quarter_id"] = quarters["quarter_id"].astype(object)
    quarters["name"] = quarters["name"].astype(object)
    return quarters, []
