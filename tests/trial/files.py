"""Hand-made case files for the trial tests (CSV, xlsx, Parquet bytes)."""

import csv
import io

import pyarrow as pa
import pyarrow.parquet as pq

HEADER = ["案号", "立案日期", "结案日期", "结案方式", "承办法官", "承办部门", "适用程序",
          "审限天数", "扣除审限天数", "原审案号", "申请执行标的", "执行到位金额"]  # fmt: skip


def row(number, filed, closed="", method="", judge="J001", dept="民一庭", procedure="",
        limit="", excluded="", origin="", claimed="", recovered=""):  # fmt: skip
    return [number, filed, closed, method, judge, dept, procedure, limit, excluded, origin,
            claimed, recovered]  # fmt: skip


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def parquet_bytes(rows, header=HEADER) -> bytes:
    table = pa.table({name: [r[i] for r in rows] for i, name in enumerate(header)})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def xlsx_bytes(rows, header=HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for item in rows:
        sheet.append(item)
    sink = io.BytesIO()
    book.save(sink)
    return sink.getvalue()
