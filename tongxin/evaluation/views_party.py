"""Pages of democratic evaluation, secret ballots and commitments."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.exceptions import ApplicationError, NotFound
from tongxin.core.listing import confirm_page, form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.evaluation import ballots, party, selectors
from tongxin.evaluation.forms import (
    BallotForm,
    CommitmentReviewForm,
    CommitmentsForm,
    DecideForm,
    DemocraticForm,
    EvaluateForm,
    ProgressForm,
    SelfForm,
)
from tongxin.evaluation.models import (
    Commitment,
    DemocraticEvaluation,
    MemberGrade,
    Poll,
    PollVoter,
    SelfEvaluation,
)

FORM = "evaluation/form.html"


@requires(Perm.EVAL_BRANCH)
def democratic_list(request):
    scope = scope_for(request.user)
    rows = scope.visible(DemocraticEvaluation).select_related("organisation__court")[:200]
    commitments = (
        scope.visible(Commitment)
        .filter(status=Commitment.Status.SUBMITTED)
        .select_related("person", "organisation")[:200]
    )
    return render(
        request, "evaluation/democratic_list.html", {"rows": rows, "commitments": commitments}
    )


@requires(Perm.EVAL_BRANCH)
def democratic_create(request):
    form = DemocraticForm(request.POST or None, user=request.user)
    made = {}

    def action(data):
        made["row"] = party.democratic_open(actor=request.user, **data)

    return form_page(
        request,
        form=form,
        action=action,
        success=_("Democratic evaluation opened."),
        redirect_to=lambda: reverse("evaluation:democratic-detail", args=[made["row"].pk]),
        template=FORM,
        context={
            "title": _("New democratic evaluation"),
            "back": reverse("evaluation:democratic-list"),
        },
    )


@requires(Perm.EVAL_BRANCH, DemocraticEvaluation)
def democratic_detail(request, evaluation: DemocraticEvaluation):
    full, probationary = party.roster(evaluation.organisation)
    selfs = {str(s.person_id): s.text for s in SelfEvaluation.objects.filter(evaluation=evaluation)}
    poll = evaluation.poll
    results = None
    if poll is not None and poll.status == Poll.Status.CLOSED:
        results = ballots.poll_results(poll)
    form = None
    if evaluation.status == DemocraticEvaluation.Status.COUNTED:
        form = DecideForm(request.POST or None, items=poll.items)
        if request.method == "POST" and form.is_valid():
            try:
                party.democratic_decide(
                    actor=request.user, evaluation=evaluation, grades=form.grades()
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The branch's decision is recorded."))
                return redirect("evaluation:democratic-detail", pk=evaluation.pk)
    grades = {str(g.person_id): g.get_grade_display() for g in evaluation.grades.all()}
    return render(
        request,
        "evaluation/democratic_detail.html",
        {
            "evaluation": evaluation,
            "full": full,
            "probationary": probationary,
            "selfs": selfs,
            "status": ballots.poll_status(poll) if poll else None,
            "results": results,
            "labels": {str(i["key"]): i["label"] for i in poll.items} if poll else {},
            "choices": MemberGrade.choices,
            "form": form,
            "grades": grades,
            "limit": party.excellent_limit(len(poll.items)) if poll else None,
        },
    )


@requires(Perm.EVAL_BRANCH, DemocraticEvaluation)
def democratic_vote_open(request, evaluation: DemocraticEvaluation):
    back = reverse("evaluation:democratic-detail", args=[evaluation.pk])
    return confirm_page(
        request,
        obj=evaluation,
        action=lambda: party.democratic_vote_open(actor=request.user, evaluation=evaluation),
        question=_("Open the secret ballot of the mutual evaluation?"),
        done=_("Ballot opened."),
        back=back,
        redirect_to=back,
    )


@requires(Perm.EVAL_BRANCH, DemocraticEvaluation)
def democratic_vote_close(request, evaluation: DemocraticEvaluation):
    back = reverse("evaluation:democratic-detail", args=[evaluation.pk])
    return confirm_page(
        request,
        obj=evaluation,
        action=lambda: party.democratic_vote_close(actor=request.user, evaluation=evaluation),
        question=_("Close the ballot? No more ballots are taken and the result is counted."),
        done=_("Ballot closed and counted."),
        back=back,
        redirect_to=back,
    )


@requires(signed_in=True)
def self_evaluation(request, pk):
    evaluation = (
        DemocraticEvaluation.objects.filter(pk=pk).select_related("organisation").first()
        if str(pk).isdigit()
        else None
    )
    person = selectors.own_person(request.user)
    if evaluation is None or person is None:
        raise NotFound("not found")
    full, probationary = party.roster(evaluation.organisation)
    if person.pk not in {p.pk for p in [*full, *probationary]}:
        raise NotFound("not found")
    mine = SelfEvaluation.objects.filter(evaluation=evaluation, person=person).first()
    form = SelfForm(request.POST or None, initial={"text": mine.text if mine else ""})
    back = reverse("evaluation:mine")
    return form_page(
        request,
        form=form,
        action=lambda d: party.self_evaluation_save(person=person, evaluation=evaluation, **d),
        success=_("Self-evaluation saved."),
        redirect_to=back,
        template=FORM,
        context={"title": _("Self-evaluation"), "subtitle": str(evaluation), "back": back},
    )


@requires(signed_in=True)
def poll_vote(request, pk):
    """The voter's ballot: one submission; afterwards only "you have voted"."""
    person = selectors.own_person(request.user)
    poll = Poll.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if (
        poll is None
        or person is None
        or not PollVoter.objects.filter(poll=poll, person=person).exists()
    ):
        raise NotFound("not found")
    voted = ballots.has_voted(poll, person)
    choices = [(c, _label(poll, c)) for c in poll.choices]
    form = BallotForm(
        request.POST or None,
        items=poll.items,
        choices=choices,
        exclude=str(person.pk) if poll.kind == Poll.Kind.DEMOCRATIC else "",
    )
    if (
        request.method == "POST"
        and not voted
        and poll.status == Poll.Status.OPEN
        and form.is_valid()
    ):
        try:
            ballots.ballot_cast(poll_id=poll.pk, voter=person, content=form.content())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your ballot is cast. Nobody can see how you voted."))
            return redirect("evaluation:poll-vote", pk=poll.pk)
    results = ballots.poll_results(poll) if poll.status == Poll.Status.CLOSED else None
    return render(
        request,
        "evaluation/vote.html",
        {
            "poll": poll,
            "form": form,
            "voted": voted,
            "results": results,
            "labels": {str(i["key"]): i["label"] for i in poll.items},
            "choices": choices,
        },
    )


