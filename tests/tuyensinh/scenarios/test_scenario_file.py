"""The scenarios file of `tuyensinh compare`: every problem names the file, line, scenario, change,
key, value found and what to write, in Vietnamese by default and English with --lang en.

Each broken file is checked through the Python functions (`load_scenarios`, `compare_scenarios`)
and through the command line (exit code 2, the message on stderr, nothing computed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tuyensinh.cli import main
from tuyensinh.scenarios.compare import apply_scenario, compare_scenarios
from tuyensinh.scenarios.file import (
    CloseSchool,
    HousingProject,
    NormOverride,
    OpenSchool,
    Scenario,
    ScenarioFileError,
    load_scenario_files,
    load_scenarios,
    ward_problems,
)
from tuyensinh.ward import load_ward
from tuyensinh.ward.errors import Problem, WardDataError
from tuyensinh.words.problems import CATALOG

VIETNAMESE_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
SCENARIO_KEYS = {k for k in CATALOG if k.startswith(("scenario.", "fix.scenario."))}


def _words(template: str) -> set[str]:
    without_fields = re.sub(r"\{[^}]*\}", " ", template)
    return {w.lower() for w in re.findall(r"[A-Za-z_]+", without_fields) if len(w) >= 3}


# English words of the catalog no Vietnamese template uses: none may appear in a Vietnamese text.
ENGLISH_ONLY = set().union(*(_words(en) for _, en in CATALOG.values())) - set().union(
    *(_words(vi) for vi, _ in CATALOG.values())
)

HOUSING = """
[[scenario]]
name = "Dự án nhà ở KP14"
  [[scenario.housing]]
  quarter_id = "KP14"
  year = 2027
  new_dwellings = {value}
"""
SCHOOL = """
[[scenario]]
name = "Trường mới"
  [[scenario.open_school]]
  school_id = "TH05"
  name = "Trường Tiểu học Phước Bình 2"
  level = "tieu_hoc"
  lon = 106.95
  lat = 11.83
  classrooms = 20
  opens = 2028
  [[scenario.open_school]]
  school_id = "TH06"
  name = "Điểm trường KP20"
  level = {level}
  lon = {lon}
  lat = {lat}
  classrooms = {classrooms}
  opens = {opens}
