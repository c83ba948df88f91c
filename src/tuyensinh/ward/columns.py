"""Typed columns of the ward tables: turning text cells into checked values.

Each table of the ward folder is described by a list of `Column`s; `parse_table` converts the
text cells of a `RawTable` into typed columns and reports every cell that is blank when it
must not be, not a number, not a whole number, out of range or not an allowed code — with the
file, the spreadsheet row, the column and the fix. Row-level helpers report duplicate keys and
references to unknown quarters or schools.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tuyensinh.ward.cells import RawTable
from tuyensinh.ward.codes import (
    LEVELS,
    NOT_PLANNED_LEVELS,
    closest,
    fold_text,
    level_aliases,
    normalise_codes,
    sex_aliases,
)
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.numbers import PLAUSIBLE_RANGE, read_numbers
from tuyensinh.words.problems import EMPTY, Text, text, unit_text

__all__ = [
    "Column",
    "parse_table",
    "row_problems",
    "duplicate_problems",
    "unknown_reference_problems",
    "MAX_ROWS_PER_PROBLEM",
]

MAX_ROWS_PER_PROBLEM = 20  # rows reported one by one before the rest are summarised


@dataclass(frozen=True)
class Column:
    """One column of a ward table.

    kind: "id" (text kept exactly, "01" stays "01"), "text", "int" (whole number), "number",
    "level" (mam_non | tieu_hoc | thcs or an everyday spelling), "sex" (M | F).
    `required`: the column must be in the file; `blank_ok`: cells may be left empty (they get
    `default`). `minimum`/`maximum` bound numbers; `unit` (English, translated through
    `words.problems.UNITS`) words the value in messages; `fix` is a `words.problems` catalog key
    that replaces the generic fix of every problem of this column. `example`: a value as a planner
    writes it in a scenarios file (the same columns are the keys of its change tables).
    """

    name: str
    kind: str
    required: bool = True
    blank_ok: bool = False
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    fix: str = ""
    example: str = ""


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(row) for row in rows[:30])
    return shown + (", …" if len(rows) > 30 else "")


def row_problems(
    file: str,
    rows: Sequence[int],
    column: str | None,
    message: Callable[[int], Text],
    fix: Text,
    limit: int = MAX_ROWS_PER_PROBLEM,
) -> list[Problem]:
    """One Problem per row (message(row) says what is wrong), the rows after `limit` summarised."""
    rows = [int(row) for row in rows]
    problems = [Problem.of(file, message(row), fix, row=row, column=column) for row in rows[:limit]]
    if len(rows) > limit:
        rest = rows[limit:]
        problems.append(
            Problem.of(
                file,
                text("table.more_rows", n=len(rest), rows=_rows_text(rest)),
                fix,
                row=rest[0],
                column=column,
            )
        )
    return problems


def _missing_column(file: str, name: str, present: Iterable[str], fix: Text | None) -> Problem:
    present = list(present)
    lookalike = difflib.get_close_matches(name, present, n=1, cutoff=0.7)
    hint = text("table.hint_lookalike", lookalike=lookalike[0], name=name) if lookalike else EMPTY
    header = ", ".join(present) or text("word.nothing")
    return Problem.of(
        file,
        text("table.missing_column", name=name, hint=hint, present=header),
        fix or text("fix.table.add_column", name=name),
        row=1,
        column=name,
    )


def _same_for_every_row(said: Text) -> Callable[[int], Text]:
    """A `row_problems` message that does not depend on the row."""
    return lambda row: said


def _fix(column: Column, key: str, **fields: object) -> Text:
    """The column's own fix (catalog key `column.fix`) or the generic one."""
    return text(column.fix) if column.fix else text(key, **fields)


def _acceptable(column: Column) -> Callable[[np.ndarray], np.ndarray]:
    """Which values the column can hold: settles a thousands separator such as '7.300'."""
    low, high = PLAUSIBLE_RANGE.get(column.name, (-np.inf, np.inf))
    floor = max(column.minimum if column.minimum is not None else -np.inf, low)
    ceiling = min(column.maximum if column.maximum is not None else np.inf, high)

    def acceptable(values: np.ndarray) -> np.ndarray:
        ok = (values >= floor) & (values <= ceiling)
        return ok & (np.mod(values, 1) == 0) if column.kind == "int" else ok

    return acceptable


