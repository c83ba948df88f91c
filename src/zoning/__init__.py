"""zoning: enrollment zones by a MIP under class-size and classroom limits, and zoning maps.

    distances = quarter_school_distances(ward.quarters, ward.schools, crs=ward.crs)
    result = assign(demand, ward.schools, distances, level="tieu_hoc", school_years=2027,
                    norms=norms, current=ward.zones, stability=300)
    result.zones()          # zones.csv table
    result.load             # pupils, classes, rooms, overflow per school and year
    result.solver           # status, objective, best bound, gap as the solver found them
    result.note_texts("vi") # what the planner should read (over capacity, time limit, ...)
    fig = plot_zones(result, ward.quarters, ward.schools, crs=ward.crs)
    page = zones_html(result, ward.quarters, ward.schools, crs=ward.crs)   # interactive HTML

See docs/zoning.md for the model, the solving strategies and the measured performance.
"""

from typing import TYPE_CHECKING

from zoning.assign import assign, solve_problem
from zoning.contiguity import is_contiguous, quarter_adjacency, zone_pieces
from zoning.distances import (
    DETOUR_FACTOR,
    distance_matrix,
    fill_missing_distances,
    quarter_centres,
    quarter_school_distances,
)
from zoning.notes import Note, ZoningError
from zoning.problem import ZoningProblem, build_problem
from zoning.result import ZONES_COLUMNS, SolverReport, ZoningResult
from zoning.webmap import zones_html

if TYPE_CHECKING:
    from zoning.maps import figure_bytes, plot_zones

__all__ = [
    "assign",
    "solve_problem",
    "ZoningResult",
    "SolverReport",
    "Note",
    "ZoningError",
    "ZONES_COLUMNS",
    "ZoningProblem",
    "build_problem",
    "quarter_school_distances",
    "quarter_centres",
    "distance_matrix",
    "fill_missing_distances",
    "DETOUR_FACTOR",
    "quarter_adjacency",
    "zone_pieces",
    "is_contiguous",
    "plot_zones",
    "figure_bytes",
    "zones_html",
]


def __getattr__(name: str) -> object:
    """The map functions on first use: matplotlib is imported only by the code that draws."""
    if name in ("figure_bytes", "plot_zones"):
        from zoning import maps

        return getattr(maps, name)
    raise AttributeError(f"module 'zoning' has no attribute {name!r}")
