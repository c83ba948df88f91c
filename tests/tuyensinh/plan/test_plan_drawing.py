"""The plan's figures: each PNG from one draw gives savefig's pixels, and the pool draws what the
serial path draws, also with the fan charts started early (tuyensinh.plan.pngs, tuyensinh.plan.drawing)."""

from __future__ import annotations

import io
import multiprocessing
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from tuyensinh.plan import drawing, pngs
from tuyensinh.plan.drawing import (
    FigureJob,
    FigureView,
    ForecastView,
    draw_figures,
    draw_forecast_early,
    draw_rest_early,
    figure_jobs,
    figure_workers,
    forecast_jobs,
)
from tuyensinh.plan.pngs import cropped_png, sheet_png

FORK = "fork" in multiprocessing.get_all_start_methods()


def _pixels(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def _savefig(fig: Figure, dpi: float, **options: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, **options)
    return buffer.getvalue()


def _chart() -> Figure:
    fig = Figure(figsize=(6.0, 4.0), layout="constrained")
    ax = fig.add_subplot()
    ax.plot([2026, 2027, 2028, 2029, 2030], [410, 432, 447, 451, 470], marker="o")
    ax.fill_between([2026, 2030], [380, 420], [440, 520], alpha=0.3)
    ax.set_title("Dân số 6–10 tuổi – Phường Phước Bình")
    ax.set_ylabel("trẻ em")
    fig.legend(["dự báo"], loc="outside right upper")
    return fig


@pytest.mark.parametrize("dpi", [100, 120, 150])
def test_a_cropped_png_has_the_pixels_of_savefig_tight(dpi):
    ours = _pixels(cropped_png(_chart(), dpi))
    theirs = _pixels(_savefig(_chart(), dpi, bbox_inches="tight", pad_inches=0.1))
    assert np.array_equal(ours, theirs)  # the same pixels: laid out and cropped as savefig does it


def test_a_png_of_transparent_pixels_keeps_them_with_its_resolution():
    pixels = np.full((3, 5, 4), 255, np.uint8)
    pixels[..., 0] = np.arange(5) * 50  # red rises along each row
    pixels[1, 2] = (10, 20, 30, 0)  # one transparent pixel
    image = Image.open(io.BytesIO(pngs._encode(pixels, 150.0)))
    assert image.mode == "RGBA" and image.size == (5, 3)
    assert round(image.info["dpi"][0]) == 150
    assert np.array_equal(np.asarray(image), pixels)


def test_a_sheet_png_is_the_whole_figure_in_rgb_with_its_resolution():
    data = sheet_png(_chart(), 200)
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGB" and image.size == (1200, 800)
    assert round(image.info["dpi"][0]) == 200
    assert np.array_equal(_pixels(data), _pixels(_savefig(_chart(), 200)))


def test_a_transparent_figure_keeps_its_alpha_channel():
    fig = _chart()
    fig.patch.set_alpha(0.0)
    assert Image.open(io.BytesIO(sheet_png(fig, 50))).mode == "RGBA"


def test_figure_workers_reads_the_setting(monkeypatch):
    monkeypatch.setenv(drawing.WORKERS_ENV, "1")
    assert figure_workers() == 1
    monkeypatch.setenv(drawing.WORKERS_ENV, "0")
    assert figure_workers() == 1
    monkeypatch.setenv(drawing.WORKERS_ENV, "many")
    assert figure_workers() == 1
    monkeypatch.setenv(drawing.WORKERS_ENV, "3")
    assert figure_workers() == (3 if FORK else 1)
    assert figure_workers(1) == 1  # an explicit request wins (tuyensinh batch)
    monkeypatch.delenv(drawing.WORKERS_ENV)
    assert 1 <= figure_workers() <= drawing.MAX_WORKERS


@pytest.mark.skipif(not FORK, reason="the figure pool needs the fork start method")
def test_the_pool_writes_what_the_serial_path_writes(vi_run, tmp_path, monkeypatch):
    plan = vi_run[0].plan
    level = plan.levels[0]
    keep = {f"zones_{level}", f"report_zones_{level}", f"web_{level}", "shortfall"}
    jobs = {name: job for name, job in figure_jobs(plan).items() if name in keep}
    assert set(jobs) == keep
    monkeypatch.setattr(drawing, "figure_jobs", lambda plan: jobs)
    results = {}
    for workers in (1, 2):
        stage = tmp_path / f"w{workers}"
        run = draw_figures(plan, stage, workers=workers)
        assert run.parallel == (workers > 1)
        try:
            pngs = run.result()
        finally:
            run.close()
        files = {p.relative_to(stage).as_posix(): p.read_bytes() for p in stage.rglob("*") if p.is_file()}
        results[workers] = (pngs, files)
    (serial_pngs, serial_files), (pool_pngs, pool_files) = results[1], results[2]
    assert set(serial_pngs) == set(pool_pngs) == {f"zones_{level}", "shortfall"}
    assert (
        set(serial_files)
        == set(pool_files)
        == {
            f"maps/zones_{level}.png",
            f"maps/zones_{level}.pdf",
            f"maps/zones_{level}.html",
            "charts/shortfall.png",
        }
    )
    for name in serial_pngs:
        assert serial_pngs[name] == pool_pngs[name]
    for name in ("charts/shortfall.png", f"maps/zones_{level}.png", f"maps/zones_{level}.html"):
        assert serial_files[name] == pool_files[name]


@pytest.mark.skipif(not FORK, reason="the figure pool needs the fork start method")
def test_a_failing_figure_fails_the_run_from_the_pool(vi_run, tmp_path, monkeypatch):
    def broken(plan, stage):
        raise RuntimeError("no ink")

    jobs = {"a": FigureJob(lambda plan, stage: {"a": b"png"}), "b": FigureJob(broken)}
    monkeypatch.setattr(drawing, "figure_jobs", lambda plan: jobs)
    run = draw_figures(vi_run[0].plan, tmp_path, workers=2)
    try:
        with pytest.raises(RuntimeError, match="no ink"):
            run.result()
    finally:
        run.close()


def _files(stage: Path) -> dict[str, bytes]:
    """The files written, by name (a PDF's bytes hold its creation time: its size instead)."""
    files = {p.relative_to(stage).as_posix(): p for p in stage.rglob("*") if p.is_file()}
    return {name: str(p.stat().st_size).encode() if p.suffix == ".pdf" else p.read_bytes() for name, p in files.items()}


@pytest.mark.skipif(not FORK, reason="the figure pool needs the fork start method")
def test_fan_charts_started_early_give_the_serial_files(vi_run, tmp_path, monkeypatch):
    plan = vi_run[0].plan
    fans = forecast_jobs(plan)
    assert "forecast_ward" in fans and len(fans) == 3  # the ward and its two fastest-changing quarters
    keep = {*fans, "shortfall"}
    jobs = {name: job for name, job in figure_jobs(plan).items() if name in keep}
    assert set(jobs) == keep
    monkeypatch.setattr(drawing, "figure_jobs", lambda plan: jobs)

    serial = draw_figures(plan, tmp_path / "serial", workers=1)
    serial_pngs = serial.result()
    serial.close()

    view = ForecastView(plan.ward, plan.settings, plan.forecast, plan.forecast_ward)
    early = draw_forecast_early(view, tmp_path / "early", workers=2)
    assert early is not None and early.parallel and early.names == set(fans)
    run = draw_figures(plan, tmp_path / "early", workers=2, early=early)
    try:
        assert run.names == keep  # its own job (shortfall) and the early ones
        early_pngs = run.result()
    finally:
        run.close()
    assert early_pngs == serial_pngs and set(serial_pngs) == keep
    assert _files(tmp_path / "early") == _files(tmp_path / "serial")

    # the maps and capacity charts started too before the plan is complete: nothing left to draw
    fans_first = draw_forecast_early(view, tmp_path / "rest", workers=2)
    figures = FigureView(*vars(view).values(), plan.school_year, plan.zonings, plan.capacity)
    rest = draw_rest_early(figures, tmp_path / "rest", fans_first, workers=2)
    assert rest is None  # one job left (shortfall): drawn with the others by draw_figures
    run = draw_figures(plan, tmp_path / "rest", workers=2, early=fans_first)
    try:
        rest_pngs = run.result()
    finally:
        run.close()
    assert rest_pngs == serial_pngs and _files(tmp_path / "rest") == _files(tmp_path / "serial")
    # the run_plan of the fixture drew its fan charts early (a pool on this machine): the same bytes
    written = _files(vi_run[0].out / "charts")
    for name in fans:
        assert written[f"{name}.png"] == serial_pngs[name]


@pytest.mark.skipif(not FORK, reason="the figure pool needs the fork start method")
def test_maps_and_charts_started_early_give_the_serial_files(vi_run, tmp_path, monkeypatch):
    plan = vi_run[0].plan
    level = plan.levels[0]
    fans = forecast_jobs(plan)
    keep = {*fans, f"zones_{level}", f"web_{level}", "shortfall", "utilization"}
    jobs = {name: job for name, job in figure_jobs(plan).items() if name in keep}
    monkeypatch.setattr(drawing, "figure_jobs", lambda plan: jobs)
    serial = draw_figures(plan, tmp_path / "serial", workers=1)
    serial_pngs = serial.result()
    serial.close()

    view = FigureView(
        plan.ward, plan.settings, plan.forecast, plan.forecast_ward, plan.school_year, plan.zonings, plan.capacity
    )
    assert view.levels == plan.levels
    fans_first = draw_forecast_early(view, tmp_path / "early", workers=2)
    rest = draw_rest_early(view, tmp_path / "early", fans_first, workers=2)
    assert rest is not None and rest.names == keep
    run = draw_figures(plan, tmp_path / "early", workers=2, early=rest)
    try:
        assert run.parallel  # nothing left to draw here: the documents are written meanwhile
        pngs = run.result()
    finally:
        run.close()
    assert pngs == serial_pngs and set(pngs) == {*fans, "shortfall", "utilization"}
    assert _files(tmp_path / "early") == _files(tmp_path / "serial")
    assert draw_rest_early(view, tmp_path / "none", None, workers=1) is None  # serial: nothing early


def test_the_serial_path_starts_nothing_early(vi_run, tmp_path):
    plan = vi_run[0].plan
    view = ForecastView(plan.ward, plan.settings, plan.forecast, plan.forecast_ward)
    assert draw_forecast_early(view, tmp_path, workers=1) is None  # tuyensinh batch: all in one process
    assert not list(tmp_path.iterdir())


def test_shared_text_metrics_give_the_same_pixels_and_are_undone(monkeypatch):
    import matplotlib.text as mtext
    from matplotlib.backends.backend_agg import RendererAgg

    from tuyensinh.plan.pngs import shared_text_metrics

    def chart() -> Figure:
        fig = Figure(figsize=(4, 3), layout="constrained")
        ax = fig.add_subplot()
        ax.plot([2026, 2027, 2028, 2029, 2030], [410, 432, 451, 440, 467], label="Dự báo $\\mu$")
        ax.set_title("Trẻ 6 tuổi — phường Phước Bình")
        ax.set_xlabel("Năm học")
        ax.legend()
        return fig

    measured: list[str] = []
    measure = RendererAgg.get_text_width_height_descent

    def counted(self, s, prop, ismath):
        measured.append(s)
        return measure(self, s, prop, ismath)

    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent", counted)
    original = mtext._get_text_metrics_function
    alone = [cropped_png(chart(), 120), cropped_png(chart(), 150)]
    per_chart = len(measured) / 2
    with shared_text_metrics():
        assert mtext._get_text_metrics_function is not original
        with shared_text_metrics():  # nested: still one shared cache, undone by the outer block
            measured.clear()
            shared = [cropped_png(chart(), 120), cropped_png(chart(), 150)]
            first_two = len(measured)
            shared.append(cropped_png(chart(), 120))
            assert len(measured) - first_two <= 2  # the same chart again: (almost) nothing measured
        assert mtext._get_text_metrics_function is not original
    assert first_two < 2 * per_chart  # the tight box's texts are not measured again for the drawing
    assert mtext._get_text_metrics_function is original
    assert shared == [alone[0], alone[1], alone[0]]  # byte for byte, also from the second chart on


def test_shared_heights_and_outlines_give_the_same_pixels_and_are_undone():
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.textpath import TextToPath

    from tuyensinh.plan.pngs import shared_text_metrics

    def sheet() -> Figure:  # labels with a halo are drawn as paths (outlined), as on the maps
        fig = Figure(figsize=(3, 2))
        halo = [patheffects.withStroke(linewidth=2.4, foreground="white")]
        fig.text(0.1, 0.6, "Trường Tiểu học\nKim Đồng", fontsize=8.5, fontweight="bold", path_effects=halo)
        fig.text(0.1, 0.2, "Khu phố 9", fontsize=7, path_effects=halo, color="#1a1a1a")
        return fig

    def pdf(fig: Figure) -> bytes:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="pdf", metadata={"CreationDate": None})
        return buffer.getvalue()

    outline, native = TextToPath.get_text_path, hasattr(RendererAgg, "_get_font_height_metrics")
    alone = [sheet_png(sheet(), 120), cropped_png(sheet(), 150), pdf(sheet())]
    with shared_text_metrics():
        assert hasattr(RendererAgg, "_get_font_height_metrics") and TextToPath.get_text_path is not outline
        first = TextToPath().get_text_path(sheet().texts[1].get_fontproperties(), "Khu phố 9")
        again = TextToPath().get_text_path(sheet().texts[1].get_fontproperties(), "Khu phố 9")
        assert first[0] is again[0] and not first[0].flags.writeable  # outlined once, read-only
        shared = [sheet_png(sheet(), 120), cropped_png(sheet(), 150), pdf(sheet())]
        shared += [sheet_png(sheet(), 120)]
    assert hasattr(RendererAgg, "_get_font_height_metrics") == native and TextToPath.get_text_path is outline
    assert shared == [*alone, alone[0]]  # byte for byte
