"""`tuyensinh capacity WARD_DIR --out DIR [--zones FILE] [--forecast FILE]`.

Loads the ward, forecasts its population (or reads forecast.csv), turns it into enrollment
demand, sends it to the schools of the zones (the ward's zones.csv unless --zones) and writes
demand.csv, capacity.csv, quotas.csv, ward_summary.csv, utilization.png and room_shortfall.png,
and the capacity cycle (tuyensinh.plan.cycle): building_programme.csv, building_by_year.csv,
facilities.csv, mixed_classes.csv, data_coverage.csv, capacity_plan.xlsx and — with the ward's
enrolment.csv — intake_report.csv, intake_accuracy.csv, rates_used.csv and universalisation.csv,
into DIR, atomically (a failed run leaves DIR as it was).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from tuyensinh.cli.errors import CommandError
from tuyensinh.cli.language import LISTED
from tuyensinh.words.cli import CLI, say

__all__ = ["register", "run"]

OUTPUTS = (
    "demand.csv",
    "capacity.csv",
    "quotas.csv",
    "ward_summary.csv",
    "utilization.png",
    "room_shortfall.png",
    "capacity_plan.xlsx",
    "building_programme.csv",
    "building_by_year.csv",
    "facilities.csv",
    "mixed_classes.csv",
    "data_coverage.csv",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "capacity",
        help=LISTED,
    )
    parser.add_argument("ward_dir", metavar="WARD_DIR")
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument(
        "--zones",
        metavar="FILE",
    )
    parser.add_argument("--forecast", metavar="FILE")
    parser.add_argument(
        "--enrolment",
        metavar="FILE",
    )
    parser.add_argument("--horizon", type=int, metavar="YEAR")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.set_defaults(run=run)


def _read_csv(path: Path, what: str, ids: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise CommandError(CLI.text("said.capacity_missing_file", what=what, path=path))
    try:
        return pd.read_csv(path, dtype=dict.fromkeys(ids, str), encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(CLI.text("said.capacity_not_utf8", path=path, reason=error.reason)) from error


def run(args: argparse.Namespace) -> int:
    import capacity
    from capacity.analyze import check_assignment
    from capacity.demand import check_forecast
    from tuyensinh.plan.cycle import CYCLE_FILES, compute_cycle, cycle_sheets, plan_norms
    from tuyensinh.present.capacity_xlsx import write_capacity_xlsx
    from tuyensinh.present.outputs import staged_output, write_csv_atomic
    from tuyensinh.ward import load_ward

    ward = load_ward(args.ward_dir)
    # rates from the ward's enrolment.csv (ward.toml wins), unless --enrolment gives a history
    norms, progression, rates_used = (
        plan_norms(ward) if not args.enrolment else (capacity.load_norms(ward.norms, ward.rates), None, None)
    )
    horizon = args.horizon or ward.horizon
    if horizon <= ward.base_year:
        raise CommandError(CLI.text("said.capacity_horizon", horizon=horizon, base=ward.base_year))

    if args.zones:
        zones = _read_csv(Path(args.zones), "--zones", ("quarter_id", "school_id"))
    elif ward.zones is not None:
        zones = ward.zones
    else:
        raise CommandError(CLI.text("said.capacity_no_zones", path=Path(args.ward_dir) / "zones.csv"))
    zones = check_assignment(zones, ward.schools, name=args.zones or str(Path(args.ward_dir) / "zones.csv"))
    if args.forecast:
        forecast_table = check_forecast(
            _read_csv(Path(args.forecast), "--forecast", ("quarter_id",)), name=args.forecast
        )
    else:
        import forecast

        forecast_table = forecast.project(
            ward.population,
            ward.births,
            ward.housing,
            base_year=ward.base_year,
            horizon=horizon,
            include_base=True,
        )
    if args.enrolment:
        enrolment = _read_csv(Path(args.enrolment), "--enrolment", ())
        progression = capacity.progression_from_history(enrolment, ward.population_by_age(), norms)

    years = sorted(y for y in pd.to_numeric(forecast_table["year"]).unique().tolist() if y <= horizon)
    demand = capacity.enrollment_demand(forecast_table, norms, school_years=years, progression=progression)
    table = capacity.analyze(demand, zones, ward.schools, norms, horizon=horizon)
    coming = [y for y in years if y > ward.base_year] or years
    places = capacity.quotas(demand, zones, ward.schools, norms, school_years=coming)
    base = ward.base_year if ward.base_year in years else None
    summary = capacity.ward_summary(
        table,
        demand,
        zones,
        ward.schools,
        norms,
        forecast=forecast_table,
        setting=ward.setting,
        base_year=base,
    )
    cycle = compute_cycle(ward, norms, table, demand, zones, rates_used)
    from tuyensinh.words.labels import say as label

    zones_words = label("zones.given" if args.zones else "zones.current", args.lang)
    utilization = capacity.plot_utilization(table, ward.schools, lang=args.lang, zones=zones_words)
    shortfall = capacity.plot_room_shortfall(table, ward.schools, lang=args.lang, zones=zones_words)

    with staged_output(args.out) as stage:
        write_csv_atomic(demand, stage / "demand.csv")
        # which zones it assumes: the ward folder's zones.csv (current), or the file of --zones
        write_csv_atomic(table.assign(zones="given" if args.zones else "current"), stage / "capacity.csv")
        write_csv_atomic(places, stage / "quotas.csv")
        write_csv_atomic(summary, stage / "ward_summary.csv")
        for name, field in CYCLE_FILES.items():
            if getattr(cycle, field) is not None:
                write_csv_atomic(getattr(cycle, field), stage / name)
        write_capacity_xlsx(
            stage / "capacity_plan.xlsx",
            cycle_sheets(cycle),
            ward.schools,
            lang=args.lang,
            zones="given" if args.zones else "current",
        )
        utilization.savefig(stage / "utilization.png", dpi=150)
        shortfall.savefig(stage / "room_shortfall.png", dpi=150)

    zones_file = args.zones or str(Path(args.ward_dir) / "zones.csv")
    _print_flags(table, ward.schools, horizon, args.out, zones_file, args.lang)
    return 0


def _print_flags(table: pd.DataFrame, schools: pd.DataFrame, horizon: int, out: str, zones: str, lang: str) -> None:
    """One line per school and level at the horizon, in `lang` (numbers as the planner writes them)."""
    from tuyensinh.words.core import number
    from tuyensinh.words.labels import flag_name, school_year_label

    names = dict(
        zip(schools["school_id"].astype(str), schools.get("name", schools["school_id"]).astype(str), strict=True)
    )
    last = table[table["school_year"] == table["school_year"].max()]
    lines = [
        say("said.capacity_heading", lang, years=school_year_label(horizon, lang), out=out),
        say("said.capacity_zones_note", lang, zones=zones),
    ]
    wide = max(len(flag_name(flag, lang)) for flag in ("ok", "tight", "over"))
    for row in table.drop_duplicates(["school_id", "level"]).itertuples(index=False):
        end = last[(last["school_id"] == row.school_id) & (last["level"] == row.level)].iloc[0]
        year = int(end["school_year"])
        first = (
            ""
            if pd.isna(row.first_short_year)
            else say("said.capacity_first_short", lang, year=int(row.first_short_year))
        )
        if end["rooms_available"] == 0 and end["pupils_mean"] > 0:
            state = say("said.capacity_closed_zoned", lang, year=year, pupils=number(end["pupils_mean"], lang))
        elif end["rooms_available"] == 0:
            state = say("said.capacity_closed", lang, year=year)
        else:
            state = say(
                "said.capacity_state",
                lang,
                utilization=number(100 * end["utilization"], lang) + "%",
                year=year,
                short=number(end["room_shortfall"], lang),
            )
        flag = flag_name(str(end["flag"]), lang)
        lines.append(f"  {row.school_id:<8} {names.get(row.school_id, ''):<40} {flag:<{wide}} {state}{first}")
    print("\n".join(lines), file=sys.stdout)
