"""Organisation health: every rule broken in a court subtree, each with its reason and a link.

The nine rules are objects on the generic runner (`tongxin.core.rules`): each says what it
checks and why it is broken. Their thresholds and on/off switches are HealthRule rows
(editable data; the defaults of domain.md come from a data migration, and a missing row means
the rule's default).

The rules read the maintained facts (`tongxin.orgs.facts`: one `OrganisationFacts` row per
organisation, one `UnassignedMember` row per member outside every organisation), never the
memberships, posts and terms themselves. Each organisation rule is a condition on the facts
table (`condition`), so counting its findings is one aggregate (one query for all of them)
and a page of findings is one indexed query per rule shown: the cost of the health page
and of the home page's counts does not grow with the country.
"""

from __future__ import annotations

import datetime

from django.conf import settings as django_settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.core import rules
from tongxin.core.rules import Finding, Findings, Rule, RuleSet, Settings
from tongxin.lib.dates import add_months
from tongxin.orgs.health_facts import HealthFacts, OrgFacts, facts_load, url_format
from tongxin.orgs.models import HealthRule, PartyOrganisation

__all__ = ["RULES", "Finding", "check", "counts", "facts_load", "findings", "settings_load"]

Kind = PartyOrganisation.Kind


# Rules -----------------------------------------------------------------------------------


class _OrgRule(Rule):
    """A rule on organisations: a condition on their facts rows (the one definition of the
    rule, for counting and for listing) and the reason shown for a row that meets it."""

    def condition(self, facts: HealthFacts, settings: Settings) -> Q:
        raise NotImplementedError

    def reason(self, org: OrgFacts, facts: HealthFacts, settings: Settings) -> str:
        raise NotImplementedError

    def evaluate(self, facts, settings):
        return self._found(facts, settings, facts.org_rows(self.condition(facts, settings)))

    def window(self, facts, settings, start, stop):
        rows = facts.org_rows(self.condition(facts, settings), start, stop)
        return list(self._found(facts, settings, rows))

    def counted(self, facts, settings):
        """The facts rows this rule finds (counted with the other rules': `facts.counts`)."""
        return facts.organisations.filter(self.condition(facts, settings))

    def count(self, facts, settings):
        return facts.counts(settings)[self.code]

    def _found(self, facts, settings, rows):
        for org in rows:
            yield self.finding(org.name, org.court, self.reason(org, facts, settings), org.url)


class BranchTooSmall(_OrgRule):
    code = "branch_too_small"
    label = gettext_lazy("Branch below the minimum of full members")
    value = 3
    value_help = gettext_lazy("minimum full members")

    def condition(self, facts, settings):
        return Q(kind=Kind.BRANCH, full__lt=settings[self.code].value)

    def reason(self, org, facts, settings):
        return _("%(n)s full members; a branch needs at least %(min)s.") % {
            "n": org.full,
            "min": settings[self.code].value,
        }


class BranchTooLarge(_OrgRule):
    code = "branch_too_large"
    label = gettext_lazy("Branch above the maximum of full members")
    value = 50
    value_help = gettext_lazy("maximum full members")

    def condition(self, facts, settings):
        return Q(kind=Kind.BRANCH, full__gt=settings[self.code].value)

    def reason(self, org, facts, settings):
        return _(
            "%(n)s full members; a branch should have at most %(max)s (consider a general branch)."
        ) % {"n": org.full, "max": settings[self.code].value}


class CommitteeMissing(_OrgRule):
    code = "committee_missing"
    label = gettext_lazy("Branch large enough for a committee has none")
    value = 7
    value_help = gettext_lazy("full members from which a committee is required")

    def condition(self, facts, settings):
        return Q(kind=Kind.BRANCH, full__gte=settings[self.code].value, committee__lte=1)

    def reason(self, org, facts, settings):
        return _("%(n)s full members (at least %(min)s) but no committee beyond a secretary.") % {
            "n": org.full,
            "min": settings[self.code].value,
        }


