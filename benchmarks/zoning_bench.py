"""City-scale zoning benchmark on the real ward boundaries of Ho Chi Minh City.

Synthetic but realistic instance: in each of the 168 wards (data/boundaries/79_ho_chi_minh_
wards.geojson) `--quarters-per-ward` random points become quarters (Voronoi cells clipped to
the ward) and 2 of them host a primary school; each quarter has primary pupils per grade 1–5
(gamma-distributed), and each school's classrooms are set so the city has about 8% more
rooms than its pupils need, spread unevenly (tight-ish: many schools must send pupils away).
Distances: straight line × 1.3.

Compared in the same run, with the same time limit:
- baseline 1, nearest school: every quarter to its nearest school (no capacity awareness);
- baseline 2, plain PuLP binary model: the same model built with PuLP and solved by HiGHS via
  PuLP (`solver="pulp-highs"`, exact strategy);
- tuyensinh: `zoning.solve_problem` with the direct HiGHS backend and the LP-guided strategy.
Printed: build time, solve time, objective, pupils over capacity, and the gap to the LP
relaxation bound of the same (10-nearest) model.

Sections (all by default; `--sections city,scale` for some), each printing its baselines
measured in the same run:
- city: the above on the 4,032-quarter, 5-grade city (with the recorded figure of an
  independently written PuLP + HiGHS model beside the project's own PuLP translation);
- entry: grade 1 only (must stay optimal);
- scale: 504 / 2,016 / 4,032 / 10,080 quarters (one school per 12): the candidate links from the
  k-d tree against the full quarter × school table (rows, MB, seconds), and 60 s zonings (above
  the LP bound, above the bound proven in the run, wall time ÷ limit);
- deadline: tight limits (10 s at 4,032; 15 s and 30 s at 10,080 quarters): wall time ÷ limit;
- contiguous: the 4,032-quarter city with contiguous zones;
- memory: 20,160 quarters × 1,680 schools in a fresh process: links, problem, model and a 60 s
  zoning, peak memory (goal: within 4 GB).
The first line gives the machine and its load average: the machine is shared with other
engineers, so timings and what a time-limited search reaches vary from run to run.

Run: `python -m benchmarks zoning` (all benchmarks: `python -m benchmarks`), options:
`python -m benchmarks.zoning_bench --time-limit 60 --quarters-per-ward 24 --skip-pulp --sections city`.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from capacity import load_norms
from zoning.assign import solve_problem
from zoning.distances import quarter_school_distances
from zoning.model import ModelOptions, build_model
from zoning.problem import build_problem
from zoning.solve import relative_gap, solve_model, solve_relaxation
from zoning.strategy import bounding_model, feasible_start
from zoning.vectors import solution_vector

REPO = Path(__file__).resolve().parents[1]
HCMC = REPO / "data" / "boundaries" / "79_ho_chi_minh_wards.geojson"
CRS = "EPSG:3405"  # VN-2000 / UTM zone 48N


def _points_in(geom: shapely.Geometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` uniform random points inside `geom` (rejection sampling in its bounding box)."""
    x0, y0, x1, y1 = geom.bounds
    found = np.empty((0, 2))
    while len(found) < count:
        xy = rng.uniform((x0, y0), (x1, y1), size=(4 * count, 2))
        found = np.vstack([found, xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]])
    return shapely.points(found[:count])


