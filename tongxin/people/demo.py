"""Deterministic demo data at three scales, written with bulk inserts.

Courts come from the real 2018 court-code table. Each court gets departments, a Party
group, an organ Party committee, branches sized by the rules (with committees, terms and
party groups), and staff with a plausible mix of posts and political statuses. A small,
fixed share of organisations deliberately breaks rules so the health page has something
to show. Ids are assigned here so materialised paths are written in the same insert.

The seeder writes no audit entries: demo data is not a change anybody made.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction

from tongxin.core.permissions import Role
from tongxin.core.tree import segment
from tongxin.orgs.health import rules_ensure
from tongxin.orgs.models import CommitteePost, CommitteeTerm, Court, Department, PartyOrganisation
from tongxin.orgs.reference import CourtRow, courts, english_name
from tongxin.people.models import Membership, Person, Profile, RoleGrant

SMALL_PROVINCE = "苏"
PROVINCE = "苏"

# Staff per court by level, per scale.
STAFF = {
    "small": {"spc": 0, "circuit": 0, "high": 90, "intermediate": 55, "basic": 30, "tribunal": 5},
    "province": {
        "spc": 0,
        "circuit": 0,
        "high": 350,
        "intermediate": 220,
        "basic": 80,
        "tribunal": 6,
    },
    "national": {
        "spc": 600,
        "circuit": 60,
        "high": 350,
        "intermediate": 220,
        "basic": 65,
        "tribunal": 6,
    },
}
# People's tribunals per ordinary basic court (inclusive range); national gives ~11,000.
TRIBUNALS_PER_BASIC = {"small": (0, 1), "province": (0, 2), "national": (2, 5)}
# Shares of committee terms that end within six months, and that are already overdue.
TERM_ENDING_SHARE = 0.04
TERM_OVERDUE_SHARE = 0.02

# (name_zh, name_en, kind, weight, categories)
J, A, C, P, AD = (
    Person.Category.JUDGE,
    Person.Category.JUDGE_ASSISTANT,
    Person.Category.CLERK,
    Person.Category.POLICE,
    Person.Category.ADMINISTRATIVE,
)
JUDICIAL = ((J, 35), (A, 30), (C, 35))
# In order of precedence: a court with n departments has the first n (see below), so every
# basic court has its filing, civil, criminal and enforcement divisions and its judicial police.
DEPARTMENTS = (
    ("立案庭", "Case Filing Division", "judicial", 8, JUDICIAL),
    ("民事审判第一庭", "No. 1 Civil Division", "judicial", 12, JUDICIAL),
    ("民事审判第二庭", "No. 2 Civil Division", "judicial", 9, JUDICIAL),
    ("刑事审判庭", "Criminal Division", "judicial", 10, JUDICIAL),
    ("执行局", "Enforcement Bureau", "judicial", 14, JUDICIAL),
    ("办公室", "General Office", "administrative", 6, ((AD, 100),)),
    ("政治部", "Political Department", "administrative", 5, ((AD, 100),)),
    ("司法警察支队", "Judicial Police Detachment", "affiliated", 7, ((P, 100),)),
    ("审判管理办公室", "Trial Management Office", "administrative", 3, ((J, 20), (AD, 80))),
    ("行政审判庭", "Administrative Division", "judicial", 5, JUDICIAL),
    ("审判监督庭", "Adjudication Supervision Division", "judicial", 4, JUDICIAL),
    ("研究室", "Research Office", "administrative", 3, ((J, 30), (AD, 70))),
    ("纪检监察组", "Discipline Inspection Group", "administrative", 2, ((AD, 100),)),
    ("信息技术中心", "Information Technology Centre", "affiliated", 3, ((AD, 100),)),
)
DEPARTMENTS_BY_LEVEL = {
    "spc": 14,
    "circuit": 6,
    "high": 14,
    "intermediate": 12,
    "basic": 9,
    "tribunal": 0,
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志强海燕晓东文博"
    "子涵宇轩浩然雨桐欣怡思远嘉怡俊杰婷婷雪梅立新建华春梅晓峰丽娟卫东爱民振华永刚德明"
)

DEMO_USERS = (
    ("admin", Role.SYSTEM_ADMIN),
    ("party", Role.PARTY_AFFAIRS),
    ("secretary", Role.BRANCH_SECRETARY),
    ("committee", Role.BRANCH_COMMITTEE),
    ("member", Role.MEMBER),
    ("leader", Role.COURT_LEADER),
    ("discipline", Role.DISCIPLINE),
    ("trial", Role.TRIAL_MANAGEMENT),
)


@dataclass
class Batch:
    courts: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    org_departments: list = field(default_factory=list)
    people: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    posts: list = field(default_factory=list)
    terms: list = field(default_factory=list)


class Seeder:
    def __init__(self, *, scale: str, seed: int, today: datetime.date):
        if scale not in STAFF:
            raise ValueError(f"unknown scale {scale!r}")
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today
        self.ids = {
            "court": 0,
            "dept": 0,
            "org": 0,
            "person": 0,
            "membership": 0,
            "post": 0,
            "term": 0,
        }
        self.batch = Batch()
        self.staff_numbers = 0
        self.branch_for_demo: PartyOrganisation | None = None

    def next_id(self, key: str) -> int:
        self.ids[key] += 1
        return self.ids[key]

    # Courts ----------------------------------------------------------------------------

    def court_rows(self) -> list[CourtRow]:
        rows = courts()
        by_id = {row.internal_id: row for row in rows}
        if self.scale == "national":
            return list(rows)
        spc = by_id[0]
        high = next(
            r
            for r in rows
            if r.level == "high"
            and r.code == (SMALL_PROVINCE if self.scale == "small" else PROVINCE)
        )
        below = [
            r for r in rows if r.code.startswith(high.code) and r.level in ("intermediate", "basic")
        ]
        if self.scale == "province":
            return [spc, high, *below]
        inter = [r for r in below if r.level == "intermediate" and r.kind == "ordinary"][:2]
        basics = []
        for court in inter:
            kids = [
                r
                for r in below
                if r.parent_internal_id == court.internal_id and r.kind == "ordinary"
            ]
            basics += kids[:3]
        return [spc, high, *inter, *basics]

    def build_courts(self) -> list[Court]:
        rows = self.court_rows()
        by_internal: dict[int, Court] = {}
        out: list[Court] = []
        for row in rows:  # the CSV lists parents before children
            parent = by_internal.get(row.parent_internal_id)
            court = Court(
                id=self.next_id("court"),
                code=row.code,
                name_zh=row.name_zh,
                name_en=english_name(row.name_zh),
                level=row.level,
                kind=row.kind,
                province=row.province,
                parent=parent,
            )
            self.place(court, parent)
            by_internal[row.internal_id] = court
            out.append(court)
        spc = out[0]
        if self.scale == "national":
            for n, city in enumerate(("深圳", "沈阳", "南京", "郑州", "重庆", "西安"), start=1):
                zh = f"最高人民法院第{'一二三四五六'[n - 1]}巡回法庭"
                court = Court(
                    id=self.next_id("court"),
                    code=None,
                    name_zh=zh,
                    name_en=f"No. {n} Circuit Court of the Supreme People's Court ({english_name(city)})",
                    level=Court.Level.CIRCUIT,
                    kind=Court.Kind.ORDINARY,
                    province="",
                    parent=spc,
                )
                self.place(court, spc)
                out.append(court)
        for basic in [c for c in out if c.level == Court.Level.BASIC]:
            for n in range(self.tribunals(basic)):
                town = self.rng.choice(
                    ("城关", "东城", "西城", "南湖", "北山", "新桥", "河口", "青石", "白沙", "高桥")
                )
                zh = f"{basic.name_zh.removesuffix('人民法院')}{town}{'' if n == 0 else n + 1}人民法庭"[
                    -40:
                ]
                court = Court(
                    id=self.next_id("court"),
                    code=None,
                    name_zh=zh,
                    name_en=english_name(zh),
                    level=Court.Level.TRIBUNAL,
                    kind=Court.Kind.ORDINARY,
                    province=basic.province,
                    parent=basic,
                )
                self.place(court, basic)
                out.append(court)
        self.batch.courts = out
        return out

    def tribunals(self, basic: Court) -> int:
        if basic.kind != Court.Kind.ORDINARY:
            return 0
        return self.rng.randint(*TRIBUNALS_PER_BASIC[self.scale])

    @staticmethod
    def place(node, parent) -> None:
        node.path = (parent.path if parent else "") + segment(node.id)
        node.depth = parent.depth + 1 if parent else 0

    # People ----------------------------------------------------------------------------

    def name(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given

    def person(self, court: Court, department: Department | None, categories, level: str) -> Person:
        rng = self.rng
        cats, weights = zip(*categories, strict=True)
        category = rng.choices(cats, weights)[0]
        age = rng.randint(24, 59)
        birth = self.today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        roll = rng.random()
        if roll < 0.74:
            status = Person.PoliticalStatus.FULL
        elif roll < 0.77:
            status = Person.PoliticalStatus.PROBATIONARY
        elif roll < 0.81:
            status = Person.PoliticalStatus.APPLICANT
        else:
            status = Person.PoliticalStatus.NONE
        joined = full = None
        if status in (Person.PoliticalStatus.FULL, Person.PoliticalStatus.PROBATIONARY):
            if status == Person.PoliticalStatus.FULL:
                joined = birth + datetime.timedelta(
                    days=rng.randint(19 * 365, max(19 * 365 + 1, (age - 1) * 365))
                )
                full = joined + datetime.timedelta(days=365)
            else:
                joined = self.today - datetime.timedelta(days=rng.randint(30, 330))
        self.staff_numbers += 1
        cadre = ""
        if rng.random() < 0.06:
            cadre = {"spc": "department", "circuit": "division", "high": "division"}.get(
                level, "section"
            )
        salary = rng.randrange(2800, 16000, 50)
        return Person(
            id=self.next_id("person"),
            court=court,
            department=department,
            name=self.name(),
            gender=rng.choice("mf"),
            birth_date=birth,
            staff_number=f"{court.id:05d}{self.staff_numbers % 100000:05d}",
            category=category,
            cadre_level=cadre,
            is_quota_judge=category == J and rng.random() < 0.85,
            political_status=status,
            joined_party_on=joined,
            full_member_on=full,
            dues_base=salary,
        )

    # Organisations ---------------------------------------------------------------------

    def org(self, court: Court, parent, kind: str, name_zh: str, name_en: str) -> PartyOrganisation:
        org = PartyOrganisation(
            id=self.next_id("org"),
            court=court,
            parent=parent,
            kind=kind,
            name_zh=name_zh,
            name_en=name_en,
            founded_on=datetime.date(self.rng.randint(1990, 2020), self.rng.randint(1, 12), 1),
        )
        self.place(org, parent)
        self.batch.organisations.append(org)
        return org

    def build_court(self, court: Court) -> None:
        rng, batch = self.rng, self.batch
        staff = STAFF[self.scale][court.level]
        if staff == 0:
            return
        n_depts = DEPARTMENTS_BY_LEVEL[court.level]
        depts = []
        for zh, en, kind, weight, cats in DEPARTMENTS[:n_depts] if n_depts else ():
            dept = Department(
                id=self.next_id("dept"), court=court, name_zh=zh, name_en=en, kind=kind
            )
            batch.departments.append(dept)
            depts.append((dept, weight, cats))
        self.org(
            court,
            None,
            PartyOrganisation.Kind.PARTY_GROUP,
            f"{court.name_zh}党组",
            f"Party Group of {court.name_en}",
        )
        if court.level == Court.Level.TRIBUNAL:
            # A tribunal's members form one branch under the basic court's organ committee.
            parent = self.committees.get(court.parent_id)
            branch = self.org(
                court,
                parent,
                PartyOrganisation.Kind.BRANCH,
                f"{court.name_zh}党支部",
                f"Party Branch of {court.name_en}",
            )
            people = [
                self.person(court, None, JUDICIAL, court.level)
                for _ in range(staff + rng.randint(-1, 2))
            ]
            batch.people += people
            self.fill_branch(branch, people)
            return
        committee = self.org(
            court,
            None,
            PartyOrganisation.Kind.ORGAN_COMMITTEE,
            f"{court.name_zh}机关党委",
            f"Organ Party Committee of {court.name_en}",
        )
        self.committees[court.id] = committee
        total_weight = sum(w for _d, w, _c in depts)
        groups: list[tuple[list[Department], list[Person]]] = []
        for dept, weight, cats in depts:
            size = max(2, round(staff * weight / total_weight * rng.uniform(0.8, 1.2)))
            people = [self.person(court, dept, cats, court.level) for _ in range(size)]
            batch.people += people
            groups.append(([dept], people))
        # Small departments share a branch; big courts get a general branch over enforcement.
        merged: list[tuple[list[Department], list[Person]]] = []
        for group in groups:
            if merged and len(merged[-1][1]) < 8 and len(group[1]) < 8 and len(merged[-1][0]) < 3:
                merged[-1] = (merged[-1][0] + group[0], merged[-1][1] + group[1])
            else:
                merged.append(group)
        self.fill_committee(committee, [p for _ds, people in groups for p in people], size=5)
        for n, (dept_list, people) in enumerate(merged):
            zh = "、".join(d.name_zh for d in dept_list) + "党支部"
            en = "Party Branch of " + " and ".join(d.name_en for d in dept_list)
            parent = committee
            if len(people) > 60:
                parent = self.org(
                    court,
                    committee,
                    PartyOrganisation.Kind.GENERAL_BRANCH,
                    f"{dept_list[0].name_zh}党总支",
                    f"General Branch of {dept_list[0].name_en}",
                )
                self.fill_committee(parent, people, size=3)
                half = len(people) // 2
                for part, chunk in enumerate((people[:half], people[half:]), start=1):
                    branch = self.org(
                        court,
                        parent,
                        PartyOrganisation.Kind.BRANCH,
                        f"{dept_list[0].name_zh}第{part}党支部",
                        f"Branch {part} of {dept_list[0].name_en}",
                    )
                    batch.org_departments.append((branch, dept_list[0]))
                    self.fill_branch(branch, chunk)
                continue
            branch = self.org(court, parent, PartyOrganisation.Kind.BRANCH, zh[:100], en[:200])
            for dept in dept_list:
                batch.org_departments.append((branch, dept))
            self.fill_branch(branch, people, breakable=n > 0)

    def fill_committee(self, org, people: list[Person], *, size: int) -> None:
        """A committee (secretary first) for an organ committee or general branch, and its term."""
        years = 5 if org.kind == PartyOrganisation.Kind.ORGAN_COMMITTEE else 3
        full = [p for p in people if p.political_status == "full"]
        posts = ["secretary", "deputy_secretary", "organisation", "propaganda", "discipline"]
        start = self.term(org, years=years).starts_on
        # Leading cadres first: the committee of an organ committee is the court's leadership.
        chosen = sorted(full, key=lambda p: (p.cadre_level == "", p.id))[:size]
        for post, person in zip(posts[:size], chosen, strict=False):
            self.batch.posts.append(
                CommitteePost(
                    id=self.next_id("post"),
                    organisation=org,
                    person=person,
                    post=post,
                    starts_on=start,
                )
            )

    def term(self, org, *, years: int) -> CommitteeTerm:
        # Most terms run normally; a few end within six months, a few are overdue.
        rng, length = self.rng, years * 365
        roll = rng.random()
        if roll < TERM_OVERDUE_SHARE:
            ago = rng.randint(length + 10, length + 300)
        elif roll < TERM_OVERDUE_SHARE + TERM_ENDING_SHARE:
            ago = rng.randint(length - 170, length - 5)
        else:
            ago = rng.randint(30, length - 200)
        start = self.today - datetime.timedelta(days=ago)
        end = (
            start.replace(year=start.year + years)
            if not (start.month == 2 and start.day == 29)
            else (start + datetime.timedelta(days=365 * years))
        )
        term = CommitteeTerm(
            id=self.next_id("term"), organisation=org, starts_on=start, ends_on=end
        )
        self.batch.terms.append(term)
        return term

    def fill_branch(self, branch, people: list[Person], *, breakable: bool = True) -> None:
        rng, batch = self.rng, self.batch
        members = [p for p in people if p.political_status in ("full", "probationary")]
        cells = []
        if len(members) >= 16:
            for n in range(1, 3):
                cells.append(
                    self.org(
                        branch.court,
                        branch,
                        PartyOrganisation.Kind.CELL,
                        f"{branch.name_zh}第{n}党小组"[:100],
                        f"Party Group {n} of {branch.name_en}"[:200],
                    )
                )
        for i, person in enumerate(members):
            if breakable and rng.random() < 0.006:
                continue  # deliberately unassigned: the health page lists them
            joined = person.full_member_on or person.joined_party_on or self.today
            starts = max(joined, self.today - datetime.timedelta(days=rng.randint(60, 3000)))
            batch.memberships.append(
                Membership(
                    id=self.next_id("membership"),
                    person=person,
                    organisation=branch,
                    cell=cells[i % len(cells)] if cells else None,
                    starts_on=min(starts, self.today),
                )
            )
        full = [p for p in members if p.political_status == "full"]
        broken = breakable and rng.random() < 0.08
        if not full or (broken and rng.random() < 0.4):
            return  # no secretary, no committee: deliberately broken
        posts = ["secretary"]
        if len(full) >= 7 and not (broken and rng.random() < 0.5):
            posts += ["organisation", "propaganda", "discipline"]
            if len(full) >= 20:
                posts.insert(1, "deputy_secretary")
            if broken:
                posts += ["member"] * 5  # committee too large
        start = self.today - datetime.timedelta(days=rng.randint(30, 1000))
        for post, person in zip(posts, full, strict=False):
            batch.posts.append(
                CommitteePost(
                    id=self.next_id("post"),
                    organisation=branch,
                    person=person,
                    post=post,
                    starts_on=start,
                )
            )
        self.term(branch, years=3)
        if self.branch_for_demo is None and len(full) >= 7 and len(posts) > 1:
            self.branch_for_demo = branch

    # Run -------------------------------------------------------------------------------

    def build(self) -> Batch:
        self.committees: dict[int, PartyOrganisation] = {}
        for court in self.build_courts():
            self.build_court(court)
        return self.batch


def _reset_sequences(models) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def seed(*, scale: str, seed: int = 1, today: datetime.date | None = None, log=print) -> dict:
    """Write the demo data; refuses to run on a database that already has courts."""
    if Court.objects.exists():
        raise RuntimeError(
            "The database already has courts; seed_demo only fills an empty database."
        )
    today = today or datetime.date.today()
    started = time.perf_counter()
    seeder = Seeder(scale=scale, seed=seed, today=today)
    batch = seeder.build()
    built = time.perf_counter()
    size = 5000
    with transaction.atomic():
        Court.objects.bulk_create(batch.courts, batch_size=size)
        Department.objects.bulk_create(batch.departments, batch_size=size)
        PartyOrganisation.objects.bulk_create(batch.organisations, batch_size=size)
        through = PartyOrganisation.departments.through
        through.objects.bulk_create(
            [
                through(partyorganisation_id=o.id, department_id=d.id)
                for o, d in batch.org_departments
            ],
            batch_size=size,
        )
        Person.objects.bulk_create(batch.people, batch_size=size)
        Membership.objects.bulk_create(batch.memberships, batch_size=size)
        CommitteePost.objects.bulk_create(batch.posts, batch_size=size)
        CommitteeTerm.objects.bulk_create(batch.terms, batch_size=size)
        _reset_sequences(
            [Court, Department, PartyOrganisation, Person, Membership, CommitteePost, CommitteeTerm]
        )
        rules_ensure()
        users = demo_users(seeder)
    written = time.perf_counter()
    # Fresh planner statistics: without them the first queries on bulk-loaded tables
    # (PostgreSQL before autovacuum gets to them, SQLite always) can pick poor plans.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    analysed = time.perf_counter()
    counts = {
        "courts": len(batch.courts),
        "departments": len(batch.departments),
        "organisations": len(batch.organisations),
        "people": len(batch.people),
        "memberships": len(batch.memberships),
        "posts": len(batch.posts),
        "terms": len(batch.terms),
    }
    log(", ".join(f"{v} {k}" for k, v in counts.items()))
    log(
        f"Built in {built - started:.1f} s, written in {written - built:.1f} s, "
        f"statistics in {analysed - written:.1f} s."
    )
    counts["users"] = users
    return counts


def demo_users(seeder: Seeder) -> list[tuple[str, str, str]]:
    """One account per role, on places that make the demo meaningful."""
    User = get_user_model()
    high = Court.objects.filter(level=Court.Level.HIGH).order_by("path").first()
    root = Court.objects.filter(parent__isnull=True).first()
    inter = Court.objects.filter(level=Court.Level.INTERMEDIATE).order_by("path").first()
    branch = seeder.branch_for_demo
    if branch is None:
        return []
    members = list(
        Person.objects.filter(
            memberships__organisation=branch,
            memberships__ends_on__isnull=True,
            political_status="full",
        ).order_by("id")
    )
    secretary = CommitteePost.objects.filter(
        organisation=branch, post="secretary", ends_on__isnull=True
    ).first()
    committee = (
        CommitteePost.objects.filter(organisation=branch, ends_on__isnull=True)
        .exclude(post="secretary")
        .first()
    )
    plain = [
        p
        for p in members
        if p.pk not in {secretary.person_id, committee.person_id if committee else None}
    ]
    people = {
        "secretary": secretary.person,
        "committee": committee.person if committee else None,
        "member": plain[0] if plain else None,
    }
    places = {
        Role.SYSTEM_ADMIN: {"court": root},
        Role.PARTY_AFFAIRS: {"court": high},
        Role.BRANCH_SECRETARY: {"organisation": branch},
        Role.BRANCH_COMMITTEE: {"organisation": branch},
        Role.MEMBER: {"organisation": branch},
        Role.COURT_LEADER: {"court": inter},
        Role.DISCIPLINE: {"court": high},
        Role.TRIAL_MANAGEMENT: {"court": high},
    }
    # The demo branch shows a health warning: its committee term ends within three months.
    CommitteeTerm.objects.filter(organisation=branch).update(
        starts_on=seeder.today - datetime.timedelta(days=3 * 365 - 90),
        ends_on=seeder.today + datetime.timedelta(days=90),
    )
    password = make_password(settings.DEMO_PASSWORD)
    out = []
    for username, role in DEMO_USERS:
        user = User.objects.create(username=username, password=password, is_staff=False)
        Profile.objects.create(user=user)
        RoleGrant.objects.create(user=user, role=role, **places[role])
        person = people.get(username)
        if person is not None:
            Person.objects.filter(pk=person.pk).update(user=user)
        where = places[role].get("court") or places[role].get("organisation")
        label = (
            where.name_zh
            if isinstance(where, Court)
            else f"{where.name_zh} ({where.court.name_zh})"
        )
        out.append((username, str(Role(role).label), label))
    return out
