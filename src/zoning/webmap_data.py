"""What the interactive zoning map shows for one school year: tooltip rows per quarter and per
school, the legend entries, the title and the notes — the data half of `zoning.webmap`."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

from zoning.labels import map_text, number, percent
from zoning.mapdata import ZoneLayers, legend_fields, map_title, note_lines, result_notes
from zoning.result import ZoningResult

__all__ = ["esc", "quarter_info", "school_info", "legend_items", "year_record"]


def esc(text: object) -> str:
    """HTML-escaped text (quotes too: safe in attributes)."""
    return html.escape(str(text), quote=True)


def _changed_text(values: pd.Series, lang: str) -> str:
    if values.isna().all():
        return map_text("web_no_current", lang)
    return map_text("web_yes" if values.fillna(False).astype(bool).any() else "web_no", lang)


def quarter_info(layers: ZoneLayers, names: dict[str, str], lang: str) -> list[dict]:
    """Tooltip data per drawn quarter: id, name, pupils, and labelled rows."""
    by_quarter = {qid: grp for qid, grp in layers.rows.groupby("quarter_id", sort=False)}  # noqa: C416 - dict() would take GroupBy.keys for a mapping
    info = []
    for qid, label in zip(layers.area["quarter_id"], layers.area["label"], strict=True):
        rows = by_quarter.get(qid)
        heading = label if label == qid else f"{label} ({qid})"
        if rows is None:
            info.append(
                {
                    "id": qid,
                    "name": heading,
                    "pupils": None,
                    "rows": [[map_text("web_school", lang), map_text("web_unassigned", lang)]],
                }
            )
            continue
        rows = rows.sort_values(["share", "school_id"], ascending=[False, True])
        pupils = float(rows["pupils"].sum())
        if len(rows) == 1:
            school = names.get(rows["school_id"].iat[0], rows["school_id"].iat[0])
            distance = f"{number(rows['distance_m'].iat[0], lang)} m"
        else:
            school = "; ".join(
                f"{names.get(s, s)} ({percent(share, lang)})"
                for s, share in zip(rows["school_id"], rows["share"], strict=True)
            )
            distance = "; ".join(f"{number(d, lang)} m" for d in rows["distance_m"])
        info.append(
            {
                "id": qid,
                "name": heading,
                "pupils": round(pupils, 3),
                "schools": rows["school_id"].tolist(),
                "rows": [
                    [map_text("web_school", lang), school],
                    [map_text("web_pupils", lang), number(pupils, lang, 1 if pupils < 10 else 0)],
                    [map_text("web_distance", lang), distance],
                    [map_text("web_changed", lang), _changed_text(rows["changed"], lang)],
                ],
            }
        )
    return info


def school_info(layers: ZoneLayers, lang: str) -> list[dict]:
    """Tooltip data per school of the level: pupils, classes, rooms, use, overflow."""
    info = []
    for sid in layers.order:
        r = layers.load.loc[sid]
        use = "—" if pd.isna(r["utilization"]) else percent(r["utilization"], lang)
        info.append(
            {
                "id": sid,
                "name": str(r["name"]),
                "pupils": float(r["pupils"]),
                "over": bool(layers.over.get(sid, False)),
                "rows": [
                    [map_text("web_pupils", lang), number(r["pupils"], lang)],
                    [map_text("web_classes", lang), str(int(r["classes"]))],
                    [
                        map_text("web_rooms", lang),
                        f"{number(r['rooms_needed'], lang)} / {number(r['rooms_available'], lang)}",
                    ],
                    [map_text("web_utilization", lang), use],
                    [map_text("web_overflow", lang), number(r["overflow_pupils"], lang)],
                    [map_text("web_zone_quarters", lang), str(int(r["zone_quarters"]))],
                ],
            }
        )
    return info


def legend_items(layers: ZoneLayers, schools: list[dict], lang: str) -> list[str]:
    """One <li> per school: swatch, bold name, the entry's figures."""
    items = []
    for j, sid in enumerate(layers.order):
        key = "school_entry_over" if schools[j]["over"] else "school_entry"
        # the entry's figures only: the name is printed in bold above them
        text = map_text(key, lang, **{**legend_fields(layers, sid, lang), "name": ""}).split("\n", 1)[1]
        over = " over" if schools[j]["over"] else ""
        items.append(
            f'<li class="school{over}" data-school="{esc(sid)}" data-s="{j}">'
            f'<span class="swatch" style="background:{layers.colours[sid]}"></span>'
            f"<span><b>{esc(schools[j]['name'])}</b><br><small>{esc(text)}</small></span></li>"
        )
    return items


def year_record(result: ZoningResult, layers: ZoneLayers, lang: str, title: str | None, notes: Sequence[str]) -> dict:
    """Everything the page switches with the school year: title, fills and school per quarter,
    split and moved flags, tooltips, legend and notes (HTML of escaped text)."""
    names = {sid: str(layers.load.loc[sid, "name"]) for sid in layers.order}
    schools = school_info(layers, lang)
    area = layers.area
    # the result's notes (over capacity this year, time limit, quarters beyond the maximum
    # distance) in the page's language, after the map's own lines and the caller's notes
    footer = [*note_lines(result, layers.year, lang, notes), *result_notes(result, layers.year, lang)]
    return {
        "year": layers.year,
        "title": map_title(result, layers.year, lang, title),
        "fills": area["colour"].tolist(),
        "school": ["" if pd.isna(s) else str(s) for s in area["school_id"]],
        "split": area["split"].astype(bool).tolist(),
        "changed": area["changed"].astype(bool).tolist(),
        "quarters": quarter_info(layers, names, lang),
        "schools": schools,
        "legend": "\n".join(legend_items(layers, schools, lang)),
        "notes": "".join(f"<li>{esc(line)}</li>" for line in footer),
    }
