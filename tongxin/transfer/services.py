"""Import: read and check an uploaded sheet into a pending batch, then commit or cancel it.

**Preview.** Nothing is written but the batch and its chunks (`ImportChunk`: a slice of the
file each, with its accepted rows and its rejects, so no page and no job ever holds a whole
large batch). `import_upload` (the page) counts the file's first rows: a file of at most
IMPORT_INLINE_ROWS data rows is checked within the request (`import_preview`, also used by
`import_excel`); a larger one is stored (`ImportFile`, PREVIEWING) and checked by
`tasks.import_preview_task` (`import_preview_claimed`) under the batch's lease, with
progress in the cache, then left PENDING (or FAILED with the reason the file was refused).
A chunked kind (people, bulk kinds) is read and checked a chunk at a time, after one pass
over the file's keys; a kind checked whole (trees of courts, organisations) at once.

The commit is `commit.py`; the checked slices of a file `slices.py`; the downloads
`downloads.py`.
"""

from __future__ import annotations

import io
import logging
from contextlib import closing

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongxin.core.exceptions import ApplicationError, NotFound
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.lib.excel import WorkbookError, iter_rows, limit
from tongxin.transfer import lease, registry
from tongxin.transfer.checker import read_header
from tongxin.transfer.commit import (
    LEASE,
    _busy_message,
    _drop_spool,
    _kind,
    _LeaseLost,
    _not_pending,
    _progress_total,
    import_commit_start,
)
from tongxin.transfer.models import ImportBatch, ImportChunk, ImportFile
from tongxin.transfer.progress import (
    CHECK,
    QUEUED,
    READ,
    Reporter,
    progress_clear,
    progress_get,
    progress_set,
)
from tongxin.transfer.slices import _check_into

logger = logging.getLogger(__name__)


def too_large_message() -> str:
    return _("The file is larger than %(max)s MB; split it into smaller files.") % {
        "max": f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:g}"
    }


def _workbook_message(code: str) -> str:
    if code == "old_xls":
        return _("This is an old-format Excel file (.xls); save it as .xlsx and upload it again.")
    if code == "empty":
        return _("The workbook has no sheet.")
    if code == "too_big":
        return _(
            "The file unpacks to more than %(max)s MB (an .xlsx file is compressed); copy the "
            "data into a new workbook or split it into smaller files."
        ) % {"max": f"{limit('IMPORT_MAX_UNPACKED_BYTES') / 1024 / 1024:g}"}
    if code == "too_many_strings":
        return _(
            "The workbook holds more than %(max)s different texts; split it into smaller files."
        ) % {"max": f"{limit('IMPORT_MAX_SHARED_STRINGS'):,}"}
    if code == "cell_too_long":
        return _(
            "A cell holds more than %(max)s characters, more than Excel itself allows; "
            "shorten it and upload the file again."
        ) % {"max": f"{limit('IMPORT_MAX_CELL_CHARS'):,}"}
    if code == "too_many_columns":
        return _(
            "The first sheet has more than %(max)s columns; keep the import's columns (see "
            "the template) and upload the file again."
        ) % {"max": limit("IMPORT_MAX_COLUMNS")}
    if code == "too_long":
        return _(
            "The first sheet has too many rows (or many formatted empty rows); copy the data "
            "into a new workbook and upload that."
        )
    return _(
        "This file is not an Excel workbook (.xlsx). Save it from Excel or WPS as .xlsx and "
        "upload it again."
    )


def import_kinds(user) -> list:
    """The registered kinds this user may import: those whose permission some grant carries
    (rows are still checked against the reach of each grant)."""
    scope = scope_for(user)
    if not scope.has(Perm.IMPORT_RUN):
        return []
    return [kind for kind in registry.kinds() if scope.has(kind.permission)]


