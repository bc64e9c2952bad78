"""Every organisation-health rule, at and around its thresholds."""

import datetime
import importlib
from types import SimpleNamespace

import pytest

from tests.factories import (
    CourtFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PostFactory,
    TermFactory,
    UserFactory,
    grant,
)
from tongxin.core.permissions import Role
from tongxin.orgs import health
from tongxin.orgs.facts import facts_refresh
from tongxin.orgs.models import Court, HealthRule, PartyOrganisation

TODAY = datetime.date(2026, 6, 15)
POSTS = [
    "secretary",
    "deputy_secretary",
    "organisation",
    "propaganda",
    "discipline",
    "member",
    "member",
    "member",
]


@pytest.fixture
def court(db):
    return CourtFactory(level=Court.Level.SPC, code="最高法")


@pytest.fixture
def admin(court):
    user = UserFactory()
    grant(user, Role.SYSTEM_ADMIN, court=court)
    return user


def branch_with(
    court, *, full: int, posts: int = 1, probationary: int = 0, term=True, kind="branch"
):
    org = OrganisationFactory(court=court, kind=kind)
    people = [PersonFactory(court=court) for _ in range(full)]
    people += [
        PersonFactory(court=court, political_status="probationary", full_member_on=None)
        for _ in range(probationary)
    ]
    for person in people:
        MembershipFactory(person=person, organisation=org)
    for person, post in zip(people, POSTS[:posts], strict=False):
        PostFactory(organisation=org, person=person, post=post)
    extra = posts - len(people)
    for i in range(max(0, extra)):
        PostFactory(
            organisation=org, person=PersonFactory(court=court), post=POSTS[len(people) + i]
        )
    if term:
        TermFactory(
            organisation=org, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2028, 1, 1)
        )
    return org


def rules_for(user, org):
    items = health.findings(user=user, today=TODAY)
    return sorted(f.rule for f in items if f.url.endswith(f"/organisations/{org.pk}/"))


@pytest.mark.parametrize(
    ("full", "broken"), [(0, True), (2, True), (3, False), (50, False), (51, True)]
)
def test_branch_size_limits(court, admin, full, broken):
    org = branch_with(court, full=full, posts=1 if full < 7 else 4)
    found = rules_for(admin, org)
    assert ("branch_too_small" in found or "branch_too_large" in found) == broken


def test_probationary_members_do_not_count_towards_the_minimum(court, admin):
    org = branch_with(court, full=2, probationary=3)
    assert "branch_too_small" in rules_for(admin, org)


@pytest.mark.parametrize(
    ("full", "posts", "broken"), [(6, 1, False), (7, 1, True), (7, 0, True), (7, 3, False)]
)
def test_committee_required_from_seven_full_members(court, admin, full, posts, broken):
    org = branch_with(court, full=full, posts=posts)
    assert ("committee_missing" in rules_for(admin, org)) == broken


@pytest.mark.parametrize(
    ("posts", "broken"), [(2, True), (3, False), (5, False), (7, False), (8, True)]
)
def test_committee_size_between_three_and_seven(court, admin, posts, broken):
    org = branch_with(court, full=9, posts=posts)
    assert ("committee_size" in rules_for(admin, org)) == broken


def test_missing_secretary_is_reported(court, admin):
    org = branch_with(court, full=4, posts=0, term=False)
    assert "secretary_missing" in rules_for(admin, org)


def test_general_branch_and_committee_need_a_secretary_too(court, admin):
    committee = OrganisationFactory(court=court, kind=PartyOrganisation.Kind.ORGAN_COMMITTEE)
    assert "secretary_missing" in rules_for(admin, committee)


def test_cells_and_party_groups_are_not_checked(court, admin):
    cell = OrganisationFactory(court=court, kind=PartyOrganisation.Kind.PARTY_GROUP)
    assert rules_for(admin, cell) == []


