"""The points to act on, in plain words: the capacity flags and the ward's shortfall as sentences.

`flag_sentences` turns the capacity table (and the zoning's overflow) into one sentence per school
and kind, most urgent first; `ward_shortfall_sentences` sums the rooms short per level. Numbers
are written as the planner writes them (`number_text`, `vi_thousands`). report.html lays them
out (`tuyensinh.present.report`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from tuyensinh.words.labels import LEVEL_ORDER, check_lang, level_name, say, school_year_label
from zoning.labels import number  # one Vietnamese/English number format for maps and report

__all__ = ["UNDERUSED_BELOW", "flag_sentences", "ward_shortfall_sentences", "number_text", "vi_thousands", "who_word"]

UNDERUSED_BELOW = 0.5  # a school whose classes need under half its rooms is named as under-used


def number_text(value: float, lang: str, decimals: int = 0) -> str:
    """A number as the planner writes it: '3.237', '12,5' (Vietnamese), '3,237', '12.5' (English)."""
    if pd.isna(value):
        return "–"
    return number(float(value), lang, decimals)


def vi_thousands(text_: str, lang: str) -> str:
    """Swap the English number marks in `text_` for Vietnamese ones when `lang` is "vi":
    3,237.5 → 3.237,5. Only marks between digits are touched, so names keep their commas."""
    if lang != "vi":
        return text_
    swap = {",": ".", ".": ","}
    return re.sub(r"(?<=\d)[,.](?=\d)", lambda m: swap[m.group(0)], text_)


def who_word(level: str, lang: str) -> str:
    """How the pupils of a level are called: 'trẻ' (preschool children), 'học sinh' (pupils)."""
    return say("report.who_children" if level == "mam_non" else "report.who_pupils", lang)


def _int(value: float) -> int:
    return int(np.ceil(float(value) - 1e-9))


def flag_sentences(
    capacity: pd.DataFrame,
    schools: pd.DataFrame,
    *,
    lang: str = "vi",
    from_year: int | None = None,
    overflow: pd.DataFrame | None = None,
) -> list[tuple[str, str]]:
    """The capacity flags in plain words, most urgent first: (severity, sentence).

    `capacity`: capacity.analyze output (`school_id, level, school_year, room_shortfall,
    utilization, p_over, flag, classes, pupils_mean`). One sentence per school and kind:
    - short of rooms: the first year it runs short and by how many rooms, and the worst year
      after that when the shortfall grows ("over");
    - close to capacity (flag "tight", never short): the first such year ("tight");
    - under-used: utilization below `UNDERUSED_BELOW` in the first year shown ("info").
    `overflow`: optional zoning overflow (`school_id, level, school_year, overflow` pupils the
    zoning could not seat within a school's rooms; "over", after the schools short of rooms).
    Order: closed schools still given pupils, short of rooms, overflow, tight, under-used.
    """
    check_lang(lang)
    names = dict(zip(schools["school_id"].astype(str), schools["name"].astype(str), strict=True))
    table = capacity.copy()
    table["school_id"] = table["school_id"].astype(str)
    if from_year is not None:
        table = table.loc[table["school_year"] >= from_year]
    if table.empty:
        return []
    first_year = int(table["school_year"].min())
    closed = _not_open(table, schools) & (table["pupils_mean"] > 0.5)
    result_closed = []
    for school_id, rows in table.loc[closed].sort_values("school_year").groupby("school_id", sort=True):
        first = rows.iloc[0]
        sentence = say(
            "flag.closed_with_pupils",
            lang,
            school="\x00",
            pupils=float(first["pupils_mean"]),
            school_year=school_year_label(first["school_year"], lang),
        )
        # the school's name goes in after the number marks are localised: its own digits stay
        result_closed.append(("over", vi_thousands(sentence, lang).replace("\x00", names.get(school_id, school_id))))
    table = table.loc[~closed]
    over: list[tuple[int, float, str, str]] = []
    tight: list[tuple[int, float, str]] = []
    info: list[tuple[int, float, str]] = []
    for school_id, rows in table.sort_values("school_year").groupby("school_id", sort=True):
        name = names.get(school_id, school_id)
        short = rows.loc[rows["room_shortfall"] > 1e-9]
        if not short.empty:
            first = short.iloc[0]
            worst = short.loc[short["room_shortfall"].idxmax()]
            fields = {
                "school": name,
                "rooms": _int(first["room_shortfall"]),
                "school_year": school_year_label(first["school_year"], lang),
            }
            if _int(worst["room_shortfall"]) > fields["rooms"]:
                sentence = say(
                    "flag.short_grows",
                    lang,
                    **fields,
                    last_year=school_year_label(worst["school_year"], lang),
                    last_rooms=_int(worst["room_shortfall"]),
                )
            else:
                sentence = say("flag.short", lang, **fields)
            over.append((int(first["school_year"]), -float(worst["room_shortfall"]), sentence, str(school_id)))
            continue
        tight_rows = rows.loc[rows["flag"] == "tight"]
        if not tight_rows.empty:
            row = tight_rows.iloc[0]
            tight.append(
                (
                    int(row["school_year"]),
                    -float(row["utilization"]),
                    say(
                        "flag.tight",
                        lang,
                        school=name,
                        school_year=school_year_label(row["school_year"], lang),
                        use=float(row["utilization"]),
                        p=0.0 if pd.isna(p_over := row.get("p_over")) else float(p_over),
                    ),
                )
            )
            continue
        opening = rows.loc[rows["school_year"] == first_year]
        if not opening.empty:
            row = opening.iloc[0]
            use = float(row["utilization"]) if pd.notna(row["utilization"]) else np.nan
            classes = float(row.get("classes", 0) or 0)
            if classes > 0 and np.isfinite(use) and use < UNDERUSED_BELOW:
                who = who_word(str(row.get("level", "")), lang)
                info.append(
                    (
                        first_year,
                        use,
                        say(
                            "flag.underused",
                            lang,
                            school=name,
                            use=use,
                            who=who,
                            school_year=school_year_label(first_year, lang),
                            size=float(row["pupils_mean"]) / classes,
                        ),
                    )
                )
    # A school both short of rooms and given pupils the zoning could not seat is said once: the
    # overflow joins its shortage sentence instead of repeating the school in a second point.
    merged: dict[str, str] = {}
    if overflow is not None and not overflow.empty:
        short_ids = {sid for *_, sid in over}
        for _, row in overflow.sort_values(["school_year", "level", "school_id"]).iterrows():
            sid = str(row["school_id"])
            if float(row["overflow"]) > 0.5 and sid in short_ids and sid not in merged:
                merged[sid] = say(
                    "flag.overflow_clause",
                    lang,
                    pupils=float(row["overflow"]),
                    school_year=school_year_label(row["school_year"], lang),
                )
    result = [*result_closed, *(("over", s + merged.get(sid, "")) for *_, s, sid in sorted(over))]
    if overflow is not None and not overflow.empty:
        for _, row in overflow.sort_values(["school_year", "level", "school_id"]).iterrows():
            if float(row["overflow"]) > 0.5 and str(row["school_id"]) not in merged:
                result.append(
                    (
                        "over",
                        say(
                            "flag.overflow",
                            lang,
                            school=names.get(str(row["school_id"]), row["school_id"]),
                            pupils=float(row["overflow"]),
                            level=level_name(row["level"], lang, short=True),
                            school_year=school_year_label(row["school_year"], lang),
                        ),
                    )
                )
    result += [("tight", s) for *_, s in sorted(tight)]
    result += [("info", s) for *_, s in sorted(info)]
    return result


def _not_open(capacity: pd.DataFrame, schools: pd.DataFrame) -> pd.Series:
    """True for capacity rows of a school year in which the school is closed or not yet open."""
    info = schools.assign(school_id=schools["school_id"].astype(str)).set_index("school_id")
    year = capacity["school_year"].astype(float)
    ids = capacity["school_id"].astype(str)
    opens = ids.map(info["opens"]).astype(float) if "opens" in info else pd.Series(np.nan, index=ids.index)
    closes = ids.map(info["closes"]).astype(float) if "closes" in info else pd.Series(np.nan, index=ids.index)
    return (opens.notna() & (year < opens)) | (closes.notna() & (year >= closes))


def ward_shortfall_sentences(
    capacity: pd.DataFrame, schools: pd.DataFrame | None = None, *, lang: str = "vi", zones: str | None = None
) -> list[str]:
    """Per level: new classrooms needed by the last year (sum over schools of each one's worst
    shortfall; a room built for the worst year serves every earlier year). With `schools`,
    years in which a school is closed are left out: its pupils need new zones, not new rooms
    at a closed site (`flag_sentences` says so). `zones` ("proposed", "current"): say in each
    sentence which zones the capacity table assumes."""
    if schools is not None:
        capacity = capacity.loc[~_not_open(capacity, schools)]
    if capacity.empty:
        return []
    last = int(capacity["school_year"].max())
    worst = capacity.groupby(["level", "school_id"])["room_shortfall"].max().groupby(level=0).sum()
    lines = []
    for level in sorted(worst.index, key=lambda lv: (LEVEL_ORDER.index(lv) if lv in LEVEL_ORDER else 9, lv)):
        rooms = worst[level]
        if rooms > 1e-9:
            lines.append(
                say(
                    "flag.ward_short" if zones is None else "flag.ward_short_zones",
                    lang,
                    zones="" if zones is None else say(f"zones.{zones}", lang),
                    level=level_name(level, lang, short=lang == "vi"),
                    rooms=_int(rooms),
                    school_year=school_year_label(last, lang),
                )
            )
    return lines
