"""Exports of lists: CSV streamed at once, small .xlsx in the request, large .xlsx in the background.

`export_response` answers a list page's ?export=csv or ?export=xlsx:
- CSV (UTF-8 with a byte-order mark) streams: the first bytes leave before the query runs,
  the rows follow in chunks read with `iterator()`, memory stays flat whatever the size.
- .xlsx up to EXPORT_INLINE_ROWS rows is written in the request, as before.
- A larger .xlsx export of a named list (`ListDefinition(name=...)`) becomes an `ExportJob`:
  the list page redirects to the job's page, whose progress bar polls the cache, and the
  worker (`tasks.export_task` → `export_run`) runs the list's selector again as the job's
  user with the stored filters (so the scope is checked again when it runs), writes to a
  temporary file and renames it into place only once complete. A job killed mid-way leaves
  no file offered for download: only a DONE job names its file, and it is named after the
  rename. Only its owner can download it; files are deleted after EXPORT_KEEP_DAYS
  (`export_cleanup`, run by every export job and by `manage.py export_cleanup`).

Rows come from `export_rows`: when every column names a `field`, one values_list() query
read in chunks, labels of choices resolved once per export; otherwise the columns' `value`
functions over the objects (lists computed in memory, such as health findings).
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import logging
import os
import secrets
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.choices import flatten_choices
from django.utils.translation import gettext as _

from tongxin.core.exceptions import ApplicationError, NotFound
from tongxin.core.models import ExportJob
from tongxin.lib.excel import csv_response, download_response, workbook_response
from tongxin.lib.sheets import csv_chunks, write_xlsx

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000  # rows fetched from the database at a time
MAX_ACTIVE = 3  # export jobs a user may have waiting or running at once
PROGRESS_TIMEOUT = 24 * 60 * 60
PROGRESS_EVERY = 0.5  # seconds between two progress reports of a running job
PARTIAL = "partial"  # the sub-directory of EXPORT_ROOT where files are written


# Rows ------------------------------------------------------------------------------------


def _labels(labels) -> dict:
    pairs = labels.items() if isinstance(labels, Mapping) else flatten_choices(labels)
    return {value: str(label) for value, label in pairs}


def export_values(queryset, columns: Sequence) -> QuerySet | None:
    """The values_list() query of an export whose columns all name a field (else None): one
    row of plain values per object, in the queryset's order."""
    if not (
        isinstance(queryset, QuerySet) and columns and all(c.field is not None for c in columns)
    ):
        return None
    names, annotations = [], {}
    for index, column in enumerate(columns):
        if isinstance(column.field, str):
            names.append(column.field)
        else:
            names.append(f"export_column_{index}")
            annotations[names[-1]] = column.field
    values = queryset.prefetch_related(None)
    if annotations:
        values = values.annotate(**annotations)
    return values.values_list(*names)


