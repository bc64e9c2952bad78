"""The role-grant list: page, export (and any API) read it through one definition."""

from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tongxin.accounts.models import RoleGrant
from tongxin.core.listing import Column, Filters, ListDefinition
from tongxin.core.permissions import Perm, Role
from tongxin.core.scoping import scope_for


@dataclass
class GrantFilters(Filters):
    q: str = ""  # part of the user name
    role: str = ""


def grant_list(*, user, filters: GrantFilters):
    """Role grants on courts or organisations inside the courts this user administers."""
    qs = scope_for(user).visible(RoleGrant, Perm.GRANT_CHANGE)
    if filters.q:
        qs = qs.filter(Q(user__username__icontains=filters.q))
    if filters.role:
        qs = qs.filter(role=filters.role)
    return qs.select_related("user", "court", "organisation").order_by("user__username", "role")


GRANTS = ListDefinition(
    filters=GrantFilters,
    select=grant_list,
    columns=lambda: [
        Column(_("User"), lambda g: g.user.username, field="user__username"),
        Column(_("Role"), lambda g: g.get_role_display(), field="role", labels=Role.choices),
        Column(
            _("On"),
            lambda g: (g.court or g.organisation).name_zh,
            field=Coalesce("court__name_zh", "organisation__name_zh"),
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
