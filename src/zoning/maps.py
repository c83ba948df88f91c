"""Zoning maps for publication: quarters coloured by school, sites, legend, scale bar, north arrow.

What the map shows (colours, each quarter's school, the title and notes) comes from
`zoning.mapdata`, shared with the interactive page `zoning.webmap`. Figures are built on
`matplotlib.figure.Figure` with the Agg canvas (no pyplot state, no display needed) in the ward's projected CRS, so the scale bar measures true metres. Text uses
DejaVu Sans (bundled with matplotlib), which has every Vietnamese diacritic.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from zoning.distances import quarter_centres
from zoning.labels import map_text
from zoning.mapdata import (
    MAX_QUARTER_LABELS,
    legend_fields,
    length_text,
    map_title,
    nice_length,
    note_lines,
    school_colours,
    school_sites,
    show_quarter_labels,
    zone_layers,
)
from zoning.result import ZoningResult

__all__ = ["plot_zones", "figure_bytes", "school_colours", "MAX_QUARTER_LABELS", "MAX_LEGEND_SCHOOLS"]

MAX_LEGEND_SCHOOLS = 24
"""Schools listed in the legend; more are summarised in one line."""
_HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]


def _scale_bar(ax: Axes, lang: str) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length(x1 - x0)
    height = (y1 - y0) * 0.008
    left, bottom = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    for k in range(4):
        ax.add_patch(Rectangle((left + k * length / 4, bottom), length / 4, height,
                               facecolor="black" if k % 2 == 0 else "white", edgecolor="black",
                               linewidth=0.6, zorder=6))
    for pos, label in ((0, "0"), (length / 2, length_text(length / 2, lang)),
                       (length, length_text(length, lang))):
        ax.text(left + pos, bottom + 2.2 * height, label, ha="center", va="bottom", fontsize=7,
                path_effects=_HALO, zorder=6)


def _north_arrow(ax: Axes, lang: str) -> None:
    ax.annotate(map_text("north", lang), xy=(0.95, 0.96), xytext=(0.95, 0.86),
                xycoords="axes fraction", textcoords="axes fraction", ha="center", va="center",
                fontsize=11, fontweight="bold",
                arrowprops={"arrowstyle": "-|>,head_length=0.8,head_width=0.4", "color": "black",
                            "linewidth": 1.5},
                path_effects=_HALO, zorder=7)


def plot_zones(
    result: ZoningResult,
    quarters: gpd.GeoDataFrame,
    schools: pd.DataFrame,
    *,
    school_year: int | None = None,
    lang: str = "vi",
    place: str | None = None,
    title: str | None = None,
    notes: Sequence[str] = (),
    crs: object | None = None,
    quarter_labels: bool | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """The zoning map of one level for one school year (default: the first zoned).

    quarters: `quarter_id[, name]` polygons; schools: the schools table (`school_id, name,
    lon, lat`) or a GeoDataFrame; place: e.g. "Phường Phước Bình", printed under the title;
    notes: extra lines printed under the map. quarter_labels: print quarter names (default
    when there are at most `MAX_QUARTER_LABELS` quarters). figsize: inches (default: fitted to
    the ward's shape, the map 7.5 in wide plus the legend). Returns a matplotlib Figure (save
    it with `fig.savefig(path, dpi=300)` or `figure_bytes`).
    """
    layers = zone_layers(result, quarters, school_year=school_year, crs=crs)
    year, load, area, order, colours = layers.year, layers.load, layers.area, layers.order, layers.colours

    if figsize is None:
        x0, y0, x1, y1 = area.total_bounds
        aspect = (y1 - y0) / max(x1 - x0, 1.0)
        figsize = (11.5, float(np.clip(6.5 * aspect, 4.5, 10.0)) + 1.6)
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    area.plot(ax=ax, color=area["colour"], edgecolor="white", linewidth=0.7, alpha=0.85)
    if area["split"].any():
        area[area["split"]].plot(ax=ax, facecolor="none", edgecolor="#333333", hatch="////",
                                 linewidth=0.0)
    if area["changed"].any():
        area[area["changed"]].boundary.plot(ax=ax, color="#111111", linewidth=1.6, linestyle="--")
    gpd.GeoSeries([area.union_all()], crs=area.crs).boundary.plot(ax=ax, color="#222222", linewidth=1.4)

    if show_quarter_labels(layers, quarter_labels):
        centres = quarter_centres(area[["quarter_id", "geometry"]], area.crs)
        for label, point in zip(area["label"], centres.geometry, strict=True):
            ax.text(point.x, point.y, label, ha="center", va="center", fontsize=6.2, color="#1a1a1a",
                    path_effects=_HALO, zorder=4)

    sites = school_sites(schools, layers)
    over = layers.over
    x0, _, x1, _ = area.total_bounds
    for sid, site in sites.iterrows():
        if site.geometry is None or site.geometry.is_empty:
            continue
        edge = "#c00000" if over.get(sid, False) else "black"
        ax.scatter([site.geometry.x], [site.geometry.y], marker="^", s=110, color=colours[sid],
                   edgecolors=edge, linewidths=1.8 if edge != "black" else 1.0, zorder=8)
        share = (site.geometry.x - x0) / max(x1 - x0, 1.0)   # keep names inside the frame
        align = "left" if share < 0.25 else "right" if share > 0.75 else "center"
        ax.annotate(str(load.loc[sid, "name"]), (site.geometry.x, site.geometry.y), xytext=(0, 8),
                    textcoords="offset points", ha=align, va="bottom", fontsize=7.5,
                    fontweight="bold", path_effects=_HALO, zorder=9)

    handles: list[Artist] = []
    for sid in order[:MAX_LEGEND_SCHOOLS]:
        key = "school_entry_over" if over.get(sid, False) else "school_entry"
        handles.append(Patch(facecolor=colours[sid], edgecolor="white",
                             label=map_text(key, lang, **legend_fields(layers, sid, lang))))
    if len(order) > MAX_LEGEND_SCHOOLS:
        handles.append(Patch(facecolor="none", edgecolor="none",
                             label=map_text("more_schools", lang, count=len(order) - MAX_LEGEND_SCHOOLS)))
    handles.append(Line2D([], [], marker="^", color="none", markerfacecolor="#bbbbbb",
                          markeredgecolor="black", markersize=9, label=map_text("school_marker", lang)))
    if over.any():
        handles.append(Line2D([], [], marker="^", color="none", markerfacecolor="#bbbbbb",
                              markeredgecolor="#c00000", markeredgewidth=1.8, markersize=9,
                              label=map_text("school_over", lang)))
    if area["split"].any():
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="////",
                             label=map_text("split", lang)))
    if area["changed"].any():
        handles.append(Line2D([], [], color="#111111", linestyle="--", linewidth=1.6,
                              label=map_text("changed", lang)))
    legend = fig.legend(handles=handles, loc="outside right upper", fontsize=7.5,
                        title=map_text("legend_title", lang), title_fontsize=8.5, frameon=False)
    legend.set_alignment("left")

    ax.set_aspect("equal")
    ax.set_axis_off()
    _scale_bar(ax, lang)
    _north_arrow(ax, lang)

    heading = map_title(result, year, lang, title)
    ax.set_title(heading + (f"\n{place}" if place else ""), fontsize=13, fontweight="bold", pad=10)
    lines = note_lines(result, year, lang, notes)
    fig.text(0.01, 0.005, "\n".join(lines), ha="left", va="bottom", fontsize=7, color="#333333")
    cast(ConstrainedLayoutEngine, fig.get_layout_engine()).set(rect=(0, 0.6 / figsize[1], 1, 1 - 0.6 / figsize[1]))
    return fig


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 300) -> bytes:
    """The figure rendered as PNG (at `dpi`) or PDF bytes, for atomic writing."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi)
    return buffer.getvalue()


