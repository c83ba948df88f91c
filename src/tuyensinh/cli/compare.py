"""`tuyensinh compare WARD_DIR --scenario FILE`: plans side by side under what-if scenarios.

Prints one block per option — the baseline, then every scenario in the TOML file(s) (a school
opening or closing, a housing project, a lower class-size limit; format in docs/workflow.md) —
with the pupils, classes, rooms short and pupil-km per level and school year, a scenario's
difference from the baseline in brackets; every line fits 100 columns, numbers as the planner
writes them in --lang. With --out it writes compare.csv (one row per scenario × level × school
year), compare_differences.csv (scenario minus baseline) and compare.xlsx (the options side by
side on one sheet, ready to print: `tuyensinh.present.compare_xlsx`).
A problem in a scenarios file (or a change that does not fit the ward) exits with code 2 and
lists every problem — file, line, scenario, change, key, value found, what to write — in the
--lang language (Vietnamese by default), before anything is computed.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TYPE_CHECKING

from tuyensinh.cli.errors import finite_number
from tuyensinh.cli.language import LISTED
from tuyensinh.words.cli import say
from tuyensinh.words.core import number

if TYPE_CHECKING:
    import pandas as pd

    from tuyensinh.scenarios.compare import Comparison

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help=LISTED,
    )
    parser.add_argument("ward_dir", metavar="WARD_DIR")
    parser.add_argument(
        "--scenario",
        "-s",
        action="append",
        required=True,
        metavar="FILE",
    )
    parser.add_argument("--out", metavar="DIR", default=None)
    parser.add_argument("--school-year", type=int, default=None, metavar="Y")
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
    )
    parser.add_argument(
        "--time-limit",
        type=finite_number,
        default=60.0,
        metavar="S",
    )
    parser.add_argument("--quiet", "-q", action="store_true")
    parser.set_defaults(run=run)


WIDTH = 100  # the printout fits a terminal of 100 columns


def compare_text(comparison: Comparison, lang: str = "vi") -> str:
    """The printout: one block per option, rows level × school year, columns pupils, classes,
    rooms short and pupil-km; a scenario's difference from the baseline in brackets."""
    from tuyensinh.words.labels import level_name, school_year_label
    from tuyensinh.words.labels import say as label

    metrics = {"pupils": 0, "classes": 0, "rooms_short": 0, "pupil_metres": 1}  # decimals shown
    heads = [label(key, lang) for key in ("col.level", "col.school_year", "col.pupils", "col.classes")]
    heads += [label("col.room_shortfall", lang), label("col.pupil_km", lang)]
    table = comparison.table.assign(pupil_metres=comparison.table["pupil_metres"] / 1000.0)
    keys = ["level", "school_year"]
    base = table[table["scenario"] == "baseline"].set_index(keys)
    blocks = [textwrap.fill(say("said.compare_note", lang) + " " + say("said.compare_brackets", lang), WIDTH)]
    for name, rows in table.groupby("scenario", sort=False):
        if name == "baseline":
            heading = label("scenario.baseline", lang)
        else:
            heading = say("said.compare_versus", lang, name=name)
        cells = []
        shown = None
        for row in rows.sort_values(keys, key=_level_order).itertuples(index=False):
            level = level_name(row.level, lang) if row.level != shown else ""  # each level named once
            shown = row.level
            line = [level, school_year_label(int(row.school_year), lang)]
            for metric, decimals in metrics.items():
                value = getattr(row, metric)
                text = number(value, lang, decimals)
                if name != "baseline" and (row.level, row.school_year) in base.index:
                    change = value - base.loc[(row.level, row.school_year), metric]
                    if round(change, decimals) != 0:
                        text += f" ({'+' if change > 0 else '−'}{number(abs(change), lang, decimals)})"
                line.append(text)
            cells.append(line)
        widths = [max(len(r[i]) for r in [heads, *cells]) for i in range(len(heads))]
        lines = textwrap.wrap(heading, WIDTH)
        for r in [heads, *cells]:
            lines.append(
                "  "
                + "  ".join([*(c.ljust(w) for c, w in zip(r[:2], widths, strict=False))])
                + "  "
                + "  ".join(c.rjust(w) for c, w in zip(r[2:], widths[2:], strict=True))
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _level_order(column: pd.Series) -> pd.Series:
    """Sort key: levels in school order (mầm non, tiểu học, THCS), years ascending."""
    from capacity.grades import LEVELS

    return column.map({level: i for i, level in enumerate(LEVELS)}) if column.name == "level" else column


def run(args: argparse.Namespace) -> int:
    from tuyensinh.plan.types import PlanSettings, Progress
    from tuyensinh.present.compare_xlsx import write_compare_xlsx
    from tuyensinh.present.outputs import staged_output, write_csv_atomic
    from tuyensinh.scenarios.compare import compare_scenarios, comparison_wide, load_scenario_files
    from tuyensinh.ward import load_ward
    from tuyensinh.words.labels import ward_title

    scenarios = load_scenario_files(args.scenario)  # every file checked; all problems at once
    ward = load_ward(args.ward_dir)
    settings = PlanSettings(school_year=args.school_year, lang=args.lang, time_limit=args.time_limit)
    progress = Progress(not args.quiet, args.lang)  # bars on a terminal, lines elsewhere
    comparison = compare_scenarios(ward, scenarios, settings, progress=progress)
    progress.close()
    print(compare_text(comparison, args.lang))
    if args.out:
        names = ("compare.csv", "compare_differences.csv", "compare.xlsx")
        with staged_output(args.out) as stage:
            write_csv_atomic(comparison.table, stage / names[0], float_format="%.6g")
            write_csv_atomic(comparison.differences, stage / names[1], float_format="%.6g")
            wide = comparison_wide(comparison, lang=args.lang)
            write_compare_xlsx(stage / names[2], wide, ward_title(ward.kind, ward.name, args.lang), args.lang)
        if not args.quiet:
            print(say("said.compare_written", args.lang, files=", ".join(names), out=args.out), file=sys.stderr)
    return 0
