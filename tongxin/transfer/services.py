"""Import: read and check an uploaded sheet into a pending batch, then commit or cancel it.

The preview writes nothing but the batch. The commit re-checks the accepted rows against
the data as it is then, and writes them through the orgs and people services (so every
change is audited) in one transaction: all rows or none.

Small batches commit within the request (`import_commit`, also used by `import_excel`).
From IMPORT_INLINE_ROWS rows to write, `import_commit_start` claims the batch (PENDING →
COMMITTING, a conditional update) and queues `tasks.import_commit_task` on transaction
commit; the task calls `import_commit_claimed`, which ends the batch COMMITTED, FAILED with
the reason, or PENDING with new rejects if the data changed. Progress goes to the cache
(`progress.py`), never to the database: the write transaction would hide it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongxin.core.audit import remote_addr
from tongxin.core.exceptions import ApplicationError, NotFound
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.lib.excel import WorkbookError, iter_rows, limit, read_rows, workbook_response
from tongxin.transfer import lease, registry
from tongxin.transfer.checker import Plan, Row, no_data, parse, read_header, too_many_rows
from tongxin.transfer.formats import shown
from tongxin.transfer.models import ImportBatch, ImportChunk
from tongxin.transfer.progress import (
    CHECK,
    QUEUED,
    Reporter,
    progress_clear,
    progress_get,
    progress_set,
)
from tongxin.transfer.registry import MAX_ROWS

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


def _store(batch: ImportBatch, plan: Plan, rejects: list) -> None:
    # In file order, as the preview lists them; the commit plans its own order again
    # (parents before children) when it re-checks the rows.
    batch.rows = sorted((item.as_json() for item in plan.rows), key=lambda r: r["row"])
    batch.rejects = sorted(rejects, key=lambda r: r["row"])
    batch.created_count = plan.count("create")
    batch.changed_count = plan.count("change")
    batch.unchanged_count = plan.count("unchanged")
    batch.rejected_count = len({r["row"] for r in rejects})


def import_kinds(user) -> list:
    """The registered kinds this user may import: those whose permission some grant carries
    (rows are still checked against the reach of each grant)."""
    scope = scope_for(user)
    if not scope.has(Perm.IMPORT_RUN):
        return []
    return [kind for kind in registry.kinds() if scope.has(kind.permission)]


def _kind(name) -> registry.ImportKind:
    kind = registry.get(name)
    if kind is None:
        raise ApplicationError(_("Choose what the file contains."))
    return kind


def import_preview(*, actor, kind: str, upload) -> ImportBatch:
    """Read and check an uploaded sheet; store it as a pending batch (nothing else is written)."""
    import_kind = _kind(kind)
    if upload is None:
        raise ApplicationError(_("Choose an Excel file to upload."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ApplicationError(too_large_message())
    max_rows = import_kind.max_rows or MAX_ROWS
    if import_kind.is_bulk:
        return _preview_bulk(actor, import_kind, upload, max_rows)
    try:
        raw_rows = read_rows(upload, max_rows=max_rows + 1)
    except WorkbookError as error:
        raise ApplicationError(_workbook_message(error.code)) from None
    sheet, rows, rejects = parse(import_kind, raw_rows, max_rows=max_rows)
    checker = import_kind.checker(user=actor, columns=sheet.columns, kind=import_kind)
    plan = checker.check(rows)
    batch = ImportBatch(
        user=actor,
        kind=import_kind.name,
        file_name=(getattr(upload, "name", "") or "upload.xlsx")[:255],
        columns=sheet.columns,
        ignored_columns=sheet.ignored,
        ignored_more=sheet.ignored_more,
    )
    _store(batch, plan, rejects + plan.rejects)
    batch.save()
    return batch


BULK_SHOWN = 200  # accepted rows of a bulk batch kept in `rows`, for the preview page
BULK_REJECTS = 10_000  # rejects of a bulk batch kept (all are counted)


def _preview_bulk(actor, kind, upload, max_rows: int) -> ImportBatch:
    """A bulk kind's preview: the sheet is read as a stream, checked chunk by chunk by the
    kind (`bulk.check`), and its accepted rows spooled to ImportChunk rows; the batch keeps
    the first BULK_SHOWN of them to show and the first BULK_REJECTS rejects."""
    try:
        with transaction.atomic():
            rows = iter_rows(upload, max_rows=max_rows + 1)
            sheet = read_header(kind, next(rows, None))
            batch = ImportBatch.objects.create(
                user=actor,
                kind=kind.name,
                file_name=(getattr(upload, "name", "") or "upload.xlsx")[:255],
                columns=sheet.columns,
                ignored_columns=sheet.ignored,
                ignored_more=sheet.ignored_more,
            )
            spool = _Spool(batch, kind, sheet, actor)
            for count, (number, cells) in enumerate(rows, start=1):
                if count > max_rows:
                    raise too_many_rows(max_rows)
                spool.add(*sheet.row(number, cells))
            spool.flush()
            if not spool.seen:
                raise no_data()
            batch.rows = spool.shown
            batch.rejects = spool.rejects
            batch.created_count = spool.accepted
            batch.rejected_count = spool.rejected
            batch.save()
    except WorkbookError as error:
        raise ApplicationError(_workbook_message(error.code)) from None
    return batch


class _Spool:
    """Rows of a bulk preview: checked by the kind a chunk at a time, the accepted ones
    written to ImportChunk, the rejected ones reported."""

    def __init__(self, batch, kind, sheet, actor):
        self.batch, self.kind, self.sheet, self.actor = batch, kind, sheet, actor
        self.chunk: list = []
        self.faults: list = []
        self.seq = self.accepted = self.rejected = self.seen = 0
        self.shown: list = []
        self.rejects: list = []

    def add(self, row: Row, faults: list) -> None:
        self.seen += 1
        self.chunk.append(row)
        self.faults.extend(faults)
        if len(self.chunk) >= registry.BULK_CHUNK:
            self.flush()

    def _reject(self, reject: dict) -> None:
        if len(self.rejects) < BULK_REJECTS:
            self.rejects.append(reject)

    def flush(self) -> None:
        if not self.chunk:
            return
        problems = self.kind.bulk.check([r for r in self.chunk if not r.faults], actor=self.actor)
        faults = {}
        for reject in self.faults:
            faults.setdefault(reject["row"], []).append(reject)
        accepted = []
        for row in self.chunk:
            found = faults.get(row.number, []) + [
                self._problem(row, name, reason) for name, reason in problems.get(row.number, ())
            ]
            if found:
                self.rejected += 1
                for reject in found:
                    self._reject(reject)
                continue
            accepted.append({"row": row.number, "values": row.values})
            if len(self.shown) < BULK_SHOWN:
                label = " · ".join(str(v) for v in list(row.values.values())[:2] if v)
                self.shown.append(
                    {**accepted[-1], "action": "create", "changed": [], "label": label}
                )
        if accepted:
            ImportChunk.objects.create(batch=self.batch, seq=self.seq, rows=accepted)
            self.seq += 1
            self.accepted += len(accepted)
        self.chunk, self.faults = [], []

    def _problem(self, row: Row, name: str, reason: str) -> dict:
        column = self.sheet.columns.get(name) or self.kind.field(name).zh
        value = row.values.get(name)
        return {
            "row": row.number,
            "column": column,
            "value": shown(value) if value is not None else "",
            "reason": f"{column}: {reason}",
        }


def _bulk_rows(batch: ImportBatch):
    """The accepted rows' values of a bulk batch, in file order, one chunk in memory."""
    for chunk in ImportChunk.objects.filter(batch=batch).order_by("seq").iterator(chunk_size=1):
        for row in chunk.rows:
            yield row["values"]


