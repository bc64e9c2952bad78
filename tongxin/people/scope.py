"""How people and memberships are reached (registered with `tongxin.core.scoping`).

Court grants reach the staff of their courts; grants on an organisation reach the members
it has today; everyone reaches their own record, and a member (role) sees the branch they
belong to today.
"""

from __future__ import annotations

from django.db.models import Q

from tongxin.core.permissions import Perm, Role
from tongxin.core.scoping import Scope, any_prefix, org_paths_source


def own_person(scope: Scope):
    """The staff record linked to the user's account, or None (one query per request)."""

    def load():
        from tongxin.people.models import Person

        if not getattr(scope.user, "is_authenticated", False):
            return None
        return Person.objects.filter(user_id=scope.user.pk).first()

    return scope.memo("own_person", load)


@org_paths_source
def own_branch(scope: Scope, perm: str) -> list[str]:
    """A member sees their own branch: where their open membership is today (so the view
    follows a move), else the organisation the grant names."""
    if perm != Perm.ORG_VIEW or Role.MEMBER not in scope.roles:
        return []

    def load():
        from tongxin.people.models import Membership

        person = own_person(scope)
        if person is not None:
            current = (
                Membership.objects.filter(person=person, ends_on__isnull=True)
                .values_list("organisation__path", flat=True)
                .first()
            )
            if current:
                return [current]
        return [g.org_path for g in scope.grants if g.role == Role.MEMBER and g.org_path]

    return scope.memo("own_branch", load)


def person_rule(scope: Scope, perm: str) -> Q:
    from tongxin.people.models import Membership, Person

    q = any_prefix(scope.court_paths(perm), "court__path")
    org_paths = scope.org_paths(perm) if perm != Perm.ORG_VIEW else []
    own = own_person(scope) if perm == Perm.PERSON_VIEW else None
    if org_paths:
        # An uncorrelated IN: the database walks the organisations' memberships once,
        # where a correlated EXISTS would be checked for every person in the country.
        ids = (
            Membership.objects.filter(ends_on__isnull=True)
            .filter(any_prefix(org_paths, "organisation__path"))
            .order_by()
            .values("person_id")
        )
        if own is not None:
            # The user's own record joins the same IN: "IN (...) OR pk = x" would make
            # PostgreSQL scan every person instead of looking the few up.
            ids = ids.union(Person.objects.filter(pk=own.pk).order_by().values("pk"), all=True)
            own = None
        q |= Q(pk__in=ids)
    if own is not None:
        q |= Q(pk=own.pk)
    return q


def membership_rule(scope: Scope, perm: str) -> Q:
    """A membership is seen with its person."""
    return Q(person__in=_people_ids(scope, perm))


def _people_ids(scope: Scope, perm: str):
    from tongxin.people.models import Person

    return Person.objects.filter(person_rule(scope, perm)).order_by().values("pk")
