"""The streaming reader (tongxin/lib/xlsx_stream.py) gives the rows openpyxl gives, and
hands what it does not read with certainty to openpyxl from the row where it stopped."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from tests.transfer.test_transfer_bombs import excel_like, rezip, texts
from tongxin.lib import excel, xlsx_stream


def _trimmed(rows):
    """Rows without their trailing empty cells (openpyxl pads to the sheet's dimension)."""
    out = []
    for number, values in rows:
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        out.append((number, tuple(values)))
    return out


def both(content: bytes):
    fast = list(excel._stream_rows(io.BytesIO(content), max_rows=None))
    slow = list(excel._openpyxl_rows(io.BytesIO(content), max_rows=None))
    return _trimmed(fast), _trimmed(slow)


def workbook(write_only: bool = False, epoch_1904: bool = False) -> bytes:
    book = Workbook(write_only=write_only)
    if epoch_1904:
        book.epoch = datetime.datetime(1904, 1, 1)
    sheet = book.create_sheet() if write_only else book.active
    for row in [
        ["a & b", "x < y > z", "q \"u\" 's'", "line1\nline2", " spaced ", "", None, "=1+1"],
        [datetime.date(2024, 1, 5), datetime.datetime(2020, 2, 3, 4, 5, 6), 1.5, 10, True],
        [False, -3, 1e20, 0.1, "苏0102/孝陵卫人民法庭", "工号\t制表"],
        [None, None, None],
        ["苏0102", "S1", "张三", "男", "1985-05-01", 8000, "2024/1/5", "是"],
    ]:
        sheet.append(row)
    if not write_only:
        sheet["J8"] = "far to the right, below blank rows"
        sheet["B9"] = CellRichText([TextBlock(InlineFont(b=True), "bold"), " plain"])
        sheet["C9"] = "=SUM(1,2)"
        sheet["D9"] = datetime.time(13, 30)
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


@pytest.mark.parametrize("write_only", [False, True])
@pytest.mark.parametrize("epoch_1904", [False, True])
def test_the_fast_reader_reads_what_openpyxl_reads(write_only, epoch_1904):
    fast, slow = both(workbook(write_only, epoch_1904))
    assert fast == slow
    assert fast[0][1][:5] == ("a & b", "x < y > z", "q \"u\" 's'", "line1\nline2", " spaced ")
    assert isinstance(fast[1][1][0], datetime.datetime)


def test_shared_strings_with_rich_text_phonetics_and_references(tmp_path):
    strings = lambda: iter(  # noqa: E731
        [
            b"<si><t>plain</t></si>",
            b"<si><r><rPr><b/></rPr><t>bo</t></r><r><t xml:space='preserve'>ld </t></r></si>",
            "<si><t>漢字</t><rPh sb='0' eb='2'><t>かんじ</t></rPh></si>".encode(),
            b"<si><t>&lt;&#x41;&#66;&amp;&quot;</t></si>",
            b"<si/>",
            b"<si><t>a\r\nb</t></si>",
        ]
    )
    content = excel_like(tmp_path / "strings.xlsx", strings, [[0, 1, 2, 3], [5]])
    fast, slow = both(content)
    assert fast == slow
    assert fast == [(1, ("plain", "bold ", "漢字", '<AB&"')), (2, ("a\nb",))]


def test_cells_written_in_another_attribute_order_are_read_by_their_reference(tmp_path):
    def sheet():
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>"
            b'<row r="2" spans="1:3"><c t="inlineStr" r="C2"><is><t>third</t></is></c>'
            b"<c r='A2' t='inlineStr'><is><t>first</t></is></c></row>"
            b'<row r="3"/><row r="4"><c r="B4" cm="1"><v>7</v></c></row>'
            b"</sheetData></worksheet>"
        )

    content = rezip(_book(), tmp_path / "order.xlsx", replace={"xl/worksheets/sheet1.xml": sheet})
    fast = list(excel._stream_rows(io.BytesIO(content), max_rows=None))
    assert fast == [(2, ("first", None, "third")), (4, (None, 7))]


def _book() -> bytes:
    book = Workbook()
    book.active.append(["x"])
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


def test_markup_it_does_not_take_apart_goes_to_openpyxl_from_where_it_stopped(tmp_path):
    def sheet():
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>"
        )
        for number in range(1, 3001):
            yield f'<row r="{number}"><c r="A{number}"><v>{number}</v></c></row>'.encode()
            if number == 2500:
                yield b"<!-- a comment among the rows -->"
        yield b"</sheetData></worksheet>"

    content = rezip(_book(), tmp_path / "comment.xlsx", replace={"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(xlsx_stream.Unsupported):
        list(excel._stream_rows(io.BytesIO(content), max_rows=None))
    rows = excel.read_rows(io.BytesIO(content))
    assert [number for number, _values in rows] == list(range(1, 3001))
    assert [values[0] for _number, values in rows] == list(range(1, 3001))


def test_an_unknown_entity_goes_to_openpyxl(tmp_path):
    def sheet():
        yield (
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a &nbsp; b</t></is></c>'
            b"</row></sheetData></worksheet>"
        )

    content = rezip(_book(), tmp_path / "entity.xlsx", replace={"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(xlsx_stream.Unsupported):
        list(excel._stream_rows(io.BytesIO(content), max_rows=None))
    with pytest.raises(excel.WorkbookError):  # openpyxl refuses it as broken XML
        excel.read_rows(io.BytesIO(content))


def test_the_row_bound_stops_early_and_blank_rows_are_skipped(tmp_path):
    content = excel_like(tmp_path / "rows.xlsx", texts("a", " ", "b"), [[0], [1], [2], [0]])
    assert excel.read_rows(io.BytesIO(content), max_rows=1) == [(1, ("a",)), (3, ("b",))]


def test_a_shared_string_index_out_of_range_is_not_excel(tmp_path):
    content = excel_like(tmp_path / "index.xlsx", texts("a"), [[0, 5]])
    with pytest.raises(excel.WorkbookError) as error:
        excel.read_rows(io.BytesIO(content))
    assert error.value.code == "not_excel"


def test_a_sheet_without_sheet_data_is_empty(tmp_path):
    def sheet():
        yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'

    content = rezip(_book(), tmp_path / "empty.xlsx", replace={"xl/worksheets/sheet1.xml": sheet})
    assert excel.read_rows(io.BytesIO(content)) == []
    assert zipfile.is_zipfile(io.BytesIO(content))
