"""Drawing pieces of the static zoning map (`zoning.maps`): the legend, the scale bar with the
printed scale, the north arrow, the zones with their context layers, the placed labels and the
key table of numbered quarters. Sizes are points on paper; positions are map metres (in the
axes) or inches from the sheet's lower left corner (on the figure).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from zoning.labels import map_text, number
from zoning.mapcontext import ContextLayer
from zoning.mapdata import ZoneLayers, legend_fields, length_text, nice_length
from zoning.maplabels import LabelBoard, Measure, Placed
from zoning.mappage import scale_denominator

__all__ = [
    "measure_text",
    "legend_handles",
    "draw_legend",
    "size_in",
    "scale_bar",
    "north_arrow",
    "draw_zones",
    "context_labels",
    "draw_labels",
    "key_table",
    "MAX_LEGEND_SCHOOLS",
    "KEY_SIZE",
    "MARKER_PT",
    "HALO",
]

MAX_LEGEND_SCHOOLS = 24
"""Schools listed in the legend; more are summarised in one line."""
KEY_SIZE = 7.0
"""Font size of the numbers standing for quarters and of the key table, points."""
LEGEND_SIZE = 8.0
HALO = [patheffects.withStroke(linewidth=2.4, foreground="white")]
"""The white outline that keeps a label readable over any colour."""
MARKER_PT = 13.0
"""School triangle's width, points."""


