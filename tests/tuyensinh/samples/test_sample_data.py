"""The embedded sample wards: reproducible, internally consistent, and showing their features."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from tuyensinh import sample_data as sd

REPO = Path(__file__).resolve().parents[3]
WARD_DIRS = {slug: REPO / "data" / "wards" / slug for slug in sd.WARDS}
BOUNDARIES = REPO / "data" / "boundaries"
SLUGS = list(sd.WARDS)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Both wards regenerated through the command line entry point, and what it printed."""
    out = tmp_path_factory.mktemp("wards")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert sd.main(["--out", str(out)]) == 0
    return out, printed.getvalue()


def _read(slug: str, name: str) -> pd.DataFrame:
    return pd.read_csv(WARD_DIRS[slug] / name, dtype={"quarter_id": str, "school_id": str})


def _quarters(slug: str) -> gpd.GeoDataFrame:
    return gpd.read_file(WARD_DIRS[slug] / "quarters.geojson")


def _boundary_m(slug: str):
    spec = sd.WARDS[slug]
    outline = gpd.read_file(BOUNDARIES / spec.boundary_file)
    return outline.to_crs(spec.crs).union_all()


def _children(slug: str, ages: range) -> pd.Series:
    pop = _read(slug, "population.csv")
    return pop[pop.age.isin(list(ages))].groupby("year")["count"].sum()


# --- reproducibility -------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_regeneration_is_byte_identical(regenerated: tuple[Path, str], slug: str) -> None:
    out, _ = regenerated
    committed = sorted(p.name for p in WARD_DIRS[slug].iterdir())
    fresh = sorted(p.name for p in (out / slug).iterdir())
    assert fresh == committed
    for name in committed:
        assert (out / slug / name).read_bytes() == (WARD_DIRS[slug] / name).read_bytes(), name


def test_generator_prints_the_calibration_summary(regenerated: tuple[Path, str]) -> None:
    _, printed = regenerated
    for spec in sd.WARDS.values():
        assert spec.name in printed
        for site in spec.schools:
            assert f"| {site.school_id} {site.name} |" in printed


def test_geojson_coordinates_have_at_most_six_decimals() -> None:
    for slug in SLUGS:
        text = (WARD_DIRS[slug] / "quarters.geojson").read_text(encoding="utf-8")
        assert not re.search(r"\d\.\d{7,}", text)
        assert json.loads(text)["crs"]["properties"]["name"].endswith("CRS84")


# --- population ------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_population_is_a_complete_grid_of_non_negative_integers(slug: str) -> None:
    pop = _read(slug, "population.csv")
    assert list(pop.columns) == ["quarter_id", "year", "age", "sex", "count"]
    assert pop["count"].dtype.kind == "i" and (pop["count"] >= 0).all()
    assert set(pop.sex) == {"F", "M"}
    assert sorted(pop.year.unique()) == list(range(2015, 2027))
    quarters = set(_quarters(slug).quarter_id)
    assert set(pop.quarter_id) == quarters
    # every quarter × year × sex has each age 0–64 exactly once
    cells = pop.groupby(["quarter_id", "year", "sex"])["age"].agg(["count", "min", "max", "nunique"])
    assert len(cells) == len(quarters) * 12 * 2
    assert (cells["count"] == 65).all() and (cells["nunique"] == 65).all()
    assert (cells["min"] == 0).all() and (cells["max"] == 64).all()


@pytest.mark.parametrize("slug", SLUGS)
def test_births_match_the_infants_counted(slug: str) -> None:
    births = _read(slug, "births.csv")
    pop = _read(slug, "population.csv")
    assert births["births"].dtype.kind == "i" and (births["births"] >= 0).all()
    assert len(births) == len(births.drop_duplicates(["quarter_id", "year"])) == pop.quarter_id.nunique() * 12
    infants = pop[pop.age == 0].groupby("year")["count"].sum()
    born = births.groupby("year")["births"].sum()
    # age 0 at year end = births − infant deaths ± a few migrant babies
    ratio = infants / born
    assert ratio.between(0.85, 1.15).all(), ratio


