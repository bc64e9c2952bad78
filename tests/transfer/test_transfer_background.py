"""Import: large batches commit in a background task, with progress the page polls.

Tests run the immediate task backend. The view enqueues on transaction commit, and each test
runs inside a transaction, so `django_capture_on_commit_callbacks(execute=True)` plays the
role of the worker picking the task up; `execute=False` leaves the batch claimed and queued.
IMPORT_INLINE_ROWS is lowered so that a few rows take the background path.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.transfer.test_transfer import PEOPLE, START, person_row, preview, reasons
from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditChange, AuditEntry
from tongxin.people.models import Person
from tongxin.transfer import commit, progress
from tongxin.transfer.models import ImportBatch
from tongxin.transfer.tasks import import_commit_task

NEW = ["N001", "N002", "N003"]


@pytest.fixture(autouse=True)
def _background(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "transfer-background-tests",
        }
    }
    settings.IMPORT_INLINE_ROWS = 2
    from django.core.cache import cache

    cache.clear()


def three_people(client) -> ImportBatch:
    batch = preview(
        client,
        "people",
        [PEOPLE, person_row(), person_row("N002", "王五"), person_row("N003", "赵六")],
    )
    assert batch.rows_to_write == 3
    return batch


def post_commit(client, batch):
    return client.post(f"{START}{batch.pk}/commit/", follow=True)


def status_of(batch) -> str:
    batch.refresh_from_db()
    return batch.status


# The background path ------------------------------------------------------------------------


def test_large_batch_is_claimed_queued_and_committed_by_the_task(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = three_people(client)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_commit(client, batch)
        assert status_of(batch) == ImportBatch.Status.COMMITTING
        assert not Person.objects.filter(staff_number__in=NEW).exists()
    assert len(callbacks) == 1
    assert "being committed in the background" in response.content.decode()
    assert status_of(batch) == ImportBatch.Status.COMMITTED
    assert batch.finished_at is not None and batch.failure == ""
    assert Person.objects.filter(staff_number__in=NEW).count() == 3
    # One entry for the batch; each person created is a change recorded under it.
    entry = AuditEntry.objects.get(action="transfer.batch.committed")
    assert entry.object_changes.filter(action="people.person.created").count() == 3
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert "Committed" in body and 'data-testid="progress"' not in body


@pytest.mark.django_db(transaction=True)
def test_without_a_test_transaction_the_immediate_backend_commits_within_the_request(
    world, client_for
):
    client = client_for("party")
    batch = three_people(client)
    response = post_commit(client, batch)
    assert "Import committed." in response.content.decode()
    assert status_of(batch) == ImportBatch.Status.COMMITTED
    assert Person.objects.filter(staff_number__in=NEW).count() == 3


def test_small_batch_still_commits_in_the_request(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_ROWS = 4
    client = client_for("party")
    batch = three_people(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_commit(client, batch)
    assert callbacks == []
    assert "Import committed." in response.content.decode()
    assert status_of(batch) == ImportBatch.Status.COMMITTED


def test_the_task_commits_a_claimed_batch_on_its_own(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = three_people(client)
    with django_capture_on_commit_callbacks(execute=False):
        post_commit(client, batch)
    assert status_of(batch) == ImportBatch.Status.COMMITTING
    result = import_commit_task.enqueue(batch.pk, "10.0.0.7")
    assert result.status == "SUCCESSFUL"
    assert result.return_value == ImportBatch.Status.COMMITTED
    assert Person.objects.filter(staff_number__in=NEW).count() == 3
    # The client address of the commit request reaches the audit entries.
    assert set(AuditEntry.objects.values_list("remote_addr", flat=True)) == {"10.0.0.7"}


def test_a_task_delivered_twice_writes_once(world, client_for, django_capture_on_commit_callbacks):
    client = client_for("party")
    batch = three_people(client)
    with django_capture_on_commit_callbacks(execute=True):
        post_commit(client, batch)
    audited = AuditEntry.objects.count()
    assert import_commit_task.enqueue(batch.pk).return_value == ImportBatch.Status.COMMITTED
    assert AuditEntry.objects.count() == audited
    assert import_commit_task.enqueue(999_999).return_value == "missing"


def test_the_task_leaves_a_pending_batch_alone(world, client_for):
    batch = three_people(client_for("party"))
    assert import_commit_task.enqueue(batch.pk).return_value == ImportBatch.Status.PENDING
    assert not Person.objects.filter(staff_number__in=NEW).exists()


# Double commits --------------------------------------------------------------------------


def test_a_second_commit_while_committing_is_refused(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = three_people(client)
    other_tab = client_for("party")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post_commit(client, batch)
        response = post_commit(other_tab, batch)
        assert "already being committed" in response.content.decode()
        cancel = other_tab.post(f"{START}{batch.pk}/cancel/", follow=True)
        assert "already being committed" in cancel.content.decode()
    assert len(callbacks) == 1  # one task queued, not two
    assert status_of(batch) == ImportBatch.Status.COMMITTED
    assert Person.objects.filter(staff_number__in=NEW).count() == 3
    assert AuditChange.objects.filter(action="people.person.created").count() == 3
    again = post_commit(client, batch)
    assert "already been committed or cancelled" in again.content.decode()


# Failures --------------------------------------------------------------------------------


def _failing_move(monkeypatch, error):
    """The membership moves of a chunk fail (after its people were written), at row 2."""
    from tongxin.people.imports import PersonChecker

    def failing(self, actor, audit, items):
        self.current = items[0]
        raise error

    monkeypatch.setattr(PersonChecker, "_moves", failing)


def test_a_failure_inside_the_task_ends_failed_with_the_reason_and_writes_nothing(
    world, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = three_people(client)
    _failing_move(monkeypatch, ApplicationError("Boom."))
    with django_capture_on_commit_callbacks(execute=True):
        post_commit(client, batch)
    assert status_of(batch) == ImportBatch.Status.FAILED
    assert batch.failure == "Row 2 could not be saved: Boom. Nothing was written."
    assert batch.finished_at is not None
    assert not Person.objects.filter(staff_number__in=NEW).exists()
    assert not AuditEntry.objects.exists() and not AuditChange.objects.exists()
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert 'data-testid="failure"' in body
    assert "Row 2 could not be saved: Boom. Nothing was written." in body
    assert 'data-testid="commit"' not in body
    response = post_commit(client, batch)
    assert "failed and wrote nothing" in response.content.decode()


def test_an_unexpected_error_in_the_task_ends_failed_and_keeps_the_traceback(
    world, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = three_people(client)
    with django_capture_on_commit_callbacks(execute=False):
        post_commit(client, batch)
    _failing_move(monkeypatch, RuntimeError("disk on fire"))
    result = import_commit_task.enqueue(batch.pk)
    assert result.status == "FAILED"
    assert "disk on fire" in result.errors[0].traceback
    assert status_of(batch) == ImportBatch.Status.FAILED
    assert "failed unexpectedly; nothing was written" in batch.failure
    assert not Person.objects.filter(staff_number__in=NEW).exists()


def test_the_failure_reason_is_in_the_uploaders_language(
    world, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    from tongxin.accounts.models import Profile

    Profile.objects.update_or_create(user=world.users["party"], defaults={"language": "zh-hans"})
    client = client_for("party")
    batch = three_people(client)
    _failing_move(monkeypatch, ApplicationError("Boom."))
    with django_capture_on_commit_callbacks(execute=True):
        post_commit(client, batch)
    assert status_of(batch) == ImportBatch.Status.FAILED
    assert batch.failure.startswith("第 2 行无法保存")


def test_an_interrupted_worker_leaves_the_batch_pending_with_nothing_written(
    world, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = three_people(client)
    with django_capture_on_commit_callbacks(execute=False):
        post_commit(client, batch)
    _failing_move(monkeypatch, SystemExit(1))
    with pytest.raises(SystemExit):
        commit.import_commit_claimed(batch_id=batch.pk)
    assert status_of(batch) == ImportBatch.Status.PENDING
    assert "interrupted" in batch.failure
    assert not Person.objects.filter(staff_number__in=NEW).exists()


def test_data_changed_since_the_preview_goes_back_to_review_with_the_new_rejects(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = three_people(client)
    world.branch.is_active = False
    world.branch.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_commit(client, batch)
    assert status_of(batch) == ImportBatch.Status.PENDING
    assert "The data changed since the preview: 3 more rows" in batch.failure
    assert batch.rejected_count == 3 and batch.created_count == 0
    assert "no longer active" in reasons(batch)
    assert not Person.objects.filter(staff_number__in=NEW).exists()
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert "The data changed since the preview" in body
    # Every row is now rejected: nothing to commit, the batch can only be closed.
    assert 'data-testid="close"' in body and 'data-testid="commit"' not in body
    client.post(f"{START}{batch.pk}/cancel/")
    assert status_of(batch) == ImportBatch.Status.CANCELLED


def test_a_locked_database_at_claim_is_a_message_not_a_500(world, client_for, monkeypatch):
    from django.db import OperationalError
    from django.db.models import QuerySet

    client = client_for("party")
    batch = three_people(client)

    def locked(self, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(QuerySet, "update", locked)
    response = post_commit(client, batch)
    assert response.status_code == 200
    assert "busy writing another import" in response.content.decode()


# Progress --------------------------------------------------------------------------------


def committing(client, django_capture_on_commit_callbacks) -> ImportBatch:
    batch = three_people(client)
    with django_capture_on_commit_callbacks(execute=False):
        post_commit(client, batch)
    assert status_of(batch) == ImportBatch.Status.COMMITTING
    return batch


def test_progress_partial_shows_the_percentage_and_keeps_polling(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = committing(client, django_capture_on_commit_callbacks)
    progress.progress_set(batch.pk, phase=progress.WRITE, done=37, total=100)
    response = client.get(f"{START}{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "37%" in body and "tx-w-35" in body and 'aria-valuenow="37"' in body
    assert "37 of 100 rows done" in body
    assert 'hx-trigger="every 1s"' in body
    assert "HX-Refresh" not in response


def test_progress_before_the_worker_starts_says_waiting(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = committing(client, django_capture_on_commit_callbacks)
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert "Waiting for the background worker" in body
    assert "tx-w-0" in body and f"/transfer/import/{batch.pk}/progress/" in body
    assert 'data-testid="commit"' not in body and 'data-testid="cancel"' not in body
    progress.progress_clear(batch.pk)  # a cache that lost the entry shows the same
    assert (
        "Waiting for the background worker"
        in client.get(f"{START}{batch.pk}/progress/").content.decode()
    )


def test_progress_partial_stops_polling_and_reloads_the_page_when_done(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = three_people(client)
    with django_capture_on_commit_callbacks(execute=True):
        post_commit(client, batch)
    response = client.get(f"{START}{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    body = response.content.decode()
    assert "hx-trigger" not in body and "The commit has finished." in body


def test_the_task_reports_progress_as_it_writes(
    world, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = three_people(client)
    seen = []
    real = progress.progress_set

    def spy(batch_id, **entry):
        seen.append((entry["phase"], entry.get("done", 0), entry.get("total", 0)))
        real(batch_id, **entry)

    monkeypatch.setattr(commit, "progress_set", spy)
    monkeypatch.setattr(progress, "progress_set", spy)
    monkeypatch.setattr(progress, "EVERY", 0)
    with django_capture_on_commit_callbacks(execute=True):
        post_commit(client, batch)
    assert seen[0] == ("queued", 0, 3)
    assert seen[1] == ("check", 0, 3)
    # The rows are written in bulk, a chunk at a time: from none to all, never backwards.
    writes = [s for s in seen if s[0] == "write"]
    assert writes[0] == ("write", 0, 3) and writes[-1] == ("write", 3, 3)
    assert [done for _phase, done, _total in writes] == sorted(done for _p, done, _t in writes)
    assert progress.progress_get(batch.pk)["phase"] == "queued"  # cleared when done


@pytest.mark.parametrize("count", [10, 300])
def test_progress_partial_query_count_does_not_grow_with_rows(
    world, client_for, django_capture_on_commit_callbacks, count
):
    client = client_for("party")
    rows = [PEOPLE] + [person_row(f"Q{n:05d}", f"新人{n}") for n in range(count)]
    batch = preview(client, "people", rows)
    with django_capture_on_commit_callbacks(execute=False):
        post_commit(client, batch)
    progress.progress_set(batch.pk, phase=progress.WRITE, done=count // 2, total=count)
    url = f"{START}{batch.pk}/progress/"
    client.get(url)  # session and profile warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert "50%" in response.content.decode()
    assert len(queries) <= 5, [q["sql"] for q in queries]
    assert not any('"rows"' in q["sql"] for q in queries)  # the batch's rows stay unread


def test_others_get_404_on_the_progress_of_a_batch(
    world, client_for, django_capture_on_commit_callbacks
):
    batch = committing(client_for("party"), django_capture_on_commit_callbacks)
    assert client_for("outsider").get(f"{START}{batch.pk}/progress/").status_code == 404
    assert client_for("admin").get(f"{START}{batch.pk}/progress/").status_code == 404
    assert client_for("member").get(f"{START}{batch.pk}/progress/").status_code == 403
    assert client_for("party").get(f"{START}999999/progress/").status_code == 404
