"""Role grants feed the access gate (`tongxin.core.scoping`), and the gate's rules for the
grants and accounts themselves.

A grant is seen (grant.view) by whoever holds grant.view on a court at or above the grant's
court (for a branch role: its organisation's court); it may be withdrawn (grant.change) by
whoever holds, on such a court, a grant whose role may give it (`roles_within`: no role
stronger than one's own). An account is seen when one of its grants is seen, and may be
unlocked or given a new password when every one of its grants could be withdrawn: the account
lies wholly within the administrator's subtree and reach.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from tongxin.core.permissions import Perm, role_has, roles_within
from tongxin.core.scoping import NOTHING, Grant, grant_loader, scoped


@grant_loader
def grants_of(user) -> list[Grant]:
    from tongxin.accounts.models import RoleGrant

    rows = RoleGrant.objects.filter(user=user).values_list(
        "role", "court__path", "organisation__path"
    )
    return [Grant(role=role, court_path=court, org_path=org) for role, court, org in rows]


def grant_rule(scope, perm: str) -> Q:
    """Role grants on a court, or on an organisation of a court, below a court grant of the
    user carrying `perm`; for grant.change, only the roles that grant may give."""
    q = NOTHING
    for grant in scope.grants:
        if not grant.court_path or not role_has(grant.role, perm):
            continue
        place = Q(court__path__startswith=grant.court_path) | Q(
            organisation__court__path__startswith=grant.court_path
        )
        if perm == Perm.GRANT_CHANGE:
            place &= Q(role__in=roles_within(grant.role))
        q |= place
    return q


def user_rule(scope, perm: str) -> Q:
    """Accounts with a grant the user reaches with `perm`; for grant.change, accounts whose
    every grant the user may withdraw."""
    from tongxin.accounts.models import RoleGrant

    reached = RoleGrant.objects.filter(grant_rule(scope, perm))
    q = Q(pk__in=reached.values("user_id"))
    if perm == Perm.GRANT_CHANGE:
        beyond = RoleGrant.objects.exclude(pk__in=reached.values("pk"))
        q &= ~Q(pk__in=beyond.values("user_id"))
    return q


def declare_user_reach() -> None:
    """The sign-in accounts are seen and changed through their grants (the account pages);
    declared when the app is ready (the user model is Django's)."""
    scoped(view=Perm.GRANT_VIEW, change=Perm.GRANT_CHANGE, rule=user_rule)(get_user_model())
