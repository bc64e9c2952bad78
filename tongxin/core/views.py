from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import Column, Filters, ListDefinition, list_page
from tongxin.core.models import AuditChange, AuditEntry, _model_of
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


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


def _count_changes(entries: list) -> None:
    """The number of records a bulk entry changed (AuditChange rows), for the entries shown."""
    counts = dict(
        AuditChange.objects.filter(entry_id__in=[entry.pk for entry in entries])
        .order_by()
        .values_list("entry_id")
        .annotate(n=Count("id"))
    )
    for entry in entries:
        entry.change_count = counts.get(entry.pk, 0)


AUDIT = ListDefinition(
    filters=AuditFilters,
    select=audit_select,
    columns=lambda: [
        Column(_("Time"), lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
        Column(_("User"), lambda e: e.actor_name),
        Column(_("Action"), lambda e: e.action),
        Column(_("Object"), lambda e: e.object_repr),
        Column(_("Before"), lambda e: e.before),
        Column(_("After"), lambda e: e.after),
    ],
    filename="audit.xlsx",
    decorate=_count_changes,
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


HISTORY_LIMIT = 200  # the latest changes of one record shown (entries and bulk changes each)


@requires(Perm.AUDIT_VIEW)
def audit_history(request, object_type: str, object_id: str):
    """Every audited change of one record within the user's courts, newest first: the entries
    services wrote for it and the changes bulk writes (imports) recorded under their entry,
    each with who, when, from where and every field's value before and after."""
    scope = scope_for(request.user)
    entries = (
        scope.visible(AuditEntry, Perm.AUDIT_VIEW)
        .filter(object_type=object_type[:80], object_id=object_id[:40])
        .order_by("-at", "-id")[:HISTORY_LIMIT]
    )
    changes = (
        scope.visible(AuditChange, Perm.AUDIT_VIEW)
        .filter(object_type=object_type[:80], object_id=object_id[:40])
        .select_related("entry")
        .order_by("-entry__at", "-id")[:HISTORY_LIMIT]
    )
    events = [
        {
            "at": e.at,
            "entry": e,
            "label": e.action_label,
            "changes": e.changes,
            "name": e.object_repr,
        }
        for e in entries
    ] + [
        {
            "at": c.entry.at,
            "entry": c.entry,
            "label": c.action_label,
            "changes": c.changes,
            "name": c.object_repr,
            "bulk": True,  # recorded under the entry of a bulk write (an import)
        }
        for c in changes
    ]
    events.sort(key=lambda event: (event["at"], event["entry"].pk), reverse=True)
    model = _model_of(object_type)
    return render(
        request,
        "core/audit_history.html",
        {
            "events": events[:HISTORY_LIMIT],
            "limited": len(events) > HISTORY_LIMIT,
            "limit": HISTORY_LIMIT,
            "kind": model._meta.verbose_name if model else object_type,
            "name": events[0]["name"] if events else "",
        },
    )


@requires(Perm.AUDIT_VIEW, AuditEntry)
def audit_changes(request, entry: AuditEntry):
    """The records a bulk write (one entry) changed, within the user's courts, a page at a time."""
    changes = (
        scope_for(request.user)
        .visible(AuditChange, Perm.AUDIT_VIEW)
        .filter(entry=entry)
        .order_by("id")
    )
    return list_page(
        request,
        queryset=changes,
        template="core/audit_changes.html",
        context={"entry": entry},
        columns=[
            Column(_("Action"), lambda c: c.action),
            Column(_("Object"), lambda c: c.object_repr),
            Column(_("Before"), lambda c: c.before),
            Column(_("After"), lambda c: c.after),
        ],
        filename=f"audit-{entry.pk}.xlsx",
    )
