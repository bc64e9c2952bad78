"""Party-member evaluation services: democratic evaluation, commitments, selections.

Democratic evaluation (民主评议党员), per branch and year:
    self → (vote_open) voting → (vote_close) counted → (decide) decided
Everyone on the branch's roster writes a self-evaluation; the full members grade each other
by secret ballot (ballots.py); the branch decides each full member's grade with "excellent"
at most a third of those graded (floor). Probationary members take part in the
self-evaluation and the meeting but neither vote nor are graded (they have no vote in the
Party yet; docs/evaluation.md).
"""

from __future__ import annotations

import datetime
import math

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.core.audit import audit_record
from tongxin.core.exceptions import ApplicationError
from tongxin.evaluation import ballots
from tongxin.evaluation.models import (
    Commitment,
    DemocraticEvaluation,
    DemocraticGrade,
    MemberGrade,
    Nomination,
    Poll,
    ProgressNote,
    Selection,
    SelfEvaluation,
)
from tongxin.people.models import Person


def _audit(actor, action, obj, after, court=None):
    audit_record(actor=actor, action=action, obj=obj, before=None, after=after, court=court)


def roster(organisation, on: datetime.date | None = None):
    """(full members, probationary members) of the branch on the day."""
    from tongxin.orgs.selectors import roster_on

    on = on or timezone.localdate()
    people = [m.person for m in roster_on(organisation=organisation, on=on)]
    full = [p for p in people if p.political_status == "full"]
    probationary = [p for p in people if p.political_status == "probationary"]
    return full, probationary


# Democratic evaluation -----------------------------------------------------------------


def democratic_open(*, actor, organisation, year: int) -> DemocraticEvaluation:
    try:
        with transaction.atomic():
            row = DemocraticEvaluation.objects.create(organisation=organisation, year=year)
            _audit(actor, "evaluation.democratic.opened", row, {"year": year})
    except IntegrityError:
        raise ApplicationError(_("This branch already has its evaluation for that year.")) from None
    return row


def self_evaluation_save(*, person, evaluation: DemocraticEvaluation, text: str) -> SelfEvaluation:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Write your self-evaluation."), extra={"text": [_("Required.")]})
    if evaluation.status not in (
        DemocraticEvaluation.Status.SELF,
        DemocraticEvaluation.Status.VOTING,
    ):
        raise ApplicationError(_("Self-evaluations are closed."))
    full, probationary = roster(evaluation.organisation)
    if person.pk not in {p.pk for p in [*full, *probationary]}:
        raise ApplicationError(_("You are not a member of this branch."))
    row, _created = SelfEvaluation.objects.update_or_create(
        evaluation=evaluation, person=person, defaults={"text": text}
    )
    return row


def democratic_vote_open(*, actor, evaluation: DemocraticEvaluation) -> DemocraticEvaluation:
    with transaction.atomic():
        evaluation = DemocraticEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.status != DemocraticEvaluation.Status.SELF:
            raise ApplicationError(_("The mutual evaluation has already been opened."))
        full, _probationary = roster(evaluation.organisation)
        if len(full) < 2:
            raise ApplicationError(_("A mutual evaluation needs at least two full members."))
        evaluation.poll = ballots.poll_open(
            actor=actor,
            kind=Poll.Kind.DEMOCRATIC,
            title=f"{evaluation.organisation.name_zh} {evaluation.year} 民主评议",
            court=evaluation.organisation.court,
            organisation=evaluation.organisation,
            items=[{"key": p.pk, "label": p.name} for p in full],
            choices=MemberGrade.values,
            voters=[p.pk for p in full],
        )
        evaluation.status = DemocraticEvaluation.Status.VOTING
        evaluation.save(update_fields=["poll", "status"])
    return evaluation


