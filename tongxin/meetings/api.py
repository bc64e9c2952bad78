"""API: meetings and their attendance (list, create, update), and compliance per
organisation and month; scoped like the pages."""

from __future__ import annotations

import datetime
from typing import Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tongxin.api.common import ERRORS, CourtCode, Id, PageOut, PageQuery, Text
from tongxin.core.exceptions import ApplicationError, NotFound
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.meetings import compliance, selectors, services
from tongxin.meetings.lists import MEETINGS
from tongxin.meetings.models import Kind, Meeting
from tongxin.orgs.models import PartyOrganisation

router = Router(tags=["organisational life"])

KindCode = Literal[tuple(Kind.values)]  # type: ignore[valid-type]


class MeetingOut(Schema):
    id: int
    organisation_id: int
    kind: str
    status: str
    held_on: datetime.date
    starts_at: datetime.time | None
    hours: float
    place: str
    topic: str
    signed_off: bool = Field(description="Signed off by the secretary (the record is locked).")
    cancel_reason: str

    @staticmethod
    def resolve_signed_off(obj) -> bool:
        return obj.signed_off_at is not None


class MeetingPage(PageOut):
    items: list[MeetingOut]


class MeetingQuery(PageQuery):
    q: Text = ""
    organisation: Text = Field("", description="An organisation id: its meetings.")
    kind: Text = ""
    status: Text = ""
    year: Text = ""


class MeetingIn(Schema):
    organisation_id: Id
    kind: KindCode
    held_on: datetime.date
    starts_at: datetime.time | None = None
    hours: float = Field(2, ge=0, le=24)
    place: Text = ""
    topic: Text
    joint: list[Id] = Field(default_factory=list, max_length=50)


class MeetingPatch(Schema):
    kind: KindCode | None = None
    held_on: datetime.date | None = None
    starts_at: datetime.time | None = None
    hours: float | None = Field(None, ge=0, le=24)
    place: Text | None = None
    topic: Text | None = None
    correction_reason: Text = ""


class AttendanceRow(Schema):
    person_id: Id
    status: Literal["present", "leave", "absent"]
    reason: Text = ""


class AttendanceIn(Schema):
    rows: list[AttendanceRow] = Field(
        default_factory=list,
        max_length=5000,
        description="Everyone on the expected roster not listed is recorded absent.",
    )
    correction_reason: Text = ""


class AttendanceOut(Schema):
    person_id: int
    organisation_id: int
    voting: bool
    status: str
    reason: str


class ComplianceQuery(Schema):
    court: CourtCode = Field("", description="A court code: its subtree.")
    organisation: Id | None = Field(None, description="An organisation id: its subtree.")
    period: Text = Field("", description="2026, 2026-Q3 or 2026-05; default this year.")
    limit: int = Field(100, ge=1, le=1000, description="Organisations per page.")
    offset: int = Field(0, ge=0, le=10_000_000)


class CellOut(Schema):
    organisation_id: int
    organisation: str
    month: str
    verdict: str = Field(description="compliant, missing, quorum_not_met, minutes_missing, not_due or not_applicable")  # fmt: skip
    rule: str = Field(description="The activity whose rule gave the verdict ('' when none applies).")  # fmt: skip
    rules: dict[str, str] = Field(description="Every applicable activity's verdict.")


class ComplianceOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[CellOut]


def _meeting(request, meeting_id, perm=None) -> Meeting:
    return scope_for(request.auth).get(Meeting, meeting_id, perm)


@router.get("/meetings", response={200: MeetingPage, **ERRORS}, url_name="meeting-list")
def meeting_list(request, query: Query[MeetingQuery]):
    """Meetings of the organisations in the caller's scope, newest first."""
    scope_for(request.auth).require(Perm.MEETING_VIEW)
    return MEETINGS.api_page(request.auth, query)


