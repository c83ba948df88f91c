"""ward.toml: the ward's identity, projected CRS, base year, horizon and per-ward overrides.

`read_ward_toml` checks the syntax (reporting the line), the keys (typos are reported, not
ignored) and the values that can be checked without the tables; `base_year` against the
population years is checked by the loader.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyproj import CRS
from pyproj.exceptions import CRSError

from capacity.norms import NormProblem, check_overrides, rate_maximum
from tuyensinh.ward.codes import KINDS, SETTINGS, closest, fold_text
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.norm_problems import norm_problem_texts
from tuyensinh.ward.overrides import override_values
from tuyensinh.ward.toml_lines import header_line, line_of
from tuyensinh.words.problems import EMPTY, TOML_REASONS, Text
from tuyensinh.words.problems import text as problem_text  # `text` names the file's text here

__all__ = ["WardConfig", "read_ward_toml", "norm_problem_texts", "DEFAULT_CRS", "DEFAULT_HORIZON", "FILE"]

FILE = "ward.toml"
DEFAULT_CRS = "EPSG:3405"  # VN-2000 / UTM zone 48N, for longitudes 102–108°E
DEFAULT_HORIZON = 2030
WARD_KEYS = ("code", "name", "kind", "province", "crs", "base_year", "horizon", "setting")
TOP_TABLES = ("ward", "norms", "rates")
_DEFAULT_SETTING = {"phường": "urban", "xã": "rural", "đặc khu": "rural"}


@dataclass(frozen=True)
class WardConfig:
    """The parsed [ward] table (defaults filled) and the override tables as written."""

    code: str
    name: str
    kind: str
    province: str
    crs: str
    base_year: int | None  # None: the last year of population.csv
    horizon: int
    setting: str
    norms: dict[str, Any] = field(default_factory=dict)
    rates: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int | None] = field(default_factory=dict)  # [ward] key -> line in ward.toml


def _syntax_problem(error: tomllib.TOMLDecodeError) -> Problem:
    text = str(error)
    found = re.search(r"\(at line (\d+), column (\d+)\)", text)
    written = re.sub(r"\s*\(at (line .*|end of document)\)$", "", text)
    reason = Text(TOML_REASONS.get(written, written), written) if written else problem_text("toml.invalid")
    if found:
        line, col = int(found.group(1)), int(found.group(2))
        where = problem_text("toml.where_line", line=line, col=col)
    else:
        line, where = None, problem_text("toml.where_end") if "end of document" in text else EMPTY
    return Problem.of(
        FILE, problem_text("toml.syntax", where=where, reason=reason), problem_text("fix.toml.syntax"), row=line
    )


def _projected_crs(value: object, line: int | None) -> tuple[str, list[Problem]]:
    fix = problem_text("fix.toml.crs", default=DEFAULT_CRS)
    if not isinstance(value, str) or not value.strip():
        return DEFAULT_CRS, [
            Problem.of(
                FILE,
                problem_text("toml.crs_not_text", default=DEFAULT_CRS, value=repr(value)),
                fix,
                row=line,
                column="crs",
            )
        ]
    try:
        crs = CRS.from_user_input(value.strip())
    except CRSError:
        return DEFAULT_CRS, [
            Problem.of(FILE, problem_text("toml.crs_unknown", value=value), fix, row=line, column="crs")
        ]
    if not crs.is_projected:
        return DEFAULT_CRS, [
            Problem.of(FILE, problem_text("toml.crs_geographic", value=value), fix, row=line, column="crs")
        ]
    unit = crs.axis_info[0].unit_name if crs.axis_info else "metre"
    if unit not in ("metre", "meter"):
        return DEFAULT_CRS, [
            Problem.of(FILE, problem_text("toml.crs_unit", value=value, unit=unit), fix, row=line, column="crs")
        ]
    return value.strip(), []


def _year(value: object, key: str, line: int | None) -> tuple[int | None, list[Problem]]:
    if isinstance(value, bool) or not isinstance(value, int) or not 1950 <= value <= 2100:
        return None, [
            Problem.of(
                FILE,
                problem_text("toml.year", key=key, value=repr(value)),
                problem_text("fix.toml.year", key=key),
                row=line,
                column=key,
            )
        ]
    return value, []


def _unknown_names(
    found: dict[str, Any], allowed: tuple[str, ...], message: str, hint_key: str, fix: Text, line: Any, *, field: str
) -> list[Problem]:
    """One problem per name in `found` that is not `allowed`, with the closest allowed name as a
    hint; `line(name)` gives its ward.toml line, `field` the placeholder the message uses."""
    problems = []
    for name in found:
        if name not in allowed:
            guess = closest(name, allowed)
            hint = problem_text(hint_key, guess=guess) if guess else EMPTY
            problems.append(
                Problem.of(FILE, problem_text(message, **{field: name}, hint=hint), fix, row=line(name), column=name)
            )
    return problems


def _check_overrides(tables: dict[str, Any], top: str, text: str) -> tuple[list[Problem], set[str]]:
    """Every value under [norms.*] / [rates.*] (and [norms.<key>.<level>]) must be a non-negative
    number (private_share at most 1, participation at most 1.5: `capacity.norms.rate_maximum`);
    returns the problems and the dotted paths they concern."""
    problems: list[Problem] = []
    flagged: set[str] = set()
    if not isinstance(tables, dict):
        problem = Problem.of(
            FILE,
            problem_text("toml.override_not_table", top=top),
            problem_text("fix.toml.override_not_table", top=top),
            row=line_of(text, top, ""),
            column=top,
        )
        return [problem], {top}
    for found in override_values(top, tables, nested=True):
        # nan and inf are left to the norm table, which words them with the value's range
        if found.fault is None or found.fault == "not_finite":
            continue
        line = line_of(text, found.last, found.section) if found.last else line_of(text, found.name, top)
        if found.fault in ("not_number", "negative"):
            problems.append(
                Problem.of(
                    FILE,
                    problem_text("toml.override_number", path=found.path, value=repr(found.value)),
                    problem_text("fix.toml.plain_number"),
                    row=line,
                    column=found.path,
                )
            )
        else:  # above_maximum
            number = found.value
            assert isinstance(number, int | float)  # above a maximum: a number
            problems.append(
                Problem.of(
                    FILE,
                    problem_text(
                        "toml.share_above_1",
                        path=found.path,
                        value=found.value,
                        maximum=f"{rate_maximum(found.name):g}",
                    ),
                    problem_text("fix.toml.share_fraction", fraction=f"{number / 100:g}", percent=f"{number:g}"),
                    row=line,
                    column=found.path,
                )
            )
        flagged.add(found.path)
    return problems, flagged


def _norm_line(text: str, problem: NormProblem) -> int | None:
    """The ward.toml line of the refused value: its key, else its table's header."""
    if problem.key:
        found = line_of(text, problem.key, problem.section) or header_line(text, problem.path)
    else:
        top, _, name = problem.section.rpartition(".")
        found = line_of(text, name, top) if top else line_of(text, name, "")
    return found or header_line(text, problem.section)


