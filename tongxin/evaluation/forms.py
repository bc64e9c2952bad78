"""Forms of the evaluation pages: they parse; the services decide."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.core.forms import BootstrapMixin
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.evaluation.models import Commitment, Grade, MemberGrade
from tongxin.evaluation.models.appraisal import RaterGroup
from tongxin.people.models import Person

TEXT = forms.Textarea(attrs={"rows": 3, "class": "form-control"})


def _bootstrap(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
        ):
            continue
        widget.attrs.setdefault(
            "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
        )
    return form


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class CycleForm(Form):
    court = forms.ModelChoiceField(label=_("Court subtree"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=100)
    categories = forms.MultipleChoiceField(
        label=_("Staff categories assessed"),
        choices=Person.Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    rate = forms.DecimalField(
        label=_("Excellent quota (%)"), min_value=0, max_value=25, initial=20, decimal_places=1
    )
    approval = forms.CharField(
        label=_("Approval for a quota above 20%"), required=False, max_length=200
    )
    opens_on = forms.DateField(
        label=_("Rating opens"), widget=forms.DateInput(attrs={"type": "date"})
    )
    rating_closes_on = forms.DateField(
        label=_("Rating closes"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from tongxin.orgs.models import Court

        self.fields["court"].queryset = (
            scope_for(user).visible(Court, Perm.EVAL_CHANGE).order_by("path")
        )
        self.fields["year"].initial = datetime.date.today().year


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), widget=TEXT, max_length=2000)


class ElectorateForm(Form):
    electorate = forms.ChoiceField(label=_("Who votes"), widget=forms.RadioSelect)

    def __init__(self, *args, sizes: dict, **kwargs):
        from tongxin.evaluation.party import ELECTORATES

        super().__init__(*args, **kwargs)
        self.fields["electorate"].choices = [
            (key, _("%(who)s (%(n)s)") % {"who": label, "n": sizes[key]})
            for key, label in ELECTORATES.items()
        ]
        self.fields["electorate"].initial = "members"


class PublishForm(Form):
    until = forms.DateField(
        label=_("Published until"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AssignForm(Form):
    rater = forms.ModelChoiceField(label=_("Rater"), queryset=None)
    ratee = forms.ModelChoiceField(label=_("Person rated"), queryset=None)
    group = forms.ChoiceField(label=_("Rater group"), choices=RaterGroup.choices)

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Person.objects.filter(court__path__startswith=cycle.court.path, is_active=True)
        self.fields["rater"].queryset = staff.order_by("name")
        self.fields["ratee"].queryset = staff.filter(category__in=cycle.categories).order_by("name")


class OverrideForm(Form):
    grade = forms.ChoiceField(
        label=_("Grade"), choices=[("", _("No grade")), *Grade.choices], required=False
    )
    reason = forms.CharField(label=_("Reason"), widget=TEXT, max_length=2000)


class AnswerForm(Form):
    answer = forms.CharField(label=_("The committee's answer"), widget=TEXT, max_length=4000)
    grade = forms.ChoiceField(
        label=_("Change the grade to"),
        required=False,
        choices=[("", _("Keep the grade")), *Grade.choices],
    )


class SchemeForm(Form):
    definition = forms.JSONField(
        label=_("Definition (criteria tree, rules, thresholds, tie order)"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "form-control font-monospace"}),
    )


class DemocraticForm(Form):
    organisation = forms.ModelChoiceField(label=_("Branch"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from tongxin.orgs.models import PartyOrganisation

        self.fields["organisation"].queryset = (
            scope_for(user)
            .visible(PartyOrganisation, Perm.EVAL_BRANCH)
            .filter(kind="branch", is_active=True)
            .order_by("path")
        )
        self.fields["year"].initial = datetime.date.today().year


class SelfForm(Form):
    text = forms.CharField(
        label=_("Self-evaluation"), widget=forms.Textarea(attrs={"rows": 8}), max_length=5000
    )


class DecideForm(Form):
    """One grade per full member on the ballot."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"g{item['key']}"] = forms.ChoiceField(
                label=item["label"], choices=MemberGrade.choices
            )
        _bootstrap(self)

    def grades(self):
        return {k[1:]: v for k, v in self.cleaned_data.items()}


