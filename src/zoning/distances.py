"""Home-to-school distances: from `distances.csv` when the ward has one, else straight lines.

Straight-line distances are measured in a projected CRS (metres) from each quarter's centre to
each school and multiplied by a detour factor that turns a straight line into a walking route.
The default factor 1.3 is the usual ratio of network to Euclidean distance in dense street grids
(reported between 1.2 and 1.4 for urban areas); a ward with real route distances should supply
`distances.csv` instead.

Only the *candidate pairs* are measured, found with a spatial index (`scipy.spatial.cKDTree`):
for every quarter the `CANDIDATE_NEAREST` nearest schools of each level, and every school of
the level within its walking-distance norm (the longest of capacity's norm table for the
level). A ward with at most that many schools per level gets the full table, as before; a
city of 20,000 quarters × 1,700 schools gets about 25 pairs per quarter instead of 1,700 —
memory and time grow with the quarters, not with quarters × schools.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

__all__ = [
    "DETOUR_FACTOR",
    "quarter_centres",
    "school_points",
    "quarter_school_distances",
    "distance_matrix",
    "distance_links",
    "fill_missing_distances",
    "candidate_pairs_xy",
    "CANDIDATE_NEAREST",
]

DETOUR_FACTOR = 1.3
"""Walking route length per metre of straight line (dimensionless) for computed distances."""
CANDIDATE_NEAREST = 20
"""Schools of each level measured per quarter (the model keeps at most 10 of them at city
scale, `zoning.assign.AUTO_K_NEAREST`; the rest leave room for distances.csv overrides and
the maximum distance)."""


@functools.lru_cache(maxsize=8)
def _norm_radius(level: str) -> float | None:
    """The longest walking-distance norm (metres) of `level` in capacity's norm table."""
    from capacity import load_norms

    norms = load_norms()
    radii = []
    for setting in ("urban", "rural", "mountain"):
        try:
            radii.append(float(norms.walking_distance(level, setting)))
        except (KeyError, LookupError, ValueError):
            continue
    return max(radii) if radii else None


