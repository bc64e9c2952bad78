from django.shortcuts import render

from tongxin.core.access import requires
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.core.views import not_found
from tongxin.dashboards import charts
from tongxin.orgs import health
from tongxin.orgs.models import Court, PartyOrganisation
from tongxin.people.models import Person
from tongxin.people.scope import own_person


@requires(signed_in=True)
def home(request):
    """Counts of what the user can see; the health counts load separately (they take longest)."""
    scope = scope_for(request.user)
    context = {
        "court_count": scope.visible(Court).filter(is_active=True).count()
        if scope.has(Perm.COURT_VIEW)
        else None,
        "organisation_count": scope.visible(PartyOrganisation).filter(is_active=True).count(),
        "people_count": scope.visible(Person).filter(is_active=True).count()
        if scope.has(Perm.PERSON_VIEW)
        else None,
        "show_health": scope.has(Perm.HEALTH_VIEW),
        "charts": charts.available(request.user),
        "own_person": own_person(scope),
        "own_organisations": scope.visible(PartyOrganisation).filter(is_active=True)[:5]
        if not scope.has(Perm.COURT_VIEW)
        else [],
    }
    return render(request, "dashboards/home.html", context)


@requires(Perm.HEALTH_VIEW)
def health_counts(request):
    """The home page's health panel: how many findings each rule has in the user's reach."""
    tally = health.check(user=request.user).tally()  # aggregates: no finding is built
    return render(
        request,
        "dashboards/_health_counts.html",
        {"health_counts": tally, "finding_total": sum(n for _code, _label, n in tally)},
    )


@requires(signed_in=True)
def chart_data(request, name: str):
    """The figures of one chart as JSON (the page draws it with ECharts, served locally)."""
    from django.http import JsonResponse

    if name not in charts.CHARTS:
        return not_found(request)
    perm, figures = charts.CHARTS[name]
    scope_for(request.user).require(perm)
    return JsonResponse(figures(request.user))