"""


def _school(
    level: str = '"tieu_hoc"', lon: str = "106.96", lat: str = "11.84", classrooms: str = "12", opens: str = "2029"
) -> str:
    return SCHOOL.format(level=level, lon=lon, lat=lat, classrooms=classrooms, opens=opens)


#: name -> (file content, stage): "file" problems are found reading the file, "ward" ones need the ward.
CASES: dict[str, tuple[str, str]] = {
    "text_for_whole_number": (HOUSING.format(value='"abc"'), "file"),
    "quoted_number": (HOUSING.format(value='"400"'), "file"),
    "float_for_whole_number": (_school(classrooms="12.5"), "file"),
    "whole_float": (HOUSING.format(value="400.0"), "file"),
    "missing_key": (HOUSING.replace("  new_dwellings = {value}\n", ""), "file"),
    "unknown_key": (HOUSING.format(value="400") + "  completed = 2027\n", "file"),
    "unknown_level": (_school(level='"Tieu hox"'), "file"),
    "swapped": (_school(lon="11.84", lat="106.96"), "file"),
    "outside_vn": (_school(lon="96.5"), "file"),
    "below_minimum": (HOUSING.format(value="-40"), "file"),
    "above_maximum": (_school().replace("opens = 2029", "opens = 2029\n  sessions_per_day = 3"), "file"),
    "text_for_text": (HOUSING.format(value="400").replace('quarter_id = "KP14"', "quarter_id = true"), "file"),
    "no_name": (HOUSING.format(value="400").replace('name = "Dự án nhà ở KP14"\n', ""), "file"),
    "empty_name": (HOUSING.format(value="400").replace('"Dự án nhà ở KP14"', '""'), "file"),
    "baseline_name": (HOUSING.format(value="400").replace('"Dự án nhà ở KP14"', '"baseline"'), "file"),
    "name_twice": (HOUSING.format(value="400") + HOUSING.format(value="200"), "file"),
    "no_change": ('[[scenario]]\nname = "Không làm gì"\ndescription = "…"\n', "file"),
    "no_block": ('name = "Dự án nhà ở KP14"\n', "file"),
    "unknown_block_key": (HOUSING.format(value="400").replace('name = "Dự án', 'nam = "x"\nname = "Dự án'), "file"),
    "change_not_table": ('[[scenario]]\nname = "Nhà ở"\nhousing = 400\n', "file"),
    "block_not_table": ("scenario = [1]\n", "file"),
    "description_not_text": (
        HOUSING.format(value="400").replace("[[scenario.housing]]", "description = 5\n  [[scenario.housing]]"),
        "file",
    ),
    "norm_not_number": (
        '[[scenario]]\nname = "Sĩ số THCS"\n  [scenario.norms.max_class_size]\n  thcs = "bốn mươi"\n',
        "file",
    ),
    "norm_negative": ('[[scenario]]\nname = "Sĩ số THCS"\n  [scenario.norms.max_class_size]\n  thcs = -40\n', "file"),
    "norms_not_table": ('[[scenario]]\nname = "Sĩ số THCS"\nnorms = 40\n', "file"),
    "share_above_1": ('[[scenario]]\nname = "Huy động"\n  [scenario.rates.participation]\n  nha_tre = 47\n', "file"),
    "syntax": ('[[scenario]\nname = "x"\n', "file"),
    "year_outside_plan": (HOUSING.format(value="400").replace("year = 2027", "year = 2035"), "ward"),
    "opens_before_plan": (_school(opens="2026"), "ward"),
    "unknown_quarter": (HOUSING.format(value="400").replace('"KP14"', '"KP99"'), "ward"),
    "unknown_school": (
        '[[scenario]]\nname = "Đóng TH03"\n  [[scenario.close_school]]\n  school_id = "TH3"\n  year = 2028\n',
        "ward",
    ),
    "school_exists": (_school().replace('"TH06"', '"TH01"'), "ward"),
    "norm_refused": ('[[scenario]]\nname = "Sĩ số THCS 50"\n  [scenario.norms.max_class_size]\n  thcs = 50\n', "ward"),
    "norms_refused_many": (
        '[[scenario]]\nname = "Định mức mới"\n  [scenario.norms.max_class_size]\n  tieu_hoc = 30\n'
        "  thcs = 40.5\n  [scenario.norms.max_class_size.mam_non]\n  mg_5_6 = 40\n"
        "  [scenario.norms.rooms_per_class]\n  tieu_hoc = 3\n  [scenario.rates.private_share]\n"
        "  mam_non = 0.5\n  [scenario.norms.cohort_age]\n  lop_1 = 7\n",
        "ward",
    ),
}


@pytest.fixture(scope="module")
def ward(phuoc_binh_dir):
    if not (phuoc_binh_dir / "ward.toml").exists():
        pytest.fail(
            "sample ward missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards"
        )
    return load_ward(phuoc_binh_dir)


def _write(folder: Path, name: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(CASES[name][0], encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reported(tmp_path_factory, ward) -> dict[str, list[Problem]]:
    """Every case's problems through the Python functions (every case must be refused)."""
    folder = tmp_path_factory.mktemp("scenario_files")
    out: dict[str, list[Problem]] = {}
    for name, (_, stage) in CASES.items():
        path = _write(folder, name)
        if stage == "file":
            with pytest.raises(ScenarioFileError) as info:
                load_scenarios(path)
        else:
            scenarios = load_scenarios(path)
            with pytest.raises(ScenarioFileError) as info:
                compare_scenarios(ward, scenarios)  # refused before anything is computed
        assert info.value.problems, name
        out[name] = info.value.problems
    return out


