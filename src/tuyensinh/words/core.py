"""The machinery of every wording catalog of the app: the languages, one check, `Text` and `Catalog`.

A catalog maps a key to a (Vietnamese, English) pair of templates with the same
``{placeholders}``. `Catalog.say(key, lang, **fields)` words one entry in one language;
`Catalog.text(key, **fields)` words it in both at once, as a `Text`. A field that is itself a
`Text` is inserted in the matching language; any other field is inserted as written (numbers
are formatted by the caller, so values read from the planner's files appear exactly as they are).
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from forecast.langs import LANGS, check_lang  # the one language check, shared with the engines
from forecast.langs import format_number as number  # the one number format of every output

__all__ = ["LANGS", "check_lang", "number", "pick", "placeholders", "Text", "EMPTY", "Catalog", "WordedError"]


def pick(pair: tuple[str, str], lang: str) -> str:
    """The `lang` member of a (Vietnamese, English) pair."""
    return pair[LANGS.index(check_lang(lang))]


def placeholders(template: str) -> set[str]:
    """The names of the ``{placeholders}`` of a template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Text:
    """One text in both languages."""

    vi: str
    en: str

    def get(self, lang: str = "vi") -> str:
        """The text in `lang`."""
        return self.vi if check_lang(lang) == "vi" else self.en

    def __add__(self, other: Text) -> Text:
        return Text(self.vi + other.vi, self.en + other.en)


EMPTY = Text("", "")


class WordedError(ValueError):
    """Something the planner asked cannot be done; `worded` says why in both languages
    (`str(error)`: English). The command line prints it as `Lỗi: …` / `error: …` in its --lang;
    a library caller picks the language with `text(lang)`."""

    def __init__(self, worded: Text) -> None:
        self.worded = worded
        super().__init__(worded.en)

    def text(self, lang: str = "vi") -> str:
        """The error in `lang` ("vi" or "en")."""
        return self.worded.get(lang)


def _in(lang: str, fields: Mapping[str, object]) -> dict[str, object]:
    return {name: value.get(lang) if isinstance(value, Text) else value for name, value in fields.items()}


class Catalog(Mapping[str, tuple[str, str]]):
    """One domain's wording: key -> (Vietnamese template, English template)."""

    def __init__(self, name: str, entries: Mapping[str, tuple[str, str]]) -> None:
        self.name = name
        self._entries = dict(entries)

    def __getitem__(self, key: str) -> tuple[str, str]:
        return self._entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def _pair(self, key: str) -> tuple[str, str]:
        try:
            return self._entries[key]
        except KeyError:  # a programming error, not a planner's
            raise KeyError(f"no label {key!r} in {self.name}") from None

    def say(self, key: str, /, lang: str = "vi", **fields: object) -> str:
        """The entry `key` in `lang`, with its ``{fields}`` filled in."""
        return pick(self._pair(key), lang).format(**_in(lang, fields))

    def text(self, key: str, /, **fields: object) -> Text:
        """The entry `key` in both languages, with its ``{fields}`` filled in."""
        vi, en = self._pair(key)
        return Text(vi.format(**_in("vi", fields)), en.format(**_in("en", fields)))
