"""province_report.html and province_map.png: the province roll-up as one page to read and print.

The page is self-contained (inline CSS, the map embedded as a base64 PNG, nothing fetched):
a headline, the map of rooms short per 1,000 pupils, the province totals per level × school
year, one table per level with a row per ward, and the wards with data problems. The map draws
each ward's outline (the union of its quarters, from the ward folder) coloured by its rooms
short per 1,000 pupils in its worst school year (most rooms short), all levels together;
wards with data problems are grey and hatched.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from tuyensinh.province.bridge import level_name, school_year_label
from tuyensinh.province.rollup import LEVELS, Rollup, level_table
from tuyensinh.province.rollup_columns import (
    ACCURACY_CELLS,
    level_headings,
    total_cells,
    totals_cells,
    totals_headings,
    ward_cells,
)
from tuyensinh.province.worker import WardOutcome
from tuyensinh.words.core import number
from tuyensinh.words.province import say

__all__ = ["fmt", "province_map_png", "rollup_page"]


def fmt(value: Any, lang: str = "vi", decimals: int = 0) -> str:
    """A number as the planner reads it: '3.237' / '12,5' in Vietnamese, '3,237' / '12.5' in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if not isinstance(value, (int, float)):
        return str(value)
    return number(value, lang, decimals)


def _outlines(outcomes: Sequence[WardOutcome]) -> Any:
    """One outline per ward (GeoDataFrame `ward, geometry`, EPSG:4326) from quarters.geojson."""
    import geopandas as gpd

    rows, geoms = [], []
    for o in outcomes:
        path = Path(o.folder) / "quarters.geojson"
        if not path.is_file():
            continue
        try:
            quarters = gpd.read_file(path)
            quarters = quarters.set_crs("EPSG:4326") if quarters.crs is None else quarters.to_crs("EPSG:4326")
            geoms.append(quarters.geometry.union_all())
            rows.append(o.name)
        except Exception:
            continue
    return gpd.GeoDataFrame({"ward": rows}, geometry=geoms, crs="EPSG:4326")


