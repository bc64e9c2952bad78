"""Walk every API route as an anonymous client, an outsider and each role.

Expected statuses are written out by hand from docs/permissions.md (they mirror the pages:
tests/test_access_walk.py), not computed from the scoping code under test; each app keeps
its rows in tests/<app>/access.py (API). A new route fails
`test_every_api_route_has_expectations` until someone writes its row.

Keys are the path template for a GET and "METHOD path" for any other method
("POST /api/v1/meetings"). A write is walked with an empty JSON body, so a role allowed to
write gets 422 (or whatever the row says: an action without a body may answer 200), and a
role that may not gets 403/404 before the body is read.
"""

import pytest
from django.test import Client

from tests.conftest import ROLES
from tests.walk import collect
from tongxin.accounts.services import api_token_create
from tongxin.api.api import api_routes

API = collect("API")


def _split(key: str) -> tuple[str, str]:
    method, _, path = key.rpartition(" ")
    return (method or "GET"), path


def _url(key, world):
    builder, _expected = API[key]
    _method, template = _split(key)
    return template.format(**builder(world)) if builder else template


def _call(client, key, world):
    method, _template = _split(key)
    url = _url(key, world)
    if method == "GET":
        return client.get(url)
    return client.generic(method, url, data="{}", content_type="application/json")


def _token_client(user) -> Client:
    _row, token = api_token_create(user=user, name="walk")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_every_api_route_has_expectations(db):
    routes = {
        route.path if route.method == "GET" else f"{route.method} {route.path}"
        for route in api_routes()
    }
    assert routes == set(API), "API routes and the rows in tests/<app>/access.py differ"


@pytest.mark.parametrize("role", ROLES)
def test_every_api_route_answers_each_role_as_expected(world, role):
    client = _token_client(world.users[role])
    wrong = []
    for template, (_builder, expected) in sorted(API.items()):
        response = _call(client, template, world)
        if response.status_code != expected[role]:
            wrong.append(f"{template}: got {response.status_code}, expected {expected[role]}")
        elif response.status_code != 200:
            assert set(response.json()) == {"message", "extra"}
    assert not wrong, "\n".join(wrong)


def test_every_api_route_refuses_anonymous_clients_with_401(world, client):
    for template in API:
        response = _call(client, template, world)
        assert response.status_code == 401, template
        assert set(response.json()) == {"message", "extra"}


def test_session_reaches_the_same_as_a_token(world, client_for):
    client = client_for("secretary")
    for template, (_builder, expected) in API.items():
        if _split(template)[0] != "GET":
            continue  # a session write needs the CSRF token; tokens walk writes above
        assert client.get(_url(template, world)).status_code == expected["secretary"], template


def test_member_reads_own_record_only(world):
    client = _token_client(world.users["member"])
    own = world.members[5]
    response = client.get(f"/api/v1/people/{own.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == own.pk
    assert client.get(f"/api/v1/people/{world.members[0].pk}").status_code == 404
    assert client.get(f"/api/v1/people/{world.other_person.pk}").status_code == 404
    assert client.get("/api/v1/me").json()["person_id"] == own.pk


def _ids(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_branch_roles_see_their_branch_people_only(world):
    branch_people = {p.pk for p in world.members} | {world.probationary.pk}
    for role in ("secretary", "committee"):
        client = _token_client(world.users[role])
        assert _ids(client, "/api/v1/people") == branch_people
        assert _ids(client, "/api/v1/organisations") == {world.branch.pk, world.cell.pk}


def test_member_sees_own_branch_organisations(world):
    client = _token_client(world.users["member"])
    assert _ids(client, "/api/v1/organisations") == {world.branch.pk, world.cell.pk}


def test_court_roles_see_their_court_subtree(world):
    for role in ("admin", "party", "leader", "discipline", "trial"):
        client = _token_client(world.users[role])
        assert _ids(client, "/api/v1/courts") == {world.high.pk, world.inter.pk, world.basic.pk}
        assert world.other_person.pk not in _ids(client, "/api/v1/people")
        assert world.other_branch.pk not in _ids(client, "/api/v1/organisations")


def test_outsider_lists_hold_nothing_of_the_other_province(world):
    client = _token_client(world.users["outsider"])
    assert _ids(client, "/api/v1/courts") == {world.other_high.pk, world.other_basic.pk}
    assert _ids(client, "/api/v1/people") == {world.other_person.pk}
    assert _ids(client, "/api/v1/organisations") == {world.other_branch.pk}
    assert _ids(client, "/api/v1/departments") == set()
    for url in (
        f"/api/v1/courts/{world.basic.pk}",
        f"/api/v1/departments/{world.dept.pk}",
        f"/api/v1/organisations/{world.branch.pk}",
        f"/api/v1/people/{world.members[0].pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"message": "Not found.", "extra": {}}


def test_outsider_filters_cannot_reach_into_another_scope(world):
    client = _token_client(world.users["outsider"])
    assert _ids(client, "/api/v1/courts?under=苏") == set()
    assert _ids(client, "/api/v1/people?court=苏0102") == set()
    assert _ids(client, f"/api/v1/people?organisation={world.branch.pk}") == set()
    assert _ids(client, "/api/v1/organisations?court=苏0102") == set()
    assert _ids(client, "/api/v1/departments?court=苏0102") == set()
