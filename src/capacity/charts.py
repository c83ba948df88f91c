"""Charts of the capacity analysis: utilization heat map and room shortfall to the horizon.

Both return a matplotlib Figure (built with the object API, no pyplot state, so they work
under the Agg backend in scripts and the CLI). Labels are Vietnamese by default, English with
`lang="en"`; DejaVu Sans (bundled with matplotlib) renders the diacritics.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from capacity.grades import LEVEL_NAMES_SHORT, LEVELS, school_year_label
from forecast.langs import check_lang

__all__ = ["plot_utilization", "plot_room_shortfall", "LABELS"]

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "util_title": "Mức sử dụng phòng học theo năm học",
        "util_sub": "Phòng học cần (lớp đủ theo sĩ số tối đa) ÷ phòng học hiện có; trên 100%: thiếu phòng học",
        "util_cbar": "Mức sử dụng (phòng học cần / phòng học có)",
        "school": "Trường",
        "school_year": "Năm học",
        "short_title": "Số phòng học còn thiếu đến năm học {end}",
        "short_sub": "Phòng học cần thêm so với số phòng hiện có, theo trường",
        "short_y": "Số phòng học thiếu",
        "short_none": "Không trường nào thiếu phòng học đến năm học {end}",
        "hi80": "nếu số trẻ ở mức cao (1/10 khả năng)",
        "closed": "trường chưa mở hoặc đã đóng nhưng vẫn được phân tuyến",
        "font": "DejaVu Sans",
    },
    "en": {
        "util_title": "Classroom utilization by school year",
        "util_sub": "Classrooms needed (whole classes at the size limits) ÷ classrooms available; above 100%: short of classrooms",
        "util_cbar": "Utilization (classrooms needed / available)",
        "school": "School",
        "school_year": "School year",
        "short_title": "Classroom shortfall to school year {end}",
        "short_sub": "Classrooms needed beyond those available, by school",
        "short_y": "Classrooms short",
        "short_none": "No school is short of classrooms up to school year {end}",
        "hi80": "if numbers run high (1 chance in 10)",
        "closed": "school not open but still zoned",
        "font": "DejaVu Sans",
    },
}
# Chart labels: "Mầm non", "Tiểu học", "THCS" / "Preschool", "Primary", "Lower secondary".
LEVEL_NAMES = {
    lang: {level: names[i][:1].upper() + names[i][1:] for level, names in LEVEL_NAMES_SHORT.items()}
    for i, lang in enumerate(("vi", "en"))
}


def _labels(lang: str) -> dict[str, str]:
    return LABELS[check_lang(lang)]


def _zones(zones: str | None) -> str:
    """' (theo tuyến đề xuất)' for a title, '' without zones."""
    return f" ({zones})" if zones else ""


def _names(capacity: pd.DataFrame, schools: pd.DataFrame | None) -> dict[str, str]:
    if schools is not None and "name" in schools.columns:
        return dict(zip(schools["school_id"].astype(str), schools["name"].astype(str), strict=True))
    return {}


def _ordered_schools(capacity: pd.DataFrame) -> list[tuple[str, str]]:
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    pairs = capacity[["level", "school_id"]].drop_duplicates()
    pairs = pairs.assign(_r=pairs["level"].map(rank)).sort_values(["_r", "school_id"])
    return list(zip(pairs["level"], pairs["school_id"], strict=True))


def plot_utilization(
    capacity: pd.DataFrame, schools: pd.DataFrame | None = None, *, lang: str = "vi", zones: str | None = None
) -> Figure:
    """Heat map of utilization, schools (rows, grouped by level) × school years (columns).

    Cells show the utilization (rooms needed ÷ rooms available, capacity.analyze) in percent;
    a cell is orange or red exactly when the school is short of rooms (above 100 %), 100 %
    itself (every room used) is not; grey cells are years a school is not open.
    capacity: capacity.analyze's table; schools: optional, for school names; zones: which zones
    the table assumes, as the caller words it (e.g. "theo tuyến đề xuất"), added to the title.
    """
    text = _labels(lang)
    names = _names(capacity, schools)
    rows = _ordered_schools(capacity)
    years = sorted(capacity["school_year"].unique().tolist())
    grid = capacity.pivot_table(
        index=["level", "school_id"], columns="school_year", values="utilization", aggfunc="first"
    )
    rooms = capacity.pivot_table(
        index=["level", "school_id"], columns="school_year", values="rooms_available", aggfunc="first"
    )
    values = grid.reindex(pd.MultiIndex.from_tuples(rows)).reindex(columns=years).to_numpy(float)
    closed = rooms.reindex(pd.MultiIndex.from_tuples(rows)).reindex(columns=years).to_numpy(float) <= 0
    shown = np.where(np.isfinite(values), values, np.where(np.isinf(values), 2.0, np.nan))
    bounds = [0, 0.5, 0.7, 0.9, 1.0, 1.1, 1.3, 10]
    cmap = ListedColormap(["#d9ecf7", "#9ccae6", "#6fb36f", "#f2d15c", "#f29b4b", "#e0523f", "#a3162a"]).with_extremes(
        bad="#e6e6e6"
    )
    # colour bins close on the right at 100 %: a school using every room is not short
    norm = BoundaryNorm([b + 1e-9 if b == 1.0 else b for b in bounds], cmap.N)
    height = max(3.0, 0.42 * len(rows) + 1.8)
    fig = Figure(figsize=(max(6.5, 1.3 * len(years) + 4.5), height), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(np.ma.masked_invalid(shown), cmap=cmap, norm=norm, aspect="auto")
    for i in range(len(rows)):
        for j in range(len(years)):
            if closed[i, j] and not (np.isfinite(values[i, j]) or np.isinf(values[i, j])):
                label = "—"
            elif np.isinf(values[i, j]):
                label = "∞"
            elif np.isnan(values[i, j]):
                label = ""
            else:
                label = f"{values[i, j] * 100:.0f}%"
            dark = np.isfinite(shown[i, j]) and (shown[i, j] >= 1.1 or shown[i, j] < 0)
            ax.text(j, i, label, ha="center", va="center", fontsize=8, color="white" if dark else "black")
    level_names = LEVEL_NAMES[lang]
    ax.set_yticks(range(len(rows)), [f"{names.get(sid, sid)} ({level_names[lv]})" for lv, sid in rows], fontsize=8)
    ax.set_xticks(range(len(years)), [school_year_label(y) for y in years], fontsize=8)
    ax.set_xlabel(text["school_year"])
    ax.set_ylabel(text["school"])
    for k in range(1, len(rows)):  # separate the levels
        if rows[k][0] != rows[k - 1][0]:
            ax.axhline(k - 0.5, color="black", linewidth=1.2)
    ax.set_title(f"{text['util_title']}{_zones(zones)}\n{text['util_sub']}", fontsize=10)
    bar = fig.colorbar(image, ax=ax, ticks=bounds[:-1], shrink=0.9)
    bar.ax.set_yticklabels([f"{b * 100:.0f}%" for b in bounds[:-2]] + [f"≥{bounds[-2] * 100:.0f}%"], fontsize=7)
    bar.set_label(text["util_cbar"], fontsize=8)
    for item in [ax.title, ax.xaxis.label, ax.yaxis.label, bar.ax.yaxis.label]:
        item.set_fontfamily(text["font"])
    return fig


def plot_room_shortfall(
    capacity: pd.DataFrame, schools: pd.DataFrame | None = None, *, lang: str = "vi", zones: str | None = None
) -> Figure:
    """Grouped bars: classrooms short per school (schools short in some year) × school year,
    with the upper 80% bound as a thin outline; a note when no school is short. zones: as in
    `plot_utilization`."""
    text = _labels(lang)
    names = _names(capacity, schools)
    years = sorted(capacity["school_year"].unique().tolist())
    end = school_year_label(years[-1])
    hi = np.maximum(capacity["rooms_needed_hi80"] - capacity["rooms_available"], 0)
    table = capacity.assign(short_hi80=hi)
    short_ids = [
        pair
        for pair in _ordered_schools(table)
        if (table.loc[(table["school_id"] == pair[1]) & (table["level"] == pair[0]), "short_hi80"] > 0).any()
    ]
    fig = Figure(figsize=(max(7.0, 1.4 * len(years) + 3.5), 4.2), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(f"{text['short_title'].format(end=end)}{_zones(zones)}\n{text['short_sub']}", fontsize=10)
    ax.set_xticks(range(len(years)), [school_year_label(y) for y in years], fontsize=8)
    ax.set_xlabel(text["school_year"])
    ax.set_ylabel(text["short_y"])
    if not short_ids:
        ax.text(
            0.5, 0.5, text["short_none"].format(end=end), transform=ax.transAxes, ha="center", va="center", fontsize=11
        )
        ax.set_yticks([])
        return fig
    width = 0.8 / len(short_ids)
    colors = [f"C{k % 10}" for k in range(len(short_ids))]
    level_names = LEVEL_NAMES[lang]
    top = 0
    any_closed = False
    for k, (level, sid) in enumerate(short_ids):
        rows = table[(table["school_id"] == sid) & (table["level"] == level)].set_index("school_year").reindex(years)
        x = np.arange(len(years)) - 0.4 + width * (k + 0.5)
        mean = rows["room_shortfall"].fillna(0).to_numpy(float)
        upper = rows["short_hi80"].fillna(0).to_numpy(float)
        ax.bar(x, upper, width * 0.92, fill=False, edgecolor=colors[k], linestyle="--", linewidth=0.8)
        closed = rows["rooms_available"].fillna(0).to_numpy(float) <= 0
        bars = ax.bar(
            x, mean, width * 0.92, color=colors[k], label=f"{names.get(sid, sid)} ({level_names[level]})", hatch=None
        )
        for patch, is_closed in zip(bars.patches, closed, strict=True):
            if is_closed:
                patch.set_hatch("///")
                patch.set_edgecolor("white")
        any_closed = any_closed or bool((closed & (mean > 0)).any())
        ax.bar_label(bars, labels=[f"{v:.0f}" if v > 0 else "" for v in mean], fontsize=7, padding=1)
        top = max(top, upper.max(), mean.max())
    ax.bar([np.nan], [0], color="none", edgecolor="grey", linestyle="--", label=text["hi80"])
    if any_closed:
        ax.bar([np.nan], [0], color="grey", edgecolor="white", hatch="///", label=text["closed"])
    ax.set_ylim(0, top * 1.15 + 1)
    cast(MaxNLocator, ax.yaxis.get_major_locator()).set_params(integer=True)  # the default AutoLocator
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig
