"""Reading case files: .xlsx (the import app's reader), CSV in UTF-8, UTF-8 with BOM, GBK or
GB18030 (detected), and Parquet. Every reader yields (row number, cell values) with the
header as row 1, the shape `tongxin.lib.excel.iter_rows` gives, so the import lifecycle
reads any of them the same way (`ImportKind.reader`)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator

from tongxin.lib.excel import OLE_MAGIC, ZIP_MAGIC, iter_rows

PARQUET_MAGIC = b"PAR1"
XLSX, CSV, PARQUET = "xlsx", "csv", "parquet"
_PROBE = 1 << 20  # bytes read to decide the encoding


def file_format(handle) -> str:
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
        return XLSX
    if head.startswith(PARQUET_MAGIC):
        return PARQUET
    return CSV


def detect_encoding(head: bytes) -> str:
    """utf-8-sig (BOM), utf-8, or gb18030 (a superset of GBK): the first that decodes the
    file's first megabyte (a multi-byte character cut at the end is allowed)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    return "gb18030"


def _cell(text: str):
    # Excel serial dates written to CSV (45356): a number without a leading zero; staff numbers
    # with leading zeros stay text, and any other number reads back as the same text.
    if text.isdigit() and len(text) == 5 and text[0] != "0":
        return int(text)
    return text


def csv_rows(handle, *, max_rows: int | None = None) -> Iterator[tuple[int, tuple]]:
    handle.seek(0)
    encoding = detect_encoding(handle.read(_PROBE))
    handle.seek(0)
    text = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")
    try:
        for number, cells in enumerate(_guarded(csv.reader(text), csv.Error), start=1):
            if max_rows is not None and number > max_rows + 1:
                return
            if not any(c.strip() for c in cells):
                continue
            yield number, tuple(_cell(c.strip()) for c in cells)
    finally:
        text.detach()


