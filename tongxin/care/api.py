"""API: talks, home visits, help records and contact points, read-only, scoped like the
pages. Summaries, notes and follow-ups come through the same selectors as the pages and
exports (`summary_shown`...): empty for a reader outside the branch committee and the
people concerned, so the narrow visibility holds here too."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from tongxin.api.common import ERRORS, CourtCode, ErrorOut, Id, PageOut, PageQuery, Text
from tongxin.care import services
from tongxin.care.coverage import branch_coverage
from tongxin.care.lists import CONTACTS, HELP, TALKS, VISITS
from tongxin.care.models import ContactPoint, HelpRecord, HomeVisit, Talk
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.api import CourtRef, OrganisationRef
from tongxin.orgs.models import PartyOrganisation
from tongxin.people.models import Person

router = Router(tags=["care"])


class PersonRef(Schema):
    id: int
    name: str


class TalkOut(Schema):
    id: int
    organisation: OrganisationRef
    talker: PersonRef
    person: PersonRef
    held_on: datetime.date
    kind: str
    summary: str = Field(
        description="Sanitised HTML; empty unless the caller is on the branch committee or "
        "one of the two people.",
        alias="summary_shown",
    )
    follow_up: str = Field(alias="follow_up_shown")


class TalkPage(PageOut):
    items: list[TalkOut]


class TalkQuery(PageQuery):
    year: Text = Field("", description="Talks held in this year.")
    organisation: Text = Field("", description="An organisation id: its talks.")
    kind: Text = ""
    q: Text = Field("", description="The start of either person's name.")


class VisitOut(Schema):
    id: int
    organisation: OrganisationRef
    visitor: PersonRef
    person: PersonRef
    visited_on: datetime.date
    purpose: str
    notes: str = Field(alias="notes_shown", description="Empty unless the caller may read it.")
    follow_up: str = Field(alias="follow_up_shown")


class VisitPage(PageOut):
    items: list[VisitOut]


class VisitQuery(PageQuery):
    year: Text = ""
    organisation: Text = ""
    q: Text = ""


class HelpOut(Schema):
    id: int
    court: CourtRef
    person: PersonRef
    difficulty: str
    kind: str
    amount: Decimal | None
    given_on: datetime.date
    given_by: str
    notes: str


class HelpPage(PageOut):
    items: list[HelpOut]


class HelpQuery(PageQuery):
    year: Text = ""
    kind: Text = ""
    q: Text = ""


class ContactVisitOut(Schema):
    visited_on: datetime.date
    activities: str
    findings: str


class ContactOut(Schema):
    id: int
    leader: PersonRef
    organisation: OrganisationRef
    starts_on: datetime.date
    ends_on: datetime.date | None


class ContactDetail(ContactOut):
    visits: list[ContactVisitOut]

    @staticmethod
    def resolve_visits(obj):
        return obj.visits.order_by("-visited_on", "-id")


class ContactPage(PageOut):
    items: list[ContactOut]


class ContactQuery(PageQuery):
    court: CourtCode = Field("", description="A court code: that court's contact points.")
    q: Text = ""
    active: Text = Field("1", description="1 = open (default), 0 = ended, all = both.")


class CoverageRowOut(Schema):
    person: PersonRef
    post: str
    done: int
    due: int
    missing: list[PersonRef]


class CoverageOut(Schema):
    organisation_id: int
    year: int
    on: datetime.date
    done: int
    due: int
    rows: list[CoverageRowOut]


def _one(request, model, pk, queryset_of):
    """One row of a list's selector (its narrow annotations included), within scope."""
    scope = scope_for(request.auth)
    scope.get(model, pk)  # 404 outside what the caller may see
    return queryset_of(request.auth).get(pk=pk)


@router.get("/care/talks", response={200: TalkPage, **ERRORS}, url_name="talk-list")
def talk_list(request, query: Query[TalkQuery]):
    """Talks in reach; summaries only for the branch committee and the two people."""
    scope_for(request.auth).require(Perm.TALK_VIEW)
    return TALKS.api_page(request.auth, query)


@router.get("/care/talks/{talk_id}", response={200: TalkOut, **ERRORS}, url_name="talk-detail")
def talk_detail(request, talk_id: Id):
    return _one(request, Talk, talk_id, lambda user: TALKS.queryset(user, {}))


@router.get("/care/visits", response={200: VisitPage, **ERRORS}, url_name="visit-list")
def visit_list(request, query: Query[VisitQuery]):
    """Home visits in reach; notes only for the branch committee and the two people."""
    scope_for(request.auth).require(Perm.TALK_VIEW)
    return VISITS.api_page(request.auth, query)


@router.get("/care/visits/{visit_id}", response={200: VisitOut, **ERRORS}, url_name="visit-detail")
def visit_detail(request, visit_id: Id):
    return _one(request, HomeVisit, visit_id, lambda user: VISITS.queryset(user, {}))


