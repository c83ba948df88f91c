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