def _write_bulk(batch: ImportBatch, kind, *, actor, progress=None) -> None:
    total = batch.rows_to_write

    def report(done: int) -> None:
        if progress is not None:
            progress(done, total)

    rows = _bulk_rows(batch)
    try:
        kind.bulk.commit(rows, actor=actor, batch_id=batch.pk, total=total, progress=report)
    except ApplicationError as error:
        raise ApplicationError(
            _("The rows could not be written: %(reason)s Nothing was written.")
            % {"reason": error.message}
        ) from error
    finally:
        # Close the rows' database cursor (a named, server-side one on PostgreSQL) while the
        # transaction still stands: left to the garbage collector, closing it after a
        # rollback fails and breaks the request's connection.
        rows.close()
    report(total)
    ImportChunk.objects.filter(batch=batch).delete()


class _Stale(Exception):
    def __init__(self, plan: Plan):
        self.plan = plan


def _not_pending(batch: ImportBatch) -> ApplicationError:
    """Why a batch cannot be claimed (committed, cancelled or recovered) now."""
    current = ImportBatch.objects.filter(pk=batch.pk).only(*lease_fields()).first()
    status = current.status if current is not None else None
    if status == ImportBatch.Status.COMMITTING:
        if lease.state(current) in (lease.STOPPED, lease.STALLED):
            return ApplicationError(
                _(
                    "The commit of this import stopped before it finished; nothing was "
                    "written. Its page offers to commit it again or to return it to the preview."
                )
            )
        return ApplicationError(
            _("This import is already being committed; its progress is shown on its page.")
        )
    if status == ImportBatch.Status.FAILED:
        return ApplicationError(
            _("This import failed and wrote nothing; upload the file again to retry.")
        )
    if status == ImportBatch.Status.PENDING:
        return ApplicationError(_("This import is waiting for its commit already."))
    return ApplicationError(_("This import has already been committed or cancelled."))


