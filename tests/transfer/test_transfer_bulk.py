"""A bulk kind plugs into the import's lifecycle without a per-row service: registered here by
the test (as the case import will register itself), it goes through upload → preview with
rejects → commit (in the request and in the background, with progress) → its own store,
and cancel drops its spooled rows."""

import csv

import pytest
from django.utils.translation import gettext_lazy

from tests.transfer.test_transfer import START, commit, page_errors, preview, reasons, upload
from tests.transfer.test_transfer_background import _background as _background  # noqa: F401 (fixture)
from tests.transfer.test_transfer_background import post_commit, status_of
from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm
from tongxin.transfer import registry
from tongxin.transfer.formats import DATE, DECIMAL, Field
from tongxin.transfer.models import ImportBatch, ImportChunk, ImportFile

HEADERS = ["案号", "标的额", "立案日期"]


class CaseStore:
    """Stands in for a columnar store: the kind writes its accepted rows to a CSV file."""

    def __init__(self, path):
        self.path = path
        self.checked_chunks = []
        self.progress = []
        self.fail = False

    def check(self, rows, *, actor):
        # One call per chunk: a real kind looks its references up here, one query a chunk.
        self.checked_chunks.append(len(rows))
        problems = {}
        for row in rows:
            found = []
            if row.values["amount"] and float(row.values["amount"]) > 1000:
                found.append(("amount", "At most 1000."))
            if row.values["number"].startswith("X"):
                found.append(("number", "A case number does not start with X."))
            if found:
                problems[row.number] = found
        return problems

    def commit(self, rows, *, actor, batch_id, total, progress):
        with open(self.path, "w", newline="") as handle:
            writer = csv.writer(handle)
            for done, values in enumerate(rows, start=1):
                if self.fail:
                    raise ApplicationError("The store is full.")
                writer.writerow([batch_id, values["number"], values["amount"], values["filed_on"]])
                progress(done)
                self.progress.append((done, total))

    def written(self):
        with open(self.path, newline="") as handle:
            return [row[1:] for row in csv.reader(handle)]


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "BULK_CHUNK", 2)  # several chunks from a few rows
    cases = CaseStore(tmp_path / "cases.csv")
    kind = registry.register(
        registry.ImportKind(
            name="test-cases",
            label=gettext_lazy("Cases (test)"),
            description=gettext_lazy("A bulk kind registered by a test."),
            fields=(
                Field("number", "案号", "Case number", required=True, max_length=40),
                Field("amount", "标的额", "Amount", type=DECIMAL),
                Field("filed_on", "立案日期", "Filed on", type=DATE),
            ),
            permission=Perm.PERSON_CHANGE,
            template_name="案件导入模板.xlsx",
            bulk=cases,
            max_rows=1_000,
        )
    )
    yield cases
    registry.unregister(kind.name)


ROWS = [
    HEADERS,
    ["(2024)苏0102民初1号", "800", "2024-01-05"],
    ["(2024)苏0102民初2号", "5000", "2024-01-06"],  # too much
    ["X-3", "10", "昨天"],  # two faults: a bad date and the kind's own rule
    ["(2024)苏0102民初4号", "", "2024/1/8"],
    ["(2024)苏0102民初5号", "1", ""],
]


def spooled(batch) -> list:
    """The accepted rows a batch's chunks still hold (a bulk kind's values until it ends)."""
    return [row for chunk in ImportChunk.objects.filter(batch=batch) for row in chunk.rows]


ACCEPTED = [
    ["(2024)苏0102民初1号", "800.00", "2024-01-05"],
    ["(2024)苏0102民初4号", "", "2024-01-08"],
    ["(2024)苏0102民初5号", "1.00", ""],
]


def test_a_bulk_kind_is_offered_with_its_template(world, client_for, store):
    client = client_for("party")
    body = client.get(START).content.decode()
    assert 'data-testid="kind-test-cases"' in body and "Cases (test)" in body
    response = client.get("/transfer/import/templates/test-cases.xlsx")
    assert response.status_code == 200
    assert "%E6%A1%88%E4%BB%B6" in response["Content-Disposition"]  # 案件导入模板.xlsx


