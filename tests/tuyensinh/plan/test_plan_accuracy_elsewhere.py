"""The past accuracy measured on a process of its own (tuyensinh.plan.run) is the one measured in-process."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace

import pandas as pd
import pytest

from tuyensinh.plan import run
from tuyensinh.plan.compute import past_accuracy
from tuyensinh.plan.types import PlanSettings

FORK = "fork" in multiprocessing.get_all_start_methods()


def _same(a, b) -> None:
    assert a is not None and b is not None
    assert a.origins == b.origins
    for name in ("totals", "table", "small_area"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


@pytest.mark.skipif(not FORK, reason="measuring elsewhere needs the fork start method")
def test_measured_elsewhere_is_measured_here(vi_run):
    plan = vi_run[0].plan
    here = past_accuracy(plan.ward)
    _same(here, plan.accuracy)  # the run (figures on processes) measured it elsewhere
    elsewhere = run._AccuracyElsewhere(plan.ward, plan.settings, 2)
    getter = elsewhere.result_getter()
    assert getter is not None
    _same(getter(), here)
    elsewhere.close()  # closing twice is harmless


def test_serial_runs_and_runs_without_accuracy_measure_it_in_process(vi_run):
    plan = vi_run[0].plan
    for settings, workers in ((plan.settings, 1), (replace(plan.settings, accuracy=False), 2)):
        elsewhere = run._AccuracyElsewhere(plan.ward, settings, workers)
        assert elsewhere.result_getter() is None
        elsewhere.close()
    assert isinstance(plan.settings, PlanSettings)
