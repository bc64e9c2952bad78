"""The membership-records pages (issue 7): a branch's page with its roster, its roster file,
its dues sheet, the transfers list and the home page's chart figures, for the branch with the
most members (computed from the seeded data, not timed)."""

from __future__ import annotations

from django.db.models import Count, Q


def urls() -> dict[str, str]:
    from tongxin.orgs.models import PartyOrganisation

    branch = (
        PartyOrganisation.objects.filter(kind="branch", is_active=True)
        .annotate(n=Count("memberships", filter=Q(memberships__ends_on__isnull=True)))
        .order_by("-n", "pk")
        .first()
    )
    found = {
        "transfers list": "/people/transfers/",
        "chart: members by organisation": "/charts/members/",
        "chart: composition": "/charts/composition/",
        "chart: terms ending": "/charts/terms/",
        "chart: dues by month": "/charts/dues/",
    }
    if branch is not None:
        found |= {
            "branch page with roster": f"/courts/organisations/{branch.pk}/",
            "roster (.xlsx)": f"/courts/organisations/{branch.pk}/roster.xlsx",
            "dues sheet": f"/people/dues/{branch.pk}/",
        }
    return found
