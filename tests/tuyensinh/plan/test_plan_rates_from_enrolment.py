"""plan_norms: rates estimated from enrolment.csv fill what ward.toml leaves unset; a rate the
ward wrote wins and is marked `ward.toml`; without enrolment.csv the norm table is untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from ward_builder import valid_tables, write_ward

from tuyensinh.plan.cycle import plan_norms
from tuyensinh.ward import load_ward


def test_rates_from_enrolment_under_the_wards_own(tmp_path: Path) -> None:
    folder = write_ward(tmp_path / "ward", valid_tables())  # ward.toml sets participation nha_tre 0.47, mau_giao 0.99
    plain = plan_norms(load_ward(folder))
    assert plain[1] is None and plain[2] is None
    rows = ["school_id,school_year,grade,pupils"]
    rows += [f"TH01,{year},lop_{g},{20 if g == 1 else 30}" for year in (2022, 2023, 2024) for g in range(1, 6)]
    rows += [f"MN01,{year},mg_3_4,5" for year in (2022, 2023, 2024)]
    (folder / "enrolment.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    norms, progression, rates = plan_norms(load_ward(folder))
    assert rates is not None
    table = rates.set_index(["rate", "group"])
    assert table.loc[("participation", "nha_tre"), "source"] == "ward.toml"
    assert table.loc[("participation", "mau_giao"), "source"] == "ward.toml"
    assert norms.participation("mg_3_4") == pytest.approx(0.99)  # the ward's figure, not the estimate
    primary = table.loc[("participation", "tieu_hoc")]
    assert primary["source"] != "norm table"
    assert norms.participation("lop_1") == pytest.approx(primary["estimate"])  # the estimate is used
    assert progression is not None and "lop_1" in set(progression["grade"])
    assert progression.set_index("grade").loc["lop_1", "ratio"] < progression.set_index("grade").loc["lop_2", "ratio"]
