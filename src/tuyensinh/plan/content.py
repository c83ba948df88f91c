"""What report.html of a plan (`tuyensinh.plan.types.Plan`) says: its tables and sentences.

The planner-facing content of the report, in the plan's language and in plain words: the capacity
of each school for the coming year and the horizon, the three zonings compared, the quarters that
change school and the zoning notes, the entry quotas, the summary lines, the forecast's past
accuracy, and the headlines `tuyensinh plan` prints; the methods, their scores and the solver's
reports go to the appendix at the end (`tuyensinh.plan.appendix`). `tuyensinh.present.report`
lays the page out.
"""

from __future__ import annotations

import time
from importlib import metadata
from typing import Any

import pandas as pd

from tuyensinh.plan.accuracy import history_long_enough
from tuyensinh.plan.accuracy_words import accuracy_report_table, accuracy_sentences, small_area_sentence
from tuyensinh.plan.appendix import appendix_sections
from tuyensinh.plan.cycle_report import cycle_sections
from tuyensinh.plan.figures import capacity_figure_titles, forecast_figure_titles
from tuyensinh.plan.types import Plan
from tuyensinh.plan.zone_words import current_shortfall, rezoning_sentences, shortfall_sentences
from tuyensinh.present.report import (
    ReportFigure,
    ReportSection,
    ReportTable,
    flag_sentences,
    render_report,
    vi_thousands,
    who_word,
)
from tuyensinh.ward import Ward
from tuyensinh.ward.warnings import data_warnings
from tuyensinh.words.checks import say as checks_say
from tuyensinh.words.labels import (
    LEVEL_ORDER,
    flag_name,
    grade_name,
    level_name,
    say,
    school_year_label,
    ward_title,
)
from tuyensinh.words.methods import say as methods_say

__all__ = ["plan_report", "plan_headlines", "zoning_note_sentences", "REPORTED_NOTE_KINDS"]

#: Zoning notes the report and the headlines repeat (`zoning.notes.NOTE_KINDS`): pupils over
#: capacity ("overflow") are already the flags' sentences.
REPORTED_NOTE_KINDS = ("start_kept", "time_limit", "stranded")


def _school_names(ward: Ward) -> dict[str, str]:
    return dict(zip(ward.schools["school_id"].astype(str), ward.schools["name"].astype(str), strict=True))


def _capacity_table(plan: Plan, years: list[int]) -> pd.DataFrame:
    """Per school: the coming year and the horizon side by side, labelled for the planner."""
    lang, names = plan.settings.lang, _school_names(plan.ward)
    rows = plan.capacity.loc[plan.capacity["school_year"].isin(years)].copy()
    table = pd.DataFrame(
        {
            say("col.school", lang): rows["school_id"].map(names).fillna(rows["school_id"]),
            say("col.level", lang): rows["level"].map(lambda v: level_name(v, lang)),
            say("col.school_year", lang): rows["school_year"].map(lambda y: school_year_label(y, lang)),
            say("col.pupils", lang): rows["pupils_mean"].round(0).astype(int),
            say("col.classes", lang): rows["classes"].astype(int),
            say("col.rooms_needed", lang): rows["rooms_needed"].astype(int),
            say("col.rooms_available", lang): rows["rooms_available"].astype(int),
            say("col.room_shortfall_proposed", lang): rows["room_shortfall"].astype(int),
            **current_shortfall(plan, rows),
            say("col.utilization", lang): rows["utilization"].map(
                lambda u: "–" if pd.isna(u) or u == float("inf") else f"{u:.0%}"
            ),
            say("col.p_over", lang): rows["p_over"].map(lambda p: "–" if pd.isna(p) else f"{p:.0%}"),
            say("col.flag", lang): rows["flag"].map(lambda f: flag_name(f, lang)),
        }
    )
    return table.reset_index(drop=True)


def _zonings_compared(plan: Plan) -> pd.DataFrame:
    """Rooms short per level × school year under the proposed, current and re-zoned zonings."""
    lang = plan.settings.lang
    options = [
        (say("report.zoning_proposed", lang, school_year=school_year_label(plan.school_year, lang)), plan.capacity)
    ]
    if plan.capacity_current is not None:
        options.append((say("report.zoning_current", lang), plan.capacity_current))
    if plan.capacity_yearly is not None:
        options.append((say("report.zoning_yearly", lang), plan.capacity_yearly))
    columns = {}
    for label, table in options:
        columns[label] = table.groupby(["level", "school_year"])["room_shortfall"].sum()
    wide = pd.DataFrame(columns).fillna(0).astype(int).reset_index()
    wide["level"] = pd.Categorical(wide["level"], LEVEL_ORDER, ordered=True)
    wide = wide.sort_values(["level", "school_year"])
    wide.insert(0, say("col.level", lang), wide.pop("level").map(lambda v: level_name(v, lang)))
    wide.insert(1, say("col.school_year", lang), wide.pop("school_year").map(lambda y: school_year_label(y, lang)))
    return wide.reset_index(drop=True)