def _one(reported: dict[str, list[Problem]], name: str) -> Problem:
    problems = reported[name]
    assert len(problems) == 1, [p.text("en") for p in problems]
    return problems[0]


# --- one case at a time, through the Python functions --------------------------------------------


def test_a_text_where_a_whole_number_is_needed(reported):
    p = _one(reported, "text_for_whole_number")
    assert p.file.endswith("text_for_whole_number.toml") and p.row == 7 and p.column == "new_dwellings"
    assert p.text("vi", with_file=False) == (
        "dòng 7, cột 'new_dwellings': kịch bản 'Dự án nhà ở KP14' (khối [[scenario]] thứ 1), bảng "
        '[[scenario.housing]] thứ 1: new_dwellings = "abc" không phải là số nguyên. Cách sửa: ghi một số '
        "nguyên, không có dấu ngoặc kép và không có phần thập phân, ví dụ new_dwellings = 400"
    )
    assert p.text("en", with_file=False) == (
        "row 7, column 'new_dwellings': scenario 'Dự án nhà ở KP14' ([[scenario]] block 1), table "
        '[[scenario.housing]] no. 1: new_dwellings = "abc" is not a whole number. Fix: write a whole number '
        "without quotes or decimals, e.g. new_dwellings = 400"
    )


def test_a_quoted_number_is_shown_as_the_number_to_write(reported):
    p = _one(reported, "quoted_number")
    assert 'new_dwellings = "400" is not a whole number' in p.message
    assert p.fix.endswith("e.g. new_dwellings = 400") and p.fix_vi.endswith("ví dụ new_dwellings = 400")


def test_a_float_where_a_whole_number_is_needed_names_the_second_table(reported):
    p = _one(reported, "float_for_whole_number")
    assert p.row == 18 and p.column == "classrooms"  # the second [[scenario.open_school]]
    assert (
        "kịch bản 'Trường mới' (khối [[scenario]] thứ 1), bảng [[scenario.open_school]] thứ 2: "
        "classrooms = 12.5 không phải là số nguyên" in p.message_vi
    )
    assert "table [[scenario.open_school]] no. 2: classrooms = 12.5 is not a whole number" in p.message
    p = _one(reported, "whole_float")
    assert "new_dwellings = 400.0 is not a whole number" in p.message and p.fix.endswith("new_dwellings = 400")


def test_a_missing_key_points_at_its_table(reported):
    p = _one(reported, "missing_key")
    assert p.row == 4 and p.column == "new_dwellings"  # the [[scenario.housing]] line
    assert p.message_vi.endswith("bảng [[scenario.housing]] thứ 1: thiếu new_dwellings")
    assert p.fix_vi == "thêm dòng new_dwellings = 400 vào bảng này"
    assert p.message.endswith("table [[scenario.housing]] no. 1: new_dwellings is missing")


def test_an_unknown_key_gets_the_keys_of_its_table(reported):
    p = _one(reported, "unknown_key")
    assert p.row == 8 and p.column == "completed"
    assert "khóa 'completed' không hợp lệ" in p.message_vi
    assert p.fix == "the keys of [[scenario.housing]] are quarter_id, year, new_dwellings"
    p = _one(reported, "unknown_block_key")
    assert p.message_vi.endswith("khóa 'nam' không hợp lệ (có phải là 'name'?)") and p.row == 3


