"""Classes and classrooms: pupils per grade → classes at the class-size limits → rooms.

Rules (norm table keys in brackets):
- A grade (a preschool age group) needs ceil(pupils / limit) classes [max_class_size]; a
  school's own `max_class_size` (schools.csv) lowers the limit of every grade of that school
  (it cannot raise it above the legal limit: a higher value is ignored with a warning).
- Preschool (TT 52/2020 Art. 15): an age group with fewer children than half its limit
  [mixed_age_threshold] may be merged with a neighbouring age group of the same block (nhà trẻ
  with nhà trẻ, mẫu giáo with mẫu giáo); a mixed group takes the limit of its youngest age.
- Primary (TT 28/2020 Art. 16): two consecutive grades [mixed_grade_max_grades] may share one
  mixed-grade class (lớp ghép) of at most 15 pupils [mixed_grade_max_pupils].
- Of the allowed groupings the one with the fewest classes is chosen; on a tie, the one with
  the fewest merges (separate classes are better teaching). A mixed class is counted on its
  youngest grade; the other grades show 0 classes and the same `class_group`.
- Rooms needed = ceil(classes × rooms per class) [rooms_per_class]: one room per class on two
  sessions a day, half a room on one session (two classes share a room).
- Rooms available in school year Y = classrooms when opens ≤ Y < closes (blank opens/closes:
  always open), else 0.
Everything is vectorized over school × school-year rows; the only loops are over the few
possible groupings of a level's grades.
"""

from __future__ import annotations

import itertools
import pickle
import warnings
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from capacity.grades import LEVEL_GRADES, LEVELS, PRESCHOOL_BLOCKS
from capacity.norms import Norms
from capacity.school_columns import school_column_problems
from capacity.table_checks import TableError

__all__ = [
    "ceil_classes",
    "level_classes",
    "effective_limits",
    "classes_by_grade",
    "rooms_needed",
    "rooms_available",
    "check_schools",
    "grade_grid",
]

_EPS = 1e-9


