"""`tuyensinh plan WARD_DIR --out DIR`: the December workflow in one command.

validate → forecast → demand → zoning for the coming school year (and each year to the
horizon) → classes, rooms and quotas → forecast.csv, demand.csv, zones.csv, capacity.csv,
quotas.csv, quotas.xlsx, zones.gpkg, maps/, report.html, manifest.json — written atomically:
a failed run leaves the previous outputs as they were.
"""

from __future__ import annotations

import argparse
import sys

from tuyensinh.cli.errors import finite_number

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="the December workflow: forecast, zoning, classrooms, quotas, maps and report",
        description=(
            "Run the whole December workflow on a ward folder and write every output "
            "(CSV tables, quotas.xlsx, zones.gpkg, maps, report.html, manifest.json) into --out. "
            "The previous contents of --out are replaced only when the run succeeds."
        ),
    )
    parser.add_argument("ward_dir", metavar="WARD_DIR", help="the ward folder (ward.toml, population.csv, ...)")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder (replaced as a whole)")
    parser.add_argument(
        "--school-year",
        type=int,
        default=None,
        metavar="Y",
        help="school year to zone and set quotas for (Y = Y–Y+1; default: base year + 1)",
    )
    parser.add_argument(
        "--lang", choices=("vi", "en"), default="vi", help="language of the report, workbook and maps (default: vi)"
    )
    parser.add_argument(
        "--stability",
        type=finite_number,
        default=None,
        metavar="W",
        help="metres of travel one pupil moved away from its current school is "
        "worth (default: 300; 0 = shortest distances only)",
    )
    parser.add_argument(
        "--max-distance",
        type=finite_number,
        default=None,
        metavar="M",
        help="hard maximum home–school distance in metres (default: none)",
    )
    parser.add_argument(
        "--contiguous",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="require each school's zone to be one connected piece, as published "
        "zoning maps should be (default: on; --no-contiguous turns it off)",
    )
    parser.add_argument(
        "--time-limit",
        type=finite_number,
        default=None,
        metavar="S",
        help="solver time limit per zoning, seconds (default: 60)",
    )
    parser.add_argument(
        "--no-yearly",
        action="store_true",
        help="skip re-zoning each later year (faster; the coming year's zones still hold)",
    )
    parser.add_argument(
        "--network",
        action="store_true",
        help="also plan the school network (candidates.csv, constraints.csv, neighbours.csv: new sites, "
        "closures) into DIR/network/ and the report, as `tuyensinh network` does",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        metavar="TỶ",
        help="with --network: money for all new sites, billion VND (default: no limit)",
    )
    parser.add_argument(
        "--paper",
        choices=("A4", "A3"),
        default="A4",
        help="paper of the maps (maps/*.pdf, *.png) and of the printed report: A4 (default) or A3",
    )
    parser.add_argument(
        "--orientation",
        choices=("auto", "portrait", "landscape"),
        default="auto",
        help="portrait or landscape map sheets (default auto: the one that prints the ward larger)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tuyensinh.plan import PlanSettings, run_plan

    options = {
        "stability": args.stability,
        "max_distance": args.max_distance,
        "contiguous": args.contiguous,
        "time_limit": args.time_limit,
    }
    settings = PlanSettings(
        school_year=args.school_year,
        lang=args.lang,
        rezone_each_year=not args.no_yearly,
        paper=args.paper,
        map_orientation=args.orientation,
        **{k: v for k, v in options.items() if v is not None},
    )
    network = None
    if args.network:
        from tuyensinh.plan.network import NetworkSettings

        network = NetworkSettings(
            budget=None if args.budget is None else args.budget * 1e9, time_limit=min(settings.time_limit, 20.0)
        )
    result = run_plan(args.ward_dir, args.out, settings=settings, progress=not args.quiet, network=network)
    if not args.quiet:
        for line in result.headlines:
            print(line, file=sys.stderr)
    print(result.out)
    return 0
