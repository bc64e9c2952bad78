"""The task state machine: every allowed transition, every forbidden one refused, and the
parts (the responsible person never verifies their own task)."""

import datetime
import itertools

import pytest
from django.utils import timezone

from tests.answers.factories import task as make_task
from tongxin.answers import machine, services
from tongxin.answers.models import Task, TaskUpdate
from tongxin.core.exceptions import ApplicationError

LATER = timezone.localdate() + datetime.timedelta(days=60)


def _put(task, state):
    Task.objects.filter(pk=task.pk).update(state=state, requested_deadline=LATER)
    task.refresh_from_db()
    return task


def _actor(world, part):
    return world.users["member"] if part == machine.RESPONSIBLE else world.users["party"]


def _text(action):
    return "<p>理由</p>"


@pytest.mark.parametrize(("action", "state"), sorted(machine.TRANSITIONS))
def test_every_allowed_transition(world, action, state):
    step = machine.TRANSITIONS[(action, state)]
    task = _put(make_task(world), state)
    services.task_act(
        user=_actor(world, step.part), task=task, action=action, text=_text(action),
        deadline=LATER + datetime.timedelta(days=1),
    )  # fmt: skip
    task.refresh_from_db()
    assert task.state == step.to
    assert task.version == 1
    assert task.updates.filter(kind=services.KIND_OF[action]).count() == 1


FORBIDDEN = [
    (action, state)
    for action, state in itertools.product(machine.ACTIONS, machine.STATES)
    if (action, state) not in machine.TRANSITIONS
]


@pytest.mark.parametrize(("action", "state"), FORBIDDEN)
def test_every_forbidden_transition_is_refused(world, action, state):
    task = _put(make_task(world), state)
    part = next(m.part for (a, _s), m in machine.TRANSITIONS.items() if a == action)
    with pytest.raises(ApplicationError):
        services.task_act(
            user=_actor(world, part), task=task, action=action, text="x",
            deadline=LATER + datetime.timedelta(days=1),
        )  # fmt: skip
    task.refresh_from_db()
    assert task.state == state and task.version == 0
    assert task.updates.count() == 1  # only "assigned"


def test_forbidden_list_is_not_empty():
    assert len(FORBIDDEN) == len(machine.ACTIONS) * len(machine.STATES) - len(machine.TRANSITIONS)
    assert len(FORBIDDEN) > 20


@pytest.mark.parametrize(("action", "state"), sorted(machine.TRANSITIONS))
def test_the_wrong_part_is_refused(world, action, state):
    step = machine.TRANSITIONS[(action, state)]
    task = _put(make_task(world), state)
    wrong = world.users["party"] if step.part == machine.RESPONSIBLE else world.users["member"]
    with pytest.raises(ApplicationError):
        services.task_act(user=wrong, task=task, action=action, text="x",
                          deadline=LATER + datetime.timedelta(days=1))  # fmt: skip
    task.refresh_from_db()
    assert task.state == state


def test_nobody_verifies_their_own_task(world):
    """Party-affairs staff with a staff record, responsible for a task they assigned."""
    from tests.factories import PersonFactory

    me = PersonFactory(court=world.basic, user=world.users["party"])
    task = make_task(world, responsible=me)
    services.task_act(user=world.users["party"], task=task, action="submit", text="<p>完成</p>")
    with pytest.raises(ApplicationError, match="your own task"):
        services.task_act(user=world.users["party"], task=task, action="accept")
    task.refresh_from_db()
    assert task.state == machine.SUBMITTED


def test_a_full_life_with_extension_and_send_back(world):
    task = make_task(world, days=5)
    member, party = world.users["member"], world.users["party"]
    services.task_progress(user=member, task=task, text="<p>已增加一个窗口</p>")
    services.task_act(user=member, task=task, action="request_extension",
                      text="<p>设备未到</p>", deadline=LATER)  # fmt: skip
    services.task_act(user=party, task=task, action="approve_extension")
    assert task.deadline == LATER and task.times_extended == 1
    services.task_act(user=member, task=task, action="submit", text="<p>完成</p>")
    services.task_act(user=party, task=task, action="send_back", text="<p>缺少照片</p>")
    services.task_act(user=member, task=task, action="submit", text="<p>补充照片</p>")
    services.task_act(user=party, task=task, action="accept")
    task.refresh_from_db()
    assert task.state == machine.CLOSED and task.closed_on_time is True
    assert task.times_sent_back == 1
    kinds = list(task.updates.values_list("kind", flat=True))
    assert kinds == ["created", "progress", "extension_asked", "extension_approved",
                     "submitted", "sent_back", "submitted", "accepted"]  # fmt: skip
    assert TaskUpdate.objects.filter(task=task).count() == 8


def test_a_stale_copy_loses(world):
    """Two people read the same task; the second to act finds it changed and saves nothing."""
    task = make_task(world)
    services.task_act(user=world.users["member"], task=task, action="submit", text="<p>好</p>")
    first = Task.objects.get(pk=task.pk)
    second = Task.objects.get(pk=task.pk)
    services.task_act(user=world.users["party"], task=first, action="accept")
    with pytest.raises(ApplicationError, match="changed this meanwhile"):
        services.task_act(user=world.users["admin"], task=second, action="send_back",
                          text="<p>退回</p>")  # fmt: skip
    task.refresh_from_db()
    assert task.state == machine.CLOSED
    assert task.updates.filter(kind="sent_back").count() == 0