def _norm_problems(norms: Any, rates: Any, text: str, flagged: set[str]) -> list[Problem]:
    """What the norm table refuses in [norms] / [rates] (the checks load_norms makes), except the
    values already reported as not numbers or shares above 1."""
    if not isinstance(norms, dict) or not isinstance(rates, dict):
        return []
    problems = []
    for problem in check_overrides(norms, rates):
        if problem.path in flagged or any(problem.path.startswith(path + ".") for path in flagged):
            continue
        message, fix = norm_problem_texts(problem)
        problems.append(Problem.of(FILE, message, fix, row=_norm_line(text, problem), column=problem.path))
    return problems


def _nfc(value: object) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


def read_ward_toml(folder: Path) -> tuple[WardConfig | None, list[Problem]]:
    """Parse and check ward.toml; return (config, problems) — config is None when unusable."""
    path = folder / FILE
    if not path.is_file():
        return None, [Problem.of(FILE, problem_text("toml.missing"), problem_text("fix.toml.missing"))]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [
            Problem.of(
                FILE,
                problem_text("toml.not_utf8"),
                problem_text("fix.toml.utf8"),
                row=data[: error.start].count(b"\n") + 1,
            )
        ]
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, [_syntax_problem(error)]
    problems: list[Problem] = []
    problems += _unknown_names(
        parsed,
        TOP_TABLES,
        "toml.unknown_top",
        "hint.did_you_mean_table",
        problem_text("fix.toml.tables", tables=", ".join(f"[{t}]" for t in TOP_TABLES)),
        lambda top: line_of(text, top, "") or None,
        field="top",
    )
    ward = parsed.get("ward")
    if not isinstance(ward, dict):
        problems.append(Problem.of(FILE, problem_text("toml.no_ward"), problem_text("fix.toml.no_ward")))
        return None, problems

    def line(key: str) -> int | None:
        return line_of(text, key, "ward")

    problems += _unknown_names(
        ward,
        WARD_KEYS,
        "toml.unknown_key",
        "hint.did_you_mean",
        problem_text("fix.toml.keys", keys=", ".join(WARD_KEYS)),
        line,
        field="key",
    )
    code = ward.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        code = f"{code:05d}"
    if not isinstance(code, str) or not re.fullmatch(r"\d{5}", code.strip()):
        problems.append(
            Problem.of(
                FILE,
                problem_text("toml.code", value=repr(ward.get("code"))),
                problem_text("fix.toml.code"),
                row=line("code"),
                column="code",
            )
        )
        code = str(code or "")
    name = _nfc(ward.get("name", ""))
    if not name:
        problems.append(
            Problem.of(FILE, problem_text("toml.name"), problem_text("fix.toml.name"), row=line("name"), column="name")
        )
    kind = _nfc(ward.get("kind", "phường")).lower()
    if kind not in KINDS:
        folded = {fold_text(k): k for k in KINDS}
        if fold_text(kind) in folded:
            kind = folded[fold_text(kind)]
        else:
            problems.append(
                Problem.of(
                    FILE,
                    problem_text("toml.kind", value=ward.get("kind"), allowed=", ".join(KINDS)),
                    problem_text("fix.toml.kind"),
                    row=line("kind"),
                    column="kind",
                )
            )
    setting = _nfc(ward.get("setting", _DEFAULT_SETTING.get(kind, "urban"))).lower()
    if setting not in SETTINGS:
        guess = closest(setting, SETTINGS)
        hint = problem_text("hint.did_you_mean", guess=guess) if guess else EMPTY
        problems.append(
            Problem.of(
                FILE,
                problem_text("toml.setting", value=ward.get("setting"), allowed=", ".join(SETTINGS), hint=hint),
                problem_text("fix.toml.setting"),
                row=line("setting"),
                column="setting",
            )
        )
    crs, found = _projected_crs(ward.get("crs", DEFAULT_CRS), line("crs"))
    problems += found
    base_year = None
    if "base_year" in ward:
        base_year, found = _year(ward["base_year"], "base_year", line("base_year"))
        problems += found
    horizon, found = _year(ward.get("horizon", DEFAULT_HORIZON), "horizon", line("horizon"))
    problems += found
    if base_year is not None and horizon is not None and horizon <= base_year:
        problems.append(
            Problem.of(
                FILE,
                problem_text("toml.horizon_before_base", horizon=horizon, base_year=base_year),
                problem_text("fix.toml.horizon", default=DEFAULT_HORIZON),
                row=line("horizon"),
                column="horizon",
            )
        )
    norms = parsed.get("norms", {})
    rates = parsed.get("rates", {})
    flagged: set[str] = set()
    for top, tables in (("norms", norms), ("rates", rates)):
        found, paths = _check_overrides(tables, top, text)
        problems += found
        flagged |= paths
    problems += _norm_problems(norms, rates, text, flagged)
    config = WardConfig(
        code=code.strip(),
        name=name,
        kind=kind,
        province=_nfc(ward.get("province", "")),
        crs=crs,
        base_year=base_year,
        horizon=horizon if horizon is not None else DEFAULT_HORIZON,
        setting=setting,
        norms=norms if isinstance(norms, dict) else {},
        rates=rates if isinstance(rates, dict) else {},
        lines={key: line(key) for key in WARD_KEYS},
    )
    return config, problems
