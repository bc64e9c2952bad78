"""Excel out: a workbook or a streamed CSV of headers and rows as a download (low memory).
Excel in: read the first sheet of an uploaded workbook as a stream, within bounds."""

from __future__ import annotations

import datetime
import decimal
import posixpath
import tempfile
from collections.abc import Iterable, Iterator, Sequence

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
#
# An .xlsx file is a zip of XML parts, and a few hundred kilobytes can unpack to gigabytes: a
# sheet of one 1 GB cell, ten million shared strings (which openpyxl loads, all of them, before
# the first row), sixteen thousand columns. So before openpyxl sees the file, `check_workbook`
# reads the zip's directory (the unpacked size of every part, which zipfile then enforces)
# and streams the shared strings and the first sheet through expat, counting as it goes and
# keeping nothing: the unpacked size, the shared strings, the length of a cell and the number
# of columns are bounded (settings below); a part declaring a DTD (entity expansion) is
# refused. Only then does openpyxl read the sheet, in read-only (streaming) mode.

ZIP_MAGIC = b"PK\x03\x04"
MAX_BLANK_ROWS = 100_000  # empty rows tolerated on top of max_rows before giving up
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
MAX_PARTS = 10_000  # zip members
SCAN_CHUNK = 1 << 20

LIMITS = {
    # setting name: (default, what it bounds)
    "IMPORT_MAX_UNPACKED_BYTES": 400 * 1024 * 1024,  # all parts of the zip, unpacked
    "IMPORT_MAX_SHARED_STRINGS": 1_000_000,  # entries of the shared-string table
    "IMPORT_MAX_CELL_CHARS": 32_767,  # characters in one cell (Excel's own limit)
    "IMPORT_MAX_COLUMNS": 200,  # columns of the first sheet
}


def limit(name: str) -> int:
    from django.conf import settings

    return int(getattr(settings, name, None) or LIMITS[name])


class WorkbookError(ValueError):
    """The file cannot be read as a workbook; `code` says why: not_excel, old_xls, empty,
    too_long (rows), too_big (unpacked size), too_many_strings, cell_too_long,
    too_many_columns."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _scan(archive, name: str, start=None, text=None, end=None) -> None:
    """Stream one XML part through expat (namespaces as "uri local"); the handlers may raise
    WorkbookError to stop. Nothing of the part is kept."""
    from xml.parsers import expat

    def refuse(*args):
        raise WorkbookError("not_excel")  # a DTD: entity expansion has no place in .xlsx

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    if start:
        parser.StartElementHandler = start
    if text:
        parser.CharacterDataHandler = text
    if end:
        parser.EndElementHandler = end
    try:
        with archive.open(name) as part:
            while chunk := part.read(SCAN_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except WorkbookError:
        raise
    except Exception as error:  # ExpatError, BadZipFile (a CRC or size mismatch)...
        raise WorkbookError("not_excel") from error


def _targets(archive, rels: str, base: str) -> list[tuple[str, str, str]]:
    """(id, type, part name) of each relationship in a .rels part."""
    found = []

    def start(name, attrs):
        if _local(name) == "Relationship" and "Target" in attrs:
            target = attrs["Target"]
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            found.append((attrs.get("Id", ""), attrs.get("Type", ""), posixpath.normpath(path)))

    if rels in archive.NameToInfo:
        _scan(archive, rels, start=start)
    return found


def _first_sheet(archive) -> str | None:
    """The part name of the workbook's first sheet (the one openpyxl reads first)."""
    book = next(
        (
            path
            for _id, kind, path in _targets(archive, "_rels/.rels", "")
            if kind.endswith("/officeDocument")
        ),
        "xl/workbook.xml",
    )
    if book not in archive.NameToInfo:
        return None
    first = []

    def start(name, attrs):
        if _local(name) == "sheet" and not first:
            first.append(attrs.get(f"{_NS_REL} id") or attrs.get("r:id") or "")

    _scan(archive, book, start=start)
    folder, file = posixpath.split(book)
    rels = {
        rid: path for rid, _kind, path in _targets(archive, f"{folder}/_rels/{file}.rels", folder)
    }
    return rels.get(first[0]) if first else None


