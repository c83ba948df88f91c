"""Which zones a plan's figures assume, in words: rooms short with the proposed zones beside
the current zones' (report.html's capacity table, the summary and the printed headlines)."""

from __future__ import annotations

import pandas as pd

from tuyensinh.plan.types import Plan
from tuyensinh.present.flags import ward_shortfall_sentences
from tuyensinh.words.labels import say, school_year_label

__all__ = ["current_shortfall", "rezoning_sentences", "shortfall_sentences"]


def current_shortfall(plan: Plan, rows: pd.DataFrame) -> dict[str, pd.Series]:
    """The rooms short of `rows`' schools and years under the current zones (zones.csv of the
    ward folder), as one labelled column beside the proposed zones' (none without zones.csv)."""
    if plan.capacity_current is None:
        return {}
    keys = ["school_id", "level", "school_year"]
    current = rows[keys].merge(plan.capacity_current[[*keys, "room_shortfall"]], on=keys, how="left")
    return {
        say("col.room_shortfall_current", plan.settings.lang): current["room_shortfall"]
        .fillna(0)
        .astype(int)
        .set_axis(rows.index)
    }


def shortfall_sentences(plan: Plan) -> list[str]:
    """Rooms short per level with the proposed zones, then with the current zones (when the
    ward has zones.csv), each sentence saying which zones it assumes."""
    ward, lang = plan.ward, plan.settings.lang
    lines = ward_shortfall_sentences(plan.capacity, ward.schools, lang=lang, zones="proposed")
    if plan.capacity_current is not None:
        lines += ward_shortfall_sentences(plan.capacity_current, ward.schools, lang=lang, zones="current")
    return lines


def _open_ids(schools: pd.DataFrame, level: str, year: int) -> set[str]:
    own = schools[schools["level"] == level]
    opens = pd.to_numeric(own["opens"], errors="coerce").fillna(-1e9)
    closes = pd.to_numeric(own["closes"], errors="coerce").fillna(1e9)
    return set(own.loc[(opens <= year) & (year < closes), "school_id"].astype(str))


def rezoning_sentences(plan: Plan) -> list[str]:
    """One sentence per level and school year from which the proposed zones are drawn again
    because a school opens or closes (`Plan.held`): which schools, and how many quarters change
    school (the zones of each year: zones_proposed_by_year.csv)."""
    held, lang = plan.held, plan.settings.lang
    if held is None or not plan.reopened:
        return []
    schools = plan.ward.schools
    names = dict(zip(schools["school_id"].astype(str), schools["name"].astype(str), strict=True))
    lines = []
    for level in plan.reopened:
        own = held[held["level"] == level]
        main = own.sort_values("share", ascending=False).drop_duplicates(["school_year", "quarter_id"])
        school_of = main.pivot(index="quarter_id", columns="school_year", values="school_id")
        for year in plan.school_years[1:]:
            before, now = _open_ids(schools, level, year - 1), _open_ids(schools, level, year)
            if before == now:
                continue
            events = [say("rezone.opens", lang, school=names.get(s, s)) for s in sorted(now - before)]
            events += [say("rezone.closes", lang, school=names.get(s, s)) for s in sorted(before - now)]
            moved = int((school_of[year] != school_of[year - 1]).sum())
            lines.append(
                say(
                    "rezone.sentence",
                    lang,
                    school_year=school_year_label(year, lang),
                    events=", ".join(events),
                    moved=moved,
                )
            )
    return lines
