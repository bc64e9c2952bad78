"""A large file is checked by a background task, with progress the page polls; its page shows
the preview when ready. Small files are still checked within the upload's request.

The upload's transaction queues the task on commit: `upload(..., worker=False)` leaves it
queued (the batch PREVIEWING), `worker=True` (the default of the helpers) runs it as a worker
would.
"""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.transfer.test_transfer import PEOPLE, START, person_row, preview, reasons, upload
from tongxin.transfer import lease, progress, services, slices
from tongxin.transfer.models import ImportBatch, ImportChunk, ImportFile
from tongxin.transfer.tasks import import_preview_task


@pytest.fixture(autouse=True)
def _small_inline(settings):
    settings.IMPORT_INLINE_ROWS = 3


def rows(count: int, start: int = 0) -> list:
    return [PEOPLE] + [person_row(f"P{n:04d}", f"新人{n}") for n in range(start, start + count)]


def queued(client, count: int = 5) -> ImportBatch:
    response = upload(client, "people", rows(count), worker=False)
    assert response.status_code == 302
    return ImportBatch.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])


def test_a_small_file_is_checked_within_the_request(world, client_for):
    response = upload(client_for("party"), "people", rows(3), worker=False)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert batch.status == ImportBatch.Status.PENDING and batch.created_count == 3
    assert not ImportFile.objects.exists()


def test_a_large_file_is_stored_and_its_page_shows_the_progress(world, client_for):
    client = client_for("party")
    batch = queued(client)
    assert batch.status == ImportBatch.Status.PREVIEWING
    assert ImportFile.objects.get(batch=batch).name == "import.xlsx"
    assert not ImportChunk.objects.filter(batch=batch).exists()
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert 'data-testid="progress"' in body and 'hx-trigger="every 1s"' in body
    assert "Waiting for the background worker" in body and "job=check" in body
    assert 'data-testid="commit"' not in body and 'data-testid="rejects"' not in body
    assert 'data-testid="cancel"' in body  # a check can be cancelled while it runs
    progress.progress_set(batch.pk, phase=progress.READ, done=1234)
    fragment = client.get(f"{START}{batch.pk}/progress/?job=check").content.decode()
    assert "Reading the file: 1234 rows read." in fragment
    progress.progress_set(batch.pk, phase=progress.CHECK, done=2, total=5)
    fragment = client.get(f"{START}{batch.pk}/progress/?job=check").content.decode()
    assert "Checking: 2 of 5 rows checked." in fragment and "40%" in fragment


def test_the_task_checks_the_file_and_the_page_shows_the_preview(world, client_for):
    client = client_for("party")
    batch = queued(client)
    assert import_preview_task.enqueue(batch.pk).return_value == ImportBatch.Status.PENDING
    batch.refresh_from_db()
    assert (batch.created_count, batch.rejected_count) == (5, 0)
    assert batch.lease_owner == "" and batch.lease_until is None
    assert not ImportFile.objects.exists()  # the stored file goes once checked
    fragment = client.get(f"{START}{batch.pk}/progress/?seen=queued&job=check")
    assert fragment["HX-Refresh"] == "true"
    assert "The check has finished." in fragment.content.decode()
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert 'data-testid="commit"' in body and "新人4" in body
    # Delivered again, the task leaves the checked batch alone.
    assert import_preview_task.enqueue(batch.pk).return_value == ImportBatch.Status.PENDING
    assert import_preview_task.enqueue(999_999).return_value == "missing"


def test_the_task_reports_reading_then_checking(world, client_for, monkeypatch):
    batch = queued(client_for("party"), count=6)
    seen = []
    real = progress.progress_set

    def spy(batch_id, **entry):
        seen.append((entry["phase"], entry.get("done", 0), entry.get("total", 0)))
        real(batch_id, **entry)

    monkeypatch.setattr(services, "progress_set", spy)
    monkeypatch.setattr(progress, "progress_set", spy)
    monkeypatch.setattr(progress, "EVERY", 0)
    monkeypatch.setattr(slices, "CHUNK_ROWS", 2)
    services.import_preview_claimed(batch_id=batch.pk)
    reads = [s for s in seen if s[0] == "read"]
    checks = [s for s in seen if s[0] == "check"]
    assert reads[0] == ("read", 0, 0) and reads[-1] == ("read", 6, 0)
    assert checks == [("check", 2, 6), ("check", 4, 6), ("check", 6, 6)]
    assert progress.progress_get(batch.pk)["phase"] == "queued"  # cleared when done
    assert ImportChunk.objects.filter(batch=batch).count() == 3


