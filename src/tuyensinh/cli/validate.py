"""`tuyensinh validate WARD_DIR`: check a ward folder and summarise it, or list every problem.

Exit 0 when the folder is valid (a summary is printed), 2 when it is not (every problem is
printed to stderr, grouped by file, with its row, column and fix).
"""

from __future__ import annotations

import argparse
import sys

from tuyensinh.cli.language import LISTED
from tuyensinh.ward import load_ward
from tuyensinh.ward.errors import WardDataError
from tuyensinh.ward.summary import problems_text, summary_text
from tuyensinh.ward.warnings import data_warnings
from tuyensinh.words.checks import say

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help=LISTED,
    )
    parser.add_argument("ward_dir", metavar="WARD_DIR")
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        ward = load_ward(args.ward_dir)
    except WardDataError as error:
        print(problems_text(error, args.lang), file=sys.stderr)
        return 2
    print(summary_text(ward, args.lang))
    warnings = data_warnings(ward)
    if warnings:
        print("\n" + say("heading", args.lang, n=len(warnings)))
        print("\n".join(f"  - {warning.text(args.lang)}" for warning in warnings))
    return 0
