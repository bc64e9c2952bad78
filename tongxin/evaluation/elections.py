"""Branch elections (换届选举) by secret ballot, on the one ballot mechanism (ballots.py).

election_open(...)       the eligible voters (full members on the roster that day) and
                         those present fixed; valid only with four fifths present
                         (domain.md section 2); a poll with the candidates as items,
                         "for" / "against" as choices, at most `seats` "for" per ballot
election_close(...)      the poll closed and counted (ballots.poll_close)
next_round_open(...)     another round after a count that left seats open (a tie for the
                         last seats: among the tied; seats unfilled: among the candidates
                         not elected), the same voters present, the seats still open
outcome(election)        pure: votes per candidate, the elected (more than half of the
                         votes of those present, the most votes first), ties at the
                         last seat and unfilled seats named, never decided silently
elected_in_rounds(e)     the elected of an election's rounds up to this one
committee_record(...)    the elected (of every round) divided into posts and the committee term recorded
                         through orgs.services.election_record, with the higher
                         organisation's approval date
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.audit import audit_record
from tongxin.core.exceptions import ApplicationError
from tongxin.evaluation import ballots
from tongxin.evaluation.models import Election, Poll, PollVoter

FOR, AGAINST = "for", "against"
MAX_SEATS = 7  # a committee has at most 7 members (domain.md section 2)
SMALL_BRANCH = 7  # fewer full members than this: a branch elects a secretary only


def quorum(eligible: int) -> int:
    """The fewest voters present for a valid election: four fifths of those eligible."""
    return math.ceil(eligible * 4 / 5)


def eligible_voters(organisation, on=None) -> list:
    """Full members on the organisation's roster on the day: they vote and may stand."""
    from tongxin.orgs.selectors import roster_on

    on = on or timezone.localdate()
    people = [m.person for m in roster_on(organisation=organisation, on=on)]
    return sorted((p for p in people if p.political_status == "full"), key=lambda p: (p.name, p.pk))


def election_open(*, actor, organisation, seats: int, candidates, present) -> Election:
    """Open the ballot of an election held today. `candidates`, `present`: people."""
    from tongxin.orgs.models import PartyOrganisation

    if organisation.kind not in PartyOrganisation.ELECTED_KINDS:
        raise ApplicationError(_("This kind of organisation has no elected committee."))
    today = timezone.localdate()
    eligible = eligible_voters(organisation, today)
    ids = {p.pk for p in eligible}
    candidates = list({p.pk: p for p in candidates}.values())
    present = list({p.pk: p for p in present}.values())
    errors = {}
    outsiders = [p.name for p in [*candidates, *present] if p.pk not in ids]
    if outsiders:
        raise ApplicationError(
            _("Only full members of this organisation vote and stand: %(names)s is not one.")
            % {"names": "、".join(sorted(set(outsiders)))}
        )
    if not 1 <= seats <= MAX_SEATS:
        errors["seats"] = [_("A committee has from 1 to 7 members.")]
    elif (
        organisation.kind == PartyOrganisation.Kind.BRANCH
        and len(eligible) < SMALL_BRANCH
        and seats > 1
    ):
        errors["seats"] = [
            _("A branch with fewer than 7 full members elects a secretary only (1 seat).")
        ]
    if len(candidates) < seats:
        errors["candidates"] = [
            _("Name at least as many candidates as seats (%(n)s).") % {"n": seats}
        ]
    if errors:
        raise ApplicationError(_("Please correct the election's details."), extra=errors)
    if len(present) < quorum(len(eligible)):
        raise ApplicationError(
            _(
                "The election is not valid: %(present)s of %(eligible)s eligible voters are "
                "present, and at least %(needed)s (four fifths) must be."
            )
            % {"present": len(present), "eligible": len(eligible), "needed": quorum(len(eligible))}
        )
    with transaction.atomic():
        if Election.objects.filter(
            organisation=organisation, status=Election.Status.VOTING
        ).exists():
            raise ApplicationError(_("This organisation's election ballot is already open."))
        poll = _ballot(
            actor,
            organisation,
            [(p.pk, p.name) for p in candidates],
            voters=[p.pk for p in present],
            seats=seats,
        )
        election = Election.objects.create(
            organisation=organisation,
            held_on=today,
            seats=seats,
            eligible=len(eligible),
            present=len(present),
            poll=poll,
        )
        audit_record(
            actor=actor,
            action="evaluation.election.opened",
            obj=election,
            before=None,
            after={"seats": seats, "eligible": len(eligible), "present": len(present)},
            court=organisation.court,
        )
    return election


