"""`tuyensinh init WARD_DIR --boundary CODE|FILE (--points FILE | --quarters FILE)`: a new ward folder to fill in.

Writes ward.toml (filled from what is known), quarters.geojson (the polygons given, or Voronoi
cells around the quarters' points, marked approximate) and the template workbook ward.xlsx;
`tuyensinh validate WARD_DIR` then lists what is still missing, cell by cell.
"""

from __future__ import annotations

import argparse

from tuyensinh.cli.language import LISTED
from tuyensinh.start import start_ward
from tuyensinh.words.start import say

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "init",
        help=LISTED,
    )
    parser.add_argument("ward_dir", metavar="WARD_DIR")
    parser.add_argument("--boundary", required=True, metavar="CODE|FILE")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--points", metavar="FILE")
    source.add_argument("--quarters", metavar="FILE")
    parser.add_argument("--base-year", type=int, default=None)
    parser.add_argument("--kind", choices=("phường", "xã", "đặc khu"), default=None)
    parser.add_argument("--province", default="")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    started = start_ward(
        args.ward_dir,
        args.boundary,
        points=args.points,
        polygons=args.quarters,
        base_year=args.base_year,
        kind=args.kind,
        province=args.province,
        lang=args.lang,
    )
    ward = f"{started.boundary.name} ({started.boundary.code})"
    print(say("init.done", args.lang, folder=started.folder, n=len(started.quarters), ward=ward))
    if started.approximate:
        print(say("init.approximate", args.lang, kind=started.kind if args.lang == "vi" else "ward or commune"))
    print(say("init.next", args.lang, workbook=started.folder / "ward.xlsx", folder=started.folder))
    return 0
