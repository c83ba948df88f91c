"""QGIS styles embedded in zones.gpkg: the `layer_styles` table QGIS reads when a layer opens.

QGIS looks for a table `layer_styles` in a GeoPackage (the "QGIS map information" extension)
and applies the row marked `useAsDefault` for a layer: so zones.gpkg opens with each school's
zone in its own colour and labelled with the school's name, the schools as points coloured by
level, the quarters as labelled outlines and the ward boundary as a heavy line — not in QGIS's
random colours. The styles are QGIS's own XML (QML), written here from the layers' content.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import quoteattr

import geopandas as gpd

__all__ = ["layer_qml", "write_layer_styles", "ZONE_COLOURS", "LEVEL_COLOURS"]

#: Qualitative colours for zones (ColorBrewer Set3 and Paired), cycled over the schools of a level.
ZONE_COLOURS = (
    "141,211,199",
    "255,255,179",
    "190,186,218",
    "251,128,114",
    "128,177,211",
    "253,180,98",
    "179,222,105",
    "252,205,229",
    "217,217,217",
    "188,128,189",
    "204,235,197",
    "255,237,111",
    "166,206,227",
    "178,223,138",
    "251,154,153",
    "253,191,111",
    "202,178,214",
    "255,255,153",
)
LEVEL_COLOURS = {"mam_non": "231,41,138", "tieu_hoc": "27,158,119", "thcs": "117,112,179"}

_CREATE = """
CREATE TABLE IF NOT EXISTS layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256),
    styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30),
    ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)"""


def _option(name: str, value: str) -> str:
    return f'<Option name="{name}" type="QString" value={quoteattr(value)}/>'


def _symbol(kind: str, name: str, colour: str, alpha: float = 1.0) -> str:
    """One QGIS symbol: `fill` (a zone, a quarter, the boundary) or `marker` (a school)."""
    if kind == "marker":
        layer = (
            "SimpleMarker",
            [
                _option("name", "circle"),
                _option("color", f"{colour},255"),
                _option("size", "3.2"),
                _option("outline_color", "255,255,255,255"),
                _option("outline_width", "0.5"),
            ],
        )
    else:
        fill, outline, width = colour.split("|") if "|" in colour else (colour, "60,60,60", "0.3")
        layer = (
            "SimpleFill",
            [
                _option("color", f"{fill},255"),
                _option("style", "solid" if fill != "none" else "no"),
                _option("outline_color", f"{outline},255"),
                _option("outline_width", width),
            ],
        )
    options = "".join(layer[1])
    return (
        f'<symbol type="{kind}" name="{name}" alpha="{alpha}" clip_to_extent="1" force_rhr="0">'
        f'<layer class="{layer[0]}" enabled="1" locked="0" pass="0"><Option type="Map">{options}</Option></layer></symbol>'
    )


def _labels(field: str, size: float) -> str:
    return (
        f'<labeling type="simple"><settings calloutType="simple">'
        f'<text-style fieldName={quoteattr(field)} fontSize="{size}" fontWeight="50" textColor="20,20,20,255"'
        f' textOpacity="1" isExpression="0"/>'
        f'<text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.85"/>'
        f'<placement placement="1" dist="1" priority="5"/><rendering obstacle="1" scaleVisibility="0" displayAll="0"/>'
        f"</settings></labeling>"
    )


def _categorized(attribute: str, categories: Iterable[tuple[str, str, str]], kind: str, alpha: float) -> str:
    """A renderer with one symbol per value: `categories` = (value, label, colour)."""
    rows, symbols = [], []
    for index, (value, label, colour) in enumerate(categories):
        rows.append(f'<category symbol="{index}" value={quoteattr(value)} label={quoteattr(label)} render="true"/>')
        symbols.append(_symbol(kind, str(index), colour, alpha))
    return (
        f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(attribute)} symbollevels="0" enableorderby="0" forceraster="0">'
        f"<categories>{''.join(rows)}</categories><symbols>{''.join(symbols)}</symbols></renderer-v2>"
    )


def _single(kind: str, colour: str, alpha: float = 1.0) -> str:
    return (
        f'<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
        f"<symbols>{_symbol(kind, '0', colour, alpha)}</symbols></renderer-v2>"
    )


def layer_qml(name: str, layer: gpd.GeoDataFrame, level_names: dict[str, str]) -> str:
    """The QML style of one layer of zones.gpkg (`name`: quarters, schools, boundary, zones_<level>)."""
    if name.startswith("zones_"):
        values = [
            (str(school), str(label or school), ZONE_COLOURS[i % len(ZONE_COLOURS)])
            for i, (school, label) in enumerate(zip(layer["school_id"], layer["name"], strict=True))
        ]
        body = _categorized("school_id", values, "fill", 0.75) + _labels("name", 9)
    elif name == "schools":
        present = [level for level in LEVEL_COLOURS if level in set(layer["level"])]
        body = _categorized(
            "level", [(lv, level_names.get(lv, lv), LEVEL_COLOURS[lv]) for lv in present], "marker", 1.0
        )
        body += _labels("name", 8)
    elif name == "boundary":
        body = _single("fill", "none|30,30,30|0.9")
    else:
        body = _single("fill", "none|120,120,120|0.25") + _labels("name", 7.5)
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        f'<qgis version="3.28.0" styleCategories="Symbology|Labeling" labelsEnabled="{0 if name == "boundary" else 1}">'
        f"{body}</qgis>"
    )


def write_layer_styles(path: Path, layers: dict[str, gpd.GeoDataFrame], level_names: dict[str, str]) -> None:
    """Add the `layer_styles` table (one default style per layer) to the GeoPackage at `path`."""
    with sqlite3.connect(path) as db:
        geometry = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        db.execute(_CREATE)
        db.executemany(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,"
            " styleQML, styleSLD, useAsDefault, description, owner, ui) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', NULL)",
            [
                (name, geometry.get(name, "geom"), name, layer_qml(name, frame, level_names), f"tuyensinh: {name}")
                for name, frame in layers.items()
            ],
        )
        known = db.execute("SELECT 1 FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
        if known is None:
            db.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change)"
                " VALUES ('layer_styles', 'attributes', 'layer_styles', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
            )
    db.close()
