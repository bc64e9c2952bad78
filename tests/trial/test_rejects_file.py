"""A case import gives its rejected rows back in the uploaded file's format (CSV, Parquet),
with a column of reasons, to be fixed and imported again."""

import csv
import io

import pyarrow.parquet as pq

from tests.transfer.test_rejects_file import body
from tests.transfer.test_transfer import START
from tests.trial.files import csv_bytes, parquet_bytes
from tests.trial.test_browser_import import ROWS, _preview


def test_a_csv_case_import_gives_back_a_csv(world, judges, client_for, settings):
    settings.IMPORT_INLINE_ROWS = 500
    client = client_for("trial")
    batch = _preview(client, csv_bytes(ROWS, encoding="gbk"), name="案件.csv")
    assert batch.rejected_count == 2 and batch.created_count == 3
    response = client.get(f"{START}{batch.pk}/rejects/file/")
    assert response.status_code == 200 and "rejects.csv" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert lines[0][0] == "案号" and len(lines) == 1 + batch.rejected_count
    numbers = {line[0] for line in lines[1:]}
    assert "(2024)苏9999民初3号" in numbers and "(2024)苏0102民初4号" in numbers
    assert all(line[-1] for line in lines[1:])  # each with its reasons


def test_a_parquet_case_import_gives_back_parquet(world, judges, client_for):
    client = client_for("trial")
    batch = _preview(client, parquet_bytes(ROWS), name="cases.parquet")
    response = client.get(f"{START}{batch.pk}/rejects/file/")
    assert response.status_code == 200 and "rejects.parquet" in response["Content-Disposition"]
    table = pq.read_table(io.BytesIO(body(response)))
    assert table.num_rows == batch.rejected_count == 2
    assert "(2024)苏9999民初3号" in table.column("案号").to_pylist()
