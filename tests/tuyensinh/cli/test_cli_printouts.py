"""What every command prints, on the sample wards, in both languages: one number format per
language (Vietnamese 1.523 and 4,39; English 1,523 and 4.39), no English in the Vietnamese
capacity printout, and outputs only where --out says (the ward folder and the working folder
unchanged, with --out and without it)."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from tuyensinh.cli import main

# '1 523' (not two columns of a table: '100,0 100,0', '5 100' two spaces apart are left alone)
THOUSANDS_SPACE = re.compile(r"(?<![\d.,])\d{1,3}( \d{3})+(?![\d.,]?\d)")
# a number written in the other language's way, or with spaces between thousands
WRONG = {
    "vi": {
        "space between thousands": THOUSANDS_SPACE,
        "comma between thousands": re.compile(r"\d,\d{3}(?!\d)"),
        "decimal point": re.compile(r"\d\.\d{1,2}(?!\d)"),
    },
    "en": {
        "space between thousands": THOUSANDS_SPACE,
        "dot between thousands": re.compile(r"\d\.\d{3}(?!\d)"),
        "decimal comma": re.compile(r"\d,\d{1,2}(?!\d)"),
    },
}
VERSION = re.compile(r"\b\d+\.\d+\.\d+\b")  # HiGHS 1.16.0: a version, not a number


def wrong_numbers(text: str, lang: str, *paths: Path) -> list[str]:
    """The numbers of `text` not written in `lang`'s format (paths and versions set aside)."""
    for path in paths:
        text = text.replace(str(path), "")
    text = VERSION.sub("", text)
    return [
        f"{what}: …{text[max(0, m.start() - 30) : m.end() + 10]}…"
        for what, rule in WRONG[lang].items()
        for m in rule.finditer(text)
    ]


def test_the_checker_finds_each_wrong_format() -> None:
    assert wrong_numbers("1 523 trẻ", "vi") and wrong_numbers("1,523 trẻ", "vi") and wrong_numbers("77.1 giây", "vi")
    assert wrong_numbers("1.523 pupils", "en") and wrong_numbers("4,39 %", "en") and wrong_numbers("1 523", "en")
    assert wrong_numbers("1.523 trẻ, 4,39%, 2027–2028, HiGHS 1.16.0", "vi") == []
    assert wrong_numbers("1,523 pupils, 4.39%, KP02, KP03, 2027–2028", "en") == []


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def wards(phuoc_binh_dir: Path, thien_hoa_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Copies of the sample wards (the commands must leave them as they are)."""
    root = tmp_path_factory.mktemp("wards")
    return {
        name: Path(shutil.copytree(src, root / name)) for name, src in (("pb", phuoc_binh_dir), ("th", thien_hoa_dir))
    }


COMMANDS = {
    "validate": ("pb", []),
    "forecast": ("pb", ["--out", "{out}"]),
    "capacity": ("th", ["--out", "{out}"]),
    "backtest": ("th", ["--max-horizon", "2"]),
    "zone": ("pb", ["--level", "thcs", "--time-limit", "5", "--out", "{out}"]),
    "network": ("th", ["--time-limit", "5", "--curve", "0", "--out", "{out}"]),
}


@pytest.fixture(scope="module")
def printouts(wards: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    """stdout + stderr of each command in each language, run from an empty working folder."""
    import contextlib
    import io
    import os

    before = {name: snapshot(folder) for name, folder in wards.items()}
    cwd = tmp_path_factory.mktemp("cwd")
    outs = tmp_path_factory.mktemp("outs")
    said = {}
    here = os.getcwd()
    os.chdir(cwd)
    try:
        for command, (ward, options) in COMMANDS.items():
            for lang in ("vi", "en"):
                out = outs / f"{command}_{lang}"
                argv = [command, str(wards[ward]), *(o.replace("{out}", str(out)) for o in options), "--lang", lang]
                stdout, stderr = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                    assert main(argv) == 0, stderr.getvalue()
                said[(command, lang)] = (stdout.getvalue() + stderr.getvalue()).replace(str(out), "")
    finally:
        os.chdir(here)
    assert list(cwd.iterdir()) == []  # nothing written where the command was run
    assert {name: snapshot(folder) for name, folder in wards.items()} == before  # nor into the ward folders
    return said


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_one_number_format_per_language(printouts, wards, command: str, lang: str) -> None:
    text = printouts[(command, lang)]
    assert re.search(r"\d", text)
    assert wrong_numbers(text, lang, *wards.values()) == []


def test_capacity_prints_vietnamese_by_default(printouts) -> None:
    vi, en = printouts[("capacity", "vi")], printouts[("capacity", "en")]
    assert vi.startswith("Phòng học đến năm học 2030–2031: kết quả trong")  # the English printout until 0.2
    assert "theo vùng tuyển sinh hiện hành" in vi and "Thiếu phòng" in vi and "dùng " in vi
    assert not re.search(r"\b(utilization|room\(s\)|short|written|Capacity)\b", vi)
    assert en.startswith("Capacity to school year 2030–2031: written to") and "with the current zones" in en
    assert re.search(r"utilization \d+% in 2030, \d+ room\(s\) short", en)


def test_forecast_prints_in_its_language(printouts) -> None:
    vi, en = printouts[("forecast", "vi")], printouts[("forecast", "en")]
    assert re.search(
        r"dự báo độ tuổi 0–18 cho 30 khu phố/thôn, 2027–2030 \(năm gốc 2026; .* \d{1,3}(\.\d{3})+ sai số", vi
    )
    assert re.search(r"forecast of ages 0–18 for 30 quarters, .* calibrated on \d{1,3}(,\d{3})+ past errors", en)


def test_plan_prints_one_number_format(vi_run, en_run) -> None:
    """The plan's progress lines and headlines (what `tuyensinh plan` prints)."""
    result, lines = vi_run
    text = "\n".join([*lines, *result.headlines])
    assert re.search(r"\(\d+,\d giây\)", lines[-1])  # "Xong: kết quả trong … (77,1 giây)"
    assert wrong_numbers(text, "vi", result.out) == []
    assert wrong_numbers("\n".join(en_run.headlines), "en", en_run.out) == []


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("validate", []),
        ("forecast", []),
        ("backtest", ["--max-horizon", "1"]),
        ("capacity", []),
        ("zone", ["--level", "thcs"]),
        ("plan", []),
        ("network", []),
    ],
)
def test_without_out_nothing_is_written(command, extra, thien_hoa_dir, tmp_path, monkeypatch, capsys) -> None:
    """Without --out a command writes nothing: it refuses (exit 2, --out is required) or only prints."""
    ward = Path(shutil.copytree(thien_hoa_dir, tmp_path / "ward"))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    before = snapshot(ward)
    code: object
    try:
        code = main([command, str(ward), *extra])
    except SystemExit as refused:
        code = refused.code
    assert code == (0 if command in ("validate", "backtest") else 2)
    assert snapshot(ward) == before and list(cwd.iterdir()) == []
    if code == 2:
        assert "thiếu tham số bắt buộc: --out" in capsys.readouterr().err
