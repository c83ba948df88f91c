"""Numbers that are possible but wild: accepted with a warning, and the forecast stays finite and sane.

Also: a population with almost nobody forecasts (wide fallback intervals) instead of crashing in
the interval calibration; the ward.toml line finder is one dictionary look-up per key.
"""

from __future__ import annotations

import numpy as np
import pytest
from ward_builder import WARD_TOML, valid_tables, write_ward

from forecast import project_all
from tuyensinh.cli import main
from tuyensinh.ward import load_ward
from tuyensinh.ward.errors import Problem
from tuyensinh.ward.limits import cap_per_file
from tuyensinh.ward.toml_lines import header_line, line_of
from tuyensinh.words.problems import text


def test_a_wild_but_possible_count_is_a_warning_and_the_bounds_stay_sane(tmp_path, capsys):
    tables = valid_tables()
    population = tables["population"].copy()
    mask = (population["quarter_id"] == "01") & (population["year"] == "2024") & (population["age"] == "5")
    population.loc[mask, "count"] = "100000"
    tables["population"] = population
    folder = write_ward(tmp_path / "ward", tables)
    assert main(["validate", str(folder), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "population.csv, row 102, column 'count': 100000 is unusually large" in out
    ward = load_ward(folder)
    result = project_all(
        ward.population_by_age(), ward.births, ward.housing, base_year=ward.base_year, horizon=ward.horizon
    )
    table = result.quarters
    bounds = table[["mean", "lo80", "hi80", "lo95", "hi95"]].to_numpy()
    assert np.isfinite(bounds).all()
    assert (table["lo95"] <= table["mean"]).all() and (table["mean"] <= table["hi95"]).all()
    assert (table["hi95"] <= 10 * (table["mean"] + 1) + 1e-6).all()  # at most ten times the mean
    assert table["hi95"].max() < 2_000_000  # not 10^43 as before


def test_almost_nobody_forecasts_instead_of_crashing(tmp_path):
    tables = valid_tables()
    population = tables["population"].copy()
    population["count"] = "0"
    population.loc[0, "count"] = "1"
    tables["population"] = population
    ward = load_ward(write_ward(tmp_path / "ward", tables))
    assert any("very uncertain" in warning.message for warning in ward.input_warnings)
    result = project_all(ward.population_by_age(), None, None, base_year=ward.base_year, horizon=ward.horizon)
    assert np.isfinite(result.quarters[["mean", "hi95"]].to_numpy()).all()


def test_few_residents_get_a_warning(tmp_path, capsys):
    tables = valid_tables()
    population = tables["population"].copy()
    population.loc[population["year"] == "2024", "count"] = "1"
    tables["population"] = population
    folder = write_ward(tmp_path / "ward", tables)
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "population.csv, cột 'count': năm 2024 chỉ có 57 người" in out


def test_problems_are_capped_per_file():
    problems = [Problem.of("population.csv", text("pop.no_rows"), text("fix.pop.no_rows"), row=i) for i in range(450)]
    problems += [Problem.of("ward.toml", text("toml.name"), text("fix.toml.name"))]
    capped = cap_per_file(problems, cap=200)
    assert len(capped) == 202
    assert capped[-1].file == "population.csv" and "250 more problems" in capped[-1].message
    assert "250 lỗi khác" in capped[-1].text("vi")


def test_line_finder_reads_the_file_once_and_finds_the_first_line():
    toml = WARD_TOML + "".join(f"k{i} = {i}\n" for i in range(3000)) + "[norms.x]\nthcs = 1\n"
    assert line_of(toml, "code", "ward") == 2
    assert line_of(toml, "k2999", "rates.participation") == 3000 + WARD_TOML.count("\n")
    assert line_of(toml, "thcs", "norms.max_class_size") == 12
    assert line_of(toml, "thcs", "norms.x") == toml.count("\n")
    assert header_line(toml, "rates.participation") == 14
    assert line_of(toml, "nowhere", "ward") is None
    assert line_of('ward.code = "1"\n', "code", "ward") == 1  # dotted keys before any table


@pytest.mark.parametrize("rooms, expected", [(0, ""), (10, "0.5")])
def test_utilization_of_a_school_without_rooms_is_blank_with_its_flag(tmp_path, rooms, expected):
    import pandas as pd

    from tuyensinh.present.outputs import write_csv_atomic

    capacity = pd.DataFrame(
        {
            "school_id": ["TH01"],
            "rooms_available": [rooms],
            "utilization": [np.inf if rooms == 0 else 0.5],
            "flag": ["over" if rooms == 0 else "ok"],
        }
    )
    path = write_csv_atomic(capacity, tmp_path / "capacity.csv")
    line = path.read_text(encoding="utf-8").splitlines()[1]
    assert line == f"TH01,{rooms},{expected},{'over' if rooms == 0 else 'ok'}"
