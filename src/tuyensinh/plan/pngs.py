"""Figures to PNG bytes: `sheet_png` (the whole sheet, rendered once, stored as RGB) and
`cropped_png` (trimmed to what is drawn: the pixels of matplotlib's `bbox_inches="tight"`).

- `sheet_png` renders the figure once into raw RGBA pixels (the canvas's buffer, not a copy).
- `cropped_png` lays the figure out once (its layout engine, e.g. constrained, at the saving
  resolution), measures the tight box, clears the layout engine and saves that box with
  `savefig(bbox_inches=box, format="rgba")`: one draw. `savefig(bbox_inches="tight")` draws
  twice — once with drawing disabled to lay out and measure (it still updates every tick,
  lays out every text, outlines the maps' haloed labels), once for the pixels — and so did
  this function before: the same pixels, ≈ 10–15% less CPU per chart.
- Both encode the pixels themselves (`_encode`): 8-bit RGB when every pixel is opaque (the
  figures have white backgrounds; else RGBA), rows unfiltered, one zlib stream at level
  `PNG_COMPRESSION`, the resolution in pHYs. Pillow's PNG writer chooses one of the five PNG
  filters per row, which costs twice zlib's own time (0.18 s of an A4 map at 300 dpi, 8.7
  million pixels); a figure is mostly runs of one colour that zlib finds unfiltered: 0.06 s,
  and the maps' files are ≈ 15% smaller (the fan charts' ≈ 8% larger).

No metadata but the resolution: runs are comparable.

`shared_text_metrics()`: while the plan's figures are drawn, Agg renderers of the same
resolution share the sizes of the texts they measure. Matplotlib remembers a text's size per
renderer, and saving a figure makes several: the cropped charts and report maps are measured by
one renderer (the tight box) and drawn by another, the fan charts repeat the same tick labels,
so the same texts were laid out again and again by FreeType (≈ 12% of the figures' CPU time).
The size depends on the text, its font properties and the resolution only (Agg's
`get_text_width_height_descent`), so the shared sizes are the ones each renderer would have
measured: the same pixels. Two more things are shared meanwhile, each a pure function of its
inputs: a font's ascent, descent and line gap at a resolution (matplotlib 3.11's text layout
looks the font up and reads them from its tables for every text it measures; the renderer
hook it asks first answers from a table), and the outline of a text drawn as a path (the maps'
labels with a white halo: outlined once for the PNG, the PDF and the report's map).
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib.text as mtext
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.font_manager import fontManager, get_font
from matplotlib.path import Path
from matplotlib.textpath import TextToPath
from matplotlib.transforms import Bbox
from PIL import Image

__all__ = ["PAD_INCHES", "PNG_COMPRESSION", "cropped_png", "share_text_metrics", "shared_text_metrics", "sheet_png"]

PNG_COMPRESSION = 3
"""zlib level of the PNG files (1 fastest … 9 smallest; matplotlib's default 6): level 3 with
RGB storage writes a 300-dpi A4 map about twice as fast as RGBA at 6, in about as many bytes."""
PAD_INCHES = 0.1
"""Margin kept around the drawn content of a cropped figure (matplotlib's savefig.pad_inches)."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC-32 of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _encode(pixels: np.ndarray, dpi: float) -> bytes:
    """RGBA pixels (rows from the top, C-contiguous) as PNG bytes: 8-bit RGB when every pixel is
    opaque (else RGBA), every row unfiltered (filter type 0), one zlib stream at
    `PNG_COMPRESSION`, the resolution in a pHYs chunk as Pillow writes it, nothing else.

    Unfiltered rows: a figure is mostly runs of one colour, which zlib finds as they are; the
    per-row choice among the five PNG filters that Pillow makes costs twice zlib's own time
    and, on the maps, gives larger files (the filtered rows' differences break the runs).
    """
    height, width = pixels.shape[:2]
    opaque = bool(pixels[..., 3].min() == 255)
    channels = 3 if opaque else 4
    rows = np.empty((height, 1 + width * channels), np.uint8)
    rows[:, 0] = 0  # each row: its filter type, then its bytes
    if opaque:  # Pillow drops the alpha bytes faster than a strided NumPy copy does
        rgb = Image.frombytes("RGB", (width, height), pixels, "raw", "RGBX").tobytes()
        rows[:, 1:] = np.frombuffer(rgb, np.uint8).reshape(height, width * 3)
    else:
        rows[:, 1:] = pixels.reshape(height, width * 4)
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    per_metre = int(dpi / 0.0254 + 0.5)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", zlib.compress(rows.data, PNG_COMPRESSION)),
            _chunk(b"IEND", b""),
        )
    )


