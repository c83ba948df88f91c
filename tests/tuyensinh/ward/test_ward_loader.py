"""The ward folder loader: a valid folder loads exactly; each broken thing is reported precisely."""

from __future__ import annotations

import dataclasses
import json
import math
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, box
from ward_builder import LAT0, LON0, QUARTER_IDS, QUARTER_NAMES, STEP, WARD_TOML, valid_tables, write_ward

from tuyensinh.ward import Ward, load_ward
from tuyensinh.ward.errors import Problem, WardDataError


def problems_of(folder: Path) -> list[Problem]:
    with pytest.raises(WardDataError) as info:
        load_ward(folder)
    assert info.value.problems, "WardDataError without problems"
    return info.value.problems


def find(problems: list[Problem], file: str, text: str, row: int | None = None, column: str | None = None) -> Problem:
    """The one problem of `file` whose message contains `text` (and has this row/column)."""
    hits = [
        p
        for p in problems
        if p.file == file
        and text in p.message
        and (row is None or p.row == row)
        and (column is None or p.column == column)
    ]
    assert len(hits) == 1, f"expected one problem {file!r} ~ {text!r} row={row} column={column}, got:\n" + "\n".join(
        map(str, problems)
    )
    return hits[0]


def broken(tmp_path: Path, **changes: object) -> Path:
    tables = valid_tables()
    tables.update(changes)
    return write_ward(tmp_path / "ward", tables)


# --- a valid folder ------------------------------------------------------------------------


