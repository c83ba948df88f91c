"""The files of a plan (`tuyensinh.plan.types.Plan`): tables, maps, charts, report and manifest.

`write_plan` writes every output into a staging folder (`tuyensinh.present.outputs.staged_output`):
forecast.csv, demand.csv, zones.csv, capacity.csv, quotas.csv, ward_summary.csv, quotas.xlsx,
capacity_plan.xlsx and the capacity cycle's tables (tuyensinh.plan.cycle.CYCLE_FILES),
zones.gpkg, report.html, maps/zones_<level>.png|pdf|html, charts/*.png and, when they apply,
capacity_current_zones.csv, zones_by_year.csv, capacity_rezoned.csv and
zones_proposed_by_year.csv (the proposed zones of each year, when a school opens or closes); `write_plan_manifest`
adds manifest.json. `check_out_folder` refuses output folders whose replacement would destroy
other data.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tuyensinh.plan.content import plan_report
from tuyensinh.plan.drawing import draw_figures
from tuyensinh.plan.types import Plan, Progress
from tuyensinh.present import geo
from tuyensinh.present.excel import write_quotas_xlsx
from tuyensinh.present.manifest import build_manifest, sha256_file, write_manifest
from tuyensinh.present.outputs import write_csv_atomic
from tuyensinh.present.report import write_report
from tuyensinh.words.labels import level_name
from zoning.result import ZONES_COLUMNS

__all__ = ["check_out_folder", "write_plan", "write_plan_manifest"]


def check_out_folder(ward_folder: Path, out: Path) -> None:
    """Refuse output folders whose replacement would destroy data that is not a plan output:
    the ward folder itself (or one inside or around it), a file, a mount point, or a folder
    holding anything tuyensinh did not write (`tuyensinh.present.owned`)."""
    from tuyensinh.present.owned import OutputFolderError, check_replaceable, resolved
    from tuyensinh.words.system import text

    ward_folder, out = resolved(ward_folder), resolved(out)
    if out == ward_folder or out in ward_folder.parents or ward_folder in out.parents:
        raise OutputFolderError(text("out.overlaps", out=out, ward=ward_folder))
    check_replaceable(out)


def _with_zones(capacity: pd.DataFrame | None, zones: str) -> pd.DataFrame | None:
    """A capacity table with the column `zones` saying which zones it assumes: `proposed`
    (the plan's zones, redrawn from a year a school opens or closes), `current` (the ward
    folder's zones.csv) or `rezoned_each_year`."""
    return None if capacity is None else capacity.assign(zones=zones)


def _write_tables(plan: Plan, stage: Path) -> None:
    """The CSV tables of the plan (numbers with 6 significant digits)."""
    tables = {
        "forecast.csv": plan.forecast,
        "demand.csv": plan.demand,
        "zones.csv": plan.assignment[ZONES_COLUMNS],
        "capacity.csv": _with_zones(plan.capacity, "proposed"),
        "quotas.csv": plan.quotas,
        "ward_summary.csv": plan.summary,
        "capacity_current_zones.csv": _with_zones(plan.capacity_current, "current"),
        "zones_by_year.csv": plan.yearly_assignment(),
        "zones_proposed_by_year.csv": plan.held if plan.reopened else None,  # re-zoned when a school opens/closes
        "capacity_rezoned.csv": _with_zones(plan.capacity_yearly, "rezoned_each_year"),
    }
    if plan.cycle is not None:
        from tuyensinh.plan.cycle import CYCLE_FILES

        tables.update({name: getattr(plan.cycle, field) for name, field in CYCLE_FILES.items()})
    for name, table in tables.items():
        if table is not None:
            write_csv_atomic(table, stage / name, float_format="%.6g")


def _school_load(plan: Plan) -> pd.DataFrame:
    """The coming year's capacity rows per school, for the schools layer of zones.gpkg."""
    rows = plan.capacity.loc[plan.capacity["school_year"] == plan.school_year]
    keep = [
        "school_id",
        "pupils_mean",
        "classes",
        "rooms_needed",
        "rooms_available",
        "room_shortfall",
        "utilization",
        "flag",
    ]
    load = rows[[c for c in keep if c in rows]]
    if "utilization" in load:  # a school without rooms: blank (its flag says over), never inf
        load = load.assign(utilization=load["utilization"].replace([np.inf, -np.inf], np.nan))
    return load


def _write_documents(plan: Plan, stage: Path) -> None:
    """The CSV tables, quotas.xlsx, capacity_plan.xlsx and zones.gpkg."""
    ward, lang = plan.ward, plan.settings.lang
    _write_tables(plan, stage)
    write_quotas_xlsx(
        stage / "quotas.xlsx",
        plan.quotas,
        ward.schools,
        ward_name=ward.name,
        ward_kind=ward.kind,
        base_year=ward.base_year,
        school_year=plan.school_year,
        lang=lang,
    )
    if plan.cycle is not None:
        from tuyensinh.plan.cycle import cycle_sheets
        from tuyensinh.present.capacity_xlsx import write_capacity_xlsx

        write_capacity_xlsx(
            stage / "capacity_plan.xlsx", cycle_sheets(plan.cycle), ward.schools, lang=lang, zones="proposed"
        )
    geo.write_zones_gpkg(
        stage / "zones.gpkg",
        geo.zones_layers(ward.quarters, plan.assignment, ward.schools, ward.crs, school_load=_school_load(plan)),
        level_names={level: level_name(level, lang) for level in plan.levels},
    )


def write_plan(plan: Plan, stage: Path, progress: Progress, figure_workers: int | None = None) -> list[str]:
    """Write every output of `plan` but manifest.json into the folder `stage` (steps 6 and 7
    of `progress`); return the relative file names.

    The charts and maps are drawn by `tuyensinh.plan.drawing.draw_figures` on
    `figure_workers` processes (None: its default; 1: serially, in this process). On a pool,
    step 6 starts the drawing, writes the tables, workbooks and zones.gpkg meanwhile and waits
    for the figures; serially it draws and step 7 writes the rest. Step 7 ends with report.html.
    """
    with progress.step(6, "charts", "step.charts"):
        drawing = draw_figures(plan, stage, workers=figure_workers)
        try:
            overlapped = drawing.parallel
            if overlapped:
                _write_documents(plan, stage)
            pngs = drawing.result()
        finally:
            drawing.close()
    with progress.step(7, "write", "step.write"):
        if not overlapped:
            _write_documents(plan, stage)
        write_report(stage / "report.html", plan_report(plan, pngs))
    return sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())


