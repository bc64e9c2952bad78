"""Bad input: clear messages at the fields, nothing half-saved, never a 500."""

import datetime

import pytest

from tests.care.factories import care_world
from tests.factories import UserFactory, grant
from tongxin.care import services
from tongxin.care.models import ContactPoint, ContactVisit, HelpRecord, HomeVisit, Talk
from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry
from tongxin.core.permissions import Role

TODAY = datetime.date.today()


def _talk(w, **changes):
    values = dict(
        actor=w.users["committee"],
        organisation=w.branch,
        talker=w.members[1],
        person=w.members[5],
        held_on=TODAY,
        kind="routine",
        summary="<p>好</p>",
    )
    values.update(changes)
    return services.talk_record(**values)


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"held_on": TODAY + datetime.timedelta(days=1)}, "held_on", "future"),
        ({"held_on": None}, "held_on", "Enter the date"),
        ({"person": "other"}, "person", "not a member of the branch"),
        ({"talker": 6}, "talker", "not on the branch committee"),
        ({"person": 1}, "person", "themselves"),
        ({"summary": "<script>alert(1)</script>"}, "summary", "Scripts"),
        ({"follow_up": '<a href="javascript:x()">x</a>'}, "follow_up", "Scripts"),
        ({"summary": '<img src=x onerror="alert(1)">'}, "summary", "Scripts"),
    ],
)
def test_a_bad_talk_is_refused_with_a_message_and_nothing_saved(world, changes, field, words):
    if changes.get("person") == "other":
        changes["person"] = world.other_person
    elif isinstance(changes.get("person"), int):
        changes["person"] = world.members[changes["person"]]
    if isinstance(changes.get("talker"), int):
        changes["talker"] = world.members[changes["talker"]]
    audits = AuditEntry.objects.count()
    with pytest.raises(ApplicationError) as error:
        _talk(world, **changes)
    assert field in error.value.extra
    assert any(words in reason for reason in error.value.extra[field])
    assert Talk.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_a_talk_before_the_member_joined_is_refused(world):
    with pytest.raises(ApplicationError, match="not a member of the branch"):
        _talk(world, held_on=datetime.date(2019, 6, 1))


def test_formatting_is_kept_and_saved_sanitised(world):
    talk = _talk(world, summary="<p><strong>重点</strong></p><p>ok</p>")
    assert talk.summary == "<p><strong>重点</strong></p><p>ok</p>"
    assert AuditEntry.objects.filter(action="care.talk.created").count() == 1


def test_the_talk_form_shows_the_reasons_at_the_fields(world, client_for):
    client = client_for("committee")
    response = client.post(
        f"/care/branches/{world.branch.pk}/talks/new/",
        {
            "talker": world.members[1].pk,
            "person": world.members[5].pk,
            "held_on": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "kind": "routine",
            "summary": "<script>alert('x')</script>",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The date cannot be in the future." in body
    assert "Scripts and active content are not allowed" in body
    assert "<script>alert" not in body.split("<textarea")[0]  # not echoed as markup
    assert Talk.objects.count() == 0


def _help_user(w):
    user = UserFactory(username="basic_party")
    grant(user, Role.PARTY_AFFAIRS, court=w.basic)
    return user


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"amount": -5}, "amount", "negative"),
        ({"given_on": TODAY + datetime.timedelta(days=10)}, "given_on", "future"),
        ({"staff_number": "NOPE"}, "staff_number", "No member of staff"),
        ({"notes": "<script>x</script>"}, "notes", "Scripts"),
        ({"difficulty": "  "}, "difficulty", "Describe"),
    ],
)
def test_a_bad_help_record_is_refused(world, changes, field, words):
    values = dict(
        actor=_help_user(world),
        court=world.basic,
        staff_number=world.members[3].staff_number,
        difficulty="住院",
        kind="illness",
        amount=100,
        given_on=TODAY,
        given_by="工会",
    )
    values.update(changes)
    with pytest.raises(ApplicationError) as error:
        services.help_record(**values)
    assert any(words in reason for reason in error.value.extra[field])
    assert HelpRecord.objects.count() == 0


def test_someone_of_another_court_cannot_be_helped_here(world):
    with pytest.raises(ApplicationError, match="No member of staff"):
        services.help_record(
            actor=_help_user(world),
            court=world.basic,
            staff_number=world.other_person.staff_number + "-x",
            difficulty="x",
            kind="other",
            amount=None,
            given_on=TODAY,
            given_by="x",
        )


def test_a_contact_point_needs_a_party_group_member_and_a_branch(world):
    w = care_world(world)
    with pytest.raises(ApplicationError) as error:
        services.contact_point_create(
            actor=w.users["party"], leader=w.members[2], organisation=w.cell, starts_on=TODAY
        )
    assert set(error.value.extra) == {"leader", "organisation"}
    with pytest.raises(ApplicationError, match="future"):
        services.contact_visit_record(
            actor=w.users["party"],
            contact=w.contact,
            visited_on=TODAY + datetime.timedelta(days=1),
            activities="x",
        )
    assert ContactPoint.objects.count() == 1 and ContactVisit.objects.count() == 1


JUNK = ["", "x" * 30000, "\x00", "-1", "9" * 40, "<script>alert(1)</script>", "２０２６-01-01"]


def test_every_care_form_takes_junk_without_a_500(world, client_for):
    w = care_world(world)
    forms = {
        "committee": [
            (
                f"/care/branches/{w.branch.pk}/talks/new/",
                ["talker", "person", "held_on", "kind", "summary", "follow_up"],
            ),
            (
                f"/care/branches/{w.branch.pk}/visits/new/",
                ["visitor", "person", "visited_on", "purpose", "notes", "follow_up"],
            ),
        ],
        "party": [
            (
                "/care/help/new/",
                [
                    "court",
                    "staff_number",
                    "difficulty",
                    "kind",
                    "amount",
                    "given_on",
                    "given_by",
                    "notes",
                ],
            ),
            (f"/care/courts/{w.basic.pk}/contacts/new/", ["leader", "organisation", "starts_on"]),
            (
                f"/care/contacts/{w.contact.pk}/visits/new/",
                ["visited_on", "activities", "findings"],
            ),
        ],
    }
    for who, pages in forms.items():
        client = client_for(who)
        for path, fields in pages:
            for junk in JUNK:
                response = client.post(path, {name: junk for name in fields})
                assert response.status_code in (200, 302), (path, junk[:10], response.status_code)
    # Only the full-width date with text in every field makes a valid visit record.
    assert Talk.objects.count() == 1 and HomeVisit.objects.count() == 1
    assert HelpRecord.objects.count() == 1 and ContactVisit.objects.count() <= 2
