"""Only the recorder, the offices and named leaders read the register: pages, exports, API,
search and the audit log alike."""

import io

import openpyxl
import pytest

from tests.discipline.factories import record
from tongxin.accounts.services import api_token_create
from tongxin.discipline.models import RegisterReader

SECRET = "秘密来访人"


@pytest.fixture
def entry(world):
    return record(world.users["member"], person_name=SECRET)


def _api(user):
    from django.test import Client

    _row, token = api_token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


READS = {"member", "discipline", "trial"}


@pytest.mark.parametrize(
    "role",
    [
        "admin",
        "party",
        "secretary",
        "committee",
        "member",
        "leader",
        "discipline",
        "trial",
        "outsider",
    ],
)
def test_list_export_search_and_api_show_the_entry_to_its_readers_only(
    entry, client_for, role, world
):
    client = client_for(role)
    sees = role in READS
    page = client.get("/discipline/register/?q=来访").content.decode()  # the search
    assert (SECRET in page) is sees
    response = client.get("/discipline/register/?export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c.value for r in book.active.iter_rows() for c in r]
    assert (SECRET in cells) is sees
    csv = b"".join(client.get("/discipline/register/?export=csv").streaming_content).decode()
    assert (SECRET in csv) is sees
    items = _api(world.users[role]).get("/api/v1/discipline/register").json()["items"]
    assert (SECRET in [i["person_name"] for i in items]) is sees


@pytest.mark.parametrize("role", ["admin", "party", "discipline", "outsider"])
def test_the_audit_log_shows_nothing_of_the_register(entry, client_for, role):
    from tongxin.core.models import AuditEntry
    from tongxin.core.scoping import scope_for

    assert AuditEntry.objects.filter(object_type="discipline.registerentry").exists()
    user = client_for(role).get("/accounts/audit/").wsgi_request.user
    assert not scope_for(user).visible(AuditEntry).filter(object_type="discipline.registerentry")
    body = client_for(role).get("/accounts/audit/").content.decode()
    assert "register entry" not in body.lower()
    assert "discipline.register" not in body
    assert SECRET not in body


def test_a_named_leader_reads_the_courts_register(entry, client_for, world):
    client = client_for("leader")
    assert client.get(f"/discipline/register/{entry.pk}/").status_code == 404
    RegisterReader.objects.create(court=world.basic, user=world.users["leader"])
    assert client.get(f"/discipline/register/{entry.pk}/").status_code == 200
    # Named for another court: still nothing of this one.
    RegisterReader.objects.all().delete()
    RegisterReader.objects.create(court=world.inter, user=world.users["leader"])
    assert client.get(f"/discipline/register/{entry.pk}/").status_code == 404


def test_the_office_names_a_leader_through_the_page(world, client_for, entry):
    client = client_for("discipline")
    response = client.post(
        "/discipline/register/readers/", {"court_code": "苏0102", "username": "member"}
    )
    assert response.status_code == 200 and "no court leader" in response.content.decode()
    response = client.post(
        "/discipline/register/readers/", {"court_code": "苏0102", "username": "leader"}
    )
    assert response.status_code == 302
    assert client_for("leader").get(f"/discipline/register/{entry.pk}/").status_code == 200


def test_heads_download_holds_the_offices_chains(world, client_for, entry):
    import json

    response = client_for("discipline").get("/discipline/register/heads/")
    data = json.loads(b"".join(response.streaming_content))
    assert data == [
        {"chain": f"register:{world.basic.pk}", "day": data[0]["day"], "seq": 1, "hash": entry.hash}
    ]