def synthetic_city(
    quarters_per_ward: int = 24,
    schools_per_ward: float = 2,
    spare: float = 0.08,
    seed: int = 7,
    grades: tuple[str, ...] = ("lop_1", "lop_2", "lop_3", "lop_4", "lop_5"),
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """(quarters, schools, demand) of a synthetic Ho Chi Minh City primary-school zoning."""
    rng = np.random.default_rng(seed)
    wards = gpd.read_file(HCMC).to_crs(CRS).sort_values("code", ignore_index=True)
    cells: list[shapely.Geometry] = []
    ids: list[str] = []
    ward_of: list[int] = []
    for w, geom in enumerate(wards.geometry.values):
        points = _points_in(geom, quarters_per_ward, rng)
        voronoi = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=geom))
        clipped = shapely.intersection(voronoi, geom)
        clipped = clipped[~shapely.is_empty(clipped) & (shapely.area(clipped) > 1.0)]
        cells.extend(clipped)
        ids.extend(f"{wards['code'][w]}-{k:03d}" for k in range(len(clipped)))
        ward_of.extend([w] * len(clipped))
    quarters = gpd.GeoDataFrame({"quarter_id": ids, "ward": ward_of}, geometry=cells, crs=CRS)
    centres = quarters.geometry.representative_point()
    ward_index = np.asarray(ward_of)
    # schools at the centres of randomly chosen quarters, `schools_per_ward` per ward (below 1:
    # one school in each of that share of the wards, chosen at random)
    if schools_per_ward >= 1:
        chosen = np.concatenate(
            [
                rng.choice(
                    np.flatnonzero(ward_index == w),
                    size=min(int(schools_per_ward), int((ward_index == w).sum())),
                    replace=False,
                )
                for w in range(len(wards))
            ]
        )
    else:
        hosts = np.sort(rng.choice(len(wards), size=max(1, round(schools_per_ward * len(wards))), replace=False))
        chosen = np.array([rng.choice(np.flatnonzero(ward_index == w)) for w in hosts])
    lonlat = gpd.GeoSeries(centres.values[chosen], crs=CRS).to_crs("EPSG:4326")
    per_grade = rng.gamma(shape=4.0, scale=15.0 / 4.0, size=(len(quarters), 1)) * rng.uniform(
        0.85, 1.15, size=(len(quarters), len(grades))
    )
    demand = pd.DataFrame(
        {
            "quarter_id": np.repeat(quarters["quarter_id"].to_numpy(), len(grades)),
            "school_year": 2027,
            "level": "tieu_hoc",
            "grade": np.tile(grades, len(quarters)),
            "age": np.tile([5 + int(g.split("_")[1]) for g in grades], len(quarters)),
            "mean": np.round(per_grade.ravel(), 2),
        }
    )
    classes_needed = np.ceil(per_grade.sum(axis=0) / 35.0).sum()  # city-wide, per grade
    weights = rng.uniform(0.7, 1.3, size=len(chosen))
    # + rooms per school: whole classes per grade leave on average half a class per grade empty
    rooms = np.round(weights / weights.sum() * classes_needed * (1 + spare)) + np.ceil(0.6 * len(grades))
    schools = pd.DataFrame(
        {
            "school_id": [f"TH{k:03d}" for k in range(len(chosen))],
            "name": [f"Trường Tiểu học số {k}" for k in range(len(chosen))],
            "level": "tieu_hoc",
            "lon": lonlat.x.to_numpy(),
            "lat": lonlat.y.to_numpy(),
            "classrooms": rooms.astype(int),
            "sessions_per_day": 2,
        }
    )
    return quarters, schools, demand


def _nearest_baseline(model, problem) -> tuple[float, float]:
    """Objective and overflow pupils of 'every quarter to its nearest school'."""
    values = feasible_start(model, problem)
    return model.objective(values), float(values[model.overflow_slice].sum())


def city_section(args: argparse.Namespace) -> int:
    """The 4,032-quarter city: nearest school, plain PuLP, tuyensinh (the original benchmark)."""
    grades = ("lop_1",) if args.entry_grade else tuple(f"lop_{g}" for g in range(1, 6))
    return _city(args, grades)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks zoning", description=__doc__.split("\n")[0])
    parser.add_argument("--quarters-per-ward", type=int, default=24)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument(
        "--spare",
        type=float,
        default=0.08,
        help="classrooms above the city's need, as a share (default 0.08; tighter is harder)",
    )
    parser.add_argument("--skip-pulp", action="store_true", help="skip the slow plain PuLP baseline")
    parser.add_argument(
        "--reference-bound",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="afterwards, prove a bound for that long (the split-quarter relaxation, or the "
        "whole MIP with one grade, warm-started from tuyensinh's zoning): how far from "
        "the optimum can the 60 s answer be? (docs/zoning.md used 900)",
    )
    parser.add_argument(
        "--entry-grade",
        action="store_true",
        help="zone grade 1 only (each school's rooms for grade 1) instead of grades 1–5",
    )
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})",
    )
    parser.add_argument(
        "--no-full-table",
        action="store_true",
        help="scale section: skip the baseline that builds the full quarter × school table",
    )
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    return parser


