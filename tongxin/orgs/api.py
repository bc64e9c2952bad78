"""API: courts, departments and Party organisations, read-only, scoped like the pages."""

from __future__ import annotations

import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from tongxin.api.common import (
    ACTIVE_HELP,
    ERRORS,
    CourtCode,
    Id,
    PageOut,
    PageQuery,
    Text,
)
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs import rosters, selectors
from tongxin.orgs.lists import COURTS, DEPARTMENTS, ORGANISATIONS
from tongxin.orgs.models import Court, Department, PartyOrganisation

router = Router(tags=["courts and organisations"])

Active = Literal["1", "0", "all"]


# Schemas ---------------------------------------------------------------------------------


class CourtRef(Schema):
    id: int
    code: str | None
    name_zh: str
    name_en: str


class DepartmentRef(Schema):
    id: int
    name_zh: str
    name_en: str


class OrganisationRef(Schema):
    id: int
    kind: str
    name_zh: str
    name_en: str


class CourtOut(Schema):
    id: int
    code: str | None = Field(description="The code used in case numbers, e.g. 苏0102.")
    name_zh: str
    name_en: str
    level: str
    kind: str
    province: str
    parent: CourtRef | None
    depth: int
    is_active: bool


class CourtDetail(CourtOut):
    ancestors: list[CourtRef] = Field(description="From the root down to the parent.")


class CourtPage(PageOut):
    items: list[CourtOut]


class DepartmentOut(Schema):
    id: int
    court: CourtRef
    name_zh: str
    name_en: str
    kind: str
    is_active: bool


class DepartmentPage(PageOut):
    items: list[DepartmentOut]


class OrganisationOut(Schema):
    id: int
    court: CourtRef
    parent: OrganisationRef | None
    kind: str
    name_zh: str
    name_en: str
    founded_on: datetime.date | None
    is_active: bool
    full_members: int = Field(description="Active full members with an open membership.")


class TermOut(Schema):
    starts_on: datetime.date
    ends_on: datetime.date


class PostOut(Schema):
    post: str
    person_id: int
    person_name: str
    starts_on: datetime.date
    ends_on: datetime.date | None

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name


class OrganisationDetail(OrganisationOut):
    departments: list[DepartmentRef]
    current_term: TermOut | None = Field(
        description="The committee term in force today: the latest that has begun "
        "(a recorded future term is not current)."
    )
    committee: list[PostOut] = Field(description="Committee posts held today.")

    @staticmethod
    def resolve_departments(obj) -> list:
        return list(obj.departments.order_by("id"))


class OrganisationPage(PageOut):
    items: list[OrganisationOut]


class RosterPostOut(Schema):
    post: str
    organisation: OrganisationRef = Field(description="Where the post is held.")
    starts_on: datetime.date


class RosterMemberOut(Schema):
    number: int
    person_id: int
    name: str
    gender: str
    staff_number: str
    department: DepartmentRef | None
    organisation: OrganisationRef = Field(description="The organisation of the membership.")
    political_status: str | None = Field(
        description="On that day, from the Party dates recorded (full from the date of full "
        "membership, probationary before it); null when unknown (the person has left the "
        "Party since)."
    )
    joined_party_on: datetime.date | None
    full_member_on: datetime.date | None
    cell: OrganisationRef | None = Field(description="The Party cell (党小组) on that day.")
    posts: list[RosterPostOut] = Field(description="Committee posts held on that day.")


class RosterCounts(Schema):
    full: int
    probationary: int
    total: int


class RosterOut(Schema):
    organisation: OrganisationRef
    court: CourtRef
    on: datetime.date
    subtree: bool = Field(description="True when the members of the organisations below count.")
    counts: RosterCounts
    members: list[RosterMemberOut]


# Query parameters ------------------------------------------------------------------------


class CourtQuery(PageQuery):
    q: Text = Field("", description="Part of the Chinese or English name, or a code prefix.")
    level: Literal[tuple(Court.Level.values)] | None = None
    province: CourtCode = Field("", description="Province (high-court) code, e.g. 苏.")
    under: CourtCode = Field("", description="A court code: that court and every court below.")
    active: Active = Field("1", description=ACTIVE_HELP)


class DepartmentQuery(PageQuery):
    court: CourtCode = Field(
        "", description="A court code: the departments of that court and every court below."
    )
    q: Text = Field("", description="Part of the Chinese or English name.")
    kind: Literal[tuple(Department.Kind.values)] | None = None
    active: Active = Field("1", description=ACTIVE_HELP)


