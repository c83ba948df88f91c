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
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from tuyensinh.words.core import Text
from tuyensinh.words.system import text

__all__ = ["MANIFEST", "OutputFolderError", "replace_refusal", "check_replaceable", "listed_outputs"]

MANIFEST = "manifest.json"
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
            (links if os.path.islink(os.path.join(root, name)) else files).append(rel)
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
    extra = [rel for rel in files if rel != MANIFEST and rel not in listed and Path(rel).name not in BROWSER_LITTER]
    extra += links + sorted(folder for folder in folders if folder not in parents)
    if extra:
        return text("out.extra", out=shown, n=len(extra), files=_names(extra))
    changed = [rel for rel in files if rel in listed and _sha256(out / rel) != listed[rel]]
    if changed:
        return text("out.changed", out=shown, n=len(changed), files=_names(changed))
    return None


def check_replaceable(out: str | os.PathLike) -> None:
    """Raise `OutputFolderError` unless `out` may be replaced as a whole."""
    refusal = replace_refusal(out)
    if refusal is not None:
        raise OutputFolderError(refusal)
