"""`tuyensinh zone WARD_DIR --level tieu_hoc --school-year 2027 --out DIR [options]`.

Loads the ward, forecasts its population, turns it into enrollment demand, assigns every
quarter to a school of the level under the class-size and classroom limits, and writes into
DIR, atomically (a failed run leaves DIR as it was):
- zones.csv (`quarter_id, level, school_id, share, pupils, distance_m, changed`) for the first
  school year (with --per-year, also zones_<year>.csv for every year);
- school_load.csv: pupils, classes, rooms and overflow per school and school year;
- solver.json: how the solver did (status, objective, best bound, gap, time) and the key
  figures (mean distance, pupils moved, pupils over capacity);
- zones_<level>_<year>.png (300 dpi) and .pdf: the zoning map;
- zones_<level>_<year>.html: the same map, interactive (hover a quarter or school for its
  figures, wheel to zoom), one self-contained page that opens offline in any browser.
"""
from __future__ import annotations

import argparse
import json
import sys

__all__ = ["register", "run"]

LEVELS = ("mam_non", "tieu_hoc", "thcs")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "zone",
        help="enrollment zones for one level: quarters to schools under class and room limits",
        description=(
            "Assign every quarter (khu phố/thôn) to a school of the level so that pupils walk as "
            "little as possible, classes stay within the class-size limits and classes fit the "
            "classrooms; pupils who cannot be seated are reported per school, never dropped."
        ),
    )
    parser.add_argument("ward_dir", metavar="WARD_DIR", help="the ward folder (ward.toml, population.csv, schools.csv, ...)")
    parser.add_argument("--level", required=True, choices=LEVELS,
                        help="mam_non (mầm non), tieu_hoc (tiểu học) or thcs (THCS)")
    parser.add_argument("--school-year", type=int, nargs="+", metavar="YEAR",
                        help="school year(s) to zone, e.g. 2027 for 2027–2028 (default: the year after the base year); "
                             "several years give one zoning that holds for all of them")
    parser.add_argument("--per-year", action="store_true",
                        help="with several --school-year values: a separate zoning for each year")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument("--entry-grade", action="store_true",
                        help="zone only the entry grade (grade 1, grade 6; every preschool group)")
    parser.add_argument("--stability", type=float, default=None, metavar="M",
                        help="metres of extra walking worth keeping one pupil at the current school "
                             "(default 300 when the ward has zones.csv, else 0)")
    parser.add_argument("--max-distance", type=float, default=None, metavar="M",
                        help="hard limit on the walking distance, metres")
    parser.add_argument("--distance-penalty", type=float, default=1.0, metavar="W",
                        help="extra weight of each metre beyond the walking-distance norm (default 1: counts double)")
    parser.add_argument("--contiguous", action="store_true", help="make every school's zone one connected piece")
    parser.add_argument("--split", action="store_true", help="allow a quarter to be shared between schools")
    parser.add_argument("--time-limit", type=float, default=60.0, metavar="S", help="solver time limit, seconds (default 60)")
    parser.add_argument("--solver", choices=("highs", "pulp-highs", "cbc"), default="highs",
                        help="highs (default), pulp-highs (HiGHS through PuLP) or cbc")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="map labels: vi (default) or en")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import capacity
    import forecast
    from capacity.demand import enrollment_demand
    from capacity.grades import ENTRY_GRADES
    from tuyensinh.outputs import staged_output, write_bytes_atomic, write_csv_atomic, write_text_atomic
    from tuyensinh.ward import load_ward
    from zoning.assign import assign
    from zoning.contiguity import quarter_adjacency
    from zoning.distances import fill_missing_distances, quarter_school_distances
    from zoning.labels import level_label
    from zoning.maps import figure_bytes, plot_zones
    from zoning.webmap import zones_html

    ward = load_ward(args.ward_dir)
    years = sorted(set(args.school_year or [ward.base_year + 1]))
    if years[0] <= ward.base_year or years[-1] > ward.horizon:
        raise ValueError(
            f"--school-year must be between {ward.base_year + 1} and the horizon {ward.horizon} "
            f"(ward.toml base_year, horizon); got {', '.join(map(str, years))}"
        )
    if not (ward.schools["level"] == args.level).any():
        raise ValueError(f"schools.csv has no school of level {args.level}; nothing to zone")
    norms = capacity.load_norms(ward.norms, ward.rates)
    print(f"Dự báo dân số và nhu cầu tuyển sinh ({ward.name})…", file=sys.stderr)
    projected = forecast.project(ward.population, ward.births, ward.housing,
                                 base_year=ward.base_year, horizon=years[-1])
    demand = enrollment_demand(projected, norms, school_years=years)
    distances = fill_missing_distances(ward.distances,
                                       quarter_school_distances(ward.quarters, ward.schools, crs=ward.crs))
    current = None
    if ward.zones is not None:
        current = ward.zones[ward.zones["level"] == args.level]
        current = current if not current.empty else None
    stability = args.stability if args.stability is not None else (300.0 if current is not None else 0.0)
    adjacency = quarter_adjacency(ward.quarters_projected()) if args.contiguous else None

    print(f"Phân luồng tuyển sinh cấp {level_label(args.level)}, năm học "
          f"{', '.join(f'{y}–{y + 1}' for y in years)}…", file=sys.stderr)
    result = assign(
        demand, ward.schools, distances, level=args.level, school_years=years, norms=norms,
        current=current, grades=ENTRY_GRADES[args.level] if args.entry_grade else None,
        split=args.split, stability=stability, max_distance=args.max_distance,
        distance_penalty=args.distance_penalty, setting=ward.setting, contiguity=adjacency,
        per_year=args.per_year, time_limit=args.time_limit, solver=args.solver,
    )
    place = f"{ward.kind[:1].upper()}{ward.kind[1:]} {ward.name}" if args.lang == "vi" else \
        f"{ward.name} {'ward' if ward.kind == 'phường' else 'commune'}"
    with staged_output(args.out) as stage:
        write_csv_atomic(result.zones(years[0]), stage / "zones.csv", float_format="%.6g")
        if args.per_year:
            for year in years:
                write_csv_atomic(result.zones(year), stage / f"zones_{year}.csv", float_format="%.6g")
        write_csv_atomic(result.load, stage / "school_load.csv", float_format="%.6g")
        write_text_atomic(stage / "solver.json",
                          json.dumps(result.summary(), ensure_ascii=False, indent=2) + "\n")
        for year in (years if args.per_year else years[:1]):
            fig = plot_zones(result, ward.quarters, ward.schools, school_year=year, lang=args.lang,
                             place=place, crs=ward.crs)
            stem = f"zones_{args.level}_{year}"
            write_bytes_atomic(stage / f"{stem}.png", figure_bytes(fig, "png", 300))
            write_bytes_atomic(stage / f"{stem}.pdf", figure_bytes(fig, "pdf"))
            write_text_atomic(stage / f"{stem}.html",
                              zones_html(result, ward.quarters, ward.schools, school_year=year,
                                         lang=args.lang, place=place, crs=ward.crs))
    report = result.solver
    gap = "—" if report.gap is None else f"{report.gap:.2%}"
    print(f"{args.out}: zones.csv, school_load.csv, solver.json, maps (PNG, PDF, HTML); solver {report.solver}: "
          f"{report.status} (gap {gap}, {report.solve_seconds:.1f} s)")
    for note in result.notes:
        print(f"  ! {note}")
    return 0
