"""Home-to-school distances: from `distances.csv` when the ward has one, else straight lines.

Straight-line distances are measured in a projected CRS (metres) from each quarter's centre to
each school and multiplied by a detour factor that turns a straight line into a walking route.
The default factor 1.3 is the usual ratio of network to Euclidean distance in dense street grids
(reported between 1.2 and 1.4 for urban areas); a ward with real route distances should supply
`distances.csv` instead.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = [
    "DETOUR_FACTOR",
    "quarter_centres",
    "school_points",
    "quarter_school_distances",
    "distance_matrix",
    "fill_missing_distances",
]

DETOUR_FACTOR = 1.3
"""Walking route length per metre of straight line (dimensionless) for computed distances."""


def _projected_crs(frame: gpd.GeoDataFrame, crs: object | None) -> object:
    if crs is not None:
        return crs
    if frame.crs is None:
        raise ValueError(
            "the quarters have no coordinate reference system: set the CRS of quarters.geojson "
            "(EPSG:4326 for longitude/latitude) or pass crs='EPSG:3405'"
        )
    if frame.crs.is_projected:
        return frame.crs
    return frame.estimate_utm_crs()


def quarter_centres(quarters: gpd.GeoDataFrame, crs: object | None = None) -> gpd.GeoDataFrame:
    """One point per quarter, in the projected CRS `crs` (metres).

    The polygon centroid when it lies inside the quarter, else a representative point inside
    it (crescent-shaped quarters), so a quarter is never measured from outside itself.
    """
    _require_columns(quarters, ["quarter_id", "geometry"], "quarters")
    projected = quarters.to_crs(_projected_crs(quarters, crs))
    geoms = projected.geometry.values
    centroids = shapely.centroid(geoms)
    inside = shapely.contains(geoms, centroids)
    points = np.where(inside, centroids, shapely.point_on_surface(geoms))
    return gpd.GeoDataFrame(
        {"quarter_id": projected["quarter_id"].astype(str).to_numpy()},
        geometry=gpd.GeoSeries(points, crs=projected.crs).values,
        crs=projected.crs,
    )


def school_points(schools: pd.DataFrame, crs: object) -> gpd.GeoDataFrame:
    """The schools as points in `crs`, from a GeoDataFrame or from `lon`/`lat` columns (WGS 84)."""
    if isinstance(schools, gpd.GeoDataFrame) and schools.geometry is not None and schools.crs:
        return schools.to_crs(crs)
    _require_columns(schools, ["school_id", "lon", "lat"], "schools")
    points = gpd.points_from_xy(schools["lon"], schools["lat"], crs="EPSG:4326")
    return gpd.GeoDataFrame(schools.copy(), geometry=points).to_crs(crs)


def quarter_school_distances(
    quarters: gpd.GeoDataFrame,
    schools: pd.DataFrame,
    *,
    crs: object | None = None,
    detour: float = DETOUR_FACTOR,
) -> pd.DataFrame:
    """Distances in metres from every quarter centre to every school: straight line × `detour`.

    Returns the `distances` table (`quarter_id, school_id, metres`), quarters × schools in the
    order given. `crs` is the projected CRS used for measuring (the ward's, e.g. EPSG:3405);
    by default the quarters' own CRS when projected, else the local UTM zone.
    """
    if not detour >= 1.0:
        raise ValueError(f"the detour factor must be at least 1 (a route is never shorter than "
                         f"the straight line); got {detour}")
    centres = quarter_centres(quarters, crs)
    sites = school_points(schools, centres.crs)
    qx, qy = shapely.get_x(centres.geometry.values), shapely.get_y(centres.geometry.values)
    sx, sy = shapely.get_x(sites.geometry.values), shapely.get_y(sites.geometry.values)
    metres = np.hypot(qx[:, None] - sx[None, :], qy[:, None] - sy[None, :]) * detour
    n, m = metres.shape
    return pd.DataFrame({
        "quarter_id": np.repeat(centres["quarter_id"].to_numpy(), m),
        "school_id": np.tile(sites["school_id"].astype(str).to_numpy(), n),
        "metres": metres.ravel(),
    })


def distance_matrix(
    distances: pd.DataFrame, quarter_ids: np.ndarray, school_ids: np.ndarray
) -> np.ndarray:
    """The quarters × schools matrix of metres from a `distances` table; NaN where a pair is absent.

    Raises ValueError naming the rows when a distance is negative or not a number, or when a
    quarter × school pair appears twice.
    """
    _require_columns(distances, ["quarter_id", "school_id", "metres"], "distances")
    table = distances.assign(
        quarter_id=distances["quarter_id"].astype(str),
        school_id=distances["school_id"].astype(str),
        metres=pd.to_numeric(distances["metres"], errors="coerce"),
    )
    bad = table.index[~(table["metres"] >= 0)]
    if len(bad):
        rows = ", ".join(str(int(r) + 2) for r in bad[:10])
        raise ValueError(
            f"distances: column 'metres' must be a number ≥ 0; rows {rows} are not "
            "(row 1 is the header). Fix: write the walking distance in metres"
        )
    duplicated = table.duplicated(["quarter_id", "school_id"], keep=False)
    if duplicated.any():
        first = table[duplicated].iloc[0]
        raise ValueError(
            f"distances: quarter {first['quarter_id']} to school {first['school_id']} is given "
            f"{int(duplicated.sum())} times. Fix: keep one row per quarter and school"
        )
    q_index = pd.Index(np.asarray(quarter_ids, dtype=str))
    s_index = pd.Index(np.asarray(school_ids, dtype=str))
    qi = q_index.get_indexer(table["quarter_id"])
    si = s_index.get_indexer(table["school_id"])
    keep = (qi >= 0) & (si >= 0)
    matrix = np.full((len(q_index), len(s_index)), np.nan)
    matrix[qi[keep], si[keep]] = table["metres"].to_numpy()[keep]
    return matrix


def fill_missing_distances(given: pd.DataFrame | None, computed: pd.DataFrame) -> pd.DataFrame:
    """The `computed` table with every pair found in `given` replaced by the given metres.

    Use it to let a partial `distances.csv` (measured routes for some pairs) override the
    straight-line estimates; the result has a `source` column: "given" or "computed".
    """
    out = computed.assign(
        quarter_id=computed["quarter_id"].astype(str),
        school_id=computed["school_id"].astype(str),
        source="computed",
    )
    if given is None or given.empty:
        return out
    distance_matrix(given, out["quarter_id"].unique(), out["school_id"].unique())  # validates
    given = given.assign(quarter_id=given["quarter_id"].astype(str),
                         school_id=given["school_id"].astype(str))
    merged = out.merge(given[["quarter_id", "school_id", "metres"]], how="left",
                       on=["quarter_id", "school_id"], suffixes=("", "_given"))
    has = merged["metres_given"].notna().to_numpy()
    merged["metres"] = np.where(has, merged["metres_given"], merged["metres"])
    merged["source"] = np.where(has, "given", "computed")
    return merged.drop(columns="metres_given")


def _require_columns(frame: pd.DataFrame, columns: list[str], table: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{table}: missing column(s) {', '.join(missing)}; "
                         f"the table has {', '.join(map(str, frame.columns))}")
