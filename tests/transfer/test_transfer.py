"""Import: the pages, preview → commit / cancel, re-import, access and query counts.

Files are built in memory with openpyxl; helpers here are shared by the other
test_transfer_*.py modules.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import Workbook, load_workbook

from tongxin.core.models import AuditEntry
from tongxin.people.models import Membership, Person
from tongxin.transfer import registry
from tongxin.transfer.models import ImportBatch

# The kinds the apps register (tongxin/orgs/imports, tongxin/people/imports.py).
# The case import (a bulk kind with its own permission, trial.import) is tested in tests/trial.
KINDS = {kind.name: kind for kind in registry.kinds() if kind.name != "cases"}

START = "/transfer/import/"
PEOPLE = ["法院代字", "工号", "姓名", "性别", "人员类别", "政治面貌", "入党日期", "所在党组织"]


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


def xlsx(rows, name="import.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def upload(client, kind, file, *, worker: bool = True):
    """Upload a sheet. A file above IMPORT_INLINE_ROWS rows is checked by the background task,
    queued when the upload's transaction commits; `worker` runs it as a worker would (the
    immediate task backend, the test's transaction standing for the request's)."""
    if isinstance(file, list):
        file = xlsx(file)
    with TestCase.captureOnCommitCallbacks(execute=worker):
        return client.post(START, {"kind": kind, "file": file})


def preview(client, kind, rows) -> ImportBatch:
    response = upload(client, kind, rows)
    assert response.status_code == 302, response.content.decode()[-2000:]
    return ImportBatch.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])


def commit(client, batch):
    return client.post(f"{START}{batch.pk}/commit/", follow=True)


def page_errors(response) -> str:
    assert response.status_code == 200
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


def reasons(batch) -> str:
    return " | ".join(f"{r['row']}: {r['reason']}" for r in batch.reject_list())


def person_row(number="N001", name="李四", org="民一庭党支部"):
    return ["苏0102", number, name, "男", "法官", "正式党员", "2010-07-01", org]


# The pages -------------------------------------------------------------------------------


def test_import_page_lists_the_four_kinds_with_template_links(client_for):
    response = client_for("party").get(START)
    assert response.status_code == 200
    body = response.content.decode()
    for kind in ("courts", "departments", "organisations", "people"):
        assert f'data-testid="kind-{kind}"' in body
        assert f"/transfer/import/templates/{kind}.xlsx" in body


@pytest.mark.parametrize("kind", list(KINDS))
def test_template_has_the_chinese_headers_and_an_instructions_sheet(client_for, kind):
    response = client_for("party").get(f"/transfer/import/templates/{kind}.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers == [item.zh for item in KINDS[kind].fields]
    assert book.worksheets[1].max_row == len(KINDS[kind].fields) + 1


def test_unknown_template_kind_is_404(client_for):
    assert client_for("party").get("/transfer/import/templates/cases.xlsx").status_code == 404


def test_import_page_shows_recent_batches_with_counts(world, client_for):
    client = client_for("party")
    preview(client, "people", [PEOPLE, person_row(), ["苏0102", "N2", "王五", "男", "xx"]])
    body = client.get(START).content.decode()
    assert "import.xlsx" in body
    assert "Waiting for commit" in body


# Preview, commit, re-import, cancel ---------------------------------------------------------


def test_preview_shows_rejects_with_row_numbers_and_reasons(world, client_for):
    client = client_for("party")
    member = world.members[0]
    batch = preview(
        client,
        "people",
        [
            PEOPLE,
            person_row(),
            ["苏0102", member.staff_number, member.name, "", "", "", "", ""],
            ["苏0102", world.members[1].staff_number, world.members[1].name, "", "书记员"],
            ["苏9999", "N9", "赵六", "女", "法官"],
            ["苏0102", "N8", "钱七", "女", "法官", "正式党员", "2010年13月1日"],
        ],
    )
    assert (batch.created_count, batch.changed_count, batch.unchanged_count) == (1, 1, 1)
    assert batch.rejected_count == 2
    response = client.get(f"{START}{batch.pk}/")
    body = response.content.decode()
    assert "there is no court with code “苏9999”" in body
    assert "入党日期: “2010年13月1日” is not a date" in body
    assert response.context["rejects"][0]["row"] == 5
    assert Person.objects.filter(staff_number__in=["N001", "N8"]).count() == 0


def test_commit_writes_accepted_rows_with_audit_entries(world, client_for):
    client = client_for("party")
    changed = world.members[1]
    batch = preview(
        client,
        "people",
        [
            PEOPLE + ["入党支部日期"],
            person_row() + ["2024/1/5"],
            ["苏0102", changed.staff_number, changed.name, "", "书记员"],
            ["苏9999", "N9", "赵六", "女", "法官"],
        ],
    )
    response = commit(client, batch)
    assert "Import committed." in response.content.decode()
    person = Person.objects.get(court=world.basic, staff_number="N001")
    assert person.name == "李四" and person.category == "judge"
    assert person.joined_party_on == datetime.date(2010, 7, 1)
    membership = Membership.objects.get(person=person)
    assert membership.organisation == world.branch
    assert membership.starts_on == datetime.date(2024, 1, 5)
    changed.refresh_from_db()
    assert changed.category == "clerk"
    # One entry for the batch, one change under it per record created or changed.
    entry = AuditEntry.objects.get(action="transfer.batch.committed")
    assert entry.actor == world.users["party"] and entry.object_id == str(batch.pk)
    actions = set(entry.object_changes.values_list("action", flat=True))
    assert {"people.person.created", "people.person.changed", "people.membership.created"} <= (
        actions
    )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert not Person.objects.filter(staff_number="N9").exists()


def test_reimporting_the_same_file_changes_nothing(world, client_for):
    client = client_for("party")
    rows = [
        PEOPLE + ["出生日期", "员额法官", "党费基数", "部门"],
        person_row() + [datetime.datetime(1980, 1, 5), "是", 8000, "民事审判第一庭"],
        person_row(number="N002", name="王五") + ["1982-3-4", "否", "7,500.5", ""],
    ]
    commit(client, preview(client, "people", rows))
    audited = AuditEntry.objects.count()
    again = preview(client, "people", rows)
    assert (again.created_count, again.changed_count, again.unchanged_count) == (0, 0, 2)
    assert again.reject_list() == []
    commit(client, again)
    assert AuditEntry.objects.count() == audited
    assert Membership.objects.filter(person__staff_number__in=["N001", "N002"]).count() == 2


def test_cancel_writes_nothing(world, client_for):
    client = client_for("party")
    batch = preview(client, "people", [PEOPLE, person_row()])
    response = client.post(f"{START}{batch.pk}/cancel/", follow=True)
    assert "Import cancelled" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED
    assert not Person.objects.filter(staff_number="N001").exists()
    assert not AuditEntry.objects.exists()
    commit(client, batch)
    assert not Person.objects.filter(staff_number="N001").exists()


def test_a_batch_commits_only_once(world, client_for):
    client = client_for("party")
    batch = preview(client, "people", [PEOPLE, person_row()])
    commit(client, batch)
    audited = AuditEntry.objects.count()
    response = commit(client, batch)
    assert "already been committed or cancelled" in response.content.decode()
    assert AuditEntry.objects.count() == audited
    assert Person.objects.filter(staff_number="N001").count() == 1


def test_commit_rechecks_data_changed_since_the_preview(world, client_for):
    client = client_for("party")
    batch = preview(client, "people", [PEOPLE, person_row(), person_row("N002", "王五")])
    assert batch.created_count == 2
    world.branch.is_active = False
    world.branch.save()
    response = commit(client, batch)
    assert "The data changed since the preview" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING
    assert batch.rejected_count == 2 and batch.created_count == 0
    assert "no longer active" in reasons(batch)
    assert not Person.objects.filter(staff_number__in=["N001", "N002"]).exists()


def test_a_service_error_at_commit_writes_nothing(world, client_for, monkeypatch):
    client = client_for("party")
    batch = preview(client, "people", [PEOPLE, person_row(), person_row("N002", "王五")])
    from tongxin.core.exceptions import ApplicationError
    from tongxin.people import imports as people

    def failing(self, actor, audit, items):  # the membership moves fail, at row 2
        self.current = items[0]
        raise ApplicationError("Boom.")

    monkeypatch.setattr(people.PersonChecker, "_moves", failing)
    response = commit(client, batch)
    assert "Row 2 could not be saved: Boom. Nothing was written." in response.content.decode()
    assert not Person.objects.filter(staff_number__in=["N001", "N002"]).exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING


# Access --------------------------------------------------------------------------------


def test_outsider_gets_404_on_someone_elses_batch(world, client_for):
    batch = preview(client_for("party"), "people", [PEOPLE, person_row()])
    outsider = client_for("outsider")
    assert outsider.get(f"{START}{batch.pk}/").status_code == 404
    assert outsider.post(f"{START}{batch.pk}/commit/").status_code == 404
    assert outsider.post(f"{START}{batch.pk}/cancel/").status_code == 404
    assert outsider.get(f"{START}{batch.pk}/rejects.xlsx").status_code == 404
    admin = client_for("admin")  # even an administrator of the same court
    assert admin.post(f"{START}{batch.pk}/commit/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING
    assert not Person.objects.filter(staff_number="N001").exists()


# The trial management office may import (cases, tests/trial), but not people: 404 there.
@pytest.mark.parametrize("role", ["leader", "discipline", "secretary", "committee", "member"])
def test_roles_without_import_permission_get_403(world, client_for, role):
    batch = preview(client_for("party"), "people", [PEOPLE, person_row()])
    client = client_for(role)
    assert client.get(START).status_code == 403
    assert upload(client, "people", [PEOPLE, person_row()]).status_code == 403
    assert client.get("/transfer/import/templates/people.xlsx").status_code == 403
    assert client.get(f"{START}{batch.pk}/").status_code == 403
    assert client.post(f"{START}{batch.pk}/commit/").status_code == 403
    assert not Person.objects.filter(staff_number="N001").exists()


def test_rows_outside_the_users_reach_are_rejected_and_never_written(world, client_for):
    client = client_for("party")
    batch = preview(
        client,
        "people",
        [
            PEOPLE,
            ["浙0102", "Z001", "孙八", "男", "法官"],
            ["浙0102", world.other_person.staff_number, world.other_person.name, "", "书记员"],
            person_row(),
        ],
    )
    assert batch.rejected_count == 2 and batch.created_count == 1
    assert "outside your reach" in reasons(batch)
    commit(client, batch)
    assert not Person.objects.filter(staff_number="Z001").exists()
    world.other_person.refresh_from_db()
    assert world.other_person.category == "judge"


def test_get_on_commit_does_not_commit(world, client_for):
    client = client_for("party")
    batch = preview(client, "people", [PEOPLE, person_row()])
    assert client.get(f"{START}{batch.pk}/commit/").status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING


def test_rejects_download_lists_every_rejected_row(world, client_for):
    client = client_for("party")
    batch = preview(client, "people", [PEOPLE, person_row(), ["苏9999", "N9", "赵六"]])
    response = client.get(f"{START}{batch.pk}/rejects.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][:3] == (3, "法院代字", "苏9999")


# Query counts --------------------------------------------------------------------------


def _people_rows(world, count):
    rows = [PEOPLE + ["部门", "党小组", "入党支部日期"]]
    for member in world.members:
        rows.append(
            ["苏0102", member.staff_number, member.name, "", "", "", "", "民一庭党支部"]
            + ["民事审判第一庭", "民一庭第一党小组", ""]
        )
    for n in range(count - len(world.members)):
        rows.append(
            ["苏0102", f"Q{n:05d}", f"新人{n}", "女", "法官助理", "预备党员", "2023-01-01"]
            + ["民一庭党支部", "民事审判第一庭", "", "2024-01-01"]
        )
    return rows


@pytest.mark.parametrize("count", [10, 200])
def test_preview_query_count_does_not_grow_with_rows(
    world, client_for, django_assert_max_num_queries, count
):
    client = client_for("party")
    client.get(START)  # session and profile warm-up
    rows = _people_rows(world, count)
    # Sign-in (4), the lookups (5: courts, people, departments, organisations, memberships),
    # the batch and its one chunk (a chunk holds 1,000 rows of the file) written together
    # (savepoint, insert, chunk, update, release).
    with django_assert_max_num_queries(14):
        response = upload(client, "people", rows)
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.reject_list() == []
    assert batch.created_count == count - len(world.members)
    assert batch.unchanged_count == len(world.members)


def test_court_export_reimports_unchanged(world, client_for):
    """The court list's export carries the parent code, so it imports back as all unchanged."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongxin.transfer.models import ImportBatch

    client = client_for("party")
    exported = b"".join(client.get("/courts/?export=xlsx").streaming_content)
    upload = SimpleUploadedFile("courts.xlsx", exported)
    client.post("/transfer/import/", {"kind": "courts", "file": upload})
    batch = ImportBatch.objects.latest("id")
    assert batch.reject_list() == []
    assert {row["action"] for row in batch.row_list()} == {"unchanged"}
