"""Data problems are worded in Vietnamese by default and in English with lang="en", losing nothing.

Runs the loader on many broken ward folders (one or several faults each) and checks every
problem it reports in both languages; checks the catalog itself (both languages, same
placeholders, every key the loader uses is there) and the `validate` command's output.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon, box
from ward_builder import LAT0, LON0, STEP, WARD_TOML, valid_tables, write_ward

from tuyensinh.cli import main
from tuyensinh.ward import load_ward
from tuyensinh.ward.errors import Problem, WardDataError
from tuyensinh.words.problems import CATALOG, UNITS, Text, placeholders, text

SRC = Path(__file__).resolve().parents[3] / "src" / "tuyensinh"
LOADER_MODULES = [
    "ward/folder.py",
    "ward/config.py",
    "ward/tables.py",
    "ward/columns.py",
    "ward/quarters.py",
    "ward/cells.py",
    "ward/cross_checks.py",
    "ward/context.py",
    "ward/enrolment.py",
    "ward/norm_problems.py",
    "scenarios/changes.py",
    "scenarios/places.py",
    "scenarios/checks.py",
    "scenarios/file.py",
    "scenarios/fit.py",
]  # the scenarios file of `compare` words its problems from the same catalog
VIETNAMESE_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


def _words(template: str) -> set[str]:
    without_fields = re.sub(r"\{[^}]*\}", " ", template)
    tokens = (w.strip(".") for w in re.findall(r"[A-Za-z0-9_².]+", without_fields))  # norms.max_class_size is one
    return {w.lower() for w in tokens if len(w) >= 3 and not w[0].isdigit()}


# English words of the templates that no Vietnamese template uses (codes, file names, QGIS menu
# items and other shared words are excluded by construction): none may show in a Vietnamese text.
ENGLISH_ONLY = set().union(*(_words(en) for _, en in CATALOG.values())) - set().union(
    *(_words(vi) for vi, _ in CATALOG.values())
)


def _column_names() -> set[str]:
    from tuyensinh.ward.tables import BIRTHS, DISTANCES, HOUSING, POPULATION, SCHOOLS, ZONES

    return {c.name for spec in (POPULATION, SCHOOLS, BIRTHS, HOUSING, ZONES, DISTANCES) for c in spec.columns}


# Column names are the planner's headers and appear as written in both languages (the catalog
# templates themselves are checked without this exception).
COLUMN_NAMES = _column_names()


# --- the catalog --------------------------------------------------------------------------------


def test_english_only_vocabulary_is_meaningful() -> None:
    # the check below is only as good as this list: it must hold the everyday English words
    assert {"missing", "must", "the", "row", "column", "mean", "add", "write", "quarter", "school"} <= ENGLISH_ONLY


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_catalog_has_both_languages_with_the_same_placeholders(key: str) -> None:
    vi, en = CATALOG[key]
    assert vi.strip() and en.strip()
    assert placeholders(vi) == placeholders(en), key
    for template in (vi, en):
        list(string.Formatter().parse(template))  # well-formed braces
    if key != "word.unit":  # " ({unit})" is the same in both languages
        assert vi != en
        assert set(vi.lower()) & VIETNAMESE_LETTERS, f"{key}: Vietnamese text without diacritics: {vi!r}"
        assert not _words(vi) & ENGLISH_ONLY, key


def test_every_key_the_loader_uses_is_in_the_catalog_and_every_entry_is_used() -> None:
    sources = "\n".join((SRC / name).read_text(encoding="utf-8") for name in [*LOADER_MODULES, "words/problems.py"])
    sources = sources.split("CATALOG: dict[str, tuple[str, str]] = {")[0] + sources.split("# Units of the table")[-1]
    literals = set(re.findall(r'"([a-z]+\.[a-z_0-9.]+)"', sources))
    used = {key for key in literals if not key.endswith((".csv", ".toml", ".geojson", ".gpkg", ".py", ".md"))}
    assert used, "no catalog key found in the loader modules"
    assert used - set(CATALOG) == set(), "keys used in the code but missing from the catalog"
    assert set(CATALOG) - used == set(), "catalog entries that nothing uses"


def test_text_renders_nested_texts_per_language() -> None:
    hint = text("hint.did_you_mean", guess="TH01")
    rendered = text(
        "table.unknown_reference",
        column="school_id",
        value="TH1",
        noun=text("noun.school"),
        source="schools.csv",
        hint=hint,
    )
    assert rendered == Text(
        "school_id 'TH1' không phải là trường trong schools.csv (có phải là 'TH01'?)",
        "school_id 'TH1' is not a school of schools.csv (did you mean 'TH01'?)",
    )
    assert rendered.get("vi") == rendered.vi and rendered.get("en") == rendered.en
    with pytest.raises(ValueError, match="unknown output language"):
        rendered.get("fr")


def test_every_unit_of_the_tables_has_a_vietnamese_word() -> None:
    from tuyensinh.ward.tables import BIRTHS, DISTANCES, HOUSING, POPULATION, SCHOOLS, ZONES

    units = {
        c.unit for spec in (POPULATION, SCHOOLS, BIRTHS, HOUSING, ZONES, DISTANCES) for c in spec.columns if c.unit
    }
    assert units <= set(UNITS)


# --- Problem and WardDataError --------------------------------------------------------------------


def test_problem_text_in_both_languages() -> None:
    problem = Problem.of(
        "population.csv", text("table.not_number", value="abc"), text("fix.table.number"), row=12, column="count"
    )
    assert (
        problem.text("en")
        == str(problem)
        == (
            "population.csv, row 12, column 'count': 'abc' is not a number. Fix: write a plain number (digits, a dot "
            "for decimals, no spaces or thousands separators)"
        )
    )
    assert (
        problem.text()
        == problem.text("vi")
        == (
            "population.csv, dòng 12, cột 'count': 'abc' không phải là số. Cách sửa: ghi một số bình thường (chữ số, "
            "dấu chấm cho phần thập phân, không có dấu cách hay dấu phân cách hàng nghìn)"
        )
    )
    assert problem.text("vi", with_file=False).startswith("dòng 12, cột 'count': ")
    plain = Problem("x.csv", "something is wrong", "do this")  # built without Vietnamese: English shown
    assert plain.text("vi") == "x.csv: something is wrong. Cách sửa: do this"
    with pytest.raises(ValueError):
        problem.text("fr")


def test_ward_data_error_report_is_vietnamese_by_default() -> None:
    problem = Problem.of("ward.toml", text("toml.name"), text("fix.toml.name"), row=3, column="name")
    error = WardDataError("w", [problem])
    assert error.report() == (
        "Thư mục w có 1 lỗi cần sửa:\n  - ward.toml, dòng 3, cột 'name': name bị thiếu hoặc để "
        'trống. Cách sửa: ghi ví dụ name = "Phước Bình"'
    )
    assert (
        error.report("en")
        == str(error)
        == (
            "The ward folder w has 1 problem(s):\n  - ward.toml, row 3, column "
            "'name': name is missing or empty. Fix: write for example name = \"Phước Bình\""
        )
    )


# --- every problem the loader reports, on many broken folders ---------------------------------


def _toml(old: str, new: str) -> str:
    assert old in WARD_TOML
    return WARD_TOML.replace(old, new)


def _broken_context(folder: Path) -> None:
    """context/: a layer mixing points and lines, and a file that is not GeoJSON."""
    (folder / "context").mkdir()
    gpd.GeoDataFrame(
        geometry=[Point(LON0, LAT0), LineString([(LON0, LAT0), (LON0 + STEP, LAT0)])], crs="EPSG:4326"
    ).to_file(folder / "context" / "duong.geojson")
    (folder / "context" / "song.geojson").write_text("{ not json", encoding="utf-8")


def _scenarios() -> dict[str, Callable[[Path], None]]:
    """name -> function(folder) that writes a broken ward folder."""

    def tables_with(**changes: object):
        def build(folder: Path) -> None:
            tables = valid_tables()
            for name, change in changes.items():
                tables[name] = change(tables[name]) if callable(change) else change
            write_ward(folder, tables)

        return build

    def cells(**edits: dict):
        def change(frame: pd.DataFrame) -> pd.DataFrame:
            frame = frame.copy()
            for column, values in edits.items():
                for index, value in values.items():
                    frame.loc[index, column] = value
            return frame

        return change

    def after(build, edit):
        def run(folder: Path) -> None:
            build(folder)
            edit(folder)

        return run

    valid = tables_with()
    quarters = valid_tables()["quarters"]
    overlapping = quarters.copy()
    overlapping.loc[1, "geometry"] = box(LON0 + STEP / 2, LAT0, LON0 + 2 * STEP, LAT0 + STEP)
    bowtie = Polygon([(LON0, LAT0), (LON0 + STEP, LAT0 + STEP), (LON0 + STEP, LAT0), (LON0, LAT0 + STEP)])
    odd_shapes = gpd.GeoDataFrame(
        quarters.drop(columns="geometry"),
        geometry=[Polygon(), bowtie, Point(LON0 + 0.025, LAT0 + 0.005)],
        crs="EPSG:4326",
    )
    twin_ids = quarters.assign(quarter_id=["01", "01", "KP3"], name=["A", None, "C"])

    def metres_geojson(folder: Path) -> None:
        collection = json.loads(quarters.to_crs("EPSG:3405").to_json())
        collection.pop("crs", None)
        (folder / "quarters.geojson").write_text(json.dumps(collection), encoding="utf-8")

    return {
        "toml_values": tables_with(
            **{
                "ward.toml": lambda _: (
                    _toml('code = "25220"', 'code = "2522"')
                    .replace('kind = "phường"', 'kind = "thị trấn"')
                    .replace('setting = "urban"', 'setting = "urbn"\nbasee_year = 2024')
                    .replace('crs = "EPSG:3405"', 'crs = "EPSG:4326"')
                    .replace("horizon = 2030", "horizon = 2020")
                    .replace("nha_tre = 0.47", "nha_tre = 47")
                    .replace("thcs = 40", 'thcs = "bốn mươi"')
                    .replace('name = "Phước Bình"', 'name = ""')
                    + "\n[norm]\nx = 1\n"
                )
            }
        ),
        "toml_norms": tables_with(
            **{
                "ward.toml": lambda _: (
                    _toml("thcs = 40", "thcs = 50\ntieu_hoc = 30.5\nmam_non = nan")
                    + "\n[norms.rooms_per_class]\ntieu_hoc = 3\nsessions_1 = 2\n[norms.cohort_age]\n"
                    "lop_1 = 7\n[norms.school_min_classes.thcs]\nx = 3\n"
                )
            }
        ),
        "toml_crs_unknown": tables_with(**{"ward.toml": lambda _: _toml('crs = "EPSG:3405"', 'crs = "EPSG:999999"')}),
        "toml_crs_feet": tables_with(
            **{
                "ward.toml": lambda _: _toml('crs = "EPSG:3405"', 'crs = "EPSG:2227"').replace(
                    "base_year = 2024", 'base_year = "2024"'
                )
            }
        ),
        "toml_crs_number": tables_with(
            **{"ward.toml": lambda _: _toml('crs = "EPSG:3405"', "crs = 3405") + "\nnorms = 5\n"}
        ),
        "toml_syntax": tables_with(**{"ward.toml": lambda _: _toml('name = "Phước Bình"', "name = Phước Bình")}),
        "toml_end": tables_with(**{"ward.toml": lambda _: "[ward]\ncode = "}),
        "toml_not_utf8": after(valid, lambda f: (f / "ward.toml").write_bytes(WARD_TOML.encode("utf-16-le"))),
        "toml_missing": tables_with(**{"ward.toml": None}),
        "toml_no_ward": tables_with(**{"ward.toml": lambda _: "[norms.max_class_size]\nthcs = 40\n"}),
        "base_year_outside": tables_with(
            **{
                "ward.toml": lambda _: _toml("base_year = 2024", "base_year = 2026").replace(
                    "horizon = 2030", "horizon = 2031"
                )
            }
        ),
        "base_year_first": tables_with(**{"ward.toml": lambda _: _toml("base_year = 2024", "base_year = 2019")}),
        "horizon_no_base": tables_with(
            **{"ward.toml": lambda _: _toml("base_year = 2024\n", "").replace("horizon = 2030", "horizon = 2023")}
        ),
        "map_missing": tables_with(quarters=None),
        "map_both": after(valid, lambda f: (f / "quarters.gpkg").write_bytes(b"")),
        "map_overlap": tables_with(quarters=overlapping),
        "map_shapes": tables_with(quarters=odd_shapes),
        "map_ids": tables_with(quarters=twin_ids),
        "map_no_attributes": tables_with(quarters=quarters[["geometry"]]),
        "map_attribute": tables_with(quarters=quarters.drop(columns="name")),
        "map_metres": after(valid, metres_geojson),
        "map_unreadable": after(valid, lambda f: (f / "quarters.geojson").write_text("{not json", encoding="utf-8")),
        "map_not_utf8": after(
            valid,
            lambda f: (f / "quarters.geojson").write_bytes(
                (f / "quarters.geojson").read_text(encoding="utf-8").encode("cp1258", errors="replace")
            ),
        ),
        "map_wrong_crs": tables_with(quarters=quarters.to_crs("EPSG:3405").set_crs("EPSG:3857", allow_override=True)),
        "population_cells": tables_with(
            population=cells(count={10: "-4", 11: "7.5", 12: "abc"}, quarter_id={20: "KP9", 21: ""}, age={30: "130"})
        ),
        "population_many": tables_with(population=cells(count=dict.fromkeys(range(60), "x"))),
        "population_grid": tables_with(population=lambda p: p.drop(index=[40, 41, 200])),
        "population_holes": tables_with(population=lambda p: p[~((p["age"] == "5") & (p["year"] != "2019"))]),
        "population_year_gap": tables_with(population=lambda p: p[p["year"] != "2021"]),
        "population_one_year": tables_with(
            population=lambda p: p[p["year"] == "2024"], **{"ward.toml": lambda _: _toml("base_year = 2024\n", "")}
        ),
        "population_unpopulated": tables_with(population=lambda p: p[p["quarter_id"] != "KP3"]),
        "population_sex": tables_with(
            population=lambda p: p.assign(sex="M").pipe(lambda q: q.assign(sex=q["sex"].where(q.index != 5, "X")))
        ),
        "population_sex_hole": tables_with(
            population=lambda p: pd.concat([p.assign(sex="M"), p.assign(sex="F")], ignore_index=True).drop(index=[5])
        ),
        "schools_missing": tables_with(schools=None),
        "zones_share_range": tables_with(zones=cells(share={0: "1.5"})),
        "population_duplicates": tables_with(population=lambda p: pd.concat([p, p.iloc[[3]]], ignore_index=True)),
        "population_missing": tables_with(population=None),
        "population_empty_rows": tables_with(population=lambda p: p.iloc[:0]),
        "population_column": tables_with(population=lambda p: p.rename(columns={"count": "so_nguoi"})),
        "schools_cells": tables_with(
            schools=cells(
                level={0: "THPT", 1: "Tieu hox"},
                lon={2: "11.8"},
                lat={2: "106.93"},
                sessions_per_day={0: "3"},
                max_class_size={1: "70", 2: "0"},
                land_m2={2: "abc"},
                opens={1: "2030"},
                closes={1: "2028"},
            )
        ),
        "schools_far": tables_with(schools=cells(lon={1: "100.5"}, lat={1: "30"}, classrooms={2: ""})),
        "schools_outside_ward": tables_with(schools=cells(lon={1: str(LON0 + 0.1)})),
        "schools_column": tables_with(schools=lambda s: s.rename(columns={"classrooms": "clasrooms"})),
        "schools_duplicate": tables_with(schools=cells(school_id={2: "TH01"})),
        "schools_permanent": tables_with(schools=lambda s: s.assign(permanent_classrooms=[99, "", ""])),
        "enrolment_cells": after(
            valid,
            lambda f: (f / "enrolment.csv").write_text(
                "school_id,school_year,grade,pupils,sector,birth_year,completed\n"
                "TH01,2024,lop_10,40,,2018,\nTH01,2024,lop_1,40,cong,2018,\nTH01,2023,lop_5,38,,1980,39\n",
                encoding="utf-8",
            ),
        ),
        "quotas_published_grade": after(
            valid,
            lambda f: (f / "quotas_published.csv").write_text(
                "school_id,grade,school_year,pupils\nTH01,lop_2,2024,42\n", encoding="utf-8"
            ),
        ),
        "zones": tables_with(
            zones=cells(share={0: "0.5"}, school_id={4: "THCS01"}), distances=cells(school_id={0: "TH1"})
        ),
        "zones_coverage": tables_with(zones=lambda z: z[z["quarter_id"] != "KP3"]),
        "sex_code": tables_with(
            population=lambda p: (
                p.assign(sex="F")
                .pipe(lambda q: pd.concat([q, q.assign(sex="M")], ignore_index=True))
                .pipe(lambda q: q.assign(sex=q["sex"].where(q.index != 7, "Z")))
            )
        ),
        "csv_utf16": after(
            valid,
            lambda f: (f / "births.csv").write_bytes((f / "births.csv").read_text(encoding="utf-8").encode("utf-16")),
        ),
        "csv_cp1258": after(
            valid,
            lambda f: (f / "schools.csv").write_bytes(
                (f / "schools.csv")
                .read_text(encoding="utf-8")
                .replace("ờ", "o")
                .replace("ầ", "a")
                .encode("cp1258", errors="replace")
                .replace(b"Tr", b"Tr\xd2", 1)
            ),
        ),
        "csv_empty": after(valid, lambda f: (f / "housing.csv").write_text("  \n", encoding="utf-8")),
        "csv_empty_header": after(
            valid, lambda f: (f / "housing.csv").write_text(",,\n02,2025,120\n", encoding="utf-8")
        ),
        "csv_duplicate_header": after(
            valid, lambda f: (f / "housing.csv").write_text("quarter_id,year,year\n02,2025,2026\n", encoding="utf-8")
        ),
        "csv_long_row": after(
            valid,
            lambda f: (f / "distances.csv").write_text(
                "quarter_id,school_id,metres\n01,MN01,500,5\n", encoding="utf-8"
            ),
        ),
        "csv_long_row_semicolon": after(
            valid,
            lambda f: (f / "distances.csv").write_text(
                "quarter_id;school_id;metres\n01;MN01;500;5\n", encoding="utf-8"
            ),
        ),
        "schools_no_rows": tables_with(schools=lambda s: s.iloc[0:0]),
        "ids_in_another_pattern": tables_with(
            population=lambda p: p.assign(quarter_id=p["quarter_id"].map({"01": "Q-1", "02": "Q-2", "KP3": "Q-3"}))
        ),
        "csv_unnamed": after(
            valid,
            lambda f: (f / "housing.csv").write_text(
                "quarter_id,,year,new_dwellings\n02,note,2025,120\n", encoding="utf-8"
            ),
        ),
        "context_files": after(valid, _broken_context),
    }


SCENARIOS = _scenarios()


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Problem]]:
    """Every scenario's problems (each scenario must be refused)."""
    out: dict[str, list[Problem]] = {}
    for name, build in SCENARIOS.items():
        folder = tmp_path_factory.mktemp(name) / "ward"
        folder.mkdir()
        build(folder)
        with pytest.raises(WardDataError) as info:
            load_ward(folder)
        assert info.value.problems, name
        out[name] = info.value.problems
    missing = tmp_path_factory.mktemp("nowhere") / "nowhere"
    with pytest.raises(WardDataError) as info:
        load_ward(missing)
    out["folder_missing"] = info.value.problems
    return out


