"""Reading tables that users upload: .xlsx (openpyxl) or CSV in UTF-8 or GBK/GB18030.

A file that is not a readable table is refused whole with FileRejected, saying what to do."""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from carecircle.core.errors import DomainError, InvalidInput


class FileRejected(DomainError):
    code = "import_file_rejected"
    status = 422


def open_table(path: Path, file_name: str = "") -> tuple[list[str], Iterator[tuple[int, list]], int]:
    """(headers, rows as (row number, values), row count estimate); raises FileRejected."""
    head = path.open("rb").read(8)
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(_("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入"))
    return _open_csv(path)


def _open_xlsx(path: Path):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRejected(_("无法读取 Excel 文件：%(e)s。请确认文件为 .xlsx 格式") % {"e": exc}) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        raise FileRejected(_("文件是空的")) from None
    total = max(0, (ws.max_row or 1) - 1)

    def gen():
        for i, row in enumerate(rows, start=2):
            yield i, list(row)
        wb.close()

    return headers, gen(), total


def _open_csv(path: Path):
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise FileRejected(_("文件不是表格文件（CSV 或 .xlsx）"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRejected(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV"))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise FileRejected(_("文件是空的")) from None
    total = max(0, text.count("\n") - 1 + (0 if text.endswith("\n") else 1))

    def gen():
        for i, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                yield i, row

    return headers, gen(), total


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")


def parse_date(value, field_name: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InvalidInput(_("日期格式不正确：%(v)s（应为 2026-01-01）") % {"v": text}, field=field_name)


def check_row_width(headers: list[str], values: list) -> None:
    """Refuse a row with content in cells that belong to no column: beyond the header row or under
    an empty header (a row shifted by an unquoted comma, a note typed beside the table). Such cells
    were dropped silently before; now the row is rejected with the reason and the cells shown."""
    extra = [
        (i, v) for i, v in enumerate(values)
        if (i >= len(headers) or not headers[i]) and v is not None and str(v).strip()
    ]
    if extra:
        shown = "、".join(f"“{str(v).strip()[:20]}”" for _i, v in extra[:3])
        raise InvalidInput(
            _("本行有 %(n)d 个单元格不属于任何列（表头共 %(h)d 列，多出的内容：%(v)s），请检查是否错列或多填")
            % {"n": len(extra), "h": len([h for h in headers if h]), "v": shown},
            field=_("多余单元格"),
        )
