"""City-wide zoning across ward lines: the quarters of every ward and the schools of the whole
city (THCS first) in one zoning model, compared with the ward-by-ward zoning as baseline.

Ho Chi Minh City zones grade 6 "regardless of administrative boundaries": a family may be
nearer a school of the next ward than any school of its own. This module builds that one model
from the batch's outputs — it recomputes no forecast:

    quarters  every quarter of every planned ward (quarters.geojson), id "<ward code>:<quarter>"
    schools   every school of the level (schools.csv), id "<ward code>:<school>"; a ward's own
              lower class-size limit (ward.toml [norms]) is kept as the school's max_class_size
    demand    each ward's demand.csv (the pupils its own plan forecast) for the school year zoned
    distances straight line × detour between every quarter and school (zoning.quarter_school_
              distances, in one projected CRS), a ward's own distances.csv where it has them
    baseline  each ward's proposed zones (zones.csv of its plan): the ward-by-ward zoning

and solves it with the existing whole-class model (`zoning.assign`: every quarter whole to one
school, classes per grade within the class-size limit, rooms within the school's classrooms,
pupils beyond them reported as overflow), warm-started from the baseline. Both zonings are then
measured the same way on the same city model (`measure`):

    pupil-metres        Σ_i Σ_g pupils[i,g] × metres[i, school(i)]
    pupils over capacity Σ_s pupils of school s without a seat when s opens the whole classes
                        per grade that seat the most pupils in its rooms (zoning.vectors)
    quarters crossing   quarters zoned to a school of another ward (0 for the baseline)
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tuyensinh.words.core import Text, WordedError
from tuyensinh.words.province import PROVINCE

__all__ = ["CitywideResult", "citywide_zoning", "measure", "write_citywide"]

SEPARATOR = ":"


@dataclass(frozen=True, eq=False)
class CitywideResult:
    """The city-wide zoning of one level and school year, and its comparison with the baseline.

    zones: one row per quarter: `quarter_id, ward, level, school_id, school_ward, crosses,
        pupils, distance_m, baseline_school_id, changed` (ids "<ward code>:<id>").
    comparison: rows "ward_by_ward" and "citywide": `pupils, pupil_metres, mean_distance_m,
        pupils_over_capacity, quarters, quarters_crossing, quarters_changed`.
    load: per school: the city model's pupils, classes, rooms needed / available, overflow.
    solver: the city model's solver report (status, objective, bound, gap, seconds).
    """

    level: str
    school_year: int
    zones: pd.DataFrame
    comparison: pd.DataFrame
    load: pd.DataFrame
    solver: dict[str, Any]
    wards: tuple[str, ...]
    seconds: float
    quarters: Any = None  # GeoDataFrame of the city's quarters (for the map)
    schools: Any = None  # GeoDataFrame of the city's schools of the level (for the map)
    notes: tuple[str, ...] = ()


def _level_text(level: str) -> Text:
    """The level's name inside a sentence, in both languages ('THCS' / 'lower secondary')."""
    from tuyensinh.province.bridge import level_name

    return Text(level_name(level, "vi", short=True), level_name(level, "en", short=True))


def _prefix(values: pd.Series, code: str) -> pd.Series:
    return code + SEPARATOR + values.astype(str)


