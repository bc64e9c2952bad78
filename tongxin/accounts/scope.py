"""Role grants feed the access gate (`tongxin.core.scoping`)."""

from tongxin.core.scoping import Grant, grant_loader


@grant_loader
def grants_of(user) -> list[Grant]:
    from tongxin.accounts.models import RoleGrant

    rows = RoleGrant.objects.filter(user=user).values_list(
        "role", "court__path", "organisation__path"
    )
    return [Grant(role=role, court_path=court, org_path=org) for role, court, org in rows]
