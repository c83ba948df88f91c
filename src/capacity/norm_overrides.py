"""ward.toml [norms] / [rates] overrides of the norm table: the checks and their problem records.

An override is either a number (every row of the key), or a table whose keys are level codes
(`thcs = 40`, or `[norms.max_class_size.mam_non] mg_5_6 = 30`) or group codes (`mg_5_6 = 30`,
`sessions_1 = 0.5`, `urban = 800`, a grade code for participation). Class-size overrides may
only lower the legal limit; a level-wide limit (`mam_non = 20`) caps every age group of the
level and leaves the groups whose legal limit is already lower (nhà trẻ 3–12 months: 15).
`check_overrides` lists every override the table refuses as `NormProblem` records (section,
key, value, kind, params); `load_norms` raises them together as a `NormOverrideError`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from capacity.grades import GRADE_LEVEL, GRADES, LEVELS, PARTICIPATION_GROUP
from capacity.norm_table import ANY, read_norm_table

__all__ = [
    "FIXED_KEYS",
    "NORM_PROBLEM_KINDS",
    "RATE_KEYS",
    "NormOverrideError",
    "NormProblem",
    "check_overrides",
    "overridden_table",
    "rate_maximum",
]

RATE_KEYS: tuple[str, ...] = ("participation", "private_share")
FIXED_KEYS: tuple[str, ...] = ("cohort_age",)  # the law's cohort rule: not overridable

# Allowed range of each overridable key: (low, high, must be an integer).
_RANGES: dict[str, tuple[float, float, bool]] = {
    "max_class_size": (1, 60, True),
    "mixed_age_threshold": (0, 1, False),
    "mixed_grade_max_pupils": (1, 60, True),
    "mixed_grade_max_grades": (1, 2, True),
    "infant_eligible_share": (0, 1, False),
    "rooms_per_class": (0.1, 1, False),
    "school_min_classes": (1, 200, True),
    "school_max_classes": (1, 200, True),
    "land_per_pupil": (0, 1000, False),
    "boarder_land_per_pupil": (0, 1000, False),
    "walking_distance": (1, 100_000, False),
    "rooms_per_10000_residents": (1, 10_000, False),
    "participation": (0, 1.5, False),
    "private_share": (0, 1, False),
    "flag_tight_p_over": (0, 1, False),
    "flag_tight_utilization": (0, 10, False),
    "teachers_per_class": (0.1, 5, False),
    "classroom_cost": (0, 1_000_000, False),
    "functional_room_cost": (0, 1_000_000, False),
    "functional_rooms_min": (0, 50, True),
    "permanent_classroom_target": (0, 1, False),
    "permanent_target_year": (2000, 2100, True),
    "semi_boarding_share": (0, 1, False),
    "universal_min": (0, 1, False),
    "rate_prior_weight": (0, 1_000_000, False),
    "forecast_accuracy_target": (0, 1, False),
}


def rate_maximum(key: str) -> float:
    """The largest value a ward may give rate `key` (a share): 1 for private_share, 1.5 for
    participation (gross enrolment with pupils from outside the ward)."""
    if key not in RATE_KEYS:
        raise ValueError(f"unknown rate {key!r}; use one of {', '.join(RATE_KEYS)}")
    return float(_RANGES[key][1])


NORM_PROBLEM_KINDS: tuple[str, ...] = (
    "not_table",  # [norms] / [rates] (or a nested level) is not a table of keys
    "fixed",  # the key is fixed by law (params: document, article)
    "unknown_key",  # no such key here (params: allowed, guess)
    "not_number",  # not a finite number
    "not_whole",  # the figure counts pupils, classes or grades: a whole number is needed
    "out_of_range",  # outside the plausible range of the figure
    # (not_number, not_whole and out_of_range carry params low, high, integer, unit)
    "above_legal",  # a class-size limit above the legal one (params: legal, unit, document, article)
    "no_match",  # the override matches no figure of the norm table
)


@dataclass(frozen=True)
class NormProblem:
    """One override ward.toml (or a scenario) sets that the norm table refuses.

    `section` is the table the key is written in without brackets ("norms", "norms.max_class_size",
    "norms.max_class_size.mam_non", "rates.participation"); `key` the key inside it ("" when one
    number is given for the whole section: `max_class_size = 40` in [norms] is section
    "norms.max_class_size", key ""); `value` the value as written; `kind` one of
    NORM_PROBLEM_KINDS; `params` what the wording needs (limits, allowed keys, the legal document).
    """

    section: str
    key: str
    value: Any
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The dotted TOML path of the value: norms.max_class_size.thcs."""
        return f"{self.section}.{self.key}" if self.key else self.section

    @property
    def top(self) -> str:
        """'norms' or 'rates'."""
        return self.section.split(".")[0]

    def english(self, file: str = "ward.toml") -> str:
        """The problem in one English sentence (the wording load_norms has always raised)."""
        where = f"{file} [{self.section}] {self.key}" if self.key else f"{file} [{self.section}]"
        value, p = self.value, self.params
        if self.kind == "not_table":
            return f"{file} [{self.section}] must be a table of keys, got {value!r}"
        if self.kind == "fixed":
            return (
                f"{file} [{self.section}]: {self.key!r} is fixed by law ({p['document']} {p['article']}) "
                "and cannot be overridden"
            )
        if self.kind == "unknown_key":
            guess = f" (did you mean {p['guess']!r}?)" if p.get("guess") else ""
            allowed = ", ".join(p["allowed"]) or "(none: give one number for the level)"
            return f"{file} [{self.section}]: unknown key {self.key!r}{guess}; allowed: {allowed}"
        if self.kind == "not_number":
            return f"{where}: {value!r} is not a number; write a plain number such as 40 or 0.47"
        if self.kind == "not_whole":
            return f"{where}: {value!r} must be a whole number"
        if self.kind == "out_of_range":
            return f"{where}: {value!r} is outside the allowed range {p['low']}–{p['high']}"
        if self.kind == "above_legal":
            return (
                f"{where}: {value:g} is above the legal maximum of {p['legal']:g} pupils per class; "
                "a province or ward may only set a lower class-size limit"
            )
        return f"{where}: this override does not match any figure of the norm table"

    def __str__(self) -> str:
        return self.english()


