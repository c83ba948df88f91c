"""Candidate pairs from a spatial index: the k nearest schools of each level and every school
within the walking-distance norm, never the full quarter × school table; given distances
still override and add pairs; the model and its dense views agree with the full table."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from capacity import load_norms
from zoning import build_problem, distance_matrix, fill_missing_distances, quarter_school_distances
from zoning.model import ModelOptions, build_model

CRS = "EPSG:3405"
X0, Y0 = 700_000.0, 1_300_000.0


def squares(side: int, size: float = 300.0) -> gpd.GeoDataFrame:
    """side × side square quarters of `size` metres (VN-2000 / UTM 48N)."""
    cells = [(r, c) for r in range(side) for c in range(side)]
    return gpd.GeoDataFrame(
        {"quarter_id": [f"Q{r:02d}{c:02d}" for r, c in cells]},
        geometry=[box(X0 + c * size, Y0 + r * size, X0 + (c + 1) * size, Y0 + (r + 1) * size) for r, c in cells],
        crs=CRS,
    )


def sites(count: int, extent: float, level: str, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, extent, size=(count, 2))
    return gpd.GeoDataFrame(
        {
            "school_id": [f"{level[:2].upper()}{j:02d}" for j in range(count)],
            "level": level,
            "name": [f"Trường {j}" for j in range(count)],
            "classrooms": 12,
        },
        geometry=gpd.points_from_xy(X0 + xy[:, 0], Y0 + xy[:, 1]),
        crs=CRS,
    )


def brute_force(quarters: gpd.GeoDataFrame, schools: gpd.GeoDataFrame) -> pd.DataFrame:
    return quarter_school_distances(quarters, schools, crs=CRS, nearest=None)


def test_full_table_when_a_level_has_few_schools():
    quarters = squares(4)
    schools = sites(5, 1200.0, "tieu_hoc", 0)
    table = quarter_school_distances(quarters, schools, crs=CRS)  # 5 ≤ 20 nearest: every pair
    full = brute_force(quarters, schools)
    assert len(table) == 16 * 5
    pd.testing.assert_frame_equal(table, full)
    # the full table keeps the order it always had: quarters as given, then schools as given
    assert list(table["school_id"][:5]) == list(schools["school_id"])


def test_k_nearest_of_each_level_and_every_school_within_the_radius():
    quarters = squares(12)  # 3.6 km square, 144 quarters
    schools = pd.concat([sites(30, 3600.0, "tieu_hoc", 1), sites(12, 3600.0, "thcs", 2)], ignore_index=True)
    table = quarter_school_distances(quarters, schools, crs=CRS, nearest=3, within=1000.0)
    full = brute_force(quarters, schools)
    level = dict(zip(schools["school_id"], schools["level"], strict=True))
    full["level"] = full["school_id"].map(level)
    full["rank"] = full.groupby(["quarter_id", "level"])["metres"].rank(method="first")
    expected = full[(full["rank"] <= 3) | (full["metres"] <= 1000.0)]
    got = set(zip(table["quarter_id"], table["school_id"], strict=True))
    assert got == set(zip(expected["quarter_id"], expected["school_id"], strict=True))
    assert len(table) < len(full) / 2  # not the full table
    merged = table.merge(full, on=["quarter_id", "school_id"], suffixes=("", "_full"))
    np.testing.assert_allclose(merged["metres"], merged["metres_full"])
    # every quarter keeps at least 3 schools of each level: always assignable
    per_level = table.assign(level=table["school_id"].map(level)).groupby(["quarter_id", "level"]).size()
    assert len(per_level) == 144 * 2 and per_level.min() >= 3


def test_default_radius_is_the_longest_walking_norm_of_the_level():
    quarters = squares(10, size=500.0)  # 5 km square
    schools = sites(60, 5000.0, "tieu_hoc", 3)
    table = quarter_school_distances(quarters, schools, crs=CRS, nearest=1)
    full = brute_force(quarters, schools)
    radius = max(load_norms().walking_distance("tieu_hoc", s) for s in ("urban", "rural", "mountain"))
    within = full[full["metres"] <= radius]
    assert set(zip(within["quarter_id"], within["school_id"], strict=True)) <= set(
        zip(table["quarter_id"], table["school_id"], strict=True)
    )
    assert table.groupby("quarter_id").size().min() >= 1


def test_current_zones_and_given_distances_beyond_the_candidates_are_kept():
    quarters = squares(6)
    schools = sites(30, 1800.0, "tieu_hoc", 4)
    far = brute_force(quarters, schools).sort_values("metres").groupby("quarter_id").tail(1)  # farthest school
    current = far.iloc[:3][["quarter_id", "school_id"]]
    table = quarter_school_distances(quarters, schools, crs=CRS, nearest=2, within=0.0, include=current)
    assert set(zip(current["quarter_id"], current["school_id"], strict=True)) <= set(
        zip(table["quarter_id"], table["school_id"], strict=True)
    )
    # a measured route (distances.csv) to a school beyond the candidates is added, one inside overrides
    beyond = far.iloc[3]
    inside = table.iloc[0]
    given = pd.DataFrame(
        {
            "quarter_id": [beyond["quarter_id"], inside["quarter_id"], "unknown"],
            "school_id": [beyond["school_id"], inside["school_id"], schools["school_id"][0]],
            "metres": [150.0, 99.0, 10.0],
        }
    )
    filled = fill_missing_distances(given, table)
    assert len(filled) == len(table) + 1  # the unknown quarter is left out
    row = filled[(filled["quarter_id"] == beyond["quarter_id"]) & (filled["school_id"] == beyond["school_id"])]
    assert row["metres"].tolist() == [150.0] and row["source"].tolist() == ["given"]
    row = filled[(filled["quarter_id"] == inside["quarter_id"]) & (filled["school_id"] == inside["school_id"])]
    assert row["metres"].tolist() == [99.0] and row["source"].tolist() == ["given"]


def demand_of(quarters: gpd.GeoDataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame(
        {
            "quarter_id": quarters["quarter_id"],
            "school_year": 2027,
            "level": "tieu_hoc",
            "grade": "lop_1",
            "age": 6,
            "mean": rng.uniform(5, 30, len(quarters)).round(1),
        }
    )


def test_problem_and_model_from_links_match_the_full_table():
    quarters = squares(10)
    schools = sites(25, 3000.0, "tieu_hoc", 6)
    norms = load_norms()
    demand = demand_of(quarters)
    full = brute_force(quarters, schools)
    sparse_table = quarter_school_distances(quarters, schools, crs=CRS, nearest=12, within=0.0)
    dense = build_problem(demand, schools, full, level="tieu_hoc", school_years=2027, norms=norms)
    links = build_problem(demand, schools, sparse_table, level="tieu_hoc", school_years=2027, norms=norms)
    assert len(links.link_metres) == 100 * 12 < len(dense.link_metres) == 100 * 25
    # the dense view of the links is the old matrix: NaN where no distance is known
    np.testing.assert_array_equal(dense.distance, distance_matrix(full, dense.quarter_ids, dense.school_ids))
    assert np.isnan(links.distance).sum() == 100 * 13
    for k in (1, 5, 10):  # the model's k nearest come from the links, the same pairs as from the full table
        a = build_model(dense, ModelOptions(k_nearest=k))
        b = build_model(links, ModelOptions(k_nearest=k))
        np.testing.assert_array_equal(a.pair_quarter, b.pair_quarter)
        np.testing.assert_array_equal(a.pair_school, b.pair_school)
        np.testing.assert_allclose(a.cost, b.cost)


def test_nearest_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        quarter_school_distances(squares(2), sites(3, 600.0, "tieu_hoc", 0), crs=CRS, nearest=0)


@pytest.mark.parametrize("ward", ["phuoc_binh", "thien_hoa"])
def test_sample_wards_keep_their_full_table(ward):
    """The sample wards have at most 20 schools of a level: their candidate links are the full
    table, row for row, so their zonings are unchanged."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "data" / "wards" / ward
    quarters = gpd.read_file(folder / "quarters.geojson")
    schools = pd.read_csv(folder / "schools.csv")
    pd.testing.assert_frame_equal(
        quarter_school_distances(quarters, schools), quarter_school_distances(quarters, schools, nearest=None)
    )
    assert len(quarter_school_distances(quarters, schools)) == len(quarters) * len(schools)
