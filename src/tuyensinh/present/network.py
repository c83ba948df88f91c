"""Writing the school-network plan: CSV tables, an Excel workbook, a map and a report section.

`write_network(outcome, folder, lang)` writes, atomically, into `folder`:
- network_sites.csv (each candidate site: opened, opening school year, rooms, cost),
  network_zones.csv (each year's quarter → school with kind and ward), network_load.csv,
  network_summary.csv (per level and year), network_curve.csv (sites → pupil-metres, pupils
  over capacity), network_conflicts.csv, network_closures.csv, network_closure_trips.csv;
- network.xlsx: the same tables, one sheet each, with headers in `lang`;
- network_map.png: the zones of the last school year, new sites, changed quarters;
- network.html: the report section in `lang` (Vietnamese by default).
The outcome comes from `tuyensinh.plan.network.compute_network`; nothing is computed here.
"""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

import pandas as pd

from tuyensinh.present.outputs import write_bytes_atomic, write_csv_atomic, write_text_atomic
from tuyensinh.words.core import number, pick
from tuyensinh.words.labels import level_name
from tuyensinh.words.network import CONFLICT_REASONS, KIND_NAMES, say

__all__ = ["write_network", "report_section", "network_lines", "network_map", "add_to_report", "FILES"]

FILES = (
    "network_sites.csv",
    "network_zones.csv",
    "network_load.csv",
    "network_summary.csv",
    "network_curve.csv",
    "network_conflicts.csv",
    "network_closures.csv",
    "network_closure_trips.csv",
    "network.xlsx",
    "network_map.png",
    "network.html",
)


def _num(value: float, lang: str, digits: int = 0) -> str:
    return number(value, lang, digits)


def _km(metres: float, lang: str) -> str:
    return _num(metres / 1000.0, lang)


def _parts_line(plan: Any, lang: str) -> list[str]:
    """When the plan is not proven: how many of its level-year zonings (its sites fixed) were
    proven (`zoning.network_strategy`'s `steps["parts_detail"]`), so the planner sees whether
    the gap left is the choice of sites or the zoning too. Nothing when the plan is proven, was
    not split into parts, or is not step 4's (the MIP after it moved it)."""
    steps = plan.steps
    detail = steps.get("parts_detail") if plan.status != "optimal" else None
    parts_objective, objective = steps.get("parts_objective"), plan.objective
    if not detail or parts_objective is None or objective is None:
        return []
    if abs(objective - parts_objective) > 1e-6 * max(abs(objective), 1.0):
        return []
    proven = sum(d["status"] == "optimal" for d in detail)
    rest = say("parts.rest_sites" if proven == len(detail) else "parts.rest_both", lang)
    return [say("summary.parts", lang, proven=proven, parts=len(detail), rest=rest)]


def network_lines(outcome: Any, lang: str = "vi") -> list[str]:
    """What `tuyensinh network` prints after the files: the sites, the solver, conflicts, closures."""
    plan, without = outcome.plan, outcome.without_sites
    last = outcome.school_years[-1]
    lines = [
        say(
            "summary.sites",
            lang,
            n=int(plan.sites["opened"].sum()),
            cost=_num(plan.cost / 1e9, lang, 1),
            saving=_km(without.pupil_metres - plan.pupil_metres, lang) if plan.values is not None else "—",
            over=_num(plan.overflow_pupils, lang, 1),
        )
    ]
    for row in plan.opened.itertuples():
        lines.append(
            say(
                "site.line",
                lang,
                name=row.name,
                site=row.site_id,
                level=level_name(row.level, lang, short=True),
                rooms=int(row.rooms),
                year=row.opens,
                cost=_num(row.cost / 1e9, lang, 1),
                pupils=_num(row.pupils_last_year, lang),
                last=last,
            )
        )
    gap = "—" if plan.gap is None else f"{_num(100 * plan.gap, lang, 2)}%"
    lines.append(
        say(
            "summary.status",
            lang,
            status=say(f"status.{plan.status}", lang),
            gap=gap,
            seconds=_num(plan.seconds, lang, 1),
        )
    )
    lines.extend(_parts_line(plan, lang))
    for row in plan.conflicts.itertuples():
        lines.append(
            say(
                "conflict.line",
                lang,
                constraint=row.constraint,
                level=row.level,
                quarter=row.quarter_id or "—",
                school=row.school_id or "—",
                reason=pick(CONFLICT_REASONS.get(row.reason, (row.reason,) * 2), lang),
                action=pick(CONFLICT_REASONS.get(row.action, (row.action,) * 2), lang),
            )
        )
    study = outcome.closures
    if study is not None:
        for row in study.scenarios.itertuples():
            verdict = say("closure.allowed", lang) if row.allowed else say(f"closure.{row.reason}", lang)
            lines.append(
                say(
                    "closure.line",
                    lang,
                    closed=row.closed,
                    host=say("closure.host", lang, host=row.host) if row.host else "",
                    verdict=verdict,
                    before=_km(row.pupil_metres_before, lang),
                    after=_km(row.pupil_metres_after, lang),
                    longer=row.quarters_longer,
                    increase=_num(row.max_increase_m, lang),
                    refused=say("closure.refused", lang, quarters=row.refused_quarters) if row.refused_quarters else "",
                )
            )
        lines.append(
            say("closure.best", lang, schools=", ".join(study.best)) if study.best else say("closure.none", lang)
        )
    return lines


