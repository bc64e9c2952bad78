"""Organisation health: every rule broken in a court subtree, each with its reason and a link.

The rules live in code (what they check); their thresholds and on/off switch live in the
HealthRule table (editable data, defaults from domain.md). The check runs a fixed number of
grouped queries whatever the size of the subtree, then applies the rules in memory.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.lib.dates import add_months
from tongxin.orgs.models import CommitteePost, CommitteeTerm, HealthRule, PartyOrganisation


@dataclass(frozen=True)
class RuleSpec:
    code: str
    label: str
    value: int | None = None
    value_max: int | None = None
    value_help: str = ""


RULES: dict[str, RuleSpec] = {
    spec.code: spec
    for spec in (
        RuleSpec(
            "branch_too_small",
            gettext_lazy("Branch below the minimum of full members"),
            3,
            value_help=gettext_lazy("minimum full members"),
        ),
        RuleSpec(
            "branch_too_large",
            gettext_lazy("Branch above the maximum of full members"),
            50,
            value_help=gettext_lazy("maximum full members"),
        ),
        RuleSpec(
            "committee_missing",
            gettext_lazy("Branch large enough for a committee has none"),
            7,
            value_help=gettext_lazy("full members from which a committee is required"),
        ),
        RuleSpec(
            "committee_size",
            gettext_lazy("Committee size outside the allowed range"),
            3,
            7,
            value_help=gettext_lazy("minimum and maximum committee members"),
        ),
        RuleSpec("secretary_missing", gettext_lazy("No secretary")),
        RuleSpec(
            "term_ending",
            gettext_lazy("Committee term ends soon"),
            6,
            value_help=gettext_lazy("months before the end of the term"),
        ),
        RuleSpec("term_overdue", gettext_lazy("Committee term overdue")),
        RuleSpec("term_missing", gettext_lazy("No committee term recorded")),
        RuleSpec("member_unassigned", gettext_lazy("Party member not in any organisation")),
    )
}


def rules_ensure() -> dict[str, HealthRule]:
    """The rule rows, created with their defaults where missing."""
    rows = {rule.code: rule for rule in HealthRule.objects.all()}
    missing = [
        HealthRule(code=spec.code, value=spec.value, value_max=spec.value_max)
        for code, spec in RULES.items()
        if code not in rows
    ]
    if missing:
        HealthRule.objects.bulk_create(missing, ignore_conflicts=True)
        rows = {rule.code: rule for rule in HealthRule.objects.all()}
    return rows


@dataclass
class Finding:
    rule: str
    subject: str
    court: str
    reason: str
    url: str

    @property
    def label(self) -> str:
        return str(RULES[self.rule].label)


class _OrgRow(NamedTuple):
    pk: int
    kind: str
    name: str
    court_name: str


def _url_format(name: str):
    """A formatter for `reverse(name, args=[pk])`: one reverse, not one per finding."""
    sentinel = 918273645
    return reverse(name, args=[sentinel]).replace(str(sentinel), "{}").format


def findings(
    *, user, court=None, organisation=None, today: datetime.date | None = None
) -> list[Finding]:
    """Every broken rule visible to the user, within the court subtree if one is given, or
    of one organisation alone (its own rules, not its sub-organisations' or people's)."""
    from tongxin.people.models import Membership, Person

    today = today or timezone.localdate()
    rules = {code: row for code, row in rules_ensure().items() if row.is_enabled and code in RULES}
    scope = scope_for(user)
    orgs = scope.visible(PartyOrganisation, Perm.HEALTH_VIEW).filter(is_active=True)
    people = scope.visible(Person, Perm.HEALTH_VIEW).filter(is_active=True)
    if court is not None:
        orgs = orgs.filter(court__path__startswith=court.path)
        people = people.filter(court__path__startswith=court.path)
    if organisation is not None:
        orgs = orgs.filter(pk=organisation.pk)
        people = people.none()
    # Plain rows, not model instances: a national subtree has tens of thousands of them.
    english = (get_language() or "").startswith("en")

    def bilingual(zh: str, en: str) -> str:  # as Bilingual.name
        return en if english and en else zh

    org_rows = [
        _OrgRow(pk, kind, bilingual(zh, en), bilingual(court_zh, court_en))
        for pk, kind, zh, en, court_zh, court_en in orgs.exclude(
            kind__in=[PartyOrganisation.Kind.PARTY_GROUP, PartyOrganisation.Kind.CELL]
        ).values_list("id", "kind", "name_zh", "name_en", "court__name_zh", "court__name_en")
    ]
    in_orgs = Q(organisation_id__in=orgs.values("pk"))
    full_count = Counter(
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
    post_rows = (
        CommitteePost.objects.filter(in_orgs, ends_on__isnull=True)
        .order_by()
        .values_list("organisation_id", "post")
    )
    committee = Counter()
    secretaries = set()
    for org_id, post in post_rows:
        committee[org_id] += 1
        if post == CommitteePost.Post.SECRETARY:
            secretaries.add(org_id)
    latest_end: dict[int, datetime.date] = dict(  # the last row per organisation wins
        CommitteeTerm.objects.filter(in_orgs, starts_on__lte=today)  # the current term
        .order_by("organisation_id", "starts_on")
        .values_list("organisation_id", "ends_on")
    )

    out: list[Finding] = []

    org_url = _url_format("orgs:organisation-detail")

    def add(rule: str, org: _OrgRow, reason: str) -> None:
        out.append(Finding(rule, org.name, org.court_name, reason, org_url(org.pk)))

    Kind = PartyOrganisation.Kind
    committee_from = (
        rules["committee_missing"].value
        if "committee_missing" in rules
        else RULES["committee_missing"].value
    )
    ending_by = add_months(today, rules["term_ending"].value) if "term_ending" in rules else None
    for org in org_rows:
        full = full_count.get(org.pk, 0)
        size = committee.get(org.pk, 0)
        if org.kind == Kind.BRANCH:
            if "branch_too_small" in rules and full < rules["branch_too_small"].value:
                add(
                    "branch_too_small",
                    org,
                    _("%(n)s full members; a branch needs at least %(min)s.")
                    % {"n": full, "min": rules["branch_too_small"].value},
                )
            if "branch_too_large" in rules and full > rules["branch_too_large"].value:
                add(
                    "branch_too_large",
                    org,
                    _(
                        "%(n)s full members; a branch should have at most %(max)s "
                        "(consider a general branch)."
                    )
                    % {"n": full, "max": rules["branch_too_large"].value},
                )
            if (
                "committee_missing" in rules
                and full >= rules["committee_missing"].value
                and size <= 1
            ):
                add(
                    "committee_missing",
                    org,
                    _("%(n)s full members (at least %(min)s) but no committee beyond a secretary.")
                    % {"n": full, "min": rules["committee_missing"].value},
                )
        if org.kind in PartyOrganisation.ELECTED_KINDS:
            has_committee = size > 1
            rule = rules.get("committee_size")
            # A branch below the committee threshold elects a secretary only: the size rule
            # speaks of real committees (domain.md: 3-5, at most 7, from 7 full members).
            sized = org.kind != Kind.BRANCH or full >= committee_from
            if rule and has_committee and sized and not (rule.value <= size <= rule.value_max):
                add(
                    "committee_size",
                    org,
                    _("The committee has %(n)s members; allowed %(min)s to %(max)s.")
                    % {"n": size, "min": rule.value, "max": rule.value_max},
                )
            if "secretary_missing" in rules and org.pk not in secretaries:
                add("secretary_missing", org, _("No one holds the secretary post today."))
            ends_on = latest_end.get(org.pk)
            needs_term = has_committee or org.pk in secretaries
            if ends_on is None:
                if "term_missing" in rules and needs_term:
                    add("term_missing", org, _("The committee has no recorded term."))
            elif ends_on < today:
                if "term_overdue" in rules:
                    add(
                        "term_overdue",
                        org,
                        _("The term ended on %(date)s and no new term is recorded.")
                        % {"date": ends_on.isoformat()},
                    )
            elif "term_ending" in rules and ends_on <= ending_by:
                add(
                    "term_ending",
                    org,
                    _("The term ends on %(date)s: prepare the election.")
                    % {"date": ends_on.isoformat()},
                )

    if "member_unassigned" in rules:
        lonely = (
            people.filter(
                political_status__in=[
                    Person.PoliticalStatus.FULL,
                    Person.PoliticalStatus.PROBATIONARY,
                ]
            )
            .exclude(Exists(Membership.objects.filter(person=OuterRef("pk"), ends_on__isnull=True)))
            .select_related("court")
            .only("id", "name", "court__name_zh", "court__name_en", "political_status")
        )
        person_url = _url_format("people:person-detail")
        for person in lonely:
            out.append(
                Finding(
                    "member_unassigned",
                    person.name,
                    person.court.name,
                    _("%(status)s but not in any Party organisation.")
                    % {"status": person.get_political_status_display()},
                    person_url(person.pk),
                )
            )
    return out


def counts(items: list[Finding]) -> list[tuple[str, str, int]]:
    """(code, label, count) per rule, in rule order, including zeros."""
    tally = defaultdict(int)
    for item in items:
        tally[item.rule] += 1
    return [(code, str(spec.label), tally[code]) for code, spec in RULES.items()]
