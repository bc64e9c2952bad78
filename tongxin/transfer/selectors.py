"""Reads for import batches: a user sees only their own; a batch's rows and rejects are read
a page at a time from its chunks, never the whole batch."""

from django.db.models import QuerySet

from tongxin.core.scoping import scope_for
from tongxin.transfer.models import ImportBatch, ImportChunk

PAGE_ROWS = 100  # rows (or rejects) on a page of a batch
PAGE_CHUNKS = 3  # chunks read at most for one page (each a slice of 1,000 rows of the file)


def import_list(*, user, limit: int = 20) -> QuerySet[ImportBatch]:
    # The list never shows the header columns (a batch's rows live in its chunks).
    return ImportBatch.objects.filter(user=user).defer("columns", "ignored_columns")[:limit]


def import_get(*, user, pk) -> ImportBatch:
    """The user's own batch; NotFound for anyone else's (never say whose it is)."""
    return scope_for(user).get(ImportBatch, pk)


def import_status_get(*, user, pk) -> ImportBatch:
    """The user's own batch without its rows (polled every second while a job runs)."""
    return scope_for(user).get(
        ImportBatch,
        pk,
        queryset=ImportBatch.objects.only(
            "user_id",
            "kind",
            "file_name",
            "status",
            "failure",
            "created_count",
            "changed_count",
            "unchanged_count",
            "lease_owner",
            "lease_until",
        ),
    )


def _page(batch: ImportBatch, after: int, *, field: str, count: str, keep, size: int):
    """Items of the chunks' `field` lists after file row `after` (a keyset: the row number)
    that `keep(item)` accepts, at most `size`, read in one query from at most PAGE_CHUNKS
    chunks whose `count` is not zero (and one more, to know whether a page follows):
    (items, the row after which the next page starts, or None)."""
    read = list(
        ImportChunk.objects.filter(batch=batch, last_row__gt=after, **{f"{count}__gt": 0})
        .order_by("seq")
        .only("last_row", field)[: PAGE_CHUNKS + 1]
    )
    items: list = []
    last = after
    for chunk in read[:PAGE_CHUNKS]:
        for item in getattr(chunk, field):
            if item["row"] <= after or not keep(item):
                continue
            if len(items) == size and item["row"] != items[-1]["row"]:
                return items, items[-1]["row"]
            items.append(item)
        last = chunk.last_row
    return items, (last if len(read) > PAGE_CHUNKS else None)


def rows_page(batch: ImportBatch, after: int = 0, size: int | None = None):
    """The rows to create or change after file row `after`: (rows, next `after` or None)."""
    return _page(
        batch,
        after,
        field="rows",
        count="writes",
        keep=lambda row: row["action"] != "unchanged",
        size=size or PAGE_ROWS,
    )


def rejects_page(batch: ImportBatch, after: int = 0, size: int | None = None):
    """The rejects after file row `after` (every reject of a row stays on one page)."""
    return _page(batch, after, field="rejects", count="rejected", keep=bool, size=size or PAGE_ROWS)
