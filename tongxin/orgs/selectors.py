"""Reads for courts and Party organisations; every list starts from the user's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from tongxin.core.listing import Filters, active_flag
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.models import (
    CommitteePost,
    CommitteeTerm,
    Court,
    Department,
    PartyOrganisation,
)


@dataclass
class CourtFilters(Filters):
    q: str = ""
    level: str = ""
    province: str = ""
    under: str = ""  # a court code: that court and everything below
    active: str = ""  # "" or "1" = active only, "0" = inactive only, "all"


def subtree(qs, code: str, field: str):
    """Restrict to the subtree of the court with this code (nothing if there is none): the one
    meaning of a court filter, for pages, exports and the API."""
    court = Court.objects.filter(code=code).only("path").first()
    return qs.filter(**{f"{field}__startswith": court.path}) if court else qs.none()


def court_list(*, user, filters: CourtFilters) -> QuerySet[Court]:
    qs = scope_for(user).visible(Court, Perm.COURT_VIEW).select_related("parent")
    if filters.q:
        qs = qs.filter(
            Q(name_zh__icontains=filters.q)
            | Q(name_en__icontains=filters.q)
            | Q(code__startswith=filters.q)
        )
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.province:
        qs = qs.filter(province=filters.province)
    if filters.under:
        qs = subtree(qs, filters.under, "path")
    active = active_flag(filters.active)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("path")


@dataclass
class DepartmentFilters(Filters):
    q: str = ""
    court: str = ""  # a court code: that court and everything below
    kind: str = ""
    active: str = ""


def department_list(*, user, filters: DepartmentFilters) -> QuerySet[Department]:
    qs = scope_for(user).visible(Department, Perm.COURT_VIEW).select_related("court")
    if filters.q:
        qs = qs.filter(Q(name_zh__icontains=filters.q) | Q(name_en__icontains=filters.q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.court:
        qs = subtree(qs, filters.court, "court__path")
    active = active_flag(filters.active)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("court__path", "id")


def department_staff_count():
    """The active people of each department, as a correlated subquery (an export's column)."""
    from tongxin.people.models import Person

    counted = (
        Person.objects.filter(department=OuterRef("pk"), is_active=True)
        .order_by()
        .values("department")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def organisation_full_members_count():
    """The active full members of each organisation today, as a correlated subquery."""
    from tongxin.people.models import Membership

    counted = (
        Membership.objects.filter(
            organisation=OuterRef("pk"),
            ends_on__isnull=True,
            person__political_status="full",
            person__is_active=True,
        )
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def department_staff(rows) -> None:
    """Set `staff` (active people) on the departments shown, in one query."""
    counts = dict(
        Department.objects.filter(pk__in=[d.pk for d in rows])
        .annotate(n=Count("people", filter=Q(people__is_active=True)))
        .values_list("pk", "n")
    )
    for department in rows:
        department.staff = counts.get(department.pk, 0)


@dataclass
class OrganisationFilters(Filters):
    q: str = ""
    kind: str = ""
    court: str = ""  # a court code: that court and everything below
    active: str = ""


def organisation_list(*, user, filters: OrganisationFilters) -> QuerySet[PartyOrganisation]:
    qs = scope_for(user).visible(PartyOrganisation, Perm.ORG_VIEW).select_related("court", "parent")
    if filters.q:
        qs = qs.filter(Q(name_zh__icontains=filters.q) | Q(name_en__icontains=filters.q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.court:
        qs = subtree(qs, filters.court, "court__path")
    active = active_flag(filters.active)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("path")


def organisation_full_members(rows) -> None:
    """Set `full_members` (active full members today) on the organisations shown, in one
    query."""
    from tongxin.people.models import Membership

    counts = dict(
        Membership.objects.filter(
            organisation_id__in=[o.pk for o in rows],
            ends_on__isnull=True,
            person__political_status="full",
            person__is_active=True,
        )
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for organisation in rows:
        organisation.full_members = counts.get(organisation.pk, 0)


def roster_on(*, organisation: PartyOrganisation, on: datetime.date):
    """Who belonged to this organisation on this day: one indexed query (memberships by date)."""
    from tongxin.people.models import Membership

    return (
        Membership.objects.filter(organisation=organisation, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .select_related("person", "cell", "person__department")
        .order_by("person__name")
    )


def posts_on(*, organisation: PartyOrganisation, on: datetime.date):
    """The committee on this day, secretary first, in the order of the posts' definition."""
    rank = {post: n for n, post in enumerate(CommitteePost.Post.values)}
    rows = (
        CommitteePost.objects.filter(organisation=organisation, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .select_related("person")
    )
    return sorted(rows, key=lambda row: (rank[row.post], row.starts_on))


class TermDates(NamedTuple):
    """A committee term as plain values (bulk reads: a national subtree has ~40,000)."""

    pk: int
    starts_on: datetime.date
    ends_on: datetime.date


def _terms_current(organisations, on: datetime.date) -> QuerySet[CommitteeTerm]:
    """THE definition of the current committee term of an organisation on a day: the latest
    term that has begun on or before that day (a recorded future term is not current)."""
    latest_begun = (
        CommitteeTerm.objects.filter(organisation=OuterRef("organisation"), starts_on__lte=on)
        .order_by("-starts_on")
        .values("starts_on")[:1]
    )
    return CommitteeTerm.objects.filter(
        organisation_id__in=organisations, starts_on=Subquery(latest_begun)
    ).order_by()


def terms_current(organisations, on: datetime.date) -> dict[int, TermDates]:
    """The current term (the latest begun on `on`) of many organisations in one query, by
    organisation id; `organisations` is a list of ids or a queryset of organisations (or of
    their ids). Organisations without a begun term are absent."""
    rows = _terms_current(organisations, on).values_list(
        "organisation_id", "id", "starts_on", "ends_on"
    )
    return {org_id: TermDates(pk, starts, ends) for org_id, pk, starts, ends in rows}


def term_current(organisation: PartyOrganisation | int, on: datetime.date) -> CommitteeTerm | None:
    """The current committee term of one organisation (or organisation id) on a day: the
    latest begun on or before it. Used by the organisation page, the API and (in bulk,
    `terms_current`) health."""
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return _terms_current([pk], on).first()
