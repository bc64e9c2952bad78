from dataclasses import dataclass

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import Column, Filters, ListDefinition
from tongxin.core.models import AuditEntry
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    """403 with the answer that is true: "you can see this but not change it" only when the
    user sees the object (Forbidden.VIEW_ONLY), else "you cannot open this page"."""
    from tongxin.core.exceptions import Forbidden

    view_only = getattr(exception, "kind", None) == Forbidden.VIEW_ONLY
    return render(request, "403.html", {"view_only": view_only}, status=403)


@dataclass
class AuditFilters(Filters):
    q: str = ""  # part of the object or of the user name
    action: str = ""  # a dotted code or its start, e.g. "people.person"


def audit_select(*, user, filters: AuditFilters):
    qs = scope_for(user).visible(AuditEntry, Perm.AUDIT_VIEW).select_related("actor")
    if filters.q:
        qs = qs.filter(Q(object_repr__icontains=filters.q) | Q(actor_name__icontains=filters.q))
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    return qs


def _changes_text(entry) -> str:
    return "; ".join(
        f"{label}: {'—' if before is None else before} → {'—' if after is None else after}"
        for label, before, after in entry.changes
    )


AUDIT = ListDefinition(
    filters=AuditFilters,
    select=audit_select,
    columns=lambda: [
        Column(_("Time"), lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
        Column(_("User"), lambda e: e.actor_name),
        Column(_("Action"), lambda e: e.action),
        Column(_("Object"), lambda e: e.object_repr),
        Column(_("Changes"), _changes_text),
        Column(_("Before"), lambda e: e.before),
        Column(_("After"), lambda e: e.after),
    ],
    filename="audit.xlsx",
    # The names of the objects the entries refer to: one query per model and page (or chunk).
    decorate=AuditEntry.prepare,
)


@requires(Perm.AUDIT_VIEW)
def audit_list(request):
    """The audit log of the user's courts (read-only: there is no way to change it)."""
    filters = AuditFilters.from_params(request.GET)
    return AUDIT.page(
        request,
        template="core/audit_list.html",
        context={"search": filters.q, "action": filters.action},
    )