def _all(reported: dict[str, list[Problem]]) -> list[tuple[str, Problem]]:
    return [(name, problem) for name, problems in reported.items() for problem in problems]


def test_the_broken_folders_cover_the_catalog(reported: dict[str, list[Problem]]) -> None:
    """Nearly every message template is produced by some broken folder (so the checks below see it)."""
    english = [p.message for _, p in _all(reported)] + [p.fix for _, p in _all(reported)]
    unseen = []
    for key, (_, en) in CATALOG.items():
        if key.startswith(("scenario.", "fix.scenario.")):
            continue  # the scenarios file's problems: covered by tests/tuyensinh/scenarios/test_scenario_file.py
        pattern = "^" + ".*".join(re.escape(part) for part in re.split(r"\{[^}]*\}", en)) + "$"
        if not any(re.search(pattern.strip("^$"), message, flags=re.DOTALL) for message in english):
            unseen.append(key)
    # fragments and GeoPackage-only problems are not produced on their own by these folders; the
    # optional files are never "missing"; tomllib always gives a reason
    allowed = {
        "purpose.births",
        "purpose.housing",
        "purpose.zones",
        "purpose.distances",
        "purpose.enrolment",
        "purpose.quotas_published",
        "toml.invalid",
        "word.unit",
        "map.layers",
        "fix.map.layers",
        "map.no_crs",
        "fix.map.no_crs",
        "map.no_features",
        "fix.map.no_features",
        "csv.unreadable",
        "fix.csv.unreadable",
        "toml.override_not_table",
        "fix.toml.override_not_table",
        "table.more_duplicates",
        "pop.more_holes",
        "fix.pop.more_holes",
        "map.why_swapped",
        "word.feature",
        "fix.map.blank_attribute",
        "map.blank_attribute",
        "norm.no_match",
        "fix.norm.no_match",
        "context.no_crs",  # GeoPackage only: GeoJSON without a CRS is EPSG:4326
    }  # no known key misses the packaged table: test_norm_overrides
    assert sorted(set(unseen) - allowed) == []
    assert len(_all(reported)) >= 60


