"""Build the demo rows in memory, with ids and materialised paths assigned."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from tongxin.core.tree import segment
from tongxin.lib.dates import add_months
from tongxin.orgs.models import CommitteePost, CommitteeTerm, Court, Department, PartyOrganisation
from tongxin.orgs.reference import CourtRow, courts, english_name
from tongxin.people.demo.data import (
    CELL_MIN_MEMBERS,
    DEPARTMENTS,
    DEPARTMENTS_BY_LEVEL,
    GIVEN,
    GIVEN_FEMALE,
    GIVEN_MALE,
    JUDICIAL,
    PROVINCE,
    SMALL_PROVINCE,
    STAFF,
    SURNAMES,
    TERM_ENDING_SHARE,
    TERM_OVERDUE_SHARE,
    TRIBUNALS_PER_BASIC,
    J,
)
from tongxin.people.models import Membership, Person


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

    def name(self, gender: str = "") -> str:
        """A plausible name: given-name characters usual for the person's gender."""
        pool = {"m": GIVEN_MALE, "f": GIVEN_FEMALE}.get(gender, GIVEN)
        given = self.rng.choice(pool) + (self.rng.choice(pool) if self.rng.random() < 0.7 else "")
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
                full = add_months(joined, 12)
            else:
                # Most within their year; some due to convert within a month, some overdue.
                joined = self.today - datetime.timedelta(
                    days=rng.choice(
                        (rng.randint(30, 330), rng.randint(336, 364), rng.randint(370, 430))
                    )
                )
        self.staff_numbers += 1
        cadre = ""
        if rng.random() < 0.06:
            cadre = {"spc": "department", "circuit": "division", "high": "division"}.get(
                level, "section"
            )
        salary = rng.randrange(2800, 16000, 50)
        gender = rng.choice("mf")
        return Person(
            id=self.next_id("person"),
            court=court,
            department=department,
            name=self.name(gender),
            gender=gender,
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
            f"Leading Party Members' Group of {court.name_en}",
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
        # Branches of eight or more members meet in two Party cells (党小组), so that the
        # rosters' cell column and the cell pages have something to show at every scale.
        if len(members) >= CELL_MIN_MEMBERS:
            for n in range(1, 3):
                cells.append(
                    self.org(
                        branch.court,
                        branch,
                        PartyOrganisation.Kind.CELL,
                        f"{branch.name_zh}第{n}党小组"[:100],
                        f"Party Cell {n} of {branch.name_en}"[:200],
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
