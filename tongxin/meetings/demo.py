"""Demo data of organisational life: a year of meetings up to today with realistic gaps.

Each organisation gets a temperament (seeded, so the same seed gives the same year): most hold
everything on time; some skip periods, some leave minutes unwritten or unsigned, a few have
thin general meetings (quorum failures), a few record nothing. So every verdict appears on the
heat map. `small` and `province` record attendance for every meeting; `national` records it
for the meetings with a quorum (general and democratic life meetings) only, to keep the
table within what the benchmark machine writes in a few minutes. Everything is written with
bulk inserts; no audit entries (demo data is not a change anybody made).
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict

from django.db.models import Q

from tongxin.core.extensions import demo_seeder
from tongxin.meetings.compliance import period_of
from tongxin.meetings.defaults import DEFAULTS
from tongxin.meetings.models import Attendance, Meeting, MeetingOrganisation
from tongxin.orgs.models import CommitteePost, PartyOrganisation

TOPICS = {
    "general": ["学习贯彻党的二十届三中全会精神", "发展党员讨论", "年度党费收缴情况通报"],
    "committee": ["研究支部工作计划", "讨论发展对象", "部署主题党日活动"],
    "group": ["党小组学习交流", "结合审判工作谈体会"],
    "lesson": ["公正司法与人民群众", "新时代法院党建", "守初心担使命"],
    "theme_day": ["参观红色教育基地", "志愿服务进社区", "重温入党誓词"],
    "org_life": ["年度组织生活会暨民主评议党员"],
    "democratic_life": ["党组民主生活会"],
    "centre_study": ["理论学习中心组集体学习"],
    "warning": ["警示教育大会", "典型案例剖析"],
}
LEAVE_REASONS = ["出差", "开庭", "病假", "外出培训"]
QUORUM_KINDS = ("general", "democratic_life")
CHUNK = 20_000  # meetings per insert slice
# (share, skip a period, records lacking, thin attendance)
TEMPERS = [
    (0.55, 0.0, 0.0, False),  # exemplary
    (0.15, 0.25, 0.05, False),  # misses some
    (0.12, 0.05, 0.35, False),  # minutes unwritten or unsigned
    (0.08, 0.05, 0.05, True),  # thin general meetings
    (0.05, 0.70, 0.10, False),  # mostly nothing
    (0.05, 1.0, 0.0, False),  # records nothing
]


def _temper(rng):
    x, acc = rng.random(), 0.0
    for share, skip, lacking, thin in TEMPERS:
        acc += share
        if x < acc:
            return skip, lacking, thin
    return TEMPERS[0][1:]


def _month_add(day, n):
    index = day.month - 1 + n
    return day.replace(year=day.year + index // 12, month=index % 12 + 1, day=1)


@demo_seeder(order=20)
def seed(*, scale: str, seed: int, today: datetime.date, log=print) -> dict:
    started = time.perf_counter()
    rng = random.Random(f"meetings-{seed}")
    first = _month_add(today.replace(day=1), -11)
    # A few branches were founded during the year: their months before it are not applicable.
    branch_ids = list(
        PartyOrganisation.objects.filter(kind="branch", is_active=True).values_list("id", flat=True)
    )
    new = rng.sample(branch_ids, max(1, len(branch_ids) // 50)) if branch_ids else []
    PartyOrganisation.objects.filter(pk__in=new).update(founded_on=_month_add(first, 4))
    orgs = list(
        PartyOrganisation.objects.filter(is_active=True)
        .order_by("id")
        .values_list("id", "kind", "founded_on")
    )
    secretaries = dict(
        CommitteePost.objects.filter(post="secretary", ends_on__isnull=True).values_list(
            "organisation_id", "person_id"
        )
    )
    committees = set(
        CommitteePost.objects.filter(ends_on__isnull=True).values_list("organisation_id", flat=True)
    )
    from tongxin.people.models import Membership

    roster = defaultdict(list)
    rows = Membership.objects.filter(ends_on__isnull=True).filter(
        Q(person__political_status__in=("full", "probationary"))
    )
    for org_id, cell_id, person_id, status in rows.values_list(
        "organisation_id", "cell_id", "person_id", "person__political_status"
    ).iterator(chunk_size=20000):
        roster[org_id].append((person_id, status == "full"))
        if cell_id:
            roster[cell_id].append((person_id, status == "full"))
    meetings: list[Meeting] = []
    plans: list[tuple] = []  # (meeting index, org id, thin)
    made = total = 0
    for org_id, kind, founded_on in orgs:
        if len(meetings) >= CHUNK:  # written a slice at a time: memory stays flat
            total += _write(meetings, plans, roster, rng, scale)
            made += len(meetings)
            meetings, plans = [], []
        skip, lacking, thin = _temper(rng)
        for activity, fields in DEFAULTS.items():
            if kind not in fields["applies_to"].split(","):
                continue
            if fields.get("needs") == "committee" and org_id not in committees:
                continue
            month = first
            while month <= today:
                start, end = period_of(month, fields["cadence"])
                month = _month_add(end, 1)
                if founded_on and founded_on > start:
                    continue
                span = (min(end, today) - max(start, first)).days
                if span < 0:
                    continue
                day = max(start, first) + datetime.timedelta(days=rng.randint(0, span))
                if activity in ("org_life", "democratic_life") and end.month == 12:
                    day = max(day, end.replace(day=1))  # usually in Q4's last month
                if day > today:
                    continue
                future = end > today
                if rng.random() < skip and not future:
                    continue
                status = "planned" if future and rng.random() < 0.5 else "held"
                if status == "planned":
                    day = today + datetime.timedelta(days=rng.randint(1, 20))
                has_minutes = status == "held" and rng.random() >= lacking
                signed = has_minutes and rng.random() >= lacking
                meetings.append(
                    Meeting(
                        organisation_id=org_id,
                        kind=activity,
                        status=status,
                        held_on=day,
                        starts_at=datetime.time(rng.choice((9, 14, 15)), 0),
                        hours=2 if activity != "lesson" else 3,
                        place="党员活动室",
                        topic=rng.choice(TOPICS[activity]),
                        minutes="<p>会议按议程进行，形成决议。</p>" if has_minutes else "",
                        recorded_on=day if status == "held" else None,
                        signed_off_by_id=secretaries.get(org_id) if signed else None,
                        signed_off_at=(
                            datetime.datetime.combine(day, datetime.time(18), tzinfo=datetime.UTC)
                            if signed and secretaries.get(org_id)
                            else None
                        ),  # fmt: skip
                    )
                )
                plans.append((len(meetings) - 1, org_id, thin and activity == "general"))
    total = _write(meetings, plans, roster, rng, scale)
    made += len(meetings)
    log(
        f"Meetings: {made} meetings, {total} attendance rows "
        f"in {time.perf_counter() - started:.1f} s."
    )
    return {"meetings": made, "attendance": total}


def _write(meetings, plans, roster, rng, scale) -> int:
    """Insert a slice of meetings, their organisations and attendance; attendance rows."""
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    MeetingOrganisation.objects.bulk_create(
        (MeetingOrganisation(meeting_id=m.pk, organisation_id=m.organisation_id) for m in meetings),
        batch_size=10000,
    )
    attendance = []
    written = 0
    for index, org_id, thin in plans:
        m = meetings[index]
        if m.status != "held" or (scale == "national" and m.kind not in QUORUM_KINDS):
            continue
        present_share = rng.choice((0.35, 0.5)) if thin and rng.random() < 0.6 else 0.9
        for person_id, voting in roster.get(org_id, ()):
            x = rng.random()
            status = "present" if x < present_share else ("leave" if x < present_share + 0.05 else "absent")  # fmt: skip
            attendance.append(
                Attendance(
                    meeting_id=m.pk,
                    person_id=person_id,
                    organisation_id=org_id,
                    voting=voting,
                    status=status,
                    reason=rng.choice(LEAVE_REASONS) if status == "leave" else "",
                )  # fmt: skip
            )
        if len(attendance) >= 50000:
            Attendance.objects.bulk_create(attendance, batch_size=10000)
            written += len(attendance)
            attendance = []
    Attendance.objects.bulk_create(attendance, batch_size=10000)
    written += len(attendance)
    return written


__all__ = ["seed"]
