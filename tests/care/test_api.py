"""The care API: writes go through the same services and checks as the forms."""

import datetime

from django.test import Client

from tongxin.accounts.services import api_token_create
from tongxin.care.models import Talk


def _api(user) -> Client:
    _row, token = api_token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_committee_member_records_a_talk_through_the_api(world):
    client = _api(world.users["committee"])
    url = f"/api/v1/care/branches/{world.branch.pk}/talks"
    body = {
        "talker_id": world.members[1].pk,
        "person_id": world.members[5].pk,
        "held_on": datetime.date.today().isoformat(),
        "kind": "criticism",
        "summary": "<p>谈话<b>要点</b></p>",
    }
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    talk = Talk.objects.get(pk=response.json()["id"])
    assert talk.kind == "criticism" and talk.summary == "<p>谈话<b>要点</b></p>"
    coverage = client.get(f"/api/v1/care/coverage/{world.branch.pk}").json()
    assert coverage["done"] == 1 and coverage["due"] == 36


def test_bad_api_input_says_which_fields_and_saves_nothing(world):
    client = _api(world.users["committee"])
    url = f"/api/v1/care/branches/{world.branch.pk}/talks"
    response = client.post(
        url,
        {
            "talker_id": world.members[1].pk,
            "person_id": world.other_person.pk,
            "held_on": "2999-01-01",
            "summary": "<script>alert(1)</script>",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["extra"]) == {"held_on", "person", "summary"}
    assert (
        client.post(url, {"kind": "nonsense"}, content_type="application/json").status_code == 422
    )
    assert not Talk.objects.exists()


def test_party_affairs_staff_cannot_read_back_what_they_entered(world):
    client = _api(world.users["party"])
    response = client.post(
        f"/api/v1/care/branches/{world.branch.pk}/talks",
        {
            "talker_id": world.members[1].pk,
            "person_id": world.members[4].pk,
            "held_on": datetime.date.today().isoformat(),
            "summary": "<p>纸质记录录入 paper record</p>",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    item = client.get(f"/api/v1/care/talks/{response.json()['id']}").json()
    assert item["summary"] == ""
