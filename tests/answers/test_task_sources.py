"""Another app's records become rectification tasks through the one generic link: a
supervision finding of the discipline app, turned into a task from its check's page."""

import datetime

from django.urls import reverse

from tongxin.answers.models import Task
from tongxin.discipline.models import Finding, SupervisionCheck


def _finding(world) -> Finding:
    check = SupervisionCheck.objects.create(
        court=world.basic, area="gifts", checked_on=datetime.date(2026, 1, 5), subject="节日检查"
    )
    return Finding.objects.create(supervision=check, description="收受礼品未登记")


def _form(world, **changes) -> dict:
    data = {
        "title": "整改：礼品登记",
        "description": "建立礼品登记制度",
        "responsible": world.members[0].pk,
        "deadline": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
    }
    data.update(changes)
    return data


def test_party_affairs_turn_a_finding_into_a_task_that_points_back(world, client_for):
    finding = _finding(world)
    url = reverse("answers:task-from-source", args=["discipline.finding", finding.pk])
    client = client_for("party")
    response = client.post(url, _form(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get()
    assert task.source == finding and task.court == world.basic
    page = client.get(reverse("answers:task-detail", args=[task.pk])).content.decode()
    assert reverse("discipline:check-detail", args=[finding.supervision_id]) in page
    check_page = client.get(reverse("discipline:check-detail", args=[finding.supervision_id]))
    assert "整改：礼品登记" in check_page.content.decode()


def test_the_discipline_office_sees_the_task_but_assigns_none(world, client_for):
    finding = _finding(world)
    client = client_for("discipline")
    check_page = client.get(reverse("discipline:check-detail", args=[finding.supervision_id]))
    assert "task-from-source" not in check_page.content.decode()
    assert "/answers/tasks/from/" not in check_page.content.decode()
    url = reverse("answers:task-from-source", args=["discipline.finding", finding.pk])
    assert client.post(url, _form(world)).status_code == 403
    assert not Task.objects.exists()


def test_an_undeclared_model_or_an_unseen_record_is_not_found(world, client_for):
    finding = _finding(world)
    client = client_for("party")
    bad = reverse("answers:task-from-source", args=["people.person", world.members[0].pk])
    assert client.get(bad).status_code == 404
    unseen = reverse("answers:task-from-source", args=["discipline.finding", finding.pk + 999])
    assert client.get(unseen).status_code == 404
    outsider = client_for("outsider")
    url = reverse("answers:task-from-source", args=["discipline.finding", finding.pk])
    assert outsider.get(url).status_code == 404


def test_bad_input_saves_nothing(world, client_for):
    finding = _finding(world)
    url = reverse("answers:task-from-source", args=["discipline.finding", finding.pk])
    response = client_for("party").post(url, _form(world, deadline="2000-01-01"))
    assert response.status_code == 200 and not Task.objects.exists()


def test_a_meeting_issue_becomes_a_task_shown_on_the_meeting(world, client_for):
    from tests.meetings.factories import held
    from tongxin.meetings.models import MeetingIssue

    meeting = held(world.branch, kind="democratic_life", held_on=datetime.date(2026, 1, 20))
    issue = MeetingIssue.objects.create(meeting=meeting, text="学习制度落实不到位")
    client = client_for("party")
    detail = reverse("meetings:meeting-detail", args=[meeting.pk])
    url = reverse("answers:task-from-source", args=["meetings.meetingissue", issue.pk])
    assert url in client.get(detail).content.decode()
    assert client.post(url, _form(world, title="整改：学习制度")).status_code == 302
    assert Task.objects.get().source == issue
    assert "整改：学习制度" in client.get(detail).content.decode()
    # The branch secretary sees the meeting and its task, but assigns no task.
    page = client_for("secretary").get(detail).content.decode()
    assert "整改：学习制度" in page and url not in page
