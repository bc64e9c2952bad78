"""Excel out: stream a workbook of headers and rows as a download (write-only, low memory)."""

from __future__ import annotations

import datetime
import decimal
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse
from django.utils.encoding import escape_uri_path
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
) -> None:
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


def workbook_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook_bytes_to(handle, headers=headers, rows=rows)
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX, as_attachment=True)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
