"""API: people with their Party membership, read-only, scoped like the pages."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema

from tongxin.accounts.models import RoleGrant
from tongxin.api.common import ACTIVE_HELP, ERRORS, CourtCode, Id, PageOut, PageQuery, Text
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.api import CourtRef, DepartmentRef, OrganisationRef
from tongxin.people import selectors
from tongxin.people.lists import PEOPLE
from tongxin.people.models import Person
from tongxin.people.scope import own_person

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: datetime.date | None
    staff_number: str
    court: CourtRef
    department: DepartmentRef | None
    category: str
    cadre_level: str
    is_quota_judge: bool
    political_status: str
    joined_party_on: datetime.date | None
    full_member_on: datetime.date | None
    is_retired: bool
    is_active: bool
    organisation: OrganisationRef | None = Field(description="Current organisation.")
    party_group: OrganisationRef | None = Field(description="Current party group (cell).")

    @staticmethod
    def resolve_organisation(obj):
        rows = obj.current_memberships
        return rows[0].organisation if rows else None

    @staticmethod
    def resolve_party_group(obj):
        rows = obj.current_memberships
        return rows[0].cell if rows else None


class MembershipOut(Schema):
    organisation: OrganisationRef
    party_group: OrganisationRef | None = Field(alias="cell")
    starts_on: datetime.date
    ends_on: datetime.date | None


class PersonPostOut(Schema):
    organisation: OrganisationRef
    post: str
    starts_on: datetime.date
    ends_on: datetime.date | None


class PersonDetail(PersonOut):
    memberships: list[MembershipOut] = Field(description="Membership history, newest first.")
    posts: list[PersonPostOut] = Field(description="Committee posts, newest first.")

    @staticmethod
    def resolve_memberships(obj):
        return obj.membership_history

    @staticmethod
    def resolve_posts(obj):
        return obj.post_history


class PersonPage(PageOut):
    items: list[PersonOut]


class GrantOut(Schema):
    role: str
    court: CourtRef | None
    organisation: OrganisationRef | None


class MeOut(Schema):
    username: str
    person_id: int | None = Field(description="The caller's own staff record, if linked.")
    grants: list[GrantOut]


class PersonQuery(PageQuery):
    court: CourtCode = Field("", description="A court code: that court and every court below.")
    organisation: Id | None = Field(
        None, description="An organisation id: its members and those of its sub-organisations."
    )
    political_status: Literal[tuple(Person.PoliticalStatus.values)] | None = None
    category: Literal[tuple(Person.Category.values)] | None = None
    q: Text = Field("", description="Part of the name, or the start of the staff number.")
    active: Literal["1", "0", "all"] = Field("1", description=ACTIVE_HELP)


@router.get("/me", response={200: MeOut, **ERRORS}, url_name="me")
def me(request):
    """Who the token (or session) belongs to and which roles it carries."""
    person = own_person(scope_for(request.auth))
    return {
        "username": request.auth.get_username(),
        "person_id": person.pk if person else None,
        "grants": RoleGrant.objects.filter(user=request.auth).select_related(
            "court", "organisation"
        ),
    }


@router.get("/people", response={200: PersonPage, **ERRORS}, url_name="person-list")
def person_list(request, query: Query[PersonQuery]):
    """People in the caller's scope, by court and staff number."""
    scope_for(request.auth).require(Perm.PERSON_VIEW)
    return PEOPLE.api_page(request.auth, query)


@router.get("/people/{person_id}", response={200: PersonDetail, **ERRORS}, url_name="person-detail")
def person_detail(request, person_id: Id):
    """One person: a member may read their own record."""
    person = scope_for(request.auth).get(
        Person,
        person_id,
        queryset=Person.objects.select_related("court", "department").prefetch_related(
            selectors.open_memberships()
        ),
    )
    person.membership_history = list(
        person.memberships.select_related("organisation", "cell").order_by("-starts_on", "-id")
    )
    person.post_history = list(
        person.posts.select_related("organisation").order_by("-starts_on", "-id")
    )
    return person
