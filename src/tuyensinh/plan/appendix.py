"""The methods appendix of report.html ("Phụ lục: phương pháp" / "Appendix: methods").

The main sections of the report say what the numbers mean in plain words; the names of the
methods, their scores and the optimisation model's figures live here, at the end of the page
(a new printed page): how the population is forecast and what the bands of its charts are;
how accuracy is measured, with the real-data benchmark's score of the ward's own history
(weighted MAPE of each quarter at ages 6 and 11, against the shrunk Hamilton–Perry baseline);
what the chance of overload and the upper 80% bound are; and the zoning model with the solver's
table (status, optimality gap, seconds).
"""

from __future__ import annotations

import pandas as pd

from tuyensinh.plan.accuracy_words import small_area_frame
from tuyensinh.plan.types import Plan
from tuyensinh.present.report import ReportSection, ReportTable, vi_thousands
from tuyensinh.words.labels import kind_name, level_name, say, school_year_label
from tuyensinh.words.methods import say as methods_say

__all__ = ["appendix_sections", "solver_table"]


def solver_table(plan: Plan) -> pd.DataFrame:
    """One row per zoning model solved: which zoning, level, years, status, optimality gap, seconds."""
    lang = plan.settings.lang
    rows = []
    for entry in plan.solver_reports():
        gap = entry.get("gap")
        rows.append(
            {
                say("col.zoning", lang): (
                    say("report.zoning_proposed", lang, school_year=school_year_label(plan.school_year, lang))
                    if entry["zoning"] == "proposed"
                    else say("report.zoning_yearly", lang)
                ),
                say("col.level", lang): level_name(entry["level"], lang),
                say("col.school_year", lang): ", ".join(school_year_label(y, lang) for y in entry["school_years"]),
                say("col.status", lang): say(f"status.{entry['status']}", lang),
                say("col.gap", lang): "–" if gap is None else vi_thousands(f"{gap:.2%}", lang),
                say("col.seconds", lang): round(float(entry["solve_seconds"]), 2),
            }
        )
    return pd.DataFrame(rows)


def appendix_sections(plan: Plan) -> list[ReportSection]:
    """The appendix's sections, in the plan's language."""
    lang, settings = plan.settings.lang, plan.settings
    kind = kind_name(plan.ward.kind or "phường", lang)
    accuracy_tables = []
    if plan.accuracy is not None and not plan.accuracy.small_area.empty:
        frame = small_area_frame(plan.accuracy.small_area, lang)
        ratio = frame.columns[-1]  # two decimals: 0.83 and 0.77 differ
        frame[ratio] = frame[ratio].map(lambda v: "–" if pd.isna(v) else vi_thousands(f"{v:.2f}", lang))
        accuracy_tables.append(ReportTable(methods_say("appendix.small_area_table", lang), frame))
    stability = vi_thousands(f"{settings.stability:,.0f}", lang)
    contiguous = methods_say("appendix.contiguous", lang) if settings.contiguous else ""
    return [
        ReportSection(
            methods_say("appendix.forecast", lang), intro=methods_say("appendix.forecast_text", lang, kind=kind)
        ),
        ReportSection(
            methods_say("appendix.accuracy", lang),
            intro=methods_say("appendix.accuracy_text", lang),
            tables=accuracy_tables,
        ),
        ReportSection(methods_say("appendix.capacity", lang), intro=methods_say("appendix.capacity_text", lang)),
        ReportSection(
            methods_say("appendix.zoning", lang),
            intro=methods_say("appendix.zoning_text", lang, stability=stability, contiguous=contiguous),
            tables=[ReportTable(say("report.solver", lang), solver_table(plan))],
        ),
    ]