def _ballot(actor, organisation, candidates: list, *, voters: list, seats: int, round_: int = 1):
    """The secret ballot of an election's round held today: (id, name) candidates, for or
    against each, at most `seats` "for"."""
    title = f"{organisation.name_zh} {timezone.localdate():%Y-%m-%d} 换届选举"
    return ballots.poll_open(
        actor=actor,
        kind=Poll.Kind.ELECTION,
        title=title if round_ == 1 else f"{title}（第{round_}轮）",
        court=organisation.court,
        organisation=organisation,
        items=[{"key": key, "label": name} for key, name in candidates],
        choices=[FOR, AGAINST],
        voters=voters,
        limit=seats,
    )


def election_close(*, actor, election: Election) -> Election:
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if election.status != Election.Status.VOTING:
            raise ApplicationError(_("This election's ballot is not open."))
        election.poll = ballots.poll_close(actor=actor, poll=election.poll)
        election.status = Election.Status.COUNTED
        election.save(update_fields=["status"])
    return election


def next_round_open(*, actor, election: Election) -> Election:
    """Another round of a counted election whose count left seats open: the tied candidates
    contest the seats they tie for; seats nobody won go to another round among the
    candidates not elected. The voters present at the round vote again (the quorum was
    checked when the election opened); the round before is marked as continued and can no
    longer be recorded on its own."""
    with transaction.atomic():
        election = (
            Election.objects.select_for_update().select_related("organisation").get(pk=election.pk)
        )
        if election.status != Election.Status.COUNTED:
            raise ApplicationError(_("Another round follows a counted ballot only."))
        result = outcome(election)
        if result.complete:
            raise ApplicationError(_("Every seat is filled: there is no other round to hold."))
        elected = {c.key for c in result.elected}
        if result.tie_seats:
            seats, standing = result.tie_seats, [c for c in result.candidates if c.tied]
        else:
            seats = result.unfilled
            standing = [c for c in result.candidates if c.key not in elected]
        if not standing:
            raise ApplicationError(
                _("No candidate is left for another round: record the committee of those elected.")
            )
        organisation = election.organisation
        voters = list(
            PollVoter.objects.filter(poll=election.poll).values_list("person_id", flat=True)
        )
        poll = _ballot(
            actor,
            organisation,
            [(int(c.key), c.name) for c in standing],
            voters=voters,
            seats=seats,
            round_=election.round + 1,
        )
        election.status = Election.Status.CONTINUED
        election.save(update_fields=["status"])
        following = Election.objects.create(
            organisation=organisation,
            held_on=timezone.localdate(),
            seats=seats,
            eligible=election.eligible,
            present=election.present,
            poll=poll,
            previous=election,
            round=election.round + 1,
        )
        audit_record(
            actor=actor,
            action="evaluation.election.next_round",
            obj=following,
            before=None,
            after={"previous": election.pk, "round": following.round, "seats": seats},
            court=organisation.court,
        )
    return following


def rounds(election: Election) -> list[Election]:
    """The rounds of an election up to this one, the first first."""
    chain = [election]
    while chain[-1].previous_id is not None:
        chain.append(Election.objects.select_related("poll").get(pk=chain[-1].previous_id))
    return chain[::-1]


def elected_in_rounds(election: Election) -> list:
    """The candidates elected in the rounds up to this one (counted rounds only), in order."""
    return elected_in(rounds(election))


def elected_in(held_rounds: list[Election]) -> list:
    """The candidates elected in the given rounds (counted rounds only), in order."""
    return [
        c
        for held in held_rounds
        if held.poll.status == Poll.Status.CLOSED
        for c in outcome(held).elected
    ]


