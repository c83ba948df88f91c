"""`tuyensinh zone` on the sample ward: files written, zones valid, contiguity held."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from tuyensinh.cli import main
from zoning import ZONES_COLUMNS, is_contiguous, quarter_adjacency


@pytest.mark.slow
def test_zone_command_writes_zones_solver_report_and_maps(phuoc_binh_dir, tmp_path):
    out = tmp_path / "zones"
    code = main(["zone", str(phuoc_binh_dir), "--level", "tieu_hoc", "--school-year", "2027",
                 "--out", str(out), "--contiguous", "--time-limit", "30"])
    assert code == 0
    for name in ("zones.csv", "school_load.csv", "solver.json", "zones_tieu_hoc_2027.png", "zones_tieu_hoc_2027.pdf"):
        assert (out / name).is_file(), name
    zones = pd.read_csv(out / "zones.csv", dtype={"quarter_id": str, "school_id": str})
    assert list(zones.columns) == ZONES_COLUMNS
    assert (zones["level"] == "tieu_hoc").all()
    shares = zones.groupby("quarter_id")["share"].sum()
    assert ((shares - 1.0).abs() < 1e-6).all()

    from tuyensinh.ward import load_ward

    ward = load_ward(phuoc_binh_dir)
    assert set(shares.index) == set(ward.quarters["quarter_id"].astype(str))
    assert is_contiguous(zones, quarter_adjacency(ward.quarters_projected()))
    assert set(zones["school_id"]) <= set(ward.schools.loc[ward.schools["level"] == "tieu_hoc", "school_id"])

    report = json.loads((out / "solver.json").read_text(encoding="utf-8"))
    solver = report["solver"][0]
    assert solver["status"] in ("optimal", "feasible") and solver["contiguity"] is True
    assert (solver["status"] == "optimal") == (solver["gap"] is not None and solver["gap"] <= 1e-4)
    load = pd.read_csv(out / "school_load.csv")
    assert load["pupils"].sum() == pytest.approx(zones["pupils"].sum(), rel=1e-4)
    assert (out / "zones_tieu_hoc_2027.png").read_bytes()[:4] == b"\x89PNG"


def test_zone_command_rejects_a_year_outside_the_forecast(phuoc_binh_dir, tmp_path, capsys):
    code = main(["zone", str(phuoc_binh_dir), "--level", "thcs", "--school-year", "2099", "--out", str(tmp_path / "x")])
    assert code == 2
    assert "--school-year must be between" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