def democratic_vote_close(*, actor, evaluation: DemocraticEvaluation) -> DemocraticEvaluation:
    with transaction.atomic():
        evaluation = DemocraticEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.status != DemocraticEvaluation.Status.VOTING:
            raise ApplicationError(_("The mutual evaluation is not open."))
        evaluation.poll = ballots.poll_close(actor=actor, poll=evaluation.poll)
        evaluation.status = DemocraticEvaluation.Status.COUNTED
        evaluation.save(update_fields=["status"])
    return evaluation


def excellent_limit(graded: int) -> int:
    """At most a third of those graded (floor)."""
    return math.floor(graded / 3)


def democratic_decide(*, actor, evaluation: DemocraticEvaluation, grades: dict) -> list:
    """The branch's grade for every full member on the ballot; excellent ≤ 1/3."""
    with transaction.atomic():
        evaluation = DemocraticEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.status != DemocraticEvaluation.Status.COUNTED:
            raise ApplicationError(_("The branch decides after the ballot has closed."))
        graded = {str(i["key"]) for i in evaluation.poll.items}
        clean = {str(k): v for k, v in grades.items()}
        if set(clean) != graded:
            raise ApplicationError(_("Give a grade to every full member, and only to them."))
        if any(v not in MemberGrade.values for v in clean.values()):
            raise ApplicationError(_("Choose a grade."))
        excellent = sum(v == MemberGrade.EXCELLENT for v in clean.values())
        limit = excellent_limit(len(clean))
        if excellent > limit:
            raise ApplicationError(
                _("At most %(n)s of %(total)s members can be excellent (one third).")
                % {"n": limit, "total": len(clean)}
            )
        rows = DemocraticGrade.objects.bulk_create(
            DemocraticGrade(evaluation=evaluation, person_id=int(k), grade=v)
            for k, v in clean.items()
        )
        evaluation.status = DemocraticEvaluation.Status.DECIDED
        evaluation.save(update_fields=["status"])
        _audit(actor, "evaluation.democratic.decided", evaluation, {"grades": clean})
    return rows


# Commitments ---------------------------------------------------------------------------

MIN_COMMITMENTS, MAX_COMMITMENTS = 2, 5


def commitments_write(*, person, organisation, year: int, texts: list[str]) -> list[Commitment]:
    """Replace the member's drafts (or returned commitments) of the year and submit them:
    2 to 5, none empty."""
    texts = [t.strip() for t in texts if t and t.strip()]
    if not MIN_COMMITMENTS <= len(texts) <= MAX_COMMITMENTS:
        raise ApplicationError(
            _("Write from %(min)s to %(max)s commitments.")
            % {"min": MIN_COMMITMENTS, "max": MAX_COMMITMENTS}
        )
    with transaction.atomic():
        mine = Commitment.objects.select_for_update().filter(person=person, year=year)
        if mine.exclude(status__in=[Commitment.Status.DRAFT, Commitment.Status.RETURNED]).exists():
            raise ApplicationError(_("Your commitments for this year are already under review."))
        mine.delete()
        rows = Commitment.objects.bulk_create(
            Commitment(
                person=person,
                organisation=organisation,
                year=year,
                text=t,
                status=Commitment.Status.SUBMITTED,
            )
            for t in texts
        )
    return rows


def commitment_review(*, actor, commitment: Commitment, accept: bool, note: str = "") -> Commitment:
    if commitment.status != Commitment.Status.SUBMITTED:
        raise ApplicationError(_("Only submitted commitments are reviewed."))
    if not accept and not note.strip():
        raise ApplicationError(
            _("Say why the commitment is returned."), extra={"note": [_("Required.")]}
        )
    with transaction.atomic():
        commitment.status = Commitment.Status.ACCEPTED if accept else Commitment.Status.RETURNED
        commitment.review_note = note.strip()
        commitment.save(update_fields=["status", "review_note"])
        _audit(
            actor,
            "evaluation.commitment.reviewed",
            commitment,
            {"status": commitment.status, "note": commitment.review_note},
        )
    return commitment


