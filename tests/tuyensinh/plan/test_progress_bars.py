"""Progress on stderr: bars with the time left on a terminal, the plain step lines elsewhere,
nothing when quiet."""

from __future__ import annotations

import io
import sys
import time

import pytest

import tuyensinh.present.progress_bars as progress_bars
from tuyensinh.plan.types import Progress


class FakeTerminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _run_steps(progress: Progress) -> None:
    with progress.step(1, "validate", "step.validate"):
        pass
    with progress.step(4, "zoning.thcs", "step.zoning", level="THCS", seconds_at_most=60.0):
        time.sleep(0.2)  # the time bar is redrawn by its thread meanwhile (TICK_SECONDS patched)
    progress.line("Kịch bản: A")
    progress.close()


def test_plain_lines_when_stderr_is_not_a_terminal() -> None:
    log = io.StringIO()
    progress = Progress(True, "vi", stream=log)
    _run_steps(progress)
    assert log.getvalue().splitlines() == [
        "[1/7] Kiểm tra dữ liệu phường/xã …",
        "[4/7] Phân tuyến tuyển sinh: THCS …",
        "Kịch bản: A",
    ]
    assert set(progress.timings) == {"validate", "zoning.thcs"}


@pytest.mark.parametrize(
    ("lang", "left", "at_most"), [("vi", "còn", "/60 giây (còn tối đa"), ("en", "left", "/60 s (left at most")]
)
def test_bars_with_time_left_on_a_terminal(monkeypatch, lang, left, at_most) -> None:
    monkeypatch.setattr(progress_bars, "TICK_SECONDS", 0.02)
    terminal = FakeTerminal()
    progress = Progress(True, lang, stream=terminal)
    _run_steps(progress)
    drawn = terminal.getvalue()
    assert "\r" in drawn  # redrawn in place, not one line per update
    assert "[4/7] " in drawn and "7/7 [" in drawn and f", {left} " in drawn  # the steps bar and its estimate
    assert at_most in drawn  # the solve against its time limit: at most 60 s, less what has passed
    assert "[1/7] Kiểm tra dữ liệu phường/xã …" not in drawn.splitlines()  # no plain step lines
    assert "Kịch bản: A\n" in drawn  # a line written above the bars
    assert progress_bars.threading.active_count() >= 1 and not any(
        t.name == "tuyensinh-progress" for t in progress_bars.threading.enumerate()
    )  # the redrawing thread ends with its step


def test_true_means_stderr_read_when_the_progress_starts(monkeypatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    Progress(True, "vi").close()
    assert "0/7" in terminal.getvalue()


def test_quiet_writes_nothing(capsys) -> None:
    _run_steps(Progress(False, "vi"))
    _run_steps(Progress(None, "en"))
    assert capsys.readouterr() == ("", "")


def test_a_failing_step_ends_the_bars(monkeypatch) -> None:
    terminal = FakeTerminal()
    progress = Progress(True, "vi", stream=terminal)
    with pytest.raises(ValueError), progress.step(4, "zoning.thcs", "step.zoning", level="THCS", seconds_at_most=5):
        raise ValueError("no zoning")
    assert terminal.getvalue().endswith("\n")  # the cursor below the bars for the error message
    progress.line("Lỗi: …")
    assert terminal.getvalue().endswith("Lỗi: …\n")  # a plain line once the bars ended
