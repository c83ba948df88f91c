"""Context layers of a zoning map: roads, rivers, landmarks — any line, point or polygon layer a
planner has — so a parent can find a house on the map.

A `ContextLayer` is a GeoDataFrame (any CRS) with a kind (line, point, polygon), a legend name
and optionally the column holding each feature's name. Both maps draw them in muted colours over
the zone colours but beneath the quarter boundaries, school sites and labels, and list each layer
in the legend. Reading them from a ward folder is the app layer's work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd

__all__ = ["ContextLayer", "KINDS", "context_layer", "projected_context"]

KINDS = ("line", "point", "polygon")
_GEOMETRY_KIND = {
    "LineString": "line",
    "MultiLineString": "line",
    "Point": "point",
    "MultiPoint": "point",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}
_COLOURS = {
    "line": ("#5c5c5c", "#2f78c4", "#9a6a3a", "#7d4f9e"),
    "point": ("#222222", "#8b1a1a", "#1f5f8b"),
    "polygon": ("#8fc1e3", "#b7d9a8", "#d9c7a8"),
}
"""Default colours per kind, in layer order: roads grey, then blue (rivers, canals), brown, purple."""


@dataclass(frozen=True)
class ContextLayer:
    """One context layer: name (the legend text, e.g. 'Đường chính'), kind (line, point,
    polygon), frame (features with a CRS), label (the column naming each feature, or None),
    colour (hex; None: the default of its kind and rank)."""

    name: str
    kind: str
    frame: gpd.GeoDataFrame
    label: str | None = None
    colour: str | None = None


def context_layer(
    frame: gpd.GeoDataFrame, name: str, *, kind: str | None = None, label: str | None = None, colour: str | None = None
) -> ContextLayer:
    """A checked context layer; kind defaults to the geometry type of its features."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None:
        raise ValueError(f"context layer {name!r}: needs a GeoDataFrame with a CRS")
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    found = {_GEOMETRY_KIND.get(t) for t in frame.geom_type.unique()}
    if None in found:
        raise ValueError(
            f"context layer {name!r}: geometry types {sorted(frame.geom_type.unique())} — use lines, points or polygons"
        )
    if kind is None:
        if len(found) != 1:
            raise ValueError(f"context layer {name!r}: mixes {sorted(k for k in found if k)}; one kind per layer")
        kind = found.pop() or "line"
    if kind not in KINDS:
        raise ValueError(f"context layer {name!r}: kind {kind!r} unknown; use line, point or polygon")
    if found - {kind}:
        raise ValueError(f"context layer {name!r}: kind {kind!r} but features of kind {sorted(k for k in found if k)}")
    if label is not None and label not in frame.columns:
        raise ValueError(f"context layer {name!r}: no column {label!r} for the feature names")
    return ContextLayer(name=name, kind=kind, frame=frame, label=label, colour=colour)


def projected_context(layers: Sequence[ContextLayer], crs: object) -> list[ContextLayer]:
    """The layers in `crs` (the map's, metres), each with its colour filled in."""
    rank = dict.fromkeys(KINDS, 0)
    out = []
    for layer in layers:
        colours = _COLOURS[layer.kind]
        colour = layer.colour or colours[rank[layer.kind] % len(colours)]
        rank[layer.kind] += 1
        out.append(ContextLayer(layer.name, layer.kind, layer.frame.to_crs(crs), layer.label, colour))
    return out
