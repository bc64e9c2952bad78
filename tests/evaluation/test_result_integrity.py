"""A result's computation and cycle are one pair checked by the database (migration 0007):
a result whose cycle is not its computation's is refused, on PostgreSQL by the foreign key
(computation_id, cycle_id) at commit, on SQLite by a trigger at once."""

import pytest
from django.db import IntegrityError, connection, transaction

from tests.evaluation.factories import cycle_make
from tongxin.evaluation.models import Computation, Result


def _result(run, cycle, person):
    return Result(
        computation=run,
        cycle=cycle,
        person=person,
        category="judge",
        unit="u",
        status=Result.Status.UNGRADED,
    )


def test_a_result_of_another_cycle_than_its_computation_is_refused(world):
    cycle = cycle_make(world)
    other = cycle_make(world, name="另一次考核")
    run = Computation.objects.create(cycle=cycle)
    person = world.members[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.bulk_create([_result(run, other, person)])
        connection.check_constraints()  # PostgreSQL: the deferred check, now
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.bulk_create([_result(run, cycle, person)])
        Result.objects.filter(computation=run).update(cycle=other)
        connection.check_constraints()
    # The right pair is accepted.
    with transaction.atomic():
        Result.objects.bulk_create([_result(run, cycle, person)])
        connection.check_constraints()
    assert Result.objects.filter(computation=run, cycle=cycle).count() == 1
