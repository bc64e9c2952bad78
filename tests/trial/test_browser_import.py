"""The case import through the import lifecycle's pages: upload (CSV in GBK, Parquet),
preview with rejects, commit in the request and in the background with progress, the rejects
download, the import-status API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.transfer.test_transfer import START, commit, reasons, upload
from tests.transfer.test_transfer_background import _background as _background  # noqa: F401
from tests.transfer.test_transfer_background import post_commit, status_of
from tests.trial.files import csv_bytes, parquet_bytes, row
from tongxin.transfer.models import ImportBatch
from tongxin.trial.store import CaseStore

ROWS = [
    row("(2024)苏0102民初1号", "2024-01-05", "2024-03-01", "调解"),
    row("(2024)苏0102民初2号", "2024-01-06"),
    row("(2024)苏9999民初3号", "2024-01-06"),
    row("(2024)苏0102民初4号", "2024-01-06", judge="X9"),
    row("(2024)苏0102民初5号", "2024-01-07", "2024-02-01", "判决"),
]


def _preview(client, data, name="cases.csv"):
    response = upload(client, "cases", SimpleUploadedFile(name, data))
    assert response.status_code == 302, response.content.decode()[-1500:]
    return ImportBatch.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])


def test_the_trial_office_is_offered_the_case_import_only(client_for):
    body = client_for("trial").get(START).content.decode()
    assert 'data-testid="kind-cases"' in body and 'data-testid="kind-people"' not in body
    assert ".csv" in body  # the file chooser takes CSV and Parquet for case data
    assert client_for("party").get(START).content.decode().count('data-testid="kind-cases"') == 0


def test_a_gbk_csv_previews_with_its_rejects_and_commits(world, judges, client_for, settings):
    settings.IMPORT_INLINE_ROWS = 500
    client = client_for("trial")
    batch = _preview(client, csv_bytes(ROWS, encoding="gbk"))
    text = reasons(batch)
    assert "4: 案号: unknown court code 苏9999" in text
    assert "5: 承办法官: no judge with this staff number in the court" in text
    assert batch.created_count == 3 and batch.rejected_count == 2
    assert CaseStore().count() == 0  # nothing is written before the commit
    response = commit(client, batch)
    assert "Import committed." in response.content.decode()
    assert status_of(batch) == ImportBatch.Status.COMMITTED
    assert CaseStore().count() == 3
    rejects = client.get(f"{START}{batch.pk}/rejects.xlsx")
    assert rejects.status_code == 200


def test_a_parquet_file_commits_in_the_background_with_progress(
    world, judges, client_for, django_capture_on_commit_callbacks
):
    client = client_for("trial")
    batch = _preview(client, parquet_bytes(ROWS), name="cases.parquet")
    assert batch.status == ImportBatch.Status.PENDING and batch.created_count == 3
    with django_capture_on_commit_callbacks(execute=True):
        post_commit(client, batch)
    assert status_of(batch) == ImportBatch.Status.COMMITTED
    assert CaseStore().count() == 3
    answer = client.get(f"/api/v1/trial/imports/{batch.pk}").json()
    assert answer["status"] == "committed" and answer["accepted"] == 3 and answer["rejected"] == 2
    # The import queued the indicators of the year it changed (the immediate backend ran them).
    from tongxin.trial.models import IndicatorValue

    periods = set(IndicatorValue.objects.values_list("period", flat=True))
    assert {"2024", "2024Q1", "2024-01"} <= periods


def test_an_import_that_changes_nothing_queues_no_indicators(
    world, judges, client_for, django_capture_on_commit_callbacks
):
    from tongxin.trial.models import IndicatorValue

    client = client_for("trial")

    def import_once():
        batch = _preview(client, parquet_bytes(ROWS), name="cases.parquet")
        with django_capture_on_commit_callbacks(execute=True):
            post_commit(client, batch)
        assert status_of(batch) == ImportBatch.Status.COMMITTED

    import_once()
    assert IndicatorValue.objects.exists()
    IndicatorValue.objects.all().delete()
    import_once()
    assert not IndicatorValue.objects.exists()  # the same file again changed no case


def test_the_same_file_twice_through_the_browser_changes_nothing(
    world, judges, client_for, settings
):
    settings.IMPORT_INLINE_ROWS = 500
    client = client_for("trial")
    commit(client, _preview(client, csv_bytes(ROWS)))
    before = CaseStore().query("SELECT * EXCLUDE (batch_id) FROM cases ORDER BY 1")
    commit(client, _preview(client, csv_bytes(ROWS)))
    assert CaseStore().query("SELECT * EXCLUDE (batch_id) FROM cases ORDER BY 1") == before


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01garbage\xff", b"PAR1not really parquet", "案号\n".encode("gbk"), b"a,b\n1,2\n"],
)
def test_junk_files_are_refused_without_a_500(world, judges, client_for, settings, data):
    settings.IMPORT_INLINE_ROWS = 500
    response = upload(client_for("trial"), "cases", SimpleUploadedFile("junk.csv", data))
    assert response.status_code in (200, 302)
    assert CaseStore().count() == 0
