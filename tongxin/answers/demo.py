"""Demo data of the answers app (`seed_demo`, after people and accounts exist).

The demo accounts' court gets a showcase written through the services: opinions in every
state (awaiting triage, being rectified, merged, answered, one with the name hidden), tasks
closed on time and late, overdue, extended, sent back and waiting for verification, the
year's responsibility lists (Party group, the demo branch, a leading cadre's) with last
year's to copy from, and tour guidance with findings turned into tasks. Every other court
(a sample at national scale) gets a few opinions, tasks and a list written in bulk.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db.models import Min
from django.utils import timezone

from tongxin.core.extensions import demo_seeder

BULK_COURTS = {"small": 10_000, "province": 10_000, "national": 400}


@demo_seeder(order=40)
def seed(*, scale, seed, today, log):
    from tongxin.accounts.models import RoleGrant

    User = get_user_model()
    party = User.objects.filter(username="party").first()
    member_grant = (
        RoleGrant.objects.filter(user__username="member").select_related("organisation").first()
    )
    if party is None or member_grant is None:
        log("answers: no demo accounts, nothing seeded")
        return
    branch = member_grant.organisation
    rng = random.Random(seed)
    shown = _showcase(party=party, branch=branch, today=today, rng=rng)
    bulk = _bulk(party=party, skip_court=branch.court_id, scale=scale, today=today, rng=rng)
    log(f"answers: showcase {shown}, bulk {bulk}")


def _past(model, pk, **values):
    model.objects.filter(pk=pk).update(**values)


def _showcase(*, party, branch, today, rng) -> dict:
    from tongxin.answers import planning, services
    from tongxin.answers.models import Opinion, ResponsibilityList, Task
    from tongxin.people.models import Person

    court = branch.court
    people = list(
        Person.objects.filter(court=court, is_active=True, user__isnull=False).order_by("id")
    )
    staff = list(Person.objects.filter(court=court, is_active=True).order_by("id")[:40])
    member = Person.objects.filter(user__username="member").first() or people[0]
    secretary = Person.objects.filter(user__username="secretary").first() or staff[0]
    workers = [p for p in staff if p.user_id is None][:10] or staff
    # The responsible people of the showcase need accounts to act (made without grants).
    User = get_user_model()
    for i, person in enumerate(workers[:4]):
        if person.user_id is None:
            person.user = User.objects.create_user(username=f"staff{i + 1}", password=None)
            person.save(update_fields=["user"])
    later = today + datetime.timedelta(days=30)

    def opinion(person, title, hide=False, topic="work"):
        return services.opinion_submit(
            user=person.user, topic=topic, title=title, hide_name=hide,
            body=f"<p>{title}。建议尽快研究解决。</p>",
        )  # fmt: skip

    def task(title, who, days=20, source=None):
        return services.task_create(
            user=party, source=source, title=title, description=f"<p>{title}</p>",
            responsible=who, department=who.department, deadline=today + datetime.timedelta(days=days),
            court=court,
        )  # fmt: skip

    o_new = opinion(member, "诉讼服务中心周末值班安排不合理", hide=True)
    opinion(secretary, "建议增加党员学习室开放时间", topic="party")
    o_answered = opinion(member, "食堂午餐排队时间过长", topic="life")
    services.opinion_answer(
        user=party, opinion=o_answered, answer="<p>已增开两个窗口，错峰就餐。</p>"
    )
    o_dup = opinion(secretary, "午餐排队太久", topic="life")
    o_main = opinion(member, "案件卷宗电子化扫描滞后", hide=True)
    services.opinion_merge(user=party, opinion=o_dup, into=o_main)
    w = workers
    [t_scan] = services.opinion_to_tasks(
        user=party, opinion=o_main,
        tasks=[{"title": "卷宗随案扫描整改", "description": "<p>随案同步扫描</p>", "responsible": w[0],
                "department": w[0].department, "deadline": later}],
    )  # fmt: skip
    services.task_progress(user=w[0].user, task=t_scan, text="<p>已制定扫描流程。</p>")
    # closed on time
    t1 = task("规范党费收缴台账", w[1], 10)
    services.task_act(user=w[1].user, task=t1, action="submit", text="<p>台账已规范。</p>")
    services.task_act(user=party, task=t1, action="accept")
    # closed late
    t2 = task("完善支部会议记录", w[2], 5)
    services.task_act(user=w[2].user, task=t2, action="submit", text="<p>已完善。</p>")
    services.task_act(user=party, task=t2, action="accept")
    _past(Task, t2.pk, deadline=today - datetime.timedelta(days=12), first_deadline=today - datetime.timedelta(days=12),
          created_at=timezone.now() - datetime.timedelta(days=40), closed_on_time=False)  # fmt: skip
    # overdue (escalates)
    t3 = task("整改审判流程节点超期", w[3], 5)
    _past(
        Task,
        t3.pk,
        deadline=today - datetime.timedelta(days=6),
        first_deadline=today - datetime.timedelta(days=6),
    )
    # extended
    t4 = task("党建阵地改造", w[0], 3)
    services.task_act(
        user=w[0].user, task=t4, action="request_extension", text="<p>施工排期</p>", deadline=later
    )
    services.task_act(user=party, task=t4, action="approve_extension")
    # extension waiting for a decision
    t5 = task("更新廉政风险点清单", w[1], 4)
    services.task_act(user=w[1].user, task=t5, action="request_extension", text="<p>待各庭反馈</p>",
                      deadline=later)  # fmt: skip
    # sent back, then waiting for verification
    t6 = task("修订请示报告制度", w[2], 15)
    services.task_act(user=w[2].user, task=t6, action="submit", text="<p>初稿</p>")
    services.task_act(user=party, task=t6, action="send_back", text="<p>缺少流程图</p>")
    services.task_act(user=w[2].user, task=t6, action="submit", text="<p>已补充流程图</p>")
    # the member is responsible for one task too ("my tasks")
    task("整理本庭学习笔记", member, 7)
    # Responsibility lists: last year's and this year's (copied), the branch's, a cadre's.
    year = today.year
    group = planning.list_create(user=party, court=court, kind=ResponsibilityList.Kind.PARTY_GROUP,
                                 year=year - 1, title=f"{year - 1}年党组主体责任清单")  # fmt: skip
    for i, (content, measures) in enumerate(
        [("落实“第一议题”制度", "党组会议第一议题学习"), ("意识形态工作责任制", "每半年专题研究"),
         ("基层党组织建设", "支部标准化规范化建设"), ("党风廉政建设", "廉政谈话全覆盖")]
    ):  # fmt: skip
        planning.item_save(user=party, lst=group, content=content, measures=measures,
                           responsible_person=staff[i % len(staff)], state="done",
                           deadline=datetime.date(year - 1, 12, 31), evidence="会议纪要")  # fmt: skip
    current = planning.list_copy(user=party, source=group, year=year)
    item = current.items.first()
    item.state = "in_progress"
    item.save(update_fields=["state"])
    services.task_create(user=party, source=item, title="第一议题学习记录补齐",
                         description="<p>补齐学习记录</p>", responsible=w[3], department=w[3].department,
                         deadline=later)  # fmt: skip
    org_list = planning.list_create(user=party, court=court, kind=ResponsibilityList.Kind.ORGANISATION,
                                    organisation=branch, year=year, title=f"{year}年{branch.name_zh}责任清单")  # fmt: skip
    planning.item_save(user=party, lst=org_list, content="每月开展主题党日", responsible_person=secretary,
                       deadline=datetime.date(year, 12, 31))  # fmt: skip
    cadre = Person.objects.filter(court=court).exclude(cadre_level="").first()
    if cadre is not None:
        cadre_list = planning.list_create(user=party, court=court, kind=ResponsibilityList.Kind.CADRE,
                                          cadre=cadre, year=year, title=f"{year}年{cadre.name}一岗双责清单")  # fmt: skip
        planning.item_save(user=party, lst=cadre_list, content="分管部门党风廉政建设",
                           responsible_person=cadre, deadline=datetime.date(year, 12, 31))  # fmt: skip
    # Tour guidance: the demo court visits a court below it (a circuit or affiliated unit).
    from tongxin.orgs.models import Court

    below = Court.objects.filter(parent=court).order_by("path").first()
    if below is None:
        return {"opinions": Opinion.objects.count(), "tasks": Task.objects.count()}
    visit = planning.visit_save(user=party, court=court, target=below, team="第一巡回指导组",
                                planned_on=today - datetime.timedelta(days=20),
                                visited_on=today - datetime.timedelta(days=19))  # fmt: skip
    finding = planning.finding_add(user=party, visit=visit, text="支部“三会一课”记录不规范")
    planning.finding_add(user=party, visit=visit, text="党员学习积分未及时更新")
    fixer = Person.objects.filter(court=below, is_active=True).order_by("id").first()
    if fixer is not None:  # the unit visited rectifies
        services.task_create(
            user=party, source=finding, title="规范“三会一课”记录", description="<p>按规范补记</p>",
            responsible=fixer, department=fixer.department, deadline=later,
        )  # fmt: skip
    planning.visit_save(user=party, court=court, target=below, team="第二巡回指导组",
                        planned_on=today + datetime.timedelta(days=30))  # fmt: skip
    return {"opinions": Opinion.objects.count(), "tasks": Task.objects.count(), "new": o_new.pk}


def _bulk(*, party, skip_court, scale, today, rng) -> dict:
    """A few rows per court, written with bulk_create (quick at national scale)."""

    from tongxin.answers.models import ListItem, Opinion, ResponsibilityList, Task, TaskUpdate
    from tongxin.people.models import Person

    first = (
        Person.objects.filter(is_active=True)
        .exclude(court_id=skip_court)
        .values("court_id")
        .annotate(pid=Min("id"))
        .order_by("court_id")
    )
    rows = list(first[: BULK_COURTS[scale]])
    people = Person.objects.in_bulk([r["pid"] for r in rows])
    opinions, tasks, lists = [], [], []
    topics = [c[0] for c in Opinion.Topic.choices]
    for r in rows:
        person = people[r["pid"]]
        for k in range(2):
            state = rng.choice(["submitted", "answered", "answered", "rectifying"])
            opinions.append(Opinion(
                court_id=r["court_id"], submitter=person, hide_name=k == 1, topic=rng.choice(topics),
                title=f"关于改进工作的建议{k + 1}", body="<p>建议改进。</p>", state=state,
                answer_due=today + datetime.timedelta(days=rng.randint(-20, 30)),
                answer="<p>已研究采纳。</p>" if state == "answered" else "",
                answered_at=timezone.now() - datetime.timedelta(days=rng.randint(1, 40)) if state == "answered" else None,
            ))  # fmt: skip
        for k in range(3):
            deadline = today + datetime.timedelta(days=rng.randint(-30, 40))
            state = rng.choice(["open", "open", "submitted", "closed", "closed"])
            closed = (
                today - datetime.timedelta(days=rng.randint(0, 20)) if state == "closed" else None
            )
            tasks.append(Task(
                court_id=r["court_id"], responsible=person, department_id=person.department_id,
                assigner=party, title=f"整改任务{k + 1}", description="<p>按要求整改。</p>",
                deadline=deadline, first_deadline=deadline, state=state, closed_on=closed,
                closed_at=timezone.now() - datetime.timedelta(days=(today - closed).days) if closed else None,
                closed_on_time=(closed <= deadline) if closed else None,
            ))  # fmt: skip
        lists.append(ResponsibilityList(court_id=r["court_id"], kind="party_group", year=today.year,
                                        title=f"{today.year}年党组主体责任清单"))  # fmt: skip
    Opinion.objects.bulk_create(opinions, batch_size=2000)
    Task.objects.bulk_create(tasks, batch_size=2000)
    TaskUpdate.objects.bulk_create(
        [TaskUpdate(task=t, kind="created", author=party) for t in tasks], batch_size=2000
    )
    ResponsibilityList.objects.bulk_create(lists, batch_size=2000, ignore_conflicts=True)
    saved = ResponsibilityList.objects.filter(year=today.year, kind="party_group").exclude(
        court_id=skip_court
    )
    ListItem.objects.bulk_create(
        [ListItem(list=lst, content=c, deadline=datetime.date(today.year, 12, 31),
                  state=rng.choice(["planned", "in_progress", "done"]))
         for lst in saved for c in ("落实主体责任", "加强支部建设", "廉政风险防控")],
        batch_size=2000,
    )  # fmt: skip
    return {"courts": len(rows), "opinions": len(opinions), "tasks": len(tasks)}
