"""Which of the optional outputs the ward's data enable, and what would enable the others.

`data_coverage(schools, enrolment=None, quotas=None)` returns one row per feature:
`feature, enabled, schools_with_data, schools, needs` — `needs` names the table and column
(`schools.teachers`, `enrolment.birth_year`, `quotas`) the feature reads, so the app layer can
say "add column teachers to schools.csv to get the teacher shortfall". No wording here.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["COVERAGE_COLUMNS", "FEATURES", "data_coverage"]

COVERAGE_COLUMNS: tuple[str, ...] = ("feature", "enabled", "schools_with_data", "schools", "needs")

# feature -> (what it reads, level the school column concerns or None)
FEATURES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "teacher_shortfall": (("schools.teachers",), None),
    "permanent_share": (("schools.permanent_classrooms",), None),
    "functional_rooms": (("schools.functional_rooms",), None),
    "land_per_pupil": (("schools.land_m2",), None),
    "boarder_land": (("schools.boarders", "schools.land_m2"), None),
    "semi_boarding": (("schools.semi_boarding_places",), "mam_non"),
    "intake_report": (("enrolment.school_id", "quotas"), None),
    "rates_from_enrolment": (("enrolment",), None),
    "universal_by_age": (("enrolment.birth_year",), None),
    "completion_indicators": (("enrolment.birth_year", "enrolment.completed"), None),
}


def _filled(frame: pd.DataFrame | None, column: str) -> pd.Series | None:
    if frame is None or column not in frame:
        return None
    values = frame[column]
    return values.notna() & (values.astype(str).str.strip() != "")


def data_coverage(
    schools: pd.DataFrame, enrolment: pd.DataFrame | None = None, quotas: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per optional feature (COVERAGE_COLUMNS); see the module doc."""
    rows = []
    for feature, (needs, level) in FEATURES.items():
        concerned = schools if level is None else schools[schools["level"] == level]
        school_needs = [n.split(".", 1)[1] for n in needs if n.startswith("schools.")]
        with_data = len(concerned)
        for column in school_needs:
            filled = _filled(concerned, column)
            with_data = 0 if filled is None else min(with_data, int(filled.sum()))
        enabled = with_data > 0 if school_needs else True
        for need in needs:
            if need == "quotas":
                enabled &= quotas is not None and len(quotas) > 0
            elif need == "enrolment":
                enabled &= enrolment is not None and len(enrolment) > 0
            elif need.startswith("enrolment."):
                filled = _filled(enrolment, need.split(".", 1)[1])
                enabled &= filled is not None and bool(filled.any())
        rows.append(
            {
                "feature": feature,
                "enabled": bool(enabled),
                "schools_with_data": with_data if school_needs else pd.NA,
                "schools": len(concerned),
                "needs": ", ".join(needs),
            }
        )
    return pd.DataFrame(rows, columns=list(COVERAGE_COLUMNS))
