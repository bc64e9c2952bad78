import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.core.forms import BootstrapMixin, ReactivateMixin
from tongxin.orgs.models import Department, PartyOrganisation
from tongxin.people.models import DuesPayment, Person


class PersonForm(ReactivateMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "gender",
            "birth_date",
            "staff_number",
            "department",
            "category",
            "cadre_level",
            "is_quota_judge",
            "political_status",
            "joined_party_on",
            "full_member_on",
            "probation_ends_on",
            "dues_base",
            "is_retired",
        ]
        widgets = {
            f: forms.DateInput
            for f in ("birth_date", "joined_party_on", "full_member_on", "probation_ends_on")
        }

    def __init__(self, *args, court, **kwargs):
        super().__init__(*args, **kwargs)
        self.court = court
        self.fields["department"].queryset = Department.objects.filter(court=court, is_active=True)

    def validate_unique(self):
        # Staff numbers are unique per court; the court is not a form field, so check here.
        number = self.cleaned_data.get("staff_number")
        clash = Person.objects.filter(court=self.court, staff_number=number).exclude(
            pk=self.instance.pk
        )
        if number and clash.exists():
            self.add_error(
                "staff_number",
                _("Another person of this court has staff number %(n)s.") % {"n": number},
            )


class MoveForm(BootstrapMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    cell = forms.ModelChoiceField(label=_("Party cell"), queryset=None, required=False)
    on = forms.DateField(label=_("From"), widget=forms.DateInput, initial=datetime.date.today)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.exclude(
            kind__in=[PartyOrganisation.Kind.PARTY_GROUP, PartyOrganisation.Kind.CELL]
        )
        self.fields["cell"].queryset = organisations.filter(kind=PartyOrganisation.Kind.CELL)
        # Each organisation with its court: a basic court and its tribunal may both have a
        # "立案庭党支部", and a move to the wrong one must not look like the right one.
        for name in ("organisation", "cell"):
            field = self.fields[name]
            field.queryset = field.queryset.select_related("court")
            field.label_from_instance = lambda o: f"{o.court.name} · {o.name}"


class DuesForm(BootstrapMixin, forms.Form):
    """One member's month: paid (date, receipt) or exempt (reason)."""

    person = forms.ModelChoiceField(label=_("Member"), queryset=Person.objects.none())
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        help_text=_("Year and month, e.g. 2026-11."),
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=DuesPayment.Status.choices)
    paid_on = forms.DateField(label=_("Paid on"), required=False)
    receipt = forms.CharField(label=_("Receipt number"), max_length=50, required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("For an exemption: the reason (e.g. approved hardship)."),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members

    def clean_month(self):
        from tongxin.people.ledger import parse_month

        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Give the month as year and month, e.g. 2026-11."))
        return month


class TransferForm(BootstrapMixin, forms.Form):
    """Where a member's Party relation goes: an organisation of another court, named by the
    court's code and the organisation's name (the same name exists in many courts)."""

    court_code = forms.CharField(
        label=_("Receiving court code"), max_length=20, help_text=_("e.g. 苏0105")
    )
    organisation_name = forms.CharField(
        label=_("Receiving organisation"),
        max_length=100,
        help_text=_("Its Chinese name, e.g. 立案庭党支部."),
    )
    letter_number = forms.CharField(label=_("Letter number"), max_length=50)
    sent_on = forms.DateField(label=_("Sent on"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        from tongxin.orgs.models import Court

        data = super().clean()
        code, name = data.get("court_code", "").strip(), data.get("organisation_name", "").strip()
        if not code or not name:
            return data
        court = Court.objects.filter(code=code, is_active=True).first()
        if court is None:
            self.add_error(
                "court_code", _("No active court with code “%(code)s”.") % {"code": code}
            )
            return data
        organisation = PartyOrganisation.objects.filter(
            court=court, name_zh=name, is_active=True
        ).first()
        if organisation is None:
            self.add_error(
                "organisation_name",
                _("%(court)s has no active organisation named “%(name)s”.")
                % {"court": court.name, "name": name},
            )
            return data
        data["organisation"] = organisation
        return data


class ReceiveForm(BootstrapMixin, forms.Form):
    received_on = forms.DateField(label=_("Received on"))
    staff_number = forms.CharField(
        label=_("Staff number at the receiving court"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to keep the present one."),
    )


class ReturnForm(BootstrapMixin, forms.Form):
    returned_on = forms.DateField(label=_("Returned on"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CellAssignForm(BootstrapMixin, forms.Form):
    """The Party cell of each current member of a branch, from one date: a field per member
    (`m<membership id>`), offering the branch's open cells (and the member's own, if closed)."""

    on = forms.DateField(label=_("From"), widget=forms.DateInput, initial=datetime.date.today)

    def __init__(self, *args, memberships, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        open_cells = [(str(c.pk), c.name) for c in cells if c.is_active]
        for membership in memberships:
            choices = [("", _("No cell")), *open_cells]
            cell = membership.cell
            if cell is not None and not cell.is_active:
                choices.append((str(cell.pk), cell.name))
            self.fields[f"m{membership.pk}"] = forms.ChoiceField(
                label=membership.person.name,
                choices=choices,
                required=False,
                initial=str(membership.cell_id or ""),
                error_messages={
                    "invalid_choice": _("Choose one of this branch's open Party cells.")
                },
            )
            self.fields[f"m{membership.pk}"].widget.attrs["class"] = "form-select form-select-sm"

    def rows(self):
        """(membership, bound field) per member, for the template."""
        return [(m, self[f"m{m.pk}"]) for m in self.memberships]
