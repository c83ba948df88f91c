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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from tuyensinh.present.flags import (
    UNDERUSED_BELOW,
    flag_sentences,
    number_text,
    vi_thousands,
    ward_shortfall_sentences,
    who_word,
)
from tuyensinh.present.outputs import write_text_atomic
from tuyensinh.words.labels import check_lang, say

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "ReportFigure",
    "ReportTable",
    "ReportSection",
    "figure_png",
    "page_css",
    "render_report",
    "write_report",
    "flag_sentences",
    "UNDERUSED_BELOW",
    "ward_shortfall_sentences",
    "number_text",
    "vi_thousands",
    "who_word",
]


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
    import matplotlib

    matplotlib.use("Agg")  # files only: never open a window (imported here: only drawing code needs it)
    import matplotlib.pyplot as plt

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
section.appendix { margin-top: 40px; border-top: 3px solid var(--accent); }
section.appendix h3 { font-size: 1.1em; margin-top: 22px; }
@page { size: A4 portrait; margin: 16mm 14mm 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure, table, ul.flags li, p.note { break-inside: avoid; page-break-inside: avoid; }
  figure img { max-height: 230mm; }
  thead { display: table-header-group; }
  section.appendix { break-before: page; page-break-before: always; border-top: none; margin-top: 0; }
}
"""

#: Printed page of the report: `@page` size and the tallest a figure may print (mm), per paper.
PAPER_CSS = {"A4": ("A4 portrait", 230), "A3": ("A3 portrait", 350)}


def page_css(paper: str = "A4") -> str:
    """The stylesheet for printing on `paper` ("A4" or "A3", portrait, 14–16 mm margins)."""
    try:
        size, figure_mm = PAPER_CSS[paper.upper()]
    except KeyError:
        raise ValueError(f"unknown paper size {paper!r}: use one of {', '.join(PAPER_CSS)}") from None
    return _CSS.replace("size: A4 portrait", f"size: {size}").replace("max-height: 230mm", f"max-height: {figure_mm}mm")


def _img(figure: ReportFigure) -> str:
    data = base64.b64encode(figure.png).decode("ascii")
    caption = f"<figcaption>{html.escape(figure.caption)}</figcaption>" if figure.caption else ""
    return (
        f"<figure><h3>{html.escape(figure.title)}</h3>"
        f'<img alt="{html.escape(figure.title, quote=True)}" src="data:image/png;base64,{data}">'
        f"{caption}</figure>"
    )


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


def _section_body(section: ReportSection, lang: str) -> list[str]:
    parts = [f"<p>{html.escape(section.intro)}</p>"] if section.intro else []
    if section.sentences:
        parts.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in section.sentences) + "</ul>")
    parts += [_img(figure) for figure in section.figures]
    parts += [_table(table, lang) for table in section.tables]
    return parts


def render_report(
    *,
    title: str,
    subtitle: str,
    flags: Sequence[tuple[str, str]],
    sections: Sequence[ReportSection],
    footer: str,
    lang: str = "vi",
    summary: Sequence[str] = (),
    appendix: Sequence[ReportSection] = (),
    appendix_heading: str = "",
    appendix_intro: str = "",
    paper: str = "A4",
) -> str:
    """The whole page as HTML text.

    `flags`: (severity, sentence) with severity ``over``, ``tight`` or ``info``;
    `summary`: short sentences shown first; `appendix`: sections after the main ones, under
    `appendix_heading` (a new printed page: methods and their words); `paper`: "A4" or "A3",
    the printed page size.
    """
    check_lang(lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{page_css(paper)}</style></head><body>",
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
        parts += _section_body(section, lang)
        parts.append("</section>")
    if appendix:
        parts.append(f'<section class="appendix" id="methods"><h2>{html.escape(appendix_heading)}</h2>')
        if appendix_intro:
            parts.append(f"<p>{html.escape(appendix_intro)}</p>")
        for section in appendix:
            parts += [f"<h3>{html.escape(section.heading)}</h3>", *_section_body(section, lang)]
        parts.append("</section>")
    parts.append(f"<footer>{html.escape(footer)}</footer></body></html>")
    return "\n".join(parts) + "\n"


def write_report(path: str | os.PathLike, page: str) -> Path:
    """Write report.html atomically (UTF-8)."""
    return write_text_atomic(path, page)
