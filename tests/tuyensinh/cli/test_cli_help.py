"""What --help and --version print: no doubled percent signs, the installed version."""

from __future__ import annotations

from importlib import metadata

import pytest

from tuyensinh.cli import COMMANDS, main


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"tuyensinh {metadata.version('tuyensinh')}"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_doubled_percent_sign(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    shown = capsys.readouterr().out
    assert "%%" not in shown and command in shown


def test_zone_and_plan_share_the_contiguity_default() -> None:
    from tuyensinh.cli import build_parser

    parser = build_parser()
    zone = parser.parse_args(["zone", "W", "--level", "thcs", "--out", "O"])
    plan = parser.parse_args(["plan", "W", "--out", "O"])
    assert plan.contiguous is True and zone.contiguous is None  # None: on, unless --split (resolved in run)
    assert parser.parse_args(["zone", "W", "--level", "thcs", "--out", "O", "--no-contiguous"]).contiguous is False


def test_backtest_without_out_writes_nothing_into_the_ward_folder(tmp_path, thien_hoa_dir, capsys) -> None:
    import shutil

    ward = tmp_path / "ward"
    shutil.copytree(thien_hoa_dir, ward)
    before = sorted(p.name for p in ward.rglob("*"))
    assert main(["backtest", str(ward), "--max-horizon", "1", "--lang", "en"]) == 0
    assert sorted(p.name for p in ward.rglob("*")) == before
    assert "written" not in capsys.readouterr().out.lower()
