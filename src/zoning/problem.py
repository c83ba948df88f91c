"""The zoning problem as arrays: demand, distances, class-size limits and rooms per school.

`build_problem` turns the project's tables (capacity's demand table, the schools table, the
distances table, the current zones) into a `ZoningProblem`: quarters × school years × grades
of pupils, quarters × schools of metres, and per school the class-size limit of each grade and
the classrooms usable in each school year. Every check a planner can act on happens here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from capacity.grades import LEVEL_GRADES, check_level
from zoning.distances import distance_links

__all__ = ["ZoningProblem", "build_problem", "class_limit", "rooms_per_class", "walking_distance", "pair_positions"]


def pair_positions(
    key_quarter: np.ndarray, key_school: np.ndarray, m: int, quarter: np.ndarray, school: np.ndarray
) -> np.ndarray:
    """Position of each (quarter, school) in the pair list (key_quarter, key_school), sorted by
    quarter then school; −1 where the pair is not listed. Vectorised (binary search)."""
    keys = key_quarter.astype(np.int64) * m + key_school
    wanted = np.asarray(quarter, dtype=np.int64) * m + np.asarray(school, dtype=np.int64)
    if len(keys) == 0:
        return np.full(wanted.shape, -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, at, -1)


@dataclass(frozen=True, eq=False)
class ZoningProblem:
    """One level's zoning data as aligned arrays (n quarters, m schools, T years, G grades).

    Distances are kept only for the pairs the distances table lists (*links*: from a spatial
    index, the k nearest schools and every school within the walking-distance norm, plus the
    ward's own distances.csv), never as a full quarters × schools table: memory grows with the
    links, not with n × m. `distance` and `current` still give the dense (n, m) matrices for
    small instances and old scripts.
    """

    level: str
    school_years: tuple[int, ...]
    grades: tuple[str, ...]
    quarter_ids: np.ndarray  # (n,) str
    school_ids: np.ndarray  # (m,) str
    school_names: np.ndarray  # (m,) str
    demand: np.ndarray  # (n, T, G) pupils (expected, may be fractional)
    link_quarter: np.ndarray  # (L,) quarter position of each known distance, sorted by
    link_school: np.ndarray  # (L,) school position      quarter, then school
    link_metres: np.ndarray  # (L,) metres
    class_limit: np.ndarray  # (m, G) pupils per class
    rooms: np.ndarray  # (m, T) classrooms usable in each school year
    rooms_per_class: np.ndarray  # (m,) rooms per class: 1 (two sessions) or 0.5 (one)
    current_quarter: np.ndarray | None  # (C,) current zoning as (quarter, school, share) triples
    current_school: np.ndarray | None  # (C,) sorted by quarter then school (None: no zoning);
    current_share: np.ndarray | None  # (C,) a quarter's shares sum to less than 1 when its
    # school is closed or of another level
    had_current: np.ndarray | None  # (n,) True when the quarter has a current school at all
    norm_distance: float | None  # walking-distance norm for the level and setting, metres

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """(quarters, schools, school years, grades)."""
        return (len(self.quarter_ids), len(self.school_ids), len(self.school_years), len(self.grades))

    def quarter_pupils(self) -> np.ndarray:
        """(n, T) pupils of each quarter in each school year, all grades."""
        return self.demand.sum(axis=2)

    @property
    def has_current(self) -> bool:
        """True when a current zoning was given."""
        return self.current_quarter is not None

    def metres(self, quarter: np.ndarray, school: np.ndarray) -> np.ndarray:
        """Metres from quarters to schools (element-wise positions); NaN where no distance is known."""
        at = pair_positions(self.link_quarter, self.link_school, len(self.school_ids), quarter, school)
        return np.where(at >= 0, self.link_metres[np.maximum(at, 0)], np.nan)

    def current_at(self, quarter: np.ndarray, school: np.ndarray) -> np.ndarray:
        """Current shares of (quarter, school) pairs (0 where none; all 0 without a current zoning)."""
        quarter = np.asarray(quarter)
        if self.current_quarter is None or len(self.current_quarter) == 0:
            return np.zeros(quarter.shape)
        assert self.current_school is not None and self.current_share is not None
        at = pair_positions(self.current_quarter, self.current_school, len(self.school_ids), quarter, school)
        return np.where(at >= 0, self.current_share[np.maximum(at, 0)], 0.0)

    def current_total(self) -> np.ndarray:
        """(n,) sum of each quarter's current shares at this level's open schools (0: none)."""
        n = len(self.quarter_ids)
        if self.current_quarter is None:
            return np.zeros(n)
        return np.bincount(self.current_quarter, weights=self.current_share, minlength=n)

    def nearest_metres(self) -> np.ndarray:
        """(n,) metres from each quarter to its nearest school with a known distance."""
        out = np.full(len(self.quarter_ids), np.inf)
        np.minimum.at(out, self.link_quarter, self.link_metres)
        return out

    @cached_property
    def distance(self) -> np.ndarray:
        """(n, m) metres, NaN where no distance is known: the dense matrix (n × m floats; for
        small instances and old scripts — the engine itself works on the links)."""
        n, m = len(self.quarter_ids), len(self.school_ids)
        dense = np.full((n, m), np.nan)
        dense[self.link_quarter, self.link_school] = self.link_metres
        return dense

    @cached_property
    def current(self) -> np.ndarray | None:
        """(n, m) current shares (None: no zoning), dense; see `current_at` for pairs."""
        if self.current_quarter is None:
            return None
        assert self.current_school is not None and self.current_share is not None
        dense = np.zeros((len(self.quarter_ids), len(self.school_ids)))
        dense[self.current_quarter, self.current_school] = self.current_share
        return dense


_KEEP: Any = object()


def with_dense(
    problem: ZoningProblem, *, distance: np.ndarray | None = None, current: Any = _KEEP, **changes: Any
) -> ZoningProblem:
    """A copy of `problem` with `changes`, where `distance` ((n, m) metres, NaN: unknown) and
    `current` ((n, m) shares, or None for no current zoning) are given as dense matrices and
    stored as links, as `build_problem` stores them (for code that edits a problem's columns)."""
    fields = dict(changes)
    if distance is not None:
        quarter, school = np.nonzero(~np.isnan(distance))  # row-major: sorted by quarter, then school
        fields.update(link_quarter=quarter, link_school=school, link_metres=distance[quarter, school])
    if current is not _KEEP:
        if current is None:
            fields.update(current_quarter=None, current_school=None, current_share=None)
        else:
            quarter, school = np.nonzero(current > 0)
            fields.update(current_quarter=quarter, current_school=school, current_share=current[quarter, school])
    return replace(problem, **fields)


# --- the norms (capacity's norm table) ---------------------------------------------------------


def _norm_value(norms: Any, key: str, level: str, group: str) -> float | None:
    """One figure from capacity's `Norms`, or None when the table has none."""
    if isinstance(norms, dict):  # {key: {(level, group): value}}, as in tests and notebooks
        table = norms.get(key, {})
        for k in ((level, group), (level, "*"), ("*", group), ("*", "*")):
            if k in table:
                return float(table[k])
        return None
    method = getattr(norms, "value", None)
    if callable(method):
        try:
            result = method(key, level, group)
        except (KeyError, LookupError, ValueError):
            return None
        return None if result is None else float(result)
    raise TypeError("norms must be capacity's Norms (capacity.load_norms()) or a dict")


def class_limit(norms: Any, level: str, grade: str) -> int:
    """Maximum pupils per class (or preschool group) for `grade` of `level`, from the norms."""
    method = getattr(norms, "max_class_size", None)
    value = method(level, grade) if callable(method) else _norm_value(norms, "max_class_size", level, grade)
    if value is None or not value > 0:
        raise ValueError(f"the norm table has no class-size limit for {level} {grade}")
    return int(value)


def rooms_per_class(norms: Any, sessions_per_day: int) -> float:
    """Classrooms one class needs: 1 with two sessions a day, 0.5 with one (two shifts)."""
    method = getattr(norms, "rooms_per_class", None)
    if callable(method):
        return float(method(int(sessions_per_day)))
    value = _norm_value(norms, "rooms_per_class", "*", f"sessions_{int(sessions_per_day)}")
    if value is None:
        raise ValueError(
            f"the norm table has no rooms-per-class figure for {sessions_per_day} "
            "session(s) a day; use 1 or 2 in schools.csv column sessions_per_day"
        )
    return value


def walking_distance(norms: Any, level: str, setting: str) -> float | None:
    """The walking-distance norm (metres) for `level` in an urban/rural/mountain setting."""
    method = getattr(norms, "walking_distance", None)
    if callable(method):
        value = method(level, setting)
        return None if value is None else float(value)
    return _norm_value(norms, "walking_distance", level, setting)


# --- building the arrays ---------------------------------------------------------------------


def _open_in(schools: pd.DataFrame, years: Sequence[int]) -> np.ndarray:
    """(m, T) True when the school takes pupils in the school year (opens ≤ Y < closes)."""
    year_row = np.asarray(years, dtype=float)[None, :]
    opens = pd.to_numeric(schools.get("opens"), errors="coerce") if "opens" in schools else None
    closes = pd.to_numeric(schools.get("closes"), errors="coerce") if "closes" in schools else None
    ok = np.ones((len(schools), year_row.shape[1]), dtype=np.bool_)
    if opens is not None:
        o = opens.to_numpy(dtype=float)[:, None]
        ok &= np.isnan(o) | (o <= year_row)
    if closes is not None:
        c = closes.to_numpy(dtype=float)[:, None]
        ok &= np.isnan(c) | (year_row < c)
    return ok


def _current_shares(
    zones: pd.DataFrame, level: str, quarter_ids: np.ndarray, school_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(quarter, school, share) triples sorted by quarter then school, and had a current school
    (n,), from the zones table."""
    z = zones
    if "level" in z.columns:
        z = z[z["level"].astype(str) == level]
    share = (
        pd.to_numeric(z["share"], errors="coerce").fillna(1.0)
        if "share" in z.columns
        else pd.Series(1.0, index=z.index)
    )
    qi = pd.Index(quarter_ids).get_indexer(z["quarter_id"].astype(str))
    si = pd.Index(school_ids).get_indexer(z["school_id"].astype(str))
    values = share.to_numpy(dtype=float)
    listed = np.zeros(len(quarter_ids))
    np.add.at(listed, qi[qi >= 0], values[qi >= 0])
    keep = (qi >= 0) & (si >= 0)
    key = qi[keep].astype(np.int64) * len(school_ids) + si[keep]
    unique, inverse = np.unique(key, return_inverse=True)
    share_sum = np.bincount(inverse, weights=values[keep], minlength=len(unique))
    cq, cs = unique // len(school_ids), unique % len(school_ids)
    # shares summing above 1 (rounding in a spreadsheet) are scaled down; a share at a school
    # that is closed in these years stays missing, so the quarter counts as moved
    scale = np.maximum(listed, 1.0)[cq]
    return cq, cs, share_sum / scale, listed > 0


def build_problem(
    demand: pd.DataFrame,
    schools: pd.DataFrame,
    distances: pd.DataFrame,
    *,
    level: str,
    school_years: int | Sequence[int],
    norms: Any,
    current: pd.DataFrame | None = None,
    grades: Sequence[str] | None = None,
    setting: str = "urban",
) -> ZoningProblem:
    """Align the tables into a `ZoningProblem` for `level` and the given school year(s).

    demand: capacity's demand table (`quarter_id, school_year, level, grade, mean`, ...); the
    `mean` pupils are summed over ages. schools: the schools table; only the schools of `level`
    that are open in at least one of the years are kept. distances: `quarter_id, school_id,
    metres`. current: the zones table (`quarter_id, level, school_id[, share]`). grades: the
    grades to zone (default every grade of the level; e.g. `["lop_1"]` for the entry grade).
    """
    check_level(level)
    years = (int(school_years),) if np.isscalar(school_years) else tuple(int(y) for y in school_years)  # type: ignore[arg-type, union-attr]  # np.isscalar does not narrow
    if not years:
        raise ValueError("give at least one school year to zone")
    if len(set(years)) != len(years):
        raise ValueError(f"school years repeated: {years}")
    level_grades = LEVEL_GRADES[level]
    grades = tuple(level_grades if grades is None else grades)
    unknown = [g for g in grades if g not in level_grades]
    if unknown:
        raise ValueError(f"grade(s) {', '.join(unknown)} are not grades of {level}; use {', '.join(level_grades)}")

    for column in ("quarter_id", "school_year", "grade", "mean"):
        if column not in demand.columns:
            raise ValueError(f"demand: missing column {column!r} (expected capacity.enrollment_demand output)")
    rows = demand
    if "level" in rows.columns:
        rows = rows[rows["level"].astype(str) == level]
    rows = rows[rows["grade"].astype(str).isin(grades) & rows["school_year"].astype(int).isin(years)]
    mean = pd.to_numeric(rows["mean"], errors="coerce")
    if mean.isna().any() or (mean < 0).any():
        raise ValueError("demand: column 'mean' has missing or negative pupils; it must be ≥ 0")
    missing_years = sorted(set(years) - set(rows["school_year"].astype(int)))
    if missing_years:
        raise ValueError(
            f"demand has no rows for {level} in school year(s) {missing_years}: "
            "forecast to a later horizon or choose another school year"
        )
    quarter_ids = np.array(sorted(demand["quarter_id"].astype(str).unique()), dtype=object)

    for column in ("school_id", "level", "classrooms"):
        if column not in schools.columns:
            raise ValueError(f"schools: missing column {column!r}")
    level_schools = schools[schools["level"].astype(str) == level]
    open_mask = _open_in(level_schools, years)
    level_schools = level_schools[open_mask.any(axis=1)]
    open_mask = open_mask[open_mask.any(axis=1)]
    if level_schools.empty:
        raise ValueError(
            f"schools: no {level} school is open in school year(s) {list(years)}; "
            "add the schools of this level to schools.csv"
        )
    order = np.argsort(level_schools["school_id"].astype(str).to_numpy(), kind="stable")
    level_schools = level_schools.iloc[order]
    open_mask = open_mask[order]
    school_ids = level_schools["school_id"].astype(str).to_numpy().astype(object)
    if len(set(school_ids)) != len(school_ids):
        raise ValueError(f"schools: school_id repeated for level {level}; each school once per level")
    names = (
        (level_schools["name"].astype(str) if "name" in level_schools else level_schools["school_id"].astype(str))
        .to_numpy()
        .astype(object)
    )

    classrooms = pd.to_numeric(level_schools["classrooms"], errors="coerce")
    if classrooms.isna().any() or (classrooms < 0).any():
        bad = ", ".join(school_ids[(classrooms.isna() | (classrooms < 0)).to_numpy()])
        raise ValueError(f"schools: 'classrooms' must be a whole number ≥ 0 (school(s) {bad})")
    sessions = (
        pd.to_numeric(level_schools.get("sessions_per_day", pd.Series(2, index=level_schools.index)), errors="coerce")
        .fillna(2)
        .astype(int)
        .to_numpy()
    )
    rpc = np.array([rooms_per_class(norms, s) for s in sessions])
    rooms = np.floor(classrooms.to_numpy(dtype=float))[:, None] * open_mask

    norm_limits = np.array([class_limit(norms, level, g) for g in grades], dtype=float)
    own = pd.to_numeric(
        level_schools.get("max_class_size", pd.Series(np.nan, index=level_schools.index)), errors="coerce"
    ).to_numpy(dtype=float)
    limits = np.where(np.isnan(own)[:, None], norm_limits[None, :], np.minimum(norm_limits[None, :], own[:, None]))
    if (limits < 1).any():
        raise ValueError("schools: 'max_class_size' must be at least 1 pupil")

    qi = pd.Index(quarter_ids).get_indexer(rows["quarter_id"].astype(str))
    ti = pd.Index(years).get_indexer(rows["school_year"].astype(int))
    gi = pd.Index(grades).get_indexer(rows["grade"].astype(str))
    cube = np.zeros((len(quarter_ids), len(years), len(grades)))
    np.add.at(cube, (qi, ti, gi), mean.to_numpy(dtype=float))

    lq, ls, lm = distance_links(distances, quarter_ids, school_ids)
    unreachable = np.bincount(lq, minlength=len(quarter_ids)) == 0
    if unreachable.any():
        raise ValueError(
            f"distances: no distance to any {level} school for quarter(s) "
            f"{', '.join(quarter_ids[unreachable][:10])}; add them to distances.csv or omit the "
            "file so distances are computed from the map"
        )
    cq = cs = cv = had = None
    if current is not None:
        cq, cs, cv, had = _current_shares(current, level, quarter_ids, school_ids)
    return ZoningProblem(
        level=level,
        school_years=years,
        grades=grades,
        quarter_ids=quarter_ids,
        school_ids=school_ids,
        school_names=names,
        demand=cube,
        link_quarter=lq,
        link_school=ls,
        link_metres=lm,
        class_limit=limits,
        rooms=rooms,
        rooms_per_class=rpc,
        current_quarter=cq,
        current_school=cs,
        current_share=cv,
        had_current=had,
        norm_distance=walking_distance(norms, level, setting),
    )
