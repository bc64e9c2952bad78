from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped


def _own(scope, perm) -> Q:
    return Q(user_id=getattr(scope.user, "pk", None))


@scoped(view=Perm.INBOX_OWN, rule=_own)
class Notice(models.Model):
    """One message for one user: a reminder, an assignment, a decision.

    Unique per (user, event_key): an event never reaches the same person twice. `read_at` is
    set when the user marks it read; `emailed_at` when the periodic job has claimed it for the
    user's e-mail digest (claimed before sending, so a failure never sends it twice).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=60, blank=True)
    event_key = models.CharField(_("event"), max_length=200)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["user", "event_key"], name="notice_once_per_event")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notice_user_recent"),
            models.Index(fields=["user"], name="notice_unread", condition=Q(read_at__isnull=True)),
            models.Index(
                fields=["created_at"], name="notice_unmailed", condition=Q(emailed_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.subject
