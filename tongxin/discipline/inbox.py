"""What the discipline app tells the inbox: the quarterly summary falls due in the first
fortnight of each quarter for the discipline inspection offices; "my work" shows the
office the immediate reports of the last week in its reach."""

import datetime

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from tongxin.core.permissions import Perm, Role
from tongxin.core.scoping import scope_for
from tongxin.discipline.models import RegisterEntry
from tongxin.discipline.selectors import quarter_of
from tongxin.inbox.registry import Draft, Waiting, reminder_source, waiting_source

SUMMARY_DUE_DAYS = 15


@reminder_source("discipline.summary")
def summary_due(today):
    """The previous quarter's summary (with its zero reports) is due: one query."""
    from tongxin.accounts.models import RoleGrant

    start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if (today - start).days >= SUMMARY_DUE_DAYS:
        return
    year, quarter = quarter_of(start - datetime.timedelta(days=1))
    users = (
        RoleGrant.objects.filter(role=Role.DISCIPLINE, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in users:
        yield Draft(
            user_id=user_id,
            event_key=f"discipline.summary:{year}Q{quarter}",
            subject=format_lazy(
                gettext_lazy("The interference register's summary of {} is due"),
                f"{year}Q{quarter}",
            ),
            url=f"/discipline/register/summary/?year={year}&quarter={quarter}",
            kind="discipline",
        )


@waiting_source("discipline.immediate")
def immediate(user):
    scope = scope_for(user)
    if not scope.has(Perm.REGISTER_VIEW):
        return []
    since = timezone.localdate() - datetime.timedelta(days=7)
    count = (
        scope.visible(RegisterEntry)
        .filter(affects_case=True, correction_of__isnull=True, occurred_on__gte=since)
        .count()
    )
    return [
        Waiting(
            label=gettext_lazy("Immediate reports of the last week"),
            count=count,
            url="/discipline/register/",
        )
    ]
