"""The output languages and their one check, shared by every package (forecast is imported by all).

Vietnamese (`vi`, the default everywhere) and English (`en`). `tuyensinh.words.core` re-exports
both for the app; the engines' presentation modules (charts, maps, notes, backtest tables) call
the same check.
"""

from __future__ import annotations

__all__ = ["LANGS", "check_lang"]

#: The output languages: Vietnamese (the default) and English.
LANGS = ("vi", "en")


def check_lang(lang: str) -> str:
    """Return `lang` if it is a supported output language, else raise a clear ValueError."""
    if lang not in LANGS:
        raise ValueError(f"unknown output language {lang!r}: use 'vi' (Vietnamese) or 'en' (English)")
    return lang
