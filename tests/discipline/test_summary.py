"""Quarterly summaries with zero reports and zero streaks; the facts appraisal reads."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.discipline.factories import record
from tests.factories import CourtFactory
from tongxin.discipline.models import DisciplineRecord
from tongxin.discipline.selectors import (
    person_year_facts,
    quarter_bounds,
    quarter_of,
    quarterly_summary,
)


def test_quarter_bounds():
    assert quarter_bounds(2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert quarter_bounds(2026, 4) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))


def test_summary_counts_by_kind_with_zero_reports(world):
    today = timezone.localdate()
    first = record(world.users["member"], kind="internal", occurred_on=today)
    record(world.users["member"], kind="contact", occurred_on=today, affects_case=True)
    from tests.discipline.factories import values
    from tongxin.discipline.register import entry_correct

    entry_correct(actor=world.users["member"], entry=first, values=values(occurred_on=today))
    year, quarter = quarter_of(today)
    rows = quarterly_summary(
        user=world.users["discipline"], court=world.high, year=year, quarter=quarter
    )
    by_court = {row.court: row for row in rows}
    assert set(by_court) == {world.high, world.inter, world.basic}
    basic = by_court[world.basic]
    assert basic.counts["internal"] == 1 and basic.counts["contact"] == 1
    assert basic.total == 2 and basic.corrections == 1 and basic.affecting == 1
    assert not basic.zero and basic.streak == 0
    assert by_court[world.inter].zero and by_court[world.inter].flagged
    # A recorder's summary counts only what they may read: an outsider office sees none.
    rows = quarterly_summary(
        user=world.users["outsider"], court=world.high, year=year, quarter=quarter
    )
    assert all(row.zero for row in rows)


def test_streak_counts_quarters_since_the_last_entry(world):
    today = timezone.localdate()
    year, quarter = quarter_of(today)
    earlier = quarter_bounds(year - 1, quarter)[0]
    record(world.users["member"], occurred_on=earlier)
    rows = quarterly_summary(
        user=world.users["discipline"], court=world.basic, year=year, quarter=quarter
    )
    assert rows[0].streak == 4 and rows[0].flagged


def test_summary_costs_the_same_queries_for_a_bigger_tree(world, client_for):
    client = client_for("discipline")
    client.get("/discipline/register/summary/?court=苏")
    with CaptureQueriesContext(connection) as few:
        client.get("/discipline/register/summary/?court=苏")
    for i in range(5):
        CourtFactory(parent=world.inter, code=f"苏01{10 + i}")
    with CaptureQueriesContext(connection) as many:
        client.get("/discipline/register/summary/?court=苏")
    assert len(few) == len(many)


def test_summary_page_xlsx_and_pdf(world, client_for):
    record(world.users["member"])
    client = client_for("discipline")
    page = client.get("/discipline/register/summary/?court=苏01")
    assert page.status_code == 200 and "Zero report" in page.content.decode()
    response = client.get("/discipline/register/summary/?court=苏01&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][0] == "苏01" and rows[1][-2] == "Zero report"
    response = client.get("/discipline/register/summary/?court=苏01&format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_summary_api(world):
    from django.test import Client

    from tongxin.accounts.services import api_token_create

    record(world.users["member"])
    _row, token = api_token_create(user=world.users["trial"], name="t")
    data = (
        Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        .get("/api/v1/discipline/register-summary?court=苏01")
        .json()
    )
    rows = {row["court_code"]: row for row in data["rows"]}
    assert rows["苏0102"]["total"] == 1 and rows["苏01"]["zero_report"]


def test_person_year_facts(world):
    member = world.members[5]
    DisciplineRecord.objects.create(
        person=member,
        court=world.basic,
        sanction="warning",
        decided_on=datetime.date(2025, 3, 1),
        period_months=6,
        ends_on=datetime.date(2025, 9, 1),
        reason="违反规定",
    )
    DisciplineRecord.objects.create(
        person=member,
        court=world.basic,
        sanction="admonition",
        decided_on=datetime.date(2023, 3, 1),
        reason="提醒谈话",
        ends_on=datetime.date(2023, 4, 1),
    )
    record(
        world.users["member"],
        occurred_on=datetime.date(2025, 5, 1),
        case_number="(2025)苏0102民初1号",
    )
    facts = person_year_facts([member.pk, world.members[4].pk], 2025)
    assert facts[member.pk]["interference_recorded"] == 1
    assert [s["sanction"] for s in facts[member.pk]["sanctions"]] == ["warning"]
    assert facts[member.pk]["sanctions"][0]["veto"] is True
    assert facts[world.members[4].pk] == {"sanctions": [], "interference_recorded": 0}
    assert person_year_facts([member.pk], 2026)[member.pk]["sanctions"] == []


def test_records_checks_and_sessions_through_the_pages(world, client_for):
    client = client_for("discipline")
    member = world.members[5]
    response = client.post(
        "/discipline/records/new/",
        {
            "court_code": "苏0102",
            "staff_number": member.staff_number,
            "sanction": "warning",
            "decided_on": "2025-03-01",
            "period_months": "6",
            "reason": "违反中央八项规定精神",
        },
    )
    assert response.status_code == 302
    assert DisciplineRecord.objects.get().ends_on == datetime.date(2025, 9, 1)
    response = client.post(
        "/discipline/records/new/",
        {
            "court_code": "浙0102",
            "staff_number": member.staff_number,
            "sanction": "warning",
            "decided_on": "2025-03-01",
            "period_months": "6",
            "reason": "x",
        },
    )
    assert response.status_code == 200 and DisciplineRecord.objects.count() == 1
    response = client.post(
        "/discipline/checks/new/",
        {
            "court_code": "苏0102",
            "area": "vehicles",
            "checked_on": "2026-01-05",
            "subject": "公车使用",
        },
    )
    assert response.status_code == 302
    check_url = response["Location"]
    response = client.post(check_url, {"description": "公车私用一次", "responsible": "办公室"})
    assert response.status_code == 302
    assert "公车私用一次" in client.get(check_url).content.decode()
    response = client.post(
        "/discipline/education/new/",
        {"court_code": "苏0102", "held_on": "2026-01-10", "title": "警示教育大会"},
    )
    session_url = response["Location"]
    numbers = [p.staff_number for p in world.members[:3]]
    response = client.post(session_url, {"present": " ".join(numbers[:2]), "absent": numbers[2]})
    assert response.status_code == 302
    page = client.get("/discipline/education/").content.decode()
    assert "警示教育大会" in page
    response = client.post(session_url, {"present": "NOPE-1"})
    assert response.status_code == 200 and "NOPE-1" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/discipline/records/", "/discipline/checks/", "/discipline/education/"]
)
def test_lists_cost_constant_queries(world, client_for, url):
    from tongxin.discipline.models import EducationSession, SupervisionCheck

    client = client_for("discipline")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(4):
        SupervisionCheck.objects.create(
            court=world.basic, area="gifts", checked_on=datetime.date(2026, 1, 1), subject=str(i)
        )
        EducationSession.objects.create(
            court=world.basic, held_on=datetime.date(2026, 1, 1), title=str(i)
        )
        DisciplineRecord.objects.create(
            person=world.members[i],
            court=world.basic,
            sanction="warning",
            decided_on=datetime.date(2025, 1, 1),
            reason="r",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)