def _savefig_png(fig: Any, dpi: float, bbox: Bbox | None = None) -> bytes:
    """`savefig` as PNG, of the whole figure or of `bbox` (inches, padding included)."""
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=dpi,
        bbox_inches=bbox,
        metadata={"Software": None},
        pil_kwargs={"compress_level": PNG_COMPRESSION},
    )
    return buffer.getvalue()


def _savefig_rgba(fig: Any, dpi: float, bbox: Bbox) -> np.ndarray | None:
    """The RGBA pixels `savefig` draws of `bbox` (inches) at `dpi`, or None if their count is not
    that of the canvas matplotlib makes for it (the integer part of the box's size in pixels)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="rgba", dpi=dpi, bbox_inches=bbox)
    width, height = int(bbox.width * dpi), int(bbox.height * dpi)
    data = buffer.getbuffer()
    if len(data) != width * height * 4:
        return None
    return np.frombuffer(data, np.uint8).reshape(height, width, 4)


def _render(fig: Any, dpi: float) -> np.ndarray:
    """The whole figure drawn once at `dpi`: RGBA pixels, rows from the top (the canvas's own
    buffer, not a copy: read it before the figure is drawn again)."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    original = fig.dpi
    fig.set_dpi(dpi)
    try:
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())
    finally:
        fig.set_dpi(original)


def sheet_png(fig: Any, dpi: float) -> bytes:
    """The whole figure (a map sheet: margins kept, so it prints at 100 %) as PNG bytes."""
    pixels = _render(fig, dpi)
    width, height = fig.get_size_inches()
    if pixels.shape[:2] != (int(height * dpi), int(width * dpi)):  # not savefig's canvas size
        return _savefig_png(fig, dpi)
    return _encode(pixels, dpi)


