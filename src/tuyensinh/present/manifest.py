"""manifest.json: what a plan run read, with which software and settings, and how it went.

A ward office that publishes quotas must be able to say later which data and which version of
the tool produced them. The manifest records the SHA-256 of every input file of the ward
folder, the versions of the packages that did the work, the run settings, the solver report of
every zoning (status, objective, bound, gap), the time taken by each step, the SHA-256 of
every output file and, when measured, the headline figures of the forecast's past accuracy
(`forecast_accuracy`: entry-grade pupils and class counts, tuyensinh.plan.accuracy).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import platform
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from tuyensinh.present.outputs import write_text_atomic

__all__ = [
    "MANIFEST_VERSION",
    "PACKAGES",
    "sha256_file",
    "file_hashes",
    "package_versions",
    "build_manifest",
    "manifest_json",
    "write_manifest",
]

MANIFEST_VERSION = 1
PACKAGES = (
    "tuyensinh",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "PuLP",
    "highspy",
    "geopandas",
    "shapely",
    "pyproj",
    "pyogrio",
    "matplotlib",
    "openpyxl",
)


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(folder: str | os.PathLike) -> dict[str, str]:
    """SHA-256 of every regular file under `folder`, by relative POSIX path, sorted.

    Hidden files and folders (a leading dot, e.g. editor or staging leftovers) are skipped.
    """
    root = Path(folder)
    hashes: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        hashes[rel.as_posix()] = sha256_file(path)
    return hashes


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str | None]:
    """Installed version of each distribution (None when not installed), plus Python's."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _plain(value: Any) -> Any:
    """Turn numpy/pandas scalars, paths, NaN and infinities into JSON-safe Python values."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if hasattr(value, "item") and callable(value.item) and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def build_manifest(
    *,
    ward_folder: str | os.PathLike,
    ward: Mapping[str, Any],
    settings: Mapping[str, Any],
    timings: Mapping[str, float],
    solver: Sequence[Mapping[str, Any]],
    outputs: Mapping[str, str] | None = None,
    created_at: _dt.datetime | None = None,
    accuracy: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble the manifest as a JSON-ready dict.

    `ward`: identification (code, name, base_year, horizon, ...); `settings`: every option of
    the run; `timings`: seconds per step; `solver`: one entry per zoning solved; `outputs`:
    SHA-256 per output file (relative path); `accuracy`: the headline figures of the
    forecast's past accuracy (`PlanningAccuracy.headlines()`), recorded as `forecast_accuracy`.
    """
    created = created_at or _dt.datetime.now(_dt.UTC).astimezone()
    versions = package_versions()
    record = {
        "manifest_version": MANIFEST_VERSION,
        "tool": "tuyensinh",
        "tuyensinh_version": versions.get("tuyensinh"),
        "created_at": created.isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else None,
        "platform": platform.platform(),
        "ward": dict(ward),
        "inputs": {
            "folder": os.fspath(Path(ward_folder).resolve()),
            "sha256": file_hashes(ward_folder),
        },
        "settings": dict(settings),
        "packages": versions,
        "solver": list(solver),
        "timings_s": {k: round(float(v), 3) for k, v in timings.items()},
        "outputs_sha256": dict(outputs or {}),
    }
    if accuracy is not None:
        record["forecast_accuracy"] = dict(accuracy)
    return _plain(record)


def manifest_json(manifest: Mapping[str, Any]) -> str:
    """The manifest as pretty UTF-8 JSON text (Vietnamese kept readable, no NaN)."""
    return json.dumps(_plain(manifest), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_manifest(path: str | os.PathLike, manifest: Mapping[str, Any]) -> Path:
    """Write manifest.json atomically."""
    return write_text_atomic(path, manifest_json(manifest))
