"""Demo data of organisational life: a year of meetings up to today with realistic gaps.

Each organisation gets a temperament (seeded, so the same seed gives the same year): most hold
everything on time; some skip periods, some leave minutes unwritten or unsigned, a few have
thin general meetings (quorum failures), a few record nothing. So every verdict appears on the
heat map. `small` and `province` record attendance for every meeting; `national` records it
for the meetings with a quorum (general and democratic life meetings) only, to keep the
table moderate. Rows are made as tuples and written by COPY on PostgreSQL (1.5 M meetings in
about two minutes nationally), bulk_create elsewhere; no audit entries (demo data is not a
change anybody made).
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone

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
    stamp = timezone.now()
    next_id = (Meeting.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    meetings: list[tuple] = []  # rows in the order of MEETING_FIELDS
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
                signer = secretaries.get(org_id) if signed else None
                meetings.append(
                    (
                        next_id, org_id, activity, status, day,
                        datetime.time(rng.choice((9, 14, 15)), 0),
                        2 if activity != "lesson" else 3, "党员活动室", rng.choice(TOPICS[activity]),
                        MINUTES if has_minutes else "", "", day if status == "held" else None,
                        signer,
                        datetime.datetime.combine(day, datetime.time(18), tzinfo=datetime.UTC)
                        if signer else None,
                        stamp,
                    )
                )  # fmt: skip
                next_id += 1
                plans.append((len(meetings) - 1, org_id, thin and activity == "general"))
    total += _write(meetings, plans, roster, rng, scale)
    made += len(meetings)
    with connection.cursor() as cursor:  # the ids were given here, not by the sequence
        for statement in connection.ops.sequence_reset_sql(no_style(), [Meeting]):
            cursor.execute(statement)
    log(
        f"Meetings: {made} meetings, {total} attendance rows "
        f"in {time.perf_counter() - started:.1f} s."
    )
    return {"meetings": made, "attendance": total}


MINUTES = "<p>会议按议程进行，形成决议。</p>"
MEETING_FIELDS = (
    "id", "organisation_id", "kind", "status", "held_on", "starts_at", "hours", "place", "topic",
    "minutes", "cancel_reason", "recorded_on", "signed_off_by_id", "signed_off_at", "created_at",
)  # fmt: skip
ATTENDANCE_FIELDS = ("meeting_id", "person_id", "organisation_id", "voting", "status", "reason")


def _write(meetings, plans, roster, rng, scale) -> int:
    """Insert a slice of meetings, their organisations and attendance; attendance rows."""
    _insert(Meeting, MEETING_FIELDS, meetings)
    _insert(
        MeetingOrganisation, ("meeting_id", "organisation_id"), ((m[0], m[1]) for m in meetings)
    )
    attendance = []
    for index, org_id, thin in plans:
        m_id, _org, m_kind, m_status = meetings[index][:4]
        if m_status != "held" or (scale == "national" and m_kind not in QUORUM_KINDS):
            continue
        present_share = rng.choice((0.35, 0.5)) if thin and rng.random() < 0.6 else 0.9
        for person_id, voting in roster.get(org_id, ()):
            x = rng.random()
            status = "present" if x < present_share else ("leave" if x < present_share + 0.05 else "absent")  # fmt: skip
            reason = rng.choice(LEAVE_REASONS) if status == "leave" else ""
            attendance.append((m_id, person_id, org_id, voting, status, reason))
    _insert(Attendance, ATTENDANCE_FIELDS, attendance)
    return len(attendance)


def _insert(model, fields, rows) -> None:
    """Rows (tuples in the order of `fields`, attribute names) into the model's table:
    PostgreSQL by COPY (a million meetings in seconds, not a quarter of an hour of
    bulk_create), elsewhere bulk_create."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(fields, row, strict=True))) for row in rows), batch_size=2000
        )
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f.removesuffix("_id")).column) for f in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


__all__ = ["seed"]
