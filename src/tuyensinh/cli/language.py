"""The command line in the planner's language: which language was asked for, and the parser in it.

`--lang` is one of the arguments being parsed, yet the help and argparse's errors are produced
while parsing: so `requested_lang` reads it from argv first (`--lang en`, `--lang=en`, anywhere on
the line; Vietnamese otherwise). Then:
- `localize(parser, lang)` puts the help texts of `tuyensinh.words.cli` on every parser and
  argument (key `<command>.<dest>`; the command modules carry only the structure), and the
  language's placeholders on the usage lines (WARD_DIR → THƯ_MỤC_PHƯỜNG);
- `argparse_in(lang)` translates argparse's own words (usage:, the headings, "unrecognized
  arguments", "the following arguments are required", "invalid choice", "expected one
  argument", …). argparse looks them up through the module-level gettext functions `argparse._`
  and `argparse.ngettext` when it builds a parser, prints help and reports an error, so the
  context manager swaps those two names for lookups in `tuyensinh.words.cli.ARGPARSE` while the
  parser is built and used, and puts them back after. This is gettext's own hook without a .mo
  file and without touching the process's locale; an unknown message stays in English.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from tuyensinh.words.cli import ARGPARSE, CLI, METAVARS
from tuyensinh.words.core import LANGS, pick

__all__ = ["LISTED", "active_lang", "argparse_in", "localize", "requested_lang", "subparsers_of"]

LISTED = ""
"""The `help=` of every sub-command's `add_parser` call: argparse lists a sub-command in
`tuyensinh --help` only when that call has a help; the text itself is put there by `localize`
from `tuyensinh.words.cli` (the one place of the command line's words)."""

_LANG_SPELLINGS = ("--la", "--lan", "--lang")  # --lang and its abbreviations argparse accepts
_active: list[str] = []  # the language of the `argparse_in` block running, if any


def active_lang() -> str | None:
    """The language of the arguments being parsed (inside `argparse_in`), else None."""
    return _active[-1] if _active else None


def requested_lang(argv: Sequence[str]) -> str:
    """The language asked for on the command line: the last `--lang X` / `--lang=X` (or argparse's
    abbreviations `--la`, `--lan`) with X in `LANGS`, else "vi" (an unknown X is left for argparse
    to refuse)."""
    lang = "vi"
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        option, equals, written = arg.partition("=")
        if option not in _LANG_SPELLINGS:
            continue
        value = written if equals else (argv[i + 1] if i + 1 < len(argv) else None)
        if value in LANGS:
            lang = value
    return lang


@contextmanager
def argparse_in(lang: str) -> Iterator[None]:
    """argparse's own messages in `lang` while the block runs (see the module docstring)."""
    _active.append(lang)
    try:
        if lang == "en":
            yield
        else:
            with _translated():
                yield
    finally:
        _active.pop()


@contextmanager
def _translated() -> Iterator[None]:
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def gettext(message: str) -> str:
        return ARGPARSE.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def subparsers_of(parser: argparse.ArgumentParser) -> list[argparse._SubParsersAction]:
    """The sub-command actions of `parser`."""
    return [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]


def _escaped(text: str) -> str:
    """A help text as argparse wants it (it %-formats help: a percent sign is written twice)."""
    return text.replace("%", "%%")


def _metavar(metavar: str | tuple[str, ...] | None, lang: str) -> str | tuple[str, ...] | None:
    if isinstance(metavar, str) and metavar in METAVARS:
        return METAVARS[metavar][LANGS.index(lang)]
    return metavar


def localize(parser: argparse.ArgumentParser, lang: str, command: str = "tuyensinh") -> list[str]:
    """Put the `tuyensinh.words.cli` texts of `command` in `lang` on `parser` and its sub-commands.

    Returns the keys the catalog lacks (an argument added without its words: the help stays as
    written in the code; the tests require an empty list)."""
    missing: list[str] = []

    def worded(key: str) -> str | None:
        if key in CLI:
            return pick(CLI[key], lang)
        missing.append(key)
        return None

    description = worded(f"{command}.description")
    if description is not None:
        parser.description = description
    for action in parser._actions:
        action.metavar = _metavar(action.metavar, lang)
        if isinstance(action, argparse._HelpAction):
            continue  # argparse's own text, translated by `argparse_in`
        if isinstance(action, argparse._SubParsersAction):
            action.help = worded(f"{command}.command") or action.help
            for choice in action._choices_actions:
                choice.help = _escaped(worded(f"{choice.dest}.help") or choice.help or "")
            for name, sub in action.choices.items():
                missing += localize(sub, lang, name)
            continue
        help_text = worded(f"{command}.{action.dest}")
        if help_text is not None:
            action.help = _escaped(help_text)
    return missing
