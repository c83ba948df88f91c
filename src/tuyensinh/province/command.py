"""The province commands: `tuyensinh batch` and `tuyensinh citywide` (also reached as `python -m
tuyensinh.province batch|citywide`, beside its `sample`: `tuyensinh.cli.province_main`).

    tuyensinh batch PROVINCE_DIR --out DIR [--workers N] [--scheduler ADDRESS] [--force]
                                 [--citywide thcs] [plan options]
    tuyensinh citywide OUT_DIR [--level thcs] [--school-year Y] [--time-limit S] [--contiguous]
    python -m tuyensinh.province sample --out DIR [--wards N] [--broken K]   (`tuyensinh.cli.sample`)

`citywide` zones a level across ward lines on the outputs of an earlier batch (OUT_DIR, the
batch's --out), as `batch --citywide` does right after planning. Exit codes: 0 every ward
planned (or the city zoned); 3 the batch ran but some wards have problems (listed in the roll-up
and on stderr); 2 bad input or options (a clear message in --lang, no traceback); 1 an
unexpected failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tuyensinh.words.core import WordedError
from tuyensinh.words.province import PROVINCE

__all__ = [
    "add_batch_arguments",
    "add_citywide_arguments",
    "citywide_summary",
    "run_batch_command",
    "run_citywide_command",
]

EXIT_SOME_FAILED = 3


def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `batch` (`tuyensinh batch` and `python -m tuyensinh.province batch`); their
    help texts are `tuyensinh.words.cli`'s `batch.*`, put on by the command line."""
    parser.add_argument("province_dir", metavar="PROVINCE_DIR")
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--workers", type=int, default=None, metavar="N")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS")
    parser.add_argument("--force", action="store_true")
    parser.add_argument(
        "--citywide", action="append", choices=("thcs", "tieu_hoc", "mam_non"), default=None, metavar="LEVEL"
    )
    parser.add_argument("--citywide-time-limit", type=float, default=60.0, metavar="S")
    parser.add_argument("--school-year", type=int, default=None, metavar="Y")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--time-limit", type=float, default=None, metavar="S")
    parser.add_argument("--no-yearly", action="store_true")
    parser.add_argument("--map-dpi", type=int, default=None, metavar="DPI")
    parser.add_argument("--quiet", "-q", action="store_true")


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
        wards = [(o.folder, o.out) for o in result.outcomes if o.ok]
        _zone_city(
            wards,
            result.out,
            level=level,
            time_limit=args.citywide_time_limit,
            lang=args.lang,
            quiet=args.quiet,
            folder_on_stdout=False,  # the batch prints its own folder
        )
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


def add_citywide_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `citywide` (`tuyensinh citywide` and `python -m tuyensinh.province
    citywide`); their help texts are `tuyensinh.words.cli`'s `citywide.*`."""
    parser.add_argument("out_dir", metavar="OUT_DIR")
    parser.add_argument("--level", default="thcs", choices=("thcs", "tieu_hoc", "mam_non"), metavar="LEVEL")
    parser.add_argument("--school-year", type=int, default=None, metavar="Y")
    parser.add_argument("--time-limit", type=float, default=60.0, metavar="S")
    parser.add_argument("--contiguous", action="store_true")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--quiet", "-q", action="store_true")


def run_citywide_command(args: argparse.Namespace) -> int:
    """Run `citywide` from parsed arguments on an earlier batch's outputs; print the folder written."""
    import json

    batch = Path(args.out_dir) / "batch.json"
    if not batch.is_file():
        raise WordedError(PROVINCE.text("error.no_batch", path=batch, out=args.out_dir))
    try:
        record = json.loads(batch.read_text(encoding="utf-8"))
        wards = [(w["folder"], w["out"]) for w in record["wards"] if w["status"] in ("planned", "unchanged")]
    except (ValueError, KeyError, TypeError):
        raise WordedError(PROVINCE.text("error.batch_json", path=batch)) from None
    options = {"school_year": args.school_year, "contiguous": args.contiguous}
    _zone_city(
        wards, args.out_dir, level=args.level, time_limit=args.time_limit, lang=args.lang, quiet=args.quiet, **options
    )
    return 0


def _zone_city(
    wards: list[tuple[str, str]],
    out: str | Path,
    *,
    level: str,
    time_limit: float,
    lang: str,
    quiet: bool,
    folder_on_stdout: bool = True,
    **options: Any,
) -> None:
    """Zone `level` across the wards, write citywide_<level>/ into `out`, print its folder on
    stdout (`folder_on_stdout`) and, unless `quiet`, the summary on stderr."""
    from tuyensinh.province.citywide import citywide_zoning, write_citywide

    city = citywide_zoning(wards, level=level, time_limit=time_limit, **options)
    write_citywide(city, out, lang=lang)
    folder = Path(out).resolve() / f"citywide_{level}"
    if not quiet:
        print(citywide_summary(city, folder, lang), file=sys.stderr)
    if folder_on_stdout:
        print(folder)


def citywide_summary(city: Any, folder: str | Path, lang: str = "vi") -> str:
    """What the city-wide zoning changed, in `lang`: pupils, mean trip and pupils without a seat
    against the ward-by-ward zoning, quarters crossing a ward line or changing school."""
    from tuyensinh.province.bridge import level_name, school_year_label
    from tuyensinh.words.core import number

    rows = city.comparison.set_index("zoning")
    ward, whole = rows.loc["ward_by_ward"], rows.loc["citywide"]
    return PROVINCE.say(
        "city.summary",
        lang,
        level=level_name(city.level, lang, short=True),
        year=school_year_label(city.school_year, lang),
        pupils=number(whole["pupils"], lang),
        quarters=number(whole["quarters"], lang),
        wards=number(len(city.wards), lang),
        city_km=number(whole["mean_distance_m"] / 1000, lang, 2),
        ward_km=number(ward["mean_distance_m"] / 1000, lang, 2),
        city_over=number(whole["pupils_over_capacity"], lang),
        ward_over=number(ward["pupils_over_capacity"], lang),
        crossing=number(whole["quarters_crossing"], lang),
        changed=number(whole["quarters_changed"], lang),
        folder=folder,
    )
