"""`tuyensinh backtest WARD_DIR [--out DIR] [--max-horizon 5] [--lang vi|en]` (files only with --out).

Rolling-origin backtest of the forecast method against naive persistence, pure aging and
un-shrunk Hamilton–Perry: prints the tables (weighted MAPE, MAPE, MALPE and interval coverage
by horizon, entry age and cohort size), then the ward-level block — the same forecasts summed
to ward totals of the entry ages (`forecast.ward_accuracy`) and turned into entry-grade pupils
and class counts for the whole ward and each school catchment (`tuyensinh.plan.accuracy`), and the
score of the real-data benchmark (weighted MAPE of each quarter at ages 6 and 11 by horizon, the
method's ratio to the shrunk Hamilton–Perry `hp_shrunk`: `tuyensinh.plan.accuracy.small_area_scores`) — and
writes backtest.csv (the summary), backtest_cells.csv (every forecast cell with its outcome),
backtest_ward.csv (ward-total metrics) and backtest_entry_grades.csv (pupils and classes
scores) into --out. The printout is Vietnamese by default (decimal commas), English with
--lang en; the CSV files keep their English column names and method codes in both languages.
"""

from __future__ import annotations

import argparse

import pandas as pd

from tuyensinh.cli.language import LISTED

__all__ = ["register", "run", "ward_totals_text"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "backtest",
        help=LISTED,
    )
    parser.add_argument(
        "ward_dir",
        metavar="WARD_DIR",
    )
    parser.add_argument(
        "--out",
        default=None,
        metavar="DIR",
    )
    parser.add_argument("--max-horizon", type=int, default=5, metavar="H")
    parser.add_argument("--base-year", type=int, default=None, metavar="Y")
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
    )
    parser.set_defaults(run=run)


def ward_totals_text(totals: pd.DataFrame, lang: str = "vi", kind: str = "phường") -> str:
    """The ward-total block of the printout: accuracy, weighted MAPE and MALPE of the entry-age
    totals by horizon, and accuracy by entry age (`forecast.ward_accuracy` output)."""
    from forecast import accuracy_table
    from forecast.backtest import ENTRY_AGES, method_name, table_text
    from tuyensinh.words.labels import kind_name, say

    place = kind_name(kind or "phường", lang)
    lines = [say("backtest.ward_block", lang, kind=place, ages=", ".join(map(str, ENTRY_AGES)))]
    for key, metric, breakdown in (
        ("backtest.accuracy_horizon", "accuracy", "horizon"),
        ("backtest.wmape_horizon", "wmape", "horizon"),
        ("backtest.malpe_horizon", "malpe", "horizon"),
        ("backtest.accuracy_age", "accuracy", "age"),
    ):
        wide = accuracy_table(totals, metric, breakdown)
        wide = wide.rename(columns=lambda m: method_name(m, lang))
        wide.columns.name = say("backtest.method", lang)
        wide.index.name = say("accuracy.col_horizon" if breakdown == "horizon" else "backtest.age", lang)
        lines += ["", say(key, lang, kind=place), table_text(wide, lang)]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from capacity.norms import load_norms
    from forecast import backtest, format_summary, ward_accuracy
    from tuyensinh.plan.accuracy import planning_accuracy, small_area_scores
    from tuyensinh.plan.accuracy_words import format_planning_accuracy, small_area_text
    from tuyensinh.present.outputs import staged_output, write_csv_atomic
    from tuyensinh.ward.population_only import load_forecast_inputs
    from tuyensinh.words.labels import say, ward_title

    lang = args.lang
    if args.max_horizon < 1:
        raise ValueError(say("backtest.max_horizon", lang, value=args.max_horizon))
    ward = load_forecast_inputs(args.ward_dir)
    last = args.base_year if args.base_year is not None else ward.base_year
    max_age = 18
    result = backtest(
        ward.population, ward.births, ward.housing, max_horizon=args.max_horizon, last_year=last, max_age=max_age
    )
    totals = ward_accuracy(result.cells)
    full = ward.full
    entry = None
    if full is not None:  # pupils and classes need the schools, zones and norms of a whole ward
        entry = planning_accuracy(
            result.cells,
            load_norms(full.norms, full.rates),
            schools=full.schools,
            zones=full.zones,
            max_horizon=args.max_horizon,
        )
    out = Path(args.out) if args.out else None  # outputs only where --out says (never into the ward folder)
    files = {"backtest.csv": result.summary, "backtest_cells.csv": result.cells, "backtest_ward.csv": totals}
    if entry is not None:
        files["backtest_entry_grades.csv"] = entry.table
    names = tuple(files)
    if out is not None:
        with staged_output(out) as stage:
            for name, frame in files.items():
                write_csv_atomic(frame, stage / name, float_format="%.3f")
    origins = sorted(result.cells["origin"].unique())
    print(
        say(
            "backtest.heading",
            lang,
            place=ward_title(ward.kind, ward.name, lang),
            first=origins[0],
            last=origins[-1],
            horizon=args.max_horizon,
            max_age=max_age,
        )
    )
    print(format_summary(result, lang))
    print()
    print(ward_totals_text(totals, lang, ward.kind))
    print()
    print(small_area_text(small_area_scores(result.cells), lang))  # scored as the real-data benchmark
    print()
    if entry is not None:
        print(format_planning_accuracy(entry, lang, kind=ward.kind))
    else:
        print(say("backtest.population_only", lang))
    print()
    if out is not None:
        print(say("backtest.written", lang, files=", ".join(str(out / name) for name in names)))
    return 0
