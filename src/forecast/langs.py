"""The output languages, their one check and their one number format, shared by every package
(forecast is imported by all).

Vietnamese (`vi`, the default everywhere) and English (`en`). `tuyensinh.words.core` re-exports
both for the app; the engines' presentation modules (charts, maps, notes, backtest tables) call
the same check.
"""

from __future__ import annotations

__all__ = ["LANGS", "check_lang", "format_number"]

#: The output languages: Vietnamese (the default) and English.
LANGS = ("vi", "en")


def check_lang(lang: str) -> str:
    """Return `lang` if it is a supported output language, else raise a clear ValueError."""
    if lang not in LANGS:
        raise ValueError(f"unknown output language {lang!r}: use 'vi' (Vietnamese) or 'en' (English)")
    return lang


def format_number(value: float, lang: str = "vi", decimals: int = 0) -> str:
    """A number as the planner writes it, the one number format of every output: Vietnamese
    '1.523' and '4,39' (dot between thousands, decimal comma), English '1,523' and '4.39'."""
    text = f"{value:,.{decimals}f}"
    if check_lang(lang) == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