def _column(ref: str) -> int:
    number = 0
    for char in ref:
        if not ("A" <= char <= "Z"):
            break
        number = number * 26 + ord(char) - 64
    return number


def _check_strings(archive, name: str, max_strings: int, max_chars: int) -> None:
    state = {"count": 0, "chars": 0, "inside": False}

    def start(tag, attrs):
        if _local(tag) == "si":
            state["count"] += 1
            if state["count"] > max_strings:
                raise WorkbookError("too_many_strings")
            state["chars"], state["inside"] = 0, True

    def text(data):
        if state["inside"]:
            state["chars"] += len(data)
            if state["chars"] > max_chars:
                raise WorkbookError("cell_too_long")

    def end(tag):
        if _local(tag) == "si":
            state["inside"] = False

    _scan(archive, name, start=start, text=text, end=end)


def _check_sheet(archive, name: str, max_columns: int, max_chars: int) -> None:
    state = {"column": 0, "chars": 0, "inside": False}

    def start(tag, attrs):
        tag = _local(tag)
        if tag == "row":
            state["column"] = 0
        elif tag == "c":
            ref = attrs.get("r")
            state["column"] = _column(ref) if ref else state["column"] + 1
            if state["column"] > max_columns:
                raise WorkbookError("too_many_columns")
            state["chars"], state["inside"] = 0, True

    def text(data):
        if state["inside"]:
            state["chars"] += len(data)
            if state["chars"] > max_chars:
                raise WorkbookError("cell_too_long")

    def end(tag):
        if _local(tag) == "c":
            state["inside"] = False

    _scan(archive, name, start=start, text=text, end=end)


def check_workbook(handle) -> None:
    """Refuse (WorkbookError) an .xlsx file that would unpack too large, before any parser
    holds it: reads the zip directory, then streams the shared strings and the first sheet.
    Bounds: IMPORT_MAX_UNPACKED_BYTES, IMPORT_MAX_SHARED_STRINGS, IMPORT_MAX_CELL_CHARS and
    IMPORT_MAX_COLUMNS (settings; defaults in LIMITS)."""
    import zipfile

    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except Exception as error:  # BadZipFile, a truncated directory...
        raise WorkbookError("not_excel") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_PARTS:
            raise WorkbookError("too_big")
        # The sizes the directory declares; zipfile refuses a part that unpacks to more.
        if sum(member.file_size for member in members) > limit("IMPORT_MAX_UNPACKED_BYTES"):
            raise WorkbookError("too_big")
        max_chars = limit("IMPORT_MAX_CELL_CHARS")
        for member in members:
            if member.filename.lower().endswith("sharedstrings.xml"):
                _check_strings(
                    archive, member.filename, limit("IMPORT_MAX_SHARED_STRINGS"), max_chars
                )
        sheet = _first_sheet(archive)
        sheets = (
            [sheet]
            if sheet in archive.NameToInfo
            else [m.filename for m in members if m.filename.startswith("xl/worksheets/")]
        )
        for name in sheets:
            if name.endswith(".xml"):
                _check_sheet(archive, name, limit("IMPORT_MAX_COLUMNS"), max_chars)
    handle.seek(0)


def iter_rows(handle, *, max_rows: int | None = None) -> Iterator[tuple[int, tuple]]:
    """The non-blank rows of the first sheet of an .xlsx file as (Excel row number, values),
    read as a stream within the bounds `check_workbook` enforces.

    Values come as openpyxl gives them (str, int, float, datetime, bool or None); formulas
    give their cached result. Raises WorkbookError when the file is not a readable .xlsx
    workbook, has no sheet or exceeds a bound, or "too_long" past max_rows + MAX_BLANK_ROWS
    rows (a sheet of formatted empty rows). Stops after `max_rows` + 1 rows: the caller
    decides what too many means.

    The fast reader (`xlsx_stream`: the sheet's XML taken apart as it unpacks, bounded as it
    goes) reads the shapes spreadsheet programs write; a file it does not read with
    certainty is read by openpyxl (after `check_workbook`) from the row where it stopped.
    """
    from tongxin.lib import xlsx_stream

    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(OLE_MAGIC):
        raise WorkbookError("old_xls")
    if not head.startswith(ZIP_MAGIC):
        raise WorkbookError("not_excel")
    last = found = 0
    try:
        for number, values in _stream_rows(handle, max_rows=max_rows):
            last = number
            found += 1
            yield number, values
        return
    except xlsx_stream.Unsupported:
        pass
    yield from _openpyxl_rows(handle, max_rows=max_rows, after=last, found=found)


