"""Norm and rate overrides in ward.toml are checked when the ward is loaded, every problem at once.

`capacity.norms.check_overrides` lists what the norm table refuses as `NormProblem` records;
`load_norms` raises them together; the ward loader (and so `tuyensinh validate` and every
command) reports them with the file, the line, the key, the value, what is wrong and what to
write, in Vietnamese by default and English with --lang en.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ward_builder import WARD_TOML, valid_tables, write_ward

from capacity.norms import NORM_PROBLEM_KINDS, NormOverrideError, NormProblem, check_overrides, load_norms
from tuyensinh.cli import main
from tuyensinh.ward import load_ward
from tuyensinh.ward.config import norm_problem_texts
from tuyensinh.ward.errors import WardDataError

BASE = WARD_TOML.split("[norms")[0]  # [ward] only: the overrides below are the test's own


def _folder(tmp_path: Path, overrides: str) -> tuple[Path, str]:
    tables = valid_tables()
    tables["ward.toml"] = BASE + overrides
    return write_ward(tmp_path / "ward", tables), BASE + overrides


def _line(toml: str, written: str, after: str = "") -> int:
    """The 1-based line of `written` (the first after the line `after`) in the ward.toml text."""
    lines = toml.splitlines()
    start = lines.index(after) if after else 0
    return lines.index(written, start) + 1


def _validate(folder: Path, capsys: pytest.CaptureFixture[str], *lang: str) -> tuple[int, str]:
    code = main(["validate", str(folder), *lang])
    out, err = capsys.readouterr()
    return code, out + err


# --- capacity.norms: the records ------------------------------------------------------------------


def test_every_problem_is_a_record_and_load_norms_raises_them_all() -> None:
    norms = {
        "max_class_size": {"thcs": 50, "tieu_hoc": 30.5},
        "rooms_per_class": {"tieu_hoc": 3},
        "cohort_age": {"lop_1": 7},
        "walking_distance": -3,
    }
    rates = {"participation": {"nha_tre": float("nan")}, "private_share": {"mam_non": 1.5}}
    found = check_overrides(norms, rates)
    assert [(p.kind, p.section, p.key) for p in found] == [
        ("above_legal", "norms.max_class_size", "thcs"),
        ("not_whole", "norms.max_class_size", "tieu_hoc"),
        ("unknown_key", "norms.rooms_per_class", "tieu_hoc"),
        ("fixed", "norms", "cohort_age"),
        ("out_of_range", "norms.walking_distance", ""),
        ("not_number", "rates.participation", "nha_tre"),
        ("out_of_range", "rates.private_share", "mam_non"),
    ]
    assert {p.kind for p in found} <= set(NORM_PROBLEM_KINDS)
    above = found[0]
    assert above.value == 50 and above.path == "norms.max_class_size.thcs" and above.top == "norms"
    assert dict(above.params) == {
        "legal": 45.0,
        "unit": "pupils per class",
        "document": "TT 32/2020/TT-BGDĐT",
        "article": "Art. 16 §3",
    }
    assert found[3].params["document"] == "Luật Giáo dục 2019" and found[3].params["article"] == "Art. 28"
    assert (found[4].params["low"], found[4].params["high"], found[4].params["unit"]) == (1, 100_000, "metres")
    assert found[4].path == "norms.walking_distance"
    with pytest.raises(NormOverrideError) as info:
        load_norms(norms, rates)
    assert isinstance(info.value, ValueError) and info.value.problems == found
    lines = str(info.value).splitlines()
    assert len(lines) == 7
    assert lines[0] == (
        "ward.toml [norms.max_class_size] thcs: 50 is above the legal maximum of 45 pupils per "
        "class; a province or ward may only set a lower class-size limit"
    )
    assert lines[3] == (
        "ward.toml [norms]: 'cohort_age' is fixed by law (Luật Giáo dục 2019 Art. 28) and cannot be overridden"
    )
    assert lines[4] == "ward.toml [norms.walking_distance]: -3 is outside the allowed range 1–100000"


def test_level_wide_and_nested_limits_are_checked_against_the_right_legal_figure() -> None:
    # mam_non = 36 is above every preschool limit (the largest is 35, mẫu giáo 5–6)
    (problem,) = check_overrides({"max_class_size": {"mam_non": 36}})
    assert problem.kind == "above_legal" and problem.params["legal"] == 35.0
    (problem,) = check_overrides({"max_class_size": {"mam_non": {"nt_13_24m": 22}}})
    assert problem.kind == "above_legal" and problem.params["legal"] == 20.0
    assert problem.params["unit"] == "pupils per group" and problem.section == "norms.max_class_size.mam_non"
    # the same values one below the limit are accepted, and applied
    assert check_overrides({"max_class_size": {"mam_non": {"nt_13_24m": 20}, "thcs": 40}}) == []
    norms = load_norms({"max_class_size": {"mam_non": {"nt_13_24m": 18}, "thcs": 40}})
    assert norms.max_class_size("mam_non", "nt_13_24m") == 18 and norms.max_class_size("thcs") == 40


def test_unknown_keys_carry_the_allowed_ones_and_a_guess() -> None:
    top, sub, nested = check_overrides(
        {"max_clas_size": 40, "school_min_classes": {"thcs": {"x": 3}}, "max_class_size": {"thcss": 40}}
    )
    assert (top.kind, top.section, top.key, top.params["guess"]) == (
        "unknown_key",
        "norms",
        "max_clas_size",
        "max_class_size",
    )
    assert "walking_distance" in top.params["allowed"] and "cohort_age" not in top.params["allowed"]
    assert (sub.section, sub.key, sub.params["allowed"]) == ("norms.school_min_classes.thcs", "x", ())
    assert (nested.key, nested.params["guess"]) == ("thcss", "thcs")
    (rate,) = check_overrides(None, {"private": {"mam_non": 0}})
    assert rate.section == "rates" and rate.params["allowed"] == ("participation", "private_share")


def test_not_a_table_and_no_match() -> None:
    (problem,) = check_overrides(5, None)  # type: ignore[arg-type]  # a [norms] that is not a table, as TOML can give
    assert (problem.kind, problem.section, problem.value) == ("not_table", "norms", 5)
    assert str(problem) == "ward.toml [norms] must be a table of keys, got 5"
    # no figure of the packaged table is unreachable by a known key, so the wording is checked directly
    record = NormProblem("norms.land_per_pupil", "thcs", 9, "no_match")
    message, fix = norm_problem_texts(record)
    assert message.en == "norms.land_per_pupil.thcs matches no figure of the norm table"
    assert message.vi == "norms.land_per_pupil.thcs không ứng với định mức nào trong bảng định mức"
    assert "docs/norms.md" in fix.vi and "docs/norms.md" in fix.en


# --- the ward loader and `tuyensinh validate` -----------------------------------------------------

ISSUE = """
[norms.max_class_size]
thcs = 50
[norms.rooms_per_class]
tieu_hoc = 3
"""


def test_validate_lists_the_override_problems_in_vietnamese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, toml = _folder(tmp_path, ISSUE)
    code, out = _validate(folder, capsys)
    assert code == 2
    assert "có 2 lỗi cần sửa" in out
    assert (
        f"dòng {_line(toml, 'thcs = 50')}, cột 'norms.max_class_size.thcs': norms.max_class_size.thcs = 50 vượt "
        "quá sĩ số tối đa theo quy định là 45 học sinh mỗi lớp (TT 32/2020/TT-BGDĐT, Điều 16 khoản 3). Cách sửa: "
        "ghi một số không lớn hơn 45, ví dụ thcs = 45"
    ) in out
    assert (
        f"dòng {_line(toml, 'tieu_hoc = 3')}, cột 'norms.rooms_per_class.tieu_hoc': khóa 'tieu_hoc' trong "
        "[norms.rooms_per_class] không hợp lệ. Cách sửa: các khóa được dùng trong [norms.rooms_per_class] là "
        "sessions_2, sessions_1"
    ) in out


def test_validate_lists_the_override_problems_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, toml = _folder(tmp_path, ISSUE)
    code, out = _validate(folder, capsys, "--lang", "en")
    assert code == 2
    assert (
        f"row {_line(toml, 'thcs = 50')}, column 'norms.max_class_size.thcs': norms.max_class_size.thcs = 50 is "
        "above the legal maximum of 45 pupils per class (TT 32/2020/TT-BGDĐT, Art. 16 §3). Fix: write a number "
        "of at most 45, e.g. thcs = 45: a province or ward may only set a lower class-size limit"
    ) in out
    assert (
        f"row {_line(toml, 'tieu_hoc = 3')}, column 'norms.rooms_per_class.tieu_hoc': unknown key 'tieu_hoc' in "
        "[norms.rooms_per_class]. Fix: the keys allowed in [norms.rooms_per_class] are sessions_2, sessions_1"
    ) in out


MANY = """
[norms.max_class_size]
thcs = 45.5
mam_non = nan
[norms.max_class_size.tieu_hoc]
lop_1 = 36
[norms.cohort_age]
lop_1 = 7
[norms.walking_distance]
urban = 0
[norms.max_clas]
thcs = 40
[norms.school_min_classes.thcs]
x = 3
[rates.private_share]
mam_non = 0.12
"""


@pytest.mark.parametrize(
    ("line", "column", "vi", "en"),
    [
        (
            "thcs = 45.5",
            "norms.max_class_size.thcs",
            "norms.max_class_size.thcs = 45.5 không phải là số nguyên (học sinh mỗi lớp). Cách sửa: ghi một số nguyên "
            "(số học sinh, số lớp, số khối lớp không có phần thập phân), ví dụ thcs = 45",
            "norms.max_class_size.thcs = 45.5 is not a whole number (pupils per class). Fix: write a whole number "
            "(pupils, classes and grades have no decimals), e.g. thcs = 45",
        ),
        (
            "mam_non = nan",
            "norms.max_class_size.mam_non",
            "norms.max_class_size.mam_non = nan không phải là số. Cách sửa: ghi một số bình thường, không có dấu ngoặc "
            "kép, từ 1 đến 60 (học sinh mỗi lớp)",
            "norms.max_class_size.mam_non = nan is not a number. Fix: write a plain number without quotes, from 1 to 60 "
            "(pupils per class)",
        ),
        (
            "lop_1 = 36",
            "norms.max_class_size.tieu_hoc.lop_1",
            "norms.max_class_size.tieu_hoc.lop_1 = 36 vượt quá sĩ số tối đa theo quy định là 35 học sinh mỗi lớp (Điều "
            "lệ trường tiểu học, TT 28/2020/TT-BGDĐT, Điều 16). Cách sửa: ghi một số không lớn hơn 35, ví dụ lop_1 = 35",
            "norms.max_class_size.tieu_hoc.lop_1 = 36 is above the legal maximum of 35 pupils per class (Điều lệ "
            "trường tiểu học, TT 28/2020/TT-BGDĐT, Art. 16). Fix: write a number of at most 35, e.g. lop_1 = 35",
        ),
        (
            "[norms.cohort_age]",
            "norms.cohort_age",
            "norms.cohort_age do luật quy định (Luật Giáo dục 2019, Điều 28) nên không thể thay đổi. Cách sửa: xóa mục "
            "này",
            "norms.cohort_age is fixed by law (Luật Giáo dục 2019, Art. 28) and cannot be changed. Fix: delete it",
        ),
        (
            "urban = 0",
            "norms.walking_distance.urban",
            "norms.walking_distance.urban = 0 nằm ngoài khoảng cho phép từ 1 đến 100000 (mét). Cách sửa: ghi một giá "
            "trị từ 1 đến 100000",
            "norms.walking_distance.urban = 0 is outside the allowed range 1 to 100000 (metres). Fix: write a value "
            "from 1 to 100000",
        ),
        (
            "[norms.max_clas]",
            "norms.max_clas",
            "khóa 'max_clas' trong [norms] không hợp lệ (có phải là 'max_class_size'?). Cách sửa: các khóa được dùng "
            "trong [norms] là infant_eligible_share, max_class_size,",
            "unknown key 'max_clas' in [norms] (did you mean 'max_class_size'?). Fix: the keys allowed in [norms] are "
            "infant_eligible_share, max_class_size,",
        ),
        (
            "x = 3",
            "norms.school_min_classes.thcs.x",
            "khóa 'x' trong [norms.school_min_classes.thcs] không hợp lệ. Cách sửa: [norms.school_min_classes.thcs] "
            "không có khóa con: ghi một số cho cả cấp học trong [norms.school_min_classes], ví dụ thcs = 8",  # the table's own figure (norms.csv: 8 classes)
            "unknown key 'x' in [norms.school_min_classes.thcs]. Fix: [norms.school_min_classes.thcs] has no keys: give "
            "one number for the whole level in [norms.school_min_classes], e.g. thcs = 8",
        ),
    ],
)
def test_each_kind_of_override_problem_through_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, column: str, vi: str, en: str
) -> None:
    folder, toml = _folder(tmp_path, MANY)
    row = _line(toml, line, after="[norms.max_class_size.tieu_hoc]" if line == "lop_1 = 36" else "")
    code, out_vi = _validate(folder, capsys)
    assert code == 2 and "có 7 lỗi cần sửa" in out_vi  # every problem at once; private_share 0.12 is fine
    assert f"dòng {row}, cột '{column}': {vi}" in out_vi
    code, out_en = _validate(folder, capsys, "--lang", "en")
    assert code == 2 and "has 7 problem(s)" in out_en
    assert f"row {row}, column '{column}': {en}" in out_en


def test_the_python_loader_reports_them_with_the_other_problems(tmp_path: Path) -> None:
    folder, toml = _folder(tmp_path, ISSUE.replace("thcs = 50", 'thcs = 50\ntieu_hoc = "ba mươi"'))
    toml_text = (folder / "ward.toml").read_text(encoding="utf-8").replace('name = "Phước Bình"', 'name = ""')
    (folder / "ward.toml").write_text(toml_text, encoding="utf-8")
    with pytest.raises(WardDataError) as info:
        load_ward(folder)
    problems = [p for p in info.value.problems if p.file == "ward.toml"]
    assert [(p.column, p.row) for p in problems] == [
        ("name", _line(toml_text, 'name = ""')),
        ("norms.max_class_size.tieu_hoc", _line(toml_text, 'tieu_hoc = "ba mươi"')),  # once: not a number
        ("norms.max_class_size.thcs", _line(toml_text, "thcs = 50")),
        ("norms.rooms_per_class.tieu_hoc", _line(toml_text, "tieu_hoc = 3")),
    ]
    assert problems[1].message == "norms.max_class_size.tieu_hoc must be a number of at least 0, not 'ba mươi'"


def test_a_valid_override_still_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, _ = _folder(
        tmp_path,
        "\n[norms.max_class_size]\nthcs = 40\n[norms.max_class_size.mam_non]\nmg_5_6 = 30\n"
        "[rates.participation]\nnha_tre = 0.40\n",
    )
    ward = load_ward(folder)
    assert ward.norms == {"max_class_size": {"thcs": 40, "mam_non": {"mg_5_6": 30}}}
    norms = load_norms(ward.norms, ward.rates)
    assert norms.max_class_size("thcs") == 40 and norms.max_class_size("mam_non", "mg_5_6") == 30
    assert norms.max_class_size("mam_non", "mg_4_5") == 30 and norms.participation("nt_13_24m") == pytest.approx(0.40)
    code, _ = _validate(folder, capsys)
    assert code == 0


def test_participation_may_exceed_one_but_private_share_may_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Gross enrolment (pupils from outside the ward) lets participation reach 1.5, as the norm
    table allows; a private share above 1, or a participation written in percent, is refused
    with the right maximum and the fraction to write instead."""
    folder, _ = _folder(tmp_path, "\n[rates.participation]\ntieu_hoc = 1.2\n")
    assert load_norms(load_ward(folder).norms, load_ward(folder).rates).participation("lop_1") == pytest.approx(1.2)
    assert _validate(folder, capsys)[0] == 0
    folder, toml = _folder(
        tmp_path / "b", "\n[rates.participation]\ntieu_hoc = 47\n[rates.private_share]\nmam_non = 1.2\n"
    )
    code, text = _validate(folder, capsys, "--lang", "en")
    assert code == 2
    assert (
        f"row {_line(toml, 'tieu_hoc = 47')}, column 'rates.participation.tieu_hoc': rates.participation.tieu_hoc = 47 "
        "is a share and cannot exceed 1.5. Fix: write the share as a fraction, e.g. 0.47 for 47 %"
    ) in text
    assert (
        f"row {_line(toml, 'mam_non = 1.2')}, column 'rates.private_share.mam_non': rates.private_share.mam_non = 1.2 "
        "is a share and cannot exceed 1."
    ) in text
    code, text = _validate(folder, capsys)
    assert (
        code == 2 and "rates.participation.tieu_hoc = 47 là một tỷ lệ và không được lớn hơn 1.5" in text
    )  # numbers as written in files
    assert "rates.private_share.mam_non = 1.2 là một tỷ lệ và không được lớn hơn 1." in text