def cropped_png(fig: Any, dpi: float) -> bytes:
    """The figure trimmed to its drawn content plus `PAD_INCHES`, as PNG bytes: the pixels of
    `savefig(bbox_inches="tight")` without its measuring draw (see the module docstring)."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    engine = fig.get_layout_engine()
    original = fig.dpi
    fig.set_dpi(dpi)
    try:
        if engine is not None:
            engine.execute(fig)  # the layout savefig's measuring draw computes, at the same resolution
        box = fig.get_tightbbox(canvas.get_renderer()).padded(PAD_INCHES)
        fig.set_layout_engine(None)  # laid out: with an engine (even "none") savefig draws once more
        try:
            pixels = _savefig_rgba(fig, dpi, box)
            return _encode(pixels, dpi) if pixels is not None else _savefig_png(fig, dpi, bbox=box)
        finally:
            fig.set_layout_engine(engine)
    finally:
        fig.set_dpi(original)


_SHARED_MAX = 50_000
"""Text sizes kept at most (then forgotten and measured again)."""
_OUTLINES_MAX = 4_000
"""Text outlines kept at most (a ward's maps outline a few hundred; one is ≈ 10 kB)."""


def share_text_metrics() -> Callable[[], None]:
    """Let every Agg renderer share the text sizes it measures (see the module docstring) until
    the returned function is called. Texts with math or TeX, other renderers (PDF) and a
    matplotlib without this internal function keep matplotlib's own cache per renderer."""
    original = getattr(mtext, "_get_text_metrics_function", None)
    if original is None or getattr(original, "_shared", False):
        return lambda: None
    sizes: dict[tuple[Any, ...], tuple[float, float, float]] = {}

    def metrics_function(renderer: Any) -> Callable[..., tuple[float, float, float]]:
        if type(renderer) is not RendererAgg:
            return original(renderer)

        def measure(text: str, fontprop: Any, ismath: Any, dpi: float) -> tuple[float, float, float]:
            if ismath is not False:
                return original(renderer)(text, fontprop, ismath, dpi)
            key = (text, fontprop, dpi, renderer.dpi)  # fontprop: matplotlib passes a copy
            size = sizes.get(key)
            if size is None:
                if len(sizes) >= _SHARED_MAX:
                    sizes.clear()
                size = sizes[key] = renderer.get_text_width_height_descent(text, fontprop, ismath=False)
            return size

        return measure

    metrics_function._shared = True  # type: ignore[attr-defined]
    setattr(mtext, "_get_text_metrics_function", metrics_function)  # noqa: B010 - private
    heights: dict[tuple[Any, float], tuple[float | None, float | None, float | None]] = {}
    hook = not hasattr(RendererAgg, _HEIGHTS_HOOK)
    if hook:
        setattr(RendererAgg, _HEIGHTS_HOOK, _shared_font_heights(heights))
    outlines: dict[tuple[str, Any], tuple[np.ndarray, np.ndarray]] = {}
    text_path = TextToPath.get_text_path
    setattr(TextToPath, "get_text_path", _shared_text_paths(text_path, outlines))  # noqa: B010

    def undo() -> None:
        setattr(mtext, "_get_text_metrics_function", original)  # noqa: B010 - private
        if hook:
            delattr(RendererAgg, _HEIGHTS_HOOK)
        setattr(TextToPath, "get_text_path", text_path)  # noqa: B010
        sizes.clear()
        heights.clear()
        outlines.clear()

    return undo


_HEIGHTS_HOOK = "_get_font_height_metrics"
"""The renderer method matplotlib's text layout (3.11) asks for a font's ascent, descent and
line gap before it looks them up in the font file itself, for every text it measures."""


def _font_heights(prop: Any, dpi: float) -> tuple[float | None, float | None, float | None]:
    """(ascent, descent, line gap) in pixels of the font of `prop` at `dpi`: what matplotlib's
    `Text._get_layout` computes from the font's OS/2 or hhea table (the same operations, so the
    same numbers); (None, None, None) when the font has neither (matplotlib then measures)."""
    font: Any = get_font(fontManager._find_fonts_by_props(prop))  # tables read by name, as matplotlib reads them
    tables = (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"), ("hhea", "lineGap", "ascent", "descent"))
    for table_name, gap_key, ascent_key, descent_key in tables:
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        fontsize = prop.get_size_in_points()
        units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
        scale = 1 / units_per_em * fontsize * dpi / 72
        return table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale
    return None, None, None


def _shared_text_paths(
    original: Callable[..., Any], outlines: dict[tuple[str, Any], tuple[np.ndarray, np.ndarray]]
) -> Callable[..., tuple[Any, Any]]:
    """`TextToPath.get_text_path` remembering the outline of each plain text per font
    properties: a text drawn as a path (the maps' labels with their white halo) is outlined
    once, not again for the PNG, the PDF and the report's map. The outline is in font units
    at matplotlib's fixed outline scale: it depends on the text and the font only. Kept as
    read-only arrays (a `Path` of them copies nothing and can change nothing)."""

    def get_text_path(self: Any, prop: Any, s: str, ismath: Any = False, **options: Any) -> tuple[Any, Any]:
        if ismath is not False or any(v is not None for v in options.values()) or type(self) is not TextToPath:
            return original(self, prop, s, ismath, **options)
        key = (s, prop)
        found = outlines.get(key)
        if found is None:
            verts, codes = original(self, prop, s, ismath)
            found = (np.array(verts, dtype=float).reshape(-1, 2), np.array(codes, dtype=Path.code_type))
            for array in found:
                array.setflags(write=False)
            if len(outlines) >= _OUTLINES_MAX:
                outlines.clear()
            outlines[(s, prop.copy())] = found
        return found

    return get_text_path


def _shared_font_heights(
    heights: dict[tuple[Any, float], tuple[float | None, float | None, float | None]],
) -> Callable[[Any, Any], tuple[float | None, float | None, float | None]]:
    """The `_HEIGHTS_HOOK` method of Agg renderers while text metrics are shared: a font's
    heights found once per font properties and resolution (an Agg renderer is made at its
    figure's resolution, which is the one matplotlib scales them to)."""

    def method(renderer: Any, prop: Any) -> tuple[float | None, float | None, float | None]:
        if type(renderer) is not RendererAgg:
            return None, None, None
        found = heights.get((prop, renderer.dpi))
        if found is None:
            if len(heights) >= _SHARED_MAX:
                heights.clear()
            found = heights[(prop.copy(), renderer.dpi)] = _font_heights(prop, renderer.dpi)
        return found

    return method


@contextmanager
def shared_text_metrics() -> Iterator[None]:
    """`share_text_metrics()` for the duration of the block."""
    undo = share_text_metrics()
    try:
        yield
    finally:
        undo()
