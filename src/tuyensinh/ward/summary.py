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
from tuyensinh.words.labels import check_lang, level_name, ward_title

__all__ = ["AGE_BANDS", "population_by_band", "schools_by_level", "summary_text", "problems_text"]

# School-age bands (completed age at the end of the year): nhà trẻ, mẫu giáo, tiểu học, THCS, THPT.
AGE_BANDS: tuple[tuple[int, int], ...] = ((0, 2), (3, 5), (6, 10), (11, 14), (15, 17))

_LABELS = {
    "quarters": ("Số khu phố/thôn", "Quarters"),
    "crs": ("Hệ tọa độ tính khoảng cách", "Projected CRS for distances"),
    "years": ("Năm có số liệu dân số", "Population years"),
    "base": ("Năm gốc / năm dự báo cuối", "Base year / horizon"),
    "setting": ("Loại địa bàn", "Setting"),
    "population": ("Dân số theo nhóm tuổi (người, cuối năm)", "Population by age band (persons, end of year)"),
    "year": ("Năm", "Year"),
    "total": ("Tổng 0–17", "Total 0–17"),
    "schools": ("Trường và phòng học theo cấp", "Schools and classrooms by level"),
    "level": ("Cấp học", "Level"),
    "n_schools": ("Số trường", "Schools"),
    "classrooms": ("Phòng học", "Classrooms"),
    "optional": ("Tệp tùy chọn", "Optional files"),
    "present": ("có", "present"),
    "absent": ("không có", "absent"),
    "valid": ("Dữ liệu hợp lệ.", "The ward folder is valid."),
    "problems": ("Thư mục {folder} có {n} lỗi cần sửa:", "The ward folder {folder} has {n} problem(s) to fix:"),
    "age_unit": ("tuổi", "years"),
    "sum": ("Cộng", "All levels"),
}
_SETTINGS = {"urban": ("đô thị", "urban"), "rural": ("nông thôn", "rural"), "mountain": ("miền núi", "mountain")}


def _label(key: str, lang: str) -> str:
    return _LABELS[key][0 if check_lang(lang) == "vi" else 1]


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


def _table(frame: pd.DataFrame, index_label: str) -> list[str]:
    """A plain-text table with right-aligned numbers."""
    header = [index_label, *map(str, frame.columns)]
    rows = [[str(index), *(f"{value:,}".replace(",", " ") for value in values)]
            for index, values in zip(frame.index, frame.to_numpy())]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    def line(cells: list[str]) -> str:
        return "  ".join([cells[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(cells[1:], widths[1:]))])
    return [line(header), *(line(row) for row in rows)]


def summary_text(ward: Ward, lang: str = "vi") -> str:
    """The summary `tuyensinh validate` prints for a valid ward folder."""
    years = ward.years
    setting = _SETTINGS.get(ward.setting, (ward.setting, ward.setting))[0 if lang == "vi" else 1]
    lines = [
        f"{ward_title(ward.kind, ward.name, lang)} ({ward.code}), {ward.province}".rstrip(", "),
        _label("valid", lang),
        "",
        f"{_label('quarters', lang)}: {len(ward.quarters)}",
        f"{_label('years', lang)}: {years[0]}–{years[-1]}",
        f"{_label('base', lang)}: {ward.base_year} / {ward.horizon}",
        f"{_label('setting', lang)}: {setting}",
        f"{_label('crs', lang)}: {ward.crs}",
        "",
        _label("population", lang) + ":",
    ]
    lines += ["  " + line for line in _table(population_by_band(ward), _label("year", lang))]
    schools = schools_by_level(ward)
    schools.index = [level_name(level, lang) for level in schools.index]
    schools.loc[_label("sum", lang)] = schools.sum()
    schools.columns = [_label("n_schools", lang), _label("classrooms", lang)]
    lines += ["", _label("schools", lang) + ":"]
    lines += ["  " + line for line in _table(schools, _label("level", lang))]
    present, absent = _label("present", lang), _label("absent", lang)
    files = ", ".join(f"{name}.csv: {present if here else absent}" for name, here in ward.optional_files.items())
    lines += ["", f"{_label('optional', lang)}: {files}"]
    return "\n".join(lines)


def problems_text(error: WardDataError, lang: str = "vi") -> str:
    """Every problem, grouped by file, worded in the planner's language (Vietnamese by default)."""
    lines = [_label("problems", lang).format(folder=error.folder, n=len(error.problems))]
    by_file: dict[str, list[str]] = {}
    for problem in error.problems:
        by_file.setdefault(problem.file, []).append(problem.text(lang, with_file=False))
    for file, entries in by_file.items():
        lines += ["", f"{file} ({len(entries)}):"]
        lines += [f"  - {entry}" for entry in entries]
    return "\n".join(lines)
