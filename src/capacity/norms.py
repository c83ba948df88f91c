"""The legal norms and default rates as one versioned table, with per-ward overrides.

The figures live in `norms.csv` (package data): one row per figure with its unit, the document
and article it comes from and its status (verified, secondary, unverified, assumption, project
choice). `load_norms()` reads it and applies the overrides a ward sets in ward.toml:

    [norms.max_class_size]      # a province may set a lower class-size limit
    thcs = 40
    [rates.participation]       # share of the age group enrolled
    nha_tre = 0.40
    [rates.private_share]       # share of enrolled pupils in private schools
    mam_non = 0.0

The module is split by purpose: `norm_table` reads the file, `norm_overrides` checks ward.toml's
overrides (NormProblem, NormOverrideError, check_overrides), and this module holds the lookups
(`Norms`) and `load_norms`; every public name stays importable from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from capacity.grades import GRADE_LEVEL, GRADES, LEVEL_GRADES, PARTICIPATION_GROUP, SETTINGS, check_level
from capacity.norm_overrides import (
    FIXED_KEYS,
    NORM_PROBLEM_KINDS,
    RATE_KEYS,
    NormOverrideError,
    NormProblem,
    check_overrides,
    overridden_table,
    rate_maximum,
)
from capacity.norm_table import ANY, COLUMNS, read_norm_table

__all__ = [
    "COLUMNS",
    "FIXED_KEYS",
    "NORM_PROBLEM_KINDS",
    "RATE_KEYS",
    "NormOverrideError",
    "NormProblem",
    "Norms",
    "check_overrides",
    "load_norms",
    "norms_markdown",
    "rate_maximum",
    "read_norm_table",
]


@dataclass(frozen=True, eq=False)
class Norms:
    """The norm table in force for one ward (packaged figures with the ward's overrides).

    `table` has the columns of norms.csv plus `source` (the file, or the ward.toml section that
    set the value). Lookups fall back from a specific (level, group) row to the level-wide
    ('*') row and then to the all-levels row.
    """

    table: pd.DataFrame
    version: str
    _values: Mapping[tuple[str, str, str], float] = field(repr=False)

    # ------------------------------------------------------------------ generic lookup
    def value(self, key: str, level: str = ANY, group: str = ANY) -> float:
        """The figure for (key, level, group), falling back to '*' rows."""
        for lv in (level, ANY):
            for gr in (group, ANY):
                found = self._values.get((key, lv, gr))
                if found is not None:
                    return found
        raise KeyError(f"the norm table has no value for {key!r} (level {level!r}, group {group!r})")

    def to_frame(self) -> pd.DataFrame:
        """A copy of the table in force (for manifests and the norms page)."""
        return self.table.copy()

    @property
    def overridden(self) -> pd.DataFrame:
        """The rows set by the ward (source is a ward.toml section)."""
        return self.table[self.table["source"].str.startswith("ward.toml")].copy()

    # ------------------------------------------------------------------ class sizes and rooms
    def max_class_size(self, level: str, grade: str | None = None) -> int:
        """Maximum pupils per class (per group for nhà trẻ) for a level or a grade."""
        check_level(level)
        if grade is None and level == "mam_non":
            raise ValueError("preschool class-size limits depend on the age group: give grade=")
        return int(self.value("max_class_size", level, grade or ANY))

    def grade_table(self) -> pd.DataFrame:
        """One row per grade: level, grade, order, age (cohort rule), participation group,
        max_class_size (pupils), participation, private_share, eligible_share (shares)."""
        rows = []
        for order, grade in enumerate(GRADES):
            level = GRADE_LEVEL[grade]
            group = PARTICIPATION_GROUP[grade]
            eligible = self._values.get(("infant_eligible_share", level, grade), 1.0)
            rows.append(
                {
                    "level": level,
                    "grade": grade,
                    "order": order,
                    "age": int(self.value("cohort_age", level, grade)),
                    "participation_group": group,
                    "max_class_size": self.max_class_size(level, grade),
                    "participation": self.participation(grade),
                    "private_share": self.private_share(level),
                    "eligible_share": eligible,
                }
            )
        return pd.DataFrame(rows)

    def rooms_per_class(self, sessions_per_day: int | np.ndarray | pd.Series) -> Any:
        """Classrooms one class occupies: 1.0 on two sessions a day, 0.5 on one session."""
        two, one = self.value("rooms_per_class", ANY, "sessions_2"), self.value("rooms_per_class", ANY, "sessions_1")
        sessions = np.asarray(sessions_per_day)
        if not np.isin(sessions, [1, 2]).all():
            bad = sorted(set(np.asarray(sessions).ravel().tolist()) - {1, 2})
            raise ValueError(
                f"sessions_per_day must be 1 or 2 (found {bad}); fix schools.csv column 'sessions_per_day'"
            )
        result = np.where(sessions == 1, one, two)
        return float(result) if result.ndim == 0 else result

    @property
    def mixed_age_threshold(self) -> float:
        """Share of its limit under which a preschool age group may be merged (0.5)."""
        return self.value("mixed_age_threshold", "mam_non")

    @property
    def mixed_grade_max_pupils(self) -> int:
        """Largest mixed-grade primary class (pupils)."""
        return int(self.value("mixed_grade_max_pupils", "tieu_hoc"))

    @property
    def mixed_grade_max_grades(self) -> int:
        """Most grades joined in one mixed-grade primary class."""
        return int(self.value("mixed_grade_max_grades", "tieu_hoc"))

    def school_classes(self, level: str) -> tuple[int, int]:
        """(minimum, maximum) classes per school of a level (TT 13/2020)."""
        check_level(level)
        return int(self.value("school_min_classes", level)), int(self.value("school_max_classes", level))

    # ------------------------------------------------------------------ rates
    def participation(self, grade: str) -> float:
        """Share of the grade's age group enrolled in any school."""
        if grade not in GRADE_LEVEL:
            raise ValueError(f"unknown grade {grade!r}; use one of {', '.join(GRADES)}")
        level = GRADE_LEVEL[grade]
        specific = self._values.get(("participation", level, grade))
        if specific is not None:
            return specific
        return self.value("participation", level, PARTICIPATION_GROUP[grade])

    def private_share(self, level: str) -> float:
        """Share of enrolled pupils of a level who attend private schools."""
        return self.value("private_share", check_level(level))

    # ------------------------------------------------------------------ land, distance, benchmarks
    def land_per_pupil(self, level: str, setting: str = "urban") -> float:
        """Minimum school land per pupil (m²) for a level in a setting."""
        return self.value("land_per_pupil", check_level(level), _check_setting(setting))

    def walking_distance(self, level: str, setting: str = "urban") -> float:
        """Service radius (metres) of a school of a level in a setting."""
        return self.value("walking_distance", check_level(level), _check_setting(setting))

    @property
    def rooms_per_10000(self) -> float:
        """MOET benchmark: classrooms per 10,000 school-age residents (300)."""
        return self.value("rooms_per_10000_residents")

    @property
    def tight_p_over(self) -> float:
        """p_over from which a school is flagged tight."""
        return self.value("flag_tight_p_over")

    @property
    def tight_utilization(self) -> float:
        """Utilization from which a school is flagged tight."""
        return self.value("flag_tight_utilization")

    # ------------------------------------------------------------------ teachers, cost, standards
    def teachers_per_class(self, level: str, sessions_per_day: int = 2) -> np.ndarray:
        """Teachers per class of each grade of `level` (array over LEVEL_GRADES[level]) on one or
        two sessions a day (TT 19/2023, TT 20/2023): nhóm trẻ 2.5, mẫu giáo 2.2 (1.2 on one
        session), primary 1.5 (1.2), THCS 1.9."""
        check_level(level)
        if sessions_per_day not in (1, 2):
            raise ValueError(f"sessions_per_day must be 1 or 2, got {sessions_per_day!r}")
        s = f"sessions_{sessions_per_day}"
        ratios = []
        for grade in LEVEL_GRADES[level]:
            if level == "mam_non":
                group = PARTICIPATION_GROUP[grade]
                ratios.append(
                    self.value("teachers_per_class", level, "nha_tre" if group == "nha_tre" else f"mau_giao_{s}")
                )
            else:
                ratios.append(self.value("teachers_per_class", level, s))
        return np.array(ratios, dtype=float)

    def room_cost(self, level: str, kind: str = "classroom") -> float:
        """Unit cost of one room (million VND): kind 'classroom' or 'functional'."""
        if kind not in ("classroom", "functional"):
            raise ValueError(f"kind must be 'classroom' or 'functional', got {kind!r}")
        return self.value(f"{kind}_room_cost" if kind == "functional" else "classroom_cost", check_level(level))

    def functional_rooms_min(self, level: str) -> int:
        """Functional (subject) rooms a school of the level should have (TT 13/2020; assumption)."""
        return int(self.value("functional_rooms_min", check_level(level)))

    def boarder_land_per_pupil(self, level: str) -> float:
        """Extra land per boarding pupil (m²); 0 where the table has no figure for the level."""
        try:
            return self.value("boarder_land_per_pupil", check_level(level))
        except KeyError:
            return 0.0

    def universal_thresholds(self) -> pd.DataFrame:
        """The universalisation thresholds: `level, indicator, degree (1–3, 0 = single standard),
        minimum (share), document, article, status, source`."""
        rows = self.table[self.table["key"] == "universal_min"].copy()
        degree = rows["group"].str.extract(r"_m(\d)$")[0]
        rows["indicator"] = rows["group"].str.replace(r"_m\d$", "", regex=True)
        rows["degree"] = degree.fillna("0").astype(int)
        rows = rows.rename(columns={"value": "minimum"})
        return rows[["level", "indicator", "degree", "minimum", "document", "article", "status", "source"]].reset_index(
            drop=True
        )


def _check_setting(setting: str) -> str:
    if setting not in SETTINGS:
        raise ValueError(f"unknown setting {setting!r} (ward.toml [ward] setting); use one of {', '.join(SETTINGS)}")
    return setting


def load_norms(
    overrides: Mapping[str, Any] | None = None,
    rates: Mapping[str, Any] | None = None,
    *,
    table: str | Path | None = None,
) -> Norms:
    """The norm table in force: packaged norms.csv (or `table`) with the ward's overrides.

    `overrides` is ward.toml's [norms] as parsed (`{"max_class_size": {"thcs": 40}}`), `rates`
    its [rates] (`{"participation": {"nha_tre": 0.4}, "private_share": {"mam_non": 0.0}}`).
    Raises NormOverrideError (a ValueError) listing every key that is unknown, fixed by law, not
    a number, out of range or above the legal limit (`check_overrides` returns the same list).
    """
    frame, version = read_norm_table(table)
    frame, problems = overridden_table(frame, overrides, rates)
    if problems:
        raise NormOverrideError(problems)
    lookup = {
        (k, lv, gr): float(v) for k, lv, gr, v in frame[["key", "level", "group", "value"]].itertuples(index=False)
    }
    return Norms(table=frame, version=version, _values=MappingProxyType(lookup))


def norms_markdown(norms: Norms | None = None) -> str:
    """The norm table as a Markdown table for planners (docs/norms.md is generated from it)."""
    table = (norms or load_norms()).to_frame()
    lines = [
        "| key | level | group | value | unit | document | article | status | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in table.itertuples(index=False):
        value = f"{row.value:g}"
        cells = [row.key, row.level, row.group, value, row.unit, row.document, row.article, row.status, row.note]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)
