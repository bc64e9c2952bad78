"""What the periodic job tells people about rectification tasks, computed in a few queries
whatever the number of tasks (the inbox module wraps these in its Drafts).

- due: a task being worked on whose deadline falls within DUE_DAYS → its responsible person;
- overdue: past its deadline → its responsible person (flagged on every list as well);
- escalation: overdue by ESCALATE_DAYS or more → the assigner and the responsible person's
  leader: the users holding the court-leader role on the task's court or, failing that, on
  the nearest court above it (the product has no department heads yet).
Event keys carry the task and its deadline, so a notice is sent once per deadline (an
extension starts the reminders afresh).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tongxin.answers import machine
from tongxin.answers.models import Task

DUE_DAYS = 3
ESCALATE_DAYS = 3


@dataclass(frozen=True)
class Reminder:
    user_id: int
    event_key: str
    subject: object
    url: str


def _tasks(today, **condition):
    return (
        Task.objects.filter(state__in=machine.WORKING, **condition)
        .select_related("responsible", "court")
        .only(
            "pk",
            "title",
            "deadline",
            "assigner_id",
            "responsible__user_id",
            "responsible__name",
            "court__path",
        )
        .order_by("deadline", "pk")
    )


def due(today: datetime.date):
    for task in _tasks(
        today, deadline__gte=today, deadline__lte=today + datetime.timedelta(days=DUE_DAYS)
    ):
        if task.responsible.user_id:
            yield Reminder(
                task.responsible.user_id,
                f"answers.due:{task.pk}:{task.deadline:%Y%m%d}",
                format_lazy(_("Rectification task due on {}: {}"), task.deadline, task.title),
                reverse("answers:task-detail", args=[task.pk]),
            )


def overdue(today: datetime.date):
    for task in _tasks(today, deadline__lt=today):
        if task.responsible.user_id:
            yield Reminder(
                task.responsible.user_id,
                f"answers.overdue:{task.pk}:{task.deadline:%Y%m%d}",
                format_lazy(
                    _("Rectification task overdue since {}: {}"), task.deadline, task.title
                ),
                reverse("answers:task-detail", args=[task.pk]),
            )


def leaders_by_court_path() -> dict[str, list[int]]:
    """Court path → the users holding the court-leader role there (one query)."""
    from tongxin.accounts.models import RoleGrant
    from tongxin.core.permissions import Role

    found: dict[str, list[int]] = {}
    for path, user_id in RoleGrant.objects.filter(
        role=Role.COURT_LEADER, court__isnull=False, user__is_active=True
    ).values_list("court__path", "user_id"):
        found.setdefault(path, []).append(user_id)
    return found


def leaders_for(path: str, leaders: dict[str, list[int]]) -> list[int]:
    """The leaders of the court at `path`, or of the nearest court above it."""
    while path:
        if path in leaders:
            return leaders[path]
        path = path[: path[:-1].rfind(".") + 1]
    return []


def escalation(today: datetime.date):
    leaders = leaders_by_court_path()
    limit = today - datetime.timedelta(days=ESCALATE_DAYS)
    for task in _tasks(today, deadline__lte=limit):
        subject = format_lazy(
            _("Escalated: rectification task overdue since {} ({}): {}"),
            task.deadline,
            task.responsible.name,
            task.title,
        )
        url = reverse("answers:task-detail", args=[task.pk])
        for user_id in {task.assigner_id, *leaders_for(task.court.path, leaders)}:
            if user_id != task.responsible.user_id:
                yield Reminder(
                    user_id,
                    f"answers.escalated:{task.pk}:{task.deadline:%Y%m%d}:{user_id}",
                    subject,
                    url,
                )
