"""What every zoning map shows, whatever draws it: colours per school, each quarter's school,
split and moved quarters, scale-bar lengths, the title and the notes.

Shared by the static publication map (`zoning.maps`, matplotlib) and the interactive page
(`zoning.webmap`, SVG), so both show the same school in the same colour with the same words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from zoning.distances import school_points
from zoning.labels import level_label, map_text, number, percent
from zoning.result import ZoningResult

__all__ = [
    "PALETTE",
    "NO_SCHOOL_COLOUR",
    "school_colours",
    "projected_quarters",
    "ZoneLayers",
    "zone_layers",
    "school_sites",
    "legend_fields",
    "show_quarter_labels",
    "nice_length",
    "length_text",
    "status_text",
    "map_title",
    "note_lines",
    "result_notes",
    "OVERFLOW_TOL",
    "MAX_QUARTER_LABELS",
]

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#86bcb6",
    "#8cd17d",
    "#f1ce63",
    "#a0cbe8",
    "#ffbe7d",
    "#d4a6c8",
    "#bab0ac",
    "#499894",
    "#d37295",
    "#79706e",
    "#b6992d",
)
"""School fill colours (Tableau 20 order); repeats beyond 20 schools."""
NO_SCHOOL_COLOUR = "#dddddd"
"""Fill of a quarter the result does not assign (e.g. a quarter without pupils data)."""
MAX_QUARTER_LABELS = 120
"""Quarter names are printed when the map has at most this many quarters."""
OVERFLOW_TOL = 0.005
"""Pupils over capacity below this count as none (solver round-off)."""


def school_colours(school_ids: Sequence[str]) -> dict[str, str]:
    """A fixed colour per school (in the order given; the palette repeats beyond 20)."""
    return {sid: PALETTE[k % len(PALETTE)] for k, sid in enumerate(school_ids)}


def projected_quarters(quarters: gpd.GeoDataFrame, crs: object | None) -> gpd.GeoDataFrame:
    """The quarters in `crs`, or in their own projected CRS, or in their UTM zone (metres)."""
    if crs is None:
        if quarters.crs is None:
            raise ValueError("quarters have no CRS: set it in quarters.geojson or pass crs=")
        crs = quarters.crs if quarters.crs.is_projected else quarters.estimate_utm_crs()
    return quarters.to_crs(crs)


@dataclass(frozen=True)
class ZoneLayers:
    """One school year of a zoning, ready to draw.

    area: the quarters in metres with `quarter_id, label, school_id` (the school holding the
    largest share), `colour`, `split` (shared by several schools), `changed` (moved from the
    current school). rows: the zones table of the year. load: the school-load rows of the year
    indexed by `school_id`. order: schools in legend order; colours: fill per school.
    """

    year: int
    area: gpd.GeoDataFrame
    rows: pd.DataFrame
    load: pd.DataFrame
    order: list[str]
    colours: dict[str, str]

    @property
    def over(self) -> pd.Series:
        """True per school (index `school_id`) with pupils beyond its seats."""
        return self.load["overflow_pupils"] > OVERFLOW_TOL


def zone_layers(
    result: ZoningResult, quarters: gpd.GeoDataFrame, *, school_year: int | None = None, crs: object | None = None
) -> ZoneLayers:
    """The quarters of `result` for one school year (default: the first zoned), projected."""
    year = result.school_years[0] if school_year is None else int(school_year)
    rows = result.zones(year)
    load = result.load[result.load["school_year"] == year].set_index("school_id")
    area = projected_quarters(quarters, crs)
    area = area.assign(quarter_id=area["quarter_id"].astype(str))
    names = area["name"].astype(str) if "name" in area.columns else area["quarter_id"]
    area = area.assign(label=names.to_numpy())

    main = rows.sort_values(["quarter_id", "share", "school_id"], ascending=[True, False, True]).drop_duplicates(
        "quarter_id"
    )
    split = rows.groupby("quarter_id")["school_id"].nunique() > 1
    changed = rows.groupby("quarter_id")["changed"].agg(lambda s: bool(s.fillna(False).any()))
    order = list(load.index)
    colours = school_colours(order)
    area = area.merge(main[["quarter_id", "school_id"]], on="quarter_id", how="left")
    area["colour"] = area["school_id"].map(colours).fillna(NO_SCHOOL_COLOUR)
    area["split"] = area["quarter_id"].map(split).fillna(False).astype(bool)
    area["changed"] = area["quarter_id"].map(changed).fillna(False).astype(bool)
    return ZoneLayers(year=year, area=area, rows=rows, load=load, order=order, colours=colours)


def school_sites(schools: pd.DataFrame, layers: ZoneLayers) -> gpd.GeoDataFrame:
    """The sites of the schools drawn (`layers.order`, in that order, index `school_id`) in the
    layers' CRS; a school without coordinates has an empty geometry."""
    own = schools[schools["school_id"].astype(str).isin(layers.order)]
    sites = school_points(own.assign(school_id=own["school_id"].astype(str)), layers.area.crs)
    return sites.set_index("school_id").reindex(layers.order)


