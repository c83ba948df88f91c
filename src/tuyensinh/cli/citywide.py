"""`tuyensinh citywide OUT_DIR [--level thcs]`: one level zoned across ward lines on the outputs
of an earlier `tuyensinh batch` (OUT_DIR, its --out), compared with the ward-by-ward zoning.

The command is `tuyensinh.province`'s (docs/province.md); this module only registers it.
Exit codes: 0 done, 2 no batch in OUT_DIR or nothing to zone (a message in --lang), 1 an
unexpected failure.
"""

from __future__ import annotations

import argparse

from tuyensinh.cli.language import LISTED

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    from tuyensinh.province.command import add_citywide_arguments, run_citywide_command

    parser = subparsers.add_parser("citywide", help=LISTED)
    add_citywide_arguments(parser)
    parser.set_defaults(run=run_citywide_command)
