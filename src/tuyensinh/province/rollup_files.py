"""The roll-up's files: the tables as CSV, province.xlsx, province_map.png, province_report.html."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from tuyensinh.province.bridge import write_bytes_atomic, write_csv_atomic
from tuyensinh.province.rollup import build_rollup
from tuyensinh.province.rollup_excel import rollup_workbook
from tuyensinh.province.rollup_report import province_map_png, rollup_page
from tuyensinh.province.worker import WardOutcome

__all__ = ["write_rollup"]


def write_rollup(
    out: str | os.PathLike, outcomes: Sequence[WardOutcome], *, province: dict[str, str] | None = None, lang: str = "vi"
) -> list[str]:
    """Write the roll-up files into `out` (each atomically); return their names:
    province_levels.csv, province_wards.csv, province_status.csv, province_totals.csv,
    province.xlsx, province_map.png, province_report.html."""
    out = Path(out)
    rollup = build_rollup(outcomes, province=province, lang=lang)
    tables = {
        "province_levels.csv": rollup.levels,
        "province_wards.csv": rollup.wards,
        "province_status.csv": rollup.status.drop(columns=["problems_en"] if lang == "vi" else ["problems"]),
        "province_totals.csv": rollup.totals,
    }
    for name, table in tables.items():
        write_csv_atomic(table, out / name, float_format="%.6g")
    write_bytes_atomic(out / "province.xlsx", rollup_workbook(rollup))
    png = province_map_png(rollup, outcomes)
    write_bytes_atomic(out / "province_map.png", png)
    write_bytes_atomic(out / "province_report.html", rollup_page(rollup, png).encode("utf-8"))
    return [*tables, "province.xlsx", "province_map.png", "province_report.html"]
