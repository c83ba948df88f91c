"""A corpus of hostile or broken ward folders: each refused precisely, never a traceback.

Every case runs `tuyensinh validate` in both languages and asserts: exit code 2; one message
that names the file, the row / line / feature, the column when there is one, and the fix (in
English and in Vietnamese); and that the folder is exactly as it was (nothing written or lost).
Cases are built from the small valid ward of tests/tuyensinh/ward_builder.py with one fault each.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from ward_builder import WARD_TOML, valid_tables, write_ward

from tuyensinh.cli import main

BIG = "99999999999999999999"  # 20 digits: wrapped to -9.2e18 by an int64 before


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], None]
    expect: tuple[str, ...]  # every one must appear in the English report (file, row, column, what)
    expect_vi: tuple[str, ...] = ()


def cell(table: str, index: int, column: str, value: object) -> Callable[[Path], None]:
    """A valid ward with one cell of one CSV table replaced."""

    def build(folder: Path) -> None:
        tables = valid_tables()
        frame = tables[table].copy()
        frame.loc[index, column] = value
        tables[table] = frame
        write_ward(folder, tables)

    return build


def tables(**changes: Callable[[object], object]) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        found = valid_tables()
        for name, change in changes.items():
            found[name] = change(found[name])
        write_ward(folder, found)

    return build


def then(edit: Callable[[Path], object]) -> Callable[[Path], None]:
    """A valid ward, then `edit(folder)`."""

    def build(folder: Path) -> None:
        write_ward(folder)
        edit(folder)

    return build


def replace_with_folder(name: str) -> Callable[[Path], object]:
    def edit(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).mkdir()
        (folder / name / "x.csv").write_text("a")

    return edit


def replace_with_loop(name: str) -> Callable[[Path], object]:
    def edit(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).symlink_to(folder / name)

    return edit


def _dangling(folder: Path) -> None:
    (folder / "schools.csv").unlink()
    (folder / "schools.csv").symlink_to(folder / "gone.csv")


def _fifo(folder: Path) -> None:
    (folder / "population.csv").unlink()
    os.mkfifo(folder / "population.csv")


def toml(old: str, new: str) -> Callable[[Path], None]:
    assert old in WARD_TOML
    return tables(**{"ward.toml": lambda _: WARD_TOML.replace(old, new)})


def geojson(edit: Callable[[dict], None]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        collection = json.loads(valid_tables()["quarters"].to_json())
        edit(collection)
        (folder / "quarters.geojson").write_text(json.dumps(collection), encoding="utf-8")

    return then(change)


def _unclose(collection: dict) -> None:
    ring = collection["features"][1]["geometry"]["coordinates"][0]
    collection["features"][1]["geometry"]["coordinates"][0] = ring[:-1]


def _set_property(number: int, key: str, value: object) -> Callable[[dict], None]:
    def edit(collection: dict) -> None:
        collection["features"][number]["properties"][key] = value

    return edit


def _rename_quarters(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.assign(name=["Khu phố 1", "Khu phố 1", "Khu phố 3"])


def _all_zero(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(count="0")


def _huge_header(folder: Path) -> None:
    (folder / "housing.csv").write_text("quarter_id,year," + "n" * 200_000 + "\n02,2025,120\n", encoding="utf-8")


def _unclosed_quote(folder: Path) -> None:
    (folder / "housing.csv").write_text(
        'quarter_id,year,new_dwellings\n02,2025,"' + "9" * 200_000 + "\n", encoding="utf-8"
    )


def _binary(folder: Path) -> None:
    (folder / "population.csv").write_bytes(bytes(range(256)) * 40)


P, S = "population.csv", "schools.csv"
CASES = [
    # --- numbers: huge, infinite, not a number, out of the documented range --------------------
    Case("count_20_digits", cell("population", 3, "count", BIG), (P, "row 5", "'count'", "100000")),
    Case("count_inf", cell("population", 0, "count", "inf"), (P, "row 2", "'count'", "not a finite number")),
    Case("count_minus_inf", cell("population", 0, "count", "-inf"), (P, "row 2", "'count'", "not a finite")),
    Case("count_overflowing_float", cell("population", 7, "count", "1e400"), (P, "row 9", "'count'", "finite")),
    Case("count_nan", cell("population", 0, "count", "nan"), (P, "row 2", "'count'", "not a number")),
    Case("count_trillion", cell("population", 10, "count", "1000000000000"), (P, "row 12", "'count'", "100000")),
    Case("count_negative", cell("population", 1, "count", "-1"), (P, "row 3", "'count'", "negative")),
    Case("count_fraction", cell("population", 1, "count", "2.5"), (P, "row 3", "'count'", "whole number")),
    Case("year_20_digits", cell("population", 2, "year", BIG), (P, "row 4", "'year'", "2100")),
    Case("year_inf", cell("population", 2, "year", "inf"), (P, "row 4", "'year'", "finite")),
    Case("age_inf", cell("population", 2, "age", "-inf"), (P, "row 4", "'age'", "finite")),
    Case("all_zero_population", tables(population=_all_zero), (P, "'count'", "every count is 0")),
    Case("classrooms_20_digits", cell("schools", 1, "classrooms", BIG), (S, "row 3", "'classrooms'", "500")),
    Case("classrooms_million", cell("schools", 1, "classrooms", "1000000"), (S, "row 3", "'classrooms'", "500")),
    Case("classrooms_inf", cell("schools", 0, "classrooms", "inf"), (S, "row 2", "'classrooms'", "finite")),
    Case("lon_inf", cell("schools", 0, "lon", "inf"), (S, "row 2", "'lon'", "finite")),
    Case("lat_nan", cell("schools", 2, "lat", "nan"), (S, "row 4", "'lat'", "not a number")),
    Case("land_1e308", cell("schools", 0, "land_m2", "1e308"), (S, "row 2", "'land_m2'", "1e+07")),
    Case("max_class_size_inf", cell("schools", 1, "max_class_size", "inf"), (S, "row 3", "'max_class_size'", "finite")),
    Case("sessions_nan", cell("schools", 1, "sessions_per_day", "nan"), (S, "row 3", "'sessions_per_day'", "number")),
    Case("metres_inf", cell("distances", 4, "metres", "inf"), ("distances.csv", "row 6", "'metres'", "finite")),
    Case("metres_billion", cell("distances", 4, "metres", "1e9"), ("distances.csv", "row 6", "'metres'", "200000")),
    Case("metres_negative", cell("distances", 0, "metres", "-5"), ("distances.csv", "row 2", "'metres'", "negative")),
    Case("births_20_digits", cell("births", 0, "births", BIG), ("births.csv", "row 2", "'births'", "100000")),
    Case(
        "dwellings_inf",
        cell("housing", 0, "new_dwellings", "inf"),
        ("housing.csv", "row 2", "'new_dwellings'", "finite"),
    ),
    Case("share_inf", cell("zones", 0, "share", "inf"), ("zones.csv", "row 2", "'share'", "finite")),
    Case("share_nan", cell("zones", 0, "share", "nan"), ("zones.csv", "row 2", "'share'", "not a number")),
    # --- ids and names: formulas, lengths, duplicates --------------------------------------------
    Case(
        "quarter_id_hyperlink",
        cell("population", 0, "quarter_id", '=HYPERLINK("http://x","click")'),
        (P, "row 2", "'quarter_id'", "formula"),
    ),
    Case("quarter_id_plus", cell("population", 0, "quarter_id", "+01"), (P, "row 2", "'quarter_id'", "formula")),
    Case("quarter_id_at", cell("population", 0, "quarter_id", "@SUM(A1)"), (P, "row 2", "'quarter_id'", "formula")),
    Case("quarter_id_minus", cell("population", 0, "quarter_id", "-2"), (P, "row 2", "'quarter_id'", "formula")),
    Case(
        "zones_school_id_at", cell("zones", 0, "school_id", "@MN01"), ("zones.csv", "row 2", "'school_id'", "formula")
    ),
    Case(
        "distances_quarter_plus",
        cell("distances", 0, "quarter_id", "+01"),
        ("distances.csv", "row 2", "'quarter_id'", "formula"),
    ),
    Case("count_hex", cell("population", 0, "count", "0x10"), (P, "row 2", "'count'", "not a number")),
    Case("births_year_overflow", cell("births", 1, "year", "1e400"), ("births.csv", "row 3", "'year'", "finite")),
    Case(
        "school_id_dde", cell("schools", 1, "school_id", "=cmd|' /C calc'!A0"), (S, "row 3", "'school_id'", "formula")
    ),
    Case("quarter_id_too_long", cell("population", 0, "quarter_id", "Q" * 100), (P, "row 2", "'quarter_id'", "64")),
    Case("school_name_million_chars", cell("schools", 0, "name", "T" * 1_000_000), (S, "row 2", "'name'", "200")),
    Case("map_duplicate_names", tables(quarters=_rename_quarters), ("quarters.geojson", "'name'", "Khu phố 1", "1, 2")),
    Case(
        "map_name_too_long", geojson(_set_property(0, "name", "K" * 1_000_000)), ("quarters.geojson", "'name'", "200")
    ),
    Case(
        "map_id_formula",
        geojson(_set_property(2, "quarter_id", "=1+1")),
        ("quarters.geojson", "'quarter_id'", "formula"),
    ),
    Case("map_unclosed_ring", geojson(_unclose), ("quarters.geojson", "feature 2", "quarter_id '02'", "not closed")),
    # --- what stands in place of a file ------------------------------------------------------------
    Case("population_is_a_folder", then(replace_with_folder(P)), (P, "is a folder")),
    Case("population_symlink_loop", then(replace_with_loop(P)), (P, "symbolic link loop")),
    Case("schools_dangling_link", then(_dangling), (S, "does not exist")),
    Case("population_fifo", then(_fifo), (P, "not a regular file")),
    Case("toml_is_a_folder", then(replace_with_folder("ward.toml")), ("ward.toml", "is a folder")),
    Case("map_is_a_folder", then(replace_with_folder("quarters.geojson")), ("quarters.geojson", "is a folder")),
    Case("map_symlink_loop", then(replace_with_loop("quarters.geojson")), ("quarters.geojson", "loop")),
    # --- file structure ----------------------------------------------------------------------------
    Case("csv_header_cell_200k", then(_huge_header), ("housing.csv", "row 1", "131,072")),
    Case("csv_unclosed_quote_200k", then(_unclosed_quote), ("housing.csv", "131,072", "quote")),
    Case("csv_binary_garbage", then(_binary), (P, "UTF-8")),
    Case("csv_empty_file", then(lambda f: (f / P).write_bytes(b"")), (P, "empty")),
    Case(
        "csv_nul_bytes",
        then(lambda f: (f / "housing.csv").write_bytes(b"quarter_id,year,new_dwellings\n02,20\x0025,1\n")),
        ("housing.csv", "row 2", "'year'"),
    ),
    # --- ward.toml -----------------------------------------------------------------------------------
    Case(
        "toml_nested_100k",
        tables(**{"ward.toml": lambda _: WARD_TOML + "x = " + "[" * 100_000 + "]" * 100_000 + "\n"}),
        ("ward.toml", "nested too deeply"),
    ),
    Case(
        "toml_name_300", toml('name = "Phước Bình"', f'name = "{"P" * 300}"'), ("ward.toml", "row 3", "'name'", "200")
    ),
    Case("toml_base_year_huge", toml("base_year = 2024", f"base_year = {BIG}"), ("ward.toml", "row 7", "'base_year'")),
    Case("toml_horizon_inf", toml("horizon = 2030", "horizon = inf"), ("ward.toml", "row 8", "'horizon'", "inf")),
    Case("toml_norm_inf", toml("thcs = 40", "thcs = inf"), ("ward.toml", "row 12", "max_class_size.thcs", "inf")),
    Case("toml_norm_nan", toml("thcs = 40", "thcs = nan"), ("ward.toml", "row 12", "max_class_size.thcs", "nan")),
    Case(
        "toml_rate_huge", toml("nha_tre = 0.47", f"nha_tre = {BIG}"), ("ward.toml", "row 15", "participation.nha_tre")
    ),
    Case(
        "toml_5000_unknown_keys",
        toml('setting = "urban"', 'setting = "urban"\n' + "".join(f"k{i} = {i}\n" for i in range(5000))),
        ("ward.toml", "k0", "4950 more"),
    ),
    Case("toml_empty", tables(**{"ward.toml": lambda _: ""}), ("ward.toml", "[ward]")),
]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for case in CASES:
        folder = tmp_path_factory.mktemp(case.name) / "ward"
        folder.mkdir()
        case.build(folder)
        out[case.name] = folder
    return out


def _snapshot(folder: Path) -> dict[str, object]:
    found: dict[str, object] = {}
    for entry in sorted(folder.rglob("*")):
        key = entry.relative_to(folder).as_posix()
        if entry.is_symlink():
            found[key] = ("link", os.readlink(entry))
        elif entry.is_fifo():
            found[key] = "fifo"
        elif entry.is_file():
            found[key] = entry.stat().st_size, entry.stat().st_mtime_ns
        else:
            found[key] = "dir"
    return found


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 60
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_hostile_input_is_refused_precisely(case: Case, folders, capsys) -> None:
    folder = folders[case.name]
    before = _snapshot(folder)
    code_en = main(["validate", str(folder), "--lang", "en"])
    en = capsys.readouterr()
    code_vi = main(["validate", str(folder)])
    vi = capsys.readouterr()
    assert (code_en, code_vi) == (2, 2), en.out + en.err
    assert "Traceback" not in en.err + vi.err
    for expected in case.expect:
        assert expected in en.err, f"{expected!r} not in:\n{en.err}"
    assert "Fix:" in en.err and "Cách sửa:" in vi.err
    assert "problem(s)" in en.err and "lỗi cần sửa" in vi.err
    assert len(en.err) < 40_000  # capped: a million-character name is not echoed back
    assert _snapshot(folder) == before  # validate writes nothing and loses nothing
