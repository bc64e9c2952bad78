"""The role-grant list: page, export (and any API) read it through one definition."""

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext as _

from tongxin.accounts.models import RoleGrant
from tongxin.core.listing import Column, Filters, ListDefinition
from tongxin.core.permissions import Perm, Role
from tongxin.core.scoping import scope_for


@dataclass
class GrantFilters(Filters):
    q: str = ""  # part of the user name
    role: str = ""


def grants_seen(user):
    """The role grants the user sees, each marked `can_withdraw` (in the same query)."""
    scope = scope_for(user)
    return scope.visible(RoleGrant, Perm.GRANT_VIEW).annotate(
        can_withdraw=ExpressionWrapper(
            scope.q(RoleGrant, Perm.GRANT_CHANGE), output_field=BooleanField()
        )
    )


def grant_list(*, user, filters: GrantFilters):
    """Role grants on courts or organisations inside the courts this user administers."""
    qs = grants_seen(user)
    if filters.q:
        qs = qs.filter(Q(user__username__icontains=filters.q))
    if filters.role:
        qs = qs.filter(role=filters.role)
    return qs.select_related("user", "court", "organisation__court").order_by(
        "user__username", "role"
    )


def _place(grant) -> str:
    """Where a grant sits: its court, or its organisation within its court (organisation
    names are unique only within a court)."""
    if grant.court is not None:
        return grant.court.name_zh
    return f"{grant.organisation.court.name_zh} · {grant.organisation.name_zh}"


GRANTS = ListDefinition(
    filters=GrantFilters,
    select=grant_list,
    columns=lambda: [
        Column(_("User"), lambda g: g.user.username, field="user__username"),
        Column(_("Role"), lambda g: g.get_role_display(), field="role", labels=Role.choices),
        Column(
            _("On"),
            _place,
            field=Coalesce(
                "court__name_zh",
                Concat("organisation__court__name_zh", Value(" · "), "organisation__name_zh"),
            ),
        ),
        Column(
            _("Granted"),
            lambda g: g.created_at.date(),
            field="created_at",
            convert=lambda at: at.date(),
        ),
    ],
    filename="grants.xlsx",
    name="accounts.grants",
)
