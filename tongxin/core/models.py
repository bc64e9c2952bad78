from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped


@scoped(court="court_path", view=Perm.AUDIT_VIEW)
class AuditEntry(models.Model):
    """One change made through a service: who, when, which object, before and after.

    Append-only: the model refuses updates and deletes, and a database trigger (migration
    0003_audit_append_only) refuses UPDATE statements, so not even a raw query can rewrite history.
    The court path is copied at write time so "this court and everything below" is one
    indexed prefix query without a join.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=255)
    # The court model is named by a setting (like AUTH_USER_MODEL): core imports no domain app.
    court = models.ForeignKey(
        settings.TONGXIN_COURT_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    court_path = models.CharField(max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(
                fields=["court_path"], name="audit_court_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ApplicationError(_("The audit log cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ApplicationError(_("The audit log cannot be changed."))

    VERBS = {
        "created": _("created"),
        "changed": _("changed"),
        "ended": _("ended"),
        "revoked": _("revoked"),
        "committed": _("committed"),
    }

    def _model(self):
        return _model_of(self.object_type)

    @property
    def action_label(self) -> str:
        """“Court changed”: the object's kind in the reader's language and what happened."""
        model = self._model()
        kind = model._meta.verbose_name if model else self.object_type
        verb = self.action.rsplit(".", 1)[-1]
        return f"{kind} · {self.VERBS.get(verb, verb)}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for every field whose value differs."""
        return field_changes(self._model(), self.before, self.after)


def _model_of(object_type: str):
    from django.apps import apps

    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def field_changes(model, before: dict | None, after: dict | None) -> list:
    """(field label, before, after) for every field whose value differs between two snapshots
    (`model`: the model whose verbose names label the fields, or None)."""
    from django.core.exceptions import FieldDoesNotExist

    before, after = before or {}, after or {}

    def label(name: str) -> str:
        try:
            return str(model._meta.get_field(name).verbose_name) if model else name
        except FieldDoesNotExist:
            return name

    return [
        (label(name), before.get(name), after.get(name))
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]


@scoped(court="court_path", view=Perm.AUDIT_VIEW)
class AuditChange(models.Model):
    """One record changed by a bulk write, under the one AuditEntry of that write (an import
    batch: `transfer.batch.committed`): who and when are the entry's, what is here.

    A bulk write of 100,000 rows writes one entry and, with `bulk_create`, one row here per
    record created, changed or ended (not one per field: a created person would take 17),
    with the changed fields' values before and after, as a service's entry would. Scoped by
    the record's own court path, like AuditEntry, so a court sees the changes to its records
    even when the entry (scoped by the uploader's reach) lies above it. Append-only in the
    same two ways: the model refuses save-after-create and delete, and a database trigger
    (migration 0004_audit_change) refuses UPDATE.
    """

    entry = models.ForeignKey(
        AuditEntry, on_delete=models.PROTECT, related_name="object_changes", verbose_name=_("entry")
    )
    action = models.CharField(_("action"), max_length=80)  # e.g. people.person.created
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=255)
    court_path = models.CharField(max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("audited change")
        verbose_name_plural = _("audited changes")
        indexes = [
            models.Index(
                fields=["court_path"],
                name="audit_change_court_path",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["object_type", "object_id"], name="audit_change_object"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ApplicationError(_("The audit log cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ApplicationError(_("The audit log cannot be changed."))

    @property
    def action_label(self) -> str:
        model = _model_of(self.object_type)
        kind = model._meta.verbose_name if model else self.object_type
        verb = self.action.rsplit(".", 1)[-1]
        return f"{kind} · {AuditEntry.VERBS.get(verb, verb)}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        return field_changes(_model_of(self.object_type), self.before, self.after)
