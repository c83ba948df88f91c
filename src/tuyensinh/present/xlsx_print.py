"""Print set-up of the workbooks a plan writes: A4, margins, repeated header rows, fitted to the
page width, a print area, and page breaks that keep a table's end and its signature block
together.

Geometry (points, 1 pt = 1/72 in). A4 landscape is 841.9 × 595.3 pt; with margins of 0.5 in
left/right and 0.6 in top/bottom the printable box is `PRINT_WIDTH` × `PRINT_HEIGHT`. A column
of Excel width w (characters of the default font) is about (7 w + 5) px at 96 px/in, i.e.
0.75 (7 w + 5) pt; a row without an explicit height is taken as `DEFAULT_ROW_PT`.

Fitting to the page width prints at scale s_w = min(1, PRINT_WIDTH / Σ column widths). A sheet
of height H pt prints on one page at s_1 = min(s_w, PRINT_HEIGHT / H). When s_1 ≥ `MIN_SCALE`
the sheet is fitted to one page (Excel and LibreOffice then shrink it to whatever the real row
heights are), so its heading, table and signature block are on one sheet of paper. Otherwise
the rows are packed greedily into pages of PRINT_HEIGHT / s_w pt (less the repeated header
rows), breaking only between `blocks` (a school's rows are never split), and the last block
is packed together with the `tail` rows (total, note, signature): the signature block never
starts a page on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "DEFAULT_ROW_PT",
    "MIN_SCALE",
    "PRINT_HEIGHT",
    "PRINT_WIDTH",
    "column_points",
    "page_breaks",
    "set_up_printing",
]

MARGIN_SIDE_IN = 0.5
MARGIN_TOP_IN = 0.6
A4_LONG_PT, A4_SHORT_PT = 841.89, 595.28
PRINT_WIDTH = A4_LONG_PT - 2 * 72 * MARGIN_SIDE_IN  # landscape, pt
PRINT_HEIGHT = A4_SHORT_PT - 2 * 72 * MARGIN_TOP_IN
#: Height assumed for a row without an explicit one (Times New Roman 12 pt in Excel: 15.75).
DEFAULT_ROW_PT = 16.0
#: Smallest print scale accepted to keep a whole sheet on one page (11 pt type prints ≥ 6 pt).
MIN_SCALE = 0.55


def column_points(ws: Worksheet, last_col: int) -> float:
    """Printed width of columns 1..last_col at 100 %, pt."""
    total = 0.0
    for col in range(1, last_col + 1):
        width = ws.column_dimensions[get_column_letter(col)].width or 8.43
        total += 0.75 * (7 * float(width) + 5)
    return total


def _row_points(ws: Worksheet, row: int) -> float:
    height = ws.row_dimensions[row].height if row in ws.row_dimensions else None
    return float(height) if height else DEFAULT_ROW_PT


def page_breaks(
    heights: Sequence[float],
    *,
    page_height: float,
    first: int,
    blocks: Sequence[tuple[int, int]],
    tail: int,
    repeated: float,
) -> list[int]:
    """Rows after which a page ends (1-based), packing whole `blocks` greedily.

    heights: row heights in pt, heights[0] is row 1. first: the first table row (rows before it,
    the heading, open page 1). blocks: (first row, last row) of each unit never split, in order.
    tail: the first row after the last block; the last block and rows tail..end are one unit.
    repeated: height of the header rows printed again on every later page, pt.
    """
    units = [list(b) for b in blocks]
    if units:
        units[-1][1] = len(heights)
    else:
        units = [[tail, len(heights)]]
    breaks: list[int] = []
    used = sum(heights[: first - 1])
    for start, end in units:
        size = sum(heights[start - 1 : end])
        if used + size > page_height and used > repeated and start > first:
            breaks.append(start - 1)
            used = repeated
        used += size
    return breaks


def set_up_printing(
    ws: Worksheet,
    *,
    last_row: int,
    last_col: int,
    title_rows: tuple[int, int] | None = None,
    blocks: Sequence[tuple[int, int]] = (),
    tail: int | None = None,
    first: int | None = None,
) -> float:
    """A4 landscape, margins, header rows repeated, print area A1:last, page numbers in the
    footer, fitted to the page width; one page when the sheet fits at `MIN_SCALE` or more,
    else page breaks between `blocks` keeping the last block with the `tail` rows (see the
    module's docstring). Returns the estimated print scale (for tests)."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE_IN
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_TOP_IN
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.oddFooter.center.text = "&P / &N"
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    ws.row_breaks = RowBreak()
    heights = [_row_points(ws, r) for r in range(1, last_row + 1)]
    width_scale = min(1.0, PRINT_WIDTH / column_points(ws, last_col))
    one_page = min(width_scale, PRINT_HEIGHT / sum(heights))
    if one_page >= MIN_SCALE or not blocks:
        ws.page_setup.fitToHeight = 1 if one_page >= MIN_SCALE else 0
        return one_page if one_page >= MIN_SCALE else width_scale
    ws.page_setup.fitToHeight = 0
    repeated = sum(heights[title_rows[0] - 1 : title_rows[1]]) if title_rows else 0.0
    for row in page_breaks(
        heights,
        page_height=PRINT_HEIGHT / width_scale,
        first=first or blocks[0][0],
        blocks=blocks,
        tail=tail or blocks[-1][1] + 1,
        repeated=repeated,
    ):
        ws.row_breaks.append(Break(id=row))
    return width_scale
