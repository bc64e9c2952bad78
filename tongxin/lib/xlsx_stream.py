"""Read the first sheet of an .xlsx file as a stream of rows, fast and within bounds.

openpyxl builds an object per cell: about 30 µs a cell, 50 s for a sheet of 100,000 rows
of 17 columns, before the import has checked a single row. This reader reads the sheet's
XML as it unpacks, a megabyte at a time, and takes its rows and cells apart with regular
expressions (about 1-2 µs a cell), for the shapes Excel, WPS, LibreOffice and openpyxl
write: `<row>`s of `<c>`s, each with a value `<v>`, an inline string `<is>` or a reference
into the shared strings, a style that says whether a number is a date. It gives the values
openpyxl's read-only mode gives (`data_only`: a formula's cached result; dates by the
workbook's date styles and epoch; text with the five XML entities and character
references resolved, line ends normalised, phonetic runs left out).

It is also the bounded reader: it refuses what `excel.check_workbook` refuses, while it
reads: the zip's declared unpacked size and number of parts, a part declaring a DTD (an
entity can only be declared there, so no entity is ever expanded), more shared strings
than the bound, a cell longer than the bound (also before its end is found: the buffer
never holds more than one row of the bound's size) and more columns than the bound.

Anything else it does not read with certainty (a comment, a CDATA section or a processing
instruction among the cells, a namespace prefix on the sheet's elements, an entity it does
not know, an encoding other than UTF-8) raises `Unsupported` with the rows it has given so
far; `excel.iter_rows` then reads the rest with openpyxl, after `check_workbook`.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator


class Unsupported(Exception):
    """The file uses XML this reader does not take apart; `excel.iter_rows` goes on with
    openpyxl after the `rows` rows it has already given (`found` of them non-blank)."""

    def __init__(self, what: str, last_row: int = 0, found: int = 0):
        super().__init__(what)
        self.last_row = last_row
        self.found = found


PART_CHUNK = 1 << 20  # bytes unpacked at a time

_ROW = re.compile(r"<row\b([^>]*?)(/>|>(.*?)</row>)", re.S)
# A cell as spreadsheet programs write it: r, s and t in this order (all optional), then
# any other attributes (`rest`: read one by one when present), then its body.
_FAST_CELL = re.compile(
    r'<c(?: r="([A-Z]{1,3})[0-9]+")?(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")?([^>]*?)(?:/>|>(.*?)</c>)',
    re.S,
)
_V = re.compile(r"<v(?:\s[^>]*)?>(.*?)</v>|<v\s*/>", re.S)
_T = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>|<t(?:\s[^>]*)?/>", re.S)
_RPH = re.compile(r"<rPh\b.*?</rPh>|<rPh\b[^>]*/>", re.S)
_SI = re.compile(r"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ODD = ("<!--", "<![CDATA[", "<?")


def _entity(match) -> str:
    name = match.group(1)
    if name[0] == "#":
        try:
            return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
        except (ValueError, OverflowError):
            raise Unsupported("character reference") from None
    try:
        return _NAMED[name]
    except KeyError:
        raise Unsupported("entity") from None


def text_of(raw: str) -> str:
    """Character data as an XML parser gives it: line ends normalised, references resolved."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in raw:
        if raw.count("&") != len(_ENTITY.findall(raw)):
            raise Unsupported("a bare ampersand")
        raw = _ENTITY.sub(_entity, raw)
    return raw


def _attribute(attributes: str, name: str) -> str | None:
    """The value of one attribute in a start tag's attribute text (either quote)."""
    for quote in ('"', "'"):
        key = f" {name}={quote}"
        start = attributes.find(key)
        if start < 0:
            start = attributes.find(f"\t{name}={quote}")
            if start < 0:
                start = attributes.find(f"\n{name}={quote}")
        if start >= 0:
            start += len(key)
            end = attributes.find(quote, start)
            return attributes[start:end] if end >= 0 else None
    return None


_COLUMNS: dict[str, int] = {}


def _column(reference: str) -> int:
    letters = reference.rstrip("0123456789")
    number = _COLUMNS.get(letters)
    if number is None:
        number = 0
        for char in letters:
            if not ("A" <= char <= "Z"):
                raise Unsupported("cell reference")
            number = number * 26 + ord(char) - 64
        _COLUMNS[letters] = number
    return number


def _row_number(reference: str) -> int:
    digits = reference[len(reference.rstrip("0123456789")) :]
    return int(digits) if digits else 0


def _string(body: str) -> str:
    """The text of an <is> or <si> element: its <t> runs, phonetic runs left out."""
    if "<rPh" in body:
        body = _RPH.sub("", body)
    parts = [text_of(match.group(1) or "") for match in _T.finditer(body)]
    return parts[0] if len(parts) == 1 else "".join(parts)


