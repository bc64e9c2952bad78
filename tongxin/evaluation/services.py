"""Writes of the appraisal: cycles, raters, ratings, computing, overrides, publication,
review and the final lock. Every service runs in a transaction and audits what it changes.

A cycle's states: draft → open (the schemes copied into `frozen`, the people assessed
fixed) → computed → published (the review period) → final (locked). `cycle_reopen` takes an
open or computed cycle back to draft (logged with its reason) so that its schemes can change.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.audit import audit_record, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.evaluation import compute, grading
from tongxin.evaluation.models import (
    Computation,
    Cycle,
    CycleMember,
    Override,
    RaterAssignment,
    RaterSheet,
    Result,
    ReviewRequest,
    Scheme,
)
from tongxin.evaluation.schemes import scheme_check
from tongxin.lib.collector import collector_paused


def _audit(actor, action, obj, before=None, after=None, court=None):
    audit_record(actor=actor, action=action, obj=obj, before=before, after=after, court=court)


def _locked(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update().get(pk=cycle.pk)


def _need(cycle: Cycle, *states: str) -> None:
    if cycle.status not in states:
        raise ApplicationError(
            _("This cannot be done while the cycle is %(status)s.")
            % {"status": cycle.get_status_display().lower()}
        )


# Schemes ---------------------------------------------------------------------------------


def scheme_save(*, actor, scheme: Scheme, definition) -> Scheme:
    """Change a scheme's definition (weights must sum to 100 at each level); open cycles keep
    their frozen copy."""
    scheme_check(definition)
    with transaction.atomic():
        before = snapshot(scheme) if scheme.pk else None
        scheme.definition = definition
        scheme.save()
        _audit(actor, "evaluation.scheme.changed", scheme, before, snapshot(scheme))
    return scheme


# Cycles ----------------------------------------------------------------------------------


def cycle_create(
    *,
    actor,
    court,
    year: int,
    name: str,
    categories: list[str],
    schemes: dict[str, int],
    opens_on: datetime.date,
    rating_closes_on: datetime.date,
    rate=20,
    approval: str = "",
) -> Cycle:
    if not categories or set(categories) - set(schemes):
        raise ApplicationError(_("Choose a scheme for every staff category assessed."))
    if rating_closes_on < opens_on:
        raise ApplicationError(_("Rating cannot close before it opens."))
    rate = Decimal(str(rate))
    if rate > 25 or rate < 0:
        raise ApplicationError(_("The excellent quota is at most 25%."))
    if rate > 20 and not approval.strip():
        raise ApplicationError(_("A quota above 20% needs its approval recorded."))
    with transaction.atomic():
        try:
            cycle = Cycle.objects.create(
                court=court,
                year=year,
                name=name,
                categories=list(categories),
                schemes={c: int(schemes[c]) for c in categories},
                rate=rate,
                approval=approval.strip(),
                opens_on=opens_on,
                rating_closes_on=rating_closes_on,
            )
        except IntegrityError:
            raise ApplicationError(
                _("This court already has a cycle of that name and year.")
            ) from None
        _audit(actor, "evaluation.cycle.created", cycle, None, snapshot(cycle))
    return cycle


def cycle_open(*, actor, cycle: Cycle) -> Cycle:
    """Freeze the schemes and fix who is assessed: the active staff of the court subtree in
    the cycle's categories, each counted in their own court's quota."""
    from tongxin.people.models import Person

    with transaction.atomic():
        cycle = _locked(cycle)
        _need(cycle, Cycle.Status.DRAFT)
        schemes = {s.pk: s for s in Scheme.objects.filter(pk__in=cycle.schemes.values())}
        frozen = {}
        for category, scheme_id in cycle.schemes.items():
            scheme = schemes.get(scheme_id)
            if scheme is None:
                raise ApplicationError(_("A scheme of this cycle no longer exists."))
            scheme_check(scheme.definition)
            frozen[category] = scheme.definition
        before = snapshot(cycle)
        people = Person.objects.filter(
            court__path__startswith=cycle.court.path,
            category__in=cycle.categories,
            is_active=True,
        ).values_list("pk", "category", "court_id")
        CycleMember.objects.filter(cycle=cycle).delete()
        CycleMember.objects.bulk_create(
            [CycleMember(cycle=cycle, person_id=p, category=c, unit=str(u)) for p, c, u in people],
            batch_size=5000,
        )
        cycle.frozen, cycle.status = frozen, Cycle.Status.OPEN
        cycle.save(update_fields=["frozen", "status"])
        _audit(actor, "evaluation.cycle.opened", cycle, before, snapshot(cycle))
    return cycle


def cycle_reopen(*, actor, cycle: Cycle, reason: str) -> Cycle:
    """Back to draft so that the schemes may change; logged with its reason."""
    if not (reason or "").strip():
        raise ApplicationError(_("Say why the cycle is reopened."))
    with transaction.atomic():
        cycle = _locked(cycle)
        _need(cycle, Cycle.Status.OPEN, Cycle.Status.COMPUTED)
        before = snapshot(cycle)
        cycle.status, cycle.frozen = Cycle.Status.DRAFT, {}
        cycle.save(update_fields=["status", "frozen"])
        _audit(
            actor,
            "evaluation.cycle.reopened",
            cycle,
            before,
            {**snapshot(cycle), "reason": reason.strip()},
        )
    return cycle


# Raters and ratings ------------------------------------------------------------------------


def rater_assign(*, actor, cycle: Cycle, rater, ratee, group: str) -> RaterAssignment:
    if rater.pk == ratee.pk:
        raise ApplicationError(_("A rater cannot rate themselves."))
    with transaction.atomic():
        cycle = _locked(cycle)
        _need(cycle, Cycle.Status.DRAFT, Cycle.Status.OPEN)
        if (
            cycle.status == Cycle.Status.OPEN
            and not CycleMember.objects.filter(cycle=cycle, person=ratee).exists()
        ):
            raise ApplicationError(_("This person is not assessed in this cycle."))
        try:
            with transaction.atomic():
                row = RaterAssignment.objects.create(
                    cycle=cycle, rater=rater, ratee=ratee, group=group
                )
        except IntegrityError:
            raise ApplicationError(_("This rater already rates this person.")) from None
        _audit(
            actor,
            "evaluation.rater.assigned",
            row,
            None,
            {"rater": rater.pk, "ratee": ratee.pk, "group": group},
            court=cycle.court,
        )
    return row


def _score(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value).strip())
    except InvalidOperation:
        raise ApplicationError(_("A score is a number from 0 to 100.")) from None
    if not score.is_finite() or score < 0 or score > 100:
        raise ApplicationError(_("A score is a number from 0 to 100."))
    return score.quantize(Decimal("0.01"))


def ratings_save(*, rater, cycle: Cycle, scores: dict, submit: bool = False) -> int:
    """Save the rater's drafts (assignment id -> score); with `submit`, submit the sheet:
    once, every person scored. A rater touches only their own assignments."""
    clean = {int(k): _score(v) for k, v in scores.items()}
    with transaction.atomic():
        cycle = _locked(cycle)
        _need(cycle, Cycle.Status.OPEN)
        if RaterSheet.objects.filter(cycle=cycle, rater=rater).exists():
            raise ApplicationError(_("You have already submitted your ratings."))
        own = {a.pk: a for a in RaterAssignment.objects.filter(cycle=cycle, rater=rater)}
        if set(clean) - set(own):
            raise ApplicationError(_("You can only rate the people assigned to you."))
        changed = [own[pk] for pk, score in clean.items() if own[pk].score != score]
        for pk, score in clean.items():
            own[pk].score = score
        RaterAssignment.objects.bulk_update(changed, ["score"])
        if submit:
            if any(a.score is None for a in own.values()):
                raise ApplicationError(_("Score every person before submitting."))
            RaterSheet.objects.create(cycle=cycle, rater=rater)
    return len(changed)


# Computing -------------------------------------------------------------------------------


def cycle_compute(*, actor, cycle: Cycle) -> Computation:
    """Run the engine; the results are new rows (earlier runs stay as they were)."""
    with transaction.atomic(), collector_paused():
        cycle = _locked(cycle)
        _need(cycle, Cycle.Status.OPEN, Cycle.Status.COMPUTED)
        people, facts = compute.inputs(cycle)
        sizes = Counter(person.unit for _category, person in people)
        run = Computation.objects.create(
            cycle=cycle,
            computed_by=actor if getattr(actor, "pk", None) else None,
            quotas={unit: grading.quota(cycle.rate, n) for unit, n in sizes.items()},
            schemes=cycle.frozen,
        )
        category = {p.pid: c for c, p in people}
        no_facts: dict = {}
        # Streamed: each unit's rows are written (PostgreSQL parses and indexes them in its
        # own process) while the engine scores the next unit.
        rows = (
            (
                o.pid,
                category[o.pid],
                unit,
                o.final,
                o.grade or "",
                o.status,
                o.rank,
                o.scores,
                o.groups,
                o.vetoes,
                facts.get(o.pid, no_facts),
            )
            for unit, _quota, outcomes in grading.grade_units(cycle.frozen, people, cycle.rate)
            for o in outcomes
        )
        written = compute.results_write(run, rows)
        before = snapshot(cycle)
        cycle.status = Cycle.Status.COMPUTED
        cycle.save(update_fields=["status"])
        _audit(
            actor,
            "evaluation.cycle.computed",
            cycle,
            before,
            {**snapshot(cycle), "computation": run.pk, "results": written},
        )
    return run


def _final_excellent(computation: Computation, unit: str, skip: int | None = None) -> int:
    """Excellent grades in a unit after the committee's latest word on each result."""
    from tongxin.evaluation.selectors import final_grade_map

    grades = final_grade_map(Result.objects.filter(computation=computation, unit=unit))
    return sum(1 for pk, g in grades.items() if g == grading.EXCELLENT and pk != skip)


