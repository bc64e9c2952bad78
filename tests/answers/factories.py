"""Rows of the answers app for tests, made through the services where a rule applies."""

import datetime

from django.utils import timezone

from tongxin.answers import planning, services
from tongxin.answers.models import ResponsibilityList


def opinion(world, *, person=None, hide_name=True, title="食堂排队时间太长"):
    person = person or world.members[5]
    user = person.user
    if user is None:
        from tests.factories import UserFactory

        user = UserFactory()
        person.user = user
        person.save(update_fields=["user"])
    return services.opinion_submit(
        user=user, topic="life", title=title, body="<p>中午排队超过二十分钟。</p>",
        hide_name=hide_name,
    )  # fmt: skip


def task(world, *, responsible=None, source=None, days=10, assigner="party"):
    return services.task_create(
        user=world.users[assigner],
        source=source,
        title="整改：食堂排队",
        description="<p>增加窗口。</p>",
        responsible=responsible or world.members[5],
        department=world.dept,
        deadline=timezone.localdate() + datetime.timedelta(days=days),
        court=world.basic,
    )


def resp_list(world, *, year=2026):
    lst = planning.list_create(
        user=world.users["party"], court=world.basic, kind=ResponsibilityList.Kind.ORGANISATION,
        organisation=world.branch, year=year, title=f"{year}年民一庭党支部责任清单",
    )  # fmt: skip
    planning.item_save(
        user=world.users["party"], lst=lst, content="每月开展一次主题党日",
        responsible_person=world.members[0], deadline=datetime.date(year, 12, 31),
    )  # fmt: skip
    return lst


def visit(world):
    v = planning.visit_save(
        user=world.users["party"], court=world.inter, target=world.basic,
        planned_on=timezone.localdate() - datetime.timedelta(days=3), team="第一巡回指导组",
        visited_on=timezone.localdate() - datetime.timedelta(days=2),
    )  # fmt: skip
    planning.finding_add(user=world.users["party"], visit=v, text="党建台账不完整")
    return v


def sample_list_rows(world) -> None:
    """A row of each answers list (tests/core/test_exports.py compares their export paths)."""
    opinion(world)
    task(world)
    resp_list(world)
    visit(world)
