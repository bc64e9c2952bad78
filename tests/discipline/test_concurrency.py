"""Concurrent recording keeps each court's chain linear (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connection, connections

from tests.discipline.factories import record
from tongxin.discipline.chain import verify_register
from tongxin.discipline.models import RegisterEntry

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads need PostgreSQL's row locks"
)


def test_concurrent_recording_keeps_each_chain_linear(transactional_db, world):
    from tongxin.core.chain import verify_audit

    users = [world.users["member"], world.users["secretary"], world.users["committee"]]
    errors = []
    barrier = threading.Barrier(len(users) * 2)

    def work(user, n):
        try:
            barrier.wait()
            for i in range(n):
                record(user, person_name=f"{user.username}{i}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(u, 8)) for u in users * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    seqs = list(RegisterEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 49))
    assert verify_register().ok
    assert verify_audit().ok