@pytest.mark.parametrize(
    ("ends_on", "expected"),
    [
        (datetime.date(2026, 6, 14), "term_overdue"),
        (datetime.date(2026, 6, 15), "term_ending"),  # ends today: not yet overdue
        (datetime.date(2026, 12, 15), "term_ending"),  # exactly six months ahead
        (datetime.date(2026, 12, 16), None),
    ],
)
def test_term_deadlines(court, admin, ends_on, expected):
    org = branch_with(court, full=4, term=False)
    TermFactory(organisation=org, starts_on=ends_on.replace(year=ends_on.year - 3), ends_on=ends_on)
    found = {r for r in rules_for(admin, org) if r.startswith("term_")}
    assert found == ({expected} if expected else set())


def test_only_the_latest_term_counts(court, admin):
    org = branch_with(court, full=4, term=False)
    TermFactory(
        organisation=org, starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2023, 1, 1)
    )
    TermFactory(
        organisation=org, starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2026, 1, 1)
    )
    TermFactory(
        organisation=org, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2029, 1, 1)
    )
    assert not {r for r in rules_for(admin, org) if r.startswith("term_")}


def test_committee_without_a_term_is_reported(court, admin):
    org = branch_with(court, full=4, term=False)
    assert "term_missing" in rules_for(admin, org)


def test_member_outside_every_organisation(court, admin):
    lonely = PersonFactory(court=court, political_status="full")
    PersonFactory(court=court, political_status="applicant")
    PersonFactory(court=court, political_status="none")
    gone = PersonFactory(court=court, political_status="full", is_active=False)
    items = [f for f in health.findings(user=admin, today=TODAY) if f.rule == "member_unassigned"]
    assert [f.subject for f in items] == [lonely.name]
    assert gone.name not in {f.subject for f in items}


def test_a_former_membership_does_not_count(court, admin):
    org = branch_with(court, full=3)
    person = PersonFactory(court=court)
    MembershipFactory(
        person=person,
        organisation=org,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2021, 1, 1),
    )
    items = [f for f in health.findings(user=admin, today=TODAY) if f.rule == "member_unassigned"]
    assert [f.subject for f in items] == [person.name]


def _rule_store(code, **fields):
    """A rule's row with these fields, created if missing (a flushed table has no rows)."""
    HealthRule.objects.update_or_create(code=code, defaults=fields)


def test_thresholds_are_editable_data(court, admin):
    org = branch_with(court, full=4)
    assert "branch_too_small" not in rules_for(admin, org)
    _rule_store("branch_too_small", value=5)
    assert "branch_too_small" in rules_for(admin, org)


def test_disabled_rules_report_nothing(court, admin):
    org = branch_with(court, full=1)
    assert "branch_too_small" in rules_for(admin, org)
    _rule_store("branch_too_small", is_enabled=False)
    assert "branch_too_small" not in rules_for(admin, org)


def test_defaults_follow_domain_rules():
    rules = health.RULES
    assert (rules["branch_too_small"].value, rules["branch_too_large"].value) == (3, 50)
    assert rules["committee_missing"].value == 7
    assert (rules["committee_size"].value, rules["committee_size"].value_max) == (3, 7)
    assert rules["term_ending"].value == 6


def _migration(name="0005_health_rule_defaults"):
    return importlib.import_module(f"tongxin.orgs.migrations.{name}")


# Each data migration writes the rows of the rules of its day; together, all of them.
RULE_MIGRATIONS = ("0005_health_rule_defaults", "0011_probation_rules")


def test_the_data_migration_writes_the_rules_defaults():
    frozen = {
        code: (value, value_max)
        for name in RULE_MIGRATIONS
        for code, value, value_max in _migration(name).DEFAULTS
    }
    assert frozen == {code: (rule.value, rule.value_max) for code, rule in health.RULES.items()}


def test_the_data_migration_creates_only_missing_rows(db):
    from django.apps import apps
    from django.db import connection

    create_missing = _migration().create_missing
    editor = SimpleNamespace(connection=connection)
    create_missing(apps, editor)  # rows already there (the test database ran migrations)
    assert HealthRule.objects.count() == len(health.RULES)
    HealthRule.objects.filter(code="term_missing").delete()
    HealthRule.objects.filter(code="branch_too_small").update(value=4, is_enabled=False)
    create_missing(apps, editor)
    create_missing(apps, editor)
    assert HealthRule.objects.count() == len(health.RULES)
    edited = HealthRule.objects.get(code="branch_too_small")
    assert (edited.value, edited.is_enabled) == (4, False)


