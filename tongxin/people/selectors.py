"""Reads for people and Party membership; every list starts from the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from tongxin.core.listing import Filters, active_flag
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.models import Court, PartyOrganisation
from tongxin.people.models import Membership, Person


@dataclass
class PersonFilters(Filters):
    aliases = {"status": "political_status"}  # the API's name for the status filter

    q: str = ""
    court: str = ""  # court code: that court and everything below
    court_id: str = ""
    status: str = ""
    category: str = ""
    organisation: str = ""
    active: str = ""


def open_memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(ends_on__isnull=True).select_related(
            "organisation", "cell"
        ),
        to_attr="current_memberships",
    )


def prefix_range(field: str, text: str) -> Q:
    """`field` starts with `text`, in the form each database answers from an index:
    PostgreSQL's LIKE 'x%' with a pattern-operator-class index (right under any collation);
    on SQLite, whose LIKE is case-insensitive and so never uses an index, a range (SQLite
    compares text by code point)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": text})
    return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})


def person_search(text: str):
    """Ids of the people whose name or staff number starts with `text` (a surname, a full
    name, a number prefix): two index range scans joined by UNION, where an OR of a LIKE
    '%x%' read the whole table."""
    by_name = Person.objects.filter(prefix_range("name", text)).order_by().values("pk")
    by_number = Person.objects.filter(prefix_range("staff_number", text)).order_by().values("pk")
    return by_name.union(by_number, all=True)


def person_list(*, user, filters: PersonFilters) -> QuerySet[Person]:
    qs = scope_for(user).visible(Person, Perm.PERSON_VIEW).select_related("court", "department")
    if filters.q:
        qs = qs.filter(pk__in=person_search(filters.q))
    court = None
    if filters.court_id.isdigit():
        court = Court.objects.filter(pk=int(filters.court_id)).only("path").first()
    elif filters.court:
        court = Court.objects.filter(code=filters.court).only("path").first()
    if (filters.court or filters.court_id) and court is None:
        return qs.none()
    if court is not None:
        qs = qs.filter(court__path__startswith=court.path)
    if filters.status:
        qs = qs.filter(political_status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.organisation.isdigit():
        org = PartyOrganisation.objects.filter(pk=int(filters.organisation)).only("path").first()
        qs = (
            qs.filter(
                memberships__ends_on__isnull=True,
                memberships__organisation__path__startswith=org.path,
            )
            if org
            else qs.none()
        )
    active = active_flag(filters.active)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.prefetch_related(open_memberships()).order_by("court__path", "staff_number")
