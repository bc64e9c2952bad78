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

    `rows` holds the accepted rows as clean values (re-checked at commit, since the data
    may have changed meanwhile); `rejects` every rejected row with its column and reason.
    `kind` names a registered import kind (`tongxin.transfer.registry`).
    States: PENDING → COMMITTED or CANCELLED; a large batch goes PENDING → COMMITTING (claimed
    for the background worker) → COMMITTED, FAILED (`failure` says why; nothing was written)
    or PENDING again when the data changed since the preview. A COMMITTING batch whose
    worker died (its lease expired, see `tongxin.transfer.lease`) or that no worker took up
    goes back to PENDING from its page (or is committed again). Progress while COMMITTING
    lives in the cache, not here (see `tongxin.transfer.progress`).
    """

    class Status(models.TextChoices):
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
    rows = models.JSONField(default=list)
    rejects = models.JSONField(default=list)
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
    def rows_to_write(self) -> int:
        return self.created_count + self.changed_count

    @property
    def status_colour(self) -> str:
        """The Bootstrap colour of the status badge."""
        return {
            self.Status.PENDING: "warning",
            self.Status.COMMITTING: "info",
            self.Status.COMMITTED: "success",
            self.Status.FAILED: "danger",
        }.get(self.status, "secondary")


class ImportChunk(models.Model):
    """The accepted rows of a bulk kind's batch, spooled in chunks (a bulk file may hold far
    more rows than one JSON column should): [{"row": n, "values": {...}}, ...] in file order.
    Written by the preview, read as a stream by the commit, deleted when the batch ends."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    rows = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "seq"], name="import_chunk_seq_unique")
        ]
        ordering = ["batch", "seq"]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.seq}"
