"""Regenerate the embedded sample wards in data/wards/ (command line entry point).

Run ``python -m tuyensinh.sample_data --out data/wards`` to regenerate both ward folders; the
output is byte-identical from run to run on the same library versions (fixed seeds, stable
sorting, fixed number formats, GeoJSON coordinates rounded to 6 decimals). The generator lives
in the subpackage ``tuyensinh.samples`` (its docstring lists the modules); this module
re-exports its public names, so ``from tuyensinh.sample_data import true_population`` works.
Only the ward outlines are real; everything else is synthetic (data/README.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tuyensinh.samples.demography import (
    HOUSING_YIELD_KNOTS,
    OCCUPANCY_LAG,
    Simulation,
    _knots,  # noqa: F401 - interpolation helper used by tests
    death_probabilities,
    fertility_schedule,
    housing_movers,
    simulate,
)
from tuyensinh.samples.generator import (
    GeneratedWard,
    calibration_table,
    check_features,
    default_boundaries,
    generate,
    generate_ward,
    true_population,
)
from tuyensinh.samples.schools import SchoolCalibration, calibrate, current_zones, school_needs
from tuyensinh.samples.spec import (
    AGES,
    BASE_YEAR,
    HORIZON,
    OUTPUT_YEARS,
    START_YEAR,
    Demography,
    HousingProject,
    SchoolSite,
    WardSpec,
)
from tuyensinh.samples.wards import PHUOC_BINH, THIEN_HOA, WARDS

__all__ = [
    "AGES",
    "BASE_YEAR",
    "HORIZON",
    "HOUSING_YIELD_KNOTS",
    "OCCUPANCY_LAG",
    "OUTPUT_YEARS",
    "PHUOC_BINH",
    "START_YEAR",
    "THIEN_HOA",
    "WARDS",
    "Demography",
    "GeneratedWard",
    "HousingProject",
    "SchoolCalibration",
    "SchoolSite",
    "Simulation",
    "WardSpec",
    "calibrate",
    "calibration_table",
    "check_features",
    "current_zones",
    "death_probabilities",
    "default_boundaries",
    "fertility_schedule",
    "generate",
    "generate_ward",
    "housing_movers",
    "main",
    "school_needs",
    "simulate",
    "true_population",
]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tuyensinh.sample_data [--out DIR] [--boundaries DIR] [--ward SLUG]…``."""
    parser = argparse.ArgumentParser(
        prog="python -m tuyensinh.sample_data",
        description="Regenerate the embedded sample wards (seeded, byte-identical).",
    )
    parser.add_argument("--out", type=Path, default=Path("data/wards"), help="folder receiving one sub-folder per ward")
    parser.add_argument(
        "--boundaries",
        type=Path,
        default=None,
        help="folder with the boundary GeoJSON files (default: data/boundaries of this checkout)",
    )
    parser.add_argument("--ward", action="append", choices=list(WARDS), help="generate only this ward; repeatable")
    args = parser.parse_args(argv)
    generate(args.out, args.boundaries, args.ward)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
