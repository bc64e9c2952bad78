"""The API: token authentication, error shape, filters, details, query counts, schema, docs."""

import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from tongxin.accounts.models import ApiToken
from tongxin.accounts.services import api_token_create, token_digest
from tongxin.api.api import SERVICE_URL_NAMES, api, api_routes


def _token(user, name="test") -> str:
    return api_token_create(user=user, name=name)[1]


def _client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {_token(user)}")


@pytest.fixture
def party(world):
    return _client(world.users["party"])


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "extra"}
    assert isinstance(body["message"], str) and body["message"]
    return body


# Authentication --------------------------------------------------------------------------


def test_no_token_is_401_with_bearer_challenge(world, client):
    response = client.get("/api/v1/courts")
    _error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer wrong", "Bearer ", "Bearer", "bearer tx_" + "x" * 500, "Bearer 令牌", "Token abc"],
)
def test_wrong_token_is_401(world, header):
    _error(Client(HTTP_AUTHORIZATION=header).get("/api/v1/courts"), 401)


def test_valid_token_authenticates(world, party):
    assert party.get("/api/v1/courts").status_code == 200


def test_token_of_inactive_user_is_401(world):
    user = world.users["party"]
    client = _client(user)
    user.is_active = False
    user.save()
    _error(client.get("/api/v1/courts"), 401)


def test_revoked_token_is_401(world):
    row, token = api_token_create(user=world.users["party"], name="gone")
    row.delete()
    _error(Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/courts"), 401)


def test_only_the_digest_is_stored(world):
    row, token = api_token_create(user=world.users["party"], name="digest")
    assert row.digest == token_digest(token) and token not in row.digest


def test_wrong_token_is_401_even_with_a_session(world, client_for):
    client = client_for("party")
    _error(client.get("/api/v1/courts", HTTP_AUTHORIZATION="Bearer wrong"), 401)


def test_token_use_is_recorded_at_most_once_a_minute(world, django_assert_num_queries):
    row, token = api_token_create(user=world.users["party"], name="touch")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/me").status_code == 200
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None
    assert client.get("/api/v1/me").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at == first
    ApiToken.objects.filter(pk=row.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert client.get("/api/v1/me").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at > first


def test_me_names_the_token_owner_and_grants(world, party):
    body = party.get("/api/v1/me").json()
    assert body["username"] == "party"
    assert body["grants"] == [
        {
            "role": "party_affairs",
            "court": {
                "id": world.high.pk,
                "code": "苏",
                "name_zh": "江苏省高级人民法院",
                "name_en": "Jiangsu High People's Court",
            },
            "organisation": None,
        }
    ]


def test_session_auth_serves_signed_in_browsers(world, client_for):
    assert client_for("leader").get("/api/v1/courts").status_code == 200


def test_writes_are_not_allowed(world, client_for):
    client = client_for("party")
    assert client.post("/api/v1/courts").status_code == 405
    assert (
        _client(world.users["admin"]).delete(f"/api/v1/people/{world.members[0].pk}").status_code
        == 405
    )


# api_token command -----------------------------------------------------------------------


def test_api_token_command_prints_a_working_token(world, capsys):
    call_command("api_token", "party", "--name", "脚本")
    out, err = capsys.readouterr()
    token = out.strip()
    row = ApiToken.objects.get(digest=token_digest(token))
    assert row.name == "脚本" and row.user == world.users["party"]
    assert "will not be shown again" in err
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/me").status_code == 200


def test_api_token_command_refuses_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("api_token", "ghost")
    assert not ApiToken.objects.exists()


def test_api_token_command_refuses_inactive_user(world):
    world.users["party"].is_active = False
    world.users["party"].save()
    with pytest.raises(CommandError, match="inactive"):
        call_command("api_token", "party")


# Bad input never gives a 500 ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/v1/courts/abc", 422),
        ("/api/v1/courts/-1", 422),
        ("/api/v1/courts/0", 422),
        ("/api/v1/courts/1.5", 422),
        ("/api/v1/courts/99999999999999999999999999", 422),
        ("/api/v1/courts/9223372036854775807", 404),
        ("/api/v1/people/法院", 422),
        ("/api/v1/organisations/%00", 422),
        ("/api/v1/courts?limit=100000", 422),
        ("/api/v1/courts?limit=0", 422),
        ("/api/v1/courts?limit=abc", 422),
        ("/api/v1/courts?offset=-1", 422),
        ("/api/v1/courts?offset=99999999999999999999999", 422),
        ("/api/v1/courts?level=最高", 422),
        ("/api/v1/courts?q=" + "长" * 101, 422),
        ("/api/v1/courts?q=%00", 422),
        ("/api/v1/courts?active=maybe", 422),
        ("/api/v1/people?organisation=abc", 422),
        ("/api/v1/people?political_status=党员", 422),
        ("/api/v1/organisations?kind=x", 422),
        ("/api/v1/departments?kind=x", 422),
        ("/api/v1/no-such-thing", 404),
        ("/api/v1/courts/1/extra", 404),
    ],
)
def test_junk_input_gets_a_clear_error(world, party, url, status):
    body = _error(party.get(url), status)
    if status == 422:
        assert body["extra"]["errors"][0]["location"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/courts?q=人民法院&offset=1000000000",
        "/api/v1/courts?under=不存在&province=苏",
        "/api/v1/people?q=张&court=苏0102'--",
        "/api/v1/people?organisation=9223372036854775807",
        "/api/v1/organisations?q=%E2%80%AE&court=",
        "/api/v1/departments?court=😀",
    ],
)
def test_odd_but_valid_input_is_200(world, party, url):
    assert party.get(url).status_code == 200


