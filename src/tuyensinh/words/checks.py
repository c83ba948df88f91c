"""Warnings about plausible but suspicious data (never blocking): what `validate` and the report say."""

from __future__ import annotations

from tuyensinh.words.core import Catalog, Text

__all__ = ["CHECKS", "text", "say"]

CHECKS = Catalog(
    __name__,
    {
        "heading": (
            "Cảnh báo ({n}) — số liệu có thể đúng nhưng nên kiểm tra lại, không chặn kế hoạch:",
            "Warnings ({n}) — data that may be right but deserve a second look; they do not stop the plan:",
        ),
        "none": ("Không có cảnh báo.", "No warnings."),
        "rooms_low": (
            "tổng số phòng học {level} ({rooms}) chưa bằng một nửa số lớp cần năm {year} (khoảng {classes} lớp cho {pupils} trẻ)",
            "the {level} schools have {rooms} classrooms, less than half the about {classes} classes needed in {year} ({pupils} pupils)",
        ),
        "fix.rooms_low": (
            "kiểm tra cột classrooms (số phòng học của cả trường, không phải của một dãy nhà) và xem có thiếu trường nào không",
            "check the classrooms column (a school's rooms, not one building's) and whether a school is missing",
        ),
        "jump": (
            "dân số khu phố/thôn {quarter_id} {change} {share} từ năm {year0} ({before} người) đến {year1} ({after} người)",
            "the population of quarter {quarter_id} {change} by {share} from {year0} ({before} persons) to {year1} ({after})",
        ),
        "jump.up": ("tăng", "rose"),
        "jump.down": ("giảm", "fell"),
        "fix.jump": (
            "ranh giới có thay đổi? có dự án nhà ở mới? nếu đúng thì giữ nguyên; nếu không, sửa số liệu năm {year1}",
            "a boundary change? new housing? if it is real keep it; if not, correct the figures of {year1}",
        ),
        "cohort": (
            "khu phố/thôn {quarter_id}: trẻ 0–17 tuổi năm {year0} còn {ratio} sang năm {year1}, các khu phố/thôn khác thường là {ward_ratio}",
            "quarter {quarter_id}: the children aged 0–17 in {year0} are {ratio} of themselves in {year1}; the ward's quarters usually show {ward_ratio}",
        ),
        "fix.cohort": (
            "kiểm tra số liệu của khu phố/thôn này hai năm đó (nhập nhầm dòng, nhầm năm sinh, nhập trùng)",
            "check this quarter's figures for those two years (rows swapped, wrong year of birth, entered twice)",
        ),
        "far_school": (
            "trường {school_id} ({name}) cách khu phố/thôn gần nhất ({quarter_id}) {distance} m, xa hơn định mức đi bộ {norm} m của {level}",
            "school {school_id} ({name}) is {distance} m from the nearest quarter ({quarter_id}), farther than the {level} walking norm of {norm} m",
        ),
        "fix.far_school": (
            "kiểm tra kinh độ, vĩ độ của trường (thứ tự kinh độ trước, vĩ độ sau; đủ chữ số thập phân)",
            "check the school's longitude and latitude (longitude first; enough decimals)",
        ),
    },
)


def text(key: str, /, **fields: object) -> Text:
    """The catalog entry `key` in both languages."""
    return CHECKS.text(key, **fields)


def say(key: str, /, lang: str = "vi", **fields: object) -> str:
    """The catalog entry `key` in `lang`."""
    return CHECKS.say(key, lang, **fields)
