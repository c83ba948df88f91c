"""capacity: legal norms, enrollment demand by level and grade, classes, rooms, quotas, flags.

    norms = load_norms(ward.norms, ward.rates)            # norm table + ward.toml overrides
    demand = enrollment_demand(forecast_table, norms)     # pupils per quarter × year × grade
    table = analyze(demand, zones, schools, norms, horizon=2030)
    places = quotas(demand, zones, schools, norms)
    summary = ward_summary(table, demand, zones, schools, norms, forecast=forecast_table)
    build = building_programme(table, schools, norms)     # rooms and money per school and year
    standard = facility_standard(table, schools, norms)   # permanent rooms, land, size, bán trú
    intake = intake_report(enrolment, quotas=last_quotas, forecast=last_forecast)  # 15 August
    rates = estimate_rates(enrolment, population, norms)  # participation, private, progression
    pc = universalisation(enrolment, population, norms)   # phổ cập indicators

See docs/capacity.md (definitions) and docs/norms.md (the norm table and its sources).
"""

from typing import TYPE_CHECKING

from capacity.analyze import CAPACITY_COLUMNS, analyze, pupils_by_school
from capacity.building import BUILD_COLUMNS, building_by_year, building_programme
from capacity.classes import classes_by_grade, effective_limits, rooms_available, rooms_needed
from capacity.coverage import COVERAGE_COLUMNS, data_coverage
from capacity.demand import DEMAND_COLUMNS, enrollment_demand, progression_from_history
from capacity.enrolment import INTAKE_ACCURACY_COLUMNS, INTAKE_COLUMNS, check_enrolment, intake_accuracy, intake_report
from capacity.facilities import FACILITY_COLUMNS, facility_standard, mixed_class_runs
from capacity.grades import ENTRY_GRADES, GRADES, LEVEL_GRADES, LEVELS
from capacity.norms import Norms, load_norms
from capacity.quotas import QUOTA_COLUMNS, quotas
from capacity.rates import RATE_COLUMNS, estimate_rates, rates_for_plan
from capacity.summary import SUMMARY_COLUMNS, shortfall_drivers, ward_summary
from capacity.table_checks import TableError, TableProblem
from capacity.teachers import TEACHER_COLUMNS, teacher_needs
from capacity.universal import UNIVERSAL_COLUMNS, universalisation

if TYPE_CHECKING:
    from capacity.charts import plot_room_shortfall, plot_utilization

__all__ = [
    "BUILD_COLUMNS",
    "CAPACITY_COLUMNS",
    "COVERAGE_COLUMNS",
    "DEMAND_COLUMNS",
    "ENTRY_GRADES",
    "FACILITY_COLUMNS",
    "GRADES",
    "INTAKE_ACCURACY_COLUMNS",
    "INTAKE_COLUMNS",
    "LEVELS",
    "LEVEL_GRADES",
    "QUOTA_COLUMNS",
    "RATE_COLUMNS",
    "SUMMARY_COLUMNS",
    "TEACHER_COLUMNS",
    "UNIVERSAL_COLUMNS",
    "Norms",
    "TableError",
    "TableProblem",
    "analyze",
    "building_by_year",
    "building_programme",
    "check_enrolment",
    "classes_by_grade",
    "data_coverage",
    "effective_limits",
    "enrollment_demand",
    "estimate_rates",
    "facility_standard",
    "intake_accuracy",
    "intake_report",
    "load_norms",
    "mixed_class_runs",
    "plot_room_shortfall",
    "plot_utilization",
    "progression_from_history",
    "pupils_by_school",
    "quotas",
    "rates_for_plan",
    "rooms_available",
    "rooms_needed",
    "shortfall_drivers",
    "teacher_needs",
    "universalisation",
    "ward_summary",
]


def __getattr__(name: str) -> object:
    """The charts on first use: matplotlib is imported only by the code that draws."""
    if name in ("plot_room_shortfall", "plot_utilization"):
        from capacity import charts

        return getattr(charts, name)
    raise AttributeError(f"module 'capacity' has no attribute {name!r}")