def test_an_empty_rule_table_checks_with_the_defaults(court, admin):
    HealthRule.objects.all().delete()  # as after a flush
    org = branch_with(court, full=2)
    assert "branch_too_small" in rules_for(admin, org)
    assert not HealthRule.objects.exists()
    settings = health.settings_load()
    assert settings["committee_size"].value_max == 7
    assert all(settings[code].enabled for code in health.RULES)


def test_a_blank_stored_threshold_means_the_default(court, admin):
    _rule_store("branch_too_small", value=None)
    assert "branch_too_small" in rules_for(admin, branch_with(court, full=2))


def test_findings_stay_inside_the_users_scope(court, admin):
    high_a = CourtFactory(level=Court.Level.HIGH, parent=court)
    high_b = CourtFactory(level=Court.Level.HIGH, parent=court)
    mine = branch_with(high_a, full=1)
    theirs = branch_with(high_b, full=1)
    user = UserFactory()
    grant(user, Role.PARTY_AFFAIRS, court=high_a)
    urls = {f.url for f in health.findings(user=user, today=TODAY)}
    assert any(u.endswith(f"/{mine.pk}/") for u in urls)
    assert not any(u.endswith(f"/{theirs.pk}/") for u in urls)


def test_findings_query_count_does_not_grow_with_organisations(
    court, admin, django_assert_max_num_queries
):
    for _ in range(3):
        branch_with(court, full=2)
    # + 2: the probation rules read the probationary members of the subtree.
    with django_assert_max_num_queries(14) as small:
        health.findings(user=admin, today=TODAY)
    for _ in range(25):
        branch_with(court, full=2, posts=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        health.findings(user=admin, today=TODAY)


def test_health_page_lists_reasons_with_links(world, client_for):
    world.branch.terms.update(ends_on=datetime.date.today() + datetime.timedelta(days=30))
    facts_refresh([world.branch])  # update() bypasses the services
    body = client_for("party").get("/courts/health/?court=苏0102").content.decode()
    assert "Committee term ends soon" in body
    assert f"/courts/organisations/{world.branch.pk}/" in body


def test_health_page_filters_by_rule_and_exports(world, client_for):
    client = client_for("party")
    response = client.get("/courts/health/?rule=term_ending&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_unknown_court_code_on_health_page_is_explained(world, client_for):
    body = client_for("party").get("/courts/health/?court=XX99").content.decode()
    assert "No court with code" in body


def test_home_page_shows_counts(world, client_for):
    client = client_for("secretary")
    assert "/health-counts/" in client.get("/").content.decode()  # loaded by htmx
    response = client.get("/health-counts/")
    assert 'data-testid="health-counts"' in response.content.decode()
    assert response.context["health_counts"][0][0] == "branch_too_small"
    assert client_for("member").get("/health-counts/").status_code == 403


def test_branch_page_shows_its_own_warnings_only(world, client_for):
    world.branch.terms.update(ends_on=datetime.date.today() + datetime.timedelta(days=30))
    facts_refresh([world.branch])  # update() bypasses the services
    OrganisationFactory(
        court=world.basic, parent=world.committee_org, name_zh="空支部"
    )  # breaks rules too
    response = client_for("secretary").get(f"/courts/organisations/{world.branch.pk}/")
    assert [f.rule for f in response.context["findings"]] == ["term_ending"]
    assert 'data-testid="health-warnings"' in response.content.decode()


def test_add_months_keeps_the_day_or_takes_the_months_last():
    from tongxin.lib.dates import add_months

    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2026, 1, 15), 36) == datetime.date(2029, 1, 15)


def test_committee_size_is_not_judged_below_the_committee_threshold(court, admin):
    small = branch_with(court, full=4, posts=2)  # a secretary and one more: not a committee
    assert "committee_size" not in rules_for(admin, small)


