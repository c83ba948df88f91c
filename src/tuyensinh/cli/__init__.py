"""The `tuyensinh` command line: one subcommand per planning step.

Each subcommand lives in `tuyensinh.cli.<name>` and provides `register(subparsers)`,
which adds its parser and sets `run=<function(args) -> int>` as default: parse → call → print.
A command imports the engines it calls inside its `run`, so `tuyensinh --help` or `validate`
start without loading the solver and plotting stacks (the only imports inside functions left in
the app layer).
The help, argparse's messages and everything printed are in the planner's language: Vietnamese
by default, English with `--lang en` (read from argv before the parser is built:
`tuyensinh.cli.language`; help texts in `tuyensinh.words.cli`). An option error exits with code 2.
Exit codes: 0 success, 2 invalid input data (the problems are printed, in the command's --lang:
Vietnamese by default), a zoning that cannot be made as asked (`zoning.ZoningError`, printed
in --lang; other ValueErrors as "error: …"), an output folder that may not be replaced or an
operating-system error (permissions, disk full, read-only, busy: one sentence, no traceback),
130 stopped with Ctrl-C, 1 unexpected failure.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from importlib import metadata

from tuyensinh.cli.language import argparse_in, localize, requested_lang
from tuyensinh.present.owned import OutputFolderError
from tuyensinh.ward.errors import WardDataError
from tuyensinh.words.core import LANGS, WordedError
from tuyensinh.words.system import os_error_text
from tuyensinh.words.system import say as say_system
from tuyensinh.words.zone import say

COMMANDS = (
    "init",
    "validate",
    "forecast",
    "backtest",
    "capacity",
    "zone",
    "plan",
    "compare",
    "network",
    "batch",
    "citywide",
)


def _version() -> str:
    """The installed version (pyproject.toml), or '?' when running from a bare source tree."""
    try:
        return metadata.version("tuyensinh")
    except metadata.PackageNotFoundError:  # pragma: no cover - not installed
        return "?"


PROVINCE_COMMANDS = ("batch", "citywide", "sample")
"""The commands of `python -m tuyensinh.province` (its words: the keys `province.*`)."""


def build_parser(
    lang: str = "vi", *, prog: str = "tuyensinh", commands: Sequence[str] = COMMANDS, words: str = "tuyensinh"
) -> argparse.ArgumentParser:
    """The `prog` parser with the sub-commands `commands` (each `tuyensinh.cli.<name>`) and its
    help in `lang` from the `words.*` entries of `tuyensinh.words.cli` (build and use it inside
    `argparse_in(lang)` for argparse's own words in `lang` too, as `main` does)."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--version", action="version", version=f"tuyensinh {_version()}")
    parser.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in commands:
        module_name = f"tuyensinh.cli.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(sub)
    localize(parser, lang, words)
    return parser


def province_main(argv: Sequence[str] | None = None) -> int:
    """`python -m tuyensinh.province batch|citywide|sample …`: `tuyensinh batch` and `tuyensinh
    citywide`, plus `sample` (the synthetic sample province), in the same planner's language."""
    return main(argv, prog="python -m tuyensinh.province", commands=PROVINCE_COMMANDS, words="province")


def main(
    argv: Sequence[str] | None = None,
    *,
    prog: str = "tuyensinh",
    commands: Sequence[str] = COMMANDS,
    words: str = "tuyensinh",
) -> int:
    """Run the command line (`argv`: default sys.argv[1:]); the exit code (module docstring)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = requested_lang(argv)
    with argparse_in(lang):
        args = build_parser(lang, prog=prog, commands=commands, words=words).parse_args(argv)
    args.lang = lang  # `tuyensinh --lang en plan …` and `tuyensinh plan … --lang en` alike
    try:
        return int(args.run(args) or 0)
    except WardDataError as error:
        print(error.report(lang), file=sys.stderr)
        return 2
    except ValueError as error:
        print(_error_text(error, lang), file=sys.stderr)
        return 2
    except OSError as error:
        said = os_error_text(error).get(lang) if error.errno is not None else str(error)
        print(f"{say_system('os.prefix', lang)}: {said}", file=sys.stderr)
        return 2
    except RecursionError:
        print(f"{say_system('os.prefix', lang)}: {say_system('too_deep', lang)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(say_system("interrupted", lang), file=sys.stderr)
        return 130


def _error_text(error: Exception, lang: str) -> str:
    """'Lỗi: …' / 'error: …' for a `zoning.ZoningError` or a `tuyensinh.words.core.WordedError`
    (a `CommandError`, the province commands' refusals: worded in `lang`);
    'error: …' for any other ValueError. zoning is not imported here: a ZoningError exists only
    once it is loaded."""
    notes = sys.modules.get("zoning.notes")
    worded = isinstance(error, (WordedError, OutputFolderError))
    if worded or (notes is not None and isinstance(error, notes.ZoningError)):
        return f"{say('error.prefix', lang)}: {error.text(lang)}"  # type: ignore[attr-defined]
    return f"error: {error}"