def test_every_problem_is_worded_in_vietnamese_with_every_detail(reported: dict[str, list[Problem]]) -> None:
    for name, problem in _all(reported):
        vi = problem.text("vi")
        assert problem.message_vi and problem.fix_vi, (name, str(problem))
        assert vi.startswith(problem.file), (name, vi)
        assert (f"dòng {problem.row}" in vi) if problem.row is not None else (", dòng " not in vi), (name, vi)
        if problem.column is not None:
            assert f"cột '{problem.column}'" in vi, (name, vi)
        assert re.search(r"[.?] Cách sửa: ", vi) and "Fix:" not in vi, (name, vi)
        assert set(vi.lower()) & VIETNAMESE_LETTERS, (name, vi)
        # quoted values are the planner's own words; "(Point)" names a geometry type as QGIS shows it
        wording = re.sub(
            r"(?<![A-Za-z])'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\([A-Z][A-Za-z]+\)",
            " ",
            problem.message_vi + " " + problem.fix_vi,
        )
        leftover = _words(wording) & ENGLISH_ONLY - COLUMN_NAMES
        assert not leftover, (name, leftover, vi)


def test_the_english_wording_is_kept(reported: dict[str, list[Problem]]) -> None:
    for name, problem in _all(reported):
        en = problem.text("en")
        assert en == str(problem) and en.startswith(problem.file)
        if problem.row is not None:
            assert f"row {problem.row}" in en
        if problem.column is not None:
            assert f"column '{problem.column}'" in en
        assert re.search(r"[.?] Fix: ", en) and "Cách sửa" not in en, (name, en)