def csv_to_parquet(path, target, *, block: int = 100_000, arrow: bool = True) -> list[str]:
    """Read a CSV case file exactly as `csv_rows` reads it (the encoding detected, the same
    records, blank ones skipped, cells stripped) into an uncompressed Parquet file for the
    set-based import: text columns c0.. (the header's width; missing cells null), `_row` (the
    record's number, as `csv_rows` numbers it), `_n` (the record's number of cells) and
    `_extra` (its cells beyond the header's, when it has more). Returns the header's cells."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with open(path, "rb") as handle:
        encoding = detect_encoding(handle.read(_PROBE))
    header = _arrow_csv_to_parquet(path, target, encoding) if arrow else None
    if header is not None:
        return header
    with open(path, encoding=encoding, errors="replace", newline="") as text:
        records = enumerate(_guarded(csv.reader(text), csv.Error), start=1)
        header = None
        for _number, cells in records:
            if any(c.strip() for c in cells):
                header = [str(_cell(c.strip())) for c in cells]
                break
        if header is None:
            return []
        width = len(header)
        fields = [pa.field(f"c{i}", pa.string()) for i in range(width)]
        schema = pa.schema(fields + [pa.field("_row", pa.int64()), pa.field("_n", pa.int32()),
                                     pa.field("_extra", pa.list_(pa.string()))])  # fmt: skip
        with pq.ParquetWriter(target, schema, compression="none") as writer:
            while True:
                rows, numbers, counts, extras = [], [], [], []
                for number, cells in records:
                    stripped = [c.strip() for c in cells]
                    if not any(stripped):
                        continue
                    count = len(stripped)
                    numbers.append(number)
                    counts.append(count)
                    if count == width:
                        rows.append(stripped)
                        extras.append(None)
                    else:
                        rows.append((stripped + [None] * width)[:width])
                        extras.append(stripped[width:] or None)
                    if len(rows) >= block:
                        break
                if not rows:
                    break
                columns = [pa.array(c, pa.string()) for c in zip(*rows, strict=True)]
                columns += [pa.array(numbers, pa.int64()), pa.array(counts, pa.int32()),
                            pa.array(extras, pa.list_(pa.string()))]  # fmt: skip
                writer.write_table(pa.Table.from_arrays(columns, schema=schema))
    return header


def _arrow_csv_to_parquet(path, target, encoding: str) -> list[str] | None:
    """`csv_to_parquet` by Arrow's CSV reader (C++, streaming) for a regular file: every
    record has the header's number of cells, none is empty, the text decodes without error.
    Records are then what Python's csv module reads, in the same order: a data row's number
    is its index + 2; cells are stripped of the same characters as str.strip(); records
    whose cells are all blank are dropped (csv_rows skips them). None: the file is not
    regular (the caller reads it with Python's csv module)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    from tongxin.trial.caseno import SPACE_CHARS

    with open(path, encoding=encoding, errors="replace", newline="") as text:
        first = next(csv.reader(text), None)
    if not first or not any(c.strip() for c in first) or any("\n" in c or "\r" in c for c in first):
        return None
    header = [str(_cell(c.strip())) for c in first]
    names = [f"c{i}" for i in range(len(header))]

    try:
        reader = pa_csv.open_csv(
            path,
            read_options=pa_csv.ReadOptions(
                column_names=names, skip_rows=1, encoding=encoding,
                block_size=16 << 20,
            ),
            parse_options=pa_csv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )  # fmt: skip
        schema = pa.schema([pa.field(n, pa.string()) for n in names]
                           + [pa.field("_row", pa.int64()), pa.field("_n", pa.int32()),
                              pa.field("_extra", pa.list_(pa.string()))])  # fmt: skip
        done = 0
        with pq.ParquetWriter(target, schema, compression="none") as writer:
            for batch in reader:
                cells = [pc.utf8_trim(c, SPACE_CHARS) for c in batch.columns]
                numbers = pa.array(range(done + 2, done + 2 + batch.num_rows), pa.int64())
                done += batch.num_rows
                blank = pc.equal(pc.binary_length(cells[0]), 0)
                for column in cells[1:]:
                    blank = pc.and_(blank, pc.equal(pc.binary_length(column), 0))
                table = pa.Table.from_arrays(
                    [*cells, numbers, pa.nulls(batch.num_rows, pa.int32()).fill_null(len(names)),
                     pa.nulls(batch.num_rows, pa.list_(pa.string()))], schema=schema,
                )  # fmt: skip
                writer.write_table(table.filter(pc.invert(blank)))
    except Exception:  # noqa: BLE001 - irregular or undecodable: Python's csv module reads it
        return None
    return header


def _unreadable(what: str):
    from django.utils.translation import gettext as _

    from tongxin.core.exceptions import ApplicationError

    return ApplicationError(_("The file could not be read as %(what)s.") % {"what": what})


def parquet_rows(handle, *, max_rows: int | None = None) -> Iterator[tuple[int, tuple]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    handle.seek(0)
    try:
        source = pq.ParquetFile(handle)
        names = source.schema_arrow.names
        batches = source.iter_batches(batch_size=10_000)
    except (pa.ArrowException, OSError, ValueError):
        raise _unreadable("Parquet") from None
    yield 1, tuple(names)
    number = 1
    for batch in _guarded(batches, pa.ArrowException):
        columns = [column.to_pylist() for column in batch.columns]
        for values in zip(*columns, strict=True):
            number += 1
            if max_rows is not None and number > max_rows + 1:
                return
            yield number, tuple(_cell(v) if type(v) is str else v for v in values)


def _guarded(items, errors):
    """The items of an iterator; a read error becomes the user's message."""
    iterator = iter(items)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except errors:
            raise _unreadable("CSV" if errors is csv.Error else "Parquet") from None
        yield item


def read_rows(handle, *, max_rows: int | None = None) -> Iterator[tuple[int, tuple]]:
    """The rows of a case file of any accepted format (see the module docstring)."""
    kind = file_format(handle)
    if kind == PARQUET:
        return parquet_rows(handle, max_rows=max_rows)
    if kind == CSV:
        return csv_rows(handle, max_rows=max_rows)
    return iter_rows(handle, max_rows=max_rows)


def write_rejects(path, *, header: tuple, rejected: list, fmt: str, encoding: str = "utf-8"):
    """The rejected rows in the file's own format with a last column 原因 (the reasons), to be
    fixed and imported again (the reason column is ignored on import)."""
    columns = [str(name) for name in header] + ["原因"]
    rows = [list(cells) + [""] * (len(header) - len(cells)) + [why] for _n, cells, why in rejected]
    if fmt == PARQUET:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table(
            {
                name: [None if r[i] in (None, "") else str(r[i]) for r in rows]
                for i, name in enumerate(columns)
            }
        )
        pq.write_table(table, path)
    elif fmt == XLSX:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(columns)
        for cells in rows:
            sheet.append(cells)
        book.save(path)
    else:
        with open(path, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