def ceil_classes(pupils: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """ceil(pupils / limit), robust to floating noise (70.0000000001 / 35 → 2), ≥ 0."""
    return np.maximum(np.ceil(np.asarray(pupils, float) / np.asarray(limit, float) - _EPS), 0.0)


def _compositions(length: int, max_part: int) -> list[tuple[tuple[int, int], ...]]:
    """All ways to cut `length` consecutive grades into segments of at most `max_part`."""
    out: list[tuple[tuple[int, int], ...]] = []
    for cuts in itertools.product((False, True), repeat=max(length - 1, 0)):
        segments, start = [], 0
        for i, cut in enumerate(cuts, start=1):
            if cut:
                segments.append((start, i))
                start = i
        segments.append((start, length))
        if all(end - begin <= max_part for begin, end in segments):
            out.append(tuple(segments))
    return out


@lru_cache(maxsize=16)
def _groupings(level: str, max_mixed_grades: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Candidate groupings (segments of grade positions) of a level, fewest merges first."""
    if level == "mam_non":
        offset, per_block = 0, []
        for block in PRESCHOOL_BLOCKS:
            per_block.append(
                [tuple((b + offset, e + offset) for b, e in c) for c in _compositions(len(block), len(block))]
            )
            offset += len(block)
        options = [sum(parts, ()) for parts in itertools.product(*per_block)]
    elif level == "tieu_hoc":
        options = _compositions(len(LEVEL_GRADES[level]), max(max_mixed_grades, 1))
    else:
        options = [tuple((i, i + 1) for i in range(len(LEVEL_GRADES[level])))]
    merged = lambda option: (sum(e - b > 1 for b, e in option), sum(e - b for b, e in option if e - b > 1))  # noqa: E731 - the sort key, named
    return tuple(sorted(options, key=merged))


def level_classes(level: str, pupils: np.ndarray, limits: np.ndarray, norms: Norms) -> tuple[np.ndarray, np.ndarray]:
    """Classes per grade for rows of one level.

    pupils, limits: arrays [rows, grades of the level] (pupils, pupils per class).
    Returns (classes [rows, grades] as float of whole numbers, group [rows, grades] int: the
    position of the youngest grade of the class group each grade belongs to).
    """
    pupils = np.asarray(pupils, float)
    limits = np.asarray(limits, float)
    rows, width = pupils.shape
    options = _groupings(level, norms.mixed_grade_max_grades)
    totals = np.empty((len(options), rows))
    per_option_classes = np.zeros((len(options), rows, width))
    single = ceil_classes(pupils, limits)
    threshold = norms.mixed_age_threshold
    mixed_max = norms.mixed_grade_max_pupils
    for k, option in enumerate(options):
        total = np.zeros(rows)
        for begin, end in option:
            if end - begin == 1:
                seg = single[:, begin]
            else:
                p = pupils[:, begin:end]
                sum_p = p.sum(axis=1)
                if level == "mam_non":
                    small = ((p > _EPS) & (p < threshold * limits[:, begin:end] - _EPS)).any(axis=1)
                    seg = np.where(small, ceil_classes(sum_p, limits[:, begin]), np.inf)
                else:  # primary mixed-grade class: every grade present, at most 15 pupils
                    cap = np.minimum(mixed_max, limits[:, begin:end].min(axis=1))
                    ok = (p > _EPS).all(axis=1) & (sum_p <= cap + _EPS)
                    seg = np.where(ok, 1.0, np.inf)
            per_option_classes[k, :, begin] = seg
            total = total + seg
        totals[k] = total
    best = np.argmin(totals, axis=0)  # first minimum = fewest merges
    classes = per_option_classes[best, np.arange(rows)]
    group_of = np.empty((len(options), width), dtype=int)
    for k, option in enumerate(options):
        for begin, end in option:
            group_of[k, begin:end] = begin
    return classes, group_of[best]


_CHECKED: dict[tuple[str, bytes], pd.DataFrame] = {}
"""Schools tables already validated, by (name, pickled table): a plan checks the same table
some forty times (every capacity.analyze, quota and summary call), ≈ 8 ms each."""
_CHECKED_MAX = 16


def check_schools(schools: pd.DataFrame, name: str = "schools") -> pd.DataFrame:
    """Validate the schools table; return a copy with defaults filled (sessions 2, NaN others).

    The optional facility columns (capacity.school_columns) are checked too: their bad cells
    raise a TableError listing every problem (a ValueError). A table equal to one checked
    before (the same pickled bytes: values, dtypes, index, columns) gets a copy of that
    result without being checked again."""
    try:
        key = (name, pickle.dumps(schools, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # an unpicklable cell: check it every time
        return _check_schools(schools, name)
    checked = _CHECKED.get(key)
    if checked is None:
        checked = _check_schools(schools, name)
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.pop(next(iter(_CHECKED)))
        _CHECKED[key] = checked
    return checked.copy()


def _check_schools(schools: pd.DataFrame, name: str) -> pd.DataFrame:
    need = [c for c in ("school_id", "level", "classrooms") if c not in schools.columns]
    if need:
        raise ValueError(f"{name}: missing column(s) {', '.join(need)}; see docs/data-format.md (schools.csv)")
    table = schools.reset_index(drop=True).copy()
    table["school_id"] = table["school_id"].astype(str)
    rows = lambda mask: ", ".join(str(i + 2) for i in np.flatnonzero(mask)[:5])  # noqa: E731 - row numbers for the messages below
    dup = table["school_id"].duplicated().to_numpy()
    if dup.any():
        raise ValueError(f"{name}: duplicate school_id in row(s) {rows(dup)}; each school needs its own id")
    bad = ~table["level"].isin(LEVELS).to_numpy()
    if bad.any():
        raise ValueError(f"{name}: unknown level in row(s) {rows(bad)}, column 'level'; use one of {', '.join(LEVELS)}")
    if "sessions_per_day" not in table:
        table["sessions_per_day"] = 2
    table["sessions_per_day"] = pd.to_numeric(table["sessions_per_day"], errors="coerce").fillna(2)
    bad = ~table["sessions_per_day"].isin([1, 2]).to_numpy()
    if bad.any():
        raise ValueError(f"{name}: column 'sessions_per_day' must be 1 or 2, see row(s) {rows(bad)}")
    table["sessions_per_day"] = table["sessions_per_day"].astype(int)
    table, problems = school_column_problems(table, name)
    if problems:
        raise TableError(problems)
    for col in ("classrooms", "max_class_size", "opens", "closes"):
        if col not in table:
            table[col] = np.nan
        table[col] = pd.to_numeric(table[col], errors="coerce").astype(float)
    bad = (table["classrooms"].isna() | (table["classrooms"] < 0)).to_numpy()
    if bad.any():
        raise ValueError(f"{name}: column 'classrooms' must be a number ≥ 0, see row(s) {rows(bad)}")
    bad = (table["max_class_size"] <= 0).to_numpy()
    if bad.any():
        raise ValueError(f"{name}: column 'max_class_size' must be positive (or blank), see row(s) {rows(bad)}")
    return table


def effective_limits(schools: pd.DataFrame, norms: Norms) -> pd.DataFrame:
    """Class-size limit per school and grade: the norm, lowered by the school's max_class_size.

    Returns `school_id, level, grade, max_class_size` (pupils per class) for every grade of
    each school's level.
    """
    table = check_schools(schools)
    grades = norms.grade_table()[["level", "grade", "order", "max_class_size"]].rename(
        columns={"max_class_size": "norm"}
    )
    limits = table[["school_id", "level", "max_class_size"]].merge(grades, on="level", how="inner")
    own = limits["max_class_size"]
    above = limits[own > limits["norm"]]
    if len(above):
        warnings.warn(
            "schools.csv max_class_size above the legal limit is ignored for "
            + ", ".join(sorted(above["school_id"].unique()))
            + " (a school may only set a lower limit)",
            stacklevel=2,
        )
    limits["max_class_size"] = np.fmin(own.to_numpy(float), limits["norm"].to_numpy(float))
    limits = limits.sort_values(["school_id", "order"], kind="stable")
    return limits[["school_id", "level", "grade", "max_class_size"]].reset_index(drop=True)


def grade_grid(frame: pd.DataFrame, level: str, columns: Iterable[str]) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Rows of one level sorted (school_id, school_year, grade order) → index + [rows, G] arrays."""
    grades = LEVEL_GRADES[level]
    order = {g: i for i, g in enumerate(grades)}
    part = frame[frame["level"] == level]
    part = part.assign(_o=part["grade"].map(order)).sort_values(["school_id", "school_year", "_o"], kind="stable")
    width = len(grades)
    if len(part) % width:
        raise ValueError(f"internal: {level} rows are not a complete school × year × grade grid")
    index = part.iloc[::width][["school_id", "school_year"]].reset_index(drop=True)
    arrays = {c: part[c].to_numpy(float).reshape(-1, width) for c in columns}
    return index, arrays


def classes_by_grade(pupils: pd.DataFrame, schools: pd.DataFrame, norms: Norms) -> pd.DataFrame:
    """Classes per school × school year × grade.

    pupils: `school_id, level, grade, school_year` + bound columns (`mean`, and any of `lo80,
    hi80, lo95, hi95`), one row for every grade of the school's level and year.
    Returns those rows (sorted) with `max_class_size`, `classes` (from the mean),
    `classes_<bound>` for the other bounds, and `class_group` ("mg_3_4+mg_4_5" for a mixed
    group, else the grade).
    """
    bounds = [c for c in ("mean", "lo80", "hi80", "lo95", "hi95") if c in pupils.columns]
    limits = effective_limits(schools, norms)
    frame = pupils.merge(limits[["school_id", "grade", "max_class_size"]], on=["school_id", "grade"], how="left")
    if frame["max_class_size"].isna().any():
        bad = frame.loc[frame["max_class_size"].isna(), ["school_id", "grade"]].iloc[0]
        raise ValueError(
            f"pupils of grade {bad['grade']} are counted at school {bad['school_id']}, which does not teach that level"
        )
    parts = []
    for level in LEVELS:
        if not (frame["level"] == level).any():
            continue
        index, arrays = grade_grid(frame, level, [*bounds, "max_class_size"])
        grades = LEVEL_GRADES[level]
        out = pd.DataFrame(
            {
                "school_id": np.repeat(index["school_id"].to_numpy(), len(grades)),
                "level": level,
                "grade": np.tile(grades, len(index)),
                "school_year": np.repeat(index["school_year"].to_numpy(), len(grades)),
            }
        )
        for col in bounds:
            out[col] = arrays[col].ravel()
        out["max_class_size"] = arrays["max_class_size"].ravel()
        for col in bounds:
            classes, group = level_classes(level, arrays[col], arrays["max_class_size"], norms)
            out["classes" if col == "mean" else f"classes_{col}"] = classes.ravel().astype(int)
            if col == "mean":
                labels = _group_labels(grades, group)
                out["class_group"] = labels.ravel()
        parts.append(out)
    return pd.concat(parts, ignore_index=True)


def _group_labels(grades: tuple[str, ...], group: np.ndarray) -> np.ndarray:
    """'g1+g2' label of the class group of each grade (the grade itself when not mixed)."""
    width = len(grades)
    last = np.empty_like(group)
    last[:, width - 1] = width - 1
    for j in range(width - 2, -1, -1):  # a group ends where the next grade starts another
        last[:, j] = np.where(group[:, j + 1] == group[:, j], last[:, j + 1], j)
    labels = np.empty(group.shape, dtype=object)
    for start in range(width):
        for end in range(start, width):
            mask = (group == start) & (last == end)
            if mask.any():
                labels[mask] = "+".join(grades[start : end + 1])
    return labels


def rooms_needed(classes: np.ndarray | pd.Series, sessions_per_day: np.ndarray | pd.Series, norms: Norms) -> np.ndarray:
    """Rooms for a school's classes: ceil(classes × rooms per class) (1 session: 0.5 per class)."""
    rooms = np.asarray(classes, float) * norms.rooms_per_class(np.asarray(sessions_per_day))
    return np.maximum(np.ceil(rooms - _EPS), 0.0)


def rooms_available(schools: pd.DataFrame, school_years: Iterable[int]) -> pd.DataFrame:
    """Classrooms in use per school and school year: `classrooms` if opens ≤ Y < closes, else 0.

    Returns `school_id, school_year, rooms_available, open` for every school × year.
    """
    table = check_schools(schools)
    years = np.array(sorted({int(y) for y in school_years}))
    grid = pd.DataFrame(
        {
            "school_id": np.repeat(table["school_id"].to_numpy(), len(years)),
            "school_year": np.tile(years, len(table)),
        }
    )
    opens = np.repeat(table["opens"].fillna(-np.inf).to_numpy(float), len(years))
    closes = np.repeat(table["closes"].fillna(np.inf).to_numpy(float), len(years))
    is_open = (opens <= grid["school_year"].to_numpy()) & (grid["school_year"].to_numpy() < closes)
    rooms = np.repeat(table["classrooms"].to_numpy(float), len(years))
    grid["rooms_available"] = np.where(is_open, rooms, 0.0)
    grid["open"] = is_open
    return grid
