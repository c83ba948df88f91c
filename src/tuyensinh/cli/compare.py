"""`tuyensinh compare WARD_DIR --scenario FILE`: plans side by side under what-if scenarios.

Prints, per level and school year, the classes, rooms short and pupil-km of the baseline and
of every scenario in the TOML file(s) (a school opening or closing, a housing project, a lower
class-size limit; format in docs/workflow.md), and with --out writes compare.csv (one row per
scenario × level × school year) and compare_differences.csv (scenario minus baseline).
A problem in a scenarios file (or a change that does not fit the ward) exits with code 2 and
lists every problem — file, line, scenario, change, key, value found, what to write — in the
--lang language (Vietnamese by default), before anything is computed.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="compare the plan under what-if scenarios (new school, housing, class sizes, closing)",
        description="Compute the plan for the ward as it is and for each scenario, and show "
        "classes, rooms short and pupil-km side by side per level and school year.",
    )
    parser.add_argument("ward_dir", metavar="WARD_DIR", help="the ward folder")
    parser.add_argument(
        "--scenario",
        "-s",
        action="append",
        required=True,
        metavar="FILE",
        help="scenarios TOML file (repeatable; each may hold several [[scenario]])",
    )
    parser.add_argument(
        "--out", metavar="DIR", default=None, help="also write compare.csv and compare_differences.csv into DIR"
    )
    parser.add_argument(
        "--school-year", type=int, default=None, metavar="Y", help="first school year (default: base year + 1)"
    )
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
        help="language of the table and of the problems: vi (Vietnamese, default) or en (English)",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        metavar="S",
        help="solver time limit per zoning model, seconds (default: 60)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from tuyensinh.plan.types import PlanSettings
    from tuyensinh.present.outputs import staged_output, write_csv_atomic
    from tuyensinh.scenarios.compare import compare_scenarios, comparison_wide, load_scenario_files
    from tuyensinh.ward import load_ward

    scenarios = load_scenario_files(args.scenario)  # every file checked; all problems at once
    ward = load_ward(args.ward_dir)
    settings = PlanSettings(school_year=args.school_year, lang=args.lang, time_limit=args.time_limit)
    comparison = compare_scenarios(ward, scenarios, settings, progress=not args.quiet)
    wide = comparison_wide(comparison, lang=args.lang)
    with pd.option_context("display.width", 200, "display.max_columns", 50, "display.max_rows", 500):
        print(wide.to_string())
    if args.out:
        with staged_output(args.out) as stage:
            write_csv_atomic(comparison.table, stage / "compare.csv", float_format="%.6g")
            write_csv_atomic(comparison.differences, stage / "compare_differences.csv", float_format="%.6g")
        if not args.quiet:
            print(f"compare.csv, compare_differences.csv → {args.out}", file=sys.stderr)
    return 0
