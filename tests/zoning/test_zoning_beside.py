"""A function in a forked child beside this process (zoning.beside.Beside): its reports in
order, its result, the wait for a wanted report, the parent's time limit, errors raised in the
parent, and the same answers in this process when fork is not available."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from zoning import beside
from zoning.beside import Beside


def _squares(n: int, *, report, pause: float = 0.0) -> int:
    """Reports 0, 1, 4, … (n of them), then returns their sum."""
    total = 0
    for k in range(n):
        time.sleep(pause)
        report(k * k)
        total += k * k
    return total


def _fails(*, report) -> None:
    report("started")
    raise ValueError("a part without rows")


def _sleeps(seconds: float, *, report) -> str:
    time.sleep(seconds)
    return "woke"


@pytest.mark.parametrize("fork", [True, False])
def test_reports_arrive_in_order_and_the_result_after_them(fork, monkeypatch):
    if not fork:
        monkeypatch.setattr(beside, "fork_available", lambda: False)
    child = Beside(_squares, 6, until=time.perf_counter() + 30)
    assert (child.process is not None) == fork
    assert child.wait(lambda r: r > 5) == 9  # the first report above 5
    assert child.finish() == 0 + 1 + 4 + 9 + 16 + 25
    assert child.reports == [0, 1, 4, 9, 16, 25]
    assert child.wait(lambda r: r > 100) is None  # none ever comes: the child has ended
    assert not multiprocessing.active_children()


def test_a_report_never_made_is_waited_for_no_longer_than_the_time_given():
    # the child would take 60 s; the parent stops waiting at its time and stops the child
    began = time.perf_counter()
    child = Beside(_sleeps, 60.0, until=began + 0.3)
    assert child.wait(lambda r: True) is None
    assert child.finish() is None
    assert time.perf_counter() - began < 30  # it did not wait for the child's 60 s
    assert child.process is not None and not child.process.is_alive()


def test_finish_without_waiting_takes_only_what_is_there():
    child = Beside(_squares, 3, until=time.perf_counter() + 30, pause=20.0)
    assert child.finish(wait=False) is None
    assert child.reports == []
    assert child.process is not None and not child.process.is_alive()


@pytest.mark.parametrize("fork", [True, False])
def test_an_error_in_the_child_is_raised_in_the_parent(fork, monkeypatch):
    if not fork:
        monkeypatch.setattr(beside, "fork_available", lambda: False)
    child = Beside(_fails, until=time.perf_counter() + 30)
    error = RuntimeError if fork else ValueError
    with pytest.raises(error, match="a part without rows"):
        child.finish()
    child.stop()
    assert not multiprocessing.active_children()