def _check_numeric(
    raw: RawTable, column: Column, cells: pd.Series, filled: pd.Series
) -> tuple[pd.Series, list[Problem]]:
    """Numbers of a column (NaN where blank or wrong) and the problems of its cells."""
    reading = read_numbers(cells, raw.decimal_comma, _acceptable(column))
    values = reading.values
    rows = cells.index.to_numpy()
    filled_ = filled.to_numpy(dtype=bool)
    problems: list[Problem] = []
    unit = unit_text(column.unit)
    bad = filled_ & np.isnan(values)
    specific = np.isin(rows, list(reading.refused)) if reading.refused else np.zeros(len(rows), dtype=bool)
    problems += [
        Problem.of(raw.file, *reading.refused[int(row)], row=int(row), column=column.name)
        for row in rows[bad & specific][:MAX_ROWS_PER_PROBLEM]
    ]
    problems += row_problems(
        raw.file,
        rows[bad & ~specific],
        column.name,
        lambda row: text("table.not_number", value=cells[row]),
        _fix(column, "fix.table.number"),
    )
    ok = filled_ & ~np.isnan(values)
    wrong = np.zeros(len(values), dtype=bool)
    if column.kind == "int":
        fraction = ok & (np.mod(values, 1, where=ok, out=np.zeros_like(values)) != 0)
        problems += row_problems(
            raw.file,
            rows[fraction],
            column.name,
            lambda row: text("table.not_whole", value=cells[row], unit=unit),
            _fix(column, "fix.table.whole"),
        )
        wrong |= fraction
        ok &= ~fraction
    if column.minimum is not None:
        low = ok & (values < column.minimum)
        minimum = f"{column.minimum:g}"
        what = text("word.negative") if column.minimum == 0 else text("word.below", minimum=minimum)
        problems += row_problems(
            raw.file,
            rows[low],
            column.name,
            lambda row: text(
                "table.below_min", value=cells[row], what=what, name=column.name, minimum=minimum, unit=unit
            ),
            _fix(column, "fix.table.below_min", name=column.name, what=what),
        )
        wrong |= low
    if column.maximum is not None:
        high = ok & (values > column.maximum)
        problems += row_problems(
            raw.file,
            rows[high],
            column.name,
            lambda row: text(
                "table.above_max", value=cells[row], maximum=f"{column.maximum:g}", name=column.name, unit=unit
            ),
            _fix(column, "fix.table.correct"),
        )
        wrong |= high
    values[wrong] = np.nan
    return pd.Series(values, index=cells.index, name=column.name), problems


def _check_code(raw: RawTable, column: Column, cells: pd.Series, filled: pd.Series) -> tuple[pd.Series, list[Problem]]:
    aliases = level_aliases() if column.kind == "level" else sex_aliases()
    codes = normalise_codes(cells.where(filled), aliases)
    bad = filled & codes.isna()
    if column.kind == "level":
        allowed = text("table.levels_allowed")

        def message(row: int) -> Text:
            value = cells[row]
            if fold_text(value) in NOT_PLANNED_LEVELS:
                return text("table.level_not_planned", value=value, allowed=allowed)
            guess = closest(value, [*LEVELS, "Mầm non", "Tiểu học", "THCS"])
            hint = text("hint.did_you_mean", guess=guess) if guess else EMPTY
            return text("table.level_unknown", value=value, hint=hint, allowed=allowed)

        fix = text("fix.table.level")
    else:

        def message(row: int) -> Text:
            return text("table.sex", value=cells[row])

        fix = text("fix.table.sex")
    return codes, row_problems(raw.file, bad[bad].index, column.name, message, fix)


