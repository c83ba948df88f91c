"""The province roll-up: every ward's own plan outputs gathered into the province's tables.

Read from each ward's output folder (never recomputed, so the province's figures are exactly
the sum of what each ward publishes):
- ward_summary.csv — per level × school year: pupils, classes, rooms needed / available, rooms
  short, schools short;
- capacity.csv — teacher_shortfall per school × year, when the capacity engine provides it
  (column present and filled); otherwise "not available";
- the building programme (any per-school CSV with `cost_million_vnd`, e.g. building.csv), when
  present; otherwise "not available";
- manifest.json — the ward, the coming school year and the forecast's past accuracy (entry
  grade of each level, one year ahead: 100 − MAPE, and the naive baseline's).

Tables (`Rollup`):
    levels  per ward × level × school year: pupils, classes, rooms_needed, rooms_available,
            rooms_short, schools_short [, teachers_short] [, build_cost_million_vnd]
    wards   per ward × level: pupils and classes of the coming year, first_short_year,
            rooms_short_max, rooms_short at the horizon, teachers short at the horizon, build cost
            to the horizon, accuracy_h1 / accuracy_naive_h1 (%)
    status  per ward: code, name, kind, status, problems; for the map, the ward's worst school
            year (most rooms short, all levels) and its rooms short per 1,000 pupils
    totals  per level × school year (and level "all"): the sums over the wards planned.
A ward that failed contributes no figures (even if an older plan of it is on disk) and is listed
with its problems.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tuyensinh.province.worker import WardOutcome

__all__ = [
    "ENTRY_GRADES",
    "LEVELS",
    "LevelTable",
    "Rollup",
    "WardRow",
    "build_rollup",
    "level_table",
    "province_totals",
]

LEVELS = ("mam_non", "tieu_hoc", "thcs")
#: the grade whose forecast accuracy a level reports (its entry grade; preschool: 3–4 years)
ENTRY_GRADES = {"mam_non": ("mg_3_4", "nt_25_36m", "mg_4_5", "mg_5_6"), "tieu_hoc": ("lop_1",), "thcs": ("lop_6",)}
SUM_COLUMNS = ("pupils", "classes", "rooms_needed", "rooms_available", "rooms_short", "schools_short")
TEACHER_COLUMN = "teacher_shortfall"
COST_COLUMN = "cost_million_vnd"


@dataclass(frozen=True, eq=False)
class Rollup:
    """The province's tables (see the module docstring) and what was available."""

    province: dict[str, str]
    status: pd.DataFrame
    levels: pd.DataFrame
    wards: pd.DataFrame
    totals: pd.DataFrame
    school_years: tuple[int, ...]
    coming_year: int | None
    horizon: int | None
    has_teachers: bool
    has_cost: bool
    lang: str = "vi"
    files: dict[str, str] = field(default_factory=dict)


def _schools_short(value: Any) -> int:
    """ward_summary's schools_short is a list like 'MN01 (1); TH02 (3)' (blank: none)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
        return 0
    return len([part for part in str(value).split(";") if part.strip()])


def _ward_levels(out: Path) -> pd.DataFrame:
    """Per level × school year from the ward's own ward_summary.csv (+ teachers, cost)."""
    summary = pd.read_csv(out / "ward_summary.csv", keep_default_na=True)
    summary = summary[summary["level"].astype(str) != "all"]  # the ward's own total row
    table = pd.DataFrame(
        {
            "level": summary["level"].astype(str),
            "school_year": summary["school_year"].astype(int),
            "pupils": summary["pupils_mean"].astype(float),
            "classes": summary["classes"].astype(float),
            "rooms_needed": summary["rooms_needed"].astype(float),
            "rooms_available": summary["rooms_available"].astype(float),
            "rooms_short": summary["rooms_short"].astype(float),
            "schools_short": [_schools_short(v) for v in summary["schools_short"]],
        }
    )
    capacity_path = out / "capacity.csv"
    if capacity_path.is_file():
        capacity = pd.read_csv(capacity_path)
        if TEACHER_COLUMN in capacity and capacity[TEACHER_COLUMN].notna().any():
            teachers = capacity.groupby(["level", "school_year"])[TEACHER_COLUMN].sum(min_count=1)
            table = table.merge(
                teachers.rename("teachers_short").reset_index(), on=["level", "school_year"], how="left"
            )
    cost = _building_cost(out)
    if cost is not None:
        table = table.merge(cost, on=["level", "school_year"], how="left")
        table["build_cost_million_vnd"] = table["build_cost_million_vnd"].fillna(0.0)
    return table


