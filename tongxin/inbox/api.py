"""API: my inbox (notices, what waits for me) and marking notices read. Own rows only."""

from __future__ import annotations

import datetime

from ninja import Field, Query, Router, Schema

from tongxin.api.common import ERRORS, Id, PageQuery
from tongxin.inbox import selectors, services

router = Router(tags=["inbox"])


class NoticeOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class WaitingOut(Schema):
    code: str = Field(description="The app's source, e.g. answers.tasks.")
    label: str
    count: int
    url: str


class InboxOut(Schema):
    unread: int
    waiting: list[WaitingOut]
    count: int = Field(description="Notices matching the filter.")
    items: list[NoticeOut]


class InboxQuery(PageQuery):
    unread_only: bool = Field(False, description="Only notices not yet read.")


@router.get("/inbox", response={200: InboxOut, **ERRORS}, summary="My inbox")
def inbox(request, query: Query[InboxQuery]):
    notices = selectors.notices_for(request.user)
    if query.unread_only:
        notices = notices.filter(read_at__isnull=True)
    return {
        "unread": selectors.unread_count(request.user),
        "waiting": [
            {"code": code, "label": str(item.label), "count": item.count, "url": item.url}
            for code, item in selectors.waiting_for(request.user)
        ],
        "count": notices.count(),
        "items": list(notices[query.offset : query.offset + query.limit]),
    }


class ReadOut(Schema):
    marked: int


@router.post("/inbox/{notice_id}/read", response={200: ReadOut, **ERRORS}, summary="Mark read")
def read(request, notice_id: Id):
    notice = services.notice_get(user=request.user, pk=notice_id)
    services.mark_read(user=request.user, notice=notice)
    return {"marked": 1}


@router.post("/inbox/read-all", response={200: ReadOut, **ERRORS}, summary="Mark all read")
def read_all(request):
    return {"marked": services.mark_all_read(user=request.user)}
