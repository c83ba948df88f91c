"""What `tuyensinh zone` prints, and the errors of its arguments that are the command's, not zoning's.

The zoning engine words its own notes and errors (`zoning.labels`, `zoning.notes`); this catalog
holds the progress lines, the summary line and the two errors the command finds before any
zoning is made (a school year outside the forecast, a level without schools), and the "Lỗi" /
"error" prefix the command line puts before an error.
"""

from __future__ import annotations

from tuyensinh.words.core import Catalog

__all__ = ["ZONE", "say"]

ZONE = Catalog(
    __name__,
    {
        # what `tuyensinh zone` prints
        "zone.progress_forecast": (
            "Dự báo dân số và nhu cầu tuyển sinh ({place})…",
            "Forecasting population and enrollment demand ({place})…",
        ),
        "zone.progress_zoning": ("Phân tuyến tuyển sinh cấp {level}, {years}…", "Zoning {level} schools, {years}…"),
        "zone.written": (
            "{out}: zones.csv, school_load.csv, solver.json, bản đồ (PNG, PDF, HTML)",
            "{out}: zones.csv, school_load.csv, solver.json, maps (PNG, PDF, HTML)",
        ),
        "zone.solver": ("lời giải {solver}: {status}", "solver {solver}: {status}"),
        "zone.solver_year": ("{year}: {status}", "{year}: {status}"),
        "zone.status_optimal": (
            "tối ưu (chênh lệch so với cận dưới {gap}, {seconds} giây)",
            "optimal (gap {gap}, {seconds} s)",
        ),
        "zone.status_feasible": (
            "chưa chứng minh tối ưu (cách phương án tối ưu tối đa {gap}, {seconds} giây)",
            "not proven optimal (gap {gap}, {seconds} s)",
        ),
        "zone.gap_unknown": ("chưa biết", "unknown"),
        # errors of the command's arguments, found before any zoning is made
        "error.school_year_outside": (
            "--school-year phải là năm từ {first} (năm sau năm gốc base_year) đến {horizon} (năm cuối dự "
            "báo horizon) của ward.toml; đã nhập {years}.",
            "--school-year must be a year from {first} (the year after base_year) to {horizon} (the "
            "horizon) of ward.toml; got {years}.",
        ),
        "error.no_school_of_level": (
            "schools.csv không có trường cấp {level} nào; không có gì để phân tuyến.",
            "schools.csv has no {level} school; nothing to zone.",
        ),
        "error.prefix": ("Lỗi", "error"),
    },
)


def say(key: str, /, lang: str = "vi", **fields: object) -> str:
    """The entry `key` of `ZONE` in `lang`, with its ``{fields}`` filled in."""
    return ZONE.say(key, lang, **fields)
