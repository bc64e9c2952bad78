"""Heat map (constant queries), explanation, calendars, feeds, planning, per-person figures,
reports and the API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import UserFactory, grant
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, PostFactory
from tests.meetings.factories import held, meeting
from tongxin.accounts.services import api_token_create
from tongxin.core.permissions import Role
from tongxin.meetings import planning, selectors, services
from tongxin.meetings.models import Attendance, Meeting

D = datetime.date


def _branches(world, n):
    for _i in range(n):
        b = OrganisationFactory(court=world.basic, parent=world.committee_org)
        p = PersonFactory(court=world.basic)
        MembershipFactory(person=p, organisation=b)
        PostFactory(organisation=b, person=p)
        held(b, held_on=D(2025, 2, 1))
        held(b, kind="committee", held_on=D(2025, 3, 1))


def _queries(client, url):
    client.get(url)  # once first: per-session work (the inbox badge...) is not the list's
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/meetings/compliance/?court=苏&period=2025",
                                 "/meetings/compliance/data/?court=苏&period=2025",
                                 "/api/v1/compliance?court=苏&period=2025"])  # fmt: skip
def test_heatmap_queries_do_not_grow_with_organisations(world, client_for, url):
    client = client_for("party")
    _branches(world, 2)
    few = _queries(client, url)
    _branches(world, 12)
    assert _queries(client, url) == few


def test_heatmap_shows_cells_and_explains_them(world, client_for):
    m = held(world.branch, held_on=D(2025, 2, 10))
    client = client_for("secretary")
    page = client.get("/meetings/compliance/?period=2025").content.decode()
    assert f'data-testid="cell-{world.branch.pk}-2025-03"' in page
    data = client.get("/meetings/compliance/data/?period=2025").json()
    assert data["months"][0] == "2025-01" and world.branch.name_zh in data["organisations"]
    explain = client.get(
        f"/meetings/compliance/explain/?organisation={world.branch.pk}&month=2025-03"
    ).content.decode()
    assert m.topic in explain and world.members[0].name in explain and "counted" in explain
    outsider = client_for("outsider").get(
        f"/meetings/compliance/explain/?organisation={world.branch.pk}&month=2025-03"
    )
    assert m.topic not in outsider.content.decode()
    for junk in ("?period=abc", "?period=2025-13", "?court=nope", "?organisation=99999999999999999999", "?page=x"):  # fmt: skip
        assert client.get("/meetings/compliance/" + junk).status_code == 200


def test_api_compliance_codes_and_rule(world):
    held(world.branch, held_on=D(2025, 2, 10))
    _row, token = api_token_create(user=world.users["leader"], name="t")
    client = pytest.importorskip("django.test").Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = client.get(f"/api/v1/compliance?organisation={world.branch.pk}&period=2025-Q1").json()
    cells = {(i["organisation_id"], i["month"]): i for i in body["items"]}
    march = cells[(world.branch.pk, "2025-03")]
    assert march["rules"]["general"] == "compliant"
    assert march["verdict"] in {"missing", "compliant", "not_due"} and march["rule"]
    assert {i["verdict"] for i in body["items"]} <= {
        "compliant", "missing", "quorum_not_met", "minutes_missing", "not_due", "not_applicable"
    }  # fmt: skip
    assert client.get("/api/v1/compliance?period=20x5").status_code == 400
    assert client.get("/api/v1/compliance?court=浙").status_code == 404


def test_api_create_update_and_attendance(world):
    from django.test import Client

    _row, token = api_token_create(user=world.users["secretary"], name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(
        "/api/v1/meetings",
        {"organisation_id": world.branch.pk, "kind": "lesson", "held_on": "2025-04-01",
         "topic": "党课"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.patch(f"/api/v1/meetings/{pk}", {"topic": "新党课"}, content_type="application/json")  # fmt: skip
    assert response.json()["topic"] == "新党课"
    bad = client.put(
        f"/api/v1/meetings/{pk}/attendance",
        {"rows": [{"person_id": world.other_person.pk, "status": "present"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "expected attendees" in bad.json()["message"]
    assert not Attendance.objects.filter(meeting_id=pk).exists()
    ok = client.put(
        f"/api/v1/meetings/{pk}/attendance",
        {"rows": [{"person_id": world.members[0].pk, "status": "present"}]},
        content_type="application/json",
    )
    assert ok.status_code == 200 and len(ok.json()) == 10
    assert Meeting.objects.get(pk=pk).status == "held"
    # Not the secretary's organisation / a read-only role.
    assert client.post("/api/v1/meetings", {"organisation_id": world.other_branch.pk, "kind": "lesson", "held_on": "2025-04-01", "topic": "x"}, content_type="application/json").status_code == 404  # fmt: skip
    _row, ro = api_token_create(user=world.users["committee"], name="t")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {ro}").patch(f"/api/v1/meetings/{pk}", {"topic": "x"}, content_type="application/json").status_code == 403  # fmt: skip


def test_calendars_and_person_facts(world, client_for):
    m = held(world.branch, kind="lesson", held_on=D(2025, 5, 6))
    planned = meeting(world.branch, held_on=D(2025, 5, 20), topic="计划中")
    member = client_for("member")
    page = member.get("/meetings/calendar/?month=2025-05").content.decode()
    assert f'data-testid="meeting-{m.pk}"' in page and f'data-testid="meeting-{planned.pk}"' in page
    listing = member.get("/meetings/calendar/?month=2025-05&view=list").content.decode()
    assert "计划中" in listing
    org = client_for("committee").get(f"/meetings/calendar/org/{world.branch.pk}/?month=2025-05")
    assert "计划中" in org.content.decode()
    facts = selectors.person_year_facts([world.members[5].pk, world.other_person.pk], 2025)
    assert facts[world.members[5].pk]["attendance_rate"] == 1.0
    assert facts[world.members[5].pk]["study_hours"] == 2.0
    assert facts[world.members[0].pk if world.members[0].pk in facts else world.members[5].pk]
    assert facts[world.other_person.pk]["attendance_rate"] is None
    # Nothing recorded for them that year: no record (left out by the appraisal), not zero.
    assert facts[world.other_person.pk]["study_hours"] is None


def test_person_year_facts_constant_queries(world, django_assert_num_queries):
    held(world.branch, kind="lesson", held_on=D(2025, 5, 6))
    ids = [p.pk for p in world.members]
    with django_assert_num_queries(2):
        facts = selectors.person_year_facts(ids[:2], 2025)
    with django_assert_num_queries(2):
        facts = selectors.person_year_facts(ids, 2025)
    assert facts[world.members[0].pk]["study_required"] == 56  # the secretary
    assert facts[world.members[1].pk]["study_required"] == 32


def test_feeds_need_the_current_token(world, client):
    held(world.branch, held_on=D(2025, 12, 1))
    feed = services.feed_for(world.users["member"])
    today = datetime.date.today()
    meeting(world.branch, held_on=today + datetime.timedelta(days=5), topic="下周会议")
    response = client.get(f"/meetings/feeds/{feed.token}/me.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and "下周会议" in body
    assert client.get(f"/meetings/feeds/{feed.token}/org/{world.branch.pk}.ics").status_code == 200
    assert client.get(f"/meetings/feeds/{feed.token}/org/{world.other_branch.pk}.ics").status_code == 404  # fmt: skip
    assert client.get("/meetings/feeds/wrong-token/me.ics").status_code == 404
    assert client.get(f"/meetings/feeds/{feed.token}x/org/{world.branch.pk}.ics").status_code == 404
    old = feed.token
    services.feed_reset(user=world.users["member"])
    assert client.get(f"/meetings/feeds/{old}/me.ics").status_code == 404


def test_feed_reset_page(world, client_for):
    member = client_for("member")
    before = services.feed_for(world.users["member"]).token
    assert member.post("/meetings/feeds/").status_code == 302
    assert services.feed_for(world.users["member"]).token != before


def test_plan_the_year(world, client_for):
    proposals = planning.propose(world.branch, 2025)
    kinds = [p.kind for p in proposals]
    assert kinds.count("committee") == 12 and kinds.count("general") == 4
    assert kinds.count("theme_day") == 12 and kinds.count("org_life") == 1
    assert "democratic_life" not in kinds and "group" not in kinds
    org_life = next(p for p in proposals if p.kind == "org_life")
    assert org_life.held_on.month == 12  # usually Q4
    client = client_for("secretary")
    data = {"count": "2", "take-0": "1", "kind-0": "general", "date-0": "2025-02-10", "topic-0": "一季度党员大会",
            "kind-1": "lesson", "date-1": "2025-02-15", "topic-1": "未选"}  # fmt: skip
    assert client.post(f"/meetings/plan/{world.branch.pk}/?year=2025", data).status_code == 302
    assert Meeting.objects.filter(topic="一季度党员大会", status="planned").exists()
    assert not Meeting.objects.filter(topic="未选").exists()
    after = [p for p in planning.propose(world.branch, 2025) if p.kind == "general"]
    assert len(after) == 3  # Q1 is planned now


def test_the_theme_day_falls_on_the_branch_fixed_day(world, client_for):
    days = {p.held_on.day for p in planning.propose(world.branch, 2025) if p.kind == "theme_day"}
    assert days == {15}  # none set: the 15th
    client = client_for("secretary")
    url = f"/meetings/plan/{world.branch.pk}/?year=2025"
    for bad in ("0", "29", "abc", ""):
        page = client.post(url, {"theme_day": bad})
        assert page.status_code == 200 and "from 1 to 28" in page.content.decode()
    assert services.theme_day_of(world.branch) == 15
    assert client.post(url, {"theme_day": "8"}).status_code == 302
    days = {p.held_on.day for p in planning.propose(world.branch, 2025) if p.kind == "theme_day"}
    assert days == {8}
    assert 'value="8"' in client.get(url).content.decode()
    from tongxin.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="meetings.theme_day").count() == 1
    # A member of the branch cannot set it (the plan is the secretary's).
    assert client_for("member").post(url, {"theme_day": "3"}).status_code in (403, 404)
    assert services.theme_day_of(world.branch) == 8


def test_reports(world, client_for):
    held(world.branch, held_on=D(2025, 2, 10))
    client = client_for("party")
    xlsx = client.get(f"/meetings/report/court/{world.basic.pk}.xlsx?year=2025")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    pdf = client.get(f"/meetings/report/org/{world.branch.pk}.pdf?year=2025")
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    text = "".join(p.extract_text() for p in reader.pages)
    assert world.branch.name_zh in text and "Organisational life report" in text
    page = reader.pages[0]
    fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("WenQuanYi" in name for name in fonts), fonts


def test_meeting_list_constant_queries(world, client_for):
    client = client_for("party")
    for i in range(3):
        meeting(world.branch, held_on=D(2025, 1, i + 1))
    few = _queries(client, "/meetings/")
    for i in range(10):
        meeting(world.branch, held_on=D(2025, 2, i + 1))
    assert _queries(client, "/meetings/") == few


def test_member_sees_branch_meetings_not_compliance(world, client_for):
    user = UserFactory(username="m2")
    grant(user, Role.MEMBER, organisation=world.other_branch)
    m = meeting(world.branch, held_on=D(2025, 1, 5))
    assert client_for("member").get(f"/meetings/{m.pk}/").status_code == 200
    assert client_for("member").get("/meetings/compliance/").status_code == 403


def test_inbox_reminders_due_and_overdue_once(world):
    from tongxin.inbox.models import Notice
    from tongxin.inbox.services import remind
    from tongxin.meetings import inbox  # noqa: F401 - registers the sources

    today = D(2025, 3, 20)  # Q1 ends in 11 days: the general meeting is due
    remind(today=today)
    keys = set(Notice.objects.filter(user=world.users["secretary"]).values_list("event_key", flat=True))  # fmt: skip
    assert f"meetings.due:{world.branch.pk}:general:2025-01-01" in keys
    remind(today=today)
    assert Notice.objects.filter(event_key=f"meetings.due:{world.branch.pk}:general:2025-01-01").count() == 1  # fmt: skip
    remind(today=D(2025, 4, 20))  # Q1 ended with nothing held; its record window passed
    assert Notice.objects.filter(event_key=f"meetings.overdue:{world.branch.pk}:general:2025-01-01").exists()  # fmt: skip
    held(world.branch, held_on=D(2025, 4, 25))
    remind(today=D(2025, 6, 20))
    assert not Notice.objects.filter(event_key=f"meetings.due:{world.branch.pk}:general:2025-04-01").exists()  # fmt: skip


def test_inbox_reminders_from_the_grid_match_the_rule_set(world, monkeypatch):
    """The reminders read the heat map's grid; the rule set run verdict by verdict
    (`compliance.judge_each`) gives the same reminders on every day of a year."""
    from tongxin.meetings import compliance, inbox

    held(world.branch, held_on=D(2025, 2, 10))
    held(world.branch, kind="lesson", held_on=D(2025, 5, 6))
    held(world.other_branch, held_on=D(2025, 7, 3), signed=False)

    def drafts(today):
        return [(d.user_id, d.event_key, str(d.subject), str(d.body)) for d in inbox.due(today)]

    days = [D(2025, month, day) for month in range(1, 13) for day in (1, 15, 28)]
    from_grid = {today: drafts(today) for today in days}
    monkeypatch.setattr(compliance, "judge", compliance.judge_each)
    from_rules = {today: drafts(today) for today in days}
    assert from_grid == from_rules
    assert sum(map(len, from_grid.values())) > 10  # reminders of both kinds were compared
    keys = {d[1].split(":")[0] for ds in from_grid.values() for d in ds}
    assert keys == {"meetings.due", "meetings.overdue"}


def test_inbox_waiting_work(world):
    from tongxin.meetings.inbox import waiting

    today = datetime.date.today()
    meeting(world.branch, held_on=today + datetime.timedelta(days=3))
    meeting(world.branch, held_on=today - datetime.timedelta(days=3))
    held(world.branch, held_on=today - datetime.timedelta(days=5), signed=False)
    work = {str(w.label): w.count for w in waiting(world.users["secretary"])}
    assert work == {"Meetings to attend": 1, "Meetings to record": 1, "Meetings to sign off": 1}
    assert {str(w.label) for w in waiting(world.users["member"])} == {"Meetings to attend"}


def test_org_people_constant_queries(world, client_for):
    held(world.branch, kind="lesson", held_on=D(2025, 5, 6))
    client = client_for("committee")
    url = f"/meetings/people/{world.branch.pk}/?year=2025"
    few = _queries(client, url)
    for _i in range(6):
        MembershipFactory(person=PersonFactory(court=world.basic), organisation=world.branch)
    assert _queries(client, url) == few
    page = client.get(url).content.decode()
    assert world.members[0].name in page and "56" in page
