"""The annual appraisal: schemes, cycles, raters, computations and their results."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import NOTHING, scoped
from tongxin.evaluation import grading


class Grade(models.TextChoices):
    EXCELLENT = grading.EXCELLENT, _("Excellent")  # 优秀
    COMPETENT = grading.COMPETENT, _("Competent")  # 称职
    BASIC = grading.BASIC, _("Basically competent")  # 基本称职
    INCOMPETENT = grading.INCOMPETENT, _("Incompetent")  # 不称职


class RaterGroup(models.TextChoices):
    LEADER = "leader", _("Leaders")
    COLLEAGUE = "colleague", _("Colleagues")
    SUBORDINATE = "subordinate", _("Subordinates")
    MASSES = "masses", _("The masses")


def _anyone_with(scope, perm):
    return Q() if scope.has(perm) else NOTHING


# Schemes are national data (like the health thresholds): read by whoever reads cycles,
# changed by system administrators.
@scoped(view=Perm.EVAL_VIEW, change=Perm.RULE_CHANGE, rule=_anyone_with)
class Scheme(models.Model):
    """A scheme as data: `definition` holds the weighted criteria tree, the rules (vetoes and
    caps), the grade thresholds and the tie-break order (grading.check_scheme). A cycle
    copies it when it opens, so editing a scheme never changes an open cycle."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.CharField(_("position category"), max_length=20)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    definition = models.JSONField(_("definition"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("appraisal scheme")

    def __str__(self):
        return self.name_zh


@scoped(court="court__path", view=Perm.EVAL_VIEW, change=Perm.EVAL_CHANGE)
class Cycle(models.Model):
    """A yearly appraisal of a court subtree. draft → open (scheme frozen) → computed →
    published (review period) → final (locked)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for rating")
        COMPUTED = "computed", _("Computed")
        PUBLISHED = "published", _("Published")
        FINAL = "final", _("Final")

    court = models.ForeignKey("orgs.Court", verbose_name=_("court"), on_delete=models.PROTECT)
    year = models.PositiveIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    categories = models.JSONField(_("staff categories"), default=list)
    schemes = models.JSONField(default=dict)  # {category: scheme id}
    frozen = models.JSONField(default=dict)  # {category: scheme definition}, set on opening
    rate = models.DecimalField(_("excellent quota (%)"), max_digits=4, decimal_places=1, default=20)
    approval = models.CharField(_("approval for a higher quota"), max_length=200, blank=True)
    opens_on = models.DateField(_("rating opens"))
    rating_closes_on = models.DateField(_("rating closes"))
    publish_until = models.DateField(_("published until"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        ordering = ["-year", "court__path", "name"]
        verbose_name = _("appraisal cycle")
        constraints = [
            models.UniqueConstraint(fields=["court", "year", "name"], name="eval_cycle_unique"),
            models.CheckConstraint(
                condition=Q(rate__lte=20) | ~Q(approval=""), name="eval_cycle_rate_approved"
            ),
            models.CheckConstraint(condition=Q(rate__lte=25), name="eval_cycle_rate_max"),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"


@scoped(court="person__court__path", view=Perm.EVAL_VIEW, change=Perm.EVAL_CHANGE)
class CycleMember(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20)
    unit = models.CharField(max_length=20)  # the court whose quota the person counts in

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="eval_member_unique")
        ]

    def __str__(self):
        return f"{self.cycle_id}:{self.person_id}"


def _own_ratings(scope, perm):
    """A rater's scores are theirs alone: no role reads another's (results show aggregates)."""
    user = scope.user
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    return Q(rater__user_id=user.pk)


@scoped(view=Perm.EVAL_VIEW, rule=_own_ratings)
class RaterAssignment(models.Model):
    """Who rates whom in a cycle, in which rater group, and the score (a draft until the
    rater's sheet is submitted)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assignments")
    rater = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    ratee = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("rater group"), max_length=12, choices=RaterGroup.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["cycle", "rater", "ratee"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "rater", "ratee"], name="eval_rate_once"),
            models.CheckConstraint(condition=~Q(rater=models.F("ratee")), name="eval_not_self"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="eval_score_scale",
            ),
        ]

    def __str__(self):
        return f"{self.cycle_id}:{self.rater_id}→{self.ratee_id}"


