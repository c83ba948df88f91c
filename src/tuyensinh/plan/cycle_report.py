"""The report sections of the capacity cycle: teachers, investment and facilities; enrolment
results, rates used and universalisation — or, where the data are missing, what would enable them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from tuyensinh.words.cycle import code_name, column_label, cycle_text, needs_sentence
from tuyensinh.words.labels import level_name, school_year_label

if TYPE_CHECKING:
    from tuyensinh.plan.types import Plan

__all__ = ["cycle_sections"]


def _pct(value: float, lang: str) -> str:
    from tuyensinh.present.report import number_text

    return f"{number_text(100 * value, lang, 1)} %" if pd.notna(value) else "–"


def _listing(frame: pd.DataFrame, names: dict[str, str]) -> str:
    return ", ".join(names.get(str(s), str(s)) for s in frame["school_id"].drop_duplicates())


def _facility_sentences(plan: Plan, names: dict[str, str]) -> list[str]:
    from tuyensinh.present.report import number_text

    cycle, lang = plan.cycle, plan.settings.lang
    assert cycle is not None
    out: list[str] = []
    teachers = cycle.teachers
    for year in (plan.school_year, plan.school_years[-1]):
        rows = teachers[teachers["school_year"] == year]
        if rows.empty:
            continue
        have = ""
        known = rows[rows["teachers"].notna()]
        if len(known):
            short = known[known["teacher_shortfall"].fillna(0) > 0]
            if len(short):
                have = cycle_text(
                    "report.teachers_have",
                    lang,
                    have=number_text(known["teachers"].sum(), lang),
                    short=number_text(short["teacher_shortfall"].sum(), lang),
                    schools=_listing(short, names),
                )
            else:
                have = cycle_text("report.teachers_enough", lang, have=number_text(known["teachers"].sum(), lang))
        out.append(
            cycle_text(
                "report.teachers",
                lang,
                year=school_year_label(year, lang),
                needed=number_text(rows["teachers_needed"].sum(), lang),
                have=have,
            )
        )
    build = cycle.building
    rooms = build.groupby("item")["rooms"].sum() if len(build) else pd.Series(dtype=float)
    out.append(
        cycle_text(
            "report.investment",
            lang,
            horizon=school_year_label(plan.school_years[-1], lang),
            new=number_text(rooms.get("classroom", 0), lang),
            functional=number_text(rooms.get("functional_room", 0), lang),
            rebuild=number_text(rooms.get("permanent_rebuild", 0), lang),
            cost=number_text(build["cost_million_vnd"].sum(), lang),
        )
    )
    fac = cycle.facilities
    first = fac[fac["school_year"] == plan.school_year]
    with_permanent = first[first["permanent_classrooms"].notna() & (first["classrooms"] > 0)]
    if len(with_permanent):
        share = with_permanent["permanent_classrooms"].sum() / with_permanent["classrooms"].sum()
        out.append(
            cycle_text(
                "report.permanent",
                lang,
                share=_pct(share, lang),
                target=_pct(float(first["permanent_target"].iloc[0]), lang),
                year=int(plan.norms.value("permanent_target_year")),
            )
        )
    last_year = plan.school_years[-1]
    last = fac[fac["school_year"] == last_year]
    label = school_year_label(last_year, lang)
    for key, mask in (
        ("report.land_below", last["land_ok"].fillna(True).eq(False)),
        ("report.size_small", last["size_flag"] == "small"),
        ("report.size_large", last["size_flag"] == "large"),
        ("report.semi_boarding", last["semi_boarding_short"].fillna(0) > 0),
    ):
        if mask.any():
            out.append(cycle_text(key, lang, year=label, schools=_listing(last[mask], names)))
    mixed = cycle.mixed_classes
    long = mixed[mixed["long_lasting"]] if len(mixed) else mixed
    if len(long):
        runs = "; ".join(
            f"{names.get(str(r.school_id), r.school_id)} ({r.first_year}–{r.last_year})"
            for r in long.itertuples(index=False)
        )
        out.append(cycle_text("report.mixed_long", lang, runs=runs))
    for row in cycle.coverage.itertuples(index=False):
        if not row.enabled and not str(row.feature).startswith(("intake", "rates", "universal", "completion")):
            out.append(
                cycle_text(
                    "report.needs", lang, feature=code_name(row.feature, lang), needs=needs_sentence(row.needs, lang)
                )
            )
    return out


def _investment_table(plan: Plan) -> pd.DataFrame:
    cycle, lang = plan.cycle, plan.settings.lang
    assert cycle is not None
    table = cycle.building_by_year[cycle.building_by_year["level"] == "all"]
    wide = table.pivot_table(index="school_year", columns="item", values="rooms", aggfunc="sum").fillna(0)
    money = table.groupby("school_year")["cost_million_vnd"].sum()
    out = pd.DataFrame({column_label("school_year", lang): [school_year_label(y, lang) for y in wide.index]})
    for item in ("classroom", "functional_room", "permanent_rebuild"):
        out[code_name(item, lang)] = wide[item].astype(int).to_numpy() if item in wide else 0
    out[column_label("cost_million_vnd", lang)] = money.reindex(wide.index).round().astype(int).to_numpy()
    out[column_label("cost_to_date_million_vnd", lang)] = (
        money.reindex(wide.index).cumsum().round().astype(int).to_numpy()
    )
    return out


def _cycle_section(plan: Plan) -> Any:
    from tuyensinh.present.report import ReportSection, ReportTable, number_text

    cycle, lang = plan.cycle, plan.settings.lang
    assert cycle is not None
    heading = cycle_text("report.cycle", lang)
    if cycle.universal is None and cycle.intake is None:
        return ReportSection(heading, intro=cycle_text("report.cycle_none", lang))
    sentences: list[str] = []
    if cycle.intake_accuracy is not None and len(cycle.intake_accuracy):
        acc = cycle.intake_accuracy
        year = int(acc["school_year"].max())
        for row in acc[acc["school_year"] == year].itertuples(index=False):
            name = level_name(row.level, lang) if row.level != "all" else cycle_text("report.whole_ward", lang)
            sentences.append(
                cycle_text(
                    "report.intake",
                    lang,
                    year=school_year_label(year, lang),
                    level=name,
                    actual=number_text(row.actual, lang),
                    quota=number_text(row.quota, lang),
                    accuracy=_pct(row.accuracy, lang),
                    target=_pct(row.accuracy_target, lang),
                )
            )
    else:
        sentences.append(
            cycle_text(
                "report.needs",
                lang,
                feature=code_name("intake_report", lang),
                needs=needs_sentence(cycle.needs("intake_report"), lang),
            )
        )
    if cycle.rates is not None:
        counts = cycle.rates["source"].value_counts()
        sentences.append(
            cycle_text(
                "report.rates",
                lang,
                data=int(counts.get("data", 0)),
                mixed=int(counts.get("data + norm table", 0)),
                norm=int(counts.get("norm table", 0)),
                ward=int(counts.get("ward.toml", 0)),
            )
        )
    tables = []
    if cycle.universal is not None and len(cycle.universal):
        uni = cycle.universal
        year = int(uni["school_year"].max())
        rows = uni[uni["school_year"] == year]
        frame = pd.DataFrame(
            {
                column_label("indicator", lang): [code_name(i, lang) for i in rows["indicator"]],
                column_label("value", lang): [_pct(v, lang) for v in rows["value"]],
                column_label("degree_reached", lang): [
                    "–" if pd.isna(d) else str(int(d)) for d in rows["degree_reached"]
                ],
                column_label("target", lang): [_pct(v, lang) for v in rows["target"]],
                column_label("method", lang): rows["method"].tolist(),
            }
        )
        tables.append(
            ReportTable(
                cycle_text("report.universal_table", lang, year=school_year_label(year, lang)),
                frame,
                note=cycle_text("report.universal_note", lang),
            )
        )
        for row in cycle.coverage.itertuples(index=False):
            if row.feature in ("universal_by_age", "completion_indicators") and not row.enabled:
                sentences.append(
                    cycle_text(
                        "report.needs",
                        lang,
                        feature=code_name(row.feature, lang),
                        needs=needs_sentence(row.needs, lang),
                    )
                )
    return ReportSection(heading, sentences=tuple(sentences), tables=tables)


def cycle_sections(plan: Plan) -> list[Any]:
    """The two report sections of the cycle (none when the plan has no cycle)."""
    from tuyensinh.present.report import ReportSection, ReportTable

    if plan.cycle is None:
        return []
    lang = plan.settings.lang
    names = dict(zip(plan.ward.schools["school_id"].astype(str), plan.ward.schools["name"].astype(str), strict=True))
    horizon = school_year_label(plan.school_years[-1], lang)
    facilities = ReportSection(
        cycle_text("report.facilities", lang, horizon=horizon),
        intro=cycle_text("report.facilities_intro", lang),
        sentences=tuple(_facility_sentences(plan, names)),
        tables=[ReportTable(cycle_text("report.investment_table", lang), _investment_table(plan))],
    )
    return [facilities, _cycle_section(plan)]
