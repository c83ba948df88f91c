"""`tuyensinh validate`: summary and exit 0 for a valid folder, every problem and exit 2 otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ward_builder import AGES, QUARTER_IDS, YEARS, population_counts, valid_tables, write_ward

from tuyensinh.cli import main
from tuyensinh.ward import load_ward
from tuyensinh.ward.summary import population_by_band, schools_by_level


def expected_band(year: int, low: int, high: int) -> int:
    """Persons aged low..high in `year`, computed straight from the builder's formula."""
    return sum(population_counts(q, year, age) for q in range(len(QUARTER_IDS)) for age in AGES if low <= age <= high)


def test_population_by_band_matches_hand_sums(tmp_path: Path) -> None:
    table = population_by_band(load_ward(write_ward(tmp_path / "ward")))
    assert list(table.columns) == ["0–2", "3–5", "6–10", "11–14", "15–17", "0–17"]
    assert list(table.index) == YEARS
    for year in YEARS:
        for band, (low, high) in zip(
            table.columns, [(0, 2), (3, 5), (6, 10), (11, 14), (15, 17), (0, 17)], strict=True
        ):
            assert table.at[year, band] == expected_band(year, low, high)
    # age 18 is in the population but in no band: the bands add up to the 0–17 total, not more
    assert (table.iloc[:, :5].sum(axis=1) == table["0–17"]).all()


def test_schools_by_level(tmp_path: Path) -> None:
    tables = valid_tables()
    extra = tables["schools"].iloc[[1]].assign(school_id="TH02", classrooms="12")
    tables["schools"] = __import__("pandas").concat([tables["schools"], extra], ignore_index=True)
    table = schools_by_level(load_ward(write_ward(tmp_path / "ward", tables)))
    assert table.loc["tieu_hoc"].tolist() == [2, 32]
    assert table.loc["mam_non"].tolist() == [1, 8] and table.loc["thcs"].tolist() == [1, 16]


def test_valid_folder_prints_summary_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_ward(tmp_path / "ward")
    assert main(["validate", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "Phường Phước Bình (25220), Đồng Nai" in out and "Dữ liệu hợp lệ." in out
    assert "Số khu phố/thôn: 3" in out
    row_2024 = next(line for line in out.splitlines() if line.strip().startswith("2024"))
    numbers = [int(n.replace(".", "")) for n in row_2024.split("  ") if n.strip()][1:]  # 1.523: Vietnamese
    assert numbers == [expected_band(2024, lo, hi) for lo, hi in [(0, 2), (3, 5), (6, 10), (11, 14), (15, 17), (0, 17)]]
    assert any(line.split()[:2] == ["Mầm", "non"] and line.split()[-2:] == ["1", "8"] for line in out.splitlines())
    assert any(line.split()[:1] == ["Cộng"] and line.split()[-2:] == ["3", "44"] for line in out.splitlines())
    assert "births.csv: có" in out and "distances.csv: có" in out


def test_summary_in_english_names_absent_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = valid_tables()
    tables["housing"] = None
    folder = write_ward(tmp_path / "ward", tables)
    assert main(["validate", str(folder), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Phước Bình ward (25220)" in out and "The ward folder is valid." in out
    assert "Population by age band" in out and "Lower secondary" in out
    assert "housing.csv: absent" in out and "zones.csv: present" in out


def test_invalid_folder_lists_every_problem_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = valid_tables()
    tables["population"].loc[10, "count"] = "-4"
    tables["schools"].loc[2, "level"] = "THPT"
    tables["zones"] = None
    folder = write_ward(tmp_path / "ward", tables)
    assert main(["validate", str(folder), "--lang", "en"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"The ward folder {folder} has 2 problem(s) to fix:" in err
    assert "population.csv (1):\n  - row 12, column 'count': -4 is negative" in err
    assert "schools.csv (1):\n  - row 4, column 'level': 'THPT' is not a level" in err
    assert "Fix:" in err


def test_problems_heading_is_vietnamese_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_ward(tmp_path / "ward")
    (folder / "population.csv").unlink()
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"Thư mục {folder} có 1 lỗi cần sửa:" in err
    assert "population.csv (1):\n  - thiếu tệp; tệp này chứa số dân theo khu phố/thôn" in err
    assert "Cách sửa: thêm population.csv vào thư mục" in err


def test_missing_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    assert "không tồn tại" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "nowhere"), "--lang", "en"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_console_script_runs_as_a_process(tmp_path: Path) -> None:
    folder = write_ward(tmp_path / "ward")
    (folder / "schools.csv").write_bytes(
        "school_id,name\nA,Trường A\n".encode("cp1258", errors="replace").replace(b"\xc6", b"\xd5")
    )
    result = subprocess.run(
        [sys.executable, "-m", "tuyensinh.cli", "validate", str(folder), "--lang", "en"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "schools.csv" in result.stderr and "not UTF-8" in result.stderr and "CSV UTF-8" in result.stderr


@pytest.mark.parametrize("fixture", ["phuoc_binh_dir", "thien_hoa_dir"])
def test_sample_wards_validate(
    request: pytest.FixtureRequest, fixture: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder: Path = request.getfixturevalue(fixture)
    if not (folder / "ward.toml").exists():
        pytest.fail(
            f"sample ward {folder.name} missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards"
        )
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Dữ liệu hợp lệ." in out and "Trung học cơ sở" in out