def test_thien_hoa_school_age_cohorts_shrink() -> None:
    for ages in (range(6, 11), range(11, 15), range(3, 6)):
        kids = _children("thien_hoa", ages)
        assert kids[2026] < 0.9 * kids[2016], (ages, kids.to_dict())
    total = _read("thien_hoa", "population.csv").groupby("year")["count"].sum()
    assert (total.diff().dropna() < 0).all()  # the commune loses residents every year


def test_phuoc_binh_child_population_grows() -> None:
    for ages in (range(15), range(6, 11), range(11, 15)):
        kids = _children("phuoc_binh", ages)
        assert kids[2026] > 1.05 * kids[2016], (ages, kids.to_dict())


def test_phuoc_binh_housing_projects_drive_growth() -> None:
    housing = _read("phuoc_binh", "housing.csv")
    assert (housing.new_dwellings > 0).all()
    assert housing.year.between(2022, 2030).all() and housing.quarter_id.nunique() == 2
    assert housing.year.max() > sd.BASE_YEAR  # planned completions beyond the base year
    pop = _read("phuoc_binh", "population.csv")
    kids = pop[pop.age < 15].groupby(["quarter_id", "year"])["count"].sum().unstack()
    growth = kids[2026] / kids[2021]
    in_projects = growth[housing.quarter_id.unique()]
    assert (in_projects > growth.drop(in_projects.index).max()).all()


# --- quarters --------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_quarters_tile_the_real_boundary(slug: str) -> None:
    spec = sd.WARDS[slug]
    quarters = _quarters(slug)
    assert quarters.crs.to_epsg() == 4326
    assert list(quarters.quarter_id) == list(spec.quarter_ids)
    assert quarters.quarter_id.is_unique and quarters.name.is_unique
    assert quarters.is_valid.all() and not quarters.is_empty.any()
    assert set(quarters.geom_type) <= {"Polygon", "MultiPolygon"}
    projected = quarters.to_crs(spec.crs)
    boundary = _boundary_m(slug)
    union = projected.union_all()
    assert abs(union.area / boundary.area - 1) < 0.005
    assert projected.area.sum() / union.area - 1 < 0.0005  # no overlaps beyond rounding slivers
    assert shapely.symmetric_difference(union, boundary).area / boundary.area < 0.005
    assert (projected.area > 100_000).all()  # no sliver quarters (≥ 0.1 km²)


def test_quarter_ids_and_names_follow_local_usage() -> None:
    pb, th = _quarters("phuoc_binh"), _quarters("thien_hoa")
    assert 25 <= len(pb) <= 35 and 15 <= len(th) <= 25
    assert pb.quarter_id.str.fullmatch(r"KP\d\d").all() and pb.name.str.startswith("Khu phố ").all()
    assert th.quarter_id.str.fullmatch(r"THON\d\d").all() and th.name.str.startswith("Thôn ").all()
    assert "Thôn Bản Nầng" in set(th.name)
    for name in [*pb.name, *th.name]:
        assert unicodedata.is_normalized("NFC", name)


def test_ward_toml_settings() -> None:
    import tomllib

    for slug, spec in sd.WARDS.items():
        cfg = tomllib.loads((WARD_DIRS[slug] / "ward.toml").read_text(encoding="utf-8"))
        ward = cfg["ward"]
        assert (ward["code"], ward["name"], ward["kind"], ward["crs"]) == (spec.code, spec.name, spec.kind, "EPSG:3405")
        assert (ward["base_year"], ward["horizon"]) == (2026, 2030)
        assert cfg.get("rates", {}) == spec.rates  # the file says what the calibration used
        assert "norms" not in cfg  # norm overrides only as commented examples
        assert "# [norms.max_class_size]" in (WARD_DIRS[slug] / "ward.toml").read_text(encoding="utf-8")
    th = tomllib.loads((WARD_DIRS["thien_hoa"] / "ward.toml").read_text(encoding="utf-8"))
    assert th["ward"]["name"] == "Thiện Hòa" and th["ward"]["setting"] == "mountain"
    assert th["rates"]["private_share"] == {"mam_non": 0.0, "tieu_hoc": 0.0, "thcs": 0.0}
    import capacity

    for slug in sd.WARDS:  # capacity accepts the overrides as written
        capacity.load_norms(
            None, tomllib.loads((WARD_DIRS[slug] / "ward.toml").read_text(encoding="utf-8")).get("rates")
        )