def _values(text_: str) -> list[str]:
    """The quoted values and the numbers of a text: what the planner wrote or must look for."""
    return re.findall(r"(?<![A-Za-z])'[^']*'", text_) + re.findall(r"(?<![\w.])\d+(?:[.,]\d+)*", text_)


def test_no_detail_is_lost_in_vietnamese(reported: dict[str, list[Problem]]) -> None:
    """Every quoted value and number of the English message and fix is also in the Vietnamese one."""
    for name, problem in _all(reported):
        for english, vietnamese in ((problem.message, problem.message_vi), (problem.fix, problem.fix_vi)):
            for value in _values(english):
                assert value in vietnamese, (name, value, english, vietnamese)


def test_specific_vietnamese_wordings(reported: dict[str, list[Problem]]) -> None:
    def one(scenario: str, english: str) -> Problem:
        hits = [p for p in reported[scenario] if english in p.message]
        assert len(hits) == 1, (scenario, english, [str(p) for p in reported[scenario]])
        return hits[0]

    p = one("population_cells", "-4 is negative")
    assert p.text("vi") == (
        "population.csv, dòng 12, cột 'count': -4 là số âm; giá trị cột 'count' phải ít nhất là 0 (người). "
        "Cách sửa: sửa lại giá trị: cột 'count' không thể là số âm"
    )
    p = one("population_cells", "KP9")
    assert p.message_vi == "quarter_id 'KP9' không phải là khu phố/thôn trong quarters.geojson"
    assert "dùng một quarter_id có trong quarters.geojson (01, 02, KP3)" in p.fix_vi
    p = one("schools_cells", "'THPT'")
    assert p.text("vi").startswith(
        "schools.csv, dòng 2, cột 'level': 'THPT' không phải là cấp học mà tuyensinh lập kế hoạch"
    )
    assert "mam_non (Mầm non), tieu_hoc (Tiểu học) hoặc thcs (Trung học cơ sở)" in p.message_vi
    p = one("toml_values", "setting")
    assert p.message_vi == "setting 'urbn' không thuộc các giá trị urban, rural, mountain (có phải là 'urban'?)"
    p = one("schools_cells", "the largest plausible sessions_per_day")
    assert p.message_vi == "3 lớn hơn 2, giá trị lớn nhất hợp lý của cột 'sessions_per_day'"
    assert p.fix_vi.startswith("ghi 2 (học hai buổi một ngày")
    p = one("population_many", "more rows")
    assert p.message_vi.startswith("còn 40 dòng khác có cùng lỗi ở cột này (các dòng 22, 23,")
    p = one("map_shapes", "is a Point")
    assert p.message_vi == "đối tượng 3 (quarter_id 'KP3') là điểm (Point), không phải vùng (polygon)"
    p = one("population_column", "so_nguoi")
    assert p.message_vi.startswith("thiếu cột 'count'") and "so_nguoi" in p.message_vi