def _write(batch: ImportBatch, *, actor, progress=None) -> Plan | None:
    """Re-check the accepted rows and write them, inside the caller's transaction (a bulk
    kind writes its spooled rows itself; None then).

    Raises _Stale when a row would now be rejected (before anything is written), or
    ApplicationError naming the row a service refused.
    """
    kind = _kind(batch.kind)
    if kind.is_bulk:
        _write_bulk(batch, kind, actor=actor, progress=progress)
        return None
    checker = kind.checker(user=actor, columns=batch.columns, kind=kind)
    plan = checker.check([Row(number=r["row"], values=r["values"]) for r in batch.rows])
    if plan.rejects:
        raise _Stale(plan)
    checker.progress = progress
    try:
        checker.apply(plan, actor=actor)
    except ApplicationError as error:
        raise ApplicationError(
            _("Row %(row)d could not be saved: %(reason)s Nothing was written.")
            % {"row": checker.current.row.number, "reason": error.message}
        ) from error
    return plan


def _committed(batch: ImportBatch, plan: Plan | None) -> None:
    batch.status = ImportBatch.Status.COMMITTED
    batch.finished_at = timezone.now()
    batch.failure = ""
    batch.lease_owner, batch.lease_until = "", None
    if plan is not None:
        _store(batch, plan, batch.rejects)
    batch.save()


def _stale_message(stale: _Stale) -> str:
    return _(
        "The data changed since the preview: %(count)d more rows would now be "
        "rejected. Nothing was written; review the preview, then commit or cancel."
    ) % {"count": stale.plan.rejected_rows}


def _back_to_preview(
    batch: ImportBatch, stale: _Stale, *, failure: str = "", owner: str | None = None
) -> None:
    """The data changed since the preview: keep the still-accepted rows, add the new rejects,
    and let the uploader review the batch again (PENDING). With `owner`, only while that
    run still holds the batch's lease."""
    batch.status = ImportBatch.Status.PENDING
    batch.finished_at = None
    batch.failure = failure
    batch.lease_owner, batch.lease_until = "", None
    _store(batch, stale.plan, batch.rejects + stale.plan.rejects)
    if owner is None:
        batch.save()
        return
    fields = ["status", "finished_at", "failure", "lease_owner", "lease_until", "rows"]
    fields += ["rejects", "created_count", "changed_count", "unchanged_count", "rejected_count"]
    ImportBatch.objects.filter(
        pk=batch.pk, status=ImportBatch.Status.COMMITTING, lease_owner=owner
    ).update(**{name: getattr(batch, name) for name in fields})


def import_commit(*, actor, batch: ImportBatch) -> ImportBatch:
    """Write the accepted rows of a pending batch now (once; all or nothing), re-checked first.

    The page uses it for small batches and `import_excel --commit` for any; larger batches
    from the page go through `import_commit_start` to the background worker.
    """
    if batch.user_id != actor.pk:
        raise NotFound("not found")
    try:
        with transaction.atomic():
            # Claimed inside the write transaction: a failure rolls the claim back too, so
            # the batch stays pending and the user can commit again or cancel.
            claimed = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.PENDING
            ).update(status=ImportBatch.Status.COMMITTED, finished_at=timezone.now(), failure="")
            if not claimed:
                raise _not_pending(batch)
            _committed(batch, _write(batch, actor=actor))
    except _Stale as stale:
        _back_to_preview(batch, stale)
        raise ApplicationError(_stale_message(stale)) from None
    return batch


