"""Build small, valid ward folders in a temporary directory, to break one thing per test.

`valid_tables()` returns the content of a minimal valid ward (3 square quarters of 0.01° near
106.9°E 11.8°N, population 2019–2024 ages 0–18, 3 schools, all optional files) as plain
objects the test may change; `write_ward(folder, tables)` writes them. CSV tables are kept as
text (dtype object) so a test can put any cell value in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

QUARTER_IDS = ["01", "02", "KP3"]
QUARTER_NAMES = ["Khu phố Phước Bình 1", "Thôn Bản Nầng", "Khu phố 3"]
YEARS = list(range(2019, 2025))
AGES = list(range(19))
LON0, LAT0, STEP = 106.90, 11.80, 0.01  # quarters side by side along longitude

WARD_TOML = """\
[ward]
code = "25220"
name = "Phước Bình"
kind = "phường"
province = "Đồng Nai"
crs = "EPSG:3405"
base_year = 2024
horizon = 2030
setting = "urban"

[norms.max_class_size]
thcs = 40

[rates.participation]
nha_tre = 0.47
mau_giao = 0.99
"""


def population_counts(quarter: int, year: int, age: int) -> int:
    """A deterministic, plausible count of residents (persons)."""
    return 20 + 3 * quarter + (age * 7 + year) % 11


def valid_tables() -> dict[str, Any]:
    """The content of a valid ward folder (edit it, then `write_ward`)."""
    quarters = gpd.GeoDataFrame(
        {"quarter_id": QUARTER_IDS, "name": QUARTER_NAMES},
        geometry=[box(LON0 + i * STEP, LAT0, LON0 + (i + 1) * STEP, LAT0 + STEP) for i in range(3)],
        crs="EPSG:4326",
    )
    grid = np.meshgrid(np.arange(3), YEARS, AGES, indexing="ij")
    q, y, a = (axis.ravel().tolist() for axis in grid)
    population = pd.DataFrame(
        {
            "quarter_id": np.array(QUARTER_IDS, dtype=object)[q],
            "year": y,
            "age": a,
            "count": [population_counts(i, j, k) for i, j, k in zip(q, y, a, strict=True)],
        }
    )
    schools = pd.DataFrame(
        {
            "school_id": ["MN01", "TH01", "THCS01"],
            "name": ["Trường Mầm non Hoa Sen", "Trường Tiểu học Phước Bình", "Trường THCS Bản Nầng"],
            "level": ["mam_non", "tieu_hoc", "thcs"],
            "lon": [LON0 + 0.005, LON0 + 0.015, LON0 + 0.025],
            "lat": [LAT0 + 0.005, LAT0 + 0.004, LAT0 + 0.006],
            "classrooms": [8, 20, 16],
            "sessions_per_day": [2, 2, ""],
            "max_class_size": ["", 35, ""],
            "opens": ["", "", ""],
            "closes": ["", "", ""],
            "land_m2": [3000, "", 9000.5],
        }
    )
    births = pd.DataFrame({"quarter_id": np.repeat(QUARTER_IDS, len(YEARS)), "year": YEARS * 3, "births": 25})
    housing = pd.DataFrame({"quarter_id": ["02", "02"], "year": [2025, 2026], "new_dwellings": [120, 80]})
    zones = pd.DataFrame(
        {
            "quarter_id": QUARTER_IDS * 3,
            "level": ["mam_non"] * 3 + ["tieu_hoc"] * 3 + ["thcs"] * 3,
            "school_id": ["MN01"] * 3 + ["TH01"] * 3 + ["THCS01"] * 3,
            "share": [1, 1, 1, 1, 1, 1, 1, 1, 1],
        }
    )
    distances = pd.DataFrame(
        {
            "quarter_id": np.repeat(QUARTER_IDS, 3),
            "school_id": ["MN01", "TH01", "THCS01"] * 3,
            "metres": [500, 1500.5, 2600, 1200, 400, 1500, 2300, 1300, 350],
        }
    )
    text = {
        name: frame.astype(str).astype(object)
        for name, frame in {
            "population": population,
            "schools": schools,
            "births": births,
            "housing": housing,
            "zones": zones,
            "distances": distances,
        }.items()
    }
    return {"ward.toml": WARD_TOML, "quarters": quarters, **text}


def write_ward(folder: Path, tables: dict[str, Any] | None = None, quarters_format: str = "geojson") -> Path:
    """Write a ward folder; a table set to None is not written (an absent optional file)."""
    tables = valid_tables() if tables is None else tables
    folder.mkdir(parents=True, exist_ok=True)
    if tables.get("ward.toml") is not None:
        (folder / "ward.toml").write_text(tables["ward.toml"], encoding="utf-8")
    quarters = tables.get("quarters")
    if quarters is not None:
        assert isinstance(quarters, gpd.GeoDataFrame)
        quarters.to_file(
            folder / f"quarters.{quarters_format}", driver="GPKG" if quarters_format == "gpkg" else "GeoJSON"
        )
    for name in ("population", "schools", "births", "housing", "zones", "distances"):
        frame = tables.get(name)
        if frame is not None:
            assert isinstance(frame, pd.DataFrame)
            frame.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
    return folder


def csv_row(frame: pd.DataFrame, mask: pd.Series) -> int:
    """The spreadsheet row (header = 1) of the first row where `mask` holds."""
    return int(np.flatnonzero(mask.to_numpy())[0]) + 2
