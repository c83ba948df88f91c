"""The plan's capacity cycle: teachers, the costed building programme, facilities against the
standard, lớp ghép, and — with the ward's enrolment.csv — the 15 August intake report, the rates
estimated from actual enrolment (used for the plan) and the universalisation indicators.

`plan_norms(ward)` returns the norm table the plan uses: the ward's [norms] and [rates]; with
enrolment.csv the rates estimated from it (capacity.rates) fill what ward.toml leaves unset (a
rate written in ward.toml wins), and the progression per grade feeds the demand.
`compute_cycle(...)` computes the tables (`CapacityCycle`); `cycle_sheets` lists them for
capacity_plan.xlsx, each empty one with the data that would fill it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from tuyensinh.ward import Ward

__all__ = ["CYCLE_FILES", "CapacityCycle", "compute_cycle", "cycle_sheets", "plan_norms"]

#: CSV file -> CapacityCycle field
CYCLE_FILES: dict[str, str] = {
    "building_programme.csv": "building",
    "building_by_year.csv": "building_by_year",
    "facilities.csv": "facilities",
    "mixed_classes.csv": "mixed_classes",
    "intake_report.csv": "intake",
    "intake_accuracy.csv": "intake_accuracy",
    "rates_used.csv": "rates",
    "universalisation.csv": "universal",
    "data_coverage.csv": "coverage",
}


@dataclass(frozen=True, eq=False)
class CapacityCycle:
    """The cycle's tables (capacity engines' columns); None where the data are missing."""

    teachers: pd.DataFrame
    building: pd.DataFrame
    building_by_year: pd.DataFrame
    facilities: pd.DataFrame
    mixed_classes: pd.DataFrame
    coverage: pd.DataFrame
    intake: pd.DataFrame | None = None
    intake_accuracy: pd.DataFrame | None = None
    rates: pd.DataFrame | None = None
    universal: pd.DataFrame | None = None

    def needs(self, feature: str) -> str:
        rows = self.coverage[self.coverage["feature"] == feature]
        return "" if rows.empty else str(rows["needs"].iloc[0])


def _merge_rates(estimated: dict[str, dict[str, float]], given: Any) -> dict[str, Any]:
    """Estimated rates under the ward's own: a key written in ward.toml [rates] wins."""
    merged: dict[str, Any] = {k: dict(v) for k, v in estimated.items()}
    for key, spec in dict(given or {}).items():
        if isinstance(spec, dict):
            merged.setdefault(key, {}).update(spec)
        else:
            merged[key] = spec
    return merged


def plan_norms(ward: Ward) -> tuple[Any, pd.DataFrame | None, pd.DataFrame | None]:
    """(norms in force, progression for the demand or None, the rates table or None)."""
    from capacity.norms import load_norms
    from capacity.rates import estimate_rates, rates_for_plan

    norms = load_norms(ward.norms, ward.rates)
    enrolment = getattr(ward, "enrolment", None)
    if enrolment is None or enrolment.empty:
        return norms, None, None
    table = estimate_rates(enrolment, ward.population_by_age(), norms)
    rates, progression = rates_for_plan(table)
    norms = load_norms(ward.norms, _merge_rates(rates, ward.rates))
    # rates the ward wrote in ward.toml are in force as written: say so
    given = dict(ward.rates or {})
    for key in ("participation", "private_share"):
        spec = given.get(key)
        if spec is None:
            continue
        mask = table["rate"] == key
        if isinstance(spec, dict):
            mask &= table["group"].isin(list(spec)) | table["level"].isin(list(spec))
        for i in table.index[mask]:
            group = str(table.at[i, "group"])
            level = str(table.at[i, "level"])
            table.at[i, "estimate"] = (
                norms.value("participation", level, group) if key == "participation" else norms.private_share(level)
            )
            table.at[i, "source"] = "ward.toml"
    return norms, progression if len(progression) else None, table


def compute_cycle(
    ward: Ward,
    norms: Any,
    capacity: pd.DataFrame,
    demand: pd.DataFrame,
    assignment: pd.DataFrame,
    rates: pd.DataFrame | None = None,
) -> CapacityCycle:
    """Every table of the cycle for the plan's capacity table (proposed zones held)."""
    from capacity.analyze import pupils_by_school
    from capacity.building import building_by_year, building_programme
    from capacity.classes import classes_by_grade
    from capacity.coverage import data_coverage
    from capacity.enrolment import intake_accuracy, intake_report
    from capacity.facilities import facility_standard, mixed_class_runs
    from capacity.teachers import TEACHER_COLUMNS
    from capacity.universal import universalisation

    schools = ward.schools
    years = sorted(int(y) for y in capacity["school_year"].unique())
    teachers = capacity[[c for c in TEACHER_COLUMNS if c in capacity.columns]]
    build = building_programme(capacity, schools, norms)
    by_year = building_by_year(build, years)
    facilities = facility_standard(capacity, schools, norms, setting=ward.setting)
    by_grade = classes_by_grade(pupils_by_school(demand, assignment, schools, school_years=years), schools, norms)
    mixed = mixed_class_runs(by_grade)
    enrolment = getattr(ward, "enrolment", None)
    published = getattr(ward, "quotas_published", None)
    coverage = data_coverage(schools, enrolment, published)
    intake = accuracy = universal = None
    if enrolment is not None and not enrolment.empty:
        if "school_id" in enrolment and published is not None and not published.empty:
            # the forecast behind the quotas when given, else the quotas themselves (rounded-up forecasts)
            forecast = published
            if "forecast" in published and published["forecast"].notna().any():
                forecast = published.drop(columns="pupils").rename(columns={"forecast": "pupils"})
            intake = intake_report(enrolment, quotas=published, forecast=forecast)
            accuracy = intake_accuracy(intake, norms)
        universal = universalisation(enrolment, ward.population_by_age(), norms)
    return CapacityCycle(
        teachers=teachers,
        building=build,
        building_by_year=by_year,
        facilities=facilities,
        mixed_classes=mixed,
        coverage=coverage,
        intake=intake,
        intake_accuracy=accuracy,
        rates=rates,
        universal=universal,
    )


def cycle_sheets(cycle: CapacityCycle) -> list[Any]:
    """The sheets of capacity_plan.xlsx, in order (tuyensinh.present.capacity_xlsx.CapacitySheet)."""
    from tuyensinh.present.capacity_xlsx import CapacitySheet

    return [
        CapacitySheet("teachers", cycle.teachers, cycle.needs("teacher_shortfall")),
        CapacitySheet("building_by_year", cycle.building_by_year),
        CapacitySheet("building", cycle.building),
        CapacitySheet("facilities", cycle.facilities, cycle.needs("permanent_share")),
        CapacitySheet("mixed_classes", cycle.mixed_classes),
        CapacitySheet("intake", cycle.intake, cycle.needs("intake_report")),
        CapacitySheet("intake_accuracy", cycle.intake_accuracy, cycle.needs("intake_report")),
        CapacitySheet("rates", cycle.rates, cycle.needs("rates_from_enrolment")),
        CapacitySheet("universal", cycle.universal, cycle.needs("rates_from_enrolment")),
        CapacitySheet("coverage", cycle.coverage),
    ]
