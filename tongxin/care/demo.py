"""Demo data of the care app (`seed_demo`, after courts, organisations and people): talks
with coverage gaps, home visits, help records, leading Party members' group members with contact branches and
their visits. Written in bulk from a few reads, so the national scale stays quick."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from tongxin.care.models import ContactPoint, ContactVisit, HelpRecord, HomeVisit, Talk
from tongxin.core.extensions import demo_seeder
from tongxin.orgs.facts import facts_refresh
from tongxin.orgs.models import CommitteePost, PartyOrganisation
from tongxin.people.models import Membership, Person

# The share of its members each committee member has talked with this year, per scale (a
# range: some branches are done, most have gaps); national keeps the table moderate.
TALK_SHARE = {"small": (0.2, 1.0), "province": (0.1, 1.0), "national": (0.0, 0.35)}
LAST_YEAR_SHARE = {"small": 0.8, "province": 0.6, "national": 0.1}
SUMMARIES = [
    "<p>谈工作思路与近期办案压力，表示能够克服困难。</p>",
    "<p>交流思想动态，对支部工作提出两点建议。</p>",
    "<p>了解家庭情况，子女升学有困难，已登记。</p>",
    "<p>提醒注意廉洁自律，本人表示接受。</p>",
    "<p>谈入党初心与业务学习计划。</p>",
]
FOLLOW_UPS = ["", "", "<p>一个月后回访。</p>", "<p>向机关党委反映。</p>"]
PURPOSES = ["节日慰问", "看望生病家属", "了解生活困难", "新婚看望"]
DIFFICULTIES = ["配偶重病住院", "家中老人去世", "子女患病", "房屋受灾", "本人手术"]
KINDS = [k for k, _label in HelpRecord.Kind.choices]
ACTIVITIES = ["参加支部主题党日并讲党课", "听取支部工作汇报", "走访干警座谈", "指导组织生活会"]
FINDINGS = ["", "支部会议记录不完整", "青年干警学习积极性有待提高", "党员活动阵地需更新"]
BATCH = 5000


def _day(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


@demo_seeder(order=41)
def seed(*, scale: str, seed: int, today: datetime.date, log=print) -> None:
    rng = random.Random(f"care-{seed}")
    year_start = datetime.date(today.year, 1, 1)
    last_start, last_end = (
        datetime.date(today.year - 1, 1, 1),
        datetime.date(today.year - 1, 12, 31),
    )
    open_now = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gt=today))
    committee = defaultdict(list)
    for org_id, person_id in (
        CommitteePost.objects.filter(
            open_now, organisation__kind__in=PartyOrganisation.ELECTED_KINDS
        )
        .order_by("organisation_id", "id")
        .values_list("organisation_id", "person_id")
    ):
        committee[org_id].append(person_id)
    members = defaultdict(list)
    for org_id, person_id, starts_on in (
        Membership.objects.filter(open_now, organisation_id__in=list(committee))
        .order_by("organisation_id", "person_id")
        .values_list("organisation_id", "person_id", "starts_on")
    ):
        members[org_id].append((person_id, starts_on))
    low, high = TALK_SHARE[scale]
    talks, visits = [], []
    for org_id, talkers in committee.items():
        roster = members.get(org_id, [])
        for talker in talkers:
            others = [(p, s) for p, s in roster if p != talker]
            share = rng.uniform(low, high)
            for person, since in rng.sample(others, round(len(others) * share)):
                first = max(year_start, since)
                if first > today:
                    continue
                talks.append(
                    Talk(
                        organisation_id=org_id,
                        talker_id=talker,
                        person_id=person,
                        held_on=_day(rng, first, today),
                        kind=rng.choice(Talk.Kind.values),
                        summary=rng.choice(SUMMARIES),
                        follow_up=rng.choice(FOLLOW_UPS),
                    )
                )
                if rng.random() < LAST_YEAR_SHARE[scale] and since <= last_start:
                    talks.append(
                        Talk(
                            organisation_id=org_id,
                            talker_id=talker,
                            person_id=person,
                            held_on=_day(rng, last_start, last_end),
                            kind=Talk.Kind.ROUTINE,
                            summary=rng.choice(SUMMARIES),
                        )
                    )
        if roster and talkers and rng.random() < 0.3:
            person = rng.choice(roster)[0]
            if person != talkers[0]:
                visits.append(
                    HomeVisit(
                        organisation_id=org_id,
                        visitor_id=talkers[0],
                        person_id=person,
                        visited_on=_day(rng, year_start, today),
                        purpose=rng.choice(PURPOSES),
                        notes="<p>家中情况稳定，表示感谢。</p>",
                    )
                )
    Talk.objects.bulk_create(talks, batch_size=BATCH)
    HomeVisit.objects.bulk_create(visits, batch_size=BATCH)
    helped, points, contact_visits = _courts(rng, today)
    log(
        f"Care: {len(talks)} talks, {len(visits)} home visits, {helped} help records, "
        f"{points} contact points with {contact_visits} visits."
    )


def _courts(rng, today: datetime.date) -> tuple[int, int, int]:
    """Help records, leading Party members' group members (posts in the party group where it has none) and
    their contact branches with visits, court by court from three reads."""
    groups = dict(
        PartyOrganisation.objects.filter(kind=PartyOrganisation.Kind.PARTY_GROUP)
        .order_by()
        .values_list("court_id", "id")
    )
    branches = defaultdict(list)
    for court_id, org_id in (
        PartyOrganisation.objects.filter(kind=PartyOrganisation.Kind.BRANCH, is_active=True)
        .order_by("path")
        .values_list("court_id", "id")
    ):
        branches[court_id].append(org_id)
    staff = defaultdict(list)
    for court_id, person_id, cadre in (
        Person.objects.filter(is_active=True)
        .exclude(cadre_level="")
        .order_by("court_id", "id")
        .values_list("court_id", "id", "cadre_level")
    ):
        staff[court_id].append((person_id, cadre))
    held = defaultdict(list)
    for org_id, person_id in (
        CommitteePost.objects.filter(
            organisation_id__in=list(groups.values()), ends_on__isnull=True
        )
        .order_by("id")
        .values_list("organisation_id", "person_id")
    ):
        held[org_id].append(person_id)
    help_rows, posts, points = [], [], []
    start = datetime.date(today.year - 2, 1, 1)
    for court_id, group_id in groups.items():
        people = staff.get(court_id, [])
        if people and rng.random() < 0.6:
            for _n in range(rng.randint(1, 2)):
                help_rows.append(
                    HelpRecord(
                        court_id=court_id,
                        person_id=rng.choice(people)[0],
                        difficulty=rng.choice(DIFFICULTIES),
                        kind=rng.choice(KINDS),
                        amount=Decimal(rng.choice([500, 1000, 2000, 3000, 5000])),
                        given_on=_day(rng, datetime.date(today.year - 1, 1, 1), today),
                        given_by="院工会",
                    )
                )
        leaders = held.get(group_id) or []
        if not leaders:
            senior = [p for p, cadre in people if cadre in ("department", "division")][:3]
            for person_id in senior:
                posts.append(
                    CommitteePost(
                        organisation_id=group_id,
                        person_id=person_id,
                        post="member",
                        starts_on=start,
                    )
                )
            leaders = senior
        for leader, branch in zip(
            leaders,
            rng.sample(
                branches.get(court_id, []), min(len(leaders), len(branches.get(court_id, [])))
            ),
            strict=False,
        ):
            points.append(ContactPoint(leader_id=leader, organisation_id=branch, starts_on=start))
    HelpRecord.objects.bulk_create(help_rows, batch_size=BATCH)
    CommitteePost.objects.bulk_create(posts, batch_size=BATCH)
    facts_refresh(sorted({p.organisation_id for p in posts}))
    ContactPoint.objects.bulk_create(points, batch_size=BATCH)
    visits = [
        ContactVisit(
            contact=point,
            visited_on=_day(rng, start, today),
            activities=rng.choice(ACTIVITIES),
            findings=rng.choice(FINDINGS),
        )
        for point in points
        for _n in range(rng.randint(0, 3))
    ]
    ContactVisit.objects.bulk_create(visits, batch_size=BATCH)
    return len(help_rows), len(points), len(visits)
