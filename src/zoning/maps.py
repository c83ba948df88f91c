"""Zoning maps for publication: quarters coloured by school, sites, legend, scale bar, north arrow,
on an A4 or A3 page.

What the map shows (colours, each quarter's school, the title and notes) comes from
`zoning.mapdata`, shared with the interactive page `zoning.webmap`. The figure is the sheet
itself (`zoning.mappage`: A4 or A3, portrait or landscape, 10 mm margins), built on
`matplotlib.figure.Figure` with the Agg canvas (no pyplot state, no display needed), the map in
the ward's projected CRS so the scale bar measures true metres. Labels are placed by
`zoning.maplabels` (no label over another, none cut at the frame; numbers and a key table where
names do not fit). Text uses DejaVu Sans (bundled with matplotlib), which has every Vietnamese
diacritic; sizes are points on paper (quarter names 7–8 pt, school names 8.5 pt).
"""
from __future__ import annotations

import io
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
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from zoning.labels import map_text, number
from zoning.mapcontext import ContextLayer, projected_context
from zoning.mapdata import (
    MAX_QUARTER_LABELS,
    ZoneLayers,
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
from zoning.maplabels import LabelBoard, Measure, Placed
from zoning.mappage import MARGIN_MM, MM_PER_INCH, choose_orientation, page_inches, scale_denominator
from zoning.result import ZoningResult

__all__ = ["plot_zones", "figure_bytes", "school_colours", "MAX_QUARTER_LABELS", "MAX_LEGEND_SCHOOLS",
           "QUARTER_SIZES", "SCHOOL_SIZE"]

MAX_LEGEND_SCHOOLS = 24
"""Schools listed in the legend; more are summarised in one line."""
QUARTER_SIZES = (8.0, 7.0)
"""Font sizes of quarter names, points: the first that fits (one line, then two) is used."""
SCHOOL_SIZE = 8.5
"""Font size of school names, points (bold)."""
_KEY_SIZE = 7.0
_LEGEND_SIZE = 8.0
_NOTE_SIZE = 7.5
_HALO = [patheffects.withStroke(linewidth=2.4, foreground="white")]
_STRIP_IN = 0.6
"""Height kept free under the ward for the scale bar and the north arrow, inches."""
_MARKER_PT = 13.0
"""School triangle's width, points."""


def _measure(fig: Figure) -> Measure:
    renderer = fig.canvas.get_renderer()   # type: ignore[attr-defined]  # Agg canvas

    @cache
    def measure(text: str, size: float, weight: str) -> tuple[float, float]:
        t = Text(0, 0, text, fontsize=size, fontweight=weight, ha="center", va="center", figure=fig)
        box = t.get_window_extent(renderer)
        return box.width * 72.0 / fig.dpi, box.height * 72.0 / fig.dpi

    return measure


def _legend_handles(layers: ZoneLayers, context: Sequence[ContextLayer], lang: str) -> list[Artist]:
    over, area = layers.over, layers.area
    handles: list[Artist] = []
    for sid in layers.order[:MAX_LEGEND_SCHOOLS]:
        key = "school_entry_over" if over.get(sid, False) else "school_entry"
        handles.append(Patch(facecolor=layers.colours[sid], edgecolor="white",
                             label=map_text(key, lang, **legend_fields(layers, sid, lang))))
    if len(layers.order) > MAX_LEGEND_SCHOOLS:
        handles.append(Patch(facecolor="none", edgecolor="none",
                             label=map_text("more_schools", lang, count=len(layers.order) - MAX_LEGEND_SCHOOLS)))
    handles.append(Line2D([], [], marker="^", color="none", markerfacecolor="#bbbbbb",
                          markeredgecolor="black", markersize=9, label=map_text("school_marker", lang)))
    if over.any():
        handles.append(Line2D([], [], marker="^", color="none", markerfacecolor="#bbbbbb",
                              markeredgecolor="#c00000", markeredgewidth=1.8, markersize=9,
                              label=map_text("school_over", lang)))
    if area["split"].any():
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="////", label=map_text("split", lang)))
    if area["changed"].any():
        handles.append(Line2D([], [], color="#111111", linestyle="--", linewidth=1.6, label=map_text("changed", lang)))
    for layer in context:
        if layer.kind == "line":
            handles.append(Line2D([], [], color=layer.colour, linewidth=1.6, label=layer.name))
        elif layer.kind == "point":
            handles.append(Line2D([], [], marker="o", color="none", markerfacecolor=layer.colour,
                                  markeredgecolor="white", markersize=6, label=layer.name))
        else:
            handles.append(Patch(facecolor=layer.colour, edgecolor="none", alpha=0.7, label=layer.name))
    return handles