def export_rows(queryset, columns: Sequence, *, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """The cells of every row, in the queryset's order. Labels are resolved here, once, in
    the active language; the rows are read lazily, `chunk_size` at a time."""
    values = export_values(queryset, columns)
    if values is not None:
        fixes = [
            (index, _labels(column.labels).get if column.labels is not None else None)
            for index, column in enumerate(columns)
            if column.labels is not None or column.convert is not None
        ]
        converts = {index: column.convert for index, column in enumerate(columns)}
        return _value_rows(values, fixes, converts, chunk_size)
    items = queryset.iterator(chunk_size=chunk_size) if isinstance(queryset, QuerySet) else queryset
    return ([column.value(obj) for column in columns] for obj in items)


def _value_rows(values, fixes, converts, chunk_size) -> Iterator[list]:
    if not fixes:
        yield from values.iterator(chunk_size=chunk_size)
        return
    for row in values.iterator(chunk_size=chunk_size):
        row = list(row)
        for index, label in fixes:
            value = row[index]
            if label is not None:
                value = label(value, value)
            convert = converts[index]
            row[index] = convert(value) if convert is not None and value is not None else value
        yield row


def _in_language(rows: Iterable, language: str) -> Iterator:
    """Rows produced under `language` (a streamed response is read after the view returns)."""
    with translation.override(language):
        yield from rows


def _with_footer(rows: Iterable, footer) -> Iterable:
    return itertools.chain(rows, [list(footer)]) if footer is not None else rows


def export_filename(filename: str, fmt: str) -> str:
    return str(Path(filename).with_suffix(f".{fmt}"))


# The response of a list page -------------------------------------------------------------


def export_response(request, *, queryset, columns, filename, footer=None, definition=None):
    """?export=csv: a stream. ?export=xlsx: a workbook now, or a background job when a named
    list has more than EXPORT_INLINE_ROWS rows (the page redirects to the job)."""
    fmt = request.GET.get("export")
    headers = [str(column.header) for column in columns]
    if fmt == "csv":
        rows = _in_language(export_rows(queryset, columns), translation.get_language())
        return csv_response(
            filename=export_filename(filename, "csv"),
            headers=headers,
            rows=_with_footer(rows, footer),
        )
    if definition is not None and definition.name and isinstance(queryset, QuerySet):
        total = queryset.count()
        if total > settings.EXPORT_INLINE_ROWS:
            return _export_in_background(request, definition, total)
    return workbook_response(
        filename=export_filename(filename, "xlsx"),
        headers=headers,
        rows=_with_footer(export_rows(queryset, columns), footer),
    )


def _export_in_background(request, definition, total: int):
    filters = definition.filters.from_params(request.GET)
    try:
        job, created = export_start(
            user=request.user,
            definition=definition,
            params=dataclasses.asdict(filters),
            fmt=ExportJob.Format.XLSX,
            rows=total,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("core:export-list")
    if created:
        messages.info(
            request,
            _(
                "The list has %(count)s rows: the workbook is being prepared in the "
                "background. This page shows its progress; you may leave it and find the "
                "file later under “My exports”."
            )
            % {"count": f"{total:,}"},
        )
    else:
        messages.info(request, _("This export is already being prepared."))
    return redirect("core:export-detail", job.pk)


# Jobs ------------------------------------------------------------------------------------


def export_start(
    *, user, definition, params: dict, fmt: str, rows: int = 0
) -> tuple[ExportJob, bool]:
    """Queue an export of a named list for `user` with these filters; (job, created).

    The same export still waiting or running is returned instead of a second one; a user
    has at most MAX_ACTIVE jobs waiting or running."""
    # Jobs of the last EXPORT_STALE_MINUTES only: one left behind by a killed worker must not
    # block its user until the clean-up has declared it interrupted.
    recent = timezone.now() - datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    active = list(
        ExportJob.objects.filter(
            user=user,
            status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
            created_at__gte=recent,
        )
    )
    for job in active:
        if job.list_name == definition.name and job.params == params and job.format == fmt:
            return job, False
    if len(active) >= MAX_ACTIVE:
        raise ApplicationError(
            _("You already have %(count)s exports being prepared; wait until one of them is ready.")
            % {"count": len(active)}
        )
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=user,
            list_name=definition.name,
            params=params,
            format=fmt,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            file_name=export_filename(definition.filename, fmt),
            row_count=rows,
        )
        progress_set(job.pk, done=0, total=rows)
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job, True


def _enqueue(job_id: int) -> None:
    from tongxin.core.tasks import export_task

    try:
        export_task.enqueue(job_id)
    except Exception:
        logger.exception("could not queue export %s", job_id)
        ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.FAILED,
            finished_at=timezone.now(),
            failure=_("The export could not be queued. Try again."),
        )


def export_root() -> Path:
    return Path(settings.EXPORT_ROOT)


def export_run(*, job_id: int) -> str:
    """Write the file of a queued job (in the worker); returns the job's final status.

    A job not (or no longer) QUEUED is left alone, so a task delivered twice writes once."""
    try:
        export_cleanup()
    except Exception:  # tidying up must not stop the export
        logger.exception("export cleanup failed")
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        return "missing"
    if not claimed:
        return job.status
    language = job.language or settings.LANGUAGE_CODE
    partial = None
    try:
        with translation.override(language):
            definition = _list_get(job.list_name)
            if definition is None:
                raise ApplicationError(_("This list can no longer be exported."))
            # The selector again, as the job's user now: a grant revoked since is respected.
            queryset = definition.queryset(job.user, job.params)
            columns = definition.columns()
            total = queryset.count()
            progress = Reporter(job.pk, total)
            progress(0)
            root = export_root()
            (root / PARTIAL).mkdir(parents=True, exist_ok=True)
            name = f"{job.pk}-{secrets.token_hex(12)}.{job.format}"
            partial = root / PARTIAL / f"{name}.part"
            with open(partial, "wb") as handle:
                count = _write(
                    job.format,
                    handle,
                    headers=[str(column.header) for column in columns],
                    rows=export_rows(queryset, columns),
                    progress=progress,
                )
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, root / name)  # complete: only now does the file exist
            partial = None
        done = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.DONE, file=name, row_count=count, finished_at=timezone.now()
        )
        if not done:  # declared interrupted meanwhile: offer nothing
            (root / name).unlink(missing_ok=True)
    except Exception as error:
        logger.exception("export %s failed", job.pk)
        if partial is not None:
            partial.unlink(missing_ok=True)
        with translation.override(language):
            reason = (
                error.message
                if isinstance(error, ApplicationError)
                else _("The file could not be written; nothing is offered for download. Try again.")
            )
        ExportJob.objects.filter(pk=job.pk).exclude(status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.FAILED, failure=reason, finished_at=timezone.now()
        )
    finally:
        progress_clear(job.pk)
    return ExportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def _list_get(name: str):
    from tongxin.core.listing import list_get

    return list_get(name)


