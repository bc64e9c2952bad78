"""Insert a built demo in bulk and create one account per role."""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction

from tongxin.accounts.models import Profile, RoleGrant
from tongxin.core.extensions import demo_seeders
from tongxin.core.permissions import Role
from tongxin.orgs.facts import facts_recount
from tongxin.orgs.models import CommitteePost, CommitteeTerm, Court, Department, PartyOrganisation
from tongxin.people.demo.data import DEMO_USERS
from tongxin.people.demo.seeder import Seeder
from tongxin.people.demo.states import add_states
from tongxin.people.models import Membership, Person


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
        users = demo_users(seeder)
        facts_recount()  # the maintained health facts of everything just written, in bulk
        states = add_states(today=today, log=log)
        for app_seed in demo_seeders():  # each later app's demo data (core.extensions)
            app_seed(scale=scale, seed=seed, today=today, log=log)
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
    counts["states"] = states
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
