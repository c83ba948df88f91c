"""Schools of neighbouring wards that offer seats to the ward's pupils ("across ward lines").

The `neighbours` table: `school_id, level, seats` and optionally `name, ward, school_year`.
`seats` are the places the school offers the ward's pupils of the zoned grades in a school
year (all zoned grades together); without `school_year` the same seats hold every year, with
it one row per year (a year without a row offers none). In the network model a neighbour is
a school column whose "classes" are single seats (limit 1 pupil, continuous), so it takes
pupils up to its seats and no whole classes are counted for it; every pupil sent there costs
`neighbour_penalty` metres on top of the trip (see `zoning.sites`), so the ward's own schools
are preferred and neighbours are used when the ward is short.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["NEIGHBOUR_COLUMNS", "NeighbourArrays", "neighbour_arrays"]

NEIGHBOUR_COLUMNS = ("school_id", "level", "seats")


@dataclass(frozen=True, eq=False)
class NeighbourArrays:
    """Neighbour schools of one level: ids, names, wards (b,), seats offered (b, T) pupils."""

    school_ids: np.ndarray
    names: np.ndarray
    wards: np.ndarray
    seats: np.ndarray


def neighbour_arrays(neighbours: pd.DataFrame, level: str, years: tuple[int, ...]) -> NeighbourArrays:
    """The neighbour schools of `level` with their seats per school year in `years`.

    Raises ValueError naming the rows when `seats` is not a number ≥ 0 or a school and year
    are given twice.
    """
    missing = [c for c in NEIGHBOUR_COLUMNS if c not in neighbours.columns]
    if missing:
        raise ValueError(
            f"neighbours: missing column(s) {', '.join(missing)}; expected "
            f"{', '.join(NEIGHBOUR_COLUMNS)}[, name, ward, school_year]"
        )
    frame = neighbours.reset_index(drop=True)
    seats = pd.to_numeric(frame["seats"], errors="coerce")
    bad = seats.isna() | (seats < 0)
    if bad.any():
        rows = ", ".join(str(int(r) + 2) for r in frame.index[bad.to_numpy()][:10])
        raise ValueError(
            f"neighbours: column 'seats' must be a number of pupils ≥ 0; rows {rows} are not (row 1 is the header)"
        )
    frame = frame.assign(seats=seats, school_id=frame["school_id"].astype(str))
    rows = frame[frame["level"].astype(str) == level]
    key = ["school_id", "school_year"] if "school_year" in rows.columns else ["school_id"]
    twice = rows.duplicated(key, keep=False)
    if twice.any():
        listed = ", ".join(str(int(r) + 2) for r in rows.index[twice.to_numpy()][:10])
        raise ValueError(
            f"neighbours: rows {listed} give the same school{' and year' if len(key) > 1 else ''} "
            "twice; keep one row each"
        )
    ids = np.array(sorted(rows["school_id"].unique()), dtype=object)
    first = rows.groupby("school_id").first().reindex(ids)
    names = (first["name"].astype(str) if "name" in first else pd.Series(ids, index=ids)).to_numpy().astype(object)
    wards = (
        (first["ward"].fillna("").astype(str) if "ward" in first else pd.Series("", index=ids))
        .to_numpy()
        .astype(object)
    )
    table = np.zeros((len(ids), len(years)))
    if "school_year" in rows.columns:
        year = pd.to_numeric(rows["school_year"], errors="coerce")
        inside = year.isin(years)
        si = pd.Index(ids).get_indexer(rows["school_id"][inside])
        ti = pd.Index(years).get_indexer(year[inside].astype(int))
        table[si, ti] = rows["seats"][inside].to_numpy(dtype=float)
    else:
        table[:] = first["seats"].to_numpy(dtype=float)[:, None]
    return NeighbourArrays(school_ids=ids, names=names, wards=wards, seats=table)
