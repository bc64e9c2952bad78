"""The table writers of tongxin.lib.sheets: .xlsx that openpyxl and the import reader read
back as written, CSV that Excel opens with Chinese intact."""

import datetime
import decimal
import io
import zipfile

import openpyxl

from tongxin.lib.excel import read_rows
from tongxin.lib.sheets import CHUNK_ROWS, csv_chunks, write_xlsx

HEADERS = ["文本", "整数", "小数", "金额", "是", "否", "空", "空文本", "日期", "时间", "控制符"]
ROW = [
    "=1+1 <b>&amp;",
    3,
    2.5,
    decimal.Decimal("12.50"),
    True,
    False,
    None,
    "",
    datetime.date(2024, 2, 29),
    datetime.datetime(2024, 1, 2, 3, 4, 5),
    "a\x01b\x0bc  ",
]


def test_xlsx_reads_back_as_written():
    handle = io.BytesIO()
    assert write_xlsx(handle, headers=HEADERS, rows=[ROW], title="人员: a/b") == 1
    handle.seek(0)
    book = openpyxl.load_workbook(handle)
    sheet = book.active
    assert sheet.title == "人员  a b"
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.b for cell in sheet[1])
    assert [cell.value for cell in sheet[2]] == [
        "'=1+1 <b>&amp;",  # a text, guarded as in the CSV (the import removes the ')
        3,
        2.5,
        12.5,
        True,
        False,
        None,
        None,
        datetime.datetime(2024, 2, 29),
        datetime.datetime(2024, 1, 2, 3, 4, 5),
        "abc  ",  # characters XML cannot carry are dropped
    ]
    assert sheet["A2"].data_type == "s"
    assert sheet["I2"].number_format == "yyyy-mm-dd"
    handle.seek(0)
    assert read_rows(handle)[1] == (2, tuple(cell.value for cell in sheet[2]))


def test_xlsx_of_many_rows_is_one_streamed_sheet():
    rows = ([n, f"第{n}行"] for n in range(CHUNK_ROWS * 2 + 3))
    seen = []
    handle = io.BytesIO()
    assert write_xlsx(handle, headers=["n", "text"], rows=rows, progress=seen.append) == 2003
    assert seen == [1000, 2000, 2003]
    assert "xl/worksheets/sheet1.xml" in zipfile.ZipFile(handle).namelist()
    handle.seek(0)
    sheet = openpyxl.load_workbook(handle, read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2004 and values[-1] == (2002, "第2002行")


def test_csv_has_a_bom_crlf_and_guards_formulas():
    pieces = list(csv_chunks(headers=HEADERS, rows=[ROW, ["-1", "+1", "@x", "a,b", 'q"t']]))
    text = b"".join(pieces).decode("utf-8")
    assert pieces[0].decode("utf-8") == "\ufeff" + ",".join(HEADERS) + "\r\n"
    lines = text.split("\r\n")
    assert lines[1] == (
        "'=1+1 <b>&amp;,3,2.5,12.50,TRUE,FALSE,,,2024-02-29,2024-01-02 03:04:05,a\x01b\x0bc  "
    )
    assert lines[2] == '\'-1,\'+1,\'@x,"a,b","q""t"'
