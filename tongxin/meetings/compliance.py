"""The compliance engine: which required activities each organisation held, month by month.

Rules are data (`ComplianceRule` rows, a version per activity, court subtree and date); the
judging is a rule set on `core.rules` with one `ActivityRule` per activity. `load_facts`
reads everything a period needs in a fixed number of queries (organisations, rule versions,
committee posts, meetings counted, attendance aggregates), whatever the number of
organisations; `judge` runs the rule set and folds the verdicts into cells (organisation ×
month). See docs/organisational-life.md for the definitions.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import Length, Trim
from django.utils.translation import gettext_lazy as _

from tongxin.core.rules import Finding, Rule, RuleSet, run
from tongxin.lib.collector import collector_paused
from tongxin.meetings.models import Attendance, ComplianceRule, Kind, MeetingOrganisation

COMPLIANT = "compliant"
MISSING = "missing"
QUORUM = "quorum_not_met"
MINUTES = "minutes_missing"
NOT_DUE = "not_due"
NOT_APPLICABLE = "not_applicable"
# The worst first: a cell shows the worst verdict of its rules.
SEVERITY = (MISSING, QUORUM, MINUTES, COMPLIANT, NOT_DUE, NOT_APPLICABLE)
VERDICTS = {
    COMPLIANT: _("Compliant"),
    MISSING: _("Missing"),
    QUORUM: _("Quorum not met"),
    MINUTES: _("Minutes missing"),
    NOT_DUE: _("Not due yet"),
    NOT_APPLICABLE: _("Not applicable"),
}
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
PER_TERM = "per_term"  # the period is the organisation's committee term (CommitteeTerm)


def month_end(first: datetime.date) -> datetime.date:
    nxt = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)  # fmt: skip
    return nxt - datetime.timedelta(days=1)


def period_of(month: datetime.date, cadence: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the period of `cadence` containing the month."""
    size = CADENCE_MONTHS[cadence]
    start_month = (month.month - 1) // size * size + 1
    first = month.replace(month=start_month, day=1)
    return first, month_end(first.replace(month=start_month + size - 1))


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = month_end(day) + datetime.timedelta(days=1)
    return out


class OrgRow(NamedTuple):
    id: int
    name: str
    kind: str
    court_path: str
    path: str
    founded_on: datetime.date | None
    is_active: bool


class Held(NamedTuple):
    """A held meeting as it counts for one organisation (a tuple: a million of them are
    made at national scale)."""

    meeting_id: int
    held_on: datetime.date
    has_minutes: bool
    signed: bool
    voting: int = 0
    present: int = 0


@dataclass(slots=True)
class Verdict(Finding):
    """One rule's verdict on one organisation and month (a Finding of the runner)."""

    organisation: int = 0
    month: datetime.date | None = None
    code: str = ""
    version: int | None = None
    period: tuple = ()
    counted: tuple[int, ...] = ()  # meetings that satisfied the rule
    considered: tuple[int, ...] = ()  # meetings of the kind held in the period so far


@dataclass
class Facts:
    today: datetime.date
    months: list[datetime.date]
    orgs: list[OrgRow]
    versions: dict[str, list[tuple[str, ComplianceRule]]]  # activity → (court path, row)
    committee: dict[int, list[tuple[datetime.date, datetime.date | None]]]
    held: dict[tuple[int, str], list[Held]]  # (organisation, kind) → meetings
    # organisation → its committee terms (start, end), loaded when a version is per term
    terms: dict[int, list[tuple[datetime.date, datetime.date]]] = field(default_factory=dict)
    _memo: dict = field(default_factory=dict)

    def term_of(self, org_id: int, day: datetime.date):
        """The organisation's committee term containing the day: (start, end) or None."""
        for start, end in self.terms.get(org_id, ()):
            if start <= day <= end:
                return start, end
        return None

    def version(self, activity: str, court_path: str, day: datetime.date):
        """The version in force on `day` for a court: the deepest court above it (or the
        national rows) that has one begun by then, its latest."""
        key = (activity, court_path, day)
        if key not in self._memo:
            best = None
            for path, row in self.versions.get(activity, ()):
                if row.effective_from > day or not court_path.startswith(path):
                    continue
                if best is None or (len(path), row.effective_from) > (
                    len(best[0]),
                    best[1].effective_from,
                ):
                    best = (path, row)
            self._memo[key] = best[1] if best else None
        return self._memo[key]

    def has_committee(self, org_id: int, day: datetime.date) -> bool:
        return any(
            start <= day and (end is None or end > day) for start, end in self.committee.get(org_id, ())
        )  # fmt: skip


