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

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from zoning.mapcontext import ContextLayer, projected_context
from zoning.mapdata import (
    MAX_QUARTER_LABELS,
    map_title,
    note_lines,
    school_colours,
    school_sites,
    show_quarter_labels,
    zone_layers,
)
from zoning.mapdraw import (
    KEY_SIZE,
    MARKER_PT,
    MAX_LEGEND_SCHOOLS,
    context_labels,
    draw_labels,
    draw_legend,
    draw_zones,
    key_table,
    legend_handles,
    measure_text,
    north_arrow,
    scale_bar,
    size_in,
)
from zoning.maplabels import LabelBoard
from zoning.mappage import MARGIN_MM, MM_PER_INCH, choose_orientation, page_inches
from zoning.result import ZoningResult

__all__ = [
    "plot_zones",
    "figure_bytes",
    "school_colours",
    "MAX_QUARTER_LABELS",
    "MAX_LEGEND_SCHOOLS",
    "QUARTER_SIZES",
    "SCHOOL_SIZE",
]

QUARTER_SIZES = (8.0, 7.0)
"""Font sizes of quarter names, points: the first that fits (one line, then two) is used."""
SCHOOL_SIZE = 8.5
"""Font size of school names, points (bold)."""
_NOTE_SIZE = 7.5
_STRIP_IN = 0.6
"""Height kept free under the ward for the scale bar and the north arrow, inches."""


class _SheetCanvas(FigureCanvasAgg):
    """The Agg canvas of a map sheet, whose `draw_idle` does nothing: GeoPandas' `plot` asks for
    an idle draw after each layer, which on a non-interactive Agg canvas renders the whole sheet
    at once (four to six full renders per map, none of them seen). The sheet is rendered only
    when it is saved."""

    def draw_idle(self, *args: object, **kwargs: object) -> None:
        return None


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
    args = (
        result,
        quarters,
        schools,
        school_year,
        lang,
        place,
        title,
        notes,
        crs,
        quarter_labels,
        paper,
        orientation,
        context,
    )
    fig, room = _sheet(*args, key_room=(0.0, 0.0))
    if room != (0.0, 0.0):  # the key table needs more room: the map gives it up
        fig, _ = _sheet(*args, key_room=room)
    return fig


