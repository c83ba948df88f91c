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

from tuyensinh.codes import KINDS, SETTINGS, closest, fold_text
from tuyensinh.errors import Problem

__all__ = ["WardConfig", "read_ward_toml", "DEFAULT_CRS", "DEFAULT_HORIZON", "FILE"]

FILE = "ward.toml"
DEFAULT_CRS = "EPSG:3405"  # VN-2000 / UTM zone 48N, for longitudes 102–108°E
DEFAULT_HORIZON = 2030
WARD_KEYS = ("code", "name", "kind", "province", "crs", "base_year", "horizon", "setting")
TOP_TABLES = ("ward", "norms", "rates")
SHARE_TABLES = ("participation", "private_share")  # [rates.*] tables whose values are shares 0–1
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


def _line_of(text: str, key: str, table: str) -> int | None:
    """Line number of `key = …` inside `[table]` (or a dotted `table.key`), if it can be found."""
    section = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            section = header.group(1).replace('"', "")
            continue
        match = re.match(r"^([A-Za-z0-9_.\-\"' ]+?)\s*=", stripped)
        if match:
            name = match.group(1).replace('"', "").replace("'", "").strip()
            dotted = f"{table}.{key}" if table else key
            if (section == table and name == key) or (section is None and name == dotted):
                return number
    return None


def _syntax_problem(error: tomllib.TOMLDecodeError) -> Problem:
    text = str(error)
    found = re.search(r"\(at line (\d+), column (\d+)\)", text)
    reason = re.sub(r"\s*\(at line.*\)$", "", text) or "invalid TOML"
    if found:
        line, col = int(found.group(1)), int(found.group(2))
        where = f"at line {line}, column {col}"
    else:
        line, where = None, "at the end of the file" if "end of document" in text else ""
    return Problem(
        FILE,
        f"ward.toml is not valid TOML {where}: {reason}".replace("  ", " "),
        "check that line: text values need double quotes (name = \"Phước Bình\"), numbers none "
        "(base_year = 2025), each table header on its own line ([ward])",
        row=line,
    )


def _projected_crs(value: object, line: int | None) -> tuple[str, list[Problem]]:
    fix = (f"write crs = \"{DEFAULT_CRS}\" (VN-2000 / UTM 48N, west of 108°E) or \"EPSG:3406\" "
           "(VN-2000 / UTM 49N, east of 108°E)")
    if not isinstance(value, str) or not value.strip():
        return DEFAULT_CRS, [Problem(FILE, f"crs must be a text such as \"{DEFAULT_CRS}\", not {value!r}", fix, row=line, column="crs")]
    try:
        crs = CRS.from_user_input(value.strip())
    except CRSError:
        return DEFAULT_CRS, [Problem(FILE, f"the CRS '{value}' is not a coordinate reference system pyproj knows", fix, row=line, column="crs")]
    if not crs.is_projected:
        return DEFAULT_CRS, [Problem(
            FILE, f"the CRS '{value}' is not projected (its units are degrees); distances need metres",
            fix, row=line, column="crs",
        )]
    unit = crs.axis_info[0].unit_name if crs.axis_info else "metre"
    if unit not in ("metre", "meter"):
        return DEFAULT_CRS, [Problem(FILE, f"the CRS '{value}' measures in {unit}, not metres", fix, row=line, column="crs")]
    return value.strip(), []


def _year(value: object, key: str, line: int | None) -> tuple[int | None, list[Problem]]:
    if isinstance(value, bool) or not isinstance(value, int) or not 1950 <= value <= 2100:
        return None, [Problem(
            FILE, f"{key} must be a calendar year written as a whole number without quotes, not {value!r}",
            f"write for example {key} = 2025", row=line, column=key,
        )]
    return value, []


def _check_overrides(tables: dict[str, Any], top: str, text: str) -> list[Problem]:
    """Every value under [norms.*] / [rates.*] must be a non-negative number (shares at most 1)."""
    problems: list[Problem] = []
    if not isinstance(tables, dict):
        return [Problem(FILE, f"'{top}' must be a table ([{top}.…] sections)", f"write [{top}.<name>] sections with key = number lines", column=top)]
    for name, entries in tables.items():
        if not isinstance(entries, dict):
            entries = {"": entries}
        for key, value in entries.items():
            path = f"{top}.{name}" + (f".{key}" if key else "")
            line = _line_of(text, key, f"{top}.{name}") if key else _line_of(text, name, top)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                problems.append(Problem(
                    FILE, f"{path} must be a number of at least 0, not {value!r}",
                    "write a plain number without quotes", row=line, column=path,
                ))
            elif top == "rates" and name in SHARE_TABLES and value > 1:
                problems.append(Problem(
                    FILE, f"{path} = {value} is a share and cannot exceed 1",
                    f"write the share as a fraction, e.g. {value / 100:g} for {value:g} %", row=line, column=path,
                ))
    return problems


