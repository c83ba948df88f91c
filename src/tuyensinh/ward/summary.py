"""What a valid ward folder holds, in a few lines a planner can check at a glance.

Used by `tuyensinh validate`: the quarters, the population by school-age band and year, the
schools and classrooms by level and which optional files are present. Labels are Vietnamese by
default, English with ``lang="en"``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tuyensinh.ward import Ward
from tuyensinh.ward.codes import LEVELS
from tuyensinh.ward.errors import WardDataError
from tuyensinh.words.core import number
from tuyensinh.words.labels import level_name, ward_title
from tuyensinh.words.validate import VALIDATE, say

__all__ = ["AGE_BANDS", "population_by_band", "schools_by_level", "summary_text", "problems_text"]

# School-age bands (completed age at the end of the year): nhà trẻ, mẫu giáo, tiểu học, THCS, THPT.
AGE_BANDS: tuple[tuple[int, int], ...] = ((0, 2), (3, 5), (6, 10), (11, 14), (15, 17))


def population_by_band(ward: Ward) -> pd.DataFrame:
    """Persons per year (rows) and age band (columns '0–2' … '15–17'), with a 0–17 total."""
    population = ward.population_by_age()
    lows = np.array([low for low, _ in AGE_BANDS])
    highs = np.array([high for _, high in AGE_BANDS])
    ages = population["age"].to_numpy()
    band = np.searchsorted(lows, ages, side="right") - 1
    inside = (band >= 0) & (ages <= highs[np.clip(band, 0, None)])
    names = np.array([f"{low}–{high}" for low, high in AGE_BANDS])
    table = (
        population.loc[inside]
        .assign(band=names[band[inside]])
        .pivot_table(index="year", columns="band", values="count", aggfunc="sum", fill_value=0)
        .reindex(columns=names, fill_value=0)
        .astype("int64")
    )
    table["0–17"] = table.sum(axis=1)
    table.columns.name = None
    return table


def schools_by_level(ward: Ward) -> pd.DataFrame:
    """Number of schools and classrooms per level (rows mam_non, tieu_hoc, thcs)."""
    grouped = ward.schools.groupby("level").agg(schools=("school_id", "size"), classrooms=("classrooms", "sum"))
    return grouped.reindex(list(LEVELS), fill_value=0).astype("int64")


def _table(frame: pd.DataFrame, index_label: str, lang: str) -> list[str]:
    """A plain-text table with right-aligned numbers (written as in `lang`: 1.523 / 1,523)."""
    header = [index_label, *map(str, frame.columns)]
    rows = [
        [str(index), *(number(value, lang) for value in values)]
        for index, values in zip(frame.index, frame.to_numpy(), strict=True)
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join([cells[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    return [line(header), *(line(row) for row in rows)]


def summary_text(ward: Ward, lang: str = "vi") -> str:
    """The summary `tuyensinh validate` prints for a valid ward folder."""
    years = ward.years
    setting = say(f"setting.{ward.setting}", lang) if f"setting.{ward.setting}" in VALIDATE else ward.setting
    lines = [
        f"{ward_title(ward.kind, ward.name, lang)} ({ward.code}), {ward.province}".rstrip(", "),
        say("summary.valid", lang),
        "",
        f"{say('summary.quarters', lang)}: {len(ward.quarters)}",
        f"{say('summary.years', lang)}: {years[0]}–{years[-1]}",
        f"{say('summary.base', lang)}: {ward.base_year} / {ward.horizon}",
        f"{say('summary.setting', lang)}: {setting}",
        f"{say('summary.crs', lang)}: {ward.crs}",
        "",
        say("summary.population", lang) + ":",
    ]
    lines += ["  " + line for line in _table(population_by_band(ward), say("summary.year", lang), lang)]
    schools = schools_by_level(ward)
    schools.index = [level_name(level, lang) for level in schools.index]
    schools.loc[say("summary.sum", lang)] = schools.sum()
    schools.columns = [say("summary.n_schools", lang), say("summary.classrooms", lang)]
    lines += ["", say("summary.schools", lang) + ":"]
    lines += ["  " + line for line in _table(schools, say("summary.level", lang), lang)]
    present, absent = say("summary.present", lang), say("summary.absent", lang)
    files = ", ".join(f"{name}.csv: {present if here else absent}" for name, here in ward.optional_files.items())
    lines += ["", f"{say('summary.optional', lang)}: {files}"]
    if ward.context:
        layers = ", ".join(f"{layer.name} ({len(layer.frame)})" for layer in ward.context)
        lines += [f"{say('summary.context', lang)}: {layers}"]
    return "\n".join(lines)


def problems_text(error: WardDataError, lang: str = "vi") -> str:
    """Every problem, grouped by file, worded in the planner's language (Vietnamese by default)."""
    lines = [say("summary.problems", lang, folder=error.folder, n=len(error.problems))]
    by_file: dict[str, list[str]] = {}
    for problem in error.problems:
        by_file.setdefault(problem.file, []).append(problem.text(lang, with_file=False))
    for file, entries in by_file.items():
        lines += ["", f"{file} ({len(entries)}):"]
        lines += [f"  - {entry}" for entry in entries]
    return "\n".join(lines)
