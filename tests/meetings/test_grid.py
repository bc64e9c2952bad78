"""The grid (`compliance.judge`, judged once per distinct case) gives exactly the cells and
verdicts of the rule set run verdict by verdict (`compliance.judge_each`), on random facts:
court versions changing during the year, organisations founded during it, committees formed
and ended, joint patterns shared by many organisations, any day as today."""

import datetime
import random

import pytest

from tongxin.meetings import compliance
from tongxin.meetings.compliance import Facts, Held, OrgRow
from tongxin.meetings.defaults import DEFAULT_FROM, DEFAULTS
from tongxin.meetings.models import ComplianceRule

D = datetime.date
KINDS = ["branch", "general_branch", "organ_committee", "cell", "party_group"]
COURTS = ["", "A/", "A/B/", "A/C/", "E/"]  # court paths of the organisations ("" none)


def _versions(rng: random.Random) -> dict:
    versions: dict = {}
    pk = 0
    for activity, fields in DEFAULTS.items():
        pk += 1
        row = ComplianceRule(pk=pk, activity=activity, effective_from=DEFAULT_FROM, **fields)
        versions.setdefault(activity, []).append(("", row))
    for _ in range(rng.randint(0, 6)):  # courts' own versions, some from mid-year
        pk += 1
        activity = rng.choice(list(DEFAULTS))
        row = ComplianceRule(
            pk=pk,
            activity=activity,
            effective_from=rng.choice(
                [DEFAULT_FROM, D(2025, 4, 1), D(2025, 7, 15), D(2025, 12, 1)]
            ),
            is_enabled=rng.random() < 0.85,
            applies_to=",".join(rng.sample(KINDS, rng.randint(1, 3))),
            needs=rng.choice(["", "committee"]),
            cadence=rng.choice(["monthly", "quarterly", "half_yearly", "yearly"]),
            times=rng.choice([0, 1, 1, 2]),
            quorum_num=rng.choice([0, 1, 2]),
            quorum_den=3,
            quorum_strict=rng.random() < 0.5,
            minutes_required=rng.random() < 0.7,
            signoff_required=rng.random() < 0.5,
            late_days=rng.choice([0, 15, 40]),
        )
        versions.setdefault(activity, []).append((rng.choice(COURTS[1:4]), row))
    for rows in versions.values():
        rows.sort(key=lambda pair: pair[1].effective_from)  # as load_facts orders them
    return versions


DAYS = [D(2024, 12, 20), D(2025, 1, 31), D(2025, 3, 31), D(2025, 4, 1), D(2025, 4, 20),
        D(2025, 6, 15), D(2025, 6, 30), D(2025, 7, 1), D(2025, 9, 30), D(2025, 11, 3),
        D(2025, 11, 20), D(2025, 12, 31)]  # fmt: skip


def _variant(rng: random.Random, meetings: list[Held], next_id) -> list[Held]:
    """Another organisation's meetings like these: the same, or one changed in what the
    grid's signature must tell apart (attendance, the day around today) or must not (the
    day within its month)."""
    out = [m._replace(meeting_id=next_id()) for m in meetings]
    if out and rng.random() < 0.7:
        i = rng.randrange(len(out))
        m = out[i]
        change = rng.choice(["present", "voting", "day", "minutes", "signed"])
        if change == "present":
            out[i] = m._replace(present=rng.randint(0, m.voting))
        elif change == "voting":
            out[i] = m._replace(voting=m.voting + 1)
        elif change == "day":
            out[i] = m._replace(held_on=m.held_on.replace(day=rng.choice([1, 3, 15, 16, 17, 28])))
        elif change == "minutes":
            out[i] = m._replace(has_minutes=not m.has_minutes)
        else:
            out[i] = m._replace(signed=not m.signed)
    return sorted(out, key=lambda m: (m.held_on, m.meeting_id))


def _meetings(rng: random.Random, next_id, today: datetime.date) -> list[Held]:
    held = []
    for _ in range(rng.randint(0, 4)):
        voting = rng.randint(0, 4)
        held.append(
            Held(
                next_id(),
                rng.choice(DAYS),
                rng.random() < 0.8,
                rng.random() < 0.7,
                voting,
                rng.randint(0, voting),
            )  # fmt: skip
        )
    return sorted(held, key=lambda m: (m.held_on, m.meeting_id))


def random_facts(seed: int) -> Facts:
    rng = random.Random(seed)
    counter = iter(range(1, 10**6))
    today = rng.choice([D(2025, 4, 15), D(2025, 4, 16), D(2025, 6, 30), D(2025, 11, 3),
                        D(2025, 11, 16), D(2026, 2, 1), D(2025, 1, 1)])  # fmt: skip
    orgs, committee, held = [], {}, {}
    for n in range(1, rng.randint(8, 40)):
        twin = rng.choice(orgs) if orgs and rng.random() < 0.6 else None
        if twin is not None:  # alike another: the grid shares lines, or must tell them apart
            org = OrgRow(n, f"组织{n}", twin.kind, twin.court_path, f"{n:04d}/",
                         twin.founded_on, twin.is_active)  # fmt: skip
            if twin.id in committee:
                committee[n] = list(committee[twin.id])
            for (owner, activity), meetings in list(held.items()):
                if owner == twin.id:
                    held[(n, activity)] = _variant(rng, meetings, lambda: next(counter))
            orgs.append(org)
            continue
        kind = rng.choice(KINDS)
        founded = rng.choice([None, None, D(2000, 1, 1), D(2025, 3, 1), D(2025, 5, 20)])
        org = OrgRow(n, f"组织{n}", kind, rng.choice(COURTS), f"{n:04d}/", founded,
                     rng.random() < 0.95)  # fmt: skip
        orgs.append(org)
        if rng.random() < 0.6:
            start = rng.choice([D(2020, 1, 1), D(2025, 3, 1), D(2025, 3, 15)])
            end = rng.choice([None, None, D(2025, 8, 1)])
            committee[n] = [(start, end)]
        for activity in DEFAULTS:
            if rng.random() < 0.5:
                continue
            meetings = _meetings(rng, lambda: next(counter), today)
            if meetings:
                held[(n, activity)] = meetings
    first = rng.choice([D(2025, 1, 1), D(2025, 5, 1), D(2025, 2, 1)])
    last = rng.choice([D(2025, 12, 31), D(2025, 5, 31), D(2025, 9, 30)])
    if last < first:
        first, last = last.replace(day=1), first
    months = compliance.months_between(first, last)
    return Facts(today, months, orgs, _versions(rng), committee, held)


@pytest.mark.parametrize("seed", range(200))
def test_grid_equals_the_rule_set_run_verdict_by_verdict(seed):
    facts = random_facts(seed)
    reference = compliance.judge_each(facts)
    grid = compliance.judge(random_facts(seed))  # fresh facts: no memo shared
    assert len(grid) == len(reference)
    assert list(grid) == list(reference)
    assert dict(grid) == reference
    for (org_id, month), cell in reference.items():
        index = facts.months.index(month)
        assert grid.row(org_id)[index] == (cell.code, cell.rule)


def test_the_random_facts_reach_every_verdict():
    codes = set()
    for seed in range(200):
        codes |= {v.code for cell in compliance.judge_each(random_facts(seed)).values() for v in cell.verdicts}  # fmt: skip
    assert codes == set(compliance.SEVERITY) - {compliance.NOT_APPLICABLE}