@router.post("/meetings", response={201: MeetingOut, **ERRORS}, url_name="meeting-create")
def meeting_create(request, body: MeetingIn):
    """Plan a meeting of an organisation (recorded as held through its attendance)."""
    scope = scope_for(request.auth)
    org = scope.get(PartyOrganisation, body.organisation_id, Perm.MEETING_CHANGE)
    joint = list(scope.visible(PartyOrganisation, Perm.MEETING_VIEW).filter(pk__in=body.joint))
    if len(joint) != len(set(body.joint)):
        raise NotFound("not found")
    values = body.dict(exclude={"organisation_id", "joint"})
    return Status(
        201,
        services.meeting_save(
            actor=request.auth, meeting=None, organisation=org, values=values, joint=joint
        ),
    )


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS}, url_name="meeting-detail")  # fmt: skip
def meeting_detail(request, meeting_id: Id):
    return _meeting(request, meeting_id)


@router.patch("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS}, url_name="meeting-update")  # fmt: skip
def meeting_update(request, meeting_id: Id, body: MeetingPatch):
    meeting = _meeting(request, meeting_id, Perm.MEETING_CHANGE)
    values = body.dict(exclude_unset=True, exclude={"correction_reason"})
    return services.meeting_save(
        actor=request.auth, meeting=meeting, values=values,
        correction_reason=body.correction_reason,
    )  # fmt: skip


@router.get("/meetings/{meeting_id}/attendance", response={200: list[AttendanceOut], **ERRORS}, url_name="attendance-list")  # fmt: skip
def attendance_list(request, meeting_id: Id):
    meeting = _meeting(request, meeting_id)
    return list(meeting.attendance.order_by("id"))


@router.put("/meetings/{meeting_id}/attendance", response={200: list[AttendanceOut], **ERRORS}, url_name="attendance-record")  # fmt: skip
def attendance_record(request, meeting_id: Id, body: AttendanceIn):
    """Record the meeting as held with its attendance; the expected attendees are derived
    from the roster on its date (anyone not on it is refused, and nothing is saved)."""
    meeting = _meeting(request, meeting_id, Perm.MEETING_CHANGE)
    rows = {r.person_id: (r.status, r.reason) for r in body.rows}
    if len(rows) != len(body.rows):
        raise ApplicationError(_("A person appears twice."))
    with transaction.atomic():
        services.attendance_record(
            actor=request.auth, meeting=meeting, rows=rows, correction_reason=body.correction_reason
        )
    return list(meeting.attendance.order_by("id"))


@router.get("/compliance", response={200: ComplianceOut, **ERRORS}, url_name="compliance")
def compliance_read(request, query: Query[ComplianceQuery]):
    """Per organisation and month, the verdict code and the rule behind it, for a court
    subtree or an organisation's, a page of organisations at a time."""
    scope = scope_for(request.auth)
    scope.require(Perm.COMPLIANCE_VIEW)
    period = selectors.parse_period(query.period)
    if period is None:
        raise ApplicationError(_("The period is a year (2026), a quarter (2026-Q3) or a month (2026-05)."))  # fmt: skip
    court = organisation = None
    if query.organisation is not None:
        organisation = scope.get(PartyOrganisation, query.organisation, Perm.COMPLIANCE_VIEW)
    elif query.court:
        court = selectors.find_court(request.auth, query.court)
        if court is None:
            raise NotFound("not found")
    orgs = selectors.compliance_orgs(user=request.auth, court=court, organisation=organisation)
    ids = list(orgs.values_list("id", flat=True)[query.offset : query.offset + query.limit])
    count = orgs.count()
    facts, cells = selectors.heatmap(
        PartyOrganisation.objects.filter(pk__in=ids), period[0], period[1], timezone.localdate()
    )
    items = []
    for org in facts.orgs:
        for month in facts.months:
            cell = cells.get((org.id, month))
            items.append({
                "organisation_id": org.id,
                "organisation": org.name,
                "month": month.strftime("%Y-%m"),
                "verdict": cell.code if cell else compliance.NOT_APPLICABLE,
                "rule": cell.rule if cell else "",
                "rules": {v.rule: v.code for v in (cell.verdicts if cell else []) if v.code != compliance.NOT_APPLICABLE},  # fmt: skip
            })  # fmt: skip
    return {"count": count, "limit": query.limit, "offset": query.offset, "items": items}
