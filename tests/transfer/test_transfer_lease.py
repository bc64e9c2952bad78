"""A background commit holds a lease (tongxin/transfer/lease.py): a batch whose worker was
killed is detected (the lease expired), said so on its page, and taken back or committed
again from there; a run whose lease was taken back never commits.

A killed worker is simulated by the state it leaves: the batch COMMITTING, its lease taken
by a run that no longer renews it, the lease's end in the past, no heartbeat in the cache.
"""

import datetime
import time

import pytest
from django.utils import timezone

from tests.transfer.test_transfer import START, person_row, preview
from tests.transfer.test_transfer_background import NEW, post_commit, status_of, three_people
from tests.transfer.test_transfer_background import _background as _background  # noqa: F401 (fixture)
from tongxin.core.models import AuditChange, AuditEntry
from tongxin.people.models import Person
from tongxin.transfer import commit, lease, services
from tongxin.transfer.models import ImportBatch
from tongxin.transfer.tasks import import_commit_task

PAST = datetime.timedelta(minutes=5)


def claimed(client, django_capture_on_commit_callbacks) -> ImportBatch:
    """A batch claimed for the background, its task queued but not run."""
    batch = three_people(client)
    with django_capture_on_commit_callbacks(execute=False):
        post_commit(client, batch)
    assert status_of(batch) == ImportBatch.Status.COMMITTING
    return batch


def killed(batch: ImportBatch) -> ImportBatch:
    """The state a worker killed mid-commit leaves: its lease, expired, no heartbeat."""
    assert lease.take(batch.pk, "dead-run")
    ImportBatch.objects.filter(pk=batch.pk).update(lease_until=timezone.now() - PAST)
    from django.core.cache import cache

    cache.delete(f"transfer:import-beat:{batch.pk}")
    batch.refresh_from_db()
    return batch


