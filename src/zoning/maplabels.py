"""Label placement for the static zoning map: no label over another, none over a school marker
or the scale bar, none cut at the frame.

A greedy placer over candidate positions (the method of Imhof's cartographic rules as most map
software applies them), in map metres with text sizes measured by the figure's renderer:

1. school names first (they matter most): beside their marker in 8 directions, then farther
   out with a leader line; among free positions the one covering the fewest quarter anchors;
2. quarter names inside their quarter: at the pole of inaccessibility, else at interior points
   farthest from the boundary; every quarter first at the full size on one line, then wrapped on
   two lines, then at the smallest size — so large labels are never sacrificed to small ones;
3. a quarter whose name fits nowhere inside gets its name outside the ward with a short leader
   line, else a number in a circle inside it and a line in the key table (`Placed.kind == "key"`);
4. context labels (roads, landmarks) last, dropped where they do not fit.

A candidate fits when its box (text extent plus `pad_pt`) lies inside the frame, overlaps no
placed box and no obstacle, and, for a quarter name, lies inside the quarter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.ops import polylabel

__all__ = ["Placed", "LabelBoard", "wrap_two_lines", "Measure"]

Measure = Callable[[str, float, str], tuple[float, float]]
"""(text, size in points, weight) → (width, height) of the rendered text in points."""

_DIRECTIONS = ((0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1))
"""N, NE, E, SE, S, SW, W, NW: where a point label goes, in order of preference."""


@dataclass(frozen=True)
class Placed:
    """A placed label: centre (x, y) in map metres, font size (points) and weight; kind:
    school, quarter, key (a number standing for a quarter), context; leader: (x0, y0, x1, y1)
    from the labelled feature to the label's edge, or None; box: the label's extent (metres)."""

    text: str
    x: float
    y: float
    size: float
    weight: str
    kind: str
    box: tuple[float, float, float, float]
    leader: tuple[float, float, float, float] | None = None
    ref: str = ""


def wrap_two_lines(text: str) -> str | None:
    """The text broken at the space nearest its middle ('Trường Tiểu học\\nKim Đồng'), or None."""
    words = text.split(" ")
    if len(words) < 2:
        return None
    lengths = np.cumsum([len(w) + 1 for w in words])[:-1]
    cut = int(np.argmin(np.abs(lengths - len(text) / 2))) + 1
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def _largest_part(geom: shapely.Geometry) -> shapely.Geometry:
    parts = shapely.get_parts(geom)
    return parts[int(np.argmax(shapely.area(parts)))] if len(parts) else geom


def _inner_points(poly: shapely.Geometry, n: int = 9) -> np.ndarray:
    """(k, 2) interior points of a polygon, the pole of inaccessibility first, then grid points
    by decreasing distance to the boundary."""
    part = _largest_part(poly)
    x0, y0, x1, y1 = part.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, n + 2)[1:-1], np.linspace(y0, y1, n + 2)[1:-1])
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    inside = shapely.contains_xy(part, grid[:, 0], grid[:, 1])
    grid = grid[inside]
    depth = shapely.distance(part.boundary, shapely.points(grid)) if len(grid) else np.array([])
    grid = grid[np.argsort(-depth, kind="stable")]
    pole = polylabel(part, tolerance=max(x1 - x0, y1 - y0) / 200.0)
    return np.vstack([[pole.x, pole.y], grid]) if not pole.is_empty else grid


@dataclass
class LabelBoard:
    """The placed labels and the obstacles of one map; frame: (x0, y0, x1, y1) metres, the axes'
    limits; mpp: metres per point of paper; measure: the renderer's text extent."""

    frame: tuple[float, float, float, float]
    mpp: float
    measure: Measure
    pad_pt: float = 1.5
    placed: list[Placed] = field(default_factory=list)
    _boxes: list[tuple[float, float, float, float]] = field(default_factory=list)

    def block(self, box: tuple[float, float, float, float]) -> None:
        """Reserve a box (metres) no label may cover: a marker, the scale bar, the north arrow."""
        self._boxes.append(box)

    def size_m(self, text: str, size: float, weight: str) -> tuple[float, float]:
        """Half width and half height of the label's box in metres, padding included."""
        w, h = self.measure(text, size, weight)
        return (w / 2 + self.pad_pt) * self.mpp, (h / 2 + self.pad_pt) * self.mpp

    def _free(self, cx: np.ndarray, cy: np.ndarray, hw: float, hh: float) -> np.ndarray:
        """Which candidate boxes (centres cx, cy) are inside the frame and overlap nothing."""
        fx0, fy0, fx1, fy1 = self.frame
        ok = (cx - hw >= fx0) & (cx + hw <= fx1) & (cy - hh >= fy0) & (cy + hh <= fy1)
        if self._boxes:
            b = np.asarray(self._boxes)
            hit = (
                (cx[:, None] - hw < b[None, :, 2])
                & (cx[:, None] + hw > b[None, :, 0])
                & (cy[:, None] - hh < b[None, :, 3])
                & (cy[:, None] + hh > b[None, :, 1])
            )
            ok &= ~hit.any(axis=1)
        return ok

    def _crosses(self, line: tuple[float, float, float, float], skip: int = 0) -> bool:
        """Whether a leader line crosses a placed box (but the last `skip` ones)."""
        boxes = self._boxes[: len(self._boxes) - skip] if skip else self._boxes
        if not boxes:
            return False
        b = np.asarray(boxes)
        # the box the line starts in (the labelled marker's own) does not count
        b = b[~((b[:, 0] <= line[0]) & (line[0] <= b[:, 2]) & (b[:, 1] <= line[1]) & (line[1] <= b[:, 3]))]
        segment = shapely.linestrings([[line[0], line[1]], [line[2], line[3]]])
        return bool(shapely.intersects(segment, shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3])).any())

    def _add(self, label: Placed) -> Placed:
        self.placed.append(label)
        self._boxes.append(label.box)
        return label

    @staticmethod
    def _leader(ax: float, ay: float, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """From the anchor to the nearest point of the box's edge."""
        return ax, ay, float(np.clip(ax, box[0], box[2])), float(np.clip(ay, box[1], box[3]))

    def place_point(
        self,
        text: str,
        x: float,
        y: float,
        *,
        size: float,
        weight: str,
        kind: str,
        gap_pt: float,
        rings: int = 4,
        soft: np.ndarray | None = None,
        wrap: bool = True,
        ref: str = "",
    ) -> Placed | None:
        """A label beside the point (x, y): 8 directions at `gap_pt` from it, then `rings` rings
        farther out with a leader line; among the free positions of the nearest ring, the one
        covering fewest `soft` points ((k, 2) metres: other labels' anchors). None if none is free."""
        variants = [text] + ([w] if wrap and (w := wrap_two_lines(text)) else [])
        for ring in range(rings + 1):
            for variant in variants:
                hw, hh = self.size_m(variant, size, weight)
                gap = gap_pt * self.mpp * (1 + 1.6 * ring)
                steps = (
                    _DIRECTIONS
                    if ring == 0
                    else tuple(
                        (float(np.cos(a)), float(np.sin(a))) for a in np.linspace(np.pi / 2, -1.5 * np.pi, 17)[:-1]
                    )
                )
                d = np.asarray(steps, dtype=float)
                cx = x + d[:, 0] * (hw + gap) * (1 if ring == 0 else 1.2)
                cy = y + d[:, 1] * (hh + gap)
                free = np.flatnonzero(self._free(cx, cy, hw, hh))
                if not len(free):
                    continue
                if soft is not None and len(soft):
                    covered = (
                        (np.abs(soft[None, :, 0] - cx[free, None]) < hw)
                        & (np.abs(soft[None, :, 1] - cy[free, None]) < hh)
                    ).sum(axis=1)
                    free = free[np.argsort(covered, kind="stable")]
                for k in free:
                    box = (cx[k] - hw, cy[k] - hh, cx[k] + hw, cy[k] + hh)
                    leader = self._leader(x, y, box) if ring else None
                    if leader is not None and self._crosses(leader):
                        continue
                    return self._add(Placed(variant, float(cx[k]), float(cy[k]), size, weight, kind, box, leader, ref))
        return None

    def place_along(self, text: str, points: np.ndarray, *, size: float, weight: str, kind: str) -> Placed | None:
        """A label centred on the first free of `points` ((k, 2) metres, e.g. along a road)."""
        hw, hh = self.size_m(text, size, weight)
        free = np.flatnonzero(self._free(points[:, 0], points[:, 1], hw, hh))
        if not len(free):
            return None
        x, y = points[free[0]]
        return self._add(Placed(text, float(x), float(y), size, weight, kind, (x - hw, y - hh, x + hw, y + hh)))

    def place_inside(
        self,
        polygons: Sequence[shapely.Geometry],
        texts: Sequence[str],
        refs: Sequence[str],
        *,
        sizes: Sequence[float],
        weight: str = "normal",
        outside: shapely.Geometry | None = None,
        key_size: float = 7.0,
    ) -> list[int]:
        """Quarter names inside their polygons (metres), in passes of decreasing size (one line,
        then two); then, for those left, the name outside `outside` (the ward) with a leader
        line, else a numbered key. Returns the indices of the quarters shown by a number (quarter
        `shown[k]` is number k + 1); a quarter neither named nor numbered (no free spot at all)
        is in neither list."""
        order = list(np.argsort([shapely.area(p) for p in polygons], kind="stable"))
        inner = [_inner_points(p) for p in polygons]
        for p in polygons:
            shapely.prepare(p)
        left = order
        for size in sizes:
            for two in (False, True):
                remaining = []
                for i in left:
                    text = wrap_two_lines(texts[i]) if two else texts[i]
                    if text is None or not self._inside(polygons[i], inner[i], text, size, weight, "quarter", refs[i]):
                        remaining.append(i)
                left = remaining
        keyed: list[int] = []
        for i in left:
            px, py = inner[i][0] if len(inner[i]) else shapely.get_coordinates(polygons[i].centroid)[0]
            if outside is not None and self._outside(texts[i], px, py, sizes[-1], weight, outside, refs[i]):
                continue
            keyed.append(i)
        shown: list[int] = []
        for i in keyed:
            text = str(len(shown) + 1)
            if self._inside(polygons[i], inner[i], text, key_size, "bold", "key", refs[i], strict=False):
                shown.append(i)
                continue
            px, py = inner[i][0] if len(inner[i]) else shapely.get_coordinates(polygons[i].centroid)[0]
            if (
                self.place_point(
                    text, px, py, size=key_size, weight="bold", kind="key", gap_pt=3.0, wrap=False, ref=refs[i]
                )
                is not None
            ):
                shown.append(i)
        return shown

    def _inside(
        self,
        poly: shapely.Geometry,
        points: np.ndarray,
        text: str,
        size: float,
        weight: str,
        kind: str,
        ref: str,
        strict: bool = True,
    ) -> bool:
        if not len(points):
            return False
        hw, hh = self.size_m(text, size, weight)
        cx, cy = points[:, 0], points[:, 1]
        ok = self._free(cx, cy, hw, hh)
        if strict and ok.any():
            idx = np.flatnonzero(ok)
            inset = self.pad_pt * self.mpp  # the padding may touch the boundary
            boxes = shapely.box(cx[idx] - hw + inset, cy[idx] - hh + inset, cx[idx] + hw - inset, cy[idx] + hh - inset)
            ok[idx] = shapely.contains(poly, boxes)
        if not ok.any():
            return False
        k = int(np.flatnonzero(ok)[0])
        self._add(
            Placed(
                text,
                float(cx[k]),
                float(cy[k]),
                size,
                weight,
                kind,
                (cx[k] - hw, cy[k] - hh, cx[k] + hw, cy[k] + hh),
                None,
                ref,
            )
        )
        return True

    def _outside(
        self,
        text: str,
        px: float,
        py: float,
        size: float,
        weight: str,
        ward: shapely.Geometry,
        ref: str,
        max_leader_pt: float = 60.0,
    ) -> bool:
        """The name outside the ward, within `max_leader_pt` of its anchor, with a leader line."""
        hw, hh = self.size_m(text, size, weight)
        angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
        for r in np.linspace(20.0, max_leader_pt, 6) * self.mpp:
            cx, cy = px + np.cos(angles) * (r + hw), py + np.sin(angles) * (r + hh)
            free = np.flatnonzero(self._free(cx, cy, hw, hh))
            if not len(free):
                continue
            clear = ~shapely.intersects(ward, shapely.box(cx[free] - hw, cy[free] - hh, cx[free] + hw, cy[free] + hh))
            for k in free[clear]:
                box = (cx[k] - hw, cy[k] - hh, cx[k] + hw, cy[k] + hh)
                leader = self._leader(px, py, box)
                if self._crosses(leader):
                    continue
                self._add(Placed(text, float(cx[k]), float(cy[k]), size, weight, "quarter", box, leader, ref))
                return True
        return False
