"""Which output folders tuyensinh may replace as a whole: empty ones, and the ones it wrote itself.

`tuyensinh plan --out DIR` swaps DIR for a fresh folder, deleting what DIR held. That is only
safe when every file there is one tuyensinh wrote and nobody changed since. A previous plan is
recognised by its manifest.json — its own content, not its name: a JSON object with
``"tool": "tuyensinh"``, an integer ``manifest_version`` and ``outputs_sha256``, the SHA-256 of
every file the run wrote. DIR may be replaced when it holds only that manifest and files listed
in it with their recorded hash (listed files may be missing; the folders they sit in and the
litter of file browsers, `.DS_Store`, `Thumbs.db`, `desktop.ini`, are expected too). Anything
else — an unlisted file, a changed file, a symbolic link, a mount point — is refused:
`replace_refusal(out)` says why, worded in both languages, and `OutputFolderError` carries it.

Commands that add files to a folder (forecast, zone, capacity, backtest, compare) replace a file
of the same name only when tuyensinh wrote it and nobody changed it since: they keep the SHA-256
of what they wrote in the hidden `.tuyensinh-outputs.json` of the folder (`record_outputs`), and
`merge_refusal` refuses any other namesake.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from pathlib import Path

from tuyensinh.words.core import Text
from tuyensinh.words.system import text

__all__ = [
    "MANIFEST",
    "RECORD",
    "OutputFolderError",
    "replace_refusal",
    "check_replaceable",
    "listed_outputs",
    "written_outputs",
    "merge_refusal",
    "record_outputs",
    "resolved",
]

MANIFEST = "manifest.json"
RECORD = ".tuyensinh-outputs.json"  # what forecast, zone, capacity, backtest, compare wrote into a folder
BROWSER_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
SHOWN = 5  # file names shown in a refusal before "… and N more"


class OutputFolderError(ValueError):
    """An output folder that may not be replaced; `worded` says why in both languages."""

    def __init__(self, worded: Text) -> None:
        self.worded = worded
        super().__init__(worded.en)

    def text(self, lang: str = "vi") -> str:
        """The refusal in `lang`."""
        return self.worded.get(lang)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def listed_outputs(manifest_path: Path) -> tuple[dict[str, str] | None, Text | None]:
    """The outputs a tuyensinh manifest lists (relative POSIX path -> SHA-256), or why it is not one."""
    try:
        record = json.loads(manifest_path.read_bytes())
    except (ValueError, RecursionError):
        return None, text("why.not_json")
    if (
        not isinstance(record, dict)
        or record.get("tool") != "tuyensinh"
        or not isinstance(record.get("manifest_version"), int)
    ):
        return None, text("why.not_tool")
    outputs = record.get("outputs_sha256")
    if not isinstance(outputs, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in outputs.items()):
        return None, text("why.no_outputs")
    return outputs, None


def _names(paths: list[str]) -> Text:
    shown = ", ".join(paths[:SHOWN])
    if len(paths) <= SHOWN:
        return Text(shown, shown)
    more = text("more", n=len(paths) - SHOWN)
    return Text(f"{shown} {more.vi}", f"{shown} {more.en}")


def _contents(out: Path) -> tuple[list[str], set[str], list[str]]:
    """(files, folders, symbolic links) under `out`, relative POSIX paths; links are not followed."""
    files: list[str] = []
    folders: set[str] = set()
    links: list[str] = []
    for root, dirs, names in os.walk(out, followlinks=False):
        base = Path(root).relative_to(out)
        for name in dirs:
            rel = (base / name).as_posix()
            if os.path.islink(os.path.join(root, name)):
                links.append(rel)
            else:
                folders.add(rel)
        for name in names:
            rel = (base / name).as_posix()
            path = os.path.join(root, name)  # links, pipes and devices are never tuyensinh's: unexpected
            (links if os.path.islink(path) or not os.path.isfile(path) else files).append(rel)
    return sorted(files), folders, sorted(links)


def replace_refusal(out: str | os.PathLike) -> Text | None:
    """Why `out` may not be replaced as a whole, or None when it may (absent, empty, or a plan's).

    Reads every listed file once to compare its SHA-256 (linear in the folder's size).
    """
    out = Path(out)
    shown = str(out)
    if not os.path.lexists(out):
        return None
    if not out.is_dir():
        return text("out.is_file", out=shown)
    if os.path.ismount(out):
        return text("out.mount_point", out=shown)
    files, folders, links = _contents(out)
    if not files and not links:
        return None  # empty (or only empty folders): nothing to lose
    if MANIFEST not in files:
        return text("out.foreign", out=shown, files=_names(links + files))
    listed, why = listed_outputs(out / MANIFEST)
    if listed is None:
        return text("out.bad_manifest", out=shown, why=why, files=_names(links + files))
    parents = {parent.as_posix() for rel in listed for parent in Path(rel).parents if parent.as_posix() != "."}
    written = written_outputs(out)  # files a later command (forecast, zone, …) wrote into the plan's folder
    expected = {MANIFEST, RECORD, *listed, *written}
    extra = [rel for rel in files if rel not in expected and Path(rel).name not in BROWSER_LITTER]
    extra += links + sorted(folder for folder in folders if folder not in parents)
    if extra:
        return text("out.extra", out=shown, n=len(extra), files=_names(extra))
    changed = [
        rel
        for rel in files
        if rel in listed or rel in written
        if _sha256(out / rel) not in (listed.get(rel), written.get(rel))
    ]
    if changed:
        return text("out.changed", out=shown, n=len(changed), files=_names(changed))
    return None


def written_outputs(out: Path) -> dict[str, str]:
    """The files commands adding to a folder (`staged_output` without `replace_whole`) wrote there:
    relative path -> SHA-256, from `RECORD` ({} when absent or unreadable)."""
    try:
        record = json.loads((out / RECORD).read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(record, dict):
        return {}
    return {k: v for k, v in record.items() if isinstance(k, str) and isinstance(v, str)}


def merge_refusal(out: Path, names: list[str]) -> Text | None:
    """Why the files `names` may not be written into `out` (None when they may): a namesake that
    tuyensinh did not write, or changed since (not in `RECORD` or the plan's manifest with its
    SHA-256), is never replaced."""
    present = [name for name in names if os.path.lexists(out / name)]
    if not present:
        return None
    known = written_outputs(out)
    if (out / MANIFEST).is_file():
        known = {**(listed_outputs(out / MANIFEST)[0] or {}), **known}
    foreign = [
        name
        for name in present
        if (out / name).is_symlink() or not (out / name).is_file() or known.get(name) != _sha256(out / name)
    ]
    if foreign:
        return text("out.replace_foreign", out=str(out), n=len(foreign), files=_names(foreign))
    return None


def record_outputs(out: Path, names: list[str]) -> None:
    """Add the SHA-256 of the files `names`, just written into `out`, to its `RECORD`."""
    record = written_outputs(out)
    record.update({name: _sha256(out / name) for name in names})
    fd, tmp = tempfile.mkstemp(prefix=f".{RECORD}.", suffix=".tmp", dir=out)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(dict(sorted(record.items())), handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, out / RECORD)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def resolved(path: str | os.PathLike) -> Path:
    """`path` made absolute with its links followed; a link loop is an `OSError` (ELOOP) naming it,
    which the command line words as one sentence (Python's own `RuntimeError` would not be)."""
    try:
        return Path(path).resolve()
    except RuntimeError:
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), os.fspath(path)) from None


def check_replaceable(out: str | os.PathLike) -> None:
    """Raise `OutputFolderError` unless `out` may be replaced as a whole."""
    refusal = replace_refusal(out)
    if refusal is not None:
        raise OutputFolderError(refusal)
