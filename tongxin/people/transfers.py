"""Transfers of Party relations between courts (组织关系转接), domain.md section 2.

Within one court a member simply moves (`services.membership_move`). To another court:
1. transfer out: the sending organisation issues a letter; the member's membership ends on
   the day it is sent, and until the receiving court acts the member is on no roster (and
   so counted by neither branch) and listed "in transit" by both courts;
2. received: the receiving organisation registers the member from the day the letter is
   received; the staff record moves to the receiving court;
3. or returned: the receiving organisation sends the letter back; the member belongs to the
   sending organisation again from that day.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.exceptions import ApplicationError
from tongxin.core.services import model_save
from tongxin.orgs.models import PartyOrganisation
from tongxin.people.models import Membership, Person, Transfer
from tongxin.people.services import membership_end, membership_move

MEMBER_KINDS = (
    PartyOrganisation.Kind.BRANCH,
    PartyOrganisation.Kind.GENERAL_BRANCH,
    PartyOrganisation.Kind.ORGAN_COMMITTEE,
)


def _not_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise ApplicationError(_("%(what)s cannot lie in the future.") % {"what": what})


@transaction.atomic
def transfer_out(
    *,
    actor,
    person: Person,
    organisation: PartyOrganisation,
    letter_number: str,
    sent_on: datetime.date,
    note: str = "",
) -> Transfer:
    """Send a member's Party relation to an organisation of another court."""
    current = (
        Membership.objects.select_for_update()
        .filter(person=person, ends_on__isnull=True)
        .select_related("organisation")
        .first()
    )
    if current is None:
        raise ApplicationError(
            _("%(name)s belongs to no organisation to transfer from.") % {"name": person.name}
        )
    if organisation.pk == current.organisation_id:
        raise ApplicationError(
            _("%(name)s already belongs to this organisation.") % {"name": person.name}
        )
    if organisation.court_id == current.organisation.court_id:
        raise ApplicationError(
            _("This organisation is in the same court: move the member instead (one step).")
        )
    if organisation.kind not in MEMBER_KINDS or not organisation.is_active:
        raise ApplicationError(
            _("Members are received by an active branch, general branch or organ committee.")
        )
    if not letter_number.strip():
        raise ApplicationError(_("Give the number of the transfer letter."))
    _not_future(sent_on, _("The date the letter was sent"))
    if sent_on <= current.starts_on:
        raise ApplicationError(
            _("The letter must be sent after the current membership began (%(date)s).")
            % {"date": current.starts_on}
        )
    membership_end(actor=actor, membership=current, ends_on=sent_on)
    for post in person.posts.filter(ends_on__isnull=True, organisation=current.organisation):
        from tongxin.orgs.services import post_end

        post_end(
            actor=actor, post=post, ends_on=max(sent_on, post.starts_on + datetime.timedelta(1))
        )
    transfer = Transfer(
        person=person,
        from_organisation=current.organisation,
        to_organisation=organisation,
        letter_number=letter_number.strip(),
        sent_on=sent_on,
        note=note.strip(),
    )
    return model_save(actor=actor, instance=transfer, changes={}, action="people.transfer")


def _open(transfer: Transfer) -> Transfer:
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if locked.status != Transfer.Status.IN_TRANSIT:
        raise ApplicationError(
            _("This transfer was already settled (%(status)s).")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def transfer_receive(
    *, actor, transfer: Transfer, received_on: datetime.date, staff_number: str = ""
) -> Transfer:
    """The receiving organisation registers the member; the staff record moves to its court."""
    transfer = _open(transfer)
    _not_future(received_on, _("The date of receipt"))
    if received_on <= transfer.sent_on:
        raise ApplicationError(
            _("The letter is received after it was sent (%(date)s).") % {"date": transfer.sent_on}
        )
    person = transfer.person
    court = transfer.to_organisation.court
    number = (staff_number or person.staff_number).strip()
    if Person.objects.filter(court=court, staff_number=number).exclude(pk=person.pk).exists():
        raise ApplicationError(
            _(
                "%(court)s already has a person with staff number %(number)s: give the number "
                "the member has there."
            )
            % {"court": court.name, "number": number}
        )
    model_save(
        actor=actor,
        instance=person,
        changes={"court": court, "department": None, "staff_number": number},
        action="people.person",
    )
    membership_move(
        actor=actor, person=person, organisation=transfer.to_organisation, on=received_on
    )
    return model_save(
        actor=actor,
        instance=transfer,
        changes={"status": Transfer.Status.RECEIVED, "settled_on": received_on},
        action="people.transfer",
    )


@transaction.atomic
def transfer_return(
    *, actor, transfer: Transfer, returned_on: datetime.date, reason: str
) -> Transfer:
    """The receiving organisation sends the letter back: the member rejoins the sending one."""
    transfer = _open(transfer)
    _not_future(returned_on, _("The date of return"))
    if returned_on <= transfer.sent_on:
        raise ApplicationError(
            _("The letter is returned after it was sent (%(date)s).") % {"date": transfer.sent_on}
        )
    if not reason.strip():
        raise ApplicationError(_("Give the reason for returning the letter."))
    membership_move(
        actor=actor,
        person=transfer.person,
        organisation=transfer.from_organisation,
        on=returned_on,
    )
    note = f"{transfer.note} {reason.strip()}".strip()[:200]
    return model_save(
        actor=actor,
        instance=transfer,
        changes={"status": Transfer.Status.RETURNED, "settled_on": returned_on, "note": note},
        action="people.transfer",
    )