def _city(args: argparse.Namespace, grades: tuple[str, ...]) -> int:
    t0 = time.perf_counter()
    quarters, schools, demand = synthetic_city(args.quarters_per_ward, spare=args.spare, grades=grades)
    distances = quarter_school_distances(quarters, schools, crs=CRS)
    norms = load_norms()
    problem = build_problem(demand, schools, distances, level="tieu_hoc", school_years=2027, norms=norms, grades=grades)
    n, m, _, _ = problem.shape
    print(
        f"zoning benchmark: Ho Chi Minh City, {n} quarters × {m} schools, grades {grades[0]}–{grades[-1]}, "
        f"{problem.demand.sum():,.0f} pupils, {problem.rooms.sum():,.0f} classrooms "
        f"(instance made in {time.perf_counter() - t0:.1f} s); time limit {args.time_limit:g} s, 1 thread"
    )

    began = time.perf_counter()
    model = build_model(problem, ModelOptions(k_nearest=10))
    build = time.perf_counter() - began
    lp, _ = solve_relaxation(model, time_limit=args.time_limit)
    lp_bound = lp.objective
    print(
        f"  model: {model.n_pairs:,} pair variables (10 nearest schools), {model.n_cols:,} columns, "
        f"{model.n_rows:,} rows; NumPy build {build:.2f} s; LP relaxation bound {lp_bound:,.0f} "
        f"pupil-m in {lp.seconds:.1f} s"
    )

    rows: list[tuple[str, float, float, float | None, float]] = []
    obj, over = _nearest_baseline(model, problem)
    rows.append(("nearest school (baseline)", 0.0, 0.0, obj, over))

    if not args.skip_pulp:
        result = solve_problem(problem, k_nearest=10, time_limit=args.time_limit, solver="pulp-highs", strategy="exact")
        r = result.solver
        rows.append(
            (
                "plain PuLP + HiGHS (baseline)",
                r.build_seconds,
                r.solve_seconds,
                r.objective,
                float(result.load["overflow_pupils"].sum()),
            )
        )

    result = solve_problem(problem, k_nearest=10, time_limit=args.time_limit, solver="highs", strategy="lp_guided")
    r = result.solver
    rows.append(
        (
            "tuyensinh: HiGHS direct, LP-guided",
            r.build_seconds,
            r.solve_seconds,
            r.objective,
            float(result.load["overflow_pupils"].sum()),
        )
    )

    print(
        f"  {'method':38s} {'build s':>8s} {'solve s':>8s} {'objective':>16s} {'over LP bound':>14s} "
        f"{'overflow':>9s}   (PuLP's own model build is part of its solve time)"
    )
    for name, build_s, solve_s, o, ov in rows:
        gap = relative_gap(o, lp_bound)
        gap_text = "—" if gap is None else f"{gap:.3%}"
        obj_text = "no solution" if o is None else f"{o:,.0f}"
        print(f"  {name:38s} {build_s:8.2f} {solve_s:8.2f} {obj_text:>16s} {gap_text:>14s} {ov:9.1f}")
    ours = relative_gap(r.objective, lp_bound)
    pulp_gap = relative_gap(rows[1][3], lp_bound) if not args.skip_pulp else None
    if pulp_gap is not None and ours is not None:
        print(
            f"  ratio: plain PuLP gap / tuyensinh gap = "
            f"{pulp_gap / max(ours, 1e-9):.1f}×; total time ratio "
            f"{(rows[1][1] + rows[1][2]) / (r.build_seconds + r.solve_seconds):.2f}×"
        )
    if len(grades) > 1 and ours is not None:
        print(
            f"  reference (recorded, not run here): an independently written PuLP model + HiGHS ends "
            f"{INDEPENDENT_PULP_GAP:.1%} above the LP bound on this instance in 60 s (ZONING.md); ratio to "
            f"tuyensinh's gap {INDEPENDENT_PULP_GAP / max(ours, 1e-9):.1f}× (the 'plain PuLP' row above is the "
            f"project's own translation of its model into PuLP)"
        )
    proven = "—" if r.gap is None else f"{r.gap:.3%}"
    beyond = relative_gap(r.best_bound, lp_bound)
    if ours is not None and ours <= 0.01:
        verdict = "meets the 1% goal"
    elif beyond is not None and beyond > 0.01:
        verdict = (
            f"misses the 1% goal, which no zoning can meet: the bound proven in this run is itself "
            f"{beyond:.3%} above the LP bound"
        )
    else:
        verdict = "misses the 1% goal"
    print(
        f"  tuyensinh: status {r.status}, gap to LP bound {ours:.3%} ({verdict}), gap to the best "
        f"bound proven in this run ({r.best_bound:,.0f}: the LP's, or the proof step's bound when "
        f"higher) {proven}, in {r.build_seconds + r.solve_seconds:.1f} s"
    )
    reached = None
    print(f"    {'step':44s} {'seconds':>8s} {'ends at':>8s} {'objective':>16s} {'above LP bound':>15s} {'bound':>16s}")
    for s in r.steps:
        elapsed = r.build_seconds + s["ends_at"]
        o, b = s.get("objective"), s.get("bound")
        above = relative_gap(o, lp_bound) if o is not None else None
        if (
            above is not None
            and above <= 0.01
            and reached is None
            and s["step"] != "lp_relaxation"
            and not s["step"].startswith("split_quarter")
        ):
            reached = elapsed
        print(
            f"    {s['step']:44s} {s['seconds']:8.2f} {elapsed:8.2f} "
            f"{'—' if o is None else f'{o:,.0f}':>16s} {'—' if above is None else f'{above:.3%}':>15s} "
            f"{'—' if b is None else f'{b:,.0f}':>16s}"
        )
    if any(s["step"] == "class_count_bound" for s in r.steps):
        print(
            "    (class_count_bound: the Lagrangian bound with whole classes per school, zoning.lagrange, "
            "computed beside the search)"
        )
    if any(s["step"] == "split_quarter_bound" for s in r.steps):
        print(
            "    (split_quarter_bound: the relaxation in which quarters may be shared; its objective is a "
            "split zoning, shown for information; its bound holds for whole quarters)"
        )
    print(f"  first zoning within 1% of the LP bound: {'none' if reached is None else f'after {reached:.1f} s'}")
    if args.reference_bound > 0:
        bounding, is_split = bounding_model(model, problem)
        start = _zoning_vector(model, problem, result)
        proof = solve_model(bounding, time_limit=args.reference_bound, start=start)
        print(
            f"  reference: {'split-quarter relaxation' if is_split else 'whole MIP'} for "
            f"{proof.seconds:.0f} s proves a bound of {proof.bound:,.0f} pupil-m, "
            f"{relative_gap(proof.bound, lp_bound):.3%} above the LP bound: tuyensinh's zoning is at most "
            f"{relative_gap(r.objective, proof.bound):.3%} above the optimum, and no zoning can be within "
            f"{relative_gap(proof.bound, lp_bound):.2%} of the LP bound"
        )
    return 0


