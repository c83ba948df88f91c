"""The December plan of one ward: its types, its computing, its files, report content and figures.

    types (PlanSettings, Plan, PlanResult, Progress)
      ← compute (compute_plan: forecast → demand → zoning → capacity, quotas; writes nothing)
      ← figures (charts and maps) ← content (what report.html says) ← files (every output file)
      ← run (run_plan: load the ward, compute, write inside a staged output folder)

`accuracy` measures how accurate the forecast has been on the ward's history (entry grades).
"""

from tuyensinh.plan.compute import compute_plan, project_forecast, ward_distances
from tuyensinh.plan.run import run_plan
from tuyensinh.plan.types import DEFAULT_STABILITY, Plan, PlanResult, PlanSettings, Progress

__all__ = [
    "DEFAULT_STABILITY",
    "Plan",
    "PlanResult",
    "PlanSettings",
    "Progress",
    "compute_plan",
    "project_forecast",
    "run_plan",
    "ward_distances",
]
