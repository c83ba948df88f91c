"""The province commands: `tuyensinh batch` and `python -m tuyensinh.province batch|citywide|sample`.

    python -m tuyensinh.province batch PROVINCE_DIR --out DIR [--workers N] [--scheduler ADDRESS]
                                       [--force] [--citywide thcs] [plan options]
    python -m tuyensinh.province citywide PROVINCE_DIR --out DIR [--level thcs] [--time-limit S]
    python -m tuyensinh.province sample --out DIR [--wards N] [--broken K]

Exit codes: 0 every ward planned; 3 the batch ran but some wards have problems (listed in the
roll-up and on stderr); 2 bad input or options (a clear message, no traceback); 1 an unexpected
failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["add_batch_arguments", "main", "run_batch_command"]

EXIT_SOME_FAILED = 3


def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `batch` (shared with the `tuyensinh batch` command)."""
    parser.add_argument("province_dir", metavar="PROVINCE_DIR", help="folder holding one sub-folder per ward")
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output folder: wards/<ward>/ (each ward's plan), batch.json and the roll-up",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes of the local Dask cluster (default: one per core)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="use an existing Dask cluster (e.g. tcp://10.0.0.5:8786) instead of a local one; "
        "its workers must see the same folders",
    )
    parser.add_argument(
        "--force", action="store_true", help="plan every ward again, even those whose inputs and settings are unchanged"
    )
    parser.add_argument(
        "--citywide",
        action="append",
        choices=("thcs", "tieu_hoc", "mam_non"),
        default=None,
        metavar="LEVEL",
        help="also zone LEVEL across ward lines (thcs, tieu_hoc; repeatable)",
    )
    parser.add_argument(
        "--citywide-time-limit",
        type=float,
        default=60.0,
        metavar="S",
        help="solver time limit of the city-wide zoning, seconds (default 60)",
    )
    parser.add_argument(
        "--school-year",
        type=int,
        default=None,
        metavar="Y",
        help="school year to zone and set quotas for (default: each ward's base year + 1)",
    )
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of every output (default vi)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="S",
        help="solver time limit per zoning model in each ward's plan (default 60)",
    )
    parser.add_argument("--no-yearly", action="store_true", help="skip re-zoning each later year in each ward")
    parser.add_argument(
        "--map-dpi", type=int, default=None, metavar="DPI", help="resolution of each ward's PNG maps (default 300)"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")


def run_batch_command(args: argparse.Namespace) -> int:
    """Run `batch` from parsed arguments; print the roll-up's folder on stdout."""
    from tuyensinh.province.batch import run_batch
    from tuyensinh.province.bridge import PlanSettings

    options = {"time_limit": args.time_limit, "map_dpi": args.map_dpi}
    settings = PlanSettings(
        school_year=args.school_year,
        lang=args.lang,
        rezone_each_year=not args.no_yearly,
        **{k: v for k, v in options.items() if v is not None},
    )
    result = run_batch(
        args.province_dir,
        args.out,
        workers=args.workers,
        scheduler=args.scheduler,
        force=args.force,
        settings=settings,
        progress=not args.quiet,
    )
    for level in args.citywide or ():
        from tuyensinh.province.citywide import citywide_zoning, write_citywide

        wards = [(o.folder, o.out) for o in result.outcomes if o.ok]
        city = citywide_zoning(wards, level=level, time_limit=args.citywide_time_limit)
        write_citywide(city, result.out, lang=args.lang)
        if not args.quiet:
            print(city.comparison.to_string(index=False), file=sys.stderr)
    if not args.quiet:
        from tuyensinh.words.core import number
        from tuyensinh.words.province import say

        print(
            say(
                "batch.summary",
                args.lang,
                planned=result.count("planned"),
                unchanged=result.count("unchanged"),
                failed=len(result.failed),
                seconds=number(result.seconds, args.lang, 1),
            ),
            file=sys.stderr,
        )
        for outcome in result.failed:
            print(f"  ✗ {outcome.name}: {outcome.problems[0] if outcome.problems else outcome.error}", file=sys.stderr)
    print(result.out)
    return EXIT_SOME_FAILED if result.failed else 0


def _citywide(args: argparse.Namespace) -> int:
    import json

    from tuyensinh.province.citywide import citywide_zoning, write_citywide

    batch = Path(args.out) / "batch.json"
    if not batch.is_file():
        raise ValueError(f"{batch} not found: run `batch {args.province_dir} --out {args.out}` first")
    record = json.loads(batch.read_text(encoding="utf-8"))
    wards = [(w["folder"], w["out"]) for w in record["wards"] if w["status"] in ("planned", "unchanged")]
    city = citywide_zoning(
        wards, level=args.level, school_year=args.school_year, time_limit=args.time_limit, contiguous=args.contiguous
    )
    write_citywide(city, args.out, lang=args.lang)
    print(city.comparison.to_string(index=False))
    return 0


def _sample(args: argparse.Namespace) -> int:
    from tuyensinh.province.sample import sample_province

    folders = sample_province(args.out, wards=args.wards, broken=args.broken)
    print(f"{len(folders)} ward folders in {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tuyensinh.province",
        description="Province scale: many wards on Dask, roll-up, city-wide zoning.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    batch = commands.add_parser("batch", help="plan every ward folder in parallel, then the province roll-up")
    add_batch_arguments(batch)
    batch.set_defaults(run=run_batch_command)
    city = commands.add_parser("citywide", help="zone one level across ward lines (after batch)")
    city.add_argument("province_dir", metavar="PROVINCE_DIR")
    city.add_argument("--out", required=True, metavar="DIR", help="the batch's output folder")
    city.add_argument("--level", default="thcs", choices=("thcs", "tieu_hoc", "mam_non"))
    city.add_argument("--school-year", type=int, default=None, metavar="Y")
    city.add_argument("--time-limit", type=float, default=60.0, metavar="S")
    city.add_argument("--contiguous", action="store_true", help="each school's zone one connected piece (slower)")
    city.add_argument("--lang", choices=("vi", "en"), default="vi")
    city.set_defaults(run=_citywide)
    sample = commands.add_parser("sample", help="generate the sample province from HCMC's 168 ward outlines")
    sample.add_argument("--out", required=True, metavar="DIR")
    sample.add_argument("--wards", type=int, default=None, metavar="N", help="only the N wards nearest Phường Sài Gòn")
    sample.add_argument("--broken", type=int, default=0, metavar="K", help="spoil the last K wards on purpose")
    sample.set_defaults(run=_sample)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