# --- schools, zones, distances -----------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_schools_are_inside_the_ward_and_well_formed(slug: str) -> None:
    spec = sd.WARDS[slug]
    schools = _read(slug, "schools.csv")
    assert schools.school_id.is_unique
    assert set(schools.level) == {"mam_non", "tieu_hoc", "thcs"}
    prefix = {"mam_non": "MN", "tieu_hoc": "TH", "thcs": "THCS"}
    for sid, level in zip(schools.school_id, schools.level, strict=True):
        assert re.fullmatch(prefix[level] + r"\d\d", sid)
    assert (schools.classrooms > 0).all() and (schools.land_m2 > 0).all()
    assert schools.sessions_per_day.isin([1, 2]).all()
    points = gpd.GeoSeries(gpd.points_from_xy(schools.lon, schools.lat), crs=4326).to_crs(spec.crs)
    boundary = _boundary_m(slug)
    assert points.within(boundary).all()


def test_school_openings_and_closures() -> None:
    pb, th = _read("phuoc_binh", "schools.csv"), _read("thien_hoa", "schools.csv")
    new = pb[pb.opens.notna()]
    assert list(new.level) == ["tieu_hoc"] and (new.opens > sd.BASE_YEAR).all()
    closing = th[th.closes.notna()]
    assert len(closing) == 1 and (closing.closes > sd.BASE_YEAR).all()
    assert pb.level.value_counts().to_dict() == {"mam_non": 5, "tieu_hoc": 4, "thcs": 2}
    assert th.level.value_counts().to_dict() == {"mam_non": 3, "tieu_hoc": 3, "thcs": 2}


@pytest.mark.parametrize("slug", SLUGS)
def test_zones_reference_existing_quarters_and_schools(slug: str) -> None:
    zones = _read(slug, "zones.csv")
    schools = _read(slug, "schools.csv").set_index("school_id")
    quarters = set(_quarters(slug).quarter_id)
    assert set(zones.quarter_id) == quarters
    assert zones.school_id.isin(schools.index).all()
    assert (schools.loc[zones.school_id, "level"].to_numpy() == zones.level.to_numpy()).all()
    shares = zones.groupby(["quarter_id", "level"])["share"].sum()
    assert len(shares) == 3 * len(quarters)
    np.testing.assert_allclose(shares.to_numpy(), 1.0)
    # no quarter is zoned to a school that has not opened yet
    unopened = schools.index[schools.opens.fillna(0) > sd.BASE_YEAR]
    assert not zones.school_id.isin(unopened).any()


def test_zones_are_mostly_nearest_with_listed_quirks() -> None:
    for slug, spec in sd.WARDS.items():
        zones = _read(slug, "zones.csv")
        quirks = {(q, level) for q, level, _ in spec.zone_quirks}
        assert quirks and len(quirks) <= 0.1 * len(zones)
        split = zones.groupby(["quarter_id", "level"]).size()
        assert set(split[split > 1].index) <= quirks


def test_thien_hoa_distances_are_detoured_straight_lines() -> None:
    spec = sd.WARDS["thien_hoa"]
    dist = _read("thien_hoa", "distances.csv")
    quarters = _quarters("thien_hoa").to_crs(spec.crs).set_index("quarter_id")
    schools = _read("thien_hoa", "schools.csv").set_index("school_id")
    assert len(dist) == len(quarters) * len(schools) and not dist.duplicated(["quarter_id", "school_id"]).any()
    centres = quarters.geometry.centroid
    sites = gpd.GeoSeries(gpd.points_from_xy(schools.lon, schools.lat), index=schools.index, crs=4326).to_crs(spec.crs)
    straight = np.maximum(
        centres.loc[dist.quarter_id].distance(sites.loc[dist.school_id], align=False).to_numpy(), 100.0
    )
    factor = dist.metres.to_numpy() / straight
    assert factor.min() >= 1.3 - 0.01 and factor.max() <= 1.9 + 0.01
    assert dist.metres.max() > 10_000  # long distances in the mountain commune
    assert not (WARD_DIRS["phuoc_binh"] / "distances.csv").exists()


