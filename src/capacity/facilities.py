"""School facilities against the national standard, per school and school year, and lớp ghép.

`facility_standard(capacity, schools, norms, setting)` (rows of schools open or sent pupils):
- permanent_share = permanent_classrooms ÷ classrooms, against the target (100% kiên cố by
  2030, QĐ 1705/QĐ-TTg); permanent_short_rooms = ⌈target × classrooms⌉ − permanent.
- land: land_norm_m2 = pupils × land_per_pupil (level, setting) + boarders × boarder land per
  pupil (TT 13/2020: + 6 m² per boarder); land_ok = land_m2 ≥ land_norm_m2.
- size_flag: classes against the school-size range of TT 13/2020 (school_min_classes …
  school_max_classes): `small` (candidate for merging), `large` (split or open a new site),
  `ok`; blank when the school has no classes that year.
- functional_short = max(functional_rooms_min − functional_rooms, 0).
- semi-boarding (preschools): semi_boarding_demand = pupils × semi_boarding_share (children
  needing meals and a nap place); semi_boarding_short = max(⌈demand⌉ − places, 0).
Columns that need an optional school column are blank where the school has no value.

`mixed_class_runs(classes)` lists, per school, the runs of consecutive school years with a
mixed-grade class (lớp ghép, nhóm/lớp mẫu giáo ghép) and flags runs longer than one year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.classes import check_schools
from capacity.norms import Norms

__all__ = ["FACILITY_COLUMNS", "MIXED_RUN_COLUMNS", "facility_standard", "mixed_class_runs"]

FACILITY_COLUMNS: tuple[str, ...] = (
    "school_id",
    "level",
    "school_year",
    "pupils_mean",
    "classes",
    "classrooms",
    "permanent_classrooms",
    "permanent_share",
    "permanent_target",
    "permanent_short_rooms",
    "functional_rooms",
    "functional_rooms_min",
    "functional_short",
    "land_m2",
    "boarders",
    "land_norm_m2",
    "land_m2_per_pupil",
    "land_ok",
    "school_min_classes",
    "school_max_classes",
    "size_flag",
    "semi_boarding_places",
    "semi_boarding_demand",
    "semi_boarding_short",
)
MIXED_RUN_COLUMNS: tuple[str, ...] = (
    "school_id",
    "level",
    "first_year",
    "last_year",
    "years",
    "class_groups",
    "long_lasting",
)


def facility_standard(
    capacity: pd.DataFrame, schools: pd.DataFrame, norms: Norms, *, setting: str = "urban"
) -> pd.DataFrame:
    """Facilities against the standard per school × school year (FACILITY_COLUMNS); see module doc."""
    schools = check_schools(schools)
    info = schools.set_index("school_id")
    rows = capacity[(capacity["rooms_available"] > 0) | (capacity["pupils_mean"] > 0)]
    out = rows[["school_id", "level", "school_year", "pupils_mean", "classes"]].reset_index(drop=True).copy()
    sid = out["school_id"]
    for col in (
        "classrooms",
        "permanent_classrooms",
        "functional_rooms",
        "land_m2",
        "boarders",
        "semi_boarding_places",
    ):
        out[col] = sid.map(info[col]).astype(float)
    target = norms.value("permanent_classroom_target")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["permanent_share"] = np.where(
            out["classrooms"] > 0, out["permanent_classrooms"] / out["classrooms"], np.nan
        )
    out["permanent_target"] = target
    out["permanent_short_rooms"] = np.maximum(
        np.ceil(target * out["classrooms"] - 1e-9) - out["permanent_classrooms"], 0
    )
    out["functional_rooms_min"] = out["level"].map(norms.functional_rooms_min).astype(int)
    out["functional_short"] = np.maximum(out["functional_rooms_min"] - out["functional_rooms"], 0)
    per_pupil = out["level"].map(lambda lv: norms.land_per_pupil(lv, setting))
    per_boarder = out["level"].map(norms.boarder_land_per_pupil)
    out["land_norm_m2"] = out["pupils_mean"] * per_pupil + out["boarders"].fillna(0) * per_boarder
    with np.errstate(divide="ignore", invalid="ignore"):
        out["land_m2_per_pupil"] = np.where(out["pupils_mean"] > 0, out["land_m2"] / out["pupils_mean"], np.nan)
    out["land_ok"] = pd.array(
        np.where(out["land_m2"].isna(), None, out["land_m2"] >= out["land_norm_m2"] - 1e-9), dtype="boolean"
    )
    sizes = out["level"].map(norms.school_classes)
    out["school_min_classes"] = [s[0] for s in sizes]
    out["school_max_classes"] = [s[1] for s in sizes]
    classes = out["classes"].to_numpy()
    out["size_flag"] = np.where(
        classes <= 0,
        "",
        np.where(
            classes < out["school_min_classes"], "small", np.where(classes > out["school_max_classes"], "large", "ok")
        ),
    )
    preschool = (out["level"] == "mam_non").to_numpy()
    share = norms.value("semi_boarding_share", "mam_non")
    out["semi_boarding_demand"] = np.where(preschool, out["pupils_mean"] * share, np.nan)
    short = np.maximum(np.ceil(out["semi_boarding_demand"] - 1e-9) - out["semi_boarding_places"], 0)
    out["semi_boarding_short"] = np.where(preschool, short, np.nan)
    for col in (
        "classrooms",
        "permanent_classrooms",
        "permanent_short_rooms",
        "functional_rooms",
        "functional_short",
        "boarders",
        "semi_boarding_places",
        "semi_boarding_short",
    ):
        out[col] = pd.array(out[col].round(), dtype="Float64").astype("Int64")
    return out.loc[:, list(FACILITY_COLUMNS)]


def mixed_class_runs(classes: pd.DataFrame) -> pd.DataFrame:
    """Runs of consecutive school years in which a school has a mixed-grade class.

    classes: capacity.classes_by_grade's table (`school_id, level, grade, school_year, classes,
    class_group`). Returns MIXED_RUN_COLUMNS: first_year, last_year, years (school years in the
    run), class_groups ("lop_1+lop_2 (2026, 2027)"), long_lasting = years > 1.
    """
    mixed = classes[classes["class_group"].astype(str).str.contains("+", regex=False) & (classes["classes"] > 0)]
    if mixed.empty:
        return pd.DataFrame(columns=list(MIXED_RUN_COLUMNS))
    years = mixed.groupby(["school_id", "level", "school_year"])["class_group"].agg(lambda s: ", ".join(sorted(set(s))))
    frame = years.reset_index().sort_values(["school_id", "level", "school_year"], kind="stable")
    new_run = (
        (frame["school_year"].diff() != 1)
        | (frame["school_id"] != frame["school_id"].shift())
        | (frame["level"] != frame["level"].shift())
    )
    frame["run"] = new_run.cumsum()
    rows = []
    for _, part in frame.groupby("run", sort=True):
        groups: dict[str, list[int]] = {}
        for year, names in zip(part["school_year"], part["class_group"], strict=True):
            for name in names.split(", "):
                groups.setdefault(name, []).append(int(year))
        rows.append(
            {
                "school_id": part["school_id"].iloc[0],
                "level": part["level"].iloc[0],
                "first_year": int(part["school_year"].min()),
                "last_year": int(part["school_year"].max()),
                "years": len(part),
                "class_groups": "; ".join(f"{g} ({', '.join(map(str, ys))})" for g, ys in groups.items()),
            }
        )
    table = pd.DataFrame(rows)
    table["long_lasting"] = table["years"] > 1
    return table.loc[:, list(MIXED_RUN_COLUMNS)]
