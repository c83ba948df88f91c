"""The ward folder's school-network tables (all optional), read and checked like the others.

- candidates.csv: one row per room option of a candidate site — `site_id, level, lon, lat,
  rooms, cost` (VND) [, name, earliest_year, must_open];
- constraints.csv: the planner's own rules — `kind` (must, forbid, max_distance, feeder),
  `level, quarter_id, school_id, metres` as the kind needs;
- neighbours.csv: schools of neighbouring wards that offer seats — `school_id, level, lon,
  lat, seats` [, name, ward, school_year].
`read_network_tables(ward)` returns them (None when absent) or raises `WardDataError` listing
every problem, each with its file, row, column and what to write.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tuyensinh.ward.columns import Column, row_problems, unknown_reference_problems
from tuyensinh.ward.errors import Problem, WardDataError
from tuyensinh.ward.folder import Ward
from tuyensinh.ward.tables import TableSpec, finish, read_table
from tuyensinh.words.network import text

__all__ = ["CANDIDATES", "CONSTRAINTS", "NEIGHBOURS", "NetworkTables", "read_network_tables", "YES", "NO"]

YES = ("1", "x", "yes", "true", "có", "co")
NO = ("", "0", "no", "false", "không", "khong")
KINDS = ("must", "forbid", "max_distance", "feeder")

CANDIDATES = TableSpec(
    "candidates.csv",
    (
        Column("site_id", "id"),
        Column("name", "text", required=False, blank_ok=True),
        Column("level", "level"),
        Column("lon", "number", unit="degrees east"),
        Column("lat", "number", unit="degrees north"),
        Column("rooms", "int", minimum=1, unit="rooms"),
        Column("cost", "number", minimum=0),
        Column("earliest_year", "int", required=False, blank_ok=True, minimum=1950, maximum=2100, unit="calendar year"),
        Column("must_open", "text", required=False, blank_ok=True),
    ),
    ("site_id", "rooms"),
    False,
    "purpose.schools",
)
CONSTRAINTS = TableSpec(
    "constraints.csv",
    (
        Column("kind", "text"),
        Column("level", "level", required=False, blank_ok=True),
        Column("quarter_id", "id", required=False, blank_ok=True),
        Column("school_id", "id", required=False, blank_ok=True),
        Column("metres", "number", required=False, blank_ok=True, minimum=0, unit="metres"),
    ),
    ("kind", "level", "quarter_id", "school_id"),
    False,
    "purpose.zones",
)
NEIGHBOURS = TableSpec(
    "neighbours.csv",
    (
        Column("school_id", "id"),
        Column("name", "text", required=False, blank_ok=True),
        Column("level", "level"),
        Column("ward", "text", required=False, blank_ok=True),
        Column("lon", "number", unit="degrees east"),
        Column("lat", "number", unit="degrees north"),
        Column("seats", "int", minimum=0, unit="pupils"),
        Column("school_year", "int", required=False, blank_ok=True, minimum=1950, maximum=2100, unit="calendar year"),
    ),
    ("school_id", "level", "school_year"),
    False,
    "purpose.schools",
)


@dataclass(frozen=True, eq=False)
class NetworkTables:
    """The network tables of a ward folder (None when the file is absent)."""

    candidates: pd.DataFrame | None
    constraints: pd.DataFrame | None
    neighbours: pd.DataFrame | None


def _candidate_problems(frame: pd.DataFrame, school_ids: list[str]) -> list[Problem]:
    file = CANDIDATES.file
    problems: list[Problem] = []
    clash = frame["site_id"].isin(school_ids)
    problems += row_problems(
        file,
        clash[clash].index,
        "site_id",
        lambda row: text("table.site_is_school", value=frame.at[row, "site_id"]),
        text("fix.table.site_is_school"),
    )
    if "earliest_year" in frame.columns:
        differ = frame.groupby("site_id")["earliest_year"].transform(lambda s: s.nunique(dropna=False) > 1).astype(bool)
        problems += row_problems(
            file,
            differ[differ].index,
            "earliest_year",
            lambda row: text("table.site_years_differ", value=frame.at[row, "site_id"]),
            text("fix.table.site_years_differ"),
        )
    if "must_open" in frame.columns:
        word = frame["must_open"].fillna("").astype(str).str.strip().str.lower()
        bad = ~word.isin(YES + NO)
        problems += row_problems(
            file,
            bad[bad].index,
            "must_open",
            lambda row: text("table.must_open_word", value=frame.at[row, "must_open"]),
            text("fix.table.must_open_word"),
        )
    return problems


def _constraint_problems(
    frame: pd.DataFrame, quarter_ids: list[str], school_ids: list[str], has_primary_zones: bool
) -> list[Problem]:
    file = CONSTRAINTS.file
    kind = frame["kind"].fillna("").astype(str).str.strip().str.lower()
    problems = row_problems(
        file,
        kind[~kind.isin(KINDS)].index,
        "kind",
        lambda row: text("table.constraint_kind", value=frame.at[row, "kind"]),
        text("fix.table.constraint_kind"),
    )
    pairs = kind.isin(["must", "forbid"])
    for column in ("quarter_id", "school_id"):
        values = frame[column] if column in frame.columns else pd.Series(None, index=frame.index)
        missing = pairs & values.isna()
        problems += row_problems(
            file,
            missing[missing].index,
            column,
            lambda row: text("table.constraint_pair", kind=kind[row]),
            text("fix.table.constraint_pair"),
        )
    if "quarter_id" in frame.columns:
        problems += unknown_reference_problems(
            frame[pairs], "quarter_id", quarter_ids, file, "quarters", text("noun.quarter")
        )
    if "school_id" in frame.columns:
        problems += unknown_reference_problems(
            frame[pairs],
            "school_id",
            school_ids,
            file,
            "schools.csv, candidates.csv, neighbours.csv",
            text("noun.school_or_site"),
        )
    metres = frame["metres"] if "metres" in frame.columns else pd.Series(float("nan"), index=frame.index)
    level = frame["level"] if "level" in frame.columns else pd.Series(None, index=frame.index)
    wrong = (kind == "max_distance") & (metres.isna() | ~(metres > 0) | level.isna())
    problems += row_problems(
        file,
        wrong[wrong].index,
        "metres",
        lambda row: text("table.constraint_distance"),
        text("fix.table.constraint_distance"),
    )
    feeder = (kind == "feeder") & (not has_primary_zones)
    problems += row_problems(
        file,
        feeder[feeder].index,
        "kind",
        lambda row: text("table.constraint_feeder"),
        text("fix.table.constraint_feeder"),
    )
    return problems


def read_network_tables(ward: Ward) -> NetworkTables:
    """candidates.csv, constraints.csv and neighbours.csv of `ward`'s folder, checked against the
    ward's quarters and schools; WardDataError lists every problem."""
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame | None] = {}
    clean: dict[str, bool] = {}
    for spec in (CANDIDATES, CONSTRAINTS, NEIGHBOURS):
        frames[spec.file], found = read_table(ward.folder, spec)
        problems += found
        clean[spec.file] = frames[spec.file] is not None and not found
    school_ids = [str(s) for s in ward.schools["school_id"]]
    candidates, constraints, neighbours = (frames[s.file] for s in (CANDIDATES, CONSTRAINTS, NEIGHBOURS))
    site_ids = [] if candidates is None else [str(s) for s in candidates["site_id"].dropna().unique()]
    if candidates is not None and clean[CANDIDATES.file]:
        problems += _candidate_problems(candidates, school_ids)
    neighbour_ids: list[str] = []
    if neighbours is not None and clean[NEIGHBOURS.file]:
        neighbour_ids = [str(s) for s in neighbours["school_id"].dropna().unique()]
        clash = neighbours["school_id"].isin(school_ids + site_ids)
        problems += row_problems(
            NEIGHBOURS.file,
            clash[clash].index,
            "school_id",
            lambda row: text("table.neighbour_is_school", value=neighbours.at[row, "school_id"]),
            text("fix.table.neighbour_is_school"),
        )
    if constraints is not None and clean[CONSTRAINTS.file]:
        primary = ward.zones is not None and (ward.zones["level"] == "tieu_hoc").any()
        problems += _constraint_problems(
            constraints,
            [str(q) for q in ward.quarters["quarter_id"]],
            school_ids + site_ids + neighbour_ids,
            bool(primary),
        )
    if problems:
        raise WardDataError(str(ward.folder), problems)
    out = {
        name: None if frame is None else finish(frame, spec)
        for (name, frame), spec in zip(frames.items(), (CANDIDATES, CONSTRAINTS, NEIGHBOURS), strict=True)
    }
    sites = out[CANDIDATES.file]
    if sites is not None:
        word = sites["must_open"] if "must_open" in sites.columns else pd.Series("", index=sites.index)
        out[CANDIDATES.file] = sites.assign(must_open=word.fillna("").astype(str).str.strip().str.lower().isin(YES))
    rules = out[CONSTRAINTS.file]
    if rules is not None:
        out[CONSTRAINTS.file] = rules.assign(kind=rules["kind"].astype(str).str.strip().str.lower())
    return NetworkTables(out[CANDIDATES.file], out[CONSTRAINTS.file], out[NEIGHBOURS.file])
