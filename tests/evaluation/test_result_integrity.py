"""What the database checks of a result's references (migrations 0007, 0008), as foreign keys
would: its computation and cycle are one pair (a result whose cycle is not its computation's
is refused), its person exists, and a person or computation that results name can be neither
deleted nor renumbered. PostgreSQL checks by triggers (row by row for ordinary writes; the bulk
writer checks what it copied in one query) with an advisory lock for concurrent deletes;
SQLite by its foreign key for the person (checked at commit: `check_constraints` checks now)
and by triggers for the pair."""

import importlib
import threading

import pytest
from django.apps import apps as django_apps
from django.core.management.color import no_style
from django.db import IntegrityError, connection, connections, transaction

from tests.evaluation.factories import cycle_make
from tongxin.evaluation import compute
from tongxin.evaluation.models import Computation, Result, Scheme
from tongxin.people.models import Person


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


def _checked_now():
    """SQLite checks the person's foreign key at commit: here, now, for the results only (a
    person has other references, which would fail the check for another reason). PostgreSQL's
    triggers refuse at once."""
    if connection.vendor == "sqlite":
        connection.check_constraints(table_names=["evaluation_result"])


def _refused(sql, params):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        _checked_now()


def test_a_result_of_no_person_is_refused(world):
    cycle = cycle_make(world)
    run = Computation.objects.create(cycle=cycle)
    ghost = Person.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    result = _result(run, cycle, world.members[0])
    result.person_id = ghost
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.bulk_create([result])
        _checked_now()
    with transaction.atomic():
        Result.objects.bulk_create([_result(run, cycle, world.members[0])])
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.filter(computation=run).update(person_id=ghost)
        _checked_now()
    assert Result.objects.get(computation=run).person_id == world.members[0].pk


def test_what_results_name_is_neither_deleted_nor_renumbered(world):
    cycle = cycle_make(world)
    run = Computation.objects.create(cycle=cycle)
    person = world.members[0]
    Result.objects.bulk_create([_result(run, cycle, person)])
    # In SQL, past the ORM's PROTECT and cascade: what a foreign key would stop.
    _refused("DELETE FROM people_person WHERE id = %s", [person.pk])
    if connection.vendor == "postgresql":  # SQLite: the ORM's cascade only (migration 0008)
        _refused("DELETE FROM evaluation_computation WHERE id = %s", [run.pk])
    _refused("UPDATE people_person SET id = id + 1000000 WHERE id = %s", [person.pk])
    _refused("UPDATE evaluation_computation SET id = id + 1000000 WHERE id = %s", [run.pk])
    assert Person.objects.filter(pk=person.pk).exists()
    # A person without results goes; a computation goes with its results (the cascade).
    spare = world.members[-1]
    assert not Result.objects.filter(person=spare).exists()
    Result.objects.filter(computation=run).delete()
    run.delete()
    assert not Computation.objects.filter(pk=run.pk).exists()


def _waiting_on_a_lock(pid) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [pid]
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _race(first, second):
    """`first` runs in a transaction left open until `second`, in another thread, waits on
    a lock; then `first` commits. Returns (first's error, second's error)."""
    errors = {}
    ready, go = threading.Event(), threading.Event()
    pids = {}

    def run(name, work, hold):
        try:
            with transaction.atomic():
                pids[name] = connection.cursor().connection.info.backend_pid
                work()
                if hold:
                    ready.set()
                    go.wait(timeout=60)
        except IntegrityError as error:
            errors[name] = error
        finally:
            ready.set()
            connections.close_all()

    one = threading.Thread(target=run, args=("first", first, True))
    one.start()
    ready.wait(timeout=60)
    two = threading.Thread(target=run, args=("second", second, False))
    two.start()
    for _ in range(600):  # until the second waits on the first's lock (or has finished)
        if not two.is_alive() or ("second" in pids and _waiting_on_a_lock(pids["second"])):
            break
        threading.Event().wait(0.05)
    waited = "second" in pids and two.is_alive()
    go.set()
    one.join(timeout=60)
    two.join(timeout=60)
    return waited, errors.get("first"), errors.get("second")