def _table_html(frame: pd.DataFrame, headers: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_section(outcome: Any, lang: str = "vi") -> str:
    """The report section (an HTML fragment) in `lang`."""
    plan = outcome.plan
    parts = [
        f"<section class='network'><h2>{html.escape(say('report.title', lang))}</h2>",
        f"<p>{html.escape(network_lines(outcome, lang)[0])}</p>",
        f"<h3>{html.escape(say('report.sites', lang))}</h3>",
    ]
    opened = plan.opened
    if opened.empty:
        parts.append(f"<p>{html.escape(say('report.no_sites', lang))}</p>")
    else:
        shown = pd.DataFrame(
            {
                "a": opened["name"],
                "b": [level_name(lv, lang, short=True) for lv in opened["level"]],
                "c": opened["opens"],
                "d": opened["rooms"].astype(int),
                "e": [_num(c / 1e9, lang, 1) for c in opened["cost"]],
                "f": [_num(p, lang) for p in opened["pupils_last_year"]],
            }
        )
        parts.append(
            _table_html(shown, [say(f"col.{k}", lang) for k in ("site", "level", "opens", "rooms", "cost", "pupils")])
        )
    if not outcome.curve.empty:
        curve = outcome.curve
        shown = pd.DataFrame(
            {
                "a": curve["budget"],
                "b": curve["sites"],
                "c": [_num(c / 1e9, lang, 1) for c in curve["cost"]],
                "d": [_km(v, lang) for v in curve["pupil_metres"]],
                "e": [_num(v, lang, 1) for v in curve["overflow_pupils"]],
            }
        )
        parts += [
            f"<h3>{html.escape(say('report.curve', lang))}</h3>",
            _table_html(shown, [say(f"col.{k}", lang) for k in ("budget", "sites", "cost", "km", "over")]),
        ]
    neighbours = plan.assignment[plan.assignment["kind"] == "neighbour"] if len(plan.assignment) else pd.DataFrame()
    if len(neighbours):
        shown = neighbours.groupby(["school_year", "school_id", "ward"], as_index=False)["pupils"].sum()
        shown["pupils"] = [_num(p, lang) for p in shown["pupils"]]
        parts += [
            f"<h3>{html.escape(say('report.neighbours', lang))}</h3>",
            _table_html(
                shown, [say("col.opens", lang), say("col.school", lang), say("col.ward", lang), say("col.pupils", lang)]
            ),
        ]
    if outcome.closures is not None:
        lines = network_lines(outcome, lang)
        closure_lines = [
            line for line in lines if line.startswith(("  −", "  Phương án", "  Best", "  Không", "  No "))
        ]
        parts += [f"<h3>{html.escape(say('report.closures', lang))}</h3><ul>"]
        parts += [f"<li>{html.escape(line.strip(' −'))}</li>" for line in closure_lines]
        parts.append("</ul>")
    if len(plan.conflicts):
        lines = [line for line in network_lines(outcome, lang) if line.startswith("  !")]
        parts += [f"<h3>{html.escape(say('report.conflicts', lang))}</h3><ul>"]
        parts += [f"<li>{html.escape(line.strip(' !'))}</li>" for line in lines]
        parts.append("</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def _map_png(outcome: Any, lang: str) -> bytes:
    buffer = io.BytesIO()
    network_map(outcome, lang).savefig(buffer, format="png", dpi=200, bbox_inches="tight")
    return buffer.getvalue()


def network_map(outcome: Any, lang: str) -> Any:
    """The map of network_map.png: the last school year's zones of one level (primary when
    planned), the quarters that change school outlined in red, existing schools, new sites
    and neighbour schools; the legend in one row below the map. A matplotlib Figure."""
    from matplotlib.figure import Figure

    ward, plan, without = outcome.ward, outcome.plan, outcome.without_sites
    year = outcome.school_years[-1]
    quarters = ward.quarters_projected()
    fig = Figure(figsize=(8.3, 8.3))
    ax = fig.add_subplot(1, 1, 1)
    ax.set_axis_off()
    if len(plan.assignment):
        level = "tieu_hoc" if "tieu_hoc" in set(plan.assignment["level"]) else str(plan.assignment["level"].iloc[0])
        after = plan.trips(year)
        after = after[after["level"] == level].set_index("quarter_id")["school_id"]
        before = without.trips(year) if len(without.assignment) else after.to_frame("school_id")
        before = before[before["level"] == level].set_index("quarter_id")["school_id"] if "level" in before else after
        codes = {s: k for k, s in enumerate(sorted(set(after)))}
        colour = quarters["quarter_id"].map(after).map(codes)
        quarters.assign(code=colour).plot(ax=ax, column="code", cmap="tab20", edgecolor="white", linewidth=0.6)
        changed = quarters[quarters["quarter_id"].map(after) != quarters["quarter_id"].map(before)]
        if len(changed):
            changed.boundary.plot(ax=ax, color="red", linewidth=1.6, label=say("map.changed", lang))
    points = network_sites_frame(outcome)
    for kind, marker, size, face in (
        ("existing", "^", 70, "black"),
        ("unused", "o", 40, "none"),
        ("new", "*", 220, "gold"),
        ("neighbour", "s", 60, "grey"),
    ):
        sub = points[points["kind"] == kind]
        if len(sub):
            xy = sub.to_crs(ward.crs)
            ax.scatter(
                xy.geometry.x,
                xy.geometry.y,
                marker=marker,
                s=size,
                c=face,
                edgecolors="black",
                zorder=5,
                label=say(f"map.{kind}", lang),
            )
    # below the map, never over a quarter (a corner of the axes may hold part of the ward)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.01),
            ncols=len(handles),
            fontsize=8,
            frameon=False,
        )
    ax.set_title(say("map.title", lang, place=ward.name, year=f"{year}–{year + 1}"), fontsize=11)
    return fig


def network_sites_frame(outcome: Any) -> Any:
    """Existing schools, new sites (opened or not) and neighbour schools as points (EPSG:4326)."""
    import geopandas as gpd

    rows = [
        {"id": r.school_id, "kind": "existing", "lon": r.lon, "lat": r.lat} for r in outcome.ward.schools.itertuples()
    ]
    tables = outcome.tables
    opened = set(outcome.plan.opened["site_id"]) if len(outcome.plan.sites) else set()
    if tables.candidates is not None:
        for r in tables.candidates.drop_duplicates("site_id").itertuples():
            rows.append(
                {"id": r.site_id, "kind": "new" if r.site_id in opened else "unused", "lon": r.lon, "lat": r.lat}
            )
    if tables.neighbours is not None:
        for r in tables.neighbours.drop_duplicates("school_id").itertuples():
            rows.append({"id": r.school_id, "kind": "neighbour", "lon": r.lon, "lat": r.lat})
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")


def write_network(outcome: Any, folder: str | Path, lang: str = "vi") -> list[str]:
    """Write every network output into `folder` (see the module docstring); returns the names."""
    folder = Path(folder)
    plan, study = outcome.plan, outcome.closures
    tables = {
        "network_sites.csv": plan.sites,
        "network_zones.csv": plan.assignment,
        "network_load.csv": plan.load,
        "network_summary.csv": plan.summary,
        "network_curve.csv": outcome.curve,
        "network_conflicts.csv": plan.conflicts,
        "network_closures.csv": study.scenarios if study is not None else pd.DataFrame(),
        "network_closure_trips.csv": study.trips if study is not None else pd.DataFrame(),
    }
    for name, frame in tables.items():
        write_csv_atomic(frame, folder / name)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tables.items():
            sheet = name.removeprefix("network_").removesuffix(".csv")[:31]
            shown = frame.copy()
            if "kind" in shown.columns:
                shown["kind"] = [pick(KIND_NAMES.get(k, (k, k)), lang) for k in shown["kind"]]
            shown.to_excel(writer, sheet_name=sheet, index=False)
    write_bytes_atomic(folder / "network.xlsx", buffer.getvalue())
    write_bytes_atomic(folder / "network_map.png", _map_png(outcome, lang))
    page = (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>"
        f"{html.escape(say('report.title', lang))}</title><style>body{{font-family:sans-serif;max-width:60em;"
        f"margin:2em auto}}table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:2px 6px}}"
        f"</style></head><body>{report_section(outcome, lang)}<p><img src='network_map.png' width='100%'></p>"
        f"</body></html>"
    )
    write_text_atomic(folder / "network.html", page)
    return list(FILES)


def add_to_report(report: str | Path, outcome: Any, lang: str = "vi", image: str = "network/network_map.png") -> None:
    """Insert the network section (with its map, `image` relative to the report) into an
    existing report page, before its methods appendix or its footer (or at the end of its body)."""
    path = Path(report)
    page = path.read_text(encoding="utf-8")
    section = report_section(outcome, lang).replace(
        "</section>", f"<p><img src='{html.escape(image)}' style='max-width:100%'></p></section>", 1
    )
    marker = next(m for m in ('<section class="appendix"', "<footer>", "</body>") if m in page)
    write_text_atomic(path, page.replace(marker, section + "\n" + marker, 1))
