"""Where things are: the real outline, its seeded tessellation into quarters, and distances.

Quarters are a Voronoi tessellation of seeded settlement points in the ward's projected CRS,
clipped to the real outline: a dense town core with a sparse ring (urban) or clusters strung
along valleys plus a few upland hamlets (mountain). Distances are in metres.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, shape

from tuyensinh.samples.spec import WardSpec


def to_projected(crs: str) -> Transformer:
    """WGS84 lon/lat → the ward's projected CRS (metres)."""
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def _to_wgs84(crs: str) -> Transformer:
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _transform(geom, transformer: Transformer):  # shapely geometry
    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def project(crs: str, lon, lat) -> np.ndarray:  # array-likes of degrees
    """Points (n, 2) in metres of `crs` from WGS84 longitudes and latitudes."""
    return np.column_stack(to_projected(crs).transform(lon, lat))


def pairwise_metres(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Straight-line metres between every point of `a` (n, 2) and of `b` (m, 2) — (n, m)."""
    return np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])


def read_boundary(path: Path):  # shapely geometry (EPSG:4326)
    """The ward outline (one feature, EPSG:4326) from a boundary GeoJSON file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    geoms = [shape(f["geometry"]) for f in data["features"]]
    return shapely.union_all(geoms)


# ---------------------------------------------------------------------------------------------
# Quarters: seeded settlement points, Voronoi in the projected CRS, clipped to the outline
# ---------------------------------------------------------------------------------------------
def _greedy_spaced(candidates: np.ndarray, n: int, spacing: float, taken: np.ndarray) -> np.ndarray:
    """Pick up to n candidate points in order, each at least `spacing` metres from all picked."""
    picked = list(taken)
    chosen = []
    for point in candidates:
        if picked and np.min(np.hypot(*(np.asarray(picked) - point).T)) < spacing:
            continue
        picked.append(point)
        chosen.append(point)
        if len(chosen) == n:
            break
    return np.asarray(chosen).reshape(-1, 2)


def _inside(boundary, xy: np.ndarray) -> np.ndarray:
    return xy[shapely.contains_xy(boundary, xy[:, 0], xy[:, 1])]


def seed_points(spec: WardSpec, boundary_m, rng: np.random.Generator) -> np.ndarray:
    """Settlement points (metres) for the quarters: a dense town core or valley clusters."""
    n = len(spec.quarter_ids)
    minx, miny, maxx, maxy = boundary_m.bounds
    fwd = to_projected(spec.crs)
    no_points = np.empty((0, 2))
    if spec.core is not None:
        cx, cy = fwd.transform(*spec.core)
        n_core = round(0.6 * n)
        core = _inside(boundary_m, rng.normal([cx, cy], 1300.0, size=(4000, 2)))
        core_pts = _greedy_spaced(core, n_core, 550.0, no_points)
        spread = _inside(boundary_m, rng.uniform([minx, miny], [maxx, maxy], size=(4000, 2)))
        rest = _greedy_spaced(spread, n - len(core_pts), 1900.0, core_pts)
        points = np.vstack([core_pts, rest])
        order = np.argsort(np.hypot(points[:, 0] - cx, points[:, 1] - cy), kind="stable")
    else:
        lines = [shapely.LineString(np.column_stack(fwd.transform(*np.asarray(v).T))) for v in spec.valleys]
        valley = shapely.MultiLineString(lines)
        lengths = np.array([ln.length for ln in lines])
        which = rng.choice(len(lines), size=3000, p=lengths / lengths.sum())
        along = rng.uniform(0.0, 1.0, size=3000)
        base = shapely.get_coordinates(
            shapely.line_interpolate_point(np.asarray(lines, dtype=object)[which], along, normalized=True)
        )
        near = _inside(boundary_m, base + rng.normal(0.0, 550.0, size=base.shape))
        valley_pts = _greedy_spaced(near, n - 3, 1500.0, no_points)
        upland = _inside(boundary_m, rng.uniform([minx, miny], [maxx, maxy], size=(3000, 2)))
        far = upland[shapely.distance(valley, shapely.points(upland)) > 2000.0]
        rest = _greedy_spaced(far, n - len(valley_pts), 2600.0, valley_pts)
        points = np.vstack([valley_pts, rest])
        order = np.argsort(points[:, 0], kind="stable")  # numbered west to east
    if len(points) != n:
        raise RuntimeError(f"{spec.slug}: placed {len(points)} settlement points, need {n}")
    return points[order]


def _merge_fragments(cells: list) -> list:
    """Give detached fragments of a clipped cell to the neighbour sharing the longest border."""
    mains, orphans = [], []
    for i, cell in enumerate(cells):
        parts = sorted(getattr(cell, "geoms", [cell]), key=lambda p: -p.area)
        mains.append(parts[0])
        orphans += [(i, p) for p in parts[1:]]
    extra: dict[int, list] = {}
    for own, piece in orphans:
        shared = [(mains[j].boundary.intersection(piece.boundary).length, j) for j in range(len(mains)) if j != own]
        length, best = max(shared)
        extra.setdefault(best if length > 0 else own, []).append(piece)
    return [shapely.union_all([mains[i], *extra[i]]) if i in extra else mains[i] for i in range(len(cells))]


def _polygonal(geom):
    """Keep only the polygonal parts of a geometry (set_precision may leave stray lines)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in getattr(p, "geoms", [p])]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def tessellate(spec: WardSpec, boundary_ll, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """Quarter polygons (EPSG:4326) tiling the outline, and their settlement points (metres)."""
    fwd, back = to_projected(spec.crs), _to_wgs84(spec.crs)
    boundary_m = _transform(boundary_ll, fwd)
    points = seed_points(spec, boundary_m, rng)
    envelope = shapely.buffer(shapely.envelope(boundary_m), 5000.0)
    cells_m = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope, ordered=True)
    cells_ll = [_transform(c, back) for c in shapely.get_parts(cells_m)]
    clipped = [shapely.intersection(c, boundary_ll) for c in cells_ll]
    merged = _merge_fragments(clipped)
    rounded = [shapely.make_valid(shapely.set_precision(g, 1e-6)) for g in merged]
    return [_polygonal(g) for g in rounded], points


def quarter_centres(spec: WardSpec, polygons: list) -> np.ndarray:
    """Centre of each quarter (metres, (Q, 2)): its centroid, or a point inside if that falls out."""
    centres_ll = [p.centroid if p.contains(p.centroid) else p.representative_point() for p in polygons]
    return project(spec.crs, [c.x for c in centres_ll], [c.y for c in centres_ll])


# ---------------------------------------------------------------------------------------------
# Schools and distances
# ---------------------------------------------------------------------------------------------
def school_xy(spec: WardSpec) -> np.ndarray:
    """School sites in metres of the ward's CRS — (S, 2), in `spec.schools` order."""
    return project(spec.crs, np.array([s.lon for s in spec.schools]), np.array([s.lat for s in spec.schools]))


def road_distances(spec: WardSpec, centres: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic road metres: straight line from the quarter centroid × a seeded detour factor."""
    straight = pairwise_metres(centres, school_xy(spec))
    low, high = spec.detour_range
    detour = rng.uniform(low, high, size=straight.shape)
    metres = np.round(np.maximum(straight, 100.0) * detour, -1).astype(int)
    q, s = np.meshgrid(spec.quarter_ids, [x.school_id for x in spec.schools], indexing="ij")
    return pd.DataFrame({"quarter_id": q.ravel(), "school_id": s.ravel(), "metres": metres.ravel()})