def test_a_future_term_is_not_the_current_one(court, admin):
    org = branch_with(court, full=4, term=False)
    TermFactory(
        organisation=org, starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2026, 1, 1)
    )
    TermFactory(
        organisation=org, starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2030, 1, 1)
    )
    assert "term_overdue" in rules_for(admin, org)


def test_threshold_bounds_keep_the_health_page_working(world, client_for):
    client = client_for("admin")
    response = client.post(
        "/courts/health/rules/",
        {"code": "term_ending", "term_ending-is_enabled": "on", "term_ending-value": "100000"},
    )
    assert "from 0 to 60" in response.content.decode()
    assert client.get("/courts/health/").status_code == 200


# Nothing writes during a GET -------------------------------------------------------------


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.mark.parametrize(
    "path",
    [
        "/courts/health/",
        "/courts/health/?court=苏0102&rule=term_ending",
        "/health-counts/",  # the home page's health panel
        "/",
        "/courts/health/rules/",
        "/courts/organisations/{branch}/",  # its own health warnings
    ],
)
def test_pages_write_no_rule_rows(world, client_for, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    HealthRule.objects.all().delete()  # the pages used to create missing rows
    client = client_for("admin")
    client.get("/")  # the session's own bookkeeping, if any, happens here
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path.format(branch=world.branch.pk))
    assert response.status_code == 200
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]
    assert writes == []
    assert not HealthRule.objects.exists()


def test_rule_list_shows_every_rule_and_saving_a_missing_one_creates_it(world, client_for):
    from tongxin.core.models import AuditEntry

    HealthRule.objects.filter(code="term_ending").delete()
    client = client_for("admin")
    body = client.get("/courts/health/rules/").content.decode()
    for code in health.RULES:
        assert f'id="rule-{code}"' in body
    assert 'name="term_ending-value" value="6"' in body  # the default, shown
    response = client.post(
        "/courts/health/rules/",
        {"code": "term_ending", "term_ending-is_enabled": "on", "term_ending-value": "3"},
    )
    assert response.status_code == 302
    assert HealthRule.objects.get(code="term_ending").value == 3
    assert AuditEntry.objects.filter(action="orgs.health_rule.created").exists()


def test_a_blank_threshold_is_refused(world, client_for):
    response = client_for("admin").post(
        "/courts/health/rules/",
        {"code": "branch_too_small", "branch_too_small-is_enabled": "on"},
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


# The current term: one definition -------------------------------------------------------


def test_page_api_and_health_agree_on_the_current_term(world, client_for):
    from django.test import Client

    from tongxin.accounts.services import api_token_create
    from tongxin.orgs.selectors import term_current, terms_current

    today = datetime.date.today()
    org = world.branch
    org.terms.all().delete()
    facts_refresh([org])  # delete() bypasses the services
    past = TermFactory(
        organisation=org,
        starts_on=today - datetime.timedelta(days=3 * 365),
        ends_on=today - datetime.timedelta(days=10),
    )
    TermFactory(
        organisation=org,
        starts_on=today + datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30 + 3 * 365),
    )
    assert term_current(org, today) == past
    assert term_current(org.pk, today) == past
    current = terms_current([org.pk, world.other_branch.pk], today)
    assert current == {org.pk: (past.pk, past.starts_on, past.ends_on)}

    page = client_for("party").get(f"/courts/organisations/{org.pk}/")
    assert page.context["current_term"] == past

    token = api_token_create(user=world.users["party"], name="t")[1]
    body = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(f"/api/v1/organisations/{org.pk}")
    assert body.json()["current_term"] == {
        "starts_on": past.starts_on.isoformat(),
        "ends_on": past.ends_on.isoformat(),
    }

    reasons = [f.reason for f in page.context["findings"] if f.rule == "term_overdue"]
    assert reasons == [f"The term ended on {past.ends_on.isoformat()} and no new term is recorded."]


def test_the_current_term_on_a_past_day(world):
    from tongxin.orgs.selectors import term_current

    first = world.branch.terms.get()
    assert term_current(world.branch, first.starts_on) == first
    assert term_current(world.branch, first.starts_on - datetime.timedelta(days=1)) is None
