import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.care.models import HelpRecord, Talk
from tongxin.core.forms import BootstrapMixin
from tongxin.orgs.models import PartyOrganisation
from tongxin.people.models import Person

TEXT = {"rows": 4}


def _branch_people(organisation):
    """Anyone who has belonged to the branch (the service checks the day itself)."""
    return Person.objects.filter(memberships__organisation=organisation).distinct().order_by("name")


def _branch_committee(organisation):
    return Person.objects.filter(posts__organisation=organisation).distinct().order_by("name")


class TalkForm(BootstrapMixin, forms.Form):
    talker = forms.ModelChoiceField(label=_("Committee member"), queryset=None)
    person = forms.ModelChoiceField(label=_("Talked with"), queryset=None)
    held_on = forms.DateField(
        label=_("Held on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=datetime.date.today,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Talk.Kind.choices)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_("Seen only by the branch committee and the person talked with."),
    )
    follow_up = forms.CharField(
        label=_("Follow-up"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )

    def __init__(self, *args, organisation: PartyOrganisation, own=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["talker"].queryset = _branch_committee(organisation)
        self.fields["person"].queryset = _branch_people(organisation)
        if own is not None:
            self.fields["talker"].initial = own.pk


class HomeVisitForm(BootstrapMixin, forms.Form):
    visitor = forms.ModelChoiceField(label=_("Visitor"), queryset=None)
    person = forms.ModelChoiceField(label=_("Visited"), queryset=None)
    visited_on = forms.DateField(
        label=_("Visited on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=datetime.date.today,
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_("Seen only by the branch committee and the person visited."),
    )
    follow_up = forms.CharField(
        label=_("Follow-up"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )

    def __init__(self, *args, organisation: PartyOrganisation, own=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitor"].queryset = _branch_committee(organisation)
        self.fields["person"].queryset = _branch_people(organisation)
        if own is not None:
            self.fields["visitor"].initial = own.pk


class HelpForm(BootstrapMixin, forms.Form):
    court = forms.ModelChoiceField(label=_("Court"), queryset=None)
    staff_number = forms.CharField(label=_("Staff number"), max_length=30)
    difficulty = forms.CharField(
        label=_("Difficulty"), max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )
    kind = forms.ChoiceField(label=_("Kind of help"), choices=HelpRecord.Kind.choices)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), required=False, max_digits=10, decimal_places=2
    )
    given_on = forms.DateField(
        label=_("Given on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=datetime.date.today,
    )
    given_by = forms.CharField(label=_("Given by"), max_length=100)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )

    def __init__(self, *args, courts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts


class ContactPointForm(BootstrapMixin, forms.Form):
    leader = forms.ModelChoiceField(
        label=_("Member of the leading Party members' group"), queryset=None
    )
    organisation = forms.ModelChoiceField(label=_("Branch"), queryset=None)
    starts_on = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=datetime.date.today,
    )

    def __init__(self, *args, leaders, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        self.fields["organisation"].queryset = organisations


class ContactVisitForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(
        label=_("Visited on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=datetime.date.today,
    )
    activities = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )
