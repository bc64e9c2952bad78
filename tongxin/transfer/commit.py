"""Import: commit a pending batch (see services.py for the preview).

**Commit.** The accepted rows are re-checked against the data as it is then and written in
one transaction: all rows or none. A row kind writes through its services (audited by them)
or in bulk (audited under the batch's one entry, `transfer.batch.committed`, with one
AuditChange per record: `tongxin.core.audit.BulkAudit`); a chunked kind is re-checked and
written a chunk at a time. A row that would now be rejected rolls everything back; the
batch is checked again (`_recheck`) and returns to PENDING with the new rejects.

Small batches commit within the request (`import_commit`, also used by `import_excel`).
From IMPORT_INLINE_ROWS rows to write, `import_commit_start` claims the batch (PENDING →
COMMITTING, a conditional update) and queues `tasks.import_commit_task` on transaction
commit; the task calls `import_commit_claimed`, which ends the batch COMMITTED, FAILED with
the reason, or PENDING with new rejects if the data changed. Progress goes to the cache
(`progress.py`), never to the database: the write transaction would hide it.
"""

from __future__ import annotations

import logging
from collections import Counter

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongxin.core.audit import BulkAudit, common_path, remote_addr
from tongxin.core.exceptions import ApplicationError, NotFound
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.transfer import lease, registry
from tongxin.transfer.checker import Plan, Row
from tongxin.transfer.models import ImportBatch, ImportChunk
from tongxin.transfer.progress import (
    CHECK,
    QUEUED,
    Reporter,
    progress_clear,
    progress_set,
)
from tongxin.transfer.slices import _rewrite, _writes

logger = logging.getLogger(__name__)


def _kind(name) -> registry.ImportKind:
    kind = registry.get(name)
    if kind is None:
        raise ApplicationError(_("Choose what the file contains."))
    return kind


def _busy_message() -> str:
    return _("The database is busy writing another import; try again when it has finished.")


LEASE = ("lease_owner", "lease_until")


def lease_fields() -> tuple:
    """The columns `commit_state` reads (for `.only()`)."""
    return ("user_id", "status", *LEASE)


# Commit ----------------------------------------------------------------------------------


class _Stale(Exception):
    """A row would now be rejected: nothing may be written (the batch is checked again)."""


def _not_pending(batch: ImportBatch) -> ApplicationError:
    """Why a batch cannot be claimed (committed, cancelled or recovered) now."""
    current = ImportBatch.objects.filter(pk=batch.pk).only(*lease_fields()).first()
    status = current.status if current is not None else None
    if status == ImportBatch.Status.PREVIEWING:
        if lease.state(current) in (lease.STOPPED, lease.STALLED):
            return ApplicationError(
                _(
                    "The check of this file stopped before it finished; its page offers to "
                    "check it again."
                )
            )
        return ApplicationError(
            _("This file is still being checked; its progress is shown on its page.")
        )
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


def _batch_audit(batch: ImportBatch, actor) -> BulkAudit:
    """The batch's one audit entry (written with its first change), scoped by the uploader's
    reach: the rows can only land there. Each change carries its record's court path."""
    return BulkAudit(
        actor=actor,
        action="transfer.batch.committed",
        obj=batch,
        court_path=common_path(scope_for(actor).court_paths(Perm.IMPORT_RUN)),
        after={"kind": batch.kind, "file": batch.file_name, "batch": batch.pk},
    )


def _rows_of(chunk: ImportChunk) -> list[Row]:
    return [Row(number=r["row"], values=r["values"]) for r in chunk.rows]


def _checker(kind, batch: ImportBatch, actor, *, for_commit: bool = False):
    checker = kind.checker(user=actor, columns=batch.columns, kind=kind)
    checker.for_commit = for_commit
    return checker


def _chunk_ids(batch: ImportBatch) -> list[int]:
    """The batch's chunks by id, in file order: each is loaded when its turn comes (the
    commit writes while it goes, so no cursor stays open on the table)."""
    return list(
        ImportChunk.objects.filter(batch=batch).order_by("seq").values_list("pk", flat=True)
    )