def _legend(fig: Figure, handles: list[Artist], lang: str, ncols: int = 1) -> Legend:
    legend = fig.legend(handles=handles, loc="upper left", fontsize=_LEGEND_SIZE, ncols=ncols,
                        title=map_text("legend_title", lang), title_fontsize=9.0, frameon=False,
                        borderpad=0.0, borderaxespad=0.0, labelspacing=0.7)
    legend.set_alignment("left")
    return legend


def _size_in(artist: Artist, fig: Figure) -> tuple[float, float]:
    box = artist.get_window_extent(fig.canvas.get_renderer())   # type: ignore[attr-defined]
    return box.width / fig.dpi, box.height / fig.dpi


def _corner_box(ax_box: tuple[float, float, float, float], corner: str, w: float, h: float,
                inset: float) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = ax_box
    left = x0 + inset if "left" in corner else x1 - inset - w
    bottom = y0 + inset if "lower" in corner else y1 - inset - h
    return left, bottom, left + w, bottom + h


def _scale_bar(ax: Axes, board: LabelBoard, strip: tuple[float, float, float, float], lang: str, paper: str,
               metres_per_inch: float) -> None:
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
        ax.add_patch(Rectangle((left + k * length / 4, bottom), length / 4, bar_h,
                               facecolor="black" if k % 2 == 0 else "white", edgecolor="black",
                               linewidth=0.7, zorder=6))
    for pos, label in ((0.0, "0"), (length / 2, length_text(length / 2, lang)), (length, length_text(length, lang))):
        ax.text(left + pos, bottom + bar_h + 2 * mpp, label, ha="center", va="bottom", fontsize=8,
                path_effects=_HALO, zorder=6)
    ax.text(left, bottom - 3 * mpp, ratio, ha="left", va="top", fontsize=7, color="#333333",
            path_effects=_HALO, zorder=6)
    board.block((bx0, by0, bx1, by1))


def _north_arrow(ax: Axes, board: LabelBoard, strip: tuple[float, float, float, float], lang: str) -> None:
    mpp = board.mpp
    w, h = 24 * mpp, 40 * mpp
    box = _corner_box(strip, "lower right", w, h, 2 * mpp)
    cx = (box[0] + box[2]) / 2
    ax.annotate(map_text("north", lang), xy=(cx, box[3]), xytext=(cx, box[1] + 7 * mpp), ha="center", va="center",
                fontsize=11, fontweight="bold", zorder=7, path_effects=_HALO,
                arrowprops={"arrowstyle": "-|>,head_length=0.8,head_width=0.4", "color": "black", "linewidth": 1.5})
    board.block(box)


def _draw_zones(ax: Axes, area: gpd.GeoDataFrame, context: Sequence[ContextLayer]) -> None:
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


def _context_labels(board: LabelBoard, context: Sequence[ContextLayer]) -> None:
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
                order = np.argsort(np.abs(np.linspace(0.1, 0.9, 17) - 0.5), kind="stable")   # middle first
                board.place_along(str(name), shapely.get_coordinates(along)[order], size=7.0, weight="normal",
                                  kind="context")
            else:
                p = geom.representative_point()
                board.place_point(str(name), p.x, p.y, size=7.0, weight="normal", kind="context", gap_pt=3.0,
                                  rings=1, wrap=True)


def _draw_labels(ax: Axes, labels: Sequence[Placed]) -> None:
    for label in labels:
        if label.leader is not None:
            ax.plot(label.leader[::2], label.leader[1::2], color="#333333", linewidth=0.6, zorder=8.5)
        style: dict[str, Any] = {}
        if label.kind == "key":
            style["bbox"] = {"boxstyle": "circle,pad=0.18", "facecolor": "white", "edgecolor": "#333333",
                             "linewidth": 0.6}
        else:
            style["path_effects"] = _HALO
        ax.text(label.x, label.y, label.text, ha="center", va="center", fontsize=label.size,
                fontweight=label.weight, color="#1a1a1a", zorder=9 if label.kind == "school" else 8,
                fontstyle="italic" if label.kind == "context" else "normal", **style)


