"""Draw and save the plan's charts and maps, one job per figure, serially or on a pool of processes.

Each figure (`tuyensinh.plan.figures`) is built once and saved in every format it is written in
(PNG bytes by `tuyensinh.plan.pngs`):

    zones_<level>         the A4 sheet → maps/zones_<level>.png (`map_dpi`) and .pdf
    report_zones_<level>  the portrait sheet shown in report.html → PNG, 150 dpi, cropped
    <chart>               a fan chart or capacity chart → charts/<chart>.png, 120 dpi, cropped
                          (the same bytes go into report.html)
    web_<level>           the interactive map → maps/zones_<level>.html

The figures are independent, so `draw_figures` can run the jobs on a pool of worker processes
(`concurrent.futures.ProcessPoolExecutor`, started by fork: the workers inherit the plan, or
the part of it they read, instead of receiving a copy) while the calling process writes the
tables. `figure_workers` says how many: `TUYENSINH_FIGURE_WORKERS` when set (0 or 1: serial),
else one per usable core, at most 2. `tuyensinh batch` runs one ward per core and keeps its
plans serial (figure_workers=1). Without the fork start method (Windows) the jobs run serially.

`tuyensinh.plan.run` starts the figures before the plan is complete: the fan charts need only
the forecast, so `draw_forecast_early` starts them on one process as soon as the forecast is
computed (`compute_plan(..., on_forecast=...)`) while the plan computes the zonings on the other
core; `draw_rest_early` starts every other figure on the pool as soon as the proposed zones'
capacity is known (`on_capacity`: a `FigureView`), while the other capacity analyses, quotas
and cycle are computed. `draw_figures(..., early=...)` then skips them and collects their
bytes. The same jobs, so the same files as the serial path.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pandas as pd

from tuyensinh.plan.types import Plan, PlanSettings
from tuyensinh.present.outputs import write_bytes_atomic, write_text_atomic

__all__ = [
    "WORKERS_ENV",
    "Drawing",
    "FigureJob",
    "FigureView",
    "ForecastView",
    "draw_figures",
    "draw_forecast_early",
    "draw_rest_early",
    "figure_jobs",
    "figure_workers",
    "forecast_jobs",
    "import_drawing_modules",
]

WORKERS_ENV = "TUYENSINH_FIGURE_WORKERS"
"""Environment variable: processes drawing a plan's figures (0 or 1: serial in the calling process)."""
MAX_WORKERS = 2
"""At most this many drawing processes by default (the figures of a ward are about a dozen)."""
REPORT_MAP_DPI = 150
"""Resolution of the maps shown in report.html (an A4 portrait sheet as wide as the page)."""
CHART_DPI = 120
"""Resolution of charts/*.png (also shown in report.html)."""


@dataclass(frozen=True)
class FigureJob:
    """One figure to draw and save: `run(plan, stage)` writes its files into the staging folder
    `stage` and returns the PNG bytes report.html shows ({report name: bytes}, or {}).
    cost: relative drawing time (≈ CPU seconds on the sample wards), so that the longest jobs
    start first."""

    run: Callable[[Plan, Path], dict[str, bytes]]
    cost: float = 1.0


def _pdf_bytes(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="pdf", dpi=72)
    return buffer.getvalue()


def _map_job(level: str) -> FigureJob:
    def run(plan: Plan, stage: Path) -> dict[str, bytes]:
        from tuyensinh.plan.figures import map_orientation, zoning_maps
        from tuyensinh.plan.pngs import sheet_png

        fig = zoning_maps(plan, orientation=map_orientation(plan), levels=(level,))[f"zones_{level}"]
        write_bytes_atomic(stage / "maps" / f"zones_{level}.png", sheet_png(fig, plan.settings.map_dpi))
        write_bytes_atomic(stage / "maps" / f"zones_{level}.pdf", _pdf_bytes(fig))
        return {}

    return FigureJob(run, cost=1.5)


def _report_map_job(level: str) -> FigureJob:
    def run(plan: Plan, stage: Path) -> dict[str, bytes]:
        from tuyensinh.plan.figures import zoning_maps
        from tuyensinh.plan.pngs import cropped_png

        fig = zoning_maps(plan, orientation="portrait", prefix="report_zones_", levels=(level,))
        return {f"zones_{level}": cropped_png(fig[f"report_zones_{level}"], REPORT_MAP_DPI)}

    return FigureJob(run, cost=0.9)


