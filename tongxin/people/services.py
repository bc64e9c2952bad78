"""Writes for people and their Party memberships."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.audit import audit_record, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.core.services import model_save
from tongxin.orgs.facts import facts_refresh
from tongxin.orgs.models import PartyOrganisation
from tongxin.orgs.services import post_end
from tongxin.people.models import Membership, Person
from tongxin.people.rules import (
    MEMBERS,
    NOT_MEMBERS,
    VALUE_FIELDS,
    cell_problems,
    person_problems,
)


def problems_error(problems) -> ApplicationError:
    """One error for every problem: the message lists them all; `extra` maps each field to
    its reasons (a form shows them at their fields, the API returns them)."""
    extra: dict[str, list[str]] = {}
    for field, reason in problems:
        extra.setdefault(field, []).append(reason)
    message = " ".join(dict.fromkeys(reason for _field, reason in problems))
    return ApplicationError(message, extra=extra)


def person_save(*, actor, person: Person, changes: dict) -> Person:
    """Create or change a staff record. Every problem `person_problems` finds is refused at
    once: one ApplicationError whose `extra` maps each field to its reasons. A member who
    leaves the Party (status none or applicant) leaves their organisation and posts that day."""
    values = {name: changes.get(name, getattr(person, name)) for name in VALUE_FIELDS}
    values["court"] = changes.get("court", person.court if person.court_id else None)
    values["department"] = changes.get(
        "department", person.department if person.department_id else None
    )
    today = timezone.localdate()
    problems = person_problems(values, is_new=person.pk is None, today=today)
    if problems:
        raise problems_error(problems)
    status = values["political_status"]
    with transaction.atomic():
        # The stored status: a bound form has already copied the new one onto the instance.
        was_member = (
            person.pk is not None
            and Person.objects.filter(pk=person.pk, political_status__in=MEMBERS).exists()
        )
        if was_member and status in NOT_MEMBERS:
            _leave_party_records(actor=actor, person=person, on=today)
        person = model_save(actor=actor, instance=person, changes=changes, action="people.person")
        facts_refresh(person_ids=[person])  # status, active: their organisation, unassigned
        return person


def _leave_party_records(*, actor, person: Person, on: datetime.date) -> None:
    """End the open membership and committee posts (dated `on`, or the day after they began)."""
    for row in person.memberships.filter(ends_on__isnull=True):
        membership_end(
            actor=actor, membership=row, ends_on=max(on, row.starts_on + datetime.timedelta(days=1))
        )
    for post in person.posts.filter(ends_on__isnull=True).select_related("organisation__court"):
        post_end(
            actor=actor, post=post, ends_on=max(on, post.starts_on + datetime.timedelta(days=1))
        )


def person_deactivate(*, actor, person: Person, on: datetime.date | None = None) -> Person:
    """Mark a person as no longer on the staff; their open membership and posts end that day."""
    with transaction.atomic():
        _leave_party_records(actor=actor, person=person, on=on or timezone.localdate())
        person = model_save(
            actor=actor, instance=person, changes={"is_active": False}, action="people.person"
        )
        facts_refresh(person_ids=[person])
        return person


@transaction.atomic
def membership_end(*, actor, membership: Membership, ends_on: datetime.date) -> Membership:
    """Close a membership on a date (the row stays as history)."""
    if ends_on <= membership.starts_on:
        raise ApplicationError(_("A membership must end after it starts."))
    before = snapshot(membership)
    membership.ends_on = ends_on
    membership.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action="people.membership.ended",
        obj=membership,
        before=before,
        after=snapshot(membership),
        court=membership.person.court,
    )
    facts_refresh([membership.organisation_id], person_ids=[membership.person_id])
    return membership


@transaction.atomic
def membership_move(
    *,
    actor,
    person: Person,
    organisation: PartyOrganisation,
    cell: PartyOrganisation | None = None,
    on: datetime.date,
) -> Membership:
    """Move a person into an organisation (and Party cell) from a date, closing the old row.
    Within the same organisation only the cell changes (`membership_cell_set`: posts stay)."""
    if not person.is_party_member:
        raise ApplicationError(
            _("Only full and probationary Party members belong to an organisation.")
        )
    if organisation.kind not in (
        PartyOrganisation.Kind.BRANCH,
        PartyOrganisation.Kind.GENERAL_BRANCH,
        PartyOrganisation.Kind.ORGAN_COMMITTEE,
    ):
        raise ApplicationError(
            _("Members belong to a branch, a general branch or an organ committee.")
        )
    if not organisation.is_active:
        raise ApplicationError(_("This organisation is no longer active."))
    if cell is not None and (problems := cell_problems(cell=cell, organisation=organisation)):
        raise problems_error(problems)
    current = (
        Membership.objects.select_for_update().filter(person=person, ends_on__isnull=True).first()
    )
    if current is not None:
        if current.organisation_id == organisation.pk:
            return membership_cell_set(actor=actor, membership=current, cell=cell, on=on)
        if on <= current.starts_on:
            raise ApplicationError(
                _("The move must be dated after the current membership started (%(date)s).")
                % {"date": current.starts_on}
            )
        membership_end(actor=actor, membership=current, ends_on=on)
        # Posts in the organisation left end with the membership (a secretary who moves is
        # no longer that branch's secretary).
        from tongxin.orgs.services import post_end

        for post in person.posts.filter(
            organisation_id=current.organisation_id, ends_on__isnull=True
        ):
            post_end(
                actor=actor, post=post, ends_on=max(on, post.starts_on + datetime.timedelta(days=1))
            )
    row = Membership(person=person, organisation=organisation, cell=cell, starts_on=on)
    row = model_save(actor=actor, instance=row, changes={}, action="people.membership")
    facts_refresh([organisation], person_ids=[person])
    return row


@transaction.atomic
def membership_cell_set(
    *, actor, membership: Membership, cell: PartyOrganisation | None, on: datetime.date
) -> Membership:
    """Place a member in a Party cell of their organisation (or in none) from a date, keeping
    the history as memberships keep it: the open row ends that day and a row with the new
    cell opens (same organisation; committee posts are untouched). Dated the day the row
    began, the row itself is corrected instead (no empty period is recorded). Returns the
    open row."""
    current = (
        Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    )
    if current.ends_on is not None:
        raise ApplicationError(_("This membership has ended; only the current one can change."))
    if cell is not None and (
        problems := cell_problems(cell=cell, organisation=current.organisation)
    ):
        raise problems_error(problems)
    if current.cell_id == (cell.pk if cell else None):
        return current
    if on < current.starts_on:
        raise ApplicationError(
            _(
                "%(name)s belongs to this organisation since %(date)s: the Party cell can change "
                "from that day on."
            )
            % {"name": current.person.name, "date": current.starts_on}
        )
    if on == current.starts_on:
        return model_save(
            actor=actor, instance=current, changes={"cell": cell}, action="people.membership"
        )
    membership_end(actor=actor, membership=current, ends_on=on)
    row = Membership(
        person_id=current.person_id, organisation=current.organisation, cell=cell, starts_on=on
    )
    return model_save(actor=actor, instance=row, changes={}, action="people.membership")
