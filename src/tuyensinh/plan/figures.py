"""The charts and maps of a plan (`tuyensinh.plan.types.Plan`), as matplotlib Figures or HTML.

forecast fan charts (forecast.charts), the zoning map of each level for the coming school
year (zoning.maps, zoning.webmap) and the capacity charts (capacity.charts). Nothing is saved
here: `tuyensinh.plan.files` writes them, `tuyensinh.plan.content` puts them in report.html
under the titles given by `forecast_figure_titles` and `capacity_figure_titles`.
"""

from __future__ import annotations

from typing import Any

from capacity.charts import plot_room_shortfall, plot_utilization
from forecast.charts import fan_chart, ward_fan_chart
from tuyensinh.plan.types import Plan
from tuyensinh.words.labels import say, ward_title
from zoning.maps import plot_zones
from zoning.webmap import zones_html

__all__ = [
    "plan_figures",
    "zoning_maps",
    "interactive_maps",
    "forecast_figure_titles",
    "capacity_figure_titles",
]


def _growth_quarters(plan: Plan, count: int = 2) -> list[str]:
    """The quarters whose school-age population (ages 3–14) changes most to the horizon."""
    table = plan.forecast.loc[plan.forecast["age"].between(3, 14)]
    if table.empty:
        return []
    totals = table.groupby(["quarter_id", "year"])["mean"].sum().unstack("year")
    history = plan.ward.population_by_age()
    base = (
        history.loc[(history["year"] == plan.ward.base_year) & history["age"].between(3, 14)]
        .groupby("quarter_id")["count"]
        .sum()
    )
    change = (totals[totals.columns.max()] - base.reindex(totals.index).fillna(0)).abs()
    return change.sort_values(ascending=False, kind="stable").index[:count].astype(str).tolist()


def forecast_figure_titles(plan: Plan) -> dict[str, str]:
    """Fan-chart name → title: "forecast_ward" (the ward) and "forecast_<quarter>" for the two
    quarters whose school-age population changes most."""
    lang, ward = plan.settings.lang, plan.ward
    names = dict(zip(ward.quarters["quarter_id"].astype(str), ward.quarters["name"].astype(str), strict=True))
    titles = {"forecast_ward": ward_title(ward.kind, ward.name, lang)}
    for quarter in _growth_quarters(plan):
        titles[f"forecast_{quarter}"] = names.get(quarter, quarter)
    return titles


def capacity_figure_titles(plan: Plan) -> dict[str, str]:
    """Capacity-chart name → title."""
    lang = plan.settings.lang
    return {"utilization": say("col.utilization", lang), "shortfall": say("col.room_shortfall", lang)}


def plan_figures(plan: Plan) -> dict[str, Any]:
    """Every chart and map of the plan as matplotlib Figures, by output name.

    forecast_ward, forecast_<quarter>: fan charts of the ward and of the two quarters whose
    school-age population changes most (forecast's chart functions); zones_<level>: the
    zoning map of the coming school year (zoning's map function); utilization, shortfall:
    capacity's charts (proposed zones held to the horizon).
    """
    ward, lang = plan.ward, plan.settings.lang
    history = ward.population_by_age()
    figures: dict[str, Any] = {}
    for name, title in forecast_figure_titles(plan).items():
        if name == "forecast_ward":
            if plan.forecast_ward is not None:
                figures[name] = ward_fan_chart(plan.forecast_ward, history=history, lang=lang, name=title)
        else:
            figures[name] = fan_chart(
                plan.forecast, name.removeprefix("forecast_"), history=history, name=title, lang=lang
            )
    orientation = None if plan.settings.map_orientation == "auto" else plan.settings.map_orientation
    figures.update(zoning_maps(plan, orientation=orientation))
    # report.html shows each map as a portrait sheet of the report's paper: as wide as the page's
    # column, so its 7-8 pt labels stay 7-8 pt when the report is printed and ~15 px on screen
    figures.update(zoning_maps(plan, orientation="portrait", prefix="report_zones_"))
    zones = say("zones.proposed", lang)  # which zones the charts assume
    figures["utilization"] = plot_utilization(plan.capacity, ward.schools, lang=lang, zones=zones)
    figures["shortfall"] = plot_room_shortfall(plan.capacity, ward.schools, lang=lang, zones=zones)
    return figures


def _map_arguments(plan: Plan) -> dict[str, Any]:
    """Keyword arguments shared by the static and the interactive zoning maps."""
    ward, lang = plan.ward, plan.settings.lang
    return {
        "school_year": plan.school_year,
        "lang": lang,
        "place": ward_title(ward.kind, ward.name, lang),
        "crs": ward.crs,
        "context": ward.context,
    }


def zoning_maps(plan: Plan, orientation: str | None = None, prefix: str = "zones_") -> dict[str, Any]:
    """The zoning map of each level for the coming school year: {"<prefix><level>": Figure}
    (zoning.maps.plot_zones: a sheet of the plan's paper, A4 or A3, `orientation` portrait or
    landscape, default the one printing the ward larger; in the ward's projected CRS)."""
    ward, options = plan.ward, _map_arguments(plan)
    paper = plan.settings.paper
    return {
        f"{prefix}{level}": plot_zones(
            result, ward.quarters, ward.schools, orientation=orientation, paper=paper, **options
        )
        for level, result in plan.zonings.items()
    }


def interactive_maps(plan: Plan) -> dict[str, str]:
    """The same maps as self-contained HTML pages (zoning.webmap.zones_html): {"zones_<level>": html}."""
    ward, options = plan.ward, _map_arguments(plan)
    return {
        f"zones_{level}": zones_html(result, ward.quarters, ward.schools, **options)
        for level, result in plan.zonings.items()
    }
