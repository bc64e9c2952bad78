"""Party-member evaluation: democratic evaluation, commitments, selections."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped


class MemberGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")  # 优秀
    QUALIFIED = "qualified", _("Qualified")  # 合格
    BASIC = "basic", _("Basically qualified")  # 基本合格
    UNQUALIFIED = "unqualified", _("Unqualified")  # 不合格


BRANCH = dict(
    court="organisation__court__path",
    org="organisation__path",
    view=Perm.EVAL_BRANCH,
    change=Perm.EVAL_BRANCH,
)


@scoped(**BRANCH)
class DemocraticEvaluation(models.Model):
    """A branch's yearly democratic evaluation (民主评议党员): self-evaluations, a secret
    mutual ballot among full members, then the branch's decision."""

    class Status(models.TextChoices):
        SELF = "self", _("Self-evaluation")
        VOTING = "voting", _("Mutual evaluation (ballot open)")
        COUNTED = "counted", _("Ballot closed")
        DECIDED = "decided", _("Decided")

    organisation = models.ForeignKey(
        "orgs.PartyOrganisation", verbose_name=_("branch"), on_delete=models.PROTECT
    )
    year = models.PositiveIntegerField(_("year"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SELF)
    poll = models.OneToOneField(
        "evaluation.Poll", null=True, on_delete=models.PROTECT, related_name="democratic"
    )

    class Meta:
        ordering = ["-year", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="eval_dem_once")
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}"


@scoped(
    court="evaluation__organisation__court__path",
    org="evaluation__organisation__path",
    view=Perm.EVAL_BRANCH,
    change=Perm.EVAL_BRANCH,
)
class SelfEvaluation(models.Model):
    evaluation = models.ForeignKey(DemocraticEvaluation, on_delete=models.CASCADE)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("self-evaluation"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "person"], name="eval_self_once")
        ]

    def __str__(self):
        return f"{self.evaluation_id}:{self.person_id}"


@scoped(
    court="evaluation__organisation__court__path",
    org="evaluation__organisation__path",
    view=Perm.EVAL_BRANCH,
    change=Perm.EVAL_BRANCH,
)
class DemocraticGrade(models.Model):
    """The branch's decision for a full member (probationary members are not graded)."""

    evaluation = models.ForeignKey(
        DemocraticEvaluation, on_delete=models.CASCADE, related_name="grades"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=12, choices=MemberGrade.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "person"], name="eval_grade_once")
        ]

    def __str__(self):
        return f"{self.evaluation_id}:{self.person_id}"


@scoped(
    court="person__court__path",
    org="organisation__path",
    view=Perm.EVAL_BRANCH,
    change=Perm.EVAL_BRANCH,
)
class Commitment(models.Model):
    """A member's public commitment for a year (承诺): written, reviewed by the branch
    (accepted, or returned when vague), followed quarterly, evaluated at year end."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for rewording")
        EVALUATED = "evaluated", _("Evaluated")

    class Outcome(models.TextChoices):
        FULFILLED = "fulfilled", _("Fulfilled")
        PARTLY = "partly", _("Partly fulfilled")
        NOT = "not", _("Not fulfilled")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("orgs.PartyOrganisation", on_delete=models.PROTECT)
    year = models.PositiveIntegerField(_("year"))
    text = models.TextField(_("commitment"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(_("review note"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("evaluation"), blank=True)

    class Meta:
        ordering = ["person", "year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="evaluated") | Q(outcome=""), name="eval_commit_outcome"
            )
        ]

    def __str__(self):
        return self.text[:50]


@scoped(
    court="commitment__person__court__path",
    org="commitment__organisation__path",
    view=Perm.EVAL_BRANCH,
    change=Perm.EVAL_BRANCH,
)
class ProgressNote(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="notes")
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    text = models.TextField(_("progress"))

    class Meta:
        ordering = ["quarter"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "quarter"], name="eval_note_once"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="eval_q"),
        ]

    def __str__(self):
        return f"Q{self.quarter}"


@scoped(court="court__path", view=Perm.EVAL_VIEW, change=Perm.EVAL_CHANGE)
class Selection(models.Model):
    """A selection of "four-strong" branches (四强党支部) or model members (优秀共产党员):
    nominations with checklists from the product's records, a ballot, publication with an
    objection period, honours."""

    class Kind(models.TextChoices):
        FOUR_STRONG = "four_strong", _("Four-strong branches")
        MODEL_MEMBER = "model_member", _("Model members")

    class Status(models.TextChoices):
        NOMINATING = "nominating", _("Nominating")
        VOTING = "voting", _("Voting")
        OBJECTION = "objection", _("Published: objection period")
        CLOSED = "closed", _("Honours recorded")

    court = models.ForeignKey("orgs.Court", on_delete=models.PROTECT)
    year = models.PositiveIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NOMINATING)
    objection_until = models.DateField(_("objections until"), null=True, blank=True)
    poll = models.OneToOneField(
        "evaluation.Poll", null=True, on_delete=models.PROTECT, related_name="selection"
    )

    class Meta:
        ordering = ["-year", "kind"]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}"


@scoped(court="selection__court__path", view=Perm.EVAL_VIEW, change=Perm.EVAL_CHANGE)
class Nomination(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="nominations")
    organisation = models.ForeignKey(
        "orgs.PartyOrganisation", null=True, blank=True, on_delete=models.PROTECT
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checklist = models.JSONField(default=dict)  # criterion -> {"met": bool, "evidence": str}
    honoured = models.BooleanField(_("honoured"), default=False)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) ^ Q(person__isnull=True),
                name="eval_nominee_one",
            )
        ]

    def __str__(self):
        return f"{self.selection_id}:{self.organisation_id or self.person_id}"