def _check_upload(upload) -> None:
    if upload is None:
        raise ApplicationError(_("Choose an Excel file to upload."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ApplicationError(too_large_message())


def _file_name(upload) -> str:
    return (getattr(upload, "name", "") or "upload.xlsx")[:255]


# Preview ---------------------------------------------------------------------------------


def _sheet(kind, handle):
    """(header, the data rows' iterator) of an uploaded workbook, read as a stream."""
    rows = (kind.reader or iter_rows)(handle, max_rows=kind.row_limit + 1)
    return read_header(kind, next(rows, None)), rows


def _new_batch(actor, kind, upload, sheet, **fields) -> ImportBatch:
    return ImportBatch.objects.create(
        user=actor,
        kind=kind.name,
        file_name=_file_name(upload),
        columns=sheet.columns,
        ignored_columns=sheet.ignored,
        ignored_more=sheet.ignored_more,
        **fields,
    )


def import_preview(*, actor, kind: str, upload) -> ImportBatch:
    """Read and check an uploaded sheet now; store it as a pending batch (nothing else is
    written). All or nothing: a file refused leaves no batch."""
    import_kind = _kind(kind)
    _check_upload(upload)
    try:
        with transaction.atomic():
            sheet, rows = _sheet(import_kind, upload)
            with closing(rows):
                batch = _new_batch(actor, import_kind, upload, sheet)
                _check_into(batch, import_kind, sheet, rows, actor=actor)
            batch.save()
    except WorkbookError as error:
        raise ApplicationError(_workbook_message(error.code)) from None
    return batch


def import_upload(*, actor, kind: str, upload) -> ImportBatch:
    """The page's upload: a file of at most IMPORT_INLINE_ROWS data rows is checked at once
    (`import_preview`); a larger one is stored and checked in the background (PREVIEWING,
    `tasks.import_preview_task`), its page showing the progress. Either way the header and
    the file's bounds are checked here, so a wrong file is refused at once."""
    import_kind = _kind(kind)
    _check_upload(upload)
    inline = settings.IMPORT_INLINE_ROWS
    try:
        # The header and at most inline + 1 data rows: enough to tell a small file.
        with closing((import_kind.reader or iter_rows)(upload, max_rows=inline + 1)) as rows:
            sheet = read_header(import_kind, next(rows, None))
            data_rows = sum(1 for _row in rows)
    except WorkbookError as error:
        raise ApplicationError(_workbook_message(error.code)) from None
    if data_rows <= inline:
        return import_preview(actor=actor, kind=kind, upload=upload)
    upload.seek(0)
    content = upload.read()
    from tongxin.transfer.tasks import import_preview_task

    try:
        with transaction.atomic():
            # Queued: no run holds the lease yet (see lease.py); a worker that has not taken
            # it by lease_until leaves the check STALLED (its page offers to queue it again).
            batch = _new_batch(
                actor,
                import_kind,
                upload,
                sheet,
                status=ImportBatch.Status.PREVIEWING,
                lease_until=lease.lease_end(),
            )
            ImportFile.objects.create(batch=batch, name=batch.file_name, content=content)
            progress_set(batch.pk, phase=QUEUED)
            transaction.on_commit(lambda: _enqueue_preview(import_preview_task, batch.pk))
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        raise ApplicationError(_busy_message()) from None
    return batch


def _enqueue_preview(task, batch_id: int) -> None:
    try:
        task.enqueue(batch_id)
    except Exception:
        logger.exception("could not queue the check of import %s", batch_id)
        ImportBatch.objects.filter(
            pk=batch_id, status=ImportBatch.Status.PREVIEWING, lease_owner=""
        ).update(
            failure=_("The check could not be queued; check the file again or cancel."),
            lease_until=timezone.now(),
        )


def import_preview_claimed(*, batch_id: int) -> ImportBatch | None:
    """Check the stored file of a PREVIEWING batch (the background task's work).

    Takes the batch's lease first (a batch not PREVIEWING, or whose lease another live run
    holds, is left alone). Its chunks are written as they are checked, outside one
    transaction (SQLite would keep every other writer waiting for the whole check): the
    lease is checked before each, and the batch becomes PENDING, with its counts, only at
    the end and only while this run holds the lease, so an interrupted check is simply done
    again (its chunks are dropped first). Ends PENDING, FAILED (the file refused, with the
    reason; nothing kept), or left PREVIEWING for its page to queue again when interrupted.
    """
    batch = ImportBatch.objects.select_related("user__profile").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.PREVIEWING:
        return batch
    owner = lease.new_owner()
    if not lease.take(batch.pk, owner, status=ImportBatch.Status.PREVIEWING):
        batch.refresh_from_db()
        return batch
    actor = batch.user
    language = getattr(getattr(actor, "profile", None), "language", "") or settings.LANGUAGE_CODE
    try:
        with (
            translation.override(language),
            lease.Heartbeat(batch.pk, owner, status=ImportBatch.Status.PREVIEWING),
        ):
            _preview_claimed(batch, actor, owner)
    finally:
        progress_clear(batch.pk)
    batch.refresh_from_db()
    return batch


def _preview_claimed(batch: ImportBatch, actor, owner: str) -> None:
    previewing = {"pk": batch.pk, "status": ImportBatch.Status.PREVIEWING, "lease_owner": owner}

    def guard() -> None:
        if not ImportBatch.objects.filter(**previewing).exists():
            raise _LeaseLost()

    try:
        kind = _kind(batch.kind)
        ImportChunk.objects.filter(batch=batch).delete()  # an interrupted run's slices
        stored = ImportFile.objects.filter(batch=batch).first()
        if stored is None:
            raise ApplicationError(_("The uploaded file is no longer stored; upload it again."))
        handle = io.BytesIO(bytes(stored.content))
        del stored
        progress_set(batch.pk, phase=READ)
        sheet, rows = _sheet(kind, handle)
        with closing(rows):
            _check_into(
                batch,
                kind,
                sheet,
                rows,
                actor=actor,
                guard=guard,
                read=Reporter(batch.pk, READ),
                check=Reporter(batch.pk, CHECK),
            )
        with transaction.atomic():
            done = ImportBatch.objects.filter(**previewing).update(
                status=ImportBatch.Status.PENDING,
                columns=sheet.columns,
                ignored_columns=sheet.ignored,
                ignored_more=sheet.ignored_more,
                created_count=batch.created_count,
                changed_count=batch.changed_count,
                unchanged_count=batch.unchanged_count,
                rejected_count=batch.rejected_count,
                failure="",
                lease_owner="",
                lease_until=None,
            )
            if not done:
                raise _LeaseLost()
            ImportFile.objects.filter(batch=batch).delete()
    except _LeaseLost:
        logger.warning("import %s: the check lost its lease; its result is dropped", batch.pk)
        if ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CANCELLED).exists():
            ImportChunk.objects.filter(batch=batch).delete()
    except WorkbookError as error:
        _preview_failed(batch, _workbook_message(error.code), owner)
    except ApplicationError as error:
        _preview_failed(batch, error.message, owner)
    except Exception:
        _preview_failed(
            batch,
            _(
                "The check failed unexpectedly; nothing was kept. Upload the file again; if "
                "it fails again, tell the system administrator."
            ),
            owner,
        )
        raise
    except BaseException:
        # The worker was stopped: the page offers to check the stored file again.
        ImportBatch.objects.filter(**previewing).update(
            lease_owner="",
            lease_until=timezone.now(),
            failure=_("The check was interrupted (the worker stopped); check the file again."),
        )
        raise


def _preview_failed(batch: ImportBatch, reason: str, owner: str) -> None:
    """The file was refused (or the check failed): FAILED with the reason; nothing is kept."""
    with transaction.atomic():
        ended = ImportBatch.objects.filter(
            pk=batch.pk, status=ImportBatch.Status.PREVIEWING, lease_owner=owner
        ).update(
            status=ImportBatch.Status.FAILED,
            failure=str(reason),
            finished_at=timezone.now(),
            lease_owner="",
            lease_until=None,
        )
        if ended:
            ImportChunk.objects.filter(batch=batch).delete()
            ImportFile.objects.filter(batch=batch).delete()


def commit_state(batch: ImportBatch) -> str | None:
    """queued, running, stalled or stopped for a committing (or previewing) batch; None
    otherwise."""
    return lease.state(batch)


def import_recover(
    *, actor, batch: ImportBatch, retry: bool = False, client_address=None
) -> ImportBatch:
    """Take back a batch whose background job stopped (its worker died: the lease expired) or
    that no worker took up (stalled). A commit goes back to PENDING, nothing having been
    written; with `retry`, it is committed again at once (claimed and queued anew). A check
    is queued again (its stored file is checked from the start)."""
    if batch.user_id != actor.pk:
        raise NotFound("not found")
    batch.refresh_from_db(fields=["status", *LEASE])
    if lease.state(batch) not in (lease.STOPPED, lease.STALLED):
        raise _not_pending(batch)
    previewing = batch.status == ImportBatch.Status.PREVIEWING
    try:
        with transaction.atomic():
            taken = ImportBatch.objects.filter(
                pk=batch.pk,
                status=batch.status,
                lease_owner=batch.lease_owner,
                lease_until__lt=timezone.now(),
            )
            if previewing:
                from tongxin.transfer.tasks import import_preview_task

                taken = taken.update(lease_owner="", lease_until=lease.lease_end(), failure="")
                if taken:
                    progress_set(batch.pk, phase=QUEUED)
                    transaction.on_commit(lambda: _enqueue_preview(import_preview_task, batch.pk))
            else:
                taken = taken.update(
                    status=ImportBatch.Status.PENDING,
                    lease_owner="",
                    lease_until=None,
                    failure=_(
                        "The commit stopped before it finished (its background worker ended); "
                        "nothing was written."
                    ),
                )
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        taken = 0  # SQLite: a commit still holds the write lock, so it is alive after all
    if not taken:
        raise ApplicationError(_("The commit is running again; its progress is shown on its page."))
    if not previewing:
        progress_clear(batch.pk)
    batch.refresh_from_db()
    if retry and not previewing:
        return import_commit_start(actor=actor, batch=batch, client_address=client_address)
    return batch


def import_progress(batch: ImportBatch) -> dict:
    """How far the background job of a batch has come (see `progress_get`)."""
    total = 0 if batch.is_previewing else _progress_total(batch)
    return progress_get(batch.pk, total=total)


def import_cancel(*, actor, batch: ImportBatch) -> ImportBatch:
    """Drop a pending batch (or one still being checked); nothing of it is written."""
    if batch.user_id != actor.pk:
        raise NotFound("not found")
    claimed = ImportBatch.objects.filter(
        pk=batch.pk,
        status__in=(ImportBatch.Status.PENDING, ImportBatch.Status.PREVIEWING),
    ).update(
        status=ImportBatch.Status.CANCELLED,
        finished_at=timezone.now(),
        lease_owner="",
        lease_until=None,
    )
    if not claimed:
        raise _not_pending(batch)
    if batch.status == ImportBatch.Status.PREVIEWING:
        ImportChunk.objects.filter(batch=batch).delete()  # a partial check
    ImportFile.objects.filter(batch=batch).delete()
    _drop_spool(batch)
    progress_clear(batch.pk)
    batch.refresh_from_db()
    return batch
