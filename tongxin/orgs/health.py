"""Organisation health: every rule broken in a court subtree, each with its reason and a link.

The nine rules are objects on the generic runner (`tongxin.core.rules`): each says what it
checks and why it is broken. Their thresholds and on/off switches are HealthRule rows
(editable data; the defaults of domain.md come from a data migration, and a missing row means
the rule's default). `facts_load` reads everything the rules look at with a fixed number of
grouped queries whatever the size of the subtree; the rules then run in memory.
"""

from __future__ import annotations

import datetime
from collections import Counter
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tongxin.core import rules
from tongxin.core.permissions import Perm
from tongxin.core.rules import Finding, Rule, RuleSet, Settings
from tongxin.core.scoping import scope_for
from tongxin.lib.dates import add_months
from tongxin.orgs.models import CommitteePost, HealthRule, PartyOrganisation
from tongxin.orgs.selectors import terms_current
from tongxin.people.models import Person

__all__ = ["RULES", "Finding", "counts", "facts_load", "findings", "settings_load"]

Kind = PartyOrganisation.Kind


# Facts -----------------------------------------------------------------------------------


class OrgFacts(NamedTuple):
    """An organisation as the rules see it (plain values: a national subtree has ~60,000)."""

    pk: int
    kind: str
    name: str
    court: str
    url: str
    full: int  # active full members with an open membership
    committee: int  # open committee posts
    secretary: bool  # an open secretary post
    term_ends: datetime.date | None  # end of the current term (the latest begun), if any


class PersonFacts(NamedTuple):
    pk: int
    name: str
    court: str
    url: str
    status: str  # political status, displayed


def _url_format(name: str):
    """A formatter for `reverse(name, args=[pk])`: one reverse, not one per finding."""
    sentinel = 918273645
    return reverse(name, args=[sentinel]).replace(str(sentinel), "{}").format


class HealthFacts:
    """What the health rules read, each part loaded on first use in a fixed number of queries
    (organisations: four; people: one), so a disabled rule costs nothing."""

    def __init__(self, *, organisations, people, today: datetime.date):
        self.today = today
        self._orgs = organisations  # querysets, already scoped and filtered
        self._people = people
        english = (get_language() or "").startswith("en")
        self._bilingual = lambda zh, en: en if english and en else zh  # as Bilingual.name

    @cached_property
    def organisations(self) -> list[OrgFacts]:
        """Organisations that elect a committee (cells and leading party groups are not
        checked), with member, committee and term figures."""
        from tongxin.people.models import Membership, Person

        in_orgs = Q(organisation_id__in=self._orgs.values("pk"))
        full = Counter(
            dict(
                Membership.objects.filter(
                    in_orgs,
                    ends_on__isnull=True,
                    person__is_active=True,
                    person__political_status=Person.PoliticalStatus.FULL,
                )
                .order_by()  # the default ordering would join courts for nothing
                .values_list("organisation_id")
                .annotate(n=Count("id"))
            )
        )
        committee: Counter[int] = Counter()
        secretaries = set()
        for org_id, post in (
            CommitteePost.objects.filter(in_orgs, ends_on__isnull=True)
            .order_by()
            .values_list("organisation_id", "post")
        ):
            committee[org_id] += 1
            if post == CommitteePost.Post.SECRETARY:
                secretaries.add(org_id)
        terms = terms_current(self._orgs.values("pk"), self.today)
        url = _url_format("orgs:organisation-detail")
        name = self._bilingual
        return [
            OrgFacts(
                pk,
                kind,
                name(zh, en),
                name(court_zh, court_en),
                url(pk),
                full.get(pk, 0),
                committee.get(pk, 0),
                pk in secretaries,
                terms[pk].ends_on if pk in terms else None,
            )
            for pk, kind, zh, en, court_zh, court_en in self._orgs.filter(
                kind__in=PartyOrganisation.ELECTED_KINDS
            ).values_list("id", "kind", "name_zh", "name_en", "court__name_zh", "court__name_en")
        ]

    @cached_property
    def unassigned(self) -> list[PersonFacts]:
        """Full and probationary members without an open membership anywhere."""
        from tongxin.people.models import Membership, Person

        Status = Person.PoliticalStatus
        statuses = dict(Status.choices)
        url = _url_format("people:person-detail")
        name = self._bilingual
        return [
            PersonFacts(pk, person, name(court_zh, court_en), url(pk), str(statuses[status]))
            for pk, person, court_zh, court_en, status in self._people.filter(
                political_status__in=[Status.FULL, Status.PROBATIONARY]
            )
            .exclude(Exists(Membership.objects.filter(person=OuterRef("pk"), ends_on__isnull=True)))
            .values_list("id", "name", "court__name_zh", "court__name_en", "political_status")
        ]

    def branches(self):
        return (org for org in self.organisations if org.kind == Kind.BRANCH)


def facts_load(
    *, user, court=None, organisation=None, today: datetime.date | None = None
) -> HealthFacts:
    """The facts within the user's reach: a court subtree if one is given, or one
    organisation alone (its own rules, not its sub-organisations' or people's)."""
    scope = scope_for(user)
    orgs = scope.visible(PartyOrganisation, Perm.HEALTH_VIEW).filter(is_active=True)
    people = scope.visible(Person, Perm.HEALTH_VIEW).filter(is_active=True)
    if court is not None:
        orgs = orgs.filter(court__path__startswith=court.path)
        people = people.filter(court__path__startswith=court.path)
    if organisation is not None:
        orgs = orgs.filter(pk=organisation.pk)
        people = people.none()
    return HealthFacts(organisations=orgs, people=people, today=today or timezone.localdate())


