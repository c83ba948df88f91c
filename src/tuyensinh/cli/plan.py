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
from tuyensinh.cli.language import LISTED

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help=LISTED,
    )
    parser.add_argument("ward_dir", metavar="WARD_DIR")
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument(
        "--school-year",
        type=int,
        default=None,
        metavar="Y",
    )
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument(
        "--stability",
        type=finite_number,
        default=None,
        metavar="W",
    )
    parser.add_argument(
        "--max-distance",
        type=finite_number,
        default=None,
        metavar="M",
    )
    parser.add_argument(
        "--contiguous",
        action=argparse.BooleanOptionalAction,
        default=True,
    )
    parser.add_argument(
        "--time-limit",
        type=finite_number,
        default=None,
        metavar="S",
    )
    parser.add_argument(
        "--no-yearly",
        action="store_true",
    )
    parser.add_argument(
        "--network",
        action="store_true",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        metavar="TỶ",
    )
    parser.add_argument(
        "--paper",
        choices=("A4", "A3"),
        default="A4",
    )
    parser.add_argument(
        "--orientation",
        choices=("auto", "portrait", "landscape"),
        default="auto",
    )
    parser.add_argument("--quiet", "-q", action="store_true")
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