def _ward_record(plan: Plan) -> dict[str, Any]:
    ward = plan.ward
    return {
        "code": ward.code,
        "name": ward.name,
        "kind": ward.kind,
        "province": ward.province,
        "crs": ward.crs,
        "base_year": ward.base_year,
        "horizon": ward.horizon,
        "setting": ward.setting,
        "norms": ward.norms,
        "rates": ward.rates,
    }


def _settings_record(plan: Plan) -> dict[str, Any]:
    record = asdict(plan.settings)
    record.update(
        {
            "school_year": plan.school_year,
            "school_years": list(plan.school_years),
            "levels": list(plan.levels),
            "norms_version": getattr(plan.norms, "version", None),
            "norms_overridden": plan.norms.overridden[["key", "level", "group", "value", "source"]].to_dict("records"),
        }
    )
    return record


def write_plan_manifest(
    plan: Plan,
    stage: Path,
    files: list[str],
    *,
    ward_folder: str | os.PathLike,
    timings: dict[str, float],
) -> dict[str, Any]:
    """Write stage/manifest.json: the ward, its input files, the settings, the solver reports,
    the step `timings` (seconds), the past accuracy and the SHA-256 of the output `files`
    (relative to `stage`); return the manifest."""
    outputs = {name: sha256_file(stage / name) for name in files}
    manifest = build_manifest(
        ward_folder=ward_folder,
        ward=_ward_record(plan),
        settings=_settings_record(plan),
        timings=timings,
        solver=plan.solver_reports(),
        outputs=outputs,
        accuracy=plan.accuracy.headlines() if plan.accuracy is not None else None,
    )
    write_manifest(stage / "manifest.json", manifest)
    return manifest
