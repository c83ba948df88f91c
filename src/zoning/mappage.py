"""The printed page of a zoning map: paper sizes (A4, A3), orientation, margins and the map's
representative scale.

The static map (`zoning.maps`) is drawn on a figure exactly the size of the paper, so its PDF
page is A4 or A3 (the MediaBox in points) and its PNG prints at 100 % on that paper. The margin
keeps every mark 10 mm inside the sheet edge, where office printers cannot print.
"""

from __future__ import annotations

import math

__all__ = [
    "PAPER_MM",
    "MARGIN_MM",
    "ORIENTATIONS",
    "MM_PER_INCH",
    "page_inches",
    "choose_orientation",
    "scale_denominator",
]

PAPER_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
"""ISO 216 sheet sizes, millimetres (short side, long side)."""
MARGIN_MM = 10.0
"""White margin on each side of the sheet, millimetres."""
ORIENTATIONS = ("portrait", "landscape")
MM_PER_INCH = 25.4


def page_inches(paper: str, orientation: str) -> tuple[float, float]:
    """(width, height) of the sheet in inches, e.g. A4 landscape → (11.69, 8.27)."""
    key = paper.upper()
    if key not in PAPER_MM:
        raise ValueError(f"unknown paper size {paper!r}: use one of {', '.join(PAPER_MM)}")
    if orientation not in ORIENTATIONS:
        raise ValueError(f"unknown orientation {orientation!r}: use 'portrait' or 'landscape'")
    short, long = (side / MM_PER_INCH for side in PAPER_MM[key])
    return (short, long) if orientation == "portrait" else (long, short)


def choose_orientation(
    paper: str, ward_width_m: float, ward_height_m: float, panel_width_in: float, panel_height_in: float
) -> str:
    """The orientation that prints the ward at the larger scale.

    Landscape puts the legend panel (`panel_width_in` wide) beside the map, portrait puts it
    (`panel_height_in` high) under the map; the map takes the rest of the sheet inside the margins, a title band and a notes
    band. Compares min(map width / ward width, map height / ward height) of both (inches per metre).
    """
    margin = 2 * MARGIN_MM / MM_PER_INCH
    bands = 1.35  # title (two lines) and notes (three lines), inches

    def drawn_scale(orientation: str) -> float:
        width, height = page_inches(paper, orientation)
        if orientation == "landscape":
            width -= panel_width_in
        else:
            height -= panel_height_in
        return min((width - margin) / max(ward_width_m, 1.0), (height - margin - bands) / max(ward_height_m, 1.0))

    return "landscape" if drawn_scale("landscape") >= drawn_scale("portrait") else "portrait"


def scale_denominator(metres_per_inch: float) -> int:
    """The N of a printed scale 1:N, rounded to 2 significant figures (1:41.317 → 1:41.000)."""
    n = metres_per_inch / (MM_PER_INCH / 1000.0)
    power = 10 ** max(math.floor(math.log10(max(n, 1.0))) - 1, 0)
    return int(round(n / power) * power)
