"""A sample province for the demo, the tests and the benchmark: one small synthetic ward folder
per real ward outline of Ho Chi Minh City (data/boundaries/79_ho_chi_minh_wards.geojson, 168
wards and communes after the 2025 reorganisation).

Only the outlines are real. Everything else is invented by the project's seeded sample
generator (`tuyensinh.samples`): quarters (a seeded Voronoi tessellation of the outline, 4–8
per ward so that a plan is fast), a cohort-component population simulation 2005–2030 (the
urban parameters of the sample ward Phước Bình, scaled to 5,000–12,000 residents, no housing
projects), one or two schools per level sited at quarter centres, the zoning in force
(nearest school) and classrooms calibrated on the simulated future: a seeded third of the
schools is "tight" (exactly its 2026 need, so it runs short as cohorts grow), the rest
"ample". Each ward is seeded by its code, so a ward's folder is the same whatever the number
of wards generated.

`--broken K` spoils the last K wards on purpose (a negative head count and a school of an
unknown level), to show how a batch reports a ward with data problems.

    python -m tuyensinh.province sample --out out/hcmc [--wards N] [--broken K]

`--wards N` keeps the N wards nearest (by centre) to Phường Sài Gòn, so that a small province
is one connected piece of the city and city-wide zoning has ward lines to cross.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from tuyensinh.province.bridge import (
    PHUOC_BINH,
    SchoolSite,
    WardSpec,
    calibrate,
    current_zones,
    merge_fragments,
    polygonal,
    quarter_centres,
    sample_files,
    simulate,
    staged_output,
    to_projected,
    to_wgs84,
    transform_geometry,
    write_bytes_atomic,
)
from tuyensinh.words.core import WordedError
from tuyensinh.words.province import PROVINCE

__all__ = [
    "GENERATOR_VERSION",
    "HCMC_BOUNDARIES",
    "SampleWard",
    "default_boundaries",
    "ensure_sample_province",
    "hcmc_wards",
    "sample_province",
]

#: Bumped whenever the generated files change, so cached sample provinces are regenerated.
GENERATOR_VERSION = 1
HCMC_BOUNDARIES = "79_ho_chi_minh_wards.geojson"
PROVINCE_CODE = "79"
PROVINCE_NAME = "Thành phố Hồ Chí Minh"
START_WARD = "Sài Gòn"  # a small province grows outward from this ward
QUARTERS = (4, 8)  # quarters per ward (fewer for small wards)
RESIDENTS = (5_000, 12_000)  # residents 0–64 at the end of 2004, seeded per ward
INFLOW_SHARE = 0.05  # in-migrants per year ÷ initial residents (Phước Bình: 950 / 24,500)
TIGHT_SHARE = 0.4  # share of schools sized to exactly their 2026 need
MARKER = ".sample.json"  # parameters of a generated province (hidden: not a ward file)


@dataclass(frozen=True)
class SampleWard:
    """One real ward outline and the folder its synthetic data go to."""

    code: str
    name: str
    kind: str  # "phường", "xã" or "đặc khu"
    name_en: str
    area_km2: float
    geometry: shapely.Geometry  # EPSG:4326

    @property
    def folder(self) -> str:
        """Folder name: code and an ASCII slug of the name ('26734_ban_co')."""
        return f"{self.code}_{slug(self.name_en or self.name)}"


def slug(name: str) -> str:
    """'Bàn Cờ' → 'ban_co' (ASCII, lower case, underscores)."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def default_boundaries() -> Path:
    """data/boundaries/ of the source checkout this package runs from."""
    return Path(__file__).resolve().parents[3] / "data" / "boundaries"


def hcmc_wards(boundaries: Path | None = None) -> list[SampleWard]:
    """The real outlines of Ho Chi Minh City's wards, communes and special zone, by code."""
    path = (boundaries or default_boundaries()) / HCMC_BOUNDARIES
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: the Ho Chi Minh City boundary file is missing; it ships with the "
            "source checkout in data/boundaries/ (give --boundaries DIR)"
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    wards = []
    for feature in data["features"]:
        props = feature["properties"]
        full = str(props.get("fullName", ""))
        kind = "phường" if full.startswith("Phường") else "đặc khu" if full.startswith("Đặc khu") else "xã"
        wards.append(
            SampleWard(
                code=str(props["code"]),
                name=str(props["name"]),
                kind=kind,
                name_en=str(props.get("nameEn", "")),
                area_km2=float(props.get("areaKm2", 0.0)),
                geometry=shape(feature["geometry"]),
            )
        )
    return sorted(wards, key=lambda w: w.code)


