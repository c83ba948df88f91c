"""`tuyensinh backtest WARD_DIR [--out DIR] [--max-horizon 5]`.

Rolling-origin backtest of the forecast method against naive persistence, pure aging and
un-shrunk Hamilton–Perry: prints the tables (weighted MAPE, MAPE, MALPE and interval coverage
by horizon, entry age and cohort size), then the ward-level block — the same forecasts summed
to ward totals of the entry ages (`forecast.ward_accuracy`) and turned into entry-grade pupils
and class counts for the whole ward and each school catchment (`tuyensinh.accuracy`) — and
writes backtest.csv (the summary), backtest_cells.csv (every forecast cell with its outcome),
backtest_ward.csv (ward-total metrics) and backtest_entry_grades.csv (pupils and classes
scores) into --out.
"""
from __future__ import annotations

import argparse

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "backtest",
        help="measure forecast accuracy on the ward's own history against simple baselines",
        description=(
            "Re-run the forecast from every past year and compare with what happened: weighted "
            "MAPE, MAPE, MALPE and 80%%/95%% interval coverage by horizon, entry age and cohort size, "
            "for the method and three baselines."
        ),
    )
    parser.add_argument("ward_dir", metavar="WARD_DIR", help="the ward folder (ward.toml, population.csv, ...)")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="output folder for backtest.csv and backtest_cells.csv (default: WARD_DIR/backtest)")
    parser.add_argument("--max-horizon", type=int, default=5, metavar="H", help="years ahead evaluated (default: 5)")
    parser.add_argument("--base-year", type=int, default=None, metavar="Y",
                        help="last year of data used (default: ward.toml base_year)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from capacity.norms import load_norms
    from forecast import accuracy_table, backtest, format_summary, ward_accuracy
    from tuyensinh.accuracy import format_planning_accuracy, planning_accuracy
    from tuyensinh.outputs import staged_output, write_csv_atomic
    from tuyensinh.ward import load_ward

    ward = load_ward(args.ward_dir)
    last = args.base_year if args.base_year is not None else ward.base_year
    if args.max_horizon < 1:
        raise ValueError("--max-horizon must be at least 1 year")
    result = backtest(ward.population, ward.births, ward.housing, max_horizon=args.max_horizon, last_year=last)
    totals = ward_accuracy(result.cells)
    entry = planning_accuracy(result.cells, load_norms(ward.norms, ward.rates), schools=ward.schools,
                              zones=ward.zones, max_horizon=args.max_horizon)
    out = Path(args.out) if args.out else Path(args.ward_dir) / "backtest"
    names = ("backtest.csv", "backtest_cells.csv", "backtest_ward.csv", "backtest_entry_grades.csv")
    with staged_output(out) as stage:
        for name, frame in zip(names, (result.summary, result.cells, totals, entry.table)):
            write_csv_atomic(frame, stage / name, float_format="%.3f")
    origins = sorted(result.cells["origin"].unique())
    print(f"Backtest of {ward.name}: origins {origins[0]}–{origins[-1]}, horizons 1–{args.max_horizon} years, ages 0–18")
    print(format_summary(result))
    print("\n=== Ward totals (what a planner publishes): quarters summed, entry ages 3, 4, 5, 6, 11 ===")
    for title, metric, breakdown in (
        ("Accuracy (%, 100 − MAPE of ward totals) by horizon", "accuracy", "horizon"),
        ("Weighted MAPE (%) of ward totals by horizon", "wmape", "horizon"),
        ("MALPE (%, bias) of ward totals by horizon", "malpe", "horizon"),
        ("Accuracy (%, 100 − MAPE of ward totals) by entry age", "accuracy", "age"),
    ):
        print(f"\n{title}\n{accuracy_table(totals, metric, breakdown).round(2).to_string()}")
    print()
    print(format_planning_accuracy(entry))
    print(f"\nWritten: {', '.join(str(out / name) for name in names)}")
    return 0
