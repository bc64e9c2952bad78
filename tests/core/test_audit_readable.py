"""A readable audit log: objects by their names, choices by their labels, yes and no, field
names in the reader's language, times in the court's time zone; the page costs the same
number of queries whatever the number of entries; discipline inspection reads its subtree."""

import datetime
from unittest import mock

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tongxin.accounts.services import account_grant
from tongxin.core.models import AuditEntry
from tongxin.core.permissions import Role
from tongxin.orgs import services as org_services
from tongxin.people import services as people_services


def _promote(world, actor="party"):
    return people_services.person_save(
        actor=world.users[actor],
        person=world.probationary,
        changes={
            "political_status": "full",
            "joined_party_on": datetime.date(2024, 1, 1),  # a year's probation before
            "full_member_on": datetime.date(2025, 1, 1),
            "is_quota_judge": True,
        },
    )


def _rows(client, action=""):
    page = client.get(f"/accounts/audit/?action={action}").context["page"]
    return {entry.action: dict((label, (b, a)) for label, b, a in entry.changes) for entry in page}


def test_choices_read_as_their_labels_and_booleans_as_yes_or_no(world, client_for):
    _promote(world)
    changes = _rows(client_for("party"))["people.person.changed"]
    assert changes["political status"] == ("Probationary member", "Full member")
    assert changes["quota judge"] == ("No", "Yes")
    body = client_for("party").get("/accounts/audit/").content.decode()
    assert "probationary" not in body and "True" not in body and "False" not in body


def test_the_log_in_chinese(world):
    _promote(world)
    client = Client()
    client.force_login(world.users["party"])
    client.cookies["django_language"] = "zh-hans"
    body = client.get("/accounts/audit/").content.decode()
    for text in ("政治面貌", "预备党员", "正式党员", "员额法官", "是", "否"):
        assert text in body, text


def test_referenced_objects_read_as_their_names(world, client_for):
    person = world.members[3]
    other_branch = world.branch.children.model.objects.create(
        court=world.basic,
        parent=world.committee_org,
        kind="branch",
        name_zh="民二庭党支部",
        name_en="Civil Branch Two",
        path=world.committee_org.path + "9999999.",
        depth=world.committee_org.depth + 1,
    )
    people_services.membership_move(
        actor=world.users["party"],
        person=person,
        organisation=other_branch,
        on=datetime.date(2026, 2, 1),
    )
    rows = _rows(client_for("party"))
    assert rows["people.membership.created"]["organisation"] == (None, "Civil Branch Two")
    assert rows["people.membership.ended"]["until"] == (None, "2026-02-01")
    page = client_for("party").get("/accounts/audit/").content.decode()
    assert f"{person.name} @ Civil Branch Two" in page  # the object by its name
    account_grant(
        actor=world.users["party"],
        username="lisi",
        password="Tongxin-新账户-2026",
        role=Role.COURT_LEADER,
        court_code="苏0102",
    )
    grant = _rows(client_for("party"), "people.grant")["people.grant.created"]
    assert grant["role"] == (None, "Court leader (read-only)")
    assert grant["court"] == (None, world.basic.name_en)
    assert grant["user"] == (None, "lisi")


def test_many_to_many_values_and_renamed_objects(world, client_for):
    org_services.organisation_save(
        actor=world.users["party"],
        organisation=world.branch,
        changes={},
        departments=[],
    )
    changes = _rows(client_for("party"))["orgs.organisation.changed"]
    assert changes["departments covered"] == (world.dept.name_en, "")


def test_every_object_type_is_named(world, client_for):
    branch = world.branch
    org_services.term_record(
        actor=world.users["party"],
        organisation=branch,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2030, 1, 1),
    )
    post = branch.posts.get(post="propaganda")
    org_services.post_end(actor=world.users["party"], post=post, ends_on=datetime.date(2026, 5, 1))
    names = set(AuditEntry.objects.values_list("object_repr", flat=True))
    assert f"{branch.name_en} 2027-01-01 – 2030-01-01" in names
    assert f"{branch.name_en} · Propaganda member {post.person.name}" in names
    from tongxin.orgs.models import HealthRule

    rule = HealthRule(code="no_secretary_xx")
    assert str(rule) == "no_secretary_xx"  # an unknown code stays as it is
    assert str(HealthRule(code="secretary_missing")) == "No secretary"


def test_times_are_shown_in_the_courts_time_zone(world, client_for):
    moment = datetime.datetime(2026, 3, 1, 17, 30, tzinfo=datetime.UTC)  # 01:30 in Shanghai
    with mock.patch("django.utils.timezone.now", return_value=moment):
        _promote(world)
    body = client_for("party").get("/accounts/audit/").content.decode()
    assert "2026-03-02 01:30:00" in body and "2026-03-01 17:30" not in body
    entry = AuditEntry.objects.get()
    assert entry.display("locked_until", "2026-03-01T17:30:00+00:00") == "2026-03-02 01:30"


def test_account_entries_read_in_words(world, client_for):
    from tongxin.accounts import services

    services.account_password_reset(
        actor=world.users["party"], user=world.users["member"], password="Tongxin-新密码-2026"
    )
    entry = AuditEntry.objects.get(action="accounts.user.password_reset")
    assert entry.action_label == "user · password reset"
    assert ("must change the password", None, "Yes") in entry.changes


def test_the_page_costs_the_same_queries_whatever_the_number_of_entries(world, client_for):
    def entries(n):
        for i in range(n):
            org_services.department_save(
                actor=world.users["party"], department=world.dept, changes={"name_en": f"D{i}"}
            )
            people_services.person_save(
                actor=world.users["party"],
                person=world.members[i % 9],
                changes={"is_quota_judge": i % 2 == 0, "department": None},
            )

    client = client_for("party")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/accounts/audit/").status_code == 200
        return len(captured)

    entries(2)
    few = queries()
    entries(10)
    assert AuditEntry.objects.count() >= 20
    assert queries() == few


def test_discipline_inspection_reads_the_log_of_its_subtree_only(world, client_for):
    _promote(world)  # in 苏0102, below discipline's grant on 苏
    people_services.person_save(
        actor=world.users["outsider"],
        person=world.other_person,
        changes={"is_retired": True},
    )
    page = client_for("discipline").get("/accounts/audit/").context["page"]
    assert [entry.court_path for entry in page] == [world.basic.path]
    export = client_for("discipline").get("/accounts/audit/?export=xlsx")
    assert export.status_code == 200
    # …and may change nothing there (there is nothing to change: the log is read-only)
    assert client_for("discipline").post("/accounts/audit/").status_code in (200, 405)