def _ward_tables(folder: str, out: str, level: str, year: int | None, national: Any) -> dict[str, Any]:
    """One ward's quarters, schools of `level`, demand, baseline zones and given distances."""
    from capacity import load_norms
    from tuyensinh.province.bridge import load_ward
    from zoning.problem import class_limit

    ward = load_ward(folder)
    manifest = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    coming = int(manifest["settings"]["school_year"]) if year is None else int(year)
    code = ward.code or Path(folder).name
    schools = ward.schools[ward.schools["level"] == level].copy()
    own = load_norms(ward.norms, ward.rates)
    grades = {"mam_non": "mg_5_6", "tieu_hoc": "lop_1", "thcs": "lop_6"}
    try:
        limit = class_limit(own, level, grades[level])
        if limit < class_limit(national, level, grades[level]):
            schools["max_class_size"] = np.fmin(schools["max_class_size"].astype(float), float(limit))
    except ValueError:
        pass
    schools["school_id"] = _prefix(schools["school_id"], code)
    schools["ward"] = code
    demand = pd.read_csv(Path(out) / "demand.csv")
    demand = demand[(demand["level"] == level) & (demand["school_year"] == coming)].copy()
    demand["quarter_id"] = _prefix(demand["quarter_id"], code)
    zones = pd.read_csv(Path(out) / "zones.csv")
    zones = zones[zones["level"] == level].copy()
    zones["quarter_id"] = _prefix(zones["quarter_id"], code)
    zones["school_id"] = _prefix(zones["school_id"], code)
    quarters = ward.quarters[["quarter_id", "geometry"]].to_crs("EPSG:4326").copy()
    quarters["quarter_id"] = _prefix(quarters["quarter_id"], code)
    quarters["ward"] = code
    given = None
    if ward.distances is not None:
        given = ward.distances.copy()
        given["quarter_id"] = _prefix(given["quarter_id"], code)
        given["school_id"] = _prefix(given["school_id"], code)
    return {
        "code": code,
        "crs": ward.crs,
        "schools": schools,
        "demand": demand,
        "zones": zones,
        "quarters": quarters,
        "distances": given,
        "year": coming,
        "name": ward.name,
    }


def measure(problem: Any, school_of: np.ndarray) -> dict[str, float]:
    """Pupil-metres and pupils over capacity of a whole-quarter zoning on the city problem
    (`school_of[i]`: school index of quarter i); see the module docstring."""
    from zoning.vectors import school_pupils, unseated

    pupils_q = problem.demand.sum(axis=(1, 2))
    metres = problem.distance[np.arange(len(school_of)), school_of]
    pupils_s = school_pupils(problem, school_of)
    over = unseated(problem, pupils_s, np.arange(pupils_s.shape[0]))
    total = float(pupils_q.sum())
    return {
        "pupils": total,
        "pupil_metres": float((pupils_q * metres).sum()),
        "mean_distance_m": float((pupils_q * metres).sum() / total) if total else float("nan"),
        "pupils_over_capacity": float(over.sum()),
    }


def _school_index(problem: Any, zones: pd.DataFrame) -> np.ndarray:
    """Whole-quarter school index per quarter of `problem` from a zones table (largest share)."""
    best = zones.sort_values("share", ascending=False, kind="stable").drop_duplicates("quarter_id")
    chosen = best.set_index("quarter_id")["school_id"].reindex(problem.quarter_ids)
    position = {s: j for j, s in enumerate(problem.school_ids)}
    index = chosen.map(position)
    if index.isna().any():
        missing = ", ".join(map(str, chosen.index[index.isna()][:5]))
        raise WordedError(PROVINCE.text("error.city_unzoned", quarters=missing))
    return index.to_numpy(int)


