"""Due, overdue and escalation reminders: to whom, once per deadline, few queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.answers.factories import task as make_task
from tests.factories import UserFactory, grant
from tongxin.answers import reminders, services
from tongxin.answers.models import Task
from tongxin.core.permissions import Role

TODAY = timezone.localdate()


def _late(task, days):
    Task.objects.filter(pk=task.pk).update(deadline=TODAY - datetime.timedelta(days=days))


def test_due_overdue_and_escalation_go_to_the_right_people(world):
    basic_leader = UserFactory(username="basic-leader")
    grant(basic_leader, Role.COURT_LEADER, court=world.basic)
    soon = make_task(world, days=2)
    later = make_task(world, days=20)
    late = make_task(world, days=5)
    _late(late, 1)
    very_late = make_task(world, days=5)
    _late(very_late, 10)
    member = world.users["member"].pk
    due = list(reminders.due(TODAY))
    assert [(r.user_id, r.event_key.split(":")[1]) for r in due] == [(member, str(soon.pk))]
    overdue = {r.event_key.split(":")[1] for r in reminders.overdue(TODAY)}
    assert overdue == {str(late.pk), str(very_late.pk)}
    escalated = {(r.user_id, r.event_key.split(":")[1]) for r in reminders.escalation(TODAY)}
    # the assigner and the leader of the task's own court (not the high court's leader above)
    assert escalated == {
        (world.users["party"].pk, str(very_late.pk)),
        (basic_leader.pk, str(very_late.pk)),
    }
    assert later.pk not in {int(r.event_key.split(":")[1]) for r in due}


def test_leader_falls_back_to_the_court_above(world):
    task = make_task(world, days=5)
    _late(task, 10)
    users = {r.user_id for r in reminders.escalation(TODAY)}
    assert users == {world.users["party"].pk, world.users["leader"].pk}  # leader: high court


def test_an_extension_starts_reminders_afresh_and_closed_tasks_stay_quiet(world):
    task = make_task(world, days=1)
    [first] = list(reminders.due(TODAY))
    services.task_act(
        user=world.users["member"],
        task=task,
        action="request_extension",
        text="<p>需要时间</p>",
        deadline=TODAY + datetime.timedelta(days=2),
    )
    services.task_act(user=world.users["party"], task=task, action="approve_extension")
    [second] = list(reminders.due(TODAY))
    assert first.event_key != second.event_key
    services.task_act(user=world.users["member"], task=task, action="submit", text="<p>好</p>")
    assert list(reminders.due(TODAY)) == []


def test_reminders_take_constant_queries(world):
    for _ in range(2):
        _late(make_task(world), 10)
    with CaptureQueriesContext(connection) as small:
        list(reminders.escalation(TODAY))
    for _ in range(6):
        _late(make_task(world), 10)
    with CaptureQueriesContext(connection) as big:
        found = list(reminders.escalation(TODAY))
    assert len(small) == len(big) == 2 and len(found) == 16
