"""The formulas tuyensinh writes into a workbook, and their values stored beside them.

Totals in a signed workbook are formulas (`=SUBTOTAL(9,D10:D16)`), so a planner who corrects a
number sees the totals follow. Only formulas built here are ever written: every text cell is
made text first (`tuyensinh.present.excel.cells_as_text`) and the formulas are put in after,
from `Formulas.apply`. openpyxl saves a formula without its value, which a program that does not
calculate (a phone's preview, pandas) reads as empty; `workbook_bytes` therefore also stores
each formula's value as the cached result (`<v>`), computed by the writer from the same numbers,
and asks Excel to recalculate everything on load (`fullCalcOnLoad`). LibreOffice recalculates
formulas whose cached value is missing, and Excel does on load.
"""

from __future__ import annotations

import io
import re
import weakref
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["Formulas", "subtotal", "ratio", "workbook_bytes"]

_REGISTERED: weakref.WeakKeyDictionary[Workbook, Formulas] = weakref.WeakKeyDictionary()


def subtotal(col: int, first: int, last: int) -> str:
    """`=SUBTOTAL(9,D10:D16)`: the sum of rows first..last of a column, leaving out the cells that
    are themselves SUBTOTALs (so a level total over school subtotals counts each pupil once)."""
    letter = get_column_letter(col)
    return f"=SUBTOTAL(9,{letter}{first}:{letter}{last})"


def ratio(numerator: str, denominator: str) -> str:
    """`=IF(E10>0,D10/E10,"")`: pupils per class, blank without classes."""
    return f'=IF({denominator}>0,{numerator}/{denominator},"")'


@dataclass
class Formulas:
    """The formulas of one workbook: sheet title → cell coordinate → (formula, value or None)."""

    cells: dict[str, dict[str, tuple[str, float | None]]] = field(default_factory=dict)

    def put(self, ws: Worksheet, row: int, col: int, formula: str, value: float | None) -> None:
        """Remember `formula` (and the value it computes) for a cell; written by `apply`."""
        coordinate = f"{get_column_letter(col)}{row}"
        self.cells.setdefault(ws.title, {})[coordinate] = (formula, value)

    def apply(self, wb: Workbook) -> None:
        """Write the formulas into `wb` (after its text cells were made text) and remember the
        values for `workbook_bytes`."""
        for title, cells in self.cells.items():
            ws = wb[title]
            for coordinate, (formula, _) in cells.items():
                ws[coordinate].value = formula
        wb.calculation = CalcProperties(fullCalcOnLoad=True)
        _REGISTERED[wb] = self


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its part name in the archive (xl/worksheets/sheetN.xml)."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    parts = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        target = targets[sheet.get(f"{{{_NS['r']}}}id")].lstrip("/")
        parts[sheet.get("name", "")] = target if target.startswith("xl/") else f"xl/{target}"
    return parts


def _with_values(xml: str, cells: dict[str, tuple[str, float | None]]) -> str:
    def fill(match: re.Match[str]) -> str:
        entry = cells.get(match.group(2))
        if entry is None or entry[1] is None:
            return match.group(0)
        value = float(entry[1])
        return f"{match.group(1)}<v>{int(value) if value.is_integer() else repr(value)}</v>"

    return re.sub(r'(<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)', fill, xml)


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx bytes of `wb`, each formula of its `Formulas` with its value cached."""
    buffer = io.BytesIO()
    wb.save(buffer)
    formulas = _REGISTERED.get(wb)
    if formulas is None or not formulas.cells:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    parts = _sheet_parts(source)
    patched = {parts[title]: cells for title, cells in formulas.cells.items() if title in parts}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in patched:
                data = _with_values(data.decode("utf-8"), patched[info.filename]).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()
