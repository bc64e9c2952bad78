"""Pages of opinions and rectification tasks (lists, tour guidance, figures: views_plan)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.answers import machine, services
from tongxin.answers.forms import (
    ActForm,
    AnswerForm,
    MergeForm,
    OpinionForm,
    ProgressForm,
    TaskForm,
)
from tongxin.answers.lists import OPINIONS, TASKS
from tongxin.answers.models import Attachment, Opinion, Task
from tongxin.answers.scope import sees_hidden_name
from tongxin.answers.sources import source_of
from tongxin.core.access import requires
from tongxin.core.exceptions import ApplicationError, Forbidden, NotFound
from tongxin.core.listing import form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.people.scope import own_person

# Opinions -----------------------------------------------------------------------------------


@requires(signed_in=True)
def opinion_mine(request):
    return _opinion_page(request, mine=True)


def _opinion_page(request, *, mine: bool):
    from tongxin.answers.selectors import opinion_list

    definition = OPINIONS
    if mine:
        from tongxin.core.listing import ListDefinition

        definition = ListDefinition(
            filters=OPINIONS.filters,
            select=lambda *, user, filters: opinion_list(user=user, filters=filters, mine=True),
            columns=OPINIONS.columns,
            filename="my-opinions.xlsx",
        )
    return definition.page(
        request,
        template="answers/opinion_list.html",
        context={
            "mine": mine,
            "states": Opinion.State.choices,
            "topics": Opinion.Topic.choices,
            "can_submit": own_person(scope_for(request.user)) is not None,
        },
    )


@requires(Perm.OPINION_VIEW)
def opinion_list(request):
    return _opinion_page(request, mine=False)


@requires(signed_in=True)
def opinion_submit(request):
    form = OpinionForm(request.POST or None, request.FILES or None)
    created = {}

    def action(data):
        created["o"] = services.opinion_submit(
            user=request.user,
            topic=data["topic"],
            title=data["title"],
            body=data["body"],
            hide_name=data["hide_name"],
            files=data["files"],
        )

    return form_page(
        request,
        form=form,
        action=action,
        success=_("Your opinion was submitted. You will see here what becomes of it."),
        redirect_to=lambda: reverse("answers:opinion-detail", args=[created["o"].pk]),
        template="answers/form.html",
        context={"title": _("Submit an opinion or suggestion"), "multipart": True},
    )


@requires(None, Opinion, signed_in=True)
def opinion_detail(request, opinion: Opinion):
    scope = scope_for(request.user)
    me = own_person(scope)
    name_shown = (
        not opinion.hide_name
        or (me is not None and me.pk == opinion.submitter_id)
        or sees_hidden_name(scope, opinion.court)
    )
    tasks = Task.objects.filter(
        source_type__app_label="answers", source_type__model="opinion", source_id=opinion.pk
    ).select_related("responsible", "department")
    final = opinion.merged_into if opinion.state == Opinion.State.MERGED else opinion
    return render(
        request,
        "answers/opinion_detail.html",
        {
            "opinion": opinion,
            "submitter": opinion.submitter.name if name_shown else _("(name hidden)"),
            "tasks": tasks,
            "final": final,
            "can_triage": scope.can(Perm.OPINION_TRIAGE, opinion),
            "attachments": opinion.attachments.only("pk", "name", "size"),
        },
    )


@requires(Perm.OPINION_TRIAGE, Opinion)
def opinion_answer(request, opinion: Opinion):
    return form_page(
        request,
        form=AnswerForm(request.POST or None),
        action=lambda d: services.opinion_answer(
            user=request.user, opinion=opinion, answer=d["answer"]
        ),
        success=_("The answer was sent to the submitter."),
        redirect_to=reverse("answers:opinion-detail", args=[opinion.pk]),
        template="answers/form.html",
        context={"title": _("Answer the opinion"), "object": opinion},
    )


@requires(Perm.OPINION_TRIAGE, Opinion)
def opinion_merge(request, opinion: Opinion):
    scope = scope_for(request.user)

    def action(data):
        try:
            into = scope.get(Opinion, data["into"], Perm.OPINION_TRIAGE)
        except ApplicationError:
            raise ApplicationError(_("There is no such opinion within your reach.")) from None
        services.opinion_merge(user=request.user, opinion=opinion, into=into)

    return form_page(
        request,
        form=MergeForm(request.POST or None),
        action=action,
        success=_("The opinion was merged; its submitter will get the other one's answer."),
        redirect_to=reverse("answers:opinion-detail", args=[opinion.pk]),
        template="answers/form.html",
        context={"title": _("Merge with a duplicate"), "object": opinion},
    )


@requires(Perm.OPINION_TRIAGE, Opinion)
def opinion_task(request, opinion: Opinion):
    form = TaskForm(request.POST or None, court=opinion.court)

    def action(data):
        services.opinion_to_tasks(
            user=request.user,
            opinion=opinion,
            tasks=[_task_values(data)],
        )

    return form_page(
        request,
        form=form,
        action=action,
        success=_("The rectification task was created."),
        redirect_to=reverse("answers:opinion-detail", args=[opinion.pk]),
        template="answers/form.html",
        context={"title": _("Turn into a rectification task"), "object": opinion},
    )


def _task_values(data) -> dict:
    return {
        "title": data["title"],
        "description": data["description"],
        "responsible": data["responsible"],
        "department": data["department"],
        "deadline": data["deadline"],
        "milestones": data["milestones"],
    }


# Tasks ---------------------------------------------------------------------------------------


@requires(Perm.TASK_VIEW)
def task_list(request):
    return TASKS.page(
        request,
        template="answers/task_list.html",
        context={"states": Task.State.choices, "mine": ""},
    )


@requires(signed_in=True)
def task_mine(request):
    from tongxin.answers.selectors import task_list as select
    from tongxin.core.listing import ListDefinition

    mine = "assigned" if request.GET.get("as") == "assigner" else "responsible"
    definition = ListDefinition(
        filters=TASKS.filters,
        select=lambda *, user, filters: select(user=user, filters=filters, mine=mine),
        columns=TASKS.columns,
        filename="my-tasks.xlsx",
    )
    return definition.page(
        request,
        template="answers/task_list.html",
        context={"states": Task.State.choices, "mine": mine},
    )


@requires(None, Task, signed_in=True)
def task_detail(request, task: Task):
    parts = services.part_of(request.user, task)
    actions = [
        (action, services.ACTION_LABELS[action])
        for action in machine.actions_from(task.state)
        if machine.move(action, task.state).part in parts
    ]
    source = task.source if task.source_type_id else None
    declared = source_of(source)
    updates = list(task.updates.select_related("author").prefetch_related("attachments"))
    return render(
        request,
        "answers/task_detail.html",
        {
            "task": task,
            "overdue": task.state in machine.WORKING and task.deadline < timezone.localdate(),
            "actions": actions,
            "can_progress": machine.RESPONSIBLE in parts and task.state in machine.PROGRESS_STATES,
            "source": source,
            "source_label": declared.label if declared else "",
            "source_url": declared.url(source) if declared and declared.url else "",
            "milestones": task.milestones.all(),
            "updates": updates,
        },
    )


@requires(None, Task, signed_in=True)
def task_progress(request, task: Task):
    if machine.RESPONSIBLE not in services.part_of(request.user, task):
        raise Forbidden("not responsible", kind=Forbidden.VIEW_ONLY)
    form = ProgressForm(request.POST or None, request.FILES or None, task=task)
    return form_page(
        request,
        form=form,
        action=lambda d: services.task_progress(
            user=request.user,
            task=task,
            text=d["text"],
            files=d["files"],
            milestone_ids=[int(m) for m in d["milestones"]],
        ),  # fmt: skip
        success=_("Progress recorded."),
        redirect_to=reverse("answers:task-detail", args=[task.pk]),
        template="answers/form.html",
        context={"title": _("Report progress"), "object": task, "multipart": True},
    )


@requires(None, Task, signed_in=True)
def task_act(request, task: Task, action: str):
    if action not in services.ACTION_LABELS:
        raise NotFound("no such action")
    parts = services.part_of(request.user, task)
    if not any(
        move.part in parts for (act, _s), move in machine.TRANSITIONS.items() if act == action
    ):
        raise Forbidden("not this part", kind=Forbidden.VIEW_ONLY)
    form = ActForm(request.POST or None, request.FILES or None)
    if action != "request_extension":
        del form.fields["deadline"]
    return form_page(
        request,
        form=form,
        action=lambda d: services.task_act(
            user=request.user,
            task=task,
            action=action,
            text=d["text"],
            deadline=d.get("deadline"),
            files=d["files"],
        ),  # fmt: skip
        success=_("Done: %(action)s.") % {"action": services.ACTION_LABELS[action]},
        redirect_to=reverse("answers:task-detail", args=[task.pk]),
        template="answers/form.html",
        context={"title": services.ACTION_LABELS[action], "object": task, "multipart": True},
    )


@requires(None, Attachment, signed_in=True)
def attachment_download(request, attachment: Attachment):
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