def test_levels_coordinates_and_bounds(reported):
    p = _one(reported, "unknown_level")
    assert (
        "level = \"Tieu hox\" không phải là cấp học mà tuyensinh lập kế hoạch (có phải là 'tieu_hoc'?)" in p.message_vi
    )
    p = _one(reported, "swapped")
    assert "lon = 11.84 và lat = 106.96 có vẻ bị đảo ngược" in p.message_vi
    assert p.fix.startswith("exchange the two values: lon = 106.96, lat = 11.84")
    p = _one(reported, "outside_vn")
    assert p.column == "lon" and "lon = 96.5 is outside Viet Nam (lon must be from 102 to 118)" in p.message
    p = _one(reported, "below_minimum")
    assert (
        "new_dwellings = -40 nhỏ hơn 0" in p.message_vi and p.fix == "write a value from 0 to 100000"
    )  # docs: plausible ranges
    p = _one(reported, "above_maximum")
    assert p.column == "sessions_per_day" and "sessions_per_day = 3 is above 2" in p.message
    assert p.fix_vi == "ghi một giá trị từ 1 đến 2"
    p = _one(reported, "text_for_text")
    assert "quarter_id = true không phải là chữ" in p.message_vi and p.fix.endswith('quarter_id = "KP14"')


def test_names_of_scenarios(reported):
    p = _one(reported, "no_name")
    assert p.column == "name" and p.message == "[[scenario]] block 1: name is missing"
    assert p.message_vi == "khối [[scenario]] thứ 1: thiếu name"
    assert "name is not a text" not in p.message
    p = _one(reported, "empty_name")
    assert 'name = "" is not a text' in p.message
    p = _one(reported, "baseline_name")
    assert "tên 'baseline' dành cho phương án gốc" in p.message_vi
    p = _one(reported, "name_twice")
    assert p.row == 10  # the second block's name line
    assert p.message.startswith(
        "scenario 'Dự án nhà ở KP14' ([[scenario]] block 2): the name 'Dự án nhà ở KP14' "
        "is already used by scenario 'Dự án nhà ở KP14' ([[scenario]] block 1)"
    )


def test_the_shape_of_the_file(reported):
    assert (
        _one(reported, "no_change").message_vi == "kịch bản 'Không làm gì' (khối [[scenario]] thứ 1): "
        "không có thay đổi nào"
    )
    no_block = reported["no_block"]
    assert [p.column for p in no_block] == ["name", None]  # a key above [[scenario]], and no block
    assert no_block[0].row == 1 and "khóa hoặc bảng 'name' không hợp lệ ở đầu tệp" in no_block[0].message_vi
    assert no_block[1].message_vi == "không có khối [[scenario]] nào"
    p = _one(reported, "change_not_table")
    assert "'housing' must be a table [[scenario.housing]], not 400" in p.message
    p = _one(reported, "block_not_table")
    assert "'scenario' phải là một bảng [[scenario]], không phải 1" in p.message_vi
    p = _one(reported, "description_not_text")
    assert "description = 5 is not a text" in p.message
    p = _one(reported, "syntax")
    assert p.row == 1 and p.message_vi.startswith("tệp kịch bản không đúng cú pháp TOML ở dòng 1, cột ")
    assert p.message_vi.endswith("thiếu dấu ']]' ở cuối tiêu đề [[…]]")


def test_norm_and_rate_overrides(reported):
    p = _one(reported, "norm_not_number")
    assert p.row == 4 and p.column == "norms.max_class_size.thcs"
    assert 'norms.max_class_size.thcs = "bốn mươi" không phải là số' in p.message_vi
    assert _one(reported, "norm_negative").message.endswith("norms.max_class_size.thcs = -40 is below 0")
    assert "'norms' must be a table" in _one(reported, "norms_not_table").message
    p = _one(reported, "share_above_1")
    assert "rates.participation.nha_tre = 47 là một tỷ lệ và không được lớn hơn 1" in p.message_vi
    assert p.fix == "write the share as a fraction, e.g. 0.47 for 47 %"
    p = _one(reported, "norm_refused")  # the norm table's own limit: 45 pupils per THCS class
    assert p.row == 4 and p.column == "norms.max_class_size.thcs"
    assert p.message == (
        "scenario 'Sĩ số THCS 50' ([[scenario]] block 1), table [scenario.norms.…]: the norm table "
        "does not accept it: norms.max_class_size.thcs = 50 is above the legal maximum of 45 pupils "
        "per class (TT 32/2020/TT-BGDĐT, Art. 16 §3)"
    )
    assert p.message_vi.endswith(
        "bảng định mức không nhận giá trị này: norms.max_class_size.thcs = 50 vượt quá sĩ số "
        "tối đa theo quy định là 45 học sinh mỗi lớp (TT 32/2020/TT-BGDĐT, Điều 16 khoản 3)"
    )
    assert p.fix.startswith("write a number of at most 45, e.g. thcs = 45")


