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
from tongxin.orgs import selectors
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
