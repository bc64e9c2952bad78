"""Exports: CSV streams beside .xlsx; a large .xlsx export is a background job whose file only
its owner downloads, offered only once complete; labels are resolved once per export.

Tests run the immediate task backend. The job is queued on transaction commit, and each test
runs inside a transaction, so `django_capture_on_commit_callbacks(execute=True)` plays the
worker; `execute=False` leaves the job queued. EXPORT_INLINE_ROWS is lowered so that a few
rows take the background path; EXPORT_ROOT is a fresh directory per test (conftest).
"""

import csv
import datetime
import io
import os
import time

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.factories import MembershipFactory, PersonFactory
from tongxin.accounts.models import Profile, RoleGrant
from tongxin.core import exports
from tongxin.core.listing import LISTS, list_get
from tongxin.core.models import ExportJob
from tongxin.core.tasks import export_task

BOM = "\ufeff"
# page path, key of a page row, the CSV column holding the same key
LISTS_BY_PAGE = {
    "courts": ("/courts/", lambda o: o.code, 0),
    "departments": ("/courts/departments/", lambda o: o.name_zh, 2),
    "organisations": ("/courts/organisations/", lambda o: o.name_zh, 0),
    "people": ("/people/", lambda o: o.staff_number, 0),
}
FILTERS = {
    "courts": ["", "q=南京", "level=basic", "province=苏", "active=all", "active=0"],
    "departments": ["", "court=苏01", "court=京", "q=Civil", "kind=judicial"],
    "organisations": ["", "court=苏01", "kind=branch", "q=民一庭", "active=all"],
    "people": ["", "court=苏0102", "status=full", "status=probationary", "q=A", "active=all"],
}


@pytest.fixture(autouse=True)
def _background(settings):
    settings.EXPORT_INLINE_ROWS = 2


