"""Query counts of the task and opinion lists, "my work" and the figures do not grow with
the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.answers.factories import opinion as make_opinion
from tests.answers.factories import task as make_task
from tongxin.answers import selectors
from tongxin.answers.models import Task

PAGES = [
    ("party", "/answers/tasks/"),
    ("party", "/answers/tasks/?state=overdue"),
    ("party", "/answers/opinions/"),
    ("party", "/answers/tasks/figures/"),
    ("party", "/answers/tasks/figures/?by=department"),
    ("member", "/answers/tasks/mine/"),
    ("party", "/answers/tasks/mine/?as=assigner"),
    ("member", "/answers/opinions/mine/"),
    ("party", "/api/v1/answers/tasks"),
    ("member", "/api/v1/answers/tasks?mine=responsible"),
    ("party", "/api/v1/answers/opinions"),
]


def _grow(world, n):
    for i in range(n):
        t = make_task(world, days=5 + i)
        if i % 2:
            Task.objects.filter(pk=t.pk).update(
                deadline=timezone.localdate() - datetime.timedelta(days=1)
            )
        make_opinion(world, title=f"意见{i}")


def _count(client, url):
    from django.core.cache import cache

    cache.clear()  # the header's waiting count (cached a minute) is computed in each run
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_list_queries_do_not_grow(world, client_for, role, url):
    client = client_for(role)
    _grow(world, 2)
    small = _count(client, url)
    _grow(world, 8)
    assert _count(client, url) == small


def test_waiting_counts_are_constant_queries_and_right(world):
    from django.contrib.auth import get_user_model

    def fresh():  # a new user object: its grants are loaded again, as in a new request
        return get_user_model().objects.get(pk=world.users["party"].pk)

    _grow(world, 2)
    user = fresh()
    with CaptureQueriesContext(connection) as small:
        before = selectors.waiting_counts(user)
    _grow(world, 6)
    user = fresh()
    with CaptureQueriesContext(connection) as big:
        after = selectors.waiting_counts(user)
    assert len(small) == len(big)
    assert after["triage"] == before["triage"] + 6
    member = selectors.waiting_counts(world.users["member"])
    due = Task.objects.filter(responsible=world.members[5], deadline__lte=timezone.localdate()
                              + datetime.timedelta(days=7)).count()  # fmt: skip
    assert member["due"] == due and member["triage"] == 0


def test_person_year_facts_in_one_query(world):
    from tongxin.answers import services

    _grow(world, 3)
    task = Task.objects.filter(deadline__gte=timezone.localdate()).first()
    services.task_act(user=world.users["member"], task=task, action="submit", text="<p>好</p>")
    services.task_act(user=world.users["party"], task=task, action="accept")
    ids = [p.pk for p in world.members]
    with CaptureQueriesContext(connection) as captured:
        facts = selectors.person_year_facts(ids, timezone.localdate().year)
    assert len(captured) == 1
    assert facts[world.members[5].pk] == {"tasks_closed_on_time": 1, "tasks_responsible": 3}
    assert facts[world.members[0].pk] == {"tasks_closed_on_time": 0, "tasks_responsible": 0}
