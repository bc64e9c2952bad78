"""Branch elections (换届选举) held by secret ballot: the one ballot mechanism of ballots.py.

The election record domain.md asks for: eligible voters, those present (at least four fifths
for a valid election), votes per candidate (the poll's tally), the elected (more than half of
the votes of those present), the higher organisation's approval and the committee's division
of posts (the committee term recorded through orgs.services.election_record)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped


@scoped(
    court="organisation__court__path",
    org="organisation__path",
    view=Perm.EVAL_BRANCH,
    change=Perm.EVAL_BRANCH,
)
class Election(models.Model):
    class Status(models.TextChoices):
        VOTING = "voting", _("Voting")
        COUNTED = "counted", _("Counted")
        CONTINUED = "continued", _("Continued in another round")
        RECORDED = "recorded", _("Committee recorded")

    organisation = models.ForeignKey(
        "orgs.PartyOrganisation", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    held_on = models.DateField(_("election day"))
    seats = models.PositiveSmallIntegerField(_("seats"))
    eligible = models.PositiveIntegerField(_("eligible voters"))
    present = models.PositiveIntegerField(_("voters present"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VOTING)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    poll = models.OneToOneField(
        "evaluation.Poll", on_delete=models.PROTECT, related_name="election"
    )
    approved_on = models.DateField(_("approved by the higher organisation on"), null=True)
    term = models.OneToOneField(
        "orgs.CommitteeTerm", null=True, on_delete=models.PROTECT, related_name="election"
    )
    # Another round of the same election (a tie for the last seats, or seats left unfilled):
    # the same voters present vote again for the seats still open; the committee is recorded
    # once, from the last round, with the elected of every round.
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        verbose_name=_("previous round"),
        on_delete=models.PROTECT,
        related_name="next_round",
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="voting"),
                name="eval_election_one_open",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1, seats__lte=7), name="eval_seats"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.held_on:%Y-%m-%d}"