def province_map_png(rollup: Rollup, outcomes: Sequence[WardOutcome], dpi: int = 150) -> bytes:
    """The province map coloured by rooms short per 1,000 pupils (PNG bytes)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch

    lang = rollup.lang
    outlines = _outlines(outcomes)
    fig, ax = plt.subplots(figsize=(9, 9))
    try:
        if len(outlines):
            crs = outlines.estimate_utm_crs()
            shapes = outlines.to_crs(crs).merge(
                rollup.status[["ward", "status", "rooms_short_per_1000"]], on="ward", how="left"
            )
            ok = shapes["status"].isin(["planned", "unchanged"])
            values = shapes.loc[ok, "rooms_short_per_1000"].fillna(0.0)
            top = max(float(values.max()) if len(values) else 0.0, 1.0)
            norm = Normalize(vmin=0.0, vmax=top)
            if ok.any():
                shapes[ok].assign(value=values).plot(
                    column="value", cmap="OrRd", norm=norm, ax=ax, edgecolor="#555555", linewidth=0.4
                )
            if (~ok).any():
                shapes[~ok].plot(ax=ax, color="#d9d9d9", hatch="///", edgecolor="#555555", linewidth=0.4)
                ax.legend(
                    handles=[
                        Patch(facecolor="#d9d9d9", hatch="///", edgecolor="#555555", label=say("map_failed", lang))
                    ],
                    loc="lower left",
                    fontsize=9,
                )
            mappable = plt.cm.ScalarMappable(norm=norm, cmap="OrRd")
            bar = fig.colorbar(mappable, ax=ax, shrink=0.6, pad=0.02)
            bar.set_label(say("map_legend", lang))
            if len(shapes) <= 30:
                names = rollup.status.set_index("ward")["name"]
                for _, s in shapes.iterrows():
                    point = s.geometry.representative_point()
                    ax.annotate(
                        str(names.get(s["ward"], s["ward"])), (point.x, point.y), ha="center", va="center", fontsize=7
                    )
        year = rollup.school_years[-1] if rollup.school_years else None
        ax.set_title(say("map_title", lang, year=school_year_label(year, lang) if year else "—"), fontsize=12)
        ax.set_axis_off()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(fig)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], classes: Sequence[str] = ()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        css = f' class="{classes[i]}"' if i < len(classes) and classes[i] else ""
        body.append(f"<tr{css}>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cells(cells: Sequence[Any], lang: str, blank: str = "–") -> list[str]:
    """Cells of `rollup_columns` as text: numbers formatted, the accuracies with one decimal
    (the last `ACCURACY_CELLS` of a level's row), None as `blank`."""
    accuracy_from = len(cells) - ACCURACY_CELLS
    return [blank if c is None else fmt(c, lang, 1 if i >= accuracy_from else 0) for i, c in enumerate(cells)]


def _totals_table(rollup: Rollup) -> str:
    lang = rollup.lang
    rows = [[fmt(c, lang) for c in totals_cells(t, rollup)] for _, t in rollup.totals.iterrows()]
    classes = ["total" if level == "all" else "" for level in rollup.totals["level"]]
    return _table(totals_headings(lang), rows, classes)


def _level_table(rollup: Rollup, level: str) -> str:
    lang = rollup.lang
    table = level_table(rollup, level)
    planned = [w for w in table.rows if w.ok]  # a failed ward is listed under the problems
    rows = [[str(w.name), *_cells(ward_cells(w, table, lang), lang)] for w in planned]
    classes = ["short" if pd.notna(w.first_short_year) else "" for w in planned]
    if table.has_total:
        rows.append([say("total", lang), *_cells(total_cells(table, lang), lang, blank="")])
        classes.append("total")
    return _table([say("ward", lang), *level_headings(table, lang)], rows, classes)


def _problems(rollup: Rollup) -> str:
    lang = rollup.lang
    failed = rollup.status[~rollup.status["status"].isin(["planned", "unchanged"])]
    if failed.empty:
        return f"<p>{html.escape(say('no_problems', lang))}</p>"
    column = "problems_en" if lang == "en" else "problems"
    parts = []
    for _, s in failed.iterrows():
        items = "".join(f"<li>{html.escape(p)}</li>" for p in str(s[column]).split("\n") if p)
        parts.append(
            f"<h3>{html.escape(str(s['name']))} ({html.escape(str(s['code']))}) — "
            f"{html.escape(say('status.' + s['status'], lang))}</h3><ul>{items}</ul>"
        )
    return "".join(parts)


_CSS = """
body{font-family:"Times New Roman",serif;margin:2em auto;max-width:1200px;color:#111}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #999}h3{font-size:1em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{border:1px solid #777;padding:2px 6px}
th{background:#dce6f1}td{text-align:right}td:first-child{text-align:left}tr.total td{font-weight:bold;background:#f2f2f2}
tr.short td:first-child{color:#a00}.note{font-size:.85em;font-style:italic}img{max-width:100%}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table{page-break-inside:auto}}
"""


def rollup_page(rollup: Rollup, map_png: bytes) -> str:
    """The self-contained HTML page of the roll-up."""
    lang = rollup.lang
    province = rollup.province.get("name", "")
    title = say("page_title", lang, province=province)
    status = rollup.status["status"]
    counts = say(
        "counts",
        lang,
        planned=int(status.isin(["planned", "unchanged"]).sum()),
        unchanged=int((status == "unchanged").sum()),
        failed=int((~status.isin(["planned", "unchanged"])).sum()),
        total=len(status),
    )
    headline = ""
    whole = rollup.totals[rollup.totals["level"] == "all"]
    if len(whole):
        worst = whole.sort_values(["rooms_short", "school_year"], ascending=[False, True]).iloc[0]
        year = int(worst["school_year"])
        if worst["rooms_short"] > 0:
            short_wards = rollup.levels[(rollup.levels["school_year"] == year) & (rollup.levels["rooms_short"] > 0)]
            headline = say(
                "headline_short",
                lang,
                year=school_year_label(year, lang),
                rooms=fmt(float(worst["rooms_short"]), lang),
                wards=short_wards["ward"].nunique(),
            )
        else:
            headline = say("headline_none", lang, year=school_year_label(int(whole["school_year"].max()), lang))
    notes = []
    if not rollup.has_teachers:
        notes.append(say("not_available_note", lang, what=say("teachers_short", lang)))
    if not rollup.has_cost:
        notes.append(say("not_available_note", lang, what=say("build_cost", lang)))
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(counts)}</p>",
        f"<p><strong>{html.escape(headline)}</strong></p>" if headline else "",
        "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes),
        f"<h2>{html.escape(say('section_map', lang))}</h2>",
        f'<img alt="map" src="data:image/png;base64,{base64.b64encode(map_png).decode()}">',
        f"<h2>{html.escape(say('section_totals', lang))}</h2>",
        _totals_table(rollup),
    ]
    for level in LEVELS:
        if (rollup.levels["level"] == level).any():
            sections.append(f"<h2>{html.escape(say('section_level', lang, level=level_name(level, lang)))}</h2>")
            sections.append(_level_table(rollup, level))
            sections.append(f'<p class="note">{html.escape(say("accuracy_note", lang))}</p>')
    sections += [
        f"<h2>{html.escape(say('section_problems', lang))}</h2>",
        _problems(rollup),
        f'<p class="note">{html.escape(say("generated", lang))}</p>',
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(s for s in sections if s)
        + "</body></html>\n"
    )