def _web_map_job(level: str) -> FigureJob:
    def run(plan: Plan, stage: Path) -> dict[str, bytes]:
        from tuyensinh.plan.figures import interactive_maps

        for name, page in interactive_maps(plan, levels=(level,)).items():
            write_text_atomic(stage / "maps" / f"{name}.html", page)
        return {}

    return FigureJob(run, cost=0.15)


def _chart_job(name: str, build: Callable[[Plan], Any]) -> FigureJob:
    def run(plan: Plan, stage: Path) -> dict[str, bytes]:
        from tuyensinh.plan.pngs import cropped_png

        png = cropped_png(build(plan), CHART_DPI)
        write_bytes_atomic(stage / "charts" / f"{name}.png", png)
        return {name: png}

    return FigureJob(run, cost=1.0 if name.startswith("forecast_") else 0.6)


def figure_jobs(plan: Plan) -> dict[str, FigureJob]:
    """Every figure of the plan as a job, by name (see the module docstring)."""
    from tuyensinh.plan.figures import chart_builders

    jobs: dict[str, FigureJob] = {}
    for level in plan.levels:
        jobs[f"zones_{level}"] = _map_job(level)
        jobs[f"report_zones_{level}"] = _report_map_job(level)
        jobs[f"web_{level}"] = _web_map_job(level)
    for name, build in chart_builders(plan).items():
        jobs[name] = _chart_job(name, build)
    return jobs


@dataclass(frozen=True)
class ForecastView:
    """What the fan charts read of a plan (`tuyensinh.plan.figures`), before the plan exists:
    the ward, the settings and the forecast tables (quarters; ward totals or None)."""

    ward: Any
    settings: PlanSettings
    forecast: pd.DataFrame
    forecast_ward: pd.DataFrame | None


@dataclass(frozen=True)
class FigureView(ForecastView):
    """What every figure reads of a plan, known before the plan's last steps: the fan charts'
    fields, the coming `school_year`, the `zonings` with the capacity figures and the proposed
    zones' `capacity` table."""

    school_year: int
    zonings: dict[str, Any]
    capacity: pd.DataFrame

    @property
    def levels(self) -> tuple[str, ...]:
        """Levels zoned, as `Plan.levels`."""
        return tuple(self.zonings)


def forecast_jobs(view: Plan | ForecastView) -> dict[str, FigureJob]:
    """The fan charts' jobs (forecast_ward, forecast_<quarter>), the same as `figure_jobs`'."""
    from tuyensinh.plan.figures import chart_builders

    builders = chart_builders(cast(Plan, view))  # the fan charts' builders read only the view's fields
    return {name: _chart_job(name, build) for name, build in builders.items() if name.startswith("forecast_")}


def figure_workers(requested: int | None = None) -> int:
    """Processes to draw with: `requested` when given, else `TUYENSINH_FIGURE_WORKERS` when
    set, else one per usable core up to `MAX_WORKERS`; 1 means serial."""
    if requested is None:
        value = os.environ.get(WORKERS_ENV, "").strip()
        if value:
            try:
                requested = int(value)
            except ValueError:
                requested = 1
        else:
            usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
            requested = min(MAX_WORKERS, usable)
    if requested > 1 and "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, requested)


# The plan, staging folder and jobs of the run being drawn, set in a pool's worker processes by
# `_adopt` (fork: the objects are inherited, never pickled).
_RUN: tuple[Plan, Path, dict[str, FigureJob]] | None = None


def _adopt(plan: Plan, stage: Path, jobs: dict[str, FigureJob]) -> None:
    from tuyensinh.plan.pngs import share_text_metrics

    global _RUN
    _RUN = (plan, stage, jobs)
    share_text_metrics()  # a drawing process draws only the plan's figures


def _run_job(name: str) -> dict[str, bytes]:
    assert _RUN is not None, "a drawing worker without its plan"
    plan, stage, jobs = _RUN
    return jobs[name].run(plan, stage)