def _zoning_vector(model, problem, result) -> np.ndarray:
    """The full column vector of `result`'s whole-quarter zoning in `model`."""
    index = {
        (q, s): p
        for p, (q, s) in enumerate(
            zip(problem.quarter_ids[model.pair_quarter], problem.school_ids[model.pair_school], strict=True)
        )
    }
    school = result.zones().set_index("quarter_id")["school_id"]
    chosen = np.array([index[(q, school[q])] for q in problem.quarter_ids])  # in the model's quarter order
    return solution_vector(model, problem, chosen)


INDEPENDENT_PULP_GAP = 0.435
"""Recorded 2026-12-05 on the 4,032-quarter, 5-grade instance, 60 s (ZONING.md, "fair anchors"):
an independently written PuLP model + HiGHS ends 43.5% above the LP bound (1,315 pupils over
capacity). Not re-measured here: it is another team's code, kept as a reference figure."""
SCALES = ((3, 0.25), (12, 1), (24, 2), (60, 5))
"""(quarters per ward, schools per ward) of the scale runs: 504 × 42, 2,016 × 168, 4,032 × 336,
10,080 × 840 (one school per 12 quarters)."""
MEMORY_SCALE = (120, 10)
"""20,160 quarters × 1,680 schools."""


def _peak_rss_mb() -> tuple[float, float]:
    """(this process, its largest child) peak resident memory, MB (Linux: ru_maxrss in kB)."""
    import resource

    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    )


