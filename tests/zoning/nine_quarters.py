"""The 3 × 3 grid of 600 m quarters zoned between two primary schools, for the map tests
(`from nine_quarters import zone_nine`): the static map and the interactive page draw it."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from capacity import load_norms
from zoning import ZoningResult, assign, quarter_school_distances

CRS = "EPSG:3405"
X0, Y0, CELL = 700_000.0, 1_300_000.0, 600.0
CELLS = [(r, c) for r in range(3) for c in range(3)]
"""(row, column) of quarters KP01 … KP09, from the south-west corner (X0, Y0)."""


def zone_nine(quarters: gpd.GeoDataFrame, school_names: list[str]) -> tuple[ZoningResult, pd.DataFrame]:
    """Zone the nine `quarters` (KP01 … KP09 on `CELLS`, in `CRS`) for grade 1 of 2027 between
    two schools named `school_names`, at the centres of the south-west and north-east cells
    (5 and 4 rooms); the current zones KP01–KP05 → TH01, KP06–KP09 → TH02, kept strongly
    (stability 100). Returns the result and the schools table."""
    sites = gpd.GeoSeries(gpd.points_from_xy([X0 + 300, X0 + 1500], [Y0 + 300, Y0 + 1500]), crs=CRS).to_crs(4326)
    schools = pd.DataFrame(
        {
            "school_id": ["TH01", "TH02"],
            "name": school_names,
            "level": "tieu_hoc",
            "lon": sites.x,
            "lat": sites.y,
            "classrooms": [5, 4],
            "sessions_per_day": 2,
        }
    )
    demand = pd.DataFrame(
        {
            "quarter_id": quarters["quarter_id"],
            "school_year": 2027,
            "level": "tieu_hoc",
            "grade": "lop_1",
            "age": 6,
            "mean": [30.0, 25, 20, 22, 18, 26, 24, 21, 40],
        }
    )
    current = pd.DataFrame(
        {"quarter_id": quarters["quarter_id"], "level": "tieu_hoc", "school_id": ["TH01"] * 5 + ["TH02"] * 4}
    )
    distances = quarter_school_distances(quarters, schools, crs=CRS)
    result = assign(
        demand,
        schools,
        distances,
        level="tieu_hoc",
        school_years=2027,
        norms=load_norms(),
        grades=["lop_1"],
        current=current,
        stability=100.0,
    )
    return result, schools
