"""`tuyensinh network` on the sample commune Thiện Hòa (candidate sites, a satellite site, a river),
and the loader's messages for the network tables."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from tuyensinh.cli import main
from tuyensinh.ward import load_ward
from tuyensinh.ward.errors import WardDataError
from tuyensinh.ward.network_tables import read_network_tables


@pytest.mark.slow
def test_network_command_writes_sites_zones_closures_and_report(thien_hoa_dir, tmp_path, capsys):
    out = tmp_path / "network"
    code = main(
        ["network", str(thien_hoa_dir), "--out", str(out), "--budget", "45", "--time-limit", "5", "--curve", "1"]
    )
    assert code == 0
    printed = capsys.readouterr().out
    for name in (
        "network_sites.csv",
        "network_zones.csv",
        "network_closures.csv",
        "network.xlsx",
        "network_map.png",
        "network.html",
    ):
        assert (out / name).is_file(), name
    sites = pd.read_csv(out / "network_sites.csv")
    assert sites["opened"].any() and sites.loc[sites["opened"], "cost"].sum() <= 45e9
    zones = pd.read_csv(out / "network_zones.csv", dtype={"quarter_id": str})
    shares = zones.groupby(["level", "school_year", "quarter_id"])["share"].sum()
    assert ((shares - 1).abs() < 1e-6).all()
    # the river: Thôn Khòn Pát never goes to the Pác Khuông THCS
    assert not ((zones["quarter_id"] == "THON03") & (zones["school_id"] == "THCS02")).any()
    closures = pd.read_csv(out / "network_closures.csv")
    assert "TH03" in set(closures["closed"])  # the satellite site is reviewed
    assert "Mở " in printed and "tỷ đồng" in printed and "Đóng TH03" in printed
    page = (out / "network.html").read_text(encoding="utf-8")
    assert "Mạng lưới trường học" in page and "Địa điểm xây mới được chọn" in page


def test_network_tables_name_file_row_and_fix(thien_hoa_dir, tmp_path):
    ward_dir = tmp_path / "ward"
    shutil.copytree(thien_hoa_dir, ward_dir)
    (ward_dir / "candidates.csv").write_text(
        "site_id,level,lon,lat,rooms,cost,earliest_year,must_open\n"
        "TH01,tieu_hoc,106.1,22.07,6,1e9,2028,\n"
        "DD01,tieu_hoc,106.1,22.07,0,1e9,2028,maybe\n",
        encoding="utf-8",
    )
    (ward_dir / "constraints.csv").write_text(
        "kind,level,quarter_id,school_id,metres\nforbid,thcs,THON99,THCS02,\nnever,,,,\nmax_distance,thcs,,,0\n",
        encoding="utf-8",
    )
    ward = load_ward(ward_dir)
    with pytest.raises(WardDataError) as caught:
        read_network_tables(ward)
    report = caught.value.report("en")
    assert "candidates.csv" in report and "rooms" in report  # 0 rooms: below the minimum
    (ward_dir / "candidates.csv").write_text(
        "site_id,level,lon,lat,rooms,cost,earliest_year,must_open\n"
        "TH01,tieu_hoc,106.1,22.07,6,1e9,2028,\nDD01,tieu_hoc,106.1,22.07,8,1e9,2028,maybe\n",
        encoding="utf-8",
    )
    with pytest.raises(WardDataError) as caught:
        read_network_tables(load_ward(ward_dir))
    report = caught.value.report("en")
    assert "site_id 'TH01' is already the id of a school" in report
    assert "must_open must be yes or no" in report and "row 3" in report
    (ward_dir / "candidates.csv").unlink()
    with pytest.raises(WardDataError) as caught:
        read_network_tables(load_ward(ward_dir))
    report = caught.value.report("vi")
    assert "THON99" in report and "kind phải là must" in report and "max_distance" in report


@pytest.mark.slow
def test_plan_with_network_adds_its_files_and_report_section(thien_hoa_dir, tmp_path):
    out = tmp_path / "plan"
    code = main(
        [
            "plan",
            str(thien_hoa_dir),
            "--out",
            str(out),
            "--network",
            "--budget",
            "45",
            "--no-yearly",
            "--time-limit",
            "5",
            "--quiet",
        ]
    )
    assert code == 0
    assert (out / "network" / "network_sites.csv").is_file() and (out / "network" / "network_map.png").is_file()
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Mạng lưới trường học" in report and "network/network_map.png" in report
    assert report.index("Mạng lưới trường học") < report.index("<footer>")
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    assert "network/network_sites.csv" in manifest


@pytest.mark.slow
def test_the_network_map_legend_lies_below_the_map_never_over_a_quarter(thien_hoa_dir):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from tuyensinh.plan.network import NetworkSettings, compute_network
    from tuyensinh.present.network import network_map

    outcome = compute_network(load_ward(thien_hoa_dir), NetworkSettings(budget=45e9, time_limit=3, curve_sites=0))
    fig = network_map(outcome, "vi")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    drawn = [c.get_window_extent(renderer) for c in ax.collections]  # the quarters, outlines and points
    assert legend.y1 <= min(box.y0 for box in drawn)  # the legend's top is below everything drawn
    assert legend.x0 >= 0 and legend.x1 <= fig.bbox.width  # and within the sheet
    assert len(ax.get_legend().get_texts()) >= 2


def test_a_plan_not_proven_says_how_many_of_its_zonings_are(thien_hoa_dir):
    """The line under the solver's: with the plan not proven, how many level-year zonings of the
    chosen sites step 4 proved, and whether the gap left is the sites alone; no line when the
    plan is proven (Thiện Hòa) or is not step 4's."""
    from dataclasses import replace

    from tuyensinh.plan.network import NetworkSettings, compute_network
    from tuyensinh.present.network import network_lines

    outcome = compute_network(load_ward(thien_hoa_dir), NetworkSettings(budget=45e9, time_limit=3, curve_sites=0))
    assert outcome.plan.status == "optimal"
    vi = network_lines(outcome, "vi")
    assert not any("Phân vùng tuyển sinh theo các địa điểm đã chọn" in line for line in vi)

    objective = outcome.plan.objective
    part = {"level": "tieu_hoc", "year": 2027, "method": "highs", "objective": 1.0, "bound": 1.0, "seconds": 0.1}
    detail = [
        {**part, "status": "optimal"},
        {**part, "status": "feasible", "method": "columns"},
        {**part, "status": "optimal"},
    ]

    def lines(status, parts, parts_objective, lang):
        steps = {**outcome.plan.steps, "parts_detail": parts, "parts_objective": parts_objective}
        plan = replace(outcome.plan, status=status, steps=steps)
        found = network_lines(replace(outcome, plan=plan), lang)
        return [line for line in found if "Phân vùng tuyển sinh theo" in line or "Zoning of the chosen sites" in line]

    (vi_line,) = lines("feasible", detail, objective, "vi")
    assert "chứng minh tối ưu 2/3 phần" in vi_line and "phân vùng của các phần chưa chứng minh" in vi_line
    (en_line,) = lines("feasible", detail, objective, "en")
    assert "proven optimal in 2 of 3 parts" in en_line and "the parts not proven" in en_line
    every = [{**d, "status": "optimal"} for d in detail]
    (all_proven,) = lines("feasible", every, objective, "en")
    assert "3 of 3" in all_proven and all_proven.endswith("the gap left lies in the choice of sites.")
    assert lines("optimal", detail, objective, "en") == []  # proven: nothing to add
    assert lines("feasible", detail, objective * 1.01, "en") == []  # the MIP after step 4 moved the plan
