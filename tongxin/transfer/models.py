from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped


def _own_batches(scope, perm: str) -> Q:
    """A batch is its uploader's alone (an administrator does not see another's upload)."""
    user_id = getattr(scope.user, "pk", None)
    return Q(user_id=user_id) if user_id is not None and scope.has(perm) else Q(pk__in=[])


@scoped(view=Perm.IMPORT_RUN, rule=_own_batches)
class ImportBatch(models.Model):
    """An uploaded sheet, checked and waiting for its uploader to commit or cancel it.

    The checked rows live in the batch's chunks (`ImportChunk`, a slice of the file each: its
    accepted rows as clean values with what the commit will do, and its rejects with their
    reasons), never in the batch row, so a page reads a slice, not the batch. The accepted
    rows are re-checked at commit, since the data may have changed meanwhile.
    `kind` names a registered import kind (`tongxin.transfer.registry`).
    States: a large file is stored (`ImportFile`) and checked in the background: PREVIEWING
    → PENDING (or FAILED with the reason: the file was refused); a small one is PENDING at
    once. PENDING → COMMITTED or CANCELLED; a large batch goes PENDING → COMMITTING (claimed
    for the background worker) → COMMITTED, FAILED (`failure` says why; nothing was written)
    or PENDING again when the data changed since the preview. A PREVIEWING or COMMITTING
    batch whose worker died (its lease expired, see `tongxin.transfer.lease`) or that no
    worker took up is taken back from its page (checked again, or back to PENDING). Progress
    lives in the cache, not here (see `tongxin.transfer.progress`).
    """

    class Status(models.TextChoices):
        PREVIEWING = "previewing", _("Checking")
        PENDING = "pending", _("Waiting for commit")
        COMMITTING = "committing", _("Committing")
        COMMITTED = "committed", _("Committed")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches"
    )
    # The name of a registered import kind (tongxin.transfer.registry): kinds are declared by
    # the domain apps, so the column has no fixed choices; the services accept registered
    # names only.
    kind = models.CharField(_("kind"), max_length=40)
    file_name = models.CharField(_("file"), max_length=255)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    columns = models.JSONField(default=dict)  # field → the header as the file wrote it
    # Unknown headers, each shortened, the first IGNORED_SHOWN of them; ignored_more counts the
    # rest (a sheet's header row is the uploader's to fill: never keep it whole).
    ignored_columns = models.JSONField(default=list)
    ignored_more = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("to create"), default=0)
    changed_count = models.PositiveIntegerField(_("to change"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Why the last background commit wrote nothing, in the uploader's language (empty if none).
    failure = models.TextField(_("reason"), blank=True, default="")
    # The lease of a background commit (tongxin/transfer/lease.py): the run holding it (empty
    # while queued) and until when; renewed by the worker's heartbeat while it writes.
    lease_owner = models.CharField(max_length=32, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["user", "-created_at"], name="import_by_user")]

    def __str__(self) -> str:
        return f"{self.kind_label} · {self.file_name}"

    @property
    def import_kind(self):
        """The registered kind (None if it is no longer registered)."""
        from tongxin.transfer import registry

        return registry.get(self.kind)

    @property
    def kind_label(self) -> str:
        kind = self.import_kind
        return str(kind.label) if kind is not None else self.kind

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_committing(self) -> bool:
        return self.status == self.Status.COMMITTING

    @property
    def is_previewing(self) -> bool:
        return self.status == self.Status.PREVIEWING

    @property
    def is_busy(self) -> bool:
        """A background job (the check or the commit) holds the batch."""
        return self.status in (self.Status.PREVIEWING, self.Status.COMMITTING)

    @property
    def rows_to_write(self) -> int:
        return self.created_count + self.changed_count

    @property
    def status_colour(self) -> str:
        """The Bootstrap colour of the status badge."""
        return {
            self.Status.PREVIEWING: "info",
            self.Status.PENDING: "warning",
            self.Status.COMMITTING: "info",
            self.Status.COMMITTED: "success",
            self.Status.FAILED: "danger",
        }.get(self.status, "secondary")

    def row_list(self) -> list[dict]:
        """Every accepted row (file order) as the chunks keep it: reads the whole batch (the
        command line, tests); pages read one slice (`selectors.rows_page`)."""
        return [row for chunk in self.chunks.order_by("seq") for row in chunk.rows]

    def reject_list(self) -> list[dict]:
        """Every reject (file order): reads the whole batch, like `row_list`."""
        return [reject for chunk in self.chunks.order_by("seq") for reject in chunk.rejects]


class ImportChunk(models.Model):
    """One slice of a batch's file, in file order (`seq`): its accepted rows, each
    {"row", "values" (clean), "action" (create/change/unchanged), "changed" (headers),
    "label"}, and its rejects, each {"row", "column", "value", "reason"}. A slice covers
    rows `first_row` to `last_row` of the sheet; `writes` counts its rows to create or
    change and `rejected` its rejected rows, so a page of either is one indexed read of a
    few chunks whatever the size of the batch.

    Written by the preview, read (and re-checked) by the commit chunk by chunk. A bulk kind's
    accepted values are dropped when its batch ends (its store holds them); a row kind's
    chunks stay as the record of what the import did.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    first_row = models.PositiveIntegerField(default=0)
    last_row = models.PositiveIntegerField(default=0)
    writes = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rows = models.JSONField(default=list)
    rejects = models.JSONField(default=list)
    # The rejected rows' cells as the file wrote them: {row number: {field: text}}, for the
    # download of the rejected rows in the file's own format (services.rejects_file_response).
    raw = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "seq"], name="import_chunk_seq_unique")
        ]
        ordering = ["batch", "seq"]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.seq}"


class ImportFile(models.Model):
    """The uploaded file of a batch checked in the background, from the upload until its
    check ends (a worker may run on another machine: the database is what both share)."""

    batch = models.OneToOneField(
        ImportBatch, on_delete=models.CASCADE, primary_key=True, related_name="upload"
    )
    name = models.CharField(max_length=255)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.name
