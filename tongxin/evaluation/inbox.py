"""What waits for a user in the evaluation app ("my work" on the inbox page) and the
reminders of open ballots. Each line is one or two queries."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.inbox.registry import Draft, Waiting, reminder_source, waiting_source


@waiting_source("evaluation.mine")
def waiting(user) -> list[Waiting]:
    from tongxin.evaluation.models import (
        Cycle,
        Poll,
        PollVoter,
        RaterAssignment,
        RaterSheet,
        Receipt,
        ReviewRequest,
    )
    from tongxin.evaluation.selectors import own_person

    out = []
    person = own_person(user)
    if person is not None:
        sheets = (
            RaterAssignment.objects.filter(rater=person, cycle__status=Cycle.Status.OPEN)
            .exclude(cycle__in=RaterSheet.objects.filter(rater=person).values("cycle"))
            .values("cycle")
            .distinct()
            .count()
        )
        if sheets:
            out.append(
                Waiting(
                    label=_("Rating sheets to submit"), count=sheets, url=reverse("evaluation:mine")
                )
            )
        ballots = (
            PollVoter.objects.filter(person=person, poll__status=Poll.Status.OPEN)
            .exclude(poll__in=Receipt.objects.filter(person=person).values("poll"))
            .count()
        )
        if ballots:
            out.append(
                Waiting(
                    label=_("Ballots waiting for you"),
                    count=ballots,
                    url=reverse("evaluation:mine"),
                )
            )
    scope = scope_for(user)
    if scope.has(Perm.EVAL_CHANGE):
        reviews = (
            scope.visible(ReviewRequest, Perm.EVAL_CHANGE)
            .filter(status=ReviewRequest.Status.OPEN)
            .count()
        )
        if reviews:
            out.append(
                Waiting(
                    label=_("Review requests to answer"),
                    count=reviews,
                    url=reverse("evaluation:cycle-list"),
                )
            )
    return out


@reminder_source("evaluation.ballots")
def ballots_open(today):
    """Each voter who has not voted in an open poll, once per poll."""
    from tongxin.evaluation.models import Poll, PollVoter, Receipt

    rows = (
        PollVoter.objects.filter(poll__status=Poll.Status.OPEN, person__user__isnull=False)
        .exclude(Exists(Receipt.objects.filter(poll=OuterRef("poll"), person=OuterRef("person"))))
        .values_list("person__user_id", "poll_id", "poll__title")
    )
    for user_id, poll_id, title in rows:
        yield Draft(
            user_id=user_id,
            event_key=f"evaluation.ballot:{poll_id}",
            subject=_("A ballot waits for you"),
            body=title,
            url=reverse("evaluation:poll-vote", args=[poll_id]),
        )
