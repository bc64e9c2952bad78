"""Files that unpack to far more than they weigh are refused before any parser holds them:
the unpacked size, the shared strings, the length of a cell and the number of columns are
bounded (tongxin/lib/excel.py, check_workbook). Each bomb is built small in tmp; the tests
assert the message, and for the largest that memory stays small (never a time)."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.transfer.test_transfer import PEOPLE, page_errors, person_row, upload, xlsx_bytes
from tongxin.core.exceptions import ApplicationError
from tongxin.lib.excel import WorkbookError, check_workbook, limit, read_rows
from tongxin.transfer.models import ImportBatch
from tongxin.transfer.services import import_preview

MB = 1024 * 1024


def rezip(content: bytes, path, replace: dict | None = None, extra: dict | None = None) -> bytes:
    """Copy a workbook into `path`, replacing parts by generators of bytes and adding parts."""
    replace, extra = replace or {}, extra or {}
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            with target.open(item.filename, "w", force_zip64=True) as part:
                if item.filename in replace:
                    for chunk in replace[item.filename]():
                        part.write(chunk)
                else:
                    part.write(source.read(item.filename))
        for name, chunks in extra.items():
            with target.open(name, "w", force_zip64=True) as part:
                for chunk in chunks():
                    part.write(chunk)
    return path.read_bytes()


def people_workbook() -> bytes:
    return xlsx_bytes([PEOPLE, person_row()])


MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def excel_like(path, strings, rows: list[list[int]]) -> bytes:
    """A workbook as Excel writes it: every text in the shared-string table (`strings`: a
    generator of the <si> elements), the sheet's cells indexing it."""
    pkg = b"http://schemas.openxmlformats.org/package/2006"
    parts = {
        "[Content_Types].xml": b'<Types xmlns="' + pkg + b'/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        b"</Types>",
        "_rels/.rels": b'<Relationships xmlns="' + pkg + b'/relationships">'
        b'<Relationship Id="rId1" Type="' + REL + b'/officeDocument" Target="xl/workbook.xml"/>'
        b"</Relationships>",
        "xl/workbook.xml": b'<workbook xmlns="' + MAIN + b'" xmlns:r="' + REL + b'">'
        b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<Relationships xmlns="' + pkg + b'/relationships">'
        b'<Relationship Id="rId1" Type="' + REL + b'/worksheet" Target="worksheets/sheet1.xml"/>'
        b'<Relationship Id="rId2" Type="' + REL + b'/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>",
        "xl/worksheets/sheet1.xml": b'<worksheet xmlns="'
        + MAIN
        + b'"><sheetData>'
        + b"".join(
            f'<row r="{r}">'.encode()
            + b"".join(
                f'<c r="{chr(65 + c)}{r}" t="s"><v>{i}</v></c>'.encode() for c, i in enumerate(row)
            )
            + b"</row>"
            for r, row in enumerate(rows, start=1)
        )
        + b"</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<sst xmlns="' + MAIN + b'">')
            for chunk in strings():
                part.write(chunk)
            part.write(b"</sst>")
    return path.read_bytes()


def texts(*values):
    return lambda: iter([f"<si><t>{value}</t></si>".encode() for value in values])


def refused(content: bytes) -> str:
    with pytest.raises(WorkbookError) as error:
        read_rows(io.BytesIO(content), max_rows=20_001)
    return error.value.code


def peak_mb(function) -> float:
    tracemalloc.start()
    try:
        function()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / MB


def zeros():
    """Ten megabytes more than the default bound on the unpacked size (400 MB), in zeros."""
    for _ in range(limit("IMPORT_MAX_UNPACKED_BYTES") // MB + 10):
        yield b"\0" * MB


def test_a_part_that_unpacks_past_the_limit_is_refused_from_the_zip_directory(tmp_path):
    content = rezip(people_workbook(), tmp_path / "bomb.xlsx", extra={"xl/media/pad.bin": zeros})
    assert len(content) < 1 * MB  # 410 MB unpacked
    assert refused(content) == "too_big"
    assert peak_mb(lambda: pytest.raises(WorkbookError, check_workbook, io.BytesIO(content))) < 5


def test_a_part_that_lies_about_its_size_is_not_read_past_it(tmp_path, settings):
    """zipfile stops at the size the directory declares: a lying part is broken, not big."""
    content = bytearray(people_workbook())
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    # Shrink the declared size in the central directory (after the local headers).
    name = info.filename.encode()
    at = content.rfind(b"PK\x01\x02", 0, content.rfind(name))
    size = info.file_size.to_bytes(4, "little")
    assert content[at + 24 : at + 28] == size
    content[at + 24 : at + 28] = (10).to_bytes(4, "little")
    assert refused(bytes(content)) == "not_excel"


def test_an_excel_like_workbook_reads_through_its_shared_strings(tmp_path):
    content = excel_like(
        tmp_path / "ok.xlsx", texts("法院代字", "工号", "苏0102", "N1"), [[0, 1], [2, 3]]
    )
    assert read_rows(io.BytesIO(content)) == [(1, ("法院代字", "工号")), (2, ("苏0102", "N1"))]


def test_a_million_shared_strings_are_refused_while_counting(tmp_path):
    def strings():
        block = b"<si><t>x</t></si>" * 10_000
        for _ in range(101):  # 1,010,000 strings
            yield block

    content = excel_like(tmp_path / "strings.xlsx", strings, [[0]])
    assert len(content) < 1 * MB
    assert refused(content) == "too_many_strings"


def test_the_shared_string_limit_is_a_setting(tmp_path, settings):
    content = excel_like(tmp_path / "few.xlsx", texts("a", "b", "c", "d"), [[0, 1], [2, 3]])
    settings.IMPORT_MAX_SHARED_STRINGS = 3
    assert refused(content) == "too_many_strings"
    settings.IMPORT_MAX_SHARED_STRINGS = 4
    assert len(read_rows(io.BytesIO(content))) == 2


def test_one_huge_shared_string_is_refused_without_being_held(tmp_path):
    def strings():
        yield b"<si><t>"
        for _ in range(50):  # one cell of 50 MB
            yield b"A" * MB
        yield b"</t></si>"

    content = excel_like(tmp_path / "cell.xlsx", strings, [[0]])
    assert len(content) < 1 * MB
    assert refused(content) == "cell_too_long"
    assert peak_mb(lambda: pytest.raises(WorkbookError, check_workbook, io.BytesIO(content))) < 10


def test_an_inline_string_longer_than_the_limit_is_refused(tmp_path):
    def sheet():
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        )
        for _ in range(4):
            yield b"B" * 10_000
        yield b"</t></is></c></row></sheetData></worksheet>"

    content = rezip(
        people_workbook(), tmp_path / "inline.xlsx", replace={"xl/worksheets/sheet1.xml": sheet}
    )
    assert refused(content) == "cell_too_long"


def test_a_sheet_with_too_many_columns_is_refused():
    book = Workbook()
    book.active.append(PEOPLE + [f"列{n}" for n in range(300)])
    handle = io.BytesIO()
    book.save(handle)
    assert refused(handle.getvalue()) == "too_many_columns"


def test_a_dimension_claiming_every_column_does_not_pad_the_rows(tmp_path):
    def sheet():
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<dimension ref="A1:XFD20000"/><sheetData>'
        )
        for number in range(1, 2001):
            yield f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
        yield b"</sheetData></worksheet>"

    content = rezip(
        people_workbook(), tmp_path / "wide.xlsx", replace={"xl/worksheets/sheet1.xml": sheet}
    )
    rows = read_rows(io.BytesIO(content), max_rows=20_001)
    assert len(rows) == 2000 and len(rows[0][1]) <= 200