def test_a_file_refused_in_the_background_fails_with_the_reason_and_keeps_nothing(
    world, client_for, monkeypatch
):
    client = client_for("party")
    monkeypatch.setattr("tongxin.transfer.registry.MAX_ROWS_CHUNKED", 4)  # people: chunked
    batch = queued(client, count=5)
    services.import_preview_claimed(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.finished_at is not None
    assert "more than 4 rows" in batch.failure
    assert not ImportChunk.objects.exists() and not ImportFile.objects.exists()
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert "more than 4 rows" in body and 'data-testid="commit"' not in body


def test_a_wrong_header_is_refused_at_the_upload_whatever_the_size(world, client_for):
    client = client_for("party")
    response = upload(client, "people", [["工号", "姓名"]] + [["A1", "张"]] * 10, worker=False)
    assert response.status_code == 200
    assert "Required columns are missing" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_cancelling_a_check_stops_it_and_keeps_nothing(world, client_for, monkeypatch):
    client = client_for("party")
    batch = queued(client, count=6)
    monkeypatch.setattr(slices, "CHUNK_ROWS", 2)
    real = slices._check_block

    def cancel_meanwhile(checker, block, slices):
        real(checker, block, slices)
        if slices.seq == 1:  # one chunk written: the uploader cancels
            client.post(f"{START}{batch.pk}/cancel/")

    monkeypatch.setattr(slices, "_check_block", cancel_meanwhile)
    services.import_preview_claimed(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED
    assert not ImportChunk.objects.exists() and not ImportFile.objects.exists()


def test_a_check_whose_worker_died_is_checked_again_from_its_page(world, client_for):
    client = client_for("party")
    batch = queued(client)
    assert lease.take(batch.pk, "dead-run", status=ImportBatch.Status.PREVIEWING)
    ImportChunk.objects.create(batch=batch, seq=0, first_row=2, last_row=2)  # half-written
    ImportBatch.objects.filter(pk=batch.pk).update(
        lease_until=timezone.now() - datetime.timedelta(minutes=5)
    )
    cache.delete(f"transfer:import-beat:{batch.pk}")
    batch.refresh_from_db()
    assert services.commit_state(batch) == lease.STOPPED
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert 'data-testid="check-stopped"' in body and 'data-testid="check-again"' in body
    assert 'hx-trigger="every 1s"' not in body
    assert (
        "stopped before it finished"
        in client.post(f"{START}{batch.pk}/commit/", follow=True).content.decode()
    )
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"{START}{batch.pk}/recover/", follow=True)
    assert "being checked again" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING and batch.created_count == 5
    assert [c.first_row for c in ImportChunk.objects.filter(batch=batch)] == [2]
    assert len(batch.row_list()) == 5  # the dead run's chunk was dropped, not kept beside


def test_a_live_check_is_left_alone(world, client_for):
    client = client_for("party")
    batch = queued(client)
    assert lease.take(batch.pk, "live-run", status=ImportBatch.Status.PREVIEWING)
    assert import_preview_task.enqueue(batch.pk).return_value == ImportBatch.Status.PREVIEWING
    response = client.post(f"{START}{batch.pk}/recover/", follow=True)
    assert "still being checked" in response.content.decode()


def test_the_uploaders_own_batch_only(world, client_for):
    batch = queued(client_for("party"))
    assert client_for("admin").get(f"{START}{batch.pk}/").status_code == 404
    assert client_for("outsider").post(f"{START}{batch.pk}/cancel/").status_code == 404
    assert client_for("admin").get(f"{START}{batch.pk}/progress/").status_code == 404


def test_the_background_check_finds_what_the_inline_check_finds(world, client_for, settings):
    client = client_for("party")
    sheet = [
        PEOPLE,
        person_row(),
        ["苏9999", "N9", "赵六", "女", "法官"],
        ["苏0102", "N8", "钱七", "女", "法官", "正式党员", "2010年13月1日"],
        person_row("N001", "李四"),  # a repeated key
        person_row("N5", "孙八"),
    ]
    background = preview(client, "people", sheet)
    settings.IMPORT_INLINE_ROWS = 500
    inline = preview(client, "people", sheet)
    assert reasons(background) == reasons(inline)
    assert background.row_list() == inline.row_list()
    assert (background.created_count, background.rejected_count) == (1, 4)
