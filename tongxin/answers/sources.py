"""Task sources: which records a rectification task may point at, declared by their apps.

A task links to its source through one generic link (content type + id), so a new source
needs no new task model and the answers app imports no other app. An app declares its model
once, e.g. in its `AppConfig.ready()`:

    from tongxin.answers.sources import task_source

    task_source(
        "meetings.MeetingIssue",
        label=gettext_lazy("Democratic life meeting issue"),
        url=lambda issue: reverse("meetings:meeting-detail", args=[issue.meeting_id]),
        court=lambda issue: issue.meeting.court,          # optional: the source's court
    )

and creates tasks with `answers.services.task_create(user=..., source=issue, ...)`. The task
page names the source by its label and `str(obj)` and links back with `url(obj)`; a task
whose source model is not declared is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TaskSource:
    model: str  # "app_label.ModelName"
    label: Any
    url: Callable[[Any], str] | None = None
    court: Callable[[Any], Any] | None = None


_SOURCES: dict[str, TaskSource] = {}


def task_source(model: str, *, label, url=None, court=None) -> TaskSource:
    """Declare `model` ("app_label.ModelName") a source of rectification tasks."""
    source = TaskSource(model=model.lower(), label=label, url=url, court=court)
    _SOURCES[source.model] = source
    return source


def source_of(obj) -> TaskSource | None:
    return _SOURCES.get(obj._meta.label_lower) if obj is not None else None


def sources() -> dict[str, TaskSource]:
    return dict(_SOURCES)


def _opinion_url(obj):
    from django.urls import reverse

    return reverse("answers:opinion-detail", args=[obj.pk])


def _item_url(obj):
    from django.urls import reverse

    return reverse("answers:resp-detail", args=[obj.list_id])


def _finding_url(obj):
    from django.urls import reverse

    return reverse("answers:tour-detail", args=[obj.visit_id])


task_source("answers.Opinion", label=_("Opinion"), url=_opinion_url, court=lambda o: o.court)
task_source(
    "answers.ListItem",
    label=_("Responsibility-list item"),
    url=_item_url,
    court=lambda item: item.list.court,
)
task_source(
    "answers.Finding",
    label=_("Tour guidance finding"),
    url=_finding_url,
    court=lambda f: f.visit.target,  # the unit visited rectifies
)


def tasks_of(model: str, ids) -> dict:
    """The tasks made from these records of a declared source ("app_label.model"), by record
    id (one query): for a source's own page to show what became of each record."""
    from tongxin.answers.models import Task

    app_label, _dot, name = model.lower().partition(".")
    found: dict = {}
    rows = Task.objects.filter(
        source_type__app_label=app_label, source_type__model=name, source_id__in=list(ids)
    ).select_related("responsible")
    for task in rows.order_by("id"):
        found.setdefault(task.source_id, []).append(task)
    return found
