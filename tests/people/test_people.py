"""People, membership history and their pages."""

import datetime

import pytest

from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry
from tongxin.people.models import Membership, Person
from tongxin.people.services import membership_move

PERSON = {
    "name": "欧阳明月",
    "gender": "f",
    "birth_date": "1990-02-03",
    "staff_number": "XW-0001",
    "department": "",
    "category": "judge",
    "cadre_level": "",
    "is_quota_judge": "on",
    "political_status": "full",
    "joined_party_on": "2012-06-01",
    "full_member_on": "2013-06-01",
    "dues_base": "8800.00",
}


def test_party_staff_create_a_person_with_chinese_text(world, client_for):
    data = {**PERSON, "department": world.dept.pk}
    response = client_for("party").post(f"/people/new/?court={world.basic.pk}", data)
    person = Person.objects.get(staff_number="XW-0001")
    assert response.status_code == 302
    assert (person.name, person.court, person.department) == ("欧阳明月", world.basic, world.dept)
    assert AuditEntry.objects.filter(
        action="people.person.created", object_id=str(person.pk)
    ).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"birth_date": "1990-13-45"}, "Enter a valid date"),
        ({"birth_date": "2999-01-01"}, "lies in the future"),
        ({"full_member_on": "2011-01-01"}, "cannot start before joining"),
        ({"staff_number": "S"}, None),  # replaced below with an existing number
        ({"dues_base": "-5"}, "cannot be negative"),
        ({"gender": "x"}, "Select a valid choice"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_bad_person_input_is_explained_and_nothing_is_written(world, client_for, change, message):
    if "staff_number" in change:
        change = {"staff_number": world.members[0].staff_number}
        message = "has staff number"
    count = Person.objects.count()
    response = client_for("party").post(
        f"/people/new/?court={world.basic.pk}", {**PERSON, **change}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Person.objects.count() == count


def test_same_staff_number_is_fine_in_another_court(world, client_for):
    response = client_for("party").post(
        f"/people/new/?court={world.inter.pk}",
        {**PERSON, "staff_number": world.members[0].staff_number},
    )
    assert response.status_code == 302


def test_department_of_another_court_is_not_offered(world, client_for):
    response = client_for("party").post(
        f"/people/new/?court={world.inter.pk}", {**PERSON, "department": world.dept.pk}
    )
    assert "Select a valid choice" in response.content.decode()


def test_secretary_edits_a_member_of_the_branch(world, client_for):
    person = world.members[3]
    data = {
        **PERSON,
        "staff_number": person.staff_number,
        "name": "李新名",
        "department": world.dept.pk,
    }
    response = client_for("secretary").post(f"/people/{person.pk}/edit/", data)
    assert response.status_code == 302
    person.refresh_from_db()
    entry = AuditEntry.objects.get(action="people.person.changed", object_id=str(person.pk))
    assert entry.before["name"] != "李新名" and entry.after["name"] == "李新名"


def test_move_keeps_the_old_membership_as_history(world, client_for):
    from tests.factories import OrganisationFactory

    person = world.members[4]
    target = OrganisationFactory(
        court=world.basic, parent=world.committee_org, name_zh="刑庭党支部"
    )
    response = client_for("party").post(
        f"/people/{person.pk}/move/", {"organisation": target.pk, "on": "2026-02-01"}
    )
    assert response.status_code == 302
    rows = list(Membership.objects.filter(person=person).order_by("starts_on"))
    assert [(m.organisation_id, m.ends_on) for m in rows] == [
        (world.branch.pk, datetime.date(2026, 2, 1)),
        (target.pk, None),
    ]


def test_move_dated_before_the_current_membership_is_refused(world):
    from tests.factories import OrganisationFactory

    target = OrganisationFactory(court=world.basic, parent=world.committee_org)
    with pytest.raises(ApplicationError, match="dated after"):
        membership_move(
            actor=world.users["admin"],
            person=world.members[4],
            organisation=target,
            on=datetime.date(2019, 1, 1),
        )


def test_cell_must_belong_to_the_chosen_branch(world):
    from tests.factories import OrganisationFactory

    other = OrganisationFactory(court=world.basic, parent=world.committee_org)
    with pytest.raises(ApplicationError, match="party group"):
        membership_move(
            actor=world.users["admin"],
            person=world.members[4],
            organisation=other,
            cell=world.cell,
            on=datetime.date(2026, 1, 1),
        )


def test_deactivating_a_person_ends_membership_and_posts(world, client_for):
    person = world.members[0]  # the secretary
    client_for("party").post(f"/people/{person.pk}/deactivate/")
    person.refresh_from_db()
    assert not person.is_active
    assert not person.memberships.filter(ends_on__isnull=True).exists()
    assert not person.posts.filter(ends_on__isnull=True).exists()


def test_person_list_filters(world, client_for):
    client = client_for("admin")
    page = client.get("/people/?status=probationary").context["page"]
    assert [p.pk for p in page] == [world.probationary.pk]
    page = client.get(f"/people/?organisation={world.branch.pk}").context["page"]
    assert len(page) == 10
    page = client.get("/people/?court=浙0102").context["page"]
    assert len(page) == 0  # admin of province A does not see province B
    page = client.get("/people/?court=NOPE").context["page"]
    assert len(page) == 0
    page = client.get(f"/people/?q={world.members[2].name}").context["page"]
    assert world.members[2] in list(page)


def test_secretary_sees_only_branch_members(world, client_for):
    from tests.factories import PersonFactory

    stranger = PersonFactory(court=world.basic)
    page = client_for("secretary").get("/people/").context["page"]
    names = {p.name for p in page}
    assert world.members[3].name in names and stranger.name not in names


def test_people_export_has_chinese_and_filters(world, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for("admin").get("/people/?status=probationary&export=xlsx")
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 2 and rows[1][1] == world.probationary.name


def test_membership_invariant_one_open_row_in_the_database(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person=world.members[0], organisation=world.branch, starts_on=datetime.date(2026, 1, 1)
        )


def test_leaving_the_party_ends_membership_posts_and_dues(world, client_for):
    person = world.members[0]  # the branch secretary
    person.dues_base = 8000
    person.save()
    data = {
        **PERSON,
        "staff_number": person.staff_number,
        "name": person.name,
        "political_status": "none",
        "joined_party_on": "",
        "full_member_on": "",
        "is_quota_judge": "",
    }
    response = client_for("party").post(f"/people/{person.pk}/edit/", data)
    assert response.status_code == 302
    assert not person.memberships.filter(ends_on__isnull=True).exists()
    assert not person.posts.filter(ends_on__isnull=True).exists()
    assert client_for("party").get(f"/people/{person.pk}/").context["dues"] is None
    from tongxin.people.ledger import collection_sheet

    sheet = collection_sheet(organisation=world.branch, month=datetime.date.today())
    assert person not in [row.person for row in sheet.rows]


def test_a_moving_secretary_leaves_the_old_committee(world):
    from tests.factories import OrganisationFactory

    secretary = world.members[0]
    target = OrganisationFactory(court=world.basic, parent=world.committee_org)
    membership_move(
        actor=world.users["admin"],
        person=secretary,
        organisation=target,
        on=datetime.date(2026, 2, 1),
    )
    post = secretary.posts.get(organisation=world.branch)
    assert post.ends_on == datetime.date(2026, 2, 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"joined_party_on": "2099-01-01", "full_member_on": ""}, "cannot lie in the future"),
        ({"political_status": "probationary"}, "no date of full membership yet"),
        ({"birth_date": "2020-01-01"}, "younger than 16"),
        ({"category": "clerk", "is_quota_judge": "on"}, "Only judges can be quota judges"),
    ],
)
def test_implausible_person_data_is_refused(world, client_for, change, message):
    response = client_for("party").post(
        f"/people/new/?court={world.basic.pk}", {**PERSON, **change}
    )
    assert message in response.content.decode()