def _changes_table(plan: Plan) -> pd.DataFrame:
    """Quarters whose proposed school differs from the current one (coming year)."""
    lang, ward = plan.settings.lang, plan.ward
    if ward.zones is None:
        return pd.DataFrame()
    names = _school_names(ward)
    quarter_names = dict(zip(ward.quarters["quarter_id"].astype(str), ward.quarters["name"].astype(str), strict=True))
    proposed = plan.assignment.loc[plan.assignment["changed"].fillna(False).astype(bool)]
    if proposed.empty:
        return pd.DataFrame()
    current = (
        ward.zones.sort_values("share", ascending=False)
        .drop_duplicates(["quarter_id", "level"])
        .set_index(["quarter_id", "level"])["school_id"]
    )
    keys = list(zip(proposed["quarter_id"], proposed["level"], strict=True))
    return pd.DataFrame(
        {
            say("col.quarter", lang): [quarter_names.get(q, q) for q, _ in keys],
            say("col.level", lang): [level_name(lv, lang) for _, lv in keys],
            say("col.from_school", lang): [
                names.get(current[k], current[k]) if k in current.index else "–" for k in keys
            ],
            say("col.to_school", lang): proposed["school_id"].map(names).fillna(proposed["school_id"]).to_numpy(),
            say("col.pupils", lang): proposed["pupils"].round(0).astype(int).to_numpy(),
            say("col.distance", lang): proposed["distance_m"].round(0).astype(int).to_numpy(),
        }
    )


def _quota_table(plan: Plan) -> pd.DataFrame:
    lang, names = plan.settings.lang, _school_names(plan.ward)
    rows = plan.quotas.loc[plan.quotas["school_year"] == plan.school_year]
    return pd.DataFrame(
        {
            say("col.school", lang): rows["school_id"].map(names).fillna(rows["school_id"]),
            say("col.grade", lang): rows["grade"].map(lambda g: grade_name(g, lang)),
            say("col.pupils", lang): rows["pupils"].astype(int),
            say("col.classes", lang): rows["classes"].astype(int),
        }
    ).reset_index(drop=True)


def zoning_note_sentences(plan: Plan) -> list[str]:
    """The zoning notes of every zoning solved (proposed, then re-zoned each year), in the plan's
    language, each once: a time limit reached, quarters with no school within --max-distance."""
    results = [*plan.zonings.values(), *(plan.yearly or {}).values()]
    lines = (line for result in results for line in result.note_texts(plan.settings.lang, kinds=REPORTED_NOTE_KINDS))
    return list(dict.fromkeys(lines))


def _summary_lines(plan: Plan) -> list[str]:
    """'Năm học 2027–2028: dự kiến 2.352 trẻ mầm non, 3.237 học sinh tiểu học, ...'."""
    lang = plan.settings.lang
    rows = plan.capacity.loc[plan.capacity["school_year"] == plan.school_year]
    pupils = rows.groupby("level")["pupils_mean"].sum()
    parts = [
        vi_thousands(
            say(
                "report.pupils_part",
                lang,
                pupils=pupils[level],
                level=level_name(level, lang, short=True),
                who=who_word(level, lang),
            ),
            lang,
        )
        for level in LEVEL_ORDER
        if level in pupils.index
    ]
    if not parts:
        return []
    return [
        say("report.pupils_line", lang, school_year=school_year_label(plan.school_year, lang), parts=", ".join(parts))
    ]


def _yearly_line(plan: Plan) -> str:
    """Worst-year rooms short per level when every year is re-zoned."""
    lang = plan.settings.lang
    assert plan.capacity_yearly is not None  # called only when the years were re-zoned
    worst = plan.capacity_yearly.groupby(["level", "school_year"])["room_shortfall"].sum().groupby(level=0).max()
    parts = [
        say("report.yearly_part", lang, level=level_name(level, lang, short=True), rooms=int(worst[level]))
        for level in LEVEL_ORDER
        if level in worst.index and worst[level] > 0
    ]
    if not parts:
        return say("report.yearly_none", lang, horizon_label=school_year_label(plan.school_years[-1], lang))
    return say("report.yearly_line", lang, parts=", ".join(parts))


def _accuracy_sections(plan: Plan) -> list[Any]:
    """The report section "Độ tin cậy của dự báo": sentences per entry grade and a compact
    table (none when the accuracy was switched off)."""
    lang, acc = plan.settings.lang, plan.accuracy
    heading = say("report.accuracy", lang)
    if acc is None:
        if not plan.settings.accuracy or history_long_enough(plan.ward):
            return []  # switched off, or a reused forecast: nothing measured, nothing said
        return [ReportSection(heading, intro=say("report.accuracy_none", lang))]
    intro = say("report.accuracy_intro", lang, first=acc.origins[0], last=acc.origins[-1])
    return [
        ReportSection(
            heading,
            intro=intro,
            sentences=tuple(accuracy_sentences(acc, lang=lang, kind=plan.ward.kind))
            + tuple(line for line in (small_area_sentence(acc, lang),) if line),
            tables=[
                ReportTable(
                    say("report.accuracy_table", lang),
                    accuracy_report_table(acc, lang=lang),
                    note=say("report.accuracy_note", lang),
                )
            ],
        )
    ]


