"""API: opinions, rectification tasks with their updates, responsibility lists. Read-only and
scoped like the pages: a hidden submitter's name is null for whoever may not see it."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema

from tongxin.answers.lists import ITEMS, OPINIONS, TASKS
from tongxin.answers.models import ListItem, Opinion, ResponsibilityList, Task
from tongxin.answers.selectors import opinion_list, task_list
from tongxin.api.common import ERRORS, CourtCode, Id, PageOut, PageQuery, Text
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for

router = Router(tags=["answers"])


class OpinionOut(Schema):
    id: int
    title: str
    topic: str
    state: str
    court_id: int
    submitter: str | None = Field(description="Null when the name is hidden from the caller.")
    answer_due: datetime.date
    created_at: datetime.datetime
    merged_into_id: int | None

    @staticmethod
    def resolve_submitter(obj):
        return obj.submitter_shown or None


class OpinionDetail(OpinionOut):
    body: str = Field(description="Sanitised HTML.")
    answer: str = Field(description="The final answer (of the merged-into opinion if merged).")
    answered_at: datetime.datetime | None

    @staticmethod
    def resolve_answer(obj):
        final = obj.merged_into if obj.merged_into_id else obj
        return final.answer


class OpinionPage(PageOut):
    items: list[OpinionOut]


class OpinionQuery(PageQuery):
    q: Text = ""
    state: Literal[tuple(Opinion.State.values)] | Literal[""] = ""
    topic: Literal[tuple(Opinion.Topic.values)] | Literal[""] = ""
    mine: bool = Field(False, description="Only the caller's own opinions.")


@router.get(
    "/answers/opinions", response={200: OpinionPage, **ERRORS}, url_name="answers-opinion-list"
)
def opinions(request, query: Query[OpinionQuery]):
    """Opinions in reach (one's own always; the court's with opinion.view)."""
    if query.mine:
        data = query.dict()
        qs = opinion_list(user=request.auth, filters=OPINIONS.filters.from_params(data), mine=True)
        items = list(qs[query.offset : query.offset + query.limit])
        return {"count": qs.count(), "limit": query.limit, "offset": query.offset, "items": items}
    scope_for(request.auth).require(Perm.OPINION_VIEW)
    return OPINIONS.api_page(request.auth, query)


@router.get(
    "/answers/opinions/{opinion_id}",
    response={200: OpinionDetail, **ERRORS},
    url_name="answers-opinion-detail",
)
def opinion_detail(request, opinion_id: Id):
    base = opinion_list(user=request.auth, filters=OPINIONS.filters())
    return scope_for(request.auth).get(Opinion, opinion_id, queryset=base)


class UpdateOut(Schema):
    kind: str
    text: str
    author: str = Field(alias="author.username")
    deadline: datetime.date | None
    created_at: datetime.datetime
    attachments: list[str]

    @staticmethod
    def resolve_attachments(obj):
        return [a.name for a in obj.attachments.all()]


class TaskOut(Schema):
    id: int
    title: str
    state: str
    court_id: int
    department_id: int | None
    responsible_id: int
    responsible: str = Field(alias="responsible.name")
    deadline: datetime.date
    first_deadline: datetime.date
    source: str | None = Field(description="The source's model (app_label.model), if any.")
    source_id: int | None
    closed_on: datetime.date | None
    closed_on_time: bool | None

    @staticmethod
    def resolve_source(obj):
        return f"{obj.source_type.app_label}.{obj.source_type.model}" if obj.source_type else None


class TaskDetail(TaskOut):
    description: str
    updates: list[UpdateOut]

    @staticmethod
    def resolve_updates(obj):
        return obj.updates.select_related("author").prefetch_related("attachments")


class TaskPage(PageOut):
    items: list[TaskOut]


class TaskQuery(PageQuery):
    q: Text = ""
    state: Literal[tuple([*Task.State.values, "live", "overdue", "all"])] | Literal[""] = ""
    court: CourtCode = ""
    mine: Literal["", "responsible", "assigned"] = Field(
        "", description="responsible: tasks the caller answers for; assigned: tasks they gave."
    )


@router.get("/answers/tasks", response={200: TaskPage, **ERRORS}, url_name="answers-task-list")
def tasks(request, query: Query[TaskQuery]):
    """Rectification tasks in reach (one's own always; the court's with task.view)."""
    if query.mine:
        qs = task_list(
            user=request.auth, filters=TASKS.filters.from_params(query.dict()), mine=query.mine
        )
        items = list(qs[query.offset : query.offset + query.limit])
        return {"count": qs.count(), "limit": query.limit, "offset": query.offset, "items": items}
    scope_for(request.auth).require(Perm.TASK_VIEW)
    return TASKS.api_page(request.auth, query)


@router.get(
    "/answers/tasks/{task_id}", response={200: TaskDetail, **ERRORS}, url_name="answers-task-detail"
)
def task_detail(request, task_id: Id):
    """One task with its updates (progress, extensions, submission, verification)."""
    return scope_for(request.auth).get(
        Task, task_id, queryset=Task.objects.select_related("responsible", "source_type")
    )


class ItemOut(Schema):
    id: int
    content: str
    measures: str
    responsible_person_id: int | None
    responsible_unit: str
    deadline: datetime.date
    state: str
    evidence: str


class ListOut(Schema):
    id: int
    court_id: int
    kind: str
    organisation_id: int | None
    cadre_id: int | None
    year: int
    title: str


class ListDetail(ListOut):
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        return obj.items.all()


class ListPage(PageOut):
    items: list[ListOut]


class ListQuery(PageQuery):
    year: int | None = Field(None, ge=2000, le=2100)


@router.get(
    "/answers/responsibility-lists",
    response={200: ListPage, **ERRORS},
    url_name="answers-resp-list",
)
def resp_lists(request, query: Query[ListQuery]):
    """Responsibility lists in reach."""
    scope = scope_for(request.auth)
    scope.require(Perm.LIST_VIEW)
    qs = scope.visible(ResponsibilityList, Perm.LIST_VIEW).order_by("-year", "id")
    if query.year:
        qs = qs.filter(year=query.year)
    items = list(qs[query.offset : query.offset + query.limit])
    return {"count": qs.count(), "limit": query.limit, "offset": query.offset, "items": items}


@router.get(
    "/answers/responsibility-lists/{list_id}",
    response={200: ListDetail, **ERRORS},
    url_name="answers-resp-detail",
)
def resp_detail(request, list_id: Id):
    return scope_for(request.auth).get(ResponsibilityList, list_id)


__all__ = ["ITEMS", "ListItem"]
