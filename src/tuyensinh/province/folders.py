"""The ward folders of a province directory, where each ward's plan goes, and whether a ward's
earlier plan is still current (its manifest's input hashes and settings match).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tuyensinh.province.bridge import PlanSettings, file_hashes
from tuyensinh.words.core import WordedError
from tuyensinh.words.province import PROVINCE

__all__ = [
    "WardJob",
    "check_out_dir",
    "find_wards",
    "plan_is_current",
    "province_info",
    "ward_jobs",
]

WARDS_DIR = "wards"  # OUT/wards/<ward folder>/ holds each ward's plan


@dataclass(frozen=True)
class WardJob:
    """One ward to plan: its name (folder path relative to the province directory), its
    folder, its output folder and a size estimate (bytes of population.csv) used to start the
    biggest wards first."""

    name: str
    folder: str
    out: str
    size: int


def find_wards(province_dir: str | os.PathLike) -> list[Path]:
    """Every ward folder (a folder holding ward.toml) under `province_dir`, sorted by path.
    Hidden folders are skipped, and a ward folder's own sub-folders are not searched."""
    root = Path(province_dir)
    if not root.is_dir():
        raise WordedError(PROVINCE.text("error.no_province_dir", path=root))
    found: list[Path] = []

    def walk(folder: Path) -> None:
        if (folder / "ward.toml").is_file():
            found.append(folder)
            return
        for child in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
            walk(child)

    walk(root)
    if not found:
        raise WordedError(PROVINCE.text("error.no_ward", path=root))
    return found


def ward_jobs(province_dir: str | os.PathLike, out: str | os.PathLike) -> list[WardJob]:
    """One job per ward folder: outputs in OUT/wards/<relative path of the ward folder>."""
    root = Path(province_dir).resolve()
    out = Path(out).resolve()
    jobs = []
    for folder in find_wards(root):
        name = folder.resolve().relative_to(root).as_posix() if folder.resolve() != root else folder.name
        population = folder / "population.csv"
        size = population.stat().st_size if population.is_file() else 0
        jobs.append(WardJob(name=name, folder=str(folder.resolve()), out=str(out / WARDS_DIR / name), size=size))
    return jobs


def check_out_dir(province_dir: str | os.PathLike, out: str | os.PathLike) -> None:
    """Refuse an output folder that overlaps the province directory or holds other data."""
    root, out = Path(province_dir).resolve(), Path(out).resolve()
    if out == root or out in root.parents or root in out.parents:
        raise WordedError(PROVINCE.text("error.out_overlaps", out=out, root=root))
    if out.exists():
        if not out.is_dir():
            raise WordedError(PROVINCE.text("error.out_is_file", out=out))
        if any(out.iterdir()) and not (out / "batch.json").is_file():
            raise WordedError(PROVINCE.text("error.out_not_batch", out=out))


def province_info(province_dir: str | os.PathLike) -> dict[str, str]:
    """`[province]` of province.toml in the province directory (code, name), or {}."""
    path = Path(province_dir) / "province.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise WordedError(PROVINCE.text("error.province_toml", path=path, error=error)) from None
    section = data.get("province", {})
    return {k: str(v) for k, v in section.items() if k in ("code", "name")} if isinstance(section, dict) else {}


def _settings_match(recorded: dict[str, Any], settings: PlanSettings) -> bool:
    for key, value in asdict(settings).items():
        if key == "school_year" and value is None:
            continue  # the default (base year + 1) follows from ward.toml, which is hashed
        if json.loads(json.dumps(value)) != recorded.get(key):
            return False
    return True


def plan_is_current(job: WardJob, settings: PlanSettings) -> bool:
    """Whether OUT/wards/<ward>/manifest.json records exactly the ward folder's current input
    files (SHA-256 of each) and the same plan settings: then the ward need not be planned again."""
    manifest = Path(job.out) / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        record = json.loads(manifest.read_text(encoding="utf-8"))
        recorded_inputs = record["inputs"]["sha256"]
        recorded_settings = record["settings"]
    except (ValueError, KeyError, TypeError):
        return False
    return recorded_inputs == file_hashes(job.folder) and _settings_match(recorded_settings, settings)
