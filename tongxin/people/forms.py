import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from tongxin.core.forms import BootstrapMixin, ReactivateMixin
from tongxin.core.permissions import Role
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
    cell = forms.ModelChoiceField(label=_("Party group"), queryset=None, required=False)
    on = forms.DateField(label=_("From"), widget=forms.DateInput, initial=datetime.date.today)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.exclude(
            kind__in=[PartyOrganisation.Kind.PARTY_GROUP, PartyOrganisation.Kind.CELL]
        )
        self.fields["cell"].queryset = organisations.filter(kind=PartyOrganisation.Kind.CELL)


class GrantForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=_("Only for a new account; the user must change it at the first sign-in."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    court_code = forms.CharField(
        label=_("Court code"),
        max_length=20,
        help_text=_("The court the role covers, or for a branch role the organisation's court."),
    )
    organisation_name = forms.CharField(
        label=_("Organisation (branch roles)"),
        max_length=100,
        required=False,
        help_text=_("Its Chinese name, e.g. 民事审判第一庭党支部."),
    )
    staff_number = forms.CharField(
        label=_("Staff number of the person (optional)"),
        max_length=30,
        required=False,
        help_text=_("Links the account to the person's record at that court."),
    )

    def clean(self):
        data = super().clean()
        username = data.get("username", "")
        exists = get_user_model().objects.filter(username=username).exists()
        if not exists:
            if not data.get("password"):
                self.add_error("password", _("A new account needs an initial password."))
            else:
                try:
                    validate_password(data["password"])
                except forms.ValidationError as error:
                    self.add_error("password", error)
        return data
