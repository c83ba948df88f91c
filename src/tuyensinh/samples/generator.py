"""One sample ward end to end: layout → simulation → zoning and calibration → file texts;
the checks that its intended features hold, writing the folders, and the simulated truth.

Each ward draws three independent seeded streams (layout, demography, schools) from its seed,
so the output is byte-identical from run to run on the same library versions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tuyensinh.present.outputs import staged_output, write_bytes_atomic
from tuyensinh.samples import cycle, files
from tuyensinh.samples.demography import Simulation, simulate
from tuyensinh.samples.layout import quarter_centres, read_boundary, road_distances, tessellate
from tuyensinh.samples.schools import (
    CALIBRATION_YEARS,
    SchoolCalibration,
    calibrate,
    calibration_markdown,
    current_zones,
)
from tuyensinh.samples.spec import BASE_YEAR, HORIZON, TRUE_YEARS, WardSpec
from tuyensinh.samples.wards import WARDS


@dataclass(frozen=True)
class GeneratedWard:
    """All files of one sample ward as text, plus the calibration for the summary."""

    spec: WardSpec
    files: dict[str, str]
    calibration: list[SchoolCalibration] = field(default_factory=list)
    totals: dict[int, int] = field(default_factory=dict)  # year → residents 0–64
    simulation: Simulation | None = None  # the full simulated truth

    def true_population(self, years: Sequence[int] = TRUE_YEARS) -> pd.DataFrame:
        """Simulated residents `quarter_id, year, age, sex, count`, including the unpublished
        years 2027–2030: the truth a forecast from the 2026 data can be scored against."""
        if self.simulation is None:
            raise ValueError("this GeneratedWard carries no simulation")
        bad = [y for y in years if y not in self.simulation.years]
        if bad:
            raise ValueError(
                f"years {bad} were not simulated; choose years in "
                f"{self.simulation.years[0]}–{self.simulation.years[-1]}"
            )
        return files.population_frame(self.spec, self.simulation, years)


def generate_ward(spec: WardSpec, boundaries: Path) -> GeneratedWard:
    """Build every file of one sample ward in memory (deterministic for a given spec)."""
    layout_rng, demog_rng, school_rng = np.random.default_rng(spec.seed).spawn(3)
    polygons, settlements = tessellate(spec, read_boundary(boundaries / spec.boundary_file), layout_rng)
    sim = simulate(spec, settlements, demog_rng)
    centres = quarter_centres(spec, polygons)
    zones = current_zones(spec, centres)
    calibration = calibrate(spec, sim, zones, school_rng)
    frames = {
        "population.csv": files.population_frame(spec, sim),
        "births.csv": files.births_frame(spec, sim),
        "schools.csv": files.schools_frame(spec, calibration, school_rng),
        "zones.csv": files.zones_frame(zones),
    }
    if spec.cycle_data:  # its own stream: the other files stay as they were
        cycle_rng = np.random.default_rng([spec.seed, 13])
        frames["schools.csv"] = cycle.school_extra_columns(spec, frames["schools.csv"], calibration, cycle_rng)
        frames |= cycle.cycle_frames(spec, sim, zones, cycle_rng)
    if spec.housing:
        frames["housing.csv"] = files.housing_frame(spec)
    if spec.write_distances:
        frames["distances.csv"] = road_distances(spec, centres, school_rng)
    if spec.candidates:
        frames["candidates.csv"] = files.candidates_frame(spec)
    if spec.constraints:
        frames["constraints.csv"] = files.constraints_frame(spec)
    texts = {"ward.toml": files.ward_toml(spec), "quarters.geojson": files.quarters_geojson(spec, polygons)}
    texts |= {name: files.csv_text(frame) for name, frame in frames.items()}
    totals = {int(y): int(sim.residents[i].sum()) for i, y in enumerate(sim.years)}
    return GeneratedWard(spec=spec, files=texts, calibration=calibration, totals=totals, simulation=sim)


def check_features(ward: GeneratedWard) -> list[str]:
    """The features each sample ward is built to show; returns those that do not hold."""
    failures = []
    cal = ward.calibration
    if ward.spec.setting == "urban":
        for level in ("tieu_hoc", "thcs"):
            if not any(
                max(c.rooms_needed[y] for y in (2028, 2029, 2030)) > c.classrooms
                for c in cal
                if c.level == level and c.role == "tight"
            ):
                failures.append(f"no {level} school is short of rooms in 2028–2030")
        if not any(c.status(HORIZON) == "ok" for c in cal if c.role == "ample"):
            failures.append(f"no school stays within its rooms in {HORIZON}")
        failures += [
            f"{c.school_id} is already short of rooms in {BASE_YEAR}"
            for c in cal
            if c.status(BASE_YEAR) == "short of rooms"
        ]
    else:
        if not any(c.fill[HORIZON] < 0.45 for c in cal if c.status(HORIZON) == "ok"):
            failures.append(f"no open school has classes under 45% full in {HORIZON}")
        failures += [
            f"{c.school_id} is short of rooms in {y}"
            for c in cal
            for y in c.rooms_needed
            if c.status(y) == "short of rooms"
        ]
    return failures


def calibration_table(ward: GeneratedWard, years: Sequence[int] = CALIBRATION_YEARS) -> str:
    """Markdown table: rooms available vs needed and how full classes are, per school."""
    return calibration_markdown(ward.calibration, years)


def default_boundaries() -> Path:
    """data/boundaries/ of the source checkout this package runs from."""
    return Path(__file__).resolve().parents[3] / "data" / "boundaries"


def true_population(slug: str, years: Sequence[int] = TRUE_YEARS, boundaries: Path | None = None) -> pd.DataFrame:
    """The simulated truth of a sample ward (by slug), future years 2027–2030 included.

    The committed population.csv stops at the base year 2026; this re-runs the seeded
    simulation (a couple of seconds) so forecasts can be scored against what "really" happened.
    """
    if slug not in WARDS:
        raise ValueError(f"unknown sample ward {slug!r}; choose one of {', '.join(WARDS)}")
    return generate_ward(WARDS[slug], boundaries or default_boundaries()).true_population(years)


def generate(
    out: Path, boundaries: Path | None = None, wards: Sequence[str] | None = None, echo: bool = True
) -> list[GeneratedWard]:
    """Generate the sample wards into out/<slug>/ (each folder replaced atomically as a whole)."""
    boundaries = boundaries or default_boundaries()
    results = []
    for slug in wards or list(WARDS):
        ward = generate_ward(WARDS[slug], boundaries)
        failures = check_features(ward)
        if failures:
            raise RuntimeError(f"{slug}: the generated data lost its intended features: " + "; ".join(failures))
        folder = Path(out) / slug
        with staged_output(folder, replace_whole=True) as stage:
            stage.chmod(0o755)  # data meant to be committed and shared: not private temp files
            for name, text in sorted(ward.files.items()):
                write_bytes_atomic(stage / name, text.encode("utf-8")).chmod(0o644)
        if echo:
            spec = ward.spec
            print(f"\n{spec.name} ({spec.kind}, {spec.province}, {spec.code}) → {folder}")
            print(
                "residents aged 0–64: "
                + ", ".join(f"{y}: {ward.totals[y]:,}" for y in (2015, 2020, BASE_YEAR, HORIZON))
            )
            print(calibration_table(ward))
        results.append(ward)
    return results
