"""The audit log's list: the page and its export read rows through one definition."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.listing import Column, Filters, ListDefinition
from tongxin.core.models import AuditEntry
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for


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
    from django.db.models import Count

    from tongxin.core.models import AuditChange

    counts = dict(
        AuditChange.objects.filter(entry_id__in=[entry.pk for entry in entries])
        .order_by()
        .values_list("entry_id")
        .annotate(n=Count("id"))
    )
    for entry in entries:
        entry.change_count = counts.get(entry.pk, 0)


def _local(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")


AUDIT = ListDefinition(
    filters=AuditFilters,
    select=audit_select,
    columns=lambda: [
        Column(_("Time"), lambda e: _local(e.at), field="at", convert=_local),
        Column(_("User"), lambda e: e.actor_name, field="actor_name"),
        Column(_("Action"), lambda e: e.action, field="action"),
        Column(_("Object"), lambda e: e.object_repr, field="object_repr"),
        Column(_("Before"), lambda e: e.before, field="before"),
        Column(_("After"), lambda e: e.after, field="after"),
    ],
    filename="audit.xlsx",
    name="core.audit",
    # The names of the objects the entries refer to, and how many records a bulk write (an
    # import) changed: a query per model, and one, for the page.
    decorate=lambda entries: (AuditEntry.prepare(entries), _count_changes(entries)),
)
