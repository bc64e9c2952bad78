"""Opinions: submit, triage (answer, merge, tasks), the submitter's view, hidden names."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.answers.factories import opinion as make_opinion
from tests.factories import UserFactory
from tongxin.answers import services
from tongxin.answers.models import Attachment, Opinion, Task
from tongxin.core.exceptions import ApplicationError

SOON = timezone.localdate() + datetime.timedelta(days=14)


def _task_values(world, **extra):
    return {
        "title": "增加窗口", "description": "<p>午餐增开两个窗口</p>",
        "responsible": world.members[3], "department": world.dept, "deadline": SOON, **extra,
    }  # fmt: skip


def test_hidden_name_is_seen_by_party_affairs_staff_only(world, client_for):
    o = make_opinion(world, hide_name=True)
    name = world.members[5].name
    for role, sees in [("party", True), ("admin", False), ("leader", False),
                       ("discipline", False), ("member", True)]:  # fmt: skip
        client = client_for(role)
        page = client.get(f"/answers/opinions/{o.pk}/").content.decode()
        assert (name in page) is sees, role
        api = client.get(f"/api/v1/answers/opinions/{o.pk}").json()
        assert (api["submitter"] == name) is sees, role
        if role != "member":
            listing = client.get("/answers/opinions/").content.decode()
            assert (name in listing) is sees, role
            for fmt in ("csv", "xlsx"):
                body = client.get(f"/answers/opinions/?export={fmt}")
                raw = b"".join(body.streaming_content) if body.streaming else body.content
                if fmt == "xlsx":
                    sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
                    raw = " ".join(str(c.value) for r in sheet.iter_rows() for c in r).encode()
                assert (name.encode() in raw) is sees, (role, fmt)
                assert o.title.encode() in raw, (role, fmt)
            items = client.get("/api/v1/answers/opinions").json()["items"]
            assert [i["submitter"] == name for i in items] == [sees], role


def test_a_name_not_hidden_is_seen_by_every_reader(world, client_for):
    o = make_opinion(world, hide_name=False)
    page = client_for("leader").get(f"/answers/opinions/{o.pk}/").content.decode()
    assert world.members[5].name in page


def test_the_audit_log_does_not_keep_a_hidden_submitter(world):
    from tongxin.core.models import AuditEntry

    o = make_opinion(world, hide_name=True)
    entry = AuditEntry.objects.get(action="answers.opinion.created", object_id=str(o.pk))
    assert entry.after["submitter_id"] is None


def test_answer_directly_and_the_submitter_sees_it(world, client_for):
    o = make_opinion(world)
    services.opinion_answer(user=world.users["party"], opinion=o, answer="<p>已增开窗口。</p>")
    page = client_for("member").get(f"/answers/opinions/{o.pk}/").content.decode()
    assert "已增开窗口" in page and "Answered" in page


def test_empty_and_scripted_answers_are_refused(world):
    o = make_opinion(world)
    for bad in ["", "   ", "<p> </p>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]:
        with pytest.raises(ApplicationError):
            services.opinion_answer(user=world.users["party"], opinion=o, answer=bad)
    o.refresh_from_db()
    assert o.state == Opinion.State.SUBMITTED and o.answer == ""


def test_merge_gives_the_duplicate_the_answer(world, client_for):
    first = make_opinion(world, title="食堂问题")
    second = make_opinion(world, person=world.members[0], title="食堂排队")
    services.opinion_merge(user=world.users["party"], opinion=second, into=first)
    services.opinion_answer(user=world.users["party"], opinion=first, answer="<p>已解决</p>")
    page = client_for("secretary").get(f"/answers/opinions/{second.pk}/").content.decode()
    assert "已解决" in page
    with pytest.raises(ApplicationError):
        services.opinion_merge(user=world.users["party"], opinion=first, into=first)


def test_tasks_then_final_answer_once_closed(world):
    o = make_opinion(world)
    [t1, t2] = services.opinion_to_tasks(
        user=world.users["party"], opinion=o,
        tasks=[_task_values(world), _task_values(world, title="公示时间表")],
    )  # fmt: skip
    assert o.state == Opinion.State.RECTIFYING and t1.source == o and t2.source == o
    with pytest.raises(ApplicationError, match="not closed"):
        services.opinion_answer(user=world.users["party"], opinion=o, answer="<p>好</p>")
    responsible = world.members[3]
    responsible.user = UserFactory()
    responsible.save()
    for t in (t1, t2):
        services.task_act(user=responsible.user, task=t, action="submit", text="<p>完成</p>")
        services.task_act(user=world.users["party"], task=t, action="accept")
    services.opinion_answer(user=world.users["party"], opinion=o, answer="<p>已整改</p>")
    assert o.state == Opinion.State.ANSWERED


def test_bad_task_input_saves_nothing(world):
    o = make_opinion(world)
    outsider = world.other_person
    cases = [
        {"deadline": timezone.localdate() - datetime.timedelta(days=1)},
        {"responsible": outsider},
        {"title": "<script>x</script>"},
        {"description": "<p onclick='x()'>a</p>"},
        {"description": ""},
        {"milestones": [("late", SOON + datetime.timedelta(days=5))]},
    ]
    for extra in cases:
        with pytest.raises(ApplicationError):
            services.opinion_to_tasks(
                user=world.users["party"], opinion=o, tasks=[_task_values(world, **extra)]
            )
    assert Task.objects.count() == 0
    o.refresh_from_db()
    assert o.state == Opinion.State.SUBMITTED


def test_only_staff_with_a_record_submit_and_attachments_are_checked(world, settings):
    with pytest.raises(ApplicationError, match="personnel record"):
        services.opinion_submit(user=world.users["party"], topic="life", title="x", body="<p>x</p>")
    person = world.members[5]
    exe = SimpleUploadedFile("a.pdf", b"MZ\x90\x00" + b"x" * 100)
    with pytest.raises(ApplicationError):
        services.opinion_submit(user=person.user, topic="life", title="x", body="<p>x</p>",
                                files=[exe])  # fmt: skip
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"x" * 4096)
    with pytest.raises(ApplicationError, match="limit"):
        services.opinion_submit(user=person.user, topic="life", title="x", body="<p>x</p>",
                                files=[big])  # fmt: skip
    assert Opinion.objects.count() == 0 and Attachment.objects.count() == 0
    ok = SimpleUploadedFile("a.pdf", b"%PDF-1.4 fine")
    o = services.opinion_submit(user=person.user, topic="life", title="x", body="<p>x</p>",
                                files=[ok])  # fmt: skip
    assert o.attachments.count() == 1


def test_submit_form_takes_junk_without_a_500(world, client_for):
    client = client_for("member")
    junk = ["", "x" * 300, "\x00", "<script>alert(1)</script>", "9" * 40]
    for value in junk:
        response = client.post("/answers/opinions/new/",
                               {"topic": value, "title": value, "body": value})  # fmt: skip
        assert response.status_code == 200, value
    assert Opinion.objects.count() == 0
    response = client.post(
        "/answers/opinions/new/", {"topic": "work", "title": "标题", "body": "<p>正文</p>"}
    )
    assert response.status_code == 302 and Opinion.objects.count() == 1


def test_triage_forms_take_junk(world, client_for):
    o = make_opinion(world)
    client = client_for("party")
    for value in ["", "\x00", "-1", "9" * 30, "<script>1</script>", str(o.pk)]:
        assert client.post(f"/answers/opinions/{o.pk}/merge/", {"into": value}).status_code == 200
        assert client.post(f"/answers/opinions/{o.pk}/answer/", {"answer": value}).status_code in (
            200,
            302,
        )
        response = client.post(
            f"/answers/opinions/{o.pk}/task/",
            {"title": value, "description": value, "responsible": value, "deadline": value,
             "milestones": value},
        )  # fmt: skip
        assert response.status_code == 200
    assert Task.objects.count() == 0


def test_an_outsiders_opinion_cannot_be_merged_into(world, client_for):
    other_user = UserFactory()
    world.other_person.user = other_user
    world.other_person.save()
    theirs = services.opinion_submit(user=other_user, topic="work", title="外省", body="<p>x</p>")
    mine = make_opinion(world)
    response = client_for("party").post(f"/answers/opinions/{mine.pk}/merge/", {"into": theirs.pk})
    assert response.status_code == 200 and "no such opinion" in response.content.decode()
    mine.refresh_from_db()
    assert mine.state == Opinion.State.SUBMITTED


def test_party_affairs_of_another_court_do_not_see_it(world, client_for):
    """Party-affairs staff granted on another province reach neither the opinion nor the name."""
    o = make_opinion(world)
    client = client_for("outsider")
    assert client.get(f"/answers/opinions/{o.pk}/").status_code == 404
    assert client.get(f"/api/v1/answers/opinions/{o.pk}").status_code == 404
    assert (
        world.members[5].name not in client.get("/answers/opinions/?export=csv").getvalue().decode()
    )
