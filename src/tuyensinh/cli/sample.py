"""`python -m tuyensinh.province sample --out DIR [--wards N] [--broken K]`: the sample province,
one synthetic ward folder per ward outline of Hồ Chí Minh City (docs/province.md), to try
`tuyensinh batch` on. Only `python -m tuyensinh.province` lists it (`PROVINCE_COMMANDS`).
Exit codes: 0 written, 2 bad options (a clear message in --lang)."""

from __future__ import annotations

import argparse

from tuyensinh.cli.language import LISTED
from tuyensinh.words.core import LANGS

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sample", help=LISTED)
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--wards", type=int, default=None, metavar="N")
    parser.add_argument("--broken", type=int, default=0, metavar="K")
    parser.add_argument("--lang", choices=LANGS, default="vi")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the sample province into --out; say how many ward folders, where."""
    from tuyensinh.province.sample import sample_province
    from tuyensinh.words.core import number
    from tuyensinh.words.province import say

    folders = sample_province(args.out, wards=args.wards, broken=args.broken)
    print(say("sample.written", args.lang, wards=number(len(folders), args.lang), out=args.out))
    return 0
