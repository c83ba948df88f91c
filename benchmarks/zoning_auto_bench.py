"""What `strategy="auto"` should pick: the exact whole MIP against the LP-guided (or, with the
contiguity rule, the contiguous) strategy, on zoning problems of every size a ward has.

    python -m benchmarks zoning-auto                       # the grid below at 10 s
    python -m benchmarks zoning-auto --limits 5,20,60 --sizes 50x4,100x8 --levels tieu_hoc,thcs
    python -m benchmarks zoning-auto --sections wards      # the two sample wards as `tuyensinh plan` zones them

Sections (`--sections grid,wards`, both by default):
- grid: the ward benchmark's instance (`benchmarks.network_bench.ward_tables`: Voronoi
  quarters in a real ward, classrooms 8% short of the 2030 need, demand growing 4% a year)
  with `--sizes` quarters × schools per level, for each of `--levels`, zoned
  with every grade of the level (mầm non 6 age groups, tiểu học 5 grades, THCS 4) and with the
  entry grade only (`--grades all,entry`), for one school year (2029) and for five
  (2026–2030, `--years 1,5`); each problem solved by `zoning.assign.solve_problem` with
  `strategy="exact"` and with the other strategy, at each of `--limits` seconds.
  `--contiguous`: with the contiguity rule (the default of `tuyensinh plan` and `tuyensinh
  zone`), the other strategy is `contiguous`.
- wards: data/wards/phuoc_binh and data/wards/thien_hoa: every `assign` call of `tuyensinh
  plan` (default settings: contiguous zones, 60 s per model) is captured and run again with
  each strategy (the contiguous strategy where the plan asks for contiguity, else
  lp_guided) at each of `--limits`; `--drop-contiguity`: without the contiguity rule (exact
  against lp_guided).
Printed per problem and limit: quarters × schools (pairs), grades × years, what `auto` picks,
and for each strategy the objective (10⁶ pupil-metres), the best bound, the gap, the wall
seconds; the last column is the other strategy's objective ÷ exact's (below 1: better than
exact). Exact runs at longer limits are skipped once exact proved the optimum (the same
answer, sooner). `--csv FILE` writes the rows. The machine's load average is printed at the
start and after each section (the machine is shared: time-limited searches reach other points
under other loads).
"""

from __future__ import annotations

import argparse
import csv
import importlib
import os
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.network_bench import ward_tables
from capacity import load_norms
from capacity.grades import LEVEL_GRADES
from zoning.assign import solve_problem
from zoning.contiguity import quarter_adjacency
from zoning.problem import build_problem

REPO = Path(__file__).resolve().parents[1]
WARDS = ("phuoc_binh", "thien_hoa")
OPTIONS = ("split", "stability", "max_distance", "distance_penalty", "contiguity", "k_nearest", "overflow_penalty")
"""The `solve_problem` options of a captured plan call that are passed on."""
FIELDS = (
    "instance",
    "level",
    "quarters",
    "schools",
    "pairs",
    "grades",
    "years",
    "contiguous",
    "limit",
    "auto",
    "strategy",
    "status",
    "objective",
    "bound",
    "gap",
    "seconds",
)


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def _solve(problem, strategy: str, limit: float, **options: Any) -> dict[str, Any]:
    """One solve_problem call: status, objective, bound, gap, wall seconds, auto's choice."""
    t0 = time.perf_counter()
    result = solve_problem(problem, time_limit=limit, strategy=strategy, **options)
    seconds = time.perf_counter() - t0
    report = result.reports[0]
    return {
        "strategy": report.strategy,
        "status": report.status,
        "objective": report.objective,
        "bound": report.best_bound,
        "gap": report.gap,
        "seconds": seconds,
        "pairs": report.pairs,
    }


def _auto(problem, limit: float, **options: Any) -> str:
    """What `auto` picks for this problem with `limit` seconds (the model is built and the
    choice read back, without solving: `zoning.strategy.auto_strategy`)."""
    from zoning.model import ModelOptions, build_model
    from zoning.strategy import auto_strategy

    model_options = ModelOptions(
        stability=options.get("stability", 0.0),
        adjacency=options.get("contiguity"),
        max_distance=options.get("max_distance"),
    )
    model = build_model(problem, model_options)
    return auto_strategy(model, problem, model_options, time_limit=limit)


def _fmt(x: float | None, scale: float = 1e6, digits: int = 3) -> str:
    return "—" if x is None else f"{x / scale:.{digits}f}"


def _compare(
    label: str,
    problem,
    limits: list[float],
    other: str,
    rows: list[dict],
    **options: Any,
) -> None:
    """Exact and `other` on `problem` at each limit; prints one line per limit."""
    n, m, years, grades = problem.shape
    exact_done: dict[str, Any] | None = None
    for limit in limits:
        auto = _auto(problem, limit, **options)
        reused = exact_done is not None
        exact = exact_done or _solve(problem, "exact", limit, **options)
        if exact["status"] == "optimal":
            exact_done = exact
        guided = _solve(problem, other, limit, **options)
        for r, skipped in ((exact, reused), (guided, False)):
            rows.append(
                {
                    "instance": label,
                    "level": problem.level,
                    "quarters": n,
                    "schools": m,
                    "pairs": r["pairs"],
                    "grades": grades,
                    "years": years,
                    "contiguous": options.get("contiguity") is not None,
                    "limit": limit,
                    "auto": auto,
                    "strategy": r["strategy"] + (" (proven before)" if skipped else ""),
                    "status": r["status"],
                    "objective": r["objective"],
                    "bound": r["bound"],
                    "gap": r["gap"],
                    "seconds": r["seconds"],
                }
            )
        ratio = (
            guided["objective"] / exact["objective"]
            if guided["objective"] is not None and exact["objective"] is not None
            else float("nan")
        )
        print(
            f"{label:<26s} {n:>4d}×{m:<3d}{exact['pairs']:>6d} {grades:>2d}×{years:<2d} {limit:>4g}s {auto:<10s}"
            f" exact {_fmt(exact['objective'])} ≥{_fmt(exact['bound'])} {_gap(exact['gap'])} {exact['seconds']:5.1f}s"
            f" | {other[:10]:<10s} {_fmt(guided['objective'])} ≥{_fmt(guided['bound'])} {_gap(guided['gap'])}"
            f" {guided['seconds']:5.1f}s | {ratio:.4f}",
            flush=True,
        )