def import_commit_start(*, actor, batch: ImportBatch, client_address=None) -> ImportBatch:
    """Commit a pending batch: at once below IMPORT_INLINE_ROWS rows to write, otherwise claim
    it (PENDING → COMMITTING, once) and queue `import_commit_task` for the worker."""
    if batch.user_id != actor.pk:
        raise NotFound("not found")
    if batch.rows_to_write < settings.IMPORT_INLINE_ROWS:
        return import_commit(actor=actor, batch=batch)
    from tongxin.transfer.tasks import import_commit_task

    try:
        with transaction.atomic():
            # Queued: no run holds the lease yet; a worker that has not taken it by
            # lease_until leaves the claim STALLED (the page offers to take it back).
            claimed = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.PENDING
            ).update(
                status=ImportBatch.Status.COMMITTING,
                finished_at=None,
                failure="",
                lease_owner="",
                lease_until=lease.lease_end(),
            )
            if not claimed:
                raise _not_pending(batch)
            progress_set(batch.pk, phase=QUEUED, total=_progress_total(batch))
            transaction.on_commit(
                lambda: _enqueue(import_commit_task, batch_id=batch.pk, address=client_address)
            )
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        # SQLite: another import holds the write lock for the length of its commit.
        raise ApplicationError(
            _("The database is busy writing another import; try again when it has finished.")
        ) from None
    batch.refresh_from_db(fields=["status", "finished_at", "failure", "lease_owner", "lease_until"])
    return batch


def _progress_total(batch: ImportBatch) -> int:
    return max(len(batch.rows), batch.rows_to_write)


def _enqueue(task, *, batch_id: int, address) -> None:
    try:
        task.enqueue(batch_id, address)
    except Exception:
        logger.exception("could not queue the commit of import %s", batch_id)
        ImportBatch.objects.filter(
            pk=batch_id, status=ImportBatch.Status.COMMITTING, lease_owner=""
        ).update(
            status=ImportBatch.Status.PENDING,
            failure=_("The commit could not be queued; nothing was written. Try again."),
            lease_until=None,
        )


def import_commit_claimed(*, batch_id: int, client_address=None) -> ImportBatch | None:
    """Write a batch claimed for the background (COMMITTING), in one transaction.

    Takes the batch's lease first (see `lease`): a batch not (or no longer) COMMITTING, or
    whose lease another live run holds, is left alone, so a task delivered twice writes
    once; a run whose worker died is taken over. Ends COMMITTED; FAILED with the reason in
    `failure` (nothing written); or PENDING with the new rejects when the data changed since
    the preview.
    """
    batch = ImportBatch.objects.select_related("user__profile").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.COMMITTING:
        return batch
    owner = lease.new_owner()
    if not lease.take(batch.pk, owner):
        batch.refresh_from_db()
        return batch
    actor = batch.user
    language = getattr(getattr(actor, "profile", None), "language", "") or settings.LANGUAGE_CODE
    address = remote_addr.set(client_address)
    try:
        with translation.override(language), lease.Heartbeat(batch.pk, owner):
            _commit_claimed(batch, actor, owner)
    finally:
        remote_addr.reset(address)
        progress_clear(batch.pk)
    return batch


class _LeaseLost(Exception):
    """The run no longer holds the batch's lease: it must not commit."""