def _ceiling(effects) -> str:
    """The best grade the vetoes allow."""
    if grading.CAP_BASIC in effects:
        return grading.BASIC
    if grading.NO_EXCELLENT in effects:
        return grading.COMPETENT
    return grading.EXCELLENT


def override_record(*, actor, result: Result, grade: str, reason: str) -> Override:
    """The committee's grade with its reason; never over the unit's quota; the raw result
    stays as computed."""
    if not (reason or "").strip():
        raise ApplicationError(
            _("An override needs its reason."), extra={"reason": [_("Required.")]}
        )
    if grade not in (*grading.GRADES, ""):
        raise ApplicationError(_("Choose a grade."))
    with transaction.atomic():
        cycle = _locked(result.cycle)
        _need(cycle, Cycle.Status.COMPUTED, Cycle.Status.PUBLISHED)
        latest = cycle.computations.order_by("-id").first()
        if result.computation_id != latest.pk:
            raise ApplicationError(_("This result belongs to an earlier computation."))
        effects = {v["effect"] for v in result.vetoes}
        if (grading.NO_GRADE in effects and grade) or (
            grade and grading.RANK[grade] < grading.RANK[_ceiling(effects)]
        ):
            raise ApplicationError(_("A veto rule forbids this grade for this person."))
        if grade == grading.EXCELLENT:
            limit = latest.quotas.get(result.unit, 0)
            if _final_excellent(latest, result.unit, skip=result.pk) + 1 > limit:
                raise ApplicationError(
                    _("The excellent quota of this court (%(n)s) is already used.") % {"n": limit}
                )
        row = Override.objects.create(result=result, grade=grade, reason=reason.strip(), by=actor)
        _audit(
            actor,
            "evaluation.result.overridden",
            result,
            {"grade": result.grade},
            {"grade": grade, "reason": reason.strip()},
        )
    return row


