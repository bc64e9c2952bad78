"""Pages of branch elections by secret ballot (elections.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.exceptions import NotFound
from tongxin.core.listing import confirm_page, form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.evaluation import ballots, elections
from tongxin.evaluation.forms import (
    ElectionOpenForm,
    ElectionOrganisationForm,
    committee_form_class,
)
from tongxin.evaluation.models import Election
from tongxin.people.models import Person

FORM = "evaluation/form.html"


@requires(Perm.EVAL_BRANCH)
def election_list(request):
    scope = scope_for(request.user)
    rows = scope.visible(Election).select_related("organisation__court")
    query = (request.GET.get("q") or "").strip()[:50]
    if query:
        rows = rows.filter(organisation__name_zh__icontains=query)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "evaluation/election_list.html", {"page": page, "q": query})


@requires(Perm.EVAL_BRANCH)
def election_create(request):
    """Two steps: the organisation (GET), then seats, candidates and who is present."""
    choose = ElectionOrganisationForm(request.GET or None, user=request.user)
    back = reverse("evaluation:election-list")
    if not choose.is_bound or not choose.is_valid():
        return render(
            request,
            "evaluation/election_new.html",
            {"choose": choose, "back": back, "title": _("Hold an election")},
        )
    organisation = choose.cleaned_data["organisation"]
    people = elections.eligible_voters(organisation)
    form = ElectionOpenForm(request.POST or None, people=people)
    made = {}

    def action(data):
        made["row"] = elections.election_open(actor=request.user, organisation=organisation, **data)

    return form_page(
        request,
        form=form,
        action=action,
        success=_("The election's secret ballot is open: each voter present votes now."),
        redirect_to=lambda: reverse("evaluation:election-detail", args=[made["row"].pk]),
        template="evaluation/election_new.html",
        context={
            "title": _("Hold an election"),
            "organisation": organisation,
            "eligible": len(people),
            "needed": elections.quorum(len(people)),
            "back": back,
        },
    )


@requires(Perm.EVAL_BRANCH, Election)
def election_detail(request, election: Election):
    poll = election.poll
    result = elections.outcome(election) if poll.status == poll.Status.CLOSED else None
    scope = scope_for(request.user)
    earlier = elections.rounds(election)[:-1]
    elected_before = elections.elected_in(earlier)
    can_record = (
        election.status == Election.Status.COUNTED
        and bool(result and (result.elected or elected_before))
        and scope.visible(Election, Perm.ORG_CHANGE).filter(pk=election.pk).exists()
    )
    following = Election.objects.filter(previous=election).first()
    return render(
        request,
        "evaluation/election_detail.html",
        {
            "election": election,
            "status": ballots.poll_status(poll),
            "result": result,
            "can_record": can_record,
            "can_continue": election.status == Election.Status.COUNTED
            and result is not None
            and not result.complete,
            "earlier": earlier,
            "elected_before": elected_before,
            "following": following,
        },
    )


@requires(Perm.EVAL_BRANCH, Election)
def election_close(request, election: Election):
    back = reverse("evaluation:election-detail", args=[election.pk])
    return confirm_page(
        request,
        obj=election,
        action=lambda: elections.election_close(actor=request.user, election=election),
        question=_("Close the ballot? No more ballots are taken and the votes are counted."),
        done=_("Ballot closed and counted."),
        back=back,
        redirect_to=back,
        blocker=None
        if election.status == Election.Status.VOTING
        else _("This election's ballot is not open."),
    )


@requires(Perm.EVAL_BRANCH, Election)
def election_next_round(request, election: Election):
    """Another round for the seats a count left open (confirmed first)."""
    back = reverse("evaluation:election-detail", args=[election.pk])
    made = {}
    blocker = None
    if election.status != Election.Status.COUNTED:
        blocker = _("Another round follows a counted ballot only.")
    elif elections.outcome(election).complete:
        blocker = _("Every seat is filled: there is no other round to hold.")

    def action():
        made["row"] = elections.next_round_open(actor=request.user, election=election)

    return confirm_page(
        request,
        obj=election,
        action=action,
        question=_(
            "Open another round? The voters present vote again, for the seats still open, "
            "among the candidates the count names."
        ),
        done=_("The next round's secret ballot is open: each voter present votes now."),
        back=back,
        redirect_to=lambda: reverse("evaluation:election-detail", args=[made["row"].pk]),
        blocker=blocker,
    )


@requires(Perm.ORG_CHANGE, Election)
def committee_record(request, election: Election):
    """Divide the elected into posts; the new term begins on the election day."""
    back = reverse("evaluation:election-detail", args=[election.pk])
    if election.status != Election.Status.COUNTED:
        return redirect(back)
    elected = elections.elected_in_rounds(election)
    if not elected:
        raise NotFound("nobody elected")
    people = Person.objects.filter(pk__in=[int(c.key) for c in elected]).order_by("name")
    from tongxin.orgs.services import term_years

    form = committee_form_class()(
        request.POST or None,
        people=people,
        initial={"years": term_years(election.organisation)},
    )
    return form_page(
        request,
        form=form,
        action=lambda data: elections.committee_record(
            actor=request.user,
            election=election,
            posts=form.posts(),
            approved_on=data["approved_on"],
            years=data["years"],
        ),
        success=_("The new committee is recorded: its term begins on the election day."),
        redirect_to=back,
        template=FORM,
        context={
            "title": _("Record the new committee"),
            "subtitle": str(election),
            "back": back,
        },
    )
