"""Responsibility lists, tour guidance and the figures; junk input on every form."""

import datetime

import pytest
from django.utils import timezone

from tests.answers.factories import resp_list, visit
from tests.answers.factories import task as make_task
from tongxin.answers import planning, selectors, services
from tongxin.answers.models import Finding, ListItem, ResponsibilityList, Task, TourVisit
from tongxin.core.exceptions import ApplicationError

JUNK = ["", "\x00", "-1", "9" * 30, "<script>alert(1)</script>", "2026-02-30", "x" * 5000]


def test_copy_last_years_list(world):
    old = resp_list(world, year=2025)
    ListItem.objects.filter(list=old).update(state="done", evidence="纪要")
    new = planning.list_copy(user=world.users["party"], source=old, year=2026)
    [item] = new.items.all()
    assert item.deadline == datetime.date(2026, 12, 31)
    assert item.state == "planned" and item.evidence == ""
    assert new.title.startswith("2026")
    with pytest.raises(ApplicationError, match="already exists"):
        planning.list_copy(user=world.users["party"], source=old, year=2026)


def test_a_secretary_keeps_their_branch_list_only(world, client_for):
    lst = resp_list(world)
    item = lst.items.first()
    client = client_for("secretary")
    response = client.post(
        f"/answers/lists/items/{item.pk}/",
        {"content": "更新", "deadline": "2026-12-31", "state": "done", "evidence": "台账"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "done" and item.evidence == "台账"
    group = planning.list_create(user=world.users["party"], court=world.basic, kind="party_group",
                                 year=2026, title="党组清单")  # fmt: skip
    assert client.get(f"/answers/lists/{group.pk}/").status_code == 404


def test_a_secretary_creates_their_branch_list(world, client_for):
    client = client_for("secretary")
    assert (
        f"/answers/lists/new/org/{world.branch.pk}/"
        in client.get("/answers/lists/").content.decode()
    )
    response = client.post(
        f"/answers/lists/new/org/{world.branch.pk}/", {"year": 2027, "title": "2027年清单"}
    )
    assert response.status_code == 302
    made = ResponsibilityList.objects.get(year=2027)
    assert made.organisation == world.branch and made.kind == "organisation"
    again = client.post(
        f"/answers/lists/new/org/{world.branch.pk}/", {"year": 2027, "title": "重复"}
    )
    assert again.status_code == 200 and ResponsibilityList.objects.filter(year=2027).count() == 1


def test_items_spawn_tasks_and_the_review_page_shows_them(world, client_for):
    lst = resp_list(world)
    item = lst.items.first()
    task = make_task(world, source=item)
    assert task.source == item and task.court == world.basic
    page = client_for("committee").get(f"/answers/lists/{lst.pk}/").content.decode()
    assert task.title in page and item.content in page


def test_tour_findings_become_tasks_and_are_followed(world, client_for):
    v = visit(world)
    finding = v.findings.first()
    client = client_for("party")
    response = client.post(
        f"/answers/tours/findings/{finding.pk}/task/",
        {"title": "完善台账", "description": "<p>补齐</p>", "responsible": world.members[2].pk,
         "department": world.dept.pk, "deadline": str(timezone.localdate() + datetime.timedelta(days=9))},
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    task = Task.objects.get()
    assert task.source == finding
    assert "完善台账" in client.get(f"/answers/tours/{v.pk}/").content.decode()


def test_visits_refuse_units_outside_and_findings_before_the_visit(world):
    with pytest.raises(ApplicationError):
        planning.visit_save(user=world.users["party"], court=world.inter, target=world.other_basic,
                            planned_on=timezone.localdate(), team="组")  # fmt: skip
    planned = planning.visit_save(user=world.users["party"], court=world.inter, target=world.basic,
                                  planned_on=timezone.localdate(), team="组")  # fmt: skip
    with pytest.raises(ApplicationError, match="before its findings"):
        planning.finding_add(user=world.users["party"], visit=planned, text="问题")
    assert Finding.objects.count() == 0


def test_figures_count_right(world):
    today = timezone.localdate()
    on_time, late, open_, overdue = (make_task(world) for _ in range(4))
    for t in (on_time, late):
        services.task_act(user=world.users["member"], task=t, action="submit", text="<p>好</p>")
        services.task_act(user=world.users["party"], task=t, action="accept")
    Task.objects.filter(pk=late.pk).update(closed_on_time=False)
    Task.objects.filter(pk=overdue.pk).update(deadline=today - datetime.timedelta(days=2))
    [row] = selectors.figures(user=world.users["party"])
    assert (row["open"], row["overdue"], row["on_time"], row["late"]) == (2, 1, 1, 1)
    assert row["avg_days"] == 0.0
    [dept] = selectors.figures(user=world.users["party"], by="department")
    assert dept["open"] == 2 and world.dept.name_zh in dept["name"]
    assert selectors.figures(user=world.users["outsider"]) == []


FORMS = [
    ("party", lambda w: f"/answers/lists/new/{w.basic.pk}/", ["kind", "year", "title", "organisation", "cadre"]),
    ("party", lambda w: f"/answers/lists/{resp_list(w).pk}/items/new/",
     ["content", "measures", "responsible_person", "responsible_unit", "deadline", "state", "evidence"]),
    ("party", lambda w: f"/answers/tours/new/{w.inter.pk}/", ["target", "planned_on", "visited_on", "team", "purpose"]),
    ("party", lambda w: f"/answers/tours/{visit(w).pk}/findings/new/", ["text"]),
    ("member", lambda w: f"/answers/tasks/{make_task(w).pk}/progress/", ["text", "milestones"]),
    ("member", lambda w: f"/answers/tasks/{make_task(w).pk}/request_extension/", ["text", "deadline"]),
    ("member", lambda w: f"/answers/tasks/{make_task(w).pk}/submit/", ["text"]),
]  # fmt: skip


BAD = ["", "\x00", "<script>alert(1)</script>"]  # refused by every one of these forms


def _counts():
    return (ResponsibilityList.objects.count(), ListItem.objects.count(), TourVisit.objects.count(),
            Finding.objects.count(), Task.objects.filter(state="open").count())  # fmt: skip


@pytest.mark.parametrize(("role", "url", "fields"), FORMS)
def test_forms_take_junk_without_a_500_and_save_nothing(world, client_for, role, url, fields):
    path = url(world)
    before = _counts()
    client = client_for(role)
    for value in BAD:
        response = client.post(path, dict.fromkeys(fields, value))
        assert response.status_code == 200, (path, value)
        assert response.context["form"].errors, (path, value)
    assert _counts() == before
    for value in JUNK:  # some junk is acceptable text; none may break the page
        assert client.post(path, dict.fromkeys(fields, value)).status_code in (200, 302), value
