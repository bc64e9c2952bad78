"""Accounts: role grants, per-user settings, sign-in locks and API tokens.

The models came from the people app; their tables keep their names (db_table) so the move
changed no data.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxin.accounts.scope import grant_rule
from tongxin.core.permissions import Perm, Role
from tongxin.core.scoping import scoped


@scoped(
    court=("court__path", "organisation__court__path"),
    view=Perm.GRANT_VIEW,
    change=Perm.GRANT_CHANGE,
    rule=grant_rule,
)
class RoleGrant(models.Model):
    """A role held by a user on a court subtree or a Party organisation subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    court = models.ForeignKey(
        "orgs.Court", verbose_name=_("court"), null=True, blank=True, on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        "orgs.PartyOrganisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "people_rolegrant"
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(
                condition=Q(court__isnull=True, organisation__isnull=False)
                | Q(court__isnull=False, organisation__isnull=True),
                name="grant_one_scope",
            ),
            # One grant of a role per user and place (NULLs never collide in a plain UNIQUE,
            # so each kind of place has its own partial index).
            models.UniqueConstraint(
                fields=["user", "role", "court"],
                condition=Q(court__isnull=False),
                name="grant_unique_on_court",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="grant_unique_on_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.court or self.organisation}"


class Profile(models.Model):
    """Per-user settings: language, and whether an administrator-given password must change."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    must_change_password = models.BooleanField(default=False)

    class Meta:
        db_table = "people_profile"

    def __str__(self) -> str:
        return f"profile of {self.user_id}"


class SignInLock(models.Model):
    """Failed sign-ins per user name, existing or not, keyed on a digest of the name folded to
    lower case: the lock-out behaves alike for every spelling of every name, so it tells
    nobody which accounts exist."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"sign-in lock {self.key[:8]}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


class ApiToken(models.Model):
    """An API token; only its SHA-256 digest is stored, the token is shown once. A token may
    expire; changing the password revokes all of a user's tokens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        db_table = "people_apitoken"
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
