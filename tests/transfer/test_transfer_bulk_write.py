"""The people import writes in bulk and audits in bulk: one entry for the batch, one change per
record under it. These tests hold it to what the per-row services gave:

- the audit still answers "who changed this field of this person, when, from what" for every
  field of every row (new people, changed fields, membership moves, a member leaving);
- an import killed mid-way leaves nothing half-written, and the batch is recovered;
- the side effects of the services still happen (posts end with a move, a member who leaves
  the Party leaves their branch), and duplicates across chunks are still found.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tests.factories import OrganisationFactory
from tests.transfer.test_transfer import START, commit, preview, reasons
from tests.transfer.test_transfer_background import post_commit, status_of
from tongxin.core.audit import plain, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditChange, AuditEntry
from tongxin.orgs.models import CommitteePost
from tongxin.people.models import Membership, Person
from tongxin.transfer import commit as commits
from tongxin.transfer import lease, services, slices
from tongxin.transfer.models import ImportBatch

HEADERS = [
    "法院代字",
    "工号",
    "姓名",
    "性别",
    "人员类别",
    "领导职务层级",
    "政治面貌",
    "入党日期",
    "党费基数",
    "所在党组织",
    "入党支部日期",
]


@pytest.fixture
def criminal(world):
    """A second branch of the basic court to move members into."""
    return OrganisationFactory(
        court=world.basic, parent=world.committee_org, name_zh="刑庭党支部", name_en="Criminal"
    )


def rows(world):
    m = world.members
    return [
        HEADERS,
        ["苏0102", "N001", "李四", "男", "法官", "县处级", "正式党员", "2010-07-01", 8000]
        + ["民一庭党支部", "2024-01-05"],
        ["苏0102", "N002", "王五", "女", "书记员", "", "群众", "", 6000, "", ""],
        # Three fields of one person.
        ["苏0102", m[4].staff_number, m[4].name, "", "书记员", "县处级", "", "", 9000, "", ""],
        # A member moved to another branch.
        ["苏0102", m[5].staff_number, m[5].name, "", "", "", "", "", "", "刑庭党支部"]
        + ["2025-01-01"],
        # The branch's propaganda member moves: the post ends with the membership.
        ["苏0102", m[2].staff_number, m[2].name, "", "", "", "", "", "", "刑庭党支部"]
        + ["2025-02-01"],
        # A probationary member leaves the Party (through person_save: the branch is left).
        ["苏0102", world.probationary.staff_number, world.probationary.name, "", "", ""]
        + ["群众", "", "", "", ""],
        # Unchanged.
        ["苏0102", m[7].staff_number, m[7].name, "", "", "", "", "", "", "", ""],
    ]


def records(world) -> dict:
    """Every record the file touches, by (model label, id): its snapshot now."""
    people = Person.objects.filter(court=world.basic)
    memberships = Membership.objects.filter(person__court=world.basic)
    found = {("people.person", str(p.pk)): snapshot(p) for p in people}
    found.update({("people.membership", str(m.pk)): snapshot(m) for m in memberships})
    return found


def history(object_type: str, object_id: str) -> list[dict]:
    """What the audit says of one record: (who, when, field, before, after) for every field
    of every entry or bulk change recorded for it."""
    found = []
    entries = [
        (e.actor_name, e.at, e.before, e.after)
        for e in AuditEntry.objects.filter(object_type=object_type, object_id=object_id)
    ] + [
        (c.entry.actor_name, c.entry.at, c.before, c.after)
        for c in AuditChange.objects.filter(
            object_type=object_type, object_id=object_id
        ).select_related("entry")
    ]
    for who, at, before, after in entries:
        before, after = before or {}, after or {}
        for name in set(before) | set(after):
            found.append(
                {
                    "who": who,
                    "at": at,
                    "field": name,
                    "before": before.get(name),
                    "after": after.get(name),
                }
            )
    return found


def test_every_changed_field_of_every_row_is_in_the_audit_with_who_when_and_before(
    world, client_for, criminal
):
    client = client_for("party")
    before = records(world)
    started = timezone.now()
    batch = preview(client, "people", rows(world))
    assert batch.reject_list() == [], reasons(batch)
    assert (batch.created_count, batch.changed_count, batch.unchanged_count) == (2, 4, 1)
    assert "Import committed." in commit(client, batch).content.decode()
    after = records(world)

    changed_fields = 0
    for key, now in after.items():
        then = before.get(key, {})
        told = history(*key)
        for name, value in now.items():
            if name in then and then[name] == value:
                continue
            changed_fields += 1
            match = [
                h
                for h in told
                if h["field"] == name and h["after"] == value and h["before"] == then.get(name)
            ]
            assert match, f"{key} {name}: {then.get(name)!r} → {value!r} not in {told}"
            assert all(h["who"] == "party" and h["at"] >= started for h in match)
    # The file's changes, field by field: two new people, three fields of one person, two
    # moves (closed and new memberships), a member who left, at the least.
    assert changed_fields > 40
    m4 = world.members[4]
    m4.refresh_from_db()
    assert (m4.category, m4.cadre_level, m4.dues_base) == ("clerk", "division", 9000)
    assert {
        (h["field"], h["before"], h["after"])
        for h in history("people.person", str(m4.pk))
        if h["field"] in ("category", "cadre_level", "dues_base")
    } == {
        ("category", "judge", "clerk"),
        ("cadre_level", "", "division"),
        ("dues_base", plain(before[("people.person", str(m4.pk))]["dues_base"]), "9000.00"),
    }


def test_the_batch_writes_one_entry_and_one_change_per_record(world, client_for, criminal):
    client = client_for("party")
    commit(client, preview(client, "people", rows(world)))
    entry = AuditEntry.objects.get(action="transfer.batch.committed")
    assert entry.actor == world.users["party"] and entry.court_path == world.high.path
    counts = {
        action: entry.object_changes.filter(action=action).count()
        for action in (
            "people.person.created",
            "people.person.changed",
            "people.membership.ended",
            "people.membership.created",
        )
    }
    # N001 joins the branch; members 5 and 2 move; the leaver goes through person_save.
    assert counts == {
        "people.person.created": 2,
        "people.person.changed": 1,  # the moves change memberships, not the people
        "people.membership.ended": 2,
        "people.membership.created": 3,
    }
    # Each change carries its record's court, for the court's own auditors.
    assert set(entry.object_changes.values_list("court_path", flat=True)) == {world.basic.path}
    # The rows with side effects went through the services, audited by them.
    assert AuditEntry.objects.filter(
        action="people.person.changed", object_id=str(world.probationary.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="orgs.post.ended").count() == 1


def test_a_move_ends_the_post_held_in_the_branch_left_and_leaving_the_party_ends_the_membership(
    world, client_for, criminal
):
    client = client_for("party")
    commit(client, preview(client, "people", rows(world)))
    m2, m5 = world.members[2], world.members[5]
    post = CommitteePost.objects.get(person=m2, organisation=world.branch)
    assert post.ends_on == datetime.date(2025, 2, 1)
    for person, on in ((m2, datetime.date(2025, 2, 1)), (m5, datetime.date(2025, 1, 1))):
        old = Membership.objects.get(person=person, organisation=world.branch)
        new = Membership.objects.get(person=person, ends_on__isnull=True)
        assert old.ends_on == on and new.organisation == criminal and new.starts_on == on
        assert new.cell is None
    assert Membership.objects.get(person__staff_number="N001").organisation == world.branch
    probationary = world.probationary
    probationary.refresh_from_db()
    assert probationary.political_status == "none"
    assert not Membership.objects.filter(person=probationary, ends_on__isnull=True).exists()


def test_the_audit_pages_answer_for_a_person_changed_by_an_import(world, client_for, criminal):
    client = client_for("party")
    batch = preview(client, "people", rows(world))
    commit(client, batch)
    m4 = world.members[4]
    body = client.get(f"/accounts/audit/history/people.person/{m4.pk}/").content.decode()
    assert "position category" in body and "judge" in body and "clerk" in body
    assert "party" in body and "People · import.xlsx" in body
    # From the person's page, for those who read the audit log.
    assert 'data-testid="history"' in client.get(f"/people/{m4.pk}/").content.decode()
    # The audit log lists the batch's entry with the number of records it changed.
    log = client.get("/accounts/audit/").content.decode()
    entry = AuditEntry.objects.get(action="transfer.batch.committed")
    assert f"/accounts/audit/{entry.pk}/changes/" in log and "8 records changed" in log
    changes = client.get(f"/accounts/audit/{entry.pk}/changes/")
    assert changes.status_code == 200 and m4.name in changes.content.decode()
    # Another province's auditor sees neither the batch nor the records.
    outsider = client_for("outsider")
    assert outsider.get(f"/accounts/audit/{entry.pk}/changes/").status_code == 404
    other = outsider.get(f"/accounts/audit/history/people.person/{m4.pk}/").content.decode()
    assert "clerk" not in other
    # Without the audit permission, no history.
    assert (
        client_for("member").get(f"/accounts/audit/history/people.person/{m4.pk}/").status_code
        == 403
    )


def test_bulk_changes_are_append_only(world, client_for, criminal):
    client = client_for("party")
    commit(client, preview(client, "people", rows(world)))
    change = AuditChange.objects.first()
    with pytest.raises(ApplicationError):
        change.save()
    with pytest.raises(ApplicationError):
        change.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditchange SET after = NULL WHERE id = %s", [change.pk])
    change.refresh_from_db()
    assert change.after is not None


def test_an_import_that_changes_nothing_writes_no_entry(world, client_for):
    client = client_for("party")
    m = world.members[7]
    batch = preview(client, "people", [HEADERS[:3], ["苏0102", m.staff_number, m.name]])
    assert batch.unchanged_count == 1
    client.post(f"{START}{batch.pk}/commit/")
    assert not AuditEntry.objects.exists() and not AuditChange.objects.exists()


# Killed mid-way ------------------------------------------------------------------------------


@pytest.fixture
def background(settings):
    settings.IMPORT_INLINE_ROWS = 2  # the commit goes to the background task


def _fail_in_the_second_chunk(monkeypatch, error):
    """The bulk update of the second chunk raises `error` (after the first chunk and the
    second's new people were written)."""
    from tongxin.people.imports import PersonChecker

    real, calls = PersonChecker._change, []

    def change(self, audit, items):
        calls.append(len(items))
        if len(calls) == 2:
            raise error
        return real(self, audit, items)

    monkeypatch.setattr(PersonChecker, "_change", change)
    return calls


def _nothing_written(world, before):
    assert records(world) == before
    assert not Person.objects.filter(staff_number__in=["N001", "N002"]).exists()
    assert not AuditEntry.objects.exists() and not AuditChange.objects.exists()
    assert CommitteePost.objects.filter(ends_on__isnull=False).count() == 0


def test_an_error_mid_write_writes_nothing_and_says_why(
    world, client_for, criminal, monkeypatch, background, django_capture_on_commit_callbacks
):
    client = client_for("party")
    monkeypatch.setattr(slices, "CHUNK_ROWS", 2)  # four chunks of (at most) two rows
    batch = preview(client, "people", rows(world))
    before = records(world)
    calls = _fail_in_the_second_chunk(monkeypatch, RuntimeError("disk on fire"))
    with django_capture_on_commit_callbacks(execute=True):
        post_commit(client, batch)
    assert len(calls) == 2  # the first chunk was written, the second failed in the middle
    assert status_of(batch) == ImportBatch.Status.FAILED
    assert "failed unexpectedly; nothing was written" in batch.failure
    _nothing_written(world, before)


def test_a_worker_stopped_mid_write_leaves_nothing_and_the_batch_commits_again(
    world, client_for, criminal, monkeypatch, background, django_capture_on_commit_callbacks
):
    client = client_for("party")
    monkeypatch.setattr(slices, "CHUNK_ROWS", 2)
    batch = preview(client, "people", rows(world))
    before = records(world)
    _fail_in_the_second_chunk(monkeypatch, SystemExit(1))
    with django_capture_on_commit_callbacks(execute=False):
        post_commit(client, batch)
    with pytest.raises(SystemExit):
        commits.import_commit_claimed(batch_id=batch.pk)
    assert status_of(batch) == ImportBatch.Status.PENDING and "interrupted" in batch.failure
    _nothing_written(world, before)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        post_commit(client, batch)
    assert status_of(batch) == ImportBatch.Status.COMMITTED
    assert AuditEntry.objects.filter(action="transfer.batch.committed").count() == 1
    assert AuditChange.objects.filter(action="people.person.created").count() == 2


def test_a_worker_killed_outright_mid_write_leaves_nothing_and_the_batch_is_recovered(
    world, client_for, criminal, monkeypatch, background, django_capture_on_commit_callbacks
):
    """kill -9: the transaction is rolled back by the database and nothing else runs; the
    lease, no longer renewed, expires, and the page takes the batch back."""
    client = client_for("party")
    monkeypatch.setattr(slices, "CHUNK_ROWS", 2)
    batch = preview(client, "people", rows(world))
    before = records(world)

    class Killed(BaseException):
        pass

    _fail_in_the_second_chunk(monkeypatch, Killed())
    monkeypatch.setattr(commits, "_failed", lambda *args, **kwargs: None)  # dead: no goodbye
    with django_capture_on_commit_callbacks(execute=False):
        post_commit(client, batch)
    with pytest.raises(Killed):
        commits.import_commit_claimed(batch_id=batch.pk)
    _nothing_written(world, before)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTING and batch.lease_owner
    ImportBatch.objects.filter(pk=batch.pk).update(
        lease_until=timezone.now() - datetime.timedelta(minutes=5)
    )
    cache.delete(f"transfer:import-beat:{batch.pk}")
    batch.refresh_from_db()
    assert services.commit_state(batch) == lease.STOPPED
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{START}{batch.pk}/recover/", {"retry": "1"})
    assert status_of(batch) == ImportBatch.Status.COMMITTED
    assert Person.objects.filter(staff_number__in=["N001", "N002"]).count() == 2
    assert AuditChange.objects.filter(action="people.person.created").count() == 2


# Chunks ------------------------------------------------------------------------------------


def test_a_staff_number_repeated_in_another_chunk_rejects_both_rows(world, client_for, monkeypatch):
    monkeypatch.setattr(slices, "CHUNK_ROWS", 2)
    rows = [HEADERS[:5]] + [["苏0102", f"D{n}", f"某{n}", "男", "法官"] for n in range(6)]
    rows.append(["苏0102", "D1", "某1", "男", "法官"])  # row 8 repeats row 3's key
    batch = preview(client_for("party"), "people", rows)
    assert batch.created_count == 5 and batch.rejected_count == 2
    text = reasons(batch)
    assert "3: 工号: “D1” appears more than once in this file (rows 3, 8)." in text
    assert "8: 工号: “D1” appears more than once in this file (rows 3, 8)." in text


def test_a_bulk_import_leaves_the_health_facts_equal_to_a_recount(world, client_for, criminal):
    """Bulk moves, new people and changed statuses bypass the services that keep the facts:
    the import refreshes them itself, so a full recount finds nothing to repair."""
    from tongxin.orgs.facts import facts_recount

    client = client_for("party")
    commit(client, preview(client, "people", rows(world)))
    differences = facts_recount(write=False)
    assert not differences, differences
