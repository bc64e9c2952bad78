"""Pages of the selections ("four-strong" branches, model members)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.evaluation import ballots, party
from tongxin.evaluation.forms import (
    ElectorateForm,
    HonoursForm,
    NominateForm,
    PublishForm,
    SelectionForm,
)
from tongxin.evaluation.models import Selection

FORM = "evaluation/form.html"


@requires(Perm.EVAL_VIEW)
def selection_list(request):
    scope = scope_for(request.user)
    rows = scope.visible(Selection).select_related("court")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/selection_list.html",
        {"page": page, "can_change": scope.has(Perm.EVAL_CHANGE)},
    )


@requires(Perm.EVAL_CHANGE)
def selection_create(request):
    made = {}

    def action(data):
        made["row"] = party.selection_create(actor=request.user, **data)

    return form_page(
        request,
        form=SelectionForm(request.POST or None, user=request.user),
        action=action,
        success=_("Selection created."),
        redirect_to=lambda: reverse("evaluation:selection-detail", args=[made["row"].pk]),
        template=FORM,
        context={"title": _("New selection"), "back": reverse("evaluation:selection-list")},
    )


@requires(Perm.EVAL_VIEW, Selection)
def selection_detail(request, selection: Selection):
    nominations = list(selection.nominations.select_related("organisation", "person"))
    results = None
    if selection.poll and selection.poll.status == "closed":
        results = ballots.poll_results(selection.poll)
    return render(
        request,
        "evaluation/selection_detail.html",
        {
            "selection": selection,
            "nominations": nominations,
            "results": results,
            "can_change": scope_for(request.user).can(Perm.EVAL_CHANGE, selection),
        },
    )


def _back(selection):
    return reverse("evaluation:selection-detail", args=[selection.pk])


@requires(Perm.EVAL_CHANGE, Selection)
def selection_nominate(request, selection: Selection):
    return form_page(
        request,
        form=NominateForm(request.POST or None, selection=selection),
        action=lambda d: party.nominate(actor=request.user, selection=selection, **d),
        success=_("Nominated."),
        redirect_to=_back(selection),
        template=FORM,
        context={"title": _("Nominate"), "subtitle": str(selection), "back": _back(selection)},
    )


@requires(Perm.EVAL_CHANGE, Selection)
def selection_vote_open(request, selection: Selection):
    """The secret ballot, among the electorate chosen: the court's full members or its organ
    Party committee (the sizes shown)."""
    electorates = party.selection_electorates(selection)
    form = ElectorateForm(
        request.POST or None, sizes={key: len(ids) for key, ids in electorates.items()}
    )
    return form_page(
        request,
        form=form,
        action=lambda data: party.selection_vote_open(
            actor=request.user, selection=selection, voters=electorates[data["electorate"]]
        ),
        success=_("Ballot opened."),
        redirect_to=_back(selection),
        template="evaluation/form.html",
        context={
            "title": _("Open the secret ballot"),
            "subtitle": str(selection),
            "back": _back(selection),
        },
    )


@requires(Perm.EVAL_CHANGE, Selection)
def selection_publish(request, selection: Selection):
    return form_page(
        request,
        form=PublishForm(request.POST or None),
        action=lambda d: party.selection_publish(
            actor=request.user, selection=selection, objection_until=d["until"]
        ),
        success=_("Published for objections."),
        redirect_to=_back(selection),
        template=FORM,
        context={
            "title": _("Close the ballot and publish"),
            "subtitle": str(selection),
            "back": _back(selection),
        },
    )


@requires(Perm.EVAL_CHANGE, Selection)
def selection_close(request, selection: Selection):
    nominations = list(selection.nominations.select_related("organisation", "person"))
    return form_page(
        request,
        form=HonoursForm(request.POST or None, nominations=nominations),
        action=lambda d: party.selection_close(
            actor=request.user, selection=selection, honoured=[int(pk) for pk in d["honoured"]]
        ),
        success=_("Honours recorded."),
        redirect_to=_back(selection),
        template=FORM,
        context={
            "title": _("Record the honours"),
            "subtitle": str(selection),
            "back": _back(selection),
        },
    )
