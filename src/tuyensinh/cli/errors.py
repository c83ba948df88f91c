"""Errors of a command's own arguments, found before any engine runs, worded in the planner's language."""

from __future__ import annotations

from tuyensinh.words.core import Text

__all__ = ["CommandError"]


class CommandError(ValueError):
    """A command cannot run as asked; `worded` says why in both languages (`str(error)`: English).

    The command line prints it as `Lỗi: …` / `error: …` in the command's --lang, like a
    `zoning.ZoningError`.
    """

    def __init__(self, worded: Text) -> None:
        self.worded = worded
        super().__init__(worded.en)

    def text(self, lang: str = "vi") -> str:
        """The error in `lang` ("vi" or "en")."""
        return self.worded.get(lang)
