"""Atomic writing of output files: a failed run never leaves half-written outputs.

Every command writes into a private staging folder beside the output folder and only moves
the finished files into place when the whole step succeeded (`staged_output`). Single files
are written to a temporary file in the same folder and renamed (`write_*_atomic`), which is
atomic on POSIX and Windows file systems.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from tuyensinh.present.owned import OutputFolderError, check_replaceable, merge_refusal, record_outputs, resolved
from tuyensinh.ward.codes import FORMULA_START

__all__ = [
    "FORMULA_START",
    "neutralise_formulas",
    "staged_output",
    "tidy_leftovers",
    "write_bytes_atomic",
    "write_text_atomic",
    "write_csv_atomic",
]


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


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell that starts with = + - @ tab or carriage return prefixed by ',
    and infinities blank (a ratio over nothing, e.g. the utilization of a school without rooms);
    carriage returns inside text become line feeds (which the CSV writer quotes).

    OWASP's advice against CSV injection: a spreadsheet opening the CSV then shows the text
    instead of running it as a formula. Only text cells change (numbers, even negative ones,
    are left alone); ids cannot be touched because the loader refuses ids starting with these
    characters (docs/data-format.md, "Text in the output files").
    """
    changed = None
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        if pd.api.types.is_float_dtype(column) and np.isinf(column.to_numpy()).any():
            changed = frame.copy() if changed is None else changed
            changed[name] = column.where(np.isfinite(column.to_numpy()))  # undefined ratio: blank
            continue
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        try:
            risky = column.str.startswith(FORMULA_START, na=False).to_numpy(dtype=bool)
            returns = column.str.contains("\r", regex=False, na=False).to_numpy(dtype=bool)
        except AttributeError:  # an object column holding no text
            continue
        if risky.any() or returns.any():
            changed = frame.copy() if changed is None else changed
            values = column.to_numpy(dtype=object, copy=True)
            values[risky] = "'" + column[risky].astype(str).to_numpy(dtype=object)
            # a lone carriage return is not quoted by the CSV writer and would split the row
            values[returns] = pd.Series(values[returns], dtype=object).str.replace("\r\n?", "\n", regex=True).to_numpy()
            changed[name] = values
    return frame if changed is None else changed


def write_csv_atomic(frame: pd.DataFrame, path: str | os.PathLike, **to_csv: object) -> Path:
    """Write a DataFrame as UTF-8 CSV (no index) atomically, formulas neutralised
    (`neutralise_formulas`)."""
    to_csv.setdefault("index", False)
    return write_text_atomic(path, neutralise_formulas(frame).to_csv(**to_csv))


def _fsync_dir(path: Path) -> None:
    """Make a rename inside `path` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder written under `folder` (maps and workbooks are written by libraries)."""
    for root, _dirs, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError), open(os.path.join(root, name), "rb") as handle:
                os.fsync(handle.fileno())
        _fsync_dir(Path(root))


def _owner_alive(entry: Path) -> bool:
    """True when the run that made `entry` (`.NAME.staging-PID-…` / `.NAME.old-PID-…`) still runs."""
    found = re.search(r"\.(?:staging|old)-(\d+)-", entry.name)
    if found is None:
        return False  # written by an older version: no run owns it any more
    pid = int(found.group(1))
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError, ValueError):
        return False
    except OSError:
        return True  # exists, owned by another user
    return True


def tidy_leftovers(out: str | os.PathLike) -> Path | None:
    """Clean what a killed run left beside `out`; return the folder restored as `out`, if any.

    A run killed while writing leaves `.NAME.staging-*` (deleted here); a run killed between
    its two renames leaves `out` missing and the previous outputs in `.NAME.old-*` (the newest
    is renamed back to `out`, the others deleted). Folders of runs still alive are left alone.
    """
    out = Path(out)
    parent, name = out.parent, out.name
    if not parent.is_dir():
        return None
    pattern = glob.escape(f".{name}.")
    for entry in parent.glob(pattern + "staging-*"):
        if entry.is_dir() and not entry.is_symlink() and not _owner_alive(entry):
            shutil.rmtree(entry, ignore_errors=True)
    olds = [
        entry
        for entry in parent.glob(pattern + "old-*")
        if entry.is_dir() and not entry.is_symlink() and not _owner_alive(entry)
    ]
    olds.sort(key=lambda entry: entry.stat().st_mtime)
    restored = None
    if olds and not os.path.lexists(out):
        restored = olds.pop()
        os.replace(restored, out)
        _fsync_dir(parent)
    for entry in olds:
        shutil.rmtree(entry, ignore_errors=True)
    return restored


def _swap(stage: Path, out: Path) -> None:
    """Put `stage` in place of `out` with two renames; on failure `out` is put back."""
    old = None
    if os.path.lexists(out):
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-{os.getpid()}-", dir=out.parent))
        os.rmdir(old)
        os.replace(out, old)
    try:
        os.replace(stage, out)
    except BaseException:
        if old is not None:  # put the previous outputs back
            os.replace(old, out)
        raise
    _fsync_dir(out.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _merge(stage: Path, out: Path) -> None:
    """Move each file of `stage` into `out`, replacing its namesake only when tuyensinh wrote it
    (`tuyensinh.present.owned.merge_refusal`, else `OutputFolderError` and nothing is moved);
    other files of `out` are kept."""
    out.mkdir(parents=True, exist_ok=True)
    names = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())
    refusal = merge_refusal(out, names)
    if refusal is not None:
        raise OutputFolderError(refusal)
    folders = {out}
    for source in sorted(stage.rglob("*")):
        target = out / source.relative_to(stage)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            folders.add(target.parent)
    record_outputs(out, names)
    for folder in folders:
        _fsync_dir(folder)


@contextlib.contextmanager
def staged_output(out_dir: str | os.PathLike, replace_whole: bool = False, only_own: bool = True) -> Iterator[Path]:
    """Yield a staging folder; on success move its contents into `out_dir`.

    With `replace_whole=False` (one command adding its files to a folder) each finished file
    replaces its namesake in `out_dir` and other files there are kept. With
    `replace_whole=True` (the full `plan` run) `out_dir` is swapped for the staging folder as a
    whole, so it never mixes files of two runs; with `only_own` (the default) it must be empty
    or a folder tuyensinh wrote (`tuyensinh.present.owned`, checked before and again just before
    the swap), else `OutputFolderError` is raised and nothing is written. If the body raises,
    the staging folder is deleted and `out_dir` is left exactly as it was. Leftovers of a killed
    run beside `out_dir` are tidied first (`tidy_leftovers`); renames are fsynced.
    """
    out = resolved(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tidy_leftovers(out)
    if replace_whole and only_own:
        check_replaceable(out)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-{os.getpid()}-", dir=out.parent))
    try:
        _ordinary_mode(stage, directory=True)
        try:
            yield stage
        except OSError as error:
            if error.filename is None and error.errno is not None:  # a write that names no file: say where
                raise OSError(error.errno, error.strerror, str(out)) from error
            raise
        _fsync_tree(stage)
        if replace_whole:
            if only_own:
                check_replaceable(out)  # the run may have taken minutes: look again
            _swap(stage, out)
        else:
            _merge(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
