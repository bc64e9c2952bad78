"""Reads for import batches: a user sees only their own."""

from django.db.models import QuerySet

from tongxin.core.exceptions import NotFound
from tongxin.transfer.models import ImportBatch


def import_list(*, user, limit: int = 20) -> QuerySet[ImportBatch]:
    # The list never shows the large columns: a batch's rows, rejects and headers stay unread.
    return ImportBatch.objects.filter(user=user).defer(
        "rows", "rejects", "columns", "ignored_columns"
    )[:limit]


def import_get(*, user, pk) -> ImportBatch:
    """The user's own batch; NotFound for anyone else's (never say whose it is)."""
    batch = ImportBatch.objects.filter(user=user, pk=pk).first() if str(pk).isdigit() else None
    if batch is None:
        raise NotFound("not found")
    return batch


def import_status_get(*, user, pk) -> ImportBatch:
    """The user's own batch without its rows (polled every second while it commits)."""
    batch = (
        ImportBatch.objects.filter(user=user, pk=pk)
        .only(
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
        )
        .first()
        if str(pk).isdigit()
        else None
    )
    if batch is None:
        raise NotFound("not found")
    return batch
