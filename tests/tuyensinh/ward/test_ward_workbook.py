"""Ward tables from Excel workbooks: the survey layout, what Excel adds, and messages with sheet and cell."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from tuyensinh.cli import main
from tuyensinh.ward import load_ward
from tuyensinh.ward.errors import WardDataError
from tuyensinh.ward.numbers import read_numbers
from tuyensinh.ward.workbook import column_letter


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _survey_workbook(folder: Path, population: pd.DataFrame, *, title: bool = True, totals: bool = True) -> Path:
    """population.csv rewritten as the universalisation survey: a sheet per year, a column per year of birth."""
    totals_by_age = population.groupby(["quarter_id", "year", "age"], as_index=False)["count"].sum()
    book = openpyxl.Workbook()
    book.remove(book.active)
    for year, part in totals_by_age.groupby("year"):
        sheet = book.create_sheet(f"Dân số {year}")
        births = list(range(year - int(part["age"].max()), year + 1))
        if title:
            sheet["A1"] = f"BIỂU THỐNG KÊ TRẺ EM THEO NĂM SINH — NĂM {year}"
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
            sheet.append([])
        sheet.append(["Mã khu phố", "Tên khu phố", *(f"Sinh năm {b}" for b in births)])
        wide = part.assign(birth=year - part["age"]).pivot(index="quarter_id", columns="birth", values="count")
        for quarter_id, row in wide.iterrows():
            sheet.append([quarter_id, f"Khu phố {quarter_id}", *(int(row[b]) for b in births)])
        if totals:
            sheet.append(["Tổng cộng", "", *(int(wide[b].sum()) for b in births)])
    path = folder / "population.xlsx"
    book.save(path)
    (folder / "population.csv").unlink()
    return path


def test_survey_cell_becomes_quarter_year_age_by_the_documented_rule(tmp_path: Path, phuoc_binh_dir: Path) -> None:
    """Sheet 'Dân số 2025', column 'Sinh năm 2019', row KP01 → KP01, year 2025, age 6 (= 2025 − 2019)."""
    folder = _copy(phuoc_binh_dir, tmp_path / "ward")
    csv = pd.read_csv(folder / "population.csv", dtype={"quarter_id": str})
    path = _survey_workbook(folder, csv)
    book = openpyxl.load_workbook(path)
    sheet = book["Dân số 2025"]
    header = [cell.value for cell in sheet[3]]
    column = header.index("Sinh năm 2019") + 1
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "KP01")
    sheet.cell(row, column).value = 987  # a figure no sample cell holds
    book.save(path)
    ward = load_ward(folder)
    got = ward.population.set_index(["quarter_id", "year", "age"])["count"]
    assert got[("KP01", 2025, 6)] == 987
    assert not (ward.population["quarter_id"] == "Tổng cộng").any()  # the totals row is left out


def test_survey_workbook_gives_the_same_ward_as_the_csv_and_the_full_plan_runs(
    tmp_path: Path, thien_hoa_dir: Path
) -> None:
    """Several sheets, a merged title row, a totals row, Vietnamese headers and a thousands dot → the same tables.

    On Thiện Hòa (the smaller sample ward: its plan takes about two thirds of Phước Bình's),
    whose schools.csv has no column the workbook leaves out but the three it leaves empty."""
    folder = _copy(thien_hoa_dir, tmp_path / "ward")
    csv_ward = load_ward(thien_hoa_dir)
    _survey_workbook(folder, pd.read_csv(folder / "population.csv", dtype={"quarter_id": str}))
    schools = pd.read_csv(folder / "schools.csv", dtype=str, keep_default_na=False)
    (folder / "schools.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Trường"
    sheet.append(["DANH SÁCH TRƯỜNG HỌC"])
    sheet.merge_cells("A1:E1")
    sheet.append(
        ["Mã trường", "Tên trường", "Cấp học", "Kinh độ", "Vĩ độ", "Số phòng học", "sessions_per_day", "Diện tích đất"]
    )
    for _, school in schools.iterrows():
        land = f"{int(school.land_m2) // 1000}.{int(school.land_m2) % 1000:03d}" if school.land_m2 else ""
        sheet.append(
            [
                school.school_id,
                school["name"],
                school.level,
                float(school.lon),
                float(school.lat),
                int(school.classrooms),
                int(school.sessions_per_day),
                land,
            ]
        )  # land typed '6.000': thousands dot
    sheet.column_dimensions["G"].hidden = True  # a hidden column is read like the others
    book.save(folder / "ward.xlsx")

    ward = load_ward(folder)
    pd.testing.assert_frame_equal(
        ward.population,
        csv_ward.population_by_age().sort_values(["quarter_id", "year", "age"], ignore_index=True),
        check_dtype=False,
    )
    assert ward.schools["land_m2"].tolist() == csv_ward.schools["land_m2"].tolist()  # 6.000 read as 6000 m²
    assert ward.schools["classrooms"].sum() == csv_ward.schools["classrooms"].sum()

    out = tmp_path / "out"
    assert main(["plan", str(folder), "--out", str(out)]) == 0
    quotas = pd.read_csv(out / "quotas.csv")
    assert quotas["pupils"].sum() > 0
    assert (out / "quotas.xlsx").is_file()


@pytest.fixture()
def survey_folder(tmp_path: Path, thien_hoa_dir: Path) -> Path:
    folder = _copy(thien_hoa_dir, tmp_path / "ward")
    _survey_workbook(folder, pd.read_csv(folder / "population.csv", dtype={"quarter_id": str}))
    return folder


def _problems(folder: Path, lang: str = "en") -> list[str]:
    return _problems_in(folder, lang)[lang]


def _problems_in(folder: Path, *langs: str) -> dict[str, list[str]]:
    """The folder's problems in each of `langs`, from one load (a workbook takes 1-2 s to read)."""
    with pytest.raises(WardDataError) as caught:
        load_ward(folder)
    return {lang: [problem.text(lang) for problem in caught.value.problems] for lang in langs}


def _edit(folder: Path, sheet_name: str, edits: dict[str, object]) -> None:
    path = folder / "population.xlsx"
    book = openpyxl.load_workbook(path)
    for cell, value in edits.items():
        book[sheet_name][cell] = value
    book.save(path)


def test_each_survey_mistake_is_named_with_its_sheet_and_cell(survey_folder: Path) -> None:
    last = max(int(name.split()[-1]) for name in openpyxl.load_workbook(survey_folder / "population.xlsx").sheetnames)
    sheet = f"Dân số {last}"
    _edit(
        survey_folder,
        sheet,
        {"C4": "18+", "D5": "#REF!", "E6": "5 tuổi", "F7": "=SUM(A1:A2)", "G3": f"Sinh năm {last + 1}"},
    )
    said = _problems_in(survey_folder, "en", "vi")
    texts = said["en"]
    joined = "\n".join(texts)
    assert f"population.xlsx, sheet '{sheet}', cell C4, column 'count': '18+' is an open age group" in joined
    assert f"sheet '{sheet}', cell D5: the cell holds the Excel error #REF!" in joined
    assert (
        f"sheet '{sheet}', cell E6, column 'count': '5 tuổi' has words with the number. Fix: write only the number: 5"
        in joined
    )
    assert f"sheet '{sheet}', cell F7: the cell holds the formula '=SUM(A1:A2)' but no computed value" in joined
    assert f"sheet '{sheet}', cell G3: year of birth {last + 1} is after the survey year {last}" in joined
    assert sum("cell D5" in line for line in texts) == 1  # said once, not again as 'not a number'
    vi = "\n".join(said["vi"])
    assert f"trang tính '{sheet}', ô C4, cột 'count': '18+' là nhóm tuổi mở" in vi


def test_a_birth_year_given_twice_and_a_sheet_without_a_year(survey_folder: Path) -> None:
    book = openpyxl.load_workbook(survey_folder / "population.xlsx")
    first = book.sheetnames[0]
    sheet = book[first]
    sheet["D3"] = sheet["C3"].value
    book.create_sheet("Tổng hợp").append(["Mã khu phố", "Sinh năm 2010", "Sinh năm 2011"])
    book.save(survey_folder / "population.xlsx")
    joined = "\n".join(_problems(survey_folder))
    assert f"sheet '{first}', cell D3: year of birth {sheet['C3'].value.split()[-1]} has two columns (C3, D3)" in joined
    assert "sheet 'Tổng hợp': the year of this sheet's figures is unknown" in joined


def test_both_a_csv_and_a_workbook_for_one_table_is_refused(tmp_path: Path, thien_hoa_dir: Path) -> None:
    folder = _copy(thien_hoa_dir, tmp_path / "ward")
    pd.read_csv(folder / "schools.csv").to_excel(folder / "schools.xlsx", index=False)
    joined = "\n".join(_problems(folder))
    assert "schools.csv: both schools.csv and schools.xlsx hold the same table" in joined


def test_an_old_xls_file_is_refused_with_how_to_save_it(tmp_path: Path, thien_hoa_dir: Path) -> None:
    folder = _copy(thien_hoa_dir, tmp_path / "ward")
    (folder / "population.csv").unlink()
    (folder / "population.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)  # the OLE header of a .xls file
    joined = "\n".join(_problems(folder))
    assert "population.xlsx: old Excel files (.xls) cannot be read" in joined


def test_validate_exits_2_and_names_the_cell(survey_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = openpyxl.load_workbook(survey_folder / "population.xlsx").sheetnames[-1]
    _edit(survey_folder, sheet, {"C5": "6-10"})
    assert main(["validate", str(survey_folder)]) == 2
    printed = capsys.readouterr()
    said = printed.out + printed.err
    assert f"trang tính '{sheet}', ô C5, cột 'count': '6-10' là một khoảng" in said


def _read(
    values: list[str], decimal_comma: bool = False, whole: bool = True, low: float = 0
) -> tuple[np.ndarray, dict]:
    def acceptable(v: np.ndarray) -> np.ndarray:
        return (v >= low) & ((np.mod(v, 1) == 0) if whole else True)

    reading = read_numbers(pd.Series(values, index=range(2, 2 + len(values))), decimal_comma, acceptable)
    return reading.values, {row: (m.en, f.en) for row, (m, f) in reading.refused.items()}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("7.300", 7300.0),  # a whole number is needed: 7.3 cannot be right
        ("1.234.567", 1234567.0),  # several groups: only thousands
        ("1,234,567", 1234567.0),
        ("1 234", 1234.0),
        ("1.234,5", 1234.5),  # both marks: the last one is the decimal mark
        ("1,234.5", 1234.5),
        ("12", 12.0),
    ],
)
def test_thousands_separators_are_read_when_only_one_reading_fits(cell: str, expected: float) -> None:
    values, refused = _read([cell], whole=not cell.endswith(",5") and not cell.endswith(".5"))
    assert values[0] == expected and not refused


def test_an_ambiguous_thousands_dot_is_refused_not_read_as_a_decimal() -> None:
    values, refused = _read(["7.000", "7.300"], whole=False)  # land: 7 or 7000? 7.3 or 7300?
    assert np.isnan(values).all()
    assert refused[2][0] == "'7.000' could be 7000 ('.' separating thousands) or 7"
    assert refused[3][1] == "write 7300 or 7.3 (no thousands separators; a dot for decimals)"
    values, refused = _read(["7.300"], whole=False, low=100)  # below the plausible minimum: thousands
    assert values[0] == 7300 and not refused


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("18+", "'18+' is an open age group, not a single value"),
        ("6-10", "'6-10' is a range, not a number"),
        ("6–10", "'6–10' is a range, not a number"),
        ("5 tuổi", "'5 tuổi' has words with the number"),
        ("12,5", "'12,5' uses a decimal comma in a comma-separated file"),
    ],
)
def test_cells_that_are_not_numbers_get_a_specific_message(cell: str, message: str) -> None:
    values, refused = _read([cell])
    assert np.isnan(values[0]) and refused[2][0] == message


