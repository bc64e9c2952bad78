"""The maintained organisation facts (tongxin.orgs.facts): after every service that changes
their inputs they equal a full recount; the recount command; the health page's cost does not
grow with the data."""

import contextlib
import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.factories import (
    CourtFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    grant,
)
from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm, Role
from tongxin.core.scoping import scope_for
from tongxin.orgs import facts
from tongxin.orgs.facts import facts_deferred, facts_recount, facts_refresh, term_ends_on
from tongxin.orgs.models import (
    CommitteePost,
    Court,
    OrganisationFacts,
    PartyOrganisation,
    UnassignedMember,
)
from tongxin.orgs.selectors import terms_current
from tongxin.orgs.services import (
    court_save,
    election_record,
    organisation_deactivate,
    organisation_save,
    post_assign,
    post_end,
    term_record,
)
from tongxin.people.models import Membership, Person
from tongxin.people.services import (
    membership_end,
    membership_move,
    person_deactivate,
    person_save,
)

Kind = PartyOrganisation.Kind
Status = Person.PoliticalStatus


def assert_recounted():
    diff = facts_recount(write=False)
    assert not diff, "\n".join(diff.lines())


def _years(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=round(365.25 * n))


# Random sequences of the services --------------------------------------------------------


class FactsMachine(RuleBasedStateMachine):
    """A small country; each step calls one service with random arguments (refused calls
    change nothing); after each step the facts equal a full recount, and the current term
    read from the facts equals the selectors' on a past, the present and a future day."""

    def __init__(self):
        super().__init__()
        # Each example in a savepoint of its own, rolled back at teardown.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.today = timezone.localdate()
        self.day = datetime.date(2021, 1, 4)  # the date of moves and posts: it only advances
        spc = CourtFactory(level=Court.Level.SPC, code="最高法", province="")
        high = CourtFactory(level=Court.Level.HIGH, parent=spc, code="苏", province="苏")
        self.inters = [
            CourtFactory(level=Court.Level.INTERMEDIATE, parent=high, code=c, province="苏")
            for c in ("苏01", "苏02")
        ]
        basics = [
            CourtFactory(
                level=Court.Level.BASIC, parent=inter, code=f"{inter.code}01", province="苏"
            )
            for inter in self.inters
        ]
        self.basics = [b.pk for b in basics]
        self.courts = [high.pk, *self.basics]
        self.admin = UserFactory()
        grant(self.admin, Role.SYSTEM_ADMIN, court=spc)
        orgs = []
        for court in basics:
            committee = OrganisationFactory(court=court, kind=Kind.ORGAN_COMMITTEE)
            general = OrganisationFactory(court=court, kind=Kind.GENERAL_BRANCH, parent=committee)
            orgs += [
                committee,
                general,
                OrganisationFactory(court=court, parent=committee),
                OrganisationFactory(court=court, parent=committee),
                OrganisationFactory(court=court, parent=general),
                OrganisationFactory(court=court, kind=Kind.PARTY_GROUP),
            ]
        self.orgs = [o.pk for o in orgs]
        statuses = [Status.FULL] * 6 + [Status.PROBATIONARY, Status.APPLICANT, Status.NONE]
        self.people = []
        for n in range(12):
            status = statuses[n % len(statuses)]
            person = PersonFactory(
                court=basics[n % 2],
                political_status=status,
                full_member_on=datetime.date(2009, 7, 1) if status == Status.FULL else None,
            )
            self.people.append(person.pk)
            if status in (Status.FULL, Status.PROBATIONARY):  # most members start placed
                branch = orgs[2 + 6 * (n % 2)]  # a branch of their court
                MembershipFactory(person=person, organisation=branch, starts_on=self.day)

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _call(self, service, **kwargs):
        with contextlib.suppress(ApplicationError):  # refused: nothing changed
            service(actor=self.admin, **kwargs)

    def _advance(self, days: int) -> datetime.date:
        self.day += datetime.timedelta(days=days)
        return self.day

    def person(self, i: int) -> Person:
        return Person.objects.get(pk=self.people[i % len(self.people)])

    def org(self, i: int) -> PartyOrganisation:
        return PartyOrganisation.objects.get(pk=self.orgs[i % len(self.orgs)])

    # Memberships and people ----------------------------------------------------------

    @rule(p=st.integers(0, 99), o=st.integers(0, 99), days=st.integers(1, 90))
    def move(self, p, o, days):
        on = self._advance(days)
        self._call(membership_move, person=self.person(p), organisation=self.org(o), on=on)

    @rule(p=st.integers(0, 99), days=st.integers(1, 90))
    def leave(self, p, days):
        row = Membership.objects.filter(person_id=self.person(p).pk, ends_on__isnull=True).first()
        if row is not None:
            self._call(membership_end, membership=row, ends_on=self._advance(days))

    @rule(p=st.integers(0, 99), status=st.sampled_from(Status.values))
    def status(self, p, status):
        full_on = datetime.date(2009, 7, 1) if status == Status.FULL else None
        self._call(
            person_save,
            person=self.person(p),
            changes={"political_status": status, "full_member_on": full_on},
        )

    @rule(p=st.integers(0, 99), days=st.integers(1, 90))
    def deactivate(self, p, days):
        self._call(person_deactivate, person=self.person(p), on=self._advance(days))

    @rule(p=st.integers(0, 99))
    def reactivate(self, p):
        self._call(person_save, person=self.person(p), changes={"is_active": True})

    @rule(p=st.integers(0, 99), c=st.integers(0, 9))
    def change_court(self, p, c):
        court = Court.objects.get(pk=self.courts[c % len(self.courts)])
        self._call(person_save, person=self.person(p), changes={"court": court, "department": None})

    @rule(p=st.integers(0, 99), n=st.integers(0, 9999))
    def renumber(self, p, n):
        self._call(person_save, person=self.person(p), changes={"staff_number": f"R{n:04d}"})

    @rule(c=st.integers(0, 9), status=st.sampled_from([Status.FULL, Status.PROBATIONARY]))
    def hire(self, c, status):
        court = Court.objects.get(pk=self.basics[c % 2])
        person = Person()
        person_save(
            actor=self.admin,
            person=person,
            changes={
                "court": court,
                "name": f"新{len(self.people)}",
                "gender": "f",
                "staff_number": f"N{len(self.people):04d}",
                "category": "clerk",
                "political_status": status,
                "joined_party_on": datetime.date(2015, 7, 1),
                "full_member_on": datetime.date(2016, 7, 1) if status == Status.FULL else None,
            },
        )
        self.people.append(person.pk)

    # Committee posts and terms ------------------------------------------------------

    @rule(
        o=st.integers(0, 99),
        p=st.integers(0, 99),
        post=st.sampled_from(CommitteePost.Post.values),
        days=st.integers(1, 90),
    )
    def assign(self, o, p, post, days):
        self._call(
            post_assign,
            organisation=self.org(o),
            person=self.person(p),
            post=post,
            starts_on=self._advance(days),
        )

    @rule(o=st.integers(0, 99), k=st.integers(0, 9), days=st.integers(1, 90))
    def end_post(self, o, k, days):
        posts = list(CommitteePost.objects.filter(organisation=self.org(o), ends_on__isnull=True))
        if posts:
            self._call(post_end, post=posts[k % len(posts)], ends_on=self._advance(days))

    @rule(o=st.integers(0, 99), start=st.integers(-8, 5), years=st.integers(1, 4))
    def term(self, o, start, years):
        starts = self.today + _years(start)
        self._call(
            term_record,
            organisation=self.org(o),
            starts_on=starts,
            ends_on=starts + _years(years) - datetime.timedelta(days=1),
        )

    @rule(k=st.integers(0, 99), days=st.integers(1, 400))
    def elect(self, k, days):
        """An election in an organisation that has full members, one of them secretary."""
        on = self._advance(days)
        members = list(
            Membership.objects.filter(ends_on__isnull=True, person__political_status=Status.FULL)
            .select_related("organisation", "person")
            .order_by("pk")
        )
        if members:
            member = members[k % len(members)]
            self._call(
                election_record,
                organisation=member.organisation,
                elected_on=on,
                posts=[(member.person, CommitteePost.Post.SECRETARY)],
            )

    # Organisations and courts --------------------------------------------------------

    @rule(o=st.integers(0, 99), parent=st.none() | st.integers(0, 99))
    def reparent(self, o, parent):
        parent = None if parent is None else self.org(parent)
        self._call(organisation_save, organisation=self.org(o), changes={"parent": parent})

    @rule(o=st.integers(0, 99), kind=st.sampled_from(Kind.values))
    def change_kind(self, o, kind):
        self._call(organisation_save, organisation=self.org(o), changes={"kind": kind})

    @rule(o=st.integers(0, 99))
    def close(self, o):
        self._call(organisation_deactivate, organisation=self.org(o))

    @rule(o=st.integers(0, 99))
    def reopen(self, o):
        self._call(organisation_save, organisation=self.org(o), changes={"is_active": True})

    @rule(b=st.integers(0, 9), i=st.integers(0, 9))
    def move_court(self, b, i):
        court = Court.objects.get(pk=self.basics[b % 2])
        parent = self.inters[i % 2]
        self._call(court_save, court=court, changes={"parent": Court.objects.get(pk=parent.pk)})

    # After every step ----------------------------------------------------------------

    @invariant()
    def facts_equal_a_full_recount(self):
        assert_recounted()

    @invariant()
    def the_current_term_is_the_selectors(self):
        for day in (self.today - _years(3), self.today, self.today + _years(3)):
            from_facts = dict(
                OrganisationFacts.objects.annotate(ends=term_ends_on(day)).values_list("pk", "ends")
            )
            current = terms_current(self.orgs, day)
            expected = {pk: current[pk].ends_on if pk in current else None for pk in self.orgs}
            assert from_facts == expected, day