def _zoning_line(label: str, problem, result, limit: float, elapsed: float) -> None:
    r = result.solver
    lp = relative_gap(r.objective, r.lp_bound)
    proven = r.gap
    print(
        f"  {label:30s} {problem.shape[0]:>7,d} {problem.shape[1]:>6,d} {elapsed:8.1f} {elapsed / limit:7.3f} "
        f"{r.objective:>16,.0f} {'—' if lp is None else f'{lp:.2%}':>9s} "
        f"{'—' if proven is None else f'{proven:.2%}':>9s} {float(result.load['overflow_pupils'].sum()):9.1f}  "
        f"{r.status}"
    )


def _zoning_header() -> None:
    print(
        f"  {'run':30s} {'quarters':>7s} {'schools':>6s} {'wall s':>8s} {'÷limit':>7s} {'pupil-m':>16s} "
        f"{'>LP bnd':>9s} {'>proven':>9s} {'overflow':>9s}  status"
    )


def scale_section(args: argparse.Namespace) -> int:
    """504 to 10,080 quarters: candidate links against the full table, and 60 s zonings."""
    print(
        f"zoning at scale: 5 grades, one school per 12 quarters, time limit {args.time_limit:g} s; the candidate "
        "links (k-d tree: 20 nearest + every school within the walking norm) against the full quarter × school "
        "table (baseline: quarter_school_distances(nearest=None)), measured in the same run"
    )
    norms = load_norms()
    rows: list[tuple[Any, ...]] = []
    for qpw, spw in SCALES:
        quarters, schools, demand = synthetic_city(qpw, spw, spare=args.spare)
        t0 = time.perf_counter()
        links = quarter_school_distances(quarters, schools, crs=CRS)
        problem = build_problem(demand, schools, links, level="tieu_hoc", school_years=2027, norms=norms)
        link_s = time.perf_counter() - t0
        full_s = full_mb = None
        n, m = problem.shape[:2]
        if not args.no_full_table:
            t0 = time.perf_counter()
            full = quarter_school_distances(quarters, schools, crs=CRS, nearest=None)
            full_mb = full.memory_usage(deep=True).sum() / 1e6
            build_problem(demand, schools, full, level="tieu_hoc", school_years=2027, norms=norms)
            full_s = time.perf_counter() - t0
            del full
        links_mb = links.memory_usage(deep=True).sum() / 1e6
        rows.append((n, m, len(links), links_mb, link_s, n * m, full_mb, full_s))
        began = time.perf_counter()
        result = solve_problem(problem, time_limit=args.time_limit)
        elapsed = time.perf_counter() - began
        nearest_obj, nearest_over = _nearest_baseline(build_model(problem, ModelOptions(k_nearest=10)), problem)
        rows[-1] = rows[-1] + (problem, result, elapsed, nearest_obj, nearest_over)
    print(
        f"  {'quarters × schools':>20s} {'links':>9s} {'MB':>7s} {'s':>6s}   {'full rows':>11s} {'MB':>8s} "
        f"{'s':>6s}   {'memory ÷':>8s} {'time ÷':>7s}"
    )
    for n, m, L, lmb, ls, F, fmb, fs, *_ in rows:
        ratio_m = "—" if fmb is None else f"{fmb / lmb:.0f}×"
        ratio_t = "—" if fs is None else f"{fs / max(ls, 1e-9):.1f}×"
        print(
            f"  {f'{n:,} × {m:,}':>20s} {L:>9,d} {lmb:7.1f} {ls:6.2f}   {F:>11,d} "
            f"{'—' if fmb is None else f'{fmb:8.1f}'} {'—' if fs is None else f'{fs:6.2f}'}   "
            f"{ratio_m:>8s} {ratio_t:>7s}"
        )
    _zoning_header()
    for n, m, *_rest in rows:
        problem, result, elapsed, nearest_obj, nearest_over = _rest[-5:]
        r = result.solver
        print(
            f"  {'nearest school (baseline)':30s} {n:>7,d} {m:>6,d} {'—':>8s} {'—':>7s} {nearest_obj:>16,.0f} "
            f"{relative_gap(nearest_obj, r.lp_bound):9.2%} {'—':>9s} {nearest_over:9.1f}"
        )
        _zoning_line("tuyensinh (auto: LP-guided)", problem, result, args.time_limit, elapsed)
        _steps_line(r)
    return 0


