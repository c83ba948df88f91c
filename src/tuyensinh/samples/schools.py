"""Schools of a sample ward: current zoning, pupils/classes/rooms needed, classroom calibration.

Current zoning sends each quarter to the nearest open school of each level, except a few listed
historical quirks (one quarter split between two primary schools). Classrooms are calibrated on
the simulated true future with capacity's norm table and the ward's [rates] overrides (cohort
ages, class-size limits, rooms per class, participation, eligible share of age 0, private
shares), one class started every `limit` pupils of a grade (no mixed-age classes), then: an
"ample" school gets its peak 2016–2030 need plus a seeded slack, a "tight" school exactly its
2026 need (every room in use today) so it runs out of rooms by 2028–2030, a "new" or
"satellite" school a fixed size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity import load_norms
from tuyensinh.samples.demography import Simulation
from tuyensinh.samples.layout import pairwise_metres, school_xy
from tuyensinh.samples.spec import BASE_YEAR, HORIZON, LEVELS, WardSpec

CALIBRATION_YEARS = (2026, 2030)  # school years shown in the calibration summary
CALIBRATED_YEARS = range(2016, HORIZON + 1)  # school years an "ample" school must hold


def current_zones(spec: WardSpec, centres: np.ndarray) -> pd.DataFrame:
    """Zoning in force for the base year: nearest open school per level, plus listed quirks."""
    xy = school_xy(spec)
    rows = []
    for level in LEVELS:
        idx = [i for i, s in enumerate(spec.schools) if s.level == level and s.open_in(BASE_YEAR)]
        nearest = np.asarray(idx)[np.argmin(pairwise_metres(centres, xy[idx]), axis=1)]
        rows += [(q, level, spec.schools[j].school_id, 1.0) for q, j in zip(spec.quarter_ids, nearest, strict=True)]
    zones = pd.DataFrame(rows, columns=["quarter_id", "level", "school_id", "share"])
    for quarter_id, level, assignment in spec.zone_quirks:
        zones = zones[~((zones.quarter_id == quarter_id) & (zones.level == level))]
        extra = pd.DataFrame([(quarter_id, level, s, share) for s, share in assignment], columns=zones.columns)
        zones = pd.concat([zones, extra], ignore_index=True)
    zones["order"] = zones.level.map({level: i for i, level in enumerate(LEVELS)})
    zones = zones.sort_values(["quarter_id", "order", "school_id"], ignore_index=True)
    return zones.drop(columns="order")


@dataclass(frozen=True)
class SchoolCalibration:
    """One school's sizing against the simulated true future (pupils, classes, rooms)."""

    school_id: str
    name: str
    level: str
    role: str
    classrooms: int
    rooms_needed: dict[int, int]  # school year → rooms needed under current zoning
    pupils: dict[int, float]  # school year → expected public-school pupils
    fill: dict[int, float]  # school year → pupils ÷ (classes × class-size limit)

    opens: int | None = None
    closes: int | None = None

    def status(self, year: int) -> str:
        """The school's state in school year `year`: not open, no quarter zoned, short of rooms, ok."""
        if (self.opens is not None and year < self.opens) or (self.closes is not None and year >= self.closes):
            return "not open"
        if self.pupils[year] == 0:
            return "no quarter zoned"
        return "short of rooms" if self.rooms_needed[year] > self.classrooms else "ok"


def school_needs(
    spec: WardSpec, sim: Simulation, zones: pd.DataFrame, years: Sequence[int]
) -> dict[str, dict[int, tuple[float, int, int, float]]]:
    """Per school and school year: (pupils, classes, rooms needed, fill) under current zoning.

    Pupils of a grade = Σ over zoned quarters of share × residents at the grade's age ×
    participation × eligible share × (1 − private share); classes = ⌈pupils ÷ limit⌉ per grade
    (no mixed-age or mixed-grade classes); rooms = ⌈classes × rooms per class⌉ (1 on two
    sessions a day, ½ on one). Ages, limits and rates: capacity's norm table + `spec.rates`.
    """
    norms = load_norms(None, spec.rates)
    grade_table = norms.grade_table()
    q_index = {q: i for i, q in enumerate(spec.quarter_ids)}
    out: dict[str, dict[int, tuple[float, int, int, float]]] = {}
    for site in spec.schools:
        mine = zones[zones.school_id == site.school_id]
        weights = np.zeros(len(spec.quarter_ids))
        np.add.at(weights, mine.quarter_id.map(q_index).to_numpy(int), mine.share.to_numpy(float))
        grades = grade_table[grade_table.level == site.level]
        ages = grades.age.to_numpy(int)
        limits = grades.max_class_size.to_numpy(float)
        rate = (grades.participation * grades.eligible_share * (1.0 - grades.private_share)).to_numpy(float)
        per_room = float(norms.rooms_per_class(site.sessions_per_day))
        per_year = {}
        for year in years:
            pupils = weights @ sim.residents_by_age(year)[:, ages] * rate
            classes = np.ceil(pupils / limits - 1e-9)
            n_classes = int(classes.sum())
            rooms = math.ceil(n_classes * per_room - 1e-9)
            fill = float(pupils.sum() / (classes * limits).sum()) if n_classes else 0.0
            per_year[year] = (float(pupils.sum()), n_classes, rooms, fill)
        out[site.school_id] = per_year
    return out


def calibrate(
    spec: WardSpec, sim: Simulation, zones: pd.DataFrame, rng: np.random.Generator
) -> list[SchoolCalibration]:
    """Give each school its classrooms from the simulated true future (see module docstring)."""
    needs = school_needs(spec, sim, zones, CALIBRATED_YEARS)
    result = []
    for site in spec.schools:
        need = needs[site.school_id]
        rooms = {y: v[2] for y, v in need.items()}
        # drawn for every school, whatever its role, so the seeded stream stays aligned
        slack = int(rng.integers(spec.slack_rooms[0], spec.slack_rooms[1] + 1))
        if site.role == "tight":
            classrooms = rooms[BASE_YEAR]
        elif site.role == "ample":
            classrooms = max(rooms.values()) + slack
        else:
            classrooms = int(site.classrooms or 0)
        result.append(
            SchoolCalibration(
                school_id=site.school_id,
                name=site.name,
                level=site.level,
                role=site.role,
                classrooms=classrooms,
                rooms_needed=rooms,
                opens=site.opens,
                closes=site.closes,
                pupils={y: v[0] for y, v in need.items()},
                fill={y: v[3] for y, v in need.items()},
            )
        )
    return result


def calibration_markdown(calibration: Sequence[SchoolCalibration], years: Sequence[int] = CALIBRATION_YEARS) -> str:
    """Markdown table: rooms available vs needed and how full classes are, per school."""
    last = years[-1]
    head = (
        ["school", "level", "rooms"]
        + [f"need {y}" for y in years]
        + [f"pupils {y}" for y in years]
        + [f"class fill {last}", f"status {last}"]
    )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in calibration:
        cells = [f"{c.school_id} {c.name}", c.level, str(c.classrooms)]
        cells += [str(c.rooms_needed[y]) for y in years]
        cells += [f"{c.pupils[y]:.0f}" for y in years]
        cells += [f"{100 * c.fill[last]:.0f}%" if c.rooms_needed[last] else "–", c.status(last)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
