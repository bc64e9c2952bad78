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

import io
import logging
import pickle
import tempfile
from collections import Counter, defaultdict
from contextlib import closing

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongxin.core.audit import BulkAudit, common_path, remote_addr
from tongxin.core.exceptions import ApplicationError, NotFound
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.lib.excel import WorkbookError, iter_rows, limit
from tongxin.transfer import lease, registry
from tongxin.transfer.checker import Plan, Row, no_data, read_header, too_many_rows
from tongxin.transfer.formats import shown
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

logger = logging.getLogger(__name__)

CHUNK_ROWS = 1_000  # rows of the file per chunk of a row kind (checked, spooled, committed)
PARSED_BLOCK = 1_000  # parsed rows per block of the temporary spool


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


def _kind(name) -> registry.ImportKind:
    kind = registry.get(name)
    if kind is None:
        raise ApplicationError(_("Choose what the file contains."))
    return kind


def _check_upload(upload) -> None:
    if upload is None:
        raise ApplicationError(_("Choose an Excel file to upload."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ApplicationError(too_large_message())


def _file_name(upload) -> str:
    return (getattr(upload, "name", "") or "upload.xlsx")[:255]


# Chunks: the checked rows of a batch, a slice of the file each ------------------------------


class _Slices:
    """Writes a batch's chunks in file order, one per `size` rows of the file, each with its
    accepted rows and its rejects, and counts them. `guard()` runs before each write (the
    background check's lease)."""

    def __init__(self, batch: ImportBatch, size: int, guard=None):
        self.batch, self.size, self.guard = batch, size, guard
        self.seq = 0
        self.counts: Counter = Counter()  # create / change / unchanged / rejected (rows)
        self._reset()

    def _reset(self) -> None:
        self.rows: list = []
        self.rejects: list = []
        self.raw: dict = {}  # row number (text) → a rejected row's cells as the file wrote them
        self.numbers = 0
        self.first = self.last = 0
        self.rejected = 0

    def add(self, number: int, accepted: dict | None, rejects: list, raw=None) -> None:
        """One row of the file: accepted (its JSON) or rejected (its rejects, and its cells
        as the file wrote them: `raw`)."""
        if not self.numbers:
            self.first = number
        self.last = number
        self.numbers += 1
        if rejects:
            self.rejects.extend(rejects)
            if raw:
                self.raw[str(number)] = raw
            self.rejected += 1
            self.counts["rejected"] += 1
        elif accepted is not None:
            self.rows.append(accepted)
            self.counts[accepted["action"]] += 1
        if self.numbers >= self.size:
            self.flush()

    def add_plan(self, plan: Plan, cell_rejects: list, rows: list) -> None:
        """The `rows` of the file, checked: `plan` and the rejects of their unreadable
        cells."""
        accepted = {item.row.number: item.as_json() for item in plan.rows}
        rejects = defaultdict(list)
        for reject in sorted(cell_rejects + plan.rejects, key=lambda r: r["row"]):
            rejects[reject["row"]].append(reject)
        for row in sorted(rows, key=lambda r: r.number):
            self.add(row.number, accepted.get(row.number), rejects.get(row.number, []), row.raw)

    def flush(self) -> None:
        if not self.numbers:
            return
        if self.guard is not None:
            self.guard()
        ImportChunk.objects.create(
            batch=self.batch,
            seq=self.seq,
            first_row=self.first,
            last_row=self.last,
            writes=_writes(self.rows),
            rejected=self.rejected,
            rows=self.rows,
            rejects=self.rejects,
            raw=self.raw,
        )
        self.seq += 1
        self._reset()

    def store_counts(self, batch: ImportBatch) -> None:
        batch.created_count = self.counts["create"]
        batch.changed_count = self.counts["change"]
        batch.unchanged_count = self.counts["unchanged"]
        batch.rejected_count = self.counts["rejected"]


def _writes(rows: list) -> int:
    return sum(1 for row in rows if row["action"] != "unchanged")


class _Parsed:
    """The data rows of a sheet as read (each `Row` with the rejects of its unreadable cells),
    spooled to a temporary file a block at a time, so that memory holds a block, not the
    file; the rows' keys (`key_fields`) are counted on the way, to find those the file
    repeats (a chunked checker rejects them with every row that holds them)."""

    def __init__(self, key_fields: tuple = ()):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.key_fields = key_fields
        self.block: list = []
        self.count = 0
        self.keys: dict = {}  # key → its first row number, or a list once repeated

    def add(self, row: Row, rejects: list) -> None:
        self.count += 1
        self.block.append((row, rejects))
        if self.key_fields and not row.faults.intersection(self.key_fields):
            key = tuple(row.values.get(name) for name in self.key_fields)
            if all(value not in (None, "", []) for value in key):
                seen = self.keys.get(key)
                if seen is None:
                    self.keys[key] = row.number
                elif isinstance(seen, list):
                    seen.append(row.number)
                else:
                    self.keys[key] = [seen, row.number]
        if len(self.block) >= PARSED_BLOCK:
            pickle.dump(self.block, self.file, pickle.HIGHEST_PROTOCOL)
            self.block = []

    def duplicates(self) -> dict:
        return {key: numbers for key, numbers in self.keys.items() if isinstance(numbers, list)}

    def blocks(self, size: int):
        """The rows in file order, in lists of `size` (row, rejects)."""
        if self.block:
            pickle.dump(self.block, self.file, pickle.HIGHEST_PROTOCOL)
            self.block = []
        self.keys = {}
        self.file.seek(0)
        pending: list = []
        while True:
            try:
                pending.extend(pickle.load(self.file))  # noqa: S301 (our own temporary file)
            except EOFError:
                break
            while len(pending) >= size:
                yield pending[:size]
                pending = pending[size:]
        if pending:
            yield pending

    def close(self) -> None:
        self.file.close()


def _check_into(batch, kind, sheet, rows, *, actor, guard=None, read=None, check=None) -> None:
    """Read the data rows of a sheet (after its header), check them and write the batch's
    chunks and counts (the batch itself is not saved). `read(done)` and `check(done, total)`
    report progress; `guard()` runs before each chunk is written."""
    limit_rows = kind.row_limit
    if kind.is_bulk:
        return _check_bulk(batch, kind, sheet, rows, actor=actor, guard=guard, read=read)
    checker_class = kind.checker
    parsed = _Parsed(checker_class.file_key if checker_class.chunked else ())
    slices = _Slices(batch, CHUNK_ROWS, guard)
    try:
        for count, (number, cells) in enumerate(rows, start=1):
            if count > limit_rows:
                raise too_many_rows(limit_rows)
            parsed.add(*sheet.row(number, cells))
            if read is not None:
                read(count)
        if not parsed.count:
            raise no_data()
        total = parsed.count
        if checker_class.chunked:
            duplicates, shared, done = parsed.duplicates(), {}, 0
            for block in parsed.blocks(CHUNK_ROWS):
                checker = checker_class(user=actor, columns=sheet.columns, kind=kind)
                checker.file_duplicates, checker.shared = duplicates, shared
                _check_block(checker, block, slices)
                done += len(block)
                if check is not None:
                    check(done, total)
        else:
            block = [item for part in parsed.blocks(CHUNK_ROWS) for item in part]
            _check_block(checker_class(user=actor, columns=sheet.columns, kind=kind), block, slices)
            if check is not None:
                check(total, total)
        slices.flush()
    finally:
        parsed.close()
    slices.store_counts(batch)


def _check_block(checker, block: list, slices: _Slices) -> None:
    rows = [row for row, _faults in block]
    plan = checker.check(rows)
    slices.add_plan(plan, [r for _row, faults in block for r in faults], rows)


def _check_bulk(batch, kind, sheet, rows, *, actor, guard=None, read=None) -> None:
    """A bulk kind's rows: checked by the kind (`bulk.check`) a chunk of BULK_CHUNK at a
    time; every accepted row counts as one to create."""
    limit_rows, size = kind.row_limit, registry.BULK_CHUNK
    slices = _Slices(batch, size, guard)
    chunk: list = []
    faults: dict = defaultdict(list)

    def flush() -> None:
        problems = kind.bulk.check([r for r in chunk if not r.faults], actor=actor)
        for row in chunk:
            found = faults.get(row.number, []) + [
                _bulk_problem(kind, sheet, row, name, reason)
                for name, reason in problems.get(row.number, ())
            ]
            accepted = None
            if not found:
                label = " · ".join(str(v) for v in list(row.values.values())[:2] if v)
                accepted = {
                    "row": row.number,
                    "values": row.values,
                    "action": "create",
                    "changed": [],
                    "label": label,
                }
            slices.add(row.number, accepted, found, row.raw)
        chunk.clear()
        faults.clear()

    seen = 0
    for seen, (number, cells) in enumerate(rows, start=1):
        if seen > limit_rows:
            raise too_many_rows(limit_rows)
        row, cell_faults = sheet.row(number, cells)
        chunk.append(row)
        for reject in cell_faults:
            faults[reject["row"]].append(reject)
        if read is not None:
            read(seen)
        if len(chunk) >= size:
            flush()
    if chunk:
        flush()
    if not seen:
        raise no_data()
    slices.flush()
    slices.store_counts(batch)


def _bulk_problem(kind, sheet, row: Row, name: str, reason: str) -> dict:
    column = sheet.columns.get(name) or kind.field(name).zh
    value = row.values.get(name)
    return {
        "row": row.number,
        "column": column,
        "value": shown(value) if value is not None else "",
        "reason": f"{column}: {reason}",
    }


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


def _busy_message() -> str:
    return _("The database is busy writing another import; try again when it has finished.")


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


def _rewrite(chunk: ImportChunk, plan: Plan | None, counts: Counter) -> int:
    """One chunk after a re-check: its rows still accepted, its rejects with the new ones
    (in file order); the number of its rows newly rejected."""
    newly = 0
    if plan is not None:
        numbers = {row["row"] for row in chunk.rows}
        accepted = {item.row.number: item.as_json() for item in plan.rows}
        fresh = [r for r in plan.rejects if r["row"] in numbers]
        newly = len({r["row"] for r in fresh})
        refused = {r["row"] for r in fresh}
        for row in chunk.rows:  # their cells, from the clean values the preview kept
            if row["row"] in refused:
                chunk.raw[str(row["row"])] = {
                    name: "" if value is None else str(value)
                    for name, value in row["values"].items()
                }
        chunk.rows = [accepted[row["row"]] for row in chunk.rows if row["row"] in accepted]
        chunk.rejects = sorted(chunk.rejects + fresh, key=lambda r: r["row"])
        chunk.rejected = len({r["row"] for r in chunk.rejects})
        chunk.writes = _writes(chunk.rows)
        chunk.save(update_fields=["rows", "rejects", "rejected", "writes"])
    for row in chunk.rows:
        counts[row["action"]] += 1
    counts["rejected"] += chunk.rejected
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


LEASE = ("lease_owner", "lease_until")


def lease_fields() -> tuple:
    """The columns `commit_state` reads (for `.only()`)."""
    return ("user_id", "status", *LEASE)


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
