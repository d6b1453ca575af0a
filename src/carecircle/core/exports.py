"""Writing CSV and .xlsx files that spreadsheet programs open without running anything in them.

Every export of the platform (bank files, vulnerable-person lists, alarm timelines and reports,
indicator workbooks, import rejection reports) writes through this module; a test refuses any
`csv.writer` or `Workbook` made elsewhere (tests/core/test_export_escaping.py).

The rule (OWASP "CSV injection"): a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return — or their full-width forms `＝ ＋ － ＠`, which Excel on a Chinese system also
accepts — could be read as a formula (`=cmd|' /C calc'!A0`, `=HYPERLINK(…)`). So:

- in CSV, such a text cell gets a leading `'` (shown as written; the program reads text);
- in .xlsx, such a cell is a text cell with Excel's "quote prefix" mark — what Excel itself stores
  when someone types a leading apostrophe — so it is never a formula, not even after an edit, and
  the text itself is unchanged (a name in a bank file stays the name);
- numbers (`int`, `float`, `Decimal`) are not text: they are written as numbers and never prefixed,
  so a negative amount stays a negative amount. Text that merely looks like a number ("-5") is
  text and is prefixed in CSV.
"""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    from _typeshed import StrPath, SupportsWrite

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
NUMBERS = (int, float, Decimal)


def is_dangerous(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def escape_text(text: str) -> str:
    """Text for a CSV cell: prefixed with `'` when a spreadsheet could read it as a formula."""
    return "'" + text if is_dangerous(text) else text


def csv_value(value: object) -> object:
    """What a CSV writer gets for one cell: numbers, dates and times as they are, text escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, NUMBERS) or hasattr(value, "isoformat"):
        return value
    return escape_text(str(value))


class SafeCsvWriter:
    """A csv.writer whose every text cell goes through `csv_value` (same writerow/writerows)."""

    def __init__(self, out: "SupportsWrite[str]", **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[object]) -> object:
        return self._writer.writerow([csv_value(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: "SupportsWrite[str]", **fmtparams: Any) -> SafeCsvWriter:
    return SafeCsvWriter(out, **fmtparams)


def csv_bytes(rows: Iterable[Iterable[object]], *, bom: bool = True) -> bytes:
    """A whole CSV file (UTF-8, with the byte-order mark Excel needs to read Chinese) from rows."""
    out = io.StringIO()
    csv_writer(out).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def _neutralise(cell: Cell) -> Cell:
    """A cell that holds text starting like a formula becomes a quote-prefixed text cell."""
    value = cell.value
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):  # control characters an .xlsx cannot hold
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell.value = value
        if cell.data_type == "f" or is_dangerous(value):
            cell.data_type = "s"
            cell.quotePrefix = True
    return cell


def _decimal_format(cell: Cell, value: Decimal) -> None:
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) else 0  # "n", "N", "F": NaN and infinity have no places
    if places > 0:  # Decimal("12.50") shows 12.50
        cell.number_format = "0." + "0" * places


def xlsx_cell(ws: WriteOnlyWorksheet, value: object) -> object:
    """One value as a write-only sheet's cell: text never a formula, numbers stay numbers."""
    if not isinstance(value, (str, Decimal)):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, Decimal):
        _decimal_format(cell, value)
        return cell
    return _neutralise(cell)


def sheet_append(ws: Worksheet | WriteOnlyWorksheet, row: Iterable[object]) -> None:
    """Append one row to a sheet of `workbook()` (write-only or not), every cell made safe."""
    if isinstance(ws, WriteOnlyWorksheet):
        ws.append([xlsx_cell(ws, v) for v in row])
        return
    values = list(row)
    ws.append(values)
    for cell, value in zip(ws[ws.max_row], values, strict=False):
        if isinstance(value, Decimal):
            _decimal_format(cell, value)
        _neutralise(cell)


class _SafeWriteOnlyWorksheet(WriteOnlyWorksheet):  # type: ignore[misc]  # openpyxl is untyped
    def append(self, row: Iterable[object]) -> None:
        super().append([xlsx_cell(self, v) for v in row])


class SafeWorkbook(Workbook):  # type: ignore[misc]  # openpyxl is untyped (no stubs, no py.typed)
    """A Workbook whose sheets hold no formula: write-only sheets escape each appended row, and
    saving walks the cells of the other sheets, so a cell set any other way is caught too."""

    def create_sheet(
        self, title: str | None = None, index: int | None = None
    ) -> Worksheet | WriteOnlyWorksheet:
        if self.write_only:
            ws = _SafeWriteOnlyWorksheet(parent=self, title=title)
            self._add_sheet(sheet=ws, index=index)
            return ws
        return super().create_sheet(title=title, index=index)

    def save(self, filename: "StrPath | IO[bytes]") -> None:
        if not self.write_only:
            for ws in self.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        if isinstance(cell, Cell):
                            _neutralise(cell)
        super().save(filename)


def workbook(*, write_only: bool = False) -> SafeWorkbook:
    return SafeWorkbook(write_only=write_only)


def xlsx_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
