"""Figures to PNG bytes, each rendered once: `sheet_png` (the whole sheet) and `cropped_png`
(trimmed to what is drawn, as matplotlib's `bbox_inches="tight"` does).

Both give the pixels matplotlib's `savefig` gives, in fewer passes and fewer bytes to compress:

- `savefig(bbox_inches="tight")` lays the figure out in a first draw (drawing switched off),
  measures every artist's extent, then draws again into a canvas the size of the padded box.
  `cropped_png` draws once into the whole canvas at the same resolution, measures the same box
  on that renderer (the text layouts are cached by then) and cuts it out of the pixels. The cut
  is exact when the box's corner falls on whole pixels, as it does for the plan's fan charts,
  shortfall chart and maps (their tight boxes are set by text and axes placed on the pixel
  grid); otherwise, when the box reaches past the sheet, or for a figure with a raster image or
  a colour bar (the utilization heat map: its box came out a pixel wider), it falls back to
  `savefig` itself.
- The PNG is stored as RGB when every pixel is opaque (the figures have white backgrounds):
  a quarter fewer bytes for zlib than RGBA (an A4 map at 300 dpi has 8.7 million pixels), at
  zlib level `PNG_COMPRESSION`. No metadata but the resolution (runs are comparable).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

__all__ = ["PAD_INCHES", "PNG_COMPRESSION", "cropped_png", "sheet_png"]

PNG_COMPRESSION = 3
"""zlib level of the PNG files (1 fastest … 9 smallest; matplotlib's default 6): level 3 with
RGB storage writes a 300-dpi A4 map about twice as fast as RGBA at 6, in about as many bytes."""
PAD_INCHES = 0.1
"""Margin kept around the drawn content of a cropped figure (matplotlib's savefig.pad_inches)."""
_ON_GRID = 0.01
"""A box corner within this many pixels of a whole pixel counts as on the grid."""


def _encode(pixels: np.ndarray, dpi: float) -> bytes:
    """RGBA pixels (rows from the top) as PNG bytes, RGB when all are opaque."""
    if pixels[..., 3].min() == 255:
        pixels = pixels[..., :3]
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(
        out, format="png", compress_level=PNG_COMPRESSION, dpi=(dpi, dpi)
    )
    return out.getvalue()


def _savefig_png(fig: Any, dpi: float, crop: bool) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=dpi,
        bbox_inches="tight" if crop else None,
        pad_inches=PAD_INCHES,
        metadata={"Software": None},
        pil_kwargs={"compress_level": PNG_COMPRESSION},
    )
    return buffer.getvalue()


def _agg_canvas(fig: Any) -> FigureCanvasAgg:
    canvas = fig.canvas
    return canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)


def _render(fig: Any, dpi: float, measure: bool) -> tuple[np.ndarray, Any]:
    """The whole figure drawn once at `dpi`: (RGBA pixels, tight box in inches or None)."""
    canvas = _agg_canvas(fig)
    original = fig.dpi
    fig.set_dpi(dpi)
    try:
        canvas.draw()
        box = fig.get_tightbbox(canvas.get_renderer()).padded(PAD_INCHES) if measure else None
        pixels = np.array(canvas.buffer_rgba(), copy=True)
    finally:
        fig.set_dpi(original)
    return pixels, box


def sheet_png(fig: Any, dpi: float) -> bytes:
    """The whole figure (a map sheet: margins kept, so it prints at 100 %) as PNG bytes."""
    pixels, _ = _render(fig, dpi, measure=False)
    width, height = fig.get_size_inches()
    if pixels.shape[:2] != (int(height * dpi), int(width * dpi)):  # not savefig's canvas size
        return _savefig_png(fig, dpi, crop=False)
    return _encode(pixels, dpi)


def cropped_png(fig: Any, dpi: float) -> bytes:
    """The figure trimmed to its drawn content plus `PAD_INCHES`, as PNG bytes: the pixels of
    `savefig(bbox_inches="tight")` from one draw (see the module docstring)."""
    if any(ax.images or getattr(ax, "_colorbar", None) is not None for ax in fig.axes):
        return _savefig_png(fig, dpi, crop=True)  # raster images and colour bars: savefig's own pass
    pixels, box = _render(fig, dpi, measure=True)
    rows = pixels.shape[0]
    width, height = int(box.width * dpi), int(box.height * dpi)  # savefig's canvas size
    left, top = box.x0 * dpi, rows - box.y0 * dpi - height
    x, y = round(left), round(top)
    on_grid = abs(left - x) < _ON_GRID and abs(top - y) < _ON_GRID
    inside = x >= 0 and y >= 0 and x + width <= pixels.shape[1] and y + height <= rows
    if not (on_grid and inside):
        return _savefig_png(fig, dpi, crop=True)
    return _encode(pixels[y : y + height, x : x + width], dpi)
