"""Atomic writing of output files: a failed run never leaves half-written outputs.

Every command writes into a private staging folder beside the output folder and only moves
the finished files into place when the whole step succeeded (`staged_output`). Single files
are written to a temporary file in the same folder and renamed (`write_*_atomic`), which is
atomic on POSIX and Windows file systems.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

__all__ = ["staged_output", "write_bytes_atomic", "write_text_atomic", "write_csv_atomic"]


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _ordinary_mode(path: Path, directory: bool) -> None:
    """Give a temporary file or folder the permissions an ordinary one would get.

    `mkstemp`/`mkdtemp` create private (0600/0700) entries; outputs are meant to be shared.
    """
    os.chmod(path, (0o777 if directory else 0o666) & ~_current_umask())


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        _ordinary_mode(Path(tmp), directory=False)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text atomically (Vietnamese diacritics are kept exactly)."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_csv_atomic(frame: pd.DataFrame, path: str | os.PathLike, **to_csv: object) -> Path:
    """Write a DataFrame as UTF-8 CSV (no index) atomically."""
    to_csv.setdefault("index", False)
    return write_text_atomic(path, frame.to_csv(**to_csv))


@contextlib.contextmanager
def staged_output(out_dir: str | os.PathLike, replace_whole: bool = False) -> Iterator[Path]:
    """Yield a staging folder; on success move its contents into `out_dir`.

    With `replace_whole=False` (one command adding its files to a folder) each finished file
    replaces its namesake in `out_dir` and other files there are kept. With
    `replace_whole=True` (the full `plan` run) `out_dir` is swapped for the staging folder as a
    whole, so it never mixes files of two runs. If the body raises, the staging folder is
    deleted and `out_dir` is left exactly as it was.
    """
    out = Path(out_dir).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    _ordinary_mode(stage, directory=True)
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if replace_whole:
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rmdir(old)
            os.replace(out, old)
        try:
            os.replace(stage, out)
        except BaseException:
            if old is not None:  # put the previous outputs back
                os.replace(old, out)
            shutil.rmtree(stage, ignore_errors=True)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return
    out.mkdir(parents=True, exist_ok=True)
    for source in sorted(stage.rglob("*")):
        target = out / source.relative_to(stage)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    shutil.rmtree(stage, ignore_errors=True)
