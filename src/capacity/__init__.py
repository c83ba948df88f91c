"""capacity: legal norms, enrollment demand by level and grade, classes, rooms, quotas, flags.

    norms = load_norms(ward.norms, ward.rates)            # norm table + ward.toml overrides
    demand = enrollment_demand(forecast_table, norms)     # pupils per quarter × year × grade
    table = analyze(demand, zones, schools, norms, horizon=2030)
    places = quotas(demand, zones, schools, norms)
    summary = ward_summary(table, demand, zones, schools, norms, forecast=forecast_table)

See docs/capacity.md (definitions) and docs/norms.md (the norm table and its sources).
"""
from capacity.analyze import CAPACITY_COLUMNS, analyze, pupils_by_school
from capacity.charts import plot_room_shortfall, plot_utilization
from capacity.classes import classes_by_grade, effective_limits, rooms_available, rooms_needed
from capacity.demand import DEMAND_COLUMNS, enrollment_demand, progression_from_history
from capacity.grades import ENTRY_GRADES, GRADES, LEVEL_GRADES, LEVELS
from capacity.norms import Norms, load_norms
from capacity.quotas import QUOTA_COLUMNS, quotas
from capacity.summary import SUMMARY_COLUMNS, shortfall_drivers, ward_summary

__all__ = [
    "CAPACITY_COLUMNS",
    "DEMAND_COLUMNS",
    "ENTRY_GRADES",
    "GRADES",
    "LEVELS",
    "LEVEL_GRADES",
    "Norms",
    "QUOTA_COLUMNS",
    "SUMMARY_COLUMNS",
    "analyze",
    "classes_by_grade",
    "effective_limits",
    "enrollment_demand",
    "load_norms",
    "plot_room_shortfall",
    "plot_utilization",
    "progression_from_history",
    "pupils_by_school",
    "quotas",
    "rooms_available",
    "rooms_needed",
    "shortfall_drivers",
    "ward_summary",
]
