"""Every state the membership records know, in the demo's first basic court, written through
the services (so the audit log shows them too): an early election, a postponed one, a
transfer in transit, a dues ledger with paid, exempt and unpaid months. Probationary members
due to convert and overdue come from the seeder itself.
"""

from __future__ import annotations

import datetime

from tongxin.lib.dates import add_months
from tongxin.orgs.facts import facts_refresh
from tongxin.orgs.models import CommitteeTerm, Court, PartyOrganisation
from tongxin.orgs.selectors import roster_on
from tongxin.orgs.services import election_record, postponement_record
from tongxin.people import ledger
from tongxin.people.models import Person
from tongxin.people.transfers import transfer_out

BRANCH = PartyOrganisation.Kind.BRANCH


def _full_members(branch, today):
    return [
        m.person
        for m in roster_on(organisation=branch, on=today)
        if m.person.political_status == Person.PoliticalStatus.FULL
    ]


def add_states(*, today: datetime.date, log=print) -> dict:
    court = Court.objects.filter(level=Court.Level.BASIC).order_by("path").first()
    if court is None:
        return {}
    branches = [
        b
        for b in PartyOrganisation.objects.filter(
            court=court, kind=BRANCH, is_active=True
        ).order_by("path")
        if len(_full_members(b, today)) >= 5
    ]
    done = {}
    if branches:
        done["early election"] = _early_election(branches[0], today)
    if len(branches) > 1:
        done["postponement"] = _postponement(branches[1], today)
    if len(branches) > 2:
        done["transfer"] = _transfer(branches[2], court, today)
    if branches:
        done["dues payments"] = _dues(branches[:3], today)
    log("Demo states: " + ", ".join(f"{k}: {v}" for k, v in done.items()))
    return done


def _early_election(branch, today) -> str:
    term = branch.terms.filter(starts_on__lte=today).order_by("-starts_on").first()
    elected_on = today - datetime.timedelta(days=14)
    if term is None or elected_on <= term.starts_on:
        return "skipped"
    # Make the term due in eight months: the election is early.
    CommitteeTerm.objects.filter(pk=term.pk).update(ends_on=add_months(today, 8))
    facts_refresh([branch])  # the update above bypasses the services that keep the facts
    members = _full_members(branch, today)
    posts = [(members[0], "secretary"), (members[1], "organisation"), (members[2], "propaganda")]
    if branch.posts.filter(ends_on__isnull=True, starts_on__gte=elected_on).exists():
        return "skipped"
    election_record(actor=None, organisation=branch, elected_on=elected_on, posts=posts)
    return branch.name_zh


def _postponement(branch, today) -> str:
    term = branch.terms.filter(starts_on__lte=today).order_by("-starts_on").first()
    if term is None:
        return "skipped"
    CommitteeTerm.objects.filter(pk=term.pk).update(ends_on=today - datetime.timedelta(days=20))
    facts_refresh([branch])
    term.refresh_from_db()
    postponement_record(
        actor=None,
        term=term,
        until=add_months(term.ends_on, 4),
        reason="支部书记调任，经机关党委批准延期换届",
        approved_on=today - datetime.timedelta(days=30),
    )
    return branch.name_zh


def _transfer(branch, court, today) -> str:
    target = (
        PartyOrganisation.objects.filter(kind=BRANCH, is_active=True)
        .exclude(court=court)
        .order_by("path")
        .first()
    )
    members = _full_members(branch, today)
    holders = set(branch.posts.filter(ends_on__isnull=True).values_list("person_id", flat=True))
    person = next((p for p in members if p.pk not in holders), None)
    if target is None or person is None:
        return "skipped"
    current = person.memberships.get(ends_on__isnull=True)
    sent_on = today - datetime.timedelta(days=5)
    if sent_on <= current.starts_on:
        return "skipped"
    transfer_out(
        actor=None,
        person=person,
        organisation=target,
        letter_number=f"{court.code}党转〔{today.year}〕1号",
        sent_on=sent_on,
    )
    return f"{person.name} → {target.court.name_zh}"


def _dues(branches, today) -> int:
    """This year's months so far: most paid on the 10th, one member exempt, some unpaid."""
    first = max(ledger.ledger_start(), datetime.date(today.year, 1, 1))
    written = 0
    receipt = 0
    for branch in branches:
        members = _full_members(branch, today)
        for n, person in enumerate(members):
            if person.dues_base is None:
                continue
            for month in ledger.months_between(first, ledger.month_start(today)):
                if n % 7 == 3 and month >= add_months(ledger.month_start(today), -2):
                    continue  # unpaid: the last months, carried as arrears
                paid_on = min(month + datetime.timedelta(days=9), today)
                member_since = person.memberships.filter(organisation=branch).order_by("starts_on")
                since = member_since.first()
                if since is None or since.starts_on > ledger.month_end(month):
                    continue
                receipt += 1
                if n % 11 == 5:
                    ledger.dues_record(
                        actor=None,
                        person=person,
                        organisation=branch,
                        month=month,
                        status="exempt",
                        note="生活困难，经支部委员会同意免缴",
                    )
                else:
                    ledger.dues_record(
                        actor=None,
                        person=person,
                        organisation=branch,
                        month=month,
                        status="paid",
                        paid_on=paid_on,
                        receipt=f"DF{today.year}{receipt:05d}",
                    )
                written += 1
    return written
