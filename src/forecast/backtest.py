"""Rolling-origin backtest of the method against three baselines, with honest intervals.

For every origin year o from the third year of history to the year before the last, each
method projects from the data up to o; cells (quarter × age 0…max_age × horizon h ≤
max_horizon) are compared with what was later observed. Intervals of an origin are calibrated
only on errors of earlier origins that had been observed by year o (exactly what
`forecast.project(..., base_year=o)` would publish), so an origin is evaluated only when at
least `settings.min_calibration_origins` earlier origins exist.

Point forecast. Outcomes are whole children and the error metrics are absolute errors, whose
best point forecast is the median of the predictive distribution, not its mean: in a cohort of
5 children where one leaves in a year with probability 10 %, the mean 4.9 misses by 0.1 nine
times in ten, the whole number 5 only once. Every method's point forecast F is therefore its
expected count rounded to whole persons (`point`); the expected count itself (`mean`, what
forecast.csv publishes and what sums correctly over quarters) is scored too (`wmape_mean`,
`bias_mean`), so both are visible.

Metrics (percent): MAPE (mean |F−A|/A over cells with A > 0), weighted MAPE (Σ|F−A| / ΣA),
MALPE (mean (F−A)/A over cells with A > 0, the bias), wmape_mean (weighted MAPE of the
unrounded mean), bias_mean (Σ(mean − A) / ΣA: the bias of totals) and the coverage of the
80 % and 95 % intervals, by horizon, by entry age (3, 4, 5, 6, 11) and by cohort-size class
(of the actual count).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.engine import calibration_origins, first_origin_index, project_means
from forecast.intervals import calibrate, interval_bounds, summarize_errors
from forecast.langs import check_lang
from forecast.settings import DEFAULT_SETTINGS, METHOD_LABELS, METHODS, ForecastSettings
from forecast.tables import ward_arrays

__all__ = [
    "BacktestResult",
    "backtest",
    "summarize",
    "format_summary",
    "method_name",
    "table_text",
    "ENTRY_AGES",
    "SIZE_CLASSES",
    "METHOD_NAMES",
    "METHOD_DESCRIPTIONS",
]

ENTRY_AGES = (3, 4, 5, 6, 11)
SIZE_EDGES = (5, 10, 20, 50, 100)
SIZE_CLASSES = ("0–4", "5–9", "10–19", "20–49", "50–99", "100+")
CELL_COLUMNS = [
    "method",
    "origin",
    "horizon",
    "year",
    "quarter_id",
    "age",
    "actual",
    "mean",
    "point",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
]
SUMMARY_COLUMNS = [
    "method",
    "breakdown",
    "group",
    "cells",
    "mape",
    "wmape",
    "malpe",
    "wmape_mean",
    "bias_mean",
    "cover80",
    "cover95",
]


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """`cells`: one row per method × origin × horizon × quarter × age; `summary`: metrics."""

    cells: pd.DataFrame
    summary: pd.DataFrame

    def table(self, metric: str = "wmape", breakdown: str = "horizon") -> pd.DataFrame:
        """Metric by group (rows) and method (columns), methods in the standard order."""
        part = self.summary[self.summary["breakdown"] == breakdown]
        wide = part.pivot(index="group", columns="method", values=metric)
        wide = wide[[m for m in METHODS if m in wide.columns]]
        order = list(dict.fromkeys(part["group"]))
        return wide.loc[order]

    def beats_baselines(self, metric: str = "wmape") -> pd.Series:
        """Per horizon: is the shrunk method strictly better than every baseline?"""
        wide = self.table(metric, "horizon")
        baselines = [m for m in wide.columns if m != "shrunk"]
        return wide[baselines].gt(wide["shrunk"], axis=0).all(axis=1)


def _size_class(actual: np.ndarray) -> np.ndarray:
    return np.asarray(SIZE_CLASSES, dtype=object)[np.searchsorted(SIZE_EDGES, actual, side="right")]


def summarize(cells: pd.DataFrame) -> pd.DataFrame:
    """Metrics of backtest cells by method × (all | horizon | entry age | size class)."""
    actual = cells["actual"].to_numpy(float)
    mean = cells["point"].to_numpy(float)
    expected = cells["mean"].to_numpy(float)
    positive = actual > 0
    work = pd.DataFrame(
        {
            "method": cells["method"].to_numpy(),
            "horizon": cells["horizon"].to_numpy(),
            "age": cells["age"].to_numpy(),
            "size": _size_class(actual),
            "actual": actual,
            "abs_err": np.abs(mean - actual),
            "ape": np.where(positive, np.abs(mean - actual) / np.where(positive, actual, 1), np.nan),
            "pe": np.where(positive, (mean - actual) / np.where(positive, actual, 1), np.nan),
            "abs_err_mean": np.abs(expected - actual),
            "err_mean": expected - actual,
            "in80": (actual >= cells["lo80"].to_numpy()) & (actual <= cells["hi80"].to_numpy()),
            "in95": (actual >= cells["lo95"].to_numpy()) & (actual <= cells["hi95"].to_numpy()),
        }
    )
    parts = []
    for breakdown, key, subset in (
        ("all", None, work),
        ("horizon", "horizon", work),
        ("age", "age", work[work["age"].isin(ENTRY_AGES)]),
        ("size", "size", work),
    ):
        keys = ["method"] if key is None else ["method", key]
        g = subset.groupby(keys, sort=False)
        table = pd.DataFrame(
            {
                "cells": g.size(),
                "mape": g["ape"].mean() * 100,
                "wmape": g["abs_err"].sum() / g["actual"].sum() * 100,
                "malpe": g["pe"].mean() * 100,
                "wmape_mean": g["abs_err_mean"].sum() / g["actual"].sum() * 100,
                "bias_mean": g["err_mean"].sum() / g["actual"].sum() * 100,
                "cover80": g["in80"].mean() * 100,
                "cover95": g["in95"].mean() * 100,
            }
        ).reset_index()
        table["breakdown"] = breakdown
        table["group"] = "all" if key is None else table[key].astype(str)
        if key == "size":
            table["order"] = table["group"].map({c: i for i, c in enumerate(SIZE_CLASSES)})
        elif key is not None:
            table["order"] = table[key].astype(int)
        else:
            table["order"] = 0
        table["method_order"] = table["method"].map({m: i for i, m in enumerate(METHODS)})
        parts.append(table.sort_values(["order", "method_order"]))
    summary = pd.concat(parts, ignore_index=True)
    return summary[SUMMARY_COLUMNS]


def backtest(
    population: pd.DataFrame,
    births: pd.DataFrame | None = None,
    housing: pd.DataFrame | None = None,
    *,
    max_horizon: int = 5,
    max_age: int = 18,
    last_year: int | None = None,
    methods: tuple[str, ...] = METHODS,
    settings: ForecastSettings = DEFAULT_SETTINGS,
    women: pd.DataFrame | None = None,
) -> BacktestResult:
    """Rolling-origin backtest over the history up to `last_year` (default: the last year).

    Returns a `BacktestResult` with the cells and the summary (see the module docstring).
    """
    arrays = ward_arrays(population, births, housing, base_year=last_year, max_age=max_age, women=women)
    n_ages = max_age + 1
    ages = arrays.ages[:n_ages]
    last = arrays.years.size - 1
    origins = list(range(first_origin_index(), last))
    first_eval = first_origin_index() + settings.min_calibration_origins
    if not any(o >= first_eval for o in origins):
        need = first_eval + 2
        raise ValueError(
            f"population.csv holds {arrays.years.size} years ({arrays.first_year}–{arrays.base_year}); "
            f"a backtest with honest intervals needs at least {need} years of history."
        )
    frames = []
    for method in methods:
        means: dict[int, np.ndarray] = {}
        errors = []
        for o in origins:
            mean = project_means(arrays, o, last - o, method, settings)[:, :n_ages]
            means[o] = mean
            alive = arrays.exists[:, o]
            for j in range(last - o):
                errors.append(
                    summarize_errors(
                        mean[alive, :, j],
                        arrays.total[alive, :n_ages, o + 1 + j],
                        ages,
                        origin=int(arrays.years[o]),
                        horizon=j + 1,
                        max_sample=settings.max_quantile_cells,
                    )
                )
        for o in origins:
            if o < first_eval:
                continue
            year = int(arrays.years[o])
            calibrating = {int(arrays.years[c]) for c in calibration_origins(o, settings)}
            cal = calibrate([e for e in errors if e.origin in calibrating and e.origin + e.horizon <= year])
            steps = min(max_horizon, last - o)
            mean = means[o][:, :, :steps]
            bounds = interval_bounds(mean, ages, cal)
            alive = np.flatnonzero(arrays.exists[:, o])
            actual = arrays.total[alive][:, :n_ages, o + 1 : o + 1 + steps]
            n_q = alive.size
            shape = (n_q, n_ages, steps)
            frames.append(
                pd.DataFrame(
                    {
                        "method": method,
                        "origin": year,
                        "horizon": np.broadcast_to(np.arange(1, steps + 1)[None, None, :], shape).ravel(),
                        "year": year + np.broadcast_to(np.arange(1, steps + 1)[None, None, :], shape).ravel(),
                        "quarter_id": np.broadcast_to(arrays.quarters[alive][:, None, None], shape).ravel(),
                        "age": np.broadcast_to(ages[None, :, None], shape).ravel(),
                        "actual": actual.ravel(),
                        "mean": mean[alive].ravel(),
                        "point": np.round(mean[alive]).ravel(),
                        **{name: arr[alive].ravel() for name, arr in bounds.items()},
                    }
                )
            )
    cells = pd.concat(frames, ignore_index=True)[CELL_COLUMNS]
    return BacktestResult(cells, summarize(cells))


# --- the printed tables (`tuyensinh backtest`) ------------------------------------------------
# Wording of the printout: key -> (Vietnamese, English). Vietnamese is the default; the CSV files
# keep their English column names and method codes (docs/forecast.md).
_WORDS: dict[str, tuple[str, str]] = {
    "methods": ("Các phương pháp so sánh", "Methods compared"),
    "wmape.horizon": (
        "MAPE có trọng số (%) theo số năm dự báo trước, số dự báo làm tròn thành số người",
        "Weighted MAPE (%) by horizon (years ahead), point forecast in whole persons",
    ),
    "mape.horizon": ("MAPE (%) theo số năm dự báo trước", "MAPE (%) by horizon"),
    "malpe.horizon": ("MALPE (%, độ lệch) theo số năm dự báo trước", "MALPE (%, bias) by horizon"),
    "wmape_mean.horizon": (
        "MAPE có trọng số (%) của số dự báo chưa làm tròn, theo số năm dự báo trước",
        "Weighted MAPE (%) of the unrounded mean by horizon",
    ),
    "bias_mean.horizon": (
        "Độ lệch của tổng (%, Σ(dự báo − thực tế)/Σ thực tế) theo số năm dự báo trước",
        "Bias of totals (%, Σ(mean − actual)/Σ actual) by horizon",
    ),
    "cover80.horizon": (
        "Tỷ lệ số thực tế nằm trong khoảng dự báo 80% (%) theo số năm dự báo trước",
        "Coverage of the 80% interval (%) by horizon",
    ),
    "cover95.horizon": (
        "Tỷ lệ số thực tế nằm trong khoảng dự báo 95% (%) theo số năm dự báo trước",
        "Coverage of the 95% interval (%) by horizon",
    ),
    "wmape.age": ("MAPE có trọng số (%) theo độ tuổi vào lớp đầu cấp", "Weighted MAPE (%) by entry age"),
    "cover80.age": (
        "Tỷ lệ số thực tế nằm trong khoảng dự báo 80% (%) theo độ tuổi vào lớp đầu cấp",
        "Coverage of the 80% interval (%) by entry age",
    ),
    "wmape.size": (
        "MAPE có trọng số (%) theo quy mô nhóm tuổi (số người thực tế)",
        "Weighted MAPE (%) by cohort size (actual persons)",
    ),
    "cover80.size": (
        "Tỷ lệ số thực tế nằm trong khoảng dự báo 80% (%) theo quy mô nhóm tuổi",
        "Coverage of the 80% interval (%) by cohort size",
    ),
    "all": ("Tất cả các ô (khu phố/thôn × độ tuổi × năm)", "All cells (quarter × age × year)"),
    # headings of the rows and columns
    "method": ("Phương pháp", "Method"),
    "horizon": ("Dự báo trước (năm)", "Years ahead"),
    "age": ("Tuổi", "Age"),
    "size": ("Số người thực tế", "Actual persons"),
    "cells": ("Số ô", "Cells"),
    "mape": ("MAPE", "MAPE"),
    "wmape": ("MAPE trọng số", "Weighted MAPE"),
    "malpe": ("MALPE", "MALPE"),
    "wmape_mean": ("MAPE trọng số chưa làm tròn", "Weighted MAPE unrounded"),
    "bias_mean": ("Lệch của tổng", "Bias of totals"),
    "cover80": ("Trong khoảng 80%", "Inside 80%"),
    "cover95": ("Trong khoảng 95%", "Inside 95%"),
}
#: The methods as printed: code -> (Vietnamese, English) short names (table columns)…
METHOD_NAMES: dict[str, tuple[str, str]] = {
    "shrunk": ("Phương pháp này", "This method"),
    "hp_shrunk": ("HP điều chỉnh đơn giản", "Simple shrunk HP"),
    "hp_unshrunk": ("HP không điều chỉnh", "Plain HP"),
    "aging": ("Chỉ lên tuổi", "Aging only"),
    "naive": ("Giữ nguyên", "Kept"),
}
#: …and descriptions (the legend; the English ones are `settings.METHOD_LABELS`).
METHOD_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "shrunk": (
        "tỷ số thay đổi theo đoàn hệ kiểm định trên số liệu các năm trước, kết hợp tỷ phần của khu "
        "phố/thôn trong phường/xã (phương pháp tuyensinh dùng)",
        METHOD_LABELS["shrunk"],
    ),
    "hp_shrunk": (
        "Hamilton–Perry đơn giản: tỷ số 5 năm của từng khu phố/thôn kéo về tỷ số chung của phường/xã (hệ số 2000)",
        METHOD_LABELS["hp_shrunk"],
    ),
    "hp_unshrunk": (
        "Hamilton–Perry không điều chỉnh (tỷ số riêng của từng khu phố/thôn)",
        METHOD_LABELS["hp_unshrunk"],
    ),
    "aging": ("chỉ lên tuổi (tỷ số 1: không tính người chuyển đi, chuyển đến)", METHOD_LABELS["aging"]),
    "naive": ("giữ nguyên số người cùng độ tuổi của năm lập dự báo", METHOD_LABELS["naive"]),
}
_LANGS = ("vi", "en")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[_LANGS.index(check_lang(lang))]


def method_name(method: str, lang: str = "vi", *, description: bool = False) -> str:
    """The printed name of a backtest method ('Giữ nguyên' / 'Kept' for 'naive'); with
    `description`, the sentence of the legend. Unknown codes are returned as they are."""
    table = METHOD_DESCRIPTIONS if description else METHOD_NAMES
    return _pick(table.get(method, (method, method)), lang)


def table_text(frame: pd.DataFrame, lang: str = "vi", decimals: int = 2) -> str:
    """A table as plain text with numbers written the planner's way: decimal comma in
    Vietnamese (98,54), decimal point in English (98.54); missing values as '–'."""
    point = _pick((",", "."), lang)
    return frame.to_string(float_format=lambda v: f"{v:.{decimals}f}".replace(".", point), na_rep="–")


def _method_columns(wide: pd.DataFrame, lang: str, row_heading: str) -> pd.DataFrame:
    """`wide` (rows: groups, columns: method codes) with printed headings."""
    wide = wide.rename(columns=lambda m: method_name(m, lang))
    wide.columns.name = _pick(_WORDS["method"], lang)
    wide.index.name = row_heading
    return wide


def format_summary(result: BacktestResult, lang: str = "vi") -> str:
    """The backtest as plain-text tables, Vietnamese by default (`lang="en"`: English): a legend
    of the methods, then each metric by horizon, entry age and cohort size, then every cell."""
    present = set(result.summary["method"])
    methods = [m for m in METHODS if m in present]
    lines = [_pick(_WORDS["methods"], lang) + ":"]
    lines += [f"  {method_name(m, lang)} ({m}): {method_name(m, lang, description=True)}" for m in methods]
    blocks = [
        ("wmape", "horizon"),
        ("mape", "horizon"),
        ("malpe", "horizon"),
        ("wmape_mean", "horizon"),
        ("bias_mean", "horizon"),
        ("cover80", "horizon"),
        ("cover95", "horizon"),
        ("wmape", "age"),
        ("cover80", "age"),
        ("wmape", "size"),
        ("cover80", "size"),
    ]
    for metric, breakdown in blocks:
        wide = _method_columns(result.table(metric, breakdown), lang, _pick(_WORDS[breakdown], lang))
        lines += ["", _pick(_WORDS[f"{metric}.{breakdown}"], lang), table_text(wide, lang)]
    part = result.summary[result.summary["breakdown"] == "all"].drop(columns=["breakdown", "group"])
    part = part.assign(method=part["method"].map(lambda m: method_name(m, lang)))
    part = part.rename(columns={c: _pick(_WORDS[c], lang) for c in part.columns})
    lines += ["", _pick(_WORDS["all"], lang), table_text(part.set_index(part.columns[0]), lang)]
    return "\n".join(lines)
