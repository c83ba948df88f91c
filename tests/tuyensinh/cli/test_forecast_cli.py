"""`tuyensinh forecast` and `tuyensinh backtest` on the sample ward, and the fan charts."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from forecast import fan_chart, project_all, ward_fan_chart
from forecast.simulate import simulate_ward
from tuyensinh.cli import main


@pytest.fixture(scope="module")
def ward_dir(thien_hoa_dir):
    if not (thien_hoa_dir / "population.csv").exists():
        pytest.fail(
            "sample ward missing from data/wards: regenerate it with python -m tuyensinh.sample_data --out data/wards"
        )
    return thien_hoa_dir


def test_forecast_command_writes_the_exact_columns(ward_dir, tmp_path, capsys):
    assert main(["forecast", str(ward_dir), "--out", str(tmp_path), "--charts"]) == 0
    table = pd.read_csv(tmp_path / "forecast.csv", dtype={"quarter_id": str})
    assert list(table.columns) == ["quarter_id", "year", "age", "mean", "lo80", "hi80", "lo95", "hi95"]
    assert sorted(table["year"].unique()) == [2027, 2028, 2029, 2030]
    assert sorted(table["age"].unique()) == list(range(19))
    population = pd.read_csv(ward_dir / "population.csv", dtype={"quarter_id": str})
    assert set(table["quarter_id"]) == set(population["quarter_id"])
    assert (table[["mean", "lo80", "hi80", "lo95", "hi95"]] >= 0).all().all()
    ward = pd.read_csv(tmp_path / "forecast_ward.csv")
    assert list(ward.columns) == ["year", "age", "mean", "lo80", "hi80", "lo95", "hi95"]
    assert (tmp_path / "forecast_ward.png").stat().st_size > 10_000
    assert "forecast.csv" in capsys.readouterr().out


def test_forecast_command_base_year_and_horizon(ward_dir, tmp_path):
    assert main(["forecast", str(ward_dir), "--out", str(tmp_path), "--base-year", "2022", "--horizon", "2026"]) == 0
    table = pd.read_csv(tmp_path / "forecast.csv", dtype={"quarter_id": str})
    assert sorted(table["year"].unique()) == [2023, 2024, 2025, 2026]
    population = pd.read_csv(ward_dir / "population.csv", dtype={"quarter_id": str})
    births = pd.read_csv(ward_dir / "births.csv", dtype={"quarter_id": str})
    by_hand = project_all(
        population[population.year <= 2022], births[births.year <= 2022], base_year=2022, horizon=2026
    )
    assert table["mean"].to_numpy() == pytest.approx(by_hand.quarters["mean"].to_numpy(), abs=1e-3)


def test_forecast_command_reports_bad_base_year(ward_dir, tmp_path, capsys):
    assert main(["forecast", str(ward_dir), "--out", str(tmp_path), "--base-year", "2016"]) == 2
    assert "at least 3 consecutive years" in capsys.readouterr().err
    assert not (tmp_path / "forecast.csv").exists()


def test_backtest_command_prints_and_writes(ward_dir, tmp_path, capsys):
    assert main(["backtest", str(ward_dir), "--out", str(tmp_path), "--max-horizon", "2"]) == 0
    printed = capsys.readouterr().out  # Vietnamese by default (English: tests/tuyensinh/cli/test_backtest_printout.py)
    assert "MAPE có trọng số (%) theo số năm dự báo trước" in printed
    assert "Tỷ lệ số thực tế nằm trong khoảng dự báo 80% (%)" in printed
    summary = pd.read_csv(tmp_path / "backtest.csv")
    assert {"method", "breakdown", "group", "wmape", "mape", "malpe", "cover80", "cover95"} <= set(summary.columns)
    cells = pd.read_csv(tmp_path / "backtest_cells.csv", dtype={"quarter_id": str})
    assert cells["horizon"].max() == 2


def test_forecast_and_backtest_need_only_a_population_table(ward_dir, tmp_path, capsys):
    import shutil

    folder = tmp_path / "only_population"
    folder.mkdir()
    shutil.copy(ward_dir / "population.csv", folder / "population.csv")
    shutil.copy(ward_dir / "births.csv", folder / "births.csv")
    # a folder with population.csv and births.csv, no ward.toml, schools or map
    assert main(["forecast", str(folder), "--out", str(tmp_path / "a")]) == 0
    table = pd.read_csv(tmp_path / "a" / "forecast.csv", dtype={"quarter_id": str})
    population = pd.read_csv(ward_dir / "population.csv", dtype={"quarter_id": str})
    births = pd.read_csv(ward_dir / "births.csv", dtype={"quarter_id": str})
    last = int(population["year"].max())
    assert sorted(table["year"].unique()) == list(range(last + 1, 2031))
    by_hand = project_all(population, births, base_year=last, horizon=2030)
    assert table["mean"].to_numpy() == pytest.approx(by_hand.quarters["mean"].to_numpy(), abs=1e-3)
    # the population file alone
    single = tmp_path / "dan_so.csv"
    shutil.copy(ward_dir / "population.csv", single)
    assert main(["forecast", str(single), "--out", str(tmp_path / "b"), "--horizon", str(last + 2)]) == 0
    alone = pd.read_csv(tmp_path / "b" / "forecast.csv", dtype={"quarter_id": str})
    assert sorted(alone["year"].unique()) == [last + 1, last + 2]
    capsys.readouterr()
    assert main(["backtest", str(single), "--out", str(tmp_path / "c"), "--max-horizon", "2", "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "Population data only" in printed and "Simple shrunk HP" in printed
    assert (tmp_path / "c" / "backtest_ward.csv").exists() and not (
        tmp_path / "c" / "backtest_entry_grades.csv"
    ).exists()
    # a bad population file is reported with its own name, not a traceback
    broken = tmp_path / "hong.csv"
    broken.write_text("quarter_id,year,age,count\nKP1,2020,0,-3\n", encoding="utf-8")
    assert main(["forecast", str(broken), "--out", str(tmp_path / "d")]) == 2
    assert "hong.csv" in capsys.readouterr().err


@pytest.fixture(scope="module")
def small_forecast():
    sim = simulate_ward(4, 2015, 2024, 65, seed=8)
    return sim, project_all(sim.population, sim.births, base_year=2024, horizon=2028)


def test_fan_charts_vietnamese_by_default_english_on_request(small_forecast):
    sim, result = small_forecast
    q = sim.quarter_ids[0]
    fig = fan_chart(result.quarters, q, history=sim.population, name="Khu phố 1")
    assert isinstance(fig, Figure)
    assert fig._suptitle.get_text() == "Dự báo số trẻ theo độ tuổi — Khu phố 1"
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["3 tuổi", "5 tuổi", "6 tuổi", "11 tuổi"]
    assert axes[0].get_xlabel() == "Năm"
    labels = axes[0].get_legend_handles_labels()[1]
    assert "Khoảng dự báo 80%" in labels and "Số liệu thực tế" in labels
    fig_en = ward_fan_chart(result.ward, history=sim.population, ages=(5,), lang="en", name="Test ward")
    assert fig_en.axes[0].get_title() == "age 5" and fig_en.axes[0].get_xlabel() == "Year"
    # the drawn band is the forecast's interval
    band = fig_en.axes[0].collections[1].get_paths()[0].vertices[:, 1]
    part = result.ward[result.ward.age == 5]
    assert band.max() == pytest.approx(part["hi80"].max())
    with pytest.raises(ValueError, match="lang"):
        ward_fan_chart(result.ward, lang="fr")
    with pytest.raises(ValueError, match="not in the forecast"):
        fan_chart(result.quarters, "NOPE")
