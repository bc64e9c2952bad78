from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxin.core.forms import BootstrapMixin
from tongxin.discipline.models import (
    Area,
    Channel,
    DisciplineRecord,
    EducationSession,
    Finding,
    Kind,
    Sanction,
    SupervisionCheck,
)


class EntryForm(BootstrapMixin, forms.Form):
    """Recording in under a minute: the kind, who, how, when, the case, what was asked."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect)
    person_name = forms.CharField(label=_("Who asked (name)"), max_length=50)
    person_unit = forms.CharField(label=_("Their unit"), max_length=100, required=False)
    person_post = forms.CharField(label=_("Their post"), max_length=100, required=False)
    relation = forms.CharField(
        label=_("Relation to the case or to you"), max_length=100, required=False
    )
    channel = forms.ChoiceField(label=_("How"), choices=Channel.choices)
    occurred_on = forms.DateField(label=_("When"), widget=forms.DateInput)
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=60,
        required=False,
        help_text=_("e.g. (2024)京0105民初12345号; may stay empty only for a relative's report."),
    )
    asked = forms.CharField(label=_("What was asked"), widget=forms.Textarea(attrs={"rows": 3}))
    done = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    affects_case = forms.BooleanField(
        label=_("It affects the handling of the case: report it to the discipline office now"),
        required=False,
    )

    def __init__(self, *args, initial_entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"
        if initial_entry is not None and not self.is_bound:
            for name in self.fields:
                self.fields[name].initial = getattr(initial_entry, name)
        elif not self.is_bound:
            self.fields["occurred_on"].initial = timezone.localdate()


class ReaderForm(BootstrapMixin, forms.Form):
    court_code = forms.CharField(label=_("Court code"), max_length=20)
    username = forms.CharField(label=_("User name of the court leader"), max_length=150)


class RecordForm(BootstrapMixin, forms.ModelForm):
    court_code = forms.CharField(label=_("Court code"), max_length=20)
    staff_number = forms.CharField(label=_("Staff number"), max_length=30)

    class Meta:
        model = DisciplineRecord
        fields = ["sanction", "decided_on", "period_months", "reason"]
        widgets = {"decided_on": forms.DateInput, "reason": forms.Textarea(attrs={"rows": 3})}


class CheckForm(BootstrapMixin, forms.ModelForm):
    court_code = forms.CharField(label=_("Court code"), max_length=20)

    class Meta:
        model = SupervisionCheck
        fields = ["area", "checked_on", "subject", "notes"]
        widgets = {"checked_on": forms.DateInput, "notes": forms.Textarea(attrs={"rows": 3})}


class FindingForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["description", "responsible", "rectify_by"]
        widgets = {"rectify_by": forms.DateInput, "description": forms.Textarea(attrs={"rows": 2})}


class SessionForm(BootstrapMixin, forms.ModelForm):
    court_code = forms.CharField(label=_("Court code"), max_length=20)

    class Meta:
        model = EducationSession
        fields = ["held_on", "title", "material"]
        widgets = {"held_on": forms.DateInput, "material": forms.Textarea(attrs={"rows": 3})}


class AttendanceForm(BootstrapMixin, forms.Form):
    present = forms.CharField(
        label=_("Staff numbers of those present"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line or separated by spaces or commas."),
    )
    absent = forms.CharField(
        label=_("Staff numbers of those absent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


SANCTIONS = Sanction.choices
AREAS = Area.choices