@dataclass(frozen=True)
class Candidate:
    key: str
    name: str
    votes: int  # "for"
    against: int
    passed: bool  # more than half of the votes of those present
    elected: bool
    tied: bool  # tied at the last seat: another round decides


@dataclass(frozen=True)
class Outcome:
    ballots: int
    needed: int  # the fewest votes that are more than half of those present
    candidates: list[Candidate]
    elected: list[Candidate]
    unfilled: int  # seats no candidate won: another round among the others
    tie_seats: int  # seats the tied candidates contest in another round

    @property
    def complete(self) -> bool:
        return self.unfilled == 0 and self.tie_seats == 0


def outcome(election: Election) -> Outcome:
    """The count, from the poll's tally: only after the ballot has closed. Candidates with
    more than half of the votes of those present pass; the seats go to those with the most
    votes; a tie for the last seat elects none of the tied (another round decides)."""
    poll = election.poll
    if poll.status != Poll.Status.CLOSED:
        raise ApplicationError(_("Results are shown only after the poll closes."))
    counts = poll.tally["items"]
    needed = election.present // 2 + 1
    rows = [
        (str(i["key"]), i["label"], counts[str(i["key"])][FOR], counts[str(i["key"])][AGAINST])
        for i in poll.items
    ]
    passed = sorted((r for r in rows if r[2] >= needed), key=lambda r: (-r[2], r[1], r[0]))
    elected, tied = set(), set()
    if len(passed) <= election.seats:
        elected = {r[0] for r in passed}
    else:
        line = passed[election.seats - 1][2]  # the votes of the last seat
        elected = {r[0] for r in passed if r[2] > line}
        at_line = [r[0] for r in passed if r[2] == line]
        if len(elected) + len(at_line) <= election.seats:
            elected |= set(at_line)
        else:
            tied = set(at_line)
    candidates = [
        Candidate(
            key=key,
            name=name,
            votes=votes,
            against=against,
            passed=votes >= needed,
            elected=key in elected,
            tied=key in tied,
        )
        for key, name, votes, against in sorted(rows, key=lambda r: (-r[2], r[1], r[0]))
    ]
    return Outcome(
        ballots=poll.tally["ballots"],
        needed=needed,
        candidates=candidates,
        elected=[c for c in candidates if c.elected],
        unfilled=0 if tied else election.seats - len(elected),
        tie_seats=election.seats - len(elected) if tied else 0,
    )


def committee_record(
    *, actor, election: Election, posts: list, approved_on, years: int | None = None
):
    """Record the new committee: every elected candidate holds one post, nobody else does;
    the term begins on the election day (orgs.services.election_record)."""
    from tongxin.orgs import services as org_services

    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if election.status == Election.Status.CONTINUED:
            raise ApplicationError(
                _("Another round followed this one: record the committee from the last round.")
            )
        if election.status != Election.Status.COUNTED:
            raise ApplicationError(
                _("The committee is recorded once, after the ballot has been counted.")
            )
        elected = elected_in_rounds(election)
        if not elected:
            raise ApplicationError(_("Nobody was elected: hold another round."))
        if approved_on < election.held_on:
            raise ApplicationError(
                _("The approval cannot be before the election (%(date)s).")
                % {"date": election.held_on},
                extra={"approved_on": [_("On or after the election day.")]},
            )
        if approved_on > timezone.localdate():
            raise ApplicationError(
                _("The approval date cannot be in the future."),
                extra={"approved_on": [_("Not in the future.")]},
            )
        chosen = {str(person.pk) for person, _post in posts}
        wanted = {c.key for c in elected}
        if chosen != wanted:
            raise ApplicationError(
                _("Give each elected member one post, and no post to anyone not elected.")
            )
        term = org_services.election_record(
            actor=actor,
            organisation=election.organisation,
            elected_on=election.held_on,
            posts=posts,
            years=years,
        )
        election.term = term
        election.approved_on = approved_on
        election.status = Election.Status.RECORDED
        election.save(update_fields=["term", "approved_on", "status"])
        audit_record(
            actor=actor,
            action="evaluation.election.recorded",
            obj=election,
            before=None,
            after={"term": term.pk, "approved_on": str(approved_on)},
            court=election.organisation.court,
        )
    return election
