"""`tuyensinh network WARD_DIR --out DIR [--budget TỶ] [--max-sites N] [options]`.

Where to build, what to merge or close, under the ward's own constraints: loads the ward and
its network tables (candidates.csv, constraints.csv, neighbours.csv; docs/data-format.md),
forecasts every school year to the horizon, chooses which candidate sites open, when and with
how many rooms within the budget (zoning.sites), draws the budget curve, reviews the small
schools and satellite sites (zoning.closures) and writes into DIR, atomically, the files of
`tuyensinh.present.network` (CSV tables, network.xlsx, network_map.png, network.html). It
prints the sites, the solver's status, the constraints that could not all hold and the
closures, in --lang (Vietnamese by default).
"""

from __future__ import annotations

import argparse
import sys

from tuyensinh.cli.language import LISTED

__all__ = ["register", "run"]

LEVELS = ("mam_non", "tieu_hoc", "thcs")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "network",
        help=LISTED,
    )
    parser.add_argument("ward_dir", metavar="WARD_DIR")
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        metavar="TỶ",
    )
    parser.add_argument("--max-sites", type=int, default=None, metavar="N")
    parser.add_argument("--level", choices=LEVELS, nargs="+", default=None)
    parser.add_argument("--time-limit", type=float, default=20.0, metavar="S")
    parser.add_argument(
        "--max-increase",
        type=float,
        default=300.0,
        metavar="M",
    )
    parser.add_argument("--within-norm", action="store_true")
    parser.add_argument("--curve", type=int, default=3, metavar="N")
    parser.add_argument("--no-closures", action="store_true")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tuyensinh.plan.network import NetworkSettings, compute_network
    from tuyensinh.present.network import network_lines, write_network
    from tuyensinh.present.outputs import staged_output
    from tuyensinh.ward import load_ward
    from tuyensinh.words.network import say

    if args.budget is not None and args.budget < 0:
        raise ValueError("--budget must be ≥ 0 (billion VND)")
    ward = load_ward(args.ward_dir)
    settings = NetworkSettings(
        budget=None if args.budget is None else args.budget * 1e9,
        max_sites=args.max_sites,
        levels=tuple(args.level) if args.level else None,
        time_limit=args.time_limit,
        max_increase=args.max_increase,
        within_norm=args.within_norm,
        curve_sites=max(args.curve, 0),
        closures=not args.no_closures,
    )
    outcome = compute_network(
        ward, settings, progress=lambda key, fields: print(say(key, args.lang, **fields), file=sys.stderr)
    )
    with staged_output(args.out) as stage:
        files = write_network(outcome, stage, args.lang)
    print(say("written", args.lang, out=args.out, files=", ".join(files)))
    for line in network_lines(outcome, args.lang):
        print(line)
    return 0