def _building_cost(out: Path) -> pd.DataFrame | None:
    """Build cost per level × school year (million VND) from the ward's per-school building
    programme CSV (a file with school_id, level, school_year and cost_million_vnd), or None."""
    candidates = sorted(out.glob("*.csv"), key=lambda p: (0 if "build" in p.name else 1, p.name))
    for path in candidates:
        with open(path, encoding="utf-8") as handle:
            header = handle.readline().strip().split(",")
        if {COST_COLUMN, "school_id", "level", "school_year"} <= set(header):
            frame = pd.read_csv(path)
            cost = frame.groupby(["level", "school_year"])[COST_COLUMN].sum()
            return cost.rename("build_cost_million_vnd").reset_index()
    return None


def _accuracy(manifest: dict[str, Any], level: str) -> tuple[float, float]:
    """One-year-ahead accuracy (100 − MAPE, %) of the entry grade of `level`, the method's and
    the naive baseline's (NaN when the ward's history was too short to measure it)."""
    record = manifest.get("forecast_accuracy") or {}
    ward = record.get("ward") or {}
    method, baseline = record.get("method", "shrunk"), record.get("baseline", "naive")
    for grade in ENTRY_GRADES[level]:
        h1 = (ward.get(grade) or {}).get("h1") or {}
        if h1:
            own = (h1.get(method) or {}).get("accuracy")
            naive = (h1.get(baseline) or {}).get("accuracy")
            return (float(own) if own is not None else np.nan, float(naive) if naive is not None else np.nan)
    return (np.nan, np.nan)


def build_rollup(
    outcomes: Sequence[WardOutcome], *, province: dict[str, str] | None = None, lang: str = "vi"
) -> Rollup:
    """Gather the wards' outputs (outcomes of a batch, in ward order) into the province tables."""
    status_rows, level_frames, ward_rows = [], [], []
    coming, horizon = set(), set()
    for o in outcomes:
        info: dict[str, Any] = {
            "ward": o.name,
            "status": o.status,
            "problems": "\n".join(o.problems),
            "problems_en": "\n".join(o.problems_en),
            "code": "",
            "name": o.name,
            "kind": "",
        }
        manifest: dict[str, Any] = {}
        if o.ok:
            manifest = json.loads((Path(o.out) / "manifest.json").read_text(encoding="utf-8"))
        else:
            toml = Path(o.folder) / "ward.toml"
            info.update(_ward_names_from_toml(toml))
        ward = manifest.get("ward", {})
        info.update({k: str(ward[k]) for k in ("code", "name", "kind") if ward.get(k)})
        status_rows.append(info)
        if not o.ok:
            continue
        settings = manifest.get("settings", {})
        year = int(settings.get("school_year")) if settings.get("school_year") is not None else None
        coming.add(year)
        horizon.add(int(ward.get("horizon")) if ward.get("horizon") is not None else None)
        table = _ward_levels(Path(o.out))
        table.insert(0, "ward", o.name)
        level_frames.append(table)
        for level, rows in table.groupby("level", sort=False):
            rows = rows.sort_values("school_year")
            now = rows[rows["school_year"] == year]
            last = rows.iloc[-1]
            short = rows.loc[rows["rooms_short"] > 0, "school_year"]
            accuracy, naive = _accuracy(manifest, str(level))
            entry = {
                "ward": o.name,
                "level": level,
                "pupils": float(now["pupils"].sum()) if len(now) else np.nan,
                "classes": float(now["classes"].sum()) if len(now) else np.nan,
                "rooms_short_max": float(rows["rooms_short"].max()),
                "rooms_short_horizon": float(last["rooms_short"]),
                "first_short_year": float(short.min()) if len(short) else np.nan,
                "accuracy_h1": accuracy,
                "accuracy_naive_h1": naive,
            }
            if "teachers_short" in rows:
                entry["teachers_short_horizon"] = float(last["teachers_short"])
            if "build_cost_million_vnd" in rows:
                entry["build_cost_million_vnd"] = float(rows["build_cost_million_vnd"].sum())
            ward_rows.append(entry)
    levels = (
        pd.concat(level_frames, ignore_index=True)
        if level_frames
        else pd.DataFrame(columns=["ward", "level", "school_year", *SUM_COLUMNS])
    )
    has_teachers = "teachers_short" in levels and levels["teachers_short"].notna().any()
    has_cost = "build_cost_million_vnd" in levels
    status = pd.DataFrame(status_rows)
    status = status.merge(_density(levels), on="ward", how="left")
    wards = pd.DataFrame(ward_rows)
    totals = province_totals(levels)
    years = tuple(sorted(int(y) for y in levels["school_year"].unique())) if len(levels) else ()
    return Rollup(
        province=dict(province or {}),
        status=status,
        levels=levels,
        wards=wards,
        totals=totals,
        school_years=years,
        coming_year=min((y for y in coming if y is not None), default=None),
        horizon=max((h for h in horizon if h is not None), default=None),
        has_teachers=bool(has_teachers),
        has_cost=bool(has_cost),
        lang=lang,
    )


