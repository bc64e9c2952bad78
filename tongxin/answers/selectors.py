"""Reads of the answers app: scoped lists, "my work" counts, figures, facts for evaluation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.utils import timezone

from tongxin.answers import machine
from tongxin.answers.models import Opinion, Task
from tongxin.answers.scope import names_shown_q
from tongxin.core.listing import Filters
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for


def submitter_shown(user):
    """The submitter's name as this reader may see it: "" when hidden from them (pages,
    exports and the API all read this annotation, never the name itself)."""
    scope = scope_for(user)
    own = scope.memo("answers.own_person_id", lambda: _own_id(scope))
    whens = [When(hide_name=False, then=F("submitter__name"))]
    if own is not None:
        whens.append(When(submitter_id=own, then=F("submitter__name")))
    whens.append(When(names_shown_q(scope), then=F("submitter__name")))
    return Case(*whens, default=Value(""), output_field=CharField())


def _own_id(scope):
    from tongxin.people.scope import own_person

    person = own_person(scope)
    return person.pk if person else None


@dataclass
class OpinionFilters(Filters):
    q: str = ""
    state: str = ""
    topic: str = ""


def opinion_list(*, user, filters: OpinionFilters, mine: bool = False):
    scope = scope_for(user)
    qs = scope.visible(Opinion, Perm.OPINION_VIEW)
    if mine:
        qs = qs.filter(submitter_id=_own_id(scope) or 0)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    if filters.state in Opinion.State.values:
        qs = qs.filter(state=filters.state)
    if filters.topic in Opinion.Topic.values:
        qs = qs.filter(topic=filters.topic)
    return (
        qs.select_related("court", "merged_into")
        .annotate(submitter_shown=submitter_shown(user))
        .order_by("-id")
    )


@dataclass
class TaskFilters(Filters):
    q: str = ""
    state: str = ""  # a state, "live" (default: not ended), "overdue" or "all"
    court: str = ""  # court code: that court only


def overdue_q(today=None) -> Q:
    return Q(state__in=machine.WORKING, deadline__lt=today or timezone.localdate())


def task_list(*, user, filters: TaskFilters, mine: str = ""):
    """The tasks the user reaches; `mine`: "responsible" or "assigned" (their own work)."""
    scope = scope_for(user)
    qs = scope.visible(Task, Perm.TASK_VIEW)
    if mine == "responsible":
        qs = qs.filter(responsible_id=_own_id(scope) or 0)
    elif mine == "assigned":
        qs = qs.filter(assigner_id=user.pk).exclude(responsible_id=_own_id(scope) or 0)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    if filters.court:
        qs = qs.filter(court__code=filters.court)
    state = filters.state or "live"
    if state == "live":
        qs = qs.filter(state__in=machine.LIVE)
    elif state == "overdue":
        qs = qs.filter(overdue_q())
    elif state in Task.State.values:
        qs = qs.filter(state=state)
    return qs.select_related("court", "department", "responsible", "source_type").order_by(
        "deadline", "id"
    )


# "My work" -----------------------------------------------------------------------------


def waiting_counts(user) -> dict[str, int]:
    """What waits for `user` now, in one query per kind of row: tasks due within a week
    (theirs, being worked on), tasks to verify and extensions to decide (assigned by them,
    never their own), opinions awaiting triage in their opinion.triage reach."""
    scope = scope_for(user)
    own = _own_id(scope)
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=7)
    mine = Q(responsible_id=own or 0)
    # Verifying and deciding wait for whoever assigned the task (staff holding task.assign
    # over its court may stand in for them from the task's page, but are not reminded).
    decide = Q(assigner_id=user.pk) & ~mine
    counts = Task.objects.filter(Q(state__in=machine.LIVE) & (mine | decide)).aggregate(
        due=Count("pk", filter=mine & Q(state__in=machine.WORKING, deadline__lte=soon)),
        verify=Count("pk", filter=decide & Q(state=machine.SUBMITTED)),
        extensions=Count("pk", filter=decide & Q(state=machine.EXTENSION)),
    )
    counts["triage"] = (
        scope.visible(Opinion, Perm.OPINION_TRIAGE).filter(state=Opinion.State.SUBMITTED).count()
        if scope.has(Perm.OPINION_TRIAGE)
        else 0
    )
    return counts


# Figures ---------------------------------------------------------------------------------


def figures(*, user, by: str = "court"):
    """Per court (or per department): open, overdue, closed on time, closed late, average
    days to close; and per court the share of opinions answered within their deadline. A
    fixed number of grouped queries."""
    scope = scope_for(user)
    today = timezone.localdate()
    key = "department" if by == "department" else "court"
    names = ["court__name_zh", "department__name_zh"] if key == "department" else ["court__name_zh"]
    days = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
    rows = list(
        scope.visible(Task, Perm.TASK_VIEW)
        .exclude(state=machine.CANCELLED)
        .values(f"{key}_id", *names)
        .annotate(
            open=Count("pk", filter=Q(state__in=machine.LIVE)),
            overdue=Count("pk", filter=overdue_q(today)),
            on_time=Count("pk", filter=Q(state=machine.CLOSED, closed_on_time=True)),
            late=Count("pk", filter=Q(state=machine.CLOSED, closed_on_time=False)),
            avg_close=Avg(days, filter=Q(state=machine.CLOSED)),
        )
        .order_by(*names)
    )
    for row in rows:
        avg = row.pop("avg_close")
        row["avg_days"] = round(avg.total_seconds() / 86400, 1) if avg is not None else None
        row["name"] = " · ".join(filter(None, (row.get(n) for n in names))) or "—"
    opinions = {}
    if key == "court":
        for row in (
            scope.visible(Opinion, Perm.OPINION_VIEW)
            .values("court_id")
            .annotate(
                total=Count("pk", filter=Q(answer_due__lt=today) | Q(state="answered")),
                in_time=Count(
                    "pk", filter=Q(state="answered", answered_at__date__lte=F("answer_due"))
                ),
            )
            .order_by()
        ):
            opinions[row["court_id"]] = row
        for row in rows:
            found = opinions.get(row["court_id"])
            row["answered_share"] = (
                round(100 * found["in_time"] / found["total"]) if found and found["total"] else None
            )
    return rows


# For the evaluation app ----------------------------------------------------------------------


def person_year_facts(person_ids, year: int) -> dict[int, dict[str, int]]:
    """Per person: rectification tasks they were responsible for that were live at some point
    of `year` (`tasks_responsible`) and those closed that year on time
    (`tasks_closed_on_time`). One query, whatever the number of people."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    ids = list(person_ids)
    out = {pid: {"tasks_closed_on_time": 0, "tasks_responsible": 0} for pid in ids}
    rows = (
        Task.objects.filter(responsible_id__in=ids, created_at__date__lte=end)
        .exclude(state=machine.CANCELLED)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .values("responsible_id")
        .annotate(
            responsible=Count("pk"),
            on_time=Count(
                "pk",
                filter=Q(state=machine.CLOSED, closed_on_time=True, closed_on__range=(start, end)),
            ),
        )
        .order_by()
    )
    for row in rows:
        out[row["responsible_id"]] = {
            "tasks_closed_on_time": row["on_time"],
            "tasks_responsible": row["responsible"],
        }
    return out
