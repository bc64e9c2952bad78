"""Every write of the care app: checked by `care.rules` first, then saved and audited in
one transaction (`core.services.model_save`), so a refused record leaves nothing behind."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tongxin.care import rules
from tongxin.care.models import ContactPoint, ContactVisit, HelpRecord, HomeVisit, Talk
from tongxin.core.services import model_save
from tongxin.lib.richtext import clean_html
from tongxin.orgs.models import CommitteePost, Court, PartyOrganisation
from tongxin.orgs.selectors import posts_on, roster_on
from tongxin.people.models import Person
from tongxin.people.services import problems_error


def _branch_people(organisation: PartyOrganisation, day: datetime.date | None):
    """The committee and the members of the branch on a day (two queries)."""
    if day is None:
        return set(), set()
    committee = {post.person_id for post in posts_on(organisation=organisation, on=day)}
    members = set(roster_on(organisation=organisation, on=day).values_list("person_id", flat=True))
    return committee, members


def _check_branch_record(
    *, organisation, day, author_id, person_id, author_field, date_field, texts, today
):
    committee, members = _branch_people(organisation, day)
    problems = rules.branch_record_problems(
        day=day,
        today=today,
        date_field=date_field,
        author_id=author_id,
        person_id=person_id,
        committee_ids=committee,
        member_ids=members,
        author_field=author_field,
        texts=texts,
    )
    if problems:
        raise problems_error(problems)


@transaction.atomic
def talk_record(
    *,
    actor,
    organisation: PartyOrganisation,
    talker: Person | None,
    person: Person | None,
    held_on: datetime.date | None,
    kind: str,
    summary: str = "",
    follow_up: str = "",
    today: datetime.date | None = None,
) -> Talk:
    """Record a heart-to-heart talk of a committee member with a member of the branch."""
    _check_branch_record(
        organisation=organisation,
        day=held_on,
        author_id=talker.pk if talker else None,
        person_id=person.pk if person else None,
        author_field="talker",
        date_field="held_on",
        texts={"summary": summary, "follow_up": follow_up},
        today=today or timezone.localdate(),
    )
    return model_save(
        actor=actor,
        instance=Talk(organisation=organisation, recorded_by=actor),
        changes={
            "talker": talker,
            "person": person,
            "held_on": held_on,
            "kind": kind,
            "summary": clean_html(summary),
            "follow_up": clean_html(follow_up),
        },
        action="care.talk",
    )


@transaction.atomic
def home_visit_record(
    *,
    actor,
    organisation: PartyOrganisation,
    visitor: Person | None,
    person: Person | None,
    visited_on: datetime.date | None,
    purpose: str,
    notes: str = "",
    follow_up: str = "",
    today: datetime.date | None = None,
) -> HomeVisit:
    """Record a home visit of a committee member to a member of the branch."""
    _check_branch_record(
        organisation=organisation,
        day=visited_on,
        author_id=visitor.pk if visitor else None,
        person_id=person.pk if person else None,
        author_field="visitor",
        date_field="visited_on",
        texts={"purpose": purpose, "notes": notes, "follow_up": follow_up},
        today=today or timezone.localdate(),
    )
    return model_save(
        actor=actor,
        instance=HomeVisit(organisation=organisation, recorded_by=actor),
        changes={
            "visitor": visitor,
            "person": person,
            "visited_on": visited_on,
            "purpose": purpose,
            "notes": clean_html(notes),
            "follow_up": clean_html(follow_up),
        },
        action="care.home_visit",
    )


@transaction.atomic
def help_record(
    *,
    actor,
    court: Court,
    staff_number: str,
    difficulty: str,
    kind: str,
    amount: Decimal | None,
    given_on: datetime.date | None,
    given_by: str,
    notes: str = "",
    today: datetime.date | None = None,
) -> HelpRecord:
    """Record help given to a member of staff of the court (found by staff number)."""
    person = Person.objects.filter(court=court, staff_number=staff_number).first()
    problems = rules.help_problems(
        given_on=given_on,
        today=today or timezone.localdate(),
        amount=amount,
        person_court_id=person.court_id if person else None,
        court_id=court.pk,
        texts={"difficulty": difficulty, "given_by": given_by, "notes": notes},
    )
    if problems:
        raise problems_error(problems)
    return model_save(
        actor=actor,
        instance=HelpRecord(court=court, person=person, recorded_by=actor),
        changes={
            "difficulty": difficulty,
            "kind": kind,
            "amount": amount,
            "given_on": given_on,
            "given_by": given_by,
            "notes": notes,
        },
        action="care.help",
    )


def party_group_members(court: Court, on: datetime.date):
    """The people holding a post in the court's leading Party members' group on a day."""
    return Person.objects.filter(
        pk__in=CommitteePost.objects.filter(
            organisation__court=court,
            organisation__kind=PartyOrganisation.Kind.PARTY_GROUP,
            starts_on__lte=on,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .values("person_id")
    ).order_by("name", "pk")


@transaction.atomic
def contact_point_create(
    *,
    actor,
    leader: Person,
    organisation: PartyOrganisation,
    starts_on: datetime.date | None,
    today: datetime.date | None = None,
) -> ContactPoint:
    """Link a member of the leading Party members' group to a contact branch of their court."""
    today = today or timezone.localdate()
    problems = rules.date_problems("starts_on", starts_on, today)
    problems += rules.contact_problems(
        leader_in_party_group=party_group_members(organisation.court, starts_on or today)
        .filter(pk=leader.pk)
        .exists(),
        organisation_kind=organisation.kind,
        same_court=leader.court_id == organisation.court_id,
    )
    if problems:
        raise problems_error(problems)
    return model_save(
        actor=actor,
        instance=ContactPoint(),
        changes={"leader": leader, "organisation": organisation, "starts_on": starts_on},
        action="care.contact_point",
    )


@transaction.atomic
def contact_visit_record(
    *,
    actor,
    contact: ContactPoint,
    visited_on: datetime.date | None,
    activities: str,
    findings: str = "",
    today: datetime.date | None = None,
) -> ContactVisit:
    """Record a visit of the leader to their contact branch."""
    problems = rules.date_problems("visited_on", visited_on, today or timezone.localdate())
    if visited_on is not None and visited_on < contact.starts_on:
        problems.append(("visited_on", rules.before_contact_message()))
    if not (activities or "").strip():
        problems.append(("activities", rules.activities_message()))
    problems += rules.text_problems({"activities": activities, "findings": findings})
    if problems:
        raise problems_error(problems)
    return model_save(
        actor=actor,
        instance=ContactVisit(contact=contact, recorded_by=actor),
        changes={"visited_on": visited_on, "activities": activities, "findings": findings},
        action="care.contact_visit",
    )
