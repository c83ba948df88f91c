"""Run the December workflow on a ward folder and write every output: `run_plan(ward_folder, out)`.

The ward is loaded, the plan computed (`tuyensinh.plan.compute`) and every output written inside
`tuyensinh.present.outputs.staged_output(out, replace_whole=True)`, so a failed run leaves the
previous outputs exactly as they were. The outputs are written by `tuyensinh.plan.files`, the
report's content comes from `tuyensinh.plan.content`, its charts and maps from
`tuyensinh.plan.figures`.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

import pandas as pd

from forecast.births import import_smoothing
from tuyensinh.plan.accuracy import PlanningAccuracy
from tuyensinh.plan.compute import compute_plan, past_accuracy
from tuyensinh.plan.content import plan_headlines
from tuyensinh.plan.drawing import (
    Drawing,
    FigureView,
    ForecastView,
    draw_forecast_early,
    draw_rest_early,
    figure_workers,
)
from tuyensinh.plan.files import check_out_folder, write_plan, write_plan_manifest
from tuyensinh.plan.network import NetworkSettings, compute_network
from tuyensinh.plan.types import PlanResult, PlanSettings, Progress
from tuyensinh.present.network import add_to_report, write_network
from tuyensinh.present.network import network_lines as lines_of_network
from tuyensinh.present.outputs import staged_output
from tuyensinh.ward import Ward, load_ward
from tuyensinh.words.core import number
from tuyensinh.words.labels import check_lang, say
from zoning.result import ZoningResult

__all__ = ["run_plan"]

# The ward whose past accuracy a process of `_AccuracyElsewhere` measures (fork: inherited).
_WARD: Ward | None = None


def _adopt_ward(ward: Ward) -> None:
    global _WARD
    _WARD = ward


def _measure_adopted() -> PlanningAccuracy | None:
    assert _WARD is not None, "an accuracy process without its ward"
    return past_accuracy(_WARD)


class _AccuracyElsewhere:
    """The forecast's past accuracy measured on a fork process of its own, started as soon as
    the ward is loaded: the backtest then runs on the second core while this process computes
    the forecast (which the backtest does not need). Only when the figures are drawn on
    processes too (`figure_workers` > 1: not in `tuyensinh batch` workers, not without fork)."""

    def __init__(self, ward: Ward, settings: PlanSettings, workers: int | None):
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[PlanningAccuracy | None] | None = None
        self._ward = ward
        if settings.accuracy and figure_workers(workers) > 1:
            import_smoothing()  # the forecast needs it too: imported once, before the fork
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_adopt_ward,
                initargs=(ward,),
            )
            self._future = self._pool.submit(_measure_adopted)

    def result_getter(self) -> Callable[[], PlanningAccuracy | None] | None:
        """For `compute_plan(..., accuracy_elsewhere=...)`: None when measured in this process."""
        return self.result if self._future is not None else None

    def result(self) -> PlanningAccuracy | None:
        assert self._future is not None
        try:
            return self._future.result()
        except BrokenProcessPool:  # the process died (e.g. out of memory): measure it here
            return past_accuracy(self._ward)
        finally:
            self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def run_plan(
    ward_folder: str | os.PathLike,
    out: str | os.PathLike,
    school_year: int | None = None,
    lang: str | None = None,
    progress: bool | Callable[[str], None] | None = True,
    settings: PlanSettings | None = None,
    network: NetworkSettings | None = None,
    figure_workers: int | None = None,
) -> PlanResult:
    """Run the December workflow on a ward folder and write every output into `out`.

    `school_year` / `lang` override the same fields of `settings`. `progress`: True prints
    short lines on stderr, False is silent, a callable receives each line. The previous
    contents of `out` are replaced only when the whole run succeeds. `network`: also plan the
    school network (`tuyensinh.plan.network`: new sites, closures, the ward's constraints),
    write its outputs into `out/network/` and add its section to report.html.
    `figure_workers`: processes drawing the charts and maps (`tuyensinh.plan.drawing`; None:
    `TUYENSINH_FIGURE_WORKERS` or one per core up to 2; 1: serially, as `tuyensinh batch`
    workers do).
    """
    settings = settings or PlanSettings()
    if school_year is not None:
        settings = replace(settings, school_year=int(school_year))
    if lang is not None:
        settings = replace(settings, lang=check_lang(lang))
    tracker = Progress(progress, settings.lang)
    started = time.perf_counter()
    ward_folder, out = Path(ward_folder), Path(out)
    with tracker.step(1, "validate", "step.validate"):
        ward = load_ward(ward_folder)
    check_out_folder(ward_folder, out)
    with staged_output(out, replace_whole=True) as stage:
        measuring = _AccuracyElsewhere(ward, settings, figure_workers)  # the backtest beside the forecast
        # the figures drawn while the plan is computed: the fan charts once the forecast is
        # known, the maps and capacity charts once the proposed zones' capacity is
        early: list[Drawing | None] = []
        forecasts: list[ForecastView] = []

        def start_fans(forecast: pd.DataFrame, forecast_ward: pd.DataFrame | None) -> None:
            forecasts.append(ForecastView(ward, settings, forecast, forecast_ward))
            early.append(draw_forecast_early(forecasts[-1], stage, workers=figure_workers))

        def start_rest(school_year: int, zonings: dict[str, ZoningResult], capacity: pd.DataFrame) -> None:
            fans = forecasts[-1]
            view = FigureView(ward, settings, fans.forecast, fans.forecast_ward, school_year, zonings, capacity)
            rest = draw_rest_early(view, stage, early[-1], workers=figure_workers)
            if rest is not None:
                early.append(rest)

        try:
            plan = compute_plan(
                ward,
                settings,
                progress=tracker,
                on_forecast=start_fans,
                on_capacity=start_rest,
                accuracy_elsewhere=measuring.result_getter(),
            )
            files = write_plan(plan, stage, tracker, figure_workers=figure_workers, early=early[-1] if early else None)
        finally:  # a failed run stops the drawing processes too (closing twice is harmless)
            measuring.close()
            for drawing in early:
                if drawing is not None:
                    drawing.close()
        network_lines: list[str] = []
        if network is not None:
            outcome = compute_network(ward, network)
            (stage / "network").mkdir()
            written = write_network(outcome, stage / "network", settings.lang)
            files = [*files, *(f"network/{name}" for name in written)]
            network_lines = lines_of_network(outcome, settings.lang)[:1]
            if (stage / "report.html").is_file():
                add_to_report(stage / "report.html", outcome, settings.lang)
        manifest = write_plan_manifest(plan, stage, files, ward_folder=ward_folder, timings=tracker.timings)
        files = sorted([*files, "manifest.json"])
    plan = replace(plan, timings=dict(tracker.timings))
    headlines = (*plan_headlines(plan), *network_lines)
    seconds = number(time.perf_counter() - started, settings.lang, 1)
    tracker.close()
    tracker.line(say("step.done", settings.lang, out=out, seconds=seconds))
    return PlanResult(out=out.resolve(), plan=plan, files=tuple(files), manifest=manifest, headlines=headlines)