def _nfc(value: object) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


def read_ward_toml(folder: Path) -> tuple[WardConfig | None, list[Problem]]:
    """Parse and check ward.toml; return (config, problems) — config is None when unusable."""
    path = folder / FILE
    if not path.is_file():
        return None, [Problem(FILE, "the file is missing",
                              "create ward.toml with a [ward] table (code, name, province, base_year); "
                              "see docs/data-format.md")]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [Problem(FILE, "the file is not UTF-8 text", "save it as UTF-8 in your text editor (Notepad: Save As › Encoding UTF-8)",
                              row=data[: error.start].count(b"\n") + 1)]
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, [_syntax_problem(error)]
    problems: list[Problem] = []
    for top in parsed:
        if top not in TOP_TABLES:
            guess = closest(top, TOP_TABLES)
            problems.append(Problem(
                FILE, f"unknown table or key '{top}'" + (f" (did you mean [{guess}]?)" if guess else ""),
                f"use only the tables {', '.join(f'[{t}]' for t in TOP_TABLES)}", row=_line_of(text, top, "") or None, column=top,
            ))
    ward = parsed.get("ward")
    if not isinstance(ward, dict):
        problems.append(Problem(FILE, "the [ward] table is missing", "start the file with a [ward] line followed by code, name, province"))
        return None, problems

    def line(key: str) -> int | None:
        return _line_of(text, key, "ward")

    for key in ward:
        if key not in WARD_KEYS:
            guess = closest(key, WARD_KEYS)
            problems.append(Problem(
                FILE, f"unknown key '{key}' in [ward]" + (f" (did you mean '{guess}'?)" if guess else ""),
                f"the keys of [ward] are {', '.join(WARD_KEYS)}", row=line(key), column=key,
            ))
    code = ward.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        code = f"{code:05d}"
    if not isinstance(code, str) or not re.fullmatch(r"\d{5}", code.strip()):
        problems.append(Problem(
            FILE, f"code must be the 5-digit administrative code of the ward in quotes, not {ward.get('code')!r}",
            'write for example code = "25220"', row=line("code"), column="code",
        ))
        code = str(code or "")
    name = _nfc(ward.get("name", ""))
    if not name:
        problems.append(Problem(FILE, "name is missing or empty", 'write for example name = "Phước Bình"', row=line("name"), column="name"))
    kind = _nfc(ward.get("kind", "phường")).lower()
    if kind not in KINDS:
        folded = {fold_text(k): k for k in KINDS}
        if fold_text(kind) in folded:
            kind = folded[fold_text(kind)]
        else:
            problems.append(Problem(FILE, f"kind '{ward.get('kind')}' is not one of {', '.join(KINDS)}",
                                    'write kind = "phường" or kind = "xã"', row=line("kind"), column="kind"))
    setting = _nfc(ward.get("setting", _DEFAULT_SETTING.get(kind, "urban"))).lower()
    if setting not in SETTINGS:
        guess = closest(setting, SETTINGS)
        problems.append(Problem(
            FILE, f"setting '{ward.get('setting')}' is not one of {', '.join(SETTINGS)}" + (f" (did you mean '{guess}'?)" if guess else ""),
            'write setting = "urban", "rural" or "mountain" (selects the walking-distance norms)',
            row=line("setting"), column="setting",
        ))
    crs, found = _projected_crs(ward.get("crs", DEFAULT_CRS), line("crs"))
    problems += found
    base_year = None
    if "base_year" in ward:
        base_year, found = _year(ward["base_year"], "base_year", line("base_year"))
        problems += found
    horizon, found = _year(ward.get("horizon", DEFAULT_HORIZON), "horizon", line("horizon"))
    problems += found
    if base_year is not None and horizon is not None and horizon <= base_year:
        problems.append(Problem(
            FILE, f"horizon {horizon} is not after base_year {base_year}: there is nothing to forecast",
            f"set horizon to the last school year to plan for (default {DEFAULT_HORIZON}), later than base_year",
            row=line("horizon"), column="horizon",
        ))
    norms = parsed.get("norms", {})
    rates = parsed.get("rates", {})
    problems += _check_overrides(norms, "norms", text) + _check_overrides(rates, "rates", text)
    config = WardConfig(
        code=code.strip(), name=name, kind=kind, province=_nfc(ward.get("province", "")), crs=crs,
        base_year=base_year, horizon=horizon if horizon is not None else DEFAULT_HORIZON, setting=setting,
        norms=norms if isinstance(norms, dict) else {}, rates=rates if isinstance(rates, dict) else {},
        lines={key: line(key) for key in WARD_KEYS},
    )
    return config, problems
