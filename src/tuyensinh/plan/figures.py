"""The charts and maps of a plan (`tuyensinh.plan.types.Plan`), as matplotlib Figures or HTML.

forecast fan charts (forecast.charts), the zoning map of each level for the coming school
year (zoning.maps, zoning.webmap) and the capacity charts (capacity.charts), each imported
when a figure is built: a plan's main process imports this module for the titles, and leaves
matplotlib to the processes that draw. Nothing is saved here: `tuyensinh.plan.files` writes them, `tuyensinh.plan.content` puts them in report.html
under the titles given by `forecast_figure_titles` and `capacity_figure_titles`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from tuyensinh.plan.types import Plan
from tuyensinh.words.labels import say, ward_title

__all__ = [
    "plan_figures",
    "chart_builders",
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


def _ward_fan(plan: Plan, title: str) -> Any:
    from forecast.charts import ward_fan_chart

    history = plan.ward.population_by_age()
    return ward_fan_chart(plan.forecast_ward, history=history, lang=plan.settings.lang, name=title)


def _quarter_fan(plan: Plan, quarter: str, title: str) -> Any:
    from forecast.charts import fan_chart

    history = plan.ward.population_by_age()
    return fan_chart(plan.forecast, quarter, history=history, name=title, lang=plan.settings.lang)


def _utilization(plan: Plan) -> Any:
    from capacity.charts import plot_utilization

    zones = say("zones.proposed", plan.settings.lang)  # which zones the charts assume
    return plot_utilization(plan.capacity, plan.ward.schools, lang=plan.settings.lang, zones=zones)


def _shortfall(plan: Plan) -> Any:
    from capacity.charts import plot_room_shortfall

    zones = say("zones.proposed", plan.settings.lang)
    return plot_room_shortfall(plan.capacity, plan.ward.schools, lang=plan.settings.lang, zones=zones)


def chart_builders(plan: Plan) -> dict[str, Callable[[Plan], Any]]:
    """The plan's charts by output name, each as a function building its matplotlib Figure.

    forecast_ward, forecast_<quarter>: fan charts of the ward and of the two quarters whose
    school-age population changes most (forecast's chart functions); utilization, shortfall:
    capacity's charts (proposed zones held to the horizon).
    """
    builders: dict[str, Callable[[Plan], Any]] = {}
    for name, title in forecast_figure_titles(plan).items():
        if name == "forecast_ward":
            if plan.forecast_ward is not None:
                builders[name] = partial(_ward_fan, title=title)
        else:
            builders[name] = partial(_quarter_fan, quarter=name.removeprefix("forecast_"), title=title)
    builders["utilization"] = _utilization
    builders["shortfall"] = _shortfall
    return builders


def map_orientation(plan: Plan) -> str | None:
    """The orientation of the zoning maps of maps/ (None: the one printing the ward larger)."""
    return None if plan.settings.map_orientation == "auto" else plan.settings.map_orientation


def plan_figures(plan: Plan) -> dict[str, Any]:
    """Every chart and map of the plan as matplotlib Figures, by output name: the charts of
    `chart_builders`, zones_<level> (the zoning map of the coming school year) and
    report_zones_<level> (the same map as a portrait sheet of the report's paper, as
    report.html shows it: as wide as the page's column, so its 7-8 pt labels stay 7-8 pt when
    the report is printed and ~15 px on screen). `tuyensinh.plan.drawing` draws and saves them
    one by one."""
    figures = {name: build(plan) for name, build in chart_builders(plan).items() if name.startswith("forecast_")}
    figures.update(zoning_maps(plan, orientation=map_orientation(plan)))
    figures.update(zoning_maps(plan, orientation="portrait", prefix="report_zones_"))
    figures.update({name: build(plan) for name, build in chart_builders(plan).items() if name not in figures})
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


def zoning_maps(
    plan: Plan, orientation: str | None = None, prefix: str = "zones_", levels: Sequence[str] | None = None
) -> dict[str, Any]:
    """The zoning map of each level (or of `levels`) for the coming school year:
    {"<prefix><level>": Figure} (zoning.maps.plot_zones: a sheet of the plan's paper, A4 or A3, `orientation` portrait or
    landscape, default the one printing the ward larger; in the ward's projected CRS)."""
    from zoning.maps import plot_zones

    ward, options = plan.ward, _map_arguments(plan)
    paper = plan.settings.paper
    return {
        f"{prefix}{level}": plot_zones(
            result, ward.quarters, ward.schools, orientation=orientation, paper=paper, **options
        )
        for level, result in plan.zonings.items()
        if levels is None or level in levels
    }


def interactive_maps(plan: Plan, levels: Sequence[str] | None = None) -> dict[str, str]:
    """The same maps as self-contained HTML pages (zoning.webmap.zones_html): {"zones_<level>": html}."""
    from zoning.webmap import zones_html

    ward, options = plan.ward, _map_arguments(plan)
    return {
        f"zones_{level}": zones_html(result, ward.quarters, ward.schools, **options)
        for level, result in plan.zonings.items()
        if levels is None or level in levels
    }
