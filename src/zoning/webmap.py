"""The interactive zoning map: one self-contained HTML page for ward planners.

Quarters are inline SVG paths in the ward's projected CRS (true metres, north up), filled
with the colours of the publication map (`zoning.mapdata`); hovering or clicking a quarter or
a school shows its figures; the mouse wheel zooms and dragging pans; a search box finds a
quarter or school by name or id (zoom and highlight); a school-year switch shows each year of
the zoning; context layers (roads, rivers, landmarks) are drawn as on the static map; labels
that would overlap at the current zoom are hidden until zoomed in. The page loads nothing from
the network — no tiles, fonts, scripts or CDN — so it opens offline in any browser and can be
mailed or copied on a USB stick.

This module prepares the geometry; `zoning.webmap_data` the figures of each school year; the
page, its style and its script are package files (`zoning/web/page.html`, `map.css`, `map.js`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zoning.distances import quarter_centres
from zoning.labels import map_text
from zoning.mapcontext import ContextLayer, projected_context
from zoning.mapdata import length_text, nice_length, school_sites, show_quarter_labels, zone_layers
from zoning.result import ZoningResult
from zoning.webmap_data import esc, year_record

__all__ = ["zones_html", "VIEW_SIZE", "SIMPLIFY_UNITS"]

VIEW_SIZE = 1000.0
"""The longer side of the ward in SVG units (≈ screen pixels at the initial zoom)."""
SIMPLIFY_UNITS = 0.4
"""Douglas–Peucker tolerance in SVG units (0.4 px at the initial zoom: invisible, a smaller file)."""
_PAD = 24.0
"""Margin around the ward, SVG units."""
_TRIANGLE = "M0,-10L9,6L-9,6Z"


def _asset(name: str) -> str:
    return resources.files("zoning").joinpath("web", name).read_text(encoding="utf-8")


def _script_json(data: object) -> str:
    """JSON safe inside <script>: no '</script>', '<!--' or '&' can end or alter the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _path_data(geom: shapely.Geometry, closed: bool = True) -> str:
    """SVG path data of a (multi)polygon ('M … Z' per ring) or (multi)line, to 0.1 unit."""
    parts = []
    for part in shapely.get_parts(geom):
        if part.is_empty:
            continue
        rings = (part.exterior, *part.interiors) if part.geom_type == "Polygon" else (part,)
        for ring in rings:
            xy = np.round(shapely.get_coordinates(ring), 1)
            xy = xy[:-1] if closed else xy
            if len(xy) < (3 if closed else 2):
                continue
            parts.append("M" + " ".join(f"{x:g},{y:g}" for x, y in xy) + ("Z" if closed else ""))
    return "".join(parts)


def _to_view(geoms: np.ndarray, x0: float, y1: float, scale: float) -> np.ndarray:
    """Metres (projected CRS) to SVG units: x right, y down, `_PAD` margin."""
    return shapely.transform(
        geoms, lambda xy: np.column_stack([(xy[:, 0] - x0) * scale + _PAD, (y1 - xy[:, 1]) * scale + _PAD])
    )


def _context_svg(
    context: Sequence[ContextLayer],
    x0: float,
    y1: float,
    scale: float,
) -> tuple[list[str], list[str], list[str], list[str]]:
    """SVG of the context layers: polygons (under the quarters), lines (over them), points and
    their labels (overlay, screen-sized), and their legend entries."""
    polygons, lines, points, legend = [], [], [], []
    for layer in context:
        geoms = shapely.simplify(_to_view(layer.frame.geometry.to_numpy(), x0, y1, scale), SIMPLIFY_UNITS)
        names = layer.frame[layer.label] if layer.label else pd.Series([None] * len(geoms))
        for geom, name in zip(geoms, names, strict=True):
            title = "" if name is None or pd.isna(name) else f"<title>{esc(name)}</title>"
            if layer.kind == "polygon":
                polygons.append(f'<path class="ctx-poly" fill="{layer.colour}" d="{_path_data(geom)}">{title}</path>')
            elif layer.kind == "line":
                d = _path_data(geom, closed=False)
                lines.append(
                    f'<path class="ctx-casing" d="{d}"/><path class="ctx-line" stroke="{layer.colour}" d="{d}"/>'
                )
                if title:
                    part = max(shapely.get_parts(geom), key=lambda g: g.length)
                    p = part.interpolate(0.5, normalized=True)
                    points.append(f'<text class="cl ln" data-x="{p.x:.1f}" data-y="{p.y:.1f}">{esc(name)}</text>')
            else:
                for p in shapely.get_parts(geom):
                    points.append(
                        f'<g data-x="{p.x:.1f}" data-y="{p.y:.1f}"><circle r="4" fill="{layer.colour}" '
                        f'stroke="#fff" stroke-width="1.2"/></g>'
                    )
                    if title:
                        points.append(
                            f'<text class="cl pt" data-x="{p.x:.1f}" data-y="{p.y:.1f}" dx="7">{esc(name)}</text>'
                        )
        symbol = {
            "line": f'<path d="M1,8L19,8" stroke="{layer.colour}" stroke-width="2.4"/>',
            "point": f'<circle cx="10" cy="8" r="4.5" fill="{layer.colour}"/>',
            "polygon": f'<rect width="20" height="16" fill="{layer.colour}" fill-opacity="0.7"/>',
        }[layer.kind]
        legend.append(f'<li><svg class="sym" viewBox="0 0 20 16">{symbol}</svg><span>{esc(layer.name)}</span></li>')
    return polygons, lines, points, legend


