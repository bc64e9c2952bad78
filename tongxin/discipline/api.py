"""API of the discipline app: recording in the interference register (a recorder's own
entries and corrections), reading it within the discipline office's scope, the quarterly
summary, and the discipline records. Entries are permanent: PUT, PATCH and DELETE answer
405 with a message, write nothing, and are audited."""

from __future__ import annotations

import datetime
import json
from typing import Annotated, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError
from pydantic import StringConstraints
from pydantic import ValidationError as PydanticError

from tongxin.api.common import ERRORS, CourtCode, ErrorOut, Id, PageOut, PageQuery, Text
from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.discipline import register
from tongxin.discipline.lists import ENTRIES, RECORDS
from tongxin.discipline.models import Channel, Kind, RegisterEntry, Sanction
from tongxin.discipline.selectors import quarter_of, quarterly_summary, summary_courts

router = Router(tags=["discipline"])

LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=4000, pattern=r"^[^\x00]*$")
]


class EntryIn(Schema):
    kind: Literal[tuple(Kind.values)]
    person_name: Text
    person_unit: Text = ""
    person_post: Text = ""
    relation: Text = ""
    channel: Literal[tuple(Channel.values)]
    occurred_on: datetime.date
    case_number: Text = Field("", description="e.g. (2024)京0105民初12345号")
    asked: LongText
    done: LongText = ""
    affects_case: bool = False


class EntryOut(Schema):
    id: int
    court_id: int
    seq: int
    kind: str
    person_name: str
    person_unit: str
    person_post: str
    relation: str
    channel: str
    occurred_on: datetime.date
    case_number: str
    asked: str
    done: str
    affects_case: bool
    correction_of_id: int | None
    recorder_name: str
    recorded_at: datetime.datetime
    prev_hash: str
    hash: str


class EntryPage(PageOut):
    items: list[EntryOut]


class EntryQuery(PageQuery):
    q: Text = ""
    kind: Literal[tuple(Kind.values)] | None = None
    court: CourtCode = ""


class SummaryQuery(Schema):
    court: CourtCode = Field("", description="A court code (default: the first in reach).")
    year: int = Field(0, ge=0, le=9999)
    quarter: int = Field(0, ge=0, le=4)


class SummaryRowOut(Schema):
    court_id: int
    court_code: str | None
    court_name: str
    counts: dict[str, int]
    total: int
    immediate_reports: int
    corrections: int
    zero_report: bool
    quarters_without_entry: int
    flagged: bool


class SummaryOut(Schema):
    year: int
    quarter: int
    rows: list[SummaryRowOut]


class RecordOut(Schema):
    id: int
    person_id: int
    court_id: int
    sanction: str
    decided_on: datetime.date
    period_months: int
    ends_on: datetime.date | None


class RecordPage(PageOut):
    items: list[RecordOut]


class RecordQuery(PageQuery):
    q: Text = ""
    sanction: Literal[tuple(Sanction.values)] | None = None
    court: CourtCode = ""


WRITE_ERRORS = {**ERRORS, 400: ErrorOut}


def _body(request, schema):
    """The JSON body, read after the caller's access was checked (so a caller without it
    learns nothing from a validation error)."""
    try:
        data = json.loads(request.body or b"{}")
        return schema.model_validate(data)
    except (ValueError, PydanticError) as error:
        errors = (
            error.errors()
            if isinstance(error, PydanticError)
            else [{"loc": ("body",), "msg": str(error), "type": "json"}]
        )
        raise ValidationError(errors) from None


@router.get("/discipline/register", response={200: EntryPage, **ERRORS}, url_name="entry-list")
def entry_list(request, query: Query[EntryQuery]):
    """The entries the caller may read: their own, and the discipline and trial management
    offices' court subtree."""
    scope_for(request.auth).require(Perm.REGISTER_RECORD)
    return ENTRIES.api_page(request.auth, query)


