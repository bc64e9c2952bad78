"""What the care app tells the inbox: the talks a committee member still owes this year
("my work"), and in the fourth quarter a reminder to committee members with gaps."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from tongxin.care.coverage import year_range
from tongxin.care.models import Talk
from tongxin.inbox.registry import Draft, Waiting, reminder_source, waiting_source
from tongxin.orgs.models import CommitteePost, PartyOrganisation

Q4_FROM_MONTH = 10


def _open_on(day: datetime.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gt=day))


def owed(posts: list[tuple[int, int]], today: datetime.date) -> dict[tuple[int, int], int]:
    """For (person, organisation) committee posts: how many members of that organisation
    today the person has not talked with this year. Two queries whatever the number."""
    from tongxin.people.models import Membership

    if not posts:
        return {}
    org_ids = {org_id for _person, org_id in posts}
    members = defaultdict(set)
    for org_id, person_id in (
        Membership.objects.filter(_open_on(today), organisation_id__in=org_ids)
        .order_by()
        .values_list("organisation_id", "person_id")
    ):
        members[org_id].add(person_id)
    talked = defaultdict(set)
    for org_id, talker_id, person_id in (
        Talk.objects.filter(
            organisation_id__in=org_ids,
            talker_id__in={person for person, _org in posts},
            held_on__range=year_range(today.year),
        )
        .order_by()
        .values_list("organisation_id", "talker_id", "person_id")
        .distinct()
    ):
        talked[(talker_id, org_id)].add(person_id)
    return {
        (person, org_id): len(members[org_id] - {person} - talked[(person, org_id)])
        for person, org_id in posts
    }


def _committee_posts(today: datetime.date, **where) -> list[tuple[int, int]]:
    return list(
        CommitteePost.objects.filter(
            _open_on(today),
            organisation__kind__in=PartyOrganisation.ELECTED_KINDS,
            **where,
        )
        .order_by()
        .values_list("person_id", "organisation_id")
    )


@waiting_source("care.talks")
def talks_due(user) -> list[Waiting]:
    """Members of the user's branch they have not talked with this year (three queries), for
    users with a branch role that records talks: other users cost no query (the grants are
    loaded once per request already), which keeps every page's header as cheap as before."""
    from django.utils import timezone

    from tongxin.core.permissions import Perm
    from tongxin.core.scoping import scope_for

    if not scope_for(user).org_paths(Perm.TALK_CHANGE):
        return []
    today = timezone.localdate()
    posts = _committee_posts(today, person__user_id=user.pk)
    out = []
    for (_person, org_id), count in sorted(owed(posts, today).items()):
        out.append(
            Waiting(
                label=gettext_lazy("Talks due this year"),
                count=count,
                url=reverse("care:coverage-detail", args=[org_id]),
            )
        )
    return out


@reminder_source("care.coverage")
def coverage_gaps(today: datetime.date):
    """From October on: each committee member with an account and members not yet talked
    with this year is reminded once a year (three queries)."""
    if today.month < Q4_FROM_MONTH:
        return
    posts = list(
        CommitteePost.objects.filter(
            _open_on(today),
            organisation__kind__in=PartyOrganisation.ELECTED_KINDS,
            person__user_id__isnull=False,
        )
        .order_by()
        .values_list("person_id", "organisation_id", "person__user_id")
    )
    users = {(person, org): user for person, org, user in posts}
    for (person, org_id), count in owed([(p, o) for p, o, _u in posts], today).items():
        if count:
            yield Draft(
                user_id=users[(person, org_id)],
                event_key=f"care.coverage:{org_id}:{person}:{today.year}",
                subject=format_lazy(
                    gettext_lazy("{} members not yet talked with this year"), count
                ),
                body=gettext_lazy(
                    "Each committee member talks with each member of the branch at least "
                    "once a year."
                ),
                url=reverse("care:coverage-detail", args=[org_id]),
                kind="care.coverage",
            )