class CommitteeSize(_OrgRule):
    code = "committee_size"
    label = gettext_lazy("Committee size outside the allowed range")
    value = 3
    value_max = 7
    value_help = gettext_lazy("minimum and maximum committee members")

    def condition(self, facts, settings):
        least, most = settings[self.code].value, settings[self.code].value_max
        # A branch below the committee threshold elects a secretary only: the size rule
        # speaks of real committees (domain.md: 3-5, at most 7, from 7 full members). The
        # threshold is committee_missing's, whether that rule is on or off.
        committee_from = settings[CommitteeMissing.code].value
        sized = ~Q(kind=Kind.BRANCH) | Q(full__gte=committee_from)
        # More than one post (a committee) and outside the range: two index ranges.
        outside = Q(committee__gt=1, committee__lt=least) | Q(committee__gt=max(most, 1))
        return sized & outside

    def reason(self, org, facts, settings):
        return _("The committee has %(n)s members; allowed %(min)s to %(max)s.") % {
            "n": org.committee,
            "min": settings[self.code].value,
            "max": settings[self.code].value_max,
        }


class SecretaryMissing(_OrgRule):
    code = "secretary_missing"
    label = gettext_lazy("No secretary")

    def condition(self, facts, settings):
        return Q(secretary=False)

    def reason(self, org, facts, settings):
        return _("No one holds the secretary post today.")


class TermEnding(_OrgRule):
    code = "term_ending"
    label = gettext_lazy("Committee term ends soon")
    value = 6
    value_help = gettext_lazy("months before the end of the term")

    def condition(self, facts, settings):
        today, ending_by = facts.today, add_months(facts.today, settings[self.code].value)
        # The current term is the stored latest one when that has begun (an index range);
        # the few organisations whose latest term begins later: `not_begun`.
        begun = Q(last_starts__lte=today, last_ends__gte=today, last_ends__lte=ending_by)
        return begun | facts.not_begun(
            lambda ends: ends is not None and today <= ends <= ending_by,
            Q(term_ends__gte=today, term_ends__lte=ending_by),
        )

    def reason(self, org, facts, settings):
        return _("The term ends on %(date)s: prepare the election.") % {
            "date": org.term_ends.isoformat()
        }


class TermOverdue(_OrgRule):
    code = "term_overdue"
    label = gettext_lazy("Committee term overdue")

    def condition(self, facts, settings):
        today = facts.today  # last_ends < today: the latest term has begun (see TermEnding)
        return Q(last_ends__lt=today) | facts.not_begun(
            lambda ends: ends is not None and ends < today, Q(term_ends__lt=today)
        )

    def reason(self, org, facts, settings):
        return _("The term ended on %(date)s and no new term is recorded.") % {
            "date": org.term_ends.isoformat()
        }


class TermMissing(_OrgRule):
    code = "term_missing"
    label = gettext_lazy("No committee term recorded")

    def condition(self, facts, settings):
        # A secretary alone is a committee of one: it has a term too.
        # No term at all, or none begun by today (see TermEnding).
        none = Q(last_starts__isnull=True) | facts.not_begun(
            lambda ends: ends is None, Q(term_ends__isnull=True)
        )
        return none & (Q(committee__gt=1) | Q(secretary=True))

    def reason(self, org, facts, settings):
        return _("The committee has no recorded term.")


class MemberUnassigned(Rule):
    code = "member_unassigned"
    label = gettext_lazy("Party member not in any organisation")

    def evaluate(self, facts, settings):
        return self._found(facts.unassigned())

    def window(self, facts, settings, start, stop):
        return list(self._found(facts.unassigned(start, stop)))

    def counted(self, facts, settings):
        return facts.people

    def count(self, facts, settings):
        return facts.counts(settings)[self.code]

    def _found(self, people):
        for person in people:
            yield self.finding(
                person.name,
                person.court,
                _("%(status)s but not in any Party organisation.") % {"status": person.status},
                person.url,
            )


