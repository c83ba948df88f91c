"""`tuyensinh batch PROVINCE_DIR --out DIR`: every ward folder of a province planned in parallel
on Dask, then the province roll-up (and, with --citywide thcs, zoning across ward lines).

The command is `tuyensinh.province`'s (docs/province.md); this module only registers it.
Exit codes: 0 every ward planned, 3 some wards have data problems (listed on stderr and in the
roll-up), 2 bad options or an unusable folder, 1 an unexpected failure.
"""

from __future__ import annotations

import argparse

from tuyensinh.cli.language import LISTED

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    from tuyensinh.province.command import add_batch_arguments, run_batch_command

    parser = subparsers.add_parser(
        "batch",
        help=LISTED,
    )
    add_batch_arguments(parser)
    parser.set_defaults(run=run_batch_command)
