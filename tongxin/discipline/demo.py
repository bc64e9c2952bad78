"""Demo data of the discipline app (seed_demo, after courts, people and accounts exist).

At every scale: register entries of every kind over the last eight quarters, in bulk, with
their hash chains computed here in order (ids given in advance, since a correction's hash
covers the id of the entry it corrects), corrections, and courts that had no entry in some
or all quarters (zero reports, zero streaks); discipline records for about one person in two
hundred; supervision checks with findings; warning-education sessions with attendance.
The demo member records in their own court, so they see their entries; the demo leader is
named reader of their court's register. `verify_register` holds on the result.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from tongxin.core.chain import GENESIS
from tongxin.core.extensions import demo_seeder
from tongxin.core.models import ChainHead
from tongxin.discipline.chain import chain_name, link_values
from tongxin.discipline.models import (
    Area,
    Attendance,
    Channel,
    DisciplineRecord,
    EducationSession,
    Finding,
    Kind,
    RegisterEntry,
    RegisterReader,
    Sanction,
    SupervisionCheck,
)
from tongxin.lib.dates import add_months

ASKERS = [
    ("张某", "某区人民政府", "副区长", Kind.LEADING_CADRE),
    ("李某", "某市人大常委会", "办公室主任", Kind.LEADING_CADRE),
    ("王某", "本院", "退休干部", Kind.INTERNAL),
    ("赵某", "某区人民检察院", "检察官", Kind.INTERNAL),
    ("刘某", "某律师事务所", "律师", Kind.CONTACT),
    ("陈某", "当事人", "原告之子", Kind.CONTACT),
    ("杨某", "某评估公司", "评估师", Kind.CONTACT),
    ("黄某", "某律师事务所", "律师（配偶）", Kind.RELATIVE_LAWYER),
    ("周某", "某市人大", "人大代表", Kind.DEPUTY_FOLLOWED),
]
TYPES = ["民初", "民终", "刑初", "行初", "执", "执恢", "商初"]
ASKED = ["询问案件进展", "请求关照", "打听合议庭意见", "要求尽快执行", "询问开庭时间"]
DONE = ["告知不得过问，已如实记录", "婉拒并报告庭长", "告知依法办理", "已报告纪检组"]
SCALE = {"small": 6, "province": 4, "national": 3}  # mean entries per court and year


def _recorder():
    User = get_user_model()
    user, _created = User.objects.get_or_create(
        username="register-demo", defaults={"is_active": False}
    )
    return user


@demo_seeder(order=50)
def seed(*, scale: str, seed: int, today: datetime.date, log=print) -> dict:
    from tongxin.orgs.models import Court
    from tongxin.people.models import Person

    rng = random.Random(seed * 50)
    User = get_user_model()
    courts = list(Court.objects.filter(is_active=True).order_by("path"))
    member = User.objects.filter(username="member").first()
    member_court = (
        Person.objects.filter(user=member).values_list("court_id", flat=True).first()
        if member
        else None
    )
    fallback = _recorder()
    names = {}
    for court_id, name in Person.objects.filter(is_active=True).values_list("court_id", "name"):
        names.setdefault(court_id, name)

    start = datetime.date(today.year - 2, 3 * ((today.month - 1) // 3) + 1, 1)
    days = (today - start).days
    per_year = SCALE.get(scale, 3)
    now = timezone.now()
    next_id = (RegisterEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    entries, heads = [], []
    silent = 0
    for court in courts:
        # About one court in five reports nothing at all (a long zero streak); the others a
        # few entries a year, some in bursts, so that most have zero quarters too.
        if rng.random() < 0.2 and court.pk != member_court:
            silent += 1
            continue
        count = max(1, int(rng.expovariate(1 / (per_year * 2))))
        if court.pk == member_court:
            count = max(count, 8)
        dates = sorted(start + datetime.timedelta(days=rng.randrange(days)) for _ in range(count))
        recorder = member if court.pk == member_court and member else fallback
        seq, prev, own = 0, GENESIS, []
        for day in dates:
            name, unit, post, kind = rng.choice(ASKERS)
            correction = own[-1] if own and rng.random() < 0.08 else None
            values = {
                "court_id": court.pk,
                "court_path": court.path,
                "kind": correction.kind if correction else kind,
                "person_name": correction.person_name if correction else name,
                "person_unit": unit,
                "person_post": post,
                "relation": "",
                "channel": rng.choice(Channel.values),
                "occurred_on": correction.occurred_on if correction else day,
                "case_number": ""
                if kind == Kind.RELATIVE_LAWYER and not correction
                else f"({day.year}){court.code or '苏'}{rng.choice(TYPES)}{rng.randrange(1, 9999)}号",
                "asked": ("更正：" if correction else "") + rng.choice(ASKED),
                "done": rng.choice(DONE),
                "affects_case": rng.random() < 0.05,
                "correction_of_id": correction.pk if correction else None,
                "recorder_id": recorder.pk,
                "recorder_name": recorder.username
                if recorder is member
                else names.get(court.pk, "demo"),
                "recorded_at": min(
                    now - datetime.timedelta(minutes=count - seq),
                    timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 0)))
                    + datetime.timedelta(seconds=seq),
                ),
            }
            if own and values["recorded_at"] < own[-1].recorded_at:
                values["recorded_at"] = own[-1].recorded_at + datetime.timedelta(seconds=1)
            seq += 1
            name_ = chain_name(court.pk)
            digest = link_values(name_, seq, prev, values)
            entry = RegisterEntry(id=next_id, seq=seq, prev_hash=prev, hash=digest, **values)
            next_id += 1
            own.append(entry)
            prev = digest
        entries += own
        heads.append(ChainHead(name=chain_name(court.pk), seq=seq, hash=prev))
    RegisterEntry.objects.bulk_create(entries, batch_size=5_000)
    ChainHead.objects.bulk_create(heads, batch_size=5_000)
    _reset([RegisterEntry])

    leader = User.objects.filter(username="leader").first()
    if leader is not None:
        grant = leader.grants.filter(court__isnull=False).first()
        if grant is not None:
            RegisterReader.objects.get_or_create(court_id=grant.court_id, user=leader)

    records = _records(rng, today)
    checks, findings = _checks(rng, courts, today)
    sessions, present = _sessions(rng, courts, today)
    log(
        f"discipline: {len(entries)} register entries in {len(heads)} chains "
        f"({silent} courts without any), {records} discipline records, {checks} checks with "
        f"{findings} findings, {sessions} warning-education sessions ({present} attendances)"
    )
    return {"entries": len(entries), "records": records, "checks": checks}


def _reset(models) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _records(rng, today) -> int:
    from tongxin.people.models import Person

    people = list(Person.objects.filter(is_active=True).values_list("pk", "court_id"))
    chosen = rng.sample(people, max(1, len(people) // 200)) if people else []
    rows = []
    for pk, court_id in chosen:
        sanction = rng.choice(Sanction.values)
        decided = today - datetime.timedelta(days=rng.randrange(30, 1200))
        months = rng.choice([0, 6, 12, 18, 24])
        rows.append(
            DisciplineRecord(
                person_id=pk,
                court_id=court_id,
                sanction=sanction,
                decided_on=decided,
                period_months=months,
                ends_on=add_months(decided, months) if months else None,
                reason="违反中央八项规定精神",
            )
        )
    DisciplineRecord.objects.bulk_create(rows, batch_size=5_000)
    return len(rows)


def _checks(rng, courts, today) -> tuple[int, int]:
    coded = [c for c in courts if c.code]
    chosen = rng.sample(coded, max(1, len(coded) // 3)) if coded else []
    checks = [
        SupervisionCheck(
            court=court,
            area=rng.choice(Area.values),
            checked_on=today - datetime.timedelta(days=rng.randrange(1, 700)),
            subject=rng.choice(
                ["公务接待专项检查", "公车使用检查", "节日期间作风检查", "办公用房清理"]
            ),
        )
        for court in chosen
    ]
    SupervisionCheck.objects.bulk_create(checks, batch_size=5_000)
    checks = list(SupervisionCheck.objects.filter(court__in=chosen).only("id", "checked_on"))
    findings = [
        Finding(
            supervision=check,
            description=rng.choice(["超标准接待一次", "公车私用", "发放节日福利不规范"]),
            responsible=rng.choice(["办公室", "行政装备处", "司法警察支队"]),
            rectify_by=check.checked_on + datetime.timedelta(days=60),
        )
        for check in checks
        for _ in range(rng.choice([0, 0, 1, 2, 3]))
    ]
    Finding.objects.bulk_create(findings, batch_size=5_000)
    return len(checks), len(findings)


def _sessions(rng, courts, today) -> tuple[int, int]:
    from tongxin.people.models import Person

    chosen = [c for c in courts if c.code and rng.random() < 0.5]
    sessions = [
        EducationSession(
            court=court,
            held_on=today - datetime.timedelta(days=rng.randrange(1, 365)),
            title="警示教育大会",
            material="典型违纪违法案例通报",
        )
        for court in chosen
    ]
    EducationSession.objects.bulk_create(sessions, batch_size=5_000)
    sessions = list(EducationSession.objects.filter(court__in=chosen).only("id", "court_id"))
    staff: dict[int, list[int]] = {}
    for pk, court_id in Person.objects.filter(court__in=chosen, is_active=True).values_list(
        "pk", "court_id"
    ):
        if len(staff.setdefault(court_id, [])) < 20:
            staff[court_id].append(pk)
    rows = [
        Attendance(session=session, person_id=pk, present=rng.random() < 0.9)
        for session in sessions
        for pk in staff.get(session.court_id, [])
    ]
    Attendance.objects.bulk_create(rows, batch_size=5_000)
    return len(sessions), len(rows)