class _ProbationRule(Rule):
    """A rule on probationary members: a condition on their Party dates (cut-off days are
    computed here, so the database compares plain dates, on any engine)."""

    def condition(self, facts, settings) -> Q:
        raise NotImplementedError

    def reason(self, person, ends: datetime.date) -> str:
        raise NotImplementedError

    def counted(self, facts, settings):
        return facts.probationers.filter(self.condition(facts, settings))

    def evaluate(self, facts, settings):
        return self._found(self.counted(facts, settings))

    def window(self, facts, settings, start, stop):
        return list(self._found(self.counted(facts, settings), start, stop))

    def _found(self, people, start=0, stop=None):
        url = url_format("people:person-detail")
        rows = people.order_by("court__path", "staff_number").values_list(
            "pk", "name", "court__name_zh", "joined_party_on", "probation_ends_on"
        )[start:stop]
        for pk, name, court, joined, extended in rows:
            ends = extended or add_months(joined, django_settings.PROBATION_MONTHS)
            yield self.finding(name, court, self.reason(name, ends), url(pk))


class ConversionDue(_ProbationRule):
    code = "conversion_due"
    label = gettext_lazy("Probation ends soon: conversion due")
    value = 30
    value_help = gettext_lazy("days before the end of probation")

    def condition(self, facts, settings):
        today = facts.today
        soon = today + datetime.timedelta(days=settings[self.code].value or 0)
        year = django_settings.PROBATION_MONTHS
        return Q(
            probation_ends_on__isnull=True,
            joined_party_on__gte=add_months(today, -year),
            joined_party_on__lte=add_months(soon, -year),
        ) | Q(probation_ends_on__gte=today, probation_ends_on__lte=soon)

    def reason(self, person, ends):
        return _("Probation ends on %(date)s: the branch decides on conversion.") % {
            "date": ends.isoformat()
        }


class ConversionOverdue(_ProbationRule):
    code = "conversion_overdue"
    label = gettext_lazy("Probation over: conversion overdue")

    def condition(self, facts, settings):
        today = facts.today
        year = django_settings.PROBATION_MONTHS
        return Q(probation_ends_on__isnull=True, joined_party_on__lt=add_months(today, -year)) | Q(
            probation_ends_on__lt=today
        )

    def reason(self, person, ends):
        return _(
            "Probation ended on %(date)s and the branch has not decided: convert, extend "
            "(once, up to a year) or cancel."
        ) % {"date": ends.isoformat()}


RULES = RuleSet(
    "health",
    [
        BranchTooSmall(),
        BranchTooLarge(),
        CommitteeMissing(),
        CommitteeSize(),
        SecretaryMissing(),
        TermEnding(),
        TermOverdue(),
        TermMissing(),
        MemberUnassigned(),
        ConversionDue(),
        ConversionOverdue(),
    ],
)


# Public API ------------------------------------------------------------------------------


def settings_load() -> Settings:
    """Every rule's setting: its HealthRule row, or its defaults where the row is missing.
    Reads only (one query): pages never write rule rows."""
    return Settings(RULES, rules.settings_from_rows(HealthRule.objects.all()))


def check(*, user, court=None, organisation=None, today: datetime.date | None = None) -> Findings:
    """Every broken rule visible to the user (within the court subtree if one is given, or
    of one organisation alone), in rule order, computed lazily: `tally()` counts per rule
    with aggregates, a slice (a page) fetches only its findings, iterating gives them all."""
    facts = facts_load(user=user, court=court, organisation=organisation, today=today)
    return Findings(RULES, facts, settings_load())


def findings(
    *, user, court=None, organisation=None, today: datetime.date | None = None
) -> list[Finding]:
    """Every broken rule visible to the user, within the court subtree if one is given, or
    of one organisation alone; in rule order."""
    # iter(): list() would ask the lazy list its length first, i.e. count every rule.
    return list(iter(check(user=user, court=court, organisation=organisation, today=today)))


def counts(items) -> list[tuple[str, str, int]]:
    """(code, label, count) per rule, in rule order, including zeros: of the findings of
    `check` (aggregates), or of a list of findings."""
    if isinstance(items, Findings):
        return items.tally()
    return rules.counts(RULES, items)
