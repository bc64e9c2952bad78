"""Two people acting on the same task at the same moment: exactly one wins.

On PostgreSQL the two run in threads with their own connections, released together by a
barrier (run with DATABASE_URL=postgres://...); SQLite's in-memory test database cannot be
shared between threads' connections, so there the test is skipped (the single-thread stale
copy test in test_machine covers the conditional UPDATE itself)."""

import threading

import pytest
from django.db import connection, connections

from tests.answers.factories import task as make_task
from tongxin.answers import machine, services
from tongxin.answers.models import Task
from tongxin.core.exceptions import ApplicationError


@pytest.mark.django_db(transaction=True)
def test_two_verifiers_at_once_cannot_both_win(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: threads share no SQLite in-memory database")
    from tests.factories import UserFactory, grant
    from tongxin.core.permissions import Role

    other = UserFactory(username="party2")
    grant(other, Role.PARTY_AFFAIRS, court=world.high)
    task = make_task(world)
    services.task_act(user=world.users["member"], task=task, action="submit", text="<p>好</p>")
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def act(name, user, action):
        try:
            copy = Task.objects.get(pk=task.pk)
            barrier.wait(timeout=10)
            services.task_act(user=user, task=copy, action=action, text="<p>意见</p>")
            results[name] = "won"
        except ApplicationError:
            results[name] = "lost"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("accept", world.users["party"], "accept")),
        threading.Thread(target=act, args=("send_back", other, "send_back")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values()) == ["lost", "won"], results
    task.refresh_from_db()
    winner = next(k for k, v in results.items() if v == "won")
    assert task.state == (machine.CLOSED if winner == "accept" else machine.OPEN)
    assert task.version == 2
    assert task.updates.filter(kind__in=["accepted", "sent_back"]).count() == 1
