"""Every write of the answers app: opinions, their triage, rectification tasks.

Keyword-only arguments, the acting user first; each write is one transaction, checked before
anything is saved, and audited. Responsibility lists and tour guidance: `answers.planning`.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.answers import machine
from tongxin.answers.models import Attachment, Milestone, Opinion, Task, TaskUpdate
from tongxin.answers.notices import notify
from tongxin.answers.sources import source_of
from tongxin.answers.texts import files_checked, plain, rich
from tongxin.core.audit import audit_record, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for

# Days within which an opinion should be answered (the figures' "answered within deadline").
ANSWER_DAYS = 30
STALE = gettext_lazy("Someone else changed this meanwhile; reload the page and try again.")


def _own_person(user):
    from tongxin.people.scope import own_person

    return own_person(scope_for(user))


def _attach(files, **parent) -> None:
    Attachment.objects.bulk_create(
        Attachment(name=name, content_type=ctype, size=len(data), data=data, **parent)
        for name, ctype, data in files
    )


def _bump(model, obj, *, expect: dict, **values) -> None:
    """The conditional UPDATE: only if the row is still as read (state, version)."""
    done = model.objects.filter(pk=obj.pk, version=obj.version, **expect).update(
        version=obj.version + 1, **values
    )
    if not done:
        raise ApplicationError(str(STALE))
    obj.version += 1
    for key, value in values.items():
        setattr(obj, key, value)


# Opinions -------------------------------------------------------------------------------


@transaction.atomic
def opinion_submit(*, user, topic: str, title: str, body: str, hide_name=False, files=()):
    person = _own_person(user)
    if person is None:
        raise ApplicationError(_("Only staff with a personnel record can submit opinions."))
    if topic not in Opinion.Topic.values:
        raise ApplicationError(_("Choose a topic."), extra={"topic": [_("Choose a topic.")]})
    title = plain(title, "title")
    body = rich(body, "body")
    checked = files_checked(files)
    opinion = Opinion.objects.create(
        court_id=person.court_id,
        submitter=person,
        hide_name=bool(hide_name),
        topic=topic,
        title=title,
        body=body,
        answer_due=timezone.localdate() + datetime.timedelta(days=ANSWER_DAYS),
    )
    _attach(checked, opinion=opinion)
    audit_record(
        actor=user, action="answers.opinion.created", obj=opinion, before=None,
        after=_opinion_snapshot(opinion),
    )  # fmt: skip
    return opinion


def _opinion_snapshot(opinion) -> dict:
    data = snapshot(opinion)
    if opinion.hide_name:
        data["submitter_id"] = None  # the audit log is read beyond party-affairs staff
    return data


def _triageable(user, opinion) -> None:
    if not scope_for(user).can(Perm.OPINION_TRIAGE, opinion):
        raise ApplicationError(_("Your roles do not allow triaging this opinion."))


@transaction.atomic
def opinion_answer(*, user, opinion: Opinion, answer: str) -> Opinion:
    """The final answer: directly, or once every task made from the opinion has ended."""
    _triageable(user, opinion)
    answer = rich(answer, "answer")
    if opinion.state not in (Opinion.State.SUBMITTED, Opinion.State.RECTIFYING):
        raise ApplicationError(_("This opinion has already been answered or merged."))
    if opinion.state == Opinion.State.RECTIFYING:
        live = Task.objects.filter(
            source_type__app_label="answers", source_type__model="opinion",
            source_id=opinion.pk, state__in=machine.LIVE,
        ).count()  # fmt: skip
        if live:
            raise ApplicationError(
                _("%(count)s task(s) made from this opinion are not closed yet.") % {"count": live}
            )
    before = _opinion_snapshot(opinion)
    _bump(
        Opinion, opinion, expect={"state": opinion.state}, state=Opinion.State.ANSWERED,
        answer=answer, answered_at=timezone.now(), answered_by=user,
    )  # fmt: skip
    audit_record(
        actor=user, action="answers.opinion.answered", obj=opinion, before=before,
        after=_opinion_snapshot(opinion),
    )  # fmt: skip
    url = reverse("answers:opinion-detail", args=[opinion.pk])
    for target in [opinion, *opinion.duplicates.select_related("submitter__user")]:
        notify(
            user=target.submitter.user,
            event_key=f"answers.opinion.answered:{target.pk}",
            subject=format_lazy(gettext_lazy("Your opinion “{}” has been answered"), target.title),
            url=reverse("answers:opinion-detail", args=[target.pk]) if target.pk else url,
        )
    return opinion


@transaction.atomic
def opinion_merge(*, user, opinion: Opinion, into: Opinion) -> Opinion:
    """A duplicate: its submitter follows the other opinion and gets its answer."""
    _triageable(user, opinion)
    if into is None or into.pk == opinion.pk:
        raise ApplicationError(_("Choose another opinion to merge this one into."))
    _triageable(user, into)
    if opinion.state != Opinion.State.SUBMITTED:
        raise ApplicationError(_("Only an opinion awaiting triage can be merged."))
    if into.state == Opinion.State.MERGED:
        raise ApplicationError(_("That opinion was itself merged; merge into the one it joined."))
    if opinion.duplicates.exists():
        raise ApplicationError(_("Other opinions were merged into this one; it cannot be merged."))
    before = _opinion_snapshot(opinion)
    _bump(
        Opinion, opinion, expect={"state": Opinion.State.SUBMITTED},
        state=Opinion.State.MERGED, merged_into=into,
    )  # fmt: skip
    audit_record(
        actor=user, action="answers.opinion.merged", obj=opinion, before=before,
        after=_opinion_snapshot(opinion),
    )  # fmt: skip
    return opinion


@transaction.atomic
def opinion_to_tasks(*, user, opinion: Opinion, tasks: list[dict]) -> list[Task]:
    """Turn an opinion into one or more rectification tasks (each dict: task_create's
    keywords but user and source)."""
    _triageable(user, opinion)
    if opinion.state not in (Opinion.State.SUBMITTED, Opinion.State.RECTIFYING):
        raise ApplicationError(_("This opinion has already been answered or merged."))
    if not tasks:
        raise ApplicationError(_("Describe at least one task."))
    made = [task_create(user=user, source=opinion, **values) for values in tasks]
    if opinion.state == Opinion.State.SUBMITTED:
        before = _opinion_snapshot(opinion)
        _bump(Opinion, opinion, expect={"state": opinion.state}, state=Opinion.State.RECTIFYING)
        audit_record(
            actor=user, action="answers.opinion.rectifying", obj=opinion, before=before,
            after=_opinion_snapshot(opinion),
        )  # fmt: skip
    notify(
        user=opinion.submitter.user,
        event_key=f"answers.opinion.rectifying:{opinion.pk}",
        subject=format_lazy(
            gettext_lazy("Your opinion “{}” became rectification tasks"), opinion.title
        ),
        url=reverse("answers:opinion-detail", args=[opinion.pk]),
    )
    return made


# Tasks ----------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    user,
    source=None,
    title: str,
    description: str,
    department=None,
    responsible,
    deadline: datetime.date,
    court=None,
    milestones=(),
) -> Task:
    """Create a rectification task (documented in docs/architecture.md, "Answers").

    `source`: any record of a model declared with `answers.sources.task_source` (or None);
    the task's court is the source's court, else `court`, else the responsible person's.
    The assigner (`user`) needs task.assign over that court; the responsible person and the
    department must belong to it; the deadline may not lie in the past. `milestones`:
    (title, due date) pairs, each due by the deadline.
    """
    errors: dict[str, list[str]] = {}
    declared = source_of(source) if source is not None else None
    if source is not None and declared is None:
        raise ApplicationError(
            _("%(model)s is not declared as a source of rectification tasks.")
            % {"model": source._meta.verbose_name}
        )
    if declared is not None and declared.court is not None:
        court = declared.court(source)
    if responsible is None:
        raise ApplicationError(
            _("Choose the responsible person."),
            extra={"responsible": [_("Choose the responsible person.")]},
        )
    court = court or responsible.court
    if not scope_for(user).covers_court(court, Perm.TASK_ASSIGN):
        raise ApplicationError(_("Your roles do not allow assigning tasks in this court."))
    if responsible.court_id != court.pk or not responsible.is_active:
        errors["responsible"] = [_("The responsible person must be active staff of %(court)s.")
                                 % {"court": court}]  # fmt: skip
    if department is not None and department.court_id != court.pk:
        errors["department"] = [_("The department must belong to %(court)s.") % {"court": court}]
    today = timezone.localdate()
    if not isinstance(deadline, datetime.date) or deadline < today:
        errors["deadline"] = [_("The deadline may not lie in the past.")]
    for _title, due in milestones or ():
        if isinstance(deadline, datetime.date) and (due < today or due > deadline):
            errors.setdefault("milestones", []).append(
                _("Each milestone falls between today and the deadline.")
            )
    try:
        title = plain(title, "title")
        description = rich(description, "description")
    except ApplicationError as error:
        for key, value in error.extra.items():
            errors.setdefault(key, []).extend(value)
    if errors:
        raise ApplicationError(" ".join(m for ms in errors.values() for m in ms), extra=errors)
    task = Task.objects.create(
        court=court,
        department=department,
        responsible=responsible,
        assigner=user,
        title=title,
        description=description,
        source=source,
        deadline=deadline,
        first_deadline=deadline,
    )
    Milestone.objects.bulk_create(
        Milestone(task=task, title=plain(name, "milestones"), due_on=due)
        for name, due in milestones or ()
    )
    TaskUpdate.objects.create(task=task, kind=TaskUpdate.Kind.CREATED, author=user)
    audit_record(
        actor=user, action="answers.task.created", obj=task, before=None, after=snapshot(task)
    )
    notify(
        user=responsible.user,
        event_key=f"answers.task.assigned:{task.pk}",
        subject=format_lazy(gettext_lazy("A rectification task was assigned to you: {}"), title),
        url=reverse("answers:task-detail", args=[task.pk]),
    )
    return task


def part_of(user, task: Task) -> set[str]:
    """The parts `user` plays in `task` (machine.RESPONSIBLE, machine.ASSIGNER). The
    responsible person never plays the assigner: nobody verifies their own task."""
    parts = set()
    person = _own_person(user)
    if person is not None and person.pk == task.responsible_id:
        parts.add(machine.RESPONSIBLE)
        return parts
    if task.assigner_id == user.pk or scope_for(user).can(Perm.TASK_ASSIGN, task):
        parts.add(machine.ASSIGNER)
    return parts


@transaction.atomic
def task_progress(*, user, task: Task, text: str, files=(), milestone_ids=()) -> TaskUpdate:
    """A progress update with evidence, by the responsible person, while the task is worked."""
    if machine.RESPONSIBLE not in part_of(user, task):
        raise ApplicationError(_("Only the responsible person reports progress."))
    if task.state not in machine.PROGRESS_STATES:
        raise ApplicationError(_("This task is not being worked on now."))
    text = rich(text, "text")
    checked = files_checked(files)
    # Lock the task row: progress is not a state change, but must not slip past one.
    if (
        not Task.objects.select_for_update()
        .filter(pk=task.pk, state__in=machine.PROGRESS_STATES)
        .exists()
    ):
        raise ApplicationError(str(STALE))
    update = TaskUpdate.objects.create(
        task=task, kind=TaskUpdate.Kind.PROGRESS, text=text, author=user
    )
    _attach(checked, update=update)
    if milestone_ids:
        task.milestones.filter(pk__in=milestone_ids, done_on__isnull=True).update(
            done_on=timezone.localdate()
        )
    audit_record(
        actor=user, action="answers.task.progress", obj=task, before=None,
        after={"update": update.pk, "files": len(checked)},
    )  # fmt: skip
    return update


KIND_OF = {
    "request_extension": TaskUpdate.Kind.EXTENSION_ASKED,
    "approve_extension": TaskUpdate.Kind.EXTENSION_APPROVED,
    "refuse_extension": TaskUpdate.Kind.EXTENSION_REFUSED,
    "submit": TaskUpdate.Kind.SUBMITTED,
    "accept": TaskUpdate.Kind.ACCEPTED,
    "send_back": TaskUpdate.Kind.SENT_BACK,
    "cancel": TaskUpdate.Kind.CANCELLED,
}
# Actions whose text (reason, answer) is required.
NEEDS_TEXT = {"request_extension", "refuse_extension", "send_back", "cancel", "submit"}


@transaction.atomic
def task_act(*, user, task: Task, action: str, text: str = "", deadline=None, files=()) -> Task:
    """Move a task by one transition of `answers.machine`; refused (nothing saved) when the
    action is not allowed from its state, the user does not play the part, or someone else
    moved the task first (the conditional UPDATE on state and version)."""
    step = machine.move(action, task.state)
    if step is None:
        raise ApplicationError(
            _("“%(action)s” is not possible while the task is “%(state)s”.")
            % {"action": ACTION_LABELS.get(action, action), "state": task.get_state_display()}
        )
    parts = part_of(user, task)
    if step.part not in parts:
        if step.part == machine.ASSIGNER and machine.RESPONSIBLE in parts:
            raise ApplicationError(_("You cannot verify or decide on your own task."))
        raise ApplicationError(_("Only the %(part)s may do this.") % {"part": PARTS[step.part]})
    text = rich(text, "text", required=action in NEEDS_TEXT)
    checked = files_checked(files)
    now = timezone.now()
    values: dict = {"state": step.to}
    if action == "request_extension":
        if not isinstance(deadline, datetime.date) or deadline <= task.deadline:
            message = _("The new deadline must be later than the current one.")
            raise ApplicationError(message, extra={"deadline": [message]})
        values.update(requested_deadline=deadline, extension_reason=text)
    elif action == "approve_extension":
        values.update(
            deadline=task.requested_deadline,
            requested_deadline=None,
            times_extended=task.times_extended + 1,
        )
    elif action == "refuse_extension":
        values.update(requested_deadline=None)
    elif action == "submit":
        values.update(submitted_at=now)
    elif action == "accept":
        today = timezone.localdate()
        values.update(closed_at=now, closed_on=today, closed_on_time=today <= task.deadline)
    elif action == "send_back":
        values.update(times_sent_back=task.times_sent_back + 1, submitted_at=None)
    elif action == "cancel":
        values.update(closed_at=now, closed_on=timezone.localdate())
    before = snapshot(task)
    _bump(Task, task, expect={"state": task.state}, **values)
    update = TaskUpdate.objects.create(
        task=task, kind=KIND_OF[action], text=text, author=user,
        deadline=values.get("requested_deadline") or values.get("deadline"),
    )  # fmt: skip
    _attach(checked, update=update)
    audit_record(
        actor=user, action=f"answers.task.{action}", obj=task, before=before, after=snapshot(task)
    )
    _announce(task, action, update)
    return task


def _announce(task: Task, action: str, update: TaskUpdate) -> None:
    """The other side hears of it: the assigner of a request or submission, the responsible
    person of a decision."""
    to_assigner = action in ("request_extension", "submit")
    notify(
        user=task.assigner if to_assigner else task.responsible.user,
        event_key=f"answers.task.{action}:{task.pk}:{update.pk}",
        subject=format_lazy(
            gettext_lazy("{}: {}"), TaskUpdate.Kind(KIND_OF[action]).label, task.title
        ),
        url=reverse("answers:task-detail", args=[task.pk]),
    )


ACTION_LABELS = {
    "request_extension": gettext_lazy("Request an extension"),
    "approve_extension": gettext_lazy("Approve the extension"),
    "refuse_extension": gettext_lazy("Refuse the extension"),
    "submit": gettext_lazy("Submit for verification"),
    "accept": gettext_lazy("Accept and close"),
    "send_back": gettext_lazy("Send back"),
    "cancel": gettext_lazy("Cancel the task"),
}
PARTS = {
    machine.RESPONSIBLE: gettext_lazy("responsible person"),
    machine.ASSIGNER: gettext_lazy("assigner"),
}
