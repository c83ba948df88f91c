"""report.html: one self-contained page a ward office can read, print and forward.

Everything is inside the file: the CSS is inline, every chart and map is embedded as a base64
PNG, nothing is fetched from the internet (ward offices are often offline or behind filters).
This module turns figures and tables into that page and turns the capacity table into flags in
plain words ("Trường Tiểu học X thiếu 3 phòng học từ năm học 2028–2029"); the plan pipeline
decides what goes in (`tuyensinh.plan.content`).
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: never open a window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from tuyensinh.present.outputs import write_text_atomic
from tuyensinh.words.labels import LEVEL_ORDER, check_lang, level_name, say, school_year_label
from zoning.labels import number  # one Vietnamese/English number format for maps and report

__all__ = [
    "ReportFigure",
    "ReportTable",
    "ReportSection",
    "figure_png",
    "render_report",
    "write_report",
    "flag_sentences",
    "UNDERUSED_BELOW",
    "ward_shortfall_sentences",
    "number_text",
    "vi_thousands",
    "who_word",
]

UNDERUSED_BELOW = 0.5  # a school using under half its rooms' places is named as under-used


@dataclass(frozen=True)
class ReportFigure:
    """One chart or map for the report, already rendered to PNG bytes."""

    title: str
    png: bytes
    caption: str = ""


@dataclass(frozen=True)
class ReportTable:
    """One table for the report; column names and values as the planner should read them.

    Numeric columns are written in the page's language (Vietnamese: 3.237 and 12,5; English:
    3,237 and 12.5): integers whole, floats with one decimal. Give years as labels
    (`school_year_label`), not integers, or they get a thousands separator.
    """

    title: str
    frame: pd.DataFrame
    note: str = ""


@dataclass(frozen=True)
class ReportSection:
    """A heading with its explanation, key sentences (a bullet list), figures and tables."""

    heading: str
    intro: str = ""
    figures: Sequence[ReportFigure] = field(default_factory=tuple)
    tables: Sequence[ReportTable] = field(default_factory=tuple)
    sentences: Sequence[str] = field(default_factory=tuple)


def figure_png(fig: Figure, dpi: int = 110, close: bool = True) -> bytes:
    """Render a matplotlib Figure to PNG bytes (no metadata, so runs are comparable)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    if close:
        plt.close(fig)
    return buffer.getvalue()


_CSS = """
:root { --ink:#1d2733; --muted:#5b6673; --line:#d5dbe3; --accent:#1f5f99; --over:#b3261e;
        --tight:#9a6700; --ok:#1e7b34; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink);
       max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; line-height: 1.45; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 18px; }
h1 { font-size: 1.7em; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 1.3em; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 18px 0 6px; }
.subtitle { color: var(--muted); margin: 0 0 12px; }
ul.flags { padding-left: 1.2em; }
ul.flags li { margin: 4px 0; }
li.over { color: var(--over); font-weight: bold; }
li.tight { color: var(--tight); }
li.info { color: var(--ink); }
figure { margin: 12px 0 20px; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 0.9em; }
table { border-collapse: collapse; margin: 6px 0 16px; font-size: 0.88em; }
th, td { border: 1px solid var(--line); padding: 3px 8px; }
th { background: #eef3f8; text-align: center; }
td { text-align: right; }
td:first-child, td.text { text-align: left; }
p.note { color: var(--muted); font-size: 0.88em; margin-top: -8px; }
footer { margin-top: 36px; color: var(--muted); font-size: 0.85em; border-top: 1px solid var(--line);
         padding-top: 8px; }
@page { size: A4 portrait; margin: 16mm 14mm 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure, table, ul.flags li, p.note { break-inside: avoid; page-break-inside: avoid; }
  figure img { max-height: 230mm; }
  thead { display: table-header-group; }
}
"""


def _img(figure: ReportFigure) -> str:
    data = base64.b64encode(figure.png).decode("ascii")
    caption = f"<figcaption>{html.escape(figure.caption)}</figcaption>" if figure.caption else ""
    return (
        f"<figure><h3>{html.escape(figure.title)}</h3>"
        f'<img alt="{html.escape(figure.title, quote=True)}" src="data:image/png;base64,{data}">'
        f"{caption}</figure>"
    )


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


def _table(table: ReportTable, lang: str) -> str:
    frame = table.frame.copy()
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            continue
        decimals = 1 if pd.api.types.is_float_dtype(values) else 0
        frame[column] = values.map(lambda v, decimals=decimals: number_text(v, lang, decimals))
    body = frame.to_html(index=False, border=0, escape=True, na_rep="–")
    note = f'<p class="note">{html.escape(table.note)}</p>' if table.note else ""
    return f"<h3>{html.escape(table.title)}</h3>{body}{note}"


def render_report(
    *,
    title: str,
    subtitle: str,
    flags: Sequence[tuple[str, str]],
    sections: Sequence[ReportSection],
    footer: str,
    lang: str = "vi",
    summary: Sequence[str] = (),
) -> str:
    """The whole page as HTML text.

    `flags`: (severity, sentence) with severity ``over``, ``tight`` or ``info``;
    `summary`: short sentences shown first.
    """
    check_lang(lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f'<header><h1>{html.escape(title)}</h1><p class="subtitle">{html.escape(subtitle)}</p></header>',
    ]
    if summary:
        parts.append(f"<h2>{html.escape(say('report.summary', lang))}</h2><ul>")
        parts += [f"<li>{html.escape(line)}</li>" for line in summary]
        parts.append("</ul>")
    parts.append(f'<h2>{html.escape(say("report.flags", lang))}</h2><ul class="flags">')
    parts += [f'<li class="{html.escape(kind)}">{html.escape(line)}</li>' for kind, line in flags]
    parts.append("</ul>")
    for section in sections:
        parts.append(f"<section><h2>{html.escape(section.heading)}</h2>")
        if section.intro:
            parts.append(f"<p>{html.escape(section.intro)}</p>")
        if section.sentences:
            parts.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in section.sentences) + "</ul>")
        parts += [_img(figure) for figure in section.figures]
        parts += [_table(table, lang) for table in section.tables]
        parts.append("</section>")
    parts.append(f"<footer>{html.escape(footer)}</footer></body></html>")
    return "\n".join(parts) + "\n"


def write_report(path: str | os.PathLike, page: str) -> Path:
    """Write report.html atomically (UTF-8)."""
    return write_text_atomic(path, page)


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
    capacity: pd.DataFrame, schools: pd.DataFrame | None = None, *, lang: str = "vi"
) -> list[str]:
    """Per level: new classrooms needed by the last year (sum over schools of each one's worst
    shortfall; a room built for the worst year serves every earlier year). With `schools`,
    years in which a school is closed are left out: its pupils need new zones, not new rooms
    at a closed site (`flag_sentences` says so)."""
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
                    "flag.ward_short",
                    lang,
                    level=level_name(level, lang, short=lang == "vi"),
                    rooms=_int(rooms),
                    school_year=school_year_label(last, lang),
                )
            )
    return lines
