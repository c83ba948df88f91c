"""Checking the input tables and pivoting them once into dense numpy arrays.

`ward_arrays(population, births, housing, base_year, horizon)` validates the loader's tables
(planner-readable `ValueError`s naming the table, the column and example rows) and returns a
`WardArrays` holding populations as [quarter, age, year] arrays (persons), births as
[quarter, year] and planned dwellings as [quarter, year] from the first history year to the
horizon. Everything downstream is vectorized on these arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["WardArrays", "ward_arrays", "MIN_HISTORY_YEARS"]

MIN_HISTORY_YEARS = 3  # two one-year transitions: the least that lets ratios and their noise be estimated
_EXAMPLES = 5


@dataclass(frozen=True, eq=False)
class WardArrays:
    """A ward's history as dense arrays (persons), years first_year … base year.

    total[q, a, t]: residents of quarter q aged a at the end of year t (summed over sex).
    female[q, a, t]: the women among them, or None when `sex` was not given.
    births[q, t]: births in year t, or None.  housing[q, y]: planned dwellings completed in
    year `first_year + y` for y up to the horizon (0 when none).  exists[q, t]: the quarter
    has population rows for year t (a new quarter starts later than the others).  women[q, t]:
    women aged 15–49 from their own table (the age-0 model's exposure), or None.
    """

    quarters: np.ndarray
    years: np.ndarray
    ages: np.ndarray
    total: np.ndarray
    female: np.ndarray | None
    births: np.ndarray | None
    housing: np.ndarray | None
    exists: np.ndarray
    women: np.ndarray | None = None

    @property
    def first_year(self) -> int:
        return int(self.years[0])

    @property
    def base_year(self) -> int:
        return int(self.years[-1])

    def subset(self, quarter_index: np.ndarray) -> WardArrays:
        """The same ward restricted to some quarters (index array)."""
        pick = np.asarray(quarter_index)
        return WardArrays(
            quarters=self.quarters[pick],
            years=self.years,
            ages=self.ages,
            total=self.total[pick],
            female=None if self.female is None else self.female[pick],
            births=None if self.births is None else self.births[pick],
            housing=None if self.housing is None else self.housing[pick],
            exists=self.exists[pick],
            women=None if self.women is None else self.women[pick],
        )

    def truncated(self, base_index: int) -> WardArrays:
        """The same ward seen at the end of year `years[base_index]` (later years dropped)."""
        end = base_index + 1
        return WardArrays(
            quarters=self.quarters,
            years=self.years[:end],
            ages=self.ages,
            total=self.total[:, :, :end],
            female=None if self.female is None else self.female[:, :, :end],
            births=None if self.births is None else self.births[:, :end],
            housing=self.housing,
            exists=self.exists[:, :end],
            women=None if self.women is None else self.women[:, :end],
        )


def _require_columns(frame: pd.DataFrame, table: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{table}: missing column(s) {', '.join(missing)}; the table needs "
            f"{', '.join(columns)} (found {', '.join(map(str, frame.columns))})."
        )


def _sheet_rows(mask: np.ndarray, rows: np.ndarray | None = None, limit: int = _EXAMPLES) -> np.ndarray:
    """Spreadsheet row numbers (header = row 1) of the first rows where `mask` holds.

    rows: the spreadsheet row of each entry of `mask` when the frame was filtered (e.g. to the
    years up to the base year); None when `mask` covers the file's rows in order.
    """
    idx = np.flatnonzero(mask)[:limit]
    return idx + 2 if rows is None else rows[idx]


def _whole_numbers(
    frame: pd.DataFrame, table: str, column: str, minimum: float = 0, rows: np.ndarray | None = None
) -> np.ndarray:
    """The column as floats; blank, non-numeric or below-`minimum` values raise, naming the
    spreadsheet rows (`rows`: see `_sheet_rows`). An integer column is checked without a
    per-value conversion (one reduction; a city's 19 million rows in milliseconds)."""
    raw = frame[column]
    if _plain_ints(raw):
        ints = raw.to_numpy()
        if ints.size and ints.min() < minimum:
            return _checked(ints.astype(float), table, column, minimum, rows)
        return ints.astype(float)
    return _checked(pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float), table, column, minimum, rows)


def _plain_ints(column: pd.Series) -> bool:
    """A NumPy integer column (no missing values possible)."""
    return isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu"


def _whole_ints(
    frame: pd.DataFrame, table: str, column: str, minimum: float = 0, rows: np.ndarray | None = None
) -> np.ndarray:
    """Like `_whole_numbers`, as int64 (years, ages); an int64 column is returned as it is."""
    raw = frame[column]
    if _plain_ints(raw):
        ints = raw.to_numpy().astype(np.int64, copy=False)
        if not ints.size or ints.min() >= minimum:
            return ints
    return _whole_numbers(frame, table, column, minimum, rows).astype(np.int64)


def _checked(values: np.ndarray, table: str, column: str, minimum: float, rows: np.ndarray | None) -> np.ndarray:
    bad = ~np.isfinite(values)
    if bad.any():
        rows = _sheet_rows(bad, rows)
        raise ValueError(
            f"{table}, column '{column}': {int(bad.sum())} blank or non-numeric value(s) "
            f"(spreadsheet rows {', '.join(map(str, rows))}, …). Fill in a number."
        )
    low = values < minimum
    if low.any():
        rows = _sheet_rows(low, rows)
        raise ValueError(
            f"{table}, column '{column}': {int(low.sum())} value(s) below {minimum:g} "
            f"(spreadsheet rows {', '.join(map(str, rows))}). Counts cannot be negative: correct them."
        )
    return values


def _codes(series: pd.Series, categories: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and the sorted unique labels (text) of an id column; with `categories`,
    the codes of those labels (−1 for an unknown one).

    Tables are usually grouped by quarter, so ids come in runs of equal values: only the first
    id of each run is turned into text and looked up, and its code is repeated over the run
    (a city's 19 million rows hold ~1 million runs). Same codes as factorizing every row."""
    values = series.to_numpy()
    n = values.size
    change = np.ones(n, dtype=bool)
    if n > 1:
        np.not_equal(values[1:], values[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    heads = pd.Series(values[starts], dtype=object).astype(str)
    if categories is None:
        head_codes, uniques = pd.factorize(heads, sort=True)
        labels = np.asarray(uniques, dtype=object)
    else:
        head_codes, labels = pd.Index(categories).get_indexer(heads), categories
    lengths = np.diff(np.append(starts, n))
    return np.repeat(head_codes.astype(np.int64), lengths), labels


def _population(population: pd.DataFrame, base_year: int | None):
    _require_columns(population, "population.csv", ("quarter_id", "year", "age", "count"))
    if len(population) == 0:
        raise ValueError("population.csv has no rows: it needs residents by quarter, year and age.")
    years = _whole_ints(population, "population.csv", "year", minimum=1900)
    if base_year is None:
        base_year = int(years.max())
    keep = years <= base_year
    if not keep.any():
        raise ValueError(
            f"population.csv has no rows up to the base year {base_year} "
            f"(its years are {int(years.min())}–{int(years.max())}). Choose a base year with data."
        )
    rows = None  # every row kept: a row's spreadsheet number is its position + 2
    if not keep.all():
        population = population.loc[keep]
        years = years[keep]
        rows = np.flatnonzero(keep) + 2  # spreadsheet row of each kept row
    ages = _whole_ints(population, "population.csv", "age", rows=rows)
    counts = _whole_numbers(population, "population.csv", "count", rows=rows)
    has_sex = "sex" in population.columns
    sex = None
    if has_sex:
        sex_text = population["sex"].astype(str).str.strip().str.upper()
        bad = ~sex_text.isin(["M", "F"]).to_numpy()
        if bad.any():
            raise ValueError(
                f"population.csv, column 'sex': values must be M or F (spreadsheet rows "
                f"{', '.join(map(str, _sheet_rows(bad, rows)))}). Use M for boys/men and F for girls/women."
            )
        sex = (sex_text == "F").to_numpy().astype(np.int64)
    return population, rows, years, ages, counts, sex, base_year


def _check_years(all_years: np.ndarray, base_year: int) -> np.ndarray:
    low = int(all_years.min())
    present = low + np.flatnonzero(np.bincount(all_years - low))
    first = int(present[0])
    expected = np.arange(first, base_year + 1)
    gaps = np.setdiff1d(expected, present)
    if gaps.size:
        raise ValueError(
            f"population.csv has no rows for year(s) {', '.join(map(str, gaps))} between {first} and "
            f"{base_year}: the history must cover every year without gaps. Add the missing year(s) "
            f"or start the table after the gap."
        )
    if expected.size < MIN_HISTORY_YEARS:
        raise ValueError(
            f"population.csv holds {expected.size} year(s) of history up to {base_year} "
            f"({first}–{base_year}); the forecast needs at least {MIN_HISTORY_YEARS} consecutive years "
            f"(two one-year transitions). Add earlier years."
        )
    return expected


def ward_arrays(
    population: pd.DataFrame,
    births: pd.DataFrame | None = None,
    housing: pd.DataFrame | None = None,
    *,
    base_year: int | None = None,
    horizon: int | None = None,
    max_age: int = 18,
    women: pd.DataFrame | None = None,
) -> WardArrays:
    """Validate the tables and pivot them to dense arrays; only data up to `base_year` is used.

    Raises ValueError (planner-readable) for missing columns, blank or negative values, gaps in
    years, fewer than 3 years of history, missing or duplicate (quarter, year, age[, sex]) rows,
    and births/housing/women rows naming unknown quarters. `women` (quarter_id, year,
    women_15_49; optional) must cover every quarter-year of the population table.
    """
    population, sheet_rows, years, ages, counts, sex, base_year = _population(population, base_year)
    year_axis = _check_years(years, base_year)
    max_present = int(ages.max())
    if max_present < max_age:
        raise ValueError(
            f"population.csv stops at age {max_present}; ages 0–{max_age} are needed to forecast "
            f"school ages. Add the missing ages (rows with count 0 where nobody lives)."
        )
    age_axis = np.arange(max_present + 1)
    q_codes, quarters = _codes(population["quarter_id"])
    n_q, n_a, n_t = len(quarters), age_axis.size, year_axis.size
    n_s = 2 if sex is not None else 1
    size = n_q * n_a * n_t * n_s
    # flat cell index ((q·A + a)·T + t)·S + s, built in place in the codes' array (int64: what
    # bincount counts without a conversion)
    flat = q_codes
    flat *= n_a
    flat += ages
    flat *= n_t
    flat += years
    flat -= year_axis[0]
    if sex is not None:
        flat *= n_s
        flat += sex
    rows_per_cell = np.bincount(flat, minlength=size)
    if rows_per_cell.max(initial=0) > 1:
        dup = _sheet_rows(rows_per_cell[flat] > 1, sheet_rows, 2 * _EXAMPLES)
        key = "quarter_id, year, age" + (", sex" if sex is not None else "")
        raise ValueError(
            f"population.csv has duplicate rows for the same {key} (spreadsheet rows "
            f"{', '.join(map(str, dup))}). Keep one row per {key}."
        )
    cells = rows_per_cell.reshape(n_q, n_a, n_t, n_s)
    rows_per_year = cells.sum(axis=(1, 3))  # [q, t]
    quarter_year = rows_per_year > 0  # the quarter has rows that year
    # A quarter may start after the first year (a new quarter) or stop before the base year (merged
    # away); between its first and its last year it needs every year.
    started = np.maximum.accumulate(quarter_year, axis=1)
    still = np.maximum.accumulate(quarter_year[:, ::-1], axis=1)[:, ::-1]
    gap = started & still & ~quarter_year
    if gap.any():
        q, t = np.nonzero(gap)
        examples = [f"{quarters[i]} in {year_axis[j]}" for i, j in zip(q[:_EXAMPLES], t[:_EXAMPLES], strict=True)]
        raise ValueError(
            f"population.csv: {len(q)} quarter-year(s) are missing between the first and the last year of "
            f"their quarter (e.g. {'; '.join(examples)}). A quarter needs rows for every year from its first "
            f"to its last year; add them (count 0 if nobody lived there)."
        )
    # no duplicates: a quarter-year with rows has every age (and sex) exactly when it has A·S rows
    if ((rows_per_year != n_a * n_s) & quarter_year).any():
        expected_cells = np.broadcast_to(quarter_year[:, None, :, None], cells.shape)
        q, a, t, s = np.nonzero(expected_cells & (cells == 0))
        labels = []
        for i in range(min(_EXAMPLES, len(q))):
            label = f"{quarters[q[i]]}, {year_axis[t[i]]}, age {age_axis[a[i]]}"
            if sex is not None:
                label += f", sex {'F' if s[i] else 'M'}"
            labels.append(label)
        raise ValueError(
            f"population.csv is missing {len(q)} row(s) for ages 0–{max_present} (e.g. {'; '.join(labels)}). "
            f"Every quarter and year needs one row per age"
            + (" and sex" if sex is not None else "")
            + " from 0 to the oldest age; add rows with count 0 where nobody lives."
        )
    by_sex = np.bincount(flat, weights=counts, minlength=size).reshape(n_q, n_a, n_t, n_s)
    total = by_sex.sum(axis=3) if sex is not None else by_sex.reshape(n_q, n_a, n_t)
    female = by_sex[..., 1].copy() if sex is not None else None
    exists = quarter_year & (total.sum(axis=1) > 0)

    births_arr = None
    if births is not None:
        births_arr = _births(births, quarters, year_axis)
    housing_arr = None
    if housing is not None:
        last = max(int(horizon or base_year), base_year)
        housing_arr = _housing(housing, quarters, year_axis[0], last)
    women_arr = None
    if women is not None:
        women_arr = _women(women, quarters, year_axis, quarter_year)
    return WardArrays(
        quarters=quarters,
        years=year_axis,
        ages=age_axis,
        total=total,
        female=female,
        births=births_arr,
        housing=housing_arr,
        exists=exists,
        women=women_arr,
    )


def _yearly_counts(
    table: pd.DataFrame, file: str, column: str, quarters: np.ndarray, first: int, last: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of a per-quarter yearly file (births.csv, housing.csv) within first…last: their
    quarter codes, years and whole-number values, checked (file rows named in errors)."""
    _require_columns(table, file, ("quarter_id", "year", column))
    years = _whole_numbers(table, file, "year", minimum=1900).astype(np.int64)
    keep = (years >= first) & (years <= last)
    table = table.loc[keep]
    values = _whole_numbers(table, file, column, rows=np.flatnonzero(keep) + 2)
    codes, _ = _codes(table["quarter_id"], quarters)
    unknown = codes < 0
    if unknown.any():
        names = sorted(set(table["quarter_id"].astype(str).to_numpy()[unknown]))[:_EXAMPLES]
        raise ValueError(
            f"{file} names quarter(s) not in population.csv: {', '.join(names)}. "
            f"Use the quarter_id spelling of population.csv."
        )
    return codes, years[keep], values


def _births(births: pd.DataFrame, quarters: np.ndarray, year_axis: np.ndarray) -> np.ndarray:
    codes, years, values = _yearly_counts(
        births, "births.csv", "births", quarters, int(year_axis[0]), int(year_axis[-1])
    )
    n_q, n_t = len(quarters), year_axis.size
    flat = codes * n_t + (years - year_axis[0])
    if (np.bincount(flat, minlength=n_q * n_t) > 1).any():
        raise ValueError("births.csv has duplicate rows for the same quarter_id and year; keep one per pair.")
    present = np.bincount(np.unique(years - year_axis[0]), minlength=n_t) > 0
    covered = present[-MIN_HISTORY_YEARS:]
    if not covered.all():
        raise ValueError(
            f"births.csv must cover the last {MIN_HISTORY_YEARS} years of the population history "
            f"({year_axis[-MIN_HISTORY_YEARS]}–{year_axis[-1]}); add those years or remove births.csv."
        )
    arr = np.bincount(flat, weights=values, minlength=n_q * n_t).reshape(n_q, n_t)
    # Years before births were recorded are marked NaN so they never count as zero births.
    arr[:, ~present] = np.nan
    return arr


def _housing(housing: pd.DataFrame, quarters: np.ndarray, first: int, last: int) -> np.ndarray:
    codes, years, values = _yearly_counts(housing, "housing.csv", "new_dwellings", quarters, first, last)
    n_q, n_y = len(quarters), last - first + 1
    flat = codes * n_y + (years - first)
    return np.bincount(flat, weights=values, minlength=n_q * n_y).reshape(n_q, n_y)


def _women(women: pd.DataFrame, quarters: np.ndarray, year_axis: np.ndarray, present: np.ndarray) -> np.ndarray:
    """women[q, t] (women aged 15–49) from a table quarter_id, year, women_15_49."""
    file = "women_15_49 table"
    codes, years, values = _yearly_counts(women, file, "women_15_49", quarters, int(year_axis[0]), int(year_axis[-1]))
    n_q, n_t = len(quarters), year_axis.size
    flat = codes * n_t + (years - year_axis[0])
    seen = np.bincount(flat, minlength=n_q * n_t).reshape(n_q, n_t)
    if (seen > 1).any():
        raise ValueError(f"{file} has duplicate rows for the same quarter_id and year; keep one per pair.")
    lacking = present & (seen == 0)
    if lacking.any():
        q, t = np.nonzero(lacking)
        examples = "; ".join(
            f"{quarters[i]} in {year_axis[j]}" for i, j in zip(q[:_EXAMPLES], t[:_EXAMPLES], strict=True)
        )
        raise ValueError(
            f"{file} has no row for {len(q)} quarter-year(s) of population.csv (e.g. {examples}); "
            f"give women 15–49 for every quarter and year, or leave the table out."
        )
    return np.bincount(flat, weights=values, minlength=n_q * n_t).reshape(n_q, n_t)
