"""Opening the files of a ward folder: what is there under each name, said plainly.

A name in the ward folder may hold a file, nothing, a folder, a symbolic link that leads nowhere
or round in a loop, a device, or a file the planner may not read. `read_input` returns the
bytes of a regular file, or the problem worded for the planner (never "file missing" for
something that is there but is not a readable file); `present` says whether anything is there.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from tuyensinh.ward.errors import Problem
from tuyensinh.words.problems import text

__all__ = ["present", "read_input"]


def present(path: Path) -> bool:
    """True when something (a file, folder, link, even a broken one) has this name."""
    return os.path.lexists(path)


def _state_problem(path: Path, file: str) -> Problem | None:
    """Why `path`, which exists under its name, is not a readable regular file (None when it is)."""
    try:
        info = path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            return Problem.of(file, text("file.loop", file=file), text("fix.file.link"))
        if error.errno == errno.ENOENT:
            return Problem.of(file, text("file.broken_link", file=file), text("fix.file.link"))
        return Problem.of(
            file, text("file.unreadable", file=file, reason=error.strerror or str(error)), text("fix.file.unreadable")
        )
    if stat.S_ISDIR(info.st_mode):
        return Problem.of(file, text("file.is_folder", file=file), text("fix.file.is_folder", file=file))
    if not stat.S_ISREG(info.st_mode):
        return Problem.of(file, text("file.not_regular", file=file), text("fix.file.is_folder", file=file))
    return None


def read_input(path: Path, file: str | None = None) -> tuple[bytes | None, list[Problem]]:
    """The bytes of the regular file `path`, or None and the problem (nothing there: no problem,
    the caller says what the missing file is for)."""
    file = file or path.name
    if not present(path):
        return None, []
    problem = _state_problem(path, file)
    if problem is not None:
        return None, [problem]
    try:
        return path.read_bytes(), []
    except OSError as error:
        return None, [
            Problem.of(
                file,
                text("file.unreadable", file=file, reason=error.strerror or str(error)),
                text("fix.file.unreadable"),
            )
        ]