@scoped(view=Perm.EVAL_VIEW, rule=_own_ratings)
class RaterSheet(models.Model):
    """A rater's submission: once, for all their assignments in the cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="sheets")
    rater = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "rater"], name="eval_sheet_once")]

    def __str__(self):
        return f"{self.cycle_id}:{self.rater_id}"


@scoped(court="cycle__court__path", view=Perm.EVAL_VIEW, change=Perm.EVAL_CHANGE)
class Computation(models.Model):
    """One run of the engine over a cycle. Its results are never changed: a new run writes
    new rows, and the cycle's results are those of its latest run."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="computations")
    computed_at = models.DateTimeField(auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    quotas = models.JSONField(default=dict)  # {unit: quota}
    # {category: scheme definition} as computed with: its results' explanations are rebuilt
    # from it (empty for runs before it was kept: their results store the explanation).
    schemes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-id"]
        # What a result's (computation, cycle) refers to (migration 0007).
        constraints = [
            models.UniqueConstraint(fields=["id", "cycle"], name="eval_computation_cycle")
        ]

    def __str__(self):
        return f"{self.cycle_id} #{self.pk}"


@scoped(court="person__court__path", view=Perm.EVAL_VIEW, change=Perm.EVAL_CHANGE)
class Result(models.Model):
    """The raw outcome for a person: per-criterion raw scores, the rater groups' means, the
    source records, final score, vetoes, computed grade. Append-only (save refuses an
    update); the committee's word is an Override beside it.

    The explanation (`criteria`: each criterion's weight, score, whether it was used and how
    its record was scored) is rebuilt from `scores`, `groups` and `facts` with the scheme
    the computation kept; results computed before that store it whole (`stored_criteria`)."""

    class Status(models.TextChoices):
        GRADED = grading.GRADED, _("Graded")
        TIE = grading.TIE, _("Tied at the quota line: the committee decides")
        UNGRADED = grading.UNGRADED, _("No grade")

    # The database checks a result's person and its (computation, cycle) pair as foreign
    # keys would (migrations 0007, 0008), without a foreign key's per-row check at commit
    # for the national bulk write (about 3.4 s of a national compute, bench/README.md): on
    # PostgreSQL a row trigger checks every ordinary write, the one bulk writer
    # (compute.results_write) checks the rows it copied in one query; triggers refuse
    # deleting or renumbering a person or a computation that results name, and one
    # advisory lock stands in for a foreign key's row locks. SQLite keeps the person's
    # foreign key (migration 0008 drops it on PostgreSQL only) and checks the pair by row
    # triggers. The pair: a result's cycle is its computation's. Django manages none of it
    # (db_constraint False); a migration that remakes evaluation_result on SQLite must add
    # the person's key and the triggers back (tests/evaluation/test_result_integrity.py
    # fails otherwise). The computation needs no index of its own: eval_result_once
    # starts with it. Nor the cycle: results are read by computation (the latest) or by
    # person, and a cycle's results by a join from a few rows (its open reviews); cycles
    # are not deleted (an index less to fill for each of a national cycle's rows).
    computation = models.ForeignKey(
        Computation,
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        db_constraint=False,
    )
    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.CASCADE,
        related_name="results",
        db_constraint=False,
        db_index=False,
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    category = models.CharField(max_length=20)
    unit = models.CharField(max_length=20)
    final = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    grade = models.CharField(max_length=12, choices=Grade.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    rank = models.PositiveIntegerField(null=True)
    stored_criteria = models.JSONField(default=dict, db_column="criteria")
    scores = models.JSONField(default=dict)  # {criterion code: raw score text or None}
    groups = models.JSONField(default=dict)  # {rater criterion: {group: {"mean", "count"}}}
    vetoes = models.JSONField(default=list)
    # The source records (a source may answer with decimals or dates: the encoder keeps them).
    facts = models.JSONField(
        default=dict, encoder=DjangoJSONEncoder
    )  # the source records the criteria were scored on

    class Meta:
        ordering = ["unit", "-final", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["computation", "person"], name="eval_result_once")
        ]

    def __str__(self):
        return f"{self.cycle_id}:{self.person_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("results are never changed (an override records the committee's)")
        super().save(*args, **kwargs)

    @property
    def scheme(self) -> dict:
        """The scheme definition this result was computed with."""
        kept = self.computation.schemes.get(self.category)
        return kept if kept is not None else self.cycle.frozen.get(self.category) or {}

    @property
    def criteria(self) -> dict[str, dict]:
        """code -> {"score", "weight", "used", "detail", "source"} (grading.explain_criteria)."""
        if self.stored_criteria:
            return self.stored_criteria
        return grading.criteria_of(self.scheme, self.scores, self.groups, self.facts)


@scoped(court="result__person__court__path", view=Perm.EVAL_VIEW, change=Perm.EVAL_CHANGE)
class Override(models.Model):
    """The committee's grade for a result, with its reason; the latest one counts."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="overrides")
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["result", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="eval_override_reason")]

    def __str__(self):
        return f"{self.result_id}: {self.grade}"


@scoped(court="result__person__court__path", view=Perm.EVAL_VIEW, change=Perm.EVAL_CHANGE)
class ReviewRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the committee")
        ANSWERED = "answered", _("Answered")

    result = models.OneToOneField(Result, on_delete=models.PROTECT, related_name="review")
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="eval_review_reason")]

    def __str__(self):
        return f"{self.result_id}: {self.status}"