def parse_table(
    raw: RawTable, columns: Sequence[Column], missing_column_fix: Text | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed frame (index = spreadsheet row) with one column per `Column`, and the problems found.

    Absent optional columns are filled with their default. Cells with a problem become missing
    (NaN/None) so that later checks can still run on the rest of the table; the caller must not
    use a table that has problems.
    """
    cells = raw.cells
    problems: list[Problem] = []
    known = {column.name for column in columns}
    for name in cells.columns:
        if name in known:
            continue
        lookalike = difflib.get_close_matches(name, list(known - set(cells.columns)), n=1, cutoff=0.8)
        if lookalike:
            problems.append(
                Problem.of(
                    raw.file,
                    text("table.unknown_column", name=name, guess=lookalike[0]),
                    text("fix.table.rename", guess=lookalike[0]),
                    row=1,
                    column=name,
                )
            )
    out = pd.DataFrame(index=cells.index)
    for column in columns:
        if column.name not in cells.columns:
            if column.required:
                problems.append(_missing_column(raw.file, column.name, cells.columns, missing_column_fix))
            out[column.name] = column.default if column.kind != "id" else None
            continue
        written = cells[column.name].astype(object)
        filled = written.ne("")
        if not column.blank_ok and not filled.all():
            blank = ~filled
            blank_text = text("table.blank", name=column.name)
            problems += row_problems(
                raw.file,
                blank[blank].index,
                column.name,
                _same_for_every_row(blank_text),
                _fix(column, "fix.table.fill", name=column.name),
            )
        if column.kind in ("int", "number"):
            values, found = _check_numeric(raw, column, written, filled)
            if column.blank_ok and column.default is not None:
                values = values.where(filled, float(column.default))  # type: ignore[arg-type]  # default: a number for numeric columns
        elif column.kind in ("level", "sex"):
            values, found = _check_code(raw, column, written, filled)
        else:
            values, found = written.where(filled, None), []
            if column.blank_ok and column.default is not None:
                values = values.where(filled, column.default)
        problems += found
        out[column.name] = values
    return out, problems


def duplicate_problems(frame: pd.DataFrame, keys: Sequence[str], file: str, fix: Text) -> list[Problem]:
    """One Problem per repeated key combination, naming every row that repeats it."""
    usable = frame.dropna(subset=list(keys))
    repeated = usable[usable.duplicated(list(keys), keep=False)]
    if repeated.empty:
        return []
    groups = repeated.reset_index().groupby(list(keys), sort=False)["row"].apply(list).head(MAX_ROWS_PER_PROBLEM + 1)
    column = keys[0] if len(keys) == 1 else ", ".join(keys)
    problems = []
    for key, rows in groups.items():
        key = key if isinstance(key, tuple) else (key,)
        what = ", ".join(f"{name} {_show(value)}" for name, value in zip(keys, key, strict=True))
        problems.append(
            Problem.of(
                file,
                text("table.duplicate", what=what, rows=_rows_text(rows)),
                fix,
                row=rows[1],
                column=column,
            )
        )
    total = repeated.groupby(list(keys)).ngroups
    if total > MAX_ROWS_PER_PROBLEM + 1:
        problems.append(
            Problem.of(file, text("table.more_duplicates", n=total - MAX_ROWS_PER_PROBLEM - 1), fix, column=column)
        )
    return problems


def _show(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return f"'{value}'" if isinstance(value, str) else str(value)


def _id_shape(value: str) -> str:
    """The shape of an id: letters as 'A', digit runs as '9' ('T01' → 'A9', '1' → '9', 'KP-03' → 'AA-9')."""
    return re.sub(r"\d+", "9", re.sub(r"[^\W\d_]", "A", value))


def _id_pattern_problem(
    unknown: pd.Series, known: list[str], column: str, file: str, source: str, noun: Text
) -> Problem | None:
    """One problem when the unknown ids are written in another pattern than `source`'s ('1' vs 'T01').

    Said when at least three different ids are unknown and none of them has a shape of the known
    ids: the file as a whole follows another convention, so one message with the pattern (and
    the likely correspondence by number) replaces one message per row.
    """
    distinct = list(dict.fromkeys(str(value) for value in unknown))
    known_shapes = {_id_shape(value) for value in known}
    if len(distinct) < 3 or any(_id_shape(value) in known_shapes for value in distinct):
        return None
    numbers = {int(found[0]): value for value in known if (found := re.findall(r"\d+", value))}
    pairs = [
        (value, numbers[int(found[0])])
        for value in distinct[:3]
        if (found := re.findall(r"\d+", value)) and int(found[0]) in numbers
    ]
    mapping = ", ".join(f"'{mine}' → '{theirs}'" for mine, theirs in pairs) or "—"
    rows = unknown.index.tolist()
    return Problem.of(
        file,
        text(
            "table.id_pattern",
            column=column,
            n=len(rows),
            mine=", ".join(distinct[:4]),
            source=source,
            theirs=", ".join(known[:4]),
            noun=noun,
        ),
        text("fix.table.id_pattern", column=column, source=source, mapping=mapping),
        row=int(rows[0]),
        column=column,
    )


def unknown_reference_problems(
    frame: pd.DataFrame, column: str, known: Iterable[str], file: str, source: str, noun: Text
) -> list[Problem]:
    """Rows whose `column` names a quarter or school (`noun`) that `source` does not define."""
    known = list(known)
    values = frame[column]
    bad = values.notna() & ~values.isin(known)
    if not bad.any():
        return []
    examples = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
    pattern = _id_pattern_problem(values[bad], known, column, file, source, noun)
    if pattern is not None:
        return [pattern]

    def message(row: int) -> Text:
        value = values[row]
        guess = closest(value, known)
        hint = text("hint.did_you_mean", guess=guess) if guess else EMPTY
        return text("table.unknown_reference", column=column, value=value, noun=noun, source=source, hint=hint)

    return row_problems(
        file,
        bad[bad].index,
        column,
        message,
        text("fix.table.unknown_reference", column=column, source=source, examples=examples, noun=noun),
    )