def test_every_refused_override_of_a_scenario_is_listed_at_its_line(reported):
    problems = reported["norms_refused_many"]
    assert [(p.row, p.column) for p in problems] == [
        (5, "norms.max_class_size.thcs"),  # 40.5 pupils
        (7, "norms.max_class_size.mam_non.mg_5_6"),
        (9, "norms.rooms_per_class.tieu_hoc"),
        (12, "norms.cohort_age"),  # fixed by law: the header of its table
    ]  # tieu_hoc = 30 (line 4) and private_share mam_non = 0.5 (line 11) are accepted
    by_column = {p.column: p for p in problems}
    assert (
        "norms.max_class_size.thcs = 40.5 is not a whole number (pupils per class)"
        in by_column["norms.max_class_size.thcs"].message
    )
    assert (
        "mg_5_6 = 40 vượt quá sĩ số tối đa theo quy định là 35 học sinh mỗi lớp (Điều lệ trường mầm non, TT "
        "52/2020/TT-BGDĐT, Điều 15 khoản 1)" in by_column["norms.max_class_size.mam_non.mg_5_6"].message_vi
    )
    assert by_column["norms.rooms_per_class.tieu_hoc"].fix == (
        "the keys allowed in [norms.rooms_per_class] are sessions_2, sessions_1 (see docs/norms.md)"
    )
    assert "norms.cohort_age is fixed by law (Luật Giáo dục 2019, Art. 28)" in by_column["norms.cohort_age"].message


def test_problems_that_need_the_ward(reported):
    p = _one(reported, "year_outside_plan")
    assert p.row == 6 and p.column == "year"
    assert p.message_vi.endswith(
        "bảng [[scenario.housing]] thứ 1: year = 2035 nằm ngoài các năm của kế hoạch (2027–2030)"
    )
    assert p.fix == "write a year from 2027 (the year after base_year 2026) to 2030 (horizon in ward.toml)"
    p = _one(reported, "opens_before_plan")
    assert p.column == "opens" and "[[scenario.open_school]] no. 2: opens = 2026 is outside" in p.message
    p = _one(reported, "unknown_quarter")
    assert p.row == 5 and 'quarter_id = "KP99" không phải là khu phố/thôn của xã/phường' in p.message_vi
    assert p.fix.startswith("use a quarter_id of the map of quarters (KP01, KP02,")
    p = _one(reported, "unknown_school")
    assert "school_id = \"TH3\" is not a school of schools.csv (did you mean 'TH03'?)" in p.message
    p = _one(reported, "school_exists")
    assert 'school_id = "TH01" đã có trong schools.csv' in p.message_vi and p.row == 13


def test_every_problem_is_worded_in_both_languages_with_every_detail(reported):
    for name, problems in reported.items():
        for p in problems:
            vi, en = p.text("vi"), p.text("en")
            assert vi.startswith(p.file) and en.startswith(p.file), name
            if p.row is not None:
                assert f"dòng {p.row}" in vi and f"row {p.row}" in en, name
            if p.column is not None:
                assert f"cột '{p.column}'" in vi and f"column '{p.column}'" in en, name
            assert " Cách sửa: " in vi and "Fix:" not in vi and " Fix: " in en, name
            assert set(vi.lower()) & VIETNAMESE_LETTERS, (name, vi)
            # quoted text, keys and table names are the planner's own; the rest must be Vietnamese
            wording = re.sub(
                r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]+|\([^)]*\)|\b[a-z]+(?:[._][a-z0-9_]+)+\b",
                " ",
                p.message_vi + " " + p.fix_vi,
            )
            leftover = _words(wording) & ENGLISH_ONLY - {
                "lon",
                "lat",
                "name",
                "level",
                "year",
                "opens",
                "classrooms",
                "description",
                "norms",
                "rates",
            }
            assert not leftover, (name, leftover, vi)
            for english, vietnamese in ((p.message, p.message_vi), (p.fix, p.fix_vi)):
                for value in re.findall(r"\"[^\"]*\"|(?<![\w.])-?\d+(?:\.\d+)*", english):
                    assert value in vietnamese, (name, value, english, vietnamese)


