"""School-network benchmark: choosing candidate sites with the whole-class model.

Two synthetic instances on real boundaries (data/boundaries/79_ho_chi_minh_wards.geojson):
- ward scale: one ward, 100 quarters, 20 existing schools (7 preschools, 8 primary, 5 THCS),
  30 candidate sites (10 per level, 3 room options each, opening from 2027 or 2028), school
  years 2026–2030 with demand growing 4% a year, classrooms about 8% short of the 2030 need,
  a money budget shared by the levels (about 8 sites); solved twice: with every grade of the
  3 levels sharing each school's rooms, and with the entry grades only (mẫu giáo 5–6 tuổi,
  lớp 1, lớp 6: the admission zoning, each school's rooms for its entry grade);
- city scale: the zoning benchmark's city (`benchmarks.zoning_bench.synthetic_city`: 4,032
  quarters, 336 primary schools, grade 1, school year 2027) with classrooms 6% short of the
  need, 100 candidate sites (3 room options each), at most 30 sites.
Both are solved in the same run by tuyensinh (`zoning.sites.plan_network`: the NumPy-built
model passed to HiGHS through highspy, warm-started) and by plain PuLP + HiGHS on the same
model (`solver="pulp-highs"`: the matrices written as a PuLP problem), with the same time
limit, 1 thread. Printed: build and solve seconds, objective, best bound, gap, sites opened,
pupils over capacity.

Run: `python -m benchmarks network [--skip-city] [--skip-pulp] [--before] [--ward-limit 10]
[--city-limit 60] [--gap-study S] [--no-proof] [--bound-before] [--seeds 11,12,13 --limits 10,20]`
(`--seeds`: the seed study alone, `seed_study`: step 4a of the strategy off and on, back to back;
with `--engine-years 1.0,1.5,2.5`, `engine_study`: step 4a's engine seconds a year instead) (`--no-proof`: the ward
instances also solved without step 4b, the proof over every site choice, in the same run;
`--bound-before`: also with the Lagrangian bound's quarters whole from its first step,
`network_lagrange.RELAXED_SHARE` = 0, the previous bound, in the same run; `--before`: the
ward instances also solved by the strategy without the site search and its LP-zone start,
the previous one, in the same run; `--gap-study`: where each ward plan's gap lies, see
`gap_study`).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from benchmarks.zoning_bench import CRS, HCMC, _points_in, synthetic_city
from capacity import load_norms
from capacity.grades import LEVEL_GRADES
from zoning import network_chains, network_lagrange, network_strategy
from zoning.constraints import pair_rules
from zoning.distances import quarter_school_distances
from zoning.network_model import NetworkModel
from zoning.network_problem import build_network_problem
from zoning.network_strategy import whole_sites_relaxation
from zoning.problem import build_problem
from zoning.sites import NetworkOptions, build_network_model, plan_network
from zoning.solve import relative_gap, solve_model

YEARS = tuple(range(2026, 2031))
SAFETY = 1.5
"""Seconds of the time limit kept for building the model and tabulating the plan, so the whole
run stays within the limit (HiGHS may overrun its own limit by up to 0.25 s)."""
PROVEN_GAP = 1e-4
"""Proven optimal: within HiGHS's default relative MIP gap of the best bound of the run."""
LEVELS = {"mam_non": 7, "tieu_hoc": 8, "thcs": 5}
PER_GRADE = {"mam_non": 9.0, "tieu_hoc": 14.0, "thcs": 13.0}  # pupils per quarter and grade (mean)


def _quarters(geom: shapely.Geometry, count: int, rng: np.random.Generator, prefix: str) -> gpd.GeoDataFrame:
    points = _points_in(geom, count, rng)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=geom))
    cells = shapely.intersection(cells, geom)
    cells = cells[~shapely.is_empty(cells) & (shapely.area(cells) > 1.0)]
    return gpd.GeoDataFrame({"quarter_id": [f"{prefix}{k:03d}" for k in range(len(cells))]}, geometry=cells, crs=CRS)