def test_valid_ward_loads_with_contract_types(tmp_path: Path) -> None:
    ward = load_ward(write_ward(tmp_path / "ward"))
    assert isinstance(ward, Ward)
    assert (ward.code, ward.name, ward.kind, ward.province) == ("25220", "Phước Bình", "phường", "Đồng Nai")
    assert (ward.crs, ward.base_year, ward.horizon, ward.setting) == ("EPSG:3405", 2024, 2030, "urban")
    assert ward.norms == {"max_class_size": {"thcs": 40}}
    assert ward.rates == {"participation": {"nha_tre": 0.47, "mau_giao": 0.99}}
    assert list(ward.quarters.columns) == ["quarter_id", "name", "geometry"]
    assert ward.quarters["quarter_id"].tolist() == QUARTER_IDS  # "01" stays "01"
    assert ward.quarters.crs.to_epsg() == 4326
    assert list(ward.population.columns) == ["quarter_id", "year", "age", "count"]
    assert ward.population["count"].dtype == np.int64 and ward.population["year"].dtype == np.int64
    assert len(ward.population) == 3 * 6 * 19
    assert set(ward.population["quarter_id"]) == set(QUARTER_IDS)
    assert ward.years == list(range(2019, 2025))
    schools = ward.schools.set_index("school_id")
    assert list(ward.schools.columns) == [
        "school_id",
        "name",
        "level",
        "lon",
        "lat",
        "classrooms",
        "sessions_per_day",
        "max_class_size",
        "opens",
        "closes",
        "land_m2",
        "teachers",
        "permanent_classrooms",
        "functional_rooms",
        "semi_boarding_places",
        "boarders",
    ]
    assert schools["teachers"].isna().all()  # optional facility columns absent: blank
    assert schools["sessions_per_day"].tolist() == [2, 2, 2]  # THCS01 left blank: default 2
    assert schools.at["TH01", "max_class_size"] == 35 and math.isnan(schools.at["MN01", "max_class_size"])
    assert schools["opens"].isna().all() and schools.at["THCS01", "land_m2"] == 9000.5
    assert schools["classrooms"].tolist() == [8, 20, 16]
    assert ward.zones is not None and ward.distances is not None and ward.housing is not None
    assert ward.zones["share"].tolist() == [1.0] * 9
    assert ward.distances["metres"].iloc[1] == 1500.5
    assert ward.housing["new_dwellings"].sum() == 200
    assert ward.optional_files == {
        "births": True,
        "housing": True,
        "zones": True,
        "distances": True,
        "enrolment": False,
        "quotas_published": False,
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        ward.base_year = 2025  # type: ignore[misc]


def test_optional_files_absent_are_none_and_defaults_fill(tmp_path: Path) -> None:
    tables = valid_tables()
    tables.update(births=None, housing=None, distances=None)
    zones = tables["zones"].drop(columns="share")
    tables["zones"] = zones
    tables["ward.toml"] = '[ward]\ncode = "25220"\nname = "Phước Bình"\nprovince = "Đồng Nai"\n'
    schools = tables["schools"][["school_id", "name", "level", "lon", "lat", "classrooms"]]
    tables["schools"] = schools
    ward = load_ward(write_ward(tmp_path / "ward", tables))
    assert ward.births is None and ward.housing is None and ward.distances is None
    assert ward.zones is not None
    assert ward.zones["share"].tolist() == [1.0] * 9
    assert ward.base_year == 2024  # the last population year
    assert ward.horizon == 2030 and ward.crs == "EPSG:3405" and ward.kind == "phường" and ward.setting == "urban"
    assert ward.norms == {} and ward.rates == {}
    assert ward.schools["sessions_per_day"].tolist() == [2, 2, 2]
    assert ward.schools[["max_class_size", "opens", "closes", "land_m2"]].isna().all().all()


def test_geometry_accessors_are_in_the_projected_crs(tmp_path: Path) -> None:
    ward = load_ward(write_ward(tmp_path / "ward"))
    projected = ward.quarters_projected()
    assert projected.crs.to_epsg() == 3405
    # three 0.01° squares at 11.8°N: 0.01° of longitude ≈ 1090 m, of latitude ≈ 1106 m
    side_x = 0.01 * 111_320 * math.cos(math.radians(LAT0 + STEP / 2))
    side_y = 0.01 * 110_600
    assert ward.boundary.area == pytest.approx(3 * side_x * side_y, rel=0.01)
    assert ward.boundary.area == pytest.approx(projected.area.sum(), rel=1e-9)
    points = ward.schools_projected()
    assert points.crs.to_epsg() == 3405 and len(points) == 3
    assert points.within(ward.boundary).all()
    assert points["school_id"].tolist() == ["MN01", "TH01", "THCS01"]


def test_population_by_age_sums_over_sex(tmp_path: Path) -> None:
    tables = valid_tables()
    pop = tables["population"]
    male = pop.assign(sex="Nam")
    female = pop.assign(sex="nữ", count=(pop["count"].astype(int) + 1).astype(str))
    tables["population"] = pd.concat([male, female], ignore_index=True)
    ward = load_ward(write_ward(tmp_path / "ward", tables))
    assert set(ward.population["sex"]) == {"M", "F"}
    by_age = ward.population_by_age()
    assert list(by_age.columns) == ["quarter_id", "year", "age", "count"]
    expected = (2 * pop["count"].astype(int) + 1).sum()
    assert by_age["count"].sum() == expected
    one = by_age[(by_age.quarter_id == "02") & (by_age.year == 2020) & (by_age.age == 7)]["count"].item()
    raw = pop[(pop.quarter_id == "02") & (pop.year == "2020") & (pop.age == "7")]["count"].astype(int).item()
    assert one == 2 * raw + 1


def test_gpkg_in_a_projected_crs_is_accepted(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["quarters"] = tables["quarters"].to_crs("EPSG:3405")
    ward = load_ward(write_ward(tmp_path / "ward", tables, quarters_format="gpkg"))
    assert ward.quarters.crs.to_epsg() == 4326
    x0, y0, x1, y1 = ward.quarters.total_bounds
    assert (x0, y0, x1, y1) == pytest.approx((LON0, LAT0, LON0 + 3 * STEP, LAT0 + STEP), abs=1e-7)


def test_excel_csv_utf8_with_bom_and_nfd_text_round_trip_as_nfc(tmp_path: Path) -> None:
    folder = write_ward(tmp_path / "ward")
    text = (folder / "schools.csv").read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    (folder / "schools.csv").write_bytes(b"\xef\xbb\xbf" + decomposed.replace("\n", "\r\n").encode("utf-8"))
    ward = load_ward(folder)
    assert ward.schools["name"].tolist() == [
        "Trường Mầm non Hoa Sen",
        "Trường Tiểu học Phước Bình",
        "Trường THCS Bản Nầng",
    ]
    assert all(unicodedata.is_normalized("NFC", name) for name in ward.schools["name"])
    assert ward.quarters["name"].tolist() == QUARTER_NAMES


def test_semicolon_csv_with_decimal_commas_is_accepted(tmp_path: Path) -> None:
    folder = write_ward(tmp_path / "ward")
    schools = valid_tables()["schools"]
    text = schools.to_csv(index=False, sep=";").replace("106.905", "106,905")
    (folder / "schools.csv").write_text(text, encoding="utf-8")
    ward = load_ward(folder)
    assert ward.schools["lon"].iloc[0] == pytest.approx(106.905)


def test_vietnamese_level_spellings_become_codes(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["schools"]["level"] = ["Mầm non", "Tiểu học", "THCS"]
    tables["zones"]["level"] = ["mam non"] * 3 + ["TIỂU HỌC"] * 3 + ["Trung học cơ sở"] * 3
    ward = load_ward(write_ward(tmp_path / "ward", tables))
    assert ward.schools["level"].tolist() == ["mam_non", "tieu_hoc", "thcs"]
    assert ward.zones is not None
    assert sorted(set(ward.zones["level"])) == ["mam_non", "thcs", "tieu_hoc"]


# --- missing files and columns --------------------------------------------------------------


@pytest.mark.parametrize("name", ["ward.toml", "population.csv", "schools.csv"])
def test_missing_required_file(tmp_path: Path, name: str) -> None:
    folder = write_ward(tmp_path / "ward")
    (folder / name).unlink()
    problem = find(problems_of(folder), name, "missing")
    assert problem.row is None and problem.column is None
    assert ("add " in problem.fix) or ("create " in problem.fix)


def test_missing_quarters_map(tmp_path: Path) -> None:
    folder = broken(tmp_path, quarters=None)
    problem = find(problems_of(folder), "quarters.geojson", "missing")
    assert "quarter_id" in problem.fix


def test_missing_folder() -> None:
    problems = problems_of(Path("/nonexistent/ward"))
    assert "does not exist" in problems[0].message


def test_missing_column_is_named_with_the_header_row(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["population"] = tables["population"].rename(columns={"count": "so_nguoi"})
    problem = find(
        problems_of(write_ward(tmp_path / "ward", tables)), "population.csv", "missing", row=1, column="count"
    )
    assert "so_nguoi" in problem.message  # the header actually found is shown


def test_misspelled_column_gets_a_suggestion(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["schools"] = tables["schools"].rename(columns={"classrooms": "classroom"})
    problems = problems_of(write_ward(tmp_path / "ward", tables))
    find(problems, "schools.csv", "did you mean 'classrooms'", row=1, column="classroom")
    find(problems, "schools.csv", "missing", row=1, column="classrooms")


def test_missing_quarter_attribute(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["quarters"] = tables["quarters"].drop(columns="name")
    find(problems_of(write_ward(tmp_path / "ward", tables)), "quarters.geojson", "'name' is missing", column="name")


# --- duplicates ----------------------------------------------------------------------------


def test_duplicate_quarter_id(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["quarters"].loc[2, "quarter_id"] = "02"
    problem = find(problems_of(write_ward(tmp_path / "ward", tables)), "quarters.geojson", "'02'", column="quarter_id")
    assert "features (2, 3)" in problem.message


def test_duplicate_school_id_names_both_rows(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["schools"].loc[2, "school_id"] = "TH01"
    tables["zones"] = None
    tables["distances"] = None
    problem = find(
        problems_of(write_ward(tmp_path / "ward", tables)), "schools.csv", "more than once", column="school_id"
    )
    assert problem.row == 4 and "rows 3, 4" in problem.message


def test_duplicate_population_rows(tmp_path: Path) -> None:
    tables = valid_tables()
    pop = tables["population"]
    tables["population"] = pd.concat([pop, pop.iloc[[40]]], ignore_index=True)
    problem = find(
        problems_of(write_ward(tmp_path / "ward", tables)),
        "population.csv",
        "more than once",
        column="quarter_id, year, age",
    )
    last = len(pop) + 2
    assert problem.row == last and f"rows 42, {last}" in problem.message
    assert (
        f"quarter_id '{pop.at[40, 'quarter_id']}', year {pop.at[40, 'year']}, age {pop.at[40, 'age']}"
        in problem.message
    )


def test_duplicate_population_rows_with_sex(tmp_path: Path) -> None:
    tables = valid_tables()
    pop = tables["population"]
    both = pd.concat([pop.assign(sex="M"), pop.assign(sex="F")], ignore_index=True)
    both.loc[5, "sex"] = "F"  # now quarter 01, 2019, age 5, F appears twice and M is missing
    tables["population"] = both
    problems = problems_of(write_ward(tmp_path / "ward", tables))
    find(problems, "population.csv", "more than once", row=len(pop) + 5 + 2)


# --- unknown references --------------------------------------------------------------------


@pytest.mark.parametrize("table", ["population", "births", "housing", "zones", "distances"])
def test_unknown_quarter_referenced(tmp_path: Path, table: str) -> None:
    tables = valid_tables()
    tables[table].loc[1, "quarter_id"] = "KP9"
    problems = problems_of(write_ward(tmp_path / "ward", tables))
    problem = find(problems, f"{table}.csv", "'KP9' is not a quarter", row=3, column="quarter_id")
    assert "quarters.geojson" in problem.message and "01, 02, KP3" in problem.fix


@pytest.mark.parametrize("table", ["zones", "distances"])
def test_unknown_school_referenced(tmp_path: Path, table: str) -> None:
    tables = valid_tables()
    tables[table].loc[4, "school_id"] = "TH1"
    problems = problems_of(write_ward(tmp_path / "ward", tables))
    problem = find(problems, f"{table}.csv", "'TH1' is not a school", row=6, column="school_id")
    assert "did you mean 'TH01'" in problem.message


def test_quarter_without_population(tmp_path: Path) -> None:
    tables = valid_tables()
    pop = tables["population"]
    tables["population"] = pop[pop["quarter_id"] != "KP3"]
    find(problems_of(write_ward(tmp_path / "ward", tables)), "population.csv", "'KP3'", column="quarter_id")


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [("-4", "negative"), ("12.5", "not a whole number"), ("mười", "not a number"), ("", "empty")],
)
def test_bad_count(tmp_path: Path, value: str, text: str) -> None:
    tables = valid_tables()
    tables["population"].loc[10, "count"] = value
    problem = find(problems_of(write_ward(tmp_path / "ward", tables)), "population.csv", text, row=12, column="count")
    assert str(problem).startswith("population.csv, row 12, column 'count': ")


@pytest.mark.parametrize(
    ("table", "column", "value", "text"),
    [
        ("births", "births", "-1", "negative"),
        ("housing", "new_dwellings", "7.5", "not a whole number"),
        ("schools", "classrooms", "-2", "negative"),
        ("distances", "metres", "-10", "negative"),
        ("schools", "sessions_per_day", "3", "above 2"),
        ("schools", "lat", "", "empty"),
    ],
)
def test_bad_numbers_in_other_tables(tmp_path: Path, table: str, column: str, value: str, text: str) -> None:
    tables = valid_tables()
    tables[table].loc[1, column] = value
    find(problems_of(write_ward(tmp_path / "ward", tables)), f"{table}.csv", text, row=3, column=column)


def test_many_bad_rows_are_summarised(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["population"].loc[0:49, "count"] = "-1"
    problems = [p for p in problems_of(write_ward(tmp_path / "ward", tables)) if p.column == "count"]
    assert len(problems) == 21  # 20 rows one by one, then one summary of the 30 others
    assert [p.row for p in problems[:20]] == list(range(2, 22))
    assert problems[20].row == 22 and "30 more rows" in problems[20].message


def test_too_many_values_in_a_row(tmp_path: Path) -> None:
    folder = write_ward(tmp_path / "ward")
    lines = (folder / "schools.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("106.915", "106,915")
    (folder / "schools.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = find(problems_of(folder), "schools.csv", "12 values but the header has 11", row=3)
    assert "decimal comma" in problem.message


# --- ages and years ------------------------------------------------------------------------


def test_year_with_missing_ages(tmp_path: Path) -> None:
    tables = valid_tables()
    pop = tables["population"]
    tables["population"] = pop[~((pop["year"] == "2021") & pop["age"].isin(["7", "8"]))]
    problem = find(problems_of(write_ward(tmp_path / "ward", tables)), "population.csv", "year 2021", column="age")
    assert "age(s) 7, 8" in problem.message


def test_ages_must_reach_18(tmp_path: Path) -> None:
    tables = valid_tables()
    pop = tables["population"]
    tables["population"] = pop[pop["age"].astype(int) <= 15]
    problems = problems_of(write_ward(tmp_path / "ward", tables))
    assert {p.message.split(":")[0] for p in problems if p.column == "age"} == {f"year {y}" for y in range(2019, 2025)}
    assert "16, 17, 18" in problems[0].message


def test_one_quarter_missing_ages(tmp_path: Path) -> None:
    tables = valid_tables()
    pop = tables["population"]
    tables["population"] = pop[~((pop["quarter_id"] == "KP3") & (pop["year"] == "2022") & (pop["age"] == "0"))]
    problem = find(
        problems_of(write_ward(tmp_path / "ward", tables)), "population.csv", "'KP3', year 2022", column="age"
    )
    assert "age(s) 0" in problem.message


def test_gap_in_years(tmp_path: Path) -> None:
    tables = valid_tables()
    pop = tables["population"]
    tables["population"] = pop[pop["year"] != "2021"]
    problem = find(problems_of(write_ward(tmp_path / "ward", tables)), "population.csv", "2021", column="year")
    assert "gaps" in problem.message


def test_single_year_is_not_enough(tmp_path: Path) -> None:
    tables = valid_tables()
    pop = tables["population"]
    tables["population"] = pop[pop["year"] == "2024"]
    tables["ward.toml"] = WARD_TOML.replace("base_year = 2024\n", "")
    find(problems_of(write_ward(tmp_path / "ward", tables)), "population.csv", "at least two", column="year")


# --- schools -------------------------------------------------------------------------------


def test_lon_lat_swapped(tmp_path: Path) -> None:
    tables = valid_tables()
    schools = tables["schools"]
    schools.loc[1, ["lon", "lat"]] = [schools.at[1, "lat"], schools.at[1, "lon"]]
    problem = find(problems_of(write_ward(tmp_path / "ward", tables)), "schools.csv", "swapped", row=3, column="lon")
    assert "exchange" in problem.fix


def test_school_outside_viet_nam(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["schools"].loc[0, ["lon", "lat"]] = ["2.35", "48.85"]
    find(problems_of(write_ward(tmp_path / "ward", tables)), "schools.csv", "not in Viet Nam", row=2, column="lon")


def test_school_outside_the_ward(tmp_path: Path) -> None:
    tables = valid_tables()
    # 0.03° north of the quarters' top edge ≈ 3.3 km outside; 0.005° ≈ 0.55 km is tolerated
    tables["schools"].loc[2, "lat"] = str(LAT0 + STEP + 0.03)
    tables["schools"].loc[0, "lat"] = str(LAT0 + STEP + 0.005)
    problems = problems_of(write_ward(tmp_path / "ward", tables))
    problem = find(problems, "schools.csv", "outside the ward", row=4, column="lon")
    assert "3.3 km" in problem.message
    assert not [p for p in problems if p.row == 2]


def test_opens_after_closes(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["schools"].loc[1, ["opens", "closes"]] = ["2028", "2026"]
    tables["schools"].loc[2, ["opens", "closes"]] = ["2027", "2027"]  # open in no school year
    tables["schools"].loc[0, ["opens", "closes"]] = ["2026", "2027"]  # open in 2026–2027 only: fine
    problems = problems_of(write_ward(tmp_path / "ward", tables))
    find(problems, "schools.csv", "opens 2028 is not before closes 2026", row=3, column="opens")
    find(problems, "schools.csv", "opens 2027 is not before closes 2027", row=4, column="opens")
    assert len(problems) == 2


@pytest.mark.parametrize(
    ("value", "text"),
    [("THPT", "not a level tuyensinh plans"), ("tieuhoc", "did you mean 'tieu_hoc'"), ("cap ba", "not a known level")],
)
def test_unknown_level(tmp_path: Path, value: str, text: str) -> None:
    tables = valid_tables()
    tables["schools"].loc[1, "level"] = value
    tables["zones"] = None
    problem = find(problems_of(write_ward(tmp_path / "ward", tables)), "schools.csv", text, row=3, column="level")
    assert "mam_non" in problem.message and "tieu_hoc" in problem.message and "thcs" in problem.message


def test_unknown_sex(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["population"]["sex"] = "M"
    tables["population"].loc[3, "sex"] = "X"
    find(
        problems_of(write_ward(tmp_path / "ward", tables)),
        "population.csv",
        "'X' is not a sex code",
        row=5,
        column="sex",
    )


# --- zones ---------------------------------------------------------------------------------


def test_zone_shares_must_sum_to_one(tmp_path: Path) -> None:
    tables = valid_tables()
    zones = tables["zones"]
    extra = pd.DataFrame({"quarter_id": ["02"], "level": ["thcs"], "school_id": ["THCS01"], "share": ["0.3"]})
    zones.loc[7, "share"] = "0.6"
    zones.loc[7, "school_id"] = "THCS01"
    tables["schools"] = pd.concat(
        [tables["schools"], tables["schools"].iloc[[2]].assign(school_id="THCS02")], ignore_index=True
    )
    extra["school_id"] = "THCS02"
    tables["zones"] = pd.concat([zones, extra], ignore_index=True)
    problem = find(
        problems_of(write_ward(tmp_path / "ward", tables)), "zones.csv", "add up to 0.9", row=9, column="share"
    )
    assert "rows 9, 11" in problem.message


def test_zone_split_summing_to_one_is_valid(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["schools"] = pd.concat(
        [tables["schools"], tables["schools"].iloc[[2]].assign(school_id="THCS02")], ignore_index=True
    )
    tables["zones"].loc[7, "share"] = "0.4"
    extra = pd.DataFrame({"quarter_id": ["02"], "level": ["thcs"], "school_id": ["THCS02"], "share": ["0.6"]})
    tables["zones"] = pd.concat([tables["zones"], extra], ignore_index=True)
    ward = load_ward(write_ward(tmp_path / "ward", tables))
    assert ward.zones is not None
    sums = ward.zones.groupby(["quarter_id", "level"])["share"].sum()
    assert np.allclose(sums, 1.0) and len(sums) == 9


def test_zone_school_of_another_level(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["zones"].loc[4, "school_id"] = "THCS01"  # a tieu_hoc row
    find(problems_of(write_ward(tmp_path / "ward", tables)), "zones.csv", "is a thcs school", row=6, column="level")


def test_zone_level_must_cover_every_quarter(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["zones"] = tables["zones"].drop(index=8)
    problem = find(problems_of(write_ward(tmp_path / "ward", tables)), "zones.csv", "level thcs", column="quarter_id")
    assert "'KP3'" in problem.message


# --- quarters geometry and CRS -------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_missing_crs_in_a_geopackage(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["quarters"] = tables["quarters"].to_crs("EPSG:3405").set_crs(None, allow_override=True)
    folder = write_ward(tmp_path / "ward", tables, quarters_format="gpkg")
    find(problems_of(folder), "quarters.gpkg", "no coordinate reference system")


def test_geojson_in_metres_without_crs(tmp_path: Path) -> None:
    tables = valid_tables()
    folder = write_ward(tmp_path / "ward", tables)
    projected = tables["quarters"].to_crs("EPSG:3405")
    collection = json.loads(projected.to_json())
    collection.pop("crs", None)  # GeoJSON without a "crs" member: readers take it as EPSG:4326
    (folder / "quarters.geojson").write_text(json.dumps(collection), encoding="utf-8")
    find(problems_of(folder), "quarters.geojson", "the CRS is missing")


def test_quarters_in_the_wrong_crs(tmp_path: Path) -> None:
    tables = valid_tables()
    # coordinates made in VN-2000 / UTM 48N but labelled Web Mercator: the map lands in Africa
    tables["quarters"] = tables["quarters"].to_crs("EPSG:3405").set_crs("EPSG:3857", allow_override=True)
    folder = write_ward(tmp_path / "ward", tables, quarters_format="gpkg")
    find(problems_of(folder), "quarters.gpkg", "outside Viet Nam")


def test_empty_invalid_and_point_geometries(tmp_path: Path) -> None:
    tables = valid_tables()
    quarters = tables["quarters"]
    bowtie = Polygon([(LON0, LAT0), (LON0 + STEP, LAT0 + STEP), (LON0 + STEP, LAT0), (LON0, LAT0 + STEP)])
    quarters = gpd.GeoDataFrame(
        quarters.drop(columns="geometry"),
        geometry=[Polygon(), bowtie, Point(LON0 + 0.025, LAT0 + 0.005)],
        crs="EPSG:4326",
    )
    tables["quarters"] = quarters
    problems = problems_of(write_ward(tmp_path / "ward", tables))
    find(problems, "quarters.geojson", "feature 1 (quarter_id '01') has an empty geometry", column="geometry")
    find(
        problems,
        "quarters.geojson",
        "feature 2 (quarter_id '02') has an invalid polygon (Self-intersection",
        column="geometry",
    )
    find(problems, "quarters.geojson", "feature 3 (quarter_id 'KP3') is a Point", column="geometry")


def test_overlapping_quarters(tmp_path: Path) -> None:
    tables = valid_tables()
    quarters = tables["quarters"]
    quarters.loc[1, "geometry"] = box(LON0 + STEP / 2, LAT0, LON0 + 2 * STEP, LAT0 + STEP)  # covers half of 01
    problem = find(problems_of(write_ward(tmp_path / "ward", tables)), "quarters.geojson", "overlap", column="geometry")
    assert "'01' (feature 1) and '02' (feature 2)" in problem.message and "(50% of the smaller one)" in problem.message


# --- text encoding -------------------------------------------------------------------------


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: letters with their vowel marks, tone marks as combining characters."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS)) + tones)
    return "".join(out).encode("cp1258")


def test_windows_code_page_csv_is_refused_with_row_and_column(tmp_path: Path) -> None:
    folder = write_ward(tmp_path / "ward")
    text = (folder / "schools.csv").read_text(encoding="utf-8")
    (folder / "schools.csv").write_bytes(to_cp1258(text.replace("Trường Mầm non", "Truong Mam non")))
    problem = find(problems_of(folder), "schools.csv", "not UTF-8", row=3, column="name")
    assert "CSV UTF-8" in problem.fix
    assert "Trường Tiểu học" in problem.message  # the row as it reads in code page 1258


def test_cp1252_csv_is_refused(tmp_path: Path) -> None:
    folder = write_ward(tmp_path / "ward")
    text = "quarter_id,year,births\n01,2019,25\nPhường Hòa,2020,3\n"
    (folder / "births.csv").write_bytes(text.encode("cp1252", errors="replace").replace(b"?", b"\xe0"))
    find(problems_of(folder), "births.csv", "not UTF-8", row=3, column="quarter_id")


def test_utf16_unicode_text_is_refused(tmp_path: Path) -> None:
    folder = write_ward(tmp_path / "ward")
    text = (folder / "births.csv").read_text(encoding="utf-8")
    (folder / "births.csv").write_bytes(text.replace(",", "\t").encode("utf-16"))
    problem = find(problems_of(folder), "births.csv", "UTF-16")
    assert "CSV UTF-8" in problem.fix


# --- ward.toml -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "text", "row", "column"),
    [
        (WARD_TOML.replace('name = "Phước Bình"', "name = Phước Bình"), "not valid TOML at line 3", 3, None),
        (WARD_TOML.replace('crs = "EPSG:3405"', 'crs = "EPSG:99999"'), "not a coordinate reference system", 6, "crs"),
        (WARD_TOML.replace('crs = "EPSG:3405"', 'crs = "EPSG:4326"'), "not projected", 6, "crs"),
        (
            WARD_TOML.replace("base_year = 2024", "base_year = 2026"),
            "not a year of population.csv (2019–2024)",
            7,
            "base_year",
        ),
        (
            WARD_TOML.replace("horizon = 2030", "horizon = 2020"),
            "horizon 2020 is not after base_year 2024",
            8,
            "horizon",
        ),
        (WARD_TOML.replace("base_year", "base-year"), "did you mean 'base_year'", 7, "base-year"),
        (WARD_TOML.replace('code = "25220"', 'code = "2522"'), "5-digit", 2, "code"),
        (WARD_TOML.replace('setting = "urban"', 'setting = "city"'), "setting 'city'", 9, "setting"),
        (WARD_TOML.replace("mau_giao = 0.99", "mau_giao = 99"), "cannot exceed 1", 16, "rates.participation.mau_giao"),
        (WARD_TOML.replace("[ward]", "[xa]"), "[ward] table is missing", None, None),
        (WARD_TOML.replace('name = "Phước Bình"\n', ""), "name is missing", None, "name"),
        ("wrad = 1\n" + WARD_TOML, "unknown table or key 'wrad' (did you mean [ward]?)", 1, "wrad"),
    ],
)
def test_bad_ward_toml(tmp_path: Path, toml: str, text: str, row: int | None, column: str | None) -> None:
    tables = valid_tables()
    tables["ward.toml"] = toml
    problem = find(problems_of(write_ward(tmp_path / "ward", tables)), "ward.toml", text, row=row, column=column)
    assert problem.fix


# --- everything together, nothing half-loaded ---------------------------------------------


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["population"].loc[3, "count"] = "-1"
    tables["schools"].loc[0, "classrooms"] = "-8"
    tables["births"].loc[2, "quarter_id"] = "XX"
    tables["ward.toml"] = WARD_TOML.replace('crs = "EPSG:3405"', 'crs = "EPSG:4326"')
    problems = problems_of(write_ward(tmp_path / "ward", tables))
    assert {(p.file, p.row, p.column) for p in problems} == {
        ("population.csv", 5, "count"),
        ("schools.csv", 2, "classrooms"),
        ("births.csv", 4, "quarter_id"),
        ("ward.toml", 6, "crs"),
    }


def test_error_report_lists_every_problem(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["population"].loc[3, "count"] = "-1"
    tables["schools"].loc[0, "classrooms"] = "-8"
    with pytest.raises(WardDataError) as info:
        load_ward(write_ward(tmp_path / "ward", tables))
    report = str(info.value)
    assert "2 problem(s)" in report
    assert "population.csv, row 5, column 'count': -1 is negative" in report
    assert "schools.csv, row 2, column 'classrooms': -8 is negative" in report


# --- the embedded sample wards -------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["phuoc_binh_dir", "thien_hoa_dir"])
def test_sample_wards_load(request: pytest.FixtureRequest, fixture: str) -> None:
    folder: Path = request.getfixturevalue(fixture)
    if not (folder / "ward.toml").exists():
        pytest.fail(
            f"sample ward {folder.name} missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards"
        )
    ward = load_ward(folder)
    assert 15 <= len(ward.quarters) <= 40
    assert ward.population["count"].ge(0).all()
    assert set(ward.population["quarter_id"]) == set(ward.quarters["quarter_id"])
    assert set(ward.schools["level"]) == {"mam_non", "tieu_hoc", "thcs"}
    assert ward.schools_projected().distance(ward.boundary).max() <= 2000
    assert ward.base_year in ward.years and ward.horizon > ward.base_year


# --- more layout cases ---------------------------------------------------------------------


def test_blank_rows_and_trailing_separators_keep_spreadsheet_rows(tmp_path: Path) -> None:
    folder = write_ward(tmp_path / "ward")
    lines = (folder / "births.csv").read_text(encoding="utf-8").splitlines()
    lines = [line + "," for line in lines]  # Excel's empty trailing column
    lines.insert(3, ",,,")  # a blank spreadsheet row 4
    lines[5] = lines[5].replace(",25,", ",-25,")  # spreadsheet row 6
    (folder / "births.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = problems_of(folder)
    assert len(problems) == 1
    find(problems, "births.csv", "-25 is negative", row=6, column="births")


def test_numeric_quarter_ids_in_the_map_match_text_ids(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["quarters"]["quarter_id"] = [1, 2, 3]
    for name in ("population", "births", "zones", "distances"):
        tables[name]["quarter_id"] = tables[name]["quarter_id"].map({"01": "1", "02": "2", "KP3": "3"})
    tables["housing"]["quarter_id"] = "2"
    ward = load_ward(write_ward(tmp_path / "ward", tables))
    assert ward.quarters["quarter_id"].tolist() == ["1", "2", "3"]


def test_both_map_files_present(tmp_path: Path) -> None:
    folder = write_ward(tmp_path / "ward")
    valid_tables()["quarters"].to_file(folder / "quarters.gpkg", driver="GPKG")
    find(problems_of(folder), "quarters.geojson", "both quarters.geojson and quarters.gpkg")


def test_geopackage_with_a_quarters_layer_among_others(tmp_path: Path) -> None:
    tables = valid_tables()
    folder = write_ward(tmp_path / "ward", {**tables, "quarters": None})
    tables["quarters"].to_file(folder / "quarters.gpkg", layer="roads", driver="GPKG")
    tables["quarters"].to_file(folder / "quarters.gpkg", layer="quarters", driver="GPKG")
    assert load_ward(folder).quarters["quarter_id"].tolist() == QUARTER_IDS
    folder2 = write_ward(tmp_path / "ward2", {**tables, "quarters": None})
    tables["quarters"].to_file(folder2 / "quarters.gpkg", layer="roads", driver="GPKG")
    tables["quarters"].to_file(folder2 / "quarters.gpkg", layer="khu_pho", driver="GPKG")
    find(problems_of(folder2), "quarters.gpkg", "none is named 'quarters'")


def test_default_base_year_and_horizon_checks(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["ward.toml"] = WARD_TOML.replace("base_year = 2024\n", "").replace("horizon = 2030", "horizon = 2024")
    find(
        problems_of(write_ward(tmp_path / "a", tables)),
        "ward.toml",
        "last population year 2024",
        row=7,
        column="horizon",
    )
    tables["ward.toml"] = WARD_TOML.replace("base_year = 2024", "base_year = 2019")
    find(problems_of(write_ward(tmp_path / "b", tables)), "ward.toml", "first year", row=7, column="base_year")


def test_one_wrong_cell_is_reported_once_not_as_missing_rows(tmp_path: Path) -> None:
    tables = valid_tables()
    tables["population"].loc[1, "quarter_id"] = "KP9"  # was quarter 01, 2019, age 1
    problems = problems_of(write_ward(tmp_path / "a", tables))
    assert [p.column for p in problems] == ["quarter_id", "age"]  # the typo, and the hole it leaves in '01'
    find(problems, "population.csv", "quarter_id '01', year 2019: no row for age(s) 1", column="age")
    tables = valid_tables()
    tables["population"].loc[1, "age"] = "một"
    problems = problems_of(write_ward(tmp_path / "b", tables))
    assert len(problems) == 1 and problems[0].row == 3 and problems[0].column == "age"


def test_a_quarter_may_start_later_or_stop_but_not_skip_a_year(tmp_path: Path) -> None:
    tables = valid_tables()
    pop = tables["population"]
    year = pop["year"].astype(int)
    new = (pop["quarter_id"] == "02") & (year < 2021)  # a new quarter: first year 2021
    gone = (pop["quarter_id"] == "KP3") & (year > 2022)  # merged away after 2022
    tables["population"] = pop[~new & ~gone].reset_index(drop=True)
    ward = load_ward(write_ward(tmp_path / "a", tables))
    years = ward.population.groupby("quarter_id")["year"].agg(["min", "max"])
    assert years.loc["02"].tolist() == [2021, 2024] and years.loc["KP3"].tolist() == [2019, 2022]
    assert years.loc["01"].tolist() == [2019, 2024]
    # a year missing between a quarter's first and last year is still a hole, named once
    tables = valid_tables()
    pop = tables["population"]
    tables["population"] = pop[~((pop["quarter_id"] == "02") & (pop["year"].astype(int) == 2021))].reset_index(
        drop=True
    )
    problems = problems_of(write_ward(tmp_path / "b", tables))
    assert len(problems) == 1
    find(problems, "population.csv", "quarter_id '02', year 2021: no row for age(s) 0, 1, 2", column="age")