def citywide_zoning(
    wards: list[tuple[str, str]],
    *,
    level: str = "thcs",
    school_year: int | None = None,
    time_limit: float = 60.0,
    setting: str = "urban",
    contiguous: bool = False,
    k_nearest: int | None = None,
) -> CitywideResult:
    """Zone `level` across the wards `[(ward folder, its plan's output folder), ...]` in one
    model and compare it with the ward-by-ward zones. `school_year`: default the coming school
    year of the wards' plans (they must agree). `setting`: walking-distance norm of the city.
    `contiguous`: each school's zone one connected piece (slower at city scale; default off)."""
    import geopandas as gpd

    from capacity import load_norms
    from zoning.assign import assign
    from zoning.distances import fill_missing_distances, quarter_school_distances
    from zoning.problem import build_problem

    began = time.perf_counter()
    national = load_norms()
    parts = [_ward_tables(folder, out, level, school_year, national) for folder, out in wards]
    parts = [p for p in parts if len(p["schools"]) and len(p["demand"])]
    if not parts:
        raise WordedError(PROVINCE.text("error.city_no_ward", level=_level_text(level)))
    years = {p["year"] for p in parts}
    if len(years) > 1:
        raise WordedError(PROVINCE.text("error.city_years", years=", ".join(map(str, sorted(years)))))
    year = years.pop()
    crs = pd.Series([p["crs"] for p in parts]).mode().iloc[0]
    quarters = gpd.GeoDataFrame(pd.concat([p["quarters"] for p in parts], ignore_index=True), crs="EPSG:4326")
    schools = pd.concat([p["schools"] for p in parts], ignore_index=True)
    demand = pd.concat([p["demand"] for p in parts], ignore_index=True)
    baseline = pd.concat([p["zones"] for p in parts], ignore_index=True)
    computed = quarter_school_distances(quarters, schools, crs=crs)
    given = [p["distances"] for p in parts if p["distances"] is not None]
    distances = fill_missing_distances(pd.concat(given, ignore_index=True) if given else None, computed)
    options: dict[str, Any] = {"setting": setting, "time_limit": time_limit, "k_nearest": k_nearest}
    if contiguous:
        from zoning.contiguity import quarter_adjacency

        options["contiguity"] = quarter_adjacency(quarters.to_crs(crs))
    current = baseline[["quarter_id", "level", "school_id", "share"]]
    result = assign(
        demand,
        schools,
        distances,
        level=level,
        school_years=year,
        norms=national,
        current=current,
        stability=0.0,
        **options,
    )
    problem = build_problem(
        demand, schools, distances, level=level, school_years=year, norms=national, current=current, setting=setting
    )
    base_of = _school_index(problem, baseline)
    zones = result.zones(year)
    city_of = _school_index(problem, zones)
    ward_of_quarter = quarters.set_index("quarter_id")["ward"].reindex(problem.quarter_ids).to_numpy()
    ward_of_school = schools.set_index("school_id")["ward"].reindex(problem.school_ids).to_numpy()
    rows = []
    for name, school_of in (("ward_by_ward", base_of), ("citywide", city_of)):
        figures = measure(problem, school_of)
        figures["quarters"] = len(school_of)
        figures["quarters_crossing"] = int((ward_of_school[school_of] != ward_of_quarter).sum())
        figures["quarters_changed"] = int((school_of != base_of).sum())
        rows.append({"zoning": name, **figures})
    comparison = pd.DataFrame(rows)
    pupils_q = problem.demand.sum(axis=(1, 2))
    table = pd.DataFrame(
        {
            "quarter_id": problem.quarter_ids,
            "ward": ward_of_quarter,
            "level": level,
            "school_id": problem.school_ids[city_of],
            "school_ward": ward_of_school[city_of],
            "crosses": ward_of_school[city_of] != ward_of_quarter,
            "pupils": pupils_q,
            "distance_m": problem.distance[np.arange(len(city_of)), city_of],
            "baseline_school_id": problem.school_ids[base_of],
            "changed": city_of != base_of,
        }
    )
    load = result.load.copy()
    return CitywideResult(
        level=level,
        school_year=year,
        zones=table,
        comparison=comparison,
        load=load,
        solver=result.solver.to_dict(),
        wards=tuple(p["code"] for p in parts),
        seconds=time.perf_counter() - began,
        quarters=quarters.to_crs(crs),
        schools=gpd.GeoDataFrame(
            schools[["school_id", "ward"]], geometry=gpd.points_from_xy(schools["lon"], schools["lat"]), crs="EPSG:4326"
        ).to_crs(crs),
        notes=tuple(result.note_texts("vi")),
    )


