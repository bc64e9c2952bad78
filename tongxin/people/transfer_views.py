"""Pages of transfers between courts: send from the member's page, list in transit, receive
or return at the receiving organisation."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.models import PartyOrganisation
from tongxin.people import transfers
from tongxin.people.forms import ReceiveForm, ReturnForm, TransferForm
from tongxin.people.lists import TRANSFERS
from tongxin.people.models import Person, Transfer


@requires(Perm.PERSON_VIEW)
def transfer_list(request):
    """Transfers touching the user's courts, those in transit first of all."""
    scope = scope_for(request.user)
    receivable = set(
        scope.visible(PartyOrganisation, Perm.ORG_CHANGE)
        .filter(transfers_in__status=Transfer.Status.IN_TRANSIT)
        .values_list("pk", flat=True)
    )
    return TRANSFERS.page(
        request,
        template="people/transfer_list.html",
        context={"statuses": Transfer.Status.choices, "receivable": receivable},
    )


@requires(Perm.PERSON_CHANGE, Person)
def transfer_create(request, person: Person):
    """Send a member's Party relation to an organisation of another court."""
    form = TransferForm(request.POST or None, initial={"sent_on": timezone.localdate()})

    def send(data):
        transfers.transfer_out(
            actor=request.user,
            person=person,
            organisation=data["organisation"],
            letter_number=data["letter_number"],
            sent_on=data["sent_on"],
            note=data.get("note", ""),
        )

    return form_page(
        request,
        form=form,
        action=send,
        success=_("Transfer letter recorded: the member is in transit."),
        redirect_to=reverse("people:transfer-list"),
        template="people/transfer_form.html",
        context={"person": person, "title": _("Transfer to another court")},
    )


def _receiving(request, transfer: Transfer) -> None:
    """Only the receiving side settles a transfer (404 where it is unseen, 403 read-only)."""
    scope_for(request.user).get(PartyOrganisation, transfer.to_organisation_id, Perm.ORG_CHANGE)


@requires(Perm.PERSON_VIEW, Transfer)
def transfer_receive(request, transfer: Transfer):
    _receiving(request, transfer)
    form = ReceiveForm(request.POST or None, initial={"received_on": timezone.localdate()})
    return form_page(
        request,
        form=form,
        action=lambda data: transfers.transfer_receive(
            actor=request.user, transfer=transfer, **data
        ),
        success=_("Member received."),
        redirect_to=reverse("people:transfer-list"),
        template="people/transfer_form.html",
        context={"person": transfer.person, "transfer": transfer, "title": _("Receive a member")},
    )


@requires(Perm.PERSON_VIEW, Transfer)
def transfer_return(request, transfer: Transfer):
    _receiving(request, transfer)
    form = ReturnForm(request.POST or None, initial={"returned_on": timezone.localdate()})
    return form_page(
        request,
        form=form,
        action=lambda data: transfers.transfer_return(
            actor=request.user, transfer=transfer, **data
        ),
        success=_("Letter returned: the member belongs to the sending organisation again."),
        redirect_to=reverse("people:transfer-list"),
        template="people/transfer_form.html",
        context={"person": transfer.person, "transfer": transfer, "title": _("Return the letter")},
    )