def test_a_part_with_a_dtd_is_refused(tmp_path):
    def sheet():
        yield (
            b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData/></worksheet>"
        )

    content = rezip(
        people_workbook(), tmp_path / "dtd.xlsx", replace={"xl/worksheets/sheet1.xml": sheet}
    )
    assert refused(content) == "not_excel"


def test_the_page_says_why_a_bomb_is_refused_and_keeps_nothing(client_for, tmp_path):
    content = rezip(people_workbook(), tmp_path / "bomb.xlsx", extra={"xl/media/pad.bin": zeros})
    response = upload(client_for("party"), "people", SimpleUploadedFile("bomb.xlsx", content))
    assert "The file unpacks to more than 400 MB" in page_errors(response)
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("IMPORT_MAX_CELL_CHARS", 4, "more than 4 characters"),
        ("IMPORT_MAX_COLUMNS", 5, "more than 5 columns"),
        ("IMPORT_MAX_UNPACKED_BYTES", 1000, "unpacks to more than"),
    ],
)
def test_each_bound_has_its_message(world, settings, setting, value, message):
    setattr(settings, setting, value)
    with pytest.raises(ApplicationError, match=message):
        import_preview(
            actor=world.users["party"],
            kind="people",
            upload=SimpleUploadedFile("x.xlsx", people_workbook()),
        )


# Unknown headers ------------------------------------------------------------------------------


def test_unknown_headers_are_shortened_and_capped(world, client_for, django_assert_max_num_queries):
    client = client_for("party")
    unknown = [f"{n:03d}" + "备" * 30_000 for n in range(150)]  # 150 × 30,000 characters
    response = upload(
        client,
        "people",
        SimpleUploadedFile("wide.xlsx", xlsx_bytes([PEOPLE + unknown, person_row()])),
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert len(batch.ignored_columns) == 20 and batch.ignored_more == 130
    assert batch.ignored_columns[0].startswith("000备") and len(batch.ignored_columns[0]) == 50
    assert all(len(header) <= 50 for header in batch.ignored_columns)
    body = client.get(f"/transfer/import/{batch.pk}/").content.decode()
    assert "and 130 more." in body and len(body) < 200_000
    assert batch.created_count == 1


def test_a_long_known_header_is_quoted_short_in_every_reject(world, client_for):
    # "姓 名" with 20,000 full-width spaces inside still matches 姓名; it is kept short.
    header = "姓" + "\u3000" * 20_000 + "名"
    columns = ["法院代字", "工号", header, "性别", "人员类别"]
    batch = import_preview(
        actor=world.users["party"],
        kind="people",
        upload=SimpleUploadedFile(
            "x.xlsx",
            xlsx_bytes([columns] + [["苏0102", f"L{n}", "", "男", "法官"] for n in range(50)]),
        ),
    )
    assert batch.rejected_count == 50
    assert all(len(reject["column"]) <= 50 for reject in batch.reject_list())
    assert len(batch.columns["name"]) == 50


def test_the_import_list_never_loads_the_large_columns(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("party")
    upload(client, "people", SimpleUploadedFile("x.xlsx", people_workbook()))
    client.get("/transfer/import/")  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/transfer/import/")
    assert "x.xlsx" in response.content.decode()
    batch_queries = [q["sql"] for q in queries if "transfer_importbatch" in q["sql"]]
    assert batch_queries
    for sql in batch_queries:
        assert '"transfer_importbatch"."file_name"' in sql or "COUNT" in sql
        for column in ("rows", "rejects", "columns", "ignored_columns"):
            assert f'"transfer_importbatch"."{column}"' not in sql
