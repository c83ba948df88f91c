"""The codes a ward folder may use, and the everyday spellings accepted for them.

Planners type levels the way they say them ("Mầm non", "Tiểu học", "THCS"); the loader turns
the common spellings into the codes the engines use (docs/architecture.md, "Codes") and
names the allowed codes when a value is not recognised.
"""

from __future__ import annotations

import difflib
import unicodedata

import pandas as pd

from capacity.grades import LEVELS

__all__ = [
    "LEVELS",
    "SEXES",
    "KINDS",
    "SETTINGS",
    "fold_text",
    "normalise_codes",
    "level_aliases",
    "sex_aliases",
    "closest",
    "VIETNAM_LON",
    "VIETNAM_LAT",
]

SEXES = ("M", "F")
KINDS = ("phường", "xã", "đặc khu")
SETTINGS = ("urban", "rural", "mountain")
VIETNAM_LON = (102.0, 118.0)  # degrees east: mainland 102–110, islands (Hoàng Sa, Trường Sa) to 118
VIETNAM_LAT = (8.0, 24.0)  # degrees north


def fold_text(value: str) -> str:
    """Lower-case `value`, drop Vietnamese diacritics (đ → d) and collapse spaces, dashes, dots."""
    text = unicodedata.normalize("NFD", value.strip().lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    for sep in ("-", ".", "_", "  "):
        text = text.replace(sep, " ")
    return " ".join(text.split())


def _folded(mapping: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {fold_text(alias): code for code, aliases in mapping.items() for alias in (code, *aliases)}


# Everyday spellings (compared after `fold_text`, so "Mầm non", "MẦM NON" and "mam non" agree).
_LEVEL_ALIASES = _folded(
    {
        "mam_non": ("mầm non", "mn", "trường mầm non", "preschool", "kindergarten", "mẫu giáo"),
        "tieu_hoc": ("tiểu học", "th", "trường tiểu học", "primary", "cấp 1", "cấp i"),
        "thcs": (
            "trung học cơ sở",
            "trường thcs",
            "trường trung học cơ sở",
            "lower secondary",
            "secondary",
            "cấp 2",
            "cấp ii",
        ),
    }
)
_SEX_ALIASES = _folded(
    {
        "M": ("nam", "male", "m", "1"),
        "F": ("nữ", "nu", "female", "f", "2"),
    }
)

# Values that are real but outside what tuyensinh plans; they get their own explanation.
NOT_PLANNED_LEVELS = {
    fold_text(v): v
    for v in (
        "thpt",
        "trung học phổ thông",
        "cấp 3",
        "cấp iii",
        "liên cấp",
        "th và thcs",
        "th & thcs",
        "tiểu học và thcs",
        "thcs và thpt",
    )
}


def level_aliases() -> dict[str, str]:
    """Folded spelling → level code."""
    return dict(_LEVEL_ALIASES)


def sex_aliases() -> dict[str, str]:
    """Folded spelling → sex code ("M" or "F")."""
    return dict(_SEX_ALIASES)


def normalise_codes(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """Map each value to its code through `aliases`; unrecognised values become <NA>.

    Works per distinct value, so a column of 100 000 rows costs as much as its few spellings.
    """
    distinct = pd.Series(values.dropna().unique())
    lookup = {value: aliases.get(fold_text(value)) for value in distinct}
    return values.map(lookup).astype("object").where(lambda s: s.notna(), None)


def closest(value: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The choice that looks most like `value` (a likely typo), or None."""
    folded: dict[str, str] = {}
    for choice in choices:  # the first choice wins when two fold alike (a code before its spelling)
        folded.setdefault(fold_text(choice), choice)
    match = difflib.get_close_matches(fold_text(value), list(folded), n=1, cutoff=0.75)
    return folded[match[0]] if match else None
