"""The relational side of the trial app: indicator values for pages and the API (the cases
themselves live in the Parquet case store, `store.py`), and the judge as seen by it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped
from tongxin.people.models import Person
from tongxin.trial.scope import judge_rule, value_rule


@scoped(court="court__path", view=Perm.TRIAL_VIEW, rule=judge_rule)
class Judge(Person):
    """A person as the trial pages see them: trial managers and leaders reach the judges of
    their court subtree; every judge reaches their own record."""

    class Meta:
        proxy = True
        verbose_name = _("judge")
        verbose_name_plural = _("judges")


@scoped(court="court__path", view=Perm.TRIAL_VIEW, rule=value_rule)
class IndicatorValue(models.Model):
    class Level(models.TextChoices):
        COURT = "court", _("Court")
        DEPARTMENT = "department", _("Department")
        JUDGE = "judge", _("Judge")

    court = models.ForeignKey(
        "orgs.Court", verbose_name=_("court"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    department = models.CharField(_("department"), max_length=100, blank=True, default="")
    judge = models.ForeignKey(
        Person,
        verbose_name=_("judge"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    period = models.CharField(_("period"), max_length=8)  # 2024, 2024Q3, 2024-07
    case_type = models.CharField(_("case type"), max_length=8, blank=True, default="")
    code = models.CharField(_("indicator"), max_length=40)
    numerator = models.FloatField(_("numerator"), null=True)
    denominator = models.FloatField(_("denominator"), null=True)
    value = models.FloatField(_("value"), null=True)  # None: zero denominator, no value
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [
            models.Index(fields=["court", "period", "level"], name="trial_value_court"),
            models.Index(fields=["judge", "period"], name="trial_value_judge"),
            models.Index(fields=["period", "code"], name="trial_value_period"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.period}: {self.value}"