class _Stream:
    """The text of one part, unpacked and decoded as it is read, in pieces."""

    def __init__(self, archive: zipfile.ZipFile, name: str, error):
        self.part = archive.open(name)
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.error = error  # WorkbookError

    def read(self) -> str | None:
        try:
            data = self.part.read(PART_CHUNK)
        except Exception as failure:  # a CRC or size mismatch: a broken part
            raise self.error("not_excel") from failure
        if not data:
            return None
        try:
            return self.decoder.decode(data)
        except UnicodeDecodeError:
            raise Unsupported("encoding") from None

    def close(self) -> None:
        self.part.close()


def _prolog(text: str, error) -> int:
    """Where the root element starts; refuses a DTD (WorkbookError), and an encoding other
    than UTF-8 is Unsupported (openpyxl reads it)."""
    at = 0
    while True:
        start = text.find("<", at)
        if start < 0:
            raise Unsupported("prolog")
        if text.startswith("<?", start):
            end = text.find("?>", start)
            declaration = text[start:end]
            if "encoding" in declaration and not re.search(
                r"""encoding\s*=\s*["']utf-?8["']""", declaration, re.I
            ):
                raise Unsupported("encoding")
            at = end + 2
        elif text.startswith("<!--", start):
            at = text.find("-->", start) + 3
        elif text.startswith("<!", start):
            raise error("not_excel")  # a DTD: entity expansion has no place in .xlsx
        else:
            return start


def shared_strings(archive, name: str, *, max_strings: int, max_chars: int, error) -> list[str]:
    """The shared-string table, counted and bounded as it is read."""
    stream = _Stream(archive, name, error)
    strings: list[str] = []
    buffer, started = "", False
    # An <si> still open past this size holds a cell over the bound (markup adds little).
    open_bound = max_chars * 8 + 65_536
    try:
        while (piece := stream.read()) is not None:
            buffer += piece
            if not started:
                start = _prolog(buffer, error)
                if not buffer.startswith("<sst", start):
                    if len(buffer) < 4096:
                        continue
                    raise Unsupported("shared strings root")
                buffer, started = buffer[start:], True
            cut = buffer.rfind("</si>")
            cut = cut + 5 if cut >= 0 else 0
            empty = buffer.rfind("<si/>")
            if empty >= 0 and empty + 5 > cut:
                cut = empty + 5
            if cut:
                head, buffer = buffer[:cut], buffer[cut:]
                _strings_into(strings, head, max_strings, max_chars, error)
            if len(buffer) > open_bound:
                raise error("cell_too_long")
        _strings_into(strings, buffer, max_strings, max_chars, error)
    finally:
        stream.close()
    return strings


def _strings_into(strings: list, text: str, max_strings: int, max_chars: int, error) -> None:
    if any(odd in text for odd in _ODD):
        raise Unsupported("markup in the shared strings")
    for match in _SI.finditer(text):
        body = match.group(1)
        value = _string(body) if body else ""
        if len(value) > max_chars:
            raise error("cell_too_long")
        if "x005F_" in value:
            value = value.replace("x005F_", "")
        strings.append(value)
        if len(strings) > max_strings:
            raise error("too_many_strings")