def citywide_map_png(result: CitywideResult, dpi: int = 150, lang: str = "vi") -> bytes:
    """`citywide_map_figure` as PNG bytes."""
    import io

    import matplotlib.pyplot as plt

    fig = citywide_map_figure(result, lang)
    try:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(fig)


def citywide_map_figure(result: CitywideResult, lang: str = "vi") -> Any:
    """Quarters zoned across a ward line (orange), changed within their ward (light orange),
    ward outlines (dark lines) and the schools (triangles); the legend below the map, never
    over a quarter. A matplotlib Figure (the caller closes it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from tuyensinh.province.bridge import level_name, school_year_label
    from tuyensinh.words.province import say

    quarters = result.quarters.merge(result.zones[["quarter_id", "crosses", "changed"]], on="quarter_id")
    fig, ax = plt.subplots(figsize=(9, 9))
    try:
        quarters.plot(
            ax=ax,
            color=np.where(quarters["crosses"], "#f28e2b", np.where(quarters["changed"], "#ffe0b2", "#e8eef5")),
            edgecolor="#bbbbbb",
            linewidth=0.2,
        )
        quarters.dissolve("ward").boundary.plot(ax=ax, color="#333333", linewidth=0.6)
        if result.schools is not None and len(result.schools):
            result.schools.plot(ax=ax, marker="^", color="#1f4e79", markersize=28, zorder=3)
        ax.legend(
            handles=[
                Patch(color="#f28e2b", label=say("city.crosses", lang)),
                Patch(color="#ffe0b2", label=say("city.changed", lang)),
                Patch(color="#e8eef5", label=say("city.kept", lang)),
                Line2D([], [], marker="^", color="#1f4e79", linestyle="", label=say("city.school", lang)),
            ],
            loc="upper center",  # below the map, never over a quarter
            bbox_to_anchor=(0.5, -0.01),
            ncols=2,
            fontsize=9,
            frameon=False,
        )
        ax.set_title(
            say(
                "city.title",
                lang,
                level=level_name(result.level, lang, short=True),
                year=school_year_label(result.school_year, lang),
            )
        )
        ax.set_axis_off()
    except BaseException:
        plt.close(fig)
        raise
    return fig


def write_citywide(result: CitywideResult, out: str | os.PathLike, lang: str = "vi") -> list[str]:
    """Write citywide_<level>/ into `out` atomically as a whole: zones.csv, comparison.csv,
    load.csv, solver.json, map.png and manifest.json (the files' SHA-256, so that the next run
    may replace the folder); return the folder's file names."""
    from tuyensinh.province.bridge import (
        MANIFEST_VERSION,
        file_hashes,
        manifest_json,
        staged_output,
        write_bytes_atomic,
        write_csv_atomic,
    )

    folder = Path(out) / f"citywide_{result.level}"
    with staged_output(folder, replace_whole=True) as stage:
        write_csv_atomic(result.zones, stage / "zones.csv", float_format="%.6g")
        write_csv_atomic(result.comparison, stage / "comparison.csv", float_format="%.6g")
        write_csv_atomic(result.load, stage / "load.csv", float_format="%.6g")
        record = {
            "level": result.level,
            "school_year": result.school_year,
            "wards": list(result.wards),
            "seconds": round(result.seconds, 3),
            "solver": result.solver,
            "notes": list(result.notes),
            "comparison": result.comparison.to_dict("records"),
        }
        write_bytes_atomic(stage / "solver.json", manifest_json(record).encode("utf-8"))
        write_bytes_atomic(stage / "map.png", citywide_map_png(result, lang=lang))
        manifest = {
            "manifest_version": MANIFEST_VERSION,
            "tool": "tuyensinh",
            "command": "citywide",
            "level": result.level,
            "school_year": result.school_year,
            "outputs_sha256": file_hashes(stage),
        }
        write_bytes_atomic(stage / "manifest.json", manifest_json(manifest).encode("utf-8"))
    return sorted(p.name for p in folder.iterdir())
