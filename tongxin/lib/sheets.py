"""Fast, flat-memory writers of a table (headers and rows): .xlsx and CSV.

The .xlsx writer produces the worksheet XML itself, row after row, into a deflated zip
member: every text is an inline string (no shared-string table growing with the rows; a text
is never a formula), dates are date cells and booleans boolean cells, the header row is bold.
Texts starting with =, +, -, @ are still prefixed with ' as in the CSV (and as the import
expects): a cell edited in Excel, or the sheet saved again as CSV, would otherwise become a
formula. Memory stays flat whatever the number of rows; it is
several times faster than openpyxl's write-only mode, which builds an element per cell.

The CSV is UTF-8 with a byte-order mark (so that Excel reads Chinese correctly), CRLF line
ends, and texts that Excel would evaluate as formulas (=, +, -, @ first) prefixed with '.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence

BOM = "\ufeff"
CHUNK_ROWS = 1000  # rows serialised per write (and per piece of a streamed CSV)
_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk)
# One pass per text: drop what XML 1.0 cannot carry (control characters, lone surrogates,
# U+FFFE/U+FFFF) and escape the markup characters.
_XML_TEXT = {
    code: None for code in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000)]
}
_XML_TEXT.update({0xFFFE: None, 0xFFFF: None, 0x26: "&amp;", 0x3C: "&lt;", 0x3E: "&gt;"})
_GUARD = frozenset("=+-@")  # first characters that make Excel read a cell as a formula

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
# Cell styles: 0 plain, 1 bold (headers), 2 date, 3 date and time.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _letters(count: int) -> list[str]:
    """Column letters A, B, ... Z, AA, ... for `count` columns."""
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _text(value: str) -> str:
    return value.translate(_XML_TEXT)


def _cell(ref: str, value) -> str:
    """One <c> element, or "" for an empty cell."""
    kind = type(value)
    if kind is str:
        if not value:
            return ""
        if value[0] in _GUARD:
            value = "'" + value
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if value is None:
        return ""
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float or kind is decimal.Decimal:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is datetime.date:
        return f'<c r="{ref}" s="2"><v>{(value - _EPOCH).days}</v></c>'
    if kind is datetime.datetime:
        if value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)  # Excel has no time zones
        delta = value - datetime.datetime(1899, 12, 30)
        serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
        return f'<c r="{ref}" s="3"><v>{serial!r}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | decimal.Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        return _cell(ref, datetime.datetime.fromtimestamp(value.timestamp()))
    if isinstance(value, datetime.date):
        return _cell(ref, datetime.date(value.year, value.month, value.day))
    return _cell(ref, str(value))


def write_xlsx(
    handle,
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    title: str = "Sheet1",
    progress=None,
) -> int:
    """Write one sheet of bold headers and rows to a binary handle; returns the row count.

    `progress(done)` is called after every CHUNK_ROWS rows (and at the end)."""
    letters = _letters(max(len(headers), 1))
    title = _text(re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet1").replace('"', "&quot;")
    done = 0
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK.format(title=title))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = "".join(
                f'<c r="{letter}1" t="inlineStr" s="1"><is><t xml:space="preserve">'
                f"{_text(str(header))}</t></is></c>"
                for letter, header in zip(letters, headers, strict=False)
            )
            sheet.write(f'{_SHEET_HEAD}<row r="1">{head}</row>'.encode())
            pieces = []
            number = 1
            for row in rows:
                number += 1
                if len(row) > len(letters):
                    letters = _letters(len(row))
                cells = [f'<row r="{number}">']
                for letter, value in zip(letters, row, strict=False):
                    if type(value) is str:  # most cells: inline, without a call
                        if value:
                            if value[0] in _GUARD:
                                value = "'" + value
                            cells.append(
                                f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space='
                                f'"preserve">{value.translate(_XML_TEXT)}</t></is></c>'
                            )
                    elif value is not None:
                        cells.append(_cell(f"{letter}{number}", value))
                cells.append("</row>")
                pieces.append("".join(cells))
                if len(pieces) >= CHUNK_ROWS:
                    sheet.write("".join(pieces).encode())
                    pieces.clear()
                    done = number - 1
                    if progress is not None:
                        progress(done)
            if pieces:
                sheet.write("".join(pieces).encode())
            done = number - 1
            sheet.write(_SHEET_TAIL.encode())
    if progress is not None:
        progress(done)
    return done


def csv_value(value):
    """A cell as CSV text: dates ISO, booleans TRUE/FALSE (as Excel writes them), a text
    that Excel would evaluate as a formula prefixed with '."""
    if value is None:
        return ""
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text[:1] in _GUARD else text


def csv_chunks(
    *, headers: Sequence[str], rows: Iterable[Sequence], progress=None
) -> Iterator[bytes]:
    """The CSV as pieces of UTF-8: the BOM and the header line first (before any row is
    read), then CHUNK_ROWS rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([csv_value(h) for h in headers])
    yield buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    done = 0
    pending = 0
    for row in rows:
        # Most cells are texts without a formula's first character: no call for them.
        writer.writerow(
            [
                value if type(value) is str and value[:1] not in _GUARD else csv_value(value)
                for value in row
            ]
        )
        pending += 1
        if pending >= CHUNK_ROWS:
            done += pending
            pending = 0
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            if progress is not None:
                progress(done)
    if pending:
        done += pending
        yield buffer.getvalue().encode()
    if progress is not None:
        progress(done)