def _key_table(fig: Figure, entries: list[str], lang: str, left: float, top: float, width: float,
               bottom: float) -> float:
    """'1  Khu phố 9' lines under a heading, in as many columns as the height allows (inches);
    returns the table's lower edge (inches from the sheet's foot)."""
    measure = _measure(fig)
    line = _KEY_SIZE * 1.35 / 72.0
    fig.text(left / fig.get_figwidth(), top / fig.get_figheight(), map_text("key_title", lang),
             ha="left", va="top", fontsize=8.5, fontweight="bold")
    top -= 0.22
    rows = max(int((top - bottom) / line), 1)
    col_w = max(measure(e, _KEY_SIZE, "normal")[0] for e in entries) / 72.0 + 0.15
    columns = [entries[k:k + rows] for k in range(0, len(entries), rows)]
    for c, column in enumerate(columns):
        x = left + c * min(col_w, width / max(len(columns), 1))
        fig.text(x / fig.get_figwidth(), top / fig.get_figheight(), "\n".join(column), ha="left", va="top",
                 fontsize=_KEY_SIZE, linespacing=1.35)
    return top - min(rows, len(entries)) * line


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
    paper: str = "A4",
    orientation: str | None = None,
    context: Sequence[ContextLayer] = (),
) -> Figure:
    """The zoning map of one level for one school year (default: the first zoned), on a sheet.

    quarters: `quarter_id[, name]` polygons; schools: the schools table (`school_id, name,
    lon, lat`) or a GeoDataFrame; place: e.g. "Phường Phước Bình", printed under the title;
    notes: extra lines printed under the map. quarter_labels: print quarter names (default
    when there are at most `MAX_QUARTER_LABELS` quarters). paper: "A4" or "A3"; orientation:
    "portrait" or "landscape" (default: the one printing the ward larger). context: roads,
    rivers, landmarks (`zoning.mapcontext.context_layer`). The Figure is the sheet (save it with
    `figure_bytes`; the PDF page is the paper size).
    """
    layers = zone_layers(result, quarters, school_year=school_year, crs=crs)
    year, load, area, colours = layers.year, layers.load, layers.area, layers.colours
    ctx = projected_context(context, area.crs)
    sites = school_sites(schools, layers)
    ward = area.union_all()

    fig = Figure(figsize=page_inches(paper, orientation or "landscape"))
    FigureCanvasAgg(fig)
    handles = _legend_handles(layers, ctx, lang)
    legend = _legend(fig, handles, lang)
    legend_w, legend_h = _size_in(legend, fig)
    margin = MARGIN_MM / MM_PER_INCH
    gx0, gy0, gx1, gy1 = area.total_bounds
    if orientation is None:
        orientation = choose_orientation(paper, gx1 - gx0, gy1 - gy0, legend_w + 0.25, legend_h + 0.25)
        fig.set_size_inches(page_inches(paper, orientation))
    width, height = fig.get_size_inches()
    if orientation == "landscape" and legend_h > height - 2 * margin - 1.4:
        legend.remove()
        legend = _legend(fig, handles, lang, ncols=2)
        legend_w, legend_h = _size_in(legend, fig)

    lines = note_lines(result, year, lang, notes)
    notes_h = len(lines) * _NOTE_SIZE * 1.3 / 72.0 + 0.12
    title_h = 0.62 if place else 0.4
    if orientation == "landscape":
        rect = (margin, margin + notes_h, width - 2 * margin - legend_w - 0.25, height - 2 * margin - notes_h - title_h)
        legend_xy = (width - margin - legend_w, height - margin - title_h)
    else:
        panel = legend_h + 0.2
        rect = (margin, margin + notes_h + panel, width - 2 * margin, height - 2 * margin - notes_h - title_h - panel)
        legend_xy = (margin, margin + notes_h + legend_h + 0.1)

    # the data window: the ward (and its schools) padded 3 %, widened to the axes' shape (equal
    # scale), and a strip kept free under it for the scale bar (left) and the north arrow (right)
    placed = [g for g in sites.geometry if g is not None and not g.is_empty]
    if placed:
        xy = shapely.get_coordinates(placed)
        gx0, gy0 = min(gx0, xy[:, 0].min()), min(gy0, xy[:, 1].min())
        gx1, gy1 = max(gx1, xy[:, 0].max()), max(gy1, xy[:, 1].max())
    span = max(gx1 - gx0, gy1 - gy0) * 0.03
    gx0, gy0, gx1, gy1 = gx0 - span, gy0 - span, gx1 + span, gy1 + span
    metres_per_inch = max((gx1 - gx0) / rect[2], (gy1 - gy0) / (rect[3] - _STRIP_IN))
    spare = rect[3] - (gy1 - gy0) / metres_per_inch - _STRIP_IN           # inches
    if orientation == "portrait" and spare > 0:      # the legend follows the map, not the sheet's foot
        rect = (rect[0], rect[1] + spare, rect[2], rect[3] - spare)
        legend_xy = (legend_xy[0], rect[1] - 0.1)
        spare = 0.0
    legend.set_bbox_to_anchor((legend_xy[0] / width, legend_xy[1] / height), transform=fig.transFigure)
    ax = fig.add_axes((rect[0] / width, rect[1] / height, rect[2] / width, rect[3] / height))
    ax.set_axis_off()
    cx = (gx0 + gx1) / 2
    bottom = gy0 - (_STRIP_IN + spare / 2) * metres_per_inch
    ax.set_xlim(cx - rect[2] * metres_per_inch / 2, cx + rect[2] * metres_per_inch / 2)
    ax.set_ylim(bottom, bottom + rect[3] * metres_per_inch)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()

    _draw_zones(ax, area, ctx)
    board = LabelBoard(frame=(x0, y0, x1, y1), mpp=metres_per_inch / 72.0, measure=_measure(fig))
    narrow = gx1 - gx0 < 0.5 * (x1 - x0)             # a tall ward: the strip spans the whole frame
    strip = (x0 if narrow else max(gx0, x0), max(gy0 - _STRIP_IN * metres_per_inch, y0),
             x1 if narrow else min(gx1, x1), gy0)
    _scale_bar(ax, board, strip, lang, paper.upper(), metres_per_inch)
    _north_arrow(ax, board, strip, lang)
    half = _MARKER_PT / 2 * board.mpp
    site_xy = []
    for sid, site in sites.iterrows():
        if site.geometry is None or site.geometry.is_empty:
            continue
        over = bool(layers.over.get(sid, False))
        ax.scatter([site.geometry.x], [site.geometry.y], marker="^", s=_MARKER_PT ** 2 * 0.75, color=colours[sid],
                   edgecolors="#c00000" if over else "black", linewidths=1.8 if over else 1.0, zorder=9)
        board.block((site.geometry.x - half, site.geometry.y - half, site.geometry.x + half, site.geometry.y + half))
        site_xy.append((str(sid), site.geometry.x, site.geometry.y))

    dot = 4.0 * board.mpp                            # context points: no label over them either
    for layer in ctx:
        if layer.kind == "point":
            for px, py in shapely.get_coordinates(layer.frame.geometry.to_numpy()):
                board.block((px - dot, py - dot, px + dot, py + dot))
    show_quarters = show_quarter_labels(layers, quarter_labels)
    geoms = list(area.geometry)
    anchors = np.array([[p.x, p.y] for p in shapely.point_on_surface(geoms)]) if show_quarters else None
    for sid, sx, sy in site_xy:
        board.place_point(str(load.loc[sid, "name"]), sx, sy, size=SCHOOL_SIZE, weight="bold", kind="school",
                          gap_pt=_MARKER_PT / 2 + 1.0, soft=anchors, ref=sid)
    keyed: list[int] = []
    if show_quarters:
        keyed = board.place_inside(geoms, list(area["label"]), list(area["quarter_id"]), sizes=QUARTER_SIZES,
                                   outside=ward, key_size=_KEY_SIZE)
    _context_labels(board, ctx)
    _draw_labels(ax, board.placed)

    panel_bottom = legend_xy[1] - legend_h
    if keyed:
        labels = list(area["label"])
        entries = [f"{k}  {labels[i]}" for k, i in enumerate(keyed, start=1)]
        if orientation == "landscape":
            _key_table(fig, entries, lang, legend_xy[0], legend_xy[1] - legend_h - 0.25, legend_w,
                       margin + notes_h)
        else:
            panel_bottom = min(panel_bottom, _key_table(fig, entries, lang, legend_xy[0] + legend_w + 0.35,
                                                        legend_xy[1], width - 2 * margin - legend_w - 0.35,
                                                        margin + notes_h))

    heading = map_title(result, year, lang, title)
    fig.text(margin / width, 1 - margin / height, heading, ha="left", va="top", fontsize=14, fontweight="bold")
    if place:
        fig.text(margin / width, 1 - (margin + 0.3) / height, place, ha="left", va="top", fontsize=11.5,
                 fontweight="bold", color="#333333")
    # the notes: at the sheet's foot in landscape, right under the legend in portrait
    notes_top = margin + notes_h - 0.12 if orientation == "landscape" else max(panel_bottom - 0.2, margin + notes_h)
    fig.text(margin / width, notes_top / height, "\n".join(lines), ha="left", va="top", fontsize=_NOTE_SIZE,
             color="#333333", linespacing=1.3)
    return fig


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 300) -> bytes:
    """The figure rendered as PNG (at `dpi`) or PDF bytes (the page is the figure's sheet), for
    atomic writing."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi)
    return buffer.getvalue()
