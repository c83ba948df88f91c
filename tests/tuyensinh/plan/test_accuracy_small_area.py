"""The plan's accuracy compares the ward's own backtest with the baselines of the real-data
benchmark (the shrunk Hamilton–Perry `hp_shrunk` and naive persistence), scored the same way:
weighted MAPE of each quarter at ages 6 and 11, by horizon."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from capacity.norms import load_norms
from tuyensinh.plan.accuracy import PLAN_METHODS, planning_accuracy, small_area_scores
from tuyensinh.plan.accuracy_words import small_area_frame, small_area_sentence, small_area_text

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "forecast_real_bench.py"


def _cells() -> pd.DataFrame:
    """Two quarters, ages 6 and 11 (and 7, not scored), two origins, horizons 1-2."""
    rows = []
    for method, error in (("shrunk", 1.0), ("hp_shrunk", 2.0), ("naive", 10.0)):
        for origin in (2020, 2021):
            for horizon in (1, 2):
                for quarter, actual in (("Q1", 20.0), ("Q2", 30.0)):
                    for age in (6, 7, 11):
                        sign = 1 if quarter == "Q1" else -1
                        mean = actual + sign * error * horizon + (50 if age == 7 else 0)
                        rows.append((method, origin, horizon, quarter, age, actual, mean))
    cells = pd.DataFrame(rows, columns=["method", "origin", "horizon", "quarter_id", "age", "actual", "mean"])
    cells["year"] = cells["origin"] + cells["horizon"]
    cells["point"] = cells["mean"].round()
    return cells


def test_scores_by_hand():
    table = small_area_scores(_cells())
    both = table[table["ages"] == "6, 11"].set_index(["method", "horizon"])
    # each cell misses by error × horizon; actual 20 + 30 per (origin, age): wmape = 100 · e·h / 25
    for method, error in (("shrunk", 1.0), ("hp_shrunk", 2.0), ("naive", 10.0)):
        for h in (1, 2):
            assert both.loc[(method, h), "wmape"] == pytest.approx(100 * error * h / 25)
            assert both.loc[(method, h), "cells"] == 8  # 2 origins × 2 quarters × 2 ages
    assert both.loc[("shrunk", 1), "ratio"] == pytest.approx(0.5)
    assert both.loc[("naive", 2), "ratio"] == pytest.approx(5.0)
    assert set(table["ages"]) == {"6, 11", "6", "11"}  # age 7 is not scored
    assert list(table["method"].unique()) == ["shrunk", "hp_shrunk", "naive"]


def test_scored_exactly_as_the_real_data_benchmark():
    spec = importlib.util.spec_from_file_location("forecast_real_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    cells = _cells()
    cells.loc[cells["method"] == "shrunk", "mean"] += [0.3, -1.7, 2.2, 0.0, 4.1, -0.6] * 4
    ours = small_area_scores(cells).query("ages == '6, 11'").set_index(["method", "horizon"])["wmape"]
    scored = cells[cells["age"].isin(bench.SCORED_AGES)]
    for method in ("shrunk", "hp_shrunk"):
        part = scored[scored["method"] == method]
        theirs = bench.wmape(part, "mean", ["horizon"])
        for h, value in theirs.items():
            assert ours.loc[(method, h)] == pytest.approx(value)


def test_plan_backtests_both_baselines_and_says_so_plainly():
    assert PLAN_METHODS == ("shrunk", "hp_shrunk", "naive")
    acc = planning_accuracy(_cells(), load_norms({}, {}))
    assert set(acc.table["method"]) == {"shrunk", "hp_shrunk", "naive"}
    vi = small_area_sentence(acc, "vi")
    assert vi == (
        "Ở từng khu phố/thôn, số trẻ 6 tuổi và 11 tuổi (tuổi vào lớp 1 và lớp 6) dự báo 1 năm trước "
        "lệch khoảng 4,0%, 2 năm trước lệch khoảng 8,0%; một cách tính đơn giản hơn lệch 8,0% và 16,0%: dự báo "
        "của kế hoạch sát hơn ở mọi số năm dự báo trước."
    )
    assert "MAPE" not in vi and "Hamilton" not in vi
    headlines = acc.headlines()["small_area"]
    assert headlines["baseline"] == "hp_shrunk" and headlines["wmape"]["h1"]["shrunk"] == pytest.approx(4.0)
    # honest when the method loses
    worse = _cells()
    worse.loc[worse["method"] == "shrunk", "mean"] = worse["actual"] + 9.0
    en = small_area_sentence(planning_accuracy(worse, load_norms({}, {})), "en")
    assert en.endswith("this plan's forecast was not closer than the simpler calculation on this ward's data.")
    frame = small_area_frame(acc.small_area, "en")
    assert frame.iloc[0, 0] == "6 and 11" and small_area_frame(acc.small_area, "vi").iloc[0, 0] == "6 và 11"
    assert list(frame.columns) == [
        "Ages",
        "Years ahead",
        "This method",
        "Simple shrunk HP",
        "Kept",
        "This method / hp_shrunk",
    ]
    text = small_area_text(acc.small_area, "vi")
    assert text.startswith("=== Như bộ kiểm định trên số liệu thật") and "0,50" in text


def test_the_plans_report_compares_with_hp_shrunk(vi_run):
    result, _ = vi_run
    acc = result.plan.accuracy
    assert acc is not None and "hp_shrunk" in set(acc.small_area["method"])
    page = (result.out / "report.html").read_text(encoding="utf-8")
    main, appendix = page.split('<section class="appendix"', 1)
    assert "Ở từng khu phố/thôn, số trẻ 6 tuổi và 11 tuổi" in main and "một cách tính đơn giản hơn lệch" in main
    assert "Sai số theo từng khu phố/thôn, tuổi 6 và 11 (MAPE có trọng số, %)" in appendix
    assert "Phương pháp này / hp_shrunk" in appendix
    assert result.manifest["forecast_accuracy"]["small_area"]["baseline"] == "hp_shrunk"
