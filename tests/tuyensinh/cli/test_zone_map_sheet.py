"""`tuyensinh zone --paper A3 --orientation portrait`: the PDF map is that sheet."""

from __future__ import annotations

import re

import pytest


def test_zone_paper_and_orientation_options(thien_hoa_dir, tmp_path):
    from tuyensinh.cli import main

    out = tmp_path / "a3"
    assert (
        main(
            [
                "zone",
                str(thien_hoa_dir),
                "--level",
                "thcs",
                "--school-year",
                "2027",
                "--out",
                str(out),
                "--time-limit",
                "10",
                "--paper",
                "A3",
                "--orientation",
                "portrait",
            ]
        )
        == 0
    )
    box = re.search(rb"/MediaBox \[ *0 0 ([\d.]+) ([\d.]+) *\]", (out / "zones_thcs_2027.pdf").read_bytes()).groups()
    assert [float(v) for v in box] == pytest.approx([297 / 25.4 * 72, 420 / 25.4 * 72], abs=2.9)  # A3 portrait
