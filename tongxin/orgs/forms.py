import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.core.forms import BootstrapMixin, ReactivateMixin
from tongxin.orgs.models import CommitteePost, Court, Department, HealthRule, PartyOrganisation


class CourtForm(ReactivateMixin, BootstrapMixin, forms.ModelForm):
    parent_code = forms.CharField(
        label=_("Parent court code"),
        max_length=20,
        required=False,
        help_text=_(
            "The code of the court above, e.g. 京01; a people's tribunal gives its basic court's code."
        ),
    )

    class Meta:
        model = Court
        fields = ["code", "name_zh", "name_en", "level", "kind", "province"]

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parents = parents
        if self.instance.parent_id and not self.is_bound:
            self.fields["parent_code"].initial = self.instance.parent.code

    def clean_parent_code(self):
        code = self.cleaned_data["parent_code"].strip()
        if not code:
            return None
        parent = self.parents.filter(code=code).first()
        if parent is None:
            raise forms.ValidationError(
                _("No court with code “%(code)s” that you may manage.") % {"code": code}
            )
        return parent


class DepartmentForm(ReactivateMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name_zh", "name_en", "kind"]


class OrganisationForm(ReactivateMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PartyOrganisation
        fields = ["kind", "name_zh", "name_en", "parent", "founded_on", "departments"]
        widgets = {"departments": forms.CheckboxSelectMultiple, "founded_on": forms.DateInput}

    def __init__(self, *args, court: Court, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        # Organisations of another court (a tribunal's basic court) carry that court's name.
        self.fields["parent"].label_from_instance = lambda o: (
            o.name if o.court_id == court.pk else f"{o.name} ({o.court.name})"
        )
        self.fields["departments"].queryset = Department.objects.filter(court=court, is_active=True)


class TermForm(BootstrapMixin, forms.Form):
    starts_on = forms.DateField(label=_("Term starts"), widget=forms.DateInput)
    ends_on = forms.DateField(
        label=_("Term ends"),
        widget=forms.DateInput,
        required=False,
        help_text=_(
            "Leave empty for the regular term: 3 years for branches and general branches, 5 for committees."
        ),
    )


class PostForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None)
    post = forms.ChoiceField(label=_("Post"), choices=CommitteePost.Post.choices)
    starts_on = forms.DateField(
        label=_("From"), widget=forms.DateInput, initial=datetime.date.today
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class PostEndForm(BootstrapMixin, forms.Form):
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput, initial=datetime.date.today)


# Largest sensible threshold per rule (months for term_ending, people otherwise).
THRESHOLD_LIMITS = {"term_ending": 60, "committee_size": 50}


class HealthRuleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = HealthRule
        fields = ["is_enabled", "value", "value_max"]

    def clean(self):
        data = super().clean()
        value, value_max = data.get("value"), data.get("value_max")
        limit = THRESHOLD_LIMITS.get(self.instance.code, 1000)
        for name in ("value", "value_max"):
            number = data.get(name)
            if number is not None and not 0 <= number <= limit:
                self.add_error(name, _("Give a number from 0 to %(limit)s.") % {"limit": limit})
        if value is not None and value_max is not None and value_max < value:
            self.add_error("value_max", _("The upper threshold must not be below the lower one."))
        return data


class ElectionForm(BootstrapMixin, forms.Form):
    """An election and the new committee, in one form."""

    elected_on = forms.DateField(label=_("Election day"))
    years = forms.TypedChoiceField(
        label=_("Term"),
        coerce=int,
        choices=[(3, _("3 years")), (5, _("5 years"))],
        help_text=_("Branches and general branches 3 years; organ committees 5."),
    )
    secretary = forms.ModelChoiceField(label=_("Secretary"), queryset=None)
    deputy_secretary = forms.ModelChoiceField(
        label=_("Deputy secretary"), queryset=None, required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation member"), queryset=None, required=False
    )
    propaganda = forms.ModelChoiceField(label=_("Propaganda member"), queryset=None, required=False)
    discipline = forms.ModelChoiceField(label=_("Discipline member"), queryset=None, required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Other committee members"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    POSTS = ("secretary", "deputy_secretary", "organisation", "propaganda", "discipline")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*self.POSTS, "members"):
            self.fields[name].queryset = people

    def posts(self) -> list:
        data = self.cleaned_data
        chosen = [(data[name], name) for name in self.POSTS if data.get(name)]
        chosen += [(person, CommitteePost.Post.MEMBER) for person in data.get("members") or []]
        return chosen


class PostponementForm(BootstrapMixin, forms.Form):
    until = forms.DateField(
        label=_("Election postponed until"),
        help_text=_("At most a year after the term's scheduled end."),
    )
    approved_on = forms.DateField(label=_("Approved by the higher organisation on"))
    reason = forms.CharField(label=_("Reason"), max_length=200)