# --- the features the planners fight (on the simulated true future) -------------------------------
@pytest.fixture(scope="module")
def generated() -> dict[str, sd.GeneratedWard]:
    return {slug: sd.generate_ward(spec, BOUNDARIES) for slug, spec in sd.WARDS.items()}


def test_calibrated_features_hold(generated: dict[str, sd.GeneratedWard]) -> None:
    for ward in generated.values():
        assert sd.check_features(ward) == []
    pb = {c.school_id: c for c in generated["phuoc_binh"].calibration}
    short = {sid for sid, c in pb.items() if c.status(2030) == "short of rooms"}
    assert {"TH01", "THCS01"} <= short and {"TH02", "TH03", "THCS02"}.isdisjoint(short)
    assert all(c.status(2026) != "short of rooms" for c in pb.values())
    th = generated["thien_hoa"].calibration
    half_empty = [c.school_id for c in th if c.status(2030) == "ok" and c.fill[2030] < 0.5]
    assert half_empty
    schools = _read("phuoc_binh", "schools.csv").set_index("school_id")
    assert all(schools.loc[sid, "classrooms"] == c.classrooms for sid, c in pb.items())


def test_school_needs_hand_computed() -> None:
    """Two quarters, one primary and one THCS school, known residents."""
    spec = dataclasses.replace(
        sd.THIEN_HOA,
        quarter_ids=("A", "B"),
        quarter_names=("A", "B"),
        rates={"participation": {"tieu_hoc": 1.0, "thcs": 1.0}, "private_share": {"tieu_hoc": 0.2, "thcs": 0.0}},
        schools=(
            sd.SchoolSite("TH01", "P", "tieu_hoc", 0, 0, "ample"),
            sd.SchoolSite("THCS01", "S", "thcs", 0, 0, "ample", sessions_per_day=1),
        ),
    )
    residents = np.zeros((1, 2, 2, 65), dtype=np.int64)
    residents[0, 0, 0, 6] = 50  # quarter A, girls aged 6 (grade 1)
    residents[0, 1, 1, 6] = 20  # quarter B, boys aged 6
    residents[0, 0, 1, 11] = 100  # quarter A, boys aged 11 (grade 6)
    residents[0, 0, 0, 14] = 91  # quarter A, girls aged 14 (grade 9)
    sim = sd.Simulation(years=np.array([2026]), residents=residents, births=np.zeros((1, 2), np.int64))
    zones = pd.DataFrame(
        {
            "quarter_id": ["A", "B", "A"],
            "level": ["tieu_hoc", "tieu_hoc", "thcs"],
            "school_id": ["TH01", "TH01", "THCS01"],
            "share": [1.0, 0.5, 1.0],
        }
    )
    needs = sd.school_needs(spec, sim, zones, [2026])
    pupils, classes, rooms, fill = needs["TH01"][2026]
    assert pupils == pytest.approx((50 + 0.5 * 20) * 0.8)  # 48 public-school pupils
    assert (classes, rooms) == (2, 2)  # ⌈48 / 35⌉ = 2, two sessions
    assert fill == pytest.approx(48 / 70)
    pupils, classes, rooms, fill = needs["THCS01"][2026]
    assert pupils == 191 and classes == 3 + 3  # ⌈100/45⌉ + ⌈91/45⌉
    assert rooms == 3  # one session: two classes a room


