"""The heat map's cells for many organisations at once, judged once per distinct case.

`ActivityRule.line` judges one organisation's months for one activity. What it returns
depends on nothing of the organisation but its court's plan (the versions in force month by
month), its kind, its founding day, its committee posts (for rules that need a committee)
and its meetings of the activity, and of a meeting on nothing but its month, whether it was
held by today, its minutes, its sign-off and (for rules with a quorum) whether each version finds it
quorate:
periods are whole months and a month is judged as of its last day, or as of today. Thousands
of organisations share such a signature (a plan and a pattern of meetings), so `judge_grid`
calls `line` once per distinct signature, with the meetings numbered by position, and gives
each organisation the result with its own meeting ids. The worst verdict of each cell is
folded once per distinct combination of lines too.

The result is a read-only mapping (organisation id, month) → `Cell`, the same as folding the
verdicts of `run(RULES, facts)` (`compliance.judge_each`; tests/meetings/test_grid.py compares
them on random data). A cell's `Cell` and its verdicts are made when it is read; `row(org)`
gives the (code, activity) of every month without them, which is what a whole country's
tally needs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping

from tongxin.meetings.compliance import (
    NOT_APPLICABLE,
    RULES,
    SEVERITY,
    Cell,
    Facts,
    Held,
    Verdict,
    month_end,
    quorum_met,
)

RANK = {code: n for n, code in enumerate(SEVERITY)}


class Grid(Mapping):
    """(organisation id, month) → Cell for every organisation and month of the facts."""

    def __init__(self, facts: Facts, rows: dict, parts: dict, labels: dict):
        self.facts = facts
        self._rows = rows  # org id → ((code, activity) per month)
        self._parts = parts  # org id → [(activity, line, meetings)]
        self._labels = labels
        self._index = {month: i for i, month in enumerate(facts.months)}
        self._names = {org.id: org.name for org in facts.orgs}

    def __len__(self) -> int:
        return len(self._rows) * len(self.facts.months)

    def __iter__(self) -> Iterator[tuple[int, datetime.date]]:
        months = self.facts.months
        return ((org_id, month) for org_id in self._rows for month in months)

    def __getitem__(self, key) -> Cell:
        org_id, month = key
        row, index = self._rows[org_id], self._index[month]
        code, rule = row[index]
        verdicts = []
        for activity, (line, where), held in self._parts[org_id]:
            entry = line[index]
            if entry is None:
                continue
            v_code, counted, considered = entry
            version, start, end, places = where[index]
            verdicts.append(
                Verdict(
                    activity,
                    self._names[org_id],
                    "",
                    v_code,
                    "",
                    self._labels[activity],
                    org_id,
                    month,
                    v_code,
                    version.pk,
                    (start, end),
                    tuple(held[places[i]].meeting_id for i in counted),
                    tuple(held[places[i]].meeting_id for i in considered),
                )  # fmt: skip
            )
        return Cell(org_id, month, code, rule, verdicts)

    def row(self, org_id: int) -> tuple[tuple[str, str], ...]:
        """(code, activity shown) of each month of an organisation, without making cells."""
        return self._rows[org_id]


def _signature(held, today: datetime.date, quorum: tuple) -> tuple:
    """What of the meetings `line` reads (see the module's docstring), in their order, a
    number per meeting (no tuple each: a million fewer objects for the collector): its month,
    whether held by today, its minutes, its sign-off and, for each version with a quorum in
    the plan (`quorum`, in that order), whether that version finds it quorate."""
    if not quorum:
        return tuple(
            [(d.year * 12 + d.month) * 8 + (d <= today) * 4 + m * 2 + s for _i, d, m, s, _v, _p in held]
        )  # fmt: skip
    out = []
    for held_one in held:
        d = held_one.held_on
        code = (d.year * 12 + d.month) * 8 + (d <= today) * 4 + held_one.has_minutes * 2 + held_one.signed  # fmt: skip
        for version in quorum:
            code = code * 2 + quorum_met(version, held_one)
        out.append(code)
    return tuple(out)


def judge_grid(facts: Facts) -> Grid:
    today = facts.today
    n_months = len(facts.months)
    month_ends = [month_end(m) for m in facts.months]
    rules = list(RULES.values())
    labels = {rule.code: str(rule.label) for rule in rules}
    empty = ((NOT_APPLICABLE, ""),) * n_months
    # A court's plans depend on which courts with versions of their own are above it.
    version_paths = sorted({path for rows in facts.versions.values() for path, _row in rows})
    reach: dict[str, tuple] = {}
    court_plans: dict[tuple, list] = {}
    lines: dict[tuple, tuple] = {}  # signature → (number, line)
    spans_of: dict[tuple, tuple] = {}  # plan and organisation → its periods
    periods: dict[tuple, list] = {}  # a period's signature → its months' verdicts
    folded: dict[tuple, tuple] = {}  # the lines' numbers → row
    rows: dict[int, tuple] = {}
    parts: dict[int, list] = {}
    for org in facts.orgs:
        if not org.is_active:
            rows[org.id], parts[org.id] = empty, []
            continue
        above = reach.get(org.court_path)
        if above is None:
            above = reach[org.court_path] = tuple(
                p for p in version_paths if org.court_path.startswith(p)
            )
        plans = court_plans.get(above)
        if plan_missing := plans is None:
            plans = court_plans[above] = []
        mine, numbers = [], []
        for number, rule in enumerate(rules):
            if plan_missing:
                plan = rule.plan(facts, org.court_path)
                entries = [e for e in plan if e is not None]
                plans.append((
                    plan,
                    tuple(None if e is None else (e[0].pk, e[1]) for e in plan),
                    frozenset().union(*(e[3] for e in entries)),
                    tuple({e[0].pk: e[0] for e in entries if e[0].quorum_num}.values()),
                    tuple({e[0].pk: 0 for e in entries if e[0].quorum_num}),  # their keys
                    any(e[0].needs == "committee" for e in entries),
                    any(e[1] is None for e in entries),  # per term: the org's terms matter
                ))  # fmt: skip
            plan, fingerprint, kinds, quorum, quorum_key, needs_committee, per_term = plans[number]
            if org.kind not in kinds:
                continue
            held = facts.held.get((org.id, rule.code), ())
            where = (
                fingerprint, number, org.kind, org.founded_on,
                tuple(facts.committee.get(org.id, ())) if needs_committee else None,
                tuple(facts.terms.get(org.id, ())) if per_term else None,
            )  # fmt: skip
            signature = _signature(held, today, quorum)
            key = (where, signature)
            found = lines.get(key)
            if found is None:
                spans = spans_of.get(where)
                if spans is None:
                    spans = spans_of[where] = _spans(rule, facts, org, plan)
                line = _line(facts, rule, spans, held, (quorum_key, signature), month_ends, periods)
                found = lines[key] = (len(lines), line)
            if found[1] is not None:
                mine.append((rule.code, found[1], held))
                numbers.append(found[0])
        key = tuple(numbers)
        row = folded.get(key)
        if row is None:
            row = folded[key] = _fold([(activity, line) for activity, line, _h in mine], empty)
        rows[org.id], parts[org.id] = row, mine
    return Grid(facts, rows, parts, labels)


def _spans(rule, facts: Facts, org, plan: list) -> tuple[list, dict]:
    """The periods the rule judges the organisation by (`ActivityRule.periods`), each with
    its key, and the period of each month number (year × 12 + month) they cover."""
    spans = []
    where = {}
    for k, (version, start, end, indices) in enumerate(rule.periods(facts, org, plan)):
        spans.append((version, start, end, indices, (version.pk, start, end, tuple(indices))))
        for number in range(start.year * 12 + start.month, end.year * 12 + end.month + 1):
            where[number] = k
    return spans, where


def _line(facts: Facts, rule, spans: tuple, held, signature: tuple, month_ends: list, memo: dict):
    """What `rule.line` gives for the organisation, as two tuples by month (None where the
    rule does not apply): (code, counted, considered), shared by every organisation with
    the same period, where counted and considered number the period's meetings; and
    (version, start, end, positions), `positions` their places in `held`. Each
    period judged once per distinct period signature (`memo`: the signatures of its
    meetings, with the quorum of every version of the plan, a finer key than needed)."""
    spans, where = spans
    places: list[list] = [[] for _ in spans]
    for i, m in enumerate(held):
        k = where.get(m.held_on.year * 12 + m.held_on.month)
        if k is not None:
            places[k].append(i)
    line = [None] * len(facts.months)
    where_of = [None] * len(facts.months)  # the month's period: (version, start, end, places)
    quorum_key, signature = signature
    for (version, start, end, indices, prefix), mine in zip(spans, places, strict=True):
        key = (prefix, quorum_key, tuple([signature[i] for i in mine]))
        judged = memo.get(key)
        if judged is None:
            numbered = [Held(n, *held[i][1:]) for n, i in enumerate(mine)]
            judged = memo[key] = [
                (index, (code, counted, considered))
                for index, code, _v, _s, _e, counted, considered in rule.period_line(
                    facts, version, start, end, indices, numbered, month_ends
                )
            ]
        span = (version, start, end, mine)
        for index, entry in judged:
            line[index] = entry
            where_of[index] = span
    return (tuple(line), tuple(where_of)) if any(line) else None


def _fold(lines: list, empty: tuple) -> tuple:
    """The worst verdict of each month, and its activity (the first of the worst)."""
    row = list(empty)
    for activity, (line, _where) in lines:
        for index, entry in enumerate(line):
            if entry is not None and RANK[entry[0]] < RANK[row[index][0]]:
                row[index] = (entry[0], activity)
    return tuple(row)