def candidate_pairs_xy(
    quarter_xy: np.ndarray,
    school_xy: np.ndarray,
    *,
    nearest: int,
    within: float | None,
) -> np.ndarray:
    """(quarter, school) positions of the candidate pairs, sorted by quarter then school: each
    quarter's `nearest` schools and every school within `within` (same units as the points),
    from k-d trees (never a quarters × schools array)."""
    n, m = len(quarter_xy), len(school_xy)
    if n == 0 or m == 0:
        return np.zeros((0, 2), dtype=np.int64)
    schools = cKDTree(school_xy)
    k = min(int(nearest), m)
    _, near = schools.query(quarter_xy, k=k)
    near = np.asarray(near, dtype=np.int64).reshape(n, k)
    keys = [np.repeat(np.arange(n, dtype=np.int64), k) * m + near.ravel()]
    if within is not None and within > 0 and k < m:
        close = cKDTree(quarter_xy).sparse_distance_matrix(schools, float(within), output_type="ndarray")
        keys.append(close["i"].astype(np.int64) * m + close["j"].astype(np.int64))
    unique = np.unique(np.concatenate(keys))
    return np.stack([unique // m, unique % m], axis=1)


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
    nearest: int | None = CANDIDATE_NEAREST,
    within: float | Mapping[str, float] | None = None,
    include: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Distances in metres from quarter centres to schools: straight line × `detour`, for the
    candidate pairs only.

    Returns the `distances` table (`quarter_id, school_id, metres`), sorted as the quarters and
    then the schools are given: for each quarter its `nearest` schools of each level (schools'
    `level` column; all schools as one level without it) and every school of the level within
    `within` route metres (a number, or one per level; default: the longest walking-distance
    norm of the level in capacity's norm table). `nearest=None` measures every pair (the full
    quarters × schools table; small wards only). `include`: further (`quarter_id, school_id`)
    pairs to measure, e.g. the current zones. `crs` is the projected CRS used for measuring
    (the ward's, e.g. EPSG:3405); by default the quarters' own CRS when projected, else the
    local UTM zone.
    """
    if not detour >= 1.0:
        raise ValueError(
            f"the detour factor must be at least 1 (a route is never shorter than the straight line); got {detour}"
        )
    if nearest is not None and nearest < 1:
        raise ValueError(f"nearest must be at least 1 school per quarter; got {nearest}")
    centres = quarter_centres(quarters, crs)
    sites = school_points(schools, centres.crs)
    qxy = np.stack([shapely.get_x(centres.geometry.values), shapely.get_y(centres.geometry.values)], axis=1)
    sxy = np.stack([shapely.get_x(sites.geometry.values), shapely.get_y(sites.geometry.values)], axis=1)
    n, m = len(qxy), len(sxy)
    school_ids = sites["school_id"].astype(str).to_numpy()
    levels = sites["level"].astype(str).to_numpy() if "level" in sites.columns else np.full(m, "")
    keys = []
    for level in np.unique(levels):
        members = np.flatnonzero(levels == level)
        if nearest is None:
            pairs = np.stack([np.repeat(np.arange(n), len(members)), np.tile(np.arange(len(members)), n)], axis=1)
        else:
            radius = within.get(level) if isinstance(within, Mapping) else within
            if radius is None and not isinstance(within, Mapping) and level:
                radius = _norm_radius(level) if level in _known_levels() else None
            pairs = candidate_pairs_xy(
                qxy, sxy[members], nearest=nearest, within=None if radius is None else float(radius) / detour
            )
        keys.append(pairs[:, 0].astype(np.int64) * m + members[pairs[:, 1]])
    if include is not None and len(include):
        qi = pd.Index(centres["quarter_id"].to_numpy()).get_indexer(include["quarter_id"].astype(str))
        si = pd.Index(school_ids).get_indexer(include["school_id"].astype(str))
        ok = (qi >= 0) & (si >= 0)
        keys.append(qi[ok].astype(np.int64) * m + si[ok])
    unique = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    qi, si = unique // m, unique % m
    metres = np.hypot(qxy[qi, 0] - sxy[si, 0], qxy[qi, 1] - sxy[si, 1]) * detour
    return pd.DataFrame(
        {
            "quarter_id": centres["quarter_id"].to_numpy()[qi],
            "school_id": school_ids[si],
            "metres": metres,
        }
    )


def _known_levels() -> tuple[str, ...]:
    from capacity.grades import LEVEL_GRADES

    return tuple(LEVEL_GRADES)


def distance_matrix(distances: pd.DataFrame, quarter_ids: np.ndarray, school_ids: np.ndarray) -> np.ndarray:
    """The quarters × schools matrix of metres from a `distances` table; NaN where a pair is absent.

    Raises ValueError naming the rows when a distance is negative or not a number, or when a
    quarter × school pair appears twice. Dense (n × m floats): the engine uses `distance_links`.
    """
    qi, si, metres = distance_links(distances, quarter_ids, school_ids)
    matrix = np.full((len(quarter_ids), len(school_ids)), np.nan)
    matrix[qi, si] = metres
    return matrix


def distance_links(
    distances: pd.DataFrame, quarter_ids: np.ndarray, school_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of a `distances` table as (quarter position, school position, metres) arrays,
    sorted by quarter then school; rows naming other quarters or schools are left out.

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
    qi, si = qi[keep].astype(np.int64), si[keep].astype(np.int64)
    metres = table["metres"].to_numpy(dtype=float)[keep]
    order = np.lexsort((si, qi))
    return qi[order], si[order], metres[order]


def fill_missing_distances(given: pd.DataFrame | None, computed: pd.DataFrame) -> pd.DataFrame:
    """The `computed` table with every pair found in `given` replaced by the given metres, and
    the given pairs of its quarters and schools that it does not list added.

    Use it to let a partial `distances.csv` (measured routes for some pairs) override the
    straight-line estimates; the result has a `source` column: "given" or "computed". Computed
    tables list candidate pairs only (`quarter_school_distances`), so a given route to a school
    beyond them is added, never dropped.
    """
    out = computed.assign(
        quarter_id=computed["quarter_id"].astype(str),
        school_id=computed["school_id"].astype(str),
        source="computed",
    )
    if given is None or given.empty:
        return out
    distance_matrix(given, out["quarter_id"].unique(), out["school_id"].unique())  # validates
    given = given.assign(quarter_id=given["quarter_id"].astype(str), school_id=given["school_id"].astype(str))
    merged = out.merge(
        given[["quarter_id", "school_id", "metres"]],
        how="left",
        on=["quarter_id", "school_id"],
        suffixes=("", "_given"),
    )
    has = merged["metres_given"].notna().to_numpy()
    merged["metres"] = np.where(has, merged["metres_given"], merged["metres"])
    merged["source"] = np.where(has, "given", "computed")
    merged = merged.drop(columns="metres_given")
    known = given["quarter_id"].isin(out["quarter_id"].unique()) & given["school_id"].isin(out["school_id"].unique())
    extra = given[known].merge(
        out[["quarter_id", "school_id"]], how="left", on=["quarter_id", "school_id"], indicator=True
    )
    extra = extra[extra["_merge"] == "left_only"]
    if extra.empty:
        return merged
    added = pd.DataFrame(
        {
            "quarter_id": extra["quarter_id"].to_numpy(),
            "school_id": extra["school_id"].to_numpy(),
            "metres": pd.to_numeric(extra["metres"]).to_numpy(dtype=float),
            "source": "given",
        }
    )
    return pd.concat([merged, added], ignore_index=True)


def _require_columns(frame: pd.DataFrame, columns: list[str], table: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{table}: missing column(s) {', '.join(missing)}; the table has {', '.join(map(str, frame.columns))}"
        )