def _symbols(lang: str, over: bool, split: bool, moved: bool) -> list[str]:
    items = [
        f'<li><svg class="sym" viewBox="-10 -11 20 18"><path d="{_TRIANGLE}" fill="#bbb" stroke="#000" '
        f'stroke-width="1.2"/></svg><span>{esc(map_text("school_marker", lang))}</span></li>'
    ]
    if over:
        items.append(
            f'<li><svg class="sym" viewBox="-10 -11 20 18"><path d="{_TRIANGLE}" fill="#bbb" '
            f'stroke="#c00000" stroke-width="2.4"/></svg><span>{esc(map_text("school_over", lang))}</span></li>'
        )
    if split:
        items.append(
            f'<li><svg class="sym" viewBox="0 0 20 16"><rect width="20" height="16" fill="url(#hatch)" '
            f'stroke="#333"/></svg><span>{esc(map_text("split", lang))}</span></li>'
        )
    if moved:
        items.append(
            f'<li><svg class="sym" viewBox="0 0 20 16"><rect x="1" y="1" width="18" height="14" '
            f'fill="none" stroke="#111" stroke-width="1.6" stroke-dasharray="4 2.5"/></svg>'
            f"<span>{esc(map_text('changed', lang))}</span></li>"
        )
    return items


def zones_html(
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
    school_years: Sequence[int] | None = None,
    context: Sequence[ContextLayer] = (),
) -> str:
    """The interactive zoning map of one level, as one HTML page.

    Takes the arguments of `zoning.maps.plot_zones` (quarters: `quarter_id[, name]` polygons;
    schools: the schools table with `lon, lat` or a GeoDataFrame; place: e.g. "Phường Phước
    Bình"; notes: extra lines under the map; crs: the ward's projected CRS, metres; context:
    roads, rivers, landmarks). school_years: the years offered by the year switch (default:
    every year of the result); school_year: the one shown first (default: the first). Under
    the map the page lists the result's notes of the year shown in `lang`
    (`zoning.mapdata.result_notes`). Returns the page as text (UTF-8, self-contained).
    """
    years = [int(y) for y in (school_years if school_years is not None else result.school_years)]
    first = years[0] if school_year is None else int(school_year)
    if first not in years:
        years = sorted({*years, first})
    all_layers = [zone_layers(result, quarters, school_year=y, crs=crs) for y in years]
    selected = years.index(first)
    layers = all_layers[selected]
    area, order = layers.area, layers.order
    records = [year_record(result, lay, lang, title, notes) for lay in all_layers]
    record = records[selected]
    ctx = projected_context(context, area.crs)

    site_geoms = school_sites(schools, layers).geometry.to_numpy()
    placed = np.array([g is not None and not g.is_empty for g in site_geoms], dtype=bool)
    bounds = np.array(area.total_bounds)
    if placed.any():
        xy = shapely.get_coordinates(site_geoms[placed])
        bounds = np.r_[np.minimum(bounds[:2], xy.min(axis=0)), np.maximum(bounds[2:], xy.max(axis=0))]
    x0, y0, x1, y1 = bounds
    scale = VIEW_SIZE / max(x1 - x0, y1 - y0, 1.0)  # SVG units per metre
    width, height = (x1 - x0) * scale + 2 * _PAD, (y1 - y0) * scale + 2 * _PAD

    shapes = shapely.simplify(_to_view(area.geometry.to_numpy(), x0, y1, scale), SIMPLIFY_UNITS, preserve_topology=True)
    outline = shapely.simplify(_to_view(np.array([area.union_all()]), x0, y1, scale)[0], SIMPLIFY_UNITS)
    centres = _to_view(quarter_centres(area[["quarter_id", "geometry"]], area.crs).geometry.to_numpy(), x0, y1, scale)
    site_view = _to_view(site_geoms[placed], x0, y1, scale) if placed.any() else np.array([])
    split_any = np.any([r["split"] for r in records], axis=0)
    moved_any = np.any([r["changed"] for r in records], axis=0)

    paths, hatches, moved, labels = [], [], [], []
    for k, (geom, row) in enumerate(zip(shapes, area.itertuples(index=False), strict=True)):
        d = _path_data(geom)
        paths.append(
            f'<path class="q" d="{d}" fill="{row.colour}" data-k="{k}" '
            f'data-quarter="{esc(row.quarter_id)}" data-school="{esc(record["school"][k])}">'
            f"<title>{esc(row.label)}</title></path>"
        )
        if split_any[k]:
            hatches.append(f'<path d="{d}" data-k="{k}"/>')
        if moved_any[k]:
            moved.append(f'<path d="{d}" data-k="{k}"/>')
    if show_quarter_labels(layers, quarter_labels):
        for label, point in zip(area["label"], centres, strict=True):
            labels.append(
                f'<text class="ql" data-x="{point.x:.1f}" data-y="{point.y:.1f}" '
                f'transform="translate({point.x:.1f} {point.y:.1f})">{esc(label)}</text>'
            )
    markers = []
    for j, point in zip(np.flatnonzero(placed).tolist(), site_view, strict=True):
        sid = order[j]
        share = (point.x - _PAD) / max(width - 2 * _PAD, 1.0)
        anchor = "start" if share < 0.2 else "end" if share > 0.8 else "middle"
        dx = {"start": -6, "end": 6, "middle": 0}[anchor]
        over = " over" if record["schools"][j]["over"] else ""
        markers.append(
            f'<g class="site{over}" data-s="{j}" data-x="{point.x:.1f}" data-y="{point.y:.1f}" '
            f'transform="translate({point.x:.1f} {point.y:.1f})">'
            f'<path d="{_TRIANGLE}" fill="{layers.colours[sid]}"/>'
            f'<text class="sl" x="{dx}" y="-14" text-anchor="{anchor}">{esc(record["schools"][j]["name"])}</text></g>'
        )
    ctx_polygons, ctx_lines, ctx_points, ctx_legend = _context_svg(ctx, x0, y1, scale)

    bar_m = nice_length(VIEW_SIZE / scale, 0.15)
    hidden = {r["year"]: "" if k == selected else " hidden" for k, r in enumerate(records)}
    legend = "\n".join(
        f'<ul id="legend-{r["year"]}" class="legend" data-year="{r["year"]}"{hidden[r["year"]]}>\n{r["legend"]}\n</ul>'
        for r in records
    )
    footer = "".join(f'<ul data-year="{r["year"]}"{hidden[r["year"]]}>{r["notes"]}</ul>' for r in records)
    data = {
        "years": [
            {key: r[key] for key in ("year", "title", "fills", "school", "split", "changed", "quarters", "schools")}
            for r in records
        ],
        "selected": selected,
        "unitsPerMetre": scale,
        "decimal": "," if lang == "vi" else ".",
        "group": "." if lang == "vi" else ",",
    }
    search = sorted({f"{q['name']}" for q in record["quarters"]} | {s["name"] for s in record["schools"]})
    over_any = any(s["over"] for r in records for s in r["schools"])
    values = {
        "lang": lang,
        "title": esc(record["title"]),
        "place": f'<p class="place">{esc(place)}</p>' if place else "",
        "help": esc(map_text("web_help", lang)),
        "reset": esc(map_text("web_reset", lang)),
        "search": esc(map_text("web_search", lang)),
        "search_none": esc(map_text("web_search_none", lang)),
        "search_options": "".join(f'<option value="{esc(s)}"></option>' for s in search),
        "year_label": esc(map_text("web_year", lang)),
        "year_hidden": "" if len(years) > 1 else " hidden",
        "year_options": "".join(
            f'<option value="{k}"{" selected" if k == selected else ""}>{y}–{y + 1}</option>'
            for k, y in enumerate(years)
        ),
        "width": f"{width:.1f}",
        "height": f"{height:.1f}",
        "quarters": "\n".join(paths),
        "hatches": "".join(hatches),
        "moved": "".join(moved),
        "outline": f'<path id="outline" d="{_path_data(outline)}"/>',
        "labels": "\n".join(labels),
        "sites": "\n".join(markers),
        "context_polygons": "".join(ctx_polygons),
        "context_lines": "".join(ctx_lines),
        "context_points": "\n".join(ctx_points),
        "legend_title": esc(map_text("legend_title", lang)),
        "legend": legend,
        "symbols": "\n".join(_symbols(lang, over_any, bool(hatches), bool(moved)) + ctx_legend),
        "north": esc(map_text("north", lang)),
        "bar_px": f"{bar_m * scale:.1f}",
        "bar_text": esc(length_text(bar_m, lang)),
        "notes": footer,
        "data": _script_json(data),
        "css": _asset("map.css"),
        "script": _asset("map.js"),
    }
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], _asset("page.html"))
