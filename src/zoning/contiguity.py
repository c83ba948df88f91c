"""Quarter adjacency and contiguous school zones.

Two quarters are neighbours when they share a stretch of boundary (touching at a single corner
does not count). A zone is contiguous when its quarters form one connected piece of that
neighbour graph. The model enforces contiguity with the rule of Gillani et al. (2023): a quarter
may go to school j only if one of its neighbours that is strictly closer to j goes to j too,
unless it is j's anchor quarter (the quarter nearest to the school's site). Following ever-closer
neighbours from any quarter of the zone ends at the anchor, so every zone is connected.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components

__all__ = [
    "quarter_adjacency",
    "zone_pieces",
    "is_contiguous",
    "closer_neighbour_pairs",
    "reachable_pairs",
    "island_components",
    "ContiguityRule",
    "grow_zones",
]


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
        crs = quarters.crs if quarters.crs is not None and quarters.crs.is_projected else quarters.estimate_utm_crs()
    projected = quarters.to_crs(crs)
    ids = projected["quarter_id"].astype(str).to_numpy()
    geoms = shapely.make_valid(projected.geometry.values)
    left, right = (
        projected.sindex.query(geoms, predicate="dwithin", distance=tolerance_m)
        if tolerance_m > 0
        else projected.sindex.query(geoms, predicate="intersects")
    )
    keep = left < right
    left, right = left[keep], right[keep]
    grown = shapely.buffer(geoms[right], tolerance_m) if tolerance_m > 0 else geoms[right]
    # the grown neighbour also covers `tolerance_m` of boundary past each end of the shared edge
    shared = shapely.length(shapely.intersection(shapely.boundary(geoms[left]), grown)) - 2.0 * tolerance_m
    ok = shared >= min_shared_m  # a shared corner alone gives about 0 here
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
    the zone of every school with a share above 0. One connected-components pass over the
    graph of (quarter, school) memberships joined by neighbouring quarters of the same school
    (no loop over schools).
    """
    rows = assignment.loc[assignment["share"] > 1e-9, ["quarter_id", "school_id"]].astype(str)
    rows = rows.drop_duplicates().reset_index(drop=True)
    size = len(rows)
    node, other = _membership_edges(
        rows["quarter_id"].to_numpy(dtype=object),
        rows["school_id"].to_numpy(dtype=object),
        adjacency["quarter_id_a"].astype(str).to_numpy(dtype=object),
        adjacency["quarter_id_b"].astype(str).to_numpy(dtype=object),
    )
    graph = sparse.coo_matrix((np.ones(len(node)), (node, other)), shape=(size, size))
    labels = connected_components(graph, directed=False)[1] if size else np.zeros(0, dtype=int)
    pieces = pd.Series(labels, index=rows["school_id"].to_numpy()).groupby(level=0, sort=True).nunique()
    return pieces.rename("pieces").astype("int64").rename_axis(None)