def test_facts_equal_a_recount_after_every_service(db):
    run_state_machine_as_test(
        FactsMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


# Named cases -----------------------------------------------------------------------------


@pytest.fixture
def admin(world):
    user = UserFactory()
    grant(user, Role.SYSTEM_ADMIN, court=world.spc)
    return user


def test_the_world_fixture_agrees_with_a_recount(world):
    assert_recounted()
    row = OrganisationFacts.objects.get(pk=world.branch.pk)
    assert (row.full, row.probationary, row.committee, row.secretary) == (9, 1, 4, True)
    assert (row.court_path, row.path, row.checked) == (world.basic.path, world.branch.path, True)
    assert not OrganisationFacts.objects.get(pk=world.cell.pk).checked


def test_a_court_move_rewrites_the_copied_court_paths(world, admin):
    lonely = PersonFactory(court=world.basic)  # a full member outside every organisation
    other = CourtFactory(
        level=Court.Level.INTERMEDIATE, parent=world.high, code="苏02", province="苏"
    )
    court_save(actor=admin, court=world.basic, changes={"parent": other})
    world.basic.refresh_from_db()
    assert world.basic.path.startswith(other.path)
    assert OrganisationFacts.objects.get(pk=world.branch.pk).court_path == world.basic.path
    assert UnassignedMember.objects.get(pk=lonely.pk).court_path == world.basic.path
    assert_recounted()


def test_an_organisation_move_rewrites_its_subtree_paths(world, admin):
    committee = OrganisationFactory(court=world.basic, kind=Kind.ORGAN_COMMITTEE)
    organisation_save(actor=admin, organisation=world.branch, changes={"parent": committee})
    world.cell.refresh_from_db()
    assert world.cell.path.startswith(committee.path)
    assert OrganisationFacts.objects.get(pk=world.cell.pk).path == world.cell.path
    assert_recounted()


def test_two_future_terms_and_past_days_read_the_terms(world, admin):
    today = timezone.localdate()
    org = world.branch
    org.terms.all().delete()
    facts_refresh([org])
    past = term_record(
        actor=admin, organisation=org, starts_on=today - _years(2), ends_on=today - _years(1)
    )
    term_record(
        actor=admin, organisation=org, starts_on=today + _years(1), ends_on=today + _years(2)
    )
    later = term_record(
        actor=admin, organisation=org, starts_on=today + _years(3), ends_on=today + _years(4)
    )
    row = OrganisationFacts.objects.get(pk=org.pk)
    assert (row.last_starts, row.prev_starts) == (later.starts_on, today + _years(1))

    def ends(day):  # both stored terms begin after today: the terms are looked up
        return OrganisationFacts.objects.annotate(e=term_ends_on(day)).get(pk=org.pk).e

    assert ends(today) == past.ends_on
    assert ends(today - _years(5)) is None
    assert ends(today + _years(5)) == later.ends_on
    assert_recounted()


def test_leaving_the_party_updates_the_branch_and_the_unassigned(world, admin):
    member = world.members[4]
    person_save(
        actor=admin,
        person=member,
        changes={"political_status": "probationary", "full_member_on": None},
    )
    row = OrganisationFacts.objects.get(pk=world.branch.pk)
    assert (row.full, row.probationary) == (8, 2)
    membership_end(
        actor=admin,
        membership=member.memberships.get(ends_on__isnull=True),
        ends_on=timezone.localdate(),
    )
    assert UnassignedMember.objects.filter(pk=member.pk).exists()
    person_deactivate(actor=admin, person=member)
    assert not UnassignedMember.objects.filter(pk=member.pk).exists()
    assert_recounted()


def test_deferred_refreshes_run_once_at_the_end(world, admin):
    with facts_deferred():
        for person in world.members[:3]:
            membership_move(
                actor=admin,
                person=person,
                organisation=world.other_branch,
                on=timezone.localdate(),
            )
        assert facts_recount(write=False)  # not yet
        with facts_deferred():  # nested: still at the outer end
            membership_move(
                actor=admin,
                person=world.members[3],
                organisation=world.other_branch,
                on=timezone.localdate(),
            )
        assert facts_recount(write=False)
    assert OrganisationFacts.objects.get(pk=world.other_branch.pk).full == 5
    assert_recounted()


def test_a_failed_deferred_block_refreshes_nothing(world, admin):
    with pytest.raises(RuntimeError), transaction.atomic(), facts_deferred():
        facts_refresh([world.branch])
        raise RuntimeError
    assert not facts._pending.orgs and not facts._pending.depth


def test_an_import_commit_keeps_the_facts(world, client_for):
    from tests.transfer.test_transfer import PEOPLE, commit, person_row, preview

    client = client_for("party")
    rows = [
        PEOPLE,
        person_row(),  # a new full member of the branch
        person_row(number="N002", name="王五", org=""),  # a new one outside every organisation
        ["苏0102", world.probationary.staff_number, world.probationary.name, "", "", "群众"],
    ]
    batch = preview(client, "people", rows)
    assert batch.reject_list() == []
    response = commit(client, batch)
    assert "Import committed." in response.content.decode()
    row = OrganisationFacts.objects.get(pk=world.branch.pk)
    assert (row.full, row.probationary) == (10, 0)  # one in, one left the Party
    assert UnassignedMember.objects.filter(person__staff_number="N002").exists()
    assert_recounted()


def test_refresh_accepts_ids_objects_and_querysets(world):
    OrganisationFacts.objects.all().delete()
    facts_refresh([world.branch.pk, world.cell])
    facts_refresh(PartyOrganisation.objects.filter(pk=world.committee_org.pk))
    facts_refresh(PartyOrganisation.objects.filter(pk=world.other_branch.pk).values("pk"))
    assert OrganisationFacts.objects.count() == 4
    assert_recounted()


def test_the_elected_kinds_are_the_models():
    assert set(facts.ELECTED_KINDS) == set(PartyOrganisation.ELECTED_KINDS)
    assert (facts.FULL, facts.PROBATIONARY) == (Status.FULL, Status.PROBATIONARY)
    assert facts.SECRETARY == CommitteePost.Post.SECRETARY


def test_unassigned_members_are_reached_as_their_people_are(world):
    """Court grants reach them through the copied court path; the other ways to reach a
    person (an organisation's members, one's own record) never reach one of them."""
    for court in (world.basic, world.other_basic):
        PersonFactory(court=court)
        PersonFactory(court=court, political_status="probationary", full_member_on=None)
    for user in world.users.values():
        scope = scope_for(user)
        people = scope.visible(Person, Perm.HEALTH_VIEW).filter(
            is_active=True, political_status__in=["full", "probationary"]
        )
        unplaced = people.exclude(
            Exists(Membership.objects.filter(person=OuterRef("pk"), ends_on__isnull=True))
        )
        assert set(
            scope.visible(UnassignedMember, Perm.HEALTH_VIEW).values_list("pk", flat=True)
        ) == set(unplaced.values_list("pk", flat=True)), user.username


# The recount command and the data migration ----------------------------------------------


def test_recount_check_passes_when_the_facts_agree(world, capsys):
    call_command("recount_facts", "--check")
    assert "agree" in capsys.readouterr().out


def test_recount_check_fails_and_writes_nothing_then_recount_repairs(world, capsys):
    OrganisationFacts.objects.filter(pk=world.branch.pk).update(full=99)
    OrganisationFacts.objects.filter(pk=world.cell.pk).delete()
    UnassignedMember.objects.create(person=world.members[0], court_path=world.basic.path)
    with pytest.raises(CommandError) as raised:
        call_command("recount_facts", "--check")
    assert raised.value.returncode == 1
    out = capsys.readouterr().out
    assert f"organisation {world.branch.pk}: full 99 (recount 9)" in out
    assert f"1 organisations without facts: {world.cell.pk}" in out
    assert f"people recorded as unassigned who are not: {world.members[0].pk}" in out
    assert OrganisationFacts.objects.get(pk=world.branch.pk).full == 99  # nothing written

    call_command("recount_facts")
    assert "Repaired" in capsys.readouterr().out
    call_command("recount_facts", "--check")
    assert_recounted()


@pytest.mark.django_db(transaction=True)
def test_the_recount_outside_any_transaction(capsys):
    """As cron runs it: its own transaction (on PostgreSQL one snapshot for --check, the
    tables locked for a repair)."""
    MembershipFactory()
    PersonFactory()
    call_command("recount_facts", "--check")
    OrganisationFacts.objects.update(full=7)
    call_command("recount_facts")
    call_command("recount_facts", "--check")
    assert capsys.readouterr().out.count("agree") == 2


def test_the_data_migration_fills_the_facts(world):
    from django.apps import apps
    from django.db import connection

    fill = importlib.import_module("tongxin.orgs.migrations.0008_organisation_facts_fill").fill
    OrganisationFacts.objects.all().delete()
    UnassignedMember.objects.all().delete()
    PersonFactory(court=world.basic)  # unassigned
    UnassignedMember.objects.all().delete()
    fill(apps, SimpleNamespace(connection=connection))
    assert OrganisationFacts.objects.count() == PartyOrganisation.objects.count()
    assert UnassignedMember.objects.count() == 1
    assert_recounted()


def test_the_demo_seeder_fills_the_facts(db):
    call_command("seed_demo", scale="small", seed=3, stdout=SimpleNamespace(write=lambda *a: None))
    assert OrganisationFacts.objects.count() == PartyOrganisation.objects.count()
    assert UnassignedMember.objects.exists()
    assert_recounted()


# The health page's cost does not grow with the data -----------------------------------


def _branches(court, n):
    for _ in range(n):
        org = OrganisationFactory(court=court)
        for person in [PersonFactory(court=court) for _ in range(2)]:
            MembershipFactory(person=person, organisation=org)
        PersonFactory(court=court)  # unassigned


@pytest.mark.parametrize(
    "path",
    [
        "/courts/health/",
        "/courts/health/?page=2",
        "/courts/health/?rule=member_unassigned",
        "/health-counts/",
    ],
)
def test_health_queries_do_not_grow_with_the_data(world, client_for, path):
    """At most: the request's own, one count per rule and one page query per rule the page
    shows (a page spanning several rules asks each for its part), whatever the data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("party")
    client.get(path)
    _branches(world.basic, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    _branches(world.basic, 120)  # more findings than two pages
    with CaptureQueriesContext(connection) as large:
        response = client.get(path)
    assert len(large.captured_queries) <= len(small.captured_queries) <= 7 + 2 * 9 + 1
    if path.startswith("/courts/health/"):
        assert len(response.context["page"].object_list) == 50
        assert response.context["page"].paginator.count > 100