def _written(run, person):
    """A result as the bulk writer writes it (COPY on PostgreSQL, checked afterwards)."""
    row = (person.pk, "judge", "u", None, "", Result.Status.UNGRADED, None, {}, {}, [], {})
    return compute.results_write(run, [row])


def test_the_bulk_writer_refuses_a_result_of_no_person(world):
    cycle = cycle_make(world)
    run = Computation.objects.create(cycle=cycle)
    ghost = Person(pk=Person.objects.order_by("-pk").values_list("pk", flat=True).first() + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _written(run, ghost)
        _checked_now()
    assert _written(run, world.members[0]) == 1
    result = Result.objects.get(computation=run)
    assert (result.person_id, result.cycle_id) == (world.members[0].pk, cycle.pk)
    if connection.vendor == "postgresql":  # the writer's exemption ends with its COPY
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true)", [compute.REFS_CHECKED])
            assert cursor.fetchone()[0] in ("", None)


def test_the_writer_uses_the_migrations_lock_and_setting():
    migration = importlib.import_module("tongxin.evaluation.migrations.0008_result_refs_guarded")
    assert (compute.REFS_LOCK, compute.REFS_CHECKED) == (migration.LOCK, migration.CHECKED)


def _default_schemes_back():
    """A transactional test that ran before this one emptied the database, the default schemes
    (data migrations 0002 and 0003) with it: made again as those migrations make them."""
    if Scheme.objects.filter(code="default-judge").exists():
        return
    for module, function in (
        ("0002_default_schemes", "create"),
        ("0003_sources_match_apps", "forward"),
    ):
        migration = importlib.import_module(f"tongxin.evaluation.migrations.{module}")
        getattr(migration, function)(django_apps, None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writer", ["orm", "bulk"])
def test_a_delete_racing_a_compute_waits_and_is_refused(world, writer):
    """What a foreign key's row locks give: a person deleted while a transaction that wrote
    their result is open waits for it and is refused; a result written while a delete of its
    person is open waits for it and is refused."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite locks the whole database)")
    _default_schemes_back()
    cycle = cycle_make(world)
    run = Computation.objects.create(cycle=cycle)
    one, two = Person.objects.bulk_create(
        Person(
            court=world.basic, name=f"竞态{i}", gender="f", staff_number=f"R{i}", category="clerk"
        )
        for i in range(2)
    )

    def write(person):
        if writer == "bulk":
            return lambda: _written(run, person)
        return lambda: Result.objects.bulk_create([_result(run, cycle, person)])

    def delete(person):
        def work():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM people_person WHERE id = %s", [person.pk])

        return work

    waited, first, second = _race(write(one), delete(one))
    assert waited and first is None and isinstance(second, IntegrityError)
    assert Person.objects.filter(pk=one.pk).exists()
    assert Result.objects.filter(person=one).count() == 1

    waited, first, second = _race(delete(two), write(two))
    assert waited and first is None and isinstance(second, IntegrityError)
    assert not Person.objects.filter(pk=two.pk).exists()
    assert not Result.objects.filter(person_id=two.pk).exists()


def test_flush_may_empty_people_before_results(world):
    """`manage.py flush` (and every transactional test's teardown) empties the tables in no
    fixed order, relying on foreign keys checked at commit. A trigger refusing the person's
    delete at once broke it on SQLite (CI, 2026-12-01). PostgreSQL's flush truncates, which
    no delete trigger sees."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's flush is one TRUNCATE, not row deletes in some order")
    cycle = cycle_make(world)
    run = Computation.objects.create(cycle=cycle)
    Result.objects.bulk_create([_result(run, cycle, world.members[0])])
    tables = ["people_person", "evaluation_computation", "evaluation_result"]
    with transaction.atomic():
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
        connection.check_constraints(table_names=["evaluation_result"])
        assert not Result.objects.exists()
        transaction.set_rollback(True)