def _ward_names_from_toml(path: Path) -> dict[str, str]:
    """code / name / kind of a failed ward, read leniently from its ward.toml (may be broken)."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")).get("ward", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return {k: str(data[k]) for k in ("code", "name", "kind") if isinstance(data, dict) and data.get(k)}


def _density(levels: pd.DataFrame) -> pd.DataFrame:
    """Per ward, its worst school year (most rooms short, all levels together; the earliest
    on a tie): rooms short, pupils and rooms short per 1,000 pupils of that year."""
    if levels.empty:
        return pd.DataFrame(columns=["ward", "worst_year", "rooms_short_worst", "pupils_worst", "rooms_short_per_1000"])
    per_year = levels.groupby(["ward", "school_year"], sort=True)[["rooms_short", "pupils"]].sum().reset_index()
    per_year = per_year.sort_values(["ward", "rooms_short", "school_year"], ascending=[True, False, True])
    worst = per_year.drop_duplicates("ward", keep="first").set_index("ward")
    worst["rooms_short_per_1000"] = np.where(
        worst["pupils"] > 0, worst["rooms_short"] / worst["pupils"] * 1000.0, np.nan
    )
    worst = worst.rename(
        columns={"school_year": "worst_year", "rooms_short": "rooms_short_worst", "pupils": "pupils_worst"}
    )
    return worst.reset_index()


def province_totals(levels: pd.DataFrame) -> pd.DataFrame:
    """Per level × school year (and level 'all'): the sums over the wards of `levels`."""
    columns = [c for c in (*SUM_COLUMNS, "teachers_short", "build_cost_million_vnd") if c in levels]
    if levels.empty:
        return pd.DataFrame(columns=["level", "school_year", "wards", *columns])
    by_level = levels.groupby(["level", "school_year"])[columns].sum(min_count=1)
    by_level["wards"] = levels.groupby(["level", "school_year"])["ward"].nunique()
    whole = levels.groupby("school_year")[columns].sum(min_count=1)
    whole["wards"] = levels.groupby("school_year")["ward"].nunique()
    whole["level"] = "all"
    order = {level: i for i, level in enumerate((*LEVELS, "all"))}
    table = pd.concat([by_level.reset_index(), whole.reset_index()], ignore_index=True)
    table = table.sort_values(["level", "school_year"], key=lambda s: s.map(order) if s.name == "level" else s)
    return table[["level", "school_year", "wards", *columns]].reset_index(drop=True)


@dataclass(frozen=True)
class WardRow:
    """One ward's row in a level's table (raw numbers; the workbook and the report page format
    them). A ward that failed (`ok` False) has no numbers, only its status. `short`: rooms
    short per school year of `LevelTable.years`; `teachers_short` / `build_cost`: at the
    horizon / to the horizon, meaningful only when the table `has_teachers` / `has_cost`."""

    ward: str
    code: str
    name: str
    status: str
    ok: bool
    pupils: Any = None
    classes: Any = None
    short: tuple[Any, ...] = ()
    first_short_year: Any = None
    teachers_short: Any = None
    build_cost: Any = None
    accuracy_h1: Any = None
    accuracy_naive_h1: Any = None


@dataclass(frozen=True)
class LevelTable:
    """A level's table of the province roll-up, shared by province.xlsx and the report page:
    one `WardRow` per ward with a school of the level (and per failed ward), then the
    province's total (`total`: pupils and classes of the coming year, rooms short per year,
    teachers short at the horizon, build cost; `has_total` False when no ward has the level).
    has_teachers / has_cost: the wards' rows have these figures; total_has_teachers /
    total_has_cost: the total has them (otherwise the tables say "not available")."""

    years: tuple[int, ...]
    coming: int
    horizon: int
    rows: tuple[WardRow, ...]
    total: dict[str, Any]
    has_total: bool
    has_teachers: bool
    has_cost: bool
    total_has_teachers: bool
    total_has_cost: bool


def level_table(rollup: Rollup, level: str) -> LevelTable:
    """The rows of `level`'s table, built once for both the workbook and the report page."""
    years = tuple(rollup.school_years)
    coming = rollup.coming_year or (years[0] if years else 0)
    horizon = rollup.horizon or (years[-1] if years else 0)
    wards = rollup.wards[rollup.wards["level"] == level].set_index("ward") if len(rollup.wards) else pd.DataFrame()
    records = wards.to_dict("index")
    levels = rollup.levels[rollup.levels["level"] == level]
    shortage = levels.pivot_table(index="ward", columns="school_year", values="rooms_short", aggfunc="sum")
    has_teachers = rollup.has_teachers and "teachers_short_horizon" in wards.columns
    has_cost = rollup.has_cost and "build_cost_million_vnd" in wards.columns
    rows = []
    for _, s in rollup.status.iterrows():
        base = {"ward": s["ward"], "code": s["code"], "name": s["name"], "status": s["status"]}
        ok = s["status"] in ("planned", "unchanged")
        if not ok:
            rows.append(WardRow(**base, ok=False))
            continue
        if s["ward"] not in records:
            continue  # the ward has no school of this level
        w, short = records[s["ward"]], shortage.loc[s["ward"]]
        rows.append(
            WardRow(
                **base,
                ok=True,
                pupils=w["pupils"],
                classes=w["classes"],
                short=tuple(short.get(y) for y in years),
                first_short_year=w["first_short_year"],
                teachers_short=w["teachers_short_horizon"] if has_teachers else None,
                build_cost=w["build_cost_million_vnd"] if has_cost else None,
                accuracy_h1=w["accuracy_h1"],
                accuracy_naive_h1=w["accuracy_naive_h1"],
            )
        )
    total = rollup.totals[rollup.totals["level"] == level].set_index("school_year")
    teachers_total = rollup.has_teachers and "teachers_short" in total
    totals = {
        "pupils": total["pupils"].get(coming),
        "classes": total["classes"].get(coming),
        "short": tuple(total["rooms_short"].get(y) for y in years),
        "teachers_short": total["teachers_short"].get(horizon) if teachers_total else None,
        "build_cost": total["build_cost_million_vnd"].sum() if rollup.has_cost else None,
    }
    return LevelTable(
        years=years,
        coming=coming,
        horizon=horizon,
        rows=tuple(rows),
        total=totals,
        has_total=len(total) > 0,
        has_teachers=has_teachers,
        has_cost=has_cost,
        total_has_teachers=teachers_total,
        total_has_cost=rollup.has_cost,
    )
