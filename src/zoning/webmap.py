"""The interactive zoning map: one self-contained HTML page for ward planners.

Quarters are inline SVG paths in the ward's projected CRS (true metres, north up), filled
with the colours of the publication map (`zoning.mapdata`); hovering or clicking a quarter or
a school shows its figures; the mouse wheel zooms and dragging pans (a few lines of plain
JavaScript). The page loads nothing from the network — no tiles, fonts, scripts or CDN — so it
opens offline in any browser and can be mailed or copied on a USB stick.
"""
from __future__ import annotations

import html
import json
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zoning.distances import quarter_centres
from zoning.labels import map_text, number, percent
from zoning.mapdata import (
    legend_fields,
    length_text,
    map_title,
    nice_length,
    note_lines,
    result_notes,
    school_sites,
    show_quarter_labels,
    zone_layers,
)
from zoning.result import ZoningResult

__all__ = ["zones_html", "VIEW_SIZE", "SIMPLIFY_UNITS"]

VIEW_SIZE = 1000.0
"""The longer side of the ward in SVG units (≈ screen pixels at the initial zoom)."""
SIMPLIFY_UNITS = 0.4
"""Douglas–Peucker tolerance in SVG units (0.4 px at the initial zoom: invisible, a smaller file)."""
_PAD = 24.0
"""Margin around the ward, SVG units."""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _script_json(data: object) -> str:
    """JSON safe inside <script>: no '</script>', '<!--' or '&' can end or alter the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _path_data(geom: shapely.Geometry) -> str:
    """SVG path data of a (multi)polygon: one 'M … Z' per ring, coordinates to 0.1 unit."""
    parts = []
    for polygon in shapely.get_parts(geom):
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.round(shapely.get_coordinates(ring)[:-1], 1)
            if len(xy) < 3:
                continue
            points = " ".join(f"{x:g},{y:g}" for x, y in xy)
            parts.append(f"M{points}Z")
    return "".join(parts)


def _to_view(geoms: np.ndarray, x0: float, y1: float, scale: float) -> np.ndarray:
    """Metres (projected CRS) to SVG units: x right, y down, `_PAD` margin."""
    return shapely.transform(geoms, lambda xy: np.column_stack(
        [(xy[:, 0] - x0) * scale + _PAD, (y1 - xy[:, 1]) * scale + _PAD]))


def _changed_text(values: pd.Series, lang: str) -> str:
    if values.isna().all():
        return map_text("web_no_current", lang)
    return map_text("web_yes" if values.fillna(False).astype(bool).any() else "web_no", lang)


def _quarter_info(layers, names: dict[str, str], lang: str) -> list[dict]:
    """Tooltip data per drawn quarter: id, name, pupils, and labelled rows."""
    by_quarter = {qid: grp for qid, grp in layers.rows.groupby("quarter_id", sort=False)}  # noqa: C416 - dict() would take GroupBy.keys for a mapping
    info = []
    for qid, label in zip(layers.area["quarter_id"], layers.area["label"], strict=True):
        rows = by_quarter.get(qid)
        heading = label if label == qid else f"{label} ({qid})"
        if rows is None:
            info.append({"id": qid, "name": heading, "pupils": None,
                         "rows": [[map_text("web_school", lang), map_text("web_unassigned", lang)]]})
            continue
        rows = rows.sort_values(["share", "school_id"], ascending=[False, True])
        pupils = float(rows["pupils"].sum())
        if len(rows) == 1:
            school = names.get(rows["school_id"].iat[0], rows["school_id"].iat[0])
            distance = f"{number(rows['distance_m'].iat[0], lang)} m"
        else:
            school = "; ".join(f"{names.get(s, s)} ({percent(share, lang)})"
                               for s, share in zip(rows["school_id"], rows["share"], strict=True))
            distance = "; ".join(f"{number(d, lang)} m" for d in rows["distance_m"])
        info.append({
            "id": qid, "name": heading, "pupils": round(pupils, 3),
            "schools": rows["school_id"].tolist(),
            "rows": [[map_text("web_school", lang), school],
                     [map_text("web_pupils", lang), number(pupils, lang, 1 if pupils < 10 else 0)],
                     [map_text("web_distance", lang), distance],
                     [map_text("web_changed", lang), _changed_text(rows["changed"], lang)]],
        })
    return info


def _school_info(layers, lang: str) -> list[dict]:
    """Tooltip data per school of the level: pupils, classes, rooms, use, overflow."""
    info = []
    for sid in layers.order:
        r = layers.load.loc[sid]
        use = "—" if pd.isna(r["utilization"]) else percent(r["utilization"], lang)
        info.append({
            "id": sid, "name": str(r["name"]), "pupils": float(r["pupils"]),
            "over": bool(layers.over.get(sid, False)),
            "rows": [[map_text("web_pupils", lang), number(r["pupils"], lang)],
                     [map_text("web_classes", lang), str(int(r["classes"]))],
                     [map_text("web_rooms", lang),
                      f"{number(r['rooms_needed'], lang)} / {number(r['rooms_available'], lang)}"],
                     [map_text("web_utilization", lang), use],
                     [map_text("web_overflow", lang), number(r["overflow_pupils"], lang)],
                     [map_text("web_zone_quarters", lang), str(int(r["zone_quarters"]))]],
        })
    return info


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
) -> str:
    """The interactive zoning map of one level for one school year, as one HTML page.

    Takes the arguments of `zoning.maps.plot_zones` (quarters: `quarter_id[, name]` polygons;
    schools: the schools table with `lon, lat` or a GeoDataFrame; place: e.g. "Phường Phước
    Bình"; notes: extra lines under the map; crs: the ward's projected CRS, metres). Under the
    map the page also lists the result's notes in `lang` (`zoning.mapdata.result_notes`). Returns
    the page as text (UTF-8, self-contained: write it with `write_text_atomic`).
    """
    layers = zone_layers(result, quarters, school_year=school_year, crs=crs)
    year, area, order, colours = layers.year, layers.area, layers.order, layers.colours
    heading = map_title(result, year, lang, title)
    names = {sid: str(layers.load.loc[sid, "name"]) for sid in order}

    site_geoms = school_sites(schools, layers).geometry.to_numpy()
    placed = np.array([g is not None and not g.is_empty for g in site_geoms], dtype=bool)

    bounds = np.array(area.total_bounds)
    if placed.any():
        xy = shapely.get_coordinates(site_geoms[placed])
        bounds = np.r_[np.minimum(bounds[:2], xy.min(axis=0)), np.maximum(bounds[2:], xy.max(axis=0))]
    x0, y0, x1, y1 = bounds
    scale = VIEW_SIZE / max(x1 - x0, y1 - y0, 1.0)           # SVG units per metre
    width, height = (x1 - x0) * scale + 2 * _PAD, (y1 - y0) * scale + 2 * _PAD

    shapes = shapely.simplify(_to_view(area.geometry.to_numpy(), x0, y1, scale), SIMPLIFY_UNITS,
                              preserve_topology=True)
    outline = shapely.simplify(_to_view(np.array([area.union_all()]), x0, y1, scale)[0], SIMPLIFY_UNITS)
    centres = _to_view(quarter_centres(area[["quarter_id", "geometry"]], area.crs).geometry.to_numpy(),
                       x0, y1, scale)
    site_view = _to_view(site_geoms[placed], x0, y1, scale) if placed.any() else np.array([])
    quarter_info = _quarter_info(layers, names, lang)
    school_info = _school_info(layers, lang)

    paths, hatches, moved, labels = [], [], [], []
    for k, (geom, row) in enumerate(zip(shapes, area.itertuples(index=False), strict=True)):
        d = _path_data(geom)
        school = "" if pd.isna(row.school_id) else row.school_id
        paths.append(f'<path class="q" d="{d}" fill="{row.colour}" data-k="{k}" '
                     f'data-quarter="{_esc(row.quarter_id)}" data-school="{_esc(school)}">'
                     f"<title>{_esc(row.label)}</title></path>")
        if row.split:
            hatches.append(f'<path d="{d}"/>')
        if row.changed:
            moved.append(f'<path d="{d}"/>')
    if show_quarter_labels(layers, quarter_labels):
        for label, point in zip(area["label"], centres, strict=True):
            labels.append(f'<text class="ql" data-x="{point.x:.1f}" data-y="{point.y:.1f}" '
                          f'transform="translate({point.x:.1f} {point.y:.1f})">{_esc(label)}</text>')
    markers = []
    for j, point in zip(np.flatnonzero(placed).tolist(), site_view, strict=True):
        sid = order[j]
        share = (point.x - _PAD) / max(width - 2 * _PAD, 1.0)
        anchor = "start" if share < 0.2 else "end" if share > 0.8 else "middle"
        dx = {"start": -6, "end": 6, "middle": 0}[anchor]
        over = " over" if school_info[j]["over"] else ""
        markers.append(
            f'<g class="site{over}" data-s="{j}" data-x="{point.x:.1f}" data-y="{point.y:.1f}" '
            f'transform="translate({point.x:.1f} {point.y:.1f})">'
            f'<path d="M0,-10L9,6L-9,6Z" fill="{colours[sid]}"/>'
            f'<text class="sl" x="{dx}" y="-14" text-anchor="{anchor}">{_esc(names[sid])}</text></g>')

    legend = []
    for j, sid in enumerate(order):
        key = "school_entry_over" if school_info[j]["over"] else "school_entry"
        # the entry's figures only: the name is printed in bold above them
        text = map_text(key, lang, **{**legend_fields(layers, sid, lang), "name": ""}).split("\n", 1)[1]
        over = " over" if school_info[j]["over"] else ""
        legend.append(f'<li class="school{over}" data-school="{_esc(sid)}" data-s="{j}">'
                      f'<span class="swatch" style="background:{colours[sid]}"></span>'
                      f'<span><b>{_esc(names[sid])}</b><br><small>{_esc(text)}</small></span></li>')
    symbols = [f'<li><svg class="sym" viewBox="-10 -11 20 18"><path d="M0,-10L9,6L-9,6Z" fill="#bbb" '
               f'stroke="#000" stroke-width="1.2"/></svg><span>{_esc(map_text("school_marker", lang))}</span></li>']
    if layers.over.any():
        symbols.append(f'<li><svg class="sym" viewBox="-10 -11 20 18"><path d="M0,-10L9,6L-9,6Z" '
                       f'fill="#bbb" stroke="#c00000" stroke-width="2.4"/></svg>'
                       f'<span>{_esc(map_text("school_over", lang))}</span></li>')
    if hatches:
        symbols.append(f'<li><svg class="sym" viewBox="0 0 20 16"><rect width="20" height="16" '
                       f'fill="url(#hatch)" stroke="#333"/></svg><span>{_esc(map_text("split", lang))}</span></li>')
    if moved:
        symbols.append(f'<li><svg class="sym" viewBox="0 0 20 16"><rect x="1" y="1" width="18" height="14" '
                       f'fill="none" stroke="#111" stroke-width="1.6" stroke-dasharray="4 2.5"/></svg>'
                       f'<span>{_esc(map_text("changed", lang))}</span></li>')

    bar_m = nice_length(VIEW_SIZE / scale, 0.15)
    data = {"quarters": quarter_info, "schools": school_info, "unitsPerMetre": scale,
            "decimal": "," if lang == "vi" else ".", "group": "." if lang == "vi" else ","}
    # the result's notes (over capacity this year, time limit, quarters beyond the maximum
    # distance) in the page's language, after the map's own lines and the caller's notes
    footer = [*note_lines(result, year, lang, notes), *result_notes(result, year, lang)]
    return _PAGE.format(
        lang=lang, title=_esc(heading), place=f'<p class="place">{_esc(place)}</p>' if place else "",
        help=_esc(map_text("web_help", lang)), reset=_esc(map_text("web_reset", lang)),
        width=f"{width:.1f}", height=f"{height:.1f}",
        quarters="\n".join(paths), hatches="".join(hatches), moved="".join(moved),
        outline=f'<path id="outline" d="{_path_data(outline)}"/>', labels="\n".join(labels),
        sites="\n".join(markers), legend_title=_esc(map_text("legend_title", lang)),
        legend="\n".join(legend), symbols="\n".join(symbols),
        north=_esc(map_text("north", lang)), bar_px=f"{bar_m * scale:.1f}", bar_text=_esc(length_text(bar_m, lang)),
        notes="".join(f"<li>{_esc(line)}</li>" for line in footer),
        data=_script_json(data), script=_SCRIPT,
    )


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
* {{ box-sizing: border-box; }}
html, body {{ margin: 0; height: 100%; }}
body {{ font-family: "DejaVu Sans", "Segoe UI", "Noto Sans", Roboto, Arial, sans-serif; color: #1a1a1a;
  display: grid; grid-template-rows: auto 1fr auto; background: #fafafa; }}
header {{ padding: 10px 16px 6px; border-bottom: 1px solid #ddd; background: #fff; }}
h1 {{ font-size: 19px; margin: 0; }}
.place {{ margin: 2px 0 0; font-size: 15px; font-weight: bold; color: #333; }}
.help {{ margin: 4px 0 0; font-size: 12px; color: #555; }}
main {{ display: flex; min-height: 0; }}
#mapbox {{ position: relative; flex: 1; min-width: 0; background: #fff; overflow: hidden; }}
#map {{ width: 100%; height: 100%; display: block; cursor: grab; touch-action: none; user-select: none; }}
#map.dragging {{ cursor: grabbing; }}
.q {{ stroke: #fff; stroke-width: 0.8; fill-opacity: 0.85; vector-effect: non-scaling-stroke; }}
.q:hover {{ fill-opacity: 1; }}
#hl {{ fill: none; stroke: #000; stroke-width: 2.5; vector-effect: non-scaling-stroke; pointer-events: none; }}
#map.focus .q.dim {{ fill-opacity: 0.18; }}
#hatches path {{ fill: url(#hatch); pointer-events: none; }}
#moved path {{ fill: none; stroke: #111; stroke-width: 1.6; stroke-dasharray: 6 4; vector-effect: non-scaling-stroke;
  pointer-events: none; }}
#outline {{ fill: none; stroke: #222; stroke-width: 1.6; vector-effect: non-scaling-stroke; pointer-events: none; }}
text {{ paint-order: stroke; stroke: #fff; stroke-linejoin: round; }}
.ql {{ font-size: 11px; stroke-width: 3px; text-anchor: middle; dominant-baseline: central; pointer-events: none; }}
.site {{ cursor: pointer; }}
.site path {{ stroke: #000; stroke-width: 1.2; }}
.site.over path {{ stroke: #c00000; stroke-width: 2.6; }}
.sl {{ font-size: 12.5px; font-weight: bold; stroke-width: 3.5px; }}
.site:hover path {{ stroke-width: 2.6; }}
#north {{ position: absolute; top: 10px; right: 14px; text-align: center; font-weight: bold; font-size: 15px;
  pointer-events: none; }}
#scale {{ position: absolute; left: 18px; bottom: 12px; font-size: 12px; pointer-events: none; }}
#scale .bar {{ height: 6px; border: 1px solid #000;
  background: repeating-linear-gradient(90deg, #000 0 25%, #fff 25% 50%); }}
#scale .ticks {{ position: relative; height: 15px; }}
#scale .ticks span {{ position: absolute; top: 1px; transform: translateX(-50%); white-space: nowrap;
  text-shadow: 0 0 3px #fff; }}
#scale .ticks span:last-child {{ left: 100%; }}
#reset {{ position: absolute; left: 14px; top: 10px; font: inherit; font-size: 12px; padding: 3px 8px;
  background: #fff; border: 1px solid #999; border-radius: 3px; cursor: pointer; }}
aside {{ width: 340px; overflow-y: auto; padding: 10px 14px; border-left: 1px solid #ddd; background: #fff; }}
aside h2 {{ font-size: 14px; margin: 0 0 8px; }}
aside ul {{ list-style: none; margin: 0 0 12px; padding: 0; }}
aside li {{ display: flex; gap: 8px; align-items: flex-start; font-size: 12.5px; padding: 4px 2px; }}
aside li.school {{ cursor: pointer; border-radius: 3px; }}
aside li.school:hover {{ background: #f0f0f0; }}
aside li.over small {{ color: #c00000; }}
.swatch {{ flex: none; width: 18px; height: 18px; margin-top: 2px; border: 1px solid #fff; outline: 1px solid #bbb; }}
.sym {{ flex: none; width: 20px; height: 16px; }}
footer {{ padding: 6px 16px 8px; border-top: 1px solid #ddd; font-size: 11.5px; color: #444; background: #fff; }}
footer ul {{ margin: 0; padding-left: 16px; }}
#tip {{ position: fixed; display: none; z-index: 10; max-width: 360px; padding: 7px 10px; background: #fff;
  border: 1px solid #888; border-radius: 4px; box-shadow: 0 2px 8px rgba(0,0,0,.25); font-size: 12.5px;
  pointer-events: none; }}
#tip b {{ display: block; margin-bottom: 4px; font-size: 13.5px; }}
#tip table {{ border-collapse: collapse; }}
#tip td {{ padding: 1px 8px 1px 0; vertical-align: top; }}
#tip td:first-child {{ color: #555; white-space: nowrap; }}
#tip.over b {{ color: #c00000; }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
{place}
<p class="help">{help}</p>
</header>
<main>
<div id="mapbox">
<svg id="map" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{title}">
<defs><pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
<line x1="0" y1="0" x2="0" y2="6" stroke="#333" stroke-width="1"/></pattern></defs>
<g id="view">
<g id="quarters">
{quarters}
</g>
<g id="hatches">{hatches}</g>
<g id="moved">{moved}</g>
{outline}
<path id="hl" d=""/>
</g>
<g id="overlay">
{labels}
{sites}
</g>
</svg>
<button id="reset" type="button">{reset}</button>
<div id="north"><svg width="18" height="22" viewBox="0 0 18 22"><path d="M9,0L17,22L9,16L1,22Z" fill="#000"/></svg>
<div>{north}</div></div>
<div id="scale"><div id="scale-bar" style="width:{bar_px}px"><div class="bar"></div><div class="ticks"><span>0</span><span id="scale-text">{bar_text}</span></div></div></div>
</div>
<aside>
<h2>{legend_title}</h2>
<ul id="legend">
{legend}
</ul>
<ul>
{symbols}
</ul>
</aside>
</main>
<footer><ul>{notes}</ul></footer>
<div id="tip"></div>
<script type="application/json" id="zones-data">{data}</script>
<script>
{script}
</script>
</body>
</html>
"""

_SCRIPT = """(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("zones-data").textContent);
  var svg = document.getElementById("map"), view = document.getElementById("view");
  var overlay = Array.prototype.slice.call(document.querySelectorAll("#overlay [data-x]"));
  var quarterPaths = Array.prototype.slice.call(document.querySelectorAll("#quarters .q"));
  var tip = document.getElementById("tip"), hl = document.getElementById("hl"), pinned = null;
  var k = 1, tx = 0, ty = 0;

  function unitPx() { var m = svg.getScreenCTM(); return m ? m.a : 1; }
  function apply() {
    view.setAttribute("transform", "translate(" + tx + " " + ty + ") scale(" + k + ")");
    var u = 1 / unitPx();
    overlay.forEach(function (el) {
      var x = +el.dataset.x * k + tx, y = +el.dataset.y * k + ty;
      el.setAttribute("transform", "translate(" + x + " " + y + ") scale(" + u + ")");
    });
    scaleBar();
  }
  function formatNumber(v, decimals) {
    var parts = v.toFixed(decimals).split(".");
    parts[0] = parts[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g, data.group);
    return parts.join(data.decimal);
  }
  function scaleBar() {
    var pxPerMetre = unitPx() * k * data.unitsPerMetre, target = 120 / pxPerMetre;
    var power = Math.pow(10, Math.floor(Math.log10(target))), metres = power;
    [1, 2, 5].forEach(function (s) { if (s * power <= target) { metres = s * power; } });
    document.getElementById("scale-bar").style.width = (metres * pxPerMetre).toFixed(1) + "px";
    document.getElementById("scale-text").textContent = metres >= 1000
      ? formatNumber(metres / 1000, metres % 1000 ? 1 : 0) + " km" : formatNumber(metres, 0) + " m";
  }
  function svgPoint(e) {
    var p = svg.createSVGPoint(); p.x = e.clientX; p.y = e.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  function showTip(item, e, over) {
    tip.textContent = "";
    var head = document.createElement("b"); head.textContent = item.name; tip.appendChild(head);
    var table = document.createElement("table");
    item.rows.forEach(function (r) {
      var tr = table.insertRow(); tr.insertCell().textContent = r[0]; tr.insertCell().textContent = r[1];
    });
    tip.appendChild(table);
    tip.className = over ? "over" : "";
    tip.style.display = "block";
    moveTip(e);
  }
  function moveTip(e) {
    var x = e.clientX + 14, y = e.clientY + 14, w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 4) { x = e.clientX - w - 14; }
    if (y + h > window.innerHeight - 4) { y = e.clientY - h - 14; }
    tip.style.left = Math.max(4, x) + "px"; tip.style.top = Math.max(4, y) + "px";
  }
  function target(e) {
    var el = e.target.closest ? e.target.closest(".q, .site") : null;
    if (!el) { return null; }
    return el.classList.contains("q") ? {el: el, item: data.quarters[+el.dataset.k], over: false}
      : {el: el, item: data.schools[+el.dataset.s], over: data.schools[+el.dataset.s].over};
  }
  function focusSchool(sid) {
    svg.classList.toggle("focus", sid !== null);
    quarterPaths.forEach(function (p) { p.classList.toggle("dim", sid !== null && p.dataset.school !== sid); });
  }

  function outline(el) { hl.setAttribute("d", el && el.classList.contains("q") ? el.getAttribute("d") : ""); }
  svg.addEventListener("pointerover", function (e) {
    var t = target(e); if (t && !pinned) { showTip(t.item, e, t.over); outline(t.el); }
  });
  svg.addEventListener("pointerout", function (e) {
    if (target(e) && !pinned) { tip.style.display = "none"; outline(null); }
  });
  var drag = null;
  svg.addEventListener("pointerdown", function (e) {
    drag = {x: e.clientX, y: e.clientY, tx: tx, ty: ty, moved: false};
  });
  window.addEventListener("pointermove", function (e) {
    if (drag) {
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) > 4) { drag.moved = true; svg.classList.add("dragging"); }
      if (drag.moved) { tx = drag.tx + dx / unitPx(); ty = drag.ty + dy / unitPx(); apply(); return; }
    }
    if (!pinned && tip.style.display === "block") { moveTip(e); }
  });
  window.addEventListener("pointerup", function (e) {
    if (drag && !drag.moved && svg.contains(e.target)) {
      var t = target(e);
      pinned = t && t.el !== pinned ? t.el : null;
      outline(pinned);
      if (pinned) { showTip(t.item, e, t.over); } else { tip.style.display = "none"; }
    }
    drag = null; svg.classList.remove("dragging");
  });
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = svgPoint(e), nk = Math.min(60, Math.max(0.5, k * Math.exp(-e.deltaY * 0.0015)));
    tx = p.x - (p.x - tx) * nk / k; ty = p.y - (p.y - ty) * nk / k; k = nk;
    apply();
  }, {passive: false});
  document.getElementById("reset").addEventListener("click", function () { k = 1; tx = 0; ty = 0; apply(); });
  Array.prototype.forEach.call(document.querySelectorAll("#legend li.school"), function (li) {
    li.addEventListener("mouseenter", function () { focusSchool(li.dataset.school); });
    li.addEventListener("mouseleave", function () { focusSchool(null); });
  });
  window.addEventListener("resize", apply);
  apply();
})();"""
