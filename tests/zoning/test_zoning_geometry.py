"""Distances and quarter adjacency from geometry."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from zoning import DETOUR_FACTOR, distance_matrix, fill_missing_distances, quarter_adjacency, quarter_school_distances
from zoning.contiguity import closer_neighbour_pairs, is_contiguous, zone_pieces

CRS = "EPSG:3405"


def grid(rows: int = 2, cols: int = 2, size: float = 1000.0) -> gpd.GeoDataFrame:
    """rows × cols square quarters of `size` metres near Biên Hòa (VN-2000 / UTM 48N)."""
    x0, y0 = 700_000.0, 1_300_000.0
    cells = [(r, c) for r in range(rows) for c in range(cols)]
    return gpd.GeoDataFrame(
        {"quarter_id": [f"r{r}c{c}" for r, c in cells], "name": [f"Khu phố {k + 1}" for k in range(len(cells))]},
        geometry=[box(x0 + c * size, y0 + r * size, x0 + (c + 1) * size, y0 + (r + 1) * size) for r, c in cells],
        crs=CRS,
    )


def test_straight_line_distances_times_detour():
    quarters = grid(1, 2)  # centres at (500, 500) and (1500, 500)
    site = gpd.GeoSeries(gpd.points_from_xy([700_500.0], [1_300_500.0 + 3000.0]), crs=CRS).to_crs("EPSG:4326")
    schools = pd.DataFrame({"school_id": ["S1"], "lon": site.x, "lat": site.y})
    table = quarter_school_distances(quarters, schools, crs=CRS)
    assert list(table.columns) == ["quarter_id", "school_id", "metres"]
    metres = table.set_index("quarter_id")["metres"]
    assert metres["r0c0"] == pytest.approx(3000.0 * DETOUR_FACTOR, abs=0.01)
    assert metres["r0c1"] == pytest.approx(np.hypot(1000.0, 3000.0) * DETOUR_FACTOR, abs=0.01)
    plain = quarter_school_distances(quarters, schools, crs=CRS, detour=1.0)
    assert plain["metres"].iloc[0] == pytest.approx(3000.0, abs=0.01)
    with pytest.raises(ValueError, match="at least 1"):
        quarter_school_distances(quarters, schools, detour=0.8)


def test_centre_of_a_crescent_lies_inside_it():
    horseshoe = box(0, 0, 3000, 3000).difference(box(1000, 0, 2000, 2000))
    quarters = gpd.GeoDataFrame({"quarter_id": ["u"]}, geometry=[horseshoe], crs=CRS)
    from zoning import quarter_centres

    point = quarter_centres(quarters).geometry.iloc[0]
    assert horseshoe.contains(point)


def test_given_distances_override_computed_ones():
    computed = pd.DataFrame(
        {"quarter_id": ["a", "a", "b", "b"], "school_id": ["S", "T", "S", "T"], "metres": [100.0, 200.0, 300.0, 400.0]}
    )
    given = pd.DataFrame({"quarter_id": ["b"], "school_id": ["T"], "metres": [950.0]})
    merged = fill_missing_distances(given, computed).set_index(["quarter_id", "school_id"])
    assert merged.loc[("b", "T"), "metres"] == 950.0 and merged.loc[("b", "T"), "source"] == "given"
    assert merged.loc[("a", "S"), "metres"] == 100.0 and merged.loc[("a", "S"), "source"] == "computed"


def test_distance_table_errors_name_rows():
    table = pd.DataFrame({"quarter_id": ["a", "a", "b"], "school_id": ["S", "S", "S"], "metres": [1, 2, 3]})
    with pytest.raises(ValueError, match="given 2 times"):
        distance_matrix(table, np.array(["a", "b"]), np.array(["S"]))
    table = pd.DataFrame({"quarter_id": ["a", "b"], "school_id": ["S", "S"], "metres": [1, "xa"]})
    with pytest.raises(ValueError, match="rows 3"):
        distance_matrix(table, np.array(["a", "b"]), np.array(["S"]))
    ok = distance_matrix(
        pd.DataFrame({"quarter_id": ["b"], "school_id": ["S"], "metres": [7.0]}), np.array(["a", "b"]), np.array(["S"])
    )
    assert np.isnan(ok[0, 0]) and ok[1, 0] == 7.0


def test_adjacency_needs_a_shared_edge_not_a_corner():
    quarters = grid(2, 2)
    adjacency = quarter_adjacency(quarters)
    pairs = set(zip(adjacency["quarter_id_a"], adjacency["quarter_id_b"], strict=True))
    assert pairs == {("r0c0", "r0c1"), ("r0c0", "r1c0"), ("r0c1", "r1c1"), ("r1c0", "r1c1")}
    np.testing.assert_allclose(adjacency["shared_m"], 1000.0, rtol=1e-6)


def test_adjacency_forgives_small_digitising_gaps():
    quarters = gpd.GeoDataFrame(
        {"quarter_id": ["a", "b"]}, geometry=[box(0, 0, 100, 100), box(100.3, 0, 200, 100)], crs=CRS
    )
    assert len(quarter_adjacency(quarters, tolerance_m=0.5)) == 1
    assert len(quarter_adjacency(quarters, tolerance_m=0.0)) == 0


def test_adjacency_works_from_longitude_latitude():
    quarters = grid(1, 3).to_crs("EPSG:4326")
    adjacency = quarter_adjacency(quarters)
    assert len(adjacency) == 2
    assert adjacency["shared_m"].between(990, 1010).all()


def test_zone_pieces_counts_connected_parts():
    adjacency = quarter_adjacency(grid(1, 4))  # r0c0 - r0c1 - r0c2 - r0c3
    zones = pd.DataFrame(
        {"quarter_id": ["r0c0", "r0c1", "r0c2", "r0c3"], "school_id": ["A", "B", "A", "A"], "share": 1.0}
    )
    pieces = zone_pieces(zones, adjacency)
    assert pieces["A"] == 2 and pieces["B"] == 1
    assert not is_contiguous(zones, adjacency)
    assert is_contiguous(zones.assign(school_id=["A", "A", "B", "B"]), adjacency)


def test_closer_neighbour_rule_data():
    # a row of 3 quarters, one school at quarter 0: quarter 1's closer neighbour is 0, 2's is 1
    distance = np.array([[0.0], [1000.0], [2000.0]])
    adjacency = pd.DataFrame({"quarter_id_a": ["q0", "q1"], "quarter_id_b": ["q1", "q2"]})
    anchor, rows, cols = closer_neighbour_pairs(
        np.array([0, 1, 2]), np.array([0, 0, 0]), distance, adjacency, np.array(["q0", "q1", "q2"])
    )
    assert anchor.tolist() == [True, False, False]
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [(1, 0), (2, 1)]
