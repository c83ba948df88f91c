"""The commune's outline: one of the real boundaries shipped in data/boundaries (by code), or a file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely

from tuyensinh.ward.errors import Problem
from tuyensinh.ward.quarters import WGS84
from tuyensinh.words.start import text

__all__ = ["Boundary", "BOUNDARIES", "find_boundary", "projected_crs"]

#: The real outlines shipped with the project (docs: data/README.md, credit there).
BOUNDARIES = Path(__file__).resolve().parents[3] / "data" / "boundaries"


@dataclass(frozen=True)
class Boundary:
    """A ward's or commune's outline (EPSG:4326) and what its file says of it."""

    code: str
    name: str
    kind: str  # phường | xã | đặc khu ("" when the file does not say)
    outline: shapely.Geometry


def _kind(full_name: str) -> str:
    for kind in ("phường", "xã", "đặc khu"):
        if full_name.lower().startswith(kind):
            return kind
    return ""


def _from_frame(frame: gpd.GeoDataFrame, row: int = 0) -> Boundary:
    record = frame.iloc[row]
    full = str(record.get("fullName", "") or "")
    return Boundary(
        code=str(record.get("code", "") or ""),
        name=str(record.get("name", "") or ""),
        kind=_kind(full),
        outline=shapely.make_valid(frame.to_crs(WGS84).geometry.iloc[row]),
    )


def find_boundary(spec: str) -> tuple[Boundary | None, list[Problem]]:
    """The outline named by `spec`: a file path, or an administrative code found in data/boundaries."""
    path = Path(spec)
    if path.suffix.lower() in (".geojson", ".json", ".gpkg", ".shp") or path.is_file():
        try:
            frame = gpd.read_file(path)
        except Exception as error:
            reason = (str(error).splitlines() or [type(error).__name__])[0][:200]
            return None, [
                Problem.of(path.name, text("boundary.unreadable", reason=reason), text("fix.boundary.unreadable"))
            ]
        frame = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
        if frame.empty:
            return None, [Problem.of(path.name, text("boundary.not_polygon"), text("fix.boundary.unreadable"))]
        if frame.crs is None:
            frame = frame.set_crs(WGS84)
        dissolved = frame.dissolve() if len(frame) > 1 else frame
        return _from_frame(dissolved), []
    code = spec.strip()
    for file in sorted(BOUNDARIES.glob("*.geojson")):
        frame = gpd.read_file(file)
        if "code" not in frame.columns:
            continue
        hits = frame.index[frame["code"].astype(str) == code]
        if len(hits):
            return _from_frame(frame.loc[hits].reset_index(drop=True)), []
    return None, [Problem.of("--boundary", text("boundary.unknown_code", code=code), text("fix.boundary.unknown_code"))]


def projected_crs(outline: shapely.Geometry) -> str:
    """VN-2000 / UTM zone 48N (EPSG:3405) west of 108°E, zone 49N (EPSG:3406) east of it."""
    return "EPSG:3406" if shapely.centroid(outline).x > 108.0 else "EPSG:3405"