class Drawing:
    """Figures being drawn: `result()` waits for every job and returns the report's PNG bytes
    by name (a job's exception is raised there); `close()` stops the pool (always call it)."""

    def __init__(
        self,
        pool: ProcessPoolExecutor | None,
        futures: list[Future[dict[str, bytes]]],
        done: dict[str, bytes],
        names: frozenset[str] = frozenset(),
        early: Drawing | None = None,
    ):
        self._pool, self._futures, self._done = pool, futures, done
        self._early = early  # figures started earlier
        self.names: frozenset[str] = names | (early.names if early is not None else frozenset())
        """The figures drawn, also those of `early`."""

    @property
    def parallel(self) -> bool:
        """The figures are being drawn by other processes (this one is free meanwhile)."""
        return self._pool is not None or (self._early is not None and self._early.parallel)

    def result(self) -> dict[str, bytes]:
        pngs = self._early.result() if self._early is not None else {}
        pngs.update(self._done)
        for future in self._futures:
            pngs.update(future.result())
        return pngs

    def close(self) -> None:
        if self._early is not None:
            self._early.close()
            self._early = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            gc.unfreeze()


def import_drawing_modules() -> None:
    """matplotlib and the figure modules, imported once by the process that forks the drawing
    processes (which inherit them): the rest of a plan's main process never imports them.
    `tuyensinh batch` workers import them once for all their wards."""
    import capacity.charts  # noqa: F401
    import forecast.charts  # noqa: F401
    import tuyensinh.plan.pngs  # noqa: F401
    import zoning.maps
    import zoning.webmap  # noqa: F401


def _pool_drawing(plan: Plan, stage: Path, jobs: dict[str, FigureJob], count: int, early: Drawing | None) -> Drawing:
    """Run `jobs` on a fork pool of `count` processes that inherit `plan` (longest first)."""
    import_drawing_modules()
    # the objects that exist now are the workers' inheritance: out of the collector's sight, so
    # the workers' collections neither walk them nor copy their memory pages (copy-on-write)
    gc.freeze()
    pool = ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_adopt,
        initargs=(plan, stage, jobs),
    )
    try:
        order = sorted(jobs, key=lambda name: -jobs[name].cost)
        futures = [pool.submit(_run_job, name) for name in order]
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()
        raise
    return Drawing(pool, futures, {}, frozenset(jobs), early)


def draw_forecast_early(view: ForecastView, stage: Path, workers: int | None = None) -> Drawing | None:
    """Start the fan charts on one process of their own (returns at once), or None when the
    figures are drawn serially (`figure_workers(workers)` is 1): the serial path draws them
    with the rest. Pass the result to `draw_figures(..., early=...)`, or close it."""
    if figure_workers(workers) <= 1:
        return None
    jobs = forecast_jobs(view)
    return _pool_drawing(cast(Plan, view), stage, jobs, 1, None) if jobs else None


def draw_rest_early(view: FigureView, stage: Path, early: Drawing | None, workers: int | None = None) -> Drawing | None:
    """Start every figure but those of `early` (the fan charts) on a pool of
    `figure_workers(workers)` processes as soon as the proposed zones' capacity is known
    (returns at once; its result includes `early`'s), or None when drawing serially."""
    if figure_workers(workers) <= 1:
        return None
    jobs = figure_jobs(cast(Plan, view))  # the figures' builders read only the view's fields
    if early is not None:
        jobs = {name: job for name, job in jobs.items() if name not in early.names}
    count = min(figure_workers(workers), len(jobs))
    return _pool_drawing(cast(Plan, view), stage, jobs, count, early) if count > 1 else None


def draw_figures(plan: Plan, stage: Path, workers: int | None = None, early: Drawing | None = None) -> Drawing:
    """Start drawing every figure of `plan` into the staging folder `stage`: on a pool of
    `figure_workers(workers)` processes (returns at once), or serially (returns when done).
    `early`: figures already being drawn (`draw_forecast_early`): skipped here, their bytes
    are part of `result()` and `close()` stops their process too."""
    jobs = figure_jobs(plan)
    if early is not None:
        jobs = {name: job for name, job in jobs.items() if name not in early.names}
    count = min(figure_workers(workers), len(jobs))
    if count <= 1:
        pngs: dict[str, bytes] = {}
        if jobs:
            from tuyensinh.plan.pngs import shared_text_metrics

            with shared_text_metrics():
                for job in jobs.values():
                    pngs.update(job.run(plan, stage))
        return Drawing(None, [], pngs, frozenset(jobs), early)
    return _pool_drawing(plan, stage, jobs, count, early)