def _warning_sections(plan: Plan) -> list[ReportSection]:
    """'Cảnh báo về số liệu': plausible but suspicious data (`tuyensinh.ward.warnings`), when there are any."""
    warnings = data_warnings(plan.ward)
    if not warnings:
        return []
    lang = plan.settings.lang
    return [ReportSection(checks_say("heading", lang, n=len(warnings)), sentences=[w.text(lang) for w in warnings])]


def plan_report(plan: Plan, pngs: dict[str, bytes]) -> str:
    """The report.html page of a plan (`pngs`: the figures of `tuyensinh.plan.figures.plan_figures`
    as PNG bytes, drawn by `tuyensinh.plan.drawing`)."""
    ward, lang = plan.ward, plan.settings.lang
    coming = school_year_label(plan.school_year, lang)
    horizon = school_year_label(plan.school_years[-1], lang)
    title = say("report.title", lang, ward=ward_title(ward.kind, ward.name, lang))

    flags = flag_sentences(plan.capacity, ward.schools, lang=lang, overflow=plan.overflow())
    if not any(kind in ("over", "tight") for kind, _ in flags):
        flags = [("info", say("report.no_flags", lang, horizon_label=horizon)), *flags]
    summary = [*_summary_lines(plan), *shortfall_sentences(plan), *rezoning_sentences(plan)]
    if plan.capacity_yearly is not None:
        summary.append(_yearly_line(plan))
    forecast_figs = [
        ReportFigure(label, pngs[name], say("report.forecast_note", lang))
        for name, label in forecast_figure_titles(plan).items()
        if name in pngs
    ]
    zoning_figs = [
        ReportFigure(level_name(level, lang), pngs[f"zones_{level}"])
        for level in plan.levels
        if f"zones_{level}" in pngs
    ]
    changes = _changes_table(plan)
    zoning_tables = [ReportTable(say("report.changes", lang), changes)] if not changes.empty else []
    capacity_figs = [
        ReportFigure(f"{label} ({say('zones.proposed', lang)})", pngs[name])
        for name, label in capacity_figure_titles(plan).items()
        if name in pngs
    ]
    sections = [
        ReportSection(say("report.forecast", lang), figures=forecast_figs),
        *_accuracy_sections(plan),
        ReportSection(
            say("report.zoning", lang, school_year=coming),
            figures=zoning_figs,
            intro="" if zoning_tables or ward.zones is None else say("report.no_changes", lang),
            sentences=zoning_note_sentences(plan),
            tables=zoning_tables,
        ),
        ReportSection(
            say("report.capacity", lang, horizon_label=horizon),
            intro=say(
                "report.capacity_zones" if plan.capacity_current is not None else "report.capacity_zones_proposed_only",
                lang,
            ),
            figures=capacity_figs,
            tables=[
                ReportTable(say("report.zonings_compared", lang), _zonings_compared(plan)),
                ReportTable(
                    f"{say('col.school', lang)} – {coming} / {horizon}",
                    _capacity_table(plan, [plan.school_year, plan.school_years[-1]]),
                ),
            ],
        ),
        *cycle_sections(plan),
        ReportSection(
            say("report.quotas", lang, school_year=coming),
            tables=[
                ReportTable(
                    say("report.quotas", lang, school_year=coming),
                    _quota_table(plan),
                    note=say("xlsx.note_pupils", lang),
                )
            ],
        ),
        *_warning_sections(plan),
    ]
    try:
        version = metadata.version("tuyensinh")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "?"
    created = time.strftime("%Y-%m-%d %H:%M")
    return render_report(
        title=title,
        subtitle=say("report.subtitle", lang, base_year=ward.base_year, school_year=coming, horizon_label=horizon),
        flags=flags,
        sections=sections,
        summary=summary,
        lang=lang,
        footer=say("report.footer", lang, version=version, created=created),
        appendix=appendix_sections(plan),
        appendix_heading=methods_say("appendix.heading", lang),
        appendix_intro=methods_say("appendix.intro", lang),
        paper=plan.settings.paper,
    )


def plan_headlines(plan: Plan) -> tuple[str, ...]:
    """The key sentences `tuyensinh plan` prints after a run (`PlanResult.headlines`): rooms
    short in the ward, the schools' flag sentences (all but the informative ones), then the
    zoning notes (`zoning_note_sentences`)."""
    ward, lang = plan.ward, plan.settings.lang
    return (
        tuple(shortfall_sentences(plan))
        + tuple(
            s
            for kind, s in flag_sentences(plan.capacity, ward.schools, lang=lang, overflow=plan.overflow())
            if kind != "info"
        )
        + tuple(zoning_note_sentences(plan))
    )