def cycle_publish(*, actor, cycle: Cycle, until: datetime.date) -> Cycle:
    with transaction.atomic():
        cycle = _locked(cycle)
        _need(cycle, Cycle.Status.COMPUTED)
        from tongxin.evaluation.selectors import unresolved_ties

        if unresolved_ties(cycle):
            raise ApplicationError(_("The committee must first decide the ties at the quota line."))
        if until < timezone.localdate():
            raise ApplicationError(_("The publication period cannot end in the past."))
        before = snapshot(cycle)
        cycle.status, cycle.publish_until = Cycle.Status.PUBLISHED, until
        cycle.save(update_fields=["status", "publish_until"])
        _audit(actor, "evaluation.cycle.published", cycle, before, snapshot(cycle))
    return cycle


def review_request(*, person, result: Result, reason: str) -> ReviewRequest:
    """A person asks the committee to review their own published result, with a reason."""
    if result.person_id != person.pk:
        raise ApplicationError(_("You can ask for a review of your own result only."))
    if not (reason or "").strip():
        raise ApplicationError(
            _("Say why you ask for a review."), extra={"reason": [_("Required.")]}
        )
    with transaction.atomic():
        cycle = _locked(result.cycle)
        if cycle.status != Cycle.Status.PUBLISHED or (
            cycle.publish_until and cycle.publish_until < timezone.localdate()
        ):
            raise ApplicationError(
                _("Reviews can be asked for only while the results are published.")
            )
        try:
            with transaction.atomic():
                row = ReviewRequest.objects.create(result=result, reason=reason.strip())
        except IntegrityError:
            raise ApplicationError(_("You have already asked for a review.")) from None
        _audit(
            person.user,
            "evaluation.review.requested",
            row,
            None,
            {"reason": reason.strip()},
            court=cycle.court,
        )
    return row


def review_answer(
    *, actor, review: ReviewRequest, answer: str, grade: str | None = None
) -> ReviewRequest:
    """The committee answers; with a grade, an override with the answer as its reason."""
    if not (answer or "").strip():
        raise ApplicationError(
            _("Write the committee's answer."), extra={"answer": [_("Required.")]}
        )
    with transaction.atomic():
        review = ReviewRequest.objects.select_for_update().get(pk=review.pk)
        if review.status != ReviewRequest.Status.OPEN:
            raise ApplicationError(_("This review has already been answered."))
        if grade:
            override_record(actor=actor, result=review.result, grade=grade, reason=answer)
        review.status, review.answer = ReviewRequest.Status.ANSWERED, answer.strip()
        review.answered_by, review.answered_at = actor, timezone.now()
        review.save()
        _audit(
            actor,
            "evaluation.review.answered",
            review,
            None,
            {"answer": review.answer, "grade": grade or ""},
            court=review.result.cycle.court,
        )
    return review


def cycle_finalize(*, actor, cycle: Cycle) -> Cycle:
    """Lock the results: nothing changes afterwards."""
    with transaction.atomic():
        cycle = _locked(cycle)
        _need(cycle, Cycle.Status.PUBLISHED)
        if ReviewRequest.objects.filter(
            result__cycle=cycle, status=ReviewRequest.Status.OPEN
        ).exists():
            raise ApplicationError(_("Answer every review request first."))
        before = snapshot(cycle)
        cycle.status = Cycle.Status.FINAL
        cycle.save(update_fields=["status"])
        _audit(actor, "evaluation.cycle.finalized", cycle, before, snapshot(cycle))
    return cycle
