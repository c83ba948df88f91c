"""What `tuyensinh validate` prints and the headings of every report of input-data problems.

`VALIDATE` words the summary of a valid ward folder (`tuyensinh.ward.summary`) and the headings
of `WardDataError.report` and `ScenarioFileError.report`; `problem_part` gives the words of one
problem line ("dòng", "cột", "Cách sửa").
"""

from __future__ import annotations

from tuyensinh.words.core import Catalog

__all__ = ["VALIDATE", "say", "problems_heading"]

VALIDATE = Catalog(
    __name__,
    {
        # the summary `tuyensinh validate` prints
        "summary.quarters": ("Số khu phố/thôn", "Quarters"),
        "summary.crs": ("Hệ tọa độ tính khoảng cách", "Projected CRS for distances"),
        "summary.years": ("Năm có số liệu dân số", "Population years"),
        "summary.base": ("Năm gốc / năm dự báo cuối", "Base year / horizon"),
        "summary.setting": ("Loại địa bàn", "Setting"),
        "summary.population": (
            "Dân số theo nhóm tuổi (người, cuối năm)",
            "Population by age band (persons, end of year)",
        ),
        "summary.year": ("Năm", "Year"),
        "summary.total": ("Tổng 0–17", "Total 0–17"),
        "summary.schools": ("Trường và phòng học theo cấp", "Schools and classrooms by level"),
        "summary.level": ("Cấp học", "Level"),
        "summary.n_schools": ("Số trường", "Schools"),
        "summary.classrooms": ("Phòng học", "Classrooms"),
        "summary.optional": ("Tệp tùy chọn", "Optional files"),
        "summary.present": ("có", "present"),
        "summary.absent": ("không có", "absent"),
        "summary.context": ("Lớp bản đồ nền (context/)", "Map context layers (context/)"),
        "summary.valid": ("Dữ liệu hợp lệ.", "The ward folder is valid."),
        "summary.problems": (
            "Thư mục {folder} có {n} lỗi cần sửa:",
            "The ward folder {folder} has {n} problem(s) to fix:",
        ),
        "summary.age_unit": ("tuổi", "years"),
        "summary.sum": ("Cộng", "All levels"),
        # the settings of ward.toml
        "setting.urban": ("đô thị", "urban"),
        "setting.rural": ("nông thôn", "rural"),
        "setting.mountain": ("miền núi", "mountain"),
        # one problem line and the heading of each report of problems
        "problem.row": ("dòng", "row"),
        "problem.column": ("cột", "column"),
        "problem.fix": ("Cách sửa", "Fix"),
        "problem.ward_heading": (
            "Thư mục {folder} có {n} lỗi cần sửa:",
            "The ward folder {folder} has {n} problem(s):",
        ),
        "problem.scenarios_heading": (
            "Tệp kịch bản {file} có {n} lỗi cần sửa:",
            "The scenarios file {file} has {n} problem(s):",
        ),
        "problem.scenarios_heading_several": (
            "Các tệp kịch bản {file} có {n} lỗi cần sửa:",
            "The scenarios files {file} have {n} problem(s):",
        ),
    },
)


def say(key: str, /, lang: str = "vi", **fields: object) -> str:
    """The entry `key` of `VALIDATE` in `lang`, with its ``{fields}`` filled in."""
    return VALIDATE.say(key, lang, **fields)


def problems_heading(lang: str, *, folder: str, n: int, scenarios: bool = False, several: bool = False) -> str:
    """The heading of a report of `n` problems: of a ward folder, or of one or `several` scenario files."""
    if not scenarios:
        return say("problem.ward_heading", lang, folder=folder, n=n)
    key = "problem.scenarios_heading_several" if several else "problem.scenarios_heading"
    return say(key, lang, file=folder, n=n)
