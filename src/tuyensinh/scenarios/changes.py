"""What a scenario is: its changes (`OpenSchool`, `CloseSchool`, `HousingProject`, `NormOverride`),
the keys each change table of a scenarios file takes, and `ScenarioFileError`.

`tuyensinh.scenarios.file` reads and checks a scenarios file into these records;
`tuyensinh.scenarios.compare` applies them to a ward and compares the plans.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tuyensinh.ward.codes import VIETNAM_LAT, VIETNAM_LON
from tuyensinh.ward.columns import Column
from tuyensinh.ward.errors import WardDataError
from tuyensinh.ward.tables import HOUSING, SCHOOLS, TableSpec
from tuyensinh.words.validate import problems_heading

__all__ = [
    "OpenSchool",
    "CloseSchool",
    "HousingProject",
    "NormOverride",
    "Change",
    "Scenario",
    "ScenarioFileError",
    "deep_merge",
    "RESERVED_NAME",
]

#: The name of the plan as it is in a comparison; no scenario may use it.
RESERVED_NAME = "baseline"


@dataclass(frozen=True)
class OpenSchool:
    """A new school (or site) taking pupils from school year `opens`."""

    school_id: str
    name: str
    level: str
    lon: float
    lat: float
    classrooms: int
    opens: int
    sessions_per_day: int = 2
    max_class_size: float | None = None
    land_m2: float | None = None


@dataclass(frozen=True)
class CloseSchool:
    """A school (or site) that takes no pupils from school year `year` on."""

    school_id: str
    year: int


@dataclass(frozen=True)
class HousingProject:
    """Planned dwellings completed in `year` in a quarter (added to housing.csv)."""

    quarter_id: str
    year: int
    new_dwellings: int


@dataclass(frozen=True)
class NormOverride:
    """Overrides merged into the ward's ward.toml [norms] / [rates] (same shape)."""

    norms: Mapping[str, Any] = field(default_factory=dict)
    rates: Mapping[str, Any] = field(default_factory=dict)


Change = OpenSchool | CloseSchool | HousingProject | NormOverride


@dataclass(frozen=True)
class Scenario:
    """A named set of changes to a ward's data.

    `file`, `number` (its [[scenario]] block, from 1) and `lines` ((table, position, key) →
    line of the file; key "" is the table's header) say where it was written, for messages;
    they are empty for a scenario made in Python and do not take part in comparisons.
    """

    name: str
    changes: tuple[Change, ...] = ()
    description: str = ""
    file: str = field(default="", compare=False)
    number: int = field(default=0, compare=False)
    lines: Mapping[tuple[str, int, str], int] = field(default_factory=dict, compare=False, repr=False)


class ScenarioFileError(WardDataError, ValueError):
    """The scenarios file(s) have problems; `problems` lists every one of them (`folder`: the file)."""

    def report(self, lang: str = "vi") -> str:
        """Every problem, one per line, under a heading; Vietnamese by default, English with lang="en"."""
        several = len({problem.file for problem in self.problems}) > 1
        lines = [problems_heading(lang, folder=self.folder, n=len(self.problems), scenarios=True, several=several)]
        lines += [f"  - {problem.text(lang)}" for problem in self.problems]
        return "\n".join(lines)


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `extra` merged in, table by table (neither is modified)."""
    merged = copy.deepcopy(dict(base))
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


# --- the keys of each change ---------------------------------------------------------------------


def _key(spec: TableSpec, name: str, example: str, **changes: Any) -> Column:
    """The column `name` of a ward table as a key of a change table: the same kind and bounds (one
    column schema for the ward folder and the scenarios file), with `example` as written in TOML
    and the `changes` a scenario needs, each said where it is used."""
    column = next(c for c in spec.columns if c.name == name)
    return replace(column, example=example, **changes)


#: A year of a change is checked against the ward's base year and horizon (`fit.ward_problems`),
#: not against the 1950–2100 of the tables.
_ANY_YEAR: dict[str, Any] = {"minimum": None, "maximum": None}

_CHANGES: dict[str, tuple[type, tuple[Column, ...]]] = {
    "open_school": (
        OpenSchool,
        (
            _key(SCHOOLS, "school_id", '"TH05"'),
            _key(SCHOOLS, "name", '"Trường Tiểu học Phước Bình 2"'),
            _key(SCHOOLS, "level", '"tieu_hoc"'),
            # a new site must lie in Viet Nam (schools.csv checks its sites against the quarters instead)
            _key(SCHOOLS, "lon", "106.95", minimum=VIETNAM_LON[0], maximum=VIETNAM_LON[1]),
            _key(SCHOOLS, "lat", "11.83", minimum=VIETNAM_LAT[0], maximum=VIETNAM_LAT[1]),
            # a school that opens has rooms (schools.csv allows 0: a school still being built)
            _key(SCHOOLS, "classrooms", "20", minimum=1),
            _key(SCHOOLS, "opens", "2028", required=True, **_ANY_YEAR),  # when it opens is the change itself
            _key(SCHOOLS, "sessions_per_day", "2"),
            _key(SCHOOLS, "max_class_size", "35"),
            _key(SCHOOLS, "land_m2", "8000"),
        ),
    ),
    "close_school": (
        CloseSchool,
        (
            _key(SCHOOLS, "school_id", '"TH03"'),
            Column("year", "int", example="2028"),
        ),
    ),
    "housing": (
        HousingProject,
        (
            _key(HOUSING, "quarter_id", '"KP14"'),
            _key(HOUSING, "year", "2027", **_ANY_YEAR),
            _key(HOUSING, "new_dwellings", "400"),
        ),
    ),
}
_TABLE_OF = {cls: table for table, (cls, _) in _CHANGES.items()}
_OVERRIDES = ("norms", "rates")
_BLOCK_KEYS = ("name", "description", *_CHANGES, *_OVERRIDES)
_NAME_EXAMPLE = '"Dự án nhà ở KP14"'