def legend_fields(layers: ZoneLayers, school_id: str, lang: str) -> dict[str, object]:
    """The figures of a school's legend entry (`map_text("school_entry"…)`): name, pupils,
    classes, use of rooms, pupils over capacity."""
    r = layers.load.loc[school_id]
    return {
        "name": r["name"],
        "pupils": number(r["pupils"], lang),
        "classes": int(r["classes"]),
        "use": "—" if pd.isna(r["utilization"]) else percent(r["utilization"], lang),
        "over": number(r["overflow_pupils"], lang),
    }


def show_quarter_labels(layers: ZoneLayers, quarter_labels: bool | None) -> bool:
    """Whether to print quarter names: as asked, else when at most `MAX_QUARTER_LABELS` quarters."""
    return len(layers.area) <= MAX_QUARTER_LABELS if quarter_labels is None else bool(quarter_labels)


def nice_length(span_m: float, fraction: float = 0.2) -> float:
    """A round scale-bar length (1, 2 or 5 × 10^k metres) of at most `fraction` of `span_m`."""
    target = max(span_m * fraction, 1.0)
    power = 10 ** math.floor(math.log10(target))
    return max(step * power for step in (1, 2, 5) if step * power <= target)


def length_text(metres: float, lang: str) -> str:
    """'500 m', '1 km', '1,5 km' (Vietnamese decimal comma)."""
    if metres >= 1000:
        km = metres / 1000
        return f"{number(km, lang, 0 if km == int(km) else 1)} km"
    return f"{number(metres, lang)} m"


def status_text(result: ZoningResult, lang: str) -> str:
    """'Lời giải: HiGHS, tối ưu.' — how the solver did, in words."""
    report = result.solver
    if report.status == "optimal":
        status = map_text("status_optimal", lang)
    elif report.gap is not None:
        status = map_text("status_gap", lang, gap=percent(report.gap, lang, 1))
    else:
        status = map_text("status_unknown", lang)
    return map_text("note_solver", lang, solver=report.solver, status=status)


def map_title(result: ZoningResult, year: int, lang: str, title: str | None = None) -> str:
    """`title`, or 'Phân tuyến tuyển sinh cấp tiểu học – năm học 2027–2028'."""
    return title or map_text("title", lang, level=level_label(result.level, lang), year=f"{year}–{year + 1}")


def note_lines(result: ZoningResult, year: int, lang: str, notes: Sequence[str] = ()) -> list[str]:
    """The lines printed under a map: forecast basis, mean walking distance, solver, `notes`."""
    rows = result.zones(year)
    pupils = rows["pupils"].sum()
    mean = (rows["pupils"] * rows["distance_m"]).sum() / pupils if pupils > 0 else 0.0
    return [
        map_text("note_pupils", lang, year=f"{year}–{year + 1}"),
        map_text("note_distance", lang, mean=number(mean, lang)),
        status_text(result, lang),
        *notes,
    ]


def result_notes(result: ZoningResult, year: int, lang: str) -> list[str]:
    """The result's notes (`ZoningResult.note_texts`) that concern the map of school year `year`,
    in `lang`: every note but the over-capacity ones of other school years."""
    if not result.note_records:
        return list(result.note_texts(lang))
    return [
        note.text(lang)
        for note in result.note_records
        if note.key != "overflow" or note.fields.get("school_year") == int(year)
    ]