def progress_note(*, person, commitment: Commitment, quarter: int, text: str) -> ProgressNote:
    if commitment.person_id != person.pk:
        raise ApplicationError(_("You can write progress on your own commitments only."))
    if commitment.status != Commitment.Status.ACCEPTED:
        raise ApplicationError(_("Progress is noted on accepted commitments."))
    if quarter not in (1, 2, 3, 4) or not (text or "").strip():
        raise ApplicationError(_("Choose a quarter and write the progress."))
    row, _created = ProgressNote.objects.update_or_create(
        commitment=commitment, quarter=quarter, defaults={"text": text.strip()}
    )
    return row


def commitment_evaluate(*, actor, commitment: Commitment, outcome: str, note: str) -> Commitment:
    """The year-end evaluation (members, masses and the organisation: recorded by the branch)."""
    if commitment.status != Commitment.Status.ACCEPTED:
        raise ApplicationError(_("Only accepted commitments are evaluated."))
    if outcome not in Commitment.Outcome.values:
        raise ApplicationError(_("Choose an outcome."))
    with transaction.atomic():
        commitment.status, commitment.outcome = Commitment.Status.EVALUATED, outcome
        commitment.outcome_note = (note or "").strip()
        commitment.save(update_fields=["status", "outcome", "outcome_note"])
        _audit(actor, "evaluation.commitment.evaluated", commitment, {"outcome": outcome})
    return commitment


# Selections ----------------------------------------------------------------------------


def selection_create(*, actor, court, year: int, kind: str) -> Selection:
    if kind not in Selection.Kind.values:
        raise ApplicationError(_("Choose a kind of selection."))
    with transaction.atomic():
        row = Selection.objects.create(court=court, year=year, kind=kind)
        _audit(
            actor, "evaluation.selection.created", row, {"year": year, "kind": kind}, court=court
        )
    return row


def checklist_for(selection: Selection, *, organisation=None, person=None) -> dict:
    """The criteria checklist filled from the product's own records."""
    from tongxin.evaluation.sources import fetch_all
    from tongxin.orgs.models import OrganisationFacts

    year = selection.year
    if organisation is not None:
        facts = OrganisationFacts.objects.filter(organisation=organisation).first()
        decided = DemocraticEvaluation.objects.filter(
            organisation=organisation, year=year, status=DemocraticEvaluation.Status.DECIDED
        ).exists()
        evaluated = Commitment.objects.filter(
            organisation=organisation, year=year, status=Commitment.Status.EVALUATED
        )
        fulfilled = evaluated.filter(outcome=Commitment.Outcome.FULFILLED).count()
        return {
            "secretary": {"met": bool(facts and facts.secretary), "evidence": ""},
            "committee": {
                "met": bool(facts and facts.committee >= 3),
                "evidence": str(facts.committee if facts else 0),
            },
            "democratic_evaluation": {"met": decided, "evidence": str(year)},
            "commitments": {
                "met": evaluated.exists() and fulfilled * 10 >= evaluated.count() * 8,
                "evidence": f"{fulfilled}/{evaluated.count()}",
            },
        }
    facts = fetch_all(["democratic_grade", "commitments_fulfilled", "sanctions"], [person.pk], year)
    mine = facts.get(person.pk, {})
    return {
        "democratic_excellent": {
            "met": mine.get("democratic_grade") == "excellent",
            "evidence": str(mine.get("democratic_grade", "")),
        },
        "commitments": {
            "met": (mine.get("commitments_fulfilled") or 0) >= 0.8,
            "evidence": str(mine.get("commitments_fulfilled", "")),
        },
        "no_sanction": {"met": not mine.get("sanctions"), "evidence": ""},
    }


