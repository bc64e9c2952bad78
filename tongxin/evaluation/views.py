"""Appraisal pages: my evaluation, cycles (committee), rating sheets, results and reviews."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.exceptions import ApplicationError, NotFound
from tongxin.core.listing import confirm_page, form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.evaluation import ballots, exports, selectors, services
from tongxin.evaluation.forms import (
    AnswerForm,
    AssignForm,
    CycleForm,
    OverrideForm,
    PublishForm,
    ReasonForm,
    SchemeForm,
)
from tongxin.evaluation.models import (
    Commitment,
    Cycle,
    DemocraticEvaluation,
    Poll,
    PollVoter,
    Result,
    ReviewRequest,
    Scheme,
)

FORM = "evaluation/form.html"


def _form(request, *, form, action, success, back, title, subtitle=""):
    return form_page(
        request,
        form=form,
        action=action,
        success=success,
        redirect_to=back,
        template=FORM,
        context={"title": title, "subtitle": subtitle, "back": back},
    )


@requires(signed_in=True)
def mine(request):
    """What waits for the signed-in person: results, rating sheets, ballots, commitments."""
    person = selectors.own_person(request.user)
    year = timezone.localdate().year
    polls = []
    if person is not None:
        open_polls = Poll.objects.filter(
            status=Poll.Status.OPEN,
            pk__in=PollVoter.objects.filter(person=person).values("poll_id"),
        )
        voted = set(
            ballots.Receipt.objects.filter(person=person, poll__in=open_polls).values_list(
                "poll_id", flat=True
            )
        )
        polls = [(p, p.pk in voted) for p in open_polls]
    evaluations = DemocraticEvaluation.objects.none()
    commitments = Commitment.objects.none()
    if person is not None:
        branch = person.memberships.filter(ends_on__isnull=True).values("organisation_id")
        evaluations = DemocraticEvaluation.objects.filter(
            organisation_id__in=branch,
            status__in=[DemocraticEvaluation.Status.SELF, DemocraticEvaluation.Status.VOTING],
        ).select_related("organisation")
        commitments = Commitment.objects.filter(person=person, year__gte=year - 1).prefetch_related(
            "notes"
        )
    return render(
        request,
        "evaluation/mine.html",
        {
            "person": person,
            "results": selectors.own_results(request.user),
            "rating_cycles": selectors.rater_cycles(request.user),
            "polls": polls,
            "evaluations": evaluations,
            "commitments": commitments,
            "year": year,
        },
    )


# Cycles ----------------------------------------------------------------------------------


@requires(Perm.EVAL_VIEW)
def cycle_list(request):
    cycles = scope_for(request.user).visible(Cycle).select_related("court")
    page = Paginator(cycles, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/cycle_list.html",
        {"page": page, "can_change": scope_for(request.user).has(Perm.EVAL_CHANGE)},
    )


@requires(Perm.EVAL_CHANGE)
def cycle_create(request):
    form = CycleForm(request.POST or None, user=request.user)
    created = {}

    def action(data):
        schemes = {}
        for category in data["categories"]:
            scheme = (
                Scheme.objects.filter(category=category, is_active=True).order_by("code").first()
            )
            if scheme is not None:
                schemes[category] = scheme.pk
        created["cycle"] = services.cycle_create(actor=request.user, schemes=schemes, **data)

    return form_page(
        request,
        form=form,
        action=action,
        success=_("Cycle created."),
        redirect_to=lambda: reverse("evaluation:cycle-detail", args=[created["cycle"].pk]),
        template=FORM,
        context={"title": _("New appraisal cycle"), "back": reverse("evaluation:cycle-list")},
    )


@requires(Perm.EVAL_VIEW, Cycle)
def cycle_detail(request, cycle: Cycle):
    scope = scope_for(request.user)
    results = scope.visible(selectors.cycle_results(cycle)).select_related("review")
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    reviews = (
        scope.visible(ReviewRequest)
        .filter(result__cycle=cycle, status=ReviewRequest.Status.OPEN)
        .select_related("result__person")
    )
    return render(
        request,
        "evaluation/cycle_detail.html",
        {
            "cycle": cycle,
            "page": page,
            "reviews": reviews,
            "ties": selectors.unresolved_ties(cycle)
            if cycle.status == Cycle.Status.COMPUTED
            else 0,
            "computation": selectors.latest_computation(cycle),
            "members": cycle.members.count(),
            "raters": cycle.assignments.values("rater_id").distinct().count(),
            "sheets": cycle.sheets.count(),
            "can_change": scope.can(Perm.EVAL_CHANGE, cycle),
        },
    )


def _cycle_confirm(request, cycle, action, question, done):
    back = reverse("evaluation:cycle-detail", args=[cycle.pk])
    return confirm_page(
        request, obj=cycle, action=action, question=question, done=done, back=back, redirect_to=back
    )


@requires(Perm.EVAL_CHANGE, Cycle)
def cycle_open(request, cycle: Cycle):
    return _cycle_confirm(
        request,
        cycle,
        lambda: services.cycle_open(actor=request.user, cycle=cycle),
        _("Open the cycle? Its schemes are frozen and the people assessed are fixed."),
        _("Cycle opened."),
    )


@requires(Perm.EVAL_CHANGE, Cycle)
def cycle_compute(request, cycle: Cycle):
    return _cycle_confirm(
        request,
        cycle,
        lambda: services.cycle_compute(actor=request.user, cycle=cycle),
        _("Compute the scores and grades now? Earlier computations are kept."),
        _("Scores and grades computed."),
    )


@requires(Perm.EVAL_CHANGE, Cycle)
def cycle_finalize(request, cycle: Cycle):
    return _cycle_confirm(
        request,
        cycle,
        lambda: services.cycle_finalize(actor=request.user, cycle=cycle),
        _("Lock the final results? Nothing can change afterwards."),
        _("Results locked."),
    )


@requires(Perm.EVAL_CHANGE, Cycle)
def cycle_reopen(request, cycle: Cycle):
    back = reverse("evaluation:cycle-detail", args=[cycle.pk])
    return _form(
        request,
        form=ReasonForm(request.POST or None),
        action=lambda d: services.cycle_reopen(actor=request.user, cycle=cycle, **d),
        success=_("Cycle reopened: its schemes may change."),
        back=back,
        title=_("Reopen the cycle"),
        subtitle=str(cycle),
    )


@requires(Perm.EVAL_CHANGE, Cycle)
def cycle_publish(request, cycle: Cycle):
    back = reverse("evaluation:cycle-detail", args=[cycle.pk])
    return _form(
        request,
        form=PublishForm(request.POST or None),
        action=lambda d: services.cycle_publish(actor=request.user, cycle=cycle, **d),
        success=_("Results published."),
        back=back,
        title=_("Publish the results"),
        subtitle=str(cycle),
    )


@requires(Perm.EVAL_CHANGE, Cycle)
def rater_assign(request, cycle: Cycle):
    back = reverse("evaluation:cycle-detail", args=[cycle.pk])
    return _form(
        request,
        form=AssignForm(request.POST or None, cycle=cycle),
        action=lambda d: services.rater_assign(actor=request.user, cycle=cycle, **d),
        success=_("Rater assigned."),
        back=back,
        title=_("Assign a rater"),
        subtitle=str(cycle),
    )


@requires(Perm.EVAL_CHANGE, Result)
def result_override(request, result: Result):
    back = reverse("evaluation:cycle-detail", args=[result.cycle_id])
    return _form(
        request,
        form=OverrideForm(request.POST or None),
        action=lambda d: services.override_record(actor=request.user, result=result, **d),
        success=_("The committee's grade is recorded."),
        back=back,
        title=_("The committee's grade"),
        subtitle=result.person.name,
    )


@requires(Perm.EVAL_CHANGE, ReviewRequest)
def review_answer(request, review: ReviewRequest):
    back = reverse("evaluation:cycle-detail", args=[review.result.cycle_id])
    return _form(
        request,
        form=AnswerForm(request.POST or None),
        action=lambda d: services.review_answer(actor=request.user, review=review, **d),
        success=_("Answer recorded."),
        back=back,
        title=_("Answer the review request"),
        subtitle=f"{review.result.person.name}: {review.reason}",
    )


@requires(Perm.EVAL_VIEW, Cycle)
def cycle_xlsx(request, cycle: Cycle):
    results = scope_for(request.user).visible(selectors.cycle_results(cycle))
    return exports.cycle_workbook(cycle, results)


@requires(Perm.EVAL_VIEW, Cycle)
def cycle_pdf(request, cycle: Cycle):
    results = scope_for(request.user).visible(selectors.cycle_results(cycle))
    return exports.cycle_pdf(request, cycle, results)


# Rating and own results ------------------------------------------------------------------


@requires(signed_in=True)
def rating_sheet(request, pk):
    """A rater's one page: the people they rate, drafts, submit once."""
    cycle = Cycle.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    rows, submitted = selectors.rater_sheet(request.user, cycle) if cycle else ([], False)
    if not rows:
        raise NotFound("not found")
    error = None
    if request.method == "POST" and not submitted:
        scores = {str(r.pk): request.POST.get(f"s{r.pk}", "")[:20] for r in rows}
        try:
            services.ratings_save(
                rater=rows[0].rater, cycle=cycle, scores=scores, submit="submit" in request.POST
            )
        except ApplicationError as exc:
            error = exc.message
            for r in rows:
                r.typed = scores[str(r.pk)]
        else:
            messages.success(
                request, _("Ratings submitted.") if "submit" in request.POST else _("Draft saved.")
            )
            return redirect("evaluation:rating", pk=cycle.pk)
    return render(
        request,
        "evaluation/rating.html",
        {"cycle": cycle, "rows": rows, "submitted": submitted, "error": error},
    )


