"""What a scenario is: its changes (`OpenSchool`, `CloseSchool`, `HousingProject`, `NormOverride`),
the keys each change table of a scenarios file takes, and `ScenarioFileError`.

`tuyensinh.scenarios.file` reads and checks a scenarios file into these records;
`tuyensinh.scenarios.compare` applies them to a ward and compares the plans.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tuyensinh.ward.codes import VIETNAM_LAT, VIETNAM_LON
from tuyensinh.ward.errors import WardDataError
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


@dataclass(frozen=True)
class _Key:
    """One key of a change table: its kind ("id", "text", "level", "int", "year", "number"),
    whether it must be given, its bounds and an example as written in TOML."""

    name: str
    kind: str
    example: str
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None


_CHANGES: dict[str, tuple[type, tuple[_Key, ...]]] = {
    "open_school": (OpenSchool, (
        _Key("school_id", "id", '"TH05"'),
        _Key("name", "text", '"Trường Tiểu học Phước Bình 2"'),
        _Key("level", "level", '"tieu_hoc"'),
        _Key("lon", "number", "106.95", minimum=VIETNAM_LON[0], maximum=VIETNAM_LON[1]),
        _Key("lat", "number", "11.83", minimum=VIETNAM_LAT[0], maximum=VIETNAM_LAT[1]),
        _Key("classrooms", "int", "20", minimum=1),
        _Key("opens", "year", "2028"),
        _Key("sessions_per_day", "int", "2", required=False, minimum=1, maximum=2),
        _Key("max_class_size", "int", "35", required=False, minimum=1, maximum=60),
        _Key("land_m2", "number", "8000", required=False, minimum=0),
    )),
    "close_school": (CloseSchool, (
        _Key("school_id", "id", '"TH03"'),
        _Key("year", "year", "2028"),
    )),
    "housing": (HousingProject, (
        _Key("quarter_id", "id", '"KP14"'),
        _Key("year", "year", "2027"),
        _Key("new_dwellings", "int", "400", minimum=0),
    )),
}
_TABLE_OF = {cls: table for table, (cls, _) in _CHANGES.items()}
_OVERRIDES = ("norms", "rates")
_BLOCK_KEYS = ("name", "description", *_CHANGES, *_OVERRIDES)
_NAME_EXAMPLE = '"Dự án nhà ở KP14"'