def _membership_edges(
    quarter: np.ndarray, school: np.ndarray, side_a: np.ndarray, side_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The edges (node, other) between memberships: node i = (quarter[i], school[i]) and node
    j = (quarter[j], school[i]) for every neighbour pair (side_a[e], side_b[e]) with
    quarter[i] = side_a[e], quarter[j] = side_b[e] (the same school). Memberships are unique
    pairs; the edges come in no particular order. Sorted keys and searches, no loop."""
    codes, _ = pd.factorize(np.concatenate([quarter, side_a, side_b]))
    n = len(quarter)
    q, a, b = codes[:n], codes[n : n + len(side_a)], codes[n + len(side_a) :]
    s, _ = pd.factorize(school)
    width = int(s.max()) + 1 if n else 1
    by_quarter = np.argsort(q, kind="stable")  # the memberships of each quarter, contiguous
    count = np.bincount(q, minlength=int(codes.max()) + 1 if len(codes) else 0)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    per_edge = count[a]  # memberships of each edge's first quarter
    edge = np.repeat(np.arange(len(a)), per_edge)
    offset = np.arange(len(edge)) - np.repeat(np.cumsum(per_edge) - per_edge, per_edge)
    node = by_quarter[start[a][edge] + offset]
    keys = q.astype(np.int64) * width + s  # (quarter, school) of each membership
    order = np.argsort(keys, kind="stable")
    wanted = b[edge].astype(np.int64) * width + s[node]
    at = np.minimum(np.searchsorted(keys[order], wanted), max(n - 1, 0))
    found = (keys[order][at] == wanted) if n else np.zeros(0, dtype=bool)
    return node[found], order[at][found]


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

    `distance`: the metres of each pair (P,), or the dense (n, m) matrix. Pairs must be sorted
    by quarter, then school. Returns `(anchor, rows, cols)`: `anchor[p]` is True when i is j's
    anchor quarter (nearest to the site among j's candidate quarters) or has no neighbour at
    all (an island may form a piece of its own); for non-anchor pairs, (rows[e], cols[e])
    lists each pair p with a pair q = (k, j) where k is a neighbour of i strictly closer to j
    than i is. Vectorised over all pairs and edges (no quarters × schools array).
    """
    n = len(quarter_ids)
    n_pairs = len(pair_quarter)
    pair_quarter = np.asarray(pair_quarter, dtype=np.int64)
    pair_school = np.asarray(pair_school, dtype=np.int64)
    metres = distance[pair_quarter, pair_school] if distance.ndim == 2 else np.asarray(distance, dtype=float)
    metres = np.where(np.isfinite(metres), metres, np.inf)
    m = int(pair_school.max()) + 1 if n_pairs else 0
    # anchor of school j: the candidate quarter nearest to the site (first by position on ties)
    by_school = np.lexsort((pair_quarter, metres, pair_school))
    first = np.ones(n_pairs, dtype=bool)
    first[1:] = pair_school[by_school][1:] != pair_school[by_school][:-1]
    anchor = np.zeros(n_pairs, dtype=bool)
    anchor[by_school[first]] = True
    keys = pair_quarter * max(m, 1) + pair_school
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
    wanted = k.astype(np.int64) * max(m, 1) + j
    if n_pairs:
        at = np.minimum(np.searchsorted(keys, wanted), n_pairs - 1)
        q = np.where(keys[at] == wanted, at, -1)
    else:
        q = np.full(len(wanted), -1, dtype=np.int64)
    ok = (q >= 0) & ~anchor[p_rep]
    ok[ok] = metres[q[ok]] < metres[p_rep[ok]]
    return anchor, p_rep[ok], q[ok]


def reachable_pairs(
    anchor: np.ndarray, rows: np.ndarray, cols: np.ndarray, usable: np.ndarray | None = None
) -> np.ndarray:
    """Pairs that some contiguous zoning may use: anchors, and pairs with a closer neighbour
    pair (rows[e] → cols[e], from `closer_neighbour_pairs`) that is reachable itself.

    Chains of ever-closer neighbours end at an anchor or nowhere; a pair whose every chain ends
    nowhere must stay 0 in any zoning under the rule. Vectorised, one pass per chain step.
    """
    usable = np.ones(len(anchor), dtype=bool) if usable is None else usable
    reached = anchor & usable
    while True:
        support = np.zeros(len(anchor), dtype=bool)
        support[rows[reached[cols]]] = True
        grown = reached | (support & usable)
        if (grown == reached).all():
            return reached
        reached = grown


def island_components(adjacency: pd.DataFrame, quarter_ids: np.ndarray, quarters: np.ndarray) -> np.ndarray:
    """Connected component (label) of each quarter of `quarters` within the neighbour graph
    restricted to `quarters` (positions)."""
    n = len(quarter_ids)
    src, dst = _edge_index(adjacency, quarter_ids)
    inside = np.zeros(n, dtype=bool)
    inside[quarters] = True
    keep = inside[src] & inside[dst]
    local = np.full(n, -1)
    local[quarters] = np.arange(len(quarters))
    graph = sparse.coo_matrix(
        (np.ones(int(keep.sum())), (local[src[keep]], local[dst[keep]])), shape=(len(quarters), len(quarters))
    )
    return connected_components(graph, directed=False)[1]


@dataclass(frozen=True, eq=False)
class ContiguityRule:
    """The contiguity rule of a model over its candidate pairs p = (quarter i, school j).

    `anchor[p]`: free of the rule (j's anchor quarter, a quarter with no neighbour, an
    exempted island); edge e says pair rows[e] is supported when its closer neighbour pair
    cols[e] is chosen. A zoning obeys the rule when every chosen pair is an anchor or has a
    chosen supporter.
    """

    anchor: np.ndarray  # (P,) bool
    rows: np.ndarray  # (E,) pair needing support
    cols: np.ndarray  # (E,) closer neighbour pair giving it

    def support(self, chosen: np.ndarray) -> np.ndarray:
        """(P,) number of chosen supporters of each pair; `chosen` is a (P,) bool mask."""
        return np.bincount(self.rows[chosen[self.cols]], minlength=len(self.anchor))

    def supported(self, chosen: np.ndarray) -> np.ndarray:
        """(P,) True where a quarter may take the pair now: an anchor, or a supporter chosen."""
        return self.anchor | (self.support(chosen) > 0)

    def movable(self, chosen: np.ndarray) -> np.ndarray:
        """(P,) True for chosen pairs whose quarter may leave without leaving a chosen pair of
        its school unsupported (no one depends on it alone)."""
        count = self.support(chosen)
        leaning = chosen[self.rows] & chosen[self.cols] & ~self.anchor[self.rows] & (count[self.rows] == 1)
        critical = np.zeros(len(self.anchor), dtype=bool)
        critical[self.cols[leaning]] = True
        return chosen & ~critical

    def holds(self, chosen: np.ndarray) -> bool:
        """True when every chosen pair is an anchor or supported."""
        return bool((self.supported(chosen) | ~chosen).all())


def grow_zones(
    pair_quarter: np.ndarray,
    n: int,
    rule: ContiguityRule,
    usable: np.ndarray,
    preference: np.ndarray,
    metres: np.ndarray,
    *,
    max_repairs: int = 30,
    pair_school: np.ndarray | None = None,
    pupils: np.ndarray | None = None,
    seats: np.ndarray | None = None,
) -> np.ndarray:
    """A zoning obeying the contiguity rule, grown from the schools' anchors over the
    neighbour graph: pair index per quarter (−1 where no zone could reach the quarter).

    Round by round every quarter not yet zoned takes, among its pairs that are anchors or
    have a chosen closer neighbour, the one it prefers most (`preference`, e.g. the LP's
    shares; ties by metres). First only each quarter's preferred pairs may grow (so the zones
    follow the preference), then any pair. A chosen pair keeps its supporter (zoned quarters
    never move), so the rule holds throughout. A quarter left out (its closer neighbours all
    went to other schools) then takes its nearest usable school together with the chain of
    ever-closer neighbours leading there; quarters that lose their support by it are freed
    and the zones regrown, up to `max_repairs` times. `usable` pairs must all be reachable
    (`reachable_pairs`). With `pair_school`, `pupils` (n,) and `seats` (m,), the first two
    tiers also keep each school within its seats (in preference order within a round); a last
    tier ignores them. Vectorised per round; rounds ≈ the zones' depth in quarters.
    """
    P = len(pair_quarter)
    room = None if seats is None else np.asarray(seats, dtype=float).copy()
    order = np.lexsort((metres, -preference, pair_quarter))
    first = np.ones(P, dtype=bool)
    first[1:] = pair_quarter[order][1:] != pair_quarter[order][:-1]
    top = np.zeros(P, dtype=bool)
    top[order[first]] = True
    rank = np.empty(P, dtype=np.int64)
    rank[order] = np.arange(P)
    chosen_pair = np.full(n, -1, dtype=np.int64)
    chosen = np.zeros(P, dtype=bool)

    def grow(tier: np.ndarray, fit: bool = False) -> None:
        while True:
            free = chosen_pair[pair_quarter] < 0
            ok = tier & free & rule.supported(chosen)
            if fit:
                assert room is not None and pair_school is not None and pupils is not None
                ok &= room[pair_school] >= pupils[pair_quarter]
            cand = np.flatnonzero(ok)
            if len(cand) == 0:
                return
            cand = cand[np.argsort(rank[cand], kind="stable")]
            firsts = np.ones(len(cand), dtype=bool)
            firsts[1:] = pair_quarter[cand][1:] != pair_quarter[cand][:-1]
            pick = cand[firsts]
            if fit:
                # per school, in preference order, the quarters its remaining seats still hold
                assert room is not None and pair_school is not None and pupils is not None
                order = pick[np.lexsort((rank[pick], pair_school[pick]))]
                school = pair_school[order]
                load = np.cumsum(pupils[pair_quarter[order]])
                start = np.searchsorted(school, school)  # first of each school's run
                before = np.where(start > 0, load[np.maximum(start - 1, 0)], 0.0)
                pick = order[load - before <= room[school] + 1e-9]
                if len(pick) == 0:
                    return
                np.subtract.at(room, pair_school[pick], pupils[pair_quarter[pick]])
            chosen_pair[pair_quarter[pick]] = pick
            chosen[pick] = True

    capacity = room is not None and pair_school is not None and pupils is not None
    if capacity:
        grow(top & usable, fit=True)
        grow(usable, fit=True)
    grow(top & usable)
    grow(usable)
    by_row = np.argsort(rule.rows, kind="stable")
    row_start = np.searchsorted(rule.rows[by_row], np.arange(P + 1))
    for _ in range(max_repairs):
        stuck = np.flatnonzero(chosen_pair < 0)
        if len(stuck) == 0:
            break
        for i in stuck:  # a few quarters: force each one's chain to its nearest school
            own = np.flatnonzero((pair_quarter == i) & usable)
            if len(own) == 0 or chosen_pair[i] >= 0:
                continue
            p = int(own[np.argmin(metres[own])])
            path = [p]
            while not rule.anchor[p]:
                support = rule.cols[by_row[row_start[p] : row_start[p + 1]]]
                support = support[usable[support]]
                if len(support) == 0 or chosen[support].any():
                    break
                p = int(support[np.argmin(metres[support])])
                path.append(p)
            for q in path:
                old = chosen_pair[pair_quarter[q]]
                if old >= 0:
                    chosen[old] = False
                chosen_pair[pair_quarter[q]] = q
                chosen[q] = True
        while True:  # free the quarters that lost their support, then regrow
            broken = np.flatnonzero(chosen & ~rule.supported(chosen))
            if len(broken) == 0:
                break
            chosen[broken] = False
            chosen_pair[pair_quarter[broken]] = -1
        grow(usable)
    return chosen_pair
