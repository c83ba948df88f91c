"""A small generated province (4 wards of Ho Chi Minh City, one broken on purpose) planned on a
REAL local Dask cluster of worker processes: the broken ward is reported and does not stop
the others, the roll-up adds up to the wards' own outputs, a rerun skips unchanged wards,
--force redoes them, and the city-wide zoning serves every quarter once within capacity or
with the overflow reported.

The first batch and the forced rerun run on one local cluster of two workers started for the
module and given to `run_batch` as its scheduler (`--scheduler`): the forced rerun finds the
workers with their imports done, as a long-running cluster would (a new cluster's worker
spends about 9 s importing before its first ward on this machine). The rerun of one changed
ward starts its own local cluster, as `tuyensinh batch` without --scheduler does."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook

from tuyensinh.province.batch import run_batch
from tuyensinh.province.bridge import PlanSettings
from tuyensinh.province.citywide import citywide_zoning
from tuyensinh.province.sample import sample_province

pytest.importorskip("dask.distributed")

#: light plan settings: small PNG maps, no yearly re-zoning (the plan is otherwise the real one)
SETTINGS = PlanSettings(map_dpi=40, rezone_each_year=False, time_limit=20.0)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a local cluster of two single-threaded worker processes for the module,
    set up as `dask_client` sets up its own (no task profiler); its scheduler's HTTP server on a
    free port, so the clusters `run_batch` starts meanwhile still find Dask's default port."""
    import logging

    import dask
    from dask.distributed import LocalCluster

    with dask.config.set({"distributed.worker.profile.enabled": False}):
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": ":0"},
            silence_logs=logging.ERROR,
        )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory, scheduler: str) -> dict:
    root = tmp_path_factory.mktemp("province")
    folders = sample_province(root / "hcmc", wards=4, broken=1)
    lines: list[str] = []
    result = run_batch(
        root / "hcmc", root / "out", workers=2, scheduler=scheduler, settings=SETTINGS, progress=lines.append
    )
    return {
        "root": root,
        "folders": folders,
        "result": result,
        "lines": lines,
        "broken": folders[-1].name,
        "scheduler": scheduler,
    }


def load_ward_name(folder: Path) -> str:
    """The ward's name from its ward.toml (the broken ward cannot be loaded whole)."""
    import tomllib

    return tomllib.loads((folder / "ward.toml").read_text(encoding="utf-8"))["ward"]["name"]


def _ok(result) -> list:
    return [o for o in result.outcomes if o.ok]


def test_broken_ward_is_reported_and_the_others_are_planned(province: dict) -> None:
    result, broken_name = province["result"], province["broken"]
    statuses = {o.name: o.status for o in result.outcomes}
    assert len(statuses) == 4
    assert statuses.pop(broken_name) == "failed"
    assert set(statuses.values()) == {"planned"}
    broken = next(o for o in result.outcomes if o.name == broken_name)
    text = "\n".join(broken.problems)
    assert "population.csv" in text and "count" in text  # the negative head count
    assert "schools.csv" in text and "dai_hoc" in text  # the unknown level
    assert not (Path(broken.out) / "manifest.json").exists()  # nothing half-written for it
    for o in _ok(result):
        assert (Path(o.out) / "manifest.json").is_file() and (Path(o.out) / "report.html").is_file()
        assert not list(Path(o.out).parent.glob(".*staging*"))  # atomic: no staging left behind


def test_wards_ran_on_two_worker_processes(province: dict) -> None:
    result = province["result"]
    assert result.workers == 2 and result.scheduler == province["scheduler"]
    pids = {o.worker for o in result.outcomes}
    import os

    assert f"{os.uname().nodename}:{os.getpid()}" not in pids  # not in this (client) process
    assert all(mb > 50 for mb in result.peak_memory_by_worker().values())


def test_progress_counts_done_failed_left(province: dict) -> None:
    lines = province["lines"]
    assert lines[0].startswith("Lập kế hoạch các phường, xã: 4")
    assert lines[-1].endswith("xong 3 · lỗi 1 · còn 0") or "xong 3 · lỗi 1 · còn 0" in lines[-1]
    assert any("còn khoảng" in line for line in lines[1:-1])  # time remaining while wards are left


def test_rollup_totals_equal_the_sum_of_the_wards_own_outputs(province: dict) -> None:
    result = province["result"]
    totals = pd.read_csv(result.out / "province_totals.csv")
    frames = []
    for o in _ok(result):
        summary = pd.read_csv(Path(o.out) / "ward_summary.csv")
        frames.append(summary[summary["level"] != "all"])
    wards = pd.concat(frames)
    expected = wards.groupby(["level", "school_year"])[
        ["pupils_mean", "classes", "rooms_needed", "rooms_available", "rooms_short"]
    ].sum()
    got = totals[totals["level"] != "all"].set_index(["level", "school_year"])
    for column, source in (
        ("pupils", "pupils_mean"),
        ("classes", "classes"),
        ("rooms_needed", "rooms_needed"),
        ("rooms_available", "rooms_available"),
        ("rooms_short", "rooms_short"),
    ):
        np.testing.assert_allclose(
            got[column].sort_index().to_numpy(), expected[source].sort_index().to_numpy(), rtol=1e-5
        )
    whole = totals[totals["level"] == "all"].set_index("school_year")["pupils"]
    np.testing.assert_allclose(
        whole.to_numpy(), wards.groupby("school_year")["pupils_mean"].sum().to_numpy(), rtol=1e-5
    )
    assert set(totals["wards"]) == {3}  # the broken ward is not counted