def test_the_cases_cover_every_scenario_message(reported, ward):
    python_made = ward_problems(ward, Scenario("x", (HousingProject("KP99", 2028, 5),)))
    english = [t for problems in [*reported.values(), python_made] for p in problems for t in (p.message, p.fix)]
    unseen = []
    for key in SCENARIO_KEYS:
        en = CATALOG[key][1]
        pattern = ".*".join(re.escape(part) for part in re.split(r"\{[^}]*\}", en))
        if not any(re.search(pattern, t, flags=re.DOTALL) for t in english):
            unseen.append(key)
    # a missing file is checked below, through the command line
    assert sorted(unseen) == ["fix.scenario.file_missing", "scenario.file_missing"]


def test_all_problems_of_a_file_come_at_once(tmp_path):
    path = tmp_path / "many.toml"
    path.write_text(HOUSING.format(value='"abc"') + _school(classrooms="12.5", level='"THPT"'), encoding="utf-8")
    with pytest.raises(ScenarioFileError) as info:
        load_scenarios(path)
    assert [p.column for p in info.value.problems] == ["new_dwellings", "level", "classrooms"]
    assert isinstance(info.value, WardDataError) and isinstance(info.value, ValueError)
    assert info.value.report().startswith(f"Tệp kịch bản {path} có 3 lỗi cần sửa:\n  - {path}, dòng 7")
    assert info.value.report("en").startswith(f"The scenarios file {path} has 3 problem(s):")


def test_names_must_differ_across_files(tmp_path):
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(HOUSING.format(value="400"), encoding="utf-8")
    second.write_text(HOUSING.format(value="200"), encoding="utf-8")
    with pytest.raises(ScenarioFileError) as info:
        load_scenario_files([first, second])
    (p,) = info.value.problems
    assert p.file == str(second) and p.row == 3 and f"in {first}" in p.message


def test_a_good_file_still_reads(tmp_path, ward):
    path = tmp_path / "good.toml"
    path.write_text(
        _school(level='"Tiểu học"')
        + HOUSING.format(value="400")
        + '[[scenario]]\nname = "Sĩ số THCS 40"\n  [scenario.norms.max_class_size]\n  thcs = 40\n'
        + '[[scenario]]\nname = "Đóng TH03"\n  [[scenario.close_school]]\n  school_id = "TH03"\n'
        "  year = 2028\n",
        encoding="utf-8",
    )
    scenarios = load_scenarios(path)
    assert [s.name for s in scenarios] == ["Trường mới", "Dự án nhà ở KP14", "Sĩ số THCS 40", "Đóng TH03"]
    assert scenarios[0].changes[1] == OpenSchool("TH06", "Điểm trường KP20", "tieu_hoc", 106.96, 11.84, 12, 2029)
    assert scenarios[1].changes == (HousingProject("KP14", 2027, 400),)
    assert scenarios[2].changes == (NormOverride(norms={"max_class_size": {"thcs": 40}}),)
    assert scenarios[3].changes == (CloseSchool("TH03", 2028),)
    assert all(ward_problems(ward, s) == [] for s in scenarios)
    assert len(apply_scenario(ward, scenarios[0]).schools) == len(ward.schools) + 2