# Rules -----------------------------------------------------------------------------------


class _OrgRule(Rule):
    def found(self, org: OrgFacts, reason: str) -> Finding:
        return self.finding(org.name, org.court, reason, org.url)


class BranchTooSmall(_OrgRule):
    code = "branch_too_small"
    label = gettext_lazy("Branch below the minimum of full members")
    value = 3
    value_help = gettext_lazy("minimum full members")

    def evaluate(self, facts, settings):
        least = settings[self.code].value
        for org in facts.branches():
            if org.full < least:
                yield self.found(
                    org,
                    _("%(n)s full members; a branch needs at least %(min)s.")
                    % {"n": org.full, "min": least},
                )


class BranchTooLarge(_OrgRule):
    code = "branch_too_large"
    label = gettext_lazy("Branch above the maximum of full members")
    value = 50
    value_help = gettext_lazy("maximum full members")

    def evaluate(self, facts, settings):
        most = settings[self.code].value
        for org in facts.branches():
            if org.full > most:
                yield self.found(
                    org,
                    _(
                        "%(n)s full members; a branch should have at most %(max)s "
                        "(consider a general branch)."
                    )
                    % {"n": org.full, "max": most},
                )


class CommitteeMissing(_OrgRule):
    code = "committee_missing"
    label = gettext_lazy("Branch large enough for a committee has none")
    value = 7
    value_help = gettext_lazy("full members from which a committee is required")

    def evaluate(self, facts, settings):
        least = settings[self.code].value
        for org in facts.branches():
            if org.full >= least and org.committee <= 1:
                yield self.found(
                    org,
                    _("%(n)s full members (at least %(min)s) but no committee beyond a secretary.")
                    % {"n": org.full, "min": least},
                )


class CommitteeSize(_OrgRule):
    code = "committee_size"
    label = gettext_lazy("Committee size outside the allowed range")
    value = 3
    value_max = 7
    value_help = gettext_lazy("minimum and maximum committee members")

    def evaluate(self, facts, settings):
        least, most = settings[self.code].value, settings[self.code].value_max
        # A branch below the committee threshold elects a secretary only: the size rule
        # speaks of real committees (domain.md: 3-5, at most 7, from 7 full members). The
        # threshold is committee_missing's, whether that rule is on or off.
        committee_from = settings[CommitteeMissing.code].value
        for org in facts.organisations:
            has_committee = org.committee > 1
            sized = org.kind != Kind.BRANCH or org.full >= committee_from
            if has_committee and sized and not least <= org.committee <= most:
                yield self.found(
                    org,
                    _("The committee has %(n)s members; allowed %(min)s to %(max)s.")
                    % {"n": org.committee, "min": least, "max": most},
                )


class SecretaryMissing(_OrgRule):
    code = "secretary_missing"
    label = gettext_lazy("No secretary")

    def evaluate(self, facts, settings):
        for org in facts.organisations:
            if not org.secretary:
                yield self.found(org, _("No one holds the secretary post today."))


class TermEnding(_OrgRule):
    code = "term_ending"
    label = gettext_lazy("Committee term ends soon")
    value = 6
    value_help = gettext_lazy("months before the end of the term")

    def evaluate(self, facts, settings):
        ending_by = add_months(facts.today, settings[self.code].value)
        for org in facts.organisations:
            if org.term_ends is not None and facts.today <= org.term_ends <= ending_by:
                yield self.found(
                    org,
                    _("The term ends on %(date)s: prepare the election.")
                    % {"date": org.term_ends.isoformat()},
                )


class TermOverdue(_OrgRule):
    code = "term_overdue"
    label = gettext_lazy("Committee term overdue")

    def evaluate(self, facts, settings):
        for org in facts.organisations:
            if org.term_ends is not None and org.term_ends < facts.today:
                yield self.found(
                    org,
                    _("The term ended on %(date)s and no new term is recorded.")
                    % {"date": org.term_ends.isoformat()},
                )


class TermMissing(_OrgRule):
    code = "term_missing"
    label = gettext_lazy("No committee term recorded")

    def evaluate(self, facts, settings):
        for org in facts.organisations:
            # A secretary alone is a committee of one: it has a term too.
            if org.term_ends is None and (org.committee > 1 or org.secretary):
                yield self.found(org, _("The committee has no recorded term."))


class MemberUnassigned(Rule):
    code = "member_unassigned"
    label = gettext_lazy("Party member not in any organisation")

    def evaluate(self, facts, settings):
        for person in facts.unassigned:
            yield self.finding(
                person.name,
                person.court,
                _("%(status)s but not in any Party organisation.") % {"status": person.status},
                person.url,
            )


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
    ],
)


# Public API ------------------------------------------------------------------------------


def settings_load() -> Settings:
    """Every rule's setting: its HealthRule row, or its defaults where the row is missing.
    Reads only (one query): pages never write rule rows."""
    return Settings(RULES, rules.settings_from_rows(HealthRule.objects.all()))


def findings(
    *, user, court=None, organisation=None, today: datetime.date | None = None
) -> list[Finding]:
    """Every broken rule visible to the user, within the court subtree if one is given, or
    of one organisation alone; in rule order."""
    facts = facts_load(user=user, court=court, organisation=organisation, today=today)
    return rules.run(RULES, facts, settings_load())


def counts(items: list[Finding]) -> list[tuple[str, str, int]]:
    """(code, label, count) per rule, in rule order, including zeros."""
    return rules.counts(RULES, items)