class NormOverrideError(ValueError):
    """ward.toml's [norms] / [rates] overrides the norm table refuses; `problems` lists every one.

    str() is the English wording, one problem per line.
    """

    def __init__(self, problems: list[NormProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(problem.english() for problem in self.problems))


def _source(section: str, key: str) -> str:
    """The `source` a ward's override leaves in the table: 'ward.toml [norms.max_class_size] thcs'."""
    return f"ward.toml [{section}] {key}" if key else f"ward.toml [{section}]"


def _guess(word: str, allowed: list[str]) -> str | None:
    close = difflib.get_close_matches(str(word), allowed, n=1)
    return close[0] if close else None


def _legal_params(row: pd.Series) -> dict[str, Any]:
    return {"legal": float(row["value"]), "unit": row["unit"], "document": row["document"], "article": row["article"]}


def _check_value(
    key: str, at: tuple[str, str], value: Any, legal: pd.Series | None, problems: list[NormProblem], unit: str = ""
) -> float | None:
    """`value` as a float, or None after adding its problem; `legal` is the norm-table row of the
    legal class-size limit the value must not exceed."""
    section, sub = at
    low, high, integer = _RANGES[key]
    unit = str(legal["unit"]) if legal is not None else unit
    limits = MappingProxyType({"low": low, "high": high, "integer": integer, "unit": unit})
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems.append(NormProblem(section, sub, value, "not_number", limits))
        return None
    if integer and float(value) != int(value):
        problems.append(NormProblem(section, sub, value, "not_whole", limits))
        return None
    if not low <= value <= high:
        problems.append(NormProblem(section, sub, value, "out_of_range", limits))
        return None
    if key == "max_class_size" and legal is not None and value > float(legal["value"]):
        problems.append(NormProblem(section, sub, value, "above_legal", MappingProxyType(_legal_params(legal))))
        return None
    return float(value)


def _set(
    table: pd.DataFrame, key: str, level: str, group: str, value: Any, at: tuple[str, str], problems: list[NormProblem]
) -> pd.DataFrame:
    """Set (key, level, group) to `value`; a refused value adds its problem and changes nothing.

    Rows that match exactly are updated; where a level only has a wider row (group '*', or the
    participation group of a grade) a specific row is added, so the wider row stays in force
    for the other groups.
    """
    rows = table[table["key"] == key]
    unit = str(rows["unit"].iloc[0]) if len(rows) else ""
    out = table.copy()
    added = []
    matched = False
    where = _source(*at)
    for lv in rows["level"].unique() if level == ANY else [level]:
        at_level = rows[rows["level"] == lv]
        if group == ANY:
            targets = at_level
        else:
            targets = at_level[at_level["group"] == group]
            if targets.empty:
                parent = at_level[at_level["group"].isin([ANY, PARTICIPATION_GROUP.get(group, ANY)])]
                if parent.empty:
                    continue
                matched = True
                new = parent.iloc[[0]].copy()
                checked = _check_value(key, at, value, new.iloc[0] if key == "max_class_size" else None, problems, unit)
                if checked is None:
                    return table
                new["group"] = group
                new["value"] = checked
                new["source"] = where
                added.append(new)
                continue
        if targets.empty:
            continue
        matched = True
        if key == "max_class_size" and group == ANY:
            # a level-wide limit caps every group: groups already below it keep their limit
            widest = (rows if level == ANY else targets).sort_values("value", kind="stable").iloc[-1]
            if _check_value(key, at, value, widest, problems, unit) is None:
                return table
            targets = targets[targets["value"] > value]
        for idx in targets.index:
            checked = _check_value(key, at, value, out.loc[idx] if key == "max_class_size" else None, problems, unit)
            if checked is None:
                return table
            out.at[idx, "value"] = checked
            out.at[idx, "source"] = where
    if not matched:
        problems.append(NormProblem(at[0], at[1], value, "no_match"))
        return table
    return pd.concat([out, *added], ignore_index=True) if added else out


def _groups_allowed(table: pd.DataFrame, key: str) -> list[str]:
    rows = table[table["key"] == key]
    groups = [g for g in rows["group"].unique() if g != ANY]
    if key in ("max_class_size", "participation"):
        levels = set(rows["level"]) - {ANY}
        groups += [g for g in GRADES if GRADE_LEVEL[g] in levels and g not in groups]
    return groups


def _apply(table: pd.DataFrame, top: str, key: str, spec: Any, problems: list[NormProblem]) -> pd.DataFrame:
    section = f"{top}.{key}"
    if not isinstance(spec, Mapping):
        return _set(table, key, ANY, ANY, spec, (section, ""), problems)
    rows = table[table["key"] == key]
    levels = [lv for lv in LEVELS if lv in set(rows["level"])]
    groups = _groups_allowed(table, key)
    for sub, value in spec.items():
        if sub in levels and isinstance(value, Mapping):
            level_groups = [g for g in groups if GRADE_LEVEL.get(g, sub) == sub]
            for group, val in value.items():
                if group not in level_groups:
                    level_rows = rows[rows["level"] == sub]  # the level's own figure, as an example
                    problems.append(
                        NormProblem(
                            f"{section}.{sub}",
                            str(group),
                            val,
                            "unknown_key",
                            MappingProxyType(
                                {
                                    "allowed": tuple(level_groups),
                                    "guess": _guess(group, level_groups),
                                    "example": f"{float(level_rows['value'].iloc[0]):g}",
                                }
                            ),
                        )
                    )
                    continue
                table = _set(table, key, sub, group, val, (f"{section}.{sub}", group), problems)
        elif sub in levels:
            table = _set(table, key, sub, ANY, value, (section, sub), problems)
        elif sub in groups:
            table = _set(table, key, GRADE_LEVEL.get(sub, ANY), sub, value, (section, sub), problems)
        else:
            allowed = list(dict.fromkeys(levels + groups))
            problems.append(
                NormProblem(
                    section,
                    str(sub),
                    value,
                    "unknown_key",
                    MappingProxyType({"allowed": tuple(allowed), "guess": _guess(sub, allowed)}),
                )
            )
    return table


def overridden_table(frame: pd.DataFrame, overrides: Any, rates: Any) -> tuple[pd.DataFrame, list[NormProblem]]:
    """The table with every acceptable override applied, and the problems of the others."""
    problems: list[NormProblem] = []
    norm_keys = [k for k in dict.fromkeys(frame["key"]) if k not in RATE_KEYS and k not in FIXED_KEYS]
    for top, given, allowed in (("norms", overrides or {}, norm_keys), ("rates", rates or {}, list(RATE_KEYS))):
        if not isinstance(given, Mapping):
            problems.append(NormProblem(top, "", given, "not_table"))
            continue
        for key, spec in given.items():
            if key in FIXED_KEYS:
                rows = frame[frame["key"] == key]  # the document most of the key's rows cite
                row = rows[rows["document"] == rows["document"].mode().iloc[0]].iloc[0]
                problems.append(
                    NormProblem(
                        top,
                        str(key),
                        spec,
                        "fixed",
                        MappingProxyType({"document": row["document"], "article": row["article"]}),
                    )
                )
            elif key not in allowed:
                problems.append(
                    NormProblem(
                        top,
                        str(key),
                        spec,
                        "unknown_key",
                        MappingProxyType({"allowed": tuple(allowed), "guess": _guess(key, allowed)}),
                    )
                )
            else:
                frame = _apply(frame, top, key, spec, problems)
    return frame.reset_index(drop=True), problems


def check_overrides(
    overrides: Mapping[str, Any] | None = None,
    rates: Mapping[str, Any] | None = None,
    *,
    table: str | Path | None = None,
) -> list[NormProblem]:
    """Every problem of ward.toml's [norms] (`overrides`) and [rates] as parsed; empty when
    `load_norms(overrides, rates)` would accept them. Each refused value is reported once."""
    frame, _ = read_norm_table(table)
    return overridden_table(frame, overrides, rates)[1]