def test_a_scenario_made_in_python_is_checked_the_same_way(ward):
    with pytest.raises(ScenarioFileError) as info:
        apply_scenario(ward, Scenario("Nhà ở", (HousingProject("KP14", 2027, 10), HousingProject("KP99", 2035, 10))))
    assert [(p.column, p.row) for p in info.value.problems] == [("quarter_id", None), ("year", None)]
    assert (
        info.value.problems[0]
        .text("vi")
        .startswith("cột 'quarter_id': kịch bản 'Nhà ở', bảng [[scenario.housing]] thứ 2: quarter_id = \"KP99\"")
    )
    with pytest.raises(ScenarioFileError, match="the name 'baseline' is reserved"):
        compare_scenarios(ward, [Scenario("baseline", (HousingProject("KP14", 2027, 10),))])


# --- the command line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, vietnamese, english",
    [
        (
            "text_for_whole_number",
            'bảng [[scenario.housing]] thứ 1: new_dwellings = "abc" không phải là số nguyên',
            'table [[scenario.housing]] no. 1: new_dwellings = "abc" is not a whole number',
        ),
        ("float_for_whole_number", "dòng 18, cột 'classrooms'", "row 18, column 'classrooms'"),
        (
            "missing_key",
            "thiếu new_dwellings. Cách sửa: thêm dòng new_dwellings = 400 vào bảng này",
            "new_dwellings is missing. Fix: add a line new_dwellings = 400 to this table",
        ),
        ("unknown_key", "khóa 'completed' không hợp lệ", "unknown key 'completed'"),
        (
            "year_outside_plan",
            "year = 2035 nằm ngoài các năm của kế hoạch (2027–2030). Cách sửa: ghi một năm từ 2027",
            "year = 2035 is outside the years of the plan (2027–2030). Fix: write a year from 2027",
        ),
        (
            "unknown_quarter",
            'quarter_id = "KP99" không phải là khu phố/thôn của xã/phường',
            'quarter_id = "KP99" is not a quarter of the ward',
        ),
        ("syntax", "tệp kịch bản không đúng cú pháp TOML", "the scenarios file is not valid TOML"),
    ],
)
def test_compare_refuses_a_bad_file_in_the_chosen_language(name, vietnamese, english, tmp_path, capsys, phuoc_binh_dir):
    path = _write(tmp_path, name)
    out = tmp_path / "out"
    assert main(["compare", str(phuoc_binh_dir), "--scenario", str(path), "--out", str(out), "--quiet"]) == 2
    printed, err = capsys.readouterr()
    assert printed == "" and not out.exists()
    assert err.startswith(f"Tệp kịch bản {path} có 1 lỗi cần sửa:\n  - {path}, dòng ")
    assert vietnamese in err and "Fix:" not in err and english not in err
    assert main(["compare", str(phuoc_binh_dir), "-s", str(path), "--lang", "en", "--quiet"]) == 2
    printed, err = capsys.readouterr()
    assert printed == "" and err.startswith(f"The scenarios file {path} has 1 problem(s):")
    assert english in err and "Cách sửa" not in err


def test_compare_lists_the_problems_of_every_file_and_a_missing_one(tmp_path, capsys, phuoc_binh_dir):
    bad = _write(tmp_path, "text_for_whole_number")
    missing = tmp_path / "khong_co.toml"
    assert main(["compare", str(phuoc_binh_dir), "-s", str(bad), "-s", str(missing), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Các tệp kịch bản {bad}, {missing} có 2 lỗi cần sửa:")
    assert f"  - {missing}: không có tệp kịch bản này. Cách sửa: kiểm tra đường dẫn ghi sau --scenario" in err
    assert main(["compare", str(phuoc_binh_dir), "-s", str(missing), "--quiet", "--lang", "en"]) == 2
    assert "the scenarios file does not exist. Fix: check the path given after --scenario" in capsys.readouterr().err