def _sheet(
    result: ZoningResult,
    quarters: gpd.GeoDataFrame,
    schools: pd.DataFrame,
    school_year: int | None,
    lang: str,
    place: str | None,
    title: str | None,
    notes: Sequence[str],
    crs: object | None,
    quarter_labels: bool | None,
    paper: str,
    orientation: str | None,
    context: Sequence[ContextLayer],
    key_room: tuple[float, float],
) -> tuple[Figure, tuple[float, float]]:
    """The sheet of `plot_zones`; key_room: (width, height) in inches kept for the key table
    (landscape: the panel's width; portrait: the panel's height). Returns the figure and the
    room the key table lacked ((0, 0) when it fitted or when room was already given)."""
    layers = zone_layers(result, quarters, school_year=school_year, crs=crs)
    year, load, area, colours = layers.year, layers.load, layers.area, layers.colours
    ctx = projected_context(context, area.crs)
    sites = school_sites(schools, layers)
    ward = area.union_all()

    fig = Figure(figsize=page_inches(paper, orientation or "landscape"))
    _SheetCanvas(fig)
    handles = legend_handles(layers, ctx, lang)
    legend = draw_legend(fig, handles, lang)
    legend_w, legend_h = size_in(legend, fig)
    margin = MARGIN_MM / MM_PER_INCH
    gx0, gy0, gx1, gy1 = area.total_bounds
    if orientation is None:
        orientation = choose_orientation(paper, gx1 - gx0, gy1 - gy0, legend_w + 0.25, legend_h + 0.25)
        fig.set_size_inches(page_inches(paper, orientation))
    width, height = fig.get_size_inches()
    if orientation == "landscape" and legend_h > height - 2 * margin - 1.4:
        legend.remove()
        legend = draw_legend(fig, handles, lang, ncols=2)
        legend_w, legend_h = size_in(legend, fig)

    lines = note_lines(result, year, lang, notes)
    notes_h = len(lines) * _NOTE_SIZE * 1.3 / 72.0 + 0.12
    title_h = 0.62 if place else 0.4
    panel_w = max(legend_w, key_room[0])
    if orientation == "landscape":
        rect = (margin, margin + notes_h, width - 2 * margin - panel_w - 0.25, height - 2 * margin - notes_h - title_h)
        legend_xy = (width - margin - panel_w, height - margin - title_h)
    else:
        panel = max(legend_h, key_room[1]) + 0.2
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
    spare = rect[3] - (gy1 - gy0) / metres_per_inch - _STRIP_IN  # inches
    if orientation == "portrait" and spare > 0:  # the legend follows the map, not the sheet's foot
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

    draw_zones(ax, area, ctx)
    board = LabelBoard(frame=(x0, y0, x1, y1), mpp=metres_per_inch / 72.0, measure=measure_text(fig))
    narrow = gx1 - gx0 < 0.5 * (x1 - x0)  # a tall ward: the strip spans the whole frame
    strip = (
        x0 if narrow else max(gx0, x0),
        max(gy0 - _STRIP_IN * metres_per_inch, y0),
        x1 if narrow else min(gx1, x1),
        gy0,
    )
    scale_bar(ax, board, strip, lang, paper.upper(), metres_per_inch)
    north_arrow(ax, board, strip, lang)
    half = MARKER_PT / 2 * board.mpp
    site_xy = []
    for sid, site in sites.iterrows():
        if site.geometry is None or site.geometry.is_empty:
            continue
        over = bool(layers.over.get(sid, False))
        ax.scatter(
            [site.geometry.x],
            [site.geometry.y],
            marker="^",
            s=MARKER_PT**2 * 0.75,
            color=colours[sid],
            edgecolors="#c00000" if over else "black",
            linewidths=1.8 if over else 1.0,
            zorder=9,
        )
        board.block((site.geometry.x - half, site.geometry.y - half, site.geometry.x + half, site.geometry.y + half))
        site_xy.append((str(sid), site.geometry.x, site.geometry.y))

    dot = 4.0 * board.mpp  # context points: no label over them either
    for layer in ctx:
        if layer.kind == "point":
            for px, py in shapely.get_coordinates(layer.frame.geometry.to_numpy()):
                board.block((px - dot, py - dot, px + dot, py + dot))
    show_quarters = show_quarter_labels(layers, quarter_labels)
    geoms = list(area.geometry)
    anchors = np.array([[p.x, p.y] for p in shapely.point_on_surface(geoms)]) if show_quarters else None
    for sid, sx, sy in site_xy:
        board.place_point(
            str(load.loc[sid, "name"]),
            sx,
            sy,
            size=SCHOOL_SIZE,
            weight="bold",
            kind="school",
            gap_pt=MARKER_PT / 2 + 1.0,
            soft=anchors,
            ref=sid,
        )
    keyed: list[int] = []
    if show_quarters:
        keyed = board.place_inside(
            geoms, list(area["label"]), list(area["quarter_id"]), sizes=QUARTER_SIZES, outside=ward, key_size=KEY_SIZE
        )
    context_labels(board, ctx)
    draw_labels(ax, board.placed)

    panel_bottom, lacking = legend_xy[1] - legend_h, (0.0, 0.0)
    if keyed:
        labels = list(area["label"])
        entries = [f"{k}  {labels[i]}" for k, i in enumerate(keyed, start=1)]
        force = key_room != (0.0, 0.0)
        if orientation == "landscape":
            _, room = key_table(
                fig, entries, lang, legend_xy[0], legend_xy[1] - legend_h - 0.25, panel_w, margin + notes_h, force
            )
            lacking = (room[0], 0.0) if room else lacking
        else:
            key_bottom, room = key_table(
                fig,
                entries,
                lang,
                legend_xy[0] + legend_w + 0.35,
                legend_xy[1],
                width - 2 * margin - legend_w - 0.35,
                margin + notes_h,
                force,
            )
            panel_bottom = min(panel_bottom, key_bottom)
            lacking = (0.0, room[1]) if room else lacking

    heading = map_title(result, year, lang, title)
    fig.text(margin / width, 1 - margin / height, heading, ha="left", va="top", fontsize=14, fontweight="bold")
    if place:
        fig.text(
            margin / width,
            1 - (margin + 0.3) / height,
            place,
            ha="left",
            va="top",
            fontsize=11.5,
            fontweight="bold",
            color="#333333",
        )
    # the notes: at the sheet's foot in landscape, right under the legend in portrait
    notes_top = margin + notes_h - 0.12 if orientation == "landscape" else max(panel_bottom - 0.2, margin + notes_h)
    fig.text(
        margin / width,
        notes_top / height,
        "\n".join(lines),
        ha="left",
        va="top",
        fontsize=_NOTE_SIZE,
        color="#333333",
        linespacing=1.3,
    )
    return fig, lacking


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 300) -> bytes:
    """The figure rendered as PNG (at `dpi`) or PDF bytes (the page is the figure's sheet), for
    atomic writing."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi)
    return buffer.getvalue()