def _steps_line(r) -> None:
    parts = [f"{s['step'].split(' ')[0]} {s['ends_at']:.1f}s" for s in r.steps]
    print(
        f"      steps (ending at): {'; '.join(parts)}; LP bound {r.lp_bound or float('nan'):,.0f}, "
        f"proven bound {r.best_bound or float('nan'):,.0f}"
    )


def memory_section(args: argparse.Namespace) -> int:
    """20,160 quarters × 1,680 schools: peak memory of candidate links, problem, model and a
    zoning, in a fresh process; the full table's size projected from its bytes per row."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "benchmarks.zoning_bench", "--memory-child", "--time-limit", str(args.time_limit)]
    print(
        f"zoning memory: {MEMORY_SCALE[0] * 168:,} quarters × {MEMORY_SCALE[1] * 168:,} schools, in a fresh process "
        f"({' '.join(command[1:])})",
        flush=True,
    )
    done = subprocess.run(command, check=False, cwd=REPO)
    return done.returncode


def _memory_child(args: argparse.Namespace) -> int:
    qpw, spw = MEMORY_SCALE
    t0 = time.perf_counter()
    quarters, schools, demand = synthetic_city(qpw, spw, spare=args.spare)
    made = time.perf_counter() - t0
    before = _peak_rss_mb()[0]
    t0 = time.perf_counter()
    links = quarter_school_distances(quarters, schools, crs=CRS)
    problem = build_problem(demand, schools, links, level="tieu_hoc", school_years=2027, norms=load_norms())
    model = build_model(problem, ModelOptions(k_nearest=10))
    built = time.perf_counter() - t0
    n, m = problem.shape[:2]
    after_build = _peak_rss_mb()[0]
    per_row = 107.7  # bytes per row of the full table (915 MB / 8.5 M rows at 10,080 × 840, issue 18)
    print(
        f"  instance made in {made:.0f} s (peak {before:,.0f} MB); candidate links: {len(links):,} "
        f"({len(links) / n:.1f} per quarter) instead of {n * m:,} pairs (full table ≈ {n * m * per_row / 1e9:.1f} GB "
        f"as a table alone, projected at {per_row:.0f} bytes per row); links + problem + model "
        f"({model.n_pairs:,} pair variables) in {built:.1f} s, peak {after_build:,.0f} MB",
        flush=True,
    )
    began = time.perf_counter()
    result = solve_problem(problem, time_limit=args.time_limit)
    elapsed = time.perf_counter() - began
    own, child = _peak_rss_mb()
    _zoning_header()
    _zoning_line("tuyensinh (auto: LP-guided)", problem, result, args.time_limit, elapsed)
    _steps_line(result.solver)
    verdict = "within" if own + child <= 4096 else "ABOVE"
    print(
        f"  peak memory: {own:,.0f} MB in the process + {child:,.0f} MB in its largest HiGHS child = "
        f"{own + child:,.0f} MB at most at once ({verdict} the 4 GB goal)"
    )
    return 0


def deadline_section(args: argparse.Namespace) -> int:
    """Tight time limits at city scale: wall time of the whole call ÷ the limit (goal ≤ 1.05)."""
    norms = load_norms()
    print("zoning deadline: wall time of solve_problem (model build, search, tables) ÷ its time limit; goal ≤ 1.05")
    _zoning_header()
    for (qpw, spw), limit in (((24, 2), 10.0), ((60, 5), 15.0), ((60, 5), 30.0)):
        quarters, schools, demand = synthetic_city(qpw, spw, spare=args.spare)
        problem = build_problem(
            demand,
            schools,
            quarter_school_distances(quarters, schools, crs=CRS),
            level="tieu_hoc",
            school_years=2027,
            norms=norms,
        )
        began = time.perf_counter()
        result = solve_problem(problem, time_limit=limit)
        elapsed = time.perf_counter() - began
        _zoning_line(f"limit {limit:g} s", problem, result, limit, elapsed)
    return 0


def contiguous_section(args: argparse.Namespace) -> int:
    """The 4,032-quarter city with contiguous zones (the plan's default), 5 grades."""
    from zoning.contiguity import quarter_adjacency

    quarters, schools, demand = synthetic_city(args.quarters_per_ward, spare=args.spare)
    problem = build_problem(
        demand,
        schools,
        quarter_school_distances(quarters, schools, crs=CRS),
        level="tieu_hoc",
        school_years=2027,
        norms=load_norms(),
    )
    adjacency = quarter_adjacency(quarters)
    print(
        f"zoning with contiguity: {problem.shape[0]:,} quarters × {problem.shape[1]} schools, 5 grades, "
        f"{len(adjacency):,} neighbour pairs, time limit {args.time_limit:g} s"
    )
    began = time.perf_counter()
    result = solve_problem(problem, contiguity=adjacency, time_limit=args.time_limit)
    elapsed = time.perf_counter() - began
    _zoning_header()
    _zoning_line("tuyensinh (auto: contiguous)", problem, result, args.time_limit, elapsed)
    _steps_line(result.solver)
    exempt = [n for n in result.note_records if n.key == "contiguity_exempt"]
    pieces = result.load["contiguous"].mean()
    print(
        f"  zones in one piece: {pieces:.1%} of the schools (a quarter with no neighbour is a piece of its own); "
        f"quarters exempted as islands: {exempt[0].fields['count'] if exempt else 0}"
    )
    return 0


def entry_section(args: argparse.Namespace) -> int:
    """Grade 1 only at city scale: must stay optimal."""
    return _city(argparse.Namespace(**{**vars(args), "skip_pulp": True}), ("lop_1",))


SECTIONS = ("city", "entry", "scale", "deadline", "contiguous", "memory")
_RUN = {
    "city": city_section,
    "entry": entry_section,
    "scale": scale_section,
    "deadline": deadline_section,
    "contiguous": contiguous_section,
    "memory": memory_section,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.memory_child:
        return _memory_child(args)
    if args.entry_grade:
        return city_section(args)
    status = 0
    print(
        f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} at the "
        "start (shared with other engineers: timings vary by ±20% from run to run)",
        flush=True,
    )
    for name in args.sections.split(","):
        if name not in _RUN:
            print(f"unknown section {name!r}; sections: {', '.join(SECTIONS)}")
            return 2
        print(f"--- zoning: {name} ---", flush=True)
        status |= int(_RUN[name](args) or 0)
        print(f"  (load average now {', '.join(f'{x:.1f}' for x in os.getloadavg())})", flush=True)
    return status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
