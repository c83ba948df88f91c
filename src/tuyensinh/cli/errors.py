"""Errors of a command's own arguments, found before any engine runs, worded in the planner's language."""

from __future__ import annotations

import argparse
import math

from tuyensinh.cli.language import active_lang
from tuyensinh.words.core import WordedError
from tuyensinh.words.system import say

__all__ = ["CommandError", "finite_number"]


def finite_number(written: str) -> float:
    """An argparse type: a finite number of at least 0 (`nan`, `inf`, `-1` refused in the command
    line's language; in both languages when called outside `tuyensinh.cli.main`)."""

    try:
        value = float(written)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        lang = active_lang()
        raise argparse.ArgumentTypeError(
            say("arg.finite", lang, value=written)
            if lang
            else f"{say('arg.finite', 'vi', value=written)} / {say('arg.finite', 'en', value=written)}"
        )
    return value


class CommandError(WordedError):
    """A command cannot run as asked; `worded` says why in both languages (`str(error)`: English).

    The command line prints it as `Lỗi: …` / `error: …` in the command's --lang, like a
    `zoning.ZoningError`.
    """
