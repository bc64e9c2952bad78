"""Reads for import batches: a user sees only their own."""

from django.db.models import QuerySet

from tongxin.core.scoping import scope_for
from tongxin.transfer.models import ImportBatch


def import_list(*, user, limit: int = 20) -> QuerySet[ImportBatch]:
    # The list never shows the large columns: a batch's rows, rejects and headers stay unread.
    return ImportBatch.objects.filter(user=user).defer(
        "rows", "rejects", "columns", "ignored_columns"
    )[:limit]


def import_get(*, user, pk) -> ImportBatch:
    """The user's own batch; NotFound for anyone else's (never say whose it is)."""
    return scope_for(user).get(ImportBatch, pk)


def import_status_get(*, user, pk) -> ImportBatch:
    """The user's own batch without its rows (polled every second while it commits)."""
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
