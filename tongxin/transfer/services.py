"""Import: read and check an uploaded sheet into a pending batch, then commit or cancel it.

The preview writes nothing but the batch. The commit re-checks the accepted rows against
the data as it is then, and writes them through the orgs and people services (so every
change is audited) in one transaction: all rows or none.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.exceptions import ApplicationError, NotFound
from tongxin.lib.excel import WorkbookError, read_rows, sheets_response, workbook_response
from tongxin.transfer.formats import ENUM, FORMATS, TEMPLATE_NAMES, accepted_values
from tongxin.transfer.kinds import CHECKERS
from tongxin.transfer.kinds.base import MAX_ROWS, Plan, Row, parse
from tongxin.transfer.models import ImportBatch


def too_large_message() -> str:
    return _("The file is larger than %(max)s MB; split it into smaller files.") % {
        "max": f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:g}"
    }


def _workbook_message(code: str) -> str:
    if code == "old_xls":
        return _("This is an old-format Excel file (.xls); save it as .xlsx and upload it again.")
    if code == "empty":
        return _("The workbook has no sheet.")
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
    batch.rows = [item.as_json() for item in plan.rows]
    batch.rejects = sorted(rejects, key=lambda r: r["row"])
    batch.created_count = plan.count("create")
    batch.changed_count = plan.count("change")
    batch.unchanged_count = plan.count("unchanged")
    batch.rejected_count = len({r["row"] for r in rejects})


def import_preview(*, actor, kind: str, upload) -> ImportBatch:
    """Read and check an uploaded sheet; store it as a pending batch (nothing else is written)."""
    fmt = FORMATS.get(kind)
    if fmt is None:
        raise ApplicationError(_("Choose what the file contains."))
    if upload is None:
        raise ApplicationError(_("Choose an Excel file to upload."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ApplicationError(too_large_message())
    try:
        raw_rows = read_rows(upload, max_rows=MAX_ROWS + 1)
    except WorkbookError as error:
        raise ApplicationError(_workbook_message(error.code)) from None
    columns, rows, rejects, ignored = parse(fmt, raw_rows)
    plan = CHECKERS[kind](user=actor, columns=columns, fmt=fmt).run(rows)
    batch = ImportBatch(
        user=actor,
        kind=kind,
        file_name=(getattr(upload, "name", "") or "upload.xlsx")[:255],
        columns=columns,
        ignored_columns=ignored,
    )
    _store(batch, plan, rejects + plan.rejects)
    batch.save()
    return batch


class _Stale(Exception):
    def __init__(self, plan: Plan):
        self.plan = plan


def import_commit(*, actor, batch: ImportBatch) -> ImportBatch:
    """Write the accepted rows of a pending batch (once; all or nothing), re-checked first."""
    if batch.user_id != actor.pk:
        raise NotFound("not found")
    fmt = FORMATS[batch.kind]
    checker = CHECKERS[batch.kind](user=actor, columns=batch.columns, fmt=fmt)
    try:
        with transaction.atomic():
            claimed = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.PENDING
            ).update(status=ImportBatch.Status.COMMITTED, finished_at=timezone.now())
            if not claimed:
                raise ApplicationError(_("This import has already been committed or cancelled."))
            plan = checker.run([Row(number=r["row"], values=r["values"]) for r in batch.rows])
            if plan.rejects:
                raise _Stale(plan)
            try:
                checker.apply(plan, actor=actor)
            except ApplicationError as error:
                raise ApplicationError(
                    _("Row %(row)d could not be saved: %(reason)s Nothing was written.")
                    % {"row": checker.current.row.number, "reason": error.message}
                ) from error
            batch.status = ImportBatch.Status.COMMITTED
            batch.finished_at = timezone.now()
            _store(batch, plan, batch.rejects)
            batch.save()
    except _Stale as stale:
        # The data changed since the preview: show the new rejects, write nothing.
        batch.refresh_from_db(fields=["status", "finished_at"])
        _store(batch, stale.plan, batch.rejects + stale.plan.rejects)
        batch.save()
        raise ApplicationError(
            _(
                "The data changed since the preview: %(count)d more rows would now be "
                "rejected. Nothing was written; review the preview, then commit or cancel."
            )
            % {"count": len({r["row"] for r in stale.plan.rejects})}
        ) from None
    return batch


def import_cancel(*, actor, batch: ImportBatch) -> ImportBatch:
    """Drop a pending batch; nothing of it is written."""
    if batch.user_id != actor.pk:
        raise NotFound("not found")
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PENDING).update(
        status=ImportBatch.Status.CANCELLED, finished_at=timezone.now()
    )
    if not claimed:
        raise ApplicationError(_("This import has already been committed or cancelled."))
    batch.refresh_from_db()
    return batch


# Downloads -----------------------------------------------------------------------------


def template_response(kind: str):
    """The .xlsx template of a kind: Chinese headers, and a sheet explaining each column."""
    fmt = FORMATS[kind]
    notes = []
    for item in fmt.fields:
        notes.append(
            [
                item.zh,
                item.en,
                _("yes") if item.required else "",
                accepted_values(item) if item.type == ENUM else _describe(item.type),
                item.example,
                str(item.note),
            ]
        )
    return sheets_response(
        filename=TEMPLATE_NAMES[kind],
        sheets=[
            (str(fmt.label), [item.zh for item in fmt.fields], []),
            (
                _("Instructions"),
                [
                    _("Column"),
                    _("English header"),
                    _("Required column"),
                    _("Accepted values"),
                    _("Example"),
                    _("Notes"),
                ],
                notes,
            ),
        ],
    )


def _describe(kind: str) -> str:
    return {
        "date": _("a date: 2024-01-05, 2024/1/5, 2024年1月5日 or an Excel date"),
        "bool": _("是 or 否 (yes or no)"),
        "decimal": _("a number"),
        "list": _("names separated by 、 or ;"),
    }.get(kind, _("text"))


def rejects_response(batch: ImportBatch):
    """Every rejected row of a batch with its reason, as .xlsx."""
    return workbook_response(
        filename=f"import-{batch.pk}-rejects.xlsx",
        headers=[_("Row"), _("Column"), _("Value"), _("Reason")],
        rows=([r["row"], r["column"], r["value"], r["reason"]] for r in batch.rejects),
    )