def quorum_met(rule: ComplianceRule, held: Held) -> bool:
    if rule.quorum_num == 0:
        return True
    if held.voting == 0:
        return False
    left, right = held.present * rule.quorum_den, held.voting * rule.quorum_num
    return left > right if rule.quorum_strict else left >= right


def judge_period(rule: ComplianceRule, meetings: list[Held], upto: datetime.date):
    """(verdict when failing, counted ids, considered ids) of the meetings held by `upto`:
    compliant with `times` meetings that had their quorum, minutes and sign-off (as the rule
    asks); else missing (too few held), quorum_not_met (too few quorate) or minutes_missing."""
    considered = [m for m in meetings if m.held_on <= upto]
    if not considered:
        return (COMPLIANT if rule.times == 0 else MISSING), (), ()
    quorate = [m for m in considered if quorum_met(rule, m)]
    minutes, signoff = rule.minutes_required, rule.signoff_required
    valid = [m for m in quorate if (m.has_minutes or not minutes) and (m.signed or not signoff)]
    ids = tuple(m.meeting_id for m in considered)
    if len(valid) >= rule.times:
        return COMPLIANT, tuple(m.meeting_id for m in valid), ids
    if len(considered) < rule.times:
        return MISSING, (), ids
    if len(quorate) < rule.times:
        return QUORUM, (), ids
    return MINUTES, (), ids


