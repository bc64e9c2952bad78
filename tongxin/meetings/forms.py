from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.core.forms import BootstrapMixin
from tongxin.meetings.models import Cadence, ComplianceRule, Kind, Meeting, Needs

CORRECTION_HELP = _("The record is signed off: say why you correct it (kept on the record).")


class CorrectionMixin:
    """A signed-off meeting's forms ask for the reason of the correction."""

    def add_correction(self, meeting):
        if meeting is not None and meeting.locked:
            self.fields["correction_reason"] = forms.CharField(
                label=_("Reason for the correction"), max_length=300, help_text=CORRECTION_HELP
            )
            self.fields["correction_reason"].widget.attrs["class"] = "form-control"


class MeetingForm(CorrectionMixin, BootstrapMixin, forms.ModelForm):
    joint = forms.ModelMultipleChoiceField(
        label=_("Joint meeting with"),
        queryset=None,
        required=False,
        help_text=_("Other organisations this meeting counts for."),
    )

    class Meta:
        model = Meeting
        fields = ["kind", "held_on", "starts_at", "hours", "place", "topic", "topic_approved_on",
                  "host", "speaker"]  # fmt: skip
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "topic_approved_on": forms.DateInput(attrs={"type": "date"}),
            "starts_at": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, people=None, joint_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = people
        self.fields["speaker"].queryset = people
        self.fields["joint"].queryset = joint_choices
        self.fields["hours"].min_value = 0
        self.add_correction(self.instance if self.instance.pk else None)

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and not 0 <= hours <= 24:
            raise forms.ValidationError(_("Between 0 and 24 hours."))
        return hours


class MinutesForm(CorrectionMixin, BootstrapMixin, forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=200_000,
        help_text=_("Formatted text: paragraphs, lists, tables and links are kept."),
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_correction(meeting)


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Attachment"), help_text=_("PDF, Word, Excel, PowerPoint, OFD or an image."))  # fmt: skip


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)


class CritiqueForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Participant"), queryset=None)
    self_criticism = forms.CharField(label=_("Self-criticism"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20000)  # fmt: skip
    criticism = forms.CharField(label=_("Criticism received"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20000)  # fmt: skip

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class IssueForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Issue raised"), max_length=500)


class RuleVersionForm(BootstrapMixin, forms.ModelForm):
    court_code = forms.CharField(label=_("Court code"), max_length=20, help_text=_("The rule applies in this court and every court below it."))  # fmt: skip
    applies = forms.MultipleChoiceField(
        label=_("Organisation kinds"), choices=(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ComplianceRule
        fields = ["activity", "effective_from", "is_enabled", "needs", "cadence", "times",
                  "quorum_num", "quorum_den", "quorum_strict", "minutes_required",
                  "signoff_required", "late_days"]  # fmt: skip
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        from tongxin.orgs.models import PartyOrganisation

        super().__init__(*args, **kwargs)
        self.fields["applies"].choices = PartyOrganisation.Kind.choices
        self.fields["activity"].choices = Kind.choices
        self.fields["cadence"].choices = Cadence.choices
        self.fields["needs"].choices = Needs.choices
        self.fields["times"].min_value = 1
        self.fields["quorum_den"].min_value = 1

    def clean(self):
        data = super().clean()
        num, den = data.get("quorum_num"), data.get("quorum_den")
        if num is not None and den and num > den:
            self.add_error("quorum_num", _("The quorum must be a fraction between 0 and 1."))
        if data.get("times") is not None and not 1 <= data["times"] <= 31:
            self.add_error("times", _("Between 1 and 31."))
        if data.get("late_days") is not None and data["late_days"] > 366:
            self.add_error("late_days", _("At most 366 days."))
        return data
