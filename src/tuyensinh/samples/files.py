"""The text of each file of a sample ward folder (docs/data-format.md), byte-stable.

Fixed formats everywhere: CSV with "\\n" line ends and stable row order, GeoJSON coordinates
rounded to 6 decimals with one feature per line, ward.toml written line by line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from tuyensinh.samples.demography import Simulation
from tuyensinh.samples.schools import SchoolCalibration
from tuyensinh.samples.spec import AGES, BASE_YEAR, HORIZON, OUTPUT_YEARS, SEXES, WardSpec

# Pupil places per classroom used only to size a school's synthetic land (m²); not a norm.
PLACES_PER_ROOM = {"mam_non": 28, "tieu_hoc": 35, "thcs": 45}

RATE_COMMENTS = {
    "participation": "share of the age group enrolled in any school",
    "private_share": "share of enrolled pupils in private schools, by level",
}


def csv_text(frame: pd.DataFrame) -> str:
    """CSV text without the index, "\\n" line ends."""
    return frame.to_csv(index=False, lineterminator="\n")


def _round_coords(obj):  # nested GeoJSON coordinate lists
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), 6) for v in obj]
        return [_round_coords(v) for v in obj]
    return obj


def quarters_geojson(spec: WardSpec, polygons: list) -> str:
    """quarters.geojson text: EPSG:4326 (CRS84) features sorted by quarter_id, 6 decimals."""
    features = []
    for qid, name, geom in sorted(zip(spec.quarter_ids, spec.quarter_names, polygons, strict=True)):
        geometry = mapping(shapely.normalize(geom))
        geometry = {"type": geometry["type"], "coordinates": _round_coords(geometry["coordinates"])}
        features.append({"type": "Feature", "properties": {"quarter_id": qid, "name": name}, "geometry": geometry})
    head = json.dumps(
        {
            "type": "FeatureCollection",
            "name": f"{spec.code}_{spec.slug}_quarters",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        },
        ensure_ascii=False,
    )
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return head[:-1] + ',\n"features": [\n' + ",\n".join(lines) + "\n]\n}\n"


def schools_frame(spec: WardSpec, calibration: Sequence[SchoolCalibration], rng: np.random.Generator) -> pd.DataFrame:
    """schools.csv rows: sites, calibrated classrooms and seeded land (m²), sorted by school_id."""
    rows = []
    for site, cal in zip(spec.schools, calibration, strict=True):
        per_place = rng.uniform(*spec.land_m2_per_place)
        places = cal.classrooms * PLACES_PER_ROOM[site.level] * (1 if site.sessions_per_day >= 2 else 2)
        rows.append(
            {
                "school_id": site.school_id,
                "name": site.name,
                "level": site.level,
                "lon": f"{site.lon:.6f}",
                "lat": f"{site.lat:.6f}",
                "classrooms": cal.classrooms,
                "sessions_per_day": site.sessions_per_day,
                "max_class_size": "",
                "opens": "" if site.opens is None else site.opens,
                "closes": "" if site.closes is None else site.closes,
                "land_m2": int(round(places * per_place, -2)),
            }
        )
    return pd.DataFrame(rows).sort_values("school_id", ignore_index=True)


def population_frame(spec: WardSpec, sim: Simulation, years: Sequence[int] = OUTPUT_YEARS) -> pd.DataFrame:
    """Residents `quarter_id, year, age, sex, count` at the end of each of `years`."""
    year_array = np.asarray(years)
    counts = sim.residents[np.searchsorted(sim.years, year_array)]  # (Y, Q, 2, A)
    y, q, s, a = np.meshgrid(year_array, np.asarray(spec.quarter_ids), np.asarray(SEXES), AGES, indexing="ij")
    frame = pd.DataFrame(
        {"quarter_id": q.ravel(), "year": y.ravel(), "age": a.ravel(), "sex": s.ravel(), "count": counts.ravel()}
    )
    return frame.sort_values(["quarter_id", "year", "age", "sex"], ignore_index=True, kind="stable")


def births_frame(spec: WardSpec, sim: Simulation) -> pd.DataFrame:
    """births.csv rows: births per quarter in each published year."""
    years = np.asarray(OUTPUT_YEARS)
    counts = sim.births[np.searchsorted(sim.years, years)]  # (Y, Q)
    y, q = np.meshgrid(years, np.asarray(spec.quarter_ids), indexing="ij")
    frame = pd.DataFrame({"quarter_id": q.ravel(), "year": y.ravel(), "births": counts.ravel()})
    return frame.sort_values(["quarter_id", "year"], ignore_index=True)


def housing_frame(spec: WardSpec) -> pd.DataFrame:
    """housing.csv rows: new dwellings per quarter and year, all projects together."""
    rows = [(p.quarter_id, year, n) for p in spec.housing for year, n in p.completions]
    frame = pd.DataFrame(rows, columns=["quarter_id", "year", "new_dwellings"])
    return frame.groupby(["quarter_id", "year"], as_index=False)["new_dwellings"].sum()


def candidates_frame(spec: WardSpec) -> pd.DataFrame:
    """candidates.csv: the candidate school sites, one row per room option."""
    frame = pd.DataFrame(
        list(spec.candidates), columns=["site_id", "name", "level", "lon", "lat", "rooms", "cost", "earliest_year"]
    )
    return frame.assign(
        lon=frame["lon"].map(lambda v: f"{v:.6f}"),
        lat=frame["lat"].map(lambda v: f"{v:.6f}"),
        cost=frame["cost"].astype("int64"),
    )


def constraints_frame(spec: WardSpec) -> pd.DataFrame:
    """constraints.csv: the planner's own rules (must, forbid, max_distance, feeder)."""
    return pd.DataFrame(list(spec.constraints), columns=["kind", "level", "quarter_id", "school_id", "metres"])


def zones_frame(zones: pd.DataFrame) -> pd.DataFrame:
    """zones.csv rows: shares written in their shortest form (1, 0.5)."""
    return zones.assign(share=zones.share.map(lambda v: f"{v:g}"))


def ward_toml(spec: WardSpec) -> str:
    """ward.toml text: settings, the rates used for calibration, commented override examples."""
    kind_en = "ward" if spec.kind == "phường" else "commune"
    lines = [
        f"# Sample {kind_en} generated by `python -m tuyensinh.sample_data` (seed {spec.seed}).",
        "# The outline is real; quarters, population, schools and zoning are SYNTHETIC (data/README.md).",
        "",
        "[ward]",
        f'code = "{spec.code}"',
        f'name = "{spec.name}"',
        f'kind = "{spec.kind}"',
        f'province = "{spec.province}"',
        f'crs = "{spec.crs}"      # VN-2000 / UTM zone 48N: the {kind_en} lies between 102° and 108°E',
        f"base_year = {BASE_YEAR}       # population.csv runs 2015–{BASE_YEAR} (the December {BASE_YEAR} refresh)",
        f"horizon = {HORIZON}",
        f'setting = "{spec.setting}"',
    ]
    for key, values in spec.rates.items():
        lines += ["", f"[rates.{key}]{' ' * (22 - len(key))}# {RATE_COMMENTS[key]}"]
        lines += [f"{name} = {value}" for name, value in values.items()]
    return "\n".join(lines) + "\n\n" + spec.toml_extra.lstrip("\n")