def csv_rows(response) -> tuple[str, list[list[str]]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return body, list(csv.reader(io.StringIO(body)))


def page_keys(client, path, query, key):
    """Every row of the page list, following its "next" links."""
    from tests.core.test_lists import _page_keys

    return _page_keys(client, path, query, key)


def big_export(client, django_capture_on_commit_callbacks, url="/people/?export=xlsx"):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    assert response.status_code == 302, response
    return response, ExportJob.objects.latest("id")


def workbook_rows(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


# CSV ---------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_streamed_and_not_cached(world, client_for):
    response = client_for("party").get("/people/?export=csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''people.csv"
    assert "no-store" in response["Cache-Control"] and response["Pragma"] == "no-cache"
    first = next(iter(response.streaming_content))  # the header line comes before any row
    assert first.startswith(b"\xef\xbb\xbf") and first.endswith(b"\r\n")
    assert first.decode("utf-8").lstrip(BOM).startswith("Staff number,Name,Gender")


def test_csv_headers_and_labels_follow_the_readers_language(world, client_for):
    Profile.objects.update_or_create(user=world.users["party"], defaults={"language": "zh-hans"})
    body, rows = csv_rows(client_for("party").get("/people/?export=csv&court=苏0102"))
    assert body.startswith(BOM)
    header = [rows[0][0].lstrip(BOM), *rows[0][1:]]
    assert header[:3] == ["工号", "姓名", "性别"]
    person = world.members[0]
    row = next(r for r in rows[1:] if r[0] == person.staff_number)
    with translation.override("zh-hans"):
        assert row[2] == person.get_gender_display() and row[2] in ("男", "女")
        assert row[10] == person.get_political_status_display()
    assert row[4] == world.basic.name_zh and row[13] == world.branch.name_zh


@pytest.mark.parametrize("name", list(LISTS_BY_PAGE))
def test_csv_holds_exactly_the_rows_of_the_page_for_every_filter(world, client_for, name):
    path, key, column = LISTS_BY_PAGE[name]
    client = client_for("party")
    for query in FILTERS[name]:
        on_page = page_keys(client, path, query, key)
        _body, rows = csv_rows(client.get(f"{path}?{query}&export=csv"))
        assert [row[column] for row in rows[1:]] == on_page, (name, query)


def test_csv_guards_texts_excel_would_evaluate(world, client_for):
    person = world.members[2]
    person.name = "=HYPERLINK(1)"
    person.save()
    _body, rows = csv_rows(client_for("party").get("/people/?export=csv"))
    assert [r[1] for r in rows if r[0] == person.staff_number] == ["'=HYPERLINK(1)"]


def test_csv_of_a_list_computed_in_memory_and_its_footer(world, client_for):
    """The health findings and the dues (lists, not querysets) stream as CSV too."""
    _body, rows = csv_rows(client_for("party").get("/courts/health/?export=csv"))
    assert rows[0][0].lstrip(BOM) == "Rule" and len(rows) >= 1
    _body, rows = csv_rows(
        client_for("secretary").get(f"/people/dues/{world.branch.pk}/?export=csv")
    )
    assert rows[-1][1] == "Total"


def test_every_list_page_offers_both_formats(world, client_for):
    for user, path in [
        ("party", "/courts/"),
        ("party", "/courts/departments/"),
        ("party", "/courts/organisations/"),
        ("party", "/courts/health/"),
        ("party", "/people/?court=苏0102"),
        ("admin", "/accounts/grants/"),
        ("party", "/accounts/audit/"),
    ]:
        body = client_for(user).get(path).content.decode()
        assert 'data-testid="export-menu"' in body, path
        assert "export=xlsx" in body and "export=csv" in body, path
    body = client_for("party").get("/people/?court=苏0102").content.decode()
    assert "court=%E8%8B%8F0102&amp;export=csv" in body  # the filters go with the export


# Labels once, values not objects -----------------------------------------------------------


def test_every_list_is_named_and_registered():
    list_get("no such list")  # imports every app's lists module
    assert {
        "orgs.courts",
        "orgs.departments",
        "orgs.organisations",
        "people.people",
        "accounts.grants",
        "core.audit",
    } <= set(LISTS)
    assert all(definition.name == name for name, definition in LISTS.items())


def _cells(row) -> list:
    return ["" if value is None else value for value in row]  # both are an empty cell


def _sample_list_rows(world) -> None:
    """Rows for the lists of later apps: `tests/<app>/factories.py` may define
    `sample_list_rows(world)`, which writes at least one row of each of its lists."""
    import importlib
    import pkgutil

    import tests

    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            factories = importlib.import_module(f"tests.{module.name}.factories")
        except ModuleNotFoundError:
            continue
        if hasattr(factories, "sample_list_rows"):
            factories.sample_list_rows(world)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_fast_rows_equal_the_columns_values_for_every_list(world, language):
    """Each column's field (with its labels) gives what its value function gives."""
    from tongxin.orgs.services import court_save

    court_save(actor=world.users["admin"], court=world.basic, changes={"name_en": "Xuanwu"})
    from tongxin.people.models import Transfer

    Transfer.objects.create(  # so that the list of transfers in transit has a row
        person=world.members[8],
        from_organisation=world.branch,
        to_organisation=world.other_branch,
        letter_number="T-1",
        sent_on=datetime.date(2026, 3, 1),
    )
    list_get("people.people")
    _sample_list_rows(world)
    user = world.users["admin"]
    with translation.override(language):
        for name in sorted(LISTS):
            definition = LISTS[name]
            columns = definition.columns()
            assert all(column.field is not None for column in columns), name
            queryset = definition.queryset(user, {"active": "all"})
            fast = [_cells(row) for row in exports.export_rows(queryset, columns)]
            objects = list(queryset)
            if definition.decorate is not None:
                definition.decorate(objects)  # per-row figures the page computes for its rows
            slow = [_cells([column.value(obj) for column in columns]) for obj in objects]
            assert fast and fast == slow, name


def test_query_count_of_an_export_does_not_grow_with_rows(world, client_for, settings, monkeypatch):
    client = client_for("party")

    def queries(fmt):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/people/?export={fmt}&court=苏0102")
            b"".join(response.streaming_content)
        return len(captured)

    settings.EXPORT_INLINE_ROWS = 10_000
    before = {fmt: queries(fmt) for fmt in ("csv", "xlsx")}
    for _ in range(60):
        person = PersonFactory(court=world.basic, department=world.dept)
        MembershipFactory(person=person, organisation=world.branch)
    # Chunks of 7 rows: 70 people are read in ten chunks, still from one query.
    monkeypatch.setitem(exports.export_rows.__kwdefaults__, "chunk_size", 7)
    after = {fmt: queries(fmt) for fmt in ("csv", "xlsx")}
    assert after == before


def test_the_background_job_runs_a_constant_number_of_queries(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("party")

    def queries():
        ExportJob.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            big_export(client, django_capture_on_commit_callbacks)
        assert ExportJob.objects.get().status == ExportJob.Status.DONE
        return len(captured)

    before = queries()
    for _ in range(40):
        PersonFactory(court=world.basic)
    assert queries() == before


# Small .xlsx at once, large in the background -----------------------------------------------


def test_a_small_xlsx_export_is_still_sent_at_once(world, client_for, settings):
    settings.EXPORT_INLINE_ROWS = 100
    response = client_for("party").get("/people/?export=xlsx&court=苏0102")
    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''people.xlsx"
    rows = workbook_rows(response)
    assert rows[0][0] == "Staff number" and len(rows) == 1 + 10
    assert not ExportJob.objects.exists()


def test_a_large_export_becomes_a_job_that_its_owner_downloads(
    world, client_for, client, django_capture_on_commit_callbacks
):
    party = client_for("party")
    response, job = big_export(
        party, django_capture_on_commit_callbacks, "/people/?export=xlsx&court=苏0102"
    )
    assert response["Location"] == f"/accounts/exports/{job.pk}/"
    page = party.get(response["Location"])
    assert "being prepared in the background" in page.content.decode()
    job.refresh_from_db()
    assert (job.user, job.list_name, job.format) == (world.users["party"], "people.people", "xlsx")
    assert job.params["court"] == "苏0102"
    assert job.status == ExportJob.Status.DONE and job.row_count == 10 and job.failure == ""
    assert job.finished_at is not None and (settings.EXPORT_ROOT / job.file).is_file()
    assert 'data-testid="download"' in page.content.decode()

    download = party.get(f"/accounts/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == "attachment; filename*=UTF-8''people.xlsx"
    assert "no-store" in download["Cache-Control"]
    rows = workbook_rows(download)
    on_page = page_keys(party, "/people/", "court=苏0102", lambda p: p.staff_number)
    assert [row[0] for row in rows[1:]] == on_page

    # Nobody else: another user (even a system administrator) gets 404, a visitor signs in.
    for other in ("admin", "outsider", "secretary"):
        for suffix in ("", "download/", "progress/"):
            url = f"/accounts/exports/{job.pk}/{suffix}"
            assert client_for(other).get(url).status_code == 404, (other, url)
    anonymous = client.get(f"/accounts/exports/{job.pk}/download/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert "people.xlsx" in party.get("/accounts/exports/").content.decode()
    assert "people.xlsx" not in client_for("admin").get("/accounts/exports/").content.decode()


def test_headers_of_a_job_are_in_the_language_of_the_request(
    world, client_for, django_capture_on_commit_callbacks
):
    Profile.objects.update_or_create(user=world.users["party"], defaults={"language": "zh-hans"})
    party = client_for("party")
    _response, job = big_export(party, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    rows = workbook_rows(party.get(f"/accounts/exports/{job.pk}/download/"))
    assert rows[0][:3] == ("工号", "姓名", "性别")
    assert {row[2] for row in rows[1:]} <= {"男", "女"}


def test_a_waiting_job_shows_progress_and_is_not_queued_twice(
    world, client_for, django_capture_on_commit_callbacks
):
    party = client_for("party")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = party.get("/people/?export=xlsx")
        second = party.get("/people/?export=xlsx")
    assert len(callbacks) == 1 and ExportJob.objects.count() == 1
    job = ExportJob.objects.get()
    assert first["Location"] == second["Location"] == f"/accounts/exports/{job.pk}/"
    assert job.status == ExportJob.Status.QUEUED
    fragment = party.get(f"/accounts/exports/{job.pk}/progress/")
    assert f'hx-get="/accounts/exports/{job.pk}/progress/"' in fragment.content.decode()
    assert "HX-Refresh" not in fragment
    assert party.get(f"/accounts/exports/{job.pk}/download/").status_code == 404

    assert export_task.enqueue(job.pk).return_value == ExportJob.Status.DONE
    fragment = party.get(f"/accounts/exports/{job.pk}/progress/")
    assert fragment["HX-Refresh"] == "true" and "hx-get" not in fragment.content.decode()
    # Delivered twice, written once.
    assert export_task.enqueue(job.pk).return_value == ExportJob.Status.DONE
    assert len(os.listdir(settings.EXPORT_ROOT)) == 2  # the file and the empty partial/


def test_progress_is_read_from_the_cache(world, client_for, django_capture_on_commit_callbacks):
    party = client_for("party")
    with django_capture_on_commit_callbacks(execute=False):
        party.get("/people/?export=xlsx")
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    exports.progress_set(job.pk, done=5, total=10)
    body = party.get(f"/accounts/exports/{job.pk}/progress/").content.decode()
    assert "Writing: 5 of 10 rows." in body and "tx-w-50" in body


def test_a_user_has_few_jobs_at_once(world, client_for, django_capture_on_commit_callbacks):
    party = client_for("party")
    with django_capture_on_commit_callbacks(execute=False):
        for court in ("", "苏", "苏01"):
            party.get(f"/people/?export=xlsx&court={court}&active=all")
        response = party.get("/people/?export=xlsx&court=苏0102&active=all", follow=True)
    assert ExportJob.objects.count() == exports.MAX_ACTIVE == 3
    assert "wait until one of them is ready" in response.content.decode()
    # Jobs left behind by a stopped worker do not block their user for ever.
    ExportJob.objects.update(
        created_at=timezone.now() - datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES + 1)
    )
    with django_capture_on_commit_callbacks(execute=False):
        party.get("/people/?export=xlsx&court=苏0102&active=all")
    assert ExportJob.objects.count() == 4


def test_the_scope_is_checked_again_when_the_job_runs(
    world, client_for, django_capture_on_commit_callbacks
):
    party = client_for("party")
    with django_capture_on_commit_callbacks(execute=False):
        party.get("/people/?export=xlsx")
    job = ExportJob.objects.get()
    RoleGrant.objects.filter(user=world.users["party"]).delete()  # revoked meanwhile
    assert export_task.enqueue(job.pk).return_value == ExportJob.Status.DONE
    job.refresh_from_db()
    assert job.row_count == 0
    book = openpyxl.load_workbook(settings.EXPORT_ROOT / job.file)
    assert book.active.max_row == 1  # the headers only


# Failures leave no file ----------------------------------------------------------------------


def test_a_job_that_fails_mid_way_ends_failed_with_its_reason_and_no_file(
    world, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    def broken_writer(handle, *, headers, rows, progress=None, **kwargs):
        handle.write(b"PK\x03\x04 half a workbook")
        next(iter(rows))
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_xlsx", broken_writer)
    party = client_for("party")
    _response, job = big_export(party, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.file == ""
    assert "could not be written" in job.failure and job.finished_at is not None
    assert [p.name for p in settings.EXPORT_ROOT.rglob("*") if p.is_file()] == []
    assert party.get(f"/accounts/exports/{job.pk}/download/").status_code == 404
    page = party.get(f"/accounts/exports/{job.pk}/").content.decode()
    assert 'data-testid="failure"' in page and 'data-testid="download"' not in page


class Killed(BaseException):
    """The worker process dies (SIGKILL, out of memory): nothing after this line runs."""


def test_a_job_killed_mid_way_offers_no_partial_file(
    world, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    def dying_writer(handle, *, headers, rows, progress=None, **kwargs):
        handle.write(b"PK\x03\x04 half a workbook")
        handle.flush()
        raise Killed

    monkeypatch.setattr(exports, "write_xlsx", dying_writer)
    party = client_for("party")
    with django_capture_on_commit_callbacks(execute=False):
        party.get("/people/?export=xlsx")
    job = ExportJob.objects.get()
    with pytest.raises(Killed):
        exports.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING and job.file == ""
    partial = list((settings.EXPORT_ROOT / exports.PARTIAL).iterdir())
    assert len(partial) == 1 and partial[0].suffix == ".part"
    assert [p for p in settings.EXPORT_ROOT.iterdir() if p.is_file()] == []
    assert party.get(f"/accounts/exports/{job.pk}/download/").status_code == 404
    page = party.get(f"/accounts/exports/{job.pk}/").content.decode()
    assert 'data-testid="download"' not in page

    # Later, the clean-up declares it interrupted and removes the partial file.
    old = time.time() - (settings.EXPORT_STALE_MINUTES + 5) * 60
    os.utime(partial[0], (old, old))
    later = timezone.now() + datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES + 5)
    assert exports.export_cleanup(now=later) == {"expired": 0, "interrupted": 1, "orphans": 1}
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "interrupted" in job.failure
    assert not partial[0].exists()


def test_a_job_whose_list_is_unknown_fails_with_a_reason(world):
    job = ExportJob.objects.create(
        user=world.users["party"], list_name="nowhere.nothing", format="xlsx", file_name="x.xlsx"
    )
    assert exports.export_run(job_id=job.pk) == ExportJob.Status.FAILED
    job.refresh_from_db()
    assert job.failure == "This list can no longer be exported."


def test_a_failed_queueing_fails_the_job(world, client_for, monkeypatch):
    from tongxin.core import tasks

    class Refusing:
        def enqueue(self, *args):
            raise RuntimeError("no queue")

    monkeypatch.setattr(tasks, "export_task", Refusing())
    job = ExportJob.objects.create(
        user=world.users["party"], list_name="people.people", format="xlsx", file_name="x.xlsx"
    )
    exports._enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "could not be queued" in job.failure


# Expiry ------------------------------------------------------------------------------------


def test_old_exports_expire_and_their_files_are_deleted(
    world, client_for, django_capture_on_commit_callbacks, settings
):
    party = client_for("party")
    _response, job = big_export(party, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    path = settings.EXPORT_ROOT / job.file
    assert path.is_file()
    stray = settings.EXPORT_ROOT / "stray.xlsx"  # renamed in place, its job never updated
    stray.write_bytes(b"x")
    old = time.time() - 2 * 24 * 60 * 60
    os.utime(stray, (old, old))

    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=settings.EXPORT_KEEP_DAYS, hours=1)
    )
    # Expired: no longer listed nor downloadable, even before the clean-up ran.
    assert party.get(f"/accounts/exports/{job.pk}/download/").status_code == 404
    assert "people.xlsx" not in party.get("/accounts/exports/").content.decode()
    from django.core.management import call_command

    out = io.StringIO()
    call_command("export_cleanup", stdout=out)
    assert "1 expired jobs deleted, 0 interrupted, 1 stray files removed." in out.getvalue()
    assert not path.exists() and not stray.exists() and not ExportJob.objects.exists()
