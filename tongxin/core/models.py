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
        from django.apps import apps

        try:
            return apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return None

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
        from django.core.exceptions import FieldDoesNotExist

        model = self._model()
        before, after = self.before or {}, self.after or {}

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
