"""The batch's page reads a page of its rows and of its rejects from a few chunks, whatever the
size of the batch; the row cap is lifted to what a chunked check holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.transfer.test_transfer import PEOPLE, START, person_row, preview, upload, xlsx
from tongxin.transfer import registry, selectors, slices
from tongxin.transfer.models import ImportBatch


def sheet(count: int) -> list:
    """`count` rows: every fifth rejected (an unknown court), the rest new people."""
    rows = [PEOPLE]
    for n in range(count):
        if n % 5 == 4:
            rows.append(["苏9999", f"X{n:05d}", f"错{n}", "女", "法官"])
        else:
            rows.append(person_row(f"R{n:05d}", f"新人{n}"))
    return rows


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(slices, "CHUNK_ROWS", 50)
    monkeypatch.setattr(selectors, "PAGE_ROWS", 20)


def _queries(client, url) -> tuple[int, str]:
    client.get(url)  # warm-up (session, profile)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("count", [30, 1_200])
def test_the_detail_page_query_count_does_not_grow_with_the_batch(
    world, client_for, small_chunks, settings, count
):
    settings.IMPORT_INLINE_ROWS = 5_000
    client = client_for("party")
    batch = preview(client, "people", sheet(count))
    assert batch.rejected_count == count // 5
    first, body = _queries(client, f"{START}{batch.pk}/")
    deep, _deep_body = _queries(client, f"{START}{batch.pk}/?rows=1000&rejects=1000")
    # 8, the header's unread notices, and the apps' "my work" counts (computed on every
    # request in tests: tests/conftest.py), which do not depend on the batch.
    assert first == deep, (first, deep)
    from tongxin.inbox.registry import waiting_sources

    # The apps' waiting sources take a few queries each (3 at most today).
    assert first <= 9 + 3 * len(waiting_sources()), first
    assert body.count("<code>") <= 20  # one page of rejects
    assert body.count("新人") <= 20  # one page of rows to create


def test_the_pages_walk_every_row_and_every_reject_once(world, client_for, small_chunks, settings):
    settings.IMPORT_INLINE_ROWS = 5_000
    batch = preview(client_for("party"), "people", sheet(230))
    seen_rows, seen_rejects = [], []
    after = 0
    while True:
        rows, after = selectors.rows_page(batch, after)
        seen_rows += [row["row"] for row in rows]
        if after is None:
            break
    after = 0
    while True:
        rejects, after = selectors.rejects_page(batch, after)
        seen_rejects += [reject["row"] for reject in rejects]
        if after is None:
            break
    assert seen_rows == [r["row"] for r in batch.row_list() if r["action"] != "unchanged"]
    assert seen_rejects == [r["row"] for r in batch.reject_list()]
    assert len(seen_rows) == 184 and len(seen_rejects) == 46


def test_the_page_links_to_the_next_rows_and_back(world, client_for, small_chunks, settings):
    settings.IMPORT_INLINE_ROWS = 5_000
    client = client_for("party")
    batch = preview(client, "people", sheet(120))
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert 'data-testid="rows-pages"' in body and "rows=" in body
    following = client.get(f"{START}{batch.pk}/?rows=28").content.decode()  # file rows
    assert "新人26" not in following and "新人27" in following and ">First<" in following
    assert client.get(f"{START}{batch.pk}/?rows=abc&rejects=-1").status_code == 200


def test_the_rejects_download_has_every_reject(world, client_for, small_chunks, settings):
    import io

    from openpyxl import load_workbook

    settings.IMPORT_INLINE_ROWS = 5_000
    client = client_for("party")
    batch = preview(client, "people", sheet(300))
    response = client.get(f"{START}{batch.pk}/rejects.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.max_row == 1 + 60


def test_the_row_cap_is_lifted_for_the_people_import():
    people = registry.get("people")
    assert people.is_chunked
    # The country's staff (~370,000) fit in one file; kinds checked whole keep a lower cap.
    assert people.row_limit == registry.MAX_ROWS_CHUNKED >= 400_000
    assert registry.get("organisations").row_limit == registry.MAX_ROWS >= 60_000


def test_a_file_of_more_than_twenty_thousand_rows_is_previewed(world, client_for, settings):
    """20,000 rows was the old cap: a file past it is checked (in the background)."""
    settings.IMPORT_INLINE_ROWS = 500
    headers = PEOPLE[:5]
    rows = [headers] + [["苏0102", f"C{n:06d}", f"员{n}", "男", "法官"] for n in range(20_001)]
    response = upload(client_for("party"), "people", xlsx(rows))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PENDING, batch.failure
    assert batch.created_count == 20_001 and batch.rejected_count == 0
