"""Plan the year: a proposed schedule of every activity the rules in force require of an
organisation, which the secretary adjusts and saves (`services.plan_save`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tongxin.meetings.compliance import CADENCE_MONTHS, PER_TERM, Facts, period_of
from tongxin.meetings.models import ComplianceRule, Kind, Meeting
from tongxin.orgs.models import CommitteePost

# Where in its period each activity is proposed: (month offset in the period, day).
PLACE = {
    "org_life": (11, 10),  # usually Q4: December
    "democratic_life": (11, 10),
    "warning": (5, 20),
    "lesson": (1, 15),
    "general": (2, 10),
    "centre_study": (1, 20),
}


@dataclass
class Proposal:
    kind: str
    held_on: datetime.date
    topic: str

    @property
    def label(self):
        return Kind(self.kind).label


def propose(organisation, year: int, *, theme_day: int | None = None) -> list[Proposal]:
    """Every required activity of `year` not yet planned or held, with a proposed date and
    topic (four queries: the branch's theme day, rule versions, committee posts, meetings of
    the year). The theme Party day falls on the branch's fixed day (`ThemeDay`, else 15th)."""
    if theme_day is None:
        from tongxin.meetings.services import theme_day_of

        theme_day = theme_day_of(organisation)
    versions: dict = {}
    for row in ComplianceRule.objects.select_related("court").order_by("effective_from"):
        versions.setdefault(row.activity, []).append((row.court.path if row.court_id else "", row))
    posts = list(
        CommitteePost.objects.filter(organisation=organisation).values_list("starts_on", "ends_on")
    )
    facts = Facts(datetime.date(year, 12, 31), [], [], versions, {organisation.pk: posts}, {})
    taken = set(
        Meeting.objects.filter(participants__organisation=organisation, held_on__year=year)
        .exclude(status=Meeting.Status.CANCELLED)
        .values_list("kind", "held_on")
    )
    out = []
    court_path = organisation.court.path
    for activity, label in Kind.choices:
        month = datetime.date(year, 1, 1)
        while month.year == year:
            rule = facts.version(activity, court_path, month)
            if rule is None:
                break
            if rule.cadence == PER_TERM:
                out += _per_term(organisation, rule, year, activity, label)
                break
            start, end = period_of(month, rule.cadence)
            size = CADENCE_MONTHS[rule.cadence]
            applies = (
                rule.is_enabled
                and organisation.kind in rule.kinds
                and (rule.needs != "committee" or facts.has_committee(organisation.pk, start))
                and (organisation.founded_on is None or organisation.founded_on <= start)
            )
            if applies and not any(k == activity and start <= d <= end for k, d in taken):
                offset, day = PLACE.get(activity, (0, theme_day))
                offset = min(offset, size - 1)
                at = start.replace(month=start.month + offset, day=day)
                for n in range(rule.times):
                    out.append(Proposal(activity, at + datetime.timedelta(days=7 * n), str(label)))
            month = (end + datetime.timedelta(days=1)).replace(day=1)
            if end.year > year:
                break
    out.sort(key=lambda p: (p.held_on, p.kind))
    return out


def _per_term(organisation, rule, year: int, activity: str, label) -> list[Proposal]:
    """A once-per-term activity: proposed two months before the end of a committee term
    that ends in `year`, unless held or planned since the term began."""
    from tongxin.orgs.models import CommitteeTerm

    if not rule.is_enabled or organisation.kind not in rule.kinds:
        return []
    out = []
    for start, end in CommitteeTerm.objects.filter(
        organisation=organisation, ends_on__year=year
    ).values_list("starts_on", "ends_on"):
        if (
            Meeting.objects.filter(
                participants__organisation=organisation,
                kind=activity,
                held_on__range=(start, end),
            )
            .exclude(status=Meeting.Status.CANCELLED)
            .exists()
        ):
            continue
        at = max(start, end - datetime.timedelta(days=60))
        out += [Proposal(activity, at, str(label)) for _n in range(rule.times)]
    return out


def default_topic(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else _("Meeting")