class BallotForm(forms.Form):
    """Each item a choice (blank: abstain); the voter's own item is left out."""

    def __init__(self, *args, items, choices, exclude: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            if str(item["key"]) == exclude:
                continue
            self.fields[f"i{item['key']}"] = forms.ChoiceField(
                label=item["label"],
                required=False,
                widget=forms.RadioSelect,
                choices=[("", _("Abstain")), *choices],
            )

    def content(self):
        return {k[1:]: v for k, v in self.cleaned_data.items() if v}


class CommitmentsForm(Form):
    text1 = forms.CharField(label=_("Commitment 1"), max_length=500)
    text2 = forms.CharField(label=_("Commitment 2"), max_length=500)
    text3 = forms.CharField(label=_("Commitment 3"), max_length=500, required=False)
    text4 = forms.CharField(label=_("Commitment 4"), max_length=500, required=False)
    text5 = forms.CharField(label=_("Commitment 5"), max_length=500, required=False)

    def texts(self):
        return [self.cleaned_data.get(f"text{i}", "") for i in range(1, 6)]


class CommitmentReviewForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("accept", _("Accept")), ("return", _("Return for rewording"))],
    )
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False, max_length=1000)


class ProgressForm(Form):
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]
    )
    text = forms.CharField(label=_("Progress"), widget=TEXT, max_length=2000)


class EvaluateForm(Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Commitment.Outcome.choices)
    note = forms.CharField(label=_("Evaluation"), widget=TEXT, required=False, max_length=2000)


class SelectionForm(Form):
    court = forms.ModelChoiceField(label=_("Court"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=[])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from tongxin.evaluation.models import Selection
        from tongxin.orgs.models import Court

        self.fields["court"].queryset = (
            scope_for(user).visible(Court, Perm.EVAL_CHANGE).order_by("path")
        )
        self.fields["kind"].choices = Selection.Kind.choices
        self.fields["year"].initial = datetime.date.today().year


class NominateForm(Form):
    organisation = forms.ModelChoiceField(label=_("Branch"), queryset=None, required=False)
    person = forms.ModelChoiceField(label=_("Member"), queryset=None, required=False)

    def __init__(self, *args, selection, **kwargs):
        super().__init__(*args, **kwargs)
        from tongxin.orgs.models import PartyOrganisation

        path = selection.court.path
        self.fields["organisation"].queryset = PartyOrganisation.objects.filter(
            court__path__startswith=path, kind="branch", is_active=True
        ).order_by("path")
        self.fields["person"].queryset = Person.objects.filter(
            court__path__startswith=path, is_active=True, political_status="full"
        ).order_by("name")


class HonoursForm(forms.Form):
    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["honoured"] = forms.MultipleChoiceField(
            label=_("Honoured"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(n.pk, str(n.organisation or n.person)) for n in nominations],
        )


# Elections -------------------------------------------------------------------------------


class ElectionOrganisationForm(BootstrapMixin, forms.Form):
    """Step one: which organisation elects its committee."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from tongxin.orgs.models import PartyOrganisation

        self.fields["organisation"].queryset = (
            scope_for(user)
            .visible(PartyOrganisation, Perm.EVAL_BRANCH)
            .filter(kind__in=PartyOrganisation.ELECTED_KINDS, is_active=True)
            .order_by("path")
        )


class ElectionOpenForm(BootstrapMixin, forms.Form):
    """Step two: seats, candidates and who is present, among the eligible voters."""

    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=7,
        help_text=_("7 or more full members: a committee of 3 to 5 (at most 7); fewer: 1."),
    )
    candidates = forms.ModelMultipleChoiceField(
        label=_("Candidates"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    present = forms.ModelMultipleChoiceField(
        label=_("Present at the meeting"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least four fifths of the eligible voters must be present."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Person.objects.filter(pk__in=[p.pk for p in people]).order_by("name", "pk")
        self.fields["candidates"].queryset = queryset
        self.fields["present"].queryset = queryset
        self.fields["present"].initial = [p.pk for p in people]
        self.fields["seats"].initial = 1 if len(people) < 7 else 3


def committee_form_class():
    """The orgs app's election form (posts), without the date: the election day is fixed."""
    from tongxin.orgs.forms import ElectionForm

    class CommitteeForm(ElectionForm):
        approved_on = forms.DateField(
            label=_("Approved by the higher organisation on"),
            widget=forms.DateInput(attrs={"type": "date"}),
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            del self.fields["elected_on"]

    return CommitteeForm
