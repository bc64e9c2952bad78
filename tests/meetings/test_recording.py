"""Holding and recording a meeting: expected attendees from the roster, attendance, minutes,
attachments, sign-off by the secretary, cancellation, locked records and corrections; every
bad input of the issue refused with a clear message and nothing half-saved."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.meetings.factories import meeting
from tongxin.core.exceptions import ApplicationError
from tongxin.meetings import services
from tongxin.meetings.models import Attachment, Attendance, Correction, Meeting

D = datetime.date


@pytest.fixture
def planned(world):
    return meeting(world.branch, held_on=D(2025, 3, 10))


def _all_present(m):
    return {p.pk: ("present", "") for p, _o, _v in services.expected(m)}


def test_expected_attendees_are_the_roster_of_the_day(world, planned):
    expected = services.expected(planned)
    people = {p.pk for p, _o, _v in expected}
    assert people == {p.pk for p in world.members} | {world.probationary.pk}
    voting = {p.pk: v for p, _o, v in expected}
    assert all(voting[p.pk] for p in world.members)
    assert not voting[world.probationary.pk]  # not a full member: no vote, no quorum


def test_record_attendance_marks_held_with_every_expected_row(world, planned):
    rows = {world.members[0].pk: ("present", ""), world.members[1].pk: ("leave", "出差")}
    services.attendance_record(actor=world.users["secretary"], meeting=planned, rows=rows)
    planned.refresh_from_db()
    assert planned.status == "held" and planned.recorded_on == timezone.localdate()
    by_person = {a.person_id: a for a in planned.attendance.all()}
    assert len(by_person) == len(services.expected(planned))
    assert by_person[world.members[1].pk].reason == "出差"
    assert by_person[world.members[2].pk].status == "absent"


def test_future_meeting_cannot_be_held(world):
    future = meeting(world.branch, held_on=timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(ApplicationError, match="future"):
        services.attendance_record(actor=world.users["secretary"], meeting=future, rows={})
    future.refresh_from_db()
    assert future.status == "planned" and not future.attendance.exists()


def test_attendance_for_someone_not_on_the_roster_is_refused(world, planned):
    rows = _all_present(planned) | {world.other_person.pk: ("present", "")}
    with pytest.raises(ApplicationError, match="expected attendees"):
        services.attendance_record(actor=world.users["secretary"], meeting=planned, rows=rows)
    planned.refresh_from_db()
    assert planned.status == "planned" and not Attendance.objects.filter(meeting=planned).exists()


def test_leave_needs_a_reason(world, planned):
    with pytest.raises(ApplicationError, match="reason"):
        services.attendance_record(
            actor=world.users["secretary"], meeting=planned,
            rows={world.members[0].pk: ("leave", " ")},
        )  # fmt: skip
    assert not Attendance.objects.filter(meeting=planned).exists()


def test_minutes_with_scripts_are_refused(world, planned):
    with pytest.raises(ApplicationError, match="scripts"):
        services.minutes_save(
            actor=world.users["secretary"], meeting=planned,
            minutes="<p>ok</p><script>alert(1)</script>",
        )  # fmt: skip
    planned.refresh_from_db()
    assert planned.minutes == ""


def test_minutes_are_sanitised(world, planned):
    services.minutes_save(
        actor=world.users["secretary"], meeting=planned, minutes="<p>会议<b>纪要</b></p><u>x</u>"
    )
    planned.refresh_from_db()
    assert "<b>纪要</b>" in planned.minutes


def test_a_200_mb_attachment_is_refused(world, planned):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 100, content_type="application/pdf")
    big.size = 200 * 1024 * 1024
    with pytest.raises(ApplicationError, match="limit"):
        services.attachment_add(actor=world.users["secretary"], meeting=planned, file=big)
    assert not Attachment.objects.exists()


def test_an_exe_renamed_pdf_is_refused(world, planned):
    exe = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)
    with pytest.raises(ApplicationError, match="not an accepted type"):
        services.attachment_add(actor=world.users["secretary"], meeting=planned, file=exe)
    assert not Attachment.objects.exists()


def test_a_real_pdf_is_kept(world, planned):
    pdf = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n%%EOF\n")
    row = services.attachment_add(actor=world.users["secretary"], meeting=planned, file=pdf)
    assert row.content_type == "application/pdf" and bytes(row.content).startswith(b"%PDF")


def _held(world, planned):
    services.attendance_record(
        actor=world.users["secretary"], meeting=planned, rows=_all_present(planned)
    )
    return Meeting.objects.get(pk=planned.pk)


def test_sign_off_only_by_the_secretary(world, planned):
    m = _held(world, planned)
    for name in ("committee", "party", "admin"):
        with pytest.raises(ApplicationError, match="Only the secretary"):
            services.sign_off(actor=world.users[name], meeting=m)
    m.refresh_from_db()
    assert m.signed_off_at is None
    services.sign_off(actor=world.users["secretary"], meeting=m)
    m.refresh_from_db()
    assert m.locked and m.signed_off_by == world.members[0]


def test_a_planned_meeting_cannot_be_signed_off(world, planned):
    with pytest.raises(ApplicationError, match="held"):
        services.sign_off(actor=world.users["secretary"], meeting=planned)


def test_signed_off_record_is_locked_and_corrections_leave_a_trace(world, planned, client_for):
    m = _held(world, planned)
    services.sign_off(actor=world.users["secretary"], meeting=m)
    with pytest.raises(ApplicationError, match="reason for the correction"):
        services.minutes_save(actor=world.users["secretary"], meeting=m, minutes="<p>改</p>")
    services.minutes_save(
        actor=world.users["secretary"], meeting=m, minutes="<p>改正</p>",
        correction_reason="错字",
    )  # fmt: skip
    trace = Correction.objects.get(meeting=m)
    assert (
        trace.reason == "错字"
        and trace.before["minutes"] == ""
        and "改正" in trace.after["minutes"]
    )
    page = client_for("committee").get(f"/meetings/{m.pk}/")
    assert "错字" in page.content.decode()
    with pytest.raises(ApplicationError):
        services.cancel(actor=world.users["secretary"], meeting=m, reason="x")


def test_cancellation_keeps_the_record_with_its_reason(world, planned):
    services.cancel(actor=world.users["secretary"], meeting=planned, reason="疫情")
    planned.refresh_from_db()
    assert planned.status == "cancelled" and planned.cancel_reason == "疫情"
    with pytest.raises(ApplicationError):
        services.cancel(actor=world.users["secretary"], meeting=planned, reason=" ")


def test_life_meeting_critique_and_issues(world):
    m = meeting(world.branch, kind="org_life", held_on=D(2025, 12, 1))
    services.attendance_record(actor=world.users["secretary"], meeting=m, rows=_all_present(m))
    services.critique_save(
        actor=world.users["secretary"], meeting=m, person=world.members[2],
        self_criticism="<p>学习不够</p>", criticism="<p>要加强</p>",
    )  # fmt: skip
    issue = services.issue_add(actor=world.users["secretary"], meeting=m, text="学习制度落实不到位")
    assert issue.task is None and issue.task_type_id is None  # a rectification task later
    with pytest.raises(ApplicationError):
        services.critique_save(
            actor=world.users["secretary"], meeting=m, person=world.other_person,
            self_criticism="", criticism="",
        )  # fmt: skip


# Through the pages ------------------------------------------------------------------------


def test_pages_journey_and_bad_input_without_500(world, client_for):
    client = client_for("secretary")
    response = client.post(
        f"/meetings/new/{world.branch.pk}/",
        {"kind": "general", "held_on": "2025-02-01", "hours": "2", "topic": "学习"},
    )
    assert response.status_code == 302
    m = Meeting.objects.get(topic="学习")
    # Junk everywhere: no 500, nothing saved.
    for url, data in [
        (f"/meetings/new/{world.branch.pk}/", {"kind": "x", "held_on": "junk", "hours": "-1"}),
        (
            f"/meetings/{m.pk}/edit/",
            {"kind": "general", "held_on": "2025-02-01", "hours": "99", "topic": "t"},
        ),  # fmt: skip
        (f"/meetings/{m.pk}/minutes/", {"minutes": "<img src=x onerror=alert(1)>"}),
        (f"/meetings/{m.pk}/attendance/", {f"status-{world.other_person.pk}": "present"}),
        (f"/meetings/{m.pk}/attendance/", {f"status-{world.members[0].pk}": "zzz"}),
        (f"/meetings/{m.pk}/cancel/", {"reason": ""}),
        (f"/meetings/{m.pk}/issues/", {"text": ""}),
        (f"/meetings/{m.pk}/critique/", {"person": "abc"}),
        (f"/meetings/{m.pk}/attachments/", {}),
        (
            f"/meetings/plan/{world.branch.pk}/",
            {"count": "2", "take-0": "1", "kind-0": "x", "date-0": "no"},
        ),  # fmt: skip
    ]:
        response = client.post(url, data)
        assert response.status_code == 200, url
    m.refresh_from_db()
    assert m.status == "planned" and m.minutes == "" and m.hours == 2
    page = client.post(f"/meetings/{m.pk}/minutes/", {"minutes": "<script>x</script>"})
    assert "scripts" in page.content.decode()
    exe = SimpleUploadedFile("a.pdf", b"MZ" + b"\x00" * 100)
    page = client.post(f"/meetings/{m.pk}/attachments/", {"file": exe})
    assert "not an accepted type" in page.content.decode()
    response = client.post(
        f"/meetings/{m.pk}/attendance/",
        {f"status-{p.pk}": "present" for p in world.members},
    )
    assert response.status_code == 302
    response = client.post(f"/meetings/{m.pk}/sign-off/")
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.locked


def test_rule_form_junk_without_500(world, client_for):
    client = client_for("party")
    for data in (
        {"activity": "general", "quorum_num": "5", "quorum_den": "0"},
        {"activity": "zz", "effective_from": "x", "court_code": "浙"},
        {
            "activity": "general",
            "effective_from": "2025-07-01",
            "court_code": "浙",
            "cadence": "monthly",
            "times": "1",
            "quorum_num": "0",
            "quorum_den": "1",
            "late_days": "15",
            "applies": ["branch"],
        },  # another province's court
    ):
        assert client.post("/meetings/rules/new/", data).status_code == 200
    from tongxin.meetings.models import ComplianceRule

    assert not ComplianceRule.objects.filter(court__isnull=False).exists()
    response = client.post("/meetings/rules/new/", {
        "activity": "general", "effective_from": "2025-07-01", "court_code": "苏0102",
        "cadence": "monthly", "times": "1", "quorum_num": "1", "quorum_den": "2",
        "quorum_strict": "on", "late_days": "15", "applies": ["branch"], "is_enabled": "on",
        "minutes_required": "on", "signoff_required": "on",
    })  # fmt: skip
    assert response.status_code == 302
    row = ComplianceRule.objects.get(court=world.basic)
    assert (row.cadence, row.effective_from, row.changed_by) == ("monthly", D(2025, 7, 1), "party")


def test_sign_off_page_refuses_party_affairs(world, client_for):
    m = meeting(world.branch, held_on=D(2025, 2, 1), status="held")
    response = client_for("party").post(f"/meetings/{m.pk}/sign-off/")
    assert response.status_code == 200 and "Only the secretary" in response.content.decode()
    m.refresh_from_db()
    assert not m.locked


def test_an_issue_can_become_a_rectification_task_source(world):
    from tongxin.answers.sources import source_of

    m = meeting(world.branch, kind="org_life", held_on=D(2025, 12, 1))
    issue = services.issue_add(actor=world.users["secretary"], meeting=m, text="整改事项")
    source = source_of(issue)
    assert source is not None and source.url(issue) == f"/meetings/{m.pk}/"
    assert source.court(issue) == world.basic