@router.get("/care/help", response={200: HelpPage, **ERRORS}, url_name="help-list")
def help_list(request, query: Query[HelpQuery]):
    """Help records: party-affairs staff and court leaders of the record's own court."""
    scope_for(request.auth).require(Perm.HELP_VIEW)
    return HELP.api_page(request.auth, query)


@router.get("/care/help/{help_id}", response={200: HelpOut, **ERRORS}, url_name="help-detail")
def help_detail(request, help_id: Id):
    return _one(request, HelpRecord, help_id, lambda user: HELP.queryset(user, {}))


@router.get("/care/contacts", response={200: ContactPage, **ERRORS}, url_name="contact-list")
def contact_list(request, query: Query[ContactQuery]):
    """Contact points of leading Party members' group members (court leaders) in reach."""
    scope_for(request.auth).require(Perm.CONTACT_VIEW)
    return CONTACTS.api_page(request.auth, query)


@router.get(
    "/care/contacts/{contact_id}",
    response={200: ContactDetail, **ERRORS},
    url_name="contact-detail",
)
def contact_detail(request, contact_id: Id):
    """One contact point with its visits."""
    return _one(
        request, ContactPoint, contact_id, lambda user: CONTACTS.queryset(user, {"active": "all"})
    )


@router.get(
    "/care/coverage/{organisation_id}",
    response={200: CoverageOut, **ERRORS},
    url_name="coverage-detail",
)
def coverage_detail(request, organisation_id: Id, year: int | None = None):
    """An organisation's talk coverage for a year (default: this year)."""
    from django.utils import timezone

    today = timezone.localdate()
    organisation = scope_for(request.auth).get(PartyOrganisation, organisation_id, Perm.TALK_VIEW)
    year = year if year and 2000 <= year <= today.year else today.year
    coverage = branch_coverage(organisation, year, today)
    return {
        "organisation_id": organisation.pk,
        "year": year,
        "on": coverage.on,
        "done": coverage.done,
        "due": coverage.due,
        "rows": [
            {
                "person": row.person,
                "post": row.post,
                "done": len(row.done),
                "due": row.due,
                "missing": row.missing,
            }
            for row in coverage.rows
        ],
    }


# Writes ------------------------------------------------------------------------------------
# Every body field is optional in the schema: the service checks them all at once and says
# which are missing or wrong (400 with `extra` by field), after the access check (404/403).


class TalkIn(Schema):
    talker_id: Id | None = Field(None, description="The committee member (person id).")
    person_id: Id | None = Field(None, description="The member talked with (person id).")
    held_on: datetime.date | None = None
    kind: Literal[tuple(Talk.Kind.values)] = "routine"
    summary: str = Field("", max_length=20000, description="HTML; sanitised, no script.")
    follow_up: str = Field("", max_length=5000)


class VisitIn(Schema):
    visitor_id: Id | None = None
    person_id: Id | None = None
    visited_on: datetime.date | None = None
    purpose: str = Field("", max_length=200)
    notes: str = Field("", max_length=20000)
    follow_up: str = Field("", max_length=5000)


class CreatedOut(Schema):
    id: int


def _person(pk):
    return Person.objects.filter(pk=pk).first() if pk else None


@router.post(
    "/care/branches/{organisation_id}/talks",
    response={201: CreatedOut, 400: ErrorOut, **ERRORS},
    url_name="talk-create",
)
def talk_create(request, organisation_id: Id, body: TalkIn):
    """Record a talk of the branch (its committee); the summary is then readable only by the
    committee and the two people."""
    organisation = scope_for(request.auth).get(PartyOrganisation, organisation_id, Perm.TALK_CHANGE)
    talk = services.talk_record(
        actor=request.auth,
        organisation=organisation,
        talker=_person(body.talker_id),
        person=_person(body.person_id),
        held_on=body.held_on,
        kind=body.kind,
        summary=body.summary,
        follow_up=body.follow_up,
    )
    return Status(201, {"id": talk.pk})


@router.post(
    "/care/branches/{organisation_id}/visits",
    response={201: CreatedOut, 400: ErrorOut, **ERRORS},
    url_name="visit-create",
)
def visit_create(request, organisation_id: Id, body: VisitIn):
    """Record a home visit of the branch (its committee)."""
    organisation = scope_for(request.auth).get(PartyOrganisation, organisation_id, Perm.TALK_CHANGE)
    visit = services.home_visit_record(
        actor=request.auth,
        organisation=organisation,
        visitor=_person(body.visitor_id),
        person=_person(body.person_id),
        visited_on=body.visited_on,
        purpose=body.purpose,
        notes=body.notes,
        follow_up=body.follow_up,
    )
    return Status(201, {"id": visit.pk})