class OrganisationQuery(PageQuery):
    court: CourtCode = Field("", description="A court code: that court and every court below.")
    kind: Literal[tuple(PartyOrganisation.Kind.values)] | None = None
    q: Text = Field("", description="Part of the Chinese or English name.")
    active: Active = Field("1", description=ACTIVE_HELP)


class RosterQuery(Schema):
    on: datetime.date | None = Field(None, description="The day (YYYY-MM-DD); default today.")
    sub: bool = Field(
        False,
        description="An organ committee or general branch: also the members of every "
        "organisation below it.",
    )


# Endpoints -------------------------------------------------------------------------------


@router.get("/courts", response={200: CourtPage, **ERRORS}, url_name="court-list")
def court_list(request, query: Query[CourtQuery]):
    """Courts in the caller's scope, in tree order."""
    scope_for(request.auth).require(Perm.COURT_VIEW)
    return COURTS.api_page(request.auth, query)


@router.get("/courts/{court_id}", response={200: CourtDetail, **ERRORS}, url_name="court-detail")
def court_detail(request, court_id: Id):
    court = scope_for(request.auth).get(
        Court, court_id, queryset=Court.objects.select_related("parent")
    )
    ancestor_ids = [int(s) for s in court.path.split(".")[:-2] if s]
    court.ancestors = list(Court.objects.filter(pk__in=ancestor_ids).order_by("path"))
    return court


@router.get("/departments", response={200: DepartmentPage, **ERRORS}, url_name="department-list")
def department_list(request, query: Query[DepartmentQuery]):
    """Departments of the courts in the caller's scope."""
    scope_for(request.auth).require(Perm.COURT_VIEW)
    return DEPARTMENTS.api_page(request.auth, query)


@router.get(
    "/departments/{department_id}",
    response={200: DepartmentOut, **ERRORS},
    url_name="department-detail",
)
def department_detail(request, department_id: Id):
    return scope_for(request.auth).get(
        Department, department_id, queryset=Department.objects.select_related("court")
    )


@router.get(
    "/organisations", response={200: OrganisationPage, **ERRORS}, url_name="organisation-list"
)
def organisation_list(request, query: Query[OrganisationQuery]):
    """Party organisations in the caller's scope (a member sees their own branch)."""
    return ORGANISATIONS.api_page(request.auth, query)


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationDetail, **ERRORS},
    url_name="organisation-detail",
)
def organisation_detail(request, organisation_id: Id):
    scope = scope_for(request.auth)
    org = scope.get(
        PartyOrganisation,
        organisation_id,
        queryset=PartyOrganisation.objects.select_related("court", "parent"),
    )
    today = timezone.localdate()
    org.full_members = org.memberships.filter(
        ends_on__isnull=True, person__political_status="full", person__is_active=True
    ).count()
    org.current_term = selectors.term_current(org, today)
    org.committee = list(selectors.posts_on(organisation=org, on=today))
    return org


@router.get(
    "/organisations/{organisation_id}/roster",
    response={200: RosterOut, **ERRORS},
    url_name="organisation-roster",
)
def organisation_roster(request, organisation_id: Id, query: Query[RosterQuery]):
    """The roster (花名册) of an organisation on a day, as on its page: each member with
    their Party status on that day, Party cell and committee posts, and the counts. Personal
    data: for those who may see the organisation's people (a member gets 403)."""
    org = scope_for(request.auth).get(
        PartyOrganisation,
        organisation_id,
        Perm.PERSON_VIEW,
        queryset=PartyOrganisation.objects.select_related("court"),
    )
    roster = rosters.roster_build(
        organisation=org, on=query.on or timezone.localdate(), subtree=query.sub
    )
    return {
        "organisation": org,
        "court": org.court,
        "on": roster.on,
        "subtree": roster.subtree,
        "counts": {"full": roster.full, "probationary": roster.probationary, "total": roster.total},
        "members": [
            {
                "number": row.number,
                "person_id": row.person.pk,
                "name": row.person.name,
                "gender": row.person.gender,
                "staff_number": row.person.staff_number,
                "department": row.person.department,
                "organisation": row.organisation,
                "political_status": row.status or None,
                "joined_party_on": row.person.joined_party_on,
                "full_member_on": row.person.full_member_on,
                "cell": row.cell,
                "posts": row.posts,
            }
            for row in roster.rows
        ],
    }
