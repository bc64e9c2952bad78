"""Talk summaries: only the branch committee and the people concerned; help records: only
party-affairs staff and court leaders of the record's own court. Through pages, exports and
the API alike."""

import io

import openpyxl
import pytest
from django.test import Client

from tests.care.factories import HelpFactory, care_world
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PostFactory,
    UserFactory,
    grant,
)
from tongxin.accounts.services import api_token_create
from tongxin.care.models import HelpRecord, Talk
from tongxin.core.permissions import Perm, Role
from tongxin.core.scoping import scope_for

SECRET = "confidential words"
HARDSHIP = "secret hardship"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> Client:
    _row, token = api_token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _export_text(client, path) -> str:
    response = client.get(f"{path}?export=xlsx")
    if response.status_code != 200:
        return ""
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value)


def _csv_text(client, path) -> str:
    response = client.get(f"{path}?export=csv")
    if response.status_code != 200:
        return ""
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _reads_summary(user, w) -> dict:
    """Where the summary of the world's talk shows to this user."""
    client = _client(user)
    detail = client.get(f"/care/talks/{w.talk.pk}/")
    api = _api(user)
    listed = api.get("/api/v1/care/talks")
    one = api.get(f"/api/v1/care/talks/{w.talk.pk}")
    return {
        "page": detail.status_code == 200 and SECRET in detail.content.decode(),
        "list": SECRET in client.get("/care/talks/").content.decode(),
        "xlsx": SECRET in _export_text(client, "/care/talks/"),
        "csv": SECRET in _csv_text(client, "/care/talks/"),
        "api_list": listed.status_code == 200
        and any(SECRET in item["summary"] for item in listed.json()["items"]),
        "api_one": one.status_code == 200 and SECRET in one.json()["summary"],
    }


def _other_branch_committee(w):
    """A committee member (with the role) of another branch of the same court."""
    branch = OrganisationFactory(court=w.basic, parent=w.committee_org, name_zh="刑庭党支部")
    person = PersonFactory(court=w.basic)
    MembershipFactory(person=person, organisation=branch)
    PostFactory(organisation=branch, person=person, post="secretary")
    user = UserFactory(username="other_committee")
    grant(user, Role.BRANCH_SECRETARY, organisation=branch)
    person.user = user
    person.save()
    return user


def _plain_member(w):
    """A plain member of the same branch who was not talked with."""
    user = UserFactory(username="plain")
    grant(user, Role.MEMBER, organisation=w.branch)
    w.members[7].user = user
    w.members[7].save()
    return user


@pytest.mark.parametrize("who", ["committee", "secretary", "member"])
def test_the_committee_and_the_person_talked_with_read_the_summary(world, who):
    w = care_world(world)
    seen = _reads_summary(w.users[who], w)
    if who == "member":  # the person talked with: the record itself, not the branch lists
        assert seen["page"] and seen["api_one"]
    else:
        assert all(seen.values()), seen


@pytest.mark.parametrize(
    "who", ["party", "admin", "leader", "outsider", "other_branch", "plain_member"]
)
def test_nobody_else_reads_the_summary_anywhere(world, who):
    w = care_world(world)
    user = {
        "other_branch": lambda: _other_branch_committee(w),
        "plain_member": lambda: _plain_member(w),
    }.get(who, lambda: w.users[who])()
    seen = _reads_summary(user, w)
    assert not any(seen.values()), seen


def test_party_affairs_staff_see_that_a_talk_took_place(world):
    w = care_world(world)
    client = _client(w.users["party"])
    page = client.get(f"/care/talks/{w.talk.pk}/").content.decode()
    assert w.talk.person.name in page and SECRET not in page
    assert w.talk.person.name in _export_text(client, "/care/talks/")
    item = _api(w.users["party"]).get(f"/api/v1/care/talks/{w.talk.pk}").json()
    assert item["person"]["id"] == w.talk.person_id and item["summary"] == ""


def test_the_narrow_condition_is_declared_on_the_model(world):
    """Party-affairs staff hold talk.summary (they grant the branch roles) yet the model's
    narrow condition keeps every summary from a court grant."""
    w = care_world(world)
    party = scope_for(w.users["party"])
    assert party.has(Perm.TALK_SUMMARY)
    assert party.visible(Talk, Perm.TALK_VIEW).filter(pk=w.talk.pk).exists()
    assert not party.visible(Talk, Perm.TALK_SUMMARY).filter(pk=w.talk.pk).exists()
    assert not party.can(Perm.TALK_CHANGE, w.talk)


def test_visit_notes_are_as_confidential_as_talk_summaries(world):
    w = care_world(world)
    for who, reads in (("committee", True), ("member", True), ("party", False)):
        client = _client(w.users[who])
        page = client.get(f"/care/visits/{w.visit.pk}/").content.decode()
        assert ("private notes" in page) is reads, who
        one = _api(w.users[who]).get(f"/api/v1/care/visits/{w.visit.pk}").json()
        assert ("private notes" in one["notes"]) is reads, who
    assert "private notes" not in _export_text(_client(w.users["party"]), "/care/visits/")
    assert "private notes" in _export_text(_client(w.users["committee"]), "/care/visits/")


def _reads_help(user, record) -> dict:
    client, api = _client(user), _api(user)
    page = client.get(f"/care/help/{record.pk}/")
    listed = api.get("/api/v1/care/help")
    return {
        "page": page.status_code == 200 and HARDSHIP in page.content.decode(),
        "list": HARDSHIP in client.get("/care/help/").content.decode()
        or record.person.name in client.get("/care/help/").content.decode(),
        "xlsx": HARDSHIP in _export_text(client, "/care/help/"),
        "api_list": listed.status_code == 200
        and any(i["id"] == record.pk for i in listed.json()["items"]),
        "api_one": api.get(f"/api/v1/care/help/{record.pk}").status_code == 200,
    }


def test_help_records_are_for_the_courts_own_party_affairs_staff_and_leaders(world):
    w = care_world(world)
    for who in ("party", "leader"):
        seen = _reads_help(w.users[who], w.help)
        assert all(seen.values()), (who, seen)


@pytest.mark.parametrize(
    "who", ["admin", "secretary", "committee", "member", "outsider", "other_leader", "below"]
)
def test_nobody_else_reads_a_help_record(world, who):
    w = care_world(world)
    if who == "other_leader":  # a leader of another court
        user = UserFactory(username="other_leader")
        grant(user, Role.COURT_LEADER, court=w.other_high)
    elif who == "below":  # party-affairs staff of a court below: not this court's
        user = UserFactory(username="below")
        grant(user, Role.PARTY_AFFAIRS, court=w.basic)
    else:
        user = w.users[who]
    seen = _reads_help(user, w.help)
    assert not any(seen.values()), seen


def test_party_affairs_staff_above_do_not_read_a_lower_courts_help(world):
    """The high court's staff reach the basic court's people but not its help records."""
    record = HelpFactory(court=world.basic, person=world.members[3])
    assert not _reads_help(world.users["party"], record)["page"]
    own = UserFactory(username="basic_party")
    grant(own, Role.PARTY_AFFAIRS, court=world.basic)
    assert _reads_help(own, record)["page"]
    assert HelpRecord.objects.count() == 1


def test_a_member_finds_the_talks_held_with_them(world):
    w = care_world(world)
    page = _client(w.users["member"]).get("/care/mine/").content.decode()
    assert f"/care/talks/{w.talk.pk}/" in page and f"/care/visits/{w.visit.pk}/" in page
    other = _client(_plain_member(w)).get("/care/mine/").content.decode()
    assert f"/care/talks/{w.talk.pk}/" not in other