@router.post(
    "/discipline/register", response={201: EntryOut, **WRITE_ERRORS}, url_name="entry-create"
)
def entry_create(request, payload: EntryIn):
    """Record an inquiry in the caller's court (the court of their staff record)."""
    scope_for(request.auth).require(Perm.REGISTER_RECORD)
    return Status(201, register.entry_record(actor=request.auth, values=payload.dict()))


@router.get(
    "/discipline/register/{entry_id}", response={200: EntryOut, **ERRORS}, url_name="entry-detail"
)
def entry_detail(request, entry_id: Id):
    return scope_for(request.auth).get(RegisterEntry, entry_id)


@router.post(
    "/discipline/register/{entry_id}/corrections",
    response={201: EntryOut, **WRITE_ERRORS},
    url_name="entry-correct",
)
def entry_correct(request, entry_id: Id):
    """Correct one's own entry: a new entry naming it (the body as for recording)."""
    entry = scope_for(request.auth).get(RegisterEntry, entry_id, Perm.REGISTER_RECORD)
    payload = _body(request, EntryIn)
    return Status(
        201, register.entry_correct(actor=request.auth, entry=entry, values=payload.dict())
    )


def _refuse(request, entry_id: int, how: str):
    entry = scope_for(request.auth).get(RegisterEntry, entry_id)
    register.change_refused(actor=request.auth, entry=entry, how=how)


@router.put(
    "/discipline/register/{entry_id}", response={405: ErrorOut, **ERRORS}, url_name="entry-put"
)
def entry_put(request, entry_id: Id):
    """Refused: entries are permanent (the attempt is audited)."""
    _refuse(request, entry_id, "api.put")


@router.patch(
    "/discipline/register/{entry_id}", response={405: ErrorOut, **ERRORS}, url_name="entry-patch"
)
def entry_patch(request, entry_id: Id):
    """Refused: entries are permanent (the attempt is audited)."""
    _refuse(request, entry_id, "api.patch")


@router.delete(
    "/discipline/register/{entry_id}", response={405: ErrorOut, **ERRORS}, url_name="entry-delete"
)
def entry_delete(request, entry_id: Id):
    """Refused: entries are permanent (the attempt is audited)."""
    _refuse(request, entry_id, "api.delete")


@router.get(
    "/discipline/register-summary", response={200: SummaryOut, **ERRORS}, url_name="summary"
)
def summary(request, query: Query[SummaryQuery]):
    """The quarterly summary of a court and its subtree, with zero reports."""
    scope_for(request.auth).require(Perm.REGISTER_VIEW)
    courts = summary_courts(request.auth)
    court = courts.filter(code=query.court).first() if query.court else courts.first()
    if court is None:
        raise ApplicationError(_("No court with this code within your reach."))
    year, quarter = quarter_of(timezone.localdate())
    year, quarter = query.year or year, query.quarter or quarter
    if year < 2015 or (year, quarter) > quarter_of(timezone.localdate()):
        raise ApplicationError(_("The quarter must lie between 2015 and now."))
    rows = quarterly_summary(user=request.auth, court=court, year=year, quarter=quarter)
    return {
        "year": year,
        "quarter": quarter,
        "rows": [
            {
                "court_id": row.court.pk,
                "court_code": row.court.code,
                "court_name": row.court.name_zh,
                "counts": row.counts,
                "total": row.total,
                "immediate_reports": row.affecting,
                "corrections": row.corrections,
                "zero_report": row.zero,
                "quarters_without_entry": row.streak,
                "flagged": row.flagged,
            }
            for row in rows
        ],
    }


@router.get("/discipline/records", response={200: RecordPage, **ERRORS}, url_name="record-list")
def record_list(request, query: Query[RecordQuery]):
    """Discipline records (sanctions) in the caller's scope."""
    scope_for(request.auth).require(Perm.DISCIPLINE_VIEW)
    return RECORDS.api_page(request.auth, query)