def pick_wards(wards: list[SampleWard], count: int | None) -> list[SampleWard]:
    """All wards, or the `count` wards whose centres are nearest to START_WARD's (by code)."""
    if count is None or count >= len(wards):
        return wards
    if count < 1:
        raise WordedError(PROVINCE.text("error.sample_wards"))
    centres = np.array([[w.geometry.representative_point().x, w.geometry.representative_point().y] for w in wards])
    start = next((i for i, w in enumerate(wards) if w.name == START_WARD), 0)
    metres = np.hypot((centres[:, 0] - centres[start, 0]) * 109_000, (centres[:, 1] - centres[start, 1]) * 110_500)
    keep = np.sort(np.argsort(metres, kind="stable")[:count])
    return [wards[i] for i in keep]


# --- one ward ------------------------------------------------------------------------------


def _crs(geometry: shapely.Geometry) -> str:
    """VN-2000 / UTM 48N west of 108°E, 49N east of it."""
    return "EPSG:3405" if geometry.representative_point().x < 108.0 else "EPSG:3406"


def _tessellate(boundary_ll: shapely.Geometry, crs: str, n: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """`n` quarters tiling the outline (EPSG:4326) and their settlement points (metres).

    Points are drawn uniformly inside the outline, each at least 0.55 × √(area / n) from the
    others (the spacing shrinks until n points fit); Voronoi cells are clipped to the outline
    and detached fragments given to the neighbour with the longest shared border.
    """
    boundary_m = transform_geometry(boundary_ll, to_projected(crs))
    minx, miny, maxx, maxy = boundary_m.bounds
    candidates = rng.uniform([minx, miny], [maxx, maxy], size=(6000, 2))
    candidates = candidates[shapely.contains_xy(boundary_m, candidates[:, 0], candidates[:, 1])]
    spacing = 0.55 * np.sqrt(boundary_m.area / n)
    while True:
        picked: list[np.ndarray] = []
        for point in candidates:
            if not picked or np.min(np.hypot(*(np.asarray(picked) - point).T)) >= spacing:
                picked.append(point)
                if len(picked) == n:
                    break
        if len(picked) == n or spacing < 1.0:
            break
        spacing *= 0.8
    points = np.asarray(picked)
    envelope = shapely.buffer(shapely.envelope(boundary_m), 5000.0)
    cells_m = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope, ordered=True)
    back = to_wgs84(crs)
    clipped = [shapely.intersection(transform_geometry(c, back), boundary_ll) for c in shapely.get_parts(cells_m)]
    rounded = [shapely.make_valid(shapely.set_precision(g, 1e-6)) for g in merge_fragments(clipped)]
    return [polygonal(g) for g in rounded], points


def _schools(ward: SampleWard, centres_ll: np.ndarray, rng: np.random.Generator) -> tuple[SchoolSite, ...]:
    """One or two schools per level at quarter centres; a seeded share of them 'tight'."""
    n = len(centres_ll)
    plan = (
        ("mam_non", "MN", "Trường Mầm non", 1 + (n >= 6)),
        ("tieu_hoc", "TH", "Trường Tiểu học", 1 + (n >= 5)),
        ("thcs", "THCS", "Trường THCS", 1 + (n >= 7)),
    )
    sites = []
    for offset, (level, prefix, title, count) in enumerate(plan):
        quarters = rng.permutation(n)[:count]
        for k, q in enumerate(sorted(quarters)):
            role = "tight" if rng.uniform() < TIGHT_SHARE else "ample"
            name = f"{title} {ward.name}" + (f" số {k + 1}" if count > 1 else "")
            lon, lat = centres_ll[q] + rng.normal(0.0, 0.0004, 2) * (offset > 0)
            sites.append(
                SchoolSite(f"{prefix}{k + 1:02d}", name, level, round(float(lon), 6), round(float(lat), 6), role)
            )
    return tuple(sites)


