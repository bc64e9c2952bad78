"""Excel out: a workbook or a streamed CSV of headers and rows as a download (low memory);
Excel in: bounded reading of an uploaded workbook."""

from __future__ import annotations

import datetime
import decimal
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, StreamingHttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import escape_uri_path
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from tongxin.lib.sheets import csv_chunks, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _cell_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | decimal.Decimal | datetime.date):
        return value
    text = str(value)
    # A leading = + - @ would make Excel evaluate the cell as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def workbook_bytes_to(
    handle, *, headers: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1"
) -> int:
    """One sheet of bold headers and rows (the fast writer of `tongxin.lib.sheets`); returns
    the number of rows."""
    return write_xlsx(handle, headers=headers, rows=rows, title=title)


def openpyxl_workbook_bytes_to(
    handle, *, headers: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1"
) -> None:
    """The same with openpyxl's write-only mode (kept as the benchmark's reference)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell_value(value) for value in row])
    book.save(handle)


def download_response(handle, *, filename: str, content_type: str | None = None) -> FileResponse:
    """A file (an open binary handle, closed by the response; .xlsx unless `content_type`
    says otherwise) as a download.

    Every download the product serves goes through here or `csv_response`: exports carry
    personal data, so no browser, proxy or shared-terminal cache may keep a copy
    (Cache-Control: no-store, and Pragma: no-cache for HTTP/1.0 proxies).
    """
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type or XLSX, as_attachment=True)
    return _attachment(response, filename)


def _attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    add_never_cache_headers(response)
    response["Pragma"] = "no-cache"
    return response


def csv_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """Rows as a CSV download (UTF-8 with BOM), streamed: the first bytes are sent before
    any row is read, and memory stays flat. Same caching rules as `download_response`."""
    response = StreamingHttpResponse(csv_chunks(headers=headers, rows=rows), content_type=CSV)
    return _attachment(response, filename)


def workbook_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook_bytes_to(handle, headers=headers, rows=rows)
    return download_response(handle, filename=filename)


def sheets_response(
    *, filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]
):
    """A download of several sheets, each given as (title, headers, rows)."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=str(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_cell_value(value) for value in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    book.save(handle)
    return download_response(handle, filename=filename)


# Excel in ---------------------------------------------------------------------------------

ZIP_MAGIC = b"PK\x03\x04"
MAX_BLANK_ROWS = 100_000  # empty rows tolerated on top of max_rows before giving up
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format


class WorkbookError(ValueError):
    """The file cannot be read as a workbook; `code` says why (not_excel, old_xls, empty,
    too_long)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def read_rows(handle, *, max_rows: int | None = None) -> list[tuple[int, tuple]]:
    """The non-blank rows of the first sheet of an .xlsx file as (Excel row number, values).

    Values come as openpyxl gives them (str, int, float, datetime, bool or None); formulas
    give their cached result. Raises WorkbookError when the file is not a readable .xlsx
    workbook or has no sheet, or "too_long" past max_rows + MAX_BLANK_ROWS rows (a sheet of
    formatted empty rows). Stops after `max_rows` + 1 rows: the caller decides what too many
    means.
    """
    from openpyxl import load_workbook

    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(OLE_MAGIC):
        raise WorkbookError("old_xls")
    if not head.startswith(ZIP_MAGIC):
        raise WorkbookError("not_excel")
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # BadZipFile, KeyError, InvalidFileException...: not a workbook
        raise WorkbookError("not_excel") from error
    try:
        if not book.worksheets:
            raise WorkbookError("empty")
        sheet = book.worksheets[0]
        rows = []
        last_row = (max_rows or 1_000_000) + MAX_BLANK_ROWS
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > last_row:
                    raise WorkbookError("too_long")  # e.g. a million formatted empty rows
                if values is None or all(_blank(value) for value in values):
                    continue
                rows.append((number, tuple(values)))
                if max_rows is not None and len(rows) > max_rows:
                    break
        except WorkbookError:
            raise
        except Exception as error:  # a sheet whose XML is broken
            raise WorkbookError("not_excel") from error
        return rows
    finally:
        book.close()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
