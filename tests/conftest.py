"""Shared fixtures: a small world of two provinces and one user per role.

Province A: high court → intermediate → basic court with a branch of nine full members
(secretary, committee, term), a party group and a probationary member. Province B is
somewhere else entirely: its party-affairs user is the outsider of every access test.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings

from tests.factories import (
    PASSWORD,
    CourtFactory,
    DepartmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PostFactory,
    TermFactory,
    UserFactory,
    grant,
)
from tongxin.core.permissions import Role
from tongxin.orgs.models import Court, PartyOrganisation

# No wall-clock limit on property tests (Hypothesis's default deadline is 200 ms per example):
# speed is measured in bench/, and a loaded CI machine must not fail a correct property.
settings.register_profile("tongxin", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tongxin")

ROLE_USERS = {
    "admin": Role.SYSTEM_ADMIN,
    "party": Role.PARTY_AFFAIRS,
    "secretary": Role.BRANCH_SECRETARY,
    "committee": Role.BRANCH_COMMITTEE,
    "member": Role.MEMBER,
    "leader": Role.COURT_LEADER,
    "discipline": Role.DISCIPLINE,
    "trial": Role.TRIAL_MANAGEMENT,
}

# Every role of the access walks, and the outsider (party-affairs staff of another province).
ROLES = [*ROLE_USERS, "outsider"]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    # Fast hashing: the suite signs in dozens of users; real hashing is tested in test_accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test its own empty in-memory cache (import progress, sign-in locks of unknown names).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _waiting_uncached(monkeypatch):
    """The header's "my work" count is cached a minute per user; tests count the queries of
    a page as it costs when that count is computed (every request here), so a page's first
    and later requests cost the same whatever the apps' waiting sources do."""
    monkeypatch.setattr("tongxin.inbox.selectors.WAITING_CACHE_SECONDS", 0)


@pytest.fixture(autouse=True)
def _export_files(settings, tmp_path_factory):
    """Each test its own directory of prepared export files."""
    settings.EXPORT_ROOT = tmp_path_factory.mktemp("exports")
    settings.CASE_STORE_ROOT = tmp_path_factory.mktemp("case_store")


@pytest.fixture
def world(db):
    spc = CourtFactory(
        code="最高法",
        name_zh="最高人民法院",
        name_en="Supreme People's Court",
        level=Court.Level.SPC,
        province="",
    )
    high = CourtFactory(
        code="苏",
        name_zh="江苏省高级人民法院",
        name_en="Jiangsu High People's Court",
        level=Court.Level.HIGH,
        parent=spc,
        province="苏",
    )
    inter = CourtFactory(
        code="苏01",
        name_zh="江苏省南京市中级人民法院",
        name_en="Nanjing Intermediate People's Court",
        level=Court.Level.INTERMEDIATE,
        parent=high,
        province="苏",
    )
    basic = CourtFactory(
        code="苏0102",
        name_zh="南京市玄武区人民法院",
        name_en="Xuanwu District People's Court",
        level=Court.Level.BASIC,
        parent=inter,
        province="苏",
    )
    other_high = CourtFactory(
        code="浙",
        name_zh="浙江省高级人民法院",
        name_en="Zhejiang High People's Court",
        level=Court.Level.HIGH,
        parent=spc,
        province="浙",
    )
    other_basic = CourtFactory(
        code="浙0102",
        name_zh="杭州市上城区人民法院",
        name_en="Shangcheng District People's Court",
        level=Court.Level.BASIC,
        parent=other_high,
        province="浙",
    )
    dept = DepartmentFactory(court=basic, name_zh="民事审判第一庭", name_en="No. 1 Civil Division")
    committee_org = OrganisationFactory(
        court=basic,
        kind=PartyOrganisation.Kind.ORGAN_COMMITTEE,
        name_zh="玄武法院机关党委",
        name_en="Organ Committee",
    )
    branch = OrganisationFactory(
        court=basic, parent=committee_org, name_zh="民一庭党支部", name_en="Civil Branch"
    )
    branch.departments.add(dept)
    cell = OrganisationFactory(
        court=basic,
        parent=branch,
        kind=PartyOrganisation.Kind.CELL,
        name_zh="民一庭第一党小组",
        name_en="Civil Group 1",
    )
    members = [PersonFactory(court=basic, department=dept) for _ in range(9)]
    for person in members:
        MembershipFactory(person=person, organisation=branch, cell=cell)
    probationary = PersonFactory(  # admitted half a year ago: within the probation year
        court=basic,
        department=dept,
        political_status="probationary",
        joined_party_on=timezone.localdate() - datetime.timedelta(days=180),
        full_member_on=None,
    )
    MembershipFactory(person=probationary, organisation=branch)
    for person, post in zip(
        members, ["secretary", "organisation", "propaganda", "discipline"], strict=False
    ):
        PostFactory(organisation=branch, person=person, post=post)
    TermFactory(
        organisation=branch, starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2027, 1, 1)
    )
    other_branch = OrganisationFactory(
        court=other_basic, name_zh="上城法院党支部", name_en="Shangcheng Branch"
    )
    other_person = PersonFactory(court=other_basic)
    MembershipFactory(person=other_person, organisation=other_branch)

    users = {}
    for name, role in ROLE_USERS.items():
        user = UserFactory(username=name)
        if role in (Role.BRANCH_SECRETARY, Role.BRANCH_COMMITTEE, Role.MEMBER):
            grant(user, role, organisation=branch)
        else:
            grant(user, role, court=high)
        users[name] = user
    members[0].user = users["secretary"]
    members[0].save()
    members[1].user = users["committee"]
    members[1].save()
    members[5].user = users["member"]
    members[5].save()
    users["outsider"] = UserFactory(username="outsider")
    grant(users["outsider"], Role.PARTY_AFFAIRS, court=other_high)
    return SimpleNamespace(
        spc=spc,
        high=high,
        inter=inter,
        basic=basic,
        other_high=other_high,
        other_basic=other_basic,
        dept=dept,
        committee_org=committee_org,
        branch=branch,
        cell=cell,
        members=members,
        probationary=probationary,
        other_branch=other_branch,
        other_person=other_person,
        users=users,
        password=PASSWORD,
    )


@pytest.fixture
def client_for(world):
    """client_for("secretary") → a Client signed in as that world user."""

    def make(name: str) -> Client:
        client = Client()
        client.force_login(world.users[name])
        return client

    return make