def test_a_bulk_kind_previews_with_rejects_and_spools_its_rows(world, client_for, store):
    batch = preview(client_for("party"), "test-cases", ROWS)
    text = reasons(batch)
    assert "3: 标的额: At most 1000." in text
    assert "4: 立案日期: “昨天” is not a date" in text
    assert "4: 案号: A case number does not start with X." not in text  # unreadable rows
    assert batch.created_count == 3 and batch.rejected_count == 2 and batch.rows_to_write == 3
    assert [row["row"] for row in batch.row_list()] == [2, 5, 6]  # the first rows, to show
    assert store.checked_chunks == [2, 1, 1]  # chunk by chunk (row 4 was unreadable)
    assert sum(len(c.rows) for c in ImportChunk.objects.filter(batch=batch)) == 3
    body = client_for("party").get(f"{START}{batch.pk}/").content.decode()
    assert "Cases (test)" in body and 'data-testid="commit"' in body


def test_a_bulk_kind_commits_its_rows_itself_in_the_request(world, client_for, store, settings):
    settings.IMPORT_INLINE_ROWS = 500
    client = client_for("party")
    batch = preview(client, "test-cases", ROWS)
    response = commit(client, batch)
    assert "Import committed." in response.content.decode()
    assert status_of(batch) == ImportBatch.Status.COMMITTED
    assert batch.created_count == 3
    assert store.written() == ACCEPTED
    # The store holds the rows now: the spool drops them and keeps only the rejects.
    assert spooled(batch) == []
    assert [r["row"] for r in batch.reject_list()] == [3, 4]


def test_a_bulk_kind_commits_in_the_background_with_progress(
    world, client_for, store, django_capture_on_commit_callbacks
):
    client = client_for("party")
    batch = preview(client, "test-cases", ROWS)
    with django_capture_on_commit_callbacks(execute=True):
        post_commit(client, batch)
    assert status_of(batch) == ImportBatch.Status.COMMITTED
    assert store.written() == ACCEPTED
    assert store.progress == [(1, 3), (2, 3), (3, 3)]


def test_a_bulk_commit_that_fails_writes_nothing_and_says_why(world, client_for, store, settings):
    settings.IMPORT_INLINE_ROWS = 500
    client = client_for("party")
    batch = preview(client, "test-cases", ROWS)
    store.fail = True
    response = commit(client, batch)
    assert "The rows could not be written: The store is full. Nothing was written." in (
        response.content.decode()
    )
    assert status_of(batch) == ImportBatch.Status.PENDING
    assert store.written() == []
    assert ImportChunk.objects.filter(batch=batch).exists()  # kept for another try


def test_cancelling_a_bulk_batch_drops_its_spool(world, client_for, store):
    client = client_for("party")
    batch = preview(client, "test-cases", ROWS)
    client.post(f"{START}{batch.pk}/cancel/")
    assert status_of(batch) == ImportBatch.Status.CANCELLED
    assert spooled(batch) == []
    assert not ImportChunk.objects.filter(batch=batch, rejected=0).exists()


def test_a_bulk_file_past_its_row_limit_is_refused_and_keeps_nothing(
    world, client_for, store, settings
):
    from dataclasses import replace

    settings.IMPORT_INLINE_ROWS = 500  # checked within the request
    kind = registry.get("test-cases")
    registry.unregister(kind.name)
    registry.register(replace(kind, max_rows=3))
    response = upload(client_for("party"), "test-cases", ROWS)
    assert "more than 3 rows" in page_errors(response)
    assert not ImportBatch.objects.exists() and not ImportChunk.objects.exists()


def test_a_large_bulk_file_past_its_row_limit_fails_in_the_background_and_keeps_nothing(
    world, client_for, store
):
    from dataclasses import replace

    kind = registry.get("test-cases")
    registry.unregister(kind.name)
    registry.register(replace(kind, max_rows=3))
    batch = preview(client_for("party"), "test-cases", ROWS)  # 5 rows: checked by the task
    assert batch.status == ImportBatch.Status.FAILED
    assert "more than 3 rows" in batch.failure
    assert not ImportChunk.objects.exists() and not ImportFile.objects.exists()
    body = client_for("party").get(f"{START}{batch.pk}/").content.decode()
    assert "more than 3 rows" in body and 'data-testid="commit"' not in body


def test_a_kind_must_be_one_shape_or_the_other():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        registry.ImportKind(
            name="neither",
            label="x",
            description="x",
            fields=(Field("a", "甲", "A"),),
            permission=Perm.PERSON_CHANGE,
            template_name="x.xlsx",
        )
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        people = registry.get("people")
        registry.register(
            registry.ImportKind(
                name="people",
                label="x",
                description="x",
                fields=people.fields,
                permission=Perm.PERSON_CHANGE,
                template_name="x.xlsx",
                checker=people.checker,
            )
        )