def _gap(gap: float | None) -> str:
    return "    —  " if gap is None else f"{100 * gap:6.2f}%"


def _header() -> None:
    print(
        "instance                   quarters×schools pairs G×Y limit auto"
        "       exact: objective ≥ bound (10⁶ pupil-m) gap wall | other strategy: the same | other ÷ exact",
        flush=True,
    )


def grid_section(args: argparse.Namespace, rows: list[dict]) -> None:
    """The ward benchmark's instance at every size asked for."""
    norms = load_norms()
    limits = [float(x) for x in args.limits.split(",")]
    _header()
    for size in args.sizes.split(","):
        n_quarters, n_schools = (int(x) for x in size.split("x"))
        for grades_kind in args.grades.split(","):
            entry = grades_kind == "entry"
            quarters, schools, _, demand, distances = ward_tables(
                n_quarters=n_quarters, entry_grade=entry, schools_per_level=dict.fromkeys(LEVEL_GRADES, n_schools)
            )
            adjacency = quarter_adjacency(quarters) if args.contiguous else None
            for level in args.levels.split(","):
                grades = sorted(demand.loc[demand["level"] == level, "grade"].unique())
                for n_years in (int(x) for x in args.years.split(",")):
                    years = [2029] if n_years == 1 else list(range(2030 - n_years + 1, 2031))
                    problem = build_problem(
                        demand, schools, distances, level=level, school_years=years, norms=norms, grades=grades
                    )
                    label = f"{level} {grades_kind} {n_years}y"
                    other = "contiguous" if adjacency is not None else "lp_guided"
                    _compare(label, problem, limits, other, rows, contiguity=adjacency)


def wards_section(args: argparse.Namespace, rows: list[dict]) -> None:
    """The sample wards: every `assign` call of `tuyensinh plan`, run again with each strategy."""
    import tuyensinh.plan.compute as compute
    from tuyensinh.plan.types import PlanSettings
    from tuyensinh.ward import load_ward

    assign_module: Any = importlib.import_module("zoning.assign")  # the module (`zoning.assign` is also the function)

    limits = [float(x) for x in args.limits.split(",")]
    captured: list[tuple[tuple, dict]] = []
    real_solve = assign_module.solve_problem

    def capture_solve(problem, **kwargs: Any):
        captured.append(((problem,), kwargs))
        return real_solve(problem, **kwargs)

    _header()
    for name in WARDS:
        captured.clear()
        ward = load_ward(REPO / "data" / "wards" / name)
        assign_module.solve_problem = capture_solve
        try:
            compute.compute_plan(ward, PlanSettings(accuracy=False))
        finally:
            assign_module.solve_problem = real_solve
        for (problem,), kwargs in captured:
            options = {k: v for k, v in kwargs.items() if k in OPTIONS}
            if args.drop_contiguity:
                options.pop("contiguity", None)
            other = "contiguous" if options.get("contiguity") is not None else "lp_guided"
            years = problem.school_years
            label = f"{name} {years[0]}" + (f"–{years[-1]}" if len(years) > 1 else "")
            _compare(label, problem, limits, other, rows, **options)


SIZES = "20x4,30x4,50x4,50x8,100x8,100x12,150x12"
SECTIONS = {"grid": grid_section, "wards": wards_section}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks zoning-auto", description=__doc__.split("\n")[0])
    parser.add_argument("--sections", default="grid,wards")
    parser.add_argument("--limits", default="10", help="seconds per model, comma-separated (default 10)")
    parser.add_argument(
        "--sizes",
        default=SIZES,
        help=f"quarters x schools per level, comma-separated (default {SIZES}: a ward has one school of a level "
        "per 7–12 quarters; the tighter ones are harder)",
    )
    parser.add_argument("--levels", default="tieu_hoc", help="comma-separated: mam_non,tieu_hoc,thcs")
    parser.add_argument("--grades", default="all,entry", help="all (every grade of the level), entry (its entry grade)")
    parser.add_argument("--years", default="1,5", help="school years per model (1: 2029; 5: 2026–2030)")
    parser.add_argument("--contiguous", action="store_true", help="with the contiguity rule (exact vs contiguous)")
    parser.add_argument(
        "--drop-contiguity",
        action="store_true",
        help="wards: solve the plan's models without the contiguity rule (as `tuyensinh zone --no-contiguous`)",
    )
    parser.add_argument("--csv", default=None, metavar="FILE", help="write every row to FILE")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, load average {_load()} at the start", flush=True)
    rows: list[dict] = []
    for name in args.sections.split(","):
        if name not in SECTIONS:
            print(f"unknown section {name!r}; sections: {', '.join(SECTIONS)}", file=sys.stderr)
            return 2
        print(f"--- zoning-auto: {name} ---", flush=True)
        SECTIONS[name](args, rows)
        print(f"  (load average now {_load()})", flush=True)
        if args.csv:
            with open(args.csv, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=FIELDS)
                writer.writeheader()
                writer.writerows({k: r[k] for k in FIELDS} for r in rows)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