def _label(poll, choice):
    if poll.kind == Poll.Kind.DEMOCRATIC:
        return dict(MemberGrade.choices).get(choice, choice)
    return {"for": _("For"), "against": _("Against")}.get(choice, choice)


# Commitments ---------------------------------------------------------------------------


@requires(signed_in=True)
def commitments_mine(request):
    person = selectors.own_person(request.user)
    membership = (
        person.memberships.filter(ends_on__isnull=True).select_related("organisation").first()
        if person
        else None
    )
    if membership is None:
        raise NotFound("not found")
    year = timezone.localdate().year
    back = reverse("evaluation:mine")
    return form_page(
        request,
        form=CommitmentsForm(request.POST or None),
        action=lambda d: party.commitments_write(
            person=person,
            organisation=membership.organisation,
            year=year,
            texts=[d.get(f"text{i}", "") for i in range(1, 6)],
        ),
        success=_("Commitments submitted to the branch."),
        redirect_to=back,
        template=FORM,
        context={"title": _("My commitments for %(year)s") % {"year": year}, "back": back},
    )


@requires(signed_in=True)
def commitment_progress(request, pk):
    person = selectors.own_person(request.user)
    commitment = (
        Commitment.objects.filter(pk=pk, person=person).first()
        if person and str(pk).isdigit()
        else None
    )
    if commitment is None:
        raise NotFound("not found")
    back = reverse("evaluation:mine")
    return form_page(
        request,
        form=ProgressForm(request.POST or None),
        action=lambda d: party.progress_note(person=person, commitment=commitment, **d),
        success=_("Progress noted."),
        redirect_to=back,
        template=FORM,
        context={"title": _("Quarterly progress"), "subtitle": commitment.text, "back": back},
    )


@requires(Perm.EVAL_BRANCH, Commitment)
def commitment_review(request, commitment: Commitment):
    back = reverse("evaluation:democratic-list")
    return form_page(
        request,
        form=CommitmentReviewForm(request.POST or None),
        action=lambda d: party.commitment_review(
            actor=request.user,
            commitment=commitment,
            accept=d["decision"] == "accept",
            note=d["note"],
        ),
        success=_("Review recorded."),
        redirect_to=back,
        template=FORM,
        context={
            "title": _("Review the commitment"),
            "subtitle": f"{commitment.person.name}: {commitment.text}",
            "back": back,
        },
    )


@requires(Perm.EVAL_BRANCH, Commitment)
def commitment_evaluate(request, commitment: Commitment):
    back = reverse("evaluation:democratic-list")
    return form_page(
        request,
        form=EvaluateForm(request.POST or None),
        action=lambda d: party.commitment_evaluate(actor=request.user, commitment=commitment, **d),
        success=_("Evaluation recorded."),
        redirect_to=back,
        template=FORM,
        context={
            "title": _("Year-end evaluation"),
            "subtitle": f"{commitment.person.name}: {commitment.text}",
            "back": back,
        },
    )
