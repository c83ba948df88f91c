"""`tuyensinh forecast WARD_DIR --out DIR [--base-year Y] [--horizon 2030]`.

Writes forecast.csv (quarter_id, year, age, mean, lo80, hi80, lo95, hi95: residents per
quarter × single age 0–18 × year, persons, with 80 % and 95 % prediction intervals) and
forecast_ward.csv (ward totals by age with their own intervals); with `--charts` also the
ward fan chart (forecast_ward.png). `--base-year Y` uses only data up to the end of year Y,
so anyone can backtest by hand. Only population.csv is needed: WARD_DIR may be a folder with
nothing else (births.csv, housing.csv and ward.toml are used when present) or the population
CSV file itself (`tuyensinh.ward.population_only`).
"""

from __future__ import annotations

import argparse

from tuyensinh.cli.language import LISTED
from tuyensinh.words.cli import say
from tuyensinh.words.core import number

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "forecast",
        help=LISTED,
    )
    parser.add_argument(
        "ward_dir",
        metavar="WARD_DIR",
    )
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument(
        "--base-year",
        type=int,
        default=None,
        metavar="Y",
    )
    parser.add_argument(
        "--horizon",
        type=int,
        default=None,
        metavar="Y",
    )
    parser.add_argument("--charts", action="store_true")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.set_defaults(run=run)


def _up_to(table, year: int):  # DataFrame | None
    if table is None:
        return None
    return table[table["year"].astype(int) <= year]


def run(args: argparse.Namespace) -> int:
    import io

    from forecast import project_all, ward_fan_chart
    from tuyensinh.present.outputs import staged_output, write_bytes_atomic, write_csv_atomic
    from tuyensinh.ward.population_only import load_forecast_inputs

    ward = load_forecast_inputs(args.ward_dir)
    base_year = args.base_year if args.base_year is not None else ward.base_year
    horizon = args.horizon if args.horizon is not None else ward.horizon
    population = _up_to(ward.population, base_year)
    births = _up_to(ward.births, base_year)
    # Planned completions after the base year are plans known at the base year: keep them.
    result = project_all(population, births, ward.housing, base_year=base_year, horizon=horizon)
    with staged_output(args.out) as stage:
        write_csv_atomic(result.quarters, stage / "forecast.csv", float_format="%.3f")
        write_csv_atomic(result.ward, stage / "forecast_ward.csv", float_format="%.3f")
        if args.charts:
            figure = ward_fan_chart(result.ward, history=population, name=ward.name, lang=args.lang)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=120)
            write_bytes_atomic(stage / "forecast_ward.png", buffer.getvalue())
    print(
        say(
            "said.forecast_done",
            args.lang,
            place=ward.name,
            n=number(result.quarters["quarter_id"].nunique(), args.lang),
            first=base_year + 1,
            last=horizon,
            base=base_year,
            errors=number(result.calibration.n_errors, args.lang),
            out=f"{args.out}/forecast.csv",
        )
    )
    return 0
