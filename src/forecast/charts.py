"""Fan charts of the forecast: history, mean and the 80 % / 95 % intervals, one panel per age.

Labels are Vietnamese by default (`lang="vi"`), English with `lang="en"`. The functions
return a matplotlib Figure (Agg canvas, so they work without a display) and never call
`pyplot`, so notebooks, the report and the CLI can save or show them as they like.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from forecast.langs import check_lang

__all__ = ["fan_chart", "ward_fan_chart", "LABELS"]

ENTRY_AGES = (3, 5, 6, 11)

LABELS = {
    "vi": {
        "quarter_title": "Dự báo số trẻ theo độ tuổi — {name}",
        "ward_title": "Dự báo số trẻ theo độ tuổi — toàn {name}",
        "ward": "phường/xã",
        "age": "{age} tuổi",
        "year": "Năm",
        "persons": "Số trẻ (người)",
        "history": "Số liệu thực tế",
        "mean": "Dự báo (kỳ vọng)",
        "band80": "Khoảng dự báo 80%",
        "band95": "Khoảng dự báo 95%",
    },
    "en": {
        "quarter_title": "Children by single age, forecast — {name}",
        "ward_title": "Children by single age, forecast — {name} (whole ward)",
        "ward": "ward",
        "age": "age {age}",
        "year": "Year",
        "persons": "Children (persons)",
        "history": "Observed",
        "mean": "Forecast (expected)",
        "band80": "80% prediction interval",
        "band95": "95% prediction interval",
    },
}


def _labels(lang: str) -> dict[str, str]:
    return LABELS[check_lang(lang)]


def _panels(
    forecast: pd.DataFrame,
    history: pd.DataFrame | None,
    ages: Sequence[int],
    title: str,
    text: dict[str, str],
) -> Figure:
    ages = [int(a) for a in ages if a in set(forecast["age"].astype(int))]
    if not ages:
        raise ValueError("none of the requested ages is in the forecast table")
    n = len(ages)
    cols = min(n, 2)
    rows = int(np.ceil(n / cols))
    fig = Figure(figsize=(5.2 * cols, 3.4 * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, age in zip(axes, ages, strict=False):  # the grid may have one axis more than ages
        part = forecast[forecast["age"] == age].sort_values("year")
        years = part["year"].to_numpy()
        ax.fill_between(
            years, part["lo95"], part["hi95"], color="#9ecae1", alpha=0.5, label=text["band95"], linewidth=0
        )
        ax.fill_between(
            years, part["lo80"], part["hi80"], color="#4292c6", alpha=0.5, label=text["band80"], linewidth=0
        )
        ax.plot(years, part["mean"], color="#08306b", marker="o", markersize=3, label=text["mean"])
        if history is not None:
            past = history[history["age"] == age].sort_values("year")
            ax.plot(past["year"], past["count"], color="#222222", marker="s", markersize=3, label=text["history"])
            if len(past) and len(part):  # join the last observation to the first forecast
                ax.plot(
                    [past["year"].iloc[-1], years[0]],
                    [past["count"].iloc[-1], part["mean"].iloc[0]],
                    color="#08306b",
                    linestyle=":",
                    linewidth=1,
                )
        ax.set_title(text["age"].format(age=age))
        ax.set_xlabel(text["year"])
        ax.set_ylabel(text["persons"])
        ax.set_ylim(bottom=0)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
    for ax in axes[n:]:
        ax.set_visible(False)
    axes[0].legend(loc="best", fontsize="small")
    fig.suptitle(title)
    return fig


def fan_chart(
    forecast: pd.DataFrame,
    quarter_id: str,
    *,
    history: pd.DataFrame | None = None,
    ages: Sequence[int] = ENTRY_AGES,
    name: str | None = None,
    lang: str = "vi",
) -> Figure:
    """Fan chart of one quarter: `forecast` is `forecast.project` output; `history` the
    population table (summed over sex here) to draw observed years; `name` the quarter's name."""
    text = _labels(lang)
    part = forecast[forecast["quarter_id"].astype(str) == str(quarter_id)]
    if part.empty:
        raise ValueError(f"quarter {quarter_id!r} is not in the forecast table")
    past = None
    if history is not None:
        h = history[history["quarter_id"].astype(str) == str(quarter_id)]
        past = h.groupby(["year", "age"], as_index=False)["count"].sum()
    return _panels(part, past, ages, text["quarter_title"].format(name=name or quarter_id), text)


def ward_fan_chart(
    ward_forecast: pd.DataFrame,
    *,
    history: pd.DataFrame | None = None,
    ages: Sequence[int] = ENTRY_AGES,
    name: str | None = None,
    lang: str = "vi",
) -> Figure:
    """Fan chart of the whole ward: `ward_forecast` is `forecast.project_ward` output (year,
    age, mean, intervals); `history` the population table (summed over quarters and sex)."""
    text = _labels(lang)
    past = None
    if history is not None:
        past = history.groupby(["year", "age"], as_index=False)["count"].sum()
    return _panels(ward_forecast, past, ages, text["ward_title"].format(name=name or text["ward"]), text)