# Lists: filters, pagination, order ---------------------------------------------------------


def _items(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_court_list_filters(world, party):
    assert [c["code"] for c in _items(party, "/api/v1/courts")] == ["苏", "苏01", "苏0102"]
    assert [c["code"] for c in _items(party, "/api/v1/courts?under=苏01")] == ["苏01", "苏0102"]
    assert [c["code"] for c in _items(party, "/api/v1/courts?level=basic")] == ["苏0102"]
    assert [c["code"] for c in _items(party, "/api/v1/courts?q=玄武")] == ["苏0102"]
    assert [c["code"] for c in _items(party, "/api/v1/courts?q=Nanjing")] == ["苏01"]
    assert len(_items(party, "/api/v1/courts?province=苏")) == 3
    assert _items(party, "/api/v1/courts?province=浙") == []
    assert _items(party, "/api/v1/courts?under=nowhere") == []


def test_court_list_active_filter(world, party):
    world.inter.is_active = False
    world.inter.save()
    assert "苏01" not in [c["code"] for c in _items(party, "/api/v1/courts")]
    assert [c["code"] for c in _items(party, "/api/v1/courts?active=0")] == ["苏01"]
    assert len(_items(party, "/api/v1/courts?active=all")) == 3


def test_pagination_counts_and_pages_in_stable_order(world, party):
    body = party.get("/api/v1/people?limit=4&offset=0").json()
    assert body["count"] == 10 and body["limit"] == 4 and body["offset"] == 0
    seen = [p["id"] for p in body["items"]]
    for offset in (4, 8):
        seen += [
            p["id"] for p in party.get(f"/api/v1/people?limit=4&offset={offset}").json()["items"]
        ]
    assert len(seen) == len(set(seen)) == 10
    assert seen == [p["id"] for p in _items(party, "/api/v1/people?limit=500")]
    assert party.get("/api/v1/people?offset=50").json() == {
        "count": 10,
        "count_capped": False,
        "limit": 50,
        "offset": 50,
        "next": None,
        "items": [],
    }


def test_deep_pages_follow_the_next_cursor(world, party):
    """`next` leads through the whole list without skipping or repeating a row, the same rows
    in the same order as offsets; a junk cursor is refused with 422, not a 500."""
    seen, after = [], ""
    while True:
        body = party.get(f"/api/v1/people?limit=3&after={after}").json()
        seen += [p["id"] for p in body["items"]]
        if body["next"] is None:
            break
        after = body["next"]
    assert seen == [p["id"] for p in _items(party, "/api/v1/people?limit=500")]
    assert party.get("/api/v1/people?after=%00").status_code == 422


def test_counts_stop_at_the_bound(world, party, settings):
    settings.LIST_COUNT_CAP = 4
    body = party.get("/api/v1/people?limit=2").json()
    assert body["count"] == 4 and body["count_capped"] is True
    assert len(party.get("/api/v1/people?limit=500").json()["items"]) == 10


def test_department_list_filters_by_court_subtree(world, party):
    """`court` means that court and every court below, as on the page (it used to mean the
    court alone in the API)."""
    assert [d["id"] for d in _items(party, "/api/v1/departments?court=苏0102")] == [world.dept.pk]
    assert [d["id"] for d in _items(party, "/api/v1/departments?court=苏01")] == [world.dept.pk]
    assert _items(party, "/api/v1/departments?court=京") == []
    assert [d["id"] for d in _items(party, "/api/v1/departments?q=Civil")] == [world.dept.pk]
    assert _items(party, "/api/v1/departments?kind=administrative") == []


def test_organisation_list_filters(world, party):
    all_ids = [o["id"] for o in _items(party, "/api/v1/organisations")]
    assert all_ids == [world.committee_org.pk, world.branch.pk, world.cell.pk]
    assert [o["id"] for o in _items(party, "/api/v1/organisations?court=苏01")] == all_ids
    assert [o["id"] for o in _items(party, "/api/v1/organisations?kind=cell")] == [world.cell.pk]
    assert [o["id"] for o in _items(party, "/api/v1/organisations?q=民一庭党支部")] == [
        world.branch.pk
    ]
    branch = next(o for o in _items(party, "/api/v1/organisations") if o["id"] == world.branch.pk)
    assert branch["full_members"] == 9
    assert branch["name_zh"] == "民一庭党支部" and branch["name_en"] == "Civil Branch"


def test_person_list_filters(world, party):
    branch_people = {p.pk for p in world.members} | {world.probationary.pk}
    ids = lambda q: {p["id"] for p in _items(party, "/api/v1/people" + q)}  # noqa: E731
    assert ids("") == branch_people
    assert ids("?court=苏01") == branch_people
    assert ids("?court=浙0102") == set()
    assert ids("?political_status=probationary") == {world.probationary.pk}
    assert ids("?category=clerk") == set()
    assert ids(f"?organisation={world.branch.pk}") == branch_people
    assert ids(f"?organisation={world.committee_org.pk}") == branch_people  # subtree
    assert ids(f"?q={world.members[2].name}") >= {world.members[2].pk}
    assert ids(f"?q={world.members[2].staff_number}") == {world.members[2].pk}


# Details ---------------------------------------------------------------------------------


def test_court_detail_has_parent_and_ancestors(world, party):
    body = party.get(f"/api/v1/courts/{world.basic.pk}").json()
    assert body["code"] == "苏0102"
    assert body["name_zh"] == "南京市玄武区人民法院"
    assert body["name_en"] == "Xuanwu District People's Court"
    assert body["parent"]["code"] == "苏01"
    assert [a["code"] for a in body["ancestors"]] == ["最高法", "苏", "苏01"]


def test_department_detail(world, party):
    body = party.get(f"/api/v1/departments/{world.dept.pk}").json()
    assert body["court"]["code"] == "苏0102"
    assert (body["name_zh"], body["name_en"]) == ("民事审判第一庭", "No. 1 Civil Division")


def test_organisation_detail_has_committee_and_term(world, party):
    body = party.get(f"/api/v1/organisations/{world.branch.pk}").json()
    assert body["parent"]["id"] == world.committee_org.pk
    assert body["current_term"] == {"starts_on": "2024-01-01", "ends_on": "2027-01-01"}
    posts = {p["post"]: p["person_id"] for p in body["committee"]}
    assert posts == {
        "secretary": world.members[0].pk,
        "organisation": world.members[1].pk,
        "propaganda": world.members[2].pk,
        "discipline": world.members[3].pk,
    }
    assert body["departments"] == [
        {"id": world.dept.pk, "name_zh": "民事审判第一庭", "name_en": "No. 1 Civil Division"}
    ]


def test_person_detail_has_membership_and_history(world, party):
    person = world.members[4]
    old_branch = OrganisationFactory(court=world.basic, name_zh="旧支部", name_en="Old Branch")
    MembershipFactory(
        person=person,
        organisation=old_branch,
        starts_on=datetime.date(2015, 1, 1),
        ends_on=datetime.date(2020, 1, 1),
    )
    body = party.get(f"/api/v1/people/{person.pk}").json()
    assert body["organisation"] == {
        "id": world.branch.pk,
        "kind": "branch",
        "name_zh": "民一庭党支部",
        "name_en": "Civil Branch",
    }
    assert body["party_group"]["id"] == world.cell.pk
    assert [(m["organisation"]["id"], m["ends_on"]) for m in body["memberships"]] == [
        (world.branch.pk, None),
        (old_branch.pk, "2020-01-01"),
    ]
    assert body["court"]["code"] == "苏0102"
    assert "dues_base" not in body


def test_json_keeps_chinese_readable(world, party):
    assert "玄武".encode() in party.get(f"/api/v1/courts/{world.basic.pk}").content


# Query counts do not grow with rows ----------------------------------------------------------


def _grow_branch(world, n):
    for _ in range(n):
        MembershipFactory(
            person=PersonFactory(court=world.basic, department=world.dept),
            organisation=world.branch,
            cell=world.cell,
        )


# token, grants, (own person record,) count, page, (current memberships)
LIST_QUERIES = {
    "/api/v1/people": 6,
    # + 1: full members and staff are counted for the page's rows only, in a query of their own
    "/api/v1/organisations": 5,
    "/api/v1/courts": 4,
    "/api/v1/departments": 5,
}


@pytest.mark.parametrize("extra", [5, 60])
@pytest.mark.parametrize("url", sorted(LIST_QUERIES))
def test_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries, url, extra):
    _grow_branch(world, extra)
    for _ in range(extra // 5):
        OrganisationFactory(court=world.basic)
    client = _client(world.users["party"])
    client.get("/api/v1/me")  # the token's last_used_at is written on first use only
    with django_assert_max_num_queries(LIST_QUERIES[url]):
        response = client.get(url + "?limit=500")
    assert response.status_code == 200


def test_person_list_query_count_for_branch_secretary(world, django_assert_max_num_queries):
    _grow_branch(world, 60)
    client = _client(world.users["secretary"])
    client.get("/api/v1/me")
    with django_assert_max_num_queries(LIST_QUERIES["/api/v1/people"]):
        body = client.get("/api/v1/people?limit=500").json()
    assert body["count"] == 70


# OpenAPI schema and docs ---------------------------------------------------------------------


def _ninja_patterns():
    return [p for p in api.urls[0] if isinstance(p, URLPattern) and p.name not in SERVICE_URL_NAMES]


def test_openapi_schema_lists_every_route(world, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = set(schema["paths"])
    patterns = {
        "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern)) for p in _ninja_patterns()
    }
    assert patterns == paths
    assert {r.path for r in api_routes()} == paths
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert {"401", "403", "404", "422"} <= set(operation["responses"])
    assert {"BearerToken", "Session"} <= set(schema["components"]["securitySchemes"])


def test_docs_page_needs_sign_in(world, client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_docs_page_loads_only_local_assets_and_no_inline_script(world, client_for):
    response = client_for("party").get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for attrs, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_trailing_slash_gets_a_hint(world, party):
    body = _error(party.get("/api/v1/courts/"), 404)
    assert body["extra"] == {"did_you_mean": "/api/v1/courts"}


def test_api_index_points_to_schema_and_docs(world, client):
    assert client.get("/api/v1/").json()["openapi"] == "/api/v1/openapi.json"


def test_api_messages_follow_the_token_owners_language(world):
    from django.test import Client

    from tongxin.accounts.services import api_token_create, profile_set_language

    profile_set_language(user=world.users["leader"], language="zh-hans")
    _row, token = api_token_create(user=world.users["leader"], name="zh")
    response = Client().get("/api/v1/people/999999", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404
    message = response.json()["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