def test_a_decimal_comma_stays_a_decimal_in_a_semicolon_file() -> None:
    values, refused = _read(["12,5", "0,25"], decimal_comma=True, whole=False)
    assert values.tolist() == [12.5, 0.25] and not refused


def test_column_letters_follow_excel() -> None:
    assert [column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_the_workbook_catalog_has_both_languages_and_every_entry_is_used() -> None:
    import re
    import string

    from tuyensinh.words.core import placeholders
    from tuyensinh.words.workbook import WORKBOOK

    src = Path(__file__).resolve().parents[3] / "src" / "tuyensinh"
    code = "\n".join(
        (src / name).read_text(encoding="utf-8")
        for name in ("ward/workbook.py", "ward/workbook_tables.py", "ward/numbers.py", "ward/errors.py")
    )
    used = set(re.findall(r'"((?:where|xlsx|fix|survey|num)\.[a-z_.]+)"', code))
    assert used == set(WORKBOOK)
    for key in WORKBOOK:
        vi, en = WORKBOOK[key]
        assert vi != en and placeholders(vi) == placeholders(en), key
        list(string.Formatter().parse(vi))


def test_ids_written_in_another_pattern_give_one_message_with_the_pattern(tmp_path: Path, thien_hoa_dir: Path) -> None:
    folder = _copy(thien_hoa_dir, tmp_path / "ward")
    population = pd.read_csv(folder / "population.csv", dtype=str, keep_default_na=False)
    known = sorted(population["quarter_id"].unique())
    population["quarter_id"] = population["quarter_id"].str.replace(r"^\D+0*", "", regex=True)  # 'T01' typed as '1'
    population.to_csv(folder / "population.csv", index=False)
    with pytest.raises(WardDataError) as caught:
        load_ward(folder)
    about_ids = [p for p in caught.value.problems if p.column == "quarter_id" and p.file == "population.csv"]
    assert len(about_ids) == 1  # one message for the whole file, not one per row
    said = about_ids[0].text("en")
    assert "rows write quarter_id in another pattern than quarters.geojson: this file has 1, " in said
    first_number = int("".join(ch for ch in known[0] if ch.isdigit()))
    assert f"'{first_number}' → '{known[0]}'" in said


def test_a_merged_birth_year_header_is_named_with_its_range(survey_folder: Path) -> None:
    path = survey_folder / "population.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[-1]]
    sheet.merge_cells("E3:F3")  # one 'Sinh năm' header over two columns
    book.save(path)
    joined = "\n".join(_problems(survey_folder))
    assert f"sheet '{sheet.title}', cell E3: a header cell is merged across the columns E3:F3" in joined
