from django.shortcuts import render

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs import health


def home(request):
    """Counts of what the user can see and of every health rule broken in it."""
    scope = scope_for(request.user)
    findings = health.findings(user=request.user) if scope.has(Perm.HEALTH_VIEW) else []
    context = {
        "court_count": scope.courts().filter(is_active=True).count()
        if scope.has(Perm.COURT_VIEW)
        else None,
        "organisation_count": scope.organisations().filter(is_active=True).count(),
        "people_count": scope.people().filter(is_active=True).count()
        if scope.has(Perm.PERSON_VIEW)
        else None,
        "health_counts": health.counts(findings) if scope.has(Perm.HEALTH_VIEW) else None,
        "finding_total": len(findings),
        "own_person": scope.person,
        "own_organisations": scope.organisations().filter(is_active=True)[:5]
        if not scope.has(Perm.COURT_VIEW)
        else [],
    }
    return render(request, "dashboards/home.html", context)
