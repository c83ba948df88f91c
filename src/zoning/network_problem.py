"""The school network of one level as arrays: existing schools, candidate sites, neighbours.

`build_network_problem` extends a `ZoningProblem` (the level's existing schools) with
- candidate sites (`candidates` table, one row per room option of a site: `site_id, level,
  rooms, cost` and optionally `name, earliest_year, must_open, sessions_per_day,
  max_class_size`), whose classrooms the model decides (0 until a site opens);
- schools of neighbouring wards (`neighbours` table, see `zoning.neighbours`) that offer a
  number of seats per school year;
- the existing schools that may be closed (`closable`, see `zoning.closures`).
Each gets a column of the distance matrix from the `distances` table (`quarter_id,
school_id, metres`, the site ids and neighbour school ids in `school_id`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from zoning.distances import distance_matrix
from zoning.neighbours import neighbour_arrays
from zoning.problem import ZoningProblem, class_limit, rooms_per_class, with_dense

__all__ = ["CANDIDATE_COLUMNS", "KINDS", "NetworkProblem", "build_network_problem"]

KINDS = ("existing", "candidate", "neighbour")
"""What a school column of the network is: an existing school of the ward, a candidate site,
a school of a neighbouring ward offering seats."""
CANDIDATE_COLUMNS = ("site_id", "level", "rooms", "cost")
"""Required columns of the candidates table (one row per room option of a site)."""


@dataclass(frozen=True, eq=False)
class NetworkProblem:
    """One level's network data (n quarters, m = existing + candidate + neighbour schools,
    T school years, G grades, O room options of the candidate sites).

    `zoning` holds the quarters, years, grades, demand (pupils) and per school column the
    distances (metres), class-size limits (pupils per class), rooms per class and classrooms
    `rooms` (m, T): fixed for existing schools, 0 for candidates (their rooms come from the
    chosen option), the seats offered for neighbours (whose "classes" are single seats).
    """

    zoning: ZoningProblem
    kind: np.ndarray  # (m,) one of KINDS
    ward: np.ndarray  # (m,) neighbour's ward ("" for the ward's own schools)
    integer_classes: np.ndarray  # (m,) False for neighbours (seats, not classes)
    closable: np.ndarray  # (m,) existing schools the model may close
    must_open: np.ndarray  # (m,) candidate sites that must be open by the horizon
    option_school: np.ndarray  # (O,) school column of each room option
    option_rooms: np.ndarray  # (O,) classrooms of the option
    option_cost: np.ndarray  # (O,) VND
    option_first: np.ndarray  # (O,) first school-year index in which it may open

    @property
    def level(self) -> str:
        return self.zoning.level

    @property
    def shape(self) -> tuple[int, int, int, int]:
        return self.zoning.shape

    @property
    def school_ids(self) -> np.ndarray:
        return self.zoning.school_ids


def _bad_rows(table: str, column: str, mask: pd.Series, fix: str) -> ValueError:
    rows = ", ".join(str(int(r) + 2) for r in mask.index[mask.to_numpy()][:10])
    return ValueError(f"{table}: column {column!r} is wrong in row(s) {rows} (row 1 is the header). Fix: {fix}")


def _candidate_rows(candidates: pd.DataFrame, level: str, years: tuple[int, ...]) -> pd.DataFrame:
    """The candidate option rows of `level`, checked: numbers ≥ 0, earliest year known."""
    missing = [c for c in CANDIDATE_COLUMNS if c not in candidates.columns]
    if missing:
        raise ValueError(
            f"candidates: missing column(s) {', '.join(missing)}; one row per room option "
            f"of a site: {', '.join(CANDIDATE_COLUMNS)}[, name, earliest_year, must_open]"
        )
    frame = candidates.reset_index(drop=True)
    rows = frame[frame["level"].astype(str) == level].copy()
    for column, fix in (("rooms", "a whole number of classrooms ≥ 1"), ("cost", "the cost in VND, ≥ 0")):
        values = pd.to_numeric(rows[column], errors="coerce")
        low = 1 if column == "rooms" else 0
        bad = values.isna() | (values < low)
        if bad.any():
            raise _bad_rows("candidates", column, bad, fix)
        rows[column] = values
    first = pd.to_numeric(rows.get("earliest_year", pd.Series(np.nan, index=rows.index)), errors="coerce")
    rows["earliest_year"] = first.fillna(years[0]).astype(int)
    must = rows.get("must_open", pd.Series(False, index=rows.index))
    rows["must_open"] = must.astype(str).str.strip().str.lower().isin(["1", "true", "yes", "x", "có", "co"])
    rows["site_id"] = rows["site_id"].astype(str)
    duplicated = rows.duplicated(["site_id", "rooms"], keep=False)
    if duplicated.any():
        raise _bad_rows("candidates", "rooms", duplicated, "give each room option of a site once")
    late = rows.groupby("site_id")["earliest_year"].transform("nunique") > 1
    if late.any():
        raise _bad_rows("candidates", "earliest_year", late, "give a site one earliest year on all its rows")
    return rows


def build_network_problem(
    problem: ZoningProblem,
    *,
    norms: Any,
    candidates: pd.DataFrame | None = None,
    neighbours: pd.DataFrame | None = None,
    distances: pd.DataFrame | None = None,
    closable: Sequence[str] = (),
) -> NetworkProblem:
    """Extend `problem` (the level's existing schools) with candidate sites and neighbour schools.

    Candidates and neighbours of other levels are ignored. Raises ValueError naming the table,
    column and rows for bad input, and when a site or neighbour has no distance to any quarter.
    """
    level, years, grades = problem.level, problem.school_years, problem.grades
    n, m0, T, G = problem.shape
    cand = _candidate_rows(candidates, level, years) if candidates is not None else None
    site_ids = (
        np.array(sorted(cand["site_id"].unique()), dtype=object) if cand is not None else np.array([], dtype=object)
    )
    nb = neighbour_arrays(neighbours, level, years) if neighbours is not None else None
    nb_ids = nb.school_ids if nb is not None else np.array([], dtype=object)
    new_ids = np.concatenate([site_ids, nb_ids]).astype(object)
    clash = set(new_ids) & set(problem.school_ids.astype(str))
    if len(set(new_ids)) != len(new_ids) or clash:
        raise ValueError(
            f"candidates/neighbours: id(s) {', '.join(sorted(clash) or ['repeated'])} are "
            "already used by another school; give every site and school its own id"
        )
    k, b = len(site_ids), len(nb_ids)
    if k + b and distances is None:
        raise ValueError(
            "distances: needed for the candidate sites and neighbour schools "
            "(quarter_id, school_id, metres); see zoning.quarter_school_distances"
        )
    extra = distance_matrix(distances, problem.quarter_ids, new_ids) if k + b else np.zeros((n, 0))
    unknown = np.isnan(extra).all(axis=0)
    if unknown.any():
        raise ValueError(
            f"distances: no distance from any quarter to {', '.join(new_ids[unknown][:10])}; "
            "add them to the distances table"
        )

    names = list(problem.school_names)
    limits = [problem.class_limit]
    rpc = [problem.rooms_per_class]
    rooms = [problem.rooms]
    must = np.zeros(m0 + k + b, dtype=bool)
    opt_school, opt_rooms, opt_cost, opt_first = [], [], [], []
    if cand is not None and k:
        by_site = cand.groupby("site_id", sort=True)
        first_rows = by_site.first().loc[site_ids]
        names += [
            str(v) if isinstance(v, str) and v else s
            for s, v in zip(site_ids, first_rows.get("name", site_ids), strict=False)
        ]
        norm_limits = np.array([class_limit(norms, level, g) for g in grades], dtype=float)
        own = pd.to_numeric(
            first_rows.get("max_class_size", pd.Series(np.nan, index=first_rows.index)), errors="coerce"
        ).to_numpy(dtype=float)
        limits.append(
            np.where(np.isnan(own)[:, None], norm_limits[None, :], np.minimum(norm_limits[None, :], own[:, None]))
        )
        sessions = (
            pd.to_numeric(first_rows.get("sessions_per_day", pd.Series(2, index=first_rows.index)), errors="coerce")
            .fillna(2)
            .astype(int)
        )
        rpc.append(np.array([rooms_per_class(norms, s) for s in sessions]))
        rooms.append(np.zeros((k, T)))
        must[m0 : m0 + k] = by_site["must_open"].any().loc[site_ids].to_numpy()
        position = pd.Index(site_ids).get_indexer(cand["site_id"])
        opt_school = m0 + position
        opt_rooms = cand["rooms"].to_numpy(dtype=float)
        opt_cost = cand["cost"].to_numpy(dtype=float)
        opt_first = np.searchsorted(np.asarray(years), cand["earliest_year"].to_numpy(), side="left")
    if nb is not None and b:
        names += list(nb.names)
        limits.append(np.ones((b, G)))
        rpc.append(np.ones(b))
        rooms.append(nb.seats)
    kind = np.array(["existing"] * m0 + ["candidate"] * k + ["neighbour"] * b, dtype=object)
    ward = np.concatenate(
        [np.full(m0 + k, "", dtype=object), nb.wards if nb is not None else np.array([], dtype=object)]
    )
    closable_ids = {str(s) for s in closable}
    unknown_closable = closable_ids - set(problem.school_ids.astype(str))
    if unknown_closable:
        raise ValueError(f"closable: {', '.join(sorted(unknown_closable))} are not {level} schools of the ward")
    close = np.isin(np.concatenate([problem.school_ids.astype(str), new_ids.astype(str)]), list(closable_ids))
    current = problem.current
    if current is not None:
        current = np.hstack([current, np.zeros((n, k + b))])
    zoning = with_dense(
        problem,
        school_ids=np.concatenate([problem.school_ids, new_ids]).astype(object),
        school_names=np.array(names, dtype=object),
        distance=np.hstack([problem.distance, extra]),
        class_limit=np.vstack(limits),
        rooms=np.vstack(rooms).astype(float),
        rooms_per_class=np.concatenate(rpc),
        current=current,
    )
    return NetworkProblem(
        zoning=zoning,
        kind=kind,
        ward=ward,
        integer_classes=kind != "neighbour",
        closable=close,
        must_open=must,
        option_school=np.asarray(opt_school, dtype=np.int64),
        option_rooms=np.asarray(opt_rooms, dtype=float),
        option_cost=np.asarray(opt_cost, dtype=float),
        option_first=np.asarray(opt_first, dtype=np.int64),
    )