def nominate(*, actor, selection: Selection, organisation=None, person=None) -> Nomination:
    if selection.status != Selection.Status.NOMINATING:
        raise ApplicationError(_("Nominations are closed."))
    if (organisation is None) == (person is None):
        raise ApplicationError(_("Nominate a branch or a member."))
    with transaction.atomic():
        row = Nomination.objects.create(
            selection=selection,
            organisation=organisation,
            person=person,
            nominated_by=actor,
            checklist=checklist_for(selection, organisation=organisation, person=person),
        )
        _audit(
            actor,
            "evaluation.selection.nominated",
            row,
            {"checklist": row.checklist},
            court=selection.court,
        )
    return row


ELECTORATES = {
    "members": gettext_lazy("the court's full Party members"),
    "committee": gettext_lazy("the members of the court's organ Party committee"),
}


def selection_electorates(selection: Selection, on: datetime.date | None = None) -> dict:
    """Who may vote in a selection's ballot, by electorate (ELECTORATES), as person ids: the
    court's active full members, or the committee of its organ Party committee on the day
    (the committee decides honours on the branches' recommendation)."""
    from tongxin.orgs.models import PartyOrganisation
    from tongxin.orgs.selectors import posts_on

    on = on or timezone.localdate()
    members = Person.objects.filter(
        court=selection.court, is_active=True, political_status=Person.PoliticalStatus.FULL
    ).order_by("pk")
    committees = PartyOrganisation.objects.filter(
        court=selection.court, kind=PartyOrganisation.Kind.ORGAN_COMMITTEE, is_active=True
    )
    committee = {post.person_id for org in committees for post in posts_on(organisation=org, on=on)}
    return {"members": list(members.values_list("pk", flat=True)), "committee": sorted(committee)}


def selection_vote_open(*, actor, selection: Selection, voters: list[int]) -> Selection:
    with transaction.atomic():
        selection = Selection.objects.select_for_update().get(pk=selection.pk)
        if selection.status != Selection.Status.NOMINATING:
            raise ApplicationError(_("The ballot has already been opened."))
        noms = list(selection.nominations.select_related("organisation", "person"))
        if not noms:
            raise ApplicationError(_("Nominate someone first."))
        if not voters:
            raise ApplicationError(_("Nobody is in this electorate: choose another."))
        selection.poll = ballots.poll_open(
            actor=actor,
            kind=Poll.Kind.SELECTION,
            title=str(selection),
            court=selection.court,
            items=[{"key": n.pk, "label": str(n.organisation or n.person)} for n in noms],
            choices=["for", "against"],
            voters=voters,
        )
        selection.status = Selection.Status.VOTING
        selection.save(update_fields=["poll", "status"])
    return selection


def selection_publish(*, actor, selection: Selection, objection_until: datetime.date) -> Selection:
    """Close the ballot and publish the proposed honours for the objection period."""
    if objection_until <= timezone.localdate():
        raise ApplicationError(_("The objection period must end after today."))
    with transaction.atomic():
        selection = Selection.objects.select_for_update().get(pk=selection.pk)
        if selection.status != Selection.Status.VOTING:
            raise ApplicationError(_("Publish after the ballot."))
        selection.poll = ballots.poll_close(actor=actor, poll=selection.poll)
        selection.status, selection.objection_until = Selection.Status.OBJECTION, objection_until
        selection.save(update_fields=["status", "objection_until"])
    return selection


def selection_close(*, actor, selection: Selection, honoured: list[int]) -> Selection:
    """Record the honours once the objection period is over."""
    with transaction.atomic():
        selection = Selection.objects.select_for_update().get(pk=selection.pk)
        if selection.status != Selection.Status.OBJECTION:
            raise ApplicationError(_("Honours are recorded after publication."))
        if selection.objection_until >= timezone.localdate():
            raise ApplicationError(_("The objection period has not ended."))
        selection.nominations.filter(pk__in=honoured).update(honoured=True)
        selection.status = Selection.Status.CLOSED
        selection.save(update_fields=["status"])
        _audit(
            actor,
            "evaluation.selection.closed",
            selection,
            {"honoured": sorted(honoured)},
            court=selection.court,
        )
    return selection
