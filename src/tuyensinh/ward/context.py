"""context/: the optional context layers of a ward folder — roads, rivers, landmarks, any line,
point or polygon layer the planner has — drawn on the zoning maps (`zoning.mapcontext`).

Every `context/*.geojson` and `context/*.gpkg` file (every layer of a GeoPackage) is one layer,
in the order of the file names. Its legend name is the file name without the extension,
underscores read as spaces ("Đường_chính.geojson" → "Đường chính"), or the layer's name in a
GeoPackage; features are named from the first of the columns `name`,
`ten`, `tên`, `label` present. Water layers (a name with sông, suối, kênh, rạch, hồ, river,
canal, stream, lake, water) are drawn blue, the others in the default colours of their kind.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import pyogrio

from tuyensinh.ward.errors import Problem
from tuyensinh.words.problems import GEOMETRY_KINDS, Text, text
from zoning.mapcontext import ContextLayer, context_layer

__all__ = ["read_context", "CONTEXT_FOLDER", "LABEL_COLUMNS"]

CONTEXT_FOLDER = "context"
LABEL_COLUMNS = ("name", "ten", "tên", "label")
WATER = "#2f78c4"
_WATER_WORDS = re.compile(r"\b(song|suoi|kenh|rach|ho|river|canal|stream|lake|water)\b")


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _legend_name(stem: str) -> str:
    name = unicodedata.normalize("NFC", stem.replace("_", " ")).strip()
    return name[:1].upper() + name[1:]


def _layer(path: Path, file: str, name: str, layer: str | None) -> tuple[ContextLayer | None, list[Problem]]:
    fix = text("fix.context", export=text("fix.export"))
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as error:  # any reader failure becomes a planner message
        reason = (str(error).splitlines() or [type(error).__name__])[0][:200]
        return None, [Problem.of(file, text("context.unreadable", error=reason), fix)]
    if frame.crs is None:
        return None, [Problem.of(file, text("context.no_crs"), fix)]
    label = next((c for c in LABEL_COLUMNS if c in frame.columns), None)
    colour = (
        WATER if _WATER_WORDS.search(_plain(name)) and not frame.geom_type.isin(["Point", "MultiPoint"]).all() else None
    )
    try:
        return context_layer(frame, name, label=label, colour=colour), []
    except ValueError:
        types = sorted(frame.geom_type.dropna().unique())
        kinds = Text(", ".join(GEOMETRY_KINDS.get(t, t) for t in types), ", ".join(types))
        return None, [Problem.of(file, text("context.kinds", kinds=kinds), fix)]


def read_context(folder: Path) -> tuple[tuple[ContextLayer, ...], list[Problem]]:
    """The context layers of the ward folder (none when there is no context/ folder) and the
    problems found (a file that cannot be read, has no CRS or mixes kinds of geometry)."""
    root = folder / CONTEXT_FOLDER
    if not root.is_dir():
        return (), []
    layers: list[ContextLayer] = []
    problems: list[Problem] = []
    files = [p for p in root.iterdir() if p.suffix.lower() in (".geojson", ".gpkg") and p.is_file()]
    for path in sorted(files, key=lambda p: (_plain(p.name), p.name)):
        file = f"{CONTEXT_FOLDER}/{path.name}"
        try:
            names = [str(n) for n in pyogrio.list_layers(path)[:, 0]] if path.suffix.lower() == ".gpkg" else [None]
        except Exception as error:  # any reader failure becomes a planner message
            reason = (str(error).splitlines() or [type(error).__name__])[0][:200]
            problems.append(
                Problem.of(
                    file, text("context.unreadable", error=reason), text("fix.context", export=text("fix.export"))
                )
            )
            continue
        for layer in names:
            legend = _legend_name(layer if layer is not None else path.stem)
            found, found_problems = _layer(path, file, legend, layer)
            problems += found_problems
            if found is not None and len(found.frame):
                layers.append(found)
    return tuple(layers), problems