# --- the command line -----------------------------------------------------------------------------


def _bad_folder(tmp_path: Path) -> Path:
    tables = valid_tables()
    tables["population"].loc[10, "count"] = "-4"
    tables["schools"].loc[1, "level"] = "Tieu hox"
    return write_ward(tmp_path / "ward", tables)


def test_validate_prints_problems_in_vietnamese_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _bad_folder(tmp_path)
    assert main(["validate", str(folder)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"Thư mục {folder} có 2 lỗi cần sửa:" in err
    assert (
        "population.csv (1):\n  - dòng 12, cột 'count': -4 là số âm; giá trị cột 'count' phải ít nhất là 0 (người). "
        "Cách sửa: " in err
    )
    assert (
        "schools.csv (1):\n  - dòng 3, cột 'level': 'Tieu hox' không phải là cấp học đã biết (có phải là 'tieu_hoc'?)"
        in err
    )
    assert "Fix:" not in err and "row " not in err and "is not" not in err


def test_validate_prints_problems_in_english_with_lang_en(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _bad_folder(tmp_path)
    assert main(["validate", str(folder), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"The ward folder {folder} has 2 problem(s) to fix:" in err
    assert (
        "population.csv (1):\n  - row 12, column 'count': -4 is negative; count must be at least 0 (persons). Fix: "
        in err
    )
    assert (
        "schools.csv (1):\n  - row 3, column 'level': 'Tieu hox' is not a known level (did you mean 'tieu_hoc'?)" in err
    )
    assert "Cách sửa" not in err and "dòng" not in err


@pytest.mark.parametrize("lang, expected", [([], "Cách sửa: "), (["--lang", "en"], "Fix: ")])
def test_other_commands_print_problems_in_their_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: list[str], expected: str
) -> None:
    folder = _bad_folder(tmp_path)
    assert main(["forecast", str(folder), "--out", str(tmp_path / "out"), *lang]) == 2
    err = capsys.readouterr().err
    assert expected in err and "population.csv" in err
    assert not (tmp_path / "out").exists()