def _commit_claimed(batch: ImportBatch, actor, owner: str) -> None:
    progress_set(batch.pk, phase=CHECK, total=_progress_total(batch))
    try:
        with transaction.atomic():
            plan = _write(batch, actor=actor, progress=Reporter(batch.pk))
            # The fence, at the end of the write: only the lease's holder commits, and only
            # a batch still COMMITTING (one taken back from the page rolls all this back).
            # The batch row is locked from here to the commit, not before, so the heartbeat
            # renews the lease meanwhile.
            done = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.COMMITTING, lease_owner=owner
            ).update(status=ImportBatch.Status.COMMITTED, finished_at=timezone.now())
            if not done:
                raise _LeaseLost()
            _committed(batch, plan)
    except _LeaseLost:
        logger.warning("import %s: the lease was taken back; nothing written", batch.pk)
        batch.refresh_from_db()
    except _Stale as stale:
        _back_to_preview(batch, stale, failure=_stale_message(stale), owner=owner)
    except ApplicationError as error:
        _failed(batch, error.message, owner=owner)
    except Exception:
        _failed(
            batch,
            _(
                "The commit failed unexpectedly; nothing was written. Upload the file "
                "again; if it fails again, tell the system administrator."
            ),
            owner=owner,
        )
        raise  # the task result keeps the traceback for the operator
    except BaseException:
        # The worker was stopped mid-commit: the transaction was rolled back.
        _failed(
            batch,
            _(
                "The commit was interrupted (the worker stopped); nothing was written. "
                "Commit again or cancel."
            ),
            status=ImportBatch.Status.PENDING,
            owner=owner,
        )
        raise


def _failed(
    batch: ImportBatch, reason: str, *, owner: str, status=ImportBatch.Status.FAILED
) -> None:
    ended = ImportBatch.objects.filter(
        pk=batch.pk, status=ImportBatch.Status.COMMITTING, lease_owner=owner
    ).update(
        status=status,
        failure=str(reason),
        finished_at=timezone.now() if status == ImportBatch.Status.FAILED else None,
        lease_owner="",
        lease_until=None,
    )
    if ended and status == ImportBatch.Status.FAILED:
        ImportChunk.objects.filter(batch_id=batch.pk).delete()  # uploaded again to retry
    batch.refresh_from_db(fields=["status", "failure", "finished_at", *LEASE])


LEASE = ("lease_owner", "lease_until")


def lease_fields() -> tuple:
    """The columns `commit_state` reads (for `.only()`)."""
    return ("user_id", "status", *LEASE)


def commit_state(batch: ImportBatch) -> str | None:
    """queued, running, stalled or stopped for a committing batch; None otherwise."""
    return lease.state(batch)


def import_recover(
    *, actor, batch: ImportBatch, retry: bool = False, client_address=None
) -> ImportBatch:
    """Take back a batch whose commit stopped (its worker died: the lease expired) or that no
    worker took up (stalled): back to PENDING, nothing having been written; with `retry`,
    commit it again at once (claimed and queued anew)."""
    if batch.user_id != actor.pk:
        raise NotFound("not found")
    batch.refresh_from_db(fields=["status", *LEASE])
    if lease.state(batch) not in (lease.STOPPED, lease.STALLED):
        raise _not_pending(batch)
    try:
        taken = ImportBatch.objects.filter(
            pk=batch.pk,
            status=ImportBatch.Status.COMMITTING,
            lease_owner=batch.lease_owner,
            lease_until__lt=timezone.now(),
        ).update(
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
    progress_clear(batch.pk)
    batch.refresh_from_db()
    if retry:
        return import_commit_start(actor=actor, batch=batch, client_address=client_address)
    return batch


def import_progress(batch: ImportBatch) -> dict:
    """How far the background commit of a batch has come (see `progress_get`)."""
    return progress_get(
        batch.pk, total=batch.created_count + batch.changed_count + batch.unchanged_count
    )


def import_cancel(*, actor, batch: ImportBatch) -> ImportBatch:
    """Drop a pending batch; nothing of it is written."""
    if batch.user_id != actor.pk:
        raise NotFound("not found")
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PENDING).update(
        status=ImportBatch.Status.CANCELLED, finished_at=timezone.now()
    )
    if not claimed:
        raise _not_pending(batch)
    ImportChunk.objects.filter(batch=batch).delete()
    batch.refresh_from_db()
    return batch


# Downloads -----------------------------------------------------------------------------


def rejects_response(batch: ImportBatch):
    """Every rejected row of a batch with its reason, as .xlsx."""
    return workbook_response(
        filename=f"import-{batch.pk}-rejects.xlsx",
        headers=[_("Row"), _("Column"), _("Value"), _("Reason")],
        rows=([r["row"], r["column"], r["value"], r["reason"]] for r in batch.rejects),
    )
