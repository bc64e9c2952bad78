"""API: opinions, rectification tasks with their updates, responsibility lists. Read-only and
scoped like the pages: a hidden submitter's name is null for whoever may not see it."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

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


# Writes: each goes through the same service as the page (same checks, same audit). Fields
# default to empty so that the service, after the scope, says what is missing (400).


class OpinionIn(Schema):
    topic: str = Field("", max_length=20, description="work, party, conduct, life or other.")
    title: str = Field("", max_length=200)
    body: str = Field("", max_length=20000, description="HTML; scripts are refused.")
    hide_name: bool = False


@router.post(
    "/answers/opinions", response={201: OpinionDetail, **ERRORS}, url_name="answers-opinion-submit"
)
def opinion_submit(request, payload: OpinionIn):
    """Submit an opinion or suggestion as the caller (who needs a staff record)."""
    from tongxin.answers import services

    made = services.opinion_submit(user=request.auth, **payload.dict())
    return Status(201, opinion_list(user=request.auth, filters=OPINIONS.filters()).get(pk=made.pk))


class AnswerIn(Schema):
    answer: str = Field("", max_length=20000)


@router.post(
    "/answers/opinions/{opinion_id}/answer",
    response={200: OpinionDetail, **ERRORS},
    url_name="answers-opinion-answer",
)
def opinion_answer(request, opinion_id: Id, payload: AnswerIn):
    """The final answer to an opinion (party-affairs staff)."""
    from tongxin.answers import services

    opinion = scope_for(request.auth).get(Opinion, opinion_id, Perm.OPINION_TRIAGE)
    services.opinion_answer(user=request.auth, opinion=opinion, answer=payload.answer)
    return opinion_list(user=request.auth, filters=OPINIONS.filters()).get(pk=opinion.pk)


class ProgressIn(Schema):
    text: str = Field("", max_length=20000)


def _task_for(request, task_id, part):
    from tongxin.answers import services
    from tongxin.core.exceptions import Forbidden

    task = scope_for(request.auth).get(Task, task_id)
    if part not in services.part_of(request.auth, task):
        raise Forbidden("not this part", kind=Forbidden.VIEW_ONLY)
    return task


@router.post(
    "/answers/tasks/{task_id}/updates",
    response={201: UpdateOut, **ERRORS},
    url_name="answers-task-progress",
)
def task_progress(request, task_id: Id, payload: ProgressIn):
    """A progress update (the responsible person); evidence files are added on the page."""
    from tongxin.answers import machine, services

    task = _task_for(request, task_id, machine.RESPONSIBLE)
    return Status(201, services.task_progress(user=request.auth, task=task, text=payload.text))


class ActIn(Schema):
    text: str = Field("", max_length=20000, description="Reason or remarks (HTML).")
    deadline: datetime.date | None = Field(None, description="request_extension: the new date.")


@router.post(
    "/answers/tasks/{task_id}/actions/{action}",
    response={200: TaskDetail, **ERRORS},
    url_name="answers-task-act",
)
def task_act(
    request,
    task_id: Id,
    action: Literal[
        "request_extension", "approve_extension", "refuse_extension", "submit", "accept",
        "send_back", "cancel",
    ],
    payload: ActIn,
):  # fmt: skip
    """One step of the task's life (see docs/architecture.md, "Answers"): refused with 400 when
    the task's state does not allow it or someone else moved it first."""
    from tongxin.answers import machine, services

    part = next(m.part for (a, _s), m in machine.TRANSITIONS.items() if a == action)
    task = _task_for(request, task_id, part)
    services.task_act(
        user=request.auth, task=task, action=action, text=payload.text, deadline=payload.deadline
    )
    return Task.objects.select_related("responsible", "source_type").get(pk=task.pk)