def measure_text(fig: Figure) -> Measure:
    """The rendered size of a label (text, points, weight) on `fig`, in points, remembered. One
    Text measures them all, set to each label in turn (never drawn: a Text costs more to make
    than to measure)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # Agg canvas
    probe = Text(0, 0, "", ha="center", va="center", figure=fig)

    @cache
    def measure(text: str, size: float, weight: str) -> tuple[float, float]:
        probe.set_text(text)
        probe.set_fontsize(size)
        probe.set_fontweight(weight)
        box = probe.get_window_extent(renderer)
        return box.width * 72.0 / fig.dpi, box.height * 72.0 / fig.dpi

    return measure


def legend_handles(layers: ZoneLayers, context: Sequence[ContextLayer], lang: str) -> list[Artist]:
    over, area = layers.over, layers.area
    handles: list[Artist] = []
    for sid in layers.order[:MAX_LEGEND_SCHOOLS]:
        key = "school_entry_over" if over.get(sid, False) else "school_entry"
        handles.append(
            Patch(
                facecolor=layers.colours[sid],
                edgecolor="white",
                label=map_text(key, lang, **legend_fields(layers, sid, lang)),
            )
        )
    if len(layers.order) > MAX_LEGEND_SCHOOLS:
        handles.append(
            Patch(
                facecolor="none",
                edgecolor="none",
                label=map_text("more_schools", lang, count=len(layers.order) - MAX_LEGEND_SCHOOLS),
            )
        )
    handles.append(
        Line2D(
            [],
            [],
            marker="^",
            color="none",
            markerfacecolor="#bbbbbb",
            markeredgecolor="black",
            markersize=9,
            label=map_text("school_marker", lang),
        )
    )
    if over.any():
        handles.append(
            Line2D(
                [],
                [],
                marker="^",
                color="none",
                markerfacecolor="#bbbbbb",
                markeredgecolor="#c00000",
                markeredgewidth=1.8,
                markersize=9,
                label=map_text("school_over", lang),
            )
        )
    if area["split"].any():
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="////", label=map_text("split", lang)))
    if area["changed"].any():
        handles.append(Line2D([], [], color="#111111", linestyle="--", linewidth=1.6, label=map_text("changed", lang)))
    for layer in context:
        if layer.kind == "line":
            handles.append(Line2D([], [], color=layer.colour, linewidth=1.6, label=layer.name))
        elif layer.kind == "point":
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    color="none",
                    markerfacecolor=layer.colour,
                    markeredgecolor="white",
                    markersize=6,
                    label=layer.name,
                )
            )
        else:
            handles.append(Patch(facecolor=layer.colour, edgecolor="none", alpha=0.7, label=layer.name))
    return handles


def draw_legend(fig: Figure, handles: list[Artist], lang: str, ncols: int = 1) -> Legend:
    legend = fig.legend(
        handles=handles,
        loc="upper left",
        fontsize=LEGEND_SIZE,
        ncols=ncols,
        title=map_text("legend_title", lang),
        title_fontsize=9.0,
        frameon=False,
        borderpad=0.0,
        borderaxespad=0.0,
        labelspacing=0.7,
    )
    legend.set_alignment("left")
    return legend


def size_in(artist: Artist, fig: Figure) -> tuple[float, float]:
    box = artist.get_window_extent(fig.canvas.get_renderer())  # type: ignore[attr-defined]
    return box.width / fig.dpi, box.height / fig.dpi


def _corner_box(
    ax_box: tuple[float, float, float, float], corner: str, w: float, h: float, inset: float
) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = ax_box
    left = x0 + inset if "left" in corner else x1 - inset - w
    bottom = y0 + inset if "lower" in corner else y1 - inset - h
    return left, bottom, left + w, bottom + h


def scale_bar(
    ax: Axes, board: LabelBoard, strip: tuple[float, float, float, float], lang: str, paper: str, metres_per_inch: float
) -> None:
    """A 4-segment bar (0, half, full length) and the printed scale, at the left of the strip
    kept free under the ward (metres)."""
    x0, x1 = ax.get_xlim()
    mpp = board.mpp
    length = nice_length(x1 - x0, 0.22)
    ratio = map_text("scale_ratio", lang, ratio=number(scale_denominator(metres_per_inch), lang), paper=paper)
    width = max(length + 28 * mpp, board.measure(ratio, 7.0, "normal")[0] * mpp) + 6 * mpp
    height = 34 * mpp
    bx0, by0, bx1, by1 = _corner_box(strip, "lower left", width, height, 2 * mpp)
    left, bottom, bar_h = bx0 + 12 * mpp, by0 + 12 * mpp, 4.5 * mpp
    for k in range(4):
        ax.add_patch(
            Rectangle(
                (left + k * length / 4, bottom),
                length / 4,
                bar_h,
                facecolor="black" if k % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.7,
                zorder=6,
            )
        )
    for pos, label in ((0.0, "0"), (length / 2, length_text(length / 2, lang)), (length, length_text(length, lang))):
        ax.text(
            left + pos,
            bottom + bar_h + 2 * mpp,
            label,
            ha="center",
            va="bottom",
            fontsize=8,
            path_effects=HALO,
            zorder=6,
        )
    ax.text(
        left, bottom - 3 * mpp, ratio, ha="left", va="top", fontsize=7, color="#333333", path_effects=HALO, zorder=6
    )
    board.block((bx0, by0, bx1, by1))


def north_arrow(ax: Axes, board: LabelBoard, strip: tuple[float, float, float, float], lang: str) -> None:
    mpp = board.mpp
    w, h = 24 * mpp, 40 * mpp
    box = _corner_box(strip, "lower right", w, h, 2 * mpp)
    cx = (box[0] + box[2]) / 2
    ax.annotate(
        map_text("north", lang),
        xy=(cx, box[3]),
        xytext=(cx, box[1] + 7 * mpp),
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        zorder=7,
        path_effects=HALO,
        arrowprops={"arrowstyle": "-|>,head_length=0.8,head_width=0.4", "color": "black", "linewidth": 1.5},
    )
    board.block(box)


def draw_zones(ax: Axes, area: gpd.GeoDataFrame, context: Sequence[ContextLayer]) -> None:
    area.plot(ax=ax, color=area["colour"], edgecolor="none", linewidth=0.0, alpha=0.85, zorder=1)
    for layer in context:
        if layer.kind == "polygon":
            layer.frame.plot(ax=ax, color=layer.colour, edgecolor="none", alpha=0.7, zorder=1.5)
        elif layer.kind == "line":
            layer.frame.plot(ax=ax, color="white", linewidth=3.0, zorder=2)
            layer.frame.plot(ax=ax, color=layer.colour, linewidth=1.6, zorder=2.1)
    area.boundary.plot(ax=ax, color="white", linewidth=0.8, zorder=2.5)
    if area["split"].any():
        area[area["split"]].plot(ax=ax, facecolor="none", edgecolor="#333333", hatch="////", linewidth=0.0, zorder=2.6)
    if area["changed"].any():
        area[area["changed"]].boundary.plot(ax=ax, color="#111111", linewidth=1.6, linestyle="--", zorder=2.7)
    gpd.GeoSeries([area.union_all()], crs=area.crs).boundary.plot(ax=ax, color="#222222", linewidth=1.4, zorder=2.8)
    for layer in context:
        if layer.kind == "point":
            layer.frame.plot(ax=ax, color=layer.colour, markersize=18, edgecolor="white", linewidth=0.8, zorder=5)


def context_labels(board: LabelBoard, context: Sequence[ContextLayer]) -> None:
    """Names of context features where they fit (a point beside it, a line at its middle)."""
    for layer in context:
        if layer.label is None:
            continue
        for name, geom in zip(layer.frame[layer.label], layer.frame.geometry, strict=True):
            if pd.isna(name) or geom is None or geom.is_empty:
                continue
            if layer.kind == "line":
                part = max(shapely.get_parts(geom), key=lambda g: g.length)
                along = shapely.line_interpolate_point(part, np.linspace(0.1, 0.9, 17), normalized=True)
                order = np.argsort(np.abs(np.linspace(0.1, 0.9, 17) - 0.5), kind="stable")  # middle first
                board.place_along(
                    str(name), shapely.get_coordinates(along)[order], size=7.0, weight="normal", kind="context"
                )
            else:
                p = geom.representative_point()
                board.place_point(
                    str(name), p.x, p.y, size=7.0, weight="normal", kind="context", gap_pt=3.0, rings=1, wrap=True
                )


def draw_labels(ax: Axes, labels: Sequence[Placed]) -> None:
    for label in labels:
        if label.leader is not None:
            ax.plot(label.leader[::2], label.leader[1::2], color="#333333", linewidth=0.6, zorder=8.5)
        style: dict[str, Any] = {}
        if label.kind == "key":
            style["bbox"] = {
                "boxstyle": "circle,pad=0.18",
                "facecolor": "white",
                "edgecolor": "#333333",
                "linewidth": 0.6,
            }
        else:
            style["path_effects"] = HALO
        ax.text(
            label.x,
            label.y,
            label.text,
            ha="center",
            va="center",
            fontsize=label.size,
            fontweight=label.weight,
            color="#1a1a1a",
            zorder=9 if label.kind == "school" else 8,
            fontstyle="italic" if label.kind == "context" else "normal",
            **style,
        )


def key_table(
    fig: Figure, entries: list[str], lang: str, left: float, top: float, width: float, bottom: float, force: bool
) -> tuple[float, tuple[float, float] | None]:
    """'1  Khu phố 9' lines under a heading, in as many columns as the height allows (inches).

    Returns (lower edge, None) once drawn; when the columns do not fit `width` and not `force`,
    nothing is drawn and it returns (bottom, (width, height)): the width the columns need at
    this height, the height they need in this width, for the caller to make room."""
    measure = measure_text(fig)
    line = KEY_SIZE * 1.35 / 72.0
    rows = max(int((top - 0.22 - bottom) / line), 1)
    col_w = max(measure(e, KEY_SIZE, "normal")[0] for e in entries) / 72.0 + 0.15
    columns = [entries[k : k + rows] for k in range(0, len(entries), rows)]
    # the room asked for holds a quarter more entries: a smaller map numbers a few more quarters
    spare = -(-len(entries) * 5 // 4)
    need_w = -(-spare // rows) * col_w
    per_row = max(int(width / col_w), 1)
    need_h = 0.22 + -(-spare // per_row) * line
    if len(columns) * col_w > width + 1e-6 and not force:
        return bottom, (need_w, need_h)
    fig.text(
        left / fig.get_figwidth(),
        top / fig.get_figheight(),
        map_text("key_title", lang),
        ha="left",
        va="top",
        fontsize=8.5,
        fontweight="bold",
    )
    for c, column in enumerate(columns):
        fig.text(
            (left + c * col_w) / fig.get_figwidth(),
            (top - 0.22) / fig.get_figheight(),
            "\n".join(column),
            ha="left",
            va="top",
            fontsize=KEY_SIZE,
            linespacing=1.35,
        )
    return top - 0.22 - min(rows, len(entries)) * line, None