def ward_files(ward: SampleWard) -> dict[str, str]:
    """Every file of one sample ward folder as text (deterministic: seeded by the ward code)."""
    seed = int(ward.code)
    layout_rng, demog_rng, school_rng = np.random.default_rng(seed).spawn(3)
    crs = _crs(ward.geometry)
    n = int(np.clip(round(3 + 1.2 * np.sqrt(max(ward.area_km2, 0.1))), *QUARTERS))
    polygons, settlements = _tessellate(ward.geometry, crs, n, layout_rng)
    n = len(polygons)
    centre = ward.geometry.representative_point()
    residents = int(layout_rng.integers(*RESIDENTS))
    urban = ward.kind == "phường"
    spec = WardSpec(
        slug=slug(ward.name_en or ward.name),
        code=ward.code,
        name=ward.name,
        kind=ward.kind,
        province=PROVINCE_NAME,
        crs=crs,
        setting="urban" if urban else "rural",
        boundary_file=HCMC_BOUNDARIES,
        seed=seed,
        quarter_ids=tuple(f"KP{i:02d}" for i in range(1, n + 1)),
        quarter_names=tuple(f"{'Khu phố' if urban else 'Ấp'} {i}" for i in range(1, n + 1)),
        demography=replace(
            PHUOC_BINH.demography, initial_population=residents, inflow_per_year=round(INFLOW_SHARE * residents, 1)
        ),
        rates={},
        schools=(),
        core=(centre.x, centre.y) if urban else None,
        centre=(centre.x, centre.y),
        slack_rooms=(1, 3),
        land_m2_per_place=(6.0, 12.0),
        toml_extra="# Sample province: the outline is real, everything else SYNTHETIC (tuyensinh.province.sample).\n",
    )
    sim = simulate(spec, settlements, demog_rng)
    centres_m = quarter_centres(spec, polygons)
    lon, lat = to_wgs84(crs).transform(centres_m[:, 0], centres_m[:, 1])
    spec = replace(spec, schools=_schools(ward, np.column_stack([lon, lat]), school_rng))
    zones = current_zones(spec, centres_m)
    calibration = calibrate(spec, sim, zones, school_rng)
    frames = {
        "population.csv": sample_files.population_frame(spec, sim),
        "births.csv": sample_files.births_frame(spec, sim),
        "schools.csv": sample_files.schools_frame(spec, calibration, school_rng),
        "zones.csv": sample_files.zones_frame(zones),
    }
    toml = sample_files.ward_toml(spec).replace(
        "python -m tuyensinh.sample_data", "python -m tuyensinh.province sample"
    )
    texts = {"ward.toml": toml, "quarters.geojson": sample_files.quarters_geojson(spec, polygons)}
    return texts | {name: sample_files.csv_text(frame) for name, frame in frames.items()}


def break_ward(files: dict[str, str]) -> dict[str, str]:
    """Spoil a ward on purpose: a negative head count (population.csv, first data row) and a
    school of an unknown level (schools.csv, last row) — two problems `validate` must list."""
    out = dict(files)
    lines = out["population.csv"].split("\n")
    head = lines[0].split(",")
    cells = lines[1].split(",")
    cells[head.index("count")] = "-5"
    lines[1] = ",".join(cells)
    out["population.csv"] = "\n".join(lines)
    lines = out["schools.csv"].rstrip("\n").split("\n")
    head = lines[0].split(",")
    cells = lines[-1].split(",")
    cells[head.index("level")] = "dai_hoc"
    lines[-1] = ",".join(cells)
    out["schools.csv"] = "\n".join(lines) + "\n"
    return out


# --- the province ----------------------------------------------------------------------------


def _write_folder(folder: Path, files: dict[str, str]) -> None:
    with staged_output(folder, replace_whole=True) as stage:
        stage.chmod(0o755)
        for name, text in sorted(files.items()):
            write_bytes_atomic(stage / name, text.encode("utf-8")).chmod(0o644)


def sample_province(
    out: str | Path, *, wards: int | None = None, broken: int = 0, boundaries: Path | None = None
) -> list[Path]:
    """Write one synthetic ward folder per chosen HCMC ward into `out` and `province.toml`;
    return the ward folders. `wards`: keep the N wards nearest Phường Sài Gòn (default all
    168); `broken`: spoil the last K of them (`break_ward`)."""
    chosen = pick_wards(hcmc_wards(boundaries), wards)
    if not 0 <= broken <= len(chosen):
        raise WordedError(PROVINCE.text("error.sample_broken", wards=len(chosen)))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    folders = []
    for i, ward in enumerate(chosen):
        files = ward_files(ward)
        if i >= len(chosen) - broken:
            files = break_ward(files)
        _write_folder(out / ward.folder, files)
        folders.append(out / ward.folder)
    toml = (
        f"# Sample province generated by `python -m tuyensinh.province sample` from the real ward\n"
        f"# outlines of {PROVINCE_NAME}; all data inside the ward folders are SYNTHETIC.\n"
        f'[province]\ncode = "{PROVINCE_CODE}"\nname = "{PROVINCE_NAME}"\n'
    )
    write_bytes_atomic(out / "province.toml", toml.encode("utf-8"))
    return folders


def ensure_sample_province(
    out: str | Path, *, wards: int | None = None, broken: int = 0, boundaries: Path | None = None
) -> list[Path]:
    """`sample_province` unless `out` already holds the same one (same generator version,
    ward count and broken count, every folder present): a cache for the benchmark."""
    out = Path(out)
    key = {"version": GENERATOR_VERSION, "wards": wards, "broken": broken}
    marker = out / MARKER
    if marker.is_file():
        try:
            found = json.loads(marker.read_text(encoding="utf-8"))
        except ValueError:
            found = None
        if found and found.get("key") == key and all((out / f).is_dir() for f in found.get("folders", [])):
            return [out / f for f in found["folders"]]
    folders = sample_province(out, wards=wards, broken=broken, boundaries=boundaries)
    record = {"key": key, "folders": [f.name for f in folders]}
    write_bytes_atomic(marker, json.dumps(record, ensure_ascii=False).encode("utf-8"))
    return folders
