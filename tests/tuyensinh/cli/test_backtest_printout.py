"""`tuyensinh backtest` prints Vietnamese by default and English with --lang en; the CSV files do not change."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from capacity.norms import load_norms
from forecast import backtest, format_summary
from forecast.backtest import _WORDS, METHOD_DESCRIPTIONS, METHOD_NAMES, SUMMARY_COLUMNS, method_name, table_text
from forecast.simulate import simulate_ward
from tuyensinh.cli import main
from tuyensinh.plan.accuracy import planning_accuracy
from tuyensinh.plan.accuracy_words import format_planning_accuracy
from tuyensinh.words.labels import _TEXT

VIETNAMESE_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


def _english_headings() -> set[str]:
    """Every English wording of the printout that differs from its Vietnamese one (fields cut out)."""
    pairs = [
        *_WORDS.values(),
        *METHOD_NAMES.values(),
        *METHOD_DESCRIPTIONS.values(),
        *(pair for key, pair in _TEXT.items() if key.startswith(("backtest.", "accuracy.print_"))),
    ]
    pieces = set()
    for vi, en in pairs:
        if vi != en:
            pieces |= {part.strip() for part in re.split(r"\{[^}]*\}", en) if len(part.strip()) >= 4}
    return pieces


@pytest.fixture(scope="module")
def result():
    sim = simulate_ward(4, 2015, 2024, 65, seed=8)
    return backtest(sim.population, sim.births, max_horizon=2)


def test_summary_is_vietnamese_by_default(result):
    vi = format_summary(result)
    assert vi == format_summary(result, "vi")
    for heading in (
        "Các phương pháp so sánh:",
        "  Phương pháp này (shrunk): tỷ số thay đổi theo đoàn hệ kiểm định trên số liệu các năm trước",
        "  HP điều chỉnh đơn giản (hp_shrunk): Hamilton–Perry đơn giản",
        "  Giữ nguyên (naive): giữ nguyên số người cùng độ tuổi của năm lập dự báo",
        "MAPE có trọng số (%) theo số năm dự báo trước, số dự báo làm tròn thành số người",
        "MALPE (%, độ lệch) theo số năm dự báo trước",
        "Độ lệch của tổng (%, Σ(dự báo − thực tế)/Σ thực tế) theo số năm dự báo trước",
        "Tỷ lệ số thực tế nằm trong khoảng dự báo 95% (%) theo số năm dự báo trước",
        "MAPE có trọng số (%) theo độ tuổi vào lớp đầu cấp",
        "Tỷ lệ số thực tế nằm trong khoảng dự báo 80% (%) theo quy mô nhóm tuổi",
        "Tất cả các ô (khu phố/thôn × độ tuổi × năm)",
    ):
        assert heading in vi, heading
    header = next(line for line in vi.splitlines() if line.startswith("Phương pháp  "))
    assert header.split()[:1] == ["Phương"] and "HP không điều chỉnh" in header and "Chỉ lên tuổi" in header
    assert "\nDự báo trước (năm)" in vi and "\nTuổi" in vi and "\nSố người thực tế" in vi
    assert "Trong khoảng 80%" in vi and "Lệch của tổng" in vi
    leaked = {piece for piece in _english_headings() if piece in vi}
    assert not leaked, leaked
    for code in ("hp_unshrunk", "aging", "naive"):  # method codes only in the legend, to find them in the CSV
        assert vi.count(f"({code})") == 1 and vi.count(code) == 1


def test_summary_in_english(result):
    en = format_summary(result, "en")
    for heading in (
        "Methods compared:",
        "  This method (shrunk): this method (cohort ratios validated on the ward's past",
        "  Simple shrunk HP (hp_shrunk): simple shrunk Hamilton–Perry (5 years, pseudo-count 2000)",
        "Weighted MAPE (%) by horizon (years ahead), point forecast in whole persons",
        "Coverage of the 80% interval (%) by cohort size",
        "All cells (quarter × age × year)",
        "\nYears ahead",
        "\nActual persons",
        "Inside 95%",
    ):
        assert heading in en, heading
    assert not set(en.lower()) & VIETNAMESE_LETTERS


def test_numbers_are_written_the_planners_way(result):
    value = result.table("wmape", "horizon").loc["1", "shrunk"]
    vi, en = format_summary(result, "vi"), format_summary(result, "en")
    assert f"{value:.2f}".replace(".", ",") in vi and f"{value:.2f}" in en
    assert not re.search(r"\d\.\d\d\b", vi)  # no decimal point left in the Vietnamese tables
    frame = pd.DataFrame({"a": [1.5, float("nan")]}, index=[1, 2])
    assert table_text(frame, "vi").splitlines()[1:] == ["1 1,50", "2    –"]
    assert table_text(frame, "en", decimals=1).splitlines()[1] == "1 1.5"
    assert method_name("naive") == "Giữ nguyên" and method_name("naive", "en") == "Kept"
    assert method_name("other", "en") == "other"
    with pytest.raises(ValueError, match="'vi'"):
        format_summary(result, "fr")


def test_entry_grade_tables_in_both_languages():
    norms = load_norms({}, {"private_share": {"tieu_hoc": 0.0}})
    cells = pd.DataFrame(
        {
            "method": ["shrunk", "naive"] * 2,
            "origin": [2020, 2020, 2021, 2021],
            "horizon": 1,
            "quarter_id": "Q1",
            "actual": 70.0,
            "mean": [70.0, 60.0, 71.0, 60.0],
            "age": 6,
        }
    )
    cells["year"], cells["point"] = cells["origin"] + 1, cells["mean"].round()
    acc = planning_accuracy(cells, norms)
    vi = format_planning_accuracy(acc, kind="xã")
    assert vi.startswith("Các khối đầu cấp tính theo đơn vị của kế hoạch (số trẻ = số người × tỷ lệ huy động")
    assert "dự báo lập từ các năm 2020–2021" in vi
    assert "Độ chính xác số trẻ/học sinh (%, 100 − MAPE), cả xã" in vi
    assert "Số lớp lệch không quá ±1 lớp (% số lần dự báo), cả xã" in vi
    lines = vi.splitlines()
    header = lines.index("Độ chính xác số trẻ/học sinh (%, 100 − MAPE), cả xã")
    assert lines[header + 1].split() == ["Phương", "pháp", "Phương", "pháp", "này", "Giữ", "nguyên"]
    assert lines[header + 2].split() == ["Khối/lớp", "Dự", "báo", "trước", "(năm)"]
    # 70 vs 70 and 71: accuracy 100 − (0 + 1/70)/2 %; naive 60: 100 − 10/70 %
    assert lines[header + 3].split() == [
        "Lớp",
        "1",
        "1",
        f"{100 - 50 / 70:.1f}".replace(".", ","),
        f"{100 - 1000 / 70:.1f}".replace(".", ","),
    ]
    assert not {piece for piece in _english_headings() if piece in vi}
    en = format_planning_accuracy(acc, "en", kind="xã")
    assert "Accuracy of pupils (%, 100 − MAPE), whole commune" in en and "Grade 1" in en
    assert "Years ahead" in en and "This method" in en and not set(en.lower()) & VIETNAMESE_LETTERS


def test_backtest_command_in_both_languages(thien_hoa_dir, tmp_path, capsys):
    if not (thien_hoa_dir / "population.csv").exists():
        pytest.fail(
            "sample ward missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards"
        )
    texts, folders = {}, {}
    for lang in ("vi", "en"):
        folders[lang] = tmp_path / lang
        args = ["backtest", str(thien_hoa_dir), "--out", str(folders[lang]), "--max-horizon", "2"]
        assert main(args + (["--lang", "en"] if lang == "en" else [])) == 0
        texts[lang] = capsys.readouterr().out
    vi, en = texts["vi"], texts["en"]
    assert vi.startswith(
        "Kiểm tra độ chính xác của dự báo trên số liệu các năm trước – Xã Thiện Hòa: dự báo lập "
        "từ các năm 2019–2025, dự báo trước 1–2 năm, độ tuổi 0–18\n"
    )
    assert en.startswith(
        "Backtest of the forecast on past data – Thiện Hòa commune: forecasts made in 2019–2025, "
        "2 year(s) ahead at most, ages 0–18\n"
    )
    for heading in (
        "=== Tổng của cả xã (số liệu kế hoạch công bố): cộng các khu phố/thôn, các độ tuổi vào lớp đầu "
        "cấp 3, 4, 5, 6, 11 ===",
        "Độ chính xác (%, 100 − MAPE của tổng cả xã) theo số năm dự báo trước",
        "MALPE (%, độ lệch) của tổng cả xã theo số năm dự báo trước",
        "Độ chính xác (%, 100 − MAPE của tổng cả xã) theo độ tuổi vào lớp đầu cấp",
        "Số lớp đúng hoàn toàn (% số lần dự báo), từng trường theo vùng tuyển sinh hiện hành",
        "Mẫu giáo 3–4 tuổi",
        "Lớp 6",
    ):
        assert heading in vi, heading
    assert not {piece for piece in _english_headings() if piece in vi}
    assert "mg_3_4" not in vi and "lop_1" not in vi
    # the real-data benchmark's score of the ward's own history, against the shrunk Hamilton–Perry
    assert "=== Như bộ kiểm định trên số liệu thật: MAPE có trọng số (%) của từng khu phố/thôn" in vi
    assert "=== As the real-data benchmark scores it: weighted MAPE (%) of each quarter at ages 6" in en
    assert "This method / hp_shrunk" in en and "Phương pháp này / hp_shrunk" in vi
    folder_vi, folder_en = folders["vi"], folders["en"]
    names = ("backtest.csv", "backtest_cells.csv", "backtest_ward.csv", "backtest_entry_grades.csv")
    assert vi.rstrip().endswith("Đã ghi: " + ", ".join(str(folder_vi / n) for n in names))
    assert en.rstrip().endswith("Written: " + ", ".join(str(folder_en / n) for n in names))
    for heading in (
        "=== Totals of the whole commune (what a planner publishes)",
        "Kindergarten 3–4 years",
        "Class count within ±1 class (% of forecasts), school catchments under the current zones",
    ):
        assert heading in en
    # the CSV files are the documented contract: the same bytes whatever the language
    for name in names:
        assert (folder_vi / name).read_bytes() == (folder_en / name).read_bytes(), name
    assert list(pd.read_csv(folder_vi / "backtest.csv").columns) == SUMMARY_COLUMNS
    assert set(pd.read_csv(folder_vi / "backtest.csv")["method"]) == set(METHOD_NAMES)


def test_backtest_command_refuses_a_zero_horizon_in_the_chosen_language(thien_hoa_dir, tmp_path, capsys):
    assert main(["backtest", str(thien_hoa_dir), "--out", str(tmp_path / "o"), "--max-horizon", "0"]) == 2
    assert "--max-horizon phải ít nhất là 1 năm (đang là 0)" in capsys.readouterr().err
    assert main(["backtest", str(thien_hoa_dir), "--max-horizon", "0", "--lang", "en"]) == 2
    assert "--max-horizon must be at least 1 year (got 0)" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
