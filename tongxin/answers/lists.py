"""The answers app's lists: each page, its exports (.xlsx, CSV, background) and the API read
rows through one definition. The opinions' submitter column is the scoped annotation
`submitter_shown` (a hidden name is "" for whoever may not see it)."""

from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import gettext as _

from tongxin.answers import selectors
from tongxin.answers.models import ListItem, Opinion, ResponsibilityList, Task, TourVisit
from tongxin.core.listing import Column, Filters, ListDefinition
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for

OPINIONS = ListDefinition(
    filters=selectors.OpinionFilters,
    select=selectors.opinion_list,
    columns=lambda: [
        Column(_("Number"), lambda o: o.pk, field="id"),
        Column(_("Title"), lambda o: o.title, field="title"),
        Column(
            _("Topic"), lambda o: o.get_topic_display(), field="topic", labels=Opinion.Topic.choices
        ),  # fmt: skip
        Column(_("Submitted by"), lambda o: o.submitter_shown, field="submitter_shown"),
        Column(_("Court"), lambda o: o.court.name_zh, field="court__name_zh"),
        Column(
            _("State"), lambda o: o.get_state_display(), field="state", labels=Opinion.State.choices
        ),  # fmt: skip
        Column(_("Answer due"), lambda o: o.answer_due, field="answer_due"),
        Column(_("Submitted on"), lambda o: o.created_at.date(), field="created_at__date"),
    ],
    filename="opinions.xlsx",
    name="answers.opinions",
)

TASKS = ListDefinition(
    filters=selectors.TaskFilters,
    select=selectors.task_list,
    columns=lambda: [
        Column(_("Number"), lambda t: t.pk, field="id"),
        Column(_("Title"), lambda t: t.title, field="title"),
        Column(_("Court"), lambda t: t.court.name_zh, field="court__name_zh"),
        Column(
            _("Responsible department"),
            lambda t: t.department.name_zh if t.department else "",
            field="department__name_zh",
        ),
        Column(_("Responsible person"), lambda t: t.responsible.name, field="responsible__name"),
        Column(
            _("Source"),
            lambda t: t.source_type.model if t.source_type else "",
            field="source_type__model",
        ),  # fmt: skip
        Column(_("Deadline"), lambda t: t.deadline, field="deadline"),
        Column(
            _("State"), lambda t: t.get_state_display(), field="state", labels=Task.State.choices
        ),  # fmt: skip
        Column(_("Times extended"), lambda t: t.times_extended, field="times_extended"),
        Column(_("Closed on"), lambda t: t.closed_on, field="closed_on"),
        Column(_("Closed on time"), lambda t: t.closed_on_time, field="closed_on_time"),
    ],
    filename="rectification-tasks.xlsx",
    name="answers.tasks",
)


@dataclass
class ItemFilters(Filters):
    year: str = ""
    kind: str = ""


def item_list(*, user, filters: ItemFilters):
    qs = scope_for(user).visible(ListItem, Perm.LIST_VIEW)
    if filters.year.isdigit():
        qs = qs.filter(list__year=int(filters.year))
    if filters.kind in ResponsibilityList.Kind.values:
        qs = qs.filter(list__kind=filters.kind)
    return qs.select_related("list__court", "responsible_person").order_by(
        "list__court__path", "list_id", "deadline", "id"
    )


ITEMS = ListDefinition(
    filters=ItemFilters,
    select=item_list,
    columns=lambda: [
        Column(_("List"), lambda i: i.list.title, field="list__title"),
        Column(_("Year"), lambda i: i.list.year, field="list__year"),
        Column(_("Court"), lambda i: i.list.court.name_zh, field="list__court__name_zh"),
        Column(_("Content"), lambda i: i.content, field="content"),
        Column(_("Measures"), lambda i: i.measures, field="measures"),
        Column(
            _("Responsible person"),
            lambda i: i.responsible_person.name if i.responsible_person else "",
            field="responsible_person__name",
        ),  # fmt: skip
        Column(_("Responsible unit"), lambda i: i.responsible_unit, field="responsible_unit"),
        Column(_("Deadline"), lambda i: i.deadline, field="deadline"),
        Column(
            _("State"),
            lambda i: i.get_state_display(),
            field="state",
            labels=ListItem.State.choices,
        ),  # fmt: skip
        Column(_("Evidence"), lambda i: i.evidence, field="evidence"),
    ],
    filename="responsibility-lists.xlsx",
    name="answers.items",
)


@dataclass
class VisitFilters(Filters):
    year: str = ""
    state: str = ""


def visit_list(*, user, filters: VisitFilters):
    qs = scope_for(user).visible(TourVisit, Perm.TOUR_VIEW)
    if filters.year.isdigit():
        qs = qs.filter(planned_on__year=int(filters.year))
    if filters.state in TourVisit.State.values:
        qs = qs.filter(state=filters.state)
    return qs.select_related("court", "target").order_by("-planned_on", "-id")


VISITS = ListDefinition(
    filters=VisitFilters,
    select=visit_list,
    columns=lambda: [
        Column(_("Number"), lambda v: v.pk, field="id"),
        Column(_("Court"), lambda v: v.court.name_zh, field="court__name_zh"),
        Column(_("Unit visited"), lambda v: v.target.name_zh, field="target__name_zh"),
        Column(_("Planned on"), lambda v: v.planned_on, field="planned_on"),
        Column(_("Visited on"), lambda v: v.visited_on, field="visited_on"),
        Column(_("Team"), lambda v: v.team, field="team"),
        Column(
            _("State"),
            lambda v: v.get_state_display(),
            field="state",
            labels=TourVisit.State.choices,
        ),  # fmt: skip
    ],
    filename="tour-guidance.xlsx",
    name="answers.visits",
)

__all__ = ["ITEMS", "OPINIONS", "TASKS", "VISITS", "F"]
