"""Quarter adjacency and contiguous school zones.

Two quarters are neighbours when they share a stretch of boundary (touching at a single corner
does not count). A zone is contiguous when its quarters form one connected piece of that
neighbour graph. The model enforces contiguity with the rule of Gillani et al. (2023): a quarter
may go to school j only if one of its neighbours that is strictly closer to j goes to j too,
unless it is j's anchor quarter (the quarter nearest to the school's site). Following ever-closer
neighbours from any quarter of the zone ends at the anchor, so every zone is connected.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components

__all__ = ["quarter_adjacency", "zone_pieces", "is_contiguous", "closer_neighbour_pairs"]


def quarter_adjacency(
    quarters: gpd.GeoDataFrame,
    *,
    crs: object | None = None,
    min_shared_m: float = 1.0,
    tolerance_m: float = 0.5,
) -> pd.DataFrame:
    """Pairs of quarters sharing at least `min_shared_m` metres of boundary.

    Returns `quarter_id_a, quarter_id_b, shared_m` with a < b (each pair once). Lengths are
    measured in `crs` (default: the quarters' CRS when projected, else the local UTM zone).
    Gaps and overlaps up to `tolerance_m` metres between digitised boundaries are forgiven.
    """
    if "quarter_id" not in quarters.columns:
        raise ValueError("quarters: missing column quarter_id")
    if crs is None:
        crs = quarters.crs if quarters.crs is not None and quarters.crs.is_projected \
            else quarters.estimate_utm_crs()
    projected = quarters.to_crs(crs)
    ids = projected["quarter_id"].astype(str).to_numpy()
    geoms = shapely.make_valid(projected.geometry.values)
    left, right = projected.sindex.query(
        geoms, predicate="dwithin", distance=tolerance_m
    ) if tolerance_m > 0 else projected.sindex.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    grown = shapely.buffer(geoms[right], tolerance_m) if tolerance_m > 0 else geoms[right]
    # the grown neighbour also covers `tolerance_m` of boundary past each end of the shared edge
    shared = shapely.length(shapely.intersection(shapely.boundary(geoms[left]), grown)) - 2.0 * tolerance_m
    ok = shared >= min_shared_m          # a shared corner alone gives about 0 here
    a, b = ids[left[ok]], ids[right[ok]]
    first, second = np.minimum(a, b), np.maximum(a, b)
    out = pd.DataFrame({"quarter_id_a": first, "quarter_id_b": second, "shared_m": shared[ok]})
    return out.sort_values(["quarter_id_a", "quarter_id_b"], ignore_index=True)


def _edge_index(adjacency: pd.DataFrame, quarter_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both directions of every adjacency edge as quarter positions; unknown quarters dropped."""
    index = pd.Index(np.asarray(quarter_ids, dtype=str))
    a = index.get_indexer(adjacency["quarter_id_a"].astype(str))
    b = index.get_indexer(adjacency["quarter_id_b"].astype(str))
    keep = (a >= 0) & (b >= 0) & (a != b)
    a, b = a[keep], b[keep]
    return np.concatenate([a, b]), np.concatenate([b, a])


def zone_pieces(assignment: pd.DataFrame, adjacency: pd.DataFrame) -> pd.Series:
    """Number of connected pieces of each school's zone (1 = contiguous), indexed by school_id.

    `assignment` is the zoning table (`quarter_id, school_id, share`); a quarter belongs to
    the zone of every school with a share above 0.
    """
    rows = assignment[assignment["share"] > 1e-9]
    quarter_ids = np.unique(rows["quarter_id"].astype(str).to_numpy())
    src, dst = _edge_index(adjacency, quarter_ids)
    pieces = {}
    for school, zone in rows.groupby("school_id", sort=True):
        members = np.zeros(len(quarter_ids), dtype=bool)
        members[np.searchsorted(quarter_ids, zone["quarter_id"].astype(str).to_numpy())] = True
        inside = members[src] & members[dst]
        local = np.cumsum(members) - 1
        size = int(members.sum())
        graph = sparse.coo_matrix(
            (np.ones(int(inside.sum())), (local[src[inside]], local[dst[inside]])), shape=(size, size)
        )
        pieces[school] = connected_components(graph, directed=False)[0]
    return pd.Series(pieces, name="pieces", dtype="int64")


def is_contiguous(assignment: pd.DataFrame, adjacency: pd.DataFrame) -> bool:
    """True when every school's zone is one connected piece of the quarter neighbour graph."""
    return bool((zone_pieces(assignment, adjacency) <= 1).all())


def closer_neighbour_pairs(
    pair_quarter: np.ndarray,
    pair_school: np.ndarray,
    distance: np.ndarray,
    adjacency: pd.DataFrame,
    quarter_ids: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The data of the contiguity rule for candidate pairs p = (quarter i, school j).

    Returns `(anchor, rows, cols)`: `anchor[p]` is True when i is j's anchor quarter (nearest
    to the site) or has no neighbour at all (an island may form a piece of its own); for non-anchor pairs, (rows[e], cols[e]) lists each pair p with a pair
    q = (k, j) where k is a neighbour of i strictly closer to j than i is. Vectorised over
    all pairs and edges.
    """
    n, m = distance.shape
    n_pairs = len(pair_quarter)
    finite = np.where(np.isfinite(distance), distance, np.inf)
    # anchor of school j: the candidate quarter nearest to the site (first by position on ties)
    masked = np.full((n, m), np.inf)
    masked[pair_quarter, pair_school] = finite[pair_quarter, pair_school]
    anchor_of_school = np.argmin(masked, axis=0)
    anchor = anchor_of_school[pair_school] == pair_quarter
    lookup = np.full((n, m), -1, dtype=np.int64)
    lookup[pair_quarter, pair_school] = np.arange(n_pairs)
    src, dst = _edge_index(adjacency, quarter_ids)
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    starts = np.searchsorted(src, np.arange(n + 1))
    degree = starts[pair_quarter + 1] - starts[pair_quarter]
    anchor = anchor | (degree == 0)  # a quarter with no neighbour (an island) is its own piece
    p_rep = np.repeat(np.arange(n_pairs), degree)
    offsets = np.arange(len(p_rep)) - np.repeat(np.cumsum(degree) - degree, degree)
    k = dst[np.repeat(starts[pair_quarter], degree) + offsets]
    j = pair_school[p_rep]
    q = lookup[k, j]
    ok = (q >= 0) & ~anchor[p_rep]
    ok[ok] = finite[k[ok], j[ok]] < finite[pair_quarter[p_rep[ok]], j[ok]]
    return anchor, p_rep[ok], q[ok]