class ActivityRule(Rule):
    """The rule of one activity; its parameters come from the version in force (facts).

    Yields a verdict for every organisation and month the rule applies to; a month it does
    not apply to (no version, another kind of organisation, before the founding, no
    committee) yields nothing and stays `not_applicable` in `judge`."""

    def __init__(self, activity: str, label):
        self.code = activity
        self.label = label

    def _plan(self, facts: Facts, court_path: str, month: datetime.date):
        """(version, period start, period end, kinds) for a court's organisations in a month:
        the cadence is the version's in force at the month, the version judging the period
        the one in force on the period's first day."""
        probe = facts.version(self.code, court_path, month)
        if probe is None:
            return None
        if probe.cadence == PER_TERM:  # the period is each organisation's term (`periods`)
            return (probe, None, None, frozenset(probe.kinds)) if probe.is_enabled else None
        start, end = period_of(month, probe.cadence)
        rule = facts.version(self.code, court_path, start) or probe
        if rule.cadence != probe.cadence:
            start, end = period_of(month, rule.cadence)
        if not rule.is_enabled:
            return None
        return rule, start, end, frozenset(rule.kinds)

    def plan(self, facts: Facts, court_path: str) -> list:
        """The rule's entry (see `_plan`) for each month of the facts, None where it has no
        enabled version: the same for every organisation of a court."""
        return [self._plan(facts, court_path, m) for m in facts.months]

    def periods(self, facts: Facts, org: OrgRow, plan: list) -> list:
        """(version, start, end, month indices) of each period the rule judges the
        organisation by: the months of the plan whose version applies to its kind, after its
        founding and (if the version needs one) while it has a committee."""
        out: list = []
        for index, entry in enumerate(plan):
            if entry is None:
                continue
            rule, start, end, kinds = entry
            if org.kind not in kinds:
                continue
            if start is None:  # per term: the committee term containing the month
                term = facts.term_of(org.id, facts.months[index])
                if term is None:
                    continue
                start, end = term
            if org.founded_on is not None and org.founded_on > start:
                continue
            if rule.needs == "committee" and not facts.has_committee(org.id, start):
                continue
            if out and out[-1][0].pk == rule.pk and out[-1][1] == start:
                out[-1][3].append(index)
            else:
                out.append((rule, start, end, [index]))
        return out

    def period_line(self, facts: Facts, rule, start, end, indices, in_period, month_ends):
        """(month index, code, version, start, end, counted, considered) for the months of
        one period, `in_period` the meetings held in it (in the order held)."""
        today, memo = facts.today, {}
        for index in indices:
            month, last_day = facts.months[index], month_ends[index]
            counted = considered = ()
            if month > today:
                code = NOT_DUE
            else:
                upto = min(last_day, today)
                seen = sum(1 for m in in_period if m.held_on <= upto)
                if seen not in memo:  # the months of a period with the same meetings
                    memo[seen] = judge_period(rule, in_period, upto)
                code, counted, considered = memo[seen]
                if code != COMPLIANT and (
                    last_day < end or today <= end + datetime.timedelta(days=rule.late_days)
                ):
                    code = NOT_DUE
            yield index, code, rule, start, end, counted, considered

    def line(self, facts: Facts, org: OrgRow, plan: list, held, month_ends: list):
        """(month index, code, version, start, end, counted, considered) for each month the
        rule applies to the organisation, `held` its meetings of the activity in the order
        held (the date, then the id)."""
        for rule, start, end, indices in self.periods(facts, org, plan):
            in_period = [m for m in held if start <= m.held_on <= end]
            yield from self.period_line(facts, rule, start, end, indices, in_period, month_ends)

    def evaluate(self, facts: Facts, settings):
        label = str(self.label)
        plans: dict[str, list] = {}
        month_ends = [month_end(m) for m in facts.months]
        for org in facts.orgs:
            if not org.is_active:
                continue
            plan = plans.get(org.court_path)
            if plan is None:
                plan = plans[org.court_path] = self.plan(facts, org.court_path)
            held = facts.held.get((org.id, self.code), ())
            for index, code, rule, start, end, counted, considered in self.line(
                facts, org, plan, held, month_ends
            ):
                yield Verdict(
                    self.code, org.name, "", code, "", label, org.id, facts.months[index], code,
                    rule.pk, (start, end), counted, considered,
                )  # fmt: skip


RULES = RuleSet("meetings", [ActivityRule(value, label) for value, label in Kind.choices])


def load_facts(orgs_qs, first: datetime.date, last: datetime.date, today: datetime.date) -> Facts:
    """Everything `judge` reads, in five queries: the organisations (a queryset of
    PartyOrganisation, already scoped), the rule versions, the committee posts, the meetings
    held for them in the period, and their attendance counts per organisation."""
    with collector_paused():
        return _load(orgs_qs, first, last, today)


