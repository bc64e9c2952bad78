import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.core.forms import BootstrapMixin, ReactivateMixin
from tongxin.orgs.models import Department, PartyOrganisation
from tongxin.people.models import Person


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
            "dues_base",
            "is_retired",
        ]
        widgets = {f: forms.DateInput for f in ("birth_date", "joined_party_on", "full_member_on")}

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