def sheet_rows(
    archive,
    name: str,
    *,
    strings: list[str],
    date_styles: set[int],
    epoch: datetime.datetime,
    max_columns: int,
    max_chars: int,
    last_row: int,
    max_rows: int | None,
    error,
) -> Iterator[tuple[int, tuple]]:
    """The non-blank rows of a worksheet part as (row number, values), as `iter_rows` gives
    them; stops after `max_rows` + 1 rows; `error` is WorkbookError."""
    from openpyxl.utils.datetime import from_excel

    stream = _Stream(archive, name, error)
    buffer, started, number, found = "", False, 0, 0
    # An unfinished row past this size is refused: a row of the bounds' size (max_columns
    # cells of max_chars characters) with its markup is smaller; so is an unfinished cell
    # past `cell_bound`. The buffer never holds more.
    open_bound = max_columns * max_chars * 2 + (1 << 20)
    cell_bound = max_chars * 8 + 4096

    def value_of(kind: str, style: str, body: str | None):
        if not body:
            return None
        if kind == "inlineStr":
            if body.startswith("<is><t>") and body.endswith("</t></is>"):
                raw = body[7:-9]
                if "<" not in raw:
                    return text_of(raw)
            start = body.find("<is")
            return _string(body[start:]) if start >= 0 else None
        if body.startswith("<v>") and body.endswith("</v>") and "<" not in body[3:-4]:
            raw = body[3:-4]
        else:
            match = _V.search(body)
            raw = match.group(1) if match else None
        if not raw:
            return None
        if len(raw) > max_chars:
            raise error("cell_too_long")
        if kind == "s":
            try:
                return strings[int(raw)]
            except (ValueError, IndexError):
                raise error("not_excel") from None
        if not kind or kind == "n":
            try:
                number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            except ValueError:
                raise Unsupported("number") from None
            if style and int(style) in date_styles:
                try:
                    return from_excel(number, epoch)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.datetime.fromisoformat(raw.strip().rstrip("Z"))
            except ValueError:
                return text_of(raw)
        return text_of(raw)  # str (a formula's text), e (an error)

    def rows_of(text: str):
        nonlocal number, found
        if any(odd in text for odd in _ODD):
            raise Unsupported("markup among the cells")
        for match in _ROW.finditer(text):
            attributes = match.group(1)
            reference = _attribute(attributes, "r")
            number = int(reference) if reference and reference.isdigit() else number + 1
            if number > last_row:
                raise error("too_long")  # e.g. a million formatted empty rows
            body = match.group(3)
            if not body:
                continue
            values: dict[int, object] = {}
            column = 0
            for letters, style, kind, rest, cell_body in _FAST_CELL.findall(body):
                if rest.strip():
                    # Attributes in another order, or others: read them one by one.
                    attributes = rest
                    reference = _attribute(attributes, "r")
                    letters = reference.rstrip("0123456789") if reference else letters
                    style = _attribute(attributes, "s") or style
                    kind = _attribute(attributes, "t") or kind
                column = _column(letters) if letters else column + 1
                if column > max_columns:
                    raise error("too_many_columns")
                value = value_of(kind, style, cell_body)
                if value is not None:
                    if isinstance(value, str) and len(value) > max_chars:
                        raise error("cell_too_long")
                    values[column] = value
            if not values or all(isinstance(v, str) and not v.strip() for v in values.values()):
                continue
            width = max(values)
            yield number, tuple(values.get(i) for i in range(1, width + 1))
            found += 1
            if max_rows is not None and found > max_rows:
                return

    try:
        while (piece := stream.read()) is not None:
            buffer += piece
            if not started:
                at = buffer.find("<sheetData")
                if at < 0:
                    if ":sheetData" in buffer:
                        raise Unsupported("namespace prefix")
                    if len(buffer) > open_bound:
                        raise Unsupported("no sheet data")
                    continue
                _prolog(buffer, error)
                end = buffer.find(">", at)
                if end < 0:
                    continue
                if buffer[end - 1] == "/":
                    return  # <sheetData/>: no rows
                buffer, started = buffer[end + 1 :], True
            finish = buffer.find("</sheetData>")
            if finish >= 0:
                buffer = buffer[:finish]
                break
            cut = buffer.rfind("</row>")
            if cut >= 0:
                head, buffer = buffer[: cut + 6], buffer[cut + 6 :]
                for row in rows_of(head):
                    yield row
                    if max_rows is not None and found > max_rows:
                        return
            if len(buffer) > PART_CHUNK and len(buffer) - buffer.rfind("<c") > cell_bound:
                raise error("cell_too_long")
            if len(buffer) > open_bound:
                raise error("cell_too_long")
        else:
            if not started:
                return
        yield from rows_of(buffer)
    finally:
        stream.close()


def book_parts(archive, targets, first_sheet) -> tuple:
    """(workbook, first sheet, shared strings, styles) part names of a workbook (`targets`
    and `first_sheet` are excel.py's expat helpers: the small parts are read by expat)."""
    book = next(
        (
            path
            for _id, kind, path in targets(archive, "_rels/.rels", "")
            if kind.endswith("/officeDocument")
        ),
        "xl/workbook.xml",
    )
    folder, file = posixpath.split(book)
    relations = targets(archive, f"{folder}/_rels/{file}.rels", folder)
    strings = next((p for _i, k, p in relations if k.endswith("/sharedStrings")), None)
    styles = next((p for _i, k, p in relations if k.endswith("/styles")), None)
    return book, first_sheet(archive), strings, styles


def date1904(archive, scan, book: str) -> bool:
    found = []

    def start(name, attrs):
        if name.rsplit(" ", 1)[-1] == "workbookPr":
            found.append(str(attrs.get("date1904", "")).lower() in ("1", "true"))

    if book in archive.NameToInfo:
        scan(archive, book, start=start)
    return bool(found and found[0])


def date_styles(archive, scan, name: str | None) -> set[int]:
    """Indexes of the cell styles (cellXfs) whose number format is a date, as openpyxl has
    them."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    if not name or name not in archive.NameToInfo:
        return set()
    custom: dict[int, str] = {}
    styles: list[int] = []
    inside = []

    def start(tag, attrs):
        tag = tag.rsplit(" ", 1)[-1]
        if tag == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            inside.append(True)
        elif tag == "xf" and inside:
            try:
                styles.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                styles.append(0)

    def end(tag):
        if tag.rsplit(" ", 1)[-1] == "cellXfs" and inside:
            inside.pop()

    scan(archive, name, start=start, end=end)
    found = set()
    for index, format_id in enumerate(styles):
        code = custom.get(format_id) if format_id in custom else BUILTIN_FORMATS.get(format_id)
        if code and is_date_format(code):
            found.add(index)
    return found