def _load(orgs_qs, first, last, today) -> Facts:
    from tongxin.orgs.models import CommitteePost

    orgs = [
        OrgRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6])
        for r in orgs_qs.order_by("path").values_list(
            "id", "name_zh", "kind", "court__path", "path", "founded_on", "is_active"
        )
    ]
    ids = [org.id for org in orgs]
    versions: dict = defaultdict(list)
    for row in ComplianceRule.objects.select_related("court").order_by("effective_from"):
        versions[row.activity].append((row.court.path if row.court_id else "", row))
    committee: dict = defaultdict(list)
    if ids:
        posts = CommitteePost.objects.filter(
            organisation_id__in=ids_param(ids, orgs_qs), starts_on__lte=last
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=first - datetime.timedelta(days=366)))
        for org_id, start, end in posts.values_list("organisation_id", "starts_on", "ends_on"):
            committee[org_id].append((start, end))
    terms: dict = defaultdict(list)
    per_term = sorted(
        a for a, rows in versions.items() if any(r.cadence == PER_TERM for _p, r in rows)
    )
    since = first - datetime.timedelta(days=366)
    if ids and per_term:  # one more query, only when some version is per term
        from tongxin.orgs.models import CommitteeTerm

        for org_id, start, end in (
            CommitteeTerm.objects.filter(
                organisation_id__in=ids_param(ids, orgs_qs), starts_on__lte=last, ends_on__gte=first
            )
            .order_by("starts_on")
            .values_list("organisation_id", "starts_on", "ends_on")
        ):
            terms[org_id].append((start, end))
    held: dict = defaultdict(list)
    if ids:
        window = Q(meeting__held_on__gte=since)
        if terms:  # a term's meetings count from its start, however long ago
            earliest = min(start for rows in terms.values() for start, _end in rows)
            window |= Q(meeting__kind__in=per_term, meeting__held_on__gte=earliest)
        links = MeetingOrganisation.objects.filter(
            window,
            organisation_id__in=ids_param(ids, orgs_qs),
            meeting__status="held",
            meeting__held_on__lte=last,
        )
        # Attendance counts only for the activities some version judges by a quorum: the
        # verdicts of the others never read them (`quorum_met`).
        quorate = {a for a, rows in versions.items() if any(r.quorum_num for _p, r in rows)}
        counts = {
            (r["meeting_id"], r["organisation_id"]): (r["voting"], r["present"])
            for r in Attendance.objects.filter(
                meeting_id__in=links.filter(meeting__kind__in=sorted(quorate)).values("meeting_id"),
                voting=True,
            )
            .values("meeting_id", "organisation_id")
            .annotate(voting=Count("id"), present=Count("id", filter=Q(status="present")))
            .order_by()
        }
        rows = links.annotate(
            minutes_length=Length(Trim("meeting__minutes")),
            signed=ExpressionWrapper(
                Q(meeting__signed_off_at__isnull=False), output_field=BooleanField()
            ),
        )
        for org_id, m_id, kind, day, length, signed in rows.values_list(
            "organisation_id", "meeting_id", "meeting__kind", "meeting__held_on",
            "minutes_length", "signed",
        ).order_by("meeting__held_on", "meeting_id"):  # fmt: skip
            voting, present = counts.get((m_id, org_id), NONE) if kind in quorate else NONE
            held[(org_id, kind)].append(Held(m_id, day, bool(length), signed, voting, present))
    return Facts(
        today, months_between(first, last), orgs, dict(versions), committee, held, dict(terms)
    )


NONE = (0, 0)


def ids_param(ids: list[int], orgs_qs):
    """A short id list inline, a long one as the organisations' subquery (one query either
    way; a national list of ids would be a huge statement)."""
    return ids if len(ids) <= 500 else orgs_qs.values("id")


@dataclass(slots=True)
class Cell:
    organisation: int
    month: datetime.date
    code: str
    rule: str  # the activity whose verdict the cell shows ("" when none applies)
    verdicts: list[Verdict]


def judge(facts: Facts):
    """Every (organisation, month) cell: the worst verdict of the rules that apply (a
    mapping (organisation id, month) → Cell, see `grid.Grid`)."""
    from tongxin.meetings.grid import judge_grid

    with collector_paused():
        return judge_grid(facts)


def judge_each(facts: Facts) -> dict[tuple[int, datetime.date], Cell]:
    """What `judge` gives, by running the rule set verdict by verdict and folding them into
    cells: the reference the grid is tested against (tests/meetings/test_grid.py)."""
    cells = {
        (org.id, month): Cell(org.id, month, NOT_APPLICABLE, "", [])
        for org in facts.orgs
        for month in facts.months
    }
    rank = {code: n for n, code in enumerate(SEVERITY)}
    for verdict in run(RULES, facts):
        cell = cells[(verdict.organisation, verdict.month)]
        cell.verdicts.append(verdict)
        if rank[verdict.code] < rank[cell.code]:
            cell.code, cell.rule = verdict.code, verdict.rule
    return cells
