"""`tuyensinh backtest WARD_DIR [--out DIR] [--max-horizon 5]`.

Rolling-origin backtest of the forecast method against naive persistence, pure aging and
un-shrunk Hamilton–Perry: prints the tables (weighted MAPE, MAPE, MALPE and interval coverage
by horizon, entry age and cohort size) and writes backtest.csv (the summary) and
backtest_cells.csv (every forecast cell with its outcome) into --out.
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

    from forecast import backtest, format_summary
    from tuyensinh.outputs import staged_output, write_csv_atomic
    from tuyensinh.ward import load_ward

    ward = load_ward(args.ward_dir)
    last = args.base_year if args.base_year is not None else ward.base_year
    if args.max_horizon < 1:
        raise ValueError("--max-horizon must be at least 1 year")
    result = backtest(ward.population, ward.births, ward.housing, max_horizon=args.max_horizon, last_year=last)
    out = Path(args.out) if args.out else Path(args.ward_dir) / "backtest"
    with staged_output(out) as stage:
        write_csv_atomic(result.summary, stage / "backtest.csv", float_format="%.3f")
        write_csv_atomic(result.cells, stage / "backtest_cells.csv", float_format="%.3f")
    origins = sorted(result.cells["origin"].unique())
    print(f"Backtest of {ward.name}: origins {origins[0]}–{origins[-1]}, horizons 1–{args.max_horizon} years, ages 0–18")
    print(format_summary(result))
    print(f"\nWritten: {out / 'backtest.csv'}, {out / 'backtest_cells.csv'}")
    return 0
