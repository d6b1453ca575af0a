"""Reading tables that users upload: .xlsx (openpyxl) or CSV in UTF-8 or GBK/GB18030.

A file that is not a readable table is refused whole with FileRejected, saying what to do."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from carecircle.core import limits
from carecircle.core.errors import DomainError, InvalidInput

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

Cell: TypeAlias = Any
"""One cell as read: text from a CSV file; from an .xlsx sheet whatever openpyxl (untyped) read —
text, a number, a date or time, a boolean, or None for an empty cell."""

Table: TypeAlias = tuple[list[str], Iterator[tuple[int, list[Cell]]], int]
"""(headers, rows as (row number, values), row count estimate), as `open_table` returns it."""


class FileRejected(DomainError):
    code = "import_file_rejected"
    status = 422


class FileTooLarge(FileRejected):
    code = "file_too_large"
    status = 413


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_upload(uploaded_file: UploadedFile[bytes]) -> str:
    """A received upload (Django's UploadedFile) within the size limit; returns the name to show,
    at most 200 characters. The name never becomes a path on disk (see upload_suffix)."""
    size = uploaded_file.size or 0
    if size > limits.upload_max_bytes():
        raise FileTooLarge(
            _("文件过大：%(s)s，上限为 %(m)s") % {"s": _mb(size), "m": _mb(limits.upload_max_bytes())},
            field="file",
        )
    name = Path((uploaded_file.name or "upload").replace("\\", "/")).name.strip() or "upload"
    return name[:200]


def upload_suffix(file_name: str) -> str:
    """The suffix a stored upload gets: .xlsx, .csv or nothing (the content decides how it is read)."""
    suffix = Path(file_name).suffix.lower()
    return suffix if suffix in (".xlsx", ".csv", ".txt") else ""


def check_xlsx_archive(path: Path) -> None:
    """Refuse an archive that is not a workbook, or whose members would unpack beyond the limits,
    reading only the zip directory (nothing is decompressed here). zipfile stops at the sizes the
    directory declares (a member that inflates further fails its check), so these are the bounds."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRejected(_("无法读取 Excel 文件：压缩结构损坏。请确认文件为 .xlsx 格式")) from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise FileRejected(_("这个压缩文件不是 Excel 工作簿（.xlsx），请上传 .xlsx 或 CSV 文件"))
    total = 0
    for m in members:
        total += m.file_size
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > 1024 * 1024 and ratio > limits.upload_max_ratio():
            raise FileRejected(
                _("文件内容压缩比异常（%(r)d:1，上限 %(m)d:1），疑似压缩炸弹，已拒绝")
                % {"r": ratio, "m": limits.upload_max_ratio()}
            )
        if m.filename == "xl/sharedStrings.xml" and m.file_size > limits.upload_max_unpacked_bytes() // 4:
            # read whole into memory by openpyxl, even in read-only mode: a quarter of the budget
            raise FileRejected(
                _("Excel 文件的文本表解压后过大：%(s)s，上限为 %(m)s")
                % {"s": _mb(m.file_size), "m": _mb(limits.upload_max_unpacked_bytes() // 4)}
            )
    if total > limits.upload_max_unpacked_bytes():
        raise FileRejected(
            _("Excel 文件解压后过大：%(s)s，上限为 %(m)s")
            % {"s": _mb(total), "m": _mb(limits.upload_max_unpacked_bytes())}
        )


def _too_many_rows(count: int | str) -> FileRejected:
    return FileRejected(
        _("数据行过多：%(n)s 行，上限为 %(m)s 行，请拆分文件后分批导入")
        % {"n": count, "m": limits.upload_max_rows()}
    )


def open_table(path: Path) -> Table:
    """(headers, rows as (row number, values), row count estimate); raises FileRejected.

    Bounded by the upload limits (core/limits.py): the file's size, the number of data rows (counted
    up front where the format allows, and again while reading), and for .xlsx the zip directory is
    checked before anything is unpacked."""
    size = path.stat().st_size
    if size > limits.upload_max_bytes():
        raise FileTooLarge(
            _("文件过大：%(s)s，上限为 %(m)s") % {"s": _mb(size), "m": _mb(limits.upload_max_bytes())}
        )
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04"):
        check_xlsx_archive(path)
        return _open_xlsx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(_("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入"))
    return _open_csv(path)


def _open_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
    except (
        zipfile.BadZipFile,
        KeyError,
        IndexError,
        OSError,
        ValueError,
        TypeError,
        InvalidFileException,
    ) as exc:
        raise FileRejected(
            _("无法读取 Excel 文件：%(e)s。请确认文件为 .xlsx 格式") % {"e": str(exc)[:200]}
        ) from None
    total = max(0, (ws.max_row or 1) - 1)  # what the sheet's <dimension> declares: an estimate
    if total > limits.upload_max_rows():
        raise _too_many_rows(total)
    ws.reset_dimensions()  # read every row there is, not only the declared ones
    rows = _xlsx_rows(ws.iter_rows(values_only=True))
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        raise FileRejected(_("文件是空的")) from None

    def gen() -> Iterator[tuple[int, list[Cell]]]:
        for i, row in enumerate(rows, start=2):
            if i - 1 > limits.upload_max_rows():
                raise _too_many_rows(_("超过 %(m)s") % {"m": limits.upload_max_rows()})
            yield i, list(row)
        wb.close()

    return headers, gen(), total


def _xlsx_rows(rows: Iterable[tuple[Cell, ...]]) -> Iterator[tuple[Cell, ...]]:
    """The sheet's rows; a sheet that breaks while it is read (bad XML, a member failing its zip
    check) refuses the file with the reason, not an error page."""
    try:
        yield from rows
    except (
        zipfile.BadZipFile,
        zlib.error,
        SyntaxError,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        EOFError,
    ) as exc:
        raise FileRejected(
            _("无法读取 Excel 文件：%(e)s。请确认文件为 .xlsx 格式") % {"e": str(exc)[:200]}
        ) from None


def _open_csv(path: Path) -> Table:
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
        headers = [h.strip() for h in next(_csv_rows(reader))]
    except StopIteration:
        raise FileRejected(_("文件是空的")) from None
    total = max(0, text.count("\n") - 1 + (0 if text.endswith("\n") else 1))
    if total > limits.upload_max_rows():
        raise _too_many_rows(total)

    def gen() -> Iterator[tuple[int, list[Cell]]]:
        for i, row in enumerate(_csv_rows(reader), start=2):
            if i - 1 > limits.upload_max_rows():  # quoted cells may hide line breaks from the estimate
                raise _too_many_rows(_("超过 %(m)s") % {"m": limits.upload_max_rows()})
            if any(cell.strip() for cell in row):
                yield i, row

    return headers, gen(), total


def _csv_rows(reader: CsvReader) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as exc:  # e.g. a cell longer than the csv module's field limit
        raise FileRejected(
            _("CSV 文件第 %(n)s 行无法读取：%(e)s") % {"n": reader.line_num, "e": exc}
        ) from None


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")


def parse_date(value: object, field_name: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar date, no time
        except ValueError:
            continue
    raise InvalidInput(_("日期格式不正确：%(v)s（应为 2026-01-01）") % {"v": text}, field=field_name)


_MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y%m", "%Y.%m", "%Y年%m月")


def parse_month(value: object, field_name: str) -> datetime.date:
    """A month (`2026-01`, `2026/01`, `202601`, `2026年1月`) as the date of its first day; a value that
    is no month is an InvalidInput (422) naming the field and the value, never a silent default."""
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = str(value).strip()
    for fmt in _MONTH_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar month, no time
        except ValueError:
            continue
    raise InvalidInput(_("月份格式不正确：%(v)s（应为 2026-01）") % {"v": text}, field=field_name)


def check_row_width(headers: list[str], values: list[Cell]) -> None:
    """Refuse a row with content in cells that belong to no column: beyond the header row or under
    an empty header (a row shifted by an unquoted comma, a note typed beside the table). Such cells
    were dropped silently before; now the row is rejected with the reason and the cells shown."""
    extra = [
        (i, v)
        for i, v in enumerate(values)
        if (i >= len(headers) or not headers[i]) and v is not None and str(v).strip()
    ]
    if extra:
        shown = "、".join(f"“{str(v).strip()[:20]}”" for _i, v in extra[:3])
        raise InvalidInput(
            _("本行有 %(n)d 个单元格不属于任何列（表头共 %(h)d 列，多出的内容：%(v)s），请检查是否错列或多填")
            % {"n": len(extra), "h": len([h for h in headers if h]), "v": shown},
            field=_("多余单元格"),
        )