def _sites(quarters: gpd.GeoDataFrame, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    centres = quarters.geometry.representative_point()
    chosen = rng.choice(len(quarters), size=count, replace=False)
    lonlat = gpd.GeoSeries(centres.values[chosen], crs=CRS).to_crs("EPSG:4326")
    return lonlat.x.to_numpy(), lonlat.y.to_numpy()


def ward_instance(
    seed: int = 11, n_quarters: int = 100, short: float = 0.08, budget_sites: float = 8.0, entry_grade: bool = False
):
    """(networks per level, options) of the ward-scale benchmark."""
    quarters, schools_df, cand, demand_df, distances = ward_tables(seed, n_quarters, short, entry_grade)
    norms = load_norms()
    nets = []
    for level in LEVELS:
        problem = build_problem(
            demand_df,
            schools_df,
            distances,
            level=level,
            school_years=list(YEARS),
            norms=norms,
            grades=sorted(demand_df.loc[demand_df["level"] == level, "grade"].unique()),
        )
        nets.append(build_network_problem(problem, norms=norms, candidates=cand, distances=distances))
    budget = float(cand.groupby("site_id")["cost"].median().sum()) * budget_sites / cand["site_id"].nunique()
    return nets, NetworkOptions(budget=budget)


def ward_model(nets, options: NetworkOptions) -> NetworkModel:
    """The network model of `ward_instance`'s (nets, options) as the planner builds it (the pairs
    of `pair_rules`, no planner constraints)."""
    return build_network_model(nets, [pair_rules(net, None, k_nearest=options.k_nearest) for net in nets], options)


def ward_tables(
    seed: int = 11,
    n_quarters: int = 100,
    short: float = 0.08,
    entry_grade: bool = False,
    schools_per_level: dict[str, int] | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(quarters, schools, candidate sites, demand, distances) of the ward-scale benchmark;
    `schools_per_level`: existing schools per level (default `LEVELS`: `ward_instance`'s)."""
    counts = LEVELS if schools_per_level is None else {**LEVELS, **schools_per_level}
    rng = np.random.default_rng(seed)
    wards = gpd.read_file(HCMC).to_crs(CRS)
    ward = wards.iloc[int(np.argsort(wards.geometry.area.to_numpy())[len(wards) // 2])].geometry
    quarters = _quarters(ward, n_quarters, rng, "Q")
    n = len(quarters)
    norms = load_norms()
    growth = 1.04 ** (np.asarray(YEARS) - YEARS[0])
    schools, candidates, demand = [], [], []
    for level, count in counts.items():
        grades = (
            LEVEL_GRADES[level][-1:]
            if entry_grade and level == "mam_non"
            else LEVEL_GRADES[level][:1]
            if entry_grade
            else LEVEL_GRADES[level]
        )
        base = rng.gamma(4.0, PER_GRADE[level] / 4.0, size=(n, 1)) * rng.uniform(0.85, 1.15, size=(n, len(grades)))
        cube = base[:, None, :] * growth[None, :, None]  # (n, T, G)
        demand.append(
            pd.DataFrame(
                {
                    "quarter_id": np.repeat(quarters["quarter_id"].to_numpy(), len(YEARS) * len(grades)),
                    "school_year": np.tile(np.repeat(YEARS, len(grades)), n),
                    "level": level,
                    "grade": np.tile(grades, n * len(YEARS)),
                    "mean": np.round(cube.ravel(), 2),
                }
            )
        )
        limits = np.array([norms.max_class_size(level, g) for g in grades], dtype=float)
        need = np.ceil(cube[:, -1, :].sum(axis=0) / limits).sum()
        weights = rng.uniform(0.7, 1.3, size=count)
        rooms = np.round(weights / weights.sum() * need * (1 - short)) + len(grades) // 2
        lon, lat = _sites(quarters, count, rng)
        schools.append(
            pd.DataFrame(
                {
                    "school_id": [f"{level[:2].upper()}{k:02d}" for k in range(count)],
                    "name": [f"{level} {k}" for k in range(count)],
                    "level": level,
                    "lon": lon,
                    "lat": lat,
                    "classrooms": rooms.astype(int),
                    "sessions_per_day": 2,
                }
            )
        )
        lon, lat = _sites(quarters, 10, rng)
        size = np.array([0.5, 0.75, 1.0]) * max(need / count, len(grades))
        for k in range(10):
            for s in np.unique(np.maximum(np.round(size).astype(int), 1)):
                candidates.append(
                    {
                        "site_id": f"C{level[:2].upper()}{k:02d}",
                        "level": level,
                        "lon": lon[k],
                        "lat": lat[k],
                        "rooms": int(s),
                        "cost": 20e9 + 2.5e9 * s,
                        "earliest_year": int(rng.choice([2027, 2028])),
                    }
                )
    schools_df = pd.concat(schools, ignore_index=True)
    cand = pd.DataFrame(candidates)
    cand["earliest_year"] = cand.groupby("site_id")["earliest_year"].transform("first")
    demand_df = pd.concat(demand, ignore_index=True)
    points = pd.concat(
        [
            schools_df[["school_id", "level", "lon", "lat"]],
            cand.drop_duplicates("site_id").rename(columns={"site_id": "school_id"})[
                ["school_id", "level", "lon", "lat"]
            ],
        ],
        ignore_index=True,
    )
    distances = quarter_school_distances(quarters, points, crs=CRS)  # every school of the level (≤ 20)
    return quarters, schools_df, cand, demand_df, distances


def city_instance(seed: int = 5, n_candidates: int = 100, short: float = 0.06, max_sites: int = 30):
    """(networks, options) of the city-scale benchmark (grade 1, one school year)."""
    quarters, schools, demand = synthetic_city(24, spare=-short, grades=("lop_1",))
    rng = np.random.default_rng(seed)
    lon, lat = _sites(quarters, n_candidates, rng)
    mean_rooms = float(schools["classrooms"].mean())
    sizes = np.round(np.array([0.5, 1.0, 1.5]) * mean_rooms).astype(int)
    cand = pd.DataFrame(
        [
            {
                "site_id": f"C{k:03d}",
                "level": "tieu_hoc",
                "lon": lon[k],
                "lat": lat[k],
                "rooms": int(s),
                "cost": 20e9 + 2.5e9 * s,
            }
            for k in range(n_candidates)
            for s in sizes
        ]
    )
    points = pd.concat(
        [
            schools[["school_id", "lon", "lat"]],
            cand.drop_duplicates("site_id").rename(columns={"site_id": "school_id"})[["school_id", "lon", "lat"]],
        ],
        ignore_index=True,
    )
    distances = quarter_school_distances(quarters, points, crs=CRS)
    norms = load_norms()
    problem = build_problem(
        demand, schools, distances, level="tieu_hoc", school_years=2027, norms=norms, grades=["lop_1"]
    )
    net = build_network_problem(problem, norms=norms, candidates=cand, distances=distances)
    return [net], NetworkOptions(max_sites=max_sites, k_nearest=10)


def _compare(
    name: str,
    nets,
    options: NetworkOptions,
    limit: float,
    skip_pulp: bool,
    before: bool = False,
    no_proof: bool = False,
    bound_before: bool = False,
):
    sizes = ", ".join(
        f"{n.level}: {n.shape[0]} quarters × {int((n.kind == 'existing').sum())} schools + "
        f"{int((n.kind == 'candidate').sum())} sites"
        for n in nets
    )
    T = nets[0].shape[2]

    def run(label: str, lagrange: dict | None = None, **strategy: object) -> tuple[tuple, Any]:
        """One plan of the instance with `network_strategy`'s settings `strategy` (and
        `network_lagrange`'s settings `lagrange`) for this run: its table row and the plan."""
        plan, wall = _plan_with(nets, options, limit, lagrange=lagrange, strategy=strategy)
        opened = int(plan.sites["opened"].sum())
        row = (label, plan.build_seconds, plan.seconds, plan.objective, plan.bound, plan.status, opened)
        return (*row, plan.overflow_pupils, wall), plan

    ours_row, ours = run("tuyensinh: NumPy model, HiGHS direct")
    model = ward_model(nets, options)
    print(
        f"{name}: {sizes}; {T} school year(s); {model.n_cols:,} columns ({int(model.integer.sum()):,} integer), "
        f"{model.n_rows:,} rows; time limit {limit:g} s, 1 thread"
    )
    rows = [ours_row]
    if before:  # the strategy as it was before the site search, same run
        rows.append(run("tuyensinh before (no site search)", SITE_SEARCH_SHARE=0.0, LP_ZONES=False)[0])
    if no_proof:  # the strategy without step 4b (the proof over every site choice), same run
        rows.append(run("tuyensinh without the sites proof", SITES_PROOF=False)[0])
    whole_bound = None
    if bound_before:  # the Lagrangian bound with whole quarters from its first step (before), same run
        before_row, whole_bound = run("tuyensinh, bound's quarters whole", lagrange={"RELAXED_SHARE": 0.0})
        rows.append(before_row)
    if not skip_pulp:
        began = time.perf_counter()
        pulp = solve_model(model.as_matrix_model(), solver="pulp-highs", time_limit=limit)
        wall_p = time.perf_counter() - began
        opened = 0
        over = float("nan")
        if pulp.values is not None:
            from zoning.sites import result_from_values

            plan = result_from_values(model, pulp, ours.conflicts)
            opened, over = int(plan.sites["opened"].sum()), plan.overflow_pupils
        rows.append(
            (
                "plain PuLP + HiGHS (same model)",
                0.0,
                pulp.seconds,
                pulp.objective,
                pulp.bound,
                pulp.status,
                opened,
                over,
                wall_p,
            )
        )
    best_bound = max((r[4] for r in rows if r[4] is not None), default=None)
    print(
        f"  {'method':38s} {'build s':>8s} {'solve s':>8s} {'total s':>8s} {'objective':>16s} {'best bound':>16s} "
        f"{'own gap':>8s} {'gap to best bound':>18s} {'status':>9s} {'proven':>6s} {'sites':>5s} {'overflow':>9s}"
    )
    for label, b, s, obj, bound, status, opened, over, wall_r in rows:
        own = relative_gap(obj, bound)
        to_best = relative_gap(obj, best_bound)
        proven = "yes" if to_best is not None and to_best <= PROVEN_GAP else "no"
        print(
            f"  {label:38s} {b:8.2f} {s:8.2f} {wall_r:8.2f} {'—' if obj is None else f'{obj:,.0f}':>16s} "
            f"{'—' if bound is None else f'{bound:,.0f}':>16s} {'—' if own is None else f'{own:.3%}':>8s} "
            f"{'—' if to_best is None else f'{to_best:.3%}':>18s} {status:>9s} {proven:>6s} {opened:5d} {over:9.1f}"
        )
    print(
        f"  proven optimal (gap to the best bound ≤ {PROVEN_GAP:.2%}): "
        + "; ".join(
            f"{r[0].split(':')[0]} {'yes' if (g := relative_gap(r[3], best_bound)) is not None and g <= PROVEN_GAP else 'no'}"
            for r in rows
        )
        + f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    pulp_rows = [r for r in rows if r[0].startswith("plain")]
    if pulp_rows:
        print(f"  ratio: plain PuLP total time / tuyensinh total time = {pulp_rows[0][8] / max(rows[0][8], 1e-9):.2f}×")
    st = ours.steps
    if "site_search" in st:
        ss = st["site_search"]
        print(
            f"  tuyensinh step 2b (site search): {ss['lps']} sites-fixed LPs in {ss['seconds']:.1f} s; "
            f"Σ levels' LP with the sites fixed {ss['from']:,.0f} → {ss['to']:,.0f}"
        )
    if "start_objective" in st:
        print(
            f"  tuyensinh steps: LP {st.get('lp_seconds', 0):.1f} s, phase zonings {st.get('zoning_seconds', 0):.1f} s; "
            f"start at {st['start_ends_at']:.1f} s: {st['start_objective']:,.0f} "
            f"({'—' if (g := relative_gap(st['start_objective'], best_bound)) is None else f'{g:.3%}'} above the best bound), "
            "then the MIP"
        )
    if "chains" in st:
        ch = st["chains"]
        print(
            f"  tuyensinh step 4a (zoning.network_chains, the engine on each level-year): {ch['improved']} of "
            f"{ch['years']} years improved, {ch['gain']:,.0f} less ({ch['pass_1']:,.0f} by the chains, the rest by "
            f"the engine on {ch['engine_years']} years) in {ch['seconds']:.1f} s"
        )
    if "parts" in st:
        fixed_bound = st.get("sites_fixed_bound")
        print(
            f"  tuyensinh step 4: {st['parts_proven']} of {st['parts']} parts (level × year, sites fixed) proven"
            + (f" ({st['parts_beside']} no site touches, solved beside from the start)" if "parts_beside" in st else "")
            + "; "
            f"{st['parts_objective']:,.0f} at {st['parts_end_at']:.1f} s; bound with these sites "
            + ("—" if fixed_bound is None else f"{fixed_bound:,.0f}")
        )
    if "sites_proof" in st:
        sp = st["sites_proof"]
        print(
            "  tuyensinh step 4b (zoning.network_proof, every site choice): "
            + ("out of time in the sites' branch-and-bound" if sp["bound"] is None else f"bound {sp['bound']:,.0f}")
            + f"{' (proven)' if sp['proven'] else ''}; {sp['configurations']} configurations left of "
            f"{'×'.join(str(k) for k in sp['level_configurations']) or '—'} level configurations; "
            f"{sp['lps']} LPs, {sp['part_mips']} more part MIPs, {sp['seconds']:.1f} s"
        )
    _bound_line(st)
    if whole_bound is not None:
        _bound_line(whole_bound.steps, "with whole quarters from the start")
    print(
        "  sites opened by tuyensinh: "
        + ", ".join(f"{r.site_id} ({int(r.rooms)} rooms, {r.opens})" for r in ours.opened.itertuples())
        + f"; cost {ours.cost / 1e9:,.1f} billion VND; pupils over capacity {ours.overflow_pupils:,.1f}"
    )
    return ours


def _bound_line(st: dict, note: str = "") -> None:
    """The Lagrangian bound's line of a plan's steps (`network_strategy`), if it ran."""
    if "class_count_bound" not in st:
        return
    cc, lp_bound = st["class_count_bound"], st.get("lp_bound")
    print(
        f"  tuyensinh Lagrangian bound (zoning.network_lagrange, beside the steps){' ' + note if note else ''}: "
        + ("—" if cc["first"] is None else f"{cc['first']:,.0f} at the LP duals")
        + ("" if cc["bound"] is None else f", {cc['bound']:,.0f} after {cc['steps']} steps")
        + f" in {cc['seconds']:.1f} s"
        + ("" if lp_bound is None or cc["bound"] is None else f" ({cc['bound'] / lp_bound - 1:+.3%} above the LP)")
    )


def gap_study(nets, options: NetworkOptions, plan_values: np.ndarray, seconds: float) -> None:
    """Where the gap of a ward plan lies: the LP bound; the bound with whole sites and
    fractional zones (`whole_sites_relaxation`, the site choice's share of the gap); and with
    the plan's own sites fixed, the LP and the MIP (the whole quarters' and classes' share)."""
    model = ward_model(nets, options)
    plan = model.objective(plan_values)
    lp = solve_model(model.as_matrix_model(), relax=True, time_limit=seconds)
    sites = solve_model(
        whole_sites_relaxation(model).as_matrix_model(), time_limit=seconds, start=plan_values, mip_rel_gap=1e-4
    )
    fixed_cols = whole_sites_relaxation(model).integer
    lo, hi = model.col_lo.copy(), model.col_hi.copy()
    lo[fixed_cols] = hi[fixed_cols] = np.round(plan_values[fixed_cols])
    fixed = replace(model, col_lo=lo, col_hi=hi)
    fixed_lp = solve_model(fixed.as_matrix_model(), relax=True, time_limit=seconds)
    fixed_mip = solve_model(fixed.as_matrix_model(), time_limit=seconds, start=plan_values)

    def show(label: str, value: float | None, proven: float | None = None) -> None:
        text = "—" if value is None else f"{value:,.0f} ({relative_gap(plan, value):+.3%} below the plan)"
        more = "" if proven is None else f"; best found {proven:,.0f} ({relative_gap(plan, proven):+.3%})"
        print(f"    {label:58s} {text}{more}")

    print(f"  gap study ({seconds:g} s per solve; load average {os.getloadavg()[0]:.1f}): plan {plan:,.0f}")
    show("LP bound", lp.objective)
    show("whole sites, fractional zones: bound", sites.bound, sites.objective)
    show("the plan's sites fixed: LP", fixed_lp.objective)
    show("the plan's sites fixed: MIP bound", fixed_mip.bound, fixed_mip.objective)


def _plan_with(
    nets,
    options: NetworkOptions,
    limit: float,
    *,
    chains: dict[str, float] | None = None,
    lagrange: dict | None = None,
    strategy: Mapping[str, object] | None = None,
):
    """One plan (`plan_network`, `limit` − `SAFETY` seconds) with `network_strategy`'s settings
    `strategy`, `network_chains`' settings `chains` and `network_lagrange`'s settings `lagrange`
    for this run: (plan, wall seconds)."""
    patches = [(network_strategy, key, value) for key, value in (strategy or {}).items()]
    patches += [(network_chains, key, value) for key, value in (chains or {}).items()]
    patches += [(network_lagrange, key, value) for key, value in (lagrange or {}).items()]
    saved = [(module, key, getattr(module, key)) for module, key, _ in patches]
    for module, key, value in patches:
        setattr(module, key, value)
    try:
        began = time.perf_counter()
        plan = plan_network(nets, options=options, time_limit=limit - SAFETY)
        return plan, time.perf_counter() - began
    finally:
        for module, key, value in saved:
            setattr(module, key, value)


def seed_study(seeds: list[int], limits: list[float]) -> None:
    """The every-grade ward instance of each seed (`ward_instance(seed=…)`) planned at each time
    limit, back to back: before (step 4a off, `CHAINS_SHARE` = 0: the previous strategy) and now;
    each plan, the ratio now ÷ before and the load; then the median ratio per limit. Last, the
    entry-grade instance (seed 11, 10 s) before and now: proven, and in how many seconds (its
    path, step 4b, must not slow down)."""
    print(
        "seed study, ward scale, every grade: before = step 4a off (CHAINS_SHARE 0); "
        "now = the default; objective × 10⁶ pupil-metres"
    )
    print(
        f"  {'limit':>5s} {'seed':>4s} {'before':>10s} {'start':>9s} {'now':>10s} {'start':>9s} "
        f"{'now/before':>10s} {'4a gain':>8s} {'4a s':>5s} {'part s':>6s} {'proven':>7s} {'load':>5s}"
    )
    ratios: dict[float, list[float]] = {}
    for limit in limits:
        for seed in seeds:
            nets, options = ward_instance(seed=seed)
            load0 = os.getloadavg()[0]
            before, _ = _plan_with(nets, options, limit, strategy={"CHAINS_SHARE": 0.0})
            now, _ = _plan_with(nets, options, limit)
            ratio = now.objective / before.objective
            ratios.setdefault(limit, []).append(ratio)
            gain = now.steps.get("chains", {}).get("gain", 0.0)
            seconds = now.steps.get("chains", {}).get("seconds", 0.0)
            proven = f"{before.steps.get('parts_proven', 0)}/{now.steps.get('parts_proven', 0)}"
            print(
                f"  {limit:5g} {seed:4d} {before.objective / 1e6:10.3f} "
                f"{before.steps.get('start_objective', np.nan) / 1e6:9.3f} {now.objective / 1e6:10.3f} "
                f"{now.steps.get('start_objective', np.nan) / 1e6:9.3f} {ratio:10.4f} {gain / 1e6:8.3f} {seconds:5.1f} {before.steps.get('part_seconds', np.nan):6.2f} {proven:>7s} "
                f"{max(load0, os.getloadavg()[0]):5.1f}",
                flush=True,
            )
    for limit, values in ratios.items():
        print(
            f"  {limit:g} s: median now/before {np.median(values):.4f} over seeds {seeds} "
            f"(min {min(values):.4f}, max {max(values):.4f})"
        )
    nets, options = ward_instance(entry_grade=True)
    for label, strategy in (("before", {"CHAINS_SHARE": 0.0}), ("now", {})):
        plan, wall = _plan_with(nets, options, 10.0, strategy=strategy)
        print(
            f"  entry grades (seed 11, 10 s) {label}: {plan.objective / 1e6:.4f} × 10⁶, {plan.status}, "
            f"gap {'—' if plan.gap is None else f'{plan.gap:.4%}'}, {wall:.1f} s in all "
            f"(load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)",
            flush=True,
        )


def engine_study(seeds: list[int], limits: list[float], values: list[float]) -> None:
    """Step 4a's pass 2 given `values` seconds a year (`network_chains.ENGINE_YEAR_SECONDS`): the
    every-grade ward instance of each seed at each time limit, the values back to back; each
    objective and its ratio to the default's plan of the same seed and limit (the first value
    when the default is not among them), then the median, least and largest ratio per value."""
    base = network_chains.ENGINE_YEAR_SECONDS if network_chains.ENGINE_YEAR_SECONDS in values else values[0]
    print(
        f"engine study, ward scale, every grade: ENGINE_YEAR_SECONDS {values} (baseline {base:g}); "
        "objective × 10⁶ pupil-metres (÷ baseline)"
    )
    print(f"  {'limit':>5s} {'seed':>4s} " + " ".join(f"{f'{v:g} s':>19s}" for v in values) + f" {'load':>5s}")
    ratios: dict[tuple[float, float], list[float]] = {}
    for limit in limits:
        for seed in seeds:
            nets, options = ward_instance(seed=seed)
            load0 = os.getloadavg()[0]
            plans = {v: _plan_with(nets, options, limit, chains={"ENGINE_YEAR_SECONDS": v})[0] for v in values}
            cells = []
            for v in values:
                ratio = plans[v].objective / plans[base].objective
                ratios.setdefault((limit, v), []).append(ratio)
                engine = plans[v].steps.get("chains", {}).get("engine_years", 0)
                cells.append(f"{plans[v].objective / 1e6:9.3f} ({ratio:.4f}) {engine:d}y")
            print(
                f"  {limit:5g} {seed:4d} "
                + " ".join(f"{c:>19s}" for c in cells)
                + f" {max(load0, os.getloadavg()[0]):5.1f}",
                flush=True,
            )
    for (limit, v), found in ratios.items():
        print(
            f"  {limit:g} s, {v:g} s a year: median ÷ baseline {np.median(found):.4f} over seeds {seeds} "
            f"(min {min(found):.4f}, max {max(found):.4f})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks network", description=__doc__.split("\n")[0])
    parser.add_argument("--ward-limit", type=float, default=10.0)
    parser.add_argument("--city-limit", type=float, default=60.0)
    parser.add_argument("--skip-city", action="store_true")
    parser.add_argument("--skip-ward", action="store_true")
    parser.add_argument("--skip-pulp", action="store_true", help="skip the plain PuLP + HiGHS baseline")
    parser.add_argument(
        "--before", action="store_true", help="also run the strategy without the site search (the previous one)"
    )
    parser.add_argument(
        "--no-proof", action="store_true", help="also run the strategy without step 4b (the sites proof), same run"
    )
    parser.add_argument(
        "--bound-before",
        action="store_true",
        help="also run with the Lagrangian bound's quarters whole from its first step (the previous bound), same run",
    )
    parser.add_argument(
        "--gap-study", type=float, default=0.0, metavar="S", help="ward: where the gap lies (S seconds per solve)"
    )
    parser.add_argument(
        "--seeds", default="", help="seed study (e.g. 11,12,13): every grade, step 4a off and on, back to back"
    )
    parser.add_argument("--limits", default="10,20", help="the seed study's time limits, seconds (e.g. 10,20)")
    parser.add_argument(
        "--engine-years",
        default="",
        help="with --seeds: instead of step 4a off and on, step 4a's engine seconds a year (e.g. 1.0,1.5,2.5)",
    )
    args = parser.parse_args(argv)
    if args.seeds and args.engine_years:
        engine_study(
            [int(s) for s in args.seeds.split(",")],
            [float(v) for v in args.limits.split(",")],
            [float(v) for v in args.engine_years.split(",")],
        )
        return 0
    if args.seeds:
        seed_study([int(s) for s in args.seeds.split(",")], [float(v) for v in args.limits.split(",")])
        return 0
    if not args.skip_ward:
        for entry, label in ((False, "ward scale, every grade"), (True, "ward scale, entry grades")):
            t0 = time.perf_counter()
            nets, options = ward_instance(entry_grade=entry)
            print(
                f"(ward instance made in {time.perf_counter() - t0:.1f} s; budget "
                f"{(options.budget or 0) / 1e9:,.0f} billion VND)"
            )
            ours = _compare(
                label, nets, options, args.ward_limit, args.skip_pulp, args.before, args.no_proof, args.bound_before
            )
            if args.gap_study > 0 and ours.values is not None:
                gap_study(nets, options, ours.values, args.gap_study)
    if not args.skip_city:
        t0 = time.perf_counter()
        nets, options = city_instance()
        print(f"(city instance made in {time.perf_counter() - t0:.1f} s)")
        _compare("city scale", nets, options, args.city_limit, args.skip_pulp)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
