"""`python -m tuyensinh.province`: the province commands and the sample province, in the planner's
language like `tuyensinh` (Vietnamese by default, English with --lang en), option errors and bad
values refused with exit code 2 and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuyensinh.cli import PROVINCE_COMMANDS, build_parser, province_main
from tuyensinh.cli.language import argparse_in, localize


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = province_main(argv)
    except SystemExit as done:  # --help and option errors leave through argparse
        code = int(done.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_argument_of_the_province_commands_has_its_words(lang: str) -> None:
    with argparse_in(lang):
        parser = build_parser(lang, prog="python -m tuyensinh.province", commands=PROVINCE_COMMANDS, words="province")
    assert localize(parser, lang, "province") == []


@pytest.mark.parametrize("command", [None, *PROVINCE_COMMANDS])
def test_the_help_is_in_the_planners_language(command: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [command, "--help"] if command else ["--help"]
    code, vi, _ = _run(argv, capsys)
    assert code == 0 and vi.startswith("cách dùng: python -m tuyensinh.province")
    assert "usage:" not in vi and "show this help" not in vi and "\ntùy chọn:\n" in vi
    code, en, _ = _run([*argv, "--lang", "en"], capsys)
    assert code == 0 and en.startswith("usage: python -m tuyensinh.province") and "cách dùng" not in en
    if command is None:
        assert "tạo tỉnh mẫu" in vi and "write the sample province" in en  # `sample` is listed


def test_the_sample_province_is_written_and_said_in_each_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["sample", "--out", str(tmp_path / "vi"), "--wards", "1"], capsys)
    assert code == 0 and out.strip() == f"1 thư mục phường/xã trong {tmp_path / 'vi'}"
    folders = sorted(p.name for p in (tmp_path / "vi").iterdir())
    assert len(folders) == 2 and "province.toml" in folders
    ward = next(p for p in (tmp_path / "vi").iterdir() if p.is_dir())
    assert (ward / "ward.toml").is_file() and (ward / "quarters.geojson").is_file()
    code, out, _ = _run(["sample", "--out", str(tmp_path / "en"), "--wards", "1", "--lang", "en"], capsys)
    assert code == 0 and out.strip() == f"1 ward folders in {tmp_path / 'en'}"


@pytest.mark.parametrize(
    ("argv", "vi_words", "en_words"),
    [
        (["--wards", "0"], "--wards phải từ 1 trở lên", "--wards must be at least 1"),
        (["--wards", "1", "--broken", "2"], "--broken phải từ 0 đến số phường/xã của tỉnh mẫu (1)", "between 0 and"),
    ],
)
def test_a_bad_count_is_refused_in_words_and_nothing_is_written(
    argv: list[str], vi_words: str, en_words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sample"
    code, said, err = _run(["sample", "--out", str(out), *argv], capsys)
    assert code == 2 and said == "" and err.startswith("Lỗi: ") and vi_words in err
    code, _, err = _run(["sample", "--out", str(out), *argv, "--lang", "en"], capsys)
    assert code == 2 and err.startswith("error: ") and en_words in err
    assert not out.exists()


def test_an_option_error_is_in_the_planners_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["sample"], capsys)
    assert code == 2 and "lỗi: thiếu tham số bắt buộc: --out" in err and "usage:" not in err
