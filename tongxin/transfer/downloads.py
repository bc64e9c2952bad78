"""The downloads of an import: its rejects as a list (row, column, value, reason) and the
rejected rows themselves in the uploaded file's own format, to be fixed and imported again."""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict

from django.utils.translation import gettext as _

from tongxin.lib.excel import csv_response, download_response, workbook_response
from tongxin.transfer import registry
from tongxin.transfer.models import ImportBatch, ImportChunk


def all_rejects(batch: ImportBatch):
    """Every reject of a batch in file order, one chunk in memory at a time."""
    ids = list(
        ImportChunk.objects.filter(batch=batch, rejected__gt=0)
        .order_by("seq")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        yield from ImportChunk.objects.only("rejects").get(pk=pk).rejects


def rejects_file_response(batch: ImportBatch):
    """The rejected rows in the uploaded file's own format (Excel, CSV or Parquet), with the
    file's headers of the columns the import reads and a last column with the reasons, to be
    fixed and imported again (an import ignores columns it does not know)."""
    kind = registry.get(batch.kind)
    fields = [item.name for item in kind.fields if item.name in batch.columns]
    headers = [batch.columns[name] for name in fields] + [_("Reason")]

    def rows():
        ids = (
            ImportChunk.objects.filter(batch=batch, rejected__gt=0)
            .order_by("seq")
            .values_list("pk", flat=True)
        )
        for pk in list(ids):
            chunk = ImportChunk.objects.only("rejects", "raw").get(pk=pk)
            reasons: dict = defaultdict(list)
            for reject in chunk.rejects:
                reasons[reject["row"]].append(reject["reason"])
            for number, why in reasons.items():
                cells = chunk.raw.get(str(number), {})
                yield [cells.get(name, "") for name in fields] + ["；".join(why)]

    stem = re.sub(r"\.[A-Za-z0-9]+$", "", batch.file_name) or "import"
    suffix = batch.file_name.lower().rsplit(".", 1)[-1] if "." in batch.file_name else ""
    if suffix == "csv":
        return csv_response(filename=f"{stem}-rejects.csv", headers=headers, rows=rows())
    if suffix == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
        schema = pa.schema([(str(h), pa.string()) for h in headers])
        with pq.ParquetWriter(handle, schema) as writer:
            block: list = []
            for row in rows():
                block.append(row)
                if len(block) >= 10_000:
                    writer.write_table(pa.Table.from_pylist(_named(headers, block), schema))
                    block = []
            writer.write_table(pa.Table.from_pylist(_named(headers, block), schema))
        return download_response(
            handle, filename=f"{stem}-rejects.parquet", content_type="application/octet-stream"
        )
    return workbook_response(filename=f"{stem}-rejects.xlsx", headers=headers, rows=rows())


def _named(headers: list, block: list) -> list[dict]:
    names = [str(h) for h in headers]
    return [dict(zip(names, row, strict=True)) for row in block]


def rejects_response(batch: ImportBatch):
    """Every rejected row of a batch with its reason, as .xlsx."""
    return workbook_response(
        filename=f"import-{batch.pk}-rejects.xlsx",
        headers=[_("Row"), _("Column"), _("Value"), _("Reason")],
        rows=([r["row"], r["column"], r["value"], r["reason"]] for r in all_rejects(batch)),
    )