def _write(batch: ImportBatch, *, actor, progress=None) -> Counter | None:
    """Re-check the accepted rows and write them, inside the caller's transaction; the
    counts of what was written (None for a bulk kind, which writes its spooled rows itself).

    Raises _Stale when a row would now be rejected, or ApplicationError naming the row a
    service refused (the caller's transaction rolls everything back).
    """
    kind = _kind(batch.kind)
    audit = _batch_audit(batch, actor)
    if kind.is_bulk:
        _write_bulk(batch, kind, actor=actor, progress=progress)
        audit.open()
        return None
    total = batch.created_count + batch.changed_count + batch.unchanged_count
    counts: Counter = Counter()
    if kind.is_chunked:
        done, shared = 0, {}
        for pk in _chunk_ids(batch):
            chunk = ImportChunk.objects.get(pk=pk)
            if not chunk.rows:
                continue
            checker = _checker(kind, batch, actor, for_commit=True)
            checker.shared = shared
            plan = checker.check(_rows_of(chunk))
            if plan.rejects:
                raise _Stale()
            checker.progress = _offset(progress, done, total)
            _apply(checker, plan, actor=actor, audit=audit)
            _restore([chunk], plan, counts)
            done += len(chunk.rows)
    else:
        chunks = list(ImportChunk.objects.filter(batch=batch).order_by("seq"))
        checker = _checker(kind, batch, actor, for_commit=True)
        plan = checker.check([row for chunk in chunks for row in _rows_of(chunk)])
        if plan.rejects:
            raise _Stale()
        checker.progress = progress
        _apply(checker, plan, actor=actor, audit=audit)
        _restore(chunks, plan, counts)
    audit.flush()
    return counts


def _offset(progress, done: int, total: int):
    if progress is None:
        return None
    return lambda rows_done, _rows_total: progress(done + rows_done, total)


def _apply(checker, plan: Plan, *, actor, audit: BulkAudit) -> None:
    checker.audit = audit
    checker.current = None
    try:
        checker.apply(plan, actor=actor)
    except ApplicationError as error:
        row = getattr(getattr(checker, "current", None), "row", None)
        if row is None:
            raise ApplicationError(
                _("The rows could not be written: %(reason)s Nothing was written.")
                % {"reason": error.message}
            ) from error
        raise ApplicationError(
            _("Row %(row)d could not be saved: %(reason)s Nothing was written.")
            % {"row": row.number, "reason": error.message}
        ) from error


def _restore(chunks: list, plan: Plan, counts: Counter) -> None:
    """Keep what the commit did in the chunks (a row unchanged at the preview may have
    changed since) and count it."""
    done = {item.row.number: item.as_json() for item in plan.rows}
    for chunk in chunks:
        rows = [done[row["row"]] for row in chunk.rows]
        for row in rows:
            counts[row["action"]] += 1
        if rows != chunk.rows:
            chunk.rows, chunk.writes = rows, _writes(rows)
            chunk.save(update_fields=["rows", "writes"])


def _bulk_rows(batch: ImportBatch, ids: list):
    """The accepted rows' values of a bulk batch, in file order, one chunk in memory."""
    for pk in ids:
        for row in ImportChunk.objects.get(pk=pk).rows:
            yield row["values"]


def _write_bulk(batch: ImportBatch, kind, *, actor, progress=None) -> None:
    total = batch.rows_to_write

    def report(done: int) -> None:
        if progress is not None:
            progress(done, total)

    rows = _bulk_rows(batch, _chunk_ids(batch))
    try:
        kind.bulk.commit(rows, actor=actor, batch_id=batch.pk, total=total, progress=report)
    except ApplicationError as error:
        raise ApplicationError(
            _("The rows could not be written: %(reason)s Nothing was written.")
            % {"reason": error.message}
        ) from error
    finally:
        rows.close()
    report(total)
    _drop_spool(batch, kind)


def _drop_spool(batch: ImportBatch, kind=None) -> None:
    """A bulk kind's accepted values once its batch has ended (its store holds them): the
    rejects stay to be read and downloaded."""
    kind = kind or registry.get(batch.kind)
    if kind is not None and kind.is_bulk:
        chunks = ImportChunk.objects.filter(batch_id=batch.pk)
        chunks.filter(rejected=0).delete()
        chunks.update(rows=[], writes=0)


