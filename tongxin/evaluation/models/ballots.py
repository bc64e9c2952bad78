"""Secret ballots (see tongxin/evaluation/ballots.py and docs/ballots.md).

Receipts (who voted) and ballots (what was chosen) share no key, no order and no time:
- `Receipt` is (poll, voter), unique: one person, one ballot;
- while the poll is open a ballot is a `SealedBallot`: padded, encrypted with a key that is
  not in the database, random id, no time;
- at close the sealed ballots are opened, shuffled and written as `Ballot` rows (random id,
  no time) in one statement, and the sealed rows deleted.
No model here has a timestamp, and casting a ballot writes no audit entry.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import NOTHING, any_prefix, scoped


def _poll_rule(scope, perm):
    return any_prefix(scope.court_paths(perm), "court__path") | any_prefix(
        scope.org_paths(Perm.EVAL_BRANCH), "organisation__path"
    )


def _never(scope, perm):
    """Receipts and ballots are read only by the ballot services (tallies, "have I voted")."""
    return NOTHING


@scoped(view=Perm.EVAL_VIEW, change=Perm.EVAL_CHANGE, rule=_poll_rule)
class Poll(models.Model):
    class Kind(models.TextChoices):
        DEMOCRATIC = "democratic", _("Democratic evaluation")
        SELECTION = "selection", _("Selection")
        ELECTION = "election", _("Election")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    court = models.ForeignKey("orgs.Court", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "orgs.PartyOrganisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    # What is voted on: [{"key": "123", "label": "张三"}]; each ballot gives each item one of
    # `choices` (or leaves it blank: an abstention on that item).
    items = models.JSONField(default=list)
    choices = models.JSONField(default=list)
    # At most this many items may be given the first choice on one ballot (an election's
    # seats: no more "for" marks than seats); null: no limit.
    limit = models.PositiveSmallIntegerField(null=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    tally = models.JSONField(null=True)  # written at close; a recount must give the same

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return self.title


@scoped(view=Perm.EVAL_VIEW, rule=_never)
class PollVoter(models.Model):
    """The electorate, fixed when the poll opens."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="voters")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "person"], name="ballot_voter_once")]

    def __str__(self):
        return f"{self.poll_id}:{self.person_id}"


@scoped(view=Perm.EVAL_VIEW, rule=_never)
class Receipt(models.Model):
    """That a voter has voted (not what); unique per poll and voter. No timestamp."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "person"], name="ballot_receipt_once")
        ]

    def __str__(self):
        return f"{self.poll_id}:{self.person_id}"


@scoped(view=Perm.EVAL_VIEW, rule=_never)
class SealedBallot(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    box = models.BinaryField()

    def __str__(self):
        return "sealed ballot"


@scoped(view=Perm.EVAL_VIEW, rule=_never)
class Ballot(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    content = models.JSONField()  # {item key: choice}

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(content=None), name="ballot_content")]

    def __str__(self):
        return "ballot"
