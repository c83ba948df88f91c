"""The codes of levels and grades (docs/architecture.md) and how grades group for the norms.

Ages per grade (the cohort rule) are not here: they are regulation figures and live in the
norm table (`norms.csv`, key `cohort_age`, Luật Giáo dục 2019 Art. 28); `Norms.grade_table()`
joins them to these codes.
"""

from __future__ import annotations

__all__ = [
    "LEVELS",
    "GRADES",
    "LEVEL_GRADES",
    "GRADE_LEVEL",
    "PARTICIPATION_GROUP",
    "PRESCHOOL_BLOCKS",
    "ENTRY_GRADES",
    "SETTINGS",
    "check_level",
    "LEVEL_NAMES",
    "LEVEL_NAMES_SHORT",
    "GRADE_NAMES",
    "school_year_label",
]

LEVELS: tuple[str, ...] = ("mam_non", "tieu_hoc", "thcs")

LEVEL_GRADES: dict[str, tuple[str, ...]] = {
    "mam_non": ("nt_3_12m", "nt_13_24m", "nt_25_36m", "mg_3_4", "mg_4_5", "mg_5_6"),
    "tieu_hoc": ("lop_1", "lop_2", "lop_3", "lop_4", "lop_5"),
    "thcs": ("lop_6", "lop_7", "lop_8", "lop_9"),
}

GRADES: tuple[str, ...] = tuple(g for level in LEVELS for g in LEVEL_GRADES[level])

# What planners call the levels and grades: code -> (Vietnamese, English). The one place these
# names live; the report, workbook, charts and maps all read them from here.
LEVEL_NAMES: dict[str, tuple[str, str]] = {
    "mam_non": ("Mầm non", "Preschool"),
    "tieu_hoc": ("Tiểu học", "Primary"),
    "thcs": ("Trung học cơ sở", "Lower secondary"),
}
# Inside a sentence or a chart label: lower case, and the usual abbreviation THCS.
LEVEL_NAMES_SHORT: dict[str, tuple[str, str]] = {
    "mam_non": ("mầm non", "preschool"),
    "tieu_hoc": ("tiểu học", "primary"),
    "thcs": ("THCS", "lower secondary"),
}
GRADE_NAMES: dict[str, tuple[str, str]] = {
    "nt_3_12m": ("Nhà trẻ 3–12 tháng", "Nursery 3–12 months"),
    "nt_13_24m": ("Nhà trẻ 13–24 tháng", "Nursery 13–24 months"),
    "nt_25_36m": ("Nhà trẻ 25–36 tháng", "Nursery 25–36 months"),
    "mg_3_4": ("Mẫu giáo 3–4 tuổi", "Kindergarten 3–4 years"),
    "mg_4_5": ("Mẫu giáo 4–5 tuổi", "Kindergarten 4–5 years"),
    "mg_5_6": ("Mẫu giáo 5–6 tuổi", "Kindergarten 5–6 years"),
    **{f"lop_{g}": (f"Lớp {g}", f"Grade {g}") for g in range(1, 10)},
}


def school_year_label(year: int) -> str:
    """2027 → '2027–2028': the school year starting in September 2027 (same in both languages)."""
    return f"{int(year)}–{int(year) + 1}"


GRADE_LEVEL: dict[str, str] = {g: level for level in LEVELS for g in LEVEL_GRADES[level]}

# Participation rates are set per group: nhà trẻ (nursery, ages 0-2), mẫu giáo (kindergarten,
# ages 3-5), and the two general-education levels.
PARTICIPATION_GROUP: dict[str, str] = {
    **dict.fromkeys(LEVEL_GRADES["mam_non"][:3], "nha_tre"),
    **dict.fromkeys(LEVEL_GRADES["mam_non"][3:], "mau_giao"),
    **dict.fromkeys(LEVEL_GRADES["tieu_hoc"], "tieu_hoc"),
    **dict.fromkeys(LEVEL_GRADES["thcs"], "thcs"),
}

# Mixed-age groups are formed inside nhà trẻ or inside mẫu giáo, never across the two
# (TT 52/2020 Art. 15: "nhóm trẻ ghép" / "lớp mẫu giáo ghép").
PRESCHOOL_BLOCKS: tuple[tuple[str, ...], ...] = (
    LEVEL_GRADES["mam_non"][:3],
    LEVEL_GRADES["mam_non"][3:],
)

# Grades that take new pupils each school year (quotas, chỉ tiêu tuyển sinh): every preschool
# age group (preschools admit into every group), grade 1 and grade 6.
ENTRY_GRADES: dict[str, tuple[str, ...]] = {
    "mam_non": LEVEL_GRADES["mam_non"],
    "tieu_hoc": ("lop_1",),
    "thcs": ("lop_6",),
}

SETTINGS: tuple[str, ...] = ("urban", "rural", "mountain")


def check_level(level: str, where: str = "level") -> str:
    """Return `level` if it is a level code, else raise a ValueError naming the allowed codes."""
    if level not in LEVELS:
        raise ValueError(
            f"{where}: unknown level {level!r}; use one of {', '.join(LEVELS)} "
            "(mam_non = mầm non, tieu_hoc = tiểu học, thcs = THCS)"
        )
    return level
