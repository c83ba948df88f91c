"""`tuyensinh capacity` writes the capacity cycle too: on Phước Bình (enrolment.csv present) the
intake report and universalisation, on a copy without the cycle tables only what the data allow."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tuyensinh.cli import main

pytestmark = pytest.mark.slow


def test_capacity_command_writes_the_cycle(phuoc_binh_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["capacity", str(phuoc_binh_dir), "--out", str(out)]) == 0
    for name in (
        "capacity_plan.xlsx",
        "building_programme.csv",
        "facilities.csv",
        "intake_report.csv",
        "rates_used.csv",
        "universalisation.csv",
        "data_coverage.csv",
    ):
        assert (out / name).is_file(), name
    assert openpyxl.load_workbook(out / "capacity_plan.xlsx").sheetnames[0] == "Giáo viên"
    bare = tmp_path / "bare"
    shutil.copytree(phuoc_binh_dir, bare)
    (bare / "enrolment.csv").unlink()
    (bare / "quotas_published.csv").unlink()
    out2 = tmp_path / "out2"
    assert main(["capacity", str(bare), "--out", str(out2), "--lang", "en"]) == 0
    assert not (out2 / "intake_report.csv").exists() and not (out2 / "rates_used.csv").exists()
    coverage = pd.read_csv(out2 / "data_coverage.csv").set_index("feature")
    assert not coverage.loc["rates_from_enrolment", "enabled"] and coverage.loc["teacher_shortfall", "enabled"]
