"""The age-band table of validate and notebook 01: bands of ages 0–17 only (an 18+ population never leaks in)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from ward_builder import population_counts, valid_tables, write_ward

from tuyensinh.ward import load_ward
from tuyensinh.ward.summary import population_by_band


def test_the_15_17_band_sums_ages_15_to_17_only(tmp_path: Path) -> None:
    tables = valid_tables()
    population = tables["population"]
    top = population[population["age"] == "18"]
    adults = [top.assign(age=str(age), count="100") for age in range(19, 65)]  # a register with adults to 64
    tables["population"] = pd.concat([population, *adults], ignore_index=True)
    bands = population_by_band(load_ward(write_ward(tmp_path / "ward", tables)))
    expected = sum(population_counts(q, 2024, a) for q in range(3) for a in (15, 16, 17))
    assert bands.loc[2024, "15–17"] == expected  # the old notebook table (age clipped at 15) summed 15–64
    assert bands.loc[2024, "0–17"] == sum(population_counts(q, 2024, a) for q in range(3) for a in range(18))