def _write(fmt: str, handle, *, headers, rows, progress) -> int:
    if fmt == ExportJob.Format.CSV:
        count = 0

        def counted(done):
            nonlocal count
            count = done
            progress(done)

        for piece in csv_chunks(headers=headers, rows=rows, progress=counted):
            handle.write(piece)
        return count
    return write_xlsx(handle, headers=headers, rows=rows, progress=progress)


def export_cleanup(*, now=None) -> dict:
    """Delete jobs (and files) older than EXPORT_KEEP_DAYS, declare jobs running for longer
    than EXPORT_STALE_MINUTES interrupted, and remove files no finished job names (left by
    a killed worker). Returns what it did, by kind."""
    now = now or timezone.now()
    root = export_root()
    expired = ExportJob.objects.filter(
        created_at__lt=now - datetime.timedelta(days=settings.EXPORT_KEEP_DAYS)
    )
    files = [name for name in expired.values_list("file", flat=True) if name]
    deleted, _by_model = expired.delete()
    for name in files:
        (root / name).unlink(missing_ok=True)
    stale = now - datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    interrupted = ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING, started_at__lt=stale
    ).update(
        status=ExportJob.Status.FAILED,
        finished_at=now,
        failure=_("The export was interrupted before it was complete; start it again."),
    )
    # Files on disk that no finished job names: an export killed between the rename and the
    # update of its job, or a partial file of a killed export, once old enough.
    orphans = 0
    if root.is_dir():
        named = set(ExportJob.objects.exclude(file="").values_list("file", flat=True))
        cutoff = time.time() - settings.EXPORT_STALE_MINUTES * 60
        candidates = [p for p in root.iterdir() if p.is_file()]
        if (root / PARTIAL).is_dir():
            candidates += [p for p in (root / PARTIAL).iterdir() if p.is_file()]
        for path in candidates:
            if path.name not in named and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                orphans += 1
    return {"expired": deleted, "interrupted": interrupted, "orphans": orphans}


# Reads for the pages ---------------------------------------------------------------------


def export_list(*, user, limit: int = 50):
    """The user's own jobs that have not expired, newest first."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.EXPORT_KEEP_DAYS)
    return ExportJob.objects.filter(user=user, created_at__gte=cutoff)[:limit]


def export_get(*, user, pk) -> ExportJob:
    """The user's own job; NotFound for anyone else's (never say whose it is)."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.EXPORT_KEEP_DAYS)
    job = (
        ExportJob.objects.filter(user=user, pk=pk, created_at__gte=cutoff).first()
        if str(pk).isdigit()
        else None
    )
    if job is None:
        raise NotFound("not found")
    return job


def export_download(*, user, pk):
    """The file of the user's own finished job, as a download (NotFound otherwise)."""
    job = export_get(user=user, pk=pk)
    path = export_root() / job.file if job.file else None
    if job.status != ExportJob.Status.DONE or path is None or not path.is_file():
        raise NotFound("not found")
    content_type = "text/csv; charset=utf-8" if job.format == ExportJob.Format.CSV else None
    return download_response(open(path, "rb"), filename=job.file_name, content_type=content_type)  # noqa: SIM115


def export_progress(job: ExportJob) -> dict:
    """How far a job has come: done, total, percent (0-100) and step (percent rounded down
    to 5, for the bar's CSS class). Advisory: a missing entry shows the job's row count."""
    try:
        entry = cache.get(_key(job.pk))
    except Exception:
        logger.warning("could not read the progress of export %s", job.pk, exc_info=True)
        entry = None
    entry = entry if isinstance(entry, dict) else {}
    done = int(entry.get("done") or 0)
    total = int(entry.get("total") or job.row_count or 0)
    if job.status == ExportJob.Status.DONE:
        done = total = job.row_count
    percent = min(100, done * 100 // total) if total else 0
    return {"done": done, "total": total, "percent": percent, "step": percent // 5 * 5}


# Progress in the cache (as the import's: the web process reads what the worker writes) -----


def _key(job_id: int) -> str:
    return f"core:export-progress:{job_id}"


def progress_set(job_id: int, *, done: int, total: int) -> None:
    try:
        cache.set(_key(job_id), {"done": done, "total": total}, PROGRESS_TIMEOUT)
    except Exception:  # advisory: an unwritable cache must not fail the export
        logger.warning("could not record the progress of export %s", job_id, exc_info=True)


def progress_clear(job_id: int) -> None:
    try:
        cache.delete(_key(job_id))
    except Exception:
        logger.warning("could not clear the progress of export %s", job_id, exc_info=True)


class Reporter:
    """Called with the rows done so far; writes to the cache at most every PROGRESS_EVERY s."""

    def __init__(self, job_id: int, total: int):
        self.job_id, self.total, self.last = job_id, total, 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if 0 < done < self.total and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        progress_set(self.job_id, done=done, total=self.total)