def _stream_rows(handle, *, max_rows: int | None) -> Iterator[tuple[int, tuple]]:
    import zipfile

    from tongxin.lib import xlsx_stream

    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except Exception as error:  # BadZipFile, a truncated directory...
        raise WorkbookError("not_excel") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_PARTS:
            raise WorkbookError("too_big")
        if sum(member.file_size for member in members) > limit("IMPORT_MAX_UNPACKED_BYTES"):
            raise WorkbookError("too_big")
        book, sheet, strings_part, styles = xlsx_stream.book_parts(archive, _targets, _first_sheet)
        if sheet is None or sheet not in archive.NameToInfo:
            raise xlsx_stream.Unsupported("no first sheet")
        max_chars = limit("IMPORT_MAX_CELL_CHARS")
        strings: list[str] = []
        for member in members:
            # Every shared-string table is bounded (as check_workbook does); the workbook's
            # own is the one read.
            if member.filename.lower().endswith("sharedstrings.xml"):
                found = xlsx_stream.shared_strings(
                    archive,
                    member.filename,
                    max_strings=limit("IMPORT_MAX_SHARED_STRINGS"),
                    max_chars=max_chars,
                    error=WorkbookError,
                )
                if strings_part in (None, member.filename):
                    strings = found
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        epoch = (
            CALENDAR_MAC_1904
            if xlsx_stream.date1904(archive, _scan, book)
            else CALENDAR_WINDOWS_1900
        )
        yield from xlsx_stream.sheet_rows(
            archive,
            sheet,
            strings=strings,
            date_styles=xlsx_stream.date_styles(archive, _scan, styles),
            epoch=epoch,
            max_columns=limit("IMPORT_MAX_COLUMNS"),
            max_chars=max_chars,
            last_row=(max_rows or 1_000_000) + MAX_BLANK_ROWS,
            max_rows=max_rows,
            error=WorkbookError,
        )


def _openpyxl_rows(
    handle, *, max_rows: int | None, after: int = 0, found: int = 0
) -> Iterator[tuple[int, tuple]]:
    """`iter_rows` by openpyxl, after `check_workbook`: the rows after row `after` (`found`
    non-blank rows were given already)."""
    from openpyxl import load_workbook

    check_workbook(handle)
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # BadZipFile, KeyError, InvalidFileException...: not a workbook
        raise WorkbookError("not_excel") from error
    try:
        if not book.worksheets:
            raise WorkbookError("empty")
        sheet = book.worksheets[0]
        last_row = (max_rows or 1_000_000) + MAX_BLANK_ROWS
        # openpyxl pads each row to the width the sheet's <dimension> declares: a sheet that
        # claims 16,384 columns is padded to the column bound only (the cells were counted).
        declared = sheet.max_column if isinstance(sheet.max_column, int) else None
        width = min(declared, limit("IMPORT_MAX_COLUMNS")) if declared else None
        rows = sheet.iter_rows(values_only=True, max_col=width)
        try:
            for number, values in enumerate(rows, start=1):
                if number > last_row:
                    raise WorkbookError("too_long")  # e.g. a million formatted empty rows
                if number <= after or values is None or all(_blank(value) for value in values):
                    continue
                yield number, tuple(values)
                found += 1
                if max_rows is not None and found > max_rows:
                    break
        except WorkbookError:
            raise
        except Exception as error:  # a sheet whose XML is broken
            raise WorkbookError("not_excel") from error
    finally:
        book.close()


def read_rows(handle, *, max_rows: int | None = None) -> list[tuple[int, tuple]]:
    """`iter_rows` as a list (the row kinds check a whole file at once)."""
    return list(iter_rows(handle, max_rows=max_rows))


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
