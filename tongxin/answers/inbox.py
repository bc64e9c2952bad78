"""The answers app's part of "my work" and of the reminders (the inbox contract): computed
in `answers.reminders` and `answers.selectors.waiting_counts`, wrapped here."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongxin.answers import reminders
from tongxin.answers.selectors import waiting_counts
from tongxin.inbox.registry import Draft, Waiting, reminder_source, waiting_source


def _drafts(found):
    for r in found:
        yield Draft(user_id=r.user_id, event_key=r.event_key, subject=r.subject, body="", url=r.url)


@reminder_source("answers.due")
def due(today):
    return _drafts(reminders.due(today))


@reminder_source("answers.overdue")
def overdue(today):
    return _drafts(reminders.overdue(today))


@reminder_source("answers.escalation")
def escalation(today):
    return _drafts(reminders.escalation(today))


@waiting_source("answers.work")
def waiting(user):
    counts = waiting_counts(user)
    mine = reverse("answers:task-mine")
    return [
        Waiting(label=_("Tasks due"), count=counts["due"], url=mine),
        Waiting(
            label=_("Tasks to verify"),
            count=counts["verify"],
            url=f"{mine}?as=assigner&state=submitted",
        ),
        Waiting(
            label=_("Extension requests to decide"),
            count=counts["extensions"],
            url=f"{mine}?as=assigner&state=extension",
        ),
        Waiting(
            label=_("Opinions to triage"),
            count=counts["triage"],
            url=reverse("answers:opinion-list") + "?state=submitted",
        ),
    ]
