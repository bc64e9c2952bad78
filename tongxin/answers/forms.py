"""Forms of the answers app: they shape input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.answers.models import ListItem, Opinion, ResponsibilityList
from tongxin.core.forms import BootstrapMixin, SafeModelChoiceField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(FilesField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _text(label, rows=5, required=True):
    return forms.CharField(
        label=label,
        required=required,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
    )


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )


class OpinionForm(BootstrapMixin, forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=Opinion.Topic.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = _text(_("Your opinion or suggestion"), rows=8)
    hide_name = forms.BooleanField(
        label=_("Hide my name (only party-affairs staff will see it)"), required=False
    )
    files = FilesField(label=_("Attachments"))


class AnswerForm(BootstrapMixin, forms.Form):
    answer = _text(_("Answer"), rows=6)


class MergeForm(BootstrapMixin, forms.Form):
    into = forms.IntegerField(label=_("Number of the opinion it duplicates"), min_value=1,
                              max_value=2**63 - 1)  # fmt: skip


class TaskForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = _text(_("Description"))
    responsible = SafeModelChoiceField(label=_("Responsible person"), queryset=None)
    department = SafeModelChoiceField(
        label=_("Responsible department"), queryset=None, required=False
    )
    deadline = _date(_("Deadline"))
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        max_length=4000,
        help_text=_("One a line: date (YYYY-MM-DD), a space, what is done by then."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, court, **kwargs):
        super().__init__(*args, **kwargs)
        from tongxin.orgs.models import Department
        from tongxin.people.models import Person

        self.fields["responsible"].queryset = Person.objects.filter(
            court=court, is_active=True
        ).order_by("name", "id")
        self.fields["department"].queryset = Department.objects.filter(court=court)

    def clean_milestones(self):
        import datetime

        pairs = []
        for line in self.cleaned_data.get("milestones", "").splitlines():
            if not line.strip():
                continue
            day, _sep, what = line.strip().partition(" ")
            try:
                pairs.append((what.strip() or day, datetime.date.fromisoformat(day)))
            except ValueError:
                raise forms.ValidationError(
                    _("Write each milestone as a date (YYYY-MM-DD), a space and its text.")
                ) from None
        return pairs


class ProgressForm(BootstrapMixin, forms.Form):
    text = _text(_("Progress"))
    files = FilesField(label=_("Evidence"))
    milestones = forms.MultipleChoiceField(
        label=_("Milestones reached"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestones"].choices = [
            (m.pk, f"{m.due_on:%Y-%m-%d} {m.title}") for m in task.milestones.all() if not m.done_on
        ]


class ActForm(BootstrapMixin, forms.Form):
    text = _text(_("Reason or remarks"), rows=4, required=False)
    deadline = _date(_("New deadline"), required=False)
    files = FilesField(label=_("Attachments"))


class ListForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResponsibilityList.Kind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    organisation = SafeModelChoiceField(label=_("Organisation"), queryset=None, required=False)
    cadre = SafeModelChoiceField(label=_("Leading cadre"), queryset=None, required=False)

    def __init__(self, *args, court, **kwargs):
        super().__init__(*args, **kwargs)
        from tongxin.orgs.models import PartyOrganisation
        from tongxin.people.models import Person

        self.fields["organisation"].queryset = PartyOrganisation.objects.filter(
            court=court, is_active=True
        ).exclude(kind="cell")
        self.fields["cadre"].queryset = Person.objects.filter(court=court, is_active=True).exclude(
            cadre_level=""
        )


class ItemForm(BootstrapMixin, forms.Form):
    content = _text(_("Content"), rows=3)
    measures = _text(_("Measures"), rows=3, required=False)
    responsible_person = SafeModelChoiceField(
        label=_("Responsible person"), queryset=None, required=False
    )
    responsible_unit = forms.CharField(label=_("Responsible unit"), max_length=100, required=False)
    deadline = _date(_("Deadline"))
    state = forms.ChoiceField(label=_("State"), choices=ListItem.State.choices)
    evidence = _text(_("Evidence"), rows=3, required=False)

    def __init__(self, *args, court, **kwargs):
        super().__init__(*args, **kwargs)
        from tongxin.people.models import Person

        self.fields["responsible_person"].queryset = Person.objects.filter(
            court=court, is_active=True
        ).order_by("name", "id")


class OrgListForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)


class CopyForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year of the new list"), min_value=2000, max_value=2100)


class VisitForm(BootstrapMixin, forms.Form):
    target = SafeModelChoiceField(label=_("Unit visited"), queryset=None)
    planned_on = _date(_("Planned on"))
    visited_on = _date(_("Visited on"), required=False)
    team = forms.CharField(label=_("Team"), max_length=200)
    purpose = _text(_("Purpose"), rows=3, required=False)

    def __init__(self, *args, court, **kwargs):
        super().__init__(*args, **kwargs)
        from tongxin.orgs.models import Court

        self.fields["target"].queryset = Court.objects.filter(
            path__startswith=court.path, is_active=True
        ).exclude(pk=court.pk)


class FindingForm(BootstrapMixin, forms.Form):
    text = _text(_("Finding"), rows=3)
