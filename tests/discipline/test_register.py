"""Recording, correcting and refusing: through the page, the service and the API."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.discipline.factories import record, values
from tongxin.accounts.services import api_token_create
from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry
from tongxin.discipline.chain import verify_register
from tongxin.discipline.models import RegisterEntry
from tongxin.discipline.register import entry_correct
from tongxin.discipline.rules import case_number_problem


def _form(**changes):
    data = values(**changes)
    data["occurred_on"] = data["occurred_on"].isoformat()
    if not data["affects_case"]:
        data.pop("affects_case")
    return data


def test_a_staff_member_records_through_the_page(world, client_for):
    client = client_for("member")
    response = client.post("/discipline/register/new/", _form())
    entry = RegisterEntry.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/discipline/register/{entry.pk}/"
    )
    assert entry.court == world.basic and entry.recorder == world.users["member"]
    assert entry.seq == 1 and entry.case_number == "(2026)苏0102民初123号"
    assert client.get(response["Location"]).status_code == 200


def test_full_width_brackets_are_accepted(world):
    entry = record(world.users["member"], case_number="（2025）苏0102民终7号")
    assert entry.case_number == "(2025)苏0102民终7号"
    digits = record(world.users["member"], case_number="（２０２５）苏０１０２民终８号")
    assert digits.case_number == "(2025)苏0102民终8号"  # the trial app's canonical form


@pytest.mark.parametrize(
    "number,ok",
    [
        ("(2024)京0105民初12345号", True),
        ("(2023)最高法知民终1503号", True),
        ("(2020)浙01知民初277号", True),
        ("(2024)京执恢3号", True),
        ("2024京0105民初12345号", False),
        ("(2024)京0105民初号", False),
        ("(2024)0105民初12号", False),
        ("(2099)京0105民初12号", False),
        ("(24)京0105民初12号", False),
        ("abc", False),
        ("(2024)京0105民乙12号", False),  # 民乙 is no case type in the national table
        ("(２０２４)京０１０５民初１２号", True),  # full-width digits
    ],
)
def test_case_number_format(number, ok):
    assert (case_number_problem(number, datetime.date(2026, 6, 1)) is None) is ok


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"case_number": ""}, "case_number"),
        ({"person_name": "  "}, "person_name"),
        ({"case_number": "2024民初1号"}, "case_number"),
        ({"occurred_on": timezone.localdate() + datetime.timedelta(days=1)}, "occurred_on"),
        ({"asked": "<script>alert(1)</script>"}, "asked"),
        ({"person_unit": '<img src=x onerror="alert(1)">'}, "person_unit"),
        ({"kind": "nonsense"}, "kind"),
    ],
)
def test_bad_input_writes_nothing_and_says_why(world, changes, field):
    before = AuditEntry.objects.count()
    with pytest.raises(ApplicationError) as error:
        record(world.users["member"], **changes)
    assert field in error.value.extra
    assert RegisterEntry.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_bad_input_on_the_page_is_shown_at_its_fields(world, client_for):
    response = client_for("member").post(
        "/discipline/register/new/", _form(case_number="12345", asked="<script>x</script>")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "case_number" in errors and "asked" in errors
    assert RegisterEntry.objects.count() == 0


def test_a_relatives_report_needs_no_case(world):
    entry = record(world.users["member"], kind="relative_lawyer", case_number="")
    assert entry.case_number == ""


def test_a_user_without_a_staff_record_cannot_record(world):
    with pytest.raises(ApplicationError):
        record(world.users["admin"])
    assert RegisterEntry.objects.count() == 0


def test_a_correction_is_a_new_linked_entry(world, client_for):
    entry = record(world.users["member"])
    client = client_for("member")
    response = client.post(
        f"/discipline/register/{entry.pk}/correct/", _form(asked="更正：询问开庭时间")
    )
    assert response.status_code == 302
    correction = RegisterEntry.objects.get(correction_of=entry)
    assert correction.seq == 2 and correction.prev_hash == entry.hash
    assert RegisterEntry.objects.get(pk=entry.pk).asked == entry.asked  # untouched
    page = client.get(f"/discipline/register/{entry.pk}/").content.decode()
    assert f"/discipline/register/{correction.pk}/" in page
    assert verify_register().ok


def test_only_the_recorder_corrects(world):
    entry = record(world.users["member"])
    with pytest.raises(ApplicationError):
        entry_correct(actor=world.users["secretary"], entry=entry, values=values())


def _api(user):
    from django.test import Client

    _row, token = api_token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_records_and_corrects(world):
    client = _api(world.users["member"])
    body = values()
    body["occurred_on"] = body["occurred_on"].isoformat()
    response = client.post("/api/v1/discipline/register", json.dumps(body), "application/json")
    assert response.status_code == 201, response.content
    entry_id = response.json()["id"]
    response = client.post(
        f"/api/v1/discipline/register/{entry_id}/corrections",
        json.dumps({**body, "done": "已报告"}),
        "application/json",
    )
    assert response.status_code == 201
    assert response.json()["correction_of_id"] == entry_id


def test_api_bad_input_writes_nothing(world):
    client = _api(world.users["member"])
    body = values(case_number="not a number")
    body["occurred_on"] = body["occurred_on"].isoformat()
    response = client.post("/api/v1/discipline/register", json.dumps(body), "application/json")
    assert response.status_code == 400
    assert "case_number" in response.json()["extra"]
    body["occurred_on"] = "2026-02-30"
    response = client.post("/api/v1/discipline/register", json.dumps(body), "application/json")
    assert response.status_code == 422
    assert RegisterEntry.objects.count() == 0


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_api_edits_and_deletes_are_refused_and_audited(world, method):
    entry = record(world.users["member"])
    client = _api(world.users["member"])
    response = getattr(client, method)(
        f"/api/v1/discipline/register/{entry.pk}", json.dumps({"asked": "x"}), "application/json"
    )
    assert response.status_code == 405
    assert "permanent" in response.json()["message"]
    attempt = AuditEntry.objects.get(action="discipline.register.change_refused")
    assert attempt.actor == world.users["member"] and attempt.after == {"attempt": f"api.{method}"}
    assert RegisterEntry.objects.get(pk=entry.pk).asked == entry.asked


def test_immediate_report_notifies_the_discipline_office(world):
    from tongxin.inbox.models import Notice

    record(world.users["member"])
    assert not Notice.objects.exists()
    entry = record(world.users["member"], affects_case=True)
    notice = Notice.objects.get()
    assert notice.user == world.users["discipline"]
    assert notice.event_key == f"discipline.immediate:{world.basic.pk}:{entry.seq}"
    assert notice.url == f"/discipline/register/{entry.pk}/"


def test_office_users_are_the_discipline_grants_above_the_court(world):
    from tongxin.discipline.register import office_users

    assert office_users(world.basic) == [world.users["discipline"].pk]
    assert office_users(world.other_basic) == []


def test_the_list_costs_the_same_queries_for_more_entries(world, client_for):
    client = client_for("discipline")
    for _ in range(2):
        record(world.users["member"])
    client.get("/discipline/register/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/discipline/register/").status_code == 200
    for _ in range(6):
        record(world.users["secretary"])
    with CaptureQueriesContext(connection) as many:
        assert client.get("/discipline/register/").status_code == 200
    assert len(many) == len(few)


JUNK = ["", "x" * 5000, "中文", "2024-13-45", "-1", "\x00", "99999999999999999999999"]


@pytest.mark.parametrize("junk", JUNK)
def test_forms_answer_junk_without_a_server_error(world, client_for, junk):
    from tests.discipline.access import check, entry, session

    entry(world)
    client = client_for("discipline")
    member = client_for("member")
    fields = [
        "kind",
        "person_name",
        "person_unit",
        "person_post",
        "relation",
        "channel",
        "occurred_on",
        "case_number",
        "asked",
        "done",
        "affects_case",
        "court_code",
        "username",
        "staff_number",
        "sanction",
        "decided_on",
        "period_months",
        "reason",
        "area",
        "checked_on",
        "subject",
        "notes",
        "description",
        "responsible",
        "rectify_by",
        "held_on",
        "title",
        "material",
        "present",
        "absent",
    ]
    data = {name: junk for name in fields}
    for c, url in [
        (member, "/discipline/register/new/"),
        (member, f"/discipline/register/{world.entry.pk}/correct/"),
        (client, "/discipline/register/readers/"),
        (client, "/discipline/records/new/"),
        (client, "/discipline/checks/new/"),
        (client, f"/discipline/checks/{check(world).pk}/"),
        (client, "/discipline/education/new/"),
        (client, f"/discipline/education/{session(world).pk}/"),
    ]:
        assert c.post(url, data).status_code in (200, 302), url
    for query in ("year=abc", "quarter=9", "court=" + junk, "year=2099&quarter=4"):
        assert client.get(f"/discipline/register/summary/?{query}").status_code == 200
    assert RegisterEntry.objects.count() == 1