def test_member_role_only_for_a_member_of_that_organisation(world, client_for):
    from tests.factories import PersonFactory

    client = client_for("admin")
    data = {
        "username": "wangwu",
        "password": "Tongxin-2026-ok",
        "role": "member",
        "court_code": "苏0102",
        "organisation_name": world.branch.name_zh,
    }
    stranger = PersonFactory(court=world.basic)  # same court, not in the branch
    response = client.post("/accounts/grants/", {**data, "staff_number": stranger.staff_number})
    assert "member role goes to a member" in response.content.decode()
    response = client.post(
        "/accounts/grants/", {**data, "staff_number": world.members[8].staff_number}
    )
    assert response.status_code == 302


def test_new_person_from_the_people_list_starts_with_the_court(world, client_for):
    client = client_for("party")
    assert "/people/new/" in client.get("/people/").content.decode()
    assert client.get("/people/new/").status_code == 200
    response = client.get("/people/new/?code=苏0102")
    assert response.status_code == 302 and response["Location"].endswith(f"?court={world.basic.pk}")
    assert "No active court" in client.get("/people/new/?code=浙0102").content.decode()


def test_search_finds_names_and_staff_numbers_by_their_beginning(world, client_for):
    """Through an index: a surname or full name, or the start of a staff number."""
    client = client_for("party")
    person = world.members[2]
    person.name = "欧阳明华"
    person.save()

    def found(q):
        return {p.pk for p in client.get("/people/", {"q": q}).context["page"]}

    assert person.pk in found("欧阳") and person.pk in found("欧阳明华")
    assert person.pk in found(person.staff_number[:4])
    assert found(person.staff_number) == {person.pk}
    assert person.pk not in found("明华")  # the middle of a name is not an index range
    assert found("无此人") == set()
