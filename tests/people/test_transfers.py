"""Transfers of Party relations between courts: out, in transit, received or returned."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory
from tongxin.core.exceptions import ApplicationError
from tongxin.orgs.selectors import roster_on
from tongxin.people.models import Transfer
from tongxin.people.transfers import transfer_out, transfer_receive, transfer_return

TODAY = timezone.localdate()
SENT = TODAY - datetime.timedelta(days=20)


def _send(world, person=None, organisation=None, sent_on=SENT):
    return transfer_out(
        actor=world.users["party"],
        person=person or world.members[8],
        organisation=organisation or world.other_branch,
        letter_number="苏法党转〔2026〕12号",
        sent_on=sent_on,
    )


def test_in_transit_the_member_is_on_neither_roster_and_both_courts_see_it(world, client_for):
    member = world.members[8]
    transfer = _send(world)
    on = TODAY
    assert member not in [m.person for m in roster_on(organisation=world.branch, on=on)]
    assert member not in [m.person for m in roster_on(organisation=world.other_branch, on=on)]
    for role in ("party", "outsider"):
        page = client_for(role).get("/people/transfers/")
        assert transfer in list(page.context["page"]), role
    assert transfer.status == Transfer.Status.IN_TRANSIT


def test_the_receiving_court_receives_the_member(world, client_for):
    transfer = _send(world)
    client = client_for("outsider")  # party-affairs staff of the receiving province
    response = client.post(
        f"/people/transfers/{transfer.pk}/receive/",
        {"received_on": TODAY.isoformat(), "staff_number": "ZJ-0001"},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    transfer.refresh_from_db()
    member = transfer.person
    member.refresh_from_db()
    assert transfer.status == Transfer.Status.RECEIVED and transfer.settled_on == TODAY
    assert member.court == world.other_basic and member.staff_number == "ZJ-0001"
    assert member in [m.person for m in roster_on(organisation=world.other_branch, on=TODAY)]
    # Settled once: a second receipt is refused with a message.
    again = client.post(f"/people/transfers/{transfer.pk}/receive/", {"received_on": TODAY})
    assert "already settled" in again.content.decode()


def test_a_returned_letter_brings_the_member_back(world):
    transfer = _send(world)
    transfer_return(
        actor=world.users["outsider"], transfer=transfer, returned_on=TODAY, reason="信息有误"
    )
    assert world.members[8] in [m.person for m in roster_on(organisation=world.branch, on=TODAY)]
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.RETURNED and "信息有误" in transfer.note


def test_the_sending_side_cannot_settle_a_transfer(world, client_for):
    transfer = _send(world)
    assert client_for("party").get(f"/people/transfers/{transfer.pk}/receive/").status_code == 404


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (lambda w: {"organisation": w.branch}, "already belongs to this organisation"),
        (
            lambda w: {"organisation": OrganisationFactory(court=w.basic, parent=w.committee_org)},
            "same court",
        ),
        (lambda w: {"sent_on": TODAY + datetime.timedelta(days=1)}, "future"),
        (lambda w: {"organisation": w.cell}, "same court"),
    ],
)
def test_bad_transfers_are_explained_and_nothing_changes(world, kwargs, message):
    member = world.members[8]
    with pytest.raises(ApplicationError, match=message):
        _send(world, **kwargs(world))
    assert member.memberships.filter(ends_on__isnull=True, organisation=world.branch).exists()
    assert not Transfer.objects.exists()


def test_a_member_in_transit_cannot_be_sent_twice(world):
    _send(world)
    with pytest.raises(ApplicationError, match="belongs to no organisation"):
        _send(world)


def test_receipt_before_sending_and_a_taken_staff_number_are_refused(world):
    transfer = _send(world)
    with pytest.raises(ApplicationError, match="after it was sent"):
        transfer_receive(actor=world.users["outsider"], transfer=transfer, received_on=SENT)
    from tests.factories import PersonFactory

    PersonFactory(court=world.other_basic, staff_number="TAKEN")
    with pytest.raises(ApplicationError, match="already has a person with staff number"):
        transfer_receive(
            actor=world.users["outsider"],
            transfer=transfer,
            received_on=TODAY,
            staff_number="TAKEN",
        )
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.IN_TRANSIT
