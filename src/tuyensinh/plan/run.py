"""Run the December workflow on a ward folder and write every output: `run_plan(ward_folder, out)`.

The ward is loaded, the plan computed (`tuyensinh.plan.compute`) and every output written inside
`tuyensinh.present.outputs.staged_output(out, replace_whole=True)`, so a failed run leaves the
previous outputs exactly as they were. The outputs are written by `tuyensinh.plan.files`, the
report's content comes from `tuyensinh.plan.content`, its charts and maps from
`tuyensinh.plan.figures`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

from tuyensinh.plan.compute import compute_plan
from tuyensinh.plan.content import plan_headlines
from tuyensinh.plan.drawing import Drawing, FigureView, ForecastView, draw_forecast_early, draw_rest_early
from tuyensinh.plan.drawing import figure_workers as figure_workers_of
from tuyensinh.plan.files import check_out_folder, write_plan, write_plan_manifest
from tuyensinh.plan.network import NetworkSettings, compute_network
from tuyensinh.plan.types import PlanResult, PlanSettings, Progress
from tuyensinh.present.network import add_to_report, write_network
from tuyensinh.present.network import network_lines as lines_of_network
from tuyensinh.present.outputs import staged_output
from tuyensinh.ward import load_ward
from tuyensinh.words.core import number
from tuyensinh.words.labels import check_lang, say
from zoning.result import ZoningResult

__all__ = ["run_plan"]


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
    # one thread per process for NumPy's linear algebra (OpenBLAS starts one per core): the
    # plan's matrices are small and its processes already fill the cores; two threads per
    # process spun on the other core (≈ 0.8 s of CPU per sample ward, 10% of the run)
    with threadpool_limits(limits=1, user_api="blas"):
        return _run_plan(ward_folder, out, school_year, lang, progress, settings, network, figure_workers)


def _run_plan(
    ward_folder: str | os.PathLike,
    out: str | os.PathLike,
    school_year: int | None,
    lang: str | None,
    progress: bool | Callable[[str], None] | None,
    settings: PlanSettings | None,
    network: NetworkSettings | None,
    figure_workers: int | None,
) -> PlanResult:
    """`run_plan` with its arguments as given."""
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
    two_cores = figure_workers_of(figure_workers) > 1  # the plan may use a second core
    with staged_output(out, replace_whole=True) as stage:
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
                parallel=two_cores,
            )
            files = write_plan(plan, stage, tracker, figure_workers=figure_workers, early=early[-1] if early else None)
        finally:  # a failed run stops the drawing processes too (closing twice is harmless)
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