def _recheck(batch: ImportBatch, actor) -> int:
    """The data changed since the preview: check the accepted rows again, keep those still
    accepted (with what a commit would now do), add the new rejects to their slices and
    store the counts (the batch is saved). Returns how many more rows are now rejected."""
    kind = _kind(batch.kind)
    counts: Counter = Counter()
    newly = 0
    if kind.is_chunked:
        shared: dict = {}
        for pk in _chunk_ids(batch):
            chunk = ImportChunk.objects.get(pk=pk)
            plan = None
            if chunk.rows:
                checker = _checker(kind, batch, actor)
                checker.shared = shared
                plan = checker.check(_rows_of(chunk))
            newly += _rewrite(chunk, plan, counts)
    else:
        chunks = list(ImportChunk.objects.filter(batch=batch).order_by("seq"))
        plan = _checker(kind, batch, actor).check([r for c in chunks for r in _rows_of(c)])
        for chunk in chunks:
            newly += _rewrite(chunk, plan, counts)
    batch.created_count = counts["create"]
    batch.changed_count = counts["change"]
    batch.unchanged_count = counts["unchanged"]
    batch.rejected_count = counts["rejected"]
    batch.save()
    return newly


def _committed(batch: ImportBatch, counts: Counter | None) -> None:
    batch.status = ImportBatch.Status.COMMITTED
    batch.finished_at = timezone.now()
    batch.failure = ""
    batch.lease_owner, batch.lease_until = "", None
    if counts is not None:
        batch.created_count = counts["create"]
        batch.changed_count = counts["change"]
        batch.unchanged_count = counts["unchanged"]
    batch.save()


def _stale_message(count: int) -> str:
    return _(
        "The data changed since the preview: %(count)d more rows would now be "
        "rejected. Nothing was written; review the preview, then commit or cancel."
    ) % {"count": count}


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
    except _Stale:
        batch.refresh_from_db()
        with transaction.atomic():
            newly = _recheck(batch, actor)
        raise ApplicationError(_stale_message(newly)) from None
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
        raise ApplicationError(_busy_message()) from None
    batch.refresh_from_db(fields=["status", "finished_at", "failure", "lease_owner", "lease_until"])
    return batch


def _progress_total(batch: ImportBatch) -> int:
    """Rows the commit goes through: every accepted row is checked again."""
    return batch.created_count + batch.changed_count + batch.unchanged_count


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
            counts = _write(batch, actor=actor, progress=Reporter(batch.pk))
            # The fence, at the end of the write: only the lease's holder commits, and only
            # a batch still COMMITTING (one taken back from the page rolls all this back).
            # The batch row is locked from here to the commit, not before, so the heartbeat
            # renews the lease meanwhile.
            done = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.COMMITTING, lease_owner=owner
            ).update(status=ImportBatch.Status.COMMITTED, finished_at=timezone.now())
            if not done:
                raise _LeaseLost()
            _committed(batch, counts)
    except _LeaseLost:
        logger.warning("import %s: the lease was taken back; nothing written", batch.pk)
        batch.refresh_from_db()
    except _Stale:
        _back_to_preview(batch, actor, owner=owner)
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


def _back_to_preview(batch: ImportBatch, actor, *, owner: str) -> None:
    """The data changed since the preview: back to PENDING (only while this run holds the
    lease), the accepted rows checked again, with the new rejects and the reason."""
    with transaction.atomic():
        back = ImportBatch.objects.filter(
            pk=batch.pk, status=ImportBatch.Status.COMMITTING, lease_owner=owner
        ).update(
            status=ImportBatch.Status.PENDING,
            finished_at=None,
            lease_owner="",
            lease_until=None,
        )
        batch.refresh_from_db()
        if back:
            newly = _recheck(batch, actor)
            batch.failure = _stale_message(newly)
            batch.save(update_fields=["failure"])


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
        _drop_spool(batch)  # a bulk batch is uploaded again to retry
    batch.refresh_from_db(fields=["status", "failure", "finished_at", *LEASE])