def test_workbook_and_page_show_totals_problems_and_missing_columns(province: dict) -> None:
    result = province["result"]
    book = load_workbook(result.out / "province.xlsx")
    assert book.sheetnames == ["Tổng hợp", "Mầm non", "Tiểu học", "THCS", "Lỗi dữ liệu"]
    sheet = book["THCS"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    total = next(r for r in rows if r[2] == "TỔNG CỘNG")
    totals = pd.read_csv(result.out / "province_totals.csv")
    coming = totals[(totals["level"] == "thcs")]["school_year"].min()
    thcs_pupils = float(totals[(totals["level"] == "thcs") & (totals["school_year"] == coming)]["pupils"].iloc[0])
    assert total[3] == pytest.approx(thcs_pupils, abs=0.06)
    assert any(r[-1] == "Lỗi dữ liệu" for r in rows)  # the broken ward's row
    assert "không có số liệu" in [c.value for c in book["Tổng hợp"][8]]  # no teachers column in the sample
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows
    problems = [[c.value for c in row] for row in book["Lỗi dữ liệu"].iter_rows()]
    broken = load_ward_name(province["root"] / "hcmc" / province["broken"])
    assert sum(1 for r in problems if r[2] == broken) == 2
    page = (result.out / "province_report.html").read_text(encoding="utf-8")
    assert broken in page and "dai_hoc" in page and "data:image/png;base64," in page
    assert "Giáo viên thiếu: không có số liệu" in page


def test_rerun_skips_unchanged_wards_and_force_redoes_them(province: dict) -> None:
    root, first, broken = province["root"], province["result"], province["broken"]
    stamps = {o.name: (Path(o.out) / "manifest.json").stat().st_mtime_ns for o in _ok(first)}
    workbook = (first.out / "province.xlsx").stat().st_mtime_ns
    again = run_batch(root / "hcmc", root / "out", workers=2, settings=SETTINGS, progress=False)
    assert (again.out / "province.xlsx").stat().st_mtime_ns == workbook  # nothing changed: roll-up kept
    assert again.rollup_files == first.rollup_files
    assert {o.name: o.status for o in again.outcomes} == {**dict.fromkeys(stamps, "unchanged"), broken: "failed"}
    assert again.workers == 0  # no cluster was even started
    assert {o.name: (Path(o.out) / "manifest.json").stat().st_mtime_ns for o in _ok(again)} == stamps
    assert next(o for o in again.outcomes if o.name == broken).problems  # still listed in the roll-up
    # a changed input file: only that ward
    ward = next(o for o in again.outcomes if o.ok)
    with open(Path(ward.folder) / "ward.toml", "a", encoding="utf-8") as handle:
        handle.write("# edited\n")
    one = run_batch(root / "hcmc", root / "out", workers=1, settings=SETTINGS, progress=False, rollup=False)
    assert [o.name for o in one.outcomes if o.status == "planned"] == [ward.name]
    assert one.scheduler == "local" and one.workers == 1  # its own local cluster of one worker
    forced = run_batch(
        root / "hcmc",
        root / "out",
        scheduler=province["scheduler"],
        settings=SETTINGS,
        progress=False,
        force=True,
        rollup=False,
    )
    assert sorted(o.status for o in forced.outcomes) == ["failed", "planned", "planned", "planned"]


def test_citywide_serves_every_quarter_once_and_reports_overflow(province: dict) -> None:
    result = province["result"]
    wards = [(o.folder, o.out) for o in _ok(result)]
    # a tight city: the THCS schools lose 40% of their rooms (the wards' forecasts are unchanged)
    tight_wards = []
    for folder, out in wards:
        copy = province["root"] / "tight" / Path(folder).name
        shutil.copytree(folder, copy, dirs_exist_ok=True)
        schools = pd.read_csv(copy / "schools.csv", dtype=str, keep_default_na=False)
        thcs = schools["level"] == "thcs"
        schools.loc[thcs, "classrooms"] = (schools.loc[thcs, "classrooms"].astype(int) * 0.6).astype(int).astype(str)
        schools.to_csv(copy / "schools.csv", index=False)
        tight_wards.append((str(copy), out))
    for case in (wards, tight_wards):
        city = citywide_zoning(case, level="thcs", time_limit=20.0)
        zones = city.zones
        assert zones["quarter_id"].is_unique  # never serves a quarter twice
        demand = pd.concat([pd.read_csv(Path(out) / "demand.csv").assign(ward=Path(out).name) for _, out in case])
        demand = demand[(demand["level"] == "thcs") & (demand["school_year"] == city.school_year)]
        assert len(zones) == demand.groupby(["ward", "quarter_id"]).ngroups  # and serves every quarter
        assert zones["pupils"].sum() == pytest.approx(demand["mean"].sum(), rel=1e-9)  # no pupil lost
        load = city.load
        within = load["rooms_needed"] <= load["rooms_available"] + 1e-9
        assert (within | (load["overflow_pupils"] > 0)).all()  # capacity respected or overflow reported
        rows = city.comparison.set_index("zoning")
        assert rows.loc["ward_by_ward", "quarters_crossing"] == 0
        assert rows.loc["citywide", "quarters_crossing"] == int(zones["crosses"].sum())
        assert rows.loc["citywide", "pupils_over_capacity"] == pytest.approx(load["overflow_pupils"].sum(), abs=0.5)
        assert rows.loc["citywide", "pupils_over_capacity"] <= rows.loc["ward_by_ward", "pupils_over_capacity"] + 1e-6
    assert rows.loc["ward_by_ward", "pupils_over_capacity"] > 0  # the tight city really is short
    # the map's legend sits below the map, never over a quarter (measured on the drawn figure)
    import matplotlib.pyplot as plt

    from tuyensinh.province.citywide import citywide_map_figure

    fig = citywide_map_figure(city, lang="vi")
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        legend = ax.get_legend().get_window_extent(renderer)  # pixels
        (x0, y0), (x1, y1) = ax.transData.inverted().transform([[legend.x0, legend.y0], [legend.x1, legend.y1]])
        assert not city.quarters.intersects(shapely.box(x0, y0, x1, y1)).any()  # covers no quarter
        assert ax.get_title().startswith("Phân tuyến THCS toàn thành phố")
    finally:
        plt.close(fig)


def test_the_batch_command_of_the_cli(province: dict, capsys: pytest.CaptureFixture[str]) -> None:
    from tuyensinh.cli import main

    root = province["root"]
    code = main(
        [
            "batch",
            str(root / "hcmc"),
            "--out",
            str(root / "out"),
            "--map-dpi",
            "40",
            "--no-yearly",
            "--time-limit",
            "20",
        ]
    )
    captured = capsys.readouterr()
    assert code == 3  # one ward has data problems
    assert captured.out.strip() == str((root / "out").resolve())
    assert "xong 0, không đổi 3, lỗi 1" in captured.err  # the same settings: nothing re-planned
    assert main(["batch", str(root / "missing"), "--out", str(root / "out2")]) == 2
    said = capsys.readouterr().err
    assert said.startswith("Lỗi: ") and "không có thư mục tỉnh này" in said  # in the planner's language
    assert main(["batch", str(root / "missing"), "--out", str(root / "out2"), "--lang", "en"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_citywide_command_zones_an_earlier_batch_and_says_what_changed(
    province: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    from tuyensinh.cli import main

    out = province["root"] / "out"
    code = main(["citywide", str(out), "--level", "thcs", "--time-limit", "20"])
    captured = capsys.readouterr()
    assert code == 0
    folder = (out / "citywide_thcs").resolve()
    assert captured.out.strip() == str(folder)
    assert {"zones.csv", "comparison.csv", "load.csv", "solver.json", "map.png"} <= {p.name for p in folder.iterdir()}
    zones = pd.read_csv(folder / "zones.csv")
    rows = pd.read_csv(folder / "comparison.csv").set_index("zoning")
    # the summary's figures are those of the files, written as a Vietnamese planner writes them
    crossing = int(zones["crosses"].sum())
    assert f"{crossing} khu phố/thôn học trường của phường/xã khác" in captured.err
    assert f"{int(zones['changed'].sum())} khu phố/thôn đổi trường" in captured.err
    km = f"{rows.loc['citywide', 'mean_distance_m'] / 1000:.2f}".replace(".", ",")
    assert f"Quãng đường trung bình {km} km" in captured.err
    assert f"({len(_ok(province['result']))} phường/xã)" in captured.err
    # a second run replaces the folder it wrote (its manifest.json lists the files), in English
    assert main(["citywide", str(out), "--time-limit", "20", "--lang", "en", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.strip() == str(folder)
    assert "manifest.json" in {p.name for p in folder.iterdir()}
    # no batch in the folder: a clear refusal in either language, nothing written
    empty = province["root"] / "no_batch"
    empty.mkdir()
    assert main(["citywide", str(empty)]) == 2
    said = capsys.readouterr().err
    assert said.startswith("Lỗi: ") and "tuyensinh batch" in said and "batch.json" in said
    assert main(["citywide", str(empty), "--lang", "en"]) == 2
    assert "not found: run `tuyensinh batch PROVINCE_DIR" in capsys.readouterr().err
    assert list(empty.iterdir()) == []
    # a damaged batch.json is named, not a traceback
    (empty / "batch.json").write_text("{not json", encoding="utf-8")
    assert main(["citywide", str(empty), "--lang", "en"]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_the_local_cluster_workers_run_without_the_task_profiler() -> None:
    import dask

    from tuyensinh.province.batch import dask_client

    with dask_client(1, None) as client:
        seen = client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
    assert list(seen.values()) == [False]
    assert dask.config.get("distributed.worker.profile.enabled") is True  # this process's setting untouched
