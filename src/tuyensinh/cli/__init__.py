"""The `tuyensinh` command line: one subcommand per planning step.

Each subcommand lives in `tuyensinh.cli.<name>` and provides `register(subparsers)`,
which adds its parser and sets `run=<function(args) -> int>` as default: parse → call → print.
A command imports the engines it calls inside its `run`, so `tuyensinh --help` or `validate`
start without loading the solver and plotting stacks (the only imports inside functions left in
the app layer).
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

from tuyensinh.cli.errors import CommandError
from tuyensinh.present.owned import OutputFolderError
from tuyensinh.ward.errors import WardDataError
from tuyensinh.words.core import LANGS
from tuyensinh.words.system import os_error_text
from tuyensinh.words.system import say as say_system
from tuyensinh.words.zone import say

COMMANDS = ("init", "validate", "forecast", "backtest", "capacity", "zone", "plan", "compare", "network", "batch")


def _version() -> str:
    """The installed version (pyproject.toml), or '?' when running from a bare source tree."""
    try:
        return metadata.version("tuyensinh")
    except metadata.PackageNotFoundError:  # pragma: no cover - not installed
        return "?"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tuyensinh",
        description="Enrollment forecasting, zoning and classroom planning for a ward or commune.",
    )
    parser.add_argument("--version", action="version", version=f"tuyensinh {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module_name = f"tuyensinh.cli.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", "vi")
    lang = lang if lang in LANGS else "vi"
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
    """'Lỗi: …' / 'error: …' for a `zoning.ZoningError` or a `CommandError` (worded in `lang`);
    'error: …' for any other ValueError. zoning is not imported here: a ZoningError exists only
    once it is loaded."""
    notes = sys.modules.get("zoning.notes")
    worded = isinstance(error, (CommandError, OutputFolderError))
    if worded or (notes is not None and isinstance(error, notes.ZoningError)):
        return f"{say('error.prefix', lang)}: {error.text(lang)}"  # type: ignore[attr-defined]
    return f"error: {error}"