def test_a_stopped_commit_is_shown_with_the_way_back(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = killed(claimed(client, django_capture_on_commit_callbacks))
    assert services.commit_state(batch) == lease.STOPPED
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert 'data-testid="commit-stopped"' in body
    assert "The commit stopped before it finished" in body and "Nothing of this import" in body
    assert 'data-testid="retry"' in body and 'data-testid="recover"' in body
    assert 'hx-trigger="every 1s"' not in body  # no progress bar polling a dead commit
    # The progress fragment of a page opened before the worker died reloads the page.
    fragment = client.get(f"{START}{batch.pk}/progress/?seen=running")
    assert fragment["HX-Refresh"] == "true"
    assert "hx-trigger" not in fragment.content.decode()
    # Commit and cancel say what happened instead of "already being committed".
    for action in ("commit", "cancel"):
        response = client.post(f"{START}{batch.pk}/{action}/", follow=True)
        assert "stopped before it finished" in response.content.decode()
    assert status_of(batch) == ImportBatch.Status.COMMITTING


def test_a_stopped_commit_returns_to_the_preview_and_commits_again(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = killed(claimed(client, django_capture_on_commit_callbacks))
    response = client.post(f"{START}{batch.pk}/recover/", follow=True)
    assert "back in the preview; nothing was written" in response.content.decode()
    assert status_of(batch) == ImportBatch.Status.PENDING
    assert batch.lease_owner == "" and batch.lease_until is None
    assert "The commit stopped before it finished" in batch.failure
    body = response.content.decode()
    assert 'data-testid="commit"' in body and 'data-testid="cancel"' in body
    assert not Person.objects.filter(staff_number__in=NEW).exists()
    with django_capture_on_commit_callbacks(execute=True):
        post_commit(client, batch)
    assert status_of(batch) == ImportBatch.Status.COMMITTED
    assert Person.objects.filter(staff_number__in=NEW).count() == 3


def test_commit_again_from_the_stopped_page(world, client_for, django_capture_on_commit_callbacks):
    client = client_for("party")
    batch = killed(claimed(client, django_capture_on_commit_callbacks))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(f"{START}{batch.pk}/recover/", {"retry": "1"})
    assert len(callbacks) == 1
    assert status_of(batch) == ImportBatch.Status.COMMITTED
    assert Person.objects.filter(staff_number__in=NEW).count() == 3
    assert AuditEntry.objects.filter(action="transfer.batch.committed").count() == 1
    assert AuditChange.objects.filter(action="people.person.created").count() == 3


def test_the_task_delivered_again_takes_over_a_dead_run(
    world, client_for, django_capture_on_commit_callbacks
):
    batch = killed(claimed(client_for("party"), django_capture_on_commit_callbacks))
    assert import_commit_task.enqueue(batch.pk).return_value == ImportBatch.Status.COMMITTED
    assert Person.objects.filter(staff_number__in=NEW).count() == 3


def test_a_live_run_is_left_alone(world, client_for, django_capture_on_commit_callbacks):
    client = client_for("party")
    batch = claimed(client, django_capture_on_commit_callbacks)
    assert lease.take(batch.pk, "live-run")  # a worker is writing it now
    batch.refresh_from_db()
    assert services.commit_state(batch) == lease.RUNNING
    # A second delivery of the task does not write beside it.
    assert import_commit_task.enqueue(batch.pk).return_value == ImportBatch.Status.COMMITTING
    assert not Person.objects.filter(staff_number__in=NEW).exists()
    # Nobody takes it back from the page.
    response = client.post(f"{START}{batch.pk}/recover/", follow=True)
    assert "already being committed" in response.content.decode()
    assert status_of(batch) == ImportBatch.Status.COMMITTING
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert 'data-testid="recover"' not in body and 'hx-trigger="every 1s"' in body


def test_a_recent_heartbeat_in_the_cache_keeps_an_expired_lease_alive(
    world, client_for, django_capture_on_commit_callbacks
):
    """SQLite: the heartbeat cannot renew the lease while the commit holds the write lock; the
    cache carries it."""
    batch = killed(claimed(client_for("party"), django_capture_on_commit_callbacks))
    lease.beat_cache(batch.pk)
    assert services.commit_state(batch) == lease.RUNNING
    with pytest.raises(Exception, match="already being committed"):
        services.import_recover(actor=world.users["party"], batch=batch)


def test_a_run_whose_lease_was_taken_back_does_not_commit(
    world, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    """The fence: the write transaction commits only while its run holds the lease."""
    batch = claimed(client_for("party"), django_capture_on_commit_callbacks)

    def taken_meanwhile(batch_id, owner):
        # The run takes the lease; by the end of its write the page has given it to another.
        ImportBatch.objects.filter(pk=batch_id).update(
            lease_owner="another-run", lease_until=timezone.now() + PAST
        )
        return True

    monkeypatch.setattr(lease, "take", taken_meanwhile)
    result = commit.import_commit_claimed(batch_id=batch.pk)
    assert result.status == ImportBatch.Status.COMMITTING
    assert result.lease_owner == "another-run"
    assert not Person.objects.filter(staff_number__in=NEW).exists()
    assert not AuditEntry.objects.exists()


def test_a_claim_no_worker_takes_up_can_be_taken_back(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = claimed(client, django_capture_on_commit_callbacks)
    assert services.commit_state(batch) == lease.QUEUED
    ImportBatch.objects.filter(pk=batch.pk).update(lease_until=timezone.now() - PAST)
    batch.refresh_from_db()
    assert services.commit_state(batch) == lease.STALLED
    # The page, opened while queued, is reloaded once to offer the way back; then it polls on.
    assert client.get(f"{START}{batch.pk}/progress/?seen=queued")["HX-Refresh"] == "true"
    again = client.get(f"{START}{batch.pk}/progress/?seen=stalled")
    assert "HX-Refresh" not in again and 'hx-trigger="every 1s"' in again.content.decode()
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert 'data-testid="commit-stalled"' in body and "No background worker" in body
    assert 'data-testid="recover"' in body and 'data-testid="retry"' not in body
    client.post(f"{START}{batch.pk}/recover/")
    assert status_of(batch) == ImportBatch.Status.PENDING
    # The queued task, when a worker finally runs it, leaves the pending batch alone.
    assert import_commit_task.enqueue(batch.pk).return_value == ImportBatch.Status.PENDING
    assert not Person.objects.filter(staff_number__in=NEW).exists()


def test_a_pending_batch_has_nothing_to_recover(world, client_for):
    client = client_for("party")
    batch = preview(
        client, "people", [["法院代字", "工号", "姓名", "性别", "人员类别"], person_row()[:5]]
    )
    response = client.post(f"{START}{batch.pk}/recover/", follow=True)
    assert "waiting for its commit already" in response.content.decode()
    assert status_of(batch) == ImportBatch.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_from_its_own_thread(world, client_for, settings):
    settings.IMPORT_LEASE_SECONDS = 600
    batch = three_people(client_for("party"))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.COMMITTING,
        lease_owner="run",
        lease_until=timezone.now() + datetime.timedelta(seconds=5),
    )
    with lease.Heartbeat(batch.pk, "run", every=0.05):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            if batch.lease_until > timezone.now() + datetime.timedelta(seconds=500):
                break
            time.sleep(0.05)
    assert batch.lease_until > timezone.now() + datetime.timedelta(seconds=500)
