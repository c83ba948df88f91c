"""Reading the norm table file (norms.csv): one row per figure with its unit, document, article
and status. Lines starting with '#' are comments; the first one carries the version."""

from __future__ import annotations

import functools
import io
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["ANY", "COLUMNS", "read_norm_table"]

COLUMNS = ["key", "level", "group", "value", "unit", "document", "article", "status", "note"]
ANY = "*"


def read_norm_table(path: str | Path | None = None) -> tuple[pd.DataFrame, str]:
    """Read a norm table (default: the packaged norms.csv); return (table, version).

    Lines starting with '#' are comments; the first one carries the version
    ("... version 2025.12 ..."). The packaged table is read once per process (a copy is
    returned each time): a batch worker plans many wards with it.
    """
    if path is None:
        table, version = _packaged_table()
        return table.copy(), version
    return _parse(Path(path).read_text(encoding="utf-8-sig"), str(path))


@functools.lru_cache(maxsize=1)
def _packaged_table() -> tuple[pd.DataFrame, str]:
    return _parse(resources.files("capacity").joinpath("norms.csv").read_text(encoding="utf-8"), "norms.csv")


def _parse(text: str, name: str) -> tuple[pd.DataFrame, str]:
    comments = [line for line in text.splitlines() if line.startswith("#")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    table = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    values = pd.to_numeric(table["value"], errors="coerce")
    bad = values.isna()
    if bad.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad.to_numpy()))
        raise ValueError(f"{name}: column 'value' is not a number in row(s) {rows}")
    table = table[COLUMNS].copy()
    table["value"] = values.astype(float)
    table["source"] = name
    version = "unversioned"
    for line in comments:
        if "version" in line:
            version = line.split("version", 1)[1].strip().split()[0].rstrip(",;()")
            break
    return table, version
