"""Turn a user's role grants into querysets: the only place where "who sees what" is computed.

Every selector and view asks `scope_for(user)` for the rows a permission reaches. Object
lookups go through `Scope.get`, which answers NotFound (404) when the object is outside what
the user may see and Forbidden (403) when they may see it but not do what they ask.
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Q, QuerySet

from tongxin.core.exceptions import Forbidden, NotFound
from tongxin.core.permissions import ORGANISATION_ROLES, Perm, Role, role_has, write_counterpart

NOTHING = Q(pk__in=[])


def _any(paths: list[str], field: str) -> Q:
    q = NOTHING
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


class Scope:
    def __init__(self, user):
        from tongxin.people.models import RoleGrant

        self.user = user
        self.grants = (
            list(RoleGrant.objects.filter(user=user).select_related("court", "organisation"))
            if user is not None and user.is_authenticated and user.is_active
            else []
        )

    @cached_property
    def person(self):
        from tongxin.people.models import Person

        if not self.grants and not getattr(self.user, "is_authenticated", False):
            return None
        return Person.objects.filter(user_id=self.user.pk).first()

    @property
    def roles(self) -> set[str]:
        return {grant.role for grant in self.grants}

    def has(self, perm: str) -> bool:
        """True if any grant carries the permission (somewhere)."""
        return any(role_has(grant.role, perm) for grant in self.grants)

    def covers_court(self, court, perm: str) -> bool:
        """True if a court grant carrying `perm` reaches this court."""
        return any(court.path.startswith(path) for path in self.court_paths(perm))

    def court_paths(self, perm: str) -> list[str]:
        return [g.court.path for g in self.grants if g.court_id and role_has(g.role, perm)]

    def org_paths(self, perm: str) -> list[str]:
        paths = [
            g.organisation.path for g in self.grants if g.organisation_id and role_has(g.role, perm)
        ]
        if perm == Perm.ORG_VIEW and any(g.role == Role.MEMBER for g in self.grants):
            # A member sees their own branch: where their open membership is today (so the
            # view follows a move), else the organisation the grant names.
            paths += self.own_branch_paths
        return paths

    @cached_property
    def own_branch_paths(self) -> list[str]:
        from tongxin.people.models import Membership

        if self.person is not None:
            current = (
                Membership.objects.filter(person=self.person, ends_on__isnull=True)
                .values_list("organisation__path", flat=True)
                .first()
            )
            if current:
                return [current]
        return [g.organisation.path for g in self.grants if g.role == Role.MEMBER]

    # Querysets -------------------------------------------------------------------------

    def courts(self, perm: str = Perm.COURT_VIEW) -> QuerySet:
        from tongxin.orgs.models import Court

        return Court.objects.filter(_any(self.court_paths(perm), "path"))

    def departments(self, perm: str = Perm.COURT_VIEW) -> QuerySet:
        from tongxin.orgs.models import Department

        return Department.objects.filter(_any(self.court_paths(perm), "court__path"))

    def organisations_q(self, perm: str = Perm.ORG_VIEW, prefix: str = "") -> Q:
        return _any(self.court_paths(perm), f"{prefix}court__path") | _any(
            self.org_paths(perm), f"{prefix}path"
        )

    def organisations(self, perm: str = Perm.ORG_VIEW) -> QuerySet:
        from tongxin.orgs.models import PartyOrganisation

        return PartyOrganisation.objects.filter(self.organisations_q(perm))

    def people(self, perm: str = Perm.PERSON_VIEW) -> QuerySet:
        from tongxin.people.models import Membership, Person

        q = _any(self.court_paths(perm), "court__path")
        org_paths = self.org_paths(perm) if perm != Perm.ORG_VIEW else []
        own = self.person if perm == Perm.PERSON_VIEW else None
        if org_paths:
            # An uncorrelated IN: the database walks the organisations' memberships once,
            # where a correlated EXISTS would be checked for every person in the country.
            ids = (
                Membership.objects.filter(ends_on__isnull=True)
                .filter(_any(org_paths, "organisation__path"))
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
        return Person.objects.filter(q)

    def audit(self) -> QuerySet:
        from tongxin.core.models import AuditEntry

        return AuditEntry.objects.filter(_any(self.court_paths(Perm.AUDIT_VIEW), "court_path"))

    def grants_managed(self) -> QuerySet:
        """Role grants on courts or organisations inside the courts this user administers."""
        from tongxin.people.models import RoleGrant

        paths = self.court_paths(Perm.GRANT_CHANGE)
        return RoleGrant.objects.filter(
            _any(paths, "court__path") | _any(paths, "organisation__court__path")
        )

    # Object lookups ---------------------------------------------------------------------

    def queryset_for(self, model, perm: str) -> QuerySet:
        name = model._meta.label
        method = {
            "orgs.Court": self.courts,
            "orgs.Department": self.departments,
            "orgs.PartyOrganisation": self.organisations,
            "people.Person": self.people,
        }[name]
        return method(perm)

    def get(self, model, pk, perm: str | None = None, queryset: QuerySet | None = None):
        """The object if the user may act on it; NotFound if unseen, Forbidden if read-only."""
        view_perm = write_counterpart(perm) if perm else None
        view_perm = (
            view_perm
            or {
                "orgs.Court": Perm.COURT_VIEW,
                "orgs.Department": Perm.COURT_VIEW,
                "orgs.PartyOrganisation": Perm.ORG_VIEW,
                "people.Person": Perm.PERSON_VIEW,
            }[model._meta.label]
        )
        base = queryset if queryset is not None else model._default_manager.all()
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise NotFound("not found") from None
        visible = self.queryset_for(model, view_perm)
        obj = base.filter(pk=pk, pk__in=visible.values("pk")).first()
        if obj is None:
            raise NotFound("not found")
        if perm and perm != view_perm and not self.queryset_for(model, perm).filter(pk=pk).exists():
            raise Forbidden("forbidden")
        return obj

    def require(self, perm: str) -> None:
        """Forbidden unless some grant carries the permission."""
        if not self.has(perm):
            raise Forbidden("forbidden")


def scope_for(user) -> Scope:
    scope = getattr(user, "_tongxin_scope", None)
    if scope is None:
        scope = Scope(user)
        if user is not None:
            user._tongxin_scope = scope
    return scope


__all__ = ["ORGANISATION_ROLES", "Scope", "scope_for"]
