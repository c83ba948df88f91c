"""`tuyensinh zone WARD_DIR --level tieu_hoc --school-year 2027 --out DIR [options]`.

Loads the ward, forecasts its population, turns it into enrollment demand, assigns every
quarter to a school of the level under the class-size and classroom limits, and writes into
DIR, atomically (a failed run leaves DIR as it was):
- zones.csv (`quarter_id, level, school_id, share, pupils, distance_m, changed`) for the first
  school year (with --per-year, also zones_<year>.csv for every year);
- school_load.csv: pupils, classes, rooms and overflow per school and school year;
- solver.json: how the solver did (status, objective, best bound, gap, time) and the key
  figures (mean distance, pupils moved, pupils over capacity);
- zones_<level>_<year>.png (300 dpi) and .pdf: the zoning map on an A4 or A3 sheet (--paper,
  --orientation);
- zones_<level>_<year>.html: the same map, interactive (hover a quarter or school for its
  figures, wheel to zoom), one self-contained page that opens offline in any browser.

It prints progress lines (stderr), then the folder, the files and how the solver did, and the
zoning's notes as "  ! …" lines (stdout) — all in --lang (Vietnamese by default). A zoning that
cannot be made (`zoning.ZoningError`) is printed in --lang by `tuyensinh.cli` (exit code 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from tuyensinh.cli.errors import CommandError, finite_number
from tuyensinh.cli.language import LISTED
from tuyensinh.words.core import Text

if TYPE_CHECKING:
    from zoning.result import SolverReport, ZoningResult

__all__ = ["register", "run", "solver_line"]

LEVELS = ("mam_non", "tieu_hoc", "thcs")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "zone",
        help=LISTED,
    )
    parser.add_argument("ward_dir", metavar="WARD_DIR")
    parser.add_argument("--level", required=True, choices=LEVELS)
    parser.add_argument(
        "--school-year",
        type=int,
        nargs="+",
        metavar="YEAR",
    )
    parser.add_argument("--per-year", action="store_true")
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--entry-grade", action="store_true")
    parser.add_argument(
        "--stability",
        type=finite_number,
        default=None,
        metavar="M",
    )
    parser.add_argument(
        "--max-distance",
        type=finite_number,
        default=None,
        metavar="M",
    )
    parser.add_argument(
        "--distance-penalty",
        type=finite_number,
        default=1.0,
        metavar="W",
    )
    parser.add_argument(
        "--contiguous",
        action=argparse.BooleanOptionalAction,
        default=None,
    )
    parser.add_argument("--split", action="store_true")
    parser.add_argument("--time-limit", type=finite_number, default=60.0, metavar="S")
    parser.add_argument(
        "--solver",
        choices=("highs", "pulp-highs", "cbc"),
        default="highs",
    )
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
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


class _Steps:
    """The two steps on stderr: progress bars on a terminal (the solve against its time limit,
    `tuyensinh.present.progress_bars`), plain lines elsewhere, nothing with --quiet."""

    def __init__(self, quiet: bool, lang: str) -> None:
        from tuyensinh.present.progress_bars import StepBars

        self.quiet = quiet
        self.bars = StepBars(2, sys.stderr, lang) if not quiet and sys.stderr.isatty() else None

    def start(self, number: int, text: str, seconds_at_most: float | None = None) -> None:
        if self.bars is not None:
            self.bars.start(number, text.rstrip("…"), seconds_at_most)
        elif not self.quiet:
            print(text, file=sys.stderr)

    def close(self) -> None:
        if self.bars is not None:
            self.bars.close()


def run(args: argparse.Namespace) -> int:
    import capacity
    import forecast
    from capacity.demand import enrollment_demand
    from capacity.grades import ENTRY_GRADES
    from tuyensinh.plan import DEFAULT_STABILITY, ward_distances
    from tuyensinh.present.outputs import staged_output, write_bytes_atomic, write_csv_atomic, write_text_atomic
    from tuyensinh.ward import load_ward
    from tuyensinh.words.labels import ward_title
    from tuyensinh.words.zone import ZONE, say
    from zoning.assign import assign
    from zoning.contiguity import quarter_adjacency
    from zoning.labels import level_in_sentence, school_years_text
    from zoning.maps import figure_bytes, plot_zones
    from zoning.notes import ZoningError
    from zoning.webmap import zones_html

    if args.contiguous is None:  # the plan's default; split quarters cannot be contiguous zones
        args.contiguous = not args.split
    if args.split and args.contiguous:
        raise ZoningError("split_with_contiguity")
    if (args.stability or 0.0) < 0 or args.distance_penalty < 0:
        raise ZoningError("negative_weights", stability=args.stability or 0.0, distance_penalty=args.distance_penalty)
    ward = load_ward(args.ward_dir)
    years = sorted(set(args.school_year or [ward.base_year + 1]))
    if years[0] <= ward.base_year or years[-1] > ward.horizon:
        raise CommandError(
            ZONE.text(
                "error.school_year_outside",
                first=ward.base_year + 1,
                horizon=ward.horizon,
                years=", ".join(str(y) for y in years),
            )
        )
    if not (ward.schools["level"] == args.level).any():
        raise CommandError(
            ZONE.text(
                "error.no_school_of_level",
                level=Text(level_in_sentence(args.level, "vi"), level_in_sentence(args.level, "en")),
            )
        )
    norms = capacity.load_norms(ward.norms, ward.rates)
    place = ward_title(ward.kind, ward.name, args.lang)
    steps = _Steps(args.quiet, args.lang)
    steps.start(1, say("zone.progress_forecast", args.lang, place=place))
    projected = forecast.project(
        ward.population, ward.births, ward.housing, base_year=ward.base_year, horizon=years[-1]
    )
    demand = enrollment_demand(projected, norms, school_years=years)
    distances = ward_distances(ward)
    current = None
    if ward.zones is not None:
        current = ward.zones[ward.zones["level"] == args.level]
        current = current if not current.empty else None
    stability = args.stability if args.stability is not None else (DEFAULT_STABILITY if current is not None else 0.0)
    adjacency = quarter_adjacency(ward.quarters_projected()) if args.contiguous else None

    zoning = say(
        "zone.progress_zoning",
        args.lang,
        level=level_in_sentence(args.level, args.lang),
        years=school_years_text(years, args.lang),
    )
    steps.start(2, zoning, args.time_limit * (len(years) if args.per_year else 1))  # the solver's limit
    result = assign(
        demand,
        ward.schools,
        distances,
        level=args.level,
        school_years=years,
        norms=norms,
        current=current,
        grades=ENTRY_GRADES[args.level] if args.entry_grade else None,
        split=args.split,
        stability=stability,
        max_distance=args.max_distance,
        distance_penalty=args.distance_penalty,
        setting=ward.setting,
        contiguity=adjacency,
        per_year=args.per_year,
        time_limit=args.time_limit,
        solver=args.solver,
    )
    steps.close()
    with staged_output(args.out) as stage:
        write_csv_atomic(result.zones(years[0]), stage / "zones.csv", float_format="%.6g")
        if args.per_year:
            for year in years:
                write_csv_atomic(result.zones(year), stage / f"zones_{year}.csv", float_format="%.6g")
        write_csv_atomic(result.load, stage / "school_load.csv", float_format="%.6g")
        write_text_atomic(stage / "solver.json", json.dumps(result.summary(), ensure_ascii=False, indent=2) + "\n")
        for year in years if args.per_year else years[:1]:
            fig = plot_zones(
                result,
                ward.quarters,
                ward.schools,
                school_year=year,
                lang=args.lang,
                place=place,
                crs=ward.crs,
                context=ward.context,
                paper=args.paper,
                orientation=None if args.orientation == "auto" else args.orientation,
            )
            stem = f"zones_{args.level}_{year}"
            write_bytes_atomic(stage / f"{stem}.png", figure_bytes(fig, "png", 300))
            write_bytes_atomic(stage / f"{stem}.pdf", figure_bytes(fig, "pdf"))
            write_text_atomic(
                stage / f"{stem}.html",
                zones_html(
                    result,
                    ward.quarters,
                    ward.schools,
                    school_year=year,
                    lang=args.lang,
                    place=place,
                    crs=ward.crs,
                    context=ward.context,
                ),
            )
    print(f"{say('zone.written', args.lang, out=args.out)}; {solver_line(result, args.lang)}")
    for note in result.note_texts(args.lang):
        print(f"  ! {note}")
    return 0


def solver_line(result: ZoningResult, lang: str) -> str:
    """How the solver did, in `lang`: 'lời giải HiGHS 1.x (highspy): tối ưu (chênh lệch so với cận dưới 0,00%,
    0,4 giây)'; with one model per school year, the status of each year."""
    from tuyensinh.words.zone import say
    from zoning.labels import number, percent, school_years_text

    def status(report: SolverReport) -> str:
        gap = say("zone.gap_unknown", lang) if report.gap is None else percent(report.gap, lang, 2)
        key = "zone.status_optimal" if report.status == "optimal" else "zone.status_feasible"
        return say(key, lang, gap=gap, seconds=number(report.solve_seconds, lang, 1))

    reports = result.reports
    if len(reports) == 1:
        return say("zone.solver", lang, solver=reports[0].solver, status=status(reports[0]))
    per_year = "; ".join(
        say("zone.solver_year", lang, status=status(r), year=school_years_text(r.school_years, lang)) for r in reports
    )
    return say("zone.solver", lang, solver=reports[0].solver, status=per_year)