# --- the simulation's accounting -----------------------------------------------------------------
def test_simulation_ages_every_person_exactly_once() -> None:
    """With no deaths and no migration, each cohort moves up one age a year, nobody lost or added."""
    dem = dataclasses.replace(
        sd.PHUOC_BINH.demography,
        infant_mortality=0.0,
        mortality_multiplier=0.0,
        out_rate_knots=((0, 0.0), (64, 0.0)),
        inflow_per_year=0.0,
    )
    spec = dataclasses.replace(sd.PHUOC_BINH, demography=dem, housing=())
    settlements = np.column_stack([np.linspace(700_000, 715_000, 30), np.full(30, 1_308_000.0)])
    sim = sd.simulate(spec, settlements, np.random.default_rng(1))
    res = sim.residents
    np.testing.assert_array_equal(res[1:, :, :, 1:], res[:-1, :, :, :-1])
    np.testing.assert_array_equal(res[:, :, :, 0].sum(axis=2), sim.births)


def test_housing_movers_follow_completions_and_yield() -> None:
    spec = dataclasses.replace(sd.PHUOC_BINH, housing=(sd.HousingProject("X", "KP03", ((2022, 100),)),))
    years = np.arange(2020, 2031)
    movers = sd.housing_movers(spec, years)
    per_dwelling = sd._knots(sd.HOUSING_YIELD_KNOTS, sd.AGES.astype(float)).sum()
    by_year = movers.sum(axis=(1, 2, 3))
    np.testing.assert_allclose(by_year[2:5], 100 * np.array(sd.OCCUPANCY_LAG) * per_dwelling)
    assert by_year[[0, 1, *range(5, 11)]].sum() == 0
    assert movers[:, [i for i, q in enumerate(spec.quarter_ids) if q != "KP03"]].sum() == 0
    assert 3.0 < per_dwelling < 4.0  # persons per new dwelling


def test_rates_are_plausible() -> None:
    for spec in sd.WARDS.values():
        dem = spec.demography
        for year in (2015, 2026):
            asfr = sd.fertility_schedule(dem, year)
            assert asfr.sum() == pytest.approx(float(sd._knots(dem.tfr_knots, np.array([year]))[0]))
            assert 1.7 <= asfr.sum() <= 2.3 and int(np.argmax(asfr)) + 15 in range(22, 29)
    qx = sd.death_probabilities(1.0)
    assert (qx > 0).all() and (qx < 0.02).all() and (qx[1] > qx[0]).all()
    assert (
        sd.fertility_schedule(sd.THIEN_HOA.demography, 2026).sum()
        < sd.fertility_schedule(sd.THIEN_HOA.demography, 2015).sum()
    )


# --- the files load with the project's loader ---------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_sample_ward_loads(slug: str) -> None:
    from tuyensinh.ward import load_ward

    ward = load_ward(WARD_DIRS[slug])
    spec = sd.WARDS[slug]
    assert (ward.code, ward.name, ward.base_year, ward.horizon) == (spec.code, spec.name, 2026, 2030)
    assert len(ward.quarters) == len(spec.quarter_ids)
    assert set(ward.quarters.name) == set(spec.quarter_names)  # Vietnamese names round-trip
    assert (ward.distances is not None) == spec.write_distances


@pytest.mark.parametrize("slug", SLUGS)
def test_sample_ward_validates(slug: str) -> None:
    from tuyensinh.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["validate", str(WARD_DIRS[slug])]) == 0


def test_true_population_extends_the_published_history(generated: dict[str, sd.GeneratedWard]) -> None:
    ward = generated["phuoc_binh"]
    truth = ward.true_population()
    published = _read("phuoc_binh", "population.csv")
    assert sorted(truth.year.unique()) == list(range(2015, 2031))
    past = truth[truth.year <= 2026].reset_index(drop=True)
    pd.testing.assert_frame_equal(past, published, check_dtype=False)
    future = truth[truth.year == 2030].groupby("quarter_id")["count"].sum()
    assert future["KP14"] > published.query("year == 2026 and quarter_id == 'KP14'")["count"].sum()
    with pytest.raises(ValueError, match="not simulated"):
        ward.true_population([2031])