@requires(signed_in=True)
def result_mine(request, pk):
    """A person's own result: every criterion, its source record, the vetoes; review."""
    result = selectors.own_result(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_request(
                person=result.person, result=result, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your review request was sent to the committee."))
            return redirect("evaluation:result-mine", pk=result.pk)
    review = ReviewRequest.objects.filter(result=result).first()
    return render(
        request,
        "evaluation/result.html",
        {
            "result": result,
            "why": selectors.explain(result),
            "final": selectors.final_of(result),
            "form": form,
            "review": review,
            "can_review": result.cycle.status == Cycle.Status.PUBLISHED and review is None,
        },
    )


@requires(signed_in=True)
def result_pdf(request, pk):
    result = selectors.own_result(request.user, pk)
    return exports.result_pdf(request, result, selectors.explain(result))


# Schemes ---------------------------------------------------------------------------------


@requires(Perm.EVAL_VIEW)
def scheme_list(request):
    schemes = scope_for(request.user).visible(Scheme)
    return render(
        request,
        "evaluation/scheme_list.html",
        {"schemes": schemes, "can_change": scope_for(request.user).has(Perm.RULE_CHANGE)},
    )


@requires(Perm.RULE_CHANGE, Scheme)
def scheme_json(request, scheme: Scheme):
    """The whole definition as JSON: for what the editor's form does not cover."""
    back = reverse("evaluation:scheme-edit", args=[scheme.pk])
    return _form(
        request,
        form=SchemeForm(request.POST or None, initial={"definition": scheme.definition}),
        action=lambda d: services.scheme_save(actor=request.user, scheme=scheme, **d),
        success=_("Scheme saved."),
        back=back,
        title=_("Edit the scheme as JSON"),
        subtitle=scheme.name_zh,
    )
